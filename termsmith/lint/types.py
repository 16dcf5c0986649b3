"""Static types over the deal model, as the template checks follow them through clause text."""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass

from jinja2 import nodes
from pydantic import BaseModel


class _Unknown:
    """A value whose type the checker does not follow: any attribute is allowed on it."""


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class _ItemsOf:
    key: object
    value: object


# ── static types over the deal model ──────────────────────────────────────────────────────
def _strip(annotation: object) -> object:
    """X | None → X; Annotated[X, …] → X."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _strip(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _strip(args[0]) if len(args) == 1 else UNKNOWN
    return annotation


def _is_model(t: object) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _item(t: object) -> object:
    t = _strip(t)
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin in (list, tuple) and args:
        return _strip(args[0])
    if isinstance(t, _ItemsOf):
        return UNKNOWN
    return UNKNOWN


_PLAIN_TYPES = (str, int, float, bool, dt.date)
# Filters whose attribute argument names a field of the list's items: (keyword, position or None).
_ATTRIBUTE_FILTERS = {"map": ("attribute", None), "selectattr": ("attribute", 0), "rejectattr": ("attribute", 0),
                      "sort": ("attribute", 2), "unique": ("attribute", 1), "groupby": ("attribute", 0),
                      "sum": ("attribute", 0), "min": ("attribute", 1), "max": ("attribute", 1)}


def _python_type(t: object) -> type | None:
    """The Python type whose attributes a value of annotation `t` has (lists and plain values), else None."""
    t = _strip(t)
    origin = typing.get_origin(t)
    if origin in (list, tuple):
        return origin
    if origin is typing.Literal:
        return type(typing.get_args(t)[0])
    return t if isinstance(t, type) and issubclass(t, _PLAIN_TYPES) and not _is_model(t) else None


def _kind(t: object) -> str:
    t = _strip(t)
    if typing.get_origin(t) in (list, tuple):
        item = _strip(typing.get_args(t)[0]) if typing.get_args(t) else None
        name = item.__name__ if isinstance(item, type) else "values"
        return f"a list of {name}; loop over it, or pick one item with [0] or | first"
    if typing.get_origin(t) is typing.Literal:
        return "one of " + ", ".join(map(repr, typing.get_args(t)))
    name = getattr(t, "__name__", "value")
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _describe(node: nodes.Node) -> str:
    """`exit.termination_for_convenience` for the expression that names a value, else 'the value'."""
    parts: list[str] = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
        elif isinstance(node.arg, nodes.Const):
            parts.append(f"[{node.arg.value!r}]")
        else:
            return "the value"
        node = node.node
    if not isinstance(node, nodes.Name):
        return "the value"
    return ".".join([node.name, *reversed(parts)]).replace(".[", "[")


def _attribute_argument(node: nodes.Filter) -> str | None:
    """The constant attribute name a filter such as map(attribute=…) or selectattr("…") is given."""
    if node.name not in _ATTRIBUTE_FILTERS:
        return None
    keyword, position = _ATTRIBUTE_FILTERS[node.name]
    for kw in node.kwargs:
        if kw.key == keyword and isinstance(kw.value, nodes.Const) and isinstance(kw.value.value, str):
            return kw.value.value
    if position is not None and len(node.args) > position and isinstance(node.args[position], nodes.Const):
        value = node.args[position].value
        return value if isinstance(value, str) else None
    return None
