"""A malicious clause pull request, run through the real command line: every attack ends in exit 1 with a
located library error, in seconds and bounded memory, and nothing is written."""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time

import pytest

from .conftest import CANONICAL, MINI

ATTACKS = {
    "nested range loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "huge power": "{{ ((10**1000)**1000)**1000 }}",
    "huge product": "{{ (10**1000) * (10**1000) * (10**1000) * (10**1000) * (10**1000) }}",
    "string doubling in a namespace":
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
    "string doubling by recursion":
        "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s }}{% endif %}{% endmacro %}{{ d('x', 40) }}",
    "format width padding": "{{ '%300000000s' % 'x' }}",
    "format filter padding": "{{ '%300000000d' | format(1) }}",
    "str.format padding": "{{ '{:>300000000}'.format('x') }}",
    "long output": "{% for i in range(150000) %}words words {% endfor %}",
    "nested loops over a list": "{% set l = range(100000) | list %}{% for a in l %}{% for b in l %}{% endfor %}"
                                "{% endfor %}",
    "a recursive loop over a list": "{% set l = range(100000) | list %}{% for a in l recursive %}"
                                    "{% if loop.depth < 2 %}{{ loop(l) }}{% endif %}{% endfor %}",
    "nested loops over a text": "{% set t = 'x' * 100000 %}{% for a in t %}{% for b in t %}{% endfor %}{% endfor %}",
    "replace amplification": "{{ ('x' * 1000) | replace('x', 'xxxxxxxxxx') | replace('x', 'xxxxxxxxxx') "
                             "| replace('x', 'xxxxxxxxxx') }}",
}


def run_limited(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    """Run the CLI under a memory limit; a run still going after `timeout` fails the test (the render budget
    stops hostile text within seconds: without it these ran for minutes). No timing is asserted beyond that."""
    def limit():  # 1 GiB of address space on top of what the interpreter maps at start
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "termsmith", *args], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limit)
    return done, time.monotonic() - start


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_hostile_clause_is_a_located_library_error(tmp_path, name):
    lib = tmp_path / "lib"
    shutil.copytree(MINI, lib)
    clause = lib / "clauses/exit/convenience.md"
    clause.write_text(clause.read_text(encoding="utf-8") + "\n" + ATTACKS[name] + "\n", encoding="utf-8")
    out = tmp_path / "out"
    done, seconds = run_limited("draft", str(CANONICAL), "--library", str(lib), "-o", str(out))
    assert done.returncode == 1, done.stderr
    assert "convenience.md" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 3
    assert not out.exists() or not any(out.iterdir())


def test_a_hostile_condition_is_a_located_library_error(tmp_path):
    lib = tmp_path / "lib"
    shutil.copytree(MINI, lib)
    clause = lib / "clauses/exit/convenience.md"
    text = clause.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    clause.write_text(text.replace("---\n", "---\nwhen: ((10**1000)**1000)**1000 > 1\n", 1)
                      if "\nwhen:" not in text else
                      "\n".join("when: ((10**1000)**1000)**1000 > 1" if line.startswith("when:") else line
                                for line in text.splitlines()) + "\n", encoding="utf-8")
    done, seconds = run_limited("check", str(CANONICAL), "--library", str(lib))
    assert done.returncode == 1, done.stderr
    assert "convenience.md" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["nested range loops", "huge power", "string doubling by recursion",
                                  "format width padding", "format filter padding", "str.format padding"])
def test_lint_flags_clause_text_that_could_exhaust_the_renderer(tmp_path, name):
    lib = tmp_path / "lib"
    shutil.copytree(MINI, lib)
    clause = lib / "clauses/exit/convenience.md"
    clause.write_text(clause.read_text(encoding="utf-8") + "\n\n" + ATTACKS[name] + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "termsmith", "lint", str(lib)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    line = len(clause.read_text(encoding="utf-8").splitlines())
    assert f"convenience.md:{line}:" in done.stdout + done.stderr and "costly-text" in done.stdout + done.stderr
    assert "unknown-name" not in done.stdout  # a macro calling itself knows its own name


def test_lint_flags_a_costly_condition(tmp_path):
    lib = tmp_path / "lib"
    shutil.copytree(MINI, lib)
    clause = lib / "clauses/exit/convenience.md"
    clause.write_text(clause.read_text(encoding="utf-8").replace(
        "when: exit.termination_for_convenience.allowed", "when: ((10**1000)**1000)**1000 > 1"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "termsmith", "lint", str(lib)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1 and "costly-text" in done.stdout + done.stderr
