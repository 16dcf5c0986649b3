"""The library façade the CLI and tests call: each function runs the pipeline stages in order."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from termsmith import __version__
from termsmith.deal import Deal
from termsmith.document import ClauseVersion, Draft, Provenance
from termsmith.errors import InputError, LibraryError, Problem, TermsmithError
from termsmith.library import Library, load_library
from termsmith.load import Loaded, load_file
from termsmith.select import Selection, select

DEFAULT_FORMATS = ("docx", "md")


@dataclass(frozen=True)
class CheckResult:
    deal: Deal
    path: Path


@dataclass(frozen=True)
class DraftResult:
    deal_path: Path
    draft: Draft
    written: tuple[Path, ...]


@dataclass(frozen=True)
class Explanation:
    deal: Deal
    library: Library
    selection: Selection


@dataclass(frozen=True)
class BatchOutcome:
    """One deal of a batch: its written files, or the problems that stopped it."""

    deal_path: Path
    written: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


# ── stages, wired ──────────────────────────────────────────────────────────────────────────
def load_deal(deal_path: Path) -> tuple[Deal, Loaded]:
    from termsmith.validate import validate

    loaded = load_file(Path(deal_path))
    return validate(loaded), loaded


_LIBRARIES: dict[tuple, Library] = {}


def _fingerprint(root: Path) -> tuple:
    entries = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            st = os.stat(os.path.join(dirpath, name))
            entries.append((dirpath, name, st.st_mtime_ns, st.st_size))
    return tuple(sorted(entries))


def open_library(library: Path | None = None, rev: str | None = None) -> Library:
    """The clause library at a folder (default: the bundled one), optionally as it was at a git revision.

    Loaded libraries are cached per process (templates compile once), keyed by their files' stamps.
    """
    from termsmith import gitstore
    from termsmith.library import library_from_files
    from termsmith.resources import default_library

    root = Path(library) if library else default_library()
    if rev is not None:
        repo = gitstore.repo_root(root if root.is_dir() else root.parent)
        if repo is None:
            raise LibraryError(Problem(file=str(root), message="--library-rev needs a clause library inside a git repository"))
        commit = gitstore.resolve(repo, rev)
        key = ("rev", str(repo), commit, str(root.resolve()))
        if key not in _LIBRARIES:
            subdir = root.resolve().relative_to(repo.resolve()).as_posix()
            files = gitstore.read_tree(repo, commit, "" if subdir == "." else subdir)
            _LIBRARIES[key] = library_from_files(files, f"{rev}:{subdir}", commit=commit)
        return _LIBRARIES[key]
    if not root.is_dir():
        raise LibraryError(Problem(file=str(root), message="clause library folder not found"))
    key = ("dir", str(root.resolve()), _fingerprint(root))
    if key not in _LIBRARIES:
        lib = load_library(root)
        _LIBRARIES.clear()  # keep one folder library per process: batches reuse it, edits replace it
        _LIBRARIES[key] = Library(root=lib.root, manifest=lib.manifest, clauses=lib.clauses,
                                  changelog=lib.changelog, commit=gitstore.library_commit(root))
    return _LIBRARIES[key]


def _check_requirement(deal: Deal, loaded: Loaded, library: Library) -> None:
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    wanted = deal.library.require
    if wanted and Version(library.version) not in SpecifierSet(wanted):
        raise InputError(loaded.source.problem(
            ("library", "require"),
            f"the deal needs clause library {wanted}, but {library.manifest.name} is version {library.version}",
            code="library-version",
        ))


def _context(deal: Deal, library: Library) -> dict:
    from termsmith.templating import deal_context

    return deal_context(deal, library.manifest.house_style.numbers)


# ── public API ─────────────────────────────────────────────────────────────────────────────
def check(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None) -> CheckResult:
    """Validate a deal file (structure and business rules) and that the library can draft it."""
    deal, loaded = load_deal(deal_path)
    lib = open_library(library, library_rev)
    _check_requirement(deal, loaded, lib)
    compose_draft(deal, loaded, lib)
    return CheckResult(deal, Path(deal_path))


def explain(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None) -> Explanation:
    """Which clauses a deal gets, at which version, and the fields that decided each."""
    deal, loaded = load_deal(deal_path)
    lib = open_library(library, library_rev)
    _check_requirement(deal, loaded, lib)
    return Explanation(deal, lib, select(lib, _context(deal, lib), explain=True))


def compose_draft(deal: Deal, loaded: Loaded, library: Library) -> Draft:
    from termsmith.compose import compose

    context = _context(deal, library)
    selection = select(library, context)
    provenance = Provenance(
        termsmith_version=__version__,
        deal_id=deal.deal.id,
        deal_file=Path(loaded.source.file).name,
        deal_sha256=hashlib.sha256(loaded.raw).hexdigest(),
        library_name=library.manifest.name,
        library_version=library.version,
        library_owner=library.manifest.owner,
        library_commit=library.commit,
        clauses=tuple(ClauseVersion(c.id, c.version) for c in selection.clauses),
    )
    return compose(deal, library, selection, context, provenance)


def build(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None) -> Draft:
    """Load, validate, select and compose: the Draft of a deal file, nothing written."""
    deal, loaded = load_deal(deal_path)
    lib = open_library(library, library_rev)
    _check_requirement(deal, loaded, lib)
    return compose_draft(deal, loaded, lib)


def draft(deal_path: Path, out_dir: Path, *, formats: Sequence[str] = DEFAULT_FORMATS,
          library: Path | None = None, library_rev: str | None = None, force: bool = False) -> DraftResult:
    """Draft one deal into out_dir: <deal.id>.docx, <deal.id>.md and <deal.id>.manifest.json."""
    from termsmith.manifest import MANIFEST_SUFFIX, manifest_json
    from termsmith.render import render
    from termsmith.write import check_not_edited, sha256, write_outputs

    formats = tuple(dict.fromkeys(formats))
    the_draft = build(deal_path, library=library, library_rev=library_rev)
    out_dir = Path(out_dir)
    stem = the_draft.deal_id
    names = {fmt: f"{stem}.{fmt}" for fmt in formats}
    if not force:
        check_not_edited(out_dir, stem, list(names.values()))
    rendered = render(the_draft, formats)
    files = {names[fmt]: data for fmt, data in rendered.items()}
    manifest = manifest_json(the_draft.provenance, {name: sha256(data) for name, data in files.items()})
    written = write_outputs(out_dir, files, stem + MANIFEST_SUFFIX, manifest)
    return DraftResult(Path(deal_path), the_draft, tuple(written))


def draft_many(paths: Sequence[Path], out_dir: Path, *, jobs: int = 1,
               on_progress: Callable[[BatchOutcome], None] | None = None, **kw) -> list[BatchOutcome]:
    """Draft several deals; one bad deal never stops the others. Outcomes are in input order.

    With jobs > 1 the deals are drafted in that many processes, each loading the library once.
    """
    paths = [Path(p) for p in paths]
    outcomes: list[BatchOutcome | None] = list(_clashing_ids(paths))
    todo = [i for i, outcome in enumerate(outcomes) if outcome is None]
    for i, outcome in enumerate(outcomes):
        if outcome is not None and on_progress:
            on_progress(outcome)
    if jobs <= 1 or len(todo) <= 1:
        for i in todo:
            outcomes[i] = _draft_one(paths[i], out_dir, kw)
            if on_progress:
                on_progress(outcomes[i])
        return outcomes
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_draft_one, paths[i], out_dir, kw): i for i in todo}
        for future in as_completed(futures):
            outcomes[futures[future]] = future.result()
            if on_progress:
                on_progress(outcomes[futures[future]])
    return outcomes


def _clashing_ids(paths: list[Path]) -> list[BatchOutcome | None]:
    """A failed outcome for each deal whose id (and so output names) an earlier deal of the batch already uses."""
    first: dict[str, Path] = {}
    out: list[BatchOutcome | None] = []
    for path in paths:
        try:
            data = load_file(path).data
        except TermsmithError:
            out.append(None)  # drafting reports it properly
            continue
        deal_id = data.get("deal", {}).get("id") if isinstance(data, dict) and isinstance(data.get("deal"), dict) else None
        if isinstance(deal_id, str) and deal_id in first:
            out.append(BatchOutcome(path, problems=(Problem(
                file=str(path), path="deal.id",
                message=f"'{deal_id}' is also the id of {first[deal_id]}, drafted in the same batch; "
                        "their files would overwrite each other"),)))
            continue
        if isinstance(deal_id, str):
            first[deal_id] = path
        out.append(None)
    return out


def _draft_one(path: Path, out_dir: Path, kw: dict) -> BatchOutcome:
    try:
        result = draft(path, out_dir, **kw)
    except TermsmithError as exc:
        return BatchOutcome(path, problems=tuple(exc.problems))
    return BatchOutcome(path, written=result.written)


def schema() -> dict:
    from termsmith.schema import deal_schema

    return deal_schema()
