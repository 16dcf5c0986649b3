"""termsmith's on-disk caches (`$XDG_CACHE_HOME/termsmith`): Jinja's compiled templates (`jinja/`) and
opened clause libraries (`libraries/`, see `library.cache`).

A cache only ever saves time: nothing in it is trusted without its key matching, and a missing or
unwritable cache just means doing the work. Each folder is kept under a size bound (`prune`): the oldest
entries go first, so libraries and templates that are no longer drafted from do not pile up.
"""

from __future__ import annotations

import os
from pathlib import Path

BOUNDS = {"jinja": 32 * 1024 * 1024, "libraries": 64 * 1024 * 1024}  # bytes kept per folder


def cache_home() -> Path | None:
    """The folder of termsmith's caches, or None when TERMSMITH_NO_CACHE is set or it cannot be written."""
    if os.environ.get("TERMSMITH_NO_CACHE"):
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "termsmith"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return base if os.access(base, os.W_OK) else None


def bytecode_cache(stamp: str = ""):
    """Jinja's own on-disk cache of compiled templates, so a new process does not recompile the library
    (or the Markdown twin's template). `stamp` is part of each entry's name: compiled code depends on more
    than its source (whether a filter takes the context is decided when compiling), so code compiled for
    other filters is never loaded."""
    from jinja2 import FileSystemBytecodeCache

    home = cache_home()
    if home is None:
        return None
    try:
        (home / "jinja").mkdir(exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(home / "jinja"), pattern=f"__jinja2_%s{'_' + stamp if stamp else ''}.cache")


def prune(folder: str, bound: int | None = None) -> None:
    """Delete the least recently written entries of a cache folder until it holds at most `bound` bytes.
    Called when an entry is written (a miss), never on a hit."""
    home = cache_home()
    if home is None:
        return
    bound = BOUNDS[folder] if bound is None else bound
    entries = []
    try:
        with os.scandir(home / folder) as found:
            for entry in found:
                if entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    entries.append((st.st_mtime_ns, entry.name, st.st_size, entry.path))
    except OSError:
        return
    total = sum(e[2] for e in entries)
    for _, _, size, path in sorted(entries):
        if total <= bound:
            break
        try:
            os.unlink(path)
            total -= size
        except OSError:
            pass  # another process removed or is replacing it
