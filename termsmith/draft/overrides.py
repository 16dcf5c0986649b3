"""A deal's own clause wording (`overrides:` in the deal file) applied to the selected clauses.

An overridden clause keeps its place, number, id and bookmark and takes the deal's text, which is rendered
like a clause file's body (Markdown, `{{ ref("id") }}` cross-references with live numbers, deal fields); a
removed clause drops out; an added clause follows the clause its `after` names, in that clause's article or
schedule, and a library clause with `after` is moved there (a reviewer moved it, within its article or to
another), or with `before` in front of the clause it names (moved to the start of an article); its number and every cross-reference to it follow. Each override is recorded in the draft's provenance (manifest and document properties).
"""

from __future__ import annotations

from dataclasses import replace

from termsmith.deal.model import ClauseOverride, Deal
from termsmith.deal.source import SourceMap
from termsmith.draft.document import OverrideRecord
from termsmith.draft.select import Selection
from termsmith.errors import InputError, Problem
from termsmith.library.clauses import Clause, FrontMatter, Library

ADDED_VERSION = "0.0.0"  # an added clause has no library version: it exists only in this deal


def apply_overrides(selection: Selection, library: Library, deal: Deal,
                    source: SourceMap | None) -> tuple[Selection, tuple[OverrideRecord, ...]]:
    """The selection with the deal's overrides applied, and what was overridden."""
    overrides = deal.overrides
    if not overrides:
        return selection, ()
    chosen = {c.id for c in selection.clauses}
    problems = []

    def problem(ident: str, field: str | None, message: str) -> None:
        path = ("overrides", ident, *([field] if field else []))
        problems.append(source.problem(path, message) if source else Problem(path=".".join(path), message=message))

    added: dict[str, list[tuple[str, ClauseOverride]]] = {}  # clause id → the clauses placed after it
    ahead: dict[str, list[tuple[str, ClauseOverride]]] = {}  # clause id → the clauses placed before it
    moved: dict[str, Clause] = {}  # a library clause the deal places elsewhere (`after`, `before`) → the clause
    for ident, override in overrides.items():
        anchor, key = (override.after, "after") if override.after is not None else (override.before, "before")
        if anchor is not None:
            if ident in library.by_id and ident not in chosen:
                problem(ident, key, f"clause {ident} is not in this draft (its condition leaves it out)")
            elif ident not in library.by_id and (override.title is None or override.text is None):
                problem(ident, None, f"an added clause (with {key}) needs a title and its text")
            elif anchor == ident:
                problem(ident, key, "a clause cannot follow itself: name the clause it follows" if key == "after"
                        else "a clause cannot precede itself: name the clause it precedes")
            elif anchor not in chosen and anchor not in overrides:
                problem(ident, key, f"clause {anchor} is not in this draft")
            if ident in library.by_id:
                moved[ident] = next(c for c in selection.clauses if c.id == ident) if ident in chosen else None
            (added if key == "after" else ahead).setdefault(anchor, []).append((ident, override))
            continue
        if ident not in library.by_id:
            problem(ident, None, f"the library has no clause {ident}; to add one give its title and 'after'")
        elif ident not in chosen:
            problem(ident, None, f"clause {ident} is not in this draft (its condition leaves it out)")
    if problems:
        raise InputError(problems)

    out: list[Clause] = []
    records: list[OverrideRecord] = []

    placed: set[str] = set()

    def place(clause: Clause) -> None:
        if clause.id in placed:
            return  # a clause placed after one of its own followers: once is enough (and no loop)
        placed.add(clause.id)
        _beside(clause, ahead)
        override = overrides.get(clause.id)
        if override is not None and override.after is None and override.before is None:
            if override.removed:
                records.append(OverrideRecord(clause.id, "removed", override.based_on or ""))
                _beside(clause, added)
                return
            clause = _overridden(clause, override, source, deal)
            records.append(OverrideRecord(clause.id, "text", override.based_on or ""))
        out.append(clause)
        _beside(clause, added)

    def _beside(anchor: Clause, where: dict[str, list[tuple[str, ClauseOverride]]]) -> None:
        """The clauses the deal places before `anchor` (`where` is `ahead`) or after it (`added`)."""
        for ident, override in where.get(anchor.id, ()):
            if ident in placed:
                continue
            if ident in moved:  # the library's clause, in the deal's place (and wording, if it has one)
                placed.add(ident)
                clause = _overridden(moved[ident], override, source, deal)
                clause = replace(clause, meta=_with(clause.meta, area=anchor.meta.area, order=anchor.meta.order))
                _beside(clause, ahead)
                records.append(OverrideRecord(ident, "moved", override.based_on or ""))
                out.append(clause)
                _beside(clause, added)
                continue
            records.append(OverrideRecord(ident, "added", override.based_on or ""))
            meta = FrontMatter(id=ident, version=ADDED_VERSION, title=override.title or ident,
                               area=anchor.meta.area, order=anchor.meta.order, when=None,
                               changelog="added for this deal", defines={}, heading=True)
            place(Clause(meta, override.text or "", *_where(ident, source), deal_wording=True))

    for clause in selection.clauses:
        if clause.id not in moved:
            place(clause)
    placed_by_deal = {i: "after" if o.after else "before" for i, o in overrides.items() if o.after or o.before}
    if len(placed) < len({c.id for c in selection.clauses} | placed_by_deal.keys()):
        lost = sorted((i, key) for i, key in placed_by_deal.items() if i not in placed)
        raise InputError([source.problem(("overrides", i, key), f"placed {key} a clause that is itself placed "
                                         f"{key} it: give one of them another place") if source else
                          Problem(path=f"overrides.{i}.{key}", message="placed in a loop") for i, key in lost])
    present = {c.meta.area for c in out}
    sections = tuple(s for s in library.manifest.sections if s.id in present)
    return replace(selection, clauses=tuple(out), sections=sections), tuple(records)


def _where(ident: str, source: SourceMap | None) -> tuple[str, int]:
    """The deal file and line an override's text starts at (a block scalar starts on the next line)."""
    if source is None:
        return f"overrides.{ident}", 1
    return f"{source.file}#overrides.{ident}", source.text_line(("overrides", ident, "text")) or 1


def _overridden(clause: Clause, override: ClauseOverride, source: SourceMap | None, deal: Deal) -> Clause:
    """The clause in the deal's wording: what the override does not give (its text, title or a definition)
    stays the library's."""
    meta = _with(clause.meta, title=override.title) if override.title else clause.meta
    if override.defines:
        meta = _with(meta, defines={**meta.defines, **override.defines})
    if override.text is None:
        return replace(clause, meta=meta)
    path, line = _where(clause.id, source)
    return replace(clause, meta=meta, body=override.text, path=path, body_line=line, deal_wording=True)


def _with(meta, **changes):
    """Front matter with some fields changed (a pydantic model, or a dataclass)."""
    if hasattr(meta, "model_copy"):
        return meta.model_copy(update=changes)
    return replace(meta, **changes)


def stale_overrides(deal: Deal, library: Library, source: SourceMap | None) -> list[Problem]:
    """Warnings for overrides negotiated from a clause version the library has since moved on from (the
    override may need the library's new wording too), and for clauses the library no longer has."""
    out = []
    for ident, override in deal.overrides.items():
        if (override.after is not None or override.before is not None) and (ident not in library.by_id or (
                override.text is None and override.title is None and not override.defines)):
            continue  # a clause the deal adds, or only places elsewhere: no wording to go stale
        clause = library.by_id.get(ident)
        path = ("overrides", ident, "based_on")
        if clause is None:
            message = f"the library no longer has clause {ident}: this override applies to nothing"
        elif override.based_on and clause.version != override.based_on:
            message = (f"the library's {ident} is now {clause.version}, this wording was negotiated from "
                       f"{override.based_on}: the override may be stale (`termsmith redline DEAL --overrides` shows "
                       "it against the library's text)")
        else:
            continue
        where = source.locate(path) if source else None
        out.append(Problem(file=source.file if source else "", line=where[0] if where else None,
                           path=f"overrides.{ident}", message=message, code="stale-override", severity="warning"))
    return out
