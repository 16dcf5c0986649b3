"""What a clause reads as, and a reviewer's change that is one deal field.

A clause's signature is what it reads as without its numbers; two clauses read the same when their signatures
are equal. A change is a deal field when changing exactly one field re-drafts exactly what the reviewer wrote,
in that clause and in every other clause the field reaches (each candidate is tried by drafting the deal).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from termsmith.deal.source import set_at
from termsmith.draft.document import Clause, Draft
from termsmith.draft.templating import number_words
from termsmith.errors import TermsmithError
from termsmith.review.diff import opcodes
from termsmith.review.fromdocx import signature

MAX_FIELD_TRIES = 24


def clauses(draft: Draft) -> dict[str, Clause]:
    return {c.id: c for s in draft.sections for c in s.clauses}


SIGS: dict[int, tuple[Clause, object]] = {}  # id(clause) → (clause, signature) while a plan is made


def sig(clause: Clause | None) -> object:
    if clause is None:
        return None
    known = SIGS.get(id(clause))
    if known is not None and known[0] is clause:
        return known[1]
    read = tuple(signature(b) for b in clause.blocks)
    SIGS[id(clause)] = (clause, read)
    return read


def reads_same(a: Clause | None, b: Clause | None) -> bool:
    """The two clauses read the same: equal ones (most of a re-draft's) without working out their signatures."""
    return a == b or sig(a) == sig(b)


def plain(clause: Clause) -> str:
    parts = []
    for b in clause.blocks:
        sig = signature(b)
        # a table: its cells apart (a tab) and its rows apart (a new line), as a value never spans them
        parts.append(sig[4] if sig[0] == "p" else "\n".join("\t".join(r) for r in (sig[1], *sig[2])))
    return "\n".join(parts)


WORD = re.compile(r"\w+(?:[.,’'\-/]\w+)*|\s+|[^\w\s]")
_FIGURE = re.compile(r"\((\d{1,3}(?:,\d{3})+|\d{1,9})\)")


def one_number(text: str) -> str:
    """A number the house style writes in words and figures ('thirty (30) days') as its figures alone ('30
    days'), so a reviewer's 'forty-five (45)' is one change of one value, not two."""
    out, last = [], 0
    for m in _FIGURE.finditer(text):
        figures = m.group(1)
        words = number_words(int(figures.replace(",", ""))) + " "
        start = m.start() - len(words)
        if start >= last and text[start:m.start()].lower() == words and not text[start - 1:start].isalnum():
            out += [text[last:start], figures]
            last = m.end()
    return "".join(out) + text[last:]


# ── a change that is a deal field ──────────────────────────────────────────────────────────
def leaves(data, path=()) -> Iterable[tuple[tuple, object]]:
    if isinstance(data, dict):
        for k, v in data.items():
            if k != "overrides":
                yield from leaves(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from leaves(v, (*path, i))
    else:
        yield path, data


def short_names(data: dict) -> dict[str, str]:
    """Each party's id → its short name, as clause text prints a party (the `party` filter)."""
    return {p["id"]: p["short_name"] for p in data.get("parties") or () if isinstance(p, dict) and
            isinstance(p.get("id"), str) and isinstance(p.get("short_name"), str)}


def inside_one_value(old_text: str, new_text: str, data: dict) -> list[tuple[tuple, object, str]]:
    """(path, value, new value) of each text field that shows once in the clause and holds every change
    the reviewer made there (an address with its street and postcode changed)."""
    out = []
    for path, value in leaves(data):
        if not isinstance(value, str) or len(value) < 3 or old_text.count(value) != 1:
            continue
        at = old_text.index(value)
        before, after = old_text[:at], old_text[at + len(value):]
        if len(new_text) >= len(before) + len(after) and new_text.startswith(before) and new_text.endswith(after):
            changed = new_text[len(before):len(new_text) - len(after)]
            if changed.strip() and changed != value and "\n" not in changed and "\t" not in changed:
                out.append((path, value, changed))
    return out


def as_type(text: str, like: object) -> object | None:
    text = text.strip()
    if isinstance(like, bool):
        return None
    if isinstance(like, int):
        digits = text.replace(",", "").replace("\u202f", "").replace("\u00a0", "")
        return int(digits) if digits.isdigit() else None
    if isinstance(like, float):
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None
    if isinstance(like, str):
        return text or None
    return None


@dataclass(frozen=True)
class Trial:
    """The deal drafted with other data, against the draft and the reviewed document."""

    why: str | None = None  # the data does not draft: the deal's reason
    reached: tuple[str, ...] = ()  # clauses the data changes (empty: not the clause under review)
    differs: tuple[str, ...] = ()  # of those, the ones that do not read as reviewed
    draft: Draft | None = None


def trial(data: dict, ident: str, base: Draft, accepted: Draft, draft_with: Callable[[dict], Draft]) -> Trial:
    """Draft `data` and say which clauses it changes and whether each reads as the reviewer left it; `reached`
    is empty when the clause `ident` is not among them."""
    try:
        redrafted = draft_with(data)
    except TermsmithError as exc:
        return Trial(why=exc.problems[0].message if exc.problems else str(exc))
    except Exception:  # noqa: BLE001 - any failure of a trial draft only rules the candidate out
        return Trial()
    trial_clauses, base_clauses, accepted_clauses = clauses(redrafted), clauses(base), clauses(accepted)
    # in the order of the draft (a set's order changes with the interpreter's string hashing between runs)
    reached = tuple(k for k in dict.fromkeys([*trial_clauses, *base_clauses])
                    if not reads_same(trial_clauses.get(k), base_clauses.get(k)))
    if ident not in reached:
        return Trial(draft=redrafted)
    differs = tuple(k for k in reached if not reads_same(trial_clauses.get(k), accepted_clauses.get(k)))
    return Trial(reached=reached, differs=differs, draft=redrafted)


def field_change(old: Clause, new: Clause, base: Draft, accepted: Draft, data: dict,
                  draft_with: Callable[[dict], Draft]):
    """(path, old value, new value, clause ids it reaches) when exactly one field change re-drafts what the
    reviewer wrote; otherwise '' or the reason no field change fits."""
    a, b = WORD.findall(one_number(plain(old))), WORD.findall(one_number(plain(new)))
    diffs = [(("".join(a[i1:i2])).strip(), ("".join(b[j1:j2])).strip())
             for tag, i1, i2, j1, j2 in opcodes(a, b) if tag != "equal"]
    diffs = list(dict.fromkeys(diffs))  # the same value changed the same way wherever it shows
    candidates = []
    if len(diffs) != 1 or not diffs[0][0] or not diffs[0][1] or len(diffs[0][0]) > 80:
        candidates = inside_one_value(plain(old), plain(new), data)
        if not candidates:
            return ""
        was = now = None
    else:
        was, now = diffs[0]
    # a party's id prints as its short name: a cell naming another party is the field holding the id
    short = short_names(data)
    party_of = {name: ident for ident, name in short.items()}
    for path, value in leaves(data) if was is not None else ():
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, str) and short.get(value) == was and now in party_of and path[0] != "parties":
            candidates.append((path, value, party_of[now]))
            continue
        shown = str(value)
        if isinstance(value, int):
            if was.replace(",", "").replace("\u202f", "").replace("\u00a0", "") != shown:
                continue
        elif shown.strip() != was:
            # a word inside a longer value (a party's name: 'Ltd' → 'Limited') where the value shows
            if not (isinstance(value, str) and len(was) >= 3 and was in shown and shown in plain(old)):
                continue
            candidates.append((path, value, shown.replace(was, now, 1)))
            continue
        new_value = as_type(now, value)
        if new_value is not None and new_value != value:
            candidates.append((path, value, new_value))
    # first: a term this clause reads (a value elsewhere in the deal file may share its number with many fields)
    candidates[:0] = defaults_changed(old.id, was, now, base) if was is not None else ()
    fits, reasons = [], []
    for path, value, new_value in candidates[:MAX_FIELD_TRIES]:
        data_now = copy.deepcopy(data)
        set_at(data_now, path, new_value)
        shown = ".".join(map(str, path))
        outcome = trial(data_now, old.id, base, accepted, draft_with)
        if outcome.why is not None:  # the field alone cannot change so: the deal says why
            reasons.append(f"deal field {shown} = {new_value} alone does not draft ({outcome.why})")
        elif outcome.differs:
            names = reader_names(outcome.draft)
            others = [names.get(k, k) for k in outcome.differs if k != old.id]
            if old.id in outcome.differs:
                elsewhere = _differences(new, clauses(outcome.draft).get(old.id))
                reasons.append(f"deal field {shown} = {new_value} does not give the reviewed wording of "
                               f"{names.get(old.id, old.id)} (the field is used elsewhere in it"
                               + (f": it would also make {elsewhere}" if elsewhere else "") + ")")
            else:
                reasons.append(f"changing deal field {shown} would also change {', '.join(others)}, which the "
                               "review left as it was")
        elif outcome.reached:
            fits.append((path, value, new_value, outcome.reached))
    if len(fits) == 1:
        return fits[0]
    if len(fits) > 1:
        return "several deal fields give this text: " + ", ".join(".".join(map(str, f[0])) for f in fits)
    return "; ".join(reasons)


def _differences(reviewed: Clause, redrafted: Clause | None, most: int = 3) -> str:
    """'“29 June” read “31 March”': where the field words the clause otherwise than the review (a date the clause
    works out from it, which the reviewer left as it was), so the reader can tell whether to set it after all."""
    if redrafted is None:
        return ""
    was, now = WORD.findall(one_number(plain(reviewed))), WORD.findall(one_number(plain(redrafted)))
    runs: list[list[int]] = []  # changes with only spaces between them are one
    for tag, i1, i2, j1, j2 in opcodes(was, now):
        if tag == "equal":
            continue
        if runs and not "".join(was[runs[-1][1]:i1]).strip() and not "".join(now[runs[-1][3]:j1]).strip():
            runs[-1][1], runs[-1][3] = i2, j2
        else:
            runs.append([i1, i2, j1, j2])
    said = []
    for i1, i2, j1, j2 in runs:
        a, b = "".join(was[i1:i2]).strip(), "".join(now[j1:j2]).strip()
        said.append(f"“{a}” read “{b}”" if a and b else f"“{a}” go" if a else f"“{b}” appear")
    said = list(dict.fromkeys(said))
    return ", ".join(said[:most]) + (f" and {len(said) - most} more" if len(said) > most else "")


def defaults_changed(ident: str, was: str, now: str, base: Draft) -> list[tuple[tuple, object, object]]:
    """(path, value, new value) of each deal field the deal leaves at its default (a term of the library: the days
    to agree the integration plan) that clause `ident` reads and prints as `was`: the reviewer's `now` is that
    field, set in the deal."""
    import yaml

    out = []
    for default in base.defaults:
        if ident not in default.clauses:
            continue
        try:
            value = yaml.safe_load(default.value)
        except yaml.YAMLError:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            continue
        shown = str(value)
        if (was.replace(",", "").replace("\u202f", "").replace("\u00a0", "") if isinstance(value, int)
                else was) != shown.strip():
            continue
        new_value = as_type(now, value)
        if new_value is not None and new_value != value:
            out.append((tuple(int(k) if k.isdigit() else k for k in default.path.split(".")), value, new_value))
    return out


def reader_names(draft: Draft) -> dict[str, str]:
    """How a reader names each clause: 'clause 17.1', 'Schedule 5 para 2'."""
    out = {}
    for section in draft.sections:
        for clause in section.clauses:
            if section.kind == "schedule":
                out[clause.id] = f"{section.label} para {clause.label}"
            elif clause.label:
                out[clause.id] = f"clause {clause.label}"
            else:
                out[clause.id] = clause.title or clause.id
    return out
