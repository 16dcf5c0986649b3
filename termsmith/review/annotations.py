"""What a clause pull request's reviewer sees of `termsmith impact`: one note per changed clause file, at
its first changed line, naming the deals whose text it changes (GitHub annotations, `--format github`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from termsmith.library.clauses import MANIFEST

if TYPE_CHECKING:
    from termsmith.review.impact import ImpactResult


def annotations(result: ImpactResult) -> list[tuple[str, int, str]]:
    """One (file, line, message) per changed clause file, at its first changed line: the deals whose text
    it changes; and one per deal file that itself changed between the revisions (at line 1)."""
    library_folder = result.folder
    out = []
    for cid in result.change.clauses:
        file = _shown(library_folder / result.change.path_of(cid))
        changed = result.deals_changed_by(cid)
        name = cid + (" (removed)" if cid not in result.change.head.by_id
                      else " (new)" if cid not in result.change.base.by_id else "")
        if changed:
            names = ", ".join(d.deal_id for d in changed[:10]) + (" …" if len(changed) > 10 else "")
            message = f"{name} changes the text of {len(changed)} deal{'s' if len(changed) != 1 else ''}: {names}"
        else:
            message = f"{name} changes the text of no deal"
        out.append((file, _first_changed_line(result.change.base.by_id.get(cid), result.change.head.by_id.get(cid)),
                    message))
    if result.change.everything:
        changed = [d for d in result.deals if d.state == "changed"]
        out.append((_shown(library_folder / MANIFEST), 1,
                    f"{result.change.everything}: every deal was compared; {len(changed)} changed"))
    for d in result.deals:
        if d.deal_changed and d.state != "failed":
            what = {"new": "a new deal", "removed": "the deal was removed",
                    "unchanged": "the deal file changed but its text did not"}.get(d.state)
            out.append((_shown(Path(d.deal)), 1, what or (
                f"the text of {d.deal_id} changes: {d.words_added} words added, {d.words_removed} removed"
                + (f" (redline {d.redline})" if d.redline else ""))))
    return out


def _first_changed_line(base, head) -> int:
    """The line of a changed clause file where the change starts, so a pull request shows the note beside
    it: the first body line that differs, else the first front-matter key whose value changed; 1 for a new
    or removed clause."""
    if base is None or head is None:
        return 1
    if base.body != head.body:
        old, new = base.body.splitlines(), head.body.splitlines()
        index = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        return head.body_line + min(index, max(len(new) - 1, 0))
    before, after = base.meta.model_dump(), head.meta.model_dump()
    changed = [key for key in after if after[key] != before.get(key)]
    return min((head.line_of(key) for key in changed), default=1)


def _shown(path: Path) -> str:
    return os.path.relpath(path) if path.is_absolute() else path.as_posix()
