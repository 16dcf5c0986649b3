"""The provenance manifest written beside each draft: what produced it and what was written."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from termsmith.draft.document import Provenance
from termsmith.errors import InputError, Problem

MANIFEST_SUFFIX = ".manifest.json"


@dataclass(frozen=True)
class Inputs:
    """What a draft was made from, so that it can be made again: paths relative to the manifest's folder
    (POSIX separators, so the manifest reads the same on every machine)."""

    deal: str
    library: str
    library_rev: str | None = None  # the revision asked for with --library-rev

    @classmethod
    def relative_to(cls, folder: Path, deal: Path, library: Path, library_rev: str | None = None) -> Inputs:
        def rel(path: Path) -> str:
            return Path(os.path.relpath(Path(path).resolve(), Path(folder).resolve())).as_posix()

        return cls(rel(deal), rel(library), library_rev)


def manifest_json(provenance: Provenance, outputs: dict[str, str], inputs: Inputs | None = None) -> bytes:
    """Sorted, stable JSON: the same draft always gives the same manifest bytes."""
    data = asdict(provenance)
    data["clauses"] = {c["id"]: c["version"] for c in data["clauses"]}
    data["outputs"] = dict(sorted(outputs.items()))
    if inputs is not None:
        data["inputs"] = asdict(inputs)
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Recorded:
    """What a manifest says produced its draft, with the paths resolved against the manifest's folder."""

    manifest: Path
    deal: Path
    deal_sha256: str
    library: Path
    library_commit: str | None  # '<commit>-dirty' when the library had uncommitted changes
    clauses: dict[str, str]

    @property
    def exact_commit(self) -> str | None:
        """The commit that holds exactly the library the draft was made from, if there is one."""
        if self.library_commit and not self.library_commit.endswith("-dirty"):
            return self.library_commit
        return None


def read_manifest(path: Path) -> Recorded:
    """The inputs a manifest records, after checking the deal file is still there and unchanged."""
    path = Path(path)
    where = str(path)
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(Problem(file=where, message="manifest not found")) from None
    except OSError as exc:
        raise InputError(Problem(file=where, message=f"cannot read the manifest: {exc.strerror or exc}")) from None
    except (ValueError, UnicodeDecodeError):
        raise InputError(Problem(file=where, message="is not a termsmith manifest (not JSON)")) from None
    inputs = data.get("inputs") if isinstance(data, dict) else None
    if not isinstance(inputs, dict) or not all(isinstance(inputs.get(k), str) for k in ("deal", "library")) \
            or not isinstance(data.get("deal_sha256"), str):
        raise InputError(Problem(file=where, path="inputs", message=(
            "the manifest does not record the deal file and library it was drafted from "
            "(drafted by an older termsmith?); draft the deal again, or compare the deal files instead")))
    folder = path.parent
    recorded = Recorded(
        manifest=path,
        deal=Path(os.path.normpath(folder / inputs["deal"])),
        deal_sha256=data["deal_sha256"],
        library=Path(os.path.normpath(folder / inputs["library"])),
        library_commit=data.get("library_commit") if isinstance(data.get("library_commit"), str) else None,
        clauses={str(k): str(v) for k, v in (data.get("clauses") or {}).items()},
    )
    _check_deal(recorded)
    return recorded


def _check_deal(recorded: Recorded) -> None:
    where = str(recorded.manifest)
    try:
        raw = recorded.deal.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(file=where, path="inputs.deal", message=(
            f"the deal file it was drafted from, {recorded.deal}, is gone; "
            "restore it, or compare the deal files instead"))) from None
    except OSError as exc:
        raise InputError(Problem(file=where, path="inputs.deal",
                                 message=f"cannot read the deal file {recorded.deal}: {exc.strerror}")) from None
    actual = hashlib.sha256(raw).hexdigest()
    if actual != recorded.deal_sha256:
        raise InputError(Problem(file=where, path="deal_sha256", message=(
            f"the deal file {recorded.deal} has changed since the draft was made "
            f"(sha256 {actual[:12]}…, the manifest records {recorded.deal_sha256[:12]}…); "
            "compare the deal files themselves instead"), code="deal-changed"))


def recorded_outputs(raw: bytes) -> dict[str, str]:
    """{file name: sha256} a manifest says termsmith wrote; {} when it cannot be read."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}
    outputs = data.get("outputs") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in outputs.items()} if isinstance(outputs, dict) else {}
