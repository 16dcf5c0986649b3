"""Plausibility warnings: a deal that validates and drafts, but that a reviewer should look at again.

Each warning is a located Problem with severity "warning": `termsmith check` prints it and still exits 0.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from collections.abc import Iterator, Sequence
from typing import Any

from termsmith.deal.model import Deal
from termsmith.deal.source import Path_, SourceMap
from termsmith.errors import Problem

# Countries whose companies are incorporated in a part of them, as addresses name the country.
_US = ("united states", "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
       "district of columbia", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas",
       "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi",
       "missouri", "montana", "nebraska", "nevada", "new hampshire", "new jersey", "new mexico", "new york",
       "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania", "rhode island",
       "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont", "virginia", "washington",
       "west virginia", "wisconsin", "wyoming")
# Countries whose companies are incorporated in a part of them: a Delaware corporation with an office in New York.
_PARTS = {
    "united kingdom": ("england", "wales", "scotland", "northern ireland", "united kingdom"),
    "uk": ("england", "wales", "scotland", "northern ireland", "united kingdom"),
    "united states": _US, "united states of america": _US, "usa": _US, "us": _US,
}
# A company name in free text: capitalised words ending in a legal form.
_COMPANY = re.compile(
    r"\b((?:[A-Z][\w&.-]*\s){0,3}[A-Z][\w&.-]*)\s(?:Ltd|Limited|plc|PLC|GmbH|AG|SE|Inc|LLC|LLP|B\.V\.|BV|N\.V\.|"
    r"S\.A\.|SA|SAS|S\.r\.l\.|Pte\.? Ltd|Corp|Corporation|Pty)\b")
_POSSESSIVE = re.compile(r"\b([A-Z][A-Za-z0-9&-]+)['’]s\b")


def plausibility_warnings(deal: Deal, src: SourceMap, systems: Sequence[Any] = (),
                          court_system: Any = None,
                          reference_rates: Sequence[tuple[str, str]] = ()) -> tuple[Problem, ...]:
    """Every plausibility warning for a valid deal, each located at the field concerned. `systems`: the library's
    legal systems (each with `id`, `name` and `facts`), `court_system` the one whose courts the deal names,
    `reference_rates` the rates the library names by currency."""
    found = [*_placeholders(deal, src), *_names_not_in_the_deal(deal, src), *_raci(deal, src),
             *_addresses(deal, src), *_unused_credits(deal, src), *_unstated_data_roles(deal, src),
             *_escalation_roles(deal, src), *_arbitration_rules(deal, src), *_court_venue(deal, src, systems, court_system),
             *_unnamed_rate(deal, src, reference_rates), *_sla_reports_within_a_period(deal, src)]
    return tuple(replace(p, severity="warning") for p in found)


def _placeholders(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    from termsmith.deal.placeholders import placeholders

    for path, text in placeholders(deal):
        yield src.problem(path, f"“{text}” is a placeholder (written by termsmith new): give the deal's real value "
                                "before the draft goes out", code="placeholder")


def _free_text(deal: Deal) -> Iterator[tuple[Path_, str]]:
    yield ("deal", "purpose"), deal.deal.purpose
    for i, resp in enumerate(deal.roles.responsibilities):
        for j, duty in enumerate(resp.duties):
            yield ("roles", "responsibilities", i, "duties", j), duty
    for i, row in enumerate(deal.roles.raci or []):
        yield ("roles", "raci", i, "activity"), row.activity
    if deal.governance:
        for i, kpi in enumerate(deal.governance.kpis):
            yield ("governance", "kpis", i, "name"), kpi.name
    if deal.slas:
        for i, metric in enumerate(deal.slas.metrics):
            yield ("slas", "metrics", i, "description"), metric.description


def _names_not_in_the_deal(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    known = set()
    for party in deal.parties:
        known.add(party.short_name.lower())
        known.update(word.lower() for word in re.findall(r"[\w&-]+", party.name))
    if deal.scope.joint_venture and deal.scope.joint_venture.vehicle:
        known.update(word.lower() for word in re.findall(r"[\w&-]+", deal.scope.joint_venture.vehicle.name))
    known.update(p.lower() for p in deal.scope.products for p in re.findall(r"[\w&-]+", p))
    for path, text in _free_text(deal):
        for match in _COMPANY.finditer(text):
            if not any(w.lower() in known for w in match.group(1).split()):
                yield src.problem(path, f"names '{match.group(0)}', which is not a party to this deal", code="unknown-name")
        for match in _POSSESSIVE.finditer(text):
            name = match.group(1)
            if name.lower() not in known and name not in _COMMON_POSSESSIVES:
                yield src.problem(path, f"names '{name}', which is not a party's name or short name", code="unknown-name")


# Capitalised words that often stand before "'s" without naming a company.
_COMMON_POSSESSIVES = frozenset({"Party", "Customer", "Supplier", "Reseller", "Provider", "Company", "Agreement",
                                 "Partner", "Today", "Year", "World", "Europe", "Government"})


def _named(deal: Deal, party_id: str) -> str:
    """A party as people read it (its short name), not as the deal file's id."""
    return next((p.short_name for p in deal.parties if p.id == party_id), party_id)


def _raci(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    for i, row in enumerate(deal.roles.raci or []):
        path: Path_ = ("roles", "raci", i)
        if row.responsible in row.consulted:
            yield src.problem((*path, "consulted"), f"{_named(deal, row.responsible)} is both Responsible and Consulted for "
                                                    f"'{row.activity}': a party is not consulted about its own work",
                              code="raci")
        if row.accountable in row.informed:
            yield src.problem((*path, "informed"), f"{_named(deal, row.accountable)} is both Accountable and Informed for "
                                                   f"'{row.activity}': the accountable party decides, it is not informed",
                              code="raci")


def _country(address: str) -> str:
    last = address.rsplit(",", 1)[-1]
    last = re.sub(r"[\d-]+", " ", last).strip().lower()
    return re.sub(r"^the\s+", "", last)


@functools.cache  # the same names for every deal: read once, not on every draft's notes
def _countries() -> frozenset[str]:
    """Names an address ends with when it ends with a country (Babel's English names of territories, and the parts
    of the United Kingdom): only then is it compared with the place of incorporation."""
    from babel import Locale

    names = {name.lower() for name in Locale.parse("en").territories.values()}
    return frozenset({*names, *_PARTS, "england", "wales", "scotland", "northern ireland"})


def _addresses(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    for i, party in enumerate(deal.parties):
        country = _country(party.address)
        jurisdiction = party.jurisdiction.lower()
        if not country or "," not in party.address:
            continue
        if country not in _countries():  # '…, London' or '…, Wilmington, DE': a town or a state, not a country
            continue
        names = _PARTS.get(country, (country,))
        if not any(name in jurisdiction for name in names) and re.sub(r"^the\s+", "", jurisdiction) not in country:
            yield src.problem(("parties", i, "address"),
                              f"the address is in {party.address.rsplit(',', 1)[-1].strip()}, but {party.short_name} is "
                              f"incorporated in {party.jurisdiction}: check the registered office", code="address")


def _unused_credits(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    from termsmith.draft.facts import charge_ids, paid_parties, service_provider

    if deal.slas is None:
        return
    paid = paid_parties(deal)
    budgeted = deal.deal.kind == "managed_service" and not charge_ids(deal)
    payees = {s.payee for s in (deal.payments.streams if deal.payments is not None else ())}
    for i, metric in enumerate(deal.slas.metrics):
        if not metric.credits or metric.provider in paid:
            continue
        name = _named(deal, metric.provider)
        if budgeted and metric.provider == service_provider(deal):
            why = (f"the Managed Services are paid through the budget, which shares {name}'s costs and sets no price, "
                   "so these credit tiers are not used (a Service Credit is a price adjustment and needs Charges to "
                   "reduce): state the Charges as a service_charge payment under payments.streams to have Service "
                   "Credits; the draft provides a remedy plan and escalation instead")
        elif deal.deal.kind == "reseller" and metric.provider == deal.parties[0].id:
            why = (f"{name} is paid only the price of the Products the resellers buy, which is no price for this "
                   "service, so these credit tiers are not used (a Service Credit is a price adjustment and needs "
                   "charges for the service to reduce, and a share of Product purchases is out of scale with a "
                   "service failure): state a payment for the service (a service_charge) under payments.streams to "
                   "have Service Credits; the draft provides a remedy plan and escalation instead")
        elif metric.provider in payees:
            why = (f"{name} is paid only a referral fee or commission, which rewards sales or introductions and is no "
                   "price for this service, so these credit tiers are not used (a Service Credit is a price adjustment "
                   "and needs charges for the service to reduce): state a payment for the service (a service_charge, "
                   "licence_fee or royalty) to have Service Credits; the draft provides a remedy plan and escalation "
                   "instead")
        else:
            why = (f"no party pays {name} for this service, so these credit tiers are not used: the draft provides a "
                   "remedy plan and escalation instead")
        yield src.problem(("slas", "metrics", i, "credits"), why, code="credits")


_MONTHS = {"monthly": 1, "quarterly": 3, "semi_annual": 6, "annual": 12}


def _sla_reports_within_a_period(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    """A report due more often than a Measurement Period ends covers part of one: it cannot show that period's
    performance, failures or Service Credits, which the reporting clause asks of every report."""
    if deal.slas is None or _MONTHS[deal.slas.reporting] >= _MONTHS[deal.slas.measurement_period]:
        return
    period = deal.slas.measurement_period
    yield src.problem(("slas", "reporting"), (
        f"{deal.slas.reporting} reports with a {period} Measurement Period: each report must show every Measurement "
        "Period's performance and Service Credits, known only once the period has ended, so a report due before "
        f"then cannot; report {period} (or less often), or make the Measurement Period {deal.slas.reporting}"),
        code="sla-reporting")


def _unstated_data_roles(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    if deal.data_protection is None and deal.options.personal_data is None:
        yield src.problem(("data_protection",), (
            "the deal states no roles for personal data, so the draft allows none to be shared until the parties "
            "agree its roles in writing: list each flow under data_protection.flows (a party that hosts or supports "
            "personal data for another is usually its processor)"), code="data-roles")


def _escalation_roles(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    for i, level in enumerate(deal.conflict_resolution.escalation):
        if not level.representatives and re.search(r"\s(?:and|or|&)\s|/", level.level):
            yield src.problem(("conflict_resolution", "escalation", i, "level"), (
                f"'{level.level}' names more than one role, and the draft reads it as 'the {level.title} of each "
                "Party': if each party sends a different person, give their titles under `representatives`"),
                code="escalation")


def _arbitration_rules(deal: Deal, src: SourceMap) -> Iterator[Problem]:
    """Arbitration rules given by a short name termsmith does not know: the draft can only say "the
    arbitration rules of X" and let X appoint, which may not be what those rules are called or who appoints."""
    cr = deal.conflict_resolution
    arbitration = cr.arbitration if cr.final == "arbitration" else None
    if arbitration is None or arbitration.known or "rules" in arbitration.rules.lower():
        return
    yield src.problem(("conflict_resolution", "arbitration", "rules"), (
        f"'{arbitration.rules}' is not a set of arbitration rules termsmith knows by name (such as LCIA, ICC, SIAC, "
        f"DIS, NAI, AAA, ICDR, JAMS, UNCITRAL), so the draft says “{arbitration.rules_title}” and has "
        f"{arbitration.institution} appoint the arbitrators: give the rules' full name, e.g. 'Arbitration Rules of "
        "the Finland Arbitration Institute'"), code="arbitration-rules")



def _place(name: str) -> str:
    text = " ".join(re.sub(r"[^\w]+", " ", name.casefold()).split())
    return re.sub(r"^(?:the|city of) ", "", text)


def _venues(system: Any) -> frozenset[str]:
    """The places where a legal system's courts sit, as library.yaml lists them (fact `venues`)."""
    return frozenset(_place(v) for v in dict(system.facts).get("venues", ()) or ())


def _court_venue(deal: Deal, src: SourceMap, systems: Sequence[Any], court_system: Any) -> Iterator[Problem]:
    """A venue where the courts of another legal system sit ("New Castle County" for the courts of California,
    "London" for the courts of Germany): the forum clause sends proceedings to courts that do not sit there.
    Only a venue the library lists for another system is flagged; one it does not know is left alone."""
    courts = deal.conflict_resolution.courts
    if deal.conflict_resolution.final != "courts" or courts is None or court_system is None:
        return
    parts = {_place(courts.venue), *(_place(p) for p in courts.venue.split(","))} - {""}
    if parts & _venues(court_system):
        return
    other = next((s for s in systems if s.id != court_system.id and parts & _venues(s)), None)
    if other is None:
        return
    yield src.problem(("conflict_resolution", "courts", "venue"), (
        f"'{courts.venue}' is a venue of the courts of {other.name}, not of the courts of {court_system.name} that "
        f"the deal names, so the draft sends proceedings to courts that do not sit there: name a venue of the "
        f"courts of {court_system.name}, or set conflict_resolution.courts.legal_system: {other.id} if the Parties "
        f"chose the courts of {other.name}"), code="venue")


def _unnamed_rate(deal: Deal, src: SourceMap, reference_rates: Sequence[tuple[str, str]]) -> Iterator[Problem]:
    """A late-payment margin in a currency whose reference rate the library does not name: the draft adds it to
    "the main policy interest rate of the central bank that issues" the currency, which not every central bank has
    (the Monetary Authority of Singapore sets none). Only for a library that names rates at all."""
    named = {currency for currency, _ in reference_rates}
    if not named:
        return
    stated = []
    if deal.budget is not None and deal.budget.late_interest_percent is not None:
        stated.append((("budget", "late_interest_percent"), deal.budget.currency))
    if deal.payments is not None and deal.payments.late_interest_percent is not None:  # (only without a Budget)
        stated.append((("payments", "late_interest_percent"), deal.payments.currency))
    for path, currency in stated:
        if currency and currency not in named:
            yield src.problem(path, (
                f"the library names no reference rate for {currency} (it does for {', '.join(sorted(named))}), so "
                "the draft adds this margin to \"the main policy interest rate of the central bank that issues "
                f"{currency}\": "
                "make sure that central bank publishes one such rate, or have the library name the rate under "
                "reference_rates in library.yaml"), code="reference-rate")
