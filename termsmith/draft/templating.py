"""The one sandboxed Jinja2 environment for clause text, with the house-style filters."""

from __future__ import annotations

import calendar
import contextvars
import datetime as dt
import decimal
import functools
import hashlib
import re
import sys
from dataclasses import dataclass
from types import CodeType
from typing import Any

from jinja2 import Undefined, pass_context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup
from pydantic import BaseModel

from termsmith.cachedir import bytecode_cache, written
from termsmith.deal.fields import clause_sections
from termsmith.draft.facts import cap_basis, charge_ids, money_flows, paid_parties, service_provider
from termsmith.draft.sandbox import CODE_GENERATION, ClauseSandbox, MissingValue, readable_names

STYLE_KEY = "house_style_"


class MdSafe(str):
    """Markdown that termsmith itself generated (cross-references, definitions): printed as is."""


# Quotes too: escaped, they stay straight (smart quotes apply to clause wording, not to names).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&^$'\"])")


class LibraryText(str):
    """Text the library wrote (a legal system's facts): escaped like a value, but never re-cased as one."""


# The multi-word defined terms of the draft being composed: a value from the deal that writes one in other
# capitals ("Alliance managers", "the combined offering") prints it as the draft defines it. None outside compose.
_TERM_CASE: contextvars.ContextVar[_TermCase | None] = contextvars.ContextVar("termsmith_term_case", default=None)


class terms_cased:
    """`with terms_cased(terms):` deal values printed meanwhile take the capitals of these defined terms."""

    def __init__(self, terms) -> None:
        self.case = _term_case(frozenset(t for t in terms if " " in t.strip()))

    def __enter__(self) -> None:
        self.token = _TERM_CASE.set(self.case)

    def __exit__(self, *exc: object) -> None:
        _TERM_CASE.reset(self.token)


class _TermCase:
    """The forms of a draft's multi-word terms (lower-cased → as defined) and one pattern finding them.
    Compared by identity: one per set of terms (`_term_case`), so that it can key `_escaped`."""

    def __init__(self, pattern: re.Pattern[str], forms: dict[str, str]) -> None:
        self.pattern, self.forms = pattern, forms

    def recase(self, text: str) -> str:
        """The text with every one of these terms written as defined."""
        return self.pattern.sub(lambda m: self.forms[m.group().casefold()], text)


@functools.lru_cache(maxsize=64)
def _term_case(terms: frozenset[str]) -> _TermCase | None:
    forms: dict[str, str] = {}
    for term in sorted(terms):
        forms.setdefault(term.casefold(), term)
        if not term.endswith("s"):
            forms.setdefault(term.casefold() + "s", term + "s")
    if not forms:
        return None
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return _TermCase(re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE), forms)


def md_escape(value: object) -> str:
    """Make a value print literally in Markdown: it is data, never markup.

    Clause text the template itself produced is passed through: termsmith's markers (MdSafe) and
    what the author marked `| safe`, such as the output of a macro (already escaped inside it).
    """
    if type(value) is str:  # most of what clause text prints
        return _escaped(value, _TERM_CASE.get())
    if isinstance(value, (MdSafe, Markup)):
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        return _escaped(value, None if isinstance(value, LibraryText) else _TERM_CASE.get())
    if isinstance(value, (BaseModel, list, tuple, dict, set, frozenset)):
        raise TypeError(f"{_printed(value)} cannot be printed into clause text: print one of its fields "
                        "(e.g. party(id).short_name), or join a list (join_and)")
    return _escaped(_plain(value), None)


@functools.lru_cache(maxsize=32_768)  # a draft prints the same deal values again and again, as do the drafts after it
def _escaped(text: str, case: _TermCase | None) -> str:
    """`text` re-cased in `case`'s terms (when given) and escaped for Markdown (`md_escape`)."""
    if case is not None:
        text = case.recase(text)
    text = text.replace("\ue000", "").replace("\ue001", "")  # termsmith's marker characters (see mdparse)
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _printed(value: object) -> str:
    if isinstance(value, BaseModel):
        return f"a record ({type(value).__name__})"
    return "a mapping" if isinstance(value, dict) else "a list"


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class HouseStyle:
    """How numbers, money and dates are written in one draft."""

    locale: str = "en_GB"
    numbers: str = "figures"  # figures | words
    currency: str | None = None


# ── numbers ────────────────────────────────────────────────────────────────────────────────
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """English words for a whole number below one billion (house style 'thirty (30) days')."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " and " + number_words(rest))
    for size, word in ((1_000_000, "million"), (1000, "thousand")):
        if n >= size:
            rest = n % size
            joiner = "" if rest == 0 else (" and " if rest < 100 else " ")
            return number_words(n // size) + " " + word + joiner + ("" if rest == 0 else number_words(rest))
    raise ValueError(n)


def _style(ctx) -> HouseStyle:
    return ctx.get(STYLE_KEY) or HouseStyle()


def _count(ctx, value: Any, singular: str, plural: str) -> str:
    number = _as_number(value)
    unit = singular if number == 1 else plural
    figure = _decimal(number, _style(ctx).locale)
    if _style(ctx).numbers == "words" and float(number).is_integer() and 0 <= number < 1_000_000_000:
        return f"{number_words(int(number))} ({figure}) {unit}"
    return f"{figure} {unit}"


def _defined(value: Any) -> Any:
    """A missing value reaching a filter is reported as the undefined name it is."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return value


def _as_number(value: Any) -> float | int:
    _defined(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {value!r}")
    return int(value) if float(value).is_integer() else value


@functools.lru_cache(maxsize=512)
def _decimal(number: float, locale: str, fraction: int | None = None) -> str:
    """`number` in the locale's figures: with exactly `fraction` decimals, or with up to three (`None`)."""
    from babel.numbers import format_decimal

    pattern = "#,##0.###" if fraction is None else "#,##0" + ("." + "0" * fraction if fraction else "")
    return format_decimal(number, format=pattern, locale=locale)


@functools.lru_cache(maxsize=64)
def minor_digits(currency: str) -> int:
    """The decimals an amount in `currency` is written with (its minor unit): 2 for EUR, 0 for JPY, 3 for KWD;
    2 for a code the currency data does not know."""
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency)


def decimals(amount: float) -> int:
    """How many decimals `amount` was written with (2.5 → 1, 1e14 → 0)."""
    exponent = decimal.Decimal(repr(float(amount))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def money_figure(amount: float, currency: str, locale: str) -> str:
    """An amount of `currency` in figures: whole amounts without decimals (EUR 1,000), others with the currency's
    minor unit (EUR 2.50, KWD 2.500), rounded half up to it (JPY 333 for a third of 1,000 yen)."""
    digits = minor_digits(currency)
    rounded = decimal.Decimal(repr(float(amount))).quantize(decimal.Decimal(1).scaleb(-digits), decimal.ROUND_HALF_UP)
    whole = rounded == rounded.to_integral_value()
    return _decimal(rounded, locale, fraction=0 if whole else digits)


def _counter(singular: str, plural: str):
    @pass_context
    def fmt(ctx, value):
        return _count(ctx, value, singular, plural)

    return fmt


@pass_context
def number(ctx, value):
    return _decimal(_as_number(value), _style(ctx).locale)


@pass_context
def money(ctx, value, currency: str | None = None):
    code = currency or _style(ctx).currency
    if not code:
        raise ValueError("money needs a currency: the deal has no budget; pass one, e.g. money('EUR')")
    return f"{code} {money_figure(_as_number(value), code, _style(ctx).locale)}"


@pass_context
def percent(ctx, value):
    return f"{_decimal(_as_number(value), _style(ctx).locale)}%"


@pass_context
def date(ctx, value):
    if not isinstance(_defined(value), dt.date):
        raise TypeError(f"expected a date, got {value!r}")
    return format_date(value, _style(ctx).locale)


@functools.lru_cache(maxsize=256)
def format_date(value: dt.date, locale: str) -> str:
    """A date as the deal's locale writes it in prose: '1 January 2027' (en-GB), 'January 1, 2027' (en-US)."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format="long", locale=locale)


def add_days(value: dt.date, days: int) -> dt.date:
    return value + dt.timedelta(days=int(days))


def add_months(value: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    total = value.year * 12 + value.month - 1 + int(months)
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(value.day, last))


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` months starting on (and including) `start`: the day before the
    same day `months` later, or that month's last day where it has no such day (a month from 31 January
    ends on 28/29 February; a year from 29 February 2028 ends on 28 February 2029). The next period starts
    the day after, so consecutive periods counted from one start date never overlap or leave a gap."""
    same_day = add_months(start, months)
    return same_day if same_day.day < start.day else same_day - dt.timedelta(days=1)


def add_business_days(value: dt.date, days: int) -> dt.date:
    """The `days`-th weekday after `value` (Saturdays and Sundays skipped). Public holidays differ by the
    place of performance and are not known here, so the date this gives is never later than the real one."""
    current, left = value, int(days)
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def join_and(items, conjunction: str = "and") -> str:
    """['a', 'b', 'c'] → 'a, b and c'; cross-references in the list stay references."""
    items = list(items)
    if any(isinstance(i, MdSafe) for i in items):
        parts = [md_escape(i) for i in items]
        return MdSafe(parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {md_escape(conjunction)} {parts[-1]}")
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


_CADENCE = {"monthly": "every month", "quarterly": "every quarter", "semi_annual": "every six months",
            "annual": "every year", "milestone": "on each milestone"}
_CADENCE_ADJ = {"monthly": "monthly", "quarterly": "quarterly", "semi_annual": "half-yearly",
                "annual": "annual", "milestone": "milestone"}
_UNITS = {"percent": "percent", "minutes": "minutes", "hours": "hours", "business_hours": "business hours",
          "days": "days", "business_days": "Business Days"}


def _lookup(table: dict[str, str], what: str):
    def fmt(value):
        try:
            return table[value]
        except KeyError:
            raise ValueError(f"unknown {what} {value!r}") from None

    return fmt


def business_day_from(value: dt.date, parties) -> dt.date:
    """The date, or the next day that is a Business Day where every one of `parties` is (weekends and the
    public holidays of their jurisdictions, termsmith.businessdays)."""
    from termsmith.businessdays import business_day_from as first

    return first(value, [p.jurisdiction for p in parties])


@pass_context
def party(ctx, party_id):
    return ctx["party"](party_id).short_name


# Words a purpose written as an instruction ("Integrate …", "Jointly market …") starts with. A purpose that
# starts with one reads as what the Parties agree to do ("… is for the Parties to integrate …"); any other
# text is quoted as the Parties wrote it, so that no fragment is pasted into a sentence.
_PURPOSE_VERBS = frozenset("""
    access accelerate achieve acquire advertise appoint bring build co-brand co-develop co-market co-operate co-sell
    collaborate combine commercialise commercialize cooperate create deliver deploy design develop distribute
    enable enter establish expand explore extend finance form fund grow have help host identify implement improve
    integrate introduce invest launch leverage license licence maintain make manage manufacture market migrate
    modernise modernize offer open operate outsource partner pilot pool produce promote provide pursue reach refer
    research resell run sell serve set share sponsor supply support target test transform trial work
    jointly together collaboratively mutually
""".split())


def verb_phrase(value: Any) -> str:
    """Text written as an instruction, as a phrase that completes "to …" ('Integrate X.' → 'integrate X'),
    or "" when it does not start with a word the library knows as such a verb (a noun phrase, a sentence)."""
    text = " ".join(str(_defined(value)).split()).rstrip(".").strip()
    if text[:3].lower() == "to ":
        text = text[3:].lstrip()
    words = text.split(" ", 1)
    if not text or words[0].lower() not in _PURPOSE_VERBS:
        return ""
    first = words[0]
    if first[0].isupper() and (len(first) == 1 or not first[1:].isupper()):
        first = first[0].lower() + first[1:]
    return " ".join([first, *words[1:]])


FILTERS = {
    "days": _counter("day", "days"),
    "business_days": _counter("Business Day", "Business Days"),
    "months": _counter("month", "months"),
    "years": _counter("year", "years"),
    "hours": _counter("hour", "hours"),
    "number": number,
    "money": money,
    "percent": percent,
    "date": date,
    "add_days": add_days,
    "add_months": add_months,
    "add_business_days": add_business_days,
    "business_day_from": business_day_from,
    "period_end": period_end,
    "join_and": join_and,
    "cadence": _lookup(_CADENCE, "cadence"),
    "cadence_adj": _lookup(_CADENCE_ADJ, "cadence"),
    "unit": _lookup(_UNITS, "unit"),
    "party": party,
    "verb_phrase": verb_phrase,
}


# Code compiled (or loaded) in this process, by (template name, source checksum): a library cached on
# disk carries its templates' code with it, so a new process starts without reading one file per template.
_CODES: dict[tuple[str, str], CodeType] = {}
_TEMPLATES: dict[tuple[str, str], Any] = {}  # a Template keeps no state between renders: one per source
# Both are emptied when they pass this many entries: a long-running process (`termsmith mcp`, a library's
# many revisions in impact) meets ever new templates; a draft of 8,000 clauses needs about as many.
CODES_LIMIT = 65_536


def _checksum(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8")).hexdigest()


def codes_named(prefix: str) -> dict[tuple[str, str], CodeType]:
    """The compiled code of every template whose name starts with `prefix` (a library's root)."""
    return {key: code for key, code in _CODES.items() if key[0].startswith(prefix)}


def add_codes(codes: dict[tuple[str, str], CodeType]) -> None:
    _CODES.update(codes)


def compile_cached(source: str, name: str):
    """A Template for `source`: compiled once per process, and across processes through Jinja's bytecode
    cache (keyed by name and source checksum) or a cached library's code."""
    env = environment()
    key = (name, _checksum(source))
    code = _CODES.get(key)
    if code is None:
        cache = env.bytecode_cache
        # one entry per name and source: a name compiled with two sources in turn (a clause at the two library
        # revisions a redline compares, an override's literal and live text in absorb) would otherwise
        # replace the other's entry in every run and be compiled again each time
        bucket = cache.get_bucket(env, name, f"{name}@{key[1]}", source) if cache else None
        code = bucket.code if bucket else None
        if code is None:
            code = env.compile(source, name=name, filename=name)
            if bucket is not None:
                bucket.code = code
                try:
                    cache.set_bucket(bucket)
                    written("jinja")  # pruned every so many templates written
                except OSError:
                    pass  # a read-only cache only costs time
        if len(_CODES) >= CODES_LIMIT:
            _CODES.clear()
            _TEMPLATES.clear()
        _CODES[key] = code
    template = _TEMPLATES.get(key)
    if template is None:
        # the environment's globals themselves, not Jinja's default per-template ChainMap over them: no clause
        # adds globals of its own, and a ChainMap is walked key by key each time a render copies it
        template = _TEMPLATES[key] = env.template_class.from_code(env, code, env.globals, None)
    return template


def _filters_stamp() -> str:
    """What compiled clause code depends on besides its source: termsmith's version, how the sandbox compiles
    (`CODE_GENERATION`), for each filter whether it is given the context (Jinja decides that when it compiles a
    template), and the Python version (bytecode of another is refused, so two Pythons sharing one entry
    would each replace it at every draft)."""
    from termsmith import __version__

    shape = sorted((name, str(getattr(f, "jinja_pass_arg", ""))) for name, f in FILTERS.items())
    made = (__version__, CODE_GENERATION, shape, sys.version_info[:2])
    return hashlib.sha1(repr(made).encode("utf-8")).hexdigest()[:12]


@functools.lru_cache(maxsize=1)
def environment() -> ImmutableSandboxedEnvironment:
    """The sandbox every clause template and condition runs in (compiled templates are cached by callers)."""
    env = ClauseSandbox(
        undefined=MissingValue,
        finalize=md_escape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        bytecode_cache=bytecode_cache(_filters_stamp()),
    )
    env.filters.update(FILTERS)
    env.bound_filters()
    return env




JURISDICTION_KEY = "jurisdiction_"


def deal_context(deal, numbers: str = "figures", jurisdiction=None,
                 reference_rates: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """The names a clause template or condition sees: the sandbox's globals (`range`, `namespace`, …), the
    deal's sections (the validated models) and helpers.

    `jurisdiction` (`legal.Jurisdiction`): the legal system the deal is drafted under, which clause text
    reads as `legal_system` (and `court_system`, whose courts decide disputes, and `vehicle_system`, where a
    joint venture company is incorporated when the library knows that place; else the deal's system).
    `reference_rates`: the library's names of the rate a late-payment margin is added to, by currency
    (`reference_rates` in clause text)."""
    by_id = {p.id: p for p in deal.parties}

    def party_of(party_id):
        try:
            return by_id[party_id]
        except (KeyError, TypeError):
            raise ValueError(f"no party with id {party_id!r}") from None

    multi = len(deal.parties) > 2
    context: dict[str, Any] = {**environment().globals}
    context.update((name, getattr(deal, name)) for name in clause_sections(type(deal)))
    context.update(
        party=party_of,
        multi=multi,
        other_parties="the other Parties" if multi else "the other Party",
        all_parties="all Parties" if multi else "both Parties",
        effective_date=deal.deal.effective_date,
        money_flows=money_flows(deal),
        paid_parties=paid_parties(deal),
        cap_basis=cap_basis(deal),
        charge_ids=charge_ids(deal),
        service_provider=by_id[service_provider(deal)],
        service_customers=[p for p in deal.parties if p.id != service_provider(deal)],
        reference_rates={currency: LibraryText(rate) for currency, rate in reference_rates},
    )
    if jurisdiction is not None:
        context.update(legal_system=_library_text(jurisdiction.record()),
                       court_system=_library_text(jurisdiction.record(jurisdiction.court_system)),
                       vehicle_system=_library_text(jurisdiction.record(jurisdiction.vehicle_system)))
        context[JURISDICTION_KEY] = jurisdiction
        locale = jurisdiction.locale
    else:
        locale = deal.deal.language or "en-GB"
    context[STYLE_KEY] = HouseStyle(
        locale=locale.replace("-", "_"),
        numbers=numbers,
        currency=deal.budget.currency if deal.budget else (deal.payments.currency if deal.payments else None),
    )
    return context


def _library_text(facts):
    """A legal system's facts, their text marked as the library's own (not re-cased as a deal value)."""
    return type(facts)({k: LibraryText(v) if isinstance(v, str) else v for k, v in vars(facts).items()})


def field_value(context: dict[str, Any], dotted: str) -> object:
    """Follow a dotted field path through the context ('exit.insolvency' → True); None when absent."""
    value: object = context
    for part in dotted.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, (list, tuple)) and part.isdigit():
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, BaseModel):
            value = getattr(value, part) if part in readable_names(type(value)) else None
        else:
            value = getattr(value, part, None) if not part.startswith("_") else None
        if value is None:
            return None
    return value
