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
