"""The runs of a stretch of plain inlines (text, line breaks, cross-references, defined terms) as Word XML
text, with typographic quotes: what the Word writer's `_inlines` writes for them, kept per stretch because
most drafts share most of their paragraphs."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from termsmith.draft.document import CrossRef, Inline, LineBreak, Span, TermDefinition
from termsmith.draft.revisions import Deleted, Inserted, TrackedInline
from termsmith.render import wordxml as wx
from termsmith.render.typography import smart_quotes
from termsmith.render.wordstyle import DEFINED_TERM

QUOTES = ("\u201c", "\u201d")


def last_char(item: object, before: str) -> str:
    """The last character an inline shows, for the quotes of the text after it."""
    if isinstance(item, Span):
        return item.text[-1:] or before
    if isinstance(item, CrossRef):
        return item.label[-1:] or before
    if isinstance(item, TermDefinition):
        return QUOTES[1]
    if isinstance(item, LineBreak):
        return "\n"
    if isinstance(item, Inserted | Deleted) and item.inlines:
        return last_char(item.inlines[-1], before)
    return before


def emboldened(items: Iterable[TrackedInline]) -> list[TrackedInline]:
    out: list[TrackedInline] = []
    for item in items:
        if isinstance(item, Span | CrossRef):
            item = replace(item, bold=True)
        elif isinstance(item, Inserted | Deleted):
            item = type(item)(tuple(emboldened(item.inlines)))
        out.append(item)
    return out


# ── the runs of plain inlines: text, line breaks, cross-references and defined terms ──
# Each gives its runs from the item, the character style of the text it is in and the character before it
# (for typographic quotes); a stretch of them alone gives the same runs wherever it stands.
def span_runs(span: Span, run_style: str | None, before: str) -> list[str]:
    rpr = wx.run_properties(style=run_style, bold=span.bold, italic=span.italic, strike=span.strike)
    return [wx.run(smart_quotes(span.text, before), rpr)]


def line_break_runs(_: LineBreak, run_style: str | None, before: str) -> list[str]:
    return [wx.line_break()]


def cross_ref_runs(ref: CrossRef, run_style: str | None, before: str) -> Sequence[str]:
    return wx.field(wx.ref_instruction(ref.anchor), ref.label, rpr=wx.run_properties(bold=ref.bold, italic=ref.italic))


def term_definition_runs(term: TermDefinition, run_style: str | None, before: str) -> list[str]:
    return [wx.run(f"{QUOTES[0]}{smart_quotes(term.term)}{QUOTES[1]}", wx.run_properties(style=DEFINED_TERM))]


PLAIN_INLINES: dict[type, Callable[[object, str | None, str], Sequence[str]]] = {
    Span: span_runs,
    LineBreak: line_break_runs,
    CrossRef: cross_ref_runs,
    TermDefinition: term_definition_runs,
}


PLAIN_TYPES = frozenset(PLAIN_INLINES)


@functools.lru_cache(maxsize=8_192)  # a draft's paragraphs and cells (about 700), mostly the same in every draft
def plain_runs(items: tuple[Inline, ...], run_style: str | None, bold: bool) -> tuple[str, ...]:
    """The runs of a stretch of plain inlines (`PLAIN_INLINES`), as the Word writer's `_inlines` writes them."""
    out: list[str] = []
    before = ""
    for item in merge_spans(emboldened(items) if bold else items):
        out += PLAIN_INLINES[type(item)](item, run_style, before)
        before = last_char(item, before)
    return tuple(out)


def merge_spans(items: Iterable[Inline]) -> list[Inline]:
    """Adjacent spans with the same emphasis become one span, so one run."""
    out: list[Inline] = []
    prev = None
    for item in items:
        if (isinstance(item, Span) and isinstance(prev, Span)
                and (prev.bold, prev.italic, prev.strike) == (item.bold, item.italic, item.strike)):
            item = out[-1] = Span(prev.text + item.text, item.bold, item.italic, item.strike)
        else:
            out.append(item)
        prev = item
    return out
