"""The contents page, read back. termsmith makes it from the headings (a TOC field whose entries are the articles'
and schedules' numbers, titles and pages), so a reviewer who types over an entry changes nothing a re-draft keeps:
such an entry is reported, never absorbed. An entry is an edit when its title is no heading's, neither as the
draft sent it (Word does not update the contents when a heading changes) nor as the review has it (Word updated
the contents after a heading was renamed).
"""

from __future__ import annotations

import re

from termsmith.draft.document import Draft
from termsmith.draft.document import plain_text as inline_text
from termsmith.review.docx import Document, paras_of
from termsmith.review.fromdocx import is_termsmith

CONTENTS_MADE = "termsmith makes the contents from the headings: rename the heading itself to change an entry"
_ENTRY = "TOC1"  # termsmith's contents list the articles and schedules, one level (TOCHeading is its title)
_PAGE = re.compile(r"^(\d+|[ivxlcdm]+)$", re.IGNORECASE)


def _fold(text: str) -> str:
    return " ".join(text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"')
                    .replace("\u201d", '"').split()).casefold()


def _without_page(text: str) -> list[str]:
    """An entry's parts between tabs (its number, its title), without the page number after the last tab."""
    parts = text.split("\t")
    return parts[:-1] if len(parts) > 1 and _PAGE.match(parts[-1].strip()) else parts


def _title(text: str) -> str:
    """An entry's title: its text without the number before the first tab and the page number after the last."""
    parts = _without_page(text)
    if len(parts) > 1:  # the number, or nothing (Execution's entry has none)
        parts = parts[1:]
    return " ".join(" ".join(parts).split())


def edited_entries(doc: Document, *drafts: Draft, view: str = "accepted") -> list[str]:
    """The contents' entries (number and title, as `view` reads them) whose title is the title of no section of
    the drafts given (the draft sent, the review as it stands). Another document's contents may list headings
    that are no section (its second level, say): only termsmith's are read."""
    if not is_termsmith(doc):
        return []
    titles = {_fold(s.title) for d in drafts for s in d.sections}
    headless = {s.anchor for d in drafts for s in d.sections if not s.title}  # a heading deleted: said as such
    out = []
    for block in doc.blocks:
        for para in paras_of(block):
            if para.style != _ENTRY or (para.links and para.links[0] in headless):
                continue
            text = inline_text([p.inline for p in para.inlines(view)], terms=True, line_break=" ")
            title = _title(text)
            if title and _fold(title) not in titles:
                out.append(" ".join(" ".join(_without_page(text)).split()))
    return out
