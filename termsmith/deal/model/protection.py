"""Risk and data: the liability cap, the options every deal has, and personal data flows."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from termsmith.deal.model.base import PartyId, Spec, Text


CapBasis = Literal["amounts_paid", "budget_share"]
CapTopic = Literal["confidentiality", "data_protection", "indemnities"]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class IncreasedCap(Spec):
    """A higher cap (a super-cap) for the claims most likely to exceed the general cap."""

    multiple: Annotated[float, Field(gt=0, le=20)] | None = Field(
        default=None, description="The increased cap as a multiple of the same basis as the general cap.")
    fixed_amount: Annotated[float, Field(gt=0, lt=1e15)] | None = Field(
        default=None, description="The increased cap as a fixed amount (with `multiple`: the greater of the two).")
    claims: list[CapTopic] = Field(
        default_factory=lambda: ["confidentiality", "data_protection"],
        description="The claims the increased cap applies to instead of the general cap.")


class LiabilityCap(Spec):
    """Cap on each party's liability: a multiple of a basis, a fixed amount, or the greater of the two."""

    multiple_of_annual_fees: Annotated[float, Field(gt=0, le=10)] | None = Field(
        default=1.0, description="Cap as a multiple of `basis` over 12 months; give null with a fixed amount alone.")
    basis: CapBasis | None = Field(
        default=None,
        description="What the multiple is taken of: amounts_paid (all amounts paid and payable between the parties "
                    "in the 12 months before the claim) or budget_share (the party's share of the Budget for 12 "
                    "months); default: amounts_paid when money flows between the parties, else budget_share.")
    fixed_amount: Annotated[float, Field(gt=0, lt=1e15)] | None = Field(
        default=None, description="A fixed cap; with a multiple, the cap is the greater of the two.")
    currency: Currency | None = Field(
        default=None, description="Currency of the fixed amounts (default: the budget currency, else the currency of the "
                                   "payments; required with neither).")
    increased: IncreasedCap | None = Field(
        default=None, description="An increased cap for data protection and confidentiality claims (a super-cap).")
    unlimited: list[CapTopic] | None = Field(
        default=None,
        description="Claims not limited at all, besides those the law does not let a party limit; default: "
                    "indemnities, and confidentiality unless the increased cap covers it.")

    @property
    def unlimited_claims(self) -> list[str]:
        """The claims not limited at all, the default applied."""
        if self.unlimited is not None:
            return list(self.unlimited)
        increased = self.increased.claims if self.increased else []
        return [t for t in ("confidentiality", "indemnities") if t not in increased]


class Options(Spec):
    """Standard terms with adjustable values."""

    confidentiality_years: Annotated[int, Field(gt=0, le=25)] = Field(
        default=5, description="Years confidentiality lasts after the agreement ends."
    )
    liability_cap: LiabilityCap = Field(
        default_factory=dict, validate_default=True, description="The liability cap (default: 1 x the amounts paid between the parties, or the Budget share).")
    personal_data: Literal["none", "independent_controllers", "processor"] | None = Field(
        default=None,
        description=(
            "How personal data is shared, for the whole agreement: none (not at all), independent_controllers or "
            "processor. Left out: the roles are those `data_protection.flows` states; with no flows either, the "
            "draft says that no party processes personal data for another and that roles must be agreed in "
            "writing before any personal data is shared (roles are never assumed)."),
    )
    health_data: bool = Field(default=False, description=(
        "Whether personal data concerning health is shared or processed (under US law: protected health "
        "information, which needs a HIPAA business associate agreement)."))


DataRole = Literal["controller_to_processor", "independent_controllers", "joint_controllers"]


class DataFlow(Spec):
    """One flow of personal data from one party to another, and the roles the two parties take for it."""

    data: Text = Field(description=(
        "The personal data concerned, as a noun phrase, e.g. 'personal data of the users of the combined offering "
        "held on the Acme platform'."))
    from_: PartyId = Field(alias="from", description=(
        "The party the data comes from: the controller when the recipient is its processor."))
    to: PartyId = Field(description="The party that receives the data or is given access to it.")
    role: DataRole = Field(description=(
        "controller_to_processor: the recipient processes the data only on behalf of the other party (processor "
        "terms are drafted); independent_controllers: the recipient uses it for its own purposes under its own "
        "responsibility; joint_controllers: the two parties decide the purposes and means of the processing "
        "together (a joint controller arrangement is drafted). The draft uses the words of its legal system "
        "(e.g. data intermediary under the PDPA, service provider under US state laws)."))
    purpose: Text | None = Field(default=None, description=(
        "What the recipient processes the data for, to follow 'to', e.g. 'host and support the combined offering' "
        "(required for controller_to_processor and joint_controllers)."))
    subjects: Text | None = Field(default=None, description=(
        "Whose personal data it is, as a noun phrase, e.g. 'employees and end users of customers' (required for "
        "controller_to_processor)."))


class DataProtection(Spec):
    """Who takes which role for the personal data the parties share, one entry per data flow."""

    flows: list[DataFlow] = Field(min_length=1, max_length=50, description=(
        "Each flow of personal data between two parties and the roles they take for it. Personal data not listed "
        "may be shared only after the parties concerned agree its roles in writing."))

    @property
    def roles(self) -> list[str]:
        """The roles the flows use, each once, in the order first used."""
        return list(dict.fromkeys(flow.role for flow in self.flows))

    @property
    def processor_flows(self) -> list[DataFlow]:
        return [flow for flow in self.flows if flow.role == "controller_to_processor"]

    @property
    def joint_flows(self) -> list[DataFlow]:
        return [flow for flow in self.flows if flow.role == "joint_controllers"]

    @property
    def independent_flows(self) -> list[DataFlow]:
        return [flow for flow in self.flows if flow.role == "independent_controllers"]
