"""Read a Word document back: its paragraphs and tables as the Draft's inlines, with every tracked change and
comment kept (who, when, where), from a package opened safely (review/package.py); the parts around the body
(comments, notes, properties, headers and footers) are read by review/docxparts.py.

Works on what termsmith writes, on the same document after Word, LibreOffice or python-docx have saved it,
and on any other .docx (which then has no clause bookmarks). Revisions are kept as pieces marked inserted or
deleted, so a caller can take the document as it stands (`accepted`) or as it was before the review
(`original`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, NamedTuple

from lxml import etree

from termsmith.draft.document import CrossRef, Inline, LineBreak, Link, Span, TermDefinition
from termsmith.review.docxparts import R, RT_HYPERLINK, RT_NUMBERING, RT_STYLES, Comment, Parts
from termsmith.review.margins import Margin, MarginChange
from termsmith.review.package import Package, open_package
from termsmith.review.symbols import sym_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


DEFINED_TERM, RUN_IN_HEADING = "DefinedTerm", "RunInHeading"
# termsmith's house styles (render/word.py): another producer may respell an id ('RuninHeading'), so ids and
# names are matched to these without case or spaces
HOUSE_STYLES = ("Title", "Subtitle", "CoverParty", "CoverDate", "TOCHeading", "ArticleHeading", "ScheduleHeading",
                "ExecutionHeading", "BodyText", "Definition", "TableText", "TableHeading", "SignatureText",
                "ContractTable", DEFINED_TERM, RUN_IN_HEADING, "Hyperlink",
                *(f"{kind}{n}" for kind in ("ClauseLevel", "ScheduleLevel", "BodyLevel", "BulletLevel", "TOC")
                  for n in range(1, 10)))
_HOUSE = {name.lower(): name for name in HOUSE_STYLES}


def _squash(name: str) -> str:
    return "".join(name.split()).lower()
QUOTES = ("\u201c", "\u201d")
State = Literal["", "ins", "del"]


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# the names read in every paragraph and run, made once (a long document has tens of thousands of runs)
_RPR, _B, _I, _RSTYLE, _VAL, _T = _w("rPr"), _w("b"), _w("i"), _w("rStyle"), _w("val"), _w("t")
_STRIKES = (_w("strike"), _w("dstrike"))
_P, _TBL, _R, _PPR, _PSTYLE = _w("p"), _w("tbl"), _w("r"), _w("pPr"), _w("pStyle")
_INS, _DEL = _w("ins"), _w("del")
_RPR_CHANGE, _PPR_CHANGE, _BOOKMARK_END = _w("rPrChange"), _w("pPrChange"), _w("bookmarkEnd")
_MOVE_TO, _MOVE_FROM = _w("moveTo"), _w("moveFrom")
_TABLE_CHANGES = (_w("tblPrChange"), _w("trPrChange"), _w("tcPrChange"), _w("tblGridChange"))
_INSERTS, _DELETES = (_INS, _MOVE_TO), (_DEL, _MOVE_FROM)
_MOVE_STARTS = {_w("moveFromRangeStart"): "from", _w("moveToRangeStart"): "to"}
_HYPERLINK, _FLD_SIMPLE, _BOOKMARK, _COMMENT_START = (_w("hyperlink"), _w("fldSimple"), _w("bookmarkStart"),
                                                      _w("commentRangeStart"))
_SDT, _SDT_CONTENT, _CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
_COMMENT_END, _COMMENT_REFERENCE, _VANISH = _w("commentRangeEnd"), _w("commentReference"), _w("vanish")
_WRAPPERS = (_w("smartTag"), _CUSTOM_XML, _SDT, _SDT_CONTENT, _w("dir"), _w("bdo"))  # dir, bdo: Word 2010's
# bidirectional embedding and override around runs typed in another direction (or marked left-to-right)
_FLD_CHAR, _FLD_CHAR_TYPE, _INSTR = _w("fldChar"), _w("fldCharType"), (_w("instrText"), _w("delInstrText"))
_DEL_TEXT, _TAB, _NB_HYPHEN, _BREAKS = _w("delText"), _w("tab"), _w("noBreakHyphen"), (_w("br"), _w("cr"))
_SYM, _SECT_PR = _w("sym"), _w("sectPr")
_CELL_INS, _CELL_DEL = _w("cellIns"), _w("cellDel")
_NUM_PR, _NUMBERED = _w("numPr"), ("ClauseLevel", "ScheduleLevel")
_RUBY, _RUBY_BASE = _w("ruby"), _w("rubyBase")
_NAME, _ID, _TYPE, _INSTR_ATTR, _TC = _w("name"), _w("id"), _w("type"), _w("instr"), _w("tc")
_NOTE_REFERENCES = {_w("footnoteReference"): "footnote", _w("endnoteReference"): "endnote"}
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_OMML = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_MATH, _MATH_TEXT = (f"{{{_OMML}}}oMath", f"{{{_OMML}}}oMathPara"), f"{{{_OMML}}}t"
_ALTERNATE, _CHOICE, _FALLBACK = (f"{{{_MC}}}AlternateContent", f"{{{_MC}}}Choice", f"{{{_MC}}}Fallback")
_PICTURES = (_w("drawing"), _w("pict"), _w("object"), _ALTERNATE)  # in a run: a drawing, a shape, a text box
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


# ── what is read ───────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Revision:
    """Who made a tracked change and when."""

    kind: Literal["ins", "del"]
    author: str
    date: str
    of_inserted: bool = False  # a deletion of words a tracked insertion added: in neither view of the text
    moved: bool = False  # a tracked move (w:moveFrom: deleted here, w:moveTo: inserted here)


class Piece(NamedTuple):
    """One inline of a paragraph, as it stands (state '') or inserted / deleted by a tracked change (a
    named tuple: a document has one for every run, and a tuple is the cheapest immutable record to make)."""

    inline: Inline
    revision: Revision | None = None
    title: bool = False  # part of a clause's run-in title
    term: bool = False  # in the defined-term style (joined with its neighbours into a TermDefinition)


@dataclass
class Para:
    """One paragraph: its style id, its pieces, the bookmarks and comments that start in it."""

    style: str
    pieces: list[Piece]
    bookmarks: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # ids of comments anchored here
    comment_ends: list[str] = field(default_factory=list)  # ids of comments whose range ends here
    style_before: str | None = None  # the style before a tracked change of it (w:pPrChange)
    mark: Revision | None = None  # the paragraph mark inserted or deleted
    notes: list[NoteReference] = field(default_factory=list)  # footnote and endnote references in it
    formatted: list[tuple[str, str, str]] = field(default_factory=list)  # (author, date, text) of tracked
    # formatting changes (w:rPrChange of a run, w:pPrChange of the paragraph: '(paragraph)')
    move: tuple[str, str] | None = None  # ('from' | 'to', the move's name): a tracked move's range starts here
    restarted: str | None = None  # the number a clause list restarts at here (Word's Restart Numbering): by hand
    hidden: list[str] = field(default_factory=list)  # text in hidden runs (w:vanish), which Word neither shows nor
    # prints: not the paragraph's text, reported
    links: list[str] = field(default_factory=list)  # the bookmarks its internal links go to (a contents entry's)

    def inlines(self, view: str = "accepted") -> list[Piece]:
        drop = "del" if view == "accepted" else "ins"
        return [p for p in self.pieces if p.revision is None or p.revision.kind != drop and not p.revision.of_inserted]


class NoteReference(NamedTuple):
    """Where a footnote or endnote is referenced: the note's kind and id, and the tracked change the reference
    is part of (None when it is not tracked)."""

    kind: Literal["footnote", "endnote", "picture", "text box", "equation"]
    id: str
    revision: Revision | None = None


def plural(kind: str) -> str:
    """'pictures', 'text boxes': how a kind of note is named when there are several."""
    return kind + ("es" if kind.endswith("x") else "s")


def empty_note(kind: str) -> str:
    """How a note without text is named: a picture without alternative text, an empty text box or equation, a
    footnote or endnote whose text the document lacks."""
    return {"picture": "(no alternative text)", "text box": "(empty)", "equation": "(empty)"}.get(
        kind, "(its text is not in the document)")


@dataclass(frozen=True)
class FootNote:
    """A footnote or endnote the body references, and its text ('' when the document has no such note)."""

    kind: Literal["footnote", "endnote", "picture", "text box", "equation"]
    id: str
    text: str
    index: int  # the body block that references it
    revision: Revision | None  # the tracked change the reference is part of


@dataclass
class Row:
    cells: list[list[Para]]
    revision: Revision | None = None
    header: bool = False
    merged: bool = False  # holds a cell merged with its neighbour (w:gridSpan) or the one above (w:vMerge)
    marks: dict[int, Revision] = field(default_factory=dict)  # column → the cell inserted or deleted with tracking
    # (w:cellIns, w:cellDel): a cell deleted is not in the row as it stands, one inserted not in the row before


@dataclass
class TableRead:
    rows: list[Row]
    style: str = ""


@dataclass
class Document:
    """A .docx as read: its body blocks in order, comments, and termsmith's document properties."""

    path: Path
    blocks: list[Para | TableRead]
    comments: dict[str, Comment]
    properties: dict[str, str]
    styles: dict[str, str]  # style id → style name
    note_texts: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) → text of the note
    margins: list[MarginChange] = field(default_factory=list)  # tracked changes in headers and footers
    margin_texts: list[Margin] = field(default_factory=list)  # each header and footer before the tracked changes
    note_comments: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (kind, id) of a footnote or
    # endnote → the ids of the comments on its words
    application: str = ""  # what saved it last (docProps/app.xml: 'LibreOffice/7.4…', 'Microsoft Office Word')

    @property
    def fields_recomputed(self) -> bool:
        """Saved by LibreOffice, which works out every cross-reference's number again when it saves (a number a
        reviewer typed over in one does not survive it): the numbers the fields show are its own."""
        return self.application.startswith("LibreOffice")

    def notes(self, view: str = "accepted") -> list[FootNote]:
        """The footnotes and endnotes the body references (with the document as it stands, or as it was
        before the review), in the order of their references. termsmith drafts none: each is a reviewer's."""
        drop = "del" if view == "accepted" else "ins"
        out = []
        for n, block in enumerate(self.blocks):
            for para in paras_of(block):
                for ref in para.notes:
                    if ref.revision is None or ref.revision.kind != drop:
                        out.append(FootNote(ref.kind, ref.id, self.note_texts.get((ref.kind, ref.id), ""), n,
                                            ref.revision))
        return out

    def merged(self) -> dict[int, int]:
        """{block index: rows holding merged cells} of the tables a reviewer merged cells in (termsmith's execution
        blocks merge a cell of their own, so tables of signature text are left out)."""
        out = {}
        for n, block in enumerate(self.blocks):
            if isinstance(block, TableRead) and not any(p.style == "SignatureText" for p in paras_of(block)):
                count = sum(row.merged for row in block.rows)
                if count:
                    out[n] = count
        return out

    def revisions(self) -> Iterator[tuple[int, Piece | Para | Row, Para | None, Row | None]]:
        """Every tracked change with the index of its block, the paragraph it is in (None for a row) and the table
        row (None outside a table); a row's own mark comes before the changes in its cells."""
        for n, block in enumerate(self.blocks):
            for row in block.rows if isinstance(block, TableRead) else (None,):
                if row is not None and row.revision is not None:
                    yield n, row, None, row
                for para in [p for cell in row.cells for p in cell] if row is not None else (block,):
                    if para.mark is not None:
                        yield n, para, para, row
                    for piece in para.pieces:
                        if piece.revision is not None:
                            yield n, piece, para, row


def paras_of(block: Para | TableRead) -> list[Para]:
    """A block's paragraphs: the paragraph itself, or those of a table's cells, row by row."""
    if isinstance(block, Para):
        return [block]
    return [p for row in block.rows for cell in row.cells for p in cell]


# ── reading ────────────────────────────────────────────────────────────────────────────────
def read_document(path: Path) -> Document:
    """The document at path, read with the package's limits (DocxError when it cannot be read safely)."""
    package = open_package(path)
    try:
        return _Reader(package).read()
    finally:
        package.close()


class _Reader:
    def __init__(self, package: Package) -> None:
        self.package = package
        self.main = package.main
        self.parts = Parts(package)
        self.rels = self.parts.rels
        self.fields: list[list] = []  # open complex fields: [instruction, phase ('instr'|'result'), pieces]
        self.sent: tuple[str, str] | None = None  # (author, date) of a termsmith redline's own revisions
        self.pictures: dict[tuple[str, str], str] = {}  # ('picture' or 'text box', its number) → its text
        self.bold_styles: set[str] = set()  # character styles that make a run bold
        self.serial = 0  # paragraphs read so far
        self.spans: dict[str, list] = {}  # comment id → [(paragraph, piece) where its range starts, … ends]
        self.numbered: dict[tuple[str, str], str] = {}  # (numId, ilvl) of a numbered style's list → its style id
        self.restarts = self._restarts()  # (numId, ilvl) of the lists that start again → the number they start at
        self.restarted: set[tuple[str, str]] = set()  # the lists of clause and schedule paragraphs read so far
        self.schedule_opens = False  # after a schedule's heading, before its first numbered paragraph
        self.styles = self._styles()
        self.canon = {}
        for sid, sname in self.styles.items():
            house = _HOUSE.get(_squash(sid)) or _HOUSE.get(_squash(sname))
            if house:
                self.canon[sid] = house
        # the lists of termsmith's numbered clause and schedule paragraphs: a paragraph in another style numbered
        # in one of them directly (LibreOffice gives a paragraph after a moved one that one's style, its number
        # kept) shows a clause's number, and is that clause level's paragraph
        self.numbered = {key: self.canon[sid] for key, sid in self.numbered.items()
                         if self.canon.get(sid, "").startswith(_NUMBERED)}

    def _sent(self, el: etree._Element) -> bool:
        """A revision of the termsmith redline this document is (its author and date), not a reviewer's."""
        return (el.get(_AUTHOR, ""), el.get(_DATE, "")) == self.sent

    def read(self) -> Document:
        root = self.package.xml(self.main)
        body = root.find(_w("body"))
        if body is None:
            raise self.package.refuse("is not a Word document (no document body)")
        if next(body.iter(_w("altChunk")), None) is not None:  # a tool's merge: Word reads the other file on opening
            raise self.package.refuse(f"{self.main} holds text imported from another file (w:altChunk), which only "
                                      "Word merges into the document: open the copy in Word, save it and run again")
        properties = self.parts.properties()
        # a termsmith redline sent for review: its own revisions (its author, its date) are the document as sent
        sent = properties.get("termsmith.redline.author"), properties.get("termsmith.redline.date")
        self.sent = sent if all(sent) else None
        for ppr in body.iter(_PPR):  # the lists numbered paragraphs of each level are in (a schedule's restarts one)
            style_el, numbering = _child(ppr, _PSTYLE), _child(ppr, _NUM_PR)
            style = self.canon.get(style_el.get(_VAL, ""), "") if style_el is not None else ""
            key = _list_key(numbering) if numbering is not None and style.startswith(_NUMBERED) else None
            if key is not None:
                self.numbered.setdefault(key, style)
        blocks: list[Para | TableRead] = []
        for el in _block_elements(body):
            if el.tag == _P:
                blocks.append(self._paragraph(el))
            else:
                blocks.append(self._table(el))
        last = next((b for b in reversed(blocks) if isinstance(b, Para)), None)
        if last is not None and _child(body, _SECT_PR) is not None:  # the last section's layout: after the last
            self._section_change(_child(body, _SECT_PR), last)  # paragraph
        if self.fields:  # the rest of the text would read as the field's code: nothing after it would count
            raise self.package.refuse(f"{self.main} holds a field that never ends (a w:fldChar 'begin' with no "
                                      "'end'), so the text after it cannot be read: the file is damaged; open it "
                                      "in Word, save it and run again")
        comments = self.parts.comments()
        if not self.parts.threaded():
            comments = _threads(comments, self.spans)
        return Document(self.package.path, blocks, comments, properties, self.styles,
                        {**self.parts.note_texts(), **self.pictures}, self.parts.margins(), self.parts.margin_texts(body),
                        self.parts.note_comments(), self.parts.application())

    @staticmethod
    def _section_change(section: etree._Element, para: Para) -> None:
        """A tracked change of a section's page layout (margins, orientation, columns: w:sectPrChange), reported as
        formatting like a paragraph's: termsmith lays the pages out itself."""
        change = _child(section, _w("sectPrChange"))
        if change is not None:
            para.formatted.append((change.get(_AUTHOR, ""), change.get(_DATE, ""), "(page layout)"))

    def _restarts(self) -> dict[tuple[str, str], str]:
        """The lists (w:num) that restart a level at a number of their own (w:lvlOverride/w:startOverride)."""
        name = self.parts.part(RT_NUMBERING)
        out = {}
        for num in self.package.xml(name).iter(_w("num")) if name is not None else ():
            for override in num.iter(_w("lvlOverride")):
                start = _child(override, _w("startOverride"))
                if start is not None:
                    out[(num.get(_w("numId"), ""), override.get(_w("ilvl"), "0"))] = start.get(_VAL, "1")
        return out

    def _styles(self) -> dict[str, str]:
        name = self.parts.part(RT_STYLES)
        if name is None:
            return {}
        out = {}
        for style in self.package.xml(name).iter(_w("style")):
            sname = style.find(_w("name"))
            sid = style.get(_w("styleId"), "")
            out[sid] = sname.get(_w("val"), "") if sname is not None else ""
            numbering = style.find(f"{_PPR}/{_w('numPr')}")
            if numbering is not None and style.get(_w("type")) == "paragraph":
                key = _list_key(numbering)
                if key is not None:
                    self.numbered.setdefault(key, sid)
            bold = style.find(f"{_w('rPr')}/{_B}")
            if style.get(_w("type")) == "character" and bold is not None and _on(bold):
                self.bold_styles.add(sid)  # 'Strong', as a reviewer bolds a run-in title in LibreOffice
        return out

    def _table(self, tbl: etree._Element) -> TableRead:
        style_el = tbl.find(f"{_w('tblPr')}/{_w('tblStyle')}")
        rows = []
        for tr in _rows(tbl):
            trpr = tr.find(_w("trPr"))
            revision, header, gone = None, False, False
            if trpr is not None:
                header = trpr.find(_w("tblHeader")) is not None
                for kind in ("ins", "del"):
                    mark = trpr.find(_w(kind))
                    if mark is not None and self.sent is not None and self._sent(mark):  # the redline's own row
                        gone = kind == "del"  # as sent: a row it deleted is not there
                    elif mark is not None:
                        revision = _revision(mark, kind)
            if gone:
                continue
            rows.append(self._grid(tr, Row([], revision, header), rows[-1] if rows else None))
        style = style_el.get(_w("val"), "") if style_el is not None else ""
        first = next((p for row in rows for cell in row.cells for p in cell), None)
        if first is not None:  # the table's, a row's or a cell's properties changed with tracking: one note
            for change in tbl.iter(*_TABLE_CHANGES):  # (a table inside a cell: read as the cell's text, here too)
                entry = (change.get(_AUTHOR, ""), change.get(_DATE, ""), "(table)")
                if entry not in first.formatted:
                    first.formatted.append(entry)
        return TableRead(rows, self.canon.get(style, style))

    def _grid(self, tr: etree._Element, row: Row, above: Row | None) -> Row:
        """The row's cells one a grid column, so that the columns after a merged cell stay where they are: a cell
        spanning columns (w:gridSpan) is its text and then fillers (cells of no paragraph), columns the row skips
        (w:gridBefore, w:gridAfter) are fillers, and a cell merged with the one above (w:vMerge) shows that
        cell's text, as Word shows one text across the rows it spans."""
        trpr = tr.find(_w("trPr"))
        before, after = (_number(trpr.find(_w(f"grid{end}")) if trpr is not None else None) for end in
                         ("Before", "After"))
        row.cells.extend([] for _ in range(before))
        for tc in _cells(tr):
            tcpr = _child(tc, _w("tcPr"))
            span = _number(_child(tcpr, _w("gridSpan")) if tcpr is not None else None, 1)
            merge = _child(tcpr, _w("vMerge")) if tcpr is not None else None
            if merge is not None and merge.get(_VAL, "continue") == "continue":
                column = len(row.cells)
                top = above.cells[column] if above is not None and column < len(above.cells) else []
                row.cells.append([_echo(p) for p in top])
                row.merged = True
            else:
                for kind, tag in (("ins", _CELL_INS), ("del", _CELL_DEL)):
                    mark = _child(tcpr, tag) if tcpr is not None else None
                    if mark is not None:
                        row.marks[len(row.cells)] = _revision(mark, kind)
                row.cells.append(self._cell(tc))
            row.cells.extend([] for _ in range(span - 1))
            row.merged = row.merged or span > 1
        row.cells.extend([] for _ in range(after))
        return row

    def _cell(self, tc: etree._Element) -> list[Para]:
        """A cell's paragraphs, those of a table inside it too (cell by cell, as Word shows them in turn)."""
        out = []
        for el in _block_elements(tc):
            if el.tag == _P:
                out.append(self._paragraph(el))
            elif el.tag == _TBL:
                out.extend(p for tr in _rows(el) for inner in _cells(tr) for p in self._cell(inner))
        return out

    def _paragraph(self, p: etree._Element) -> Para:
        style, mark, restarted = "", None, None
        ppr = p[0] if len(p) else None  # the paragraph's properties come first (ECMA-376 CT_P)
        if ppr is not None and ppr.tag == _PPR:
            style_el = _child(ppr, _PSTYLE)
            style = style_el.get(_VAL, "") if style_el is not None else ""
            style = self.canon.get(style, style)
            numbering = _child(ppr, _NUM_PR)
            if numbering is not None and self.numbered and not style.startswith(_NUMBERED) and \
                    (style not in HOUSE_STYLES or style.startswith("BodyLevel") or style == "BodyText"):
                style = self.numbered.get(_list_key(numbering) or ("", ""), style)
            if style == "ScheduleHeading":
                self.schedule_opens = True
            if numbering is not None and style.startswith(_NUMBERED):
                # a list that starts again here is the reviewer's (Word's Restart Numbering), said where it starts;
                # termsmith's own restart is each schedule's, at its first numbered paragraph
                key = _list_key(numbering) or ("", "")
                own = style.startswith("ScheduleLevel") and self.schedule_opens and self.restarts.get(key) == "1"
                restarted = self.restarts.get(key) if key not in self.restarted and not own else None
                self.restarted.add(key)
                self.schedule_opens = self.schedule_opens and not style.startswith("ScheduleLevel")
            rpr = _child(ppr, _RPR)  # the paragraph mark's: inserted or deleted
            if rpr is not None:  # a paragraph mark moved (w:moveFrom, w:moveTo) is deleted here, inserted there
                for kind, tag, moved in (("ins", _INS, False), ("del", _DEL, False), ("ins", _MOVE_TO, True),
                                         ("del", _MOVE_FROM, True)):
                    el = _child(rpr, tag)
                    if el is not None and not (self.sent is not None and self._sent(el)):
                        mark = replace(_revision(el, kind), moved=moved)
        para = Para(style, [], mark=mark)
        para.restarted = restarted
        self.serial += 1
        section = _child(ppr, _SECT_PR) if ppr is not None and ppr.tag == _PPR else None
        if section is not None:  # a section's page layout changed with tracking (it ends with this paragraph)
            self._section_change(section, para)
        restyled = _child(ppr, _PPR_CHANGE) if ppr is not None and ppr.tag == _PPR else None
        if restyled is not None:
            para.formatted.append((restyled.get(_AUTHOR, ""), restyled.get(_DATE, ""), "(paragraph)"))
            was = _child(restyled, _PPR)
            was_style = _child(was, _PSTYLE) if was is not None else None
            was_name = was_style.get(_VAL, "") if was_style is not None else ""
            para.style_before = self.canon.get(was_name, was_name)
        if not any(_placeholder(sdt) for sdt in p.iterancestors(_SDT)):  # an empty block or cell content control
            self._content(p, para, None)
        para.pieces = _terms(para.pieces)
        return para

    def _content(self, parent: etree._Element, para: Para, revision: Revision | None) -> None:
        for child in parent:
            tag = child.tag
            if tag == _R:
                self._run(child, para, revision)
            elif self.sent is not None and tag in (*_INSERTS, *_DELETES) and self._sent(child):
                if tag in _INSERTS:  # the redline's own: the text as sent
                    self._content(child, para, revision)
            elif tag in _INSERTS and revision is not None and revision.kind == "del":
                # words inserted inside a deletion (Word nests them the other way round): in neither view
                self._content(child, para, replace(revision, of_inserted=True))
            elif tag in _INSERTS:
                self._content(child, para, replace(_revision(child, "ins"), moved=tag == _MOVE_TO))
            elif tag in _DELETES:
                within = revision is not None and revision.kind == "ins"  # one reviewer deleting another's words
                self._content(child, para, replace(_revision(child, "del"), of_inserted=within,
                                                   moved=tag == _MOVE_FROM))
            elif tag in _MOVE_STARTS:
                if para.move is None and child.get(_NAME):
                    para.move = (_MOVE_STARTS[tag], child.get(_NAME, ""))
            elif tag == _HYPERLINK:
                self._hyperlink(child, para, revision)
            elif tag == _FLD_SIMPLE:
                start = len(para.pieces)
                self._content(child, para, revision)
                self._finish_field(child.get(_INSTR_ATTR, ""), para, start)
            elif tag == _BOOKMARK:
                name = child.get(_NAME, "")
                after = child.getnext()  # a range left empty marks no text: what it marked was deleted
                empty = after is not None and after.tag == _BOOKMARK_END and after.get(_ID) == child.get(_ID)
                if name and name != "_GoBack" and not empty:
                    para.bookmarks.append(name)
            elif tag == _COMMENT_START:
                para.comments.append(child.get(_ID, ""))
                self.spans.setdefault(child.get(_ID, ""), [None, None])[0] = (self.serial, len(para.pieces))
            elif tag == _COMMENT_END:
                para.comment_ends.append(child.get(_ID, ""))
                self.spans.setdefault(child.get(_ID, ""), [None, None])[1] = (self.serial, len(para.pieces))
            elif tag == _SDT and _placeholder(child):
                continue  # an empty content control: Word's prompt ("Click or tap here …"), not the document's text
            elif tag in _WRAPPERS:
                self._content(child.find(_SDT_CONTENT) if tag == _SDT and
                              child.find(_SDT_CONTENT) is not None else child, para, revision)
            elif tag in _MATH:  # an equation (Insert > Equation): termsmith drafts none, reported like a picture
                ident = str(len(self.pictures))
                words = "".join(t.text or "" for t in child.iter(_MATH_TEXT))
                self.pictures[("equation", ident)] = " ".join(words.split())
                para.notes.append(NoteReference("equation", ident, revision))
            elif tag == _ALTERNATE:  # runs in a newer Word's markup and again in plain WordprocessingML
                chosen = _alternative(child)
                if chosen is not None:
                    self._content(chosen, para, revision)
            # pPr, proofErr, permStart …: no text

    def _hyperlink(self, el: etree._Element, para: Para, revision: Revision | None) -> None:
        r_id = el.get(f"{{{R}}}id")
        rel = self.rels.get(r_id or "")
        start = len(para.pieces)
        self._content(el, para, revision)
        if rel is None or rel[0] != RT_HYPERLINK:  # an internal link (the table of contents): its text, and where
            if el.get(_w("anchor")):
                para.links.append(el.get(_w("anchor")))
            return
        pieces = para.pieces[start:]
        spans = tuple(p.inline for p in pieces if isinstance(p.inline, Span))
        if spans and all(isinstance(p.inline, Span) for p in pieces):
            groups: dict[Revision | None, list[Span]] = {}
            for p in pieces:
                groups.setdefault(p.revision, []).append(p.inline)
            del para.pieces[start:]
            for rev, children in groups.items():
                para.pieces.append(Piece(Link(rel[1], tuple(children)), rev))

    def _run(self, r: etree._Element, para: Para, revision: Revision | None) -> None:
        bold = italic = strike = hidden = False
        style = ""
        children = list(r)
        if children and children[0].tag == _RPR:
            for prop in children[0]:
                tag = prop.tag
                if tag == _B:
                    bold = _on(prop)
                elif tag == _I:
                    italic = _on(prop)
                elif tag in _STRIKES:
                    strike = strike or _on(prop)
                elif tag == _VANISH:  # hidden text: Word neither shows nor prints it
                    hidden = _on(prop)
                elif tag == _RSTYLE:
                    style = prop.get(_VAL, "")
                    bold = bold or style in self.bold_styles
                    style = self.canon.get(style, style)
                elif tag == _RPR_CHANGE:
                    para.formatted.append((prop.get(_AUTHOR, ""), prop.get(_DATE, ""),
                                           "".join(t.text or "" for t in r.iter(_T, _DEL_TEXT))))
            children = children[1:]
        title, term = style == RUN_IN_HEADING, style == DEFINED_TERM
        fields, pieces = self.fields, para.pieces
        for child in children:
            tag = child.tag
            if tag == _T:
                text = child.text
                if text and not (fields and fields[-1][1] == "instr"):
                    if not hidden:
                        pieces.append(Piece(Span(text, bold, italic, strike), revision, title, term))
                    elif revision is None or revision.kind == "ins":  # termsmith hides none: the reviewer's
                        para.hidden.append(text)
                continue
            if tag == _FLD_CHAR:
                kind = child.get(_FLD_CHAR_TYPE)
                if kind == "begin":
                    fields.append(["", "instr", len(pieces), para])
                elif kind == "separate" and fields:
                    fields[-1][1] = "result"
                    fields[-1][2] = len(pieces)
                elif kind == "end" and fields:
                    instr, _phase, start, owner = fields.pop()
                    if owner is para:
                        self._finish_field(instr, para, start)
                continue
            if tag in _INSTR:
                if fields and fields[-1][1] == "instr":
                    fields[-1][0] += child.text or ""
                continue
            if (fields and fields[-1][1] == "instr") or hidden:
                continue  # inside a field's instruction, or hidden
            if tag == _COMMENT_REFERENCE:  # after the range's end; the only anchor of a comment written without one
                para.comments.append(child.get(_ID, ""))
                continue
            if tag in _NOTE_REFERENCES:
                para.notes.append(NoteReference(_NOTE_REFERENCES[tag], child.get(_ID, ""), revision))
                continue
            if tag == _RUBY:  # text with a reading set above it: the base is the document's words, not the guide
                base = _child(child, _RUBY_BASE)
                if base is not None:
                    self._content(base, para, revision)
                continue
            if tag in _PICTURES:  # termsmith draws none: a reviewer's, reported where it is like a footnote
                ident = str(len(self.pictures))
                alt = next((d.get("descr") or d.get("title") for d in child.iter(_DOC_PR)
                            if d.get("descr") or d.get("title")), "")
                box = next(child.iter(_w("txbxContent")), None)  # a text box: its text (once: Word writes it twice)
                kind = "picture" if box is None else "text box"
                if box is not None:
                    alt = " ".join(t.text or "" for t in box.iter(_T)) or alt
                self.pictures[(kind, ident)] = " ".join(alt.split())
                para.notes.append(NoteReference(kind, ident, revision))
                continue
            if tag == _DEL_TEXT:
                text = child.text or ""
            elif tag == _TAB:
                text = "\t"
            elif tag == _NB_HYPHEN:
                text = "\u2011"
            elif tag == _SYM:  # Insert > Symbol in a symbol font: no w:t, the character by its code
                text = sym_text(child)
            else:
                if tag in _BREAKS and child.get(_TYPE, "textWrapping") == "textWrapping":
                    pieces.append(Piece(LineBreak(), revision))
                continue
            if text:
                pieces.append(Piece(Span(text, bold, italic, strike), revision, title, term))

    def _finish_field(self, instr: str, para: Para, start: int) -> None:
        """A REF field to a bookmark becomes a cross-reference showing its result text."""
        words = instr.split()
        if len(words) < 2 or words[0].upper() != "REF":
            return
        pieces = para.pieces[start:]
        spans = [p.inline for p in pieces if isinstance(p.inline, Span)]
        if not pieces or len(spans) != len(pieces) or len({p.revision for p in pieces}) > 1:
            return  # a result the reviewer edited with tracking (4.5 deleted, 4.6 typed): their words, not the field's
        label = "".join([s.text for s in spans])
        first = pieces[0]
        del para.pieces[start:]
        para.pieces.append(Piece(CrossRef("", words[1], label, first.inline.bold, first.inline.italic),
                                 first.revision))


def _threads(comments: dict[str, Comment], spans: dict[str, list]) -> dict[str, Comment]:
    """Replies told by where they are, in a copy that keeps no threads (no commentsExtended part: LibreOffice
    drops it, Word 2010 wrote none): a comment on exactly the words an earlier one is on is a reply to it, as
    LibreOffice writes each reply (its own range over its comment's). termsmith's own notes reply to nothing."""
    out = dict(comments)
    first: dict[tuple, str] = {}
    order = {cid: k for k, cid in enumerate(spans)}
    for cid in sorted((c for c in spans if c in comments and None not in spans[c]),
                      key=lambda c: (comments[c].date, order[c])):
        place = tuple(spans[cid])
        comment = comments[cid]
        root = first.setdefault(place, cid)
        if root != cid and comment.parent is None and comment.author.strip().lower() != "termsmith":
            out[cid] = replace(comment, parent=root)
    return out


def _terms(pieces: list[Piece]) -> list[Piece]:
    """Runs in the defined-term style, joined (another producer may split “Term” at its quotes): a quoted
    term is where the term is defined."""
    if not any([p.term for p in pieces]):
        return pieces
    out: list[Piece] = []
    k = 0
    while k < len(pieces):
        piece = pieces[k]
        if not piece.term:
            out.append(piece)
            k += 1
            continue
        end = k
        while end < len(pieces) and pieces[end].term and pieces[end].revision == piece.revision:
            end += 1
        text = "".join(p.inline.text for p in pieces[k:end])
        if text.startswith(QUOTES[0]) and text.endswith(QUOTES[1]) and len(text) > 2:
            out.append(Piece(TermDefinition(text[1:-1]), piece.revision))
        else:
            out.extend(Piece(p.inline, p.revision, p.title) for p in pieces[k:end])
        k = end
    return out


# Word's own prompts in a content control left empty (LibreOffice keeps the prompt but drops showingPlcHdr)
_PROMPTS = {"Click or tap here to enter text.", "Click here to enter text.", "Choose an item.",
            "Click or tap to enter a date.", "Click here to enter a date."}


def _placeholder(sdt: etree._Element) -> bool:
    """A content control left empty, showing its placeholder text (which Word removes when one types in it): marked
    so (showingPlcHdr), or, in a copy that dropped the mark, holding exactly one of Word's prompts."""
    props = _child(sdt, _w("sdtPr"))
    if props is None:
        return False
    if _on(_child(props, _w("showingPlcHdr"))):
        return True
    content = _child(sdt, _SDT_CONTENT)
    return _child(props, _w("placeholder")) is not None and content is not None and \
        "".join(t.text or "" for t in content.iter(_w("t"))).strip() in _PROMPTS


def _block_elements(parent: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables in order, looking inside content controls and custom XML."""
    for child in parent:
        tag = child.tag
        if tag == _P or tag == _TBL:
            yield child
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _block_elements(content)
        elif tag == _CUSTOM_XML:
            yield from _block_elements(child)
        elif tag == _ALTERNATE:  # paragraphs in a newer Word's markup and again in plain WordprocessingML
            chosen = _alternative(child)
            if chosen is not None:
                yield from _block_elements(chosen)


def _alternative(alternate: etree._Element) -> etree._Element | None:
    """The branch of an mc:AlternateContent that is read: its fallback in plain WordprocessingML, else its first
    choice (None when it has neither)."""
    chosen = _child(alternate, _FALLBACK)
    return chosen if chosen is not None else _child(alternate, _CHOICE)


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    """A table's rows, looking inside content controls and custom XML (Word's repeating sections wrap rows)."""
    return _inside(tbl, _w("tr"))


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    return _inside(tr, _TC)


def _inside(parent: etree._Element, want: str) -> Iterator[etree._Element]:
    for child in parent:
        tag = child.tag
        if tag == want:
            yield child
        elif tag == _SDT or tag == _CUSTOM_XML:
            inner = child.find(_SDT_CONTENT) if tag == _SDT else child
            if inner is not None:
                yield from _inside(inner, want)


def _number(el: etree._Element | None, default: int = 0) -> int:
    """A w:val count (gridSpan, gridBefore), at most a table's grid (63 columns) whatever the file says."""
    value = el.get(_VAL, "") if el is not None else ""
    return min(int(value), 63) if value.isdigit() and int(value) > 0 else default


def _echo(para: Para) -> Para:
    """A paragraph's text as it stands, again, in a cell merged with it: nothing the reviewer did is in it twice
    (no tracked change, comment, bookmark or strike of its own)."""
    return Para(para.style, [Piece(replace(p.inline, strike=False) if isinstance(p.inline, Span) else p.inline, None,
                                   p.title, p.term) for p in para.inlines()])


def _list_key(numbering: etree._Element) -> tuple[str, str] | None:
    """(numId, ilvl) of a w:numPr; None without a list (numId 0 takes numbering off)."""
    num = _child(numbering, _w("numId"))
    level = _child(numbering, _w("ilvl"))
    num_id = num.get(_VAL, "") if num is not None else ""
    if not num_id or num_id == "0":
        return None
    return num_id, level.get(_VAL, "0") if level is not None else "0"


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    """The first child with this tag (what el.find(tag) gives, without parsing a path)."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _on(el: etree._Element | None) -> bool:
    return el is not None and el.get(_VAL, "true").lower() not in ("false", "0", "off", "none")


_AUTHOR, _DATE = _w("author"), _w("date")


def _revision(el: etree._Element, kind: str) -> Revision:
    return Revision("ins" if kind == "ins" else "del", el.get(_AUTHOR, ""), el.get(_DATE, ""))
