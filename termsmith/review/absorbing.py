"""`termsmith absorb`: a reviewed draft back into its deal file, and with a branch into the clause library.

review/absorb.py decides what each change is; this module checks the inputs, tries field changes by
drafting, edits the deal file in place, checks the re-draft reads as the reviewed document, writes
DEAL.review.md, and commits library changes on a new branch.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from termsmith.deal.source import Loaded
from termsmith.draft.document import Draft
from termsmith.errors import InputError, LibraryError, Problem, TermsmithError
from termsmith.library.opening import open_library
from termsmith.pipeline import Resolved, build, checked_context, compose_resolved, resolve, reviewer_notes
from termsmith.review.inputs import rebuild_resolved
from termsmith.review.jsonedit import rewritten


@dataclass(frozen=True)
class AbsorbResult:
    """`absorb`: what the review changes, the review by clause, and the files written (or that would be)."""

    plan: object  # termsmith.review.absorb.Plan
    lines: tuple[str, ...]  # the review, by clause (also written as DEAL.review.md)
    written: tuple[Path, ...]
    would_write: tuple[Path, ...]  # with dry_run: what would have been written
    mismatches: tuple[str, ...] = ()  # clauses whose re-draft does not read as the reviewed text


def absorb(document: Path, deal_path: Path, *, dry_run: bool = False, force: bool = False,
           library: Path | None = None, branch: str | None = None, library_rev: str | None = None) -> AbsorbResult:
    """Write a reviewed draft's changes into its deal file (field values and clause overrides, edited in
    place) and list every change and comment by clause in DEAL.review.md. With `branch`, reworded clauses
    go into the clause files of `library` instead, committed on that new branch for a pull request
    (changes that cannot be made for every deal stay the deal's own wording and are listed)."""
    from termsmith.review import absorb as review
    from termsmith.review.dealedit import edit_deal
    from termsmith.review.fromdocx import is_termsmith, not_termsmith
    from termsmith.review.sides import find_manifest, read
    from termsmith.write import write_files

    document, deal_path = Path(document), Path(deal_path)
    if library is not None or library_rev is not None:
        # named libraries are opened first, used or not: a draft with its manifest is read against the library it
        # records, and a mistyped --library or --library-rev would otherwise pass unnoticed
        open_library(library, library_rev)
    doc = read(document)
    if not is_termsmith(doc):
        why = not_termsmith(doc)
        raise InputError(Problem(file=str(document), message=(
            f"was {why}: absorb needs a draft termsmith wrote; `termsmith redline` compares it as text" if
            why.startswith("not") else f"was {why}: absorb cannot tell its clauses apart; ask for the copy as Word "
            "saved it, or compare it as text with `termsmith redline`")))
    try:
        raw = deal_path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(file=str(deal_path), message=f"cannot read: {exc.strerror or exc}")) from None
    actual = hashlib.sha256(raw).hexdigest()
    recorded = doc.properties.get("termsmith.deal.sha256", "")
    if recorded != actual and not force:
        _same_deal(document, doc.properties, raw, deal_path)
        if not recorded:  # termsmith records it in the document's custom properties, which some programs drop
            raise InputError(Problem(file=str(deal_path), code="deal-changed", message=(
                f"cannot be matched to {document.name}, which does not record the deal it was drafted from (its "
                "custom document properties are gone, as some programs drop them when they save a copy): absorb it "
                "with --force if it was drafted from this deal file as it is now")))
        raise InputError(Problem(file=str(deal_path), code="deal-changed", message=(
            f"has changed since {document.name} was drafted from it (sha256 {actual[:12]}…, the document records "
            f"{recorded[:12]}…); re-draft and review again, or absorb anyway with --force")))
    manifest = find_manifest(document, doc)
    resolved = None
    if manifest is not None and recorded == actual:
        from termsmith.manifest import read_manifest

        made_from = read_manifest(manifest)
        if made_from.deal.resolve() != deal_path.resolve():
            raise InputError(Problem(file=str(document), message=(
                f"was drafted from {made_from.deal}, not {deal_path}")))
        base, resolved = rebuild_resolved(manifest)
    else:
        resolved = _drafted_library(document, doc.properties, resolve(deal_path, library, library_rev), library,
                                    library_rev)
        base = reviewer_notes(compose_resolved(resolved), resolved, library)
    loaded, drafted_from = resolved.loaded, resolved.library  # the deal as loaded, the library drafted from

    drafts: dict[str, Draft] = {}  # the deal's data (as JSON) → its draft: a data drafted twice is composed once

    def draft_loaded(trial: Loaded) -> Draft:
        """The deal drafted again from other data, with the same library (no lock: the review may add or
        remove clauses), without the reviewer's notes: what a trial or the check of the result needs. The
        check of the edited deal file reuses a field trial's draft when the file holds just that trial's
        data (a review that only changes deal fields)."""
        import json

        from termsmith.deal.validate import validate

        key = json.dumps(trial.data, default=lambda v: f"{type(v).__name__}:{v}", sort_keys=True)  # a date ≠ its text
        if key not in drafts:
            deal = validate(trial)
            names = checked_context(deal, trial, drafted_from)
            drafts[key] = compose_resolved(Resolved(deal_path, deal, trial, drafted_from, None, names))
        return drafts[key]

    parsed: dict[str, Loaded] = {}  # deal texts as read: the deal file's, the edited one's (read once)

    def read_text(text: str) -> Loaded:
        from termsmith.deal.load import load_bytes

        if text not in parsed:
            parsed[text] = load_bytes(text.encode("utf-8"), str(deal_path))
        return parsed[text]

    def parse(text: str):
        try:
            return read_text(text).data
        except TermsmithError:
            return None

    def draft_with_text(text: str) -> Draft:
        return draft_loaded(read_text(text))

    def draft_with(data: dict) -> Draft:
        import json

        raw = json.dumps(data, default=str, sort_keys=True).encode("utf-8")
        return draft_loaded(Loaded(data=data, source=loaded.source, raw=raw))

    plan = review.plan(doc, base, loaded.data, draft_with, _definers(base, drafted_from),
                       deal_changed=bool(recorded) and recorded != actual)
    library_files: dict[str, bytes] = {}
    repo = None
    if branch is not None:
        if library is None:
            raise InputError(Problem(path="--branch", message="give --library DIR: the clause library to change"))
        repo, library_files = _library_edits(plan, base, Path(library), deal_path, document.name)
    bom = raw.startswith(b"\xef\xbb\xbf")  # as a Windows editor may save it: kept
    text = raw.decode("utf-8-sig")
    if resolved.loaded.raw == raw:
        parsed[text] = resolved.loaded
    literal = _keep_live(plan, base, loaded.data, drafted_from, draft_with)
    fields = [(path, new) for path, _old, new in plan.fields]
    _fits(raw, plan.overrides, deal_path)

    def edited(deal_text: str) -> str:
        out = edit_deal(deal_text, fields, plan.overrides, parse, plan.items)
        return _json_again(deal_text, out, parse) if deal_path.suffix.lower() == ".json" else out

    new_text = edited(text) if plan.changed else text
    mismatches: list[str] = []
    if plan.changed:
        def redraft(deal_text: str) -> Draft:
            try:
                return draft_with_text(deal_text)
            except TermsmithError as exc:
                if literal:
                    return None
                raise InputError(Problem(file=str(deal_path), message=(
                    "absorbing this review would leave a deal that does not draft: "
                    + "; ".join(p.message for p in exc.problems)))) from None

        redrafted = redraft(new_text)
        found = review.mismatched(plan, redrafted) if redrafted is not None else None
        back = set(literal) if found is None else {i for i, _line in found} & set(literal)
        if back:  # a clause whose live values do not re-draft as reviewed keeps the reviewer's literal text
            for ident in back:
                plan.overrides[ident]["text"] = literal.pop(ident)
                for r in plan.clauses:
                    if r.id == ident:
                        r.detail = r.detail.split("; computed values kept live")[0]
            new_text = edited(text)
            literal.clear()
            redrafted = redraft(new_text)
            found = review.mismatched(plan, redrafted)
        mismatches = [line for _i, line in found]
        if plan.fields and not review._cover_changes(redrafted, plan.accepted):  # the fields explain the cover
            plan.refused = [line for line in plan.refused if not line.startswith("Cover:")]
            for r in plan.clauses:
                if r.title == "Cover and headings" and r.action == "refused":
                    r.action, r.detail = "field", "the deal fields changed above"
    lines = review.report_lines(plan, document.name, deal_path.name)
    if mismatches:
        lines += ["", "## Re-drafts differently", "", *(f"- {m}" for m in mismatches)]
    review_path = deal_path.with_name(deal_path.stem + ".review.md")
    files = {review_path: ("\n".join(lines) + "\n").encode("utf-8")}
    if new_text != text:
        files[deal_path] = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    if library_files:
        lines += ["", f"## Library branch {branch}", "",
                  *(f"- {name}" for name in sorted(library_files))]
        files[review_path] = ("\n".join(lines) + "\n").encode("utf-8")
    elif branch is not None:
        lines += ["", f"## Library branch {branch}", "", "Not made: no change of this review goes into the library."]
        files[review_path] = ("\n".join(lines) + "\n").encode("utf-8")
    if dry_run:
        return AbsorbResult(plan, tuple(lines), (), tuple(files), tuple(mismatches))
    if library_files:
        from termsmith.library import git as gitstore

        changed = [r for r in plan.clauses if r.action == "library"]
        message = f"Wording from the review of {document.name}\n\n" + "\n".join(
            f"- {r.id}: {r.detail}" for r in changed) + "\n"
        gitstore.commit_on_new_branch(repo, branch, "HEAD", library_files, message)
    written = write_files(files, edited=(deal_path,))  # the deal file: through a link, keeping its mode
    return AbsorbResult(plan, tuple(lines), tuple(written), (), tuple(mismatches))


def _fits(raw: bytes, overrides: dict[str, dict], deal_path: Path) -> None:
    """Refused at once when the wording absorbed alone makes the deal file larger than a deal file may be (pages
    pasted into a clause): writing it out and reading it back, twice, would take long only to refuse it."""
    from termsmith.deal.load import MAX_BYTES

    size = len(raw) + sum(len(str(value).encode("utf-8")) for o in overrides.values() for value in o.values())
    if size > MAX_BYTES:
        raise InputError(Problem(file=str(deal_path), message=(
            f"absorbing this review would leave a deal that does not draft: the wording it adds makes the deal file "
            f"larger than {MAX_BYTES // 1000} kB (text pasted into a clause?); a deal file is far smaller")))


def _drafted_library(document: Path, properties: dict[str, str], resolved: Resolved, library: Path | None,
                     library_rev: str | None) -> Resolved:
    """Without its manifest, the deal resolved at the library commit the document records it was drafted at: drafted
    from the library as it is now, every clause the library changed since would read as the reviewer's edit, and
    absorbing it would write the old wording back into the deal. Refused in one line when that commit cannot be read
    (a library outside git, or a repository without it); --library-rev chooses the revision instead."""
    from termsmith.errors import GitError

    drafted_at = properties.get("termsmith.library.commit", "")
    now = resolved.library.commit or ""
    if library_rev is not None or not drafted_at or not now or now.startswith(drafted_at) or drafted_at.startswith(now):
        return resolved
    try:
        return resolve(resolved.deal_path, library, drafted_at)
    except (GitError, LibraryError) as exc:
        why = "; ".join(p.message for p in exc.problems) if exc.problems else str(exc)
        version = properties.get("termsmith.library.version", "")
        raise InputError(Problem(file=str(document), code="library-changed", message=(
            f"was drafted from the clause library{' ' + version if version else ''} at commit {drafted_at[:12]}, "
            f"which cannot be read here ({why}); the library is now {resolved.library.version} at commit {now[:12]}, "
            "and its changes since would read as the reviewer's: put the draft's manifest beside the document, or "
            "give --library-rev with the library revision it was drafted from"))) from None


def _json_again(text: str, edited: str, parse) -> str:
    """A deal file written in JSON, edited (its values spliced in as YAML, which reads JSON too), written as JSON again,
    so that JSON tools still read it: changed where the edit changed it and laid out as it was elsewhere
    (review.jsonedit), or else whole, with the same indent. Its data is what the edit holds. A .json file written in
    YAML stays YAML."""
    import json

    try:
        json.loads(text)
    except ValueError:
        return edited
    data = parse(edited)
    if data is None:
        return edited
    return rewritten(text, parse(text), data)


def _same_deal(document: Path, properties: dict[str, str], raw: bytes, deal_path: Path) -> None:
    """A document drafted from another deal (its recorded deal id is not the deal file's) is refused as that, not as
    the deal file having changed since."""
    from termsmith.deal.load import load_bytes

    drafted_id = properties.get("termsmith.deal.id", "")
    try:
        deal = load_bytes(raw, str(deal_path)).data.get("deal")
    except TermsmithError:
        return  # the deal file's own error is said where it is read
    deal_id = deal.get("id") if isinstance(deal, dict) else None
    if drafted_id and isinstance(deal_id, str) and deal_id != drafted_id:
        made_from = properties.get("termsmith.deal.file", "")
        raise InputError(Problem(file=str(document), code="other-deal", message=(
            f"was drafted from the deal {drafted_id!r}" + (f" (its deal file was named {made_from})" if made_from else "") +
            f", not from {deal_path.name}, which is the deal {deal_id!r}: give the deal file it was drafted from")))


def _definers(base: Draft, library) -> dict[str, tuple[str, str, str]]:
    """Each term a clause of the draft defines in its front matter → (clause id, its version, the term as
    written there)."""
    if library is None:
        return {}
    out = {}
    for section in base.sections:
        for clause in section.clauses:
            found = library.by_id.get(clause.id)
            for key in (found.meta.defines if found is not None else {}):
                out[key] = (clause.id, clause.version, key)
    return out


def _keep_live(plan, base: Draft, data: dict, library, draft_with) -> dict[str, str]:
    """Each overridden clause's text with the values its template computed from deal fields written back as
    the template's expressions where the reviewer kept them (review/livevalues.py); {clause id: the literal
    text} of the clauses changed, so that absorb can go back to it."""
    import copy

    from termsmith.draft.reads import written_out
    from termsmith.review import livevalues
    from termsmith.review.fromdocx import plain_text

    texts = {i: o for i, o in plan.overrides.items() if o.get("text")}  # added clauses: not in the library
    if not texts or library is None:
        return {}
    for ident in texts:
        fixed = written_out(library.by_id[ident].body) if ident in library.by_id else []
        for r in plan.clauses:
            if r.id == ident and fixed:
                r.detail += ("; written out as the deal has them now (a later change there does not reach this "
                             "wording): " + ", ".join(fixed))
    items = {i: livevalues.printed(library.by_id[i].body) for i in texts if i in library.by_id}
    items.update({i: [] for i in texts if i not in library.by_id and plan.moved_from.get(i)})  # added by the review
    # words moved in from another clause (a tracked move): the values that clause's template printed in them
    moved = {i: _moved_printed(library, i, plan.moved_from.get(i, ()), items.get(i, [])) for i in items}
    own = {i: len(v) for i, v in items.items()}
    items = {i: v + moved[i] for i, v in items.items() if v or moved[i]}
    if not items:
        return {}
    trial = copy.deepcopy(data)
    overrides = dict(trial.get("overrides") or {})
    for ident, printed in items.items():  # an added clause keeps its title and place
        overrides[ident] = {**(texts[ident] if ident not in library.by_id else {}), "text": livevalues.probe_text(printed)}
    trial["overrides"] = overrides
    try:
        probed = draft_with(trial)
    except TermsmithError:
        return {}
    drafted = {c.id: c for s in probed.sections for c in s.clauses}
    old = {c.id: c for s in base.sections for c in s.clauses}
    literal: dict[str, str] = {}
    for ident, printed in items.items():
        if ident not in drafted or ident not in old and ident in library.by_id:
            continue
        before = plain_text(old[ident]) if ident in old else ""  # a clause the review added had no words before
        values = livevalues.read_probe(plain_text(drafted[ident]), len(printed))
        k = own[ident]
        text, used = livevalues.relive(texts[ident]["text"], printed[:k], values[:k], before)
        if k < len(printed):  # then the moved words' values, where the two clauses held them as often as now
            was = "\n".join([before, *(plain_text(old[a]) for a in plan.moved_from[ident] if a in old)])
            text, more = livevalues.relive(text, printed[k:], values[k:], was)
            used += more
        if not used:
            continue
        literal[ident] = texts[ident]["text"]
        texts[ident]["text"] = text
        for r in plan.clauses:  # an added clause's review is under the id it was read with
            if r.id == ident or r.detail.startswith(f"added to the deal as {ident},"):
                r.detail += "; computed values kept live: " + ", ".join(f"{{{{ {u} }}}}" for u in used)
    return literal


def _moved_printed(library, ident: str, sources, own: list) -> list:
    """What the templates of the clauses text was moved out of (`sources`) print, for the clause `ident` it was
    moved into: those whose `{% set %}` lines name nothing the clause's own body sets otherwise."""
    from termsmith.review import livevalues

    def names(tag: str) -> set[str]:
        return set(re.findall(r"\bset\s+([A-Za-z_]\w*)", tag))

    body = library.by_id[ident].body if ident in library.by_id else ""  # a clause the review added sets nothing
    taken = {n: tag for tag in re.findall(r"\{%-?\s*set\b.*?%\}", body, re.S) for n in names(tag)}
    out = []
    for source in sorted(sources):
        if source not in library.by_id:
            continue
        for item in livevalues.printed(library.by_id[source].body):
            wanted = {n: tag for tag in item.sets for n in names(tag)}
            if all(taken.get(n, tag) == tag for n, tag in wanted.items()) and \
                    item.expression not in {p.expression for p in [*own, *out]}:
                taken.update(wanted)
                out.append(item)
    return out


def _definition_text(draft: Draft, term: str) -> str | None:
    """The definition of `term` in the draft's definitions list, as it reads after the term."""
    from termsmith.review.absorb import _after_term, _definition_map
    from termsmith.review.fromdocx import _plain

    for section in draft.sections:
        for clause in section.clauses:
            found = _definition_map(clause).get(term)
            if found is not None:
                return " ".join(_plain(_after_term(found.inlines)).split())
    return None


def _same_order(got: dict[str, list[str]], want: dict[str, list[str]], section: str) -> bool:
    """The clauses both drafts have in this section come in the same order."""
    a, b = got.get(section, []), want.get(section, [])
    return [i for i in a if i in set(b)] == [i for i in b if i in set(a)]


def _new_order(lib, clause, moved: tuple[str, str, str]) -> tuple[str, int]:
    """The `area` and `order` that put the clause where the reviewer moved it, between its new neighbours, in
    its own article or schedule or in another; NotGeneral when the library cannot express the move."""
    from termsmith.review import libedit

    section, prev, after = moved
    low = lib.by_id[prev].meta.order if prev in lib.by_id else None
    high = lib.by_id[after].meta.order if after in lib.by_id else None
    if low is not None and lib.by_id[prev].meta.area != section or high is not None and \
            lib.by_id[after].meta.area != section:
        raise libedit.NotGeneral("its new neighbours are in another article or schedule of the library")
    if section not in lib.sections:
        raise libedit.NotGeneral(f"the library has no article or schedule {section}")
    if low is None and high is None:
        if clause.meta.area != section:
            raise libedit.NotGeneral(f"no clause of the library stands beside it in {section}")
        return section, clause.meta.order
    if low is None:
        low = high - 20
    if high is None:
        high = low + 20
    if high - low < 2:
        raise libedit.NotGeneral(f"there is no order number between {low} and {high} (its new neighbours): "
                                 "renumber the article's clauses in the library first")
    return section, (low + high) // 2


def _term_pattern(term: str):
    import re

    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])")


def _renamed_sources(plan, lib, root: Path) -> dict[str, str]:
    """{clause id: its file's text with each renamed term under its new name} for every clause file of the
    library that uses or defines one (whether this deal has the clause or not)."""
    if not plan.renames:
        return {}
    out = {}
    for clause in lib.clauses:
        source = (root / _in_library(root, clause.path)).read_text(encoding="utf-8")
        new = source
        for old, name in plan.renames.items():
            new = _term_pattern(old).sub(lambda _m, name=name: name, new)
        if new != source:
            out[clause.id] = new
    return out


def _in_library(root: Path, path: str) -> Path:
    """A clause file's path relative to its library's folder."""
    full = Path(path)
    return full.resolve().relative_to(root) if full.is_absolute() else full


def _library_edits(plan, base: Draft, library: Path, deal_path: Path, document: str):
    """(repository, {path in the repository: new bytes}) for the reviewed clauses whose change lies in their
    clause file's own words; the others stay the deal's own wording, each with the reason."""
    import shutil
    import tempfile

    from termsmith.library import git as gitstore
    from termsmith.review import libedit
    from termsmith.review.fromdocx import plain_text
    from termsmith.review.redline import fold_quotes

    root = Path(library).resolve()
    repo = gitstore.repo_root(root)
    if repo is None:
        raise LibraryError(Problem(file=str(root), message="--branch needs a clause library inside a git repository"))
    lib = open_library(root)
    base_clauses = {c.id: c for s in base.sections for c in s.clauses}
    new_clauses = {c.id: c for s in plan.accepted.sections for c in s.clauses}
    edits: dict[str, tuple] = {}
    from termsmith.review.absorb import ClauseReview

    for ident, override in plan.overrides.items():  # a definition changed in the list: its defining clause
        if override.get("defines") and not any(r.id == ident for r in plan.clauses) and ident in base_clauses:
            c = base_clauses[ident]
            plan.clauses.append(ClauseReview(ident, c.label, c.title, action="override",
                                             detail=f"the deal's own wording of its definitions (overrides.{ident})"))
    renamed = _renamed_sources(plan, lib, root)  # a term renamed throughout: in every clause file using it
    unrename = {new: old for old, new in plan.renames.items()}
    renaming = "term renamed " + ", ".join(f"{o} → {n}" for o, n in plan.renames.items())

    def as_renamed(text: str) -> str:
        for old, new in plan.renames.items():
            text = _term_pattern(old).sub(new, text)
        return text

    for r in plan.clauses:
        clause = lib.by_id.get(r.id)
        override = plan.overrides.get(r.id, {})
        moved = plan.moves.get(r.id)
        if clause is None or not (moved or (r.action == "override" and override)):
            continue
        source = renamed.get(r.id) or (root / clause.path).read_text(encoding="utf-8")
        lines = source.split("\n")
        head, body = "\n".join(lines[:clause.body_line - 1]) + "\n", "\n".join(lines[clause.body_line - 1:])
        try:
            if override.get("removed"):
                raise libedit.NotGeneral("leaving the clause out is this deal's choice")
            new_body = body
            if override.get("text") is not None:
                new_body = libedit.rewrite_body(body, as_renamed(plain_text(base_clauses[r.id])),
                                                plain_text(new_clauses[r.id]))
            new_head = head
            for term in override.get("defines") or {}:
                was = _definition_text(base, unrename.get(term, term))
                now = _definition_text(plan.accepted, term)
                template = clause.meta.defines.get(unrename.get(term, term))
                if was is None or now is None or template is None:
                    raise libedit.NotGeneral(f"the definition of “{term}” was not found")
                if term in unrename and as_renamed(was) == as_renamed(now):
                    continue  # renamed, not reworded: the rename did it
                new_head = libedit.redefine(new_head, term, libedit.rewrite_body(
                    as_renamed(" ".join(template.split())), as_renamed(was), now))
            if override.get("title"):
                new_head = libedit.retitle(new_head, override["title"])
            if moved:
                area, order = _new_order(lib, clause, moved)
                new_head = libedit.reorder(new_head, order)
                if area != clause.meta.area:
                    new_head = libedit.rearea(new_head, area)
            version = libedit.bump_minor(clause.version)
            what = ", ".join(x for x, on in ((renaming, r.id in renamed),
                                             ("wording", new_body != body),
                                             ("definition", bool(override.get("defines"))),
                                             ("title", bool(override.get("title"))), ("place", bool(moved))) if on)
            new_source = libedit.rewrite_file(new_head + body, body, new_body, version,
                                              f"{what} from the review of {document}")
        except libedit.NotGeneral as exc:
            r.detail += f"; not made the standard: {exc}"
            plan.refused.append(f"{r.heading}: not made the standard: {exc}")
            continue
        edits[r.id] = (clause, version, new_source, what)
    for ident, source in renamed.items():  # the other clause files that use a renamed term
        if ident in edits:
            continue
        clause = lib.by_id[ident]
        lines = source.split("\n")
        body = "\n".join(lines[clause.body_line - 1:])
        version = libedit.bump_minor(clause.version)
        edits[ident] = (clause, version, libedit.rewrite_file(source, body, body, version, (
            f"{renaming} from the review of {document}")), renaming)
    manifest = root / "library.yaml"
    manifest_text = manifest.read_text(encoding="utf-8")
    retitled, headings = manifest_text, []
    for section, (old_title, new_title) in plan.headings.items():
        r = next((x for x in plan.clauses if x.id == section), None)
        try:
            retitled = libedit.retitle_section(retitled, section, new_title)
            headings.append((section, old_title, new_title, r))
        except libedit.NotGeneral as exc:
            if r is not None:
                r.detail += f"; not made the standard: {exc}"
            plan.refused.append(f"{section}: not made the standard: {exc}")
    if not edits and not headings:
        return repo, {}
    with tempfile.TemporaryDirectory() as tmp:  # the edited library drafts the clauses as reviewed
        copy = Path(tmp) / "library"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git"))
        for clause, _version, new_source, _what in edits.values():
            (copy / _in_library(root, clause.path)).write_text(new_source, encoding="utf-8")
        (copy / "library.yaml").write_text(retitled, encoding="utf-8")
        trial_deal = Path(tmp) / deal_path.name
        trial_deal.write_bytes(deal_path.read_bytes())
        redrafted = build(trial_deal, copy)
    got = {c.id: c for s in redrafted.sections for c in s.clauses}
    from termsmith.review.absorb import _sig

    files: dict[str, bytes] = {}
    done = []
    order = {s.id: [c.id for c in s.clauses] for s in redrafted.sections}
    want = {s.id: [c.id for c in s.clauses] for s in plan.accepted.sections}
    for ident, (clause, version, new_source, what) in edits.items():
        r = next((x for x in plan.clauses if x.id == ident), None)
        if r is None:  # a clause file that only takes a renamed term (perhaps not in this deal)
            inside = _in_library(root, clause.path)
            files[(root / inside).relative_to(repo).as_posix()] = new_source.encode("utf-8")
            done.append(f"{ident} {version}: {what} from the review of {document}")
            continue
        moved = plan.moves.get(ident)
        defines = plan.overrides.get(ident, {}).get("defines") or {}
        if _sig(got.get(ident)) != _sig(new_clauses[ident]) or (moved and not _same_order(order, want, moved[0])) \
                or any(_definition_text(redrafted, t) != _definition_text(plan.accepted, t) for t in defines):
            r.detail += "; not made the standard: the rewritten clause file does not draft as reviewed"
            plan.refused.append(f"{r.heading}: not made the standard: it does not draft as reviewed")
            continue
        inside = _in_library(root, clause.path)
        files[(root / inside).relative_to(repo).as_posix()] = new_source.encode("utf-8")
        plan.overrides.pop(ident, None)
        if moved:
            plan.refused = [line for line in plan.refused if not (line.startswith(r.heading) and "moved" in line)]
        r.action = "library"
        r.detail = f"into the library's {inside.as_posix()}, version {clause.version} → {version}"
        done.append(f"{ident} {version}: {what} from the review of {document}")
    if renamed and not any(o.get("defines") for o in plan.overrides.values()):
        for r in plan.clauses:  # the definitions list: every renamed (and reworded) term went into the library
            if r.action == "override" and "renamed" in r.detail and not plan.overrides.get(r.id):
                r.action, r.detail = "library", f"{renaming}, in every clause file that uses it"
    titles = {s.id: fold_quotes(s.title) for s in redrafted.sections}
    if headings and all(titles.get(sid) == fold_quotes(new) for sid, _o, new, _r in headings):
        for sid, old_title, new_title, r in headings:
            plan.refused = [line for line in plan.refused if "the heading of" not in line or sid not in line
                            and old_title not in line]
            if r is not None:
                r.action, r.detail = "library", f"into the library's library.yaml: heading {old_title} → {new_title}"
            done.append(f"heading of {sid}: {old_title} → {new_title}, from the review of {document}")
    else:
        for sid, _old, _new, r in headings:
            if r is not None:
                r.detail += "; not made the standard: the edited library.yaml does not draft the heading as reviewed"
        headings, retitled = [], manifest_text
    if files or headings:
        new_version = libedit.bump_minor(lib.version)
        files[manifest.relative_to(repo).as_posix()] = libedit.bump_library(retitled, new_version).encode("utf-8")
        changelog = root / "CHANGELOG.md"
        old_log = changelog.read_text(encoding="utf-8") if changelog.exists() else "# Changelog\n"
        files[changelog.relative_to(repo).as_posix()] = libedit.add_changelog(old_log, new_version, done).encode()
    return repo, files
