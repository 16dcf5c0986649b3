"""A redline's contents page: a renumbered entry tracks only the words that changed, so it still fits the
contents' number column (a deal that drops its service levels renumbers Schedules 3 to 5 as 2 to 4)."""

from __future__ import annotations

import zipfile

import yaml
from lxml import etree

from termsmith import api

from ..conftest import EXAMPLES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
CANONICAL = EXAMPLES / "acme-globex-technology.yaml"


def _contents_numbers(docx) -> list[tuple[str, str, str]]:
    """(kept text, deleted text, inserted text) of each contents entry's number: what comes before its first
    tab."""
    root = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    found = []
    for p in root.iterfind(".//w:body/w:p", NS):
        if p.find("w:pPr/w:pStyle[@w:val='TOC1']", NS) is None:
            continue
        kept = deleted = inserted = ""
        for el in p.iter(f"{{{W}}}t", f"{{{W}}}delText", f"{{{W}}}tab"):
            if el.tag == f"{{{W}}}tab":
                break
            if el.tag == f"{{{W}}}delText":
                deleted += el.text or ""
            elif any(a.tag == f"{{{W}}}ins" for a in el.iterancestors()):
                inserted += el.text or ""
            else:
                kept += el.text or ""
        found.append((kept, deleted, inserted))
    return found


def test_a_renumbered_schedule_tracks_only_its_number_in_the_contents(tmp_path):
    deal = yaml.safe_load(CANONICAL.read_text(encoding="utf-8"))
    del deal["slas"]  # Service Levels go: article 6 and Schedule 2 are deleted, the later ones renumbered
    new = tmp_path / "no-slas.yaml"
    new.write_text(yaml.safe_dump(deal, sort_keys=False, allow_unicode=True), encoding="utf-8")
    api.redline(CANONICAL, new, tmp_path / "red.docx", markdown=False)

    numbers = _contents_numbers(tmp_path / "red.docx")
    renumbered = [n for n in numbers if n[0].startswith("Schedule") and n[1] and n[2]]
    assert [(d, i) for _, d, i in renumbered] == [("3", "2"), ("4", "3"), ("5", "4")], numbers
    assert all(kept == "Schedule " for kept, _, _ in renumbered)
    # the removed schedule is deleted whole; an article's number ("7." → "6.") is replaced whole
    assert ("", "Schedule 2", "") in numbers
    assert ("", "7.", "6.") in numbers
    # what the number column shows (old and new number side by side) stays within its 2.5 cm: at most
    # "Schedule 32"-long, never "Schedule 3Schedule 2"
    assert max(len(k + d + i) for k, d, i in numbers) <= len("Schedule 10")
