"""What the deal model says of its own fields, read by walking it rather than from hand-kept lists.

- The sections clause text may read are the deal model's fields, except those marked `ABOUT_THE_FILE`
  (the file format's version, the libraries the file accepts): `clause_sections`.
- A field (or a mapping's key) annotated with `PartyId` carries the `PARTY_REFERENCE` marker; validation
  walks the deal, section by section, and checks every value so marked against the declared parties.

So a new deal section needs nothing here: its model, its clauses and its tests.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

Path_ = tuple[str | int, ...]


class _PartyReference:
    """Annotation metadata: the value (or a mapping's key) is the `id` of a declared party."""

    def __repr__(self) -> str:
        return "PARTY_REFERENCE"


PARTY_REFERENCE = _PartyReference()


class _AboutTheFile:
    """Annotation metadata: a top-level field about the deal file itself, not part of the agreement."""

    def __repr__(self) -> str:
        return "ABOUT_THE_FILE"


ABOUT_THE_FILE = _AboutTheFile()


def clause_sections(model: type[BaseModel]) -> tuple[str, ...]:
    """The top-level fields of a deal model that clause text and conditions see, in the model's order."""
    return tuple(name for name, field in model.model_fields.items() if ABOUT_THE_FILE not in field.metadata)


def party_references(model: BaseModel, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """(field path, party id) for every party reference in a validated model, in field order."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        yield from _walk(field.annotation, tuple(field.metadata), value, (*path, field.alias or name))  # as the file spells it


def _walk(annotation: Any, metadata: tuple, value: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    if value is None:
        return
    annotation, metadata = _unwrap(annotation, metadata)
    if PARTY_REFERENCE in metadata:
        if isinstance(value, str):
            yield path, value
        return
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        # a literal the value is one of ('rotating' in `PartyId | Literal["rotating"]`) is not a reference
        if any(typing.get_origin(_unwrap(arg, ())[0]) is typing.Literal and value in typing.get_args(_unwrap(arg, ())[0])
               for arg in args):
            return
        for arg in args:
            inner, _ = _unwrap(arg, ())
            if _matches(inner, value):
                yield from _walk(arg, metadata, value, path)
                return
        return
    if origin in (list, tuple) and args:
        for i, item in enumerate(value):
            yield from _walk(args[0], (), item, (*path, i))
    elif origin is dict and len(args) == 2:
        _, key_meta = _unwrap(args[0], ())
        for key, item in value.items():
            if PARTY_REFERENCE in key_meta and isinstance(key, str):
                yield (*path, key), key
            yield from _walk(args[1], (), item, (*path, key))
    elif isinstance(value, BaseModel):
        yield from party_references(value, path)


def _unwrap(annotation: Any, metadata: tuple) -> tuple[Any, tuple]:
    """Annotated[X, …] → (X, its metadata added to `metadata`)."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        metadata = (*metadata, *extra)
    return annotation, metadata


def _matches(annotation: Any, value: Any) -> bool:
    origin = typing.get_origin(annotation) or annotation
    return isinstance(origin, type) and isinstance(value, origin)
