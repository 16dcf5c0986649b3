"""Word round trips the other review tests do not make: fields unlinked before the copy came back, a main part
under another name, tracked changes of two authors one inside the other, and changes outside the clauses (the
cover, an article heading). Each was found answering wrongly; each test failed before its fix."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from termsmith import api
from termsmith.review.redline import summary_lines

from .conftest import CANONICAL
from .reviewed import W, WordEdit, accepted_text

DOCX = "acme-globex-2027.docx"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


@pytest.fixture
def drafted(tmp_path) -> Path:
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    api.draft(deal, tmp_path / "out")
    return tmp_path


def _unlink_fields(edit: WordEdit) -> None:
    """Every field turned into the text it shows (Word: select all, Ctrl+Shift+F9)."""
    for run in list(edit.doc.iter(q("r"))):
        if run.find(q("fldChar")) is not None or run.find(q("instrText")) is not None:
            run.getparent().remove(run)


def _para(edit: WordEdit, text: str):
    return next(p for p in edit.doc.iter(q("p")) if text in "".join(t.text or "" for t in p.iter(q("t"))))


def test_fields_unlinked_before_the_copy_came_back_are_no_change(drafted, tmp_path):
    """Every cross-reference unlinked to its number: the text reads as the draft. absorb made an override of
    every clause holding a cross-reference (each number frozen into the deal's wording), its review showing
    "\\x00_Ref_…\\x00" markers; redline of the copy away from its manifest listed each such clause as changed."""
    edit = WordEdit(drafted / "out" / DOCX)
    _unlink_fields(edit)
    lone = tmp_path / "lone"
    lone.mkdir()
    reviewed = lone / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {} and result.plan.fields == []
    assert "No changes and no comments" in "\n".join(result.lines)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert summary_lines(done.comparison)[0] == "no changes"


def test_an_unlinked_clause_edited_keeps_its_cross_references_live(drafted, tmp_path):
    """In a clause whose fields were unlinked, the reviewer's word is absorbed and so is a number they changed,
    while each number they left is its cross-reference again; the review names a cross-reference by its number."""
    edit = WordEdit(drafted / "out" / DOCX)
    _unlink_fields(edit)
    para = _para(edit, "Claims by customers.")
    for t in para.iter(q("t")):
        if t.text and "deals with the claims" in t.text:
            t.text = t.text.replace("deals with the claims", "handles the claims")
    numbers = [t for t in para.iter(q("t")) if t.text and t.text[0].isdigit()]
    assert len(numbers) >= 3
    was = numbers[0].text
    numbers[0].text = "99"
    reviewed = drafted / "out" / "returned.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml")
    assert len(result.plan.overrides) == 1
    (text,) = (o["text"] for o in result.plan.overrides.values())
    assert "handles the claims" in text and " 99" in text
    assert text.count("{{ ref(") >= len(numbers) - 1  # the numbers left alone stay live
    lines = "\n".join(result.lines)
    assert "\x00" not in lines
    assert f"“[cross-reference to {was}]” → “99”" in lines
    api.draft(drafted / "deal.yaml", drafted / "again", force=True)
    assert accepted_text(drafted / "again" / DOCX) == accepted_text(reviewed)


def test_a_main_part_under_another_name_is_read_where_the_package_points(drafted, tmp_path):
    """Word may save the body as word/document2.xml; _rels/.rels names it. Such a copy was refused as "is not a
    Word document (no word/document.xml)"."""
    with zipfile.ZipFile(drafted / "out" / DOCX) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["word/document2.xml"] = members.pop("word/document.xml").replace(
        "Taxes.".encode(), "Taxes and duties.".encode())
    members["word/_rels/document2.xml.rels"] = members.pop("word/_rels/document.xml.rels")
    for name in ("_rels/.rels", "[Content_Types].xml"):
        members[name] = members[name].replace(b"word/document.xml", b"word/document2.xml")
    reviewed = tmp_path / "returned.docx"
    with zipfile.ZipFile(reviewed, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert "~ 7.7 Taxes and duties (title Taxes → Taxes and duties)" in summary_lines(done.comparison)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {"budget.taxes": {"based_on": result.plan.overrides["budget.taxes"]["based_on"],
                                                      "title": "Taxes and duties"}}
