"""Findings of a thirteenth outside reading (counsel for the other side, library 2.10.0): zero values a deal may state,
the English late-payment rate, the start of every period "within" which a Party must act, the US words for a
creditor's bankruptcy petition, and named reference rates for more currencies. Each test drafts the deal it needs."""

from __future__ import annotations

import pytest

from .counsel import add_party, clause_of, draft_md, example, under

LAWS = ["England and Wales", "New York", "Germany"]


def _agreement(md: str) -> str:
    """The agreement without the notes for the reviewer that follow it."""
    return md.split("**Notes for the reviewer**")[0]


def _row(md: str, subject: str) -> str:
    return next(line for line in md.splitlines() if line.startswith(f"| {subject} |"))


# ── 1: a zero the deal states says what it means, not "0%" ──────────────────────────────────────────────────
@pytest.mark.parametrize("law", LAWS)
def test_a_late_payment_margin_of_zero_is_interest_at_the_reference_rate_itself(write_deal, law):
    """"At 0% a year above the European Central Bank's main refinancing operations rate" means that rate."""
    data = example("acme-globex-technology")
    data["budget"]["late_interest_percent"] = 0
    md = _agreement(draft_md(write_deal, under(data, law)))
    late = clause_of(md, "Late payment")
    rate = "the European Central Bank’s main refinancing operations rate as it stands on the due date"
    floor = " and the rate of default interest under section 288(2)" if law == "Germany" else ""
    higher = "the higher of " if law == "Germany" else ""
    assert f"until the date of payment at {higher}{rate}{floor}" in late
    assert "0%" not in late and "a year above" not in late
    assert _row(md, "Late payment interest").startswith(f"| Late payment interest | {higher}{rate}")


def _reseller_with_payments_and_no_budget() -> dict:
    data = example("northwind-resellers-reseller")
    del data["budget"]
    data["exit"]["transition"]["fees"] = "none"
    data["exit"]["transition"].pop("fixed_fee", None)
    data["payments"] = {"currency": "EUR", "payment_terms_days": 30, "late_interest_percent": 0, "streams": [
        {"id": "fee", "type": "licence_fee", "payer": "vanderlinde", "payee": "northwind", "amount": 1000,
         "per": "year"}]}
    return data


def test_a_late_payment_margin_of_zero_on_payments_is_interest_at_the_reference_rate_itself(write_deal):
    """The price of the Products (a reseller without a Budget) and the Partner Payments, under Dutch law, where the
    statutory commercial rate is a floor."""
    md = _agreement(draft_md(write_deal, _reseller_with_payments_and_no_budget()))
    lines = [line for line in md.splitlines() if "carries interest from the due date" in line]
    assert len(lines) == 2
    for line in lines:
        assert ("until the date of payment at the higher of the European Central Bank’s main refinancing operations "
                "rate as it stands on the due date and the statutory commercial interest rate under article 6:119a of "
                "the Dutch Civil Code. Interest accrues daily.") in line
        assert "a year above" not in line and "0%" not in line


@pytest.mark.parametrize("categories", [False, True])
def test_an_overrun_allowance_of_zero_needs_approval_for_any_costs_above_the_budget(write_deal, categories):
    """"Shared Costs that exceed the Budget … by no more than 0% of it … are shared … without further approval"."""
    data = example("acme-globex-technology")
    data["budget"]["overrun_approval_percent"] = 0
    if categories:
        data["budget"]["categories"] = [{"name": "Marketing", "amount": 280000},
                                        {"name": "Engineering", "amount": 200000}]
    md = _agreement(draft_md(write_deal, data))
    overruns = clause_of(md, "Overruns and increases of the Budget")
    category = ", or above the amount of a Budget Category," if data["budget"].get("categories") else ""
    assert (f"Costs that would take the Shared Costs for a period above the Budget{category} for that period are "
            "Shared Costs only if the Steering Committee approves an increase of the Budget") in overruns
    assert "0%" not in overruns and "without further approval" not in overruns
    shared = clause_of(md, "Costs charged to the Budget")
    assert ("they do not exceed the estimated cost approved for the activity, or any higher amount approved in the "
            "same way; and") in shared
    assert _row(md, "Increases of the Budget needing approval of the Steering Committee").startswith(
        "| Increases of the Budget needing approval of the Steering Committee | any Shared Costs above the Budget for "
        "a period |")


def test_an_overrun_allowance_as_stated_reads_as_before(write_deal):
    md = _agreement(draft_md(write_deal, example("acme-globex-technology")))
    assert "by no more than 10% of it in total are shared under clause 7.3 without further approval" in md
    assert "approved for the activity by more than 10%, or any higher amount" in md


@pytest.mark.parametrize(("threshold", "ending"), [
    (0, "The Party that audits bears the costs of the audit, unless the report shows an excess. In that case, the "
        "Party that charged the excess must reimburse the Party that audits the reasonable costs of the audit within "
        "30 days after receiving an invoice for them."),
    (100, "within 30 days after receiving the report. The Party that audits bears the costs of the audit.")])
def test_an_open_book_audit_threshold_of_zero_or_a_hundred_says_who_bears_the_costs(write_deal, threshold, ending):
    """More than 0% is any excess; no excess can be more than 100% of the costs audited."""
    data = example("acme-globex-technology")
    data["terms"] = {**(data.get("terms") or {}), "audit_cost_threshold_percent": threshold}
    audit = clause_of(_agreement(draft_md(write_deal, data)), "Open-book records and audit")
    assert audit.rstrip().endswith(ending)
    assert f"{threshold}%" not in audit


@pytest.mark.parametrize("law", ["England and Wales", "California"])
@pytest.mark.parametrize(("threshold", "sentence"), [
    (0, "The payee bears the cost of the audit, unless the audit shows an underpayment. In that case, the payer must "
        "reimburse the payee the reasonable cost of the audit within 30 days after receiving an invoice for it. An "
        "overpayment"),
    (100, "The payee bears the cost of the audit. An overpayment")])
def test_an_audit_of_partner_payments_at_zero_or_a_hundred_says_who_bears_the_cost(write_deal, law, threshold,
                                                                                    sentence):
    data = example("helios-orbis-strategic-alliance")
    data["payments"].setdefault("audit", {})["cost_shift_percent"] = threshold
    audit = clause_of(_agreement(draft_md(write_deal, under(data, law))), "Records and audit of Partner Payments")
    assert sentence in audit
    assert f"{threshold}%" not in audit


@pytest.mark.parametrize(("law", "sentence"), [
    ("England and Wales", "Unless all Parties agree otherwise in writing, the Parties must procure that the Company "
                          "does not distribute any of its profits to its shareholders."),
    ("New York", "Unless all Parties agree otherwise in writing, the Parties must cause the Company not to distribute "
                 "any of its profits to its shareholders.")])
def test_a_dividend_policy_of_zero_keeps_the_profits_in_the_company_unless_all_agree(write_deal, law, sentence):
    data = example("tri-harbor-joint-venture")
    data["scope"]["joint_venture"]["dividend_percent"] = 0
    dividends = clause_of(_agreement(draft_md(write_deal, under(data, law))), "Dividends")
    assert sentence in dividends
    assert "0%" not in dividends


def test_a_dividend_policy_of_a_hundred_distributes_all_profits(write_deal):
    data = example("tri-harbor-joint-venture")
    data["scope"]["joint_venture"]["dividend_percent"] = 100
    dividends = clause_of(_agreement(draft_md(write_deal, data)), "Dividends")
    assert "for each financial year, all of its profits available for distribution for that year" in dividends
    assert "100%" not in dividends


@pytest.mark.parametrize("law", ["England and Wales", "New York"])
def test_a_party_with_no_share_of_the_budget_bears_none_of_the_shared_costs(write_deal, law):
    data = add_party(example("acme-globex-technology"), 1, id="third", name="Third Party Limited",
                     short_name="Thirdco")
    data["budget"]["cost_sharing"] = {"acme": 60, "globex": 40, "third": 0}
    data["options"]["liability_cap"]["fixed_amount"] = 500000
    md = _agreement(draft_md(write_deal, under(data, law)))
    sharing = clause_of(md, "Cost sharing")
    assert "(a) Acme: 60%; and\n\n(b) Globex: 40%.\n\nThirdco bears none of the Shared Costs." in sharing
    assert "0%" not in sharing.replace("60%", "").replace("40%", "")
    assert _row(md, "Thirdco") == "| Thirdco | none | none |"


# ── 2: the English late-payment rate is the one the order under section 6 of the 1998 Act sets ────────────────
ENGLISH_RATE = ("the rate of statutory interest set by order under section 6 of the Late Payment of Commercial Debts "
                "(Interest) Act 1998, whether or not that Act applies to the debt")
IRISH_RATE = ("the rate of interest for late payment that the European Communities (Late Payment in Commercial "
              "Transactions) Regulations 2012 prescribe, whether or not those Regulations apply to the debt")


@pytest.mark.parametrize(("law", "rate"), [("England and Wales", ENGLISH_RATE), ("Ireland", IRISH_RATE)])
def test_with_no_rate_stated_the_english_rate_is_named_by_the_order_that_sets_it(write_deal, law, rate):
    """The 1998 Act prescribes no rate: section 6 has the Secretary of State set it by order. The Irish Regulations
    set their rate themselves, so the Irish words stay. No figure appears: the deal states none."""
    md = _agreement(draft_md(write_deal, under(example("acme-globex-technology"), law)))
    late = clause_of(md, "Late payment")
    assert f"from the due date until the date of payment at {rate}. Interest accrues daily." in late
    assert "%" not in late and "1998 prescribes" not in md
    assert f"| Late payment interest | {rate} |" in md


# ── 3: every period within which a Party must act names its start ────────────────────────────────────────────
@pytest.mark.parametrize(("law", "licence", "marks"), [("England and Wales", "licence", "trade marks"),
                                                         ("New York", "license", "trademarks")])
def test_licensed_materials_are_removed_within_the_days_after_the_licence_ends(write_deal, law, licence, marks):
    """"Must, within 30 days, remove them" named no start; the stop and the removal are two duties."""
    md = _agreement(draft_md(write_deal, under(example("acme-globex-technology"), law)))
    assert (f"When a {licence} ends, the licensee must stop using the licensed materials and {marks}. It must remove "
            f"them from its products, websites and marketing materials within 30 days after the {licence} ends.") in md
    assert "must, within 30 days, remove" not in md


def test_the_payments_schedule_says_from_when_each_period_runs(write_deal):
    md = _agreement(draft_md(write_deal, example("brightpath-lumen-referral-alliance")))
    assert ("| Lead registration | accepted or rejected within 5 Business Days after receipt; protected for 120 days "
            "after acceptance; fee if signed within 6 months after acceptance |") in md
    meridian = _agreement(draft_md(write_deal, example("meridian-opscloud-managed-service")))
    assert "| After the Termination Date | final invoice within 15 days after the Termination Date;" in meridian
    assert "| Business continuity | recovery within 4 hours after a disaster is declared, data loss" in meridian


def test_no_period_in_any_example_runs_from_nowhere(write_deal):
    """Every "within N days" (months, hours, Business Days) in the clause text of the examples is followed by its
    start ("after …", "before …", "of …") or a receipt that starts it."""
    import re

    from .conftest import EXAMPLES

    for path in sorted(EXAMPLES.glob("*.yaml")):
        deal_text = path.read_text(encoding="utf-8")
        md = _agreement(draft_md(write_deal, example(path.stem)))
        for match in re.finditer(r"within (\d+) (days?|months?|hours?|Business Days?)\b([^.;|]{0,40})", md):
            sentence = md[md.rfind(" ", 0, match.start() - 30) + 1:match.end()].split(") ")[-1]
            if sentence.split(" within ")[0] in deal_text:  # a duty in the deal's own words
                continue
            assert match.group(3).lstrip(", ").startswith(("after", "before", "of ", "from")), \
                (path.stem, match.group(0))


# ── 4: under US law a creditor files a petition commencing an involuntary case under the Bankruptcy Code ──────
@pytest.mark.parametrize("law", ["New York", "Delaware", "California"])
def test_us_insolvency_names_an_involuntary_case_under_the_bankruptcy_code(write_deal, law):
    data = example("hudson-cobalt-technology-us")
    data["terms"] = {**(data.get("terms") or {}), "insolvency_dismissal_days": 45}
    md = _agreement(draft_md(write_deal, under(data, law)))
    definition = next(line for line in md.splitlines() if line.startswith("**“Insolvency Event”**"))
    # the Bankruptcy Code is defined earlier in the same definition, by the voluntary case
    assert definition.index("title 11 of the United States Code (the Bankruptcy Code)") < definition.index(
        "that a petition commencing an involuntary case")
    assert ("that a petition commencing an involuntary case under the Bankruptcy Code is filed against it, or another "
            "person applies to a court to start other insolvency proceedings against it, and the petition or the "
            "application is not dismissed or withdrawn within 45 days after it is filed; or that anything"
            ) in definition


@pytest.mark.parametrize("law", ["England and Wales", "Germany", "Singapore"])
def test_outside_the_us_the_creditor_limb_reads_as_before(write_deal, law):
    md = _agreement(draft_md(write_deal, under(example("acme-globex-technology"), law)))
    assert ("that another person applies to a court to start insolvency proceedings against it and the application is "
            "not withdrawn or dismissed within 60 days after it is filed;") in md
    assert "Bankruptcy Code" not in md


# ── 5: the rate a late-payment margin is added to, named for more currencies ─────────────────────────────────
NAMED_RATES = {
    "JPY": "the Bank of Japan’s short-term policy interest rate",
    "AUD": "the Reserve Bank of Australia’s cash rate target",
    "CAD": "the Bank of Canada’s target for the overnight rate",
    "CHF": "the Swiss National Bank’s policy rate",
    "HKD": "the Base Rate of the Hong Kong Monetary Authority",
    "SGD": "the Singapore Overnight Rate Average published by the Monetary Authority of Singapore",
    "SEK": "Sveriges Riksbank’s policy rate",
    "NOK": "Norges Bank’s policy rate",
    "DKK": "Danmarks Nationalbank’s current-account rate",
    "NZD": "the Reserve Bank of New Zealand’s Official Cash Rate",
}


@pytest.mark.parametrize("currency", sorted(NAMED_RATES))
def test_a_margin_in_each_currency_is_added_to_its_central_banks_named_rate(write_deal, currency):
    """"The main policy interest rate of the central bank that issues HKD" named no rate (three commercial banks issue
    most of Hong Kong's notes) and, for the others, left the reader to find which of a central bank's rates is meant."""
    from termsmith import api

    data = example("acme-globex-technology")
    data["budget"]["currency"] = currency
    data["budget"]["late_interest_percent"] = 4
    path = write_deal(data)
    md = _agreement(draft_md(write_deal, data))
    rate = NAMED_RATES[currency]
    assert (f"until the date of payment at 4% a year above {rate} as it stands on the due date. Interest accrues "
            "daily.") in clause_of(md, "Late payment")
    assert f"| Late payment interest | 4% a year above {rate} as it stands on the due date |" in md
    assert "central bank that issues" not in md
    assert not [w for w in api.check(path).warnings if w.code == "reference-rate"]


def test_a_currency_the_library_still_does_not_name_keeps_the_policy_rate_words_and_the_warning(write_deal):
    from termsmith import api

    data = example("acme-globex-technology")
    data["budget"]["currency"] = "KWD"
    data["budget"]["late_interest_percent"] = 4
    md = _agreement(draft_md(write_deal, data))
    assert "4% a year above the main policy interest rate of the central bank that issues KWD" in md
    assert [w for w in api.check(write_deal(data)).warnings if w.code == "reference-rate"]


# ── a Party of a joint venture with 0% of it is warned of ────────────────────────────────────────────────────
def _warnings(write_deal, data) -> list:
    from termsmith import api

    return [w for w in api.check(write_deal(data)).warnings if "with 0%" in w.message]


def test_a_shareholder_with_no_shares_is_warned_of(write_deal):
    data = example("tri-harbor-joint-venture")
    assert not _warnings(write_deal, data)
    data["scope"]["joint_venture"]["shares"] = {"harbor": 60, "triton": 40, "straits": 0}
    [warning] = _warnings(write_deal, data)
    assert warning.path == "scope.joint_venture.shares" and warning.line is not None
    assert "holds no shares in the Company" in warning.message


def test_a_partner_with_no_share_of_the_profits_is_warned_of(write_deal):
    data = example("solent-northgate-contractual-joint-venture")
    data["scope"]["joint_venture"]["arrangement"] = "partnership"
    assert not _warnings(write_deal, data)
    data["budget"]["cost_sharing"] = {"northgate": 100, "solent": 0}
    data["options"].setdefault("liability_cap", {})["fixed_amount"] = 100000
    [warning] = _warnings(write_deal, data)
    assert warning.path == "budget.cost_sharing" and "takes no share of the profits" in warning.message
    data["scope"]["joint_venture"]["shares"] = {"northgate": 100, "solent": 0}
    [warning] = _warnings(write_deal, data)
    assert warning.path == "scope.joint_venture.shares"
    assert "takes no share of the profits of the Firm" in warning.message


def test_a_drag_along_at_a_hundred_percent_is_warned_of(write_deal):
    from termsmith import api

    data = example("tri-harbor-joint-venture")
    assert not [w for w in api.check(write_deal(data)).warnings if "drag" in w.path]
    data["scope"]["joint_venture"]["transfers"]["drag_along_percent"] = 100
    [warning] = [w for w in api.check(write_deal(data)).warnings if "drag" in w.path]
    assert warning.path == "scope.joint_venture.transfers.drag_along_percent" and warning.line is not None
    assert "could never require another Party to sell" in warning.message
