"""Absorb a reviewed Word document: every change and comment mapped to its clause, and a plan of what to write.

The reviewed document is read twice: as it stands (every tracked change accepted) and as it was before its
tracked changes (every one rejected). The draft its manifest rebuilds is what termsmith sent out, so
- tracked insertions and deletions (any author) come from the document's revision marks;
- direct, untracked edits are where the document before its tracked changes differs from that draft;
- comments are the reviewer's notes; notes termsmith wrote itself (author "termsmith") are not the
  reviewer's and are left out, but a reply to one is reported.
Each clause whose text as it stands differs from the draft becomes, in this order of preference:
- a change of a deal field, when changing exactly one field re-drafts exactly what the reviewer wrote (in
  that clause and in every other clause the field reaches);
- the deal's own wording for the clause (`overrides:`), based on the library version it was drafted from;
- a removed or an added clause;
- or nothing, with the reason (the definitions list and the cover are made from other parts of the deal).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from termsmith.draft.document import Clause, Draft, Paragraph, Table
from termsmith.review.clausemd import blocks_markdown
from termsmith.review.diff import opcodes
from termsmith.review.docx import Comment, Document, Para, Piece, Row, TableRead
from termsmith.review.fromdocx import ADDED_ID, document_draft, signature
from termsmith.review.redline import FOLD_QUOTES, compare

TERMSMITH_AUTHOR = "termsmith"  # the author of the notes termsmith itself writes into a draft
DEFINITIONS = "definitions.terms"
MAX_FIELD_TRIES = 24


@dataclass(frozen=True)
class Note:
    """One thing the reviewer did: a tracked insertion or deletion, an untracked edit, a comment or reply."""

    kind: str  # inserted | deleted | edited | comment | reply
    author: str
    date: str
    text: str
    to: str = ""  # a reply: the note it answers


@dataclass
class ClauseReview:
    id: str
    label: str
    title: str
    notes: list[Note] = field(default_factory=list)
    action: str = ""  # what absorb does: field | override | removed | added | reported | refused | library
    detail: str = ""

    @property
    def heading(self) -> str:
        return " ".join(x for x in (self.label, self.title) if x) + (f" ({self.id})" if self.id else "")


@dataclass
class Plan:
    """What the review contains and what absorbing it writes."""

    clauses: list[ClauseReview]
    fields: list[tuple[tuple, object, object]]  # (path, old value, new value)
    overrides: dict[str, dict]
    accepted: Draft  # the document as it stands
    refused: list[str] = field(default_factory=list)  # changes that cannot be absorbed, one line each

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.overrides)


# ── reading the review ─────────────────────────────────────────────────────────────────────
def review_notes(doc: Document, owners: dict[int, str]) -> dict[str, list[Note]]:
    """Tracked changes and comments by the id of the clause they fall in."""
    def owner(index: int) -> str:
        while index >= 0:
            if index in owners:
                return owners[index]
            index -= 1
        return "cover"

    out: dict[str, list[Note]] = {}
    last: tuple | None = None
    for index, item in doc.revisions():
        if isinstance(item, Piece):
            rev = item.revision
            text = getattr(item.inline, "text", None) or getattr(item.inline, "label", None) or \
                getattr(item.inline, "term", "")
            key = (index, rev.kind, rev.author, rev.date)
            notes = out.setdefault(owner(index), [])
            if last == key and notes:
                prev = notes[-1]
                notes[-1] = replace(prev, text=prev.text + text)
            else:
                notes.append(Note("inserted" if rev.kind == "ins" else "deleted", rev.author, rev.date, text))
            last = key
            continue
        last = None
        rev = item.mark if isinstance(item, Para) else item.revision
        what = "paragraph" if isinstance(item, Para) else "table row"
        out.setdefault(owner(index), []).append(
            Note("inserted" if rev.kind == "ins" else "deleted", rev.author, rev.date, f"({what})"))
    places = _comment_places(doc)
    for cid, index in places.items():
        comment = doc.comments[cid]
        if comment.author.strip().lower() == TERMSMITH_AUTHOR:
            continue  # termsmith's own note to the reviewer
        parent = doc.comments.get(comment.parent or "")
        out.setdefault(owner(index), []).append(_comment_note(comment, parent))
    for comment in doc.comments.values():  # replies have no place of their own: they sit with their comment
        if comment.parent and comment.author.strip().lower() != TERMSMITH_AUTHOR and comment.id not in places:
            anchor = places.get(comment.parent)
            parent = doc.comments.get(comment.parent)
            out.setdefault(owner(anchor) if anchor is not None else "cover", []).append(
                _comment_note(comment, parent))
    return out


def _comment_note(comment: Comment, parent: Comment | None) -> Note:
    if parent is None:
        return Note("comment", comment.author, comment.date, comment.text)
    to = f"{parent.author}: {parent.text}" if parent.author.strip().lower() != TERMSMITH_AUTHOR \
        else f"termsmith's note: {parent.text}"
    return Note("reply", comment.author, comment.date, comment.text, to)


def _comment_places(doc: Document) -> dict[str, int]:
    places: dict[str, int] = {}
    for index, block in enumerate(doc.blocks):
        paras = [block] if isinstance(block, Para) else [p for r in block.rows for c in r.cells for p in c]
        for para in paras:
            for cid in para.comments:
                places.setdefault(cid, index)
    return places


# ── the plan ───────────────────────────────────────────────────────────────────────────────
def plan(doc: Document, base: Draft, deal_data: dict, draft_with: Callable[[dict], Draft]) -> Plan:
    """What to write for a reviewed document drafted as `base` from a deal whose data is `deal_data`;
    `draft_with(data)` drafts the deal with other data (to test a field change)."""
    try:
        return _plan(doc, base, deal_data, draft_with)
    finally:
        _SIGS.clear()


def _plan(doc: Document, base: Draft, deal_data: dict, draft_with: Callable[[dict], Draft]) -> Plan:
    owners: dict[int, str] = {}
    accepted = document_draft(doc, base, view="accepted", owners=owners)
    original = document_draft(doc, base, view="original")
    notes = review_notes(doc, owners)
    base_clauses = _clauses(base)
    accepted_clauses = _clauses(accepted)
    original_clauses = _clauses(original)
    reviews: dict[str, ClauseReview] = {}

    def review(ident: str) -> ClauseReview:
        if ident not in reviews:
            clause = accepted_clauses.get(ident) or base_clauses.get(ident)
            reviews[ident] = ClauseReview(ident, clause.label if clause else "", clause.title if clause else "")
        return reviews[ident]

    for ident, clause_notes in notes.items():
        target = review(ident) if ident in accepted_clauses or ident in base_clauses else \
            reviews.setdefault(ident, ClauseReview("", "", "Cover and headings" if ident == "cover" else ident))
        target.notes.extend(clause_notes)
    for ident, clause in original_clauses.items():  # untracked edits: before its tracked changes vs the draft
        old = base_clauses.get(ident)
        if old is not None and _sig(old) != _sig(clause):
            review(ident).notes.append(Note("edited", "", "", _edit_summary(old, clause)))

    changed = [i for i in [*accepted_clauses, *(k for k in base_clauses if k not in accepted_clauses)]
               if _sig(base_clauses.get(i)) != _sig(accepted_clauses.get(i))]
    result = Plan(list(reviews.values()), [], {}, accepted)
    handled: set[str] = set()
    for ident in changed:
        if ident in handled:
            continue
        target = review(ident)
        old, new = base_clauses.get(ident), accepted_clauses.get(ident)
        if new is None:
            target.action, target.detail = "removed", "the clause is left out of the deal (overrides: removed)"
            result.overrides[ident] = {"removed": True, "based_on": old.version}
            continue
        if old is None:
            after = _previous(accepted, ident)
            new_id = _added_id(ident, result.overrides)
            title = new.title or (new.blocks[0].title if new.blocks and isinstance(new.blocks[0], Paragraph) and
                                  new.blocks[0].title else "New clause")
            result.overrides[new_id] = {"title": title, "after": after, "text": blocks_markdown(new.blocks)}
            target.action, target.detail = "added", f"added to the deal as {new_id}, after {after}"
            continue
        if ident == DEFINITIONS and _sig_blocks(old.blocks, "definition") != _sig_blocks(new.blocks, "definition"):
            target.action = "refused"
            target.detail = ("the definitions list is made from the clauses that define each term: change the "
                             "defining clause (or its `defines` in the library) instead")
            result.refused.append(f"{target.heading}: {target.detail}")
            continue
        found = _field_change(old, new, base, accepted, deal_data, draft_with)
        if isinstance(found, tuple):
            path, old_value, new_value, reached = found
            result.fields.append((path, old_value, new_value))
            shown = ".".join(str(p) for p in path)
            for other in reached:
                review(other).action = "field"
                review(other).detail = f"deal field {shown}: {old_value} → {new_value}"
                handled.add(other)
            continue
        text = blocks_markdown(new.blocks)
        override: dict = {"based_on": old.version, "text": text}
        first_new = new.blocks[0] if new.blocks and isinstance(new.blocks[0], Paragraph) else None
        first_old = old.blocks[0] if old.blocks and isinstance(old.blocks[0], Paragraph) else None
        if first_new and first_old and first_new.title != first_old.title and first_new.title:
            override["title"] = first_new.title
        result.overrides[ident] = override
        target.action = "override"
        target.detail = f"the deal's own wording for the clause (overrides.{ident}, based on {old.version})" + (
            f"; {found}" if found else "")
    cover = _cover_changes(base, accepted)
    if cover:
        target = reviews.setdefault("cover", ClauseReview("", "", "Cover and headings"))
        target.action = "refused"
        target.detail = "; ".join(cover) + ": change the deal's title, parties or headings in the deal file"
        result.refused.append(f"Cover: {target.detail}")
    result.clauses = sorted(reviews.values(), key=lambda r: _order(accepted, base, r.id))
    for r in result.clauses:
        if not r.action:
            r.action, r.detail = "reported", "no change to the text" if r.notes else ""
    return result


def _clauses(draft: Draft) -> dict[str, Clause]:
    return {c.id: c for s in draft.sections for c in s.clauses}


_SIGS: dict[int, tuple[Clause, object]] = {}  # id(clause) → (clause, signature) while a plan is made


def _sig(clause: Clause | None) -> object:
    if clause is None:
        return None
    known = _SIGS.get(id(clause))
    if known is not None and known[0] is clause:
        return known[1]
    sig = tuple(signature(b) for b in clause.blocks)
    _SIGS[id(clause)] = (clause, sig)
    return sig


def _sig_blocks(blocks, role: str) -> object:
    return tuple(signature(b) for b in blocks if isinstance(b, Paragraph) and b.role == role)


def _plain(clause: Clause) -> str:
    parts = []
    for b in clause.blocks:
        sig = signature(b)
        parts.append(sig[4] if sig[0] == "p" else " ".join(" ".join(r) for r in (sig[1], *sig[2])))
    return "\n".join(parts)


_WORD = re.compile(r"\w+(?:[.,’'\-/]\w+)*|\s+|[^\w\s]")


def _edit_summary(old: Clause, new: Clause) -> str:
    a, b = _WORD.findall(_plain(old)), _WORD.findall(_plain(new))
    parts = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        if tag == "equal":
            continue
        was, now = "".join(a[i1:i2]).strip(), "".join(b[j1:j2]).strip()
        parts.append(f"“{was}” → “{now}”" if was and now else f"added “{now}”" if now else f"removed “{was}”")
    return "; ".join(parts[:5]) + (f"; {len(parts) - 5} more" if len(parts) > 5 else "")


def _previous(draft: Draft, ident: str) -> str:
    prev = ""
    for s in draft.sections:
        for c in s.clauses:
            if c.id == ident:
                return prev
            if ADDED_ID not in c.id.rsplit(".", 1)[-1]:
                prev = c.id
    return prev


def _added_id(ident: str, taken: dict) -> str:
    area = ident.rsplit(".", 1)[0]
    n = 1
    while f"{area}.negotiated-{n}" in taken:
        n += 1
    return f"{area}.negotiated-{n}"


def _order(accepted: Draft, base: Draft, ident: str) -> tuple:
    if not ident:
        return (-1, 0)
    for draft in (accepted, base):
        k = 0
        for s in draft.sections:
            for c in s.clauses:
                k += 1
                if c.id == ident:
                    return (0, k)
    return (1, 0)


def _cover_changes(base: Draft, accepted: Draft) -> list[str]:
    out = []
    if base.title.translate(FOLD_QUOTES) != accepted.title.translate(FOLD_QUOTES):
        out.append(f"title “{base.title}” → “{accepted.title}”")
    for old, new in zip(base.parties, accepted.parties, strict=False):
        for name in ("party_name", "signatory_name", "signatory_title"):
            a, b = getattr(old, name), getattr(new, name)
            if a.translate(FOLD_QUOTES) != b.translate(FOLD_QUOTES):
                out.append(f"{name.replace('_', ' ')} “{a}” → “{b}”")
    return out


# ── a change that is a deal field ──────────────────────────────────────────────────────────
def _leaves(data, path=()) -> Iterable[tuple[tuple, object]]:
    if isinstance(data, dict):
        for k, v in data.items():
            if k != "overrides":
                yield from _leaves(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _leaves(v, (*path, i))
    else:
        yield path, data


def _as_type(text: str, like: object) -> object | None:
    text = text.strip()
    if isinstance(like, bool):
        return None
    if isinstance(like, int):
        digits = text.replace(",", "").replace("\u202f", "").replace("\u00a0", "")
        return int(digits) if digits.isdigit() else None
    if isinstance(like, float):
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None
    if isinstance(like, str):
        return text or None
    return None


def _field_change(old: Clause, new: Clause, base: Draft, accepted: Draft, data: dict,
                  draft_with: Callable[[dict], Draft]):
    """(path, old value, new value, clause ids it reaches) when exactly one field change re-drafts what the
    reviewer wrote; otherwise '' or the reason no field change fits."""
    a, b = _WORD.findall(_plain(old)), _WORD.findall(_plain(new))
    diffs = [(("".join(a[i1:i2])).strip(), ("".join(b[j1:j2])).strip())
             for tag, i1, i2, j1, j2 in opcodes(a, b) if tag != "equal"]
    diffs = list(dict.fromkeys(diffs))  # the same value changed the same way wherever it shows
    if len(diffs) != 1 or not diffs[0][0] or not diffs[0][1] or len(diffs[0][0]) > 80:
        return ""
    was, now = diffs[0]
    candidates = []
    for path, value in _leaves(data):
        if isinstance(value, bool) or value is None:
            continue
        shown = str(value)
        if isinstance(value, int):
            if was.replace(",", "").replace("\u202f", "").replace("\u00a0", "") != shown:
                continue
        elif shown.strip() != was:
            # a word inside a longer value (a party's name: 'Ltd' → 'Limited') where the value shows
            if not (isinstance(value, str) and len(was) >= 3 and was in shown and shown in _plain(old)):
                continue
            candidates.append((path, value, shown.replace(was, now, 1)))
            continue
        new_value = _as_type(now, value)
        if new_value is not None and new_value != value:
            candidates.append((path, value, new_value))
    fits, reasons = [], []
    accepted_clauses, base_clauses = _clauses(accepted), _clauses(base)
    for path, value, new_value in candidates[:MAX_FIELD_TRIES]:
        trial = copy.deepcopy(data)
        node = trial
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = new_value
        try:
            redrafted = draft_with(trial)
        except Exception:  # noqa: BLE001 - any failure of a trial draft only rules the candidate out
            continue
        trial_clauses = _clauses(redrafted)
        reached = [k for k in trial_clauses.keys() | base_clauses.keys()
                   if _sig(trial_clauses.get(k)) != _sig(base_clauses.get(k))]
        if old.id not in reached:
            continue
        differs = [k for k in reached if _sig(trial_clauses.get(k)) != _sig(accepted_clauses.get(k))]
        if differs:
            shown = ".".join(map(str, path))
            names = _names(redrafted)
            others = [names.get(k, k) for k in differs if k != old.id]
            if old.id in differs:
                reasons.append(f"deal field {shown} = {new_value} does not give the reviewed wording of "
                               f"{names.get(old.id, old.id)} (the field is used elsewhere in it)")
            else:
                reasons.append(f"changing deal field {shown} would also change {', '.join(others)}, which the "
                               "review left as it was")
            continue
        fits.append((path, value, new_value, reached))
    if len(fits) == 1:
        return fits[0]
    if len(fits) > 1:
        return "several deal fields give this text: " + ", ".join(".".join(map(str, f[0])) for f in fits)
    return "; ".join(reasons)


# ── the report ─────────────────────────────────────────────────────────────────────────────
ACTIONS = {
    "field": "absorbed as a deal field",
    "override": "absorbed as the deal's own wording",
    "removed": "absorbed: clause removed",
    "added": "absorbed: clause added",
    "refused": "not absorbed",
    "reported": "reported",
    "library": "absorbed into the library",
}


def report_lines(result: Plan, document: str, deal: str) -> list[str]:
    """Every change and comment by clause: who, when, what, and what absorb did with it."""
    lines = [f"# Review of {document}", "", f"Absorbed into {deal}."]
    for r in result.clauses:
        if not r.notes and r.action == "reported":
            continue
        lines += ["", f"## {r.heading}", "", f"{ACTIONS.get(r.action, r.action)}" + (f": {r.detail}" if r.detail else "")]
        for note in r.notes:
            who = ", ".join(x for x in (note.author or "untracked", note.date[:10]) if x)
            text = " ".join(note.text.split())
            line = f"- {note.kind} ({who}): " + (text if note.kind == "edited" else f"“{text}”")
            if note.to:
                line += f" in reply to {' '.join(note.to.split())}"
            lines.append(line)
    if result.fields:
        lines += ["", "## Deal fields changed", ""]
        lines += [f"- {'.'.join(map(str, p))}: {a} → {b}" for p, a, b in result.fields]
    if result.refused:
        lines += ["", "## Not absorbed", ""]
        lines += [f"- {line}" for line in result.refused]
    return lines


def mismatches(result: Plan, redrafted: Draft) -> list[str]:
    """Clauses the re-drafted deal does not word as the reviewed document does (refused changes aside)."""
    return [line for _ident, line in mismatched(result, redrafted)]


def mismatched(result: Plan, redrafted: Draft) -> list[tuple[str, str]]:
    """(clause id, how a reader names it) of each clause the re-draft does not word as reviewed."""
    out = []
    refused = {r.id for r in result.clauses if r.action in ("refused", "library")}
    got, want = _clauses(redrafted), _clauses(result.accepted)
    added = {v.get("after"): k for k, v in result.overrides.items() if v.get("after")}
    for ident, clause in want.items():
        if ident in refused:
            continue
        if ADDED_ID in ident.rsplit(".", 1)[-1]:
            continue  # an added clause has its new id in the re-draft
        if _sig(got.get(ident)) != _sig(clause):
            out.append((ident, f"{clause.label} {clause.title} ({ident})".strip()))
    del added
    return out


def _names(draft: Draft) -> dict[str, str]:
    """How a reader names each clause: 'clause 17.1', 'Schedule 5 para 2'."""
    out = {}
    for section in draft.sections:
        for clause in section.clauses:
            if section.kind == "schedule":
                out[clause.id] = f"{section.label} para {clause.label}"
            elif clause.label:
                out[clause.id] = f"clause {clause.label}"
            else:
                out[clause.id] = clause.title or clause.id
    return out
