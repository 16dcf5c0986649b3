"""The `termsmith` command: parses arguments, calls the API, prints, maps errors to exit codes."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from termsmith import __version__
from termsmith.errors import TermsmithError, printable

EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_BUG = 3


def _formats(value: str) -> tuple[str, ...]:
    from termsmith.api import FORMATS, unknown_formats

    formats = tuple(f.strip() for f in value.split(",") if f.strip())
    unknown = unknown_formats(formats)
    if unknown or not formats:
        raise click.BadParameter(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return formats


library_option = click.option("--library", type=click.Path(path_type=Path), default=None,
                              help="Clause library folder (default: $TERMSMITH_LIBRARY, else the nearest folder from "
                                   "here upwards holding library.yaml, else the bundled library).")
rev_option = click.option("--library-rev", default=None, metavar="REV",
                          help="Use the library as it was at this git tag or commit.")


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """click.echo, with control characters and undecodable bytes of file names and values escaped, so that
    nothing a deal file, a library or a file name holds can drive the terminal."""
    click.echo(printable(str(message)), err=err, nl=nl)


class ProblemsFound(click.ClickException):
    """Problems with the user's input, library or output folder: one line each, exit 1."""

    exit_code = EXIT_INVALID

    def __init__(self, error: TermsmithError) -> None:
        super().__init__(str(error))
        self.problems = error.problems

    def show(self, file=None) -> None:
        from termsmith import report

        for line in report.problems(self.problems):
            echo(line, err=True)


_JSON = "termsmith.json"
json_option = click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
                           show_default=True, help="json: the result as structured data (as the MCP server gives it).")


def _wants_json(output_format: str) -> bool:
    wanted = output_format == "json"
    click.get_current_context().meta[_JSON] = wanted
    return wanted


def _print_json(data) -> None:
    from termsmith import machine

    click.echo(machine.dumps(data), nl=False)


class _Commands(click.Group):
    """The one place where termsmith's errors become messages and an exit code, for every command."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TermsmithError as exc:
            if ctx.meta.get(_JSON):  # the script asked for JSON: it gets the problems as JSON too
                from termsmith import machine

                click.echo(machine.dumps(machine.failure(exc)), nl=False)
            raise ProblemsFound(exc) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, message="termsmith %(version)s")
def cli() -> None:
    """Turn partnership deal specifications into contract drafts."""


@cli.command()
@click.argument("deals", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="Folder for the drafts.")
@click.option("--format", "formats", default="docx,md", show_default=True,
              help="Comma-separated output formats: docx (Word), md (its Markdown twin); add json to print the "
                   "result as structured data.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Draft this many deals in parallel processes.")
@click.option("--force", is_flag=True, help="Overwrite a .docx or .md even if it was edited since termsmith wrote it.")
@click.option("--no-notes", is_flag=True,
              help="Leave out the notes for the reviewer (Word comments by termsmith, the twin's closing list).")
@library_option
@rev_option
def draft(deals, out_dir, formats, jobs, force, no_notes, library, library_rev) -> None:
    """Draft DEALS (YAML or JSON deal files) into Word and Markdown."""
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    as_json = _wants_json("json" if "json" in wanted else "text")
    # `--format json` alone: the default files, printed as structured data; `--format ''` names no format at all
    fmts = _formats(",".join(f for f in wanted if f != "json") or ("docx,md" if wanted else ""))
    kw = dict(formats=fmts, library=library, library_rev=library_rev, force=force, notes=not no_notes)
    if len(deals) == 1:
        from termsmith import api, machine

        result = api.draft(deals[0], out_dir, **kw)
        if as_json:
            return _print_json(machine.draft(result))
        for path in result.written:
            echo(f"wrote {path}")
        return
    _draft_batch(list(deals), out_dir, jobs, kw)


def _draft_batch(deals: list[Path], out_dir: Path, jobs: int, kw: dict) -> None:
    from termsmith import api
    from termsmith.batch import settle

    # A batch drafts for long enough that uncollected cycles add up: collect again, in workers too
    # (they are forked from here), leaving what is loaded so far out of every collection, and, when the
    # deals are drafted here, what the first deal loads (workers do the same for themselves).
    gc.freeze()
    gc.enable()

    show_bar = sys.stderr.isatty()
    bar = None
    if show_bar:
        from tqdm import tqdm

        bar = tqdm(total=len(deals), unit="deal", file=sys.stderr, leave=False)

    settled = jobs > 1

    def progress(outcome) -> None:
        nonlocal settled
        if not settled:
            settled = True
            settle()
        if bar is not None:
            bar.update(1)

    outcomes = api.draft_many(deals, out_dir, jobs=jobs, on_progress=progress, **kw)
    if bar is not None:
        bar.close()
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        for problem in outcome.problems:
            echo(str(problem), err=True)
    echo(f"drafted {len(outcomes) - len(failed)} of {len(outcomes)} deals into {out_dir}"
               + (f"; {len(failed)} failed" if failed else ""))
    if failed:
        sys.exit(EXIT_INVALID)


@cli.command()
@click.argument("deal", type=click.Path(path_type=Path))
@library_option
@rev_option
@json_option
def check(deal, library, library_rev, output_format) -> None:
    """Validate DEAL and its business rules without drafting; list the defaults it relies on and anything implausible."""
    from termsmith import api, machine, report

    as_json = _wants_json(output_format)
    result = api.check(deal, library=library, library_rev=library_rev)
    if as_json:
        return _print_json(machine.check(result))
    for w in result.warnings:
        echo(f"{w.file}:{w.line}: warning: {w.path}: {w.message}", err=True)
    echo(f"{deal}: ok ({result.deal.deal.id}, {len(result.deal.parties)} parties)")
    for note in result.notes:
        echo(str(note))
    for line in report.default_lines(result.defaults):
        echo(line)


@cli.command()
@click.argument("deal", type=click.Path(path_type=Path))
@library_option
@rev_option
@json_option
def explain(deal, library, library_rev, output_format) -> None:
    """Show which clauses DEAL gets, at which version, and why."""
    from termsmith import api, machine, report

    as_json = _wants_json(output_format)
    result = api.explain(deal, library=library, library_rev=library_rev)
    if as_json:
        return _print_json(machine.explain(result))
    for line in report.explanation(result):
        echo(line)


@cli.command()
@click.option("-o", "--output", "out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the schema to this file (e.g. deal.schema.json, which deal files point at) instead of printing it.")
@click.option("--library", type=click.Path(path_type=Path), default=None,
              help="Include the deal terms this clause library declares (its library.yaml `terms:`).")
@rev_option
def schema(out, library, library_rev) -> None:
    """Print (or write) the JSON Schema of the deal file, for editor completion."""
    from termsmith import api, scaffold

    data = api.schema(library, library_rev) if library is not None or library_rev is not None else None
    if out is None:
        echo(scaffold.schema_text(data), nl=False)
        return
    echo(f"wrote {scaffold.write_schema(out, data)}")


@cli.command()
@click.argument("deal", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", type=click.Choice(["technology", "reseller", "strategic_alliance", "joint_venture",
                                           "managed_service"]), default="technology", show_default=True,
              help="The kind of partnership.")
@click.option("--defaults", is_flag=True, help="Ask nothing: write the commented skeleton (also without a terminal).")
@click.option("--schema", "schema_ref", default=None, metavar="FILE|URL",
              help="The JSON Schema the file's first line points at (default: deal.schema.json beside the deal, "
                   "written there if missing).")
@click.option("--force", is_flag=True, help="Replace DEAL if it exists.")
@library_option
@rev_option
def new(deal, kind, defaults, schema_ref, force, library, library_rev) -> None:
    """Start a deal file: asks the questions a deal needs on a terminal, else writes a commented skeleton."""
    from termsmith import scaffold

    scaffold.check_new_name(deal)
    if scaffold.exists(deal) and not force:  # before any question is asked
        scaffold.write_new(deal, "", force=False)
    target = None
    if schema_ref is not None:
        scaffold.check_schema_ref(schema_ref, deal)
        target = schema_ref if "://" in schema_ref else scaffold.schema_target(deal, Path(schema_ref))
        scaffold.check_schema_target(target)
    answers = scaffold.defaults(deal, kind)
    declared = _declared_terms(library, library_rev)
    if not defaults and sys.stdin.isatty():
        echo(f"New deal {deal}: press Enter to keep the answer in brackets.")
        answers = _until_it_checks(scaffold.ask(answers, _prompt, declared), declared, library, library_rev,
                                   deal.name)
    written = []
    if target is None:
        schema_file = deal.parent / scaffold.SCHEMA_NAME
        if not schema_file.exists():
            from termsmith import api

            written.append(scaffold.write_schema(schema_file, api.schema(library, library_rev) if declared else None))
        target = scaffold.schema_target(deal, schema_file)
    written.insert(0, scaffold.write_new(deal, scaffold.deal_text(answers, target, deal.name, declared), force=force))
    for path in written:
        echo(f"wrote {path}")
    echo(f"next: fill in the placeholders, then `termsmith check {deal}` and `termsmith draft {deal}`")


def _until_it_checks(answers: dict, declared: tuple, library, library_rev, name: str) -> dict:
    """The answers, each one asked again (with the reason) while the deal they write is one `check` refuses: a
    term too long, two short names alike, a language the library has no words for. A problem no question
    answers (none is known) is left for the file's reader, said as `check` will say it."""
    from termsmith import report, scaffold

    while found := scaffold.problems_by_question(answers, declared, library, library_rev, name):
        again = {}
        for problem, question in found:
            if question is not None:
                again.setdefault(question.key, (question, problem.message))
        if not again:
            for line in report.problems([problem for problem, _question in found]):
                echo(line, err=True)
            return answers
        for question, message in again.values():
            echo(f"  {message}", err=True)
            answers[question.key] = _prompt(question).strip()
    return answers


def _declared_terms(library, library_rev) -> tuple:
    """The deal terms the library (found by the usual rule) declares, for `new` to ask."""
    from termsmith import api

    return api.open_library(library, library_rev).manifest.terms


def _prompt(question) -> str:
    from termsmith import scaffold

    while True:
        choices = click.Choice(question.choices) if question.choices else None
        value = click.prompt(question.text, default=question.default, type=choices, show_choices=bool(choices))
        problem = scaffold.check_answer(question, str(value))
        if problem is None:
            return str(value)
        echo(f"  {problem}", err=True)


@cli.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The redline to write (.docx); its Markdown twin goes beside it as .md.")
@click.option("--from", "from_rev", default=None, metavar="REV", help="Draft OLD with the library at this git tag or commit.")
@click.option("--to", "to_rev", default=None, metavar="REV",
              help="Draft NEW with the library at this revision (default, or WORKTREE: the library folder as it is).")
@click.option("--author", default=None, help="Author of the revisions (default: the library's owner).")
@click.option("--date", default=None, metavar="DATE",
              help="Date of the revisions, YYYY-MM-DD or ISO 8601 (default: SOURCE_DATE_EPOCH or NEW's library commit date, so reruns match).")
@click.option("--markdown", "markdown", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write the CriticMarkup twin (default: OUTPUT with .md).")
@click.option("--no-markdown", is_flag=True, help="Write only the .docx.")
@click.option("--force", is_flag=True, help="Replace an output that is not an unchanged termsmith redline.")
@click.option("--overrides", is_flag=True,
              help="Show the deal's own clause wording (its overrides) against the library's current text.")
@library_option
@click.option("--library-rev", default=None, metavar="REV",
              help="Use the library as it was at this git tag or commit (for both sides, unless --from/--to say).")
def redline(old, new, out, from_rev, to_rev, author, date, markdown, no_markdown, force, overrides, library,
            library_rev) -> None:
    """Compare OLD and NEW as a Word redline: two deal files, one deal at two library revisions
    (--from/--to), or two drafts (.docx or .manifest.json)."""
    from termsmith import api, report

    from_rev, to_rev = from_rev or library_rev, to_rev or library_rev
    result = api.redline(old, new, out, from_rev=from_rev, to_rev=to_rev, library=library, author=author,
                         date=date, markdown=False if no_markdown else markdown or True, force=force,
                         overrides=overrides)
    for line in report.redline(result):
        echo(line)


@cli.command()
@click.argument("deals", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--base", required=True, metavar="REV", help="The library before the change: a git tag, branch or commit.")
@click.option("--head", default=None, metavar="REV",
              help="The library (and tracked deal files) after the change (default, or WORKTREE: as they are now).")
@library_option
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("impact"),
              show_default=True, help="Folder for the redlines of the deals that changed, and impact.json "
                                      "(stale redlines of an earlier run there are removed).")
@click.option("--format", "style", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="github: a step summary table ($GITHUB_STEP_SUMMARY) and an annotation per changed clause file.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Assess this many deals in parallel processes.")
@click.option("--ignore-locks", is_flag=True, help="Draft locked deals with the library at --base and --head (a lock otherwise keeps a deal "
                   "whose file did not change unaffected, and drafts one whose file changed with its locked library).")
def impact(deals, base, head, library, out_dir, style, jobs, ignore_locks) -> None:
    """Which of DEALS a clause library change (--base to --head) changes, with a Word redline for each.

    A deal file git tracks in the library's repository is read at each revision too (at --base from git, at
    --head from git, or from the working tree when there is no --head), so a pull request that changes a deal
    and a clause shows both; a deal file new since --base is reported as new. Any other deal file is read from
    the working tree for both revisions. Redlines an earlier run wrote into the output folder for deals that no
    longer change are removed (only files it wrote and nobody edited since). Exit 1 when a deal cannot be
    drafted at either revision (the others are still assessed) or on invalid input; 0 otherwise.
    """
    from termsmith import api, report

    # many deals are drafted: collect cycles again (in workers too), leaving what is loaded so far out of it
    gc.freeze()
    gc.enable()
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(deals), unit="deal", file=sys.stderr, leave=False)
    result = api.impact(list(deals), base=base, head=head, library=library, out_dir=out_dir, jobs=jobs,
                        ignore_locks=ignore_locks, on_progress=(lambda _: bar.update(1)) if bar else None)
    if bar is not None:
        bar.close()
    for deal in result.failed:
        for problem in deal.problems:
            echo(str(problem), err=True)
    summary = os.environ.get("GITHUB_STEP_SUMMARY") if style == "github" else None
    unwritable = None
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write("\n".join(report.impact_summary(result)) + "\n")
        except OSError as exc:  # a folder, a missing folder, a read-only file: the runner's setting, not a bug
            unwritable, summary = exc, None  # the table goes to stdout instead, as without the variable
    for line in report.impact(result, style):
        echo(line)
    if style == "github" and not summary:
        for line in report.impact_summary(result):
            echo(line)
    if unwritable is not None:
        from termsmith.errors import OutputError, Problem

        raise OutputError(Problem(file=os.environ["GITHUB_STEP_SUMMARY"], path="GITHUB_STEP_SUMMARY", message=(
            f"cannot append the step summary: {unwritable.strerror or unwritable} (printed above instead; the "
            "redlines and impact.json are written)")))
    if result.failed:  # at either revision: the others were still assessed
        sys.exit(EXIT_INVALID)


@cli.command()
@click.argument("document", type=click.Path(path_type=Path))
@click.option("--deal", "deal", required=True, type=click.Path(path_type=Path),
              help="The deal file the document was drafted from; the review's changes are written into it.")
@click.option("--dry-run", is_flag=True, help="Show what would be absorbed and change nothing.")
@click.option("--force", is_flag=True, help="Absorb even though the deal file has changed since the draft was made.")
@click.option("--branch", default=None, metavar="NAME",
              help="Put reworded clauses into the --library clause files instead, committed on this new branch.")
@library_option
@rev_option
def absorb(document, deal, dry_run, force, branch, library, library_rev) -> None:
    """Absorb a reviewed DOCUMENT into its deal: negotiated wording as clause overrides (or deal fields),
    and every change and comment listed by clause in DEAL.review.md."""
    from termsmith import api

    result = api.absorb(document, deal, dry_run=dry_run, force=force, library=library, branch=branch,
                        library_rev=library_rev)
    for line in result.lines:
        echo(line)
    for path in result.written:
        echo(f"wrote {path}")
    for path in result.would_write:
        echo(f"would write {path} (dry run)")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--base", default=None, metavar="GIT_REF", help="Also check versions against the library at this revision.")
@click.option("--format", "style", type=click.Choice(["text", "github", "json"]), default="text", show_default=True,
              help="github: workflow annotations; json: structured findings.")
@library_option
@rev_option
def lint(paths, base, style, library, library_rev) -> None:
    """Check a clause library for a pull request; exit 1 on errors.

    PATHS are library folders, or files inside libraries (each file's library is the nearest folder above it
    holding library.yaml; files in no library are skipped, as a pre-commit hook passes them). Without PATHS:
    --library, else $TERMSMITH_LIBRARY, else the nearest folder from here upwards holding library.yaml, else the
    bundled library."""
    from termsmith import api, report

    if paths and library is not None:
        raise click.UsageError("give the library as PATHS or as --library, not both")
    roots = api.libraries_of(paths) if paths else [library]
    as_json = _wants_json("json" if style == "json" else "text")
    findings = [p for root in roots for p in api.lint(root, base=base, library_rev=library_rev)]
    if as_json:
        from termsmith import machine

        _print_json(machine.lint(findings))
        if any(p.severity == "error" for p in findings):
            sys.exit(EXIT_INVALID)
        return
    if not roots:
        echo("no clause library among the given files: nothing to check")
    for line in report.lint_findings(findings, style, root=Path.cwd()):
        echo(line)
    if any(p.severity == "error" for p in findings):
        sys.exit(EXIT_INVALID)


@cli.command("lock")
@click.argument("deal", type=click.Path(path_type=Path))
@click.option("--update", is_flag=True, help="Move an existing lock to the current library.")
@library_option
@rev_option
def lock_command(deal, update, library, library_rev) -> None:
    """Pin DEAL to the current library commit and clause versions (writes DEAL.lock beside it)."""
    from termsmith import api

    result = api.lock(deal, library=library, library_rev=library_rev, update=update)
    path, pinned = result.path, result.lock
    where = f"commit {pinned.commit[:12]}" if pinned.commit else "clause versions only (library not committed in git)"
    echo(f"wrote {path}: {pinned.library_name} {pinned.library_version}, {len(pinned.clauses)} clauses, {where}")


@cli.command()
@click.argument("deal", type=click.Path(path_type=Path))
@library_option
@rev_option
@json_option
def outdated(deal, library, library_rev, output_format) -> None:
    """List the clauses of DEAL's lock that the library has changed since, and what changed."""
    from termsmith import api, machine, report

    as_json = _wants_json(output_format)
    result = api.outdated(deal, library=library, library_rev=library_rev)
    if as_json:
        return _print_json(machine.outdated(result))
    stale = api.stale_overrides(deal, library=library, library_rev=library_rev)
    for line in report.outdated(result):
        echo(line)
    for w in stale:
        echo(f"{w.file}:{w.line}: warning: {w.path}: {w.message}")


_DATE = click.DateTime(formats=["%Y-%m-%d"])


@cli.command("dates")
@click.argument("deals", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--ics", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write an RFC 5545 calendar (one for all DEALS) to this file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default=None,
              help="Print the dates as text (the default without --ics), json or csv.")
@click.option("--until", type=_DATE, default=None, metavar="DATE",
              help="List renewal periods and recurring dates up to this date (default: the Initial Term and "
                   "3 renewals).")
@click.option("--notice-on", type=_DATE, default=None, metavar="DATE",
              help="Date the exit timeline from a notice received on this day (termination for convenience, or "
                   "else non-renewal).")
@click.option("--non-renewal", is_flag=True,
              help="The --notice-on notice is one of non-renewal (where the deal also allows termination for "
                   "convenience).")
@click.option("--terminate-on", type=_DATE, default=None, metavar="DATE",
              help="Date the exit timeline from this Termination Date.")
@click.option("--remind", type=click.IntRange(0, 365), multiple=True, default=(30,), show_default=True,
              metavar="DAYS", help="Calendar reminder this many days before each notice deadline (repeatable).")
@library_option
@rev_option
def dates_command(deals, ics, fmt, until, notice_on, non_renewal, terminate_on, remind, library, library_rev) -> None:
    """Key dates of DEALS and their exit timeline, as a list or a calendar."""
    from termsmith import api, report

    if notice_on is not None and terminate_on is not None:
        raise click.UsageError("give either --notice-on or --terminate-on, not both")
    if non_renewal and notice_on is None:
        raise click.UsageError("--non-renewal says what the --notice-on notice is: give --notice-on DATE")
    result = api.dates(list(deals), library=library, library_rev=library_rev,
                       until=until.date() if until else None, notice_on=notice_on.date() if notice_on else None,
                       terminate_on=terminate_on.date() if terminate_on else None, non_renewal=non_renewal, ics=ics,
                       remind=remind)
    for w in result.warnings:
        echo(f"{w.file}:{w.line}: warning: {w.path}: {w.message}", err=True)
    for line in report.dates(result, fmt or ("text" if ics is None else None)):
        echo(line)


@cli.command("mcp")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False, exists=True), default=Path("."),
              show_default=True, help="The folder an assistant may read and write in; nothing outside it is touched.")
@library_option
@rev_option
def mcp_command(root, library, library_rev) -> None:
    """Serve termsmith to an AI assistant: a Model Context Protocol server over stdio."""
    from termsmith.mcp_server import serve

    # A server drafts for as long as the assistant's session lasts: without the collector (off for a single
    # run, see main) every draft's reference cycles stay in memory, about half a MiB a draft.
    gc.freeze()
    gc.enable()
    serve(root, library, library_rev)


@cli.group()
def clauses() -> None:
    """Browse the clause library."""


@clauses.command("list")
@click.option("--area", default=None, help="Only the clauses of this section (e.g. termination).")
@library_option
@rev_option
def clauses_list(area, library, library_rev) -> None:
    """Every clause: id, version, title and condition."""
    from termsmith import api, report

    lib = api.open_library(library, library_rev)
    if area is not None and area not in lib.sections:
        raise click.BadParameter(f"no section '{area}'; sections: {', '.join(lib.sections)}", param_hint="--area")
    for line in report.clause_list(lib, area):
        echo(line)


@clauses.command("show")
@click.argument("clause_id")
@library_option
@rev_option
def clauses_show(clause_id, library, library_rev) -> None:
    """One clause: front matter and text."""
    import difflib

    from termsmith import api, report
    from termsmith.errors import Problem, TermsmithError

    lib = api.open_library(library, library_rev)
    if clause_id not in lib.by_id:
        guess = difflib.get_close_matches(clause_id, list(lib.by_id), n=1)
        raise TermsmithError(Problem(message=f"no clause '{clause_id}'" + (f"; did you mean '{guess[0]}'?" if guess else "")))
    for line in report.clause_detail(lib.by_id[clause_id]):
        echo(line)


def main() -> None:
    """The entry point of the `termsmith` command and of `python -m termsmith`: never a traceback for a
    user's mistake; a bug says how to get one."""
    # A single run needs neither the cyclic garbage collector nor an orderly interpreter teardown: both
    # only free memory the operating system reclaims at exit anyway, and together they cost about 80 ms
    # of a cold `termsmith draft`. So the collector is off (batches turn it back on) and the process
    # ends with os._exit, which SKIPS EXIT HANDLERS (atexit functions, finalizers, buffered files not
    # flushed here): everything termsmith writes is closed before this point, and stdout/stderr are
    # flushed below. Code run from the command line must not rely on atexit.
    gc.disable()
    # Two libraries' own switches for a faster start (a value the user set is kept): pydantic looks for
    # plugins (observers of every validation) by reading the entry points of every installed distribution
    # before it builds its first validator, about 10 ms of a cold draft, and the command runs none; Babel
    # asks pytz for the local time zone on import, and pytz then opens each of its 600 zone files to check
    # it is there (7 ms) unless told that its installed zone data is complete, as a pip install is.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    os.environ.setdefault("PYTZ_SKIPEXISTSCHECK", "1")
    code = _run()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            code = code or EXIT_INVALID
    os._exit(code)


def _run() -> int:
    try:
        bad_input = False
        try:
            cli.main(standalone_mode=False, prog_name="termsmith")
        except ProblemsFound:
            bad_input = True  # bad input is one located line per problem, nothing more
            raise
        finally:
            if not bad_input:
                _name_libraries()
    except click.exceptions.Abort:
        echo("aborted", err=True)
        return EXIT_INVALID
    except click.UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except SystemExit as exc:
        return _exit_code(exc.code)
    except Exception as exc:  # a bug in termsmith, not the user's input
        if os.environ.get("TERMSMITH_DEBUG"):
            import traceback

            traceback.print_exc()
        else:
            echo(f"termsmith: internal error: {type(exc).__name__}: {exc} "
                       "(this is a bug; re-run with TERMSMITH_DEBUG=1 for details)", err=True)
        return EXIT_BUG
    return 0


def _name_libraries() -> None:
    """Say which clause library the command used (name, version, folder or `bundled`, commit), on stderr so
    that what a command prints on stdout stays as it is for scripts."""
    api = sys.modules.get("termsmith.api")  # a command that never imported the API used no library
    if api is None:
        return
    for line in api.libraries_used():
        echo(line, err=True)


def _exit_code(code: object) -> int:
    """What `sys.exit(code)` would have made the exit status."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    echo(str(code), err=True)
    return EXIT_INVALID
