"""The one Markdown configuration for clause text, and its token stream turned into blocks."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from termsmith.draft.document import Align, Inline, LineBreak, Link, Span
from termsmith.errors import LibraryError, Problem


@dataclass(frozen=True)
class MdParagraph:
    """A paragraph of clause Markdown: its inlines."""

    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class MdList:
    """A list of clause Markdown, numbered or not: each item a sequence of blocks."""

    ordered: bool
    items: tuple[tuple[MdBlock, ...], ...]


@dataclass(frozen=True)
class MdTable:
    """A pipe table of clause Markdown: header cells, rows of cells, the alignment of each column."""

    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    align: tuple[Align, ...]


MdBlock = MdParagraph | MdList | MdTable
# Called for links: (href, bold, italic) → the inline to use, or None for an ordinary link.
LinkHook = Callable[[str, bool, bool], Inline | None]
EXTERNAL_SCHEMES = ("https://", "http://", "mailto:")
# termsmith's own inline markers (cross-references, definitions) travel through Markdown as plain text
# between two private-use characters; a deal value can never contain them (validation refuses them).
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"{MARK_OPEN}([^{MARK_CLOSE}]*){MARK_CLOSE}")
# A sentence that ends on an abbreviation ("… Pte. Ltd." + ".") takes one full stop, not two: only after a
# letter and before a space or the end, so a value such as ".." or "A..," stays as it was written.
_DOUBLE_STOP = re.compile(r"(?<=[^\W\d_])\.\.(?=\s|$)")


@functools.lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """CommonMark + pipe tables + strikethrough, curly quotes; HTML is parsed only so it can be rejected."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": True})
    md.enable(["table", "strikethrough", "smartquotes"])
    return md


class _Unsupported(Exception):
    def __init__(self, token: Token, what: str):
        self.token, self.what = token, what


_BLOCK_NAMES = {
    "heading_open": "headings", "blockquote_open": "block quotes", "code_block": "code blocks",
    "fence": "code blocks", "hr": "horizontal rules", "html_block": "raw HTML",
}
_INLINE_NAMES = {"html_inline": "raw HTML", "image": "images", "code_inline": "inline code"}


def parse(text: str, source: str, first_line: int, link_hook: LinkHook) -> tuple[MdBlock, ...]:
    """Parse clause Markdown; an unsupported construct is an error naming the file and line."""
    tokens = markdown().parse(text)
    try:
        blocks, _ = _blocks(tokens, 0, None, link_hook)
    except _Unsupported as exc:
        line = first_line + exc.token.map[0] if exc.token.map else None
        raise LibraryError(Problem(file=source, line=line, message=f"{exc.what} are not allowed in clause text")) from None
    return tuple(blocks)


def _blocks(tokens: list[Token], i: int, stop: str | None, hook: LinkHook) -> tuple[list[MdBlock], int]:
    out: list[MdBlock] = []
    while i < len(tokens):
        tok = tokens[i]
        if stop and tok.type == stop:
            return out, i + 1
        handler = _BLOCK_RULES.get(tok.type)
        if handler is None:
            raise _Unsupported(tok, _BLOCK_NAMES.get(tok.type, f"'{tok.type}' elements"))
        block, i = handler(tokens, i, hook)
        if block is not None:
            out.append(block)
    return out, i


def _paragraph(tokens, i, hook):
    inline = tokens[i + 1]
    return MdParagraph(_inlines(inline, hook)), i + 3


def _list(tokens, i, hook):
    ordered = tokens[i].type == "ordered_list_open"
    close = "ordered_list_close" if ordered else "bullet_list_close"
    items, i = [], i + 1
    while tokens[i].type != close:
        blocks, i = _blocks(tokens, i + 1, "list_item_close", hook)  # tokens[i] is list_item_open
        items.append(tuple(blocks))
    return MdList(ordered, tuple(items)), i + 1


def _table(tokens, i, hook):
    header: tuple = ()
    rows: list = []
    align: list[Align] = []
    row: list = []
    i += 1
    while tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type in ("th_open", "td_open"):
            if tok.type == "th_open":
                style = str(tok.attrs.get("style", ""))
                align.append("right" if "right" in style else "center" if "center" in style else "left")
            row.append(_inlines(tokens[i + 1], hook))
            i += 3  # open, inline, close
            continue
        if tok.type == "tr_close":
            if header:
                rows.append(tuple(row))
            else:
                header = tuple(row)
            row = []
        i += 1
    return MdTable(header, tuple(rows), tuple(align)), i + 1


_BLOCK_RULES = {
    "paragraph_open": _paragraph,
    "bullet_list_open": _list,
    "ordered_list_open": _list,
    "table_open": _table,
}


def _inlines(inline: Token, hook: LinkHook) -> tuple[Inline, ...]:
    out: list[Inline] = []
    marks = {"bold": 0, "italic": 0, "strike": 0}
    link: tuple[str, list[Span]] | None = None
    for tok in inline.children or []:
        kind = tok.type
        if kind in _INLINE_NAMES:
            tok.map = inline.map
            raise _Unsupported(tok, _INLINE_NAMES[kind])
        if kind in _MARKS:
            name, delta = _MARKS[kind]
            marks[name] += delta
            continue
        if kind == "link_open":
            href = tok.attrs.get("href", "")
            special = hook(str(href), marks["bold"] > 0, marks["italic"] > 0)
            if special is not None:
                out.append(special)
                link = ("", [])  # swallow the link text
            else:
                if not str(href).startswith(EXTERNAL_SCHEMES):
                    tok.map = inline.map
                    raise _Unsupported(tok, f"links to '{href}' (only https:, http: and mailto: links)")
                link = (str(href), [])
            continue
        if kind == "link_close":
            if link and link[0]:
                out.append(Link(link[0], tuple(link[1])))
            link = None
            continue
        if kind == "text" and MARK_OPEN in tok.content:
            pieces = _MARKER.split(tok.content)
            for n, piece in enumerate(pieces):
                if n % 2:
                    special = hook(piece, marks["bold"] > 0, marks["italic"] > 0)
                    if special is None:
                        raise _Unsupported(tok, f"markers '{piece}'")
                    (link[1] if link is not None else out).append(special)
                elif piece:
                    _add_span(link[1] if link is not None else out,
                              Span(_DOUBLE_STOP.sub(".", piece), marks["bold"] > 0, marks["italic"] > 0, marks["strike"] > 0))
            continue
        if kind in ("text", "softbreak"):
            span = Span(_DOUBLE_STOP.sub(".", tok.content) if kind == "text" else " ", marks["bold"] > 0, marks["italic"] > 0, marks["strike"] > 0)
            _add_span(link[1] if link is not None else out, span)
            continue
        if kind == "hardbreak":
            out.append(LineBreak())
            continue
        tok.map = inline.map
        raise _Unsupported(tok, f"'{kind}' elements")
    return tuple(out)


def _add_span(target: list, span: Span) -> None:
    """Append a span, merging it into the previous one when the emphasis is the same."""
    if not span.text:
        return
    if target and isinstance(target[-1], Span) and _same_marks(target[-1], span):
        target[-1] = Span(target[-1].text + span.text, span.bold, span.italic, span.strike)
    else:
        target.append(span)


def _same_marks(a: Span, b: Span) -> bool:
    return (a.bold, a.italic, a.strike) == (b.bold, b.italic, b.strike)


_MARKS = {
    "strong_open": ("bold", 1), "strong_close": ("bold", -1),
    "em_open": ("italic", 1), "em_close": ("italic", -1),
    "s_open": ("strike", 1), "s_close": ("strike", -1),
}
