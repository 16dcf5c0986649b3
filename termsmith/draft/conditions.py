"""Clause conditions (`when:`): sandboxed Jinja2 expressions, and which deal fields they and clause text read."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError

from termsmith.deal.fields import clause_sections
from termsmith.deal.model import Deal
from termsmith.errors import LibraryError, Problem
from termsmith.draft.sandbox import guarded_render
from termsmith.draft.templating import compile_cached, environment


@dataclass(frozen=True)
class Condition:
    """A clause's `when` (or a library rule's) as written, and the file it is written in."""

    source: str
    where: str


@functools.lru_cache(maxsize=32_768)  # one per clause condition, as the compiled templates themselves
def _compiled(source: str, where: str):
    # A condition runs as a one-line template: compiled through the same cache as clause text.
    return compile_cached("{% if (" + source + ") %}1{% endif %}", f"{where}#when")


def parse_condition(source: str, where: str, line: int | None = None) -> Condition:
    """Check the expression's syntax (compiling it once); evaluation reuses the compiled form."""
    try:
        _compiled(source, where)
    except TemplateSyntaxError as exc:
        raise LibraryError(Problem(file=where, line=line, path="when",
                                   message=f"condition is not a valid expression: {exc.message}")) from None
    return Condition(source, where)


@functools.lru_cache(maxsize=32_768)  # one per clause condition
def fields_read(source: str) -> tuple[str, ...]:
    """The dotted deal fields an expression reads, e.g. ('exit.change_of_control.terminable',)."""
    tree = environment().parse("{{ (" + source + ") }}")
    return tuple(sorted(set(_fields(tree))))


def _fields(tree: nodes.Node) -> list[str]:
    """Maximal attribute chains rooted at a variable: `exit.change_of_control.terminable`."""
    found: list[str] = []
    inside: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if id(node) in inside:
            continue
        chain = _chain(node, inside)
        if chain:
            found.append(chain)
    for name in tree.find_all(nodes.Name):
        if id(name) not in inside and name.ctx == "load":
            found.append(name.name)
    return found


def _chain(node: nodes.Node, inside: set[int]) -> str | None:
    parts: list[str] = []
    while True:
        inside.add(id(node))
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            parts.append(str(node.arg.value))
            node = node.node
        elif isinstance(node, nodes.Name):
            inside.add(id(node))
            parts.append(node.name)
            return ".".join(reversed(parts))
        else:
            return None


def template_fields(source: str) -> tuple[str, ...]:
    """The dotted deal fields a clause text reads, following `{% set name = deal.field %}` aliases."""
    sections = clause_sections(Deal)
    tree = environment().parse(source)
    aliases: dict[str, str] = {}
    inner = {id(n.node) for n in tree.find_all(nodes.Getattr)}  # parts of a longer chain
    for assign in tree.find_all(nodes.Assign):
        if isinstance(assign.target, nodes.Name):
            chain = _attribute_chain(assign.node)
            if chain and chain.split(".")[0] in sections:
                aliases[assign.target.name] = chain
                inner.add(id(assign.node))  # what the alias reads is counted where the alias is used
    found = set()
    for node in tree.find_all(nodes.Getattr):
        chain = _attribute_chain(node) if id(node) not in inner else None
        if not chain:
            continue
        root, _, rest = chain.partition(".")
        if root in aliases:
            chain = aliases[root] + ("." + rest if rest else "")
        if chain.split(".")[0] in sections:
            found.add(chain)
    return tuple(sorted(found))


def _attribute_chain(node: nodes.Node) -> str | None:
    parts: list[str] = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if isinstance(node, nodes.Name):
        return ".".join([node.name, *reversed(parts)])
    return None


def evaluate(condition: Condition, context: dict, line: int | None = None) -> bool:
    """The condition's truth for one deal; an error names the clause file."""
    try:
        return guarded_render(_compiled(condition.source, condition.where), context) == "1"
    except (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, AttributeError, KeyError,
            IndexError, RecursionError) as exc:
        raise LibraryError(Problem(file=condition.where, line=line, path="when",
                                   message=f"condition `{condition.source}` failed: {exc}")) from None
