"""A sequence diff that stays near-linear on long inputs: common ends trimmed, then patience anchors.

difflib's SequenceMatcher looks for the longest matching block again and again, which is quadratic in the
length of a changed region (and worse for the repeated words of a long table cell). Here the two sequences
are first stripped of their common beginning and end; what is left is split at the items that occur once
on each side (patience diff: the longest increasing run of those anchors, O(n log n)), and each piece between
anchors is handled the same way. Only a piece with no anchor and a small area (at most SMALL_AREA item pairs)
is left to SequenceMatcher; a larger one is paired position by position. The result has SequenceMatcher's
shape: opcodes (tag, i1, i2, j1, j2) with tags equal, replace, delete and insert.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Sequence
from difflib import SequenceMatcher

Opcode = tuple[str, int, int, int, int]
SMALL_AREA = 40_000  # len(a) * len(b) below which a piece without anchors goes to SequenceMatcher


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """Edit script turning a into b (every item hashable)."""
    ids: dict[Hashable, int] = {}
    x = [ids.setdefault(item, len(ids)) for item in a]
    y = [ids.setdefault(item, len(ids)) for item in b]
    matches: list[tuple[int, int, int]] = []  # (i, j, length) runs of equal items, increasing
    stack = [(0, len(x), 0, len(y))]
    pieces: list[tuple[int, int, int, int]] = []
    while stack:
        a1, a2, b1, b2 = stack.pop()
        # common beginning and end
        while a1 < a2 and b1 < b2 and x[a1] == y[b1]:
            matches.append((a1, b1, 1))
            a1, b1 = a1 + 1, b1 + 1
        end = 0
        while a1 < a2 - end and b1 < b2 - end and x[a2 - 1 - end] == y[b2 - 1 - end]:
            end += 1
        if end:
            matches.append((a2 - end, b2 - end, end))
            a2, b2 = a2 - end, b2 - end
        if a1 == a2 or b1 == b2:
            continue
        anchors = _anchors(x, y, a1, a2, b1, b2)
        if anchors:
            bounds = [(a1 - 1, b1 - 1), *anchors, (a2, b2)]
            for (i, j), (k, m) in zip(bounds, bounds[1:], strict=False):
                if (k, m) != (a2, b2):
                    matches.append((k, m, 1))
                if i + 1 < k or j + 1 < m:
                    stack.append((i + 1, k, j + 1, m))
            continue
        pieces.append((a1, a2, b1, b2))
    for a1, a2, b1, b2 in pieces:
        if (a2 - a1) * (b2 - b1) <= SMALL_AREA:
            matcher = SequenceMatcher(None, x[a1:a2], y[b1:b2], autojunk=False)
            matches.extend((a1 + i, b1 + j, n) for i, j, n in matcher.get_matching_blocks() if n)
        else:  # no anchor in a large piece: pair what is equal position by position
            matches.extend((a1 + k, b1 + k, 1) for k in range(min(a2 - a1, b2 - b1)) if x[a1 + k] == y[b1 + k])
    return _to_opcodes(sorted(matches), len(x), len(y))


def ratio(codes: Sequence[Opcode], la: int, lb: int) -> float:
    """SequenceMatcher.ratio() of an edit script: twice the matched items over all items."""
    if not la + lb:
        return 1.0
    return 2.0 * sum(i2 - i1 for tag, i1, i2, _, _ in codes if tag == "equal") / (la + lb)


def _anchors(x: list[int], y: list[int], a1: int, a2: int, b1: int, b2: int) -> list[tuple[int, int]]:
    """Items occurring exactly once in x[a1:a2] and once in y[b1:b2], as the longest run increasing on both
    sides (patience sorting)."""
    count_a: dict[int, int] = {}
    for i in range(a1, a2):
        count_a[x[i]] = count_a.get(x[i], 0) + 1
    count_b: dict[int, int] = {}
    where_b: dict[int, int] = {}
    for j in range(b1, b2):
        v = y[j]
        if count_a.get(v) == 1:
            count_b[v] = count_b.get(v, 0) + 1
            where_b[v] = j
    pairs = [(i, where_b[x[i]]) for i in range(a1, a2) if count_a[x[i]] == 1 and count_b.get(x[i]) == 1]
    if not pairs:
        return []
    # longest increasing subsequence of the b positions, in a order
    tails: list[int] = []
    tail_at: list[int] = []
    back = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k] = j
            tail_at[k] = n
        back[n] = tail_at[k - 1] if k else -1
    out = []
    n = tail_at[-1]
    while n >= 0:
        out.append(pairs[n])
        n = back[n]
    return out[::-1]


def _to_opcodes(matches: list[tuple[int, int, int]], la: int, lb: int) -> list[Opcode]:
    out: list[Opcode] = []
    i = j = 0
    for mi, mj, n in [*matches, (la, lb, 0)]:
        if mi < i or mj < j:  # cannot happen with consistent matches; skip rather than go back
            continue
        tag = "replace" if i < mi and j < mj else "delete" if i < mi else "insert" if j < mj else ""
        if tag:
            out.append((tag, i, mi, j, mj))
        if n:
            if out and out[-1][0] == "equal" and out[-1][2] == mi and out[-1][4] == mj:
                _, e1, _, f1, _ = out.pop()
                out.append(("equal", e1, mi + n, f1, mj + n))
            else:
                out.append(("equal", mi, mi + n, mj, mj + n))
        i, j = mi + n, mj + n
    return out
