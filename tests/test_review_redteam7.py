"""Word round trips found answering wrongly (or too slowly) in the seventh red-team of returned Word files: text
moved between clauses, part names written percent-encoded, symbols and ruby text around the body, replies that
come back as separate comments, pages pasted into one clause, and further hostile or unusual copies. Each test
failed before its fix."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

from lxml import etree

from termsmith import api
from termsmith.review.redline import summary_lines

from .reviewed import WordEdit, libreoffice_resave, q, read_members, run_cli

DOCX = "acme-globex-2027.docx"
WHO, WHEN = "Jane Counsel", "2027-02-01T10:00:00Z"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path



def _pasted(edit: WordEdit, after: str, texts: list[str]) -> None:
    """Paragraphs pasted with tracking after the paragraph holding `after`, in the body text style."""
    anchor = edit.paragraph_of(after)
    for text in texts:
        new = etree.Element(q("p"))
        ppr = etree.SubElement(new, q("pPr"))
        etree.SubElement(ppr, q("pStyle")).set(q("val"), "BodyText")
        etree.SubElement(ppr, q("rPr")).append(edit._mark("ins", WHO, WHEN))
        holder = edit._mark("ins", WHO, WHEN)
        new.append(holder)
        etree.SubElement(etree.SubElement(holder, q("r")), q("t")).text = text
        anchor.addnext(new)
        anchor = new


# ── pages pasted into one clause ──────────────────────────────────────────────────────────────
def test_pages_pasted_into_a_clause_are_refused_before_the_deal_is_written_out(drafted):
    """Twelve thousand paragraphs pasted into clause 17.1 make a deal file past the size a deal file may have: the
    wording was written into the deal file and read back twice (tens of seconds) only to be refused as 'file is
    larger than 1000 kB'. Now refused at once, saying why; the deal file is untouched."""
    edit = WordEdit(drafted / "out" / DOCX)
    _pasted(edit, "180 days", [f"Pasted paragraph {i} says the Supplier must keep its records of the Services "
                               f"for thirty days." for i in range(12000)])
    reviewed = drafted / "out" / "pasted.docx"
    edit.save(reviewed)
    before = (drafted / "deal.yaml").read_bytes()
    done = run_cli("absorb", reviewed, "--deal", drafted / "deal.yaml")
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith("library:")]
    assert len(lines) == 1 and "the wording it adds makes the deal file larger than 1000 kB" in lines[0], lines
    assert (drafted / "deal.yaml").read_bytes() == before


def _comments_of(result, ident: str) -> list[str]:
    return [n.text for c in result.plan.clauses if c.id == ident for n in c.notes if n.kind.startswith("comment")]


# ── part names percent-encoded ─────────────────────────────────────────────────────────────────
def _renamed(members: dict[str, bytes], old: str, new: str, target_old: bytes, target_new: bytes,
             rels: str) -> dict[str, bytes]:
    """The part `old` stored as the zip member `new`, its relationship (in `rels`) naming it `target_new`."""
    out = {}
    for name, data in members.items():
        if name == rels:
            data = data.replace(b'Target="' + target_old + b'"', b'Target="' + target_new + b'"')
        if name == "[Content_Types].xml":
            data = data.replace(b'"/' + old.encode() + b'"', b'"/' + target_new.lstrip(b"/") + b'"')
        out[new if name == old else name] = data
    return out


def test_parts_named_percent_encoded_are_read(drafted):
    """A relationship names a part percent-encoded ('word/document%20x.xml', 'comments%201.xml', as a URI must
    write a space) and the zip holds the name decoded ('word/document x.xml'): the copy was refused as 'not a
    Word document (no word/document.xml)', and a comments part so named was not found (its comments lost)."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.comment("at least 180 days", "Is this the market position?")
    edit.replace("180 days", "120 days")
    edit.save(drafted / "out" / "plain.docx")
    members = read_members(drafted / "out" / "plain.docx")
    members = _renamed(members, "word/comments.xml", "word/comments 1.xml", b"comments.xml", b"comments%201.xml",
                       "word/_rels/document.xml.rels")
    members = _renamed(members, "word/_rels/document.xml.rels", "word/_rels/document x.xml.rels", b"", b"", "")
    members = _renamed(members, "word/document.xml", "word/document x.xml", b"word/document.xml",
                       b"word/document%20x.xml", "_rels/.rels")
    reviewed = _zip(drafted / "out" / "encoded.docx", members)
    done = api.redline(drafted / "out" / DOCX, reviewed, drafted / "r.docx")
    assert "~ 17.1 Termination for convenience (least 180 days’ → least 120 days’)" in summary_lines(done.comparison)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert _comments_of(result, "termination.convenience") == ["Is this the market position?"]


def test_a_part_stored_both_encoded_and_decoded_is_refused(drafted, tmp_path):
    """'word/document x.xml' and 'word/document%20x.xml' are one part name: a package holding both is forged (which
    one a reader takes is not certain), refused as a part stored twice is."""
    members = read_members(drafted / "out" / DOCX)
    members = _renamed(members, "word/document.xml", "word/document x.xml", b"word/document.xml",
                       b"word/document%20x.xml", "_rels/.rels")
    members["word/document%20x.xml"] = members["word/document x.xml"]
    forged = _zip(tmp_path / "forged.docx", members)
    done = run_cli("redline", drafted / "out" / DOCX, forged, "-o", tmp_path / "r.docx")
    assert done.returncode == 1 and "has two members named" in done.stderr, done.stderr


# ── symbols and ruby text around the body ───────────────────────────────────────────────────
def _sym(char: str, font: str = "Symbol") -> etree._Element:
    run = etree.Element(q("r"))
    etree.SubElement(run, q("sym"), {q("font"): font, q("char"): char})
    return run


def _text_run(text: str) -> etree._Element:
    run = etree.Element(q("r"))
    t = etree.SubElement(run, q("t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _ruby(base: str, guide: str) -> etree._Element:
    """Text with a reading set above it (Word's Phonetic Guide): w:ruby in a run, the guide in w:rt, the words in
    w:rubyBase."""
    run = etree.Element(q("r"))
    ruby = etree.SubElement(run, q("ruby"))
    etree.SubElement(etree.SubElement(ruby, q("rubyPr")), q("hps")).set(q("val"), "10")
    etree.SubElement(ruby, q("rt")).append(_text_run(guide))
    etree.SubElement(ruby, q("rubyBase")).append(_text_run(base))
    return run


def test_a_symbol_in_a_comment_and_in_the_footer_is_read(drafted):
    """Insert > Symbol (a w:sym, no w:t) in a comment and in a tracked insertion in the footer: the comment read
    'Uptime  99.5%?' and the footer's insertion 'and  board approval', the characters lost."""
    edit = WordEdit(drafted / "out" / DOCX)
    cid = edit.comment("at least 180 days", "Uptime ")
    comment = edit.comments[int(cid)]
    p = comment.find(q("p"))
    p.append(_sym("F0B3"))
    p.append(_text_run(" 99.5%?"))
    footer = etree.fromstring(edit.members["word/footer1.xml"])
    run = next(t for t in footer.iter(q("t")) if t.text and "subject to contract" in t.text).getparent()
    inserted = edit._mark("ins", WHO, WHEN)
    inserted.extend([_text_run(" and "), _sym("F0B3"), _text_run(" board approval")])
    run.addnext(inserted)
    edit.members["word/footer1.xml"] = etree.tostring(footer, xml_declaration=True, encoding="UTF-8", standalone=True)
    reviewed = drafted / "out" / "symbols.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert _comments_of(result, "termination.convenience") == ["Uptime ≥ 99.5%?"]
    assert "- inserted in the footer: “and ≥ board approval”: the headers and footers are the library's" in \
        result.lines, result.lines


def test_ruby_text_is_read_as_its_base_words(drafted):
    """Words with a reading set above them (w:ruby) inserted with tracking into a clause and into the footer: the
    body lost the words (no change found), the footer read its guide as text too."""
    edit = WordEdit(drafted / "out" / DOCX)
    _, middle, _ = edit._split("180 days")
    inserted = edit._mark("ins", WHO, WHEN)
    inserted.extend([_text_run(" (Tokyo time "), _ruby("東京", "とうきょう"), _text_run(")")])
    middle.addnext(inserted)
    footer = etree.fromstring(edit.members["word/footer1.xml"])
    run = next(t for t in footer.iter(q("t")) if t.text and "subject to contract" in t.text).getparent()
    inserted = edit._mark("ins", WHO, WHEN)
    inserted.extend([_text_run(" in "), _ruby("東京", "とうきょう")])
    run.addnext(inserted)
    edit.members["word/footer1.xml"] = etree.tostring(footer, xml_declaration=True, encoding="UTF-8", standalone=True)
    reviewed = drafted / "out" / "ruby.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, drafted / "r.docx")
    assert any("(Tokyo time 東京)" in line for line in summary_lines(done.comparison)), summary_lines(done.comparison)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert "(Tokyo time 東京)" in result.plan.overrides["termination.convenience"]["text"]
    assert "- inserted in the footer: “in 東京”: the headers and footers are the library's" in result.lines, \
        result.lines


# ── text moved between clauses ───────────────────────────────────────────────────────────────

def test_text_moved_into_another_clause_keeps_its_numbers_live(drafted):
    """The second paragraph of clause 17.4 (change of control: '60 days’ notice', '6 months') moved to the end of
    clause 17.3 with tracking: the receiving clause's wording froze the numbers that came from the other clause's
    deal fields (a later change of the notice period no longer reached it). Now they are that clause's
    expressions, with the lines that set what they need."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.move("may then terminate this Agreement", "promptly if an Insolvency Event occurs")
    reviewed = drafted / "out" / "moved.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    assert not result.mismatches, result.mismatches
    text = result.plan.overrides["termination.insolvency"]["text"]
    assert "{{ exit.change_of_control.notice_days | days }}’ notice" in text, text
    assert "{{ terms.change_of_control_window_months | months }} after" in text, text
    assert "60 days" not in text and "6 months" not in text, text
    assert "may then terminate" not in result.plan.overrides["termination.change-of-control"]["text"]
    api.draft(drafted / "deal.yaml", drafted / "again")
    md = next((drafted / "again").glob("*.md")).read_text(encoding="utf-8")
    assert "promptly if an Insolvency Event occurs in relation to it, unless the law prohibits it from doing so.\n\n" \
           "The other Party may then terminate this Agreement by giving at least 60 days’ notice." in md


# ── replies in a copy that keeps no threads ─────────────────────────────────────────────────
def _notes_of(result, ident: str) -> list[tuple[str, str, str]]:
    return [(n.kind, n.author, n.text) for c in result.plan.clauses if c.id == ident for n in c.notes
            if n.kind.startswith(("comment", "reply"))]


def test_a_reply_libreoffice_saved_as_a_comment_is_reported_as_a_reply(drafted, tmp_path):
    """LibreOffice drops commentsExtended.xml (which comment replies to which) and writes each reply as a comment of
    its own, its range over its comment's: absorb listed the answer as a second, unrelated comment. A comment on
    exactly the words of an earlier one, in a copy that keeps no threads, is a reply to it."""
    edit = WordEdit(drafted / "out" / DOCX)
    first = edit.comment("at least 180 days", "Is 180 days the market position?")
    edit.comment("at least 180 days", "Yes: 90 to 180 days.", author="Bob Owner", date="2027-02-03T09:00:00Z",
                 reply_to=first)
    reviewed = drafted / "reply.docx"
    edit.save(reviewed)
    saved = libreoffice_resave(reviewed, tmp_path / "lo")
    with zipfile.ZipFile(saved) as z:
        assert not any("commentsExtended" in n for n in z.namelist())  # the thread is gone from the file
    (drafted / "out" / "lo.docx").write_bytes(saved.read_bytes())
    result = api.absorb(drafted / "out" / "lo.docx", drafted / "deal.yaml", dry_run=True)
    assert _notes_of(result, "termination.convenience") == [
        ("comment", "Jane Counsel", "Is 180 days the market position?"),
        ("reply", "Bob Owner", "Yes: 90 to 180 days.")], _notes_of(result, "termination.convenience")


# ── damaged fields ───────────────────────────────────────────────────────────────────────────
def _field_char(kind: str) -> etree._Element:
    run = etree.Element(q("r"))
    etree.SubElement(run, q("fldChar")).set(q("fldCharType"), kind)
    return run


def test_a_field_that_never_ends_is_refused_not_read_as_code(drafted, tmp_path):
    """A field's 'begin' with no 'end' (a damaged copy): everything after it read as the field's code, so a later
    tracked change was lost, and redline stopped on an internal error (exit 3) as numbers no longer agreed."""
    edit = WordEdit(drafted / "out" / DOCX)
    _, middle, _ = edit._split("180 days")
    middle.addnext(_field_char("begin"))
    edit.insert_after("within 10 Business Days", " (or 5 if urgent)")
    reviewed = drafted / "out" / "damaged.docx"
    edit.save(reviewed)
    for args in (("redline", drafted / "out" / DOCX, reviewed, "-o", tmp_path / "r.docx"),
                 ("absorb", reviewed, "--deal", drafted / "deal.yaml")):
        done = run_cli(*args)
        assert done.returncode == 1, done.stderr
        lines = [line for line in done.stderr.splitlines() if not line.startswith("library:")]
        assert len(lines) == 1 and "holds a field that never ends" in lines[0], lines
    assert not (tmp_path / "r.docx").exists()


# ── headings and clause paragraphs restyled as text ──────────────────────────────────────────
def _restyled(edit: WordEdit, paragraph: etree._Element, style: str = "BodyText") -> None:
    paragraph.find(f"{q('pPr')}/{q('pStyle')}").set(q("val"), style)
    numbering = paragraph.find(f"{q('pPr')}/{q('numPr')}")
    if numbering is not None:
        numbering.getparent().remove(numbering)


def _heading(edit: WordEdit, style: str, text: str) -> etree._Element:
    return next(p for p in edit.doc.iter(q("p")) if p.find(f"{q('pPr')}/{q('pStyle')}") is not None
                and p.find(f"{q('pPr')}/{q('pStyle')}").get(q("val")) == style
                and text in "".join(t.text or "" for t in p.iter(q("t"))))


def test_an_article_heading_restyled_as_text_is_compared_not_an_internal_error(drafted, tmp_path):
    """Article 17's heading given the body text style (no tracking): its clauses read under Article 16, the heading's
    words a paragraph of their own, and redline stopped on an internal error (exit 3: 'the draft says 16.8 but
    Word's numbering shows 16.7'), as the heading's words were counted as a numbered clause; a schedule heading so
    restyled stopped it too ('bookmark … claimed by both')."""
    for style, text in (("ArticleHeading", "Termination"), ("ScheduleHeading", "Roles")):
        edit = WordEdit(drafted / "out" / DOCX)
        _restyled(edit, _heading(edit, style, text))
        reviewed = drafted / "out" / f"restyled-{style}.docx"
        edit.save(reviewed)
        done = run_cli("redline", drafted / "out" / DOCX, reviewed, "-o", tmp_path / f"{style}.docx")
        assert done.returncode == 0, done.stderr
    assert "> 16.7 Termination for convenience (from 17.1" in run_cli(
        "redline", drafted / "out" / DOCX, drafted / "out" / "restyled-ArticleHeading.docx", "-o",
        tmp_path / "again.docx", "--force").stdout


def test_a_clause_paragraph_restyled_as_text_is_named_so(drafted, tmp_path):
    """Clause 17.1's numbered paragraph given the body text style: absorb described the edit as 'words moved from one
    table cell to another' (the clause has no table); redline stopped on an internal error before the fix above."""
    edit = WordEdit(drafted / "out" / DOCX)
    _restyled(edit, edit.paragraph_of("Party may terminate this Agreement for convenience"))
    reviewed = drafted / "out" / "restyled.docx"
    edit.save(reviewed)
    done = run_cli("redline", drafted / "out" / DOCX, reviewed, "-o", tmp_path / "r.docx")
    assert done.returncode == 0, done.stderr
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    notes = [n.text for c in result.plan.clauses if c.id == "termination.convenience" for n in c.notes]
    assert notes == ["the same words, a paragraph's style changed (a numbered clause or item as text, or the "
                     "reverse)"], notes


# ── hidden text ──────────────────────────────────────────────────────────────────────────────
def test_hidden_text_added_is_reported_not_lost(drafted, tmp_path):
    """Words added in a hidden run (Word's Hidden font effect, w:vanish), without tracking: both commands said no
    changes. Hidden text is not the clause's text (Word neither shows nor prints it) but it is in the file, and
    termsmith hides nothing: each command now names it."""
    edit = WordEdit(drafted / "out" / DOCX)
    _, middle, _ = edit._split("180 days")
    run = _text_run(" plus a break fee of EUR 1m")
    run.insert(0, etree.Element(q("rPr")))
    etree.SubElement(run[0], q("vanish"))
    middle.addnext(run)
    reviewed = drafted / "out" / "hidden.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert summary_lines(done.comparison) == ["no changes"]
    assert any("hidden text (which Word neither shows nor prints) the redline does not compare: in clause 17.1 “plus "
               "a break fee of EUR 1m”" in n for n in done.notes), done.notes
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    review = next(c for c in result.plan.clauses if c.id == "termination.convenience")
    assert [(n.kind, n.text) for n in review.notes] == [("hidden text", "plus a break fee of EUR 1m")]
    assert "hidden text (which Word neither shows nor prints) is not absorbed" in review.detail
    assert result.plan.overrides == {}


# ── a comment anchored nowhere ───────────────────────────────────────────────────────────────
def test_a_comment_anchored_nowhere_is_reported(drafted):
    """A comment in comments.xml whose range and reference a tool removed from the body: absorb said 'No changes and
    no comments', the comment lost. It is listed with the cover, said to be anchored to no text."""
    edit = WordEdit(drafted / "out" / DOCX)
    cid = edit.comment("at least 180 days", "Please confirm the notice period with finance.")
    for el in list(edit.doc.iter(q("commentRangeStart"), q("commentRangeEnd"), q("commentReference"))):
        if el.get(q("id")) == cid:
            holder = el.getparent()
            (holder.getparent() if el.tag == q("commentReference") else holder).remove(
                holder if el.tag == q("commentReference") else el)
    reviewed = drafted / "out" / "orphan.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert "- comment, anchored to no text of the body (Jane Counsel, 2027-02-02): “Please confirm the notice period " \
           "with finance.”" in result.lines, result.lines


def test_a_move_libreoffice_saved_leaves_the_next_clause_numbered(drafted, tmp_path):
    """The move above saved again by LibreOffice: it gives the clause paragraph after the moved one that one's body
    style, keeping its number as direct numbering (w:numPr of the clause list). Clause 17.5 read as unnumbered
    text: absorb overrode it ('a paragraph's style changed') and it re-drafted differently. A paragraph numbered
    in a clause level's list is that level's paragraph, whatever its style."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.move("may then terminate this Agreement", "promptly if an Insolvency Event occurs")
    edit.save(drafted / "moved.docx")
    saved = libreoffice_resave(drafted / "moved.docx", tmp_path / "lo")
    (drafted / "out" / "moved-lo.docx").write_bytes(saved.read_bytes())
    result = api.absorb(drafted / "out" / "moved-lo.docx", drafted / "deal.yaml", dry_run=True)
    assert sorted(result.plan.overrides) == ["termination.change-of-control", "termination.insolvency"]
    assert not result.mismatches, result.mismatches


# ── files of another format named .docx ─────────────────────────────────────────────────────
def test_a_doc_or_odt_named_docx_says_what_it_is(drafted, tmp_path):
    """A Word 97-2003 .doc or a LibreOffice .odt renamed .docx: refused as 'not a Word document' with no hint of
    what to do. The line now says what the file is and how to make the .docx."""
    doc = tmp_path / "old.docx"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4088)
    odt = _zip(tmp_path / "odt.docx", {"mimetype": b"application/vnd.oasis.opendocument.text",
                                       "content.xml": b"<office:document-content/>"})
    flat = tmp_path / "flat.docx"
    flat.write_bytes(b'<?xml version="1.0"?><w:wordDocument/>')
    for path, what in ((doc, "it is a Word 97-2003 document (.doc)"), (odt, "it is an OpenDocument file"),
                       (flat, "it is a single XML file")):
        done = run_cli("redline", drafted / "out" / DOCX, path, "-o", tmp_path / "r.docx")
        lines = [line for line in done.stderr.splitlines() if not line.startswith("library:")]
        assert done.returncode == 1 and len(lines) == 1, done.stderr
        assert what in lines[0] and "save it as a Word document (.docx)" in lines[0], lines


def test_a_schedule_paragraph_numbered_directly_in_its_restarted_list_stays_a_paragraph(drafted, tmp_path):
    """The same in a schedule: each schedule's numbering restarts in a list of its own (w:num with a start override),
    which no style names. A schedule paragraph given the body style with that list's numbering kept (as LibreOffice
    saves one after a moved paragraph) read as text: the schedule lost a paragraph number."""
    edit = WordEdit(drafted / "out" / DOCX)

    def style(p: etree._Element) -> str:
        el = p.find(f"{q('pPr')}/{q('pStyle')}")
        return el.get(q("val")) if el is not None else ""

    paras = list(edit.doc.iter(q("p")))
    first = next(k for k, p in enumerate(paras) if style(p) == "ScheduleLevel1"
                 and p.find(f"{q('pPr')}/{q('numPr')}") is not None)
    second = next(p for p in paras[first + 1:] if style(p) in ("ScheduleLevel1", "ScheduleHeading"))
    assert style(second) == "ScheduleLevel1"
    second.find(f"{q('pPr')}/{q('pStyle')}").set(q("val"), "BodyLevel1")
    second.find(q("pPr")).find(q("pStyle")).addnext(copy.deepcopy(paras[first].find(f"{q('pPr')}/{q('numPr')}")))
    reviewed = drafted / "out" / "schedule.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert summary_lines(done.comparison) == ["no changes"], summary_lines(done.comparison)


# ── two clauses joined ───────────────────────────────────────────────────────────────────────
def test_two_clauses_joined_by_a_deleted_paragraph_mark_are_refused(drafted):
    """The paragraph mark ending clause 17.3 deleted with tracking, its words kept: the words join clause 17.4's
    numbered paragraph. absorb wrote 17.4's wording with 17.3's paragraph in front of its run-in title (which the
    re-draft then printed twice) and took the paragraph out of 17.3. A deal cannot join two clauses: refused,
    naming both, and nothing written for either."""
    edit = WordEdit(drafted / "out" / DOCX)
    para = edit.paragraph_of("promptly if an Insolvency Event occurs")
    ppr = para.find(q("pPr"))
    rpr = ppr.find(q("rPr"))
    if rpr is None:
        rpr = etree.SubElement(ppr, q("rPr"))
    rpr.append(edit._mark("del", WHO, WHEN))
    reviewed = drafted / "out" / "joined.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {}
    assert result.plan.refused == [
        "the last paragraph of clause 17.3 Insolvency joined to clause 17.4 Change of control (the paragraph mark "
        "between them deleted): a deal cannot join two clauses; reject that change, or move the words with tracking, "
        "and absorb again"]


def test_a_schedule_heading_restyled_as_text_writes_nothing_for_its_clauses(drafted):
    """Schedule 1's heading restyled as body text: absorb refused the heading (as for a heading deleted), yet wrote
    an override for each of its three clauses (their words unchanged, read unnumbered under the execution heading)
    and added the heading's words as a new clause. The heading is the library's: nothing is written for it."""
    edit = WordEdit(drafted / "out" / DOCX)
    _restyled(edit, _heading(edit, "ScheduleHeading", "Roles"))
    reviewed = drafted / "out" / "restyled.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {}, result.plan.overrides
    assert [line.split(":")[0] for line in result.plan.refused] == ["Schedule 1"], result.plan.refused
    assert {c.id: c.action for c in result.plan.clauses if c.id.startswith("schedule-roles")} == {
        "schedule-roles": "refused", "schedule-roles.duties": "refused", "schedule-roles.raci": "refused",
        "schedule-roles.key": "refused"}


# ── numbering restarted by hand ──────────────────────────────────────────────────────────────
def restarted_list(edit: WordEdit, like: str, level: str) -> str:
    """A list as Word's Restart Numbering adds one: the numbering of list `like`, its `level` starting again at 1;
    its numId."""
    numbering = etree.fromstring(edit.members["word/numbering.xml"])
    own = next(n for n in numbering.iter(q("num")) if n.get(q("numId")) == like)
    num = etree.SubElement(numbering, q("num"))
    num.set(q("numId"), "50")
    etree.SubElement(num, q("abstractNumId")).set(q("val"), own.find(q("abstractNumId")).get(q("val")))
    override = etree.SubElement(num, q("lvlOverride"))
    override.set(q("ilvl"), level)
    etree.SubElement(override, q("startOverride")).set(q("val"), "1")
    edit.members["word/numbering.xml"] = etree.tostring(numbering, xml_declaration=True, encoding="UTF-8",
                                                        standalone=True)
    return "50"


def assert_restart_reported(drafted: Path, tmp_path: Path, edit: WordEdit, place: str, clause: str) -> None:
    """Saved, the edit's restart is no change of the text for either command, and both say where it starts."""
    reviewed = drafted / "out" / "restarted.docx"
    edit.save(reviewed)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert summary_lines(done.comparison) == ["no changes"]
    assert any("clause numbering restarted by hand, which the redline does not compare (termsmith numbers the "
               f"clauses itself): at {place} (from 1)" in n for n in done.notes), done.notes
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    notes = {c.id: [(n.kind, n.text) for n in c.notes] for c in result.plan.clauses if c.notes}
    assert notes == {clause: [("numbering restarted", "at 1")]}, notes
    assert result.plan.overrides == {}


def test_clause_numbering_restarted_by_hand_is_reported(drafted, tmp_path):
    """Word's Restart Numbering at clause 17.3 (a list of its own starting again at 1, which the clauses after it
    follow, so Word shows 17.1, 17.2, 17.1, 17.2 …): both commands said no changes. termsmith numbers the clauses
    itself, so it is not absorbed, but it is said where it starts (once)."""
    edit = WordEdit(drafted / "out" / DOCX)
    restarted = restarted_list(edit, "1", "1")
    start = edit.paragraph_of("if an Insolvency Event occurs in relation to the other Party")
    for para in [start, *start.itersiblings()]:
        style = para.find(f"{q('pPr')}/{q('pStyle')}")
        if style is not None and style.get(q("val")) == "ArticleHeading":
            break
        if style is not None and style.get(q("val")) == "ClauseLevel1":
            ppr = para.find(q("pPr"))
            for old in ppr.findall(q("numPr")):
                ppr.remove(old)
            numbered = etree.Element(q("numPr"))
            etree.SubElement(numbered, q("ilvl")).set(q("val"), "1")
            etree.SubElement(numbered, q("numId")).set(q("val"), restarted)
            style.addnext(numbered)
    assert_restart_reported(drafted, tmp_path, edit, "clause 17.3", "termination.insolvency")


def test_schedule_numbering_restarted_by_hand_is_reported(drafted, tmp_path):
    """Word's Restart Numbering at paragraph 3 of Schedule 1 (Word then shows 1, 2, 1): reported where it starts,
    as in the articles. termsmith's own restart of each schedule's numbering at its first paragraph is not."""
    edit = WordEdit(drafted / "out" / DOCX)
    first = edit.paragraph_of("Duties of each Party")
    schedule_list = first.find(f"{q('pPr')}/{q('numPr')}/{q('numId')}").get(q("val"))
    restarted = restarted_list(edit, schedule_list, "0")
    start = edit.paragraph_of("Key to the matrix")
    for para in [start, *start.itersiblings()]:
        style = para.find(f"{q('pPr')}/{q('pStyle')}")
        if style is not None and style.get(q("val")) == "ScheduleHeading":
            break
        numbered = para.find(f"{q('pPr')}/{q('numPr')}/{q('numId')}")
        if numbered is not None and numbered.get(q("val")) == schedule_list:
            numbered.set(q("val"), restarted)
    assert_restart_reported(drafted, tmp_path, edit, "Schedule 1 para 3", "schedule-roles.key")
    # the draft as termsmith wrote it, each schedule's numbering restarted at its first paragraph: nothing to say
    unchanged = api.redline(drafted / "out" / DOCX, drafted / "out" / DOCX, tmp_path / "same.docx")
    assert not any("restarted" in n for n in unchanged.notes), unchanged.notes
