"""The schema of clause front matter and library.yaml, as pydantic models.

`FrontMatter` is the one declaration of a clause file's header: it checks the file when the library is
read, and each loaded Clause holds it (`Clause.meta`).
"""


import re
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from termsmith.deal.model import DealKind

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
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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
    titles: dict[DealKind, Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=_PRINTABLE)]] = Field(
        default_factory=dict, description="The title for deals of a kind (deal.kind), where `title` would read wrong.")

    def title_for(self, deal_kind: str | None) -> str:
        """The title a deal of this kind prints (`titles`), else `title`."""
        return self.titles.get(deal_kind, self.title) if deal_kind else self.title

    _check_version = field_validator("version", mode="before")(classmethod(lambda cls, v: _semver(v)))


Word = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Phrase = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Paper = Literal["A4", "Letter"]
Locale = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]


class StyleModel(_Strict):
    """A house style for a family of legal systems: paper, date style, and the spelling and terms of its law."""

    paper: Paper = Field(default="A4", description="Page size of the Word draft.")
    locale: Locale = Field(default="en-GB", description="How dates and numbers are written when the deal gives no language.")
    replace: dict[Phrase, Annotated[str, StringConstraints(max_length=200)]] = Field(
        default_factory=dict,
        description="Words and phrases of the clause text (as the library writes them) and what this style writes instead.")
    words: dict[Word, Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=_PRINTABLE)]] = Field(
        default_factory=dict,
        description="Words around the clauses (keys of languages.*.words) this style writes otherwise, e.g. dated: Dated as of.")

    @field_validator("words")
    @classmethod
    def _known_words(cls, words: dict[str, str]) -> dict[str, str]:
        from termsmith.draft.document import DEFAULT_WORDS

        unknown = [key for key in words if key not in DEFAULT_WORDS]
        if unknown:
            raise ValueError(f"unknown: {', '.join(unknown)} (the words are {', '.join(DEFAULT_WORDS)})")
        return words


class HouseStyleModel(_Strict):
    numbers: Literal["figures", "words"] = "figures"
    draft_status: Annotated[str, StringConstraints(max_length=80, pattern=_PRINTABLE)] = Field(
        default="Draft \u2014 subject to contract",
        description="The marking in every footer of a draft until the deal says it is final ('' for none).")
    base: Word | None = Field(default=None, description="The style the clause text itself is written in.")
    shared_words: list[Word] = Field(default_factory=list, description=(
        "Words another style writes that are also right in the base style (lint does not warn about them)."))
    styles: dict[Word, StyleModel] = Field(default_factory=dict, description="House styles, by name.")


Fact = str | bool | list[str]


class LegalSystemModel(BaseModel):
    """A legal system the library drafts for. Keys other than the fields below are facts clause text reads
    (`legal_system.courts`); each is a string, a yes/no or a list of strings."""

    model_config = ConfigDict(extra="allow", frozen=True, defer_build=True)

    name: Phrase = Field(description="The system as the governing-law clause names it, e.g. 'England and Wales'.")
    aliases: list[Phrase] = Field(default_factory=list, description="Other ways a deal's governing_law names it.")
    style: Word = Field(description="The house style (under house_style.styles) it is drafted in.")
    locale: Locale | None = Field(default=None, description="Its date and number style, if not the style's.")
    replace: dict[Phrase, Annotated[str, StringConstraints(max_length=200)]] = Field(
        default_factory=dict, description="Terms of this system's law, applied after its style's.")

    def facts(self) -> dict[str, Fact]:
        out = {}
        for key, value in (self.model_extra or {}).items():
            if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
                raise ValueError(f"fact '{key}': a name of lower-case letters, digits and '_'")
            if not (isinstance(value, (str, bool)) or (isinstance(value, list) and all(isinstance(v, str) for v in value))):
                raise ValueError(f"fact '{key}': a string, a yes/no or a list of strings")
            out[key] = tuple(value) if isinstance(value, list) else value
        return out


class LanguageModel(_Strict):
    """A language the clause text is written in, and the words termsmith prints around the clauses in it."""

    name: Word
    words: dict[Word, Annotated[str, StringConstraints(max_length=80)]] = Field(
        description="Cover and execution words: between, and, dated, contents, signed_by, signed_for, name, "
                    "title, date, signature, page, of.")

    @field_validator("words")
    @classmethod
    def _every_word(cls, words: dict[str, str]) -> dict[str, str]:
        from termsmith.draft.document import DEFAULT_WORDS

        missing = [key for key in DEFAULT_WORDS if key not in words]
        unknown = [key for key in words if key not in DEFAULT_WORDS]
        if missing or unknown:
            raise ValueError("; ".join(filter(None, [missing and f"missing: {', '.join(missing)}",
                                                     unknown and f"unknown: {', '.join(unknown)}"])))
        return words


class SectionModel(_Strict):
    """An article, schedule or the signature page, in the order of the agreement."""

    id: SectionId
    title: Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=_PRINTABLE)]
    kind: Literal["article", "schedule", "signatures"] = "article"
    titles: dict[DealKind, Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=_PRINTABLE)]] = Field(
        default_factory=dict, description="The title for deals of a kind (deal.kind), where `title` would read wrong.")


class ManifestModel(_Strict):
    """library.yaml."""

    name: Line
    version: str
    drafts_deals_for: list[str] = Field(default_factory=list, description=(
        "Earlier library versions whose deals this version drafts without a change to the deal file, although its "
        "wording differs: a deal whose `library.require` admits one of them drafts, with a warning to read the "
        "redline (e.g. ['1.0.0'] in a 2.0.0 that reworded clauses but kept every deal field's meaning)."))
    owner: Line
    house_style: HouseStyleModel = Field(default_factory=HouseStyleModel)
    proper_nouns: list[Line] = Field(default_factory=list, description="Capitalised phrases that are not defined terms.")
    sections: list[SectionModel] = Field(min_length=1)
    terms: dict = Field(default_factory=dict, description="Deal terms the library declares (see library/terms.py).")
    rules: list = Field(default_factory=list, description="Business rules over the deal and its terms (library/rules.py).")
    languages: dict[Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")], LanguageModel] = Field(
        default_factory=dict, description="Languages the clause text is written in (default: English only).")
    legal_systems: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")], LegalSystemModel] = Field(
        default_factory=dict, description="Legal systems the library drafts for, by id.")
    reference_rates: dict[Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")], Line] = Field(
        default_factory=dict, description=(
            "For a currency (ISO 4217 code), the published interest rate that a late-payment margin the deal states "
            "is added to, as clause text names it (e.g. GBP: the Bank of England's Bank Rate); clause text says "
            "what applies to a currency not listed."))

    @model_validator(mode="after")
    def _styles_exist(self) -> Self:
        for system_id, system in self.legal_systems.items():
            if system.style not in self.house_style.styles:
                raise ValueError(f"legal_systems.{system_id}.style: '{system.style}' is not under house_style.styles")
            system.facts()
        facts = {system_id: set(system.facts()) for system_id, system in self.legal_systems.items()}
        every = set().union(*facts.values()) if facts else set()
        for system_id, names in facts.items():
            if names != every:
                raise ValueError(f"legal_systems.{system_id} lacks the facts {', '.join(sorted(every - names))} "
                                 "that other systems give (give \"\" where the system has none)")
        if self.house_style.base is not None and self.house_style.base not in self.house_style.styles:
            raise ValueError(f"house_style.base: '{self.house_style.base}' is not under house_style.styles")
        return self

    _check_version = field_validator("version", mode="before")(classmethod(lambda cls, v: _semver(v)))

    @field_validator("drafts_deals_for", mode="before")
    @classmethod
    def _earlier_versions(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, list):
            return value
        from packaging.version import Version

        current = info.data.get("version")
        for v in value:
            _semver(v)
            if current and Version(str(v)) >= Version(current):
                raise ValueError(f"'{v}' is not earlier than the library's version {current}")
        return [str(v) for v in value]
