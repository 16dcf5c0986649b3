"""The pipeline's import layers hold (import-linter), and only the designated modules touch YAML, git and disk."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "termsmith"


def test_import_layers():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint_imports, "import-linter is a test dependency"
    done = subprocess.run([lint_imports, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def _modules_matching(pattern: str) -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if re.search(pattern, path.read_text(encoding="utf-8"), re.MULTILINE):
            found.add(path.relative_to(PACKAGE).as_posix())
    return found


def test_only_gitstore_runs_git():
    assert _modules_matching(r"^\s*import subprocess|^from subprocess") <= {"library/git.py"}


def test_only_cli_exits_or_echoes():
    assert _modules_matching(r"sys\.exit\(|click\.echo\(") <= {"cli.py"}


def test_no_print_in_the_package():
    assert not _modules_matching(r"^\s*print\(")


def test_the_facade_and_each_family_of_lint_checks_stay_short():
    """api.py reads as a sequence of stage calls and lint keeps one module per family of checks: each under 400
    lines, so what does the work lives in the stage it belongs to (a helper added to api.py took it past the
    limit once, unnoticed)."""
    long = {path.relative_to(PACKAGE).as_posix(): n for path in [PACKAGE / "api.py", *(PACKAGE / "lint").glob("*.py")]
            if (n := len(path.read_text(encoding="utf-8").splitlines())) >= 400}
    assert not long, long
