"""Where termsmith's own files live: the bundled clause library and the templates."""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def default_library() -> Path:
    """The clause library shipped with termsmith."""
    return _ROOT / "clause_library"


def templates_dir() -> Path:
    return _ROOT / "templates"


def reference_docx() -> Path:
    """The Word house-style reference document every .docx starts from."""
    return templates_dir() / "reference.docx"
