"""The document's two views, paragraph by paragraph: as it stands with every tracked change accepted, or as it
was before the review with every one rejected. A removed paragraph mark joins its paragraph to the next one, a
removed row goes, a clause moved with tracking keeps its bookmark in both views; and the clause numbers a
reviewer typed by hand in front of a run-in title (which Word's numbering gives, not the text).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from termsmith.draft.document import LineBreak, Span
from termsmith.review.docx import Document, Para, Piece, Row, TableRead


# ── the document as a list of paragraphs and tables with its revisions resolved ───────────
@dataclass
class ViewPara:
    style: str
    pieces: list[Piece]
    bookmarks: list[str]
    index: int  # the block it starts in


def resolved(doc: Document, view: str = "accepted") -> list[ViewPara | tuple[TableRead, int, list[Row]]]:
    """Paragraphs and tables after accepting (or rejecting) every revision: a removed paragraph mark joins
    its paragraph to the next one, a removed row goes."""
    drop = "del" if view == "accepted" else "ins"
    out: list = []
    carry: ViewPara | None = None
    moved = _moved_bookmarks(doc, "from" if view == "accepted" else "to")
    for n, block in enumerate(doc.blocks):
        if isinstance(block, TableRead):
            if carry is not None:
                out.append(carry)
                carry = None
            rows = [r for r in block.rows if r.revision is None or r.revision.kind != drop]
            out.append((block, n, rows))
            continue
        pieces = block.inlines(view)
        if carry is not None:
            pieces = carry.pieces + pieces
            bookmarks = carry.bookmarks + block.bookmarks
            index = carry.index
            carry = None
        else:
            bookmarks, index = list(block.bookmarks), n
        if moved:
            bookmarks = [b for b in bookmarks if b not in moved.get("gone", ())] + moved.get(n, [])
        style = block.style if view == "accepted" or block.style_before is None else block.style_before
        para = ViewPara(style, pieces, bookmarks, index)
        if block.mark is not None and block.mark.kind == drop:
            if not any(not _blank_piece(p) for p in pieces):
                para.bookmarks = []  # a paragraph removed whole takes its bookmarks with it
            carry = para
            continue
        out.append(para)
    if carry is not None:
        out.append(carry)
    return out


# a clause number a reviewer typed in front of a run-in title ('11.4A', '(b)', '7.'), with Word's numbering of the
# paragraph switched off or not
_HAND_NUMBER = re.compile(r"\s*(?:\d+(?:\.\d+)*[A-Za-z]?\.?|\(?[a-z]{1,4}\)|\(?[A-Z]\))\s*")


def typed_number(pieces: Sequence[Piece]) -> int:
    """How many of the paragraph's leading pieces are a number typed by hand before its run-in title (0: none)."""
    text = ""
    for k, piece in enumerate(pieces):
        if piece.title:
            return k if k and _HAND_NUMBER.fullmatch(text) else 0
        if not isinstance(piece.inline, Span) or len(text) > 16:
            return 0
        text += piece.inline.text
    return 0


def hand_numbers(doc: Document, view: str = "accepted") -> dict[int, str]:
    """{block index: the number typed by hand} of the paragraphs that have one before their run-in title."""
    out = {}
    for n, block in enumerate(doc.blocks):
        if isinstance(block, Para) and any(x.title for x in block.pieces):
            pieces = block.inlines(view)
            k = typed_number(pieces)
            if k:
                out[n] = " ".join("".join(p.inline.text for p in pieces[:k]).split())
    return out


def _moved_bookmarks(doc: Document, gone: str) -> dict:
    """A clause moved with tracking keeps its bookmark where it stands in the view: Word puts it in the moved
    text at one end of the move, and the view that drops that end (`gone`: 'from' accepted, 'to' original) has
    it at the other. {index of the paragraph at the other end: its bookmarks, 'gone': the bookmarks moved}."""
    ends: dict[tuple[str, str], int] = {}
    for n, block in enumerate(doc.blocks):
        if isinstance(block, Para) and block.move is not None:
            ends.setdefault(block.move, n)
    out: dict = {}
    for (kind, name), n in ends.items():
        other = ends.get(("to" if kind == "from" else "from", name))
        marks = doc.blocks[n].bookmarks
        if kind == gone and other is not None and marks and not doc.blocks[other].bookmarks and \
                _moved_whole(doc.blocks[n]) and _moved_whole(doc.blocks[other]):
            out.setdefault(other, []).extend(marks)
            out.setdefault("gone", set()).update(marks)
    return out


def _moved_whole(para: Para) -> bool:
    """The paragraph itself moved (its mark, or all its words): not words moved out of or into a paragraph that stays,
    which keeps its bookmark where it is (Word writes a move's range in the paragraph either way)."""
    if para.mark is not None and para.mark.moved:
        return True
    return all(p.revision is not None and p.revision.moved for p in para.pieces if not _blank_piece(p))


def _blank_piece(piece: Piece) -> bool:
    return isinstance(piece.inline, Span) and not piece.inline.text.strip()


def kept_cells(row: Row, view: str) -> list[list[Para]]:
    """The row's cells in the view: a cell deleted with tracking (w:cellDel) is gone from the row as it stands, one
    inserted (w:cellIns) is not in it before the review."""
    if not row.marks:
        return row.cells
    drop = "del" if view == "accepted" else "ins"
    return [cell for k, cell in enumerate(row.cells) if k not in row.marks or row.marks[k].kind != drop]


def cell_paras(row: Row, view: str) -> list[list[Piece]]:
    """Each cell's inlines (its paragraphs joined by line breaks)."""
    out = []
    for cell in kept_cells(row, view):
        pieces: list[Piece] = []
        for k, para in enumerate(cell):
            if k:
                pieces.append(Piece(LineBreak()))
            pieces.extend(para.inlines(view))
        out.append(pieces)
    return out
