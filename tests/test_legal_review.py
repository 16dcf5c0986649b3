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
