"""What a firm would otherwise fix by hand before sending a draft: lists, styles, settings, quotes, tables."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from lxml import etree

from termsmith.draft.document import Paragraph, Table
from termsmith.render import layout, word
from termsmith.render.markdown import render_markdown
from termsmith.render.typography import smart_quotes
from termsmith.render.word import render_docx

from .conftest import para, small_draft, t

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
NS = {"w": W, "w14": W14}


def part(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


def test_every_list_defines_all_nine_levels():
    numbering = part(render_docx(small_draft()), "word/numbering.xml")
    lists = numbering.findall("w:abstractNum", NS)
    assert len(lists) == 4
    for absnum in lists:
        levels = absnum.findall("w:lvl", NS)
        assert [int(lvl.get(f"{{{W}}}ilvl")) for lvl in levels] == list(range(9))
        lefts = [int(lvl.find("w:pPr/w:ind", NS).get(f"{{{W}}}left")) for lvl in levels]
        assert lefts == sorted(lefts) and lefts[8] > lefts[7] > lefts[6] > lefts[5] > lefts[4]  # deeper, further in


def test_built_in_styles_are_not_custom_and_comment_styles_exist():
    styles = part(render_docx(small_draft()), "word/styles.xml")
    for style_id, name in (("TOC1", "toc 1"), ("Hyperlink", "Hyperlink"), ("CommentText", "annotation text"),
                           ("CommentReference", "annotation reference")):
        style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        assert style.find("w:name", NS).get(f"{{{W}}}val") == name
        assert style.get(f"{{{W}}}customStyle") is None
    assert styles.find("w:style[@w:styleId='ClauseLevel1']", NS).get(f"{{{W}}}customStyle") == "1"


def _doc_id(data: bytes) -> str:
    return part(data, "word/settings.xml").find("w14:docId", NS).get(f"{{{W14}}}val")


def test_no_spelling_state_and_a_document_id_of_its_own():
    first = render_docx(small_draft())
    settings = part(first, "word/settings.xml")
    assert settings.find("w:proofState", NS) is None
    other = render_docx(dataclasses.replace(small_draft(), title="Reseller Agreement"))
    assert _doc_id(first) != _doc_id(other)  # one id per document …
    assert _doc_id(first) == _doc_id(render_docx(small_draft()))  # … derived from its content
    assert len(_doc_id(first)) == 8 and int(_doc_id(first), 16) < 0x80000000


def test_typographic_quotes_in_both_formats_but_not_in_identifiers():
    draft = small_draft()
    text = (t("The Provider's \"Platform\" is at "), t("https://x.example/it's"), t(" and 'ours'."))
    articles = list(draft.sections)
    first = articles[0]
    clause = dataclasses.replace(first.clauses[1], blocks=(para("clause", 1, "1.2", *text, anchor=first.clauses[1].anchor),))
    articles[0] = dataclasses.replace(first, clauses=(first.clauses[0], clause))
    draft = dataclasses.replace(draft, sections=tuple(articles))
    expected = "The Provider\u2019s \u201cPlatform\u201d is at https://x.example/it's and \u2018ours\u2019."
    body = part(render_docx(draft), "word/document.xml")
    texts = ["".join(p.itertext()) for p in body.iter(f"{{{W}}}p")]
    assert any(expected in x for x in texts)
    assert expected.replace("_", "\\_") in render_markdown(draft)


def test_smart_quotes_follow_the_text_before_them():
    assert smart_quotes('"', "a") == "\u201d" and smart_quotes('"x', "") == "\u201cx"
    assert smart_quotes("rock 'n' roll") == "rock \u2018n\u2019 roll"
    assert smart_quotes("mail o'brien@firm.example") == "mail o'brien@firm.example"


def _long_table(rows: int) -> Table:
    cell = "a long description of a step that wraps over several lines in a narrow column of the table " * 2
    return Table(((t("Step"),), (t("Detail"),)), tuple(((t(f"Step {n}"),), (t(cell),)) for n in range(rows)),
                 ("left", "left"), 1)


def test_only_header_rows_and_short_tables_are_kept_together():
    draft = small_draft()
    sections = list(draft.sections)
    services = sections[1]
    reporting = services.clauses[2]
    blocks = (Paragraph("clause", 1, "2.3", (t("The steps are:"),), reporting.anchor), _long_table(12))
    sections[1] = dataclasses.replace(services, clauses=(*services.clauses[:2],
                                                        dataclasses.replace(reporting, blocks=blocks)))
    body = part(render_docx(dataclasses.replace(draft, sections=tuple(sections))), "word/document.xml")
    long_table = next(tbl for tbl in body.iter(f"{{{W}}}tbl") if "Step 11" in "".join(tbl.itertext()))
    rows = long_table.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    # the header row stays with the first row (its style keeps it there), the body rows are free to part,
    # except that the first stays with the second and the last but one with the last (no row alone on a page)
    def kept(r):
        return all(p.find("w:pPr/w:keepNext", NS) is not None for p in r.iter(f"{{{W}}}p"))
    assert [kept(r) for r in rows[1:]] == [True] + [False] * (len(rows) - 4) + [True, False]
    lead_in = long_table.getprevious()
    assert lead_in.find("w:pPr/w:keepNext", NS) is not None
    empty = word._Para(None, layout.shown(""))
    assert layout.table_lines([[word._cell_text([empty])]], [2000]) == 1


def test_the_page_estimate_follows_the_section_page_size():
    a4 = etree.fromstring(f'<w:sectPr xmlns:w="{W}"><w:pgSz w:w="11906" w:h="16838"/>'
                          '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417"/></w:sectPr>')
    letter = etree.fromstring(f'<w:sectPr xmlns:w="{W}"><w:pgSz w:w="12240" w:h="15840"/>'
                              '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/></w:sectPr>')
    assert layout.page_area(a4) == (9072, 14004)
    assert layout.page_area(letter) == (9360, 12960)
    assert layout.page_area(None) == (9072, 14004)


def test_the_page_estimate_starts_its_memos_again_past_their_limits(monkeypatch):
    # a long-running process meets ever new words and paragraphs: what it measured is forgotten, not kept
    draft = small_draft()
    first = render_docx(draft)
    layout.LINES[("a paragraph of another draft", 9072, 0, 210, False)] = 1
    monkeypatch.setattr(layout, "LINES_LIMIT", 1)
    assert render_docx(draft) == first  # measured afresh, the same estimate
    assert ("a paragraph of another draft", 9072, 0, 210, False) not in layout.LINES
    assert 0 < len(layout.LINES) and layout.WORD_WIDTHS


def test_what_paragraphs_show_is_read_again_past_its_limit(monkeypatch):
    draft = small_draft()
    first = render_docx(draft)
    foreign = "<w:r><w:t>a paragraph of another draft</w:t></w:r>"
    monkeypatch.setattr(layout, "SHOWN", {foreign: layout.Shown("x", "x", "x")})
    monkeypatch.setattr(layout, "SHOWN_LIMIT", 1)
    assert render_docx(draft) == first
    assert foreign not in layout.SHOWN
    assert len(layout.SHOWN) == 1


def test_styles_are_resolved_once_per_styles_part():
    styles = (f'<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="20"/></w:rPr>'
              '</w:rPrDefault></w:docDefaults>'
              '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:pPr><w:spacing w:after="120"/>'
              '</w:pPr></w:style><w:style w:type="paragraph" w:styleId="Big"><w:basedOn w:val="Normal"/>'
              '<w:rPr><w:sz w:val="{size}"/></w:rPr></w:style></w:styles>')
    one, other = styles.replace("{size}", "28").encode(), styles.replace("{size}", "32").encode()
    assert layout.styles_of(one) is layout.styles_of(bytes(one))
    assert layout.styles_of(one).resolve("Big") == layout.Style(size=28, after=120)
    assert layout.styles_of(other).resolve("Big") == layout.Style(size=32, after=120)
    assert layout.styles_of(one).resolve(None) == layout.Style(size=20, after=120)  # the default style
    assert layout.styles_of(one).resolve("Unknown") == layout.Style(size=20)  # the document defaults
    loop = styles.replace("Normal", "Big", 1).replace("{size}", "28").encode()  # Big is based on itself
    assert layout.styles_of(loop).resolve("Big") == layout.Style(size=28)


def test_the_page_estimate_measures_bold_words_at_the_bold_widths():
    bold = layout.shown('<w:r><w:rPr><w:rStyle w:val="RunInHeading"/></w:rPr><w:t>Payment terms.</w:t></w:r>'
                        '<w:r><w:t xml:space="preserve"> Payment terms.</w:t></w:r>')
    assert bold.text == "\x02Payment\x03 \x02terms.\x03 Payment terms."
    widths = layout._Widths(210, False)
    assert widths["Payment"] == pytest.approx(210 * (667 + 556 + 500 + 833 + 556 + 556 + 278) / 1000)  # Arial's
    assert widths["\x02Payment\x03"] == pytest.approx(210 * (667 + 556 + 556 + 889 + 556 + 611 + 333) / 1000)
    assert layout.shown('<w:r w:rsidR="1"><w:rPr><w:b w:val="0"/></w:rPr><w:t>plain</w:t></w:r>').text == "plain"


def test_a_list_paragraph_has_no_more_room_on_its_first_line_than_on_the_others():
    styles = layout.styles_of(zipfile.ZipFile(io.BytesIO(render_docx(small_draft()))).read("word/styles.xml"))
    numbered, hanging = styles.resolve("ClauseLevel1"), styles.resolve("BodyLevel1")
    assert numbered.numbered and numbered.first == -720 and not hanging.numbered
    # three lines of words, two and a bit had the number's hanging indent been room for text on the first line
    text = " ".join(["word"] * 33)
    p = word._Para("ClauseLevel1", layout.shown(f"<w:r><w:t>{text}</w:t></w:r>"))
    q = word._Para("BodyLevel1", layout.shown(f"<w:r><w:t>{text}</w:t></w:r>"))
    assert layout._paragraph_box(p, styles, 9072, None).lines == layout._paragraph_box(q, styles, 9072, None).lines == 3


def test_the_page_estimate_places_paragraphs_as_libreoffice_does():
    def box(lines, before=0, after=0, keep_next=False, page_break=False):
        return layout._Box(lines, 100.0, before, after, keep_next, False, page_break)

    # between two paragraphs the larger of the facing spaces, not their sum
    assert layout.placements([box(2, after=160), box(1, before=240)], 1000) == [(1, 0.0), (1, 440.0)]
    # a paragraph kept with the next goes whole to the next page when the next does not fit after it
    assert layout.placements([box(5), box(4, keep_next=True), box(2)], 1000)[1:] == [(2, 0.0), (2, 400.0)]
    # a page break keeps the space before; a page the text flowed onto drops it
    assert layout.placements([box(9), box(1, before=50, page_break=True)], 1000)[1] == (2, 50.0)
    assert layout.placements([box(10), box(1, before=50)], 1000)[1] == (2, 0.0)
