"""Draft → Markdown, the git twin of the Word document; a redline → the same Markdown with its changes in
CriticMarkup ({++added++}, {--removed--}, {~~old~>new~~}) for git and pull requests.

One writer, as `render/word.py` is for Word: the twin is a redline without revisions. Every rule (titles,
numbers, escaping, quotes, tables, signature blocks) is written once, and a change is only ever marked
around the text the twin would show.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from termsmith.draft import notes
from termsmith.draft.document import (
    Cell,
    CrossRef,
    Draft,
    LineBreak,
    Link,
    Note,
    Paragraph,
    Section,
    Span,
    Table,
    TermDefinition,
)
from termsmith.draft.revisions import (
    Change,
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
    party_on_side,
)
from termsmith.render.typography import run_in_title, smart_quotes

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~{}])")  # braces too: `{++…++}` in a value must not read as CriticMarkup
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])")
_CRITIC_ESCAPED = re.compile(r"\\\{([+=-])")
_BLANK_LINES = re.compile("\n\n\n+")  # spelled out, not \n{3,}: re then looks for the three at once
_MARKS = {"insert": ("{++", "++}"), "delete": ("{--", "--}")}
_RULE = "______________________________"  # a line to sign or date on


# ── text ───────────────────────────────────────────────────────────────────────────────────
def escape(text: str) -> str:
    """Escape only what Markdown would otherwise read as markup, so the twin stays readable. A brace and
    the character after it are escaped too, so no value can open CriticMarkup (`{++`, `{--`, `{==`)."""
    # most texts hold none of the characters of _SPECIAL, and `in` finds that far faster than re searches
    if not ("\\" in text or "`" in text or "*" in text or "_" in text or "[" in text or "]" in text
            or "<" in text or ">" in text or "|" in text or "~" in text or "{" in text or "}" in text):
        return text
    # replacement functions, not templates: re parses a template on every call; only a text with a brace
    # can hold `\{` once escaped
    text = _SPECIAL.sub(_escape_special, text)
    return _CRITIC_ESCAPED.sub(_escape_critic, text) if "{" in text else text


def _escape_special(m: re.Match) -> str:
    return "\\" + m.group(1)


def _escape_critic(m: re.Match) -> str:
    return "\\{\\" + m.group(1)


def escape_line_start(text: str) -> str:
    """A paragraph must not start with what Markdown reads as a heading or list marker."""
    m = _LINE_START.match(text)
    if m is None:
        return text
    space, marker = m.groups()
    marker = marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker
    return space + marker + text[m.end():]


def emphasis(text: str, bold: bool, italic: bool, strike: bool = False) -> str:
    """Markdown emphasis around the text, its surrounding spaces kept outside the markers."""
    if not (bold or italic or strike) or not text.strip():
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    core = text.strip()
    if strike:
        core = f"~~{core}~~"
    if italic:
        core = f"*{core}*"
    if bold:
        core = f"**{core}**"
    return f"{lead}{core}{trail}"


def reading_text(value: str) -> str:
    """Deal or library text as it reads: typographic quotes, Markdown escaped."""
    return escape(smart_quotes(value))


def _marked(text: str, change: Change | None) -> str:
    """`text`, marked as inserted or deleted as a whole when `change` says so."""
    if change is None or not text:
        return text
    start, end = _MARKS[change]
    return f"{start}{text}{end}"


# ── inlines ────────────────────────────────────────────────────────────────────────────────
def inlines(items: Sequence[TrackedInline], before: str = "") -> str:
    """Inline Markdown; of a redline, with insertions and deletions marked (a deletion followed by an
    insertion is a substitution). `before`: the character the first item follows."""
    return _inlines_of(items, before) if type(items) is tuple else _inlines(items, before)[0]


@functools.lru_cache(maxsize=8_192)  # a draft's paragraphs and cells (about 700), mostly the same in every draft
def _inlines_of(items: tuple[TrackedInline, ...], before: str) -> str:
    return _inlines(items, before)[0]


def _inlines(items: Sequence[TrackedInline], before: str) -> tuple[str, str]:
    """The Markdown of `items` and the last character their new text shows (what a quote after them follows)."""
    out = ""
    for i, item in enumerate(items):
        if isinstance(item, Span):
            out += emphasis(escape(smart_quotes(item.text, before)), item.bold, item.italic, item.strike)
            before = item.text[-1:] or before
        elif isinstance(item, CrossRef):
            out += emphasis(escape(item.label), item.bold, item.italic)
            before = item.label[-1:] or before
        elif isinstance(item, TermDefinition):
            out += f"**“{escape(smart_quotes(item.term))}”**"
            before = "”"
        elif isinstance(item, LineBreak):
            out += "\\\n"
            before = "\n"
        elif isinstance(item, Link):
            # a link's text is copied as it is, like the Word document's (it is often the address itself)
            text = "".join(emphasis(escape(c.text), c.bold, c.italic, c.strike) for c in item.children)
            out += f"[{text}](<{item.href}>)"
        elif isinstance(item, Deleted):
            old = _inlines(item.inlines, before)[0]
            if i + 1 < len(items) and isinstance(items[i + 1], Inserted):
                new, before = _inlines(items[i + 1].inlines, before)
                out += f"{{~~{old}~>{new}~~}}"
            else:
                out += _marked(old, "delete")
        elif isinstance(item, Inserted):
            if i and isinstance(items[i - 1], Deleted):
                continue  # written with the deletion before it, as a substitution
            text, before = _inlines(item.inlines, before)
            out += _marked(text, "insert")
        else:
            raise ValueError(f"the Markdown renderer cannot render {type(item).__name__}")
    return out, before


# ── blocks ─────────────────────────────────────────────────────────────────────────────────
def paragraph(p: Paragraph, change: Change | None = None, title: tuple[TrackedInline, ...] | None = None) -> str:
    """A paragraph with its number and run-in title; `title`: a changed title (a redline's)."""
    text = inlines(p.inlines)
    if p.role == "bullet":
        return "  " * max(p.level - 2, 0) + "- " + _marked(text, change)
    if title is not None:
        title_text = inlines(title)
    else:
        title_text = reading_text(run_in_title(p.title)) if p.title else ""
    label = escape(p.label)
    head = f"{label} {title_text}" if label and title_text else label or title_text
    if p.role == "clause" and head:
        return _marked(f"**{head}** {text}".rstrip(), change)
    if head:
        return _marked(f"{head} {text}".rstrip(), change)
    return _marked(escape_line_start(text), change)


def table(t: Table | TrackedTable, change: Change | None = None) -> str:
    def row(cells: Iterable[Cell], row_change: Change | None) -> str:
        return "| " + " | ".join(_marked(inlines(c).replace("\n", " "), row_change) for c in cells) + " |"

    rule = {"left": "---", "center": ":---:", "right": "---:"}
    lines = [row(t.header, change), "|" + "|".join(rule[a] for a in t.align) + "|"]
    for r in t.rows:
        cells, row_change = (r.cells, r.change) if isinstance(r, TrackedRow) else (r, None)
        lines.append(row(cells, change or row_change))
    return "\n".join(lines)


def _block(block, change: Change | None = None) -> str:
    if isinstance(block, Paragraph):
        return paragraph(block, change)
    if isinstance(block, Tracked):
        return _block(block.item, block.change)
    if isinstance(block, Retitled):
        return paragraph(block.paragraph, change, block.title)
    if isinstance(block, Table | TrackedTable):
        return table(block, change)
    raise ValueError(f"the Markdown renderer cannot render {type(block).__name__}")


def note(item: Note) -> str:
    """One reviewer note of the closing list: where, what kind, the note (the same words as the Word comment)."""
    where = item.label[:1].upper() + item.label[1:]
    return f"**{escape(where)}, {notes.KIND_TITLES.get(item.kind, item.kind).lower()}:** {reading_text(item.text)}"


# ── the document ───────────────────────────────────────────────────────────────────────────
def render_markdown(draft: Draft) -> str:
    """The Markdown twin of a draft, closing with its notes for the reviewer."""
    return _document(draft, _cover(draft, draft.parties, (Span(draft.title),), (Span(draft.date_text),)),
                     draft.sections, draft.parties, _notes(draft),
                     f"*Drafted with termsmith {draft.provenance.termsmith_version} from "
                     f"{escape(draft.provenance.library_name)} {draft.provenance.library_version}.*")


def render_redline_markdown(redline: Redline, summary: Sequence[str] = ()) -> str:
    """A redline as Markdown: the summary, then the new draft with every change marked in place."""
    draft = redline.draft
    return _document(draft, [*_preamble(redline, summary), *_cover(draft, redline.parties, redline.title,
                                                                   redline.date_text)],
                     redline.sections, redline.parties, [],
                     f"*Redline by termsmith {draft.provenance.termsmith_version}: {escape(redline.author)}, "
                     f"{redline.date}.*")


def _document(draft: Draft, opening: list[str], sections: Sequence, parties: Sequence, closing: list[str],
              footer: str) -> str:
    parts = [*opening]
    for item in sections:
        parts += _section(item, draft, parties)
    # the text opens with its title or the redline's first line and closes with the footer, so there is no space
    # to strip at either end; its last newline is joined in, not added by copying the whole text once more
    parts += [*closing, "---", footer + "\n"]
    return _BLANK_LINES.sub("\n\n", "\n\n".join(parts))


def _cover(draft: Draft, parties: Sequence, title: tuple[TrackedInline, ...],
           date_text: tuple[TrackedInline, ...]) -> list[str]:
    word = draft.word
    lines = [f"# {inlines(title)}", f"**{reading_text(word('dated'))}** {inlines(date_text)}",
             f"**{reading_text(word('between').capitalize())}**"]
    listed = []
    for n, item in enumerate(parties, start=1):
        change = item.change if isinstance(item, Tracked) else None
        party = item.item if isinstance(item, Tracked) else item
        name = f"{_party_field(party, 'party_name')} (“{reading_text(party.short_name)}”)"
        listed.append(f"{n}. {_marked(name, change)}")
    if listed:
        lines.append("\n".join(listed))
    return lines


def _heading(section: Section, label: str, title: str) -> str:
    if section.kind == "article":
        return f"{label}. {title}"
    if section.kind == "schedule":
        return f"{label}: {title}"
    return title


def _section(item, draft: Draft, parties: Sequence) -> list[str]:
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
        if change is not None:  # the execution page wholly deleted or inserted: that side's parties
            parties = [p for p in (party_on_side(party, change) for party in parties) if p is not None]
        for party in parties:
            lines += _signature(party, change, draft.word)
    return lines


def _party_field(party, name: str, change: Change | None = None) -> str:
    if isinstance(party, RevisedParty):
        return inlines(getattr(party, name))
    return _marked(reading_text(getattr(party, name)), change)


def _signature(item, section_change: Change | None, word) -> list[str]:
    change = item.change if isinstance(item, Tracked) else section_change
    party = item.item if isinstance(item, Tracked) else item
    return [
        _marked(f"**{reading_text(word('signed_for'))} {_party_field(party, 'party_name')}**", change),
        (f"{_marked(reading_text(word('signature')) + ' ' + _RULE, change)}\\\n"
         f"{_marked(reading_text(word('name')) + ' ', change)}{_party_field(party, 'signatory_name', change)}\\\n"
         f"{_marked(reading_text(word('title')) + ' ', change)}{_party_field(party, 'signatory_title', change)}\\\n"
         f"{_marked(reading_text(word('date')) + ' ' + _RULE, change)}"),
    ]


def _notes(draft: Draft) -> list[str]:
    if not draft.notes:
        return []
    return ["---", "**Notes for the reviewer** (by termsmith, not part of the agreement)",
            "\n".join(f"{n}. {note(item)}" for n, item in enumerate(draft.notes, start=1))]


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
