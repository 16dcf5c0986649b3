"""The deal fields a clause template reads in ways a clause's own wording fixes: what its loops go through
and what its conditions test. An override (the deal's negotiated wording of a clause) writes out the text
they gave when it was negotiated; absorb keeps no value live that depends on them, and the draft's note on
an override names them."""

from __future__ import annotations

import re

from jinja2 import nodes

TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}|\{#.*?#\}", re.S)  # a printed expression, a statement, a comment
SET = re.compile(r"^-?\s*set\s+([A-Za-z_]\w*)\s*=\s*(.+?)\s*-?$", re.S)


def written_out(body: str) -> list[str]:
    """The deal fields whose values the clause body prints item by item in a loop (`conflict_resolution.escalation`,
    `parties`) or tests to choose its wording (`conflict_resolution.final`): an override writes out the wording
    they gave, and a later change to them does not reach it."""
    from termsmith.deal.model import Deal
    from termsmith.draft.templating import environment

    sets: dict[str, tuple[str, str]] = {}
    looped: list[str] = []
    for m in TAG.finditer(body):
        inner = (m.group(2) or "").strip().strip("-").strip()
        if inner.startswith("for "):
            looped.append(re.split(r"\s+(?:if|recursive)\b", inner.split(" in ", 1)[-1])[0])
        elif inner.startswith(("if ", "elif ")):
            looped.append(inner.split(None, 1)[1])
        elif (s := SET.match(inner)) is not None:
            sets.setdefault(s.group(1), (m.group(0), s.group(2)))
    sections = {field.alias or name for name, field in Deal.model_fields.items()}
    return sorted(c for c in looped_sources(environment(), looped, sets) if c.split(".")[0] in sections)


def looped_sources(env, looped: list[str], sets: dict[str, tuple[str, str]]) -> set[str]:
    """The dotted deal fields the expressions `looped` read."""
    return {chain for source in looped for chain in sources(env, source, sets)}


def sources(env, expression: str, sets: dict[str, tuple[str, str]], depth: int = 0) -> set[str]:
    """The deal fields an expression reads, as dotted names (`conflict_resolution.escalation`), through the
    clause's own `{% set %}` names."""
    try:
        tree = env.parse("{{ " + expression + " }}")
    except Exception:  # noqa: BLE001 - an expression this parser cannot read reads nothing we can name
        return set()
    out: set[str] = set()
    steps = (nodes.Getattr, nodes.Getitem)  # `levels[0].days` reads the levels: an index is no field of its own
    inner = {id(n.node) for n in tree.find_all(steps)}
    called = {id(c.node) for c in tree.find_all(nodes.Call)}  # `directors.values()`: a method, not a field
    for node in tree.find_all((*steps, nodes.Name)):
        if id(node) in inner or (isinstance(node, nodes.Name) and node.ctx != "load"):
            continue  # only whole chains: `a.b.c`, not also `a.b`
        if id(node) in called and isinstance(node, nodes.Getattr):
            node = node.node
        parts: list[str] = []
        while isinstance(node, steps):
            if isinstance(node, nodes.Getattr):
                parts.append(node.attr)
            node = node.node
        if not isinstance(node, nodes.Name):
            continue
        if node.name in sets and depth < 8:
            for root in sources(env, sets[node.name][1], sets, depth + 1):
                out.add(".".join([root, *reversed(parts)]))
        else:
            out.add(".".join([node.name, *reversed(parts)]))
    return out


def overlap(one: str, other: str) -> bool:
    """One dotted name is the other or lies inside it."""
    return one == other or one.startswith(other + ".") or other.startswith(one + ".")
