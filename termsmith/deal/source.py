"""Where a loaded deal came from: its bytes, its data and the line of every field.

Plain records with no parser behind them (that is `load`), so a deal validated in another process
can be handed over without this process importing YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from termsmith.errors import Problem

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceMap:
    """Where each field path of a loaded file was written (1-based line and column)."""

    file: str
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    text_lines: dict[Path_, int] = field(default_factory=dict)  # where each string's text starts (see text_line)

    def locate(self, path: Path_) -> tuple[int, int] | None:
        """The position of `path`, or of its nearest ancestor that was written in the file."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get(())

    def text_line(self, path: Path_) -> int | None:
        """The line where the text of the string at `path` starts: where its value starts, or the line after a block
        scalar's `|` or `>` (positions has its key's line, which a value may follow on the next)."""
        return self.text_lines.get(tuple(path))

    def problem(self, path: Path_, message: str, code: str = "") -> Problem:
        where = self.locate(path)
        return Problem(
            file=self.file, line=where[0] if where else None, path=dotted(path), message=message, code=code
        )


def dotted(path: Path_) -> str:
    """('slas', 'metrics', 0, 'target') → 'slas.metrics[0].target'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def value_at(data, path: Path_):
    """The value at `path` in the deal's data (mappings and lists), None where there is none."""
    node = data
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def set_at(data, path: Path_, value) -> None:
    """Set the value at `path` in the deal's data. A mapping on the way that the deal does not have yet (the
    `terms:` section of a deal that leaves every term at the library's default) is added, of the kind its parent
    is (a ruamel.yaml mapping keeps its comments), before the deal's `overrides:`, which ends a deal file."""
    node = data
    for key in path[:-1]:
        if isinstance(node, dict) and isinstance(key, str) and key not in node:
            child = type(node)()
            if "overrides" in node and hasattr(node, "insert"):
                node.insert(list(node).index("overrides"), key, child)
            else:
                node[key] = child
        node = node[key]
    node[path[-1]] = value


@dataclass(frozen=True)
class Loaded:
    """A deal file as read: its data, where each value stands in the file (for located errors), its bytes."""

    data: object
    source: SourceMap
    raw: bytes
