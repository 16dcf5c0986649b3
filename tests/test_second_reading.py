"""What a second reading of the drafts found, as the other side's counsel reads them: wording that changes with
the number of Parties, a ground of termination that expelled the innocent Party, defined terms written in
lowercase, and words that belong to another legal system. Each test drafts deals and reads the text."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from termsmith import api
from termsmith.render.markdown import render_markdown

from . import variants
from .conftest import EXAMPLES


def _draft(write_deal, data) -> str:
    return render_markdown(api.build(write_deal(data)))


def _example(name: str) -> dict:
    return yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


def _clause(md: str, title: str) -> str:
    start = md.index(f" {title}.**")
    end = md.find("\n**", start + 1)
    return md[start:end if end != -1 else len(md)]


def _three_parties(data: dict) -> dict:
    data = copy.deepcopy(data)
    variants._third_party(data)
    return data


# ── two Parties or more: "the other Party", never "another Party" where there is only one ─────────
def test_termination_for_cause_and_insolvency_name_the_other_party(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert "by notice to the other Party if the other Party:" in _clause(md, "Termination for cause")
    assert "if an Insolvency Event occurs in relation to the other Party," in _clause(md, "Insolvency")
    md = _draft(write_deal, _three_parties(deal_data))
    assert "by notice to the other Parties if another Party:" in _clause(md, "Termination for cause")
    assert "if an Insolvency Event occurs in relation to another Party," in _clause(md, "Insolvency")


def test_site_rules_are_those_of_the_party_whose_premises_are_used(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert ("comply with the reasonable security, safety and conduct rules notified to it in advance by that other "
            "Party.") in md


# ── several Parties: every ground that concerns one Party removes that Party ─────────────────────
def test_a_chronic_failure_or_force_majeure_removes_the_party_concerned(deal_data, write_deal):
    md = _draft(write_deal, _three_parties(deal_data))
    clause = _clause(md, "Termination by one of several Parties")
    assert ("(a Material Breach, an Insolvency Event, a Change of Control or a Chronic Failure of that Party, or a "
            "Force Majeure Event that prevents that Party from performing)") in clause
    data = _three_parties(deal_data)
    data.pop("slas")
    data["roles"]["responsibilities"] = [r for r in data["roles"]["responsibilities"]
                                         if not any("Service Level" in d for d in r["duties"])]
    clause = _clause(_draft(write_deal, data), "Termination by one of several Parties")
    assert "Chronic Failure" not in clause
    assert "a Change of Control of that Party, or a Force Majeure Event that prevents that Party from performing)" in clause


def test_a_departing_shareholder_is_the_departing_party(write_deal):
    md = _draft(write_deal, _example("tri-harbor-joint-venture"))
    clause = _clause(md, "Shares and the Company when this Agreement ends")
    assert "If this Agreement ends for one Party while it continues between the others under clause 17.5, the Departing Party must sell" in clause
    assert "departing Party" not in md


# ── boilerplate: a sale of the business is a transfer by novation, not an assignment ──────────────
def test_a_business_sale_is_a_transfer_throughout(deal_data, write_deal):
    clause = _clause(_draft(write_deal, deal_data), "Assignment")
    assert "Such a transfer is treated as a Change of Control of the transferring Party for the purposes of clause 17.4." in clause
    assert "Such an assignment" not in clause and "assigning Party" not in clause


# ── each legal system its own words ─────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("law", "venue", "carve_out"), [
    ("England and Wales", "London", "a Party’s wilful default or its deliberate abandonment of this Agreement"),
    ("Ireland", "Dublin", "a Party’s wilful default or its deliberate abandonment of this Agreement"),
    ("Singapore", "Singapore", "a Party’s wilful default or its deliberate abandonment of this Agreement"),
    ("the Netherlands", "Amsterdam",
     "the intent (opzet) or deliberate recklessness (bewuste roekeloosheid) of a Party or of its management"),
    ("Germany", "Frankfurt am Main", "the intent (Vorsatz) or gross negligence (grobe Fahrlässigkeit) of a Party"),
    ("New York", "New York County", "a Party’s gross negligence, willful misconduct or willful abandonment of this Agreement"),
    ("Delaware", "New Castle County", "a Party’s gross negligence, willful misconduct or willful abandonment"),
    ("California", "San Francisco County", "a Party’s gross negligence, willful misconduct or willful abandonment"),
])
def test_the_exclusion_of_losses_keeps_the_governing_laws_own_carve_out(deal_data, write_deal, law, venue, carve_out):
    deal_data["deal"]["governing_law"] = law
    deal_data["deal"].pop("language")
    cr = deal_data["conflict_resolution"]
    cr.update(final="courts", courts={"venue": venue})
    cr.pop("arbitration")
    md = _draft(write_deal, deal_data)
    excluded = _clause(md, "Excluded losses")
    assert re.search(r"does not exclude liability for loss caused by " + re.escape(carve_out), excluded), excluded[-300:]
    assert ("wilful default" in md) == (law in ("England and Wales", "Ireland", "Singapore"))


# ── exit: who pays a fixed fee; licences that continue, one, several or none ──────────────────────
def test_a_fixed_transition_fee_says_who_pays_whom(write_deal):
    data = _example("northwind-resellers-reseller")
    clause = _clause(_draft(write_deal, data), "Fees for transition assistance")
    assert "The fee is divided in equal shares between the Parties that provide assistance, unless they agree another division in writing. The part due to a Party is payable by the other Party." in clause
    assert "Party or Parties" not in clause and "agreed in the Exit Plan" not in clause
    clause = _clause(_draft(write_deal, _three_parties(data)), "Fees for transition assistance")
    assert "payable by the Parties that receive its assistance, in equal shares." in clause


def test_licences_end_with_no_dangling_or_one_item_list(write_deal):
    data = _example("helios-orbis-strategic-alliance")
    clause = _clause(_draft(write_deal, data), "Wind-down of licences")
    assert "except that:\n\n(a) each licence continues" in clause and "\n\n(b) the provisions on Intellectual" in clause
    data["exit"]["survival"].remove("intellectual_property")
    clause = _clause(_draft(write_deal, data), "Wind-down of licences")
    assert "end on the Termination Date, except that each licence continues to the extent" in clause
    assert "(a)" not in clause
    data["exit"]["transition"]["assistance_months"] = 0
    clause = _clause(_draft(write_deal, data), "Wind-down of licences")
    assert clause.startswith(" Wind-down of licences.** All licences granted under this Agreement end on the Termination Date.\n")
    assert "except that" not in clause


def test_a_resellers_customers_are_named_with_the_products(write_deal):
    md = _draft(write_deal, _example("northwind-resellers-reseller"))
    assert ("A customer to whom Vanderlinde has resold the Products is migrated only if it agrees to move under clause "
            "18.5; a customer that stays with Vanderlinde is not migrated.") in md


# ── roles: one manager named, or none ───────────────────────────────────────────────────────────
def test_one_named_manager_is_a_sentence(deal_data, write_deal):
    deal_data["roles"]["alliance_managers"] = {"acme": "Jane Doe"}
    clause = _clause(_draft(write_deal, deal_data), "Alliance Managers")
    assert "The first Alliance Manager of Acme is Jane Doe. Globex must notify the other Party of the name of its Alliance Manager" in clause
    assert "(a)" not in clause
    deal_data["roles"]["alliance_managers"] = {"acme": "Jane Doe", "globex": "Max Mustermann"}
    clause = _clause(_draft(write_deal, deal_data), "Alliance Managers")
    assert "The first Alliance Managers are:\n\n(a) for Acme: Jane Doe; and\n\n(b) for Globex: Max Mustermann." in clause
    assert "must notify" not in clause


# ── data protection: no personal data shared, business contacts still exchanged ──────────────────
def test_no_personal_data_still_allows_business_contact_details(write_deal):
    md = _draft(write_deal, _example("helios-orbis-strategic-alliance"))
    clause = _clause(md, "No sharing of Personal Data")
    assert "does not prevent the Parties from exchanging the business contact details of their personnel" in clause
    assert "controller" not in clause  # no clause of this draft explains the word


# ── disputes: one level, a venue that is the jurisdiction, US settlement communications ──────────
def test_a_single_escalation_level_reads_as_a_sentence(deal_data, write_deal):
    deal_data["conflict_resolution"]["escalation"] = [{"level": "Chief executives", "days": 20}]
    md = _draft(write_deal, deal_data)
    assert ("by referring it to the chief executive of each Party, who have 20 days after the Dispute Notice is received "
            "to resolve it. Within that period, they must meet") in md
    assert "following levels" not in _clause(md, "Escalation")


def test_a_venue_that_is_the_jurisdiction_is_not_repeated(write_deal):
    md = _draft(write_deal, _example("brightpath-lumen-referral-alliance"))
    assert "is subject to the exclusive jurisdiction of the courts of England and Wales. Each Party" in md
    assert "sitting in England and Wales" not in md


@pytest.mark.parametrize(("law", "rule"), [
    ("New York", "section 4547 of the New York Civil Practice Law and Rules"),
    ("Delaware", "Rule 408 of the Delaware Uniform Rules of Evidence"),
    ("California", "sections 1152 and 1154 of the California Evidence Code"),
    ("England and Wales", None),
])
def test_settlement_communications_in_the_governing_laws_terms(deal_data, write_deal, law, rule):
    deal_data["deal"]["governing_law"] = law
    deal_data["deal"].pop("language")
    md = _draft(write_deal, deal_data)
    if rule:
        assert f"are confidential and are compromise negotiations for the purposes of Rule 408 of the Federal Rules of Evidence and {rule}." in md
        assert "without prejudice" not in md
    else:
        assert "are confidential and are made without prejudice to the rights of the Parties." in md


# ── no fixed figure in the clauses every kind of deal uses: each is a library term, listed when defaulted ──
_KIND_SPECIFIC = ("scope/", "reseller/", "managed-service/", "joint-venture/", "technology/", "alliance/", "payments/",
                  "schedule-services/", "schedule-budget/")
_FIGURE = re.compile(r"\{\{ *\d+ *\| *(?:days|business_days|months|years|hours|percent) *\}\}|add_(?:days|months)\(\d+\)")


def test_cross_cutting_clauses_print_no_fixed_figures():
    from .conftest import ROOT

    clauses = ROOT / "clause_library" / "clauses"
    found = []
    for path in sorted(clauses.rglob("*.md")):
        rel = path.relative_to(clauses).as_posix()
        if rel.startswith(_KIND_SPECIFIC) or rel == "liability/cap.md":  # the cap's 12-month period is its measure
            continue
        found += [f"{rel}: {m.group()}" for m in _FIGURE.finditer(path.read_text(encoding="utf-8"))]
    assert not found, found


def test_procedural_periods_are_listed_as_defaults_and_may_be_set(deal_data, write_deal):
    report = api.check(write_deal(deal_data))
    defaults = {d.path for d in report.defaults}
    md = _draft(write_deal, deal_data)
    for term in ("steering_committee_days", "insolvency_dismissal_days", "final_account_days", "arbitrator_nomination_days"):
        assert f"terms.{term.replace('_', chr(92) + '_')}" in md, term  # the reviewer's notes name it
        assert f"terms.{term}" in defaults, term
    deal_data["terms"] = {"insolvency_dismissal_days": 90, "final_account_days": 45, "steering_committee_days": 20}
    md = _draft(write_deal, deal_data)
    assert ("applies to a court to start insolvency proceedings against it and the application is not withdrawn or "
            "dismissed within 90 days after it is filed") in md  # from the filing since 2.10.0
    assert "Within 45 days after the Termination Date, the Parties must prepare and agree a final account" in md
    assert "| Final account of the Budget agreed | Termination Date + 45 days |" in md
    assert "within 20 days after the Effective Date. Each Party appoints" in md


def test_clauses_that_run_after_the_end_always_survive(deal_data, write_deal):
    deal_data["exit"]["survival"] = ["non_solicitation"]
    clause = _clause(_draft(write_deal, deal_data), "Survival")
    for listed in ("clause 9 (Confidentiality)", "clause 13 (Limitation of Liability)", "clause 8 (Intellectual Property)",
                   "clause 18.6 (Return and deletion of data) and clause 10 (Data Protection)"):
        assert listed in clause, listed


def test_civil_law_courts_are_not_asked_about_forum_non_conveniens(write_deal):
    md = _draft(write_deal, _example("northwind-resellers-reseller"))  # the courts of the Netherlands
    assert "waives any objection to proceedings in them on the ground of venue." in md
    assert "inconvenient forum" not in md
    md = _draft(write_deal, _example("brightpath-lumen-referral-alliance"))  # the courts of England and Wales
    assert "on the ground of venue or that they are an inconvenient forum." in md


def test_budget_balancing_says_who_pays_whom(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert "A Party that has borne less than its share must pay the difference to the other Party within 30 days" in md
    md = _draft(write_deal, _three_parties(deal_data))
    split = "in proportion to the amount by which each of them has exceeded its share"
    assert ("Each Party that has borne less than its share owes the amount of its shortfall. That amount is divided between "
            f"the Parties that have borne more than their share {split}") in _clause(md, "Reconciliation and invoicing")
    assert f"must pay the amount of its shortfall to the Parties that have borne more than their share, divided between them {split}" in _clause(md, "Final accounting")
    assert "Party or Parties" not in _clause(md, "Final accounting")
