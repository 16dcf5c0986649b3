"""Same deal + same library ⇒ byte-identical files, across processes, time zones and hash seeds."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import EXAMPLES

DEALS = sorted(EXAMPLES.glob("*.yaml"))


def draft_in_process(deal, out, tz, seed):
    env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": seed, "TERMSMITH_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-m", "termsmith", "draft", str(deal), "-o", str(out)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.parametrize("deal", DEALS, ids=[d.stem for d in DEALS])
def test_two_processes_write_identical_bytes(deal, tmp_path):
    first = draft_in_process(deal, tmp_path / "a", "UTC", "1")
    second = draft_in_process(deal, tmp_path / "b", "Asia/Tokyo", "2")
    assert set(first) == set(second) and len(first) == 3
    for name in first:
        assert first[name] == second[name], f"{name} differs between runs"
