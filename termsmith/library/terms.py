"""Deal terms the clause library declares (`terms:` in library.yaml), validated as strictly as the core model.

Why: a clause that needs a new negotiated variable (a jury waiver, a referral fee, an insurance amount) should
ship as a library pull request, without a termsmith release. The declarations become a pydantic model when
the library is opened (`create_model`), so a deal's `terms:` section gets the same located errors as the
core fields, and clause text reads the values as `terms.NAME`.
"""


import datetime as dt
import difflib
import functools
import re
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model, model_validator

TYPES = ("bool", "int", "decimal", "percent", "hours", "days", "business_days", "months", "years", "money", "text",
         "date", "party", "choice")
_COUNTS = ("hours", "days", "business_days", "months", "years")  # whole, positive numbers of a unit of time
_LIST = re.compile(r"^list\[(\w+)\]$")
TERM_NAME = r"^[a-z][a-z0-9_]{0,62}$"
_READS = re.compile(r"\bterms\.([A-Za-z_][A-Za-z0-9_]*)")


class TermDeclaration(BaseModel):
    """One `terms:` entry of library.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first validated

    type: str = Field(description=f"One of {', '.join(TYPES)}, or list[TYPE].")
    default: Any = Field(default=None, description="The value when the deal gives none; without one the term is "
                                                   "required when a clause that reads it is selected.")
    required: bool = Field(default=False, description="Required in every deal, whatever is selected.")
    choices: tuple[str, ...] = Field(default=(), description="The values a `choice` term takes.")
    min: float | None = None
    max: float | None = None
    description: str = Field(default="", max_length=500)
    since: str | None = Field(default=None, description="The library version that introduced the term.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        base, _ = split_type(self.type)
        if base not in TYPES:
            raise ValueError(f"unknown type '{self.type}'; use one of {', '.join(TYPES)}, or list[TYPE]")
        if base == "choice" and not self.choices:
            raise ValueError("a choice term lists its choices")
        if self.choices and base != "choice":
            raise ValueError("choices belong to a term of type choice")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is above max")
        if self.default is not None:
            try:
                _validator(_shape(self, ())).validate_python(self.default)
            except ValidationError as exc:
                raise ValueError(f"default {self.default!r} is not a valid value: {_message(exc.errors()[0])}") from None
        return self


def describe(decl: TermDeclaration) -> str:
    """A declaration in a few words, as a lock records it: 'days, default 90, at most 730'."""
    parts = [decl.type]
    if decl.choices:
        parts.append("one of " + "/".join(decl.choices))
    if decl.default is not None:
        parts.append(f"default {written(decl.default)}")
    if decl.min is not None:
        parts.append(f"at least {written(decl.min)}")
    if decl.max is not None:
        parts.append(f"at most {written(decl.max)}")
    if decl.required:
        parts.append("required")
    return ", ".join(parts)


def written(value: Any) -> str:
    """A deal value as a deal file writes it: true/false, 90 rather than 90.0, [a, b]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(written(v) for v in value) + "]"
    return str(value)


def split_type(declared: str) -> tuple[str, bool]:
    """('party', True) for 'list[party]'."""
    match = _LIST.match(declared.strip())
    return (match.group(1), True) if match else (declared.strip(), False)


def _shape(decl: TermDeclaration, party_ids: tuple[str, ...]) -> tuple:
    """All a term's annotation depends on: its type, bounds (and their types: 1 and 1.0 are written apart in
    messages) and choices, and the parties when it names one."""
    parties = tuple(party_ids) if split_type(decl.type)[0] == "party" else ()
    return decl.type, decl.min, type(decl.min), decl.max, type(decl.max), tuple(decl.choices), parties


@functools.lru_cache(maxsize=256)  # one per kind of term: the 75 terms of the bundled library are 17 kinds
def _annotation(shape: tuple) -> Any:
    """The annotation of a term's value, or None (the terms model's field): built once for all terms alike."""
    declared, low, _, high, _, choices, party_ids = shape
    base, is_list = split_type(declared)
    bounds = {k: v for k, v in (("ge", low), ("le", high)) if v is not None}
    one: Any
    if base == "bool":
        one = bool
    elif base == "int" or base in _COUNTS:
        one = Annotated[int, Field(strict=False, **({"gt": 0} if base != "int" and "ge" not in bounds else {}), **bounds)]
    elif base in ("decimal", "money"):
        one = Annotated[float, Field(allow_inf_nan=False, **({"ge": 0} if base == "money" and not bounds else {}),
                                     **bounds)]
    elif base == "percent":
        one = Annotated[float, Field(allow_inf_nan=False, ge=bounds.get("ge", 0), le=bounds.get("le", 100))]
    elif base == "text":
        one = Annotated[str, Field(min_length=1, max_length=int(high or 2000))]
    elif base == "date":
        one = dt.date
    elif base == "choice":
        one = Literal[tuple(choices)]  # type: ignore[valid-type]
    else:  # party
        one = Literal[tuple(party_ids)] if party_ids else str  # type: ignore[valid-type]
    return (list[one] if is_list else one) | None


# Models built, by the declarations (their identity) and the party ids when a term is a party: a draft
# validates its terms several times, impact alternates between two libraries, and a batch's deals share
# their library. Building a pydantic model costs milliseconds; at most 64 are kept.
_MODELS: dict[tuple, tuple[type[BaseModel], tuple]] = {}


def terms_model(declarations: dict[str, TermDeclaration], party_ids: tuple[str, ...] = ()) -> type[BaseModel]:
    """The pydantic model of a deal's `terms:` section, built from the library's declarations (once per
    library's declarations and parties in a process: building a model costs far more than using it)."""
    parties = any(split_type(decl.type)[0] == "party" for decl in declarations.values())
    key = (tuple((name, id(decl)) for name, decl in declarations.items()), tuple(party_ids) if parties else ())
    found = _MODELS.get(key)
    if found is None:
        if len(_MODELS) >= 64:
            _MODELS.clear()
        # the declarations are kept with the model, so the ids in the key stay theirs
        found = _MODELS[key] = (_build_terms_model(declarations, party_ids), tuple(declarations.values()))
    return found[0]


def _build_terms_model(declarations: dict[str, TermDeclaration], party_ids: tuple[str, ...]) -> type[BaseModel]:
    # Its validator is built only when asked for (a schema): a deal's terms are validated one by one
    # (`_validator`), which costs a few of the library's terms rather than all of them.
    fields: dict[str, Any] = {}
    for name, decl in declarations.items():
        fields[name] = (_annotation(_shape(decl, party_ids)),
                        Field(default=decl.default, description=decl.description or None))
    return create_model("Terms", __config__=ConfigDict(extra="forbid", frozen=True, defer_build=True), **fields)


@functools.lru_cache(maxsize=256)  # one per kind of term
def _validator(shape: tuple) -> TypeAdapter:
    """What validates the value of a term of this kind (`_shape`), as the terms model's field does."""
    return TypeAdapter(_annotation(shape))


def terms_read(text: str) -> set[str]:
    """The term names a clause's text or condition reads (`terms.NAME`)."""
    return set(_READS.findall(text))


def validate_terms(raw: object, declarations: dict[str, TermDeclaration], party_ids: tuple[str, ...],
                   needed: set[str], problem) -> tuple[BaseModel, list]:
    """The deal's terms as the library's model, and the problems found (located through `problem(path,
    message)`): wrong values, unknown names (with a did-you-mean), required terms missing."""
    problems = []
    data = raw if isinstance(raw, dict) else {}
    if raw is not None and not isinstance(raw, dict):
        problems.append(problem(("terms",), "terms is a mapping of NAME: value"))
    for key in sorted(set(data) - set(declarations), key=str):
        guess = difflib.get_close_matches(str(key), list(declarations), n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else (
            f"; the library declares {', '.join(sorted(declarations))}" if declarations else
            "; the library declares no terms")
        problems.append(problem(("terms", key), f"unknown term '{key}'{hint}"))
    known = {k: v for k, v in data.items() if k in declarations}
    for name in sorted(declarations):
        decl = declarations[name]
        if known.get(name) is None and decl.default is None and (decl.required or name in needed):
            why = "required by the library" if decl.required else "read by a clause this deal selects"
            problems.append(problem(("terms", name), f"missing: {why} ({decl.description or decl.type})"))
    model = terms_model(declarations, party_ids)
    values: dict[str, Any] = {}
    wrong = False
    for name, decl in declarations.items():  # the model's order of fields, and so of its errors
        if known.get(name) is None:
            continue
        base, is_list = split_type(decl.type)
        given = known[name] if is_list and isinstance(known[name], list) else [known[name]]
        if (base in ("int", "decimal", "money", "percent") or base in _COUNTS) and \
                any(isinstance(v, bool) for v in given):  # pydantic would read true as 1
            wrong = True
            problems.append(problem(("terms", name), f"must be a number, not {str(known[name]).lower()}"))
            continue
        try:
            values[name] = _validator(_shape(decl, party_ids)).validate_python(known[name])
        except ValidationError as exc:
            wrong = True
            for err in exc.errors():
                problems.append(problem(("terms", name, *err["loc"]), _message(err)))
    if wrong:
        value = model.model_construct() if not any(d.required for d in declarations.values()) else None
    else:
        value = model.model_construct(**values)  # validated above; the others take their defaults
    return value, problems


def _message(err: dict) -> str:
    from termsmith.deal.messages import humane  # the words the deal's own fields use for the same mistake

    if (said := humane(err, ("terms", *err["loc"]))) is not None:
        return said
    return f"{err['msg']} (got {err.get('input')!r})"


def declaration_problems(raw: object, core_sections: set[str]) -> list[tuple[tuple, str]]:
    """(path under `terms`, message) for each declaration library.yaml gets wrong."""
    out: list[tuple[tuple, str]] = []
    if raw is None:
        return out
    if not isinstance(raw, dict):
        return [((), "terms is a mapping of NAME: declaration")]
    for name, decl in raw.items():
        if not isinstance(name, str) or not re.match(TERM_NAME, name):
            out.append(((name,), "a term's name is snake_case: lower-case letters, digits and '_'"))
        elif name in core_sections:
            out.append(((name,), f"'{name}' is a core section of the deal; choose another name"))
        try:
            TermDeclaration.model_validate(decl)
        except ValidationError as exc:
            for err in exc.errors():
                out.append(((name, *err["loc"]), err["msg"].removeprefix("Value error, ")))
    return out


def declarations_of(raw: object) -> dict[str, TermDeclaration]:
    return {name: TermDeclaration.model_validate(decl) for name, decl in (raw or {}).items()}
