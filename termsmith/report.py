"""Formatting of results for the terminal: pure functions from results to text lines."""

from __future__ import annotations

from termsmith.errors import Problem


def problems(items: list[Problem]) -> list[str]:
    return [str(p) for p in items]


def explanation(result) -> list[str]:
    """`termsmith explain`: each clause, included or left out, with its version and the deciding fields."""
    lines = [f"{result.deal.deal.id}: {result.library.manifest.name} {result.library.version}"]
    width = max((len(d.clause.id) for d in result.selection.decisions), default=10)
    current = None
    for decision in result.selection.decisions:
        area = decision.clause.meta.area
        if area != current:
            current = area
            lines.append(f"[{result.library.sections[area].title}]")
        mark = "+" if decision.included else "-"
        status = "included" if decision.included else "left out"
        why = "always" if decision.condition is None else "because " + (
            ", ".join(f"{f} = {v}" for f, v in decision.fields) or f"`{decision.condition}`"
        )
        lines.append(f"  {mark} {decision.clause.id:<{width}} {decision.clause.version:<8} {status:<9} {why}")
    included = sum(d.included for d in result.selection.decisions)
    lines.append(f"{included} of {len(result.selection.decisions)} clauses included")
    return lines


def redline(result) -> list[str]:
    """`termsmith redline`: counts, one line per clause added (+), removed (-), changed (~) or moved (>),
    then the files written."""
    from termsmith.redline import summary_lines

    return [*summary_lines(result.comparison), *(f"wrote {path}" for path in result.written)]


def lint_findings(findings, style: str = "text", root=None) -> list[str]:
    """One line per finding: `file:line: severity: message [code]`, or GitHub workflow annotations."""
    import os

    lines = []
    for p in findings:
        path = os.path.relpath(p.file, root) if root and os.path.isabs(p.file) else p.file
        if style == "github":
            where = f"file={path}" + (f",line={p.line}" if p.line else "")
            message = p.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            lines.append(f"::{p.severity} {where},title=termsmith lint {p.code}::{p.path + ': ' if p.path else ''}{message}")
        else:
            where = f"{path}:{p.line}" if p.line else path
            lines.append(f"{where}: {p.severity}: {p.path + ': ' if p.path else ''}{p.message} [{p.code}]")
    errors = sum(p.severity == "error" for p in findings)
    if style == "text":
        lines.append(f"{errors} error(s), {len(findings) - errors} warning(s)")
    return lines
