"""Read a deal file (YAML or JSON) into plain data plus a map from field paths to source lines."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from termsmith.errors import InputError, Problem
from termsmith.inputs import read_regular
from termsmith.deal.source import Loaded, Path_, SourceMap, dotted  # noqa: F401 - re-exported

MAX_BYTES = 1_000_000
MAX_NODES = 100_000
MAX_DEPTH = 40  # a deal nests five or six levels deep
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_file(path: Path, what: str = "deal file") -> Loaded:
    """Read and parse a deal file (or a lock file: `what`); every failure is an InputError naming the file and line."""
    name = str(path)
    raw = read_regular(Path(path), MAX_BYTES, what)
    return load_bytes(raw, name)


def load_bytes(raw: bytes, name: str = "<deal>") -> Loaded:
    """Parse YAML (or JSON, which YAML reads too) with positions, refusing unsafe constructs."""
    if len(raw) > MAX_BYTES:
        raise InputError(Problem(file=name, message=f"file is larger than {MAX_BYTES // 1000} kB; a deal file is far smaller"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(Problem(file=name, line=line, message="file is not valid UTF-8")) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:
        raise InputError(Problem(file=name, message=f"values are nested too deeply (a deal nests at most {MAX_DEPTH} levels)")) from None
    except yaml.MarkedYAMLError as exc:
        raise InputError(_syntax_problem(name, exc, text)) from None
    except yaml.reader.ReaderError as exc:  # a control character YAML refuses before parsing: where it is
        line, column, said = refused_character(exc, text)
        raise InputError(Problem(file=name, line=line, column=column, message=f"{said} in a deal file" if said
                                 else f"not valid YAML: {exc.reason}")) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(file=name, message=f"not valid YAML: {exc}")) from None
    if node is None:
        raise InputError(Problem(file=name, line=1, message="the file is empty"))
    builder = _Builder(name)
    data = builder.build(node, ())
    return Loaded(data=data, source=SourceMap(name, builder.positions, builder.text_lines), raw=raw)


def refused_character(exc: yaml.reader.ReaderError, text: str) -> tuple[int, int, str]:
    """Where in `text` the character YAML refuses before parsing stands (line and column, from 1), and what to say
    of it: 'the control character U+001B is not allowed', or nothing when YAML refused something else."""
    at = max(exc.position, 0)
    said = f"the control character U+{exc.character:04X} is not allowed" if isinstance(exc.character, int) else ""
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at), said


def _syntax_problem(name: str, exc: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    message = " ".join(str(x) for x in (exc.context, exc.problem) if x) or "syntax error"
    if name.endswith(".json"):
        try:
            json.loads(text)
        except json.JSONDecodeError as jexc:
            return Problem(file=name, line=jexc.lineno, column=jexc.colno, message=f"not valid JSON: {jexc.msg}")
    return Problem(
        file=name,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
        message=f"YAML syntax error: {message}",
    )


# What YAML 1.1 reads as an integer in another base, by its first two characters: `030` (days) is 24, and
# `0x75300` is 480000, which no reader of the deal file would see in it.
_OTHER_BASES = {**{f"0{d}": "octal" for d in "01234567_"}, "0x": "hexadecimal", "0b": "binary"}


class _Builder:
    """Turns a composed YAML node tree into plain dicts/lists/scalars, recording positions."""

    def __init__(self, name: str):
        self.name = name
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.text_lines: dict[Path_, int] = {}  # where each scalar's text starts
        self.seen: set[int] = set()
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()  # a whole loader would be a reference cycle

    def fail(self, node: yaml.Node, path: Path_, message: str) -> InputError:
        return InputError(
            Problem(file=self.name, line=node.start_mark.line + 1, column=node.start_mark.column + 1,
                    path=dotted(path), message=message)
        )

    def build(self, node: yaml.Node, path: Path_) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, path, f"more than {MAX_NODES} values; a deal file is far smaller")
        if id(node) in self.seen:
            raise self.fail(node, path, "YAML aliases (*name) are not allowed in deal files; write the value out")
        self.seen.add(id(node))
        if len(path) > MAX_DEPTH:
            raise self.fail(node, path, f"values are nested too deeply (a deal nests at most {MAX_DEPTH} levels)")
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, path, f"tag {node.tag} is not allowed")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(node, path, f"tag {node.tag} is not allowed in deal files")
        self._refuse_surprises(node, path)
        self.text_lines[path] = node.start_mark.line + 1 + (node.style in ("|", ">"))  # a block's text: next line
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise self.fail(node, path, f"invalid value: {exc}") from None

    def _refuse_surprises(self, node: yaml.ScalarNode, path: Path_) -> None:
        """Plain scalars YAML 1.1 reads as something no one meant: `1:30` is the base-60 number 90, `.nan`
        and `.inf` are not amounts."""
        if node.style:
            return  # quoted: a string (the C parser marks a plain scalar '', the Python one None)
        if node.tag == "tag:yaml.org,2002:int" and ":" in node.value:
            raise self.fail(node, path, f"'{node.value}' would be read as the base-60 number "
                            f"{self.constructor.construct_object(node)}; write the number you mean, or quote it")
        if node.tag == "tag:yaml.org,2002:int" and (base := _OTHER_BASES.get(node.value.lstrip("+-")[:2].lower())):
            raise self.fail(node, path, f"'{node.value}' would be read as the {base} number "
                            f"{self.constructor.construct_object(node)}; write the number you mean, or quote it")
        if node.tag == "tag:yaml.org,2002:float" and node.value.lower().lstrip("+-") in (".nan", ".inf"):
            raise self.fail(node, path, f"'{node.value}' is not a number")
        if node.tag == "tag:yaml.org,2002:float" and ":" in node.value:
            raise self.fail(node, path, f"'{node.value}' would be read as a base-60 number; write the number you "
                            "mean, or quote it")

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        if node.tag != "tag:yaml.org,2002:map":
            raise self.fail(node, path, f"tag {node.tag} is not allowed")
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, path, "YAML merge keys (<<) are not allowed in deal files")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, path, "keys must be plain names")
            key = key_node.value
            if key_node.tag not in ("tag:yaml.org,2002:str",):
                if key_node.tag not in _PLAIN_TAGS:
                    raise self.fail(key_node, path, f"tag {key_node.tag} is not allowed")
                try:
                    key = str(self.constructor.construct_object(key_node))
                except (yaml.YAMLError, ValueError, OverflowError) as exc:
                    raise self.fail(key_node, path, f"invalid key: {exc}") from None
            if key in out:
                first = self.positions.get((*path, key), (0, 0))[0]
                raise self.fail(key_node, (*path, key), f"duplicate key '{key}' (first given on line {first})")
            self.positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, (*path, key))
        return out
