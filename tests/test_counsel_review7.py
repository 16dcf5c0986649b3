"""Findings of a seventh outside reading (counsel for the other side, library 2.5.1): a German or Dutch late-payment
margin below the statutory rate, a German cap below the loss typical for the contract, a German no-poach period
longer than the courts uphold, a Californian non-solicitation covenant, a German escrow released only on
insolvency, and a joint venture capital call that a status quo deadlock would stop. Each test drafts the deal it
needs."""

from __future__ import annotations

import copy

import pytest

from .counsel import clause_of, draft_md, example, under


# ── 1: a stated late-payment margin never reads below a civil code's statutory rate ─────────────────
@pytest.mark.parametrize(("law", "statutory"), [
    ("Germany", "the rate of default interest under section 288(2) of the German Civil Code (Bürgerliches Gesetzbuch) "
                "for a debt to which that provision applies"),
    ("Netherlands", "the statutory commercial interest rate under article 6:119a of the Dutch Civil Code")])
def test_a_stated_late_payment_margin_is_never_below_the_statutory_commercial_rate(deal_data, write_deal, law,
                                                                                   statutory):
    """acme-globex with a stated margin of 4%: "4% a year above the European Central Bank's main refinancing
    operations rate" sits below the German rate of 9 points above the base rate (section 288(2) BGB) and the Dutch
    statutory commercial rate, and an agreement that limits the statutory interest may be void (section 288(6) BGB,
    article 6:119a BW)."""
    data = under(deal_data, law)
    data["budget"]["late_interest_percent"] = 4
    md = draft_md(write_deal, data)
    rate = (f"the higher of 4% a year above the European Central Bank’s main refinancing operations rate as it stands "
            f"on the due date and {statutory}")
    assert f"until the date of payment at {rate}. Interest accrues daily." in clause_of(md, "Late payment")
    assert f"| Late payment interest | {rate} |" in md
    payments = under(example("brightpath-lumen-referral-alliance"), law)
    text = clause_of(draft_md(write_deal, payments), "Invoicing and payment of Partner Payments")
    assert (f"at the higher of 8% a year above the Bank of England’s Bank Rate as it stands on the due date and "
            f"{statutory}. Interest accrues daily.") in text
    # the common law systems keep the margin the deal states, alone
    english = copy.deepcopy(deal_data)
    english["budget"]["late_interest_percent"] = 4
    assert "higher of" not in clause_of(draft_md(write_deal, english), "Late payment")


# ── 2: a German cap and exclusion stop at the loss typical for the contract ─────────────────────────
def test_a_german_cap_does_not_reduce_liability_for_an_essential_obligation_below_the_typical_loss(deal_data,
                                                                                                  write_deal):
    """acme-globex under German law: the cap was a fixed amount (each Party's Annual Budget Share) and the exclusion
    reached lost profits "even if it was foreseeable"; in standard terms, liability for breaching an obligation
    essential to the contract may be limited only to the loss foreseeable and typical for it (section 307 BGB)."""
    md = draft_md(write_deal, under(deal_data, "Germany"))
    cap = clause_of(md, "Limit of liability")
    assert ("No limit in this clause 13.2, and no exclusion in clause 13.3, reduces the liability of a Party for the "
            "breach of an Essential Obligation below the loss that was foreseeable, and typical for an agreement of "
            "this kind, when this Agreement was made. An **“Essential Obligation”** (wesentliche Vertragspflicht) is "
            "an obligation whose performance makes the proper performance of this Agreement possible in the first "
            "place and on whose performance the other Party may regularly rely.") in cap
    assert ("nor for the loss that clause 13.2 preserves for the breach of an Essential Obligation."
            in clause_of(md, "Excluded losses"))
    assert ("injury to life, body or health (Verletzung des Lebens, des Körpers oder der Gesundheit) caused by its "
            "negligence or that of the persons it uses to perform its obligations;") in clause_of(md, "Unlimited liability")
    three = under(example("tri-harbor-joint-venture"), "Germany")
    assert "on whose performance the other Parties may regularly rely" in draft_md(write_deal, three)
    # other systems keep their own words (US drafts say "bodily injury or death" since 2.7.0)
    for law, injury in (("Netherlands", "death or personal injury"), ("England and Wales", "death or personal injury"),
                        ("New York", "bodily injury or death")):
        other = draft_md(write_deal, under(deal_data, law))
        assert "Essential Obligation" not in other and f"{injury} caused by its negligence" in other


# ── 3: a German no-poach period is at most two years ─────────────────────────────────────────────────
def test_a_german_deal_cannot_ask_for_a_non_solicitation_period_over_two_years(deal_data, write_deal):
    """2.5.1 warned and drafted "for 36 months after the Termination Date" under German law, a period the courts
    do not uphold between businesses (BGH I ZR 245/12, section 75f HGB) and that may bring down the whole
    covenant; the draft can state neither that period nor a shorter one the deal did not choose."""
    from termsmith import api
    from termsmith.errors import InputError

    data = under(deal_data, "Germany")
    data["exit"]["post_termination"]["non_solicitation_months"] = 36
    path = write_deal(data)
    with pytest.raises(InputError) as raised:
        api.check(path)
    message = str(raised.value)
    assert "exit.post_termination.non_solicitation_months: under German law at most 24 months" in message
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "non_solicitation_months" in text)
    assert f":{line}:" in message
    data["exit"]["post_termination"]["non_solicitation_months"] = 24
    assert "for 24 months after the Termination Date" in clause_of(draft_md(write_deal, data),
                                                                   "Non-solicitation of personnel")


# ── 4: a Californian non-solicitation covenant reaches only a solicitation that uses a trade secret ──────
def test_a_californian_non_solicitation_covenant_reaches_only_solicitation_with_a_trade_secret(deal_data, write_deal):
    """acme-globex under California law: "no Party may … solicit or try to entice away … any of its employees" is
    doubtful after AMN Healthcare v. Aya (2018) under section 16600 of the Business and Professions Code; the
    restraint that holds is one against a solicitation that uses a trade secret. The exceptions and the
    reasonableness clause spoke of hiring and of the workforce, which the restriction no longer protects."""
    md = draft_md(write_deal, under(deal_data, "California"))
    assert ("no Party may, without the prior written consent of the Party concerned, directly or indirectly use a "
            "trade secret of another Party (within the meaning of section 3426.1 of the California Civil Code) to "
            "solicit, or to try to entice away from that Party, any of its employees or individual contractors who "
            "were involved in performing this Agreement in the 12 months before the solicitation.") in clause_of(
                md, "Non-solicitation of personnel")
    exceptions = md[md.index("Section 19.1 restricts"):]
    assert exceptions.startswith("Section 19.1 restricts only a solicitation that uses a trade secret. It does not "
                                 "prevent a Party from:")
    assert "(b) employing or engaging any person, including a person who responds" in exceptions
    assert "ended at least" not in exceptions.split("## 20")[0]
    assert "legitimate interest of each Party in its trade secrets." in clause_of(md, "Reasonableness")
    for law in ("Delaware", "Germany"):
        other = draft_md(write_deal, under(deal_data, law))
        assert "trade secret of another Party" not in other and "in its workforce and know-how" in other
        assert "(b) employ or engage any such person." in other


# ── 5: a German escrow does not rest on a release for insolvency alone ─────────────────────────────────
def test_a_german_escrow_licence_is_granted_at_signing_and_released_on_more_than_insolvency(write_deal):
    """hudson-cobalt under German law: the deposit was released on an Insolvency Event, on Cobalt stopping support
    or on an unremedied Material Breach, and the right to use it arose only on release; an insolvency administrator
    may refuse to perform (section 103 InsO) and a right arising only on insolvency may be void (section 119 InsO)."""
    from .variants import _third_party

    data = under(example("hudson-cobalt-technology-us"), "Germany")
    text = clause_of(draft_md(write_deal, data), "Source code escrow")
    assert ("or if support that is due is not provided within 30 days after notice from the other Party, for any "
            "reason, including a refusal by an insolvency administrator to perform this Agreement. Each of those "
            "grounds for release applies independently of the others.") in text
    assert ("Cobalt grants the other Party, with effect from the Effective Date and subject only to the release of the "
            "deposit, a non-exclusive licence to use, copy, modify and build the deposited source code and "
            "documentation to support and maintain the Combined Offering for customers with contracts at the time of "
            "the release, for as long as those contracts last. The licence is granted in return for the obligations of "
            "the other Party under this Agreement, and needs no further act of Cobalt to take effect.") in text
    data["terms"] = {"escrow_support_notice_days": 45}
    _third_party(data)
    three = clause_of(draft_md(write_deal, data), "Source code escrow")
    assert "within 45 days after notice from a Party, for any reason" in three
    assert "Cobalt grants the other Parties, with effect from the Effective Date" in three
    # (US drafts grant the licence at signing too since library 2.7.0, test_counsel_review8; English ones do not)
    english = clause_of(draft_md(write_deal, under(example("hudson-cobalt-technology-us"), "England and Wales")),
                        "Source code escrow")
    assert "insolvency administrator" not in english and "grants" not in english


# ── 6: a status quo Deadlock does not stop the funding the approved Business Plan provides ────────────
def test_a_status_quo_deadlock_leaves_the_business_plan_funding_callable_by_a_party(write_deal):
    """tri-harbor with a status quo deadlock: a call is a Board resolution, so a Board that did not decide it twice
    was in Deadlock and "the matter is not done", while the Company had to be run in accordance with the Business
    Plan that all Parties approved and that provides for the funding."""
    from .variants import _two_parties

    data = example("tri-harbor-joint-venture")
    data["scope"]["joint_venture"]["deadlock"]["resolution"] = "status_quo"
    md = draft_md(write_deal, data)
    assert ("(a) the matter is not done, and the Company continues to be run in accordance with the last approved "
            "Business Plan, and a call for further funding that the Business Plan provides for may still be made under "
            "clause 5.2; and") in clause_of(md, "Deadlock")
    assert ("If the Board has not made a call for funding that the Business Plan provides for by the date the Business "
            "Plan needs that funding, any Party may make the call instead, by the same notice to each Party and to the "
            "Company, and the call has the same effect as one made by the Board.") in clause_of(md, "Further funding")
    _two_parties(data)
    assert "needs that funding, either Party may make the call instead" in clause_of(draft_md(write_deal, data),
                                                                                      "Further funding")
    data["scope"]["joint_venture"].pop("capital_calls")
    text = clause_of(draft_md(write_deal, data), "Deadlock")
    assert "(a) the matter is not done, and the Company continues to be run in accordance with the last approved Business Plan; and" in text


# ── further reading: a Dutch or German company is dissolved and liquidated, not wound up ─────────────
@pytest.mark.parametrize("law", ["Germany", "Netherlands"])
def test_a_civil_law_joint_venture_company_is_dissolved_and_liquidated_everywhere(write_deal, law):
    """tri-harbor under German or Dutch law: 2.5.0 liquidated the Company in the exit and deadlock clauses, but the
    reserved matters still listed "winding up the Company", the shareholdings gave rights "on a winding up", and the
    deadlock notice required the Company "to be wound up": the English procedure, which the codes do not know."""
    md = draft_md(write_deal, under(example("tri-harbor-joint-venture"), law))
    assert "(g) starting or settling litigation, or dissolving and liquidating the Company." in md
    assert "An issue or transfer of shares, or a dissolution and liquidation of the Company, that this Agreement" in md
    assert "to the assets of the Company on its liquidation, follow its shareholding." in md
    assert "give notice requiring the Company to be dissolved and liquidated;" in md
    assert "wound up" not in md and "winding up" not in md.replace("passed for its winding up", "")
    english = draft_md(write_deal, example("tri-harbor-joint-venture"))
    assert "or winding up the Company." in english and "requiring the Company to be wound up" in english


# ── further reading: fraud in the words of a civil code ──────────────────────────────────────────────
@pytest.mark.parametrize(("law", "fraud"), [
    ("Germany", "(b) fraudulent deceit (arglistige Täuschung) or the fraudulent concealment of a defect "
                "(arglistiges Verschweigen);"),
    ("Netherlands", "(b) fraud (bedrog);"),
    ("England and Wales", "(b) fraud or fraudulent misrepresentation;")])
def test_unlimited_liability_for_fraud_is_named_in_the_governing_law_s_terms(deal_data, write_deal, law, fraud):
    """acme-globex under German or Dutch law listed "fraud or fraudulent misrepresentation", an English tort, among
    the liabilities nothing limits."""
    assert fraud in clause_of(draft_md(write_deal, under(deal_data, law)), "Unlimited liability")


# ── further reading: a German GmbH's shareholders' agreement needs a notary ──────────────────────────
@pytest.mark.parametrize(("jurisdiction", "form", "warned"), [
    ("Germany", "Gesellschaft mit beschränkter Haftung (GmbH)", True),
    ("Frankfurt am Main, Germany", "private limited company", True),
    ("Singapore", "private company limited by shares", False)])
def test_check_warns_that_share_transfer_duties_in_a_german_gmbh_need_notarial_form(write_deal, jurisdiction, form,
                                                                                    warned):
    """tri-harbor with its company incorporated in Germany: the agreement binds the Parties to transfer shares (pre-
    emption, drag-along, default call option, deadlock buy-out, sale at the end), and section 15(4) of the German
    Limited Liability Companies Act makes a promise to transfer a share in a GmbH binding only if a notary records it,
    whatever law governs the agreement; nothing said so."""
    from termsmith import api

    data = example("tri-harbor-joint-venture")
    data["scope"]["joint_venture"]["vehicle"].update(jurisdiction=jurisdiction, form=form,
                                                     name="TriHarbor Digital Terminals GmbH" if warned else
                                                     "TriHarbor Digital Terminals Pte. Ltd.")
    found = [w for w in api.check(write_deal(data)).warnings if w.path == "scope.joint_venture.vehicle.jurisdiction"]
    assert bool(found) is warned
    if warned:
        assert "section 15(4) of the Limited Liability Companies Act (GmbHG)" in found[0].message
        assert "recorded by a German notary" in found[0].message
        assert found[0].line is not None


# ── further reading: urgent relief in a civil code's procedure ────────────────────────────────────────
@pytest.mark.parametrize(("law", "relief"), [
    ("Germany", "for a preliminary injunction (einstweilige Verfügung) or other urgent interim relief to preserve its "
                "rights"),
    ("Netherlands", "for an order in summary proceedings (kort geding) or other urgent provisional relief to preserve "
                    "its rights"),
    ("England and Wales", "for an injunction or other urgent interim relief to prevent irreparable harm or to "
                          "preserve its rights")])
def test_urgent_relief_is_named_in_the_procedure_of_the_governing_law(deal_data, write_deal, law, relief):
    """acme-globex under German or Dutch law: "an injunction … to prevent irreparable harm" is the test of an
    equitable injunction; the codes grant interim relief on the ground of urgency."""
    assert relief in clause_of(draft_md(write_deal, under(deal_data, law)), "Urgent relief")


# ── further reading: a German supplier's warranty period in standard terms ───────────────────────────
@pytest.mark.parametrize(("law", "days", "warned"), [("Germany", 90, True), ("Germany", 365, False),
                                                      ("Netherlands", 90, False)])
def test_check_warns_of_a_german_defect_warranty_shorter_than_a_year(write_deal, law, days, warned):
    """northwind under German law: "free from any Defect for 90 days after its delivery", and a Defect counts only if
    notified within that period; the Civil Code gives two years from delivery (section 438), and standard terms may
    not shorten that below one year for new products (section 307, with section 309 no. 8(b)(ff) as its measure)."""
    from termsmith import api

    data = under(example("northwind-resellers-reseller"), law)
    data["scope"]["reseller"]["warranty_days"] = days
    found = [w for w in api.check(write_deal(data)).warnings if w.path == "scope.reseller.warranty_days"]
    assert bool(found) is warned
    if warned:
        assert "section 438 of the German Civil Code" in found[0].message and found[0].line is not None
