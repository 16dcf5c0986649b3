"""Findings of an eighth outside reading (counsel for the other side, library 2.6.0): the points the seventh reading
left for counsel's decision (late-payment margins under English and Irish law, a Dutch source code escrow, "either
Party" in drafts for two, the limit of liability's last paragraphs) and a reading of the managed service and reseller
clauses under the US systems and Singapore. Each test drafts the deal it needs."""

from __future__ import annotations

import copy

import pytest

from .counsel import clause_of, draft_md, example, under


def _two_customers(stem: str = "meridian-opscloud-managed-service") -> dict:
    """The managed service provided to Meridian and a second customer, Thirdco."""
    data = example(stem)
    extra = copy.deepcopy(data["parties"][0])
    extra.update(id="third", name="Third Party Limited", short_name="Thirdco")
    data["parties"].append(extra)
    for level in data["conflict_resolution"]["escalation"]:
        if level.get("representatives"):
            level["representatives"]["third"] = "General Manager"
    return data


# ── 4: the limit of liability's last two sentences are two paragraphs ───────────────────────────────
def test_service_credits_counting_towards_the_cap_is_a_paragraph_of_its_own(write_deal):
    """With three Parties and Service Credits, "… not to each of them separately. Service Credits paid or credited
    count towards …" ran on as one paragraph: two rules on different subjects, the second read as part of the
    first."""
    cap = clause_of(draft_md(write_deal, _two_customers()), "Limit of liability")
    assert ("and not to each of them separately.\n\nService Credits paid or credited count towards the limit in the "
            "first paragraph of this Section") in cap


# ── 4: "either Party" in a draft for two ──────────────────────────────────────────────────────────────
@pytest.mark.parametrize("stem", ["acme-globex-technology", "meridian-opscloud-managed-service",
                                  "northwind-resellers-reseller", "solent-northgate-contractual-joint-venture",
                                  "brightpath-lumen-referral-alliance"])
def test_a_draft_for_two_parties_says_either_party_may(write_deal, stem):
    """Two-party drafts said "Any Party may start the procedure", "any Party may refer it to mediation", "Any Party
    may audit those records": a right of one of two is "either Party's"."""
    md = draft_md(write_deal, example(stem))
    assert "any Party may" not in md.lower()
    assert "Either Party may start the procedure in this " in md


def test_a_two_party_termination_for_convenience_says_neither_party_may_give_notice_early(write_deal):
    md = draft_md(write_deal, example("acme-globex-technology"))
    text = clause_of(md, "Termination for convenience")
    assert text.startswith(" Termination for convenience.** Either Party may terminate this Agreement for convenience")
    assert "Neither Party may give that notice before 1 January 2028" in text


def test_a_draft_for_three_parties_still_says_any_party_may(write_deal):
    md = draft_md(write_deal, example("tri-harbor-joint-venture"))
    assert "Any Party may start the procedure" in md and "either Party may" not in md.lower()
