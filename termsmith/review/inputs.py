"""The two sides of a redline: a deal file drafted at a library revision, or a draft rebuilt from what
its manifest records; and the date its revisions carry."""

from __future__ import annotations

from pathlib import Path

from termsmith.draft.document import Draft
from termsmith.inputs import NOT_XML
from termsmith.errors import InputError, LibraryError, Problem
from termsmith.pipeline import build

DEAL_SUFFIXES = (".yaml", ".yml", ".json")
WORKTREE = "WORKTREE"  # --to WORKTREE: the library folder as it is now


def redline_side(path: Path, rev: str | None, library: Path | None, ignore_overrides: bool = False,
                 rebuilt: dict | None = None):
    """The Draft one side of a redline stands for (deal file or manifest; `rev`: the library revision for a
    deal file), or a review.sides.Side (a Word document as it reads). `rebuilt` keeps the drafts rebuilt from
    manifests for the other side (a reviewed copy and its original share one manifest: built once)."""
    from termsmith.manifest import MANIFEST_SUFFIX

    rev = None if rev == WORKTREE else rev
    name = path.name.lower()
    if name.endswith((MANIFEST_SUFFIX, ".docx")):
        if rev is not None:
            raise InputError(Problem(file=str(path), message=(
                "--from/--to choose library revisions for deal files; a draft is rebuilt from its manifest")))
        if name.endswith(".docx"):
            from termsmith.review.sides import document_side

            return document_side(path, rebuild if rebuilt is None else lambda m: _once(rebuilt, m))
        return rebuild(path) if rebuilt is None else _once(rebuilt, path)
    if path.suffix.lower() not in DEAL_SUFFIXES:
        raise InputError(Problem(file=str(path), message=(
            "is not a deal file (.yaml, .yml, .json), a draft (.docx) or a manifest (.manifest.json)")))
    if rev is not None:
        from termsmith.library import git as gitstore
        from termsmith.library.locate import library_path

        root = library_path(library)
        if root.exists() and gitstore.repo_root(root if root.is_dir() else root.parent) is None:
            raise LibraryError(Problem(file=str(root), message=(
                "--from/--to need a clause library inside a git repository")))
    return build(path, library, rev, ignore_overrides=ignore_overrides)


def drafts_of(sides: list) -> tuple[Draft, Draft]:
    """Each side's Draft; a document read without its draft takes the parties' short names and the ids of
    its sections and clauses (by bookmark) from the other."""
    from termsmith.review.sides import adopt_ids, adopt_parties, relink_refs, renamed_on_cover, separate_anchors

    drafts = [side if isinstance(side, Draft) else side.draft for side in sides]
    for k, side in enumerate(sides):
        other = drafts[1 - k]
        if not isinstance(side, Draft) and side.base is None:
            drafts[k] = separate_anchors(relink_refs(adopt_ids(adopt_parties(drafts[k], other), other), other,
                                                     side.document), other)
        elif not isinstance(side, Draft):  # read with its draft: a heading restyled as text still holds its bookmark
            drafts[k] = separate_anchors(drafts[k], other)
        if not isinstance(side, Draft) and side.document is not None:
            drafts[k] = renamed_on_cover(drafts[k], side.document, other)
    return drafts[0], drafts[1]


def check_replaceable(targets: list[Path], force: bool) -> None:
    """An existing output is replaced only when it is an unchanged termsmith redline, or with `force`.
    `targets`: the redline .docx, then its twin if one is written (wherever it goes, the twin was written
    with that .docx)."""
    from termsmith.errors import OutputError
    from termsmith.review.sides import replaceable

    for target in targets:
        if not force and not replaceable(target, targets[0]):
            raise OutputError(Problem(file=str(target), code="edited", message=(
                "exists and is not an unchanged termsmith redline (edited since, or not written by termsmith); "
                "not overwritten. Choose another name or re-run with --force")))


def _once(rebuilt: dict, manifest: Path) -> Draft:
    key = Path(manifest).resolve()
    if key not in rebuilt:
        rebuilt[key] = rebuild(manifest)
    return rebuilt[key]


def rebuild(manifest: Path) -> Draft:
    """The Draft a manifest describes, made again from its deal file and its library commit."""
    return rebuild_resolved(manifest)[0]


def rebuild_resolved(manifest: Path):
    """The Draft a manifest describes and the pipeline.Resolved it was composed from (the validated deal and
    the opened library, for callers that draft the deal again with other values)."""
    from dataclasses import replace

    from termsmith.errors import GitError
    from termsmith.manifest import read_manifest
    from termsmith.pipeline import compose_resolved, made_at, resolve, reviewer_notes

    recorded = read_manifest(manifest)
    rev = recorded.exact_commit
    try:
        resolved = resolve(recorded.deal, recorded.library, rev)
        rebuilt = replace(compose_resolved(resolved), made_at=made_at(recorded.deal, recorded.library,
                                                                      resolved.library))
        rebuilt = reviewer_notes(rebuilt, resolved, recorded.library)
    except (GitError, LibraryError) as exc:
        if rev is None:
            raise
        raise LibraryError(Problem(file=str(manifest), path="library_commit", message=(
            f"cannot rebuild the draft at library commit {rev[:12]} in {recorded.library}: "
            f"{'; '.join(p.message for p in exc.problems)}"))) from None
    versions = {c.id: c.version for c in rebuilt.provenance.clauses}
    if rev is None and versions != recorded.clauses:
        changed = sorted(k for k in versions.keys() | recorded.clauses.keys()
                         if versions.get(k) != recorded.clauses.get(k))
        raise LibraryError(Problem(file=str(manifest), path="clauses", message=(
            f"the draft was made from uncommitted library files that have changed since "
            f"({', '.join(changed[:5])}{' …' if len(changed) > 5 else ''}); compare the deal files instead")))
    return rebuilt, resolved


def revision_date(date: str | None, new: Draft) -> str:
    """The date every revision carries, in UTC: given, or when the new draft is made (reproducible: see
    termsmith.draft.made), never its effective date in the future."""
    import datetime as dt

    if date is None:
        return new.made_at or f"{new.effective_date}T00:00:00Z"
    try:
        when = dt.datetime.fromisoformat(date.strip())
    except ValueError:
        raise InputError(Problem(path="--date", message=(
            f"'{date}' is not a date; give YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+ZZ:ZZ]"))) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        when = when.astimezone(dt.UTC)
    except OverflowError:
        when = when.replace(year=1)  # refused just below
    if not 1900 <= when.year <= 2199:
        raise InputError(Problem(path="--date", message=f"'{date}' is outside the years 1900 to 2199"))
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def revision_author(author: str | None, new: Draft) -> str:
    """Who the revisions are by: given, else the library's owner. Word holds a name of up to 255 characters
    in an attribute, which cannot carry control characters."""
    name = author if author is not None else (new.provenance.library_owner or "termsmith")
    if not name.strip() or len(name) > 255 or NOT_XML.search(name) or any(ord(c) < 32 for c in name):
        raise InputError(Problem(path="--author", message=(
            "give the reviser's name in 1 to 255 characters, without control characters")))
    return name
