"""Compose selected clauses into a Draft: render their text, number them, resolve references, define terms."""

from __future__ import annotations

import collections
import functools
import hashlib
import re
import urllib.parse
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jinja2.exceptions import SecurityError, TemplateError, UndefinedError

from termsmith.draft.document import (
    Block, Clause as DraftClause, CrossRef, Draft, Inline, Paragraph, Provenance,
    Section, SignatureBlock, Span, Table, TermDefinition, item_label, plain_text,
)
from termsmith.errors import LibraryError, Problem, TermsmithError
from termsmith.library.clauses import DEFINITIONS_CLAUSE, Clause, Library
from termsmith.draft.mdparse import MARK_CLOSE, MARK_OPEN, MdBlock, MdList, MdParagraph, MdTable, parse
from termsmith.draft.sandbox import guarded_render
from termsmith.inputs import NOT_XML
from termsmith.draft.select import Selection
from termsmith.draft.housestyle import NO_RESTYLE, Restyle
from termsmith.draft.definedterms import (deal_strings, draft_terms, glossary_of, term_pattern, terms_in, used_terms,
                                          without_values)
from termsmith.draft.templating import JURISDICTION_KEY, STYLE_KEY, MdSafe, format_date, terms_cased

if TYPE_CHECKING:
    from termsmith.deal.model import Deal

REF_SCHEME = "termsmith:ref/"
DEFINE_SCHEME = "termsmith:define/"
MAX_ITEM_LEVEL = 4


@dataclass(frozen=True)
class Target:
    """What a cross-reference to a clause or section shows and points at: its number, its bookmark, its kind."""

    label: str
    anchor: str
    kind: str  # article | schedule | signatures | clause


@functools.lru_cache(maxsize=32_768)  # every draft names the same clauses and sections again
def anchor_for(ident: str) -> str:
    """A Word bookmark name for a clause or section id: hidden (_Ref…), at most 40 characters, unique."""
    clean = re.sub(r"[^A-Za-z0-9]", "_", ident)
    if len(clean) <= 30:
        return f"_Ref_{clean}"
    digest = hashlib.sha1(ident.encode()).hexdigest()[:8]
    return f"_Ref_{clean[:25]}_{digest}"


def by_section(selection: Selection) -> dict[str, list[Clause]]:
    """The selected clauses of each section, in order."""
    found: dict[str, list[Clause]] = {section.id: [] for section in selection.sections}
    for clause in selection.clauses:
        found.setdefault(clause.meta.area, []).append(clause)
    return found


def number_targets(selection: Selection) -> dict[str, Target]:
    """Every clause's and section's number, known before any text is rendered."""
    targets: dict[str, Target] = {}
    counts = {"article": 0, "schedule": 0, "signatures": 0}
    sections = by_section(selection)
    for section in selection.sections:
        kind = section.kind
        counts[kind] += 1
        n = counts[kind]
        label = str(n) if kind == "article" else f"Schedule {n}" if kind == "schedule" else ""
        targets[section.id] = Target(label, anchor_for(section.id), kind)
        for m, clause in enumerate(sections[section.id], start=1):
            clause_label = f"{n}.{m}" if kind == "article" else str(m) if kind == "schedule" else ""
            targets[clause.id] = Target(clause_label, anchor_for(clause.id), "clause")
    return targets


@dataclass
class _Rendering:
    """Per-draft state shared by the template functions ref(), has() and define()."""

    targets: dict[str, Target]
    restyle: Restyle = NO_RESTYLE
    current: Clause | None = None
    inline_terms: dict[str, str] = field(default_factory=dict)  # term → clause id that defines it

    def ref(self, target_id: str) -> MdSafe:
        target = self.targets.get(str(target_id))
        if target is None:
            raise LibraryError(Problem(
                file=self.current.path if self.current else "", path=self.current.id if self.current else "",
                message=f"refers to '{target_id}', which is not in this draft; guard it with has(\"{target_id}\")",
                code="dangling-ref",
            ))
        return MdSafe(f"{MARK_OPEN}{REF_SCHEME}{target_id}{MARK_CLOSE}")

    def names(self, context: dict) -> dict:
        """What the draft's clause text sees: the deal's context and this draft's template functions, as plain
        functions (the sandbox checks a call of a plain function faster than one of a bound method, and a
        wrong call's message names `ref()`, as the clause text does, not this class)."""

        def ref(target_id: str) -> MdSafe:
            return self.ref(target_id)

        def has(target_id: str) -> bool:
            return self.has(target_id)

        def define(term: str) -> MdSafe:
            return self.define(term)

        return {**context, "ref": ref, "has": has, "define": define}

    def has(self, target_id: str) -> bool:
        return str(target_id) in self.targets

    def define(self, term: str) -> MdSafe:
        term = self.restyle.text(" ".join(str(term).split()))
        owner = self.current.id if self.current else ""
        if term in self.inline_terms and self.inline_terms[term] != owner:
            raise LibraryError(Problem(file=self.current.path if self.current else "", path=owner,
                                       message=f"'{term}' is already defined by {self.inline_terms[term]}"))
        self.inline_terms[term] = owner
        return MdSafe(f"{MARK_OPEN}{DEFINE_SCHEME}{urllib.parse.quote(term, safe='')}{MARK_CLOSE}")

    def link_hook(self, href: str, bold: bool, italic: bool) -> Inline | None:
        if href.startswith(REF_SCHEME):
            target_id = href[len(REF_SCHEME):]
            target = self.targets.get(target_id)
            if target is None:
                return None
            return CrossRef(target_id, target.anchor, target.label, bold, italic)
        if href.startswith(DEFINE_SCHEME):
            return TermDefinition(urllib.parse.unquote(href[len(DEFINE_SCHEME):]))
        return None


def render_text(library: Library, clause: Clause, names: dict, state: _Rendering,
                term: str | None = None) -> tuple[MdBlock, ...]:
    """Run a clause's template (or the definition of one of its `defines` terms) and parse its Markdown.
    `names`: the deal's context with the draft's ref(), has() and define() (`_Rendering.names`)."""
    return _resolved(_rendered(library, clause, names, state, term), clause, state)


def _rendered(library: Library, clause: Clause, names: dict, state: _Rendering, term: str | None = None) -> str:
    """The Markdown a clause's template (or a definition's) gives for this draft, checked."""
    template = (library.template(clause, None if clause.deal_wording else state.restyle) if term is None
                else library.definition_template(clause, term, state.restyle))
    state.current = clause
    try:
        text = guarded_render(template, names)
    except TermsmithError as exc:
        line = _template_line(exc, clause.path) or clause.body_line
        exc.problems[:] = [p if p.line is not None else Problem(**{**p.__dict__, "line": line}) for p in exc.problems]
        raise
    except (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, AttributeError, KeyError,
            IndexError, RecursionError) as exc:
        # a fault no line of the template names (a limit of the whole text): where the text starts
        raise LibraryError(Problem(file=clause.path, line=_template_line(exc, clause.path) or clause.body_line,
                                   path=clause.id, message=_template_message(exc))) from None
    bad = NOT_XML.search(text)
    if bad:
        raise LibraryError(Problem(file=clause.path, line=clause.body_line, path=clause.id, message=(
            f"the clause text produces the control character U+{ord(bad.group()):04X}, which a Word document cannot hold")))
    return text


def _resolved(text: str, clause: Clause, state: _Rendering) -> tuple[MdBlock, ...]:
    """Rendered clause text parsed, with this draft's cross-references and definitions in its markers."""
    blocks = _parsed(text, clause.path)
    return _resolve_markers(blocks, state, clause) if MARK_OPEN in text else blocks


_REF_MARKER = re.compile(f"{MARK_OPEN}{re.escape(REF_SCHEME)}([^{MARK_CLOSE}]*){MARK_CLOSE}")


def _clause_blocks(text: str, clause: Clause, state: _Rendering, role: str, label: str, anchor: str,
                   title: str | None) -> tuple[tuple[Block, ...], str]:
    """A clause's rendered text as its numbered paragraphs, and their plain text (`blocks_text`). They follow
    from the text, the clause's heading (role, number, bookmark, title) and the numbers of what it refers
    to, so they are kept with the parsed texts (`_RecentDrafts`): the drafts of a portfolio number most
    clauses, and what they refer to, alike."""
    refs = tuple(state.targets.get(ident) for ident in _REF_MARKER.findall(text)) if MARK_OPEN in text else ()

    def make() -> tuple[tuple[Block, ...], str]:
        blocks = _Flattener(clause, role, label, anchor, title).run(_resolved(text, clause, state))
        return blocks, blocks_text(blocks)

    return _PARSED.get((text, role, label, anchor, title, refs), make)


@dataclass(frozen=True)
class _Marker:
    """A cross-reference or definition marker as parsed, before this draft's numbers are known."""

    payload: str
    bold: bool
    italic: bool


def _mark(payload: str, bold: bool, italic: bool) -> _Marker | None:
    return _Marker(payload, bold, italic) if payload.startswith((REF_SCHEME, DEFINE_SCHEME)) else None


class _RecentDrafts:
    """Parsed clause text of the draft being composed and of the few before it, and the numbered paragraphs
    each clause made of its text (`_clause_blocks`).

    Parsing is a pure function of the rendered text: deals that share a clause's wording (most clauses of
    a portfolio) parse it once. A portfolio mixes kinds of deal (a reseller agreement, then a joint
    venture, then a managed service), so the texts of the last `DRAFTS` drafts are kept, not just the
    previous one's. A batch that takes its kinds in turn meets a kind's own texts (its parties, its
    schedules) again only as many drafts later as it has kinds: with room for 8 drafts, the current one
    among them, a batch of 8 kinds in turn parsed those texts afresh every time. Counting drafts rather
    than entries means no draft is too big for it (an 8,000-clause draft keeps all its texts) and a long
    batch holds no more than `DRAFTS` drafts' worth (texts they share are held once). A parsed text's markers
    are resolved per draft; a clause's paragraphs are kept with the numbers its markers resolved to.
    """

    DRAFTS = 16

    def __init__(self) -> None:
        self.current: dict[str, tuple[MdBlock, ...]] = {}
        self.earlier: collections.deque[dict[str, tuple[MdBlock, ...]]] = \
            collections.deque(maxlen=self.DRAFTS - 1)  # newest first

    def next_draft(self) -> None:
        if self.current:
            self.earlier.appendleft(self.current)
            self.current = {}

    def parsed(self, text: str, source: str) -> tuple[MdBlock, ...]:
        # keyed by the text alone: what parses is the same from any file (a clause at two library revisions,
        # as impact and redline draft it), and only the error of a text that does not parse names its source
        return self.get(text, lambda: parse(text, source, 1, _mark))

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """What this or a recent draft kept under `key`, or `make()`, kept for this draft. (A text parsed and a
        clause's numbered paragraphs are kept side by side: keys of the two are a text and a tuple.)"""
        found = self.current.get(key)
        if found is None:
            found = next((f for draft in self.earlier if (f := draft.get(key)) is not None), None)
            if found is None:
                found = make()
            self.current[key] = found
        return found


_PARSED = _RecentDrafts()


def _parsed(text: str, source: str) -> tuple[MdBlock, ...]:
    return _PARSED.parsed(text, source)


def _resolve_markers(blocks: tuple[MdBlock, ...], state: _Rendering, clause: Clause) -> tuple[MdBlock, ...]:
    """The parsed blocks with each marker replaced by this draft's cross-reference or definition."""
    return tuple(_resolved_block(b, state, clause) for b in blocks)


# (functions of the module, not closures within _resolve_markers: a closure that calls itself is a reference
# cycle, which only the garbage collector frees, and it would keep the draft's state alive until then)
def _resolved_block(b: MdBlock, state: _Rendering, clause: Clause) -> MdBlock:
    if isinstance(b, MdParagraph):
        return MdParagraph(_resolved_inlines(b.inlines, state, clause))
    if isinstance(b, MdList):
        return MdList(b.ordered, tuple(tuple(_resolved_block(x, state, clause) for x in item) for item in b.items))
    return MdTable(tuple(_resolved_inlines(c, state, clause) for c in b.header),
                   tuple(tuple(_resolved_inlines(c, state, clause) for c in row) for row in b.rows), b.align)


def _resolved_inlines(items: tuple, state: _Rendering, clause: Clause) -> tuple:
    out = []
    for item in items:
        if isinstance(item, _Marker):
            resolved = state.link_hook(item.payload, item.bold, item.italic)
            if resolved is None:
                raise LibraryError(Problem(file=clause.path, path=clause.id,
                                           message=f"'{item.payload}' names no clause or section of this draft"))
            item = resolved
        out.append(item)
    return tuple(out)


def _template_line(exc: BaseException, path: str) -> int | None:
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _template_message(exc: BaseException) -> str:
    if isinstance(exc, UndefinedError):
        return f"undefined value: {exc.message}"
    if isinstance(exc, SecurityError):
        return f"not allowed in the sandbox: {exc}"
    return f"{type(exc).__name__}: {exc}"


# ── blocks → numbered paragraphs ──────────────────────────────────────────────────────────
class _Flattener:
    """Turns parsed Markdown into the clause's paragraphs with the labels Word's numbering will show."""

    def __init__(self, clause: Clause, role: str, label: str, anchor: str, title: str | None):
        self.clause = clause
        self.out: list[Block] = []
        self.counters = [0] * (MAX_ITEM_LEVEL + 2)
        self.head = (role, label, anchor, title)
        self.head_done = False

    def run(self, blocks: tuple[MdBlock, ...]) -> tuple[Block, ...]:
        self._walk(blocks, 1)
        if not self.head_done:
            self._emit_head(())
        return tuple(self.out)

    def _emit_head(self, inlines: tuple[Inline, ...]) -> None:
        role, label, anchor, title = self.head
        self.out.insert(0, Paragraph(role, 1, label, inlines, anchor if role == "clause" else None, title))
        self.head_done = True

    def _walk(self, blocks: tuple[MdBlock, ...], level: int) -> None:
        for block in blocks:
            if isinstance(block, MdParagraph):
                if level == 1 and not self.head_done and not self.out:
                    self._emit_head(block.inlines)
                else:
                    self.out.append(Paragraph("body", level, "", block.inlines))
            elif isinstance(block, MdTable):
                if level == 1 and not self.head_done:
                    self._emit_head(())
                self.out.append(Table(block.header, block.rows, block.align, level))
            else:
                if level == 1 and not self.head_done:
                    self._emit_head(())
                self._list(block, level + 1)

    def _list(self, block: MdList, level: int) -> None:
        if level > MAX_ITEM_LEVEL:
            raise LibraryError(Problem(file=self.clause.path, path=self.clause.id,
                                       message=f"lists are nested more than {MAX_ITEM_LEVEL - 1} deep"))
        for item in block.items:
            first = item[0] if item and isinstance(item[0], MdParagraph) else None
            inlines = first.inlines if first else ()
            if block.ordered:
                self.counters[level] += 1
                for deeper in range(level + 1, len(self.counters)):
                    self.counters[deeper] = 0
                self.out.append(Paragraph("item", level, item_label(level, self.counters[level]), inlines))
            else:
                self.out.append(Paragraph("bullet", level, "", inlines))
            self._walk(item[1:] if first else item, level)


# ── the text of blocks ─────────────────────────────────────────────────────────────────────
def blocks_text(blocks: tuple[Block, ...]) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(plain_text(block.inlines))
        else:
            for row in (block.header, *block.rows):
                parts.extend(plain_text(cell) for cell in row)
    return "\n".join(parts)


# ── the draft ──────────────────────────────────────────────────────────────────────────────
def compose(deal: Deal, library: Library, selection: Selection, context: dict, provenance: Provenance) -> Draft:
    """Render, number and cross-reference the selected clauses into a Draft."""
    _PARSED.next_draft()
    targets = number_targets(selection)
    jurisdiction = context.get(JURISDICTION_KEY)
    state = _Rendering(targets, jurisdiction.restyle if jurisdiction else NO_RESTYLE)
    styled = state.restyle.text
    titles = {c.id: styled(c.meta.title_for(deal.deal.kind)) for c in selection.clauses}
    rendered: dict[str, tuple[Block, ...]] = {}
    plain: dict[str, str] = {}  # each clause's text as it reads: where the defined terms are used
    definitions_clause = next((c for c in selection.clauses if c.id == DEFINITIONS_CLAUSE), None)
    names = state.names(context)
    with terms_cased(draft_terms(library, selection, state.restyle)):
        for clause in selection.clauses:
            text = _rendered(library, clause, names, state)
            target = targets[clause.id]
            section = library.sections[clause.meta.area]
            role = "body" if section.kind == "signatures" else "clause"
            title = titles[clause.id] if clause.meta.heading and section.kind != "signatures" else None
            rendered[clause.id], plain[clause.id] = _clause_blocks(text, clause, state, role, target.label,
                                                                   target.anchor, title)

        definitions = _definitions(library, selection, names, state, plain, deal)
    if definitions_clause is not None:
        rendered[definitions_clause.id] = rendered[definitions_clause.id] + definitions[0]
    elif definitions[0]:
        raise LibraryError(Problem(file=f"{library.root}/clauses", message=f"clauses define terms but no {DEFINITIONS_CLAUSE} clause collects them"))

    sections = []
    selected = by_section(selection)
    for spec in selection.sections:
        clauses = tuple(DraftClause(c.id, c.version, titles[c.id], targets[c.id].label, targets[c.id].anchor, rendered[c.id])
                        for c in selected[spec.id])
        sections.append(Section(spec.kind, spec.id, styled(spec.title_for(deal.deal.kind)), targets[spec.id].label, targets[spec.id].anchor,
                                clauses))

    return Draft(
        deal_id=deal.deal.id,
        title=deal.deal.title,
        subject=" ".join(deal.deal.purpose.split()),
        language=jurisdiction.document_language if jurisdiction else (deal.deal.language or "en-GB"),
        paper=jurisdiction.paper if jurisdiction else "A4",
        words=jurisdiction.words if jurisdiction else (),
        date_text=format_date(deal.deal.effective_date, context[STYLE_KEY].locale),
        effective_date=deal.deal.effective_date.isoformat(),
        parties=tuple(SignatureBlock(p.name, p.short_name, p.signatory.name, p.signatory.title) for p in deal.parties),
        sections=tuple(sections),
        provenance=provenance,
        defined_terms=definitions[1],
        status="" if deal.deal.status == "final" else library.manifest.house_style.draft_status,
    )


def _definitions(library: Library, selection: Selection, names: dict, state: _Rendering,
                 texts: dict[str, str], deal: Deal | None = None) -> tuple[tuple[Block, ...], tuple[str, ...]]:
    """The definitions of the terms the draft uses (`texts`: each clause's text as it reads), and every term
    it defines."""
    glossary = glossary_of(library, selection, state.restyle)
    for term, owner in state.inline_terms.items():
        if term in glossary:
            raise LibraryError(Problem(file=glossary[term][0].path, path=f"defines.{term}",
                                       message=f"'{term}' is also defined in place by {owner}"))
    _check_orphan_terms(library, selection, glossary, texts, state, deal)
    used = used_terms(texts, {t: text for t, (_, text, _) in glossary.items()})
    blocks: list[Block] = []
    for term in sorted(used, key=str.casefold):
        clause, _, key = glossary[term]
        parsed = render_text(library, clause, names, state, key)
        if len(parsed) != 1 or not isinstance(parsed[0], MdParagraph):
            raise LibraryError(Problem(file=clause.path, path=f"defines.{term}", message="a definition must be one paragraph"))
        blocks.append(Paragraph("definition", 1, "", (TermDefinition(term), Span(" "), *parsed[0].inlines)))
    return tuple(blocks), tuple(sorted(used | set(state.inline_terms), key=str.casefold))


def _check_orphan_terms(library: Library, selection: Selection, glossary: dict, texts: dict[str, str],
                        state: _Rendering, deal: Deal | None = None) -> None:
    """A term defined by a clause that this draft left out must not be used by the clauses it kept."""
    included = {c.id for c in selection.clauses}
    styled = state.restyle.text
    orphans = {styled(term): clause for clause in library.clauses if clause.id not in included
               for term in clause.meta.defines if styled(term) not in glossary and styled(term) not in state.inline_terms}
    orphans.update({styled(term): library.by_id[owner] for term, owner in library.inline_terms.items()
                    if owner not in included and styled(term) not in glossary and styled(term) not in state.inline_terms})
    found = sorted(terms_in(texts.values(), frozenset(orphans)))
    if found and deal is not None:  # a party called "Harbor Services Ltd" does not use the term "Services"
        values = sorted(deal_strings(deal.model_dump()), key=len, reverse=True)
        texts = {cid: without_values(text, values) for cid, text in texts.items()}
        found = sorted(terms_in(texts.values(), frozenset(orphans)))
    for term in found:
        user = next(cid for cid, text in texts.items() if term_pattern(term).search(text))
        raise LibraryError(Problem(
            file=library.by_id[user].path, path=user,
            message=f"uses the defined term '{term}', but {orphans[term].id}, which defines it, is not in this draft",
            code="undefined-term",
        ))
