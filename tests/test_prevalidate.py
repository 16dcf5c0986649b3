"""A cold `termsmith draft` validates the deal in a second process (prevalidate): it must change nothing
but the time taken, and fall back to validating in-process whenever the second process cannot help."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import CANONICAL, EXAMPLES

SERIAL = {"TERMSMITH_SERIAL": "1"}
_CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
needs_fork = pytest.mark.skipif(not hasattr(os, "fork") or _CPUS < 2, reason="validation runs in one process here")


def termsmith(*args, env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_same_files_as_validating_in_one_process(example, tmp_path):
    parallel, serial = termsmith("draft", example, "-o", tmp_path / "p"), termsmith("draft", example, "-o", tmp_path / "s", env=SERIAL)
    assert parallel.returncode == serial.returncode == 0, parallel.stderr + serial.stderr
    assert files(tmp_path / "p") == files(tmp_path / "s") != {}


@pytest.mark.parametrize("damage", ["invalid", "missing", "syntax", "and-a-broken-library"])
def test_the_same_errors_as_validating_in_one_process(damage, tmp_path, deal_data, write_deal):
    if damage == "missing":
        path = tmp_path / "nope.yaml"
    elif damage == "syntax":
        path = tmp_path / "bad.yaml"
        path.write_text("deal: [unclosed\n")
    else:
        deal_data["budget"]["cost_sharing"]["acme"] = 50
        deal_data["parties"][1]["id"] = "acme"
        path = write_deal(deal_data)
    extra = ["--library", tmp_path / "no-library"] if damage == "and-a-broken-library" else []
    parallel = termsmith("draft", path, "-o", tmp_path / "p", *extra)
    serial = termsmith("draft", path, "-o", tmp_path / "s", *extra, env=SERIAL)
    assert parallel.returncode == serial.returncode == 1
    assert parallel.stderr == serial.stderr and parallel.stderr.startswith(str(path))  # the deal's problems first
    assert "Traceback" not in parallel.stderr
    assert files(tmp_path / "p") == files(tmp_path / "s") == {}


_IN_ONE_SCRIPT = """
import os, signal, sys
from pathlib import Path
from termsmith import prevalidate

prevalidate.launch()
pending = prevalidate.claim(Path(sys.argv[1]))
assert pending is not None
if sys.argv[3] == "kill":
    os.kill(pending._pid, signal.SIGKILL)  # the second process dies before it can answer
print("hint:", pending.hint())
from termsmith import api

result = api.draft(Path(sys.argv[1]), Path(sys.argv[2]), prevalidated=pending)
print(sorted(p.name for p in result.written))
print("pydantic imported here:", any(name.split(".")[0] == "pydantic" for name in sys.modules))
"""


@needs_fork
def test_this_process_never_imports_pydantic(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("TERMSMITH_SERIAL", None)
    env.pop("TERMSMITH_NO_CACHE", None)
    warm = subprocess.run([sys.executable, "-m", "termsmith", "draft", str(CANONICAL), "-o", str(tmp_path / "w")],
                          env=env, capture_output=True, text=True, timeout=120)  # fills the library cache
    assert warm.returncode == 0, warm.stderr
    done = subprocess.run([sys.executable, "-c", _IN_ONE_SCRIPT, str(CANONICAL), str(tmp_path / "out"), "-"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "pydantic imported here: False" in done.stdout
    assert "hint: {'language': 'en-GB'}" in done.stdout  # read off the file before validation ends
    assert files(tmp_path / "out") == files(tmp_path / "w")


@needs_fork
def test_a_second_process_that_dies_is_replaced_by_validating_here(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TERMSMITH_SERIAL"}
    done = subprocess.run([sys.executable, "-c", _IN_ONE_SCRIPT, str(CANONICAL), str(tmp_path / "out"), "kill"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "acme-globex-2027.docx" in done.stdout
    assert "pydantic imported here: True" in done.stdout  # it validated the deal itself
    assert "hint: {}" in done.stdout


def test_nothing_is_forked_for_a_program_calling_the_api(tmp_path):
    from termsmith import prevalidate

    assert prevalidate.claim(CANONICAL) is None  # only the command line's entry point launches one


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity")
def test_one_cpu_means_one_process(tmp_path):
    script = ("import os, sys; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
              "from termsmith import prevalidate; prevalidate.launch(); print(prevalidate._launched is None)")
    env = {k: v for k, v in os.environ.items() if k != "TERMSMITH_SERIAL"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr
