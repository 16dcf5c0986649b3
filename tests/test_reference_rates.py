"""A late-payment margin the deal states is added to a rate the draft names, read on the due date: "above the main
reference rate of the central bank that issues SGD" named nothing (the Monetary Authority of Singapore sets no
such rate) and said on no day which rate applies."""

from __future__ import annotations

import re

import pytest

from .counsel import clause_of, draft_md, example, under

INVOICING = "Invoicing and payment of Partner Payments"


def _interest(text: str) -> str:
    """The sentence of a clause that says at what rate late amounts carry interest."""
    return next(s for s in re.split(r"(?<=\.) ", text) if "a year above" in s)


def _alliance(currency: str, margin: float = 5) -> dict:
    data = example("helios-orbis-strategic-alliance")  # Singapore law, payments in SGD, no Budget
    data["payments"]["currency"] = currency
    for stream in data["payments"].get("streams", []):
        stream.pop("currency", None)
    data["payments"]["late_interest_percent"] = margin
    return data


@pytest.mark.parametrize("currency, rate", [
    ("SGD", "the Singapore Overnight Rate Average published by the Monetary Authority of Singapore"),
    ("GBP", "the Bank of England’s Bank Rate"),
    ("EUR", "the European Central Bank’s main refinancing operations rate"),
])
def test_a_stated_margin_is_added_to_the_rate_named_for_its_currency_on_the_due_date(write_deal, currency, rate):
    sentence = _interest(clause_of(draft_md(write_deal, _alliance(currency)), INVOICING))
    assert f"at 5% a year above {rate} as it stands on the due date." in sentence
    assert "central bank" not in sentence


def test_a_currency_the_library_does_not_name_keeps_the_central_bank_wording(write_deal):
    sentence = _interest(clause_of(draft_md(write_deal, _alliance("KWD")), INVOICING))
    assert "at 5% a year above the main policy interest rate of the central bank that issues KWD as it stands on the due date." in sentence


def test_a_us_deal_caps_a_stated_margin_at_the_highest_lawful_rate_in_the_payments_clause_too(write_deal):
    sentence = _interest(clause_of(draft_md(write_deal, under(_alliance("USD"), "Delaware")), "Invoicing and "
                                   "payment of Partner Payments"))
    assert sentence.endswith("at 5% a year above the prime rate published in The Wall Street Journal as it stands on "
                             "the due date, but not more than the highest rate the law permits.")


def test_the_budget_late_payment_clause_and_its_schedule_row_name_the_same_rate(write_deal):
    data = example("northwind-resellers-reseller")  # Dutch law, a Budget in EUR with a 4% margin
    md = draft_md(write_deal, data)
    rate = "the European Central Bank’s main refinancing operations rate"
    # (under Dutch law "the higher of" it and the statutory commercial rate since library 2.6.0)
    statutory = "the statutory commercial interest rate under article 6:119a of the Dutch Civil Code"
    assert (f"at the higher of 4% a year above {rate} as it stands on the due date and {statutory}."
            in clause_of(md, "Late payment"))
    assert (f"| Late payment interest | the higher of 4% a year above {rate} as it stands on the due date and "
            f"{statutory} |") in md


def test_a_us_budget_in_dollars_reads_as_before(write_deal):
    data = example("hudson-cobalt-technology-us")
    data["budget"]["late_interest_percent"] = 3
    text = clause_of(draft_md(write_deal, data), "Late payment")
    assert ("at 3% a year above the prime rate published in The Wall Street Journal as it stands on the due date, but not more "
            "than the highest rate the law permits.") in text


def test_a_margin_in_a_currency_the_library_does_not_name_is_a_located_warning(write_deal):
    from termsmith import api

    path = write_deal(_alliance("KWD"))
    warnings = [p for p in api.check(path).warnings if p.code == "reference-rate"]
    assert [(p.path, p.line is not None) for p in warnings] == [("payments.late_interest_percent", True)]
    assert "names no reference rate for KWD" in warnings[0].message
    named = api.check(write_deal(_alliance("SGD"), "named.yaml")).warnings
    assert not any(p.code == "reference-rate" for p in named)

