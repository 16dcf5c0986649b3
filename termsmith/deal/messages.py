"""pydantic's validation errors in words a partnership manager understands.

pydantic says "String should match pattern '^[A-Z]{3}$'" or "Input should be a valid date or datetime, invalid
character in year"; people need to read what the field wants and how to write it. `humane` rewrites one error
(given where it is and what was written) into that; anything it does not know keeps pydantic's words.
"""

from __future__ import annotations

import datetime as dt
import re

# The patterns of the deal model's constrained strings, as people describe them.
_PATTERNS = {
    r"^[a-z0-9][a-z0-9_-]{0,62}$": "use lower-case letters, digits, '-' and '_' (at most 63), starting with a letter "
                                   "or digit, e.g. acme",
    r"^[a-z0-9][a-z0-9._-]{0,79}$": "use lower-case letters, digits, '.', '-' and '_' (at most 80), starting with a "
                                    "letter or digit, e.g. acme-globex-2027",
    r"^[A-Z]{3}$": "use an ISO 4217 code such as USD, EUR or GBP",
    r"^[a-z]{2,3}(-[A-Z]{2})?$": "use a language and region such as en-GB, en-US or de-DE",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "use an e-mail address such as legal@example.com",
}
_DATE_ERRORS = ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type",
                "datetime_parsing", "datetime_type")


def _shown(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return repr(value)


_GROUPED = re.compile(r"[+-]?\d{1,3}([,' \u00a0\u202f]\d{3})+(\.\d+)?")
_WITH_CURRENCY = re.compile(r"([A-Z]{3}|[$€£¥])\s*[\d.,' ]+|[\d.,' ]+\s*([A-Z]{3}|[$€£¥])")


def _number_hint(given: object) -> str:
    """How to write an amount YAML read as text: `480,000` or `EUR 480000` is 480000."""
    if not isinstance(given, str):
        return ""
    number = re.sub(r"[^\d.+-]", "", given)
    if _WITH_CURRENCY.fullmatch(given.strip()):
        return f"; write the number alone, {number} (a currency field names the currency)"
    if _GROUPED.fullmatch(given.strip()):
        return f"; write it without separators between the thousands: {number}"
    return ""


def humane(err: dict, loc: tuple) -> str | None:
    """A message for people for this pydantic error at `loc`, or None to keep pydantic's own."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    has_input = "input" in err and not isinstance(err["input"], (dict, list))
    got = f" (got {_shown(err['input'])})" if has_input else ""
    field = str(loc[-1]) if loc else ""
    if loc == ("termsmith",):
        if kind == "missing":
            return ("required: a deal file starts with `termsmith: 1`, the version of the deal file format "
                    "(always 1 for now)")
        return f"the version of the deal file format must be 1: write `termsmith: 1`{got}"
    if kind in _DATE_ERRORS:
        return f"not a date{got}; use YYYY-MM-DD, e.g. 2027-01-01"
    if kind == "string_pattern_mismatch":
        wanted = _PATTERNS.get(str(ctx.get("pattern", "")))
        if field == "currency" or wanted is None and "currency" in field:
            wanted = _PATTERNS[r"^[A-Z]{3}$"]
        if wanted is None:
            return f"is not written the way this field needs{got}; `termsmith schema` describes the field"
        what = "not a currency code" if "ISO 4217" in wanted else "not a valid value"
        return f"{what}{got}; {wanted}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        expected = re.sub(r",? or ", ", ", expected)
        if isinstance(err.get("input"), bool) and not isinstance(ctx.get("expected"), bool):
            got += "; YAML reads yes, no, on and off as true or false: put the word in quotes"
        return f"must be one of: {expected}{got}" if "," in expected else f"must be {expected}{got}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number{got}"
    if kind in ("float_parsing", "float_type"):
        return f"must be a number{got}{_number_hint(err.get('input'))}"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false{got}"
    if kind in ("string_type",):
        if isinstance(err.get("input"), bool):  # `short_name: NO` (Norway), `title: On`
            return (f"must be text{got}: YAML reads the words yes, no, on and off as true or false; put "
                    "the word in quotes")
        return f"must be text{got}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters"
    if kind in ("list_type",):
        return "must be a list (one item per line, each starting with '- ')"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "must be a section of `field: value` lines"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s) (got {ctx.get('actual_length')})"
    if kind == "too_long":
        return f"takes at most {ctx.get('max_length')} item(s) (got {ctx.get('actual_length')})"
    bounds = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than",
              "less_than_equal": "at most"}
    if kind in bounds:
        limit = next(iter(ctx.values()), None)
        if isinstance(limit, dt.date) or isinstance(err.get("input"), dt.date):
            when = {"greater_than": "after", "greater_than_equal": "on or after", "less_than": "before",
                    "less_than_equal": "on or before"}[kind]
            return f"must be {when} {limit.isoformat() if isinstance(limit, dt.date) else limit}{got}"
        if isinstance(limit, float) and limit.is_integer():
            limit = f"{int(limit):,}"  # "more than 0", "less than 1,000,000,000,000,000", not "0.0" or "1e+15"
        return f"must be {bounds[kind]} {limit}{got}"
    return None
