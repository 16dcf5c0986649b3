"""`termsmith impact`: which deals a clause library change touches, decided by selection, with a redline for each
deal whose text changed. Every test works on a real git repository holding the bundled library, tagged `base`,
and the example deals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from termsmith import api
from termsmith.library.opening import clear

from .conftest import EXAMPLES, ROOT, edit, git, make_library_repo

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DEALS = sorted(EXAMPLES.glob("*.yaml"))
NAMES = [p.name for p in DEALS]
IDS = {
    "acme-globex-technology.yaml": "acme-globex-2027",
    "brightpath-lumen-referral-alliance.yaml": "brightpath-lumen-2027",
    "helios-orbis-strategic-alliance.yaml": "helios-orbis-2027",
    "hudson-cobalt-technology-us.yaml": "hudson-cobalt-2027",
    "meridian-opscloud-managed-service.yaml": "meridian-opscloud-2027",
    "northwind-resellers-reseller.yaml": "northwind-vanderlinde-2027",
    "tri-harbor-joint-venture.yaml": "tri-harbor-jv-2027",
}


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository with the library in library/ (tagged base) and copies of the example deals in deals/."""
    clear()
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(EXAMPLES, root / "deals", ignore=shutil.ignore_patterns("ci"))
    make_library_repo(root, ROOT / "clause_library", tag="base")
    return root


def run_impact(repo: Path, names=NAMES, **kw):
    clear()
    return api.impact([repo / "deals" / n for n in names], base="base", library=repo / "library",
                      out_dir=repo.parent / "out", **kw)


def entry(repo: Path, name: str, changed, clauses=(), added=0, removed=0, redline=False) -> dict:
    return {"deal": str(repo / "deals" / name), "changed": changed, "clauses": list(clauses), "words_added": added,
            "words_removed": removed,
            "redline": str(repo.parent / "out" / f"{IDS[name]}.docx") if redline else None}


def report_json(repo: Path) -> list:
    return json.loads((repo.parent / "out" / "impact.json").read_text(encoding="utf-8"))


def cli(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termsmith", "impact", *args], cwd=repo, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def revisions(docx: Path) -> tuple[list[str], list[str]]:
    """The text of the Word document's insertions and deletions."""
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    ins = ["".join(t.text or "" for t in e.iter(f"{W}t")) for e in root.iter(f"{W}ins")]
    dels = ["".join(t.text or "" for t in e.iter(f"{W}delText")) for e in root.iter(f"{W}del")]
    return ins, dels


def test_a_change_no_deal_selects_affects_no_deal(repo):
    lib = repo / "library"
    edit(lib / "clauses/data-protection/transfers.md", "prior written consent", "prior written approval")
    edit(lib / "library.yaml", "version: 1.0.0", "version: 1.0.1")
    (lib / "CHANGELOG.md").write_text("# Changelog\n\n## 1.0.1\n\n- transfers need approval\n", encoding="utf-8")
    git(repo, "commit", "-qam", "transfers need approval")
    names = [n for n in NAMES if not n.startswith(("meridian", "hudson"))]  # the examples with a processor
    result = run_impact(repo, names, head="HEAD")
    assert result.change.clauses == ("data-protection.transfers",)
    assert {d.state for d in result.deals} == {"unaffected"}  # decided without drafting any of them
    assert report_json(repo) == [entry(repo, n, False) for n in names]
    assert sorted(p.name for p in (repo.parent / "out").iterdir()) == ["impact.json"]


def test_a_reworded_clause_changes_the_one_deal_that_selects_it(repo):
    edit(repo / "library/clauses/scope/reseller-pricing.md", "at least", "no less than")
    before = git(repo, "status", "--porcelain")
    result = run_impact(repo)
    assert git(repo, "status", "--porcelain") == before  # the base was read from git, the working tree untouched
    reseller = "northwind-resellers-reseller.yaml"
    assert report_json(repo) == [
        entry(repo, n, True, ["scope.reseller-pricing"], 3, 2, redline=True) if n == reseller else entry(repo, n, False)
        for n in NAMES]
    assert [d.state for d in result.deals].count("unaffected") == len(NAMES) - 1
    docx = repo.parent / "out" / "northwind-vanderlinde-2027.docx"
    assert revisions(docx) == (["no less than"], ["at least"])
    twin = docx.with_suffix(".md").read_text(encoding="utf-8")
    assert "{~~at least~>no less than~~}" in twin
    first = docx.read_bytes()
    run_impact(repo)
    assert docx.read_bytes() == first  # same inputs, same bytes


def test_a_condition_that_adds_a_clause_affects_the_deals_that_now_select_it(repo):
    edit(repo / "library/clauses/data-protection/transfers.md", 'when: options.personal_data == "processor"',
         'when: options.personal_data != "none"')
    result = run_impact(repo)
    gains = {"acme-globex-technology.yaml", "brightpath-lumen-referral-alliance.yaml",
             "northwind-resellers-reseller.yaml", "tri-harbor-joint-venture.yaml"}
    got = {d["deal"]: d for d in report_json(repo)}
    for name in NAMES:
        d = got[str(repo / "deals" / name)]
        if name in gains:
            assert d["changed"] is True and d["clauses"] == ["data-protection.transfers"] and d["words_removed"] == 0
            assert d["words_added"] == 58  # its title (2 words) and its text (56)
            assert Path(d["redline"]).is_file()
        else:
            assert d == entry(repo, name, False)
    states = {Path(d.deal).name: d.state for d in result.deals}
    # the processor deal selects the clause at both revisions and its text is the same: not even drafted
    assert states["meridian-opscloud-managed-service.yaml"] == "unaffected"
    assert states["helios-orbis-strategic-alliance.yaml"] == "unaffected"


def test_a_changed_definition_used_everywhere_changes_every_deal(repo):
    edit(repo / "library/clauses/definitions/terms.md", "a Saturday, a Sunday or a public holiday",
         "a Saturday, a Sunday, 24 December or a public holiday")
    git(repo, "commit", "-qam", "24 December is not a Business Day")
    run_impact(repo, head="HEAD")
    assert report_json(repo) == [entry(repo, n, True, ["definitions.terms"], 2, 0, redline=True) for n in NAMES]


def test_a_locked_deal_is_unaffected_unless_locks_are_ignored(repo):
    reseller = repo / "deals/northwind-resellers-reseller.yaml"
    api.lock(reseller, library=repo / "library", library_rev="base")
    edit(repo / "library/clauses/scope/reseller-pricing.md", "at least", "no less than")
    result = run_impact(repo, [reseller.name])
    assert [d.state for d in result.deals] == ["locked"]
    assert report_json(repo) == [entry(repo, reseller.name, False)]
    run_impact(repo, [reseller.name], ignore_locks=True)
    assert report_json(repo) == [entry(repo, reseller.name, True, ["scope.reseller-pricing"], 3, 2, redline=True)]


def test_cli_formats_and_a_deal_that_fails_at_one_revision(repo):
    lib = repo / "library"
    edit(lib / "clauses/scope/reseller-pricing.md", "at least", "no less than")
    edit(lib / "clauses/data-protection/transfers.md", "prior written consent",
         "prior written {{ options.no_such_field }} consent")
    (repo / "deals/broken.yaml").write_text("termsmith: 1\ndeal:\n  id: [not, an, id]\n", encoding="utf-8")
    summary = repo.parent / "summary.md"
    done = cli(repo, "deals/northwind-resellers-reseller.yaml", "deals/meridian-opscloud-managed-service.yaml",
               "deals/broken.yaml", "deals/helios-orbis-strategic-alliance.yaml", "--base", "base", "--library",
               "library", "-o", "out", "--format", "github", "--jobs", "2", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert done.returncode == 1, done.stderr
    # the others go on; each failure is located
    assert "library/clauses/data-protection/transfers.md:" in done.stderr
    assert "deals/broken.yaml:" in done.stderr and "Traceback" not in done.stderr
    notices = [line for line in done.stdout.splitlines() if line.startswith("::notice")]
    errors = [line for line in done.stdout.splitlines() if line.startswith("::error")]
    assert any(e.startswith("::error file=library/clauses/data-protection/transfers.md,line=")
               and "deals/meridian-opscloud-managed-service.yaml (head): " in e for e in errors), errors
    assert any(e.startswith("::error file=deals/broken.yaml,line=") and "(both)" in e for e in errors), errors
    assert notices == [
        "::notice file=library/clauses/data-protection/transfers.md,line=1,title=termsmith impact::"
        "data-protection.transfers changes the text of no deal",
        "::notice file=library/clauses/scope/reseller-pricing.md,line=1,title=termsmith impact::"
        "scope.reseller-pricing changes the text of 1 deal: northwind-vanderlinde-2027",
    ]
    table = summary.read_text(encoding="utf-8")
    assert "| deals/northwind-resellers-reseller.yaml | yes | `scope.reseller-pricing` | 3 | 2 | " \
           "out/northwind-vanderlinde-2027.docx |" in table
    assert "| deals/meridian-opscloud-managed-service.yaml | failed (head): " in table
    data = json.loads((repo / "out/impact.json").read_text(encoding="utf-8"))
    assert [d["changed"] for d in data] == [True, None, None, False]

    text = cli(repo, "deals/northwind-resellers-reseller.yaml", "deals/helios-orbis-strategic-alliance.yaml",
               "--base", "base", "--library", "library", "-o", "out2")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["deal", "changed", "clauses", "+words", "-words", "redline"]
    assert lines[1].split() == ["deals/northwind-resellers-reseller.yaml", "yes", "scope.reseller-pricing", "3", "2",
                                "out2/northwind-vanderlinde-2027.docx"]
    assert lines[2].split() == ["deals/helios-orbis-strategic-alliance.yaml", "no", "-", "-", "-", "-"]
    assert lines[3].startswith("1 of 2 deals changed between base and WORKTREE")

    as_json = cli(repo, "deals/helios-orbis-strategic-alliance.yaml", "--base", "base", "--library", "library",
                  "-o", "out3", "--format", "json")
    assert json.loads(as_json.stdout) == [{"deal": "deals/helios-orbis-strategic-alliance.yaml", "changed": False,
                                           "clauses": [], "words_added": 0, "words_removed": 0, "redline": None}]


def test_invalid_input_is_one_located_line(repo):
    bad_rev = cli(repo, "deals/northwind-resellers-reseller.yaml", "--base", "no-such-tag", "--library", "library")
    assert bad_rev.returncode == 1 and "no-such-tag" in bad_rev.stderr and "Traceback" not in bad_rev.stderr
    missing = cli(repo, "deals/nope.yaml", "--base", "base", "--library", "library")
    assert missing.returncode == 1 and "deals/nope.yaml: deal file not found" in missing.stderr
    assert not (repo / "impact").exists()
