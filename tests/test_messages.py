"""Validation messages a newcomer understands: what the field wants and how to write it, never pydantic's
wording ("String should match pattern …", "Input should be …")."""

from __future__ import annotations

import pytest
import yaml

from termsmith import api
from termsmith.errors import InputError


def problems_for(deal_data: dict, write_deal, change) -> list:
    change(deal_data)
    path = write_deal(deal_data)
    with pytest.raises(InputError) as caught:
        api.check(path)
    return caught.value.problems


def at(problems: list, path: str):
    found = [p for p in problems if p.path == path]
    assert found, [str(p) for p in problems]
    return found[0]


def test_the_format_version_is_explained_with_the_value_given(deal_data, write_deal):
    p = at(problems_for(deal_data, write_deal, lambda d: d.update(termsmith=2)), "termsmith")
    assert p.message == "the version of the deal file format must be 1: write `termsmith: 1` (got 2)"
    p = at(problems_for(deal_data, write_deal, lambda d: d.pop("termsmith")), "termsmith")
    assert "a deal file starts with `termsmith: 1`" in p.message


def test_a_date_says_how_to_write_it(deal_data, write_deal):
    p = at(problems_for(deal_data, write_deal, lambda d: d["deal"].update(effective_date="1 March 2027")),
           "deal.effective_date")
    assert p.message == "not a date (got '1 March 2027'); use YYYY-MM-DD, e.g. 2027-01-01"


def test_a_currency_asks_for_an_iso_4217_code(deal_data, write_deal):
    p = at(problems_for(deal_data, write_deal, lambda d: d["budget"].update(currency="euro")), "budget.currency")
    assert p.message == "not a currency code (got 'euro'); use an ISO 4217 code such as USD, EUR or GBP"


@pytest.mark.parametrize("field, value, expected", [
    (("deal", "id"), "Acme Globex!", "use lower-case letters, digits, '.', '-' and '_'"),
    (("deal", "language"), "english", "use a language and region such as en-GB"),
    (("term", "initial_months"), "two years", "must be a whole number (got 'two years')"),
    (("term", "initial_months"), 0, "must be more than 0 (got 0)"),
    (("budget", "total"), 0, "must be more than 0 (got 0)"),  # a float bound, not "0.0"
    (("budget", "total"), 1e15, "must be less than 1,000,000,000,000,000 (got "),  # not "1e+15"
    (("term", "renewal"), "sometimes", "must be one of: automatic, by_agreement, none (got 'sometimes')"),
    (("exit", "insolvency"), "perhaps", "must be true or false (got 'perhaps')"),
])
def test_other_constraints_are_said_in_words(field, value, expected, deal_data, write_deal):
    section, name = field
    problems = problems_for(deal_data, write_deal, lambda d: d[section].update({name: value}))
    p = at(problems, f"{section}.{name}")
    assert expected in p.message
    for problem in problems:
        assert "should" not in problem.message and "pattern" not in problem.message, problem.message


def test_an_unquoted_yes_where_a_word_is_wanted_is_explained(tmp_path, deal_data):
    text = yaml.safe_dump(deal_data, sort_keys=False, allow_unicode=True).replace("renewal: automatic", "renewal: yes")
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        api.check(path)
    assert "put the word in quotes" in at(caught.value.problems, "term.renewal").message


@pytest.mark.parametrize("written, hint", [
    ("480,000", "write it without separators between the thousands: 480000"),
    ("480 000", "write it without separators between the thousands: 480000"),
    ("EUR 480000", "write the number alone, 480000 (a currency field names the currency)"),
    ("€480,000.50", "write the number alone, 480000.50 (a currency field names the currency)"),
])
def test_an_amount_written_as_people_write_it_says_how_to_write_it(deal_data, write_deal, written, hint):
    p = at(problems_for(deal_data, write_deal, lambda d: d["budget"].update(total=written)), "budget.total")
    assert p.message == f"must be a number (got {written!r}); {hint}"


def test_a_name_yaml_reads_as_true_or_false_says_to_quote_it(tmp_path):
    """`short_name: NO` (Norway's code, or a company called On): YAML 1.1 reads it as false."""
    from .conftest import CANONICAL

    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL.read_text(encoding="utf-8").replace("short_name: Acme", "short_name: NO", 1),
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        api.check(deal)
    assert at(caught.value.problems, "parties[0].short_name").message == (
        "must be text (got False): YAML reads the words yes, no, on and off as true or false; put the word in quotes")
