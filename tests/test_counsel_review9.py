"""Findings of a ninth outside reading (counsel for the other side, library 2.7.0): the points the eighth reading
left (the Irish statutory rate as a measure, Service Credits in a managed service paid through the Budget, who
carries cyber insurance, exclusivity under California law) and a reading of the clauses they touch under every legal
system. Each test drafts the deal it needs."""

from __future__ import annotations

from .counsel import clause_of, draft_md, example, under

IRISH_REGULATIONS = "the European Communities (Late Payment in Commercial Transactions) Regulations 2012"
IRISH_RATE = (f"the rate of interest for late payment that {IRISH_REGULATIONS} prescribe, whether or not those "
              "Regulations apply to the debt")


# ── 1: the Irish statutory rate is a measure, whether or not the Regulations apply ─────────────────────
def test_an_irish_draft_names_the_rate_the_2012_regulations_prescribe_whether_or_not_they_apply(deal_data, write_deal):
    """The Regulations reach only a "commercial transaction": goods delivered or services provided for remuneration.
    A share of the Budget, a refund or a Partner Payment need not be one, and "the rate of interest under the
    Regulations" then named no rate at all. English drafts have said "whether or not that Act applies to the debt" of
    the Late Payment of Commercial Debts (Interest) Act 1998 for the same reason."""
    md = draft_md(write_deal, under(deal_data, "Ireland"))
    assert (f"from the due date until the date of payment at {IRISH_RATE}. Interest accrues daily."
            in clause_of(md, "Late payment"))
    assert f"| Late payment interest | {IRISH_RATE} |" in md
    assert "Late Payment of Commercial Debts" not in md and "that Act" not in md
    payments = clause_of(draft_md(write_deal, under(example("brightpath-lumen-referral-alliance"), "Ireland")),
                         "Invoicing and payment of Partner Payments")
    assert f"at the higher of 8% a year above the Bank of England’s Bank Rate as it stands on the due date and {IRISH_RATE}." in payments
    english = clause_of(draft_md(write_deal, deal_data), "Late payment")
    assert ("the rate that the Late Payment of Commercial Debts (Interest) Act 1998 prescribes for statutory interest, "
            "whether or not that Act applies to the debt") in english


def test_an_irish_reseller_invoice_without_a_budget_carries_the_regulations_rate(write_deal):
    data = under(example("northwind-resellers-reseller"), "Ireland")
    del data["budget"]
    data["exit"]["transition"]["fees"] = "none"
    data["exit"]["transition"].pop("fixed_fee", None)
    text = clause_of(draft_md(write_deal, data), "Prices")
    assert f"carries interest from the due date until the date of payment at {IRISH_RATE}. Interest accrues daily." in text
