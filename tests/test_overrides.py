"""Deal overrides: a clause's own wording for one deal (replaced, removed, added) drafts with live numbers and
cross-references, is recorded in the manifest, the document properties and explain, and check / outdated /
redline --overrides tell when the library has moved on since the wording was negotiated."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from termsmith import api, report
from termsmith.cli import cli
from termsmith.errors import TermsmithError
from termsmith.review.redline import summary_lines

from .conftest import bundled_version, canonical_data

CONVENIENCE = bundled_version("termination/convenience.md")  # the version the wording is negotiated from

OVERRIDES = {
    "termination.convenience": {
        "based_on": CONVENIENCE,
        "text": "Any Party may end this Agreement for convenience on 60 days' written notice, subject to "
                "clause {{ ref(\"termination.consequences\") }}.\n"},
    "exit.final-accounting": {"removed": True},
    "termination.escrow": {"title": "Escrow of source code", "after": "termination.convenience",
                           "text": "The source code stays in escrow while clause {{ ref(\"termination.convenience\") }} "
                                   "applies."},
}


@pytest.fixture
def deal(tmp_path) -> Path:
    data = canonical_data()
    data["overrides"] = OVERRIDES
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def clause_text(draft, ident):
    clause = next(c for s in draft.sections for c in s.clauses if c.id == ident)
    return clause, "".join(getattr(i, "text", getattr(i, "label", "")) for b in clause.blocks for i in b.inlines)


def test_overrides_draft_with_live_numbers(deal):
    draft = api.build(deal)
    clause, text = clause_text(draft, "termination.convenience")
    consequences, _ = clause_text(draft, "termination.consequences")
    assert clause.label == "17.1" and text.replace("\u2019", "'") == f"Any Party may end this Agreement for convenience on 60 days' written " \
                                              f"notice, subject to clause {consequences.label}."
    escrow, text = clause_text(draft, "termination.escrow")
    assert escrow.label == "17.2" and escrow.title == "Escrow of source code" and text.endswith("clause 17.1 applies.")
    assert "exit.final-accounting" not in {c.id for s in draft.sections for c in s.clauses}
    assert {(o.id, o.kind, o.based_on) for o in draft.provenance.overrides} == {
        ("termination.convenience", "text", CONVENIENCE), ("exit.final-accounting", "removed", ""),
        ("termination.escrow", "added", "")}


def test_manifest_and_properties_record_overrides(deal, tmp_path):
    api.draft(deal, tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "acme-globex-2027.manifest.json").read_text())
    assert manifest["overrides"]["termination.convenience"] == {"based_on": CONVENIENCE, "kind": "text"}
    assert manifest["overrides"]["exit.final-accounting"] == {"kind": "removed"}
    custom = zipfile.ZipFile(tmp_path / "out" / "acme-globex-2027.docx").read("docProps/custom.xml").decode()
    assert f'name="termsmith.override.termination.convenience"><vt:lpwstr>text {CONVENIENCE}<' in custom


def test_a_deal_without_overrides_keeps_its_manifest(tmp_path):
    from .conftest import CANONICAL

    api.draft(CANONICAL, tmp_path)
    assert "overrides" not in json.loads((tmp_path / "acme-globex-2027.manifest.json").read_text())


def test_explain_marks_overridden_clauses(deal):
    lines = "\n".join(report.explanation(api.explain(deal)))
    assert "* termination.convenience" in lines and f"overridden by the deal (its own wording, negotiated from {CONVENIENCE})" in lines
    assert "- exit.final-accounting" in lines and "overridden by the deal (removed)" in lines
    assert "+ termination.escrow" in lines and "after termination.convenience" in lines


def test_check_and_outdated_warn_when_the_library_moved_since_based_on(deal):
    text = deal.read_text(encoding="utf-8").replace(f"based_on: {CONVENIENCE}", "based_on: 0.9.0")
    deal.write_text(text, encoding="utf-8")
    result = api.check(deal)
    stale = [w for w in result.warnings if w.path.startswith("overrides.")]  # besides plausibility warnings
    assert len(stale) == 1
    warning = stale[0]
    line = text.splitlines().index("    based_on: 0.9.0") + 1
    assert warning.line == line and warning.path == "overrides.termination.convenience"
    assert f"is now {CONVENIENCE}" in warning.message and "negotiated from 0.9.0" in warning.message
    done = CliRunner().invoke(cli, ["check", str(deal)])
    assert done.exit_code == 0 and f"{deal}:{line}: warning: overrides.termination.convenience" in done.output


def test_redline_shows_overrides_against_the_library_text(deal, tmp_path):
    result = api.redline(deal, None, tmp_path / "r.docx", overrides=True)
    lines = summary_lines(result.comparison)
    assert lines[0].startswith("1 added, 1 removed, 2 changed")
    assert any(line.startswith("~ 17.1 Termination for convenience") for line in lines)
    assert "+ 17.2 Escrow of source code" in lines and "- 18.8 Final accounting" in lines


@pytest.mark.parametrize("override, message", [
    ({"no.such": {"text": "x"}}, "the library has no clause no.such"),
    ({"termination.convenience": {"text": "x", "removed": True}}, "a removed clause has no text"),
    ({"new.one": {"text": "x", "after": "termination.convenience"}}, "needs a title"),
    ({"new.one": {"text": "x", "title": "T", "after": "no.such"}}, "clause no.such is not in this draft"),
    ({"termination.convenience": {"text": "{{ ref(\"nowhere\") }}"}}, "refers to 'nowhere'"),
    ({"termination.convenience": {"after": "termination.convenience"}}, "a clause cannot follow itself"),
    ({"termination.convenience": {"after": "termination.cause"}, "termination.cause": {"after":
                                                                                        "termination.convenience"}},
     "placed after a clause that is itself placed after it"),
])
def test_bad_overrides_are_one_located_line(override, message, tmp_path):
    data = canonical_data()
    data["overrides"] = override
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TermsmithError) as info:
        api.build(path)
    assert message in str(info.value)
    assert str(path) in str(info.value) or "deal.yaml" in str(info.value)


def test_an_override_too_long_to_draft_names_its_line_in_the_deal_file(tmp_path):
    """A limit of the whole text (more than 200,000 characters) has no template line of its own: the problem
    points at the line where the override's text starts, as a syntax error in it does."""
    data = canonical_data()
    data["overrides"] = {"termination.convenience": {"text": ("Either Party may terminate. " * 8000).strip()}}
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    with pytest.raises(TermsmithError) as info:
        api.build(path)
    problem = info.value.problems[0]
    assert "more than 200,000 characters" in problem.message
    assert problem.file == f"{path}#overrides.termination.convenience" and problem.line is not None
    text_line = next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                     if line.strip().startswith("text:"))
    assert problem.line == text_line  # a plain scalar starts on the key's line (a block scalar on the next)


@pytest.mark.parametrize("style", ["plain", "block", "next-line"])
def test_an_error_in_an_override_names_the_line_of_the_deal_file_it_is_on(tmp_path, style):
    """A plain scalar's text starts on its key's line, a block scalar's (`text: |`) on the next: the line of
    a syntax error in it is counted from there (a plain one was reported a line too low)."""
    data = canonical_data()
    data["overrides"] = {"termination.convenience": {"text": "PLACEHOLDER"}}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    broken = "Either Party may terminate.\n\nIt must give {{ notice of it."
    if style == "block":
        text = text.replace("text: PLACEHOLDER", "text: |\n      " + broken.replace("\n", "\n      ").replace("      \n", "\n"))
    elif style == "plain":
        text = text.replace("text: PLACEHOLDER", "text: 'It must give {{ notice of it.'")
    else:  # a quoted string that starts on the line after its key
        text = text.replace("text: PLACEHOLDER", "text:\n      'It must give {{ notice of it.'")
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TermsmithError) as info:
        api.build(path)
    want = next(n for n, line in enumerate(text.splitlines(), 1) if "{{ notice" in line)
    assert info.value.problems[0].line == want, (str(info.value), want)


def test_a_clause_the_deal_places_in_another_article_is_numbered_there(tmp_path):
    """`after` on a library clause moves it (a reviewer's move, absorbed): its number and the cross-references
    to it follow; the manifest records the move."""
    data = canonical_data()
    data["overrides"] = {"disputes.urgent-relief": {"after": "termination.convenience", "based_on": "1.0.0"}}
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    draft = api.build(path)
    where = {c.id: (s.id, c.label) for s in draft.sections for c in s.clauses}
    assert where["disputes.urgent-relief"] == ("termination", "17.2")
    assert where["termination.cause"] == ("termination", "17.3")
    notice = next(c for s in draft.sections for c in s.clauses if c.id == "disputes.notice")
    from termsmith.review.fromdocx import plain_text

    assert "Except as clause 17.2 allows" in plain_text(notice)
    assert ("disputes.urgent-relief", "moved", "1.0.0") in [(o.id, o.kind, o.based_on)
                                                           for o in draft.provenance.overrides]
