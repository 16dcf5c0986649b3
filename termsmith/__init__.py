"""termsmith: partnership deal specifications in, contract drafts (Word + Markdown) out."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # the public API, as type checkers see it (imported lazily at run time)
    from termsmith.api import (build, check, dates, draft, draft_many, explain, lint, lock, outdated, redline,
                               schema)

__all__ = ["__version__", "build", "check", "dates", "draft", "draft_many", "explain", "lint", "lock", "outdated", "redline",
           "schema"]


def __getattr__(name: str):
    # The public API is imported lazily so that `termsmith --help` starts fast.
    if name in __all__:
        from termsmith import api

        return getattr(api, name)
    raise AttributeError(name)
