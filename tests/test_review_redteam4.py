"""Word round trips found answering wrongly in the fourth red-team of returned Word files: Enter pressed inside
a table cell, a comment across two clauses, a paragraph made a clause. Each test failed before its fix."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from termsmith import api
from termsmith.review.redline import summary_lines

from .reviewed import WordEdit, q

DOCX = "acme-globex-2027.docx"
WHO, WHEN = "Jane Counsel", "2027-02-01T10:00:00Z"


def _cell_texts(path: Path, first: str) -> list[str]:
    """The paragraphs of the first cell of the row whose text starts so, as Word shows them."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    for row in root.iter(q("tr")):
        cell = row.find(q("tc"))
        paras = ["".join(t.text or "" for t in p.iter(q("t")) if t.getparent().getparent().tag != q("del"))
                 for p in cell.iter(q("p"))]
        if paras and paras[0].startswith(first):
            return paras
    raise AssertionError(first)


def test_enter_pressed_in_a_table_cell_is_an_edit_of_that_row(drafted, tmp_path):
    """A second paragraph typed into a table cell with tracking: the redline summary called the row removed and
    another added; absorb said nothing of what becomes of the cell's second paragraph."""
    edit = WordEdit(drafted / "out" / DOCX)
    row = next(tr for tr in edit.doc.iter(q("tr")) if "Response to Priority 1" in "".join(tr.itertext()))
    first = row.find(q("tc")).find(q("p"))
    new = etree.Element(q("p"))
    etree.SubElement(etree.SubElement(new, q("pPr")), q("rPr")).append(edit._mark("ins", WHO, WHEN))
    inserted = edit._mark("ins", WHO, WHEN)
    etree.SubElement(etree.SubElement(inserted, q("r")), q("t")).text = "(including weekends)"
    new.append(inserted)
    first.addnext(new)
    lone = tmp_path / "lone"
    lone.mkdir()
    reviewed = lone / "returned.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    (line,) = [x for x in summary_lines(done.comparison) if x.startswith("~")]
    assert "row" not in line and "(including weekends)" in line, line
    result = api.absorb(reviewed, drafted / "deal.yaml")
    lines = "\n".join(result.lines)
    assert "- inserted (Jane Counsel, 2027-02-01): “(paragraph in a table cell)”" in lines, lines
    assert "a table cell's paragraphs are one paragraph in the deal" in lines, lines
    assert not result.mismatches
    api.draft(drafted / "deal.yaml", drafted / "again")
    assert _cell_texts(drafted / "again" / DOCX, "Response to Priority 1") == \
        [" ".join(_cell_texts(reviewed, "Response to Priority 1"))]


def _para(edit: WordEdit, text: str):
    return next(p for p in edit.doc.iter(q("p")) if text in "".join(t.text or "" for t in p.iter(q("t"))))


def test_a_comment_across_two_clauses_is_reported_under_both(drafted):
    """A comment whose range starts in clause 1.2 and ends in 1.3 was reported under 1.2 alone."""
    edit = WordEdit(drafted / "out" / DOCX)
    cid = edit.comment("entered into against", "Both of these need a rewrite.")
    end = next(x for x in edit.doc.iter(q("commentRangeEnd")) if x.get(q("id")) == cid)
    reference = end.getnext()
    target = _para(edit, "The purpose of this Agreement")
    for mark in (end, reference):
        mark.getparent().remove(mark)
        target.append(mark)
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    spanned = [r.label for r in result.plan.clauses if any(n.text == "Both of these need a rewrite." for n in r.notes)]
    assert spanned == ["1.2", "1.3"], spanned


def _promote(edit: WordEdit, text: str, bold_lead: str | None = None) -> None:
    """The body paragraph holding `text` made a clause of its own with tracking (its style changed: w:pPrChange),
    with, if given, `bold_lead` typed in bold in front of it."""
    para = _para(edit, text)
    props = para.find(q("pPr"))
    style = props.find(q("pStyle"))
    was = style.get(q("val"))
    style.set(q("val"), "ClauseLevel1")
    change = edit._mark("pPrChange", WHO, WHEN)
    etree.SubElement(etree.SubElement(change, q("pPr")), q("pStyle")).set(q("val"), was)
    props.append(change)
    if bold_lead:  # typed with tracking too
        inserted = edit._mark("ins", WHO, WHEN)
        run = etree.SubElement(inserted, q("r"))
        etree.SubElement(etree.SubElement(run, q("rPr")), q("b"))
        etree.SubElement(run, q("t")).text = bold_lead
        space = etree.SubElement(etree.SubElement(inserted, q("r")), q("t"))
        space.text = " "
        space.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        props.addnext(inserted)


@pytest.mark.parametrize("lead", [None, "Recovery."], ids=["untitled", "bold-lead-in"])
def test_a_paragraph_made_a_clause_is_an_added_clause_named_as_the_reviewer_did(drafted, lead):
    """A body paragraph restyled as a clause with tracking: the clause it left reported an untracked edit nobody
    made (the view before the tracked changes kept the new style), and the added clause was titled "New clause"
    without a word."""
    edit = WordEdit(drafted / "out" / DOCX)
    _promote(edit, "The recovery of amounts under this clause", lead)
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert not [n for r in result.plan.clauses for n in r.notes if n.kind == "edited"], result.lines
    (added,) = [r for r in result.plan.clauses if r.action == "added"]
    (override,) = [o for o in result.plan.overrides.values() if "after" in o]
    if lead:
        assert override["title"] == "Recovery" and "no title" not in added.detail, added.detail
    else:
        assert override["title"] == "New clause"
        assert "the review gives it no title, so the deal calls it “New clause”" in added.detail, added.detail


def test_a_cross_reference_number_typed_over_is_the_reviewers_text(drafted):
    """A REF field's shown number typed over by hand, untracked, the field kept (11.7 → 11.8): both commands said
    no changes (a stale number looks the same). It is neither the number the draft showed nor the one the document
    gives its target, so it is the reviewer's text; the clause's other cross-references stay live."""
    edit = WordEdit(drafted / "out" / DOCX)
    para = _para(edit, "Claims by customers.")
    (number,) = [t for t in para.iter(q("t")) if t.text == "11.7"]
    number.text = "11.8"
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    (text,) = (o["text"] for o in result.plan.overrides.values())
    assert "warranty in clause 11.8 may recover" in text and 'clause {{ ref("' in text, text
    assert "- edited (untracked): “[cross-reference to 11.7]” → “11.8”" in "\n".join(result.lines)


def test_a_cross_reference_the_reviewer_inserted_with_word_stays_live(drafted):
    """Word's Insert > Cross-reference to clause 11.7 puts its own hidden bookmark (_Ref190234567) on the clause's
    paragraph and a REF field to it. The reference pointed at a bookmark termsmith does not know, so absorb froze
    it as the literal "11.7"; it is a cross-reference to the clause whose paragraph holds the bookmark."""
    edit = WordEdit(drafted / "out" / DOCX)
    target = next(p for p in edit.doc.iter(q("p")) if any(
        b.get(q("name")) == "_Ref_technology_warranties" for b in p.iter(q("bookmarkStart"))))
    start, end = etree.Element(q("bookmarkStart")), etree.Element(q("bookmarkEnd"))
    start.set(q("id"), "9901")
    start.set(q("name"), "_Ref190234567")
    end.set(q("id"), "9901")
    target.find(q("pPr")).addnext(start)
    target.append(end)
    inserted = edit._mark("ins", WHO, WHEN)
    for kind, text in (("t", " See also clause "), ("begin", ""), ("instrText", " REF _Ref190234567 \\r \\h "),
                       ("separate", ""), ("t", "11.7"), ("end", ""), ("t", ".")):
        run = etree.SubElement(inserted, q("r"))
        if kind in ("t", "instrText"):
            el = etree.SubElement(run, q(kind))
            el.text = text
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        else:
            etree.SubElement(run, q("fldChar")).set(q("fldCharType"), kind)
    _para(edit, "Before settling a customer claim").append(inserted)
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    (text,) = (o["text"] for o in result.plan.overrides.values())
    assert text.endswith('account. See also clause {{ ref("technology.warranties") }}.\n'), text
    assert not result.mismatches


def _format(edit: WordEdit, text: str, prop: str) -> None:
    """The words `text` given a run property without tracking (Font > Strikethrough, Font > Hidden)."""
    _, middle, _ = edit._split(text)
    props = middle.find(q("rPr"))
    if props is None:
        props = etree.Element(q("rPr"))
        middle.insert(0, props)
    etree.SubElement(props, q(prop))


def test_words_hidden_by_the_reviewer_are_gone_as_word_shows_the_text(drafted):
    """Words formatted as hidden (w:vanish) are neither shown nor printed by Word; both commands read them as there
    and said no changes."""
    edit = WordEdit(drafted / "out" / DOCX)
    _format(edit, "As between the Parties, ", "vanish")
    lone = drafted / "lone"
    lone.mkdir()
    reviewed = lone / "returned.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, drafted / "r.docx")
    assert any("removed “" in x and "As between the Parties" in x for x in summary_lines(done.comparison))
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    (text,) = (o["text"] for o in result.plan.overrides.values())
    assert "with which it has contracted. a Party that pays" in text, text


def test_words_struck_through_by_hand_are_reported_not_dropped(drafted):
    """Marking up by hand: words struck through without tracking. The redline showed a formatting change; absorb
    said "No changes and no comments", the reviewer's mark lost without a word."""
    edit = WordEdit(drafted / "out" / DOCX)
    _format(edit, "deals with the claims", "strike")
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    lines = "\n".join(result.lines)
    assert "- struck through (untracked): “deals with the claims”" in lines, lines
    assert "words struck through without tracking are not deleted" in lines
    assert result.plan.overrides == {}


def test_a_tracked_change_in_the_footer_is_reported_not_lost(drafted):
    """A tracked insertion in the footer: both commands said no changes, the reviewer's change lost without a word
    (termsmith writes the footer from the library, so it cannot be absorbed, but it is said)."""
    edit = WordEdit(drafted / "out" / DOCX)
    footer = etree.fromstring(edit.members["word/footer1.xml"])
    run = next(t for t in footer.iter(q("t")) if t.text and "subject to contract" in t.text).getparent()
    inserted = edit._mark("ins", WHO, WHEN)
    etree.SubElement(etree.SubElement(inserted, q("r")), q("t")).text = " and board approval"
    run.addnext(inserted)
    edit.members["word/footer1.xml"] = etree.tostring(footer, xml_declaration=True, encoding="UTF-8", standalone=True)
    lone = drafted / "lone"
    lone.mkdir()
    reviewed = lone / "returned.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, drafted / "r.docx")
    assert any("1 tracked change in its headers or footers" in n and "“and board approval”" in n
               for n in done.notes), done.notes
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert "- inserted in the footer: “and board approval”: the headers and footers are the library's" in \
        result.lines, result.lines


def test_a_picture_pasted_into_a_clause_is_reported_not_lost(drafted):
    """A picture pasted into a clause with tracking (w:drawing, its alternative text on wp:docPr): both commands said
    no changes, the picture lost without a word. termsmith drafts none, so, like a footnote, it is reported."""
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    edit = WordEdit(drafted / "out" / DOCX)
    inserted = edit._mark("ins", WHO, WHEN)
    drawing = etree.SubElement(etree.SubElement(inserted, q("r")), q("drawing"))
    doc_pr = etree.SubElement(etree.SubElement(drawing, f"{{{wp}}}inline"), f"{{{wp}}}docPr")
    doc_pr.set("id", "1")
    doc_pr.set("name", "Picture 1")
    doc_pr.set("descr", "Escalation chart")
    _para(edit, "Before settling a customer claim").append(inserted)
    lone = drafted / "lone"
    lone.mkdir()
    reviewed = lone / "returned.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, drafted / "r.docx")
    assert any("1 picture the redline does not compare" in n and "“Escalation chart”" in n for n in done.notes)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    lines = "\n".join(result.lines)
    assert "- picture (Jane Counsel, 2027-02-01): “Escalation chart”" in lines, lines
    assert "- picture in clause 12.5: “Escalation chart”: a deal has no pictures" in lines, lines


def test_a_table_inside_a_table_cell_is_read(drafted):
    """A small table typed inside a cell of the KPI table: its text was not read at all, so absorb said no changes
    and the reviewer's words were lost; they are the cell's further paragraphs, as Word shows them."""
    edit = WordEdit(drafted / "out" / DOCX)
    row = next(tr for tr in edit.doc.iter(q("tr")) if "Joint pipeline value" in "".join(tr.itertext()))
    cell = row.findall(q("tc"))[1]
    inner = etree.SubElement(cell, q("tbl"))
    etree.SubElement(etree.SubElement(inner, q("tblGrid")), q("gridCol")).set(q("w"), "2000")
    run = etree.SubElement(etree.SubElement(etree.SubElement(etree.SubElement(inner, q("tr")), q("tc")), q("p")),
                           q("r"))
    etree.SubElement(run, q("t")).text = "stretch: EUR 2,500,000"
    etree.SubElement(cell, q("p"))  # a cell ends with a paragraph
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    lines = "\n".join(result.lines)
    assert "- edited (untracked): added “stretch: EUR 2,500,000”" in lines, lines


def test_a_text_box_is_reported_with_its_text(drafted):
    """A text box (mc:AlternateContent holding the box twice, as Word writes it) with the reviewer's words: reported
    with those words once, not lost."""
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    edit = WordEdit(drafted / "out" / DOCX)
    alternate = etree.SubElement(etree.SubElement(_para(edit, "Before settling a customer claim"), q("r")),
                                 f"{{{mc}}}AlternateContent")
    for branch in ("Choice", "Fallback"):
        box = etree.SubElement(etree.SubElement(etree.SubElement(alternate, f"{{{mc}}}{branch}"), q("pict")),
                               q("txbxContent"))
        etree.SubElement(etree.SubElement(etree.SubElement(box, q("p")), q("r")), q("t")).text = "Check with tax"
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert "- text box in clause 12.5: “Check with tax”: a deal has no text boxes" in "\n".join(result.lines)


def test_a_comment_marked_resolved_says_so(drafted):
    """A comment the reviewer marked resolved (w15:done="1" in commentsExtended.xml) was reported as an open one."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.comment("deals with the claims", "Fine as it is.")
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    with zipfile.ZipFile(reviewed) as z:
        members = {n: z.read(n) for n in z.namelist()}
    ext = etree.fromstring(members["word/commentsExtended.xml"])
    items = list(ext)
    items[-1].set("{http://schemas.microsoft.com/office/word/2012/wordml}done", "1")
    members["word/commentsExtended.xml"] = etree.tostring(ext, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(reviewed, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert "- comment, resolved (Jane Counsel, 2027-02-02): “Fine as it is.”" in "\n".join(result.lines)
