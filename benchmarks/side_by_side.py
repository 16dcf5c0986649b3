"""Redline and absorb, this checkout against another revision, measured in turns on the same files.

Run: .venv/bin/python benchmarks/side_by_side.py [--base main] [--rounds 5]

The base revision's `termsmith/` is exported (git archive) into a temporary folder. The documents are made
once (real drafts of about 100 and 200 pages and their reviews, a deal file of 8,000 lines, a review that
only changes a deal field: see benchmarks/redline.py), then every round runs each case once with the base
code and once with this checkout's, alternating, each in a fresh process that first runs the case once to
warm up and then times it in CPU time (time.process_time). Printed: the medians, the ratio new/base, and the
per-page growth from about 100 to about 200 pages of each (1.0 = linear).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORKER = r'''
import json, sys, time
from pathlib import Path
from termsmith import api
case = json.loads(sys.argv[1])
if case["what"] == "redline":
    run = lambda: api.redline(Path(case["old"]), Path(case["new"]), Path(case["out"]), force=True)
else:
    run = lambda: api.absorb(Path(case["reviewed"]), Path(case["deal"]), dry_run=True,
                             library=Path(case["library"]) if case.get("library") else None)
run()
start = time.process_time()
run()
print(time.process_time() - start)
'''


def export(rev: str, folder: Path) -> Path:
    """The revision's termsmith package (and its bundled library and Word template) in `folder`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, "termsmith", "clause_library",
                              "templates"], check=True, capture_output=True).stdout
    tar = folder / "base.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as t:
        t.extractall(folder / "base", filter="data")
    return folder / "base"


def field_review(folder: Path) -> dict:
    """The canonical deal reviewed so that only a deal field changes (the mediation provider, everywhere)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from reviewed import WordEdit

    from termsmith import api

    folder.mkdir()
    deal = folder / "deal.yaml"
    shutil.copy(ROOT / "examples" / "acme-globex-technology.yaml", deal)
    api.draft(deal, folder / "out")
    docx = next((folder / "out").glob("*.docx"))
    edit = WordEdit(docx)
    while True:
        try:
            edit.replace("CEDR", "ADR Group")
        except AssertionError:
            break
    reviewed = folder / "out" / "reviewed.docx"
    edit.save(reviewed)
    return {"what": "absorb", "reviewed": str(reviewed), "deal": str(deal)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="main")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT))
    import redline as bench

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        trees = {"base": export(args.base, tmp), "new": ROOT}
        cases: dict[str, dict] = {}
        pages: dict[str, int] = {}
        for copies in (13, 31):  # about 100 and 200 pages
            deal, docx, reviewed, library, count = bench.real_review(tmp / f"x{copies}", copies)
            size = count or copies * bench.PAGES_PER_COPY
            cases[f"redline, {size} pages"] = {"what": "redline", "old": str(docx), "new": str(reviewed),
                                               "out": str(tmp / f"r{copies}.docx")}
            cases[f"absorb, {size} pages"] = {"what": "absorb", "reviewed": str(reviewed), "deal": str(deal),
                                              "library": str(library)}
            pages[f"redline, {size} pages"] = pages[f"absorb, {size} pages"] = size
        deal, reviewed, lines = bench.long_deal(tmp)
        cases[f"absorb, deal file of {lines:,} lines"] = {"what": "absorb", "reviewed": str(reviewed),
                                                          "deal": str(deal)}
        cases["absorb, a review that only changes a deal field"] = field_review(tmp / "field")
        worker = tmp / "worker.py"
        worker.write_text(WORKER, encoding="utf-8")
        times: dict[tuple[str, str], list[float]] = {(c, t): [] for c in cases for t in trees}
        load_before = os.getloadavg()
        for _ in range(args.rounds):
            for name, case in cases.items():
                for tree, path in trees.items():
                    env = {**os.environ, "PYTHONPATH": str(path), "SOURCE_DATE_EPOCH": "1700000000"}
                    out = subprocess.run([sys.executable, str(worker), json.dumps(case)], env=env, check=True,
                                         capture_output=True, text=True, cwd=tmp).stdout
                    times[(name, tree)].append(float(out.split()[-1]))
        load_after = os.getloadavg()

    med = {k: statistics.median(v) for k, v in times.items()}
    width = max(map(len, cases))
    print(f"base {args.base} vs this checkout; {os.cpu_count()} cores; load average "
          f"{' '.join(f'{x:.2f}' for x in load_before)} at the start, {' '.join(f'{x:.2f}' for x in load_after)} "
          f"at the end; CPU time, medians of {args.rounds} alternating rounds")
    print(f"{'case':<{width}}  {'base':>8}  {'new':>8}  new/base")
    for name in cases:
        print(f"{name:<{width}}  {med[(name, 'base')] * 1000:6.0f}ms  {med[(name, 'new')] * 1000:6.0f}ms  "
              f"{med[(name, 'new')] / med[(name, 'base')]:.2f}")
    for what in ("redline", "absorb"):
        sized = sorted((pages[n], n) for n in cases if n in pages and n.startswith(what))
        (p1, n1), (p2, n2) = sized[0], sized[-1]
        for tree in trees:
            t1, t2 = med[(n1, tree)], med[(n2, tree)]
            print(f"{what} {p2} vs {p1} pages ({tree}): time ratio {t2 / t1:.2f}, per page "
                  f"{(t2 / p2) / (t1 / p1):.2f} (1.0 = linear)")


if __name__ == "__main__":
    main()
