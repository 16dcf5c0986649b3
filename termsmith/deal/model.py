"""The deal specification as pydantic models: these classes *are* the spec (`termsmith schema`).

Annotations here are evaluated as the classes are made (no `from __future__ import annotations`): pydantic
would otherwise evaluate each annotation's text again, at every start, when it builds the models."""


import datetime as dt
import re
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from termsmith.deal.fields import ABOUT_THE_FILE, PARTY_REFERENCE


def _one_line(value: str) -> str:
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
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_one_line)]
Days = Annotated[int, Field(gt=0, le=3650, description="A number of calendar days.")]
Months = Annotated[int, Field(gt=0, le=240, description="A number of months.")]
Percent = Annotated[float, Field(ge=0, le=100, description="A percentage from 0 to 100.")]
Cadence = Literal["monthly", "quarterly", "semi_annual", "annual"]


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def _portable_file_name(value: str) -> str:
    """A deal id names its output files: refuse what Windows cannot store (con, nul, lpt1, a trailing dot)."""
    if value.endswith("."):
        raise ValueError("must not end with '.': output files are named after it, and Windows drops the dot")
    if value.split(".")[0] in _WINDOWS_RESERVED:
        raise ValueError(f"'{value}' cannot name a file on Windows; choose another id")
    return value


class Spec(BaseModel):
    """Base for every part of the deal: unknown fields are errors, values never change."""

    # Built when the first deal is validated, not at import: the parts are then built once, inside the Deal,
    # instead of once each and again inside it.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


DealKind = Literal["technology", "reseller", "strategic_alliance", "joint_venture", "managed_service"]


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


def _filled(data: dict, **defaults: object) -> dict:
    """`data` with each default where the field is missing or null (`renewal_months: ~` says "not stated", as
    leaving it out does, so the default the description names applies)."""
    return {**data, **{name: value for name, value in defaults.items() if data.get(name) is None}}


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
            data = _filled(data, renewal_months=12, non_renewal_notice_days=90)
        return data


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


class BudgetCategory(Spec):
    """A category of costs that may be charged to the Budget, with the amount set aside for it."""

    name: Name = Field(description="The kind of cost, e.g. 'Joint marketing campaigns' or 'Integration testing'.")
    amount: Annotated[float, Field(gt=0, lt=1e15)] = Field(
        description="The part of the Budget for the initial term set aside for it, in the budget currency.")


class Budget(Spec):
    """The shared budget and how it is paid."""

    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = Field(description="ISO 4217 code, e.g. EUR.")
    total: Annotated[float, Field(gt=0, lt=1e15)] = Field(description="Total budget for the initial term.")
    categories: list[BudgetCategory] = Field(default_factory=list, max_length=30, description=(
        "Optional categories of the costs that may be charged to the Budget, with their amounts (which add up to "
        "total); left out, any cost of an approved shared activity may be charged."))
    cost_sharing: dict[PartyId, Percent] = Field(description="Each party's share of the budget in percent.")
    payment_terms_days: Days = Field(description="Days within which an invoice must be paid.")
    invoicing: Literal["monthly", "quarterly", "milestone"] = Field(description="When invoices are issued.")
    open_book: bool = Field(default=False, description="Whether records are kept open-book and may be audited.")
    review_cadence: Cadence = Field(default="quarterly", description="How often the budget is reviewed.")
    overrun_approval_percent: Percent = Field(
        default=10, description="Overrun above which written approval of all parties is needed."
    )
    late_interest_percent: Percent | None = Field(
        default=None, description="Yearly late payment interest above base rate; default: the statutory rate."
    )


PaymentType = Literal["referral_fee", "revenue_share", "commission", "licence_fee", "royalty", "service_charge"]


class PaymentStream(Spec):
    """One flow of money from one partner to another (a referral fee, a revenue share, a licence fee, …)."""

    id: Slug = Field(description="Identifier of the payment, e.g. 'engine-royalty'.")
    type: PaymentType = Field(
        description="referral_fee: for each Qualified Referral; revenue_share, commission, royalty: a percentage of "
                    "revenue; licence_fee: for the use of technology; service_charge: the price of services.")
    payer: PartyId = Field(description="Party that pays.")
    payee: PartyId = Field(description="Party that is paid.")
    description: Text | None = Field(
        default=None, description="What the payment is for, to follow 'for', e.g. 'the use of the analytics engine "
                                  "in the combined offering'.")
    percent: Annotated[float, Field(gt=0, le=100)] | None = Field(
        default=None, description="The payment as a percentage of `revenue`, more than 0 and at most 100 (a payment of "
                                  "0% would oblige the payer to pay nothing: leave the payment out instead).")
    revenue: Text | None = Field(
        default=None, description="The revenue the percentage is taken of, to follow 'of', e.g. 'the net revenue "
                                  "Acme receives from customers for the combined offering' (required with percent).")
    amount: Annotated[float, Field(gt=0, lt=1e15)] | None = Field(
        default=None, description="A fixed amount, in the payments currency (instead of percent).")
    per: Literal["referral", "month", "quarter", "year", "unit"] | None = Field(
        default=None, description="What the fixed amount is paid for: each Qualified Referral, each month, quarter or "
                                  "year, or each unit sold (required with amount).")
    in_advance: bool = Field(
        default=False, description="A fixed amount per month, quarter or year is invoiced at the start of the period "
                                   "(true) or after its end (false).")
    self_billing: bool = Field(
        default=False, description="The payer issues the invoice with its statement (self-billing) instead of the payee; "
                                   "only for a payment the payer reports (a percentage, or per referral or unit).")

    @property
    def reported(self) -> bool:
        """Whether the amount depends on figures only the payer knows (revenue, referrals, units)."""
        return self.percent is not None or self.per in ("referral", "unit")


class Referrals(Spec):
    """How leads are registered and when a referral earns a fee."""

    criteria: list[Text] = Field(
        min_length=1, description="What a referral must meet to qualify, each as a phrase completing 'the customer…' "
                                  "or as a short condition, e.g. 'has at least 200 employees'.")
    acceptance_business_days: Annotated[int, Field(gt=0, le=60)] = Field(
        description="Business Days the receiving party has to accept or reject a lead registration.")
    registration_days: Days = Field(description="Days an accepted registration protects the referring party.")
    fee_window_months: Months = Field(
        description="Months after acceptance within which the customer must sign for the referral to earn a fee.")


class PaymentAudit(Spec):
    """Records of the figures payments are calculated on, and the payee's audit right."""

    records_years: Annotated[int, Field(gt=0, le=12)] = Field(description="Years the payer keeps its records.")
    cost_shift_percent: Percent = Field(
        default=5, description="An underpayment above this percentage of the amount due makes the payer bear the "
                               "audit costs.")


class Payments(Spec):
    """Value flowing between the partners: referral fees, revenue shares, commissions, licence fees, royalties."""

    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        default=None, description="ISO 4217 code; default and only allowed value with a budget: the budget currency.")
    streams: list[PaymentStream] = Field(min_length=1, description="The payments, each from one party to another.")
    statements: Cadence | None = Field(
        default=None, description="How often a payer reports what it owes and on which revenue, referrals or units "
                                  "(required when a payment is a percentage, or is paid per referral or per unit).")
    statement_days: Days = Field(
        default=15, description="Days after the end of each statement period within which the statement is due.")
    payment_terms_days: Days | None = Field(
        default=None, description="Days within which an invoice is paid; with a budget, the budget's payment terms apply.")
    late_interest_percent: Percent | None = Field(
        default=None, description="Without a budget: yearly late payment interest above the central bank reference "
                                  "rate of the currency; left out, the agreement states no rate (with a budget, the "
                                  "budget's late payment clause applies).")
    tail_months: Annotated[int, Field(gt=0, le=60)] | None = Field(
        default=None, description="Months after the end of the agreement during which percentage payments stay due on "
                                  "revenue from contracts signed before it ended; default: none after the end.")
    audit: PaymentAudit | None = Field(default=None, description="Records and audit of the payments; left out, no audit right.")
    referrals: Referrals | None = Field(
        default=None, description="Lead registration and referral rules (required with a referral_fee payment).")

    @property
    def payers(self) -> list[str]:
        """The ids of the parties that pay something, each once, in the order first named."""
        return list(dict.fromkeys(s.payer for s in self.streams))

    @property
    def reported(self) -> bool:
        """Whether any payment depends on figures the payer must report (revenue, referrals, units)."""
        return any(s.reported for s in self.streams)

    @property
    def on_revenue(self) -> bool:
        """Whether any payment is a percentage of revenue."""
        return any(s.percent is not None for s in self.streams)


def _without_article(title: str) -> str:
    """A job title without a leading "the": the draft writes "the <title> of <party>" (as `level` loses it in
    `EscalationLevel.title`), so "the CEO" read "the the CEO of Acme"."""
    return re.sub(r"^the\s+", "", title, flags=re.IGNORECASE) or title


class EscalationLevel(Spec):
    """One rung of the escalation ladder."""

    level: Name = Field(description="Who the dispute goes to, e.g. 'Alliance managers' or 'Chief executives' (a title "
                                    "each party has; the draft reads it as 'the chief executive of each Party').")
    days: Days = Field(description="Days this level has to resolve the dispute.")
    representatives: dict[PartyId, Annotated[Name, AfterValidator(_without_article)]] = Field(
        default_factory=dict,
        description="The person of each party at this level, by job title, where the titles differ "
                    "(e.g. {acme: Chief Executive Officer, globex: Managing Partner}); give every party.")

    @property
    def says_whose(self) -> bool:
        """Whether the level's name already says whose people they are ('the directors of each Party')."""
        return bool(re.match(r"the\s.+\sof\s(?:each|both|all|the|every)\s", self.level, flags=re.IGNORECASE))

    @property
    def title(self) -> str:
        """The level as the title of one person of each party: 'Chief executives' → 'chief executive',
        'Heads of sales' → 'head of sales', 'Chief Executive Officers' → 'Chief Executive Officer', 'CEOs' → 'CEO'."""
        name = re.sub(r"^the\s+", "", " ".join(self.level.split()), flags=re.IGNORECASE)
        parts = [_singular_title(part) for part in re.split(r"\s+and\s+", name)]
        text = " and ".join(parts)
        words = text.split(" ")
        first = words[0]
        sentence_case = first[:1].isupper() and first[1:].islower() and (
            len(words) == 1 or not any(w[:1].isupper() for w in words[1:] if w not in ("and", "of")))
        if sentence_case:
            words[0] = first.lower()
        return " ".join(words)


def _singular_word(word: str) -> str:
    if len(word) < 3 or not word.endswith("s") or word.lower().endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.lower().endswith(("ches", "shes", "xes")):
        return word[:-2]
    return word[:-1]


def _singular_title(part: str) -> str:
    """One role in a level's name, in the singular: the word before 'of' ('Heads of sales'), else the last word."""
    words = part.split(" ")
    at = words.index("of") - 1 if "of" in words[1:] else len(words) - 1
    words[at] = _singular_word(words[at])
    return " ".join(words)


class Mediation(Spec):
    """Mediation before final resolution."""

    provider: Name = Field(description="Mediation body, e.g. CEDR.")
    days: Days = Field(description="Days the mediation may take before either party may proceed.")


class Arbitration(Spec):
    """Arbitration details (with final: arbitration)."""

    rules: Name = Field(description="Arbitration rules, e.g. LCIA, ICC, DIS.")
    seat: Name = Field(description="Seat of the arbitration.")
    arbitrators: Literal[1, 3] = Field(description="Number of arbitrators.")
    language: Name = Field(default="English", description="Language of the arbitration.")

    @property
    def known(self) -> bool:
        """Whether termsmith knows these rules by their short name (LCIA, ICC, …) and so their proper name."""
        return self.rules.upper().replace(" ", "") in _ARBITRATION_RULES

    @property
    def rules_title(self) -> str:
        """The rules by their proper name, e.g. 'the LCIA Arbitration Rules'; rules given by their full name
        ('Arbitration Rules of the Finland Arbitration Institute') as given."""
        known = _ARBITRATION_RULES.get(self.rules.upper().replace(" ", ""))
        if known:
            return known[0]
        if _NAMES_RULES.search(self.rules):
            return self.rules if self.rules.lower().startswith("the ") else f"the {self.rules}"
        return f"the arbitration rules of {self.rules}"

    @property
    def institution(self) -> str:
        """The body that administers the arbitration and appoints under its rules, e.g. 'the LCIA Court'."""
        known = _ARBITRATION_RULES.get(self.rules.upper().replace(" ", ""))
        if known:
            return known[1]
        return "the institution that administers those rules" if _NAMES_RULES.search(self.rules) else self.rules


# Common arbitration rules: (their proper name, the body that appoints arbitrators under them).
_NAMES_RULES = re.compile(r"\brules\b", re.IGNORECASE)  # "… Arbitration Rules of …": a full name, used as given
_ARBITRATION_RULES = {
    "LCIA": ("the LCIA Arbitration Rules", "the LCIA Court"),
    "ICC": ("the Rules of Arbitration of the International Chamber of Commerce",
            "the International Court of Arbitration of the International Chamber of Commerce"),
    "SIAC": ("the Arbitration Rules of the Singapore International Arbitration Centre",
             "the Court of Arbitration of the Singapore International Arbitration Centre"),
    "DIS": ("the Arbitration Rules of the German Arbitration Institute (DIS)", "the German Arbitration Institute (DIS)"),
    "HKIAC": ("the HKIAC Administered Arbitration Rules", "the Hong Kong International Arbitration Centre"),
    "SCC": ("the Arbitration Rules of the Arbitration Institute of the Stockholm Chamber of Commerce",
            "the Arbitration Institute of the Stockholm Chamber of Commerce"),
    "NAI": ("the Arbitration Rules of the Netherlands Arbitration Institute", "the Netherlands Arbitration Institute"),
    "ICDR": ("the International Arbitration Rules of the International Centre for Dispute Resolution",
             "the International Centre for Dispute Resolution"),
    "AAA/ICDR": ("the International Arbitration Rules of the International Centre for Dispute Resolution",
                 "the International Centre for Dispute Resolution"),
    "JAMS": ("the JAMS International Arbitration Rules", "JAMS"),
    "AAA": ("the Commercial Arbitration Rules of the American Arbitration Association",
            "the American Arbitration Association"),
    "CPR": ("the CPR Administered Arbitration Rules",
            "the International Institute for Conflict Prevention and Resolution (CPR)"),
    "VIAC": ("the Vienna Rules of the Vienna International Arbitral Centre",
             "the Board of the Vienna International Arbitral Centre"),
    "SWISSRULES": ("the Swiss Rules of International Arbitration", "the Swiss Arbitration Court"),
    "SWISS": ("the Swiss Rules of International Arbitration", "the Swiss Arbitration Court"),
    "CIETAC": ("the CIETAC Arbitration Rules", "the China International Economic and Trade Arbitration Commission"),
    "UNCITRAL": ("the UNCITRAL Arbitration Rules", "the appointing authority under those rules"),
}


class Courts(Spec):
    """Court details (with final: courts)."""

    venue: Name = Field(description="Where proceedings are brought, e.g. London, Dublin, New York County.")
    legal_system: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")] | None = Field(
        default=None, description="Whose courts (a legal system id, e.g. ireland); default: the deal's legal system.")
    exclusive: bool = Field(default=True, description="Whether those courts have exclusive jurisdiction.")


class ConflictResolution(Spec):
    """How disputes are escalated and finally decided."""

    escalation: list[EscalationLevel] = Field(description="The escalation ladder, lowest level first.")
    mediation: Mediation | None = Field(default=None, description="Optional mediation step.")
    final: Literal["arbitration", "courts"] = Field(description="How disputes are finally decided.")
    arbitration: Arbitration | None = Field(default=None, description="Required with final: arbitration.")
    courts: Courts | None = Field(default=None, description="Required with final: courts.")


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
            data = _filled(data, notice_days=60)
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
        description="Topics that survive the end of the agreement.",
    )
    post_termination: PostTermination = Field(
        default_factory=dict, validate_default=True, description="Support for existing customers and non-solicitation after the end.")


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


class LibraryRequirement(Spec):
    """Which clause library versions the deal accepts."""

    require: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        default=None, description=("A version specifier, e.g. '>=2.0,<3'. A library whose library.yaml says it drafts "
                                   "deals written for an earlier version the specifier admits (drafts_deals_for) drafts "
                                   "the deal, with a warning that its wording changed."),
    )


class ClauseOverride(Spec):
    """This deal's own wording for one clause, negotiated in review (`termsmith absorb` writes these).

    A clause of the library gets `text` (its wording for this deal), `title`, `defines` (its wording of terms
    it defines) or `removed: true`; what is not given stays the library's. A clause the library does not
    have is added with `text`, `title` and `after` (the clause it follows); a clause of the library with `after`
    is moved there (into that clause's article if need be), or with `before` in front of the clause it
    precedes (the start of an article, where no clause precedes it). `based_on` is
    the library version the wording was negotiated from: check and outdated warn when the library's
    version of the clause has moved on since."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)

    text: Annotated[str, StringConstraints(min_length=1, max_length=2_000_000)] | None = Field(
        default=None, description=("The clause text for this deal: Markdown as in the library's clause files; "
                                   "cross-references as {{ ref(\"clause.id\") }} keep their live numbers."))
    based_on: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")] | None = Field(
        default=None, description="The library version of the clause this wording was negotiated from.")
    removed: bool = Field(default=False, description="Leave this clause out of the deal.")
    title: Annotated[str, StringConstraints(min_length=1, max_length=120), AfterValidator(_one_line)] | None = Field(
        default=None, description="The clause's title (required for an added clause).")
    after: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$")] | None = Field(
        default=None, description=("The id of the clause it follows: where a clause the library does not have is "
                                   "added, or where the library's clause is moved to (in that clause's article)."))
    before: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$")] | None = Field(
        default=None, description=("The id of the clause it precedes: the library's clause is moved in front of it "
                                   "(in that clause's article), e.g. to the start of an article. Not with after."))
    defines: dict[Annotated[str, StringConstraints(min_length=1, max_length=120)],
                  Annotated[str, StringConstraints(min_length=1, max_length=20_000)]] = Field(
        default_factory=dict, description=(
            "This deal's wording of terms the clause defines (term → the definition after the term, "
            "e.g. 'means …'), in place of the library's."))

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if self.removed and (self.text is not None or self.after is not None or self.before is not None
                             or self.title is not None or self.defines):
            raise ValueError("a removed clause has no text, title, definitions or position")
        if self.after is not None and self.before is not None:
            raise ValueError("give the clause one place: after the clause it follows or before the one it precedes")
        if not self.removed and self.text is None and self.title is None and not self.defines and \
                self.after is None and self.before is None:
            raise ValueError("give the clause's text, title, definitions or place (after or before), or removed: true")
        return self  # an added clause (with after) needs a title and its text: checked with the library


class Deal(Spec):
    """A partnership deal specification (termsmith deal file)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True,
        title="termsmith deal specification",
    )

    termsmith: Annotated[Literal[1], ABOUT_THE_FILE] = Field(description="Version of the deal file format; always 1.")
    deal: DealInfo = Field(description="What the agreement is: id, title, kind, date, law, language, purpose.")
    parties: list[Party] = Field(min_length=2, max_length=20, description="Two or more parties.")
    scope: Scope = Field(default_factory=dict, validate_default=True, description="Kind-specific scope details.")
    term: Term = Field(description="Initial term and renewal.")
    roles: Roles = Field(description="Alliance managers, each party's duties and the optional RACI matrix.")
    governance: Governance | None = Field(default=None, description="Optional; left out, its clauses drop out.")
    slas: Slas | None = Field(default=None, description="Optional; left out, its clauses drop out.")
    budget: Budget | None = Field(default=None, description="Optional; left out, its clauses drop out.")
    payments: Payments | None = Field(
        default=None, description="Optional payments between the parties (referral fees, revenue share, licence fees, …).")
    conflict_resolution: ConflictResolution = Field(description="Escalation ladder, mediation, arbitration or courts.")
    exit: Exit = Field(description="Termination rights, transition, survival and post-termination duties.")
    data_protection: DataProtection | None = Field(default=None, description=(
        "Optional: the personal data the parties share and the role each takes for it, per data flow. Left out, "
        "`options.personal_data` applies."))
    options: Options = Field(default_factory=dict, validate_default=True, description="Confidentiality period, liability cap, personal data.")
    terms: dict[str, Any] | None = Field(default=None, description=(
        "Deal terms the clause library declares in its library.yaml (`termsmith schema --library DIR` lists them); "
        "clause text reads them as terms.NAME."))
    library: Annotated[LibraryRequirement, ABOUT_THE_FILE] = Field(default_factory=dict, validate_default=True,
                                        description="Which clause library versions this deal accepts.")
    overrides: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,79}$")], ClauseOverride] = \
        Field(default_factory=dict, description=(
            "Clause wording negotiated for this deal, by clause id: replaced, removed or added clauses "
            "(written by `termsmith absorb`)."))

    def party(self, party_id: str) -> Party:
        """The party with this id (ids are checked by validation)."""
        for party in self.parties:
            if party.id == party_id:
                return party
        raise KeyError(party_id)
