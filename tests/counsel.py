"""Helpers of the tests that read drafts as counsel would (test_counsel_review*.py): an example's data, a deal
drafted to its Markdown twin, the deal under another legal system, and one clause's text."""

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
