"""What the deal model says of its own fields, read by walking it rather than from hand-kept lists.

- The sections clause text may read are the deal model's fields, except those marked `ABOUT_THE_FILE`
  (the file format's version, the libraries the file accepts): `clause_sections`.
- A field (or a mapping's key) annotated with `PartyId` carries the `PARTY_REFERENCE` marker; validation
  walks the deal, section by section, and checks every value so marked against the declared parties.
- Where each model class sits in a deal file (`model_paths`), so a message about a value of that class names
  it as the file spells it ('exit.transition'), not by the class that holds it.

So a new deal section needs nothing here: its model, its clauses and its tests.
"""

from __future__ import annotations

import functools
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
    for name, key, walk in _fields_to_walk(type(model)):
        yield from walk(getattr(model, name), (*path, key))


@functools.lru_cache(maxsize=8)
def model_paths(model: type[BaseModel]) -> dict[type[BaseModel], str]:
    """Each model class nested in `model`, by the first path a file spells it at ('exit.transition',
    'parties[]' for a list's items, 'overrides[]' for a mapping's values), in field order."""
    paths: dict[type[BaseModel], str] = {}

    def visit(klass: type[BaseModel], prefix: str) -> None:
        for name, field in klass.model_fields.items():
            for inner, suffix in _models_in(field.annotation):
                if inner not in paths:
                    paths[inner] = f"{prefix}{field.alias or name}{suffix}"
                    visit(inner, paths[inner] + ".")

    visit(model, "")
    return paths


def _models_in(annotation: Any, suffix: str = "") -> Iterator[tuple[type[BaseModel], str]]:
    """The model classes an annotation holds, each with how a path reaches it ('' or '[]')."""
    annotation, _ = _unwrap(annotation, ())
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            yield from _models_in(arg, suffix)
    elif origin in (list, tuple) and args:
        yield from _models_in(args[0], suffix + "[]")
    elif origin is dict and len(args) == 2:
        yield from _models_in(args[1], suffix + "[]")
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, suffix


# What to walk of each model class: worked out from its annotations once, not again for every value of every
# deal (most fields, such as a name or an amount, can never hold a party reference and are not walked).
# Bounded: a library's terms model is made anew when the library or its parties change (library.terms), so a
# long-running server meets ever new classes.
_PLANS: dict[type, tuple] = {}
PLANS_LIMIT = 1_024
Walk = typing.Callable[[Any, Path_], Iterator[tuple[Path_, str]]]


def _fields_to_walk(model: type[BaseModel]) -> tuple[tuple[str, str, Walk], ...]:
    """(attribute, name in the file, walk) of each field of `model` that may hold a party reference."""
    plan = _PLANS.get(model)
    if plan is None:
        if len(_PLANS) >= PLANS_LIMIT:
            _PLANS.clear()
        plan = _PLANS[model] = tuple(
            (name, field.alias or name, walk)  # the path as the file spells it
            for name, field in model.model_fields.items()
            if (walk := _walker(field.annotation, tuple(field.metadata))) is not None)
    return plan


def _walker(annotation: Any, metadata: tuple) -> Walk | None:
    """How to find the party references in a value of this annotation; None when it cannot hold one."""
    annotation, metadata = _unwrap(annotation, metadata)
    if PARTY_REFERENCE in metadata:
        def reference(value, path):
            if isinstance(value, str):
                yield path, value
        return reference
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        # a literal the value is one of ('rotating' in `PartyId | Literal["rotating"]`) is not a reference;
        # otherwise the value is walked as the first member whose type it has
        inners = [_unwrap(arg, ())[0] for arg in args]
        literals = tuple(typing.get_args(inner) for inner in inners if typing.get_origin(inner) is typing.Literal)
        members = tuple((kind, _walker(arg, ())) for arg, inner in zip(args, inners, strict=True)
                        if isinstance(kind := typing.get_origin(inner) or inner, type))
        if all(walk is None for _, walk in members):
            return None

        def member(value, path):
            if value is None or any(value in values for values in literals):
                return
            for kind, walk in members:
                if isinstance(value, kind):
                    if walk is not None:
                        yield from walk(value, path)
                    return
        return member
    if origin in (list, tuple) and args:
        item_walk = _walker(args[0], ())
        if item_walk is None:
            return None

        def items(value, path):
            for i, item in enumerate(value or ()):
                yield from item_walk(item, (*path, i))
        return items
    if origin is dict and len(args) == 2:
        keys_are_parties = PARTY_REFERENCE in _unwrap(args[0], ())[1]
        value_walk = _walker(args[1], ())
        if not keys_are_parties and value_walk is None:
            return None

        def entries(value, path):
            for key, item in (value or {}).items():
                if keys_are_parties and isinstance(key, str):
                    yield (*path, key), key
                if value_walk is not None:
                    yield from value_walk(item, (*path, key))
        return entries
    if isinstance(annotation, type) and annotation is not object and not issubclass(annotation, BaseModel):
        return None  # a name, an amount, a date: never a model holding references

    def model(value, path):
        if isinstance(value, BaseModel):
            yield from party_references(value, path)
    return model


def _unwrap(annotation: Any, metadata: tuple) -> tuple[Any, tuple]:
    """Annotated[X, …] → (X, its metadata added to `metadata`)."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        metadata = (*metadata, *extra)
    return annotation, metadata
