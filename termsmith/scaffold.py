"""Starting a deal: `termsmith new` (the questions a deal needs, or a commented skeleton) and `termsmith schema -o`.

Every deal file termsmith writes starts with a `# yaml-language-server: $schema=…` line, so an editor with the
YAML language server (VS Code's YAML extension, Neovim, JetBrains) offers completion and checks fields as
counsel type. The schema it points at is the file `termsmith schema -o FILE` writes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from termsmith.deal.placeholders import ADDRESS, ALLIANCE_MANAGER, DUTIES, PARTY_NAMES, SIGNATORY
from termsmith.errors import InputError, OutputError, Problem

KINDS = {
    "technology": "Technology Partnership Agreement",
    "reseller": "Reseller Agreement",
    "strategic_alliance": "Strategic Alliance Agreement",
    "joint_venture": "Joint Venture Agreement",
    "managed_service": "Managed Services Agreement",
}
SCHEMA_NAME = "deal.schema.json"
SCHEMA_LINE = "# yaml-language-server: $schema={target}"
_SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\s*$")


def schema_text(schema: dict | None = None) -> str:
    from termsmith.deal.schema import deal_schema

    return json.dumps(schema or deal_schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write_schema(path: Path, schema: dict | None = None) -> Path:
    """Write the deal file's JSON Schema to `path` (replacing an older one: it is generated)."""
    from termsmith.write import write_files

    write_files({Path(path): schema_text(schema).encode("utf-8")})
    return Path(path)


def schema_target(deal: Path, schema: Path) -> str:
    """How a deal file's schema line names the schema: relative to the deal's folder (so it works in every clone)."""
    return Path(os.path.relpath(Path(schema).resolve(), Path(deal).resolve().parent)).as_posix()


def check_schema_ref(ref: str, deal: Path) -> None:
    """`--schema` names a file or a URL: not nothing, not a folder (an editor cannot read one as a schema) and
    not the deal file itself."""
    if not ref.strip():
        raise InputError(Problem(path="--schema", message="is empty: give the schema's file or URL"))
    if "://" in ref:
        return
    try:
        folder = Path(ref).is_dir()
    except OSError as exc:  # a name too long for the file system
        raise InputError(Problem(path="--schema", message=f"'{ref}': {exc.strerror or exc}")) from None
    if folder:
        raise InputError(Problem(path="--schema", message=f"'{ref}' is a folder: give the schema's file, e.g. "
                                                          f"{Path(ref) / SCHEMA_NAME}"))
    if Path(ref).resolve() == Path(deal).resolve():
        raise InputError(Problem(path="--schema", message=f"'{ref}' is the new deal file itself: give the schema's "
                                                          f"file, e.g. {SCHEMA_NAME}"))


def check_schema_target(target: str) -> None:
    """The schema line ends at the first space (editors read `$schema=` up to it, as `schema_line_of` does): a
    target with a space or a line break would point them at something else."""
    if target != "".join(target.split()):
        raise InputError(Problem(path="--schema", message=(
            f"'{target}' holds a space or a line break, which ends the schema line early: write a URL's spaces as "
            "%20, or move the schema to a path without spaces")))


def schema_line_of(text: str) -> str | None:
    """The schema a deal file's first lines point at, or None."""
    for line in text.splitlines()[:5]:
        if m := _SCHEMA_LINE.match(line):
            return m.group(1)
    return None


# ── the questions ─────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Question:
    key: str
    text: str
    default: str
    choices: tuple[str, ...] = ()
    declared: object = field(default=None, compare=False)  # a library term's declaration, to check its answer


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    return slug if slug and slug[0].isalnum() else fallback


def defaults(deal_path: Path, kind: str, today: dt.date | None = None) -> dict[str, str]:
    """The answer every question has when nobody is asked: a deal that validates and drafts as it is."""
    today = today or dt.date.today()
    return {
        "id": _slug(Path(deal_path).stem, "new-deal"),
        "kind": kind,
        "title": KINDS[kind],
        "effective_date": (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1).isoformat(),
        "governing_law": "England and Wales",
        "language": "en-GB",
        "purpose": "Work together on the activities described in this Agreement.",
        "a.name": PARTY_NAMES[0],
        "a.short_name": "First",
        "a.jurisdiction": "England and Wales",
        "a.address": ADDRESS,
        "a.signatory": SIGNATORY,
        "a.signatory_title": "Director",
        "b.name": PARTY_NAMES[1],
        "b.short_name": "Second",
        "b.jurisdiction": "England and Wales",
        "b.address": ADDRESS,
        "b.signatory": SIGNATORY,
        "b.signatory_title": "Director",
        "initial_months": "24",
        "renewal": "automatic",
        "final": "courts",
        "forum": "London",
        "convenience": "no",
        "notice_days": "90",
        "assistance_months": "3",
    }


def term_questions(declared: tuple = ()) -> list[Question]:
    """One question per deal term the library declares (`terms.NAME`), its default the declared one."""
    from termsmith.library.terms import split_type

    out = []
    for name, decl in declared:
        base, is_list = split_type(decl.type)
        choices = tuple(decl.choices) if base == "choice" and not is_list else (("true", "false") if base == "bool" else ())
        default = "" if decl.default is None else (str(decl.default).lower() if base == "bool" else str(decl.default))
        later = "" if decl.default is not None else ", leave empty to decide later"
        text = f"{decl.description or name.replace('_', ' ')} ({decl.type}{later})"
        out.append(Question(f"terms.{name}", text, default, choices, decl))
    return out


def questions(answers: dict[str, str], declared: tuple = ()) -> list[Question]:
    """What `termsmith new` asks on a terminal, in order; each default is the current answer."""
    def q(key: str, text: str, choices: tuple[str, ...] = ()) -> Question:
        return Question(key, text, answers[key], choices)

    out = [q("id", "Deal id (output files are named after it)"),
           q("kind", "Kind of partnership", tuple(KINDS)),
           q("title", "Title of the agreement"),
           q("effective_date", "Effective date (YYYY-MM-DD)"),
           q("governing_law", "Governing law"),
           q("language", "Language and region of the document (en-GB, en-US, de-DE, …)"),
           q("purpose", "Purpose of the partnership, in one sentence")]
    for side, which in (("a", "First"), ("b", "Second")):
        out += [q(f"{side}.name", f"{which} party: full legal name"),
                q(f"{side}.short_name", f"{which} party: short name used in the agreement"),
                q(f"{side}.jurisdiction", f"{which} party: where it is incorporated"),
                q(f"{side}.address", f"{which} party: registered office address"),
                q(f"{side}.signatory", f"{which} party: who signs"),
                q(f"{side}.signatory_title", f"{which} party: the signatory's job title")]
    out += [q("initial_months", "Initial term in months"),
            q("renewal", "Renewal", ("automatic", "by_agreement", "none")),
            q("final", "Disputes are finally decided by", ("courts", "arbitration")),
            q("forum", "Courts' venue, or seat of the arbitration"),
            q("convenience", "May a party terminate without cause?", ("no", "yes")),
            q("notice_days", "Notice for termination without cause, in days"),
            q("assistance_months", "Months of transition assistance after the end")]
    needed, optional = _split_terms(answers, declared)
    if optional:
        needed.append(Question(MORE_TERMS, f"Set any of the library's other {len(optional)} deal terms now (each has "
                                           "a default, and the file lists them either way)?",
                               answers.get(MORE_TERMS, "no"), ("no", "yes")))
    return out + needed


MORE_TERMS = "terms.*"  # the answer to "set the deal terms that have a default now?"


def _split_terms(answers: dict[str, str], declared: tuple) -> tuple[list[Question], list[Question]]:
    """The questions for deal terms without a default (always asked) and for those with one (asked on request:
    a library may declare dozens of periods and thresholds)."""
    needed, optional = [], []
    for (_, decl), q_ in zip(declared, term_questions(declared)):
        question = Question(q_.key, q_.text, answers.get(q_.key, q_.default), q_.choices, decl)
        (optional if decl.default is not None else needed).append(question)
    return needed, optional


def check_answer(question: Question, value: str) -> str | None:
    """Why an answer cannot be used (asked again), or None."""
    value = value.strip()
    if "\n" in value or "\r" in value:  # every answer is one line of the file (an MCP client can send more)
        return "one line, without line breaks"
    if question.key.startswith("terms."):
        if value and question.choices and value not in question.choices:
            return f"choose one of {', '.join(question.choices)}"
        return _term_problem(question, value) if value else None
    if not value:
        return "an answer is needed"
    if question.choices and value not in question.choices:
        return f"choose one of {', '.join(question.choices)}"
    if question.key == "id" and not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,79}", value):
        return "use lower-case letters, digits, '.', '-' and '_', starting with a letter or digit"
    if question.key == "effective_date":
        # written into the deal as it is: only the form the deal file reads (3.11's fromisoformat also takes
        # 20270101 and 2027-W01-1, which the deal then refuses)
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                raise ValueError(value)
            dt.date.fromisoformat(value)
        except ValueError:
            return "use YYYY-MM-DD, e.g. 2027-01-01"
    # isdecimal, not isdigit: '²' is a digit that int() refuses
    if question.key in ("initial_months", "notice_days", "assistance_months") and not value.isdecimal():
        return "a whole number"
    if question.key == "language" and not re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", value):
        return "a language and region such as en-GB or en-US"
    return None


def _term_problem(question: Question, value: str) -> str | None:
    """Why an answer for a library's deal term is not a value of its type (it is written into the file as it
    is, for every type but text, party and choice), or None."""
    import yaml

    from termsmith.library.terms import split_type, validate_terms

    decl = question.declared
    if decl is None or split_type(decl.type)[0] in ("text", "party", "choice"):
        return None
    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError:
        return f"not a value of type {decl.type}"
    if isinstance(parsed, dict):
        return f"not a value of type {decl.type}"
    name = question.key.removeprefix("terms.")
    _, problems = validate_terms({name: parsed}, {name: decl}, (), set(), lambda _path, message: message)
    return problems[0] if problems else None


def ask(answers: dict[str, str], prompt: Callable[[Question], str], declared: tuple = ()) -> dict[str, str]:
    """Ask every question (a new kind changes the title's default), the library's deal terms last; `prompt`
    returns a checked answer."""
    answers = dict(answers)
    for question in questions(answers, declared):
        if question.key == "title" and answers["title"] in KINDS.values():
            question = Question("title", question.text, KINDS[answers["kind"]])
        answers[question.key] = prompt(question).strip()
    if answers.get(MORE_TERMS) == "yes":
        for question in _split_terms(answers, declared)[1]:
            answers[question.key] = prompt(question).strip()
    return answers


# The question whose answer a field of the written deal holds (a problem at that field is asked again).
_ANSWERED = {"deal.id": "id", "deal.kind": "kind", "deal.title": "title", "deal.effective_date": "effective_date",
             "deal.governing_law": "governing_law", "deal.language": "language", "deal.purpose": "purpose",
             "term.initial_months": "initial_months", "term.renewal": "renewal", "conflict_resolution.final": "final",
             "conflict_resolution.courts": "forum", "conflict_resolution.arbitration": "forum",
             "exit.termination_for_convenience.notice_days": "notice_days",
             "exit.termination_for_convenience": "convenience", "exit.transition.assistance_months": "assistance_months"}
_PARTY_FIELDS = {"name": "name", "short_name": "short_name", "jurisdiction": "jurisdiction", "address": "address",
                 "signatory.name": "signatory", "signatory.title": "signatory_title", "signatory": "signatory"}


def answered_by(path: str | None) -> str | None:
    """The key of the question whose answer the deal field at `path` holds (`parties[1].short_name` →
    `b.short_name`), or None for a field no question sets."""
    if not path:
        return None
    if path.startswith("terms."):
        return "terms." + path.split(".")[1]
    party = re.fullmatch(r"parties\[([01])\]\.(.+)", path)
    if party:
        rest = party.group(2)
        key = next((v for k, v in _PARTY_FIELDS.items() if rest == k or rest.startswith(k + ".")), None)
        return f"{'ab'[int(party.group(1))]}.{key}" if key else None
    return next((v for k, v in _ANSWERED.items() if path == k or path.startswith(k + ".")), None)


def deal_problems(answers: dict[str, str], declared: tuple, library: Path | None, library_rev: str | None,
                  name: str = "DEAL.yaml") -> list[Problem]:
    """What `termsmith check` would refuse in the deal these answers write (its structure and business rules,
    then what the library asks of it): each answer passed its own check, but a deal is more than its answers
    one by one (a term too long, two short names alike, a language the library has no words for)."""
    from termsmith.deal.load import load_bytes
    from termsmith.deal.validate import validate
    from termsmith.errors import InputError
    from termsmith.library.opening import open_library
    from termsmith.pipeline import checked_context

    try:
        loaded = load_bytes(deal_text(answers, SCHEMA_NAME, name, declared).encode("utf-8"), name)
        deal = validate(loaded)
        checked_context(deal, loaded, open_library(library, library_rev))
    except InputError as exc:
        return [p for p in exc.problems if p.severity == "error"]
    return []


def problems_by_question(answers: dict[str, str], declared: tuple, library: Path | None, library_rev: str | None,
                         name: str = "DEAL.yaml") -> list[tuple[Problem, Question | None]]:
    """Each problem `check` would find in the deal these answers write (`deal_problems`), with the question to ask
    again for it (its default the current answer), or None where no question sets the field."""
    asked = {q.key: q for q in [*questions(answers, declared), *term_questions(declared)]}
    out: list[tuple[Problem, Question | None]] = []
    for problem in deal_problems(answers, declared, library, library_rev, name):
        q_ = asked.get(answered_by(problem.path) or "")
        out.append((problem, None if q_ is None else
                    Question(q_.key, q_.text, answers.get(q_.key, q_.default), q_.choices, q_.declared)))
    return out


# ── the deal file ─────────────────────────────────────────────────────────────────────────
def _y(value: str) -> str:
    """A YAML scalar for a string answer (quoted when YAML would read it as something else)."""
    import yaml

    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    text = text.removesuffix("...").strip()
    if text != value or value.lower() in ("yes", "no", "on", "off", "true", "false", "null", "~") \
            or re.fullmatch(r"[\d.:+-]+", value):
        return json.dumps(value, ensure_ascii=False)
    return text


_KIND_SCOPE = {
    "technology": "",
    "strategic_alliance": """\
  strategic_alliance:
    competitors: true                # actual or potential competitors: competition-law safeguards apply
    # clean_team: true               # share competitively sensitive information only in a clean team
    material_approval_business_days: 5
    brand_cure_days: 5
""",
    "reseller": """\
  territory: the European Union
  products:
    - The first product the reseller may resell.
  reseller:
    discount_percent: 20             # off list price
    # minimum_annual_commitment: 100000   # in the budget currency
    delivery: licence_keys           # licence_keys | download | goods
    order_acceptance_business_days: 2
    delivery_business_days: 5
    warranty_days: 90
    sales_reports: quarterly         # monthly | quarterly | semi_annual | annual
""",
    "joint_venture": """\
  joint_venture:
    arrangement: cost_sharing        # cost_sharing | partnership: `termsmith check` explains both
    # vehicle: {name: Venture Ltd, jurisdiction: England and Wales}   # a company instead of an arrangement;
    #   it then needs board, transfers and deadlock (see `termsmith schema`)
    contributions:
      {a}: What the first party contributes.
      {b}: What the second party contributes.
""",
    "managed_service": """\
  managed_service:
    services:
      - The first service provided.
    # locations: [London]
    # security_standard: ISO/IEC 27001:2022
""",
}


_PAYMENTS = """\
payments:                    # the charges for the services, paid to the provider
  currency: EUR
  payment_terms_days: 30
  streams:
    - {id: charges, type: service_charge, payer: {b}, payee: {a}, amount: 10000, per: month, in_advance: true}
"""
_PAYMENTS_COMMENT = """\
# payments:                  # optional: referral fees, revenue shares, licence fees, royalties between the parties
#   currency: EUR
#   payment_terms_days: 30
#   statements: quarterly
#   streams:
#     - {id: royalty, type: royalty, payer: {a}, payee: {b}, percent: 10, revenue: the net revenue {a} receives for the offering}
"""


def deal_text(answers: dict[str, str], schema: str, filename: str = "DEAL.yaml", declared: tuple = ()) -> str:
    """The deal file for these answers: valid as it is, every optional section shown as a comment."""
    a, b = _slug(answers["a.short_name"], "first"), _slug(answers["b.short_name"], "second")
    if a == b:
        a, b = a + "-1", b + "-2"
    # a party id YAML would read as something else (short name ON, Yes, No, Null or 2024) is quoted wherever
    # the file names it, so it stays the text it is
    a, b = _y(a), _y(b)
    kind = answers["kind"]
    final = answers["final"]
    forum = (f"  courts: {{venue: {_y(answers['forum'])}}}\n" if final == "courts" else
             f"  arbitration: {{rules: LCIA, seat: {_y(answers['forum'])}, arbitrators: 1}}\n")
    convenience = (f"{{allowed: true, notice_days: {int(answers['notice_days'])}}}"
                   if answers["convenience"] == "yes" else "{allowed: false}")
    renewal = answers["renewal"]
    scope = _KIND_SCOPE[kind].replace("{a}", a).replace("{b}", b)
    payments = (_PAYMENTS if kind == "managed_service" else _PAYMENTS_COMMENT).replace("{a}", a).replace("{b}", b)
    parts = [SCHEMA_LINE.format(target=schema) + "\n", f"""\
# A termsmith deal file ({kind}). Check it with `termsmith check {filename}`, draft it with `termsmith draft`.
# Every section marked "optional" may be left out: its clauses then drop out of the draft.
termsmith: 1

deal:
  id: {_y(answers['id'])}
  title: {_y(answers['title'])}
  kind: {kind}                 # {' | '.join(KINDS)}
  effective_date: {answers['effective_date']}   # YYYY-MM-DD
  governing_law: {_y(answers['governing_law'])}
  language: {answers['language']}
  purpose: {_y(answers['purpose'])}

parties:
"""]
    for side, pid in (("a", a), ("b", b)):
        parts.append(f"""\
  - id: {pid}
    name: {_y(answers[side + '.name'])}
    short_name: {_y(answers[side + '.short_name'])}
    jurisdiction: {_y(answers[side + '.jurisdiction'])}
    address: {_y(answers[side + '.address'])}
    # registration: "01234567"
    # notices_email: legal@example.com
    signatory: {{name: {_y(answers[side + '.signatory'])}, title: {_y(answers[side + '.signatory_title'])}}}
""")
    head = "scope:" if scope else "# scope:"
    parts.append(f"""
{head}                       # optional: territory, exclusivity, products{", and this kind's terms" if scope else ""}
  # territory: the European Union
  # exclusive: false
  # products: [The product]
{scope}
term:
  initial_months: {int(answers['initial_months'])}
  renewal: {renewal}           # automatic | by_agreement | none
""")
    if renewal == "automatic":
        parts.append("  renewal_months: 12\n  non_renewal_notice_days: 90\n")
    parts.append(f"""
roles:
  alliance_managers:
    {a}: {ALLIANCE_MANAGER}
    {b}: {ALLIANCE_MANAGER}
  responsibilities:
    - party: {a}
      duties:
        - {DUTIES[0]}
    - party: {b}
      duties:
        - {DUTIES[1]}

# governance:                # optional: steering committee, performance reviews, KPIs
#   steering_committee: {{members_per_party: 2, meeting_cadence: quarterly}}
#   performance_reviews: quarterly

# slas:                      # optional: service levels and service credits
#   measurement_period: monthly
#   reporting: monthly
#   support_hours: Business Days 09:00-17:00
#   service_credit_cap_percent: 10
#   metrics:
#     - {{id: availability, provider: {a}, description: Availability of the service, target: 99.5, unit: percent}}

# budget:                    # optional: the shared budget and how it is paid
#   currency: EUR            # an ISO 4217 code such as EUR, GBP or USD
#   total: 100000
#   cost_sharing: {{{a}: 50, {b}: 50}}
#   payment_terms_days: 30
#   invoicing: quarterly     # monthly | quarterly | milestone

{payments}
conflict_resolution:
  escalation:
    - {{level: Alliance managers, days: 10}}
    - {{level: Chief executives, days: 15}}
  # mediation: {{provider: CEDR, days: 30}}
  final: {final}              # courts | arbitration
{forum}
exit:
  termination_for_convenience: {convenience}
  termination_for_cause: {{cure_days: 30}}
  change_of_control: {{terminable: false}}   # or {{terminable: true, notice_days: 60}}
  transition:
    assistance_months: {int(answers['assistance_months'])}
    fees: none                # none | cost_plus | fixed
  # post_termination: {{existing_customer_support_months: 12, non_solicitation_months: 12}}

options:
  # confidentiality_years: 5
  # A fixed cap on each party's liability; where fees or a budget are paid between the parties, a multiple of
  # them may be used instead or as well: {{multiple_of_annual_fees: 1.0}}
  liability_cap: {{multiple_of_annual_fees: null, fixed_amount: 500000, currency: EUR}}   # an ISO 4217 code
""")
    parts.append(_terms_text(answers, declared))
    return "".join(parts)


def _terms_text(answers: dict[str, str], declared: tuple) -> str:
    """The `terms:` section for the deal terms the library declares: answered ones as values, the rest as
    comments showing their type and default."""
    if not declared:
        return ""
    lines = ["", "# Deal terms the clause library declares (`termsmith schema --library …` describes each one):",
             "terms:"]
    given = 0
    for name, decl in declared:
        value = answers.get(f"terms.{name}", "").strip()
        about = f"{decl.type}: {decl.description}" if decl.description else decl.type
        if value:
            lines.append(f"  {name}: {_y(value) if decl.type in ('text', 'party', 'choice') else value}   # {about}")
            given += 1
        elif decl.default is None:
            lines.append(f"  # {name}:   # {about} (no default)")
        else:  # uncommenting the line keeps the default, ready to negotiate
            lines.append(f"  # {name}: {json.dumps(decl.default, default=str)}   # {about}")
    if not given:
        lines[2] = "# terms:"
    return "\n".join(lines) + "\n"


def check_new_name(path: Path) -> None:
    """A new deal file is named NAME.yaml (asked before any question, said again when it is written), on one
    line: its name is written into the file's opening comment, which a line break would end early."""
    if any(not char.isprintable() for char in str(path)):
        raise OutputError(Problem(file=str(path), message="the name holds a line break or another control "
                                                          "character: choose a name without one"))
    if path.name.lower() in (".yaml", ".yml"):
        raise OutputError(Problem(file=str(path), message="give the deal file a name before .yaml, e.g. deal.yaml"))
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise OutputError(Problem(file=str(path), message="a new deal file is YAML: name it .yaml"))


def exists(path: Path) -> bool:
    """Whether something is at `path`; a name the file system cannot hold (too long) is refused as unwritable
    (Path.exists raises it in Python 3.11)."""
    try:
        return Path(path).exists()
    except OSError as exc:
        raise OutputError(Problem(file=str(path), message=f"cannot write: {exc.strerror or exc}")) from None


def write_new(path: Path, text: str, *, force: bool = False) -> Path:
    """Write a new deal file; an existing file is never overwritten without `force`."""
    from termsmith.write import write_files

    path = Path(path)
    if exists(path) and not force:
        raise OutputError(Problem(file=str(path), message="already exists; choose another name, or --force to replace it"))
    check_new_name(path)
    write_files({path: text.encode("utf-8")})
    return path
