"""Word round trips found answering wrongly in the eighth red-team of returned Word files: the execution heading
and the first article's heading restyled as text, content controls showing Word's placeholder, and further
hostile or unusual copies. Each test failed before its fix."""

from __future__ import annotations

import copy
import shutil
import zipfile

import pytest
from lxml import etree

from termsmith import api
from termsmith.review.redline import summary_lines

from .reviewed import WordEdit, libreoffice_resave, q

DOCX = "acme-globex-2027.docx"
WHO, WHEN = "Jane Counsel", "2027-02-01T10:00:00Z"


def _heading(edit: WordEdit, style: str, text: str) -> etree._Element:
    return next(p for p in edit.doc.iter(q("p")) if p.find(f"{q('pPr')}/{q('pStyle')}") is not None
                and p.find(f"{q('pPr')}/{q('pStyle')}").get(q("val")) == style
                and text in "".join(t.text or "" for t in p.iter(q("t"))))


def _restyled(paragraph: etree._Element, style: str = "BodyText") -> None:
    paragraph.find(f"{q('pPr')}/{q('pStyle')}").set(q("val"), style)
    numbering = paragraph.find(f"{q('pPr')}/{q('numPr')}")
    if numbering is not None:
        numbering.getparent().remove(numbering)



# ── headings restyled as text ────────────────────────────────────────────────────────────────
def test_the_execution_heading_restyled_as_text_adds_no_clause(drafted, tmp_path):
    """The execution heading given the body text style: absorb added a clause to the deal holding the word
    "Execution" (the heading's bookmark read as a clause's), and redline said the execution clause moved "from ,".
    The heading is the draft's own: it is listed as not absorbed and nothing is written."""
    edit = WordEdit(drafted / "out" / DOCX)
    _restyled(_heading(edit, "ExecutionHeading", "Execution"))
    reviewed = drafted / "out" / "restyled.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {}, result.plan.overrides
    assert [line.split(":")[0] for line in result.plan.refused] == ["The execution page"], result.plan.refused
    assert not [c for c in result.plan.clauses if c.action == "added"]
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert not any("(from ," in line for line in summary_lines(done.comparison)), summary_lines(done.comparison)


# ── content controls left empty ──────────────────────────────────────────────────────────────
PROMPT = "Click or tap here to enter text."


def _empty_control(edit: WordEdit, tracked: bool = True) -> etree._Element:
    """A content control as Word inserts it (Developer ▸ Plain Text Content Control), not typed in: it shows
    its placeholder prompt in the Placeholder Text style."""
    sdt = etree.Element(q("sdt"))
    props = etree.SubElement(sdt, q("sdtPr"))
    etree.SubElement(props, q("id")).set(q("val"), "-1795442513")
    part = etree.SubElement(etree.SubElement(props, q("placeholder")), q("docPart"))
    part.set(q("val"), "DefaultPlaceholder_-1854013440")
    etree.SubElement(props, q("showingPlcHdr"))
    etree.SubElement(props, q("text"))
    content = etree.SubElement(sdt, q("sdtContent"))
    holder = content
    if tracked:
        holder = edit._mark("ins", WHO, WHEN)
        content.append(holder)
    run = etree.SubElement(holder, q("r"))
    etree.SubElement(etree.SubElement(run, q("rPr")), q("rStyle")).set(q("val"), "PlaceholderText")
    etree.SubElement(run, q("t")).text = PROMPT
    return sdt


def test_an_empty_content_control_is_not_read_as_text(drafted, tmp_path):
    """A content control inserted in clause 17.1 (tracked) and one as a paragraph of its own after it, neither typed
    in: Word shows its prompt "Click or tap here to enter text.", which both commands read as the reviewer's words
    (redline: 17.1 changed; absorb: an override holding the prompt). It is no text of the document."""
    edit = WordEdit(drafted / "out" / DOCX)
    paragraph = edit.paragraph_of("Party may terminate this Agreement for convenience")
    paragraph.append(_empty_control(edit))
    block = _empty_control(edit, tracked=False)
    inner = block.find(q("sdtContent"))
    run = inner[0]
    p = etree.SubElement(inner, q("p"))
    etree.SubElement(etree.SubElement(p, q("pPr")), q("pStyle")).set(q("val"), "BodyText")
    p.append(run)
    paragraph.addnext(block)
    reviewed = drafted / "out" / "controls.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert summary_lines(done.comparison) == ["no changes"], summary_lines(done.comparison)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {}, result.plan.overrides
    assert not any(PROMPT in str(c.notes) for c in result.plan.clauses)


def test_the_first_article_heading_restyled_as_text_reads_its_clauses_as_clauses(drafted, tmp_path):
    """Article 1's heading given the body text style: its clauses were read as the cover's text (the cover ran on to
    the first heading), so redline called 1.1 to 1.3 removed and absorb refused the review in one line. The cover
    ends where the contents begin: the paragraph holding the heading's bookmark reads as the heading it was (said,
    not absorbed), and an edit in clause 1.3 is compared and absorbed as any other."""
    edit = WordEdit(drafted / "out" / DOCX)
    _restyled(_heading(edit, "ArticleHeading", "Parties and Background"))
    edit.replace("This Agreement sets out the terms", "This Agreement lays down the terms", WHO, WHEN)
    reviewed = drafted / "out" / "restyled.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert summary_lines(done.comparison)[1:] == ["~ 1.3 Purpose (Agreement sets out the → Agreement lays down the)"], \
        summary_lines(done.comparison)
    assert any("the heading “Parties and Background” made text" in n for n in done.notes), done.notes
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert list(result.plan.overrides) == ["parties.purpose"], result.plan.overrides
    assert [line.split(":")[0] for line in result.plan.refused] == ["Article 1"], result.plan.refused


def test_the_first_article_heading_restyled_reads_as_a_heading_after_word_updated_the_contents(drafted, tmp_path):
    """Word's Update Table gives each heading a _Toc bookmark and links the contents' entries to those, not to
    termsmith's own: the first heading made text is still the heading it was (it holds the bookmark the contents'
    first entry links to), and clause 1.1 is not taken for it."""
    edit = WordEdit(drafted / "out" / DOCX)
    links = [link for link in edit.doc.iter(q("hyperlink")) if link.get(q("anchor"), "").startswith("_Ref_")]
    for n, link in enumerate(links):  # as Word rewrites them: each entry to a _Toc bookmark on its heading
        target = link.get(q("anchor"))
        toc = f"_Toc{1000 + n}"
        link.set(q("anchor"), toc)
        start = next(b for b in edit.doc.iter(q("bookmarkStart")) if b.get(q("name")) == target)
        mark = etree.Element(q("bookmarkStart"))
        mark.set(q("id"), str(5000 + n))
        mark.set(q("name"), toc)
        start.addprevious(mark)
        end = etree.Element(q("bookmarkEnd"))
        end.set(q("id"), str(5000 + n))
        start.addnext(end)
    _restyled(_heading(edit, "ArticleHeading", "Parties and Background"))
    reviewed = drafted / "out" / "restyled.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert any("the heading “Parties and Background” made text" in n for n in done.notes), done.notes
    assert not any("This Technology Partnership Agreement" in n for n in done.notes), done.notes

def test_the_first_article_heading_deleted_keeps_its_clauses_as_clauses(drafted, tmp_path):
    """Article 1's heading deleted with tracking: its clauses read as the cover's text (redline: removed). Now they
    read under Article 1 with no heading; absorb says the heading was deleted (not renamed to nothing), and with
    --library nothing would rename it."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.delete_whole(_heading(edit, "ArticleHeading", "Parties and Background"))
    reviewed = drafted / "out" / "deleted.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert not any(line.startswith("- 1.") for line in summary_lines(done.comparison)), summary_lines(done.comparison)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {} and result.plan.headings == {}, result.plan
    assert result.plan.refused == ["Article 1: the heading of Article 1 “Parties and Background” deleted: articles "
                                   "and schedules are the library's (library.yaml), so the re-draft keeps it"]



@pytest.mark.parametrize("tracked", [True, False])
def test_the_first_article_heading_deleted_reads_as_deleted_without_a_manifest(drafted, tmp_path, tracked):
    """The same two files compared with no manifest beside either (as a reviewer's copy often arrives): Article 1
    read as a new untitled article, its three clauses moved into it, its contents entry called edited and, deleted
    without tracking, its first clause called a heading made text. The contents' first entry still links to the
    heading's bookmark, so the article is Article 1 with its heading deleted, and nothing else is said."""
    edit = WordEdit(drafted / "out" / DOCX)
    heading = _heading(edit, "ArticleHeading", "Parties and Background")
    if tracked:
        edit.delete_whole(heading)
    else:
        heading.getparent().remove(heading)
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(drafted / "out" / DOCX, alone / "sent.docx")
    edit.save(alone / "reviewed.docx")
    done = api.redline(alone / "sent.docx", alone / "reviewed.docx", tmp_path / "r.docx")
    assert summary_lines(done.comparison) == ["0 added, 0 removed, 0 changed",
                                              "~ 1. (heading was Parties and Background)"], summary_lines(done.comparison)
    assert all("no manifest beside it" in n for n in done.notes), done.notes


# ── text moved into a clause the review added ────────────────────────────────────────────────

def test_text_moved_into_a_clause_the_review_added_keeps_its_numbers_live(drafted):
    """A clause the reviewer typed in after 17.3 (tracked), and 17.4's second paragraph ('60 days’ notice') moved
    into it with tracking: the added clause's wording froze the notice period, which the deal's
    exit.change_of_control.notice_days prints where the words came from. An added clause's text is a template as a
    clause's override is, so the moved words keep the expressions of the clause they left."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.add_paragraph("promptly if an Insolvency Event occurs", [("Sale of control.", True),
                                                                  (" Each Party must keep the other informed.", False)])
    edit.paragraph_of("Each Party must keep the other informed.").find(
        f"{q('pPr')}/{q('pStyle')}").set(q("val"), "ClauseLevel1")
    edit.move("may then terminate this Agreement", "Each Party must keep the other informed.")
    reviewed = drafted / "out" / "moved.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    assert not result.mismatches, result.mismatches
    added = [o for i, o in result.plan.overrides.items() if "negotiated" in i]
    assert len(added) == 1 and added[0]["title"] == "Sale of control", result.plan.overrides
    text = added[0]["text"]
    assert "{{ exit.change_of_control.notice_days | days }}’ notice" in text and "60 days" not in text, text
    assert any("computed values kept live: {{ exit.change_of_control.notice_days | days }}" in c.detail
               for c in result.plan.clauses if c.action == "added"), [c.detail for c in result.plan.clauses]
    api.draft(drafted / "deal.yaml", drafted / "again")
    md = next((drafted / "again").glob("*.md")).read_text(encoding="utf-8")
    assert "Each Party must keep the other informed.\n\nThe other Party may then terminate this Agreement by giving " \
           "at least 60 days’ notice." in md


# ── a clause cut and pasted without tracking ──────────────────────────────────────────────────
def test_a_clause_cut_and_pasted_without_tracking_is_moved_not_removed_and_added(drafted, tmp_path):
    """Clause 21.14 (Costs) cut and pasted after 21.16 without tracking, its bookmark lost on the way (as a script
    or another editor rewrites a paragraph): redline said 21.14 removed and a new 21.16 added, and absorb removed the
    library's clause and added its words as the deal's own (written out, no longer following the library). The
    same title and words as a clause of the draft found nowhere else: that clause, moved."""
    edit = WordEdit(drafted / "out" / DOCX)
    paragraph = edit.paragraph_of("Each Party bears its own costs of negotiating")
    for mark in list(paragraph.iter(q("bookmarkStart"), q("bookmarkEnd"))):
        mark.getparent().remove(mark)
    paragraph.getparent().remove(paragraph)
    edit.paragraph_of("A Party may sign this Agreement, and any document").addnext(paragraph)
    reviewed = drafted / "out" / "pasted.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert summary_lines(done.comparison) == ["0 added, 0 removed, 0 changed, 1 moved", "> 21.16 Costs (from 21.14)"]
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {"general.costs": {"based_on": "1.0.0", "after": "general.counterparts"}}, \
        result.plan.overrides


def test_an_empty_content_control_libreoffice_saved_is_not_read_as_text(drafted, tmp_path):
    """The same control in a copy LibreOffice saved: it drops Word's showingPlcHdr mark (and the tracking of the
    insertion) but keeps the prompt and the control's placeholder: read as text again. Word's own prompt in a
    control with a placeholder is the prompt."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.paragraph_of("Party may terminate this Agreement for convenience").append(_empty_control(edit))
    reviewed = drafted / "out" / "control.docx"
    edit.save(reviewed)
    saved = libreoffice_resave(reviewed, tmp_path / "lo")
    assert b"showingPlcHdr" not in zipfile.ZipFile(saved).read("word/document.xml")
    done = api.redline(drafted / "out" / DOCX, saved, tmp_path / "r.docx")
    assert summary_lines(done.comparison) == ["no changes"], summary_lines(done.comparison)


def test_a_clause_deleted_and_its_words_inserted_elsewhere_with_tracking_is_moved(drafted, tmp_path):
    """Clause 21.14 deleted with tracking and the same paragraph inserted with tracking after 21.16 (a cut and paste
    with Track Changes on but moves not tracked): redline said moved, absorb removed the library's clause and added
    its words as the deal's own. Both now say moved; the re-draft places the library's clause there."""
    edit = WordEdit(drafted / "out" / DOCX)
    paragraph = edit.paragraph_of("Each Party bears its own costs of negotiating")
    pasted = copy.deepcopy(paragraph)
    for mark in list(pasted.iter(q("bookmarkStart"), q("bookmarkEnd"))):
        mark.getparent().remove(mark)
    edit.delete_whole(paragraph)
    etree.SubElement(pasted.find(q("pPr")), q("rPr")).append(edit._mark("ins", WHO, WHEN))
    runs = [r for r in pasted if r.tag == q("r")]
    inserted = edit._mark("ins", WHO, WHEN)
    runs[0].addprevious(inserted)
    inserted.extend(runs)
    edit.paragraph_of("A Party may sign this Agreement, and any document").addnext(pasted)
    reviewed = drafted / "out" / "pasted.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert summary_lines(done.comparison) == ["0 added, 0 removed, 0 changed, 1 moved", "> 21.16 Costs (from 21.14)"]
    result = api.absorb(reviewed, drafted / "deal.yaml")
    assert not result.mismatches, result.mismatches
    assert result.plan.overrides == {"general.costs": {"based_on": "1.0.0", "after": "general.counterparts"}}, \
        result.plan.overrides


def test_a_numbered_paragraph_typed_before_the_first_heading_keeps_that_heading(drafted):
    """A numbered paragraph typed between the contents and Article 1's heading (still there): the cover ends where
    the contents begin only when the first heading is gone; otherwise Article 1 read twice made the deal one that
    does not draft ('not a valid value (got '')')."""
    edit = WordEdit(drafted / "out" / DOCX)
    heading = _heading(edit, "ArticleHeading", "Parties and Background")
    typed = etree.Element(q("p"))
    etree.SubElement(etree.SubElement(typed, q("pPr")), q("pStyle")).set(q("val"), "ClauseLevel1")
    etree.SubElement(etree.SubElement(typed, q("r")), q("t")).text = "Note to draft: check the parties."
    heading.addprevious(typed)
    reviewed = drafted / "out" / "typed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {} and result.plan.headings == {}, result.plan
