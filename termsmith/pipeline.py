"""One deal through the stages: load and validate it, open the library its lock pins, select and
compose its Draft, render and describe the files to write. The façade (`api`), batches and redlines
call these; nothing here writes a file."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from termsmith import __version__
from termsmith.deal.source import Loaded
from termsmith.draft.document import ClauseVersion, Draft, Provenance
from termsmith.draft.select import select
from termsmith.errors import InputError, Problem
from termsmith.library.clauses import Library
from termsmith.library.opening import open_library

if TYPE_CHECKING:
    from termsmith.deal.model import Deal
    from termsmith.library.lock import Lock
    from termsmith.write import Outputs


@dataclass(frozen=True)
class Resolved:
    """A validated deal, its source, the library to draft it with and the lock that pins it (if any); `names`:
    what the library's conditions and clause text see for the deal (`checked_context`), when worked out."""

    deal_path: Path
    deal: Deal
    loaded: Loaded
    library: Library
    lock: Lock | None
    names: dict | None = None


def load_deal(deal_path: Path) -> tuple[Deal, Loaded]:
    """The validated deal and its loaded source, or an InputError naming file, field and line."""
    from termsmith.deal.load import load_file
    from termsmith.deal.validate import validate

    loaded = load_file(Path(deal_path))
    return validate(loaded), loaded


def resolve(deal_path: Path, library: Path | None = None, library_rev: str | None = None) -> Resolved:
    """Validate the deal, then open its library: a lock beside the deal pins the library commit unless a
    revision is asked for explicitly. The deal's problems are reported before the library's."""
    from termsmith.library.lock import library_problems, lock_path, read_lock

    deal, loaded = load_deal(deal_path)
    lock = read_lock(lock_path(deal_path)) if library_rev is None else None
    if lock is not None:
        from termsmith.library.identity import check_source
        from termsmith.library.locate import library_path

        check_source(lock, library_path(library), lock_path(deal_path))
    lib = open_library(library, lock.commit if lock and lock.commit else library_rev)
    if lock is not None and (problems := library_problems(lock, lib, lock_path(deal_path))):
        raise InputError(problems)
    return Resolved(Path(deal_path), deal, loaded, lib, lock, checked_context(deal, loaded, lib))


def library_rules(deal: Deal, library: Library, loaded: Loaded, names: dict | None = None) -> list[Problem]:
    """The business rules the library declares (library/rules.py) that this deal breaks, each located at the
    field the rule names; a rule's `severity` says whether it stops the draft or is a warning. (`names`: the
    deal's `context`, when the caller has it.)"""
    from termsmith.draft.conditions import evaluate, parse_condition

    rules = library.manifest.rules
    if not rules:
        return []
    names = context(deal, library, loaded) if names is None else names
    where = f"{library.root}/library.yaml"
    out = []
    for rule in rules:
        if rule.when and not evaluate(parse_condition(rule.when, where), names):
            continue
        if not evaluate(parse_condition(rule.require, where), names):
            found = loaded.source.problem(rule.path(), rule.message, code="library-rule")
            out.append(replace(found, severity=rule.severity))
    return out


def checked_context(deal: Deal, loaded: Loaded, library: Library) -> dict:
    """What the deal asks of the library and of the locale data, checked before anything is composed, and
    `context` with it (each step once): the names the library's conditions and clause text see for this
    deal, or an InputError located in the deal file."""
    from termsmith.draft.templating import deal_context

    _check_requirement(deal, loaded, library)
    _check_language(deal, loaded)
    names = deal_context(deal, library.manifest.house_style.numbers, jurisdiction(deal, library, loaded),
                         library.manifest.reference_rates)
    names["terms"] = deal_terms(deal, library, loaded)
    errors = [p for p in library_rules(deal, library, loaded, names) if p.severity == "error"]
    if errors:
        raise InputError(errors)
    return names


def deal_terms(deal: Deal, library: Library, loaded: Loaded | None = None, selected=()):
    """The deal's `terms:` as the model the library's declarations make; with `loaded`, every problem is an
    InputError located in the deal file (a term a `selected` clause reads must then have a value)."""
    from termsmith.library.terms import validate_terms

    declarations = dict(library.manifest.terms)
    needed = set().union(*(clause.terms for clause in selected))
    where = loaded.source.problem if loaded is not None else (lambda path, message: Problem(message=message))
    value, problems = validate_terms(deal.terms, declarations, tuple(p.id for p in deal.parties), needed, where)
    if problems and loaded is not None:
        raise InputError(problems)
    return value


def _check_requirement(deal: Deal, loaded: Loaded, library: Library) -> None:
    if requirement(deal, library) == "unmet":
        raise InputError(loaded.source.problem(
            ("library", "require"),
            f"the deal needs clause library {deal.library.require}, but {library.manifest.name} is version "
            f"{library.version}",
            code="library-version",
        ))


def requirement(deal: Deal, library: Library) -> str:
    """Whether the library is a version the deal's `library.require` admits: "met"; "reworded" when it is not,
    but the library declares that it drafts deals written for a version the deal admits (`drafts_deals_for`
    in library.yaml: a major version that changed wording, not what deal fields mean); else "unmet"."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    wanted = deal.library.require
    if not wanted or Version(library.version) in SpecifierSet(wanted):
        return "met"
    if any(Version(v) in SpecifierSet(wanted) for v in library.manifest.drafts_deals_for):
        return "reworded"
    return "unmet"


def _requirement_warnings(deal: Deal, loaded: Loaded, library: Library) -> tuple[Problem, ...]:
    if requirement(deal, library) != "reworded":
        return ()
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    earlier = max((v for v in library.manifest.drafts_deals_for if Version(v) in SpecifierSet(deal.library.require)),
                  key=Version)
    major = Version(library.version).major
    problem = loaded.source.problem(("library", "require"), (
        f"the deal asks for clause library {deal.library.require}; {library.manifest.name} {library.version} drafts "
        f"deals written for {earlier}, but its wording differs: read its CHANGELOG and a redline against a draft "
        f'made with {earlier} before sending this one, then require ">={major}.0,<{major + 1}"'),
        code="library-version")
    return (replace(problem, severity="warning"),)


def _check_language(deal: Deal, loaded: Loaded) -> None:
    """Dates and numbers are written in the deal's language: it must be one Babel has locale data for
    (the schema only checks its shape, so `xx-XX` would otherwise fail half-way through drafting)."""
    from babel import Locale, UnknownLocaleError

    language = deal.deal.language
    if language is None:
        return  # the legal system's own (see draft.legal)
    try:
        Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise InputError(loaded.source.problem(
            ("deal", "language"),
            f"no dates and numbers can be written for '{language}': give a language and region such as "
            "en-GB, en-US, de-DE or fr-FR",
            code="language",
        )) from None


def context(deal: Deal, library: Library, loaded: Loaded | None = None) -> dict:
    """The names the library's conditions and clause text see for this deal."""
    from termsmith.draft.templating import deal_context

    names = deal_context(deal, library.manifest.house_style.numbers, jurisdiction(deal, library, loaded),
                         library.manifest.reference_rates)
    names["terms"] = deal_terms(deal, library)
    return names


def jurisdiction(deal: Deal, library: Library, loaded: Loaded | None = None):
    """The legal system, house style and language the deal is drafted in (`draft.legal`), or an InputError
    located in the deal file when the library has none of them."""
    from termsmith.deal.source import dotted
    from termsmith.draft.legal import resolve as resolve_jurisdiction

    def unlocated(path, message, code=""):
        return Problem(path=dotted(path), message=message, code=code)

    return resolve_jurisdiction(deal, library, loaded.source.problem if loaded is not None else unlocated)


def compose_draft(deal: Deal, loaded: Loaded, library: Library, *, ignore_overrides: bool = False,
                  names: dict | None = None) -> Draft:
    """Select the deal's clauses, apply its own wording (`overrides:`, unless `ignore_overrides`) and compose
    them into its Draft. (`names`: the deal's `context`, when the caller has it.)"""
    from termsmith.draft.compose import compose
    from termsmith.draft.defaults import applied_defaults
    from termsmith.draft.overrides import apply_overrides
    from termsmith.draft.sandbox import recording_reads

    names = context(deal, library, loaded) if names is None else names
    with recording_reads() as reads:  # the fields the draft reads: its defaults are among them
        selection, overridden = select(library, names), ()
        if not ignore_overrides:
            selection, overridden = apply_overrides(selection, library, deal, loaded.source)
        deal_terms(deal, library, loaded, selection.clauses)  # a term a selected clause reads must have a value
        provenance = Provenance(
            termsmith_version=__version__,
            deal_id=deal.deal.id,
            deal_file=os.fsencode(Path(loaded.source.file).name).decode("utf-8", "replace"),  # a name may not be UTF-8
            deal_sha256=hashlib.sha256(loaded.raw).hexdigest(),
            library_name=library.manifest.name,
            library_version=library.version,
            library_owner=library.manifest.owner,
            library_commit=library.commit,
            clauses=tuple(ClauseVersion(c.id, c.version) for c in selection.clauses),
            overrides=overridden,
        )
        draft = compose(deal, library, selection, names, provenance)
    positions = loaded.source.positions
    return replace(draft, defaults=applied_defaults(deal, selection.clauses, lambda path: path in positions, reads,
                                                    names["terms"]))


def compose_resolved(resolved: Resolved, *, ignore_overrides: bool = False) -> Draft:
    """The Draft of a resolved deal; with a lock, its clause versions must be the locked ones."""
    from termsmith.library.lock import lock_path, mismatches, term_mismatches

    draft = compose_draft(resolved.deal, resolved.loaded, resolved.library, ignore_overrides=ignore_overrides,
                          names=resolved.names)
    if resolved.lock is not None:
        added = {o.id for o in draft.provenance.overrides if o.kind == "added"}  # the deal's own clauses
        clauses = tuple(c for c in draft.provenance.clauses if c.id not in added)
        problems = mismatches(resolved.lock, clauses, lock_path(resolved.deal_path))
        problems += term_mismatches(resolved.lock, resolved.library, lock_path(resolved.deal_path))
        if problems:
            raise InputError(problems)
    return draft


def build(deal_path: Path, library: Path | None = None, library_rev: str | None = None,
          notes: bool = True, *, ignore_overrides: bool = False) -> Draft:
    """Load, validate, select and compose: the Draft of a deal file, dated when it is made; `notes`: with
    the notes for the reviewer (termsmith.draft.notes); `ignore_overrides`: every clause in the library's
    own wording."""
    resolved = resolve(deal_path, library, library_rev)
    draft = replace(compose_resolved(resolved, ignore_overrides=ignore_overrides),
                    made_at=_made_at(deal_path, library, resolved.library))
    return reviewer_notes(draft, resolved, library) if notes else draft


def plausibility_warnings(resolved: Resolved) -> tuple:
    """`check`'s warnings about the deal: termsmith's plausibility checks and the library's rules of
    severity warning. The deal drafts, but a reviewer should look."""
    from termsmith.deal.plausibility import plausibility_warnings as found

    courts = jurisdiction(resolved.deal, resolved.library, resolved.loaded).court_system
    return (*_requirement_warnings(resolved.deal, resolved.loaded, resolved.library),
            *found(resolved.deal, resolved.loaded.source, resolved.library.manifest.legal_systems, courts,
                   resolved.library.manifest.reference_rates),
            *(p for p in library_rules(resolved.deal, resolved.library, resolved.loaded, resolved.names)
              if p.severity == "warning"))


def reviewer_notes(draft: Draft, resolved: Resolved, library: Path | None) -> Draft:
    """The draft with notes where the reviewer should look (termsmith.draft.notes), from what is known here:
    the defaults it applied (once the draft records them), the clauses the deal overrides, and for a locked
    deal, the clauses whose library version is newer than the lock's."""
    from termsmith.draft import notes
    from termsmith.draft.reads import written_out
    from termsmith.draft.templating import join_and
    from termsmith.errors import TermsmithError

    found: list = notes.default_notes(draft, getattr(draft, "defaults", ()))
    for clause_id, override in sorted((getattr(resolved.deal, "overrides", None) or {}).items()):
        if not getattr(override, "removed", False):
            based = getattr(override, "based_on", None)
            standard = resolved.library.by_id.get(clause_id)
            fixed = written_out(standard.body) if standard is not None and getattr(override, "text", None) else []
            found.append(notes.note(draft, "override", clause_id, (
                "This clause is the deal's own negotiated wording, not the library's standard text"
                + (f" (negotiated from version {based})." if based else ".")
                + " Check it against the library's current clause before sending."
                + (f" Its wording follows what the deal's {join_and(fixed)} said when it was negotiated: check it against"
                   " what they say now." if fixed else ""))))
    warnings = plausibility_warnings(resolved)
    if warnings:
        found += notes.field_warning_notes(draft, resolved.library.texts, warnings)
    lock = resolved.lock
    if lock is not None and lock.commit:
        from termsmith.library.lock import outdated

        try:
            current = open_library(library)  # the library folder as it is now, not the locked commit
            selected = {c.id for c in select(current, context(resolved.deal, current)).clauses}
        except TermsmithError:
            pass  # a broken working copy of the library says nothing about this draft
        else:
            found += notes.outdated_notes(draft, outdated(lock, current, selected))
    # the notes speak the draft's own vocabulary ("Section 18.3" in a US draft), as its clause text does
    restyle = jurisdiction(resolved.deal, resolved.library).restyle
    found = [replace(n, label=restyle.text(n.label), text=restyle.text(n.text)) if n is not None else None
             for n in found]
    return notes.with_notes(draft, found)


def made_at(deal_path: Path, library: Path | None, lib: Library) -> str:
    """When a draft of this deal with this library is made (see `_made_at`)."""
    return _made_at(deal_path, library, lib)


def _made_at(deal_path: Path, library: Path | None, lib: Library) -> str:
    """When the draft is made: SOURCE_DATE_EPOCH, else its library commit's date, else its inputs' newest
    modification time (termsmith.draft.made): the same inputs always give the same date."""
    from termsmith.draft import made
    from termsmith.library.locate import dating, library_path

    folder = library_path(library)

    def inputs():
        yield Path(deal_path)
        for dirpath, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in names:
                yield Path(dirpath, name)

    try:
        return made.made_at(*dating(folder, lib.commit), inputs)
    except made.BadEpoch as exc:
        raise InputError(Problem(path=made.SOURCE_DATE_EPOCH, message=str(exc))) from None


def outputs(draft: Draft, formats: tuple[str, ...], out_dir: Path, deal_path: Path, library: Path | None,
            library_rev: str | None) -> Outputs:
    """The files of a draft (one per format, named after the deal id) and its manifest, as bytes."""
    from termsmith.manifest import MANIFEST_SUFFIX, Inputs, manifest_json
    from termsmith.library.locate import library_path
    from termsmith.render import render
    from termsmith.write import Outputs, sha256

    stem = draft.deal_id
    files = {f"{stem}.{fmt}": data for fmt, data in render(draft, formats).items()}
    inputs = Inputs.relative_to(Path(out_dir), Path(deal_path), library_path(library), library_rev)
    manifest = manifest_json(draft.provenance, {name: sha256(data) for name, data in files.items()}, inputs,
                             defaults=draft.defaults)
    return Outputs(stem, files, stem + MANIFEST_SUFFIX, manifest)


def draft_outputs(deal_path: Path, out_dir: Path, formats: tuple[str, ...], library: Path | None = None,
                  library_rev: str | None = None, notes: bool = True) -> tuple[Draft, Outputs]:
    """A deal file's Draft and the files that draft makes in out_dir (`notes`: see `build`)."""
    draft = build(deal_path, library, library_rev, notes)
    return draft, outputs(draft, formats, out_dir, deal_path, library, library_rev)
