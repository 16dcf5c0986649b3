"""The findings of the partnership lawyer's review of library 1.0.0 (design/LEGAL-REVIEW.md), one test each,
plus properties read over every branch of the library (tests/variants.py)."""

from __future__ import annotations

import re

import pytest

from termsmith.render.markdown import render_markdown

from . import variants

CONSENT = re.compile(r"[^.;:]*\bwithout\b[^.;:]*\bconsent\b[^.;]*", re.IGNORECASE)
NEGATED = re.compile(r"\b(no|not|only|never)\b", re.IGNORECASE)
# Sentences that grant a freedom on purpose: a co-owner's use of joint IP needs nobody's consent, and the
# Parties need no third party's consent to vary the Agreement.
PERMISSIONS = ("may use the Joint IP for its own business without the consent of",
               "may vary or end this Agreement without the consent of any other person")


@pytest.fixture(scope="module")
def all_drafts(tmp_path_factory):
    out = [(name, data, render_markdown(draft)) for name, data, draft in variants.drafts(tmp_path_factory.mktemp("v"))]
    assert len(out) > 150, "most variants must be valid deals"
    return out


def test_variants_reach_every_kind_and_both_party_counts(all_drafts):
    seen = {(data["deal"]["kind"], len(data["parties"]) > 2) for _, data, _ in all_drafts}
    assert {kind for kind, _ in seen} == {"technology", "reseller", "strategic_alliance", "joint_venture", "managed_service"}
    assert {multi for _, multi in seen} == {True, False}


def test_a_restriction_needing_consent_stays_negative_in_every_branch(all_drafts):
    for name, _, md in all_drafts:
        for match in CONSENT.finditer(md):
            sentence = match.group()
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
        assert "does not exclude liability for loss caused by a Party’s wilful default" in md, name


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
