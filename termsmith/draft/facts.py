"""Facts about a deal that business rules and clause templates both rely on (plain code: renderers may import it)."""

from __future__ import annotations

# Deal kinds in which one party buys from another: a reseller buys at list price less its discount; a managed
# service is paid for by its customer.
_PAID_KINDS = ("reseller", "managed_service")


def money_flows(deal) -> bool:
    """Whether amounts are paid from one party to another for what the agreement provides (not counting the
    settling of a shared budget, which can be nil): a fee-based liability cap or service credits need this."""
    return deal.deal.kind in _PAID_KINDS or getattr(deal, "payments", None) is not None


def cap_basis(deal) -> str | None:
    """What a liability cap's multiple is taken of: the deal's own choice, else the amounts paid between the
    parties where money flows, else each party's share of the Budget; None when there is neither."""
    cap = deal.options.liability_cap
    if cap.basis is not None:
        return cap.basis
    if money_flows(deal):
        return "amounts_paid"
    return "budget_share" if deal.budget is not None else None
