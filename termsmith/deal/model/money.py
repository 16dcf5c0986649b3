"""Money between the parties: the shared Budget and payment streams (fees, revenue shares, referrals)."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from termsmith.deal.model.base import Cadence, Days, Months, Name, PartyId, Percent, Slug, Spec, Text


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
