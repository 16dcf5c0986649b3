"""The defaults a draft applied: deal fields that a selected clause reads and that the deal file did not set.

Why: a number no one negotiated (a 10% margin, 2 of 3 months, 6 months to a deadlock termination) must not
read as if the parties chose it. Rather than keep a list of such numbers, this reads the fields each selected
clause uses (its `when:` condition and its text, with `{% set x = … %}` aliases followed) and keeps those the
deal file did not set. `explain`, `check`, the manifest and the reviewer notes all use this one list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pydantic import BaseModel

from termsmith.draft.document import AppliedDefault
from termsmith.library.clauses import Clause
from termsmith.library.terms import written


def applied_defaults(deal: BaseModel, clauses: Iterable[Clause], given: Callable[[tuple], bool],
                     reads: set[tuple[int, str]] | None = None,
                     terms: BaseModel | None = None) -> tuple[AppliedDefault, ...]:
    """Every default the selected `clauses` apply to `deal`; `given(path)` says whether the deal file set a field.

    `reads` (from draft/sandbox.recording_reads around composing) narrows this to the fields the text
    actually read: a field read only in a branch the deal did not take applied nothing. `terms` is the
    deal's `terms:` as the library's declarations model it (library/terms.py): a declared term's default
    is a default like any other, listed as `terms.NAME`."""
    root = _Root(deal, terms)
    was_read = (lambda model, name: True) if reads is None else (lambda model, name: (id(model), name) in reads)
    readers: dict[tuple[str, ...], list[str]] = {}
    paths: dict[str, list[tuple[str, ...]]] = {}  # by chain: the clauses of a draft read many chains alike
    for clause in clauses:
        for chain in clause.reads:
            found = paths.get(chain)
            if found is None:
                found = paths[chain] = [path for path, _ in _defaulted(root, tuple(chain.split(".")), given, was_read)]
            for path in found:
                ids = readers.setdefault(path, [])
                if clause.id not in ids:
                    ids.append(clause.id)
    out = []
    for path, ids in sorted(readers.items()):
        value = _value_at(root, path)
        out.append(AppliedDefault(".".join(path), written(value), tuple(ids)))
    return tuple(out)


class _Root:
    """The deal with its `terms:` read through the library's model rather than as the raw mapping."""

    def __init__(self, deal: BaseModel, terms: BaseModel | None):
        self.deal, self.terms = deal, terms

    def child(self, name: str) -> tuple[object, object] | None:
        """(parent, value) of a top-level field, None when the deal model has no such field."""
        if name == "terms" and self.terms is not None:
            return self.deal, self.terms
        if name in type(self.deal).model_fields:
            return self.deal, getattr(self.deal, name)
        return None


def _defaulted(root: _Root, chain: tuple[str, ...], given: Callable[[tuple], bool], was_read):
    """(path, value) of each defaulted scalar field on `chain` and, where the chain ends at a defaulted
    part of the deal, of each scalar field below it."""
    node: object = root
    for i, name in enumerate(chain):
        if isinstance(node, _Root):
            if (found := node.child(name)) is None:
                return
            parent, node = found
        elif not isinstance(node, BaseModel) or name not in type(node).model_fields:
            return  # a property, a list or a dict: its fields are not named by the chain
        else:
            parent, node = node, getattr(node, name)
        path = chain[: i + 1]
        if node is None:
            return
        if not given(path) and not isinstance(node, BaseModel):
            if _worth_showing(node) and was_read(parent, name):
                yield path, node
            return
    if isinstance(node, BaseModel) and len(chain) > 1 and not given(chain):  # a part the deal file gives names its own fields
        yield from _leaves(node, chain, given, was_read)


def _leaves(model: BaseModel, path: tuple[str, ...], given, was_read):
    for name in type(model).model_fields:
        value = getattr(model, name)
        here = (*path, name)
        if isinstance(value, BaseModel):
            yield from _leaves(value, here, given, was_read)
        elif not given(here) and _worth_showing(value) and was_read(model, name):
            yield here, value


def _worth_showing(value: object) -> bool:
    """An empty list or a missing value applies nothing: the clause simply leaves the matter out."""
    return value is not None and value != [] and value != {}


def _value_at(root: _Root, path: tuple[str, ...]) -> object:
    node = root.child(path[0])[1]  # type: ignore[index]
    for name in path[1:]:
        node = getattr(node, name)
    return node

