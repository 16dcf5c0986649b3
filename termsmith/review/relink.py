"""Cross-references a reviewer unlinked, read as the cross-references they were.

Before sending a document out, many reviewers unlink its fields (Word's Ctrl+Shift+F9 on the whole text, or a
document system doing it on export): every REF field becomes the plain number it showed. The words read exactly
as before, so nothing was negotiated; read as text, though, every clause holding a cross-reference would differ
from the draft, and absorbing it would freeze each number into the deal's wording. So where a reviewed
paragraph shows, at the same place in the same surrounding words, the number its draft's cross-reference showed,
that number is the cross-reference again. A number the reviewer typed or changed is not in text the two share,
and stays their text.
"""

from __future__ import annotations

from dataclasses import replace
from difflib import SequenceMatcher

from termsmith.draft.document import Block, CrossRef, Inline, Paragraph, Span, Table
from termsmith.draft.document import plain_text as inline_text


def relinked(block: Block, base_blocks: tuple[Block, ...]) -> Block:
    """`block` with the cross-references of the most alike base block of its kind put back where it shows
    their numbers as plain text (the block itself when there are none to put back)."""
    if isinstance(block, Paragraph):
        kin = [b for b in base_blocks if isinstance(b, Paragraph) and (b.role, b.level) == (block.role, block.level)
               and _has_refs(b.inlines)]
        if not kin:
            return block
        text = _shown(block.inlines)
        like = max(kin, key=lambda b: SequenceMatcher(None, _shown(b.inlines), text, autojunk=False).quick_ratio())
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
