"""Every date a deal's agreement creates, and its exit timeline, each naming the clause that creates it.

Why here and not in a template: the alliance managers need the dates out of the document (a calendar, a
spreadsheet), so they are computed from the deal and the clauses it selects, with the very functions the
clause text uses for its own dates (`add_months`, `add_days`, … in `draft.templating`). A date appears only
when the clause that creates it is in the draft, and names that clause by its number in the draft.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from termsmith.businessdays import closed_days
from termsmith.draft.compose import Target
from termsmith.draft.select import Selection
from termsmith.draft.templating import add_business_days, add_days, add_months, period_end
from termsmith.errors import InputError, Problem

# Periods the clause text reads from the deal's `terms` (library.yaml declares each, with its default); the
# figure here is that default, used only with a library that does not declare the term. Each is named by the
# clause using it, and by the term that sets it.
EXIT_PLAN_MONTHS = 3                # exit.plan: the detailed Exit Plan is agreed within 3 months
EXIT_PLAN_REVIEW_MONTHS = 12        # exit.plan: reviewed at least once in every 12 months
EXIT_PLAN_BEFORE_EXPIRY_MONTHS = 3  # exit.plan: carried out 3 months before a Term that does not renew expires
STEERING_COMMITTEE_DAYS = 30        # governance.steering-committee: established within 30 days
EXTENSION_REQUEST_MONTHS = 6        # term.extension: talks requested at least 6 months before expiry
DELETION_AFTER_RETURN_DAYS = 30     # exit.data: deletion within 30 days after the return period
MATERIALS_DAYS = 30                 # exit.materials / exit.licences
FINAL_ACCOUNT_DAYS = 60             # exit.final-accounting
REPORT_BUSINESS_DAYS = 10           # service-levels.reporting and budget.invoicing: within 10 Business Days
INSURANCE_RUN_OFF_YEARS = 2         # insurance.cover: claims-made cover kept 2 years after the Termination Date
KPI_REPORT_BUSINESS_DAYS = 5        # governance.reporting: KPI reports 5 Business Days before the forum

DEFAULT_RENEWALS = 3  # without --until: the Initial Term and this many Renewal Periods

_CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "semi_annual": 6, "annual": 12}
_PERIOD_NAME = {"monthly": "month", "quarterly": "quarter", "semi_annual": "half-year", "annual": "year"}
LATEST = dt.date(2399, 12, 31)  # effective dates end in 2199; a term and its renewals may run on


@dataclass(frozen=True)
class Source:
    """The clause (or schedule paragraph) that creates a date, as the draft numbers it."""

    clause_id: str
    label: str  # 'clause 15.2' or 'Schedule 5, paragraph 2'


@dataclass(frozen=True)
class Event:
    """One date, or one series of dates, the agreement creates.

    key      stable within the deal (calendar UIDs are made from it): the same event keeps its key when the
             deal changes, so a re-exported calendar updates events instead of duplicating them
    rule     how the agreement fixes it, in its words ('90 days before the end of the Initial Term')
    dates    the date, every occurrence up to the horizon for a recurring event, or () for an exit step
             given only as a rule (no termination date asked for)
    rrule    the RFC 5545 recurrence rule (as icalendar's vRecur parts) whose occurrences are exactly
             `dates`, when there is one; otherwise a calendar lists the dates one by one
    remind   a deadline worth a reminder ahead of it (notices above all)
    """

    key: str
    title: str
    rule: str
    sources: tuple[Source, ...]
    kind: str  # date | notice | deadline | meeting | report | exit
    dates: tuple[dt.date, ...]
    every: str | None = None
    rrule: dict | None = None
    remind: bool = False

    @property
    def date(self) -> dt.date | None:
        return self.dates[0] if self.dates else None

    @property
    def clauses(self) -> str:
        return "; ".join(s.label for s in self.sources)


@dataclass(frozen=True)
class Timeline:
    """The dates of one deal up to `horizon`, and its exit steps (dated when an exit event was given)."""

    deal_id: str
    title: str
    effective_date: dt.date
    horizon: dt.date
    events: tuple[Event, ...]
    exit_steps: tuple[Event, ...]
    trigger: str | None = None  # the exit event the steps are dated from, in words
    notes: tuple[str, ...] = field(default=())
    warnings: tuple = field(default=())  # located Problems: deadlines that fall before the Effective Date


@dataclass(frozen=True)
class Figures:
    """The periods of the clauses whose dates are listed, as the deal's draft states them: its `terms`, with the
    library's defaults applied (a deal that sets terms.exit_plan_months: 6 has its Exit Plan due in 6 months,
    in its calendar as in its draft)."""

    exit_plan_months: int = EXIT_PLAN_MONTHS
    exit_plan_review_months: int = EXIT_PLAN_REVIEW_MONTHS
    exit_plan_start_months: int = EXIT_PLAN_BEFORE_EXPIRY_MONTHS
    steering_committee_days: int = STEERING_COMMITTEE_DAYS
    extension_request_months: int = EXTENSION_REQUEST_MONTHS
    data_deletion_days: int = DELETION_AFTER_RETURN_DAYS
    materials_return_days: int = MATERIALS_DAYS
    final_account_days: int = FINAL_ACCOUNT_DAYS
    sla_report_business_days: int = REPORT_BUSINESS_DAYS
    statement_business_days: int = REPORT_BUSINESS_DAYS
    insurance_run_off_years: int = INSURANCE_RUN_OFF_YEARS
    report_business_days: int = KPI_REPORT_BUSINESS_DAYS

    @classmethod
    def of(cls, terms: object) -> Figures:
        """The figures `terms` (the deal's terms model, defaults applied) gives; the rest as above."""
        given = {name: getattr(terms, name, None) for name in cls.__dataclass_fields__}
        return cls(**{name: value for name, value in given.items() if isinstance(value, int)})


# ── counting, in the agreement's words ─────────────────────────────────────────────────────
def _n(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _iso(value: dt.date) -> str:
    return value.isoformat()


def _every(months: int) -> str:
    return "every month" if months == 1 else f"every {months} months"


class _Where:
    """Clause ids → their numbers in this draft; only clauses the deal selects are 'in' it."""

    def __init__(self, selection: Selection, targets: dict[str, Target]):
        self.area = {c.id: c.meta.area for c in selection.clauses}
        self.versions = {c.id: c.version for c in selection.clauses}
        self.kinds = {s.id: s.kind for s in selection.sections}
        self.targets = targets

    def __contains__(self, clause_id: str) -> bool:
        return clause_id in self.area or clause_id in self.kinds

    def major(self, clause_id: str) -> int:
        """The major version of a clause in the draft (0 when it is not in it): a clause whose wording of a
        deadline changed gets a new major version, and its dates follow the version the deal is drafted with."""
        version = self.versions.get(clause_id, "0")
        return int(version.split(".")[0]) if version.split(".")[0].isdigit() else 0

    def __call__(self, *clause_ids: str) -> tuple[Source, ...]:
        return tuple(self._source(c) for c in dict.fromkeys(clause_ids) if c in self)

    def _source(self, clause_id: str) -> Source:
        if clause_id in self.kinds:  # a whole article or schedule
            label = self.targets[clause_id].label
            return Source(clause_id, label if self.kinds[clause_id] == "schedule" else f"clause {label}")
        area = self.area[clause_id]
        if self.kinds[area] == "schedule":
            return Source(clause_id, f"{self.targets[area].label}, paragraph {self.targets[clause_id].label}")
        return Source(clause_id, f"clause {self.targets[clause_id].label}")


# ── recurrences ────────────────────────────────────────────────────────────────────────────
def monthly_series(anchor: dt.date, months: int, last: dt.date) -> tuple[tuple[dt.date, ...], dict]:
    """anchor, anchor + n months, + 2n months … up to `last`, each as `add_months` gives it (clamped to the
    month's end), and the RFC 5545 rule that produces exactly those dates: a day above 28 is written as
    'the last of the days 28…d of the month', which is what clamping means."""
    dates = []
    k = 0
    while (day := add_months(anchor, k * months)) <= last:
        dates.append(day)
        k += 1
    by_day = list(range(28, anchor.day + 1)) if anchor.day > 28 else [anchor.day]
    rule = {"FREQ": "MONTHLY", "INTERVAL": months, "BYMONTHDAY": by_day}
    if len(by_day) > 1:
        rule["BYSETPOS"] = -1
    if dates:
        rule["UNTIL"] = dates[-1]
    return tuple(dates), rule


def business_day_series(ends: list[dt.date], days: int, calendar_periods: bool,
                        months: int) -> tuple[tuple[dt.date, ...], dict | None]:
    """The `days`-th Business Day after each period end; when the periods are calendar months (or
    quarters…), that is the `days`-th weekday of the next month, an RFC 5545 rule."""
    dates = tuple(add_business_days(end, days) for end in ends)
    if not calendar_periods or not dates:
        return dates, None
    return dates, {"FREQ": "MONTHLY", "INTERVAL": months, "BYDAY": ["MO", "TU", "WE", "TH", "FR"],
                   "BYSETPOS": days, "UNTIL": dates[-1]}


# ── the timeline ───────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class _Period:
    index: int  # 0: the Initial Term, k: the k-th Renewal Period
    start: dt.date
    end: dt.date


def _notice_deadline(key: str, title: str, rule: str, clause: str, deadline: dt.date, where: _Where,
                     closed: Callable[[dt.date], str | None]) -> Event:
    """The last day to give a notice. Under the notices clause, a notice received on a day that is not a
    Business Day (a weekend, or a public holiday where any Party is) counts as received on the next one, so
    such a deadline moves back to the Business Day before (and the clause that makes it so is named too)."""
    receipt = "general.notice-receipt"
    day, reasons = deadline, []
    while receipt in where and (why := closed(day)):
        reasons.append(f"{_iso(day)} is {why}")
        day -= dt.timedelta(days=1)
    if not reasons:
        return Event(key, title, rule, where(clause), "notice", (deadline,), remind=True)
    rule += (f"; {', and '.join(reasons)}, and a notice received on a day that is not a Business Day counts as "
             "received on the next Business Day")
    return Event(key, title, rule, where(clause, receipt), "notice", (day,), remind=True)


def _all_periods(deal) -> Iterator[_Period]:
    """The Initial Term, then (with automatic renewal) each Renewal Period: a further period that starts the
    day after the last one ends, as the renewal clause says."""
    term = deal.term
    period = _Period(0, deal.deal.effective_date, period_end(deal.deal.effective_date, term.initial_months))
    yield period
    while term.renewal == "automatic":
        start = period.end + dt.timedelta(days=1)
        period = _Period(period.index + 1, start, period_end(start, term.renewal_months))
        yield period


def _periods(deal, until: dt.date | None) -> list[_Period]:
    """The periods up to `until`, or the Initial Term and the first few Renewal Periods."""
    periods = []
    for period in _all_periods(deal):
        if period.index > 0 and (period.start > until if until is not None else period.index > DEFAULT_RENEWALS):
            break
        periods.append(period)
    return periods


def _period_name(period: _Period) -> str:
    return "the Initial Term" if period.index == 0 else f"Renewal Period {period.index}"


@dataclass(frozen=True)
class Exit:
    """An exit event: the Termination Date, and the notice that leads to it (when one was given)."""

    termination_date: dt.date
    notice_date: dt.date | None
    description: str
    notice_rule: str = ""
    notice_sources: tuple[Source, ...] = ()
    td_rule: str = ""
    td_sources: tuple[Source, ...] = ()


def timeline(deal, selection: Selection, targets: dict[str, Target], *, until: dt.date | None = None,
             notice_on: dt.date | None = None, terminate_on: dt.date | None = None,
             non_renewal: bool = False, terms: object = None) -> Timeline:
    """The dates of `deal` (its validated or plain view) under the clauses `selection` chose, numbered as
    `targets` (compose.number_targets) numbers them. `until` is the horizon; `notice_on` / `terminate_on`
    date the exit steps (a notice before the earliest the agreement permits is refused); a notice is one of
    termination for convenience where the deal allows it, else of non-renewal (or so with `non_renewal`)."""
    where = _Where(selection, targets)
    eff = deal.deal.effective_date
    if until is not None and until < eff:
        raise InputError(Problem(path="--until", message=f"{_iso(until)} is before the Effective Date, {_iso(eff)}"))
    for option, day in (("--until", until), ("--notice-on", notice_on), ("--terminate-on", terminate_on)):
        if day is not None and day > LATEST:  # the periods and steps counted from it must stay within year 9999
            raise InputError(Problem(path=option, message=f"{_iso(day)} is after {_iso(LATEST)}, the latest date "
                                                          "termsmith counts to"))
    periods = _periods(deal, until)
    the_exit = _exit(deal, where, periods, notice_on, terminate_on, non_renewal)
    if the_exit is not None:
        # the agreement ends at the Termination Date: the periods after it never start
        periods = [p for p in periods if p.start <= the_exit.termination_date]
        if until is None or until > the_exit.termination_date:
            until = the_exit.termination_date
    horizon = min(until, periods[-1].end) if until is not None else periods[-1].end
    events: list[Event] = []
    closed, unknown = closed_days([p.jurisdiction for p in deal.parties])
    fig = Figures.of(terms)
    for make in (_start_and_term, _renewals, _convenience, _exit_plan, _governance, _reports):
        events.extend(make(deal, where, periods, horizon, the_exit, closed, fig))
    events = [e for e in events if e.sources]
    steps = _exit_steps(deal, where, the_exit, fig)
    notes = []
    if any(e.kind == "report" for e in events):
        notes.append("Business Days in reporting deadlines are counted Monday to Friday: a public holiday where "
                     "the obligation is performed moves such a deadline later, never earlier.")
    if unknown and any(e.kind == "notice" for e in events):
        notes.append(f"No public holidays are known for {' or '.join(unknown)}: notice deadlines there skip "
                     "weekends only.")
    return Timeline(
        deal_id=deal.deal.id, title=deal.deal.title, effective_date=eff, horizon=horizon,
        events=tuple(sorted(events, key=lambda e: e.date or dt.date.max)),  # same day: in the order made
        exit_steps=tuple(steps), trigger=the_exit.description if the_exit else None, notes=tuple(notes),
    )


def _start_and_term(deal, where, periods, horizon, the_exit, closed, fig: Figures):
    eff = deal.deal.effective_date
    yield Event("effective-date", "Effective Date: the Agreement starts", "the date the deal states",
                where("parties.parties"), "date", (eff,))
    initial = periods[0]
    renewal = deal.term.renewal
    if renewal == "automatic":
        return
    clause = "term.expiry" if renewal == "none" else "term.extension"
    ends = "expires" if renewal == "none" else "expires unless the Parties agree in writing to extend it"
    if the_exit is None or initial.end <= the_exit.termination_date:
        yield Event("term-end-0", f"End of the Initial Term: the Agreement {ends}",
                    f"{_n(deal.term.initial_months, 'month')} from the Effective Date, last day",
                    where("term.commencement", clause), "date", (initial.end,))
    if the_exit is not None:
        return
    if renewal == "by_agreement":
        yield _notice_deadline("extension-request", "Last day to ask for talks on extending the Agreement",
                               f"{_n(fig.extension_request_months, 'month')} before the end of the Initial Term "
                               f"({_iso(initial.end)})", "term.extension",
                               add_months(initial.end, -fig.extension_request_months), where, closed)
    yield Event("exit-plan-start", "Start carrying out the Exit Plan (the Term is due to expire)",
                f"{_n(fig.exit_plan_start_months, 'month')} before the Term is due to expire",
                where("exit.plan"), "deadline", (add_months(initial.end, -fig.exit_plan_start_months),),
                remind=True)


def _renewals(deal, where, periods, horizon, the_exit, closed, fig: Figures):
    if deal.term.renewal != "automatic":
        return
    term = deal.term
    for period in periods:
        name = _period_name(period)
        last = the_exit is not None and period is periods[-1]  # the period in which the Agreement ends
        if last and period.end != the_exit.termination_date:
            pass  # ended early: the exit timeline has its Termination Date
        else:
            then = ("the Agreement expires" if last else
                    f"renews for {_n(term.renewal_months, 'month')} unless notice of non-renewal was given")
            yield Event(f"term-end-{period.index}", f"End of {name}: {then}", "the last day of the period",
                        where("term.commencement" if period.index == 0 else "term.automatic-renewal",
                              "term.automatic-renewal"), "date", (period.end,))
        if the_exit is None:
            yield _notice_deadline(f"non-renewal-notice-{period.index}",
                                   f"Last day to give notice of non-renewal ({name})",
                                   f"{_n(term.non_renewal_notice_days, 'day')} before the end of {name} "
                                   f"({_iso(period.end)})", "term.automatic-renewal",
                                   add_days(period.end, -term.non_renewal_notice_days), where, closed)


def _convenience(deal, where, periods, horizon, the_exit, closed, fig: Figures):
    tfc = deal.exit.termination_for_convenience
    if not tfc.allowed or the_exit is not None:
        return
    earliest = earliest_convenience_notice(deal)
    if tfc.earliest_after_months:
        yield Event("convenience-earliest-notice",
                    "End of the lock-in: notice of termination for convenience may be given from today",
                    f"{_n(tfc.earliest_after_months, 'month')} after the Effective Date",
                    where("termination.convenience"), "date", (earliest,))
    yield Event("convenience-earliest-termination",
                "Earliest day a termination for convenience can take effect",
                f"{_n(tfc.notice_days, 'day')} after the earliest notice ({_iso(earliest)})",
                where("termination.convenience"), "date", (add_days(earliest, tfc.notice_days),))


def earliest_convenience_notice(deal) -> dt.date:
    """The first day a notice of termination for convenience may be given (as clause text computes it)."""
    tfc = deal.exit.termination_for_convenience
    return add_months(deal.deal.effective_date, tfc.earliest_after_months)


def _exit_plan(deal, where, periods, horizon, the_exit, closed, fig: Figures):
    eff = deal.deal.effective_date
    deadline = add_months(eff, fig.exit_plan_months)
    if the_exit is None or deadline <= the_exit.termination_date:
        yield Event("exit-plan", "Detailed Exit Plan agreed",
                    f"the Effective Date + {_n(fig.exit_plan_months, 'month')}",
                    where("exit.plan", "schedule-exit-plan.timetable"), "deadline", (deadline,), remind=True)
    review = fig.exit_plan_review_months
    first_review = add_months(deadline, review)
    dates, rule = monthly_series(first_review, review, horizon)
    if dates:
        yield Event("exit-plan-review", "Exit Plan reviewed and updated",
                    f"at least once in every {_n(review, 'month')}, counted from the Exit Plan "
                    "deadline", where("exit.plan"), "deadline", dates, every=_every(review), rrule=rule)


def _governance(deal, where, periods, horizon, the_exit, closed, fig: Figures):
    eff = deal.deal.effective_date
    governance, budget = deal.governance, deal.budget
    committee = governance.steering_committee if governance is not None else None
    if committee is not None:
        yield Event("steering-committee-established", "Steering Committee established",
                    f"within {_n(fig.steering_committee_days, 'day')} after the Effective Date",
                    where("governance.steering-committee"), "deadline", (add_days(eff, fig.steering_committee_days),))
    forums = []
    if committee is not None:
        forums.append(("steering-committee-meeting", "Steering Committee meeting", committee.meeting_cadence,
                       ("governance.meetings", "schedule-governance.cadences")))
    if governance is not None and governance.performance_reviews is not None:
        forums.append(("performance-review", "Performance review", governance.performance_reviews,
                       ("governance.reviews", "schedule-governance.cadences")))
    if budget is not None:
        forums.append(("budget-review", "Budget review", budget.review_cadence,
                       ("budget.reviews", "schedule-governance.cadences")))
    for key, name, cadence, clauses in forums:
        yield _cadence_event(key, name, cadence, eff, horizon, where(*clauses), "meeting")
    if governance is not None and governance.kpis:
        yield _kpi_reports(governance, committee, eff, horizon, where, fig.report_business_days)


def _kpi_reports(governance, committee, eff: dt.date, horizon: dt.date, where: _Where, days: int) -> Event:
    """KPI reports go ahead of the forum that discusses them, whose day in its period the Parties choose: a
    rule, dated only when the clause gives them a cadence of their own."""
    sources = where("governance.reporting")
    if governance.performance_reviews is not None:
        return Event("kpi-report", "KPI reports due", f"at least {_n(days, 'Business Day')} "
                     "before each performance review", sources, "report", ())
    if committee is not None:
        return Event("kpi-report", "KPI reports due", f"at least {_n(days, 'Business Day')} "
                     "before each meeting of the Steering Committee", sources, "report", ())
    return _cadence_event("kpi-report", "KPI report", "quarterly", eff, horizon, sources, "report")


def _cadence_event(key: str, name: str, cadence: str, eff: dt.date, horizon: dt.date, sources, kind) -> Event:
    if cadence not in _CADENCE_MONTHS:  # on each milestone: no date to put in a calendar
        return Event(key, f"{name} on each milestone", "on each milestone", sources, kind, ())
    months = _CADENCE_MONTHS[cadence]
    period = _PERIOD_NAME[cadence]
    dates, rule = monthly_series(eff, months, horizon)
    return Event(key, f"{name} due this {period}", f"every {period}, counted from the Effective Date "
                 "(each date starts the period in which it is due)", sources, kind, dates,
                 every=_every(months), rrule=rule)


def _reports(deal, where, periods, horizon, the_exit, closed, fig: Figures):
    eff = deal.deal.effective_date
    slas, budget = deal.slas, deal.budget
    if slas is not None and slas.reporting in _CADENCE_MONTHS:
        months = _CADENCE_MONTHS[slas.reporting]
        ends = []
        k = 1
        while (end := period_end(eff, k * months)) < horizon:
            ends.append(end)
            k += 1
        dates, rule = business_day_series(ends, fig.sla_report_business_days, eff.day == 1, months)
        if dates:
            yield Event("service-level-report", "Service level reports due",
                        f"within {_n(fig.sla_report_business_days, 'Business Day')} after the end of each "
                        f"{_PERIOD_NAME[slas.reporting]} they cover, counted from the Effective Date",
                        where("service-levels.reporting"), "report", dates, every=_every(months), rrule=rule)
    if budget is not None and budget.invoicing != "milestone":
        months = 1 if budget.invoicing == "monthly" else 3
        dates, rule = business_day_series(_calendar_ends(eff, months, horizon), fig.statement_business_days, True,
                                          months)
        if dates:
            period = "month" if months == 1 else "quarter"
            yield Event("cost-statement", "Statements of Budget costs due",
                        f"within {_n(fig.statement_business_days, 'Business Day')} after the end of each calendar "
                        f"{period}",
                        where("budget.invoicing"), "report", dates, every=_every(months), rrule=rule)
    payments = getattr(deal, "payments", None)
    if payments is not None and payments.reported and payments.statements in _CADENCE_MONTHS:
        months = _CADENCE_MONTHS[payments.statements]
        days = payments.statement_days
        dates = tuple(add_days(end, days) for end in _calendar_ends(eff, months, horizon))
        if dates:
            yield Event("payment-statement", "Statements of Partner Payments due",
                        f"within {_n(days, 'day')} after the end of each calendar {_PERIOD_NAME[payments.statements]}",
                        where("payments.statements"), "report", dates, every=_every(months))


def _calendar_ends(eff: dt.date, months: int, horizon: dt.date) -> list[dt.date]:
    """The last days of the calendar months (quarters, half-years, years) from the one containing `eff`,
    ending before `horizon`."""
    first = dt.date(eff.year, (eff.month - 1) // months * months + 1, 1)
    ends = []
    k = 1
    while (end := add_days(add_months(first, k * months), -1)) < horizon:
        ends.append(end)
        k += 1
    return ends


# ── the exit ───────────────────────────────────────────────────────────────────────────────
def _exit(deal, where, periods, notice_on, terminate_on, non_renewal=False) -> Exit | None:
    eff = deal.deal.effective_date
    if notice_on is not None and terminate_on is not None:
        raise InputError(Problem(path="--notice-on", message="give either --notice-on or --terminate-on, not both"))
    expiry = periods[0].end if deal.term.renewal != "automatic" else None
    if terminate_on is not None:
        if terminate_on < eff:
            raise InputError(Problem(path="--terminate-on", message=(
                f"{_iso(terminate_on)} is before the Effective Date, {_iso(eff)}")))
        if expiry is not None and terminate_on > expiry:
            raise InputError(Problem(path="--terminate-on", message=(
                f"the Agreement expires on {_iso(expiry)}, before {_iso(terminate_on)}")))
        return Exit(terminate_on, None, f"Termination Date {_iso(terminate_on)}",
                    td_rule="the date given", td_sources=where("termination", "term"))
    if notice_on is None:
        return None
    if non_renewal:
        if deal.term.renewal != "automatic":
            raise InputError(Problem(path="--non-renewal", message=(
                "the Agreement does not renew automatically, so there is no renewal to give notice against")))
        return _non_renewal_exit(deal, where, notice_on)
    tfc = deal.exit.termination_for_convenience
    if tfc.allowed and "termination.convenience" in where:
        return _convenience_exit(deal, where, notice_on, expiry)
    if deal.term.renewal == "automatic":
        return _non_renewal_exit(deal, where, notice_on)
    raise InputError(Problem(path="--notice-on", message=(
        "the deal allows no notice to end the Agreement early (no termination for convenience and no renewal "
        "to stop); give the Termination Date with --terminate-on")))


def _convenience_exit(deal, where, notice_on: dt.date, expiry: dt.date | None) -> Exit:
    tfc = deal.exit.termination_for_convenience
    earliest = earliest_convenience_notice(deal)
    clause = where("termination.convenience")
    if notice_on < earliest:
        after = (f"{_n(tfc.earliest_after_months, 'month')} after the Effective Date" if tfc.earliest_after_months
                 else "the Effective Date")
        raise InputError(Problem(path="--notice-on", message=(
            f"{_iso(notice_on)} is too early: under {clause[0].label} no notice of termination for convenience "
            f"may be given before {_iso(earliest)} ({after})")))
    td = add_days(notice_on, tfc.notice_days)
    if expiry is not None and td > expiry:
        raise InputError(Problem(path="--notice-on", message=(
            f"a notice given on {_iso(notice_on)} would take effect on {_iso(td)}, after the Agreement expires on "
            f"{_iso(expiry)}")))
    return Exit(td, notice_on, f"notice of termination for convenience received on {_iso(notice_on)}",
                notice_rule="day 0", notice_sources=where("termination.convenience"),
                td_rule=f"day 0 + {_n(tfc.notice_days, 'day')}", td_sources=where("termination.convenience"))


def _non_renewal_exit(deal, where, notice_on: dt.date) -> Exit:
    eff, term = deal.deal.effective_date, deal.term
    if notice_on < eff:
        raise InputError(Problem(path="--notice-on", message=(
            f"{_iso(notice_on)} is too early: no notice can be given before the Effective Date, {_iso(eff)}")))
    for period in _all_periods(deal):  # the first period whose notice deadline the notice meets
        if notice_on <= add_days(period.end, -term.non_renewal_notice_days):
            break
    k, end = period.index, period.end
    name = "the Initial Term" if k == 0 else f"Renewal Period {k}"
    return Exit(end, notice_on, f"notice of non-renewal received on {_iso(notice_on)}: the Agreement expires at "
                f"the end of {name}", notice_rule="day 0", notice_sources=where("term.automatic-renewal"),
                td_rule=f"the end of {name}, the first period ending at least "
                        f"{_n(term.non_renewal_notice_days, 'day')} after the notice",
                td_sources=where("term.automatic-renewal"))


def _exit_steps(deal, where, the_exit: Exit | None, fig: Figures) -> list[Event]:
    """Schedule 5's timetable, step by step: dated from `the_exit`, or as rules without it."""
    td = the_exit.termination_date if the_exit else None
    tr, pt = deal.exit.transition, deal.exit.post_termination
    steps: list[Event] = []

    def step(key: str, title: str, rule: str, clauses: tuple[str, ...], at: Callable[[dt.date], dt.date] | None):
        sources = where(*clauses)
        if sources:
            steps.append(Event(f"exit-{key}", title, rule, sources, "exit", (at(td),) if td and at else ()))

    if the_exit is not None and the_exit.notice_date is not None:
        steps.append(Event("exit-notice", "Notice received (day 0)", the_exit.notice_rule, the_exit.notice_sources,
                           "exit", (the_exit.notice_date,)))
    if the_exit is not None:
        steps.append(Event("exit-termination-date", "Termination Date", the_exit.td_rule, the_exit.td_sources, "exit",
                           (td,)))
    else:
        step("termination-date", "Termination Date", "the date the termination takes effect, or the end of the Term",
             ("termination", "term"), None)
    months = tr.assistance_months
    step("transition-end", "End of the Transition Period", f"Termination Date + {_n(months, 'month')}",
         ("exit.transition",), lambda d: add_months(d, months))
    support = pt.existing_customer_support_months if pt is not None else None
    if (where.major("exit.customer-migration") >= 2 and "exit.existing-customers" in where
            and ("exit.transition" not in where or support >= months)):
        # from version 2, customers are migrated by the end of the support for them where that is later
        step("customer-migration", "Migration of customers completed", "end of the support for existing customers",
             ("exit.customer-migration",), lambda d: add_months(d, support))
    elif "exit.transition" in where:
        step("customer-migration", "Migration of customers completed", "end of the Transition Period",
             ("exit.customer-migration",), lambda d: add_months(d, months))
    else:
        step("customer-migration", "Migration of customers completed",
             f"Termination Date + {_n(tr.data_return_days, 'day')}", ("exit.customer-migration",),
             lambda d: add_days(d, tr.data_return_days))
    step("data-returned", "Data returned", f"Termination Date + {_n(tr.data_return_days, 'day')}", ("exit.data",),
         lambda d: add_days(d, tr.data_return_days))
    deletion = tr.data_return_days + fig.data_deletion_days
    step("data-deleted", "Data deleted" + (" and deletion certificate delivered" if tr.data_deletion_certificate
                                           else ""),
         f"Termination Date + {_n(deletion, 'day')}", ("exit.data",), lambda d: add_days(d, deletion))
    step("materials", "Materials returned or destroyed; licensed materials and trade marks removed",
         f"Termination Date + {_n(fig.materials_return_days, 'day')}", ("exit.materials", "exit.licences"),
         lambda d: add_days(d, fig.materials_return_days))
    payments = getattr(deal, "payments", None)
    if payments is not None:
        days = payments.statement_days
        step("payment-final-statement", "Final statement of Partner Payments sent", f"Termination Date + {_n(days, 'day')}",
             ("payments.final-account",), lambda d: add_days(d, days))
        if payments.on_revenue and payments.tail_months:
            tail = payments.tail_months
            step("payment-tail-end", "End of Partner Payments on revenue received after termination",
                 f"Termination Date + {_n(tail, 'month')}", ("payments.final-account",), lambda d: add_months(d, tail))
    final = fig.final_account_days
    step("final-account", "Final account of the Budget agreed", f"Termination Date + {_n(final, 'day')}",
         ("exit.final-accounting",), lambda d: add_days(d, final))
    if pt is not None and pt.existing_customer_support_months:
        support = pt.existing_customer_support_months
        step("customer-support-end", "End of support for existing customers",
             f"Termination Date + {_n(support, 'month')}", ("exit.existing-customers",),
             lambda d: add_months(d, support))
    if pt is not None and pt.non_solicitation_months:
        solicit = pt.non_solicitation_months
        step("non-solicitation-end", "End of non-solicitation", f"Termination Date + {_n(solicit, 'month')}",
             ("non-solicitation.employees",), lambda d: add_months(d, solicit))
    years = deal.options.confidentiality_years if deal.options is not None else None
    if years:
        step("confidentiality-end", "End of confidentiality obligations, except for trade secrets",
             f"Termination Date + {_n(years, 'year')}", ("confidentiality.duration",),
             lambda d: add_months(d, years * 12))
    step("insurance-run-off", "End of the run-off of claims-made insurance",
         f"Termination Date + {_n(fig.insurance_run_off_years, 'year')}", ("insurance.cover",),
         lambda d: add_months(d, fig.insurance_run_off_years * 12))
    timetable = where("schedule-exit-plan.timetable")
    # Schedule 5's timetable lists every step but these
    outside = {"exit-insurance-run-off", "exit-payment-final-statement", "exit-payment-tail-end"}
    return [Event(s.key, s.title, s.rule, s.sources + (() if s.key in outside else timetable), s.kind, s.dates)
            for s in steps]


def before_the_start(found: Timeline, initial_months: int, source) -> Iterator[Problem]:
    """A deadline the agreement counts back from the end of a short Initial Term can fall before the Effective
    Date: it is listed as the agreement states it, and said (a warning located at `term.initial_months` in the
    deal's `source`) to have passed when the Agreement starts."""
    from dataclasses import replace

    for event in found.events:
        if event.date is not None and event.date < found.effective_date:
            yield replace(source.problem(("term", "initial_months"), (
                f"“{event.title}” ({event.clauses}) falls on {event.date.isoformat()}, before the Effective Date "
                f"({found.effective_date.isoformat()}): the Initial Term ({initial_months} "
                f"month{'' if initial_months == 1 else 's'}) is too short for the period counted back from its end, "
                "so this deadline has passed when the Agreement starts"), code="before-start"), severity="warning")


def in_house_style(found: Timeline, words: Callable[[str], str]) -> Timeline:
    """The timeline in the words of the deal's house style, as its draft has them ('Section 15.2' and
    'trademarks' for a US deal): `words` is the legal system's `Restyle.text`."""
    from dataclasses import replace

    def styled(e: Event) -> Event:
        return replace(e, title=words(e.title), rule=words(e.rule),
                       sources=tuple(replace(s, label=words(s.label)) for s in e.sources))

    return replace(found, events=tuple(map(styled, found.events)), exit_steps=tuple(map(styled, found.exit_steps)),
                   trigger=words(found.trigger) if found.trigger else None, notes=tuple(map(words, found.notes)))
