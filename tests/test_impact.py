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
from termsmith.errors import InputError
from termsmith.library.opening import clear, open_library

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
    "solent-northgate-contractual-joint-venture.yaml": "solent-northgate-2027",
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
    major, minor, patch = open_library(lib).version.split(".")
    edit(lib / "library.yaml", f"version: {major}.{minor}.{patch}", f"version: {major}.{minor}.{int(patch) + 1}")
    (lib / "CHANGELOG.md").write_text("# Changelog\n\n## 1.0.1\n\n- transfers need approval\n", encoding="utf-8")
    git(repo, "commit", "-qam", "transfers need approval")
    names = [n for n in NAMES if not n.startswith(("meridian", "hudson"))]  # the examples with a processor
    result = run_impact(repo, names, head="HEAD")
    assert result.change.clauses == ("data-protection.transfers",)
    assert {d.state for d in result.deals} == {"unaffected"}  # decided without drafting any of them
    assert report_json(repo) == [entry(repo, n, False) for n in names]
    assert sorted(p.name for p in (repo.parent / "out").iterdir()) == [".termsmith-impact.json", "impact.json"]


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
    twin_path = docx.with_suffix(".md")
    twin_path.write_text(twin + "\nreviewed\n", encoding="utf-8")  # a reviewer's notes in the twin
    again = run_impact(repo, [reseller, "helios-orbis-strategic-alliance.yaml"], jobs=2)
    assert [(d.state, d.failed_at) for d in again.deals] == [("failed", "output"), ("unaffected", "")]
    assert "exists and is not an unchanged termsmith redline" in again.deals[0].problems[0].message
    assert twin_path.read_text(encoding="utf-8").endswith("reviewed\n")  # not overwritten


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


def test_a_deal_locked_to_a_commit_the_repository_lacks_is_failed_not_left_alone(repo):
    """`check` and `draft` refuse such a deal with one line; impact called it `locked` (untouched by the change),
    so a broken deal passed the review of a library change unseen."""
    reseller = repo / "deals/northwind-resellers-reseller.yaml"
    api.lock(reseller, library=repo / "library", library_rev="base")
    lock = reseller.with_suffix(".lock")
    text = lock.read_text(encoding="utf-8")
    commit = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.strip().startswith("commit:"))
    lock.write_text(text.replace(commit, "deadbeef" * 5), encoding="utf-8")
    edit(repo / "library/clauses/scope/reseller-pricing.md", "at least", "no less than")
    result = run_impact(repo, [reseller.name])
    assert [(d.state, d.failed_at) for d in result.deals] == [("failed", "both")]
    assert [p.file for p in result.deals[0].problems] == [str(lock)]
    with pytest.raises(InputError):
        api.check(reseller, library=repo / "library")


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
    undefined = ("undefined value: options.no_such_field: no such field "
                 "(drafting deals/meridian-opscloud-managed-service.yaml, at head WORKTREE)")
    assert errors[0] == ("::error file=library/clauses/data-protection/transfers.md,line=10,title=termsmith impact::"
                         f"data-protection.transfers: {undefined}")
    assert errors[1:3] == [
        "::error file=deals/broken.yaml,line=1,title=termsmith impact::conflict_resolution: required field is missing",
        "::error file=deals/broken.yaml,line=1,title=termsmith impact::exit: required field is missing"]
    assert errors[-1] == "::error file=deals/broken.yaml,line=3,title=termsmith impact::deal.id: must be text"
    assert len(errors) == 12 and done.stderr.splitlines()[:2] == [
        f"library/clauses/data-protection/transfers.md:10: data-protection.transfers: {undefined}",
        "deals/broken.yaml:1: conflict_resolution: required field is missing"]
    assert notices == [
        "::notice file=library/clauses/data-protection/transfers.md,line=10,title=termsmith impact::"
        "data-protection.transfers changes the text of no deal",
        "::notice file=library/clauses/scope/reseller-pricing.md,line=16,title=termsmith impact::"
        "scope.reseller-pricing changes the text of 1 deal: northwind-vanderlinde-2027",
    ]
    assert summary.read_text(encoding="utf-8").splitlines() == [
        "### termsmith impact",
        "",
        "1 of 4 deals changed between base and WORKTREE (2 clauses changed; 1 deal drafted at both revisions, "
        "2 failed)",
        "",
        "| deal | changed | clauses | words added | words removed | redline |",
        "|---|---|---|---:|---:|---|",
        "| deals/northwind-resellers-reseller.yaml | yes | `scope.reseller-pricing` | 3 | 2 | "
        "out/northwind-vanderlinde-2027.docx |",
        f"| deals/meridian-opscloud-managed-service.yaml | failed (head): data-protection.transfers: {undefined} | — "
        "| 0 | 0 | — |",
        "| deals/broken.yaml | failed (both): conflict_resolution: required field is missing (and 10 more) | — | 0 | 0 "
        "| — |",
    ]
    none = {"clauses": [], "words_added": 0, "words_removed": 0, "redline": None}
    assert json.loads((repo / "out/impact.json").read_text(encoding="utf-8")) == [
        {"deal": "deals/northwind-resellers-reseller.yaml", "changed": True, "clauses": ["scope.reseller-pricing"],
         "words_added": 3, "words_removed": 2, "redline": "out/northwind-vanderlinde-2027.docx"},
        {"deal": "deals/meridian-opscloud-managed-service.yaml", "changed": None, **none},
        {"deal": "deals/broken.yaml", "changed": None, **none},
        {"deal": "deals/helios-orbis-strategic-alliance.yaml", "changed": False, **none},
    ]

    text = cli(repo, "deals/northwind-resellers-reseller.yaml", "deals/helios-orbis-strategic-alliance.yaml",
               "--base", "base", "--library", "library", "-o", "out2")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["deal", "changed", "clauses", "+words", "-words", "redline"]
    assert lines[1].split() == ["deals/northwind-resellers-reseller.yaml", "yes", "scope.reseller-pricing", "3", "2",
                                "out2/northwind-vanderlinde-2027.docx"]
    assert lines[2].split() == ["deals/helios-orbis-strategic-alliance.yaml", "no", "-", "-", "-", "-"]
    assert lines[3].startswith("1 of 2 deals changed between base and WORKTREE")

    # a deal named twice (overlapping globs) is assessed and reported once
    as_json = cli(repo, "deals/helios-orbis-strategic-alliance.yaml", "--base", "base", "--library", "library",
                  "-o", "out3", "--format", "json", str(repo / "deals/helios-orbis-strategic-alliance.yaml"))
    assert json.loads(as_json.stdout) == [{"deal": "deals/helios-orbis-strategic-alliance.yaml", "changed": False,
                                           "clauses": [], "words_added": 0, "words_removed": 0, "redline": None}]


def test_invalid_input_is_one_located_line(repo):
    bad_rev = cli(repo, "deals/northwind-resellers-reseller.yaml", "--base", "no-such-tag", "--library", "library")
    assert bad_rev.returncode == 1 and "no-such-tag" in bad_rev.stderr and "Traceback" not in bad_rev.stderr
    missing = cli(repo, "deals/nope.yaml", "--base", "base", "--library", "library")
    assert missing.returncode == 1 and "deals/nope.yaml: deal file not found" in missing.stderr
    folder = cli(repo, "deals", "--base", "base", "--library", "library")
    assert folder.returncode == 1 and "deals: is a folder, not a deal file (give the deal files, e.g. deals/*.yaml)" \
        in folder.stderr
    assert not (repo / "impact").exists()


def test_a_deal_tracked_with_the_library_is_read_at_each_revision(repo):
    """A pull request that changes a clause and a deal file: the deal at base is the committed one, at head the
    working tree's, and its redline shows both changes; a deal git does not track is read from the working tree
    for both revisions, so only the library's change shows."""
    reseller = repo / "deals/northwind-resellers-reseller.yaml"
    edit(repo / "library/clauses/scope/reseller-pricing.md", "at least", "no less than")
    edit(reseller, "territory: Belgium, the Netherlands and Luxembourg", "territory: Belgium and the Netherlands")
    untracked = repo / "untracked" / reseller.name
    untracked.parent.mkdir()
    shutil.copy(reseller, untracked)
    clear()
    result = api.impact([reseller, untracked], base="base", library=repo / "library", out_dir=repo.parent / "out")
    first, second = result.deals
    assert first.deal_changed and not second.deal_changed
    assert "scope.reseller-pricing" in first.clauses and len(first.clauses) > 1  # the territory shows too
    ins, dels = revisions(Path(first.redline))
    assert "no less than" in ins and "at least" in dels
    assert any("Luxembourg" in d for d in dels)
    # the untracked copy: both revisions are the working-tree file (no territory change), and its redline has
    # the same name as the first's: refused, not overwritten
    assert second.state == "failed" and second.failed_at == "output" and "also the id of" in second.problems[0].message
    one = api.impact([untracked], base="base", library=repo / "library", out_dir=repo.parent / "out2")
    assert one.deals[0].clauses == ("scope.reseller-pricing",) and not one.deals[0].deal_changed
    # a deal file changed on its own, with no library change touching it, is drafted and compared too
    helios = repo / "deals/helios-orbis-strategic-alliance.yaml"
    text = helios.read_text(encoding="utf-8")
    helios.write_text(text.replace("effective_date: 2027", "effective_date: 2028", 1), encoding="utf-8")
    alone = api.impact([helios], base="base", library=repo / "library", out_dir=repo.parent / "out3")
    assert alone.deals[0].state == "changed" and alone.deals[0].deal_changed and alone.deals[0].causes == ()


def test_a_new_deal_and_one_that_fails_at_base_only(repo):
    """A deal added since base is new (drafted at head only); a deal broken at base and repaired since is
    reported as failing at base, its problem located and labelled, and the command exits 1."""
    deals = repo / "deals"
    fixed = deals / "hudson-cobalt-technology-us.yaml"
    good = fixed.read_text(encoding="utf-8")
    assert "\n  effective_date: 2027" in good
    fixed.write_text(good.replace("\n  effective_date: 2027", "\n  effective_date: someday 2027", 1), encoding="utf-8")
    git(repo, "commit", "-qam", "a broken deal")
    git(repo, "tag", "broken")
    fixed.write_text(good, encoding="utf-8")  # repaired in the working tree
    new = deals / "new-deal.yaml"
    text = (deals / "helios-orbis-strategic-alliance.yaml").read_text(encoding="utf-8")
    new.write_text(text.replace("id: helios-orbis-2027", "id: helios-orbis-2028"), encoding="utf-8")
    git(repo, "add", "deals/new-deal.yaml")  # tracked, and not in the base revision
    done = cli(repo, "deals/new-deal.yaml", "deals/hudson-cobalt-technology-us.yaml", "deals/tri-harbor-joint-venture.yaml",
               "--base", "broken", "--library", "library", "-o", "out", "--format", "json")
    assert done.returncode == 1, done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("deals/hudson-cobalt-technology-us.yaml:"))
    assert "deal.effective_date" in line and line.endswith("(at base broken)"), line
    assert json.loads(done.stdout) == [
        {"deal": "deals/new-deal.yaml", "changed": True, "clauses": [], "words_added": 0, "words_removed": 0,
         "redline": None},
        {"deal": "deals/hudson-cobalt-technology-us.yaml", "changed": None, "clauses": [], "words_added": 0,
         "words_removed": 0, "redline": None},
        {"deal": "deals/tri-harbor-joint-venture.yaml", "changed": False, "clauses": [], "words_added": 0,
         "words_removed": 0, "redline": None},
    ]
    text = cli(repo, "deals/new-deal.yaml", "deals/tri-harbor-joint-venture.yaml", "--base", "broken", "--library",
               "library", "-o", "out")
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[1].split() == ["deals/new-deal.yaml", "new", "deal", "-", "-", "-", "-"]


def test_stale_redlines_of_an_earlier_run_are_removed_and_nothing_else(repo):
    pricing = repo / "library/clauses/scope/reseller-pricing.md"
    original = pricing.read_text(encoding="utf-8")
    edit(pricing, "at least", "no less than")
    edit(repo / "library/clauses/definitions/terms.md", "a Saturday, a Sunday or a public holiday",
         "a Saturday, a Sunday, 24 December or a public holiday")
    names = ["northwind-resellers-reseller.yaml", "helios-orbis-strategic-alliance.yaml",
             "tri-harbor-joint-venture.yaml"]
    run_impact(repo, names)
    out = repo.parent / "out"
    written = sorted(p.name for p in out.iterdir())
    assert written == [".termsmith-impact.json", "helios-orbis-2027.docx", "helios-orbis-2027.md", "impact.json",
                       "northwind-vanderlinde-2027.docx", "northwind-vanderlinde-2027.md",
                       "tri-harbor-jv-2027.docx", "tri-harbor-jv-2027.md"]
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")  # someone else's file in the folder
    edited = out / "tri-harbor-jv-2027.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nreviewed\n", encoding="utf-8")  # edited since
    # the definition change is undone: only the reseller deal still changes
    edit(repo / "library/clauses/definitions/terms.md", "a Saturday, a Sunday, 24 December or a public holiday",
         "a Saturday, a Sunday or a public holiday")
    result = run_impact(repo, names)
    assert sorted(p.name for p in out.iterdir()) == [
        ".termsmith-impact.json", "impact.json", "northwind-vanderlinde-2027.docx", "northwind-vanderlinde-2027.md",
        "notes.txt", "tri-harbor-jv-2027.md"]  # not written by it, or edited since: kept
    assert sorted(p.name for p in result.removed) == ["helios-orbis-2027.docx", "helios-orbis-2027.md",
                                                       "tri-harbor-jv-2027.docx"]
    assert report_json(repo) == [entry(repo, names[0], True, ["scope.reseller-pricing"], 3, 2, redline=True),
                                 entry(repo, names[1], False), entry(repo, names[2], False)]
    pricing.write_text(original, encoding="utf-8")  # nothing changes any more
    done = cli(repo, *(f"deals/{n}" for n in names), "--base", "base", "--library", "library", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == [
        f"removed {out / name} (an earlier run's redline of a deal that no longer changes)"
        for name in ("northwind-vanderlinde-2027.docx", "northwind-vanderlinde-2027.md")]
    assert sorted(p.name for p in out.iterdir()) == [".termsmith-impact.json", "impact.json", "notes.txt",
                                                     "tri-harbor-jv-2027.md"]


def test_a_tracked_deal_deleted_since_base_is_reported_removed(repo):
    gone = repo / "deals/tri-harbor-joint-venture.yaml"
    gone.unlink()
    result = run_impact(repo, [gone.name, "helios-orbis-strategic-alliance.yaml"])
    assert [(d.state, d.deal_id) for d in result.deals] == [("removed", "tri-harbor-jv-2027"),
                                                            ("unaffected", "helios-orbis-2027")]
    assert report_json(repo) == [{"deal": str(gone), "changed": True, "clauses": [], "words_added": 0,
                                  "words_removed": 0, "redline": None},
                                 entry(repo, "helios-orbis-strategic-alliance.yaml", False)]
    outside = repo.parent / "elsewhere.yaml"  # not tracked and not there: not found, as before
    with pytest.raises(InputError, match="deal file not found"):
        run_impact(repo, [outside])


def test_a_locked_deal_whose_own_file_changed_is_drafted_with_its_locked_library(repo):
    """A lock pins the library, not the deal. A locked deal whose file changed between the revisions is drafted
    at both with the library its lock pins (so its redline shows the deal's change and none of the library's);
    one whose file and lock did not change is left alone; one whose lock moved to the new library shows the
    library's change."""
    deals, lib = repo / "deals", repo / "library"
    reseller, venture, hudson = (deals / n for n in ("northwind-resellers-reseller.yaml",
                                                     "tri-harbor-joint-venture.yaml",
                                                     "hudson-cobalt-technology-us.yaml"))
    for deal in (reseller, venture, hudson):
        api.lock(deal, library=lib, library_rev="base")
    git(repo, "add", "deals")
    git(repo, "commit", "-qm", "lock three deals")
    git(repo, "tag", "-f", "base")  # the locks are part of the base
    edit(lib / "clauses/scope/reseller-pricing.md", "at least", "no less than")
    edit(lib / "clauses/definitions/terms.md", "a Saturday, a Sunday or a public holiday",
         "a Saturday, a Sunday, 24 December or a public holiday")
    git(repo, "commit", "-qam", "reword reseller pricing; 24 December is not a Business Day")
    edit(reseller, "territory: Belgium, the Netherlands and Luxembourg", "territory: Belgium and the Netherlands")
    clear()
    api.lock(hudson, library=lib, update=True)  # moved to the library as it is now
    names = [reseller.name, venture.name, hudson.name, "helios-orbis-strategic-alliance.yaml"]
    result = run_impact(repo, names)
    assert [d.state for d in result.deals] == ["changed", "locked", "changed", "changed"]
    first = result.deals[0]
    assert first.deal_changed and first.causes == ()  # its locked library is the same at both revisions
    assert report_json(repo) == [
        entry(repo, reseller.name, True, ["parties.background", "scope.reseller-appointment",
                                          "scope.reseller-obligations", "scope.non-exclusivity",
                                          "ip.reseller-licence"], 5, 10, redline=True),
        entry(repo, venture.name, False),
        entry(repo, hudson.name, True, ["definitions.terms"], 2, 0, redline=True),
        entry(repo, "helios-orbis-strategic-alliance.yaml", True, ["definitions.terms"], 2, 0, redline=True),
    ]
    # the territory only, and the page numbers of the contents page that its length moves
    ins, dels = revisions(Path(first.redline))
    assert ([t for t in ins if not t.isdigit()], [t for t in dels if not t.isdigit()]) == (
        [" and"] * 5, [",", " and Luxembourg"] * 5)
    assert revisions(Path(result.deals[2].redline)) == ([", 24 December"], [])
    twin = Path(first.redline).with_suffix(".md").read_text(encoding="utf-8")
    assert "no less than" not in twin and "24 December" not in twin  # the library's change does not reach it

    # with --ignore-locks, the deal's change and the library's both show; the unchanged locked deal is compared too
    run_impact(repo, names[:2], ignore_locks=True)
    got = report_json(repo)
    assert got[0]["changed"] is True and {"scope.reseller-pricing", "definitions.terms"} <= set(got[0]["clauses"])
    assert got[1] == entry(repo, venture.name, True, ["definitions.terms"], 2, 0, redline=True)

    # a lock damaged since base: that revision cannot be drafted, and the message names the lock file
    venture.with_suffix(".lock").write_text("library: [\n", encoding="utf-8")
    damaged = run_impact(repo, [venture.name]).deals[0]
    assert damaged.state == "failed" and damaged.failed_at == "head"
    message = str(damaged.problems[0])
    assert message.startswith(f"{venture.with_suffix('.lock')}:2:1: not a valid lock file (YAML syntax error"), message
    assert message.endswith(f"(drafting {venture}, at head WORKTREE)"), message


def test_a_step_summary_that_cannot_be_written_is_one_line_after_the_results(repo):
    """GITHUB_STEP_SUMMARY naming a folder or a missing folder (a runner's setting) ended with exit 3
    (IsADirectoryError, FileNotFoundError) after the redlines were written, and printed no results."""
    edit(repo / "library/clauses/scope/reseller-pricing.md", "at least", "no less than")
    for summary in (repo.parent, repo.parent / "missing" / "summary.md"):
        done = cli(repo, "deals/northwind-resellers-reseller.yaml", "--base", "base", "--library", "library", "-o",
                   "out", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
        lines = [line for line in done.stderr.splitlines() if not line.startswith("library:")]
        assert done.returncode == 1 and len(lines) == 1 and lines[0].startswith(f"{summary}: GITHUB_STEP_SUMMARY: "), \
            done.stderr
        assert "| deals/northwind-resellers-reseller.yaml | yes |" in done.stdout
        assert (repo / "out" / "northwind-vanderlinde-2027.docx").is_file()


def test_a_change_of_library_yaml_that_clause_text_reads_is_found(repo):
    """A legal system's fact or a currency's reference rate is read by clause text as a clause file is: deals that
    print it change, although no clause file did (impact had called them unaffected without drafting them)."""
    lib = repo / "library"
    edit(lib / "library.yaml", "GBP: the Bank of England's Bank Rate", "GBP: the Bank Rate of the Bank of England")
    edit(lib / "library.yaml", "the rate of statutory interest set by order under section 6 of the Late Payment",
         "the rate of statutory interest prescribed by order under section 6 of the Late Payment")
    git(repo, "commit", "-qam", "name the rates as the statutes do")
    names = ["brightpath-lumen-referral-alliance.yaml", "solent-northgate-contractual-joint-venture.yaml"]
    result = run_impact(repo, names, head="HEAD")
    assert result.change.clauses == () and "reference rates" in result.change.everything
    assert "legal systems" in result.change.everything
    assert [d.state for d in result.deals] == ["changed", "changed"], [(d.state, d.clauses) for d in result.deals]


def test_library_yaml_opened_twice_unchanged_is_no_change(repo):
    from termsmith.review.assess import library_change

    clear()
    first = open_library(repo / "library")
    clear()
    assert library_change(first, open_library(repo / "library")).everything == ""


def test_a_tracked_deal_in_neither_revision_is_said_to_be_so(repo):
    """A deal committed after both revisions compared is read from git at each and is at neither: the run said
    "deal file not found" of a file that was there in the working tree."""
    later = repo / "deals" / "later.yaml"
    shutil.copy(repo / "deals" / "helios-orbis-strategic-alliance.yaml", later)
    git(repo, "tag", "head-before")
    git(repo, "add", "deals/later.yaml")
    git(repo, "commit", "-qm", "a deal added later")
    with pytest.raises(InputError) as raised:
        api.impact([later], base="base", head="head-before", library=repo / "library", out_dir=repo.parent / "out")
    assert str(raised.value) == (f"{later}: is in neither revision (base, head-before): git tracks it, so each side "
                                 "reads it from its revision; compare revisions that have it, or leave it out")
