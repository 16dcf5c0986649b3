"""Impact benchmark: `termsmith impact` on a portfolio of generated deals, side by side with re-drafting everything.

Run: .venv/bin/python benchmarks/impact.py [--deals N] [--repeat N] [--jobs N]

A git repository holds the bundled library and the generated deal files (committed and tagged `base`, as a
pull request's repository holds them: impact reads each tracked deal file at both revisions from git) and a
change to a clause only reseller deals select (`scope.reseller-pricing`, committed as `head`). The portfolio is
generated from the example deals, a tenth of them resellers, so the change touches 10 % of it. Printed, as medians over repeated cold runs of the command:
- `termsmith impact` on the whole portfolio (the target: under 15 s on 2 cores);
- re-drafting everything, as the example CI workflow used to: every deal drafted at both revisions with
  `termsmith draft --jobs N` (a lower bound: the old workflow also redlined every deal, one process each);
- how impact's time grows: the same number of affected deals in portfolios of 1/4, 1/2 and all of the size
  (flat when the time follows the affected deals), and 1 %, 10 % and 30 % affected in the full portfolio.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RESELLER = "northwind-resellers-reseller.yaml"
CHANGED = "clauses/scope/reseller-pricing.md"
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "b@example.com"}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=GIT_ENV)


def repository(folder: Path, portfolios: dict[str, tuple[int, int]]) -> Path:
    """The repository, with each portfolio {folder name: (deals, resellers)} committed at base."""
    repo = folder / "repo"
    shutil.copytree(ROOT / "clause_library", repo / "library")
    for name, (count, resellers) in portfolios.items():
        portfolio(repo / name, count, resellers)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "tag", "base")
    path = repo / "library" / CHANGED
    text = path.read_text(encoding="utf-8")
    assert "at least" in text
    path.write_text(text.replace("at least", "no less than").replace("version: 1.0.0", "version: 1.0.1"),
                    encoding="utf-8")
    git(repo, "commit", "-qam", "head")
    git(repo, "tag", "head")
    return repo


def portfolio(folder: Path, count: int, resellers: int, seed: int = 7) -> list[Path]:
    """`count` valid deals, `resellers` of them (spread evenly) reseller deals, the rest the other examples."""
    rng = random.Random(seed)
    examples = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.yaml"))}
    others = [data for name, data in examples.items() if name != RESELLER]
    folder.mkdir(parents=True)
    paths = []
    reseller_at = {round(k * count / resellers) for k in range(resellers)} if resellers else set()
    for i in range(count):
        data = copy.deepcopy(examples[RESELLER] if i in reseller_at else others[i % len(others)])
        data["deal"]["id"] = f"bench-{i:05d}"
        data["term"]["initial_months"] = rng.choice([12, 24, 36, 48])
        if data.get("budget"):
            data["budget"]["total"] = rng.randrange(50_000, 5_000_000, 1000)
        path = folder / f"bench-{i:05d}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        paths.append(path)
    return paths


def timed(cmd: list[str], cwd: Path, repeat: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERMSMITH_NO_CACHE": "1"}
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd[:4])} … failed:\n{done.stderr[-2000:]}")
    return statistics.median(times)


def impact_time(repo: Path, deals: Path, repeat: int, jobs: int) -> float:
    out = repo.parent / "impact-out"
    shutil.rmtree(out, ignore_errors=True)
    return timed([sys.executable, "-m", "termsmith", "impact", *sorted(str(p) for p in deals.glob("*.yaml")),
                  "--base", "base", "--head", "head", "--library", "library", "-o", str(out), "--format", "json",
                  "--jobs", str(jobs)], repo, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    n, tenth = args.deals, args.deals // 10
    portfolios = {"full": (n, tenth), **{f"size-{n // share}": (n // share, tenth) for share in (4, 2)},
                  **{f"affected-{count}": (n, count) for count in (n // 100, 3 * tenth)}}
    with tempfile.TemporaryDirectory() as tmp:
        repo = repository(Path(tmp), portfolios)
        full = repo / "full"
        print(f"portfolio: {n} generated deals, {tenth} of them select the changed clause ({CHANGED}); "
              f"--jobs {args.jobs}, {os.cpu_count()} cores; medians of {args.repeat} cold runs")

        impact = impact_time(repo, full, args.repeat, args.jobs)
        deals = sorted(str(p) for p in full.glob("*.yaml"))
        redraft = 0.0
        for rev in ("base", "head"):
            out = Path(tmp) / f"drafts-{rev}"
            redraft += timed([sys.executable, "-m", "termsmith", "draft", *deals, "--library", "library",
                              "--library-rev", rev, "-o", str(out), "--jobs", str(args.jobs), "--force"],
                             repo, max(1, args.repeat // 2))
        print(f"termsmith impact, {n} deals ({tenth} affected):             {impact:7.2f} s   (target < 15 s)")
        print(f"re-drafting all {n} deals at both revisions (no redlines):  {redraft:7.2f} s")
        print(f"ratio impact / re-drafting everything:                     {impact / redraft:7.2f}")

        print("\nthe same affected deals in growing portfolios:")
        sizes = {}
        for share in (4, 2, 1):
            count = n // share
            folder = repo / f"size-{count}"
            sizes[count] = impact_time(repo, folder, args.repeat, args.jobs) if share != 1 else impact
            print(f"  {count:5d} deals, {tenth} affected: {sizes[count]:6.2f} s   "
                  f"ratio to {n // 4} deals: {sizes[count] / sizes[n // 4]:.2f} (portfolio ×{4 // share})")

        print("\nmore affected deals in the same portfolio:")
        affected = {}
        for count in (n // 100, tenth, 3 * tenth):
            if count == tenth:
                affected[count] = impact
            else:
                folder = repo / f"affected-{count}"
                affected[count] = impact_time(repo, folder, args.repeat, args.jobs)
            print(f"  {n} deals, {count:4d} affected: {affected[count]:6.2f} s   "
                  f"ratio to {n // 100} affected: {affected[count] / affected[n // 100]:.2f}")
        per_unaffected = (sizes[n] - sizes[n // 4]) / (n - n // 4)
        per_affected = (affected[3 * tenth] - affected[n // 100]) / (3 * tenth - n // 100)
        print(f"\nper unaffected deal: {per_unaffected * 1000:.1f} ms; per affected deal: {per_affected * 1000:.1f} ms "
              + (f"(ratio {per_affected / per_unaffected:.0f})" if per_unaffected > 0 else
                 "(an unaffected deal's cost is below this run's noise)"))


if __name__ == "__main__":
    main()
