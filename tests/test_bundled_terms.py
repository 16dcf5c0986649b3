"""The standard library's own deal terms: the periods and thresholds its clauses used to hard-code.

A figure nobody negotiated (72 hours, 6 years, 5 %) is a library-declared term with that default: a deal may
set it under `terms:`, and a draft that relies on the default lists it (check, explain, the manifest), so the
figure never reads as negotiated without anyone seeing that it was not.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from termsmith.resources import default_library

from .conftest import CANONICAL, EXAMPLES

LIBRARY = default_library()
DECLARED = yaml.safe_load((LIBRARY / "library.yaml").read_text(encoding="utf-8"))["terms"]
CANONICAL_TEXT = CANONICAL.read_text(encoding="utf-8")

# (clause file, term): the figures the legal review named, each now read from a term
MOVED = [
    ("scope/technology-changes.md", "technology_change_notice_days"),
    ("scope/technology-plan.md", "integration_plan_days"),
    ("data-protection/breach.md", "breach_notice_hours"),
    ("budget/open-book.md", "records_years"),
    ("budget/open-book.md", "audit_cost_threshold_percent"),
    ("budget/open-book.md", "audit_notice_business_days"),
    ("payments/audit.md", "audit_frequency_months"),
    ("insurance/cover.md", "insurance_run_off_years"),
    ("budget/payment-disputes.md", "invoice_dispute_days"),
    ("termination/change-of-control.md", "change_of_control_window_months"),
    ("termination/change-of-control.md", "change_of_control_notice_business_days"),
    ("reseller/reports.md", "sales_report_business_days"),
    ("reseller/reports.md", "forecast_horizon_months"),
    ("reseller/after-termination.md", "stock_buy_back_days"),
    ("reseller/after-termination.md", "compensation_look_back_months"),
    ("scope/jv-non-compete.md", "passive_investment_percent"),
    ("joint-venture/transfers.md", "pre_emption_acceptance_days"),
    ("joint-venture/transfers.md", "pre_emption_sale_days"),
    ("joint-venture/transfers.md", "drag_along_notice_days"),
    ("joint-venture/deadlock.md", "deadlock_step_days"),
    ("joint-venture/deadlock.md", "deadlock_repeat_months"),
    ("joint-venture/subscription.md", "subscription_payment_business_days"),
    ("joint-venture/rights.md", "adherence_business_days"),
    ("joint-venture/exit.md", "departure_call_days"),
    ("managed-service/benchmarking.md", "benchmark_proposal_days"),
    ("managed-service/benchmarking.md", "benchmark_agreement_days"),
    ("managed-service/benchmarking.md", "benchmark_termination_notice_days"),
]
_LITERAL = re.compile(r"\{\{\s*\d+(\.\d+)?\s*\|\s*(hours|days|business_days|months|years|percent)\b")


def termsmith(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


@pytest.mark.parametrize("clause, term", MOVED)
def test_the_figure_is_a_declared_term_with_the_old_default(clause, term):
    body = (LIBRARY / "clauses" / clause).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert f"terms.{term}" in body
    assert DECLARED[term]["default"] is not None and DECLARED[term]["description"]
    assert DECLARED[term]["since"] == "2.0.0"


@pytest.mark.parametrize("clause", sorted({c for c, _ in MOVED}))
def test_no_period_or_threshold_is_left_hard_coded_in_those_clauses(clause):
    body = (LIBRARY / "clauses" / clause).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert not _LITERAL.search(body), _LITERAL.search(body).group(0)


def test_a_deal_sets_a_term_and_the_draft_follows(tmp_path):
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT + "\nterms:\n  breach_notice_hours: 48\n  records_years: 7\n", encoding="utf-8")
    done = termsmith("draft", deal, "-o", tmp_path / "out", "--format", "md")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "out" / "acme-globex-2027.md").read_text(encoding="utf-8")
    assert "within 48 hours after becoming aware" in text and "72 hours" not in text
    assert "until at least 7 years after the end of the year" in text
    manifest = json.loads((tmp_path / "out" / "acme-globex-2027.manifest.json").read_text(encoding="utf-8"))
    applied = {d["path"] for d in manifest["defaults"]}
    assert "terms.breach_notice_hours" not in applied and "terms.records_years" not in applied
    assert "terms.insurance_run_off_years" in applied  # the deal did not set it


def test_check_and_explain_list_the_term_defaults_a_draft_applies():
    done = termsmith("check", CANONICAL)
    assert done.returncode == 0, done.stderr
    assert ("default: terms.breach_notice_hours = 72 (not in the deal file; read by data-protection.breach)"
            in done.stdout)
    explained = termsmith("explain", CANONICAL)
    assert explained.returncode == 0, explained.stderr
    assert "terms.breach_notice_hours" in explained.stdout


def test_a_default_read_only_by_another_kind_of_deal_is_not_listed():
    done = termsmith("check", CANONICAL)
    assert "terms.pre_emption_acceptance_days" not in done.stdout  # a joint-venture company term
    jv = termsmith("check", EXAMPLES / "tri-harbor-joint-venture.yaml")
    assert jv.returncode == 0, jv.stderr
    assert "terms.drag_along_notice_days" in jv.stdout and "terms.deadlock_step_days" not in jv.stdout  # the example sets it


@pytest.mark.parametrize("value, message", [
    ("0", "terms.breach_notice_hours"),
    ("'soon'", "terms.breach_notice_hours"),
    ("1000", "must be at most 720 (got 1000)"),
])
def test_an_invalid_term_is_located(tmp_path, value, message):
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT + f"\nterms:\n  breach_notice_hours: {value}\n", encoding="utf-8")
    done = termsmith("check", deal)
    line = CANONICAL_TEXT.count("\n") + 3
    assert done.returncode == 1, done.stdout
    assert f"deal.yaml:{line}:" in done.stderr and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_misspelt_term_gets_a_suggestion(tmp_path):
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT + "\nterms:\n  breach_notice_hour: 48\n", encoding="utf-8")
    done = termsmith("check", deal)
    assert done.returncode == 1 and "did you mean 'breach_notice_hours'" in done.stderr, done.stderr


def test_the_schema_describes_every_declared_term():
    done = termsmith("schema", "--library", LIBRARY)
    assert done.returncode == 0, done.stderr
    terms = json.loads(done.stdout)["properties"]["terms"]
    described = terms.get("properties") or terms["anyOf"][0]["properties"]
    for name, declaration in DECLARED.items():
        assert described[name]["description"] == declaration["description"]
        assert described[name]["default"] == declaration["default"]


def test_the_lock_pins_each_declaration_and_refuses_a_changed_one(tmp_path):
    library = tmp_path / "library"
    import shutil

    shutil.copytree(LIBRARY, library)
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT, encoding="utf-8")
    done = termsmith("lock", deal, "--library", library)
    assert done.returncode == 0, done.stderr
    lock = yaml.safe_load((tmp_path / "deal.lock").read_text(encoding="utf-8"))
    assert lock["terms"]["breach_notice_hours"] == "hours, default 72, at most 720"
    assert "pre_emption_acceptance_days" not in lock["terms"]  # no clause of this deal reads it
    manifest = library / "library.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "    type: hours\n    default: 72\n", "    type: hours\n    default: 24\n"), encoding="utf-8")
    drafted = termsmith("draft", deal, "--library", library, "-o", tmp_path / "out")
    assert drafted.returncode == 1
    assert ("pins terms.breach_notice_hours as 'hours, default 72, at most 720', but the library now declares "
            "'hours, default 24, at most 720'") in drafted.stderr, drafted.stderr
    assert not (tmp_path / "out").exists()
    outdated = termsmith("outdated", deal, "--library", library)
    assert outdated.returncode == 0, outdated.stderr
    assert "terms.breach_notice_hours" in outdated.stdout and "1 deal term(s) changed" in outdated.stdout
    assert termsmith("lock", deal, "--library", library, "--update").returncode == 0
    assert termsmith("draft", deal, "--library", library, "-o", tmp_path / "out").returncode == 0


def test_every_declared_term_is_read_by_a_clause():
    done = termsmith("lint", LIBRARY)
    assert "unused-term" not in done.stdout and "no clause or condition reads it" not in done.stdout, done.stdout



def test_a_breach_notice_beyond_the_gdpr_window_is_a_warning_and_a_reviewer_note(tmp_path):
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT + "\nterms:\n  breach_notice_hours: 96\n", encoding="utf-8")
    line = CANONICAL_TEXT.count("\n") + 3
    done = termsmith("check", deal)
    assert done.returncode == 0, done.stderr
    assert f"deal.yaml:{line}: warning: terms.breach_notice_hours: a notice of a personal data breach later than " \
           "72 hours" in done.stderr
    drafted = termsmith("draft", deal, "-o", tmp_path / "out", "--format", "md")
    assert drafted.returncode == 0, drafted.stderr
    text = (tmp_path / "out" / "acme-globex-2027.md").read_text(encoding="utf-8")
    assert "within 96 hours" in text and "within the 72 hours the GDPR allows" in text
    us = termsmith("check", EXAMPLES / "hudson-cobalt-technology-us.yaml")
    assert "72 hours" not in us.stdout + us.stderr  # no GDPR under New York law
