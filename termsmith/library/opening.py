"""Opening a clause library: a folder as it is now, or as it was at a git revision, loaded once per
process and (for folders) kept on disk for the next process (`library.cache`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from termsmith.errors import LibraryError, Problem
from termsmith.library import git as gitstore
from termsmith.library.clauses import Library, library_from_files, load_library

# Libraries loaded in this process, by what identifies their contents. Revisions never change, so every
# one asked for stays (a process asks for a handful at most); of folders only the latest is kept: a
# batch reuses it, and an edited folder replaces it.
_REVISIONS: dict[tuple, Library] = {}
_FOLDER: dict[tuple, Library] = {}


# While a batch drafts (`held`): the key each library folder had when the batch first opened it. Every deal of
# the batch is drafted with the library as it was then, and the folder is not listed and stamped again for
# each deal (2-3 ms a deal for the bundled library's 230 files).
_HELD: dict[str, tuple] | None = None


def clear() -> None:
    """Forget every library loaded in this process (as a new process would start)."""
    _REVISIONS.clear()
    _FOLDER.clear()


@contextlib.contextmanager
def held() -> Iterator[None]:
    """For the time of a batch: each library folder is checked for changes once, when the batch first opens it,
    so a batch never mixes two states of a library (an edit made meanwhile is seen by the next command)."""
    global _HELD
    outer, _HELD = _HELD, {} if _HELD is None else _HELD
    try:
        yield
    finally:
        _HELD = outer


def hold() -> None:
    """`held` for the rest of this process: a batch's worker process, which lives for one batch."""
    global _HELD
    if _HELD is None:
        _HELD = {}


def open_library(library: Path | None = None, rev: str | None = None) -> Library:
    """The clause library at a folder (default: the bundled one), optionally as it was at a git revision.

    A folder is keyed by its files' stamps and the repository's state, so an edit or a commit made since
    (which changes `commit`, not the files) is seen.
    """
    from termsmith.library.locate import library_path

    root = library_path(library)
    if rev is not None:
        return _used(_at_revision(root, rev), root)
    if not root.is_dir():
        raise LibraryError(Problem(file=str(root), message="clause library folder not found"))
    key = _HELD.get(str(root)) if _HELD is not None else None
    if key is None:
        key = _folder_key(root)
    if key not in _FOLDER:
        from termsmith.library import cache as library_cache

        lib = library_cache.load(str(root), key)
        if lib is None:
            loaded = load_library(root)
            lib = Library(root=loaded.root, manifest=loaded.manifest, clauses=loaded.clauses,
                          changelog=loaded.changelog, commit=gitstore.library_commit(root))
            # asking git for the commit (`git status`) may have rewritten .git/index, which the key
            # records: key the entry as the next process will find the repository, so one edit costs one miss
            key = _folder_key(root)
            library_cache.store(str(root), key, lib)
        _FOLDER.clear()
        _FOLDER[key] = lib
    if _HELD is not None:
        _HELD[str(root)] = key
    return _used(_FOLDER[key], root)


# One line naming each library this process has used, in the order first used (see `libraries_used`).
_USED: dict[str, None] = {}


def _used(lib: Library, root: Path) -> Library:
    from termsmith.library.locate import describe

    note_used([describe(lib.manifest.name, lib.version, root, lib.commit)])
    return lib


def note_used(lines: list[str]) -> None:
    """Record libraries used elsewhere for this process (a batch's workers, lint at a revision)."""
    for line in lines:
        _USED.setdefault(line, None)


def libraries_used() -> list[str]:
    """One line naming each clause library this process has used (name, version, folder or `bundled`, commit),
    in the order first used: the command line prints them so a command never uses a library silently."""
    return list(_USED)


def _folder_key(root: Path) -> tuple:
    return ("dir", str(root.resolve()), _fingerprint(root), gitstore.state(root))


def _at_revision(root: Path, rev: str) -> Library:
    repo = gitstore.repo_root(root if root.is_dir() else root.parent)
    if repo is None:
        raise LibraryError(Problem(file=str(root), message=f"revision '{rev}' needs a clause library inside a git repository"))
    commit = gitstore.resolve(repo, rev)
    key = (str(repo), commit, str(root.resolve()))
    if key not in _REVISIONS:
        subdir = root.resolve().relative_to(repo.resolve()).as_posix()
        files = gitstore.read_tree(repo, commit, "" if subdir == "." else subdir)
        _REVISIONS[key] = library_from_files(files, f"{rev}:{subdir}", commit=commit)
    return _REVISIONS[key]


def _fingerprint(root: Path) -> tuple:
    """(folder, name, mtime, size) of every file under `root` (links to folders are not followed): every draft
    checks its library this way, so a batch does it per deal."""
    entries = []
    folders = [str(root)]
    while folders:
        folder = folders.pop()
        with os.scandir(folder) as found:
            for entry in found:
                if entry.is_dir():  # a link to a folder is neither followed nor stamped (as os.walk does)
                    if entry.name != ".git" and not entry.is_symlink():  # git's own files change on every `git status`
                        folders.append(entry.path)
                    continue
                st = entry.stat(follow_symlinks=False)  # not followed: a dangling editor lock link is normal
                entries.append((folder, entry.name, st.st_mtime_ns, st.st_size))
    return tuple(sorted(entries))
