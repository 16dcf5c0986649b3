"""Service levels: the metrics, their Service Credits and chronic failure."""

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from termsmith.deal.model.base import Cadence, Days, Name, PartyId, Percent, Slug, Spec, Text


class CreditTier(Spec):
    """A service credit owed when performance crosses a threshold."""

    below: float | None = Field(default=None, description="Credit applies when the measured value is below this.")
    above: float | None = Field(default=None, description="Credit applies when the measured value is above this.")
    credit_percent: Percent = Field(description="Credit as a percentage of the charges paid for the service in the measurement period (used only where another party pays the provider for it).")

    @model_validator(mode="after")
    def _one_threshold(self) -> Self:
        if (self.below is None) == (self.above is None):
            raise ValueError("give exactly one of `below` or `above`")
        return self


class Metric(Spec):
    """A service level metric."""

    id: Slug = Field(description="Identifier of the metric.")
    provider: PartyId = Field(description="Party that must meet the service level.")
    description: Text = Field(description="What is measured.")
    target: Annotated[float, Field(gt=0)] = Field(description="The target value.")
    unit: Literal["percent", "minutes", "hours", "business_hours", "days", "business_days"] = Field(
        description="Unit of the target; percent targets are minimums, time targets are maximums."
    )
    credits: list[CreditTier] = Field(default_factory=list, description="Service credit tiers, if any.")

    @property
    def higher_is_better(self) -> bool:
        return self.unit == "percent"


class ChronicFailure(Spec):
    """When repeated service level failures give a right to terminate, and the steps before it."""

    failures: Annotated[int, Field(ge=1, le=12)] = Field(
        default=2, description="Serious failures of the same Service Level that make a chronic failure...")
    periods: Annotated[int, Field(ge=1, le=12)] = Field(
        default=3, description="...within this many consecutive measurement periods.")
    serious_shortfall_points: Annotated[float, Field(gt=0, le=100)] = Field(
        default=0.5, description="A percentage Service Level failure is serious when the result is more than this "
                                 "many percentage points below the target.")
    serious_miss_percent: Annotated[float, Field(gt=0, le=100)] = Field(
        default=10, description="A time Service Level failure is serious when more than this percentage of the "
                                "incidents or requests in the period missed the target.")
    cure_days: Days = Field(
        default=30, description="Days after notice of a chronic failure that the provider has to remedy it before "
                                "the termination right arises.")


class Slas(Spec):
    """Service levels, reporting and service credits."""

    measurement_period: Literal["monthly", "quarterly"] = Field(description="Period over which metrics are measured.")
    reporting: Cadence = Field(description="How often service level reports are delivered.")
    support_hours: Name = Field(description="Support coverage, e.g. '24x7' or 'Business Days 09:00-17:00 CET'.")
    service_credit_cap_percent: Percent = Field(description="Maximum service credits in a period, as a percentage of those charges.")
    metrics: list[Metric] = Field(min_length=1, description="The metrics.")
    remedy_plan_business_days: Annotated[int, Field(gt=0, le=60)] = Field(
        default=10, description="Business Days after a missed Service Level within which the provider gives a remedy plan.")
    chronic_failure: ChronicFailure = Field(
        default_factory=dict, validate_default=True, description="Repeated serious failures: threshold, notice and cure.")
