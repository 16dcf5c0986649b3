"""The JSON Schema of the deal file, for editor completion and validation outside termsmith."""

from __future__ import annotations

from termsmith.deal.model import Deal

SCHEMA_ID = "https://termsmith.dev/schema/deal-1.json"


def deal_schema() -> dict:
    schema = Deal.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
