"""Findings of an eighth outside reading (counsel for the other side, library 2.6.0): the points the seventh reading
left for counsel's decision (late-payment margins under English and Irish law, a Dutch source code escrow, "either
Party" in drafts for two, the limit of liability's last paragraphs) and a reading of the managed service and reseller
clauses under the US systems and Singapore. Each test drafts the deal it needs."""

from __future__ import annotations

import copy

import pytest

from .counsel import add_party, clause_of, draft_md, example, two_customers, under


# ── 4: the limit of liability's last two sentences are two paragraphs ───────────────────────────────
def test_service_credits_counting_towards_the_cap_is_a_paragraph_of_its_own(write_deal):
    """With three Parties and Service Credits, "… not to each of them separately. Service Credits paid or credited
    count towards …" ran on as one paragraph: two rules on different subjects, the second read as part of the
    first."""
    cap = clause_of(draft_md(write_deal, two_customers()), "Limit of liability")
    assert ("and not to each of them separately.\n\nService Credits paid or credited count towards the limit in the "
            "first paragraph of this Section") in cap


# ── 4: "either Party" in a draft for two ──────────────────────────────────────────────────────────────
@pytest.mark.parametrize("stem", ["acme-globex-technology", "meridian-opscloud-managed-service",
                                  "northwind-resellers-reseller", "solent-northgate-contractual-joint-venture",
                                  "brightpath-lumen-referral-alliance"])
def test_a_draft_for_two_parties_says_either_party_may(write_deal, stem):
    """Two-party drafts said "Any Party may start the procedure", "any Party may refer it to mediation", "Any Party
    may audit those records": a right of one of two is "either Party's"."""
    md = draft_md(write_deal, example(stem))
    assert "any Party may" not in md.lower()
    assert "Either Party may start the procedure in this " in md


def test_a_two_party_termination_for_convenience_says_neither_party_may_give_notice_early(write_deal):
    md = draft_md(write_deal, example("acme-globex-technology"))
    text = clause_of(md, "Termination for convenience")
    assert text.startswith(" Termination for convenience.** Either Party may terminate this Agreement for convenience")
    assert "Neither Party may give that notice before 1 January 2028" in text
    # and a Party that need not agree is "neither" of two, whichever clause says so
    assert "No Party is obliged" not in md
    assert "Neither Party is obliged to agree to a change request." in md
    assert "Neither Party is obliged to approve an increase." in md
    assert "No Party is obliged to agree to a change request." in draft_md(write_deal, example("tri-harbor-joint-venture"))
    # the mediation step, and the request to discuss an extension, of two
    assert "If the Dispute has not been resolved within 40 days after the Dispute Notice was received, either Party" in md
    assert "any Party to the Dispute" not in md and "by any Party to it" not in md
    reseller = draft_md(write_deal, example("northwind-resellers-reseller"))
    assert "At the request of either Party made at least 6 months before the end of the Initial Term" in reseller


def test_a_draft_for_three_parties_still_says_any_party_may(write_deal):
    md = draft_md(write_deal, example("tri-harbor-joint-venture"))
    assert "Any Party may start the procedure" in md and "either Party may" not in md.lower()


# ── 1: a late-payment margin under Irish and English law ─────────────────────────────────────────────
# (library 2.8.0: the rate the Regulations prescribe for a debt they reach; the margin alone governs the others)
IRISH_RATE = ("the rate of interest for late payment that the European Communities (Late Payment in Commercial "
              "Transactions) Regulations 2012 prescribe for a debt to which they apply")


def test_an_irish_margin_reads_the_higher_of_it_and_the_rate_under_the_2012_regulations(deal_data, write_deal):
    """The Irish Regulations carry article 7 of Directive 2011/7/EU, as the Dutch and German codes do: a term on the
    rate of late-payment interest that is grossly unfair to the creditor is unenforceable. A margin of 4% above the
    European Central Bank's rate sat below the Regulations' rate (the reference rate plus 8 points) and read as if it set
    the rate; Dutch and German drafts already said "the higher of"."""
    data = under(deal_data, "Ireland")
    data["budget"]["late_interest_percent"] = 4
    md = draft_md(write_deal, data)
    rate = (f"the higher of 4% a year above the European Central Bank’s main refinancing operations rate as it stands "
            f"on the due date and {IRISH_RATE}")
    assert f"until the date of payment at {rate}. Interest accrues daily." in clause_of(md, "Late payment")
    assert f"| Late payment interest | {rate} |" in md
    payments = under(example("brightpath-lumen-referral-alliance"), "Ireland")
    text = clause_of(draft_md(write_deal, payments), "Invoicing and payment of Partner Payments")
    assert (f"at the higher of 8% a year above the Bank of England’s Bank Rate as it stands on the due date and "
            f"{IRISH_RATE}. Interest accrues daily.") in text


@pytest.mark.parametrize("law", ["England and Wales", "Singapore", "New York", "California", "Delaware"])
def test_a_common_law_margin_stands_alone(deal_data, write_deal, law):
    """English law voids only a remedy that is not substantial (a warning, below); Singapore and the US states set no
    statutory floor for a commercial debt, so the margin the deal states is the rate."""
    data = under(deal_data, law)
    data["budget"]["late_interest_percent"] = 4
    text = clause_of(draft_md(write_deal, data), "Late payment")
    assert "higher of" not in text and "at 4% a year above" in text


@pytest.mark.parametrize(("section", "stem"), [("budget", "acme-globex-technology"),
                                               ("payments", "brightpath-lumen-referral-alliance")])
def test_an_english_margin_too_low_to_be_a_substantial_remedy_is_warned_of(write_deal, section, stem):
    """Sections 8 and 9 of the Late Payment of Commercial Debts (Interest) Act 1998: a contractual remedy that is not
    substantial is void and statutory interest (8% above Bank Rate) applies. A margin of 1% drafted without a word."""
    from termsmith import api

    data = example(stem)
    data[section]["late_interest_percent"] = 1
    warnings = [w for w in api.check(write_deal(data)).warnings if w.path == f"{section}.late_interest_percent"]
    assert len(warnings) == 1 and "substantial remedy" in warnings[0].message
    data[section]["late_interest_percent"] = 4
    assert not [w for w in api.check(write_deal(data)).warnings if "substantial remedy" in w.message]
    data = under(data, "Singapore")
    data[section]["late_interest_percent"] = 1
    assert not [w for w in api.check(write_deal(data)).warnings if "substantial remedy" in w.message]


# ── 2: a Dutch source code escrow ─────────────────────────────────────────────────────────────────────
def test_a_dutch_escrow_licence_is_granted_at_signing_and_released_when_the_curator_declines_to_perform(write_deal):
    """hudson-cobalt under Dutch law: the deposit was released on an Insolvency Event, on Cobalt stopping support or
    on an unremedied Material Breach, and the right to use it arose only on release. A bankruptcy trustee (curator)
    may decline to perform the Agreement (article 37 of the Bankruptcy Act), and a right that arises only because of
    the bankruptcy is exposed as the German one was."""
    data = under(example("hudson-cobalt-technology-us"), "Netherlands")
    text = clause_of(draft_md(write_deal, data), "Source code escrow")
    assert ("or if support that is due is not provided within 30 days after notice from the other Party, for any "
            "reason, including a bankruptcy trustee (curator) declining to perform this Agreement. Each of those "
            "grounds for release applies independently of the others.") in text
    assert "Cobalt grants the other Party, with effect from the Effective Date and subject only to the release" in text
    assert "insolvency administrator" not in text


# ── 5: the deal model says what a German deal may ask ───────────────────────────────────────────────────
def test_the_non_solicitation_period_description_names_the_german_limit():
    """`check` refuses a German non-solicitation period over 24 months (2.6.0), but the field's description, which
    an editor shows as the deal is typed, did not say so."""
    import json

    from termsmith.scaffold import schema_text

    from .conftest import EXAMPLES

    for schema in (json.loads(schema_text()), json.loads((EXAMPLES / "deal.schema.json").read_text(encoding="utf-8"))):
        text = json.dumps(schema)
        assert "under German law at most 24" in text


# ── 3: a joint venture non-compete ends with the Party's control of the Company ────────────────────────
@pytest.mark.parametrize("law", ["California", "Germany", "Singapore"])
def test_a_jv_non_compete_binds_a_party_only_while_it_is_a_party_and_holds_shares(write_deal, law):
    """"While it holds shares in the Company" bound a Party for whom the Agreement had ended (a departing Party whose
    shares nobody bought) and who no longer had the reserved matters' say over the Company: under EU competition
    law a non-compete binding a parent without (joint) control is no ancillary restraint, and under California law
    the restraint the rule of reason allows between businesses (Ixchel v. Biogen, 2020) is one that serves a
    continuing relationship, not one that outlives it."""
    md = draft_md(write_deal, under(example("tri-harbor-joint-venture"), law))
    text = clause_of(md, "No competition with the joint venture")
    assert text.startswith(" No competition with the joint venture.** While it is a party to this Agreement and "
                           "holds shares in the Company, no Party may carry on")


# ── own reading: a US cap and gross negligence or willful misconduct ──────────────────────────────────
@pytest.mark.parametrize("law", ["New York", "California", "Delaware"])
@pytest.mark.parametrize("stem", ["meridian-opscloud-managed-service", "northwind-resellers-reseller"])
def test_a_us_cap_does_not_reach_loss_caused_by_gross_negligence_or_willful_misconduct(write_deal, law, stem):
    """The excluded losses left out "loss caused by a Party's gross negligence, willful misconduct or willful
    abandonment of this Agreement", but the limit of liability reached it: New York courts do not enforce a limit of
    liability against grossly negligent or intentional wrongdoing (Sommer v. Federal Signal, 1992), and US practice
    leaves that loss outside the cap as well as outside the exclusions."""
    md = draft_md(write_deal, under(example(stem), law))
    assert ("(c) loss caused by a Party’s gross negligence, willful misconduct or willful abandonment of this "
            "Agreement;") in clause_of(md, "Unlimited liability")
    english = draft_md(write_deal, under(example(stem), "Singapore"))
    assert "wilful default" not in clause_of(english, "Unlimited liability")


# ── own reading: a managed service for two customers, step-in and benchmarking ───────────────────────
def _two_paying_customers() -> dict:
    data = two_customers()
    stream = copy.deepcopy(data["payments"]["streams"][0])
    stream.update(id="thirdco-charge", payer="third", amount=40000)
    data["payments"]["streams"].append(stream)
    return data


def test_each_customer_may_step_in_for_its_own_services(write_deal):
    """"then Meridian and Thirdco may, by notice, take over the affected part of the Managed Services themselves"
    read as a right the two could use only together, so an emergency threatening Meridian's business waited on
    Thirdco; and the Step-In ended only when both were satisfied."""
    text = clause_of(draft_md(write_deal, _two_paying_customers()), "Step-in")
    assert ("then each of Meridian and Thirdco may, by notice, take over the affected part of the Managed Services "
            "provided to it, itself or through a third party it appoints") in text
    assert "A Step-In ends when the Party that made it is reasonably satisfied" in text
    one = clause_of(draft_md(write_deal, example("meridian-opscloud-managed-service")), "Step-in")
    assert "then Meridian may, by notice, take over the affected part of the Managed Services itself" in one
    assert "A Step-In ends when Meridian is reasonably satisfied" in one


@pytest.mark.parametrize("outcome", ["reduce", "negotiate"])
def test_each_customer_may_start_a_benchmark_and_pays_for_the_one_it_starts(write_deal, outcome):
    """"Meridian and Thirdco may have the Charges compared … Meridian and Thirdco bear the fees of the Benchmarker"
    left open whether one customer could start a Benchmark, and in what shares the fees fell."""
    data = _two_paying_customers()
    data["scope"]["managed_service"]["benchmarking"]["outcome"] = outcome
    if outcome == "negotiate":
        del data["scope"]["managed_service"]["benchmarking"]["max_reduction_percent"]
    text = clause_of(draft_md(write_deal, under(data, "Singapore")), "Benchmarking")
    assert text.startswith(" Benchmarking.** Meridian or Thirdco may have the Charges compared")
    assert "must not disclose the costs or margins of OpsCloud to Meridian or Thirdco." in text
    assert "The Party that starts a Benchmark bears the fees of the Benchmarker." in text
    assert "Meridian and Thirdco bear" not in text
    if outcome == "negotiate":
        assert "each of Meridian and Thirdco may terminate this Agreement by notice" in text
    one = clause_of(draft_md(write_deal, example("meridian-opscloud-managed-service")), "Benchmarking")
    assert one.startswith(" Benchmarking.** Meridian may have the Charges compared")
    assert "Meridian bears the fees of the Benchmarker." in one


# ── own reading: a reseller's late payment without a Budget ──────────────────────────────────────────
def _reseller_without_budget(resellers: int = 1) -> dict:
    data = example("northwind-resellers-reseller")
    del data["budget"]
    data["exit"]["transition"]["fees"] = "none"
    data["exit"]["transition"].pop("fixed_fee", None)
    if resellers == 2:
        add_party(data, 1, id="third", name="Thirdco Distribution B.V.", short_name="Thirdco")
    return data


@pytest.mark.parametrize(("law", "rate"), [
    ("New York", "the rate of interest prescribed by section 5004 of the New York Civil Practice Law and Rules, but "
                 "not more than the highest rate the law permits"),
    ("Singapore", "the rate of interest that applies to judgment debts under the law of Singapore")])
def test_a_reseller_invoice_paid_late_carries_interest_without_a_budget(write_deal, law, rate):
    """Without a Budget, the reseller paid the supplier's invoices "within 30 days after receiving it" and nothing
    followed a late payment: the late-payment clause belongs to the Budget, and since 2.5.0 every other payment
    between the Parties carries interest at the rate the governing law names."""
    text = clause_of(draft_md(write_deal, under(_reseller_without_budget(), law)), "Prices")
    assert (f"An undisputed amount of an invoice for the Products not paid when due carries interest from the due date "
            f"until the date of payment at {rate}. Interest accrues daily.") in text
    two = clause_of(draft_md(write_deal, under(_reseller_without_budget(2), law)), "Prices")
    assert "Each of Vanderlinde and Thirdco must pay each correct invoice that Northwind issues to it within 30 days" in two
    with_budget = clause_of(draft_md(write_deal, under(example("northwind-resellers-reseller"), law)), "Prices")
    assert "carries interest" not in with_budget  # the Budget's late payment clause covers it


# ── own reading: who insures the errors of a managed service ──────────────────────────────────────────
@pytest.mark.parametrize(("law", "cover"), [
    ("New York", "professional liability (errors and omissions) insurance"),
    ("Singapore", "professional indemnity insurance")])
def test_only_the_provider_of_a_managed_service_must_carry_professional_indemnity_insurance(write_deal, law, cover):
    """"Each Party must maintain … professional indemnity insurance covering its acts, errors and omissions in
    performing this Agreement" bound the customer, whose performance is paying the Charges and cooperating, to buy
    cover for professional errors it does not make."""
    text = clause_of(draft_md(write_deal, under(example("meridian-opscloud-managed-service"), law)), "Insurance cover")
    assert (f"(b) for OpsCloud only, {cover} covering its acts, errors and omissions in providing the Managed "
            "Services;") in text
    other = clause_of(draft_md(write_deal, under(example("northwind-resellers-reseller"), law)), "Insurance cover")
    assert f"(b) {cover} covering its acts, errors and omissions in performing this Agreement;" in other


# ── 2 (other systems): a US source code escrow ───────────────────────────────────────────────────────
@pytest.mark.parametrize("law", ["New York", "California", "Delaware"])
def test_a_us_escrow_licence_exists_before_any_bankruptcy_case(write_deal, law):
    """hudson-cobalt: the deposit was released on an Insolvency Event and the right to use it arose only on release.
    Section 365(n) of the Bankruptcy Code protects a licensee's rights "as such rights existed immediately before the
    case commenced", and a trustee may reject the Agreement; a right that springs up only on release, and a release
    that rests on the bankruptcy itself, are what a US licensee's counsel would not accept."""
    text = clause_of(draft_md(write_deal, under(example("hudson-cobalt-technology-us"), law)), "Source code escrow")
    assert ("or if support that is due is not provided within 30 days after notice from the other Party, for any "
            "reason, including a rejection of this Agreement under section 365 of title 11 of the United States Code. "
            "Each of those grounds for release applies independently of the others.") in text
    assert "Cobalt grants the other Party, with effect from the Effective Date and subject only to the release" in text
    assert ("The license is a license of intellectual property, and the escrow agreement is an agreement supplementary "
            "to it, for the purposes of section 365(n) of title 11 of the United States Code.") in text
    english = clause_of(draft_md(write_deal, under(example("hudson-cobalt-technology-us"), "England and Wales")),
                        "Source code escrow")
    assert "grants" not in english and "365(n)" not in english


# ── own reading: what a business hour is ──────────────────────────────────────────────────────────────
@pytest.mark.parametrize("law", ["New York", "Singapore"])
def test_a_target_in_business_hours_says_which_hours_count(write_deal, law):
    """meridian: "Resolution of Priority 2 incidents … at most 8 business hours", with support "at all times (24
    hours a day, 7 days a week)": "business hours" was defined nowhere, so the provider read 8 hours of a working day
    and the customer 8 hours of the clock. The notice clause's 09:00 to 17:00 on a Business Day now counts."""
    md = draft_md(write_deal, under(example("meridian-opscloud-managed-service"), law))
    assert ("A target stated in business hours counts only the hours from 09:00 to 17:00, local time, on a Business Day "
            "in the place where the relevant obligation is to be performed.") in md
    assert "at most 8 business hours" in md
    other = draft_md(write_deal, example("acme-globex-technology"))  # targets in hours only
    assert "business hours counts" not in other


# ── own reading: a business associate carrying out a customer's obligation ────────────────────────────
def test_the_business_associate_complies_with_the_privacy_rule_when_it_carries_out_a_customer_obligation(write_deal):
    """45 C.F.R. 164.504(e)(2)(ii)(H): a business associate contract must require the business associate, to the
    extent it carries out a covered entity's obligation under the privacy rule, to comply with the rule's
    requirements that apply to the covered entity in performing it. The list lacked that term."""
    text = clause_of(draft_md(write_deal, example("meridian-opscloud-managed-service")), "Protected health information")
    assert ("if done by Meridian, and comply with the privacy rule as it applies to Meridian when it carries out an "
            "obligation of Meridian under that rule;") in text
    two = clause_of(draft_md(write_deal, _two_paying_customers()), "Protected health information")
    assert ("if done by Meridian or Thirdco, and comply with the privacy rule as it applies to a customer when it "
            "carries out an obligation of that customer under that rule;") in two



@pytest.mark.parametrize("law", ["New York", "Delaware", "California"])
def test_a_us_draft_names_bodily_injury_not_the_english_personal_injury(write_deal, law):
    """Among the unlimited liabilities, US drafts say "bodily injury or death" (US "personal injury" reaches
    defamation and privacy harms); English drafts keep the words of the Unfair Contract Terms Act."""
    us = clause_of(draft_md(write_deal, under(example("hudson-cobalt-technology-us"), law)), "Unlimited liability")
    uk = clause_of(draft_md(write_deal, example("acme-globex-technology")), "Unlimited liability")
    assert "bodily injury or death caused by its negligence or that of its personnel" in us
    assert "personal injury" not in us
    assert "death or personal injury caused by its negligence or that of its personnel" in uk
