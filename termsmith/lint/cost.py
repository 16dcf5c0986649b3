"""Clause text that could exhaust the renderer: powers, long or nested loops, huge format widths, recursion.

Why: the sandbox stops such text at draft time (`draft.sandbox`), but a pull request should be told at
review, with the line, before any deal is drafted with it.
"""

from __future__ import annotations

import re

from jinja2 import TemplateSyntaxError, nodes

from termsmith.draft.sandbox import MAX_FORMAT_WIDTH
from termsmith.draft.templating import environment
from termsmith.errors import Problem
from termsmith.library.clauses import Clause

MAX_LOOP = 1_000  # a clause loops over parties, metrics or duties, never over thousands of numbers
_WIDTH = re.compile(r"\d+")


def cost_findings(clause: Clause) -> list[Problem]:
    """Findings for the clause's body, its definitions and its condition."""
    sources = [(clause.body, clause.body_line - 1)]
    sources += [(text, (clause.line_of(f"defines.{term}") or 1) - 1) for term, text in clause.meta.defines.items()]
    if clause.meta.when:
        sources.append(("{{ (" + clause.meta.when + ") }}", (clause.line_of("when") or 1) - 1))
    out: list[Problem] = []
    for source, offset in sources:
        try:
            tree = environment().parse(source)
        except TemplateSyntaxError:
            continue  # reported by the template checks
        out += [Problem(file=clause.path, line=(node.lineno or 1) + offset, path=clause.id, message=message,
                        code="costly-text") for node, message in _findings(tree)]
    return out


def _findings(tree: nodes.Template):
    for node in tree.find_all(nodes.Pow):
        yield node, "a power (**) in clause text can build a number too large to print; compute figures in the deal"
    for node in tree.find_all(nodes.Call):
        if isinstance(node.node, nodes.Name) and node.node.name == "range" and _long_range(node):
            yield node, f"a range of more than {MAX_LOOP:,} numbers in clause text"
        if isinstance(node.node, nodes.Getattr) and node.node.attr in ("format", "format_map"):
            yield from _wide(node, node.node.node)
    for node in tree.find_all(nodes.Filter):
        if node.name == "format":
            yield from _wide(node, node.node)
    for node in tree.find_all(nodes.Mod):
        yield from _wide(node, node.left)
    for loop in tree.find_all(nodes.For):
        if _over_range(loop) and any(_over_range(inner) for inner in loop.find_all(nodes.For)):
            yield loop, "nested loops over ranges in clause text multiply their turns; loop over the deal's own lists"
    for macro in tree.find_all(nodes.Macro):
        if any(isinstance(call.node, nodes.Name) and call.node.name == macro.name for call in macro.find_all(nodes.Call)):
            yield macro, f"macro '{macro.name}' calls itself; recursion in clause text can grow without bound"


def _long_range(call: nodes.Call) -> bool:
    if not all(isinstance(arg, nodes.Const) and isinstance(arg.value, int) for arg in call.args):
        return False
    try:
        return len(range(*(arg.value for arg in call.args))) > MAX_LOOP
    except (TypeError, ValueError):
        return False


def _over_range(loop: nodes.For) -> bool:
    return isinstance(loop.iter, nodes.Call) and isinstance(loop.iter.node, nodes.Name) and loop.iter.node.name == "range"


def _wide(node: nodes.Node, fmt: nodes.Node):
    if isinstance(fmt, nodes.Const) and isinstance(fmt.value, str):
        if any(int(w) > MAX_FORMAT_WIDTH for w in _WIDTH.findall(fmt.value)):
            yield node, f"a format width or precision above {MAX_FORMAT_WIDTH} in clause text"
