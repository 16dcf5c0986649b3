"""Deals built from the model rather than from the examples: combinations of sections and boundary values the
schema allows that no example has. Each either drafts cleanly or is refused with one located line."""

from __future__ import annotations

import pytest

from termsmith import api
from termsmith.errors import InputError

from .counsel import add_party, clause_of, draft_md, example, under


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


# ── self-billing: the words for each payment, in the legal system's spelling, each payment named once ─────────
def _self_billed(*streams: dict) -> dict:
    """hudson (Delaware) with these self-billed payments in place of its royalty."""
    data = example("hudson-cobalt-technology-us")
    data["payments"]["streams"] = [{"id": f"s{i}", "payer": "hudson", "payee": "cobalt", "percent": 5,
                                    "revenue": "the net revenue Hudson receives from the integrated offering",
                                    "self_billing": True, **stream} for i, stream in enumerate(streams)]
    return data


@pytest.mark.parametrize("law, fee", [("Delaware", "license fee"), ("England and Wales", "licence fee")])
def test_a_self_billed_licence_fee_is_spelled_as_the_legal_system_spells_it(write_deal, law, fee):
    """The self-billing sentence printed the deal's `licence_fee` with its underscore replaced, a value the house
    style never rewrites: a US draft read "a license fee" in the fees clause and "The licence fee" two clauses on."""
    md = _agreement(draft_md(write_deal, under(_self_billed({"type": "licence_fee"}), law)))
    invoicing = clause_of(md, "Invoicing and payment of Partner Payments")
    assert f"The {fee} payable by Hudson is invoiced by self-billing:" in invoicing
    assert ("licence fee" if fee == "license fee" else "license fee") not in md


def test_self_billed_payments_of_one_kind_from_one_payer_are_named_once(write_deal):
    """Two self-billed licence fees of the same payer read "The licence fee payable by Hudson and licence fee payable
    by Hudson are invoiced": the same words twice, the second without its article."""
    md = _agreement(draft_md(write_deal, _self_billed({"type": "licence_fee"}, {"type": "licence_fee"},
                                                      {"type": "royalty"})))
    invoicing = clause_of(md, "Invoicing and payment of Partner Payments")
    assert ("The license fees payable by Hudson and the royalty payable by Hudson are invoiced by self-billing:"
            in invoicing)


# ── a payment of 0%: an obligation to pay nothing ───────────────────────────────────────────────────────────
def test_a_payment_of_no_percent_is_refused_with_one_located_line(write_deal):
    """`percent: 0` drafted "Hudson must pay Cobalt a royalty of 0% of the net revenue …", an obligation to pay
    nothing that counsel would strike; `check` said nothing."""
    data = example("hudson-cobalt-technology-us")
    data["payments"]["streams"][0]["percent"] = 0
    path = write_deal(data)
    with pytest.raises(InputError) as raised:
        api.check(path)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == "percent: 0")
    assert str(raised.value) == f"{path}:{line}: payments.streams[0].percent: must be more than 0 (got 0)"


# ── a notice of non-renewal longer than the Initial Term ─────────────────────────────────────────────────────
@pytest.mark.parametrize("stated", [False, True])
def test_a_non_renewal_notice_longer_than_the_initial_term_is_refused(write_deal, deal_data, stated):
    """A 2-month Initial Term with the default 90 days' notice of non-renewal drafted, and its key dates put the
    last day for that notice before the Effective Date: the Agreement renewed whatever the Parties then wanted."""
    deal_data["term"] = {"initial_months": 2, "renewal": "automatic",
                         **({"renewal_months": 12, "non_renewal_notice_days": 60} if stated else {})}
    deal_data["exit"]["termination_for_convenience"] = {"allowed": False}
    path = write_deal(deal_data)
    with pytest.raises(InputError) as raised:
        api.check(path)
    field = "non_renewal_notice_days" if stated else "initial_months"
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip().startswith(f"{field}:"))
    days = "60 days" if stated else "90 days, the default"
    assert str(raised.value) == (
        f"{path}:{line}: term.{field}: non-renewal notice ({days}) must be shorter than the Initial Term (2 months): "
        "notice to stop its renewal would be due before the Effective Date")
    deal_data["term"]["initial_months"] = 3 if stated else 4
    api.check(write_deal(deal_data))  # long enough: no problem


# ── a Term shorter than the periods counted back from its end ────────────────────────────────────────────────
def test_an_initial_term_too_short_for_the_exit_plan_and_extension_periods_is_flagged(write_deal, deal_data):
    """A 3-month Initial Term that does not renew drafted "in any case 3 months before the Term is due to expire"
    (the Effective Date), an Exit Plan due 3 months after the Effective Date (when the Agreement had expired) and
    talks on an extension to be asked for 6 months before its end (before it started), with no word from check."""
    deal_data["term"] = {"initial_months": 3, "renewal": "by_agreement"}
    deal_data["exit"]["termination_for_convenience"] = {"allowed": False}
    path = write_deal(deal_data)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == "initial_months: 3")
    short = [w for w in api.check(path).warnings if w.path == "term.initial_months"]
    assert [(w.line, w.severity) for w in short] == [(line, "warning")] * 3
    assert [w.message.split("(")[1].split(")")[0] for w in short] == [
        "terms.exit_plan_start_months", "terms.exit_plan_months", "terms.extension_request_months"]
    deal_data["terms"] = {"exit_plan_start_months": 1, "exit_plan_months": 2, "extension_request_months": 2}
    assert not [w for w in api.check(write_deal(deal_data)).warnings if w.path == "term.initial_months"]


# ── chronic failure: more failures than periods, and the words for one failure or one in each period ────────
@pytest.mark.parametrize("failures, periods, words", [
    (2, 3, "fails to meet the same Service Level in 2 of any 3 consecutive Measurement Periods and each of those "
           "failures is a Serious Failure."),
    (3, 3, "fails to meet the same Service Level in each of 3 consecutive Measurement Periods and each of those "
           "failures is a Serious Failure."),
    (1, 1, "fails to meet a Service Level in any Measurement Period and that failure is a Serious Failure."),
    (1, 6, "fails to meet a Service Level in any Measurement Period and that failure is a Serious Failure."),
])
def test_a_chronic_failure_reads_as_the_numbers_allow(write_deal, deal_data, failures, periods, words):
    """"fails to meet the same Service Level in 1 of any 1 consecutive Measurement Periods" read as a riddle, and
    "3 of any 3" meant "each of 3"."""
    deal_data["slas"]["chronic_failure"] = {"failures": failures, "periods": periods}
    text = clause_of(_agreement(draft_md(write_deal, deal_data)), "Chronic failure")
    assert words in text


def test_more_chronic_failures_than_periods_are_refused(write_deal, deal_data):
    """12 failures "of any 1 consecutive Measurement Periods" drafted: a Service Level is measured once a period,
    so the termination right for Chronic Failure could never arise."""
    deal_data["slas"]["chronic_failure"] = {"failures": 12, "periods": 1}
    path = write_deal(deal_data)
    with pytest.raises(InputError) as raised:
        api.check(path)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == "failures: 12")
    assert str(raised.value) == (
        f"{path}:{line}: slas.chronic_failure.failures: 12 failures cannot happen within 1 consecutive measurement "
        "period: each Service Level is measured once a period, so no Chronic Failure could ever occur; give at most "
        "1, or more periods")


def test_parties_without_a_budget_share_are_named_in_one_sentence(write_deal, deal_data):
    """"globex, third bears no share of the budget, so its cap would be nil": the names are now joined with "and"
    and the sentence is in the plural."""
    add_party(deal_data, 1, id="third", name="Third Party Limited", short_name="Thirdco")
    deal_data["budget"]["cost_sharing"] = {"acme": 100, "globex": 0, "third": 0}
    with pytest.raises(InputError) as raised:
        api.check(write_deal(deal_data))
    assert str(raised.value).endswith("options.liability_cap.multiple_of_annual_fees: globex and third bear no share of "
                                      "the budget, so their caps would be nil: add fixed_amount")


# ── other percentages of 0 that drafted an obligation to pay nothing ───────────────────────────────────────
@pytest.mark.parametrize("stem, where, field", [
    ("northwind-resellers-reseller", ("scope", "reseller"), "customer_compensation_percent"),
    ("tri-harbor-joint-venture", ("scope", "joint_venture"), "default_discount_percent"),
])
def test_a_compensation_or_discount_of_0_percent_is_refused(write_deal, stem, where, field):
    """customer_compensation_percent: 0 drafted "must then pay the reseller concerned … compensation of 0% of the
    reseller's net revenue", and default_discount_percent: 0 "the value of those shares … less 0%": the first is an
    obligation to pay nothing, the second what leaving the field out already means (no discount)."""
    data = example(stem)
    section = data
    for key in where:
        section = section[key]
    section[field] = 0
    path = write_deal(data)
    with pytest.raises(InputError) as raised:
        api.check(path)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == f"{field}: 0")
    assert str(raised.value) == f"{path}:{line}: {'.'.join(where)}.{field}: must be more than 0 (got 0)"


def test_a_period_of_one_is_said_in_the_singular(write_deal, deal_data):
    deal_data["term"] = {"initial_months": 1, "renewal": "automatic", "renewal_months": 1,
                         "non_renewal_notice_days": 1}
    api.check(write_deal(deal_data))
    deal_data["term"]["non_renewal_notice_days"] = 30
    with pytest.raises(InputError) as raised:
        api.check(write_deal(deal_data))
    assert str(raised.value).endswith("term.non_renewal_notice_days: non-renewal notice (30 days) must be shorter than "
                                      "the renewal period (1 month)")


@pytest.mark.parametrize("percent", [0, 5])
def test_a_passive_investment_exception_of_0_percent_is_left_out(write_deal, percent):
    """terms.passive_investment_percent: 0 drafted "except by holding as a passive investment less than 0% of a
    class of securities listed on a stock exchange", an exception nothing can meet."""
    data = example("tri-harbor-joint-venture")
    data["terms"]["passive_investment_percent"] = percent
    text = clause_of(_agreement(draft_md(write_deal, data)), "No competition with the joint venture")
    assert ("except by holding as a passive investment less than 5% of a class of securities listed on a stock "
            "exchange." in text) == (percent == 5)
    assert "0%" not in text


# ── a discount or margin of 0%: no words for it ─────────────────────────────────────────────────────────────
def test_a_reseller_without_a_discount_buys_at_the_list_prices(write_deal):
    data = example("northwind-resellers-reseller")
    data["scope"]["reseller"]["discount_percent"] = 0
    md = _agreement(draft_md(write_deal, data))
    assert "list prices in force on the date of each order." in md
    assert "discount of 0%" not in md


def test_transition_assistance_without_a_margin_is_charged_at_cost(write_deal, deal_data):
    deal_data["exit"]["transition"]["cost_plus_margin_percent"] = 0
    md = _agreement(draft_md(write_deal, deal_data))
    assert ("may charge the Party that requested it the reasonable costs it incurs in providing that assistance. "
            "Internal personnel costs are charged at their actual cost of employment, without any mark-up.") in md
    assert "margin of 0%" not in md


# ── a managed service for several customers without Service Credits: the refund after a Chronic Failure ─────────
def test_several_customers_without_service_credits_draft_the_refund_after_a_chronic_failure(write_deal):
    """meridian with a second customer that pays Charges and no credit tiers: the refund clause said that "the
    Charges and Service Credits of the other Parties do not change", a term the draft then does not define, and
    the deal could not be drafted at all."""
    from .counsel import two_customers

    data = two_customers(pays=True)
    for metric in data["slas"]["metrics"]:
        metric.pop("credits", None)
    refund = clause_of(_agreement(draft_md(write_deal, data)), "Refund of prepaid Charges")
    assert refund.strip().endswith("The Charges of the other Parties do not change."), refund
    assert "Service Credit" not in refund


# ── amounts in the currency's own minor unit ─────────────────────────────────────────────────────────────────
def _referral_fee_in(currency: str, amount: float) -> dict:
    """brightpath with its fixed referral fee in `currency`."""
    data = example("brightpath-lumen-referral-alliance")
    data["payments"]["currency"] = currency
    data["payments"]["streams"][1]["amount"] = amount
    return data


@pytest.mark.parametrize("currency, amount, written", [("KWD", 2.5, "KWD 2.500"), ("JPY", 400, "JPY 400"),
                                                       ("GBP", 400.5, "GBP 400.50"), ("GBP", 400, "GBP 400")])
def test_an_amount_is_written_with_its_currencys_minor_unit(write_deal, currency, amount, written):
    """Every amount that was not whole had two decimals: "KWD 2.50" for a dinar of 1,000 fils (2.500)."""
    fees = clause_of(_agreement(draft_md(write_deal, _referral_fee_in(currency, amount))), "Partner Payments")
    assert f"a referral fee of {written} for each Qualified Referral" in fees


@pytest.mark.parametrize("currency, amount, unit", [("JPY", 2.5, "no minor unit: give a whole amount"),
                                                    ("KWD", 2.5005, "3 decimals at most"),
                                                    ("GBP", 400.125, "2 decimals at most")])
def test_an_amount_finer_than_its_currency_is_refused_with_one_located_line(write_deal, currency, amount, unit):
    """"JPY 2.50" drafted (the yen has no minor unit, so no one can pay it) and `check` said nothing."""
    path = write_deal(_referral_fee_in(currency, amount))
    with pytest.raises(InputError) as raised:
        api.check(path)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == f"amount: {amount}")
    assert str(raised.value) == (f"{path}:{line}: payments.streams[1].amount: {amount} has more decimals than "
                                 f"{currency} allows ({unit})")


def test_an_amount_worked_out_by_the_draft_is_rounded_to_its_currencys_minor_unit(write_deal):
    """The monthly average of a Budget of 1,000 yen over 36 months read "JPY 27.78": yen have no minor unit."""
    data = example("solent-northgate-contractual-joint-venture")
    data["budget"].update(currency="JPY", total=1000)
    data["options"]["liability_cap"].pop("currency", None)
    md = _agreement(draft_md(write_deal, data))
    assert "which is an average of JPY 28 a month." in md
    assert "JPY 27.78" not in md


# ── exit.survival orders the survival clause; it does not limit it ──────────────────────────────────────────
def test_the_survival_list_orders_the_topics_and_its_description_says_it_cannot_remove_one(write_deal):
    """The schema said "Topics that survive the end of the agreement", yet `survival: [payment]` still kept
    confidentiality, liability and every other topic in force (the library keeps them, as their own clauses run
    after the end). The description now says what the list does: which topics come first."""
    from termsmith.deal.model import Deal

    data = example("hudson-cobalt-technology-us")
    data["exit"]["survival"] = ["payment"]
    survival = clause_of(_agreement(draft_md(write_deal, data)), "Survival")
    items = [line for line in survival.splitlines() if line.startswith("(")]
    assert "every obligation to pay an amount" in items[0]
    assert any("(Confidentiality)" in item for item in items[1:])
    assert any("(Limitation of Liability)" in item for item in items[1:])
    description = Deal.model_json_schema()["$defs"]["Exit"]["properties"]["survival"]["description"]
    assert "lists first" in description and "cannot remove one" in description
