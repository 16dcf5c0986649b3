"""A page-break estimate for the contents page's cached page numbers.

Only a layout engine knows where pages break; Word and LibreOffice recompute PAGEREF fields when they lay
the document out. Until then a reader (a print made without updating fields, a preview) sees the cached
values, so these must be plausible: the body is flowed line by line from the house style's sizes, indents
and spacing, with page breaks before headings that ask for them, lines kept together, paragraphs kept with
the next, and table rows that do not split. Calibrated against LibreOffice's PDF of the example deals.
"""

from __future__ import annotations

import collections
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from termsmith.render.wordxml import qn

PAGE_TEXT_HEIGHT = 16838 - 2 * 1417  # A4 minus the top and bottom margins (twips)
DEFAULT_SIZE = 21  # half-points (10.5 pt)
CAPS_EM = 0.66  # … of an upper-case heading
LINE_EM = 1.15  # Arial's line height, in ems
CELL_MARGINS = 2 * 28 + 20  # a table cell's top and bottom margins and rules (twips)
CELL_SIDES = 2 * 85  # … left and right margins


@dataclass(frozen=True)
class Style:
    size: int = DEFAULT_SIZE  # half-points
    before: int = 0  # twips
    after: int = 0
    line: int = 240  # 240ths of a line
    left: int = 0  # text indent (twips)
    first: int = 0  # first-line indent: negative for a hanging one
    caps: bool = False
    keep_next: bool = False
    keep_lines: bool = False
    page_break: bool = False


def _flag(ppr: etree._Element | None, name: str) -> bool | None:
    if ppr is None:
        return None
    el = ppr.find(qn(f"w:{name}"))
    if el is None:
        return None
    return el.get(qn("w:val")) not in ("0", "false", "off")


def _apply(style: Style, ppr: etree._Element | None, rpr: etree._Element | None) -> Style:
    values = dict(style.__dict__)
    if ppr is not None:
        spacing = ppr.find(qn("w:spacing"))
        if spacing is not None:
            for key, attr in (("before", "before"), ("after", "after"), ("line", "line")):
                if spacing.get(qn(f"w:{attr}")) is not None:
                    values[key] = int(spacing.get(qn(f"w:{attr}")))
        ind = ppr.find(qn("w:ind"))
        if ind is not None:
            if ind.get(qn("w:left")) is not None:
                values["left"] = int(ind.get(qn("w:left")))
            if ind.get(qn("w:hanging")) is not None:
                values["first"] = -int(ind.get(qn("w:hanging")))
            elif ind.get(qn("w:firstLine")) is not None:
                values["first"] = int(ind.get(qn("w:firstLine")))
        for key, name in (("keep_next", "keepNext"), ("keep_lines", "keepLines"), ("page_break", "pageBreakBefore")):
            flag = _flag(ppr, name)
            if flag is not None:
                values[key] = flag
    if rpr is not None:
        sz = rpr.find(qn("w:sz"))
        if sz is not None:
            values["size"] = int(sz.get(qn("w:val")))
        caps = _flag(rpr, "caps")
        if caps is not None:
            values["caps"] = caps
    return Style(**values)


class Styles:
    """Paragraph styles of a styles part, resolved through basedOn, and the widths of the words laid out
    with them."""

    def __init__(self, styles: etree._Element) -> None:
        if len(WORD_WIDTHS) > WORD_WIDTHS_LIMIT:  # a long-running process meets ever new words: start again
            WORD_WIDTHS.clear()
        self.widths = WORD_WIDTHS
        self._by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))
                       if s.get(qn("w:type")) == "paragraph"}
        defaults = styles.find(qn("w:docDefaults"))
        base = Style()
        if defaults is not None:
            base = _apply(base, defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}"),
                          defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"))
        self._base = base
        self._default = next((i for i, s in self._by_id.items() if s.get(qn("w:default")) == "1"), None)
        self.resolve = functools.lru_cache(maxsize=None)(self._resolve)
        self._direct: dict[tuple, Style] = {}  # (style, a paragraph's direct properties) → the style they make

    def with_direct(self, style: Style, ppr: etree._Element) -> Style:
        """`style` with a paragraph's direct properties (w:pPr) applied: a draft repeats a few combinations
        (a numbered paragraph, one kept with the next) thousands of times."""
        key = (style, *((child.tag, *child.items()) for child in ppr))
        found = self._direct.get(key)
        if found is None:
            found = self._direct[key] = _apply(style, ppr, None)
        return found

    def _resolve(self, style_id: str | None) -> Style:
        el = self._by_id.get(style_id or self._default)
        if el is None:
            return self._base
        based = el.find(qn("w:basedOn"))
        parent = self.resolve(based.get(qn("w:val"))) if based is not None else self._base
        return _apply(parent, el.find(qn("w:pPr")), el.find(qn("w:rPr")))


# A redline is laid out as either of its drafts: with its revisions accepted (the new draft) or rejected
# (the old one). View None: a document without revisions.
_HIDDEN_BY = {"accept": qn("w:del"), "reject": qn("w:ins")}


def _hidden(el: etree._Element, view: str | None, stop: etree._Element) -> bool:
    """Whether a revision the view removes contains `el` (looking up to `stop`)."""
    if view is None:
        return False
    hiding = _HIDDEN_BY[view]
    for ancestor in el.iterancestors():
        if ancestor.tag == hiding:
            return True
        if ancestor is stop:
            return False
    return False


def _removed(el: etree._Element, view: str | None) -> bool:
    """A paragraph whose mark, or a row that, the view removes (wholly inserted or deleted)."""
    if view is None:
        return False
    props = "w:pPr/w:rPr" if el.tag == qn("w:p") else "w:trPr"
    path = "/".join(qn(part) for part in props.split("/"))
    return el.find(f"{path}/{_HIDDEN_BY[view]}") is not None


_T, _DEL_TEXT, _TAB, _BR = qn("w:t"), qn("w:delText"), qn("w:tab"), qn("w:br")
_P, _TBL, _TR, _TC, _TR_PR, _TC_PR = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:trPr"), qn("w:tcPr")
_GRID_COL, _GRID_SPAN, _W = qn("w:gridCol"), qn("w:gridSpan"), qn("w:w")
_TR_HEIGHT, _TBL_HEADER, _KEEP_NEXT = qn("w:trHeight"), qn("w:tblHeader"), qn("w:keepNext")
_PPR, _PSTYLE, _VAL, _NAME, _BOOKMARK = qn("w:pPr"), qn("w:pStyle"), qn("w:val"), qn("w:name"), qn("w:bookmarkStart")


def _text_and_bookmarks(p: etree._Element, view: str | None = None) -> tuple[str, tuple[str, ...]]:
    """What a paragraph shows (its text: field results, not field codes; tabs as a few characters) and the
    names of the bookmarks that start in it, in one pass."""
    out = []
    names = []
    # without a view deleted text is not shown (a document without revisions has none)
    for el in p.iter(_T, _TAB, _BR, _BOOKMARK) if view is None else p.iter(_T, _DEL_TEXT, _TAB, _BR, _BOOKMARK):
        tag = el.tag
        if tag == _BOOKMARK:
            names.append(el.get(_NAME))
        elif view is not None and _hidden(el, view, p):
            continue
        elif tag == _T or tag == _DEL_TEXT:
            out.append(el.text or "")
        elif tag == _TAB:
            out.append("    ")
        else:
            out.append("\n")
    return "".join(out), tuple(names)


# Arial's advance widths in thousandths of an em (metrically Helvetica's), for the characters of running text;
# others count as a lower-case letter. Summing real widths keeps the estimate right when the wording changes.
_WIDTHS = {
    **dict.fromkeys("abdeghnopqu0123456789$", 556), **dict.fromkeys("ckszvxy", 500), "f": 278, "i": 222, "j": 222,
    "l": 222, "m": 833, "r": 333, "t": 278, "w": 722, " ": 278, ".": 278, ",": 278, ";": 278, ":": 278, "(": 333,
    ")": 333, "-": 333, "\u2019": 222, "'": 191, "\u201c": 333, "\u201d": 333, "%": 889, "&": 667, "/": 278,
    **dict.fromkeys("ABEKPSVXY", 667), **dict.fromkeys("CDHNRU", 722), **dict.fromkeys("GOQ", 778), "F": 611,
    "I": 278, "J": 500, "L": 556, "M": 833, "T": 611, "W": 944, "Z": 611,
}
WIDTH_SCALE = 1.03  # calibrated on LibreOffice's PDFs of the example deals (word spacing, kerning, bold terms)


class _Widths(dict):
    """Words' widths in ems at normal case, each summed once (drafts repeat their words, and each other's)."""

    def __missing__(self, word: str) -> float:
        width = self[word] = sum(map(_ADVANCE, word)) / 1000 * WIDTH_SCALE
        return width


WORD_WIDTHS = _Widths()  # shared by every layout of the process, emptied when it grows past the limit
WORD_WIDTHS_LIMIT = 100_000


_ADVANCE = collections.defaultdict(lambda: 556, _WIDTHS).__getitem__  # a character's width; others as a letter


def _lines(text: str, width: int, first: int, style: Style, widths: _Widths) -> int:
    """Lines a paragraph's text takes in `width` twips (the first line `first` twips wider or narrower)."""
    em = style.size * 10  # twips
    caps = style.caps
    space = (CAPS_EM if caps else _WIDTHS[" "] / 1000 * WIDTH_SCALE) * em
    first_room, room_after = max(width - first, em * 2), max(width, em * 2)  # the first line's, the others'
    total = 0
    for piece in text.split("\n"):
        room, lines, used = first_room, 1, 0.0
        for word_width in ([len(word) * CAPS_EM for word in piece.split()] if caps
                           else map(widths.__getitem__, piece.split())):
            word_width *= em
            if not used:
                used = word_width
                continue
            need = word_width + space
            if used + need > room:
                lines += 1
                room = room_after
                used = word_width
            else:
                used += need
        total += lines
    return total


def _line_height(style: Style) -> float:
    return style.size * 10 * LINE_EM * style.line / 240


@dataclass(slots=True)
class _Box:
    """A block to place: its lines' height, space around, and what it keeps."""

    lines: int
    line: float
    before: int
    after: int
    keep_next: bool
    keep_lines: bool
    page_break: bool
    bookmarks: tuple[str, ...]
    whole: bool = False  # a table row: never split

    @property
    def height(self) -> float:
        return self.before + self.lines * self.line + self.after


def _paragraph_box(p: etree._Element, styles: Styles, width: int, view: str | None = None) -> _Box:
    ppr = p.find(_PPR)
    style_el = ppr.find(_PSTYLE) if ppr is not None else None
    style = styles.resolve(style_el.get(_VAL) if style_el is not None else None)
    if ppr is not None and len(ppr) > (style_el is not None):  # direct properties beside the style
        style = styles.with_direct(style, ppr)
    text, names = _text_and_bookmarks(p, view)
    lines = _lines(text, width - style.left, style.first, style, styles.widths)
    return _Box(lines, _line_height(style), style.before, style.after, style.keep_next, style.keep_lines,
                style.page_break, names)


def _row_box(tr: etree._Element, styles: Styles, widths: Sequence[int], keep_next: bool,
             view: str | None) -> _Box:
    tallest = 0.0
    column = 0
    for tc in tr.iterchildren(_TC):
        tc_pr = tc.find(_TC_PR)
        span_el = tc_pr.find(_GRID_SPAN) if tc_pr is not None else None
        span = int(span_el.get(_VAL)) if span_el is not None else 1
        width = sum(widths[column:column + span]) - CELL_SIDES
        column += span
        height = 0.0
        for p in tc.iterchildren(_P):
            box = _paragraph_box(p, styles, width, view)
            height += box.height
        tallest = max(tallest, height)
    tr_pr = tr.find(_TR_PR)
    min_height = tr_pr.find(_TR_HEIGHT) if tr_pr is not None else None
    if min_height is not None:
        tallest = max(tallest, int(min_height.get(_VAL)))
    return _Box(1, tallest + CELL_MARGINS, 0, 0, keep_next, True, False, (), whole=True)


def _boxes(blocks: Sequence[etree._Element], styles: Styles, text_width: int, view: str | None) -> list[_Box]:
    out: list[_Box] = []
    for block in blocks:
        if block.tag == _P:
            if not _removed(block, view):
                out.append(_paragraph_box(block, styles, text_width, view))
        elif block.tag == _TBL:
            widths = [int(g.get(_W)) for g in block.iter(_GRID_COL)]
            for tr in block.iterchildren(_TR):
                if _removed(tr, view):
                    continue
                # a row is kept with the next when its paragraphs are (short tables, header rows): w:keepNext
                # is only ever a paragraph property
                tr_pr = tr.find(_TR_PR)
                keep = next(tr.iter(_KEEP_NEXT), None) is not None \
                    or (tr_pr is not None and tr_pr.find(_TBL_HEADER) is not None)
                out.append(_row_box(tr, styles, widths, keep, view))
    return out


def page_area(sect_pr: etree._Element | None) -> tuple[int, int]:
    """(text width, text height) in twips of a section's pages (A4 with 2.5 cm margins when unstated)."""
    size = sect_pr.find(qn("w:pgSz")) if sect_pr is not None else None
    margins = sect_pr.find(qn("w:pgMar")) if sect_pr is not None else None
    if size is None or margins is None:
        return 11906 - 2 * 1417, PAGE_TEXT_HEIGHT

    def twips(el: etree._Element, name: str, default: int) -> int:
        value = el.get(qn(f"w:{name}"))
        return abs(int(value)) if value is not None and value.lstrip("-").isdigit() else default

    width = twips(size, "w", 11906) - twips(margins, "left", 1417) - twips(margins, "right", 1417)
    height = twips(size, "h", 16838) - twips(margins, "top", 1417) - twips(margins, "bottom", 1417)
    return width, height


def page_numbers(blocks: Sequence[etree._Element], styles: etree._Element, text_width: int,
                 view: str | None = None, text_height: int = PAGE_TEXT_HEIGHT) -> dict[str, int]:
    """{bookmark name: estimated page (1 = the first page)} of every bookmark that starts in a body
    paragraph (bookmarks inside tables are not estimated); of a redline, with its revisions accepted or
    rejected (`view`)."""
    boxes = _boxes(blocks, Styles(styles), text_width, view)
    pages: dict[str, int] = {}
    page, used = 1, 0.0
    for i, box in enumerate(boxes):
        if box.page_break and used > 0:
            page, used = page + 1, 0.0
        before = box.before if used > 0 else 0  # space before is dropped at the top of a page
        room = text_height - used
        # what must go on the same page as this box's first line: itself (whole, or two lines) and, while
        # boxes keep with the next, the next one's first lines
        need = before + (box.lines * box.line if box.whole or box.keep_lines or box.lines <= 3
                         else 2 * box.line)
        j = i
        while boxes[j].keep_next and j + 1 < len(boxes) and need < text_height:
            need += boxes[j].after + (boxes[j + 1].lines * boxes[j + 1].line if boxes[j + 1].whole
                                      or boxes[j + 1].lines <= 3 else 2 * boxes[j + 1].line) + boxes[j + 1].before
            j += 1
        if need > room and used > 0 and need <= text_height:
            page, used, before = page + 1, 0.0, 0
        for name in box.bookmarks:
            pages.setdefault(name, page)
        used += before
        if box.whole or box.keep_lines:
            if used + box.lines * box.line > text_height and used > 0:
                page, used = page + 1, 0.0
            used += box.lines * box.line
        else:
            remaining = box.lines
            while remaining:
                fit = math.floor((text_height - used) / box.line)
                if fit >= remaining:
                    used += remaining * box.line
                    remaining = 0
                else:
                    # widow and orphan control: at least two lines on each side of a break
                    fit = fit if fit >= 2 and remaining - fit >= 2 else 0 if fit < 2 else remaining - 2
                    remaining -= fit
                    page, used = page + 1, 0.0
        used += box.after
        if used >= text_height:
            page, used = page + 1, 0.0
    return pages
