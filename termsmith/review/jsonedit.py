"""A deal file written in JSON, edited where the review changed it and nowhere else.

The deal file is its author's: a JSON deal laid out by hand (short lists on one line, keys aligned) must keep that
layout when absorb writes a reviewer's change into it, as a YAML deal keeps its comments. So each changed value is
written over its own place in the text, a new key goes after the last one of its object, and only a value whose
shape changed (a list that grew, an object that lost a key) is written out again whole, indented where it stands.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

Edit = tuple[int, int, str]  # replace text[start:end] with this


def rewritten(text: str, old: Any, new: Any) -> str:
    """`text` (JSON holding `old`) written again to hold `new`: changed only where they differ when that gives the
    same data, else whole, with the file's indent, line ends and escaping."""
    layout = _Layout.of(text)
    whole = layout.dumped(new, 0) + (layout.newline if text.endswith("\n") else "")
    kept = edited_in_place(text, old, new, layout)
    try:
        return kept if kept is not None and json.loads(kept) == json.loads(whole) else whole
    except ValueError:
        return whole


def edited_in_place(text: str, old: Any, new: Any, layout: _Layout | None = None) -> str | None:
    """`text` (JSON holding `old`) rewritten to hold `new`, changed only where they differ; None when the text
    cannot be read so (then the caller writes the whole file again)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if root is None:
        return None
    layout = layout or _Layout.of(text)
    edits: list[Edit] = []
    _edit(root, old, new, 0, layout, edits)
    out = text
    for start, end, replacement in sorted(edits, reverse=True):
        out = out[:start] + replacement + out[end:]
    return out


class _Layout:
    def __init__(self, indent: str | None, ascii_only: bool, newline: str) -> None:
        self.indent, self.ascii_only, self.newline = indent, ascii_only, newline

    @classmethod
    def of(cls, text: str) -> _Layout:
        """How `text` is laid out: its indent (none: one line), whether it escapes all but ASCII, its line ends."""
        found = re.search(r"\n([ \t]+)\S", text)
        return cls(found.group(1) if found else None, not any(ord(c) > 127 for c in text),
                   "\r\n" if "\r\n" in text else "\n")

    def dumped(self, value: Any, depth: int) -> str:
        """`value` as JSON, its inner lines indented for where it stands (`depth` objects and lists deep)."""
        text = json.dumps(value, indent=self.indent, ensure_ascii=self.ascii_only, default=str)
        return text.replace("\n", self.newline + (self.indent or "") * depth)

    def member(self, key: str, value: Any, depth: int) -> str:
        """`, "key": value` to follow the last member of an object `depth` deep."""
        where = self.newline + self.indent * (depth + 1) if self.indent is not None else " "
        return f",{where}{json.dumps(key, ensure_ascii=self.ascii_only)}: {self.dumped(value, depth + 1)}"


def _edit(node: yaml.Node, old: Any, new: Any, depth: int, layout: _Layout, edits: list[Edit]) -> None:
    """Add the edits turning `node` (holding `old`) into `new`."""
    if old == new and type(old) is type(new):
        return
    if isinstance(old, dict) and isinstance(new, dict) and isinstance(node, yaml.MappingNode):
        values = {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}
        if len(values) != len(node.value) or set(values) != set(old) or not set(old) <= set(new) or not node.value:
            return _whole(node, new, depth, layout, edits)
        for key, value in old.items():
            _edit(values[key], value, new[key], depth + 1, layout, edits)
        after = node.value[-1][1].end_mark.index  # new keys follow the last member, in the order the edit gave them
        added = "".join(layout.member(key, value, depth) for key, value in new.items() if key not in old)
        if added:
            edits.append((after, after, added))
        return None
    if isinstance(old, list) and isinstance(new, list) and isinstance(node, yaml.SequenceNode):
        if len(old) != len(new) or len(node.value) != len(old):
            return _whole(node, new, depth, layout, edits)
        for item, a, b in zip(node.value, old, new, strict=True):
            _edit(item, a, b, depth + 1, layout, edits)
        return None
    return _whole(node, new, depth, layout, edits)


def _whole(node: yaml.Node, new: Any, depth: int, layout: _Layout, edits: list[Edit]) -> None:
    edits.append((node.start_mark.index, node.end_mark.index, layout.dumped(new, depth)))
