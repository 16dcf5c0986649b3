"""Version discipline against a base revision: changed text needs a bump, versions never go backwards,
the library's version and CHANGELOG record it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from packaging.version import Version

from termsmith.errors import GitError, LibraryError, Problem
from termsmith.library.clauses import CHANGELOG, MANIFEST, Clause, Library, library_from_files
from termsmith.lint.frontmatter import _at

def against_base(root: Path, library: Library, base: str, files: dict[str, bytes]) -> list[Problem]:
    """Findings of the library folder `root` (read as `files`) against the same folder at git revision `base`."""
    from termsmith.library import git as gitstore

    repo = gitstore.repo_root(root.resolve())
    if repo is None:
        raise GitError(Problem(file=str(root), message="--base needs the library inside a git repository"))
    commit = gitstore.resolve(repo, base)
    subdir = root.resolve().relative_to(repo.resolve()).as_posix()
    before = gitstore.read_tree(repo, commit, "" if subdir == "." else subdir)
    if MANIFEST not in before:
        return []  # the library is new in this change: nothing to compare with
    try:
        base_library = library_from_files(before, f"{base}:{subdir}", commit=commit)
    except LibraryError:
        return []
    return compare_with_base(library, base_library, before.get(CHANGELOG, b"") != files.get(CHANGELOG, b""))


def _comparable(clause: Clause) -> tuple:
    meta = {k: v for k, v in clause.meta.model_dump().items() if k not in ("version", "changelog")}
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
    settings = (_settings(library.manifest) != _settings(base.manifest))
    changed = changed or bool(removed) or settings
    what = "clauses or library.yaml changed" if settings else "clauses changed"
    manifest = f"{library.root}/{MANIFEST}"
    current, before_v = Version(library.version), Version(base.version)
    if current < before_v:
        out.append(Problem(file=manifest, line=library.manifest.version_line, path="version",
                           message=f"library version went backwards: {base.version} → {library.version}",
                           code="library-version"))
    elif changed and current == before_v:
        out.append(Problem(file=manifest, line=library.manifest.version_line, path="version",
                           message=f"{what} since the base but the library version is still {library.version}",
                           code="library-version"))
    out += _declarations_bumped(library, base, manifest)
    if changed and not changelog_changed:
        out.append(Problem(file=f"{library.root}/{CHANGELOG}", line=1,
                           message=f"{what} since the base but CHANGELOG.md was not updated", code="changelog"))
    elif current > before_v and not _has_entry(library.changelog, library.version):
        out.append(Problem(file=f"{library.root}/{CHANGELOG}", line=1,
                           message=f"CHANGELOG.md has no heading for the new library version {library.version}",
                           code="changelog"))
    return out


def _declarations_bumped(library: Library, base: Library, manifest: str) -> list[Problem]:
    """A changed declaration of deal terms changes what deals may say: a removed or retyped term breaks
    deals that use it (a major version), an added or changed one needs at least a minor version."""
    from termsmith.lint.declared import declaration_changes

    needed, what = declaration_changes(base, library)
    if needed is None:
        return []
    current, before = Version(library.version), Version(base.version)
    enough = current.major > before.major if needed == "major" else (current.major, current.minor) > (before.major, before.minor)
    if enough:
        return []
    return [Problem(file=manifest, line=library.manifest.version_line, path="version", code="library-version",
                    message=f"deal terms changed ({'; '.join(what)}): that needs a {needed} version after "
                            f"{base.version}, not {library.version}")]


def _has_entry(changelog: str, version: str) -> bool:
    return any(line.lstrip().startswith("#") and re.search(rf"(?<![\d.]){re.escape(version)}(?![\d.])", line)
               for line in changelog.splitlines())


def _settings(manifest) -> tuple:
    """library.yaml as it bears on drafting: everything but its version (and where that is written)."""
    return dataclasses.astuple(dataclasses.replace(manifest, version="", version_line=None))
