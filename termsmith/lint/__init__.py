"""Check a clause library for a pull request: structure, templates against the deal model, references, terms, versions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes
from packaging.version import Version
from pydantic import BaseModel

from termsmith.draft.compose import term_pattern
from termsmith.deal.model import Deal, Party
from termsmith.errors import GitError, LibraryError, Problem
from termsmith.library.clauses import CHANGELOG, CLAUSE_DIR, MANIFEST, Clause, Library, library_from_files, load_library
from termsmith.draft.mdparse import markdown
from termsmith.draft.templating import DEAL_SECTIONS, environment

# Names a template may use besides the deal's sections (see clause_library/README.md).
HELPERS = {"party", "multi", "other_parties", "all_parties", "effective_date", "ref", "has", "define",
           "money_flows", "cap_basis"}
JINJA_NAMES = {"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop", "true", "false", "none",
               "True", "False", "None", "caller", "varargs", "kwargs"}
_LIST_FILTERS = {"selectattr", "rejectattr", "sort", "list", "unique", "reverse", "batch", "slice"}


class _Unknown:
    """A value whose type the checker does not follow: any attribute is allowed on it."""


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class _ItemsOf:
    key: object
    value: object


# ── static types over the deal model ──────────────────────────────────────────────────────
def _strip(annotation: object) -> object:
    """X | None → X; Annotated[X, …] → X."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _strip(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _strip(args[0]) if len(args) == 1 else UNKNOWN
    return annotation


def _is_model(t: object) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _item(t: object) -> object:
    t = _strip(t)
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin in (list, tuple) and args:
        return _strip(args[0])
    if isinstance(t, _ItemsOf):
        return UNKNOWN
    return UNKNOWN


_PLAIN_TYPES = (str, int, float, bool, dt.date)
# Filters whose attribute argument names a field of the list's items: (keyword, position or None).
_ATTRIBUTE_FILTERS = {"map": ("attribute", None), "selectattr": ("attribute", 0), "rejectattr": ("attribute", 0),
                      "sort": ("attribute", 2), "unique": ("attribute", 1), "groupby": ("attribute", 0),
                      "sum": ("attribute", 0), "min": ("attribute", 1), "max": ("attribute", 1)}


def _python_type(t: object) -> type | None:
    """The Python type whose attributes a value of annotation `t` has (lists and plain values), else None."""
    t = _strip(t)
    origin = typing.get_origin(t)
    if origin in (list, tuple):
        return origin
    if origin is typing.Literal:
        return type(typing.get_args(t)[0])
    return t if isinstance(t, type) and issubclass(t, _PLAIN_TYPES) and not _is_model(t) else None


def _kind(t: object) -> str:
    t = _strip(t)
    if typing.get_origin(t) in (list, tuple):
        item = _strip(typing.get_args(t)[0]) if typing.get_args(t) else None
        name = item.__name__ if isinstance(item, type) else "values"
        return f"a list of {name}; loop over it, or pick one item with [0] or | first"
    if typing.get_origin(t) is typing.Literal:
        return "one of " + ", ".join(map(repr, typing.get_args(t)))
    name = getattr(t, "__name__", "value")
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _describe(node: nodes.Node) -> str:
    """`exit.termination_for_convenience` for the expression that names a value, else 'the value'."""
    parts: list[str] = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
        elif isinstance(node.arg, nodes.Const):
            parts.append(f"[{node.arg.value!r}]")
        else:
            return "the value"
        node = node.node
    if not isinstance(node, nodes.Name):
        return "the value"
    return ".".join([node.name, *reversed(parts)]).replace(".[", "[")


def _attribute_argument(node: nodes.Filter) -> str | None:
    """The constant attribute name a filter such as map(attribute=…) or selectattr("…") is given."""
    if node.name not in _ATTRIBUTE_FILTERS:
        return None
    keyword, position = _ATTRIBUTE_FILTERS[node.name]
    for kw in node.kwargs:
        if kw.key == keyword and isinstance(kw.value, nodes.Const) and isinstance(kw.value.value, str):
            return kw.value.value
    if position is not None and len(node.args) > position and isinstance(node.args[position], nodes.Const):
        value = node.args[position].value
        return value if isinstance(value, str) else None
    return None


class _TemplateChecker:
    """Walks a template's AST with a scope of variable types, reporting unknown fields, names and filters."""

    def __init__(self, where: str, ids: set[str], clause_id: str):
        self.where, self.ids, self.clause_id = where, ids, clause_id
        self.problems: list[Problem] = []
        self.defined_inline: set[str] = set()
        self.root = {name: _strip(Deal.model_fields[name].annotation) for name in DEAL_SECTIONS}
        self.root["effective_date"] = UNKNOWN

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

    def visit_Macro(self, node: nodes.Macro, scope: dict) -> object:
        inner = dict(scope)
        for arg in node.args:
            inner[arg.name] = UNKNOWN
        inner.update(varargs=UNKNOWN, kwargs=UNKNOWN, caller=UNKNOWN)
        scope[node.name] = UNKNOWN
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

    def visit_Getattr(self, node: nodes.Getattr, scope: dict) -> object:
        base = _strip(self.visit(node.node, scope))
        if _is_model(base):
            field = base.model_fields.get(node.attr)
            if field is not None:
                return _strip(field.annotation)
            if hasattr(base, node.attr) and not node.attr.startswith("_"):
                return UNKNOWN  # a property or method of the model
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
        if node.args and isinstance(node.args[0], nodes.Const):
            target = str(node.args[0].value)
            if target not in self.ids:
                self.error(node, f"{node.node.name}(\"{target}\") names no clause or section of the library",
                           "unknown-ref")

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


# ── conditions that can never be true ─────────────────────────────────────────────────────
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

    def __init__(self, checker: _TemplateChecker, scope: dict):
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
            if node.name in self.scope or node.name not in DEAL_SECTIONS:
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
        return node.as_const(nodes.EvalContext(environment()))
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


# ── the lint ───────────────────────────────────────────────────────────────────────────────
_CAPITALISED_RUN = re.compile(r"(?:(?<=\s)|^)((?:[A-Z][a-z]+(?:[ -](?:of |and |the |for )?)?){2,})")
_SENTENCE_START = re.compile(r"(^|[.!?:;]\s+|\n\s*|\(\s*|\d\.\s+)$")


def lint_library(library: Library, known_ids: set[str] = frozenset()) -> list[Problem]:
    """Every finding for a loaded library (errors and warnings); `known_ids`: clauses that exist but could
    not be loaded."""
    problems: list[Problem] = []
    ids = {c.id for c in library.clauses} | set(library.sections) | set(known_ids)
    terms: dict[str, str] = {}  # term → clause id defining it
    inline: dict[str, str] = {}
    texts: dict[str, str] = {}
    for clause in library.clauses:
        for term in clause.meta.defines:
            if term in terms:
                problems.append(_at(clause, "defines", f"'{term}' is also defined by {terms[term]}", "duplicate-term"))
            terms.setdefault(term, clause.id)
        checker = _TemplateChecker(clause.path, ids, clause.id)
        problems += _check_source(checker, "\n" * (clause.body_line - 1) + clause.body, clause)
        for term in checker.defined_inline:
            if term in inline or term in terms:
                problems.append(_at(clause, "body", f"'{term}' is defined in place here and by "
                                                    f"{inline.get(term) or terms.get(term)}", "duplicate-term"))
            inline.setdefault(term, clause.id)
        for term, text in clause.meta.defines.items():
            problems += _check_source(_TemplateChecker(clause.path, ids, clause.id), text, clause,
                                      line=_front_line(clause, term))
        if clause.meta.when:
            problems += _check_condition(clause, ids)
        texts[clause.id] = _literal_text(clause.body)
        problems += _html(clause)
    problems += _term_findings(library, terms, inline, texts)
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.message))


def _at(clause: Clause, where: str, message: str, code: str, severity: str = "error") -> Problem:
    line = clause.body_line if where == "body" else _front_line(clause, where)
    return Problem(file=clause.path, line=line, path=clause.id, message=message, code=code, severity=severity)


def _front_line(clause: Clause, key: str) -> int | None:
    text = Path(clause.path).read_text(encoding="utf-8") if Path(clause.path).is_file() else ""
    for number, line in enumerate(text.split("\n"), start=1):
        if re.match(rf"^\s*{re.escape(key)}\s*:", line):
            return number
    return 2


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


def _check_condition(clause: Clause, ids: set[str]) -> list[Problem]:
    line = _front_line(clause, "when")
    try:
        tree = environment().parse("{{ (" + clause.meta.when + ") }}")
    except TemplateSyntaxError as exc:
        return [Problem(file=clause.path, line=line, path=clause.id,
                        message=f"condition is not a valid expression: {exc.message}", code="syntax")]
    checker = _TemplateChecker(clause.path, ids, clause.id)
    checker.check(tree)
    out = [Problem(**{**p.__dict__, "line": line}) for p in checker.problems]
    expression = tree.body[0].nodes[0] if tree.body and isinstance(tree.body[0], nodes.Output) else None
    why = _Truth(_TemplateChecker(clause.path, ids, clause.id), {}).never(expression) if expression else None
    if why:
        out.append(Problem(file=clause.path, line=line, path=clause.id,
                           message=f"condition can never be true, so the clause is never drafted: {why}",
                           code="impossible-condition"))
    return out


# Markdown that clause text may not contain (compose rejects it at draft time; lint says so first).
_REJECTED_BLOCKS = {"html_block": ("html", "raw HTML"), "heading_open": ("markdown", "headings"),
                    "blockquote_open": ("markdown", "block quotes"), "code_block": ("markdown", "code blocks"),
                    "fence": ("markdown", "code blocks"), "hr": ("markdown", "horizontal rules")}
_REJECTED_INLINES = {"html_inline": ("html", "raw HTML"), "image": ("markdown", "images"),
                     "code_inline": ("markdown", "inline code")}
_JINJA_TAG = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)


def _without_jinja(text: str) -> str:
    """Clause text with its Jinja tags and expressions replaced, line numbers kept: what Markdown will see
    around the values (an expression becomes a word, a tag nothing)."""
    def blank(match: re.Match) -> str:
        lines = match.group().count("\n")
        return "\n" * lines if lines or not match.group().startswith("{{") else "x"

    return _JINJA_TAG.sub(blank, text)


def _html(clause: Clause) -> list[Problem]:
    """Raw HTML and other Markdown outside the clause subset, in the text and in each definition."""
    # (text, its first line in the file, whether token lines count from there, what it is)
    sources = [(clause.body, clause.body_line, True, "clause text")]
    sources += [(text, _front_line(clause, term) or 2, False, f"the definition of '{term}'")
                for term, text in clause.meta.defines.items()]
    out = []
    for text, first_line, by_token, what in sources:
        for token in markdown().parse(_without_jinja(text)):
            found = [token] if token.type in _REJECTED_BLOCKS else [
                c for c in token.children or [] if c.type in _REJECTED_INLINES]
            for tok in found:
                code, name = _REJECTED_BLOCKS.get(tok.type) or _REJECTED_INLINES[tok.type]
                line = first_line + (token.map[0] if by_token and token.map else 0)
                shown = f": {tok.content.strip()[:40]}" if code == "html" else ""
                out.append(Problem(file=clause.path, line=line, path=clause.id,
                                   message=f"{name} {'is' if name == 'raw HTML' else 'are'} not allowed in "
                                           f"{what}{shown}", code=code))
    return out


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


# ── against a base revision ───────────────────────────────────────────────────────────────
def _comparable(clause: Clause) -> tuple:
    meta = {k: v for k, v in dataclasses.asdict(clause.meta).items() if k not in ("version", "changelog")}
    return (tuple(sorted((k, repr(v)) for k, v in meta.items())), clause.body.strip())


def compare_with_base(library: Library, base: Library, changelog_changed: bool) -> list[Problem]:
    """Version discipline: changed text needs a bump, versions never go backwards, the library records it."""
    out: list[Problem] = []
    old = base.by_id
    changed = False
    for clause in library.clauses:
        before = old.get(clause.id)
        if before is None:
            changed = True
            continue
        new_v, old_v = Version(clause.version), Version(before.version)
        if new_v < old_v:
            out.append(_at(clause, "version", f"version went backwards: {before.version} → {clause.version}", "version"))
        if _comparable(clause) != _comparable(before):
            changed = True
            if new_v <= old_v:
                out.append(_at(clause, "version", f"text changed since the base but the version is still "
                                                  f"{clause.version}; bump it and update `changelog`", "no-bump"))
        elif new_v != old_v:
            changed = True
        if new_v > old_v and clause.meta.changelog == before.meta.changelog:
            out.append(_at(clause, "changelog", f"version bumped to {clause.version} but `changelog` still says "
                                                f"what {before.version} changed", "changelog", "warning"))
    removed = set(old) - {c.id for c in library.clauses}
    settings = (dataclasses.replace(library.manifest, version="") != dataclasses.replace(base.manifest, version=""))
    changed = changed or bool(removed) or settings
    what = "clauses or library.yaml changed" if settings else "clauses changed"
    manifest = f"{library.root}/{MANIFEST}"
    current, before_v = Version(library.version), Version(base.version)
    if current < before_v:
        out.append(Problem(file=manifest, line=_manifest_line(library.root), path="version",
                           message=f"library version went backwards: {base.version} → {library.version}",
                           code="library-version"))
    elif changed and current == before_v:
        out.append(Problem(file=manifest, line=_manifest_line(library.root), path="version",
                           message=f"{what} since the base but the library version is still {library.version}",
                           code="library-version"))
    if changed and not changelog_changed:
        out.append(Problem(file=f"{library.root}/{CHANGELOG}", line=1,
                           message=f"{what} since the base but CHANGELOG.md was not updated", code="changelog"))
    elif current > before_v and not _has_entry(library.changelog, library.version):
        out.append(Problem(file=f"{library.root}/{CHANGELOG}", line=1,
                           message=f"CHANGELOG.md has no heading for the new library version {library.version}",
                           code="changelog"))
    return out


def _has_entry(changelog: str, version: str) -> bool:
    return any(line.lstrip().startswith("#") and re.search(rf"(?<![\d.]){re.escape(version)}(?![\d.])", line)
               for line in changelog.splitlines())


def _manifest_line(root: str) -> int | None:
    path = Path(root) / MANIFEST
    if path.is_file():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith("version:"):
                return number
    return None


def lint(root: Path, base: str | None = None) -> list[Problem]:
    """All findings for the library folder `root`; with `base`, also against that git revision."""
    from termsmith.library import git as gitstore

    library, problems = _load(Path(root))
    if library is None:
        return problems
    problems += lint_library(library, known_ids=_ids_of_unloaded(Path(root), problems))
    if base is not None:
        repo = gitstore.repo_root(Path(root).resolve())
        if repo is None:
            raise GitError(Problem(file=str(root), message="--base needs the library inside a git repository"))
        commit = gitstore.resolve(repo, base)
        subdir = Path(root).resolve().relative_to(repo.resolve()).as_posix()
        files = gitstore.read_tree(repo, commit, "" if subdir == "." else subdir)
        if MANIFEST not in files:
            return problems  # the library is new in this change: nothing to compare with
        try:
            base_library = library_from_files(files, f"{base}:{subdir}", commit=commit)
        except LibraryError:
            return problems
        current_log = (Path(root) / CHANGELOG).read_bytes() if (Path(root) / CHANGELOG).is_file() else b""
        problems += compare_with_base(library, base_library, files.get(CHANGELOG, b"") != current_log)
    return problems


def lint_revision(root: Path, rev: str, base: str | None = None) -> list[Problem]:
    """All findings for the library folder `root` as it was at git revision `rev`; findings name its files as
    they are in the folder."""
    import dataclasses
    import tempfile

    from termsmith.library import git as gitstore
    from termsmith.library.locate import describe_folder
    from termsmith.library.opening import note_used

    repo = gitstore.repo_root(root)
    if repo is None:
        raise LibraryError(Problem(file=str(root), message="--library-rev needs a clause library inside a git repository"))
    commit = gitstore.resolve(repo, rev)
    subdir = root.resolve().relative_to(repo.resolve()).as_posix()
    files = gitstore.read_tree(repo, commit, "" if subdir == "." else subdir)
    with tempfile.TemporaryDirectory(prefix="termsmith-lint-") as tmp:
        for name, data in files.items():
            (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / name).write_bytes(data)
        described = describe_folder(Path(tmp))
        note_used([described.replace(f"({tmp}, not in git)", f"({root}, commit {commit[:12]})")])
        findings = lint(Path(tmp), base=base)
    return [dataclasses.replace(p, file=p.file.replace(tmp, str(root), 1)) if p.file.startswith(tmp) else p
            for p in findings]


def _load(root: Path) -> tuple[Library | None, list[Problem]]:
    """The library, and the problems that stop it loading. A clause file that cannot be read is left out so
    the rest is still checked: lint reports every fault at once, not one per run."""
    try:
        return load_library(root), []
    except LibraryError as exc:
        problems = [_located(root, p) for p in exc.problems]
    broken = {p.file for p in problems}
    if str(root / MANIFEST) in broken or not (root / MANIFEST).is_file():
        return None, problems
    files = {MANIFEST: (root / MANIFEST).read_bytes()}
    if (root / CHANGELOG).is_file():
        files[CHANGELOG] = (root / CHANGELOG).read_bytes()
    for path in sorted((root / CLAUSE_DIR).rglob("*.md")):
        if f"{root}/{path.relative_to(root).as_posix()}" not in broken:
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    try:
        return library_from_files(files, str(root)), problems
    except LibraryError:
        return None, problems


def _located(root: Path, problem: Problem) -> Problem:
    """A loading problem with a code, and a line where the library left it out."""
    code = problem.code or ("duplicate-id" if "duplicate clause id" in problem.message else "front-matter")
    line = problem.line
    if line is None and problem.path and Path(problem.file).is_file():
        for number, text in enumerate(Path(problem.file).read_text(encoding="utf-8", errors="replace").split("\n"), 1):
            if re.match(rf"^\s*{re.escape(problem.path.split('.')[0])}\s*:", text):
                line = number
                break
    return Problem(**{**problem.__dict__, "code": code, "line": line})


def _ids_of_unloaded(root: Path, problems: list[Problem]) -> set[str]:
    """Ids of the clause files left out of the load, so references to them are not reported as well."""
    ids = set()
    for file in {p.file for p in problems}:
        path = Path(file)
        if path.suffix == ".md" and path.is_file():
            found = re.search(r"^id:\s*([\w.-]+)\s*$", path.read_text(encoding="utf-8", errors="replace"), re.MULTILINE)
            if found:
                ids.add(found.group(1))
    return ids
