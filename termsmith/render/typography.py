"""Typographic quotes in running text, the same in every format: King's → King’s, "x" → “x”.

Deal values arrive with straight quotes beside the library's curly ones. Identifiers keep theirs: a web
address or e-mail address is copied exactly, and renderers never pass deal ids, bookmark names or field
codes through here (only the text a reader reads).
"""

from __future__ import annotations

import re

# a URL or e-mail address, as one token; it can only start where a word starts, and saying so keeps re from
# trying again from every character of a word that holds none
_IDENTIFIER = re.compile(r"(?<!\S)\S*(?:://|@|www\.)\S*")
_QUOTE = re.compile("['\"]")  # the characters to make typographic; only they are visited, not every character
_OPENING_CONTEXT = frozenset(" \t\n\u00a0([{\u2014\u2013-/\u201c\u2018")


def run_in_title(title: str) -> str:
    """A clause title as it reads before the clause text, in every format: 'Survival.', 'Are you sure?'."""
    return title if title[-1:] in ".?!:" else f"{title}."


def smart_quotes(text: str, before: str = "") -> str:
    """`text` with straight quotes made typographic; `before` is the character that precedes it in the
    paragraph ('' at the start), so a quote at the start of a run opens or closes as its context says."""
    if "'" not in text and '"' not in text:
        return text
    out: list[str] = []
    last = 0
    for m in _IDENTIFIER.finditer(text):
        out.append(_quotes(text[last:m.start()], before if last == 0 else text[last - 1]))
        out.append(m.group())
        last = m.end()
    out.append(_quotes(text[last:], before if last == 0 else text[last - 1]))
    return "".join(out)


def _quotes(text: str, before: str) -> str:
    chars = list(text)
    for m in _QUOTE.finditer(text):
        i, ch = m.start(), m.group()
        prev = chars[i - 1] if i else before
        following = chars[i + 1] if i + 1 < len(chars) else ""
        opening = prev == "" or prev in _OPENING_CONTEXT
        if ch == "'":
            if prev.isalnum() and following.isalpha():
                chars[i] = "\u2019"  # an apostrophe: King’s, don’t
            elif opening and (following.isalnum() or following in "\"\u201c"):
                chars[i] = "\u2018"
            else:
                chars[i] = "\u2019"  # a closing quote, or the apostrophe of 'the Parties'' or '90s
        else:
            chars[i] = "\u201c" if opening and following not in ("", " ") else "\u201d"
    return "".join(chars)
