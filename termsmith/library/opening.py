"""Opening a clause library: a folder as it is now, or as it was at a git revision, loaded once per
process and (for folders) kept on disk for the next process (`library.cache`)."""

from __future__ import annotations

import os
from pathlib import Path

from termsmith.errors import LibraryError, Problem
from termsmith.library import git as gitstore
from termsmith.library.clauses import Library, library_from_files, load_library

# Libraries loaded in this process, by what identifies their contents. Revisions never change, so every
# one asked for stays (a process asks for a handful at most); of folders only the latest is kept: a
# batch reuses it, and an edited folder replaces it.
_REVISIONS: dict[tuple, Library] = {}
_FOLDER: dict[tuple, Library] = {}


def clear() -> None:
    """Forget every library loaded in this process (as a new process would start)."""
    _REVISIONS.clear()
    _FOLDER.clear()


def open_library(library: Path | None = None, rev: str | None = None) -> Library:
    """The clause library at a folder (default: the bundled one), optionally as it was at a git revision.

    A folder is keyed by its files' stamps and the repository's state, so an edit or a commit made since
    (which changes `commit`, not the files) is seen.
    """
    from termsmith.resources import default_library

    root = Path(library) if library else default_library()
    if rev is not None:
        return _at_revision(root, rev)
    if not root.is_dir():
        raise LibraryError(Problem(file=str(root), message="clause library folder not found"))
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
    return _FOLDER[key]


def _folder_key(root: Path) -> tuple:
    return ("dir", str(root.resolve()), _fingerprint(root), gitstore.state(root))


def _at_revision(root: Path, rev: str) -> Library:
    repo = gitstore.repo_root(root if root.is_dir() else root.parent)
    if repo is None:
        raise LibraryError(Problem(file=str(root), message="--library-rev needs a clause library inside a git repository"))
    commit = gitstore.resolve(repo, rev)
    key = (str(repo), commit, str(root.resolve()))
    if key not in _REVISIONS:
        subdir = root.resolve().relative_to(repo.resolve()).as_posix()
        files = gitstore.read_tree(repo, commit, "" if subdir == "." else subdir)
        _REVISIONS[key] = library_from_files(files, f"{rev}:{subdir}", commit=commit)
    return _REVISIONS[key]


def _fingerprint(root: Path) -> tuple:
    entries = []
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]  # git's own files change on every `git status`
        for name in names:
            st = os.stat(os.path.join(dirpath, name))
            entries.append((dirpath, name, st.st_mtime_ns, st.st_size))
    return tuple(sorted(entries))
