"""Check a clause library for a pull request: structure, templates against the deal model, references, terms, versions."""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes
from packaging.version import Version
from pydantic import BaseModel

from termsmith.compose import term_pattern
from termsmith.deal import Deal, Party
from termsmith.errors import GitError, LibraryError, Problem
from termsmith.library import CHANGELOG, MANIFEST, Clause, Library, library_from_files, load_library
from termsmith.mdparse import markdown
from termsmith.templating import DEAL_SECTIONS, environment

# Names a template may use besides the deal's sections (see clause_library/README.md).
HELPERS = {"party", "multi", "other_parties", "all_parties", "effective_date", "ref", "has", "define"}
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
        if node.name in _LIST_FILTERS:
            return value
        if node.name in ("first", "last"):
            return _item(value)
        return UNKNOWN


# ── conditions that can never be true ─────────────────────────────────────────────────────
def _literal_values(t: object) -> tuple | None:
    t = _strip(t)
    if typing.get_origin(t) is typing.Literal:
        return typing.get_args(t)
    return None


def _impossible(tree: nodes.Node, checker: _TemplateChecker, scope: dict) -> list[str]:
    out = []
    for compare in tree.find_all(nodes.Compare):
        left = checker.visit(compare.expr, scope)
        allowed = _literal_values(left)
        for operand in compare.ops:
            if allowed is None:
                continue
            values = None
            if operand.op == "eq" and isinstance(operand.expr, nodes.Const):
                values = [operand.expr.value]
            elif operand.op == "in" and isinstance(operand.expr, (nodes.List, nodes.Tuple)):
                values = [i.value for i in operand.expr.items if isinstance(i, nodes.Const)]
            if values is not None and not set(values) & set(allowed):
                out.append(f"can never be true: {', '.join(map(repr, values))} is not one of "
                           f"{', '.join(map(repr, allowed))}")
    return out


# ── the lint ───────────────────────────────────────────────────────────────────────────────
_CAPITALISED_RUN = re.compile(r"(?:(?<=\s)|^)((?:[A-Z][a-z]+(?:[ -](?:of |and |the |for )?)?){2,})")
_SENTENCE_START = re.compile(r"(^|[.!?:;]\s+|\n\s*|\(\s*|\d\.\s+)$")


def lint_library(library: Library, files: dict[str, str] | None = None) -> list[Problem]:
    """Every finding for a loaded library (errors and warnings)."""
    problems: list[Problem] = []
    ids = {c.id for c in library.clauses} | set(library.sections)
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
    quiet = _TemplateChecker(clause.path, ids, clause.id)
    for message in _impossible(tree, quiet, {}):
        out.append(Problem(file=clause.path, line=line, path=clause.id, message=f"condition {message}",
                           code="impossible-condition"))
    body = tree.body[0].nodes[0] if tree.body and isinstance(tree.body[0], nodes.Output) else None
    if isinstance(body, nodes.Const) and not body.value:
        out.append(Problem(file=clause.path, line=line, path=clause.id, message="condition is always false",
                           code="impossible-condition"))
    return out


def _html(clause: Clause) -> list[Problem]:
    out = []
    for token in markdown().parse(clause.body):
        found = [token] if token.type == "html_block" else [c for c in token.children or [] if c.type == "html_inline"]
        for tok in found:
            line = clause.body_line + (token.map[0] if token.map else 0)
            out.append(Problem(file=clause.path, line=line, path=clause.id,
                               message=f"raw HTML is not allowed in clause text: {tok.content.strip()[:40]}",
                               code="html"))
    return out


def _literal_text(body: str) -> str:
    """The clause's own words: Jinja tags and expressions removed."""
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}", " ", body, flags=re.S)
    return re.sub(r"\{\{.*?\}\}", " X ", text, flags=re.S)


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
    meta = clause.meta.model_dump(exclude={"version", "changelog"})
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
    removed = set(old) - {c.id for c in library.clauses}
    changed = changed or bool(removed)
    manifest = f"{library.root}/{MANIFEST}"
    if changed and Version(library.version) <= Version(base.version):
        out.append(Problem(file=manifest, line=_manifest_line(library.root), path="version",
                           message=f"clauses changed since the base but the library version is still {library.version}",
                           code="library-version"))
    if changed and not changelog_changed:
        out.append(Problem(file=f"{library.root}/{CHANGELOG}", line=1,
                           message="clauses changed since the base but CHANGELOG.md was not updated", code="changelog"))
    return out


def _manifest_line(root: str) -> int | None:
    path = Path(root) / MANIFEST
    if path.is_file():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith("version:"):
                return number
    return None


def lint(root: Path, base: str | None = None) -> list[Problem]:
    """All findings for the library folder `root`; with `base`, also against that git revision."""
    from termsmith import gitstore

    try:
        library = load_library(root)
    except LibraryError as exc:
        return exc.problems
    problems = lint_library(library)
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
