"""Property test: for generated deals and exit events, `dates` gives a timeline or a located refusal, never
anything else, and its calendar reads back with every recurring event expanding to the computed dates."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from pathlib import Path

import icalendar
import yaml
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from termsmith import api
from termsmith.errors import TermsmithError

from ..conftest import canonical_data

BASE = canonical_data()
cadence = st.sampled_from(["monthly", "quarterly", "semi_annual", "annual"])


@st.composite
def deals(draw) -> dict:
    data = copy.deepcopy(BASE)
    data["deal"]["effective_date"] = draw(st.dates(dt.date(1990, 1, 1), dt.date(2150, 12, 31)))
    renewal = draw(st.sampled_from(["automatic", "by_agreement", "none"]))
    initial = draw(st.integers(2, 240))
    data["term"] = {"initial_months": initial, "renewal": renewal}
    if renewal == "automatic":
        months = draw(st.integers(1, 60))
        data["term"].update(renewal_months=months, non_renewal_notice_days=draw(st.integers(1, min(400, months * 28 - 1))))
    if draw(st.booleans()):  # within the business rules: notice longer than the cure period, lock-in inside the term
        data["exit"]["termination_for_convenience"] = {
            "allowed": True, "notice_days": draw(st.integers(31, min(400, initial * 28 - 1))),
            "earliest_after_months": draw(st.integers(0, min(36, initial // 2)))}
    else:
        data["exit"]["termination_for_convenience"] = {"allowed": False}
    data["governance"]["steering_committee"]["meeting_cadence"] = draw(cadence)
    data["governance"]["performance_reviews"] = draw(cadence)
    data["budget"]["review_cadence"] = draw(cadence)
    data["budget"]["invoicing"] = draw(st.sampled_from(["monthly", "quarterly", "milestone"]))
    data["slas"]["reporting"] = draw(cadence)
    for section in draw(st.sets(st.sampled_from(["governance", "slas", "budget"]))):
        data.pop(section)
    return data


def _expanded(vevent) -> list[dt.date]:
    start = vevent.decoded("DTSTART")
    if "RRULE" in vevent:
        rule = rrulestr(vevent["RRULE"].to_ical().decode(), dtstart=dt.datetime.combine(start, dt.time()))
        return [d.date() for d in rule]
    if "RDATE" in vevent:
        rdates = vevent["RDATE"] if isinstance(vevent["RDATE"], list) else [vevent["RDATE"]]
        return [start, *(d.dt for r in rdates for d in r.dts)]
    return [start]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=deals(), offset=st.integers(-400, 4000), kind=st.sampled_from([None, "notice_on", "terminate_on"]),
       until=st.one_of(st.none(), st.integers(-30, 6000)))
def test_generated_deals_give_a_calendar_or_a_located_refusal(data, offset, kind, until):
    eff = data["deal"]["effective_date"]
    options = {}
    if kind:
        options[kind] = eff + dt.timedelta(days=offset)
    if until is not None:
        options["until"] = eff + dt.timedelta(days=until)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deal.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        try:
            result = api.dates([path], ics=Path(tmp) / "deal.ics", **options)
        except TermsmithError as exc:
            assert all(p.message for p in exc.problems)
            assert not (Path(tmp) / "deal.ics").exists()
            return
        data = (Path(tmp) / "deal.ics").read_bytes()
    (timeline,) = result.timelines
    cal = icalendar.Calendar.from_ical(data)
    by_uid = {str(v["UID"]): v for v in cal.walk("VEVENT")}
    for event in (*timeline.events, *timeline.exit_steps):
        if event.dates:
            assert list(event.dates) == sorted(set(event.dates))
            assert _expanded(by_uid[f"{event.key}.{timeline.deal_id}@termsmith"]) == list(event.dates), event.key

