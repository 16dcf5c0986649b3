"""Compare two Drafts: the redline (Word revisions and a CriticMarkup twin) and a summary of what changed."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Literal

from termsmith.draft.document import (
    Block,
    Cell,
    Clause,
    CrossRef,
    Draft,
    Inline,
    Paragraph,
    Section,
    SignatureBlock,
    Span,
    Table,
    plain_text,
)
from termsmith.render import DEFAULT_FORMATS, FORMATS, unknown_formats
from termsmith.render.typography import smart_quotes
from termsmith.render.typography import run_in_title
from termsmith.review.diff import opcodes, ratio
from termsmith.draft.revisions import (
    Deleted,
    Inserted,
    Redline,
    RedlineParty,
    RedlineSection,
    Retitled,
    RevisedParty,
    RevisedSection,
    Tracked,
    TrackedBlock,
    TrackedInline,
    TrackedRow,
    TrackedTable,
)

# A word with its inner punctuation ("2,000,000", "99.9", "co-sell", "Party’s"), a run of white space,
# or one other character: the units a reviewer reads, so a changed number is struck out whole.
_TOKEN = re.compile(r"\w+(?:[.,’'\-/]\w+)*|\s+|[^\w\s]")
# Below this share of unchanged text a paragraph reads better as "old text struck, new text added"
# than as a patchwork of small changes.
REWRITE_THRESHOLD = 0.4
REWRITE_MIN_WORDS = 6
# Two paragraphs at the same place are the same paragraph, edited, when this much of their wording matches.
SAME_PARAGRAPH = 0.5
DETAIL_WIDTH = 48


def fold_quotes(text: str) -> str:
    """Typographic quotes made straight (four replaces: str.translate with a table looks up every character
    of a non-ASCII text in it, some fifty times slower on a paragraph)."""
    if text.isascii():
        return text
    return text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')

ChangeKind = Literal["added", "removed", "changed", "moved"]


@dataclass(frozen=True)
class ClauseChange:
    """One line of the summary: a clause (or a whole article or schedule) added, removed, changed or moved."""

    kind: ChangeKind
    id: str
    label: str  # the new number ('17.1'); the old one for what was removed
    title: str
    detail: str = ""  # e.g. 'least 180 days’ → least 90 days’'
    section: bool = False  # a whole article or schedule
    versions: str = ""  # '1.0.0 → 1.1.0' when the library's clause changed version
    content: tuple = field(default=(), compare=False, repr=False)  # a whole clause's text: was a moved one edited?

    def __str__(self) -> str:
        mark = {"added": "+", "removed": "-", "changed": "~", "moved": ">"}[self.kind]
        head = " ".join(x for x in (mark, self.label, self.title, f"[{self.versions}]" if self.versions else "") if x)
        return f"{head} ({self.detail})" if self.detail else head


@dataclass(frozen=True)
class Comparison:
    """The redline of two drafts and what it shows, clause by clause."""

    old: Draft
    new: Draft
    redline: Redline
    changes: tuple[ClauseChange, ...]
    references_only: int  # clauses whose only changes are cross-references to renumbered or replaced clauses
    cover: tuple[str, ...]  # changes to the title, the date and the parties

    @property
    def unchanged(self) -> bool:
        return not (self.changes or self.references_only or self.cover)

    def counts(self) -> dict[ChangeKind, int]:
        out: dict[ChangeKind, int] = {"added": 0, "removed": 0, "changed": 0, "moved": 0}
        for change in self.changes:
            if not change.section:
                out[change.kind] += 1
        return out


# ── public ─────────────────────────────────────────────────────────────────────────────────
def compare(old: Draft, new: Draft, *, author: str, date: str) -> Comparison:
    """Align the drafts section by section and clause by clause (by id), then paragraph by paragraph and
    word by word, into the new draft with the old draft's removed text as deletions."""
    summary = _Summary()
    live = _LIVE.set(frozenset(a for s in new.sections for a in (s.anchor, *(c.anchor for c in s.clauses))))
    try:
        return _compare(old, new, summary, author=author, date=date)
    finally:
        _LIVE.reset(live)


# the bookmarks of the new side's sections and clauses, while one comparison runs: a cross-reference moved off a
# clause still there was pointed elsewhere on purpose
_LIVE: ContextVar[frozenset[str]] = ContextVar("live", default=frozenset())


def _compare(old: Draft, new: Draft, summary: _Summary, *, author: str, date: str) -> Comparison:
    sections = tuple(_align(old.sections, new.sections, key=lambda s: s.anchor,
                            same=lambda o, n: _section(o, n, summary),
                            removed=lambda s: _whole_section(s, "delete", summary),
                            added=lambda s: _whole_section(s, "insert", summary)))
    cover: list[str] = []
    title = _diff_text(old.title, new.title, "title", cover)
    date_text = _diff_text(old.date_text, new.date_text, "date", cover)
    parties = tuple(_align(old.parties, new.parties, key=lambda p: p.short_name,
                           same=lambda o, n: _party(o, n, cover),
                           removed=lambda p: _whole_party(p, "delete", cover),
                           added=lambda p: _whole_party(p, "insert", cover)))
    redline = Redline(new, old.provenance, sections, parties, title, date_text, author, date)
    return Comparison(old, new, redline, summary.finish(), summary.references_only, tuple(cover))


def render_redline(comparison: Comparison, formats: Sequence[str] = DEFAULT_FORMATS) -> dict[str, bytes]:
    """{extension: bytes} of the redline: the Word document with revisions, the CriticMarkup twin."""
    if unknown := unknown_formats(formats):
        raise ValueError(f"unknown redline format {unknown[0]!r}")
    summary = summary_lines(comparison)
    out = {fmt: FORMATS[fmt].redline(comparison.redline, summary) for fmt in formats}
    if "md" in out:
        out["md"] = seal(out["md"])
    return out


# The CriticMarkup twin's last line: the sha256 of every byte before it, in an HTML comment (which Markdown
# viewers do not show). An existing twin is replaced only when it still hashes to its seal: an editor that
# keeps the line but changes the text above it breaks the seal, and a hand-written file has none.
_SEAL = re.compile(rb"<!-- termsmith redline sha256:([0-9a-f]{64}) -->\n?\Z")


def seal(markdown: bytes | str) -> bytes:
    """The redline's Markdown with its seal line appended."""
    import hashlib

    data = markdown.encode("utf-8") if isinstance(markdown, str) else markdown
    return data + b"<!-- termsmith redline sha256:" + hashlib.sha256(data).hexdigest().encode() + b" -->\n"


def sealed(data: bytes) -> bool:
    """The Markdown is a termsmith redline as written: its seal matches the text before it."""
    import hashlib

    m = _SEAL.search(data)
    return m is not None and hashlib.sha256(data[: m.start()]).hexdigest().encode() == m.group(1)


def summary_lines(comparison: Comparison) -> list[str]:
    """The comparison in a few lines: counts, then one line per changed clause, in document order."""
    counts = comparison.counts()
    if comparison.unchanged:
        return ["no changes"]
    head = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n or kind != "moved")
    if comparison.references_only:
        head += f"; cross-references updated in {comparison.references_only} more clause" + (
            "s" if comparison.references_only != 1 else "")
    return [head, *(str(c) for c in comparison.changes), *(f"~ {line}" for line in comparison.cover)]


# ── alignment ──────────────────────────────────────────────────────────────────────────────
def _align(olds: Sequence, news: Sequence, *, key: Callable, same: Callable, removed: Callable,
           added: Callable) -> list:
    """Items of both sequences in order: matched by key (same), or only old (removed) or only new (added);
    where both sides changed, the removed items come first, as in a Word redline."""
    out: list = []
    for tag, i1, i2, j1, j2 in opcodes([key(o) for o in olds], [key(n) for n in news]):
        if tag == "equal":
            out.extend(same(o, n) for o, n in zip(olds[i1:i2], news[j1:j2], strict=True))
            continue
        out.extend(removed(o) for o in olds[i1:i2])
        out.extend(added(n) for n in news[j1:j2])
    return out


class _Summary:
    """Collects the summary while the drafts are compared."""

    def __init__(self) -> None:
        self.changes: list[ClauseChange] = []
        self.references_only = 0

    def add(self, change: ClauseChange) -> None:
        self.changes.append(change)

    def finish(self) -> tuple[ClauseChange, ...]:
        """A clause removed in one place and added in another was moved."""
        removed = {c.id: c for c in self.changes if c.kind == "removed" and not c.section}
        added = {c.id: c for c in self.changes if c.kind == "added" and not c.section}
        moved = removed.keys() & added.keys()
        # one cut and pasted without tracking, its bookmark lost: the same title and words, under a new id
        def words(c: ClauseChange) -> tuple:
            return c.title, tuple(replace(b, anchor=None) if isinstance(b, Paragraph) else b for b in c.content)

        gone = {words(c): c for c in removed.values() if c.id not in moved and c.content}
        pasted = {}
        for change in added.values():
            was = gone.pop(words(change), None) if change.id not in moved else None
            if was is not None:
                pasted[change.id], pasted[was.id] = was, change
        out = []
        for change in self.changes:
            if change.id in pasted and not change.section:
                if change.kind == "added":
                    out.append(replace(change, kind="moved", detail=f"from {pasted[change.id].label}"))
                continue
            if change.id in moved and not change.section:
                if change.kind == "added":  # only the execution page's clauses have no number
                    edited = ", and its text changed" if change.content != removed[change.id].content else ""
                    origin = removed[change.id].label or "the execution page"
                    out.append(replace(change, kind="moved", detail=f"from {origin}{edited}"))
                continue
            out.append(change)
        return tuple(out)


# ── sections and clauses ───────────────────────────────────────────────────────────────────
def _section(old: Section, new: Section, summary: _Summary) -> RedlineSection:
    clauses = tuple(_align(old.clauses, new.clauses, key=lambda c: c.anchor,
                           same=lambda o, n: _clause(o, n, new, summary),
                           removed=lambda c: _whole_clause(c, old, "delete", summary),
                           added=lambda c: _whole_clause(c, new, "insert", summary)))
    section = replace(new, clauses=clauses)
    if (old.title, old.label) == (new.title, new.label):
        return section
    if old.title != new.title:
        summary.add(ClauseChange("changed", new.id, _section_number(new), new.title, f"heading was {old.title}",
                                 section=True))
    title = _diff_inlines((Span(old.title),), (Span(new.title),)).inlines
    return RevisedSection(section, title, old.label)


def _whole_section(section: Section, change: str, summary: _Summary) -> Tracked:
    kind: ChangeKind = "added" if change == "insert" else "removed"
    count = len(section.clauses)
    if not count and not section.title:  # an empty body read as text: nothing a reader could name
        return Tracked(change, section)
    summary.add(ClauseChange(kind, section.id, _section_number(section), section.title,
                             f"{count} clause{'s' if count != 1 else ''}", section=True))
    for clause in section.clauses:
        summary.add(ClauseChange(kind, clause.id, _clause_number(section, clause), clause.title))
    return Tracked(change, section)


def _section_number(section: Section) -> str:
    return section.label if section.kind != "article" else f"{section.label}."


def _clause_number(section: Section, clause: Clause) -> str:
    """How the summary names a clause: '17.2', or 'Schedule 2 para 3' (a schedule's own numbers restart)."""
    if section.kind == "schedule" and clause.label:
        return f"{section.label} para {clause.label}"
    return clause.label


def _whole_clause(clause: Clause, section: Section, change: str, summary: _Summary) -> Clause:
    summary.add(ClauseChange("added" if change == "insert" else "removed", clause.id,
                             _clause_number(section, clause), clause.title, content=_unnumbered(clause.blocks)))
    return replace(clause, blocks=tuple(Tracked(change, b) for b in clause.blocks))


def _clause(old: Clause, new: Clause, section: Section, summary: _Summary) -> Clause:
    if old.blocks == new.blocks or _block_keys(old.blocks) == _block_keys(new.blocks):
        return new
    notes: list[_Note] = []
    blocks = tuple(_align_blocks(old.blocks, new.blocks, notes))
    real = [n for n in notes if not n.references_only]
    if real:
        detail = real[0].text + (f"; {len(real) - 1} more" if len(real) > 1 else "")
        # a document read without its manifest knows no versions: no '1.1.0 → ' then
        versions = f"{old.version} → {new.version}" if old.version != new.version and old.version and new.version \
            else ""
        summary.add(ClauseChange("changed", new.id, _clause_number(section, new), new.title, detail,
                                 versions=versions))
    elif notes:
        summary.references_only += 1
    return replace(new, blocks=blocks)


# ── blocks ─────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class _Note:
    """One change inside a clause, for the summary."""

    text: str
    references_only: bool = False  # only cross-references changed (their targets were renumbered or replaced)


def _block_key(block: Block) -> object:
    # a paragraph's number is not its content: renumbering is Word's job, not a change
    return replace(block, label="") if isinstance(block, Paragraph) and block.label else block


def _unnumbered(blocks: Sequence[Block]) -> tuple:
    """A clause's text without the numbers a move changes: its paragraphs' and those its cross-references show."""
    def inlines(items: tuple) -> tuple:
        return tuple(replace(i, label="") if isinstance(i, CrossRef) else i for i in items)

    return tuple(replace(b, label="", inlines=inlines(b.inlines)) if isinstance(b, Paragraph) else
                 replace(b, header=tuple(inlines(c) for c in b.header),
                         rows=tuple(tuple(inlines(c) for c in row) for row in b.rows)) if isinstance(b, Table) else b
                 for b in blocks)


def _block_keys(blocks: Sequence[Block]) -> list[object]:
    return [_block_key(b) for b in blocks]


def _align_blocks(olds: Sequence[Block], news: Sequence[Block], notes: list[_Note]) -> list[TrackedBlock]:
    out: list[TrackedBlock] = []
    for tag, i1, i2, j1, j2 in opcodes(_block_keys(olds), _block_keys(news)):
        if tag == "equal":
            out.extend(news[j1:j2])
        else:
            out.extend(_pair_blocks(olds[i1:i2], news[j1:j2], notes))
    return out


def _shape(block: Block) -> tuple:
    if isinstance(block, Paragraph):
        return ("p", block.role, block.level)
    return ("table", len(block.align))


def _pair_blocks(olds: Sequence[Block], news: Sequence[Block], notes: list[_Note]) -> list[TrackedBlock]:
    """Blocks that differ: the same kind of block at the same place, with much of its wording, is the same
    block edited; anything else was removed or added whole."""
    out: list[TrackedBlock] = []
    for tag, i1, i2, j1, j2 in opcodes([_shape(b) for b in olds], [_shape(b) for b in news]):
        if tag == "equal":
            for old, new in zip(olds[i1:i2], news[j1:j2], strict=True):
                if _similar(old, new):
                    out.append(_edit_block(old, new, notes))
                else:
                    out.extend(_whole_blocks([old], "delete", notes) + _whole_blocks([new], "insert", notes))
        else:
            gone, came = list(olds[i1:i2]), list(news[j1:j2])
            if len(gone) == len(came) == 1 and isinstance(gone[0], Table) and isinstance(came[0], Table):
                # the same table with columns added or removed: one change, named so (Word cannot track it)
                notes.append(_Note(_columns_note(gone[0], came[0])))
                out.extend([Tracked("delete", gone[0]), Tracked("insert", came[0])])
                continue
            out.extend(_whole_blocks(gone, "delete", notes))
            out.extend(_whole_blocks(came, "insert", notes))
    return out


def _columns_note(old: Table, new: Table) -> str:
    """'added column “Review” to the table': the headings of the columns one table has and the other lacks."""
    was, now = [_plain(c) for c in old.header], [_plain(c) for c in new.header]
    added = [h for tag, _i1, _i2, j1, j2 in opcodes(was, now) if tag in ("insert", "replace") for h in now[j1:j2]]
    removed = [h for tag, i1, i2, _j1, _j2 in opcodes(was, now) if tag in ("delete", "replace") for h in was[i1:i2]]
    parts = [f"{verb} column{'s' if len(names) > 1 else ''} " +
             ", ".join(f"“{_shorten(h, 24)}”" if h.strip() else "(no heading)" for h in names)
             for verb, names in (("added", added), ("removed", removed)) if names]
    where = " to the table" if added and not removed else " from the table" if removed and not added else \
        " in the table"
    return " and ".join(parts) + where if parts else f"the table's columns changed ({len(was)} → {len(now)})"


def _whole_blocks(blocks: Sequence[Block], change: str, notes: list[_Note]) -> list[TrackedBlock]:
    for block in blocks:
        what = "added" if change == "insert" else "removed"
        text = _plain(block.inlines) if isinstance(block, Paragraph) else "a table"
        label = f"{block.label} " if isinstance(block, Paragraph) and block.label else ""
        notes.append(_Note(f"{what} {label}{_shorten(text)}"))
    return [Tracked(change, b) for b in blocks]


def _similar(old: Block, new: Block) -> bool:
    if isinstance(old, Table):
        return True  # same column count: compare row by row
    a, b = _words(old.inlines), _words(new.inlines)
    return ratio(opcodes(a, b), len(a), len(b)) >= SAME_PARAGRAPH


def _edit_block(old: Block, new: Block, notes: list[_Note]) -> TrackedBlock:
    if isinstance(old, Table):
        return _edit_table(old, new, notes)
    diff = _diff_inlines(old.inlines, new.inlines)
    notes.extend(diff.notes)
    paragraph = replace(new, inlines=diff.inlines)
    if old.title == new.title:
        return paragraph
    before = (Span(run_in_title(old.title)),) if old.title else ()
    after = (Span(run_in_title(new.title)),) if new.title else ()
    notes.append(_Note(f"title {old.title or '(none)'} → {new.title or '(none)'}"))
    return Retitled(paragraph, _diff_inlines(before, after).inlines)


def _edit_table(old: Table, new: Table, notes: list[_Note]) -> TrackedTable:
    header = tuple(_diff_cell(o, n, notes) for o, n in zip(old.header, new.header, strict=True))
    rows: list[TrackedRow] = []
    for tag, i1, i2, j1, j2 in opcodes(old.rows, new.rows):
        if tag == "equal":
            rows.extend(TrackedRow(r) for r in new.rows[j1:j2])
            continue
        olds, news = old.rows[i1:i2], new.rows[j1:j2]
        # a row keeps its identity by its first cell (the metric, the party, the date), or, its first cell
        # edited, by all its other cells
        for ptag, a1, a2, b1, b2 in opcodes([_plain(r[0]) for r in olds], [_plain(r[0]) for r in news]):
            if ptag == "equal" or (ptag == "replace" and a2 - a1 == b2 - b1 and all(
                    o[1:] == n[1:] and len(o) > 1 for o, n in zip(olds[a1:a2], news[b1:b2], strict=True))):
                for o, n in zip(olds[a1:a2], news[b1:b2], strict=True):
                    rows.append(TrackedRow(tuple(_diff_cell(oc, nc, notes) for oc, nc in zip(o, n, strict=True))))
                continue
            for o in olds[a1:a2]:
                notes.append(_Note(f"removed row {_shorten(_plain(o[0]))}"))
                rows.append(TrackedRow(o, "delete"))
            for n in news[b1:b2]:
                notes.append(_Note(f"added row {_shorten(_plain(n[0]))}"))
                rows.append(TrackedRow(n, "insert"))
    return TrackedTable(header, tuple(rows), new.align, new.level)


def _diff_cell(old: Cell, new: Cell, notes: list[_Note]) -> tuple[TrackedInline, ...]:
    if old == new:
        return new
    diff = _diff_inlines(old, new)
    notes.extend(diff.notes)
    return diff.inlines


# ── words ──────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class _InlineDiff:
    """Two texts compared word by word: the tracked inlines, and notes on what changed."""

    inlines: tuple[TrackedInline, ...]
    notes: tuple[_Note, ...]


def _tokens(inlines: Sequence[Inline]) -> list[Inline]:
    """Inlines split at word boundaries; a reference, a defined term, a link or a break is one token."""
    out: list[Inline] = []
    for item in inlines:
        if isinstance(item, Span):
            bold, italic, strike = item.bold, item.italic, item.strike
            # typographic quotes are the renderers' business (straight ones are made curly when written):
            # a document read back and a draft compare equal whichever they carry
            out.extend(Span(t, bold, italic, strike) for t in _TOKEN.findall(fold_quotes(item.text)))
        elif isinstance(item, CrossRef) and item.target:
            # a reference is what it points at (its bookmark): a document read back names targets by bookmark
            out.append(CrossRef("", item.anchor, item.label, item.bold, item.italic))
        else:
            out.append(item)
    return out


def _diff_inlines(old: Sequence[Inline], new: Sequence[Inline]) -> _InlineDiff:
    """The new inlines with the old ones' removed words as Deleted and the added words as Inserted."""
    a, b = _tokens(old), _tokens(new)
    if a == b:
        return _InlineDiff(tuple(new), ())
    segments = [(tag == "equal", a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in opcodes(a, b)]
    if _rewritten(segments):
        segments = [(False, a, b)]
    segments = _absorb_gaps(segments)
    out: list[TrackedInline] = []
    notes: list[_Note] = []
    for i, (equal, olds, news) in enumerate(segments):
        if equal:
            out.extend(news)
            continue
        if olds:
            out.append(Deleted(tuple(_merge(olds))))
        if news:
            out.append(Inserted(tuple(_merge(news))))
        notes.append(_note(segments, i))
    return _InlineDiff(tuple(_merge(out)), tuple(notes))


def _diff_text(old: str, new: str, what: str, cover: list[str]) -> tuple[TrackedInline, ...]:
    if old == new:
        return (Span(new),)
    cover.append(f"{what}: {old} → {new}")
    return _diff_inlines((Span(old),), (Span(new),)).inlines


def _rewritten(segments: list[tuple[bool, list, list]]) -> bool:
    """Little of a longer paragraph's wording survives: show it as replaced, not as a patchwork."""
    old = [t for _, olds, _ in segments for t in olds]
    new = [t for _, _, news in segments for t in news]
    if max(len(_words(old)), len(_words(new))) < REWRITE_MIN_WORDS:
        return False
    kept = sum(len(_plain(news)) for equal, olds, news in segments
               if (equal and any(not _blank(t) for t in news)) or _references_only(olds, news))
    return kept < REWRITE_THRESHOLD * max(len(_plain(old)), len(_plain(new)), 1)


def _references_only(olds: Sequence[Inline], news: Sequence[Inline]) -> bool:
    """Only cross-references changed, one for one: the clauses they point at were renumbered or replaced
    (a reference keeps its revision even when its number reads the same: it points at another clause,
    and rejecting the change must point it back). One pointed away from a clause the new side still has (a
    reviewer's Insert > Cross-reference over the old one, or its field code edited) is a change of its own."""
    live = _LIVE.get()
    return bool(olds) and len(olds) == len(news) and all(
        isinstance(o, CrossRef) and isinstance(n, CrossRef) and (o.anchor == n.anchor or o.anchor not in live)
        for o, n in zip(olds, news, strict=True))


def _blank(token: Inline) -> bool:
    return isinstance(token, Span) and not token.text.strip()


def _absorb_gaps(segments: list[tuple[bool, list, list]]) -> list[tuple[bool, list, list]]:
    """A space between two changes belongs to them: 'a b' → 'c d' reads as one change, not two."""
    out: list[tuple[bool, list, list]] = []
    for i, (equal, olds, news) in enumerate(segments):
        between = 0 < i < len(segments) - 1 and not segments[i - 1][0] and not segments[i + 1][0]
        if equal and between and all(_blank(t) for t in news):
            equal = False
        if out and not equal and not out[-1][0]:
            out[-1][1].extend(olds)
            out[-1][2].extend(news)
            continue
        out.append((equal, list(olds), list(news)))
    return out


def _note(segments: list[tuple[bool, list, list]], i: int) -> _Note:
    """'least 180 days’ → least 90 days’': the change with a word of context either side."""
    _, olds, news = segments[i]
    if _references_only(olds, news):
        return _Note(f"{_plain(olds)} → {_plain(news)}", references_only=True)
    # only the few tokens next to the change: a whole long cell's text per change would be quadratic
    before = _plain(segments[i - 1][2][-DETAIL_WIDTH:])[-DETAIL_WIDTH:] if i > 0 else ""
    after = _plain(segments[i + 1][2][:DETAIL_WIDTH])[:DETAIL_WIDTH] if i + 1 < len(segments) else ""
    before = re.search(r"(\S+\s*)?$", before).group(0)
    after = re.match(r"^(\s*\S+)?", after).group(0)
    if not olds or not news:  # the words added or removed, then where: the context is not part of them
        words = _shorten(smart_quotes(_plain(news or olds))).strip()
        where = (f" after “{smart_quotes(before).strip()}”" if before.strip() else
                 f" before “{smart_quotes(after).strip()}”" if after.strip() else "")
        return _Note(f"{'added' if news else 'removed'} “{words}”{where}")
    old_text = _shorten(smart_quotes(before + _plain(olds) + after))
    new_text = _shorten(smart_quotes(before + _plain(news) + after))
    if _plain(olds) == _plain(news):  # the words read the same: a reference's target or the emphasis changed
        what = "cross-reference" if any(isinstance(x, CrossRef) for x in (*olds, *news)) else "formatting"
        return _Note(f"{what} changed in “{new_text.strip()}”")
    return _Note(f"{old_text.strip()} → {new_text.strip()}")


def _merge(items: Sequence[TrackedInline]) -> list[TrackedInline]:
    """Adjacent spans with the same emphasis become one (joined once: a long cell has thousands of tokens)."""
    out: list[TrackedInline] = []
    texts: list[str] = []
    style: tuple | None = None
    for item in items:
        if isinstance(item, Span):
            key = (item.bold, item.italic, item.strike)
            if key != style:
                if texts:
                    out.append(Span("".join(texts), *style))
                texts, style = [], key
            texts.append(item.text)
            continue
        if texts:
            out.append(Span("".join(texts), *style))
        texts, style = [], None
        out.append(item)
    if texts:
        out.append(Span("".join(texts), *style))
    return out


def _plain(inlines: Sequence[TrackedInline]) -> str:
    return plain_text(inlines, terms=True, line_break=" ")


def _words(inlines: Sequence[Inline]) -> list[str]:
    return fold_quotes(_plain(inlines)).split()


def _shorten(text: str, width: int = DETAIL_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# ── the cover and the parties ──────────────────────────────────────────────────────────────
def _party(old: SignatureBlock, new: SignatureBlock, cover: list[str]) -> RedlineParty:
    if old == new:
        return new
    fields = ("party_name", "signatory_name", "signatory_title")
    for name in fields:
        if getattr(old, name) != getattr(new, name):
            cover.append(f"{new.short_name} {name.replace('_', ' ')}: {getattr(old, name)} → {getattr(new, name)}")
    diffs = [_diff_inlines(_spans(getattr(old, n)), _spans(getattr(new, n))).inlines for n in fields]
    return RevisedParty(diffs[0], new.short_name, diffs[1], diffs[2])


def _spans(text: str) -> tuple[Span, ...]:
    return (Span(text),) if text else ()


def _whole_party(party: SignatureBlock, change: str, cover: list[str]) -> Tracked:
    cover.append(f"party {'added' if change == 'insert' else 'removed'}: {party.party_name}")
    return Tracked(change, party)
