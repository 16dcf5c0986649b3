"""Build templates/reference.docx, the Word house style every draft starts from: python templates/build_reference.py"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips
from lxml import etree

from termsmith.render import wordstyle as house
from termsmith.render import wordxml as wx

OUT = Path(__file__).resolve().parent / "reference.docx"
FONT = "Arial"  # Liberation Sans is its metric twin where Arial is missing (LibreOffice on Linux)
BODY_SIZE = Pt(10.5)
GREY = RGBColor(0x59, 0x59, 0x59)
# Room for "Schedule 10" before a schedule's title: in the contents (2.5 cm) and in the 12 pt heading (3.5 cm).
# One number column for articles and schedules alike, so the title always follows the hanging indent.
TOC_NUMBER_COLUMN = 1417
SCHEDULE_NUMBER_COLUMN = 1985

# Built-in styles worth keeping from python-docx's template; the other ~150 (colourful table
# styles, list styles nobody here uses) only bloat styles.xml and every render's parse of it.
KEEP = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Heading1", "Heading2",
        "Heading3", "Title", "Subtitle", "BodyText", "Header", "Footer", "TOCHeading"}


def build() -> bytes:
    doc = Document()
    _hygiene(doc)
    _page(doc)
    _prune_styles(doc)
    _defaults(doc)
    _styles(doc)
    _numbering(doc)
    return wx.package_bytes(doc.part.package)


# ── package ────────────────────────────────────────────────────────────────────────────────
def _hygiene(doc) -> None:
    """Drop what python-docx's template carries that a Word document of ours must not."""
    package = doc.part.package
    for rels, reltypes in ((package.rels, {RT.THUMBNAIL}),
                           (doc.part.rels, {RT.CUSTOM_XML, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"})):
        for r_id, rel in list(rels.items()):
            if rel.reltype in reltypes:
                del rels[r_id]

    core = doc.core_properties
    core.author = core.last_modified_by = "termsmith"
    core.title = "termsmith house style"
    core.revision = 1
    core.created = core.modified = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # fixed: the file is byte-stable
    for tag in ("dc:description", "cp:keywords", "cp:category"):  # empty leftovers of python-docx's template
        el = core._element.find(qn(tag))
        if el is not None:
            core._element.remove(el)

    app = package.part_related_by(RT.EXTENDED_PROPERTIES)
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    root = etree.Element(f"{{{ns}}}Properties", nsmap={None: ns})
    for name, value in (("Application", "termsmith"), ("DocSecurity", "0"), ("ScaleCrop", "false"),
                        ("LinksUpToDate", "false"), ("SharedDoc", "false"), ("HyperlinksChanged", "false")):
        etree.SubElement(root, f"{{{ns}}}{name}").text = value
    # the template's counts, titles and "Microsoft Macintosh Word 14" would be stale in every draft
    app._blob = etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)

    settings = doc.settings.element
    zoom = settings.find(qn("w:zoom"))
    zoom.attrib.clear()
    zoom.set(qn("w:percent"), "100")  # the template's bare bestFit fails the schema
    # proofState: a leftover "spelling and grammar already checked" that would hide real findings
    for tag in ("w:savePreviewPicture", "w:rsids", "w:proofState"):
        el = settings.find(qn(tag))
        if el is not None:
            settings.remove(el)
    settings.find(qn("w:themeFontLang")).set(qn("w:val"), "en-GB")
    compat = settings.find(qn("w:compat"))
    # justified lines that end in a manual line break must not be stretched across the page
    compat.insert(0, wx.on("doNotExpandShiftReturn"))
    for setting in compat.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")  # Word 2013+: no "[Compatibility Mode]" in the title bar


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)  # A4
    margin = Twips((11906 - house.TEXT_WIDTH) // 2)
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin
    section.header_distance = section.footer_distance = Twips(709)
    section.different_first_page_header_footer = True


# ── styles ─────────────────────────────────────────────────────────────────────────────────
def _prune_styles(doc) -> None:
    root = doc.styles.element
    for style in list(root.iter(qn("w:style"))):
        if style.get(qn("w:styleId")) not in KEEP:
            root.remove(style)
    for style in root.iter(qn("w:style")):
        for tag in ("w:link", "w:rsid"):
            el = style.find(qn(tag))
            if el is not None:
                style.remove(el)
        rpr = style.find(qn("w:rPr"))
        if rpr is not None:  # theme fonts and colours: the house style is one font, black text
            for tag in ("w:rFonts", "w:color", "w:i", "w:iCs", "w:spacing", "w:kern", "w:szCs"):
                el = rpr.find(qn(tag))
                if el is not None:
                    rpr.remove(el)
    subtitle_ppr = doc.styles["Subtitle"].element.pPr
    subtitle_ppr.remove(subtitle_ppr.find(qn("w:numPr")))  # python-docx's Subtitle joins a list
    title_ppr = doc.styles["Title"].element.pPr
    title_ppr.remove(title_ppr.find(qn("w:pBdr")))


def _defaults(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = rpr.find(qn("w:rFonts"))
    fonts.attrib.clear()
    for key, value in (("ascii", FONT), ("hAnsi", FONT), ("cs", FONT), ("eastAsiaTheme", "minorEastAsia")):
        fonts.set(qn(f"w:{key}"), value)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    wx.set_default_language(doc.styles.element, "en-GB")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")


def _not_numbered(style) -> None:
    """numId 0 states that the style is never numbered: table cells such as "10 days" are data, not clause numbers."""
    style.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 0


def _paragraph_style(doc, style_id: str, name: str, base: str, *, next_style: str | None = None):
    styles = doc.styles
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), style_id)
    style.base_style = styles[base]
    style.quick_style = True
    if next_style:
        style.element.get_or_add_next().set(qn("w:val"), next_style)
    return style


def _character_style(doc, style_id: str, name: str):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.element.set(qn("w:styleId"), style_id)
    style.base_style = doc.styles["Default Paragraph Font"]
    style.quick_style = True
    return style


def _indent(style, left: int, hanging: int = 0) -> None:
    fmt = style.paragraph_format
    fmt.left_indent = Twips(left)
    fmt.first_line_indent = Twips(-hanging) if hanging else None


def _spacing(style, before: float = 0, after: float = 0, line: float | None = None) -> None:
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line:
        fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        fmt.line_spacing = line


def _link_list(style, num_id: int, ilvl: int) -> None:
    num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def _heading_look(style, size: float, caps: bool = True) -> None:
    style.font.size = Pt(size)
    style.font.bold = True
    style.font.all_caps = caps
    style.paragraph_format.keep_with_next = True
    style.paragraph_format.keep_together = True
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _styles(doc) -> None:
    styles = doc.styles
    i = house.INDENT

    normal = styles["Normal"]
    normal.paragraph_format.widow_control = True

    for name, size in (("Heading 1", 10.5), ("Heading 2", 10.5), ("Heading 3", 10.5)):
        _heading_look(styles[name], size, caps=False)
        _spacing(styles[name], 12, 6)

    body = styles["Body Text"]
    _spacing(body, 0, 8, 1.1)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    title = styles["Title"]
    title.font.size, title.font.bold, title.font.all_caps = Pt(18), True, True
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(title, 168, 36)
    subtitle = styles["Subtitle"]
    subtitle.font.size = Pt(11)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(subtitle, 6, 6)
    cover_party = _paragraph_style(doc, house.COVER_PARTY, "Cover Party", "Subtitle")
    cover_party.font.size, cover_party.font.bold = Pt(12), True
    cover_date = _paragraph_style(doc, house.COVER_DATE, "Cover Date", "Subtitle")
    _spacing(cover_date, 36, 6)

    toc_heading = styles["TOC Heading"]
    _heading_look(toc_heading, 12)
    toc_heading.paragraph_format.page_break_before = True
    _spacing(toc_heading, 0, 18)
    toc = _paragraph_style(doc, house.TOC_1, "toc 1", "Normal", next_style="Normal")
    toc.element.get_or_add_uiPriority().val = 39
    _indent(toc, TOC_NUMBER_COLUMN, TOC_NUMBER_COLUMN)
    _spacing(toc, 0, 6)
    toc.paragraph_format.tab_stops.add_tab_stop(Twips(house.TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)

    for name in ("Header", "Footer"):
        style = styles[name]
        style.font.size, style.font.color.rgb = Pt(8), GREY
        style.element.pPr.remove(style.element.pPr.find(qn("w:tabs")))
    styles["Header"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    styles["Footer"].paragraph_format.tab_stops.add_tab_stop(Twips(house.TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)

    # headings: based on Heading 1 so they carry outline level 0 (navigation pane, TOC \o "1-1")
    article = _paragraph_style(doc, house.ARTICLE_HEADING, "Article Heading", "Heading 1",
                               next_style=house.CLAUSE_LEVELS[0])
    _heading_look(article, 10.5)
    _spacing(article, 12, 8)
    _indent(article, i, i)
    schedule = _paragraph_style(doc, house.SCHEDULE_HEADING, "Schedule Heading", "Heading 1",
                                next_style=house.SCHEDULE_LEVELS[0])
    _heading_look(schedule, 12)
    schedule.paragraph_format.page_break_before = True
    _spacing(schedule, 0, 18)
    _indent(schedule, SCHEDULE_NUMBER_COLUMN, SCHEDULE_NUMBER_COLUMN)
    execution = _paragraph_style(doc, house.EXECUTION_HEADING, "Execution Heading", "Heading 1",
                                 next_style=house.BODY_TEXT)
    _heading_look(execution, 12)
    execution.paragraph_format.page_break_before = True
    _spacing(execution, 0, 18)

    for level in range(1, house.MAX_LEVEL + 1):
        clause = _paragraph_style(doc, house.CLAUSE_LEVELS[level - 1], f"Clause Level {level}", "Body Text")
        _indent(clause, level * i, i)
        sched = _paragraph_style(doc, house.SCHEDULE_LEVELS[level - 1], f"Schedule Level {level}", "Body Text")
        _indent(sched, level * i, i)
        text = _paragraph_style(doc, house.BODY_LEVELS[level - 1], f"Body Level {level}", "Body Text")
        _indent(text, level * i)
        bullet = _paragraph_style(doc, house.BULLET_LEVELS[level - 1], f"Bullet Level {level}", "Body Text")
        _indent(bullet, level * i, i)
    definition = _paragraph_style(doc, house.DEFINITION, "Definition", "Body Text")
    _indent(definition, i)

    table_text = _paragraph_style(doc, house.TABLE_TEXT, "Table Text", "Normal")
    _not_numbered(table_text)
    table_text.font.size = Pt(9)
    _spacing(table_text, 2, 2)
    table_heading = _paragraph_style(doc, house.TABLE_HEADING, "Table Heading", "Table Text")
    table_heading.font.bold = True
    table_heading.paragraph_format.keep_with_next = True
    signature = _paragraph_style(doc, house.SIGNATURE_TEXT, "Signature Text", "Normal")
    _not_numbered(signature)
    _spacing(signature, 3, 3)
    signature.paragraph_format.keep_with_next = True

    defined = _character_style(doc, house.DEFINED_TERM, "Defined Term")
    defined.font.bold = True
    run_in = _character_style(doc, house.RUN_IN_HEADING, "Run-in Heading")
    run_in.font.bold = True
    link = _character_style(doc, house.HYPERLINK, "Hyperlink")
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True
    link.element.get_or_add_uiPriority().val = 99

    # Word's own built-in styles (toc 1, Hyperlink, the comment styles) are not custom styles
    for style in (toc, link, *_comment_styles(doc)):
        style.element.attrib.pop(qn("w:customStyle"), None)

    _table_style(doc)


def _comment_styles(doc):
    """The styles of reviewer notes (Word comments): 'annotation text' and 'annotation reference'."""
    text = _paragraph_style(doc, "CommentText", "annotation text", "Normal")
    text.font.size = Pt(9)
    text.element.get_or_add_uiPriority().val = 99
    reference = _character_style(doc, "CommentReference", "annotation reference")
    reference.font.size = Pt(8)
    reference.element.get_or_add_uiPriority().val = 99
    return text, reference


def _table_style(doc) -> None:
    """A plain ruled table with a shaded header row: what a schedule's SLA or budget table looks like."""
    style = doc.styles.add_style("Contract Table", WD_STYLE_TYPE.TABLE)
    style.element.set(qn("w:styleId"), house.CONTRACT_TABLE)
    style.base_style = doc.styles["Normal Table"]
    style.quick_style = True
    rule = {"val": "single", "sz": 4, "space": 0, "color": "808080"}
    tblpr = wx.w(
        "tblPr", None,
        wx.w("tblBorders", None,
             *(wx.w(side, rule) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))),
        wx.w("tblCellMar", None, wx.w("top", {"w": 28, "type": "dxa"}), wx.w("left", {"w": 85, "type": "dxa"}),
             wx.w("bottom", {"w": 28, "type": "dxa"}), wx.w("right", {"w": 85, "type": "dxa"})),
    )
    header = wx.w("tblStylePr", {"type": "firstRow"},
                  wx.w("rPr", None, wx.on("b")),
                  wx.w("tcPr", None, wx.w("shd", {"val": "clear", "color": "auto", "fill": "E7E6E6"})))
    style.element.append(tblpr)
    style.element.append(header)


# ── numbering ──────────────────────────────────────────────────────────────────────────────
def _numbering(doc) -> None:
    """Replace python-docx's nine single-level lists with the four lists the house style links to its styles."""
    numbering = doc.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    i = house.INDENT
    lists = [
        (house.ARTICLES_LIST, "4C1A0001", [
            wx.ListLevel("decimal", "%1.", house.ARTICLE_HEADING, i, i),
            wx.ListLevel("decimal", "%1.%2", house.CLAUSE_LEVELS[0], i, i),
            wx.ListLevel("lowerLetter", "(%3)", house.CLAUSE_LEVELS[1], 2 * i, i),
            wx.ListLevel("lowerRoman", "(%4)", house.CLAUSE_LEVELS[2], 3 * i, i),
            wx.ListLevel("upperLetter", "(%5)", house.CLAUSE_LEVELS[3], 4 * i, i),
        ], [house.ARTICLE_HEADING, *house.CLAUSE_LEVELS]),
        (house.SCHEDULES_LIST, "4C1A0002", [
            wx.ListLevel("decimal", "Schedule %1", house.SCHEDULE_HEADING,
                         SCHEDULE_NUMBER_COLUMN, SCHEDULE_NUMBER_COLUMN),
        ], [house.SCHEDULE_HEADING]),
        (house.SCHEDULE_CLAUSES_LIST, "4C1A0003", [
            wx.ListLevel("decimal", "%1.", house.SCHEDULE_LEVELS[0], i, i),
            wx.ListLevel("lowerLetter", "(%2)", house.SCHEDULE_LEVELS[1], 2 * i, i),
            wx.ListLevel("lowerRoman", "(%3)", house.SCHEDULE_LEVELS[2], 3 * i, i),
            wx.ListLevel("upperLetter", "(%4)", house.SCHEDULE_LEVELS[3], 4 * i, i),
        ], list(house.SCHEDULE_LEVELS)),
        (house.BULLETS_LIST, "4C1A0004", [
            wx.ListLevel("bullet", glyph, house.BULLET_LEVELS[n], (n + 1) * i, i, font=FONT)
            # level 1 only occurs on the execution page; a clause's own bullets start at level 2
            for n, glyph in enumerate(("\u2022", "\u2022", "\u2013", "\u2022"))
        ], list(house.BULLET_LEVELS)),
    ]
    for abstract_id, (name, nsid, levels, _styles) in enumerate(lists, start=1):
        wx.add_to_numbering(numbering, wx.abstract_num(abstract_id, nsid, name, _nine_levels(levels, name)))
    for num_id, (_name, _nsid, _levels, style_ids) in enumerate(lists, start=1):
        wx.add_to_numbering(numbering, wx.num(num_id, num_id))
        for ilvl, style_id in enumerate(style_ids):
            _link_list(doc.styles[_style_name(doc, style_id)], num_id, ilvl)


LIST_LEVELS = 9  # Word's lists have nine levels; a reviewer's deeper indent must stay in the list
DEEPER = (("lowerLetter", "({})"), ("lowerRoman", "({})"), ("decimal", "{}."), ("lowerLetter", "{}."),
          ("lowerRoman", "{}."))


def _nine_levels(levels: list[wx.ListLevel], name: str) -> list[wx.ListLevel]:
    """The house style's levels and, below them, plain levels down to the ninth: (a), (i), 1., a., i. …"""
    i = house.INDENT
    out = list(levels)
    last = levels[-1]
    for n in range(len(levels), LIST_LEVELS):
        left = last.left + (n - len(levels) + 1) * i
        if name == house.BULLETS_LIST:
            out.append(wx.ListLevel("bullet", "\u2013" if n % 2 else "\u2022", None, left, i, font=FONT))
        else:
            fmt, text = DEEPER[(n - len(levels)) % len(DEEPER)]
            out.append(wx.ListLevel(fmt, text.format(f"%{n + 1}"), None, left, i))
    return out


def _style_name(doc, style_id: str) -> str:
    for style in doc.styles:
        if style.style_id == style_id:
            return style.name
    raise KeyError(style_id)


def main() -> int:
    data = build()
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(data)} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
