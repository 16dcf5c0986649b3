"""Results as plain JSON data: one serialisation for `--format json` and for the MCP server's tools.

Why: an assistant or a CI script should read the same structure a person reads as text, without parsing
terminal output; both front ends call these functions, so they can never disagree.
"""

from __future__ import annotations

import json
from typing import Any

from termsmith.errors import Problem


def dumps(data: Any) -> str:
    """Stable JSON text (sorted keys are not used: the order of fields is part of the reading order)."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def problem(p: Problem) -> dict[str, Any]:
    return p.as_dict()


def problems(items) -> list[dict[str, Any]]:
    return [problem(p) for p in items]


def failure(exc) -> dict[str, Any]:
    """What a command that stopped on bad input returns: every problem, located."""
    return {"ok": False, "problems": problems(exc.problems)}


def _library(library) -> dict[str, Any]:
    return {"name": library.manifest.name, "version": library.version, "commit": library.commit}


def check(result) -> dict[str, Any]:
    """What `check` reports of a valid deal: its warnings (plausibility, stale overrides: printed as `warning:`
    lines) and its notes, each with the severity it is printed with."""
    from dataclasses import replace

    deal = result.deal
    found = [*(replace(w, severity="warning") for w in result.warnings),
             *(replace(n, severity="note") for n in result.notes)]
    return {"ok": True, "deal": str(result.path), "id": deal.deal.id, "kind": deal.deal.kind,
            "parties": [p.id for p in deal.parties], "problems": problems(found)}


def explain(result) -> dict[str, Any]:
    sections = result.library.sections
    return {
        "deal": result.deal.deal.id,
        "library": _library(result.library),
        "clauses": [{
            "id": d.clause.id, "version": d.clause.version, "title": d.clause.meta.title,
            "section": sections[d.clause.meta.area].title if d.clause.meta.area in sections else d.clause.meta.area,
            "included": d.included, "condition": d.condition, "fields": dict(d.fields),
        } for d in result.selection.decisions],
    }


def draft(result) -> dict[str, Any]:
    p = result.draft.provenance
    return {
        "ok": True, "deal": str(result.deal_path), "id": p.deal_id,
        "library": {"name": p.library_name, "version": p.library_version, "commit": p.library_commit},
        "written": [str(path) for path in result.written],
        "clauses": [{"id": c.id, "version": c.version} for c in p.clauses],
        "notes": [_note(n) for n in getattr(result.draft, "notes", ())],
    }


def _note(note: Any) -> Any:
    if hasattr(note, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(note)
    return str(note)


def lint(findings) -> dict[str, Any]:
    items = problems(findings)
    return {"ok": not any(f["severity"] == "error" for f in items), "findings": items}


def outdated(result) -> dict[str, Any]:
    return {
        "deal": str(result.path) if hasattr(result, "path") else None,
        "locked": {"library": result.lock.library_name, "version": result.lock.library_version,
                   "commit": result.lock.commit},
        "library": _library(result.library),
        "changes": [_note(c) for c in result.changes],
    }


def impact(result) -> list[dict[str, Any]]:
    """The list `impact --format json` prints and impact.json holds."""
    return [deal.as_json() for deal in result.deals]


def absorb(result) -> dict[str, Any]:
    return {"ok": not result.mismatches, "review": list(result.lines),
            "written": [str(p) for p in result.written], "would_write": [str(p) for p in result.would_write],
            "mismatches": list(result.mismatches)}


def dates(result) -> Any:
    """The same data `termsmith dates --format json` prints."""
    from termsmith.dates.tables import to_json

    return json.loads(to_json(result.timelines))
