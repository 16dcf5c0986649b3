"""The provenance manifest written beside each draft: what produced it and what was written."""

from __future__ import annotations

import json
from dataclasses import asdict

from termsmith.document import Provenance

MANIFEST_SUFFIX = ".manifest.json"


def manifest_json(provenance: Provenance, outputs: dict[str, str]) -> bytes:
    """Sorted, stable JSON: the same draft always gives the same manifest bytes."""
    data = asdict(provenance)
    data["clauses"] = {c["id"]: c["version"] for c in data["clauses"]}
    data["outputs"] = dict(sorted(outputs.items()))
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def recorded_outputs(raw: bytes) -> dict[str, str]:
    """{file name: sha256} a manifest says termsmith wrote; {} when it cannot be read."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}
    outputs = data.get("outputs") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in outputs.items()} if isinstance(outputs, dict) else {}
