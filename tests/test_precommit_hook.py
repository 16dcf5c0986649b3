"""The pre-commit hook works as documented: the real `pre-commit try-repo` installs termsmith from this
repository into its own environment and lints a library repository's own library, found from the changed files.

This is the one test that needs the network (pre-commit installs termsmith and its dependencies from the package
index into a new environment, as it does for a user): about 30 to 75 seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import MINI, ROOT, edit, git


@pytest.fixture
def library_repo(tmp_path) -> Path:
    repo = tmp_path / "counsel"
    repo.mkdir()
    shutil.copytree(MINI, repo / "clause_library")
    (repo / "README.md").write_text("# Our clause library\n")
    (repo / "CHANGELOG.md").write_text("# Not the library's changelog\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "our library")
    return repo


def try_repo(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TERMSMITH_LIBRARY", "VIRTUAL_ENV")}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "termsmith-lint", "--verbose",
                           *args], cwd=repo, capture_output=True, text=True, env=env, timeout=600)


def test_the_hook_lints_the_repository_s_own_library(library_repo, tmp_path):
    """One run (pre-commit builds the hook's environment for each new revision of a dirty checkout): a change
    that breaks a clause is refused with the finding, so the library linted is the repository's own, not the
    bundled one; the rest of it is clean."""
    home = tmp_path / "pre-commit-home"
    edit(library_repo / "clause_library/clauses/exit/cure.md", "within the Cure Period.",
         "within {{ exit.cure_dayz }} days.")
    git(library_repo, "add", ".")
    done = try_repo(library_repo, home)  # the staged change, as at `git commit`
    assert done.returncode == 1, done.stdout + done.stderr
    assert "termsmith lint (clause library)" in done.stdout and "Failed" in done.stdout
    assert "library: mini test library 1.2.0 (clause_library, commit " in done.stdout, done.stdout
    assert "bundled" not in done.stdout
    errors = [line for line in done.stdout.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith("clause_library/clauses/exit/cure.md:"), done.stdout
    assert "cure_dayz" in errors[0]
