"""load: YAML/JSON into data with line numbers; unsafe or broken input is refused with its place."""

from __future__ import annotations

import time

import pytest

from termsmith.errors import InputError
from termsmith.deal.load import MAX_BYTES, dotted, load_bytes, load_file

from .conftest import CANONICAL


def problem_of(raw: bytes, name: str = "deal.yaml"):
    with pytest.raises(InputError) as info:
        load_bytes(raw, name)
    assert len(info.value.problems) == 1
    return info.value.problems[0]


def test_canonical_positions_are_recorded():
    loaded = load_file(CANONICAL)
    text = CANONICAL.read_text().splitlines()
    line, _ = loaded.source.locate(("budget", "cost_sharing", "acme"))
    assert text[line - 1].strip() == "acme: 60"
    line, _ = loaded.source.locate(("slas", "metrics", 1, "target"))
    assert text[line - 1].strip() == "target: 1"


def test_missing_path_falls_back_to_parent():
    loaded = load_bytes(b"a:\n  b: 1\n", "x.yaml")
    assert loaded.source.locate(("a", "c")) == (1, 1)


def test_dotted_paths():
    assert dotted(("slas", "metrics", 0, "target")) == "slas.metrics[0].target"


def test_duplicate_keys_are_errors():
    p = problem_of(b"deal:\n  id: a\n  id: b\n")
    assert (p.line, p.path) == (3, "deal.id")
    assert "duplicate key 'id'" in p.message and "line 2" in p.message


def test_aliases_are_refused():
    p = problem_of(b"a: &x [1, 2]\nb: *x\n")
    assert "aliases" in p.message and p.path == "b"


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]")
    start = time.perf_counter()
    p = problem_of("\n".join(lines).encode())
    assert "aliases" in p.message
    assert time.perf_counter() - start < 2


def test_python_tags_are_refused():
    p = problem_of(b"a: !!python/object/apply:os.system ['echo hi']\n")
    assert "not allowed" in p.message and p.line == 1


def test_merge_keys_are_refused():
    p = problem_of(b"base: {x: 1}\nb:\n  <<: {x: 2}\n")
    assert "merge keys" in p.message


def test_syntax_error_has_line_and_column():
    p = problem_of(b"deal:\n  id: [unclosed\nparties: 1\n")
    assert p.line is not None and p.column is not None
    assert "YAML syntax error" in p.message


def test_oversized_file_is_refused_before_parsing():
    p = problem_of(b"a: " + b"x" * (MAX_BYTES + 10))
    assert "larger than" in p.message


def test_invalid_utf8_names_the_line():
    p = problem_of(b"a: 1\nb: \xff\xfe\n")
    assert p.line == 2 and "UTF-8" in p.message


@pytest.mark.parametrize("raw, line, column, code", [
    (b"termsmith: 1\ndeal:\n  id: a\x1bb\n", 3, 8, "001B"),  # an escape pasted from a terminal
    (b"\x00\x01", 1, 1, "0000"),  # not a text file at all
])
def test_a_control_character_is_named_with_its_line_and_column(raw, line, column, code):
    """It read "not valid YAML: unacceptable character #x001b: control characters are not allowed\\n  in
    "<unicode string>", position 20": no line, and a printed line break in the one line."""
    p = problem_of(raw)
    assert (p.line, p.column) == (line, column)
    assert p.message == f"the control character U+{code} is not allowed in a deal file"


def test_empty_file():
    assert "empty" in problem_of(b"").message


def test_json_deal_files_load_with_lines(tmp_path):
    path = tmp_path / "deal.json"
    path.write_text('{\n  "deal": {\n    "id": "x"\n  }\n}\n')
    loaded = load_file(path)
    assert loaded.data == {"deal": {"id": "x"}}
    assert loaded.source.locate(("deal", "id"))[0] == 3


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as info:
        load_file(tmp_path / "nope.yaml")
    assert "not found" in str(info.value)
