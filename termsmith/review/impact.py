"""What a change to the clause library does to a portfolio of deals (`termsmith impact`).

Deciding is cheap and comes first. The two library revisions are compared once: the clauses whose file
differs (front matter or text; added or removed), and whether `library.yaml` changed what every draft
depends on (sections, their order and titles, house style). A deal is then unaffected when none of the
clauses it selects at either revision is among those: every input a clause's text is rendered from (its
version, its template source, the deal fields it reads, the numbers of the clauses it refers to, the
definitions of the terms it uses) is then the same at both revisions, since the deal file is the same.
Only the conditions of the changed clauses are evaluated, so a condition that now adds or drops a clause
makes the deal affected, and a definition changed in a clause every deal selects affects every deal.

Only affected deals are drafted, at both revisions (read from git, the working tree untouched), compared,
and given a Word redline with its CriticMarkup twin when their text changed. A deal locked to a library
commit is unaffected by a library change unless locks are ignored.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from termsmith.draft.document import (
    Clause as DraftClause,
    CrossRef,
    Link,
    Paragraph,
    Section,
    SignatureBlock,
    Span,
    Table,
    TermDefinition,
)
from termsmith.draft.revisions import (
    Deleted,
    Inserted,
    Redline,
    RevisedParty,
    RevisedSection,
    Retitled,
    Tracked,
    TrackedRow,
    TrackedTable,
)
from termsmith.errors import InputError, Problem, TermsmithError
from termsmith.library.clauses import MANIFEST, Library

# a word with its inner punctuation ('2,000,000', '99.9', 'co-sell'), as the redline's word diff cuts them;
# punctuation alone is not a word
_WORD = re.compile(r"\w+(?:[.,’'\-/]\w+)*")
WORKTREE = "WORKTREE"  # --head WORKTREE (the default): the library folder as it is now
REPORT_NAME = "impact.json"


# ── the library change ─────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class LibraryChange:
    """What differs between the two revisions of the library, as far as drafting can tell."""

    base: Library
    head: Library
    clauses: tuple[str, ...]  # ids of the clauses added, removed or changed, sorted
    everything: str = ""  # why every deal is affected ('' when only `clauses` matter)
    # of `clauses`, those whose only change is their condition (or changelog line): they affect a deal only
    # where they are selected at one revision and not at the other
    conditions_only: tuple[str, ...] = ()

    def path_of(self, clause_id: str) -> str:
        """The clause's file inside the library (`clauses/exit/cure.md`), at head, else at base."""
        lib = self.head if clause_id in self.head.by_id else self.base
        return _inside(lib, lib.by_id[clause_id].path)


def _inside(lib: Library, path: str) -> str:
    return path[len(lib.root) + 1:] if path.startswith(lib.root + "/") else path


def library_change(base: Library, head: Library) -> LibraryChange:
    """The clauses that differ between the revisions, and whether the whole library's layout did."""
    why = []
    if base.manifest.sections != head.manifest.sections:
        why.append("its sections")
    if base.manifest.house_style != head.manifest.house_style:
        why.append("its house style")
    if base.manifest.proper_nouns != head.manifest.proper_nouns:
        why.append("its proper nouns")
    everything = f"{MANIFEST} changed {' and '.join(why)}" if why else ""
    ids = sorted(base.by_id.keys() | head.by_id.keys())
    changed = tuple(i for i in ids if _content(base, i) != _content(head, i))
    conditions_only = tuple(i for i in changed if i in base.by_id and i in head.by_id
                            and _content(base, i, text_only=True) == _content(head, i, text_only=True))
    return LibraryChange(base, head, changed, everything, conditions_only)


def _content(lib: Library, clause_id: str, text_only: bool = False) -> object:
    """What a clause's text in a draft is made from (with `text_only`, leaving out what decides whether it is
    in the draft, and its changelog line, which no draft prints)."""
    clause = lib.by_id.get(clause_id)
    if clause is None:
        return None
    meta = clause.meta.model_dump(exclude={"when", "changelog"}) if text_only else clause.meta
    return (meta, clause.body)


# ── one deal ───────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Plan:
    """What every deal is assessed against (sent to worker processes: plain values only)."""

    library: Path | None
    base: str
    head: str | None  # None: the library folder as it is
    changed: tuple[str, ...]
    everything: str
    ignore_locks: bool
    conditions_only: tuple[str, ...] = ()
    author: str | None = None


@dataclass(frozen=True)
class Assessment:
    """One deal, decided and (when affected) compared; the redline as bytes, written by the caller."""

    deal: Path
    state: str  # unaffected | locked | unchanged | changed | failed
    deal_id: str = ""
    causes: tuple[str, ...] = ()  # the changed library clauses this deal selects at either revision
    clauses: tuple[str, ...] = ()  # the clauses whose text changed in the draft, in document order
    words_added: int = 0
    words_removed: int = 0
    summary: tuple[str, ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)  # 'docx' / 'md' → bytes
    problems: tuple[Problem, ...] = ()
    failed_at: str = ""  # 'base', 'head' or 'both' (the deal itself)


def _libraries(plan: Plan) -> tuple[Library, Library]:
    from termsmith.library.opening import open_library

    return open_library(plan.library, plan.base), open_library(plan.library, plan.head)


def assess(path: Path, plan: Plan) -> Assessment:
    """Decide whether the library change can touch this deal; if it can, draft and compare it."""
    from termsmith.library.lock import lock_path
    from termsmith.pipeline import check_drafting, context, load_deal

    path = Path(path)
    if not plan.ignore_locks and lock_path(path).is_file():
        return Assessment(path, "locked")
    try:
        deal, loaded = load_deal(path)
    except TermsmithError as exc:
        return Assessment(path, "failed", problems=_located(exc, path), failed_at="both")
    base, head = _libraries(plan)
    problems: dict[str, tuple[Problem, ...]] = {}
    for side, lib in (("base", base), ("head", head)):
        try:
            check_drafting(deal, loaded, lib)
        except TermsmithError as exc:
            problems[side] = _located(exc, path)
    causes: tuple[str, ...] = ()
    if not problems and not plan.everything:
        before, after = context(deal, base), context(deal, head)
        causes = tuple(cid for cid in plan.changed if _affects(cid, _selects(base, cid, before),
                                                               _selects(head, cid, after), plan))
        if not causes:
            return Assessment(path, "unaffected", deal.deal.id)
    elif plan.everything:
        causes = plan.changed
    drafts = {}
    for side, lib in (("base", base), ("head", head)):
        if side in problems:
            continue
        try:
            drafts[side] = _draft(deal, loaded, lib, path, plan.library)
        except TermsmithError as exc:
            problems[side] = _located(exc, path)
    if problems:
        at = "both" if len(problems) == 2 else next(iter(problems))
        return Assessment(path, "failed", deal.deal.id, causes,
                          problems=tuple(p for ps in problems.values() for p in ps), failed_at=at)
    return _compared(path, deal.deal.id, causes, drafts["base"], drafts["head"], plan)


def _affects(clause_id: str, before: bool, after: bool, plan: Plan) -> bool:
    """A changed clause touches a deal that selects it at either revision; one whose only change is its
    condition, a deal whose selection of it changes."""
    return before != after if clause_id in plan.conditions_only else before or after


def _selects(lib: Library, clause_id: str, names: dict) -> bool:
    from termsmith.draft.conditions import evaluate, parse_condition

    clause = lib.by_id.get(clause_id)
    if clause is None:
        return False
    when = clause.meta.when
    return when is None or evaluate(parse_condition(when, clause.path), names)


def _draft(deal, loaded, lib: Library, path: Path, library: Path | None):
    from termsmith.pipeline import compose_draft, made_at

    return replace(compose_draft(deal, loaded, lib), made_at=made_at(path, library, lib))


def _compared(path: Path, deal_id: str, causes: tuple[str, ...], old, new, plan: Plan) -> Assessment:
    from termsmith.review.inputs import revision_date
    from termsmith.review.redline import compare, render_redline, summary_lines

    comparison = compare(old, new, author=plan.author or new.provenance.library_owner or "termsmith",
                         date=revision_date(None, new))
    if comparison.unchanged:
        return Assessment(path, "unchanged", deal_id, causes)
    clauses = tuple(dict.fromkeys(c.id for c in comparison.changes if not c.section))
    added, removed = word_counts(comparison.redline)
    return Assessment(path, "changed", deal_id, causes, clauses, added, removed,
                      tuple(summary_lines(comparison)), render_redline(comparison, ("docx", "md")))


def _located(exc: TermsmithError, path: Path) -> tuple[Problem, ...]:
    return tuple(p if p.file else replace(p, file=str(path)) for p in exc.problems)


# ── words added and removed ────────────────────────────────────────────────────────────────
def word_counts(redline: Redline) -> tuple[int, int]:
    """Words the redline inserts and deletes (a whole paragraph, row, clause or party counts all its words)."""
    counts = {"insert": 0, "delete": 0}
    _count((redline.sections, redline.parties, redline.title, redline.date_text), None, counts)
    return counts["insert"], counts["delete"]


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _count(item: object, mode: str | None, counts: dict[str, int]) -> None:
    if isinstance(item, tuple | list):
        for x in item:
            _count(x, mode, counts)
    elif isinstance(item, Inserted):
        _count(item.inlines, "insert", counts)
    elif isinstance(item, Deleted):
        _count(item.inlines, "delete", counts)
    elif isinstance(item, Tracked):
        _count(item.item, item.change, counts)
    elif isinstance(item, TrackedRow):
        _count(item.cells, item.change or mode, counts)
    elif mode is None and isinstance(item, Span | CrossRef | TermDefinition | Link | SignatureBlock):
        return  # text both drafts have
    elif isinstance(item, Span):
        counts[mode] += _words(item.text)
    elif isinstance(item, CrossRef):
        counts[mode] += _words(item.label)
    elif isinstance(item, TermDefinition):
        counts[mode] += _words(item.term)
    elif isinstance(item, Link):
        _count(item.children, mode, counts)
    elif isinstance(item, Paragraph):
        if mode is not None and item.title:
            counts[mode] += _words(item.title)
        _count(item.inlines, mode, counts)
    elif isinstance(item, Retitled):
        _count((item.title, item.paragraph.inlines), mode, counts)
    elif isinstance(item, Table | TrackedTable):
        _count((item.header, item.rows), mode, counts)
    elif isinstance(item, Section):
        if mode is not None:
            counts[mode] += _words(item.title)
        _count(item.clauses, mode, counts)
    elif isinstance(item, RevisedSection):
        _count((item.title, item.section.clauses), mode, counts)
    elif isinstance(item, DraftClause):
        _count(item.blocks, mode, counts)
    elif isinstance(item, SignatureBlock):
        counts[mode] += sum(_words(t) for t in (item.party_name, item.signatory_name, item.signatory_title))
    elif isinstance(item, RevisedParty):
        _count((item.party_name, item.signatory_name, item.signatory_title), mode, counts)


# ── the portfolio ──────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class DealImpact:
    """One line of the report."""

    deal: str  # the deal file as given
    state: str  # unaffected | locked | unchanged | changed | failed
    deal_id: str = ""
    causes: tuple[str, ...] = ()
    clauses: tuple[str, ...] = ()
    words_added: int = 0
    words_removed: int = 0
    redline: str | None = None
    summary: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    failed_at: str = ""

    @property
    def changed(self) -> bool | None:
        """Whether the deal's text changed; None when it could not be drafted at a revision."""
        return None if self.state == "failed" else self.state == "changed"

    def as_json(self) -> dict:
        return {"deal": self.deal, "changed": self.changed, "clauses": list(self.clauses),
                "words_added": self.words_added, "words_removed": self.words_removed, "redline": self.redline}


@dataclass(frozen=True)
class ImpactResult:
    change: LibraryChange
    deals: tuple[DealImpact, ...]
    report: Path | None  # impact.json in the output folder
    base: str
    head: str
    folder: Path  # the library folder, for the paths of its files

    @property
    def failed(self) -> tuple[DealImpact, ...]:
        return tuple(d for d in self.deals if d.state == "failed")

    def deals_changed_by(self, clause_id: str) -> list[DealImpact]:
        return [d for d in self.deals if d.state == "changed" and clause_id in d.causes]


def impact(deals: Sequence[Path], *, base: str, head: str | None = None, library: Path | None = None,
           out_dir: Path = Path("impact"), jobs: int = 1, ignore_locks: bool = False,
           on_progress: Callable[[DealImpact], None] | None = None) -> ImpactResult:
    """Assess every deal against the library change from `base` to `head` (default: the library folder as it
    is); write a redline for each deal whose text changed, and impact.json, into out_dir."""
    import json

    from termsmith.library.opening import open_library
    from termsmith.write import write_files

    head = None if head in (None, WORKTREE) else head
    paths = [Path(p) for p in deals]
    missing = [Problem(file=str(p), message="deal file not found") for p in paths if not p.is_file()]
    if missing:
        raise InputError(missing)
    change = library_change(open_library(library, base), open_library(library, head))
    plan = Plan(library, base, head, change.clauses, change.everything, ignore_locks, change.conditions_only)
    out_dir = Path(out_dir)
    results: list[DealImpact] = []
    first: dict[str, str] = {}  # deal id → the deal whose redline has that name
    for path, assessed in zip(paths, _assessed(paths, plan, jobs), strict=True):
        result = _written(path, assessed, out_dir, first)
        results.append(result)
        if on_progress:
            on_progress(result)
    report = out_dir / REPORT_NAME
    text = json.dumps([d.as_json() for d in results], indent=2, ensure_ascii=False) + "\n"
    write_files({report: text.encode("utf-8")})
    from termsmith.library.locate import library_path

    return ImpactResult(change, tuple(results), report, base, head or WORKTREE, library_path(library))


def _assessed(paths: list[Path], plan: Plan, jobs: int) -> Iterator[Assessment]:
    work = functools.partial(assess, plan=plan)
    if jobs <= 1 or len(paths) <= 1:
        yield from map(work, paths)
        return
    from concurrent.futures import ProcessPoolExecutor

    # the libraries are open in this process already: forked workers start with them
    chunk = max(1, min(16, len(paths) // (jobs * 4)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(work, paths, chunksize=chunk)


def _written(path: Path, done: Assessment, out_dir: Path, first: dict[str, str]) -> DealImpact:
    from termsmith.review.inputs import check_replaceable
    from termsmith.write import write_files

    result = DealImpact(str(path), done.state, done.deal_id, done.causes, done.clauses, done.words_added,
                        done.words_removed, None, done.summary, done.problems, done.failed_at)
    if done.state != "changed":
        return result
    if done.deal_id in first:
        return replace(result, state="failed", failed_at="output", problems=(Problem(
            file=str(path), path="deal.id",
            message=f"'{done.deal_id}' is also the id of {first[done.deal_id]}: their redlines would have the "
                    "same name"),))
    first[done.deal_id] = str(path)
    docx = out_dir / f"{done.deal_id}.docx"
    targets = {docx: done.files["docx"], docx.with_suffix(".md"): done.files["md"]}
    try:
        check_replaceable(list(targets), force=False)
        write_files(targets)
    except TermsmithError as exc:
        return replace(result, state="failed", failed_at="output", problems=tuple(exc.problems))
    return replace(result, redline=str(docx))


# ── what a clause pull request's reviewer sees ─────────────────────────────────────────────
def annotations(result: ImpactResult) -> list[tuple[str, str]]:
    """One (file, message) per changed clause file: the deals whose text it changes."""
    library_folder = result.folder
    out = []
    for cid in result.change.clauses:
        file = _shown(library_folder / result.change.path_of(cid))
        changed = result.deals_changed_by(cid)
        name = cid + (" (removed)" if cid not in result.change.head.by_id
                      else " (new)" if cid not in result.change.base.by_id else "")
        if changed:
            names = ", ".join(d.deal_id for d in changed[:10]) + (" …" if len(changed) > 10 else "")
            message = f"{name} changes the text of {len(changed)} deal{'s' if len(changed) != 1 else ''}: {names}"
        else:
            message = f"{name} changes the text of no deal"
        out.append((file, message))
    if result.change.everything:
        changed = [d for d in result.deals if d.state == "changed"]
        out.append((_shown(library_folder / MANIFEST),
                    f"{result.change.everything}: every deal was compared; {len(changed)} changed"))
    return out


def _shown(path: Path) -> str:
    return os.path.relpath(path) if path.is_absolute() else path.as_posix()
