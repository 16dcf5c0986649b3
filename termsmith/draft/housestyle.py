"""A house style's words: the spelling and terms one legal system writes for those the library writes.

The library's clause text is written once, in its base style (British English); a legal system whose
style differs (US English, the data-protection terms of a particular law) maps words and phrases of that
text to its own (`house_style.styles.<name>.replace` and `legal_systems.<id>.replace` in library.yaml).
The map applies to the clause's own words only, never to values from the deal (a party called
"Trade Mark Licensing Ltd" keeps its name) nor to Jinja code: it rewrites the literal text of the
template before it is compiled.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

MAX_TEXTS = 16_384  # texts one Restyle keeps in its style
_JINJA = re.compile(r"(\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\})", re.DOTALL)


class Restyle:
    """One replacement map (longest phrase first), applied case by case: 'licence' → 'license',
    'Licence' → 'License', 'Trade Marks' → 'Trademarks', 'LICENCE' → 'LICENSE'."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        table: dict[str, str] = {}
        for old, new in pairs:
            table[" ".join(old.split()).casefold()] = new  # a later map (the legal system's own) overrides its style's
        self.table = table
        self.key = tuple(sorted(table.items()))
        self.pattern = _pattern(tuple(sorted(table, key=lambda k: (-len(k), k)))) if table else None
        self._hash = hash(self.key)
        self._texts: dict[str, str] = {}  # text → text in this style (titles and terms recur in every draft)

    def __bool__(self) -> bool:
        return self.pattern is not None

    def __eq__(self, other: object) -> bool:  # two drafts under one legal system restyle alike
        return isinstance(other, Restyle) and self.key == other.key

    def __hash__(self) -> int:
        return self._hash

    def text(self, text: str) -> str:
        """Plain text (a title, a defined term) in this style."""
        if self.pattern is None or not text:
            return text
        styled = self._texts.get(text)
        if styled is None:
            styled = self.pattern.sub(self._replace, text)
            if len(self._texts) < MAX_TEXTS:  # bounded: past it, a text is restyled each time
                self._texts[text] = styled
        return styled

    def source(self, source: str) -> str:
        """A clause template in this style: its literal text rewritten, its Jinja tags and expressions kept."""
        if self.pattern is None:
            return source
        parts = _JINJA.split(source)
        return "".join(part if i % 2 else self.text(part) for i, part in enumerate(parts))

    def _replace(self, match: re.Match) -> str:
        found = match.group()
        return match_case(found, self.table[" ".join(found.split()).casefold()])

    def words(self) -> dict[str, str]:
        return dict(self.table)


@functools.lru_cache(maxsize=64)  # a library has a few legal systems; each draft asks again for its own
def restyle(pairs: tuple[tuple[str, str], ...]) -> Restyle:
    """The Restyle of one replacement map, made once, so that the texts it has restyled serve the next draft."""
    return Restyle(pairs)


@functools.lru_cache(maxsize=64)
def _pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    # a space in a phrase matches any run of whitespace (a phrase may wrap onto the next line)
    alternatives = "|".join(r"\s+".join(re.escape(word) for word in key.split(" ")) for key in keys)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def match_case(found: str, replacement: str) -> str:
    """The replacement written in the case of the words it replaces."""
    if not replacement or found == found.lower():
        return replacement
    letters = [c for c in found if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    words = found.split()
    if len(words) > 1 and all(w[:1].isupper() for w in words if w[:1].isalpha()):
        return " ".join(w[:1].upper() + w[1:] for w in replacement.split(" "))
    return replacement[:1].upper() + replacement[1:] if found.lstrip()[:1].isupper() else replacement


NO_RESTYLE = Restyle(())
