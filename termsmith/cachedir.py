"""termsmith's on-disk caches (`$XDG_CACHE_HOME/termsmith`): Jinja's compiled templates (`jinja/`),
opened clause libraries (`libraries/`, see `library.cache`) and the public holidays of the parties' places
(`holidays/`, see `businessdays`) and the dates of library commits (`git/`, see `library.git`).

A cache only ever saves time: nothing in it is trusted without its key matching, and a missing or
unwritable cache just means doing the work. Each folder is kept under a size bound (`prune`): the entries
least recently used go first, so libraries and templates that are no longer drafted from do not pile up. Pruning reads
every entry's size, so it runs once every few entries written (`written`), not at every write.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

BOUNDS = {"jinja": 32 * 1024 * 1024, "libraries": 64 * 1024 * 1024, "holidays": 4 * 1024 * 1024,
          "git": 1024 * 1024}  # bytes per folder
# Entries written to a folder, by any process, between two prunings. A folder may pass its bound by that many
# entries: compiled templates are a few KiB each (128 of them are under 1 MiB), libraries a MiB or more.
PRUNE_AFTER = {"jinja": 128, "libraries": 1, "holidays": 32, "git": 32}
LEDGER = ".written"  # one byte per entry written since the folder was last pruned
T = TypeVar("T")


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
    other filters is never loaded. An entry loaded is marked used, as the other folders' hits are, so
    pruning keeps the templates of the libraries drafted from over those compiled once and left."""
    from jinja2 import FileSystemBytecodeCache

    class UsedFirst(FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            super().load_bytecode(bucket)
            if bucket.code is not None:
                used(self._get_cache_filename(bucket))

    home = cache_home()
    if home is None:
        return None
    try:
        (home / "jinja").mkdir(exist_ok=True)
    except OSError:
        return None
    return UsedFirst(str(home / "jinja"), pattern=f"__jinja2_%s{'_' + stamp if stamp else ''}.cache")


def written(folder: str) -> None:
    """Note that an entry was written to a cache folder, and prune the folder when `PRUNE_AFTER` entries
    have been written since it was last pruned. The count is kept across processes in the folder's ledger
    (appending one byte is atomic), so a run that writes one template costs one small append instead of a
    look at every entry (13,000 compiled templates took 90 ms to list)."""
    home = cache_home()
    if home is None:
        return
    ledger = home / folder / LEDGER
    try:
        fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, b".")
            count = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if count < PRUNE_AFTER[folder]:
            return
        os.truncate(ledger, 0)  # entries another process notes meanwhile count towards the next pruning
    except OSError:
        return  # a read-only or full disk only costs time
    prune(folder)


def used(path: Path | str) -> None:
    """Note that a cache entry was just used (a hit): its modification time becomes now, so pruning, which
    deletes the oldest first, keeps the entries a user drafts from over those written once and left."""
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache only loses the order


def prune(folder: str, bound: int | None = None) -> None:
    """Delete the least recently used entries of a cache folder (written, or read through `used`) until it
    holds at most `bound` bytes. Called through `written` when entries are written (misses), never on a hit."""
    home = cache_home()
    if home is None:
        return
    bound = BOUNDS[folder] if bound is None else bound
    entries = []
    try:
        with os.scandir(home / folder) as found:
            for entry in found:
                if entry.name != LEDGER and entry.is_file(follow_symlinks=False):
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


def remembered(folder: str, key: tuple, compute: Callable[[], T], keep: Callable[[T], bool] = lambda _: True) -> T:
    """`compute()`, kept in `folder` for the next process under `key` (a tuple of plain values that names
    everything the result depends on) when `keep(result)`: a stored entry is used only when its key is
    equal, and anything unreadable is computed again."""
    home = cache_home()
    path = None
    if home is not None:
        path = home / folder / (hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32] + ".pickle")
        try:
            with open(path, "rb") as f:
                stored_key, value = pickle.load(f)
            if stored_key == key:
                used(path)
                return value
        except Exception:  # noqa: BLE001 - a missing, truncated or foreign entry is a miss, never an error
            pass
    value = compute()
    if path is not None and keep(value):
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # entries are pickles: keep them private
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump((key, value), f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
            written(folder)  # a miss: keep the folder bounded
        except OSError:
            pass  # a read-only or full disk only costs time
    return value
