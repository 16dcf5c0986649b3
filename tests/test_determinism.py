"""Same deal + same library ⇒ byte-identical files, across processes, time zones and hash seeds."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import EXAMPLES

DEALS = sorted(EXAMPLES.glob("*.yaml"))


def draft_in_process(deals, out, tz, seed):
    env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": seed, "TERMSMITH_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-m", "termsmith", "draft", *map(str, deals), "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_two_processes_write_identical_bytes(tmp_path):
    """Every example drafted in two processes with other time zones and hash seeds, the second in the reverse
    order, so each deal meets the process's caches in another state (first drafted, or after all the others)."""
    first = draft_in_process(DEALS, tmp_path / "a", "UTC", "1")
    second = draft_in_process(DEALS[::-1], tmp_path / "b", "Asia/Tokyo", "2")
    assert set(first) == set(second) and len(first) == 3 * len(DEALS)
    for name in first:
        assert first[name] == second[name], f"{name} differs between runs"
