"""An override's text with the values the template computed from deal fields kept live.

A reviewed clause becomes the deal's own wording as it reads, so a number the template printed from a deal
field ("180 days", from `{{ tfc.notice_days | days }}`) would be frozen in it: a later change of that field
would no longer reach the clause. Where the reviewed wording still holds exactly the values the clause's
template printed, each is written back as the template's own expression, and the `{% set %}` lines those
expressions need go in front, so the override reads like the clause file it came from.

Only expressions the template prints at most once are candidates (not inside `{% for %}`, a macro or an
`{% else %}` branch; inside `{% if %}` the probe asks the same condition), and not cross-references or
definitions (they are live already). What each printed is found by drafting the deal once with a probe text
for the clause. A value is written back only when the reviewed text holds it as often as the drafted clause did and
all of those came from the template (an ambiguous value stays as the reviewer's literal); absorb re-drafts
the result and keeps the literal text for any clause that does not then read as reviewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from termsmith.draft.reads import SET, TAG, looped_sources, overlap, sources
from termsmith.review.clausemd import escape

_OPENS = {"if", "for", "macro", "call", "filter", "with", "block", "raw", "autoescape", "trans"}
_NOT_LIVE = re.compile(r"\b(ref|define|has|loop|caller|super)\b")
PROBE = "ZQXPROBE"


@dataclass(frozen=True)
class Printed:
    """One `{{ … }}` the clause prints unconditionally, with the `{% set %}` lines it needs."""

    expression: str  # the tag's inner text, as the clause file spells it
    sets: tuple[str, ...]  # the set tags (verbatim) it depends on, in file order
    conditions: tuple[str, ...] = ()  # the conditions of the {% if %} blocks it is printed in


def printed(body: str) -> list[Printed]:
    """The clause body's unconditionally printed expressions that depend on the deal."""
    from jinja2 import nodes

    from termsmith.draft.templating import environment

    env = environment()
    stack: list[str | None] = []  # open blocks: an if's condition, None for any other block
    sets: dict[str, tuple[str, str]] = {}  # top-level set: name → (verbatim tag, expression)
    unsafe: set[str] = set()  # names bound inside blocks, loops and macros
    looped: list[str] = []  # what `{% for %}` loops go through: the text they print is written out
    found: list[tuple[str, tuple[str, ...]]] = []
    for m in TAG.finditer(body):
        if m.group(1) is not None:
            if all(c is not None for c in stack):
                found.append((m.group(1).strip(), tuple(stack)))
            continue
        if m.group(2) is None:
            continue
        inner = m.group(2).strip().strip("-").strip()
        word = inner.split(None, 1)[0] if inner else ""
        if word in _OPENS or (word == "set" and "=" not in inner):
            stack.append(inner[2:].strip() if word == "if" else None)
            if word == "for":
                unsafe.update(re.findall(r"[A-Za-z_]\w*", inner.split(" in ", 1)[0][3:]))
                looped.append(re.split(r"\s+(?:if|recursive)\b", inner.split(" in ", 1)[-1])[0])
            elif word in ("macro", "call"):
                unsafe.update(re.findall(r"[A-Za-z_]\w*", inner))
        elif word in ("elif", "else"):
            if stack:
                stack[-1] = None  # the branch's condition is more than one test: not followed here
        elif word.startswith("end"):
            if stack:
                stack.pop()
        elif word == "set":
            s = SET.match(inner)
            if s is None:
                continue
            if not stack and s.group(1) not in sets:
                sets[s.group(1)] = (m.group(0), s.group(2))
            else:
                unsafe.add(s.group(1))
    # A value computed from what a loop printed item by item (`total` from the escalation levels it lists) stays
    # written out with them: kept live, it would change while the list it sums did not.
    frozen = looped_sources(env, looped, sets)
    out = []
    for expression, conditions in found:
        if _NOT_LIVE.search(expression) or any(_NOT_LIVE.search(c) for c in conditions):
            continue
        if any(overlap(chain, f) for chain in sources(env, expression, sets) for f in frozen):
            continue
        names = _names(env, expression, nodes)
        for condition in conditions:
            more = _names(env, condition, nodes)
            names = None if names is None or more is None else names | more
        if names is None or not names or names & unsafe:
            continue
        needed: list[str] = []
        todo = [n for n in names if n in sets]
        while todo:
            name = todo.pop()
            if name in needed:
                continue
            needed.append(name)
            more = _names(env, sets[name][1], nodes) or set()
            if more & unsafe:
                break
            todo.extend(n for n in more if n in sets)
        else:
            order = [n for n in sets if n in needed]
            out.append(Printed(expression, tuple(sets[n][0] for n in order), conditions))
    return out


def _names(env, expression: str, nodes) -> set[str] | None:
    try:
        tree = env.parse("{{ " + expression + " }}")
    except Exception:  # noqa: BLE001 - an expression this parser cannot read is simply not kept live
        return None
    return {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"}


def probe_text(items: list[Printed]) -> str:
    """Clause text printing each expression once, between markers, one paragraph each."""
    sets: list[str] = []
    for item in items:
        sets.extend(s for s in item.sets if s not in sets)
    lines = [_guarded(f"{PROBE}{k}A {{{{ {item.expression} }}}} {PROBE}{k}B", item.conditions)
             for k, item in enumerate(items)]
    return "".join(s + "\n" for s in sets) + "\n\n".join(lines) + "\n"


def _guarded(line: str, conditions: tuple[str, ...]) -> str:
    for condition in reversed(conditions):
        line = f"{{% if {condition} %}}{line}{{% endif %}}"
    return line


def read_probe(plain: str, count: int) -> list[str | None]:
    """What each probed expression printed (None where the probe is not found)."""
    out: list[str | None] = []
    for k in range(count):
        m = re.search(rf"{PROBE}{k}A (.*?) {PROBE}{k}B", plain, re.S)
        out.append(m.group(1) if m else None)
    return out


def _occurrences(value: str, text: str) -> list[int]:
    pattern = rf"(?<![\w])(?<![\w][.,]){re.escape(value)}(?![\w])(?![.,]\d)"
    return [m.start() for m in re.finditer(pattern, text)]


def relive(text: str, items: list[Printed], values: list[str | None], old_plain: str) -> tuple[str, list[str]]:
    """The override text with each value the template printed (and the reviewer kept) written back as its
    expression, the set lines it needs in front; and the expressions made live."""
    by_value: dict[str, list[Printed]] = {}
    for item, value in zip(items, values, strict=True):
        if value is None or not value.strip() or "\n" in value or PROBE in value:
            continue
        by_value.setdefault(value, []).append(item)
    literal = [(m.start(), m.end()) for m in TAG.finditer(text)]  # existing tags (refs) stay as they are

    def outside(pos: int, length: int) -> bool:
        return not any(s < pos + length and pos < e for s, e in literal)

    edits: list[tuple[int, int, Printed]] = []
    for value, printers in by_value.items():
        if len({p.expression for p in printers}) != 1:
            continue  # two expressions print the same value: which is which cannot be told
        shown = escape(value)
        spots = [p for p in _occurrences(shown, text) if outside(p, len(shown))]
        if not spots or len(_occurrences(value, old_plain)) != len(printers) or len(spots) != len(printers):
            continue
        edits.extend((p, p + len(shown), printers[0]) for p in spots)
    if not edits:
        return text, []
    edits.sort(key=lambda e: e[0])
    for (_s1, e1, _), (s2, _e2, _) in zip(edits, edits[1:], strict=False):
        if s2 < e1:
            return text, []
    out = text
    for start, end, item in reversed(edits):
        out = out[:start] + "{{ " + item.expression + " }}" + out[end:]
    sets: list[str] = []
    for _s, _e, item in edits:
        sets.extend(s for s in item.sets if s not in sets)
    used = list(dict.fromkeys(item.expression for _s, _e, item in edits))
    return "".join(s + "\n" for s in sets) + out, used
