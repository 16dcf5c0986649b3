"""Which values an override keeps live: only those the template printed once each and the reviewer kept,
never an ambiguous one."""

from __future__ import annotations

from termsmith.review import livevalues

BODY = """{%- set tfc = exit.termination_for_convenience -%}
Notice of {{ tfc.notice_days | days }} to {{ other_parties }}.{% if tfc.earliest_after_months > 0 %} Not before
{{ tfc.earliest_after_months | months }}.{% endif %}
{% for p in parties %}{{ p.name }}{% endfor %} within {{ exit.termination_for_cause.cure_days | days }}
and {{ ref("exit") }}."""


def test_the_printed_expressions_and_what_they_need():
    items = livevalues.printed(BODY)
    assert [i.expression for i in items] == ["tfc.notice_days | days", "other_parties",
                                             "tfc.earliest_after_months | months",
                                             "exit.termination_for_cause.cure_days | days"]
    assert items[0].sets == ("{%- set tfc = exit.termination_for_convenience -%}",)
    assert items[2].conditions == ("tfc.earliest_after_months > 0",)  # asked again by the probe
    assert items[3].sets == ()
    probe = livevalues.probe_text(items)
    assert probe.startswith("{%- set tfc = exit.termination_for_convenience -%}\n")
    assert "{% if tfc.earliest_after_months > 0 %}ZQXPROBE2A {{ tfc.earliest_after_months | months }} " in probe


def test_a_value_is_written_back_only_where_it_is_unambiguous():
    items = livevalues.printed(BODY)
    values = ["30 days", "the other Party", "12 months", "30 days"]  # two expressions print '30 days'
    old = "Notice of 30 days to the other Party. Not before 12 months. within 30 days"
    new = "Notice of 30 days to the other Party. Not earlier than 12 months. within 30 days"
    text, used = livevalues.relive(new, items, values, old)
    assert used == ["other_parties", "tfc.earliest_after_months | months"]
    assert "Notice of 30 days to {{ other_parties }}" in text and "within 30 days" in text
    assert text.startswith("{%- set tfc = exit.termination_for_convenience -%}\n")
    # the reviewer wrote the value once more than the template printed it: which is which cannot be told
    text, used = livevalues.relive(new + " Also 12 months.", items, values, old)
    assert used == ["other_parties"]


def test_a_value_computed_from_what_a_loop_lists_stays_written_out_with_the_list():
    """The escalation clause lists each level's days in a loop (written out in an override) and sums them
    (`total`): kept live, the sum changed with the deal while the list of days did not, and the negotiated
    clause contradicted itself. Neither is live now; what does not depend on the loop still is."""
    body = """{%- set levels = conflict_resolution.escalation -%}
{%- set total = levels | sum(attribute="days") -%}
{% if levels | length == 1 %}Within {{ levels[0].days | days }}.{% else %}
{% for level in levels %}
1. {{ level.title }}: {{ level.days | days }}
{% endfor %}{% endif %}
Not resolved within {{ total | days }}: {{ conflict_resolution.final }}. Notice {{ exit.termination_for_cause.cure_days | days }}."""
    assert [i.expression for i in livevalues.printed(body)] == [
        "conflict_resolution.final", "exit.termination_for_cause.cure_days | days"]


def test_the_fields_an_override_writes_out_are_those_a_loop_goes_through_or_a_condition_tests():
    body = """{%- set levels = conflict_resolution.escalation -%}
{% for level in levels %}{{ level.days }}{% endfor %}{% if conflict_resolution.final == "courts" %}courts{% endif %}
{% for n in scope.joint_venture.board.directors.values() %}{{ n }}{% endfor %}{% if has("x") %}{{ total }}{% endif %}"""
    from termsmith.draft.reads import written_out

    assert written_out(body) == ["conflict_resolution.escalation", "conflict_resolution.final",
                                            "scope.joint_venture.board.directors"]
