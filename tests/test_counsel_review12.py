"""Findings of a twelfth outside reading (counsel for the other side, library 2.10.0): who is reimbursed the costs of
an audit, the late-payment rate each legal system names, the points earlier readings left, and a fresh reading of every
example and its variants. Each test drafts the deal it needs."""

from __future__ import annotations

import pytest

from .counsel import add_party, clause_of, draft_md, example, under

LAWS = ["England and Wales", "New York", "Germany"]


def _agreement(md: str) -> str:
    """The agreement without the notes for the reviewer that follow it."""
    return md.split("**Notes for the reviewer**")[0]


# ── 1: the costs of an audit are reimbursed to the Party that audits, by a stated time ─────────────────────────
@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("parties", [2, 3])
def test_the_costs_of_an_open_book_audit_are_reimbursed_to_the_party_that_audits(write_deal, law, parties):
    """"That Party must also reimburse the reasonable costs of the audit" named no payee (with three Parties, any of
    the others could claim them) and no time for payment."""
    data = example("acme-globex-technology")
    data["budget"]["payment_terms_days"] = 45
    if parties == 3:
        add_party(data, 1, id="third", name="Third Party Limited", short_name="Thirdco")
        data["budget"]["cost_sharing"] = {"acme": 40, "globex": 40, "third": 20}
    audit = clause_of(_agreement(draft_md(write_deal, under(data, law))), "Open-book records and audit")
    assert ("The Party that audits bears the costs of the audit, unless the excess is more than 5% of the costs "
            "audited. In that case, the Party that charged the excess must reimburse the Party that audits the "
            "reasonable costs of the audit within 45 days after receiving an invoice for them.") in audit
    assert "must also reimburse the reasonable costs" not in audit


@pytest.mark.parametrize("law", LAWS)
def test_the_cost_of_an_audit_of_partner_payments_is_reimbursed_to_the_payee(write_deal, law):
    """"In which case the payer must reimburse the reasonable cost of the audit" said neither to whom nor by when."""
    data = example("helios-orbis-strategic-alliance")
    audit = clause_of(_agreement(draft_md(write_deal, under(data, law))), "Records and audit of Partner Payments")
    days = data["payments"]["payment_terms_days"]
    assert ("The payee bears the cost of the audit, unless the underpayment is more than 5% of the amount due for the "
            "period audited. In that case, the payer must reimburse the payee the reasonable cost of the audit within "
            f"{days} days after receiving an invoice for it. An overpayment shown by an audit is credited against the "
            f"next Partner Payments due to the payee or, if none will fall due, the payee must repay it within {days} "
            "days after receiving the audit report.") in audit
    assert "within the same period" not in audit
