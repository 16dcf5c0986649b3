"""Which clause library a command uses, by one rule for every command, and how it is named in the output.

The rule: `--library DIR`, else the `TERMSMITH_LIBRARY` environment variable, else the nearest folder holding
`library.yaml` from the current folder upwards (as git finds `.git`), else the library bundled with termsmith.
So counsel working inside their own library's repository get their library without `--library`, and a
command never silently checks or drafts with a library other than the one it names.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from termsmith.errors import LibraryError, Problem

if TYPE_CHECKING:
    from termsmith.resources import Origin

MANIFEST = "library.yaml"
ENV = "TERMSMITH_LIBRARY"


@dataclass(frozen=True)
class Located:
    path: Path
    how: str  # "--library", "TERMSMITH_LIBRARY", "found" (a library.yaml above the current folder) or "bundled"


def locate(library: Path | str | None = None, *, cwd: Path | None = None,
           environ: dict[str, str] | None = None) -> Located:
    """The clause library folder the rule picks; a given folder that is not a library is an error."""
    if library is not None and str(library) != "":
        return Located(_checked(Path(library), "--library"), "--library")
    environ = os.environ if environ is None else environ
    if environ.get(ENV):
        return Located(_checked(Path(environ[ENV]), ENV), ENV)
    found = nearest(Path.cwd() if cwd is None else cwd)
    if found is not None:
        return Located(found, "found")
    from termsmith.resources import default_library

    return Located(default_library(), "bundled")


def library_path(library: Path | str | None = None) -> Path:
    """`locate(library).path`: the folder to read."""
    return locate(library).path


def nearest(start: Path) -> Path | None:
    """The nearest folder from `start` upwards holding library.yaml, or None."""
    try:
        start = start.resolve()
    except OSError:
        return None
    for folder in (start, *start.parents):
        if (folder / MANIFEST).is_file():
            return folder
    return None


def _checked(path: Path, given_by: str) -> Path:
    origin = "" if given_by == "--library" else f" (from {given_by})"
    if not path.exists():
        raise LibraryError(Problem(file=str(path), message=f"clause library folder not found{origin}"))
    if not path.is_dir():
        raise LibraryError(Problem(file=str(path), message=(
            f"is a file, not a clause library folder{origin}; give the folder that holds {MANIFEST}")))
    if not (path / MANIFEST).is_file():
        below = sorted(p.parent for p in path.glob(f"*/{MANIFEST}"))
        hint = f"; did you mean {below[0]}?" if below else f"; a clause library folder holds {MANIFEST} and clauses/"
        raise LibraryError(Problem(file=str(path), message=f"is not a clause library: no {MANIFEST} in it{origin}{hint}"))
    return path


def describe(name: str, version: str, path: Path | str, commit: str | None) -> str:
    """One line naming a library: `library: NAME VERSION (PATH or bundled, commit ABC123…)`."""
    from termsmith.resources import is_bundled

    where = "bundled" if isinstance(path, Path) and is_bundled(path) else str(path)
    origin = built_from(path) if commit is None and isinstance(path, Path) else None
    if origin is not None:
        state = f"built from commit {origin.commit[:12]}"
    elif commit is None:
        state = "not in git"
    elif commit.endswith("-dirty"):
        state = f"commit {commit[:12]} with uncommitted changes"
    else:
        state = f"commit {commit[:12]}"
    return f"library: {name} {version} ({where}, {state})"


def built_from(path: Path) -> Origin | None:
    """The installed bundled library's origin (`termsmith.resources.Origin`: the commit its wheel was built from
    and that commit's date) when `path` is that library and the build recorded it; else None."""
    from termsmith.resources import bundled_origin, is_bundled

    return bundled_origin() if is_bundled(path) else None


def dating(path: Path, commit: str | None) -> tuple[str | None, Callable[[str], int | None]]:
    """The commit a draft from the library at `path` is dated by (termsmith.draft.made), and how to ask a
    commit's date: git's, or for an installed bundled library the commit and the date its build recorded."""
    origin = built_from(path) if commit is None else None
    if origin is not None:
        return origin.commit, lambda _commit: origin.committed
    from termsmith.library import git as gitstore

    cwd = path if path.is_dir() else path.parent
    return commit, lambda asked: gitstore.commit_time(cwd, asked)


def describe_folder(path: Path) -> str:
    """`describe` for a library folder read only as far as its name and version (for lint, which must name a
    library it may find broken)."""
    from termsmith.library import git as gitstore

    name, version = "?", "?"
    try:
        import yaml

        data = yaml.safe_load((path / MANIFEST).read_text(encoding="utf-8"))
        if isinstance(data, dict):
            name, version = str(data.get("name", "?")), str(data.get("version", "?"))
    except Exception:  # noqa: BLE001 - lint reports what is wrong with it
        pass
    return describe(name, version, path, gitstore.library_commit(path))
