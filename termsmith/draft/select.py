"""Choose the clauses that apply to a deal, and record why each was included or left out."""

from __future__ import annotations

from dataclasses import dataclass

from termsmith.draft.conditions import evaluate, fields_read, parse_condition
from termsmith.library.clauses import Clause, Library, SectionSpec
from termsmith.draft.templating import field_value


@dataclass(frozen=True)
class Decision:
    """Whether one clause is in the draft, and the deal fields that decided it."""

    clause: Clause
    included: bool
    condition: str | None
    fields: tuple[tuple[str, str], ...]  # (dotted field, value as written) the condition read


@dataclass(frozen=True)
class Selection:
    """The clauses of one draft, in the order of the agreement, plus every decision."""

    decisions: tuple[Decision, ...]
    clauses: tuple[Clause, ...]
    sections: tuple[SectionSpec, ...]  # sections with at least one clause, in order


def select(library: Library, context: dict, explain: bool = False) -> Selection:
    """Evaluate every clause's condition against the deal context (with `explain`, record the fields read)."""
    decisions = []
    verdicts: dict[str, bool] = {}  # a condition is an expression over this one context: the same text, the same truth
    for clause in library.in_order:
        when = clause.meta.when
        if when is None:
            decisions.append(Decision(clause, True, None, ()))
            continue
        included = verdicts.get(when)
        if included is None:  # about half of a library's conditions repeat one another's text
            included = verdicts[when] = evaluate(parse_condition(when, clause.path), context)
        shown = tuple((f, _shown(field_value(context, f))) for f in fields_read(when) if f in _roots(context, f)) if explain else ()
        decisions.append(Decision(clause, included, when, shown))
    chosen = tuple(d.clause for d in decisions if d.included)
    present = {c.meta.area for c in chosen}
    return Selection(
        decisions=tuple(decisions),
        clauses=chosen,
        sections=tuple(s for s in library.manifest.sections if s.id in present),
    )


def _roots(context: dict, dotted: str) -> set[str]:
    """Only fields rooted in the deal (not helper names like `multi`) are worth explaining."""
    return {dotted} if dotted.split(".")[0] in context and not callable(context[dotted.split(".")[0]]) else set()


def _shown(value: object) -> str:
    if value is None:
        return "(not given)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return f"[{len(value)} item{'s' if len(value) != 1 else ''}]"
    if hasattr(type(value), "model_fields"):
        return "(given)"
    return str(value)
