"""A table row the reviewer added or deleted, as an item added to or removed from a deal list.

A schedule's table whose rows a clause template prints with a `{% for %}` loop over a deal list (the SLA
metrics, the RACI rows, the KPIs) grows by a row when the list grows by an item. So a row the reviewer added
is offered as a new item of that list, and a row they deleted as the item removed:
- the list and the item a row shows are found by the values of the item that its cells show (the row next to
  an added one gives the item to start from, and its place in the list);
- the new item is that neighbour's item with each cell's change made to the field the cell shows: a field
  whose whole value the cell holds and whose change covers every change in the cell, or else each changed word
  the one field of the item showing it (a nested list, such as a metric's service credits, is left out of the
  new item first, since the row shows none of it); an `id` no cell shows is made from the first cell;
- the deal with the list so changed is drafted: the edit is taken only when it validates and every clause it
  changes then reads as the reviewer left it (the clause itself, and any other table the list prints). When
  no edit does, the caller keeps the reviewed wording as the clause's override, with the reason.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from termsmith.deal.source import set_at, value_at
from termsmith.draft.document import Clause, Draft, Table
from termsmith.review.diff import opcodes
from termsmith.review.fieldchange import MAX_FIELD_TRIES, WORD, as_type, inside_one_value, reader_names, short_names, trial
from termsmith.review.fromdocx import signature


@dataclass(frozen=True)
class ItemEdit:
    """One item added to (`new`) or removed from (`old`) the deal list at `path`, or moved (both, and `was`);
    `index`: its place in the list as it then is (an added or moved item) or as it was (a removed one)."""

    path: tuple
    index: int
    old: dict | None
    new: dict | None
    was: int | None = None  # a moved item: its place in the list as it was
    left: tuple[str, ...] = ()  # fields of the item beside it that its row does not show, left out of it
    copied: tuple[str, ...] = ()  # such fields copied from that item ('unit: percent'), as the deal needs them

    @property
    def name(self) -> str:
        return ".".join(map(str, (*self.path, self.index)))

    def line(self) -> str:
        item = self.new if self.new is not None else self.old
        shown = ", ".join(f"{k}: {v}" for k, v in item.items() if not isinstance(v, list | dict))
        if self.was is not None:
            return f"moved {'.'.join(map(str, (*self.path, self.was)))} to {self.name} ({shown})"
        return f"{'added' if self.new is not None else 'removed'} {self.name} ({shown})" + (
            f" [left out, as its row does not spell them out: {', '.join(self.left)}: give them in the deal file if "
            "the item needs them]" if self.left else "") + (
            f" [copied from the item beside it, as its row does not spell them out: {', '.join(self.copied)}: "
            "check them]" if self.copied else "")


@dataclass(frozen=True)
class Found:
    edits: tuple[ItemEdit, ...]
    reached: tuple[str, ...]  # the clauses the edits change, all reading as reviewed


def row_change(old: Clause, new: Clause, base: Draft, accepted: Draft, data: dict,
               draft_with: Callable[[dict], Draft]) -> Found | str:
    """The list items that re-draft the rows the reviewer added to or deleted from the clause's tables;
    '' when the clause changed otherwise, or the reason no list edit gives what the reviewer wrote."""
    rows = _rows_changed(old, new)
    if not rows:
        return ""
    lists = list(_lists(data))
    # a party's id prints as its short name (the `party` filter)
    parties = short_names(data)
    # each row's options: (list path, index, item (None: removed), order, the index a moved item had, the paths
    # of the item's values its row does not show)
    per_row: list[list[tuple[tuple, int, dict | None, int, int | None]]] = []
    twins = _moved(rows)
    for order, (kind, cells, neighbours, table) in enumerate(rows):
        options = []
        if kind == "deleted":
            for path, index in _items_shown(cells, lists, parties):
                options.append((path, index, None, order, None, ()))
        elif order in twins:  # a row deleted in one place and added in another: its item moved
            for path, index in _items_shown(rows[twins[order]][1], lists, parties):
                for before, near in neighbours:
                    for near_path, near_index in _items_shown(near, lists, parties):
                        if near_path == path:
                            options.append((path, near_index + (1 if before else 0),
                                            copy.deepcopy(value_at(data, path)[index]), order, index, ()))
        else:
            for before, near in neighbours:
                for path, index in _items_shown(near, lists, parties):
                    items = value_at(data, path)
                    columns = _columns(table, path, items, parties)
                    filled = _fill(items[index], near, cells, items, parties, columns)
                    if filled is not None:
                        options.append((path, index + (1 if before else 0), filled[0], order, None, filled[1]))
        if not options:
            what = "deleted row" if kind == "deleted" else "added row"
            return f"the {what} “{' | '.join(cells)}” shows no one item of a deal list field by field"
        unique: dict[tuple, tuple] = {}  # both neighbours may give the same item at the same place
        for option in options:
            unique.setdefault((option[0], option[1], repr(option[2]), option[3]), option)
        per_row.append(list(unique.values()))
    reasons: list[str] = []
    # at most so many drafts: the combinations of many rows' readings are not all tried
    # a new item first without what its row does not show (its nested lists, and values of the item beside it
    # no cell shows: never copied without a word), then with those values, then with the nested lists too
    added = [[c for c in choice if c[2] is not None and c[4] is None] for choice in islice(_choices(per_row),
                                                                                        MAX_FIELD_TRIES)]
    tries = [(choice, level) for choice, new in zip(islice(_choices(per_row), MAX_FIELD_TRIES), added, strict=True)
             for level in (0, 1, 2) if level == 0 or (level == 1 and any(c[5] for c in new)) or
             (level == 2 and any(_nested(c[2]) for c in new))]
    for choice, level in tries[:MAX_FIELD_TRIES]:
        data_now, edits = _apply(data, choice, level)
        if edits is None:
            continue
        outcome = trial(data_now, old.id, base, accepted, draft_with)
        shown = ", ".join(e.line() for e in edits)
        if outcome.why is not None:
            reasons.append(f"deal list {shown} does not draft ({outcome.why})")
        elif outcome.differs:
            names = reader_names(outcome.draft)
            others = [names.get(k, k) for k in outcome.differs if k != old.id]
            reasons.append(f"deal list {shown} " + (
                f"would also change {', '.join(others)}, which the review left as it was" if others else
                f"does not give the reviewed wording of {names.get(old.id, old.id)}"))
        elif outcome.reached:
            return Found(edits, outcome.reached)
    # the reason of the likeliest reading (each row's best item first): the others are readings less likely
    return reasons[0] if reasons else "the rows added or deleted are not items of a deal list that the table prints"


def _moved(rows: list) -> dict[int, int]:
    """Each added row that reads as a deleted one → that deleted row (both by their order)."""
    out: dict[int, int] = {}
    for order, (kind, cells, _near, _table) in enumerate(rows):
        if kind == "added":
            twin = next((k for k, r in enumerate(rows) if r[0] == "deleted" and r[1] == cells
                         and k not in out.values()), None)
            if twin is not None:
                out[order] = twin
    return out


def _rows_changed(old: Clause, new: Clause) -> list[tuple[str, tuple[str, ...], list[tuple[bool, tuple]], tuple]]:
    """Each row added or deleted: ('added' | 'deleted', its cells, [(True: the row before it, its cells) or
    (False: the row after it, its cells)] of the rows around it the review kept, the table's rows as drafted);
    [] when the clause changed in any other way."""
    if len(old.blocks) != len(new.blocks):
        return []
    out = []
    for a, b in zip(old.blocks, new.blocks, strict=True):
        sa, sb = signature(a), signature(b)
        if sa == sb:
            continue
        if not (isinstance(a, Table) and isinstance(b, Table)) or sa[1] != sb[1]:
            return []
        was, now = sa[2], sb[2]
        for tag, i1, i2, j1, j2 in opcodes(list(was), list(now)):
            if tag == "equal":
                continue
            if tag == "replace":
                return []
            around = [(True, was[i1 - 1])] if i1 > 0 else []
            around += [(False, was[i2])] if i2 < len(was) else []
            if tag == "delete":
                out += [("deleted", was[i], around, was) for i in range(i1, i2)]
            else:
                out += [("added", now[j], around, was) for j in range(j1, j2)]
    return out


def _lists(data, path=()) -> Iterator[tuple[tuple, list]]:
    """Each list of mappings in the deal (not its overrides), with its path."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k != "overrides":
                yield from _lists(v, (*path, k))
    elif isinstance(data, list):
        if data and all(isinstance(v, dict) for v in data):
            yield path, data
        for i, v in enumerate(data):
            yield from _lists(v, (*path, i))


def _scalars(item: dict, path=(), flags: bool = False) -> Iterator[tuple[tuple, object]]:
    """The item's own values (in nested mappings too, not in nested lists; yes-or-no values only with `flags`),
    with their paths in the item."""
    for k, v in item.items():
        if isinstance(v, dict):
            yield from _scalars(v, (*path, k), flags)
        elif not isinstance(v, list) and (flags or not isinstance(v, bool)) and v is not None:
            yield (*path, k), v


def _forms(value: object, parties: dict[str, str]) -> tuple[str, ...]:
    """How the value may print: as itself, a party's id as the party's short name, a number with separators."""
    if isinstance(value, str):
        return ((value,) if len(value) >= 2 else ()) + ((parties[value],) if value in parties else ())
    if isinstance(value, int):
        return tuple(dict.fromkeys((str(value), f"{value:,}")))
    if isinstance(value, float):
        return tuple(dict.fromkeys((f"{value:g}", str(value))))
    return ()


def _in(form: str, text: str) -> bool:
    """The value shows in the text as a whole word, in any case (a description's words may print capitalised
    as the defined terms they are)."""
    return re.search(rf"(?<![\w.]){re.escape(form)}(?![\w]|\.\d)", text, re.IGNORECASE) is not None


def _items_shown(cells: tuple[str, ...], lists: list[tuple[tuple, list]],
                 parties: dict[str, str]) -> list[tuple[tuple, int]]:
    """(list path, index) of the item that shows most of its values in the row (the larger share of them on a
    tie), in each list where one item does, those showing most first; a list whose best shows under half as many
    as the best of all is left out (a party named in a row is not the row)."""
    best: list[tuple[int, float, tuple, int]] = []
    for path, items in lists:
        scores = []
        for item in items:
            values = [v for _p, v in _scalars(item)]
            shown = sum(any(_in(f, c) for f in _forms(v, parties) for c in cells) for v in values)
            scores.append((shown, shown / len(values) if values else 0.0))
        top = max(scores)
        if top[0] > 0 and scores.count(top) == 1:
            best.append((*top, path, scores.index(top)))
    most = max((b[0] for b in best), default=0)
    return [(path, index) for shown, _share, path, index in sorted(best, key=lambda b: (-b[0], -b[1]))
            if shown * 2 >= most]


def _columns(table: tuple, path: tuple, items: list, parties: dict[str, str]) -> list[set[tuple]]:
    """For each column of the table, the fields of the list's items that it shows in every row showing an item
    (a responsible and an accountable party both 'Acme' in one row are told apart by the other rows)."""
    out: list[set[tuple]] | None = None
    for row in table:
        found = _items_shown(row, [(path, items)], parties)
        if not found:
            continue
        own = dict(_scalars(items[found[0][1]]))
        shown = [{p for p, v in own.items() if any(_in(f, cell) for f in _forms(v, parties))} for cell in row]
        out = shown if out is None else [a & b for a, b in zip(out, shown, strict=False)]
    return out or []


def _fill(item: dict, was: tuple[str, ...], now: tuple[str, ...], siblings: list,
          parties: dict[str, str], columns: list[set[tuple]]) -> tuple[dict, tuple[tuple, ...]] | None:
    """The item with each cell's change made to the field the cell shows (where two fields show the same
    value, the one its column shows), and the paths of its values that no cell of the new row shows (the `id`,
    made from the first cell, aside); None when a change shows no one field."""
    if len(was) != len(now):
        return None
    new = copy.deepcopy(item)
    own = dict(_scalars(item))
    done: set[tuple] = set()
    for column, (cell_was, cell_now) in enumerate(zip(was, now, strict=True)):
        if cell_was == cell_now:
            continue
        whole = inside_one_value(cell_was, cell_now, {"·": _nest(own)})
        if len(whole) == 1:
            path, _value, changed = whole[0]
            set_at(new, path[1:], changed.strip())
            done.add(path[1:])
            continue
        a, b = WORD.findall(cell_was), WORD.findall(cell_now)
        for tag, i1, i2, j1, j2 in opcodes(a, b):
            if tag == "equal":
                continue
            old_word, new_word = "".join(a[i1:i2]).strip(), "".join(b[j1:j2]).strip()
            if not old_word or not new_word:
                return None
            showing = [p for p, v in own.items() if old_word in _forms(v, parties) or (
                isinstance(v, int | float) and as_type(old_word, v) == v)]
            if len(showing) > 1 and column < len(columns):
                showing = [p for p in showing if p in columns[column]]
            if len(showing) != 1 or showing[0] in done:
                return None
            value = as_type(new_word, own[showing[0]])
            if own[showing[0]] in parties:  # another party: its id
                value = next((k for k, name in parties.items() if name == new_word), None)
            if value is None:
                return None
            set_at(new, showing[0], value)
            done.add(showing[0])
    if isinstance(new.get("id"), str) and ("id",) not in done:
        taken = {s.get("id") for s in siblings}
        stem = re.sub(r"[^a-z0-9]+", "-", now[0].lower()).strip("-") or "item"
        if len(stem) > 56:  # a slug has at most 63 characters: whole words, room for a number
            stem = stem[:57].rsplit("-", 1)[0]
        ident, n = stem, 1
        while ident in taken:
            n += 1
            ident = f"{stem}-{n}"
        new["id"] = ident
    unshown = tuple(p for p, v in _scalars(new, flags=True) if p != ("id",) and p not in done and
                    not any(_in(f, cell) for f in _forms(v, parties) for cell in now))
    return new, unshown


def _nest(flat: dict[tuple, object]) -> dict:
    out: dict = {}
    for path, value in flat.items():
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return out


def _nested(item: dict) -> bool:
    return any(isinstance(v, list) for v in item.values())


def _choices(per_row: list[list]) -> Iterator[tuple]:
    """One option for each row, every combination, the rows' first options first."""
    if not per_row:
        yield ()
        return
    for first in per_row[0]:
        for rest in _choices(per_row[1:]):
            yield (first, *rest)


def _apply(data: dict, choice: tuple, level: int) -> tuple[dict, tuple[ItemEdit, ...] | None]:
    """The deal with the chosen items added, removed and moved, and the edits (each added or moved item at its
    place in the list as it then is); None when two rows are the same item. An added item has, at `level` 0,
    neither its nested lists nor the values its row does not show; at 1, those values; at 2, all."""
    out = copy.deepcopy(data)
    removed = [(c[0], c[1]) for c in choice if c[2] is None]
    if len(set(removed)) != len(removed):
        return out, None
    moved = {(c[0], c[4]) for c in choice if c[4] is not None and (c[0], c[4]) in removed}
    placed: dict[tuple, list] = {}
    unshown: dict[int, tuple] = {}  # id of a new item → the values its row does not show, left out or copied
    # from the end of each list, so that the places of the others hold; rows added at one place in their order
    for path, index, item, order, was, hidden in sorted(choice, key=lambda c: (_key(c[0]), c[1], c[2] is None,
                                                                                c[3]), reverse=True):
        items = value_at(out, path)
        if item is None:
            gone = items.pop(index)
            if (path, index) not in moved:
                placed.setdefault(path, []).append((gone, None, index))
        else:
            keep = was is not None or level == 2  # a moved item is the item it was, nested lists and all
            new = copy.deepcopy(item) if keep else {k: v for k, v in item.items() if not isinstance(v, list)}
            if was is None and hidden:
                unshown[id(new)] = tuple((".".join(map(str, p)), value_at(new, p)) for p in hidden)
                if level == 0:
                    for p in hidden:
                        _drop(new, p)
            items.insert(index, new)
            placed.setdefault(path, []).append((None, new, was if (path, was) in moved else None))
    edits = []
    for path, done in placed.items():
        items = value_at(out, path)
        for gone, new, at in done:
            if new is None:
                edits.append(ItemEdit(path, at, gone, None))
            else:
                where = next(k for k, x in enumerate(items) if x is new)
                shown = unshown.get(id(new), ())
                edits.append(ItemEdit(path, where, new if at is not None else None, new, at,
                                      left=tuple(name for name, _v in shown) if level == 0 else (),
                                      copied=tuple(f"{name}: {v}" for name, v in shown) if level else ()))
    edits.sort(key=lambda e: (_key(e.path), e.index))
    return out, tuple(edits)


def _drop(item: dict, path: tuple) -> None:
    """The value at the path removed from the item (and a mapping it leaves empty)."""
    node = item
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    if not node and len(path) > 1:
        _drop(item, path[:-1])


def _key(path: tuple) -> tuple[str, ...]:
    """A list's path to sort by (a mapping's key may be a number in YAML: never compared with a name)."""
    return tuple(map(str, path))
