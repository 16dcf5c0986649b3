"""Defined terms: the forms of a term, one fast pattern for many terms, which terms a text uses, and the
glossary of the terms a draft's clauses define. Composing (compose.py) builds the definitions clause from
these; lint (lint/terms.py) finds terms with the same patterns."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from termsmith.draft.housestyle import Restyle
from termsmith.draft.select import Selection
from termsmith.errors import LibraryError, Problem
from termsmith.library.clauses import Clause, Library


def _forms(term: str) -> set[str]:
    """A term and its plural (Party/Parties) or singular (Service Levels/Service Level)."""
    forms = {term, term + "s", term + "es"}
    if term.endswith("y"):
        forms.add(term[:-1] + "ies")
    if term.endswith("s"):
        forms.add(term[:-1])
    return forms


@functools.lru_cache(maxsize=32_768)  # one per defined term of the libraries this process drafts from
def term_pattern(term: str) -> re.Pattern[str]:
    """A term as a whole word, in any of its forms."""
    return words_pattern(_forms(term))


def words_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Any of `words` as a whole word (not inside a longer word or hyphenation), the longest first.

    Built for speed, as it runs over the whole draft: the pattern starts with the set of first
    characters, which lets the regex engine skip ahead to candidates, and the rest is a prefix tree,
    because the engine tries alternatives one by one (a flat `a|b|c…` of a hundred forms costs a
    hundred tries per candidate). `(?<![\\w-][\\s\\S])` checks the character before the first one.
    """
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word[1:])
    if not by_first:
        return re.compile(r"(?!)")  # matches nothing
    firsts = "".join(re.escape(char) for char in sorted(by_first))
    branches = "|".join(f"(?<={re.escape(char)}){_trie_pattern(rests)}" for char, rests in sorted(by_first.items()))
    return re.compile(rf"[{firsts}](?<![\w-][\s\S])(?:{branches})(?![\w-])")


def glossary_of(library: Library, selection: Selection, restyle: Restyle) -> dict[str, tuple[Clause, str, str]]:
    """Each defined term as the draft writes it (in its house style) → (clause, definition, the term as the
    clause's front matter writes it)."""
    glossary: dict[str, tuple[Clause, str, str]] = {}
    for clause in selection.clauses:
        for key, text in clause.meta.defines.items():
            term = restyle.text(key)
            if term in glossary:
                raise LibraryError(Problem(file=clause.path, path=f"defines.{key}",
                                           message=f"'{term}' is also defined by {glossary[term][0].id}"))
            glossary[term] = (clause, restyle.text(text), key)
    return glossary


class _Terms:
    """One pattern matching every form of a set of terms, and the term each form belongs to. Compared by
    identity: one per set of terms (`_combined`), so that it can key `_found`."""

    def __init__(self, terms: frozenset[str]) -> None:
        self.forms: dict[str, str] = {}
        for term in sorted(terms):
            for form in _forms(term):
                self.forms.setdefault(form, term)
        self.pattern = words_pattern(self.forms)


@functools.lru_cache(maxsize=64)
def _combined(terms: frozenset[str]) -> _Terms:
    return _Terms(terms)


@functools.lru_cache(maxsize=32_768)  # a clause's text recurs in the drafts that follow (a batch, impact, absorb)
def _found(terms: _Terms, text: str) -> frozenset[str]:
    return frozenset(terms.forms[m.group()] for m in terms.pattern.finditer(text))


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of `words` (the empty word too), longest first, as a prefix tree."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{group})?" if "" in node else group  # the longer words are tried before this one

    return emit(trie)


def terms_in(texts: str | Iterable[str], terms: frozenset[str]) -> set[str]:
    """Which of `terms` the text, or any of the texts, uses (one regex pass per text, however many terms).
    No form of a term spans a line, so texts taken one by one find what the texts joined by lines find."""
    if not terms:
        return set()
    combined = _combined(terms)
    return set().union(*(_found(combined, text) for text in ((texts,) if isinstance(texts, str) else texts)))


def used_terms(texts: dict[str, str], candidates: dict[str, str]) -> set[str]:
    """Terms used in the draft, following definitions that use other terms (fixpoint)."""
    terms = frozenset(candidates)
    used = terms_in(texts.values(), terms)
    frontier = set(used)
    while frontier:
        found = set()
        for term in frontier:
            found |= terms_in(candidates[term], terms) - used - {term}
        used |= found
        frontier = found
    return used


_DEFINE_CALL = re.compile(r"""define\(\s*["']([^"']+)["']\s*\)""")


def draft_terms(library: Library, selection: Selection, restyle: Restyle) -> set[str]:
    """The terms the selected clauses define, in their front matter or in place with a literal define("…"):
    deal values printed into the draft take their capitals (templating.terms_cased)."""
    terms = {restyle.text(key) for clause in selection.clauses for key in clause.meta.defines}
    for clause in selection.clauses:
        terms.update(restyle.text(term) for term in _defined_in_place(clause.body))
    return terms


@functools.lru_cache(maxsize=32_768)  # one per clause text: every draft looks at all of its clauses' texts again
def _defined_in_place(body: str) -> tuple[str, ...]:
    return tuple(" ".join(m.split()) for m in _DEFINE_CALL.findall(body))


def deal_strings(value) -> set[str]:
    """Every string value of a deal (its model dump), however deep."""
    if isinstance(value, str):
        return {value} if value.strip() else set()
    if isinstance(value, dict):
        return set().union(*(deal_strings(v) for v in value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(deal_strings(v) for v in value)) if value else set()
    return set()


def without_values(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, " ")
    return text
