"""User-facing errors: every problem says where it is (file, line, field path or clause) and what is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass

# What must never reach a terminal raw from a file name, YAML key or value: control characters (escape
# sequences start with ESC), DEL and C1 controls, and the invisible characters that reorder text.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
                          "\ud800-\udfff]")  # lone surrogates: the bytes of a file name that is not UTF-8


def printable(text: str) -> str:
    """`text` with every control or invisible character written as an escape (ESC → \\x1b)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the user's input, printed as `FILE:LINE: path: message`."""

    file: str = ""
    line: int | None = None
    path: str = ""
    message: str = ""
    column: int | None = None
    code: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
            if self.column is not None:
                where = f"{where}:{self.column}"
        parts = [p for p in (where, self.path) if p]
        # one line, even where a file name or value holds a line break (TERMSMITH_LIBRARY set to two lines)
        return printable(": ".join([*parts, self.message])).replace("\n", "\\n")

    def as_dict(self) -> dict:
        """The problem as JSON data (`--format json`, the MCP server's tools)."""
        return {"file": self.file or None, "line": self.line, "column": self.column, "path": self.path or None,
                "message": self.message, "severity": self.severity, "code": self.code or None}


class TermsmithError(Exception):
    """Base of every error termsmith reports to a user (never a traceback)."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__()

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class InputError(TermsmithError):
    """The deal file cannot be read or is not valid."""


class LibraryError(TermsmithError):
    """The clause library is broken (bad front matter, template error, unknown reference …)."""


class OutputError(TermsmithError):
    """Outputs cannot be written safely (would overwrite a reviewer's edits, path escapes …)."""


class GitError(TermsmithError):
    """A git operation on the clause library failed."""
