"""Small named builders for WordprocessingML: the document body (paragraphs, tables, the runs inside them) as
XML text, the other parts as plain lxml elements (the package around them: `opc`)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

# the package layer (zip members, content types, relationships) is opc's; the document XML is built here
from termsmith.render.opc import XML_DECLARATION, content_types_xml, zip_members

# Builders return plain lxml elements (run-level ones XML text, see `paragraph`): rendering never imports
# python-docx, whose import and whose Python class behind every element were a measurable share of a cold
# draft. Child order follows the ECMA-376 sequences (CT_PPr, CT_RPr, CT_TblPr, CT_Lvl …); the XSD check in
# tests/render/ catches any slip.

# the prefixes this package writes or looks for, so qn('w:p') needs no python-docx

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "custom": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "rels": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
CUSTOM_PROPERTIES_NS = NS["custom"]
VT_NS = NS["vt"]
CONTENT_TYPES_NS = NS["ct"]
CUSTOM_PROPERTIES_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
HEADER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
FOOTER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
# the format id Office uses for user-defined document properties
USER_DEFINED_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# 1980-01-01 is the earliest DOS timestamp a zip can hold; any fixed value makes the bytes repeatable


@functools.cache
def qn(name: str) -> str:
    """Clark name of a prefixed name: qn('w:p') → '{http://…/wordprocessingml/2006/main}p'."""
    prefix, _, local = name.partition(":")
    return f"{{{NS[prefix]}}}{local}"


class _Tags(dict):
    """'{ns}local' of 'w:local', 'r:local' … or a bare 'local' (a w: name), as one dict lookup: the builders
    below name thousands of elements and attributes per draft."""

    def __missing__(self, name: str) -> str:
        prefix, _, local = name.rpartition(":")
        tag = self[name] = f"{{{NS[prefix or 'w']}}}{local}"
        return tag


_TAG = _Tags()


_SCRATCH = threading.local()  # per thread: lxml documents are not shared between threads
_SCRATCH_SIZE = 20_000  # elements made under one scratch root before the next one is started


def _make(name: str) -> etree._Element:
    """A new element, made as the last child of a scratch root (one per thread) that declares the w:
    prefix: etree.Element would make a document per element, and every append would then move a node
    between documents (a tenth of a render), and an element declaring its own namespace costs twice one
    that finds it on its parent (a draft makes thousands). A standalone element reads as w:p, not ns0:p;
    appending it anywhere moves it out of the scratch root, and once in a part it uses the part's own
    declarations. Elements nobody appends stay under their scratch root, so a root is replaced after
    _SCRATCH_SIZE elements (the elements still in use keep theirs alive)."""
    state = _SCRATCH.__dict__
    made = state.get("made", _SCRATCH_SIZE)
    if made >= _SCRATCH_SIZE:
        state["root"] = etree.Element(qn("w:scratch"), nsmap={"w": NS["w"]})
        made = 0
    state["made"] = made + 1
    return etree.SubElement(state["root"], _TAG[name])


def w(name: str, attrs: Mapping[str, str | int] | None = None, *children) -> etree._Element:
    """<w:name w:attr="…">children</w:name>; bare attribute names are w: attributes."""
    el = _make(name)
    if attrs:
        for key, value in attrs.items():
            el.set(_TAG[key], str(value))
    for child in children:
        if child is not None:
            el.append(child)
    return el


def _insert_before(parent: etree._Element, el: etree._Element, successors: Iterable[str]) -> None:
    """Insert `el` before the first child that the schema puts after it (prefixed names), else append."""
    later = {qn(name) for name in successors}
    for child in parent:
        if child.tag in later:
            child.addprevious(el)
            return
    parent.append(el)


def on(name: str) -> etree._Element:
    """An on/off property such as <w:b/> or <w:keepNext/>."""
    return _make(name)


# ── runs: XML text ─────────────────────────────────────────────────────────────────────────
# The body is written as XML text exactly as lxml would serialise it, and put into the document part as
# bytes: building it element by element, or parsing each paragraph's text, cost several times as much (a
# draft has thousands of runs). A run-level builder returns the text of one element (a run, a hyperlink)
# or, for tracked changes, of several; paragraph_xml and table wrap them; `paragraph` parses one paragraph
# (a header's, a footer's, a comment's).

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# escaped as lxml (libxml2) writes them: the body is written as this text and not serialised again
_PLAIN_TEXT = re.compile('[^&<>\x00-\x1f\ud800-\udfff\ufffe\uffff]*')  # nothing to escape or refuse
_PLAIN_ATTR = re.compile('[^&<>"\x00-\x1f\ud800-\udfff\ufffe\uffff]*')
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;",
                               "\n": "&#10;", "\t": "&#9;"})


def _xml_text(text: str, escapes: dict = _TEXT_ESCAPES, plain: re.Pattern = _PLAIN_TEXT) -> str:
    """`text` escaped for XML; characters XML cannot hold are refused, as lxml refuses them."""
    if plain.fullmatch(text):  # most text
        return text
    if _INVALID_XML.search(text):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    return text.translate(escapes)


def _attr(value: str | int) -> str:
    return _xml_text(str(value), _ATTR_ESCAPES, _PLAIN_ATTR)


def _char_data(text: str) -> str:
    """_xml_text of character data. Printable text holds no control character, surrogate or non-character,
    so only &, < and > are left to look for, each a fast scan; the pattern decides the rest (a no-break
    space is not printable, yet plain)."""
    if text.isprintable() and "&" not in text and "<" not in text and ">" not in text:
        return text
    return _xml_text(text)


def run_properties(*, style: str | None = None, bold: bool = False, italic: bool = False,
                   strike: bool = False) -> str:
    """w:rPr in schema order (rStyle, b, i, strike), or "" when there is nothing to say."""
    if not (style or bold or italic or strike):
        return ""
    return _run_properties(style, bold, italic, strike)


@functools.lru_cache(maxsize=256)  # a draft asks for the same few hundreds of times
def _run_properties(style: str | None, bold: bool, italic: bool, strike: bool) -> str:
    return "".join(("<w:rPr>", f'<w:rStyle w:val="{_attr(style)}"/>' if style else "", "<w:b/>" if bold else "",
                    "<w:i/>" if italic else "", "<w:strike/>" if strike else "", "</w:rPr>"))


def _text(text: str) -> str:
    escaped = _char_data(text)
    if text != text.strip():  # Word drops leading/trailing spaces unless told to keep them
        return f'<w:t xml:space="preserve">{escaped}</w:t>'
    return f"<w:t>{escaped}</w:t>"


@functools.lru_cache(maxsize=4096)  # drafts repeat their texts, and each other's (a library's clauses)
def run(text: str, rpr: str = "") -> str:
    """A run of text; tabs and newlines inside the text become w:tab and w:br."""
    if "\t" not in text and "\n" not in text:
        return f"<w:r>{rpr}{_text(text)}</w:r>"
    out = ["<w:r>", rpr]
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if piece:
                out.append(_text(piece))
    out.append("</w:r>")
    return "".join(out)


def line_break(rpr: str = "") -> str:
    return f"<w:r>{rpr}<w:br/></w:r>"


def tab(rpr: str = "") -> str:
    return f"<w:r>{rpr}<w:tab/></w:r>"


# ── fields ─────────────────────────────────────────────────────────────────────────────────
def field_begin(instr: str, *, dirty: bool = False, rpr: str = "") -> list[str]:
    """The begin / instruction / separate runs of a complex field (ECMA-376 17.16.18)."""
    dirty_attr = ' w:dirty="true"' if dirty else ""
    return [f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"{dirty_attr}/></w:r>',
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> {_xml_text(instr)} </w:instrText></w:r>',
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>']


def field_end(rpr: str = "") -> str:
    return f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'


@functools.lru_cache(maxsize=1024)  # a draft's cross-references, and the next draft's
def field(instr: str, cached: str, *, dirty: bool = False, rpr: str = "") -> tuple[str, ...]:
    """A whole complex field in one paragraph; `cached` is what readers show until fields update."""
    return (*field_begin(instr, dirty=dirty, rpr=rpr), run(cached, rpr), field_end(rpr))


def ref_instruction(bookmark: str) -> str:
    """REF with \\w (the number in full context, e.g. '17.2(a)') and \\h (a clickable link)."""
    return f"REF {bookmark} \\w \\h"


def pageref_instruction(bookmark: str) -> str:
    """PAGEREF with \\h: the page a bookmark is on, as a link (a contents entry's page number)."""
    return f"PAGEREF {bookmark} \\h"


TOC_INSTRUCTION = 'TOC \\o "1-1" \\h \\z \\u'


# ── comments (ECMA-376 17.13.4) ──────────────────────────────────────────────────────────────
def comment(comment_id: int, author: str, initials: str, date: str, text: str, heading: str | None = None) -> str:
    """w:comment (XML text, see comments_part): one paragraph in the comment text style, opened by the
    comment's mark (annotationRef) and, when given, a bold heading."""
    mark = f"<w:r>{run_properties(style='CommentReference')}<w:annotationRef/></w:r>"
    runs = [mark, run(" ")]
    if heading:
        runs += [run(f"{heading}: ", run_properties(bold=True))]
    runs.append(run(text))
    return (f'<w:comment w:id="{_attr(comment_id)}" w:author="{_attr(author)}" w:initials="{_attr(initials)}" '
            f'w:date="{_attr(date)}">{paragraph_xml("CommentText", "".join(runs))}</w:comment>')


def comments_part(comments: Iterable[str]) -> bytes:
    """word/comments.xml holding the comments (XML text): written as lxml would serialise it, like the body."""
    xml = f'<w:comments xmlns:w="{NS["w"]}" xmlns:r="{NS["r"]}">{"".join(comments)}</w:comments>'
    return XML_DECLARATION + xml.encode("utf-8")


def commented(comment_id: int, content: str) -> str:
    """A paragraph's content (run-level XML text) with a comment anchored on all of it: commentRangeStart
    first, commentRangeEnd at its end, then the run with the comment's reference mark."""
    return (f'<w:commentRangeStart w:id="{comment_id}"/>{content}<w:commentRangeEnd w:id="{comment_id}"/>'
            f'<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="{comment_id}"/></w:r>')


# ── bookmarks and hyperlinks ───────────────────────────────────────────────────────────────
def bookmarked(bookmark_id: int, name: str, content: str) -> str:
    """Run-level XML text wrapped in a bookmark, as Word's cross-reference dialog wraps a paragraph's content
    (not its number): given to `paragraph` as its content, or put around a paragraph's (bookmark_content)."""
    return (f'<w:bookmarkStart w:id="{bookmark_id}" w:name="{_attr(name)}"/>{content}'
            f'<w:bookmarkEnd w:id="{bookmark_id}"/>')


def bookmark_content(content: str, bookmark_id: int, name: str, *, revised: bool = False) -> str:
    """Wrap content that is written already in a bookmark (see bookmarked). In a wholly inserted or deleted
    paragraph (`revised`: its mark is) the bookmark goes inside the revisions at its ends, so that rejecting
    the insertion or accepting the deletion takes the bookmark away with the text."""
    whole = bookmarked(bookmark_id, name, "")
    start, end = whole[:whole.index("/>") + 2], whole[whole.index("/>") + 2:]
    head = tail = ""
    if revised and content.startswith(("<w:ins ", "<w:del ")):
        cut = content.index(">") + 1
        head, content = content[:cut], content[cut:]
    if revised and content.endswith(("</w:ins>", "</w:del>")):
        content, tail = content[:-len("</w:ins>")], content[-len("</w:ins>"):]
    return f"{head}{start}{content}{end}{tail}"


def hyperlink(children: Iterable[str], *, r_id: str | None = None, anchor: str | None = None) -> str:
    """w:hyperlink to an external target (relationship id) or to a bookmark in this document."""
    target = (f' r:id="{_attr(r_id)}"' if r_id is not None else "") + \
        (f' w:anchor="{_attr(anchor)}"' if anchor is not None else "")
    content = "".join(children)
    if not content:  # as lxml writes an empty element
        return f'<w:hyperlink{target} w:history="1"/>'
    return f'<w:hyperlink{target} w:history="1">{content}</w:hyperlink>'


# ── paragraphs ─────────────────────────────────────────────────────────────────────────────
class Numbering(NamedTuple):
    """A paragraph's list membership: w:numPr (numId, ilvl). A tuple: hashed and compared as one (it is a
    key of the paragraph properties' cache)."""

    num_id: int
    ilvl: int


def paragraph_xml(style: str | None, content: str = "", *, keep_next: bool = False, page_break: bool = False,
                  numbering: Numbering | None = None, jc: str | None = None, marks: Iterable[str] = (),
                  space_before: int | None = None) -> str:
    """w:p as XML text, with the few direct properties the renderer uses (everything else comes from the
    style), the revisions of its paragraph mark (`marks`, see Revisions.mark_xml), and the given content
    (run-level XML text)."""
    marks = "".join(marks)
    if marks:
        ppr = (f"{_paragraph_properties(style, keep_next, page_break, numbering, jc, space_before)}"
               f"<w:rPr>{marks}</w:rPr></w:pPr>")
    elif style or keep_next or page_break or numbering is not None or jc or space_before is not None:
        ppr = _paragraph_properties(style, keep_next, page_break, numbering, jc, space_before) + "</w:pPr>"
    elif not content:
        return "<w:p/>"
    else:
        ppr = ""
    return f"<w:p>{ppr}{content}</w:p>"


@functools.lru_cache(maxsize=1024)  # a draft's paragraphs share a few dozen
def _paragraph_properties(style: str | None, keep_next: bool, page_break: bool, numbering: Numbering | None,
                          jc: str | None, space_before: int | None = None) -> str:
    """An open w:pPr with its children in CT_PPr order, up to the paragraph mark's properties."""
    return "".join(("<w:pPr>",
                    f'<w:pStyle w:val="{_attr(style)}"/>' if style else "",
                    "<w:keepNext/>" if keep_next else "",
                    "<w:pageBreakBefore/>" if page_break else "",
                    f'<w:numPr><w:ilvl w:val="{numbering.ilvl}"/><w:numId w:val="{numbering.num_id}"/></w:numPr>'
                    if numbering is not None else "",
                    f'<w:spacing w:before="{int(space_before)}"/>' if space_before is not None else "",
                    f'<w:jc w:val="{_attr(jc)}"/>' if jc else ""))


def paragraph(style: str | None, children: Iterable[str] = (), *,
              keep_next: bool = False, numbering: Numbering | None = None,
              jc: str | None = None) -> etree._Element:
    """w:p as an element (a header's, a footer's, a comment's; see paragraph_xml)."""
    xml = paragraph_xml(style, "".join(children), keep_next=keep_next, numbering=numbering, jc=jc)
    return _parse(f"{_P_OPEN}{xml[len('<w:p>'):]}" if xml != "<w:p/>" else f"{_P_OPEN}</w:p>")


_P_OPEN = f'<w:p xmlns:w="{NS["w"]}">'
_P_OPEN_WITH_R = f'<w:p xmlns:w="{NS["w"]}" xmlns:r="{NS["r"]}">'
# parsing only what this module wrote: nothing to resolve, and a very long text is no attack
_TEXT_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_EMPTY_TEXTS = ("<w:t></w:t>", "<w:delText></w:delText>")


def _parse(xml: str) -> etree._Element:
    """The element of one paragraph (or holder) written as text; xmlns:r is declared only when used, so that
    the element reads like one built in place."""
    if ' r:id="' in xml:
        xml = xml.replace(_P_OPEN, _P_OPEN_WITH_R, 1)
    el = etree.fromstring(xml, _TEXT_PARSER)
    if any(empty in xml for empty in _EMPTY_TEXTS):  # an empty text stays an (empty) text, <w:t></w:t>
        for t in el.iter(_TAG["t"], _TAG["delText"]):
            if t.text is None:
                t.text = ""
    return el


_TEXTS = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_ENTITIES = re.compile(r"&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);")
_NAMED_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def unescape(text: str) -> str:
    """XML text's character data: entity and character references replaced."""
    if "&" not in text:
        return text

    def one(m: re.Match) -> str:
        name = m.group(1)
        if name in _NAMED_ENTITIES:
            return _NAMED_ENTITIES[name]
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))

    return _ENTITIES.sub(one, text)


def texts(fragments: str) -> str:
    """The text of run-level XML text's w:t elements (not deleted text, tabs or breaks)."""
    return unescape("".join(_TEXTS.findall(fragments)))  # each text's references are whole: unescaped at once


def elements(fragments: Iterable[str]) -> list[etree._Element]:
    """Run-level XML text as elements (to put into a paragraph that exists already)."""
    return list(_parse(f'{_P_OPEN}{"".join(fragments)}</w:p>'))


def track_fragments(fragments: Iterable[str], change: str, revisions: Revisions) -> list[str]:
    """Run-level XML text as inserted or deleted (see track_runs)."""
    holder = _parse(f'{_P_OPEN}{"".join(fragments)}</w:p>')
    tracked = track_runs(list(holder), change, revisions)
    holder.extend(tracked)
    xml = etree.tostring(holder, encoding="unicode")
    return [xml[xml.index(">") + 1:-len("</w:p>")]]


# ── tables ─────────────────────────────────────────────────────────────────────────────────
_BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


def table(rows: Sequence[str], widths: Sequence[int], *, style: str | None = None,
          indent: int = 0, borderless: bool = False, first_row_is_header: bool = True) -> str:
    """w:tbl (XML text) with a fixed grid (twips), optional table style, left indent; a borderless one is
    flush left."""
    out = ["<w:tbl><w:tblPr>",
           f'<w:tblStyle w:val="{_attr(style)}"/>' if style else "",
           f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblInd w:w="{indent}" w:type="dxa"/>']
    if borderless:
        out += ["<w:tblBorders>", *(f'<w:{side} w:val="nil"/>' for side in _BORDER_SIDES), "</w:tblBorders>"]
    out.append('<w:tblLayout w:type="fixed"/>')
    if borderless:  # without rules to frame it, a table's text must line up with the text around it
        out.append('<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>')
    out += [f'<w:tblLook w:val="{"04A0" if first_row_is_header else "0000"}" w:firstRow="{int(first_row_is_header)}" '
            'w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>',
            *(f'<w:gridCol w:w="{width}"/>' for width in widths), "</w:tblGrid>", *rows, "</w:tbl>"]
    return "".join(out)


def table_row(cells: Sequence[str], *, header: bool = False, cant_split: bool = True,
              min_height: int | None = None, marks: Iterable[str] = ()) -> str:
    """w:tr (XML text); a header row repeats on every page, no row breaks across pages; `marks`: the row's
    revisions (see Revisions.mark_xml)."""
    trpr = "".join(("<w:cantSplit/>" if cant_split else "",
                    f'<w:trHeight w:val="{min_height}" w:hRule="atLeast"/>' if min_height else "",
                    "<w:tblHeader/>" if header else "", *marks))
    return f'<w:tr>{f"<w:trPr>{trpr}</w:trPr>" if trpr else ""}{"".join(cells)}</w:tr>'


def table_cell(width: int, paragraphs: Sequence[str], *, span: int = 1,
               bottom_rule: bool = False, valign: str | None = None) -> str:
    """w:tc (XML text) of a fixed width; `bottom_rule` draws the line a signature or a date is written on."""
    content = "".join(paragraphs or [paragraph_xml(None)])  # a cell must end with a paragraph, even an empty one
    return f"<w:tc>{_cell_properties(width, span, bottom_rule, valign)}{content}</w:tc>"


@functools.lru_cache(maxsize=256)  # a draft's cells share a few dozen
def _cell_properties(width: int, span: int, bottom_rule: bool, valign: str | None) -> str:
    return "".join(("<w:tcPr>", f'<w:tcW w:w="{width}" w:type="dxa"/>',
                    f'<w:gridSpan w:val="{span}"/>' if span > 1 else "",
                    '<w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:tcBorders>'
                    if bottom_rule else "",
                    f'<w:vAlign w:val="{_attr(valign)}"/>' if valign else "", "</w:tcPr>"))


# ── numbering definitions ──────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class ListLevel:
    """One level of a multi-level list: its number format, text, linked style and indents (twips)."""

    fmt: str  # decimal | lowerLetter | lowerRoman | upperLetter | bullet
    text: str  # '%1.', '%1.%2', '(%3)', '•'
    style: str | None  # the paragraph style linked to this level (w:pStyle)
    left: int
    hanging: int
    suffix: str = "tab"  # tab | space | nothing
    font: str | None = None  # bullets: the glyph's font


def abstract_num(abstract_id: int, nsid: str, name: str, levels: Sequence[ListLevel]) -> etree._Element:
    """w:abstractNum: a multi-level list definition whose levels are linked to paragraph styles."""
    lvls = []
    for ilvl, level in enumerate(levels):
        rpr = None
        if level.font:
            rpr = w("rPr", None, w("rFonts", {"ascii": level.font, "hAnsi": level.font, "hint": "default"}))
        lvls.append(w(
            "lvl", {"ilvl": ilvl},
            w("start", {"val": 1}),
            w("numFmt", {"val": level.fmt}),
            w("pStyle", {"val": level.style}) if level.style else None,
            w("suff", {"val": level.suffix}),
            w("lvlText", {"val": level.text}),
            w("lvlJc", {"val": "left"}),
            w("pPr", None,
              w("tabs", None, w("tab", {"val": "num", "pos": level.left}))
              if level.suffix == "tab" and level.hanging else None,
              w("ind", {"left": level.left, "hanging": level.hanging})),
            rpr,
        ))
    return w("abstractNum", {"abstractNumId": abstract_id},
             w("nsid", {"val": nsid}), w("multiLevelType", {"val": "multilevel"}), w("name", {"val": name}), *lvls)


def num(num_id: int, abstract_id: int, *, restart: bool = False) -> etree._Element:
    """w:num on an abstract list; `restart` starts its first level at 1 again (a new schedule)."""
    override = w("lvlOverride", {"ilvl": 0}, w("startOverride", {"val": 1})) if restart else None
    return w("num", {"numId": num_id}, w("abstractNumId", {"val": abstract_id}), override)


def restarted_num_xml(num_id: int, abstract_id: int) -> str:
    """num(…, restart=True) as XML text, for numbering_with."""
    return (f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>')


def numbering_with(part: bytes, nums: Iterable[str]) -> bytes:
    """A numbering part as lxml writes one, with more w:num (XML text) where add_to_numbering puts them:
    the part is neither parsed nor written again (a draft's schedules each restart a list)."""
    cleanup = part.find(b"<w:numIdMacAtCleanup")
    at = cleanup if cleanup >= 0 else part.rindex(b"</w:numbering>")
    return part[:at] + "".join(nums).encode("utf-8") + part[at:]


def add_to_numbering(numbering: etree._Element, el: etree._Element) -> None:
    """Append an abstractNum or num to w:numbering keeping the schema order (abstractNum*, num*)."""
    if el.tag == qn("w:abstractNum"):
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(el)
            return
    cleanup = numbering.find(qn("w:numIdMacAtCleanup"))
    if cleanup is not None:
        cleanup.addprevious(el)
    else:
        numbering.append(el)


def next_num_id(numbering: etree._Element) -> int:
    ids = [int(n.get(qn("w:numId"))) for n in numbering.iter(qn("w:num"))]
    return max(ids, default=0) + 1


# ── document-wide settings ─────────────────────────────────────────────────────────────────
def set_default_language(styles: etree._Element, lang: str) -> None:
    """w:docDefaults/w:rPrDefault/w:rPr/w:lang: the proofing language of every run."""
    rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        raise ValueError("styles.xml has no w:docDefaults/w:rPrDefault/w:rPr")
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = w("lang")
        _insert_before(rpr, lang_el, ("w:eastAsianLayout", "w:specVanish", "w:oMath"))
    lang_el.set(qn("w:val"), lang)
    lang_el.set(qn("w:eastAsia"), lang)
    lang_el.set(qn("w:bidi"), "ar-SA")


W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"


def set_doc_id(settings: etree._Element, digest: str) -> None:
    """w14:docId, the id Word gives a document (8 hex digits below 0x80000000), from a digest of its content."""
    value = f"{int(digest[:8], 16) & 0x7FFFFFFF:08X}"
    el = settings.find(f"{{{W14_NS}}}docId")
    if el is None:
        raise ValueError("settings.xml has no w14:docId")
    el.set(f"{{{W14_NS}}}val", value)


def set_theme_font_lang(settings: etree._Element, lang: str) -> None:
    el = settings.find(qn("w:themeFontLang"))
    if el is None:
        raise ValueError("settings.xml has no w:themeFontLang")
    el.set(qn("w:val"), lang)


# ── headers, footers and the section that shows them ───────────────────────────────────────
_STORY_ROOTS = {"header": "hdr", "footer": "ftr"}
_SECTION_REFERENCES = frozenset((qn("w:headerReference"), qn("w:footerReference")))
# CT_SectPr's children after w:titlePg (ECMA-376 17.6.17)
_SECT_PR_AFTER_TITLE_PG = ("w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings",
                           "w:sectPrChange")


def story(kind: str, paragraphs: Iterable[str]) -> bytes:
    """A header or footer part (w:hdr / w:ftr) holding the given paragraphs (XML text, see paragraph_xml):
    written as lxml would serialise it, like the body."""
    root, content = f"w:{_STORY_ROOTS[kind]}", "".join(paragraphs)
    xml = f'<{root} xmlns:w="{NS["w"]}" xmlns:r="{NS["r"]}"' + (f">{content}</{root}>" if content else "/>")
    return XML_DECLARATION + xml.encode("utf-8")


def section_reference(kind: str, page: str, r_id: str) -> etree._Element:
    """w:headerReference / w:footerReference: the part a section shows on its `page`s (default | first | even)."""
    if kind not in _STORY_ROOTS:
        raise ValueError(f"unknown story {kind!r}")
    return w(f"{kind}Reference", {"type": page, "r:id": r_id})


def add_section_reference(sect_pr: etree._Element, ref: etree._Element) -> None:
    """Header and footer references open w:sectPr (CT_SectPr): a new one replaces one of the same kind and
    page (a page shows one header), or goes after those already there."""
    refs = [child for child in sect_pr if child.tag in _SECTION_REFERENCES]
    for old in refs:
        if old.tag == ref.tag and old.get(qn("w:type")) == ref.get(qn("w:type")):
            sect_pr.replace(old, ref)
            return
    if refs:
        refs[-1].addnext(ref)
    else:
        sect_pr.insert(0, ref)


def set_title_page(sect_pr: etree._Element) -> None:
    """w:titlePg: the section's first page has its own header and footer (the cover shows none)."""
    title_pg = sect_pr.find(qn("w:titlePg"))
    if title_pg is None:
        _insert_before(sect_pr, on("titlePg"), _SECT_PR_AFTER_TITLE_PG)
    else:
        title_pg.attrib.pop(qn("w:val"), None)  # an on/off property without a value is on


# ── core document properties (docProps/core.xml, ECMA-376 part 2, 11) ─────────────────────────
_CORE_PROPERTIES = {
    "title": "dc:title", "subject": "dc:subject", "creator": "dc:creator", "keywords": "cp:keywords",
    "description": "dc:description", "lastModifiedBy": "cp:lastModifiedBy", "revision": "cp:revision",
    "created": "dcterms:created", "modified": "dcterms:modified", "category": "cp:category",
    "contentStatus": "cp:contentStatus", "identifier": "dc:identifier", "language": "dc:language",
    "version": "cp:version",
}
_W3CDTF_PROPERTIES = frozenset(("created", "modified"))  # the schema wants their xsi:type spelled out
# Word shows at most 255 characters of a core or custom text property (and python-docx refused more)
CORE_PROPERTY_LIMIT = 255


def fit_property(text: str) -> str:
    """A property value within Word's limit: a longer one (a deal purpose may hold 2,000 characters) is cut
    at a word boundary and ends with an ellipsis."""
    if len(text) <= CORE_PROPERTY_LIMIT:
        return text
    cut = text[: CORE_PROPERTY_LIMIT - 1]
    if " " in cut[CORE_PROPERTY_LIMIT // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"


def w3cdtf(when: dt.datetime) -> str:
    """A date-time as core properties write one: W3CDTF to the second, in UTC ('2025-03-01T00:00:00Z')."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def set_core_property(core: etree._Element, name: str, value: str | int | dt.datetime) -> None:
    """Set one property of cp:coreProperties in place, or add it at the end (the schema takes any order)."""
    prefixed = _CORE_PROPERTIES[name]
    if isinstance(value, dt.datetime):
        text = w3cdtf(value)
    else:
        text = fit_property(str(value))
    el = core.find(qn(prefixed))
    if el is None:
        prefix = prefixed.partition(":")[0]
        # declared here only if the part does not declare it already (xsi:type names dcterms: by prefix)
        nsmap = None if NS[prefix] in core.nsmap.values() else {prefix: NS[prefix]}
        el = etree.SubElement(core, qn(prefixed), nsmap=nsmap)
    el.text = text
    if name in _W3CDTF_PROPERTIES:
        el.set(qn("xsi:type"), "dcterms:W3CDTF")


# ── package parts ──────────────────────────────────────────────────────────────────────────
def custom_properties_xml(props: Sequence[tuple[str, str]]) -> bytes:
    """docProps/custom.xml: user-defined document properties a DMS (and DOCPROPERTY fields) can read."""
    root = etree.Element(f"{{{CUSTOM_PROPERTIES_NS}}}Properties", nsmap={None: CUSTOM_PROPERTIES_NS, "vt": VT_NS})
    for pid, (name, value) in enumerate(props, start=2):  # pids 0 and 1 are reserved
        prop = etree.SubElement(root, f"{{{CUSTOM_PROPERTIES_NS}}}property",
                                fmtid=USER_DEFINED_FMTID, pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = fit_property(value)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)


def package_members(package) -> list[tuple[str, bytes]]:
    """Every zip member of a python-docx package in python-docx's own order: content types, rels, parts.

    Only templates/build_reference.py still builds with python-docx; drafts are written by opc.Package."""
    parts = list(package.iter_parts())
    members = [
        ("[Content_Types].xml", content_types_xml((str(p.partname), p.content_type) for p in parts)),
        ("_rels/.rels", package.rels.xml),
    ]
    for part in parts:
        members.append((part.partname.membername, part.blob))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, part.rels.xml))
    return members


def package_bytes(package) -> bytes:
    """The .docx of a python-docx package, byte-identical for identical content (python-docx's own
    save stamps every member with the current local time)."""
    return zip_members(package_members(package))


# ── tracked changes (ECMA-376 17.13.5) ─────────────────────────────────────────────────────
@dataclass
class Revisions:
    """Who made a redline's changes and when; numbers each revision (ids shared with bookmarks)."""

    author: str
    date: str  # ISO 8601, e.g. 2027-01-01T00:00:00Z
    ids: Iterator[int]

    def mark(self, change: str) -> etree._Element:
        """An empty <w:ins>/<w:del> with the next id: a wrapper for runs, or a paragraph-mark or row mark."""
        if change not in _REVISION_TAGS:
            raise ValueError(f"unknown change {change!r}")
        return w(_REVISION_TAGS[change], {"id": next(self.ids), "author": self.author, "date": self.date})

    def mark_xml(self, change: str, content: str | None = None) -> str:
        """The same as XML text: around `content` (run-level XML text), or empty (a paragraph or row mark)."""
        if change not in _REVISION_TAGS:
            raise ValueError(f"unknown change {change!r}")
        tag = _REVISION_TAGS[change]
        start = f'<w:{tag} w:id="{next(self.ids)}" w:author="{_attr(self.author)}" w:date="{_attr(self.date)}"'
        return f"{start}/>" if content is None else f"{start}>{content}</w:{tag}>"


_REVISION_TAGS = {"insert": "ins", "delete": "del"}
# what a w:ins / w:del may wrap directly; a hyperlink may not be wrapped, its runs are
_WRAPPABLE = frozenset(qn(f"w:{name}") for name in ("r", "bookmarkStart", "bookmarkEnd"))
# deleted text and field codes have their own elements (Word shows w:t inside w:del as live text)
_DELETED_FORMS = {qn("w:t"): "delText", qn("w:instrText"): "delInstrText"}


def _as_deleted(run: etree._Element) -> None:
    for child in list(run):
        form = _DELETED_FORMS.get(child.tag)
        if form is None:
            continue
        replacement = _make(form)
        for key, value in child.attrib.items():
            replacement.set(key, value)
        replacement.text = child.text
        run.replace(child, replacement)


def track_runs(children: Sequence[etree._Element], change: str, revisions: Revisions) -> list[etree._Element]:
    """Paragraph content as inserted or deleted: each stretch of runs (and bookmarks) in one w:ins/w:del,
    a hyperlink's own runs wrapped inside it."""
    out: list[etree._Element] = []
    group: etree._Element | None = None
    for child in children:
        if child.tag in _WRAPPABLE:
            if group is None:
                group = revisions.mark(change)
                out.append(group)
            if change == "delete" and child.tag == qn("w:r"):
                _as_deleted(child)
            group.append(child)
            continue
        group = None
        if child.tag == qn("w:hyperlink"):
            inner = list(child)
            for grandchild in inner:
                child.remove(grandchild)
            for element in track_runs(inner, change, revisions):
                child.append(element)
        out.append(child)
    return out


# CT_Settings' children after w:trackRevisions (ECMA-376 17.15.1.78), for inserting it in order
_SETTINGS_AFTER_TRACK_REVISIONS = tuple(f"w:{name}" for name in (
    "doNotTrackMoves", "doNotTrackFormatting", "documentProtection", "autoFormatOverride", "styleLockTheme",
    "styleLockQFSet", "defaultTabStop", "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone",
    "doNotHyphenateCaps", "showEnvelope", "summaryLength", "clickAndTypeStyle", "defaultTableStyle",
    "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning", "characterSpacingControl",
    "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
    "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
    "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat",
    "docVars", "rsids", "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
    "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
))


def set_track_revisions(settings: etree._Element) -> None:
    """w:trackRevisions: Word keeps tracking the reviewer's own edits to a redline."""
    if settings.find(qn("w:trackRevisions")) is None:
        _insert_before(settings, on("trackRevisions"), _SETTINGS_AFTER_TRACK_REVISIONS)
