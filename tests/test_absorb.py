"""absorb: a reviewed copy made three ways (python-docx edit, tracked changes and comments as Word writes them,
LibreOffice re-save) round-trips: absorb, re-draft, and the re-draft reads as the reviewed document with every
change accepted; comments are reported by clause; the deal file keeps its comments and layout; bad input is
refused in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from termsmith import api
from termsmith.errors import TermsmithError
from termsmith.library.opening import open_library

from .conftest import CANONICAL, ROOT, bundled_version
from .reviewed import W, WordEdit, accepted_text, libreoffice_resave, python_docx_edit

DOCX = "acme-globex-2027.docx"


def round_trip(folder: Path, reviewed: Path, references: bool = True) -> api.AbsorbResult:
    """Absorb, re-draft, and check the re-draft reads as the reviewed document with its changes accepted
    (without `references`: cross-references aside, which a move leaves stale in the reviewed copy)."""
    before = (folder / "deal.yaml").read_text(encoding="utf-8")
    result = api.absorb(reviewed, folder / "deal.yaml")
    assert result.mismatches == ()
    api.draft(folder / "deal.yaml", folder / "again", force=True)
    assert accepted_text(folder / "again" / DOCX, references) == accepted_text(reviewed, references)
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
    assert overrides["termination.convenience"]["based_on"] == bundled_version("termination/convenience.md")
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


def test_a_comment_mark_whose_comment_is_gone_is_ignored_and_the_rest_absorbed(drafted):
    """A tool that deletes a comment from comments.xml but leaves its range and reference in the text: there is
    no comment to report there, and the review's other changes are absorbed (it was an internal error, KeyError).
    The comment whose marks these were is anchored nowhere now: it is listed as such, not lost."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("180 days", "120 days")
    edit.comment("Joint IP", "Do we need this definition?")
    for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        for mark in edit.doc.iter(f"{{{W}}}{tag}"):
            mark.set(f"{{{W}}}id", "77")  # comments.xml holds only ids 0.. of the comments WordEdit wrote
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    text = "\n".join(result.lines)
    assert "“120 days”" in text
    assert "- comment, anchored to no text of the body (Jane Counsel, 2027-02-02): “Do we need this definition?”" in \
        result.lines, result.lines


def test_a_clause_paragraph_copied_with_its_bookmark_is_absorbed_as_an_added_clause(drafted):
    """A script copying a clause's paragraph copies its bookmark too: the copy is the reviewer's new text. It was
    read as the same clause again and dropped: "No changes", the copied text silently lost."""
    import copy

    import docx

    document = docx.Document(str(drafted / "out" / DOCX))
    taxes = next(p for p in document.paragraphs if p.text.startswith("Taxes."))
    taxes._p.addnext(copy.deepcopy(taxes._p))
    reviewed = drafted / "out" / "reviewed.docx"
    document.save(str(reviewed))
    result = round_trip(drafted, reviewed, references=False)
    assert "clause added: added to the deal as budget.negotiated-1, after budget.taxes" in "\n".join(result.lines)


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
    assert edit.replace_all("CEDR", "ADR Group") >= 2
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = round_trip(drafted, reviewed)
    assert result.plan.overrides == {}
    assert [(".".join(map(str, p)), a, b) for p, a, b in result.plan.fields] == [
        ("conflict_resolution.mediation.provider", "CEDR", "ADR Group")]
    assert "  mediation: {provider: ADR Group, days: 30}" in (drafted / "deal.yaml").read_text(encoding="utf-8")



def test_a_deal_file_behind_a_link_is_changed_where_it_lives_and_keeps_its_permissions(tmp_path):
    """The deal file is the user's: absorb changes the file a link points to (the link replaced by a copy left
    the real deal as it was) and keeps its mode (the rewrite made it 0644)."""
    real = tmp_path / "deals" / "deal.yaml"
    real.parent.mkdir()
    shutil.copy(CANONICAL, real)
    real.chmod(0o600)
    work = tmp_path / "work"
    work.mkdir()
    (work / "deal.yaml").symlink_to(real)
    api.draft(work / "deal.yaml", work / "out")
    edit = WordEdit(work / "out" / DOCX)
    assert edit.replace_all("CEDR", "ADR Group") >= 2
    edit.save(work / "out" / "reviewed.docx")
    result = api.absorb(work / "out" / "reviewed.docx", work / "deal.yaml")
    assert (work / "deal.yaml").is_symlink()
    assert "  mediation: {provider: ADR Group, days: 30}" in real.read_text(encoding="utf-8")
    assert real.stat().st_mode & 0o777 == 0o600
    assert (work / "deal.review.md").is_file() and not (work / "deal.review.md").is_symlink()
    assert work / "deal.yaml" in result.written  # as the user named it


def test_a_read_only_deal_file_is_refused_and_nothing_is_written(drafted):
    """A rename replaces a read-only file as readily as any other: the user made it read-only, so absorb
    says so in one line and writes neither the deal file nor its review."""
    edit = WordEdit(drafted / "out" / DOCX)
    assert edit.replace_all("CEDR", "ADR Group") >= 2
    edit.save(drafted / "out" / "reviewed.docx")
    deal = drafted / "deal.yaml"
    before = deal.read_bytes()
    deal.chmod(0o444)
    done = subprocess.run([sys.executable, "-m", "termsmith", "absorb", str(drafted / "out" / "reviewed.docx"),
                           "--deal", str(deal)], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"{deal}: is read-only: make it writable to change it (nothing was written)")
    assert "Traceback" not in done.stderr
    assert deal.read_bytes() == before and not (drafted / "deal.review.md").exists()
    assert sorted(p.name for p in drafted.iterdir()) == ["deal.yaml", "out"]

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


# ── into the library, on a branch for a pull request ───────────────────────────────────────
def test_library_changes_are_committed_on_a_new_branch(tmp_path):
    from .conftest import git, make_library_repo

    repo = make_library_repo(tmp_path / "repo", ROOT / "clause_library", "clause_library", "v1.0.0")
    library = repo / "clause_library"
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    api.draft(deal, tmp_path / "out", library=library)
    edit = WordEdit(tmp_path / "out" / DOCX)
    edit.replace("must continue to perform their obligations", "must keep performing their obligations")
    edit.replace("180 days", "120 days")  # computed from a deal field: not the standard
    reviewed = tmp_path / "out" / "reviewed.docx"
    edit.save(reviewed)
    head_before = git(repo, "rev-parse", "HEAD").strip()
    status_before = git(repo, "status", "--porcelain")

    result = api.absorb(reviewed, deal, library=library, branch="review/acme-2027")

    assert git(repo, "rev-parse", "HEAD").strip() == head_before  # the checked-out branch is untouched
    assert git(repo, "status", "--porcelain") == status_before  # and so is the work tree
    changed = git(repo, "diff", "--name-only", "main", "review/acme-2027").split()
    assert changed == ["clause_library/CHANGELOG.md", "clause_library/clauses/disputes/continued-performance.md",
                       "clause_library/library.yaml"]
    clause = git(repo, "show", "review/acme-2027:clause_library/clauses/disputes/continued-performance.md")
    assert "version: 1.1.0" in clause and "must keep performing their obligations" in clause
    assert 'changelog: "wording from the review of reviewed.docx"' in clause
    major, minor, _ = open_library(library).version.split(".")
    bumped = f"{major}.{int(minor) + 1}.0"  # a minor version up
    assert f"version: {bumped}" in git(repo, "show", "review/acme-2027:clause_library/library.yaml")
    log = git(repo, "show", "review/acme-2027:clause_library/CHANGELOG.md")
    assert f"## {bumped}\n\n- disputes.continued-performance 1.1.0: wording from the review of reviewed.docx" in log
    # the computed change stays the deal's own wording, and the review says why
    assert list(result.plan.overrides) == ["termination.convenience"]
    review = "\n".join(result.lines)
    assert "not made the standard: “180” is not in the clause file's own words" in review
    assert "into the library's clauses/disputes/continued-performance.md, version 1.0.0 → 1.1.0" in review
    # the branch's library drafts the reviewed wording; lint of the branch against main passes its version checks
    git(repo, "worktree", "add", "-q", str(tmp_path / "branch"), "review/acme-2027")
    findings = api.lint(tmp_path / "branch" / "clause_library", base="main")
    assert not [f for f in findings if f.severity == "error"], findings
    with pytest.raises(TermsmithError, match="exists already"):
        api.absorb(reviewed, deal, library=library, branch="review/acme-2027", force=True)


def test_a_paragraph_rewritten_whole_by_python_docx_keeps_its_clause(drafted):
    """`paragraph.text = …` drops the paragraph's runs, bookmark and run-in title style: the clause is still
    found (the next clause of the draft whose bookmark is gone) and round-trips."""
    import docx

    document = docx.Document(str(drafted / "out" / DOCX))
    target = next(p for p in document.paragraphs if p.text.startswith("Integration plan. Within 60 days"))
    target.text = "Integration plan. Within 45 days after the Effective Date, the Parties must agree an integration plan."
    reviewed = drafted / "out" / "rewritten.docx"
    document.save(str(reviewed))
    result = round_trip(drafted, reviewed)
    assert list(result.plan.overrides) == ["scope.technology-plan"]


def test_a_party_name_changed_everywhere_is_the_deal_field(drafted):
    import docx

    document = docx.Document(str(drafted / "out" / DOCX))
    paragraphs = list(document.paragraphs) + [p for t in document.tables for r in t.rows for c in r.cells
                                              for p in c.paragraphs]
    changed = 0
    for paragraph in paragraphs:
        for run in paragraph.runs:
            if "Globex Analytics GmbH" in run.text:
                run.text = run.text.replace("Globex Analytics GmbH", "Globex Analytics AG")
                changed += 1
    assert changed >= 2
    reviewed = drafted / "out" / "renamed.docx"
    document.save(str(reviewed))
    result = round_trip(drafted, reviewed)
    assert [(".".join(map(str, p)), b) for p, _a, b in result.plan.fields] == [("parties.1.name", "Globex Analytics AG")]
    assert result.plan.overrides == {} and result.plan.refused == []


def test_an_override_does_not_keep_live_a_sum_of_what_it_lists(drafted):
    """The escalation clause lists each level's days and says by when all of them end (their sum): the list is
    written out in the override, so the sum was kept live alone and a later change of a level's days made the
    negotiated clause contradict itself. Both stay written out, and the review says which deal fields are."""
    reviewed = drafted / "out" / "escalation.docx"
    python_docx_edit(drafted / "out" / DOCX, reviewed, {"organisations in turn": "organisations one after another"})
    result = round_trip(drafted, reviewed)
    text = result.plan.overrides["disputes.escalation"]["text"]
    assert "total" not in text and "10 days" in text and "within 40 days" in text  # the levels and their sum, written out
    note = next(line for line in result.lines if "overrides.disputes.escalation" in line)
    fixed = note.split("written out as the deal has them now (a later change there does not reach this wording): ")[1]
    assert {"conflict_resolution.escalation", "conflict_resolution.final", "parties"} <= set(fixed.split("; ")[0].split(", "))
    twin = next((drafted / "again").glob("*.md")).read_text(encoding="utf-8")  # the re-draft's note says so too
    assert ("Its wording follows what the deal’s conflict\\_resolution.escalation, conflict\\_resolution.final and "
            "parties said when it was negotiated") in twin


def test_an_override_keeps_the_values_the_template_computed_live(drafted):
    """The reviewer reworded the clause but kept its numbers and dates: they are written back as the template's
    expressions, so a later change of the deal field still reaches the overridden clause."""
    reviewed = drafted / "out" / "reworded.docx"
    python_docx_edit(drafted / "out" / DOCX, reviewed, {
        "for convenience by giving": "for convenience by serving on"})
    result = round_trip(drafted, reviewed)
    text = result.plan.overrides["termination.convenience"]["text"]
    assert text.startswith("{%- set tfc = exit.termination_for_convenience -%}\n")
    assert "by serving on {{ other_parties }} at least {{ tfc.notice_days | days }}" in text
    assert "180" not in text and "2028" not in text
    # ("Either" of two Parties is computed too since library 2.7.0, and kept live like the rest)
    assert ('computed values kept live: {{ "Any" if multi else "Either" }}, {{ other_parties }}, '
            '{{ tfc.notice_days | days }}') in "\n".join(result.lines)
    deal = drafted / "deal.yaml"
    deal.write_text(deal.read_text(encoding="utf-8").replace("notice_days: 180", "notice_days: 90"), encoding="utf-8")
    api.draft(deal, drafted / "later", force=True)
    later = "\n".join(accepted_text(drafted / "later" / DOCX))
    assert "for convenience by serving on the other Party at least 90 days’ notice" in later
    assert "cannot take effect before 31 March 2028" in later  # 12 months after 1 January 2027, plus 90 days


def test_a_value_the_reviewer_changed_stays_their_literal(drafted):
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("180 days", "120 days")
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = round_trip(drafted, reviewed)
    text = result.plan.overrides["termination.convenience"]["text"]
    assert "at least 120 days’ notice" in text and "{{ tfc.notice_days | days }}" not in text
    assert "{{ other_parties }}" in text  # what the reviewer left as it was is still live
    # the notice period is a field, but setting it would also move the date the clause works out from it, which
    # the reviewer left as it was: the review says where, so the reader can decide to set the field after all
    (review,) = [r for r in result.plan.clauses if r.id == "termination.convenience"]
    assert ("notice_days = 120 does not give the reviewed wording of clause 17.1 (the field is used elsewhere in "
            "it: it would also make “29 June” read “30 April”)") in review.detail, review.detail


# ── titles, definitions, the cover and headings ────────────────────────────────────────────
def test_a_new_title_and_a_reworded_definition_become_overrides_without_freezing_the_text(drafted):
    reviewed = drafted / "out" / "titles.docx"
    python_docx_edit(drafted / "out" / DOCX, reviewed, {
        "Integration plan.": "Integration timetable.",
        "substantially deprives another Party": "materially deprives another Party"})
    result = round_trip(drafted, reviewed)
    plan = result.plan.overrides["scope.technology-plan"]
    assert set(plan) == {"based_on", "title"} and plan["title"] == "Integration timetable"  # the text stays live
    cause = result.plan.overrides["termination.cause"]
    assert set(cause) == {"based_on", "defines"} and "materially deprives another Party" in \
        cause["defines"]["Material Breach"]
    assert cause["defines"]["Material Breach"].startswith("means a breach of this Agreement")
    review = "\n".join(result.lines)
    assert "the deal's own title for the clause (overrides.scope.technology-plan.title: Integration timetable)" \
        in review
    assert "the deal's own wording of “Material Breach” (overrides.termination.cause.defines)" in review


def test_a_party_renamed_on_the_cover_is_the_deal_field_and_an_article_heading_is_refused(drafted):
    import docx

    document = docx.Document(str(drafted / "out" / DOCX))
    cover = next(p for p in document.paragraphs if p.style.name == "Cover Party" and "Globex" in p.text)
    cover.runs[0].text = cover.runs[0].text.replace("Globex Analytics GmbH", "Globex Analytics AG")
    heading = next(p for p in document.paragraphs if p.style.name == "Article Heading" and p.text == "Force Majeure")
    heading.runs[0].text = "Force Majeure and Pandemics"
    reviewed = drafted / "out" / "cover.docx"
    document.save(str(reviewed))
    result = api.absorb(reviewed, drafted / "deal.yaml")
    assert [(".".join(map(str, p)), b) for p, _a, b in result.plan.fields] == [
        ("parties.1.name", "Globex Analytics AG")], "\n".join(result.lines)
    review = "\n".join(result.lines)
    assert "deal field parties.1.name: Globex Analytics GmbH → Globex Analytics AG (it also reads so in" in review
    assert "the heading of Article 20 “Force Majeure” → “Force Majeure and Pandemics”" in review
    assert result.mismatches == ()
    api.draft(drafted / "deal.yaml", drafted / "again", force=True)
    text = accepted_text(drafted / "again" / DOCX)
    assert "Globex Analytics AG" in text and "Force Majeure" in text


def test_moves_within_and_across_articles_come_back_into_the_deal_with_live_numbers(drafted):
    """A clause moved within its article and one moved into another article: the deal places each after the
    clause it now follows, and the re-draft numbers them (and every cross-reference to them) where they stand."""
    import docx

    document = docx.Document(str(drafted / "out" / DOCX))
    paragraphs = list(document.paragraphs)

    def clause(title: str):
        return next(p for p in paragraphs if p.style.name == "Clause Level 1" and p.text.startswith(title + "."))

    clause("Variation")._p.addnext(clause("Costs")._p)  # costs now between variation and waiver
    clause("Force majeure")._p.addnext(clause("Announcements")._p)  # into another article
    reviewed = drafted / "out" / "moved.docx"
    document.save(str(reviewed))
    result = round_trip(drafted, reviewed, references=False)
    assert {k: (set(v), v["after"]) for k, v in result.plan.overrides.items()} == {
        "general.costs": ({"based_on", "after"}, "general.variation"),
        "general.announcements": ({"based_on", "after"}, "force-majeure.definition")}
    text = "\n".join(result.lines)
    assert "moved from clause 21.14 to after clause 21.6 (overrides.general.costs.after: general.variation)" in text
    assert "absorbed: the deal places the clause" in text and "Not absorbed" not in text
    again = api.build(drafted / "deal.yaml")
    labels = {c.id: (s.id, c.label) for s in again.sections for c in s.clauses}
    assert labels["general.announcements"] == ("force-majeure", "20.2")
    assert labels["general.costs"] == ("general", "21.7") and labels["general.variation"] == ("general", "21.6")


def test_moves_to_the_start_of_an_article_come_back_into_the_deal_with_live_numbers(drafted):
    """Two clauses moved to the very start of their own article and one to the start of another: no clause
    precedes the first of them there, so the deal places it before the clause it now precedes
    (overrides.ID.before) and the second after it; the re-draft reads as the reviewed document and numbers
    them where they stand."""
    import docx

    document = docx.Document(str(drafted / "out" / DOCX))
    paragraphs = list(document.paragraphs)

    def clause(title: str):
        return next(p for p in paragraphs if p.style.name == "Clause Level 1" and p.text.startswith(title + "."))

    clause("Assignment")._p.addprevious(clause("Costs")._p)  # costs first in its article, waiver second
    clause("Assignment")._p.addprevious(clause("Waiver")._p)
    clause("Force majeure")._p.addprevious(clause("Announcements")._p)  # first in another article
    reviewed = drafted / "out" / "moved.docx"
    document.save(str(reviewed))
    result = round_trip(drafted, reviewed, references=False)
    assert {k: (set(v), v["before"]) for k, v in result.plan.overrides.items() if "before" in v} == {
        "general.costs": ({"based_on", "before"}, "general.assignment"),
        "general.announcements": ({"based_on", "before"}, "force-majeure.definition")}
    assert result.plan.overrides["general.waiver"] == {"based_on": "1.0.0", "after": "general.costs"}
    text = "\n".join(result.lines)
    assert "moved from clause 21.14 to the start of General (overrides.general.costs.before: general.assignment)" \
        in text
    assert "Not absorbed" not in text and result.plan.refused == []
    assert "    before: general.assignment\n" in (drafted / "deal.yaml").read_text(encoding="utf-8")
    again = api.build(drafted / "deal.yaml")
    labels = {c.id: (s.id, c.label) for s in again.sections for c in s.clauses}
    assert labels["general.announcements"] == ("force-majeure", "20.1")
    assert labels["force-majeure.definition"] == ("force-majeure", "20.2")
    assert labels["general.costs"] == ("general", "21.1") and labels["general.waiver"] == ("general", "21.2")
    assert labels["general.assignment"] == ("general", "21.3")
    # absorbed again from the re-draft, nothing moves: the clauses stay where the deal now places them
    api.draft(drafted / "deal.yaml", drafted / "out", force=True)
    assert api.absorb(drafted / "out" / DOCX, drafted / "deal.yaml", dry_run=True).plan.overrides == {}


def test_a_new_title_and_moves_go_into_the_library(tmp_path):
    import docx

    from .conftest import git, make_library_repo

    repo = make_library_repo(tmp_path / "repo", ROOT / "clause_library", "clause_library", "v1.0.0")
    library = repo / "clause_library"
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    api.draft(deal, tmp_path / "out", library=library)
    document = docx.Document(str(tmp_path / "out" / DOCX))
    paragraphs = list(document.paragraphs)

    def clause(title: str):
        return next(p for p in paragraphs if p.style.name == "Clause Level 1" and p.text.startswith(title + "."))

    severability = clause("Severability")
    run = next(r for r in severability.runs if r.text.startswith("Severability"))
    run.text = run.text.replace("Severability", "Severance")
    clause("Variation")._p.addnext(clause("Costs")._p)  # costs now between variation and waiver
    clause("Force majeure")._p.addnext(clause("Announcements")._p)  # into another article
    heading = next(p for p in paragraphs if p.style.name == "Article Heading" and p.text == "Force Majeure")
    heading.runs[0].text = "Force Majeure Events"
    reviewed = tmp_path / "out" / "reviewed.docx"
    document.save(str(reviewed))

    dry = api.absorb(reviewed, deal, dry_run=True, library=library)
    text = "\n".join(dry.lines)
    assert "21.7 Costs (general.costs)" in text and "(overrides.general.costs.after: general.variation)" in text
    assert "- edited (untracked): title “Severability” → “Severance”" in text
    assert "the heading of Article 20 “Force Majeure” → “Force Majeure Events”: article and schedule headings are " \
        "the library's" in text
    assert dry.plan.overrides["general.severability"] == {
        "based_on": dry.plan.overrides["general.severability"]["based_on"], "title": "Severance"}

    result = api.absorb(reviewed, deal, library=library, branch="review/order")
    changed = git(repo, "diff", "--name-only", "main", "review/order").split()
    assert changed == ["clause_library/CHANGELOG.md", "clause_library/clauses/general/announcements.md",
                       "clause_library/clauses/general/costs.md", "clause_library/clauses/general/severability.md",
                       "clause_library/library.yaml"], "\n".join(result.lines)
    costs = git(repo, "show", "review/order:clause_library/clauses/general/costs.md")
    assert "order: 65" in costs and 'changelog: "place from the review of reviewed.docx"' in costs
    announcements = git(repo, "show", "review/order:clause_library/clauses/general/announcements.md")
    assert "area: force-majeure" in announcements and "id: general.announcements" in announcements
    severance = git(repo, "show", "review/order:clause_library/clauses/general/severability.md")
    assert "title: Severance" in severance and 'changelog: "title from the review of reviewed.docx"' in severance
    assert "  - {id: force-majeure, title: Force Majeure Events}" in git(
        repo, "show", "review/order:clause_library/library.yaml")
    assert "- heading of force-majeure: Force Majeure → Force Majeure Events, from the review of reviewed.docx" in git(
        repo, "show", "review/order:clause_library/CHANGELOG.md")
    review = "\n".join(result.lines)
    assert "into the library's library.yaml: heading Force Majeure → Force Majeure Events" in review
    assert "Not absorbed" not in review
    assert result.plan.overrides == {}  # the title and both moves went into the library
    git(repo, "worktree", "add", "-q", str(tmp_path / "branch"), "review/order")
    api.draft(deal, tmp_path / "again", library=tmp_path / "branch" / "clause_library")
    assert accepted_text(tmp_path / "again" / DOCX, False) == accepted_text(reviewed, False)


def test_an_address_reworded_in_several_places_is_the_deal_field(drafted):
    """Street and postcode changed (two changes inside one value), wherever the address shows."""
    import docx

    document = docx.Document(str(drafted / "out" / DOCX))
    paragraphs = list(document.paragraphs) + [p for t in document.tables for r in t.rows for c in r.cells
                                              for p in c.paragraphs]
    changed = 0
    for paragraph in paragraphs:
        for run in paragraph.runs:
            if "Hauptstraße 5, 10115 Berlin" in run.text:
                run.text = run.text.replace("Hauptstraße 5, 10115 Berlin", "Friedrichstraße 100, 10117 Berlin")
                changed += 1
    assert changed == 2  # the parties and the notices clause
    reviewed = drafted / "out" / "address.docx"
    document.save(str(reviewed))
    result = round_trip(drafted, reviewed)
    assert [(".".join(map(str, p)), b) for p, _a, b in result.plan.fields] == [
        ("parties.1.address", "Friedrichstraße 100, 10117 Berlin, Germany")]
    assert result.plan.overrides == {}


def test_a_reworded_definition_goes_into_the_defining_clause_of_the_library(tmp_path):
    from .conftest import git, make_library_repo

    repo = make_library_repo(tmp_path / "repo", ROOT / "clause_library", "clause_library", "v1.0.0")
    library = repo / "clause_library"
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    api.draft(deal, tmp_path / "out", library=library)
    reviewed = tmp_path / "out" / "reviewed.docx"
    python_docx_edit(tmp_path / "out" / DOCX, reviewed, {
        "substantially deprives another Party": "materially deprives another Party"})
    result = api.absorb(reviewed, deal, library=library, branch="review/definition")
    assert result.plan.overrides == {}
    path = "clause_library/clauses/termination/cause.md"
    assert git(repo, "diff", "--name-only", "main", "review/definition").split() == [
        "clause_library/CHANGELOG.md", path, "clause_library/library.yaml"]
    clause = git(repo, "show", f"review/definition:{path}")
    assert "materially deprives another Party" in clause and "substantially deprives" not in clause
    assert 'changelog: "definition from the review of reviewed.docx"' in clause
    git(repo, "worktree", "add", "-q", str(tmp_path / "branch"), "review/definition")
    api.draft(deal, tmp_path / "again", library=tmp_path / "branch" / "clause_library")
    assert accepted_text(tmp_path / "again" / DOCX) == accepted_text(reviewed)


@pytest.mark.parametrize("runs", [
    [("Source code escrow.", True), (" The Provider must deposit the source code with an escrow agent.", False)],
    [("Source code", True), (" escrow", True), (". The Provider must deposit the source code with an escrow agent.",
                                                False)],
])
def test_a_clause_added_with_a_bold_title_takes_its_title_from_it(drafted, runs):
    """A reviewer types a new clause in Word with its title in bold (not a heading style), the full stop inside
    the bold or just after it, the bold in one run or several: the deal's added clause has that title."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.add_paragraph("A Party may also take any step needed to prevent a limitation period", runs)
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = round_trip(drafted, reviewed)
    (ident, added), = result.plan.overrides.items()
    assert added["title"] == "Source code escrow" and added["after"] == "disputes.urgent-relief"
    assert added["text"] == "The Provider must deposit the source code with an escrow agent.\n"
    assert "Source code escrow. The Provider must deposit the source code with an escrow agent." in \
        accepted_text(drafted / "again" / DOCX)


def test_a_defined_term_renamed_throughout_comes_back_into_the_deal(drafted):
    """The reviewer renames “Joint IP” to “Joint Intellectual Property” everywhere (the definitions list, the
    clauses that use it, a title): the defining clause defines the new name in the deal, the clauses that use
    it carry it in their wording, and the re-draft's list has the new term where the old one stood."""
    import docx

    document = docx.Document(str(drafted / "out" / DOCX))
    paragraphs = list(document.paragraphs) + [p for t in document.tables for r in t.rows for c in r.cells
                                              for p in c.paragraphs]
    for paragraph in paragraphs:
        for run in paragraph.runs:
            if "Joint IP" in run.text:
                run.text = run.text.replace("Joint IP", "Joint Intellectual Property")
    reviewed = drafted / "out" / "renamed.docx"
    document.save(str(reviewed))
    result = round_trip(drafted, reviewed)
    assert set(result.plan.overrides) == {"ip.new-ip", "ip.joint"}
    defines = result.plan.overrides["ip.new-ip"]["defines"]
    assert list(defines) == ["Joint Intellectual Property"] and defines["Joint Intellectual Property"].startswith(
        "means Intellectual Property Rights in anything")
    assert "“Joint IP” renamed “Joint Intellectual Property” (overrides.ip.new-ip.defines" in "\n".join(result.lines)
    assert "Not absorbed" not in "\n".join(result.lines)
    again = api.build(drafted / "deal.yaml")
    assert "Joint Intellectual Property" in again.defined_terms and "Joint IP" not in again.defined_terms


def test_a_renamed_defined_term_goes_into_every_clause_file_of_the_library_that_uses_it(tmp_path):
    import docx

    from .conftest import git, make_library_repo

    repo = make_library_repo(tmp_path / "repo", ROOT / "clause_library", "clause_library", "v1.0.0")
    library = repo / "clause_library"
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    api.draft(deal, tmp_path / "out", library=library)
    document = docx.Document(str(tmp_path / "out" / DOCX))
    for paragraph in list(document.paragraphs) + [p for t in document.tables for r in t.rows for c in r.cells
                                                   for p in c.paragraphs]:
        for run in paragraph.runs:
            if "Joint IP" in run.text:
                run.text = run.text.replace("Joint IP", "Joint Intellectual Property")
    reviewed = tmp_path / "out" / "reviewed.docx"
    document.save(str(reviewed))
    result = api.absorb(reviewed, deal, library=library, branch="review/term")
    assert result.plan.overrides == {}, "\n".join(result.lines)
    changed = git(repo, "diff", "--name-only", "main", "review/term").split()
    using = sorted(f"clause_library/{p.relative_to(library).as_posix()}" for p in (library / "clauses").rglob("*.md")
                   if "Joint IP" in p.read_text(encoding="utf-8"))
    assert "clause_library/clauses/ip/joint-venture.md" in using  # not in this deal, renamed all the same
    assert changed == sorted(["clause_library/CHANGELOG.md", "clause_library/library.yaml", *using])
    for path in using:
        text = git(repo, "show", f"review/term:{path}")
        changelog = next(line for line in text.splitlines() if line.startswith("changelog:"))
        assert "term renamed Joint IP → Joint Intellectual Property" in changelog
        assert "Joint IP" not in text.replace(changelog, "") and "Joint Intellectual Property" in text
    git(repo, "worktree", "add", "-q", str(tmp_path / "branch"), "review/term")
    api.draft(deal, tmp_path / "again", library=tmp_path / "branch" / "clause_library")
    assert accepted_text(tmp_path / "again" / DOCX) == accepted_text(reviewed)
    assert "Not absorbed" not in "\n".join(result.lines)


def _reviewed_example(tmp_path: Path, stem: str, change) -> tuple[Path, Path]:
    """The example deal copied to tmp_path, drafted, and its Word draft reviewed by `change(edit)` with tracking:
    (deal file, reviewed .docx)."""
    deal = tmp_path / "deal.yaml"
    shutil.copy(ROOT / "examples" / f"{stem}.yaml", deal)
    docx = next(p for p in api.draft(deal, tmp_path / "out").written if p.suffix == ".docx")
    edit = WordEdit(docx)
    change(edit)
    reviewed = tmp_path / "out" / "reviewed.docx"
    edit.save(reviewed)
    return deal, reviewed


def test_a_us_draft_dated_as_of_comes_back_without_a_date_conflict(tmp_path):
    """A US cover reads "Dated as of March 1, 2027": absorb reads the date after those words."""
    deal, reviewed = _reviewed_example(tmp_path, "hudson-cobalt-technology-us", lambda edit: edit.insert_after(
        "Each Party must make available to the other Party", " promptly"))
    result = api.absorb(reviewed, deal)
    assert result.mismatches == ()
    review = "\n".join(result.lines)
    assert "the date" not in review and set(result.plan.overrides) == {"scope.technology-integration"}


def test_a_us_deals_own_wording_is_drafted_as_written_and_a_table_edit_comes_back(tmp_path):
    """A deal's override is its own words: the US house style (licence → license, organised → organized) rewrote
    them as if they were the library's. So a service-level target changed in a New York deal's schedule table came
    back as an override that re-drafted differently: the table's deal value "Fulfilment of standard service
    requests", left alone in the draft, became "Fulfillment" in the override."""
    deal, reviewed = _reviewed_example(tmp_path, "meridian-opscloud-managed-service",
                                       lambda edit: edit.replace("at least 99.95%", "at least 99.9%"))
    result = api.absorb(reviewed, deal)
    assert result.mismatches == ()
    api.draft(deal, tmp_path / "again")
    assert accepted_text(next((tmp_path / "again").glob("*.docx"))) == accepted_text(reviewed)
    text = deal.read_text(encoding="utf-8")
    deal.write_text(text + ("" if "\noverrides:" in text else "\noverrides:\n") + (
        "  general.costs:\n    text: Each Party bears the costs it has organised, and no licence fee is payable.\n"),
        encoding="utf-8")
    twin = next(p for p in api.draft(deal, tmp_path / "third").written if p.suffix == ".md").read_text(encoding="utf-8")
    assert "the costs it has organised, and no licence fee is payable" in twin


def test_footnotes_and_endnotes_the_reviewer_added_are_listed_as_not_absorbed(drafted, tmp_path):
    """A deal has no footnotes: a reviewer's footnote (tracked) and endnote (untracked) are each listed with their
    text, under their clause and as not absorbed. They were silently lost ("No changes and no comments", exit 0)."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.note("at least 180 days", "Check against the reseller agreement.")
    edit.note("Joint IP", "Only the jointly developed items.", kind="endnote", author=None)
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    review = (drafted / "deal.review.md").read_text(encoding="utf-8")
    assert "No changes" not in review
    assert "- footnote (Jane Counsel, 2027-02-01): “Check against the reseller agreement.”" in review
    not_absorbed = review.split("## Not absorbed", 1)[1]
    assert "- footnote in clause 17.1: “Check against the reseller agreement.”: a deal has no footnotes" in not_absorbed
    assert "- endnote in clause 2.1: “Only the jointly developed items.”: a deal has no endnotes" in not_absorbed
    assert result.plan.overrides == {} and result.plan.fields == []
    # LibreOffice keeps them as footnotes and endnotes of its own making: still listed
    saved = libreoffice_resave(reviewed, tmp_path / "lo")
    lines = "\n".join(api.absorb(saved, drafted / "deal.yaml", dry_run=True, force=True).lines)
    assert "footnote in clause 17.1: “Check against the reseller agreement.”" in lines, lines
    assert "endnote in clause 2.1: “Only the jointly developed items.”" in lines, lines


def test_authors_are_reported_as_recorded_fit_to_print(drafted):
    """A tracked change without author or date is the reviewer's, not an untracked edit: it read "(untracked)". An
    author with a right-to-left override reordered the review's lines (raw in DEAL.review.md), and an author of
    5,000 characters was printed whole."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("180 days", "120 days", author="NOBODY")
    for mark in edit.doc.iter(f"{{{W}}}ins", f"{{{W}}}del"):
        if mark.get(f"{{{W}}}author") == "NOBODY":
            del mark.attrib[f"{{{W}}}author"], mark.attrib[f"{{{W}}}date"]
    edit.insert_after("Each Party must make available to the other Party", " promptly", author="B" * 5000)
    edit.comment("Joint IP", "Keep this?", author="Eve \u202egnp.exe")
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    review = (drafted / "deal.review.md").read_text(encoding="utf-8")
    assert review == "\n".join(result.lines) + "\n"
    assert "- deleted (no author): “180 days”" in review and "- inserted (no author): “120 days”" in review
    assert "- comment (Eve \\u202egnp.exe, 2027-02-02): “Keep this?”" in review
    assert f"- inserted ({'B' * 59}…, 2027-02-01): “promptly”" in review
    assert "\u202e" not in review and "B" * 60 not in review


def test_the_review_is_the_same_bytes_whatever_the_interpreters_hash_seed(drafted, tmp_path):
    """The clauses a refused field change would also reach are listed in the draft's order, not a set's."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("the arbitration is London", "the arbitration is Paris")
    edit.save(drafted / "out" / "reviewed.docx")
    reviews = []
    for seed in ("1", "2"):
        copy = tmp_path.parent / f"{tmp_path.name}-seed-{seed}"  # as deep as the draft: its manifest is relative
        shutil.copytree(drafted, copy)
        done = subprocess.run([sys.executable, "-m", "termsmith", "absorb", copy / "out" / "reviewed.docx", "--deal",
                               copy / "deal.yaml"], capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, done.stderr
        reviews.append((copy / "deal.review.md").read_bytes())
    assert b"would also change" in reviews[0]
    assert reviews[0] == reviews[1]


@pytest.mark.parametrize("was, now, field", [
    ("giving at least ninety (90) days’ notice to the other Party",
     "giving at least one hundred and twenty (120) days’ notice to the other Party",
     ("governance.deadlock.termination_notice_days", 90, 120)),
    ("within seventy-two (72) hours", "within forty-eight (48) hours", ("terms.breach_notice_hours", 72, 48)),
])
def test_a_number_in_words_and_figures_changed_in_both_is_the_deal_field(tmp_path, was, now, field):
    """A library whose house style writes numbers in words and figures ("ninety (90) days"): a reviewer who
    changes both is changing one value, the deal field (here one the deal sets and one it leaves at the
    library's default), not writing the clause's own wording."""
    lib = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", lib)
    manifest = lib / "library.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("numbers: figures", "numbers: words"),
                        encoding="utf-8")
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    api.draft(deal, tmp_path / "out", library=lib)
    edit = WordEdit(tmp_path / "out" / DOCX)
    edit.replace(was, now)
    reviewed = tmp_path / "reviewed.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, deal, library=lib)
    assert result.plan.overrides == {} and result.mismatches == ()
    assert [(".".join(map(str, p)), a, b) for p, a, b in result.plan.fields] == [field]
    api.draft(deal, tmp_path / "again", library=lib)
    assert accepted_text(tmp_path / "again" / DOCX) == accepted_text(reviewed)


@pytest.mark.parametrize("tracked", [True, False])
def test_words_typed_on_the_cover_or_after_the_contents_are_listed_as_not_absorbed(drafted, tmp_path, tracked):
    """A paragraph typed between the contents and Article 1, and one under the date on the cover: neither is a
    deal field nor in a clause, so each is listed with its words as not absorbed. They were read as cover text and
    dropped ("no change to the text", or nothing at all without tracking)."""
    edit = WordEdit(drafted / "out" / DOCX)
    for anchor, words in (("Exit Plan", "Note to draft: the schedules follow the articles."),
                          ("Dated 1 January 2027", "Subject to contract")):
        edit.add_paragraph(anchor, [(words, False)], tracked=tracked)
        style = edit.paragraph_of(words).find(f"{{{W}}}pPr/{{{W}}}pStyle")
        style.getparent().remove(style)  # typed in the document's default paragraph style
    reviewed = drafted / "out" / "reviewed.docx"
    edit.save(reviewed)
    before = (drafted / "deal.yaml").read_bytes()
    result = api.absorb(reviewed, drafted / "deal.yaml")
    assert result.plan.overrides == {} and result.plan.fields == []
    assert (drafted / "deal.yaml").read_bytes() == before
    not_absorbed = (drafted / "deal.review.md").read_text(encoding="utf-8").split("## Not absorbed", 1)[1]
    for words in ("Note to draft: the schedules follow the articles.", "Subject to contract"):
        assert f"- Cover: “{words}”, typed before Article 1: termsmith makes the cover" in not_absorbed
    # LibreOffice keeps them as paragraphs of its own making: still listed
    saved = libreoffice_resave(reviewed, tmp_path / "lo")
    lines = "\n".join(api.absorb(saved, drafted / "deal.yaml", dry_run=True, force=True).lines)
    assert "“Subject to contract”, typed before Article 1" in lines, lines
    assert "“Note to draft: the schedules follow the articles.”, typed before Article 1" in lines, lines
