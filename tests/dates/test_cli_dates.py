"""`termsmith dates` on the command line: formats, the calendar file, refusals and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from termsmith.cli import cli

from ..conftest import CANONICAL, EXAMPLES, ROOT


def run(*args):
    return CliRunner().invoke(cli, ["dates", *map(str, args)])


def test_text_lists_the_dates_with_their_clauses():
    result = run(CANONICAL)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "notice of non-renewal (the Initial Term)" in x)
    assert line.split()[:2] == ["2028-10-02", "Mon"] and line.endswith("clause 15.2")
    assert "Exit timeline, relative to the Termination Date" in result.output


def test_json_and_csv():
    data = json.loads(run(CANONICAL, "--format", "json").output)
    (deal,) = data["deals"]
    plan = next(e for e in deal["events"] if e["key"] == "exit-plan")
    assert plan["date"] == "2027-04-01" and plan["clauses"][0] == {"id": "exit.plan", "label": "clause 18.1"}
    assert plan["uid"] == "exit-plan.acme-globex-2027@termsmith"
    rows = list(csv.DictReader(io.StringIO(run(CANONICAL, "--format", "csv", "--notice-on", "2028-01-01").output)))
    td = next(r for r in rows if r["key"] == "exit-termination-date")
    assert td["date"] == "2028-06-29" and td["deal"] == "acme-globex-2027"
    dates = [r["date"] for r in rows]
    undated = dates.index("")
    assert dates[:undated] == sorted(dates[:undated]) and not any(dates[undated:])


def test_ics_writes_the_calendar(tmp_path):
    out = tmp_path / "portfolio.ics"
    result = run(*sorted(EXAMPLES.glob("*.yaml")), "--ics", out, "--remind", "14")
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}\n"
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert b"TRIGGER:-P13DT15H" in out.read_bytes()  # 09:00, 14 days before


def test_a_notice_too_early_is_refused_and_nothing_is_written(tmp_path):
    out = tmp_path / "deal.ics"
    result = run(CANONICAL, "--notice-on", "2027-06-01", "--ics", out)
    assert result.exit_code == 1
    assert "--notice-on: 2027-06-01 is too early" in result.output and "before 2028-01-01" in result.output
    assert not out.exists()


@pytest.mark.parametrize("option", ["--until", "--notice-on", "--terminate-on"])
def test_a_date_beyond_what_termsmith_counts_to_is_refused_in_one_line(tmp_path, option):
    out = tmp_path / "deal.ics"
    done = subprocess.run([sys.executable, "-m", "termsmith", "dates", str(CANONICAL), option, "9999-12-20",
                           "--ics", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    problems = [line for line in done.stderr.splitlines() if not line.startswith("library:")]
    assert problems == [f"{CANONICAL}: {option}: 9999-12-20 is after 2399-12-31, the latest date termsmith counts to"]
    assert not out.exists()


def test_bad_input_is_located_and_usage_errors_exit_2(tmp_path, deal_data, write_deal):
    deal_data["term"]["initial_months"] = "two years"
    result = run(write_deal(deal_data))
    assert result.exit_code == 1 and "term.initial_months" in result.output and "Traceback" not in result.output
    assert run(CANONICAL, "--notice-on", "2028-01-01", "--terminate-on", "2028-06-01").exit_code == 2
    assert run(CANONICAL, "--notice-on", "1 January").exit_code == 2
    assert run(CANONICAL, "--non-renewal").exit_code == 2


def test_the_installed_command_prints_the_same_bytes_twice():
    cmd = [sys.executable, "-m", "termsmith", "dates", str(CANONICAL), "--format", "json"]
    env = {"PYTHONPATH": str(ROOT), "TERMSMITH_NO_CACHE": "1"}
    first, second = (subprocess.run(cmd, capture_output=True, env=env, cwd=ROOT, timeout=60) for _ in range(2))
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout


def test_ics_replaces_an_earlier_calendar_but_never_a_lock_or_another_file(tmp_path):
    """`--ics deal.lock` replaced the deal's lock with a calendar, and `--ics deal.md` a draft's twin, exit 0."""
    import shutil

    from termsmith import api

    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    api.lock(deal)
    lock = (tmp_path / "deal.lock").read_text()
    (tmp_path / "deal.md").write_text("# Reviewed twin\n")
    for name in ("deal.lock", "deal.md"):
        result = run(deal, "--ics", tmp_path / name)
        assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
    assert (tmp_path / "deal.lock").read_text() == lock
    assert (tmp_path / "deal.md").read_text() == "# Reviewed twin\n"
    calendar = tmp_path / "deal.ics"
    for _ in range(2):  # a re-export replaces the calendar it wrote
        assert run(deal, "--ics", calendar).exit_code == 0
    assert calendar.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_deadline_before_the_effective_date_is_listed_with_a_located_warning(deal_data, write_deal):
    """A 3-month Initial Term that needs agreement to extend listed the last day to ask for extension talks (6
    months before its end) and the start of the Exit Plan (3 months before) before the Effective Date, as if
    they could still be met. They stay in the listing, as the agreement states them, and each is now said to
    have passed before the Agreement starts: one located warning line per deadline, in every format."""
    deal_data["term"] = {"initial_months": 3, "renewal": "by_agreement"}
    deal_data["exit"]["termination_for_convenience"] = {"allowed": False}
    path = write_deal(deal_data)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == "initial_months: 3")
    result = run(path)
    assert result.exit_code == 0, result.output
    warnings = [x for x in result.stderr.splitlines() if ": warning: " in x]
    assert warnings == [
        f"{path}:{line}: warning: term.initial_months: “Last day to ask for talks on extending the Agreement” "
        "(clause 15.2) falls on 2026-09-30, before the Effective Date (2027-01-01): the Initial Term (3 months) is "
        "too short for the period counted back from its end, so this deadline has passed when the Agreement starts",
        f"{path}:{line}: warning: term.initial_months: “Start carrying out the Exit Plan (the Term is due to "
        "expire)” (clause 18.1) falls on 2026-12-31, before the Effective Date (2027-01-01): the Initial Term "
        "(3 months) is too short for the period counted back from its end, so this deadline has passed when the "
        "Agreement starts"]
    assert any(x.startswith("  2026-09-30 Wed Last day to ask for talks") for x in result.stdout.splitlines())
    assert run(path, "--format", "csv").stderr.count(": warning: ") == 2
    (deal,) = json.loads(run(path, "--format", "json").stdout)["deals"]
    assert [(w["line"], w["path"], w["code"]) for w in deal["warnings"]] == [(line, "term.initial_months",
                                                                              "before-start")] * 2
    (canonical,) = json.loads(run(CANONICAL, "--format", "json").stdout)["deals"]
    assert canonical["warnings"] == [] and not run(CANONICAL).stderr.count(": warning: ")
