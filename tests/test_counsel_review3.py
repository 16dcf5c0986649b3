"""Findings of a third outside review (counsel for the other side, reading drafts of library 2.1.0 under every
legal system the library supports, minimal deals and deals of three or more Parties): each legal system's own
vocabulary and doctrine, sentences that must read right when an optional section is absent, and mechanisms that
must work where the deal's law has no such institution. Each test drafts the deal it needs."""

from __future__ import annotations

import yaml

from termsmith import api
from termsmith.render.markdown import render_markdown

from . import variants
from .conftest import EXAMPLES


def _example(stem: str) -> dict:
    return yaml.safe_load((EXAMPLES / f"{stem}.yaml").read_text(encoding="utf-8"))


def _draft(write_deal, data) -> str:
    return render_markdown(api.build(write_deal(data)))


# ── a sentence whose optional parts are absent still reads ─────────────────────────────────────
def test_without_transition_or_customer_support_the_recipient_keeps_what_a_licence_needs(deal_data, write_deal):
    deal_data["exit"]["transition"]["assistance_months"] = 0
    deal_data["exit"]["post_termination"].pop("existing_customer_support_months")
    md = _draft(write_deal, deal_data)
    assert ("the Recipient may keep and use the Confidential Information it needs to exercise a licence that "
            "continues under clause") in md
    assert "it needs or to exercise" not in md


def test_with_transition_and_customer_support_the_recipient_keeps_what_each_needs(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert ("it needs to provide or receive transition assistance under clause 18.2, to support existing customers "
            "under clause 18.5, or to exercise a licence that continues under clause 18.9,") in md


def test_without_e_mail_addresses_a_notice_goes_by_hand_or_by_courier(deal_data, write_deal):
    for party in deal_data["parties"]:
        party.pop("notices_email", None)
    md = _draft(write_deal, deal_data)
    assert ("must be delivered by hand or sent by a recognised courier service, to the following addresses:") in md
    assert "by hand, sent by a recognised courier service, to" not in md


def test_with_e_mail_addresses_a_notice_may_also_go_by_e_mail(deal_data, write_deal):
    md = _draft(write_deal, deal_data)
    assert ("must be delivered by hand, sent by a recognised courier service or sent by e-mail, to the following "
            "addresses:") in md


# ── three or more Parties: a deadlocked matter under the status quo ───────────────────────────
def test_with_three_shareholders_any_party_may_propose_a_deadlocked_matter_again(write_deal):
    data = _example("tri-harbor-joint-venture")
    data["scope"]["joint_venture"]["deadlock"]["resolution"] = "status_quo"
    three = _draft(write_deal, data)
    assert "(b) any Party may propose the matter again only after" in three
    assert "either Party" not in three
    variants._two_parties(data)
    two = _draft(write_deal, data)
    assert "(b) either Party may propose the matter again only after" in two
