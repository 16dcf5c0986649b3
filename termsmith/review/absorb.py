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
- or nothing, with the reason.
A new run-in title alone is a title override (the clause keeps the library's text); a reworded definition
is a field or the deal's wording of the term on the clause that defines it (`defines`); the title and the
parties' names and signatories on the cover and in the execution blocks are deal fields when re-drafting
with them shows what the reviewer wrote. A clause moved within its article or to another is placed by the deal
(`after`). Article and schedule headings, terms added to or removed from the definitions list and the date
are reported as not absorbed, with the reason (with --library, headings, titles and moves can go into the
library: review/absorbing.py).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from termsmith.deal.source import set_at, value_at
from termsmith.draft.document import (Clause, CrossRef, Draft, LineBreak, Paragraph, Section, Span, Table,
                                      TermDefinition)
from termsmith.errors import printable
from termsmith.review.clausemd import blocks_markdown, inlines_markdown
from termsmith.review.diff import opcodes
from termsmith.review.docx import Document, Para, empty_note, plural
from termsmith.review.fieldchange import SIGS as _SIGS
from termsmith.review.fieldchange import WORD as _WORD
from termsmith.review.fieldchange import clauses as _clauses
from termsmith.review.fieldchange import field_change as _field_change
from termsmith.review.fieldchange import plain as _plain
from termsmith.review.fieldchange import reader_names as _names
from termsmith.review.fieldchange import reads_same as _reads_same
from termsmith.review.fieldchange import sig as _sig
from termsmith.review.fromdocx import ADDED_ID, cover_additions, document_draft, note_places, owner_of, restyled_heading
from termsmith.review.fromdocx import plain_text as clause_text
from termsmith.review.fromdocx import signature
from termsmith.review.fromdocx import cover_names as cover_parties
from termsmith.review.listitems import Found, ItemEdit, row_change
from termsmith.review.contents import CONTENTS_MADE, edited_entries
from termsmith.review.margins import untracked as untracked_margins
from termsmith.review.reviewnotes import Note, hidden_text, review_notes, reviewer, struck_by_hand
from termsmith.review.redline import fold_quotes

DEFINITIONS = "definitions.terms"
UNTITLED = "New clause"  # the title of an added clause the review gives none


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
    moves: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id → (section, previous, next) now
    headings: dict[str, tuple[str, str]] = field(default_factory=dict)  # article or schedule id → (old, new)
    renames: dict[str, str] = field(default_factory=dict)  # a defined term renamed throughout: old → new name
    items: list[ItemEdit] = field(default_factory=list)  # items added to or removed from deal lists
    moved_from: dict[str, set[str]] = field(default_factory=dict)  # a clause text was moved into (tracked moves)
    # → the clauses text was moved out of

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.overrides or self.items)


# ── the plan ───────────────────────────────────────────────────────────────────────────────
def plan(doc: Document, base: Draft, deal_data: dict, draft_with: Callable[[dict], Draft],
         definers: dict[str, tuple[str, str, str]] | None = None, deal_changed: bool = False) -> Plan:
    """What to write for a reviewed document drafted as `base` from a deal whose data is `deal_data`;
    `draft_with(data)` drafts the deal with other data (to test a field change); `definers`: each defined
    term as the draft writes it → (the clause that defines it, its version, the term as its front matter
    writes it). `deal_changed`: the deal file has changed since the document was drafted (absorb --force), so
    `base` is the deal's draft as it is now, not the one the reviewer was sent."""
    try:
        return _plan(doc, base, deal_data, draft_with, definers or {}, deal_changed)
    finally:
        _SIGS.clear()


def _plan(doc: Document, base: Draft, deal_data: dict, draft_with: Callable[[dict], Draft],
          definers: dict[str, tuple[str, str, str]], deal_changed: bool = False) -> Plan:
    owners: dict[int, str] = {}
    was_in: dict[int, str] = {}
    accepted = document_draft(doc, base, view="accepted", owners=owners)
    original = document_draft(doc, base, view="original", owners=was_in)
    for index, block in enumerate(doc.blocks):  # a paragraph deleted whole: its changes are its own clause's
        if isinstance(block, Para) and block.mark is not None and block.mark.kind == "del" and index in was_in:
            owners[index] = was_in[index]
    notes = review_notes(doc, owners)
    moved_from = _moved_from(doc, owners, was_in)
    headings = {s.id: f"{'Article ' if s.kind == 'article' else ''}{s.label} {s.title}".strip()
                for d in (base, accepted) for s in d.sections}
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
            reviews.setdefault(ident, ClauseReview("", "", "Cover and headings" if ident == "cover" else
                                                   headings.get(ident, ident)))
        target.notes.extend(clause_notes)
    for ident, clause in original_clauses.items():  # untracked edits: before its tracked changes vs the draft
        old = base_clauses.get(ident)
        if old is None or _reads_same(old, clause):
            continue
        if deal_changed and _reads_same(old, accepted_clauses.get(ident)):
            continue  # the deal already reads as the review here (absorbed before): not an edit of the reviewer's
        summary = _edit_summary(old, clause)
        if deal_changed:  # the draft the reviewer was sent is not at hand: the deal's own change may be the difference
            summary += " (against the deal as it is now, which has changed since the document was drafted)"
        review(ident).notes.append(Note("edited", "", "", summary, tracked=False))

    for ident, struck in struck_by_hand(doc, was_in).items():  # marking up by hand: struck through, not deleted
        old = base_clauses.get(ident)
        struck = [t for t in struck if old is None or t not in _struck(old)]
        if struck:
            review(ident).notes.append(Note("struck through", "", "", " … ".join(struck), tracked=False))
    for ident, hidden in hidden_text(doc, owners).items():
        review(ident).notes.append(Note("hidden text", "", "", " … ".join(hidden), tracked=False))
    changed = [i for i in [*accepted_clauses, *(k for k in base_clauses if k not in accepted_clauses)]
               if not _reads_same(base_clauses.get(i), accepted_clauses.get(i))]
    result = Plan(list(reviews.values()), [], {}, accepted, moved_from=moved_from)
    handled: set[str] = set()
    for first, second in _joined(doc, was_in, base_clauses):  # the first clause's words in front of the second's
        # numbered paragraph (its title then in the middle of the text): a deal cannot join two clauses' text. Joined
        # the other way (the second clause's words at the end of the first clause's paragraph), the second is gone
        # and the first holds its words, which a deal can say
        if second not in accepted_clauses:
            continue
        names = [_clause_name(base_clauses[i]) for i in (first, second)]
        line = (f"the last paragraph of {names[0]} joined to {names[1]} (the paragraph mark between them deleted): a "
                "deal cannot join two clauses; reject that change, or move the words with tracking, and absorb again")
        result.refused.append(line)
        for ident in (first, second):
            review(ident).action, review(ident).detail = "refused", line
            handled.add(ident)
    now = {s.id for s in accepted.sections}
    gone = [s for s in base.sections if s.id not in now]  # articles and schedules whose heading the review deleted
    sections_gone = {s.id: _section_name(s) for s in gone}
    headless = {c.id: sections_gone[s.id] for s in gone for c in s.clauses}  # their clauses, under the one before
    drafted = {s.id for s in base.sections}
    new_sections = {c.id: s for s in accepted.sections if s.id not in drafted and s.kind != "signatures"
                    for c in s.clauses}  # clauses under an article or schedule heading the review added
    for ident in changed:
        if ident in handled:
            continue
        target = review(ident)
        old, new = base_clauses.get(ident), accepted_clauses.get(ident)
        if ident in headless and old is not None and new is not None and \
                _EDIT_WORD.findall(_plain(old)) == _EDIT_WORD.findall(_plain(new)):
            target.action = "refused"  # laid out as the section it now reads under lays out its clauses
            target.detail = (f"the same words, read under the heading before it since the heading of "
                             f"{headless[ident]} was deleted (which is not absorbed: see that heading)")
            continue
        if old is None and ident in sections_gone:  # the words of a heading restyled as text, its bookmark kept
            target.action = "refused"
            target.detail = f"the words of the heading of {sections_gone[ident]}, made text (which is not absorbed)"
            continue
        if new is None:
            target.action, target.detail = "removed", "the clause is left out of the deal (overrides: removed)"
            result.overrides[ident] = {"removed": True, "based_on": old.version}
            continue
        if old is None and ident in new_sections:  # a deal adds clauses to the library's articles, not articles
            section = new_sections[ident]
            line = (f"{_clause_name(new)}, under the heading {_section_name(section)} “{section.title}” the review "
                    "added: a deal cannot add an article or schedule (they are the library's, library.yaml); move the "
                    "clause into an existing one and absorb again")
            target.action, target.detail = "refused", line
            if not target.notes:  # typed without tracking: its words are said here, as they are not absorbed
                target.notes.append(Note("added", "", "", " ".join(clause_text(new).split()), tracked=False))
            result.refused.append(line)
            continue
        if old is None:
            after = _previous(accepted, ident)
            new_id = _added_id(ident, result.overrides)
            title = new.title or (new.blocks[0].title if new.blocks and isinstance(new.blocks[0], Paragraph) and
                                  new.blocks[0].title else "")
            result.overrides[new_id] = {"title": title or UNTITLED, "after": after, "text": blocks_markdown(new.blocks)}
            if ident in moved_from:  # words moved into it: their values kept live under the deal's id for it
                result.moved_from[new_id] = moved_from[ident]
            target.action, target.detail = "added", f"added to the deal as {new_id}, after {after}"
            if not title:  # a deal's added clause needs a title: the re-draft prints it
                target.detail += (f"; the review gives it no title, so the deal calls it “{UNTITLED}”, which the "
                                  f"re-draft prints: give it its own (overrides.{new_id}.title)")
            continue
        if ident == DEFINITIONS and _sig_blocks(old.blocks, "definition") != _sig_blocks(new.blocks, "definition"):
            found = _field_change(old, new, base, accepted, deal_data, draft_with)
            if isinstance(found, tuple):
                _take_field(found, result, review, handled)
                continue
            _definitions(old, new, base, result, target, definers)
            rest_old = tuple(b for b in old.blocks if not (isinstance(b, Paragraph) and b.role == "definition"))
            rest_new = tuple(b for b in new.blocks if not (isinstance(b, Paragraph) and b.role == "definition"))
            if _sig(replace(old, blocks=rest_old)) == _sig(replace(new, blocks=rest_new)):
                continue
            old, new = replace(old, blocks=rest_old), replace(new, blocks=rest_new)
        found = _field_change(old, new, base, accepted, deal_data, draft_with)
        if isinstance(found, tuple):
            _take_field(found, result, review, handled)
            continue
        rows = row_change(old, new, base, accepted, deal_data, draft_with)
        if isinstance(rows, Found):
            result.items.extend(rows.edits)
            for other in rows.reached:
                review(other).action = "item"
                review(other).detail = "; ".join(e.line() for e in rows.edits)
                handled.add(other)
            continue
        found = "; ".join(x for x in (found, rows) if x)
        first_new = new.blocks[0] if new.blocks and isinstance(new.blocks[0], Paragraph) else None
        first_old = old.blocks[0] if old.blocks and isinstance(old.blocks[0], Paragraph) else None
        retitled = bool(first_new and first_old and first_new.title != first_old.title and first_new.title)
        untitled = bool(first_new and first_old and first_old.title and not first_new.title)
        if untitled and _sig(replace(new, blocks=(replace(first_new, title=first_old.title), *new.blocks[1:]))) == \
                _sig(old):  # only the run-in title deleted: an override of the same words would not leave it out
            line = (f"{_clause_name(old)}: the run-in title “{first_old.title}” deleted: a clause of the deal keeps "
                    "its title (the re-draft prints it), so the deal cannot leave it out; its words are unchanged")
            target.action, target.detail = "refused", line
            result.refused.append(line)
            continue
        override: dict = result.overrides.get(ident) or {"based_on": old.version}
        if retitled:
            override["title"] = first_new.title
        if retitled and _sig(replace(new, blocks=(replace(first_new, title=first_old.title), *new.blocks[1:]))) \
                == _sig(old):
            result.overrides[ident] = override  # only the title: the clause keeps the library's text
            target.action = "override"
            target.detail = f"the deal's own title for the clause (overrides.{ident}.title: {first_new.title})"
            continue
        override["text"] = blocks_markdown(new.blocks)
        result.overrides[ident] = override
        target.action = "override"
        target.detail = f"the deal's own wording for the clause (overrides.{ident}, based on {old.version})" + (
            f"; {found}" if found else "")
    for note, owner, place in note_places(doc, accepted, owners):  # termsmith drafts none: each is a reviewer's
        text = " ".join(note.text.split()) or empty_note(note.kind)
        rev = note.revision
        target = review(owner) if owner in accepted_clauses or owner in base_clauses else \
            reviews.setdefault(owner, ClauseReview("", "", "Cover and headings" if owner == "cover" else owner))
        target.notes.append(Note(note.kind, rev.author if rev else "", rev.date if rev else "", text,
                                 tracked=rev is not None))
        result.refused.append(f"{note.kind} in {place}: “{text}”: a deal has no {plural(note.kind)}" + (
            "; describe it in the clause's wording or a schedule if it belongs in the agreement" if note.kind ==
            "picture" else "; put its text into the clause's wording if it belongs in the agreement"))
    margins = [*doc.margins, *untracked_margins(doc.margin_texts, base)]
    if margins:  # the header and footer are the library's: a change there is reported, not absorbed
        target = reviews.setdefault("margins", ClauseReview("", "", "Headers and footers"))
        target.notes.extend(Note(m.kind, m.author, m.date, f"in the {m.where}: {m.text}" if not m.tracked else
                                 m.text, tracked=m.tracked) for m in margins)
        target.action = "refused"
        target.detail = "termsmith writes the headers and footers from the library's styles; no deal field sets them"
        result.refused.extend((f"{m.kind} in the {m.where}: “{m.text}”" if m.tracked else
                               f"edited in the {m.where} (untracked): {m.text}") +
                              ": the headers and footers are the library's" for m in margins)
    contents = edited_entries(doc, base, accepted)
    if contents:  # made from the headings: an entry typed over is reported, not absorbed
        target = reviews.setdefault("contents", ClauseReview("", "", "Contents"))
        target.notes.extend(Note("edited", "", "", f"the contents entry reads “{e}”", tracked=False)
                            for e in edited_entries(doc, base, accepted, view="original"))  # tracked: under the cover
        target.action, target.detail = "refused", CONTENTS_MADE
        result.refused.extend(f"the contents entry “{e}”: {CONTENTS_MADE}" for e in contents)
    _moves(base, accepted, result, review)
    _headings(base, accepted, result, reviews)
    restyled = restyled_heading(doc)
    if restyled and base.sections and base.sections[0].id not in result.headings:  # read as the heading it was
        first = base.sections[0]
        name = _section_name(first)
        target = reviews.setdefault(first.id, ClauseReview("", "", f"{name} {first.title}"))
        target.action = "refused"
        target.detail = (f"the heading of {name} “{first.title}” made text (another style): termsmith styles its "
                         "headings itself, so the re-draft keeps it a heading")
        result.refused.append(f"{name}: {target.detail}")
    _cover(doc, base, accepted, deal_data, draft_with, result, reviews, handled)
    typed = cover_additions(doc, owners)
    if typed:  # the cover and the contents are made from the deal's title, parties and headings
        target = reviews.setdefault("cover", ClauseReview("", "", "Cover and headings"))
        first = _section_name(base.sections[0]) if base.sections else "the first heading"
        lines = [f"“{text}”, typed before {first}: termsmith makes the cover and the contents from the deal's "
                 "title, parties and headings, so no deal field holds it; put it in a clause if it belongs in the "
                 "agreement" for text in typed]
        target.notes.extend(Note("added", "", "", text, tracked=False) for text in typed
                            if not any(n.text == text for n in target.notes))
        if target.action != "field":  # a party renamed on the cover is still the deal field
            target.action = "refused"
        target.detail = "; ".join([*([target.detail] if target.detail else []), *lines])
        result.refused.extend(f"Cover: {line}" for line in lines)
    order = _order(accepted, base)
    merged = {owner_of(owners, n) for n in doc.merged()}
    result.clauses = sorted(reviews.values(), key=lambda r: (-1, 0) if not r.id else (0, order[r.id]) if r.id in order
                            else (1, 0))
    for r in result.clauses:
        if r.action == "override" and r.id in merged:
            r.detail += ("; cells merged in Word are cells of their own in the deal (a table there merges none): the "
                         "re-draft shows a merged cell's words in its first column, the columns it spanned empty")
        if r.action in ("field", "override", "item") and _cell_breaks(accepted_clauses.get(r.id)):
            r.detail += ("; a table cell's paragraphs are one paragraph in the deal (a table cell there holds one): "
                         "the re-draft shows them on one line, the words as reviewed")
        if not r.action:
            r.action, r.detail = "reported", "no change to the text" if r.notes else ""
            if deal_changed and r.notes and r.id and not _reads_same(original_clauses.get(r.id),
                                                                      base_clauses.get(r.id)):
                r.detail = "no change to the text: the deal already reads as the reviewed document here"
            if any(n.kind == "formatting changed" for n in r.notes):
                r.detail += ": formatting comes from the library's styles, so it is not absorbed"
            if any(n.kind in ("numbered by hand", "numbering restarted") for n in r.notes):
                r.detail += ("; termsmith numbers the clauses itself: a number typed by hand is not absorbed (the "
                             "re-draft numbers the clause in its place)")
            if any(n.kind == "struck through" for n in r.notes):
                r.detail += ("; words struck through without tracking are not deleted: if they are to go, delete "
                             "them (with tracking) and absorb again")
        if any(n.kind == "hidden text" for n in r.notes):
            r.detail += ("; hidden text (which Word neither shows nor prints) is not absorbed: if it is to be part "
                         "of the agreement, unhide it and absorb again")
    return result


def _struck(clause: Clause) -> list[str]:
    """The clause's words struck through, run by run."""
    return [" ".join(i.text.split()) for b in clause.blocks for i in _inlines_of(b)
            if isinstance(i, Span) and i.strike and i.text.strip()]


def _cell_breaks(clause: Clause | None) -> bool:
    """A table cell of the clause holds more than one paragraph (Enter pressed in it)."""
    return clause is not None and any(isinstance(i, LineBreak) for b in clause.blocks if isinstance(b, Table)
                                      for row in (b.header, *b.rows) for cell in row for i in cell)


def _sig_blocks(blocks, role: str) -> object:
    return tuple(signature(b) for b in blocks if isinstance(b, Paragraph) and b.role == role)


_REF_KEY = re.compile("\x00([^\x00]*)\x00")  # a cross-reference in a signature's text: its anchor
_EDIT_WORD = re.compile("\x00[^\x00]*\x00|" + _WORD.pattern)  # …one word in an edit's summary


def _edit_summary(old: Clause, new: Clause) -> str:
    a, b = _EDIT_WORD.findall(_plain(old)), _EDIT_WORD.findall(_plain(new))
    labels = {i.anchor: i.label for c in (old, new) for blk in c.blocks for i in _inlines_of(blk)
              if isinstance(i, CrossRef)}
    parts = []
    was, now = _first_title(old), _first_title(new)
    if was != now:
        parts.append(f"title “{was or '(none)'}” → “{now or '(none)'}”")
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        if tag == "equal":
            continue
        was, now = (_REF_KEY.sub(lambda m: f"[cross-reference to {labels.get(m[1], m[1])}]", "".join(w[i:j]).strip())
                    for w, i, j in ((a, i1, i2), (b, j1, j2)))
        if was or now:  # not where only the space between a table's cells moved
            parts.append(f"“{was}” → “{now}”" if was and now else f"added “{now}”" if now else f"removed “{was}”")
    if not parts:
        return _same_words(old, new)
    return "; ".join(parts[:5]) + (f"; {len(parts) - 5} more" if len(parts) > 5 else "")


def _same_words(old: Clause, new: Clause) -> str:
    """What changed in a clause whose words are all the same: how they are laid out."""
    paras = [[b for b in c.blocks if isinstance(b, Paragraph)] for c in (old, new)]
    if len(paras[0]) != len(paras[1]):
        return "the same words in more or fewer paragraphs (a paragraph split in two, or two joined)"
    if [(p.role, p.level) for p in paras[0]] != [(p.role, p.level) for p in paras[1]]:
        return "the same words, a paragraph's style changed (a numbered clause or item as text, or the reverse)"
    if any(isinstance(b, Table) for c in (old, new) for b in c.blocks):
        return "words moved from one table cell to another"
    return "the same words, laid out differently"


def _inlines_of(block) -> Iterable:
    if isinstance(block, Paragraph):
        return block.inlines
    return (i for row in (block.header, *block.rows) for cell in row for i in cell)


def _first_title(clause: Clause) -> str:
    first = clause.blocks[0] if clause.blocks else None
    return (first.title or "") if isinstance(first, Paragraph) else ""


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


def _order(accepted: Draft, base: Draft) -> dict[str, int]:
    """Each clause id → its place in the reviewed document (counting from 1), or in the draft for a clause the
    review removed."""
    out: dict[str, int] = {}
    for draft in (base, accepted):
        places: dict[str, int] = {}
        for k, c in enumerate((c for s in draft.sections for c in s.clauses), start=1):
            places.setdefault(c.id, k)
        out.update(places)
    return out


def _section_name(section: Section) -> str:
    """How a reader names an article, a schedule or the execution page."""
    if section.kind == "signatures":
        return "the execution page"
    return section.label if section.kind == "schedule" else f"Article {section.label}"


def _joined(doc: Document, was_in: dict[int, str], clauses: dict[str, Clause]) -> list[tuple[str, str]]:
    """(clause, next clause) of each pair joined into one paragraph by a tracked deletion of the paragraph mark
    that ends the first one's last paragraph, its words kept."""
    out = []
    for index, block in enumerate(doc.blocks[:-1]):
        mark = block.mark if isinstance(block, Para) else None
        if mark is None or mark.kind != "del" or mark.moved or not isinstance(doc.blocks[index + 1], Para):
            continue
        if not any(isinstance(p.inline, Span) and p.inline.text.strip() for p in block.inlines("accepted")):
            continue  # deleted whole, words and all: nothing is joined
        first, second = owner_of(was_in, index), owner_of(was_in, index + 1)
        if first != second and first in clauses and second in clauses:
            out.append((first, second))
    return out


def _clause_name(clause: Clause) -> str:
    return " ".join(x for x in (f"clause {clause.label}" if clause.label else "", clause.title) if x) or clause.id


def _moved_from(doc: Document, owners: dict[int, str], was_in: dict[int, str]) -> dict[str, set[str]]:
    """Each clause text was moved into with tracking (w:moveTo) → the clauses text was moved out of (w:moveFrom):
    the values the moved words print come from the template of the clause they left."""
    into, out_of = set(), set()
    for index, item, para, _row in doc.revisions():
        revision = item.revision if not isinstance(item, Para) else item.mark
        if revision is None or not revision.moved or para is None:
            continue
        if revision.kind == "ins":
            into.add(owner_of(owners, index))
        else:
            out_of.add(owner_of(was_in, index))
    return {ident: out_of - {ident} for ident in into if out_of - {ident}}


def _moves(base: Draft, accepted: Draft, result: Plan, review: Callable[[str], ClauseReview]) -> None:
    """Clauses the reviewer moved, within their article or to another: the deal places each after the clause
    it now follows (overrides.ID.after), or, at the very start of an article or schedule where none precedes
    it, before the clause it now precedes (overrides.ID.before), so that its number and every cross-reference
    to it follow; with --library the move can become the clause's place in the library instead."""
    where = {c.id: s.id for s in base.sections for c in s.clauses}
    versions = {c.id: c.version for s in base.sections for c in s.clauses}
    old_order = [c.id for s in base.sections for c in s.clauses]
    new_order = [c.id for s in accepted.sections for c in s.clauses if c.id in where]
    kept = set()
    for tag, i1, i2, _j1, _j2 in opcodes(old_order, new_order):
        if tag == "equal":
            kept.update(old_order[i1:i2])
    now = {c.id: (s.id, k, s) for s in accepted.sections for k, c in enumerate(s.clauses)}
    names = _names(base)
    for ident in new_order:
        if ident in kept:
            continue
        section_id, k, section = now[ident]
        ids = [c.id for c in section.clauses]
        prev = next((i for i in reversed(ids[:k]) if i in where), "")
        # the clause it now precedes: one the review left in its place if there is one (two clauses moved to
        # the start: the first goes before the article's old first clause, the second after the first)
        after = next((i for i in ids[k + 1:] if i in kept), next((i for i in ids[k + 1:] if i in where), ""))
        result.moves[ident] = (section_id, prev, after)
        target = review(ident)
        key, anchor = ("after", prev) if prev else ("before", after)
        place = f"after {names.get(prev, prev)}" if prev else f"the start of {section.title}"
        if anchor and section.kind != "signatures":
            override = result.overrides.setdefault(ident, {"based_on": versions[ident]})
            override[key] = anchor
            line = f"moved from {names.get(ident, ident)} to {place} (overrides.{ident}.{key}: {anchor})"
            if target.action in ("", "reported"):
                target.action, target.detail = "moved", line
            else:
                target.detail += f"; {line}"
            continue
        line = (f"moved from {names.get(ident, ident)} to {place}: the signature blocks are not placed by a deal"
                if section.kind == "signatures" else
                f"moved from {names.get(ident, ident)} to {place}, where no clause of the draft stands beside it")
        if target.action:
            target.detail += f"; {line}"
        else:
            target.action, target.detail = "refused", line
        result.refused.append(f"{target.heading}: {line}")


def _take_field(found: tuple, result: Plan, review: Callable[[str], ClauseReview], handled: set[str]) -> None:
    path, old_value, new_value, reached = found
    result.fields.append((path, old_value, new_value))
    shown = ".".join(str(p) for p in path)
    for other in reached:
        review(other).action = "field"
        review(other).detail = f"deal field {shown}: {old_value} → {new_value}"
        handled.add(other)


def _definition_map(clause: Clause) -> dict[str, Paragraph]:
    out = {}
    for b in clause.blocks:
        if isinstance(b, Paragraph) and b.role == "definition" and b.inlines and \
                isinstance(b.inlines[0], TermDefinition):
            out[b.inlines[0].term] = b
    return out


def _definitions(old: Clause, new: Clause, base: Draft, result: Plan, target: ClauseReview,
                 definers: dict[str, tuple[str, str, str]]) -> None:
    """Each reworded definition as the deal's own wording of it, on the clause that defines the term
    (overrides.CLAUSE.defines); a term added, removed or renamed in the list is refused with the reason."""
    was, now = _definition_map(old), _definition_map(new)
    done, refused = [], []
    renamed = _renamed(was, now)
    for term in sorted(was.keys() | now.keys(), key=str.casefold):
        a, b = was.get(term), now.get(term)
        if a is not None and b is not None and signature(a) == signature(b):
            continue
        if term in renamed.values():
            continue  # the new name of a renamed term: with the old one
        if term in renamed:  # renamed throughout: the defining clause defines the new name, the old one unused
            new_term = renamed[term]
            owner = definers.get(term)
            if owner is None:
                refused.append(f"“{term}” → “{new_term}”: the term is defined in the text of a clause, not in the "
                               "list: rename it there")
                continue
            ident, version, _key = owner
            wording = inlines_markdown(_after_term(now[new_term].inlines))
            override = result.overrides.setdefault(ident, {"based_on": version})
            override.setdefault("defines", {})[new_term] = wording
            result.renames[term] = new_term
            done.append(f"“{term}” renamed “{new_term}” (overrides.{ident}.defines; the clauses that use it "
                        "carry the new name in their wording)")
            continue
        if a is None or b is None:
            refused.append(f"“{term}” {'added to' if a is None else 'removed from'} the list (the list holds the "
                           "terms the clauses use: define a new term in the clause that uses it, or stop using "
                           "one there)")
            continue
        owner = definers.get(term)
        if owner is None:
            refused.append(f"“{term}” is defined in the text of a clause, not in the list: change it there")
            continue
        ident, version, key = owner
        wording = inlines_markdown(_after_term(b.inlines))
        if not wording.strip():
            refused.append(f"“{term}” has no definition left")
            continue
        override = result.overrides.setdefault(ident, {"based_on": version})
        override.setdefault("defines", {})[key] = wording
        done.append(f"“{term}” (overrides.{ident}.defines)")
    if done:
        target.action = "override"
        target.detail = "the deal's own wording of " + ", ".join(done)
    if refused:
        line = "; ".join(refused)
        target.detail = (target.detail + "; not absorbed: " if target.detail else "") + line
        if not done:
            target.action = "refused"
        result.refused.append(f"{target.heading}: {line}")


def _renamed(was: dict[str, Paragraph], now: dict[str, Paragraph]) -> dict[str, str]:
    """Terms the reviewer renamed in the definitions list (old name → new name): a term gone from the list
    and one new to it with the same definition after it; or the only term gone and the only one new."""
    gone = [t for t in was if t not in now]
    new = [t for t in now if t not in was]
    wording = {t: " ".join(_plain_inlines(_after_term(now[t].inlines)).split()) for t in new}
    out = {}
    for term in gone:
        same = [t for t in new if t not in out.values() and
                wording[t] == " ".join(_plain_inlines(_after_term(was[term].inlines)).split())]
        if len(same) == 1:
            out[term] = same[0]
    if len(gone) == 1 and len(new) == 1 and not out:
        out[gone[0]] = new[0]
    return out


def _plain_inlines(inlines: tuple) -> str:
    from termsmith.review.fromdocx import _plain

    return fold_quotes(_plain(inlines))


def _after_term(inlines: tuple) -> tuple:
    rest = list(inlines[1:])
    if rest and isinstance(rest[0], Span):
        rest[0] = replace(rest[0], text=rest[0].text.lstrip())
        if not rest[0].text:
            rest.pop(0)
    return tuple(rest)


def _headings(base: Draft, accepted: Draft, result: Plan, reviews: dict[str, ClauseReview]) -> None:
    """An article's or schedule's heading is the library's (library.yaml): a change to one is refused."""
    was = {s.id: s for s in base.sections}
    for section in accepted.sections:
        old = was.get(section.id)
        if old is None and section.kind != "signatures":  # a heading the review added
            name = _section_name(section)
            line = (f"the heading of {name} “{section.title}” added: articles and schedules are the library's "
                    "(library.yaml), so a deal cannot add one; its clauses are not absorbed either")
            target = reviews.setdefault(section.id, ClauseReview("", "", f"{name} {section.title}"))
            target.action, target.detail = "refused", line
            result.refused.append(f"{name}: {line}")
            continue
        if old is None or old.kind == "signatures" or \
                fold_quotes(old.title) == fold_quotes(section.title):
            continue
        name = _section_name(section)
        if section.title:  # with --library a heading renamed can become the library's; one deleted cannot
            result.headings[section.id] = (old.title, section.title)
        line = (f"the heading of {name} “{old.title}” → “{section.title}”: article and schedule headings are the "
                "library's (library.yaml), the same in every deal (with --library it can become the library's)")
        if not section.title:  # the first article's heading deleted: its clauses read under it, untitled
            line = (f"the heading of {name} “{old.title}” deleted: articles and schedules are the library's "
                    "(library.yaml), so the re-draft keeps it")
        target = reviews.setdefault(section.id, ClauseReview(section.id, section.label, old.title))
        target.action, target.detail = "refused", line
        result.refused.append(f"{name}: {line}")
    now = {s.id for s in accepted.sections}
    kept = {c.id for s in accepted.sections for c in s.clauses}
    for old in base.sections:  # a heading deleted, its clauses kept: they join the article or schedule before it
        if old.id in now or not any(c.id in kept for c in old.clauses):
            continue
        name = _section_name(old)
        line = (f"the heading of {name} “{old.title}” deleted, its clauses kept under the heading before it: "
                "articles and schedules are the library's (library.yaml), so the re-draft keeps it; move its "
                "clauses one by one, or delete them, to change what it holds")
        if old.kind == "signatures":
            line = (f"the heading of {name} “{old.title}” deleted or made text: termsmith writes the execution "
                    "page from the deal's parties, so the re-draft keeps it")
        target = reviews.setdefault(old.id, ClauseReview("", "", old.title if old.kind == "signatures" else
                                                         f"{name} {old.title}"))
        target.action, target.detail = "refused", line
        result.refused.append(f"{name[0].upper()}{name[1:]}: {line}")


def _cover(doc: Document, base: Draft, accepted: Draft, data: dict, draft_with: Callable[[dict], Draft],
           result: Plan, reviews: dict[str, ClauseReview], handled: set[str]) -> None:
    """The title and the parties' names and signatories on the cover and in the execution blocks, as the
    deal fields they come from when that is unambiguous (one value for each field, and re-drafting with it
    gives the cover as reviewed); otherwise refused with the reason."""
    changes: dict[tuple, tuple[str, str, str]] = {}  # field path → (what, old, new)
    conflicts: list[str] = []

    def want(path: tuple, what: str, old: str, new: str) -> None:
        if fold_quotes(old) == fold_quotes(new):
            return
        if path in changes and changes[path][2] != new:
            conflicts.append(f"{what}: “{changes[path][2]}” in one place, “{new}” in another")
        changes.setdefault(path, (what, old, new))

    want(("deal", "title"), "title", base.title, accepted.title)
    for k, (a, b) in enumerate(zip(base.parties, accepted.parties, strict=False)):
        want(("parties", k, "name"), f"party {k + 1} name", a.party_name, b.party_name)
        want(("parties", k, "signatory", "name"), f"party {k + 1} signatory", a.signatory_name, b.signatory_name)
        want(("parties", k, "signatory", "title"), f"party {k + 1} signatory's title", a.signatory_title,
             b.signatory_title)
    cover_names = cover_parties(doc)
    if len(cover_names) == len(base.parties):
        for k, (a, name) in enumerate(zip(base.parties, cover_names, strict=True)):
            want(("parties", k, "name"), f"party {k + 1} name on the cover", a.party_name, name)
    if len(base.parties) != len(accepted.parties):
        conflicts.append("a party's execution block added or removed: parties are the deal's `parties`")
    if fold_quotes(accepted.date_text) != fold_quotes(base.date_text):
        conflicts.append(f"the date “{base.date_text}” → “{accepted.date_text}”: the date is the deal's "
                         "effective_date; change it there")
    known = {p: n for p, _a, n in result.fields}
    todo = {p: v for p, v in changes.items() if p not in known}
    pages = ["cover", *(c.id for s in base.sections if s.kind == "signatures" for c in s.clauses)]
    for path, (_what, old, new) in changes.items():  # a field a clause's change gave (a name replaced throughout)
        for r in (reviews.get(ident) for ident in pages):
            if path in known and fold_quotes(str(known[path])) == fold_quotes(new) and r and r.notes and not r.action:
                r.action, r.detail = "field", f"deal field {'.'.join(map(str, path))}: {old} → {new}"
    target = None
    if todo or conflicts:
        target = reviews.setdefault("cover", ClauseReview("", "", "Cover and headings"))
    if todo and not conflicts:
        missing = [p for p in todo if value_at(data, p) is None]
        if missing:
            conflicts.append("no deal field " + ", ".join(".".join(map(str, p)) for p in missing))
    if todo and not conflicts:
        trial = copy.deepcopy(data)
        for path, _old, new in result.fields:
            set_at(trial, path, new)
        for path, (_what, _old, new) in todo.items():
            set_at(trial, path, new)
        try:
            redrafted = draft_with(trial)
        except Exception:  # noqa: BLE001 - a trial that does not draft leaves the cover refused
            redrafted = None
        if redrafted is None or not all(_shows(redrafted, path, new) for path, (_w, _o, new) in todo.items()):
            conflicts.append("the deal fields do not give the cover as reviewed")
        else:
            for path, (_what, old, new) in todo.items():
                result.fields.append((path, value_at(data, path), new))
            names = _names(redrafted)
            got, want_clauses, was = _clauses(redrafted), _clauses(accepted), _clauses(base)
            also = [k for k in got if not _reads_same(got[k], was.get(k)) and (
                not _reads_same(got[k], want_clauses.get(k)) or _reads_same(want_clauses.get(k), was.get(k)))]
            shown = "; ".join(f"deal field {'.'.join(map(str, p))}: {o} → {n}" for p, (_w, o, n) in todo.items())
            target.action, target.detail = "field", shown
            places = [names.get(k, k) for k in also]
            if _cover_changes(redrafted, accepted):
                places.append("the execution blocks")
            if places:
                target.detail += (" (it also reads so in " + ", ".join(places) +
                                  ", which the review left as it was: the deal has one value for each)")
                for k in also:
                    handled.add(k)
                    r = reviews.setdefault(k, ClauseReview(k, "", names.get(k, k)))
                    r.action, r.detail = "follows", shown
            for r in (reviews.get(ident) for ident in pages[1:]):  # the execution page's own tracked change
                if r and r.notes and not r.action:
                    r.action, r.detail = "field", shown
            return
    if conflicts or todo:
        dated = [c for c in conflicts if c.startswith("the date ")]  # says where to change it itself
        lines = [f"{w} “{o}” → “{n}”" for w, o, n in todo.values()] + [c for c in conflicts if c not in dated]
        target.action = "refused"
        target.detail = "; ".join([*dated, *(["; ".join(lines) + ": change the deal's title or parties in the deal "
                                               "file"] if lines else [])])
        result.refused.append(f"Cover: {target.detail}")


def _shows(draft: Draft, path: tuple, value: str) -> bool:
    """The draft's cover (or execution block) shows the value of this field."""
    fold = fold_quotes(str(value))
    if path == ("deal", "title"):
        return fold_quotes(draft.title) == fold
    k = path[1]
    if k >= len(draft.parties):
        return False
    party = draft.parties[k]
    shown = {("name",): party.party_name, ("signatory", "name"): party.signatory_name,
             ("signatory", "title"): party.signatory_title}.get(tuple(path[2:]), "")
    return fold_quotes(shown) == fold


def _cover_changes(base: Draft, accepted: Draft) -> list[str]:
    out = []
    if fold_quotes(base.title) != fold_quotes(accepted.title):
        out.append(f"title “{base.title}” → “{accepted.title}”")
    for old, new in zip(base.parties, accepted.parties, strict=False):
        for name in ("party_name", "signatory_name", "signatory_title"):
            a, b = getattr(old, name), getattr(new, name)
            if fold_quotes(a) != fold_quotes(b):
                out.append(f"{name.replace('_', ' ')} “{a}” → “{b}”")
    return out


# ── the report ─────────────────────────────────────────────────────────────────────────────
ACTIONS = {
    "field": "absorbed as a deal field",
    "item": "absorbed into a deal list",
    "override": "absorbed as the deal's own wording",
    "moved": "absorbed: the deal places the clause",
    "removed": "absorbed: clause removed",
    "added": "absorbed: clause added",
    "refused": "not absorbed",
    "reported": "reported",
    "library": "absorbed into the library",
    "follows": "changes with the deal field of the cover",
}


def report_lines(result: Plan, document: str, deal: str) -> list[str]:
    """Every change and comment by clause: who, when, what, and what absorb did with it."""
    lines = [f"# Review of {document}", "", f"Absorbed into {deal}."]
    for r in result.clauses:
        if not r.notes and r.action == "reported":
            continue
        lines += ["", f"## {r.heading}", "", f"{ACTIONS.get(r.action, r.action)}" + (f": {r.detail}" if r.detail else "")]
        for note in r.notes:
            who = ", ".join(x for x in (reviewer(note.author) or ("no author" if note.tracked else "untracked"),
                                        printable(note.date[:10]).strip()) if x)
            text = " ".join(note.text.split())
            line = f"- {note.kind} ({who}): " + (text if note.kind == "edited" else f"“{text}”")
            if note.to:
                line += f" in reply to {' '.join(note.to.split())}"
            lines.append(line)
    if len(lines) == 3 and not result.fields and not result.refused:
        lines += ["", "No changes and no comments: the document reads as the draft it was made from."]
    if result.fields:
        lines += ["", "## Deal fields changed", ""]
        lines += [f"- {'.'.join(map(str, p))}: {a} → {b}" for p, a, b in result.fields]
    if result.items:
        lines += ["", "## Deal list items", ""]
        lines += [f"- {e.line()}" for e in result.items]
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
    refused = {r.id for r in result.clauses if r.action in ("refused", "library", "follows")}
    got, want = _clauses(redrafted), _clauses(result.accepted)
    added = {v.get("after"): k for k, v in result.overrides.items() if v.get("after")}
    for ident, clause in want.items():
        if ident in refused:
            continue
        if ADDED_ID in ident.rsplit(".", 1)[-1]:
            continue  # an added clause has its new id in the re-draft
        if not _reads_same(got.get(ident), clause):
            out.append((ident, f"{clause.label} {clause.title} ({ident})".strip()))
    del added
    return out
