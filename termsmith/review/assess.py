"""One deal against two revisions of the clause library (`termsmith impact` decides deal by deal here; impact.py
runs the portfolio). The two revisions are compared once (`library_change`): the clauses whose file differs
and whether library.yaml changed what every draft reads. `assess` then calls a deal unaffected without drafting it
when none of the clauses it selects at either revision changed, and otherwise drafts it at both and compares."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from termsmith.errors import InputError, Problem, TermsmithError
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
_RUNS = iter(range(1, 1 << 62))


def start_run(library: Path | None, change: LibraryChange) -> int:
    """A new run's id: `assess` finds both revisions opened under it, in this process and in the workers it forks
    (`end_run` when the run is over)."""
    run = next(_RUNS)
    _OPENED[run] = _Opened(library, change.base, change.head, change)
    return run


def end_run(run: int) -> None:
    _OPENED.pop(run, None)


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
    from termsmith.library.locate import dating, library_path

    folder = library_path(library)
    commit, ask = dating(folder, lib.commit)
    times: dict[str, int | None] = {}
    files: list[Path] = []

    def commit_time(asked: str) -> int | None:
        if asked not in times:
            times[asked] = ask(asked)
        return times[asked]

    def library_files() -> list[Path]:
        if not files:
            for dirpath, dirs, names in os.walk(folder):
                dirs[:] = [d for d in dirs if d != ".git"]
                files.extend(Path(dirpath, name) for name in names)
        return files

    def at(deal_path: Path | None) -> str:
        try:
            return made.made_at(commit, commit_time,
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
