"""Write what a review changed into the deal file itself: field values and clause overrides, edited in place.

ruamel.yaml's round-trip mode keeps the file as its author wrote it (comments, key order, quoting, flow
mappings, blank lines); only the values that change and the `overrides:` section are touched. A dump of the
parsed data would lose every comment of a deal file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never fold a long line the author wrote on one line
    yaml.indent(mapping=2, sequence=4, offset=2)  # '  - item' under its key, as deal files are written
    return yaml


def edit_deal(text: str, fields: Sequence[tuple[tuple, object]], overrides: dict[str, dict]) -> str:
    """The deal file's text with each (field path, new value) set and `overrides` merged into its
    `overrides:` section (added at the end when the deal has none)."""
    yaml = _yaml()
    data = yaml.load(text)
    for path, value in fields:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    if overrides:
        section = data.get("overrides")
        if section is None:
            section = CommentedMap()
            data["overrides"] = section
        for ident, override in overrides.items():
            entry = CommentedMap()
            for key in ("based_on", "title", "after", "removed", "text"):
                if key in override and override[key] is not None:
                    value = override[key]
                    entry[key] = LiteralScalarString(value) if key == "text" else value
            section[ident] = entry
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
