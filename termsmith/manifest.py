"""The provenance manifest written beside each draft: what produced it and what was written."""


import hashlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from collections.abc import Sequence
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from termsmith.draft.document import AppliedDefault, Provenance
from termsmith.errors import InputError, Problem
from termsmith.inputs import read_regular

MAX_DEAL_BYTES = 1_000_000  # as for any deal file

MANIFEST_SUFFIX = ".manifest.json"


@dataclass(frozen=True)
class Inputs:
    """What a draft was made from, so that it can be made again: paths relative to the manifest's folder
    (POSIX separators, so the manifest reads the same on every machine)."""

    deal: str
    library: str
    library_rev: str | None = None  # the revision asked for with --library-rev

    @classmethod
    def relative_to(cls, folder: Path, deal: Path, library: Path, library_rev: str | None = None) -> Self:
        def rel(path: Path) -> str:
            return Path(os.path.relpath(Path(path).resolve(), Path(folder).resolve())).as_posix()

        return cls(rel(deal), rel(library), library_rev)


def manifest_json(provenance: Provenance, outputs: dict[str, str], inputs: Inputs | None = None,
                  defaults: Sequence[AppliedDefault] = ()) -> bytes:
    """Sorted, stable JSON: the same draft always gives the same manifest bytes. `defaults`: the deal fields
    the draft read at their default, so a reviewer of the record sees what no one chose."""
    # field by field rather than dataclasses.asdict, which copies every clause's record deeply to throw it away
    data = {f.name: getattr(provenance, f.name) for f in fields(provenance) if f.name not in ("clauses", "overrides")}
    data["clauses"] = {c.id: c.version for c in provenance.clauses}
    if provenance.overrides:  # only a deal with overrides has the key: other manifests stay as they were
        data["overrides"] = {o.id: {f.name: getattr(o, f.name) for f in fields(o)
                                    if f.name != "id" and getattr(o, f.name)} for o in provenance.overrides}
    data["outputs"] = dict(sorted(outputs.items()))
    if inputs is not None:
        data["inputs"] = asdict(inputs)
    if defaults:
        data["defaults"] = [{"path": d.path, "value": d.value, "clauses": list(d.clauses)} for d in defaults]
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


MAX_MANIFEST_BYTES = 1_000_000


# built when a manifest is first read (defer_build), not by every draft that imports this module
class _ManifestInputs(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)
    deal: Annotated[str, StringConstraints(min_length=1, max_length=4096, pattern=r"^[^\x00-\x1f]+$")]
    library: Annotated[str, StringConstraints(min_length=1, max_length=4096, pattern=r"^[^\x00-\x1f]+$")]
    library_rev: Annotated[str, StringConstraints(max_length=256, pattern=r"^[^\x00-\x1f-][^\x00-\x1f]*$")] | None = None


class _ManifestData(BaseModel):
    """What read_manifest trusts of a manifest: it may come with a document from anyone."""

    model_config = ConfigDict(extra="ignore", defer_build=True)
    inputs: _ManifestInputs
    deal_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    library_commit: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{40}(-dirty)?$")] | None = None
    clauses: dict[Annotated[str, StringConstraints(max_length=200, pattern=r"^[A-Za-z0-9_.-]+$")],
                  Annotated[str, StringConstraints(max_length=64, pattern=r"^[0-9A-Za-z.+-]+$")]] = {}


def read_manifest(path: Path) -> Recorded:
    """The inputs a manifest records, after checking the deal file is still there and unchanged."""
    path = Path(path)
    where = str(path)
    try:
        raw = read_regular(path, MAX_MANIFEST_BYTES, "manifest")
    except InputError as exc:
        if "not found" in exc.problems[0].message:
            raise InputError(Problem(file=where, message="manifest not found")) from None
        raise
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InputError(Problem(file=where, message="is not a termsmith manifest (not JSON)")) from None
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), dict) or "deal_sha256" not in data:
        raise InputError(Problem(file=where, path="inputs", message=(
            "the manifest does not record the deal file and library it was drafted from "
            "(drafted by an older termsmith?); draft the deal again, or compare the deal files instead")))
    try:
        checked = _ManifestData.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(Problem(file=where, path=".".join(map(str, first["loc"])),
                                 message=f"not a valid termsmith manifest: {first['msg']}")) from None
    folder = path.parent
    recorded = Recorded(
        manifest=path,
        deal=Path(os.path.normpath(folder / checked.inputs.deal)),
        deal_sha256=checked.deal_sha256,
        library=Path(os.path.normpath(folder / checked.inputs.library)),
        library_commit=checked.library_commit,
        clauses=dict(checked.clauses),
    )
    _check_deal(recorded)
    return recorded


def _check_deal(recorded: Recorded) -> None:
    where = str(recorded.manifest)
    try:
        raw = read_regular(recorded.deal, MAX_DEAL_BYTES, "deal file")
    except InputError as exc:
        message = exc.problems[0].message
        if "not found" in message:
            message = f"the deal file it was drafted from, {recorded.deal}, is gone; restore it, or compare the deal files instead"
        else:
            message = f"the deal file it names, {recorded.deal}, {message}"
        raise InputError(Problem(file=where, path="inputs.deal", message=message)) from None
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
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    outputs = data.get("outputs") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in outputs.items()} if isinstance(outputs, dict) else {}
