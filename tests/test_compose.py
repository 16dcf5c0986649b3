"""compose: numbering, cross-references, definitions, escaping of deal values, template errors."""

from __future__ import annotations

import re
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from termsmith import api
from termsmith.draft.compose import anchor_for
from termsmith.draft.definedterms import term_pattern, words_pattern
from termsmith.draft.document import item_label
from termsmith.draft.document import CrossRef, Paragraph, Span, Table, TermDefinition
from termsmith.errors import LibraryError

from .conftest import CANONICAL, EXAMPLES, MINI


@pytest.fixture
def mini(tmp_path):
    """A private copy of the mini library that a test may change."""
    root = tmp_path / "lib"
    shutil.copytree(MINI, root)
    return root


def clause(draft, clause_id):
    return next(c for s in draft.sections for c in s.clauses if c.id == clause_id)


def test_numbering_of_articles_clauses_items_and_schedules():
    draft = api.build(CANONICAL, library=MINI)
    assert [s.label for s in draft.sections] == ["1", "2", "3", "4", "", "Schedule 1"]
    cure = clause(draft, "exit.cure")
    assert cure.label == "4.1"
    labels = [(b.role, b.level, b.label) for b in cure.blocks if isinstance(b, Paragraph)]
    assert labels == [("clause", 1, "4.1"), ("item", 2, "(a)"), ("item", 2, "(b)"), ("item", 3, "(i)"),
                      ("item", 3, "(ii)"), ("item", 2, "(c)")]
    steps = clause(draft, "schedule-exit.steps")
    assert steps.label == "1"
    assert isinstance(steps.blocks[1], Table)


def test_item_labels():
    assert [item_label(2, n) for n in (1, 2, 26, 27)] == ["(a)", "(b)", "(z)", "(aa)"]
    assert [item_label(3, n) for n in (1, 4, 9, 14)] == ["(i)", "(iv)", "(ix)", "(xiv)"]
    assert item_label(4, 3) == "(C)"


def test_cross_references_resolve_to_final_numbers():
    draft = api.build(CANONICAL, library=MINI)
    refs = [i for b in clause(draft, "exit.convenience").blocks for i in b.inlines if isinstance(i, CrossRef)]
    assert [(r.target, r.label) for r in refs] == [("exit.cure", "4.1"), ("schedule-exit", "Schedule 1")]
    assert refs[0].anchor == clause(draft, "exit.cure").anchor


def test_reference_to_a_clause_not_in_the_draft_names_both(mini, deal_data, write_deal):
    text = (mini / "clauses/exit/cure.md").read_text()
    (mini / "clauses/exit/cure.md").write_text(text.replace(
        'ref("exit.convenience") if has("exit.convenience") else ref("exit.cure")', 'ref("exit.convenience")'))
    deal_data["exit"]["termination_for_convenience"] = {"allowed": False}
    with pytest.raises(LibraryError) as info:
        api.build(write_deal(deal_data), library=mini)
    p = info.value.problems[0]
    assert p.path == "exit.cure" and "'exit.convenience'" in p.message and p.file.endswith("cure.md")


def test_only_used_definitions_appear_sorted():
    draft = api.build(CANONICAL, library=MINI)
    defs = [b.inlines[0].term for b in clause(draft, "definitions.terms").blocks
            if isinstance(b, Paragraph) and b.role == "definition"]
    assert defs == ["Agreement", "Cure Period", "Party"]
    assert "Unused Term" not in draft.defined_terms
    assert {"Acme", "Globex"} <= set(draft.defined_terms)


def test_inline_definitions_are_marked():
    draft = api.build(CANONICAL, library=MINI)
    terms = [i.term for b in clause(draft, "parties.list").blocks for i in b.inlines if isinstance(i, TermDefinition)]
    assert terms == ["Acme", "Globex"]


def test_term_defined_twice_is_an_error(mini):
    path = mini / "clauses/exit/cure.md"
    path.write_text(path.read_text().replace("changelog: cure period from the deal",
                                             "changelog: x\ndefines:\n  Agreement: means twice."))
    with pytest.raises(LibraryError) as info:
        api.build(CANONICAL, library=mini)
    assert "also defined by" in str(info.value)


def test_term_of_a_left_out_clause_must_not_be_used(mini, deal_data, write_deal):
    conv = mini / "clauses/exit/convenience.md"
    conv.write_text(conv.read_text().replace("changelog: first version",
                                             "changelog: x\ndefines:\n  Convenience Notice: means the notice."))
    cure = mini / "clauses/exit/cure.md"
    cure.write_text(cure.read_text() + "\nThe Convenience Notice is unaffected.\n")
    deal_data["exit"]["termination_for_convenience"] = {"allowed": False}
    with pytest.raises(LibraryError) as info:
        api.build(write_deal(deal_data), library=mini)
    assert "Convenience Notice" in str(info.value) and "exit.convenience" in str(info.value)


_ALPHABET = "Pary -.'Sé\n"  # few letters, so words overlap and share prefixes; separators and a hyphen


@given(st.sets(st.text(_ALPHABET, min_size=1, max_size=6), max_size=8), st.text(_ALPHABET, max_size=80))
def test_words_pattern_finds_what_a_flat_alternation_finds(words, text):
    # the prefix-tree pattern is an optimisation: it must match exactly what the obvious pattern matches
    flat = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    obvious = re.compile(rf"(?<![\w-])(?:{flat})(?![\w-])") if words else re.compile(r"(?!)")
    assert [m.span() for m in words_pattern(words).finditer(text)] == [m.span() for m in obvious.finditer(text)]


def test_term_pattern_matches_plural_and_whole_words():
    assert term_pattern("Party").search("the Parties agree")
    assert term_pattern("Party").search("each Party's")
    assert not term_pattern("Party").search("Third-Party")
    assert not term_pattern("Term").search("Terminate")


def test_deal_values_are_data_not_markup(deal_data, write_deal):
    deal_data["parties"][0]["name"] = "{{ 7*7 }} *Star* [Ltd](http://x) <b>&amp;"
    draft = api.build(write_deal(deal_data), library=MINI)
    text = "".join(i.text for b in clause(draft, "parties.list").blocks for i in b.inlines if isinstance(i, Span))
    assert "{{ 7*7 }} *Star* [Ltd](http://x) <b>&amp;" in text


def test_undefined_variable_names_clause_and_line(mini):
    path = mini / "clauses/exit/convenience.md"
    path.write_text(path.read_text().replace("notice_days | days", "notice_dayz | days"))
    with pytest.raises(LibraryError) as info:
        api.build(CANONICAL, library=mini)
    p = info.value.problems[0]
    assert p.file.endswith("convenience.md") and p.line == 10 and "notice_dayz" in p.message


@pytest.mark.parametrize("read, said", [
    ("exit.termination_for_convenience.notice_dayz",
     "exit.termination_for_convenience.notice_dayz: no such field; did you mean 'notice_days'?"),
    ("parties[0].nmae", "parties[].nmae: no such field; did you mean 'name'?"),
    ("options.no_such_field", "options.no_such_field: no such field"),
])
def test_a_field_the_deal_model_lacks_is_named_as_the_deal_file_spells_it(mini, read, said):
    """Not by the Python class holding it ('termsmith.deal.model.Options object' has no attribute …)."""
    path = mini / "clauses/exit/convenience.md"
    path.write_text(path.read_text() + f"\n{{{{ {read} }}}}\n")
    with pytest.raises(LibraryError) as info:
        api.build(CANONICAL, library=mini)
    message = info.value.problems[0].message
    assert said in message and "termsmith." not in message, message


def test_sandbox_blocks_python_internals(mini):
    path = mini / "clauses/exit/convenience.md"
    path.write_text(path.read_text() + "\n{{ deal.__class__.__mro__ }}\n")
    with pytest.raises(LibraryError) as info:
        api.build(CANONICAL, library=mini)
    assert "convenience.md" in str(info.value)


def test_raw_html_in_clause_text_is_rejected(mini):
    path = mini / "clauses/exit/convenience.md"
    path.write_text(path.read_text() + "\n<div>hidden</div>\n")
    with pytest.raises(LibraryError) as info:
        api.build(CANONICAL, library=mini)
    assert "raw HTML" in str(info.value) and "convenience.md" in str(info.value)


def test_headings_in_clause_text_are_rejected(mini):
    path = mini / "clauses/exit/convenience.md"
    path.write_text(path.read_text() + "\n# Heading\n")
    with pytest.raises(LibraryError) as info:
        api.build(CANONICAL, library=mini)
    assert "headings are not allowed" in str(info.value)


def test_template_syntax_error_names_line(mini):
    path = mini / "clauses/exit/convenience.md"
    path.write_text(path.read_text() + "\n{% if %}\n")
    with pytest.raises(LibraryError) as info:
        api.build(CANONICAL, library=mini)
    assert "template syntax error" in str(info.value) and info.value.problems[0].line == 12


def test_anchors_are_valid_bookmark_names():
    long_id = "schedule-service-levels.credit-tiers-and-caps"
    for ident in ("exit.cure", long_id):
        name = anchor_for(ident)
        assert name.startswith("_Ref") and len(name) <= 40
    assert anchor_for(long_id) != anchor_for(long_id + "x")


def test_library_requirement_is_checked(deal_data, write_deal):
    deal_data["library"]["require"] = ">=2"
    from termsmith.errors import InputError

    with pytest.raises(InputError) as info:
        api.build(write_deal(deal_data), library=MINI)
    assert "needs clause library >=2" in str(info.value) and "1.2.0" in str(info.value)


@pytest.mark.parametrize("snippet, expected", [
    ('{% include "/etc/passwd" %}', "no loader"),
    ('{% import "os" as os %}', "no loader"),
    ("{{ 'x' * 100000000 }}", "too long"),
    ("{{ 9 ** 99999999 }}", "too large"),
    ("{{ range(10**7) | list }}", "Range too big"),
    ("{{ parties.append(1) }}", "unsafe"),
    ("{{ cycler.__init__.__globals__ }}", "unsafe"),
    # templates read the validated pydantic models as data: no method, no private or pydantic attribute
    ("{{ exit.model_dump() }}", "unsafe"),
    ("{{ exit.model_copy(update={'insolvency': false}).insolvency }}", "unsafe"),
    ("{{ party('acme').model_copy() }}", "unsafe"),
    ("{{ exit['model_dump']() }}", "unsafe"),
    ("{{ (exit | attr('model_dump'))() }}", "unsafe"),
    ("{{ exit.model_fields_set }}", "unsafe"),
    ("{{ exit.model_extra }}", "unsafe"),
    ("{{ deal.__pydantic_private__ }}", "unsafe"),
    ("{{ deal.__dict__ }}", "unsafe"),
    ("{{ deal._abc_impl }}", "unsafe"),
    ("{% set exit.insolvency = false %}", "cannot assign attribute"),
])
def test_template_cannot_reach_outside_the_sandbox(mini, snippet, expected):
    path = mini / "clauses/exit/convenience.md"
    path.write_text(path.read_text() + f"\n{snippet}\n")
    with pytest.raises(LibraryError) as info:
        api.build(CANONICAL, library=mini)
    assert expected in str(info.value) and "convenience.md" in str(info.value)


def test_sandbox_verdicts_kept_per_type_refuse_and_record_every_time():
    """The sandbox decides an attribute once per (type, name): a refused one stays refused on every later
    read, and every read of a deal field is still recorded for the defaults the draft applied."""
    from jinja2.exceptions import SecurityError

    from termsmith.draft.sandbox import guarded_render, recording_reads
    from termsmith.draft.templating import compile_cached

    deal, _ = api.load_deal(CANONICAL)
    names = {"exit": deal.exit}
    unsafe = compile_cached("{{ exit.model_dump }}", "verdicts#unsafe")
    field = compile_cached("{{ exit.insolvency }}", "verdicts#field")
    for _ in range(2):
        with pytest.raises(SecurityError):
            guarded_render(unsafe, names)
        with recording_reads() as reads:
            guarded_render(field, names)
        assert (id(deal.exit), "insolvency") in reads


def test_renders_share_the_names_but_not_what_a_template_sets():
    """Every render of a draft reads the same names (templating.deal_context): what one template sets at
    its top level, or defines as a macro, is its own and leaves the names as they were for the next."""
    from termsmith.draft.sandbox import guarded_render
    from termsmith.draft.templating import compile_cached, deal_context

    deal, _ = api.load_deal(CANONICAL)
    names = deal_context(deal)
    before = dict(names)
    setter = compile_cached('{% set multi = "changed" %}{% set fresh = 1 %}{% macro m() %}x{% endmacro %}'
                            "{{ multi }}{{ m() }}{% for i in range(2) %}{{ i }}{% endfor %}", "shared#setter")
    reader = compile_cached("{{ multi }} {{ fresh is defined }}", "shared#reader")
    for _ in range(2):
        assert guarded_render(setter, names) == "changedx01"
        assert guarded_render(reader, names) == "no no"  # `multi` as the deal has it (two parties), `fresh` unset
    assert names == before


def test_join_and_keeps_cross_references(mini):
    path = mini / "clauses/exit/convenience.md"
    path.write_text(path.read_text() + '\nSee clauses {{ [ref("exit.cure"), ref("exit.convenience")] | join_and }}.\n')
    draft = api.build(CANONICAL, library=mini)
    refs = [i.label for b in clause(draft, "exit.convenience").blocks for i in b.inlines if isinstance(i, CrossRef)]
    assert refs[-2:] == ["4.1", "4.2"]


def test_macro_output_marked_safe_is_not_escaped_twice(mini, deal_data, write_deal):
    deal_data["parties"][0]["name"] = "Acme (UK) Ltd."
    path = mini / "clauses/exit/convenience.md"
    path.write_text(path.read_text() + "\n{% macro who(p) %}{{ p.name }}{% endmacro %}By {{ who(parties[0]) | safe }}.\n")
    draft = api.build(write_deal(deal_data), library=mini)
    text = "".join(i.text for b in clause(draft, "exit.convenience").blocks for i in b.inlines if isinstance(i, Span))
    assert "By Acme (UK) Ltd." in text and "\\" not in text


def test_term_defined_in_place_by_a_left_out_clause_must_not_be_used(mini, deal_data, write_deal):
    conv = mini / "clauses/exit/convenience.md"
    conv.write_text(conv.read_text() + '\nThe notice (the {{ define("Exit Notice") }}) must be in writing.\n')
    cure = mini / "clauses/exit/cure.md"
    cure.write_text(cure.read_text() + "\nAn Exit Notice is unaffected.\n")
    assert "Exit Notice" in api.build(CANONICAL, library=mini).defined_terms
    deal_data["exit"]["termination_for_convenience"] = {"allowed": False}
    with pytest.raises(LibraryError) as info:
        api.build(write_deal(deal_data), library=mini)
    assert "'Exit Notice'" in str(info.value) and "exit.convenience" in str(info.value)


def test_parsed_text_shared_between_drafts_keeps_each_drafts_numbers(deal_data, write_deal):
    first = api.build(CANONICAL)
    del deal_data["governance"]  # every later article moves up by one
    deal_data["conflict_resolution"]["escalation"].pop(1)  # and its Steering Committee level
    second = api.build(write_deal(deal_data))
    for draft in (first, second):
        labels = {c.id: c.label for s in draft.sections for c in s.clauses}
        labels.update({s.id: s.label for s in draft.sections})
        refs = [i for s in draft.sections for c in s.clauses for b in c.blocks
                for i in getattr(b, "inlines", ()) if isinstance(i, CrossRef)]
        assert refs and all(r.label == labels[r.target] for r in refs)
    assert clause(first, "termination.cause").label != clause(second, "termination.cause").label


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_templates_read_every_field_and_property_of_the_validated_deal(example):
    from termsmith.draft.templating import environment, readable_names

    deal, _ = api.load_deal(example)
    env = environment()

    def read(model, path=""):
        for name in sorted(readable_names(type(model))):
            value = env.getattr(model, name)
            assert value == getattr(model, name), path + name
            if isinstance(value, (list, tuple)):
                for item in value:
                    if hasattr(type(item), "model_fields"):
                        read(item, f"{path}{name}.")
            elif hasattr(type(value), "model_fields"):
                read(value, f"{path}{name}.")

    read(deal)
    assert "higher_is_better" in readable_names(type(deal.slas.metrics[0])) if deal.slas else True
    assert "model_dump" not in readable_names(type(deal))


def test_a_condition_cannot_call_a_models_method(mini):
    path = mini / "clauses/exit/convenience.md"
    path.write_text(re.sub(r"\nwhen:.*", "\nwhen: exit.model_dump() is mapping", path.read_text(), count=1))
    with pytest.raises(LibraryError) as info:
        api.build(CANONICAL, library=mini)
    assert "unsafe" in str(info.value) and "convenience.md" in str(info.value)


def test_the_deal_templates_see_cannot_be_changed():
    deal = api.load_deal(CANONICAL)[0]
    with pytest.raises(Exception):
        deal.deal.id = "other"  # frozen models


@pytest.mark.parametrize("printed, what", [
    ('{{ party("acme") }}', "a record (Party)"),
    ("{{ parties }}", "a list"),
    ("{{ budget.cost_sharing }}", "a mapping"),
])
def test_printing_a_record_list_or_mapping_is_a_draft_error_naming_the_clause(mini, printed, what):
    path = mini / "clauses/exit/convenience.md"
    path.write_text(path.read_text().replace("notice, subject", f"notice {printed}, subject"))
    with pytest.raises(LibraryError) as info:
        api.build(CANONICAL, library=mini)
    p = info.value.problems[0]
    assert what in p.message and "exit.convenience" in str(info.value) and p.file.endswith("convenience.md")


def test_a_new_deal_section_needs_only_its_model_clauses_and_tests(mini, deal_data, write_deal):
    """A section added to (a copy of) the deal model is seen by conditions and clause text, and its party
    references are checked, with no list anywhere else to extend."""
    from pydantic import create_model

    from termsmith.deal.fields import party_references
    from termsmith.deal.load import load_file
    from termsmith.deal.model import Deal, PartyId, Percent, Spec
    from termsmith.library.opening import open_library
    from termsmith.render.markdown import render_markdown

    class Referral(Spec):
        introducer: PartyId
        fee_percent: Percent

    Extended = create_model("ExtendedDeal", __base__=Deal, referral=(Referral | None, None))
    (mini / "clauses/exit/referral.md").write_text(
        "---\nid: exit.referral\nversion: 1.0.0\ntitle: Referral fee\narea: exit\norder: 90\n"
        "when: referral is not none\nchangelog: first version\n---\n"
        "{{ party(referral.introducer).short_name }} earns a referral fee of {{ referral.fee_percent | percent }}.\n")
    deal_data["referral"] = {"introducer": "globex", "fee_percent": 5}
    loaded = load_file(write_deal(deal_data))
    deal = Extended.model_validate(loaded.data)
    assert (("referral", "introducer"), "globex") in list(party_references(deal))
    text = render_markdown(api.compose_draft(deal, loaded, open_library(mini)))
    assert "Globex earns a referral fee of 5%." in text
    deal_data["referral"] = None
    loaded = load_file(write_deal(deal_data))
    assert "referral fee" not in render_markdown(api.compose_draft(Extended.model_validate(loaded.data), loaded,
                                                                   open_library(mini)))


def test_party_references_are_found_by_walking_the_model(deal_data, write_deal):
    from termsmith.deal.fields import party_references

    deal = api.load_deal(CANONICAL)[0]
    paths = {path for path, _ in party_references(deal)}
    assert ("roles", "responsibilities", 0, "party") in paths
    assert any(p[:2] == ("budget", "cost_sharing") for p in paths)
    assert any(p[:3] == ("roles", "raci", 0) for p in paths)


@pytest.mark.parametrize("name", ["..", "A..", "Dots... Ltd"])
def test_a_party_name_with_full_stops_is_printed_as_written(deal_data, write_deal, name):
    deal_data["parties"][0]["name"] = name
    draft = api.build(write_deal(deal_data))
    body = "".join(i.text for s in draft.sections for c in s.clauses for b in c.blocks
                   for i in getattr(b, "inlines", ()) if hasattr(i, "text"))
    assert f"{name}, a company" in body


def test_a_draft_leaves_no_reference_cycles_that_hold_the_deal():
    """Without the garbage collector (a single command runs without it; a long run collects rarely), what a
    draft read of the deal is freed as soon as the draft is: no reference cycle (a closure calling itself, a
    clause's macro and the names it was rendered with) keeps it."""
    import gc
    import weakref

    from termsmith import pipeline
    from termsmith.render import render

    render(pipeline.build(CANONICAL), ("docx", "md"))  # every cache filled first
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        resolved = pipeline.resolve(CANONICAL)
        read = [weakref.ref(part) for part in (resolved.deal.exit, resolved.deal.term, resolved.deal.parties[0])]
        draft = pipeline.compose_resolved(resolved)
        render(draft, ("docx", "md"))
        del resolved, draft
        assert [ref() for ref in read] == [None, None, None]
    finally:
        if was_enabled:
            gc.enable()
