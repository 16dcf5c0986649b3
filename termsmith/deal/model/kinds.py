"""What each kind of deal adds (`scope`): reseller, joint venture, managed service, alliance, technology."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from termsmith.deal.model.base import Cadence, Days, Months, Name, PartyId, Percent, Spec, Text


class Vehicle(Spec):
    """A company set up for a joint venture."""

    name: Name = Field(description="Name of the joint venture company.")
    form: Name = Field(default="private limited company", description="Legal form.")
    jurisdiction: Name = Field(description="Where it is incorporated.")
    incorporation_days: Days = Field(
        default=60, description="Days after the effective date by which the parties must have incorporated it, "
                                "unless it already exists.")
    exists: bool = Field(default=False, description="Whether the company already exists when the agreement is signed.")


class ResellerTerms(Spec):
    """Reseller appointment (deal.kind: reseller)."""

    discount_percent: Percent = Field(description="Discount off list price the reseller receives.")
    minimum_annual_commitment: Annotated[float, Field(gt=0)] | None = Field(
        default=None, description="Minimum yearly purchases in the budget currency."
    )
    delivery: Literal["licence_keys", "download", "goods"] = Field(
        default="licence_keys", description="How the products reach customers: licence keys or access credentials "
                                            "the supplier issues, software downloads, or physical goods (title and "
                                            "risk then pass on delivery).")
    order_acceptance_business_days: Annotated[int, Field(gt=0, le=60)] = Field(
        description="Business Days the supplier has to accept or reject an order (silence is acceptance).")
    delivery_business_days: Annotated[int, Field(gt=0, le=120)] = Field(
        description="Business Days after acceptance within which the supplier delivers or issues licence keys.")
    warranty_days: Days = Field(
        description="Days after delivery during which the supplier warrants that the products conform to their "
                    "documentation.")
    sales_reports: Cadence = Field(description="How often the reseller reports its sales of the products.")
    forecasts: Cadence | None = Field(
        default=None, description="How often the reseller gives a non-binding sales forecast; left out: none.")
    returns_days: Days | None = Field(
        default=None, description="Days after delivery within which unsold goods or unused licence keys may be "
                                  "returned for a credit; left out: no returns except for defects.")
    customer_compensation_percent: Annotated[float, Field(gt=0, le=100)] | None = Field(
        default=None, description="If customers are migrated at the end (exit.transition.customer_migration), the "
                                  "compensation the supplier pays the reseller for each customer it takes over, as "
                                  "a percentage of the reseller's net revenue from that customer in the last 12 "
                                  "months, more than 0 (required then: the customers are the reseller's own).")


class Board(Spec):
    """The board of directors of a joint venture company."""

    directors: dict[PartyId, Annotated[int, Field(ge=0, le=10)]] = Field(
        description="How many directors each shareholder appoints (and may remove and replace).")
    chair: PartyId | Literal["rotating"] = Field(
        description="The shareholder that appoints the chair from its directors, or 'rotating': each shareholder in "
                    "turn, for a year at a time, in the order the parties are listed.")
    casting_vote: bool = Field(default=False, description="Whether the chair has a casting vote on a tied board vote.")
    meetings: Cadence = Field(description="How often the board meets at least.")


class CapitalCalls(Spec):
    """Further funding of a joint venture company after the initial contributions."""

    cap: Annotated[float, Field(gt=0, lt=1e15)] = Field(
        description="Most further funding all shareholders together can be called for, in the venture currency.")
    notice_days: Days = Field(description="Days' notice of a capital call before the money is due.")
    on_failure: Literal["dilution", "shareholder_loan", "default"] = Field(
        description="What happens if a shareholder does not fund: dilution (the others may fund its part by "
                    "subscribing for new shares), shareholder_loan (the others may lend its part to the company), or "
                    "default (the failure is a Default Event).")


class ShareTransfers(Spec):
    """Restrictions on transferring shares in a joint venture company."""

    lock_up_months: Annotated[int, Field(ge=0, le=120)] = Field(
        description="Months after the effective date during which no shares may be transferred (0: none).")
    pre_emption: bool = Field(description="Whether other shareholders have a right of first refusal on a transfer.")
    tag_along: bool = Field(description="Whether a sale of a majority lets the other shareholders sell on the same terms.")
    drag_along_percent: Annotated[float, Field(gt=50, le=100)] | None = Field(
        default=None, description="Holders of at least this percentage may require all to sell to a buyer; left out: "
                                  "no drag-along.")


class ShareholderDeadlock(Spec):
    """What happens when the shareholders or the board cannot decide."""

    escalation_days: Days = Field(description="Days the chief executives of the shareholders have to resolve a deadlock.")
    resolution: Literal["russian_roulette", "texas_shoot_out", "winding_up", "status_quo"] = Field(
        description="Then: russian_roulette (one offers a price, the other must buy or sell at it), texas_shoot_out "
                    "(sealed bids, the higher bid buys), winding_up (the company is wound up), or status_quo "
                    "(nothing changes and the matter is not done). Buy-sell mechanisms need two shareholders.")


class JointVentureTerms(Spec):
    """Joint venture structure (deal.kind: joint_venture)."""

    vehicle: Vehicle | None = Field(default=None, description="The company, if the venture is incorporated.")
    arrangement: Literal["cost_sharing", "partnership"] | None = Field(
        default=None, description="Unincorporated venture only (required then): cost_sharing (each party carries on "
                                  "its own business and the parties share costs, and revenue only as Partner "
                                  "Payments, not profits) or partnership (a partnership in law, with its "
                                  "consequences). `termsmith check` explains the choice.")
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        default=None, description="Currency of the cash contributions and capital calls (ISO 4217); default: the "
                                  "budget currency.")
    contributions: dict[PartyId, Text] = Field(
        default_factory=dict, description="What each party contributes in kind (assets, people, rights); cash goes in "
                                          "cash_contributions, never in both.")
    cash_contributions: dict[PartyId, Annotated[float, Field(gt=0, lt=1e15)]] = Field(
        default_factory=dict, description="Cash each party pays the company for its shares (company only); separate "
                                          "from the Budget, which covers the parties' own shared costs.")
    shares: dict[PartyId, Percent] | None = Field(
        default=None, description="Each party's shareholding in the company, or its share of profits and losses in a "
                                  "partnership; default: budget cost shares or equal.")
    board: Board | None = Field(default=None, description="The company's board (required with a vehicle).")
    business_plan: Cadence = Field(
        default="annual", description="How often the company's business plan and budget are adopted.")
    capital_calls: CapitalCalls | None = Field(
        default=None, description="Further funding of the company; left out, no shareholder must fund more than its "
                                  "contributions.")
    transfers: ShareTransfers | None = Field(default=None, description="Share transfer restrictions (required with a vehicle).")
    deadlock: ShareholderDeadlock | None = Field(default=None, description="Deadlock resolution (required with a vehicle).")
    valuation: Literal["fair_value", "net_asset_value"] = Field(
        default="fair_value", description="How shares are valued when they change hands on an exit or a default: "
                                          "fair_value (as a going concern, pro rata, no minority discount) or "
                                          "net_asset_value, as determined by an independent accountant.")
    default_discount_percent: Annotated[float, Field(gt=0, le=100)] | None = Field(
        default=None, description="Discount on the value of a defaulting shareholder's shares when the others buy "
                                  "them, more than 0; left out: no discount.")
    dividend_percent: Percent | None = Field(
        default=None, description="Percentage of each year's distributable profits the company distributes, unless "
                                  "all shareholders agree otherwise; left out: as the shareholders decide each year.")
    conditions: list[Text] = Field(
        default_factory=list, description="Conditions that must be met before the parties must complete, each as a "
                                          "noun phrase, e.g. 'clearance of the joint venture by the Competition "
                                          "Commission of Singapore'.")
    long_stop_months: Months | None = Field(
        default=None, description="Months within which the conditions must be met (required with conditions).")
    may_compete: bool = Field(
        default=False, description="Whether the parties may compete with the joint venture; default: they may not.")
    exit_months: Months = Field(
        default=6, description="Months after the agreement ends for all parties within which the shares are sold or "
                               "the company is put into winding up (company only).")


class RecoveryTargets(Spec):
    """Business continuity and disaster recovery targets of a managed service."""

    rto_hours: Annotated[float, Field(gt=0, le=720)] = Field(description="Recovery time objective in hours.")
    rpo_hours: Annotated[float, Field(ge=0, le=720)] = Field(description="Recovery point objective in hours.")
    test_cadence: Cadence = Field(description="How often the disaster recovery plan is tested.")


class OnboardingMilestone(Spec):
    """A step of the onboarding of a managed service, with its date."""

    milestone: Text = Field(description="What is done by the date, e.g. 'hosting environment built in both data "
                                        "centers'.")
    date: dt.date = Field(description="The date by which it is done (YYYY-MM-DD), on or before the commencement date.")
    responsible: PartyId | None = Field(
        default=None, description="The party that must achieve it; default: the provider of the services.")


class Benchmarking(Spec):
    """The customer's right to have the charges for a managed service compared with the market."""

    benchmarker: Name | None = Field(
        default=None, description="The benchmarker the parties name, e.g. 'Gartner, Inc.'; left out: an independent "
                                  "benchmarker the customer proposes and the provider may not unreasonably refuse.")
    every_months: Annotated[int, Field(ge=6, le=60)] = Field(
        description="How often the charges may be benchmarked: at most once in any period of this many months, and "
                    "not earlier than this many months after the Service Commencement Date.")
    outcome: Literal["reduce", "negotiate"] = Field(
        description="What happens when the charges are above the benchmark range: reduce (they fall to the top of the "
                    "range from the next month) or negotiate (the provider proposes a reduction; if none is agreed, "
                    "the customer may terminate without paying for early termination).")
    max_reduction_percent: Annotated[float, Field(gt=0, le=100)] | None = Field(
        default=None, description="With outcome reduce: the most one benchmark can reduce the charges by, as a "
                                  "percentage of them; left out: no limit.")


class ManagedServiceTerms(Spec):
    """Managed services (deal.kind: managed_service)."""

    services: list[Text] = Field(min_length=1, description="The services provided.")
    locations: list[Name] = Field(default_factory=list, description="Where services may be performed.")
    provider: PartyId | None = Field(
        default=None, description="The party that provides the services; default: the provider of the first service "
                                  "level metric, or the first party.")
    commencement_date: dt.date | None = Field(
        default=None, description="The date the services must start in full (Service Commencement Date), after "
                                  "onboarding; left out: the effective date.")
    acceptance_days: Days | None = Field(
        default=None, description="Days the customer has to test the onboarded services before they are accepted; "
                                  "left out: no acceptance procedure.")
    onboarding: list[OnboardingMilestone] = Field(
        default_factory=list, description="The onboarding milestones up to the commencement date, in date order; "
                                          "they appear in the Service Description schedule. Left out: the provider "
                                          "proposes an onboarding plan.")
    acceptance_criteria: list[Text] = Field(
        default_factory=list, description="What the acceptance tests check (with acceptance_days), each as a "
                                          "sentence; left out: that the services work as described and meet the "
                                          "service levels.")
    security_standard: Name | None = Field(
        default=None, description="The information security standard the provider must meet and stay certified "
                                  "against, e.g. 'ISO/IEC 27001:2022' or 'SOC 2 Type II'.")
    recovery: RecoveryTargets | None = Field(
        default=None, description="Business continuity and disaster recovery targets; left out: a plan without "
                                  "stated targets.")
    step_in: bool = Field(default=False, description="Whether the customer may step in when the services fail seriously.")
    us_health_data: bool = Field(
        default=False, description="Whether the provider handles protected health information of the customer under "
                                   "US law (HIPAA business associate terms are then added).")
    benchmarking: Benchmarking | None = Field(
        default=None, description="The customer's right to have the charges benchmarked; left out: none.")


class AllianceTerms(Spec):
    """Strategic alliance: competition-law safeguards and co-marketing (deal.kind: strategic_alliance)."""

    competitors: bool = Field(
        default=True, description="Whether the parties are actual or potential competitors (competition-law "
                                  "safeguards for exchanging information then apply in full).")
    clean_team: bool = Field(
        default=False, description="Whether competitively sensitive information may be shared, only within a clean "
                                   "team of named individuals who take no pricing or sales decisions.")
    material_approval_business_days: Annotated[int, Field(gt=0, le=60)] = Field(
        description="Business Days a trade mark owner has to approve or reject marketing material showing its marks.")
    brand_cure_days: Annotated[int, Field(gt=0, le=90)] = Field(
        description="Days a party has to cure a misuse of the other's trade marks after notice.")


class Escrow(Spec):
    """Source code escrow for a technology partner's engine."""

    depositor: PartyId = Field(description="The party whose source code is deposited.")
    agent: Name = Field(description="The escrow agent, e.g. 'NCC Group Escrow Limited'.")
    deposit_days: Days = Field(description="Days after the effective date by which the first deposit is made.")


class TechnologyTerms(Spec):
    """Technology partnership details (deal.kind: technology)."""

    deprecation_notice_months: Months | None = Field(
        default=None, description="Months a party keeps an interface the integration uses working after announcing "
                                  "its withdrawal; left out: the notice of technology changes applies.")
    escrow: Escrow | None = Field(default=None, description="Optional source code escrow.")


class Scope(Spec):
    """Kind-specific scope details; all optional."""

    territory: Name | None = Field(default=None, description="Territory of the partnership.")
    exclusive: bool = Field(default=False, description="Whether the appointment or alliance is exclusive.")
    products: list[Name] = Field(default_factory=list, description="Products or services the deal covers.")
    reseller: ResellerTerms | None = Field(default=None, description="Only with deal.kind: reseller.")
    joint_venture: JointVentureTerms | None = Field(default=None, description="Only with deal.kind: joint_venture.")
    managed_service: ManagedServiceTerms | None = Field(default=None, description="Only with deal.kind: managed_service.")
    strategic_alliance: AllianceTerms | None = Field(
        default=None, description="Only with deal.kind: strategic_alliance (required then).")
    technology: TechnologyTerms | None = Field(default=None, description="Only with deal.kind: technology.")
