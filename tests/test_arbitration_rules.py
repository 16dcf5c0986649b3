"""Arbitration rules by their proper names, whatever the deal writes: a short name termsmith knows (LCIA, AAA, …),
a full name used as given, or an unknown short name, which `check` warns about."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from termsmith import api
from termsmith.render.markdown import render_markdown

from .conftest import CANONICAL


def deal_with(tmp_path, rules: str, arbitrators: int = 3):
    data = yaml.safe_load(CANONICAL.read_text(encoding="utf-8"))
    cr = data["conflict_resolution"]
    cr["final"] = "arbitration"
    cr.pop("courts", None)
    cr["arbitration"] = {"rules": rules, "seat": "London", "arbitrators": arbitrators, "language": "English"}
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def arbitration_text(path) -> str:
    md = render_markdown(api.build(path))
    start = md.index("Arbitration.**")
    return md[start:md.index("\n**", start + 20)]  # up to the next clause


@pytest.mark.parametrize("rules, title, appoints", [
    ("AAA", "the Commercial Arbitration Rules of the American Arbitration Association",
     "the American Arbitration Association appoints"),
    ("Swiss Rules", "the Swiss Rules of International Arbitration", "the Swiss Arbitration Court appoints"),
    ("Arbitration Rules of the Finland Arbitration Institute", "the Arbitration Rules of the Finland Arbitration Institute",
     "the institution that administers those rules appoints"),
])
def test_rules_read_by_their_proper_name(tmp_path, rules, title, appoints):
    text = arbitration_text(deal_with(tmp_path, rules))
    assert f"by arbitration under {title} in force" in text
    assert appoints in text
    assert "rules of the Arbitration Rules" not in text and "arbitration rules of AAA" not in text


def test_an_unknown_short_name_is_a_located_warning(tmp_path):
    path = deal_with(tmp_path, "FAI")
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "rules: FAI" in text)
    done = subprocess.run([sys.executable, "-m", "termsmith", "check", str(path)], capture_output=True, text=True)
    assert done.returncode == 0
    warning = next(w for w in done.stderr.splitlines() if "arbitration.rules" in w)
    assert warning.startswith(f"{path}:{line}: warning: conflict_resolution.arbitration.rules: 'FAI' is not")
    assert "give the rules' full name" in warning


@pytest.mark.parametrize("rules", ["LCIA", "AAA", "Arbitration Rules of the Finland Arbitration Institute"])
def test_known_or_full_names_give_no_warning(tmp_path, rules):
    warnings = api.check(deal_with(tmp_path, rules)).warnings
    assert not [w for w in warnings if w.path == "conflict_resolution.arbitration.rules"]
