"""Clause text stays inside the Markdown subset termsmith drafts: no raw HTML, headings, quotes or code."""

from __future__ import annotations

import re

from termsmith.draft.mdparse import markdown
from termsmith.errors import Problem
from termsmith.inputs import NOT_XML
from termsmith.library.clauses import Clause

# Markdown that clause text may not contain (compose rejects it at draft time; lint says so first).
_REJECTED_BLOCKS = {"html_block": ("html", "raw HTML"), "heading_open": ("markdown", "headings"),
                    "blockquote_open": ("markdown", "block quotes"), "code_block": ("markdown", "code blocks"),
                    "fence": ("markdown", "code blocks"), "hr": ("markdown", "horizontal rules")}
_REJECTED_INLINES = {"html_inline": ("html", "raw HTML"), "image": ("markdown", "images"),
                     "code_inline": ("markdown", "inline code")}
_JINJA_TAG = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)


def _without_jinja(text: str) -> str:
    """Clause text with its Jinja tags and expressions replaced, line numbers kept: what Markdown will see
    around the values (an expression becomes a word, a tag nothing)."""
    def blank(match: re.Match) -> str:
        lines = match.group().count("\n")
        return "\n" * lines if lines or not match.group().startswith("{{") else "x"

    return _JINJA_TAG.sub(blank, text)


def _html(clause: Clause) -> list[Problem]:
    """Raw HTML and other Markdown outside the clause subset, in the text and in each definition."""
    # (text, its first line in the file, whether token lines count from there, what it is)
    sources = [(clause.body, clause.body_line, True, "clause text")]
    sources += [(text, clause.line_of(f"defines.{term}"), False, f"the definition of '{term}'")
                for term, text in clause.meta.defines.items()]
    out = []
    for text, first_line, by_token, what in sources:
        bad = NOT_XML.search(text)  # every draft refuses it (compose): said here first
        if bad:
            out.append(Problem(file=clause.path, line=first_line + (text.count("\n", 0, bad.start()) if by_token else 0),
                               path=clause.id, code="control-character", message=(
                                   f"the control character U+{ord(bad.group()):04X} in {what} cannot be in a Word "
                                   "document")))
        for token in markdown().parse(_without_jinja(text)):
            found = [token] if token.type in _REJECTED_BLOCKS else [
                c for c in token.children or [] if c.type in _REJECTED_INLINES]
            for tok in found:
                code, name = _REJECTED_BLOCKS.get(tok.type) or _REJECTED_INLINES[tok.type]
                line = first_line + (token.map[0] if by_token and token.map else 0)
                shown = f": {tok.content.strip()[:40]}" if code == "html" else ""
                out.append(Problem(file=clause.path, line=line, path=clause.id,
                                   message=f"{name} {'is' if name == 'raw HTML' else 'are'} not allowed in "
                                           f"{what}{shown}", code=code))
    return out


# A block tag that ends a line of text (`…notice.{% endif %}`): the environment's trim_blocks removes the newline
# after it, so the blank line the author wrote below no longer separates two paragraphs.
_LINE_ENDS_IN_TAG = re.compile(r"\{%-?(?:[^%]|%(?!\}))*?(?<![-+])%\}$")


def _joined_paragraphs(clause: Clause) -> list[Problem]:
    """Each blank line of the clause text that trim_blocks removes, joining the paragraph after it to the one
    before: the line above ends in a block tag after some text, and the line below has text of its own."""
    lines = clause.body.split("\n")
    out = []
    for i in range(len(lines) - 2):
        line, gap, after = lines[i], lines[i + 1], lines[i + 2]
        # a line "of text" is one with something left when its tags are taken out (_without_jinja)
        if not _LINE_ENDS_IN_TAG.search(line) or not _without_jinja(line).strip() or gap.strip() \
                or not _without_jinja(after).strip():
            continue
        out.append(Problem(file=clause.path, line=clause.body_line + i, path=clause.id, severity="warning",
                           code="joined-paragraphs", message=(
                               "the blank line after this line's closing tag is removed with the tag's newline, so "
                               "the next paragraph runs into this one: end the tag with '+%}' (or put it on a line "
                               "of its own)")))
    return out
