"""Write what a review changed into the deal file itself: field values and clause overrides, edited in place.

Only the values that change and the `overrides:` section are touched; every other character of the file
(comments, key order, quoting, flow mappings, blank lines) stays as its author wrote it. A dump of the
parsed data would lose every comment of a deal file.

The edit is a splice of the file's text, so its cost does not grow with the size of the deal: the file is
composed once with the C YAML parser (which knows where each value was written), each changed scalar is
replaced where it stands, in its own quoting style, and only the `overrides:` section (or a new one at the
end) is re-written by ruamel.yaml's round-trip mode, which keeps that section's comments and layout. The
spliced text is parsed again and must hold exactly the intended data; if it does not (an unusual layout),
the whole file goes through ruamel.yaml instead, which is slower on a long deal but as faithful.
"""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Callable, Sequence

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from termsmith.deal.source import set_at, value_at

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
OVERRIDE_KEYS = ("based_on", "title", "after", "before", "removed", "defines", "text")


def _yaml() -> YAML:
    yaml_rt = YAML(typ="rt")
    yaml_rt.preserve_quotes = True
    yaml_rt.width = 100_000  # never fold a long line the author wrote on one line
    yaml_rt.indent(mapping=2, sequence=4, offset=2)  # '  - item' under its key, as deal files are written
    return yaml_rt


def edit_deal(text: str, fields: Sequence[tuple[tuple, object]], overrides: dict[str, dict],
              parse: Callable[[str], object] | None = None, items: Sequence = ()) -> str:
    """The deal file's text with each (field path, new value) set and `overrides` merged into its
    `overrides:` section (added at the end when the deal has none). `parse`: how the spliced file is read
    to check it (text → data, None when it does not parse), when the caller reads it that way anyway.
    `items`: list items added or removed (review.listitems.ItemEdit), after the fields are set; a list
    changes shape, so the file then goes through ruamel.yaml. A file whose lines all end in CRLF (as
    written on Windows) keeps them, also on the lines the edit adds."""
    if "\r\n" in text and "\n" not in text.replace("\r\n", ""):
        return _edit(text.replace("\r\n", "\n"), fields, overrides, parse, items).replace("\n", "\r\n")
    return _edit(text, fields, overrides, parse, items)


def _edit(text: str, fields: Sequence[tuple[tuple, object]], overrides: dict[str, dict],
          parse: Callable[[str], object] | None, items: Sequence) -> str:
    if items:
        return _round_trip(text, fields, overrides, items)
    try:
        spliced = _splice(text, fields, overrides)
    except (_Unusual, yaml.YAMLError):
        spliced = None
    if spliced is not None and _holds(spliced, text, fields, overrides, parse):
        return spliced
    return _round_trip(text, fields, overrides)


class _Unusual(Exception):
    """A layout the text splice does not handle: the whole file goes through ruamel.yaml."""


# ── the splice ─────────────────────────────────────────────────────────────────────────────
def _splice(text: str, fields: Sequence[tuple[tuple, object]], overrides: dict[str, dict]) -> str:
    root = yaml.compose(text, Loader=_Loader)
    if not isinstance(root, yaml.MappingNode):
        raise _Unusual
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(mark) -> int:
        return starts[mark.line] + mark.column

    edits: list[tuple[int, int, str]] = []
    for path, value in fields:
        node = _find(root, path)
        if not isinstance(node, yaml.ScalarNode) or node.style in ("|", ">"):
            raise _Unusual
        edits.append((offset(node.start_mark), offset(node.end_mark), _scalar(value, node.style or "")))
    if overrides:
        entry = next(((k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "overrides"),
                     None)
        if entry is None:
            tail = "" if text.endswith("\n") or not text else "\n"
            edits.append((len(text), len(text), tail + "\n" + _dump_overrides(None, overrides)))
        else:
            key, value = entry
            if key.start_mark.column != 0:
                raise _Unusual
            start = starts[key.start_mark.line]
            end = offset(value.end_mark)
            if value.end_mark.column != 0:  # the section ends inside a line: take the rest of it
                newline = text.find("\n", end)
                end = len(text) if newline < 0 else newline + 1
            lines = text[start:end].splitlines(keepends=True)
            while len(lines) > 1 and (not lines[-1].strip() or lines[-1].startswith("#")):
                lines.pop()  # blank lines and comments after the section belong to what follows it
            section = "".join(lines)
            edits.append((start, start + len(section), _dump_overrides(section, overrides)))
    edits.sort()
    for (_s1, e1, _), (s2, _e2, _) in zip(edits, edits[1:], strict=False):
        if s2 < e1:
            raise _Unusual
    out = text
    for start, end, new in reversed(edits):
        out = out[:start] + new + out[end:]
    return out


def _find(node, path: tuple):
    for key in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
        else:
            return None
        if node is None:
            return None
    return node


def _scalar(value: object, style: str) -> str:
    """The value written as a YAML scalar: plain where it reads back as itself (in a block or a flow
    mapping), otherwise in the quotes the author used (double quotes when there were none)."""
    if isinstance(value, bool) or value is None:
        raise _Unusual
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise _Unusual
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == "" and _plain_ok(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _plain_ok(value: str) -> bool:
    if not value or value != value.strip() or "\n" in value or any(c in value for c in ",[]{}#"):
        return False
    try:
        return yaml.load(f"k: {value}", Loader=_Loader) == {"k": value} and \
            yaml.load(f"{{k: {value}}}", Loader=_Loader) == {"k": value}
    except yaml.YAMLError:
        return False


def _dump_overrides(section: str | None, overrides: dict[str, dict]) -> str:
    """The `overrides:` section (its text as written, or None for a new one) with `overrides` merged in."""
    rt = _yaml()
    data = rt.load(section) if section is not None else None
    if data is None:
        data = CommentedMap()
    elif not isinstance(data, dict) or list(data) != ["overrides"]:
        raise _Unusual
    _merge(data, overrides)
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def _replaced_keys(override: dict) -> tuple[str, ...]:
    """The keys of an existing override that the new one's replace: a removal replaces the clause's wording
    and place; new text replaces the wording and keeps the place an earlier review gave the clause; a new
    place (after or before) replaces the old one."""
    if override.get("removed"):
        return ("text", "removed", "after", "before")
    keys: tuple[str, ...] = ()
    if override.get("text") is not None:
        keys += ("text", "removed")
    if override.get("after") is not None or override.get("before") is not None:
        keys += ("after", "before")
    return keys


def _merge(data, overrides: dict[str, dict]) -> None:
    section = data.get("overrides")
    if section is None:
        section = CommentedMap()
        data["overrides"] = section
    for ident, override in overrides.items():
        old = section.get(ident)
        entry = old if isinstance(old, dict) and not override.get("removed") else CommentedMap()
        for key in _replaced_keys(override):
            entry.pop(key, None)
        for key in OVERRIDE_KEYS:
            if key in override and override[key] is not None:
                value = override[key]
                if key == "defines":
                    merged = entry.get("defines") if isinstance(entry.get("defines"), dict) else CommentedMap()
                    merged.update(value)
                    value = merged
                entry[key] = LiteralScalarString(value) if key == "text" else value
        section[ident] = entry


def _holds(new_text: str, old_text: str, fields: Sequence[tuple[tuple, object]], overrides: dict[str, dict],
           parse: Callable[[str], object] | None = None) -> bool:
    """The spliced file reads as the old one with exactly these changes."""
    if parse is not None:
        want, got = copy.deepcopy(parse(old_text)), parse(new_text)
        if want is None or got is None:
            return False
    else:
        try:
            want = yaml.load(old_text, Loader=_Loader)
            got = yaml.load(new_text, Loader=_Loader)
        except yaml.YAMLError:
            return False
    if not isinstance(want, dict):
        return False
    for path, value in fields:
        set_at(want, path, value)
    if overrides:
        section = want.get("overrides") or {}
        for ident, override in overrides.items():
            old = section.get(ident)
            entry = dict(old) if isinstance(old, dict) and not override.get("removed") else {}
            for key in _replaced_keys(override):
                entry.pop(key, None)
            for key in OVERRIDE_KEYS:
                if override.get(key) is not None:
                    entry[key] = {**(entry.get("defines") or {}), **override[key]} if key == "defines" \
                        else override[key]
            section[ident] = entry
        want["overrides"] = section
    return got == want


def _keep_trailing(was_last, last, move: bool = False) -> None:
    """The comment or blank lines after what was the last item of a list (ruamel.yaml keeps them on it) kept
    after the item now last; `move`: taken from the one before (it stays in the list)."""
    if not (isinstance(was_last, CommentedMap) and isinstance(last, CommentedMap) and was_last and last) or \
            last.fa.flow_style() or was_last.fa.flow_style():  # a comment inside '{…}' would be written there
        return
    token = was_last.ca.items.get(list(was_last)[-1])
    if token and not last.ca.items.get(list(last)[-1]):
        last.ca.items[list(last)[-1]] = token
        if move:
            del was_last.ca.items[list(was_last)[-1]]


# ── the whole file through ruamel.yaml ─────────────────────────────────────────────────────
def _round_trip(text: str, fields: Sequence[tuple[tuple, object]], overrides: dict[str, dict],
                items: Sequence = ()) -> str:
    rt = _yaml()
    data = rt.load(text)
    for path, value in fields:
        set_at(data, path, value)
    # removed (and moved) items by their old places from the end, then added (and moved) ones at their places in
    # the list as it ends; a moved item is the file's own, comments and all
    taken = {}
    for edit in sorted((e for e in items if e.new is None or e.was is not None),
                       key=lambda e: (tuple(map(str, e.path)), e.index if e.was is None else e.was), reverse=True):
        items_now = value_at(data, edit.path)
        at = edit.index if edit.was is None else edit.was
        gone = items_now.pop(at)
        if at == len(items_now) and items_now:  # the last item: what followed it (a blank line) stays
            _keep_trailing(gone, items_now[-1])
        taken[id(edit)] = gone
    for edit in sorted((e for e in items if e.new is not None), key=lambda e: (tuple(map(str, e.path)), e.index)):
        items_now = value_at(data, edit.path)
        new = taken.get(id(edit))
        if new is None:
            new = CommentedMap(copy.deepcopy(edit.new))
            if items_now and all(isinstance(x, CommentedMap) and x.fa.flow_style() for x in items_now):
                new.fa.set_flow_style()  # written as its neighbours are ('- {below: 99.5, credit_percent: 10}')
        if edit.index == len(items_now) and items_now:  # a new last item: what followed the list follows it
            _keep_trailing(items_now[-1], new, move=True)
        items_now.insert(edit.index, new)
    if overrides:
        _merge(data, overrides)
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()
