"""The library façade the CLI and programs call: each function runs the pipeline's stages in order.

The stages of one deal are in `pipeline`, library opening in `library.opening`, batches in `batch`,
the sides of a redline in `review.inputs`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from termsmith.batch import BatchOutcome
from termsmith.draft.document import AppliedDefault, Draft
from termsmith.draft.select import Selection, select
from termsmith.errors import InputError, Problem
from termsmith.library.clauses import Library
from termsmith.library.opening import libraries_used, open_library
from termsmith.pipeline import build, compose_draft, load_deal
from termsmith.pipeline import context as _context
from termsmith.render import DEFAULT_FORMATS, FORMATS, unknown_formats
from termsmith.review.inputs import DEAL_SUFFIXES, WORKTREE

if TYPE_CHECKING:
    from termsmith.deal.model import Deal
    from termsmith.library.lock import Lock, Outdated
    from termsmith.review.redline import Comparison

__all__ = [
    "DEAL_SUFFIXES", "DEFAULT_FORMATS", "FORMATS", "WORKTREE", "BatchOutcome", "CheckResult", "DraftResult", "Explanation",
    "DatesResult", "LockResult", "OutdatedResult", "RedlineResult", "build", "check", "compose_draft", "dates", "draft", "draft_many",
    "explain", "impact", "libraries_used", "lint", "load_deal", "lock", "open_library", "outdated", "redline", "schema",
    "unknown_formats",
]



@dataclass(frozen=True)
class CheckResult:
    """`check`: the validated deal and what a reviewer should know before drafting it."""

    deal: Deal
    path: Path
    notes: tuple = ()  # Problems that are notes: what a choice in the deal means in the draft
    warnings: tuple[Problem, ...] = ()  # e.g. an override negotiated from an older version of its clause, or
    # a plausibility finding (deal/plausibility.py): the deal drafts, but a reviewer should look
    defaults: tuple[AppliedDefault, ...] = ()  # deal fields the draft reads at their default


@dataclass(frozen=True)
class DraftResult:
    """`draft`: the Draft of a deal and the files written."""

    deal_path: Path
    draft: Draft
    written: tuple[Path, ...]


@dataclass(frozen=True)
class Explanation:
    """`explain`: which clauses a deal selects and why, with the defaults the draft applies."""

    deal: Deal
    library: Library
    selection: Selection
    defaults: tuple[AppliedDefault, ...] = ()  # deal fields the draft reads at their default


@dataclass(frozen=True)
class RedlineResult:
    """`redline`: the comparison of two drafts, the files written and how each .docx side was read."""

    comparison: Comparison
    written: tuple[Path, ...]
    notes: tuple[str, ...] = ()  # how a .docx side was read (no manifest, edited since drafted …)


@dataclass(frozen=True)
class LockResult:
    """The lock written beside a deal."""

    path: Path
    lock: Lock


@dataclass(frozen=True)
class OutdatedResult:
    """A deal's lock against the current library: the clauses changed since, and the CHANGELOG in between."""

    lock: Lock
    library: Library
    changes: list[Outdated]
    changelog: str


# ── drafting ───────────────────────────────────────────────────────────────────────────────
def check(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None) -> CheckResult:
    """Validate a deal file (structure and business rules) and that the library can draft it."""
    from termsmith.deal.notes import notes
    from termsmith.draft.overrides import stale_overrides as stale
    from termsmith.pipeline import compose_resolved, jurisdiction, plausibility_warnings, resolve

    resolved = resolve(deal_path, library, library_rev)
    draft = compose_resolved(resolved)
    system = jurisdiction(resolved.deal, resolved.library, resolved.loaded).system
    facts = dict(system.facts) if system is not None else {}
    warnings = [*stale(resolved.deal, resolved.library, resolved.loaded.source), *plausibility_warnings(resolved)]
    if resolved.deal.deal.status == "final" and draft.defaults:  # an execution copy should rest on agreed terms
        warnings.append(replace(resolved.loaded.source.problem(("deal", "status"), (
            f"the final agreement relies on {len(draft.defaults)} value(s) the deal does not state (listed below as "
            "defaults): set each in the deal, or confirm that it was agreed"), code="final-defaults"), severity="warning"))
    return CheckResult(resolved.deal, Path(deal_path), tuple(notes(resolved.deal, resolved.loaded.source, facts)),
                       tuple(warnings), draft.defaults)


def stale_overrides(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None) -> list[Problem]:
    """Warnings for the deal's overrides whose clause the library has changed since they were negotiated."""
    from termsmith.draft.overrides import stale_overrides as stale
    from termsmith.pipeline import resolve

    resolved = resolve(deal_path, library, library_rev)
    return stale(resolved.deal, resolved.library, resolved.loaded.source)


def explain(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None) -> Explanation:
    """Which clauses a deal gets, at which version, and the fields that decided each."""
    from termsmith.pipeline import compose_draft, resolve

    resolved = resolve(deal_path, library, library_rev)
    defaults = compose_draft(resolved.deal, resolved.loaded, resolved.library).defaults
    return Explanation(resolved.deal, resolved.library,
                       select(resolved.library, _context(resolved.deal, resolved.library, resolved.loaded), explain=True), defaults)


def draft(deal_path: Path, out_dir: Path, *, formats: Sequence[str] = DEFAULT_FORMATS,
          library: Path | None = None, library_rev: str | None = None, force: bool = False,
          notes: bool = True) -> DraftResult:
    """Draft one deal into out_dir: <deal.id>.docx, <deal.id>.md and <deal.id>.manifest.json; `notes`: with
    the notes for the reviewer (Word comments by termsmith, the twin's closing list)."""
    from termsmith.pipeline import draft_outputs
    from termsmith.write import check_output_folder, write_draft

    check_output_folder(Path(out_dir))
    the_draft, outputs = draft_outputs(deal_path, Path(out_dir), tuple(dict.fromkeys(formats)), library, library_rev,
                                       notes)
    written = write_draft(Path(out_dir), outputs, force=force, inputs=(Path(deal_path),))
    return DraftResult(Path(deal_path), the_draft, tuple(written))


def draft_many(paths: Sequence[Path], out_dir: Path, *, jobs: int = 1,
               on_progress: Callable[[BatchOutcome], None] | None = None, formats: Sequence[str] = DEFAULT_FORMATS,
               library: Path | None = None, library_rev: str | None = None,
               force: bool = False, notes: bool = True) -> list[BatchOutcome]:
    """Draft several deals; one bad deal never stops the others. Outcomes are in input order.
    With jobs > 1 the deals are drafted in that many processes, each loading the library once."""
    from termsmith.batch import draft_many as run_batch
    from termsmith.write import check_output_folder

    check_output_folder(Path(out_dir))
    return run_batch(paths, out_dir, formats=tuple(dict.fromkeys(formats)), library=library,
                     library_rev=library_rev, force=force, jobs=jobs, on_progress=on_progress, notes=notes)


def schema(library: Path | None = None, library_rev: str | None = None) -> dict:
    """The JSON Schema of the deal file; given a library, with the deal terms it declares."""
    from termsmith.deal.schema import deal_schema

    if library is None and library_rev is None:
        return deal_schema()
    from termsmith.library.opening import open_library
    from termsmith.library.terms import terms_model

    declared = dict(open_library(library, library_rev).manifest.terms)
    return deal_schema(terms_model(declared) if declared else None)


# ── redline ────────────────────────────────────────────────────────────────────────────────
def redline(old: Path, new: Path | None, out: Path, *, from_rev: str | None = None, to_rev: str | None = None,
            library: Path | None = None, author: str | None = None, date: str | None = None,
            markdown: Path | bool = True, force: bool = False, overrides: bool = False) -> RedlineResult:
    """Compare OLD and NEW into OUT (.docx with Word revisions) and its CriticMarkup twin.

    OLD and NEW are deal files (drafted with `library` at `from_rev` / `to_rev`; without NEW, OLD is
    drafted at both revisions), drafts rebuilt from their manifest (.manifest.json), or Word documents (.docx,
    compared as they read now, tracked changes accepted). `markdown`: True writes OUT with .md, a path writes
    there, False writes none. An existing output is replaced only when it is an unchanged termsmith redline,
    or with `force`. With `overrides`, OLD is one deal drafted without its own clause wording (the library's
    text) and NEW the same deal as drafted."""
    from termsmith.errors import OutputError
    from termsmith.review.inputs import check_replaceable, drafts_of, redline_side, revision_author, revision_date
    from termsmith.review.redline import compare, render_redline
    from termsmith.write import write_files

    old, out = Path(old), Path(out)
    if out.suffix.lower() != ".docx":
        raise OutputError(Problem(file=str(out), message="the redline is a Word document: name it .docx"))
    if overrides:  # the deal's own wording against the library's: OLD drafted without its overrides
        if new is not None or old.suffix.lower() not in DEAL_SUFFIXES:
            raise InputError(Problem(file=str(old), message="--overrides compares one deal file with itself"))
        new, from_rev, to_rev = old, from_rev or WORKTREE, to_rev or WORKTREE
    if new is None and from_rev is None and to_rev is None:
        raise InputError(Problem(file=str(old), message=(
            "give the new deal or draft too, or --from REV (and --to REV) to compare this deal "
            "at two revisions of the library")))
    new = old if new is None else Path(new)
    rebuilt: dict = {}  # a manifest both sides name is rebuilt once
    sides = [redline_side(old, from_rev, library, ignore_overrides=overrides, rebuilt=rebuilt),
             redline_side(new, to_rev, library, rebuilt=rebuilt)]
    old_draft, new_draft = drafts_of(sides)
    comparison = compare(old_draft, new_draft, author=revision_author(author, new_draft),
                         date=revision_date(date, new_draft))
    md_path = out.with_suffix(".md") if markdown is True else Path(markdown) if markdown else None
    targets = [out, *([md_path] if md_path else [])]
    if md_path and md_path.resolve() == out.resolve():
        raise OutputError(Problem(file=str(md_path), message=(
            "the Markdown twin would overwrite the redline itself; give --markdown another name")))
    for target in targets:
        if target.resolve() in {old.resolve(), new.resolve()}:
            raise OutputError(Problem(file=str(target), message="would overwrite an input; choose another name"))
    check_replaceable(targets, force)
    rendered = render_redline(comparison, ("docx", "md") if md_path else ("docx",))
    files = {out: rendered["docx"], **({md_path: rendered["md"]} if md_path else {})}
    notes = tuple(n for side in sides if not isinstance(side, Draft) for n in side.notes)
    return RedlineResult(comparison, tuple(write_files(files)), notes)


# ── impact of a library change on many deals ───────────────────────────────────────────────
def impact(deals: Sequence[Path], *, base: str, head: str | None = None, library: Path | None = None,
           out_dir: Path = Path("impact"), jobs: int = 1, ignore_locks: bool = False,
           on_progress: Callable | None = None):
    """Which of `deals` the library change from `base` to `head` (default: the folder as it is) changes, with a
    redline for each into out_dir (and impact.json); see `termsmith.review.impact`."""
    from termsmith.review.impact import impact as run
    from termsmith.write import check_output_folder

    check_output_folder(Path(out_dir))
    return run(deals, base=base, head=head, library=library, out_dir=out_dir, jobs=jobs,
               ignore_locks=ignore_locks, on_progress=on_progress)


# ── absorb: a reviewed document back into the deal ─────────────────────────────────────────
def absorb(document: Path, deal_path: Path, *, dry_run: bool = False, force: bool = False,
           library: Path | None = None, branch: str | None = None, library_rev: str | None = None):
    """Write a reviewed draft's changes into its deal file (field values and clause overrides, edited in
    place) and list every change and comment by clause in DEAL.review.md; with `branch`, reworded clauses go
    into the clause files of `library` instead, committed on that new branch (see review.absorbing)."""
    from termsmith.review.absorbing import absorb as run

    return run(document, deal_path, dry_run=dry_run, force=force, library=library, branch=branch,
               library_rev=library_rev)


# ── the clause library: lint, lock, outdated ──────────────────────────────────────────────
def libraries_of(paths: Sequence[Path]) -> list[Path]:
    """The clause libraries that folders or files name, in order and once each: a folder is a library (or an
    error); a file belongs to the nearest folder above it holding library.yaml, and a file in none is skipped."""
    import os

    from termsmith.library.locate import library_path, nearest

    roots: dict[Path, None] = {}
    for path in map(Path, paths):
        if path.is_dir():
            roots.setdefault(library_path(path), None)
        elif path.exists() and (found := nearest(path.parent)) is not None:
            roots.setdefault(Path(os.path.relpath(found)) if not path.is_absolute() else found, None)
        elif not path.exists():
            raise InputError(Problem(file=str(path), message="file or folder not found"))
    return list(roots)


def lint(library: Path | None = None, *, base: str | None = None, library_rev: str | None = None) -> list[Problem]:
    """Findings for a clause library (errors and warnings); with `base`, version discipline since that git revision;
    with `library_rev`, the library as it was at that revision (findings name its files as they are in the folder)."""
    from termsmith.library.locate import describe_folder, library_path
    from termsmith.library.opening import note_used
    from termsmith.lint import lint as lint_library
    from termsmith.lint import lint_revision

    root = library_path(library)
    if library_rev is None:
        note_used([describe_folder(root)])
        return lint_library(root, base=base)
    return lint_revision(root, library_rev, base=base)


def lock(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None,
         update: bool = False) -> LockResult:
    """Write (or with `update`, rewrite) the lock beside a deal from the current library."""
    from termsmith.library.identity import check_source
    from termsmith.library.locate import library_path
    from termsmith.library.lock import lock_path, lock_text, make_lock, read_lock
    from termsmith.pipeline import checked_context
    from termsmith.write import write_files

    _not_a_folder(deal_path)
    path = lock_path(deal_path)
    existing = read_lock(path)
    if existing is not None and not update:
        raise InputError(Problem(file=str(path), message="the deal is already locked; use --update to move it "
                                                         "to the current library (see `termsmith outdated`)"))
    deal, loaded = load_deal(deal_path)
    if existing is not None:
        check_source(existing, library_path(library), path)  # --update moves within one library, never to another
    lib = open_library(library, library_rev)
    the_draft = compose_draft(deal, loaded, lib, names=checked_context(deal, loaded, lib))
    pinned = make_lock(lib, tuple(lib.by_id[c.id] for c in the_draft.provenance.clauses))
    write_files({path: lock_text(pinned).encode("utf-8")})
    return LockResult(path, pinned)


def _not_a_folder(deal_path: Path) -> None:
    """A folder given as the deal (`lock .`), refused as reading it would be, before its lock's name is made
    from it: '.', '/' and '' have no name to make one from (ValueError: exit 3), '..' gave '...lock'."""
    try:
        folder = Path(deal_path).is_dir()
    except OSError as exc:  # a name too long for the file system (Path.is_dir raises it in Python 3.11)
        raise InputError(Problem(file=str(deal_path), message=f"cannot read: {exc.strerror or exc}")) from None
    if folder or not Path(deal_path).name:
        raise InputError(Problem(file=str(deal_path), message="is a directory, expected a deal file"))


def outdated(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None) -> OutdatedResult:
    """The clauses of a deal's lock the current library has changed since, and its CHANGELOG in between."""
    from termsmith.library.identity import check_source
    from termsmith.library.locate import library_path
    from termsmith.library.lock import changelog_between, lock_path, outdated as changed, read_lock

    _not_a_folder(deal_path)
    pinned = read_lock(lock_path(deal_path))
    if pinned is None:
        raise InputError(Problem(file=str(lock_path(deal_path)), message="no lock file; create one with `termsmith lock DEAL`"))
    deal, _loaded = load_deal(deal_path)
    check_source(pinned, library_path(library), lock_path(deal_path))
    lib = open_library(library, library_rev)
    selected = {c.id for c in select(lib, _context(deal, lib, _loaded)).clauses}
    return OutdatedResult(pinned, lib, changed(pinned, lib, selected),
                          changelog_between(lib.changelog, pinned.library_version, lib.version))


# ── key dates and the exit timeline ────────────────────────────────────────────────────────
@dataclass(frozen=True)
class DatesResult:
    """`dates`: each deal's timeline and the calendar file written, if any."""

    timelines: tuple  # termsmith.dates.timeline.Timeline, one per deal, in the order given
    written: tuple[Path, ...]

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Every deal's warnings (deadlines before its Effective Date), in the order the deals were given."""
        return tuple(w for t in self.timelines for w in t.warnings)


def dates(deal_paths: Sequence[Path], *, library: Path | None = None, library_rev: str | None = None,
          until=None, notice_on=None, terminate_on=None, non_renewal: bool = False, ics: Path | None = None,
          remind: Sequence[int] = (30,)) -> DatesResult:
    """The dates each deal's agreement creates (and its exit timeline), optionally written as one calendar.
    Every deal is checked first: one bad deal (or a refused notice date) writes nothing."""
    from termsmith.dates.timeline import before_the_start, in_house_style, timeline
    from termsmith.draft.compose import number_targets
    from termsmith.draft.templating import JURISDICTION_KEY
    from termsmith.errors import TermsmithError
    from termsmith.pipeline import resolve

    timelines, problems = [], []
    for path in deal_paths:
        try:
            resolved = resolve(path, library, library_rev)
            names = _context(resolved.deal, resolved.library, resolved.loaded)
            selection = select(resolved.library, names)
            found = timeline(resolved.deal, selection, number_targets(selection), until=until,
                             notice_on=notice_on, terminate_on=terminate_on, non_renewal=non_renewal,
                             terms=names.get("terms"))
            # in the words of the deal's house style, as its draft has them ("Section 15.2" in a US deal)
            found = in_house_style(found, names[JURISDICTION_KEY].restyle.text)
            timelines.append(replace(found, warnings=tuple(before_the_start(found, resolved.deal.term.initial_months,
                                                                             resolved.loaded.source))))
        except TermsmithError as exc:
            problems.extend(Problem(**{**p.__dict__, "file": p.file or str(path)}) for p in exc.problems)
    if problems:
        raise InputError(problems)
    written: tuple[Path, ...] = ()
    if ics is not None:
        from termsmith.dates.ics import calendar_bytes
        from termsmith.errors import OutputError
        from termsmith.library.lock import lock_path
        from termsmith.write import check_calendar_replaceable, write_files

        if Path(ics).resolve() in {Path(p).resolve() for p in deal_paths}:
            raise OutputError(Problem(file=str(ics), message="would overwrite a deal file; choose another name"))
        if Path(ics).resolve() in {lock_path(Path(p)).resolve() for p in deal_paths}:
            raise OutputError(Problem(file=str(ics), message="would overwrite a deal's lock file; choose another name"))
        check_calendar_replaceable(Path(ics))
        written = tuple(write_files({Path(ics): calendar_bytes(timelines, remind)}))
    return DatesResult(tuple(timelines), written)

