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
        override = result.deal.overrides.get(decision.clause.id)
        if override is not None and decision.included:
            based = f", negotiated from {override.based_on}" if override.based_on else ""
            mark, status = ("-", "left out") if override.removed else ("*", "included")
            why += f"; overridden by the deal ({'removed' if override.removed else 'its own wording'}{based})"
        lines.append(f"  {mark} {decision.clause.id:<{width}} {decision.clause.version:<8} {status:<9} {why}")
    for ident, override in result.deal.overrides.items():
        if override.after is not None or override.before is not None:
            place = f"after {override.after}" if override.after is not None else f"before {override.before}"
            lines.append(f"  + {ident:<{width}} {'deal':<8} {'added':<9} by the deal, {place}")
    included = sum(d.included for d in result.selection.decisions)
    lines.append(f"{included} of {len(result.selection.decisions)} clauses included")
    defaults = getattr(result, "defaults", ())
    if defaults:
        lines.append(f"Defaults applied ({len(defaults)}): the deal file does not set these, so the draft uses them")
        lines += default_lines(defaults)
    return lines


def default_lines(defaults) -> list[str]:
    """One line per default a draft applied: the field, its value and the clauses that read it."""
    return [f"  default: {d.path} = {d.value} (not in the deal file; read by {', '.join(d.clauses)})" for d in defaults]


def redline(result) -> list[str]:
    """`termsmith redline`: counts, one line per clause added (+), removed (-), changed (~) or moved (>),
    then the files written."""
    from termsmith.review.redline import summary_lines

    return [*getattr(result, "notes", ()), *summary_lines(result.comparison),
            *(f"wrote {path}" for path in result.written)]


def lint_findings(findings, style: str = "text", root=None) -> list[str]:
    """One line per finding: `file:line: severity: message [code]`, or GitHub workflow annotations."""
    import os

    lines = []
    for p in findings:
        path = os.path.relpath(p.file, root) if root and os.path.isabs(p.file) else p.file
        if style == "github":
            where = f"file={_property(path)}" + (f",line={p.line}" if p.line else "")
            message = _data(p.message)
            title = _property(f"termsmith lint {p.code}".strip())
            lines.append(f"::{p.severity} {where},title={title}::{_data(p.path) + ': ' if p.path else ''}{message}")
        else:
            where = f"{path}:{p.line}" if p.line else path
            lines.append(f"{where}: {p.severity}: {p.path + ': ' if p.path else ''}{p.message} [{p.code}]")
    errors = sum(p.severity == "error" for p in findings)
    if style == "text":
        lines.append(f"{errors} error(s), {len(findings) - errors} warning(s)")
    return lines


def outdated(result) -> list[str]:
    """`termsmith outdated`: clauses with newer versions since the lock, and what changed."""
    pinned, library, changes, changelog = result.lock, result.library, result.changes, result.changelog
    head = f"locked to {pinned.library_name} {pinned.library_version}" + (
        f" (commit {pinned.commit[:12]})" if pinned.commit else "") + f"; the library is now {library.version}"
    if not changes:
        return [head, "all locked clauses are up to date"]
    width = max(len(c.clause_id) for c in changes)
    lines = [head]
    for c in changes:
        lines.append(f"  {c.clause_id:<{width}}  {c.locked or 'new'} → {c.current or 'removed'}  {c.changelog}")
    terms = sum(c.kind == "term" for c in changes)
    counted = [f"{len(changes) - terms} clause(s)"] * (len(changes) > terms) + [f"{terms} deal term(s)"] * (terms > 0)
    lines.append(f"{' and '.join(counted)} changed; `termsmith lock --update DEAL` moves the deal to them")
    if changelog:
        lines += ["", changelog]
    return lines


def clause_list(library, area: str | None = None) -> list[str]:
    """`termsmith clauses list`: id, version, title and condition of each clause."""
    clauses = [c for c in library.clauses if area is None or c.meta.area == area]
    order = {s.id: i for i, s in enumerate(library.manifest.sections)}
    clauses.sort(key=lambda c: (order[c.meta.area], c.meta.order, c.id))
    width = max((len(c.id) for c in clauses), default=10)
    return [f"{c.id:<{width}}  {c.version:<7}  {c.meta.title}" + (f"  [when {c.meta.when}]" if c.meta.when else "")
            for c in clauses] + [f"{len(clauses)} clauses in {library.manifest.name} {library.version}"]


def clause_detail(clause) -> list[str]:
    """`termsmith clauses show ID`: the front matter and the text."""
    meta = clause.meta
    lines = [f"{meta.id} {meta.version} — {meta.title}", f"file:      {clause.path}", f"section:   {meta.area}",
             f"order:     {meta.order}", f"when:      {meta.when or 'always'}", f"changelog: {meta.changelog}"]
    for term, text in meta.defines.items():
        lines.append(f"defines:   {term}: {text}")
    return [*lines, "", clause.body.rstrip()]


def impact(result, style: str = "text") -> list[str]:
    """`termsmith impact`: a short table (text), the JSON list, or one annotation per changed clause file."""
    if style == "json":
        import json

        return [json.dumps([d.as_json() for d in result.deals], indent=2, ensure_ascii=False)]
    if style == "github":
        from termsmith.review.annotations import annotations

        title = _property("termsmith impact")
        lines = [f"::notice file={_property(file)},line={line},title={title}::{_data(message)}"
                 for file, line, message in annotations(result)]
        for deal in result.failed:  # the deals the change (or their own file) stops from drafting: each
            # problem says which deal and revision unless it is the deal file's own at both
            for p in deal.problems:
                where = f"file={_property(p.file or deal.deal)}" + (f",line={p.line}" if p.line else "")
                lines.append(f"::error {where},title={title}::{_data(p.path) + ': ' if p.path else ''}"
                             f"{_data(p.message)}")
        return lines
    rows = [("deal", "changed", "clauses", "+words", "-words", "redline")]
    for d in result.deals:
        state = {"changed": "yes", "unchanged": "no", "unaffected": "no", "locked": "no (locked)",
                 "new": "new deal", "removed": "deal removed", "failed": f"failed ({d.failed_at})"}[d.state]
        rows.append((d.deal, state, ", ".join(d.clauses) or "-", str(d.words_added) if d.state == "changed" else "-",
                     str(d.words_removed) if d.state == "changed" else "-", d.redline or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)) + "  " + r[-1] for r in rows]
    return [*(line.rstrip() for line in lines), _impact_totals(result),
            *(f"removed {path} (an earlier run's redline of a deal that no longer changes)"
              for path in getattr(result, "removed", ()))]


def _impact_totals(result) -> str:
    count = {state: sum(d.state == state for d in result.deals)
             for state in ("changed", "unchanged", "unaffected", "locked", "new", "removed", "failed")}
    drafted = count["changed"] + count["unchanged"]
    return (f"{count['changed']} of {len(result.deals)} deals changed between {result.base} and {result.head} "
            f"({len(result.change.clauses)} clause{'s' if len(result.change.clauses) != 1 else ''} changed; "
            f"{drafted} deal{'s' if drafted != 1 else ''} drafted at both revisions"
            + (f", {count['locked']} locked" if count["locked"] else "")
            + (f", {count['new']} new" if count["new"] else "")
            + (f", {count['removed']} removed" if count["removed"] else "")
            + (f", {count['failed']} failed" if count["failed"] else "") + ")")


def impact_summary(result) -> list[str]:
    """The GitHub step summary: a Markdown table of the deals whose text changed."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["### termsmith impact", "", _impact_totals(result), ""]
    shown = [d for d in result.deals if d.state in ("changed", "new", "removed", "failed")]
    if not shown:
        return [*lines, "No deal's text changes."]
    lines += ["| deal | changed | clauses | words added | words removed | redline |", "|---|---|---|---:|---:|---|"]
    for d in shown:
        changed = {"changed": "yes", "new": "new deal", "removed": "deal removed"}.get(d.state) or (
            f"failed ({d.failed_at}): " + cell(": ".join(x for x in (d.problems[0].path, d.problems[0].message) if x)
                                               + (f" (and {len(d.problems) - 1} more)" if len(d.problems) > 1 else "")))
        clauses = ", ".join(f"`{c}`" for c in d.clauses) or "—"
        lines.append(f"| {cell(d.deal)} | {changed} | {clauses} | {d.words_added} | {d.words_removed} | "
                     f"{cell(d.redline or '—')} |")
    return lines


def _data(text: str) -> str:
    """A GitHub workflow command's message, escaped as the runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A workflow command property (file, title): ':' and ',' would end it early."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def dates(result, fmt: str = "text") -> list[str]:
    """`termsmith dates`: the timelines as text, JSON or CSV, then the calendar written (if any)."""
    from termsmith.dates.tables import render

    listing = [render(result.timelines, fmt).rstrip("\n")] if fmt else []
    return [*listing, *(f"wrote {path}" for path in result.written)]
