"""Where termsmith's own files live: the bundled clause library and the templates.

The one place that resolves them. In an installed termsmith (a wheel, `pip install .`) they are package data
under `termsmith/_bundled/` (the build copies `clause_library/` and `templates/` there); in a checkout, or an
editable install of one, they are the repository's own top-level folders, where counsel edit them.
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

_BUNDLED = "_bundled"
_ORIGIN = "origin.json"  # written by the build (hatch_build.py)


@cache
def _data_root() -> Path:
    """The folder holding `clause_library/` and `templates/`: the package's data when installed, else the checkout."""
    package = resources.files("termsmith")
    bundled = package / _BUNDLED
    if bundled.is_dir():
        return Path(str(bundled))  # a wheel is installed as files, so this is a real folder
    checkout = Path(str(package)).resolve().parent
    if (checkout / "clause_library").is_dir():
        return checkout
    raise FileNotFoundError(
        f"termsmith's data files are missing: neither {bundled} nor a checkout's clause_library/ beside {package}; "
        "reinstall termsmith")


def default_library() -> Path:
    """The clause library shipped with termsmith."""
    return _data_root() / "clause_library"


def is_bundled(path: Path) -> bool:
    """Whether `path` is the clause library shipped with termsmith."""
    try:
        return Path(path).resolve() == default_library().resolve()
    except OSError:
        return False


def templates_dir() -> Path:
    return _data_root() / "templates"


def reference_docx() -> Path:
    """The Word house-style reference document every .docx starts from."""
    return templates_dir() / "reference.docx"


class Origin(NamedTuple):
    """The commit an installed termsmith's bundled library was built from, and that commit's date."""

    commit: str
    committed: int  # seconds since 1970 (the committer date)


@cache
def bundled_origin() -> Origin | None:
    """The commit the installed bundled library was built from (`hatch_build.py` records it when the wheel is
    built from a clean git checkout), if its files are still the ones recorded (same names, same sizes);
    None in a checkout, or without a record.

    Why: an installed library is not in git, and its files are as old as the installation; drafts are dated by
    their library's commit (termsmith/draft/made.py), so two installations of one release draft the same bytes."""
    root = _data_root()
    if root.name != _BUNDLED:
        return None
    try:
        record = json.loads((root / _ORIGIN).read_text(encoding="utf-8"))
        origin = Origin(str(record["commit"]), int(record["committed"]))
        recorded = dict(record["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    library = root / "clause_library"
    files = {}
    try:
        for folder, _dirs, names in os.walk(library):
            for name in names:
                path = Path(folder, name)
                files[path.relative_to(library).as_posix()] = path.stat().st_size
    except OSError:
        return None
    return origin if files == recorded else None
