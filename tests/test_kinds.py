"""Each kind of partnership gets its commercial core, consistent with the deal; other kinds do not (issue 15)."""

from __future__ import annotations

import pytest
import yaml

from termsmith import api
from termsmith.errors import InputError

from .conftest import EXAMPLES
from .test_examples import clause, clause_ids, full_text, text_of

REFERRAL = EXAMPLES / "brightpath-lumen-referral-alliance.yaml"
PAYMENT_CLAUSES = {"payments.fees", "payments.invoicing", "payments.final-account", "schedule-payments.table"}


def number_of(draft, clause_id) -> str:
    return clause(draft, clause_id).label


def section_label(draft, section_id) -> str:
    return next(s for s in draft.sections if s.id == section_id).label


def problems_of(path) -> list[str]:
    with pytest.raises(InputError) as info:
        api.build(path)
    assert all(p.line for p in info.value.problems), info.value.problems
    return [f"{p.path}: {p.message}" for p in info.value.problems]


@pytest.fixture(scope="module")
def referral():
    return yaml.safe_load(REFERRAL.read_text(encoding="utf-8")), api.build(REFERRAL)


# ── value flowing between partners ──────────────────────────────────────────────────────────
def test_referral_alliance_pays_each_partner_for_its_referrals(referral):
    data, draft = referral
    assert PAYMENT_CLAUSES | {"payments.referrals", "payments.statements", "payments.audit"} <= clause_ids(draft)
    fees = text_of(clause(draft, "payments.fees").blocks)
    assert "Brightpath must pay Lumen a referral fee of 15% of the subscription fees Brightpath receives" in fees
    assert "Lumen must pay Brightpath a referral fee of GBP 400 for each Qualified Referral" in fees
    referrals = text_of(clause(draft, "payments.referrals").blocks)
    for criterion in data["payments"]["referrals"]["criteria"]:
        assert criterion in referrals
    assert "within 5 Business Days" in referrals and "for 120 days" in referrals
    assert "within 6 months after the registration is accepted" in text_of(clause(draft, "definitions.terms").blocks)
    schedule = text_of(clause(draft, "schedule-payments.table").blocks)
    assert "Referral fee | Brightpath | Lumen | 15% of revenue | Brightpath (self-billing)" in schedule
    assert "Referral fee | Lumen | Brightpath | GBP 400 a Qualified Referral | Brightpath" in schedule
    assert f"| {number_of(draft, 'payments.referrals')}" in schedule
    assert f"| {number_of(draft, 'payments.final-account')}" in schedule
    final = text_of(clause(draft, "payments.final-account").blocks)
    assert "during the 12 months after the Termination Date" in final
    assert number_of(draft, "payments.final-account").split(".")[0] == section_label(draft, "exit")
    invoicing = text_of(clause(draft, "payments.invoicing").blocks)
    assert "within 30 days" in invoicing and "in GBP" in invoicing and "8% a year above" in invoicing
    assert "referral fee payable by Brightpath is invoiced by self-billing" in invoicing


def test_canonical_technology_deal_says_no_payment_is_due_for_the_engine():
    draft = api.build(EXAMPLES / "acme-globex-technology.yaml")
    assert not PAYMENT_CLAUSES & clause_ids(draft)
    text = text_of(clause(draft, "technology.remuneration").blocks)
    assert "No fee, royalty, commission or share of revenue is payable by one Party to another" in text
    assert f"under clause {section_label(draft, 'budget')}." in text


def test_technology_deal_with_a_royalty_pays_the_engine_partner(deal_data, write_deal):
    deal_data["payments"] = {
        "statements": "quarterly",
        "streams": [{"id": "engine-royalty", "type": "royalty", "payer": "acme", "payee": "globex", "percent": 20,
                     "revenue": "the net revenue Acme receives from customers for the combined offering",
                     "description": "the use of the analytics engine in the combined offering"}],
        "audit": {"records_years": 6},
    }
    draft = api.build(write_deal(deal_data))
    assert PAYMENT_CLAUSES | {"payments.statements", "payments.audit"} <= clause_ids(draft)
    assert "payments.referrals" not in clause_ids(draft)
    fees = text_of(clause(draft, "payments.fees").blocks)
    assert ("Acme must pay Globex a royalty of 20% of the net revenue Acme receives from customers for the combined "
            "offering, for the use of the analytics engine in the combined offering.") in fees
    remuneration = text_of(clause(draft, "technology.remuneration").blocks)
    assert f"Partner Payments set out in clause {number_of(draft, 'payments.fees')}" in remuneration
    invoicing = text_of(clause(draft, "payments.invoicing").blocks)
    assert "within 30 days" in invoicing and f"clause {number_of(draft, 'budget.payment')}" in invoicing
    assert "Royalty | Acme | Globex | 20% of revenue | Globex" in text_of(clause(draft, "schedule-payments.table").blocks)
    final = text_of(clause(draft, "payments.final-account").blocks)
    assert "No Partner Payment is payable on revenue the payer receives after the Termination Date" in final


def test_a_deal_without_payments_gets_no_payment_clauses():
    for path in EXAMPLES.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "payments" not in data:
            assert not PAYMENT_CLAUSES & clause_ids(api.build(path)), path.name


@pytest.mark.parametrize(("change", "path", "fragment"), [
    (lambda p: p["streams"][0].update(payee="brightpath"), "payments.streams[0].payee", "cannot pay itself"),
    (lambda p: p.pop("referrals"), "payments.referrals", "required with a referral_fee"),
    (lambda p: p.pop("currency"), "payments.currency", "required without a budget"),
    (lambda p: p["streams"][1].update(percent=5), "payments.streams[1]", "exactly one of `percent`"),
    (lambda p: p["streams"][0].pop("revenue"), "payments.streams[0].revenue", "required with percent"),
    (lambda p: p["streams"][1].update(payer="lumenx"), "payments.streams[1].payer", "not declared"),
])
def test_payment_rules_name_the_field(change, path, fragment, write_deal):
    data = yaml.safe_load(REFERRAL.read_text(encoding="utf-8"))
    change(data["payments"])
    found = [p for p in problems_of(write_deal(data)) if p.startswith(path + ":") and fragment in p]
    assert found, problems_of(write_deal(data))
