"""The deal specification as pydantic models: these classes *are* the spec (`termsmith schema`).

One module per part of the deal file (agreement, roles, service, money, disputes, exit, protection, the kinds'
`scope`), on the shared types of `base`; `deal.Deal` puts the parts together. A new section is a model in its
module and a field of `Deal`: nothing else lists the sections (termsmith.deal.fields walks the model).

Annotations here are evaluated as the classes are made (no `from __future__ import annotations`): pydantic
would otherwise evaluate each annotation's text again, at every start, when it builds the models."""

from termsmith.deal.model.agreement import Party
from termsmith.deal.model.base import DealKind, PartyId, Percent, Spec
from termsmith.deal.model.deal import ClauseOverride, Deal

__all__ = ["ClauseOverride", "Deal", "DealKind", "Party", "PartyId", "Percent", "Spec"]
