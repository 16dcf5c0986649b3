"""Where a long table may break: between any two rows except right after its first row and right before its
last, so that no row is left alone on a page (under its repeated header) and a short one is kept whole."""

from __future__ import annotations

import zipfile

from lxml import etree

from termsmith import api

from ..conftest import EXAMPLES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _kept_rows(table) -> list[bool]:
    """For each body row (after the header row): whether every paragraph in it keeps with the next."""
    rows = table.findall("w:tr", NS)[1:]
    return [all(p.find("w:pPr/w:keepNext", NS) is not None for p in row.iterfind(".//w:p", NS)) for row in rows]


def test_a_long_table_keeps_its_first_two_and_last_two_rows_together(tmp_path):
    result = api.draft(EXAMPLES / "acme-globex-technology.yaml", tmp_path)
    docx = next(p for p in result.written if p.suffix == ".docx")
    root = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    tables = root.findall(".//w:body/w:tbl", NS)
    timetable = next(t for t in tables if "Detailed Exit Plan agreed" in "".join(t.itertext()))
    kept = _kept_rows(timetable)
    assert len(kept) >= 6
    # the first body row stays with the second, the last but one with the last; the rows between may break
    assert kept == [True] + [False] * (len(kept) - 3) + [True, False]
    # a short table is kept whole: every body row but the last keeps with the next
    budget = next(t for t in tables if "Share of the Shared Costs" in "".join(t.itertext()))
    assert _kept_rows(budget) == [True] * (len(_kept_rows(budget)) - 1) + [False]
