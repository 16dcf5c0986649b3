"""lint: each fault a pull request could bring into a clause library is caught, with its file and line."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from termsmith.lint import lint

from .conftest import CANONICAL, MINI, ROOT, edit, git, make_library_repo


@pytest.fixture
def lib(tmp_path):
    root = tmp_path / "lib"
    shutil.copytree(MINI, root)
    return root


def errors(root, base=None):
    return [p for p in lint(root, base=base) if p.severity == "error"]


def only(root, code, base=None):
    found = [p for p in errors(root, base) if p.code == code]
    assert found, [str(p) for p in errors(root, base)]
    return found[0]


def test_bundled_library_is_clean():
    assert lint(ROOT / "clause_library") == []


def test_mini_library_has_no_errors(lib):
    assert errors(lib) == []


def test_front_matter_schema(lib):
    edit(lib / "clauses/exit/cure.md", "version: 1.1.0", "version: one")
    p = errors(lib)[0]
    assert p.file.endswith("cure.md") and p.line == 3 and "semantic version" in p.message


def test_duplicate_ids(lib):
    edit(lib / "clauses/exit/convenience.md", "id: exit.convenience", "id: exit.cure")
    assert "duplicate clause id 'exit.cure'" in str(errors(lib)[0])


def test_jinja_syntax_error_with_line(lib):
    edit(lib / "clauses/exit/convenience.md", "notice, subject", "notice {% if %}, subject")
    p = only(lib, "syntax")
    assert p.line == 10 and p.file.endswith("convenience.md")


def test_unknown_deal_field_is_caught_statically(lib):
    edit(lib / "clauses/exit/convenience.md", "notice_days | days", "notice_dayz | days")
    p = only(lib, "unknown-field")
    assert "'notice_dayz' is not a field of ConvenienceTermination" in p.message and p.line == 10


def test_loop_variables_are_typed(lib):
    (lib / "clauses/exit/parties-loop.md").write_text(
        "---\nid: exit.parties-loop\nversion: 1.0.0\ntitle: Loop\narea: exit\norder: 90\nchangelog: x\n---\n"
        "{% for p in parties %}{{ p.nmae }}{% endfor %}{% for pid, share in budget.cost_sharing.items() %}{{ pid }}{% endfor %}\n")
    p = only(lib, "unknown-field")
    assert "'nmae' is not a field of Party" in p.message and p.line == 9


def test_a_name_set_from_a_block_is_known_and_its_body_is_checked(lib):
    """`{% set name %}…{% endset %}` binds the name (it read as unknown), and the text it captures is checked as
    any other: a misspelt field inside it is still caught."""
    (lib / "clauses/exit/block-set.md").write_text(
        "---\nid: exit.block-set\nversion: 1.0.0\ntitle: Block\narea: exit\norder: 90\nchangelog: x\n---\n"
        "{% set who %}{{ parties[0].short_name }}{% endset %}{{ who }} may act.\n", encoding="utf-8")
    assert not [p for p in errors(lib) if "block-set" in p.file]
    (lib / "clauses/exit/block-set.md").write_text(
        "---\nid: exit.block-set\nversion: 1.0.0\ntitle: Block\narea: exit\norder: 90\nchangelog: x\n---\n"
        "{% set who %}{{ parties[0].short_nmae }}{% endset %}{{ who }} may act.\n", encoding="utf-8")
    assert "'short_nmae' is not a field of Party" in only(lib, "unknown-field").message

def test_unknown_name_and_filter(lib):
    edit(lib / "clauses/exit/convenience.md", "notice_days | days", "notice_days | dayz }} {{ dael.id")
    codes = {p.code for p in errors(lib)}
    assert {"unknown-filter", "unknown-name"} <= codes


def test_reference_to_missing_clause(lib):
    edit(lib / "clauses/exit/convenience.md", 'ref("exit.cure")', 'ref("exit.curee")')
    assert "exit.curee" in only(lib, "unknown-ref").message


def test_condition_that_can_never_be_true(lib):
    edit(lib / "clauses/exit/convenience.md", "when: exit.termination_for_convenience.allowed",
         'when: deal.kind == "franchise"')
    p = only(lib, "impossible-condition")
    assert p.line == 7 and "'franchise'" in p.message


def test_condition_with_unknown_field(lib):
    edit(lib / "clauses/exit/convenience.md", "when: exit.termination_for_convenience.allowed",
         "when: exit.termination_for_convenience.alowed")
    assert only(lib, "unknown-field").line == 7


def test_raw_html(lib):
    edit(lib / "clauses/exit/convenience.md", "subject to", "<b>subject</b> to")
    assert "raw HTML" in only(lib, "html").message


def test_a_blank_line_that_trim_blocks_removes_is_a_warning_and_plus_keeps_it(lib):
    """`…material{% endif %}` then a blank line: Jinja's trim_blocks takes the newline after the tag, and the next
    paragraph ran into this one in four clauses of the bundled library."""
    from termsmith import api
    from termsmith.render.markdown import render_markdown

    cure = lib / "clauses/exit/cure.md"
    edit(cure, "within the Cure Period.\n", "within the Cure Period{% if true %} of this clause{% endif %}.\n\n"
               "Cure is at the breaching Party's cost{% if true %} alone{% endif %}\n\nNothing else.\n")
    found = [p for p in lint(lib) if p.code == "joined-paragraphs"]
    assert [(p.severity, p.line) for p in found] == [("warning", 11)], [str(p) for p in found]
    edit(cure, "alone{% endif %}", "alone{% endif +%}")
    assert [p for p in lint(lib) if p.code == "joined-paragraphs"] == []
    md = render_markdown(api.build(CANONICAL, library=lib))
    assert "at the breaching Party’s cost alone\n\nNothing else." in md


def test_terms_used_but_never_defined_and_defined_but_unused(lib):
    findings = lint(lib)
    undefined = [p for p in findings if p.code == "undefined-term"]
    assert undefined and "'Termination Date'" in undefined[0].message and undefined[0].file.endswith("steps.md")
    assert any(p.code == "unused-term" and "'Unused Term'" in p.message for p in findings)


# ── against a base revision, in a real git repository ───────────────────────────────────
@pytest.fixture
def repo(tmp_path):
    return make_library_repo(tmp_path / "repo")


def test_text_changed_without_a_version_bump(repo):
    lib = repo / "library"
    edit(lib / "clauses/exit/cure.md", "Either Party may terminate", "Each Party may terminate")
    p = only(lib, "no-bump", base="v1.2.0")
    assert p.file.endswith("cure.md") and p.line == 3
    assert only(lib, "library-version", base="v1.2.0").path == "version"
    assert only(lib, "changelog", base="v1.2.0")


def test_properly_bumped_change_is_clean(repo):
    lib = repo / "library"
    edit(lib / "clauses/exit/cure.md", "Either Party may terminate", "Each Party may terminate")
    edit(lib / "clauses/exit/cure.md", "version: 1.1.0", "version: 1.2.0")
    edit(lib / "library.yaml", "version: 1.2.0", "version: 1.3.0")
    (lib / "CHANGELOG.md").write_text("## 1.3.0\n\n- exit.cure 1.2.0: 'Each Party'.\n")
    git(repo, "commit", "-qam", "bump")
    assert errors(lib, base="v1.2.0") == []


def test_version_going_backwards(repo):
    lib = repo / "library"
    edit(lib / "clauses/exit/cure.md", "version: 1.1.0", "version: 1.0.0")
    assert "went backwards" in only(lib, "version", base="v1.2.0").message


def test_unknown_base_revision_is_a_clear_error(repo):
    from termsmith.errors import GitError

    with pytest.raises(GitError) as info:
        lint(repo / "library", base="v9.9.9")
    assert "no tag, branch or commit named 'v9.9.9'" in str(info.value)


def test_cli_text_and_github_formats_and_exit_codes(repo):
    lib = repo / "library"
    edit(lib / "clauses/exit/convenience.md", "notice_days | days", "notice_dayz | days")
    run = lambda *a: subprocess.run([sys.executable, "-m", "termsmith", "lint", *a], capture_output=True,
                                    text=True, cwd=repo)
    text = run("library")
    assert text.returncode == 1
    assert any(line.startswith("library/clauses/exit/convenience.md:10: error: exit.convenience:")
               for line in text.stdout.splitlines())
    github = run("library", "--format", "github", "--base", "v1.2.0")
    assert github.returncode == 1
    assert "::error file=library/clauses/exit/convenience.md,line=10,title=termsmith lint unknown-field::" in github.stdout
    assert "::error file=library/library.yaml" in github.stdout
    assert run(str(ROOT / "clause_library")).returncode == 0


def test_pre_commit_hook_and_example_workflow_use_real_commands():
    import yaml
    from click.testing import CliRunner

    from termsmith.cli import cli

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "termsmith-lint" and hooks[0]["entry"] == "termsmith lint"
    workflow = yaml.safe_load((ROOT / "examples/ci/termsmith-pr.yml").read_text())
    commands = [step["run"] for step in workflow["jobs"]["library"]["steps"] if "run" in step]
    for command in ("lint", "impact"):
        used = next(c for c in commands if f"termsmith {command}" in c)
        options = {w for w in used.split() if w.startswith("--")}
        help_text = CliRunner().invoke(cli, [command, "--help"]).output
        assert all(o in help_text for o in options), (command, options)


# ── more faults: attributes of lists and values, filter arguments, tests, conditions, Markdown ──
CONVENIENCE = "clauses/exit/convenience.md"
WHEN = "when: exit.termination_for_convenience.allowed"


@pytest.mark.parametrize("old, new, message", [
    ("notice_days | days", "notice_days | days }} {{ slas.metrics.target",
     "'target' is not a field: slas.metrics is a list of Metric"),
    ("notice_days | days", "notice_days.value | days", "notice_days is an int"),
    ("notice_days | days", 'notice_days | days }} {{ parties | map(attribute="nmae") | join_and',
     "map: 'nmae' is not a field of Party"),
    ("notice_days | days", 'notice_days | days }} {{ parties | selectattr("signatory.nmae") | list | length',
     "selectattr: 'nmae' is not a field of Signatory"),
    ("notice_days | days", "notice_days | days }} {{ deal.kind.nmae", "deal.kind is one of 'technology'"),
])
def test_attributes_of_lists_values_and_filter_arguments(lib, old, new, message):
    edit(lib / CONVENIENCE, old, new)
    p = only(lib, "unknown-field")
    assert message in p.message and p.line == 10, p.message


def test_typed_values_pass(lib):
    edit(lib / CONVENIENCE, "A Party may", '{% set tfc = exit.termination_for_convenience %}'
         '{{ parties | map(attribute="signatory.name") | join_and }} {{ parties[0].short_name }} '
         '{{ slas.metrics | selectattr("credits") | list | length }} {{ deal.kind.upper() }} A Party may')
    assert errors(lib) == []


def test_unknown_test(lib):
    edit(lib / CONVENIENCE, "notice, subject", "notice{% if multi is plural %} x{% endif %}, subject")
    assert "'is plural'" in only(lib, "unknown-test").message


@pytest.mark.parametrize("when, reason", [
    ('deal.kind in ["franchise", "licence"]', "never 'franchise' or 'licence'"),
    ('exit.insolvency == "yes"', "`exit.insolvency` is a bool, never 'yes'"),
    ('deal.kind == "reseller" and deal.kind == "technology"', "cannot be both 'reseller' and 'technology'"),
    ("exit.insolvency and not exit.insolvency", "cannot be both true and false"),
    ("1 > 2", "always false"),
    ("false and exit.insolvency", "always false"),
    ("exit is none", "`exit` is required by the deal model"),
    ("conflict_resolution.arbitration.arbitrators == 2", "one of 1, 3, never 2"),
    ('deal.kind == "x" or deal.kind == "y"', "never 'y'"),
])
def test_conditions_that_can_never_be_true(lib, when, reason):
    edit(lib / CONVENIENCE, WHEN, f"when: {when}")
    p = only(lib, "impossible-condition")
    assert reason in p.message and p.line == 7, p.message


@pytest.mark.parametrize("when", [
    "slas is none", 'deal.kind != "reseller" and deal.kind != "technology"', 'deal.kind in ["franchise", "reseller"]',
    'deal.kind and deal.kind == "reseller"', "parties | length > 2", "budget is not none and budget.open_book",
])
def test_conditions_that_can_be_true_pass(lib, when):
    edit(lib / CONVENIENCE, WHEN, f"when: {when}")
    assert errors(lib) == []


def test_an_if_in_the_text_that_can_never_be_true(lib):
    edit(lib / CONVENIENCE, "notice, subject", 'notice{% if deal.kind == "franchise" %} x{% endif %}, subject')
    p = only(lib, "impossible-condition")
    assert p.line == 10 and "never 'franchise'" in p.message


def test_raw_html_in_a_definition_and_other_markdown(lib):
    edit(lib / "clauses/definitions/terms.md", "means this agreement", "means <b>this</b> agreement")
    p = only(lib, "html")
    assert p.line == 9 and "the definition of 'Agreement'" in p.message
    edit(lib / CONVENIENCE, "A Party may", "# Heading\n\nA Party may")
    assert only(lib, "markdown").line == 10


def test_every_broken_file_is_reported_and_the_rest_still_checked(lib):
    edit(lib / "clauses/exit/cure.md", "title: Termination for cause", "title: [oops")
    edit(lib / "clauses/terms/renewal-none.md", "area: terms", "area: termz")
    edit(lib / CONVENIENCE, "notice_days | days", "notice_dayz | days")
    found = {(p.file.rsplit("/", 1)[-1], p.code, p.line) for p in errors(lib)}
    assert {("cure.md", "front-matter", 5), ("renewal-none.md", "front-matter", 5),
            ("convenience.md", "unknown-field", 10)} <= found
    assert not any(p.code == "unknown-ref" for p in errors(lib))  # exit.cure exists, though it did not load


def test_base_catches_library_yaml_changes_backwards_versions_and_missing_entries(repo):
    lib = repo / "library"
    edit(lib / "library.yaml", "title: Exit}", "title: Exit and Transition}")
    assert "library.yaml changed" in only(lib, "library-version", base="v1.2.0").message
    edit(lib / "library.yaml", "version: 1.2.0", "version: 1.1.0")
    assert "went backwards" in only(lib, "library-version", base="v1.2.0").message
    edit(lib / "library.yaml", "version: 1.1.0", "version: 1.3.0")
    (lib / "CHANGELOG.md").write_text("## 1.2.1\n\n- typo\n")
    assert "no heading for the new library version 1.3.0" in only(lib, "changelog", base="v1.2.0").message
    (lib / "CHANGELOG.md").write_text("## 1.3.0\n\n- Exit article renamed.\n")
    assert errors(lib, base="v1.2.0") == []


def test_bumped_clause_with_the_old_changelog_line_is_a_warning(repo):
    lib = repo / "library"
    edit(lib / "clauses/exit/cure.md", "Either Party may terminate", "Each Party may terminate")
    edit(lib / "clauses/exit/cure.md", "version: 1.1.0", "version: 1.2.0")
    warnings = [p for p in lint(lib, base="v1.2.0") if p.severity == "warning" and p.code == "changelog"]
    assert warnings and warnings[0].line == 7 and "still says what 1.1.0 changed" in warnings[0].message


def test_github_annotations_escape_properties():
    from termsmith.errors import Problem
    from termsmith.report import lint_findings

    line = lint_findings([Problem(file="lib,v2/a:b.md", line=3, path="x.y", message="50% off\nnext",
                                  code="html")], "github")[0]
    assert line == "::error file=lib%2Cv2/a%3Ab.md,line=3,title=termsmith lint html::x.y: 50%25 off%0Anext"


def test_findings_of_a_library_read_from_git_have_the_lines_of_its_files(repo):
    """Lines come from parsing the files (as git holds them), never from reading a file on disk again."""
    from termsmith.library.opening import open_library
    from termsmith.lint import lint_library

    lib = repo / "library"
    edit(lib / "clauses/exit/convenience.md", "when: exit.termination_for_convenience.allowed",
         "when: exit.termination_for_convenience.alowed")
    edit(lib / "clauses/exit/convenience.md", "order: 20", "order: 20\ndefines:\n  Exit Notice: a notice under {{ exit.nope }}")
    git(repo, "commit", "-qam", "a faulty clause")
    edit(lib / "clauses/exit/convenience.md", "---\n", "---\n# moved\n# down\n")  # the folder no longer matches HEAD
    findings = [p for p in lint_library(open_library(lib, "HEAD")) if p.code == "unknown-field"]
    assert sorted(p.line for p in findings) == [8, 9]  # the definition's line, then `when`, as committed


def test_a_model_method_in_clause_text_is_a_lint_error(lib):
    edit(lib / "clauses/exit/convenience.md", "notice_days | days", "model_dump() | days")
    assert "'model_dump' is not a field" in only(lib, "unknown-field").message


def test_every_lint_module_is_under_400_lines():
    for module in (ROOT / "termsmith" / "lint").glob("*.py"):
        assert len(module.read_text(encoding="utf-8").splitlines()) < 400, module.name


@pytest.mark.parametrize("printed, what", [
    ('{{ party("acme") }}', "a record (Party)"),
    ("{{ parties }}", "a list"),
    ("{{ budget.cost_sharing }}", "a mapping"),
])
def test_printing_a_record_list_or_mapping_is_a_lint_error(lib, printed, what):
    edit(lib / "clauses/exit/convenience.md", "notice, subject", f"notice {printed}, subject")
    p = only(lib, "prints-record")
    assert what in p.message and p.line == 10 and p.file.endswith("convenience.md")


@pytest.mark.parametrize("old, new, code", [
    ("notice, subject", "notice {{ ''.__class__.__mro__ }}, subject", "unsafe-attribute"),
    ("notice, subject", "notice {{ parties[0]['__dict__'] }}, subject", "unsafe-attribute"),
    ("when: exit.termination_for_convenience.allowed", "when: \"''.__class__\"", "unsafe-attribute"),
    ("notice, subject", "notice {% include '/etc/passwd' %}, subject", "include"),
    ("notice, subject", "notice {% import 'cure.md' as c %}, subject", "include"),
    ("notice, subject", "notice {% from 'cure.md' import x %}, subject", "include"),
])
def test_what_the_renderer_refuses_in_every_draft_is_a_lint_error(lib, old, new, code):
    """Lint passed these (0 errors), then every draft failed ('not allowed in the sandbox', 'no loader for this
    environment'); the condition `''.__class__` made lint itself end with exit 3 (SecurityError)."""
    edit(lib / "clauses/exit/convenience.md", old, new)
    p = only(lib, code)
    assert p.file.endswith("convenience.md") and p.line in (7, 10)


def test_control_characters_are_located_library_errors(lib):
    """An ESC in a clause's front matter ended every command reading the library with exit 3 (yaml ReaderError,
    raised outside the parse's try); in library.yaml it was two lines ('\\n  in "<unicode string>", position 51');
    in clause text lint passed it and every draft then refused it."""
    import os

    edit(lib / "clauses/exit/convenience.md", "title: Termination for convenience", "title: \"Termination\x1b[31m\"")
    p = only(lib, "front-matter")
    assert p.line == 4 and p.message == "front matter: the control character U+001B is not allowed"
    done = subprocess.run([sys.executable, "-m", "termsmith", "clauses", "list", "--library", str(lib)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1 and done.stderr.splitlines()[0].endswith(
        "convenience.md:4: front matter: the control character U+001B is not allowed"), done.stderr
    edit(lib / "clauses/exit/convenience.md", "title: \"Termination\x1b[31m\"", "title: Termination for convenience")
    edit(lib / "clauses/exit/convenience.md", "notice, subject", "notice,\x07 subject")
    p = only(lib, "control-character")
    assert p.line == 10 and "U+0007" in p.message
    edit(lib / "clauses/exit/convenience.md", "notice,\x07 subject", "notice, subject")
    edit(lib / "library.yaml", "owner: Test Counsel", "owner: Test \x1b Counsel")
    p = only(lib, "front-matter")
    assert p.file.endswith("library.yaml") and p.line == 3 and p.message == "the control character U+001B is not allowed"
