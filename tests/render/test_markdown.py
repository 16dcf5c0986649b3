"""The Markdown twin: golden file for the canonical deal, escaping, and structure."""

from __future__ import annotations

import pytest

from termsmith import api
from termsmith.draft.document import LineBreak, Link, Paragraph, Span, TermDefinition
from termsmith.render.markdown import escape, inlines, paragraph, render_markdown

from ..conftest import CANONICAL, GOLDEN


def test_canonical_deal_matches_golden_file(update_golden):
    text = render_markdown(api.build(CANONICAL))
    golden = GOLDEN / "acme-globex-2027.md"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), "run pytest --update-golden to create tests/golden/acme-globex-2027.md"
    assert text == golden.read_text(encoding="utf-8"), (
        "the Markdown draft changed: review the diff and run `pytest --update-golden` if it is intended")


def test_markup_characters_in_text_are_escaped():
    assert escape("a*b_c[d]<e>|f`g~h\\") == r"a\*b\_c\[d\]\<e\>\|f\`g\~h\\"


@pytest.mark.parametrize("char", list("\\`*_[]<>|~{}"))
def test_a_text_with_one_markup_character_has_it_escaped(char):
    assert escape(f"a {char} b") == f"a \\{char} b"
    assert escape(f"{{{char}") == "\\{\\" + char  # after a brace as well


def test_inline_rendering():
    rendered = inlines((Span("plain "), Span("bold", bold=True), Span(" "), Span("it", italic=True), LineBreak(),
                        TermDefinition("Term"), Link("https://example.com", (Span("site"),))))
    assert rendered == "plain **bold** *it*\\\n**“Term”**[site](<https://example.com>)"


def test_clause_paragraph_carries_number_and_title():
    assert paragraph(Paragraph("clause", 1, "4.2", (Span("Text."),), "_Ref_x", "Title")) == "**4.2 Title.** Text."
    assert paragraph(Paragraph("item", 2, "(a)", (Span("item"),))) == "(a) item"


def test_unnumbered_paragraph_cannot_become_a_list_or_heading():
    assert paragraph(Paragraph("body", 1, "", (Span("1. not a list"),))) == "1\\. not a list"
    assert paragraph(Paragraph("body", 1, "", (Span("# not a heading"),))) == "\\# not a heading"


@pytest.mark.parametrize("title, shown", [("Survival", "Survival."), ("Are you sure?", "Are you sure?"),
                                          ("Notes:", "Notes:")])
def test_the_twin_and_the_critic_markup_write_a_run_in_title_alike(title, shown):
    from termsmith.draft.document import Paragraph, Span
    from termsmith.render.markdown import paragraph

    p = Paragraph(role="clause", level=1, label="3.1", inlines=(Span("Text."),), title=title)
    assert paragraph(p) == f"**3.1 {shown}** Text."
    assert paragraph(p, "insert") == f"{{++**3.1 {shown}** Text.++}}"  # a redline marks the same text
