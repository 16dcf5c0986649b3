"""When a document is made: the date its properties, footer and revisions carry.

Same deal + same library ⇒ byte-identical files, so the date never comes from the clock:
1. SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention) when it is set;
2. otherwise the date of the library commit the draft is made from (a committed, unmodified library; for the
   library bundled in an installed termsmith, the commit its build recorded: termsmith.resources.bundled_origin);
3. otherwise the newest modification time of the inputs (the deal file and the library's files).
Never the deal's effective date, which usually lies in the future.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from pathlib import Path

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


class BadEpoch(ValueError):
    """SOURCE_DATE_EPOCH is set but is not a number of seconds."""


def iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def source_date_epoch(environ: dict | None = None) -> int | None:
    raw = (os.environ if environ is None else environ).get(SOURCE_DATE_EPOCH)
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    if not raw.isdigit() or int(raw) > 253402300799:  # up to 9999-12-31
        raise BadEpoch(f"'{raw}' is not a number of seconds since 1970-01-01 (the date a document is made)")
    return int(raw)


def made_at(commit: str | None, commit_time: Callable[[str], int | None],
            inputs: Callable[[], Iterable[Path]], environ: dict | None = None) -> str:
    """The ISO 8601 UTC time a draft is made at (see the module's docstring for the order)."""
    epoch = source_date_epoch(environ)
    if epoch is not None:
        return iso(epoch)
    if commit and not commit.endswith("-dirty"):
        when = commit_time(commit)
        if when is not None:
            return iso(when)
    newest = 0.0
    for path in inputs():
        try:
            newest = max(newest, path.stat().st_mtime)
        except OSError:
            continue
    return iso(newest)
