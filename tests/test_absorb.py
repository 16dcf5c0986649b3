"""absorb: a reviewed copy made three ways (python-docx edit, tracked changes and comments as Word writes them,
LibreOffice re-save) round-trips: absorb, re-draft, and the re-draft reads as the reviewed document with every
change accepted; comments are reported by clause; the deal file keeps its comments and layout; bad input is
refused in one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from termsmith import api
from termsmith.errors import TermsmithError

from .conftest import CANONICAL, ROOT
from .reviewed import WordEdit, accepted_text, libreoffice_resave, python_docx_edit

DOCX = "acme-globex-2027.docx"


@pytest.fixture
def drafted(tmp_path) -> Path:
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    api.draft(deal, tmp_path / "out")
    return tmp_path


def round_trip(folder: Path, reviewed: Path) -> api.AbsorbResult:
    """Absorb, re-draft, and check the re-draft reads as the reviewed document with its changes accepted."""
    before = (folder / "deal.yaml").read_text(encoding="utf-8")
    result = api.absorb(reviewed, folder / "deal.yaml")
    assert result.mismatches == ()
    api.draft(folder / "deal.yaml", folder / "again", force=True)
    assert accepted_text(folder / "again" / DOCX) == accepted_text(reviewed)
    after = (folder / "deal.yaml").read_text(encoding="utf-8")
    if not result.plan.fields:  # every line, comment and blank line of the deal kept
        assert after.startswith(before.rstrip("\n"))
    else:
        assert len(after.splitlines()) >= len(before.splitlines())
    return result


def test_tracked_changes_and_comments_as_word_writes_them(drafted):
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("180 days", "120 days")
    edit.insert_after("Each Party must make available to the other Party", " promptly")
    first = edit.comment("Joint IP", "Do we need this definition?")
    edit.comment("Joint IP", "Yes, keep it.", author="Bob Lawyer", reply_to=first)
    edit.comment("Force Majeure Event", "termsmith: check the list of events", author="termsmith")
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = round_trip(drafted, reviewed)
    overrides = result.plan.overrides
    assert set(overrides) == {"termination.convenience", "scope.technology-integration"}
    assert overrides["termination.convenience"]["based_on"] == "1.0.0"
    review = (drafted / "deal.review.md").read_text(encoding="utf-8")
    assert review == "\n".join(result.lines) + "\n"
    assert "## 17.1 Termination for convenience (termination.convenience)" in review
    assert "- deleted (Jane Counsel, 2027-02-01): “180 days”" in review
    assert "- inserted (Jane Counsel, 2027-02-01): “120 days”" in review
    assert "- comment (Jane Counsel, 2027-02-02): “Do we need this definition?”" in review
    assert "- reply (Bob Lawyer, 2027-02-02): “Yes, keep it.” in reply to Jane Counsel" in review
    assert "check the list of events" not in review  # termsmith's own note is not the reviewer's
    # the reason a number was not taken as the deal's field
    assert "notice_days = 120 does not give the reviewed wording" in review


def test_a_reply_to_a_termsmith_note_is_reported(drafted):
    edit = WordEdit(drafted / "out" / DOCX)
    note = edit.comment("Force Majeure Event", "Check the list of events.", author="termsmith")
    edit.comment("Force Majeure Event", "Checked: fine.", reply_to=note)
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    text = "\n".join(result.lines)
    assert "- reply (Jane Counsel, 2027-02-02): “Checked: fine.” in reply to termsmith's note: Check the list" in text
    assert result.written == () and not (drafted / "deal.review.md").exists()


def test_a_python_docx_edit_round_trips(drafted):
    reviewed = drafted / "out" / "edited.docx"
    python_docx_edit(drafted / "out" / DOCX, reviewed, {
        "must continue to perform their obligations": "must keep performing their obligations"})
    result = round_trip(drafted, reviewed)
    assert list(result.plan.overrides) == ["disputes.continuity"] or len(result.plan.overrides) == 1
    assert "edited (untracked)" in "\n".join(result.lines)


def test_a_change_of_a_deal_field_is_absorbed_as_the_field(drafted):
    """Every place the mediation provider shows changed the same way: that is the deal's field, not new
    wording, and the deal file gets the new value in place."""
    edit = WordEdit(drafted / "out" / DOCX)
    count = sum(line.count("CEDR") for line in accepted_text(drafted / "out" / DOCX))
    assert count >= 2
    for _ in range(count):
        edit.replace("CEDR", "ADR Group")
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = round_trip(drafted, reviewed)
    assert result.plan.overrides == {}
    assert [(".".join(map(str, p)), a, b) for p, a, b in result.plan.fields] == [
        ("conflict_resolution.mediation.provider", "CEDR", "ADR Group")]
    assert "  mediation: {provider: ADR Group, days: 30}" in (drafted / "deal.yaml").read_text(encoding="utf-8")


def test_a_libreoffice_resave_round_trips(drafted, tmp_path):
    edited = tmp_path / "edited.docx"
    python_docx_edit(drafted / "out" / DOCX, edited, {"at least 180 days": "at least 150 days"})
    saved = libreoffice_resave(edited, tmp_path / "lo")
    reviewed = drafted / "out" / "lo-reviewed.docx"
    shutil.copy(saved, reviewed)
    result = round_trip(drafted, reviewed)
    assert list(result.plan.overrides) == ["termination.convenience"]


def test_a_deal_changed_since_the_draft_is_refused_unless_forced(drafted):
    deal = drafted / "deal.yaml"
    deal.write_text(deal.read_text(encoding="utf-8") + "# a later edit\n", encoding="utf-8")
    with pytest.raises(TermsmithError, match="has changed since acme-globex-2027.docx was drafted from it"):
        api.absorb(drafted / "out" / DOCX, deal)
    result = api.absorb(drafted / "out" / DOCX, deal, force=True)
    assert result.plan.overrides == {} and result.plan.fields == []


def test_a_document_not_made_by_termsmith_is_refused(drafted, tmp_path):
    import docx

    other = tmp_path / "letter.docx"
    document = docx.Document()
    document.add_paragraph("Dear Sir")
    document.save(str(other))
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TERMSMITH_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-m", "termsmith", "absorb", str(other), "--deal",
                           str(drafted / "deal.yaml")], capture_output=True, text=True, env=env)
    assert done.returncode == 1 and done.stderr.strip().count("\n") == 0
    assert "was not made by termsmith (no clause bookmarks)" in done.stderr
    hostile = tmp_path / "bomb.docx"
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<a>" + b" " * (80 * 1024 * 1024) + b"</a>")
    hostile.write_bytes(buffer.getvalue())
    done = subprocess.run([sys.executable, "-m", "termsmith", "absorb", str(hostile), "--deal",
                           str(drafted / "deal.yaml")], capture_output=True, text=True, env=env)
    assert done.returncode == 1 and "zip bomb" in done.stderr and "Traceback" not in done.stderr
