"""Notes `termsmith check` prints about choices a deal makes that have legal consequences of their own.

A note is not a problem: the deal is valid. It tells the reader what the choice means in the draft, in
one line that names the field it concerns.
"""

from __future__ import annotations

from termsmith.deal.model import Deal
from termsmith.deal.source import SourceMap
from termsmith.errors import Problem

def _arrangement(arrangement: str, law: str, test: str, basis: str) -> str:
    """What the contractual joint venture's choice means, under the law of the deal's legal system."""
    under = f" ({test})" if test else (f" under {law}" if law else "")
    if arrangement == "cost_sharing":
        outcome = ("so that it is at most an internal partnership between the parties that does not deal with third "
                   "parties" if basis == "purpose" else "so that it is not a partnership in law")
        return ("cost_sharing: the draft treats the venture as a cooperation in which each party carries on its own "
                "business for its own account and the parties share costs (and revenue only as Partner Payments), "
                f"never profits or losses, {outcome}{under}; keep it that way in practice, or choose partnership")
    return ("partnership: the draft declares the venture a partnership in law"
            + (f" under {law}" if law else "") + " and states its consequences: each party is liable with the "
            "others for the partnership's debts and can bind it and them towards third parties acting in the usual "
            "way of its business, profits and losses are shared in the stated proportions, and the partnership's "
            "assets and debts are settled among the parties when it ends"
            + (f" ({test})" if test else "") + "; consider a company (vehicle) if the parties want limited liability")


def notes(deal: Deal, src: SourceMap, facts: dict | None = None) -> list[Problem]:
    """What `check` explains about this deal's choices, each located at the field that makes it; `facts`: the
    facts of the deal's legal system (library.yaml), which name its law."""
    facts = facts or {}
    out: list[Problem] = []
    jv = deal.scope.joint_venture
    if deal.deal.kind == "joint_venture" and jv is not None and jv.vehicle is None and jv.arrangement:
        law, test = str(facts.get("partnership_law") or ""), str(facts.get("partnership_test") or "")
        basis = str(facts.get("partnership_basis") or "")
        out.append(src.problem(("scope", "joint_venture", "arrangement"),
                               "note: " + _arrangement(jv.arrangement, law, test, basis)))
    if deal.deal.kind == "technology" and deal.payments is None:
        out.append(src.problem(("deal", "kind"), "note: no payments section, so the draft says expressly that no fee, "
                                                 "royalty or revenue share is payable between the parties for their "
                                                 "technology; add payments if one partner is paid for its engine"))
    return out
