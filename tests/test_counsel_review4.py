"""Findings of a fourth outside reading (counsel for the other side, library 2.2.0): a forum clause that sends
proceedings to courts that do not sit in the venue, the civil codes' reading of "indirect or consequential loss",
and sentences that break for some combinations of deal fields. Each test drafts or checks the deal it needs."""

from __future__ import annotations

import copy

from click.testing import CliRunner

from termsmith import api
from termsmith.cli import cli
from termsmith.render.markdown import render_markdown

from .counsel import clause_of, draft_md, example, two_customers, under


def _warnings(path) -> list[str]:
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if ": warning: " in line]


def _with_courts(data: dict, venue: str, system: str | None = None) -> dict:
    data = copy.deepcopy(data)
    data["conflict_resolution"]["final"] = "courts"
    data["conflict_resolution"].pop("arbitration", None)
    data["conflict_resolution"]["courts"] = {"venue": venue, **({"legal_system": system} if system else {})}
    return data


# ── A: the venue is a place where the courts named sit ──────────────────────────────────────────
def test_a_delaware_county_as_the_venue_of_californian_courts_is_a_warning(write_deal):
    """hudson-cobalt under California law kept "sitting in New Castle County", a Delaware county."""
    data = under(example("hudson-cobalt-technology-us"), "California")
    lines = _warnings(write_deal(data))
    assert any("warning: conflict_resolution.courts.venue: 'New Castle County' is a venue of the courts of the State "
               "of Delaware, not of the courts of the State of California that the deal names" in line
               and "set conflict_resolution.courts.legal_system: delaware" in line for line in lines), lines


def test_london_as_the_seat_of_the_german_courts_is_a_warning_and_a_reviewer_note(deal_data, write_deal):
    data = _with_courts(under(deal_data, "Germany"), "London")
    path = write_deal(data)
    assert any("conflict_resolution.courts.venue: 'London' is a venue of the courts of England and Wales, not of the "
               "courts of Germany" in line for line in _warnings(path))
    md = render_markdown(api.build(path))
    assert "check:** ‘London’ is a venue of the courts of England and Wales" in md


def test_a_venue_of_the_courts_named_or_one_the_library_does_not_know_is_not_questioned(deal_data, write_deal):
    for law, venue, system in (("England and Wales", "London", None), ("Germany", "Frankfurt am Main", None),
                               ("England and Wales", "New York County", "new-york"),
                               ("California", "Wilmington, Delaware", "delaware"),
                               ("Germany", "Leipzig", None), ("California", "Fresno County", None),
                               ("Netherlands", "Amsterdam", None), ("England and Wales", "England and Wales", None)):
        lines = _warnings(write_deal(_with_courts(under(deal_data, law), venue, system)))
        assert not any("courts.venue" in line for line in lines), (law, venue, lines)


def test_a_venue_named_with_its_state_is_read_by_its_parts(deal_data, write_deal):
    lines = _warnings(write_deal(_with_courts(under(deal_data, "California"), "Wilmington, Delaware")))
    assert any("'Wilmington, Delaware' is a venue of the courts of the State of Delaware" in line for line in lines)


# ── F: the civil codes exclude the heads of loss they list, not "indirect or consequential loss" ──────────
def test_dutch_and_german_drafts_list_the_excluded_heads_without_indirect_or_consequential_loss(deal_data, write_deal):
    for law in ("Netherlands", "Germany"):
        text = clause_of(draft_md(write_deal, under(deal_data, law)), "Excluded losses")
        assert "consequential" not in text and "(e)" not in text, law
        assert "whether in contract, in tort or on any other legal ground, for any of the following" in text
        assert "breach of statutory duty" not in text and "(including negligence)" not in text
        cap = clause_of(draft_md(write_deal, under(deal_data, law)), "Limit of liability")
        assert "whether in contract, in tort or on any other legal ground, for all claims" in cap
        assert ("(c) loss of goodwill or damage to reputation, whether direct or indirect; or\n\n(d) loss or corruption "
                "of data, except the reasonable cost of restoring the data from the most recent back-up.\n") in text


def test_english_singapore_and_us_drafts_keep_their_exclusion_of_consequential_loss(deal_data, write_deal):
    for law, words, duty in (("England and Wales", "loss", "breach of statutory duty"),
                             ("Singapore", "loss", "breach of statutory duty"), ("New York", "damages", "violation of statute")):
        text = clause_of(draft_md(write_deal, under(deal_data, law)), "Excluded losses")
        assert f"whether in contract, in tort (including negligence), for {duty} or otherwise" in text
        cap = clause_of(draft_md(write_deal, under(deal_data, law)), "Limit of liability")
        assert f"whether in contract, in tort (including negligence), for {duty} or otherwise, for all claims" in cap
        assert ("back-up; or\n\n(e) any indirect or consequential " + words + ".\n") in text, law


# ── a managed service for two customers ─────────────────────────────────────────────────────────
def test_a_customer_that_pays_no_charges_is_not_made_to_pay_them(write_deal):
    """With Meridian paying the monthly charge and Thirdco paying none, 3.6 read "Meridian and Thirdco must pay
    OpsCloud the Charges stated in Section 8.1", while 8.1 says "Meridian must pay OpsCloud Charges of …"."""
    md = draft_md(write_deal, two_customers())
    assert "Meridian must pay OpsCloud the Charges stated in Section 8.1," in md
    assert "Meridian and Thirdco must pay" not in md
    both = draft_md(write_deal, two_customers(pays=True))
    assert "Each of Meridian and Thirdco must pay OpsCloud the Charges that Section 8.1 states for it," in both


def test_each_customer_of_a_business_associate_can_terminate_and_notify_a_failure(write_deal):
    """HIPAA requires that a covered entity can terminate its business associate contract on a material breach;
    "Meridian and Thirdco may terminate" read as a right only the two could exercise together. And a failure that
    one customer found in the acceptance tests did not stop acceptance unless both had notified it."""
    md = draft_md(write_deal, two_customers())
    hipaa = clause_of(md, "Protected health information")
    assert "\n\nEach of Meridian and Thirdco may terminate this Agreement by notice if OpsCloud breaches" in hipaa
    assert "so that each of them can meet its obligations to give individuals access" in hipaa
    assert "Meridian and Thirdco can meet its" not in hipaa
    onboarding = clause_of(md, "Onboarding and service commencement")
    assert "unless Meridian or Thirdco has notified OpsCloud of a material failure found in the tests" in onboarding
    assert "a second time, each of Meridian and Thirdco may terminate this Agreement by notice" in onboarding


def test_one_customer_reads_as_before(write_deal):
    md = draft_md(write_deal, example("meridian-opscloud-managed-service"))
    assert "\n\nMeridian may terminate this Agreement by notice if OpsCloud breaches" in md
    assert "so that Meridian can meet its obligations" in md
    assert "unless Meridian has notified OpsCloud of a material failure" in md
    assert "a second time, Meridian may terminate this Agreement by notice" in md
    assert "Meridian must pay OpsCloud the Charges stated in Section 8.1," in md


# ── lists that lose an item still join the last two ──────────────────────────────────────────────
def test_without_e_mail_the_two_rules_of_receipt_are_joined_by_and(deal_data, write_deal):
    for party in deal_data["parties"]:
        party.pop("notices_email", None)
    text = clause_of(draft_md(write_deal, deal_data), "Receipt of notices")
    assert "(a) if delivered by hand, when it is delivered; and\n\n(b) if sent by courier" in text
    assert "or on delivery if that is earlier.\n" in text


def test_with_e_mail_the_three_rules_of_receipt_read_as_before(deal_data, write_deal):
    text = clause_of(draft_md(write_deal, deal_data), "Receipt of notices")
    assert "(a) if delivered by hand, when it is delivered;\n\n(b) if sent by courier" in text
    assert "or on delivery if that is earlier; and\n\n(c) if sent by e-mail" in text


# ── a joint venture company incorporated under another system than the deal's ─────────────────────
def _vehicle_in(law: str, place: str) -> dict:
    data = under(example("tri-harbor-joint-venture"), law)
    data["scope"]["joint_venture"]["vehicle"]["jurisdiction"] = place
    return data


def test_a_delaware_company_under_english_law_is_valued_by_a_firm_the_aaa_can_appoint(write_deal):
    """English law with the Company incorporated in Delaware read "appointed … by the president of the principal
    professional body of chartered accountants in Delaware", a body that does not exist."""
    text = clause_of(draft_md(write_deal, _vehicle_in("England and Wales", "Delaware")), "Valuation of shares")
    assert "chartered accountants" not in text
    assert ("which is a firm of certified public accountants agreed by the Parties concerned or, if they do "
            "not agree within 10 Business Days after the Valuation Date, appointed on the request of any of them by the "
            "American Arbitration "
            "Association.") in text
    dutch = clause_of(draft_md(write_deal, _vehicle_in("Singapore", "the Netherlands")), "Valuation of shares")
    assert "appointed on the request of any of them by the Netherlands Arbitration Institute" in dutch


def test_a_vehicle_in_a_chartered_accountants_system_or_an_unknown_place_reads_as_before(write_deal):
    for law, place, appointer in (
            ("England and Wales", "Singapore", "the president of the principal professional body of chartered accountants in Singapore"),
            ("Ireland", "Jersey", "the president of the principal professional body of chartered accountants in Jersey"),
            ("Germany", "Delaware", "the Institute of Public Auditors in Germany")):
        text = clause_of(draft_md(write_deal, _vehicle_in(law, place)), "Valuation of shares")
        assert f"appointed on the request of any of them by {appointer}" in text, (law, place)


# ── one notice, one date ──────────────────────────────────────────────────────────────────────────
def test_a_missed_minimum_is_terminated_by_one_notice_from_a_date_it_states(write_deal):
    """"Northwind may, by notice … given within 60 days …, terminate this Agreement by giving at least 90 days'
    notice" read as if a second notice had to follow the first."""
    data = example("northwind-resellers-reseller")
    data["scope"]["exclusive"] = True
    text = clause_of(draft_md(write_deal, data), "Minimum commitment")
    assert ("Northwind may, by notice to Vanderlinde given within 60 days after the end of that period, either make "
            "its appointment non-exclusive from the date of the notice, or terminate this Agreement with effect from a "
            "date stated in the notice that is at least 90 days after the notice is given.") in text
    assert "by giving at least" not in text


# ── the waiver of compensation on a termination for convenience, under the civil codes ──────────
def test_the_civil_codes_keep_the_compensation_mandatory_law_gives_on_termination(write_deal, deal_data):
    """"does not owe … any compensation for the termination itself" read, under German or Dutch law, as a waiver
    in advance of what mandatory law gives on the end of the contract (a reseller's compensation for the customers
    it brought, by analogy to section 89b of the German Commercial Code), which is void as such a waiver."""
    reseller = example("northwind-resellers-reseller")
    reseller["exit"]["termination_for_convenience"] = {"allowed": True, "notice_days": 180}
    text = clause_of(draft_md(write_deal, reseller), "Termination for convenience")
    assert "Nor does it exclude a claim that a mandatory rule of law gives a Party on the end of this Agreement, " \
           "such as a reseller’s claim to compensation for the customers it has brought to Northwind." in text, text
    german = clause_of(draft_md(write_deal, under(deal_data, "Germany")), "Termination for convenience")
    assert "Nor does it exclude a claim that a mandatory rule of law gives a Party on the end of this Agreement." \
           in german, german
    english = clause_of(draft_md(write_deal, deal_data), "Termination for convenience")
    assert "does not owe" in english and "mandatory rule of law" not in english
