"""The dates a deal's agreement creates: exact values for the canonical deal, month ends, leap years, and the
exit timeline, checked against the draft's own Schedule 5 worked example."""

from __future__ import annotations

import datetime as dt

import pytest

from termsmith import api
from termsmith.draft.document import plain_text
from termsmith.draft.document import Table
from termsmith.draft.templating import add_business_days, format_date, period_end
from termsmith.errors import InputError

from ..conftest import CANONICAL, EXAMPLES

D = dt.date


def timeline_of(path, **kw):
    return api.dates([path], **kw).timelines[0]


def event(timeline, key):
    found = [e for e in (*timeline.events, *timeline.exit_steps) if e.key == key]
    assert len(found) == 1, f"{key}: {[e.key for e in (*timeline.events, *timeline.exit_steps)]}"
    return found[0]


def labels(e):
    return [s.label for s in e.sources]


# ── the canonical deal, exactly ─────────────────────────────────────────────────────────────
def test_canonical_key_dates():
    t = timeline_of(CANONICAL)
    assert event(t, "effective-date").dates == (D(2027, 1, 1),)
    assert labels(event(t, "effective-date")) == ["clause 1.1"]
    plan = event(t, "exit-plan")
    assert plan.dates == (D(2027, 4, 1),)
    assert labels(plan) == ["clause 18.1", "Schedule 5, paragraph 2"]
    assert plan.remind
    # 24 months from 1 January 2027: the Initial Term's last day is 31 December 2028, and notice of
    # non-renewal must be given at least 90 days before it
    assert event(t, "term-end-0").dates == (D(2028, 12, 31),)
    assert labels(event(t, "term-end-0")) == ["clause 15.1", "clause 15.2"]
    notice = event(t, "non-renewal-notice-0")
    assert notice.dates == (D(2028, 10, 2),) and notice.kind == "notice" and notice.remind
    assert labels(notice) == ["clause 15.2"]
    assert [event(t, f"term-end-{k}").date for k in (1, 2, 3)] == [D(2029, 12, 31), D(2030, 12, 31), D(2031, 12, 31)]
    assert [event(t, f"non-renewal-notice-{k}").date for k in (1, 2, 3)] == [D(2029, 10, 2), D(2030, 10, 2),
                                                                              D(2031, 10, 2)]
    assert t.horizon == D(2031, 12, 31)
    # the lock-in of clause 17.1, as its own text states it
    assert event(t, "convenience-earliest-notice").dates == (D(2028, 1, 1),)
    assert event(t, "convenience-earliest-termination").dates == (D(2028, 6, 29),)
    assert labels(event(t, "convenience-earliest-notice")) == ["clause 17.1"]
    assert event(t, "steering-committee-established").dates == (D(2027, 1, 31),)
    reviews = event(t, "exit-plan-review")
    assert reviews.dates == (D(2028, 4, 1), D(2029, 4, 1), D(2030, 4, 1), D(2031, 4, 1))
    meetings = event(t, "steering-committee-meeting")
    assert meetings.dates[:3] == (D(2027, 1, 1), D(2027, 4, 1), D(2027, 7, 1)) and meetings.dates[-1] == D(2031, 10, 1)
    assert labels(meetings) == ["clause 5.2", "Schedule 4, paragraph 1"]
    # reports within 10 Business Days after each month / calendar quarter
    assert event(t, "service-level-report").dates[:2] == (D(2027, 2, 12), D(2027, 3, 12))
    assert event(t, "cost-statement").dates[:2] == (D(2027, 4, 14), D(2027, 7, 14))
    dated = [e.date for e in t.events if e.dates]
    assert dated == sorted(dated)
    kpi = event(t, "kpi-report")  # a rule: the Parties choose the review's day
    assert not kpi.dates and kpi.rule == "at least 5 Business Days before each performance review"
    assert t.events[-1] is kpi


def test_canonical_clause_text_states_the_same_dates():
    """The dates clause 17.1 prints in the draft are the ones `dates` gives."""
    t = timeline_of(CANONICAL)
    text = "\n".join(plain_text(p.inlines) for s in api.build(CANONICAL).sections for c in s.clauses
                     if c.id == "termination.convenience" for p in c.blocks)
    notice, effect = (format_date(event(t, key).date, "en_GB")
                      for key in ("convenience-earliest-notice", "convenience-earliest-termination"))
    assert f"Neither Party may give that notice before {notice}" in text  # two Parties (library 2.7.0)
    assert f"cannot take effect before {effect}" in text


def test_without_an_exit_event_the_steps_are_rules():
    t = timeline_of(CANONICAL)
    assert t.trigger is None
    assert all(not s.dates for s in t.exit_steps)
    assert event(t, "exit-data-returned").rule == "Termination Date + 30 days"
    assert labels(event(t, "exit-data-returned")) == ["clause 18.6", "Schedule 5, paragraph 2"]


def test_notice_on_dates_every_exit_step():
    t = timeline_of(CANONICAL, notice_on=D(2028, 1, 1))
    assert event(t, "exit-notice").dates == (D(2028, 1, 1),)
    assert event(t, "exit-termination-date").dates == (D(2028, 6, 29),)
    assert event(t, "exit-transition-end").dates == (D(2028, 12, 29),)
    assert event(t, "exit-data-returned").dates == (D(2028, 7, 29),)
    assert event(t, "exit-data-deleted").dates == (D(2028, 8, 28),)
    assert event(t, "exit-final-account").dates == (D(2028, 8, 28),)
    assert event(t, "exit-customer-support-end").dates == (D(2029, 6, 29),)
    assert event(t, "exit-non-solicitation-end").dates == (D(2029, 6, 29),)
    assert event(t, "exit-confidentiality-end").dates == (D(2033, 6, 29),)
    assert event(t, "exit-insurance-run-off").dates == (D(2030, 6, 29),)
    assert labels(event(t, "exit-insurance-run-off")) == ["clause 14.1"]
    # the agreement ends on the Termination Date: no renewals, no meetings after it
    assert t.horizon == D(2028, 6, 29)
    assert not [e for e in t.events if e.key.startswith(("non-renewal", "term-end"))]
    assert max(d for e in t.events for d in e.dates) <= D(2028, 6, 29)


def test_terminate_on_dates_the_steps_from_the_termination_date():
    t = timeline_of(CANONICAL, terminate_on=D(2027, 11, 30))
    assert event(t, "exit-termination-date").dates == (D(2027, 11, 30),)
    assert event(t, "exit-transition-end").dates == (D(2028, 5, 30),)
    assert not [e for e in t.exit_steps if e.key == "exit-notice"]


def test_a_notice_before_the_earliest_permitted_one_is_refused_naming_it():
    with pytest.raises(InputError) as caught:
        timeline_of(CANONICAL, notice_on=D(2027, 12, 31))
    (problem,) = caught.value.problems
    assert problem.file == str(CANONICAL) and problem.path == "--notice-on"
    assert "2028-01-01" in problem.message and "clause 17.1" in problem.message


def test_notice_of_non_renewal_ends_the_period_whose_deadline_it_meets(deal_data, write_deal):
    deal_data["exit"]["termination_for_convenience"] = {"allowed": False}
    path = write_deal(deal_data)
    in_time = timeline_of(path, notice_on=D(2028, 10, 2))
    assert event(in_time, "exit-termination-date").dates == (D(2028, 12, 31),)
    assert event(in_time, "term-end-0").title.endswith("the Agreement expires")
    late = timeline_of(path, notice_on=D(2028, 10, 3))
    assert event(late, "exit-termination-date").dates == (D(2029, 12, 31),)
    with pytest.raises(InputError, match="before the Effective Date, 2027-01-01"):
        timeline_of(path, notice_on=D(2026, 12, 1))


def test_non_renewal_chooses_that_notice_where_convenience_is_allowed_too():
    t = timeline_of(CANONICAL, notice_on=D(2028, 1, 1), non_renewal=True)
    assert event(t, "exit-termination-date").dates == (D(2028, 12, 31),)
    assert labels(event(t, "exit-notice")) == ["clause 15.2", "Schedule 5, paragraph 2"]
    assert "notice of non-renewal" in t.trigger
    with pytest.raises(InputError, match="does not renew automatically"):
        timeline_of(EXAMPLES / "helios-orbis-strategic-alliance.yaml", notice_on=D(2028, 1, 1), non_renewal=True)


def test_a_deal_that_cannot_be_ended_by_notice_asks_for_the_termination_date():
    path = EXAMPLES / "northwind-resellers-reseller.yaml"
    with pytest.raises(InputError, match="--terminate-on"):
        timeline_of(path, notice_on=D(2028, 1, 1))
    with pytest.raises(InputError, match="expires on 2030-03-31"):
        timeline_of(path, terminate_on=D(2030, 4, 1))


def test_until_sets_the_horizon():
    t = timeline_of(CANONICAL, until=D(2029, 6, 30))
    assert [e.key for e in t.events if e.key.startswith("term-end")] == ["term-end-0", "term-end-1"]
    assert t.horizon == D(2029, 6, 30)
    assert max(d for e in t.events for d in e.dates) <= D(2029, 12, 31)
    with pytest.raises(InputError, match="before the Effective Date"):
        timeline_of(CANONICAL, until=D(2026, 1, 1))


def test_a_non_renewal_deadline_on_a_weekend_moves_to_the_friday_before(deal_file):
    # 90 days before 31 March 2029 (the end of 24 months from 1 April 2027) is Sunday 31 December 2028;
    # a notice received on a Sunday counts as received on the next Business Day (clause 21.4)
    t = timeline_of(deal_file(D(2027, 4, 1)))
    assert event(t, "term-end-0").date == D(2029, 3, 31)
    notice = event(t, "non-renewal-notice-0")
    assert notice.dates == (D(2028, 12, 29),)
    assert labels(notice) == ["clause 15.2", "clause 21.4"]
    assert "2028-12-31 is a Sunday" in notice.rule


# ── month ends and leap years ───────────────────────────────────────────────────────────────
def test_period_end_counts_months_from_the_start_day():
    assert period_end(D(2027, 1, 1), 24) == D(2028, 12, 31)
    assert period_end(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert period_end(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert period_end(D(2028, 2, 29), 12) == D(2029, 2, 28)
    assert period_end(D(2028, 3, 1), 12) == D(2029, 2, 28)
    assert period_end(D(2027, 1, 15), 1) == D(2027, 2, 14)


def test_add_business_days_skips_weekends():
    assert add_business_days(D(2027, 3, 31), 10) == D(2027, 4, 14)  # Wednesday → Wednesday two weeks on
    assert add_business_days(D(2027, 1, 1), 1) == D(2027, 1, 4)  # Friday → Monday


def test_a_deal_starting_on_31_january(deal_file):
    t = timeline_of(deal_file(D(2027, 1, 31), initial_months=13))
    # 13 months from 31 January 2027 end on the last day of February 2028, a leap year
    assert event(t, "term-end-0").date == D(2028, 2, 29)
    assert event(t, "non-renewal-notice-0").date == D(2027, 12, 1)
    # each Renewal Period starts the day after the last one ends
    assert event(t, "term-end-1").date == D(2029, 2, 28)
    assert event(t, "exit-plan").date == D(2027, 4, 30)  # 3 months on, clamped to April's end
    assert event(t, "convenience-earliest-notice").date == D(2028, 1, 31)
    reviews = event(t, "performance-review").dates
    assert reviews[:5] == (D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30), D(2027, 5, 31))
    assert D(2028, 2, 29) in reviews


def test_a_deal_starting_on_29_february(deal_file):
    t = timeline_of(deal_file(D(2028, 2, 29), initial_months=12), until=D(2032, 12, 31))
    assert event(t, "term-end-0").date == D(2029, 2, 28)
    assert event(t, "non-renewal-notice-0").date == D(2028, 11, 30)
    assert [event(t, f"term-end-{k}").date for k in (1, 2, 3)] == [D(2030, 2, 28), D(2031, 2, 28), D(2032, 2, 29)]
    assert event(t, "exit-plan").date == D(2028, 5, 29)
    assert event(t, "convenience-earliest-notice").date == D(2029, 2, 28)
    stopped = timeline_of(deal_file(D(2028, 2, 29), initial_months=12), notice_on=D(2029, 2, 28))
    assert event(stopped, "exit-termination-date").date == D(2029, 8, 27)


# ── one source of truth: Schedule 5's worked example ───────────────────────────────────────
MONTH_ENDS = [(D(2027, 1, 31), {"initial_months": 13}), (D(2028, 2, 29), {"initial_months": 12}),
              (D(2027, 8, 31), {"initial_months": 18})]


def worked_example(draft) -> list[tuple[str, str]]:
    """(step, date as printed) for each row of Schedule 5's timetable that has a worked example."""
    clause = next(c for s in draft.sections for c in s.clauses if c.id == "schedule-exit-plan.timetable")
    (table,) = [b for b in clause.blocks if isinstance(b, Table)]
    if len(table.header) < 4:
        return []
    assert plain_text(table.header[3]) == "Worked example"
    return [(plain_text(row[0]), plain_text(row[3])) for row in table.rows]


def _assert_schedule_agrees(path):
    draft = api.build(path)
    rows = worked_example(draft)
    deal, _ = api.load_deal(path)
    if not deal.exit.termination_for_convenience.allowed:
        assert rows == []  # no worked example without a termination for convenience
        return
    from termsmith.businessdays import business_day_from
    from termsmith.dates.timeline import earliest_convenience_notice

    # the worked example gives its notice on the first Business Day where the parties are, from the earliest day
    notice = business_day_from(earliest_convenience_notice(deal), [p.jurisdiction for p in deal.parties])
    t = timeline_of(path, notice_on=notice)
    # the Exit Plan deadline comes from the key dates (an early exit may fall before it)
    by_title = {e.title: e for e in (*timeline_of(path).events, *t.exit_steps)}
    locale = (deal.deal.language or draft.language).replace("-", "_")  # a US deal without one: en-US
    assert rows
    for step, printed in rows:
        e = event(t, "exit-notice") if step.startswith("Notice of termination") else by_title[step]
        assert format_date(e.date, locale) == printed, (step, e.key, e.date)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_schedule_5_worked_example_agrees_with_dates_notice_on(path):
    _assert_schedule_agrees(path)


@pytest.mark.parametrize("effective,term", MONTH_ENDS, ids=lambda v: str(v))
def test_schedule_5_agrees_for_month_end_and_leap_day_starts(deal_file, effective, term):
    _assert_schedule_agrees(deal_file(effective, **term))


def test_a_notice_deadline_on_a_public_holiday_where_a_party_is_moves_back(deal_file):
    # 90 days before 28 June 2029 is Friday 30 March 2029, Good Friday in England and Wales (Acme) and Germany
    t = timeline_of(deal_file(D(2027, 6, 29)))
    notice = event(t, "non-renewal-notice-0")
    assert notice.dates == (D(2029, 3, 29),)
    assert "2029-03-30 is Good Friday in England and Wales" in notice.rule
    assert labels(notice) == ["clause 15.2", "clause 21.4"]


def test_the_parties_places_name_their_holiday_calendars(deal_data, write_deal):
    from termsmith.businessdays import place

    assert place("England and Wales") == ("GB", "ENG")
    assert place("Germany") == ("DE", None)
    assert place("the State of New York") == ("US", "NY")
    assert place("the Netherlands") == ("NL", None)
    assert place("the State of Delaware, United States") == ("US", "DE")
    assert place("Narnia") is None
    deal_data["parties"][1]["jurisdiction"] = "Narnia"
    t = timeline_of(write_deal(deal_data))
    assert any("No public holidays are known for Narnia" in note for note in t.notes)


def test_partner_payment_statements_and_their_final_statement():
    path = EXAMPLES / "brightpath-lumen-referral-alliance.yaml"
    t = timeline_of(path, terminate_on=D(2028, 8, 30))
    statements = event(t, "payment-statement")
    # 20 days after each calendar quarter, from the one the Effective Date (1 February 2027) falls in
    assert statements.dates[:3] == (D(2027, 4, 20), D(2027, 7, 20), D(2027, 10, 20))
    assert labels(statements) == ["clause 6.3"]
    assert event(t, "exit-payment-final-statement").dates == (D(2028, 9, 19),)
    assert event(t, "exit-payment-tail-end").dates == (D(2029, 8, 30),)


# ── the periods a deal sets under `terms` are the ones its calendar counts ─────────────────────────────────
def test_the_dates_follow_the_periods_the_deal_sets_as_terms(write_deal, deal_data):
    """The calendar counted the library's default periods whatever the deal set under `terms`: a deal that gave
    its Parties 6 months to agree the Exit Plan had it due after 3 months in its calendar, and talks on an
    extension requested 12 months ahead were due 6 months ahead, later than its draft allows."""
    deal_data["term"] = {"initial_months": 24, "renewal": "by_agreement"}
    deal_data["terms"] = {"exit_plan_months": 6, "exit_plan_review_months": 6, "exit_plan_start_months": 9,
                          "extension_request_months": 12, "steering_committee_days": 14, "data_deletion_days": 10,
                          "materials_return_days": 20, "final_account_days": 90, "insurance_run_off_years": 3,
                          "sla_report_business_days": 3}
    t = timeline_of(write_deal(deal_data), terminate_on=D(2028, 6, 30))
    assert event(t, "exit-plan").dates == (D(2027, 7, 1),)
    assert event(t, "exit-plan-review").dates == (D(2028, 1, 1),)  # every 6 months, up to the Termination Date
    assert event(t, "steering-committee-established").dates == (D(2027, 1, 15),)
    assert event(t, "service-level-report").rule.startswith("within 3 Business Days after the end of each month")
    assert event(t, "exit-data-deleted").dates == (add_days_(D(2028, 6, 30), 30 + 10),)
    assert event(t, "exit-materials").dates == (D(2028, 7, 20),)
    assert event(t, "exit-final-account").dates == (D(2028, 9, 28),)
    assert event(t, "exit-insurance-run-off").dates == (D(2031, 6, 30),)
    plain = timeline_of(write_deal(deal_data))
    assert event(plain, "extension-request").dates == (D(2027, 12, 31),)
    assert event(plain, "exit-plan-start").dates == (D(2028, 3, 31),)


def add_days_(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)
