"""Timelines as text for the terminal, JSON for programs and CSV for spreadsheets (pure functions to str)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from termsmith.dates.timeline import Event, Timeline

FORMATS = ("text", "json", "csv")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def render(timelines: Sequence[Timeline], fmt: str) -> str:
    return {"text": text, "json": to_json, "csv": to_csv}[fmt](timelines)


# ── text ───────────────────────────────────────────────────────────────────────────────────
def text(timelines: Sequence[Timeline]) -> str:
    blocks = []
    for timeline in timelines:
        lines = [f"{timeline.deal_id}: {timeline.title}, dates up to {timeline.horizon.isoformat()}"]
        lines += _rows(timeline.events)
        if timeline.trigger:
            lines += ["", f"Exit timeline: {timeline.trigger}"]
        else:
            lines += ["", "Exit timeline, relative to the Termination Date (date it with --notice-on or --terminate-on):"]
        lines += _rows(timeline.exit_steps)
        lines += [f"Note: {note}" for note in timeline.notes]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _rows(events: Sequence[Event]) -> list[str]:
    rows = []
    for event in events:
        if event.date is None:
            rows.append(("", f"{event.title}: {event.rule}", event.clauses))
            continue
        when = f"{event.date.isoformat()} {_WEEKDAYS[event.date.weekday()]}"
        what = event.title
        if len(event.dates) > 1:
            what += f" ({event.every}, {len(event.dates)} dates to {event.dates[-1].isoformat()})"
        rows.append((when, what, event.clauses))
    width = max((len(r[1]) for r in rows), default=0)
    dated = max((len(r[0]) + 1 for r in rows if r[0]), default=0)  # undated rows line up under the dated ones
    return [f"  {when:<{dated}}{what:<{width}}  {clauses}".rstrip() for when, what, clauses in rows]


# ── JSON ───────────────────────────────────────────────────────────────────────────────────
def to_json(timelines: Sequence[Timeline]) -> str:
    from termsmith.dates.ics import uid

    def event(e: Event, deal_id: str) -> dict:
        return {
            "key": e.key, "uid": uid(deal_id, e.key), "title": e.title, "kind": e.kind,
            "date": e.date.isoformat() if e.date else None, "dates": [d.isoformat() for d in e.dates],
            "every": e.every, "rule": e.rule, "remind": e.remind,
            "clauses": [{"id": s.clause_id, "label": s.label} for s in e.sources],
        }

    data = {"deals": [{
        "deal_id": t.deal_id, "title": t.title, "effective_date": t.effective_date.isoformat(),
        "horizon": t.horizon.isoformat(), "exit_event": t.trigger,
        "events": [event(e, t.deal_id) for e in t.events],
        "exit_steps": [event(e, t.deal_id) for e in t.exit_steps],
        "notes": list(t.notes),
        "warnings": [w.as_dict() for w in t.warnings],
    } for t in timelines]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ── CSV ────────────────────────────────────────────────────────────────────────────────────
CSV_COLUMNS = ("deal", "date", "weekday", "event", "kind", "rule", "clauses", "clause_ids", "key")


def to_csv(timelines: Sequence[Timeline]) -> str:
    """One row per date (a recurring event gives one row per occurrence), in date order per deal; exit steps
    that are only rules have no date."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for t in timelines:
        rows = []
        for e in (*t.events, *t.exit_steps):
            ids = " ".join(s.clause_id for s in e.sources)
            for day in e.dates or (None,):
                rows.append((t.deal_id, day.isoformat() if day else "", _WEEKDAYS[day.weekday()] if day else "",
                             e.title, e.kind, e.rule, e.clauses, ids, e.key))
        rows.sort(key=lambda r: (r[1] == "", r[1]))  # stable: same-day rows keep the timeline's order
        writer.writerows(rows)
    return out.getvalue()
