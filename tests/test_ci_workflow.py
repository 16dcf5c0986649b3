"""examples/ci/termsmith-pr.yml works as shipped: GitHub's workflow schema accepts it, it installs termsmith
from a pinned source, names the library in every command, and its steps run for real on a pull request of a
library repository (a real git repository with an `origin` and a base branch)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import CANONICAL, MINI, ROOT, edit, git

WORKFLOW = ROOT / "examples" / "ci" / "termsmith-pr.yml"
LIBRARY_COMMANDS = ("draft", "check", "explain", "lint", "redline", "lock", "outdated", "clauses", "impact")


def steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["library"]["steps"]


def test_github_s_workflow_schema_accepts_it():
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_it_installs_termsmith_from_a_pinned_source_not_a_public_index():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    source = workflow["env"]["TERMSMITH_SOURCE"]
    assert re.fullmatch(r"termsmith @ git\+https://\S+@[\w.-]+", source), source
    installs = [s["run"] for s in steps() if "pip install" in s.get("run", "")]
    assert installs == ['pip install "$TERMSMITH_SOURCE"']


def test_every_command_reading_a_library_names_it():
    commands = [line for s in steps() for line in s.get("run", "").replace("\\\n", " ").splitlines()
                if re.search(r"\btermsmith\s+\w", line)]
    assert len(commands) == 2
    for line in commands:
        words = shlex.split(line.strip())
        command = words[words.index("termsmith") + 1]
        assert command in LIBRARY_COMMANDS
        assert words[words.index("--library") + 1] == "clause_library", line


@pytest.fixture
def pull_request(tmp_path) -> Path:
    """A library repository's pull request as actions/checkout leaves it: the change checked out, origin/main there."""
    origin = tmp_path / "origin"
    origin.mkdir()
    shutil.copytree(MINI, origin / "clause_library")
    (origin / "clause_library" / "CHANGELOG.md").write_text("# Changelog\n\n## 1.2.0\n\n- First.\n")
    (origin / "examples").mkdir()
    shutil.copy(CANONICAL, origin / "examples" / "acme.yaml")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", ".")
    git(origin, "commit", "-qm", "library 1.2.0")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    git(work, "switch", "-q", "-c", "plainer-cure")
    lib = work / "clause_library"
    edit(lib / "clauses/exit/cure.md", "Either Party may terminate", "Each Party may end this Agreement")
    edit(lib / "clauses/exit/cure.md", "version: 1.1.0", "version: 1.2.0")
    edit(lib / "library.yaml", "version: 1.2.0", "version: 1.3.0")
    edit(lib / "CHANGELOG.md", "## 1.2.0", "## 1.3.0\n\n- exit.cure: plainer wording.\n\n## 1.2.0")
    git(work, "commit", "-qam", "plainer cure clause")
    return work


def test_its_steps_run_on_a_pull_request(pull_request, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "termsmith"  # the command `pip install` would have put on PATH
    shim.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m termsmith \"$@\"\n")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    env.pop("TERMSMITH_LIBRARY", None)
    ran = []
    for step in steps():
        script = step.get("run", "")
        if "termsmith " not in script or "pip install" in script:
            continue
        script = script.replace("${{ github.base_ref }}", "main")
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=pull_request, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (step["name"], done.stdout, done.stderr)
        ran.append(step["name"])
        done_lines = done.stdout.splitlines()
        assert "library: mini test library 1.3.0 (clause_library, commit " in done.stderr, done.stderr
    assert len(ran) == 2
    assert sorted(p.name for p in (pull_request / "impact").iterdir()) == [
        ".termsmith-impact.json", "acme-globex-2027.docx", "acme-globex-2027.md", "impact.json"]
    redline = (pull_request / "impact" / "acme-globex-2027.md").read_text(encoding="utf-8")
    assert "{~~Either~>Each~~} Party may {~~terminate~>end this Agreement~~}" in redline
    annotation = "::notice file=clause_library/clauses/exit/cure.md,line=9,title=termsmith impact::exit.cure changes "
    assert annotation + "the text of 1 deal: acme-globex-2027" in done_lines
