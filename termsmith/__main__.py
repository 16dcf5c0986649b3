"""The `termsmith` command's entry point (also `python -m termsmith`).

Kept apart from `cli` so that a `termsmith draft` can start validating the deal in a second process
(see `prevalidate`) before click and the rest are even imported.
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    gc.disable()  # see cli.main
    if sys.argv[1:2] == ["draft"]:
        from termsmith import prevalidate

        prevalidate.launch()
    from termsmith.cli import main as run

    run()


if __name__ == "__main__":
    main()
