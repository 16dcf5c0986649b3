"""Findings of a ninth outside reading (counsel for the other side, library 2.7.0): the points the eighth reading
left (the Irish statutory rate as a measure, Service Credits in a managed service paid through the Budget, who
carries cyber insurance, exclusivity under California law) and a reading of the clauses they touch under every legal
system. Each test drafts the deal it needs."""

from __future__ import annotations

import pytest

from termsmith import api

from .counsel import add_party, clause_of, draft_md, example, two_customers, under

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
    payments = example("brightpath-lumen-referral-alliance")
    del payments["payments"]["late_interest_percent"]
    text = clause_of(draft_md(write_deal, under(payments, "Ireland")), "Invoicing and payment of Partner Payments")
    assert f"carries interest from the due date until the date of payment at {IRISH_RATE}. Interest accrues daily." in text
    english = clause_of(draft_md(write_deal, deal_data), "Late payment")
    assert ("the rate of statutory interest set by order under section 6 of the Late Payment of Commercial Debts "
            "(Interest) Act 1998, whether or not that Act applies to the debt") in english


def test_an_irish_margin_yields_to_the_regulations_rate_only_for_a_debt_they_reach(deal_data, write_deal):
    """"The higher of" a stated margin and the Regulations' rate guards against a margin the Regulations would hold
    grossly unfair (2.7.0); a debt they do not reach (a share of the Budget) has no such rate, and the margin the
    Parties agreed governs it. "Whether or not those Regulations apply" there would make a stated margin below 8 points
    count for nothing on every debt."""
    data = under(deal_data, "Ireland")
    data["budget"]["late_interest_percent"] = 4
    text = clause_of(draft_md(write_deal, data), "Late payment")
    assert ("at the higher of 4% a year above the European Central Bank’s main refinancing operations rate as it stands "
            f"on the due date and the rate of interest for late payment that {IRISH_REGULATIONS} prescribe for a debt to "
            "which they apply. Interest accrues daily.") in text
    assert "whether or not" not in text


def test_an_irish_reseller_invoice_without_a_budget_carries_the_regulations_rate(write_deal):
    data = under(example("northwind-resellers-reseller"), "Ireland")
    del data["budget"]
    data["exit"]["transition"]["fees"] = "none"
    data["exit"]["transition"].pop("fixed_fee", None)
    text = clause_of(draft_md(write_deal, data), "Prices")
    assert f"carries interest from the due date until the date of payment at {IRISH_RATE}. Interest accrues daily." in text


# ── 2: a managed service paid through the Budget has no price for a Service Credit to adjust ─────────
def _agreement(md: str) -> str:
    """The agreement without the notes for the reviewer that follow it."""
    return md.split("**Notes for the reviewer**")[0]


def _budget_funded(**extra_streams) -> dict:
    """meridian paid through a Budget that Meridian funds, with no Charges (benchmarking needs Charges, so it goes)."""
    data = example("meridian-opscloud-managed-service")
    del data["payments"]
    del data["scope"]["managed_service"]["benchmarking"]
    data["budget"] = {"currency": "USD", "total": 3060000, "cost_sharing": {"meridian": 100, "opscloud": 0},
                      "payment_terms_days": 30, "invoicing": "monthly"}
    if extra_streams:
        data["payments"] = {"currency": "USD", "payment_terms_days": 30, "streams": [extra_streams]}
    return data


@pytest.mark.parametrize("law", ["New York", "England and Wales", "Germany"])
def test_a_managed_service_paid_through_the_budget_offers_no_service_credits(write_deal, law):
    """The credits were "applied to the Charges that Party pays for those Managed Services for the Measurement
    Period", but the Charges of such a deal "form part of the Budget", which shares the provider's costs and sets no
    price: nothing said what a 5% credit was 5% of, or which invoice it reduced, while the credits clause calls them
    "a price adjustment". The credits are left out, every Service Level falls under the remedy plan's escalation,
    and `check` says so at the credit tiers."""
    data = under(_budget_funded(), law)
    md = draft_md(write_deal, data)
    assert "Service Credit" not in _agreement(md)
    plan = clause_of(md, "Remedy plans")
    assert "If a Service Level is not met again in the Measurement Period after the one in which the remedy plan is due" in plan
    assert "whether or not Service Credits" not in md
    # the limit of liability still measures the amounts paid through the Budget, not a share the provider may not bear
    assert "the total of all amounts paid and payable under this Agreement by any Party to another" in clause_of(
        md, "Limit of liability")
    warnings = [w for w in api.check(write_deal(data)).warnings if w.path.startswith("slas.metrics")]
    assert [w.path for w in warnings] == ["slas.metrics[0].credits", "slas.metrics[1].credits", "slas.metrics[2].credits"]
    assert all("paid through the budget" in w.message and "service_charge" in w.message for w in warnings)


def test_another_payment_to_the_provider_of_a_budget_funded_service_is_no_price_for_credits(write_deal):
    """A licence fee Meridian pays OpsCloud besides the Budget is not the Charges the credits clause reduces."""
    data = _budget_funded(id="tooling", type="licence_fee", payer="meridian", payee="opscloud", amount=2000, per="month",
                          description="the monitoring tooling")
    assert "Service Credit" not in _agreement(draft_md(write_deal, data))


def test_a_managed_service_with_charges_keeps_its_service_credits(write_deal):
    md = draft_md(write_deal, example("meridian-opscloud-managed-service"))
    assert ("it must give each Party that pays Charges for the Managed Services concerned a credit (a **“Service "
            "Credit”**)") in clause_of(md, "Service credits")
    assert "Service Credits paid or credited count towards the limit" in clause_of(md, "Limit of liability")


# ── 3: cyber insurance binds the Party that holds another Party's data ──────────────────────────────
# the cyber cover by the name each market gives it (2.8.0): the English and US one elsewhere
CYBER = {"Netherlands": "cyber insurance (cyberverzekering)", "Germany": "cyber insurance (Cyberversicherung)"}


@pytest.mark.parametrize("law", ["New York", "Singapore", "Germany"])
def test_only_the_provider_of_a_managed_service_must_carry_cyber_insurance(write_deal, law):
    """"cyber liability insurance …, if it holds or processes data of another Party or Personal Data under this
    Agreement" bound the customer, which processes its own Personal Data (its patients', in meridian) under the
    Agreement, to buy cover for the security of systems the provider runs."""
    for data in (example("meridian-opscloud-managed-service"), two_customers(pays=True)):
        text = clause_of(draft_md(write_deal, under(data, law)), "Insurance cover")
        assert (f"(d) for OpsCloud only, {CYBER.get(law, 'cyber liability insurance')} covering security incidents "
                "and the loss, theft or unauthori") in text
        assert ("disclosure of the data it holds or processes in providing the Managed Services, including Personal "
                "Data.") in text
        assert "or Personal Data under this Agreement" not in text


@pytest.mark.parametrize("stem", ["northwind-resellers-reseller", "tri-harbor-joint-venture",
                                  "hudson-cobalt-technology-us"])
def test_cyber_insurance_outside_a_managed_service_follows_another_partys_data(write_deal, stem):
    """A Party that processes only its own Personal Data "under this Agreement" (a reseller's own customers) need
    not insure it for the others; a Party that holds data of another Party, or Personal Data it received from or
    processes for another, must."""
    text = clause_of(draft_md(write_deal, example(stem)), "Insurance cover")
    name = CYBER["Netherlands"] if stem.startswith("northwind") else "cyber liability insurance"  # under Dutch law
    assert f"{name} covering security incidents and the loss, theft or unauthori" in text
    assert ("disclosure of data, if it holds or processes data of another Party under this Agreement, including "
            "Personal Data it has received from, or processes for, another Party.") in text
    none = clause_of(draft_md(write_deal, example("helios-orbis-strategic-alliance")), "Insurance cover")
    assert none.rstrip().endswith("if it holds or processes data of another Party under this Agreement.\n\nA Party "
                                  "must keep any insurance that is written on a claims-made basis in force for at least "
                                  "2 years after the Termination Date.")


# ── 4: exclusivity under California law ───────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("stem", "title", "opening"), [
    ("northwind-resellers-reseller", "Exclusivity",
     "While this Agreement is in force, Northwind must not appoint any reseller, distributor or agent other than "
     "Vanderlinde for the Products"),
    ("tri-harbor-joint-venture", "No competition with the joint venture",
     "While it is a party to this Agreement and holds shares in the Company, no Party may carry on"),
    ("solent-northgate-contractual-joint-venture", "No competition with the joint venture",
     "While it is a party to this Agreement, no Party may carry on"),
])
def test_a_californian_exclusivity_binds_only_while_the_relationship_lasts(write_deal, stem, title, opening):
    """Kept as written. Between businesses, section 16600 of the Business and Professions Code voids only a restraint
    that is unreasonable (Ixchel Pharma v. Biogen, 2020), and exclusive dealing is judged by the rule of reason, by the
    share of the market it forecloses: an exclusive appointment of a reseller by its supplier, and a co-venturer's
    promise not to compete with the venture while it takes part in it (the duty a partner owes under section
    16404(b)(3) of the Corporations Code), each serve the relationship and end with it. None outlives the Party's
    participation, which is what the per se rule of Edwards v. Arthur Andersen (2008), and the 2024 amendments to
    section 16600, strike down in employment."""
    data = under(example(stem), "California")
    data["scope"]["exclusive"] = stem.startswith("northwind")
    text = clause_of(draft_md(write_deal, data), title)
    assert text.startswith(f" {title}.** {opening}")
    assert "after the Termination Date" not in text and "after it ceases" not in text


@pytest.mark.parametrize("law", ["California", "Germany"])
def test_an_exclusivity_of_three_parties_binds_a_party_only_while_it_is_a_party(write_deal, law):
    """"While this Agreement is in force, no Party may … enter into an arrangement with a third party that has
    substantially the same purpose": with three Parties the Agreement goes on after one of them departs, and the words
    could be read to bind the departed Party, which no longer takes part in what the restraint protects. Under
    California law such a restraint no longer serves a continuing relationship (Ixchel), and under EU competition
    law it is no ancillary restraint. The joint venture non-compete already says "while it is a party" (2.7.0)."""
    data = under(example("tri-harbor-joint-venture"), law)
    data["scope"]["exclusive"] = True
    data["scope"]["joint_venture"]["may_compete"] = True
    text = clause_of(draft_md(write_deal, data), "Exclusivity")
    assert text.startswith(" Exclusivity.** While it is a party to this Agreement, no Party may, without the prior "
                           "written consent of the other Parties, enter into an arrangement with a third party that has "
                           "substantially the same purpose as this Agreement.")
    two = under(example("helios-orbis-strategic-alliance"), law)
    two["scope"]["exclusive"] = True
    assert clause_of(draft_md(write_deal, two), "Exclusivity").startswith(
        " Exclusivity.** While this Agreement is in force, no Party may, without the prior written consent of the other "
        "Party, enter into an arrangement")


@pytest.mark.parametrize("stem", ["tri-harbor-joint-venture", "solent-northgate-contractual-joint-venture"])
@pytest.mark.parametrize("law", ["England and Wales", "Germany", "California"])
def test_a_joint_venture_non_compete_leaves_a_business_a_party_already_runs(write_deal, stem, law):
    """The non-compete barred every competing business, one a Party already ran at signing too, so that Party was in
    breach from the first day. A business carried on at the Effective Date and described in writing to the others
    before it, or an interest held in one then, may go on in substantially the same scope while the interest does not
    increase; the restriction stays negative for everything else."""
    text = clause_of(draft_md(write_deal, under(example(stem), law)), "No competition with the joint venture")
    others = "the other Parties" if stem.startswith("tri-harbor") else "the other Party"  # three Parties, or two
    assert "no Party may carry on, or hold an interest in, a business that competes with" in text
    assert ("This restriction does not apply to a business that a Party carried on, or in which it held an interest, "
            f"at the Effective Date and that it had described in writing to {others} before that date, for as long as "
            "that business is carried on in substantially the same scope and that Party’s interest in it does not "
            "increase.") in text


def test_a_german_draft_names_the_section_288_rate_as_a_measure_and_a_floor_only_where_it_applies(deal_data,
                                                                                                 write_deal):
    """Section 288(2) of the German Civil Code sets its rate only for a claim for consideration between businesses; a
    share of the Budget or a refund falls under section 288(1). Without a margin, the draft names the section 288(2)
    rate "whether or not that provision applies to the debt", as English and Irish drafts name theirs; with a margin,
    that rate is its floor only for a debt it reaches (section 288(6) voids a limit only there)."""
    german = "the rate of default interest under section 288(2) of the German Civil Code (Bürgerliches Gesetzbuch)"
    md = draft_md(write_deal, under(deal_data, "Germany"))
    assert (f"until the date of payment at {german}, whether or not that provision applies to the debt. Interest "
            "accrues daily.") in clause_of(md, "Late payment")
    data = under(deal_data, "Germany")
    data["budget"]["late_interest_percent"] = 4
    text = clause_of(draft_md(write_deal, data), "Late payment")
    assert (f"and {german} for a debt to which that provision applies. Interest accrues daily.") in text
    assert "whether or not" not in text


@pytest.mark.parametrize("law", ["Netherlands", "England and Wales", "California"])
def test_an_exclusivity_for_several_resellers_names_only_those_still_parties(write_deal, law):
    """With several resellers the supplier may end one reseller's participation for a missed minimum, and the
    Agreement goes on with the others; the exclusivity still named the departed reseller as one the supplier may
    appoint and sent it every enquiry. A draft for one reseller reads as before."""
    data = add_party(example("northwind-resellers-reseller"), 1, id="second", name="Second Reseller B.V.",
                     short_name="Secondco")
    data["scope"]["exclusive"] = True
    data["budget"]["cost_sharing"] = {"northwind": 70, "vanderlinde": 20, "second": 10}
    text = clause_of(draft_md(write_deal, under(data, law)), "Exclusivity")
    assert ("Northwind must not appoint any reseller, distributor or agent for the Products in Belgium, the Netherlands "
            "and Luxembourg other than those of Vanderlinde and Secondco that are then parties to this Agreement.") in text
    assert "for the Products to each of them that is then a party to this Agreement, at the same time." in text
    one = under(example("northwind-resellers-reseller"), law)
    one["scope"]["exclusive"] = True
    assert ("Northwind must not appoint any reseller, distributor or agent other than Vanderlinde for the Products in "
            "Belgium") in clause_of(draft_md(write_deal, one), "Exclusivity")


@pytest.mark.parametrize("law", ["Netherlands", "Germany", "England and Wales"])
def test_the_cyber_cover_carries_the_name_its_market_gives_it(deal_data, write_deal, law):
    """The other covers carried their Dutch and German names; the cyber cover kept the English one."""
    text = clause_of(draft_md(write_deal, under(deal_data, law)), "Insurance cover")
    assert f"(d) {CYBER.get(law, 'cyber liability insurance')} covering security incidents" in text, text
