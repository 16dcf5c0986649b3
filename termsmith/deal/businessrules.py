"""The business rules of a deal: what its model's types cannot say (each party named once, shares that add up
to 100 %, a notice shorter than the period it ends, the fields a kind of deal needs …), each problem naming
the field it concerns. `validate` applies them to a deal its model has accepted."""

from __future__ import annotations

import decimal
import difflib
import re
import unicodedata
from collections.abc import Iterator

from termsmith.deal.fields import party_references
from termsmith.draft.facts import cap_basis, money_flows, service_provider
from termsmith.draft.templating import decimals, minor_digits, money_figure
from termsmith.deal.model import Deal
from termsmith.errors import Problem
from termsmith.deal.source import Path_, SourceMap

_MONTH_DAYS = 30


def business_problems(deal: Deal, src: SourceMap) -> list[Problem]:
    """Cross-field rules a schema cannot express, each naming the field it concerns."""
    out: list[Problem] = []
    for rule in _RULES:
        out.extend(rule(deal, src))
    return out


def _look(name: str) -> str:
    """How a name reads to a person: compatibility forms folded, case and spacing ignored."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _parties(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, party in enumerate(deal.parties):
        if party.id in seen:
            yield src.problem(("parties", i, "id"), f"party id '{party.id}' is declared twice (also parties[{seen[party.id]}])")
        seen.setdefault(party.id, i)
    for field in ("short_name", "name"):
        names = [_look(getattr(p, field)) for p in deal.parties]
        for i, party in enumerate(deal.parties):
            if names.count(names[i]) > 1:
                yield src.problem(("parties", i, field), f"{field.replace('_', ' ')} '{getattr(party, field)}' is used by "
                                                         "more than one party (or looks the same as another's)")
    declared = set(seen)
    for path, party_id in party_references(deal):  # every field the model marks as a party id
        if party_id not in declared:
            yield src.problem(path, _unknown_party(party_id, declared), code="unknown-party")


def _unknown_party(party_id: str, declared: set[str]) -> str:
    message = f"party '{party_id}' is not declared under parties"
    guess = difflib.get_close_matches(party_id, sorted(declared), n=1)
    return message + (f"; did you mean '{guess[0]}'?" if guess else f" (declared: {', '.join(sorted(declared))})")


def _shares(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    if deal.budget:
        yield from _hundred(deal.budget.cost_sharing, ("budget", "cost_sharing"), src, deal, "cost sharing")
        categories = deal.budget.categories
        if categories and abs(sum(c.amount for c in categories) - deal.budget.total) > 0.005:
            code = deal.budget.currency
            yield src.problem(("budget", "categories"), (
                f"the categories add up to {code} {money_figure(sum(c.amount for c in categories), code, 'en')}, not "
                f"to the budget total {code} {money_figure(deal.budget.total, code, 'en')}"))
        names = [_look(c.name) for c in categories]
        for i, category in enumerate(categories):
            if names.count(names[i]) > 1 and names.index(names[i]) < i:
                yield src.problem(("budget", "categories", i, "name"), f"category '{category.name}' is listed twice")
    jv = deal.scope.joint_venture
    if jv and jv.shares is not None:
        yield from _hundred(jv.shares, ("scope", "joint_venture", "shares"), src, deal, "joint venture shares")


def _hundred(shares: dict[str, float], path: Path_, src: SourceMap, deal: Deal, what: str) -> Iterator[Problem]:
    total = sum(shares.values())
    if abs(total - 100) > 1e-6:
        yield src.problem(path, f"shares add up to {total:g}, expected 100", code="shares")
    missing = [p.id for p in deal.parties if p.id not in shares]
    if missing:
        yield src.problem(path, f"every party must have a share in the {what}; missing: {', '.join(missing)}", code="shares")


def _metrics(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    if not deal.slas:
        return
    ids: set[str] = set()
    top_credit = 0.0
    for i, metric in enumerate(deal.slas.metrics):
        path: Path_ = ("slas", "metrics", i)
        if metric.id in ids:
            yield src.problem((*path, "id"), f"metric id '{metric.id}' is used twice")
        ids.add(metric.id)
        if metric.unit == "percent" and metric.target > 100:
            yield src.problem((*path, "target"), "a percentage target cannot exceed 100")
        yield from _tiers(metric, path, src)
        top_credit = max([top_credit, *(t.credit_percent for t in metric.credits)])
    chronic = deal.slas.chronic_failure
    if chronic.failures > chronic.periods:
        # a Service Level is measured once in each Measurement Period: it cannot fail more often than that
        where = ("slas", "chronic_failure", "failures")
        yield src.problem(where, f"{chronic.failures} failures cannot happen within {chronic.periods} consecutive "
                                 f"measurement period{'' if chronic.periods == 1 else 's'}: each Service Level is "
                                 "measured once a period, so no Chronic Failure could ever occur; give at most "
                                 f"{chronic.periods}, or more periods")
    if deal.slas.service_credit_cap_percent < top_credit:
        yield src.problem(
            ("slas", "service_credit_cap_percent"),
            f"the credit cap ({deal.slas.service_credit_cap_percent:g}%) is below the highest credit tier ({top_credit:g}%)",
        )


def _tiers(metric, path: Path_, src: SourceMap) -> Iterator[Problem]:
    side = "below" if metric.higher_is_better else "above"
    for j, tier in enumerate(metric.credits):
        if getattr(tier, side) is None:
            yield src.problem(
                (*path, "credits", j),
                f"a {metric.unit} metric's credit tiers use `{side}` ({'a shortfall' if side == 'below' else 'an overrun'} of the target)",
            )
            return
        threshold = getattr(tier, side)
        if (side == "below" and threshold > metric.target) or (side == "above" and threshold < metric.target):
            yield src.problem((*path, "credits", j, side), f"threshold {threshold:g} does not miss the target {metric.target:g}")
    ordered = sorted(metric.credits, key=lambda t: getattr(t, side), reverse=(side == "below"))
    for prev, tier in zip(ordered, ordered[1:]):
        if tier.credit_percent <= prev.credit_percent:
            j = metric.credits.index(tier)
            yield src.problem(
                (*path, "credits", j, "credit_percent"),
                "credit tiers must rise as performance falls: "
                f"{side} {getattr(tier, side):g} gives {tier.credit_percent:g}%, not more than {prev.credit_percent:g}% for {side} {getattr(prev, side):g}",
            )


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def _term(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    term = deal.term
    raw = src.positions
    if term.renewal != "automatic":
        for name in ("renewal_months", "non_renewal_notice_days"):
            if ("term", name) in raw:
                yield src.problem(("term", name), f"only used with renewal: automatic (renewal is {term.renewal})")
        return
    if term.non_renewal_notice_days >= term.renewal_months * _MONTH_DAYS:
        yield src.problem(
            ("term", "non_renewal_notice_days"),
            f"non-renewal notice ({_count(term.non_renewal_notice_days, 'day')}) must be shorter than the renewal period "
            f"({_count(term.renewal_months, 'month')})",
        )
    elif term.non_renewal_notice_days >= term.initial_months * _MONTH_DAYS:
        # the notice that stops the first renewal would be due before the Agreement starts: it renews whatever
        # the Parties then want
        stated = ("term", "non_renewal_notice_days") in raw
        yield src.problem(
            ("term", "non_renewal_notice_days") if stated else ("term", "initial_months"),
            f"non-renewal notice ({_count(term.non_renewal_notice_days, 'day')}{'' if stated else ', the default'}) "
            f"must be shorter than the Initial Term ({_count(term.initial_months, 'month')}): notice to stop its "
            "renewal would be due before the Effective Date",
        )


def _exit(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    tfc = deal.exit.termination_for_convenience
    path: Path_ = ("exit", "termination_for_convenience")
    if tfc.allowed and tfc.notice_days is None:
        yield src.problem((*path, "notice_days"), "required when termination for convenience is allowed")
    if not tfc.allowed and ((*path, "notice_days") in src.positions or (*path, "earliest_after_months") in src.positions):
        yield src.problem(path, "notice_days and earliest_after_months are only used when allowed: true")
    cure = deal.exit.termination_for_cause.cure_days
    if tfc.allowed and tfc.notice_days is not None and cure >= tfc.notice_days:
        yield src.problem(
            ("exit", "termination_for_cause", "cure_days"),
            f"the cure period ({cure} days) must be shorter than the convenience notice ({tfc.notice_days} days)",
        )
    if tfc.allowed and tfc.earliest_after_months > deal.term.initial_months and deal.term.renewal == "none":
        yield src.problem((*path, "earliest_after_months"), "is later than the end of the term, which does not renew")
    coc = deal.exit.change_of_control
    if not coc.terminable and ("exit", "change_of_control", "notice_days") in src.positions:
        yield src.problem(("exit", "change_of_control", "notice_days"), "only used when terminable: true")
    tr = deal.exit.transition
    if tr.fees == "fixed" and tr.fixed_fee is None:
        yield src.problem(("exit", "transition", "fixed_fee"), "required with fees: fixed")
    if tr.fees != "fixed" and tr.fixed_fee is not None:
        yield src.problem(("exit", "transition", "fixed_fee"), f"only used with fees: fixed (fees is {tr.fees})")
    if tr.fees == "fixed" and deal.budget is None:
        yield src.problem(("exit", "transition", "fees"), "a fixed fee needs a currency: give a budget section, or use fees: cost_plus or none")
    if len(set(deal.exit.survival)) != len(deal.exit.survival):
        yield src.problem(("exit", "survival"), "lists a topic more than once")


def _disputes(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    cr = deal.conflict_resolution
    path: Path_ = ("conflict_resolution",)
    if not cr.escalation:
        yield src.problem((*path, "escalation"), "the escalation ladder needs at least one level")
    committee = deal.governance is not None and deal.governance.steering_committee is not None
    for i, level in enumerate(cr.escalation):
        at: Path_ = (*path, "escalation", i)
        if _look(level.title) == "steering committee" and not committee:
            yield src.problem((*at, "level"), "names the Steering Committee, but the deal has none "
                                              "(governance.steering_committee): name another level or add the committee")
        missing = [p.id for p in deal.parties if p.id not in level.representatives]
        if level.representatives and missing:
            yield src.problem((*at, "representatives"), f"give the representative of every party at this level; "
                                                        f"missing: {', '.join(missing)}")
    if cr.final == "arbitration":
        if cr.arbitration is None:
            yield src.problem((*path, "arbitration"), "required with final: arbitration (rules, seat, arbitrators, language)")
        if cr.courts is not None:
            yield src.problem((*path, "courts"), "only used with final: courts (final is arbitration)")
    else:
        if cr.courts is None:
            yield src.problem((*path, "courts"), "required with final: courts (give courts: {venue: …})")
        if cr.arbitration is not None:
            yield src.problem((*path, "arbitration"), "only used with final: arbitration (final is courts)")


def _scope(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    for kind in ("reseller", "joint_venture", "managed_service", "strategic_alliance", "technology"):
        if getattr(deal.scope, kind) is not None and deal.deal.kind != kind:
            yield src.problem(("scope", kind), f"only used with deal.kind: {kind} (kind is {deal.deal.kind})")


def _liability(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    cap = deal.options.liability_cap
    path: Path_ = ("options", "liability_cap")
    basis = cap_basis(deal)
    if cap.multiple_of_annual_fees is None and cap.fixed_amount is None:
        yield src.problem(path, "give multiple_of_annual_fees, fixed_amount or both (the cap is then the greater of them)",
                          code="liability-cap")
    uses_basis = cap.multiple_of_annual_fees is not None or (cap.increased is not None and cap.increased.multiple is not None)
    if uses_basis and basis is None:
        given = (*path, "multiple_of_annual_fees") in src.positions
        yield src.problem((*path, "multiple_of_annual_fees") if given else path,
                          "no amounts are paid between the parties and there is no budget, so a cap measured on fees "
                          "would be nil: give " + ("fixed_amount (and multiple_of_annual_fees: null)" if given else
                                                   "options.liability_cap.fixed_amount and currency"), code="liability-cap")
    elif uses_basis and basis == "amounts_paid" and not money_flows(deal) and cap.fixed_amount is None:
        yield src.problem((*path, "basis"),
                          "no amounts are paid between the parties in this deal (a shared budget is only settled "
                          "between them), so a cap on amounts paid alone could be nil: add fixed_amount (the cap is "
                          "then the greater of the two) or use basis: budget_share", code="liability-cap")
    elif uses_basis and basis == "budget_share" and deal.budget is None:
        yield src.problem((*path, "basis"), "budget_share needs a budget section", code="liability-cap")
    elif uses_basis and basis == "budget_share" and cap.fixed_amount is None:
        nil = [p for p, share in deal.budget.cost_sharing.items() if share == 0]
        if nil:
            yield src.problem((*path, "multiple_of_annual_fees"),
                              (f"{nil[0]} bears no share of the budget, so its cap would be nil" if len(nil) == 1 else
                               f"{', '.join(nil[:-1])} and {nil[-1]} bear no share of the budget, so their caps "
                               "would be nil") + ": add fixed_amount",
                              code="liability-cap")
    fixed = cap.fixed_amount is not None or (cap.increased is not None and cap.increased.fixed_amount is not None)
    if fixed and cap.currency is None and deal.budget is None and deal.payments is None:
        yield src.problem((*path, "currency"), "required for a fixed amount when the deal has neither a budget nor "
                          "payments (their currency is the default)", code="liability-cap")
    if cap.currency is not None and deal.budget is not None and cap.currency != deal.budget.currency:
        yield src.problem((*path, "currency"), f"must be the budget currency ({deal.budget.currency})", code="liability-cap")
    yield from _increased_cap(cap, path, src)


def _increased_cap(cap, path: Path_, src: SourceMap) -> Iterator[Problem]:
    inc = cap.increased
    if inc is None:
        return
    if inc.multiple is None and inc.fixed_amount is None:
        yield src.problem((*path, "increased"), "give multiple, fixed_amount or both", code="liability-cap")
    if inc.multiple is not None and cap.multiple_of_annual_fees is not None and inc.multiple <= cap.multiple_of_annual_fees:
        yield src.problem((*path, "increased", "multiple"),
                          f"an increased cap must be higher than the general one ({cap.multiple_of_annual_fees:g} times)",
                          code="liability-cap")
    if inc.fixed_amount is not None and cap.fixed_amount is not None and inc.fixed_amount <= cap.fixed_amount:
        yield src.problem((*path, "increased", "fixed_amount"),
                          f"an increased cap must be higher than the general one ({cap.fixed_amount:g})", code="liability-cap")
    both = sorted(set(inc.claims) & set(cap.unlimited or []))
    if both:
        yield src.problem((*path, "unlimited"), f"{', '.join(both)} cannot be both unlimited and under the increased cap",
                          code="liability-cap")


def _payments(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    pay = deal.payments
    if pay is None:
        return
    path: Path_ = ("payments",)
    if deal.budget is None and pay.currency is None:
        yield src.problem((*path, "currency"), "required without a budget section (the currency of the payments)")
    if deal.budget is not None and pay.currency is not None and pay.currency != deal.budget.currency:
        yield src.problem((*path, "currency"), f"must be the budget currency ({deal.budget.currency}) or left out")
    if deal.budget is None and pay.payment_terms_days is None:
        yield src.problem((*path, "payment_terms_days"), "required without a budget section (days to pay an invoice)")
    if (deal.budget is not None and pay.payment_terms_days is not None
            and pay.payment_terms_days != deal.budget.payment_terms_days):
        yield src.problem((*path, "payment_terms_days"),
                          f"differs from budget.payment_terms_days ({deal.budget.payment_terms_days}), which applies to "
                          "every invoice under the agreement; leave it out or make them equal")
    if deal.budget is not None and pay.late_interest_percent is not None:
        yield src.problem((*path, "late_interest_percent"), "only used without a budget section (then budget.late_interest_percent applies)")
    if pay.reported and pay.statements is None:
        yield src.problem((*path, "statements"), "required: a payment depends on revenue, referrals or units the payer "
                                                 "must report (monthly, quarterly, semi_annual or annual)")
    seen: set[str] = set()
    for i, stream in enumerate(pay.streams):
        at: Path_ = (*path, "streams", i)
        if stream.id in seen:
            yield src.problem((*at, "id"), f"payment id '{stream.id}' is used twice")
        seen.add(stream.id)
        if stream.payer == stream.payee:
            yield src.problem((*at, "payee"), "a party cannot pay itself: payee must differ from payer")
        if (stream.percent is None) == (stream.amount is None):
            yield src.problem(at, "give exactly one of `percent` (of revenue) or `amount` (a fixed sum)")
        if stream.percent is not None and stream.revenue is None:
            yield src.problem((*at, "revenue"), "required with percent: the revenue the percentage is taken of")
        if stream.percent is None and stream.revenue is not None:
            yield src.problem((*at, "revenue"), "only used with percent")
        if stream.amount is not None and stream.per is None:
            yield src.problem((*at, "per"), "required with amount: referral, month, quarter, year or unit")
        if stream.amount is None and stream.per is not None:
            yield src.problem((*at, "per"), "only used with amount")
        if stream.per == "referral" and stream.type != "referral_fee":
            yield src.problem((*at, "per"), f"per: referral is only for a referral_fee (type is {stream.type})")
        if stream.type == "referral_fee" and stream.amount is not None and stream.per != "referral":
            yield src.problem((*at, "per"), "a referral fee as a fixed amount is paid per referral (per: referral)")
        if stream.in_advance and stream.per not in ("month", "quarter", "year"):
            yield src.problem((*at, "in_advance"), "only for a fixed amount per month, quarter or year")
        if stream.self_billing and not stream.reported:
            yield src.problem((*at, "self_billing"), "only for a payment the payer reports (a percentage of revenue, or "
                                                     "an amount per referral or per unit): the payer issues the invoice "
                                                     "with its statement, and a fixed amount has none")
        if stream.type == "referral_fee" and pay.referrals is None:
            yield src.problem((*path, "referrals"),
                              f"required with a referral_fee payment (payments.streams[{i}]): the referral criteria "
                              "and lead registration rules")
    if pay.tail_months is not None and not any(s.percent is not None for s in pay.streams):
        yield src.problem((*path, "tail_months"), "only used when a payment is a percentage of revenue")


_AMOUNT = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _joint_venture(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    if deal.deal.kind != "joint_venture":
        return
    jv = deal.scope.joint_venture
    if jv is None:
        yield src.problem(("deal", "kind"), "a joint venture needs scope.joint_venture: a vehicle (a company), or "
                                            "arrangement: cost_sharing or partnership for a contractual one")
        return
    path: Path_ = ("scope", "joint_venture")
    if jv.vehicle is None:
        if jv.arrangement is None:
            yield src.problem((*path, "arrangement"), "required without a vehicle: cost_sharing (no shared profits, no "
                                                      "partnership) or partnership (a partnership in law); "
                                                      "`termsmith check` explains both")
        for name in ("board", "transfers", "deadlock", "capital_calls", "default_discount_percent", "dividend_percent"):
            if getattr(jv, name) is not None:
                yield src.problem((*path, name), "only used with a vehicle (a joint venture company)")
        if jv.cash_contributions:
            yield src.problem((*path, "cash_contributions"), "only used with a vehicle: the parties of a contractual "
                                                             "joint venture share costs through the budget")
    else:
        if jv.arrangement is not None:
            yield src.problem((*path, "arrangement"), "only used without a vehicle (a company is not a partnership)")
        for name, what in (("board", "its board (directors, chair, meetings)"),
                           ("transfers", "the share transfer rules (lock-up, pre-emption, tag-along)"),
                           ("deadlock", "the deadlock resolution")):
            if getattr(jv, name) is None:
                yield src.problem((*path, name), f"required with a vehicle: {what}")
    if jv.board:
        missing = [p.id for p in deal.parties if p.id not in jv.board.directors]
        if missing:
            yield src.problem((*path, "board", "directors"), f"give every party's number of directors; missing: {', '.join(missing)}")
        if sum(jv.board.directors.values()) == 0:
            yield src.problem((*path, "board", "directors"), "the board needs at least one director")
        elif jv.board.chair != "rotating" and jv.board.directors.get(jv.board.chair, 0) == 0:
            yield src.problem((*path, "board", "chair"), f"'{jv.board.chair}' appoints no director, so it cannot appoint the chair from its directors")
    if jv.deadlock and jv.deadlock.resolution in ("russian_roulette", "texas_shoot_out") and len(deal.parties) != 2:
        yield src.problem((*path, "deadlock", "resolution"),
                          f"a {jv.deadlock.resolution} needs exactly two shareholders (the deal has {len(deal.parties)}); "
                          "use winding_up or status_quo")
    if jv.cash_contributions:
        missing = [p.id for p in deal.parties if p.id not in jv.cash_contributions]
        if missing and len(missing) < len(deal.parties):
            yield src.problem((*path, "cash_contributions"), f"every shareholder subscribes for its shares; missing: {', '.join(missing)}")
    if (jv.cash_contributions or jv.capital_calls) and jv.currency is None and deal.budget is None:
        yield src.problem((*path, "currency"), "required for cash contributions or capital calls when the deal has no budget")
    if jv.currency and deal.budget and jv.currency != deal.budget.currency:
        yield src.problem((*path, "currency"), f"must be the budget currency ({deal.budget.currency}) or left out")
    if jv.conditions and jv.long_stop_months is None:
        yield src.problem((*path, "long_stop_months"), "required with conditions: the months within which they must be met")
    if not jv.conditions and jv.long_stop_months is not None:
        yield src.problem((*path, "long_stop_months"), "only used with conditions")
    yield from _contributions_outside_budget(deal, jv, path, src)


def _contributions_outside_budget(deal: Deal, jv, path: Path_, src: SourceMap) -> Iterator[Problem]:
    """The same money must not be owed twice: once as a contribution and again as a share of the Budget."""
    if deal.budget is None:
        return
    budget = deal.budget
    for party_id, share in budget.cost_sharing.items():
        owed = round(budget.total * share / 100, 2)
        if owed <= 0:
            continue
        cash = jv.cash_contributions.get(party_id)
        if cash is not None and abs(cash - owed) < 0.005:
            yield src.problem((*path, "cash_contributions", party_id),
                              f"equals {party_id}'s share of the budget ({budget.currency} {owed:,.0f}): the same money "
                              "would be owed twice; the budget covers only costs the parties bear themselves")
        text = jv.contributions.get(party_id, "")
        for match in _AMOUNT.findall(text):
            if abs(float(match.replace(",", "")) - owed) < 0.005:
                yield src.problem((*path, "contributions", party_id),
                                  f"repeats {party_id}'s share of the budget ({budget.currency} {owed:,.0f}): the same "
                                  "money would be owed twice; give cash to the company in cash_contributions and keep "
                                  "the budget for costs the parties bear themselves")
                break


def _reseller(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    r = deal.scope.reseller
    if deal.deal.kind != "reseller":
        return
    if r is None:
        yield src.problem(("deal", "kind"), "a reseller deal needs scope.reseller: discount, ordering, delivery, "
                                            "warranty and sales reports (see `termsmith schema`)")
        return
    path: Path_ = ("scope", "reseller")
    if not deal.scope.products:
        yield src.problem(("scope", "products"), "a reseller deal must name the products the reseller may resell")
    if deal.scope.territory is None:
        yield src.problem(("scope", "territory"), "a reseller deal must name the territory of the appointment")
    if deal.exit.transition.customer_migration and r.customer_compensation_percent is None:
        yield src.problem((*path, "customer_compensation_percent"),
                          "required with exit.transition.customer_migration: a reseller buys and resells in its own "
                          "name, so its customers are handed over only against compensation")
    if not deal.exit.transition.customer_migration and r.customer_compensation_percent is not None:
        yield src.problem((*path, "customer_compensation_percent"), "only used with exit.transition.customer_migration: true")


def _managed_service(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    if deal.deal.kind != "managed_service":
        return
    ms = deal.scope.managed_service
    charged = deal.budget is not None or (deal.payments is not None and any(
        s.type == "service_charge" for s in deal.payments.streams))
    if not charged:
        yield src.problem(("payments",) if deal.payments else ("deal", "kind"),
                          "a managed service deal must state its charges: a service_charge payment (or a budget)")
    if ms is None:
        return
    path: Path_ = ("scope", "managed_service")
    if ms.provider is not None and ms.provider not in {p.id for p in deal.parties}:
        yield src.problem((*path, "provider"), _unknown_party(ms.provider, {p.id for p in deal.parties}), code="unknown-party")
    provider = service_provider(deal)
    if deal.payments:
        for i, s in enumerate(deal.payments.streams):
            if s.type == "service_charge" and s.payee != provider:
                yield src.problem(("payments", "streams", i, "payee"),
                                  f"service charges are paid to the provider of the services ({provider})")
    if ms.commencement_date is not None and ms.commencement_date < deal.deal.effective_date:
        yield src.problem((*path, "commencement_date"), "is before deal.effective_date")
    parties = {p.id for p in deal.parties}
    previous = None
    for i, step in enumerate(ms.onboarding):
        if ms.commencement_date is None:
            yield src.problem((*path, "onboarding"), "needs commencement_date: the date the services start in full, "
                                                     "after the onboarding")
            break
        if step.responsible is not None and step.responsible not in parties:
            yield src.problem((*path, "onboarding", i, "responsible"), _unknown_party(step.responsible, parties),
                              code="unknown-party")
        if step.date < deal.deal.effective_date:
            yield src.problem((*path, "onboarding", i, "date"), "is before deal.effective_date")
        elif step.date > ms.commencement_date:
            yield src.problem((*path, "onboarding", i, "date"),
                              f"is after commencement_date ({ms.commencement_date.isoformat()})")
        elif previous is not None and step.date < previous:
            yield src.problem((*path, "onboarding", i, "date"),
                              f"is before the date of the milestone above it ({previous.isoformat()}): list them in date order")
        previous = step.date
    if ms.acceptance_criteria and ms.acceptance_days is None:
        yield src.problem((*path, "acceptance_criteria"), "needs acceptance_days: how long the customer has to test")
    bench = ms.benchmarking
    if bench is not None:
        charged = deal.payments is not None and any(
            s.type == "service_charge" and s.payee == provider for s in deal.payments.streams)
        if not charged:
            yield src.problem((*path, "benchmarking"), "benchmarking needs charges to compare: a service_charge payment "
                                                       f"to the provider ({provider}) under payments.streams")
        if bench.max_reduction_percent is not None and bench.outcome != "reduce":
            yield src.problem((*path, "benchmarking", "max_reduction_percent"), "only used with outcome: reduce")
        if bench.every_months >= deal.term.initial_months and deal.term.renewal == "none":
            yield src.problem((*path, "benchmarking", "every_months"),
                              f"no benchmark could start before the Agreement ends: the term is "
                              f"{deal.term.initial_months} months")


def _alliance_and_technology(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    if deal.deal.kind == "strategic_alliance" and deal.scope.strategic_alliance is None:
        yield src.problem(("deal", "kind"), "a strategic alliance needs scope.strategic_alliance: whether the parties "
                                            "compete, and the brand approval and misuse cure periods")
    tech = deal.scope.technology
    if tech is not None and tech.escrow is not None and tech.escrow.depositor not in {p.id for p in deal.parties}:
        yield src.problem(("scope", "technology", "escrow", "depositor"),
                          _unknown_party(tech.escrow.depositor, {p.id for p in deal.parties}), code="unknown-party")


def _data_protection(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    dp = deal.data_protection
    if dp is None:
        return
    if deal.options.personal_data is not None:
        yield src.problem(("options", "personal_data"), (
            "give the roles for personal data in one place: data_protection.flows states them per data flow, so "
            "leave options.personal_data out"))
    for i, flow in enumerate(dp.flows):
        path = ("data_protection", "flows", i)
        if flow.from_ == flow.to:
            yield src.problem((*path, "to"), f"a data flow goes from one party to another ('{flow.to}' is also 'from')")
        if flow.role in ("controller_to_processor", "joint_controllers") and flow.purpose is None:
            yield src.problem((*path, "role"), (
                f"{flow.role} needs `purpose`: what the data is processed for, which the processor terms or the joint "
                "controller arrangement must state"))
        if flow.role == "controller_to_processor" and flow.subjects is None:
            yield src.problem((*path, "role"), (
                "controller_to_processor needs `subjects`: whose personal data it is, which the processor terms must "
                "state"))


def _library(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    if deal.library.require is None:
        return
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # only a deal that pins a library needs it

    try:
        SpecifierSet(deal.library.require)
    except InvalidSpecifier:
        yield src.problem(("library", "require"), f"'{deal.library.require}' is not a version constraint (e.g. '>=1.0,<2')")


def _amounts(deal: Deal) -> Iterator[tuple[Path_, float, str]]:
    """Every amount of money the deal states, with its path and the currency the draft writes it in."""
    style = deal.budget.currency if deal.budget else (deal.payments.currency if deal.payments else None)
    if deal.budget:
        yield ("budget", "total"), deal.budget.total, deal.budget.currency
        for i, category in enumerate(deal.budget.categories):
            yield ("budget", "categories", i, "amount"), category.amount, deal.budget.currency
    if deal.payments and style:
        for i, stream in enumerate(deal.payments.streams):
            if stream.amount is not None:
                yield ("payments", "streams", i, "amount"), stream.amount, style
    if deal.exit.transition.fixed_fee is not None and deal.budget:
        yield ("exit", "transition", "fixed_fee"), deal.exit.transition.fixed_fee, deal.budget.currency
    reseller = deal.scope.reseller
    if reseller and reseller.minimum_annual_commitment is not None and deal.budget:
        yield ("scope", "reseller", "minimum_annual_commitment"), reseller.minimum_annual_commitment, deal.budget.currency
    jv = deal.scope.joint_venture
    venture = jv and (jv.currency or (deal.budget.currency if deal.budget else None))
    if jv and venture:
        for party_id, cash in jv.cash_contributions.items():
            yield ("scope", "joint_venture", "cash_contributions", party_id), cash, venture
        if jv.capital_calls:
            yield ("scope", "joint_venture", "capital_calls", "cap"), jv.capital_calls.cap, venture
    cap = deal.options.liability_cap
    cap_currency = cap.currency or style
    if cap_currency:
        if cap.fixed_amount is not None:
            yield ("options", "liability_cap", "fixed_amount"), cap.fixed_amount, cap_currency
        if cap.increased and cap.increased.fixed_amount is not None:
            yield ("options", "liability_cap", "increased", "fixed_amount"), cap.increased.fixed_amount, cap_currency


def _minor_units(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    """An amount finer than its currency's smallest unit cannot be paid (JPY 2.50; KWD 2.5005)."""
    for path, amount, currency in _amounts(deal):
        digits = minor_digits(currency)
        if decimals(amount) > digits:
            unit = "no minor unit: give a whole amount" if digits == 0 else \
                f"{digits} decimal{'s' if digits > 1 else ''} at most"
            yield src.problem(path, f"{decimal.Decimal(repr(amount)):,f} has more decimals than {currency} allows ({unit})")


_RULES = (_parties, _shares, _metrics, _term, _exit, _disputes, _scope, _payments, _liability, _joint_venture,
          _reseller, _managed_service, _alliance_and_technology, _data_protection, _library, _minor_units)
