"""Facts about a deal that business rules and clause templates both rely on (plain code: renderers may import it)."""

from __future__ import annotations

def money_flows(deal) -> bool:
    """Whether amounts are paid from one party to another for what the agreement provides (not counting the
    settling of a shared budget, which can be nil): a fee-based liability cap needs this. A managed service's
    customers always pay its provider, by the Charges or, where the deal states none, through the Budget; a
    reseller's supplier is paid for the Products; any payment stream is an amount paid."""
    payments = getattr(deal, "payments", None)
    return (deal.deal.kind in ("managed_service", "reseller") or bool(paid_parties(deal))
            or bool(payments is not None and payments.streams))


# payments that reward a party for sales or introductions it makes: no price of what it provides
_NOT_A_PRICE = ("referral_fee", "commission")


def paid_parties(deal) -> list[str]:
    """The ids of the parties another party pays a price for what they provide: a managed service's provider where
    the deal states its Charges (a service_charge payment), the payee of a payment stream that can be a price (not
    a referral fee or a commission, which reward a party for the sales or introductions it makes). Service credits
    can only reduce such charges: a managed service paid through the Budget has none, its provider's costs are
    shared, and the Budget sets no price for a credit to adjust. A reseller's supplier is paid the price of the
    Products the resellers buy, which is no price for a service it provides to a Service Level (support, say): it
    counts only where a payment stream pays it for that service."""
    paid: list[str] = []
    # a managed service's credits reduce the Charges only, not another payment to its provider
    unpriced = service_provider(deal) if deal.deal.kind == "managed_service" and not charge_ids(deal) else None
    if deal.deal.kind == "managed_service" and unpriced is None:
        paid.append(service_provider(deal))
    payments = getattr(deal, "payments", None)
    for stream in payments.streams if payments is not None else ():
        if stream.payee not in paid and stream.payee != unpriced and stream.type not in _NOT_A_PRICE:
            paid.append(stream.payee)
    return paid


def service_provider(deal) -> str:
    """The id of the party that provides the services (a managed service's provider, whom its customers pay):
    the one the deal names (scope.managed_service.provider), else the one the first service level binds,
    else the payee of a service charge, else the first party. Clause text reads it as `service_provider`
    (a party) and the others as `service_customers`."""
    scope = getattr(deal, "scope", None)
    managed = getattr(scope, "managed_service", None) if scope is not None else None
    if managed is not None and managed.provider:
        return managed.provider
    if deal.slas is not None:
        return deal.slas.metrics[0].provider
    payments = getattr(deal, "payments", None)
    charged = [s.payee for s in payments.streams if s.type == "service_charge"] if payments is not None else []
    return charged[0] if charged else deal.parties[0].id


def cap_basis(deal) -> str | None:
    """What a liability cap's multiple is taken of: the deal's own choice, else the amounts paid between the
    parties where money flows, else each party's share of the Budget; None when there is neither."""
    cap = deal.options.liability_cap
    if cap.basis is not None:
        return cap.basis
    if money_flows(deal):
        return "amounts_paid"
    return "budget_share" if deal.budget is not None else None


def charge_ids(deal) -> list[str]:
    """The ids of the payment streams that are the "Charges": in a managed service deal, the service charges the
    customer pays the provider for the Managed Services. Every other payment stream is a "Partner Payment"."""
    payments = getattr(deal, "payments", None)
    if deal.deal.kind != "managed_service" or payments is None:
        return []
    return [s.id for s in payments.streams if s.type == "service_charge"]
