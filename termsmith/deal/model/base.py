"""The building blocks every section of the deal model shares: the base class and the constrained types."""

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from termsmith.deal.fields import PARTY_REFERENCE


def one_line(value: str) -> str:
    """A name is printed where the draft expects one line (a cover line, a signature block, a table cell)."""
    if any(char in value for char in "\n\r\v\f\x85\u2028\u2029"):
        raise ValueError("must be on one line: a line break here would break the draft's layout")
    return value


Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$"),
    Field(description="A short identifier: lower-case letters, digits, '-' and '_'."),
]
PartyId = Annotated[str, Field(description="The `id` of a party declared under `parties`."), PARTY_REFERENCE]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(one_line)]
Days = Annotated[int, Field(gt=0, le=3650, description="A number of calendar days.")]
Months = Annotated[int, Field(gt=0, le=240, description="A number of months.")]
Percent = Annotated[float, Field(ge=0, le=100, description="A percentage from 0 to 100.")]
Cadence = Literal["monthly", "quarterly", "semi_annual", "annual"]


class Spec(BaseModel):
    """Base for every part of the deal: unknown fields are errors, values never change."""

    # Built when the first deal is validated, not at import: the parts are then built once, inside the Deal,
    # instead of once each and again inside it.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


DealKind = Literal["technology", "reseller", "strategic_alliance", "joint_venture", "managed_service"]


def filled(data: dict, **defaults: object) -> dict:
    """`data` with each default where the field is missing or null (`renewal_months: ~` says "not stated", as
    leaving it out does, so the default the description names applies)."""
    return {**data, **{name: value for name, value in defaults.items() if data.get(name) is None}}
