"""What a change to the clause library does to a portfolio of deals (`termsmith impact`).

Deciding is cheap and comes first. The two library revisions are compared once: the clauses whose file
differs (front matter or text; added or removed), and whether `library.yaml` changed what every draft
depends on (sections, their order and titles, house style). A deal is then unaffected when none of the
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
import dataclasses
import functools
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from termsmith.errors import InputError, OutputError, Problem, TermsmithError
from termsmith.library.clauses import MANIFEST, Library, Manifest
from termsmith.review.wordcount import word_counts

WORKTREE = "WORKTREE"  # --head WORKTREE (the default): the library folder as it is now
REPORT_NAME = "impact.json"


# ── the library change ─────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class LibraryChange:
    """What differs between the two revisions of the library, as far as drafting can tell."""

    base: Library
    head: Library
    clauses: tuple[str, ...]  # ids of the clauses added, removed or changed, sorted
    everything: str = ""  # why every deal is affected ('' when only `clauses` matter)
    # of `clauses`, those whose only change is their condition (or changelog line): they affect a deal only
    # where they are selected at one revision and not at the other
    conditions_only: tuple[str, ...] = ()

    def path_of(self, clause_id: str) -> str:
        """The clause's file inside the library (`clauses/exit/cure.md`), at head, else at base."""
        lib = self.head if clause_id in self.head.by_id else self.base
        return _inside(lib, lib.by_id[clause_id].path)


def _inside(lib: Library, path: str) -> str:
    return path[len(lib.root) + 1:] if path.startswith(lib.root + "/") else path


# What library.yaml says of the library itself, not of any clause's text: every other key (sections, house style,
# legal systems and their facts, languages, terms, rules, reference rates …) is read while drafting, so a change of
# it may change any deal
_IDENTITY = frozenset({"name", "version", "version_line", "owner"})


def library_change(base: Library, head: Library) -> LibraryChange:
    """The clauses that differ between the revisions, and whether the whole library's layout did."""
    why = [f"its {f.name.replace('_', ' ')}" for f in dataclasses.fields(Manifest)
           if f.name not in _IDENTITY and getattr(base.manifest, f.name) != getattr(head.manifest, f.name)]
    everything = f"{MANIFEST} changed {' and '.join(why)}" if why else ""
    ids = sorted(base.by_id.keys() | head.by_id.keys())
    changed = tuple(i for i in ids if _content(base, i) != _content(head, i))
    conditions_only = tuple(i for i in changed if i in base.by_id and i in head.by_id
                            and _content(base, i, text_only=True) == _content(head, i, text_only=True))
    return LibraryChange(base, head, changed, everything, conditions_only)


def _content(lib: Library, clause_id: str, text_only: bool = False) -> object:
    """What a clause's text in a draft is made from (with `text_only`, leaving out what decides whether it is
    in the draft, and its changelog line, which no draft prints)."""
    clause = lib.by_id.get(clause_id)
    if clause is None:
        return None
    meta = clause.meta.model_dump(exclude={"when", "changelog"}) if text_only else clause.meta
    return (meta, clause.body)


# ── one deal ───────────────────────────────────────────────────────────────────────────────
FROM_FILE = "file"  # a DealSource side read from the deal file in the working tree
SIDES = ("base", "head")


@dataclass(frozen=True)
class DealSource:
    """Where a deal, and the lock file beside it, are read at each revision: their bytes from git, the
    working-tree file (FROM_FILE), or None when the revision does not have it."""

    path: Path
    base: bytes | str | None = FROM_FILE
    head: bytes | str | None = FROM_FILE
    base_lock: bytes | str | None = FROM_FILE
    head_lock: bytes | str | None = FROM_FILE


@dataclass(frozen=True)
class Plan:
    """What every deal is assessed against (sent to worker processes: plain values only)."""

    library: Path | None
    base: str
    head: str | None  # None: the library folder as it is
    changed: tuple[str, ...]
    everything: str
    ignore_locks: bool
    conditions_only: tuple[str, ...] = ()
    author: str | None = None
    run: int = 0  # which run's opened libraries (`_OPENED`) a forked worker finds

    def revision(self, side: str) -> str:
        return self.base if side == "base" else self.head or WORKTREE


@dataclass(frozen=True)
class Assessment:
    """One deal, decided and (when affected) compared; the redline as bytes, written by the caller."""

    deal: Path
    state: str  # unaffected | locked | unchanged | changed | new | removed | failed
    deal_id: str = ""
    causes: tuple[str, ...] = ()  # the changed library clauses this deal selects at either revision
    clauses: tuple[str, ...] = ()  # the clauses whose text changed in the draft, in document order
    words_added: int = 0
    words_removed: int = 0
    summary: tuple[str, ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)  # 'docx' / 'md' → bytes
    problems: tuple[Problem, ...] = ()
    failed_at: str = ""  # 'base', 'head' or 'both' (or 'output', set by the caller)
    deal_changed: bool = False  # the deal file itself differs between the revisions


@dataclass(frozen=True)
class _Change:
    """Of a pair of libraries a deal is drafted with: the clauses that differ, and why every deal is affected."""

    clauses: tuple[str, ...]
    everything: str
    conditions_only: tuple[str, ...]


class _Opened:
    """The two libraries of a run and when a draft made with each is dated, opened once per run: worker
    processes are forked with it, so no deal repeats per-library work (git, folder walks, compiling). The
    libraries locks pin are opened here too, once per process and lock."""

    def __init__(self, library: Path | None, base: Library, head: Library,
                 change: LibraryChange | None = None) -> None:
        self.library = library
        self.libraries = {"base": base, "head": head}
        self._made: dict[int, Callable[[Path | None], str]] = {}
        for lib in (base, head):
            self._made_with(lib)
        self._changes: dict[tuple[int, int], _Change] = {}
        if change is not None:
            self._changes[id(base), id(head)] = _Change(change.clauses, change.everything, change.conditions_only)
        self._locks: dict[tuple[bytes, str], tuple | TermsmithError] = {}
        self._same: dict[tuple[int, int], bool] = {}

    def _made_with(self, lib: Library) -> Callable[[Path | None], str]:
        if id(lib) not in self._made:
            self._made[id(lib)] = _made_at(self.library, lib)
        return self._made[id(lib)]

    def made_at(self, lib: Library, deal_path: Path | None) -> str:
        return self._made_with(lib)(deal_path)

    def same_manifest(self, libs: dict[str, Library]) -> bool:
        """Whether the libraries' `library.yaml` are the same (then a deal's names are too)."""
        key = (id(libs["base"]), id(libs["head"]))
        if key not in self._same:
            self._same[key] = libs["base"] is libs["head"] or libs["base"].manifest == libs["head"].manifest
        return self._same[key]

    def change(self, base: Library, head: Library) -> _Change:
        key = (id(base), id(head))
        if key not in self._changes:
            found = library_change(base, head)
            self._changes[key] = _Change(found.clauses, found.everything, found.conditions_only)
        return self._changes[key]

    def locked(self, raw: bytes, side: str, where: Path) -> tuple:
        """(Lock, the library it pins) for the lock file `where` with the contents `raw`, at `side`: the library
        at the lock's commit (the run's own when it is that commit), or for a lock without a commit, the
        side's library, its pinned clauses checked."""
        key = (raw, side)
        if key not in self._locks:
            try:
                self._locks[key] = self._open_locked(raw, side, where)
            except TermsmithError as exc:
                self._locks[key] = exc
        found = self._locks[key]
        if isinstance(found, TermsmithError):
            raise found
        return found

    def _open_locked(self, raw: bytes, side: str, where: Path) -> tuple:
        from termsmith.library.identity import check_source
        from termsmith.library.locate import library_path
        from termsmith.library.lock import library_problems, parse_lock
        from termsmith.library.opening import open_library

        lock = parse_lock(raw, where)
        check_source(lock, library_path(self.library), where)
        if not lock.commit:
            lib = self.libraries[side]
        else:
            lib = next((own for own in self.libraries.values() if own.commit == lock.commit), None)
            lib = lib or open_library(self.library, lock.commit)
        problems = library_problems(lock, lib, where)
        if problems:
            raise InputError(problems)
        return lock, lib


_OPENED: dict[int, _Opened] = {}


def _opened(plan: Plan) -> _Opened:
    found = _OPENED.get(plan.run)
    if found is None:  # a worker process that was not forked from the run's process
        from termsmith.library.opening import open_library

        found = _OPENED[plan.run] = _Opened(plan.library, open_library(plan.library, plan.base),
                                            open_library(plan.library, plan.head))
    return found


def _made_at(library: Path | None, lib: Library) -> Callable[[Path | None], str]:
    """When a draft of a deal with `lib` is made (`draft.made`: SOURCE_DATE_EPOCH, the library commit's date,
    else the newest of the deal file and the library's files), asking git and walking the folder once."""
    from termsmith.draft import made
    from termsmith.library import git as gitstore
    from termsmith.library.locate import library_path

    folder = library_path(library)
    cwd = folder if folder.is_dir() else folder.parent
    times: dict[str, int | None] = {}
    files: list[Path] = []

    def commit_time(commit: str) -> int | None:
        if commit not in times:
            times[commit] = gitstore.commit_time(cwd, commit)
        return times[commit]

    def library_files() -> list[Path]:
        if not files:
            for dirpath, dirs, names in os.walk(folder):
                dirs[:] = [d for d in dirs if d != ".git"]
                files.extend(Path(dirpath, name) for name in names)
        return files

    def at(deal_path: Path | None) -> str:
        try:
            return made.made_at(lib.commit, commit_time,
                                lambda: [*([Path(deal_path)] if deal_path else []), *library_files()])
        except made.BadEpoch as exc:
            raise InputError(Problem(path=made.SOURCE_DATE_EPOCH, message=str(exc))) from None

    at(None)  # ask git (or walk the folder) now, before worker processes are forked
    return at


def assess(source: DealSource | Path, plan: Plan) -> Assessment:
    """Decide whether the library change (or the deal's own change) can touch this deal; if it can, draft it at
    both revisions and compare.

    A lock pins the library a deal is drafted with, not the deal: a deal whose file and lock are the same at
    both revisions is left alone (`locked`, unless locks are ignored); one whose file (or lock) changed is
    drafted at each revision with the library its lock pins there."""
    from termsmith.library.lock import lock_path
    from termsmith.pipeline import checked_context

    if not isinstance(source, DealSource):
        source = DealSource(Path(source))
    path = source.path
    raw = _read(source)
    locks = dict.fromkeys(SIDES) if plan.ignore_locks else _read_locks(source)
    opened = _opened(plan)
    if (any(isinstance(lock, bytes) for lock in locks.values()) and locks["base"] == locks["head"]
            and raw["base"] == raw["head"]):
        try:  # left alone only when its lock holds: one pinning a commit the repository lacks stops every draft
            opened.locked(locks["base"], "base", lock_path(path))
        except TermsmithError as exc:
            return _failed(path, "", (), {"base": _located(exc, lock_path(path)),
                                          "head": _located(exc, lock_path(path))}, plan)
        return Assessment(path, "locked")
    libs = dict(opened.libraries)
    pinned: dict[str, object] = {}  # side → the Lock the deal is drafted under there
    problems: dict[str, tuple[Problem, ...]] = {}
    for side in SIDES:
        lock = locks[side]
        if lock is None or raw[side] is None:
            continue
        try:
            if isinstance(lock, TermsmithError):
                raise lock
            pinned[side], libs[side] = opened.locked(lock, side, lock_path(path))
        except TermsmithError as exc:
            problems[side] = _located(exc, lock_path(path))
    deals: dict[str, tuple] = {}
    names: dict[str, dict] = {}  # the names each revision's conditions see
    validated: dict[bytes, tuple | TermsmithError] = {}  # each content validated once
    for side in SIDES:
        data = raw[side]
        if data is None or side in problems:
            continue
        got = data if isinstance(data, TermsmithError) else _validated(data, path, validated)
        if isinstance(got, TermsmithError):
            problems[side] = _located(got, path)
            continue
        try:
            if side == "head" and "base" in names and got is deals["base"] and opened.same_manifest(libs):
                names[side] = names["base"]  # what the conditions see comes from the deal and library.yaml
            else:
                names[side] = checked_context(*got, libs[side])
        except TermsmithError as exc:
            problems[side] = _located(exc, path)
            continue
        deals[side] = got
    deal_id = next((d.deal.id for d, _ in deals.values()), "")
    if problems:
        return _failed(path, deal_id, (), problems, plan)
    if "base" not in deals or "head" not in deals:  # the deal is new, or gone, at head
        return _one_side(path, deal_id, deals, libs, pinned, opened, plan)
    same = raw["base"] == raw["head"]
    change = opened.change(libs["base"], libs["head"])
    if change.everything:
        causes = change.clauses
    else:
        causes = tuple(cid for cid in change.clauses
                       if _affects(cid, _selects(libs["base"], cid, names["base"]),
                                   _selects(libs["head"], cid, names["head"]), change))
        if same and not causes:
            return Assessment(path, "unaffected", deal_id)
    drafts = {}
    for side in SIDES:
        try:
            drafts[side] = _draft(*deals[side], libs[side], path, opened.made_at(libs[side], path), pinned.get(side))
        except TermsmithError as exc:
            problems[side] = _located(exc, path)
    if problems:
        return _failed(path, deal_id, causes, problems, plan)
    return _compared(path, deal_id, causes, drafts["base"], drafts["head"], plan, deal_changed=not same)


def _read(source: DealSource) -> dict[str, bytes | TermsmithError | None]:
    """The deal's bytes at each revision (the working-tree file read once), or why they cannot be read."""
    from termsmith.deal.load import MAX_BYTES
    from termsmith.inputs import read_regular

    file: bytes | TermsmithError | None = None
    out = {}
    for side in SIDES:
        got = getattr(source, side)
        if got == FROM_FILE:
            if file is None:
                try:
                    file = read_regular(source.path, MAX_BYTES, "deal file")
                except TermsmithError as exc:
                    file = exc
            got = file
        out[side] = got
    return out


def _read_locks(source: DealSource) -> dict[str, bytes | TermsmithError | None]:
    """The bytes of the deal's lock file at each revision (None where it has none), or why they cannot be read."""
    from termsmith.deal.load import MAX_BYTES
    from termsmith.inputs import read_regular
    from termsmith.library.lock import lock_path

    unread = object()
    file: object = unread
    out = {}
    for side in SIDES:
        got = getattr(source, f"{side}_lock")
        if got == FROM_FILE:
            if file is unread:
                where = lock_path(source.path)
                try:
                    file = read_regular(where, MAX_BYTES, "lock file") if os.path.lexists(where) else None
                except TermsmithError as exc:
                    file = exc
            got = file
        out[side] = got
    return out


def _validated(data: bytes, path: Path, seen: dict) -> tuple | TermsmithError:
    """(Deal, Loaded) of a deal file's contents, validated once per content."""
    from termsmith.deal.load import load_bytes
    from termsmith.deal.validate import validate

    if data not in seen:
        try:
            loaded = load_bytes(data, str(path))
            seen[data] = (validate(loaded), loaded)
        except TermsmithError as exc:
            seen[data] = exc
    return seen[data]


def _failed(path: Path, deal_id: str, causes: tuple[str, ...], problems: dict[str, tuple[Problem, ...]],
            plan: Plan) -> Assessment:
    """A deal that cannot be drafted at one revision or both. A problem of one revision only says which, and
    one located in another file (a clause) names the deal it stops."""
    both = problems.keys() == set(SIDES) and problems["base"] == problems["head"]
    sides = {"both": problems["base"]} if both else problems

    def labelled(p: Problem, side: str) -> Problem:
        why = ([f"drafting {path}"] if p.file != str(path) else []) + (
            [f"at {side} {plan.revision(side)}"] if side != "both" else [])
        return replace(p, message=f"{p.message} ({', '.join(why)})") if why else p

    listed = tuple(labelled(p, side) for side, ps in sides.items() for p in ps)
    return Assessment(path, "failed", deal_id, causes, problems=listed,
                      failed_at="both" if len(problems) == 2 else next(iter(problems)))


def _one_side(path: Path, deal_id: str, deals: dict, libs: dict[str, Library], pinned: dict, opened: _Opened,
              plan: Plan) -> Assessment:
    """A deal file that only one revision has: new at head (drafted there, to show it drafts) or removed."""
    if "head" not in deals:
        return Assessment(path, "removed", deal_id, deal_changed=True)
    try:
        _draft(*deals["head"], libs["head"], path, opened.made_at(libs["head"], path), pinned.get("head"))
    except TermsmithError as exc:
        return _failed(path, deal_id, (), {"head": _located(exc, path)}, plan)
    return Assessment(path, "new", deal_id, deal_changed=True)


def _affects(clause_id: str, before: bool, after: bool, change: _Change) -> bool:
    """A changed clause touches a deal that selects it at either revision; one whose only change is its
    condition, a deal whose selection of it changes."""
    return before != after if clause_id in change.conditions_only else before or after


def _selects(lib: Library, clause_id: str, names: dict) -> bool:
    from termsmith.draft.conditions import evaluate, parse_condition

    clause = lib.by_id.get(clause_id)
    if clause is None:
        return False
    when = clause.meta.when
    return when is None or evaluate(parse_condition(when, clause.path), names)


def _draft(deal, loaded, lib: Library, path: Path, made_at: str, lock=None):
    """The deal's Draft with `lib`; under a `lock`, its clause versions and term declarations must be the
    pinned ones (as `termsmith draft` checks)."""
    from termsmith.pipeline import Resolved, compose_resolved

    return replace(compose_resolved(Resolved(path, deal, loaded, lib, lock)), made_at=made_at)


def _compared(path: Path, deal_id: str, causes: tuple[str, ...], old, new, plan: Plan,
              deal_changed: bool = False) -> Assessment:
    from termsmith.review.inputs import revision_date
    from termsmith.review.redline import compare, render_redline, summary_lines

    comparison = compare(old, new, author=plan.author or new.provenance.library_owner or "termsmith",
                         date=revision_date(None, new))
    if comparison.unchanged:
        return Assessment(path, "unchanged", deal_id, causes, deal_changed=deal_changed)
    clauses = tuple(dict.fromkeys(c.id for c in comparison.changes if not c.section))
    added, removed = word_counts(comparison.redline)
    return Assessment(path, "changed", deal_id, causes, clauses, added, removed,
                      tuple(summary_lines(comparison)), render_redline(comparison, ("docx", "md")),
                      deal_changed=deal_changed)


def _located(exc: TermsmithError, path: Path) -> tuple[Problem, ...]:
    return tuple(p if p.file else replace(p, file=str(path)) for p in exc.problems)


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


_RUNS = iter(range(1, 1 << 62))


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
    sources = _sources(_once_each(deals), change, library, head)
    run = next(_RUNS)
    _OPENED[run] = _Opened(library, change.base, change.head, change)
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
        del _OPENED[run]
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


def _sources(paths: list[Path], change: LibraryChange, library: Path | None, head: str | None) -> list[DealSource]:
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
            missing.append(Problem(file=str(p), message="is a folder, not a deal file (give the deal files, "
                                                        f"e.g. {p}/*.yaml)" if p.is_dir() else "deal file not found"))
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
    # the libraries are open in this process already (`_OPENED`): forked workers start with them; small
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
