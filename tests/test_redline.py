"""Redlines: accepting every revision gives the new draft, rejecting every one the old, for real changes of the
canonical deal; the .docx passes the contract lint and the XSDs; the three ways of naming OLD and NEW; the CLI."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from lxml import etree

from termsmith import api
from termsmith.draft.document import CrossRef, Paragraph, Span, Table
from termsmith.errors import TermsmithError
from termsmith.review.redline import compare, render_redline, summary_lines
from termsmith.render.word import render_docx
from termsmith.draft.revisions import Deleted, Inserted, Tracked, TrackedTable

from .conftest import ROOT, bundled_version, canonical_data, git, make_library_repo

# clause 17.1 as the bundled library has it, and the version the library-revision tests reword it to
CONVENIENCE = bundled_version("termination/convenience.md")
REWORDED = ".".join((*CONVENIENCE.split(".")[:1], str(int(CONVENIENCE.split(".")[1]) + 1), "0"))
from .docx_checks import contract_errors, schema_errors
from .render.conftest import small_draft

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
AUTHOR, DATE = "Reviewer Q", "2027-02-03T00:00:00Z"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


# ── the three kinds of change, on the canonical deal ───────────────────────────────────────
def value_change(d: dict) -> None:
    d["exit"]["termination_for_convenience"]["notice_days"] = 90


def variant_swap(d: dict) -> None:
    resolution = d["conflict_resolution"]
    resolution["final"] = "courts"
    del resolution["arbitration"]
    resolution["courts"] = {"venue": "London"}


def clause_removed(d: dict) -> None:
    d["exit"]["transition"]["customer_migration"] = False


KINDS = {"value": value_change, "swap": variant_swap, "removed": clause_removed}


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def deals(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("deals")
    out = {"old": write_yaml(folder / "old.yaml", canonical_data())}
    for kind, change in KINDS.items():
        data = canonical_data()
        change(data)
        out[kind] = write_yaml(folder / f"{kind}.yaml", data)
    return out


@pytest.fixture(scope="module")
def drafts(deals):
    return {name: api.build(path) for name, path in deals.items()}


@pytest.fixture(scope="module")
def comparisons(drafts):
    return {kind: compare(drafts["old"], drafts[kind], author=AUTHOR, date=DATE) for kind in KINDS}


@pytest.fixture(scope="module")
def files(drafts, comparisons, tmp_path_factory) -> dict[str, Path]:
    """old.docx, <kind>.docx (plain drafts) and <kind>-redline.docx / .md."""
    folder = tmp_path_factory.mktemp("docx")
    out = {}
    for name, the_draft in drafts.items():
        out[name] = folder / f"{name}.docx"
        out[name].write_bytes(render_docx(the_draft))
    for kind, comparison in comparisons.items():
        rendered = render_redline(comparison)
        out[f"{kind}-redline"] = folder / f"{kind}-redline.docx"
        out[f"{kind}-redline"].write_bytes(rendered["docx"])
        out[f"{kind}-md"] = folder / f"{kind}-redline.md"
        out[f"{kind}-md"].write_bytes(rendered["md"])
    return out


def document_xml(path: Path) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))


# ── pandoc reads the redline back ──────────────────────────────────────────────────────────
def pandoc_text(path: Path, track: str | None = None) -> str:
    """Plain text of a .docx as pandoc reads it (accepting or rejecting its revisions).

    One normalisation, applied alike to every side compared: pandoc's docx reader removes a numbered
    paragraph whose mark is deleted (accept) or inserted (reject) but keeps an empty list item in its
    place (Readers/Docx.hs wraps the merged-away paragraph in a "list-item" div regardless), and likewise
    an empty heading or table row; Word removes them. So empty list items, headings, paragraphs and table
    rows are dropped from pandoc's AST, and ordered lists start at 1 (the start numbers pandoc derives
    count the empty items; they are pandoc's own numbering, not Word's labels, in any case). Table column
    widths are dropped too: they are layout (the redline sizes a table for its new text), and pandoc's
    plain writer pads cells by them.
    """
    pypandoc = pytest.importorskip("pypandoc")
    pandoc = pypandoc.get_pandoc_path()
    args = [pandoc, "-f", "docx", "-t", "json", *([f"--track-changes={track}"] if track else []), str(path)]
    ast = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    ast["blocks"] = _drop_empty(ast["blocks"])
    return subprocess.run([pandoc, "-f", "json", "-t", "plain", "--wrap=none"], input=json.dumps(ast),
                          capture_output=True, text=True, check=True).stdout


def _drop_empty(blocks: list) -> list:
    return [b for b in (_without_empty(b) for b in blocks) if b is not None]


def _without_empty(block: dict) -> dict | None:
    kind, content = block["t"], block.get("c")
    if kind in ("Para", "Plain", "Header"):
        inlines = content[2] if kind == "Header" else content
        return block if any(i["t"] not in ("Space", "SoftBreak", "LineBreak") for i in inlines) else None
    if kind in ("OrderedList", "BulletList"):
        items = content[1] if kind == "OrderedList" else content
        items = [i for i in (_drop_empty(item) for item in items) if i]
        if not items:
            return None
        return {"t": kind, "c": [[1, *content[0][1:]], items] if kind == "OrderedList" else items}
    if kind == "Div":
        inner = _drop_empty(content[1])
        return {"t": kind, "c": [content[0], inner]} if inner else None
    if kind == "BlockQuote":
        inner = _drop_empty(content)
        return {"t": kind, "c": inner} if inner else None
    if kind == "Table":
        attr, caption, specs, head, bodies, foot = content

        def rows(items: list) -> list:
            out = []
            for row_attr, cells in items:
                cells = [[c_attr, align, rs, cs, _drop_empty(body)] for c_attr, align, rs, cs, body in cells]
                if any(cell[4] for cell in cells):
                    out.append([row_attr, cells])
            return out

        head = [head[0], rows(head[1])]
        bodies = [[b_attr, heads, rows(h), rows(body)] for b_attr, heads, h, body in bodies]
        if not head[1] and not any(b[3] for b in bodies):
            return None
        specs = [[align, {"t": "ColWidthDefault"}] for align, _width in specs]
        return {"t": kind, "c": [attr, caption, specs, head, bodies, foot]}
    return block


@pytest.fixture(scope="module")
def old_text(files) -> str:
    return pandoc_text(files["old"])


@pytest.mark.parametrize("kind", list(KINDS))
def test_accepting_all_gives_new_and_rejecting_all_gives_old(kind, files, old_text):
    new_text = pandoc_text(files[kind])
    assert new_text != old_text  # the normalisation does not hide the change itself
    assert pandoc_text(files[f"{kind}-redline"], "accept") == new_text
    assert pandoc_text(files[f"{kind}-redline"], "reject") == old_text


def test_pandoc_sees_the_revisions_with_author_and_date(files):
    pypandoc = pytest.importorskip("pypandoc")
    md = subprocess.run([pypandoc.get_pandoc_path(), "-f", "docx", "-t", "markdown", "--wrap=none", "--track-changes=all",
                         str(files["value-redline"])], capture_output=True, text=True, check=True).stdout
    assert f'[180]{{.deletion author="{AUTHOR}" date="{DATE}"}}' in md
    assert f'[90]{{.insertion author="{AUTHOR}" date="{DATE}"}}' in md


# ── the same round trip on the XML itself: styles (so numbering), text, references, bookmarks ──
def accepted(root: etree._Element) -> etree._Element:
    """The body as Word shows it after Accept All: deletions gone, insertions kept."""
    return _resolve(copy.deepcopy(root), keep="ins", drop="del")


def rejected(root: etree._Element) -> etree._Element:
    return _resolve(copy.deepcopy(root), keep="del", drop="ins")


def _resolve(root: etree._Element, keep: str, drop: str) -> etree._Element:
    for el in list(root.iter(q(drop))):
        parent = el.getparent()
        if parent.tag == q("rPr") and parent.getparent().tag == q("pPr"):
            # a dropped paragraph mark joins the paragraph to the next; all of ours are wholly revised
            paragraph = parent.getparent().getparent()
            assert not paragraph.xpath(".//w:t", namespaces=NS) or drop == "ins", "a joined paragraph kept text"
            paragraph.getparent().remove(paragraph)
        elif parent.tag == q("trPr"):
            row = parent.getparent()
            row.getparent().remove(row)
        elif el.getparent() is not None:
            parent.remove(el)
    for el in list(root.iter(q(keep))):
        parent = el.getparent()
        if parent.tag == q("rPr"):
            parent.remove(el)
            if len(parent) == 0:
                parent.getparent().remove(parent)
            continue
        if parent.tag == q("trPr"):
            parent.remove(el)
            continue
        for child in list(el):
            el.addprevious(child)
        parent.remove(el)
    for old, new in (("delText", "t"), ("delInstrText", "instrText")):
        for el in root.iter(q(old)):
            el.tag = q(new)
    return root


def signature(root: etree._Element) -> list[tuple]:
    """Each body paragraph: its style, direct numbering, text, field instructions and bookmark names."""
    body = root.find("w:body", NS)
    out = []
    for p in body.iter(q("p")):
        style = p.find("w:pPr/w:pStyle", NS)
        num = p.find("w:pPr/w:numPr/w:ilvl", NS)
        out.append((
            None if style is None else style.get(q("val")),
            None if num is None else num.get(q("val")),
            "".join(t.text or "" for t in p.iter(q("t"))),
            tuple((i.text or "").strip() for i in p.iter(q("instrText"))),
            tuple(b.get(q("name")) for b in p.iter(q("bookmarkStart"))),
        ))
    return out


@pytest.mark.parametrize("kind", list(KINDS))
def test_word_accept_and_reject_give_each_draft_paragraph_for_paragraph(kind, files):
    redline = document_xml(files[f"{kind}-redline"])
    assert signature(accepted(redline)) == signature(document_xml(files[kind]))
    assert signature(rejected(redline)) == signature(document_xml(files["old"]))


# ── what a reviewer sees in Word ───────────────────────────────────────────────────────────
def revisions(root) -> list[etree._Element]:
    return [el for el in root.iter(q("ins"), q("del"))]


@pytest.mark.parametrize("kind", list(KINDS))
def test_contract_lint_and_schema_are_clean(kind, files):
    path = files[f"{kind}-redline"]
    assert contract_errors(path) == []
    checked, errors = schema_errors(path)
    assert errors == [] and "word/document.xml" in checked


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_revision_has_author_date_and_its_own_id(kind, files):
    root = document_xml(files[f"{kind}-redline"])
    marks = revisions(root)
    assert marks
    assert {(m.get(q("author")), m.get(q("date"))) for m in marks} == {(AUTHOR, DATE)}
    ids = Counter(el.get(q("id")) for el in [*marks, *root.iter(q("bookmarkStart"))])
    assert max(ids.values()) == 1
    assert not [d for d in root.iter(q("del")) if d.find(".//w:t", NS) is not None]
    assert not [d for d in root.iter(q("del")) if d.find(".//w:instrText", NS) is not None]


@pytest.mark.parametrize("kind", list(KINDS))
def test_only_changed_paragraphs_carry_revisions(kind, files):
    """A paragraph without revisions reads the same in both drafts; one with revisions really changed."""
    old = Counter(s[2] for s in signature(document_xml(files["old"])))
    new = Counter(s[2] for s in signature(document_xml(files[kind])))
    root = document_xml(files[f"{kind}-redline"])
    for p in root.find("w:body", NS).iter(q("p")):
        text = "".join(t.text or "" for t in p.iter(q("t")))
        if p.find(".//w:ins", NS) is None and p.find(".//w:del", NS) is None:
            assert old[text] and new[text], f"unmarked text that is not in both drafts: {text[:60]!r}"
            continue
        before = signature(rejected(_alone(p)))
        after = signature(accepted(_alone(p)))
        assert before != after


def _alone(p: etree._Element) -> etree._Element:
    root = etree.Element(q("document"), nsmap={"w": W})
    etree.SubElement(root, q("body")).append(copy.deepcopy(p))
    return root


def test_a_value_change_is_word_level(files):
    root = document_xml(files["value-redline"])
    changed = [p for p in root.iter(q("p")) if p.find(".//w:del", NS) is not None]
    clause = next(p for p in changed if "Termination for convenience." in "".join(t.text for t in p.iter(q("t"))))
    assert [d.xpath("string(.)") for d in clause.iter(q("del"))] == ["180", "29 June"]
    assert [i.xpath("string(.)") for i in clause.iter(q("ins"))] == ["90", "31 March"]
    assert clause.find("w:pPr/w:rPr", NS) is None  # the paragraph itself stays
    text = "".join(t.text for t in clause.iter(q("t")))
    assert "at least 90 days’ notice" in text


def test_a_removed_clause_is_deleted_whole_keeping_its_numbered_style(files):
    root = document_xml(files["removed-redline"])
    deleted = [p for p in root.iter(q("p")) if p.find("w:pPr/w:rPr/w:del", NS) is not None]
    head = next(p for p in deleted if p.xpath("string(.)").startswith("Migration of customers."))
    assert head.find("w:pPr/w:pStyle", NS).get(q("val")) == "ClauseLevel1"  # Word numbers it, struck through
    assert head.find(".//w:t", NS) is None
    items = [p for p in deleted[deleted.index(head) + 1:] if p.find("w:pPr/w:pStyle", NS).get(q("val")) == "ClauseLevel2"]
    assert [p.xpath("string(.)")[:10] for p in items[:4]] == ["agree a mi", "communicat", "transfer t", "not encour"]
    rows = [tr for tr in root.iter(q("tr")) if tr.find("w:trPr/w:del", NS) is not None]
    assert [r.xpath("string(.)").startswith("Migration of customers completed") for r in rows] == [True]


def test_a_swapped_variant_deletes_one_clause_and_inserts_the_other(files, comparisons):
    root = document_xml(files["swap-redline"])
    inserted = [p for p in root.iter(q("p")) if p.find("w:pPr/w:rPr/w:ins", NS) is not None]
    assert any(p.xpath("string(.)").startswith("Jurisdiction. Any Dispute that has not been resolved") for p in inserted)
    deleted = [p for p in root.iter(q("p")) if p.find("w:pPr/w:rPr/w:del", NS) is not None]
    assert any(p.xpath("string(.)").startswith("Arbitration. Any Dispute") for p in deleted)
    lines = summary_lines(comparisons["swap"])
    assert "- 16.4 Arbitration" in lines and "+ 16.4 Jurisdiction" in lines


def test_identical_drafts_give_no_revisions(drafts):
    comparison = compare(drafts["old"], drafts["old"], author=AUTHOR, date=DATE)
    assert comparison.unchanged and summary_lines(comparison) == ["no changes"]
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(render_redline(comparison, ("docx",))["docx"]))
                            .read("word/document.xml"))
    assert not revisions(root)


# ── the summary and the Markdown twin ──────────────────────────────────────────────────────
def test_summary_names_the_clauses_with_their_numbers(comparisons):
    value = summary_lines(comparisons["value"])
    assert value[0].startswith("0 added, 0 removed, 2 changed")
    assert "~ 17.1 Termination for convenience (least 180 days’ → least 90 days’; 1 more)" in value
    assert any(line.startswith("~ Schedule 5 para 2 Timetable") for line in value)
    removed = summary_lines(comparisons["removed"])
    # support for existing customers no longer refers to the migration clause
    assert removed[0].startswith("0 added, 1 removed, 3 changed; cross-references updated in")
    assert "- 18.4 Migration of customers" in removed


def test_markdown_twin_marks_changes_in_criticmarkup(files):
    value = files["value-md"].read_text(encoding="utf-8")
    assert "at least {~~180~>90~~} days’ notice" in value
    assert "~ 17.1 Termination for convenience" in value  # the summary comes first
    swap = files["swap-md"].read_text(encoding="utf-8")
    assert "{--**16.4 Arbitration.** Any Dispute" in swap
    assert "{++**16.4 Jurisdiction.** Any Dispute that has not been resolved" in swap
    removed = files["removed-md"].read_text(encoding="utf-8")
    assert "{--**18.4 Migration of customers.**" in removed
    assert "| {--Migration of customers completed--} |" in removed


# ── inline formatting, references and tables survive on both sides ─────────────────────────
def _edit_clause(draft, clause_id: str, edit):
    sections = []
    for section in draft.sections:
        clauses = tuple(dataclasses.replace(c, blocks=edit(c.blocks)) if c.id == clause_id else c
                        for c in section.clauses)
        sections.append(dataclasses.replace(section, clauses=clauses))
    return dataclasses.replace(draft, sections=tuple(sections))


def test_formatting_references_and_table_rows_survive(tmp_path):
    old = small_draft()

    def scope(blocks):
        first = blocks[0]
        inlines = list(first.inlines)
        inlines[0] = Span("The Provider must provide the Services in line with ")  # two words changed
        inlines.append(Span(" promptly", bold=True))
        return (dataclasses.replace(first, inlines=tuple(inlines)), *blocks[1:])

    def budget(blocks):
        table = blocks[1]
        rows = ((table.rows[0][0], (Span("55 %"),), (Span("550,000"),)), table.rows[1],
                ((Span("Initech"),), (Span("5 %"),), (Span("50,000"),)))
        return (blocks[0], dataclasses.replace(table, rows=rows))

    new = _edit_clause(_edit_clause(old, "services.scope", scope), "schedule.budget.shares", budget)
    comparison = compare(old, new, author=AUTHOR, date=DATE)
    clauses = {c.id: c for s in comparison.redline.sections for c in s.clauses}
    paragraph = clauses["services.scope"].blocks[0]
    assert isinstance(paragraph, Paragraph)
    refs = [i for i in paragraph.inlines if isinstance(i, CrossRef)]
    assert [r.label for r in refs] == ["1.2", "Schedule 2"] and refs[1].bold  # unchanged, untouched
    assert Inserted((Span(" promptly", bold=True),)) in paragraph.inlines
    assert Deleted((Span("shall"),)) in paragraph.inlines
    table = clauses["schedule.budget.shares"].blocks[1]
    assert isinstance(table, TrackedTable)
    assert [r.change for r in table.rows] == [None, None, "insert"]
    assert table.rows[0].cells[1] == (Deleted((Span("60"),)), Inserted((Span("55"),)), Span(" %"))

    _assert_round_trip(old, new, comparison, tmp_path)


def test_a_kept_paragraph_keeps_its_bookmark_outside_its_changes(tmp_path):
    """A clause whose first and last words change: its bookmark must survive Accept All and Reject All."""
    def untitled(blocks, first="Either", last="Party"):
        p = blocks[0]
        text = f"{first} Party may terminate this Agreement by notice if the other {last}"
        return (dataclasses.replace(p, title=None, inlines=(Span(text),)), *blocks[1:])

    old = _edit_clause(small_draft(), "termination.cause", untitled)
    new = _edit_clause(small_draft(), "termination.cause",
                       lambda blocks: untitled(blocks, "Any", "Parties"))
    data = render_redline(compare(old, new, author=AUTHOR, date=DATE), ("docx",))["docx"]
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    clause = next(p for p in root.iter(q("p"))
                  if p.find(".//w:bookmarkStart[@w:name='_Ref_termination_cause']", NS) is not None)
    assert [d.xpath("string(.)") for d in clause.iter(q("del"))] == ["Either", "Party"]
    assert [i.xpath("string(.)") for i in clause.iter(q("ins"))] == ["Any", "Parties"]
    assert clause.find("w:ins/w:bookmarkEnd", NS) is None and clause.find("w:del/w:bookmarkStart", NS) is None
    kept = [p for p in root.iter(q("p")) if not p.xpath("w:pPr/w:rPr/w:ins | w:pPr/w:rPr/w:del", namespaces=NS)]
    assert not [p for p in kept if p.xpath(".//w:ins/w:bookmarkStart | .//w:ins/w:bookmarkEnd | "
                                           ".//w:del/w:bookmarkStart | .//w:del/w:bookmarkEnd", namespaces=NS)]


def test_parties_headings_and_titles_round_trip(tmp_path):
    """A party left out, a heading and a clause title reworded, an article removed (so renumbering)."""
    old = small_draft()
    sections = [dataclasses.replace(s, title="Ending the Agreement") if s.id == "termination" else s
                for s in old.sections if s.id != "services"]
    new = dataclasses.replace(old, parties=old.parties[:2], title="Technology Alliance Agreement")
    new = _renumber(dataclasses.replace(new, sections=tuple(sections)))
    new = _edit_clause(new, "termination.effect",
                       lambda blocks: (dataclasses.replace(blocks[0], title="Effect of termination"), *blocks[1:]))
    comparison = compare(old, new, author=AUTHOR, date=DATE)
    lines = summary_lines(comparison)
    assert "- 2. Services (3 clauses)" in lines and "- 2.3 Reporting" in lines
    assert "~ 2. Ending the Agreement (heading was Termination)" in lines
    assert "~ 2.2 Consequences (title Consequences → Effect of termination)" in lines
    assert any(line.startswith("~ party removed: Smith & Jones") for line in lines)
    _assert_round_trip(old, new, comparison, tmp_path)


def _assert_round_trip(old, new, comparison, tmp_path):
    """Accept All gives NEW and Reject All gives OLD, in the XML and as pandoc reads them."""
    paths = {}
    for name, data in (("old", render_docx(old)), ("new", render_docx(new)),
                       ("redline", render_redline(comparison, ("docx",))["docx"])):
        paths[name] = tmp_path / f"{name}.docx"
        paths[name].write_bytes(data)
    redline = document_xml(paths["redline"])
    assert signature(accepted(redline)) == signature(document_xml(paths["new"]))
    assert signature(rejected(redline)) == signature(document_xml(paths["old"]))
    assert pandoc_text(paths["redline"], "accept") == pandoc_text(paths["new"])
    assert pandoc_text(paths["redline"], "reject") == pandoc_text(paths["old"])


def _renumber(draft):
    """Articles numbered again from 1, with their clauses and every reference to them (what compose does)."""
    labels, article = {}, 0
    for section in draft.sections:
        if section.kind == "article":
            article += 1
            labels[section.id] = str(article)
            for m, clause in enumerate(section.clauses, start=1):
                labels[clause.id] = f"{article}.{m}"

    def inline(i):
        return dataclasses.replace(i, label=labels.get(i.target, i.label)) if isinstance(i, CrossRef) else i

    def block(b):
        if isinstance(b, Paragraph):
            label = labels.get(clause.id, b.label) if b.role == "clause" and section.kind == "article" else b.label
            return dataclasses.replace(b, label=label, inlines=tuple(inline(i) for i in b.inlines))
        return dataclasses.replace(b, header=tuple(tuple(inline(i) for i in c) for c in b.header),
                                   rows=tuple(tuple(tuple(inline(i) for i in c) for c in r) for r in b.rows))

    sections = []
    for section in draft.sections:
        clauses = []
        for clause in section.clauses:
            clauses.append(dataclasses.replace(clause, label=labels.get(clause.id, clause.label),
                                               blocks=tuple(block(b) for b in clause.blocks)))
        sections.append(dataclasses.replace(section, label=labels.get(section.id, section.label),
                                            clauses=tuple(clauses)))
    return dataclasses.replace(draft, sections=tuple(sections))


def test_a_paragraph_that_changed_role_is_removed_and_added(drafts):
    old = drafts["old"]

    def demote(blocks):
        return tuple(dataclasses.replace(b, role="body", label="") if isinstance(b, Paragraph) and b.role == "item"
                     else b for b in blocks)

    clause_id = next(c.id for s in old.sections for c in s.clauses
                     if any(isinstance(b, Paragraph) and b.role == "item" for b in c.blocks))
    comparison = compare(old, _edit_clause(old, clause_id, demote), author=AUTHOR, date=DATE)
    blocks = next(c for s in comparison.redline.sections for c in s.clauses if c.id == clause_id).blocks
    changes = [b.change for b in blocks if isinstance(b, Tracked)]
    assert changes and set(changes) == {"delete", "insert"}
    assert not [b for b in blocks if isinstance(b, Table)]


# ── the three ways of naming OLD and NEW, through the API and the CLI ───────────────────────
def run_cli(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120, check=False)


def test_cli_prints_the_summary_and_is_byte_identical_across_runs(deals, tmp_path):
    outputs = []
    for n, (tz, seed) in enumerate((("UTC", "1"), ("Asia/Tokyo", "2"))):
        out = tmp_path / f"run{n}" / "redline.docx"
        done = run_cli("redline", deals["old"], deals["value"], "-o", out,
                       env={**os.environ, "TZ": tz, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0] == "0 added, 0 removed, 2 changed"
        assert "~ 17.1 Termination for convenience (least 180 days’ → least 90 days’; 1 more)" in lines
        assert lines[-2:] == [f"wrote {out}", f"wrote {out.with_suffix('.md')}"]
        outputs.append((out.read_bytes(), out.with_suffix(".md").read_bytes()))
    assert outputs[0] == outputs[1]


def test_author_and_date_are_options_with_reproducible_defaults(deals, drafts, tmp_path):
    result = api.redline(deals["old"], deals["value"], tmp_path / "a.docx", markdown=False)
    assert [p.name for p in result.written] == ["a.docx"]
    marks = revisions(document_xml(tmp_path / "a.docx"))
    owner = drafts["value"].provenance.library_owner
    # when the new draft is made (its library commit's date here), never its effective date in 2027
    made_at = api.build(deals["value"]).made_at
    assert made_at and not made_at.startswith("2027")
    assert {(m.get(q("author")), m.get(q("date"))) for m in marks} == {(owner, made_at)}
    api.redline(deals["old"], deals["value"], tmp_path / "b.docx", author="Jane Doe", date="2027-03-05T10:30+01:00",
                markdown=tmp_path / "twin.md")
    marks = revisions(document_xml(tmp_path / "b.docx"))
    assert {(m.get(q("author")), m.get(q("date"))) for m in marks} == {("Jane Doe", "2027-03-05T09:30:00Z")}
    assert "{~~180~>90~~}" in (tmp_path / "twin.md").read_text(encoding="utf-8")
    settings = zipfile.ZipFile(tmp_path / "b.docx").read("word/settings.xml")
    assert b"<w:trackRevisions/>" in settings  # the reviewer's own edits are tracked too


def test_two_drafts_are_rebuilt_from_their_manifests(deals, tmp_path):
    api.draft(deals["old"], tmp_path / "v1")
    api.draft(deals["swap"], tmp_path / "v2")
    inputs = json.loads((tmp_path / "v1" / "acme-globex-2027.manifest.json").read_text())["inputs"]
    assert inputs == {"deal": os.path.relpath(deals["old"], tmp_path / "v1"),
                      "library": os.path.relpath(ROOT / "clause_library", tmp_path / "v1"), "library_rev": None}
    by_docx = api.redline(tmp_path / "v1" / "acme-globex-2027.docx", tmp_path / "v2" / "acme-globex-2027.docx",
                          tmp_path / "drafts.docx")
    by_manifest = api.redline(tmp_path / "v1" / "acme-globex-2027.manifest.json",
                              tmp_path / "v2" / "acme-globex-2027.manifest.json", tmp_path / "manifests.docx")
    by_deal = api.redline(deals["old"], deals["swap"], tmp_path / "deals.docx")
    assert summary_lines(by_docx.comparison) == summary_lines(by_manifest.comparison) \
        == summary_lines(by_deal.comparison)
    assert (tmp_path / "drafts.docx").read_bytes() == (tmp_path / "manifests.docx").read_bytes() \
        == (tmp_path / "deals.docx").read_bytes()


def test_bad_inputs_exit_1_with_a_clear_message(deals, tmp_path):
    done = run_cli("redline", tmp_path / "missing.yaml", deals["value"], "-o", tmp_path / "r.docx")
    assert done.returncode == 1 and "missing.yaml: file not found" in done.stderr
    assert "Traceback" not in done.stderr

    deal = write_yaml(tmp_path / "deal.yaml", canonical_data())
    api.draft(deal, tmp_path / "d")
    manifest = tmp_path / "d" / "acme-globex-2027.manifest.json"
    deal.write_text(deal.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    done = run_cli("redline", manifest, deals["value"], "-o", tmp_path / "r.docx")
    assert done.returncode == 1, done.stderr
    assert "deal_sha256: the deal file" in done.stderr and "has changed since the draft was made" in done.stderr
    assert not (tmp_path / "r.docx").exists()

    deal.unlink()  # a .docx is compared as it reads; that its draft cannot be rebuilt is said in one line
    result = api.redline(tmp_path / "d" / "acme-globex-2027.docx", deals["value"], tmp_path / "r.docx")
    assert len(result.notes) == 1 and "deal.yaml, is gone" in result.notes[0]
    assert "17.1 Termination for convenience" in "\n".join(summary_lines(result.comparison))


def test_more_bad_inputs_are_refused_with_what_to_do(deals, tmp_path):
    with pytest.raises(TermsmithError, match="give the new deal or draft too"):
        api.redline(deals["old"], None, tmp_path / "r.docx")
    with pytest.raises(TermsmithError, match="'soon' is not a date"):
        api.redline(deals["old"], deals["value"], tmp_path / "r.docx", date="soon")
    with pytest.raises(TermsmithError, match="name it .docx"):
        api.redline(deals["old"], deals["value"], tmp_path / "r.md")
    with pytest.raises(TermsmithError, match="is not a deal file"):
        api.redline(deals["old"], tmp_path / "notes.txt", tmp_path / "r.docx")
    library = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", library)  # outside any git repository
    with pytest.raises(TermsmithError, match="--from/--to need a clause library inside a git repository"):
        api.redline(deals["old"], None, tmp_path / "r.docx", from_rev="v1.0.0", library=library)
    assert not (tmp_path / "r.docx").exists()


def test_a_draft_manifest_without_inputs_is_refused(deals, tmp_path):
    api.draft(deals["old"], tmp_path)
    manifest = tmp_path / "acme-globex-2027.manifest.json"
    data = json.loads(manifest.read_text())
    del data["inputs"]
    manifest.write_text(json.dumps(data))
    with pytest.raises(TermsmithError, match="does not record the deal file and library"):
        api.redline(manifest, deals["value"], tmp_path / "r.docx")


def test_the_output_never_replaces_an_input(deals, tmp_path):
    api.draft(deals["old"], tmp_path)
    with pytest.raises(TermsmithError, match="would overwrite an input"):
        api.redline(tmp_path / "acme-globex-2027.docx", deals["value"], tmp_path / "acme-globex-2027.docx")


# ── one deal at two revisions of a clause library in git ───────────────────────────────────
@pytest.fixture(scope="module")
def library_repo(tmp_path_factory) -> Path:
    """clause_library/ at tag v1.0.0, then a commit that rewords clause 17.1 and bumps its version."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = make_library_repo(tmp_path_factory.mktemp("repo"), ROOT / "clause_library", "clause_library", "v1.0.0")
    clause = repo / "clause_library" / "clauses" / "termination" / "convenience.md"
    text = clause.read_text(encoding="utf-8")
    assert f"version: {CONVENIENCE}\n" in text and "at least {{ tfc.notice_days" in text
    text = re.sub(r"^changelog: .*$", "changelog: notice 'not less than'",
                  text.replace(f"version: {CONVENIENCE}\n", f"version: {REWORDED}\n"), count=1, flags=re.MULTILINE)
    clause.write_text(text.replace("at least {{ tfc.notice_days", "not less than {{ tfc.notice_days"),
                      encoding="utf-8")
    git(repo, "commit", "-q", "-am", f"termination.convenience {REWORDED}")
    return repo / "clause_library"


def test_one_deal_at_two_library_revisions(deals, library_repo, tmp_path):
    result = api.redline(deals["old"], None, tmp_path / "rev.docx", from_rev="v1.0.0", to_rev="HEAD",
                         library=library_repo)
    lines = summary_lines(result.comparison)
    assert lines == ["0 added, 0 removed, 1 changed",
                     f"~ 17.1 Termination for convenience [{CONVENIENCE} → {REWORDED}] (Party at least 180 → Party not less "
                     "than 180)"]
    assert result.comparison.old.provenance.library_commit != result.comparison.new.provenance.library_commit
    root = document_xml(tmp_path / "rev.docx")
    assert [d.xpath("string(.)") for d in root.iter(q("del"))] == ["at least"]
    assert [i.xpath("string(.)") for i in root.iter(q("ins"))] == ["not less than"]
    # no --to, or --to WORKTREE: the library folder as it is, which is HEAD here
    for to in (None, "WORKTREE"):
        again = api.redline(deals["old"], None, tmp_path / f"wt-{to}.docx", from_rev="v1.0.0", to_rev=to,
                            library=library_repo, markdown=False)
        assert summary_lines(again.comparison) == lines


def test_cli_redlines_library_revisions(deals, library_repo, tmp_path):
    done = run_cli("redline", deals["old"], "--from", "v1.0.0", "--to", "HEAD", "--library", library_repo,
                   "-o", tmp_path / "rev.docx", "--no-markdown")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "0 added, 0 removed, 1 changed"
    assert not (tmp_path / "rev.md").exists()
    done = run_cli("redline", deals["old"], "--from", "v7", "--library", library_repo, "-o", tmp_path / "x.docx")
    assert done.returncode == 1 and "no tag, branch or commit named 'v7'" in done.stderr
