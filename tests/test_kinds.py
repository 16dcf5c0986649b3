"""Each kind of partnership gets its commercial core, consistent with the deal; other kinds do not (issue 15)."""

from __future__ import annotations

import pytest
import yaml

from termsmith import api
from termsmith.errors import InputError

from .conftest import CANONICAL as CANONICAL_TECH, EXAMPLES
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
    for criterion in data["payments"]["referrals"]["criteria"]:  # a defined term in them takes its capitals
        assert criterion.replace("receiving Party", "Receiving Party") in referrals
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
    assert ("Acme must pay Globex a royalty of 20% of the net revenue Acme receives from customers for the Combined "
            "Offering, for the use of the analytics engine in the Combined Offering.") in fees  # the defined term's capitals
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
    (lambda p: p["streams"][1].update(type="licence_fee", per="month", self_billing=True),
     "payments.streams[1].self_billing", "only for a payment the payer reports"),
])
def test_payment_rules_name_the_field(change, path, fragment, write_deal):
    data = yaml.safe_load(REFERRAL.read_text(encoding="utf-8"))
    change(data["payments"])
    found = [p for p in problems_of(write_deal(data)) if p.startswith(path + ":") and fragment in p]
    assert found, problems_of(write_deal(data))


# ── joint venture: company vehicle ──────────────────────────────────────────────────────────
JV = EXAMPLES / "tri-harbor-joint-venture.yaml"
COMPANY_CLAUSES = {"scope.jv-vehicle", "scope.jv-shares", "scope.jv-conditions", "scope.jv-non-compete",
                   "company.board", "company.meetings", "company.business-plan", "company.information",
                   "company.dividends", "company.rights", "shares.subscription", "shares.capital-calls",
                   "shares.transfers", "shares.deadlock", "shares.default", "shares.valuation", "shares.exit"}


@pytest.fixture(scope="module")
def jv():
    return yaml.safe_load(JV.read_text(encoding="utf-8")), api.build(JV)


def test_joint_venture_company_gets_a_shareholders_agreement_core(jv):
    data, draft = jv
    assert COMPANY_CLAUSES <= clause_ids(draft)
    assert not {"scope.non-exclusivity", "scope.jv-profits"} & clause_ids(draft)
    board = text_of(clause(draft, "company.board").blocks)
    assert "The Board consists of 5 directors" in board
    assert "Harbor: 2" in board and "Triton: 2" in board and "Straits: 1" in board
    assert "does not have a casting vote" in board
    meetings = text_of(clause(draft, "company.meetings").blocks)
    assert "at least one director appointed by each Party" in meetings
    assert f"clause {number_of(draft, 'scope.jv-reserved-matters')}" in meetings
    subscription = text_of(clause(draft, "shares.subscription").blocks)
    for amount in ("USD 1,440,000", "USD 1,260,000", "USD 900,000", "total USD 3,600,000"):
        assert amount in subscription
    assert f"clause {number_of(draft, 'scope.jv-shares')}" in subscription
    shares = text_of(clause(draft, "scope.jv-shares").blocks)
    assert "Harbor 40%, Triton 35% and Straits 25%" in shares
    calls = text_of(clause(draft, "shares.capital-calls").blocks)
    assert "at least 30 days" in calls and "USD 2,000,000" in calls and "diluted" in calls
    transfers = text_of(clause(draft, "shares.transfers").blocks)
    assert "before 1 July 2030, which is 36 months after the Effective Date" in transfers
    assert "at least 75% of the shares" in transfers and "first offer them to the other Parties" in transfers
    deadlock = text_of(clause(draft, "shares.deadlock").blocks)
    assert "within 30 days after the notice" in deadlock and "solvent voluntary liquidation" in deadlock
    default = text_of(clause(draft, "shares.default").blocks)
    assert "less 20%" in default and f"clause {number_of(draft, 'shares.valuation')}" in default
    assert "within 45 days after receiving notice" in default  # the deal's cure period
    exit_ = text_of(clause(draft, "shares.exit").blocks)
    assert number_of(draft, "shares.exit").split(".")[0] == section_label(draft, "exit")
    assert "within 9 months after the Termination Date" in exit_
    rights = text_of(clause(draft, "company.rights").blocks)
    for cid in ("scope.jv-contributions", "shares.subscription", "shares.capital-calls", "ip.joint-venture"):
        assert number_of(draft, cid) in rights
    third = text_of(clause(draft, "general.third-party-rights").blocks)
    assert f"Except for the Company under clause {number_of(draft, 'company.rights')}" in third
    conditions = text_of(clause(draft, "scope.jv-conditions").blocks)
    assert "Competition and Consumer Commission of Singapore" in conditions and "1 January 2028" in conditions
    assert "50% of its profits available for distribution" in text_of(clause(draft, "company.dividends").blocks)


def test_contributions_are_not_owed_twice(jv):
    data, draft = jv
    text = full_text(draft)
    assert text.count("USD 1,440,000") == 1  # once, as Harbor's subscription; no Budget repeats it
    contributions = text_of(clause(draft, "scope.jv-contributions").blocks)
    assert "separate from the cash subscriptions under clause " + number_of(draft, "shares.subscription") in contributions


def test_a_budget_that_repeats_the_contributions_is_refused(write_deal):
    data = yaml.safe_load(JV.read_text(encoding="utf-8"))
    data["budget"] = {"currency": "USD", "total": 3600000, "cost_sharing": {"harbor": 40, "triton": 35, "straits": 25},
                      "payment_terms_days": 45, "invoicing": "quarterly"}
    found = problems_of(write_deal(data))
    assert any(p.startswith("scope.joint_venture.cash_contributions.harbor:") and "owed twice" in p for p in found), found
    data["scope"]["joint_venture"]["cash_contributions"] = {}
    data["scope"]["joint_venture"]["contributions"]["harbor"] = "USD 1,440,000 in cash and its software."
    found = problems_of(write_deal(data))
    assert any(p.startswith("scope.joint_venture.contributions.harbor:") and "owed twice" in p for p in found), found


@pytest.mark.parametrize(("change", "path", "fragment"), [
    (lambda jv: jv.pop("board"), "scope.joint_venture.board", "required with a vehicle"),
    (lambda jv: jv["board"]["directors"].pop("straits"), "scope.joint_venture.board.directors", "missing: straits"),
    (lambda jv: jv["deadlock"].update(resolution="russian_roulette"), "scope.joint_venture.deadlock.resolution",
     "exactly two shareholders"),
    (lambda jv: jv.pop("long_stop_months"), "scope.joint_venture.long_stop_months", "required with conditions"),
    (lambda jv: jv.update(arrangement="partnership"), "scope.joint_venture.arrangement", "only used without a vehicle"),
])
def test_joint_venture_rules_name_the_field(change, path, fragment, write_deal):
    data = yaml.safe_load(JV.read_text(encoding="utf-8"))
    change(data["scope"]["joint_venture"])
    found = [p for p in problems_of(write_deal(data)) if p.startswith(path + ":") and fragment in p]
    assert found, problems_of(write_deal(data))


# ── joint venture: contractual ──────────────────────────────────────────────────────────────
def contractual(arrangement: str) -> dict:
    data = yaml.safe_load(JV.read_text(encoding="utf-8"))
    jv = data["scope"]["joint_venture"]
    for name in ("vehicle", "board", "transfers", "deadlock", "capital_calls", "cash_contributions", "currency",
                 "default_discount_percent", "dividend_percent", "valuation", "exit_months"):
        jv.pop(name, None)
    jv["arrangement"] = arrangement
    jv["contributions"] = {"harbor": "its terminal scheduling software", "triton": "6 platform engineers",
                           "straits": "data centre capacity in Singapore"}
    data["governance"]["kpis"] = data["governance"]["kpis"][:2]
    for resp in data["roles"]["responsibilities"]:
        resp["duties"] = [d.replace("the Company", "the joint venture") for d in resp["duties"]]
    data["budget"] = {"currency": "USD", "total": 900000, "cost_sharing": {"harbor": 40, "triton": 35, "straits": 25},
                      "payment_terms_days": 45, "invoicing": "quarterly"}
    return data


def test_cost_sharing_venture_is_not_a_partnership(write_deal, capsys):
    path = write_deal(contractual("cost_sharing"))
    draft = api.build(path)
    ids = clause_ids(draft)
    assert not (COMPANY_CLAUSES - {"scope.jv-conditions", "scope.jv-non-compete"}) & ids
    assert "scope.jv-profits" not in ids and "scope.jv-shares" not in ids
    text = text_of(clause(draft, "scope.jv-contractual").blocks)
    assert ("it is not a partnership within the meaning of the Partnership Act 1890 of Singapore: the Parties do not "
            "carry on a business in common with a view to profit") in text
    assert f"set out in the Budget under clause {section_label(draft, 'budget')}" in text
    assert "they do not share profits or losses" in text
    assert "profits and losses" not in full_text(draft).replace("do not share profits or losses", "")
    assert "not as partners in a partnership" in text_of(clause(draft, "general.relationship").blocks)
    result = api.check(path)
    assert any("cost_sharing" in n.message and n.path == "scope.joint_venture.arrangement" and n.line
               and "under the Partnership Act 1890 of Singapore, persons carrying on a business in common" in n.message
               for n in result.notes)


def test_partnership_venture_states_its_consequences(write_deal):
    path = write_deal(contractual("partnership"))
    draft = api.build(path)
    assert {"scope.jv-contractual", "scope.jv-profits", "scope.jv-non-compete"} <= clause_ids(draft)
    text = text_of(clause(draft, "scope.jv-contractual").blocks)
    assert "as a partnership under the Partnership Act 1890 of Singapore (the Firm)" in text
    assert "the Parties do not have limited liability" in text and "legal personality" not in text
    assert "liable together with the other Parties for the debts" in text
    profits = text_of(clause(draft, "scope.jv-profits").blocks)
    assert "Harbor 40%, Triton 35% and Straits 25%" in profits
    relationship = text_of(clause(draft, "general.relationship").blocks)
    assert "not as partners" not in relationship and "creates a partnership in law" not in relationship
    assert f"clause {number_of(draft, 'scope.jv-contractual')}" in relationship
    assert any("partnership in law under the Partnership Act 1890 of Singapore" in n.message
               for n in api.check(path).notes)


@pytest.mark.parametrize(("law", "statute", "test_words"), [
    ("England and Wales", "the Partnership Act 1890", "under sections 1 and 2 of the Partnership Act 1890, persons"),
    ("Ireland", "the Partnership Act 1890", "sections 1 and 2 of the Partnership Act 1890 (in force in Ireland)"),
    ("the State of New York", "the New York Partnership Law", "under sections 10 and 11 of the New York Partnership Law"),
    ("the State of Delaware", "the Delaware Revised Uniform Partnership Act", "section 15-202 of the Delaware Revised"),
    ("the State of California", "the Uniform Partnership Act of 1994 (chapter 5 of title 2 of the California "
     "Corporations Code)", "section 16202 of the California Corporations Code"),
])
def test_the_partnership_choice_names_the_statute_of_the_governing_law(law, statute, test_words, write_deal):
    data = contractual("partnership")
    data["deal"]["governing_law"] = law
    data["deal"].pop("language", None)
    path = write_deal(data)
    text = text_of(clause(api.build(path), "scope.jv-contractual").blocks)
    assert f"as a partnership under {statute}" in text
    assert any(test_words in n.message for n in api.check(path).notes)
    data["scope"]["joint_venture"]["arrangement"] = "cost_sharing"
    path = write_deal(data)
    text = text_of(clause(api.build(path), "scope.jv-contractual").blocks)
    assert f"it is not a partnership within the meaning of {statute}" in text
    assert any(test_words in n.message and n.message.startswith("note: cost_sharing") for n in api.check(path).notes)


@pytest.mark.parametrize(("law", "code"), [("Germany", "sections 705 and following of the German Civil Code"),
                                           ("the Netherlands", "the provisions of the Dutch Civil Code on the partnership (maatschap)")])
def test_under_a_civil_code_cost_sharing_stays_an_internal_partnership_at_most(law, code, write_deal):
    data = contractual("cost_sharing")
    data["deal"]["governing_law"] = law
    data["deal"].pop("language", None)
    path = write_deal(data)
    draft = api.build(path)
    text = text_of(clause(draft, "scope.jv-contractual").blocks)
    assert "not a partnership" not in text and "do not share profits or losses" in text
    assert f"a partnership between the Parties under {code}" in text and "an internal partnership only" in text
    relationship = text_of(clause(draft, "general.relationship").blocks)
    assert "creates a partnership in law" not in relationship and "not as partners" not in relationship
    assert "creates a partnership that deals with third parties" in relationship
    note = next(n.message for n in api.check(path).notes if n.path == "scope.joint_venture.arrangement")
    assert "common purpose" in note or "contribute something in common" in note
    assert "at most an internal partnership between the parties" in note and "not a partnership in law" not in note


def test_other_kinds_get_no_joint_venture_clauses():
    for path in EXAMPLES.glob("*.yaml"):
        if yaml.safe_load(path.read_text(encoding="utf-8"))["deal"]["kind"] != "joint_venture":
            ids = clause_ids(api.build(path))
            assert not (COMPANY_CLAUSES | {"scope.jv-contractual", "scope.jv-profits"}) & ids, path.name


def test_a_joint_venture_must_choose_its_form(write_deal):
    data = contractual("cost_sharing")
    data["scope"]["joint_venture"].pop("arrangement")
    assert any(p.startswith("scope.joint_venture.arrangement:") and "required without a vehicle" in p
               for p in problems_of(write_deal(data)))


# ── reseller ────────────────────────────────────────────────────────────────────────────────
RESELLER = EXAMPLES / "northwind-resellers-reseller.yaml"
RESELLER_CLAUSES = {"supply.orders", "supply.delivery", "supply.warranty", "supply.reports", "supply.returns",
                    "supply.after-termination"}


def test_reseller_gets_ordering_supply_warranty_reports_and_its_own_customers():
    draft = api.build(RESELLER)
    assert RESELLER_CLAUSES <= clause_ids(draft)
    orders = text_of(clause(draft, "supply.orders").blocks)
    assert "Vanderlinde orders the Products" in orders and "within 2 Business Days" in orders
    assert "treated as accepted" in orders
    delivery = text_of(clause(draft, "supply.delivery").blocks)
    assert "Within 3 Business Days after accepting an order, Northwind must issue" in delivery
    warranty = text_of(clause(draft, "supply.warranty").blocks)
    assert "free from any Defect for 90 days after its delivery" in warranty
    assert f"including clause {number_of(draft, 'warranties.no-other-warranties')}, excludes, as against Vanderlinde" in warranty
    reports = text_of(clause(draft, "supply.reports").blocks)
    assert "every quarter" in reports and "must not include the resale prices" in reports
    assert "influence those prices" in reports
    returns = text_of(clause(draft, "supply.returns").blocks)
    assert "Within 30 days after delivery" in returns and f"clause {number_of(draft, 'supply.warranty')}" in returns
    after = text_of(clause(draft, "supply.after-termination").blocks)
    assert "are its own customers" in after and "compensation of 50%" in after
    assert f"clause {number_of(draft, 'exit.customer-migration')} only if the customer agrees" in after
    assert number_of(draft, "supply.after-termination").split(".")[0] == section_label(draft, "exit")
    assert "is free to set its own resale prices" in full_text(draft)  # competition-law-safe pricing kept


def test_reseller_without_customer_migration_keeps_its_customers(write_deal):
    data = yaml.safe_load(RESELLER.read_text(encoding="utf-8"))
    data["exit"]["transition"]["customer_migration"] = False
    data["scope"]["reseller"].pop("customer_compensation_percent")
    data["scope"]["reseller"]["delivery"] = "goods"
    draft = api.build(write_deal(data))
    after = text_of(clause(draft, "supply.after-termination").blocks)
    assert "Nothing in this Agreement obliges Vanderlinde to hand over its customers" in after
    assert "buy back, at the price the reseller paid, the goods it holds in stock" in after
    assert "Risk in the goods passes" in text_of(clause(draft, "supply.delivery").blocks)


@pytest.mark.parametrize(("change", "path", "fragment"), [
    (lambda d: d["scope"]["reseller"].pop("customer_compensation_percent"),
     "scope.reseller.customer_compensation_percent", "only against compensation"),
    (lambda d: d["scope"].pop("territory"), "scope.territory", "must name the territory"),
    (lambda d: d["scope"].pop("products"), "scope.products", "must name the products"),
    (lambda d: d["scope"]["reseller"].pop("warranty_days"), "scope.reseller.warranty_days", "required"),
])
def test_reseller_rules_name_the_field(change, path, fragment, write_deal):
    data = yaml.safe_load(RESELLER.read_text(encoding="utf-8"))
    change(data)
    found = [p for p in problems_of(write_deal(data)) if p.startswith(path) and fragment in p]
    assert found, problems_of(write_deal(data))


# ── managed service ─────────────────────────────────────────────────────────────────────────
MANAGED = EXAMPLES / "meridian-opscloud-managed-service.yaml"
MANAGED_CLAUSES = {"service.onboarding", "service.security", "service.continuity", "service.step-in", "service.hipaa",
                   "service.prepaid-refund", "service.benchmarking", "schedule-services.services",
                   "schedule-services.onboarding", "schedule-services.acceptance"}


def test_managed_service_gets_onboarding_security_continuity_step_in_and_hipaa():
    draft = api.build(MANAGED)
    assert MANAGED_CLAUSES <= clause_ids(draft)
    charges = text_of(clause(draft, "scope.managed-charges").blocks)
    # a New York deal: provisions are Sections
    assert f"stated in Section {number_of(draft, 'payments.fees')}, which are fixed for the Term" in charges
    assert "agree in writing from time to time" not in charges and "price list or order forms" not in charges
    fees = text_of(clause(draft, "payments.fees").blocks)
    assert "Meridian must pay OpsCloud Charges of USD 85,000 for each month" in fees
    assert "at the start of that period" in text_of(clause(draft, "payments.invoicing").blocks)
    onboarding = text_of(clause(draft, "service.onboarding").blocks)
    assert "for up to 15 days" in onboarding and "fail the tests a second time" in onboarding
    assert "1 April 2027" in text_of(clause(draft, "definitions.terms").blocks) or "April 1, 2027" in full_text(draft)
    assert "SOC 2 Type II" in text_of(clause(draft, "service.security").blocks)
    continuity = text_of(clause(draft, "service.continuity").blocks)
    assert "within 4 hours" in continuity and "1 hour before the disaster" in continuity
    step_in = text_of(clause(draft, "service.step-in").blocks)
    assert f"Section {number_of(draft, 'service-levels.chronic-failure')}" in step_in
    hipaa = text_of(clause(draft, "service.hipaa").blocks)
    assert "business associate" in hipaa and "45 C.F.R. Parts 160 and 164" in hipaa
    refund = text_of(clause(draft, "service.prepaid-refund").blocks)
    assert f"terminated under Section {number_of(draft, 'termination.chronic-sla')}" in refund
    assert "paid in advance" in text_of(clause(draft, "payments.final-account").blocks)


def test_managed_service_has_a_service_description_schedule_the_body_refers_to():
    data = yaml.safe_load(MANAGED.read_text(encoding="utf-8"))
    ms = data["scope"]["managed_service"]
    draft = api.build(MANAGED)
    schedule = next(s for s in draft.sections if s.id == "schedule-services")
    assert schedule.title == "Service Description"
    assert schedule.label == next(s for s in draft.sections if s.kind == "schedule").label  # the first schedule
    terms = text_of(clause(draft, "definitions.terms").blocks)
    assert f"Service Description means {schedule.label}, which describes the Managed Services" in terms
    services = text_of(clause(draft, "scope.managed-services").blocks)
    assert "the managed services described in the Service Description (the Managed Services)" in services
    described = text_of(clause(draft, "schedule-services.services").blocks)
    for service in ms["services"]:
        assert service in described
    assert f"under Section {number_of(draft, 'scope.managed-services')}" in described
    assert f"SOC 2 Type II (security and availability criteria) | {number_of(draft, 'service.security')}" in described
    assert f"at most once in any 12 months | {number_of(draft, 'service.benchmarking')}" in described
    onboarding = text_of(clause(draft, "schedule-services.onboarding").blocks)
    assert "Network access, credentials and system documentation given to OpsCloud | Meridian | February 5, 2027" \
        in onboarding.splitlines()
    assert "Service Commencement Date: the Managed Services are provided in full | OpsCloud | April 1, 2027" \
        in onboarding.splitlines()
    assert len([line for line in onboarding.splitlines() if line.endswith(", 2027")]) == 6
    body = text_of(clause(draft, "service.onboarding").blocks)
    assert f"onboarding plan in paragraph {number_of(draft, 'schedule-services.onboarding')} of the Service Description" in body
    assert f"acceptance criteria in paragraph {number_of(draft, 'schedule-services.acceptance')} of the Service" in body
    assert "must propose promptly" not in body  # the milestones are the plan
    acceptance = text_of(clause(draft, "schedule-services.acceptance").blocks)
    assert "for up to 15 days" in acceptance and "a failover from one data center to the other" in acceptance
    assert "verified by Meridian; and" in acceptance


def test_managed_service_benchmarking_reduces_the_charges_to_the_top_of_the_range():
    draft = api.build(MANAGED)
    bench = text_of(clause(draft, "service.benchmarking").blocks)
    assert "by Northfield Sourcing Advisors LLC (the Benchmarker)" in bench
    assert "no earlier than 12 months after the Service Commencement Date, and no more than once in any period of " \
        "12 months" in bench
    assert "Meridian bears the fees of the Benchmarker" in bench and "costs or margins of OpsCloud" in bench
    assert "reduced to the top of the Benchmark Range, but by no more than 10% of them" in bench
    assert "never increases the Charges" in bench
    charges = text_of(clause(draft, "scope.managed-charges").blocks)
    assert f"or as they are reduced after a Benchmark under Section {number_of(draft, 'service.benchmarking')}" in charges


def test_benchmarking_by_negotiation_gives_a_termination_right(write_deal):
    data = yaml.safe_load(MANAGED.read_text(encoding="utf-8"))
    bench = data["scope"]["managed_service"]["benchmarking"]
    bench.pop("benchmarker"), bench.pop("max_reduction_percent")
    bench["outcome"] = "negotiate"
    text = text_of(clause(api.build(write_deal(data)), "service.benchmarking").blocks)
    assert "an independent benchmarker that Meridian proposes and OpsCloud approves" in text
    assert "propose a reduction that brings them within the Benchmark Range" in text
    assert "Meridian may terminate this Agreement by notice" in text and "reduced to the top" not in text


def test_without_benchmarking_or_milestones_the_draft_says_nothing_of_them(write_deal):
    data = yaml.safe_load(MANAGED.read_text(encoding="utf-8"))
    ms = data["scope"]["managed_service"]
    for name in ("benchmarking", "onboarding", "acceptance_criteria"):
        ms.pop(name)
    draft = api.build(write_deal(data))
    assert "service.benchmarking" not in clause_ids(draft) and "Benchmark" not in full_text(draft)
    assert "must propose promptly after the Effective Date" in text_of(clause(draft, "service.onboarding").blocks)
    assert "the Service Levels during the tests" in text_of(clause(draft, "schedule-services.acceptance").blocks)
    assert "reduced after a Benchmark" not in text_of(clause(draft, "scope.managed-charges").blocks)


@pytest.mark.parametrize(("change", "path", "fragment"), [
    (lambda ms: ms.pop("commencement_date"), "scope.managed_service.onboarding", "needs commencement_date"),
    (lambda ms: ms["onboarding"][1].update(date="2027-01-20"), "scope.managed_service.onboarding[1].date",
     "list them in date order"),
    (lambda ms: ms["onboarding"][4].update(date="2027-04-20"), "scope.managed_service.onboarding[4].date",
     "is after commencement_date"),
    (lambda ms: ms["onboarding"][0].update(responsible="globex"), "scope.managed_service.onboarding[0].responsible",
     "globex"),
    (lambda ms: ms.pop("acceptance_days"), "scope.managed_service.acceptance_criteria", "needs acceptance_days"),
    (lambda ms: ms["benchmarking"].update(outcome="negotiate"), "scope.managed_service.benchmarking.max_reduction_percent",
     "only used with outcome: reduce"),
    (lambda ms: ms["benchmarking"].update(every_months=3), "scope.managed_service.benchmarking.every_months", "6"),
])
def test_managed_service_rules_name_the_field(change, path, fragment, write_deal):
    data = yaml.safe_load(MANAGED.read_text(encoding="utf-8"))
    change(data["scope"]["managed_service"])
    found = [p for p in problems_of(write_deal(data)) if p.startswith(path + ":") and fragment in p]
    assert found, problems_of(write_deal(data))


def test_benchmarking_needs_charges_to_compare(write_deal):
    data = yaml.safe_load(MANAGED.read_text(encoding="utf-8"))
    data["payments"]["streams"][0]["type"] = "licence_fee"
    assert any(p.startswith("scope.managed_service.benchmarking:") and "needs charges to compare" in p
               for p in problems_of(write_deal(data)))


def test_managed_service_must_state_its_charges(write_deal):
    data = yaml.safe_load(MANAGED.read_text(encoding="utf-8"))
    data.pop("payments")
    assert any("must state its charges" in p for p in problems_of(write_deal(data)))


def test_other_kinds_get_no_reseller_or_managed_service_core():
    for path in EXAMPLES.glob("*.yaml"):
        kind = yaml.safe_load(path.read_text(encoding="utf-8"))["deal"]["kind"]
        ids = clause_ids(api.build(path))
        if kind != "reseller":
            assert not RESELLER_CLAUSES & ids, path.name
        if kind != "managed_service":
            assert not MANAGED_CLAUSES & ids, path.name


# ── strategic alliance ──────────────────────────────────────────────────────────────────────
ALLIANCE = EXAMPLES / "helios-orbis-strategic-alliance.yaml"
ALLIANCE_CLAUSES = {"competition.information", "ip.co-marketing-licence"}


def test_alliance_gets_competition_safeguards_referrals_and_a_controlled_trade_mark_licence():
    draft = api.build(ALLIANCE)
    assert ALLIANCE_CLAUSES | {"payments.referrals", "payments.fees"} <= clause_ids(draft)
    assert "competition.clean-team" not in clause_ids(draft)
    info = text_of(clause(draft, "competition.information").blocks)
    assert "No Party may disclose Competitively Sensitive Information to another Party" in info
    licence = text_of(clause(draft, "ip.co-marketing-licence").blocks)
    assert "without the right to grant sublicences" in licence and "brand guidelines" in licence
    assert "approve or reject it within 5 Business Days" in licence and "treated as rejected" in licence
    assert "stop a particular use" in licence and "within 5 days after notice" in licence
    assert f"under clause {number_of(draft, 'scope.alliance-co-marketing')}" in licence
    assert f"given under clause {number_of(draft, 'ip.co-marketing-licence')}" in text_of(
        clause(draft, "scope.alliance-co-marketing").blocks)
    fees = text_of(clause(draft, "payments.fees").blocks)
    assert "Orbis must pay Helios a commission of 10% of the licence and subscription fees" in fees


def test_competing_partners_share_sensitive_information_only_in_a_clean_team(referral):
    _, draft = referral
    assert {"competition.information", "competition.clean-team"} <= clause_ids(draft)
    info = text_of(clause(draft, "competition.information").blocks)
    assert "are actual or potential competitors" in info
    assert f"within the Clean Team under clause {number_of(draft, 'competition.clean-team')}" in info


# ── technology ──────────────────────────────────────────────────────────────────────────────
TECH_CLAUSES = {"technology.warranties", "technology.open-source", "technology.security", "technology.deprecation",
                "technology.customer-licence", "technology.customer-claims", "technology.remuneration"}


def test_technology_gets_warranties_security_customer_licensing_and_claims(deal_data, write_deal):
    deal_data["scope"] = {"technology": {"deprecation_notice_months": 12, "escrow": {
        "depositor": "globex", "agent": "NCC Group Escrow Limited", "deposit_days": 60}}}
    draft = api.build(write_deal(deal_data))
    assert TECH_CLAUSES | {"technology.escrow"} <= clause_ids(draft)
    assert "documentation" in text_of(clause(draft, "technology.warranties").blocks)
    assert "malicious code" in text_of(clause(draft, "technology.warranties").blocks)
    deprecation = text_of(clause(draft, "technology.deprecation").blocks)
    assert "working for at least 12 months" in deprecation
    assert f"clause {number_of(draft, 'scope.technology-changes')}" in deprecation
    customer = text_of(clause(draft, "technology.customer-licence").blocks)
    assert f"clause {number_of(draft, 'exit.licences')}" in customer
    licences = text_of(clause(draft, "ip.licences").blocks)
    assert f"to customers as clause {number_of(draft, 'technology.customer-licence')} provides" in licences
    assert "licences properly granted to customers" in text_of(clause(draft, "exit.licences").blocks)
    claims = text_of(clause(draft, "technology.customer-claims").blocks)
    assert f"clause {number_of(draft, 'technology.warranties')}" in claims
    assert f"subject to clause {section_label(draft, 'liability')}" in claims
    escrow = text_of(clause(draft, "technology.escrow").blocks)
    assert "Within 60 days after the Effective Date, Globex must deposit" in escrow
    assert "NCC Group Escrow Limited" in escrow and "an Insolvency Event occurs in relation to Globex" in escrow


def test_canonical_technology_deal_has_its_core_and_a_note_on_payment():
    path = EXAMPLES / "acme-globex-technology.yaml"
    draft = api.build(path)
    assert TECH_CLAUSES <= clause_ids(draft) and "technology.escrow" not in clause_ids(draft)
    assert "royalty-free" in text_of(clause(draft, "ip.licences").blocks)
    assert any(n.path == "deal.kind" and "no fee, royalty or revenue share" in n.message
               for n in api.check(path).notes)


def test_other_kinds_get_no_alliance_or_technology_core():
    for path in EXAMPLES.glob("*.yaml"):
        kind = yaml.safe_load(path.read_text(encoding="utf-8"))["deal"]["kind"]
        ids = clause_ids(api.build(path))
        if kind != "strategic_alliance":
            # (competition.information, the competition-law clause, now applies to every kind of deal)
            assert not ((ALLIANCE_CLAUSES - {"competition.information"}) | {"competition.clean-team"}) & ids, path.name
        if kind != "technology":
            assert not (TECH_CLAUSES | {"technology.escrow"}) & ids, path.name


def test_an_alliance_needs_its_brand_periods(write_deal):
    data = yaml.safe_load(ALLIANCE.read_text(encoding="utf-8"))
    data["scope"].pop("strategic_alliance")
    assert any(p.startswith("deal.kind:") and "scope.strategic_alliance" in p for p in problems_of(write_deal(data)))


# ── article headings ────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(("example", "heading"), [
    ("acme-globex-technology.yaml", "Scope of the Partnership"),
    ("northwind-resellers-reseller.yaml", "Appointment of the Reseller"),
    ("helios-orbis-strategic-alliance.yaml", "Scope of the Alliance"),
    ("tri-harbor-joint-venture.yaml", "The Joint Venture"),
    ("meridian-opscloud-managed-service.yaml", "The Services"),
])
def test_the_scope_article_has_a_heading_that_fits_the_kind(example, heading):
    draft = api.build(EXAMPLES / example)
    assert next(s for s in draft.sections if s.id == "scope").title == heading
    titles = {s.id: s.title for s in draft.sections}
    if "payments" in titles:
        managed = example.startswith("meridian")
        assert titles["payments"] == ("Charges and Payment" if managed else "Payments between the Parties")
        assert titles["schedule-payments"] == ("Charges" if managed else "Partner Payments")


def test_a_defined_term_inside_a_party_name_is_not_a_use_of_it(deal_data, write_deal):
    # "Company" is defined only for a joint venture company, and "Managed Services" only for a managed service
    deal_data["parties"][1]["name"] = "Globex Company Managed Services GmbH"
    draft = api.build(write_deal(deal_data))
    assert "Globex Company Managed Services GmbH" in full_text(draft)
    assert "scope.jv-vehicle" not in clause_ids(draft) and "scope.managed-services" not in clause_ids(draft)


# ── what counsel for the other side found in the example drafts ────────────────────────────
def test_managed_services_continued_after_termination_are_paid_for_and_keep_their_health_data():
    draft = api.build(MANAGED)
    transition = number_of(draft, "exit.transition")
    final = text_of(clause(draft, "payments.final-account").blocks)
    assert f"continues to provide Managed Services after the Termination Date under Section {transition}" in final
    assert "continue to accrue, at the rates in force on the Termination Date" in final
    fees = text_of(clause(draft, "exit.transition-fees").blocks)
    assert "No fees are payable for it, other than the Charges for Managed Services that OpsCloud continues" in fees
    hipaa = text_of(clause(draft, "service.hipaa").blocks)
    assert f"when it stops providing the Managed Services (including any it continues to provide after the " \
           f"Termination Date under Section {transition})" in hipaa
    refund = text_of(clause(draft, "service.prepaid-refund").blocks)
    assert f"refunded day by day under Section {number_of(draft, 'payments.final-account')}" in refund
    assert "must refund" not in refund  # one refund, in the final account, not two
    payments = text_of(clause(draft, "payments.fees").blocks)
    assert "whole price of the Managed Services" in payments and "level of sales" not in payments
    assert "licences properly granted to customers" not in full_text(draft).replace("licenses", "licences")
    assert "within 24 hours after becoming aware" in text_of(clause(draft, "data-protection.breach").blocks)


def test_no_draft_calls_a_joint_venture_or_a_service_contract_the_partnership():
    for example in ("tri-harbor-joint-venture.yaml", "meridian-opscloud-managed-service.yaml",
                    "northwind-resellers-reseller.yaml"):
        text = full_text(api.build(EXAMPLES / example))
        assert "the partnership" not in text.replace("a partnership in law", ""), example


def test_customer_licences_survive_only_where_customers_get_licences():
    for example, expected in (("acme-globex-technology.yaml", True), ("northwind-resellers-reseller.yaml", True),
                              ("helios-orbis-strategic-alliance.yaml", False), ("tri-harbor-joint-venture.yaml", False)):
        text = text_of(clause(api.build(EXAMPLES / example), "exit.licences").blocks)
        assert ("licences properly granted to customers" in text) is expected, example


def test_joint_venture_company_steering_committee_and_licences_do_not_fight_the_board_or_the_exit():
    draft = api.build(JV)
    committee = text_of(clause(draft, "governance.steering-committee").blocks)
    assert "it does not manage the Company" in committee
    assert f"matters listed in clause {number_of(draft, 'scope.jv-reserved-matters')}, to all Parties" in committee
    impasse = text_of(clause(draft, "governance.deadlock").blocks)
    assert f"is not an Impasse: if they cannot decide it, clause {number_of(draft, 'shares.deadlock')} applies" in impasse
    licences = text_of(clause(draft, "exit.licences").blocks)
    assert f"the licences granted to the Company under clause {number_of(draft, 'ip.joint-venture')} continue" in licences
    exit_ = text_of(clause(draft, "shares.exit").blocks)
    assert "continue for as long as that clause provides" in exit_ and "If the Company is placed in liquidation" in exit_


def test_alliance_brand_approval_has_one_standard_and_one_payment_per_referral():
    draft = api.build(EXAMPLES / "helios-orbis-strategic-alliance.yaml")
    marks = text_of(clause(draft, "ip.trade-marks").blocks)
    assert f"only as approved under clause {number_of(draft, 'ip.co-marketing-licence')}" in marks
    assert "unreasonably withheld" not in marks and "brand guidelines" in marks
    referrals = text_of(clause(draft, "payments.referrals").blocks)
    assert "only one Partner Payment is due for referring that customer" in referrals  # the deal pays a commission


def test_reseller_customer_is_migrated_only_if_it_agrees():
    draft = api.build(RESELLER)
    migration = text_of(clause(draft, "exit.customer-migration").blocks)
    assert f"only if it agrees to move under clause {number_of(draft, 'supply.after-termination')}" in migration


def test_technology_payment_clause_does_not_exclude_other_amounts_due():
    text = text_of(clause(api.build(CANONICAL_TECH), "technology.remuneration").blocks)
    assert "only amounts payable" not in text and "compensated for its technology only through" in text


def test_us_technology_example_pays_the_engine_partner_a_royalty_and_escrows_its_engine():
    draft = api.build(EXAMPLES / "hudson-cobalt-technology-us.yaml")
    assert {"technology.escrow", "technology.deprecation", "payments.fees", "payments.statements",
            "payments.audit", "payments.final-account"} <= clause_ids(draft)
    fees = text_of(clause(draft, "payments.fees").blocks)
    assert fees.startswith("In return for what it receives under this Agreement, Hudson must pay Cobalt a royalty of "
                           "20% of the net revenue Hudson receives")
    assert "Cobalt's fraud-scoring service" in fees and "\\" not in fees  # deal text escaped once, not twice
    assert "(a)" not in fees  # one payment is a sentence, not a one-item list
    remuneration = text_of(clause(draft, "technology.remuneration").blocks)
    assert f"only by the Partner Payments set out in Section {number_of(draft, 'payments.fees')}" in remuneration
    assert "within the 6 months after the Termination Date" not in remuneration
    final = text_of(clause(draft, "payments.final-account").blocks)
    assert "during the 6 months after the Termination Date" in final
    escrow = text_of(clause(draft, "technology.escrow").blocks)
    assert "Within 60 days after the Effective Date, Cobalt must deposit" in escrow
    assert "Keystone Software Escrow, Inc." in escrow
    assert "at least 12 months after announcing the withdrawal" in text_of(clause(draft, "technology.deprecation").blocks)


def test_singapore_drafts_speak_of_goods_and_services_tax():
    draft = api.build(ALLIANCE)
    text = full_text(draft)
    assert "value added tax" not in text
    assert "Partner Payments exclude goods and services tax and similar taxes on supplies" in \
        text_of(clause(draft, "payments.invoicing").blocks)


def test_a_managed_service_has_contract_managers_not_alliance_managers():
    draft = api.build(MANAGED)
    assert "roles.contract-managers" in clause_ids(draft) and "roles.alliance-managers" not in clause_ids(draft)
    text = full_text(draft)
    assert "Contract Manager" in text and "Alliance Manager" not in text
    assert "Meridian: Robert Hayes" in text_of(clause(draft, "roles.contract-managers").blocks)
    for example in ("acme-globex-technology.yaml", "tri-harbor-joint-venture.yaml"):
        assert "roles.contract-managers" not in clause_ids(api.build(EXAMPLES / example))


# ── a managed service is paid by its Charges, not by "Partner Payments" ─────────────────────
CHARGE_CLAUSES = ("payments.fees", "payments.invoicing", "payments.final-account", "schedule-payments.table",
                  "service-levels.credits", "schedule-service-levels.credits", "service.prepaid-refund",
                  "service.benchmarking", "service.step-in", "exit.transition-fees", "ip.licences")


def test_managed_service_charges_are_the_charges_throughout():
    draft = api.build(MANAGED)
    text = full_text(draft)
    assert "Partner Payment" not in text  # the customer pays the provider; no partner pays a partner
    definitions = text_of(clause(draft, "definitions.terms").blocks)
    assert f"Charges means the charges for the Managed Services that Section {number_of(draft, 'payments.fees')} " \
           "sets out" in definitions
    for cid in CHARGE_CLAUSES:
        body = text_of(clause(draft, cid).blocks)
        assert "Charges" in body, cid
        assert "the charges for the Managed Services" not in body and "service charges" not in body, cid
    assert clause(draft, "payments.fees").title == "Charges"
    assert clause(draft, "payments.final-account").title == "Final account of Charges"
    fees = text_of(clause(draft, "payments.fees").blocks)
    assert fees.startswith("Meridian must pay OpsCloud Charges of USD 85,000 for each month")
    assert "(a)" not in fees  # one charge is a sentence, not a one-item list
    invoicing = text_of(clause(draft, "payments.invoicing").blocks)
    assert "invoice the Charges payable in advance for each period at the start of that period" in invoicing
    assert "The Charges exclude sales, use and similar taxes" in invoicing
    final = text_of(clause(draft, "payments.final-account").blocks)
    assert "OpsCloud must refund the part of any Charges paid in advance that relates to the period after the " \
           "Termination Date, calculated day by day" in final
    credits = text_of(clause(draft, "service-levels.credits").blocks)
    assert "applied to the Charges that Party pays for those Managed Services" in credits
    assert "The Charges under Section" in text_of(clause(draft, "schedule-payments.table").blocks)


def test_a_managed_service_keeps_partner_payments_for_what_partners_pay_each_other(write_deal):
    data = yaml.safe_load(MANAGED.read_text(encoding="utf-8"))
    data["payments"]["streams"].append({"id": "referral", "type": "referral_fee", "payer": "opscloud",
                                        "payee": "meridian", "amount": 5000, "per": "referral"})
    data["payments"]["statements"] = "quarterly"
    data["payments"]["referrals"] = {"criteria": ["is a hospital in the United States"], "acceptance_business_days": 5,
                                     "registration_days": 180, "fee_window_months": 6}
    draft = api.build(write_deal(data))
    fees = number_of(draft, "payments.fees")
    definitions = text_of(clause(draft, "definitions.terms").blocks)
    assert f"Partner Payment means an amount that one Party must pay another Party under Section {fees}, " \
           "other than the Charges" in definitions
    text = text_of(clause(draft, "payments.fees").blocks)
    assert "Meridian must pay OpsCloud Charges of USD 85,000" in text
    assert "OpsCloud must also pay Meridian a referral fee of USD 5,000 for each Qualified Referral" in text
    assert "summarizes the Charges, the Partner Payments and the arrangements for them" in text
    final = text_of(clause(draft, "payments.final-account").blocks)
    assert "The Charges accrue day by day" in final and "Partner Payments accrue up to the Termination Date" in final
    assert "other than the Charges and Partner Payments under Section" in text_of(clause(draft, "ip.licences").blocks)
    invoicing = text_of(clause(draft, "payments.invoicing").blocks)
    assert "invoice each Partner Payment calculated on revenue, referrals or units" in invoicing
    assert "invoice each fixed Charge payable in advance at the start of the period it covers" in invoicing
    assert f"The amounts payable under Section {fees} exclude" in invoicing
    assert "termsmith:ref" not in full_text(draft)  # every cross-reference resolved


def test_other_kinds_keep_partner_payments():
    draft = api.build(REFERRAL)
    text = full_text(draft)
    assert "Partner Payment" in text and "Charges means" not in text
    assert clause(draft, "payments.fees").title == "Partner Payments"


# ── no agreement to agree: a withdrawn infringing item and a missed minimum have stated consequences ──
def test_a_withdrawn_infringing_item_has_stated_consequences():
    for example in sorted(EXAMPLES.glob("*.yaml")):
        text = text_of(clause(api.build(example), "indemnities.mitigation").blocks)
        assert "agree in good faith" not in text, example.name
        assert "ceases to form part of this Agreement on the date of the notice" in text, example.name
    acme = api.build(CANONICAL_TECH)
    text = text_of(clause(acme, "indemnities.mitigation").blocks)
    assert "must refund the part of it that relates to the period after that date, calculated day by day, within " \
           "30 days" in text
    assert "may terminate this Agreement by notice to the other Party given within 60 days after the notice of " \
           "withdrawal" in text
    assert f"obligations under clause {number_of(acme, 'indemnities.ip-infringement')} for claims arising" in text
    assert "Northwind" not in text and "Managed Services" not in text
    managed = text_of(clause(api.build(MANAGED), "indemnities.mitigation").blocks)
    assert "does not relieve it of its obligation to provide the Managed Services to the Service Levels" in managed
    reseller = api.build(RESELLER)
    text = text_of(clause(reseller, "indemnities.mitigation").blocks)
    assert "If Northwind withdraws a product, it ceases to be one of the Products" in text
    assert "licences of the withdrawn product that it has not yet resold" in text
    assert f"The minimum commitment under clause {number_of(reseller, 'scope.reseller-minimum')}" in text
    assert "orders for the withdrawn product in the 12 months before the notice" in text
    assert "terms.withdrawal_look_back_months" in {d.path for d in reseller.defaults}
    found = {d.path for d in acme.defaults}
    assert {"terms.withdrawal_refund_days", "terms.withdrawal_termination_days"} <= found


def test_a_missed_reseller_minimum_has_a_consequence(write_deal):
    draft = api.build(RESELLER)
    text = text_of(clause(draft, "scope.reseller-minimum").blocks)
    assert "agree a plan" not in text
    assert "Northwind may give Vanderlinde notice of the shortfall within 60 days after the end of that year" in text
    assert "make up the shortfall by placing further orders within 90 days after receiving the notice" in text
    assert ("terminate this Agreement with effect from a date stated in the notice that is at least 90 days after the "
            "notice is given") in text
    assert "non-exclusive" not in text  # the appointment is not exclusive
    found = {d.path for d in draft.defaults}
    assert {"terms.minimum_shortfall_notice_days", "terms.minimum_cure_days",
            "terms.minimum_termination_notice_days"} <= found
    data = yaml.safe_load(RESELLER.read_text(encoding="utf-8"))
    data["scope"]["exclusive"] = True
    data.setdefault("terms", {})["minimum_cure_days"] = 45
    draft = api.build(write_deal(data))
    text = text_of(clause(draft, "scope.reseller-minimum").blocks)
    assert "within 45 days after receiving the notice" in text
    assert "either make its appointment non-exclusive from the date of the notice, or terminate this Agreement" in text
    assert "terms.minimum_cure_days" not in {d.path for d in draft.defaults}


def test_payment_schedule_states_the_audit_frequency_the_audit_clause_uses(write_deal):
    data = yaml.safe_load(REFERRAL.read_text(encoding="utf-8"))
    assert data["payments"].get("audit")
    data.setdefault("terms", {})["audit_frequency_months"] = 24
    draft = api.build(write_deal(data))
    assert "not more than once in any 24 months" in text_of(clause(draft, "payments.audit").blocks)
    schedule = text_of(clause(draft, "schedule-payments.table").blocks)
    assert "audit at most once in 24 months" in schedule and "once in 12 months" not in schedule


def test_reseller_price_change_notice_and_payment_days_are_deal_terms(write_deal):
    draft = api.build(RESELLER)
    assert "at least 90 days’ written notice" in text_of(clause(draft, "scope.reseller-pricing").blocks).replace("'", "’")
    assert "terms.price_change_notice_days" in {d.path for d in draft.defaults}
    data = yaml.safe_load(RESELLER.read_text(encoding="utf-8"))
    del data["budget"]
    data["exit"]["transition"]["fees"] = "none"
    data["exit"]["transition"].pop("fixed_fee", None)
    data.setdefault("terms", {}).update(price_change_notice_days=60, reseller_payment_days=45)
    text = text_of(clause(api.build(write_deal(data)), "scope.reseller-pricing").blocks).replace("'", "’")
    assert "at least 60 days’ written notice" in text and "within 45 days after receiving it" in text


CONTRACTUAL = EXAMPLES / "solent-northgate-contractual-joint-venture.yaml"


def test_contractual_joint_venture_example_shares_costs_and_carries_on_no_business_in_common():
    draft = api.build(CONTRACTUAL)
    ids = clause_ids(draft)
    assert "scope.jv-contractual" in ids and "budget.cost-sharing" in ids
    assert not ({"scope.jv-vehicle", "scope.jv-shares", "scope.jv-profits"} | COMPANY_CLAUSES) & ids - {
        "scope.jv-non-compete", "scope.jv-conditions"}
    text = text_of(clause(draft, "scope.jv-contractual").blocks)
    assert "it is not a partnership within the meaning of the Partnership Act 1890" in text
    contributions = text_of(clause(draft, "scope.jv-contributions").blocks)
    assert "or, failing agreement, within a reasonable time after the other Party requests it by notice" in contributions
    assert f"remains the property of the Party that makes it and is returned to that Party under clause " \
           f"{number_of(draft, 'exit.materials')}" in contributions
    reserved = text_of(clause(draft, "scope.jv-reserved-matters").blocks)
    assert "the activities of the joint venture" in reserved and "ending the joint venture" in reserved
    assert "business of the joint venture" not in full_text(draft)  # there is none: each Party runs its own
    assert "winding up the joint venture" not in reserved
    impasse = text_of(clause(draft, "governance.deadlock").blocks)
    assert "for Northgate: its Managing Director" in impasse and "within 4 months after the notice" in impasse
    assert "governance.deadlock.termination_after_months" not in {d.path for d in draft.defaults}


def test_a_joint_venture_company_keeps_its_business_and_board_wording():
    draft = api.build(JV)
    assert "a business that competes with the business of the Company" in \
        text_of(clause(draft, "scope.jv-non-compete").blocks)
    contributions = text_of(clause(draft, "scope.jv-contributions").blocks)
    assert "failing agreement, when the Board reasonably requests it" in contributions
    assert "remains the property" not in contributions
    assert "winding up the Company" in text_of(clause(draft, "scope.jv-reserved-matters").blocks)


def test_integration_plan_not_agreed_and_failed_milestones_have_consequences():
    draft = api.build(CANONICAL_TECH)
    text = text_of(clause(draft, "scope.technology-plan").blocks)
    assert "If the Parties have not agreed an integration plan within that period, either Party may terminate this " \
           "Agreement by notice to the other Party given within the following 30 days" in text
    assert f"Shared Costs incurred before it are shared under clause {section_label(draft, 'budget')}" in text
    assert "may run the acceptance tests for that milestone within 10 Business Days after the notice" in text
    assert f"the failure is a Material Breach for the purposes of clause {number_of(draft, 'termination.cause')}" in text
    found = {d.path for d in draft.defaults}
    assert {"terms.integration_plan_termination_days", "terms.milestone_acceptance_business_days"} <= found


def test_second_reading_wording_fixes(deal_data, write_deal):
    from termsmith.render.markdown import render_markdown
    from . import variants
    managed = api.build(MANAGED)  # two Parties: "the other Party"; the defined Chronic Failure
    assert "it must promptly notify the other Party and propose" in text_of(clause(managed, "service.onboarding").blocks)
    assert "or a Chronic Failure occurs under Section" in text_of(clause(managed, "service.step-in").blocks)
    # three technology partners: the end-customer terms protect each other Party's technology
    deal_data["scope"] = {"technology": {}}
    variants._third_party(deal_data)
    draft = api.build(write_deal(deal_data))
    licence = text_of(clause(draft, "technology.customer-licence").blocks)
    assert "protect the technology of each other Party" in licence and "liability of each other Party" in licence
    assert "sale of another Party" in text_of(clause(draft, "technology.remuneration").blocks)
    # a two-shareholder Russian roulette: the Offeror is a defined term, like the Seller of shares
    data = yaml.safe_load(JV.read_text(encoding="utf-8"))
    variants._two_parties(data)
    data["scope"]["joint_venture"]["deadlock"]["resolution"] = "russian_roulette"
    data["scope"]["joint_venture"]["board"]["directors"].pop("straits", None)  # variants._two_parties already drops it
    data["scope"]["joint_venture"]["cash_contributions"].pop("straits", None)
    md = render_markdown(api.build(write_deal(data, "jv.yaml")))
    assert "(the **“Offeror”**)" in md and "(the **“Seller”**)" in md


def test_joint_venture_company_periods_are_deal_terms(write_deal):
    draft = api.build(JV)
    found = {d.path for d in draft.defaults}
    assert {"terms.valuer_agreement_business_days", "terms.incorporation_after_conditions_business_days"} <= found
    data = yaml.safe_load(JV.read_text(encoding="utf-8"))
    data["terms"].update(valuer_agreement_business_days=15, incorporation_after_conditions_business_days=20)
    data["scope"]["joint_venture"]["capital_calls"]["on_failure"] = "default"
    data["terms"]["capital_call_grace_business_days"] = 5
    draft = api.build(write_deal(data))
    assert "if they do not agree within 15 Business Days" in text_of(clause(draft, "shares.valuation").blocks)
    assert "within 20 Business Days after the last of the conditions" in text_of(clause(draft, "scope.jv-vehicle").blocks)
    assert "within 5 Business Days after it was due" in text_of(clause(draft, "shares.capital-calls").blocks)


def test_several_exclusive_resellers_that_miss_the_minimum_may_lose_their_appointment_only(write_deal):
    from . import variants
    data = yaml.safe_load(RESELLER.read_text(encoding="utf-8"))
    variants._third_party(data)
    data["scope"]["exclusive"] = True
    text = text_of(clause(api.build(write_deal(data)), "scope.reseller-minimum").blocks)
    assert "terminate that reseller’s appointment and its participation in this Agreement" in text.replace("'", "’")
    assert "non-exclusive" not in text  # the resellers share one exclusivity; one of them cannot lose it alone
