"""Whether a condition (`when:` or `{% if %}`) can never be true for any deal, and why: `_Truth`, which asks a
template checker (lint/templates) for the types of what a condition reads."""

from __future__ import annotations

import typing

from jinja2 import nodes

from termsmith.deal.model import Deal
from termsmith.deal.fields import clause_sections
from termsmith.draft.templating import environment
from termsmith.lint.types import _describe, _is_model, _kind, _strip


def _literal_values(t: object) -> tuple | None:
    t = _strip(t)
    if typing.get_origin(t) is typing.Literal:
        return typing.get_args(t)
    return None


def _can_equal(t: object, value: object) -> bool:
    """Whether a value of annotation `t` can ever equal the constant `value` (True when unsure)."""
    allowed = _literal_values(t)
    if allowed is not None:
        return any(value == a for a in allowed)  # Python's ==, as the condition itself uses
    t = _strip(t)
    if value is None:
        return True
    if t is bool:
        return value == True or value == False  # 1 == True, as at draft time
    if t in (int, float):
        return isinstance(value, (int, float))
    if t is str:
        return isinstance(value, str)
    return True


class _Truth:
    """Whether an expression is always false, always true or depends on the deal, with the reason."""

    def __init__(self, checker, scope: dict):  # checker: a templates._TemplateChecker
        self.checker, self.scope = checker, scope

    def type_of(self, node: nodes.Node) -> object:
        mark = len(self.checker.problems)  # the checker already reported this expression's own faults
        try:
            return self.checker.visit(node, dict(self.scope))
        finally:
            del self.checker.problems[mark:]

    def never(self, node: nodes.Node) -> str | None:
        """Why `node` can never be true, or None."""
        value, why = self.truth(node)
        return why if value is False else None

    def truth(self, node: nodes.Node) -> tuple[bool | None, str]:
        constant = _constant(node)
        if constant is not _NOT_CONSTANT:
            return bool(constant), f"it reads nothing from the deal and is always {'true' if constant else 'false'}"
        if isinstance(node, nodes.Not):
            value, why = self.truth(node.node)
            return (None if value is None else not value), why
        if isinstance(node, nodes.And):
            parts = _conjuncts(node)
            for part in parts:
                value, why = self.truth(part)
                if value is False:
                    return False, why
            clash = self._contradiction(parts)
            if clash:
                return False, clash
            return (True, "") if all(self.truth(p)[0] for p in parts) else (None, "")
        if isinstance(node, nodes.Or):
            left, right = self.truth(node.left), self.truth(node.right)
            if left[0] is True or right[0] is True:
                return True, ""
            if left[0] is False and right[0] is False:
                return False, f"{left[1]}; {right[1]}"
            return None, ""
        if isinstance(node, nodes.Compare) and len(node.ops) == 1:
            return self._compare(node.expr, node.ops[0].op, node.ops[0].expr)
        if isinstance(node, nodes.Test) and node.name == "none" and not node.args:
            optional = self._optional(node.node)
            if optional is False:
                return False, f"`{_describe(node.node)}` is required by the deal model, so it is never none"
        return None, ""

    def _compare(self, left: nodes.Node, op: str, right: nodes.Node) -> tuple[bool | None, str]:
        if isinstance(left, nodes.Const) and op in ("eq", "ne") and not isinstance(right, nodes.Const):
            left, right = right, left
        values: list | None = None
        if op in ("eq", "ne") and isinstance(right, nodes.Const):
            values = [right.value]
        elif op in ("in", "notin") and isinstance(right, (nodes.List, nodes.Tuple)) \
                and all(isinstance(i, nodes.Const) for i in right.items):
            values = [i.value for i in right.items]
        if values is None:
            return None, ""
        t = self.type_of(left)
        if any(_can_equal(t, v) for v in values):
            return None, ""
        allowed = _literal_values(t)
        what = f"one of {', '.join(map(repr, allowed))}" if allowed else _kind(t)
        why = f"`{_describe(left)}` is {what}, never {' or '.join(map(repr, values))}"
        return (op in ("ne", "notin")), why

    def _optional(self, node: nodes.Node) -> bool | None:
        """Whether the field `node` names may be none (None when it is not a field of the model)."""
        if isinstance(node, nodes.Name):
            if node.name in self.scope or node.name not in clause_sections(Deal):
                return None
            annotation = Deal.model_fields[node.name].annotation
        elif isinstance(node, nodes.Getattr):
            base = _strip(self.type_of(node.node))
            if not _is_model(base) or node.attr not in base.model_fields:
                return None
            annotation = base.model_fields[node.attr].annotation
        else:
            return None
        return type(None) in typing.get_args(annotation)

    def _contradiction(self, parts: list[nodes.Node]) -> str | None:
        """`x == "a" and x == "b"`, `x == "a" and x != "a"`, `flag and not flag`."""
        equal: dict[str, object] = {}
        unequal: dict[str, set] = {}
        truthy: dict[str, bool] = {}
        for part in parts:
            atom = _atom(part)
            if atom is None:
                continue
            field, op, value = atom
            if op == "truthy":
                if truthy.get(field, value) != value:
                    return f"`{field}` cannot be both true and false"
                truthy[field] = value
            elif op == "eq":
                if field in equal and equal[field] != value:
                    return f"`{field}` cannot be both {equal[field]!r} and {value!r}"
                if value in unequal.get(field, ()):
                    return f"`{field}` cannot be {value!r} and not {value!r}"
                equal[field] = value
            else:
                if equal.get(field, object()) == value:
                    return f"`{field}` cannot be {value!r} and not {value!r}"
                unequal.setdefault(field, set()).add(value)
        return None


_NOT_CONSTANT = object()


def _constant(node: nodes.Node) -> object:
    """The value of an expression that reads nothing from the deal, else _NOT_CONSTANT."""
    if any(True for _ in node.find_all((nodes.Name, nodes.Call, nodes.Filter, nodes.Test, nodes.Getattr))):
        return _NOT_CONSTANT
    try:
        value = node.as_const(nodes.EvalContext(environment()))
        bool(value)  # the sandbox folds `''.__class__` to an undefined value that raises when tested
        return value
    except Exception:  # noqa: BLE001 - anything Jinja cannot fold is simply not a constant
        return _NOT_CONSTANT


def _conjuncts(node: nodes.Node) -> list[nodes.Node]:
    if isinstance(node, nodes.And):
        return [*_conjuncts(node.left), *_conjuncts(node.right)]
    return [node]


def _atom(node: nodes.Node) -> tuple[str, str, object] | None:
    """(field, 'eq' | 'ne', constant) for `field == c` and `field != c`; (field, 'truthy', bool) for `field`
    and `not field`."""
    if isinstance(node, nodes.Compare) and len(node.ops) == 1 and node.ops[0].op in ("eq", "ne") \
            and isinstance(node.ops[0].expr, nodes.Const):
        field = _describe(node.expr)
        return None if field == "the value" else (field, node.ops[0].op, node.ops[0].expr.value)
    negated = isinstance(node, nodes.Not)
    field = _describe(node.node if negated else node)
    if field == "the value" or not isinstance(node.node if negated else node, (nodes.Getattr, nodes.Name)):
        return None
    return field, "truthy", not negated
