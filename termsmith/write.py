"""Write a draft's files atomically, never over a reviewer's edits, never outside the output folder."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from termsmith.errors import OutputError, Problem
from termsmith.manifest import MANIFEST_SUFFIX, recorded_outputs

PROTECTED = (".docx", ".md")  # what a reviewer edits: the Word document and its Markdown twin


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def output_path(out_dir: Path, name: str) -> Path:
    """out_dir/name, refusing any name that would leave out_dir."""
    target = (out_dir / name).resolve()
    if target.parent != out_dir.resolve() or name in ("", ".", "..") or "/" in name or "\\" in name:
        raise OutputError(Problem(file=str(out_dir / name), message="output name would leave the output folder"))
    return target


def check_not_edited(out_dir: Path, stem: str, names: list[str]) -> None:
    """Refuse to replace a .docx or .md whose bytes differ from what termsmith last wrote there."""
    manifest = output_path(out_dir, stem + MANIFEST_SUFFIX)
    recorded = recorded_outputs(manifest.read_bytes()) if manifest.is_file() else {}
    for name in names:
        path = output_path(out_dir, name)
        if not name.endswith(PROTECTED) or not path.exists():
            continue
        current = sha256(path.read_bytes())
        if recorded.get(name) != current:
            why = "was changed since termsmith wrote it" if name in recorded else "was not written by termsmith (no manifest records it)"
            raise OutputError(Problem(
                file=str(path),
                message=f"{why}, perhaps by a reviewer; not overwritten. Save the edits elsewhere or re-run with --force",
                code="edited",
            ))


@dataclass(frozen=True)
class Outputs:
    """A draft's files as bytes, named inside an output folder, and its manifest."""

    stem: str  # the deal id every name starts with
    files: dict[str, bytes]
    manifest_name: str
    manifest: bytes


def write_draft(out_dir: Path, outputs: Outputs, *, force: bool = False) -> list[Path]:
    """Write a draft's files together, the manifest last; unless `force`, never over a reviewer's edits."""
    out_dir = Path(out_dir)
    if not force:
        check_not_edited(out_dir, outputs.stem, list(outputs.files))
    return write_outputs(out_dir, outputs.files, outputs.manifest_name, outputs.manifest)


def write_outputs(out_dir: Path, files: dict[str, bytes], manifest_name: str, manifest: bytes) -> list[Path]:
    """A draft's files, named inside out_dir, written together; the manifest goes last."""
    targets = {output_path(out_dir, name): data for name, data in [*files.items(), (manifest_name, manifest)]}
    return write_files(targets)


def write_files(files: dict[Path, bytes]) -> list[Path]:
    """Write standalone files (a redline and its Markdown twin), each atomically: a temporary file in the
    same folder, then a rename, so a reader never sees half a file."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            target = Path(path).resolve()
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
            staged.append((tmp, target))
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        where = next(iter(files), "")
        raise OutputError(Problem(file=str(where), message=f"cannot write: {exc.strerror or exc}")) from None
    return [Path(path) for path in files]
