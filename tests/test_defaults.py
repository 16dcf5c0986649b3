"""The defaults a draft applied (draft/defaults.py): deal fields its clauses read that the deal file did not set,
listed by explain, check and the manifest, and carried by the Draft for reviewer notes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from termsmith import api
from termsmith.cli import cli
from termsmith.draft.conditions import template_fields

from .conftest import CANONICAL


def test_template_fields_follow_aliases_and_keep_only_whole_chains():
    source = '{%- set tr = exit.transition -%}{{ tr.fees }} {{ exit.insolvency }} {% for m in slas.metrics %}{{ m.id }}{% endfor %}'
    assert template_fields(source) == ("exit.insolvency", "exit.transition.fees", "slas.metrics")


def test_canonical_draft_lists_the_numbers_no_one_chose():
    draft = api.build(CANONICAL)
    found = {d.path: d for d in draft.defaults}
    assert found["exit.transition.cost_plus_margin_percent"].value == "10"
    assert found["exit.transition.cost_plus_margin_percent"].clauses == ("exit.transition-fees",)
    assert found["slas.chronic_failure.failures"].value == "2"
    assert found["governance.deadlock.termination_after_months"].value == "6"
    # no roles for personal data are assumed: the draft says so, and check warns (not a default)
    assert "options.personal_data" not in found
    # set in the deal file, so not a default
    assert "exit.transition.assistance_months" not in found and "budget.overrun_approval_percent" not in found


def test_a_default_read_only_in_a_branch_not_taken_is_not_listed(deal_data, write_deal):
    deal_data["exit"]["transition"]["fees"] = "none"
    paths = {d.path for d in api.build(write_deal(deal_data)).defaults}
    assert "exit.transition.cost_plus_margin_percent" not in paths


def test_setting_a_field_removes_it_from_the_list(deal_data, write_deal):
    deal_data["exit"]["transition"]["cost_plus_margin_percent"] = 10
    deal_data["slas"]["chronic_failure"] = {"failures": 3, "periods": 6}
    paths = {d.path for d in api.build(write_deal(deal_data)).defaults}
    assert "exit.transition.cost_plus_margin_percent" not in paths
    assert "slas.chronic_failure.failures" not in paths and "slas.chronic_failure.cure_days" in paths


def test_check_explain_and_manifest_show_the_defaults(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(CANONICAL)])
    assert result.exit_code == 0, result.output
    assert "  default: exit.transition.cost_plus_margin_percent = 10 (not in the deal file; read by exit.transition-fees)" in result.output
    explained = runner.invoke(cli, ["explain", str(CANONICAL)])
    assert "Defaults applied (" in explained.output and "slas.chronic_failure.failures = 2" in explained.output
    api.draft(CANONICAL, tmp_path, formats=("md",))
    manifest = json.loads(next(tmp_path.glob("*.manifest.json")).read_text(encoding="utf-8"))
    assert {"path": "exit.transition.cost_plus_margin_percent", "value": "10",
            "clauses": ["exit.transition-fees"]} in manifest["defaults"]
