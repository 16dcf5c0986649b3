"""Each party is described by its legal form, and US drafts use US corporate and insolvency vocabulary."""

from __future__ import annotations

import subprocess
import sys

import pytest

from termsmith.deal.model import Party

from .conftest import EXAMPLES


def drafted(tmp_path, name: str) -> str:
    done = subprocess.run([sys.executable, "-m", "termsmith", "draft", EXAMPLES / name, "-o", tmp_path, "--format", "md"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return next(tmp_path.glob("*.md")).read_text(encoding="utf-8")


@pytest.mark.parametrize("name, form", [
    ("Hudson Data Systems, Inc.", "corporation"), ("Northwind Software Inc", "corporation"),
    ("Acme Corp.", "corporation"), ("Cobalt Signal LLC", "limited liability company"),
    ("Delta Holdings, L.L.C.", "limited liability company"), ("Lumen Advisory LLP", "limited liability partnership"),
    ("Fund I L.P.", "limited partnership"), ("Acme Cloud Ltd", "company"), ("Globex Analytics GmbH", "company"),
])
def test_the_legal_form_follows_the_name(name, form):
    party = Party.model_validate({"id": "p", "name": name, "short_name": "P", "jurisdiction": "England and Wales",
                                  "address": "1 Road, London", "signatory": {"name": "A", "title": "Director"}})
    assert party.legal_form == form
    stated = party.model_copy(update={"entity_type": "public limited company"})
    assert stated.legal_form == "public limited company"


def test_a_us_draft_names_each_party_by_its_form_and_uses_us_insolvency_terms(tmp_path):
    text = drafted(tmp_path, "hudson-cobalt-technology-us.yaml")
    assert "Hudson Data Systems, Inc., a corporation organized under the laws of the State of Delaware" in text
    assert "Cobalt Signal LLC, a limited liability company organized under the laws of the State of California" in text
    assert "duly organized, validly existing and in good standing under the laws of the jurisdiction of its organization" \
        in text
    assert "a voluntary case under title 11 of the United States Code (the Bankruptcy Code)" in text
    assert "general assignment for the benefit of its creditors" in text
    assert "organised" not in text and "a company organized" not in text
    assert "the address is in United States" not in text  # a Delaware corporation may have its office in New York


def test_an_english_llp_is_a_partnership_not_a_company_and_english_drafts_keep_their_wording(tmp_path):
    text = drafted(tmp_path, "brightpath-lumen-referral-alliance.yaml")
    assert "Lumen Advisory LLP, a limited liability partnership incorporated in England and Wales" in text
    assert "Brightpath Payroll Ltd, a company incorporated in England and Wales" in text
    assert "Bankruptcy Code" not in text
    assert "it is duly incorporated and validly existing under the law of the place where it is incorporated" in text
