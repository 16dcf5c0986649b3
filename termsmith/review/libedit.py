"""A reviewed clause's wording written into the library's clause file, where that can be done for every deal.

A change can go into the standard only where it lies in the clause file's literal text: the words the file
itself spells out, outside `{{ … }}`, `{% … %}` and `{# … #}`. Each changed stretch of the rendered clause is
found there by its words (with as much of the text before it as makes the place unique); a change touching
text a template computed (a number of days, a party's name, a cross-reference's number) cannot be
generalised and is refused with the reason. The clause's version gets a minor bump and its changelog line
says where the wording came from; the library's version and CHANGELOG.md follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from termsmith.review.diff import opcodes
from termsmith.review.redline import fold_quotes

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_WORD = re.compile(r"\w+(?:[.,’'\-/]\w+)*|\s+|[^\w\s]")
MAX_CONTEXT = 12  # tokens of the text before a change used to find its one place in the file


class NotGeneral(Exception):
    """The change cannot be written into the clause file for every deal (the message says why)."""


@dataclass(frozen=True)
class ClauseEdit:
    clause_id: str
    path: str  # relative to the library root
    old_version: str
    new_version: str
    source: str  # the whole new clause file


def rewrite_body(body: str, old_text: str, new_text: str) -> str:
    """The clause body with the changes from old_text to new_text (both the rendered clause) made in its
    literal text; NotGeneral when one of them is not there."""
    a, b = _WORD.findall(old_text), _WORD.findall(new_text)
    literal = [True] * len(body)
    for m in _TAG.finditer(body):
        for k in range(m.start(), m.end()):
            literal[k] = False
    folded = fold_quotes(body)
    edits: list[tuple[int, int, str]] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        if tag == "equal":
            continue
        was, now = "".join(a[i1:i2]), "".join(b[j1:j2])
        start = _place(folded, literal, a, i1, was)
        edits.append((start, start + len(was), now))
    edits.sort()
    for (s1, e1, _), (s2, _, _) in zip(edits, edits[1:], strict=False):
        if s2 < e1:
            raise NotGeneral("two changes overlap in the clause file")
    out = body
    for start, end, now in reversed(edits):
        out = out[:start] + now + out[end:]
    return out


def _place(folded: str, literal: list[bool], tokens: list[str], at: int, was: str) -> int:
    """Where `was` (the tokens from `at`) starts in the clause file's literal text: found with the fewest
    preceding tokens that make it unique."""
    needle_tail = fold_quotes(was)
    for k in range(0 if was.strip() else 1, MAX_CONTEXT + 1):
        if k > at:
            break
        before = fold_quotes("".join(tokens[at - k:at]))
        needle = before + needle_tail
        if not needle.strip():
            continue
        hits = [m.start() for m in re.finditer(re.escape(needle), folded)
                if all(literal[m.start():m.start() + len(needle)])]
        if len(hits) == 1:
            return hits[0] + len(before)
        if not hits:
            break
    shown = " ".join(was.split()) or "an insertion"
    raise NotGeneral(f"“{shown}” is not in the clause file's own words (the template computes it, or it is "
                     "formatted there): it cannot be made the standard for every deal")


def bump_minor(version: str) -> str:
    major, minor, *_ = (version.split(".") + ["0", "0"])[:3]
    return f"{int(major)}.{int(minor) + 1}.0"


def rewrite_file(source: str, body: str, new_body: str, new_version: str, changelog: str) -> str:
    """The clause file with its new body, version and changelog line (the front matter otherwise as is)."""
    head = source[: len(source) - len(body)] if source.endswith(body) else None
    if head is None:
        raise NotGeneral("the clause file's body could not be located")
    head = re.sub(r"(?m)^version:.*$", f"version: {new_version}", head, count=1)
    line = changelog.replace("\n", " ").replace('"', "'")
    head = re.sub(r"(?m)^changelog:.*$", f'changelog: "{line}"', head, count=1)
    return head + new_body


def retitle(head: str, title: str) -> str:
    """The front matter with a new title."""
    if re.search(r"(?m)^title:", head) is None:
        raise NotGeneral("the clause file has no title line")
    line = title.replace("\n", " ").replace('"', "'")
    quoted = f'"{line}"' if re.search(r"[:#\[\]{}&*!|>'%@`,]|^\s|\s$", line) else line
    return re.sub(r"(?m)^title:.*$", lambda m: f"title: {quoted}", head, count=1)


def redefine(head: str, term: str, text: str, width: int = 100) -> str:
    """The front matter with a new definition of `term` under `defines:`, written as a folded block (each
    line break reads as a space, as the library's clause files write definitions)."""
    lines = head.split("\n")
    try:
        start = next(k for k, line in enumerate(lines) if line.rstrip() == "defines:")
    except StopIteration:
        raise NotGeneral("the clause file has no defines: section") from None
    key = re.compile(rf"^(\s+)(['\"]?){re.escape(term)}\2:\s*(.*)$")
    at = None
    for k in range(start + 1, len(lines)):
        if lines[k] and not lines[k][0].isspace():
            break
        m = key.match(lines[k])
        if m:
            at, indent = k, m.group(1)
            break
    if at is None:
        raise NotGeneral(f"the clause file does not define “{term}” in its front matter")
    end = at + 1
    while end < len(lines) and lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) > len(indent):
        end += 1
    words, body, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            body.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        body.append(line)
    block = [f"{indent}{lines[at].strip().split(':', 1)[0]}: >-", *(f"{indent}  {b}" for b in body)]
    return "\n".join(lines[:at] + block + lines[end:])


def reorder(head: str, order: int) -> str:
    """The front matter with a new order."""
    if re.search(r"(?m)^order:", head) is None:
        raise NotGeneral("the clause file has no order line")
    return re.sub(r"(?m)^order:.*$", f"order: {order}", head, count=1)


def rearea(head: str, area: str) -> str:
    """The front matter with the clause in another article or schedule (its id, which deals and
    cross-references name, stays)."""
    if re.search(r"(?m)^area:", head) is None:
        raise NotGeneral("the clause file has no area line")
    return re.sub(r"(?m)^area:.*$", f"area: {area}", head, count=1)


def retitle_section(manifest_text: str, section: str, title: str) -> str:
    """library.yaml with a new title for one article or schedule (written `- {id: ID, title: TITLE}`)."""
    pattern = re.compile(rf"(?m)^(\s*-\s*\{{\s*id:\s*{re.escape(section)}\s*,\s*title:\s*)([^,}}\n]+)(.*)$")
    if len(pattern.findall(manifest_text)) != 1:
        raise NotGeneral(f"library.yaml does not list {section} as '- {{id: {section}, title: …}}' on one line")
    if re.search(r"[,{}\[\]:#&*!|>'\"%@`]", title):
        raise NotGeneral(f"the heading “{title}” has characters library.yaml would need quoted: change it by hand")
    return pattern.sub(lambda m: m.group(1) + title + m.group(3), manifest_text, count=1)


def bump_library(manifest_text: str, new_version: str) -> str:
    return re.sub(r"(?m)^version:.*$", f"version: {new_version}", manifest_text, count=1)


def add_changelog(changelog: str, version: str, lines: list[str]) -> str:
    """CHANGELOG.md with a section for the new version before the first version heading."""
    section = f"## {version}\n\n" + "\n".join(f"- {line}" for line in lines) + "\n\n"
    m = re.search(r"(?m)^## ", changelog)
    if m is None:
        return changelog.rstrip("\n") + "\n\n" + section
    return changelog[: m.start()] + section + changelog[m.start():]
