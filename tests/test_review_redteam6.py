"""Word round trips found answering wrongly in the sixth red-team of returned Word files: a copy saved as Strict
Open XML with its own relationship types, packages damaged or forged in ways Word never writes (a member twice,
a part in UTF-16), a symbol inserted from a symbol font, a link inside a tracked insertion, and the contents
page edited. Each test failed before its fix."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

from termsmith import api
from termsmith.review.redline import summary_lines

from .reviewed import WordEdit, q, read_members, run_cli, strict_parts

DOCX = "acme-globex-2027.docx"
WHO, WHEN = "Jane Counsel", "2027-02-01T10:00:00Z"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    import warnings

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name: the point of one test
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members:
                z.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def _reviewed(drafted, name: str = "reviewed.docx") -> Path:
    """The draft with one tracked change (clause 17.1's notice: 180 days → 120 days), beside its manifest."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("180 days", "120 days")
    out = drafted / "out" / name
    edit.save(out)
    return out


# ── the package ─────────────────────────────────────────────────────────────────────────────
def _strict(src: Path, dst: Path) -> Path:
    return _zip(dst, list(strict_parts(read_members(src)).items()))


def test_a_strict_copy_keeps_its_document_properties(drafted):
    """Strict spells the custom properties' relationship type `customProperties`: termsmith's properties (the
    deal, the manifest) were not found, so absorb refused the copy ("does not record the deal it was drafted
    from") and redline compared it without its manifest."""
    strict = _strict(_reviewed(drafted, "transitional.docx"), drafted / "out" / "strict.docx")
    done = api.redline(drafted / "out" / DOCX, strict, drafted / "r.docx")
    assert "~ 17.1 Termination for convenience (least 180 days’ → least 120 days’)" in summary_lines(done.comparison)
    assert not any("no manifest" in line for line in done.notes), done.notes
    result = api.absorb(strict, drafted / "deal.yaml", dry_run=True)
    assert list(result.plan.overrides) == ["termination.convenience"]


def test_a_strict_copy_names_what_saved_it(drafted, tmp_path):
    """docProps/app.xml in Strict (its own namespace and relationship type): the application that saved the copy
    was read as none."""
    from termsmith.review.docx import read_document

    members = read_members(drafted / "out" / DOCX)
    members["docProps/app.xml"] = re.sub(rb"<Application>[^<]*</Application>",
                                         b"<Application>LibreOffice/7.4</Application>", members["docProps/app.xml"])
    saved = _zip(tmp_path / "saved.docx", list(members.items()))
    strict = _strict(saved, tmp_path / "strict.docx")
    assert read_document(strict).application == "LibreOffice/7.4"


def test_a_package_holding_a_part_twice_is_refused(drafted, tmp_path):
    """Two members named word/document.xml (the reviewed one, then the draft's): zipfile reads the last, Word may
    show the first, and absorb said "No changes" for a copy whose tracked change Word shows. Part names are
    compared without case."""
    reviewed = _reviewed(drafted)
    original = read_members(drafted / "out" / DOCX)["word/document.xml"]
    for name, extra in (("twice.docx", "word/document.xml"), ("cased.docx", "word/Document.xml")):
        bad = _zip(tmp_path / name, [*read_members(reviewed).items(), (extra, original)])
        for args in (("redline", drafted / "out" / DOCX, bad, "-o", tmp_path / "r.docx"),
                     ("absorb", bad, "--deal", drafted / "deal.yaml", "--dry-run")):
            done = run_cli(*args)
            lines = done.stderr.strip().splitlines()
            assert done.returncode == 1 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
            assert lines[0].startswith(f"{bad}: has two members named") and "refused" in lines[0]
        assert not (tmp_path / "r.docx").exists()


def _utf16(data: bytes) -> bytes:
    text = re.sub(r"^<\?xml[^>]*\?>", '<?xml version="1.0" encoding="UTF-16" standalone="yes"?>', data.decode("utf-8"))
    return text.encode("utf-16")


def test_a_strict_part_in_utf16_is_read(drafted, tmp_path):
    """XML allows a part in UTF-16 (with its byte order mark). The Strict namespaces were looked for in the
    bytes as UTF-8, so a Strict body in UTF-16 was refused as "is not a Word document (no document body)"."""
    strict = _strict(_reviewed(drafted), tmp_path / "strict.docx")
    members = read_members(strict)
    members["word/document.xml"] = _utf16(members["word/document.xml"])
    wide = _zip(drafted / "out" / "wide.docx", list(members.items()))
    done = api.redline(drafted / "out" / DOCX, wide, tmp_path / "r.docx")
    assert "~ 17.1 Termination for convenience (least 180 days’ → least 120 days’)" in summary_lines(done.comparison)


def test_a_doctype_in_a_utf16_part_is_refused_as_one(drafted, tmp_path):
    """The DOCTYPE check looked at the bytes as UTF-8: one in a UTF-16 part came out as an unrelated XML error
    ("Entity 'x' not defined")."""
    members = read_members(drafted / "out" / DOCX)
    body = members["word/document.xml"].decode("utf-8")
    body = re.sub(r"^<\?xml[^>]*\?>", '<?xml version="1.0" encoding="UTF-16"?>'
                  '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>', body)
    members["word/document.xml"] = body.replace("180 days", "&x; days", 1).encode("utf-16")
    bad = _zip(tmp_path / "bad.docx", list(members.items()))
    done = run_cli("redline", drafted / "out" / DOCX, bad, "-o", tmp_path / "r.docx")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0] == f"{bad}: word/document.xml declares a DOCTYPE or entities, which Word never writes: refused"


# ── what a run holds ────────────────────────────────────────────────────────────────────────
def _inserted_run(edit: WordEdit, after: str) -> etree._Element:
    """An empty run, inserted with tracking after the words `after` (its w:t removed), to fill."""
    edit.insert_after(after, "")
    run = edit.doc.findall(f".//{q('ins')}")[-1].find(q("r"))
    for t in run.findall(q("t")):
        run.remove(t)
    return run


def _t(run: etree._Element, text: str) -> None:
    t = etree.SubElement(run, q("t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def test_a_symbol_inserted_from_a_symbol_font_is_kept(drafted):
    """Insert > Symbol with the Symbol font writes a w:sym (font, code F0B3), no text: “(≥ 2 months)” typed so was
    read as “( 2 months)” by both commands, and absorbed so."""
    edit = WordEdit(drafted / "out" / DOCX)
    run = _inserted_run(edit, "at least 180 days")
    _t(run, " (")
    etree.SubElement(run, q("sym"), {q("font"): "Symbol", q("char"): "F0B3"})
    _t(run, " 6 months, ")
    etree.SubElement(run, q("sym"), {q("font"): "Wingdings", q("char"): "F0FC"})
    _t(run, ")")
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, drafted / "r.docx")
    assert "~ 17.1 Termination for convenience (added “(≥ 6 months, ✔)” after “days”)" in \
        summary_lines(done.comparison), summary_lines(done.comparison)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    notes = [n.text.strip() for c in result.plan.clauses if c.id == "termination.convenience" for n in c.notes]
    assert "(≥ 6 months, ✔)" in notes, notes


def test_symbol_codes_read_as_their_characters():
    from termsmith.review.symbols import UNKNOWN, symbol_text

    assert [symbol_text("Symbol", c) for c in ("F0B3", "F0A3", "F061", "F0B1", "F057")] == ["≥", "≤", "α", "±", "Ω"]
    assert symbol_text("Arial", "00A7") == "§"  # a font with Unicode codes: the character itself
    assert symbol_text("Wingdings 2", "F050") == UNKNOWN  # no table: shown as unknown, not dropped
    assert symbol_text("Symbol", "zz") == symbol_text("Symbol", "D800") .replace(UNKNOWN, "") == ""


def test_a_link_inserted_with_its_words_is_quoted_whole(drafted):
    """A hyperlink typed inside a tracked insertion (“(see the plan)”, “the plan” linked): absorb's note quoted
    “(see )”, the link's words missing, though the deal got them."""
    edit = WordEdit(drafted / "out" / DOCX)
    run = _inserted_run(edit, "at least 180 days")
    _t(run, " (see ")
    link = etree.SubElement(run.getparent(), q("hyperlink"), {f"{{{R}}}id": "rIdPlan"})
    _t(etree.SubElement(link, q("r")), "the plan")
    _t(etree.SubElement(run.getparent(), q("r")), ")")
    rels = etree.fromstring(edit.members["word/_rels/document.xml.rels"])
    etree.SubElement(rels, f"{{{rels.nsmap[None]}}}Relationship", Id="rIdPlan", TargetMode="External",
                     Target="https://acme.example/plan", Type=f"{R}/hyperlink")
    edit.members["word/_rels/document.xml.rels"] = etree.tostring(rels)
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    notes = [n.text.strip() for c in result.plan.clauses if c.id == "termination.convenience" for n in c.notes]
    assert "(see the plan)" in notes, notes


# ── the contents page ───────────────────────────────────────────────────────────────────────
def _toc_title(edit: WordEdit, title: str) -> etree._Element:
    """The w:t holding `title` in the contents' entry for it."""
    for p in edit.doc.iter(q("p")):
        style = p.find(f"{q('pPr')}/{q('pStyle')}")
        if style is not None and style.get(q("val")) == "TOC1":
            for t in p.iter(q("t")):
                if t.text == title:
                    return t
    raise AssertionError(f"no contents entry {title!r}")


def test_a_contents_entry_typed_over_is_reported_not_lost(drafted):
    """Article 3's contents entry typed over (“Scope of the Alliance”, no tracking): both commands said no changes,
    the reviewer's renaming lost without a word, as a re-draft makes the contents from the headings."""
    edit = WordEdit(drafted / "out" / DOCX)
    _toc_title(edit, "Scope of the Partnership").text = "Scope of the Alliance"
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, drafted / "r.docx")
    assert any("its contents page edited, which the redline does not compare" in line and
               "“3. Scope of the Alliance”" in line for line in done.notes), done.notes
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert any(line.startswith("the contents entry “3. Scope of the Alliance”: termsmith makes the contents from the "
                               "headings") for line in result.plan.refused), result.plan.refused
    contents = next(c for c in result.plan.clauses if c.title == "Contents")
    assert contents.action == "refused" and [n.text for n in contents.notes] == [
        "the contents entry reads “3. Scope of the Alliance”"]
    assert not result.plan.changed


def test_a_heading_renamed_with_the_contents_stale_or_updated_is_no_contents_edit(drafted):
    """Word does not update the contents when a heading changes (the entry keeps the old title), and updating them
    writes the new one: neither is an edit of the contents."""
    for updated in (False, True):
        edit = WordEdit(drafted / "out" / DOCX)
        heading = next(t for p in edit.doc.iter(q("p")) if p.find(f"{q('pPr')}/{q('pStyle')}") is not None
                       and p.find(f"{q('pPr')}/{q('pStyle')}").get(q("val")) == "ArticleHeading"
                       for t in p.iter(q("t")) if t.text == "Scope of the Partnership")
        heading.text = "Scope of the Alliance"
        if updated:
            _toc_title(edit, "Scope of the Partnership").text = "Scope of the Alliance"
        reviewed = drafted / "out" / "reviewed.docx"
        edit.save(reviewed)
        done = api.redline(drafted / "out" / DOCX, reviewed, drafted / "r.docx")
        assert not any("contents page" in line for line in done.notes), done.notes
        result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
        assert not any("contents entry" in line for line in result.plan.refused), result.plan.refused


# ── comments anchored elsewhere than a range in the body ────────────────────────────────────
def _comment_parts(edit: WordEdit, cid: str) -> list[etree._Element]:
    """The comment's range start and end, and the run holding its reference, taken out of the body."""
    out = [el for el in edit.doc.iter(q("commentRangeStart"), q("commentRangeEnd")) if el.get(q("id")) == cid]
    out += [r for r in edit.doc.iter(q("r")) if r.find(q("commentReference")) is not None
            and r.find(q("commentReference")).get(q("id")) == cid]
    for el in out:
        el.getparent().remove(el)
    return out


def _comments_of(result, ident: str) -> list[str]:
    return [n.text for c in result.plan.clauses if c.id == ident for n in c.notes if n.kind.startswith("comment")]


def test_a_comment_with_its_reference_alone_is_reported(drafted):
    """A comment written with no range (its w:commentReference alone, as some producers write a comment on a
    point): absorb said “No changes and no comments”, the comment lost."""
    edit = WordEdit(drafted / "out" / DOCX)
    cid = edit.comment("at least 180 days", "Is 180 days the market position?")
    start, end, reference = _comment_parts(edit, cid)
    _run, t = edit._run_with("at least 180 days")
    t.getparent().addnext(reference)
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert _comments_of(result, "termination.convenience") == ["Is 180 days the market position?"]


def test_a_comment_on_a_footnote_is_reported_where_the_footnote_is(drafted):
    """A comment on the words of a footnote the reviewer added (its range in footnotes.xml): the footnote was
    reported, the comment on it lost."""
    edit = WordEdit(drafted / "out" / DOCX)
    nid = edit.note("at least 180 days", "Market practice is 90 days.")
    cid = edit.comment("at least 180 days", "Source for this?")
    start, end, reference = _comment_parts(edit, cid)
    root = etree.fromstring(edit.members["word/footnotes.xml"])
    p = next(n for n in root if n.get(q("id")) == nid).find(q("p"))
    words = p.findall(q("r"))[-1]
    words.addprevious(start)
    words.addnext(end)
    end.addnext(reference)
    edit.members["word/footnotes.xml"] = etree.tostring(root)
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert _comments_of(result, "termination.convenience") == ["Source for this?"]


def test_a_table_formatted_with_tracking_is_reported_not_lost(drafted):
    """A table's properties changed with tracking (centred: w:tblPrChange; a row's height: w:trPrChange): both
    commands said no changes, as for a paragraph's (w:pPrChange) they do not."""
    edit = WordEdit(drafted / "out" / DOCX)
    row = next(tr for tr in edit.doc.iter(q("tr")) if "Availability" in "".join(tr.itertext()))
    tbl = row.getparent()
    for props, tag, added in ((tbl.find(q("tblPr")), "tblPrChange", ("jc", "center")),
                              (row.find(q("trPr")), "trPrChange", ("trHeight", "800"))):
        if props is None:
            props = etree.Element(q("trPr"))
            row.insert(0, props)
        before = etree.fromstring(etree.tostring(props))
        before.tag = q("tblPr" if tag == "tblPrChange" else "trPr")
        etree.SubElement(props, q(added[0]), {q("val"): added[1]})
        change = etree.SubElement(props, q(tag), {q("id"): "9901" if tag == "tblPrChange" else "9902",
                                                   q("author"): WHO, q("date"): WHEN})
        change.append(before)
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    notes = [(c.id, n.kind, n.text) for c in result.plan.clauses for n in c.notes]
    assert notes == [("schedule-service-levels.metrics", "formatting changed", "(table)")], notes
    assert not result.plan.changed


def test_words_inside_a_bidirectional_embedding_are_read(drafted):
    """Word 2010 wraps runs typed in another direction, or marked left-to-right, in w:dir (or w:bdo): the words
    inside were not read, and both commands said no changes."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.insert_after("at least 180 days", " (six months)")
    inserted = edit.doc.findall(f".//{q('ins')}")[-1]
    run = inserted.find(q("r"))
    etree.SubElement(inserted, q("dir"), {q("val"): "ltr"}).append(run)
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, drafted / "r.docx")
    assert "~ 17.1 Termination for convenience (added “(six months)” after “days”)" in summary_lines(done.comparison)


def test_text_imported_from_another_file_is_refused_in_one_line(drafted, tmp_path):
    """A w:altChunk (a tool's merge of an HTML or RTF file, which Word reads in when it opens the copy): its text
    is in another part, so both commands said no changes for a paragraph Word shows."""
    edit = WordEdit(drafted / "out" / DOCX)
    _run, t = edit._run_with("at least 180 days")
    paragraph = next(a for a in t.iterancestors() if a.tag == q("p"))
    paragraph.addnext(etree.Element(q("altChunk"), {f"{{{R}}}id": "rIdChunk"}))
    edit.members["word/chunk.htm"] = b"<html><body><p>Either Party may terminate on 90 days' notice.</p></body></html>"
    rels = etree.fromstring(edit.members["word/_rels/document.xml.rels"])
    etree.SubElement(rels, f"{{{rels.nsmap[None]}}}Relationship", Id="rIdChunk", Target="chunk.htm",
                     Type=f"{R}/aFChunk")
    edit.members["word/_rels/document.xml.rels"] = etree.tostring(rels)
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    for args in (("redline", drafted / "out" / DOCX, reviewed, "-o", tmp_path / "r.docx"),
                 ("absorb", reviewed, "--deal", drafted / "deal.yaml")):
        done = run_cli(*args)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 1 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        assert lines[0] == (f"{reviewed}: word/document.xml holds text imported from another file (w:altChunk), "
                            "which only Word merges into the document: open the copy in Word, save it and run again")
    assert not (tmp_path / "r.docx").exists() and not (drafted / "deal.review.md").exists()


def test_an_article_heading_deleted_with_its_clauses_kept_is_not_absorbed_in_silence(drafted):
    """Article 4's heading deleted with tracking, its clauses left (Word then shows them as 3.9 to 3.14): redline
    names the moves, but absorb said “reported: no change to the text”, and the re-draft brought the heading back
    without a word."""
    edit = WordEdit(drafted / "out" / DOCX)
    heading = next(p for p in edit.doc.iter(q("p")) if p.find(f"{q('pPr')}/{q('pStyle')}") is not None
                   and p.find(f"{q('pPr')}/{q('pStyle')}").get(q("val")) == "ArticleHeading"
                   and "".join(t.text or "" for t in p.iter(q("t"))) == "Roles and Responsibilities")
    edit.delete_whole(heading)
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.refused == [
        "Article 4: the heading of Article 4 “Roles and Responsibilities” deleted, its clauses kept under the heading "
        "before it: articles and schedules are the library's (library.yaml), so the re-draft keeps it; move its "
        "clauses one by one, or delete them, to change what it holds"]
    article = next(c for c in result.plan.clauses if c.title == "Article 4 Roles and Responsibilities")
    assert article.action == "refused"
    assert [n.text for n in article.notes] == ["(paragraph)", "Roles and Responsibilities"]


def test_a_comment_edited_with_tracking_reads_as_it_stands(drafted):
    """Word tracks changes inside a comment too: a comment whose “Too” was replaced by “Far too” read
    “TooFar too short.”, the deleted word kept."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.comment("at least 180 days", " short.")
    run = edit.comments[-1].find(f"{q('p')}/{q('r')}")
    deleted = etree.Element(q("del"), {q("id"): "9801", q("author"): WHO, q("date"): WHEN})
    etree.SubElement(etree.SubElement(deleted, q("r")), q("delText")).text = "Too"
    inserted = etree.Element(q("ins"), {q("id"): "9802", q("author"): WHO, q("date"): WHEN})
    etree.SubElement(etree.SubElement(inserted, q("r")), q("t")).text = "Far too"
    run.addprevious(deleted)
    run.addprevious(inserted)
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert _comments_of(result, "termination.convenience") == ["Far too short."]


# ── a term the deal leaves at the library's default ─────────────────────────────────────────
def test_a_term_left_at_its_default_and_changed_by_the_reviewer_is_that_term(drafted):
    """Clause 3.3's “Within 60 days” is the library term terms.integration_plan_days, which the canonical deal
    leaves at its default: a reviewer's “45 days” became the clause's own wording, with the number written out,
    and the reason given was an unrelated field that happens to be 60 (budget.cost_sharing.acme). It is the term,
    set in the deal (a `terms:` section added before `overrides:`), and the re-draft reads as reviewed."""
    import yaml

    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("Within 60 days after the Effective Date", "Within 45 days after the Effective Date")
    edit.insert_after("at least 180 days", " (six months)")  # an override too: `terms:` goes before it
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    assert result.plan.fields == [(("terms", "integration_plan_days"), 60, 45)]
    assert "scope.technology-plan" not in result.plan.overrides
    text = (drafted / "deal.yaml").read_text(encoding="utf-8")
    assert "\nterms:\n  integration_plan_days: 45\noverrides:\n" in text
    assert yaml.safe_load(text)["terms"] == {"integration_plan_days": 45}
    api.draft(drafted / "deal.yaml", drafted / "again")
    assert "Within 45 days after the Effective Date" in (drafted / "again" / DOCX).with_suffix(".md").read_text()
    assert result.mismatches == ()


# ── tracked changes LibreOffice recorded itself ─────────────────────────────────────────────
def _soffice(src: Path, fmt: str, out_dir: Path) -> Path:
    import shutil

    import pytest

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{out_dir / 'profile'}",
                    "--convert-to", fmt, "--outdir", str(out_dir), str(src)], check=True, capture_output=True,
                   timeout=180)
    return out_dir / f"{src.stem}.{fmt.split(':')[0]}"


def test_changes_libreoffice_recorded_are_read_by_clause_and_absorbed(drafted, tmp_path):
    """The other review tests write tracked changes as Word does, or have LibreOffice re-save them. Here
    LibreOffice records them: the draft as a Flat ODT edited with ODF's own tracked changes (a number replaced,
    a paragraph deleted, one inserted) and a comment of two paragraphs, saved back as .docx by LibreOffice."""
    fodt = _soffice(drafted / "out" / DOCX, "fodt", tmp_path)
    text = fodt.read_text(encoding="utf-8")
    info = ("<office:change-info><dc:creator>Lo Reviewer</dc:creator><dc:date>2027-02-01T10:00:00</dc:date>"
            "</office:change-info>")
    gone = re.search(r'<text:p text:style-name="([^"]+)">If the Parties have not agreed an integration plan.*?'
                     r'</text:p>', text)
    regions = (f'<text:changed-region xml:id="ct1" text:id="ct1"><text:deletion>{info}<text:p>60</text:p>'
               '</text:deletion></text:changed-region>'
               f'<text:changed-region xml:id="ct2" text:id="ct2"><text:insertion>{info}</text:insertion>'
               '</text:changed-region>'
               f'<text:changed-region xml:id="ct3" text:id="ct3"><text:deletion>{info}{gone.group(0)}'
               f'<text:p text:style-name="{gone.group(1)}"/></text:deletion></text:changed-region>'
               f'<text:changed-region xml:id="ct4" text:id="ct4"><text:insertion>{info}</text:insertion>'
               '</text:changed-region>')
    text = text.replace(gone.group(0), "", 1)  # the deleted paragraph lives in its region from here on
    text = re.sub(r"(<office:text[^>]*>)", lambda m: m.group(1) + '<text:tracked-changes text:track-changes="true">'
                  + regions + "</text:tracked-changes>", text, count=1)
    text = text.replace("Within 60 days after the Effective Date", 'Within <text:change text:change-id="ct1"/>'
                        '<text:change-start text:change-id="ct2"/>45<text:change-end text:change-id="ct2"/> days '
                        "after the Effective Date", 1)
    following = re.compile(r'(<text:p text:style-name="[^"]+">)(When a Party notifies the other Party.*?)</text:p>')
    note = ("<office:annotation><dc:creator>Lo Reviewer</dc:creator><dc:date>2027-02-02T09:00:00</dc:date>"
            "<text:p>Ten Business Days is too short.</text:p><text:p>Say fifteen.</text:p></office:annotation>")
    text = following.sub(lambda m: m.group(1) + '<text:change text:change-id="ct3"/>' + m.group(2).replace(
        "within 10 Business Days", "within " + note + "10 Business Days", 1) + '<text:change-start text:change-id='
        f'"ct4"/></text:p><text:p text:style-name="{gone.group(1)}">Each Party must keep a written record of every '
        'acceptance test it runs.<text:change-end text:change-id="ct4"/></text:p>', text, count=1)
    edited = tmp_path / "edited.fodt"
    edited.write_text(text, encoding="utf-8")
    saved = _soffice(edited, "docx:MS Word 2007 XML", tmp_path / "back")
    reviewed = drafted / "out" / "reviewed.docx"
    reviewed.write_bytes(saved.read_bytes())
    done = api.redline(drafted / "out" / DOCX, reviewed, drafted / "r.docx")
    changed = [line for line in summary_lines(done.comparison) if line[:1] in "~+->"]
    assert len(changed) == 1 and changed[0].startswith("~ 3.3 Integration plan (Within 60 days → Within 45 days;")
    twin = (drafted / "r.md").read_text(encoding="utf-8")
    assert "{--If the Parties have not agreed" in twin and "{++Each Party must keep a written record" in twin
    result = api.absorb(reviewed, drafted / "deal.yaml")
    review = next(c for c in result.plan.clauses if c.id == "scope.technology-plan")
    kinds = [(n.kind, n.author, n.text[:30]) for n in review.notes]
    assert ("comment", "Lo Reviewer", "Ten Business Days is too short") in kinds
    assert ("inserted", "Lo Reviewer", "Each Party must keep a written") in kinds
    assert ("deleted", "Lo Reviewer", "If the Parties have not agreed") in kinds
    assert result.mismatches == ()
    api.draft(drafted / "deal.yaml", drafted / "again")
    again = (drafted / "again" / DOCX).with_suffix(".md").read_text(encoding="utf-8")
    assert "Within 45 days after the Effective Date" in again and "keep a written record" in again
    assert "If the Parties have not agreed an integration plan" not in again
