"""Word round trips found answering wrongly in the eighth red-team of returned Word files: the execution heading
and the first article's heading restyled as text, content controls showing Word's placeholder, and further
hostile or unusual copies. Each test failed before its fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lxml import etree

from termsmith import api
from termsmith.review.redline import summary_lines

from .conftest import ROOT
from .reviewed import WordEdit, q

DOCX = "acme-globex-2027.docx"
WHO, WHEN = "Jane Counsel", "2027-02-01T10:00:00Z"


def run_cli(*args):
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TERMSMITH_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT)


def _heading(edit: WordEdit, style: str, text: str) -> etree._Element:
    return next(p for p in edit.doc.iter(q("p")) if p.find(f"{q('pPr')}/{q('pStyle')}") is not None
                and p.find(f"{q('pPr')}/{q('pStyle')}").get(q("val")) == style
                and text in "".join(t.text or "" for t in p.iter(q("t"))))


def _restyled(paragraph: etree._Element, style: str = "BodyText") -> None:
    paragraph.find(f"{q('pPr')}/{q('pStyle')}").set(q("val"), style)
    numbering = paragraph.find(f"{q('pPr')}/{q('numPr')}")
    if numbering is not None:
        numbering.getparent().remove(numbering)


def _paragraph_of(edit: WordEdit, text: str) -> etree._Element:
    run, _t = edit._run_with(text)
    while run.tag != q("p"):
        run = run.getparent()
    return run


# ── headings restyled as text ────────────────────────────────────────────────────────────────
def test_the_execution_heading_restyled_as_text_adds_no_clause(drafted, tmp_path):
    """The execution heading given the body text style: absorb added a clause to the deal holding the word
    "Execution" (the heading's bookmark read as a clause's), and redline said the execution clause moved "from ,".
    The heading is the draft's own: it is listed as not absorbed and nothing is written."""
    edit = WordEdit(drafted / "out" / DOCX)
    _restyled(_heading(edit, "ExecutionHeading", "Execution"))
    reviewed = drafted / "out" / "restyled.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {}, result.plan.overrides
    assert [line.split(":")[0] for line in result.plan.refused] == ["The execution page"], result.plan.refused
    assert not [c for c in result.plan.clauses if c.action == "added"]
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    assert not any("(from ," in line for line in summary_lines(done.comparison)), summary_lines(done.comparison)
