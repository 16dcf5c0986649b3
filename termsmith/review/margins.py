"""Tracked changes in a document's headers and footers.

termsmith writes the header and footer from the library's styles (the deal's id, the date, "Draft — subject to
contract", the page numbers): nothing in a deal sets them, so a reviewer's change there cannot be absorbed. It
is reported, so that it is not lost without a word.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CHANGES = {f"{{{W}}}ins": "inserted", f"{{{W}}}del": "deleted"}
_TEXT = (f"{{{W}}}t", f"{{{W}}}delText")


@dataclass(frozen=True)
class MarginChange:
    where: str  # header | footer
    kind: str  # inserted | deleted
    author: str
    date: str
    text: str


def changes(where: str, root: etree._Element) -> list[MarginChange]:
    """The tracked insertions and deletions in one header or footer part, in document order."""
    out = []
    for el in root.iter(*_CHANGES):
        text = "".join(t.text or "" for t in el.iter(*_TEXT))
        if text.strip():
            out.append(MarginChange(where, _CHANGES[el.tag], el.get(f"{{{W}}}author", ""),
                                    el.get(f"{{{W}}}date", ""), " ".join(text.split())))
    return out
