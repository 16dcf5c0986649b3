"""Deal terms declared by the library (library.yaml `terms:`): a new negotiated option ships as a library
change alone, and a deal's terms are validated as strictly as the core model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from .conftest import CANONICAL, MINI, git, make_library_repo

TERMS = """
terms:
  jury_waiver:
    type: bool
    default: false
    description: Each party waives trial by jury.
    since: 1.3.0
  insurance_amount:
    type: money
    min: 1000
    description: The professional indemnity cover each party keeps.
  claims_party:
    type: party
    description: The party that handles end-customer claims.
"""
CLAUSE = """---
id: exit.jury
version: 1.0.0
title: Waiver of jury trial
area: exit
order: 90
when: terms.jury_waiver
changelog: first version
---
Each Party waives any right to a trial by jury. {{ terms.claims_party | party }} handles claims and keeps
insurance of {{ terms.insurance_amount | money("EUR") }}.
"""
CANONICAL_TEXT = CANONICAL.read_text(encoding="utf-8")


def termsmith(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def lib(tmp_path):
    root = tmp_path / "lib"
    shutil.copytree(MINI, root)
    with (root / "library.yaml").open("a", encoding="utf-8") as fh:
        fh.write(TERMS)
    (root / "clauses/exit/jury.md").write_text(CLAUSE, encoding="utf-8")
    return root


def deal_with(tmp_path, terms: str | None) -> object:
    path = tmp_path / "deal.yaml"
    path.write_text(CANONICAL_TEXT + (f"\nterms:\n{terms}" if terms is not None else ""), encoding="utf-8")
    return path


def test_a_term_selects_its_clause_only_when_the_deal_sets_it(tmp_path, lib):
    chosen = deal_with(tmp_path, "  jury_waiver: true\n  insurance_amount: 2000000\n  claims_party: globex\n")
    done = termsmith("draft", chosen, "--library", lib, "-o", tmp_path / "out", "--format", "md")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "out" / "acme-globex-2027.md").read_text(encoding="utf-8")
    assert "trial by jury" in text and "Globex handles claims" in text and "EUR 2,000,000" in text
    explained = termsmith("explain", chosen, "--library", lib)
    assert "exit.jury" in explained.stdout and "terms.jury_waiver = true" in explained.stdout

    by_default = deal_with(tmp_path, None)
    done = termsmith("draft", by_default, "--library", lib, "-o", tmp_path / "out2", "--format", "md")
    assert done.returncode == 0, done.stderr
    assert "trial by jury" not in (tmp_path / "out2" / "acme-globex-2027.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("terms, message", [
    ("  jury_waiver: perhaps\n", "terms.jury_waiver: must be true or false (got 'perhaps')"),
    # the words the deal's own fields use, not pydantic's ("Input should be a valid integer (got [True])")
    ("  jury_waiver: true\n  insurance_amount: [true]\n  claims_party: globex\n",
     "terms.insurance_amount: must be a number"),
    ("  jury_waver: true\n", "terms.jury_waver: unknown term 'jury_waver'; did you mean 'jury_waiver'?"),
    ("  jury_waiver: true\n  insurance_amount: 10\n  claims_party: globex\n", "terms.insurance_amount"),
    ("  jury_waiver: true\n  insurance_amount: 5000\n  claims_party: initech\n", "terms.claims_party"),
    ("  jury_waiver: true\n  claims_party: globex\n", "terms.insurance_amount: missing: read by a clause"),
])
def test_a_bad_term_is_located_in_the_deal_file(tmp_path, lib, terms, message):
    deal = deal_with(tmp_path, terms)
    done = termsmith("check", deal, "--library", lib)
    assert done.returncode == 1 and message in done.stderr, done.stderr
    import re

    assert re.search(r"deal\.yaml:\d+: terms\.", done.stderr), done.stderr  # located at its line


def test_the_schema_shows_the_declared_terms(lib):
    schema = json.loads(termsmith("schema", "--library", lib).stdout)
    terms = schema["properties"]["terms"]["properties"]
    assert terms["jury_waiver"]["default"] is False and "jury" in terms["jury_waiver"]["description"]
    assert "insurance_amount" in terms and "claims_party" in terms


def test_lint_finds_a_misspelt_term_and_an_unread_declaration(lib):
    clause = lib / "clauses/exit/jury.md"
    clause.write_text(CLAUSE.replace("when: terms.jury_waiver", "when: terms.jury_waivr"), encoding="utf-8")
    done = termsmith("lint", lib)
    assert done.returncode == 1
    assert "jury.md:7" in done.stdout and "terms.jury_waivr" in done.stdout and "did you mean 'jury_waiver'" in done.stdout
    assert "terms.jury_waiver: declared, but no clause or condition reads it" in done.stdout


@pytest.mark.parametrize("declaration, message", [
    ("  odd:\n    type: colour\n", "unknown type 'colour'"),
    ("  fee:\n    type: percent\n    default: 150\n", "default 150 is not a valid value"),
    ("  tier:\n    type: choice\n    choices: [gold, silver]\n    default: bronze\n", "default 'bronze'"),
    ("  exit:\n    type: bool\n", "'exit' is a core section"),
])
def test_a_bad_declaration_is_located_in_library_yaml(lib, declaration, message):
    text = (lib / "library.yaml").read_text(encoding="utf-8")
    (lib / "library.yaml").write_text(text + declaration, encoding="utf-8")
    done = termsmith("check", CANONICAL, "--library", lib)
    assert done.returncode == 1 and "library.yaml" in done.stderr and message in done.stderr, done.stderr


def test_a_retyped_term_needs_a_major_library_version(tmp_path, lib):
    repo = make_library_repo(tmp_path / "repo", source=lib)
    manifest = repo / "library" / "library.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("    type: bool\n    default: false", "    type: text\n    default: 'no'")
                        .replace("version: 1.2.0", "version: 1.3.0"), encoding="utf-8")
    (repo / "library" / "CHANGELOG.md").write_text("# Changelog\n\n## 1.3.0\n\n- jury waiver as text\n", encoding="utf-8")
    done = termsmith("lint", repo / "library", "--base", "v1.2.0", cwd=repo)
    assert done.returncode == 1 and "needs a major version" in done.stdout, done.stdout + done.stderr
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("version: 1.3.0", "version: 2.0.0"),
                        encoding="utf-8")
    (repo / "library" / "CHANGELOG.md").write_text("# Changelog\n\n## 2.0.0\n\n- jury waiver as text\n", encoding="utf-8")
    git(repo, "add", ".")
    done = termsmith("lint", repo / "library", "--base", "v1.2.0", cwd=repo)
    assert "needs a major version" not in done.stdout, done.stdout


def test_new_offers_the_declared_terms_and_the_skeleton_checks(tmp_path, lib):
    done = termsmith("new", tmp_path / "fresh.yaml", "--library", lib, "--defaults")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "fresh.yaml").read_text(encoding="utf-8")
    assert "# jury_waiver: false   # bool: Each party waives trial by jury." in text
    assert "# insurance_amount:   # money: The professional indemnity cover each party keeps. (no default)" in text
    assert "insurance_amount" in text and "claims_party" in text
    schema = json.loads((tmp_path / "deal.schema.json").read_text(encoding="utf-8"))
    assert "jury_waiver" in schema["properties"]["terms"]["properties"]
    assert termsmith("check", tmp_path / "fresh.yaml", "--library", lib).returncode == 0


RULES = """
rules:
  - require: terms.insurance_amount >= 1000000
    when: terms.jury_waiver
    field: terms.insurance_amount
    message: with a jury waiver, the insurance must be at least EUR 1,000,000
  - require: terms.claims_party != parties[0].id
    field: terms.claims_party
    severity: warning
    message: the first party usually does not handle end-customer claims
"""


def test_library_rules_compare_terms_with_each_other_and_with_the_deal(tmp_path, lib):
    with (lib / "library.yaml").open("a", encoding="utf-8") as fh:
        fh.write(RULES)
    broken = deal_with(tmp_path, "  jury_waiver: true\n  insurance_amount: 2000\n  claims_party: acme\n")
    done = termsmith("draft", broken, "--library", lib, "-o", tmp_path / "out")
    line = CANONICAL_TEXT.count("\n") + 4  # the insurance_amount line
    assert done.returncode == 1, done.stdout
    assert f"deal.yaml:{line}: terms.insurance_amount: with a jury waiver, the insurance must be at least EUR 1,000,000" \
        in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()
    waived = deal_with(tmp_path, "  jury_waiver: false\n  insurance_amount: 2000\n  claims_party: acme\n")
    checked = termsmith("check", waived, "--library", lib)
    assert checked.returncode == 0, checked.stderr
    assert f"deal.yaml:{line + 1}: warning: terms.claims_party: the first party usually does not handle" in checked.stderr


def test_a_broken_rule_is_located_in_library_yaml(lib):
    with (lib / "library.yaml").open("a", encoding="utf-8") as fh:
        fh.write("rules:\n  - require: terms.jury_waiver ==\n    field: terms.jury_waiver\n    message: x\n")
    done = termsmith("check", CANONICAL, "--library", lib)
    assert done.returncode == 1 and "library.yaml" in done.stderr and "rules.0.require: not a valid expression" \
        in done.stderr, done.stderr


def test_lint_reads_the_terms_a_rule_reads(lib):
    with (lib / "library.yaml").open("a", encoding="utf-8") as fh:
        fh.write("rules:\n  - require: terms.insurance_amout > 0\n    field: terms.insurance_amount\n    message: x\n")
    done = termsmith("lint", lib)
    assert "rules[0].require" in done.stdout and "did you mean 'insurance_amount'" in done.stdout, done.stdout
