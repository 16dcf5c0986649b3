"""Deals whose dates fall on month ends and leap days, made from the canonical deal."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

from ..conftest import canonical_data


def shifted(effective: dt.date, **term) -> dict:
    """The canonical deal starting on `effective`, with `term` fields changed."""
    data = copy.deepcopy(canonical_data())
    data["deal"]["effective_date"] = effective
    data["term"].update(term)
    return data


@pytest.fixture
def deal_file(tmp_path):
    """deal_file(effective, name=…, **term) → a deal file in tmp_path starting on `effective`."""

    def make(effective: dt.date, name: str = "deal.yaml", **term):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(shifted(effective, **term), sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        return path

    return make
