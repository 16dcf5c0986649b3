"""`termsmith mcp`: the library's functions as a Model Context Protocol server over stdio.

Why: an assistant beside a legal-ops team should propose deal data and read results as structured data,
never by scraping terminal text; termsmith stays the deterministic side (it validates, drafts and never
calls a model). Every path an assistant passes is confined to the server's root, and every failure comes
back as a tool error with the located messages, so one bad call never ends the session.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from termsmith import machine
from termsmith.errors import InputError, Problem, TermsmithError

DealPath = Annotated[str, Field(description="Path of a deal file (YAML), relative to the server's root.")]
LibraryPath = Annotated[str | None, Field(description="Clause library folder under the root (default: the one "
                                                       "found from the root upwards, else the bundled library).")]
LibraryRev = Annotated[str | None, Field(description="The library as it was at this git tag or commit.")]


class Root:
    """The folder an assistant may read and write in; anything that resolves outside it is refused."""

    def __init__(self, folder: Path, library: Path | None = None, library_rev: str | None = None) -> None:
        self.folder = Path(folder).resolve()
        self.library = library  # the server's own choice (--library), used when a call names none
        self.library_rev = library_rev

    def path(self, given: str | None, what: str, *, must_exist: bool = True) -> Path:
        if given is None or not str(given).strip():
            raise InputError(Problem(path=what, message="a path is needed"))
        try:
            candidate = Path(given)
            candidate = candidate if candidate.is_absolute() else self.folder / candidate
            resolved = candidate.resolve()
            inside = resolved.is_relative_to(self.folder)
            found = inside and (not must_exist or resolved.exists())
        except (OSError, ValueError, RuntimeError) as exc:  # a NUL byte, a name too long, a loop of links
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise InputError(Problem(file=str(given)[:200], path=what, message=f"is not a usable path: {reason}")) from None
        if not inside:
            raise InputError(Problem(file=str(given), path=what, message=(
                f"is outside the server's root {self.folder} (links leaving it are refused too)")))
        if not found:
            raise InputError(Problem(file=str(given), path=what, message="not found under the server's root"))
        return resolved

    def optional(self, given: str | None, what: str) -> Path | None:
        if given is None:
            return self.library if what == "library" else None
        return self.path(given, what)

    def rev(self, given: str | None) -> str | None:
        return given if given is not None else self.library_rev

    def shown(self, value: Any) -> Any:
        """`value` (a result or a failure) with every path under the root written relative to it, as calls give
        them: the files a result names, its problems' files and the lines of its summary alike."""
        prefix = str(self.folder) + os.sep
        if isinstance(value, str):
            return value.replace(prefix, "")
        if isinstance(value, dict):
            return {key: self.shown(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.shown(item) for item in value]
        return value


def build_server(root: Path, library: Path | None = None, library_rev: str | None = None):
    """The MCP server, its tools and resources bound to `root` (and to a library, when the server was given
    one: a call may still name its own)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError

    from termsmith import __version__, api

    here = Root(root, library, library_rev)
    busy = threading.Lock()
    server = MCPServer(name="termsmith", version=__version__, instructions=(
        "termsmith drafts partnership agreements from a deal file (YAML) and a versioned clause library. "
        "Use `schema` or `new_deal` to learn what a deal holds, write the deal file, run `check` until it "
        "reports no errors, then `draft`; `explain` says why each clause is in or out. Paths are relative "
        "to the server's root."))

    def run(call):
        """Run `call`, turning termsmith's located problems into a tool error an assistant can read.

        One call at a time: the SDK runs each tool in a worker thread, so an assistant's parallel calls ran
        at once, and two drafts into one folder removed each other's temporary files as a crashed run's
        leftovers ("cannot write: No such file or directory"); termsmith's caches are per process, not per
        thread. The work is CPU-bound under the GIL anyway, so nothing is lost by taking turns."""
        with busy:
            try:
                return here.shown(call())
            except TermsmithError as exc:
                raise ToolError(machine.dumps(here.shown(machine.failure(exc)))) from None

    @server.tool(description="The JSON Schema of a deal file: every section and field, with descriptions.")
    def schema() -> dict[str, Any]:
        return api.schema()

    @server.tool(description="Validate a deal file and its business rules; returns every problem, located "
                             "(file, line, field path, message, severity). Errors come back as a tool error.")
    def check(deal: DealPath, library: LibraryPath = None, library_rev: LibraryRev = None) -> dict[str, Any]:
        return run(lambda: machine.check(api.check(here.path(deal, "deal"), library=here.optional(library, "library"),
                                                   library_rev=here.rev(library_rev))))

    @server.tool(description="Every clause of the library for this deal: included or left out, its version, and "
                             "the deal fields that decided it.")
    def explain(deal: DealPath, library: LibraryPath = None, library_rev: LibraryRev = None) -> dict[str, Any]:
        return run(lambda: machine.explain(api.explain(here.path(deal, "deal"),
                                                       library=here.optional(library, "library"),
                                                       library_rev=here.rev(library_rev))))

    @server.tool(description="Draft a deal into out_dir (under the root): <id>.docx, <id>.md and its manifest. "
                             "Never overwrites a file a reviewer edited unless force is true.")
    def draft(deal: DealPath, out_dir: Annotated[str, Field(description="Output folder under the root.")] = ".",
              library: LibraryPath = None, library_rev: LibraryRev = None, force: bool = False) -> dict[str, Any]:
        return run(lambda: machine.draft(api.draft(
            here.path(deal, "deal"), here.path(out_dir, "out_dir", must_exist=False),
            library=here.optional(library, "library"), library_rev=here.rev(library_rev), force=force)))

    @server.tool(description="A Word redline (tracked changes) and its CriticMarkup twin between OLD and NEW: "
                             "two deal files, or two drafts (.docx or .manifest.json).")
    def redline(old: Annotated[str, Field(description="The old side, under the root.")],
                new: Annotated[str, Field(description="The new side, under the root.")],
                out: Annotated[str, Field(description="The .docx to write, under the root.")],
                library: LibraryPath = None, force: bool = False) -> dict[str, Any]:
        def call():
            result = api.redline(here.path(old, "old"), here.path(new, "new"),
                                 here.path(out, "out", must_exist=False), library=here.optional(library, "library"),
                                 force=force)
            from termsmith.report import redline as lines

            return {"ok": True, "summary": lines(result), "written": [str(p) for p in result.written]}
        return run(call)

    @server.tool(description="Bring a reviewed Word draft back: its tracked changes, edits and comments mapped "
                             "to clauses. A dry run by default (nothing written; the review is returned); with "
                             "apply true, the deal file gets the negotiated text as overrides or field changes "
                             "and DEAL.review.md is written.")
    def absorb(reviewed: Annotated[str, Field(description="The reviewed .docx, under the root.")],
               deal: DealPath, apply: bool = False, force: bool = False, library: LibraryPath = None,
               library_rev: LibraryRev = None) -> dict[str, Any]:
        return run(lambda: machine.absorb(api.absorb(
            here.path(reviewed, "reviewed"), here.path(deal, "deal"), dry_run=not apply, force=force,
            library=here.optional(library, "library"), library_rev=here.rev(library_rev))))

    @server.tool(description="What a clause library change (git revision `base` to `head`, or the folder as it "
                             "is) does to deals: per deal, changed or not, the clauses, words added and removed, "
                             "and a redline written under out_dir.")
    def impact(deals: Annotated[list[str], Field(description="Deal files under the root.")], base: str,
               head: str | None = None, library: LibraryPath = None,
               out_dir: Annotated[str, Field(description="Folder for the redlines, under the root.")] = "impact",
               ) -> list[dict[str, Any]]:
        return run(lambda: machine.impact(api.impact(
            [here.path(d, "deals") for d in deals], base=base, head=head, library=here.optional(library, "library"),
            out_dir=here.path(out_dir, "out_dir", must_exist=False))))

    @server.tool(description="Every date the agreement creates (notice deadlines, renewals, reviews, the exit "
                             "timeline), each with the clause that creates it.")
    def dates(deal: DealPath, notice_on: Annotated[str | None, Field(description="YYYY-MM-DD: the exit "
                                                                                 "timeline from a notice given then.")] = None,
              library: LibraryPath = None, library_rev: LibraryRev = None) -> dict[str, Any]:
        import datetime as dt

        def call():
            when = None
            if notice_on is not None:
                try:
                    when = dt.date.fromisoformat(notice_on)
                except ValueError:
                    raise InputError(Problem(path="notice_on", message="use YYYY-MM-DD")) from None
            return machine.dates(api.dates([here.path(deal, "deal")], library=here.optional(library, "library"),
                                           library_rev=here.rev(library_rev), notice_on=when))
        return run(call)

    @server.tool(description="Lint a clause library for a pull request: every finding, located.")
    def lint(library: LibraryPath = None) -> dict[str, Any]:
        return run(lambda: machine.lint(api.lint(here.optional(library, "library"))))

    @server.tool(description="The clauses of the library: id, version, title and section.")
    def clauses_list(library: LibraryPath = None) -> list[dict[str, Any]]:
        return run(lambda: [_clause_summary(c) for c in _library(api, here, library).clauses])

    @server.tool(description="One clause: its front matter and its text (Markdown with Jinja placeholders).")
    def clause_show(clause_id: str, library: LibraryPath = None) -> dict[str, Any]:
        def call():
            found = _library(api, here, library).by_id.get(clause_id)
            if found is None:
                raise InputError(Problem(path="clause_id", message=f"no clause '{clause_id}'"))
            return {**_clause_summary(found), "when": found.meta.when, "text": found.body}
        return run(call)

    @server.tool(description="Interview for a new deal: give the answers known so far (by question key); "
                             "returns the questions still open with their defaults and choices, and, once "
                             "every answer is valid, the deal file's text (written to `deal` when given).")
    def new_deal(answers: Annotated[dict[str, str], Field(description="Answers by question key.")] | None = None,
                 kind: str = "technology", deal: Annotated[str | None, Field(
                     description="Where to write the deal once complete (under the root).")] = None,
                 force: bool = False) -> dict[str, Any]:
        return run(lambda: _interview(here, answers or {}, kind, deal, force))

    @server.resource("termsmith://schema/deal", mime_type="application/json",
                     description="The JSON Schema of a deal file.")
    def deal_schema() -> str:
        return machine.dumps(api.schema())

    @server.resource("termsmith://clauses/{clause_id}", mime_type="text/markdown",
                     description="A clause of the library found from the root: front matter and text.")
    def clause_resource(clause_id: str) -> str:
        # an unknown clause is the client's mistake (invalid params), not the server's internal error
        with busy:
            try:
                found = _library(api, here, None).by_id.get(clause_id)
            except TermsmithError as exc:
                raise ResourceError(machine.dumps(machine.failure(exc))) from None
        if found is None:
            raise ResourceNotFoundError(f"no clause '{clause_id}'")
        return f"---\nid: {found.id}\nversion: {found.version}\ntitle: {found.meta.title}\n" \
               f"when: {found.meta.when or 'always'}\n---\n{found.body}"

    return server


def _library(api, here: Root, library: str | None):
    from termsmith.library.opening import open_library

    return open_library(here.optional(library, "library") or _found(here), here.library_rev)


def _found(here: Root) -> Path:
    from termsmith.library.locate import locate

    return locate(None, cwd=here.folder).path


def _clause_summary(clause) -> dict[str, Any]:
    return {"id": clause.id, "version": clause.version, "title": clause.meta.title, "section": clause.meta.area}


def _interview(here: Root, answers: dict[str, str], kind: str, deal: str | None, force: bool) -> dict[str, Any]:
    from termsmith import scaffold

    from termsmith.library.opening import open_library

    if kind not in scaffold.KINDS:
        raise InputError(Problem(path="kind", message=f"choose one of {', '.join(scaffold.KINDS)} (got {kind!r})"))
    target = here.path(deal, "deal", must_exist=False) if deal else here.folder / "deal.yaml"
    if deal:  # a name new refuses is said before the questions, not once they are all answered
        scaffold.check_new_name(target)
    # the server's library (--library, --library-rev) when it was given one, as every other tool uses
    declared = open_library(here.library or _found(here), here.library_rev).manifest.terms
    current = {**scaffold.defaults(target, kind), **{k: str(v) for k, v in answers.items()}}
    open_questions, invalid = [], []
    for question in scaffold.questions(current, declared):
        given = question.key in answers
        why = scaffold.check_answer(question, current[question.key]) if given else None
        if why:
            invalid.append({"key": question.key, "message": why})
        if not given or why:
            open_questions.append({"key": question.key, "question": question.text, "default": question.default,
                                   "choices": list(question.choices)})
    known = {q.key for q in scaffold.questions(current, declared)}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise InputError([Problem(path=f"answers.{k}", message="not a question of a new deal") for k in unknown])
    if not invalid:  # each answer is sound: the deal they write must also pass `termsmith check`
        asked = {q["key"] for q in open_questions}
        for problem, question in scaffold.problems_by_question(current, declared, here.library or _found(here),
                                                               here.library_rev, target.name):
            invalid.append({"key": scaffold.answered_by(problem.path) or problem.path or "deal",
                            "message": problem.message})
            if question is not None and question.key not in asked:
                asked.add(question.key)
                open_questions.append({"key": question.key, "question": question.text, "default": question.default,
                                       "choices": list(question.choices)})
    result: dict[str, Any] = {"open": open_questions, "invalid": invalid}
    if not invalid:
        text = scaffold.deal_text(current, scaffold.SCHEMA_NAME, target.name, declared)
        result["deal_text"] = text
        if deal and not open_questions:
            written = scaffold.write_new(target, text, force=force)
            result["written"] = str(written)
    return result


def serve(root: Path, library: Path | None = None, library_rev: str | None = None) -> None:
    """Serve over stdio from `root`: the library rule (TERMSMITH_LIBRARY, else the nearest library.yaml
    upwards, else the bundled library) starts there, as it does from a terminal's current folder."""
    root = Path(root).resolve()
    library = None if library is None else Path(library).resolve()
    os.chdir(root)
    import anyio

    anyio.run(_serve_stdio, build_server(root, library, library_rev))


async def _serve_stdio(server) -> None:
    """The SDK's stdio transport, except that a line which is not a JSON-RPC message gets the error JSON-RPC
    prescribes (the SDK drops it silently, and a client waiting for an answer waits for ever): -32700 for text
    that is not JSON, -32600 for JSON that is no message, with the request's id when it has one."""
    import anyio
    from mcp.server.stdio import stdio_server
    from mcp.shared.message import SessionMessage

    lowlevel = server._lowlevel_server  # what MCPServer.run("stdio") serves; the SDK has no public name for it
    async with stdio_server() as (incoming, outgoing):
        sifted_in, sifted_out = anyio.create_memory_object_stream(0)

        async def sift() -> None:
            async with sifted_in:
                async for item in incoming:
                    if isinstance(item, Exception):
                        await outgoing.send(SessionMessage(_jsonrpc_error(item)))
                    else:
                        await sifted_in.send(item)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(sift)
            await lowlevel.run(sifted_out, outgoing, lowlevel.create_initialization_options())
            tasks.cancel_scope.cancel()  # the session is over: stop reading, whatever ended it


def _jsonrpc_error(exc: Exception):
    """The JSON-RPC error answering a line the transport could not read as a message."""
    import mcp_types as types
    from pydantic import ValidationError

    errors = exc.errors() if isinstance(exc, ValidationError) else []
    if not errors or any(e["type"] == "json_invalid" for e in errors):
        return types.JSONRPCError(jsonrpc="2.0", id=None, error=types.ErrorData(
            code=types.PARSE_ERROR, message="Parse error: the line is not JSON"))
    request_id = None
    for error in errors:  # each member of the message union reports the object it was given
        given = error.get("input")
        if isinstance(given, dict) and type(given.get("id")) in (int, str):
            request_id = given["id"]
            break
    return types.JSONRPCError(jsonrpc="2.0", id=request_id, error=types.ErrorData(
        code=types.INVALID_REQUEST, message="Invalid Request: not a JSON-RPC 2.0 request, notification or response"))
