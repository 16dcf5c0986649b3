"""Lint checks of the legal systems and house styles in library.yaml against the clause text.

- `legal_system.<fact>`, `court_system.<fact>` and `vehicle_system.<fact>` must name a fact every legal system gives;
- clause text is written in the base style (British English): a word that another style writes instead
  (US "authorized" for "authorised") is a warning, because under every system of the base style it would
  print as it is. Text under a condition on the legal system (a clause's `when`, an `{% if %}` branch) is
  written for that system on purpose and is left alone;
- a word that a style or legal system replaces ("clause", "licence") inside a Jinja string
  (`{% set words = {"licence_fee": "a licence fee"} %}`) is a warning: the replacement rewrites the clause's
  literal text, not Jinja code, so that word would print unchanged under every system.
"""

from __future__ import annotations

import re

from jinja2 import TemplateSyntaxError, nodes

from termsmith.draft.housestyle import restyle
from termsmith.draft.templating import environment
from termsmith.errors import Problem
from termsmith.library.clauses import Clause, Library

SYSTEM_NAMES = ("legal_system", "court_system", "vehicle_system")
BUILT_IN = {"id", "name", "style", "paper"}
_FACT_USE = re.compile(r"\b(legal_system|court_system|vehicle_system)\.([A-Za-z_]\w*)")
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)


def style_findings(library: Library) -> list[Problem]:
    return _fact_findings(library) + _spelling_findings(library) + _unstyled_findings(library)


def _sources(clause: Clause) -> list[tuple[str, int]]:
    """(template text, line of its first line in the file): the body, and each definition."""
    out = [(clause.body, clause.body_line)]
    out += [(text, 2) for text in clause.meta.defines.values()]
    if clause.meta.when:
        out.append(("{{ " + clause.meta.when + " }}", 2))
    return out


def _fact_findings(library: Library) -> list[Problem]:
    systems = library.manifest.legal_systems
    known = BUILT_IN | {name for system in systems for name, _ in system.facts}
    problems = []
    for clause in library.clauses:
        for text, first in _sources(clause):
            for match in _FACT_USE.finditer(text):
                line = first + text.count("\n", 0, match.start())
                if not systems:
                    message = f"reads {match.group()}, but library.yaml defines no legal_systems"
                elif match.group(2) not in known:
                    message = (f"'{match.group(2)}' is not a fact of the legal systems in library.yaml "
                               f"(facts: {', '.join(sorted(known))})")
                else:
                    continue
                problems.append(Problem(file=clause.path, line=line, path=clause.id, message=message,
                                        code="unknown-fact"))
    return problems


def _other_words(library: Library) -> dict[str, str]:
    """Words other styles write for the base style's (their word → the word the clause text should use)."""
    house = library.manifest.house_style
    if house.base is None:
        return {}
    shared = {w.casefold() for w in house.shared_words}
    maps = [s.replace for s in house.styles if s.name != house.base]  # spelling; a system's own terms are not
    words: dict[str, str] = {}
    for table in maps:
        for old, new in table:
            if " " not in new.strip() and new and new.casefold() != old.casefold() and new.casefold() not in shared:
                words.setdefault(new, old)
    return words


def _for_systems(node: nodes.Node) -> bool:
    """An `{% if %}` on the legal system: what it holds is written for particular systems on purpose."""
    return isinstance(node, nodes.If) and any(n.name in SYSTEM_NAMES for n in node.test.find_all(nodes.Name))


def _parsed_sources(clause: Clause):
    """(parsed template, line of its first line, whether its lines are the file's): the body, then each definition
    (located at the front matter); one that does not parse is left to the template checks."""
    sources = [(clause.body, clause.body_line, True)] + [(text, 2, False) for text in clause.meta.defines.values()]
    for text, first, numbered in sources:
        try:
            yield environment().parse("\n" * (first - 1) + text if numbered else text), first, numbered
        except TemplateSyntaxError:
            continue


def _literal_text(tree: nodes.Node) -> list[tuple[str, int]]:
    """The template's own words with their lines, leaving out branches that depend on the legal system."""
    out: list[tuple[str, int]] = []

    def walk(node: nodes.Node) -> None:
        if _for_systems(node):
            return
        if isinstance(node, nodes.TemplateData):
            out.append((node.data, node.lineno))
            return
        for child in node.iter_child_nodes():
            walk(child)

    walk(tree)
    return out


def _spelling_findings(library: Library) -> list[Problem]:
    words = _other_words(library)
    if not words:
        return []
    exact = [w for w in words if w != w.lower()]
    loose = [w for w in words if w == w.lower()]
    parts = []
    if loose:
        parts.append("(?i:" + "|".join(re.escape(w) for w in sorted(loose, key=len, reverse=True)) + ")")
    if exact:
        parts += [re.escape(w) for w in exact] + [re.escape(w.upper()) for w in exact]
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])")
    lookup = {w.casefold(): w for w in words}
    problems = []
    for clause in library.clauses:
        if clause.meta.when and any(name in clause.meta.when for name in SYSTEM_NAMES):
            continue  # the whole clause is written for particular systems
        for tree, first, numbered in _parsed_sources(clause):
            for data, line in _literal_text(tree):
                for match in pattern.finditer(data):
                    word = lookup[match.group().casefold()]
                    at = (line + data.count("\n", 0, match.start())) if numbered else first
                    problems.append(Problem(
                        file=clause.path, line=at, path=clause.id, severity="warning", code="house-style",
                        message=f"'{match.group()}' is how another house style writes '{words[word]}': clause text "
                                f"is written in the {library.manifest.house_style.base} style (write "
                                f"'{words[word]}', or put the wording under a condition on legal_system)"))
    return problems


def _unstyled_findings(library: Library) -> list[Problem]:
    """Words a style or legal system replaces, written in a Jinja string, where no replacement reaches them."""
    # what any style or system would replace, found as a draft's Restyle finds it
    pattern = restyle((*(pair for style in library.manifest.house_style.styles for pair in style.replace),
                       *(pair for system in library.manifest.legal_systems for pair in system.replace))).pattern
    if pattern is None:
        return []
    problems = []

    def strings(node: nodes.Node):
        if _for_systems(node):
            return
        if isinstance(node, nodes.Compare):
            return  # a value compared with the deal's, not text
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in ("ref", "has"):
            return  # clause ids
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "define":
            return  # a defined term: define() writes it in the draft's style (compose._Rendering.define)
        if isinstance(node, nodes.Const) and isinstance(node.value, str):
            yield node
        for child in node.iter_child_nodes():
            yield from strings(child)

    for clause in library.clauses:
        for tree, first, numbered in _parsed_sources(clause):
            for const in strings(tree):
                if (match := pattern.search(const.value)) is not None:
                    problems.append(Problem(
                        file=clause.path, line=const.lineno if numbered else first, path=clause.id, severity="warning",
                        code="unstyled-string",
                        message=f"'{match.group()}' is in a Jinja string, where the house styles and legal systems "
                                f"that replace it do not reach: write the words as clause text (an `{{% if %}}` "
                                f"branch or a macro) so that every system prints its own"))
    return problems
