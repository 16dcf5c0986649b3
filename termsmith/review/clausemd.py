"""A clause's blocks written back as clause Markdown, the language of the library's clause files.

What `compose` reads, this writes: the first paragraph is the clause's own, items are ordered lists nested
by level, bullets are bullet lists, continuation paragraphs are indented under the item they continue,
tables are pipe tables. A cross-reference becomes `{{ ref("id") }}` (so its number stays live), a term
defined in the text `{{ define("Term") }}`, emphasis `**`/`*`/`~~`. Characters Markdown or the template
language would read as syntax are escaped, so the text drafts back exactly as it reads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from termsmith.draft.document import Block, CrossRef, Inline, LineBreak, Link, Paragraph, Span, Table, TermDefinition
from termsmith.render.markdown import emphasis

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_TEMPLATE = re.compile(r"\{(?=[{%#])")
_LINE_START = re.compile(r"^(\s*)(\d+)([.)])(\s)|^(\s*)([-+*>#=])(?=\s|$)")


def blocks_markdown(blocks: Sequence[Block], *, definitions: bool = False) -> str:
    """The blocks as clause Markdown (the definitions list, which compose adds itself, is left out unless
    `definitions`)."""
    out: list[str] = []
    content_col = {1: 0}  # the column content starts at, per level
    for block in blocks:
        if isinstance(block, Table):
            col = content_col.get(block.level, 0)
            out.append(_table(block, " " * col))
            continue
        if block.role == "definition" and not definitions:
            continue
        text = inlines_markdown(block.inlines)
        if block.role in ("item", "bullet"):
            col = content_col.get(block.level - 1, 0) if block.level > 1 else 0
            marker = "1. " if block.role == "item" else "- "
            content_col[block.level] = col + len(marker)
            for deeper in [k for k in content_col if k > block.level]:
                del content_col[deeper]
            out.append(" " * col + marker + _indent_rest(text, " " * (col + len(marker))))
        else:
            col = content_col.get(block.level, 0) if block.level > 1 else 0
            if block.level == 1:
                content_col = {1: 0}
            out.append(" " * col + _indent_rest(_guard_start(text), " " * col))
    return "\n\n".join(out) + "\n"


def _indent_rest(text: str, pad: str) -> str:
    return text.replace("\n", "\n" + pad)


def _guard_start(text: str) -> str:
    """A paragraph that starts like a list item or heading ('2. The', '- x') must stay a paragraph."""
    m = _LINE_START.match(text)
    if m is None:
        return text
    if m.group(2):
        return f"{m.group(1)}{m.group(2)}\\{m.group(3)}{text[m.end(3):]}"
    return f"{m.group(5)}\\{text[len(m.group(5)):]}"


def _table(table: Table, pad: str) -> str:
    def row(cells) -> str:
        return "| " + " | ".join(inlines_markdown(c, cell=True) or " " for c in cells) + " |"

    rule = "| " + " | ".join({"left": "---", "center": ":---:", "right": "---:"}[a] for a in table.align) + " |"
    lines = [row(table.header), rule, *(row(r) for r in table.rows)]
    return "\n".join(pad + line for line in lines)


def inlines_markdown(inlines: Sequence[Inline], *, cell: bool = False) -> str:
    parts: list[str] = []
    for item in inlines:
        if isinstance(item, Span):
            parts.append(emphasis(escape(item.text), item.bold, item.italic, item.strike))
        elif isinstance(item, CrossRef):
            parts.append(emphasis(f'{{{{ ref("{item.target}") }}}}', item.bold, item.italic, False))
        elif isinstance(item, TermDefinition):
            term = item.term.replace('"', '\\"')
            parts.append(f'{{{{ define("{term}") }}}}')
        elif isinstance(item, Link):
            label = "".join(emphasis(escape(c.text), c.bold, c.italic, c.strike) for c in item.children)
            parts.append(f"[{label}]({item.href})")
        elif isinstance(item, LineBreak):
            parts.append(" " if cell else "\\\n")
    return "".join(parts)


def escape(text: str) -> str:
    """Plain text that Markdown and the clause template language read back as itself."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _TEMPLATE.sub("{{ '{' }}", text)


def paragraph_title(blocks: Sequence[Block]) -> str | None:
    first = blocks[0] if blocks else None
    return first.title if isinstance(first, Paragraph) else None
