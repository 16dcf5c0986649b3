"""The JSON Schema of the deal file, for editor completion and validation outside termsmith."""

from __future__ import annotations

from termsmith.deal.model import Deal

SCHEMA_ID = "https://termsmith.dev/schema/deal-1.json"


def deal_schema(terms: type | None = None) -> dict:
    """The deal file's JSON Schema; with `terms` (the model a library's declarations make), its `terms:`
    section lists those terms with their descriptions, defaults and choices."""
    schema = Deal.model_json_schema(mode="validation")
    if terms is not None:
        declared = terms.model_json_schema(mode="validation")
        schema.setdefault("$defs", {}).update(declared.pop("$defs", {}))
        declared["description"] = schema["properties"]["terms"].get("description", "")
        schema["properties"]["terms"] = declared
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
