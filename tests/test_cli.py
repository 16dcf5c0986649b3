"""The command line, through click's runner and through a real subprocess: wiring, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from termsmith import api
from termsmith.cli import cli
from termsmith.library.lock import lock_path

from .conftest import CANONICAL, MINI, ROOT


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_draft_writes_docx_md_and_manifest(tmp_path):
    done = run("draft", CANONICAL, "-o", tmp_path)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["acme-globex-2027.docx", "acme-globex-2027.manifest.json", "acme-globex-2027.md"]
    text = (tmp_path / "acme-globex-2027.md").read_text()
    for needle in ("Acme Cloud Ltd", "Globex Analytics GmbH", "Roles and Responsibilities", "Service Levels",
                   "Budget", "Dispute Resolution", "Termination", "Exit and Transition", "Jane Smith", "Max Müller"):
        assert needle in text


def test_format_option_limits_outputs(tmp_path):
    done = run("draft", CANONICAL, "-o", tmp_path, "--format", "md", "--library", MINI)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "acme-globex-2027.docx").exists()
    assert (tmp_path / "acme-globex-2027.md").exists()


def test_invalid_deal_exits_1_with_located_messages(tmp_path, deal_data, write_deal):
    deal_data["budget"]["cost_sharing"]["acme"] = 50
    deal_data["exit"]["termination_for_cause"]["cure_days"] = 200
    path = write_deal(deal_data)
    done = run("check", path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert any(line.startswith(f"{path}:") and "budget.cost_sharing: shares add up to 90, expected 100" in line for line in lines)
    assert any("exit.termination_for_cause.cure_days" in line for line in lines)
    assert done.stdout == ""


def test_invalid_deal_writes_nothing(tmp_path, deal_data, write_deal):
    deal_data["parties"][1]["id"] = "acme"
    out = tmp_path / "out"
    done = run("draft", write_deal(deal_data), "-o", out)
    assert done.returncode == 1 and "declared twice" in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("command", ["draft", "check", "lock"])
def test_a_language_without_locale_data_is_a_located_input_error(command, tmp_path, deal_data, write_deal):
    deal_data["deal"]["language"] = "xx-XX"  # the right shape, but no locale to write dates and numbers in
    path = write_deal(deal_data)
    args = [command, path, "-o", tmp_path / "out"] if command == "draft" else [command, path]
    done = run(*args)
    assert done.returncode == 1, done.stderr
    assert f"{path}:" in done.stderr and "deal.language" in done.stderr and "xx-XX" in done.stderr
    assert "internal error" not in done.stderr
    assert not (tmp_path / "out").exists() and not lock_path(path).exists()


def test_usage_errors_exit_2(tmp_path):
    assert run("draft").returncode == 2
    assert run("frobnicate").returncode == 2
    done = run("draft", CANONICAL, "--format", "pdf")
    assert done.returncode == 2 and "unknown format pdf" in done.stderr
    for empty in ("", " , "):  # no format at all is a mistake, not a request for the default files
        done = run("draft", CANONICAL, "--format", empty, "-o", tmp_path / "out")
        assert done.returncode == 2 and "unknown format (none)" in done.stderr and not (tmp_path / "out").exists()


def test_missing_file_exits_1_without_traceback(tmp_path):
    done = run("check", tmp_path / "nope.yaml")
    assert done.returncode == 1 and "file not found" in done.stderr and "Traceback" not in done.stderr


def test_piped_output_is_complete_after_the_fast_exit():
    # main() leaves with os._exit: whatever was printed must still reach a pipe whole
    done = run("schema")
    assert done.returncode == 0
    assert json.loads(done.stdout)["title"]


_BUGGY = """
import sys
from termsmith import api
from termsmith.cli import main

def broken(*args, **kwargs):
    raise RuntimeError("simulated bug")

api.check = broken
sys.argv = ["termsmith", "check", sys.argv[1]]
main()
"""


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_exits_3_and_shows_a_traceback_only_when_asked(debug):
    import os

    env = {**os.environ, "TERMSMITH_DEBUG": "1"} if debug else {k: v for k, v in os.environ.items()
                                                               if k != "TERMSMITH_DEBUG"}
    done = subprocess.run([sys.executable, "-c", _BUGGY, str(CANONICAL)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 3
    assert ("Traceback" in done.stderr) is debug
    assert "simulated bug" in done.stderr


def test_check_ok():
    done = run("check", CANONICAL)
    assert done.returncode == 0 and "ok" in done.stdout


def test_explain_lists_every_clause_with_version_and_reason():
    result = CliRunner().invoke(cli, ["explain", str(CANONICAL), "--library", str(MINI)])
    assert result.exit_code == 0, result.output
    assert "+ exit.convenience" in result.output and "because exit.termination_for_convenience.allowed = true" in result.output
    assert "- terms.renewal-none" in result.output and "left out" in result.output
    assert "1.1.0" in result.output


def test_schema_is_json_schema_describing_every_field():
    result = CliRunner().invoke(cli, ["schema"])
    schema = json.loads(result.output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["required"]) >= {"deal", "parties", "term", "roles", "conflict_resolution", "exit"}
    defs = schema["$defs"]
    assert "cure_days" in defs["CauseTermination"]["properties"]
    assert defs["CauseTermination"]["properties"]["cure_days"]["description"]
    # each model has a name of its own: two alike were listed as termsmith__deal__model__Deadlock__1 and __2
    assert [name for name in defs if not name.isidentifier() or "__" in name] == []


@pytest.mark.parametrize("args", [["--help"], ["draft", "--help"], ["--version"]])
def test_help_and_version(args):
    assert CliRunner().invoke(cli, args).exit_code == 0


def test_schema_describes_every_field():
    schema = json.loads(CliRunner().invoke(cli, ["schema"]).output)
    missing = [f"{name}.{prop}" for name, model in [("Deal", schema), *schema["$defs"].items()]
               for prop, spec in model.get("properties", {}).items() if not spec.get("description")]
    assert missing == []


def test_check_validates_the_deal_once(monkeypatch):
    import termsmith.deal.validate as validate

    calls = []
    real = validate.validate
    monkeypatch.setattr(validate, "validate", lambda loaded: calls.append(loaded) or real(loaded))
    api.check(CANONICAL, library=MINI)
    assert len(calls) == 1


def test_the_cli_maps_errors_to_messages_in_one_place():
    source = (ROOT / "termsmith" / "cli.py").read_text(encoding="utf-8")
    assert source.count("except TermsmithError") == 1
