"""Loading the library for lint: every file's front matter and structure problems, located, with the rest
of the library still checked; and where a clause's finding points in its file."""

from __future__ import annotations

import re
from pathlib import Path

from termsmith.errors import LibraryError, Problem
from termsmith.library.clauses import MANIFEST, Clause, Library, library_files, library_from_files

def _at(clause: Clause, where: str, message: str, code: str, severity: str = "error") -> Problem:
    line = clause.body_line if where == "body" else clause.line_of(where)
    return Problem(file=clause.path, line=line, path=clause.id, message=message, code=code, severity=severity)


def _load(root: Path) -> tuple[Library | None, dict[str, bytes], list[Problem]]:
    """The library, its files as read, and the problems that stop it loading. A clause file that cannot be
    read is left out so the rest is still checked: lint reports every fault at once, not one per run. Each
    file is read once; lines come from the parse (`Clause.lines`), never from reading a file again."""
    if not (root / MANIFEST).is_file():
        return None, {}, [_located(Problem(file=str(root / MANIFEST),
                                           message="no clause library here (library.yaml is missing)"))]
    files, problems = library_files(root)
    problems = [_located(p) for p in problems]
    try:
        return library_from_files(files, str(root)), files, problems
    except LibraryError as exc:
        problems += [_located(p) for p in exc.problems]
    broken = {p.file for p in problems}
    if str(root / MANIFEST) in broken:
        return None, files, problems
    readable = {name: data for name, data in files.items() if f"{root}/{name}" not in broken}
    try:
        return library_from_files(readable, str(root)), files, problems
    except LibraryError:
        return None, files, problems


def _located(problem: Problem) -> Problem:
    """A loading problem with a code."""
    code = problem.code or ("duplicate-id" if "duplicate clause id" in problem.message else "front-matter")
    return Problem(**{**problem.__dict__, "code": code})


_ID = re.compile(rb"^id:\s*([\w.-]+)\s*$", re.MULTILINE)


def _ids_of_unloaded(files: dict[str, bytes], problems: list[Problem]) -> set[str]:
    """Ids of the clause files left out of the load, so references to them are not reported as well."""
    broken = {p.file for p in problems}
    ids = set()
    for name, data in files.items():
        if name.endswith(".md") and any(file.endswith("/" + name) for file in broken):
            found = _ID.search(data)
            if found:
                ids.add(found.group(1).decode("utf-8", "replace"))
    return ids
