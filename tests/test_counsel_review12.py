"""Findings of a twelfth outside reading (counsel for the other side, library 2.10.0): who is reimbursed the costs of
an audit, the late-payment rate each legal system names, the points earlier readings left, and a fresh reading of every
example and its variants. Each test drafts the deal it needs."""

from __future__ import annotations

import pytest

from .counsel import add_party, clause_of, draft_md, example, under

LAWS = ["England and Wales", "New York", "Germany"]


def _agreement(md: str) -> str:
    """The agreement without the notes for the reviewer that follow it."""
    return md.split("**Notes for the reviewer**")[0]


# ── 1: the costs of an audit are reimbursed to the Party that audits, by a stated time ─────────────────────────
@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("parties", [2, 3])
def test_the_costs_of_an_open_book_audit_are_reimbursed_to_the_party_that_audits(write_deal, law, parties):
    """"That Party must also reimburse the reasonable costs of the audit" named no payee (with three Parties, any of
    the others could claim them) and no time for payment."""
    data = example("acme-globex-technology")
    data["budget"]["payment_terms_days"] = 45
    if parties == 3:
        add_party(data, 1, id="third", name="Third Party Limited", short_name="Thirdco")
        data["budget"]["cost_sharing"] = {"acme": 40, "globex": 40, "third": 20}
    audit = clause_of(_agreement(draft_md(write_deal, under(data, law))), "Open-book records and audit")
    assert ("The Party that audits bears the costs of the audit, unless the excess is more than 5% of the costs "
            "audited. In that case, the Party that charged the excess must reimburse the Party that audits the "
            "reasonable costs of the audit within 45 days after receiving an invoice for them.") in audit
    assert "must also reimburse the reasonable costs" not in audit


@pytest.mark.parametrize("law", LAWS)
def test_the_cost_of_an_audit_of_partner_payments_is_reimbursed_to_the_payee(write_deal, law):
    """"In which case the payer must reimburse the reasonable cost of the audit" said neither to whom nor by when."""
    data = example("helios-orbis-strategic-alliance")
    audit = clause_of(_agreement(draft_md(write_deal, under(data, law))), "Records and audit of Partner Payments")
    days = data["payments"]["payment_terms_days"]
    # the payer's days run from its receipt of the report, which the accountant gives only to the payee
    assert ("The accountant may report to the payee only whether the statements were correct and, if not, the amount "
            "of any difference. The payee must give the payer a copy of that report promptly after receiving it. If an "
            "audit shows an underpayment, the payer must pay the difference within") in audit.replace("\n\n", " ")
    assert ("The payee bears the cost of the audit, unless the underpayment is more than 5% of the amount due for the "
            "period audited. In that case, the payer must reimburse the payee the reasonable cost of the audit within "
            f"{days} days after receiving an invoice for it. An overpayment shown by an audit is credited against the "
            f"next Partner Payments due to the payee or, if none will fall due, the payee must repay it within {days} "
            "days after receiving the audit report.") in audit
    assert "within the same period" not in audit


# ── 2: the late-payment rate each legal system names is a rate of that system ─────────────────────────────────
@pytest.mark.parametrize(("law", "rate"), [
    ("California", "the rate of interest that section 3289(b) of the California Civil Code sets for a contract that "
                   "states no rate, whether or not that provision applies to the debt, but not more than the highest "
                   "rate the law permits"),
    ("Netherlands", "the statutory commercial interest rate under article 6:119a of the Dutch Civil Code, whether or "
                    "not that article applies to the debt"),
    ("Delaware", "the legal rate of interest under section 2301 of title 6 of the Delaware Code, but not more than the "
                 "highest rate the law permits"),
    ("New York", "the rate of interest prescribed by section 5004 of the New York Civil Practice Law and Rules, but not "
                 "more than the highest rate the law permits"),
    ("England and Wales", "the rate of statutory interest set by order under section 6 of the Late Payment of "
                          "Commercial Debts (Interest) Act 1998, whether or not that Act applies to the debt"),
    ("Germany", "the rate of default interest under section 288(2) of the German Civil Code (Bürgerliches Gesetzbuch), "
                "whether or not that provision applies to the debt")])
def test_with_no_rate_stated_late_payment_carries_a_rate_of_the_governing_law_by_its_own_name(write_deal, law, rate):
    """California's "legal rate" is the 7% of its Constitution (article XV, section 1); "the legal rate of interest
    under section 3289" named a rate that section does not call so, and a reader could take either 7% or the 10% that
    section 3289(b) sets for a contract that states no rate. The Dutch rate, like the English and German ones, reaches
    only some debts (a cost share or a refund may fall outside article 6:119a), and it is now named as a measure
    whether or not it applies. No figure appears: the deal states no rate."""
    data = example("acme-globex-technology")
    assert "late_interest_percent" not in data["budget"]
    md = _agreement(draft_md(write_deal, under(data, law)))
    late = clause_of(md, "Late payment")
    assert f"interest on that amount from the due date until the date of payment at {rate}. Interest accrues daily." in late
    assert "%" not in late and "legal rate of interest under section 3289" not in md
    assert f"| Late payment interest | {rate.split(', but not more')[0]} |" in md


def test_a_margin_in_a_currency_the_library_does_not_name_is_added_to_a_policy_interest_rate(write_deal):
    """"The main reference rate of the central bank that issues JPY": central banks publish exchange reference rates
    too, and the margin is to be added to an interest rate."""
    data = example("acme-globex-technology")
    data["budget"]["currency"] = "KWD"  # JPY until the library named the Bank of Japan's rate
    data["budget"]["late_interest_percent"] = 4
    late = clause_of(_agreement(draft_md(write_deal, data)), "Late payment")
    assert ("at 4% a year above the main policy interest rate of the central bank that issues KWD as it stands on the "
            "due date.") in late
    assert "reference rate" not in late


# ── 3: points earlier readings left ───────────────────────────────────────────────────────────────────────────
def _health_data_with_flows(flows: int) -> dict:
    """meridian (protected health information under business associate terms) whose Personal Data is shared only in
    the data flows the deal states, none of which names that information."""
    data = example("meridian-opscloud-managed-service")
    data["options"].pop("personal_data")
    flow = {"data": "contact details of the users of the Managed Services", "from": "meridian", "to": "opscloud",
            "role": "controller_to_processor", "purpose": "provide support", "subjects": "employees of Meridian"}
    other = {"data": "contact details of account managers", "from": "opscloud", "to": "meridian",
             "role": "independent_controllers"}
    data["data_protection"] = {"flows": [flow, other][:flows]}
    return data


@pytest.mark.parametrize("law", ["New York", "England and Wales"])
@pytest.mark.parametrize("flows", [1, 2])
def test_the_data_flows_clause_excepts_the_protected_health_information_of_the_business_associate_terms(
        write_deal, law, flows):
    """With US health data and stated data flows, "the Parties share Personal Data under this Agreement only in" the
    flows listed and "no Party processes Personal Data on behalf of another Party … except as this clause states":
    the business associate clause has OpsCloud handle Meridian's protected health information whether or not a flow
    names it, so the two clauses stated opposite facts."""
    md = _agreement(draft_md(write_deal, under(_health_data_with_flows(flows), law)))
    ref = "Section" if law == "New York" else "clause"
    hipaa = md[:md.index(" Protected health information.**")].rsplit("**", 1)[1]
    flows_clause = clause_of(md, "Data flows and roles")
    assert (f" Apart from the protected health information that OpsCloud creates, receives, maintains or transmits for "
            f"Meridian under {ref} {hipaa}, which that {ref} governs, the Parties share Personal Data under this "
            "Agreement only in ") in flows_clause
    assert ("Apart from that protected health information, no Party processes Personal Data on behalf of another "
            "Party, and no Parties are joint controllers of Personal Data, except as this ") in flows_clause


def test_the_data_flows_clause_without_health_data_reads_as_before(write_deal):
    data = _health_data_with_flows(2)
    data["scope"]["managed_service"]["us_health_data"] = False
    flows_clause = clause_of(_agreement(draft_md(write_deal, data)), "Data flows and roles")
    assert "protected health information" not in flows_clause
    assert " The Parties share Personal Data under this Agreement only in the following data flows" in flows_clause
    assert "\n\nNo Party processes Personal Data on behalf of another Party" in flows_clause


@pytest.mark.parametrize("law", ["England and Wales", "New York", "Germany", "Netherlands", "Singapore"])
def test_the_period_for_insolvency_proceedings_others_start_runs_from_the_filing_of_the_application(write_deal, law):
    """"Insolvency proceedings started against it are not dismissed within 60 days" said from when in no system (the
    petition, its service, the hearing?), and German proceedings, once opened, are not dismissed: it is the creditor's
    application that is withdrawn or rejected."""
    md = _agreement(draft_md(write_deal, under(example("acme-globex-technology"), law)))
    if law == "New York":  # since the thirteenth reading, in the words of the Bankruptcy Code (test_counsel_review13)
        assert ("or another person applies to a court to start other insolvency proceedings against it, and the "
                "petition or the application is not dismissed or withdrawn within 60 days after it is filed; or that "
                "anything with an equivalent effect happens to it") in md
    else:
        assert ("that another person applies to a court to start insolvency proceedings against it and the application "
                "is not withdrawn or dismissed within 60 days after it is filed; or that anything with an equivalent "
                "effect happens to it") in md
    assert "proceedings started against it" not in md


@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("customers", [1, 2])
def test_the_priced_step_in_reimbursement_is_three_plain_sentences_measured_against_the_charges_saved(
        write_deal, law, customers):
    """"OpsCloud must reimburse the Party that made the Step-In the reasonable additional costs of the Step-In, unless
    the Step-In was caused by an emergency that OpsCloud did not cause" ran a payee, an amount and an exception into
    one sentence, and "additional" said additional to what in no words: the customer pays no Charges for the affected
    services during the Step-In, so only what its costs exceed those Charges is additional."""
    from .counsel import two_customers

    data = two_customers(pays=True) if customers == 2 else example("meridian-opscloud-managed-service")
    step_in = clause_of(_agreement(draft_md(write_deal, under(data, law))), "Step-in")
    who = "the Party that made the Step-In" if customers == 2 else "Meridian"
    assert (f"The additional costs of a Step-In are the amount by which the reasonable costs that {who} incurs for it "
            "exceed the Charges that, under the preceding sentence, it does not pay for that period. OpsCloud must "
            "reimburse those additional costs "
            f"to {who} within 30 days after receiving an invoice for them. OpsCloud need not reimburse them if the "
            "Step-In was caused by an emergency that OpsCloud did not cause.") in step_in
    assert "unless the Step-In" not in step_in and "pay each reimbursement" not in step_in


def _hudson_with_a_fixed_fee() -> dict:
    """hudson-cobalt, where Hudson pays Cobalt a monthly licence fee for the fraud-scoring service besides the royalty."""
    data = example("hudson-cobalt-technology-us")
    data["payments"]["streams"].append({"id": "scoring-fee", "type": "licence_fee", "payer": "hudson", "payee": "cobalt",
                                        "amount": 5000, "per": "month",
                                        "description": "access to Cobalt's fraud-scoring service"})
    return data


@pytest.mark.parametrize("law", LAWS)
def test_a_service_credit_against_a_royalty_and_a_fixed_fee_has_one_base_and_one_way_to_be_deducted(write_deal, law):
    """Hudson pays Cobalt both a royalty and a fixed monthly fee for the same service: "the charges" for a month could
    be the fee, the royalty on that month's revenue or both, and the credit could be deducted from the next invoice of
    the fee or in the next quarterly statement, each sentence reading as if it applied."""
    md = _agreement(draft_md(write_deal, under(_hudson_with_a_fixed_fee(), law)))
    assert ("Where those charges are only a Partner Payment calculated on revenue, the charges for a calendar month are "
            "that Partner Payment calculated on the revenue its payer receives in that month. Where a Party pays for "
            "the same service both a Partner Payment calculated on revenue and a fixed amount for each month, quarter "
            "or year, the charges for a calendar month are the sum of that Partner Payment so calculated and the part "
            "of the fixed amount that relates to that month, calculated day by day.") in md
    nature = clause_of(md, "Nature of Service Credits")
    assert ("Where the Party entitled to a Service Credit pays for the service concerned by a Partner Payment calculated "
            "on revenue, whether or not it also pays a fixed amount for that service, the preceding sentence does not "
            "apply") in nature
    assert ("The Party owing the Service Credit must invoice that Partner Payment net of the deduction. If the Service "
            "Credit is more than that Partner Payment, the Party owing the Service Credit must pay the difference within "
            "30 days after receiving that statement.") in nature


def test_a_service_credit_against_a_royalty_alone_reads_as_before(write_deal):
    md = _agreement(draft_md(write_deal, example("hudson-cobalt-technology-us")))
    assert "Where those charges are a Partner Payment calculated on revenue, the charges" in md
    assert "fixed amount" not in md.split("Nature of Service Credits.**")[1].split("\n\n**")[0]
    assert "sum of that Partner Payment" not in md


# ── 4: a fresh reading of the examples and their variants ─────────────────────────────────────────────────────
@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("budget_funded", [False, True])
def test_with_several_customers_a_failed_acceptance_frees_only_the_customer_that_gives_notice(write_deal, law,
                                                                                              budget_funded):
    """Meridian and Thirdco: after a second failed acceptance test "each of Meridian and Thirdco may terminate this
    Agreement by notice", which ends only the notifying customer's participation, yet "No Charges are then payable for
    any period" (or, paid through the Budget, "OpsCloud then bears the Charges alone. They are not Shared Costs")
    freed the customer that stays and goes on receiving the Managed Services as well."""
    from .counsel import two_customers
    from .test_counsel_review10 import _budget_funded

    data = _budget_funded(two_customers()) if budget_funded else two_customers(pays=True)
    md = _agreement(draft_md(write_deal, under(data, law)))
    onboarding = clause_of(md, "Onboarding and service commencement")
    ref = "Section" if law == "New York" else "clause"
    assert "each of Meridian and Thirdco may terminate this Agreement by notice. " in onboarding
    if budget_funded:
        assert ("OpsCloud then bears alone the part of the Charges that the Party giving such a notice would otherwise "
                "have borne as Shared Costs up to its Termination Date, and must repay to that Party, through the final "
                f"account under {ref} ") in onboarding
        # after the departure, the clause on termination by one of several Parties shares its part of the Budget
        assert onboarding.rstrip().endswith("every amount it has paid towards the Charges.")
        assert "They are not Shared Costs" not in onboarding
    else:
        assert ("The Party that gives such a notice owes no Charges for any period, despite ") in onboarding
        assert ("and OpsCloud must refund to it all Charges it has paid within 30 days after its Termination Date. The "
                "obligations of the other Parties to pay the Charges do not change.") in onboarding
        assert "No Charges are then payable" not in onboarding


def test_with_one_customer_a_failed_acceptance_reads_as_before(write_deal):
    onboarding = clause_of(_agreement(draft_md(write_deal, example("meridian-opscloud-managed-service"))),
                           "Onboarding and service commencement")
    assert ("If the Managed Services fail the tests a second time, Meridian may terminate this Agreement by notice. No "
            "Charges are then payable for any period, despite Section 19.6, and OpsCloud must refund all Charges paid "
            "within 30 days after the Termination Date.") in onboarding


@pytest.mark.parametrize("customers", [1, 2])
def test_managed_service_exclusivity_binds_each_customer_while_it_is_a_party(write_deal, customers):
    """"While this Agreement is in force, Meridian and Thirdco must not obtain services …": a promise the customers
    could read as given together, and one that bound a customer that had left while the others stayed."""
    from .counsel import two_customers

    data = two_customers(pays=True) if customers == 2 else example("meridian-opscloud-managed-service")
    data["scope"]["exclusive"] = True
    clause = clause_of(_agreement(draft_md(write_deal, data)), "Exclusivity")
    if customers == 2:
        assert (" While it is a party to this Agreement, each of Meridian and Thirdco must not obtain services "
                "substantially the same as the Managed Services from any person other than OpsCloud") in clause
    else:
        assert (" While this Agreement is in force, Meridian must not obtain services substantially the same as the "
                "Managed Services from any person other than OpsCloud") in clause


@pytest.mark.parametrize("stem", ["tri-harbor-joint-venture", "acme-globex-technology"])
def test_the_days_to_agree_a_departing_partys_duties_run_from_the_date_its_participation_ends(write_deal, stem):
    """"Failing agreement within 30 days" named no start for the days the remaining Parties have to agree who takes
    over a Departing Party's duties."""
    data = example(stem)
    if len(data["parties"]) == 2:
        add_party(data, 1, id="third", name="Third Party Limited", short_name="Thirdco")
        data["budget"]["cost_sharing"] = {"acme": 40, "globex": 40, "third": 20}
    clause = clause_of(_agreement(draft_md(write_deal, data)), "Termination by one of several Parties")
    assert ("are allocated among the remaining Parties as they agree in writing or, failing agreement within 30 days "
            "after that date, ") in clause


@pytest.mark.parametrize("law", ["Netherlands", "California"])
@pytest.mark.parametrize("with_budget", [True, False])
def test_returned_products_are_credited_against_the_suppliers_next_invoice_or_refunded_in_time(write_deal, law,
                                                                                                with_budget):
    """"Northwind must then credit the price paid for them against the reseller's next invoice or, if no further invoice
    is due, refund it": the reseller issues Northwind no invoices, and the refund had no time."""
    data = example("northwind-resellers-reseller")
    if not with_budget:
        del data["budget"]
        data["exit"]["transition"]["fees"] = "none"
        data["exit"]["transition"].pop("fixed_fee", None)
        data["terms"] = {"reseller_payment_days": 45}
    returns = clause_of(_agreement(draft_md(write_deal, under(data, law))), "Returns")
    days = 30 if with_budget else 45
    assert ("Northwind must then credit their price to that reseller against the next invoice that Northwind issues to "
            f"it. If Northwind issues no further invoice to that reseller within {days} days after the return, it must "
            "instead refund the price paid within that period.") in returns
    assert "reseller’s next invoice" not in returns


@pytest.mark.parametrize("law", LAWS)
def test_the_supplier_reimburses_a_resellers_defect_costs_within_the_payment_days(write_deal, law):
    """"Northwind must also reimburse the ordering reseller for the reasonable amounts it must pay or credit to its
    customer because of that Defect" set no time for payment."""
    clause = clause_of(_agreement(draft_md(write_deal, under(example("northwind-resellers-reseller"), law))),
                       "Product warranty and defects")
    assert ("Northwind must pay each such reimbursement within 30 days after receiving the reseller’s invoice for "
            "it.") in clause


@pytest.mark.parametrize("customers", [1, 2])
def test_charges_invoiced_above_a_benchmark_reduction_are_credited_against_the_next_invoice_or_refunded(write_deal,
                                                                                                       customers):
    """"OpsCloud must credit any amount it has already invoiced for the period after that day above the reduced
    Charges" said neither against what nor by when."""
    from .counsel import two_customers

    data = two_customers(pays=True) if customers == 2 else example("meridian-opscloud-managed-service")
    clause = clause_of(_agreement(draft_md(write_deal, data)), "Benchmarking")
    who, that = ("the Party to which it invoiced that amount", "that Party") if customers == 2 else ("Meridian", "Meridian")
    assert ("OpsCloud must credit any amount it has already invoiced for the period after that day above the reduced "
            f"Charges against its next invoice for the Charges to {who}. If no further invoice for the Charges falls "
            f"due to {that}, OpsCloud must instead refund any part of that amount already paid within 30 days after "
            "the report is delivered.") in clause


def test_with_several_customers_a_chronic_failure_termination_refunds_only_the_customer_that_leaves(write_deal):
    """"If this Agreement is terminated under clause 18.4, the Charges paid in advance … are refunded …, and OpsCloud
    must also pay … any Service Credits not yet applied. Meridian and Thirdco owe no charge or compensation": Thirdco's
    notice ends only its own participation, yet the refund and the credits read as due to Meridian, which stays."""
    from .counsel import two_customers

    md = _agreement(draft_md(write_deal, two_customers(pays=True)))
    clause = clause_of(md, "Refund of prepaid Charges")
    chronic = md[:md.index(" Chronic service level failure.**")].rsplit("**", 1)[1]
    final = md[:md.index(" Final account of Charges.**")].rsplit("**", 1)[1]
    assert (f" If a Party ends its participation in this Agreement under Section {chronic}, the Charges it paid in "
            f"advance for the period after its Termination Date are refunded to it day by day under Section {final}, "
            "and OpsCloud "
            "must also pay it, within 30 days after its Termination Date, any Service Credits owed to it and not yet "
            "applied. That Party owes no charge or compensation for the early termination. The Charges and Service "
            "Credits of the other Parties do not change.") in clause
    single = clause_of(_agreement(draft_md(write_deal, example("meridian-opscloud-managed-service"))),
                       "Refund of prepaid Charges")
    assert "Meridian owes no charge or compensation for the early termination." in single


@pytest.mark.parametrize("personal_data", ["none", None])
def test_only_other_personal_data_received_without_terms_must_be_deleted_beside_protected_health_information(
        write_deal, personal_data):
    """"If a Party receives Personal Data from another Party without such terms, it must … delete the Personal Data":
    the protected health information OpsCloud must host for Meridian under the business associate terms is Personal
    Data received with no terms of this clause, and the sentence still reached it."""
    data = example("meridian-opscloud-managed-service")
    if personal_data is None:
        data["options"].pop("personal_data")
    else:
        data["options"]["personal_data"] = personal_data
    md = _agreement(draft_md(write_deal, data))
    title = "No sharing of Personal Data" if personal_data else "Roles for Personal Data"
    clause = clause_of(md, title)
    assert "If a Party receives any other Personal Data from another Party without such terms" in clause
    assert "delete that Personal Data" in clause or "must not use that Personal Data" in clause


def test_without_health_data_personal_data_received_without_terms_reads_as_before(write_deal):
    data = example("meridian-opscloud-managed-service")
    data["options"]["personal_data"] = "none"
    data["scope"]["managed_service"]["us_health_data"] = False
    clause = clause_of(_agreement(draft_md(write_deal, data)), "No sharing of Personal Data")
    assert ("If a Party receives Personal Data from another Party without such terms, it must notify that Party "
            "promptly and, unless they agree otherwise, delete the Personal Data without undue delay.") in clause


@pytest.mark.parametrize("customers", [1, 2])
def test_a_managed_service_with_charges_and_a_budget_refunds_within_the_budget_payment_terms(write_deal, customers):
    """A managed service with Charges and a Budget, whose payments section states no payment terms (the Budget's
    apply): the refund after a second failed acceptance test read `payments.payment_terms_days` alone, and the draft
    stopped with "expected a number, got None"."""
    from .counsel import two_customers

    data = two_customers(pays=True) if customers == 2 else example("meridian-opscloud-managed-service")
    data["payments"].pop("payment_terms_days")
    shares = {p["id"]: 0 for p in data["parties"]}
    shares.update(meridian=50, opscloud=50)
    data["budget"] = {"currency": "USD", "total": 500000, "cost_sharing": shares, "payment_terms_days": 45,
                      "invoicing": "monthly"}
    onboarding = clause_of(_agreement(draft_md(write_deal, data)), "Onboarding and service commencement")
    assert "within 45 days after " + ("its " if customers == 2 else "the ") + "Termination Date" in onboarding
