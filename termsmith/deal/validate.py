"""Turn loaded deal data into a Deal, or report every problem with its field path and line: the model's own
errors in words (pydantic's error locations mapped back to the file), then the business rules (businessrules.py)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Iterator

from pydantic import BaseModel, ValidationError

from termsmith.deal.model import Deal
from termsmith.errors import InputError, Problem
from termsmith.inputs import NOT_XML as _NOT_XML
from termsmith.deal.businessrules import business_problems
from termsmith.deal.source import Loaded, Path_, SourceMap

_RESERVED = re.compile("[\ue000\ue001]")  # termsmith marks cross-references with these inside clause text
# Invisible characters that reorder or hide text: two party names could look identical and differ.
# (Zero-width joiners U+200C/U+200D stay allowed: some scripts need them.)
_INVISIBLE = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def validate(loaded: Loaded) -> Deal:
    """The Deal, or an InputError listing every structural and business-rule problem."""
    src = loaded.source
    problems = list(_xml_character_problems(loaded.data, (), src))
    if not isinstance(loaded.data, dict):
        raise InputError(src.problem((), "a deal file must be a mapping of sections (deal, parties, term, …)"))
    try:
        deal = Deal.model_validate(loaded.data)
    except ValidationError as exc:
        problems += [_pydantic_problem(err, src, loaded.data) for err in exc.errors()]
        raise InputError(sorted(set(problems), key=_order)) from None
    problems += list(_truth_values_as_numbers(deal, loaded.data, (), src))
    if problems:  # the model read `true` as 1: the business rules would judge a number nobody wrote
        raise InputError(sorted(set(problems), key=_order))
    problems += business_problems(deal, src)
    if problems:
        raise InputError(sorted(set(problems), key=_order))
    return deal


def _truth_values_as_numbers(value: object, raw: object, path: Path_, src: SourceMap) -> Iterator[Problem]:
    """`true` or `false` (also `yes`, `on`) where the model wants a number: pydantic reads them as 1 and 0, so
    `initial_months: true` would draft a term of one month."""
    if isinstance(raw, bool):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            got = "true" if raw else "false"
            yield src.problem(path, f"the version of the deal file format must be 1: write `termsmith: 1` (got {got})"
                              if path == ("termsmith",) else f"must be a number, not {got}")
    elif isinstance(raw, dict):
        if isinstance(value, BaseModel):
            for name, field in type(value).model_fields.items():
                key = field.alias or name
                if key in raw:
                    yield from _truth_values_as_numbers(getattr(value, name), raw[key], (*path, key), src)
        elif isinstance(value, dict):
            for key, item in raw.items():
                if key in value:
                    yield from _truth_values_as_numbers(value[key], item, (*path, key), src)
    elif isinstance(raw, list) and isinstance(value, (list, tuple)) and len(raw) == len(value):
        for i, (item, raw_item) in enumerate(zip(value, raw, strict=True)):
            yield from _truth_values_as_numbers(item, raw_item, (*path, i), src)


def _order(p: Problem) -> tuple:
    return (p.line or 0, p.path, p.message)


def _xml_character_problems(value: object, path: Path_, src: SourceMap) -> Iterator[Problem]:
    if isinstance(value, str):
        bad = _NOT_XML.search(value)
        if bad:
            yield src.problem(path, f"contains the control character U+{ord(bad.group()):04X}, which a Word document cannot hold")
        invisible = _INVISIBLE.search(value)
        if invisible:
            yield src.problem(path, f"contains the invisible character U+{ord(invisible.group()):04X} (text direction or "
                                    "zero-width), which can make different text look the same; remove it")
        reserved = _RESERVED.search(value)
        if reserved:
            yield src.problem(path, f"contains U+{ord(reserved.group()):04X}, a private-use character termsmith reserves")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _xml_character_problems(item, (*path, key), src)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _xml_character_problems(item, (*path, i), src)


# ── pydantic errors → problems ─────────────────────────────────────────────────────────────
def _data_path(loc: tuple, data: object) -> Path_:
    """pydantic's error location as a path through the data, without its union/validator tags."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(part, str) and ("[" in part or part in ("int", "float", "str", "bool", "none")):
            continue  # a tag pydantic adds for a member of a union or a validator, not a field
        else:
            node = None
        out.append(part)
    return tuple(out)


def _pydantic_problem(err: dict, src: SourceMap, data: object) -> Problem:
    loc = _data_path(tuple(err["loc"]), data)
    kind = err["type"]
    if kind == "extra_forbidden" and loc:
        name = str(loc[-1])
        message = f"unknown field '{name}'"
        guess = difflib.get_close_matches(name, _field_names(loc[:-1]), n=1, cutoff=0.6)
        if guess:
            message += f"; did you mean '{guess[0]}'?"
        else:
            known = _field_names(loc[:-1])
            if known:
                message += f"; expected one of: {', '.join(sorted(known))}"
        return src.problem(loc, message, code="unknown-field")
    from termsmith.deal.messages import humane

    if (message := humane(err, loc)) is not None:
        return src.problem(loc, message, code=kind)
    if kind == "missing":
        return src.problem(loc, "required field is missing", code="missing")
    message = err["msg"]
    if kind.startswith("value_error"):
        message = message.removeprefix("Value error, ")
    elif "input" in err and not isinstance(err["input"], (dict, list)):
        got = err["input"]
        shown = got.isoformat() if isinstance(got, dt.date) else repr(got)
        message = f"{message} (got {shown if len(shown) <= 80 else shown[:60] + '…'})"
    return src.problem(loc, message, code=kind)


def _field_names(loc: Path_) -> list[str]:
    """Field names of the model found at `loc` (for 'did you mean')."""
    annotation: object = Deal
    for part in loc:
        model = _model_in(annotation)
        if model is None:
            annotation = _item_type(annotation)
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        annotation = field.annotation
    model = _model_in(annotation)
    return list(model.model_fields) if model else []


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found:
            return found
    return None


def _item_type(annotation: object) -> object:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is not type(None):
                return _item_type(arg)
    return annotation
