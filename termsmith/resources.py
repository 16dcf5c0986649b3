"""Where termsmith's own files live: the bundled clause library and the templates.

The one place that resolves them. In an installed termsmith (a wheel, `pip install .`) they are package data
under `termsmith/_bundled/` (the build copies `clause_library/` and `templates/` there); in a checkout, or an
editable install of one, they are the repository's own top-level folders, where counsel edit them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_BUNDLED = "_bundled"


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
