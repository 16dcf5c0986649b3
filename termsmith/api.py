"""The library façade the CLI and tests call: each function runs the pipeline stages in order."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from termsmith import __version__
from termsmith.draft.document import ClauseVersion, Draft, Provenance
from termsmith.errors import InputError, LibraryError, Problem, TermsmithError
from termsmith.library.clauses import Library, load_library
from termsmith.deal.source import Loaded
from termsmith.draft.select import Selection, select

if TYPE_CHECKING:
    from termsmith.deal.model import Deal

DEFAULT_FORMATS = ("docx", "md")


@dataclass(frozen=True)
class CheckResult:
    deal: Deal
    path: Path
    warnings: tuple[Problem, ...] = ()  # e.g. an override negotiated from an older version of its clause


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
    from termsmith.deal.load import load_file
    from termsmith.deal.validate import validate

    loaded = load_file(Path(deal_path))
    return validate(loaded), loaded


_LIBRARIES: dict[tuple, Library] = {}


def _fingerprint(root: Path) -> tuple:
    entries = []
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]  # git's own files change on every `git status`
        for name in names:
            st = os.lstat(os.path.join(dirpath, name))  # not followed: a dangling editor lock link is normal
            entries.append((dirpath, name, st.st_mtime_ns, st.st_size))
    return tuple(sorted(entries))


def open_library(library: Path | None = None, rev: str | None = None) -> Library:
    """The clause library at a folder (default: the bundled one), optionally as it was at a git revision.

    Loaded libraries are cached per process (templates compile once) and on disk for the next process
    (see `library_cache`), keyed by their files' stamps and the repository's state, so a commit made
    since (which changes `commit`, not the files) is seen.
    """
    from termsmith.library import git as gitstore
    from termsmith.library.clauses import library_from_files
    from termsmith.library.locate import library_path

    root = library_path(library)
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
        return _used(_LIBRARIES[key], root)
    if not root.is_dir():
        raise LibraryError(Problem(file=str(root), message="clause library folder not found"))
    key = ("dir", str(root.resolve()), _fingerprint(root), gitstore.state(root))
    if key not in _LIBRARIES:
        from termsmith.library import cache as library_cache

        lib = library_cache.load(str(root), key)
        if lib is None:
            loaded = load_library(root)
            lib = Library(root=loaded.root, manifest=loaded.manifest, clauses=loaded.clauses,
                          changelog=loaded.changelog, commit=gitstore.library_commit(root))
            library_cache.store(str(root), key, lib)
        _LIBRARIES.clear()  # keep one folder library per process: batches reuse it, edits replace it
        _LIBRARIES[key] = lib
    return _used(_LIBRARIES[key], root)


_USED: dict[str, None] = {}


def _used(lib: Library, root: Path) -> Library:
    from termsmith.library.locate import describe

    _USED.setdefault(describe(lib.manifest.name, lib.version, root, lib.commit), None)
    return lib


def libraries_used() -> list[str]:
    """One line naming each clause library this process has used (name, version, folder or `bundled`, commit),
    in the order first used: the command line prints them so a command never uses a library silently."""
    return list(_USED)


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


def _check_language(deal: Deal, loaded: Loaded) -> None:
    """Dates and numbers are written in the deal's language: it must be one Babel has locale data for
    (the schema only checks its shape, so `xx-XX` would otherwise fail half-way through drafting)."""
    from babel import Locale, UnknownLocaleError

    language = deal.deal.language
    try:
        Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise InputError(loaded.source.problem(
            ("deal", "language"),
            f"no dates and numbers can be written for '{language}': give a language and region such as "
            "en-GB, en-US, de-DE or fr-FR",
            code="language",
        )) from None


def _context(deal: Deal, library: Library) -> dict:
    from termsmith.draft.templating import deal_context

    return deal_context(deal, library.manifest.house_style.numbers)


# ── public API ─────────────────────────────────────────────────────────────────────────────
def _resolve(deal_path: Path, library: Path | None, library_rev: str | None) -> tuple[Deal, Loaded, Library, object]:
    """Deal, its source, the library to draft it with and its lock: a lock beside the deal pins the
    library commit, unless a revision is asked for explicitly. The deal's problems come before the library's."""
    from termsmith.library.lock import library_problems, lock_path, read_lock

    deal, loaded = load_deal(deal_path)
    lock = read_lock(lock_path(deal_path)) if library_rev is None else None
    if lock is not None:
        from termsmith.library.identity import check_source
        from termsmith.library.locate import library_path

        check_source(lock, library_path(library), lock_path(deal_path))
    lib = open_library(library, lock.commit if lock and lock.commit else library_rev)
    if lock is not None and (problems := library_problems(lock, lib, lock_path(deal_path))):
        raise InputError(problems)
    _check_requirement(deal, loaded, lib)
    _check_language(deal, loaded)
    return deal, loaded, lib, lock


def _checked_against_lock(draft: Draft, lock, deal_path: Path) -> Draft:
    from termsmith.library.lock import lock_path, mismatches

    if lock is not None:
        added = {o.id for o in draft.provenance.overrides if o.kind == "added"}  # the deal's own clauses
        clauses = tuple(c for c in draft.provenance.clauses if c.id not in added)
        problems = mismatches(lock, clauses, lock_path(deal_path))
        if problems:
            raise InputError(problems)
    return draft


def check(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None) -> CheckResult:
    """Validate a deal file (structure and business rules) and that the library can draft it."""
    build(deal_path, library=library, library_rev=library_rev)
    deal, _ = load_deal(deal_path)
    return CheckResult(deal, Path(deal_path), tuple(stale_overrides(deal_path, library=library,
                                                                    library_rev=library_rev)))


def stale_overrides(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None) -> list[Problem]:
    """Warnings for the deal's overrides whose clause the library has changed since they were negotiated."""
    from termsmith.draft.overrides import stale_overrides as stale

    deal, loaded = load_deal(deal_path)
    if not deal.overrides:
        return []
    return stale(deal, open_library(library, library_rev), loaded.source)


def explain(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None) -> Explanation:
    """Which clauses a deal gets, at which version, and the fields that decided each."""
    deal, _loaded, lib, _lock = _resolve(deal_path, library, library_rev)
    return Explanation(deal, lib, select(lib, _context(deal, lib), explain=True))


def compose_draft(deal: Deal, loaded: Loaded, library: Library, *, ignore_overrides: bool = False) -> Draft:
    from termsmith.draft.compose import compose

    from termsmith.draft.overrides import apply_overrides

    context = _context(deal, library)
    selection, overridden = select(library, context), ()
    if not ignore_overrides:
        selection, overridden = apply_overrides(selection, library, deal, loaded.source)
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
        overrides=overridden,
    )
    return compose(deal, library, selection, context, provenance)


def build(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None,
          ignore_overrides: bool = False) -> Draft:
    """Load, validate, select and compose: the Draft of a deal file, nothing written (with
    `ignore_overrides`, every clause in the library's own wording)."""
    deal, loaded, lib, lock = _resolve(deal_path, library, library_rev)
    the_draft = _checked_against_lock(compose_draft(deal, loaded, lib, ignore_overrides=ignore_overrides), lock,
                                      deal_path)
    return replace(the_draft, made_at=_made_at(deal_path, library, lib))


def _made_at(deal_path: Path, library: Path | None, lib: Library) -> str:
    """When the draft is made: SOURCE_DATE_EPOCH, else its library commit's date, else its inputs' newest
    modification time (termsmith.draft.made): the same inputs always give the same date."""
    from termsmith.draft import made
    from termsmith.library import git as gitstore
    from termsmith.resources import default_library

    folder = Path(library) if library else default_library()

    def inputs():
        yield Path(deal_path)
        for dirpath, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in names:
                yield Path(dirpath, name)

    try:
        return made.made_at(lib.commit, lambda c: gitstore.commit_time(folder if folder.is_dir() else folder.parent, c),
                            inputs)
    except made.BadEpoch as exc:
        raise InputError(Problem(path=made.SOURCE_DATE_EPOCH, message=str(exc))) from None


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
    manifest = manifest_json(the_draft.provenance, {name: sha256(data) for name, data in files.items()},
                             _inputs(out_dir, deal_path, library, library_rev))
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
    from termsmith.deal.load import load_file

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
    from termsmith.deal.schema import deal_schema

    return deal_schema()


# ── redline ────────────────────────────────────────────────────────────────────────────────
DEAL_SUFFIXES = (".yaml", ".yml", ".json")
WORKTREE = "WORKTREE"  # --to WORKTREE: the library folder as it is now


@dataclass(frozen=True)
class RedlineResult:
    comparison: object  # termsmith.redline.Comparison
    written: tuple[Path, ...]
    notes: tuple[str, ...] = ()  # how a .docx side was read (no manifest, edited since drafted …)


def _inputs(out_dir: Path, deal_path: Path, library: Path | None, library_rev: str | None):
    """What a draft's manifest records to rebuild it: the deal file and library, relative to out_dir."""
    from termsmith.manifest import Inputs
    from termsmith.library.locate import library_path

    return Inputs.relative_to(Path(out_dir), Path(deal_path), library_path(library),
                              library_rev)


def redline(old: Path, new: Path | None, out: Path, *, from_rev: str | None = None, to_rev: str | None = None,
            library: Path | None = None, author: str | None = None, date: str | None = None,
            markdown: Path | bool = True, force: bool = False, overrides: bool = False) -> RedlineResult:
    """Compare OLD and NEW into OUT (.docx with Word revisions) and its CriticMarkup twin.

    OLD and NEW are deal files (drafted with `library` at `from_rev` / `to_rev`; without NEW, OLD is
    drafted at both revisions), drafts rebuilt from their manifest (.manifest.json), or Word documents (.docx,
    compared as they read now, tracked changes accepted). `markdown`: True writes OUT with .md, a path writes
    there, False writes none. An existing output is replaced only when it is an unchanged termsmith redline,
    or with `force`."""
    from termsmith.errors import OutputError
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
    sides = [_redline_side(old, None if from_rev == WORKTREE else from_rev, library, ignore_overrides=overrides),
             _redline_side(new, None if to_rev == WORKTREE else to_rev, library)]
    old_draft, new_draft = _drafts_of(sides)
    when = _revision_date(date, new_draft)
    comparison = compare(old_draft, new_draft, author=author or new_draft.provenance.library_owner or "termsmith",
                         date=when)
    md_path = out.with_suffix(".md") if markdown is True else Path(markdown) if markdown else None
    targets = [out, *([md_path] if md_path else [])]
    for target in targets:
        if target.resolve() in {old.resolve(), new.resolve()}:
            raise OutputError(Problem(file=str(target), message="would overwrite an input; choose another name"))
    _check_replaceable(targets, force)
    rendered = render_redline(comparison, ("docx", "md") if md_path else ("docx",))
    files = {out: rendered["docx"], **({md_path: rendered["md"]} if md_path else {})}
    notes = tuple(n for side in sides if not isinstance(side, Draft) for n in side.notes)
    return RedlineResult(comparison, tuple(write_files(files)), notes)


def _drafts_of(sides: list) -> tuple[Draft, Draft]:
    """Each side's Draft; a document read without its draft takes the parties' short names from the other."""
    from termsmith.review.sides import adopt_parties

    drafts = [side if isinstance(side, Draft) else side.draft for side in sides]
    for k, side in enumerate(sides):
        if not isinstance(side, Draft) and side.base is None:
            drafts[k] = adopt_parties(drafts[k], drafts[1 - k])
    return drafts[0], drafts[1]


def _check_replaceable(targets: list[Path], force: bool) -> None:
    from termsmith.errors import OutputError
    from termsmith.review.sides import replaceable

    for target in targets:
        if not force and not replaceable(target):
            raise OutputError(Problem(file=str(target), code="edited", message=(
                "exists and is not an unchanged termsmith redline (edited since, or not written by termsmith); "
                "not overwritten. Choose another name or re-run with --force")))


def _redline_side(path: Path, rev: str | None, library: Path | None, ignore_overrides: bool = False):
    """A Draft (deal file or manifest), or a review.sides.Side (a Word document as it reads)."""
    from termsmith.manifest import MANIFEST_SUFFIX

    name = path.name.lower()
    if name.endswith((MANIFEST_SUFFIX, ".docx")):
        if rev is not None:
            raise InputError(Problem(file=str(path), message=(
                "--from/--to choose library revisions for deal files; a draft is rebuilt from its manifest")))
        if name.endswith(".docx"):
            from termsmith.review.sides import document_side

            return document_side(path, _rebuild)
        return _rebuild(path)
    if path.suffix.lower() not in DEAL_SUFFIXES:
        raise InputError(Problem(file=str(path), message=(
            "is not a deal file (.yaml, .yml, .json), a draft (.docx) or a manifest (.manifest.json)")))
    if rev is not None:
        from termsmith.library import git as gitstore
        from termsmith.library.locate import library_path

        root = library_path(library)
        if root.exists() and gitstore.repo_root(root if root.is_dir() else root.parent) is None:
            raise LibraryError(Problem(file=str(root), message=(
                "--from/--to need a clause library inside a git repository")))
    return build(path, library=library, library_rev=rev, ignore_overrides=ignore_overrides)


def _rebuild(manifest: Path) -> Draft:
    """The Draft a manifest describes, made again from its deal file and its library commit."""
    from termsmith.errors import GitError
    from termsmith.manifest import read_manifest

    recorded = read_manifest(manifest)
    rev = recorded.exact_commit
    try:
        rebuilt = build(recorded.deal, library=recorded.library, library_rev=rev)
    except (GitError, LibraryError) as exc:
        if rev is None:
            raise
        raise LibraryError(Problem(file=str(manifest), path="library_commit", message=(
            f"cannot rebuild the draft at library commit {rev[:12]} in {recorded.library}: "
            f"{'; '.join(p.message for p in exc.problems)}"))) from None
    versions = {c.id: c.version for c in rebuilt.provenance.clauses}
    if rev is None and versions != recorded.clauses:
        changed = sorted(k for k in versions.keys() | recorded.clauses.keys()
                         if versions.get(k) != recorded.clauses.get(k))
        raise LibraryError(Problem(file=str(manifest), path="clauses", message=(
            f"the draft was made from uncommitted library files that have changed since "
            f"({', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}); compare the deal files instead")))
    return rebuilt


def _revision_date(date: str | None, new: Draft) -> str:
    """The date every revision carries, in UTC: given, or when the new draft is made (reproducible: see
    termsmith.draft.made), never its effective date in the future."""
    import datetime as dt

    if date is None:
        return new.made_at or f"{new.effective_date}T00:00:00Z"
    try:
        when = dt.datetime.fromisoformat(date.strip())
    except ValueError:
        raise InputError(Problem(path="--date", message=(
            f"'{date}' is not a date; give YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+ZZ:ZZ]"))) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ── absorb: a reviewed document back into the deal ─────────────────────────────────────────
@dataclass(frozen=True)
class AbsorbResult:
    plan: object  # termsmith.review.absorb.Plan
    lines: tuple[str, ...]  # the review, by clause (also written as DEAL.review.md)
    written: tuple[Path, ...]
    would_write: tuple[Path, ...]  # with dry_run: what would have been written
    mismatches: tuple[str, ...] = ()  # clauses whose re-draft does not read as the reviewed text


def absorb(document: Path, deal_path: Path, *, dry_run: bool = False, force: bool = False,
           library: Path | None = None, branch: str | None = None) -> AbsorbResult:
    """Write a reviewed draft's changes into its deal file (field values and clause overrides, edited in
    place) and list every change and comment by clause in DEAL.review.md. With `branch`, reworded clauses
    go into the clause files of `library` instead, committed on that new branch for a pull request
    (changes that cannot be made for every deal stay the deal's own wording and are listed)."""
    import tempfile

    from termsmith.review import absorb as review
    from termsmith.review.dealedit import edit_deal
    from termsmith.review.fromdocx import is_termsmith
    from termsmith.review.sides import find_manifest, read
    from termsmith.write import write_files

    document, deal_path = Path(document), Path(deal_path)
    doc = read(document)
    if not is_termsmith(doc):
        raise InputError(Problem(file=str(document), message=(
            "was not made by termsmith (no clause bookmarks): absorb needs a draft termsmith wrote; "
            "`termsmith redline` compares it as text")))
    try:
        raw = deal_path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(file=str(deal_path), message=f"cannot read: {exc.strerror or exc}")) from None
    actual = hashlib.sha256(raw).hexdigest()
    recorded = doc.properties.get("termsmith.deal.sha256", "")
    if recorded != actual and not force:
        why = (f"has changed since {document.name} was drafted from it (sha256 {actual[:12]}…, the document "
               f"records {recorded[:12]}…)") if recorded else f"cannot be matched to {document.name}, which does " \
                                                                "not record the deal it was drafted from"
        raise InputError(Problem(file=str(deal_path), code="deal-changed", message=(
            f"{why}; re-draft and review again, or absorb anyway with --force")))
    manifest = find_manifest(document, doc)
    rev, lib_path = None, library
    if manifest is not None and recorded == actual:
        from termsmith.manifest import read_manifest

        made_from = read_manifest(manifest)
        if made_from.deal.resolve() != deal_path.resolve():
            raise InputError(Problem(file=str(document), message=(
                f"was drafted from {made_from.deal}, not {deal_path}")))
        base = _rebuild(manifest)
        rev, lib_path = made_from.exact_commit, lib_path or made_from.library
    else:
        base = build(deal_path, library=library)
    _deal, loaded = load_deal(deal_path)

    def draft_with_text(text: str) -> Draft:
        with tempfile.TemporaryDirectory() as tmp:
            trial = Path(tmp) / deal_path.name
            trial.write_text(text, encoding="utf-8")
            return build(trial, library=lib_path, library_rev=rev)

    def draft_with(data: dict) -> Draft:
        import json

        return draft_with_text(json.dumps(data, default=str))

    plan = review.plan(doc, base, loaded.data, draft_with)
    library_files: dict[str, bytes] = {}
    repo = None
    if branch is not None:
        if library is None:
            raise InputError(Problem(path="--branch", message="give --library DIR: the clause library to change"))
        repo, library_files = _library_edits(plan, base, Path(library), deal_path, document.name)
    text = raw.decode("utf-8")
    new_text = edit_deal(text, [(path, new) for path, _old, new in plan.fields], plan.overrides) \
        if plan.changed else text
    mismatches: list[str] = []
    if plan.changed:
        try:
            redrafted = draft_with_text(new_text)
        except TermsmithError as exc:
            raise InputError(Problem(file=str(deal_path), message=(
                "absorbing this review would leave a deal that does not draft: "
                + "; ".join(p.message for p in exc.problems)))) from None
        mismatches = review.mismatches(plan, redrafted)
    lines = review.report_lines(plan, document.name, deal_path.name)
    if mismatches:
        lines += ["", "## Re-drafts differently", "", *(f"- {m}" for m in mismatches)]
    review_path = deal_path.with_name(deal_path.stem + ".review.md")
    files = {review_path: ("\n".join(lines) + "\n").encode("utf-8")}
    if new_text != text:
        files[deal_path] = new_text.encode("utf-8")
    if library_files:
        lines += ["", f"## Library branch {branch}", "",
                  *(f"- {name}" for name in sorted(library_files))]
        files[review_path] = ("\n".join(lines) + "\n").encode("utf-8")
    if dry_run:
        return AbsorbResult(plan, tuple(lines), (), tuple(files), tuple(mismatches))
    if library_files:
        from termsmith.library import git as gitstore

        changed = [r for r in plan.clauses if r.action == "library"]
        message = f"Wording from the review of {document.name}\n\n" + "\n".join(
            f"- {r.id}: {r.detail}" for r in changed) + "\n"
        gitstore.commit_on_new_branch(repo, branch, "HEAD", library_files, message)
    return AbsorbResult(plan, tuple(lines), tuple(write_files(files)), (), tuple(mismatches))


def _in_library(root: Path, path: str) -> Path:
    """A clause file's path relative to its library's folder."""
    full = Path(path)
    return full.resolve().relative_to(root) if full.is_absolute() else full


def _library_edits(plan, base: Draft, library: Path, deal_path: Path, document: str):
    """(repository, {path in the repository: new bytes}) for the reviewed clauses whose change lies in their
    clause file's own words; the others stay the deal's own wording, each with the reason."""
    import shutil
    import tempfile

    from termsmith.library import git as gitstore
    from termsmith.review import libedit
    from termsmith.review.fromdocx import plain_text

    root = Path(library).resolve()
    repo = gitstore.repo_root(root)
    if repo is None:
        raise LibraryError(Problem(file=str(root), message="--branch needs a clause library inside a git repository"))
    lib = open_library(root)
    base_clauses = {c.id: c for s in base.sections for c in s.clauses}
    new_clauses = {c.id: c for s in plan.accepted.sections for c in s.clauses}
    edits: dict[str, tuple] = {}
    for r in plan.clauses:
        clause = lib.by_id.get(r.id)
        if r.action != "override" or clause is None:
            continue
        if "title" in plan.overrides[r.id]:
            r.detail += "; not made the standard: a new title is the library's front matter, change it there"
            plan.refused.append(f"{r.heading}: the title changed; not made the standard")
            continue
        source = (root / clause.path).read_text(encoding="utf-8")
        lines = source.split("\n")
        head, body = "\n".join(lines[:clause.body_line - 1]) + "\n", "\n".join(lines[clause.body_line - 1:])
        try:
            new_body = libedit.rewrite_body(body, plain_text(base_clauses[r.id]), plain_text(new_clauses[r.id]))
            version = libedit.bump_minor(clause.version)
            new_source = libedit.rewrite_file(head + body, body, new_body, version,
                                              f"wording from the review of {document}")
        except libedit.NotGeneral as exc:
            r.detail += f"; not made the standard: {exc}"
            plan.refused.append(f"{r.heading}: not made the standard: {exc}")
            continue
        edits[r.id] = (clause, version, new_source)
    if not edits:
        return repo, {}
    with tempfile.TemporaryDirectory() as tmp:  # the edited library drafts the clauses as reviewed
        copy = Path(tmp) / "library"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git"))
        for clause, _version, new_source in edits.values():
            (copy / _in_library(root, clause.path)).write_text(new_source, encoding="utf-8")
        trial_deal = Path(tmp) / deal_path.name
        trial_deal.write_bytes(deal_path.read_bytes())
        redrafted = build(trial_deal, library=copy)
    got = {c.id: c for s in redrafted.sections for c in s.clauses}
    from termsmith.review.absorb import _sig

    files: dict[str, bytes] = {}
    done = []
    for ident, (clause, version, new_source) in edits.items():
        r = next(x for x in plan.clauses if x.id == ident)
        if _sig(got.get(ident)) != _sig(new_clauses[ident]):
            r.detail += "; not made the standard: the rewritten clause file does not draft as reviewed"
            plan.refused.append(f"{r.heading}: not made the standard: it does not draft as reviewed")
            continue
        inside = _in_library(root, clause.path)
        files[(root / inside).relative_to(repo).as_posix()] = new_source.encode("utf-8")
        plan.overrides.pop(ident)
        r.action = "library"
        r.detail = f"into the library's {inside.as_posix()}, version {clause.version} → {version}"
        done.append(f"{ident} {version}: wording from the review of {document}")
    if files:
        new_version = libedit.bump_minor(lib.version)
        manifest = root / "library.yaml"
        files[manifest.relative_to(repo).as_posix()] = libedit.bump_library(
            manifest.read_text(encoding="utf-8"), new_version).encode("utf-8")
        changelog = root / "CHANGELOG.md"
        old_log = changelog.read_text(encoding="utf-8") if changelog.exists() else "# Changelog\n"
        files[changelog.relative_to(repo).as_posix()] = libedit.add_changelog(old_log, new_version, done).encode()
    return repo, files


# ── the clause library: lint, lock, outdated, browse ──────────────────────────────────────
def lint(library: Path | None = None, *, base: str | None = None, library_rev: str | None = None) -> list[Problem]:
    """Findings for a clause library (errors and warnings); with `base`, version discipline since that git revision;
    with `library_rev`, the library as it was at that revision (findings name its files as they are in the folder)."""
    from termsmith.lint import lint as lint_library
    from termsmith.library.locate import describe_folder, library_path

    root = library_path(library)
    if library_rev is None:
        _USED.setdefault(describe_folder(root), None)
        return lint_library(root, base=base)
    import dataclasses
    import tempfile

    from termsmith.library import git as gitstore

    repo = gitstore.repo_root(root)
    if repo is None:
        raise LibraryError(Problem(file=str(root), message="--library-rev needs a clause library inside a git repository"))
    commit = gitstore.resolve(repo, library_rev)
    subdir = root.resolve().relative_to(repo.resolve()).as_posix()
    files = gitstore.read_tree(repo, commit, "" if subdir == "." else subdir)
    with tempfile.TemporaryDirectory(prefix="termsmith-lint-") as tmp:
        for name, data in files.items():
            (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / name).write_bytes(data)
        described = describe_folder(Path(tmp))
        _USED.setdefault(described.replace(f"({tmp}, not in git)", f"({root}, commit {commit[:12]})"), None)
        findings = lint_library(Path(tmp), base=base)
    return [dataclasses.replace(p, file=p.file.replace(tmp, str(root), 1)) if p.file.startswith(tmp) else p
            for p in findings]


def lock(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None, update: bool = False):
    """Write (or with `update`, rewrite) the lock beside a deal from the current library; returns (path, Lock)."""
    from termsmith.library.lock import lock_path, lock_text, make_lock, read_lock
    from termsmith.write import write_files

    from termsmith.library.identity import check_source
    from termsmith.library.locate import library_path

    path = lock_path(deal_path)
    existing = read_lock(path)
    if existing is not None and not update:
        raise InputError(Problem(file=str(path), message="the deal is already locked; use --update to move it "
                                                         "to the current library (see `termsmith outdated`)"))
    deal, loaded = load_deal(deal_path)
    if existing is not None:
        check_source(existing, library_path(library), path)  # --update moves within one library, never to another
    lib = open_library(library, library_rev)
    _check_requirement(deal, loaded, lib)
    _check_language(deal, loaded)
    the_draft = compose_draft(deal, loaded, lib)
    pinned = make_lock(lib, tuple(lib.by_id[c.id] for c in the_draft.provenance.clauses))
    write_files({path: lock_text(pinned).encode("utf-8")})
    return path, pinned


def outdated(deal_path: Path, *, library: Path | None = None, library_rev: str | None = None):
    """(lock, clauses the current library has changed since the lock, library CHANGELOG in between)."""
    from termsmith.library.identity import check_source
    from termsmith.library.locate import library_path
    from termsmith.library.lock import changelog_between, lock_path, outdated as changed, read_lock

    pinned = read_lock(lock_path(deal_path))
    if pinned is None:
        raise InputError(Problem(file=str(lock_path(deal_path)), message="no lock file; create one with `termsmith lock DEAL`"))
    deal, _loaded = load_deal(deal_path)
    check_source(pinned, library_path(library), lock_path(deal_path))
    lib = open_library(library, library_rev)
    selected = {c.id for c in select(lib, _context(deal, lib)).clauses}
    return pinned, lib, changed(pinned, lib, selected), changelog_between(lib.changelog, pinned.library_version,
                                                                          lib.version)


# ── key dates and the exit timeline ────────────────────────────────────────────────────────
@dataclass(frozen=True)
class DatesResult:
    timelines: tuple  # termsmith.dates.timeline.Timeline, one per deal, in the order given
    written: tuple[Path, ...]


def dates(deal_paths: Sequence[Path], *, library: Path | None = None, library_rev: str | None = None,
          until=None, notice_on=None, terminate_on=None, ics: Path | None = None,
          remind: Sequence[int] = (30,)) -> DatesResult:
    """The dates each deal's agreement creates (and its exit timeline), optionally written as one calendar.
    Every deal is checked first: one bad deal (or a refused notice date) writes nothing."""
    from termsmith.dates.timeline import timeline
    from termsmith.draft.compose import number_targets

    timelines, problems = [], []
    for path in deal_paths:
        try:
            deal, _loaded, lib, _lock = _resolve(path, library, library_rev)
            selection = select(lib, _context(deal, lib))
            timelines.append(timeline(deal, selection, number_targets(selection), until=until,
                                      notice_on=notice_on, terminate_on=terminate_on))
        except TermsmithError as exc:
            problems.extend(Problem(**{**p.__dict__, "file": p.file or str(path)}) for p in exc.problems)
    if problems:
        raise InputError(problems)
    written: tuple[Path, ...] = ()
    if ics is not None:
        from termsmith.dates.ics import calendar_bytes
        from termsmith.errors import OutputError
        from termsmith.write import write_files

        if Path(ics).resolve() in {Path(p).resolve() for p in deal_paths}:
            raise OutputError(Problem(file=str(ics), message="would overwrite a deal file; choose another name"))
        written = tuple(write_files({Path(ics): calendar_bytes(timelines, remind)}))
    return DatesResult(tuple(timelines), written)
