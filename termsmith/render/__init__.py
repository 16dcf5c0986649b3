"""Renderers turn a Draft into file contents; they never touch the disk except to read templates.

`FORMATS` is the one registry of output formats: the command line's choices, the API's defaults, drafts
and redlines all read it. A new format is one entry here and its renderer module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from termsmith.draft.document import Draft


@dataclass(frozen=True)
class OutputFormat:
    """One output format: its name (the file extension), what it is for, and how a draft and a redline
    become its bytes."""

    name: str  # also the file extension
    what: str
    draft: Callable[[Draft], bytes]  # a draft's file
    redline: Callable[[object, list[str]], bytes]  # a redline's file (draft.revisions.Redline, summary lines)


def _docx(draft: Draft) -> bytes:
    from termsmith.render.word import render_docx

    return render_docx(draft)


def _docx_redline(redline, summary: list[str]) -> bytes:
    from termsmith.render.word import render_redline_docx

    return render_redline_docx(redline)


def _md(draft: Draft) -> bytes:
    from termsmith.render.markdown import render_markdown

    return render_markdown(draft).encode("utf-8")


def _md_redline(redline, summary: list[str]) -> bytes:
    from termsmith.render.markdown import render_redline_markdown

    return render_redline_markdown(redline, summary).encode("utf-8")


FORMATS: dict[str, OutputFormat] = {
    "docx": OutputFormat("docx", "the Word document (with revisions, for a redline)", _docx, _docx_redline),
    "md": OutputFormat("md", "its Markdown twin (CriticMarkup, for a redline)", _md, _md_redline),
}
DEFAULT_FORMATS = tuple(FORMATS)


def unknown_formats(formats: Sequence[str]) -> list[str]:
    return [f for f in formats if f not in FORMATS]


def render(draft: Draft, formats: Sequence[str]) -> dict[str, bytes]:
    """{extension: bytes} for each requested format."""
    if unknown := unknown_formats(formats):
        raise ValueError(f"unknown format {unknown[0]!r}")
    return {fmt: FORMATS[fmt].draft(draft) for fmt in formats}
