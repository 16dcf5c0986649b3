"""Renderers turn a Draft into file contents; they never touch the disk except to read templates."""

from __future__ import annotations

from termsmith.draft.document import Draft

FORMATS = ("docx", "md")


def render(draft: Draft, formats: tuple[str, ...]) -> dict[str, bytes]:
    """{extension: bytes} for each requested format."""
    out: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "md":
            from termsmith.render.markdown import render_markdown

            out["md"] = render_markdown(draft).encode("utf-8")
        elif fmt == "docx":
            from termsmith.render.word import render_docx

            out["docx"] = render_docx(draft)
        else:
            raise ValueError(f"unknown format {fmt!r}")
    return out
