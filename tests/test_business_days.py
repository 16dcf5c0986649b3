"""A worked example never gives its notice on a weekend or a public holiday where the parties are, and compiled
clause code is never reused for filters it was not compiled for."""

from __future__ import annotations

import datetime as dt

from termsmith.businessdays import business_day_from
from termsmith.draft import templating

from .conftest import GOLDEN


def test_the_first_business_day_skips_weekends_and_the_holidays_of_every_party():
    new_year = dt.date(2028, 1, 1)  # a Saturday; Monday 3 January is a bank holiday in England and Wales only
    assert business_day_from(new_year, ["England and Wales", "Germany"]) == dt.date(2028, 1, 4)
    assert business_day_from(new_year, ["Germany"]) == dt.date(2028, 1, 3)
    assert business_day_from(dt.date(2028, 1, 5), ["Germany"]) == dt.date(2028, 1, 5)
    assert business_day_from(dt.date(2027, 12, 25), ["the State of New York"]) == dt.date(2027, 12, 27)


def test_the_canonical_exit_timetable_gives_its_notice_on_a_business_day():
    text = (GOLDEN / "acme-globex-2027.md").read_text(encoding="utf-8")
    assert "notice given on 4 January 2028, the first Business Day at least 12 months after the Effective Date" in text
    assert "| Notice of termination or non-renewal received | day 0 | 17, 15.2 | 4 January 2028 |" in text


def test_the_bytecode_cache_is_keyed_by_how_filters_take_their_arguments(monkeypatch):
    before = templating._filters_stamp()
    monkeypatch.setitem(templating.FILTERS, "party", lambda value: value)  # the same name, no longer given the context
    assert templating._filters_stamp() != before


def test_the_calendars_are_kept_on_disk_for_the_next_process(tmp_path):
    """A second process finds the places and holidays the first one loaded without importing `holidays`
    (its import reads every calendar it has); an unreadable entry is loaded again, never an error."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = ("import sys, datetime as dt\n"
              "from termsmith.businessdays import business_day_from\n"
              "print(business_day_from(dt.date(2028, 1, 1), ['England and Wales', 'Germany']),\n"
              "      'holidays' in sys.modules)\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("TERMSMITH_NO_CACHE", None)

    def run() -> str:
        return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                              check=True).stdout.strip()

    assert run() == "2028-01-04 True"
    entries = sorted((tmp_path / "termsmith" / "holidays").glob("*.pickle"))
    assert len(entries) == 4  # two places, and each one's holidays of 2028
    assert run() == "2028-01-04 False"
    # a holiday calendar's entry (a place such as England and Wales is known without the package; entries are
    # named by a hash of a key that includes where the package is installed, so their order varies)
    import pickle

    calendar = next(e for e in entries if pickle.loads(e.read_bytes())[0][0] == "holidays")
    calendar.write_bytes(b"not a pickle")
    assert run() == "2028-01-04 True"
