"""What the agreement is and who makes it: the deal's own facts, its parties and its term."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from termsmith.deal.model.base import Days, DealKind, Months, Name, Slug, Spec, Text, filled


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def _portable_file_name(value: str) -> str:
    """A deal id names its output files: refuse what Windows cannot store (con, nul, lpt1, a trailing dot)."""
    if value.endswith("."):
        raise ValueError("must not end with '.': output files are named after it, and Windows drops the dot")
    if value.split(".")[0] in _WINDOWS_RESERVED:
        raise ValueError(f"'{value}' cannot name a file on Windows; choose another id")
    return value


class DealInfo(Spec):
    """What the agreement is: its identity, kind, date, law and purpose."""

    id: Annotated[
        str,
        StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$"),
        AfterValidator(_portable_file_name),
        Field(description="Stable identifier of the deal; output files are named after it."),
    ]
    title: Name = Field(description="Title printed on the cover, e.g. 'Technology Partnership Agreement'.")
    kind: DealKind = Field(
        description="The kind of partnership; selects the scope article."
    )
    effective_date: dt.date = Field(
        ge=dt.date(1900, 1, 1), le=dt.date(2199, 12, 31),  # the dates clause text derives from it stay in range
        description="The date the agreement takes effect (YYYY-MM-DD), between 1900 and 2199.",
    )
    governing_law: Name = Field(description=(
        "The law that governs the agreement, e.g. 'England and Wales', 'Ireland', 'the Netherlands', 'Germany', "
        "'Singapore', 'New York', 'Delaware', 'California'. It chooses the legal system the draft follows: its "
        "spelling and terms, courts, paper and date style (`termsmith check` lists those the library offers)."))
    legal_system: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")] | None = Field(
        default=None, description=(
            "The id of the library's legal system to draft under, when governing_law does not name one the "
            "library knows (e.g. new-york, england-wales); default: the one governing_law names."))
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")] | None = Field(
        default=None, description=(
            "Document language and locale for dates and numbers, e.g. en-GB, en-US; default: the legal system's "
            "(en-US for US law, en-GB for English law). The library must have clause text in the language."))
    text_language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")] | None = Field(
        default=None, description=(
            "The language of the clause text, when it differs from `language`: e.g. `en` with `language: de-DE` "
            "asks for English text with German dates and numbers."))
    purpose: Text = Field(description="Why the parties partner; becomes the recital and the Purpose definition.")
    status: Literal["draft", "final"] = Field(
        default="draft",
        description="draft: every page is marked with the library's draft status ('Draft \u2014 subject to "
                    "contract'); final: the agreement as it is to be signed, without that marking.")


class Signatory(Spec):
    """The person who signs for a party."""

    name: Name = Field(description="Full name of the signatory.")
    title: Name = Field(description="Job title of the signatory.")


class Party(Spec):
    """A party to the agreement."""

    id: Slug = Field(description="Identifier used everywhere else in the deal file to refer to this party.")
    name: Name = Field(description="Full legal name.")
    short_name: Name = Field(description="The name the agreement uses for the party, e.g. 'Acme'.")
    jurisdiction: Name = Field(description="Where the party is incorporated.")
    registration: Name | None = Field(default=None, description="Company registration number.")
    entity_type: Name | None = Field(default=None, description=(
        "The kind of legal entity, as the agreement names it ('corporation', 'limited liability company', "
        "'limited liability partnership', 'public limited company'); left out, it follows from the name's suffix "
        "(Inc./Corp., LLC, LLP, LP) or is 'company'."))
    address: Text = Field(description="Registered office address.")
    notices_email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = Field(
        default=None, description="E-mail address for notices under the agreement."
    )
    signatory: Signatory = Field(description="Who signs for the party.")

    @property
    def legal_form(self) -> str:
        """What the parties clause calls the party: its entity_type, else the form its name's suffix shows
        (an LLC is not a company, an LLP is a partnership), else 'company'."""
        if self.entity_type:
            return self.entity_type
        last = self.name.rstrip().rsplit(" ", 1)[-1].lower().rstrip(".,").replace(".", "")
        return _FORMS.get(last, "company")


# The legal-name suffixes that say what kind of entity a party is, when the deal does not (entity_type).
_FORMS = {"inc": "corporation", "incorporated": "corporation", "corp": "corporation", "corporation": "corporation",
          "llc": "limited liability company", "llp": "limited liability partnership", "lp": "limited partnership"}


class Term(Spec):
    """How long the agreement runs and whether it renews."""

    initial_months: Months = Field(description="Length of the initial term in months.")
    renewal: Literal["automatic", "by_agreement", "none"] = Field(
        description="automatic: renews unless notice is given; by_agreement: only if the parties agree; none."
    )
    renewal_months: Months | None = Field(
        default=None, description="Length of each renewal period (only with renewal: automatic; default 12)."
    )
    non_renewal_notice_days: Days | None = Field(
        default=None, description="Notice needed to stop a renewal (only with renewal: automatic; default 90)."
    )

    @model_validator(mode="before")
    @classmethod
    def _automatic_renewal_defaults(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("renewal") == "automatic":
            data = filled(data, renewal_months=12, non_renewal_notice_days=90)
        return data
