"""A document's headers and footers: the tracked changes in them, and the edits made there without tracking.

termsmith writes the header and footer from the library's styles (the deal's title, its id, the date, "Draft —
subject to contract", the page numbers): nothing in a deal sets them, so a reviewer's change there cannot be
absorbed. It is reported, so that it is not lost without a word. An untracked edit is found by comparing each
header and footer, as it read before the review's tracked changes, with what the draft it was made from puts
there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from termsmith.draft.document import Draft
from termsmith.review.diff import opcodes
from termsmith.review.symbols import RUBY_GUIDE, SYM, in_ruby_guide, sym_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CHANGES = {f"{{{W}}}ins": "inserted", f"{{{W}}}del": "deleted"}
_TEXT = (f"{{{W}}}t", f"{{{W}}}delText")
_T, _DEL_TEXT, _TAB, _INS, _MOVE_TO = (f"{{{W}}}{t}" for t in ("t", "delText", "tab", "ins", "moveTo"))
_FLD_CHAR, _FLD_SIMPLE, _P = f"{{{W}}}fldChar", f"{{{W}}}fldSimple", f"{{{W}}}p"
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")  # the day the draft was made: the footer's, whichever it was


@dataclass(frozen=True)
class MarginChange:
    where: str  # header | footer
    kind: str  # inserted | deleted | edited
    author: str
    date: str
    text: str
    tracked: bool = True  # False: an edit made without tracking (its text says what it was and is)


@dataclass(frozen=True)
class Margin:
    """One header or footer part as it read before the review's tracked changes: which it is (header or footer,
    and Word's default, first or even), and its text without its fields (the page numbers)."""

    where: str
    kind: str
    text: str


def changes(where: str, root: etree._Element) -> list[MarginChange]:
    """The tracked insertions and deletions in one header or footer part, in document order."""
    out = []
    for el in root.iter(*_CHANGES):
        text = "".join(sym_text(t) if t.tag == SYM else t.text or "" for t in el.iter(*_TEXT, SYM)
                       if not in_ruby_guide(t))
        if text.strip():
            out.append(MarginChange(where, _CHANGES[el.tag], el.get(f"{{{W}}}author", ""),
                                    el.get(f"{{{W}}}date", ""), " ".join(text.split())))
    return out


def original_text(root: etree._Element) -> str:
    """A header or footer part's text before its tracked changes (words deleted kept, words inserted left out),
    its fields' codes and results left out, on one line."""
    out = []
    for p in root.iter(_P):
        depth = 0  # inside a field's result (a page number)
        for el in p.iter(_T, _DEL_TEXT, _TAB, _FLD_CHAR, SYM):
            if el.tag == _FLD_CHAR:
                kind = el.get(f"{{{W}}}fldCharType")
                depth += 1 if kind == "begin" else -1 if kind == "end" and depth else 0
                continue
            if depth or any(a.tag in (_INS, _MOVE_TO, _FLD_SIMPLE, RUBY_GUIDE) for a in el.iterancestors()):
                continue
            out.append(" " if el.tag == _TAB else sym_text(el) if el.tag == SYM else el.text or "")
        out.append(" ")
    return " ".join("".join(out).split())


def untracked(margins: list[Margin], draft: Draft) -> list[MarginChange]:
    """Each header or footer that, before the review's tracked changes, does not read as the draft writes it."""
    from termsmith.render.typography import smart_quotes
    from termsmith.render.wordparts import footer_reference

    def fold(text: str) -> str:
        return _DATE.sub("<date>", " ".join(smart_quotes(text).split()))

    drafted = {("header", "default"): draft.title,
               ("footer", "default"): f"{footer_reference(draft)} {draft.word('page')} {draft.word('of')}"}
    out = []
    for m in margins:
        want = drafted.get((m.where, m.kind), "")
        if fold(m.text) != fold(want):
            day = _DATE.search(m.text)  # the day as the copy shows it: the draft's, which a re-draft cannot know
            want = _DATE.sub(day.group(0), want) if day else want
            out.append(MarginChange(m.where, "edited", "", "", _words_changed(want, m.text), tracked=False))
    return out


def _words_changed(was: str, now: str) -> str:
    """'added “and board approval” after “contract”': the words that differ, each change with where it is."""
    a, b = was.split(), now.split()
    parts = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        old, new = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        where = f" after “{a[i1 - 1]}”" if i1 else f" before “{a[i2]}”" if i2 < len(a) else ""
        if tag == "insert":
            parts.append(f"added “{new}”{where}")
        elif tag == "delete":
            parts.append(f"removed “{old}”")
        elif tag == "replace":
            parts.append(f"“{old}” → “{new}”")
    return "; ".join(parts)
