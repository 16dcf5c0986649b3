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
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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
    text = re.sub(r"^version: (\d+)\.(\d+)\.(\d+)$", lambda m: f"version: {m[1]}.{m[2]}.{int(m[3]) + 1}",
                  text.replace("at least", "no less than"), count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
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


# Runs the command line in a process that reports its own CPU time and its children's (the worker
# processes, and git) when it ends: on a shared machine the wall-clock time says as much about the other
# processes as about termsmith, the CPU time does not.
_MEASURED = """
import gc, os, resource, sys
gc.disable()  # as `termsmith` itself starts
from termsmith.cli import _run
sys.argv = ["termsmith", *sys.argv[1:]]
code = _run()
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.flush()
sys.stderr.write(f"\\nCPU {me.ru_utime + me.ru_stime} {kids.ru_utime + kids.ru_stime}\\n")
sys.stderr.flush()
os._exit(code)
"""


@dataclass(frozen=True)
class Timing:
    """Medians of repeated cold runs: wall-clock, CPU of the command's own process and of its workers."""

    wall: float
    parent: float
    workers: float

    @property
    def cpu(self) -> float:
        return self.parent + self.workers

    def idle(self, jobs: int) -> float:
        """The wall-clock time on `jobs` otherwise idle cores, estimated from CPU time: the command's own
        process runs alone, its workers' time divides among the cores (an estimate, not a measurement)."""
        return self.parent + self.workers / jobs


def timed(cmd: list[str], cwd: Path, repeat: int) -> Timing:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERMSMITH_NO_CACHE": "1"}
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _MEASURED, *cmd], cwd=cwd, env=env, capture_output=True,
                              text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd[:4])} … failed:\n{done.stderr[-2000:]}")
        parent, workers = map(float, done.stderr.rsplit("\nCPU ", 1)[1].split())
        runs.append((wall, parent, workers))
    return Timing(*(statistics.median(r[i] for r in runs) for i in range(3)))


def impact_time(repo: Path, deals: Path, repeat: int, jobs: int) -> Timing:
    out = repo.parent / "impact-out"
    shutil.rmtree(out, ignore_errors=True)
    return timed(["impact", *sorted(str(p) for p in deals.glob("*.yaml")), "--base", "base", "--head", "head",
                  "--library", "library", "-o", str(out), "--format", "json", "--jobs", str(jobs)], repo, repeat)


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    n, tenth, jobs = args.deals, args.deals // 10, args.jobs
    portfolios = {"full": (n, tenth), **{f"size-{n // share}": (n // share, tenth) for share in (4, 2)},
                  **{f"affected-{count}": (n, count) for count in (n // 100, 3 * tenth)}}
    with tempfile.TemporaryDirectory() as tmp:
        repo = repository(Path(tmp), portfolios)
        full = repo / "full"
        print(f"portfolio: {n} generated deals, {tenth} of them select the changed clause ({CHANGED}); "
              f"--jobs {jobs}, {os.cpu_count()} cores; medians of {args.repeat} cold runs; "
              f"load average {load()} (1/5/15 min) at the start")
        print("wall = elapsed; cpu = CPU time of the command and its workers; "
              f"idle = estimated elapsed on {jobs} idle cores (own CPU + workers' CPU / {jobs})\n")

        impact = impact_time(repo, full, args.repeat, jobs)
        deals = sorted(str(p) for p in full.glob("*.yaml"))
        drafts = [timed(["draft", *deals, "--library", "library", "--library-rev", rev, "-o", str(Path(tmp) / f"drafts-{rev}"),
                         "--jobs", str(jobs), "--force"], repo, max(1, args.repeat // 2)) for rev in ("base", "head")]
        redraft = Timing(*(sum(getattr(t, f) for t in drafts) for f in ("wall", "parent", "workers")))

        def line(what: str, t: Timing) -> str:
            return f"{what:58s} wall {t.wall:7.2f} s   cpu {t.cpu:7.2f} s   idle {t.idle(jobs):6.2f} s"

        print(line(f"termsmith impact, {n} deals ({tenth} affected)", impact) + "   (target < 15 s)")
        print(line(f"re-drafting all {n} deals at both revisions (no redlines)", redraft))
        print(f"ratio impact / re-drafting everything: wall {impact.wall / redraft.wall:.3f}, "
              f"cpu {impact.cpu / redraft.cpu:.3f}")

        print("\nthe same affected deals in growing portfolios (ratios of CPU time):")
        sizes = {}
        for share in (4, 2, 1):
            count = n // share
            sizes[count] = impact_time(repo, repo / f"size-{count}", args.repeat, jobs) if share != 1 else impact
            print(line(f"  {count:5d} deals, {tenth} affected", sizes[count])
                  + f"   ratio {sizes[count].cpu / sizes[n // 4].cpu:.2f} (portfolio x{4 // share})")

        print("\nmore affected deals in the same portfolio (ratios of CPU time):")
        affected = {}
        for count in (n // 100, tenth, 3 * tenth):
            affected[count] = (impact if count == tenth else
                               impact_time(repo, repo / f"affected-{count}", args.repeat, jobs))
            print(line(f"  {n} deals, {count:4d} affected", affected[count])
                  + f"   ratio {affected[count].cpu / affected[n // 100].cpu:.2f}")
        per_unaffected = (sizes[n].cpu - sizes[n // 4].cpu) / (n - n // 4)
        per_affected = (affected[3 * tenth].cpu - affected[n // 100].cpu) / (3 * tenth - n // 100)
        print(f"\nCPU per unaffected deal: {per_unaffected * 1000:.1f} ms; per affected deal: "
              f"{per_affected * 1000:.1f} ms" + (f" (ratio {per_affected / per_unaffected:.0f})" if per_unaffected > 0 else
                                                 " (an unaffected deal's cost is below this run's noise)"))
        print(f"load average {load()} at the end")


if __name__ == "__main__":
    main()
