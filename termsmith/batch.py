"""Drafting many deals: each deal is drafted (validated, composed, rendered) where it is worked on,
in this process or in `jobs` worker processes, and its files are written here in input order, so two
deals of the batch with the same id (and so the same file names) are caught before either is written
over, and the first one in the input keeps its files. One bad deal never stops the others."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from termsmith.errors import Problem, TermsmithError
from termsmith.library.opening import held, hold, libraries_used, note_used
from termsmith.write import Outputs, write_draft


@dataclass(frozen=True)
class BatchOutcome:
    """One deal of a batch: its written files, or the problems that stopped it."""

    deal_path: Path
    written: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def draft_many(paths: Sequence[Path], out_dir: Path, *, formats: tuple[str, ...], library: Path | None = None,
               library_rev: str | None = None, force: bool = False, jobs: int = 1,
               on_progress: Callable[[BatchOutcome], None] | None = None, notes: bool = True) -> list[BatchOutcome]:
    """Draft several deals into out_dir; outcomes are in input order (so is `on_progress`); `notes`: with the
    notes for the reviewer."""
    paths = [Path(p) for p in paths]
    out_dir = Path(out_dir)
    work = functools.partial(_outputs_of, out_dir=out_dir, formats=tuple(formats), library=library,
                             library_rev=library_rev, notes=notes)
    first: dict[str, Path] = {}  # deal id → the deal of this batch whose files have that name
    outcomes = []
    with held():  # every deal with the library as the batch found it (workers: `_worker_started`)
        for path, (done, used) in zip(paths, _drafted(work, paths, jobs)):
            note_used(used)  # so that the command names the library its workers used
            outcome = _written(path, done, out_dir, first, force)
            outcomes.append(outcome)
            if on_progress:
                on_progress(outcome)
    return outcomes


def _drafted(work: Callable[[Path], tuple[Outputs | tuple[Problem, ...], list[str]]], paths: list[Path],
             jobs: int) -> Iterator[tuple[Outputs | tuple[Problem, ...], list[str]]]:
    if jobs <= 1 or len(paths) <= 1:
        yield from map(work, paths)
        return
    from concurrent.futures import ProcessPoolExecutor

    # a few deals per round trip, but small enough rounds that both workers stay busy to the end
    chunk = max(1, min(8, len(paths) // (jobs * 4)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_started) as pool:
        yield from pool.map(work, paths, chunksize=chunk)


def settle() -> None:
    """After a process's first deal of a batch: what it loaded for it (the library, compiled clause text, locale
    data) serves every later deal. Free the garbage made so far and leave the rest out of the cyclic garbage
    collector's later runs, which would otherwise walk all of it again and again (5 to 13 % of the CPU of a
    batch of generated deals). A draft allocates in bursts and frees nearly all of it by reference counting,
    so the collector then runs less often, as impact's workers do (with the default thresholds it ran about
    five times a deal, 2-3 ms of a deal's ~60 ms; cycles are still collected)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


_WORKER = {"first deal": False}  # set in a batch's worker processes until their first deal is drafted


def _worker_started() -> None:
    _WORKER["first deal"] = True
    hold()  # a worker lives for one batch


def _outputs_of(path: Path, *, out_dir: Path, formats: tuple[str, ...], library: Path | None,
                library_rev: str | None, notes: bool = True) -> tuple[Outputs | tuple[Problem, ...], list[str]]:
    """A deal's files as bytes, or the problems that stop it, and the libraries used (run in a worker process)."""
    from termsmith.pipeline import draft_outputs

    try:
        return draft_outputs(path, out_dir, formats, library, library_rev, notes)[1], libraries_used()
    except TermsmithError as exc:
        return tuple(exc.problems), libraries_used()
    finally:
        if _WORKER["first deal"]:
            _WORKER["first deal"] = False
            settle()


def _written(path: Path, done: Outputs | tuple[Problem, ...], out_dir: Path, first: dict[str, Path],
             force: bool) -> BatchOutcome:
    if not isinstance(done, Outputs):
        return BatchOutcome(path, problems=done)
    if done.stem in first:
        return BatchOutcome(path, problems=(Problem(
            file=str(path), path="deal.id",
            message=f"'{done.stem}' is also the id of {first[done.stem]}, drafted in the same batch; "
                    "their files would overwrite each other"),))
    first[done.stem] = path
    try:
        return BatchOutcome(path, written=tuple(write_draft(out_dir, done, force=force, inputs=(path,))))
    except TermsmithError as exc:
        return BatchOutcome(path, problems=tuple(exc.problems))
