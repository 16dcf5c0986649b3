"""A lock's library identity: a lock taken from one clause library refuses another.

A lock records the library's name and the commit it descends from (never a machine path, so the lock works
in every clone). Another library is refused with one line saying which library the lock expects and what to
run; the advice never re-pins the deal to the library at hand by itself (moving a deal to another library
is done on purpose: delete the lock and lock again).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from termsmith.errors import InputError, Problem


class LockLike(Protocol):
    library_name: str
    library_version: str
    commit: str | None
    descends_from: str | None


def expected(lock: LockLike) -> str:
    """How a lock names the library it expects: 'NAME' VERSION at commit ABC."""
    ref = lock.commit or lock.descends_from
    return f"'{lock.library_name}' {lock.library_version}" + (f" at commit {ref[:12]}" if ref else "")


def _advice(where: Path) -> str:
    return (f"give --library the folder of that library (or set TERMSMITH_LIBRARY); to move the deal to this "
            f"library on purpose, delete {where.name} and run `termsmith lock` again")


def other_library(lock: LockLike, name: str, where: Path) -> Problem:
    """The library at hand has another name than the lock's."""
    return Problem(file=str(where), path="library.name", code="lock", message=(
        f"the deal is locked to the library {expected(lock)}, but this library is '{name}'; {_advice(where)}"))


def check_source(lock: LockLike, root: Path, where: Path) -> None:
    """Refuse the library folder `root` when it cannot be the one the lock was taken from: another name, or a
    git repository that does not hold the lock's commit (another history, or a clone lacking it)."""
    from termsmith.library import git as gitstore
    from termsmith.library.locate import MANIFEST

    name = _name(root / MANIFEST)
    if lock.library_name and name is not None and name != lock.library_name:
        raise InputError(other_library(lock, name, where))
    ref = lock.commit or lock.descends_from
    if ref is None:
        return  # a lock taken outside git names the library only
    repo = gitstore.repo_root(root if root.is_dir() else root.parent)
    if repo is None:
        if lock.commit is None:
            return  # pinned versions only: checked clause by clause when drafting
        raise InputError(Problem(file=str(where), path="library.commit", code="lock", message=(
            f"the deal is locked to the library {expected(lock)}, but {root} is not in git, so that commit "
            f"cannot be read from it; {_advice(where)}")))
    if not gitstore.has_commit(repo, ref):
        raise InputError(Problem(file=str(where), path="library.commit", code="lock", message=(
            f"the deal is locked to the library {expected(lock)}, but the repository of {root} does not hold "
            f"that commit (a library of the same name with another history, or a clone without it: `git fetch` "
            f"it there); {_advice(where)}")))


def _name(manifest: Path) -> str | None:
    try:
        import yaml

        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - opening the library reports what is wrong with it
        return None
    return str(data["name"]) if isinstance(data, dict) and data.get("name") else None
