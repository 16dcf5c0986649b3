"""Business rules a clause library declares (`rules:` in library.yaml), next to the deal terms it declares.

Why: a term the library declares (library/terms.py) is validated on its own, by type and bounds; a rule
compares it with other terms or with core deal fields, in the same sandboxed expressions clause conditions
use (`terms.breach_notice_hours <= 72`), so counsel ship a rule in the same pull request as the term.
A broken rule is an error in the deal file at the field it names: one located line, as for core rules.
"""


import re
from typing import Literal

from jinja2 import Environment, TemplateSyntaxError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\.([a-z_][a-z0-9_]*|[0-9]+))*$")


class Rule(BaseModel):
    """One entry of library.yaml `rules:`."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first validated

    require: str = Field(description="An expression over the deal (core fields and terms.NAME) that must be true.")
    when: str | None = Field(default=None, description="The rule applies only when this expression is true.")
    field: str = Field(description="The deal field the message is about (dotted, e.g. terms.breach_notice_hours).")
    message: str = Field(min_length=1, max_length=500, description="What is wrong, in words a deal's author reads.")
    severity: Literal["error", "warning"] = Field(
        default="error", description="error: the deal cannot be drafted; warning: `check` and the reviewer notes say it.")

    @field_validator("require", "when")
    @classmethod
    def _expression(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Environment().parse("{{ (" + value + ") }}")
            except TemplateSyntaxError as exc:
                raise ValueError(f"not a valid expression: {exc.message}") from None
        return value

    @field_validator("field")
    @classmethod
    def _path(cls, value: str) -> str:
        if not _PATH.match(value):
            raise ValueError("a dotted field path such as terms.breach_notice_hours or slas.metrics.0.target")
        return value

    def path(self) -> tuple:
        """The field as a path into the deal file: ('slas', 'metrics', 0, 'target')."""
        return tuple(int(part) if part.isdigit() else part for part in self.field.split("."))


def rule_problems(raw: object) -> list[tuple[tuple, str]]:
    """(path under `rules`, message) for each rule library.yaml gets wrong."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        return [((), "rules is a list of {require, field, message} entries")]
    out: list[tuple[tuple, str]] = []
    for i, entry in enumerate(raw):
        try:
            Rule.model_validate(entry)
        except ValidationError as exc:
            out += [((i, *err["loc"]), err["msg"].removeprefix("Value error, ")) for err in exc.errors()]
    return out


def rules_of(raw: object) -> tuple[Rule, ...]:
    return tuple(Rule.model_validate(entry) for entry in (raw or []))
