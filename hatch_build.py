"""Build hook: the bundled clause library and the templates become package data of a wheel.

They stay at the top of the repository, where counsel and designers edit them; a wheel carries them as
`termsmith/_bundled/` (found by `termsmith.resources`). An editable install gets no copy: it reads the
checkout's own folders, so an edit is seen at once and no stale copy sits in site-packages.
"""

from __future__ import annotations

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLED = {
    "clause_library": "termsmith/_bundled/clause_library",
    "templates/reference.docx": "termsmith/_bundled/templates/reference.docx",
}


class BundledData(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name == "wheel" and version != "editable":
            build_data["force_include"].update(BUNDLED)
