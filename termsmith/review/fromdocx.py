"""A Word document read back (review/docx.py) as a Draft, so that it can be compared like any draft.

Styles say what each paragraph is (termsmith's house styles: article and schedule headings, clause levels,
body, bullets, definitions), clause bookmarks say which clause it belongs to, and REF fields are
cross-references. When the draft the document was made from is known (`base`, rebuilt from the manifest),
every clause whose text is unchanged is that draft's own clause, and every unchanged paragraph of a changed
clause is that draft's own paragraph: only what the reviewer touched is read from Word. Numbers are Word's
automatic numbering, so they are not in the text: they are counted again here, as Word counts them, and every
cross-reference shows the number of the clause it points at.

A document without clause bookmarks (not made by termsmith) is read as plain sections of text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from termsmith.draft.compose import anchor_for
from termsmith.draft.document import (
    Block,
    Clause,
    ClauseVersion,
    CrossRef,
    Draft,
    Inline,
    Paragraph,
    Provenance,
    Section,
    SignatureBlock,
    Span,
    Table,
    TermDefinition,
    item_label,
)
from termsmith.draft.document import plain_text as inline_text
from termsmith.review.docx import Document, FootNote, Para, Piece, Row, TableRead
from termsmith.review.redline import fold_quotes
from termsmith.review.relink import aliases, relinked, typed_over
from termsmith.review.views import ViewPara as _P
from termsmith.review.views import cell_paras, kept_cells, resolved, typed_number

SECTION_STYLES = {"ArticleHeading": "article", "ScheduleHeading": "schedule", "ExecutionHeading": "signatures"}
COVER_STYLES = {"Title", "Subtitle", "CoverParty", "CoverDate", "TOCHeading"}
SKIPPED = re.compile(r"^(TOC\d|TOCHeading|Header|Footer)$")
LEVEL_STYLE = re.compile(r"^(ClauseLevel|ScheduleLevel|BodyLevel|BulletLevel)([1-9])$")
SIGNATURE_TEXT = "SignatureText"
ADDED_ID = "added"  # clause ids of paragraphs a reviewer numbered as new clauses: '<section>.added-<n>'


@dataclass
class _ReadClause:
    id: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)
    title: str = ""


@dataclass
class _ReadSection:
    kind: str
    id: str
    anchor: str
    title: str
    clauses: list[_ReadClause] = field(default_factory=list)


def document_draft(doc: Document, base: Draft | None = None, *, view: str = "accepted",
                   owners: dict[int, str] | None = None) -> Draft:
    """The document as a Draft: `view` 'accepted' takes every tracked change as made (the document as it
    stands), 'original' as rejected (the document before the review). `owners` is filled with the id of
    the clause (or section, or 'cover') each of the document's blocks belongs to."""
    builder = _Builder(doc, base, view)
    draft = builder.build()
    typed = typed_over(doc, base, draft, builder.owners) if base is not None and not doc.fields_recomputed \
        else set()
    if typed:  # read again, those numbers as the reviewer's text
        builder = _Builder(doc, base, view, typed)
        draft = builder.build()
    if owners is not None:
        owners.update(builder.owners)
    return draft


def is_termsmith(doc: Document) -> bool:
    """Made by termsmith: clause bookmarks in house-style headings."""
    return any(isinstance(b, Para) and b.style in SECTION_STYLES and any(n.startswith("_Ref_") for n in b.bookmarks)
               for b in doc.blocks)


def not_termsmith(doc: Document) -> str:
    """Why the document cannot be read as a termsmith draft (is_termsmith is false), in words after its name: not
    made by termsmith, or made by it and saved by a program that kept neither its house styles nor its bookmarks."""
    marked = any(n.startswith("_Ref_") for b in doc.blocks if isinstance(b, Para) for n in b.bookmarks)
    styled = any(isinstance(b, Para) and b.style in SECTION_STYLES for b in doc.blocks)
    if not (marked or styled or doc.properties.get("termsmith.deal.id")):
        return "not made by termsmith (no clause bookmarks)"
    lost = ("its clause bookmarks" if styled else "its house styles (its headings are in others)" if marked else
            "its clause bookmarks and house styles")
    return f"made by termsmith, but {lost} are gone (a program that saved it did not keep them)"


def owner_of(owners: dict[int, str], index: int) -> str:
    """The id of the clause (or section) the document's block `index` belongs to, as `document_draft` fills
    `owners`: that of the nearest block at or before it that has one; 'cover' before the first heading."""
    while index >= 0:
        if index in owners:
            return owners[index]
        index -= 1
    return "cover"


def note_places(doc: Document, draft: Draft, owners: dict[int, str], view: str = "accepted") -> list[tuple[FootNote, str, str]]:
    """Each footnote and endnote the document references (termsmith drafts none, so each is a reviewer's), with
    the id of the clause its reference is in ('cover' before the first heading) and how a reader names that
    place ('clause 7.2', 'Schedule 3 para 1', 'the cover'); `owners` as document_draft fills it for `draft`."""
    names = place_names(draft)
    out = []
    for note in doc.notes(view):
        owner = owner_of(owners, note.index)
        out.append((note, owner, names.get(owner, owner)))
    return out


def place_names(draft: Draft) -> dict[str, str]:
    """How a reader names each clause and section of the draft ('clause 7.2', 'Schedule 3 para 1', a title)."""
    names: dict[str, str] = {"cover": "the cover"}
    for section in draft.sections:
        for clause in section.clauses:
            if section.kind == "schedule" and section.label:
                names[clause.id] = f"{section.label} para {clause.label}"
            elif clause.label:
                names[clause.id] = f"clause {clause.label}"
            else:
                names[clause.id] = clause.title or section.title or "the document"
        names.setdefault(section.id, section.title or "the document")
    return names


# ── building the Draft ─────────────────────────────────────────────────────────────────────
class _Builder:
    def __init__(self, doc: Document, base: Draft | None, view: str,
                 typed: set[tuple[str, str]] | frozenset = frozenset()) -> None:
        self.doc, self.base, self.view = doc, base, view
        self.typed = typed  # cross-references whose number the reviewer typed over (relink.typed_over)
        self.aliases = aliases(doc)
        self.anchor_ids: dict[str, str] = {}
        self.base_sections: dict[str, Section] = {}  # by id
        self.base_clauses: dict[str, Clause] = {}
        if base is not None:
            for section in base.sections:
                self.anchor_ids[section.anchor] = section.id
                self.base_sections.setdefault(section.id, section)
                for clause in section.clauses:
                    self.anchor_ids[clause.anchor] = clause.id
                    self.base_clauses[clause.id] = clause
        for name in doc.properties:
            if name.startswith("termsmith.clause."):
                ident = name[len("termsmith.clause."):]
                self.anchor_ids.setdefault(anchor_for(ident), ident)
        self.termsmith = is_termsmith(doc)
        self.title = ""
        self.date_text = ""
        self.cover_parties: list[str] = []
        self.signatures: list[list[str]] = []
        self.sections: list[_ReadSection] = []
        self.added = 0
        self.owners: dict[int, str] = {}  # document block index → clause id ('cover' before the first heading)
        self.bookmarks = {name for b in doc.blocks if isinstance(b, Para) for name in b.bookmarks}
        self.placed: set[str] = set()  # the clause and section bookmarks read so far
        self.contents_seen = False  # the cover ends where the contents begin

    def _id(self, anchor: str) -> str:
        if anchor in self.anchor_ids:
            return self.anchor_ids[anchor]
        return anchor[5:] if anchor.startswith("_Ref_") else anchor

    def build(self) -> Draft:
        items = resolved(self.doc, self.view)
        self.heading_anchors = {b for item in items if not isinstance(item, tuple) and item.style in SECTION_STYLES
                                for b in item.bookmarks}
        for item in items:
            if isinstance(item, tuple):
                self._table(*item)
            else:
                self._paragraph(item)
        if not self.sections:
            self.sections.append(_ReadSection("signatures", "document", "_Ref_document", ""))
        self._rebound()
        sections = tuple(self._section(s) for s in self.sections)
        draft = self._draft(sections)
        return relabel(draft)

    # ── reading blocks ──
    def _paragraph(self, p: _P) -> None:
        self._paragraph_of(p)
        if self.sections:
            section = self.sections[-1]
            self.owners[p.index] = section.clauses[-1].id if section.clauses else section.id
        else:
            self.owners[p.index] = "cover"

    def _paragraph_of(self, p: _P) -> None:
        style = p.style
        if style in SECTION_STYLES or (not self.termsmith and _is_heading(self.doc.styles.get(style, style))):
            anchor = next((b for b in p.bookmarks if b.startswith("_Ref_") and b not in self.placed), "")
            self.placed.add(anchor)
            kind = SECTION_STYLES.get(style, "signatures")
            if not anchor:
                self.added += 1
                anchor = f"_Ref_{ADDED_ID}_{self.added}"
            self.sections.append(_ReadSection(kind, self._id(anchor), anchor, _fold(_text(p.pieces).strip())))
            return
        if SKIPPED.match(style):
            self.contents_seen = self.contents_seen or style.startswith("TOC")
            return
        if not self.sections and self.termsmith and style not in COVER_STYLES and (
                self.contents_seen or style == "Definition" or LEVEL_STYLE.match(style)):
            # the cover ends where the contents begin: the first article's heading was made text or deleted
            if self._first_section(p):
                return
        if not self.sections and self.termsmith:
            text = _text(p.pieces)  # the cover's text (the body's is read as inlines below)
            if style == "Title":
                self.title = _fold(text.strip())
            elif style == "CoverParty":
                self.cover_parties.append(_fold(text.strip()))
            elif style == "CoverDate":
                self.date_text = _fold(re.sub(r"^Dated(?:\s+as\s+of)?\s+", "", text.strip()))  # "Dated as of" in a US draft
            return
        if not self.sections:
            if style == "Title" and not self.title:
                self.title = _text(p.pieces).strip()
                return
            self.sections.append(_ReadSection("signatures", "document", "_Ref_document", ""))
        section = self.sections[-1]
        role, level = self._role(style, section)
        # a bookmark already read belongs to the paragraph that had it first: a later copy (a paragraph
        # duplicated by a script, which Word would not do) is new text, not the same clause again
        anchor = next((b for b in p.bookmarks if b.startswith("_Ref_") and b != section.anchor
                       and b not in self.placed), "")
        # the run-in title is the paragraph's leading run in its style (after a number typed by hand, which Word's
        # own numbering gives); one further on (two clauses' paragraphs joined) is bold text of the body
        pieces = p.pieces[typed_number(p.pieces):]
        lead = next((k for k, x in enumerate(pieces) if not x.title), len(pieces))
        title_pieces = pieces[:lead]
        body = [x if not x.title else Piece(replace(x.inline, bold=True) if isinstance(x.inline, Span) else x.inline,
                                            x.revision) for x in pieces[lead:]]
        title = _text(title_pieces).strip() if title_pieces else None
        if title is not None and body and isinstance(body[0].inline, Span) and body[0].inline.text.startswith(" "):
            first = body[0].inline
            body[0] = Piece(replace(first, text=first.text[1:]), body[0].revision)
        inlines = _inlines(self._untyped(body))
        if not inlines and not title:
            return  # the empty paragraph Word keeps after a table, or one the reviewer left
        if anchor or not section.clauses or (role == "clause" and section.kind != "signatures"):
            if not anchor:
                anchor = self._lost_bookmark(section)
            if not anchor:
                self.added += 1
                anchor = f"_Ref_{ADDED_ID}_{self.added}"
                ident = f"{section.id}.{ADDED_ID}-{self.added}"
            else:
                ident = self._id(anchor)
            self.placed.add(anchor)
            section.clauses.append(_ReadClause(ident, anchor, title=title or ""))
        clause = section.clauses[-1]
        if role == "definition" and not (inlines and isinstance(inlines[0], TermDefinition)):
            role = "body"
        if role == "clause" and clause.blocks:
            role = "body"
        para_anchor = clause.anchor if role == "clause" else None
        clause.blocks.append(Paragraph(role, level, "", tuple(inlines), para_anchor, _title(title)))

    def _first_section(self, p: _P) -> bool:
        """Body text before any heading, after the contents: the first article's heading was made text or deleted.
        Its clauses read under that article: a paragraph holding the heading's bookmark as its heading (reported
        where restyled_heading finds it), else with no heading. True when `p` was read as the heading."""
        first = self.base.sections[0] if self.base is not None and self.base.sections else None
        if first is not None and first.anchor in self.heading_anchors:
            return False  # the heading is there: text typed before it is the cover's
        numbered = p.style == "Definition" or LEVEL_STYLE.match(p.style)  # a clause's own bookmark, not a heading's
        anchor = first.anchor if first is not None else self._listed_first() if numbered else next(
            (b for b in p.bookmarks if b.startswith("_Ref_") and b not in self.placed), "")
        heading = bool(anchor) and anchor in p.bookmarks
        if not anchor and not numbered:
            return False  # a paragraph typed on the cover, or after the contents with no heading's bookmark
        if not anchor:
            self.added += 1
            anchor = f"_Ref_{ADDED_ID}_{self.added}"
        self.placed.add(anchor)
        self.sections.append(_ReadSection(first.kind if first is not None else "article", self._id(anchor), anchor,
                                          _fold(_text(p.pieces).strip()) if heading else ""))
        return heading

    def _listed_first(self) -> str:
        """With no draft to go by, the first article's bookmark as the contents' first entry links to it (the
        contents are a field Word does not update by itself, so they still list a heading the review deleted);
        '' when that bookmark is a heading's still there, or the contents do not link to one."""
        listed = contents_links(self.doc)
        anchor = listed[0] if listed else ""
        ok = anchor.startswith("_Ref_") and anchor not in self.heading_anchors and anchor not in self.placed
        return anchor if ok else ""

    def _rebound(self) -> None:
        """A clause read as new (no bookmark of the draft) that reads word for word as a clause of the draft not
        read elsewhere is that clause, moved: cut and pasted without tracking, its bookmark lost on the way, or
        deleted with tracking and its words inserted elsewhere. Read as new, it was the draft's clause removed and
        the same words added as the deal's own."""
        read = [c for s in self.sections for c in s.clauses]
        here = {c.id for c in read}
        missing = [c for c in self.base_clauses.values() if c.id not in here]
        if not missing:
            return
        for clause in read:
            if not clause.anchor.startswith(f"_Ref_{ADDED_ID}_"):
                continue
            for old in missing:
                blocks = [replace(b, anchor=old.anchor) if isinstance(b, Paragraph) and b.anchor == clause.anchor
                          else b for b in clause.blocks]
                if [signature(b) for b in blocks] == [signature(b) for b in old.blocks]:
                    self.owners.update({k: old.id for k, v in self.owners.items() if v == clause.id})
                    clause.id, clause.anchor, clause.blocks = old.id, old.anchor, blocks
                    missing.remove(old)
                    break

    def _untyped(self, pieces: list[Piece]) -> list[Piece]:
        """A cross-reference to Word's own bookmark of a paragraph as one to termsmith's; one whose number the
        reviewer typed over as that number, their text."""
        if not self.typed and not self.aliases:
            return pieces
        out = []
        for piece in pieces:
            item = piece.inline
            if isinstance(item, CrossRef) and item.anchor in self.aliases:
                item = replace(item, anchor=self.aliases[item.anchor])
                piece = Piece(item, piece.revision)
            if isinstance(item, CrossRef) and (item.anchor, item.label) in self.typed:
                piece = Piece(Span(item.label, item.bold, item.italic), piece.revision)
            out.append(piece)
        return out

    def _lost_bookmark(self, section: _ReadSection) -> str:
        """A numbered clause paragraph without its bookmark (an editor that rewrites a paragraph's runs drops
        it): the next clause of the draft in this section, when its bookmark is nowhere in the document."""
        base = self._base_section(section.id)
        if base is None:
            return ""
        seen = {c.anchor for c in section.clauses}
        after = [c for c in base.clauses if c.anchor not in seen]
        if section.clauses:
            previous = section.clauses[-1].anchor
            order = [c.anchor for c in base.clauses]
            if previous in order:
                after = [c for c in base.clauses[order.index(previous) + 1:] if c.anchor not in seen]
        if after and after[0].anchor not in self.bookmarks:
            return after[0].anchor
        return ""

    def _role(self, style: str, section: _ReadSection) -> tuple[str, int]:
        if style == "Definition":
            return "definition", 1
        m = LEVEL_STYLE.match(style)
        unnumbered = section.kind == "signatures"
        if m:
            kind, level = m.group(1), int(m.group(2))
            if kind in ("ClauseLevel", "ScheduleLevel") and not unnumbered:
                return ("clause", 1) if level == 1 else ("item", level)
            if kind == "BulletLevel":
                return "bullet", level
            return "body", min(level + (1 if unnumbered else 0), 4)
        # BodyText, Normal, or a style a reviewer brought in: a continuation of the text before it
        clause = section.clauses[-1] if section.clauses else None
        previous = clause.blocks[-1] if clause and clause.blocks else None
        level = previous.level if isinstance(previous, Paragraph | Table) else 1
        return "body", level

    def _table(self, table: TableRead, index: int, rows: list[Row]) -> None:
        self._table_of(table, rows)
        section = self.sections[-1] if self.sections else None
        self.owners[index] = (section.clauses[-1].id if section.clauses else section.id) if section else "cover"

    def _table_of(self, table: TableRead, rows: list[Row]) -> None:
        cells = [[_inlines(self._untyped(c)) for c in cell_paras(r, self.view)] for r in rows]
        if not cells:
            return
        if table.style != "ContractTable" and any(
                p.style == SIGNATURE_TEXT for r in rows for c in r.cells for p in c):
            # a cell spanning two columns is followed by none of its own (the reader's filler holds no paragraph)
            self.signatures.append([_fold(_plain(c)) for r, row in zip(rows, cells, strict=True)
                                    for c, paras in zip(row, kept_cells(r, self.view), strict=True) if paras])
            return
        if not self.sections:
            self.sections.append(_ReadSection("signatures", "document", "_Ref_document", ""))
        section = self.sections[-1]
        if not section.clauses:
            self.added += 1
            section.clauses.append(_ReadClause(f"{section.id}.{ADDED_ID}-{self.added}",
                                               f"_Ref_{ADDED_ID}_{self.added}"))
        clause = section.clauses[-1]
        width = max(len(r) for r in cells)
        cells = [list(r) + [()] * (width - len(r)) for r in cells]
        previous = clause.blocks[-1] if clause.blocks else None
        level = previous.level if isinstance(previous, Paragraph) else 1
        align = self._align(table, width)
        clause.blocks.append(Table(tuple(tuple(c) for c in cells[0]),
                                   tuple(tuple(tuple(c) for c in r) for r in cells[1:]), align, level))

    def _align(self, table: TableRead, width: int) -> tuple:
        return ("left",) * width

    # ── matching the base draft ──
    def _section(self, read: _ReadSection) -> Section:
        base = self._base_section(read.id)
        clauses = tuple(self._clause(c, base, read.anchor) for c in read.clauses)
        title = read.title
        if base is not None and base.title == title and base.kind == read.kind:
            return _rebuilt(base, "clauses", clauses)
        return Section(read.kind, read.id, title, "", read.anchor, clauses)

    def _base_section(self, ident: str) -> Section | None:
        return self.base_sections.get(ident)

    def _clause(self, read: _ReadClause, section: Section | None, section_anchor: str = "") -> Clause:
        base = self._base_clause(read.id)
        if base is not None:
            if [signature(b) for b in base.blocks] == [signature(b) for b in read.blocks]:
                return base
            pool: dict[object, list[Block]] = {}
            for block in base.blocks:
                pool.setdefault(signature(block), []).append(block)
            blocks = []
            for block in read.blocks:
                same = pool.get(signature(block))
                if not same:  # fields the reviewer unlinked: their numbers are the cross-references still
                    block = relinked(block, base.blocks)
                    same = pool.get(signature(block))
                blocks.append(same.pop(0) if same else self._titled(block, base))
            return replace(base, blocks=tuple(blocks))
        version = self.doc.properties.get(f"termsmith.clause.{read.id}", "")
        blocks = tuple(read.blocks)
        title = read.title[:-1] if read.title.endswith(".") else read.title
        if not title and blocks and isinstance(blocks[0], Paragraph) and blocks[0].role == "clause":
            title, first = _lead_in(blocks[0])  # a title the reviewer typed in bold
            blocks = (first, *blocks[1:])
        if not title:
            title = _bookmark_title(read.anchor, section_anchor)
        return Clause(read.id, version, title, "", read.anchor, blocks)

    def _titled(self, block: Block, base: Clause) -> Block:
        """A clause paragraph's run-in title as the library spells it, when it reads the same (also when an
        editor flattened it into the paragraph's plain text)."""
        if not isinstance(block, Paragraph) or block.role != "clause":
            return block
        if block.title is not None and _run_in(block.title) == _run_in(base.title):
            return replace(block, title=base.title)
        head = base.blocks[0] if base.blocks and isinstance(base.blocks[0], Paragraph) else None
        lead = _run_in(base.title) + " "
        first = block.inlines[0] if block.inlines else None
        if block.title is None and head is not None and head.title and isinstance(first, Span) and \
                fold_quotes(first.text).startswith(fold_quotes(lead)):
            rest = replace(first, text=first.text[len(lead):])
            return replace(block, title=head.title, inlines=((rest,) if rest.text else ()) + block.inlines[1:])
        return block

    def _base_clause(self, ident: str) -> Clause | None:
        return self.base_clauses.get(ident)

    def _draft(self, sections: tuple[Section, ...]) -> Draft:
        base = self.base
        parties = self._parties()
        if base is not None:
            title = self.title or base.title
            date_text = self.date_text or base.date_text
            return replace(base, title=title, date_text=date_text, parties=parties, sections=sections)
        props = self.doc.properties
        versions = tuple(ClauseVersion(k[len("termsmith.clause."):], v) for k, v in sorted(props.items())
                         if k.startswith("termsmith.clause."))
        provenance = Provenance(props.get("termsmith.version", ""), props.get("termsmith.deal.id", ""),
                                props.get("termsmith.deal.file", ""), props.get("termsmith.deal.sha256", ""),
                                props.get("termsmith.library.name", ""), props.get("termsmith.library.version", ""),
                                "", props.get("termsmith.library.commit"), versions)
        return Draft(props.get("termsmith.deal.id", self.doc.path.stem), self.title, "", "en-GB", self.date_text,
                     "2000-01-01", parties, sections, provenance)

    def _parties(self) -> tuple[SignatureBlock, ...]:
        """The parties from the execution blocks (name, signatory, title), or the cover when there are none."""
        base = self.base.parties if self.base is not None else ()
        out = []
        for k, cells in enumerate(self.signatures):
            values = dict(zip(cells[1::2], cells[2::2], strict=False))  # 'Name:' → …, 'Title:' → …
            name = re.sub(r"^Signed for and on behalf of\s+", "", cells[0]) if cells else ""
            short = base[k].short_name if k < len(base) else name
            out.append(SignatureBlock(name, short, values.get("Name:", ""), values.get("Title:", "")))
        if not out:
            out = [SignatureBlock(name, base[k].short_name if k < len(base) else name, "", "")
                   for k, name in enumerate(self.cover_parties)]
        if len(out) == len(base) and all(
                (o.party_name, o.signatory_name, o.signatory_title) == (b.party_name, b.signatory_name,
                                                                         b.signatory_title)
                for o, b in zip(out, base, strict=True)):
            return base
        return tuple(out)


def contents_links(doc: Document) -> list[str]:
    """The bookmarks the contents' entries link to, in their order: the headings', termsmith's own or the _Toc ones
    Word gives the headings when it updates the contents."""
    return [a for b in doc.blocks if isinstance(b, Para) and b.style.startswith("TOC") for a in b.links]


def restyled_heading(doc: Document) -> tuple[int, str] | None:
    """(block index, words) of a termsmith draft's first heading made text (another style, its bookmark kept): the
    cover then runs on into the body, which is read from the contents on, that paragraph as the heading."""
    if not is_termsmith(doc):
        return None
    contents = False
    listed = set(contents_links(doc))  # the headings' bookmarks: a clause's own is not one (its heading deleted)
    for index, block in enumerate(doc.blocks):
        if not isinstance(block, Para):
            return None
        if block.style in SECTION_STYLES:
            return None
        contents = contents or block.style.startswith("TOC")
        if SKIPPED.match(block.style) or block.style in COVER_STYLES or not contents:
            continue
        marks = [b for b in block.bookmarks if b.startswith("_Ref_")]
        if marks and (not listed or any(b in listed for b in block.bookmarks)):
            return index, _fold(_text(block.pieces).strip())
        return None
    return None


def cover_names(doc: Document) -> list[str]:
    """The party names on the cover as the document reads now (its tracked changes accepted)."""
    out = []
    for item in resolved(doc, "accepted"):
        if not isinstance(item, _P):
            continue
        if item.style in SECTION_STYLES:
            break
        if item.style == "CoverParty":
            out.append(_fold(" ".join("".join(getattr(p.inline, "text", "") for p in item.pieces).split())))
    return out


def cover_additions(doc: Document, owners: dict[int, str]) -> list[str]:
    """The words of each paragraph read as the cover's (before the first heading: on the cover or between the
    contents and the first article) in a style termsmith does not write there, as the document reads now: text
    a reviewer typed, which no deal field holds. `owners` as document_draft fills it for the accepted view."""
    out = []
    for item in resolved(doc, "accepted"):
        if not isinstance(item, _P) or owner_of(owners, item.index) != "cover":
            continue
        if item.style in SECTION_STYLES or item.style in COVER_STYLES or SKIPPED.match(item.style):
            continue
        text = _fold(" ".join(_text(item.pieces).split()))
        if text:
            out.append(text)
    return out


# ── helpers ────────────────────────────────────────────────────────────────────────────────
_LEAD_IN_WORDS = 12
_LEAD_IN_END = ".:"


def _lead_in(block: Paragraph) -> tuple[str, Paragraph]:
    """A clause paragraph's run-in title typed as bold text, as a reviewer writes one in Word or LibreOffice
    ('**Escrow.** The source code …', '**Escrow**. The source code …', '**Source code escrow:** …', the bold
    in one run or several): the title and the paragraph with it as its title; ('', block) when it does not
    start that way."""
    inlines = list(block.inlines)
    k = 0
    while k < len(inlines) and isinstance(inlines[k], Span) and (inlines[k].bold or not inlines[k].text.strip()):
        k += 1
    while k and not inlines[k - 1].text.strip():
        k -= 1  # a blank after the bold run belongs to the text
    if not k or k == len(inlines):
        return "", block
    text = " ".join("".join(x.text for x in inlines[:k]).split())
    rest = inlines[k:]
    if text[-1:] not in _LEAD_IN_END:  # the full stop typed after the bold word ('**Escrow**. The …')
        after = rest[0]
        if not (isinstance(after, Span) and after.text[:1] in _LEAD_IN_END and not after.bold):
            return "", block
        text += after.text[0]
        rest = [replace(after, text=after.text[1:]), *rest[1:]] if after.text[1:] else rest[1:]
    title = text[:-1].strip() if text.endswith(".") else text  # a colon stays, as the re-draft prints it
    if not title or len(title.split()) > _LEAD_IN_WORDS or len(title) < 2 or not rest:
        return "", block
    if isinstance(rest[0], Span):
        rest[0] = replace(rest[0], text=rest[0].text.lstrip())
        if not rest[0].text:
            rest = rest[1:]
    if not rest:
        return "", block
    return title, replace(block, title=title, inlines=tuple(rest))


def _bookmark_title(anchor: str, section_anchor: str) -> str:
    """A clause without a title in the text (the parties, the execution blocks) named from its bookmark, which
    termsmith made from its id ('_Ref_parties_parties' in section '_Ref_parties' → 'Parties')."""
    if not anchor.startswith("_Ref_") or ADDED_ID in anchor or re.search(r"_[0-9a-f]{8}$", anchor):
        return ""
    tail = anchor[len("_Ref_"):]
    own = section_anchor[len("_Ref_"):]
    if own and tail.startswith(own + "_"):
        tail = tail[len(own) + 1:]
    words = tail.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else ""


def _is_heading(style_name: str) -> bool:
    return bool(re.match(r"^heading\s*\d$", style_name.strip(), re.IGNORECASE))


def _run_in(title: str) -> str:
    return title if title[-1:] in ".?!:" else f"{title}."


def _title(title: str | None) -> str | None:
    if title is None:
        return None
    title = title.strip()
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def _inlines(pieces: Sequence[Piece]) -> list[Inline]:
    """The pieces' inlines, adjacent spans of the same emphasis joined."""
    out: list[Inline] = []
    for piece in pieces:
        item = piece.inline
        prev = out[-1] if out else None
        if isinstance(item, Span) and isinstance(prev, Span) and \
                (prev.bold, prev.italic, prev.strike) == (item.bold, item.italic, item.strike):
            out[-1] = Span(prev.text + item.text, prev.bold, prev.italic, prev.strike)
        elif isinstance(item, Span) and not item.text:
            continue
        else:
            out.append(item)
    return out


def _text(pieces: Sequence[Piece]) -> str:
    return _plain([p.inline for p in pieces])


def _plain(inlines: Sequence[Inline]) -> str:
    return inline_text(inlines, terms=True)


def _key_text(inlines: Sequence[Inline]) -> str:
    """Text for matching: a cross-reference by what it points at (its shown number may be stale)."""
    parts = []
    for item in inlines:
        if isinstance(item, Span):
            parts.append(item.text)
        elif isinstance(item, CrossRef):
            parts.append(f"\x00{item.anchor}\x00")
        else:
            parts.append(_plain((item,)))
    return " ".join(fold_quotes("".join(parts)).split())


def _fold(text: str) -> str:
    """Straight quotes: renderers make them typographic again when they write."""
    return fold_quotes(text)


def signature(block: Block) -> object:
    """What a block reads as, without its number: equal signatures are the same text."""
    if isinstance(block, Paragraph):
        title = _fold(_run_in(block.title)) if block.title else ""
        return ("p", block.role, block.level, title, _key_text(block.inlines))
    return ("t", tuple(_key_text(c) for c in block.header), tuple(tuple(_key_text(c) for c in r) for r in block.rows))


# ── numbers as Word counts them ────────────────────────────────────────────────────────────
def relabel(draft: Draft) -> Draft:
    """Every section, clause and paragraph numbered as Word's lists number them, and every cross-reference
    showing its target's number (a reference to something no longer there becomes plain text). What already
    reads so is kept as it is (the same objects: the comparison passes over a clause it was given twice)."""
    counts = {"article": 0, "schedule": 0, "signatures": 0}
    labels: dict[str, str] = {}
    targets: dict[str, str] = {}
    sections = []
    for section in draft.sections:
        counts[section.kind] += 1
        n = counts[section.kind]
        label = {"article": str(n), "schedule": f"Schedule {n}", "signatures": ""}[section.kind]
        labels[section.anchor] = label
        targets[section.anchor] = section.id
        clauses = []
        values = [0] * 6
        m = 0
        for clause in section.clauses:
            # Word numbers a clause by its numbered paragraph: one a reviewer restyled as text (or a heading
            # restyled so, which starts a clause with its bookmark) has no number, and the next takes its number
            numbered = any(isinstance(b, Paragraph) and b.role == "clause" for b in clause.blocks)
            m += numbered
            clause_label = {"article": f"{n}.{m}", "schedule": str(m), "signatures": ""}[section.kind] \
                if numbered or section.kind == "signatures" else ""
            labels[clause.anchor] = clause_label
            targets[clause.anchor] = clause.id
            blocks = []
            for block in clause.blocks:
                if isinstance(block, Paragraph):
                    number = ""
                    if block.role == "clause":
                        values[1:] = [m] + [0] * 4
                        number = clause_label
                    elif block.role == "item" and section.kind != "signatures":
                        values[block.level] += 1
                        for deeper in range(block.level + 1, len(values)):
                            values[deeper] = 0
                        number = item_label(block.level, values[block.level])
                    if block.label != number:
                        block = replace(block, label=number)
                blocks.append(block)
            clauses.append(_rebuilt(clause, "blocks", blocks, label=clause_label))
        sections.append(_rebuilt(section, "clauses", clauses, label=label))

    def ref(item: Inline) -> Inline:
        if isinstance(item, CrossRef):
            if item.anchor not in labels:
                return Span(item.label, item.bold, item.italic)
            if item.label != labels[item.anchor] or item.target != targets[item.anchor]:
                return CrossRef(targets[item.anchor], item.anchor, labels[item.anchor], item.bold, item.italic)
        return item

    def fix(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        if not any(isinstance(i, CrossRef) for i in inlines):
            return inlines
        fixed = tuple(ref(i) for i in inlines)
        return inlines if _same(fixed, inlines) else fixed

    out = []
    for section in sections:
        clauses = []
        for clause in section.clauses:
            blocks = []
            for block in clause.blocks:
                if isinstance(block, Paragraph):
                    block = _rebuilt(block, "inlines", fix(block.inlines))
                else:
                    header = tuple(fix(c) for c in block.header)
                    rows = tuple(tuple(fix(c) for c in r) for r in block.rows)
                    if not (_same(header, block.header) and all(_same(a, b) for a, b in zip(rows, block.rows))):
                        block = replace(block, header=header, rows=rows)
                blocks.append(block)
            clauses.append(_rebuilt(clause, "blocks", blocks))
        out.append(_rebuilt(section, "clauses", clauses))
    return _rebuilt(draft, "sections", out)


def _same(new, old) -> bool:
    """The same items, one for one (the very objects)."""
    return len(new) == len(old) and all(a is b for a, b in zip(new, old))


def _rebuilt(item, name: str, parts, **values):
    """The item with `parts` as its field `name` and `values`, or the item itself when it has them already."""
    if _same(parts, getattr(item, name)) and all(getattr(item, k) == v for k, v in values.items()):
        return item
    return replace(item, **{name: tuple(parts)}, **values)


def plain_text(clause: Clause) -> str:
    """A clause's text as it reads (numbers of cross-references included), paragraphs on their own lines."""
    parts = []
    for block in clause.blocks:
        if isinstance(block, Paragraph):
            parts.append(_plain(block.inlines))
        else:
            parts.append("\n".join(" | ".join(_plain(c) for c in row) for row in (block.header, *block.rows)))
    return "\n".join(parts)
