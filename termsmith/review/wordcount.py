"""Words a redline inserts and deletes: what `termsmith impact` reports for each deal whose text changes."""

from __future__ import annotations

import re

from termsmith.draft.document import (
    Clause as DraftClause,
    CrossRef,
    Link,
    Paragraph,
    Section,
    SignatureBlock,
    Span,
    Table,
    TermDefinition,
)
from termsmith.draft.revisions import (
    Deleted,
    Inserted,
    Redline,
    RevisedParty,
    RevisedSection,
    Retitled,
    Tracked,
    TrackedRow,
    TrackedTable,
)

# a word with its inner punctuation ('2,000,000', '99.9', 'co-sell'), as the redline's word diff cuts them;
# punctuation alone is not a word
_WORD = re.compile(r"\w+(?:[.,’'\-/]\w+)*")


def word_counts(redline: Redline) -> tuple[int, int]:
    """Words the redline inserts and deletes (a whole paragraph, row, clause or party counts all its words)."""
    counts = {"insert": 0, "delete": 0}
    _count((redline.sections, redline.parties, redline.title, redline.date_text), None, counts)
    return counts["insert"], counts["delete"]


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _count(item: object, mode: str | None, counts: dict[str, int]) -> None:
    if isinstance(item, tuple | list):
        for x in item:
            _count(x, mode, counts)
    elif isinstance(item, Inserted):
        _count(item.inlines, "insert", counts)
    elif isinstance(item, Deleted):
        _count(item.inlines, "delete", counts)
    elif isinstance(item, Tracked):
        _count(item.item, item.change, counts)
    elif isinstance(item, TrackedRow):
        _count(item.cells, item.change or mode, counts)
    elif mode is None and isinstance(item, Span | CrossRef | TermDefinition | Link | SignatureBlock):
        return  # text both drafts have
    elif isinstance(item, Span):
        counts[mode] += _words(item.text)
    elif isinstance(item, CrossRef):
        counts[mode] += _words(item.label)
    elif isinstance(item, TermDefinition):
        counts[mode] += _words(item.term)
    elif isinstance(item, Link):
        _count(item.children, mode, counts)
    elif isinstance(item, Paragraph):
        if mode is not None and item.title:
            counts[mode] += _words(item.title)
        _count(item.inlines, mode, counts)
    elif isinstance(item, Retitled):
        _count((item.title, item.paragraph.inlines), mode, counts)
    elif isinstance(item, Table | TrackedTable):
        _count((item.header, item.rows), mode, counts)
    elif isinstance(item, Section):
        if mode is not None:
            counts[mode] += _words(item.title)
        _count(item.clauses, mode, counts)
    elif isinstance(item, RevisedSection):
        _count((item.title, item.section.clauses), mode, counts)
    elif isinstance(item, DraftClause):
        _count(item.blocks, mode, counts)
    elif isinstance(item, SignatureBlock):
        counts[mode] += sum(_words(t) for t in (item.party_name, item.signatory_name, item.signatory_title))
    elif isinstance(item, RevisedParty):
        _count((item.party_name, item.signatory_name, item.signatory_title), mode, counts)
