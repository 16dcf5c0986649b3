"""Clause substance from the lawyer's review that the first rework left open: data protection roles per data
flow, the Budget's costs and approvals, machine-made text, and the missing boilerplate. Each test reads drafts."""

from __future__ import annotations

import re

import pytest

from termsmith import api
from termsmith.errors import InputError
from termsmith.render.markdown import render_markdown

from . import variants

PROCESSOR = {"data": "contact and usage data of the users of the combined offering", "from": "acme", "to": "globex",
             "role": "controller_to_processor", "purpose": "provide second-line support for the combined offering",
             "subjects": "the employees and other authorised users of customers"}
INDEPENDENT = {"data": "contact details of prospective customers", "from": "globex", "to": "acme",
               "role": "independent_controllers", "purpose": "market and sell the combined offering"}
JOINT = {"data": "the joint marketing list", "from": "acme", "to": "globex", "role": "joint_controllers",
         "purpose": "run joint sales campaigns"}


def _draft(write_deal, data) -> str:
    return render_markdown(api.build(write_deal(data)))


def _article(md: str, title: str) -> str:
    start = md.index(f". {title}\n")
    return md[start:md.index("\n## ", start)]


@pytest.fixture(scope="module")
def all_drafts(tmp_path_factory):
    return [(name, data, render_markdown(draft)) for name, data, draft in variants.drafts(tmp_path_factory.mktemp("v"))]


# ── data protection: roles per data flow, never a silent default ─────────────────────────────────
def test_no_roles_stated_means_no_roles_assumed(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    dp = _article(md, "Data Protection")
    assert "as an independent controller, for its own purposes" not in dp
    assert "This Agreement does not provide for any Party to process Personal Data on behalf of another Party" in dp
    assert "until those Parties have agreed in writing the role each of them takes" in dp
    assert "the deal states no roles for personal data" in md  # the reviewer is told


def test_check_warns_when_no_roles_are_stated(deal_data, write_deal):
    warnings = api.check(write_deal(deal_data)).warnings
    assert any(w.path == "data_protection" and "states no roles for personal data" in w.message for w in warnings)


def test_each_flow_gets_the_terms_of_its_role(deal_data, write_deal):
    deal_data["data_protection"] = {"flows": [PROCESSOR, INDEPENDENT, JOINT]}
    dp = _article(_draft(write_deal, deal_data), "Data Protection")
    assert "Globex processes that Personal Data only on behalf of Acme, as its processor under clause 10.4" in dp
    assert "Acme receives that Personal Data as an independent controller under clause 10.3" in dp
    assert "Acme and Globex are joint controllers of that Personal Data under clause 10.5" in dp
    assert "that Article 28(3) of the UK GDPR or, where it applies, of the EU GDPR requires" in dp
    assert "the data subjects are the employees and other authorised users of customers" in dp
    assert "their arrangement as joint controllers under Article 26 of the UK GDPR" in dp
    assert "No Party processes Personal Data on behalf of another Party, and no Parties are joint controllers" in dp


@pytest.mark.parametrize("law", ["New York", "Singapore"])
def test_processor_terms_speak_the_systems_own_law(deal_data, write_deal, law):
    deal_data["deal"]["governing_law"] = law
    deal_data["deal"].pop("language")
    deal_data["data_protection"] = {"flows": [PROCESSOR, JOINT]}
    dp = _article(_draft(write_deal, deal_data), "Data Protection")
    assert "Article 28" not in dp and "Article 26" not in dp and "GDPR" not in dp
    assert "the contract between the controller and the processor that Data Protection Law requires" in dp
    assert ("not sell or share the Personal Data" in dp) == (law == "New York")


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["options"].update(personal_data="processor"),
     "options.personal_data: give the roles for personal data in one place"),
    (lambda d: d["data_protection"]["flows"][0].update(to="acme"), "data_protection.flows[0].to: a data flow goes"),
    (lambda d: d["data_protection"]["flows"][0].pop("subjects"), "controller_to_processor needs `subjects`"),
    (lambda d: d["data_protection"]["flows"][0].update(to="initech"), "data_protection.flows[0].to: party 'initech'"),
])
def test_data_flow_rules_name_the_field(deal_data, write_deal, change, message):
    deal_data["data_protection"] = {"flows": [dict(PROCESSOR)]}
    change(deal_data)
    with pytest.raises(InputError) as info:
        api.check(write_deal(deal_data))
    assert message in str(info.value) and "deal.yaml:" in str(info.value)


def test_roles_follow_the_deal_in_every_branch(all_drafts):
    for name, data, md in all_drafts:
        stated = (data.get("options") or {}).get("personal_data")
        flows = (data.get("data_protection") or {}).get("flows") or []
        roles = {f["role"] for f in flows}
        independent = "as an independent controller, for its own purposes" in md
        assert independent == (stated == "independent_controllers" or "independent_controllers" in roles), name
        assert ("acts as processor" in md or "is the processor" in md) == (
            stated == "processor" or "controller_to_processor" in roles), name
        assert ("are joint controllers of that Personal Data" in md) == ("joint_controllers" in roles), name
