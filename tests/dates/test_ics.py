"""The calendar: RFC 5545 read back by icalendar and by a second, independent parser (vobject), recurrences
expanded to exactly the computed dates, reminders before notice deadlines, stable UIDs and bytes."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import vobject

from termsmith import api

from ..conftest import CANONICAL, EXAMPLES

D = dt.date
ALL_EXAMPLES = sorted(EXAMPLES.glob("*.yaml"))


def export(tmp_path, paths, name="deal.ics", **kw):
    out = tmp_path / name
    result = api.dates(paths, ics=out, **kw)
    assert result.written == (out,)
    return result, out.read_bytes()


def dated(result):
    return [(t, e) for t in result.timelines for e in (*t.events, *t.exit_steps) if e.dates]


def test_icalendar_reads_back_one_all_day_event_per_date(tmp_path):
    result, data = export(tmp_path, [CANONICAL])
    cal = icalendar.Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = {str(v["UID"]): v for v in cal.walk("VEVENT")}
    expected = dated(result)
    assert len(events) == len(expected)
    for timeline, e in expected:
        vevent = events[f"{e.key}.{timeline.deal_id}@termsmith"]
        assert vevent.decoded("DTSTART") == e.dates[0]
        assert vevent.decoded("DTEND") == e.dates[0] + dt.timedelta(days=1)
        assert not isinstance(vevent.decoded("DTSTART"), dt.datetime)  # all-day
        assert vevent.decoded("DTSTAMP") == dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
        description = str(vevent["DESCRIPTION"])
        assert "acme-globex-2027" in description and e.sources[0].label in description
        assert e.sources[0].clause_id in description
    notice = events["non-renewal-notice-0.acme-globex-2027@termsmith"]
    (alarm,) = notice.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -dt.timedelta(days=30, hours=-9)  # 09:00, 30 days before
    assert "clause 15.2" in str(notice["SUMMARY"])
    assert not events["effective-date.acme-globex-2027@termsmith"].walk("VALARM")


def test_reminder_days_are_chosen(tmp_path):
    _, data = export(tmp_path, [CANONICAL], remind=(7, 30))
    cal = icalendar.Calendar.from_ical(data)
    vevent = next(v for v in cal.walk("VEVENT") if str(v["UID"]).startswith("non-renewal-notice-0."))
    assert [a.decoded("TRIGGER") for a in vevent.walk("VALARM")] == [-dt.timedelta(days=30, hours=-9),
                                                                      -dt.timedelta(days=7, hours=-9)]


def _vobject_dates(vevent) -> list[dt.date]:
    start = vevent.dtstart.value
    if not (hasattr(vevent, "rrule") or hasattr(vevent, "rdate")):
        return [start]
    return [d.date() if isinstance(d, dt.datetime) else d for d in vevent.getrruleset(addRDate=True)]


@pytest.mark.parametrize("start", [None, D(2027, 1, 31), D(2028, 2, 29), D(2027, 1, 15)], ids=str)
def test_a_second_parser_expands_every_event_to_the_computed_dates(tmp_path, deal_file, start):
    paths = ALL_EXAMPLES if start is None else [deal_file(start)]
    result, data = export(tmp_path, paths, until=None)
    (cal,) = list(vobject.readComponents(data.decode("utf-8")))
    assert cal.validate(raiseException=True)  # vobject's own checks of the RFC 5545 rules it knows
    parsed = {v.uid.value: v for v in cal.vevent_list}
    expected = dated(result)
    assert len(parsed) == len(expected)
    recurring = 0
    for timeline, e in expected:
        vevent = parsed[f"{e.key}.{timeline.deal_id}@termsmith"]
        assert _vobject_dates(vevent) == list(e.dates), e.key
        recurring += len(e.dates) > 1
        if e.remind:
            assert vevent.valarm.trigger.value == -dt.timedelta(days=30, hours=-9)
    assert recurring


def test_month_end_series_are_rrules_that_clamp_like_the_clause_text(tmp_path, deal_file):
    result, data = export(tmp_path, [deal_file(D(2027, 1, 31))])
    cal = icalendar.Calendar.from_ical(data)
    vevent = next(v for v in cal.walk("VEVENT") if str(v["UID"]).startswith("performance-review."))
    rule = vevent["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["BYMONTHDAY"] == [28, 29, 30, 31] and rule["BYSETPOS"] == [-1]
    assert b"RDATE" not in data.split(b"performance-review.")[0].rsplit(b"BEGIN:VEVENT", 1)[-1]


def test_bytes_are_the_same_on_every_run_and_uids_survive_a_change(tmp_path, deal_data, write_deal):
    _, first = export(tmp_path, [CANONICAL], "a.ics")
    _, again = export(tmp_path, [CANONICAL], "b.ics")
    assert first == again
    deal_data["term"]["non_renewal_notice_days"] = 60
    _, changed = export(tmp_path, [write_deal(deal_data)], "c.ics")
    uids = lambda data: {str(v["UID"]) for v in icalendar.Calendar.from_ical(data).walk("VEVENT")}  # noqa: E731
    assert uids(changed) == uids(first)
    assert changed != first


def test_a_portfolio_is_one_calendar_naming_each_deal(tmp_path):
    result, data = export(tmp_path, ALL_EXAMPLES, "portfolio.ics")
    cal = icalendar.Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    uids = [str(v["UID"]) for v in events]
    assert len(uids) == len(set(uids))
    for timeline in result.timelines:
        mine = [v for v in events if str(v["UID"]).endswith(f".{timeline.deal_id}@termsmith")]
        assert mine and all(str(v["SUMMARY"]).startswith(f"{timeline.deal_id}: ") for v in mine)


def test_a_dated_exit_timeline_is_in_the_calendar(tmp_path):
    _, data = export(tmp_path, [CANONICAL], notice_on=D(2028, 1, 1))
    cal = icalendar.Calendar.from_ical(data)
    by_uid = {str(v["UID"]): v for v in cal.walk("VEVENT")}
    assert by_uid["exit-termination-date.acme-globex-2027@termsmith"].decoded("DTSTART") == D(2028, 6, 29)
    assert by_uid["exit-confidentiality-end.acme-globex-2027@termsmith"].decoded("DTSTART") == D(2033, 6, 29)


def test_dates_no_rule_gives_exactly_are_listed_as_rdates(tmp_path, deal_file):
    # reports 10 Business Days after periods counted from the 15th: no RRULE yields exactly those days
    result, data = export(tmp_path, [deal_file(D(2027, 1, 15))])
    reports = next(e for e in result.timelines[0].events if e.key == "service-level-report")
    assert reports.rrule is None and len(reports.dates) > 12
    cal = icalendar.Calendar.from_ical(data)
    vevent = next(v for v in cal.walk("VEVENT") if str(v["UID"]).startswith("service-level-report."))
    assert "RRULE" not in vevent
    listed = [d.dt for rdate in (vevent["RDATE"] if isinstance(vevent["RDATE"], list) else [vevent["RDATE"]])
              for d in rdate.dts]
    assert [vevent.decoded("DTSTART"), *listed] == list(reports.dates)
