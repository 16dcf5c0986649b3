"""Cross-references a reviewer unlinked, read as the cross-references they were.

Before sending a document out, many reviewers unlink its fields (Word's Ctrl+Shift+F9 on the whole text, or a
document system doing it on export): every REF field becomes the plain number it showed. The words read exactly
as before, so nothing was negotiated; read as text, though, every clause holding a cross-reference would differ
from the draft, and absorbing it would freeze each number into the deal's wording. So where a reviewed
paragraph shows, at the same place in the same surrounding words, the number its draft's cross-reference showed,
that number is the cross-reference again. A number the reviewer typed or changed is not in text the two share,
and stays their text.

Two more ways a cross-reference comes back: one the reviewer inserted with Word's Insert > Cross-reference points
at a bookmark Word put on the clause's paragraph (`aliases`: read as termsmith's bookmark of that paragraph); one
whose shown number the reviewer typed over, the field kept (`typed_over`: read as their text).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from difflib import SequenceMatcher

from termsmith.draft.document import Block, CrossRef, Draft, Inline, Paragraph, Span, Table
from termsmith.draft.document import plain_text as inline_text
from termsmith.review.docx import Document, paras_of


def relinked(block: Block, base_blocks: tuple[Block, ...]) -> Block:
    """`block` with the cross-references of the most alike base block of its kind put back where it shows
    their numbers as plain text (the block itself when there are none to put back)."""
    if isinstance(block, Paragraph):
        kin = [b for b in base_blocks if isinstance(b, Paragraph) and (b.role, b.level) == (block.role, block.level)
               and _has_refs(b.inlines)]
        text = _shown(block.inlines)
        if not any(label in text for b in kin for label in _labels(b.inlines)):
            return block  # no number a cross-reference showed is in its text (a paragraph pasted in, say)
        like = kin[0] if len(kin) == 1 else max(
            kin, key=lambda b: SequenceMatcher(None, _shown(b.inlines), text, autojunk=False).quick_ratio())
        inlines = _relink(block.inlines, like.inlines)
        return block if inlines is block.inlines else replace(block, inlines=inlines)
    if isinstance(block, Table):
        shape = [len(r) for r in (block.header, *block.rows)]
        for like in base_blocks:
            if isinstance(like, Table) and [len(r) for r in (like.header, *like.rows)] == shape:
                header = tuple(_relink(n, o) for n, o in zip(block.header, like.header))
                rows = tuple(tuple(_relink(n, o) for n, o in zip(nr, orow)) for nr, orow in zip(block.rows, like.rows))
                if (header, rows) != (block.header, block.rows):
                    return replace(block, header=header, rows=rows)
    return block


def _labels(inlines: tuple[Inline, ...]) -> list[str]:
    """The numbers the cross-references among `inlines` show: `_relink` finds one only where its number is."""
    return [i.label for i in inlines if isinstance(i, CrossRef) and i.label]


def _has_refs(inlines: tuple[Inline, ...]) -> bool:
    return any(isinstance(i, CrossRef) for i in inlines)


def _shown(inlines: tuple[Inline, ...]) -> str:
    return "".join(inline_text((i,), terms=True) for i in inlines)


def _relink(new: tuple[Inline, ...], old: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """`new` with each cross-reference of `old` whose number it shows as plain text, in words both share."""
    refs, at = [], 0
    for item in old:
        shown = inline_text((item,), terms=True)
        if isinstance(item, CrossRef) and shown:
            refs.append((at, at + len(shown), item))
        at += len(shown)
    if not refs:
        return new
    matcher = SequenceMatcher(None, _shown(old), _shown(new), autojunk=False)
    places = []  # (start, end, reference) in new's text
    for start, end, ref in refs:
        for a, b, size in matcher.get_matching_blocks():
            if a <= start and end <= a + size:
                places.append((b + start - a, b + end - a, ref))
                break
    out: list[Inline] = []
    at, linked = 0, False
    for item in new:
        shown = inline_text((item,), terms=True)
        inside = [p for p in places if at <= p[0] and p[1] <= at + len(shown)]
        if not isinstance(item, Span) or not inside:
            out.append(item)
        else:
            cut, linked = at, True
            for start, end, ref in inside:
                if start > cut:
                    out.append(Span(item.text[cut - at:start - at], item.bold, item.italic, item.strike))
                out.append(CrossRef(ref.target, ref.anchor, ref.label, item.bold, item.italic))
                cut = end
            if cut < at + len(shown):
                out.append(Span(item.text[cut - at:], item.bold, item.italic, item.strike))
        at += len(shown)
    return tuple(out) if linked else new


def aliases(doc: Document) -> dict[str, str]:
    """Each bookmark Word or the reviewer added to a paragraph that holds one of termsmith's → termsmith's: Word's
    Insert > Cross-reference bookmarks the paragraph it points at ('_Ref190234567'), and that paragraph is the
    clause or item termsmith's bookmark names."""
    out: dict[str, str] = {}
    for block in doc.blocks:
        paras = paras_of(block)
        for para in paras:
            ours = [b for b in para.bookmarks if b.startswith("_Ref_")]
            if ours:
                for name in para.bookmarks:
                    if not name.startswith("_Ref_"):
                        out.setdefault(name, ours[0])
    return out


def typed_over(doc: Document, base: Draft, draft: Draft, owners: dict[int, str] | None = None) -> set[tuple[str, str]]:
    """(bookmark, number) of each cross-reference whose shown number the reviewer typed over: neither the
    number the draft showed (a stale number after a move is that one) nor its target's number in the document
    as it now reads (Word updated the field; Word may write it with more or less of its parent's number: '12.1(a)'
    for '(a)'). With `owners` (the clause each block is in), only a field the draft's clause had: one whose code
    the reviewer pointed at another clause shows the old number until Word updates it, and is that other clause's
    reference."""
    drafted, now, alias = shown_numbers(base), shown_numbers(draft), aliases(doc)
    had = _referenced(base) if owners is not None else {}

    def word_number(label: str, numbers: set[str]) -> bool:
        return any(label.endswith(n) or n.endswith(label) for n in numbers if n and label)

    out = set()
    owner = "cover"
    for n, block in enumerate(doc.blocks):
        owner = owners.get(n, owner) if owners is not None else owner
        paras = paras_of(block)
        for para in paras:
            for piece in para.pieces:
                item = piece.inline
                if isinstance(item, CrossRef) and item.anchor in alias:
                    item = replace(item, anchor=alias[item.anchor])
                if isinstance(item, CrossRef) and item.anchor in drafted and item.label not in drafted[item.anchor] \
                        and item.anchor in now and not word_number(item.label, now[item.anchor]) and \
                        (owners is None or owner not in had or item.anchor in had[owner]):
                    out.add((item.anchor, item.label))
    return out


def _referenced(draft: Draft) -> dict[str, set[str]]:
    """The bookmarks each clause's cross-references point at (an empty set for a clause with none)."""
    out: dict[str, set[str]] = {clause.id: set() for section in draft.sections for clause in section.clauses}
    for clause_id, item in _cross_references(draft):
        out[clause_id].add(item.anchor)
    return out


def shown_numbers(draft: Draft) -> dict[str, set[str]]:
    """The numbers the draft's cross-references show for each bookmark they point at."""
    out: dict[str, set[str]] = {}
    for _clause_id, item in _cross_references(draft):
        out.setdefault(item.anchor, set()).add(item.label)
    return out


def _cross_references(draft: Draft) -> Iterator[tuple[str, CrossRef]]:
    """(clause id, cross-reference) for each cross-reference in the draft's clauses, tables' cells included."""
    for section in draft.sections:
        for clause in section.clauses:
            for block in clause.blocks:
                cells = [block.inlines] if isinstance(block, Paragraph) else [c for r in (block.header, *block.rows)
                                                                              for c in r]
                for inlines in cells:
                    for item in inlines:
                        if isinstance(item, CrossRef):
                            yield clause.id, item
