"""Which clause library a command uses (one rule for every command), how the output names it, and a lock
refusing a library other than the one it was taken from. Real subprocesses and real git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from termsmith.library.locate import locate
from termsmith.resources import default_library

from .conftest import CANONICAL, MINI, ROOT, edit, git, make_library_repo

NO_LIBRARY = {("schema",)}  # the only command that reads no clause library unless asked (schema --library)
TWO_REVISIONS = {("impact",): "--base"}  # compares the library at --base with --head: no one --library-rev


def _commands(group, prefix=()) -> list[list[str]]:
    out = []
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            out += _commands(command, (*prefix, name))
        elif (*prefix, name) not in NO_LIBRARY:
            out.append([*prefix, name])
    return out


def _all_commands() -> list[list[str]]:
    from termsmith.cli import cli

    return _commands(cli)


COMMANDS_READING_A_LIBRARY = _all_commands()


def run(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "TERMSMITH_LIBRARY"}
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, env={**base, **(env or {})}, timeout=120)


@pytest.fixture
def library(tmp_path) -> Path:
    shutil.copytree(MINI, tmp_path / "counsel" / "library")
    return tmp_path / "counsel" / "library"


@pytest.fixture
def deal(tmp_path) -> Path:
    (tmp_path / "deals").mkdir()
    return Path(shutil.copy(CANONICAL, tmp_path / "deals" / "acme.yaml"))


# ── the rule ──────────────────────────────────────────────────────────────────────────────
def test_the_rule_prefers_the_option_then_the_variable_then_the_nearest_library_then_the_bundled_one(library, tmp_path):
    inside = library / "clauses" / "exit"
    other = tmp_path / "other"
    shutil.copytree(MINI, other)
    assert locate(library, cwd=inside, environ={"TERMSMITH_LIBRARY": str(other)}).path == library
    assert locate(None, cwd=inside, environ={"TERMSMITH_LIBRARY": str(other)}).how == "TERMSMITH_LIBRARY"
    assert locate(None, cwd=inside, environ={}) .path == library.resolve()
    assert locate(None, cwd=tmp_path, environ={}).path == default_library()
    assert locate(None, cwd=tmp_path, environ={}).how == "bundled"


@pytest.mark.parametrize("command", COMMANDS_READING_A_LIBRARY, ids=" ".join)
def test_every_command_reading_a_library_takes_library_and_library_rev(command, tmp_path):
    assert {"draft", "check", "explain", "lint", "redline", "lock", "outdated"} <= {c[0] for c in COMMANDS_READING_A_LIBRARY}
    done = run(*command, "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "--library " in done.stdout and TWO_REVISIONS.get(tuple(command), "--library-rev") in done.stdout


def test_lint_inside_a_library_checks_that_library_not_the_bundled_one(library):
    edit(library / "clauses/exit/cure.md", "within the Cure Period.", "within {{ exit.cure_dayz }} days.")
    done = run("lint", cwd=library / "clauses")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "cure_dayz" in done.stdout
    assert f"library: mini test library 1.2.0 ({library.resolve()}, not in git)" in done.stderr


def test_the_variable_names_the_library_when_no_option_is_given(library, deal, tmp_path):
    done = run("check", deal, cwd=tmp_path, env={"TERMSMITH_LIBRARY": str(library)})
    assert done.returncode == 0, done.stderr
    assert f"library: mini test library 1.2.0 ({library}, not in git)" in done.stderr


@pytest.mark.parametrize("command", [["draft", "{deal}", "-o", "{out}"], ["check", "{deal}"], ["explain", "{deal}"],
                                     ["lint"], ["clauses", "list"], ["clauses", "show", "exit.survival"]],
                         ids=lambda c: c[0] if c[0] != "clauses" else " ".join(c[:2]))
def test_every_command_names_the_library_it_used(command, deal, tmp_path):
    args = [a.format(deal=deal, out=tmp_path / "out") for a in command]
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("library: ")]
    assert len(lines) == 1 and "termsmith standard partnership library" in lines[0] and "(bundled, " in lines[0]
    assert lines[0].endswith(")") and ("commit " in lines[0] or "not in git" in lines[0])


@pytest.mark.parametrize("given, expected", [
    ("missing", "clause library folder not found"),
    ("empty", "is not a clause library: no library.yaml in it"),
])
def test_a_library_that_is_not_one_is_a_located_line(given, expected, deal, tmp_path):
    (tmp_path / "empty").mkdir()
    for command in (["draft", deal, "-o", tmp_path / "out"], ["lint"], ["clauses", "list"], ["explain", deal]):
        done = run(*command, "--library", tmp_path / given, cwd=tmp_path)
        assert done.returncode == 1, (command, done.stderr)
        assert done.stderr.startswith(f"{tmp_path / given}: {expected}"), (command, done.stderr)
        assert len(done.stderr.splitlines()) == 1, (command, done.stderr)
        assert not (tmp_path / "out").exists()
    done = run("check", deal, cwd=tmp_path, env={"TERMSMITH_LIBRARY": str(tmp_path / given)})
    assert done.returncode == 1 and "(from TERMSMITH_LIBRARY)" in done.stderr and len(done.stderr.splitlines()) == 1
    # a value holding a line break is still one line, the break written as an escape
    done = run("check", deal, cwd=tmp_path, env={"TERMSMITH_LIBRARY": f"{tmp_path / given}\nmore"})
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"{tmp_path / given}\\nmore: ")


# ── lock identity ─────────────────────────────────────────────────────────────────────────
@pytest.fixture
def twins(tmp_path) -> tuple[Path, Path]:
    """Two repositories holding a library of the same name, with unrelated histories."""
    first = make_library_repo(tmp_path / "first") / "library"
    second = make_library_repo(tmp_path / "second", changelog="## 1.2.0\n\n- Our own.\n") / "library"
    return first, second


def test_a_lock_refuses_a_library_of_the_same_name_with_another_history(twins, deal, tmp_path):
    first, second = twins
    assert run("lock", deal, "--library", first, cwd=tmp_path).returncode == 0
    lock = deal.with_suffix(".lock").read_text()
    for command in (["draft", deal, "-o", tmp_path / "out"], ["check", deal], ["explain", deal], ["outdated", deal],
                    ["lock", "--update", deal]):
        done = run(*command, "--library", second, cwd=tmp_path)
        assert done.returncode == 1, (command, done.stdout, done.stderr)
        errors = done.stderr.splitlines()
        assert len(errors) == 1, (command, done.stderr)  # bad input is one line, without the library's name
        assert "locked to the library 'mini test library' 1.2.0 at commit" in errors[0]
        assert "does not hold that commit" in errors[0] and "--library" in errors[0]
        assert "lock --update" not in errors[0]  # that advice would re-pin the deal to the wrong library
        assert not (tmp_path / "out").exists()
        assert deal.with_suffix(".lock").read_text() == lock
    assert run("draft", deal, "-o", tmp_path / "out", "--library", first, cwd=tmp_path).returncode == 0


def test_a_lock_from_a_library_with_uncommitted_changes_still_knows_its_history(twins, deal, tmp_path):
    first, second = twins
    edit(first / "clauses/exit/cure.md", "Either Party may terminate", "Each Party may end this Agreement")
    assert run("lock", deal, "--library", first, cwd=tmp_path).returncode == 0
    text = deal.with_suffix(".lock").read_text()
    head = git(first.parent, "rev-parse", "HEAD").strip()
    assert "commit: null" in text and f"descends_from: {head}" in text
    done = run("check", deal, "--library", second, cwd=tmp_path)
    assert done.returncode == 1 and "does not hold that commit" in done.stderr


def test_a_lock_refuses_a_library_with_another_name_and_says_what_to_run(twins, deal, tmp_path):
    first, _ = twins
    assert run("lock", deal, "--library", first, cwd=tmp_path).returncode == 0
    done = run("draft", deal, "-o", tmp_path / "out", cwd=tmp_path)  # --library forgotten: the bundled one
    assert done.returncode == 1
    errors = done.stderr.splitlines()
    assert len(errors) == 1
    assert "locked to the library 'mini test library'" in errors[0]
    assert "but this library is 'termsmith standard partnership library'" in errors[0]
    assert f"delete {deal.with_suffix('.lock').name}" in errors[0]
    assert not (tmp_path / "out").exists()


def test_lint_reads_the_library_at_a_revision_and_compares_it_with_a_base(tmp_path):
    from termsmith import api

    repo = make_library_repo(tmp_path / "repo", changelog="## 1.2.0\n\n- First.\n")
    lib = repo / "library"
    edit(lib / "clauses/exit/cure.md", "Either Party may terminate", "Each Party may end this Agreement")
    git(repo, "commit", "-qam", "reworded without a version bump")
    edit(lib / "clauses/exit/cure.md", "Each Party may end this Agreement", "{{ exit.cure_dayz }}")  # not committed
    at_head = api.lint(lib, library_rev="HEAD", base="v1.2.0")
    errors = [p for p in at_head if p.severity == "error"]
    assert errors and any("without a version bump" in p.message or "version" in p.code for p in errors), \
        [str(p) for p in at_head]
    assert not any("cure_dayz" in p.message for p in at_head)  # the work tree's edit is not what was linted
    assert all(str(tmp_path) in p.file and "termsmith-lint-" not in p.file for p in at_head if p.file)
    assert any("cure_dayz" in p.message for p in api.lint(lib))
    assert not [p for p in api.lint(lib, library_rev="v1.2.0", base="v1.2.0") if p.severity == "error"]
