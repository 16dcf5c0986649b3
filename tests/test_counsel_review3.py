"""Findings of a third outside review (counsel for the other side, reading drafts of library 2.1.0 under every
legal system the library supports, minimal deals and deals of three or more Parties): each legal system's own
vocabulary and doctrine, sentences that must read right when an optional section is absent, and mechanisms that
must work where the deal's law has no such institution. Each test drafts the deal it needs."""

from __future__ import annotations

from . import variants
from .counsel import clause_of, draft_md, example, under


# ── a sentence whose optional parts are absent still reads ─────────────────────────────────────
def test_without_transition_or_customer_support_the_recipient_keeps_what_a_licence_needs(deal_data, write_deal):
    deal_data["exit"]["transition"]["assistance_months"] = 0
    deal_data["exit"]["post_termination"].pop("existing_customer_support_months")
    md = draft_md(write_deal, deal_data)
    assert ("the Recipient may keep and use the Confidential Information it needs to exercise a licence that "
            "continues under clause") in md
    assert "it needs or to exercise" not in md


def test_with_transition_and_customer_support_the_recipient_keeps_what_each_needs(deal_data, write_deal):
    md = draft_md(write_deal, deal_data)
    assert ("it needs to provide or receive transition assistance under clause 18.2, to support existing customers "
            "under clause 18.5, or to exercise a licence that continues under clause 18.9,") in md


def test_without_e_mail_addresses_a_notice_goes_by_hand_or_by_courier(deal_data, write_deal):
    for party in deal_data["parties"]:
        party.pop("notices_email", None)
    md = draft_md(write_deal, deal_data)
    assert ("must be delivered by hand or sent by a recognised courier service, to the following addresses:") in md
    assert "by hand, sent by a recognised courier service, to" not in md


def test_with_e_mail_addresses_a_notice_may_also_go_by_e_mail(deal_data, write_deal):
    md = draft_md(write_deal, deal_data)
    assert ("must be delivered by hand, sent by a recognised courier service or sent by e-mail, to the following "
            "addresses:") in md


# ── three or more Parties: a deadlocked matter under the status quo ───────────────────────────
def test_with_three_shareholders_any_party_may_propose_a_deadlocked_matter_again(write_deal):
    data = example("tri-harbor-joint-venture")
    data["scope"]["joint_venture"]["deadlock"]["resolution"] = "status_quo"
    three = draft_md(write_deal, data)
    assert "(b) any Party may propose the matter again only after" in three
    assert "either Party" not in three
    variants._two_parties(data)
    two = draft_md(write_deal, data)
    assert "(b) either Party may propose the matter again only after" in two


# ── the Company joins the agreement by the instrument its law knows ───────────────────────────
def test_the_company_adheres_by_a_joinder_agreement_under_us_law(write_deal):
    md = draft_md(write_deal, under(example("tri-harbor-joint-venture"), "Delaware"))
    assert "the Parties must cause the Company to sign a joinder agreement by which it adheres" in md  # 2.9.0
    assert "deed" not in md


def test_the_company_adheres_by_an_accession_agreement_under_civil_law(write_deal):
    for law in ("the Netherlands", "Germany"):
        md = draft_md(write_deal, under(example("tri-harbor-joint-venture"), law))
        assert "the Parties must procure that the Company signs an accession agreement by which it adheres" in md
        assert "deed" not in md


def test_the_company_still_adheres_by_deed_under_singapore_law(write_deal):
    md = draft_md(write_deal, example("tri-harbor-joint-venture"))
    assert "the Parties must procure that the Company signs a deed by which it adheres" in md


# ── Irish law: no one enforces a contract it is not a party to ────────────────────────────────
def test_under_irish_law_the_company_enforces_its_clauses_once_it_has_adhered(write_deal):
    md = draft_md(write_deal, under(example("tri-harbor-joint-venture"), "Ireland"))
    assert ("The Company may enforce clauses 3.4, 5.1, 5.2 and 8.3 in its own right once it has adhered to this "
            "Agreement") in md
    assert "before and after it adheres" not in md


def test_where_a_statute_or_the_law_allows_it_the_company_enforces_before_it_adheres(write_deal):
    for law in ("Singapore", "England and Wales", "the Netherlands", "New York"):
        md = draft_md(write_deal, under(example("tri-harbor-joint-venture"), law))
        assert "in its own right, both before and after it adheres to this Agreement" in md, law


# ── the expert valuer exists where the deal's law is ──────────────────────────────────────────
def test_a_valuer_is_appointed_by_a_body_that_exists_under_each_law(write_deal):
    base = example("tri-harbor-joint-venture")
    expected = {
        "New York": "a firm of certified public accountants agreed by the Parties concerned or, if they "
                    "do not agree within 10 Business Days after the Valuation Date, appointed on the request of any "
                    "of them by the American "
                    "Arbitration Association.",
        "the Netherlands": "a firm of registered accountants (registeraccountants) agreed by the Parties "
                           "concerned or, if they do not agree within 10 Business Days after the Valuation Date, "
                           "appointed on the request of "
                           "any of them by the Netherlands Arbitration Institute (Nederlands Arbitrage Instituut).",
        "Germany": "appointed on the request of any of them by the Institute of Public Auditors in Germany (Institut "
                   "der Wirtschaftsprüfer in Deutschland e.V.).",
    }
    for law, sentence in expected.items():
        md = draft_md(write_deal, under(base, law))
        assert sentence in md, law
        assert "chartered accountants" not in md, law
    md = draft_md(write_deal, base)
    assert ("appointed on the request of any of them by the president of the principal professional body of "
            "chartered accountants in Singapore.") in md


# ── US law: the insurance the parties buy has its US names ────────────────────────────────────
def test_us_drafts_name_the_insurance_as_us_practice_does(write_deal):
    md = draft_md(write_deal, example("hudson-cobalt-technology-us"))
    cover = clause_of(md, "Insurance cover")
    assert "(a) commercial general liability insurance, including products and completed operations coverage;" in cover
    assert "(b) professional liability (errors and omissions) insurance covering its acts" in cover
    assert "(c) workers’ compensation and employer’s liability insurance, or equivalent cover" in cover
    assert "public and products" not in md and "professional indemnity" not in md


def test_english_drafts_keep_the_english_names_of_insurance(deal_data, write_deal):
    md = draft_md(write_deal, deal_data)
    assert "(a) public and products liability insurance;" in md
    assert "(b) professional indemnity insurance covering its acts" in md


# ── implied warranties: disclaimed as each law requires ───────────────────────────────────────
def test_us_drafts_disclaim_merchantability_conspicuously(write_deal):
    md = draft_md(write_deal, example("hudson-cobalt-technology-us"))
    assert ("**TO THE FULLEST EXTENT PERMITTED BY LAW, EACH PARTY DISCLAIMS ALL IMPLIED WARRANTIES, INCLUDING ANY "
            "IMPLIED WARRANTY OF MERCHANTABILITY, ANY IMPLIED WARRANTY OF FITNESS FOR A PARTICULAR PURPOSE AND ANY "
            "IMPLIED WARRANTY OF NON-INFRINGEMENT.**") in md
    assert "warranties and conditions" not in md


def test_civil_law_drafts_cite_no_common_law_or_equity(write_deal):
    for law in ("the Netherlands", "Germany"):
        md = draft_md(write_deal, under(example("acme-globex-technology"), law))
        assert "whether express or implied by law or otherwise." in md, law
        assert ("may, in addition to claiming damages, ask a court or tribunal to order the Party in breach to stop "
                "the breach and to perform its obligations, including by an order in interim proceedings.") in md, law
        for common_law in ("common law", "warranties and conditions", "equitable relief", "adequate remedy"):
            assert common_law not in md, (law, common_law)


def test_english_drafts_keep_the_equitable_remedies(deal_data, write_deal):
    md = draft_md(write_deal, deal_data)
    assert "All implied warranties and conditions are excluded to the fullest extent permitted by law." in md
    assert "The Party affected is entitled to seek an injunction, specific performance or other equitable relief" in md


# ── Singapore: the PDPA asks for no prior consultation of the regulator ────────────────────────
def test_a_singapore_processor_assists_with_the_commission_not_a_prior_consultation(deal_data, write_deal):
    deal_data["options"]["personal_data"] = "processor"
    md = draft_md(write_deal, under(deal_data, "Singapore"))
    assert ("breach notification, data protection impact assessments under the PDPA’s guidelines and dealings with "
            "the Personal Data Protection Commission;") in md
    assert "prior consultation" not in md
    english = draft_md(write_deal, deal_data)
    assert "data protection impact assessments and prior consultation of supervisory authorities;" in english


# ── managed services: no acceptance procedure, no acceptance date ──────────────────────────────
def test_without_acceptance_tests_the_service_commencement_date_is_the_date_stated(write_deal):
    data = example("meridian-opscloud-managed-service")
    with_tests = draft_md(write_deal, data)
    assert ("**“Service Commencement Date”** means April 1, 2027, or any later date on which the Managed Services "
            "are accepted under Section 4.1.") in with_tests
    data["scope"]["managed_service"].pop("acceptance_days")
    data["scope"]["managed_service"].pop("acceptance_criteria")
    md = draft_md(write_deal, data)
    assert "**“Service Commencement Date”** means April 1, 2027." in md
    assert "are accepted under" not in md


# ── California: a promise between businesses not to hire is void ──────────────────────────────
def test_under_california_law_a_party_promises_not_to_solicit_but_may_hire(deal_data, write_deal):
    md = draft_md(write_deal, under(deal_data, "California"))
    clause = clause_of(md, "Non-solicitation of personnel")
    # (library 2.6.0: only a solicitation that uses a trade secret, test_counsel_review7)
    assert "directly or indirectly use a trade secret of another Party" in clause
    assert "(b) employing or engaging any person, including" in md
    assert "employ or engage any such person" not in md
    new_york = draft_md(write_deal, under(deal_data, "New York"))
    assert "(b) employ or engage any such person." in new_york


# ── US law: the Company is dissolved, in sentences that still parse ────────────────────────────
def test_a_us_joint_venture_company_is_dissolved_in_grammatical_sentences(write_deal):
    md = draft_md(write_deal, under(example("tri-harbor-joint-venture"), "Delaware"))
    assert "(g) starting or settling litigation, or dissolving the Company." in md
    assert ("cause their directors to act so that the Company is dissolved and its affairs are wound up, and its "
            "assets are realized and distributed to the shareholders") in md  # "cause", not "procure that" (2.9.0)
    assert "If the Company is dissolved, it may continue to use them" in md
    for english in ("dissolution the Company", "voluntary liquidation", "placed in liquidation", "realised"):
        assert english not in md, english
    singapore = draft_md(write_deal, example("tri-harbor-joint-venture"))
    assert "(g) starting or settling litigation, or winding up the Company." in singapore
    assert "the Company is placed in solvent voluntary liquidation, and its assets are realised" in singapore


# ── Change of Control: the group exception does not swallow the rule ──────────────────────────
def test_only_a_controller_that_was_already_an_affiliate_escapes_a_change_of_control(deal_data, write_deal):
    md = draft_md(write_deal, deal_data)
    assert ("means, in relation to a Party, a change in who controls it, where control means the power to direct its "
            "management and policies") in md
    assert ("by contract or otherwise; a transfer of control of a Party to a person already its Affiliate is not a "
            "Change of Control.") in md
    # a buyer that acquires control is an Affiliate once it controls the Party: the exception may not turn on that
    assert "a transfer of control of a Party to one of its Affiliates" not in md


# ── managed services: exclusivity binds the customer, not the provider's other business ───────
def test_an_exclusive_managed_service_binds_the_customer_to_the_provider(write_deal):
    data = example("meridian-opscloud-managed-service")
    data["scope"]["exclusive"] = True
    md = draft_md(write_deal, data)
    clause = clause_of(md, "Exclusivity")
    assert ("While this Agreement is in force, Meridian must not obtain services substantially the same as the "
            "Managed Services from any person other than OpsCloud, without the prior written consent of OpsCloud.") in clause
    assert ("This does not restrict a Step-In under Section 4.4 or the transfer of the Managed Services to a successor "
            "after a notice of termination or of non-renewal has been given.") in clause  # non-renewal: 2.9.0
    assert "OpsCloud remains free to provide the same or similar services to others." in clause
    assert "substantially the same purpose as this Agreement" not in md


def test_an_exclusive_alliance_still_binds_every_party(deal_data, write_deal):
    deal_data.setdefault("scope", {})["exclusive"] = True
    md = draft_md(write_deal, deal_data)
    assert ("no Party may, without the prior written consent of the other Party, enter into an arrangement with a "
            "third party that has substantially the same purpose as this Agreement") in md


# ── US and Singapore privacy law: no GDPR "lawful basis" ───────────────────────────────────────
def test_us_and_singapore_controllers_disclose_what_their_law_permits(write_deal):
    base = example("tri-harbor-joint-venture")
    assert base["options"]["personal_data"] == "independent_controllers"
    for data in (under(base, "New York"), base):
        md = draft_md(write_deal, data)
        assert ("(a) ensure that it is permitted by Data Protection Law to disclose Personal Data to another Party, and "
                "that the data subjects have received the information the law requires about that disclosure;") in md
        assert "lawful basis" not in md
    english = draft_md(write_deal, under(base, "England and Wales"))
    assert "(a) ensure that it has a lawful basis for disclosing Personal Data to another Party" in english


def test_a_civil_law_joint_venture_company_is_dissolved_and_liquidated(write_deal):
    for law in ("the Netherlands", "Germany"):
        md = draft_md(write_deal, under(example("tri-harbor-joint-venture"), law))
        assert "procure that their directors act so that the Company is dissolved and liquidated, and its assets" in md
        assert "voluntary liquidation" not in md, law


# ── settlement talks are protected by the rules of the courts that hear the dispute ──────────────
def test_settlement_communications_follow_the_courts_that_decide_disputes(deal_data, write_deal):
    resolution = deal_data["conflict_resolution"]
    resolution["final"] = "courts"
    resolution.pop("arbitration")
    resolution["courts"] = {"venue": "New York County", "legal_system": "new-york"}
    md = draft_md(write_deal, deal_data)  # English law, New York courts
    assert ("are confidential and are compromise negotiations for the purposes of Rule 408 of the Federal Rules of "
            "Evidence and section 4547 of the New York Civil Practice Law and Rules.") in md
    assert "without prejudice to the rights of the Parties" not in md


# ── English text writes amounts the English way under every law ────────────────────────────────
def test_dutch_and_german_law_drafts_write_amounts_the_english_way(write_deal):
    for law in ("the Netherlands", "Germany"):
        md = draft_md(write_deal, under(example("northwind-resellers-reseller"), law))
        assert "a total net value of at least EUR 250,000 in each year" in md, law
        assert "EUR 250.000" not in md and "3.333,33" not in md, law
    local = example("northwind-resellers-reseller")
    local["deal"].update(language="nl-NL", text_language="en")
    assert "a total net value of at least EUR 250.000 in each year" in draft_md(write_deal, local)


# ── US partnership law: its own test of a partnership ────────────────────────────────────────
def test_us_drafts_state_the_us_test_of_a_partnership(write_deal):
    data = under(example("solent-northgate-contractual-joint-venture"), "New York")
    md = draft_md(write_deal, data)
    assert ("it is not a partnership within the meaning of the New York Partnership Law: the Parties do not carry on "
            "as co-owners a business for profit.") in md
    data["scope"]["joint_venture"]["arrangement"] = "partnership"
    md = draft_md(write_deal, data)
    assert "The Parties carry on as co-owners the business of the joint venture for profit, as a partnership under" in md
    assert "with a view to profit" not in md
    english = draft_md(write_deal, example("solent-northgate-contractual-joint-venture"))
    assert "the Parties do not carry on a business in common with a view to profit" in english


# ── a ban on assignment yields to the statutes that protect assignments of money claims ────────
def test_the_assignment_ban_respects_the_ucc_and_the_german_commercial_code(write_deal):
    us = draft_md(write_deal, example("hudson-cobalt-technology-us"))
    assert ("is void. Nothing in this Section 22.1 deprives an assignment of a right to be paid money of the effect it "
            "has under sections 9-406 and 9-408 of the Uniform Commercial Code despite a contractual restriction.\n\n"
            "However, a Party may") in us
    german = draft_md(write_deal, under(example("acme-globex-technology"), "Germany"))
    assert ("of the effect it has under section 354a of the German Commercial Code (Handelsgesetzbuch) despite a "
            "contractual restriction.") in german
    english = draft_md(write_deal, example("acme-globex-technology"))
    assert "in breach of this clause 21.1 is void.\n\nHowever, a Party may" in english


# ── no figure reads as agreed: payment of transition assistance without a budget ──────────────
def test_without_a_budget_transition_invoices_are_paid_within_a_declared_term(write_deal):
    data = example("tri-harbor-joint-venture")
    assert data.get("budget") is None and data["exit"]["transition"]["fees"] == "cost_plus"
    md = draft_md(write_deal, data)
    assert "each invoice must be paid within 30 days after receipt" in md
    assert "The deal does not set terms.transition\\_payment\\_days, so the default 30 applies" in md
    data["terms"]["transition_payment_days"] = 45
    md = draft_md(write_deal, data)
    assert "each invoice must be paid within 45 days after receipt" in md
    assert "transition\\_payment\\_days" not in md


def test_with_a_budget_transition_invoices_follow_its_payment_terms(deal_data, write_deal):
    md = draft_md(write_deal, deal_data)
    assert "transition\\_payment\\_days" not in md


# ── exclusive reseller: several resellers each hear of every enquiry ──────────────────────────
def test_an_exclusive_supplier_passes_every_enquiry_to_each_of_several_resellers(write_deal):
    data = example("northwind-resellers-reseller")
    data["scope"]["exclusive"] = True
    two = draft_md(write_deal, data)
    assert ("Northwind must refer to Vanderlinde every enquiry it receives from a potential customer in Belgium, the "
            "Netherlands and Luxembourg for the Products.") in two
    variants._third_party(data)
    three = draft_md(write_deal, data)
    assert ("other than those of Vanderlinde and Thirdco that are then parties to this Agreement. Northwind must pass "
            "on every enquiry it receives from a potential customer in Belgium, the Netherlands and Luxembourg for the "
            "Products to each of them that is then a party to this Agreement, at the same time.") in three  # 2.8.0
    assert "must refer to Vanderlinde and Thirdco" not in three


def test_us_drafts_exclude_consequential_damages_and_count_a_quorum(write_deal):
    """English words left in US drafts: "any indirect or consequential loss" (US contracts exclude consequential
    damages) and a meeting that "is quorate". English drafts keep their own words."""
    us = draft_md(write_deal, example("hudson-cobalt-technology-us"))
    assert "any indirect or consequential damages." in us and "consequential loss" not in us
    assert "A meeting has a quorum only if" in us and "quorate" not in us
    english = draft_md(write_deal, example("acme-globex-technology"))
    assert "any indirect or consequential loss." in english and "A meeting is quorate only if" in english
    jv = draft_md(write_deal, under(example("tri-harbor-joint-venture"), "New York"))
    assert "If a meeting does not have a quorum" in jv and "quorate" not in jv
