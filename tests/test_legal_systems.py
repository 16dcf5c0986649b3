"""Jurisdiction-aware drafting: the deal's legal system chooses vocabulary, mechanics, courts, paper and
dates, from the library (issue 16)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from lxml import etree

from termsmith import api
from termsmith.draft.housestyle import Restyle
from termsmith.errors import InputError
from termsmith.lint import lint
from termsmith.render import render
from termsmith.render.markdown import render_markdown

from .conftest import EXAMPLES, MINI, ROOT

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BRITISH = ["licence", "authorised", "authorise", "organisation", "labour", "trade mark", "value added tax", "VAT",
           "registered office", "clause", "recognised", "summarises", "e-mail", "winding up", "statutory rate"]


def _us_deal(deal_data, law="New York", final="courts"):
    deal_data["deal"]["governing_law"] = law
    del deal_data["deal"]["language"]  # the legal system gives the date style
    deal_data["budget"]["currency"] = "USD"
    deal_data["options"]["personal_data"] = "processor"
    cr = deal_data["conflict_resolution"]
    if final == "courts":
        cr["final"] = "courts"
        cr.pop("arbitration", None)
        cr["courts"] = {"venue": "New York County"}
    return deal_data


def _docx_xml(docx: bytes) -> etree._Element:
    with zipfile.ZipFile(__import__("io").BytesIO(docx)) as z:
        return etree.fromstring(z.read("word/document.xml"))


def _words(text: str, word: str) -> list[str]:
    flags = 0 if word.isupper() else re.IGNORECASE
    return re.findall(rf"(?<![\w-]){re.escape(word)}s?(?![\w-])", text, flags)


@pytest.mark.parametrize("law", ["New York", "Delaware", "the State of California"])
def test_a_us_deal_reads_as_a_us_contract(deal_data, write_deal, law):
    draft = api.build(write_deal(_us_deal(deal_data, law)))
    outputs = render(draft, ("md", "docx"))
    text = outputs["md"].decode("utf-8")
    found = {word: _words(text, word) for word in BRITISH if _words(text, word)}
    assert not found, found
    for us in ("license", "authorized", "trademark", "principal place of business", "sales, use", "Section 16"):
        assert us in text, us
    assert "January 1, 2027" in text  # US date style without a language in the deal
    # the jury waiver is there, conspicuous: bold capitals in Word
    root = _docx_xml(outputs["docx"])
    runs = [r for r in root.iter(f"{W}r") if "WAIVES" in "".join(t.text or "" for t in r.iter(f"{W}t"))]
    assert runs and all(r.find(f"{W}rPr/{W}b") is not None for r in runs)
    # US Letter paper
    size = root.find(f".//{W}sectPr/{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("12240", "15840")
    assert draft.language == "en-US"


def test_california_adds_judicial_reference_where_a_jury_waiver_fails(deal_data, write_deal):
    text = render_markdown(api.build(write_deal(_us_deal(deal_data, "California"))))
    assert "SECTION 638 OF THE CALIFORNIA CODE OF CIVIL PROCEDURE" in text
    assert "the state courts of the State of California" in text


def test_a_us_deal_with_arbitration_still_waives_jury_trial_and_charges_no_vat(deal_data, write_deal):
    text = render_markdown(api.build(write_deal(_us_deal(deal_data, "Delaware", final="arbitration"))))
    assert "TRIAL BY JURY" in text and "value added" not in text and "VAT" not in text
    assert "governed by the laws of the State of Delaware, without giving effect to any choice-of-law" in text


def test_an_english_deal_keeps_british_words_on_a4(deal_data, write_deal):
    draft = api.build(write_deal(deal_data))
    outputs = render(draft, ("md", "docx"))
    md = outputs["md"].decode("utf-8")
    assert "licence" in md and "clause 16" in md and "JURY" not in md
    size = _docx_xml(outputs["docx"]).find(f".//{W}sectPr/{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")


def test_an_irish_deal_with_a_dublin_venue_names_the_courts_of_ireland(deal_data, write_deal):
    deal_data["deal"]["governing_law"] = "Ireland"
    cr = deal_data["conflict_resolution"]
    cr["final"], cr["courts"] = "courts", {"venue": "Dublin"}
    del cr["arbitration"]
    text = render_markdown(api.build(write_deal(deal_data)))
    assert "exclusive jurisdiction of the courts of Ireland, and proceedings must be brought before those courts " \
           "sitting in Dublin" in text
    assert "courts of Dublin" not in text
    assert "governed by the law of Ireland" in text and "Late Payment in Commercial Transactions" in text


def test_the_courts_may_be_another_systems_than_the_law(deal_data, write_deal):
    cr = deal_data["conflict_resolution"]
    cr["final"], cr["courts"] = "courts", {"venue": "Amsterdam", "legal_system": "netherlands"}
    del cr["arbitration"]
    text = render_markdown(api.build(write_deal(deal_data)))
    assert "the courts of the Netherlands, and proceedings must be brought before those courts sitting in Amsterdam" in text
    assert "governed by the law of England and Wales" in text


def test_singapore_speaks_the_pdpa(deal_data, write_deal):
    deal_data["deal"]["governing_law"] = "Singapore"
    deal_data["options"]["personal_data"] = "processor"
    text = render_markdown(api.build(write_deal(deal_data)))
    assert "Personal Data Protection Act 2012" in text and "data intermediary" in text
    assert "supervisory authorit" not in text and "GDPR" not in text
    assert "Contracts (Rights of Third Parties) Act 2001" in text


def test_health_data_under_us_law_needs_a_business_associate_agreement(deal_data, write_deal):
    data = _us_deal(deal_data)
    data["options"]["health_data"] = True
    text = render_markdown(api.build(write_deal(data)))
    assert "business associate agreement" in text and "Health Insurance Portability and Accountability Act" in text


def test_a_language_the_library_lacks_is_refused_with_the_languages_it_offers(deal_data, write_deal):
    deal_data["deal"]["language"] = "de-DE"
    path = write_deal(deal_data)
    with pytest.raises(InputError) as caught:
        api.build(path)
    problem = caught.value.problems[0]
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip().startswith("language:"))
    assert problem.path == "deal.language" and problem.line == line and problem.file == str(path)
    assert "English (en)" in problem.message and "text_language: en" in problem.message
    done = subprocess.run([sys.executable, "-m", "termsmith", "draft", str(path), "-o", str(path.parent / "out")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1 and "deal.language" in done.stderr and not (path.parent / "out").exists()


def test_english_text_with_a_foreign_date_style_on_request(deal_data, write_deal):
    deal_data["deal"]["language"] = "de-DE"
    deal_data["deal"]["text_language"] = "en"
    draft = api.build(write_deal(deal_data))
    assert draft.date_text == "1. Januar 2027" and draft.language == "en-GB"
    assert "This Technology Partnership Agreement" in render_markdown(draft)


def test_a_governing_law_the_library_does_not_know_is_refused_unless_a_system_is_named(deal_data, write_deal):
    deal_data["deal"]["governing_law"] = "Scotland"
    with pytest.raises(InputError) as caught:
        api.build(write_deal(deal_data))
    problem = caught.value.problems[0]
    assert problem.path == "deal.governing_law" and "England and Wales (england-wales)" in problem.message
    deal_data["deal"]["legal_system"] = "england-wales"
    text = render_markdown(api.build(write_deal(deal_data)))
    assert "governed by the law of England and Wales" in text  # the system's name for its law
    deal_data["deal"]["legal_system"] = "mars"
    with pytest.raises(InputError) as caught:
        api.build(write_deal(deal_data))
    assert caught.value.problems[0].path == "deal.legal_system"


def test_the_word_for_a_provision_is_the_same_in_text_word_fields_and_markdown(deal_data, write_deal):
    draft = api.build(write_deal(_us_deal(deal_data)))
    outputs = render(draft, ("md", "docx"))
    md = outputs["md"].decode("utf-8")
    assert not re.search(r"\b[Cc]lauses? \d", md)
    assert re.search(r"\bSection \d+\.\d+\b", md)
    root = _docx_xml(outputs["docx"])
    # the text run before each REF field names the provision as the Markdown twin does
    for paragraph in root.iter(f"{W}p"):
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
        assert not re.search(r"\b[Cc]lauses? \d", text), text


def test_cover_and_execution_words_come_from_the_library(deal_data, write_deal, tmp_path):
    lib = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", lib)
    manifest = lib / "library.yaml"
    manifest.write_text(manifest.read_text().replace("dated: Dated", "dated: Made on")
                        .replace('signed_by: "Signed by:"', 'signed_by: "Executed by:"'))
    draft = api.build(write_deal(deal_data), library=lib)
    outputs = render(draft, ("md", "docx"))
    assert "**Made on** 1 January 2027" in outputs["md"].decode("utf-8")
    body = "".join(t.text or "" for t in _docx_xml(outputs["docx"]).iter(f"{W}t"))
    assert "Made on 1 January 2027" in body and "Executed by:" in body and "Signed by:" not in body


def test_values_from_the_deal_keep_their_spelling():
    style = Restyle([("licence", "license"), ("trade mark", "trademark"), ("trade marks", "trademarks"),
                     ("clause", "Section")])
    source = 'A licence of {{ p.name }} under clause {{ ref("ip.licence") }}{% if x == "trade mark" %} Trade Marks{% endif %}'
    assert style.source(source) == ('A license of {{ p.name }} under Section {{ ref("ip.licence") }}'
                                    '{% if x == "trade mark" %} Trademarks{% endif %}')


def test_party_names_are_never_respelled(deal_data, write_deal):
    data = _us_deal(deal_data)
    data["parties"][0]["name"] = "Trade Mark Licence Organisation Ltd"
    text = render_markdown(api.build(write_deal(data)))
    assert "Trade Mark Licence Organisation Ltd" in text


def test_the_us_example_is_a_us_contract():
    path = EXAMPLES / "hudson-cobalt-technology-us.yaml"
    draft = api.build(path)
    outputs = render(draft, ("md", "docx"))
    md = outputs["md"].decode("utf-8")
    found = {word: _words(md, word) for word in BRITISH if _words(md, word)}
    assert not found, found
    assert draft.paper == "Letter" and draft.date_text == "March 1, 2027"
    assert "**Dated as of** March 1, 2027" in md  # the US style's cover word (house_style.styles.us.words)
    import io

    import docx

    cover = [p.text for p in docx.Document(io.BytesIO(outputs["docx"])).paragraphs if p.text.startswith("Dated")]
    assert cover == ["Dated as of March 1, 2027"]
    assert "TRIAL BY JURY" in md and "the state courts of the State of Delaware" in md


# ── lint ──────────────────────────────────────────────────────────────────────────────────
@pytest.fixture
def styled_lib(tmp_path):
    root = tmp_path / "lib"
    shutil.copytree(MINI, root)
    manifest = root / "library.yaml"
    manifest.write_text(manifest.read_text() + """house_style:
  base: british
  styles:
    british: {paper: A4}
    us:
      paper: Letter
      locale: en-US
      replace: {authorised: authorized, clause: Section}
legal_systems:
  england-wales: {name: England and Wales, style: british, courts: the courts of England and Wales}
  new-york: {name: the State of New York, aliases: [New York], style: us, courts: the courts of the State of New York}
""")
    return root


def _clause(root, name, body, when=None):
    (root / "clauses" / "exit" / f"{name}.md").write_text(
        f"---\nid: exit.{name}\nversion: 1.0.0\ntitle: {name}\narea: exit\norder: 90\n"
        + (f"when: {when}\n" if when else "") + f"changelog: first\n---\n{body}\n")


def test_lint_warns_about_another_styles_spelling(styled_lib):
    _clause(styled_lib, "spelt", "A person authorized by a Party may act.\n\n"
            '{% if legal_system.style == "us" %}Only an authorized person.{% endif %}')
    found = [p for p in lint(styled_lib) if p.code == "house-style"]
    assert len(found) == 1 and found[0].severity == "warning" and found[0].line == 9
    assert "'authorized'" in found[0].message and "'authorised'" in found[0].message
    _clause(styled_lib, "spelt", "Only an authorized person.", when='legal_system.style == "us"')
    assert not [p for p in lint(styled_lib) if p.code == "house-style"]


def test_lint_warns_about_a_replaced_word_in_a_jinja_string(styled_lib):
    """The US style replaces "clause" in clause text; a Jinja string is code, which it does not rewrite."""
    _clause(styled_lib, "strings", '{% set n = 2 %}The Company may enforce clause 4.\n\n'
            'The Parties intend {{ "those clauses" if n > 1 else "that clause" }} to apply.\n\n'
            '{% if n == "clause" %}{% endif %}{% if has("exit.cure") %}cured{% endif %}\n\n'
            '{% if legal_system.style == "us" %}{{ "that Section" }}{% endif %}')
    found = [p for p in lint(styled_lib) if p.code == "unstyled-string"]
    # "that clause" (this style replaces "clause", not "clauses"); not the comparison, the id or the US branch
    assert len(found) == 1 and found[0].severity == "warning" and found[0].line == 11, found
    assert found[0].message.startswith("'clause' is in a Jinja string")
    _clause(styled_lib, "strings", "{% set n = 2 %}The Parties intend {% if n > 1 %}those clauses{% else %}that "
            "clause{% endif %} to apply.")
    assert not [p for p in lint(styled_lib) if p.code == "unstyled-string"]


def test_lint_reports_a_fact_no_legal_system_gives(styled_lib):
    _clause(styled_lib, "facts", "Heard by {{ legal_system.cortus }}.")
    found = [p for p in lint(styled_lib) if p.code == "unknown-fact"]
    assert found and found[0].severity == "error" and "cortus" in found[0].message


def test_legal_systems_must_give_the_same_facts(styled_lib):
    manifest = styled_lib / "library.yaml"
    manifest.write_text(manifest.read_text().replace(", courts: the courts of the State of New York", ""))
    problems = [p for p in lint(styled_lib) if p.severity == "error"]
    assert any("lacks the facts courts" in p.message for p in problems), [str(p) for p in problems]
