"""Check a clause library for a pull request, one module per family of checks: front matter (`frontmatter`),
templates against the deal model (`templates`) and their references (`references`), conditions
(`conditions`, `when`), the Markdown subset (`markdown`), defined terms (`terms`), the legal systems' facts and
house-style spelling (`style`), versions (`versions`) and text that could exhaust the renderer (`cost`)."""

from __future__ import annotations

from pathlib import Path

from termsmith.errors import LibraryError, Problem
from termsmith.library.clauses import Library
from termsmith.lint.cost import cost_findings
from termsmith.lint.declared import term_findings
from termsmith.lint.frontmatter import _at, _ids_of_unloaded, _load
from termsmith.lint.markdown import _html, _joined_paragraphs
from termsmith.lint.style import style_findings
from termsmith.lint.templates import _check_source, _TemplateChecker
from termsmith.lint.terms import _literal_text, _term_findings
from termsmith.lint.versions import against_base
from termsmith.lint.when import _check_condition

__all__ = ["lint", "lint_library", "lint_revision"]


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
                                      line=clause.line_of(f"defines.{term}"))
        if clause.meta.when:
            problems += _check_condition(clause, ids)
        texts[clause.id] = _literal_text(clause.body)
        problems += _html(clause)
        problems += _joined_paragraphs(clause)
        problems += cost_findings(clause)
    problems += _term_findings(library, terms, inline, texts)
    problems += style_findings(library)
    problems += term_findings(library)
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.message))


def lint(root: Path, base: str | None = None) -> list[Problem]:
    """All findings for the library folder `root`; with `base`, also against that git revision."""
    library, files, problems = _load(Path(root))
    if library is None:
        return problems
    problems += lint_library(library, known_ids=_ids_of_unloaded(files, problems))
    if base is not None:
        problems += against_base(Path(root), library, base, files)
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
        raise LibraryError(Problem(file=str(root), message=f"revision '{rev}' needs a clause library inside a git repository"))
    commit = gitstore.resolve(repo, rev)
    subdir = root.resolve().relative_to(repo.resolve()).as_posix()
    files = gitstore.read_tree(repo, commit, "" if subdir == "." else subdir)
    with tempfile.TemporaryDirectory(prefix="termsmith-lint-") as tmp:
        for name, data in files.items():
            (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / name).write_bytes(data)
        described = describe_folder(Path(tmp))
        note_used([described.replace(f"({tmp}, not in git)", f"({root}, commit {commit[:12]})")])
        findings = lint(Path(tmp))
        if base is not None:  # compared in the repository the folder is in (the copy is in none)
            library, read, _ = _load(Path(tmp))
            if library is not None:
                findings += against_base(Path(root), library, base, read)
    return [dataclasses.replace(p, file=p.file.replace(tmp, str(root), 1)) if p.file.startswith(tmp) else p
            for p in findings]
