"""What a change to the clause library does to a portfolio of deals (`termsmith impact`).

Deciding is cheap and comes first (review/assess.py decides for one deal). The two library revisions are
compared once: the clauses whose file differs (front matter or text; added or removed), and whether
`library.yaml` changed what every draft depends on (anything but the library's name, version and owner:
its sections, house style, legal systems and their facts, languages, terms, rules, reference rates). A deal is then unaffected when none of the
clauses it selects at either revision is among those: every input a clause's text is rendered from (its
version, its template source, the deal fields it reads, the numbers of the clauses it refers to, the
definitions of the terms it uses) is then the same at both revisions, since the deal file is the same.
Only the conditions of the changed clauses are evaluated, so a condition that now adds or drops a clause
makes the deal affected, and a definition changed in a clause every deal selects affects every deal.

Only affected deals are drafted, at both revisions (read from git, the working tree untouched), compared,
and given a Word redline with its CriticMarkup twin when their text changed. A deal locked to a library
commit is unaffected by a library change unless locks are ignored.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from termsmith.errors import InputError, OutputError, Problem, TermsmithError
from termsmith.review.assess import (FROM_FILE, Assessment, DealSource, LibraryChange, Plan, assess, end_run,
                                     library_change, start_run)

WORKTREE = "WORKTREE"  # --head WORKTREE (the default): the library folder as it is now
REPORT_NAME = "impact.json"


# ── the portfolio ──────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class DealImpact:
    """One line of the report."""

    deal: str  # the deal file as given
    state: str  # unaffected | locked | unchanged | changed | new | removed | failed
    deal_id: str = ""
    causes: tuple[str, ...] = ()
    clauses: tuple[str, ...] = ()
    words_added: int = 0
    words_removed: int = 0
    redline: str | None = None
    summary: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    failed_at: str = ""
    deal_changed: bool = False  # the deal file itself differs between the revisions

    @property
    def changed(self) -> bool | None:
        """Whether the deal's text changed; None when it could not be drafted at a revision."""
        return None if self.state == "failed" else self.state in ("changed", "new", "removed")

    def as_json(self) -> dict:
        return {"deal": self.deal, "changed": self.changed, "clauses": list(self.clauses),
                "words_added": self.words_added, "words_removed": self.words_removed, "redline": self.redline}


@dataclass(frozen=True)
class ImpactResult:
    change: LibraryChange
    deals: tuple[DealImpact, ...]
    report: Path | None  # impact.json in the output folder
    base: str
    head: str
    folder: Path  # the library folder, for the paths of its files
    removed: tuple[Path, ...] = ()  # stale redlines of an earlier run, removed from the output folder

    @property
    def failed(self) -> tuple[DealImpact, ...]:
        return tuple(d for d in self.deals if d.state == "failed")

    def deals_changed_by(self, clause_id: str) -> list[DealImpact]:
        """The deals whose text the clause's change changes (of a deal whose own file changed too, those where
        that clause's text changed)."""
        return [d for d in self.deals if d.state == "changed" and clause_id in d.causes
                and (not d.deal_changed or clause_id in d.clauses)]




def impact(deals: Sequence[Path], *, base: str, head: str | None = None, library: Path | None = None,
           out_dir: Path = Path("impact"), jobs: int = 1, ignore_locks: bool = False,
           on_progress: Callable[[DealImpact], None] | None = None) -> ImpactResult:
    """Assess every deal against the change from `base` to `head` (default: the library folder and the deal
    files as they are); write a redline for each deal whose text changed, and impact.json, into out_dir,
    removing the redlines an earlier run wrote there for deals that no longer change."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    from termsmith.library.locate import library_path
    from termsmith.library.opening import open_library
    from termsmith.write import write_files

    head = None if head in (None, WORKTREE) else head
    change = library_change(open_library(library, base), open_library(library, head))
    sources = _sources(_once_each(deals), change, library, head, base)
    run = start_run(library, change)
    plan = Plan(library, base, head, change.clauses, change.everything, ignore_locks, change.conditions_only,
                run=run)
    out_dir = Path(out_dir)
    results: list[DealImpact] = []
    first: dict[str, str] = {}  # deal id → the deal whose redline has that name
    written: dict[str, str] = {}  # file name in out_dir → its sha256, for the output manifest
    pending: collections.deque = collections.deque()  # (result, its redline's write) in input order

    def finish() -> None:
        result, writing = pending.popleft()
        if writing is not None:
            result = _finished(result, writing.result(), written)
        results.append(result)
        if on_progress:
            on_progress(result)

    # each redline is written (and synced to disk) in a thread of its own, so that the waits overlap; the
    # threads start after the worker processes are forked
    writers = None
    try:
        for source, assessed in zip(sources, _assessed(sources, plan, jobs), strict=True):
            result, targets = _planned(source.path, assessed, out_dir, first)
            writing = None
            if targets:
                if writers is None:
                    writers = ThreadPoolExecutor(max_workers=4)
                writing = writers.submit(_write, targets)
            pending.append((result, writing))
            while pending and (pending[0][1] is None or pending[0][1].done()):
                finish()
        while pending:
            finish()
    finally:
        if writers is not None:
            writers.shutdown()
        end_run(run)
    report = out_dir / REPORT_NAME
    text = json.dumps([d.as_json() for d in results], indent=2, ensure_ascii=False) + "\n"
    removed = _stale(out_dir, written)
    write_files({report: text.encode("utf-8"), out_dir / OUTPUT_MANIFEST: _manifest(written)})
    _remove(removed)
    return ImpactResult(change, tuple(results), report, base, head or WORKTREE, library_path(library),
                        tuple(removed))


def _once_each(deals: Sequence[Path]) -> list[Path]:
    """The deal files, each once (overlapping globs name a file twice), as first given."""
    seen: dict[Path, Path] = {}
    for given in map(Path, deals):
        try:
            key = given.resolve()
        except (OSError, RuntimeError):
            key = given
        seen.setdefault(key, given)
    return list(seen.values())


def _sources(paths: list[Path], change: LibraryChange, library: Path | None, head: str | None,
             base: str = "--base") -> list[DealSource]:
    """Where each deal is read at each revision. A deal file git tracks in the library's repository is read
    from git at `base` and at `head` (at head from the working tree when head is the working tree), so a
    change to the deal shows as well as the library's; any other deal file is read from the working tree for
    both revisions. The lock file beside a deal is read by the same rule, on its own (a lock git does not
    track pins both revisions)."""
    from termsmith.library import git as gitstore
    from termsmith.library.locate import library_path
    from termsmith.library.lock import lock_path

    folder = library_path(library)
    repo = gitstore.repo_root(folder if folder.is_dir() else folder.parent)
    inside: dict[Path, str] = {}
    if repo is not None:
        root = repo.resolve()
        for p in paths:
            try:
                inside[p] = p.resolve().relative_to(root).as_posix()
            except (ValueError, OSError):
                pass
    locks = {p: lock_path(Path(name)).as_posix() for p, name in inside.items()}
    names = sorted({*inside.values(), *locks.values()})
    tracked = gitstore.tracked(repo, names) if names else set()
    at_base = gitstore.read_files(repo, change.base.commit, names) if names else {}
    at_head = gitstore.read_files(repo, change.head.commit, names) if names and head is not None else {}

    def in_git(name: str | None) -> bool:
        return name is not None and (name in tracked or name in at_base or name in at_head)

    def at(name: str, there: bool) -> tuple[bytes | None, bytes | str | None]:
        """At base from git; at head from git, or the working-tree file (`there`: if it has one) when head is
        the working tree."""
        return at_base.get(name), at_head.get(name) if head is not None else FROM_FILE if there else None

    sources, missing = [], []
    for p in paths:
        deal = at(inside[p], p.is_file()) if in_git(inside.get(p)) else (FROM_FILE, FROM_FILE)
        lock = at(locks[p], os.path.lexists(lock_path(p))) if in_git(locks.get(p)) else (FROM_FILE, FROM_FILE)
        source = DealSource(p, *deal, *lock)
        if not any(side == FROM_FILE and p.is_file() or isinstance(side, bytes) for side in (source.base, source.head)):
            if p.is_dir():
                why = f"is a folder, not a deal file (give the deal files, e.g. {p}/*.yaml)"
            elif p.is_file():  # git tracks it, so it is read at each revision, and it is at neither
                why = (f"is in neither revision ({base}, {head}): git tracks it, so each side reads it from its "
                       "revision; compare revisions that have it, or leave it out")
            else:
                why = "deal file not found"
            missing.append(Problem(file=str(p), message=why))
        sources.append(source)
    if missing:
        raise InputError(missing)
    return sources


# Deals the run's own process assesses before it forks the workers: up to the first one it drafts, so that
# the workers start with what drafting loads once per process (modules, the deal model, locale data, the
# reference document, the clause text that deal compiles) instead of each loading it again.
WARM_UP = 64


def _assessed(sources: list[DealSource], plan: Plan, jobs: int) -> Iterator[Assessment]:
    work = functools.partial(assess, plan=plan)
    if jobs <= 1 or len(sources) <= 1:
        yield from map(work, sources)
        return
    from concurrent.futures import ProcessPoolExecutor

    done: list[Assessment] = []
    for source in sources[:WARM_UP]:
        done.append(work(source))
        if done[-1].state not in ("unaffected", "locked"):
            break
    rest = sources[len(done):]
    if not rest:
        yield from done
        return
    # the libraries are open in this process already (`assess.start_run`): forked workers start with them; small
    # chunks keep both workers busy to the end when the affected deals bunch together
    chunk = max(1, min(8, len(rest) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=min(jobs, len(rest)), initializer=_worker_started) as pool:
        assessed = pool.map(work, rest, chunksize=chunk)  # forks the workers now, before any thread starts
        yield from done
        yield from assessed


def _worker_started() -> None:
    """A worker's garbage collection: what it inherited is long-lived (libraries, modules) and left out of
    every collection; the drafts it makes allocate in bursts, so it collects less often (their cycles
    are still collected)."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    gc.enable()


def _planned(path: Path, done: Assessment, out_dir: Path,
             first: dict[str, str]) -> tuple[DealImpact, dict[Path, bytes] | None]:
    """The deal's line of the report, and the redline files to write for it (None when there are none)."""
    result = DealImpact(str(path), done.state, done.deal_id, done.causes, done.clauses, done.words_added,
                        done.words_removed, None, done.summary, done.problems, done.failed_at, done.deal_changed)
    if done.state != "changed":
        return result, None
    if done.deal_id in first:
        return replace(result, state="failed", failed_at="output", problems=(Problem(
            file=str(path), path="deal.id",
            message=f"'{done.deal_id}' is also the id of {first[done.deal_id]}: their redlines would have the "
                    "same name"),)), None
    first[done.deal_id] = str(path)
    docx = out_dir / f"{done.deal_id}.docx"
    return result, {docx: done.files["docx"], docx.with_suffix(".md"): done.files["md"]}


def _write(targets: dict[Path, bytes]) -> dict[Path, bytes] | tuple[Problem, ...]:
    """Write a redline and its twin (never over a file someone edited); what was written, or why not."""
    from termsmith.review.inputs import check_replaceable
    from termsmith.write import write_files

    try:
        check_replaceable(list(targets), force=False)
        write_files(targets)
    except TermsmithError as exc:
        return tuple(exc.problems)
    return targets


def _finished(result: DealImpact, writing: dict[Path, bytes] | tuple[Problem, ...],
              written: dict[str, str]) -> DealImpact:
    if isinstance(writing, tuple):
        return replace(result, state="failed", failed_at="output", problems=writing)
    written.update((target.name, hashlib.sha256(data).hexdigest()) for target, data in writing.items())
    return replace(result, redline=str(next(iter(writing))))


# ── what the output folder holds ───────────────────────────────────────────────────────────
# Beside impact.json: the names and checksums of the redlines this run wrote, so that the next run into the
# same folder removes those of deals that no longer change, and never a file it did not write (or one
# edited since).
OUTPUT_MANIFEST = ".termsmith-impact.json"


def _manifest(written: dict[str, str]) -> bytes:
    import json

    files = dict(sorted(written.items()))
    return (json.dumps({"written_by": "termsmith impact", "files": files}, indent=2) + "\n").encode("utf-8")


def _stale(out_dir: Path, written: dict[str, str]) -> list[Path]:
    """The files an earlier run wrote into out_dir (by its manifest), unchanged since, that this run did not."""
    import json

    try:
        earlier = json.loads((out_dir / OUTPUT_MANIFEST).read_text(encoding="utf-8"))
        files = earlier["files"] if earlier.get("written_by") == "termsmith impact" else {}
        files = dict(files)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []
    stale = []
    for name, digest in sorted(files.items()):
        if (not isinstance(name, str) or name in written or Path(name).name != name or name.startswith(".")
                or Path(name).suffix not in (".docx", ".md")):
            continue
        target = out_dir / name
        try:
            if target.is_file() and not target.is_symlink() and hashlib.sha256(target.read_bytes()).hexdigest() == digest:
                stale.append(target)
        except OSError:
            continue
    return stale


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise OutputError(Problem(file=str(path), message=f"cannot remove a stale redline: {exc.strerror or exc}")) from None
