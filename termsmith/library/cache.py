"""A clause library folder as an earlier process loaded it, kept on disk for the next one.

One cold `termsmith draft` would otherwise parse the front matter of every clause file, read one
bytecode file per template and condition, and ask git twice for the library's commit. The cached entry
holds the parsed library, its commit and the compiled code of its templates and conditions; it is
used only when its key matches: the library's files (path, size, modification time), the state of the
git repository around it, and the code that made it (termsmith's source files, Python, Jinja).
Anything unreadable is ignored and rebuilt; the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import sys
import tempfile
from pathlib import Path

from termsmith.cachedir import used, written
from termsmith.errors import LibraryError
from termsmith.library.clauses import MANIFEST, Library

FORMAT = 4  # bump when the shape of an entry changes
_PACKAGE = Path(__file__).resolve().parent.parent


def _code_stamp() -> tuple:
    """termsmith's own source files, so a development checkout never meets objects its older code made."""
    stamp = []
    for folder in sorted(p for p in _PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__") + [_PACKAGE]:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    stamp.append((folder.name, entry.name, st.st_mtime_ns, st.st_size))
    return tuple(sorted(stamp))


def _full_key(key: tuple) -> tuple:
    import jinja2

    return (FORMAT, sys.version, jinja2.__version__, _code_stamp(), *key)


def _entry_path(root: str) -> Path | None:
    """One entry per library folder, Python and termsmith installation: two of them drafting from one library
    (a venv's and pipx's termsmith, say) would otherwise replace each other's entry at every draft, each of
    them a miss. The folder is pruned by size (cachedir), so the extra entries do not pile up."""
    from termsmith.cachedir import cache_home

    home = cache_home()
    if home is None:
        return None
    owner = "\0".join((root, sys.version, sys.executable, str(_PACKAGE)))
    return home / "libraries" / (hashlib.sha256(owner.encode("utf-8")).hexdigest()[:32] + ".pickle")


def load(root: str, key: tuple) -> Library | None:
    """The library cached for `root` under `key`, its compiled code made available; None on any miss."""
    from termsmith.draft.templating import add_codes

    path = _entry_path(root)
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            stored_key, library, codes = pickle.load(f)
        if stored_key != _full_key(key):
            return None
        add_codes({name: marshal.loads(code) for name, code in codes.items()})
    except Exception:  # noqa: BLE001 - a stale, truncated or foreign entry is a miss, never an error
        return None
    used(path)
    return library


def store(root: str, key: tuple, library: Library) -> None:
    """Compile every template and condition of `library` and keep all of it for the next process."""
    from jinja2 import TemplateError

    from termsmith.draft.conditions import parse_condition
    from termsmith.draft.templating import codes_named

    path = _entry_path(root)
    if path is None:
        return
    for clause in library.clauses:
        try:
            library.template(clause)
            for term in clause.meta.defines:
                library.definition_template(clause, term)
            if clause.meta.when is not None:
                parse_condition(clause.meta.when, clause.path)
            clause.reads  # noqa: B018 - worked out now, so that it is stored with the clause
        except (LibraryError, TemplateError):
            pass  # a broken clause is reported where it is used (drafting, lint), uncached
    for rule in library.manifest.rules:  # named as pipeline.library_rules names them
        for expression in (rule.when, rule.require):
            try:
                if expression is not None:
                    parse_condition(expression, f"{library.root}/{MANIFEST}")
            except LibraryError:
                pass
    codes = {name: marshal.dumps(code) for name, code in codes_named(library.root + "/").items()}
    entry = (_full_key(key), library, codes)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # entries are pickles: keep them private
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(entry, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            written("libraries")  # a miss: keep the folder bounded
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a read-only or full disk only costs time
