"""Hand-built Drafts for the Word renderer's tests: a small realistic agreement and a 25-clause one."""

from __future__ import annotations

from pathlib import Path

import pytest

from termsmith.draft.document import (
    Clause,
    ClauseVersion,
    CrossRef,
    Draft,
    LineBreak,
    Link,
    Paragraph,
    Provenance,
    Section,
    SignatureBlock,
    Span,
    Table,
    TermDefinition,
)

REPO = Path(__file__).resolve().parents[2]

# a party name that exercises XML escaping, accents, CJK and an emoji outside the BMP
AWKWARD_PARTY = 'Smith & Jones <Holdings> "Alpha" Société Générale 株式会社 🚀'


def t(text: str, **emphasis) -> Span:
    return Span(text, **emphasis)


def para(role: str, level: int, label: str, *inlines, anchor: str | None = None, title: str | None = None) -> Paragraph:
    return Paragraph(role, level, label, tuple(inlines), anchor, title)


def clause(cid: str, label: str, title: str, *blocks, heading: bool = True) -> Clause:
    """A clause whose first block is its numbered paragraph (label and anchor filled in here)."""
    anchor = "_Ref_" + cid.replace(".", "_").replace("-", "_")
    first, *rest = blocks
    if first.role == "clause":
        first = Paragraph("clause", 1, label, first.inlines, anchor, title if heading else None)
    return Clause(cid, "1.0.0", title, label, anchor, (first, *rest))


def section(kind: str, sid: str, title: str, label: str, *clauses) -> Section:
    return Section(kind, sid, title, label, "_Ref_" + sid.replace("-", "_"), tuple(clauses))


def ref(target: str, label: str, **emphasis) -> CrossRef:
    return CrossRef(target, "_Ref_" + target.replace(".", "_").replace("-", "_"), label, **emphasis)


COMMIT = "0123456789abcdef0123456789abcdef01234567"


MADE_AT = "2026-11-30T09:15:00Z"  # when the document is made: after the effective date, as in life


def provenance(sections: tuple[Section, ...], commit: str | None = COMMIT) -> Provenance:
    clauses = tuple(ClauseVersion(c.id, c.version) for s in sections for c in s.clauses)
    return Provenance("0.1.0", "acme-globex", "acme-globex.yaml", "ab" * 32, "termsmith standard partnership library",
                      "1.0.0", "termsmith Legal Operations", commit, clauses)


def small_draft() -> Draft:
    """3 articles, execution, 2 schedules: every role, inline and block type the IR has."""
    definitions = section(
        "article", "definitions", "Definitions and Interpretation", "1",
        clause("definitions.terms", "1.1", "Definitions",
               para("clause", 1, "", t("In this Agreement, the following definitions apply:")),
               para("definition", 1, "", TermDefinition("Business Day"), t(" means a day other than a Saturday, "
                    "a Sunday or a public holiday in England.")),
               para("definition", 1, "", TermDefinition("Services"), t(" means the services described in "),
                    ref("schedule-service-levels", "Schedule 1"), t("."))),
        clause("definitions.interpretation", "1.2", "Interpretation",
               para("clause", 1, "", t("In this Agreement, unless the context requires otherwise:")),
               para("item", 2, "(a)", t("a reference to a "), t("Party", italic=True), t(" includes its successors;")),
               para("item", 2, "(b)", t("words such as "), t("including", bold=True),
                    t(" do not limit the words before them, which means that:")),
               para("item", 3, "(i)", t("examples are illustrative; and")),
               para("item", 3, "(ii)", t("lists are not exhaustive;"), LineBreak(),
                    t("and this line follows a break.")),
               para("body", 2, "", t("This paragraph continues item (b) without a number of its own.")),
               para("item", 2, "(c)", t("headings do not affect interpretation."), t(" Deleted words", strike=True))),
    )
    services = section(
        "article", "services", "Services", "2",
        clause("services.scope", "2.1", "Scope",
               para("clause", 1, "", t("The Provider shall provide the Services in accordance with "),
                    ref("definitions.interpretation", "1.2"), t(", "), ref("schedule-budget", "Schedule 2", bold=True),
                    t(" and the published "),
                    Link("https://example.com/terms?a=1&b=2", (t("service terms"),)), t("."))),
        clause("services.standards", "2.2", "Standards",
               para("clause", 1, "", t("The Provider shall:")),
               para("bullet", 2, "", t("use reasonable skill and care;")),
               para("bullet", 3, "", t("follow good industry practice;")),
               para("bullet", 2, "", t("comply with Applicable Law."))),
        clause("services.reporting", "2.3", "Reporting",
               para("clause", 1, "", t("Each month the Provider shall report the following figures:")),
               Table((( t("Report"),), (t("Due"),), (t("Owner"),)),
                     (((t("Service levels"),), (t("10 Business Days"),), (t("Provider"),)),
                      ((t("Incidents"),), (t("5 Business Days"),), (t("Provider"),))),
                     ("left", "center", "right"), 1)),
    )
    termination = section(
        "article", "termination", "Termination", "3",
        clause("termination.cause", "3.1", "Termination for cause",
               para("clause", 1, "", t("Either Party may terminate this Agreement by notice if the other Party:")),
               para("item", 2, "(a)", t("commits a material breach that it does not remedy within 30 days; or")),
               para("item", 2, "(b)", t("becomes insolvent."))),
        clause("termination.effect", "3.2", "Consequences",
               para("clause", 1, "", t("Termination does not affect rights accrued before it, including under "),
                    ref("termination.cause", "3.1", italic=True), t(".")),
               para("body", 1, "", t("The clauses that by their nature survive termination continue in force."))),
    )
    execution = section(
        "signatures", "signatures", "Execution", "",
        Clause("signatures.statement", "1.0.0", "Execution", "", "_Ref_signatures_statement", (
            para("body", 1, "", t("This Agreement has been entered into on the date stated at the beginning "
                                  "of it.")),)),
    )
    service_levels = section(
        "schedule", "schedule-service-levels", "Service Levels", "Schedule 1",
        clause("schedule.sla.targets", "1", "Targets",
               para("clause", 1, "", t("The Provider shall meet these service levels:")),
               Table(((t("Metric"),), (t("Target"),), (t("Measured"),)),
                     (((t("Availability"),), (t("99.9 %"),), (t("monthly"),)),
                      ((t("P1 response"),), (t("1 hour"),), (t("per incident"),))),
                     ("left", "right", "left"), 1)),
        clause("schedule.sla.credits", "2", "Service credits",
               para("clause", 1, "", t("If a service level is missed:")),
               para("item", 2, "(a)", t("the Provider shall credit 5 % of the monthly fees;")),
               para("item", 3, "(i)", t("for each further month, a further 5 %;")),
               para("item", 4, "(A)", t("capped at 20 %;")),
               para("item", 2, "(b)", t("credits are a price adjustment, not a penalty."))),
    )
    budget = section(
        "schedule", "schedule-budget", "Budget", "Schedule 2",
        clause("schedule.budget.shares", "1", "Cost sharing",
               para("clause", 1, "", t("The Parties share the budget as follows:")),
               Table(((t("Party"),), (t("Share"),), (t("Amount (EUR)"),)),
                     (((t("Acme"),), (t("60 %"),), (t("600,000"),)),
                      ((t("Globex"),), (t("40 %"),), (t("400,000"),))),
                     ("left", "right", "right"), 1)),
        clause("schedule.budget.review", "2", "Review",
               para("clause", 1, "", t("The Parties review the budget each quarter."))),
    )
    sections = (definitions, services, termination, execution, service_levels, budget)
    parties = (
        SignatureBlock("Acme Limited", "Acme", "Jane Smith", "Chief Executive Officer"),
        SignatureBlock("Globex GmbH", "Globex", "Jürgen Müller", "Geschäftsführer"),
        SignatureBlock(AWKWARD_PARTY, "S&J", "李小龍", "Director"),
    )
    return Draft("acme-globex", "Technology Partnership Agreement", "A technology integration partnership.",
                 "en-GB", "1 March 2025", "2025-03-01", parties, sections, provenance(sections),
                 ("Business Day", "Services"), made_at=MADE_AT)


def large_draft(articles: int = 8, clauses_per_article: int = 3) -> Draft:
    """About the size of the canonical deal: 8 articles × 3 clauses + 1 in a schedule = 25 clauses."""
    sections = []
    filler = ("The Parties shall cooperate in good faith and keep each other informed of any matter that may "
              "affect the performance of this Agreement, in each case within a reasonable time. ")
    for a in range(1, articles + 1):
        clauses = []
        for m in range(1, clauses_per_article + 1):
            cid = f"article{a}.clause{m}"
            blocks = [para("clause", 1, "", t(filler * 2), ref("article1.clause1", "1.1"), t("."))]
            for letter in "abc":
                blocks.append(para("item", 2, f"({letter})", t(filler)))
            blocks.append(para("item", 3, "(i)", t(filler)))
            blocks.append(para("body", 1, "", t(filler)))
            clauses.append(clause(cid, f"{a}.{m}", f"Clause {a}.{m}", *blocks))
        sections.append(section("article", f"article{a}", f"Article number {a}", str(a), *clauses))
    sections.append(section("signatures", "signatures", "Execution", ""))
    rows = tuple(((t(f"Metric {r}"),), (t("99.9 %"),), (t("monthly"),)) for r in range(12))
    sections.append(section("schedule", "schedule-one", "Service Levels", "Schedule 1",
                            clause("schedule.one.targets", "1", "Targets", para("clause", 1, "", t("Targets:")),
                                   Table(((t("Metric"),), (t("Target"),), (t("Period"),)), rows,
                                         ("left", "right", "left"), 1))))
    sections = tuple(sections)
    parties = (SignatureBlock("Acme Limited", "Acme", "Jane Smith", "CEO"),
               SignatureBlock("Globex GmbH", "Globex", "John Doe", "CFO"))
    return Draft("large", "Large Agreement", "Benchmark.", "en-GB", "1 March 2025", "2025-03-01", parties, sections,
                 provenance(sections))


@pytest.fixture(scope="session")
def draft() -> Draft:
    return small_draft()
