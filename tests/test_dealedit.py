"""The deal file edited in place by absorb: only the changed values and the `overrides:` section differ,
in the author's own quoting and layout, also in a long deal (which is spliced, not re-dumped)."""

from __future__ import annotations

import difflib

import yaml

from termsmith.review import dealedit

from .conftest import CANONICAL

TEXT = CANONICAL.read_text(encoding="utf-8")


def changed_lines(old: str, new: str) -> list[str]:
    return [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_values_are_replaced_where_they_stand_in_their_own_quoting():
    new = dealedit.edit_deal(TEXT, [
        (("parties", 1, "name"), "Globex Analytics AG"),
        (("parties", 0, "registration"), "07654321"),
        (("conflict_resolution", "mediation", "provider"), "ADR Group: London"),
        (("exit", "termination_for_convenience", "notice_days"), 120)], {})
    assert changed_lines(TEXT, new) == [
        '-    registration: "01234567"', '+    registration: "07654321"',
        "-    name: Globex Analytics GmbH", "+    name: Globex Analytics AG",
        "-  mediation: {provider: CEDR, days: 30}", '+  mediation: {provider: "ADR Group: London", days: 30}',
        "-  termination_for_convenience: {allowed: true, notice_days: 180, earliest_after_months: 12}  "
        "# or {allowed: false}",
        "+  termination_for_convenience: {allowed: true, notice_days: 120, earliest_after_months: 12}  "
        "# or {allowed: false}"]
    data = yaml.safe_load(new)
    assert data["conflict_resolution"]["mediation"]["provider"] == "ADR Group: London"
    assert data["parties"][0]["registration"] == "07654321"


def test_overrides_are_added_at_the_end_then_merged_keeping_their_comments():
    first = dealedit.edit_deal(TEXT, [], {"exit.plan": {"based_on": "1.2.0", "text": "Our wording.\n"}})
    assert first.startswith(TEXT.rstrip("\n") + "\n")
    assert first.endswith("\noverrides:\n  exit.plan:\n    based_on: 1.2.0\n    text: |\n      Our wording.\n")
    commented = first.replace("overrides:\n", "overrides:  # negotiated with Globex\n") + "# the end\n"
    second = dealedit.edit_deal(commented, [], {"exit.other": {"removed": True, "based_on": "1.0.0"}})
    assert "overrides:  # negotiated with Globex\n" in second and second.endswith("# the end\n")
    assert yaml.safe_load(second)["overrides"] == {
        "exit.plan": {"based_on": "1.2.0", "text": "Our wording.\n"},
        "exit.other": {"based_on": "1.0.0", "removed": True}}



def test_new_wording_keeps_the_place_an_earlier_review_gave_the_clause():
    moved = dealedit.edit_deal(TEXT, [], {"exit.plan": {"based_on": "1.2.0", "before": "exit.cure"}})
    reworded = dealedit.edit_deal(moved, [], {"exit.plan": {"based_on": "1.2.0", "text": "Our wording.\n"}})
    assert yaml.safe_load(reworded)["overrides"]["exit.plan"] == {
        "based_on": "1.2.0", "before": "exit.cure", "text": "Our wording.\n"}
    placed = dealedit.edit_deal(reworded, [], {"exit.plan": {"based_on": "1.2.0", "after": "exit.notice"}})
    assert yaml.safe_load(placed)["overrides"]["exit.plan"] == {
        "based_on": "1.2.0", "text": "Our wording.\n", "after": "exit.notice"}
    removed = dealedit.edit_deal(placed, [], {"exit.plan": {"based_on": "1.2.0", "removed": True}})
    assert yaml.safe_load(removed)["overrides"]["exit.plan"] == {"based_on": "1.2.0", "removed": True}


def test_a_long_deal_changes_only_where_the_review_did():
    metrics = "".join(f"    - id: m{i}\n      provider: globex\n      description: Incident class {i}\n"
                      f"      target: {i % 20 + 1}\n      unit: hours\n" for i in range(1600))
    anchor = "    - id: p2-response\n"
    long = TEXT.replace(anchor, metrics + anchor, 1)
    assert len(long.splitlines()) > 8000
    new = dealedit.edit_deal(long, [(("slas", "metrics", 900, "target"), 7)],
                             {"exit.plan": {"based_on": "1.2.0", "text": "Our wording.\n"}})
    diff = changed_lines(long, new)
    assert diff[:2] == [f"-      target: {898 % 20 + 1}", "+      target: 7"]
    assert all(line.startswith("+") for line in diff[2:])


def test_an_unusual_layout_goes_through_the_round_trip_parser():
    text = "termsmith: 1\npurpose: >\n  folded\n  text\n"
    new = dealedit.edit_deal(text, [(("purpose",), "plain now")], {})
    assert yaml.safe_load(new) == {"termsmith": 1, "purpose": "plain now"}


def test_a_deal_file_with_windows_line_ends_keeps_them_on_every_line():
    """The overrides section (and a splice that falls back to the round-trip parser) was written with "\\n"
    line ends into a file whose other lines end in "\\r\\n"."""
    crlf = "\ufeff" + TEXT.replace("\n", "\r\n")
    overrides = {"exit.plan": {"based_on": "1.0.0", "text": "Ours.\nSecond line.\n"}}
    new = dealedit.edit_deal(crlf, [(("exit", "termination_for_convenience", "notice_days"), 120)], overrides)
    assert new.startswith("\ufeff")
    assert "\n" not in new.replace("\r\n", "") and "\r" not in new.replace("\r\n", "")
    assert new.replace("\r\n", "\n") == "\ufeff" + dealedit.edit_deal(TEXT, [
        (("exit", "termination_for_convenience", "notice_days"), 120)], overrides)
    data = yaml.safe_load(new.lstrip("\ufeff"))
    assert data["overrides"]["exit.plan"]["text"] == "Ours.\nSecond line.\n"
    assert data["exit"]["termination_for_convenience"]["notice_days"] == 120
