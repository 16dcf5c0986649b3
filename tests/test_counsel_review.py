"""Findings of a second outside review (counsel for the other side, reading drafts of library 2.0.0 it had
not seen): words that a legal system's house style must reach, and sentences that must read right with
three or more Parties. Each test drafts the deal it needs."""

from __future__ import annotations

import copy
import datetime as dt
import re

import yaml

from termsmith import api
from termsmith.draft.templating import add_months
from termsmith.render.markdown import render_markdown

from . import variants
from .conftest import EXAMPLES


def _example(stem: str) -> dict:
    return yaml.safe_load((EXAMPLES / f"{stem}.yaml").read_text(encoding="utf-8"))


def _draft(write_deal, data) -> str:
    return render_markdown(api.build(write_deal(data)))


def _us(data: dict, law: str = "New York") -> dict:
    data = copy.deepcopy(data)
    data["deal"]["governing_law"] = law
    data["deal"].pop("language", None)
    return data


# ── US vocabulary reaches words the clause text chooses between ───────────────────────────────
def test_company_rights_speak_of_sections_under_us_law(write_deal):
    md = _draft(write_deal, _us(_example("tri-harbor-joint-venture")))
    assert "and the Parties intend those Sections to confer that right on it" in md
    assert "must not vary or end those Sections so as to reduce the rights of the Company" in md
    assert "those clauses" not in md and "that clause" not in md


def test_company_rights_still_speak_of_clauses_under_english_law(write_deal):
    md = _draft(write_deal, _example("tri-harbor-joint-venture"))
    assert "and the Parties intend those clauses to confer that right on it" in md


def test_a_licence_fee_is_a_license_fee_under_us_law(write_deal):
    data = _example("hudson-cobalt-technology-us")
    variants._payment("licence_fee")(data)
    md = _draft(write_deal, data)
    assert "must pay Hudson a license fee of USD 5,000" in md
    assert "License fee" in md
    assert "licence" not in md.lower()


def test_a_licence_fee_keeps_its_british_spelling_under_english_law(deal_data, write_deal):
    variants._payment("licence_fee")(deal_data)
    md = _draft(write_deal, deal_data)
    assert "must pay Acme a licence fee of EUR 5,000" in md


# ── three or more Parties ──────────────────────────────────────────────────────────────────────
def test_any_of_three_parties_may_end_for_want_of_an_integration_plan(deal_data, write_deal):
    two = _draft(write_deal, deal_data)
    assert "either Party may terminate this Agreement by notice to the other Party given within" in two
    variants._third_party(deal_data)
    three = _draft(write_deal, deal_data)
    assert "any Party may terminate this Agreement by notice to the other Parties given within" in three
    assert "either Party" not in three


def test_with_three_parties_the_controller_is_the_party_served(deal_data, write_deal):
    deal_data["options"]["personal_data"] = "processor"
    two = _draft(write_deal, deal_data)
    assert "the first Party acts as processor and the other Party as controller." in two
    variants._third_party(deal_data)
    three = _draft(write_deal, deal_data)
    assert ("the first Party acts as processor and the Party on whose behalf it processes that Personal Data "
            "acts as controller.") in three
    assert "the other Party as controller" not in three


# ── joint venture: the default discount is for a Party's own fault ─────────────────────────────
def test_no_default_discount_for_insolvency_or_change_of_control(write_deal):
    data = _example("tri-harbor-joint-venture")
    md = _draft(write_deal, data)
    assert ("The price is the value of those shares determined under clause 5.6, less 20%, except that no discount "
            "applies where the Default Event is an Insolvency Event or a Change of Control.") in md
    data["exit"]["insolvency"] = False
    data["exit"]["change_of_control"] = {"terminable": False}
    md = _draft(write_deal, data)
    assert "determined under clause 5.6, less 20%. The Defaulting Party" in md
    assert "no discount applies" not in md


def test_a_call_option_keeps_claims_whether_or_not_the_default_is_a_breach(write_deal):
    md = _draft(write_deal, _example("tri-harbor-joint-venture"))
    assert "keeps any claim it has against the Defaulting Party, including for any breach of this Agreement." in md
    assert "for the breach." not in md


# ── joint venture: a winding-up deadlock can be answered by a purchase that completes ──────────
def test_a_winding_up_notice_can_be_answered_by_a_binding_purchase(write_deal):
    data = _example("tri-harbor-joint-venture")
    assert data["scope"]["joint_venture"]["deadlock"]["resolution"] == "winding_up"
    md = _draft(write_deal, data)
    clause = md[md.index("**5.4 Deadlock.**"):md.index("**5.5 ")]
    assert "(a) any Party may, within the following 21 days, give notice requiring the Company to be wound up;" in clause
    assert ("each Party that did not give it may, by notice to the other Parties, elect to buy all the shares of the "
            "Parties that do not make that election, at their value determined under clause 5.6") in clause
    assert "where more than one Party elects, they buy those shares in proportion to their shareholdings" in clause
    # the sellers must sell, by a date, and the fallback is the liquidation
    assert ("each Party whose shares are to be bought must sell them free from any encumbrance, and the sale must be "
            "completed within 21 days after their value is determined") in clause
    assert ("if no Party elects to buy within that period, or a Party that elected to buy fails to complete its "
            "purchase in time, the Parties must vote their shares") in clause
    assert "agree to buy the shares of the others" not in clause


# ── the Transition Period ends when the exit timetable says it does ────────────────────────────
def test_the_transition_period_ends_on_the_date_the_timetable_gives(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert "**“Transition Period”** means the period of 6 months after the Termination Date." in md
    timetable = next(line for line in md.splitlines() if line.startswith("| End of the Transition Period"))
    # the worked example: a Termination Date and the end of the period 6 months after it (corresponding date)
    termination = next(line for line in md.splitlines() if line.startswith("| Termination Date |"))

    def day(line: str) -> dt.date:
        return dt.datetime.strptime(re.findall(r"\d{1,2} \w+ \d{4}", line)[-1], "%d %B %Y").date()

    assert day(timetable) == add_months(day(termination), 6)


# ── reseller: no figure reads as agreed for a purpose the deal did not state ───────────────────
def test_a_late_order_may_be_cancelled_after_the_delivery_period_again(write_deal):
    data = _example("northwind-resellers-reseller")
    md = _draft(write_deal, data)
    days = data["scope"]["reseller"]["delivery_business_days"]
    assert ("If delivery is late by more than a period equal to the delivery period, the ordering reseller may "
            "cancel the order") in md
    assert f"more than {days} Business Days late" not in md


# ── three or more Parties: a disputed invoice ──────────────────────────────────────────────────
def test_with_three_parties_a_disputed_invoice_is_referred_by_one_of_the_two_concerned(deal_data, write_deal):
    two = _draft(write_deal, deal_data)
    assert "The Parties must try in good faith to resolve the disputed amount promptly, and either of them may" in two
    variants._third_party(deal_data)
    three = _draft(write_deal, deal_data)
    assert "promptly, and the disputing Party or the issuing Party may refer it for resolution under clause" in three
    assert "either of them may refer" not in three


# ── the payments schedule: its second table is introduced by what it holds ─────────────────────
def test_the_payments_schedule_introduces_its_second_table_by_what_it_holds(write_deal):
    reported = _draft(write_deal, _example("brightpath-lumen-referral-alliance"))
    assert "They are reported, invoiced and paid as follows:\n\n| Subject | Arrangement | Clause |" in reported
    assert "| Statements |" in reported
    charges = _draft(write_deal, _example("meridian-opscloud-managed-service"))  # no statements to report
    assert "They are invoiced and paid as follows:\n\n| Subject | Arrangement | Section |" in charges  # a US deal
    assert "| Statements |" not in charges
