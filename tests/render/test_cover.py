"""The cover holds every party on the first page, however many the deal has (up to the twenty it allows)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
import yaml
from docx import Document

from termsmith import api

from ..conftest import EXAMPLES

ALLIANCE = EXAMPLES / "helios-orbis-strategic-alliance.yaml"


def _deal_with(tmp_path, parties: int):
    """The strategic alliance example with `parties` parties (each added one refers customers)."""
    data = yaml.safe_load(ALLIANCE.read_text(encoding="utf-8"))
    for n in range(len(data["parties"]) + 1, parties + 1):
        data["parties"].append({
            "id": f"partner-{n}", "name": f"Partner Number {n} Holdings (Asia-Pacific) Pte. Ltd.",
            "short_name": f"Partner {n}", "jurisdiction": "Singapore", "registration": f"UEN 2020{n:05d}K",
            "address": f"{n} Robinson Road, Singapore 0688{n:02d}", "notices_email": f"legal{n}@partner.example",
            "signatory": {"name": f"Signatory {n}", "title": "Director"}})
        data["roles"]["alliance_managers"][f"partner-{n}"] = f"Manager {n}"
        data["roles"]["responsibilities"].append({"party": f"partner-{n}", "duties": [f"Refer customers in market {n}."]})
    data["deal"]["id"] = f"alliance-{parties}"
    path = tmp_path / f"alliance-{parties}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _cover(docx) -> list[tuple[str, str]]:
    """(style, text) of the paragraphs before the contents."""
    out = []
    for p in Document(str(docx)).paragraphs:
        if p.style.style_id == "TOCHeading":
            break
        out.append((p.style.style_id, p.text))
    return out


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cover")
    out = {}
    for parties in (2, 8, 12, 20):
        result = api.draft(_deal_with(tmp, parties), tmp / "out")
        out[parties] = next(p for p in result.written if p.suffix == ".docx")
    return out


def test_a_few_parties_have_and_between_each_two_and_the_title_keeps_its_place(drafted):
    cover = _cover(drafted[8])
    assert [text for style, text in cover if style == "Subtitle"] == ["between"] + ["and"] * 7
    assert "w:spacing" not in Document(str(drafted[8])).paragraphs[0]._p.xml  # the title's space is its style's


@pytest.mark.parametrize("parties", [12, 20])
def test_a_crowded_cover_is_a_list_with_the_title_at_the_top(drafted, parties):
    cover = _cover(drafted[parties])
    names = [text for style, text in cover if style == "CoverParty"]
    assert len(names) == parties and names[-1] == f"Partner Number {parties} Holdings (Asia-Pacific) Pte. Ltd."
    assert [text for style, text in cover if style == "Subtitle"] == ["between", "and"]
    assert [style for style, _ in cover[-3:]] == ["Subtitle", "CoverParty", "CoverDate"]  # "and" before the last
    title = Document(str(drafted[parties])).paragraphs[0]._p
    assert title.xpath("./w:pPr/w:spacing/@w:before") == ["0"]


def test_libreoffice_prints_every_cover_on_one_page_and_the_contents_on_the_next(drafted, tmp_path):
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice not installed")
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, drafted.values())],
                   capture_output=True, check=True, timeout=300)
    for parties, docx in drafted.items():
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / (docx.stem + ".pdf")), "-"],
                              capture_output=True, text=True, check=True).stdout
        first, second = text.split("\f")[:2]
        assert "Dated 1 March 2027" in first and "Helios Renewables Pte. Ltd." in first, parties
        if parties > 2:
            assert f"Partner Number {parties} Holdings" in first, parties
        assert "CONTENTS" in second and "Dated" not in second, parties
        # the contents' page numbers were estimated with the cover on one page: the first article's is right
        entry = re.search(r"Parties and Background\.+\s*(\d+)", second)
        first_article = next(n for n, page in enumerate(text.split("\f")[2:], start=3)
                             if re.search(r"^\s*1\.\s+PARTIES AND BACKGROUND", page, re.MULTILINE))
        assert entry and int(entry.group(1)) == first_article, parties


def test_a_crowded_cover_reads_back_as_the_deal(drafted, tmp_path):
    """redline and absorb read the parties from the cover's paragraphs: the list form is read as the draft."""
    deal = next(drafted[20].parent.parent.glob("alliance-20.yaml"))
    done = subprocess.run([sys.executable, "-m", "termsmith", "absorb", str(drafted[20]), "--deal", str(deal),
                           "--dry-run"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "no changes" in (done.stdout + done.stderr).lower()
