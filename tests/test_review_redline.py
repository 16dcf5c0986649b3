"""redline reads Word documents: a reviewer's direct edits, tracked changes and LibreOffice re-saves are
compared as the document reads; a missing manifest or an edited file is said in one line; hostile files are
refused cleanly; an output is never replaced unless it is an unchanged termsmith redline (or --force)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from termsmith import api
from termsmith.errors import TermsmithError
from termsmith.review.redline import summary_lines

from .conftest import ROOT, canonical_data
from .reviewed import W, WordEdit, accepted_text, libreoffice_resave, python_docx_edit

DOCX = "acme-globex-2027.docx"


def run_cli(*args):
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TERMSMITH_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def drafted(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("review")
    deal = folder / "deal.yaml"
    deal.write_text(yaml.safe_dump(canonical_data(), sort_keys=False, allow_unicode=True), encoding="utf-8")
    api.draft(deal, folder / "out")
    return folder


def summary(result) -> str:
    return "\n".join(summary_lines(result.comparison))


def test_an_unchanged_draft_reads_as_its_deal(drafted, tmp_path):
    result = api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", tmp_path / "r.docx")
    assert result.comparison.unchanged and result.notes == ()


def test_a_python_docx_edit_is_compared_as_it_reads(drafted, tmp_path):
    reviewed = drafted / "out" / "reviewed-pydocx.docx"
    python_docx_edit(drafted / "out" / DOCX, reviewed, {"at least 180 days": "at least 60 days"})
    result = api.redline(reviewed, drafted / "deal.yaml", tmp_path / "r.docx")
    text = summary(result)
    assert "~ 17.1 Termination for convenience (least 60 days’ → least 180 days’)" in text, text
    assert text.startswith("0 added, 0 removed, 1 changed")
    # a copy under another name finds the manifest of its deal, and says it is not the file termsmith wrote
    assert len(result.notes) == 1 and "edited since termsmith wrote it" in result.notes[0]


def test_tracked_changes_on_the_old_side_are_text_of_old(drafted, tmp_path):
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("180 days", "120 days")
    edit.insert_after("Each Party must make available to the other Party", " promptly")
    reviewed = tmp_path / "tracked.docx"
    edit.save(reviewed)
    result = api.redline(reviewed, drafted / "deal.yaml", tmp_path / "r.docx")
    text = summary(result)
    assert "0 added, 0 removed, 2 changed" in text
    assert "least 120 days’ → least 180 days’" in text
    # what was added or removed is quoted alone, its neighbour only says where: "Party promptly the" was read
    # as three words added
    assert "(removed “promptly” after “Party”)" in text, text
    back = api.redline(drafted / "deal.yaml", reviewed, tmp_path / "back.docx")
    assert "(added “promptly” after “Party”)" in summary(back), summary(back)
    # the redline of the reviewed copy against itself shows nothing: its tracked changes are its text
    assert api.redline(reviewed, reviewed, tmp_path / "same.docx").comparison.unchanged


def test_a_libreoffice_resave_reads_unchanged_and_its_edits_show(drafted, tmp_path):
    saved = libreoffice_resave(drafted / "out" / DOCX, tmp_path / "lo")
    result = api.redline(saved, drafted / "deal.yaml", tmp_path / "r.docx")
    assert result.comparison.unchanged, summary(result)
    assert len(result.notes) == 1 and "no manifest beside it" in result.notes[0]
    edited = tmp_path / "lo-edited.docx"
    python_docx_edit(saved, edited, {"Joint IP": "Joint Property"})
    result = api.redline(edited, drafted / "deal.yaml", tmp_path / "r2.docx")
    assert "2.1 Definitions" in summary(result)


def test_the_redline_of_a_reviewed_copy_accepts_to_the_new_side(drafted, tmp_path):
    """OLD is the reviewed document as it stands: accepting the redline gives NEW, rejecting it gives the
    reviewed text with its own changes accepted."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("180 days", "120 days")
    reviewed = tmp_path / "tracked.docx"
    edit.save(reviewed)
    api.redline(reviewed, drafted / "deal.yaml", tmp_path / "r.docx")
    api.redline(drafted / "deal.yaml", reviewed, tmp_path / "back.docx")
    new_text = accepted_text(drafted / "out" / DOCX)
    assert accepted_text(tmp_path / "r.docx") == new_text
    assert accepted_text(tmp_path / "back.docx") == accepted_text(reviewed)


def test_a_document_not_made_by_termsmith_is_compared_as_text(tmp_path):
    import docx

    for name, words in (("a.docx", "The supplier must deliver in 10 days."),
                        ("b.docx", "The supplier must deliver in 20 days.")):
        document = docx.Document()
        document.add_heading("Delivery", level=1)
        document.add_paragraph(words)
        document.save(str(tmp_path / name))
    result = api.redline(tmp_path / "a.docx", tmp_path / "b.docx", tmp_path / "r.docx")
    assert all("not made by termsmith" in n for n in result.notes) and len(result.notes) == 2
    assert summary(result).splitlines() == ["0 added, 0 removed, 1 changed", "~ (in 10 days. → in 20 days.)"]


# ── hostile and damaged files ──────────────────────────────────────────────────────────────
def _zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>
<w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>
<w:t>&x;</w:t></w:r></w:p></w:body></w:document>"""


@pytest.mark.parametrize("kind", ["bomb", "laughs", "xxe", "slip", "absolute", "not-zip", "no-document", "bad-xml"])
def test_hostile_documents_are_refused_in_one_line(kind, drafted, tmp_path):
    bad = tmp_path / "bad.docx"
    if kind == "bomb":
        _zip(bad, {"word/document.xml": b"<a>" + b" " * (80 * 1024 * 1024) + b"</a>"})
    elif kind == "laughs":
        _zip(bad, {"word/document.xml": LAUGHS})
    elif kind == "xxe":
        _zip(bad, {"word/document.xml": XXE})
    elif kind == "slip":
        _zip(bad, {"word/document.xml": b"<a/>", "../../evil.txt": b"x"})
    elif kind == "absolute":
        _zip(bad, {"word/document.xml": b"<a/>", "/etc/evil": b"x"})
    elif kind == "not-zip":
        bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    elif kind == "no-document":
        _zip(bad, {"word/other.xml": b"<a/>"})
    else:
        _zip(bad, {"word/document.xml": b"<w:document><unclosed>"})
    done = run_cli("redline", bad, drafted / "deal.yaml", "-o", tmp_path / "r.docx")
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bad}") and "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "r.docx").exists()
    assert not (tmp_path.parent / "evil.txt").exists()


# ── -o never replaces what it should not ───────────────────────────────────────────────────
def test_an_output_is_replaced_only_when_it_is_an_unchanged_redline(drafted, tmp_path):
    out = tmp_path / "r.docx"
    api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out)
    api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out)  # its own unchanged output: replaced
    edited = tmp_path / "edited.docx"
    python_docx_edit(out, edited, {"Technology Partnership Agreement": "Technology Partnership Deal"})
    shutil.copy(edited, out)
    done = run_cli("redline", drafted / "out" / DOCX, drafted / "deal.yaml", "-o", out)
    assert done.returncode == 1 and "not an unchanged termsmith redline" in done.stderr and "--force" in done.stderr
    assert out.read_bytes() == edited.read_bytes()
    other = tmp_path / "notes.docx"
    shutil.copy(drafted / "out" / DOCX, other)  # a draft, not a redline
    with pytest.raises(TermsmithError, match="not overwritten"):
        api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", other, markdown=False)
    done = run_cli("redline", drafted / "out" / DOCX, drafted / "deal.yaml", "-o", out, "--force")
    assert done.returncode == 0, done.stderr


def test_the_markdown_twin_is_replaced_only_while_its_text_matches_its_seal(drafted, tmp_path):
    """An editor may keep the twin's last line (its footer or its seal) while changing the text: the seal is the
    sha256 of the text, so the edited twin is not replaced; a twin that was not touched is."""
    out = tmp_path / "r.docx"
    api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out)
    twin = out.with_suffix(".md")
    text = twin.read_text(encoding="utf-8")
    assert text.splitlines()[-1].startswith("<!-- termsmith redline sha256:")
    api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out)  # unchanged: replaced
    assert twin.read_text(encoding="utf-8") == text
    edited = text.replace("Technology Partnership Agreement", "Technology Partnership Deal", 1)
    assert edited != text
    twin.write_text(edited, encoding="utf-8")  # the seal line kept, the text changed
    with pytest.raises(TermsmithError, match="not overwritten"):
        api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out)
    assert twin.read_text(encoding="utf-8") == edited
    unsealed = "\n".join(edited.splitlines()[:-1]) + "\n"  # the seal removed, the text changed
    twin.write_text(unsealed, encoding="utf-8")
    later = out.stat().st_mtime + 60
    os.utime(twin, (later, later))  # an editor saves a minute after termsmith wrote it
    with pytest.raises(TermsmithError, match="not overwritten"):
        api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out)
    api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out, force=True)
    assert twin.read_text(encoding="utf-8") == text


def test_a_twin_written_before_twins_were_sealed_is_replaced_while_unchanged(drafted, tmp_path):
    """An older termsmith wrote the twin without a seal, ending with its footer line. It is its unchanged
    output while the redline beside it is unchanged, by the same author at the same date, and the twin was
    not modified after the two were written together: then no --force is needed. Modified later, or beside
    an edited redline, it is not replaced."""
    out = tmp_path / "r.docx"
    api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out)
    twin = out.with_suffix(".md")
    sealed_text = twin.read_text(encoding="utf-8")
    older = "\n".join(sealed_text.splitlines()[:-1]) + "\n"  # what a termsmith before the seal wrote
    assert older.splitlines()[-1].startswith("*Redline by termsmith ")
    written = out.stat().st_mtime
    twin.write_text(older, encoding="utf-8")
    os.utime(twin, (written, written))  # as written together with its redline
    api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out)
    assert twin.read_text(encoding="utf-8") == sealed_text

    twin.write_text(older, encoding="utf-8")
    os.utime(twin, (written + 3600, written + 3600))  # opened in an editor and saved an hour later
    with pytest.raises(TermsmithError, match="not overwritten"):
        api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out)
    os.utime(twin, (written, written))
    other = tmp_path / "other.docx"
    python_docx_edit(out, other, {"Technology Partnership Agreement": "Technology Partnership Deal"})
    shutil.copy(other, out)  # the redline beside it edited
    with pytest.raises(TermsmithError, match="not overwritten"):
        api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out, markdown=twin)


def test_a_twin_at_a_path_of_its_own_is_replaced_exactly_when_it_is_unchanged(drafted, tmp_path):
    """--markdown PATH puts the twin elsewhere, under another name: it is replaced without --force exactly when
    it is an unchanged termsmith output, as the .docx is (sealed and matching its seal; or, written before
    twins were sealed, still as written with the redline it was written with), and kept otherwise."""
    out, twin = tmp_path / "r.docx", tmp_path / "notes" / "review-twin.md"
    twin.parent.mkdir()
    api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out, markdown=twin)
    assert not out.with_suffix(".md").exists()
    sealed_text = twin.read_text(encoding="utf-8")
    api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out, markdown=twin)  # unchanged: replaced
    assert twin.read_text(encoding="utf-8") == sealed_text

    edited = sealed_text.replace("Redline by termsmith", "Redline by us", 1)
    twin.write_text(edited, encoding="utf-8")
    with pytest.raises(TermsmithError, match="review-twin.md.*not overwritten"):
        api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out, markdown=twin)
    assert twin.read_text(encoding="utf-8") == edited

    older = "\n".join(sealed_text.splitlines()[:-1]) + "\n"  # what a termsmith before the seal wrote
    written = out.stat().st_mtime
    twin.write_text(older, encoding="utf-8")
    os.utime(twin, (written, written))  # as written together with r.docx, which is not beside it
    api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out, markdown=twin)
    assert twin.read_text(encoding="utf-8") == sealed_text

    twin.write_text(older, encoding="utf-8")
    os.utime(twin, (written + 3600, written + 3600))  # saved in an editor an hour later
    with pytest.raises(TermsmithError, match="not overwritten"):
        api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out, markdown=twin)
    assert twin.read_text(encoding="utf-8") == older
    api.redline(drafted / "out" / DOCX, drafted / "deal.yaml", out, markdown=twin, force=True)
    assert twin.read_text(encoding="utf-8") == sealed_text


def test_without_a_manifest_titles_come_from_the_document(drafted, tmp_path):
    """Two copies far from their manifest: a removed clause is named by its run-in title, a clause the reviewer
    added with a bold lead-in by that, and a clause without a title in the text (the parties) by its bookmark."""
    import copy

    import docx

    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(drafted / "out" / DOCX, lone / "a.docx")
    document = docx.Document(str(lone / "a.docx"))
    plan = next(p for p in document.paragraphs if p.text.startswith("Integration plan."))
    added = copy.deepcopy(plan._p)
    plan._p.addnext(added)
    plan._p.getparent().remove(plan._p)
    for child in list(added):
        if child.tag != docx.oxml.ns.qn("w:pPr"):
            added.remove(child)
    new = docx.text.paragraph.Paragraph(added, plan._parent)
    new.add_run("Escrow.").bold = True
    new.add_run(" The source code of the analytics engine must be held in escrow.")
    parties = next(p for p in document.paragraphs if "(the “Agreement”) takes effect" in p.text)
    run = next(r for r in parties.runs if "takes effect" in r.text)
    run.text = run.text.replace("takes effect", "comes into force")
    document.save(str(lone / "b.docx"))
    result = api.redline(lone / "a.docx", lone / "b.docx", tmp_path / "r.docx")
    assert all("no manifest beside it" in n for n in result.notes) and len(result.notes) == 2
    lines = summary(result).splitlines()
    assert "- 3.3 Integration plan" in lines
    assert "+ 3.3 Escrow" in lines
    assert any(line.startswith("~ 1.1 Parties (") for line in lines), lines


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").glob("*.yaml")))
def test_an_unchanged_output_reads_back_as_the_draft_it_was_made_from(example, tmp_path):
    """What lets redline take a side that is still the file its manifest records as that draft, unread."""
    from termsmith.review.fromdocx import document_draft
    from termsmith.review.inputs import rebuild
    from termsmith.review.sides import read

    written = api.draft(ROOT / "examples" / example, tmp_path).written
    docx = next(p for p in written if p.suffix == ".docx")
    base = rebuild(next(p for p in written if p.name.endswith(".manifest.json")))
    assert document_draft(read(docx), base) == base


# ── a reviewed copy far from its manifest, with clauses moved or copied ───────────────────────
def _reordered(src: Path, dst: Path, *, copy_taxes: bool = False, edit_late: bool = False) -> None:
    """The draft with clause 7.6 (Late payment) cut and pasted after the whole of clause 7.7 (Taxes), as a
    reviewer moves a clause in Word or LibreOffice (its bookmark goes with it); with `copy_taxes`, instead the
    first paragraph of Taxes copied after itself by a script (bookmark and all, which Word would drop)."""
    import copy

    import docx

    document = docx.Document(str(src))
    paragraphs = document.paragraphs
    late = next(p for p in paragraphs if p.text.startswith("Late payment."))
    taxes = next(p for p in paragraphs if p.text.startswith("Taxes."))
    after_taxes = next(p for p in paragraphs if p.text.startswith("If the law requires a Party to deduct"))
    if copy_taxes:
        taxes._p.addnext(copy.deepcopy(taxes._p))
    else:
        after_taxes._p.addnext(late._p)
    if edit_late:  # and reworded where it now stands
        run = next(r for r in late.runs if "interest" in r.text)
        run.text = run.text.replace("interest", "a late payment charge", 1)
    document.save(str(dst))


def test_a_clause_moved_in_a_copy_without_its_manifest_is_one_moved_clause(drafted, tmp_path):
    """Named from its bookmarks alone, the copy's clause ids were `budget_late_payment` where the draft's are
    `budget.late-payment`: a moved clause was two clauses claiming one bookmark, an internal error (exit 3)."""
    lone = tmp_path / "lone"
    lone.mkdir()
    reviewed = lone / "reviewed.docx"
    _reordered(drafted / "out" / DOCX, reviewed)
    for old in (drafted / "out" / DOCX, drafted / "deal.yaml"):
        out = tmp_path / f"r-{old.suffix[1:]}.docx"
        done = run_cli("redline", old, reviewed, "-o", out)
        assert done.returncode == 0, done.stderr
        assert "0 added, 0 removed, 0 changed, 1 moved" in done.stdout, done.stdout
        assert "> 7.7 Late payment (from 7.6)" in done.stdout, done.stdout
        assert accepted_text(out, references=False) == accepted_text(reviewed, references=False)


def test_a_clause_moved_and_reworded_says_both(drafted, tmp_path):
    """The summary said only "moved": the edit hid in a whole deletion and a whole insertion of the clause."""
    reviewed = tmp_path / "reviewed.docx"
    _reordered(drafted / "out" / DOCX, reviewed, edit_late=True)
    done = run_cli("redline", drafted / "out" / DOCX, reviewed, "-o", tmp_path / "r.docx")
    assert done.returncode == 0, done.stderr
    assert "> 7.7 Late payment (from 7.6, and its text changed)" in done.stdout, done.stdout


def test_a_clause_copied_with_its_bookmark_is_an_added_clause(drafted, tmp_path):
    """The copy's bookmark is already taken: it is new text (it was an internal error, bookmark placed twice)."""
    reviewed = tmp_path / "reviewed.docx"
    _reordered(drafted / "out" / DOCX, reviewed, copy_taxes=True)
    out = tmp_path / "r.docx"
    done = run_cli("redline", drafted / "out" / DOCX, reviewed, "-o", out)
    assert done.returncode == 0, done.stderr
    assert "1 added, 0 removed, 1 changed" in done.stdout and "+ 7.8 Taxes" in done.stdout, done.stdout
    assert accepted_text(out, references=False) == accepted_text(reviewed, references=False)


def _edited_copy(src: Path, dst: Path, edit) -> Path:
    """A copy of the draft `src`, away from its manifest, with its document.xml changed by `edit(root)`."""
    from lxml import etree

    with zipfile.ZipFile(src) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    edit(root)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return dst


W_MAIN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_a_change_whose_words_read_the_same_says_what_changed(drafted, tmp_path):
    """Emphasis added to unchanged words; a copy away from its manifest knows no clause versions."""
    from lxml import etree

    w = W_MAIN

    def embolden(root):
        run = next(r for r in root.iter(f"{w}r") if "The budget for the Shared Costs" in "".join(r.itertext()))
        rpr = run.find(f"{w}rPr")
        if rpr is None:
            rpr = etree.Element(f"{w}rPr")
            run.insert(0, rpr)
        rpr.insert(0, etree.Element(f"{w}b"))

    src = drafted / "out" / DOCX
    result = api.redline(src, _edited_copy(src, tmp_path / "away" / "bold.docx", embolden), tmp_path / "r.docx")
    lines = summary(result).splitlines()
    assert lines[0] == "0 added, 0 removed, 1 changed", lines
    assert lines[1].startswith("~ 7.1 Budget (formatting changed in “The budget for the Shared Costs"), lines
    assert "→" not in lines[1]


def test_a_reference_that_no_longer_points_at_its_clause_is_named_as_such(drafted, tmp_path):
    """The reference's words stay "clause 7.6"; what changed is where it points."""
    def unlink(root):
        for instr in root.iter(f"{W_MAIN}instrText"):
            instr.text = (instr.text or "").replace("_Ref_budget_late_payment", "_Ref_gone")

    src = drafted / "out" / DOCX
    result = api.redline(src, _edited_copy(src, tmp_path / "away" / "unlinked.docx", unlink), tmp_path / "r.docx")
    lines = summary(result).splitlines()
    assert "~ 7.12 Disputed invoices (cross-reference changed in “clause 7.6.”)" in lines, lines


# ── a reviewed copy whose execution page is gone ──────────────────────────────────────────────
def _body_cut(src: Path, dst: Path, *, from_text: str | None = None, cover: dict[str, str] | None = None) -> None:
    """The draft with its body emptied (every child of w:body but the section properties) or, with `from_text`,
    cut from the paragraph starting so to the end; `cover` then renames text in the cover's runs."""
    import docx

    document = docx.Document(str(src))
    body = document.element.body
    children = [c for c in body if c.tag != f"{{{W}}}sectPr"]
    start = 0
    if from_text is not None:
        start = next(k for k, c in enumerate(children) if "".join(c.itertext()).startswith(from_text))
    for child in children[start:]:
        body.remove(child)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            for old, new in (cover or {}).items():
                run.text = run.text.replace(old, new)
    document.save(str(dst))


def test_a_copy_with_an_empty_body_is_a_redline_deleting_everything(drafted, tmp_path):
    """The execution page deleted as a whole holds its parties: they were tracked deletions inside the tracked
    section, an internal error (exit 3, 'a tracked change inside another one')."""
    empty = tmp_path / "empty.docx"
    _body_cut(drafted / "out" / DOCX, empty)
    for old, new, shown in ((drafted / "out" / DOCX, empty, empty), (empty, drafted / "out" / DOCX, None)):
        out = tmp_path / f"r-{old.stem}.docx"
        done = run_cli("redline", old, new, "-o", out, "--markdown", out.with_suffix(".md"))
        assert done.returncode == 0, done.stderr
        assert "party removed: Acme Cloud Ltd" in done.stdout or "party added: Acme Cloud Ltd" in done.stdout
        assert "(0 clauses)" not in done.stdout  # the empty body read as text is not a section of its own
        # the cover's fixed words ('between', 'Dated') are the redline's own, whatever the drafts say
        assert accepted_text(out) == (["between", "Dated"] if shown else accepted_text(new))
        twin = out.with_suffix(".md").read_text(encoding="utf-8")
        mark = "--" if shown else "++"
        assert f"{{{mark}**Signed for and on behalf of Acme Cloud Ltd**{mark}}}" in twin
        with zipfile.ZipFile(out) as z:
            document = z.read("word/document.xml").decode("utf-8")
        tag = "w:delText" if shown else "w:t"
        assert f"<{tag}>Signed for and on behalf of Acme Cloud Ltd</{tag}>" in document


def test_an_execution_page_cut_while_a_party_is_renamed_shows_the_old_signature_blocks(drafted, tmp_path):
    """The execution page gone and a party renamed on the cover: the deleted page shows the old name."""
    cut = tmp_path / "cut.docx"
    _body_cut(drafted / "out" / DOCX, cut, from_text="Execution", cover={"Acme Cloud Ltd": "Acme Cloud Limited"})
    out = tmp_path / "r.docx"
    done = run_cli("redline", drafted / "out" / DOCX, cut, "-o", out, "--markdown", out.with_suffix(".md"))
    assert done.returncode == 0, done.stderr
    assert accepted_text(out) == accepted_text(cut)
    twin = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "{--**Signed for and on behalf of Acme Cloud Ltd**--}" in twin, twin[-2000:]
    assert "Acme Cloud Limited**" not in twin


def _styles_renamed(src: Path, dst: Path) -> None:
    """Every style but Normal renamed, id and name (as a converter or a template swap may), the bookmarks kept, and one
    amount edited: the copy no longer reads as termsmith's and is compared as text."""
    with zipfile.ZipFile(src) as z:
        members = {name: z.read(name) for name in z.namelist()}
    styles = etree.fromstring(members["word/styles.xml"])
    renamed = {}
    for style in styles.iter(f"{{{W}}}style"):
        ident = style.get(f"{{{W}}}styleId")
        if ident and ident != "Normal":
            renamed[ident] = "X" + ident
            style.set(f"{{{W}}}styleId", "X" + ident)
            name = style.find(f"{{{W}}}name")
            if name is not None:  # 'heading 1' too: the headings are then not headings to any reader
                name.set(f"{{{W}}}val", "Renamed " + name.get(f"{{{W}}}val"))
    document = etree.fromstring(members["word/document.xml"])
    for tree in (styles, document):
        for el in tree.iter(*(f"{{{W}}}{t}" for t in ("basedOn", "next", "link", "pStyle", "rStyle", "tblStyle"))):
            el.set(f"{{{W}}}val", renamed.get(el.get(f"{{{W}}}val"), el.get(f"{{{W}}}val")))
    t = next(t for t in document.iter(f"{{{W}}}t") if t.text and "480,000" in t.text)
    t.text = t.text.replace("480,000", "500,000")
    members["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    members["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    _zip(dst, members)


def test_a_copy_whose_styles_were_renamed_is_compared_as_text(drafted, tmp_path):
    """Read as text, the copy's article-heading bookmarks start clauses: a bookmark was a section on one side and
    a clause on the other, an internal error (exit 3, 'claimed by both section parties and clause parties')."""
    lone = tmp_path / "lone"
    lone.mkdir()
    reviewed = lone / "restyled.docx"
    _styles_renamed(drafted / "out" / DOCX, reviewed)
    for old, new in ((drafted / "out" / DOCX, reviewed), (reviewed, drafted / "out" / DOCX),
                     (drafted / "deal.yaml", reviewed)):
        out = tmp_path / "r.docx"
        done = run_cli("redline", old, new, "-o", out, "--markdown", out.with_suffix(".md"), "--force")
        assert done.returncode == 0, done.stderr
        assert ("restyled.docx: made by termsmith, but its house styles (its headings are in others) are gone (a "
                "program that saved it did not keep them): compared as plain text") in done.stdout
        twin = out.with_suffix(".md").read_text(encoding="utf-8")
        assert "EUR 500,000" in twin and "EUR 480,000" in twin
        with zipfile.ZipFile(out) as z:
            names = re.findall(r'w:bookmarkStart w:id="\d+" w:name="([^"]+)"', z.read("word/document.xml").decode())
        assert len(names) == len(set(names)), "a bookmark placed twice"


def test_footnotes_and_endnotes_a_redline_does_not_show_are_named(drafted, tmp_path):
    """The redline compares the body: a reviewer's footnote or endnote is named in a note with its text and its
    place, not passed over as "no changes"."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.note("at least 180 days", "Check against the reseller agreement.")
    edit.note("Joint IP", "Only the jointly developed items.", kind="endnote", author=None)
    reviewed = tmp_path / "noted.docx"
    edit.save(reviewed)
    for copy_ in (reviewed, libreoffice_resave(reviewed, tmp_path / "lo")):
        done = run_cli("redline", drafted / "out" / DOCX, copy_, "-o", tmp_path / "r.docx", "--force")
        assert done.returncode == 0, done.stderr
        assert "no changes" in done.stdout
        assert (f"{copy_}: 1 footnote and 1 endnote the redline does not compare or show (termsmith drafts none): "
                "endnote in clause 2.1: “Only the jointly developed items.”; "
                "footnote in clause 17.1: “Check against the reseller agreement.”") in done.stdout, done.stdout
