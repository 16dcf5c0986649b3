"""Notes for the reviewer: where a draft needs a lawyer's eyes, and why.

A note is about one clause (or section) of the draft and is fed by whatever knows something the text does
not say: a default the draft applied that the deal did not state, a plausibility warning about the deal,
a clause the deal overrides with its own wording, a clause whose library version is newer than the lock's.
Renderers show notes beside the agreement, never in it: Word comments authored "termsmith", a closing list
in the Markdown twin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from termsmith.draft.document import Draft, Note, NoteKind

AUTHOR = "termsmith"  # the author of every note's Word comment (absorb ignores them)
KIND_TITLES: dict[str, str] = {
    "default": "Default applied",
    "warning": "Check",
    "override": "Negotiated wording",
    "outdated": "Newer library version",
}


def targets(draft: Draft) -> dict[str, tuple[str, str]]:
    """{clause or section id: (bookmark, how the text names it)} of everything a note can be about."""
    out: dict[str, tuple[str, str]] = {}
    for section in draft.sections:
        name = {"article": f"clause {section.label}", "schedule": section.label}.get(section.kind, section.title)
        out[section.id] = (section.anchor, name)
        for clause in section.clauses:
            if section.kind == "article" and clause.label:
                label = f"clause {clause.label}"
            elif section.kind == "schedule" and clause.label:
                label = f"{section.label}, paragraph {clause.label}"
            else:
                label = name
            out[clause.id] = (clause.anchor, label)
    return out


def note(draft: Draft, kind: NoteKind, target: str, text: str,
         known: dict[str, tuple[str, str]] | None = None) -> Note | None:
    """A note about a clause or section of the draft; None when the draft does not have it (a clause left
    out says nothing to the reviewer of this draft)."""
    found = (known or targets(draft)).get(target)
    if found is None:
        return None
    anchor, label = found
    return Note(kind, target, anchor, label, " ".join(text.split()))


def outdated_notes(draft: Draft, outdated: Iterable) -> list[Note]:
    """Clauses whose library version is newer than the lock's (termsmith.library.lock.Outdated items)."""
    known = targets(draft)
    out = []
    for item in outdated:
        if item.locked is None or item.current is None:
            continue  # a clause re-locking would add or drop is not in this draft's text
        text = (f"The library has a newer version of this clause ({item.current}; this draft is locked to "
                f"{item.locked}): {item.changelog}. `termsmith outdated` shows the changes; "
                "`termsmith lock --update` moves the deal to them.")
        found = note(draft, "outdated", item.clause_id, text, known)
        if found is not None:
            out.append(found)
    return out


def default_notes(draft: Draft, defaults: Iterable) -> list[Note]:
    """Deal fields the draft read at their default (items with `path`, `value` and the ids of the `clauses`
    that read it): one note on the first of those clauses the draft has."""
    known = targets(draft)
    by_clause: dict[str, list[tuple[str, str, list[str]]]] = {}  # first clause → (path, value, other places)
    for item in defaults:
        clauses = [c for c in item.clauses if c in known]
        if clauses:
            others = list(dict.fromkeys(known[c][1] for c in clauses[1:]))
            by_clause.setdefault(clauses[0], []).append((item.path, item.value, others))
    out = []
    for clause_id, items in by_clause.items():  # one note per clause: a clause with five periods gets one comment
        if len(items) == 1:
            path, value, others = items[0]
            also = f" It is also used in {', '.join(others)}." if others else ""
            text = (f"The deal does not set {path}, so the default {value} applies: confirm that it was "
                    f"agreed, or set it in the deal.{also}")
        else:
            listed = "; ".join(f"{path} = {value}" + (f" (also used in {', '.join(others)})" if others else "")
                               for path, value, others in items)
            text = (f"The deal does not set these fields, so their defaults apply: {listed}. Confirm that they "
                    "were agreed, or set them in the deal.")
        found = note(draft, "default", clause_id, text, known)
        if found is not None:
            out.append(found)
    return out


def warning_notes(draft: Draft, warnings: Iterable[tuple[str, str]]) -> list[Note]:
    """Plausibility warnings about the deal, each as (the clause or section it concerns, the warning)."""
    known = targets(draft)
    return [n for target, text in warnings if (n := note(draft, "warning", target, text, known)) is not None]


def field_clause(draft: Draft, texts: Mapping[str, str], path: str) -> str | None:
    """The first clause of the draft whose text (or condition) reads a deal field, or the nearest field above
    it: 'roles.raci[2].consulted' → the clause that reads roles.raci. Among the clauses that read only a field
    above it (a loop over slas.metrics), one that names the field's own last part (`.credits`) comes first,
    then the one that reads that field most (the clause about it rather than one that mentions it in passing).
    `texts`: clause id → its template text."""
    chain = re.sub(r"\[\d+\]", "", path).split(".")
    order = [c.id for s in draft.sections for c in s.clauses]
    leaf = re.compile(r"\." + re.escape(chain[-1]) + r"(?!\w)")
    for n in range(len(chain), 0, -1):
        field = ".".join(chain[:n])
        pattern = re.compile(r"(?<![\w.])" + re.escape(field) + r"(?!\w)")
        # the plain substring test first: most clauses do not mention the field at all
        found = [c for c in order if field in texts.get(c, "") and pattern.search(texts.get(c, ""))]
        if found:
            if n == len(chain):
                return found[0]

            def weight(c: str) -> tuple[bool, int]:
                text = texts.get(c, "")
                return bool(leaf.search(text)), len(pattern.findall(text))

            return max(found, key=weight)  # the first of the heaviest
    return None


def field_warning_notes(draft: Draft, texts: Mapping[str, str], warnings: Iterable) -> list[Note]:
    """Plausibility warnings about deal fields (Problems with a `path` and a `message`), each on the first
    clause that reads the field; one about what the deal asks of the library (`library.require`, which no
    clause reads but which concerns the whole draft) on its first clause."""
    found = []
    first = next((c.id for s in draft.sections for c in s.clauses), None)
    for problem in warnings:
        path = problem.path or ""
        target = field_clause(draft, texts, path) or (first if path.startswith("library.") else None)
        if target is not None:
            found.append((target, problem.message))
    return warning_notes(draft, found)


def with_notes(draft: Draft, notes: Iterable[Note | None]) -> Draft:
    """The draft carrying these notes (besides its own), in the order of the agreement, each once."""
    order = {anchor: i for i, (anchor, _) in enumerate(targets(draft).values())}
    seen, kept = set(), []
    for item in (*draft.notes, *notes):
        if item is None or (item.kind, item.target, item.text) in seen:
            continue
        seen.add((item.kind, item.target, item.text))
        kept.append(item)
    kept.sort(key=lambda n: order.get(n.anchor, len(order)))
    return replace(draft, notes=tuple(kept))


def without_notes(draft: Draft) -> Draft:
    return replace(draft, notes=()) if draft.notes else draft
