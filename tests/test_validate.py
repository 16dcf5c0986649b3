"""validate: the deal model and the business rules, each problem with its path and line."""

from __future__ import annotations

import pytest

from termsmith.errors import InputError
from termsmith.deal.load import load_file
from termsmith.deal.validate import validate

from .conftest import CANONICAL


def problems(path):
    with pytest.raises(InputError) as info:
        validate(load_file(path))
    return info.value.problems


def one(path, fragment):
    found = [p for p in problems(path) if fragment in p.message]
    assert found, f"no problem mentioning {fragment!r}"
    return found[0]


def line_of(path, needle):
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_canonical_deal_is_valid():
    deal = validate(load_file(CANONICAL))
    assert deal.deal.id == "acme-globex-2027"
    assert [p.short_name for p in deal.parties] == ["Acme", "Globex"]
    assert deal.term.renewal_months == 12


def test_optional_sections_may_be_left_out(deal_data, write_deal):
    for section in ("governance", "slas", "budget", "options", "library"):
        deal_data.pop(section)
    deal_data["conflict_resolution"]["escalation"].pop(1)  # the Steering Committee goes with governance
    deal_data["roles"].pop("raci")
    deal_data["exit"]["transition"]["fees"] = "none"
    # With no budget and no money between the parties, the default cap (a multiple of amounts paid) has
    # nothing to measure: the deal must say how much.
    p = one(write_deal(deal_data), "no amounts are paid between the parties")
    assert p.path == "options.liability_cap" and "give options.liability_cap.fixed_amount and currency" in p.message
    deal_data["options"] = {"liability_cap": {"multiple_of_annual_fees": None, "fixed_amount": 250000, "currency": "EUR"}}
    deal = validate(load_file(write_deal(deal_data)))
    assert deal.governance is None and deal.slas is None and deal.budget is None and deal.roles.raci is None
    assert deal.options.confidentiality_years == 5


def test_unknown_field_suggests_the_right_name(deal_data, write_deal):
    deal_data["exit"]["termination_for_cause"] = {"cure_dayz": 30}
    path = write_deal(deal_data)
    p = one(path, "unknown field")
    assert p.path == "exit.termination_for_cause.cure_dayz"
    assert "did you mean 'cure_days'" in p.message
    assert p.line == line_of(path, "cure_dayz")
    assert str(p).startswith(f"{path}:{p.line}: exit.termination_for_cause.cure_dayz: ")


def test_all_structural_errors_are_reported_at_once(deal_data, write_deal):
    deal_data["term"]["initial_months"] = -3
    deal_data["deal"]["kind"] = "franchise"
    del deal_data["parties"][0]["name"]
    found = {p.path for p in problems(write_deal(deal_data))}
    assert {"term.initial_months", "deal.kind", "parties[0].name"} <= found


def test_missing_required_section(deal_data, write_deal):
    del deal_data["exit"]
    p = one(write_deal(deal_data), "required field is missing")
    assert p.path == "exit"


def test_one_party_is_not_enough(deal_data, write_deal):
    deal_data["parties"] = deal_data["parties"][:1]
    assert any(p.path == "parties" for p in problems(write_deal(deal_data)))


def test_cost_shares_must_add_up_to_100(deal_data, write_deal):
    deal_data["budget"]["cost_sharing"]["acme"] = 50
    path = write_deal(deal_data)
    p = one(path, "add up to 90")
    assert p.path == "budget.cost_sharing" and p.line == line_of(path, "cost_sharing")


def test_every_party_needs_a_share(deal_data, write_deal):
    deal_data["budget"]["cost_sharing"] = {"acme": 100}
    assert "missing: globex" in one(write_deal(deal_data), "every party").message


@pytest.mark.parametrize("where", [
    ("roles", "responsibilities", 0, "party"),
    ("roles", "raci", 0, "accountable"),
    ("slas", "metrics", 1, "provider"),
    ("governance", "kpis", 0, "owner"),
])
def test_referenced_parties_must_be_declared(deal_data, write_deal, where):
    target = deal_data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = "globx"
    p = one(write_deal(deal_data), "not declared")
    assert "did you mean 'globex'" in p.message
    assert p.path == ".".join(str(k) for k in where[:2]) + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in where[2:])


def test_unknown_alliance_manager_party(deal_data, write_deal):
    deal_data["roles"]["alliance_managers"]["initech"] = "Bill"
    assert one(write_deal(deal_data), "'initech' is not declared").path == "roles.alliance_managers.initech"


def test_credit_tiers_must_rise_as_performance_falls(deal_data, write_deal):
    deal_data["slas"]["metrics"][0]["credits"][2]["credit_percent"] = 8
    p = one(write_deal(deal_data), "must rise")
    assert p.path == "slas.metrics[0].credits[2].credit_percent"


def test_credit_cap_not_below_highest_tier(deal_data, write_deal):
    deal_data["slas"]["service_credit_cap_percent"] = 10
    assert one(write_deal(deal_data), "below the highest credit tier").path == "slas.service_credit_cap_percent"


def test_time_metric_tiers_use_above(deal_data, write_deal):
    deal_data["slas"]["metrics"][1]["credits"] = [{"below": 2, "credit_percent": 5}]
    assert "use `above`" in one(write_deal(deal_data), "above").message


def test_cure_period_shorter_than_convenience_notice(deal_data, write_deal):
    deal_data["exit"]["termination_for_cause"]["cure_days"] = 200
    assert one(write_deal(deal_data), "cure period").path == "exit.termination_for_cause.cure_days"


def test_non_renewal_notice_shorter_than_renewal(deal_data, write_deal):
    deal_data["term"]["renewal_months"] = 2
    deal_data["term"]["non_renewal_notice_days"] = 90
    assert one(write_deal(deal_data), "shorter than the renewal period").path == "term.non_renewal_notice_days"


def test_renewal_fields_only_with_automatic(deal_data, write_deal):
    deal_data["term"]["renewal"] = "none"
    assert one(write_deal(deal_data), "only used with renewal: automatic").path in (
        "term.renewal_months", "term.non_renewal_notice_days")


def test_arbitration_details_required(deal_data, write_deal):
    del deal_data["conflict_resolution"]["arbitration"]
    assert one(write_deal(deal_data), "required with final: arbitration").path == "conflict_resolution.arbitration"


def test_court_venue_required(deal_data, write_deal):
    deal_data["conflict_resolution"]["final"] = "courts"
    found = problems(write_deal(deal_data))
    assert any("required with final: courts" in p.message for p in found)
    assert any("only used with final: arbitration" in p.message for p in found)


def test_empty_escalation_ladder(deal_data, write_deal):
    deal_data["conflict_resolution"]["escalation"] = []
    assert one(write_deal(deal_data), "at least one level").path == "conflict_resolution.escalation"


def test_days_must_be_positive(deal_data, write_deal):
    deal_data["exit"]["transition"]["data_return_days"] = 0
    assert any(p.path == "exit.transition.data_return_days" for p in problems(write_deal(deal_data)))


def test_convenience_notice_required_when_allowed(deal_data, write_deal):
    deal_data["exit"]["termination_for_convenience"] = {"allowed": True}
    assert one(write_deal(deal_data), "required when termination for convenience").path.endswith("notice_days")


def test_fixed_transition_fee_needs_amount(deal_data, write_deal):
    deal_data["exit"]["transition"]["fees"] = "fixed"
    assert one(write_deal(deal_data), "required with fees: fixed").path == "exit.transition.fixed_fee"


def test_kind_specific_scope_only_with_that_kind(deal_data, write_deal):
    deal_data["scope"] = {"reseller": {"discount_percent": 20, "order_acceptance_business_days": 2,
                                       "delivery_business_days": 3, "warranty_days": 90, "sales_reports": "quarterly"}}
    assert one(write_deal(deal_data), "only used with deal.kind: reseller").path == "scope.reseller"


def test_control_characters_are_rejected_with_field(deal_data, write_deal):
    deal_data["parties"][0]["name"] = "Acme\x07 Ltd"
    p = one(write_deal(deal_data), "control character U+0007")
    assert p.path == "parties[0].name"


def test_bad_library_constraint(deal_data, write_deal):
    deal_data["library"]["require"] = "one point oh"
    assert one(write_deal(deal_data), "not a version constraint").path == "library.require"


def test_non_mapping_file(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    assert "must be a mapping" in problems(path)[0].message


def test_reserved_marker_characters_are_rejected(deal_data, write_deal):
    deal_data["parties"][1]["name"] = "Globex \ue000Rexit.cure\ue001"
    assert one(write_deal(deal_data), "termsmith reserves").path == "parties[1].name"


@pytest.mark.parametrize("source", [b"0[:", b"a[int]: 1", b"'deal[0]': {}"])
def test_keys_that_look_like_pydantic_locations_are_reported_not_crashed(tmp_path, source):
    path = tmp_path / "odd.yaml"
    path.write_bytes(source)
    assert any("unknown field" in p.message for p in problems(path))


@pytest.mark.parametrize("date, fragment", [("9999-12-01", "must be on or before 2199-12-31 (got 9999-12-01)"),
                                            ("0001-01-01", "must be on or after 1900-01-01 (got 0001-01-01)")])
def test_an_effective_date_far_outside_a_contract_life_is_refused(date, fragment, deal_data, write_deal):
    import datetime as dt

    # the clause text adds terms and notice periods to it: year 9999 would overflow half-way through drafting
    deal_data["deal"]["effective_date"] = dt.date.fromisoformat(date)
    path = write_deal(deal_data)
    p = one(path, fragment)
    assert p.path == "deal.effective_date" and p.line == line_of(path, "effective_date")


@pytest.mark.parametrize("field, default", [("renewal_months", 12), ("non_renewal_notice_days", 90)])
def test_a_renewal_field_left_null_takes_its_default_as_one_left_out(deal_data, write_deal, field, default):
    deal_data["term"]["renewal"] = "automatic"
    deal_data["term"][field] = None  # `renewal_months: ~` was passed on as None: the business rules crashed
    assert getattr(validate(load_file(write_deal(deal_data))).term, field) == default


def test_a_change_of_control_notice_left_null_takes_its_default(deal_data, write_deal):
    deal_data.setdefault("exit", {})["change_of_control"] = {"terminable": True, "notice_days": None}
    assert validate(load_file(write_deal(deal_data))).exit.change_of_control.notice_days == 60
