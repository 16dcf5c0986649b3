"""Lock files, drafting at a library revision, `outdated` and `clauses`: all against real git repositories."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from termsmith import api
from termsmith.errors import InputError

from .conftest import CANONICAL, MINI, edit, git, make_library_repo


@pytest.fixture
def repo(tmp_path):
    return make_library_repo(tmp_path / "repo", changelog="## 1.2.0\n\n- First.\n")


@pytest.fixture
def deal(tmp_path):
    path = tmp_path / "deals" / "acme.yaml"
    path.parent.mkdir()
    shutil.copy(CANONICAL, path)
    return path


def move_library_on(repo):
    lib = repo / "library"
    edit(lib / "clauses/exit/cure.md", "Either Party may terminate", "Each Party may end this Agreement")
    edit(lib / "clauses/exit/cure.md", "version: 1.1.0", "version: 1.2.0")
    edit(lib / "clauses/exit/cure.md", "changelog: cure period from the deal", "changelog: plainer wording")
    edit(lib / "library.yaml", "version: 1.2.0", "version: 1.3.0")
    (lib / "CHANGELOG.md").write_text("## 1.3.0\n\n- exit.cure: plainer wording.\n\n## 1.2.0\n\n- First.\n")
    git(repo, "commit", "-qam", "library 1.3.0")


def outputs(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_lock_makes_a_later_draft_byte_identical(repo, deal, tmp_path):
    lib = repo / "library"
    locked = api.lock(deal, library=lib)
    path, pinned = locked.path, locked.lock
    assert path == deal.with_suffix(".lock") and pinned.commit == git(repo, "rev-parse", "HEAD").strip()
    assert pinned.clauses["exit.cure"] == "1.1.0"
    assert "termsmith lock --update" in path.read_text()
    api.draft(deal, tmp_path / "before", library=lib)
    move_library_on(repo)
    # the agreement is the same to the byte; only the notes for the reviewer say the library moved on
    api.draft(deal, tmp_path / "after", library=lib, notes=False)
    assert outputs(tmp_path / "before") == outputs(tmp_path / "after")
    assert "Either Party may terminate" in (tmp_path / "after" / "acme-globex-2027.md").read_text()


def test_a_locked_draft_notes_the_clauses_the_library_has_changed_since(repo, deal, tmp_path):
    lib = repo / "library"
    api.lock(deal, library=lib)
    assert api.build(deal, library=lib).notes == ()  # nothing newer yet
    move_library_on(repo)
    draft = api.draft(deal, tmp_path, library=lib).draft
    assert [(n.kind, n.target) for n in draft.notes] == [("outdated", "exit.cure")]
    cure = next(c for s in draft.sections for c in s.clauses if c.id == "exit.cure")
    note = draft.notes[0]
    assert note.anchor == cure.anchor and note.label == f"clause {cure.label}"
    assert "1.2.0" in note.text and "1.1.0" in note.text and "plainer wording" in note.text
    comments = zipfile.ZipFile(tmp_path / "acme-globex-2027.docx").read("word/comments.xml").decode()
    assert 'w:author="termsmith"' in comments and "plainer wording" in comments
    twin = (tmp_path / "acme-globex-2027.md").read_text(encoding="utf-8")
    assert f"1. **Clause {cure.label}, newer library version:** The library has a newer version" in twin
    done = subprocess.run([sys.executable, "-m", "termsmith", "draft", str(deal), "--library", str(lib),
                           "-o", str(tmp_path / "quiet"), "--no-notes"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "word/comments.xml" not in zipfile.ZipFile(tmp_path / "quiet" / "acme-globex-2027.docx").namelist()
    assert "Notes for the reviewer" not in (tmp_path / "quiet" / "acme-globex-2027.md").read_text(encoding="utf-8")


def test_outdated_lists_newer_clauses_and_changelog(repo, deal):
    lib = repo / "library"
    api.lock(deal, library=lib)
    move_library_on(repo)
    result = api.outdated(deal, library=lib)
    changes, changelog = result.changes, result.changelog
    assert [(c.clause_id, c.locked, c.current, c.changelog) for c in changes] == [
        ("exit.cure", "1.1.0", "1.2.0", "plainer wording")]
    assert changelog.startswith("## 1.3.0") and "1.2.0" not in changelog
    done = subprocess.run([sys.executable, "-m", "termsmith", "outdated", str(deal), "--library", str(lib)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "exit.cure" in done.stdout and "1.1.0 → 1.2.0  plainer wording" in done.stdout


def test_update_moves_the_lock_to_the_current_library(repo, deal, tmp_path):
    lib = repo / "library"
    api.lock(deal, library=lib)
    move_library_on(repo)
    with pytest.raises(InputError) as info:
        api.lock(deal, library=lib)
    assert "--update" in str(info.value)
    api.lock(deal, library=lib, update=True)
    api.draft(deal, tmp_path / "out", library=lib)
    assert "Each Party may end this Agreement" in (tmp_path / "out" / "acme-globex-2027.md").read_text()
    assert api.outdated(deal, library=lib).changes == []


def test_lock_without_git_pins_versions_and_refuses_silent_changes(tmp_path, deal):
    lib = tmp_path / "plain-library"
    shutil.copytree(MINI, lib)
    pinned = api.lock(deal, library=lib).lock
    assert pinned.commit is None
    edit(lib / "clauses/exit/cure.md", "version: 1.1.0", "version: 1.2.0")
    with pytest.raises(InputError) as info:
        api.build(deal, library=lib)
    assert "pins exit.cure 1.1.0, but the library has 1.2.0" in str(info.value)
    assert info.value.problems[0].file.endswith("acme.lock")


def test_damaged_lock_is_a_clear_error(deal):
    deal.with_suffix(".lock").write_text("library: [oops\n")
    with pytest.raises(InputError) as info:
        api.build(deal, library=MINI)
    assert "acme.lock" in str(info.value) and "not a valid lock file" in str(info.value)


def test_library_rev_reads_the_tag_without_touching_the_work_tree(repo, deal):
    lib = repo / "library"
    move_library_on(repo)
    edit(lib / "clauses/exit/convenience.md", "A Party may terminate", "UNCOMMITTED EDIT")
    status = git(repo, "status", "--porcelain")
    old = api.build(deal, library=lib, library_rev="v1.2.0")
    assert old.provenance.library_version == "1.2.0"
    assert old.provenance.library_commit == git(repo, "rev-parse", "v1.2.0^{commit}").strip()
    text = str(old.sections)
    assert "Either Party may terminate" in text and "UNCOMMITTED EDIT" not in text
    assert git(repo, "status", "--porcelain") == status
    assert "UNCOMMITTED EDIT" in (lib / "clauses/exit/convenience.md").read_text()


def test_library_rev_through_the_cli(repo, deal, tmp_path):
    move_library_on(repo)
    done = subprocess.run([sys.executable, "-m", "termsmith", "draft", str(deal), "--library", str(repo / "library"),
                           "--library-rev", "v1.2.0", "-o", str(tmp_path / "out"), "--format", "md"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Either Party may terminate" in (tmp_path / "out" / "acme-globex-2027.md").read_text()
    bad = subprocess.run([sys.executable, "-m", "termsmith", "draft", str(deal), "--library", str(repo / "library"),
                          "--library-rev", "v7", "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert bad.returncode == 1 and "no tag, branch or commit named 'v7'" in bad.stderr


def test_clauses_list_and_show():
    run = lambda *a: subprocess.run([sys.executable, "-m", "termsmith", "clauses", *a, "--library", str(MINI)],
                                    capture_output=True, text=True)
    listing = run("list")
    assert listing.returncode == 0
    assert "exit.cure" in listing.stdout and "1.1.0" in listing.stdout and "[when term.renewal" in listing.stdout
    shown = run("show", "exit.convenience")
    assert shown.returncode == 0 and "when:      exit.termination_for_convenience.allowed" in shown.stdout
    missing = run("show", "exit.cur")
    assert missing.returncode == 1 and "did you mean 'exit.cure'" in missing.stderr


def test_a_lock_refuses_another_library(tmp_path, deal):
    lib = tmp_path / "plain-library"
    shutil.copytree(MINI, lib)
    api.lock(deal, library=lib)
    with pytest.raises(InputError) as info:
        api.build(deal)  # --library forgotten: the bundled library is another library
    assert "locked to the library 'mini test library'" in str(info.value)


def test_a_lock_without_git_refuses_a_library_that_lost_a_pinned_clause(tmp_path, deal):
    lib = tmp_path / "plain-library"
    shutil.copytree(MINI, lib)
    api.lock(deal, library=lib)
    (lib / "clauses/exit/convenience.md").unlink()
    edit(lib / "clauses/exit/cure.md", 'ref("exit.convenience") if has("exit.convenience") else ', "")
    with pytest.raises(InputError) as info:
        api.build(deal, library=lib)
    assert "pins exit.convenience 1.0.0, which the library no longer has" in str(info.value)


def test_a_lock_taken_after_a_commit_in_the_same_process_pins_that_commit(repo, deal):
    lib = repo / "library"
    edit(lib / "clauses/exit/cure.md", "Either Party may terminate", "Each Party may terminate")
    api.open_library(lib)  # loaded (and cached) while uncommitted
    git(repo, "commit", "-qam", "reword")
    pinned = api.lock(deal, library=lib).lock
    assert pinned.commit == git(repo, "rev-parse", "HEAD").strip()


def test_outdated_names_clauses_the_current_library_adds_or_leaves_out(repo, deal):
    lib = repo / "library"
    api.lock(deal, library=lib)
    edit(lib / "clauses/exit/convenience.md", "when: exit.termination_for_convenience.allowed",
         "when: exit.termination_for_convenience.allowed and multi")
    (lib / "clauses/exit/insolvency.md").write_text(
        "---\nid: exit.insolvency\nversion: 1.0.0\ntitle: Insolvency\narea: exit\norder: 30\n"
        "when: exit.insolvency\nchangelog: first version\n---\nA Party may terminate on insolvency.\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "insolvency; convenience only for three parties")
    changes = {c.clause_id: (c.locked, c.current, c.changelog) for c in api.outdated(deal, library=lib).changes}
    assert changes == {"exit.convenience": ("1.0.0", None, "no longer applies to this deal"),
                       "exit.insolvency": (None, "1.0.0", "now applies to this deal: first version")}
    from termsmith.report import outdated as shown

    lines = shown(api.outdated(deal, library=lib))
    assert any("exit.insolvency" in line and "new → 1.0.0" in line for line in lines)


@pytest.mark.parametrize("command", ["lock", "outdated"])
@pytest.mark.parametrize("given", [".", "..", "/", ""])
def test_a_folder_given_as_the_deal_is_one_line_exit_1(tmp_path, command, given):
    """`lock .`, `lock /`, `lock ''` and `outdated .` ended with exit 3 (ValueError: PosixPath('.') has an empty
    name, making the lock's name); `outdated ..` looked for '...lock'."""
    import os

    from .conftest import ROOT

    (tmp_path / "sub").mkdir()
    done = subprocess.run([sys.executable, "-m", "termsmith", command, given, "--library", str(MINI)],
                          cwd=tmp_path / "sub", capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = [line for line in done.stderr.splitlines() if not line.startswith("library:")]
    assert done.returncode == 1 and lines == [f"{given or '.'}: is a directory, expected a deal file"], done.stderr
    assert list((tmp_path / "sub").iterdir()) == []


@pytest.mark.parametrize("command", ["lock", "outdated"])
def test_a_deal_name_too_long_for_the_file_system_is_one_line_exit_1(tmp_path, command):
    """`lock` and `outdated` of a 300-character file name ended in an internal error (exit 3): Path.is_dir
    raises the file system's 'File name too long' in Python 3.11, where `check` said it in one line."""
    name = "a" * 300 + ".yaml"
    with pytest.raises(InputError) as raised:
        getattr(api, command)(tmp_path / name, library=MINI)
    assert str(raised.value) == f"{tmp_path / name}: cannot read: File name too long"
    assert list(tmp_path.iterdir()) == []
