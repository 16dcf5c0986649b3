"""The deal terms a library declares against what its clauses read: every `terms.NAME` a clause or condition
reads must be declared, and a declared term no clause reads is dead weight (a warning)."""

from __future__ import annotations

import difflib

from termsmith.errors import Problem
from termsmith.library.clauses import MANIFEST, Library
from termsmith.library.terms import terms_read


def term_findings(library: Library) -> list[Problem]:
    declared = dict(library.manifest.terms)
    read: set[str] = set()
    out: list[Problem] = []
    for clause in library.clauses:
        sources = [("when", clause.meta.when or ""), ("body", clause.body),
                   *((f"defines.{term}", text) for term, text in clause.meta.defines.items())]
        for where, text in sources:
            for name in sorted(terms_read(text)):
                read.add(name)
                if name in declared:
                    continue
                guess = difflib.get_close_matches(name, list(declared), n=1)
                hint = f"; did you mean '{guess[0]}'?" if guess else " in library.yaml `terms:`"
                line = clause.body_line if where == "body" else clause.line_of(where)
                out.append(Problem(file=clause.path, line=line, path=clause.id, code="unknown-term",
                                   message=f"reads terms.{name}, which the library does not declare{hint}"))
    for i, rule in enumerate(library.manifest.rules):
        for where in ("when", "require"):
            for name in sorted(terms_read(getattr(rule, where) or "")):
                read.add(name)
                if name not in declared:
                    guess = difflib.get_close_matches(name, list(declared), n=1)
                    hint = f"; did you mean '{guess[0]}'?" if guess else " in library.yaml `terms:`"
                    out.append(Problem(file=f"{library.root}/{MANIFEST}", path=f"rules[{i}].{where}", code="unknown-term",
                                       message=f"reads terms.{name}, which the library does not declare{hint}"))
    for name in sorted(set(declared) - read):
        out.append(Problem(file=f"{library.root}/{MANIFEST}", path=f"terms.{name}", code="unused-term",
                           severity="warning", message="declared, but no clause or condition reads it"))
    return out


def declaration_changes(old: Library, new: Library) -> tuple[str | None, list[str]]:
    """The version bump a change of declarations needs ('major' for a removed or retyped term, 'minor' for
    an added one or a changed default, choices or bounds), with what changed."""
    before, after = dict(old.manifest.terms), dict(new.manifest.terms)
    major = [f"terms.{n} removed" for n in sorted(set(before) - set(after))]
    major += [f"terms.{n} retyped ({before[n].type} → {after[n].type})" for n in sorted(set(before) & set(after))
              if before[n].type != after[n].type]
    minor = [f"terms.{n} added" for n in sorted(set(after) - set(before))]
    minor += [f"terms.{n} changed" for n in sorted(set(before) & set(after))
              if before[n].type == after[n].type and before[n] != after[n]]
    if major:
        return "major", major + minor
    return ("minor", minor) if minor else (None, [])
