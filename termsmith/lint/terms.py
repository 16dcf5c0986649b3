"""Defined terms: each defined once, each used, and no capitalised phrase that looks like an undefined one."""

from __future__ import annotations

import re

from termsmith.draft.definedterms import term_pattern
from termsmith.errors import Problem
from termsmith.library.clauses import Library
from termsmith.lint.frontmatter import _at

_CAPITALISED_RUN = re.compile(r"(?:(?<=\s)|^)((?:[A-Z][a-z]+(?:[ -](?:of |and |the |for )?)?){2,})")
_SENTENCE_START = re.compile(r"(^|[.!?:;]\s+|\n\s*|\(\s*|\d\.\s+)$")


def _literal_text(body: str) -> str:
    """The clause's own words: Jinja tags and expressions removed."""
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}", " ", body, flags=re.DOTALL)
    return re.sub(r"\{\{.*?\}\}", " X ", text, flags=re.DOTALL)


def _is_known(phrase: str, known: dict[str, str], forms: set[str], allowed: set[str]) -> bool:
    if phrase in forms or any(term_pattern(t).fullmatch(phrase) for t in known):
        return True
    return any(term_pattern(t).search(phrase) for t in known) or any(a in phrase or phrase in a for a in allowed)


def _term_findings(library: Library, terms: dict[str, str], inline: dict[str, str],
                   texts: dict[str, str]) -> list[Problem]:
    known = {**terms, **inline}
    forms = {f for term in known for f in (term, term + "s", term[:-1] + "ies" if term.endswith("y") else term)}
    # section and clause titles are quoted in running text ("clause 7 (Budget, Fees and Payment)")
    allowed = set(library.manifest.proper_nouns) | {s.title for s in library.manifest.sections} | {
        c.meta.title for c in library.clauses}
    out: list[Problem] = []
    for clause in library.clauses:
        text = texts[clause.id]
        for match in _CAPITALISED_RUN.finditer(text):
            phrase = match.group(1).strip(" -")
            if _SENTENCE_START.search(text[: match.start(1)]) and not _is_known(phrase, known, forms, allowed):
                phrase = " ".join(phrase.split()[1:])  # the first word is capitalised only as a sentence start
            words = phrase.split()
            if len(words) < 2 or words[-1] in ("of", "and", "the", "for") or _is_known(phrase, known, forms, allowed):
                continue
            out.append(Problem(file=clause.path, line=clause.body_line + text[: match.start()].count("\n"), path=clause.id,
                               message=f"'{phrase}' looks like a defined term but is not defined anywhere "
                                       "(define it, or list it under proper_nouns in library.yaml)",
                               code="undefined-term", severity="warning"))
    everything = "\n".join(texts.values())
    definitions = {t: library.by_id[c].meta.defines[t] for t, c in terms.items()}
    for term, owner in known.items():
        others = everything + "\n".join(text for t, text in definitions.items() if t != term)
        if not term_pattern(term).search(others.replace(f'define("{term}")', "")):
            clause = library.by_id[owner]
            out.append(_at(clause, "defines" if term in terms else "body", f"'{term}' is defined but no clause uses it",
                           "unused-term", "warning"))
    return out
