"""Word round trips the other review tests do not make: fields unlinked before the copy came back, a main part
under another name, tracked changes of two authors one inside the other, and changes outside the clauses (the
cover, an article heading). Each was found answering wrongly; each test failed before its fix."""

from __future__ import annotations

import zipfile

from lxml import etree

from termsmith import api
from termsmith.review.redline import summary_lines

from .reviewed import WordEdit, accepted_text, q, strict_parts

DOCX = "acme-globex-2027.docx"


def _unlink_fields(edit: WordEdit) -> None:
    """Every field turned into the text it shows (Word: select all, Ctrl+Shift+F9)."""
    for run in list(edit.doc.iter(q("r"))):
        if run.find(q("fldChar")) is not None or run.find(q("instrText")) is not None:
            run.getparent().remove(run)


def _para(edit: WordEdit, text: str):
    return next(p for p in edit.doc.iter(q("p")) if text in "".join(t.text or "" for t in p.iter(q("t"))))


def test_fields_unlinked_before_the_copy_came_back_are_no_change(drafted, tmp_path):
    """Every cross-reference unlinked to its number: the text reads as the draft. absorb made an override of
    every clause holding a cross-reference (each number frozen into the deal's wording), its review showing
    "\\x00_Ref_…\\x00" markers; redline of the copy away from its manifest listed each such clause as changed."""
    edit = WordEdit(drafted / "out" / DOCX)
    _unlink_fields(edit)
    lone = tmp_path / "lone"
    lone.mkdir()
    reviewed = lone / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {} and result.plan.fields == []
    assert "No changes and no comments" in "\n".join(result.lines)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert summary_lines(done.comparison)[0] == "no changes"


def test_an_unlinked_clause_edited_keeps_its_cross_references_live(drafted, tmp_path):
    """In a clause whose fields were unlinked, the reviewer's word is absorbed and so is a number they changed,
    while each number they left is its cross-reference again; the review names a cross-reference by its number."""
    edit = WordEdit(drafted / "out" / DOCX)
    _unlink_fields(edit)
    para = _para(edit, "Claims by customers.")
    for t in para.iter(q("t")):
        if t.text and "deals with the claims" in t.text:
            t.text = t.text.replace("deals with the claims", "handles the claims")
    numbers = [t for t in para.iter(q("t")) if t.text and t.text[0].isdigit()]
    assert len(numbers) >= 3
    was = numbers[0].text
    numbers[0].text = "99"
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    assert len(result.plan.overrides) == 1
    (text,) = (o["text"] for o in result.plan.overrides.values())
    assert "handles the claims" in text and " 99" in text
    assert text.count("{{ ref(") >= len(numbers) - 1  # the numbers left alone stay live
    lines = "\n".join(result.lines)
    assert "\x00" not in lines
    assert f"“[cross-reference to {was}]” → “99”" in lines
    api.draft(drafted / "deal.yaml", drafted / "again", force=True)
    assert accepted_text(drafted / "again" / DOCX) == accepted_text(reviewed)


def test_a_main_part_under_another_name_is_read_where_the_package_points(drafted, tmp_path):
    """Word may save the body as word/document2.xml; _rels/.rels names it. Such a copy was refused as "is not a
    Word document (no word/document.xml)"."""
    with zipfile.ZipFile(drafted / "out" / DOCX) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["word/document2.xml"] = members.pop("word/document.xml").replace(
        "Taxes.".encode(), "Taxes and duties.".encode())
    members["word/_rels/document2.xml.rels"] = members.pop("word/_rels/document.xml.rels")
    for name in ("_rels/.rels", "[Content_Types].xml"):
        members[name] = members[name].replace(b"word/document.xml", b"word/document2.xml")
    reviewed = tmp_path / "returned.docx"
    with zipfile.ZipFile(reviewed, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert "~ 7.7 Taxes and duties (title Taxes → Taxes and duties)" in summary_lines(done.comparison)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {"budget.taxes": {"based_on": result.plan.overrides["budget.taxes"]["based_on"],
                                                      "title": "Taxes and duties"}}


def test_a_second_reviewer_deleting_words_the_first_inserted_is_no_untracked_edit(drafted):
    """Word records Bob deleting words Jane inserted as a w:del inside her w:ins. Those words were never in the
    draft, yet the review read them as the text before the tracked changes and reported an untracked edit
    ("“…” → “…after each”") that nobody made."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.insert_after("Each Party must make available to the other Party", " promptly and in full")
    run = next(r for ins in edit.doc.iter(q("ins")) for r in ins.iter(q("r"))
               if "".join(t.text or "" for t in r.iter(q("t"))) == " promptly and in full")
    run.find(q("t")).text = " promptly"
    deleted = edit._mark("del", "Bob Lawyer", "2027-02-03T10:00:00Z")
    gone = etree.SubElement(etree.SubElement(deleted, q("r")), q("delText"))
    gone.text = " and in full"
    run.addnext(deleted)
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    lines = "\n".join(result.lines)
    assert "- deleted (Bob Lawyer, 2027-02-03): “and in full”" in lines
    assert "untracked" not in lines, lines
    (text,) = (o["text"] for o in result.plan.overrides.values())
    assert " promptly the interfaces" in text and "in full" not in text


def test_a_party_renamed_on_the_cover_alone_shows_in_the_redline(drafted, tmp_path):
    """The parties were read from the execution blocks only: a reviewer renaming a party on the cover (tracked)
    got "no changes" from redline, with or without the manifest beside the copy, while absorb took the new name
    as the deal's field."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("Globex Analytics GmbH", "Globex Analytics AG")  # the first place it reads is the cover
    lone = tmp_path / "lone"
    lone.mkdir()
    for reviewed in (lone / "returned.docx", drafted / "out" / "returned.docx"):
        edit.save(reviewed)
        done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx", force=True)
        assert "~ Globex party name: Globex Analytics GmbH → Globex Analytics AG" in summary_lines(done.comparison)
    result = api.absorb(drafted / "out" / "returned.docx", drafted / "deal.yaml", dry_run=True)
    taken = [(".".join(map(str, p)), b) for p, _a, b in result.plan.fields]
    assert taken == [("parties.1.name", "Globex Analytics AG")]
    assert "the execution blocks, which the review left as it was" in "\n".join(result.lines)


def _article(edit: WordEdit, title: str) -> tuple[list, object]:
    """The body paragraphs of the article headed `title`, from its heading to the next article's, and that next
    article's heading."""
    def style(el):
        found = el.find(f"{q('pPr')}/{q('pStyle')}")
        return found.get(q("val")) if found is not None else ""

    kids = [el for el in edit.doc.find(q("body")) if el.tag == q("p")]
    start = next(i for i, el in enumerate(kids) if style(el) == "ArticleHeading" and
                 "".join(t.text or "" for t in el.iter(q("t"))) == title)
    end = next(i for i in range(start + 1, len(kids)) if style(kids[i]) == "ArticleHeading")
    return kids[start:end], kids[end]


def test_an_article_deleted_with_tracking_reports_each_deletion_under_its_own_clause(drafted):
    """Every paragraph of an article deleted with tracking: the clauses are removed, and each deletion was
    listed under the NEXT article's heading (“## force-majeure … reported: no change to the text”), the
    clauses it removed showing none."""
    edit = WordEdit(drafted / "out" / DOCX)
    article, _following = _article(edit, "Non-Solicitation")
    for para in article:
        edit.delete_whole(para)
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    by_title = {r.title: r for r in result.plan.clauses}
    removed = [r for r in result.plan.clauses if r.action == "removed"]
    assert len(removed) == 3
    for r in removed:
        assert any(n.kind == "deleted" and r.title.split()[0] in n.text for n in r.notes), (r.title, r.notes)
    heading = next(r for t, r in by_title.items() if "Non-Solicitation" in t and not r.id)
    assert [n.text for n in heading.notes if n.kind == "deleted"] == ["(paragraph)", "Non-Solicitation"]
    assert all("Non-solicitation" not in n.text for r in result.plan.clauses
               if r not in removed and r is not heading for n in r.notes)


def test_a_cross_reference_number_changed_with_tracking_is_that_change(drafted, tmp_path):
    """A tracked edit of a REF field's shown number (4.5 deleted, 4.6 typed, inside the field's result) was read
    as one deleted cross-reference “4.54.6”: the redline said the clause lost “clause 7.3” and absorb listed a
    deletion of both numbers run together."""
    edit = WordEdit(drafted / "out" / DOCX)
    para = _para(edit, "the total Shared Costs under clause")
    shown = next(t for t in para.iter(q("t")) if t.text == "7.3")
    run = shown.getparent()
    deleted = edit._mark("del", "Jane Counsel", "2027-02-01T10:00:00Z")
    run.addprevious(deleted)
    deleted.append(run)
    shown.tag = q("delText")
    inserted = edit._mark("ins", "Jane Counsel", "2027-02-01T10:00:00Z")
    etree.SubElement(etree.SubElement(inserted, q("r")), q("t")).text = "7.4"
    deleted.addnext(inserted)
    lone = tmp_path / "lone"
    lone.mkdir()
    edit.save(lone / "returned.docx")
    done = api.redline(drafted / "out" / DOCX, lone / "returned.docx", tmp_path / "r.docx")
    (line,) = [x for x in summary_lines(done.comparison) if x.startswith("~")]
    assert "clause 7.3. → clause 7.4." in line or "7.3 → 7.4" in line, line
    result = api.absorb(lone / "returned.docx", drafted / "deal.yaml", dry_run=True)
    texts = [(n.kind, n.text) for r in result.plan.clauses for n in r.notes]
    assert ("deleted", "7.3") in texts and ("inserted", "7.4") in texts, texts


def test_a_table_row_inside_a_content_control_is_read(drafted, tmp_path):
    """Word's repeating-section content control wraps table rows (w:tbl/w:sdt/w:sdtContent/w:tr). The row was
    not read at all: the redline said the reviewer removed it, and absorb wrote the schedule's wording without
    it, losing the row and the reviewer's change inside it."""
    edit = WordEdit(drafted / "out" / DOCX)
    row = next(tr for tr in edit.doc.iter(q("tr")) if "Response to Priority 1" in "".join(tr.itertext()))
    control = etree.Element(q("sdt"))
    etree.SubElement(control, q("sdtPr"))
    content = etree.SubElement(control, q("sdtContent"))
    row.addprevious(control)
    content.append(row)
    edit.replace("at most 1 hour", "at most 30 minutes")
    lone = tmp_path / "lone"
    lone.mkdir()
    edit.save(lone / "returned.docx")
    done = api.redline(drafted / "out" / DOCX, lone / "returned.docx", tmp_path / "r.docx")
    (line,) = [x for x in summary_lines(done.comparison) if x.startswith("~")]
    assert "removed row" not in line and "30 minutes" in line, line
    result = api.absorb(lone / "returned.docx", drafted / "deal.yaml", dry_run=True)
    lines = "\n".join(result.lines)
    assert "removed “Response to Priority 1" not in lines, lines
    assert "- inserted (Jane Counsel, 2027-02-01): “at most 30 minutes”" in lines
    assert all("Response to Priority 1" in o.get("text", "Response to Priority 1")
               for o in result.plan.overrides.values()), result.plan.overrides


def test_a_tracked_formatting_change_is_reported_not_lost(drafted):
    """A run made bold with tracking (w:rPrChange): redline showed it, absorb said "No changes and no comments:
    the document reads as the draft it was made from", the reviewer's change dropped without a word."""
    edit = WordEdit(drafted / "out" / DOCX)
    _, middle, _ = edit._split("must continue to perform")
    props = middle.find(q("rPr"))
    if props is None:
        props = etree.Element(q("rPr"))
        middle.insert(0, props)
    etree.SubElement(props, q("b"))
    change = edit._mark("rPrChange", "Jane Counsel", "2027-02-01T10:00:00Z")
    etree.SubElement(change, q("rPr"))
    props.append(change)
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    lines = "\n".join(result.lines)
    assert "No changes" not in lines
    assert "- formatting changed (Jane Counsel, 2027-02-01): “must continue to perform”" in lines
    assert "formatting comes from the library's styles, so it is not absorbed" in lines
    assert result.plan.overrides == {} and result.plan.fields == []


def test_a_party_renamed_throughout_with_tracking_says_so_on_the_cover_and_execution_page(drafted):
    """Replace-all of a party's name with tracking (as LibreOffice's or Word's find-and-replace records it):
    clause 1.1 was absorbed as the deal field, while the cover and the execution page holding the same tracked
    change said "reported: no change to the text"."""
    edit = WordEdit(drafted / "out" / DOCX)
    assert edit.replace_all("Globex Analytics GmbH", "Globex Analytics AG") >= 3
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    taken = [(".".join(map(str, p)), b) for p, _a, b in result.plan.fields]
    assert taken == [("parties.1.name", "Globex Analytics AG")]
    noted = [r for r in result.plan.clauses if any(n.kind == "inserted" for n in r.notes)]
    assert len(noted) >= 3
    assert all(r.action == "field" for r in noted), [(r.title, r.action, r.detail) for r in noted]


def test_a_copy_saved_as_strict_open_xml_is_read(drafted, tmp_path):
    """Word's "Strict Open XML Document" writes the same parts in the ISO namespaces (purl.oclc.org/ooxml/…).
    Such a copy was refused as "is not a Word document (no document body)"."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("180 days", "120 days")
    edit.save(tmp_path / "transitional.docx")
    with zipfile.ZipFile(tmp_path / "transitional.docx") as z:
        members = {n: z.read(n) for n in z.namelist()}
    lone = tmp_path / "lone"
    lone.mkdir()
    with zipfile.ZipFile(lone / "returned.docx", "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in strict_parts(members).items():
            z.writestr(name, data)
    done = api.redline(drafted / "out" / DOCX, lone / "returned.docx", tmp_path / "r.docx")
    assert "~ 17.1 Termination for convenience (least 180 days’ → least 120 days’)" in summary_lines(done.comparison)
    result = api.absorb(lone / "returned.docx", drafted / "deal.yaml", dry_run=True)
    assert list(result.plan.overrides) == ["termination.convenience"]


def test_a_table_row_deleted_with_tracking_is_listed_cell_by_cell(drafted):
    """A row deleted with tracking was listed as its cells' text run together (“… engineGlobexat most 1
    hourcalendar month”)."""
    edit = WordEdit(drafted / "out" / DOCX)
    row = next(tr for tr in edit.doc.iter(q("tr")) if "Response to Priority 1" in "".join(tr.itertext()))
    edit.delete_whole(row)
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    texts = [n.text for r in result.plan.clauses for n in r.notes if n.kind == "deleted row"]
    assert "Response to Priority 1 incidents in the analytics engine | Globex | at most 1 hour | calendar month" \
        in texts, texts


def test_a_field_change_the_deal_refuses_is_given_as_the_reason_for_an_override(drafted):
    """An SLA target lowered in the schedule's table (99.9% → 99.8%): the field slas.metrics.0.target alone makes
    the deal invalid (the first credit threshold, 99.9, no longer misses the target). absorb fell back to an
    override of the table without saying why the field was not taken."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("at least 99.9%", "at least 99.8%")
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    (review,) = [r for r in result.plan.clauses if r.action == "override"]
    assert "deal field slas.metrics.0.target = 99.8 alone does not draft (threshold 99.9 does not miss the target " \
           "99.8)" in review.detail, review.detail


def test_the_execution_page_and_the_cover_date_say_what_absorb_did(drafted):
    """A signatory renamed with tracking on the execution page: the field was taken, but the page holding the
    change said "reported: no change to the text". A new date on the cover was refused with two instructions run
    together (“…: change it there: change the deal's title or parties in the deal file”)."""
    edit = WordEdit(drafted / "out" / DOCX)
    signatory = next(t.text for t in edit.doc.iter(q("t")) if t.text and t.text.startswith("Max "))
    edit.replace(signatory, "Maxima Muster")
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    page = next(r for r in result.plan.clauses if any(n.text == "Maxima Muster" for n in r.notes))
    assert (page.action, page.detail) == ("field", f"deal field parties.1.signatory.name: {signatory} → Maxima Muster")
    date = next(p.getparent() for p in edit.doc.iter(q("pStyle")) if p.get(q("val")) == "CoverDate").getparent()
    text = "".join(t.text or "" for t in date.iter(q("t")))
    when = text.split("Dated ", 1)[1].replace("as of ", "")
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace(when, "1 March 2027")
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.refused == [f"Cover: the date “{when}” → “1 March 2027”: the date is the deal's "
                                   "effective_date; change it there"]


def test_an_article_whose_deletion_a_script_accepted_is_removed_not_moved(drafted, tmp_path):
    """A script accepting all changes removes the deleted runs and joins each paragraph whose mark was deleted to
    the next, leaving the bookmarks of the deleted text behind, each an empty range at the start of the next
    article's heading. That heading was read as the deleted article's (its first bookmark): the next article's
    clauses read as moved into it and its heading as renamed."""
    edit = WordEdit(drafted / "out" / DOCX)
    body = edit.doc.find(q("body"))
    article, following = _article(edit, "Non-Solicitation")
    left = []
    for para in article:  # what the script leaves: the bookmarks, their text gone
        left += [el for el in para if el.tag in (q("bookmarkStart"), q("bookmarkEnd"))]
        body.remove(para)
    following.find(q("pPr")).addnext(left[0])
    for el, prev in zip(left[1:], left):
        prev.addnext(el)
    lone = tmp_path / "lone"
    lone.mkdir()
    edit.save(lone / "accepted.docx")
    done = api.redline(drafted / "out" / DOCX, lone / "accepted.docx", tmp_path / "r.docx")
    lines = summary_lines(done.comparison)
    assert lines[0].startswith("0 added, 3 removed"), lines
    assert not any(line.startswith(">") or "heading was" in line for line in lines), lines
    result = api.absorb(lone / "accepted.docx", drafted / "deal.yaml", dry_run=True)
    assert sorted(k for k, v in result.plan.overrides.items() if v.get("removed")) == [
        "non-solicitation.employees", "non-solicitation.exceptions", "non-solicitation.reasonableness"]
    assert result.plan.headings == {} and result.plan.moves == {}
