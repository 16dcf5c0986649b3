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
