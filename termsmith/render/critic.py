"""Redline → Markdown with CriticMarkup ({++added++}, {--removed--}, {~~old~>new~~}) for git and pull requests."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from termsmith.draft.document import Paragraph, Section, Span, Table
from termsmith.render.markdown import escape
from termsmith.render.markdown import escape_line_start, reading_text
from termsmith.render.markdown import inlines as plain_inlines
from termsmith.render.typography import run_in_title
from termsmith.draft.revisions import (
    Deleted,
    Inserted,
    Redline,
    Retitled,
    RevisedParty,
    RevisedSection,
    Tracked,
    TrackedInline,
    TrackedRow,
    TrackedTable,
)

_MARKS = {"insert": ("{++", "++}"), "delete": ("{--", "--}")}


def render_critic(redline: Redline, summary: Sequence[str] = ()) -> str:
    """The redline as Markdown: the summary, then the new draft with every change marked in place."""
    lines = [*_preamble(redline, summary), *_cover(redline)]
    for item in redline.sections:
        lines += _section(item, redline)
    new = redline.draft.provenance
    lines.append("---")
    lines.append(f"*Redline by termsmith {new.termsmith_version}: {escape(redline.author)}, {redline.date}.*")
    return "\n\n".join(lines).strip() + "\n"


# ── inlines ────────────────────────────────────────────────────────────────────────────────
def inlines(items: Iterable[TrackedInline]) -> str:
    """Inline Markdown with insertions and deletions marked; a deletion followed by an insertion is a
    substitution."""
    items = list(items)
    out, i = [], 0
    while i < len(items):
        item = items[i]
        if isinstance(item, Deleted) and i + 1 < len(items) and isinstance(items[i + 1], Inserted):
            out.append(f"{{~~{inlines(item.inlines)}~>{inlines(items[i + 1].inlines)}~~}}")
            i += 2
            continue
        if isinstance(item, Inserted):
            out.append(_marked(inlines(item.inlines), "insert"))
        elif isinstance(item, Deleted):
            out.append(_marked(inlines(item.inlines), "delete"))
        else:
            out.append(plain_inlines((item,)))
        i += 1
    return "".join(out)


def _marked(text: str, change: str | None) -> str:
    if change is None or not text:
        return text
    start, end = _MARKS[change]
    return f"{start}{text}{end}"


# ── blocks ─────────────────────────────────────────────────────────────────────────────────
def _paragraph(p: Paragraph, change: str | None = None, title: tuple[TrackedInline, ...] | None = None) -> str:
    text = inlines(p.inlines)
    if p.role == "bullet":
        return "  " * max(p.level - 2, 0) + "- " + _marked(text, change)
    if title is None and p.title:
        title = (Span(run_in_title(p.title)),)
    head = " ".join(x for x in (escape(p.label), inlines(title or ())) if x)
    if p.role == "clause" and head:
        return _marked(f"**{head}** {text}".rstrip(), change)
    if head:
        return _marked(f"{head} {text}".rstrip(), change)
    return _marked(escape_line_start(text), change)


def _table(t: Table | TrackedTable, change: str | None = None) -> str:
    def row(cells, row_change: str | None) -> str:
        return "| " + " | ".join(_marked(inlines(c).replace("\n", " "), row_change) for c in cells) + " |"

    rule = {"left": "---", "center": ":---:", "right": "---:"}
    lines = [row(t.header, change), "|" + "|".join(rule[a] for a in t.align) + "|"]
    for r in t.rows:
        cells, row_change = (r.cells, r.change) if isinstance(r, TrackedRow) else (r, None)
        lines.append(row(cells, change or row_change))
    return "\n".join(lines)


def _block(block, change: str | None = None) -> str:
    if isinstance(block, Tracked):
        return _block(block.item, block.change)
    if isinstance(block, Retitled):
        return _paragraph(block.paragraph, change, block.title)
    if isinstance(block, Paragraph):
        return _paragraph(block, change)
    if isinstance(block, Table | TrackedTable):
        return _table(block, change)
    raise ValueError(f"the CriticMarkup renderer cannot render {type(block).__name__}")


# ── structure ──────────────────────────────────────────────────────────────────────────────
def _heading(section: Section, label: str, title: str) -> str:
    if section.kind == "article":
        return f"{label}. {title}"
    if section.kind == "schedule":
        return f"{label}: {title}"
    return title


def _section(item, redline: Redline) -> list[str]:
    change = item.change if isinstance(item, Tracked) else None
    section = item.item if isinstance(item, Tracked) else item.section if isinstance(item, RevisedSection) else item
    if isinstance(item, RevisedSection):
        # numbers as the new draft has them, as for clauses: renumbering is not a change to review
        heading = _heading(section, escape(section.label), inlines(item.title))
    else:
        heading = _marked(_heading(section, escape(section.label), reading_text(section.title)), change)
    lines = [f"## {heading}"]
    for clause in section.clauses:
        lines += [_block(block, change) for block in clause.blocks]
    if section.kind == "signatures":
        for party in redline.parties:
            lines += _signature(party, change, redline.draft.word)
    return lines


def _party_field(party, name: str, change: str | None) -> str:
    if isinstance(party, RevisedParty):
        return inlines(getattr(party, name))
    return _marked(reading_text(getattr(party, name)), change)


def _signature(item, section_change: str | None, word) -> list[str]:
    change = item.change if isinstance(item, Tracked) else section_change
    party = item.item if isinstance(item, Tracked) else item
    name = _party_field(party, "party_name", None)
    rule = "______________________________"
    return [
        _marked(f"**{escape(word('signed_for'))} {name}**", change),
        (f"{_marked(escape(word('signature')) + ' ' + rule, change)}\\\n"
         f"{_marked(escape(word('name')) + ' ', change)}{_party_field(party, 'signatory_name', change)}\\\n"
         f"{_marked(escape(word('title')) + ' ', change)}{_party_field(party, 'signatory_title', change)}\\\n"
         f"{_marked(escape(word('date')) + ' ' + rule, change)}"),
    ]


def _cover(redline: Redline) -> list[str]:
    word = redline.draft.word
    lines = [f"# {inlines(redline.title)}", f"**{escape(word('dated'))}** {inlines(redline.date_text)}",
             f"**{escape(word('between').capitalize())}**"]
    parties = []
    for n, item in enumerate(redline.parties, start=1):
        change = item.change if isinstance(item, Tracked) else None
        party = item.item if isinstance(item, Tracked) else item
        short = reading_text(party.short_name)
        name = _party_field(party, "party_name", None)
        parties.append(f"{n}. {_marked(f'{name} (“{short}”)', change)}")
    if parties:
        lines.append("\n".join(parties))
    return lines


_CRITIC_OPEN = re.compile(r"\{(?=\+\+|--|~~|==|>>)")


def _preamble(redline: Redline, summary: Sequence[str]) -> list[str]:
    old, new = redline.old, redline.draft.provenance
    lines = [
        (f"**Redline** of {escape(redline.draft.deal_id)}: {escape(redline.author)}, {redline.date}. "
         "Accept {++insertions++} and {~~substitutions~>their new text~~}; reject {--deletions--}."),
        f"Old: {_source(old)}\\\nNew: {_source(new)}",
    ]
    if summary:
        # a code block shows backslashes, so an opening brace that would start CriticMarkup gets one after it
        lines.append("```text\n" + "\n".join(_CRITIC_OPEN.sub("{\\\\", line) for line in summary) + "\n```")
    lines.append("---")
    return lines


def _source(p) -> str:
    commit = f", commit {p.library_commit[:12]}" if p.library_commit else ""
    return (f"{escape(p.deal_file)} (sha256 {p.deal_sha256[:12]}), "
            f"{escape(p.library_name)} {p.library_version}{commit}")
