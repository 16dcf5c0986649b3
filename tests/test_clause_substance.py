"""Clause substance from the lawyer's review that the first rework left open: data protection roles per data
flow, the Budget's costs and approvals, machine-made text, and the missing boilerplate. Each test reads drafts."""

from __future__ import annotations

import re

import pytest
import yaml

from termsmith import api
from termsmith.errors import InputError
from termsmith.render.markdown import render_markdown

from . import variants
from .conftest import EXAMPLES

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


# with the other module that reads every variant, on one worker: they share the drafted variants
pytestmark = pytest.mark.xdist_group("variants")


@pytest.fixture
def all_drafts(variant_drafts):
    return variant_drafts


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


# ── boilerplate: language, set-off, tax evasion, competition law ─────────────────────────────────
def test_the_english_text_prevails_over_translations(all_drafts):
    for name, _, md in all_drafts:
        assert "the English text prevails over the translation" in md, name


def test_set_off_only_of_undisputed_amounts_due_under_this_agreement(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert "Set-off.**" in md
    assert "the amount owed to it is either undisputed or has been agreed in writing or finally decided" in md
    assert "No Party may set off an amount that is disputed in good faith, or an amount due under another agreement" in md
    deal_data.pop("budget")
    deal_data["exit"]["transition"]["fees"] = "none"
    deal_data["options"]["liability_cap"] = {"multiple_of_annual_fees": None, "fixed_amount": 500000, "currency": "EUR"}
    assert "Set-off.**" not in _draft(write_deal, deal_data)  # nothing is payable between the Parties


@pytest.mark.parametrize(("law", "statute"), [("England and Wales", True), ("New York", False), ("Germany", False)])
def test_tax_evasion_clause_names_the_statute_only_where_it_applies(deal_data, write_deal, law, statute):
    deal_data["deal"]["governing_law"] = law
    deal_data["deal"].pop("language")
    md = _draft(write_deal, deal_data)
    assert "not evade tax, and not knowingly or deliberately facilitate the evasion of tax" in md
    assert ("Criminal Finances Act 2017" in md) == statute


def test_competition_law_compliance_in_every_kind(all_drafts):
    for name, data, md in all_drafts:
        assert "compliance with competition law" in md, name
        assert "No Party may disclose Competitively Sensitive Information to another Party" in md, name
        if data["deal"]["kind"] != "strategic_alliance":
            assert "are actual or potential competitors" not in md, name


# ── the Budget: what may be charged to it, approvals, renewals, shares ───────────────────────────
def test_costs_charged_to_the_budget_are_defined_and_approved(deal_data, write_deal):
    budget = _article(_draft(write_deal, deal_data), "Budget, Fees and Payment")
    assert "Only Shared Costs may be charged to the Budget." in budget
    assert "**“Approved Activity”** is an activity under this Agreement that the Steering Committee approved in writing before any cost was incurred for it" in budget
    assert "A proposal that the Steering Committee does not approve at the first meeting at which it is on the agenda is rejected." in budget
    assert "The following are never Shared Costs: a Party’s general overheads" in budget


def test_the_share_is_a_percentage_of_actual_costs_not_an_amount(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert "(a) Acme: 60%; and" in md and "which is EUR 288,000 of the Budget" not in md
    assert "Each Party’s share is that percentage of the Shared Costs actually incurred, whether they are more or less than the Budget." in md
    assert "| Acme | 60% | EUR 288,000 |" in md and "Amount, for information" in md


def test_overruns_have_a_real_approval_step(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert "Any further costs are Shared Costs only if the Steering Committee approves an increase of the Budget in writing before they are incurred." in md
    assert "A request that the Steering Committee does not approve at the first meeting at which it is on the agenda is rejected." in md
    assert "bears them alone, and the Parties must reduce, postpone or stop the Approved Activities concerned" in md
    deal_data.pop("governance")  # no committee: every Party approves in writing
    deal_data["conflict_resolution"]["escalation"].pop(1)  # nor a Steering Committee level
    md = _draft(write_deal, deal_data)
    assert "Any further costs are Shared Costs only if both Parties approve an increase of the Budget in writing" in md
    assert "A request is approved only when the other Party has approved it in writing." in md


def test_renewal_periods_have_a_budget(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert "The Budget for each Renewal Period is the amount that the Steering Committee approves in writing for that Renewal Period no later than the last day on which notice of non-renewal may be given" in md
    assert "the Budget for that Renewal Period is EUR 240,000, which is the average monthly amount of the Budget for the Initial Term (EUR 20,000)" in md
    deal_data["term"] = {"initial_months": 24, "renewal": "none"}
    assert "Budget for a renewal" not in _draft(write_deal, deal_data)


def test_budget_categories_add_up_and_are_printed(deal_data, write_deal):
    deal_data["budget"]["categories"] = [{"name": "Joint marketing campaigns", "amount": 300000},
                                         {"name": "Integration testing", "amount": 180000}]
    md = _draft(write_deal, deal_data)
    assert "| Joint marketing campaigns | EUR 300,000 |" in md and "(each a **“Budget Category”**)" in md
    assert "reallocate amounts between Budget Categories" in md
    deal_data["budget"]["categories"][1]["amount"] = 100000
    with pytest.raises(InputError) as info:
        api.check(write_deal(deal_data))
    assert "budget.categories: the categories add up to EUR 400,000, not to the budget total EUR 480,000" in str(info.value)


def test_every_budget_draft_defines_shared_costs(all_drafts):
    for name, data, md in all_drafts:
        if data.get("budget"):
            assert "Only Shared Costs may be charged to the Budget." in md, name
            assert not re.search(r"\d%, which is [A-Z]{3} [\d,]+ of the Budget", md), name


# ── machine text: RACI cells, the Purpose, pseudo-definitions, defined terms in deal values ──────
def test_raci_cells_never_say_none(all_drafts):
    for name, data, md in all_drafts:
        assert "| None |" not in md and not md.count("| None\n"), name
        if "| – |" in md:
            assert "A dash (–) in the Consulted or Informed column means that no Party is consulted" in md, name


def test_the_purpose_reads_as_a_sentence(all_drafts):
    for name, data, md in all_drafts:
        assert not re.search(r"\(the \*\*“Purpose”\*\*\): [A-Z]", md), name
        assert re.search(r"\(the \*\*“Purpose”\*\*\) (is for the Parties to [a-z]|in these words: “)", md), name
    acme = next(md for name, _, md in all_drafts if name == "acme-globex-technology")
    assert ("The purpose of this Agreement (the **“Purpose”**) is for the Parties to integrate Globex’s analytics engine"
            in acme)


@pytest.mark.parametrize(("purpose", "expected"), [
    ("To develop a joint product.", "is for the Parties to develop a joint product."),
    ("The joint development of a product", "in these words: “The joint development of a product”."),
    ("Acme and Globex will build X.", "in these words: “Acme and Globex will build X”."),
])
def test_any_purpose_text_reads_as_a_sentence(deal_data, write_deal, purpose, expected):
    deal_data["deal"]["purpose"] = purpose
    assert f"(the **“Purpose”**) {expected}" in _draft(write_deal, deal_data)


def test_no_lowercase_pseudo_definitions(all_drafts):
    for name, data, md in all_drafts:
        if data["deal"]["kind"] == "managed_service":
            continue  # "(the services)": the managed-service scope clauses are reworked separately
        body = md.split("**Notes for the reviewer**")[0]
        found = re.findall(r"\((?:the|each a|a|an) [a-z][a-z]*(?: [a-z]+){0,3}\)", body)
        assert not found, f"{name}: {found}"


def test_deal_values_take_the_capitals_of_defined_terms(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert "Host and operate the Combined Offering on the Acme platform." in md
    assert "| Availability of the Combined Offering | Acme |" in md
    assert "combined offering" not in md
    assert "(a) the Alliance Managers: 10 days;" in md
    deal_data["conflict_resolution"]["escalation"][2]["level"] = "the alliance managers of both parties"
    assert "(c) the Alliance Managers of both parties: 15 days." in _draft(write_deal, deal_data)


# ── escalation levels say whose representative each level is ────────────────────────────────────
_LEVEL = re.compile(r"^\([a-z]\) (.+): \d+ (?:days?|Business Days?)[;.]", re.M)
_ATTRIBUTED = re.compile(r"^(the Alliance Managers|the Contract Managers|the Steering Committee|the .+ of each Party|"
                         r"the .+ of [A-Z][\w&.-]*(?:, the .+ of [A-Z][\w&.-]*)* and the .+ of [A-Z][\w&.-]*|"
                         r"the .+ of (?:both|all) (?:the )?[Pp]arties)$")


def _ladder(md: str) -> list[str]:
    single = re.search(r"by referring it to (.+?), who have \d+ days after the Dispute Notice is received", md)
    if single:
        return [single.group(1)]
    start = re.search(r"referring it to the following levels of their organi[sz]ations in turn", md).start()
    return _LEVEL.findall(md[start:md.index("The period for the first level starts", start)])


def test_every_escalation_level_names_each_partys_representative(all_drafts):
    for name, data, md in all_drafts:
        levels = _ladder(md)
        assert len(levels) == len(data["conflict_resolution"]["escalation"]), name
        for level in levels:
            assert _ATTRIBUTED.match(level), f"{name}: {level!r}"
        rows = re.findall(r"^\| \d+ \| (the [^|]+) \| \d+ (?:days?|Business Days?) \| day", md, re.M)
        if "Escalation ladder.**" in md:
            assert rows == levels, name


def test_chief_executives_are_each_partys(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert "(c) the chief executive of each Party: 15 days." in md
    assert "| 3 | the chief executive of each Party | 15 days | day 40 |" in md
    assert "Chief executives" not in md
    deal_data["conflict_resolution"]["escalation"][2]["representatives"] = {
        "acme": "Chief Executive Officer", "globex": "Managing Director"}
    md = _draft(write_deal, deal_data)
    assert "(c) the Chief Executive Officer of Acme and the Managing Director of Globex: 15 days." in md
    assert "| 3 | the Chief Executive Officer of Acme and the Managing Director of Globex | 15 days | day 40 |" in md



def test_a_representative_written_with_the_is_not_the_the(deal_data, write_deal):
    deal_data["conflict_resolution"]["escalation"][2]["representatives"] = {
        "acme": "the Chief Executive Officer", "globex": "The Managing Director"}
    md = _draft(write_deal, deal_data)
    assert "(c) the Chief Executive Officer of Acme and the Managing Director of Globex: 15 days." in md
    assert "the the" not in md.lower()

def test_three_parties_each_name_their_representative(write_deal):
    data = yaml.safe_load((EXAMPLES / "tri-harbor-joint-venture.yaml").read_text(encoding="utf-8"))
    ids = [p["id"] for p in data["parties"]]
    shorts = [p["short_name"] for p in data["parties"]]
    assert "(c) the chief executive of each Party: 20 days." in _draft(write_deal, data)
    data["conflict_resolution"]["escalation"][2]["representatives"] = dict(zip(ids, ("CEO", "President", "Managing Director")))
    md = _draft(write_deal, data)
    assert (f"(c) the CEO of {shorts[0]}, the President of {shorts[1]} and the Managing Director of {shorts[2]}: 20 days."
            in md)


@pytest.mark.parametrize(("label", "printed"), [
    ("Managing directors", "the managing director of each Party"),
    ("Heads of partnerships", "the head of partnerships of each Party"),
    ("Chief Executive Officers", "the Chief Executive Officer of each Party"),
    ("CEOs", "the CEO of each Party"),
    ("Board of directors", "the board of directors of each Party"),
])
def test_a_level_label_reads_as_one_title_of_each_party(deal_data, write_deal, label, printed):
    deal_data["conflict_resolution"]["escalation"][2]["level"] = label
    assert f"(c) {printed}: 15 days." in _draft(write_deal, deal_data)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["conflict_resolution"]["escalation"][2].update(representatives={"acme": "Chief Executive Officer"}),
     "conflict_resolution.escalation[2].representatives: give the representative of every party at this level; missing: globex"),
    (lambda d: d.pop("governance"),
     "conflict_resolution.escalation[1].level: names the Steering Committee, but the deal has none"),
])
def test_escalation_rules_name_the_field(deal_data, write_deal, change, message):
    change(deal_data)
    with pytest.raises(InputError) as info:
        api.check(write_deal(deal_data))
    assert message in str(info.value) and "deal.yaml:" in str(info.value)


def test_check_warns_about_a_level_naming_two_roles(deal_data, write_deal):
    deal_data["conflict_resolution"]["escalation"][2]["level"] = "Chief executive and managing partner"
    warnings = api.check(write_deal(deal_data)).warnings
    assert any(w.path == "conflict_resolution.escalation[2].level" and "names more than one role" in w.message
               for w in warnings)
    deal_data["conflict_resolution"]["escalation"][2]["representatives"] = {"acme": "CEO", "globex": "Managing Partner"}
    assert not any("names more than one role" in w.message for w in api.check(write_deal(deal_data)).warnings)


# ── joint venture company: the Offeror, the Seller and the Defaulting Party are defined terms ─────
def _jv_company(resolution: str, on_failure: str = "dilution") -> dict:
    data = yaml.safe_load((EXAMPLES / "tri-harbor-joint-venture.yaml").read_text(encoding="utf-8"))
    if resolution in ("russian_roulette", "texas_shoot_out"):  # two shareholders only
        variants._two_parties(data)
    jv = data["scope"]["joint_venture"]
    jv["deadlock"]["resolution"] = resolution
    jv["capital_calls"]["on_failure"] = on_failure
    return data


@pytest.mark.parametrize("resolution", ["russian_roulette", "texas_shoot_out", "winding_up", "status_quo"])
@pytest.mark.parametrize("on_failure", ["dilution", "shareholder_loan", "default"])
def test_jv_company_labels_are_defined_terms(write_deal, resolution, on_failure):
    draft = api.build(write_deal(_jv_company(resolution, on_failure)))
    md = render_markdown(draft)
    assert "(the **“Defaulting Party”**)" in md and "Defaulting Party" in draft.defined_terms
    assert "(the **“Seller”**)" in md and "Seller" in draft.defined_terms
    assert ("(the **“Offeror”**)" in md) == ("Offeror" in draft.defined_terms) == (resolution == "russian_roulette")
    for label in ("(the Offeror)", "(the Seller)", "(the Defaulting Party)", "defaulting Party", "the offeror",
                  "the seller"):
        assert label not in md, (resolution, on_failure, label)
    if resolution == "russian_roulette":
        assert "sell all its shares to the Offeror or to buy all the Offeror’s shares" in md
    if on_failure == "dilution":
        assert "the new shares that the Party that failed to provide its part would have received" in md
