"""The Word renderer on hand-built Drafts: the real .docx inspected, linted, validated, read back and laid out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from termsmith.draft.document import CrossRef, Paragraph, Span, Table
from termsmith.render import layout, wordparts, wordstyle
from termsmith.render.word import render_docx
from termsmith.render.typography import smart_quotes

from ..docx_checks import contract_errors, schema_errors
from .conftest import REPO, large_draft, para, small_draft, t

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


# ── fixtures ─────────────────────────────────────────────────────────────────────────────
@pytest.fixture(scope="module")
def docx_bytes(draft) -> bytes:
    return render_docx(draft)


@pytest.fixture(scope="module")
def docx_path(docx_bytes, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("word") / "draft.docx"
    path.write_bytes(docx_bytes)
    return path


@pytest.fixture(scope="module")
def parts(docx_bytes) -> dict[str, etree._Element]:
    z = zipfile.ZipFile(io.BytesIO(docx_bytes))
    return {name: etree.fromstring(z.read(name)) for name in z.namelist() if name.endswith((".xml", ".rels"))}


@pytest.fixture(scope="module")
def body(parts) -> etree._Element:
    return parts["word/document.xml"].find("w:body", NS)


@pytest.fixture(scope="module")
def opened(docx_bytes):
    return docx.Document(io.BytesIO(docx_bytes))


def text_of(el) -> str:
    return "".join(x.text or "" for x in el.iter(f"{{{W}}}t"))


def style_of(p) -> str | None:
    s = p.find("w:pPr/w:pStyle", NS)
    return s.get(qn("w:val")) if s is not None else None


def paragraphs(body, style: str) -> list:
    return [p for p in body.iter(f"{{{W}}}p") if style_of(p) == style]


def val(el, path: str) -> str | None:
    found = el.find(path, NS)
    return found.get(qn("w:val")) if found is not None else None


def field_instructions(root) -> list[tuple[str, str]]:
    """(instruction, cached result) of every complex field, in document order."""
    out, stack = [], []
    for el in root.iter(f"{{{W}}}fldChar", f"{{{W}}}instrText", f"{{{W}}}t"):
        tag = etree.QName(el).localname
        if tag == "fldChar":
            kind = el.get(qn("w:fldCharType"))
            if kind == "begin":
                stack.append({"instr": "", "result": "", "sep": False})
            elif kind == "separate":
                stack[-1]["sep"] = True
            else:
                f = stack.pop()
                out.append((f["instr"].strip(), f["result"]))
        elif stack and tag == "instrText":
            stack[-1]["instr"] += el.text or ""
        elif stack and stack[-1]["sep"]:
            stack[-1]["result"] += el.text or ""
    return out


# ── styles and numbering ──────────────────────────────────────────────────────────────────
def test_every_paragraph_uses_a_defined_house_style(body, parts):
    defined = {s.get(qn("w:styleId")) for s in parts["word/styles.xml"].iter(f"{{{W}}}style")}
    used = {style_of(p) for p in body.iter(f"{{{W}}}p")} - {None}
    assert used <= defined
    assert {"Title", "CoverParty", "TOC1", "ArticleHeading", "ClauseLevel1", "ClauseLevel2", "ClauseLevel3",
            "BodyLevel2", "BulletLevel2", "BulletLevel3", "Definition", "ScheduleHeading", "ScheduleLevel1",
            "ScheduleLevel4", "ExecutionHeading", "TableText", "TableHeading", "SignatureText"} <= used
    runs = {val(r, "w:rPr/w:rStyle") for r in body.iter(f"{{{W}}}r")} - {None}
    assert runs == {"DefinedTerm", "RunInHeading", "Hyperlink"}


def _abstract_level(parts, num_id: str, ilvl: int):
    numbering = parts["word/numbering.xml"]
    num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
    abstract_id = val(num, "w:abstractNumId")
    abstract = numbering.find(f"w:abstractNum[@w:abstractNumId='{abstract_id}']", NS)
    return abstract.find(f"w:lvl[@w:ilvl='{ilvl}']", NS)


@pytest.mark.parametrize("style, ilvl, fmt, text", [
    ("ArticleHeading", 0, "decimal", "%1."),
    ("ClauseLevel1", 1, "decimal", "%1.%2"),
    ("ClauseLevel2", 2, "lowerLetter", "(%3)"),
    ("ClauseLevel3", 3, "lowerRoman", "(%4)"),
    ("ClauseLevel4", 4, "upperLetter", "(%5)"),
    ("ScheduleHeading", 0, "decimal", "Schedule %1"),
    ("ScheduleLevel1", 0, "decimal", "%1."),
    ("ScheduleLevel2", 1, "lowerLetter", "(%2)"),
    ("ScheduleLevel3", 2, "lowerRoman", "(%3)"),
    ("ScheduleLevel4", 3, "upperLetter", "(%4)"),
])
def test_numbering_comes_from_lists_linked_to_styles(parts, style, ilvl, fmt, text):
    definition = parts["word/styles.xml"].find(f"w:style[@w:styleId='{style}']", NS)
    assert int(val(definition, "w:pPr/w:numPr/w:ilvl")) == ilvl
    lvl = _abstract_level(parts, val(definition, "w:pPr/w:numPr/w:numId"), ilvl)
    assert val(lvl, "w:numFmt") == fmt and val(lvl, "w:lvlText") == text
    assert val(lvl, "w:pStyle") == style  # the list links back to the style


def test_headings_are_in_the_navigation_pane(parts):
    styles = parts["word/styles.xml"]
    for style in ("ArticleHeading", "ScheduleHeading", "ExecutionHeading"):
        definition = styles.find(f"w:style[@w:styleId='{style}']", NS)
        assert val(definition, "w:basedOn") == "Heading1"
        assert definition.find("w:pPr/w:keepNext", NS) is not None
    assert val(styles.find("w:style[@w:styleId='Heading1']", NS), "w:pPr/w:outlineLvl") == "0"
    assert styles.find("w:style[@w:styleId='ArticleHeading']/w:rPr/w:caps", NS) is not None


def test_article_paragraphs_number_through_their_styles_only(body):
    for style in ("ArticleHeading", "ClauseLevel1", "ClauseLevel2", "ClauseLevel3"):
        assert all(p.find("w:pPr/w:numPr", NS) is None for p in paragraphs(body, style))


def test_each_schedule_restarts_its_own_list(body, parts):
    numbering = parts["word/numbering.xml"]
    per_schedule, current = [], None
    for p in body.iter(f"{{{W}}}p"):
        if style_of(p) == "ScheduleHeading":
            current = set()
            per_schedule.append(current)
        elif current is not None and (style_of(p) or "").startswith("ScheduleLevel"):
            current.add(val(p, "w:pPr/w:numPr/w:numId"))
    assert len(per_schedule) == 2 and all(len(ids) == 1 for ids in per_schedule)
    (first,), (second,) = per_schedule
    assert first != second
    for num_id in (first, second):
        num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
        assert val(num, "w:lvlOverride[@w:ilvl='0']/w:startOverride") == "1"


def test_no_number_is_typed_as_text(body):
    for p in body.iter(f"{{{W}}}p"):
        if style_of(p) in ("TOC1", "TableText", None):
            continue
        assert not re.match(r"^\s*(\d+(\.\d+)*\.?|\([a-zA-Z]+\))\s", text_of(p)), text_of(p)


def test_clause_title_is_run_in_and_bold(body):
    first = paragraphs(body, "ClauseLevel1")[0]
    runs = first.findall("w:r", NS)
    assert val(runs[0], "w:rPr/w:rStyle") == "RunInHeading" and text_of(runs[0]) == "Definitions."
    assert text_of(first).startswith("Definitions. In this Agreement")


def test_definitions_and_defined_terms(body, parts):
    defs = paragraphs(body, "Definition")
    assert [text_of(p).split(" means")[0] for p in defs] == ["\u201cBusiness Day\u201d", "\u201cServices\u201d"]
    term = defs[0].find("w:r", NS)
    assert val(term, "w:rPr/w:rStyle") == "DefinedTerm"
    style = parts["word/styles.xml"].find("w:style[@w:styleId='DefinedTerm']", NS)
    assert style.get(qn("w:type")) == "character" and style.find("w:rPr/w:b", NS) is not None


def test_inline_emphasis_is_one_run_each(body):
    item = next(p for p in paragraphs(body, "ClauseLevel2") if "including" in text_of(p))
    bold = [r for r in item.findall("w:r", NS) if r.find("w:rPr/w:b", NS) is not None]
    assert [text_of(r) for r in bold] == ["including"]
    strike = [r for r in body.iter(f"{{{W}}}r") if r.find("w:rPr/w:strike", NS) is not None]
    assert [text_of(r) for r in strike] == [" Deleted words"]
    broken = next(p for p in paragraphs(body, "ClauseLevel3") if "exhaustive" in text_of(p))
    assert broken.find("w:r/w:br", NS) is not None


# ── cross-references, bookmarks, links, contents ─────────────────────────────────────────
def test_every_ref_has_its_bookmark_and_the_right_cached_number(body, draft):
    bookmarks = {b.get(qn("w:name")) for b in body.iter(f"{{{W}}}bookmarkStart")}
    refs = [(i, r) for i, r in field_instructions(body) if i.startswith("REF ")]
    expected = [(x.anchor, x.label) for s in draft.sections for c in s.clauses for b in c.blocks
                if isinstance(b, Paragraph) for x in b.inlines if isinstance(x, CrossRef)]
    assert [(i.split()[1], r) for i, r in refs] == expected
    assert all(re.fullmatch(r"REF \S+ \\w \\h", i) for i, _ in refs)
    assert {a for a, _ in expected} <= bookmarks


def test_bookmarks_sit_on_their_targets(body, draft):
    starts = {b.get(qn("w:name")): b.getparent() for b in body.iter(f"{{{W}}}bookmarkStart")}
    for section in draft.sections:
        assert style_of(starts[section.anchor]) in ("ArticleHeading", "ScheduleHeading", "ExecutionHeading")
        for clause in section.clauses:
            assert text_of(starts[clause.anchor]).startswith(clause.title) or section.kind == "signatures"
    ids = [b.get(qn("w:id")) for b in body.iter(f"{{{W}}}bookmarkStart")]
    assert sorted(ids) == sorted({b.get(qn("w:id")) for b in body.iter(f"{{{W}}}bookmarkEnd")})
    assert len(set(ids)) == len(ids)


def test_external_link_has_a_relationship(body, parts):
    link = next(h for h in body.iter(f"{{{W}}}hyperlink") if h.get(qn("r:id")))
    rels = parts["word/_rels/document.xml.rels"]
    rel = next(r for r in rels if r.get("Id") == link.get(qn("r:id")))
    assert rel.get("Target") == "https://example.com/terms?a=1&b=2" and rel.get("TargetMode") == "External"
    assert val(link.find("w:r", NS), "w:rPr/w:rStyle") == "Hyperlink"


def test_contents_lists_the_headings_with_their_page_numbers(body, draft, parts):
    toc = paragraphs(body, "TOC1")
    begin = toc[0].find("w:r/w:fldChar", NS)
    # cached entries a print shows as they are: Word need not ask to update the field on opening
    assert begin.get(qn("w:fldCharType")) == "begin" and begin.get(qn("w:dirty")) is None
    instructions = field_instructions(body)
    assert 'TOC \\o "1-1" \\h \\z \\u' in [i for i, _ in instructions]
    anchors = [h.get(qn("w:anchor")) for p in toc for h in p.findall("w:hyperlink", NS)]
    assert anchors == [s.anchor for s in draft.sections]
    # each entry ends with a PAGEREF field to its heading's bookmark, after the dotted right-aligned tab
    pagerefs = [(i, cached) for i, cached in instructions if i.startswith("PAGEREF")]
    assert [i for i, _ in pagerefs] == [f"PAGEREF {s.anchor} \\h" for s in draft.sections]
    pages = [int(cached) for _, cached in pagerefs]
    assert pages[0] == 3 and pages == sorted(pages)  # cover, contents, then the body
    assert pages[3:] == list(range(pages[3], pages[3] + 3))  # execution and schedules start new pages
    assert [text_of(p) for p in toc] == [
        f"{number}{title}{page}" for (number, title), page in zip(
            [("1.", "Definitions and Interpretation"), ("2.", "Services"), ("3.", "Termination"), ("", "Execution"),
             ("Schedule 1", "Service Levels"), ("Schedule 2", "Budget")], pages, strict=True)]
    assert all(len(p.findall(".//w:tab", NS)) == 2 for p in toc)  # number ⇥ title ⇥ page
    tab = parts["word/styles.xml"].find("w:style[@w:styleId='TOC1']/w:pPr/w:tabs/w:tab", NS)
    assert (tab.get(qn("w:val")), tab.get(qn("w:leader")), tab.get(qn("w:pos"))) == ("right", "dot", "9072")


# ── tables and signatures ─────────────────────────────────────────────────────────────────
def _tables(body):
    return body.findall("w:tbl", NS)


def test_tables_have_style_repeating_header_and_rows_that_do_not_split(body):
    ruled = [t for t in _tables(body) if val(t, "w:tblPr/w:tblStyle") == "ContractTable"]
    assert len(ruled) == 3
    for table in ruled:
        rows = table.findall("w:tr", NS)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
        assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
    reporting = ruled[0]
    assert [val(tc, "w:p/w:pPr/w:jc") for tc in reporting.findall("w:tr/w:tc", NS)[:3]] == [None, "center", "right"]
    assert reporting.find("w:tblPr/w:tblInd", NS).get(qn("w:w")) == str(wordstyle.INDENT)


def test_signature_blocks_are_borderless_tables_kept_together(body, draft):
    blocks = [t for t in _tables(body) if t.find("w:tblPr/w:tblStyle", NS) is None]
    # the same words as the Markdown twin's execution block
    assert [text_of(b.find("w:tr", NS)) for b in blocks] == [
        f"Signed for and on behalf of {smart_quotes(p.party_name)}" for p in draft.parties]
    assert all(r.find("w:rPr/w:b", NS) is not None for b in blocks for r in b.find("w:tr", NS).iter(f"{{{W}}}r"))
    for block in blocks:
        borders = block.find("w:tblPr/w:tblBorders", NS)
        assert {b.get(qn("w:val")) for b in borders} == {"nil"}
        rows = block.findall("w:tr", NS)
        assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
        assert all(p.find("w:pPr/w:keepNext", NS) is not None for r in rows[:-1] for p in r.iter(f"{{{W}}}p"))
        assert all(p.find("w:pPr/w:keepNext", NS) is None for p in rows[-1].iter(f"{{{W}}}p"))
        labels = [text_of(r.find("w:tc", NS)) for r in rows[1:]]
        assert labels == ["Signed by:", "Name:", "Title:", "Date:"]
        assert rows[1].find("w:tc[2]/w:tcPr/w:tcBorders/w:bottom", NS) is not None  # the signature line
    assert text_of(blocks[2]).startswith("Signed for and on behalf of Smith & Jones <Holdings> \u201cAlpha\u201d")
    lead_in = blocks[0].getprevious()
    assert text_of(lead_in).startswith("This Agreement has been entered into")
    assert lead_in.find("w:pPr/w:keepNext", NS) is not None  # never a signature page on its own


def test_document_ends_with_a_paragraph(body):
    assert etree.QName(body[-2]).localname == "p" and etree.QName(body[-1]).localname == "sectPr"


# ── page layout and furniture ─────────────────────────────────────────────────────────────
def test_page_is_a4_with_a_cover_without_running_header(body, opened):
    section = opened.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert section.left_margin.twips + section.right_margin.twips + wordstyle.TEXT_WIDTH == 11906
    assert section.different_first_page_header_footer
    assert [p.text for p in section.header.paragraphs] == ["Technology Partnership Agreement"]
    assert all(not p.text for p in section.first_page_header.paragraphs)


def test_schedules_and_execution_start_on_new_pages(body, parts):
    styles = parts["word/styles.xml"]
    for style in ("ScheduleHeading", "ExecutionHeading", "TOCHeading"):
        assert styles.find(f"w:style[@w:styleId='{style}']/w:pPr/w:pageBreakBefore", NS) is not None
    first_article = paragraphs(body, "ArticleHeading")[0]
    assert first_article.find("w:pPr/w:pageBreakBefore", NS) is not None  # after the contents


def _stories(parts, kind: str) -> dict[str, etree._Element]:
    """{page type: header or footer part} of the document's section."""
    rels = {r.get("Id"): r.get("Target") for r in parts["word/_rels/document.xml.rels"]}
    sect_pr = parts["word/document.xml"].find("w:body/w:sectPr", NS)
    return {ref.get(qn("w:type")): parts["word/" + rels[ref.get(qn("r:id"))]]
            for ref in sect_pr.findall(f"w:{kind}Reference", NS)}


def test_footer_gives_the_document_reference_draft_status_and_page_x_of_y(parts):
    footer = _stories(parts, "footer")["default"]
    assert [i for i, _ in field_instructions(footer)] == ["PAGE", "NUMPAGES"]
    assert text_of(footer).startswith("acme-globex \u00b7 2026-11-30 \u00b7 Draft \u2014 subject to contract")
    assert "Page 1 of 1" in text_of(footer)
    assert "library" not in text_of(footer)  # provenance is in the document properties


def test_the_cover_has_neither_header_nor_footer(parts):
    sect_pr = parts["word/document.xml"].find("w:body/w:sectPr", NS)
    assert sect_pr.find("w:titlePg", NS) is not None
    for kind in ("header", "footer"):
        first = _stories(parts, kind)["first"]
        assert text_of(first) == "" and not field_instructions(first)


def test_a_final_agreement_has_no_draft_marking():
    data = render_docx(dataclasses.replace(small_draft(), status=""))
    footer = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/footer1.xml"))
    assert "Draft" not in text_of(footer) and text_of(footer).startswith("acme-globex \u00b7 2026-11-30")


# ── metadata and hygiene ──────────────────────────────────────────────────────────────────
def test_core_properties(opened, draft):
    core = opened.core_properties
    assert core.title == draft.title and core.subject == draft.subject
    assert core.author == core.last_modified_by == "termsmith Legal Operations"
    assert core.revision == 1 and core.language == "en-GB"
    # when the document was made, never the effective date (2025-03-01 here, usually in the future)
    assert core.created == core.modified == dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.timezone.utc)
    assert core.content_status == "Draft \u2014 subject to contract"
    assert not core.comments


def test_custom_properties_carry_provenance(parts, draft):
    root = parts["docProps/custom.xml"]
    props = {p.get("name"): p[0].text for p in root}
    # a handful, not one per clause: the clauses and their versions are in the manifest
    assert props == {
        "termsmith.version": "0.1.0",
        "termsmith.deal.id": "acme-globex",
        "termsmith.deal.file": "acme-globex.yaml",
        "termsmith.deal.sha256": "ab" * 32,
        "termsmith.library.name": "termsmith standard partnership library",
        "termsmith.library.version": "1.0.0",
        "termsmith.library.commit": draft.provenance.library_commit,
        "termsmith.clauses": str(len(draft.provenance.clauses)),
        "termsmith.manifest": "acme-globex.manifest.json",
    }
    assert all(len(v) <= 255 and len(k) <= 255 for k, v in props.items())
    rels = parts["_rels/.rels"]
    assert any(r.get("Target") == "docProps/custom.xml" for r in rels)


def test_custom_properties_without_commit():
    d = small_draft()
    d = dataclasses.replace(d, provenance=dataclasses.replace(d.provenance, library_commit=None))
    names = [n for n, _ in wordparts.custom_properties(d)]
    assert "termsmith.library.commit" not in names


def test_language(parts):
    assert val(parts["word/styles.xml"], "w:docDefaults/w:rPrDefault/w:rPr/w:lang") == "en-GB"
    assert val(parts["word/settings.xml"], "w:themeFontLang") == "en-GB"


def test_language_follows_the_draft():
    data = render_docx(dataclasses.replace(small_draft(), language="de-DE"))
    z = zipfile.ZipFile(io.BytesIO(data))
    assert b'<w:lang w:val="de-DE"' in z.read("word/styles.xml")
    assert b'<w:themeFontLang w:val="de-DE"' in z.read("word/settings.xml")


def test_package_hygiene(docx_bytes, parts):
    z = zipfile.ZipFile(io.BytesIO(docx_bytes))
    names = z.namelist()
    assert not any("thumbnail" in n or "stylesWithEffects" in n or n.startswith("customXml") for n in names)
    assert all(b"python-docx" not in z.read(n) for n in names)
    assert parts["word/settings.xml"].find("w:zoom", NS).get(qn("w:percent")) == "100"
    assert parts["docProps/app.xml"].findtext("{*}Application") == "termsmith"


# ── errors: nothing is silently dropped ───────────────────────────────────────────────────
def _with_block(block, index: int = 0):
    d = small_draft()
    section = d.sections[0]
    clause = section.clauses[0]
    clause = dataclasses.replace(clause, blocks=(*clause.blocks[: index + 1], block, *clause.blocks[index + 1:]))
    section = dataclasses.replace(section, clauses=(clause, *section.clauses[1:]))
    return dataclasses.replace(d, sections=(section, *d.sections[1:]))


@dataclasses.dataclass(frozen=True)
class Footnote:
    text: str


def test_unknown_inline_is_an_error_naming_it():
    with pytest.raises(ValueError, match="cannot render Footnote .*definitions.terms"):
        render_docx(_with_block(para("body", 1, "", t("x"), Footnote("n"))))


def test_unknown_block_is_an_error_naming_it():
    with pytest.raises(ValueError, match="cannot render Footnote"):
        render_docx(_with_block(Footnote("n")))


def test_unknown_role_is_an_error():
    with pytest.raises(ValueError, match="role 'quote'"):
        render_docx(_with_block(para("quote", 1, "", t("x"))))


def test_a_label_word_would_not_show_is_an_error():
    # "(b)" where Word's list would show "(a)": the twin and the document would disagree
    with pytest.raises(ValueError, match=r"'\(b\)' but Word's numbering shows '\(a\)'"):
        render_docx(_with_block(para("item", 2, "(b)", t("x"))))


def test_a_reference_to_nothing_is_an_error():
    missing = CrossRef("nowhere", "_Ref_nowhere", "9.9")
    with pytest.raises(ValueError, match="_Ref_nowhere"):
        render_docx(_with_block(para("body", 1, "", missing)))


def test_a_ragged_table_is_an_error():
    with pytest.raises(ValueError, match="differ in length"):
        render_docx(_with_block(Table(((Span("a"),),), (((Span("1"),), (Span("2"),)),), ("left",))))


def test_a_duplicated_bookmark_is_an_error():
    d = small_draft()
    sections = list(d.sections)
    sections[1] = dataclasses.replace(sections[1], anchor=sections[0].anchor)
    with pytest.raises(ValueError, match="claimed by both"):
        render_docx(dataclasses.replace(d, sections=tuple(sections)))


# ── the contract lint and the ECMA-376 schemas (tests/docx_checks.py) ────────────────────────────────────────────────────
def test_contract_lint_is_clean(docx_path, draft):
    assert contract_errors(docx_path) == []


def test_schema_valid(docx_path):
    checked, errors = schema_errors(docx_path)
    assert errors == []
    assert {"word/document.xml", "word/styles.xml", "word/numbering.xml", "word/settings.xml",
            "word/header1.xml", "word/footer1.xml", "docProps/custom.xml"} <= set(checked)


def test_reference_document_is_what_build_reference_makes():
    """templates/reference.docx is up to date with build_reference.py (regenerate and commit both)."""
    sys.path.insert(0, str(REPO / "templates"))
    try:
        import build_reference
    finally:
        sys.path.pop(0)

    def members(data: bytes) -> list[tuple[str, bytes]]:
        # compared unzipped: DEFLATE bytes may differ between zlib builds, the parts may not
        z = zipfile.ZipFile(io.BytesIO(data))
        return [(name, z.read(name)) for name in z.namelist()]

    assert members(build_reference.build()) == members(wordparts.reference_docx_path().read_bytes())


# ── pandoc reads it back ──────────────────────────────────────────────────────────────────
@pytest.fixture(scope="module")
def pandoc_markdown(docx_path) -> str:
    pypandoc = pytest.importorskip("pypandoc")
    result = subprocess.run([pypandoc.get_pandoc_path(), "-f", "docx", "-t", "markdown", "--wrap=none",
                             str(docx_path)], capture_output=True, text=True, check=True)
    return result.stdout


def test_pandoc_recovers_headings(pandoc_markdown):
    headings = ("Definitions and Interpretation", "Services", "Termination", "Execution", "Service Levels", "Budget")
    for heading in headings:
        assert re.search(rf"^# {heading} \{{", pandoc_markdown, re.MULTILINE), heading


def test_pandoc_recovers_nested_lists(pandoc_markdown):
    md = pandoc_markdown
    anchor = r"\[\]\{#_Ref_definitions_interpretation \.anchor\}"
    assert re.search(rf"^2\.  {anchor}\*\*Interpretation\.\*\*", md, re.MULTILINE)
    assert re.search(r"^    \(a\) a reference to a \*Party\*", md, re.MULTILINE)
    assert re.search(r"^        \(i\) examples are illustrative", md, re.MULTILINE)
    assert re.search(r"^            \(A\) capped at 20 %", md, re.MULTILINE)
    assert re.search(r"^  - follow good industry practice", md, re.MULTILINE)


def test_pandoc_recovers_tables_and_links(pandoc_markdown):
    md = pandoc_markdown
    assert re.search(r"Availability +99\.9 % +monthly", md)
    assert re.search(r"Acme +60 % +600,000", md)
    assert "[1.2](#_Ref_definitions_interpretation)" in md  # the REF field became an internal link
    assert "[*3.1*](#_Ref_termination_cause)" in md
    assert re.search(r"\[\*\*Schedule 2\*\*\]\(#budget\)", md)
    assert "[service terms](https://example.com/terms?a=1&b=2)" in md
    assert '**"Business Day"**' in md or "**“Business Day”**" in md


# ── determinism and speed ─────────────────────────────────────────────────────────────────
RENDER_SCRIPT = """
import sys
sys.path.insert(0, {repo!r})
from tests.render.conftest import small_draft
from termsmith.render.word import render_docx
sys.stdout.buffer.write(render_docx(small_draft()))
"""


def test_byte_identical_across_processes(docx_bytes):
    script = RENDER_SCRIPT.format(repo=str(REPO))
    outputs = []
    for tz, seed in (("UTC", "1"), ("Asia/Tokyo", "2")):
        env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": seed}
        outputs.append(subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, env=env,
                                      cwd=str(REPO)).stdout)
    assert outputs[0] == outputs[1] == docx_bytes


def test_the_reference_document_is_read_once_per_process():
    """How fast a 25-clause draft renders is a benchmark figure (benchmarks/bench.py), not a timed test."""
    big = large_draft()
    assert sum(len(s.clauses) for s in big.sections) == 25
    for _ in range(3):
        render_docx(big)
    assert wordparts.reference_archive.cache_info().misses == 1


# ── LibreOffice lays it out: computed numbers, REF results, page fields ───────────────────
@pytest.fixture(scope="module")
def layout_text(docx_bytes, tmp_path_factory) -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) and poppler-utils (pdftotext) are needed to lay the document out")
    out = tmp_path_factory.mktemp("layout")
    # Blank every cached REF result first, so the numbers in the PDF can only come from the
    # bookmarks and the list definitions (LibreOffice recomputes REF fields when it lays out).
    src = out / "draft.docx"
    src.write_bytes(_blank_ref_results(docx_bytes))
    profile = (out / "profile").as_uri()
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile}", "--convert-to", "pdf",
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=120)
    return subprocess.run(["pdftotext", "-layout", str(out / "draft.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout


def _blank_ref_results(data: bytes) -> bytes:
    zin, buf = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(content)
                in_ref = False
                for el in root.iter(f"{{{W}}}instrText", f"{{{W}}}t", f"{{{W}}}fldChar"):
                    tag = etree.QName(el).localname
                    if tag == "instrText":
                        in_ref = el.text.strip().startswith("REF ")
                    elif tag == "fldChar" and el.get(qn("w:fldCharType")) == "end":
                        in_ref = False
                    elif tag == "t" and in_ref:
                        el.text = "??"
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(info, content)
    return buf.getvalue()


def test_layout_shows_computed_clause_numbers(layout_text):
    text = layout_text
    assert re.search(r"^1\. +DEFINITIONS AND INTERPRETATION", text, re.MULTILINE)
    assert re.search(r"^1\.1 +Definitions\. In this Agreement", text, re.MULTILINE)
    assert re.search(r"^ +\(a\) +a reference to a Party", text, re.MULTILINE)
    assert re.search(r"^ +\(i\) +examples are illustrative", text, re.MULTILINE)
    assert re.search(r"^3\.2 +Consequences\.", text, re.MULTILINE)
    assert re.search(r"^SCHEDULE 1 +SERVICE LEVELS", text, re.MULTILINE)
    assert re.search(r"^SCHEDULE 2 +BUDGET", text, re.MULTILINE)
    assert re.search(r"^ +\(A\) +capped at 20 %", text, re.MULTILINE)
    # schedule clauses restart at 1 in every schedule
    budget = text[text.index("SCHEDULE 2"):]
    assert re.search(r"^1\. +Cost sharing\.", budget, re.MULTILINE)
    assert re.search(r"^2\. +Review\.", budget, re.MULTILINE)


def test_layout_resolves_cross_references(layout_text):
    text = re.sub(r"\s+", " ", layout_text)
    assert "??" not in text
    assert "in accordance with 1.2, Schedule 2 and the published service terms" in text
    assert "described in Schedule 1." in text
    assert "including under 3.1." in text


def test_layout_numbers_pages(layout_text):
    pages = re.findall(r"Page (\d+) of (\d+)", layout_text)
    assert pages[0] == ("2", pages[0][1])  # the cover has no footer
    total = int(pages[0][1])
    assert [int(p) for p, _ in pages] == list(range(2, total + 1)) and {int(n) for _, n in pages} == {total}
    assert "acme-globex \u00b7 2026-11-30 \u00b7 Draft \u2014 subject to contract" in layout_text
    cover = layout_text.split("\f")[0]
    assert "Page" not in cover and "Draft" not in cover


def test_lead_ins_stay_with_what_they_introduce(body):
    def keeps(fragment: str) -> bool:
        p = next(p for p in body.iter(f"{{{W}}}p") if fragment in text_of(p))
        return p.find("w:pPr/w:keepNext", NS) is not None

    assert keeps("the following definitions apply:")  # → definitions
    assert keeps("unless the context requires otherwise:")  # → (a)
    assert keeps("which means that:")  # (b) → (i)
    assert keeps("The Provider shall:")  # → bullets
    assert keeps("report the following figures:")  # → table
    assert not keeps("a reference to a")  # (a) → (b): siblings are free to part
    assert not keeps("becomes insolvent.")


def test_short_tables_are_kept_on_one_page(body):
    reporting = body.findall("w:tbl", NS)[0]
    rows = reporting.findall("w:tr", NS)
    assert all(p.find("w:pPr/w:keepNext", NS) is not None for r in rows[1:-1] for p in r.iter(f"{{{W}}}p"))
    assert all(p.find("w:pPr/w:keepNext", NS) is None for p in rows[-1].iter(f"{{{W}}}p"))


def test_column_widths_fill_the_text_and_keep_short_columns_on_one_line(body):
    reporting = body.findall("w:tbl", NS)[0]
    widths = [int(c.get(qn("w:w"))) for c in reporting.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(widths) == wordstyle.TEXT_WIDTH - wordstyle.INDENT
    cells = [[text_of(tc) for tc in tr.findall("w:tc", NS)] for tr in reporting.findall("w:tr", NS)]
    for i, width in enumerate(widths):
        assert width >= max(len(row[i]) for row in cells) * layout.CHAR_TWIPS
