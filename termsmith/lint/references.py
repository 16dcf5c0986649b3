"""References in clause text: `ref("…")` and `has("…")` must name a clause or section of the library."""

from __future__ import annotations

from jinja2 import nodes


def unknown_target(node: nodes.Call, ids: set[str]) -> str | None:
    """What is wrong with the target of a ref()/has() call, or None when it names a clause or section."""
    if node.args and isinstance(node.args[0], nodes.Const):
        target = str(node.args[0].value)
        if target not in ids:
            return f"{node.node.name}(\"{target}\") names no clause or section of the library"
    return None
