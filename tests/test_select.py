"""select: clauses come and go with their conditions; explain names the deciding fields."""

from __future__ import annotations

from termsmith import api

from .conftest import CANONICAL, MINI


def included(path) -> set[str]:
    return {c.id for c in api.explain(path, library=MINI).selection.clauses}


def test_conditions_select_variants(deal_data, write_deal):
    assert {"terms.renewal-automatic", "exit.convenience"} <= included(CANONICAL)
    assert "terms.renewal-none" not in included(CANONICAL)
    deal_data["term"] = {"initial_months": 24, "renewal": "none"}
    deal_data["exit"]["termination_for_convenience"] = {"allowed": False}
    ids = included(write_deal(deal_data))
    assert "terms.renewal-none" in ids
    assert not {"terms.renewal-automatic", "exit.convenience"} & ids


def test_decisions_name_fields_and_values():
    selection = api.explain(CANONICAL, library=MINI).selection
    by_id = {d.clause.id: d for d in selection.decisions}
    assert by_id["exit.convenience"].fields == (("exit.termination_for_convenience.allowed", "true"),)
    assert by_id["terms.renewal-none"].included is False
    assert by_id["terms.renewal-none"].fields == (("term.renewal", "automatic"),)
    assert by_id["exit.cure"].condition is None


def test_clauses_follow_section_order():
    selection = api.explain(CANONICAL, library=MINI).selection
    areas = [c.meta.area for c in selection.clauses]
    order = [s.id for s in selection.sections]
    assert areas == sorted(areas, key=order.index)
    assert order == ["parties", "definitions", "terms", "exit", "signatures", "schedule-exit"]
