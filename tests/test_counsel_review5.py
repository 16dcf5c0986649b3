"""Findings of a fifth outside reading (counsel for the other side, library 2.3.0): the firm that values shares
named loosely, two-party drafts written as if for several Parties, a fixed transition fee with no measure for its
division, and sentences that break for some combinations of deal fields. Each test drafts the deal it needs."""

from __future__ import annotations

import copy
import re

import pytest

from .counsel import clause_of, draft_md, example, under
from .variants import _exit_combinations, _third_party, _two_parties


def _jv(law: str = "Singapore", parties: int = 3, **jv) -> dict:
    """tri-harbor under `law`, with `parties` Parties and the joint venture fields `jv` changed."""
    data = under(example("tri-harbor-joint-venture"), law)
    if parties == 2:
        _two_parties(data)
    data["scope"]["joint_venture"].update(copy.deepcopy(jv))
    return data


# ── 1: the firm that values shares is a defined term, in each system's words ─────────────────────
def test_the_firm_that_values_shares_is_the_valuer_not_the_accountant(write_deal):
    """"The accountant acts as an expert" followed "an independent firm of public auditors (Wirtschaftsprüfer)",
    "registered accountants" or "certified public accountants": the reference was loose."""
    for law, firm, term in (("Singapore", "chartered accountants", "Valuer"),
                            ("Germany", "public auditors (Wirtschaftsprüfer)", "Valuer"),
                            ("Netherlands", "registered accountants (registeraccountants)", "Valuer"),
                            ("New York", "certified public accountants", "Appraiser")):
        text = clause_of(draft_md(write_deal, _jv(law)), "Valuation of shares")
        assert f"determined by an independent {term.lower()} (the **“{term}”**), which is a firm of {firm} agreed" in text
        assert f"The {term} acts as an expert and not as an arbitrator" in text, law
        assert f"unless the {term} decides otherwise." in text
        assert "accountant " not in text and "accountant’s" not in text, law


def test_the_sealed_bids_of_a_texas_shoot_out_go_to_the_valuer(write_deal):
    for law, term in (("England and Wales", "Valuer"), ("California", "Appraiser")):
        md = draft_md(write_deal, _jv(law, 2, deadlock={"escalation_days": 30, "resolution": "texas_shoot_out"}))
        text = clause_of(md, "Deadlock")
        assert re.search(rf"deliver a sealed bid to the {term}, agreed or appointed for the purpose under "
                         r"(clause|Section) \d+\.\d+, stating the cash price", text), text
        assert f"the {term} must open the bids together" in text and f"after the {term}’s notice." in text
        assert "accountant" not in text


# ── 2: a draft for two Parties says "the other Party" ───────────────────────────────────────────
MANY = re.compile(r"(?i)\b(each|any|every) other Party\b|\bthe other Parties\b")


def _many_party_words(md: str) -> list[str]:
    return [line for line in md.splitlines() if MANY.search(line) and "ASSIGNMENT" not in line]


def test_a_two_party_draft_does_not_speak_of_each_or_any_other_party(deal_data, write_deal):
    """acme-globex (two Parties): the return of data and materials went to "each other Party", a repeated service
    level failure and a Chronic Failure were for "any other Party" to refer or notify."""
    md = draft_md(write_deal, deal_data)
    assert _many_party_words(md) == []
    assert "each Party must return to the other Party all data" in md
    assert "each Party must return to the other Party, or at that Party’s request destroy," in md
    assert "the other Party may refer the failure to the escalation procedure" in md
    assert "The other Party may notify the Party concerned of a Chronic Failure" in md


def test_two_party_budget_approvals_and_the_us_jury_waiver_speak_of_the_other_party(deal_data, write_deal):
    data = under(deal_data, "New York")
    data.pop("governance")
    data["conflict_resolution"]["escalation"] = [lv for lv in data["conflict_resolution"]["escalation"]
                                                 if lv["level"].lower() != "steering committee"]
    data["conflict_resolution"]["final"] = "courts"
    data["conflict_resolution"].pop("arbitration", None)
    data["conflict_resolution"]["courts"] = {"venue": "New York County"}
    md = draft_md(write_deal, data)
    assert _many_party_words(md) == []
    assert "A proposal is approved only when the other Party has approved it in writing" in md
    assert "A request is approved only when the other Party has approved it in writing." in md
    assert "MATERIAL INDUCEMENT FOR THE OTHER PARTY TO ENTER INTO THIS AGREEMENT" in md


def test_a_two_party_joint_venture_company_offers_calls_and_funds_with_the_other_party(write_deal):
    for fail in ("dilution", "shareholder_loan"):
        data = _jv("Singapore", 2)
        data["scope"]["joint_venture"]["capital_calls"]["on_failure"] = fail
        md = draft_md(write_deal, data)
        assert _many_party_words(md) == [], fail
    md = draft_md(write_deal, _jv("Singapore", 2))
    transfers = clause_of(md, "Transfer of shares")
    assert "must first offer them to the other Party by notice" in transfers
    assert ("The other Party may buy all, but not some, of those shares, at the same price and on the same terms, by "
            "notice given within 45 days after the offer. If it does not, the Seller may") in transfers
    assert "has offered to buy the shares of the other Party at the same price per share" in transfers
    assert ("If a Party holding at least 75% of the shares in the Company agrees to sell all its shares to a buyer at "
            "arm’s length that is not connected with it, it may require the other Party to sell its shares") in transfers
    funding = clause_of(md, "Further funding")
    assert "the other Party may provide that part instead by subscribing for the new shares" in funding
    default = clause_of(md, "Default events and call option")
    assert ("While a Default Event continues, the other Party may, by notice to the Defaulting Party, require the "
            "Defaulting Party to sell all its shares in the Company to the Party giving notice.") in default


def test_three_parties_keep_the_many_party_wording(write_deal):
    md = draft_md(write_deal, _jv("Singapore", 3))
    assert "each Party must return to each other Party all data" in md
    assert "The other Parties may buy all, but not some, of those shares, in proportion to their shareholdings" in md
    assert "they may require every other Party to sell its shares" in md
    assert "each other Party may, by notice to the Defaulting Party, require it to sell all its shares" in md


# ── 3: a fixed transition fee is divided by a measure that exists ────────────────────────────────
def _fixed_fee(data: dict) -> dict:
    data = copy.deepcopy(data)
    change = next(c for c in _exit_combinations() if c.__name__ == "exit(months=6,migration=False,support=None,fees=fixed)")
    change(data)
    return data


def test_a_fixed_transition_fee_is_divided_in_equal_shares(deal_data, write_deal):
    """"Divided … in proportion to the assistance each of them provides": no measure of assistance exists."""
    two = clause_of(draft_md(write_deal, _fixed_fee(deal_data)), "Fees for transition assistance")
    assert ("The fee is divided in equal shares between the Parties that provide assistance, unless they agree another "
            "division in writing. The part due to a Party is payable by the other Party.") in two
    data = _fixed_fee(deal_data)
    _third_party(data)
    three = clause_of(draft_md(write_deal, data), "Fees for transition assistance")
    assert "The part due to a Party is payable by the Parties that receive its assistance, in equal shares." in three
    assert "in proportion to the assistance" not in two + three


# ── 4: the lock-up does not stop the sales the agreement itself requires ─────────────────────────
def test_the_lock_up_does_not_stop_a_required_sale_or_a_transfer_within_the_group(write_deal):
    """tri-harbor: "No Party may transfer any of its shares before 1 July 2030 … unless all Parties agree in
    writing" stood beside the default call option, the deadlock buy-out and the exit sale, and beside "A Party may
    transfer all … of its shares to a company that it wholly owns", in one paragraph; the deadlock buy-out was also
    missing from the transfers the first sentence allows."""
    text = clause_of(draft_md(write_deal, _jv("Singapore")), "Transfer of shares")
    assert ("except in accordance with this clause 5.3, clause 5.4, clause 5.5 or clause 18.7. No Party may transfer "
            "any of its shares before 1 July 2030") in text
    assert ("unless all Parties agree in writing. This does not restrict a transfer to a company that the Party wholly "
            "owns under the next paragraph, or a sale under clause 5.4, clause 5.5 or clause 18.7.\n\nA Party may "
            "transfer all, but not some, of its shares to a company that it wholly owns") in text
    status_quo = clause_of(draft_md(write_deal, _jv("Singapore", deadlock={"escalation_days": 30,
                                                                            "resolution": "status_quo"})),
                           "Transfer of shares")
    assert "except in accordance with this clause 5.3, clause 5.5 or clause 18.7." in status_quo
    assert "or a sale under clause 5.5 or clause 18.7." in status_quo


# ── 5: the unanimous-consent list is not a veto of what the agreement itself provides for ─────────
def test_issues_transfers_and_a_winding_up_the_agreement_provides_for_need_no_second_consent(write_deal):
    """"Issuing, transferring or redeeming shares" and "winding up the Company" needed the prior written consent of
    all Parties, so a Defaulting Party could refuse the transfer of its shares under the call option, the Party that
    did not fund a call could refuse the issue that dilutes it, and a Party could block the deadlock winding-up."""
    md = draft_md(write_deal, _jv("Singapore"))
    reserved = clause_of(md, "Decisions needing unanimous consent")
    assert reserved.endswith("or winding up the Company.\n\nAn issue or transfer of shares, or a winding up of the "
                             "Company, that this Agreement requires or permits does not need that consent.\n")
    contractual = clause_of(draft_md(write_deal, example("solent-northgate-contractual-joint-venture")),
                            "Decisions needing unanimous consent")
    assert "that this Agreement requires or permits" not in contractual


def test_a_capital_call_states_the_price_per_share(write_deal):
    """"Subscribing for new shares at the same price per share as the other Parties": no one set that price."""
    text = clause_of(draft_md(write_deal, _jv("Singapore")), "Further funding")
    # library 2.5.0: the price is the one all Parties approve, else the valuation clause's (test_counsel_review6)
    assert ("each Party must provide its part by subscribing for new shares at a price per share that is the same "
            "for every Party.") in text


# ── 6: the reseller's recourse for defects in the civil codes' terms ────────────────────────────
def test_a_dutch_or_german_reseller_keeps_its_statutory_recourse_not_an_implied_term(write_deal):
    """northwind (Dutch law): "nothing … excludes … a term implied by law about the quality or fitness for purpose" is
    the English Sale of Goods Act's device; the codes give a seller that answers to a customer for a defect a
    statutory recourse against its supplier (art. 7:25 of the Dutch Civil Code, sections 445a and 478 of the German)."""
    for law in ("Netherlands", "Germany"):
        text = clause_of(draft_md(write_deal, under(example("northwind-resellers-reseller"), law)),
                         "Product warranty and defects")
        assert ("excludes, as against Vanderlinde, the rights of recourse that the law gives a seller against its "
                "supplier for a defect in the products, to the extent that Vanderlinde is liable to a customer for that "
                "defect under a rule of law that it could not exclude.") in text, law
        assert "implied by law" not in text
    english = clause_of(draft_md(write_deal, under(example("northwind-resellers-reseller"), "England and Wales")),
                        "Product warranty and defects")
    assert "a term implied by law about the quality or fitness for purpose of the products" in english


def test_a_us_reseller_keeps_the_implied_warranties_its_supplier_disclaimed_only_as_far_as_it_must_answer(write_deal):
    text = clause_of(draft_md(write_deal, under(example("northwind-resellers-reseller"), "New York")),
                     "Product warranty and defects")
    assert ("excludes, as against Vanderlinde, an implied warranty of merchantability or of fitness for a particular "
            "purpose of the products, to the extent that Vanderlinde is liable to a customer under an equivalent "
            "warranty that it could not disclaim.") in text


# ── 7: a referral fee is due for the referrals the payee makes, not for every Qualified Referral ───
def test_a_referral_fee_is_due_for_the_referrals_the_payee_registers_with_the_payer(write_deal):
    """brightpath-lumen: "Lumen must pay Brightpath a referral fee of GBP 400 for each Qualified Referral", and a
    Qualified Referral is any accepted registration, so Lumen read as owing the fee for its own referrals too."""
    text = clause_of(draft_md(write_deal, example("brightpath-lumen-referral-alliance")), "Partner Payments")
    assert ("Brightpath must pay Lumen a referral fee of 15% of the subscription fees Brightpath receives from the "
            "referred customer in the first 12 months of its subscription, for each Qualified Referral that Lumen "
            "registers with Brightpath; and") in text
    assert "Lumen must pay Brightpath a referral fee of GBP 400 for each Qualified Referral that Brightpath registers " \
           "with Lumen." in text


def test_a_defined_term_in_define_is_not_an_unstyled_string(tmp_path):
    """define() writes its term in the draft's style, so a term a style replaces ("Valuer" → "Appraiser") is not a
    Jinja string the style cannot reach; any other string with such a word still is."""
    import shutil

    from termsmith.lint import lint

    from .conftest import MINI
    root = tmp_path / "lib"
    shutil.copytree(MINI, root)
    (root / "library.yaml").write_text((root / "library.yaml").read_text() + (
        "house_style:\n  base: british\n  styles:\n    british: {paper: A4}\n    us:\n      paper: Letter\n"
        "      locale: en-US\n      replace: {valuer: appraiser}\n"))
    (root / "clauses" / "exit" / "valued.md").write_text(
        "---\nid: exit.valued\nversion: 1.0.0\ntitle: valued\narea: exit\norder: 90\nchangelog: first\n---\n"
        'An independent valuer (the {{ define("Valuer") }}) values the shares.\n\n{{ "the Valuer" }} decides.\n')
    found = [p for p in lint(root) if p.code == "unstyled-string"]
    assert len(found) == 1 and found[0].line == 11, [str(p) for p in found]


# ── 8: shares are valued as at a date the clause states ────────────────────────────────────────
def test_shares_are_valued_as_at_a_stated_valuation_date(write_deal):
    """The net asset value was taken from accounts "prepared as at the valuation date", a date nothing set, and the
    fair value at no date at all, while the Company's value moves between the notice, the Termination Date and the
    Valuer's determination."""
    definition = ("The **“Valuation Date”** is the date on which the notice that requires the sale of the shares, or "
                  "elects to buy them, is given or, where their sale follows the end of this Agreement without such a "
                  "notice, the Termination Date.")
    fair = clause_of(draft_md(write_deal, _jv("Singapore")), "Valuation of shares")
    assert "the price a willing buyer would pay a willing seller on the Valuation Date for the whole" in fair
    assert definition in fair
    net = clause_of(draft_md(write_deal, _jv("Germany", valuation="net_asset_value")), "Valuation of shares")
    assert "shown in accounts prepared as at the Valuation Date on the basis of its last audited accounts" in net
    assert definition in net and "valuation date" not in net


# ── 9: an exclusive appointment made non-exclusive for a missed minimum is no longer exclusive ─────
def test_exclusivity_ends_when_a_missed_minimum_makes_the_appointment_non_exclusive(write_deal):
    """northwind made exclusive: the minimum clause lets Northwind "make its appointment non-exclusive", while the
    exclusivity clause bound it "while this Agreement is in force" and kept its duty to refer every enquiry."""
    data = example("northwind-resellers-reseller")
    data["scope"]["exclusive"] = True
    text = clause_of(draft_md(write_deal, data), "Exclusivity")
    assert text.rstrip().endswith("This clause 3.4 no longer applies from the date on which Northwind makes the "
                                  "appointment non-exclusive under clause 3.6.")
    data["scope"]["reseller"].pop("minimum_annual_commitment")
    assert "no longer applies" not in clause_of(draft_md(write_deal, data), "Exclusivity")


# ── 10: several customers of a managed service: a delay or an emergency of any of them ───────────
def _two_customers() -> dict:
    data = example("meridian-opscloud-managed-service")
    _third_party(data)
    data["parties"][-1].update(name="Third Party Limited", short_name="Thirdco")
    return data


def test_a_delay_or_an_emergency_of_any_customer_counts(write_deal):
    """"A delay caused by Meridian and Thirdco extends the later milestones" and an emergency that threatens "the
    continuity of the business of Meridian and Thirdco" read as a delay or a business of the two together."""
    md = draft_md(write_deal, _two_customers())
    assert "A delay caused by Meridian or Thirdco extends the later milestones" in md
    assert "threatens the health or safety of any person or the continuity of the business of Meridian or Thirdco, " \
           "then each of Meridian and Thirdco may, by notice, take over" in md  # each, since 2.7.0 (review8)
    one = draft_md(write_deal, example("meridian-opscloud-managed-service"))
    assert "A delay caused by Meridian extends" in one and "the continuity of the business of Meridian, then" in one


def test_without_a_commencement_date_the_services_start_in_full_when_they_are_accepted(write_deal):
    """With acceptance tests and no commencement date, the Service Commencement Date is the date of acceptance, and
    the scope and the Charges run from it; the onboarding clause still said "in full from the Effective Date"."""
    data = example("meridian-opscloud-managed-service")
    data["scope"]["managed_service"].pop("commencement_date")
    data["scope"]["managed_service"].pop("onboarding", None)
    text = clause_of(draft_md(write_deal, data), "Onboarding and service commencement")
    assert text.startswith(" Onboarding and service commencement.** OpsCloud must provide the Managed Services in "
                           "full from the Service Commencement Date.")
    assert "from the Effective Date" not in text


# ── 11: an obligation to assign a right the law does not let anyone assign ──────────────────────
def test_a_right_that_cannot_be_assigned_is_licensed_exclusively_instead(deal_data, write_deal):
    """acme-globex: Globex is a German company. Copyright in what its personnel create is governed by German law,
    which does not allow copyright to be assigned (section 29(1) of the Copyright Act), so "each Party must ensure that
    its personnel … assign to it … the Intellectual Property Rights they create" could not be performed for it."""
    saver = ("Where the law that governs a right does not allow it to be assigned, an obligation in this clause {} to "
             "assign it is an obligation to grant an exclusive, perpetual and transferable licence of it, with the right "
             "to grant sublicences, unlimited in territory and manner of use, as far as that law allows.")
    text = clause_of(draft_md(write_deal, deal_data), "New Intellectual Property Rights")
    assert saver.format("8.2") in text
    jv = clause_of(draft_md(write_deal, _jv("Singapore")), "Intellectual Property Rights of the joint venture")
    assert re.search(re.escape(saver).replace(r"\{\}", r"\d+\.\d+"), jv), jv


# ── 12: the Insolvency Event definition in the words of each system's insolvency law ───────────────
def test_the_insolvency_events_of_irish_dutch_german_and_singapore_law_are_named(deal_data, write_deal):
    """The definition named US bankruptcy events for US law but, for the others, only the English officers
    (liquidator, administrator, receiver) and "anything with an equivalent effect"."""
    for law, words in (
            ("Germany", "that it applies for the opening of insolvency proceedings (Insolvenzverfahren) over its assets, "
                        "or such proceedings are opened or their opening is refused for lack of assets;"),
            ("Netherlands", "that it applies for or is granted a suspension of payments (surseance van betaling), or it "
                            "is declared bankrupt (failliet verklaard);"),
            ("Ireland", "that an examiner is appointed to it, or a petition is presented for the appointment of an "
                        "examiner to it;"),
            ("Singapore", "that a judicial manager is appointed over it, or it applies for a moratorium under the "
                          "Insolvency, Restructuring and Dissolution Act 2018;")):
        md = draft_md(write_deal, under(deal_data, law))
        # library 2.5.0: the office-holders that follow are each system's own (test_counsel_review6)
        assert f"with its creditors generally; {words} that a" in md, law
    english = draft_md(write_deal, deal_data)
    assert "with its creditors generally; that a liquidator, administrator, receiver" in english


@pytest.mark.parametrize("law, words", [
    ("Germany", "They are not a contractual penalty (Vertragsstrafe) within the meaning of sections 339 to 345 of "
                "the German Civil Code."),
    ("the Netherlands", "They are not a penalty clause (boetebeding) within the meaning of article 6:91 of the "
                        "Dutch Civil Code."),
    ("England and Wales", "They are not a penalty."),
])
def test_service_credits_are_not_the_penalty_each_law_knows(write_deal, law, words):
    """A civil code's contractual penalty (Vertragsstrafe, boetebeding) has rules of its own: a court may reduce it,
    and it stands in for or counts against damages. "Not a penalty" named the common law's doctrine only."""
    text = clause_of(draft_md(write_deal, under(example("meridian-opscloud-managed-service"), law)),
                     "Nature of Service Credits")
    assert words in text
