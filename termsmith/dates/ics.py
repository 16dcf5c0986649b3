"""Timelines as one RFC 5545 calendar (with `icalendar`): all-day events, stable UIDs, recurrences, reminders.

Why these choices:
- All-day (DATE) events: the agreement counts in days, and a deadline is a calendar day wherever the reader
  is, so no time zone is attached (a floating date shows on the same day in every client).
- UID = deal id + event key: importing or subscribing again after the deal changed updates each event in
  place instead of adding a copy.
- DTSTAMP is required by the standard; it is the deal's Effective Date, so the same deal always gives the
  same bytes (no generation time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from termsmith.dates.timeline import Event, Timeline

PRODID = "-//termsmith//termsmith dates//EN"
DEFAULT_REMIND_DAYS = (30,)
REMINDER_TIME = dt.timedelta(hours=9)  # reminders ring at 09:00 (the reader's time), not at midnight


def uid(deal_id: str, key: str) -> str:
    return f"{key}.{deal_id}@termsmith"


def calendar_bytes(timelines: Sequence[Timeline], remind: Sequence[int] = DEFAULT_REMIND_DAYS) -> bytes:
    """One calendar for every timeline given (a portfolio), events named by their deal."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if len(timelines) == 1:
        cal.add("x-wr-calname", f"{timelines[0].title} ({timelines[0].deal_id})")
    else:
        names = ", ".join(t.deal_id for t in timelines) if len(timelines) <= 3 else f"{len(timelines)} deals"
        cal.add("x-wr-calname", f"Partnership agreements: {names}")
    for timeline in timelines:
        for event in (*timeline.events, *timeline.exit_steps):
            if event.dates:
                cal.add_component(_event(timeline, event, remind))
    return cal.to_ical()


def _event(timeline: Timeline, event: Event, remind: Sequence[int]):
    from icalendar import Alarm, Event as VEvent

    stamp = dt.datetime.combine(timeline.effective_date, dt.time(), tzinfo=dt.timezone.utc)
    vevent = VEvent()
    vevent.add("uid", uid(timeline.deal_id, event.key))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.dates[0])
    vevent.add("dtend", event.dates[0] + dt.timedelta(days=1))
    vevent.add("summary", f"{timeline.deal_id}: {event.title} ({event.clauses})")
    vevent.add("description", _description(timeline, event))
    vevent.add("categories", [event.kind])
    vevent.add("transp", "TRANSPARENT")  # a date, not a meeting: it does not make anyone busy
    if len(event.dates) > 1:
        if event.rrule is not None:
            vevent.add("rrule", event.rrule)
        else:
            vevent.add("rdate", list(event.dates[1:]))
    if event.remind:
        for days in sorted(set(remind), reverse=True):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"In {days} days: {event.title} ({timeline.deal_id}, {event.clauses})"
                      if days else f"Today: {event.title} ({timeline.deal_id}, {event.clauses})")
            alarm.add("trigger", -dt.timedelta(days=days) + REMINDER_TIME)
            vevent.add_component(alarm)
    return vevent


def _description(timeline: Timeline, event: Event) -> str:
    lines = [
        f"{event.title}.",
        f"When: {event.rule}" + (f" ({event.every})" if event.every else "") + ".",
        f"Created by: {event.clauses} ({', '.join(s.clause_id for s in event.sources)}).",
        f"Deal: {timeline.title}, {timeline.deal_id}.",
    ]
    if event.kind == "exit" and timeline.trigger:
        lines.append(f"Exit event: {timeline.trigger}.")
    if event.kind == "report":
        lines.extend(timeline.notes)
    return "\n".join(lines)
