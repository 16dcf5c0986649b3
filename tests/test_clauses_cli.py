"""`termsmith clauses list|show`: browsing the library from the terminal, also at a git revision."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from termsmith.cli import cli

from .conftest import MINI, ROOT, git, make_library_repo


def clauses(*args):
    return CliRunner().invoke(cli, ["clauses", *map(str, args)])


def test_list_is_in_agreement_order_with_versions_and_conditions():
    result = clauses("list", "--library", MINI)
    assert result.exit_code == 0, result.output
    ids = [line.split()[0] for line in result.output.splitlines()[:-1]]
    assert ids == ["parties.list", "definitions.terms", "terms.renewal-automatic", "terms.renewal-none",
                   "exit.cure", "exit.convenience", "signatures.execution", "schedule-exit.steps"]
    assert "exit.cure                1.1.0    Termination for cause" in result.output
    assert "[when exit.termination_for_convenience.allowed]" in result.output
    assert result.output.splitlines()[-1] == "8 clauses in mini test library 1.2.0"


def test_list_one_area_and_an_unknown_area():
    result = clauses("list", "--area", "exit", "--library", MINI)
    assert [line.split()[0] for line in result.output.splitlines()[:-1]] == ["exit.cure", "exit.convenience"]
    bad = clauses("list", "--area", "exitt", "--library", MINI)
    assert bad.exit_code == 2 and "no section 'exitt'" in bad.output


def test_show_prints_front_matter_and_text():
    result = clauses("show", "definitions.terms", "--library", MINI)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "definitions.terms 1.0.0 — Definitions"
    assert "when:      always" in lines and "defines:   Agreement: means this agreement and its schedules." in lines
    assert lines[-1] == "In this Agreement:"


def test_the_bundled_library_lists_every_clause_file():
    result = clauses("list")
    assert result.exit_code == 0
    count = len(list((ROOT / "clause_library" / "clauses").rglob("*.md")))
    assert result.output.splitlines()[-1].startswith(f"{count} clauses in ")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_list_and_show_at_a_git_revision(tmp_path):
    repo = make_library_repo(tmp_path / "repo")
    cure = repo / "library/clauses/exit/cure.md"
    cure.write_text(cure.read_text().replace("version: 1.1.0", "version: 1.2.0").replace("Either", "Each"))
    git(repo, "commit", "-qam", "reword")
    then = clauses("show", "exit.cure", "--library", repo / "library", "--library-rev", "v1.2.0")
    now = clauses("show", "exit.cure", "--library", repo / "library")
    assert then.output.startswith("exit.cure 1.1.0") and "Either Party" in then.output
    assert now.output.startswith("exit.cure 1.2.0") and "Each Party" in now.output
    missing = clauses("show", "exit.curee", "--library", repo / "library", "--library-rev", "v1.2.0")
    assert missing.exit_code == 1
