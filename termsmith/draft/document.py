"""The Draft: the composed agreement as plain immutable data, the only input renderers see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal


# ── numbering labels: what Word's list levels show, shared by compose and the renderers ─────
def item_label(level: int, n: int) -> str:
    """The label of the n-th sub-clause at `level`: 2 → (a), 3 → (i), 4 → (A)."""
    if level == 2:
        return f"({_letters(n)})"
    if level == 3:
        return f"({_roman(n)})"
    return f"({_letters(n).upper()})"


def _letters(n: int) -> str:
    # Word's lowerLetter after z: aa, bb, …
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        count, n = divmod(n, value)
        out += numeral * count
    return out


# ── inlines ────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Span:
    """A run of text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False
    strike: bool = False


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass(frozen=True)
class CrossRef:
    """A reference to a clause, article or schedule, shown as its number (e.g. '17.2', 'Schedule 2')."""

    target: str  # clause / section id
    anchor: str  # bookmark name of the target
    label: str  # the resolved number as it reads in the text
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class TermDefinition:
    """The place where a defined term is defined: rendered bold, in quotes, in the Defined Term style."""

    term: str


@dataclass(frozen=True)
class Link:
    """An external hyperlink."""

    href: str
    children: tuple[Span, ...]


Inline = Span | LineBreak | CrossRef | TermDefinition | Link
Cell = tuple[Inline, ...]


# ── blocks ─────────────────────────────────────────────────────────────────────────────────
ParagraphRole = Literal["clause", "item", "body", "bullet", "definition"]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a clause.

    role    clause: the clause's own numbered paragraph (label '17.2' or, in a schedule, '2');
            item: a numbered sub-paragraph at `level` 2 ('(a)') or 3 ('(i)') or 4 ('(A)');
            body: an unnumbered continuation paragraph indented to `level`;
            bullet: a bulleted paragraph at `level`;
            definition: an entry of the definitions list (starts with a TermDefinition).
    level   1 for the clause paragraph, 2+ for nested items; body/bullet paragraphs carry the
            level of the text they continue.
    label   the number exactly as Word's numbering shows it ('17.2', '(a)'); '' when unnumbered.
    anchor  bookmark name for cross-references to this paragraph (clause paragraphs only).
    """

    role: ParagraphRole
    level: int
    label: str
    inlines: tuple[Inline, ...]
    anchor: str | None = None
    title: str | None = None  # the clause title, shown run-in and bold before the text


Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Table:
    """A table with one header row; `level` is the indentation level of the text it follows."""

    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: tuple[Align, ...]
    level: int = 1


Block = Paragraph | Table


# ── structure ──────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Clause:
    """One clause of the library as it appears in this draft."""

    id: str
    version: str
    title: str
    label: str  # '17.2' in an article, '2' in a schedule
    anchor: str
    blocks: tuple[Block, ...]


SectionKind = Literal["article", "schedule", "signatures"]


@dataclass(frozen=True)
class Section:
    """An article (numbered 1, 2, …), a schedule (Schedule 1, …) or the unnumbered signature page."""

    kind: SectionKind
    id: str
    title: str
    label: str  # '17', 'Schedule 2', '' for signatures
    anchor: str
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class SignatureBlock:
    """The execution block of one party."""

    party_name: str
    short_name: str
    signatory_name: str
    signatory_title: str


@dataclass(frozen=True)
class ClauseVersion:
    """A clause of a draft and the library version of it the draft used."""

    id: str
    version: str


@dataclass(frozen=True)
class OverrideRecord:
    """A clause whose wording or place the deal sets itself: 'text' (replaced), 'removed', 'added' or 'moved'."""

    id: str
    kind: Literal["text", "removed", "added", "moved"]
    based_on: str  # the library version it was negotiated from ('' when not recorded)


@dataclass(frozen=True)
class Provenance:
    """What produced the draft, so it can be reproduced."""

    termsmith_version: str
    deal_id: str
    deal_file: str
    deal_sha256: str
    library_name: str
    library_version: str
    library_owner: str
    library_commit: str | None
    clauses: tuple[ClauseVersion, ...]
    overrides: tuple[OverrideRecord, ...] = ()


NoteKind = Literal["default", "warning", "override", "outdated"]


@dataclass(frozen=True)
class Note:
    """A note to the reviewer about one clause (or section): why to look at it.

    Rendered as a Word comment authored "termsmith" on the clause and as a numbered note in the
    Markdown twin; never part of the agreement's text."""

    kind: NoteKind
    target: str  # clause or section id
    anchor: str  # the bookmark of the clause or section the note is about
    label: str  # how the text refers to it ('clause 17.2', 'Schedule 2'), for the Markdown twin
    text: str


@dataclass(frozen=True)
class AppliedDefault:
    """A deal field the draft's clauses read that the deal file did not set, so its default applied: a term
    the reviewer should confirm was agreed (reported by explain, check and the manifest, noted in the draft)."""

    path: str  # dotted deal field, e.g. 'slas.chronic_failure.failures'
    value: str  # the default as a deal file would write it: '2', 'true', '[confidentiality, liability]'
    clauses: tuple[str, ...]  # ids of the selected clauses that read it, in the order of the draft


DRAFT_STATUS = "Draft \u2014 subject to contract"  # the footer of a draft until the deal says it is final


@dataclass(frozen=True)
class Draft:
    """A composed agreement, ready to render."""

    deal_id: str
    title: str
    subject: str  # the deal's purpose, one line
    language: str  # BCP 47, e.g. en-GB
    date_text: str  # the effective date as it reads in the agreement
    effective_date: str  # the same date, ISO 8601 (YYYY-MM-DD), for document properties
    parties: tuple[SignatureBlock, ...]  # in deal order; also the cover page
    sections: tuple[Section, ...]
    provenance: Provenance
    defined_terms: tuple[str, ...] = field(default=())
    paper: Literal["A4", "Letter"] = "A4"  # the page size of the legal system's house style
    # the words printed around the clauses, in the text's language (cover, contents, execution page, footer)
    words: tuple[tuple[str, str], ...] = ()
    status: str = DRAFT_STATUS  # the document's marking in every footer; '' once the deal is final
    made_at: str = ""  # when the document is made, ISO 8601 UTC ('2026-11-30T16:00:00Z'); see draft/made.py
    notes: tuple[Note, ...] = field(default=())  # for the reviewer, never part of the agreement
    defaults: tuple[AppliedDefault, ...] = field(default=())  # deal fields the draft read at their default

    def word(self, key: str) -> str:
        """A word the library gives for the cover, contents, execution page or footer (e.g. 'dated')."""
        return dict(self.words).get(key) or DEFAULT_WORDS[key]


# The words of a library that gives none (libraries written before library.yaml had `languages`).
DEFAULT_WORDS = {
    "between": "between", "and": "and", "dated": "Dated", "contents": "Contents", "signed_by": "Signed by:",
    "signed_for": "Signed for and on behalf of", "name": "Name:", "title": "Title:", "date": "Date:",
    "signature": "Signature:", "page": "Page", "of": "of",
}


def plain_text(inlines: Iterable, *, terms: bool = False, line_break: str = "\n") -> str:
    """What inlines read as plain text: a cross-reference as its label, a link as its text, a defined term
    in typographic quotes when `terms` (else left out), a line break as `line_break`. A tracked insertion
    or deletion (draft.revisions: an item with `inlines`) gives its own text."""
    parts = []
    for item in inlines:
        if isinstance(item, Span):
            parts.append(item.text)
        elif isinstance(item, CrossRef):
            parts.append(item.label)
        elif isinstance(item, TermDefinition):
            if terms:
                parts.append(f"\u201c{item.term}\u201d")
        elif isinstance(item, Link):
            parts.append(plain_text(item.children, terms=terms, line_break=line_break))
        elif isinstance(item, LineBreak):
            parts.append(line_break)
        elif hasattr(item, "inlines"):
            parts.append(plain_text(item.inlines, terms=terms, line_break=line_break))
    return "".join(parts)
