"""termsmith: partnership deal specifications in, contract drafts (Word + Markdown) out."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "build", "check", "dates", "draft", "draft_many", "explain", "lint", "lock", "outdated", "redline",
           "schema"]


def __getattr__(name: str):
    # The public API is imported lazily so that `termsmith --help` starts fast.
    if name in __all__:
        from termsmith import api

        return getattr(api, name)
    raise AttributeError(name)
