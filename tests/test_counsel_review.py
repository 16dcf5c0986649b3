"""Findings of a second outside review (counsel for the other side, reading drafts of library 2.0.0 it had
not seen): words that a legal system's house style must reach, and sentences that must read right with
three or more Parties. Each test drafts the deal it needs."""

from __future__ import annotations

import copy

import yaml

from termsmith import api
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
