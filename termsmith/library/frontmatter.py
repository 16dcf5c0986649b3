"""The schema of clause front matter and library.yaml, as pydantic models.

`FrontMatter` is the one declaration of a clause file's header: it checks the file when the library is
read, and each loaded Clause holds it (`Clause.meta`).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
ClauseId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$")]
SectionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
# A line of library text printed in documents and terminals: no control characters, a sensible length.
_PRINTABLE = r"^[^\x00-\x1f\x7f-\x9f]*$"
Line = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_PRINTABLE)]


def _semver(value: str) -> str:
    if not _SEMVER.match(str(value)):
        raise ValueError(f"'{value}' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0)")
    return str(value)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrontMatter(_Strict):
    """The header of a clause file."""

    id: ClauseId = Field(description="Unique id, '<area>.<name>'.")
    version: str = Field(description="Semantic version of the clause text.")
    title: Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=_PRINTABLE)]
    area: SectionId = Field(description="The section (article or schedule) the clause belongs to.")
    order: int = Field(description="Position in the section.")
    when: str | None = Field(default=None, description="Condition under which the clause applies.")
    changelog: Annotated[str, StringConstraints(min_length=1)] = Field(description="What this version changed.")
    defines: dict[str, str] = Field(default_factory=dict, description="Defined terms this clause brings.")
    heading: bool = Field(default=True, description="Print the title run-in before the text.")

    _check_version = field_validator("version", mode="before")(classmethod(lambda cls, v: _semver(v)))


class HouseStyleModel(_Strict):
    numbers: Literal["figures", "words"] = "figures"
    draft_status: Annotated[str, StringConstraints(max_length=80, pattern=_PRINTABLE)] = Field(
        default="Draft \u2014 subject to contract",
        description="The marking in every footer of a draft until the deal says it is final ('' for none).")


class SectionModel(_Strict):
    """An article, schedule or the signature page, in the order of the agreement."""

    id: SectionId
    title: Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=_PRINTABLE)]
    kind: Literal["article", "schedule", "signatures"] = "article"


class ManifestModel(_Strict):
    """library.yaml."""

    name: Line
    version: str
    owner: Line
    house_style: HouseStyleModel = Field(default_factory=HouseStyleModel)
    proper_nouns: list[Line] = Field(default_factory=list, description="Capitalised phrases that are not defined terms.")
    sections: list[SectionModel] = Field(min_length=1)
    terms: dict = Field(default_factory=dict, description="Deal terms the library declares (see library/terms.py).")

    _check_version = field_validator("version", mode="before")(classmethod(lambda cls, v: _semver(v)))
