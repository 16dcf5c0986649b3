"""What the reviewer did, read from the document: tracked insertions and deletions, formatting changes, comments
and replies, and words struck through by hand, each by the clause it falls in.

Notes termsmith wrote itself (author "termsmith") are not the reviewer's and are left out, but a reply to one is
reported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from termsmith.draft.document import Link, Span, plain_text
from termsmith.errors import printable
from termsmith.review.docx import Comment, Document, Para, Piece, Row, paras_of
from termsmith.review.fromdocx import owner_of
from termsmith.review.views import hand_numbers

_WHOLE = ("(paragraph)", "(table)", "(page layout)")  # a formatting change of a paragraph, a table or a section: a
# note of its own, not words
TERMSMITH_AUTHOR = "termsmith"  # the author of the notes termsmith itself writes into a draft


@dataclass(frozen=True)
class Note:
    """One thing the reviewer did: a tracked insertion or deletion, an untracked edit, a comment or reply."""

    kind: str  # inserted | deleted | moved here | moved from here | inserted row | deleted row | edited | …
    author: str
    date: str
    text: str
    to: str = ""  # a reply: the note it answers
    tracked: bool = True  # a tracked change or a comment (its author may be missing); False: an untracked edit


# ── reading the review ─────────────────────────────────────────────────────────────────────
def review_notes(doc: Document, owners: dict[int, str]) -> dict[str, list[Note]]:
    """Tracked changes and comments by the id of the clause they fall in."""
    out: dict[str, list[Note]] = {}
    last: tuple | None = None  # (the change's key, its paragraph, its table row) of the note made last
    for index, item, para, row in doc.revisions():
        if isinstance(item, Piece):
            rev = item.revision
            text = plain_text(item.inline.children) if isinstance(item.inline, Link) else \
                getattr(item.inline, "text", None) or getattr(item.inline, "label", None) or \
                getattr(item.inline, "term", "")  # a link inserted with the words around it: its words too
            key = (index, rev.kind, rev.author, rev.date, rev.moved)
            notes = out.setdefault(owner_of(owners, index), [])
            if last is not None and last[0] == key and last[2] is row and notes:  # one change: in another cell,
                prev = notes[-1]  # after a bar; a row of its own is another note
                bar = " | " if last[1] is not para and prev.text else ""
                notes[-1] = replace(prev, text=prev.text + bar + text)
            else:
                notes.append(Note(_kind(rev), rev.author, rev.date, text))
            last = (key, para, row)
            continue
        rev = item.mark if isinstance(item, Para) else item.revision
        if isinstance(item, Para) and (rev.moved or row is not None and row.revision is not None and
                                       rev.kind == row.revision.kind):
            continue  # a paragraph moved, or a cell's in a row inserted or deleted whole: the words' note says it
        kind = "inserted" if rev.kind == "ins" else "deleted"
        if isinstance(item, Row):  # the row and the words of its cells, one note: “KPI | Target | Owner”
            out.setdefault(owner_of(owners, index), []).append(Note(f"{kind} row", rev.author, rev.date, ""))
            last = ((index, rev.kind, rev.author, rev.date, rev.moved), None, row)
            continue
        last = None
        what = "paragraph" if isinstance(doc.blocks[index], Para) else "paragraph in a table cell"
        out.setdefault(owner_of(owners, index), []).append(Note(kind, rev.author, rev.date, f"({what})"))
    for notes in out.values():  # a row with nothing in its cells
        notes[:] = [replace(n, text="(empty)") if n.kind.endswith(" row") and not n.text else n for n in notes]
    for index, block in enumerate(doc.blocks):  # formatting is the library's styles: reported, not absorbed
        for para in paras_of(block):
            for author, date, text in para.formatted:
                notes = out.setdefault(owner_of(owners, index), [])
                prev = notes[-1] if notes else None
                if prev and (prev.kind, prev.author, prev.date) == ("formatting changed", author, date) and \
                        text not in _WHOLE and prev.text not in _WHOLE:
                    notes[-1] = replace(prev, text=prev.text + text)
                else:
                    notes.append(Note("formatting changed", author, date, text))
    for index, number in hand_numbers(doc).items():  # termsmith numbers the clauses: reported, not absorbed
        out.setdefault(owner_of(owners, index), []).append(Note("numbered by hand", "", "", number, tracked=False))
    for index, block in enumerate(doc.blocks):  # so is Word's Restart Numbering of a clause
        if isinstance(block, Para) and block.restarted is not None:
            out.setdefault(owner_of(owners, index), []).append(
                Note("numbering restarted", "", "", f"at {block.restarted}", tracked=False))
    places = _comment_places(doc)
    ends = _comment_places(doc, ends=True)
    for cid, index in places.items():
        comment = doc.comments.get(cid)
        if comment is None:
            continue  # a range or reference left behind with no comment in comments.xml: nothing to report
        if comment.author.strip().lower() == TERMSMITH_AUTHOR:
            continue  # termsmith's own note to the reviewer
        parent = doc.comments.get(comment.parent or "")
        # under each clause the commented text spans
        for spanned in dict.fromkeys(owner_of(owners, i) for i in range(index, max(index, ends.get(cid, index)) + 1)):
            out.setdefault(spanned, []).append(_comment_note(comment, parent))
    for comment in doc.comments.values():  # replies have no place of their own: they sit with their comment
        if comment.parent and comment.author.strip().lower() != TERMSMITH_AUTHOR and comment.id not in places:
            anchor = places.get(comment.parent)
            parent = doc.comments.get(comment.parent)
            out.setdefault(owner_of(owners, anchor) if anchor is not None else "cover", []).append(
                _comment_note(comment, parent))
        elif comment.author.strip().lower() != TERMSMITH_AUTHOR and comment.id not in places and comment.text:
            # anchored nowhere in the text read (its marks removed by a tool, or in a text box): still the reviewer's
            out.setdefault("cover", []).append(replace(_comment_note(comment, None),
                                                       kind="comment, anchored to no text of the body"))
    return out


def _kind(rev) -> str:
    """How a tracked change is named: inserted, deleted, or the two ends of a move."""
    if rev.moved:
        return "moved here" if rev.kind == "ins" else "moved from here"
    return "inserted" if rev.kind == "ins" else "deleted"


def _comment_note(comment: Comment, parent: Comment | None) -> Note:
    if parent is None:
        return Note("comment" + (", resolved" if comment.done else ""), comment.author, comment.date, comment.text)
    to = f"{reviewer(parent.author)}: {parent.text}" if parent.author.strip().lower() != TERMSMITH_AUTHOR \
        else f"termsmith's note: {parent.text}"
    return Note("reply" + (", resolved" if comment.done else ""), comment.author, comment.date, comment.text, to)


def _comment_places(doc: Document, ends: bool = False) -> dict[str, int]:
    """Each comment's id → the block its range starts in (with `ends`: the block it ends in); a comment with no
    range (its reference alone, as some producers write one) is where its reference is."""
    places: dict[str, int] = {}
    for index, block in enumerate(doc.blocks):
        paras = paras_of(block)
        for para in paras:
            for cid in para.comment_ends if ends else para.comments:
                places.setdefault(cid, index)
            for ref in para.notes:  # a comment on a footnote's words: where the footnote is referenced
                for cid in doc.note_comments.get((ref.kind, ref.id), ()):
                    places.setdefault(cid, index)
    return places


def struck_by_hand(doc: Document, owners: dict[int, str]) -> dict[str, list[str]]:
    """The words struck through without tracking, by the clause they are in (`owners` as the document read
    before its tracked changes fills it)."""
    out: dict[str, list[str]] = {}
    owner = "cover"
    for index, block in enumerate(doc.blocks):
        owner = owners.get(index, owner)
        paras = paras_of(block)
        for para in paras:
            run = ""  # struck text in consecutive runs is one stretch
            for piece in [*para.pieces, None]:
                item = piece.inline if piece is not None else None
                if isinstance(item, Span) and item.strike and piece.revision is None:
                    run += item.text
                    continue
                if run.strip():
                    out.setdefault(owner, []).append(" ".join(run.split()))
                run = ""
    return out


def hidden_text(doc: Document, owners: dict[int, str]) -> dict[str, list[str]]:
    """The text a reviewer put in hidden runs (Word's Hidden font effect: neither shown nor printed, and not read
    as the clause's text), by the clause it is in; termsmith hides nothing."""
    out: dict[str, list[str]] = {}
    for index, block in enumerate(doc.blocks):
        for para in paras_of(block):
            text = " ".join("".join(para.hidden).split())
            if text:
                out.setdefault(owner_of(owners, index), []).append(text)
    return out


AUTHOR_WIDTH = 60  # a reviewer's name as the report shows it: longer names are cut, with an ellipsis


def reviewer(author: str) -> str:
    """An author as Word recorded it, fit to print: on one line, at most AUTHOR_WIDTH characters, and control or
    invisible characters (a right-to-left override reorders the text after it) written as escapes ('\\u202e'),
    as every line termsmith prints has them. '' for no author."""
    name = " ".join(author.split())
    if len(name) > AUTHOR_WIDTH:
        name = name[: AUTHOR_WIDTH - 1].rstrip() + "…"
    return printable(name)
