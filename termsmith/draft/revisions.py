"""Tracked changes between two Drafts: what a redline inserts and deletes, as plain immutable data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from termsmith.draft.document import (
    Align,
    Block,
    Draft,
    Inline,
    Paragraph,
    Provenance,
    Section,
    SignatureBlock,
    Span,
)

Change = Literal["insert", "delete"]


# ── inside a paragraph ─────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Inserted:
    """Text (with its emphasis, references and terms) that only the new draft has."""

    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class Deleted:
    """Text that only the old draft has."""

    inlines: tuple[Inline, ...]


TrackedInline = Inline | Inserted | Deleted
TrackedCell = tuple[TrackedInline, ...]


# ── whole things ───────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Tracked:
    """A whole paragraph, table, section or party that only one of the drafts has.

    A deleted item is the old draft's, with the old numbers; an inserted one is the new draft's.
    """

    change: Change
    item: Block | Section | SignatureBlock


@dataclass(frozen=True)
class Retitled:
    """A clause paragraph whose run-in title changed: `title` is the title as it reads ('Survival.')."""

    paragraph: Paragraph
    title: tuple[TrackedInline, ...]


@dataclass(frozen=True)
class TrackedRow:
    """A table row: inserted or deleted as a whole, or kept with its cells' text changes marked."""

    cells: tuple[TrackedCell, ...]
    change: Change | None = None


@dataclass(frozen=True)
class TrackedTable:
    """A table in both drafts whose header or rows changed."""

    header: tuple[TrackedCell, ...]
    rows: tuple[TrackedRow, ...]
    align: tuple[Align, ...]
    level: int = 1


TrackedBlock = Block | Tracked | Retitled | TrackedTable


@dataclass(frozen=True)
class RevisedSection:
    """A section in both drafts whose heading or number changed (its clauses carry their own changes)."""

    section: Section  # the new draft's, its clauses' blocks may be TrackedBlocks
    title: tuple[TrackedInline, ...]
    old_label: str


@dataclass(frozen=True)
class RevisedParty:
    """A party in both drafts whose name or signatory changed."""

    party_name: tuple[TrackedInline, ...]
    short_name: str
    signatory_name: tuple[TrackedInline, ...]
    signatory_title: tuple[TrackedInline, ...]


RedlineSection = Section | Tracked | RevisedSection
RedlineParty = SignatureBlock | Tracked | RevisedParty


@dataclass(frozen=True)
class Redline:
    """The new draft with the old draft's removed content as deletions: what a redline document shows.

    `draft` is the new draft (numbering, references, metadata); `sections`, `parties`, `title` and
    `date_text` replace its own with the tracked versions. Every change is by `author` at `date`
    (ISO 8601 in UTC, e.g. 2027-01-01T00:00:00Z).
    """

    draft: Draft
    old: Provenance
    sections: tuple[RedlineSection, ...]
    parties: tuple[RedlineParty, ...]
    title: tuple[TrackedInline, ...]
    date_text: tuple[TrackedInline, ...]
    author: str
    date: str


def party_on_side(party: RedlineParty, change: Change) -> SignatureBlock | None:
    """The party as the draft on one side has it ('delete': the old draft, 'insert': the new one), or None
    when only the other draft has it: what the execution page of a section that is itself wholly deleted
    or inserted shows, since a tracked change cannot hold another one."""
    if isinstance(party, Tracked):
        return party.item if party.change == change and isinstance(party.item, SignatureBlock) else None
    if isinstance(party, RevisedParty):
        other = Inserted if change == "delete" else Deleted  # the other draft's text

        def text(items: tuple[TrackedInline, ...]) -> str:
            spans = [s for i in items if not isinstance(i, other)
                     for s in (i.inlines if isinstance(i, Inserted | Deleted) else (i,))]
            return "".join(s.text for s in spans if isinstance(s, Span))
        return SignatureBlock(text(party.party_name), party.short_name, text(party.signatory_name),
                              text(party.signatory_title))
    return party
