"""The parts of a .docx besides its body: the reference document every draft starts from, the running header
and footer, the page size, the list definitions, and the properties that say what the document is and what
it was drafted from. The Word writer (word.py) calls these once the body is decided."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from termsmith.draft.document import Draft
from termsmith.draft.revisions import Redline
from termsmith.render import opc
from termsmith.render import wordxml as wx
from termsmith.render.typography import smart_quotes
from termsmith.render.wordstyle import (ARTICLES_LIST, BULLETS_LIST, FOOTER, HEADER, SCHEDULE_CLAUSES_LIST,
                                        SCHEDULES_LIST, TEXT_WIDTH)
from termsmith.render.wordxml import qn
from termsmith.resources import reference_docx

# the parts a draft adds to the reference document: (content type, relationship type) of headers and footers
STORY_PARTS = {"header": (wx.HEADER_CT, opc.RT_HEADER), "footer": (wx.FOOTER_CT, opc.RT_FOOTER)}
CUSTOM_PROPERTIES_PART = "/docProps/custom.xml"
REDLINE_BODY_PROPERTY = "termsmith.redline.document.sha256"  # sha256 of word/document.xml as termsmith wrote it

# A Draft made without a time (tests build Drafts by hand) is stamped with this fixed instant.
UNDATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def made_instant(draft: Draft) -> dt.datetime:
    """When the document was made (draft/made.py decides: SOURCE_DATE_EPOCH or the inputs' own time),
    never the deal's effective date, which usually lies in the future."""
    if not draft.made_at:
        return UNDATED
    return dt.datetime.fromisoformat(draft.made_at.replace("Z", "+00:00")).astimezone(dt.UTC)


def reference_docx_path() -> Path:
    """The house-style reference document every .docx starts from (built by templates/build_reference.py)."""
    return reference_docx()


@functools.lru_cache(maxsize=1)
def reference_archive() -> opc.Archive:
    # read and unzipped once per process; each render parses its own copies of the parts it edits,
    # so renders share no mutable state
    return opc.read_archive(reference_docx_path().read_bytes())


@functools.lru_cache(maxsize=8)
def _styles_in(styles: bytes, language: str) -> bytes:
    """A styles part whose runs are proofed in `language`: the same for every draft in that language."""
    root = opc.parse_xml(styles)
    wx.set_default_language(root, language)
    return opc.serialize_xml(root)


def header_footer(package: opc.Package, sect_pr: etree._Element, draft: Draft) -> None:
    """The running header (the agreement's title) and footer (reference, status, page X of Y); none on the cover."""
    wx.set_title_page(sect_pr)  # the cover carries no running header or footer
    stories = (
        ("header", "default", [wx.paragraph_xml(HEADER, wx.run(smart_quotes(draft.title)))]),
        ("header", "first", [wx.paragraph_xml(HEADER)]),
        ("footer", "default", [_footer_paragraph(draft)]),
        ("footer", "first", [wx.paragraph_xml(FOOTER)]),
    )
    for kind, page, paragraphs in stories:
        r_id = _story(package, kind, paragraphs)
        wx.add_section_reference(sect_pr, wx.section_reference(kind, page, r_id))


def _story(package: opc.Package, kind: str, paragraphs: list[str]) -> str:
    """A new header or footer part (/word/header1.xml …) holding `paragraphs`; the document's rId of it."""
    content_type, reltype = STORY_PARTS[kind]
    partname = package.next_partname(f"/word/{kind}%d.xml")
    package.add_part(partname, content_type, wx.story(kind, paragraphs))
    return package.relate(package.main_part, reltype, partname)


def _core_properties(draft: Draft, redline: Redline | None) -> dict[str, str | int | dt.datetime]:
    """docProps/core.xml: what the draft is; a redline is the new draft as its reviewer last modified it."""
    owner = draft.provenance.library_owner
    created = made_instant(draft)
    core = {
        "title": draft.title, "subject": draft.subject, "creator": owner, "lastModifiedBy": owner,
        "category": "Agreement", "contentStatus": draft.status or "Final", "identifier": draft.deal_id,
        "language": draft.language, "revision": 1, "created": created, "modified": created,
    }
    if redline is not None:
        core.update(contentStatus="Redline", lastModifiedBy=redline.author,
                    modified=dt.datetime.fromisoformat(redline.date))
    return core


def properties(package: opc.Package, draft: Draft, redline: Redline | None) -> None:
    """The document's properties (core and custom: what it is and what it was drafted from), its language and
    its id; a redline's also say what the old side was and which body they were written with."""
    core = package.xml(package.related_part(opc.PACKAGE, opc.RT_CORE_PROPERTIES))
    for name, value in _core_properties(draft, redline).items():
        wx.set_core_property(core, name, value)
    settings = package.xml(package.related_part(package.main_part, opc.RT_SETTINGS))
    styles = package.related_part(package.main_part, opc.RT_STYLES)
    package.set_blob(styles, _styles_in(package.blob(styles), draft.language))
    wx.set_theme_font_lang(settings, draft.language)
    props = custom_properties(draft)
    if redline is not None:
        wx.set_track_revisions(settings)
        props += redline_properties(redline)
        # the body as written (it is complete by now): a later run may replace this file only while its
        # body still has these bytes, i.e. nobody has edited and saved it since
        body = hashlib.sha256(package.seal(package.main_part)).hexdigest()
        props.append((REDLINE_BODY_PROPERTY, body))
    package.add_part(CUSTOM_PROPERTIES_PART, wx.CUSTOM_PROPERTIES_CT, wx.custom_properties_xml(props))
    package.relate(opc.PACKAGE, opc.RT_CUSTOM_PROPERTIES, CUSTOM_PROPERTIES_PART)
    # Word's id of this document: its own for every document, and the same for the same content
    wx.set_doc_id(settings, hashlib.sha256(package.seal(package.main_part)).hexdigest())


def custom_properties(draft: Draft) -> list[tuple[str, str]]:
    """Provenance as a handful of custom document properties; the version of every clause is in the
    draft's manifest (<deal id>.manifest.json), named here, not one property per clause."""
    p = draft.provenance
    props = [
        ("termsmith.version", p.termsmith_version),
        ("termsmith.deal.id", p.deal_id),
        ("termsmith.deal.file", p.deal_file),
        ("termsmith.deal.sha256", p.deal_sha256),
        ("termsmith.library.name", p.library_name),
        ("termsmith.library.version", p.library_version),
    ]
    if p.library_commit:
        props.append(("termsmith.library.commit", p.library_commit))
    props += [("termsmith.clauses", str(len(p.clauses))), ("termsmith.manifest", f"{p.deal_id}.manifest.json")]
    # wording the deal sets itself (deal overrides): 'text' (replaced), 'removed' or 'added', and its base version
    props += [(f"termsmith.override.{o.id}", f"{o.kind} {o.based_on}".strip()) for o in p.overrides]
    return props


def redline_properties(redline: Redline) -> list[tuple[str, str]]:
    """What the old side of a redline was drafted from, beside the new side's own provenance."""
    old = redline.old
    props = [
        ("termsmith.redline.author", redline.author),
        ("termsmith.redline.date", redline.date),
        ("termsmith.redline.old.deal.file", old.deal_file),
        ("termsmith.redline.old.deal.sha256", old.deal_sha256),
        ("termsmith.redline.old.library.version", old.library_version),
    ]
    if old.library_commit:
        props.append(("termsmith.redline.old.library.commit", old.library_commit))
    return props


def footer_reference(draft: Draft) -> str:
    """The footer's left side: the document reference (deal id and the day it was made) and its status
    ('Draft — subject to contract' until the deal says final); provenance stays in the properties."""
    reference = f"{draft.deal_id} \u00b7 {made_instant(draft).date().isoformat()}"
    return f"{reference} \u00b7 {draft.status}" if draft.status else reference


def _footer_paragraph(draft: Draft) -> str:
    return wx.paragraph_xml(FOOTER, "".join([
        wx.run(footer_reference(draft)), wx.tab(), wx.run(draft.word("page") + " "), *wx.field("PAGE", "1"),
        wx.run(" " + draft.word("of") + " "), *wx.field("NUMPAGES", "1"),
    ]))


# Page sizes in twips; the text keeps the reference document's width (TEXT_WIDTH) on every paper.
PAPER = {"A4": (11906, 16838), "Letter": (12240, 15840)}


def set_paper(sect_pr: etree._Element, paper: str) -> None:
    """The page size of the legal system's house style (the reference document is A4)."""
    width, height = PAPER[paper]
    size, margins = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))
    if size is None or margins is None:
        raise ValueError("reference.docx has no w:pgSz/w:pgMar; rebuild it")
    size.set(qn("w:w"), str(width))
    size.set(qn("w:h"), str(height))
    side = (width - TEXT_WIDTH) // 2
    margins.set(qn("w:left"), str(side))
    margins.set(qn("w:right"), str(side))


def section_properties(document: etree._Element) -> etree._Element:
    """The document's last (here: only) w:sectPr, which the body's blocks go before."""
    sect_pr = document.find(f"{qn('w:body')}/{qn('w:sectPr')}")
    if sect_pr is None:
        raise ValueError("reference.docx has no w:body/w:sectPr; rebuild it")
    return sect_pr


@functools.lru_cache(maxsize=4)
def numbering_lists(numbering: bytes) -> tuple[MappingProxyType[str, int], int]:
    """The named list definitions (_list_ids) and the first free numId of a numbering part: the same for
    every draft made from one reference document."""
    root = opc.parse_xml(numbering)
    return MappingProxyType(_list_ids(root)), wx.next_num_id(root)


def _list_ids(numbering: etree._Element) -> dict[str, int]:
    """abstractNumId of each named list definition in the reference document."""
    out = {}
    for absnum in numbering.iter(qn("w:abstractNum")):
        name = absnum.find(qn("w:name"))
        if name is not None:
            out[name.get(qn("w:val"))] = int(absnum.get(qn("w:abstractNumId")))
    missing = {ARTICLES_LIST, SCHEDULES_LIST, SCHEDULE_CLAUSES_LIST, BULLETS_LIST} - out.keys()
    if missing:
        raise ValueError(f"reference.docx lacks the list definitions {sorted(missing)}; rebuild it")
    return out
