"""Clause text checked against the deal model: names, fields, filters and tests a template uses, and the
targets of its references."""

from __future__ import annotations

import typing

from jinja2 import TemplateSyntaxError, nodes

from termsmith.deal.model import Deal, Party
from termsmith.draft.sandbox import readable_names
from termsmith.deal.fields import clause_sections
from termsmith.draft.templating import environment
from termsmith.errors import Problem
from termsmith.library.clauses import Clause
from termsmith.lint.conditions import _Truth
from termsmith.lint.references import unknown_target
from termsmith.lint.types import (UNKNOWN, _attribute_argument, _describe, _is_model, _item, _ItemsOf, _kind,
                                  _python_type, _strip)

# Names a template may use besides the deal's sections (see clause_library/README.md).
HELPERS = {"party", "multi", "other_parties", "all_parties", "effective_date", "ref", "has", "define",
           "money_flows", "cap_basis", "paid_parties", "charge_ids", "service_provider", "service_customers",
           "legal_system", "court_system", "vehicle_system",  # the facts of legal systems are checked by lint.style
           "reference_rates"}
JINJA_NAMES = {"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop", "true", "false", "none",
               "True", "False", "None", "caller", "varargs", "kwargs"}
_LIST_FILTERS = {"selectattr", "rejectattr", "sort", "list", "unique", "reverse", "batch", "slice"}


class _TemplateChecker:
    """Walks a template's AST with a scope of variable types, reporting unknown fields, names and filters."""

    def __init__(self, where: str, ids: set[str], clause_id: str):
        self.where, self.ids, self.clause_id = where, ids, clause_id
        self.problems: list[Problem] = []
        self.defined_inline: set[str] = set()
        self.root = {name: _strip(Deal.model_fields[name].annotation) for name in clause_sections(Deal)}
        self.root["effective_date"] = UNKNOWN

    prints = True  # False for a condition: its value is tested, not printed

    def error(self, node: nodes.Node, message: str, code: str) -> None:
        self.problems.append(Problem(file=self.where, line=getattr(node, "lineno", None), path=self.clause_id,
                                     message=message, code=code))

    def check(self, tree: nodes.Node) -> None:
        self.visit(tree, {})

    def visit(self, node: nodes.Node, scope: dict) -> object:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is not None:
            return method(node, scope)
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return UNKNOWN

    def visit_Output(self, node: nodes.Output, scope: dict) -> object:
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                continue
            printed = _strip(self.visit(child, scope))
            what = _printed_kind(printed)
            if what and self.prints:
                self.error(child, f"{_describe(child)} is {what}, which cannot be printed into clause text: print one "
                                  "of its fields, or join a list (join_and)", "prints-record")
        return UNKNOWN

    # statements that bind names
    def visit_For(self, node: nodes.For, scope: dict) -> object:
        iterated = self.visit(node.iter, scope)
        inner = dict(scope)
        if isinstance(node.target, nodes.Name):
            inner[node.target.name] = _item(iterated)
        elif isinstance(node.target, nodes.Tuple):
            kinds = (iterated.key, iterated.value) if isinstance(iterated, _ItemsOf) else ()
            for n, name in enumerate(node.target.items):
                if isinstance(name, nodes.Name):
                    inner[name.name] = _strip(kinds[n]) if n < len(kinds) else UNKNOWN
        inner["loop"] = UNKNOWN
        if node.test is not None:
            self.visit(node.test, inner)
        for child in (*node.body, *node.else_):
            self.visit(child, inner)
        return UNKNOWN

    def visit_Assign(self, node: nodes.Assign, scope: dict) -> object:
        value = self.visit(node.node, scope)
        if isinstance(node.target, nodes.Name):
            scope[node.target.name] = value
        return UNKNOWN

    def visit_AssignBlock(self, node: nodes.AssignBlock, scope: dict) -> object:
        for child in node.body:  # `{% set name %}…{% endset %}`: text captured, printed where the name is
            self.visit(child, scope)
        if isinstance(node.target, nodes.Name):
            scope[node.target.name] = UNKNOWN
        return UNKNOWN

    def visit_Macro(self, node: nodes.Macro, scope: dict) -> object:
        scope[node.name] = UNKNOWN  # known in its own body too: a macro that calls itself is `costly-text`
        inner = dict(scope)
        for arg in node.args:
            inner[arg.name] = UNKNOWN
        inner.update(varargs=UNKNOWN, kwargs=UNKNOWN, caller=UNKNOWN)
        for child in node.body:
            self.visit(child, inner)
        return UNKNOWN

    def visit_With(self, node: nodes.With, scope: dict) -> object:
        inner = dict(scope)
        for target, value in zip(node.targets, node.values):
            if isinstance(target, nodes.Name):
                inner[target.name] = self.visit(value, scope)
        for child in node.body:
            self.visit(child, inner)
        return UNKNOWN

    def visit_If(self, node: nodes.If, scope: dict) -> object:
        why = _Truth(self, scope).never(node.test)
        if why:
            self.error(node, f"this {{% if %}} can never be true: {why}", "impossible-condition")
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return UNKNOWN

    # expressions
    def visit_Name(self, node: nodes.Name, scope: dict) -> object:
        if node.ctx != "load":
            return UNKNOWN
        if node.name in scope:
            return scope[node.name]
        if node.name in self.root:
            return self.root[node.name]
        if node.name in HELPERS or node.name in JINJA_NAMES:
            return UNKNOWN
        self.error(node, f"unknown name '{node.name}' (not a deal section, helper or variable)", "unknown-name")
        return UNKNOWN

    # what the renderer refuses in every draft (its sandbox, its loader-less environment): an error here, not
    # a lint that passes and a library that drafts nothing
    def _unsafe(self, node: nodes.Node, attr: object) -> None:
        if isinstance(attr, str) and attr.startswith("_"):
            self.error(node, f"'{attr}': names starting with '_' are not allowed in clause text (the renderer's "
                             "sandbox refuses them)", "unsafe-attribute")

    def visit_Extends(self, node: nodes.Node, scope: dict) -> object:
        self.error(node, "clause text cannot include, import or extend other templates (each clause is one "
                         "template; use ref() to refer to another clause)", "include")
        return UNKNOWN

    visit_Include = visit_Import = visit_FromImport = visit_Extends

    def visit_Getattr(self, node: nodes.Getattr, scope: dict) -> object:
        self._unsafe(node, node.attr)
        base = _strip(self.visit(node.node, scope))
        if _is_model(base):
            field = base.model_fields.get(node.attr)
            if field is not None:
                return _strip(field.annotation)
            if node.attr in readable_names(base):
                return UNKNOWN  # a property of the deal model (templates see no methods)
            self.error(node, f"'{node.attr}' is not a field of {base.__name__} "
                             f"(fields: {', '.join(base.model_fields)})", "unknown-field")
            return UNKNOWN
        if typing.get_origin(base) is dict and node.attr == "items":
            key, value = typing.get_args(base)
            return _ItemsOf(key, value)
        plain = _python_type(base)
        if plain is not None and not hasattr(plain, node.attr):
            self.error(node, f"'{node.attr}' is not a field: {_describe(node.node)} is {_kind(base)}",
                       "unknown-field")
        return UNKNOWN

    def visit_Getitem(self, node: nodes.Getitem, scope: dict) -> object:
        if isinstance(node.arg, nodes.Const):
            self._unsafe(node, node.arg.value)
        base = _strip(self.visit(node.node, scope))
        self.visit(node.arg, scope)
        origin, args = typing.get_origin(base), typing.get_args(base)
        if origin in (list, tuple) and args:
            return _strip(args[0])
        if origin is dict and len(args) == 2:
            return _strip(args[1])
        if _is_model(base) and isinstance(node.arg, nodes.Const):
            return self.visit_Getattr(nodes.Getattr(node.node, str(node.arg.value), "load", lineno=node.lineno), scope)
        return UNKNOWN

    def visit_Call(self, node: nodes.Call, scope: dict) -> object:
        callee = self.visit(node.node, scope)
        for arg in (*node.args, *(kw.value for kw in node.kwargs)):
            self.visit(arg, scope)
        if isinstance(node.node, nodes.Name) and node.node.name in ("ref", "has"):
            self._check_target(node)
        if isinstance(node.node, nodes.Name) and node.node.name == "define" and node.args:
            if isinstance(node.args[0], nodes.Const):
                self.defined_inline.add(str(node.args[0].value))
        if isinstance(node.node, nodes.Name) and node.node.name == "party":
            return Party
        if isinstance(callee, _ItemsOf):
            return callee
        return UNKNOWN

    def _check_target(self, node: nodes.Call) -> None:
        message = unknown_target(node, self.ids)
        if message:
            self.error(node, message, "unknown-ref")

    def visit_Filter(self, node: nodes.Filter, scope: dict) -> object:
        value = self.visit(node.node, scope) if node.node is not None else UNKNOWN
        for arg in (*node.args, *(kw.value for kw in node.kwargs)):
            self.visit(arg, scope)
        if node.name not in environment().filters:
            self.error(node, f"unknown filter '{node.name}'", "unknown-filter")
        attribute = _attribute_argument(node)
        found = self._attribute_path(node, _item(value), attribute) if attribute is not None else UNKNOWN
        if node.name == "map":
            return list[found] if attribute is not None and found is not UNKNOWN else UNKNOWN
        if node.name in _LIST_FILTERS:
            return value
        if node.name in ("first", "last"):
            return _item(value)
        return UNKNOWN

    def _attribute_path(self, node: nodes.Node, item: object, dotted: str) -> object:
        """`map(attribute="signatory.name")` and the like: each part must be a field of the list's items."""
        current = _strip(item)
        for part in dotted.split("."):
            if not _is_model(current):
                return UNKNOWN
            field = current.model_fields.get(part)
            if field is None:
                if not hasattr(current, part):
                    self.error(node, f"{node.name}: '{part}' is not a field of {current.__name__} "
                                     f"(fields: {', '.join(current.model_fields)})", "unknown-field")
                return UNKNOWN
            current = _strip(field.annotation)
        return current

    def visit_Test(self, node: nodes.Test, scope: dict) -> object:
        self.visit(node.node, scope)
        for arg in (*node.args, *(kw.value for kw in node.kwargs)):
            self.visit(arg, scope)
        if node.name not in environment().tests:
            self.error(node, f"unknown test 'is {node.name}'", "unknown-test")
        return bool


def _check_source(checker: _TemplateChecker, source: str, clause: Clause, line: int | None = None) -> list[Problem]:
    try:
        tree = environment().parse(source)
    except TemplateSyntaxError as exc:
        return [Problem(file=clause.path, line=line or exc.lineno, path=clause.id,
                        message=f"template syntax error: {exc.message}", code="syntax")]
    checker.check(tree)
    if line is not None:
        return [Problem(**{**p.__dict__, "line": line}) for p in checker.problems]
    return checker.problems


def _printed_kind(t: object) -> str | None:
    """'a record (Party)', 'a list' or 'a mapping' for a static type that must not be printed, else None."""
    if _is_model(t):
        return f"a record ({t.__name__})"
    origin = typing.get_origin(t)
    if origin in (list, tuple, set, frozenset) or t in (list, tuple):
        return "a list"
    if origin is dict or t is dict:
        return "a mapping"
    return None
