"""The clause library: clause files with front matter, and the library manifest that orders them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from termsmith.errors import LibraryError, Problem

if TYPE_CHECKING:
    from packaging.version import Version

MANIFEST = "library.yaml"
CHANGELOG = "CHANGELOG.md"
CLAUSE_DIR = "clauses"
DEFINITIONS_CLAUSE = "definitions.terms"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DEFINE_CALL = re.compile(r"""define\(\s*["']([^"'{}]+)["']\s*\)""")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
ClauseId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$")]
SectionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]


def _semver(value: str) -> str:
    if not _SEMVER.match(str(value)):
        raise ValueError(f"'{value}' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0)")
    return str(value)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrontMatter(_Strict):
    """The header of a clause file."""

    id: ClauseId = Field(description="Unique id, '<area>.<name>'.")
    version: str = Field(description="Semantic version of the clause text.")
    title: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    area: SectionId = Field(description="The section (article or schedule) the clause belongs to.")
    order: int = Field(description="Position in the section.")
    when: str | None = Field(default=None, description="Condition under which the clause applies.")
    changelog: Annotated[str, StringConstraints(min_length=1)] = Field(description="What this version changed.")
    defines: dict[str, str] = Field(default_factory=dict, description="Defined terms this clause brings.")
    heading: bool = Field(default=True, description="Print the title run-in before the text.")

    _check_version = field_validator("version", mode="before")(classmethod(lambda cls, v: _semver(v)))


class HouseStyleSpec(_Strict):
    numbers: Literal["figures", "words"] = "figures"


class SectionSpec(_Strict):
    """An article, schedule or the signature page, in the order of the agreement."""

    id: SectionId
    title: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    kind: Literal["article", "schedule", "signatures"] = "article"


class Manifest(_Strict):
    """library.yaml."""

    name: str
    version: str
    owner: str
    house_style: HouseStyleSpec = Field(default_factory=HouseStyleSpec)
    proper_nouns: list[str] = Field(default_factory=list, description="Capitalised phrases that are not defined terms.")
    sections: list[SectionSpec] = Field(min_length=1)

    _check_version = field_validator("version", mode="before")(classmethod(lambda cls, v: _semver(v)))


@dataclass(frozen=True)
class Clause:
    """One clause file: its front matter, its Markdown/Jinja body and where the body starts."""

    meta: FrontMatter
    body: str
    path: str  # relative to the library root, e.g. clauses/exit/cure.md
    body_line: int  # 1-based line of the body's first line in the file

    @property
    def id(self) -> str:
        return self.meta.id

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
    _templates: dict = field(default_factory=dict, compare=False, repr=False)

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

    def template(self, clause: Clause):
        """The clause's compiled template (compiled once per library)."""
        if clause.id not in self._templates:
            self._templates[clause.id] = compile_template(
                clause.body, clause.path, clause.body_line)
        return self._templates[clause.id]


def compile_template(body: str, path: str, first_line: int = 1):
    """Compile clause text; template line numbers equal file line numbers."""
    from jinja2 import TemplateSyntaxError

    from termsmith.templating import compile_cached

    source = "\n" * (first_line - 1) + body
    try:
        return compile_cached(source, path)
    except TemplateSyntaxError as exc:
        raise LibraryError(Problem(file=path, line=exc.lineno, message=f"template syntax error: {exc.message}")) from None


def split_front_matter(text: str, path: str) -> tuple[dict, str, int]:
    """(front matter mapping, body, body's first line) of a clause file."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise LibraryError(Problem(file=path, line=1, message="a clause file starts with '---' and YAML front matter"))
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        raise LibraryError(Problem(file=path, line=1, message="front matter is not closed by a '---' line"))
    try:
        meta = yaml.load("\n".join(lines[1:end]), Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark else 1
        raise LibraryError(Problem(file=path, line=line, message=f"front matter: {exc.problem}")) from None
    if not isinstance(meta, dict):
        raise LibraryError(Problem(file=path, line=2, message="front matter must be a mapping"))
    return meta, "\n".join(lines[end + 1:]).strip("\n") + "\n", end + 2


def parse_clause(text: str, path: str) -> Clause:
    meta, body, body_line = split_front_matter(text, path)
    try:
        front = FrontMatter.model_validate(meta)
    except ValidationError as exc:
        raise LibraryError([
            Problem(file=path, line=_front_line(text, err["loc"]), path=".".join(map(str, err["loc"])),
                    message=err["msg"].removeprefix("Value error, "))
            for err in exc.errors()
        ]) from None
    # blank lines between the front matter and the text are stripped: count them back in
    rest = text.split("\n")[body_line - 1:]
    lead = next((i for i, line in enumerate(rest) if line.strip()), 0)
    return Clause(meta=front, body=body, path=path, body_line=body_line + lead)


def _front_line(text: str, loc: tuple) -> int | None:
    if not loc:
        return 2
    for number, line in enumerate(text.split("\n"), start=1):
        if re.match(rf"^{re.escape(str(loc[0]))}\s*:", line):
            return number
    return 2


def load_library(root: Path) -> Library:
    """Read a library folder; every problem in it is reported at once."""
    root = Path(root)
    if not (root / MANIFEST).is_file():
        raise LibraryError(Problem(file=str(root / MANIFEST), message="no clause library here (library.yaml is missing)"))
    files = {MANIFEST: (root / MANIFEST).read_bytes()}
    if (root / CHANGELOG).is_file():
        files[CHANGELOG] = (root / CHANGELOG).read_bytes()
    for path in sorted((root / CLAUSE_DIR).rglob("*.md")):
        files[path.relative_to(root).as_posix()] = path.read_bytes()
    return library_from_files(files, str(root))


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
    if problems:
        raise LibraryError(problems)
    return Library(
        root=root, manifest=manifest, clauses=tuple(clauses), commit=commit,
        changelog=files.get(CHANGELOG, b"").decode("utf-8", "replace"),
    )


def _manifest(files: dict[str, bytes], root: str) -> Manifest:
    shown = f"{root}/{MANIFEST}"
    try:
        data = yaml.load(files[MANIFEST].decode("utf-8"), Loader=_YAML_LOADER)
        return Manifest.model_validate(data)
    except KeyError:
        raise LibraryError(Problem(file=shown, message="library.yaml is missing")) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise LibraryError(Problem(file=shown, line=line, message=f"YAML syntax error: {exc.problem}")) from None
    except ValidationError as exc:
        raise LibraryError([
            Problem(file=shown, path=".".join(map(str, e["loc"])), message=e["msg"].removeprefix("Value error, "))
            for e in exc.errors()
        ]) from None


def _structure_problems(manifest: Manifest, clauses: list[Clause], root: str) -> list[Problem]:
    problems = []
    section_ids = [s.id for s in manifest.sections]
    for dup in {s for s in section_ids if section_ids.count(s) > 1}:
        problems.append(Problem(file=f"{root}/{MANIFEST}", message=f"section '{dup}' is listed twice"))
    seen: dict[str, str] = {}
    for clause in clauses:
        if clause.id in seen:
            problems.append(Problem(file=clause.path, line=2, path="id",
                                    message=f"duplicate clause id '{clause.id}' (also in {seen[clause.id]})"))
        seen.setdefault(clause.id, clause.path)
        if clause.meta.area not in section_ids:
            problems.append(Problem(file=clause.path, path="area",
                                    message=f"area '{clause.meta.area}' is not a section in library.yaml"))
        if clause.id in section_ids:
            problems.append(Problem(file=clause.path, path="id", message="a clause id must differ from every section id"))
    return problems


def version_key(version: str) -> Version:
    from packaging.version import InvalidVersion, Version  # only lint, lock and redline compare versions

    try:
        return Version(version)
    except InvalidVersion:
        return Version("0")
