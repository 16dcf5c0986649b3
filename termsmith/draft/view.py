"""The validated deal as clause templates see it: plain, read-only data.

Kept free of heavy imports: a deal validated in another process (see `prevalidate`) is turned into
this view there and handed over as it is.
"""

from __future__ import annotations

import functools
from typing import Any


class Record:
    """A validated deal section as clause templates see it: its fields, and the public properties of its
    model, as read-only attributes, and no methods.

    Templates get data, never the pydantic objects themselves (whose methods a template could call), and
    a deal validated in another process (see `prevalidate`) arrives as the same plain data it would have
    been here: every draft is composed from exactly this view.
    """

    def __init__(self, fields: dict[str, Any]) -> None:
        self.__dict__.update(fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a deal field cannot be changed ({name})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a deal field cannot be removed ({name})")

    def __eq__(self, other: object) -> bool:
        return type(other) is Record and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.items()))

    def __repr__(self) -> str:
        return "Record(" + ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items()) + ")"


def plain(value: Any) -> Any:
    """A validated deal (or any part of it) as Records, lists, dicts and scalars (dates stay dates)."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        data = {name: plain(getattr(value, name)) for name in fields}
        for name in _properties(type(value)):
            data[name] = plain(getattr(value, name))
        return Record(data)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@functools.cache
def _properties(model: type) -> tuple[str, ...]:
    """Public properties a deal model defines itself (not pydantic's own, such as model_extra)."""
    names = []
    for klass in model.__mro__:
        if klass.__module__.startswith("pydantic") or klass is object:
            continue
        names += [name for name, attr in vars(klass).items() if isinstance(attr, property) and not name.startswith("_")]
    return tuple(dict.fromkeys(names))
