"""Deal variants that between them take every branch of the clause library: the example deals, each changed
one field (or one combination of exit fields) at a time. Tests draft them all and read the text."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from termsmith import api
from termsmith.errors import InputError, LibraryError

from .conftest import EXAMPLES
from .counsel import add_party

Change = Callable[[dict], None]


def _set(path: str, value) -> Change:
    def change(data: dict) -> None:
        node = data
        keys = path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        if value is _DROP:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = copy.deepcopy(value)
    change.__name__ = f"{path}={'(dropped)' if value is _DROP else value!r}"
    return change


_DROP = object()


def _third_party(data: dict) -> None:
    if len(data["parties"]) > 2:
        return
    add_party(data, -1, id="third", name="Third Party Limited", short_name="Thirdco")
    if data.get("budget"):
        shares = data["budget"]["cost_sharing"]
        first = next(iter(shares))
        shares[first] -= 10
        shares["third"] = 10
    jv = (data.get("scope") or {}).get("joint_venture") or {}
    if jv.get("shares"):
        first = next(iter(jv["shares"]))
        jv["shares"][first] -= 10
        jv["shares"]["third"] = 10


def _two_parties(data: dict) -> None:
    keep = {p["id"] for p in data["parties"][:2]}
    if len(data["parties"]) == 2:
        return
    data["parties"] = data["parties"][:2]
    for level in data["conflict_resolution"]["escalation"]:
        if level.get("representatives"):
            level["representatives"] = {k: v for k, v in level["representatives"].items() if k in keep}
    roles = data["roles"]
    roles["alliance_managers"] = {k: v for k, v in roles.get("alliance_managers", {}).items() if k in keep}
    roles["responsibilities"] = [r for r in roles["responsibilities"] if r["party"] in keep]
    roles.pop("raci", None)
    if data.get("governance"):
        data["governance"]["kpis"] = [k for k in data["governance"].get("kpis", []) if k["owner"] in keep]
    if data.get("slas"):
        data["slas"]["metrics"] = [m for m in data["slas"]["metrics"] if m["provider"] in keep]
        if not data["slas"]["metrics"]:
            data.pop("slas")
    for holder in (data.get("budget") or {}).get("cost_sharing"), ((data.get("scope") or {}).get("joint_venture") or {}).get("shares"):
        if holder:
            for k in list(holder):
                if k not in keep:
                    holder.pop(k)
            first = next(iter(holder))
            holder[first] += 100 - sum(holder.values())
    jv = (data.get("scope") or {}).get("joint_venture") or {}
    for name in ("contributions", "cash_contributions"):
        if jv.get(name):
            jv[name] = {k: v for k, v in jv[name].items() if k in keep}
    board = jv.get("board") or {}
    if board.get("directors"):
        board["directors"] = {k: v for k, v in board["directors"].items() if k in keep}
        if board.get("chair") not in (*keep, "rotating"):
            board["chair"] = "rotating"


def _no_governance(data: dict) -> None:
    """No governance section: an escalation level that names the Steering Committee goes with it."""
    data.pop("governance", None)
    levels = data["conflict_resolution"]["escalation"]
    levels[:] = [lv for lv in levels if lv["level"].lower() != "steering committee"] or levels[:1]


def _representatives(data: dict) -> None:
    """The last escalation level names each party's own representative."""
    titles = ("Chief Executive Officer", "Managing Director", "President", "General Manager")
    data["conflict_resolution"]["escalation"][-1]["representatives"] = {
        p["id"]: titles[i % len(titles)] for i, p in enumerate(data["parties"])}


def _exit_combinations() -> Iterator[Change]:
    for months, migration, support, fees in itertools.product((0, 6), (True, False), (None, 12), ("none", "cost_plus", "fixed")):
        def change(data: dict, months=months, migration=migration, support=support, fees=fees) -> None:
            tr = data["exit"]["transition"]
            tr.update(assistance_months=months, customer_migration=migration, fees=fees)
            tr.pop("fixed_fee", None)
            if fees == "fixed":
                tr["fixed_fee"] = 20000
                if not data.get("budget"):
                    data["budget"] = _BUDGET(data)
            post = data["exit"].setdefault("post_termination", {})
            if support is None:
                post.pop("existing_customer_support_months", None)
            else:
                post["existing_customer_support_months"] = support
        change.__name__ = f"exit(months={months},migration={migration},support={support},fees={fees})"
        yield change


def _data_flows(roles: tuple[str, ...]) -> Change:
    """Personal data roles stated per data flow (options.personal_data left out), between the first two parties."""
    def change(data: dict) -> None:
        first, second = (p["id"] for p in data["parties"][:2])
        (data.get("options") or {}).pop("personal_data", None)
        flows = []
        for role in roles:
            flow = {"data": f"{role.replace('_', ' ')} data of customers", "from": first, "to": second, "role": role,
                    "purpose": "support the customers of the partnership"}
            if role == "controller_to_processor":
                flow["subjects"] = "the employees of customers"
            flows.append(flow)
        data["data_protection"] = {"flows": flows}
    change.__name__ = f"data_protection.flows={'+'.join(roles)}"
    return change


def _budget_categories(data: dict) -> None:
    budget = data.get("budget")
    if budget:
        budget["categories"] = [{"name": "Joint marketing campaigns", "amount": budget["total"] * 0.75},
                                {"name": "Integration testing", "amount": budget["total"] * 0.25}]


def _BUDGET(data: dict) -> dict:
    ids = [p["id"] for p in data["parties"]]
    shares = {pid: 100 // len(ids) for pid in ids}
    shares[ids[0]] += 100 - sum(shares.values())
    return {"currency": "EUR", "total": 100000, "cost_sharing": shares, "payment_terms_days": 30, "invoicing": "quarterly"}


def _payment(kind: str) -> Change:
    """One more payment from the second party to the first (the customer to the provider for a service charge in a
    managed service deal), beside any the deal has: a royalty on revenue, self-billed, or a licence fee in advance."""
    def change(data: dict) -> None:
        ids = [p["id"] for p in data["parties"]]
        payer, payee = ids[1], ids[0]
        if kind == "service_charge" and data["deal"]["kind"] == "managed_service":
            payee = ((data.get("scope") or {}).get("managed_service") or {}).get("provider") or ids[0]
            payer = next(i for i in ids if i != payee)
        pay = data.setdefault("payments", {"streams": []})
        if not data.get("budget"):
            pay.setdefault("currency", "EUR")
            pay.setdefault("payment_terms_days", 30)
        stream = {"id": f"extra-{kind.replace('_', '-')}", "type": kind, "payer": payer, "payee": payee,
                  "description": "the O'Brien & Co. \\ \"special\" work"}
        if kind == "royalty":
            stream.update(percent=6, revenue="the net revenue from the combined offering", self_billing=True)
            pay.setdefault("statements", "quarterly")
            pay.setdefault("tail_months", 3)
            pay.setdefault("audit", {"records_years": 3})
        else:
            stream.update(amount=5000, per="quarter", in_advance=True)
        pay["streams"].append(stream)
    change.__name__ = f"payments+{kind}"
    return change


CHANGES: list[Change] = [
    _payment("royalty"),
    _payment("licence_fee"),
    _payment("service_charge"),
    _third_party,
    _two_parties,
    _set("scope.exclusive", True),
    _set("scope.exclusive", False),
    _set("scope.territory", _DROP),
    _set("scope.territory", "Germany"),
    _set("scope.products", []),
    _set("budget", _DROP),
    _set("slas", _DROP),
    _no_governance,
    _representatives,
    _set("options.personal_data", "none"),
    _set("options.personal_data", "processor"),
    _set("options.personal_data", "independent_controllers"),
    _set("options.personal_data", _DROP),
    _data_flows(("controller_to_processor",)),
    _data_flows(("controller_to_processor", "independent_controllers", "joint_controllers")),
    _budget_categories,
    _set("conflict_resolution.mediation", _DROP),
    _set("conflict_resolution.mediation", {"provider": "CEDR", "days": 30}),
    _set("exit.insolvency", False),
    _set("exit.change_of_control", {"terminable": True, "notice_days": 45}),
    _set("exit.change_of_control", {"terminable": False}),
    _set("exit.termination_for_convenience", {"allowed": True, "notice_days": 120, "earliest_after_months": 12}),
    _set("exit.termination_for_convenience", {"allowed": False}),
    _set("exit.survival", ["confidentiality", "liability", "intellectual_property", "data_return", "non_solicitation",
                           "dispute_resolution", "payment"]),
    _set("exit.post_termination", {}),
    _set("term.renewal", "none"),
    _set("deal.language", "en-US"),
]
# Every combination of the exit fields, on two deals (with and without a budget, two kinds).
EXIT_DEALS = ("acme-globex-technology", "helios-orbis-strategic-alliance")


def variant_data() -> Iterator[tuple[str, dict]]:
    """(name, deal data) for every example and every change that leaves it a valid deal."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        base = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield path.stem, base
        for change in [*CHANGES, *(_exit_combinations() if path.stem in EXIT_DEALS else ())]:
            data = copy.deepcopy(base)
            change(data)
            if data["term"]["renewal"] != "automatic":
                data["term"].pop("renewal_months", None)
                data["term"].pop("non_renewal_notice_days", None)
            yield f"{path.stem}:{change.__name__}", data


def drafts(tmp: Path) -> Iterator[tuple[str, dict, object]]:
    """(name, data, Draft) for every variant that validates (a variant a business rule refuses is skipped)."""
    for i, (name, data) in enumerate(variant_data()):
        path = tmp / f"v{i}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        try:
            yield name, data, api.build(path)
        except InputError:
            continue
        except LibraryError as exc:
            # a duty written in the deal may use a term (Service Level) whose section the variant dropped
            if "roles.responsibilities" in str(exc) and "slas" not in data:
                continue
            raise
