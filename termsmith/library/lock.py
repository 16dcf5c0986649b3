"""The lock file beside a deal: the library commit and clause versions a draft is pinned to."""

from __future__ import annotations

import os

import re
from dataclasses import dataclass, field
from pathlib import Path


from termsmith.errors import InputError, Problem
from termsmith.library.clauses import Clause, Library

LOCK_SUFFIX = ".lock"
_HEADER = """\
# termsmith lock file: the clause library this deal is drafted with.
# `termsmith draft` uses exactly this library commit and these clause versions, so a re-draft
# reproduces the same text after the library has moved on. Review what changed with
# `termsmith outdated DEAL`; move to the current library with `termsmith lock --update DEAL`.
"""


@dataclass(frozen=True)
class Lock:
    library_name: str
    library_version: str
    commit: str | None  # None when the library is not in git (or had uncommitted changes)
    clauses: dict[str, str] = field(default_factory=dict)
    # The library's last commit, also when it had uncommitted changes (then `commit` is None): which history
    # the lock comes from, so that another library of the same name is refused. None outside git.
    descends_from: str | None = None
    # For each library-declared deal term a locked clause reads: its declaration as the lock saw it
    # ("days, default 90"). A lock without a commit still pins what the terms mean and their defaults.
    terms: dict[str, str] = field(default_factory=dict)


def lock_path(deal_path: Path) -> Path:
    """deal.yaml → deal.lock, beside it."""
    return Path(deal_path).with_suffix(LOCK_SUFFIX)


def make_lock(library: Library, clauses: tuple[Clause, ...]) -> Lock:
    commit = library.commit if library.commit and not library.commit.endswith("-dirty") else None
    base = library.commit.removesuffix("-dirty") if library.commit else None
    return Lock(library.manifest.name, library.version, commit, {c.id: c.version for c in clauses}, base,
                term_declarations(library, clauses))


def term_declarations(library: Library, clauses) -> dict[str, str]:
    """name → declaration in words, for each declared term the `clauses` read."""
    from termsmith.library.terms import describe

    declared = dict(library.manifest.terms)
    read = set().union(*(clause.terms for clause in clauses))
    return {name: describe(declared[name]) for name in sorted(read & set(declared))}


def lock_text(lock: Lock) -> str:
    import yaml

    library = {"name": lock.library_name, "version": lock.library_version, "commit": lock.commit}
    if lock.descends_from and lock.descends_from != lock.commit:
        library["descends_from"] = lock.descends_from
    data = {
        "library": library,
        "clauses": dict(sorted(lock.clauses.items())),
    }
    if lock.terms:
        data["terms"] = dict(sorted(lock.terms.items()))
    return _HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def read_lock(path: Path) -> Lock | None:
    """The lock at `path`, None when there is none; a damaged lock is an error naming the file, and so is a
    folder or other non-file where the lock belongs (silently drafting from the current library instead of the
    pinned one would be worse)."""
    if not os.path.lexists(path):
        return None
    from termsmith.deal.load import MAX_BYTES
    from termsmith.inputs import read_regular

    try:
        raw = read_regular(Path(path), MAX_BYTES, "lock file")
    except InputError as exc:
        raise _not_valid(exc) from None
    return parse_lock(raw, path)


def _not_valid(exc: InputError) -> InputError:
    return InputError([Problem(**{**vars(p), "message": f"not a valid lock file ({p.message}); fix it or delete it "
                                                        "and run `termsmith lock`"}) for p in exc.problems])


def parse_lock(raw: bytes, path: Path) -> Lock:
    """The lock in `raw`, the contents of the lock file `path` (read from disk or from git); a damaged lock
    is an error naming the file."""
    from termsmith.deal.load import load_bytes  # the deal file's limits: no aliases, tags or oversized input

    def bad(message: str) -> InputError:
        return InputError(Problem(file=str(path), message=f"{message}; fix it or delete it and run `termsmith lock`"))

    try:
        data = load_bytes(raw, str(path)).data
    except InputError as exc:
        raise _not_valid(exc) from None
    if not isinstance(data, dict) or not isinstance(data.get("library"), dict) or not isinstance(data.get("clauses"), dict):
        raise bad("a lock file has `library` and `clauses` sections")
    lib = data["library"]
    commit = lib.get("commit")
    if commit is not None and not re.fullmatch(r"[0-9a-f]{40}", str(commit)):
        raise bad(f"library.commit '{commit}' is not a git commit id")
    base = lib.get("descends_from", commit)
    if base is not None and not re.fullmatch(r"[0-9a-f]{40}", str(base)):
        raise bad(f"library.descends_from '{base}' is not a git commit id")
    clauses = {str(k): str(v) for k, v in data["clauses"].items()}
    from packaging.version import InvalidVersion, Version  # here, not at the top: a draft without a lock never needs it

    for clause_id, version in clauses.items():
        try:
            Version(version)
        except InvalidVersion:
            raise bad(f"clause {clause_id} has no valid version ('{version}')") from None
    terms = data.get("terms") or {}
    if not isinstance(terms, dict):
        raise bad("terms is a mapping of a term's name to its declaration")
    return Lock(str(lib.get("name", "")), str(lib.get("version", "")), commit, clauses, base,
                {str(k): str(v) for k, v in terms.items()})


def mismatches(lock: Lock, clauses, where: Path) -> list[Problem]:
    """Selected clauses (anything with .id and .version) whose version differs from the one the lock pins."""
    out = []
    for clause in clauses:
        pinned = lock.clauses.get(clause.id)
        if pinned is not None and pinned != clause.version:
            out.append(Problem(
                file=str(where), path=f"clauses.{clause.id}",
                message=f"pins {clause.id} {pinned}, but the library has {clause.version}; "
                        "review with `termsmith outdated`, then run `termsmith lock --update`",
                code="lock",
            ))
    return out


def term_mismatches(lock: Lock, library: Library, where: Path) -> list[Problem]:
    """Deal terms whose declaration the library has changed (or dropped) since the lock was taken: the same
    clause version could then read a different default or accept other values."""
    from termsmith.library.terms import describe

    declared = dict(library.manifest.terms)
    out = []
    for name, pinned in sorted(lock.terms.items()):
        now = describe(declared[name]) if name in declared else None
        if now == pinned:
            continue
        what = "which the library no longer declares" if now is None else f"but the library now declares '{now}'"
        out.append(Problem(file=str(where), path=f"terms.{name}", code="lock", message=(
            f"pins terms.{name} as '{pinned}', {what}; review with `termsmith outdated`, then run "
            "`termsmith lock --update`")))
    return out


def library_problems(lock: Lock, library: Library, where: Path) -> list[Problem]:
    """The library a locked deal is about to be drafted with is not the one the lock was taken from, or
    (a lock without a commit) no longer has a clause the lock pins."""
    if lock.library_name and lock.library_name != library.manifest.name:
        from termsmith.library.identity import other_library

        return [other_library(lock, library.manifest.name, where)]
    if lock.commit is not None:
        return []  # the library at the locked commit has exactly the pinned clauses
    return [Problem(file=str(where), path=f"clauses.{clause_id}", message=(
                f"pins {clause_id} {version}, which the library no longer has; "
                "review with `termsmith outdated`, then run `termsmith lock --update`"), code="lock")
            for clause_id, version in sorted(lock.clauses.items()) if clause_id not in library.by_id]


@dataclass(frozen=True)
class Outdated:
    clause_id: str
    locked: str | None  # None: not in the lock; the current library adds it to this deal
    current: str | None  # None: the clause is no longer in the library, or no longer applies to the deal
    changelog: str
    kind: str = "clause"  # or "term": a deal term whose declaration changed (locked/current are then in words)


def outdated(lock: Lock, library: Library, selected: set[str] | None = None) -> list[Outdated]:
    """What re-locking would change: locked clauses the library has since changed or removed, and (given the
    clause ids the current library selects for the deal) clauses it would add or leave out."""
    from packaging.version import Version

    out = []
    for clause_id, locked in sorted(lock.clauses.items()):
        clause = library.by_id.get(clause_id)
        if clause is None:
            out.append(Outdated(clause_id, locked, None, "removed from the library"))
        elif selected is not None and clause_id not in selected:
            out.append(Outdated(clause_id, locked, None, "no longer applies to this deal"))
        elif Version(clause.version) > Version(locked):
            out.append(Outdated(clause_id, locked, clause.version, clause.meta.changelog))
    for clause_id in sorted((selected or set()) - set(lock.clauses)):
        clause = library.by_id[clause_id]
        out.append(Outdated(clause_id, None, clause.version, f"now applies to this deal: {clause.meta.changelog}"))
    out.extend(_term_changes(lock, library))
    return out


def _term_changes(lock: Lock, library: Library) -> list[Outdated]:
    """Rows for the deal terms whose declaration changed since the lock: `locked` and `current` are the
    declarations in words ('days, default 90')."""
    from termsmith.library.terms import describe

    declared = dict(library.manifest.terms)
    out = []
    for name, pinned in sorted(lock.terms.items()):
        now = describe(declared[name]) if name in declared else None
        if now != pinned:
            out.append(Outdated(f"terms.{name}", pinned, now, "the deal term's declaration changed" if now else
                                "the library no longer declares this deal term", kind="term"))
    return out


def changelog_between(changelog: str, old: str, new: str) -> str:
    """The CHANGELOG.md sections for versions after `old` up to and including `new`."""
    from packaging.version import InvalidVersion, Version

    try:
        low, high = Version(old), Version(new)
    except InvalidVersion:
        return ""
    kept, keep = [], False
    for line in changelog.splitlines():
        heading = re.match(r"^##\s+\[?v?(\d+\.\d+\.\d+)", line)
        if heading:
            keep = low < Version(heading.group(1)) <= high
        if keep:
            kept.append(line)
    return "\n".join(kept).strip()
