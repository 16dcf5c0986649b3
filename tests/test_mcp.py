"""`termsmith mcp` spoken to with the official SDK's client over stdio, and `--format json` checked against
schemas: an assistant reads structured results, never terminal text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import anyio
import jsonschema
import pytest

from .conftest import CANONICAL, ROOT

mcp_client = pytest.importorskip("mcp.client.stdio")
from mcp.client.session import ClientSession  # noqa: E402


@pytest.fixture
def root(tmp_path):
    shutil.copy(CANONICAL, tmp_path / "deal.yaml")
    (tmp_path / "bad.yaml").write_text(CANONICAL.read_text(encoding="utf-8").replace("initial_months: 24",
                                                                                  "initial_months: -3"),
                                       encoding="utf-8")
    return tmp_path


def _env() -> dict[str, str]:
    # the checkout first, as the tests run it (an installed termsmith would do the same)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def session_run(root: Path, steps, *options: str):
    """Start `termsmith mcp --root ROOT [OPTIONS]`, initialise a session and run `steps(session)`; its result."""
    params = mcp_client.StdioServerParameters(command=sys.executable, args=["-m", "termsmith", "mcp", "--root", str(root),
                                                                            *options],
                                              env=_env(), cwd=str(root))

    async def main():
        with open(os.devnull, "w") as errlog:
            async with mcp_client.stdio_client(params, errlog=errlog) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    return await steps(session)

    return anyio.run(main)


def test_an_assistant_lists_tools_checks_drafts_and_reads_clauses(root):
    async def steps(session):
        tools = {t.name: t for t in (await session.list_tools()).tools}
        good = await session.call_tool("check", {"deal": "deal.yaml"})
        bad = await session.call_tool("check", {"deal": "bad.yaml"})
        outside = await session.call_tool("check", {"deal": "../deal.yaml"})
        drafted = await session.call_tool("draft", {"deal": "deal.yaml", "out_dir": "out"})
        explained = await session.call_tool("explain", {"deal": "deal.yaml"})
        clauses = await session.call_tool("clauses_list", {})
        resource = await session.read_resource("termsmith://clauses/termination.convenience")
        schema = await session.read_resource("termsmith://schema/deal")
        return tools, good, bad, outside, drafted, explained, clauses, resource, schema

    tools, good, bad, outside, drafted, explained, clauses, resource, schema = session_run(root, steps)
    assert {"schema", "check", "explain", "draft", "redline", "absorb", "impact", "dates", "clauses_list",
            "clause_show", "new_deal", "lint"} <= set(tools)
    assert tools["check"].input_schema["properties"]["deal"]["type"] == "string"  # a JSON Schema for every input
    assert not good.is_error and good.structured_content["ok"] and good.structured_content["id"] == "acme-globex-2027"
    assert bad.is_error
    problem = json.loads(bad.content[0].text.split(":", 1)[1])["problems"][0]
    assert problem["path"] == "term.initial_months" and problem["line"] and problem["file"].endswith("bad.yaml")
    assert outside.is_error and "outside the server's root" in outside.content[0].text
    written = drafted.structured_content["written"]
    assert sorted(written) == ["out/acme-globex-2027.docx", "out/acme-globex-2027.manifest.json",
                               "out/acme-globex-2027.md"]
    assert all((root / path).is_file() for path in written)
    assert any(c["id"] == "termination.convenience" and c["included"] for c in explained.structured_content["clauses"])
    assert "id: termination.convenience" in resource.contents[0].text
    assert json.loads(schema.contents[0].text)["title"]
    assert clauses.structured_content or clauses.content


def test_a_link_leaving_the_root_is_refused_and_the_session_goes_on(root, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    shutil.copy(CANONICAL, outside / "secret.yaml")
    (root / "link.yaml").symlink_to(outside / "secret.yaml")

    async def steps(session):
        refused = await session.call_tool("check", {"deal": "link.yaml"})
        written = await session.call_tool("draft", {"deal": "deal.yaml", "out_dir": str(outside / "out")})
        after = await session.call_tool("check", {"deal": "deal.yaml"})
        return refused, written, after

    refused, written, after = session_run(root, steps)
    assert refused.is_error and "outside the server's root" in refused.content[0].text
    assert written.is_error and not (outside / "out").exists()
    assert not after.is_error


def test_new_deal_interviews_until_the_deal_is_complete(root):
    async def steps(session):
        first = await session.call_tool("new_deal", {"answers": {}})
        wrong = await session.call_tool("new_deal", {"answers": {"effective_date": "next week"}})
        answers = {q["key"]: q["default"] for q in first.structured_content["open"]}
        answers.update({"id": "north-south-2027", "a.name": "North Ltd", "b.name": "South GmbH"})
        done = await session.call_tool("new_deal", {"answers": answers, "deal": "north.yaml"})
        checked = await session.call_tool("check", {"deal": "north.yaml"})
        return first, wrong, done, checked

    first, wrong, done, checked = session_run(root, steps)
    keys = [q["key"] for q in first.structured_content["open"]]
    assert keys[:2] == ["id", "kind"] and "governing_law" in keys
    assert wrong.structured_content["invalid"][0]["key"] == "effective_date"
    assert done.structured_content["open"] == [] and done.structured_content["written"] == "north.yaml"
    assert (root / "north.yaml").is_file()
    assert checked.structured_content is not None


def test_new_deal_asks_again_for_answers_the_deal_check_refuses(root):
    """Each answer passed its own check, but `check` refused the deal they made: a term of 0 months, a
    language the library has no words for. Now those answers are invalid and asked again; once put right the
    deal is written and checks."""
    async def steps(session):
        first = await session.call_tool("new_deal", {"answers": {}})
        answers = {q["key"]: q["default"] for q in first.structured_content["open"]}
        answers.update({"initial_months": "0", "language": "de-DE"})
        refused = await session.call_tool("new_deal", {"answers": answers, "deal": "wrong.yaml"})
        answers["initial_months"] = "24"
        still = await session.call_tool("new_deal", {"answers": answers, "deal": "wrong.yaml"})
        answers["language"] = "en-GB"
        done = await session.call_tool("new_deal", {"answers": answers, "deal": "right.yaml"})
        checked = await session.call_tool("check", {"deal": "right.yaml"})
        return refused, still, done, checked

    refused, still, done, checked = session_run(root, steps)
    assert [i["key"] for i in refused.structured_content["invalid"]] == ["initial_months"]
    assert "initial_months" in [q["key"] for q in refused.structured_content["open"]]
    assert "deal_text" not in refused.structured_content and not (root / "wrong.yaml").exists()
    assert [i["key"] for i in still.structured_content["invalid"]] == ["language"]
    assert "de-DE" in still.structured_content["invalid"][0]["message"]
    assert done.structured_content["invalid"] == [] and done.structured_content["written"] == "right.yaml"
    assert not checked.is_error and checked.structured_content["ok"]


def test_every_result_and_failure_names_files_relative_to_the_root(root):
    """draft and redline gave the files they wrote relative to the root, but check's problems, absorb's
    `would_write` and redline's summary lines gave absolute paths, as did a failure's problems."""
    async def steps(session):
        results = [await session.call_tool("check", {"deal": "deal.yaml"}),
                   await session.call_tool("check", {"deal": "bad.yaml"}),
                   await session.call_tool("draft", {"deal": "deal.yaml", "out_dir": "out"})]
        results += [await session.call_tool("absorb", {"reviewed": "out/acme-globex-2027.docx", "deal": "deal.yaml"}),
                    await session.call_tool("redline", {"old": "out/acme-globex-2027.docx",
                                                        "new": "out/acme-globex-2027.docx", "out": "r.docx"})]
        return results

    checked, bad, drafted, absorbed, redlined = session_run(root, steps)
    texts = [r.content[0].text if r.is_error else json.dumps(r.structured_content)
             for r in (checked, bad, drafted, absorbed, redlined)]
    assert bad.is_error and not any(r.is_error for r in (checked, drafted, absorbed, redlined))
    assert not [t for t in texts if str(root) in t]
    assert {p["file"] for p in checked.structured_content["problems"]} == {"deal.yaml"}
    assert '"file": "bad.yaml"' in texts[1]
    assert drafted.structured_content["written"][0] == "out/acme-globex-2027.docx"
    assert absorbed.structured_content["would_write"] == ["deal.review.md"]
    assert redlined.structured_content["summary"][-2:] == ["wrote r.docx", "wrote r.md"]


# ── --format json, one schema per command ────────────────────────────────────────────────────
PROBLEM = {"type": "object", "required": ["file", "line", "path", "message", "severity"],
           "properties": {"file": {"type": ["string", "null"]}, "line": {"type": ["integer", "null"]},
                          "path": {"type": ["string", "null"]}, "message": {"type": "string"},
                          "severity": {"enum": ["error", "warning", "note"]}}}
SCHEMAS = {
    "check": {"type": "object", "required": ["ok", "id", "parties", "problems"],
              "properties": {"ok": {"const": True}, "problems": {"type": "array", "items": PROBLEM}}},
    "failure": {"type": "object", "required": ["ok", "problems"],
                "properties": {"ok": {"const": False}, "problems": {"type": "array", "items": PROBLEM, "minItems": 1}}},
    "explain": {"type": "object", "required": ["deal", "library", "clauses"],
                "properties": {"clauses": {"type": "array", "minItems": 10, "items": {
                    "type": "object", "required": ["id", "version", "included", "condition", "fields"]}}}},
    "draft": {"type": "object", "required": ["ok", "id", "written", "clauses", "library"],
              "properties": {"written": {"type": "array", "minItems": 3}}},
    "lint": {"type": "object", "required": ["ok", "findings"],
             "properties": {"findings": {"type": "array", "items": PROBLEM}}},
    "dates": {"type": "object", "required": ["deals"], "properties": {"deals": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["deal_id", "events"]}}}},
}


def run_json(*args, cwd) -> tuple[int, object]:
    done = subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=_env())
    return done.returncode, json.loads(done.stdout)


@pytest.mark.parametrize("command, args, schema, code", [
    ("check", ["deal.yaml"], "check", 0),
    ("check", ["bad.yaml"], "failure", 1),
    ("explain", ["deal.yaml"], "explain", 0),
    ("draft", ["deal.yaml", "-o", "out"], "draft", 0),
    ("lint", [], "lint", 0),
    ("dates", ["deal.yaml"], "dates", 0),
])
def test_json_output_follows_its_schema(root, command, args, schema, code):
    returncode, data = run_json(command, *args, "--format", "json", cwd=root)
    assert returncode == code
    jsonschema.validate(data, SCHEMAS[schema])


def test_absorb_is_a_dry_run_unless_applied(root):
    async def draft_first(session):
        return await session.call_tool("draft", {"deal": "deal.yaml", "out_dir": "out"})

    session_run(root, draft_first)
    from .reviewed import python_docx_edit

    python_docx_edit(root / "out" / "acme-globex-2027.docx", root / "out" / "reviewed.docx",
                     {"at least 180 days": "at least 150 days"})
    before = (root / "deal.yaml").read_bytes()

    async def steps(session):
        dry = await session.call_tool("absorb", {"reviewed": "out/reviewed.docx", "deal": "deal.yaml"})
        return dry

    dry = session_run(root, steps)
    assert not dry.is_error, dry.content[0].text
    assert dry.structured_content["written"] == [] and (root / "deal.yaml").read_bytes() == before
    assert dry.structured_content["review"]


def test_outdated_json_follows_its_schema(root):
    done = subprocess.run([sys.executable, "-m", "termsmith", "lock", "deal.yaml"], capture_output=True, text=True,
                          cwd=root, env=_env())
    assert done.returncode == 0, done.stderr
    returncode, data = run_json("outdated", "deal.yaml", "--format", "json", cwd=root)
    assert returncode == 0
    jsonschema.validate(data, {"type": "object", "required": ["locked", "library", "changes"],
                               "properties": {"locked": {"type": "object", "required": ["library", "version"]},
                                              "changes": {"type": "array"}}})


def test_paths_no_file_system_can_hold_and_an_unknown_kind_are_tool_errors_and_the_session_goes_on(root):
    """A NUL byte, a name too long, a loop of links, a NUL byte in a revision and an unknown kind: each a tool
    error naming the argument (they were crashes the SDK reported as a bare "Error executing tool")."""
    (root / "loop1").symlink_to(root / "loop2")
    (root / "loop2").symlink_to(root / "loop1")

    async def steps(session):
        calls = [("check", {"deal": "a\0b.yaml"}), ("check", {"deal": "a" * 5000}), ("check", {"deal": "loop1"}),
                 ("draft", {"deal": "deal.yaml", "out_dir": "b" * 300}), ("explain", {"deal": "deal.yaml", "library": "loop1"}),
                 ("check", {"deal": "deal.yaml", "library_rev": "v1\0"}), ("new_deal", {"answers": {}, "kind": "nosuch"})]
        results = [await session.call_tool(name, args) for name, args in calls]
        return results, await session.call_tool("check", {"deal": "deal.yaml"})

    results, after = session_run(root, steps)
    for result, path in zip(results, ["deal", "deal", "deal", None, "library", None, "kind"]):
        assert result.is_error
        problem = json.loads(result.content[0].text.split(":", 1)[1])["problems"][0]
        assert path is None or problem["path"] == path, problem
    assert "usable path" in results[0].content[0].text and "output folder" in results[3].content[0].text
    assert not after.is_error


def test_check_json_carries_every_warning_and_note_with_its_severity(root):
    """The text `check` prints five `warning:` lines and a note for the canonical deal; its JSON (and the MCP
    tool) carried only the note, as severity "error" on a deal that is ok."""
    text = subprocess.run([sys.executable, "-m", "termsmith", "check", "deal.yaml"], capture_output=True, text=True,
                          cwd=root, env=_env())
    warned = [line.split(": warning: ", 1)[1].split(":", 1)[0] for line in text.stderr.splitlines() if ": warning: " in line]
    returncode, data = run_json("check", "deal.yaml", "--format", "json", cwd=root)
    assert returncode == 0 and warned
    jsonschema.validate(data, SCHEMAS["check"])
    assert [p["path"] for p in data["problems"] if p["severity"] == "warning"] == warned
    assert [p["path"] for p in data["problems"] if p["severity"] == "note"] == ["deal.kind"]
    assert not any(p["severity"] == "error" for p in data["problems"])


def test_parallel_calls_take_turns_and_an_unknown_clause_resource_is_invalid_params(root):
    """An assistant's parallel draft calls ran at once in the SDK's worker threads: one removed the other's
    temporary files as a crashed run's leftovers ("cannot write: No such file or directory"). An unknown clause
    resource was an internal error (-32603, "Error creating resource from template")."""
    from mcp.shared.exceptions import MCPError

    async def steps(session):
        results = [None] * 6

        async def one(i):
            results[i] = await session.call_tool("draft", {"deal": "deal.yaml", "out_dir": "out"})

        async with anyio.create_task_group() as group:
            for i in range(6):
                group.start_soon(one, i)
        try:
            await session.read_resource("termsmith://clauses/no.such-clause")
        except MCPError as exc:
            unknown = exc
        else:
            unknown = None
        return results, unknown

    results, unknown = session_run(root, steps)
    assert [r.is_error for r in results] == [False] * 6, [r.content[0].text for r in results if r.is_error]
    assert sorted(p.name for p in (root / "out").iterdir()) == ["acme-globex-2027.docx", "acme-globex-2027.manifest.json",
                                                                 "acme-globex-2027.md"]
    assert unknown is not None and unknown.error.code == -32602 and "no clause 'no.such-clause'" in unknown.error.message


def test_new_deal_asks_for_the_terms_of_the_servers_library(root):
    """`mcp --library DIR` served new_deal the questions of the library found from the root (here the bundled
    one), not of DIR: a term DIR declares without a default was never asked, and DIR's deals then failed check."""
    from .conftest import MINI

    lib = root / "lib"
    shutil.copytree(MINI, lib)
    with open(lib / "library.yaml", "a", encoding="utf-8") as fh:
        fh.write("terms:\n  escrow_agent:\n    type: text\n    description: The escrow agent\n")

    async def steps(session):
        return await session.call_tool("new_deal", {"answers": {}})

    first = session_run(root, steps, "--library", str(lib))
    assert not first.is_error, first.content[0].text
    assert "terms.escrow_agent" in [q["key"] for q in first.structured_content["open"]]


def test_a_line_that_is_no_json_rpc_message_gets_the_error_json_rpc_prescribes(root):
    """The SDK's stdio transport dropped such a line without a word, so a client waiting for the answer to a
    malformed request waited for ever. Now: -32700 for text that is not JSON, -32600 for JSON that is no
    message (with the request's id when it has one), and the session goes on."""
    server = subprocess.Popen([sys.executable, "-m", "termsmith", "mcp", "--root", str(root)], env=_env(), cwd=str(root),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}
    lines = [json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello}),
             json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
             "this is not JSON {", json.dumps({"jsonrpc": "2.0", "id": 7}), json.dumps([1, 2]),
             json.dumps({"jsonrpc": "2.0", "id": 9, "method": "tools/list"})]
    try:
        server.stdin.write("\n".join(lines) + "\n")
        server.stdin.flush()
        answers = []
        while not answers or answers[-1].get("id") != 9:  # the last request's answer ends the exchange
            line = server.stdout.readline()
            assert line, f"the server stopped after {answers}"
            answers.append(json.loads(line))
    finally:
        server.kill()
        server.wait()
    errors = [(a["id"], a["error"]["code"]) for a in answers if "error" in a]
    assert errors == [(None, -32700), (7, -32600), (None, -32600)]
    assert answers[0]["id"] == 1 and "tools" in answers[-1]["result"]


def test_new_deal_refuses_a_file_name_before_the_questions_and_dates_takes_a_library_rev(root):
    """new_deal asked every question for `deal: "x.txt"` and refused the name only once all were answered; with
    a line break in the name it reported the file it would write as a YAML syntax error of "deal". The dates
    tool had no library_rev, which every other tool reading a deal has."""
    async def steps(session):
        calls = [("new_deal", {"answers": {}, "deal": "x.txt"}), ("new_deal", {"answers": {}, "deal": "a\nb.yaml"}),
                 ("dates", {"deal": "deal.yaml", "library_rev": "no-such-rev"})]
        return [await session.call_tool(name, args) for name, args in calls]

    txt, broken, dates = session_run(root, steps)
    problems = [json.loads(r.content[0].text.split(":", 1)[1])["problems"] for r in (txt, broken, dates)]
    assert txt.is_error and problems[0][0]["file"] == "x.txt"
    assert problems[0][0]["message"] == "a new deal file is YAML: name it .yaml"
    assert broken.is_error and problems[1][0]["message"].startswith("the name holds a line break")
    assert dates.is_error and problems[2][0]["message"] == "no tag, branch or commit named 'no-such-rev'"
    assert sorted(p.name for p in root.iterdir()) == ["bad.yaml", "deal.yaml"]
