"""Helpers of the tests that read drafts as counsel would (test_counsel_review*.py): an example's data, a deal
drafted to its Markdown twin, the deal under another legal system, a party more, and one clause's text."""

from __future__ import annotations

import copy

import yaml

from termsmith import api
from termsmith.render.markdown import render_markdown

from .conftest import EXAMPLES


def example(stem: str) -> dict:
    return yaml.safe_load((EXAMPLES / f"{stem}.yaml").read_text(encoding="utf-8"))


def draft_md(write_deal, data) -> str:
    return render_markdown(api.build(write_deal(data)))


def under(data: dict, law: str) -> dict:
    """The deal governed by `law`, in that system's own language and style."""
    data = copy.deepcopy(data)
    data["deal"]["governing_law"] = law
    data["deal"].pop("language", None)
    return data


def clause_of(md: str, title: str) -> str:
    """The text of the clause headed `title` up to the next numbered heading."""
    start = md.index(f" {title}.**")
    end = md.find("\n**", start + 1)
    return md[start:end]


def add_party(data: dict, like: int, **fields) -> dict:
    """`data` with one more party: a copy of party `like` with `fields`, given a representative wherever the
    escalation names each party's."""
    extra = copy.deepcopy(data["parties"][like])
    extra.update(fields)
    data["parties"].append(extra)
    for level in data["conflict_resolution"]["escalation"]:
        if level.get("representatives"):
            level["representatives"][extra["id"]] = "General Manager"
    return data


def two_customers(stem: str = "meridian-opscloud-managed-service", pays: bool = False) -> dict:
    """The managed service provided to Meridian and a second customer, Thirdco, which pays Charges only if `pays`."""
    data = add_party(example(stem), 0, id="third", name="Third Party Limited", short_name="Thirdco")
    if pays:
        stream = copy.deepcopy(data["payments"]["streams"][0])
        stream.update(id="thirdco-charge", payer="third")
        data["payments"]["streams"].append(stream)
    return data
