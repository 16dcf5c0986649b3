"""Draft → .docx bytes: templates/reference.docx edited as an OPC package, one handler per Draft node type.

This module writes the body; wordparts.py the parts around it (header and footer, properties, page size,
lists), wordruns.py the runs of plain text, wordstyle.py holds the house style's names."""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from termsmith.draft.document import (
    Clause,
    CrossRef,
    Draft,
    LineBreak,
    Link,
    Paragraph,
    Section,
    Span,
    Table,
    TermDefinition,
    item_label,
)
from termsmith.draft import notes
from termsmith.render import layout, opc
from termsmith.render import wordxml as wx
from termsmith.render.typography import smart_quotes, run_in_title
from termsmith.draft.revisions import (
    Change,
    Deleted,
    Inserted,
    Redline,
    Retitled,
    RevisedParty,
    RevisedSection,
    Tracked,
    TrackedInline,
    TrackedRow,
    TrackedTable,
    party_on_side,
)
from termsmith.render.wordparts import (header_footer, made_instant, numbering_lists, properties, reference_archive,
                                        section_properties, set_paper)
from termsmith.render.wordruns import (PLAIN_TYPES, cross_ref_runs, emboldened, last_char, line_break_runs,
                                       merge_spans, plain_runs, span_runs, term_definition_runs)
from termsmith.render.wordstyle import (ARTICLE_HEADING, BODY_LEVELS, BODY_TEXT, BULLET_LEVELS, CLAUSE_LEVELS,
                                        CONTRACT_TABLE, COVER_DATE, COVER_PARTY, DEFINITION, EXECUTION_HEADING,
                                        HYPERLINK, INDENT, KEEP_TOGETHER_LINES, MAX_LEVEL, RUN_IN_HEADING,
                                        SCHEDULE_CLAUSES_LIST, SCHEDULE_HEADING, SCHEDULE_LEVELS, SIGNATURE_TEXT,
                                        SUBTITLE, TABLE_HEADING, TABLE_TEXT, TEXT_WIDTH, TITLE, TOC_1, TOC_HEADING)

BOOKMARK_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")  # Word's rule: ≤ 40 characters
# reviewer notes: Word comments by termsmith (absorb ignores comments by this author)
NOTES_AUTHOR, NOTES_INITIALS = notes.AUTHOR, "ts"


def render_docx(draft: Draft) -> bytes:
    """The agreement as a Word document; the same Draft always gives the same bytes."""
    package = opc.Package(reference_archive())
    _Writer(package, draft).write()
    return package.to_bytes()


def render_redline_docx(redline: Redline) -> bytes:
    """The new draft with Word revisions (w:ins/w:del) for every change from the old one; accepting them
    all gives the new draft, rejecting them all the old one."""
    package = opc.Package(reference_archive())
    _Writer(package, redline.draft, redline).write()
    return package.to_bytes()


# ── numbering: what Word will show, checked against the Draft's labels ──────────────────────
ITEM_FORMATS: dict[int, Callable[[int], str]] = {level: functools.partial(item_label, level) for level in (2, 3, 4)}


class _Counters:
    """Word's list counters: a paragraph at one level restarts every deeper level."""

    def __init__(self) -> None:
        self.values = [0] * (MAX_LEVEL + 1)

    def step(self, level: int) -> int:
        self.values[level] += 1
        self.values[level + 1:] = [0] * (len(self.values) - level - 1)
        return self.values[level]


@dataclass(frozen=True)
class _Frame:
    """How one kind of section maps paragraph roles and levels onto styles and list levels."""

    numbered: tuple[str, ...]  # styles of levels 1..4; () when the section is unnumbered
    body: tuple[str, ...]  # styles of unnumbered paragraphs at levels 1..4
    bullet: tuple[str, ...]
    table_indent_levels: int  # a table at level L is indented by (L - this) levels
    num_id: int | None = None  # a direct w:numId (schedules restart their own list)
    ilvl_offset: int = 1  # Draft level L is list level L - 1 + offset
    clause_label: Callable[[int], str] | None = None  # Word's label of the m-th clause


# ── the body as written: what the page estimate reads (layout) and what the XML is made from ────────
@dataclass(slots=True, eq=False)
class _Para(layout.Text):
    """A paragraph as written so far: its properties and content (run-level XML text); its XML is made once
    every decision about it is (keep with the next, a bookmark placed later, a comment, a revision)."""

    content: str = ""
    numbering: wx.Numbering | None = None
    jc: str | None = None
    marks: tuple[str, ...] = ()  # revisions of the paragraph mark (Revisions.mark_xml)

    def xml(self) -> str:
        return wx.paragraph_xml(self.style, self.content, keep_next=self.keep_next, page_break=self.page_break,
                                numbering=self.numbering, jc=self.jc, marks=self.marks, space_before=self.space_before)


@dataclass(slots=True, eq=False)
class _Cell(layout.Cell):
    """A table cell as written so far: its paragraphs, width, rule and alignment."""

    width: int = 0  # twips
    valign: str | None = None

    def xml(self) -> str:
        return wx.table_cell(self.width, [p.xml() for p in self.paragraphs], span=self.span,
                             bottom_rule=self.bottom_rule, valign=self.valign)


@dataclass(slots=True, eq=False)
class _Row(layout.Row):
    """A table row as written so far, with the revision marks of a row a redline inserted or deleted."""

    marks: tuple[str, ...] = ()  # revisions of the row (Revisions.mark_xml)

    def xml(self) -> str:
        return wx.table_row([cell.xml() for cell in self.cells], header=self.header, min_height=self.min_height,
                            marks=self.marks)


@dataclass(slots=True, eq=False)
class _Table(layout.Grid):
    """A table as written so far: its rows, column widths, style and indent."""

    style: str | None = None
    indent: int = 0
    first_row_is_header: bool = True

    def xml(self) -> str:
        return wx.table([row.xml() for row in self.rows], self.widths, style=self.style, indent=self.indent,
                        borderless=self.borderless, first_row_is_header=self.first_row_is_header)


# a contents entry's page number as written (its PAGEREF field's cached value), and deleted with its entry
CACHED_PAGE = wx.run("0")
DELETED_CACHED_PAGE = "<w:r><w:delText>0</w:delText></w:r>"


def _cached_page(content: str, cached: str, page: str) -> str:
    """An entry's content with its page number (the last `cached`, in its PAGEREF field) replaced."""
    at = content.rindex(cached)
    return content[:at] + page + content[at + len(cached):]


# ── the writer ─────────────────────────────────────────────────────────────────────────────
class _Writer:
    """Builds one document: collects the body's paragraphs and tables (_Para, _Table), numbers, bookmarks,
    then fills the package, writing the body as one text once every decision about it is made.

    A redline is written the same way from the new draft, with its tracked changes: an inserted or
    deleted paragraph, table or section is built as usual and then marked whole (`self.change` is
    set while it is built: a deleted item carries the old draft's numbers, which Word stops counting
    once the deletion is accepted, so they are not checked against the counters).
    """

    def __init__(self, package: opc.Package, draft: Draft, redline: Redline | None = None) -> None:
        self.package = package
        self.draft = draft
        self.redline = redline
        self.main = package.main_part
        self.numbering = package.related_part(self.main, opc.RT_NUMBERING)
        self.lists, self.next_num_id = numbering_lists(package.blob(self.numbering))
        self.restarts: list[str] = []  # the lists restarted (schedules), w:num as XML text for the numbering part
        self.blocks: list[_Para | _Table] = []  # the body, written out once every decision about it is made
        # bookmarks and revisions share one id space: Word wants annotation ids unique across both
        self.bookmark_ids: Iterator[int] = itertools.count(0)
        self.revisions = wx.Revisions(redline.author, redline.date, self.bookmark_ids) if redline else None
        self.sections = redline.sections if redline else draft.sections
        self.parties = redline.parties if redline else draft.parties
        self.title = redline.title if redline else (Span(draft.title),)
        self.date_text = redline.date_text if redline else (Span(draft.date_text),)
        self.placed: set[str] = set()
        self.anchors, self.kept_anchors = _anchors(self.sections)
        self.clause: Clause | None = None
        self.counters = _Counters()
        self.article_no = 0
        self.schedule_no = 0
        self.first_heading = True
        self.change: Change | None = None  # the whole item being built is inserted / deleted
        self.heading_title: tuple[TrackedInline, ...] | None = None  # a section heading's changed title
        self.title_runs: tuple[TrackedInline, ...] | None = None  # a clause's changed run-in title
        self.run_style: str | None = None  # character style of the runs being built
        self.bookmarked: dict[str, _Para] = {}  # bookmark name → the paragraph carrying it
        self.anchor: str | None = None  # the bookmark the next paragraph made carries
        self.page_refs: list[tuple[str, _Para]] = []  # (heading bookmark, the contents entry showing its page)
        self.depth = 0  # nesting of _inlines calls (tracked changes hold inlines)
        self.before = ""  # the character before the next run's text, for typographic quotes
        self.page = (0, 0)  # (text width, text height) in twips of the draft's paper, known when writing starts

    # ── document ──
    def write(self) -> None:
        sect_pr = section_properties(self.package.xml(self.main))
        set_paper(sect_pr, self.draft.paper)
        self.page = layout.page_area(sect_pr)  # what the page estimates (cover, contents) read
        self._cover()
        self._contents()
        for section in self.sections:
            self._section(section)
        if self.blocks and isinstance(self.blocks[-1], _Table):
            self.blocks.append(self._p(BODY_TEXT))  # Word ends a document with a paragraph, never a table
        self._page_numbers()
        self._notes()
        header_footer(self.package, sect_pr, self.draft)
        # the body as one text, put before the document's section properties as the part is written
        document = self.package.blob(self.main)
        at = document.rindex(b"<w:sectPr")
        body = "".join([block.xml() for block in self.blocks]).encode("utf-8")
        self.package.set_blob(self.main, document[:at] + body + document[at:])
        if self.restarts:
            self.package.set_blob(self.numbering, wx.numbering_with(self.package.blob(self.numbering), self.restarts))
        properties(self.package, self.draft, self.redline)

    def _cover(self) -> None:
        """The title, the parties (each on a line, with "and" between them) and the date, on the first page. When
        that does not fit on one page (about nine parties or more), the cover is a list: the title at the top of
        the page and "and" before the last party only, so that up to twenty parties fit and the contents start
        on the second page as in every other draft."""
        start = len(self.blocks)
        for crowded in (False, True):
            del self.blocks[start:]
            self.blocks.append(self._p(TITLE, self._inlines(self.title), space_before=0 if crowded else None))
            self.blocks.append(self._p(SUBTITLE, [wx.run(self.draft.word("between"))]))
            for i, party in enumerate(self.parties):
                with self._tracked(party) as item:
                    if i and (not crowded or i == len(self.parties) - 1):
                        self.blocks.append(self._p(SUBTITLE, [wx.run(self.draft.word("and"))]))
                    self.blocks.append(self._p(COVER_PARTY, self._inlines(_party_field(item, "party_name"))))
            self.blocks.append(self._p(COVER_DATE, self._inlines((Span(self.draft.word("dated") + " "),
                                                                  *self.date_text))))
            if layout.fits_one_page(self.blocks[start:], self._styles(), *self.page):
                return

    def _page_numbers(self) -> None:
        """The contents' cached page numbers, from an estimate of where the pages break (layout.py)."""
        if not self.page_refs:
            return
        styles = self._styles()
        width, height = self.page
        if self.revisions is None:
            pages = layout.page_numbers(self.blocks, styles, width, text_height=height)
            for anchor, entry in self.page_refs:
                entry.content = _cached_page(entry.content, CACHED_PAGE, wx.run(str(pages.get(anchor, 1))))
            return
        # a redline: each draft's own page numbers, a changed one as a revision, so that accepting every
        # change gives the new draft's contents and rejecting them the old one's
        new = layout.page_numbers(self.blocks, styles, width, view="accept", text_height=height)
        old = layout.page_numbers(self.blocks, styles, width, view="reject", text_height=height)
        for anchor, entry in self.page_refs:
            if "insert" in entry.changes:  # a wholly inserted or deleted entry: the pages of its own draft
                entry.content = _cached_page(entry.content, CACHED_PAGE, wx.run(str(new.get(anchor, 1))))
                continue
            if "delete" in entry.changes:
                entry.content = _cached_page(entry.content, DELETED_CACHED_PAGE,
                                             DELETED_CACHED_PAGE.replace(">0<", f">{old.get(anchor, 1)}<"))
                continue
            before, after = str(old.get(anchor, 1)), str(new.get(anchor, 1))
            page = wx.run(after)
            if before != after:
                page = (self.revisions.mark_xml("delete", f"<w:r><w:delText>{before}</w:delText></w:r>")
                        + self.revisions.mark_xml("insert", page))
            entry.content = _cached_page(entry.content, CACHED_PAGE, page)

    def _styles(self) -> layout.Styles:
        return layout.styles_of(self.package.blob(self.package.related_part(self.main, opc.RT_STYLES)))

    def _contents(self) -> None:
        """A TOC field whose cached result lists the headings with their page numbers (PAGEREF fields to the
        headings' bookmarks): it prints right before any update, and Word does not ask to update it."""
        self.blocks.append(self._p(TOC_HEADING, [wx.run(self.draft.word("contents"))]))
        entries = []
        for section in self.sections:
            with self._tracked(section, blocks=entries) as item:
                entry = self._p(TOC_1, self._toc_entry(item))
                # the entry's page number (its last CACHED_PAGE) is filled in by _page_numbers
                self.page_refs.append((_untracked(item).anchor, entry))
                entries.append(entry)
        entries = entries or [self._p(TOC_1)]
        # the field spans the entries and stays whatever happens to the first and last of them
        entries[0].content = "".join(wx.field_begin(wx.TOC_INSTRUCTION)) + entries[0].content
        entries[-1].content += wx.field_end()
        self.blocks.extend(entries)

    def _toc_entry(self, item: Section | RevisedSection) -> list[str]:
        """A cached TOC line as Word writes it: a link to the heading with its number and title."""
        section = item.section if isinstance(item, RevisedSection) else item
        number, title = _toc_number(section.kind, section.label), (Span(section.title),)
        if isinstance(item, RevisedSection):
            old = _toc_number(section.kind, item.old_label)
            number = _changed_text(old, number)
            title = item.title
        else:
            number = (Span(number),) if number else ()
        # an entry without a number (Execution) leaves the number column empty, so that its title lines up
        # and the next tab is the dotted one before the page number
        runs = [*self._inlines(number), wx.tab()] if number else [wx.tab()]
        # the page number after the dotted tab: a PAGEREF field whose cached value _page_numbers fills in
        page = wx.field(wx.pageref_instruction(section.anchor), "0")  # "0": CACHED_PAGE
        return [wx.hyperlink([*runs, *self._inlines(title), wx.tab(), *page], anchor=section.anchor)]

    # ── body paragraphs and tables, with what the page estimate needs of them ──
    def _p(self, style: str | None, children: Iterable[str] = (), *, keep_next: bool = False,
           numbering: wx.Numbering | None = None, jc: str | None = None, space_before: int | None = None) -> _Para:
        """A paragraph of the body or of a table; it carries the pending bookmark (self.anchor)."""
        xml = "".join(children)
        p = _Para(style, layout.shown(xml), keep_next=keep_next, numbering=numbering, jc=jc, space_before=space_before)
        name, self.anchor = self.anchor, None
        bookmark_id = self._claim(name) if name else None
        if bookmark_id is not None:
            xml = wx.bookmarked(bookmark_id, name, xml)
            self.bookmarked[name] = p
            p.bookmarks += (name,)
        p.content = xml
        return p

    def _signature_block(self, party_name: list[str], signatory_name: list[str],
                         signatory_title: list[str]) -> _Table:
        """A borderless table kept on one page: party, the line to sign on, signatory, title, date
        (given as the runs of the party's name in bold, the signatory's name and title)."""
        label_width, value_width = 1701, 4536
        words = self.draft.word

        def text(value: str | list[str], keep_next: bool = True) -> list[_Para]:
            runs = value if isinstance(value, list) else [wx.run(value)] if value else []
            return [self._p(SIGNATURE_TEXT, runs, keep_next=keep_next)]

        rows = [
            _Row([_Cell(text(party_name), 2, label_width + value_width)]),
            _Row([_Cell(text(words("signed_by")), 1, label_width, valign="bottom"),
                  _Cell(text(""), 1, value_width, bottom_rule=True)], 850),
            _Row([_Cell(text(words("name")), 1, label_width), _Cell(text(signatory_name), 1, value_width)]),
            _Row([_Cell(text(words("title")), 1, label_width), _Cell(text(signatory_title), 1, value_width)]),
            _Row([_Cell(text(words("date"), keep_next=False), 1, label_width, valign="bottom"),
                  _Cell(text("", keep_next=False), 1, value_width, bottom_rule=True)], 567),
        ]
        return _Table([label_width, value_width], rows, borderless=True, first_row_is_header=False)

    def _track(self, block: _Para | _Row, change: str) -> None:
        """A whole paragraph (its content and its mark), or a whole row (its mark and its paragraphs),
        inserted or deleted."""
        revisions = self._revisions()
        if isinstance(block, _Row):
            block.marks += (revisions.mark_xml(change),)
            block.changes |= {change}
            for cell in block.cells:
                for p in cell.paragraphs:
                    self._track(p, change)
            return
        if block.content:
            block.content = wx.track_fragments([block.content], change, revisions)[0]
        block.marks = (revisions.mark_xml(change), *block.marks)  # the newest first (CT_ParaRPr starts with them)
        block.changes |= {change}

    # ── tracked changes ──
    @contextmanager
    def _tracked(self, item, blocks: list[_Para | _Table] | None = None):
        """Build a possibly Tracked item; everything appended to `blocks` meanwhile is marked inserted or
        deleted as a whole. Yields the item itself."""
        if not isinstance(item, Tracked):
            yield item
            return
        if self.revisions is None:
            raise ValueError(f"a tracked change needs a redline to render it ({self._where()})")
        if self.change is not None:
            raise ValueError(f"a tracked change inside another one ({self._where()})")
        target = self.blocks if blocks is None else blocks
        start = len(target)
        self.change = item.change
        try:
            yield item.item
        finally:
            self.change = None
        for block in target[start:]:
            for part in block.rows if isinstance(block, _Table) else (block,):
                self._track(part, item.change)

    # ── sections ──
    def _section(self, item) -> None:
        with self._tracked(item) as section:
            if isinstance(section, RevisedSection):
                self.heading_title, section = section.title, section.section
            handler = SECTION_RULES.get(getattr(section, "kind", None))
            if handler is None:
                raise ValueError(f"the Word renderer cannot render a section of kind "
                                 f"{getattr(section, 'kind', type(section).__name__)!r} ({getattr(section, 'id', '')})")
            handler(self, section)

    def _heading(self, style: str, section: Section, text: str) -> None:
        title, self.heading_title = self.heading_title, None
        runs = self._inlines(title) if title is not None else [wx.run(smart_quotes(text))] if text else []
        self.anchor = section.anchor
        p = self._p(style, runs)
        if self.first_heading:
            p.page_break = True  # the body starts on the page after the contents
            self.first_heading = False
        self.blocks.append(p)

    def _article(self, section: Section) -> None:
        if self.change != "delete":
            self.article_no += 1
            _expect(section.label, str(self.article_no), f"article {section.id}")
        self.counters = _Counters()
        self._heading(ARTICLE_HEADING, section, section.title)
        number = self.article_no
        frame = _Frame(CLAUSE_LEVELS, BODY_LEVELS, BULLET_LEVELS, 0, clause_label=lambda m: f"{number}.{m}")
        self._clauses(section, frame)

    def _schedule(self, section: Section) -> None:
        if self.change != "delete":
            self.schedule_no += 1
            _expect(section.label, f"Schedule {self.schedule_no}", f"schedule {section.id}")
        self.counters = _Counters()
        self._heading(SCHEDULE_HEADING, section, section.title)
        num_id = self._restarted_list(SCHEDULE_CLAUSES_LIST)
        frame = _Frame(SCHEDULE_LEVELS, BODY_LEVELS, BULLET_LEVELS, 0, num_id=num_id, ilvl_offset=0,
                       clause_label=str)
        self._clauses(section, frame)

    def _signatures(self, section: Section) -> None:
        self._check(section.label, lambda: "", f"section {section.id}")
        self._heading(EXECUTION_HEADING, section, section.title)
        # flush left: the execution page has no numbered text to align with
        frame = _Frame((), (BODY_TEXT, *BODY_LEVELS[:-1]), (BULLET_LEVELS[0], *BULLET_LEVELS[:-1]), 1)
        self._clauses(section, frame)
        if isinstance(self.blocks[-1], _Para) and self.parties:
            self.blocks[-1].keep_next = True  # no signature page without its lead-in
        parties = self.parties
        if self.change is not None:
            # the execution page wholly deleted or inserted: its parties as that side's draft has them, each
            # already inside the section's change
            parties = [p for p in (party_on_side(party, self.change) for party in parties) if p is not None]
        for i, party in enumerate(parties):
            with self._tracked(party) as item:
                if i:
                    self.blocks.append(self._p(BODY_TEXT))  # tables side by side would merge into one
                # the same words as the Markdown twin's execution block
                party_line = (Span(self.draft.word("signed_for") + " "), *_party_field(item, "party_name"))
                self.blocks.append(self._signature_block(
                    self._inlines(party_line, bold=True),
                    *(self._inlines(_party_field(item, name)) for name in ("signatory_name", "signatory_title")),
                ))

    def _clauses(self, section: Section, frame: _Frame) -> None:
        for clause in section.clauses:
            self.clause = clause
            first = len(self.blocks)
            previous: tuple[object, _Para | _Table] | None = None
            for block in clause.blocks:
                handler = BLOCK_RULES.get(type(block))
                if handler is None:
                    raise ValueError(f"the Word renderer cannot render {type(block).__name__} (clause {clause.id})")
                start = len(self.blocks)
                handler(self, block, frame)
                block = _untracked(block)
                if previous is not None and _introduces(previous[0], block):
                    previous[1].keep_next = True
                previous = (block, self.blocks[start])
            if clause.anchor not in self.placed:
                target = next((b for b in self.blocks[first:] if isinstance(b, _Para)), None)
                if target is None:
                    raise ValueError(f"clause {clause.id} has no paragraph to carry its bookmark {clause.anchor}")
                self._bookmark(target, clause.anchor, deleted=_is_deleted(clause))
        self.clause = None

    def _restarted_list(self, name: str) -> int:
        num_id = self.next_num_id
        self.next_num_id += 1
        self.restarts.append(wx.restarted_num_xml(num_id, self.lists[name]))
        return num_id

    # ── blocks ──
    def _paragraph(self, p: Paragraph, frame: _Frame) -> None:
        handler = ROLE_RULES.get(p.role)
        if handler is None:
            raise ValueError(f"the Word renderer cannot render a paragraph of role {p.role!r} ({self._where()})")
        if not 1 <= p.level <= MAX_LEVEL:
            raise ValueError(f"paragraph level {p.level} is outside 1..{MAX_LEVEL} ({self._where()})")
        self.anchor = p.anchor  # the paragraph the handler makes carries its bookmark
        self.blocks.append(handler(self, p, frame))

    def _check(self, actual: str, expected: Callable[[], str], where: str | None = None) -> None:
        """The label must be what Word shows; an old number of a deleted paragraph is not counted. `where`:
        the place an error names (by default the clause being written, named only when it is needed)."""
        if self.change != "delete":
            label = expected()
            if actual != label:
                _expect(actual, label, where or self._where())

    def _clause_paragraph(self, p: Paragraph, frame: _Frame) -> _Para:
        lead = []
        title, self.title_runs = self.title_runs, None
        if title is None and p.title:
            title = (Span(run_in_title(p.title)),)
        if title:
            lead = [*self._inlines(title, style=RUN_IN_HEADING), *([wx.run(" ")] if p.inlines else [])]
        if not frame.numbered:
            self._check(p.label, lambda: "")
            return self._p(frame.body[0], [*lead, *self._inlines(p.inlines)])
        self._check(p.label, lambda: frame.clause_label(self.counters.step(1)))
        if self.clause is not None and p.label != self.clause.label and self.change != "delete":
            raise ValueError(f"clause {self.clause.id}: its label {self.clause.label!r} differs from "
                             f"its paragraph's {p.label!r}")
        return self._numbered(frame, 1, [*lead, *self._inlines(p.inlines)])

    def _item(self, p: Paragraph, frame: _Frame) -> _Para:
        if not frame.numbered:
            raise ValueError(f"numbered items are not supported in an unnumbered section ({self._where()})")
        if p.level < 2:
            raise ValueError(f"an item must be at level 2 or deeper, not {p.level} ({self._where()})")
        self._check(p.label, lambda: ITEM_FORMATS[p.level](self.counters.step(p.level)))
        return self._numbered(frame, p.level, self._inlines(p.inlines))

    def _numbered(self, frame: _Frame, level: int, children: list[str]) -> _Para:
        numbering = None
        if frame.num_id is not None:
            numbering = wx.Numbering(frame.num_id, level - 1 + frame.ilvl_offset)
        return self._p(frame.numbered[level - 1], children, numbering=numbering)

    def _body(self, p: Paragraph, frame: _Frame) -> _Para:
        self._check(p.label, lambda: "")
        return self._p(frame.body[p.level - 1], self._inlines(p.inlines))

    def _bullet(self, p: Paragraph, frame: _Frame) -> _Para:
        self._check(p.label, lambda: "")
        return self._p(frame.bullet[p.level - 1], self._inlines(p.inlines))

    def _definition(self, p: Paragraph, frame: _Frame) -> _Para:
        self._check(p.label, lambda: "")
        first = p.inlines[0] if p.inlines else None
        while isinstance(first, Inserted | Deleted) and first.inlines:  # a redline that changed the term
            first = first.inlines[0]
        if not isinstance(first, TermDefinition):
            raise ValueError(f"a definition paragraph must start with the term it defines ({self._where()})")
        return self._p(DEFINITION, self._inlines(p.inlines))

    def _table(self, t: Table | TrackedTable, frame: _Frame) -> None:
        columns = len(t.align)
        rows = [r if isinstance(r, TrackedRow) else TrackedRow(r) for r in t.rows]
        if len(t.header) != columns or any(len(row.cells) != columns for row in rows):
            raise ValueError(f"a table's header, rows and alignments differ in length ({self._where()})")
        if not 1 <= t.level <= MAX_LEVEL:
            raise ValueError(f"table level {t.level} is outside 1..{MAX_LEVEL} ({self._where()})")
        jc = [None if a == "left" else a for a in t.align]
        header = [[self._p(TABLE_HEADING, self._inlines(cell), jc=jc[i])] for i, cell in enumerate(t.header)]
        body = [[[self._p(TABLE_TEXT, self._inlines(cell), jc=jc[i])] for i, cell in enumerate(row.cells)]
                for row in rows]
        indent = (t.level - frame.table_indent_levels) * INDENT
        texts = [[_cell_text(cell) for cell in row] for row in (header, *body)]
        widths = layout.column_widths(texts, TEXT_WIDTH - indent)
        if layout.table_lines(texts[1:], widths) <= KEEP_TOGETHER_LINES:
            # a short table is kept on one page; a long one breaks between rows (its lead-in and header row
            # stay with its first row, and the header repeats): keeping it whole would leave a page part blank
            kept = body[:-1]
        else:
            # … but not right after its first row, nor right before its last: no row alone on a page under a
            # repeated header (the canonical exit timetable left its last row, and the schedule's closing
            # words, alone on the schedule's last page)
            kept = [body[0], body[-2]] if len(body) >= 3 else []
        for row in kept:
            for cell in row:
                for p in cell:
                    p.keep_next = True
        table_rows = [_Row([_Cell(cell, 1, widths[i]) for i, cell in enumerate(header)], header=True)]
        for row, cells in zip(rows, body, strict=True):
            table_rows.append(_Row([_Cell(cell, 1, widths[i]) for i, cell in enumerate(cells)]))
            if row.change is not None:
                self._track(table_rows[-1], row.change)
        self.blocks.append(_Table(widths, table_rows, style=CONTRACT_TABLE, indent=indent))
        # a paragraph after every table: two tables in a row would merge, and the next text needs air
        self.blocks.append(self._p(frame.body[t.level - 1]))

    def _tracked_block(self, tracked: Tracked, frame: _Frame) -> None:
        with self._tracked(tracked) as block:
            handler = BLOCK_RULES.get(type(block))
            if handler is None or isinstance(block, Tracked):
                raise ValueError(f"the Word renderer cannot track {type(block).__name__} ({self._where()})")
            handler(self, block, frame)

    def _retitled(self, retitled: Retitled, frame: _Frame) -> None:
        if retitled.paragraph.role != "clause":
            raise ValueError(f"only a clause paragraph has a run-in title ({self._where()})")
        self.title_runs = retitled.title
        self._paragraph(retitled.paragraph, frame)

    # ── inlines ──
    def _inlines(self, items: Iterable[TrackedInline], *, style: str | None = None,
                 bold: bool = False) -> list[str]:
        if self.depth == 0 and type(items) is tuple and PLAIN_TYPES.issuperset(map(type, items)):
            # text without tracked changes or links: its runs depend on nothing but the items themselves
            for item in items:
                if type(item) is CrossRef:
                    self._target(item)
            return list(plain_runs(items, style or self.run_style, bold))
        out: list[str] = []
        outer, self.run_style = self.run_style, style or self.run_style
        self.depth += 1
        if self.depth == 1:
            self.before = ""  # a new stretch of text: a quote at its start opens
        try:
            for item in merge_spans(emboldened(items) if bold else items):
                handler = INLINE_RULES.get(type(item))
                if handler is None:
                    raise ValueError(f"the Word renderer cannot render {type(item).__name__} ({self._where()})")
                out += handler(self, item)
                self.before = last_char(item, self.before)
        finally:
            self.run_style = outer
            self.depth -= 1
        return out

    def _span(self, span: Span) -> list[str]:
        return span_runs(span, self.run_style, self.before)

    def _line_break(self, item: LineBreak) -> list[str]:
        return line_break_runs(item, self.run_style, self.before)

    def _cross_ref(self, ref: CrossRef) -> Sequence[str]:
        return cross_ref_runs(self._target(ref), self.run_style, self.before)

    def _target(self, ref: CrossRef) -> CrossRef:
        """`ref`, once the bookmark it points at is known to be in the draft."""
        if ref.anchor not in self.anchors:
            raise ValueError(f"cross-reference to {ref.target} points at bookmark {ref.anchor}, "
                             f"which nothing in the draft carries ({self._where()})")
        return ref

    def _term_definition(self, term: TermDefinition) -> list[str]:
        return term_definition_runs(term, self.run_style, self.before)

    def _link(self, link: Link) -> list[str]:
        r_id = self.package.relate(self.main, opc.RT_HYPERLINK, link.href, external=True)
        runs = []
        for child in merge_spans(link.children):
            if not isinstance(child, Span):
                problem = f"a link may only contain text, not {type(child).__name__} ({self._where()})"
                raise ValueError(problem)  # noqa: TRY004 - one error type for every renderer problem
            rpr = wx.run_properties(style=HYPERLINK, bold=child.bold, italic=child.italic, strike=child.strike)
            runs.append(wx.run(child.text, rpr))
        return [wx.hyperlink(runs, r_id=r_id)]

    def _inserted(self, item: Inserted) -> list[str]:
        return wx.track_fragments(self._inlines(item.inlines), "insert", self._revisions())

    def _deleted(self, item: Deleted) -> list[str]:
        return wx.track_fragments(self._inlines(item.inlines), "delete", self._revisions())

    def _revisions(self) -> wx.Revisions:
        if self.revisions is None:
            raise ValueError(f"a tracked change needs a redline to render it ({self._where()})")
        return self.revisions

    # ── bookmarks, errors ──
    def _claim(self, name: str, *, deleted: bool = False) -> int | None:
        """The id of the bookmark `name`, placed now; None when deleted text need not carry it."""
        # deleted text keeps its bookmark (deleted references point at it) unless the new text has it
        if (deleted or self.change == "delete") and (name in self.kept_anchors or name in self.placed):
            return None
        if name in self.placed:
            raise ValueError(f"bookmark {name} is placed twice ({self._where()})")
        self.placed.add(name)
        return next(self.bookmark_ids)

    def _bookmark(self, p: _Para, name: str, *, deleted: bool = False) -> None:
        """A bookmark around the content of a paragraph already written (most are made with theirs: _p)."""
        bookmark_id = self._claim(name, deleted=deleted)
        if bookmark_id is not None:
            self.bookmarked[name] = p
            p.bookmarks += (name,)
            p.content = wx.bookmark_content(p.content, bookmark_id, name, revised=bool(p.marks))

    # ── notes for the reviewer ──
    def _notes(self) -> None:
        """Each of the draft's notes as a Word comment by termsmith on the paragraph that carries the
        bookmark of its clause or section (word/comments.xml). A redline shows the changes, not notes."""
        if self.redline is not None or not self.draft.notes:
            return
        comments = []
        date = wx.w3cdtf(made_instant(self.draft))
        for note in self.draft.notes:
            p = self.bookmarked.get(note.anchor)
            if p is None:
                raise ValueError(f"a note about {note.target} points at bookmark {note.anchor}, "
                                 "which nothing in the draft carries")
            comment_id = next(self.bookmark_ids)
            p.content = wx.commented(comment_id, p.content)
            comments.append(wx.comment(comment_id, NOTES_AUTHOR, NOTES_INITIALS, date, smart_quotes(note.text),
                                       heading=notes.KIND_TITLES.get(note.kind)))
        partname = "/word/comments.xml"
        self.package.add_part(partname, wx.COMMENTS_CT, wx.comments_part(comments))
        self.package.relate(self.main, opc.RT_COMMENTS, partname)

    def _where(self) -> str:
        return f"clause {self.clause.id}" if self.clause else "the draft"



def _anchors(sections: Iterable) -> tuple[set[str], set[str]]:
    """Every bookmark the draft asks for: valid Word names, each carried by one section or clause.

    Returns (all anchors, the anchors of what a redline keeps): deleted text may refer to a clause
    that only the old draft has, and carries that clause's bookmark unless the new text has it."""
    owners: dict[str, str] = {}
    kept: set[str] = set()

    def claim(name: str, owner: str, deleted: bool) -> None:
        known = owners.get(name)
        if known is None:  # a name is checked when first claimed (a clause's paragraph repeats the clause's)
            if not BOOKMARK_NAME.match(name):
                raise ValueError(f"{owner}: {name!r} is not a Word bookmark name "
                                 "(letters, digits and _, at most 40 characters)")
            owners[name] = owner
        elif known != owner:
            raise ValueError(f"bookmark {name} is claimed by both {known} and {owner}")
        if not deleted:
            kept.add(name)

    for item in sections:
        section_deleted = isinstance(item, Tracked) and item.change == "delete"
        section = _untracked(item)
        claim(section.anchor, f"section {section.id}", section_deleted)
        for clause in section.clauses:
            owner = f"clause {clause.id}"
            clause_deleted = section_deleted or _is_deleted(clause)
            claim(clause.anchor, owner, clause_deleted)
            for block in clause.blocks:
                deleted = clause_deleted or (isinstance(block, Tracked) and block.change == "delete")
                block = _untracked(block)
                if isinstance(block, Paragraph) and block.anchor:
                    claim(block.anchor, owner, deleted)
    return set(owners), kept


def _untracked(item):
    """The Draft node inside a tracked-change wrapper."""
    if isinstance(item, Tracked):
        return item.item
    if isinstance(item, Retitled):
        return item.paragraph
    if isinstance(item, RevisedSection):
        return item.section
    return item


def _is_deleted(clause: Clause) -> bool:
    """A clause only the old draft has: every block of it deleted."""
    return bool(clause.blocks) and all(isinstance(b, Tracked) and b.change == "delete" for b in clause.blocks)


def _party_field(party, name: str) -> tuple[TrackedInline, ...]:
    value = getattr(party, name)
    if isinstance(party, RevisedParty):
        return value
    return (Span(value),) if value else ()


def _changed_text(old: str, new: str) -> tuple[TrackedInline, ...]:
    """A short text (a number) that is either unchanged or has its changed words replaced: the words both
    share stay as they are ("Schedule 3" → "Schedule 2" deletes "3" and inserts "2"), so that a renumbered
    schedule's contents entry fits its number column instead of showing "Schedule 3Schedule 2"."""
    if old == new:
        return (Span(new),) if new else ()
    common = len(os.path.commonprefix([old, new]))
    common = old.rfind(" ", 0, common) + 1 if old and new else 0  # up to the last space they share
    kept, old, new = new[:common], old[common:], new[common:]
    return (((Span(kept),) if kept else ()) + ((Deleted((Span(old),)),) if old else ())
            + ((Inserted((Span(new),)),) if new else ()))


def _toc_number(kind: str, label: str) -> str:
    return {"article": f"{label}.", "schedule": label}.get(kind, "")


def _introduces(before: object, after: object) -> bool:
    """A lead-in ("…as follows:") stays on the page of the first item, definition or table it introduces."""
    if not isinstance(before, Paragraph):
        return False
    if isinstance(after, Table):
        return True
    return isinstance(after, Paragraph) and (
        (after.role in ("item", "bullet") and after.level > before.level)
        or (after.role == "definition" and before.role != "definition")
    )


def _expect(actual: str, expected: str, where: str) -> None:
    """The Draft's label must be what Word's numbering will show, or the twin and the cached REFs lie."""
    if actual != expected:
        raise ValueError(f"{where}: the draft says {actual!r} but Word's numbering shows {expected!r}")

def _cell_text(paragraphs: list[_Para]) -> str:
    return " ".join([wx.texts(p.content) for p in paragraphs])


# ── the handler tables: a Draft node type the renderer does not know is an error, never dropped ──
SECTION_RULES: dict[str, Callable[[_Writer, Section], None]] = {
    "article": _Writer._article,
    "schedule": _Writer._schedule,
    "signatures": _Writer._signatures,
}
BLOCK_RULES: dict[type, Callable[[_Writer, object, _Frame], None]] = {
    Paragraph: _Writer._paragraph,
    Table: _Writer._table,
    Tracked: _Writer._tracked_block,
    Retitled: _Writer._retitled,
    TrackedTable: _Writer._table,
}
ROLE_RULES: dict[str, Callable[[_Writer, Paragraph, _Frame], _Para]] = {
    "clause": _Writer._clause_paragraph,
    "item": _Writer._item,
    "body": _Writer._body,
    "bullet": _Writer._bullet,
    "definition": _Writer._definition,
}
INLINE_RULES: dict[type, Callable[[_Writer, object], Iterable[str]]] = {
    Span: _Writer._span,
    LineBreak: _Writer._line_break,
    CrossRef: _Writer._cross_ref,
    TermDefinition: _Writer._term_definition,
    Link: _Writer._link,
    Inserted: _Writer._inserted,
    Deleted: _Writer._deleted,
}
