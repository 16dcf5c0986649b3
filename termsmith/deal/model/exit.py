"""How the partnership ends: termination rights, change of control, transition and what survives."""

from typing import Annotated, Literal

from pydantic import Field, model_validator

from termsmith.deal.model.base import Days, Percent, Spec, filled


class ConvenienceTermination(Spec):
    """Termination without cause."""

    allowed: bool = Field(description="Whether a party may terminate for convenience.")
    notice_days: Days | None = Field(default=None, description="Notice needed (required when allowed).")
    earliest_after_months: Annotated[int, Field(ge=0, le=240)] = Field(
        default=0, description="Months after the effective date before notice may take effect."
    )


class CauseTermination(Spec):
    """Termination for material breach."""

    cure_days: Days = Field(default=30, description="Days the party in breach has to cure it.")


class ChangeOfControl(Spec):
    """Termination when a party changes hands."""

    terminable: bool = Field(description="Whether a change of control lets the other parties terminate.")
    notice_days: Days | None = Field(default=None, description="Notice for that termination (default 60).")

    @model_validator(mode="before")
    @classmethod
    def _default_notice(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("terminable") is True:
            data = filled(data, notice_days=60)
        return data


class Transition(Spec):
    """Assistance when the agreement ends."""

    assistance_months: Annotated[int, Field(ge=0, le=60)] = Field(description="Months of transition assistance.")
    data_return_days: Days = Field(default=30, description="Days after termination to return data.")
    data_deletion_certificate: bool = Field(default=True, description="Whether deletion is certified in writing.")
    customer_migration: bool = Field(default=False, description="Whether customers are migrated to a successor.")
    fees: Literal["none", "cost_plus", "fixed"] = Field(default="none", description="How assistance is paid.")
    fixed_fee: Annotated[float, Field(gt=0)] | None = Field(
        default=None, description="The fixed fee, in the budget currency (with fees: fixed)."
    )
    cost_plus_margin_percent: Percent = Field(default=10, description="Margin on costs (with fees: cost_plus).")


class PostTermination(Spec):
    """Obligations that run after the agreement ends."""

    existing_customer_support_months: Annotated[int, Field(gt=0, le=120)] | None = Field(
        default=None, description="Months existing customers keep being supported."
    )
    non_solicitation_months: Annotated[int, Field(gt=0, le=60)] | None = Field(
        default=None, description="Months after the end during which staff may not be solicited (under German law "
        "at most 24: German courts uphold no longer period between businesses, and the library refuses one)."
    )


SurvivingTopic = Literal[
    "confidentiality", "liability", "intellectual_property", "data_return", "non_solicitation",
    "dispute_resolution", "payment",
]


class Exit(Spec):
    """How the partnership ends and what happens then."""

    termination_for_convenience: ConvenienceTermination = Field(
        default_factory=lambda: {"allowed": False}, validate_default=True,
        description="Whether and how a party may end the agreement without cause (default: not allowed).")
    termination_for_cause: CauseTermination = Field(
        default_factory=dict, validate_default=True, description="Termination for material breach (default cure period 30 days).")
    insolvency: bool = Field(default=True, description="Whether insolvency of a party lets the others terminate.")
    change_of_control: ChangeOfControl = Field(
        default_factory=lambda: {"terminable": False}, validate_default=True,
        description="Whether a change of control of a party lets the others terminate (default: no).")
    transition: Transition = Field(description="Transition assistance and data return.")
    survival: list[SurvivingTopic] = Field(
        default_factory=lambda: ["confidentiality", "liability", "intellectual_property", "data_return"],
        description=(
            "The topics the survival clause lists first, in this order. The standard library's clause then lists "
            "every other topic the agreement contains: each stays in force after the end whatever this list says "
            "(their own clauses run after it, e.g. confidentiality for its stated years), so this list orders the "
            "topics and cannot remove one. Listing intellectual_property also makes the wind-down of licences say "
            "that the surviving Intellectual Property provisions continue to apply."),
    )
    post_termination: PostTermination = Field(
        default_factory=dict, validate_default=True, description="Support for existing customers and non-solicitation after the end.")
