"""A table row the reviewer added to or deleted from a table a deal list prints (the SLA metrics): absorbed as
an item added to or removed from that list, when drafting the deal so gives exactly what they wrote; otherwise
the clause's own wording, with the reason. Each test failed before the list items were read."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from lxml import etree

from termsmith import api

from .conftest import CANONICAL
from .reviewed import WordEdit, accepted_text, q

DOCX = "acme-globex-2027.docx"
WHO, WHEN = "Jane Counsel", "2027-02-01T10:00:00Z"
P3 = ["Response to Priority 3 incidents in the analytics engine", "Globex", "at most 8 hours", "calendar month"]


def _row(edit: WordEdit, text: str):
    return next(tr for tr in edit.doc.iter(q("tr")) if text in "".join(tr.itertext()))


def _add_row(edit: WordEdit, after: str, cells: list[str], tracked: bool) -> None:
    """A row typed under another (Word: Insert Below), with or without tracking."""
    row = _row(edit, after)
    new = copy.deepcopy(row)
    if tracked:
        props = new.find(q("trPr"))
        if props is None:
            props = etree.Element(q("trPr"))
            new.insert(0, props)
        props.append(edit._mark("ins", WHO, WHEN))
    for cell, text in zip(new.findall(q("tc")), cells, strict=True):
        for p in cell.findall(q("p")):
            for child in list(p):
                if child.tag != q("pPr"):
                    p.remove(child)
            holder = edit._mark("ins", WHO, WHEN) if tracked else p
            run = etree.SubElement(holder, q("r"))
            etree.SubElement(run, q("t")).text = text
            if tracked:
                p.append(holder)
    row.addnext(new)


def _delete_row(edit: WordEdit, text: str) -> None:
    edit.delete_whole(_row(edit, text), WHO, WHEN)


def _redrafted_reads_as_reviewed(drafted: Path, reviewed: Path) -> None:
    api.draft(drafted / "deal.yaml", drafted / "again")
    assert accepted_text(drafted / "again" / DOCX) == accepted_text(reviewed)


@pytest.mark.parametrize("tracked", [True, False], ids=["tracked", "untracked"])
def test_a_row_added_to_a_table_a_deal_list_prints_is_a_new_item_of_that_list(drafted, tracked):
    """A new SLA row became an override of the whole table, with a meaningless candidate field (a metric's
    description "holding" the cells of the new row and of the next one run together)."""
    edit = WordEdit(drafted / "out" / DOCX)
    _add_row(edit, "Response to Priority 2 incidents", P3, tracked)
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    assert result.plan.overrides == {} and result.plan.fields == [], result.lines
    (item,) = result.plan.items
    assert item.path == ("slas", "metrics") and item.index == 3 and item.old is None
    assert item.new == {"id": "response-to-priority-3-incidents-in-the-analytics-engine", "provider": "globex",
                        "description": P3[0], "target": 8, "unit": "hours"}
    assert not result.mismatches
    lines = "\n".join(result.lines)
    assert "absorbed into a deal list: added slas.metrics.3" in lines and "deal field" not in lines, lines
    p2 = "      target: 4\n      unit: hours\n"
    p3 = ("    - id: response-to-priority-3-incidents-in-the-analytics-engine\n      provider: globex\n"
          f"      description: {P3[0]}\n      target: 8\n      unit: hours\n")
    # the rest of the file as its author wrote it, the blank line after the list still after it
    assert (drafted / "deal.yaml").read_text() == CANONICAL.read_text().replace(p2, p2 + p3)
    _redrafted_reads_as_reviewed(drafted, reviewed)


def test_a_row_deleted_from_a_table_a_deal_list_prints_removes_its_item(drafted):
    edit = WordEdit(drafted / "out" / DOCX)
    _delete_row(edit, "Response to Priority 2 incidents")
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    assert result.plan.overrides == {}, result.lines
    (item,) = result.plan.items
    assert (item.path, item.index, item.new, item.old["id"]) == (("slas", "metrics"), 2, None, "p2-response")
    p2 = ("    - id: p2-response\n      provider: globex\n      description: Response to Priority 2 incidents in the "
          "analytics engine\n      target: 4\n      unit: hours\n")
    # only the item goes: the blank line after it, the last of the list, stays before the next section
    assert (drafted / "deal.yaml").read_text() == CANONICAL.read_text().replace(p2, "")
    _redrafted_reads_as_reviewed(drafted, reviewed)


def test_a_row_whose_item_prints_elsewhere_too_stays_the_clauses_wording_with_the_reason(drafted):
    """The availability row deleted, its service credit rows kept: removing the metric would also remove them,
    so the table is the deal's own wording, and the review says why the list item was not removed."""
    edit = WordEdit(drafted / "out" / DOCX)
    _delete_row(edit, "Availability of the Combined Offering")
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.items == [] and list(result.plan.overrides) == ["schedule-service-levels.metrics"]
    (review,) = [r for r in result.plan.clauses if r.id == "schedule-service-levels.metrics"]
    assert "deal list removed slas.metrics.0 (id: availability" in review.detail, review.detail
    assert "would also change clause 2.1, clause 6.1, clause 6.6, Schedule 2 para 2" in review.detail, review.detail


def test_a_row_naming_parties_is_read_column_by_column(drafted):
    """A RACI row under one whose Responsible and Accountable are the same party: each cell's party goes to the
    field its column shows (the other rows tell them apart), as the party's id."""
    edit = WordEdit(drafted / "out" / DOCX)
    _add_row(edit, "Customer onboarding", ["Security reviews", "Globex", "Acme", "Globex", "–"], tracked=True)
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    (item,) = result.plan.items
    assert item.path == ("roles", "raci") and item.index == 2
    assert item.new == {"activity": "Security reviews", "responsible": "globex", "accountable": "acme",
                        "consulted": ["globex"], "informed": []}, item.new
    _redrafted_reads_as_reviewed(drafted, reviewed)


def test_a_row_of_a_nested_list_is_written_as_its_neighbours_are(tmp_path):
    """A service credit tier added under a metric's others: an item of that metric's `credits`, written in the
    flow style the deal file gives its neighbours."""
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL.with_name("meridian-opscloud-managed-service.yaml"), deal)
    api.draft(deal, tmp_path / "out")
    (docx,) = (tmp_path / "out").glob("*.docx")
    edit = WordEdit(docx)
    _add_row(edit, "more than 60 minutes", ["Response to Priority 1 incidents", "more than 120 minutes", "15%"],
             tracked=True)
    reviewed = tmp_path / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, deal)
    assert result.plan.overrides == {}, result.lines
    (item,) = result.plan.items
    assert (item.path, item.index, item.new) == (("slas", "metrics", 1, "credits"), 2,
                                                 {"above": 120, "credit_percent": 15})
    assert "        - {above: 60, credit_percent: 10}\n        - {above: 120, credit_percent: 15}\n" in deal.read_text()
    api.draft(deal, tmp_path / "again")
    assert accepted_text(tmp_path / "again" / docx.name) == accepted_text(reviewed)


def test_rows_swapped_move_the_items_they_show(drafted):
    """Two SLA rows swapped (cut and pasted, untracked): the item moves, the same item (its id, its nested lists),
    not a new one made from the row."""
    edit = WordEdit(drafted / "out" / DOCX)
    _row(edit, "Response to Priority 2 incidents").addnext(_row(edit, "Response to Priority 1 incidents"))
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    (item,) = result.plan.items
    assert (item.path, item.was, item.index, item.new["id"]) == (("slas", "metrics"), 1, 2, "p1-response")
    assert "moved slas.metrics.1 to slas.metrics.2" in "\n".join(result.lines)
    text = CANONICAL.read_text()
    p1 = text[text.index("    - id: p1-response"):text.index("    - id: p2-response")]
    p2 = text[text.index("    - id: p2-response"):text.index("\nbudget:")]
    assert (drafted / "deal.yaml").read_text() == text.replace(p1 + p2, p2 + p1)
    _redrafted_reads_as_reviewed(drafted, reviewed)


def test_every_row_deleted_gives_the_one_reason_of_the_likeliest_reading(drafted):
    """All SLA rows deleted: the deal needs a metric, so the table is the deal's wording. The reason named every
    reading tried (parties and RACI rows the cells also mention), a paragraph long; now the likeliest one's."""
    edit = WordEdit(drafted / "out" / DOCX)
    for text in ("Availability of the Combined", "Response to Priority 1", "Response to Priority 2"):
        _delete_row(edit, text)
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    (review,) = [r for r in result.plan.clauses if r.id == "schedule-service-levels.metrics"]
    assert review.action == "override" and "removed slas.metrics.2" in review.detail, review.detail
    assert "does not draft (needs at least 1 item" in review.detail and "parties." not in review.detail, review.detail


def test_a_party_changed_in_a_table_cell_is_the_field_holding_its_id(drafted):
    """A RACI cell changed from Acme to Globex: the field holds the party's id (the table prints its short name),
    so no field was found and the whole table became the deal's wording."""
    edit = WordEdit(drafted / "out" / DOCX)
    cell = _row(edit, "Customer onboarding").findall(q("tc"))[1]
    for t in cell.iter(q("t")):
        t.text = t.text.replace("Acme", "Globex")
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    assert result.plan.fields == [(("roles", "raci", 1, "responsible"), "acme", "globex")], result.lines
    assert result.plan.overrides == {}
    _redrafted_reads_as_reviewed(drafted, reviewed)


def test_a_list_item_removed_or_added_beside_flow_mappings_leaves_plain_yaml():
    """The blank line or comment after a list's last item moves to the item then last; onto a flow mapping
    ('- {name: X}') it was written inside the braces."""
    import yaml

    from termsmith.review.dealedit import edit_deal
    from termsmith.review.listitems import ItemEdit

    text = "termsmith: 1\nkpis:\n  - {name: X, target: 1}   # first\n  - name: Y\n    target: 2\n# after\nnext: 1\n"
    out = edit_deal(text, [], {}, None, [ItemEdit(("kpis",), 1, {"name": "Y", "target": 2}, None)])
    assert out.startswith("termsmith: 1\nkpis:\n  - {name: X, target: 1}   # first\n"), out
    assert yaml.safe_load(out) == {"termsmith": 1, "kpis": [{"name": "X", "target": 1}], "next": 1}


def test_items_of_lists_under_a_number_and_a_name_are_written_in_turn():
    """Items added to two lists, one under a key YAML reads as a number: the edits were ordered by comparing the
    paths, a number with a name (TypeError)."""
    import yaml

    from termsmith.review.dealedit import edit_deal
    from termsmith.review.listitems import ItemEdit

    text = "termsmith: 1\n1:\n  - {x: 1}\na:\n  - {x: 2}\n"
    out = edit_deal(text, [], {}, None, [ItemEdit((1,), 1, None, {"x": 3}), ItemEdit(("a",), 1, None, {"x": 4})])
    assert yaml.safe_load(out) == {"termsmith": 1, 1: [{"x": 1}, {"x": 3}], "a": [{"x": 2}, {"x": 4}]}
