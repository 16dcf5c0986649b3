"""Reviewer notes: Word comments authored "termsmith" on the clauses to look at, the same notes closing the
Markdown twin, none when left out."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import zipfile

import pypandoc
from lxml import etree

from termsmith.draft import notes
from termsmith.draft.document import Note
from termsmith.render.markdown import render_markdown
from termsmith.render.word import render_docx

from ..docx_checks import contract_errors, schema_errors
from .conftest import MADE_AT, small_draft

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def q(name: str) -> str:
    return f"{{{W}}}{name}"


def noted_draft():
    draft = small_draft()
    return notes.with_notes(draft, [
        notes.note(draft, "warning", "schedule-budget", "The budget shares do not add up to 100 %."),
        notes.note(draft, "default", "termination.cause", "The deal gives no cure period: 30 days applied."),
        notes.note(draft, "override", "services.scope", "This clause is the deal's own \"negotiated\" wording."),
        notes.note(draft, "outdated", "no.such-clause", "left out: the draft does not have it"),
    ])


def test_notes_are_about_clauses_of_the_draft_in_its_order():
    draft = noted_draft()
    assert [(n.kind, n.target, n.label) for n in draft.notes] == [
        ("override", "services.scope", "clause 2.1"),
        ("default", "termination.cause", "clause 3.1"),
        ("warning", "schedule-budget", "Schedule 2"),
    ]
    assert notes.with_notes(draft, draft.notes) == draft  # each note once


def test_each_note_is_a_word_comment_by_termsmith_on_its_clause(tmp_path):
    draft = noted_draft()
    data = render_docx(draft)
    z = zipfile.ZipFile(io.BytesIO(data))
    comments = etree.fromstring(z.read("word/comments.xml"))
    document = etree.fromstring(z.read("word/document.xml"))
    rels = z.read("word/_rels/document.xml.rels").decode()
    assert "relationships/comments" in rels and "comments+xml" in z.read("[Content_Types].xml").decode()
    entries = comments.findall("w:comment", NS)
    assert [c.get(q("author")) for c in entries] == ["termsmith"] * 3
    assert {c.get(q("date")) for c in entries} == {MADE_AT}
    texts = ["".join(c.itertext()) for c in entries]
    assert texts[0] == " Negotiated wording: This clause is the deal\u2019s own \u201cnegotiated\u201d wording."
    assert texts[2].endswith("The budget shares do not add up to 100 %.")
    for comment, note in zip(entries, draft.notes, strict=True):
        cid = comment.get(q("id"))
        p = document.find(f".//w:commentRangeStart[@w:id='{cid}']/..", NS)
        assert p.find(f"w:commentRangeEnd[@w:id='{cid}']", NS) is not None
        assert p.find(f"w:r/w:commentReference[@w:id='{cid}']", NS) is not None
        assert note.anchor in [b.get(q("name")) for b in p.iter(q("bookmarkStart"))]  # on its clause
    path = tmp_path / "noted.docx"
    path.write_bytes(data)
    assert contract_errors(path) == []
    checked, errors = schema_errors(path)
    assert errors == [] and "word/comments.xml" in checked
    md = subprocess.run([pypandoc.get_pandoc_path(), "-f", "docx", "-t", "markdown", "--track-changes=all",
                         str(path)], capture_output=True, text=True, check=True).stdout
    assert md.count('.comment-start') == 3 and 'author="termsmith"' in md


def test_the_twin_closes_with_the_same_notes():
    md = render_markdown(noted_draft())
    closing = md.split("**Notes for the reviewer** (by termsmith, not part of the agreement)")[1]
    assert closing.strip().splitlines()[:3] == [
        "1. **Clause 2.1, negotiated wording:** This clause is the deal\u2019s own \u201cnegotiated\u201d wording.",
        "2. **Clause 3.1, default applied:** The deal gives no cure period: 30 days applied.",
        "3. **Schedule 2, check:** The budget shares do not add up to 100 %.",
    ]


def test_without_notes_neither_format_has_any():
    draft = notes.without_notes(noted_draft())
    assert "word/comments.xml" not in zipfile.ZipFile(io.BytesIO(render_docx(draft))).namelist()
    assert "Notes for the reviewer" not in render_markdown(draft)
    assert render_docx(draft) == render_docx(small_draft())


def test_a_note_to_nothing_is_an_error():
    draft = dataclasses.replace(small_draft(), notes=(Note("warning", "x", "_Ref_nothing", "x", "x"),))
    try:
        render_docx(draft)
    except ValueError as exc:
        assert "_Ref_nothing" in str(exc)
    else:
        raise AssertionError("a note to a missing bookmark was rendered")


def test_defaults_and_warnings_become_notes_on_the_clauses_they_concern():
    from types import SimpleNamespace

    draft = small_draft()
    defaults = [SimpleNamespace(path="exit.cure_days", value="30", clauses=("termination.cause", "termination.effect")),
                SimpleNamespace(path="unused.field", value="1", clauses=("not.in-this-draft",))]
    found = notes.default_notes(draft, defaults)
    assert [(n.kind, n.target) for n in found] == [("default", "termination.cause")]
    assert found[0].text == ("The deal does not set exit.cure_days, so the default 30 applies: confirm that it was "
                             "agreed, or set it in the deal. It is also used in clause 3.2.")
    warned = notes.warning_notes(draft, [("schedule-budget", "Shares add up to 90 %."), ("nowhere", "x")])
    assert [(n.kind, n.target, n.label) for n in warned] == [("warning", "schedule-budget", "Schedule 2")]


def test_the_defaults_one_clause_reads_share_one_note():
    from types import SimpleNamespace

    draft = small_draft()
    defaults = [SimpleNamespace(path="terms.audit_refund_days", value="30", clauses=("termination.cause",)),
                SimpleNamespace(path="terms.records_years", value="6", clauses=("termination.cause", "termination.effect"))]
    found = notes.default_notes(draft, defaults)
    assert [(n.kind, n.target) for n in found] == [("default", "termination.cause")]
    assert found[0].text == ("The deal does not set these fields, so their defaults apply: terms.audit_refund_days = 30; "
                             "terms.records_years = 6 (also used in clause 3.2). Confirm that they were agreed, or set "
                             "them in the deal.")


def test_a_warning_about_a_deal_field_goes_on_the_first_clause_that_reads_it():
    from types import SimpleNamespace

    draft = small_draft()
    texts = {"services.scope": "{{ deal.purpose }}", "termination.cause": "{% for row in roles.raci %}{{ row }}",
             "schedule.sla.targets": "{{ roles.raci_note }}"}
    assert notes.field_clause(draft, texts, "roles.raci[2].consulted") == "termination.cause"
    assert notes.field_clause(draft, texts, "deal.purpose") == "services.scope"
    assert notes.field_clause(draft, texts, "budget.total") is None
    loops = {"definitions.terms": "{% set p = slas.metrics[0].provider %}",
             "services.standards": "{% for m in slas.metrics %}{{ m.credits }}{% endfor %}"}
    assert notes.field_clause(draft, loops, "slas.metrics[1].credits") == "services.standards"
    found = notes.field_warning_notes(draft, texts, [SimpleNamespace(path="roles.raci[0]", message="Acme is R and C.")])
    assert [(n.kind, n.target, n.text) for n in found] == [("warning", "termination.cause", "Acme is R and C.")]
