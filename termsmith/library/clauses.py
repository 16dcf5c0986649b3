"""The clause library: clause files with front matter, and the library manifest that orders them."""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from termsmith.errors import LibraryError, Problem
from termsmith.library.frontmatter import FrontMatter

if TYPE_CHECKING:
    from packaging.version import Version

MANIFEST = "library.yaml"
CHANGELOG = "CHANGELOG.md"
CLAUSE_DIR = "clauses"
DEFINITIONS_CLAUSE = "definitions.terms"
_DEFINE_CALL = re.compile(r"""define\(\s*["']([^"'{}]+)["']\s*\)""")


@dataclass(frozen=True)
class StyleSpec:
    """A house style for a family of legal systems (library.yaml `house_style.styles`)."""

    name: str
    paper: str = "A4"
    locale: str = "en-GB"
    replace: tuple[tuple[str, str], ...] = ()
    words: tuple[tuple[str, str], ...] = ()  # cover and execution words of this style (over the language's)


@dataclass(frozen=True)
class HouseStyleSpec:
    """`house_style` of library.yaml: how numbers are written, the status line of a draft, the styles."""

    numbers: Literal["figures", "words"] = "figures"
    draft_status: str = "Draft \u2014 subject to contract"
    base: str | None = None  # the style clause text is written in
    shared_words: tuple[str, ...] = ()  # another style's words that are right in the base style too
    styles: tuple[StyleSpec, ...] = ()


@dataclass(frozen=True)
class LegalSystemSpec:
    """A legal system the library drafts for (library.yaml `legal_systems`)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    style: str
    locale: str | None
    replace: tuple[tuple[str, str], ...]
    facts: tuple[tuple[str, object], ...]  # what clause text reads as legal_system.<name>


@dataclass(frozen=True)
class LanguageSpec:
    """A language the clause text is written in, with the words printed around the clauses."""

    code: str
    name: str
    words: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SectionSpec:
    """An article, schedule or the signature page, in the order of the agreement."""

    id: str
    title: str
    kind: Literal["article", "schedule", "signatures"] = "article"
    titles: tuple[tuple[str, str], ...] = ()  # (deal kind, title): the title for deals of that kind

    def title_for(self, deal_kind: str | None) -> str:
        """The title a deal of this kind prints (`titles` in library.yaml), else the section's title."""
        return dict(self.titles).get(deal_kind or "", self.title)


@dataclass(frozen=True)
class Manifest:
    """library.yaml, as checked by `library_schema.ManifestModel`."""

    name: str
    version: str
    owner: str
    house_style: HouseStyleSpec
    proper_nouns: tuple[str, ...]
    sections: tuple[SectionSpec, ...]
    version_line: int | None = None  # the line of `version:` in library.yaml, read when parsed
    drafts_deals_for: tuple[str, ...] = ()  # earlier versions whose deals this one drafts (reworded)
    languages: tuple[LanguageSpec, ...] = ()
    legal_systems: tuple[LegalSystemSpec, ...] = ()
    terms: tuple = ()  # (name, library.terms.TermDeclaration) for each deal term the library declares
    rules: tuple = ()  # library.rules.Rule: business rules over the deal and its terms
    reference_rates: tuple[tuple[str, str], ...] = ()  # (currency, the rate a late-payment margin is added to)


@dataclass(frozen=True)
class Clause:
    """One clause file: its front matter, its Markdown/Jinja body and where the body starts."""

    meta: FrontMatter
    body: str
    path: str  # relative to the library root, e.g. clauses/exit/cure.md
    body_line: int  # 1-based line of the body's first line in the file
    lines: tuple[tuple[str, int], ...] = ()  # front-matter key ('when', 'defines.Term') → its line, read when parsed
    # the deal's own wording (an override's text): drafted as the deal has it, without the house style's word
    # changes, which apply to the library's words, as they never apply to a deal's values
    deal_wording: bool = False

    def line_of(self, key: str) -> int:
        """The line of a front-matter key (`defines.Term` for one definition); the header's first line if absent."""
        return dict(self.lines).get(key) or dict(self.lines).get(key.split(".")[0]) or 2

    @functools.cached_property  # read all over composing: kept on the clause after the first read
    def id(self) -> str:
        return self.meta.id

    @functools.cached_property
    def reads(self) -> tuple[str, ...]:
        """The dotted deal fields the clause reads in its text, its definitions and its condition, sorted
        (`draft.conditions`). Parsing templates is slow: this is worked out once per clause, and a library
        cached on disk carries it (`library.cache`)."""
        from termsmith.draft.conditions import fields_read, template_fields

        chains = set(template_fields(self.body))
        for definition in self.meta.defines.values():
            chains |= set(template_fields(definition))
        if self.meta.when:
            chains |= set(fields_read(self.meta.when))
        return tuple(sorted(chains))

    @functools.cached_property
    def terms(self) -> frozenset[str]:
        """The deal terms (`terms.NAME`) the clause's condition and text read, worked out once per clause."""
        from termsmith.library.terms import terms_read

        return frozenset(terms_read(f"{self.meta.when or ''}\n{self.body}"))

    @property
    def version(self) -> str:
        return self.meta.version


@dataclass(frozen=True)
class Library:
    """A loaded clause library (from a folder, or from a git revision)."""

    root: str  # folder, or 'REV:path' for a git revision
    manifest: Manifest
    clauses: tuple[Clause, ...]
    changelog: str = ""
    commit: str | None = None

    @property
    def version(self) -> str:
        return self.manifest.version

    @functools.cached_property
    def by_id(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}

    @functools.cached_property
    def inline_terms(self) -> dict[str, str]:
        """Terms clauses define in place with a literal `define("Term")`, and the clause that does."""
        found: dict[str, str] = {}
        for clause in self.clauses:
            for term in _DEFINE_CALL.findall(clause.body):
                found.setdefault(term, clause.id)
        return found

    @functools.cached_property
    def sections(self) -> dict[str, SectionSpec]:
        return {s.id: s for s in self.manifest.sections}

    @functools.cached_property
    def in_order(self) -> tuple[Clause, ...]:
        """The clauses in the order of an agreement: by section, then by their `order`, then by id."""
        section_order = {s.id: i for i, s in enumerate(self.manifest.sections)}
        return tuple(sorted(self.clauses, key=lambda c: (section_order[c.meta.area], c.meta.order, c.id)))

    @functools.cached_property
    def texts(self) -> dict[str, str]:
        """Each clause's condition and template text, by clause id: what tells which clauses read a field."""
        return {c.id: f"{c.meta.when or ''}\n{c.body}" for c in self.clauses}

    def template(self, clause: Clause, restyle=None):
        """The clause's compiled template, its words in the house style of `restyle` (`housestyle.Restyle`)
        when given."""
        return compile_template(clause.body, clause.path, clause.body_line, restyle or None)

    def definition_template(self, clause: Clause, term: str, restyle=None):
        """The compiled template of the definition `clause` gives `term` in its front matter (`defines`)."""
        return compile_template(clause.meta.defines[term], f"{clause.path}#defines.{term}", 1, restyle or None)


# Each draft asks again for the templates of the clauses the one before it drafted: looked up by the clause
# text itself (whose hash Python keeps), a template is found without restyling, padding and checksumming the
# text again. The templates are kept by templating.compile_cached; this keeps only the way to them.
@functools.lru_cache(maxsize=32_768)  # above what a draft of 8,000 clauses asks for
def compile_template(body: str, path: str, first_line: int = 1, restyle=None):
    """Compile clause text (in the house style of `restyle`); template line numbers equal file line numbers."""
    from jinja2 import TemplateSyntaxError

    from termsmith.draft.templating import compile_cached

    source = "\n" * (first_line - 1) + (restyle.source(body) if restyle else body)
    try:
        return compile_cached(source, path)
    except TemplateSyntaxError as exc:
        raise LibraryError(Problem(file=path, line=exc.lineno, message=f"template syntax error: {exc.message}")) from None


def _yaml_loader():
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split_front_matter(text: str, path: str) -> tuple[dict, str, int, dict[str, int]]:
    """(front matter mapping, body, body's first line, line of each key) of a clause file. The lines come
    from the YAML parse itself: a key's line is where the parser found it (`defines.Term` for a definition)."""
    import yaml  # here, not at the top: a library read from the cache needs no YAML

    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise LibraryError(Problem(file=path, line=1, message="a clause file starts with '---' and YAML front matter"))
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        raise LibraryError(Problem(file=path, line=1, message="front matter is not closed by a '---' line"))
    header = "\n".join(lines[1:end])
    loader = None
    try:
        loader = _yaml_loader()(header)
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else None
    except yaml.reader.ReaderError as exc:  # a control character (ESC, BEL) YAML refuses before parsing
        from termsmith.deal.load import refused_character

        line, _, said = refused_character(exc, header)
        raise LibraryError(Problem(file=path, line=line + 1, message=f"front matter: {said or exc.reason}")) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else 1
        raise LibraryError(Problem(file=path, line=line, message=f"front matter: {exc.problem}")) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(meta, dict):
        raise LibraryError(Problem(file=path, line=2, message="front matter must be a mapping"))
    return meta, "\n".join(lines[end + 1:]).strip("\n") + "\n", end + 2, _key_lines(node)


def _key_lines(node) -> dict[str, int]:
    """File line of each top-level key of the front matter, and of each key under `defines`."""
    found: dict[str, int] = {}
    for key, value in getattr(node, "value", ()) if type(node).__name__ == "MappingNode" else ():
        name = str(getattr(key, "value", ""))
        found.setdefault(name, key.start_mark.line + 2)  # the header starts on the file's second line
        if name == "defines" and type(value).__name__ == "MappingNode":
            for term, _ in value.value:
                found.setdefault(f"defines.{term.value}", term.start_mark.line + 2)
    return found


def parse_clause(text: str, path: str) -> Clause:
    from pydantic import ValidationError

    meta, body, body_line, key_lines = split_front_matter(text, path)
    try:
        front = FrontMatter.model_validate(meta)
    except ValidationError as exc:
        raise LibraryError([
            Problem(file=path, line=key_lines.get(str(err["loc"][0]), 2) if err["loc"] else 2,
                    path=".".join(map(str, err["loc"])), message=err["msg"].removeprefix("Value error, "))
            for err in exc.errors()
        ]) from None
    # blank lines between the front matter and the text are stripped: count them back in
    rest = text.split("\n")[body_line - 1:]
    lead = next((i for i, line in enumerate(rest) if line.strip()), 0)
    return Clause(meta=front, body=body, path=path, body_line=body_line + lead, lines=tuple(key_lines.items()))


MAX_FILE_BYTES = 1_000_000  # a clause file, library.yaml or CHANGELOG.md: far larger than any real one
_IGNORED = re.compile(r"^(\.|#.*#$)|~$|\.(swp|swo|bak|orig|tmp)$")  # hidden, editor lock and backup files


def load_library(root: Path) -> Library:
    """Read a library folder; every problem in it is reported at once."""
    root = Path(root)
    if not (root / MANIFEST).is_file():
        raise LibraryError(Problem(file=str(root / MANIFEST), message="no clause library here (library.yaml is missing)"))
    files, problems = library_files(root)
    if problems:
        raise LibraryError(problems)
    return library_from_files(files, str(root))


def library_files(root: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """{relative path: bytes} of library.yaml, CHANGELOG.md and every clause file.

    Only regular files inside the library are read: a link leading out of it (to a secret, or to
    /dev/zero), a FIFO or a device is a problem, not content; hidden files, editor lock files
    (`.#notices.md`, often a dangling link while a file is open) and backups are passed over.
    """
    base = root.resolve()
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    wanted = [root / MANIFEST] + ([root / CHANGELOG] if (root / CHANGELOG).exists() else [])
    clause_dir = root / CLAUSE_DIR
    if clause_dir.is_symlink() and not _inside(clause_dir, base):
        problems.append(Problem(file=str(clause_dir), message="is a link to a folder outside the library; not read"))
    elif clause_dir.is_dir():
        for folder, dirs, names in os.walk(clause_dir):
            dirs[:] = sorted(d for d in dirs if not _IGNORED.search(d) and _inside(Path(folder) / d, base))
            wanted += [Path(folder) / n for n in sorted(names) if n.endswith(".md") and not _IGNORED.search(n)]
    for path in wanted:
        shown = str(path)
        if not _inside(path, base):
            problems.append(Problem(file=shown, message=(
                "is a loop of links; not read" if _loops(path) else "is a link to a file outside the library; not read")))
            continue
        try:
            st = path.stat()
        except OSError:
            problems.append(Problem(file=shown, message="is a dangling link; not read"))
            continue
        if not stat.S_ISREG(st.st_mode):
            problems.append(Problem(file=shown, message="is not a regular file; not read"))
        elif st.st_size > MAX_FILE_BYTES:
            problems.append(Problem(file=shown, message=f"is larger than {MAX_FILE_BYTES // 1000} kB; not read"))
        else:
            with path.open("rb") as fh:
                files[path.relative_to(root).as_posix()] = fh.read(MAX_FILE_BYTES + 1)
    return files, problems


def _loops(path: Path) -> bool:
    """The path is a link that leads, through other links, back to itself."""
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _inside(path: Path, base: Path) -> bool:
    try:
        return path.resolve().is_relative_to(base)
    except (OSError, RuntimeError):  # a link loop
        return False


def library_from_files(files: dict[str, bytes], root: str, commit: str | None = None) -> Library:
    """Build a Library from {relative path: bytes} (a folder or a git tree)."""
    problems: list[Problem] = []
    manifest = _manifest(files, root)
    clauses: list[Clause] = []
    for path in sorted(p for p in files if p.startswith(CLAUSE_DIR + "/") and p.endswith(".md")):
        shown = f"{root}/{path}"
        try:
            clauses.append(parse_clause(files[path].decode("utf-8"), shown))
        except UnicodeDecodeError:
            problems.append(Problem(file=shown, message="not valid UTF-8"))
        except LibraryError as exc:
            problems += exc.problems
    problems += _structure_problems(manifest, clauses, root)
    if not clauses and not problems:
        problems.append(Problem(file=f"{root}/{CLAUSE_DIR}", message="the library has no clause files; it cannot draft"))
    if problems:
        raise LibraryError(problems)
    return Library(
        root=root, manifest=manifest, clauses=tuple(clauses), commit=commit,
        changelog=files.get(CHANGELOG, b"").decode("utf-8", "replace"),
    )


def _manifest(files: dict[str, bytes], root: str) -> Manifest:
    import yaml
    from pydantic import ValidationError

    from termsmith.library.frontmatter import ManifestModel

    shown = f"{root}/{MANIFEST}"
    try:
        data = yaml.load(files[MANIFEST].decode("utf-8"), Loader=_yaml_loader())
    except KeyError:
        raise LibraryError(Problem(file=shown, message="library.yaml is missing")) from None
    except UnicodeDecodeError:
        raise LibraryError(Problem(file=shown, message="not valid UTF-8")) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise LibraryError(Problem(file=shown, line=line, message=f"YAML syntax error: {exc.problem}")) from None
    except yaml.reader.ReaderError as exc:  # one line, with the line the character is on
        from termsmith.deal.load import refused_character

        line, _, said = refused_character(exc, files[MANIFEST].decode("utf-8"))
        raise LibraryError(Problem(file=shown, line=line,
                                   message=said or f"not readable as YAML: {exc.reason}")) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise LibraryError(Problem(file=shown, message=f"not readable as YAML: {exc}")) from None
    try:
        m = ManifestModel.model_validate(data)
    except ValidationError as exc:
        raise LibraryError([
            Problem(file=shown, path=".".join(map(str, e["loc"])), message=e["msg"].removeprefix("Value error, "))
            for e in exc.errors()
        ]) from None
    styles = tuple(StyleSpec(name, s.paper, s.locale, tuple(s.replace.items()), tuple(s.words.items()))
                   for name, s in m.house_style.styles.items())
    terms = _term_declarations(m.terms, shown, files[MANIFEST].decode("utf-8"))
    rules = _rules(m.rules, shown, files[MANIFEST].decode("utf-8"))
    return Manifest(name=m.name, version=m.version, owner=m.owner, terms=terms, rules=rules,
                    drafts_deals_for=tuple(m.drafts_deals_for),
                    house_style=HouseStyleSpec(numbers=m.house_style.numbers, draft_status=m.house_style.draft_status,
                                               base=m.house_style.base, shared_words=tuple(m.house_style.shared_words),
                                               styles=styles),
                    proper_nouns=tuple(m.proper_nouns),
                    sections=tuple(SectionSpec(id=x.id, title=x.title, kind=x.kind, titles=tuple(x.titles.items()))
                                   for x in m.sections),
                    languages=tuple(LanguageSpec(code, x.name, tuple(x.words.items())) for code, x in m.languages.items()),
                    legal_systems=tuple(
                        LegalSystemSpec(id=sid, name=x.name, aliases=tuple(x.aliases), style=x.style, locale=x.locale,
                                        replace=tuple(x.replace.items()), facts=tuple(x.facts().items()))
                        for sid, x in m.legal_systems.items()),
                    reference_rates=tuple(sorted(m.reference_rates.items())),
                    version_line=_top_key_line(files[MANIFEST].decode("utf-8"), "version"))


def _top_key_line(text: str, key: str) -> int | None:
    """The line of a top-level key of library.yaml (the file was just parsed: it is valid YAML)."""
    return next((n for n, line in enumerate(text.split("\n"), 1) if re.match(rf"{key}\s*:", line)), None)


def _term_declarations(raw: dict, shown: str, text: str) -> tuple:
    """The library's deal terms, or a LibraryError for each declaration it gets wrong."""
    from termsmith.deal.model import Deal
    from termsmith.library.terms import declaration_problems, declarations_of

    if not raw:
        return ()
    line = _top_key_line(text, "terms")
    problems = declaration_problems(raw, set(Deal.model_fields))
    if problems:
        raise LibraryError([Problem(file=shown, line=line, path=".".join(map(str, ("terms", *path))), message=message)
                            for path, message in problems])
    return tuple(sorted(declarations_of(raw).items()))


def _rules(raw: list, shown: str, text: str) -> tuple:
    """The library's business rules, or a LibraryError for each rule it gets wrong."""
    from termsmith.library.rules import rule_problems, rules_of

    if not raw:
        return ()
    problems = rule_problems(raw)
    if problems:
        line = _top_key_line(text, "rules")
        raise LibraryError([Problem(file=shown, line=line, path=".".join(map(str, ("rules", *path))), message=message)
                            for path, message in problems])
    return rules_of(raw)


def _structure_problems(manifest: Manifest, clauses: list[Clause], root: str) -> list[Problem]:
    problems = []
    section_ids = [s.id for s in manifest.sections]
    for dup in {s for s in section_ids if section_ids.count(s) > 1}:
        problems.append(Problem(file=f"{root}/{MANIFEST}", message=f"section '{dup}' is listed twice"))
    seen: dict[str, str] = {}
    for clause in clauses:
        if clause.id in seen:
            problems.append(Problem(file=clause.path, line=clause.line_of("id"), path="id",
                                    message=f"duplicate clause id '{clause.id}' (also in {seen[clause.id]})"))
        seen.setdefault(clause.id, clause.path)
        if clause.meta.area not in section_ids:
            problems.append(Problem(file=clause.path, line=clause.line_of("area"), path="area",
                                    message=f"area '{clause.meta.area}' is not a section in library.yaml"))
        if clause.id in section_ids:
            problems.append(Problem(file=clause.path, line=clause.line_of("id"), path="id",
                                    message="a clause id must differ from every section id"))
    return problems


def version_key(version: str) -> Version:
    from packaging.version import InvalidVersion, Version  # only lint, lock and redline compare versions

    try:
        return Version(version)
    except InvalidVersion:
        return Version("0")
