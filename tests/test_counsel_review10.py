"""Findings of a tenth outside reading (counsel for the other side, library 2.8.0): the points the ninth reading left
(a managed service paid through the Budget: what the Charges are, the acceptance refund, step-in, the services
continued after the Termination Date) and a reading of every example and its variants under every legal system.
Each test drafts the deal it needs."""

from __future__ import annotations

import pytest

from .counsel import clause_of, draft_md, example, two_customers, under


def _agreement(md: str) -> str:
    """The agreement without the notes for the reviewer that follow it."""
    return md.split("**Notes for the reviewer**")[0]


def _budget_funded(data: dict | None = None, **extra_streams) -> dict:
    """meridian (or `data`, a managed service) paid through a Budget the customers fund, with no Charges stated
    (benchmarking needs Charges, so it goes)."""
    data = data or example("meridian-opscloud-managed-service")
    customers = [p["id"] for p in data["parties"] if p["id"] != "opscloud"]
    del data["payments"]
    del data["scope"]["managed_service"]["benchmarking"]
    shares = {c: 100 // len(customers) + (100 % len(customers) if i == 0 else 0) for i, c in enumerate(customers)}
    data["budget"] = {"currency": "USD", "total": 3060000, "cost_sharing": {**shares, "opscloud": 0},
                      "payment_terms_days": 30, "invoicing": "monthly"}
    if extra_streams:
        data["payments"] = {"currency": "USD", "payment_terms_days": 30, "streams": [extra_streams]}
    return data


# ── 1: a managed service paid through the Budget ─────────────────────────────────────────────────────
@pytest.mark.parametrize("law", ["New York", "England and Wales", "Germany", "Singapore"])
def test_the_charges_of_a_budget_funded_service_are_the_providers_shared_costs_of_an_approved_activity(write_deal,
                                                                                                      law):
    """"The charges for the Managed Services that form part of the Budget" named no price, and the Budget shares only
    the costs of an activity both Parties approve in writing, neither of them being obliged to: the provider had to
    provide the Managed Services with no right to be paid, and an overrun obliged the Parties to stop them."""
    md = _agreement(draft_md(write_deal, under(_budget_funded(), law)))
    assert "that form part of the Budget" not in md
    assert "**“Charges”** means the Shared Costs that OpsCloud incurs in providing the Managed Services." in md
    charges = clause_of(md, "Charges")
    assert "No other amount is payable for the Managed Services." in charges
    assert ("Providing the Managed Services, including onboarding them, is an Approved Activity from the Effective "
            "Date, without further approval, which OpsCloud carries out with the Budget as its estimated cost.") in charges
    assert ("OpsCloud’s internal costs of providing the Managed Services are Shared Costs at their actual cost, without "
            "any margin; for personnel, that is their actual cost of employment.") in charges
    overruns = "Section" if law == "New York" else "Clause"
    assert f"{overruns} 8.9 does not allow the Managed Services to be reduced, postponed or stopped." in charges
    assert clause_of(md, "Overruns and increases of the Budget").startswith(" Overruns and increases of the Budget.**")
    assert ("OpsCloud must continue to provide them in full, and it bears alone any cost of providing them that is not "
            "a Shared Cost.") in charges


def test_a_budget_funded_service_that_fails_acceptance_leaves_its_costs_with_the_provider(write_deal):
    """"Must refund all Charges paid" named no amount where the customer pays a share of costs, and the final account
    would have shared those costs again."""
    md = _agreement(draft_md(write_deal, _budget_funded()))
    onboarding = clause_of(md, "Onboarding and service commencement")
    assert "refund all Charges paid" not in onboarding
    assert ("If the Managed Services fail the tests a second time, Meridian may terminate this Agreement by notice. "
            "OpsCloud then bears the Charges alone. They are not Shared Costs, and OpsCloud must repay, through the "
            "final account under Section 19.6, every amount another Party has paid towards them.") in onboarding
    assert clause_of(md, "Final accounting").startswith(" Final accounting.**")
    assert "**19.6 Final accounting.**" in md


def test_a_managed_service_with_charges_refunds_them_after_a_failed_acceptance_within_a_stated_time(write_deal):
    """"OpsCloud must refund all Charges paid" had no time, and the final account let OpsCloud invoice the Charges
    accrued up to the Termination Date, which the refund took back."""
    md = draft_md(write_deal, example("meridian-opscloud-managed-service"))
    assert ("Meridian may terminate this Agreement by notice. No Charges are then payable for any period, despite "
            "Section 19.6, and OpsCloud must refund all Charges paid within 30 days after the Termination Date."
            in clause_of(md, "Onboarding and service commencement"))
    assert "**19.6 Final account of Charges.**" in md
    assert "No Charges are payable for the affected Managed Services for that period" in clause_of(md, "Step-in")


@pytest.mark.parametrize("law", ["New York", "England and Wales", "Netherlands"])
def test_a_step_in_under_a_budget_shares_its_costs_only_up_to_the_charges_it_replaces(write_deal, law):
    """"No Charges are payable" and "the reasonable additional costs" measured nothing where the Budget shares costs
    and sets no price."""
    step_in = clause_of(_agreement(draft_md(write_deal, under(_budget_funded(), law))), "Step-in")
    assert "No Charges are payable" not in step_in and "additional costs" not in step_in
    assert "The Charges for the affected Managed Services for that period are not Shared Costs." in step_in
    assert ("The reasonable costs that Meridian incurs for the Step-In, including its internal costs at their actual "
            "cost without any margin, are Shared Costs, as if the Step-In were an Approved Activity, up to the Charges "
            "that OpsCloud would reasonably have incurred for the affected Managed Services in that period.") in step_in
    assert "OpsCloud must reimburse the rest of those costs to Meridian within 30 days" in step_in  # 2.10.0
    assert ("If the Step-In was caused by an emergency that OpsCloud did not cause, all of those costs are Shared Costs "
            "instead.\n\nA Step-In ends when Meridian is reasonably satisfied") in step_in


def test_a_step_in_by_one_of_several_customers_under_a_budget_names_the_party_that_made_it(write_deal):
    step_in = clause_of(_agreement(draft_md(write_deal, _budget_funded(two_customers()))), "Step-in")
    assert "The reasonable costs that the Party that made the Step-In incurs for the Step-In" in step_in
    assert "OpsCloud must reimburse the rest of those costs to the Party that made the Step-In within 30 days" in step_in  # 2.10.0


@pytest.mark.parametrize("fees", ["none", "cost_plus", "fixed"])
def test_managed_services_continued_after_termination_are_paid_as_shared_costs(write_deal, fees):
    """Shared Costs arise only during the Term and "no fees are payable" for transition assistance: the provider had
    to run the Managed Services for up to the whole Transition Period for nothing."""
    data = _budget_funded()
    data["exit"]["transition"]["fees"] = fees
    if fees == "cost_plus":
        data["exit"]["transition"]["cost_plus_margin_percent"] = 10
    if fees == "fixed":
        data["exit"]["transition"]["fixed_fee"] = 50000
    fees_clause = clause_of(_agreement(draft_md(write_deal, data)), "Fees for transition assistance")
    assert ("The Charges for Managed Services that OpsCloud continues to provide after the Termination Date are Shared "
            "Costs, as if they were incurred during the Term and within the Budget. They are shared, reconciled and "
            "invoiced under Sections 8.3 and 8.4 until those Managed Services end. They are not part of the final "
            "account under Section 19.6.") in fees_clause
    if fees == "none":
        assert ("No fees are payable for it, other than the Charges for Managed Services that OpsCloud continues to "
                "provide.") in fees_clause
    else:
        assert "Managed Services that OpsCloud continues to provide are not charged under this Section 19.3." in fees_clause


def test_a_licence_fee_paid_in_advance_draws_in_no_refund_of_prepaid_charges_under_a_budget(write_deal):
    data = _budget_funded(id="tooling", type="licence_fee", payer="meridian", payee="opscloud", amount=2000,
                          per="month", in_advance=True, description="the monitoring tooling")
    md = _agreement(draft_md(write_deal, data))
    assert "Refund of prepaid Charges" not in md and "Charges paid in advance" not in md
    with_charges = draft_md(write_deal, example("meridian-opscloud-managed-service"))
    assert "Refund of prepaid Charges.**" in with_charges


# ── 2: protected health information and a deal that shares no Personal Data, or states no roles ─────────────
PHI = ("Apart from the protected health information that OpsCloud creates, receives, maintains or transmits for "
       "Meridian under Section 4.6, which that Section governs, ")


@pytest.mark.parametrize("personal_data, title, rest", [
    ("none", "No sharing of Personal Data",
     "the Parties do not intend to share Personal Data under this Agreement. No Party may disclose any other Personal "
     "Data to another Party until both Parties have agreed in writing"),
    (None, "Roles for Personal Data",
     "this Agreement does not provide for any Party to process Personal Data on behalf of another Party"),
    ("independent_controllers", "Independent controllers",
     "each Party processes the Personal Data it receives from another Party as an independent controller"),
])
def test_the_health_information_a_business_associate_hosts_is_not_denied_by_the_data_protection_clause(
        write_deal, personal_data, title, rest):
    """With `us_health_data` the provider hosts and processes the customer's protected health information under the
    business associate terms, but a deal that shares no Personal Data said "The Parties do not intend to share
    Personal Data" and had a Party delete what it received, one that states no roles said that no Party processes
    Personal Data for another, and independent controllers processed it "for its own purposes"."""
    data = example("meridian-opscloud-managed-service")
    if personal_data is None:
        del data["options"]["personal_data"]
    else:
        data["options"]["personal_data"] = personal_data
    md = _agreement(draft_md(write_deal, data))
    assert "**4.6 Protected health information.**" in md
    assert PHI + rest in clause_of(md, title)


def test_a_deal_without_health_data_shares_no_personal_data_as_before(write_deal):
    data = example("meridian-opscloud-managed-service")
    data["options"]["personal_data"] = "none"
    data["scope"]["managed_service"]["us_health_data"] = False
    no_sharing = clause_of(_agreement(draft_md(write_deal, data)), "No sharing of Personal Data")
    assert "protected health information" not in no_sharing
    assert (" No sharing of Personal Data.** The Parties do not intend to share Personal Data under this Agreement. "
            "No Party may disclose Personal Data to another Party") in no_sharing


# ── 3: a referral fee or a commission is no price for a service a credit can reduce ──────────────────────────
def _acme_paid_a_commission() -> dict:
    data = example("acme-globex-technology")
    data["payments"] = {"currency": "EUR", "payment_terms_days": 30, "statements": "quarterly", "streams": [
        {"id": "introductions", "type": "commission", "payer": "globex", "payee": "acme", "percent": 5,
         "revenue": "the net revenue Globex receives from customers Acme introduces",
         "description": "introducing customers"}]}
    return data


def test_a_party_paid_only_a_commission_gives_no_service_credits(write_deal):
    """The credits were "applied to the charges that Party pays for that service", but Globex pays Acme only a
    commission for introductions: a 5% credit was 5% of nothing."""
    from termsmith import api

    data = _acme_paid_a_commission()
    md = _agreement(draft_md(write_deal, data))
    assert "Service Credit" not in md
    assert "it must, within 10 Business Days after the end of that period, give the other Party a written remedy plan" in (
        clause_of(md, "Remedy plans"))
    # the limit of liability still measures the amounts paid between the Parties
    assert "the total of all amounts paid and payable under this Agreement" in clause_of(md, "Limit of liability")
    warnings = [w for w in api.check(write_deal(data)).warnings if w.path == "slas.metrics[0].credits"]
    assert len(warnings) == 1 and "paid only a referral fee or commission" in warnings[0].message


def test_a_royalty_for_the_service_still_carries_service_credits(write_deal):
    md = draft_md(write_deal, example("hudson-cobalt-technology-us"))
    assert "it must give each Party that pays it charges for the service concerned a credit" in clause_of(
        md, "Service credits")


# ── 4: a US Party causes the Company to act; it does not "procure that" it acts ──────────────────────────────
@pytest.mark.parametrize("law", ["New York", "Delaware", "California"])
def test_a_us_joint_venture_has_the_parties_cause_the_company_to_act(write_deal, law):
    md = _agreement(draft_md(write_deal, under(example("tri-harbor-joint-venture"), law)))
    assert "procure" not in md
    for words in ("The Parties must cause it to be incorporated within 45 days after the Effective Date",
                  "must cause the directors it appoints to exercise their powers so far as their duties as directors "
                  "allow",
                  "the Parties must cause the Company to distribute to its shareholders as dividends",
                  "the Parties must cause the Company to sign a joinder agreement by which it adheres",
                  "The Parties must cause the Company to issue to each Party the shares it has paid for",
                  "The Parties must cause the Company to give each Party:",
                  "must cause the directors it appointed to resign when the sale is completed",
                  "the Parties must vote their shares and cause their directors to act so that the Company is dissolved"):
        assert words in md, words


def test_an_english_joint_venture_still_has_the_parties_procure_that_the_company_acts(write_deal):
    md = draft_md(write_deal, under(example("tri-harbor-joint-venture"), "England and Wales"))
    assert "The Parties must procure that the Company issues to each Party the shares it has paid for" in md
    assert "cause the Company" not in md


# ── 5: periods that say when they start, and a refund that says to whom and how much ─────────────────────────
def test_an_overcharge_found_in_a_budget_audit_is_repaid_as_the_share_each_party_bore(deal_data, write_deal):
    """"It must refund the excess within 30 days" said neither to whom, nor from when, and with costs shared 50/50
    repaying the whole excess to the other Party gave it back twice what it bore. With three or more Parties each
    other Party is repaid the part it bore."""
    audit = clause_of(draft_md(write_deal, deal_data), "Open-book records and audit")
    assert "refund the excess" not in audit
    assert ("The Party that audits must give the Party concerned a copy of the audit report. If the report shows that a "
            "Party has charged to the Budget more than it was entitled to, the excess is not a Shared Cost, and that "
            "Party must repay the other Party the part of the excess that the other Party bore under clause 7.3, "
            "within 30 days after receiving the report.") in audit
    three = _three_resellers_and_a_supplier()
    three["budget"]["open_book"] = True
    assert ("that Party must repay each other Party the part of the excess borne by that other Party under clause"
            in clause_of(draft_md(write_deal, three), "Open-book records and audit"))


@pytest.mark.parametrize("law", ["Singapore", "New York", "Germany"])
def test_the_parties_agree_on_a_valuer_within_a_period_that_starts_on_the_valuation_date(write_deal, law):
    valuation = clause_of(draft_md(write_deal, under(example("tri-harbor-joint-venture"), law)), "Valuation of shares")
    assert "if they do not agree within 10 Business Days after the Valuation Date, appointed on the request" in valuation


def test_a_co_marketing_sample_is_approved_or_rejected_within_a_period_after_it_is_received(write_deal):
    licence = clause_of(draft_md(write_deal, example("brightpath-lumen-referral-alliance")),
                        "Trade mark licence for co-marketing")
    assert "the owner must approve or reject it within 5 Business Days after receiving it;" in licence


# ── 6: an exclusive managed service lets the customer prepare its successor when the Term is to end ───────────
@pytest.mark.parametrize("renewal, words", [
    ("automatic", "the transfer of the Managed Services to a successor after a notice of termination or of "
                  "non-renewal has been given."),
    ("none", "the transfer of the Managed Services to a successor after a notice of termination has been given, or "
             "to take effect when the Term ends."),
    ("by_agreement", "the transfer of the Managed Services to a successor after a notice of termination has been "
                     "given, or to take effect when the Term ends."),
])
def test_an_exclusive_managed_service_frees_the_transfer_to_a_successor_when_the_term_is_to_end(write_deal, renewal,
                                                                                                 words):
    """Only "a notice of termination" freed the customer to move the Managed Services to a successor: a customer that
    gave notice of non-renewal, or whose Term simply ended, could not prepare its successor while the Agreement ran."""
    data = example("meridian-opscloud-managed-service")
    data["scope"]["exclusive"] = True
    data["term"]["renewal"] = renewal
    if renewal != "automatic":
        data["term"].pop("renewal_months")
        data["term"].pop("non_renewal_notice_days")
    assert words in clause_of(draft_md(write_deal, data), "Exclusivity")


# ── 7: a provider that continues the Managed Services after termination may stop if it is not paid ─────────
@pytest.mark.parametrize("budget_funded", [False, True])
def test_a_provider_may_stop_continued_managed_services_that_are_not_paid(write_deal, budget_funded):
    """With no fee for transition assistance, the provider still had to run the Managed Services for up to the whole
    Transition Period, paid as Charges, with no remedy if they were not paid."""
    data = _budget_funded() if budget_funded else example("meridian-opscloud-managed-service")
    assert data["exit"]["transition"]["fees"] == "none"
    transition = clause_of(_agreement(draft_md(write_deal, data)), "Transition assistance")
    assert ("A Party may stop providing transition assistance if the Party receiving it fails to pay an undisputed "
            "amount due for that assistance within 30 days after receiving notice of the failure.") in transition


def test_free_transition_assistance_outside_a_managed_service_has_no_payment_default(write_deal):
    data = example("solent-northgate-contractual-joint-venture")
    data["exit"]["transition"]["fees"] = "none"
    md = draft_md(write_deal, data)
    assert "may stop providing transition assistance" not in md


# ── 8: only a customer that pays the Charges may have them benchmarked ────────────────────────────────────
@pytest.mark.parametrize("outcome", ["reduce", "negotiate"])
def test_a_customer_that_pays_no_charges_cannot_start_a_benchmark_or_terminate_over_one(write_deal, outcome):
    """Thirdco receives the Managed Services but pays no Charges: it could have Meridian's price compared, and, where
    the outcome is a negotiation, end its participation because no reduction of a price it does not pay was agreed."""
    data = two_customers()
    data["scope"]["managed_service"]["benchmarking"]["outcome"] = outcome
    if outcome == "negotiate":
        del data["scope"]["managed_service"]["benchmarking"]["max_reduction_percent"]
    benchmark = clause_of(_agreement(draft_md(write_deal, data)), "Benchmarking")
    assert benchmark.startswith(" Benchmarking.** Meridian may have the Charges compared")
    assert "must not disclose the costs or margins of OpsCloud to Meridian or Thirdco." in benchmark
    assert "Meridian bears the fees of the Benchmarker." in benchmark
    assert "Thirdco may" not in benchmark and "each of Meridian and Thirdco" not in benchmark


def test_customers_that_both_pay_charges_may_each_start_a_benchmark(write_deal):
    benchmark = clause_of(_agreement(draft_md(write_deal, two_customers(pays=True))), "Benchmarking")
    assert benchmark.startswith(" Benchmarking.** Meridian or Thirdco may have the Charges compared")
    assert "The Party that starts a Benchmark bears the fees of the Benchmarker." in benchmark


# ── 9: a managed service or reseller agreement does not go on without its provider or supplier ─────────────
def _three_resellers_and_a_supplier() -> dict:
    from .counsel import add_party

    data = add_party(example("northwind-resellers-reseller"), 1, id="second", name="Second Reseller B.V.",
                     short_name="Secondco")
    data["budget"]["cost_sharing"] = {"northwind": 70, "vanderlinde": 20, "second": 10}
    return data


@pytest.mark.parametrize("kind", ["managed_service", "reseller"])
def test_a_departure_of_the_provider_or_supplier_ends_the_agreement_and_no_one_takes_over_duties(write_deal, kind):
    """A Chronic Failure of OpsCloud, or Northwind's breach, "ends the participation of that Party", and the Agreement
    "continues between the remaining Parties if at least two of them remain": two customers, or two resellers, with
    no provider or supplier, who had to take over its duties "in equal shares"."""
    data = two_customers(pays=True) if kind == "managed_service" else _three_resellers_and_a_supplier()
    hub = "OpsCloud" if kind == "managed_service" else "Northwind"
    clause = clause_of(_agreement(draft_md(write_deal, data)), "Termination by one of several Parties")
    assert (f"and does not end the participation of the Party that gives it, except that where that Party is {hub}, "
            "the notice ends instead the participation of the Party that gives it, which is then the Departing "
            "Party;") in clause
    assert (f"this Agreement continues between the remaining Parties if {hub} and at least one other Party remain, and "
            f"it terminates on the same date if {hub} is the Departing Party or no other Party remains;") in clause
    assert "end, and no remaining Party takes them over" in clause
    assert "in equal shares" not in clause and "allocated among the remaining Parties" not in clause


def test_a_departure_from_a_joint_undertaking_still_allocates_its_duties(write_deal):
    from .counsel import add_party

    data = add_party(example("helios-orbis-strategic-alliance"), 0, id="third", name="Third Party Pte. Ltd.",
                     short_name="Thirdco")
    clause = clause_of(_agreement(draft_md(write_deal, data)), "Termination by one of several Parties")
    assert "this Agreement continues between the remaining Parties if at least two of them remain" in clause
    assert "are allocated among the remaining Parties as they agree in writing" in clause
    assert "except that where that Party is" not in clause
