"""Deals built from the model rather than from the examples: combinations of sections and boundary values the
schema allows that no example has. Each either drafts cleanly or is refused with one located line."""

from __future__ import annotations

import copy

import pytest

from termsmith import api
from termsmith.errors import InputError

from .counsel import clause_of, draft_md, example, under


def _agreement(md: str) -> str:
    return md.split("**Notes for the reviewer**")[0]


def _charges_and_budget() -> dict:
    """meridian with its stated Charges (a service_charge payment) and a Budget besides: the payments section then
    states no payment terms of its own, the Budget's apply."""
    data = example("meridian-opscloud-managed-service")
    data["budget"] = {"currency": "USD", "total": 1000000, "cost_sharing": {"meridian": 50, "opscloud": 50},
                      "payment_terms_days": 45, "invoicing": "monthly"}
    for name in ("currency", "payment_terms_days"):
        data["payments"].pop(name)
    data["options"]["liability_cap"].pop("currency")
    return data


# ── a managed service with Charges and a Budget: the refund after a failed acceptance ───────────────────────
@pytest.mark.parametrize("law", ["New York", "England and Wales"])
def test_charges_with_a_budget_are_refunded_within_the_budgets_payment_terms(write_deal, law):
    """The refund after a second failed acceptance test read `payments.payment_terms_days`, which a deal with a
    Budget leaves out (the Budget's apply to every invoice): the clause could not be drafted at all."""
    onboarding = clause_of(_agreement(draft_md(write_deal, under(_charges_and_budget(), law))),
                           "Onboarding and service commencement")
    assert "must refund all Charges paid within 45 days after the Termination Date." in onboarding
