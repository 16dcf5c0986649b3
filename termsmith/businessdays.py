"""Which days are not Business Days where the parties are: weekends, and public holidays (`holidays`).

The key dates (termsmith.dates) and clause text (the `business_day_from` filter: a worked example never
gives a notice on a public holiday) both read it, so it sits low in the package, beside nothing.

Why: under the notices clause a notice received on a day that is not a Business Day in the place of receipt
counts as received on the next one, so the last day to give a notice must be a Business Day wherever it may
be received. Any Party may give notice, so a day counts only if it is a Business Day in every Party's place.
A place is the party's `jurisdiction` as written in the deal ('England and Wales', 'Germany', 'the State of
New York'); one the holiday calendars do not know is counted with weekends only, and the timeline says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import os
from collections.abc import Callable, Sequence

from termsmith.cachedir import remembered

_PREFIXES = ("the state of ", "state of ", "the commonwealth of ", "the republic of ", "the kingdom of ", "the ")
# subdivisions written as legal systems rather than names the holiday calendars list
_LEGAL_SYSTEMS = {"england and wales": ("GB", "ENG"), "england & wales": ("GB", "ENG")}
_WITH_SUBDIVISIONS = ("GB", "US", "CA", "AU")  # searched for state and nation names such as 'New York'


def _clean(name: str) -> str:
    text = " ".join(name.split()).lower()
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


@functools.cache
def _calendars() -> tuple:
    """What the calendars depend on besides their arguments: the installed `holidays` package (its files,
    found without importing it: the import alone reads all its 250 calendars) and Babel's version (the
    territory names places are matched against). On-disk entries are keyed by it."""
    import babel

    spec = importlib.util.find_spec("holidays")
    origin = spec.origin if spec is not None and spec.origin else ""
    stamp = []
    for name in ("__init__.py", "version.py"):
        try:
            st = os.stat(os.path.join(os.path.dirname(origin), name))
            stamp.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append((name, None, None))
    return (1, origin, tuple(stamp), babel.__version__)


@functools.lru_cache(maxsize=256)
def place(jurisdiction: str) -> tuple[str, str | None] | None:
    """(country code, subdivision code) of a jurisdiction, or None when no holiday calendar is known for it.
    'Germany', 'England and Wales', 'the State of New York', 'the State of Delaware, United States'.
    Kept on disk for the next process (cachedir.remembered): loading the calendars costs a cold draft
    more than any other step."""
    return remembered("holidays", ("place", _calendars(), jurisdiction), lambda: _place(jurisdiction))


def _place(jurisdiction: str) -> tuple[str, str | None] | None:
    text = " ".join(jurisdiction.split()).lower()
    if text in _LEGAL_SYSTEMS:
        return _LEGAL_SYSTEMS[text]
    if "," in text:  # 'a state, a country': the state's calendar, or at least the country's
        head, tail = (part.strip() for part in text.rsplit(",", 1))
        country = _country(tail)
        if country is not None:
            return country, _subdivision(country, _clean(head))
    country = _country(text)
    if country is not None:
        return country, None
    for code in _WITH_SUBDIVISIONS:
        subdivision = _subdivision(code, _clean(text))
        if subdivision is not None:
            return code, subdivision
    return None


def _country(name: str) -> str | None:
    from babel import Locale
    from holidays.registry import EntityLoader

    name = _clean(name)
    # the registry's codes, not holidays.list_supported_countries(), which imports all 250 calendars to list
    # their subdivisions (most of a cold draft's time in this module)
    supported = frozenset(EntityLoader.get_country_codes())
    for code, territory in Locale("en").territories.items():
        if code in supported and name in {territory.lower(), _clean(territory)}:
            return code
    return None


def _subdivision(country: str, name: str) -> str | None:
    import holidays

    calendar = holidays.country_holidays(country).__class__
    if name.upper() in (getattr(calendar, "subdivisions", ()) or ()):
        return name.upper()
    aliases = getattr(calendar, "subdivisions_aliases", {}) or {}
    return next((code for alias, code in aliases.items() if alias.lower() == name), None)


@functools.lru_cache(maxsize=1024)
def _holidays(where: tuple[str, str | None], year: int) -> dict[dt.date, str]:
    """The public holidays of a place in a year (kept on disk for the next process, as `place`)."""
    def calendar() -> dict[dt.date, str]:
        import holidays

        return dict(holidays.country_holidays(where[0], subdiv=where[1], years=year).items())

    return remembered("holidays", ("holidays", _calendars(), where, year), calendar)


def closed_days(jurisdictions: Sequence[str]) -> tuple[Callable[[dt.date], str | None], tuple[str, ...]]:
    """A function telling why a day is not a Business Day in one of `jurisdictions` ('a Sunday', 'Good Friday
    in England and Wales') or None, and the jurisdictions whose public holidays are unknown."""
    known = {j: p for j in dict.fromkeys(jurisdictions) if (p := place(j)) is not None}
    unknown = tuple(j for j in dict.fromkeys(jurisdictions) if j not in known)

    def why(day: dt.date) -> str | None:
        if day.weekday() >= 5:
            return f"a {day.strftime('%A')}"
        for jurisdiction, where in known.items():
            name = _holidays(where, day.year).get(day)
            if name:
                return f"{name} in {jurisdiction}"
        return None

    return why, unknown


def business_day_from(day: dt.date, jurisdictions: Sequence[str]) -> dt.date:
    """`day`, or the first day after it that is a Business Day in every one of `jurisdictions`."""
    why, _ = closed_days(tuple(jurisdictions))
    while why(day):
        day += dt.timedelta(days=1)
    return day
