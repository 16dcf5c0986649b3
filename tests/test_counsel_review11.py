"""Findings of an eleventh outside reading (counsel for the other side, library 2.9.0): the points the tenth reading
left (when the provider reimburses a Step-In, stranded costs after a termination for the other Party's default,
Service Credits of a supplier to resellers that pay only for Products, and credits against a quarterly royalty).
Each test drafts the deal it needs."""

from __future__ import annotations

import pytest

from .counsel import clause_of, draft_md, example, two_customers, under
from .test_counsel_review10 import _budget_funded

LAWS = ["England and Wales", "New York", "Germany"]


def _agreement(md: str) -> str:
    """The agreement without the notes for the reviewer that follow it."""
    return md.split("**Notes for the reviewer**")[0]


# ── 1: the provider reimburses the costs of a Step-In within the deal's payment terms ────────────────────────
@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("budget_funded", [False, True])
def test_the_provider_reimburses_the_costs_of_a_step_in_within_the_payment_terms(write_deal, law, budget_funded):
    """"OpsCloud must reimburse the reasonable additional costs of the Step-In" (priced) and "must reimburse Meridian
    the rest of those costs" (Budget) set no time for payment; the priced branch named no payee."""
    data = _budget_funded() if budget_funded else example("meridian-opscloud-managed-service")
    data["budget" if budget_funded else "payments"]["payment_terms_days"] = 45
    step_in = clause_of(_agreement(draft_md(write_deal, under(data, law))), "Step-in")
    if budget_funded:
        assert ("OpsCloud must reimburse the rest of those costs to Meridian within 45 days after receiving an invoice "
                "for them. If the Step-In was caused by an emergency that OpsCloud did not cause, all of those costs "
                "are Shared Costs instead.") in step_in
    else:
        assert ("OpsCloud must reimburse those additional costs to Meridian within 45 days after receiving an invoice "
                "for them.") in step_in  # three sentences since 2.10.0 (test_counsel_review12)
    assert "30 days" not in step_in


@pytest.mark.parametrize("budget_funded", [False, True])
def test_with_several_customers_the_step_in_costs_are_reimbursed_to_the_party_that_made_it(write_deal, budget_funded):
    data = _budget_funded(two_customers()) if budget_funded else two_customers(pays=True)
    step_in = clause_of(_agreement(draft_md(write_deal, data)), "Step-in")
    assert "to the Party that made the Step-In within 30 days" in step_in  # 2.10.0
    assert "within 30 days after receiving an invoice for" in step_in


# ── 2: a Party that terminates for the other's default bears no share of the defaulter's stranded costs ─────────
@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("stem", ["acme-globex-technology", "managed-service-budget",
                                  "solent-northgate-contractual-joint-venture"])
def test_the_final_account_after_a_termination_for_default_leaves_the_defaulters_commitments_with_it(write_deal, law,
                                                                                                    stem):
    """The final account shared "the costs of commitments for Approved Activities … that cannot reasonably be
    cancelled" whatever the ground of termination: a customer that ended the Agreement for the provider's breach or
    Chronic Failure bore its share of the provider's non-cancellable contracts."""
    data = _budget_funded() if stem == "managed-service-budget" else example(stem)
    md = _agreement(draft_md(write_deal, under(data, law)))
    account = clause_of(md, "Final accounting")
    ref = "Section" if law == "New York" else "clause"
    cancel = "canceled" if law == "New York" else "cancelled"
    chronic = ", or for a Chronic Failure of the other Party under " if data.get("slas") else ""
    assert f"If a Party terminates this Agreement for a Material Breach of the other Party under {ref} " in account
    assert ((chronic in account) if chronic else "Chronic Failure" not in account)
    assert (", the final account does not include the costs, for the period after the Termination Date, of the other "
            f"Party’s commitments that cannot reasonably be {cancel}. The other Party bears those costs alone.") in account


@pytest.mark.parametrize("kind", ["reseller", "managed_service"])
def test_with_three_parties_the_account_after_a_notice_for_default_leaves_the_defaulters_commitments_with_it(
        write_deal, kind):
    """With three or more Parties a notice for the provider's default ends only the participation of the customer that
    gives it, and the final account between that customer and the others shared the provider's stranded costs."""
    from .test_counsel_review10 import _three_resellers_and_a_supplier

    data = _three_resellers_and_a_supplier() if kind == "reseller" else _budget_funded(two_customers())
    account = clause_of(_agreement(draft_md(write_deal, under(data, "England and Wales"))), "Final accounting")
    assert "If a Party gives notice of termination for a Material Breach of another Party under clause " in account
    assert ("the final account that follows the notice does not include the costs, for the period after the "
            "Termination Date, of that other Party’s commitments that cannot reasonably be cancelled. That other Party "
            "bears those costs alone.") in account
    if kind == "managed_service":
        assert ", or for a Chronic Failure of another Party under clause " in account


# ── 3: a reseller's supplier is paid for Products, which is no price for its support ──────────────────────
def _reseller_with_a_support_level(paid_for_support: bool = False) -> dict:
    """northwind with a Service Level of the supplier (response to Priority 1 support requests) with credit tiers,
    and, if `paid_for_support`, a monthly service charge the reseller pays for that support."""
    data = example("northwind-resellers-reseller")
    data["slas"] = {"measurement_period": "monthly", "reporting": "monthly", "support_hours": "business_hours",
                    "service_credit_cap_percent": 15, "metrics": [
                        {"id": "p1-response", "provider": "northwind", "target": 4, "unit": "hours",
                         "description": "Response to Priority 1 support requests",
                         "credits": [{"above": 4, "credit_percent": 5}, {"above": 8, "credit_percent": 10}]}]}
    if paid_for_support:
        data["payments"] = {"currency": "EUR", "payment_terms_days": 30, "streams": [
            {"id": "support", "type": "service_charge", "payer": "vanderlinde", "payee": "northwind", "amount": 1500,
             "per": "month", "description": "second-line support"}]}
    return data


@pytest.mark.parametrize("law", LAWS)
def test_a_supplier_paid_only_for_products_gives_no_service_credits_but_a_remedy_plan(write_deal, law):
    """The credits were "applied to the charges that Party pays for that service", but the reseller pays Northwind
    only the price of the Products: the credit had no clear base, and a share of the Products bought in the period
    would be out of scale with a support failure."""
    from termsmith import api

    data = under(_reseller_with_a_support_level(), law)
    md = _agreement(draft_md(write_deal, data))
    assert "Service Credit" not in md
    assert ("If a Party fails to meet a Service Level in a Measurement Period, it must, within 10 Business Days after "
            "the end of that period, give the other Party a written remedy plan.") in clause_of(md, "Remedy plans")
    warnings = [w for w in api.check(write_deal(data)).warnings if w.path == "slas.metrics[0].credits"]
    assert len(warnings) == 1
    assert "is paid only the price of the Products the resellers buy" in warnings[0].message


def test_a_supplier_paid_a_charge_for_its_support_still_gives_service_credits_on_that_charge(write_deal):
    from termsmith import api

    data = _reseller_with_a_support_level(paid_for_support=True)
    md = _agreement(draft_md(write_deal, data))
    assert ("it must give each Party that pays it charges for the service concerned a credit (a **“Service Credit”**)"
            in clause_of(md, "Service credits"))
    assert not [w for w in api.check(write_deal(data)).warnings if w.path == "slas.metrics[0].credits"]


# ── 4: a monthly Service Credit against a royalty reported each quarter ─────────────────────────────────────
@pytest.mark.parametrize("law", LAWS)
def test_a_service_credit_against_a_quarterly_royalty_is_measured_monthly_and_deducted_in_the_next_statement(
        write_deal, law):
    """Hudson's credits were a percentage of "the charges payable for the affected service for the calendar month"
    and deducted from Cobalt's "next invoice", but the only payment is a 20% royalty, stated and invoiced each
    quarter, which has no monthly amount."""
    md = _agreement(draft_md(write_deal, under(example("hudson-cobalt-technology-us"), law)))
    ref = "Section" if law == "New York" else "clause"
    assert ("Where those charges are a Partner Payment calculated on revenue, the charges for a calendar month are that "
            "Partner Payment calculated on the revenue its payer receives in that month.") in md
    nature = clause_of(md, "Nature of Service Credits")
    assert ("Where the Party entitled to a Service Credit pays for the service concerned by a Partner Payment "
            "calculated on revenue, the preceding sentence does not apply, and that Party must instead deduct the "
            f"Service Credit from that Partner Payment in the first statement under {ref} 8.2 that falls due after it "
            "receives the service level report for the Measurement Period concerned. That statement must show the "
            "Service Credit and the revenue received in that Measurement Period on which it is calculated. The Party "
            "owing the Service Credit must invoice that Partner Payment net of the deduction. If no further statement "
            "falls due, the Party owing the Service Credit must pay it within 30 days after the end of the Measurement "
            "Period concerned.") in nature


def test_service_credits_against_a_fixed_charge_are_deducted_from_the_next_invoice_as_before(write_deal):
    md = _agreement(draft_md(write_deal, _reseller_with_a_support_level(paid_for_support=True)))
    assert "Partner Payment calculated on revenue" not in md
    assert ("The Party owing a Service Credit must deduct it from its next invoice to the Party entitled to it or, if no "
            "further invoice is due, pay it within 30 days after the end of the Measurement Period concerned.\n") in (
        clause_of(md, "Nature of Service Credits"))
