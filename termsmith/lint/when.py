"""A clause's `when:` condition: a valid expression, reading only what the deal has, and not always false."""

from __future__ import annotations

from jinja2 import TemplateSyntaxError, nodes

from termsmith.draft.templating import environment
from termsmith.errors import Problem
from termsmith.library.clauses import Clause
from termsmith.lint.conditions import _Truth
from termsmith.lint.templates import _TemplateChecker


def _check_condition(clause: Clause, ids: set[str]) -> list[Problem]:
    line = clause.line_of("when")
    try:
        tree = environment().parse("{{ (" + clause.meta.when + ") }}")
    except TemplateSyntaxError as exc:
        return [Problem(file=clause.path, line=line, path=clause.id,
                        message=f"condition is not a valid expression: {exc.message}", code="syntax")]
    checker = _TemplateChecker(clause.path, ids, clause.id)
    checker.prints = False
    checker.check(tree)
    out = [Problem(**{**p.__dict__, "line": line}) for p in checker.problems]
    expression = tree.body[0].nodes[0] if tree.body and isinstance(tree.body[0], nodes.Output) else None
    why = _Truth(_TemplateChecker(clause.path, ids, clause.id), {}).never(expression) if expression else None
    if why:
        out.append(Problem(file=clause.path, line=line, path=clause.id,
                           message=f"condition can never be true, so the clause is never drafted: {why}",
                           code="impossible-condition"))
    return out
