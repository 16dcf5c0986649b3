"""The OOXML builders: element shapes, schema order (checked against the ECMA-376 XSDs), deterministic zips."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from lxml import etree

from termsmith.render import opc
from termsmith.render import wordxml as wx

from ..docx_checks import XSD_DIR as XSD


@pytest.fixture(scope="module")
def wml_schema():
    return etree.XMLSchema(etree.parse(str(XSD / "wml.xsd")))


def _document(*blocks) -> etree._Element:
    body = parse_xml(f"<w:document {nsdecls('w', 'r')}><w:body/></w:document>")
    for block in blocks:
        body[0].append(block)
    return body


def _assert_valid(schema, root) -> None:
    ok = schema.validate(root)
    assert ok, "\n".join(str(e) for e in schema.error_log)


def _children(el) -> list[str]:
    return [etree.QName(c).localname for c in el]


def _el(fragment: str) -> etree._Element:
    """One run-level builder's XML text as an element."""
    return wx.elements([fragment])[0]


# ── runs ──
def test_run_turns_tabs_and_newlines_into_elements():
    r = _el(wx.run("a\tb\nc"))
    assert _children(r) == ["t", "tab", "t", "br", "t"]


def test_run_preserves_only_meaningful_spaces():
    assert _el(wx.run(" spaced "))[0].get(wx.XML_SPACE) == "preserve"
    assert _el(wx.run("tight"))[0].get(wx.XML_SPACE) is None


def test_run_properties_schema_order_and_none_when_plain():
    assert wx.run_properties() == ""
    rpr = _el(wx.run_properties(style="DefinedTerm", bold=True, italic=True, strike=True))
    assert _children(rpr) == ["rStyle", "b", "i", "strike"]


def test_text_is_escaped_not_interpreted():
    p = wx.paragraph("BodyText", [wx.run('A & B <C> "D" 株式会社 🚀')])
    xml = etree.tostring(p, encoding="unicode")
    assert "A &amp; B &lt;C&gt;" in xml
    assert "".join(t.text for t in p.iter(qn("w:t"))) == 'A & B <C> "D" 株式会社 🚀'


def test_control_characters_are_refused():
    with pytest.raises(ValueError):
        wx.run("bell\x07")


# ── fields, bookmarks, links ──
def test_field_is_begin_instr_separate_result_end():
    runs = wx.elements(wx.field(wx.ref_instruction("_Ref_x"), "17.2", rpr=wx.run_properties(bold=True)))
    kinds = [r.find(qn("w:fldChar")).get(qn("w:fldCharType")) if r.find(qn("w:fldChar")) is not None else
             ("instr" if r.find(qn("w:instrText")) is not None else "text") for r in runs]
    assert kinds == ["begin", "instr", "separate", "text", "end"]
    assert runs[1].find(qn("w:instrText")).text == " REF _Ref_x \\w \\h "
    assert runs[3].find(qn("w:t")).text == "17.2"
    assert all(r.find(qn("w:rPr")).find(qn("w:b")) is not None for r in runs)  # each run owns its copy


def test_dirty_field():
    begin = _el(wx.field_begin(wx.TOC_INSTRUCTION, dirty=True)[0])
    assert begin.find(qn("w:fldChar")).get(qn("w:dirty")) == "true"


def test_bookmark_wraps_content_after_paragraph_properties():
    p = wx.paragraph("ClauseLevel1", [wx.bookmarked(7, "_Ref_clause", wx.run("text"))])
    assert _children(p) == ["pPr", "bookmarkStart", "r", "bookmarkEnd"]
    assert p[1].get(qn("w:name")) == "_Ref_clause" and p[1].get(qn("w:id")) == p[3].get(qn("w:id")) == "7"
    later = wx.bookmark_content(wx.run("text"), 7, "_Ref_clause")
    assert later == wx.bookmarked(7, "_Ref_clause", wx.run("text"))


def test_bookmark_goes_inside_the_revisions_of_a_wholly_revised_paragraph():
    import itertools
    revisions = wx.Revisions("A", "2027-01-01T00:00:00Z", itertools.count(1))
    content = revisions.mark_xml("insert", wx.run("new text"))
    content = wx.elements([wx.bookmark_content(content, 9, "_Ref_new", revised=True)])
    assert _children(content) == ["ins"] and _children(content[0]) == ["bookmarkStart", "r", "bookmarkEnd"]


def test_hyperlink_external_and_internal():
    ext = _el(wx.hyperlink([wx.run("x")], r_id="rId9"))
    assert ext.get(qn("r:id")) == "rId9" and ext.get(qn("w:anchor")) is None
    internal = _el(wx.hyperlink([wx.run("x")], anchor="_Ref_a"))
    assert internal.get(qn("w:anchor")) == "_Ref_a"


# ── paragraphs and tables, validated against the schema ──
def _block(xml: str) -> etree._Element:
    """A body block written as XML text (wx.paragraph_xml, wx.table) as an element."""
    return etree.fromstring(f"<w:body {nsdecls('w', 'r')}>{xml}</w:body>")[0]


def test_paragraph_properties_in_schema_order(wml_schema):
    import itertools
    revisions = wx.Revisions("A", "2027-01-01T00:00:00Z", itertools.count(1))
    p = _block(wx.paragraph_xml("ScheduleLevel1", wx.run("x"), numbering=wx.Numbering(12, 1), jc="right",
                                page_break=True, keep_next=True, marks=[revisions.mark_xml("insert")]))
    assert _children(p.find(qn("w:pPr"))) == ["pStyle", "keepNext", "pageBreakBefore", "numPr", "jc", "rPr"]
    bare = _block(wx.paragraph_xml(None, wx.run("y"), keep_next=True))
    assert _children(bare) == ["pPr", "r"]
    assert wx.paragraph_xml(None) == "<w:p/>"  # as lxml writes an empty element
    _assert_valid(wml_schema, _document(p, bare))


def test_plain_paragraph_has_no_properties():
    assert _children(wx.paragraph(None, [wx.run("x")])) == ["r"]


def test_tables_validate_and_carry_row_rules(wml_schema):
    header = wx.table_row([wx.table_cell(2000, [wx.paragraph_xml("TableHeading", wx.run("A"))])], header=True)
    row = wx.table_row([wx.table_cell(2000, [wx.paragraph_xml("TableText", wx.run("1"))], bottom_rule=True,
                                      valign="bottom")], min_height=500)
    ruled = _block(wx.table([header, row], [2000], style="ContractTable", indent=720))
    bare = _block(wx.table([wx.table_row([wx.table_cell(2000, [], span=1)])], [2000], borderless=True,
                           first_row_is_header=False))
    _assert_valid(wml_schema, _document(ruled, wx.paragraph(None), bare, wx.paragraph(None)))
    assert ruled.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in ruled.iter(qn("w:tr")))
    borders = bare.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    assert {b.get(qn("w:val")) for b in borders} == {"nil"} and len(borders) == 6
    assert bare.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}/{qn('w:left')}").get(qn("w:w")) == "0"
    assert bare.find(f".//{qn('w:tc')}/{qn('w:p')}") is not None  # a cell always ends with a paragraph


# ── numbering ──
def test_numbering_definitions_validate_and_keep_order(wml_schema):
    numbering = parse_xml(f"<w:numbering {nsdecls('w')}/>")
    levels = [wx.ListLevel("decimal", "%1.", "ArticleHeading", 720, 720),
              wx.ListLevel("decimal", "%1.%2", "ClauseLevel1", 720, 720),
              wx.ListLevel("lowerLetter", "(%3)", "ClauseLevel2", 1440, 720),
              wx.ListLevel("bullet", "\u2022", None, 2160, 720, font="Arial")]
    wx.add_to_numbering(numbering, wx.num(1, 1))
    wx.add_to_numbering(numbering, wx.abstract_num(1, "0000ABCD", "legal", levels))  # goes before the num
    wx.add_to_numbering(numbering, wx.num(wx.next_num_id(numbering), 1, restart=True))
    assert _children(numbering) == ["abstractNum", "num", "num"]
    _assert_valid(wml_schema, numbering)
    restart = numbering[2]
    assert restart.get(qn("w:numId")) == "2"
    override = restart.find(qn("w:lvlOverride"))
    assert override.get(qn("w:ilvl")) == "0" and override.find(qn("w:startOverride")).get(qn("w:val")) == "1"
    lvl2 = numbering[0].findall(qn("w:lvl"))[2]
    assert lvl2.find(qn("w:lvlText")).get(qn("w:val")) == "(%3)"
    assert lvl2.find(qn("w:pStyle")).get(qn("w:val")) == "ClauseLevel2"


@pytest.mark.parametrize("cleanup", ["", '<w:numIdMacAtCleanup w:val="3"/>'])
def test_restarted_lists_as_text_are_what_the_tree_would_write(cleanup):
    levels = [wx.ListLevel("decimal", "%1.", None, 720, 720)]
    numbering = parse_xml(f"<w:numbering {nsdecls('w')}>{cleanup}</w:numbering>")
    wx.add_to_numbering(numbering, wx.abstract_num(1, "0000ABCD", "legal", levels))
    wx.add_to_numbering(numbering, wx.num(1, 1))
    part = etree.tostring(numbering, encoding="UTF-8", standalone=True)
    for num_id in (2, 3):
        wx.add_to_numbering(numbering, wx.num(num_id, 1, restart=True))
    nums = [wx.restarted_num_xml(2, 1), wx.restarted_num_xml(3, 1)]
    assert wx.numbering_with(part, nums) == etree.tostring(numbering, encoding="UTF-8", standalone=True)


# ── settings, properties, package ──
def test_default_language_is_set_in_place():
    styles = parse_xml(f"<w:styles {nsdecls('w')}><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val='21'/>"
                       "</w:rPr></w:rPrDefault></w:docDefaults></w:styles>")
    wx.set_default_language(styles, "de-DE")
    wx.set_default_language(styles, "en-GB")
    langs = styles.findall(f".//{qn('w:lang')}")
    assert len(langs) == 1 and langs[0].get(qn("w:val")) == "en-GB"


def test_theme_font_lang():
    settings = parse_xml(f"<w:settings {nsdecls('w')}><w:themeFontLang w:val='en-US'/></w:settings>")
    wx.set_theme_font_lang(settings, "fr-FR")
    assert settings[0].get(qn("w:val")) == "fr-FR"


def test_custom_properties_validate_and_escape():
    schema = etree.XMLSchema(etree.parse(str(XSD / "shared-documentPropertiesCustom.xsd")))
    xml = wx.custom_properties_xml([("termsmith.deal.id", "a&b"), ("termsmith.clause.exit.cure", "1.0.0")])
    root = etree.fromstring(xml)
    _assert_valid(schema, root)
    props = root.findall(f"{{{wx.CUSTOM_PROPERTIES_NS}}}property")
    assert [p.get("pid") for p in props] == ["2", "3"]
    assert props[0][0].text == "a&b"


def test_content_types_override_every_part():
    xml = wx.content_types_xml([("/word/document.xml", "application/x-doc"),
                                ("/docProps/custom.xml", wx.CUSTOM_PROPERTIES_CT)])
    root = etree.fromstring(xml)
    overrides = [o.get("PartName") for o in root if etree.QName(o).localname == "Override"]
    assert overrides == ["/docProps/custom.xml", "/word/document.xml"]


def test_zip_is_deterministic():
    members = [("[Content_Types].xml", b"<a/>"), ("word/document.xml", b"<b/>" * 100)]
    first, second = wx.zip_members(members), wx.zip_members(members)
    assert first == second
    infos = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert [i.filename for i in infos] == ["[Content_Types].xml", "word/document.xml"]
    assert {i.date_time for i in infos} == {opc.ZIP_EPOCH}
    assert {(i.external_attr, i.create_system) for i in infos} == {(opc.ZIP_PERMISSIONS, 0)}


def test_elements_are_plain_lxml():
    # builders hand back plain lxml elements: rendering never needs python-docx (tests read the output with it)
    assert type(wx.paragraph(None)) is etree._Element
    assert type(_el(wx.run("x", wx.run_properties(bold=True)))[0]) is etree._Element


def test_qn_agrees_with_python_docx():
    for name in ("w:p", "w:val", "r:id", "cp:category", "dc:title", "dcterms:created", "xsi:type", "xml:space"):
        assert wx.qn(name) == qn(name)
    assert wx.qn("xml:space") == wx.XML_SPACE


def test_a_standalone_element_reads_as_w():
    assert etree.tostring(wx.paragraph("BodyText", [wx.run(" x ")]), encoding="unicode").startswith(
        f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="BodyText"/></w:pPr><w:r><w:t xml:space="preserve"> x ')


# ── headers, footers, the section ──
def _section_properties():
    return parse_xml(f"<w:sectPr {nsdecls('w', 'r')}><w:pgSz w:w='11906' w:h='16838'/><w:cols w:space='720'/>"
                     "<w:docGrid w:linePitch='360'/></w:sectPr>")


def test_section_references_open_the_section_and_title_page_sits_in_order(wml_schema):
    sect_pr = _section_properties()
    for kind, page, r_id in (("header", "default", "rId4"), ("header", "first", "rId9"),
                             ("footer", "default", "rId10"), ("footer", "first", "rId11")):
        wx.add_section_reference(sect_pr, wx.section_reference(kind, page, r_id))
    wx.set_title_page(sect_pr)
    wx.set_title_page(sect_pr)  # idempotent
    assert _children(sect_pr) == ["headerReference", "headerReference", "footerReference", "footerReference",
                                  "pgSz", "cols", "titlePg", "docGrid"]
    assert [(r.get(qn("w:type")), r.get(qn("r:id"))) for r in sect_pr[:4]] == [
        ("default", "rId4"), ("first", "rId9"), ("default", "rId10"), ("first", "rId11")]
    _assert_valid(wml_schema, _document(wx.paragraph(None), sect_pr))


def test_a_section_reference_replaces_the_one_for_the_same_page():
    sect_pr = _section_properties()
    wx.add_section_reference(sect_pr, wx.section_reference("header", "default", "rId1"))
    wx.add_section_reference(sect_pr, wx.section_reference("header", "default", "rId2"))
    assert [r.get(qn("r:id")) for r in sect_pr.iter(qn("w:headerReference"))] == ["rId2"]


def test_story_roots(wml_schema):
    header = etree.fromstring(wx.story("header", [wx.paragraph_xml("Header", wx.run("Title"))]))
    footer = etree.fromstring(wx.story("footer", [wx.paragraph_xml("Footer")]))
    assert (header.tag, footer.tag) == (qn("w:hdr"), qn("w:ftr"))
    _assert_valid(wml_schema, header)
    _assert_valid(wml_schema, footer)


# ── core properties ──
CORE = (b"<cp:coreProperties xmlns:cp='http://schemas.openxmlformats.org/package/2006/metadata/core-properties' "
        b"xmlns:dc='http://purl.org/dc/elements/1.1/' xmlns:dcterms='http://purl.org/dc/terms/' "
        b"xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'><dc:title>old</dc:title></cp:coreProperties>")


def test_core_properties_set_in_place_or_added():
    core = etree.fromstring(CORE)
    wx.set_core_property(core, "title", "New & improved")
    wx.set_core_property(core, "revision", 1)
    wx.set_core_property(core, "created", dt.datetime(2025, 3, 1, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    assert [etree.QName(c).localname for c in core] == ["title", "revision", "created"]
    assert core[0].text == "New & improved" and core[1].text == "1"
    assert core[2].text == "2025-03-01T00:00:00Z" and core[2].get(qn("xsi:type")) == "dcterms:W3CDTF"
    assert etree.tostring(core).count(b"xmlns:") == 4  # the part's own declarations serve


def test_core_property_in_a_part_that_does_not_declare_its_prefix():
    core = etree.fromstring(b"<cp:coreProperties "
                            b"xmlns:cp='http://schemas.openxmlformats.org/package/2006/metadata/core-properties'/>")
    wx.set_core_property(core, "modified", dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    reread = etree.fromstring(etree.tostring(core))
    assert reread[0].tag == qn("dcterms:modified") and reread[0].get(qn("xsi:type")) == "dcterms:W3CDTF"
    assert reread[0].nsmap["dcterms"] == wx.NS["dcterms"]  # the xsi:type value names its prefix


def test_core_property_values_are_cut_to_words_limit():
    core = etree.fromstring(CORE)
    wx.set_core_property(core, "title", "x" * 256)
    wx.set_core_property(core, "subject", "word " * 100)
    title = core.find(wx.qn("dc:title")).text
    subject = core.find(wx.qn("dc:subject")).text
    assert len(title) == 255 and title.endswith("…")
    assert len(subject) <= 255 and subject.endswith("word…")
