"""Draft → Markdown (the git twin of the Word document) through templates/draft.md.j2."""

from __future__ import annotations

import functools
import re

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from termsmith.draft.document import Cell, CrossRef, Draft, Inline, LineBreak, Link, Paragraph, Span, Table, TermDefinition
from termsmith.draft import notes
from termsmith.draft.document import Note
from termsmith.render.typography import run_in_title, smart_quotes
from termsmith.resources import templates_dir
from termsmith.cachedir import bytecode_cache

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~{}])")  # braces too: `{++…++}` in a value must not read as CriticMarkup
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])")


_CRITIC_OPEN = re.compile(r"\\\{([+=-])")


def escape(text: str) -> str:
    """Escape only what Markdown would otherwise read as markup, so the twin stays readable. A brace and
    the character after it are escaped too, so no value can open CriticMarkup (`{++`, `{--`, `{==`)."""
    return _CRITIC_OPEN.sub(r"\\{\\\1", _SPECIAL.sub(r"\\\1", text))


def escape_line_start(text: str) -> str:
    """A paragraph must not start with what Markdown reads as a heading or list marker."""
    def fix(m: re.Match) -> str:
        marker = m.group(2)
        return m.group(1) + (marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker)

    return _LINE_START.sub(fix, text, count=1)


def emphasis(text: str, bold: bool, italic: bool, strike: bool = False) -> str:
    """Markdown emphasis around the text, its surrounding spaces kept outside the markers."""
    if not text.strip():
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


def _inline(inline: Inline, before: str = "") -> str:
    handler = _INLINE_RULES.get(type(inline))
    if handler is None:
        raise ValueError(f"the Markdown renderer cannot render {type(inline).__name__}")
    return handler(inline, before)


_INLINE_RULES = {
    Span: lambda s, before: emphasis(escape(smart_quotes(s.text, before)), s.bold, s.italic, s.strike),
    LineBreak: lambda _, before: "\\\n",
    CrossRef: lambda r, before: emphasis(escape(r.label), r.bold, r.italic),
    TermDefinition: lambda t, before: f"**“{escape(smart_quotes(t.term))}”**",
    # a link's text is copied as it is, like the Word document's (it is often the address itself)
    Link: lambda link, before: f"[{''.join(emphasis(escape(c.text), c.bold, c.italic, c.strike) for c in link.children)}]"
                               f"(<{link.href}>)",
}


def _last_char(item: Inline, before: str) -> str:
    """The last character an inline shows (what a quote after it follows)."""
    if isinstance(item, Span):
        return item.text[-1:] or before
    if isinstance(item, CrossRef):
        return item.label[-1:] or before
    if isinstance(item, TermDefinition):
        return "”"
    if isinstance(item, LineBreak):
        return "\n"
    return before


def inlines(items: tuple[Inline, ...]) -> str:
    out, before = [], ""
    for item in items:
        out.append(_inline(item, before))
        before = _last_char(item, before)
    return "".join(out)


def note(item: Note) -> str:
    """One reviewer note of the closing list: where, what kind, the note (the same words as the Word comment)."""
    where = item.label[:1].upper() + item.label[1:]
    return f"**{escape(where)}, {notes.KIND_TITLES.get(item.kind, item.kind).lower()}:** {reading_text(item.text)}"


def reading_text(value: str) -> str:
    """Deal or library text for the template: typographic quotes, Markdown escaped."""
    return escape(smart_quotes(value))


def paragraph(p: Paragraph) -> str:
    text = inlines(p.inlines)
    if p.role == "bullet":
        return "  " * max(p.level - 2, 0) + f"- {text}"
    head = " ".join(x for x in (p.label, reading_text(run_in_title(p.title)) if p.title else "") if x)
    if p.role == "clause" and head:
        return f"**{head}** {text}".rstrip()
    if head:
        return f"{head} {text}".rstrip()
    return escape_line_start(text)


def table(t: Table) -> str:
    def row(cells: tuple[Cell, ...]) -> str:
        return "| " + " | ".join(inlines(c).replace("\n", " ") for c in cells) + " |"

    rule = {"left": "---", "center": ":---:", "right": "---:"}
    lines = [row(t.header), "|" + "|".join(rule[a] for a in t.align) + "|"]
    lines += [row(r) for r in t.rows]
    return "\n".join(lines)


@functools.lru_cache(maxsize=1)
def _template():
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(templates_dir())), undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False,
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(inlines=inlines, paragraph=paragraph, table=table, escape_md=escape, text=reading_text, note=note)
    env.tests.update(table=lambda b: isinstance(b, Table))
    return env.get_template("draft.md.j2")


def render_markdown(draft: Draft) -> str:
    text = _template().render(draft=draft)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
