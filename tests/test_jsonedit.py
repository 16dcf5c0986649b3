"""review.jsonedit: a JSON deal file changed where the review changed it, laid out as its author left it elsewhere."""

from __future__ import annotations

import json

import pytest

from termsmith.review.jsonedit import edited_in_place

TEXT = '{\n  "deal":   {"id": "acme", "days": [30, 60]},\n  "parties": [\n    {"id": "a"},\n    {"id": "b"}\n  ]\n}\n'


@pytest.mark.parametrize("change, expected", [
    # a value: written over its own place, nothing else moves
    (lambda d: d["deal"].update(days=[30, 45]),
     '{\n  "deal":   {"id": "acme", "days": [30, 45]},\n  "parties": [\n    {"id": "a"},\n    {"id": "b"}\n  ]\n}\n'),
    # a new key: after the last one of its object
    (lambda d: d["parties"][1].update(name="Béta"),
     '{\n  "deal":   {"id": "acme", "days": [30, 60]},\n  "parties": [\n    {"id": "a"},\n    {"id": "b",\n'
     '      "name": "B\\u00e9ta"}\n  ]\n}\n'),
    # a list that grows: written again whole, indented where it stands
    (lambda d: d["parties"].append({"id": "c"}),
     '{\n  "deal":   {"id": "acme", "days": [30, 60]},\n  "parties": [\n    {\n      "id": "a"\n    },\n'
     '    {\n      "id": "b"\n    },\n    {\n      "id": "c"\n    }\n  ]\n}\n'),
])
def test_only_what_changed_is_written(change, expected):
    old = json.loads(TEXT)
    new = json.loads(TEXT)
    change(new)
    out = edited_in_place(TEXT, old, new)
    assert out == expected and json.loads(out) == new


def test_crlf_line_ends_are_kept_in_what_is_written():
    text = TEXT.replace("\n", "\r\n")
    new = json.loads(text)
    new["terms"] = {"days": 45}
    out = edited_in_place(text, json.loads(text), new)
    assert json.loads(out) == new and "\n" not in out.replace("\r\n", "")


def test_text_that_is_not_yaml_either_is_left_to_the_caller():
    assert edited_in_place("{\t\"a\": @}", {"a": 1}, {"a": 2}) is None
