"""Shared fixtures: repository paths, deal files made from the canonical example, golden files."""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

# CI runs the property tests on a fixed seed so a submission is judged on the same examples every run;
# locally they explore new examples each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CANONICAL = EXAMPLES / "acme-globex-technology.yaml"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED = ROOT.parent / "shared"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_golden(request) -> bool:
    wanted = request.config.getoption("--update-golden")
    if wanted and os.environ.get("CI"):
        pytest.fail("--update-golden is refused in CI: regenerate golden files locally and review the diff")
    return wanted


def canonical_data() -> dict:
    return yaml.safe_load(CANONICAL.read_text(encoding="utf-8"))


@pytest.fixture
def deal_data() -> dict:
    """A fresh, mutable copy of the canonical deal."""
    return copy.deepcopy(canonical_data())


@pytest.fixture
def write_deal(tmp_path):
    """write_deal(data, name='deal.yaml') → path of a YAML deal file in tmp_path."""

    def write(data: dict, name: str = "deal.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    return write


# ── real git repositories for library-version features ────────────────────────────────────
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "Counsel", "GIT_AUTHOR_EMAIL": "c@example.com",
           "GIT_COMMITTER_NAME": "Counsel", "GIT_COMMITTER_EMAIL": "c@example.com"}


def bundled_version(relative: str) -> str:
    """The version a clause file of the bundled library has now (`termination/convenience.md`): for tests whose
    deal records the version its wording was negotiated from, so a library release does not make it stale."""
    text = (ROOT / "clause_library" / "clauses" / relative).read_text(encoding="utf-8")
    return re.search(r"^version: (\S+)$", text, re.MULTILINE).group(1)


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` (with a fixed author) and return what it printed."""
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=GIT_ENV).stdout


def edit(path: Path, old: str, new: str) -> None:
    """Replace text that must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def make_library_repo(root: Path, source: Path = MINI, folder: str = "library", tag: str = "v1.2.0",
                      changelog: str | None = None) -> Path:
    """A new git repository at `root` holding a copy of the library `source` in `folder` (with `changelog` as
    its CHANGELOG.md when given), committed and tagged."""
    shutil.copytree(source, root / folder)
    if changelog is not None:
        (root / folder / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", f"library at {tag}")
    git(root, "tag", tag)
    return root


@pytest.fixture(scope="session")
def variant_drafts(tmp_path_factory):
    """(name, data, Markdown) of every valid variant of every example (tests/variants.py), drafted once for
    the whole run: the modules that read every branch of the library share them."""
    from termsmith.render.markdown import render_markdown

    from . import variants

    out = [(name, data, render_markdown(draft)) for name, data, draft in variants.drafts(tmp_path_factory.mktemp("v"))]
    assert len(out) > 150, "most variants must be valid deals"
    return out


@pytest.fixture
def drafted(tmp_path) -> Path:
    """A folder holding the canonical deal (deal.yaml) drafted into out/: what a reviewer's copy starts from."""
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    from termsmith import api

    api.draft(deal, tmp_path / "out")
    return tmp_path
