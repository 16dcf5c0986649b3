"""A Word document as one side of a comparison: its text as it stands, its clauses named by the draft its
manifest rebuilds when there is one; and whether an existing output may be replaced."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from termsmith.draft.document import Draft
from termsmith.errors import TermsmithError
from termsmith.manifest import MANIFEST_SUFFIX, recorded_outputs
from termsmith.render.wordparts import REDLINE_BODY_PROPERTY
from termsmith.review.contents import CONTENTS_MADE, edited_entries
from termsmith.review.docx import Document, Para, empty_note, paras_of, plural, read_document
from termsmith.review.fromdocx import (cover_names, document_draft, is_termsmith, not_termsmith, note_places, owner_of,
                                      place_names, restyled_heading)
from termsmith.review.margins import untracked as untracked_margins
from termsmith.review.package import DocxError, open_package
from termsmith.review.reviewnotes import hidden_text
from termsmith.review.views import hand_numbers



@dataclass(frozen=True)
class Side:
    draft: Draft
    document: Document | None  # None: the file is the unchanged output its manifest records, not read back
    base: Draft | None  # the draft the manifest rebuilds, when it could be
    manifest: Path | None
    notes: tuple[str, ...]


def read(path: Path) -> Document:
    """The document, or one line saying why it cannot be read (never a traceback for a damaged file)."""
    try:
        return read_document(path)
    except TermsmithError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, etree.LxmlError) as exc:
        raise DocxError(f"{path}: cannot be read as a Word document ({type(exc).__name__})") from None


def find_manifest(path: Path, doc: Document) -> Path | None:
    """The manifest beside the document (same name), or the one beside it for the same deal file (a copy
    returned under another name)."""
    own = path.with_name(path.name[: -len(path.suffix)] + MANIFEST_SUFFIX)
    if own.is_file():
        return own
    named = doc.properties.get("termsmith.manifest", "")
    if named and "/" not in named and "\\" not in named and (path.parent / named).is_file():
        return path.parent / named
    deal_sha = doc.properties.get("termsmith.deal.sha256")
    if not deal_sha:
        return None
    import json

    for candidate in sorted(path.parent.glob("*" + MANIFEST_SUFFIX)):
        try:
            data = json.loads(candidate.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("deal_sha256") == deal_sha and \
                data.get("deal_id") == doc.properties.get("termsmith.deal.id"):
            return candidate
    return None


def document_side(path: Path, rebuild: Callable[[Path], Draft]) -> Side:
    """The document's text as it stands (tracked changes accepted), as a Draft; `rebuild` makes the draft a
    manifest describes. Every reason the text is compared without that draft is one note.

    A document that is still, byte for byte, the output its own manifest records (the draft that was sent,
    beside the copy that came back) is that draft: it is not read back from Word (an unchanged output reads
    back as the same draft, which the tests check for every example)."""
    path = Path(path)
    own = path.with_name(path.name[: -len(path.suffix)] + MANIFEST_SUFFIX)
    tried: dict[Path, Draft | TermsmithError] = {}
    recorded: dict[Path, bool] = {}  # manifest → whether it records this very file (the file hashed once)
    if own.is_file():
        recorded[own] = _recorded_in(path, own)
        if recorded[own]:
            tried[own] = _rebuilt(rebuild, own)
            if isinstance(tried[own], Draft):
                return Side(tried[own], None, tried[own], own, ())
    doc = read(path)
    notes: list[str] = []
    base = None
    manifest = find_manifest(path, doc) if is_termsmith(doc) else None
    if not is_termsmith(doc):
        notes.append(f"{path}: {not_termsmith(doc)}: compared as plain text")
    elif manifest is None:
        notes.append(f"{path}: no manifest beside it: compared as it reads, clauses found by their bookmarks")
    else:
        found = tried[manifest] if manifest in tried else _rebuilt(rebuild, manifest)
        if isinstance(found, TermsmithError):
            why = found.problems[0].message if found.problems else str(found)
            notes.append(f"{path}: its draft cannot be rebuilt from {manifest.name} ({why}): compared as it reads")
        else:
            base = found
            if not (recorded[manifest] if manifest in recorded else _recorded_in(path, manifest)):
                notes.append(f"{path}: edited since termsmith wrote it (not the file {manifest.name} records): "
                             "comparing the text it has now")
    from termsmith.review.redline import _shorten as shorten  # the summary's own cut

    owners: dict[int, str] = {}
    draft = document_draft(doc, base, owners=owners)
    names = place_names(draft)
    footnotes = note_places(doc, draft, owners)
    if footnotes:
        kinds = [n.kind for n, _owner, _place in footnotes]
        counted = " and ".join(f"{kinds.count(k)} {k if kinds.count(k) == 1 else plural(k)}"
                               for k in ("footnote", "endnote", "picture", "text box", "equation")
                               if k in kinds)
        notes.append(f"{path}: {counted} the redline does not compare or show (termsmith drafts none): " + "; ".join(
            f"{n.kind} in {place}: “{shorten(n.text, 80) if n.text else empty_note(n.kind)}”"
            for n, _owner, place in footnotes))
    hidden = hidden_text(doc, owners)
    if hidden:  # not the clauses' text (Word neither shows nor prints it), but the reviewer's: said
        notes.append(f"{path}: hidden text (which Word neither shows nor prints) the redline does not compare: " +
                     "; ".join(f"in {names.get(owner, owner)} “{shorten(' … '.join(texts), 80)}”"
                               for owner, texts in list(hidden.items())[:3]) + ("; …" if len(hidden) > 3 else ""))
    if doc.margins:
        notes.append(f"{path}: {len(doc.margins)} tracked change{'s' if len(doc.margins) != 1 else ''} in its "
                     "headers or footers the redline does not compare (termsmith writes them from the library): " +
                     "; ".join(f"{m.kind} in the {m.where} “{shorten(m.text, 80)}”" for m in doc.margins[:3]) +
                     ("; …" if len(doc.margins) > 3 else ""))
    edited = untracked_margins(doc.margin_texts, base) if base is not None else []
    if edited:  # found only against the draft the copy was made from
        which = "a header or footer" if len(edited) == 1 else f"{len(edited)} headers or footers"
        notes.append(f"{path}: {which} edited without tracking, which the redline does not compare (termsmith "
                     "writes them from the library): " + "; ".join(f"the {m.where}: {shorten(m.text, 120)}"
                                                                   for m in edited[:3]) +
                     ("; …" if len(edited) > 3 else ""))
    contents = edited_entries(doc, *(d for d in (base, draft) if d is not None))
    if contents:  # made from the headings: compared there
        notes.append(f"{path}: its contents page edited, which the redline does not compare ({CONTENTS_MADE}): " +
                     "; ".join(f"“{shorten(e, 80)}”" for e in contents[:3]) + ("; …" if len(contents) > 3 else ""))
    typed = hand_numbers(doc)
    if typed:
        notes.append(f"{path}: clause numbers typed by hand, which the redline does not compare (termsmith numbers "
                     "the clauses itself): " + ", ".join(f"“{number}”" for number in list(typed.values())[:5]) +
                     (", …" if len(typed) > 5 else ""))
    restarted = [(n, b.restarted) for n, b in enumerate(doc.blocks) if isinstance(b, Para) and b.restarted]
    if restarted:
        notes.append(f"{path}: clause numbering restarted by hand, which the redline does not compare (termsmith "
                     "numbers the clauses itself): " + ", ".join(
                         f"at {names.get(owner_of(owners, n), 'the document')} (from {start})"
                         for n, start in restarted[:5]) + (", …" if len(restarted) > 5 else ""))
    restyled = restyled_heading(doc)
    if restyled:  # read as the heading it was: its clauses compared as clauses, not as the cover's text
        notes.append(f"{path}: the heading “{restyled[1]}” made text (another style), which the redline does not "
                     "compare (termsmith styles its headings itself): read as the heading it was")
    merged = sum(doc.merged().values())
    if merged:
        notes.append(f"{path}: cells merged in {merged} table row{'s' if merged != 1 else ''} (termsmith's tables "
                     "merge none): a merged cell's words are read in its first column and in each row it spans")
    return Side(draft, doc, base, manifest, tuple(notes))


def _rebuilt(rebuild: Callable[[Path], Draft], manifest: Path) -> Draft | TermsmithError:
    try:
        return rebuild(manifest)
    except TermsmithError as exc:
        return exc


def _recorded_in(path: Path, manifest: Path) -> bool:
    """The file is one of the outputs the manifest records (by its sha256)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() in recorded_outputs(manifest.read_bytes()).values()
    except OSError:
        return False


def adopt_parties(draft: Draft, other: Draft) -> Draft:
    """A side read without its draft does not know the parties' short names: take the other side's, by
    position, so that the parties are compared by name and signatory rather than seen as replaced."""
    if len(draft.parties) != len(other.parties):
        return draft
    parties = tuple(replace(p, short_name=o.short_name) for p, o in zip(draft.parties, other.parties, strict=True))
    return replace(draft, parties=parties)


def renamed_on_cover(draft: Draft, doc: Document, other: Draft) -> Draft:
    """A document's parties are read from its execution blocks; a name the reviewer changed on the cover alone
    (the block still reads as on the other side) is the party's new name all the same, and the redline shows
    it (a draft has one name for both places, as the deal has one field)."""
    covers = cover_names(doc) if is_termsmith(doc) else []
    if not (len(draft.parties) == len(covers) == len(other.parties)):
        return draft
    parties = tuple(replace(p, party_name=c) if p.party_name == o.party_name != c else p
                    for p, c, o in zip(draft.parties, covers, other.parties, strict=True))
    return draft if parties == draft.parties else replace(draft, parties=parties)


def adopt_ids(draft: Draft, other: Draft) -> Draft:
    """A side read without its draft names its sections and clauses from their bookmarks alone
    (`_Ref_budget_late_payment` → `budget_late_payment`): take the other side's id for each bookmark the other
    side has for the same kind of thing, so that a clause moved in the document is one clause on both sides, not
    two clauses claiming one bookmark in the redline."""
    sections = {s.anchor: s.id for s in other.sections}
    clauses = {c.anchor: c.id for s in other.sections for c in s.clauses}
    if all(sections.get(s.anchor, s.id) == s.id and all(clauses.get(c.anchor, c.id) == c.id for c in s.clauses)
           for s in draft.sections):
        return draft
    from termsmith.review.fromdocx import relabel

    renamed = tuple(replace(s, id=sections.get(s.anchor, s.id),
                            clauses=tuple(replace(c, id=clauses.get(c.anchor, c.id)) for c in s.clauses))
                    for s in draft.sections)
    return relabel(replace(draft, sections=renamed))  # the cross-references' targets follow


def relink_refs(draft: Draft, other: Draft, doc: Document | None) -> Draft:
    """A side read without its draft, its cross-references that the reviewer unlinked to plain numbers read as the
    other side's cross-references again, clause by clause (see relink.py): unlinking the fields is no change.
    Not in a document with a field pointing at a bookmark it lacks: such a reference reads as plain text too, and
    that one did change."""
    from termsmith.draft.document import CrossRef
    from termsmith.review.fromdocx import relabel, signature
    from termsmith.review.relink import relinked

    paras = [p for block in (doc.blocks if doc is not None else ()) for p in paras_of(block)]
    marks = {name for p in paras for name in p.bookmarks}
    if any(isinstance(x.inline, CrossRef) and x.inline.anchor not in marks for p in paras for x in p.pieces):
        return draft
    theirs = {c.id: c for s in other.sections for c in s.clauses}
    sections, changed = [], False
    for section in draft.sections:
        clauses = []
        for clause in section.clauses:
            like = theirs.get(clause.id)
            if like is not None:
                known = {signature(b) for b in like.blocks}
                blocks = tuple(b if signature(b) in known else relinked(b, like.blocks) for b in clause.blocks)
                if any(a is not b for a, b in zip(blocks, clause.blocks)):
                    clause, changed = replace(clause, blocks=blocks), True
            clauses.append(clause)
        sections.append(replace(section, clauses=tuple(clauses)))
    return relabel(replace(draft, sections=tuple(sections))) if changed else draft


def separate_anchors(draft: Draft, other: Draft) -> Draft:
    """A side read without its draft whose bookmarks name a section on one side and a clause on the other (a copy
    whose heading styles are gone is read as text: the bookmark of an article heading then starts a clause):
    this side's bookmark renamed, with the references to it, so that one bookmark is not claimed by two things in
    the redline."""
    sections = {s.anchor for s in other.sections}
    clauses = {c.anchor for s in other.sections for c in s.clauses}
    clashes = {s.anchor for s in draft.sections if s.anchor in clauses} | \
        {c.anchor for s in draft.sections for c in s.clauses if c.anchor in sections}
    if not clashes:
        return draft
    taken = sections | clauses | {s.anchor for s in draft.sections} | \
        {c.anchor for s in draft.sections for c in s.clauses}
    renamed: dict[str, str] = {}
    for name in sorted(clashes):
        n = 1
        while f"_Ref_text_{n}" in taken:
            n += 1
        renamed[name] = f"_Ref_text_{n}"
        taken.add(renamed[name])
    from termsmith.draft.document import CrossRef, Paragraph, Table
    from termsmith.review.fromdocx import relabel

    def inlines(items: tuple) -> tuple:
        return tuple(replace(i, anchor=renamed[i.anchor]) if isinstance(i, CrossRef) and i.anchor in renamed else i
                     for i in items)

    def block(b):
        if isinstance(b, Paragraph):
            return replace(b, inlines=inlines(b.inlines), anchor=renamed.get(b.anchor, b.anchor) if b.anchor else None)
        if isinstance(b, Table):
            return replace(b, header=tuple(inlines(c) for c in b.header),
                           rows=tuple(tuple(inlines(c) for c in row) for row in b.rows))
        return b

    sections_out = tuple(replace(s, anchor=renamed.get(s.anchor, s.anchor),
                                 clauses=tuple(replace(c, anchor=renamed.get(c.anchor, c.anchor),
                                                       blocks=tuple(block(b) for b in c.blocks))
                                               for c in s.clauses))
                         for s in draft.sections)
    return relabel(replace(draft, sections=sections_out))


def replaceable(path: Path, redline: Path | None = None) -> bool:
    """An existing output may be replaced: a redline .docx whose body is still the one termsmith wrote, or a
    CriticMarkup twin whose text still matches the sha256 its last line records (or an older, unsealed twin
    still as written with `redline`, the .docx it was written with: by default the one beside it)."""
    path = Path(path)
    if not path.exists():
        return True
    if path.suffix.lower() == ".md":
        from termsmith.review.redline import sealed

        try:
            data = path.read_bytes()
            return sealed(data) or _older_twin(path, data, Path(redline) if redline else path.with_suffix(".docx"))
        except OSError:
            return False
    try:
        package = open_package(path)
    except TermsmithError:
        return False
    try:
        doc_props = read_properties(package)
        recorded = doc_props.get(REDLINE_BODY_PROPERTY)
        return bool(recorded) and hashlib.sha256(package.read(package.main)).hexdigest() == recorded
    except TermsmithError:
        return False
    finally:
        package.close()


_OLD_FOOTER = re.compile(rb"\n\*Redline by termsmith [^:\n]+: (.+), (\d{4}-\d\d-\d\dT[\d:]+Z)\.\*\n?\Z")
SAME_WRITE_SECONDS = 2  # a twin and its redline are written together (write.py stages both, then renames)


def _older_twin(path: Path, data: bytes, companion: Path) -> bool:
    """A CriticMarkup twin termsmith wrote before twins were sealed, still as written: it ends with the
    footer termsmith wrote, its redline .docx (`companion`) is an unchanged termsmith redline by the same
    author at the same date, and the twin has not been modified since the two were written together.

    That last test reads the files' modification times because nothing else can tell: such a twin carries
    no hash of its own text, a redline has no manifest, and the .docx's properties record only its own
    body's hash, its author and its date, so no content rule is available for these files (every twin
    written since carries its seal, and is judged by its text alone)."""
    m = _OLD_FOOTER.search(data)
    if m is None or not companion.is_file():
        return False
    author = re.sub(rb"\\(.)", rb"\1", m.group(1)).decode("utf-8", "replace")
    try:
        package = open_package(companion)
    except TermsmithError:
        return False
    try:
        props = read_properties(package)
        recorded = props.get(REDLINE_BODY_PROPERTY)
        if not recorded or hashlib.sha256(package.read(package.main)).hexdigest() != recorded:
            return False
    except TermsmithError:
        return False
    finally:
        package.close()
    if props.get("termsmith.redline.author") != author or props.get("termsmith.redline.date") != \
            m.group(2).decode():
        return False
    return abs(path.stat().st_mtime - companion.stat().st_mtime) <= SAME_WRITE_SECONDS


def read_properties(package) -> dict[str, str]:
    if not package.has("docProps/custom.xml"):
        return {}
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    out = {}
    for prop in package.xml("docProps/custom.xml").iter(f"{{{ns}}}property"):
        value = next(iter(prop), None)
        out[prop.get("name", "")] = (value.text or "") if value is not None else ""
    return out
