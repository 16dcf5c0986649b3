"""gitstore and drafting at a library revision, against real git repositories built in tmp_path."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from termsmith import api

from termsmith.library import git as gitstore
from termsmith.errors import GitError, LibraryError

from .conftest import CANONICAL, MINI, edit, git, make_library_repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def repo(tmp_path):
    """The mini library in `library/` of a new repository: tag v1.2.0 (lightweight) and release-1.2 (annotated)."""
    root = make_library_repo(tmp_path / "repo")
    git(root, "tag", "-a", "release-1.2", "-m", "annotated")
    return root


def head(repo) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def test_read_tree_reads_a_subfolder_at_a_commit_without_the_work_tree(repo):
    lib = repo / "library"
    commit = head(repo)
    edit(lib / "clauses/exit/cure.md", "Either Party", "UNCOMMITTED")
    files = gitstore.read_tree(repo, commit, "library")
    assert "library.yaml" in files and "clauses/exit/cure.md" in files
    assert b"Either Party" in files["clauses/exit/cure.md"]
    assert files["library.yaml"] == (MINI / "library.yaml").read_bytes()
    assert "UNCOMMITTED" in (lib / "clauses/exit/cure.md").read_text()
    assert gitstore.read_tree(repo, commit, "no-such-folder") == {}


def test_read_tree_with_odd_names_and_the_repository_root(repo):
    odd = repo / "libs [draft]" / "é ü"
    shutil.copytree(MINI, odd)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "odd names")
    files = gitstore.read_tree(repo, head(repo), "libs [draft]/é ü")
    assert files["library.yaml"] == (MINI / "library.yaml").read_bytes()
    everything = gitstore.read_tree(repo, head(repo), "")
    assert "library/library.yaml" in everything and "libs [draft]/é ü/library.yaml" in everything
    assert len(api.open_library(odd, "HEAD").clauses) == len(api.open_library(MINI).clauses)


def test_resolve_tags_branches_and_short_ids(repo):
    commit = head(repo)
    assert gitstore.resolve(repo, "v1.2.0") == commit
    assert gitstore.resolve(repo, "release-1.2") == commit  # an annotated tag names its commit
    assert gitstore.resolve(repo, "main") == commit
    assert gitstore.resolve(repo, commit[:10]) == commit
    for bad in ("v9", "--output=x", "-h"):
        with pytest.raises(GitError):
            gitstore.resolve(repo, bad)


def test_library_commit_follows_commits_and_uncommitted_changes(repo):
    lib = repo / "library"
    first = head(repo)
    assert gitstore.library_commit(lib) == first
    (repo / "elsewhere.txt").write_text("not the library")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "outside the library")
    assert gitstore.library_commit(lib) == first  # the last commit that changed the library folder
    (lib / "clauses/exit/new.md").write_text("untracked")
    assert gitstore.library_commit(lib) == f"{first}-dirty"
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "new clause file")
    assert gitstore.library_commit(lib) == head(repo)
    assert gitstore.library_commit(MINI.parent.parent.parent / "no-such-place") is None


def test_open_library_sees_a_commit_made_since_it_was_cached(repo):
    lib = repo / "library"
    edit(lib / "clauses/exit/cure.md", "Either Party", "Each Party")
    assert api.open_library(lib).commit.endswith("-dirty")
    git(repo, "commit", "-qam", "reword")  # files unchanged since the last load: only git knows
    assert api.open_library(lib).commit == head(repo)


def test_open_library_at_a_revision(repo):
    lib = repo / "library"
    edit(lib / "clauses/exit/cure.md", "version: 1.1.0", "version: 2.0.0")
    edit(lib / "library.yaml", "version: 1.2.0", "version: 2.0.0")
    git(repo, "commit", "-qam", "2.0.0")
    old, new = api.open_library(lib, "v1.2.0"), api.open_library(lib, "HEAD")
    assert (old.version, old.by_id["exit.cure"].version) == ("1.2.0", "1.1.0")
    assert (new.version, new.by_id["exit.cure"].version) == ("2.0.0", "2.0.0")
    assert old.commit == gitstore.resolve(repo, "v1.2.0") and new.commit == head(repo)


def test_draft_at_a_revision_is_the_draft_made_then(repo, tmp_path):
    lib = repo / "library"
    api.draft(CANONICAL, tmp_path / "then", library=lib, formats=("md",))
    edit(lib / "clauses/exit/cure.md", "Either Party may terminate", "Each Party may end this Agreement")
    edit(lib / "clauses/exit/cure.md", "version: 1.1.0", "version: 1.2.0")
    git(repo, "commit", "-qam", "reword")
    api.draft(CANONICAL, tmp_path / "at-tag", library=lib, library_rev="v1.2.0", formats=("md",))
    then = (tmp_path / "then" / "acme-globex-2027.md").read_bytes()
    assert (tmp_path / "at-tag" / "acme-globex-2027.md").read_bytes() == then
    assert git(repo, "status", "--porcelain") == ""


def test_revision_errors_are_clear(repo, tmp_path):
    outside = tmp_path / "outside"
    shutil.copytree(MINI, outside)
    with pytest.raises(LibraryError, match="needs a clause library inside a git repository"):
        api.open_library(outside, "v1.2.0")
    with pytest.raises(GitError, match="no tag, branch or commit named 'v7'"):
        api.open_library(repo / "library", "v7")
    (repo / "later").mkdir()
    shutil.copytree(MINI, repo / "later" / "lib")
    with pytest.raises(LibraryError, match="library.yaml is missing"):
        api.open_library(repo / "later" / "lib", "v1.2.0")  # the folder did not exist at that tag


def test_repository_folders_are_found_as_git_finds_them(repo, tmp_path):
    from termsmith.library.git import _find_git_dirs

    def asked_of_git(path):
        out = git(path, "rev-parse", "--absolute-git-dir", "--git-common-dir").splitlines()
        return Path(out[0]).resolve(), (path / out[1]).resolve()

    git(repo, "worktree", "add", "-q", str(tmp_path / "worktree"))
    for path in (repo, repo / "library" / "clauses", tmp_path / "worktree", tmp_path / "worktree" / "library"):
        assert _find_git_dirs(path.resolve()) == asked_of_git(path), path
    outside = tmp_path / "plain"
    outside.mkdir()
    assert _find_git_dirs(outside.resolve()) is False
    assert gitstore.state(outside) == ()


def test_a_commit_in_a_worktree_changes_the_state(repo, tmp_path):
    git(repo, "worktree", "add", "-q", str(tmp_path / "worktree"))
    tree = tmp_path / "worktree"
    before = gitstore.state(tree / "library")
    edit(tree / "library/clauses/exit/cure.md", "Either Party", "Each Party")
    git(tree, "commit", "-qam", "reword in the worktree")
    assert gitstore.state(tree / "library") != before


def test_a_librarys_own_git_configuration_runs_no_program(tmp_path):
    """A library handed to --library may carry a .git/config naming programs (fsmonitor, clean filters,
    textconv, an external diff): drafting, checking and linting it must run none of them."""
    import subprocess
    import sys

    repo = make_library_repo(tmp_path / "repo")
    marker = tmp_path / "PWNED"
    (repo / ".gitattributes").write_text("* filter=evil diff=evil\n", encoding="utf-8")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-qm", "attributes")
    with (repo / ".git" / "config").open("a", encoding="utf-8") as config:
        config.write(f'[core]\n\tfsmonitor = "touch {marker}-fsmonitor; false"\n\tpager = "touch {marker}-pager"\n'
                     f'[filter "evil"]\n\tclean = "touch {marker}-filter; cat"\n\tprocess = "touch {marker}-process"\n'
                     f'[diff]\n\texternal = "touch {marker}-diff"\n[diff "evil"]\n\ttextconv = "touch {marker}-textconv"\n')
    edit(repo / "library" / "clauses" / "exit" / "convenience.md", "A Party may", "Either Party may")  # dirty
    lib = str(repo / "library")
    for command in (["draft", str(CANONICAL), "-o", str(tmp_path / "out"), "--library", lib],
                    ["check", str(CANONICAL), "--library", lib], ["lint", lib]):
        done = subprocess.run([sys.executable, "-m", "termsmith", *command], capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    assert not list(tmp_path.glob("PWNED*"))


def test_a_commit_date_is_asked_of_git_once_and_kept_for_the_next_process(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TERMSMITH_NO_CACHE", raising=False)
    commit = head(repo)
    when = gitstore.commit_time(repo, commit)
    assert isinstance(when, int)
    gitstore._COMMIT_TIMES.clear()  # as a new process starts

    def no_git(*args, **kwargs):
        raise AssertionError("git was asked again")

    monkeypatch.setattr(gitstore, "_git", no_git)
    assert gitstore.commit_time(repo, commit) == when
    # an id that is not a full commit id (a tag, a short id) may name another commit tomorrow: never kept
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert gitstore.commit_time(repo, commit[:12]) == when
    assert len(list((tmp_path / "cache" / "termsmith" / "git").glob("*.pickle"))) == 1


def test_a_revision_missing_from_a_shallow_clone_or_an_empty_repository_says_why(repo, tmp_path):
    """CI checks out one commit unless told otherwise: `impact --base main~1` (or lint --base, --library-rev)
    in such a clone said only "no tag, branch or commit named ..."; outside git the message named
    --library-rev even for impact's --base."""
    git(repo, "commit", "-q", "--allow-empty", "-m", "later")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)
    with pytest.raises(GitError, match="no tag, branch or commit named 'HEAD~1'; this clone is shallow"):
        api.open_library(shallow / "library", "HEAD~1")
    empty = tmp_path / "empty"
    shutil.copytree(MINI, empty / "library")
    git(empty, "init", "-q")
    with pytest.raises(GitError, match="no tag, branch or commit named 'HEAD'; the repository has no commit yet"):
        api.open_library(empty / "library", "HEAD")
    outside = tmp_path / "outside-git"
    shutil.copytree(MINI, outside)
    with pytest.raises(LibraryError, match="revision 'main' needs a clause library inside a git repository"):
        api.open_library(outside, "main")
