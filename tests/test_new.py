"""Starting a deal: `termsmith new` (on a real terminal and without one), `termsmith schema -o`, and the schema
line every example deal starts with."""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml

from termsmith import api
from termsmith.scaffold import KINDS, schema_line_of, schema_text

from .conftest import CANONICAL, EXAMPLES, ROOT, SHARED

SCHEMA_FILE = EXAMPLES / "deal.schema.json"


class _EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it (YAML 1.2 core schema): a date is a string."""


_EditorLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def as_editor_reads(text: str):
    return yaml.load(text, Loader=_EditorLoader)  # noqa: S506 - a SafeLoader


def run(*args, cwd: Path, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TERMSMITH_LIBRARY", None)
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, env=env, stdin=stdin, timeout=120)


@pytest.mark.parametrize("kind", list(KINDS))
def test_without_a_terminal_new_writes_a_commented_skeleton_that_checks_and_drafts(kind, tmp_path):
    done = run("new", "deal.yaml", "--kind", kind, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "deal.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=deal.schema.json"
    assert f"kind: {kind}" in text and "# budget:" in text and "# slas:" in text
    assert json.loads((tmp_path / "deal.schema.json").read_text()) == json.loads(schema_text())
    jsonschema.validate(as_editor_reads(text), json.loads(schema_text()))  # what an editor checks as you type
    check = run("check", "deal.yaml", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    draft = run("draft", "deal.yaml", "-o", "out", "--format", "md", cwd=tmp_path)
    assert draft.returncode == 0, draft.stderr


def test_the_placeholders_of_a_new_deal_are_warned_of_until_replaced(tmp_path):
    """The skeleton's placeholders validate (a draft to look at comes at once), but a contract naming "Name of
    signatory" must not go out unnoticed: check warns at each one's line, and the draft carries a note for the
    reviewer, until each is the deal's own."""
    assert run("new", "deal.yaml", "--defaults", cwd=tmp_path).returncode == 0
    lines = (tmp_path / "deal.yaml").read_text(encoding="utf-8").splitlines()
    done = run("check", "deal.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if "is a placeholder (written by termsmith new)" in line]
    assert len(warned) == 10, done.stderr
    line = next(n for n, text in enumerate(lines, 1) if "address: Registered office address" in text)
    assert (f"deal.yaml:{line}: warning: parties[0].address: “Registered office address” is a placeholder (written "
            "by termsmith new): give the deal's real value before the draft goes out") in warned
    assert run("draft", "deal.yaml", "-o", "out", "--format", "md", cwd=tmp_path).returncode == 0
    notes = (tmp_path / "out" / "deal.md").read_text(encoding="utf-8")
    assert "check:** “Name of signatory” is a placeholder (written by termsmith new)" in notes
    text = "\n".join(lines)
    for placeholder, own in (("First Party Ltd", "Acme Ltd"), ("Second Party Ltd", "Globex Ltd"),
                             ("Registered office address", "1 King Street, London"), ("Name of signatory", "Jane Doe"),
                             ("Name of the alliance manager", "Sam Lee"), ("as one sentence", "the integration work")):
        text = text.replace(placeholder, own)
    (tmp_path / "deal.yaml").write_text(text, encoding="utf-8")
    done = run("check", "deal.yaml", cwd=tmp_path)
    assert done.returncode == 0 and "placeholder" not in done.stderr, done.stderr


def test_new_never_overwrites_without_force(tmp_path):
    (tmp_path / "deal.yaml").write_text("mine\n")
    done = run("new", "deal.yaml", "--defaults", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == "deal.yaml: already exists; choose another name, or --force to replace it"
    assert (tmp_path / "deal.yaml").read_text() == "mine\n" and not (tmp_path / "deal.schema.json").exists()
    assert run("new", "deal.yaml", "--defaults", "--force", cwd=tmp_path).returncode == 0
    assert (tmp_path / "deal.yaml").read_text().startswith("# yaml-language-server: $schema=")


def test_new_points_at_a_given_schema_relative_to_the_deal(tmp_path):
    (tmp_path / "deals").mkdir()
    assert run("schema", "-o", "schema/deal.json", cwd=tmp_path).returncode == 0
    done = run("new", "deals/a.yaml", "--schema", "schema/deal.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert schema_line_of((tmp_path / "deals/a.yaml").read_text()) == "../schema/deal.json"
    assert not (tmp_path / "deals/deal.schema.json").exists()


def _on_a_terminal(tmp_path: Path, answers: dict) -> tuple[list[str], str]:
    """`termsmith new deal.yaml --kind reseller` on a real pseudo-terminal, each question whose text contains a
    key of `answers` answered with its value (a list: the values in turn, when it is asked again), the others
    with Enter; the prompts seen, and everything the terminal showed."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "termsmith", "new", "deal.yaml", "--kind", "reseller"], cwd=tmp_path,
                            stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    shown = b""
    pending = {k: (v if isinstance(v, list) else [v]) for k, v in answers.items()}
    seen, buffer = [], b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        assert ready, buffer.decode(errors="replace")[-2000:]
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        buffer += chunk
        tail = buffer.decode("utf-8", "replace").rsplit("\n", 1)[-1]
        if tail.rstrip().endswith(":"):
            key = next((k for k in pending if k in tail), None)
            value = pending[key].pop(0) if key and pending[key] else ""
            if key and not pending[key]:
                del pending[key]
            seen.append(tail.strip())
            os.write(master, value.encode() + b"\r")
            shown += buffer
            buffer = b""
    assert proc.wait(timeout=60) == 0
    os.close(master)
    assert not pending, pending
    return seen, (shown + buffer).decode("utf-8", "replace")


def test_on_a_terminal_new_asks_the_questions_with_defaults(tmp_path):
    """A real pseudo-terminal: the answers are typed, Enter keeps a default, a wrong answer is asked again."""
    answers = {
        "Deal id": "northwind-2028", "Kind of partnership": "", "Title of the agreement": "",
        "Effective date": ["1 March 2028", "2028-03-01"], "Governing law": "", "Language": "",
        "Purpose": "Resell the Northwind platform in the Nordics.",
        "First party: full legal name": "Northwind Software AB", "First party: short name": "Northwind",
        "Second party: full legal name": "Fjord Resellers AS", "Second party: short name": "Fjord",
        "Initial term": "36", "Renewal": "by_agreement", "Disputes are finally decided by": "arbitration",
        "venue, or seat": "Stockholm", "without cause?": "yes", "Notice for termination": "120",
    }
    seen, _ = _on_a_terminal(tmp_path, answers)
    data = yaml.safe_load((tmp_path / "deal.yaml").read_text(encoding="utf-8"))
    assert data["deal"]["id"] == "northwind-2028" and data["deal"]["kind"] == "reseller"
    assert data["deal"]["title"] == "Reseller Agreement" and str(data["deal"]["effective_date"]) == "2028-03-01"
    assert [p["name"] for p in data["parties"]] == ["Northwind Software AB", "Fjord Resellers AS"]
    assert [p["id"] for p in data["parties"]] == ["northwind", "fjord"]
    assert data["term"] == {"initial_months": 36, "renewal": "by_agreement"}
    assert data["conflict_resolution"]["arbitration"]["seat"] == "Stockholm"
    assert data["exit"]["termination_for_convenience"] == {"allowed": True, "notice_days": 120}
    assert any("Effective date" in s for s in seen)
    assert run("check", "deal.yaml", cwd=tmp_path).returncode == 0


def test_on_a_terminal_new_asks_again_what_check_would_refuse(tmp_path):
    """Each answer passed its own check, but `check` then refused the deal they made (a term of 0 months, a
    language the library has no words for): now the question is asked again, with the reason, before the file
    is written, and the deal written checks."""
    answers = {"Deal id": "northwind-2028", "Initial term": ["0", "24"], "Language": ["de-DE", "en-GB"]}
    seen, shown = _on_a_terminal(tmp_path, answers)
    assert sum("Initial term" in s for s in seen) == 2 and sum("Language" in s for s in seen) == 2
    assert "must be more than 0" in shown and "de-DE" in shown.split("Language")[-2]
    data = yaml.safe_load((tmp_path / "deal.yaml").read_text(encoding="utf-8"))
    assert data["term"]["initial_months"] == 24 and data["deal"]["language"] == "en-GB"
    assert run("check", "deal.yaml", cwd=tmp_path).returncode == 0


def test_schema_o_writes_the_schema_the_examples_point_at(tmp_path):
    done = run("schema", "-o", tmp_path / "s.json", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == f"wrote {tmp_path / 's.json'}"
    assert (tmp_path / "s.json").read_text() == schema_text() == run("schema", cwd=tmp_path).stdout
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "examples/deal.schema.json is out of date: run `termsmith schema -o examples/deal.schema.json`")


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_starts_with_the_schema_line_and_meets_the_schema(example):
    text = example.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=deal.schema.json"
    assert (example.parent / schema_line_of(text)).resolve() == SCHEMA_FILE
    jsonschema.validate(as_editor_reads(text), json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_the_shared_canonical_deal_drafts_as_the_example_does(tmp_path):
    """The canonical deal as shared (without the schema line) drafts exactly as examples/ does, the line aside."""
    shared = SHARED / "design" / "deal.example.yaml"
    source = shared if shared.is_file() else None
    example = CANONICAL.read_text(encoding="utf-8")
    if source is None:  # a plain clone: the same file is the example without its first line
        source = tmp_path / "deal.example.yaml"
        source.write_text(example.split("\n", 1)[1], encoding="utf-8")
    assert example.split("\n", 1)[1] == source.read_text(encoding="utf-8")
    ours = api.draft(CANONICAL, tmp_path / "example")
    theirs = api.draft(source, tmp_path / "shared")
    assert [p.name for p in ours.written] == [p.name for p in theirs.written]
    md = [p for p in ours.written if p.suffix == ".md"][0].name
    assert (tmp_path / "example" / md).read_bytes() == (tmp_path / "shared" / md).read_bytes()
    docx = [p for p in ours.written if p.suffix == ".docx"][0].name
    body = [zipfile.ZipFile(io.BytesIO((tmp_path / side / docx).read_bytes())).read("word/document.xml")
            for side in ("example", "shared")]
    assert body[0] == body[1]


def test_a_short_name_yaml_reads_as_another_type_keeps_its_party_id_text(tmp_path):
    """Short names such as ON (ON Semiconductor), Yes, Null or 2024 give party ids YAML would read as true,
    null or a number: the file quotes them, so the deal `new` writes still checks."""
    from termsmith import scaffold

    for kind in KINDS:
        deal = tmp_path / f"{kind}.yaml"
        answers = {**scaffold.defaults(deal, kind), "a.short_name": "ON", "b.short_name": "2024"}
        deal.write_text(scaffold.deal_text(answers, "deal.schema.json", deal.name), encoding="utf-8")
        assert [p.id for p in api.check(deal).deal.parties] == ["on", "2024"], kind
    terminal_answers = {**scaffold.defaults(tmp_path / "n.yaml", "technology"), "a.short_name": "Yes",
                        "b.short_name": "null"}
    (tmp_path / "n.yaml").write_text(scaffold.deal_text(terminal_answers, "deal.schema.json"), encoding="utf-8")
    done = run("check", "n.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("key, answer", [("initial_months", "²"), ("notice_days", "³"),
                                         ("effective_date", "20270101"), ("effective_date", "2027-W01-1")])
def test_an_answer_the_deal_file_cannot_hold_is_asked_again(key, answer):
    """'²' is a digit to str.isdigit but not to int() (new ended with exit 3); 20270101 and 2027-W01-1 are dates
    to Python 3.11 but not to the deal file (new wrote a deal that failed its check)."""
    from termsmith import scaffold

    question = next(q for q in scaffold.questions(scaffold.defaults(Path("d.yaml"), "technology")) if q.key == key)
    assert scaffold.check_answer(question, answer)
    assert scaffold.check_answer(question, "2027-01-01" if key == "effective_date" else "36") is None


def test_a_library_term_answer_is_checked_against_its_type_and_kept_on_one_line(tmp_path):
    """Answers for the library's deal terms were never checked (only choices): a days term answered 'abc' or
    '5, extra: 1' gave a deal file that failed check or was not YAML, and an MCP client's answer
    '30\\noverrides: ...' wrote keys of its own into the deal."""
    from termsmith import scaffold

    declared = api.open_library(None, None).manifest.terms
    days = next(q for q in scaffold.term_questions(declared) if q.declared.type == "days")
    for bad in ("abc", "5, extra: 1", "-5", "12.5", "[1, 2]", "30\noverrides:\n  exit.x: {text: Injected}"):
        assert scaffold.check_answer(days, bad), bad
    assert scaffold.check_answer(days, "45") is None
    answers = {**scaffold.defaults(tmp_path / "d.yaml", "technology"), days.key: "45"}
    (tmp_path / "d.yaml").write_text(scaffold.deal_text(answers, "deal.schema.json", "d.yaml", declared), encoding="utf-8")
    api.check(tmp_path / "d.yaml")  # raises on any problem
    assert f"  {days.key.removeprefix('terms.')}: 45   #" in (tmp_path / "d.yaml").read_text(encoding="utf-8")
    name = next(q for q in scaffold.questions(scaffold.defaults(Path("d.yaml"), "technology")) if q.key == "a.name")
    assert scaffold.check_answer(name, "North\nSouth")


@pytest.mark.parametrize(("path", "key"), [
    ("parties[1].short_name", "b.short_name"), ("parties[0].signatory.title", "a.signatory_title"),
    ("parties[0].signatory.name", "a.signatory"), ("conflict_resolution.arbitration.seat", "forum"),
    ("exit.termination_for_convenience.notice_days", "notice_days"), ("terms.escrow_agent", "terms.escrow_agent"),
    ("deal.language", "language"), ("parties[2].name", None), ("options.liability_cap", None), (None, None)])
def test_a_problem_in_the_new_deal_names_the_question_that_set_the_field(path, key):
    from termsmith.scaffold import answered_by

    assert answered_by(path) == key


def test_the_deal_of_two_alike_short_names_is_refused_at_both(tmp_path):
    """What `new` asks again when the short names look the same: both parties' short names."""
    from termsmith.scaffold import answered_by, deal_problems, defaults

    answers = {**defaults(tmp_path / "d.yaml", "technology"), "a.short_name": "Acme", "b.short_name": "ACME"}
    assert [answered_by(p.path) for p in deal_problems(answers, (), None, None)] == ["a.short_name", "b.short_name"]


@pytest.mark.parametrize("args, message", [
    ([".yaml"], ".yaml: give the deal file a name before .yaml"),
    (["deal.txt"], "deal.txt: a new deal file is YAML: name it .yaml"),
    (["deal.yaml", "--schema", "http://example.com/my schema.json"], "--schema: 'http://example.com/my schema.json' "
                                                                     "holds a space or a line break"),
    (["deal.yaml", "--schema", "my schemas/deal.schema.json"], "--schema: 'my schemas/deal.schema.json' holds a space"),
])
def test_a_new_deal_that_cannot_be_written_as_asked_is_refused_before_anything_is_written(args, message, tmp_path):
    """A schema line with a space points an editor at the part before it (`schema_line_of` could not read it back
    either); `new .yaml` was told to "name it .yaml"."""
    done = run("new", *args, cwd=tmp_path)
    assert done.returncode == 1 and done.stderr.startswith(message), done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["a" * 300 + ".yaml"], "a" * 300 + ".yaml: cannot write: File name too long"),
    (["line\nbreak.yaml"], "line\\nbreak.yaml: the name holds a line break or another control character: choose a "
                           "name without one"),
    (["deal.yaml", "--schema", ""], "--schema: is empty: give the schema's file or URL"),
    (["deal.yaml", "--schema", "folder"], "--schema: 'folder' is a folder: give the schema's file, e.g. "
                                          "folder/deal.schema.json"),
    (["deal.yaml", "--schema", "deal.yaml"], "--schema: 'deal.yaml' is the new deal file itself: give the "
                                             "schema's file, e.g. deal.schema.json"),
])
def test_new_refuses_a_name_or_schema_it_cannot_use_with_one_line(tmp_path, args, message):
    """A name too long for the file system ended in an internal error (exit 3); a name with a line break wrote a
    file whose opening comment the break ended, so `check` then failed on a YAML syntax error; an empty --schema
    wrote `$schema=.`, a folder or the deal itself as the schema an editor cannot read."""
    (tmp_path / "folder").mkdir()
    done = run("new", "--defaults", *args, cwd=tmp_path)
    assert (done.returncode, done.stderr.strip()) == (1, message)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]
