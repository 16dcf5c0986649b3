"""A page-break estimate for the contents page's cached page numbers.

Only a layout engine knows where pages break; Word and LibreOffice recompute PAGEREF fields when they lay
the document out. Until then a reader (a print made without updating fields, a preview) sees the cached
values, so these must be plausible: the body is flowed line by line from the house style's sizes, indents
and spacing, with page breaks before headings that ask for them, lines kept together, paragraphs kept with
the next, and table rows that do not split, as LibreOffice does (checked paragraph by paragraph against its PDFs
of the example deals: each word at the font's own widths, bold ones at the bold widths, the larger of two
paragraphs' facing spaces between them).

The estimate reads what the writer records of each body paragraph and table as it writes them (Text, Grid),
not the element tree: a walk over thousands of elements cost a quarter of a render. The writer also sizes
its tables' columns here, and asks how many lines a table takes (whether to keep it on one page).
"""

from __future__ import annotations

import collections
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from lxml import etree

from termsmith.render.opc import parse_xml
from termsmith.render.wordxml import qn, unescape

PAGE_TEXT_HEIGHT = 16838 - 2 * 1417  # A4 minus the top and bottom margins (twips)
DEFAULT_SIZE = 21  # half-points (10.5 pt)
LINE_EM = 1.15  # Arial's line height, in ems
CELL_MARGINS = 2 * 28 + 10  # a table cell's top and bottom margins and the rule under it (½ pt; twips)
CELL_SIDES = 2 * 85  # … left and right margins
CELL_RULE = 15  # the rule under a cell of a borderless table (a signature line, ¾ pt)


@dataclass(frozen=True)
class Style:
    """A paragraph style as the page estimate needs it: font size, spacing, indents and what it keeps."""

    size: int = DEFAULT_SIZE  # half-points
    before: int = 0  # twips
    after: int = 0
    line: int = 240  # 240ths of a line
    left: int = 0  # text indent (twips)
    first: int = 0  # first-line indent: negative for a hanging one
    caps: bool = False
    bold: bool = False
    numbered: bool = False  # a list paragraph: its first line's text starts after the number, at the indent
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
        num_id = ppr.find(f"{qn('w:numPr')}/{qn('w:numId')}")
        if num_id is not None:
            values["numbered"] = num_id.get(qn("w:val")) != "0"
        for key, name in (("keep_next", "keepNext"), ("keep_lines", "keepLines"), ("page_break", "pageBreakBefore")):
            flag = _flag(ppr, name)
            if flag is not None:
                values[key] = flag
    if rpr is not None:
        sz = rpr.find(qn("w:sz"))
        if sz is not None:
            values["size"] = int(sz.get(qn("w:val")))
        for key in ("caps", "b"):
            flag = _flag(rpr, key)
            if flag is not None:
                values["bold" if key == "b" else key] = flag
    return Style(**values)


class Styles:
    """Paragraph styles of a styles part, resolved through basedOn once (see styles_of): plain values, so one
    Styles serves every layout of the process."""

    def __init__(self, styles: etree._Element) -> None:
        by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style")) if s.get(qn("w:type")) == "paragraph"}
        defaults = styles.find(qn("w:docDefaults"))
        base = Style()
        if defaults is not None:
            base = _apply(base, defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}"),
                          defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"))
        default = next((i for i, s in by_id.items() if s.get(qn("w:default")) == "1"), None)
        resolved: dict[str | None, Style] = {}

        def resolve(style_id: str | None) -> Style:
            key = style_id or default
            if key not in by_id:
                return base
            if key not in resolved:
                resolved[key] = base  # what a basedOn loop back to this style finds
                el = by_id[key]
                based = el.find(qn("w:basedOn"))
                parent = resolve(based.get(qn("w:val"))) if based is not None else base
                resolved[key] = _apply(parent, el.find(qn("w:pPr")), el.find(qn("w:rPr")))
            return resolved[key]

        self._styles = {style_id: resolve(style_id) for style_id in by_id}
        self._base, self._default = base, default
        # (style id, a paragraph's direct w:keepNext / w:pageBreakBefore) → what its layout needs
        self._paragraphs: dict[tuple[str | None, bool, bool], tuple[Style, _Widths, float]] = {}
        # (… and the text it shows, the width it is set in) → its box: drafts repeat their paragraphs, and
        # each other's; emptied with LINES
        self.boxes: dict[tuple[str | None, bool, bool, str, int], _Box] = {}

    def resolve(self, style_id: str | None) -> Style:
        """The style of a paragraph with this style id (None: the default paragraph style)."""
        return self._styles.get(style_id or self._default, self._base)

    def paragraph(self, style_id: str | None, keep_next: bool, page_break: bool,
                  space_before: int | None = None) -> tuple[Style, _Widths, float]:
        """The style a paragraph's style id and direct properties make, its words' widths and its line height."""
        key = (style_id, keep_next, page_break, space_before)
        found = self._paragraphs.get(key)
        if found is None:
            style = self.resolve(style_id)
            if (keep_next and not style.keep_next) or (page_break and not style.page_break):
                style = replace(style, keep_next=style.keep_next or keep_next,
                                page_break=style.page_break or page_break)
            if space_before is not None:
                style = replace(style, before=space_before)
            found = self._paragraphs[key] = (style, _widths(style), _line_height(style))
        return found


@functools.lru_cache(maxsize=4)
def styles_of(part: bytes) -> Styles:
    """The Styles of a styles part's bytes, made once for every draft that has this part."""
    return Styles(parse_xml(part))


# ── tables: the column widths Word's autofit would give, and the lines a table takes ───────────
CHAR_TWIPS, CELL_PADDING = 100, 230  # an average 9 pt Arial character; cell margins and some air


def column_widths(rows: list[list[str]], total: int) -> list[int]:
    """Column widths (twips) that fill `total` the way Word's autofit would: no column narrower than
    its longest word, short columns kept on one line, the rest of the width to the wordy columns (given
    each cell's text, row by row)."""
    columns = list(zip(*rows, strict=True))
    narrowest = [max(len(word) for text in col for word in text.split() or [""]) for col in columns]
    widest = [max(len(text) for text in col) for col in columns]
    low = [n * CHAR_TWIPS + CELL_PADDING for n in narrowest]
    high = [max(n * CHAR_TWIPS + CELL_PADDING, lo) for n, lo in zip(widest, low, strict=True)]
    if sum(low) >= total:
        widths = [total * lo // sum(low) for lo in low]
    elif sum(high) <= total:
        widths = [total * hi // sum(high) for hi in high]
    else:
        widths, open_ = list(low), set(range(len(low)))
        spare = total - sum(low)
        while open_:  # water-filling: satisfy every column whose need fits its fair share
            share = spare / len(open_)
            satisfied = {i for i in open_ if high[i] - widths[i] <= share}
            if not satisfied:
                need = sum(high[i] - widths[i] for i in open_)
                for i in open_:
                    widths[i] += int(spare * (high[i] - widths[i]) / need)
                break
            for i in satisfied:
                spare -= high[i] - widths[i]
                widths[i] = high[i]
            open_ -= satisfied
    widths[-1] += total - sum(widths)
    return widths


def table_lines(body: list[list[str]], widths: list[int]) -> int:
    """Lines of text the table's body rows take (given each cell's text), each row as tall as its fullest
    cell."""
    total = 0
    for row in body:
        total += max(
            -(-len(text) * CHAR_TWIPS // max(width - CELL_PADDING, CHAR_TWIPS)) or 1
            for text, width in zip(row, widths, strict=True)
        )
    return total


# ── what the writer records of the body it writes ─────────────────────────────────────────
# A redline is laid out as either of its drafts: with its revisions accepted (the new draft) or rejected
# (the old one). View None: a document without revisions.
_HIDDEN_BY = {"accept": "delete", "reject": "insert"}


@dataclass(frozen=True, slots=True)
class Shown:
    """What a paragraph's runs show (text: field results, not field codes; tabs as a few characters): as
    written, and with a redline's revisions accepted or rejected."""

    text: str
    accept: str
    reject: str

    def view(self, view: str | None) -> str:
        return self.text if view is None else self.accept if view == "accept" else self.reject


@dataclass(slots=True, eq=False)
class Text:
    """A paragraph as the estimate sees it: its style, the direct switches the writer gave it, what it shows
    (`shown`), the bookmarks that start in it and whether it is wholly inserted or deleted."""

    style: str | None
    shown: Shown
    keep_next: bool = False
    page_break: bool = False
    bookmarks: tuple[str, ...] = ()
    changes: frozenset[str] = frozenset()  # "insert" / "delete": the paragraph mark's revisions
    space_before: int | None = None  # twips, in place of the style's (the title of a crowded cover)


@dataclass(slots=True, eq=False)
class Cell:
    """A table cell: its grid span and paragraphs, and whether a rule is drawn under it."""

    paragraphs: list[Text]
    span: int = 1
    bottom_rule: bool = field(default=False, kw_only=True)


@dataclass(slots=True, eq=False)
class Row:
    """A table row: its cells, its least height (twips), and whether it is a header row or wholly inserted
    or deleted."""

    cells: list[Cell]
    min_height: int = 0
    header: bool = False
    changes: frozenset[str] = frozenset()


@dataclass(slots=True, eq=False)
class Grid:
    """A table: its column widths (twips) and rows; a borderless one (the signature blocks) has neither rules nor
    margins above and below its cells' text."""

    widths: list[int]
    rows: list[Row]
    borderless: bool = field(default=False, kw_only=True)


Block = Text | Grid


# the pieces of run-level XML text (as wordxml writes it, or lxml serialises it) that show text, the start of
# each run and what makes it bold (<w:b/>, or one of the reference document's bold character styles: a run-in
# heading, a defined term), and the revisions around them
_RUNS = (r'|(<w:r)(?: [^>]*)?>'
         r'|(<w:b(?: w:val="(?:1|true|on)")?/>|<w:rStyle w:val="(?:RunInHeading|DefinedTerm)"/>)')
_PIECES = re.compile(r'<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:delText(?: [^>]*)?>([^<]*)</w:delText>|<w:(tab|br)/>'
                     r'|<(/?)w:(ins|del)(?:>| [^>]*[^/]>)' + _RUNS)
_PLAIN_PIECES = re.compile(r'<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:(tab|br)/>' + _RUNS)  # … of text without revisions
_SHOWN = {"tab": "    ", "br": "\n"}
# a bold run's words are shown between these (Arial's bold letters are wider than its regular ones)
BOLD, REGULAR = "\x02", "\x03"
_WORD = re.compile(r"\S+")


def _bold(text: str) -> str:
    return _WORD.sub(lambda m: f"{BOLD}{m[0]}{REGULAR}", text)


# run-level XML text → what it shows: drafts repeat their paragraphs, and each other's (see LINES); emptied
# when full
SHOWN: dict[str, Shown] = {}
SHOWN_LIMIT = 20_000


def shown(xml: str) -> Shown:
    """What run-level XML text shows, in each view (see Shown), each text read once."""
    found = SHOWN.get(xml)
    if found is None:
        if len(SHOWN) >= SHOWN_LIMIT:
            SHOWN.clear()
        found = SHOWN[xml] = _shown(xml)
    return found


def _shown(xml: str) -> Shown:
    if "<w:ins" not in xml and "<w:del" not in xml:
        pieces, bold = [], False
        for t, other, run, bolder in _PLAIN_PIECES.findall(xml):
            if run or bolder:  # a run starts (regular until its properties say otherwise) / is bold
                bold = bool(bolder)
            elif t:
                pieces.append(_bold(unescape(t)) if bold else unescape(t))
            elif other:
                pieces.append(_SHOWN[other])
        text = "".join(pieces)
        return Shown(text, text, text)
    plain, accept, reject = [], [], []
    open_: list[str] = []
    bold = False
    for t, deleted, other, closing, tag, run, bolder in _PIECES.findall(xml):
        if tag:
            if closing:
                open_.pop()
            else:
                open_.append(tag)
            continue
        if run or bolder:
            bold = bool(bolder)
            continue
        piece = unescape(t or deleted) if t or deleted else _SHOWN.get(other, "")
        if bold and piece:
            piece = _bold(piece)
        if not deleted:
            plain.append(piece)
        if "del" not in open_:
            accept.append(piece)
        if "ins" not in open_:
            reject.append(piece)
    return Shown("".join(plain), "".join(accept), "".join(reject))


# Arial's advance widths in thousandths of an em (metrically Helvetica's, and Liberation Sans's, which LibreOffice
# draws Arial with), regular and bold, for the characters of running text; others count as a lower-case letter.
# Summing real widths keeps the estimate right when the wording changes: LibreOffice sets each word at exactly
# these widths (no kerning) and breaks a line before the first word that does not fit.
_WIDTHS = {
    **dict.fromkeys("abdeghnopqu0123456789$#_£€§", 556), **dict.fromkeys("ckszvxy", 500), "f": 278, "i": 222,
    "j": 222, "l": 222, "m": 833, "r": 333, "t": 278, "w": 722, " ": 278, ".": 278, ",": 278, ";": 278, ":": 278,
    "!": 278, "?": 556, "(": 333, ")": 333, "[": 278, "]": 278, "-": 333, "\u2013": 556, "\u2014": 1000,
    "\u2018": 222, "\u2019": 222, "'": 191, '"': 355, "\u201c": 333, "\u201d": 333, "%": 889, "&": 667, "/": 278,
    "*": 389, "+": 584, "=": 584, "<": 584, ">": 584, "@": 1015, "\u2022": 350, "\u00a0": 278,
    **dict.fromkeys("ABEKPSVXY", 667), **dict.fromkeys("CDHNRU", 722), **dict.fromkeys("GOQ", 778), "F": 611,
    "I": 278, "J": 500, "L": 556, "M": 833, "T": 611, "W": 944, "Z": 611,
}
_BOLD_WIDTHS = {
    **_WIDTHS, **dict.fromkeys("bdghnopqu", 611), **dict.fromkeys("acekvxy", 556), "f": 333, "i": 278, "j": 278,
    "l": 278, "m": 889, "r": 389, "s": 556, "t": 333, "w": 778, "z": 500, ":": 333, ";": 333, "!": 333, "?": 611,
    "[": 333, "]": 333, "\u2018": 278, "\u2019": 278, "'": 238, '"': 474, "\u201c": 500, "\u201d": 500,
    "&": 722, "@": 975, **dict.fromkeys("ABCDHKNRU", 722), "E": 667, "J": 556, "L": 611,
}


class _Widths(dict):
    """Words' widths in twips at one size, case and weight, each summed once (drafts repeat their words, and each
    other's); `after`: the width a word adds after another one on its line (the space between them included). A
    word's bold letters are between BOLD and REGULAR (see Shown)."""

    def __init__(self, em: int, caps: bool, bold: bool = False) -> None:
        super().__init__()
        self.em, self.caps, self.bold = em, caps, bold
        self.space = _WIDTHS[" "] / 1000 * em
        self.after = _After(self)

    def __missing__(self, word: str) -> float:
        chars = word.upper() if self.caps else word
        if BOLD not in chars:
            ems = sum(map(_BOLD_ADVANCE if self.bold else _ADVANCE, chars))
        else:
            ems, bold = 0, self.bold
            for char in chars:
                if char == BOLD or char == REGULAR:
                    bold = char == BOLD or self.bold
                else:
                    ems += _BOLD_ADVANCE(char) if bold else _ADVANCE(char)
        width = self[word] = ems / 1000 * self.em
        return width


class _After(dict):
    def __init__(self, widths: _Widths) -> None:
        super().__init__()
        self.widths = widths

    def __missing__(self, word: str) -> float:
        width = self[word] = self.widths[word] + self.widths.space
        return width


# (size in twips, caps, bold) → its word widths: shared by every layout of the process, emptied when they grow
# past the limit
WORD_WIDTHS: dict[tuple[int, bool, bool], _Widths] = {}
WORD_WIDTHS_LIMIT = 100_000


def _widths(style: Style) -> _Widths:
    key = (style.size * 10, style.caps, style.bold)
    widths = WORD_WIDTHS.get(key)
    if widths is None:
        widths = WORD_WIDTHS[key] = _Widths(*key)
    return widths


# a character's width; others as a letter (the markers of bold words take no room)
_ADVANCE = collections.defaultdict(lambda: 556, _WIDTHS, **{BOLD: 0, REGULAR: 0}).__getitem__
_BOLD_ADVANCE = collections.defaultdict(lambda: 611, _BOLD_WIDTHS, **{BOLD: 0, REGULAR: 0}).__getitem__


def _lines(text: str, width: int, first: int, widths: _Widths) -> int:
    """Lines a paragraph's text takes in `width` twips (the first line `first` twips wider or narrower), its
    words `widths` wide."""
    em, after = widths.em, widths.after
    first_room, room_after = max(width - first, em * 2), max(width, em * 2)  # the first line's, the others'
    total = 0
    for piece in text.split("\n"):
        words = piece.split()
        room, lines = first_room, 1
        used = widths[words[0]] if words else 0.0  # the first word starts the line, whatever its width
        for word in words[1:]:
            need = used + after[word]
            if need > room:
                lines += 1
                room = room_after
                used = widths[word]
            else:
                used = need
        total += lines
    return total


# (text, width, first line's indent, size, caps, bold) → its lines: drafts repeat their paragraphs, and each other's
# (the clauses of a library; a redline's two views), shared by every layout of the process like WORD_WIDTHS
LINES: dict[tuple[str, int, int, int, bool, bool], int] = {}
LINES_LIMIT = 20_000


def _counted_lines(text: str, width: int, first: int, widths: _Widths) -> int:
    """_lines, each text counted once at each width and size."""
    key = (text, width, first, widths.em, widths.caps, widths.bold)
    lines = LINES.get(key)
    if lines is None:
        lines = LINES[key] = _lines(text, width, first, widths)
    return lines


def _line_height(style: Style) -> float:
    return style.size * 10 * LINE_EM * style.line / 240


@dataclass(frozen=True, slots=True)
class _Box:
    """A block to place: its lines' height, space around, and what it keeps (a paragraph's is shared by every
    paragraph of the same style, text and width: Styles.boxes)."""

    lines: int
    line: float
    before: int
    after: int
    keep_next: bool
    keep_lines: bool
    page_break: bool
    whole: bool = False  # a table row: never split

    @property
    def height(self) -> float:
        return self.before + self.lines * self.line + self.after


def _paragraph_box(p: Text, styles: Styles, width: int, view: str | None) -> _Box:
    text = p.shown.view(view)
    key = (p.style, p.keep_next, p.page_break, p.space_before, text, width)
    box = styles.boxes.get(key)
    if box is None:
        style, widths, line = styles.paragraph(p.style, p.keep_next, p.page_break, p.space_before)
        # a list paragraph's number sits in its hanging indent: its text starts at the indent on every line
        first = 0 if style.numbered and style.first < 0 else style.first
        lines = _counted_lines(text, width - style.left, first, widths)
        box = styles.boxes[key] = _Box(lines, line, style.before, style.after, style.keep_next, style.keep_lines,
                                       style.page_break)
    return box


def _row_box(row: Row, styles: Styles, widths: Sequence[int], view: str | None, borderless: bool = False) -> _Box:
    tallest = 0.0
    column = 0
    for cell in row.cells:
        width = sum(widths[column:column + cell.span]) - (0 if borderless else CELL_SIDES)
        column += cell.span
        height = 0.0
        for p in cell.paragraphs:
            height += _paragraph_box(p, styles, width, view).height
        tallest = max(tallest, height)
    tallest = max(tallest, row.min_height)
    if borderless:
        margins = CELL_RULE if any(cell.bottom_rule for cell in row.cells) else 0
    else:
        margins = CELL_MARGINS
    # a row is kept with the next when its paragraphs are (short tables, header rows): w:keepNext is only ever
    # a paragraph property
    keep = row.header or any(p.keep_next for cell in row.cells for p in cell.paragraphs)
    return _Box(1, tallest + margins, 0, 0, keep, True, False, whole=True)


def _boxes(blocks: Sequence[Block], styles: Styles, text_width: int,
           view: str | None) -> tuple[list[_Box], list[tuple[str, ...]]]:
    """The boxes to place, and the bookmarks that start in each."""
    boxes: list[_Box] = []
    bookmarks: list[tuple[str, ...]] = []
    hiding = _HIDDEN_BY.get(view)
    for block in blocks:
        if isinstance(block, Text):
            if hiding not in block.changes:
                boxes.append(_paragraph_box(block, styles, text_width, view))
                bookmarks.append(block.bookmarks)
        else:
            for row in block.rows:
                if hiding not in row.changes:
                    boxes.append(_row_box(row, styles, block.widths, view, block.borderless))
                    bookmarks.append(())
    return boxes, bookmarks


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


def fits_one_page(blocks: Sequence[Block], styles: Styles, text_width: int,
                  text_height: int = PAGE_TEXT_HEIGHT) -> bool:
    """Whether blocks starting a document (the cover) fit on its first page, its tracked changes shown."""
    boxes, _ = _boxes(blocks, styles, text_width, None)
    return sum(box.height for box in boxes) <= text_height


def page_numbers(blocks: Sequence[Block], styles: Styles, text_width: int,
                 view: str | None = None, text_height: int = PAGE_TEXT_HEIGHT) -> dict[str, int]:
    """{bookmark name: estimated page (1 = the first page)} of every bookmark that starts in a body
    paragraph (bookmarks inside tables are not estimated); of a redline, with its revisions accepted or
    rejected (`view`)."""
    if (sum(map(len, WORD_WIDTHS.values())) > WORD_WIDTHS_LIMIT or len(LINES) > LINES_LIMIT
            or len(styles.boxes) > LINES_LIMIT):
        for widths in WORD_WIDTHS.values():  # a long-running process meets ever new words and paragraphs:
            widths.clear()  # start again (emptied, not dropped: Styles keep the _Widths of their sizes)
            widths.after.clear()
        LINES.clear()
        styles.boxes.clear()
    boxes, bookmarks = _boxes(blocks, styles, text_width, view)
    pages: dict[str, int] = {}
    for (page, _), names in zip(placements(boxes, text_height), bookmarks, strict=True):
        for name in names:
            pages.setdefault(name, page)
    return pages


def _first_part(box: _Box) -> float:
    """The height of the lines of a box that go on the page its first line is on, or the next: all of them unless
    it may be split (two lines on each side)."""
    if box.whole or box.keep_lines or box.keep_next or box.lines <= 3:
        return box.lines * box.line
    return 2 * box.line


def placements(boxes: Sequence[_Box], text_height: int) -> list[tuple[int, float]]:
    """Where each box's first line goes: (page, twips from the top of its text area)."""
    placed: list[tuple[int, float]] = []
    page, used = 1, 0.0
    after = 0  # the space after the box before, when it is on this page
    for i, box in enumerate(boxes):
        if box.page_break and used > 0:
            page, used = page + 1, 0.0
        # space before is dropped at the top of a page the text flowed onto, not on one a page break starts (the
        # first article's heading keeps it, as does the cover's title); between two paragraphs the larger of the
        # space after the one and before the other (LibreOffice does not add them)
        before = max(box.before - after, 0) if used > 0 else box.before if i == 0 or box.page_break else 0
        room = text_height - used
        # what must go on the same page as this box's first line: itself (whole, or two lines) and, while
        # boxes keep with the next, the next one's first lines (a box kept with the next goes whole: LibreOffice
        # moves it to the next page rather than split it)
        need = before + _first_part(box)
        j = i
        while boxes[j].keep_next and j + 1 < len(boxes) and need < text_height:
            need += max(boxes[j].after, boxes[j + 1].before) + _first_part(boxes[j + 1])
            j += 1
        if need > room and used > 0 and need <= text_height:
            page, used, before = page + 1, 0.0, 0
        used += before
        if box.whole or box.keep_lines:
            if used + box.lines * box.line > text_height and used > 0:
                page, used = page + 1, 0.0
            placed.append((page, used))
            used += box.lines * box.line
        else:
            placed.append((page, used))
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
                    if fit == 0 and placed[-1] == (page, used):
                        placed[-1] = (page + 1, 0.0)
                    page, used = page + 1, 0.0
        used += box.after
        after = box.after
        if used >= text_height:
            page, used = page + 1, 0.0
    return placed
