"""The findings of the partnership lawyer's review of library 1.0.0 (design/LEGAL-REVIEW.md), one test each,
plus properties read over every branch of the library (tests/variants.py)."""

from __future__ import annotations

import re

import pytest

from termsmith.render.markdown import render_markdown

from .conftest import EXAMPLES

# a restriction is a clause (up to . ; or :) that says "without … consent"; clauses are split first, as a
# single pattern spanning them backtracks quadratically over a long draft
CLAUSE_END = re.compile(r"[.;:]")
CONSENT = re.compile(r"\bwithout\b.*\bconsent\b", re.IGNORECASE | re.DOTALL)
NEGATED = re.compile(r"\b(no|not|only|never)\b", re.IGNORECASE)
# Sentences that grant a freedom on purpose: a co-owner's use of joint IP needs nobody's consent, and the
# Parties need no third party's consent to vary the Agreement.
PERMISSIONS = ("may use the Joint IP for its own business without the consent of",
               "may vary or end this Agreement without the consent of any other person")


# with the other module that reads every variant, on one worker: they share the drafted variants
pytestmark = pytest.mark.xdist_group("variants")


@pytest.fixture
def all_drafts(variant_drafts):
    return variant_drafts


def test_variants_reach_every_kind_and_both_party_counts(all_drafts):
    seen = {(data["deal"]["kind"], len(data["parties"]) > 2) for _, data, _ in all_drafts}
    assert {kind for kind, _ in seen} == {"technology", "reseller", "strategic_alliance", "joint_venture", "managed_service"}
    assert {multi for _, multi in seen} == {True, False}


def test_a_restriction_needing_consent_stays_negative_in_every_branch(all_drafts):
    for name, _, md in all_drafts:
        for sentence in CLAUSE_END.split(md):
            if not CONSENT.search(sentence):
                continue
            if any(p in sentence for p in PERMISSIONS):
                continue
            assert NEGATED.search(sentence), f"{name}: a restriction reads as a permission: {sentence.strip()!r}"


def test_single_reseller_may_not_appoint_a_sub_reseller(all_drafts):
    resellers = [md for name, data, md in all_drafts if data["deal"]["kind"] == "reseller"]
    assert any("Vanderlinde may not appoint a sub-reseller" in md for md in resellers)
    assert all(not re.search(r"(?<!No reseller )may appoint a sub-reseller", md) for md in resellers)


# ── F1: the liability cap has an amount in every deal ─────────────────────────────────────
def test_no_cap_is_keyed_to_fees_that_do_not_exist(all_drafts):
    for name, data, md in all_drafts:
        assert "the total fees and other amounts paid or payable" not in md, name


def test_cost_sharing_deal_caps_at_each_partys_budget_share(all_drafts):
    md = next(md for name, _, md in all_drafts if name == "acme-globex-technology")
    assert "is limited to that Party’s Annual Budget Share." in md
    assert "(a) for Acme: EUR 144,000; and" in md and "(b) for Globex: EUR 96,000." in md


def test_fixed_cap_greater_of_and_increased_cap(all_drafts):
    helios = next(md for name, _, md in all_drafts if name == "helios-orbis-strategic-alliance")
    assert "is limited to SGD 1,000,000." in helios
    # (the alliance now has a payments article before Confidentiality)
    assert ("for breach of clause 8 (Confidentiality) or breach of clause 9 (Data Protection), for all claims arising "
            "in any period of 12 months, is limited to SGD 3,000,000, or to the limit") in helios
    assert "breach of clause 8 (Confidentiality);" not in helios  # no longer unlimited: the increased cap covers it
    tri = next(md for name, _, md in all_drafts if name == "tri-harbor-joint-venture")
    # the shareholders fund the company, not each other (no budget): a fixed cap, higher for data claims
    assert "is limited to USD 500,000." in tri and "is limited to USD 2,000,000, or to the limit" in tri


def test_wilful_default_is_not_excluded(all_drafts):
    for name, _, md in all_drafts:
        assert re.search(r"does not exclude liability for loss caused by (a Party’s wilful default|the intent \(opzet\)|"
                         r"the intent \(Vorsatz\)|a Party’s gross negligence, willful misconduct)", md), name


@pytest.mark.parametrize(("cap", "budget", "message"), [
    ({"multiple_of_annual_fees": 1.0}, False, "options.liability_cap.multiple_of_annual_fees: no amounts are paid between the parties and there is no budget"),
    ({"multiple_of_annual_fees": 1.0, "basis": "amounts_paid"}, True, "options.liability_cap.basis: no amounts are paid between the parties"),
    ({"multiple_of_annual_fees": None}, True, "options.liability_cap: give multiple_of_annual_fees, fixed_amount or both"),
    ({"multiple_of_annual_fees": None, "fixed_amount": 100000}, False, "options.liability_cap.currency: required for a fixed amount"),
    ({"multiple_of_annual_fees": 2, "increased": {"multiple": 1}}, True, "options.liability_cap.increased.multiple: an increased cap must be higher"),
    ({"increased": {"multiple": 3}, "unlimited": ["data_protection"]}, True, "options.liability_cap.unlimited: data_protection cannot be both"),
])
def test_cap_business_rules_name_the_field(deal_data, write_deal, cap, budget, message):
    from termsmith import api
    from termsmith.errors import InputError

    deal_data["options"]["liability_cap"] = cap
    if not budget:
        deal_data.pop("budget")
        deal_data["exit"]["transition"]["fees"] = "none"
    with pytest.raises(InputError) as info:
        api.check(write_deal(deal_data))
    assert message in str(info.value)
    assert "deal.yaml:" in str(info.value)



def test_a_fixed_cap_without_a_budget_takes_the_currency_of_the_payments(write_deal):
    import yaml

    from termsmith import api

    data = yaml.safe_load((EXAMPLES / "brightpath-lumen-referral-alliance.yaml").read_text(encoding="utf-8"))
    assert "budget" not in data and data["payments"]["currency"] == "GBP"
    data["options"]["liability_cap"] = {"multiple_of_annual_fees": None, "fixed_amount": 250000}
    md = render_markdown(api.build(write_deal(data)))
    assert "is limited to GBP 250,000." in md


def _named(all_drafts, stem):
    return next(md for name, _, md in all_drafts if name == stem)


# ── F2, F3: service credits reduce real charges; chronic failure has a threshold, notice and cure ───────
def test_service_credits_only_against_charges_a_party_pays(all_drafts):
    for name, data, md in all_drafts:
        assert "fees payable for the affected service" not in md, name
        assert "the Party receiving the service" not in md, name
    acme = _named(all_drafts, "acme-globex-technology")  # nobody pays Acme for availability of the offering
    assert "Service Credit" not in acme
    assert "6.5 Remedy plans." in acme and "as if it were a Dispute" in acme
    meridian = _named(all_drafts, "meridian-opscloud-managed-service")
    assert "it must give each Party that pays Charges for the Managed Services concerned a credit" in meridian


def test_chronic_failure_needs_serious_failures_notice_and_cure(all_drafts):
    acme = _named(all_drafts, "acme-globex-technology")
    assert "each of those failures is a Serious Failure" in acme
    assert "more than 10% of the incidents or requests" in acme
    assert "(the **“Cure Period”**)" in acme
    assert "fails to meet the Service Level concerned in the first full Measurement Period that starts after the Cure Period ends" in acme
    for name, _, md in all_drafts:
        assert "gives each Party that receives the service concerned the right to terminate" not in md, name


def test_availability_and_response_are_defined(all_drafts):
    acme = _named(all_drafts, "acme-globex-technology")
    assert "**“Availability”** means" in acme and "Excluded Minutes" in acme
    assert "**“Response”** means" in acme and "An automatic reply or acknowledgement is not a Response." in acme


def test_schedule_targets_read_with_their_units(all_drafts):
    for name, _, md in all_drafts:
        assert not re.search(r"\| at (most|least) [\d.,]+ \| (hours|minutes|days|percent)", md), name
        assert "during the following hours: 24x7" not in md and "Support hours are 24x7" not in md, name


# ── F4: the Exit article reads consistently for every combination of exit fields ───────────────
def test_no_payment_default_sentence_beside_free_assistance(all_drafts):
    for name, _, md in all_drafts:
        if "No fees are payable for it." in md:
            assert "fails to pay an undisputed amount due for that assistance" not in md, name


def test_customers_are_not_migrated_before_their_support_ends(all_drafts):
    for name, data, md in all_drafts:
        support = (data["exit"].get("post_termination") or {}).get("existing_customer_support_months")
        months = data["exit"]["transition"]["assistance_months"]
        if "Migration of customers." not in md or not support:
            continue
        if support > months or months == 0:
            assert "By the end of the period of support for existing customers under " in md, name
        assert not (support > months and "By the end of the Transition Period, the Parties must migrate" in md), name


def test_confidential_information_needed_after_the_end_may_be_kept(all_drafts):
    for name, _, md in all_drafts:
        if "Transition assistance.**" in md or "Support for existing customers.**" in md:
            assert re.search(r"Despite the first paragraph of this (clause|Section), when this Agreement ends, the Recipient may keep", md), name


def test_the_party_in_breach_cannot_demand_continued_performance(all_drafts):
    for name, _, md in all_drafts:
        if "Transition assistance.**" in md:
            assert "may not require that other Party to continue to perform its obligations" in md, name
        if "plus a margin of" in md or "for a fixed fee" in md:
            assert "may not charge for transition assistance it provides after another Party has terminated" in md, name


def test_survival_lists_what_runs_after_the_end(all_drafts):
    for name, _, md in all_drafts:
        survival = md[md.index("Survival.**"):]
        survival = survival[:survival.index("Any other provision")]
        assert "(Dispute Resolution)" in survival, name
        if "Non-Solicitation.**" in md or "## 19. Non-Solicitation" in md:
            assert "(Non-Solicitation)" in survival, name


# ── F7: a business deadlock has its own route; F8: the innocent parties remove the defaulter ──────
def test_deadlock_has_its_own_route_not_the_dispute_ladder(all_drafts):
    for name, data, md in all_drafts:
        assert "refer the matter for resolution under clause" not in md, name
        if (data.get("governance") or {}).get("steering_committee"):
            assert "An Impasse is a business matter and not a Dispute" in md, name
            assert "Until the Impasse is resolved, the Parties must continue to perform this Agreement as it stands" in md, name
    acme = _named(all_drafts, "acme-globex-technology")
    assert "If the Impasse is not resolved within 6 months after the notice referring it to the executives, either Party may terminate" in acme  # two Parties (2.7.0)


def test_deadlock_executives_name_declared_parties(deal_data, write_deal):
    from termsmith import api
    from termsmith.errors import InputError

    deal_data["governance"]["deadlock"] = {"executives": {"acme": "Chief Executive Officer", "initech": "CEO"}}
    with pytest.raises(InputError) as info:
        api.check(write_deal(deal_data))
    assert "governance.deadlock.executives.initech: party 'initech' is not declared" in str(info.value)
    deal_data["governance"]["deadlock"] = {"executives": {"acme": "Chief Executive Officer"}, "termination_after_months": None}
    md = render_markdown(api.build(write_deal(deal_data)))
    assert "(a) for Acme: its Chief Executive Officer." in md
    assert "(for a Party not listed, its chief executive officer" in md
    assert "If the Impasse is not resolved" not in md


def test_multi_party_termination_removes_the_defaulter(all_drafts):
    multi = [(name, md) for name, data, md in all_drafts if len(data["parties"]) > 2]
    assert multi
    for name, md in multi:
        assert "a Party that gives notice of termination ends only its own participation" not in md, name
        assert "does not end the participation of the Party that gives it" in md, name
        assert "must agree in good faith, within" not in md, name
        assert not re.search(r"a Material Breach, an Insolvency Event of that Party", md), name


# ── F14: disputes ──────────────────────────────────────────────────────────────────────────
def test_arbitration_rules_by_their_proper_names_and_the_institution_appoints(all_drafts):
    acme = _named(all_drafts, "acme-globex-technology")
    assert "arbitration under the LCIA Arbitration Rules in force" in acme
    assert "the LCIA Court appoints the arbitrator in accordance with those rules" in acme
    assert "appointed jointly by the parties" not in acme
    helios = _named(all_drafts, "helios-orbis-strategic-alliance")
    assert "the Arbitration Rules of the Singapore International Arbitration Centre" in helios
    tri = _named(all_drafts, "tri-harbor-joint-venture")
    assert "the Rules of Arbitration of the International Chamber of Commerce" in tri
    for name, _, md in all_drafts:
        assert not re.search(r"(LCIA|ICC|SIAC) arbitration rules", md), name


def test_mediation_is_a_mandatory_step_and_talks_are_without_prejudice(all_drafts):
    for name, data, md in all_drafts:
        if data["conflict_resolution"].get("mediation"):
            # "either Party" of two since library 2.7.0
            assert re.search(r"must be referred, by (any Party to it|either Party), to mediation", md), name
            assert "if a Party refers the Dispute to it" not in md, name
        assert re.search(r"are confidential and (are made without prejudice to the rights of the Parties|are compromise "
                         r"negotiations for the purposes of Rule 408 of the Federal Rules of Evidence)", md), name


def test_multi_party_arbitration_allows_joinder_and_consolidation(all_drafts):
    for name, data, md in all_drafts:
        if data["conflict_resolution"]["final"] == "arbitration" and len(data["parties"]) > 2:
            assert "Each Party consents to the joinder of any other Party" in md, name


def test_escalation_levels_use_the_defined_terms(all_drafts):
    acme = _named(all_drafts, "acme-globex-technology")
    assert "(a) the Alliance Managers: 10 days;" in acme and "(b) the Steering Committee: 15 days;" in acme
    assert "Alliance managers:" not in acme and "Steering committee:" not in acme


# ── F10, F11: boilerplate ───────────────────────────────────────────────────────────────────
def test_boilerplate_findings(all_drafts):
    acme = _named(all_drafts, "acme-globex-technology")
    assert "assign all of its rights and obligations" not in acme
    assert "The transfer takes effect by novation" in acme and "is void." in acme
    assert "smallest modification" not in acme and "smallest reduction" not in acme
    assert "except for a notice of termination, a notice of a breach and a variation of this Agreement" in acme
    assert "whether before or after the date of this Agreement" in acme
    assert "fines (to the extent that the law allows them to be indemnified)" in acme
    assert "the rights and remedies under this Agreement are in addition to" in acme
    northwind = _named(all_drafts, "northwind-resellers-reseller")  # Change of Control: Affiliate defined
    assert "**“Affiliate”** means" in northwind and "same group of companies" not in northwind


def test_every_cross_reference_resolves_and_deal_text_is_printed_once(all_drafts):
    """Every branch, including payments added to every kind: no reference left as a placeholder, and deal text
    (a description with an apostrophe, an ampersand, a backslash and quotes) escaped once for Markdown, not twice."""
    payments = 0
    for name, data, md in all_drafts:
        assert "termsmith:ref" not in md, name
        if "payments+" in name:
            payments += 1
            assert r"the O’Brien & Co. \\ “special” work" in md, name
            assert r"O\’Brien" not in md, name
    assert payments >= 20
