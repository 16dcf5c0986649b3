"""Build hook: the bundled clause library and the templates become package data of a wheel.

They stay at the top of the repository, where counsel and designers edit them; a wheel carries them as
`termsmith/_bundled/` (found by `termsmith.resources`). An editable install gets no copy: it reads the
checkout's own folders, so an edit is seen at once and no stale copy sits in site-packages.

Why a record of the library's commit: a draft is dated by its library's last commit (termsmith/draft/made.py),
so that the same deal and the same library give the same bytes. An installed library is not in git, and its
files are as old as the installation, so two installations of one release would date the same draft
differently. Built from a git checkout whose `clause_library/` has no uncommitted changes, the wheel (and the
sdist, from which `python -m build` makes the wheel) records that commit, its date and each file's size in
`termsmith/_bundled/origin.json`; `termsmith.resources.bundled_origin` reads it back.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLED = {
    "clause_library": "termsmith/_bundled/clause_library",
    "templates/reference.docx": "termsmith/_bundled/templates/reference.docx",
}
ORIGIN = "termsmith/_bundled/origin.json"  # where a wheel carries the record
SDIST_ORIGIN = "bundled-origin.json"  # where an sdist carries it, for the wheel built from the sdist


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def library_origin(root: Path) -> dict | None:
    """The commit `root/clause_library` was last changed in, its committer date and the library's file sizes,
    when `root` is the top of a git checkout and the library has no uncommitted or untracked changes."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != root.resolve():
        return None  # not a checkout (an unpacked sdist, perhaps inside some other repository)
    commit = _git(root, "rev-list", "-1", "HEAD", "--", "clause_library")
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", "clause_library")
    if not commit or status is None or status:
        return None
    committed = _git(root, "show", "-s", "--format=%ct", commit, "--")
    if committed is None or not committed.isdigit():
        return None
    library = root / "clause_library"
    files = {path.relative_to(library).as_posix(): path.stat().st_size
             for path in sorted(library.rglob("*")) if path.is_file()}
    return {"commit": commit, "committed": int(committed), "files": files}


class BundledData(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name not in ("wheel", "sdist") or version == "editable":
            return
        root = Path(self.root)
        origin = library_origin(root)
        if origin is None and (root / SDIST_ORIGIN).is_file():
            origin = json.loads((root / SDIST_ORIGIN).read_text(encoding="utf-8"))  # building from an sdist
        if self.target_name == "wheel":
            build_data["force_include"].update(BUNDLED)
        if origin is not None:
            self._scratch = Path(tempfile.mkdtemp(prefix="termsmith-build-"))
            record = self._scratch / "origin.json"
            record.write_text(json.dumps(origin, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            build_data["force_include"][str(record)] = ORIGIN if self.target_name == "wheel" else SDIST_ORIGIN

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
