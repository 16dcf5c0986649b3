"""Batch drafting: parallel processes, one bad deal never stops the others, a summary and an exit code."""

from __future__ import annotations

import subprocess
import sys

from termsmith import api

from .conftest import EXAMPLES

GOOD = sorted(EXAMPLES.glob("*.yaml"))


def bad_deal(tmp_path, deal_data, write_deal):
    deal_data["deal"]["id"] = "broken-deal"
    deal_data["budget"]["cost_sharing"]["acme"] = 10
    return write_deal(deal_data, "broken.yaml")


def test_one_bad_deal_does_not_stop_the_others(tmp_path, deal_data, write_deal):
    bad = bad_deal(tmp_path, deal_data, write_deal)
    seen = []
    outcomes = api.draft_many([GOOD[0], bad, *GOOD[1:]], tmp_path / "out", jobs=2, on_progress=seen.append)
    assert [o.deal_path for o in outcomes] == [GOOD[0], bad, *GOOD[1:]]
    assert [o.ok for o in outcomes] == [True, False, *([True] * (len(GOOD) - 1))]
    assert len(seen) == len(outcomes)
    assert "shares add up to 50, expected 100" in str(outcomes[1].problems[0])
    assert len(list((tmp_path / "out").glob("*.docx"))) == len(GOOD)


def test_parallel_and_serial_batches_write_the_same_bytes(tmp_path):
    api.draft_many(GOOD, tmp_path / "serial", jobs=1)
    api.draft_many(GOOD, tmp_path / "parallel", jobs=2)
    serial = {p.name: p.read_bytes() for p in (tmp_path / "serial").iterdir()}
    parallel = {p.name: p.read_bytes() for p in (tmp_path / "parallel").iterdir()}
    assert serial == parallel and len(serial) == 3 * len(GOOD)


def test_same_deal_id_twice_in_a_batch_is_refused(tmp_path, deal_data, write_deal):
    copy = write_deal(deal_data, "copy.yaml")
    outcomes = api.draft_many([GOOD[0], copy], tmp_path / "out")
    assert outcomes[0].ok and not outcomes[1].ok
    assert "drafted in the same batch" in outcomes[1].problems[0].message


def test_cli_batch_summary_and_exit_code(tmp_path, deal_data, write_deal):
    bad = bad_deal(tmp_path, deal_data, write_deal)
    done = subprocess.run([sys.executable, "-m", "termsmith", "draft", *map(str, GOOD), str(bad), "-o",
                           str(tmp_path / "out"), "--jobs", "2"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert f"drafted {len(GOOD)} of {len(GOOD) + 1} deals" in done.stdout and "1 failed" in done.stdout
    assert "broken.yaml" in done.stderr and "Traceback" not in done.stderr
    assert "\r" not in done.stderr  # no progress bar when stderr is not a terminal


def test_cli_batch_all_good_exits_0(tmp_path):
    done = subprocess.run([sys.executable, "-m", "termsmith", "draft", *map(str, GOOD), "-o", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"drafted {len(GOOD)} of {len(GOOD)} deals" in done.stdout


def test_the_parent_of_a_parallel_batch_parses_no_deal(tmp_path, monkeypatch):
    """Deals are read where they are drafted: in the workers, not first in the parent."""
    import termsmith.deal.load as load

    read_here = []
    real = load.load_file
    monkeypatch.setattr(load, "load_file", lambda path: read_here.append(path) or real(path))
    outcomes = api.draft_many(GOOD, tmp_path / "out", jobs=2)
    assert all(o.ok for o in outcomes) and read_here == []


def test_a_clash_keeps_the_first_deal_of_the_input_in_parallel_too(tmp_path, deal_data, write_deal):
    copies = [write_deal(deal_data, f"copy{i}.yaml") for i in range(3)]
    outcomes = api.draft_many([*copies, *GOOD[1:]], tmp_path / "out", jobs=2)
    assert [o.ok for o in outcomes[:3]] == [True, False, False]
    assert all(str(copies[0]) in o.problems[0].message for o in outcomes[1:3])


def test_a_batch_drafts_every_deal_with_the_library_as_it_found_it(tmp_path, deal_data, write_deal):
    import shutil

    from .conftest import ROOT

    library = tmp_path / "library"
    shutil.copytree(ROOT / "clause_library", library)
    first = write_deal(deal_data, "first.yaml")
    deal_data["deal"]["id"] = "second-deal"
    second = write_deal(deal_data, "second.yaml")
    clause = library / "clauses" / "termination" / "convenience.md"
    added = "A Party may also terminate on a full moon."

    def edit_after_the_first(outcome):
        if outcome.deal_path == first:
            clause.write_text(clause.read_text(encoding="utf-8").rstrip("\n") + " " + added + "\n", encoding="utf-8")

    outcomes = api.draft_many([first, second], tmp_path / "out", library=library, on_progress=edit_after_the_first)
    assert all(o.ok for o in outcomes)
    assert added not in (tmp_path / "out" / "second-deal.md").read_text(encoding="utf-8")
    # the next command sees the edit
    api.draft(second, tmp_path / "again", library=library)
    assert added in (tmp_path / "again" / "second-deal.md").read_text(encoding="utf-8")
