"""Who does what and how the parties govern the partnership: roles, the steering committee, KPIs."""

from typing import Annotated

from pydantic import Field

from termsmith.deal.model.base import Cadence, Days, Name, PartyId, Spec, Text


class Responsibility(Spec):
    """The duties of one party."""

    party: PartyId
    duties: list[Text] = Field(min_length=1, description="Each duty as one sentence.")


class RaciRow(Spec):
    """One activity of the RACI matrix."""

    activity: Name = Field(description="The activity.")
    responsible: PartyId = Field(description="Party that does the work.")
    accountable: PartyId = Field(description="Party that answers for the result.")
    consulted: list[PartyId] = Field(default_factory=list, description="Parties consulted before decisions.")
    informed: list[PartyId] = Field(default_factory=list, description="Parties kept informed.")


class Roles(Spec):
    """Who does what."""

    alliance_managers: dict[PartyId, Name] = Field(
        default_factory=dict, description="Each party's alliance manager, by party id (its Contract Manager in a "
                                          "managed service agreement)."
    )
    responsibilities: list[Responsibility] = Field(min_length=1, description="Each party's duties.")
    raci: list[RaciRow] | None = Field(default=None, description="Optional RACI matrix (Schedule: roles).")


class SteeringCommittee(Spec):
    """The joint body that oversees the partnership."""

    members_per_party: Annotated[int, Field(ge=1, le=20)] = Field(description="Members each party appoints.")
    meeting_cadence: Cadence = Field(description="How often the committee meets.")


class Kpi(Spec):
    """A key performance indicator."""

    name: Name = Field(description="What is measured.")
    target: Name = Field(description="The target, as it should read in the agreement.")
    owner: PartyId = Field(description="Party responsible for reporting it.")


class CommitteeDeadlock(Spec):
    """What happens when the Steering Committee cannot decide: a business route, separate from legal disputes."""

    executives: dict[PartyId, Name] = Field(
        default_factory=dict,
        description="The executive of each party a deadlock goes to, by job title (default: its chief executive officer).")
    business_days: Annotated[int, Field(gt=0, le=120)] = Field(
        default=20, description="Business Days the executives have to resolve the deadlock.")
    termination_after_months: Annotated[int, Field(gt=0, le=60)] | None = Field(
        default=6, description="Months after the referral after which an unresolved deadlock lets a party terminate "
                               "(null: no such right).")
    termination_notice_days: Days = Field(
        default=90, description="Notice for that termination.")


class Governance(Spec):
    """How the partnership is steered and reviewed."""

    steering_committee: SteeringCommittee | None = Field(default=None, description="Optional steering committee.")
    performance_reviews: Cadence | None = Field(default=None, description="How often performance is reviewed.")
    kpis: list[Kpi] = Field(default_factory=list, description="Key performance indicators.")
    deadlock: CommitteeDeadlock = Field(
        default_factory=dict, validate_default=True, description="How a deadlock of the Steering Committee is resolved (with a committee).")
