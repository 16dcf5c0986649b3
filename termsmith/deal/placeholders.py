"""The placeholders `termsmith new` writes where only the parties can say what goes (a name, an address, who
signs), and where a deal still holds one: the draft prints it as it is, so `check` warns and the draft carries a
note for the reviewer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

PARTY_NAMES = ("First Party Ltd", "Second Party Ltd")
ADDRESS = "Registered office address"
SIGNATORY = "Name of signatory"
ALLIANCE_MANAGER = "Name of the alliance manager"
DUTIES = ("What the first party does, as one sentence.", "What the second party does, as one sentence.")
PLACEHOLDERS = frozenset({*PARTY_NAMES, ADDRESS, SIGNATORY, ALLIANCE_MANAGER, *DUTIES})


def placeholders(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path as the deal file spells it, text) of every value of a validated deal that is still a placeholder."""
    if isinstance(value, str):
        if value in PLACEHOLDERS:
            yield path, value
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from placeholders(getattr(value, name), (*path, field.alias or name))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from placeholders(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from placeholders(item, (*path, key))
