"""Every example deal drafts into a complete agreement: variants, definitions, numbers, tables (issue: clause library)."""

from __future__ import annotations

import re

import pytest
import yaml

from termsmith import api
from termsmith.draft.definedterms import term_pattern
from termsmith.draft.document import CrossRef, Paragraph, Span, TermDefinition
from termsmith.render.markdown import render_markdown

from .conftest import EXAMPLES, ROOT

DEALS = sorted(EXAMPLES.glob("*.yaml"))
KIND_SCOPE = {
    "technology": "scope.technology-integration",
    "reseller": "scope.reseller-appointment",
    "strategic_alliance": "scope.alliance-co-marketing",
    "joint_venture": "scope.jv-reserved-matters",  # every joint venture, with a company or by contract
    "managed_service": "scope.managed-services",
}


@pytest.fixture(scope="module")
def drafts():
    return {path.stem: (yaml.safe_load(path.read_text(encoding="utf-8")), api.build(path)) for path in DEALS}


def clause_ids(draft) -> set[str]:
    return {c.id for s in draft.sections for c in s.clauses}


def clause(draft, clause_id):
    return next(c for s in draft.sections for c in s.clauses if c.id == clause_id)


def text_of(blocks) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append("".join(i.text if isinstance(i, Span) else i.label if isinstance(i, CrossRef)
                                 else i.term if isinstance(i, TermDefinition) else "" for i in block.inlines))
        else:
            for row in (block.header, *block.rows):
                parts.append(" | ".join("".join(getattr(i, "text", getattr(i, "label", "")) for i in cell) for cell in row))
    return "\n".join(parts)


def full_text(draft) -> str:
    return "\n".join(text_of(c.blocks) for s in draft.sections for c in s.clauses)


def library_terms() -> set[str]:
    terms = set()
    for path in (ROOT / "clause_library" / "clauses").rglob("*.md"):
        front = path.read_text(encoding="utf-8").split("---")[1]
        terms |= set((yaml.safe_load(front) or {}).get("defines", {}))
    return terms


def test_there_is_an_example_of_every_kind(drafts):
    kinds = {data["deal"]["kind"] for data, _ in drafts.values()}
    assert kinds == set(KIND_SCOPE)


@pytest.mark.parametrize("deal", DEALS, ids=[d.stem for d in DEALS])
def test_example_reads_as_a_complete_agreement(deal, drafts):
    data, draft = drafts[deal.stem]
    md = render_markdown(draft)
    assert not re.search(r"\?\?|\{\{|\{%|\bshall\b|\[insert|lorem|TODO", md, re.IGNORECASE)
    stray = re.search(r"(?<!\.)\.\.(?!\.)|\.;|;;|,,|\s[.,;]", full_text(draft))
    assert not stray, f"doubled or stray punctuation: {full_text(draft)[stray.start() - 40:stray.end() + 10]!r}"
    for section in draft.sections:
        assert section.clauses, f"empty section {section.title}"
        for c in section.clauses:
            assert text_of(c.blocks).strip() or c.title, f"empty clause {c.id}"
    for party in data["parties"]:
        assert party["name"] in md and party["signatory"]["name"] in md
    titles = [s.title for s in draft.sections]
    for needed in ("Roles and Responsibilities", "Dispute Resolution", "Termination", "Exit and Transition", "General"):
        assert needed in titles
    assert draft.sections[-1].kind == "schedule" and any(s.kind == "signatures" for s in draft.sections)


@pytest.mark.parametrize("deal", DEALS, ids=[d.stem for d in DEALS])
def test_defined_terms_are_defined_once_and_used(deal, drafts):
    _, draft = drafts[deal.stem]
    definitions: dict[str, int] = {}
    for s in draft.sections:
        for c in s.clauses:
            for b in c.blocks:
                for i in getattr(b, "inlines", ()):
                    if isinstance(i, TermDefinition):
                        definitions[i.term] = definitions.get(i.term, 0) + 1
    assert definitions and all(n == 1 for n in definitions.values()), definitions
    assert set(definitions) == set(draft.defined_terms)
    body = "\n".join(text_of([b for b in c.blocks if not (isinstance(b, Paragraph) and b.role == "definition")])
                     for s in draft.sections for c in s.clauses)
    definitions_text = "\n".join(text_of([b]) for s in draft.sections for c in s.clauses for b in c.blocks
                                 if isinstance(b, Paragraph) and b.role == "definition")
    for term in definitions:
        uses = len(term_pattern(term).findall(body)) + len(term_pattern(term).findall(definitions_text)) - 1
        assert uses >= 1, f"'{term}' is defined but never used"
    for term in library_terms() - set(definitions):
        assert not term_pattern(term).search(body), f"'{term}' is used but not defined"


@pytest.mark.parametrize("deal", DEALS, ids=[d.stem for d in DEALS])
def test_variants_follow_the_deal(deal, drafts):
    data, draft = drafts[deal.stem]
    ids = clause_ids(draft)
    kind = data["deal"]["kind"]
    assert KIND_SCOPE[kind] in ids
    assert not {v for k, v in KIND_SCOPE.items() if k != kind} & ids
    final = data["conflict_resolution"]["final"]
    assert f"disputes.{final}" in ids and f"disputes.{({'arbitration', 'courts'} - {final}).pop()}" not in ids
    renewal = {"automatic": "term.automatic-renewal", "by_agreement": "term.extension", "none": "term.expiry"}
    assert {v for k, v in renewal.items() if k == data["term"]["renewal"]} == {v for v in renewal.values() if v in ids}
    exit_ = data["exit"]
    assert ("termination.convenience" in ids) == bool(exit_.get("termination_for_convenience", {}).get("allowed"))
    assert ("termination.change-of-control" in ids) == bool(exit_.get("change_of_control", {}).get("terminable"))
    assert ("termination.multi-party" in ids) == (len(data["parties"]) > 2)
    for section in ("slas", "budget", "governance"):
        assert any(i.startswith(f"schedule-{ {'slas': 'service-levels'}.get(section, section)}") for i in ids) == (section in data)
    fees = exit_["transition"].get("fees", "none")
    fee_text = text_of(clause(draft, "exit.transition-fees").blocks)
    assert {"none": "No fees are payable", "cost_plus": "plus a margin of", "fixed": "fixed fee"}[fees] in fee_text


def test_three_party_joint_venture_reads_for_each_party(drafts):
    data, draft = drafts["tri-harbor-joint-venture"]
    assert len(data["parties"]) == 3
    text = full_text(draft)
    assert "the other Parties" in text and "each Party" in text and "all Parties" in text
    assert "both Parties" not in text
    subscription = text_of(clause(draft, "shares.subscription").blocks)
    cash = data["scope"]["joint_venture"]["cash_contributions"]
    for party in data["parties"]:
        assert f"{party['short_name']}: USD {cash[party['id']]:,.0f}" in subscription
    assert f"total USD {sum(cash.values()):,.0f}" in subscription


def test_canonical_numbers_dates_and_money(drafts):
    _, draft = drafts["acme-globex-technology"]
    text = full_text(draft)
    assert "EUR 480,000" in text and "EUR 288,000" in text and "EUR 192,000" in text
    assert "180 days" in text and "30 days" in text and "99.9%" in text
    assert draft.date_text == "1 January 2027"
    timetable = text_of(clause(draft, "schedule-exit-plan.timetable").blocks)
    # earliest convenience notice 12 months after 1 Jan 2027 (a Saturday and a holiday, so the first Business Day
    # in England and Germany: Tuesday 4 January 2028), Termination Date 180 days later, then the tail
    for date in ("4 January 2028", "2 July 2028", "2 January 2029", "1 August 2028", "2 July 2029"):
        assert date in timetable


def test_us_locale_writes_dates_the_us_way(drafts):
    data, draft = drafts["meridian-opscloud-managed-service"]
    assert data["deal"]["language"] == "en-US"
    assert re.match(r"^[A-Z][a-z]+ \d{1,2}, \d{4}$", draft.date_text)


def test_number_house_style_words(tmp_path):
    import shutil

    lib = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", lib)
    manifest = lib / "library.yaml"
    manifest.write_text(manifest.read_text().replace("numbers: figures", "numbers: words"))
    text = full_text(api.build(EXAMPLES / "acme-globex-technology.yaml", library=lib))
    assert "one hundred and eighty (180) days" in text and "thirty (30) days" in text
