"""The project's own checks of a generated .docx, for the tests: what a schema cannot see (the contract lint)
and the ECMA-376 schemas themselves (vendored under tests/ecma376/).

Contract lint: every style a paragraph, run or table names exists; numbering instances and levels exist;
bookmarks are unique, well-formed Word names with matching ends; complex fields are balanced and every REF,
PAGEREF, NOTEREF or internal HYPERLINK points at a bookmark that exists; revisions carry an author, a date and
their own id, deleted text is `w:delText` and only inside a deletion; no clause number is typed into an
auto-numbered paragraph; comment references have their comment.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

XSD_DIR = Path(__file__).resolve().parent / "ecma376"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_STORY = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_TYPED_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|\((?:[a-z]{1,3}|[ivxlc]+)\)|[a-z]\))\s")
_FIELD_TARGET = re.compile(r'^\s*(?:(?:REF|PAGEREF|NOTEREF)\s+|HYPERLINK\s+\\l\s+"?)([^"\s]+)', re.IGNORECASE)
_BOOKMARK_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")
_REVISIONS = ("ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
              "trPrChange", "tcPrChange")


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(el, attr: str = "val") -> str | None:
    return None if el is None else el.get(w(attr))


# ── contract lint ─────────────────────────────────────────────────────────────────────────
def contract_errors(path: Path | str) -> list[str]:
    """Everything wrong with the document that Word would show as a broken contract (empty when clean)."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    errors: list[str] = []
    styles = etree.fromstring(parts["word/styles.xml"])
    style_ids = {s.get(w("styleId")) for s in styles.iter(w("style"))}
    style_num = {s.get(w("styleId")): _val(s.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}"))
                 for s in styles.iter(w("style"))}
    style_num = {k: v for k, v in style_num.items() if v is not None}
    levels: dict[str, set[str]] = {}  # numId → its abstract numbering's levels
    if "word/numbering.xml" in parts:
        numbering = etree.fromstring(parts["word/numbering.xml"])
        abstract = {a.get(w("abstractNumId")): {lvl.get(w("ilvl")) for lvl in a.iter(w("lvl"))}
                    for a in numbering.iter(w("abstractNum"))}
        for num in numbering.iter(w("num")):
            target = _val(num.find(w("abstractNumId")))
            if target not in abstract:
                errors.append(f"numbering: num {num.get(w('numId'))} uses the missing abstractNum {target}")
            levels[num.get(w("numId"))] = abstract.get(target, set())
    errors += [f"styles: {sid} is numbered with the missing numId {nid}"
               for sid, nid in style_num.items() if nid != "0" and nid not in levels]

    bookmarks: Counter[str] = Counter()
    targets: list[tuple[str, str]] = []
    revision_ids: Counter[str] = Counter()
    comments_used: set[str] = set()
    for name in sorted(n for n in parts if _STORY.match(n)):
        root = etree.fromstring(parts[name])
        errors += _style_references(name, root, style_ids)
        errors += _bookmarks(name, root, bookmarks)
        instructions, problems = _fields(root)
        errors += [f"{name}: {p}" for p in problems]
        targets += [(name, m.group(1)) for ins in instructions if (m := _FIELD_TARGET.match(ins))]
        errors += _revisions(name, root, revision_ids)
        comments_used |= {c.get(w("id")) for c in root.iter(w("commentReference"))}
        errors += _numbered_paragraphs(name, root, levels, style_num)
    errors += [f"bookmark {b} is used {n} times" for b, n in sorted(bookmarks.items()) if n > 1]
    errors += [f"{part}: a field points at the missing bookmark {t}" for part, t in targets if t not in bookmarks]
    errors += [f"revision id {i} is used {n} times" for i, n in sorted(revision_ids.items()) if n > 1]
    defined = set()
    if "word/comments.xml" in parts:
        defined = {c.get(w("id")) for c in etree.fromstring(parts["word/comments.xml"]).iter(w("comment"))}
    errors += [f"comment reference {c} has no comment" for c in sorted(comments_used - defined)]
    return errors


def _style_references(part: str, root, style_ids: set[str]) -> list[str]:
    return [f"{part}: {tag} {el.get(w('val'))!r} is not a style of styles.xml"
            for tag in ("pStyle", "rStyle", "tblStyle") for el in root.iter(w(tag)) if el.get(w("val")) not in style_ids]


def _bookmarks(part: str, root, seen: Counter) -> list[str]:
    errors = []
    starts = Counter()
    for start in root.iter(w("bookmarkStart")):
        name = start.get(w("name")) or ""
        seen[name] += 1
        starts[start.get(w("id"))] += 1
        if not _BOOKMARK_NAME.match(name):
            errors.append(f"{part}: bookmark {name!r} is not a name Word keeps (a letter or _, then up to 39 "
                          "letters, digits or _)")
    ends = Counter(end.get(w("id")) for end in root.iter(w("bookmarkEnd")))
    errors += [f"{part}: bookmark id {i} has {n} start(s) and {ends[i]} end(s)"
               for i, n in sorted(starts.items()) if ends[i] != n]
    return errors


def _fields(root) -> tuple[list[str], list[str]]:
    """The instructions of the part's fields (simple and complex), and what is wrong with their structure."""
    instructions, problems, open_fields = [], [], []
    for el in root.iter(w("fldSimple"), w("fldChar"), w("instrText")):
        if el.tag == w("fldSimple"):
            instructions.append(el.get(w("instr"), ""))
        elif el.tag == w("instrText"):
            if open_fields and not open_fields[-1][1]:
                open_fields[-1][0].append(el.text or "")
            else:
                problems.append("field instruction text outside a field's begin and separate")
        else:
            kind = el.get(w("fldCharType"))
            if kind == "begin":
                open_fields.append(([], False))
            elif not open_fields:
                problems.append(f"field {kind} without a begin")
            elif kind == "separate":
                open_fields[-1] = (open_fields[-1][0], True)
            elif kind == "end":
                instructions.append("".join(open_fields.pop()[0]))
    if open_fields:
        problems.append(f"{len(open_fields)} field(s) never end")
    return instructions, problems


def _revisions(part: str, root, ids: Counter) -> list[str]:
    errors = []
    for tag in _REVISIONS:
        for el in root.iter(w(tag)):
            if not el.get(w("author")) or not el.get(w("date")):
                errors.append(f"{part}: w:{tag} {el.get(w('id'))} lacks an author or a date")
            if tag in ("ins", "del", "moveFrom", "moveTo"):
                ids[el.get(w("id"))] += 1
    for deletion in root.iter(w("del"), w("moveFrom")):
        if deletion.find(f".//{w('t')}") is not None:
            errors.append(f"{part}: deleted text must be w:delText, not w:t")
    for text in root.iter(w("delText")):
        if not any(a.tag in (w("del"), w("moveFrom")) for a in text.iterancestors()):
            errors.append(f"{part}: w:delText outside a deletion")
    return errors


def _numbered_paragraphs(part: str, root, levels: dict[str, set[str]], style_num: dict[str, str]) -> list[str]:
    errors = []
    for p in root.iter(w("p")):
        num_pr = p.find(f"{w('pPr')}/{w('numPr')}")
        style = _val(p.find(f"{w('pPr')}/{w('pStyle')}")) or ""
        num_id = _val(num_pr.find(w("numId"))) if num_pr is not None else style_num.get(style)
        if num_pr is not None and num_id not in (None, "0"):
            level = _val(num_pr.find(w("ilvl")))
            if num_id not in levels:
                errors.append(f"{part}: a paragraph uses the missing numId {num_id}")
            elif level is not None and level not in levels[num_id]:
                errors.append(f"{part}: numId {num_id} has no level {level}")
        if style.startswith(("TOC", "Contents")) or any(a.tag == w("sdt") for a in p.iterancestors()):
            continue
        text = "".join(t.text or "" for t in p.iter(w("t")))
        if num_id not in (None, "0") and _TYPED_NUMBER.match(text):
            errors.append(f"{part}: a number is typed into an auto-numbered paragraph: {text[:40]!r}")
    return errors


# ── the ECMA-376 schemas ──────────────────────────────────────────────────────────────────
_WML_PARTS = ("word/document.xml", "word/styles.xml", "word/numbering.xml", "word/settings.xml",
              "word/comments.xml", "word/footnotes.xml", "word/endnotes.xml", "word/fontTable.xml")
_OTHER_PARTS = {"docProps/custom.xml": "shared-documentPropertiesCustom.xsd",
                "docProps/app.xml": "shared-documentPropertiesExtended.xsd",
                "[Content_Types].xml": "opc-xsd/opc-contentTypes.xsd"}


@functools.cache
def schema(name: str) -> etree.XMLSchema:
    """One of the vendored ECMA-376 (transitional) schemas, compiled once."""
    return etree.XMLSchema(etree.parse(str(XSD_DIR / name)))


def _as_a_first_edition_reader_sees_it(root):
    """Drop what Markup Compatibility lets an ECMA-376 1st edition consumer ignore: namespaces the part marks
    mc:Ignorable, and each mc:AlternateContent in favour of its mc:Fallback."""
    ignorable = {el.nsmap.get(prefix) for el in root.iter() if isinstance(el.tag, str)
                 for prefix in (el.get(f"{{{MC}}}Ignorable") or "").split()} - {None}
    for alternate in list(root.iter(f"{{{MC}}}AlternateContent")):
        parent, at = alternate.getparent(), alternate.getparent().index(alternate)
        fallback = alternate.find(f"{{{MC}}}Fallback")
        parent.remove(alternate)
        for offset, child in enumerate(list(fallback) if fallback is not None else []):
            parent.insert(at + offset, child)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if etree.QName(el).namespace in ignorable:
            el.getparent().remove(el)
            continue
        for attr in [a for a in el.attrib if etree.QName(a).namespace in ignorable | {MC}]:
            del el.attrib[attr]
    return root


def schema_errors(path: Path | str) -> tuple[list[str], list[str]]:
    """(the parts validated, the schema errors found): WordprocessingML parts against wml.xsd, the document
    properties and content types against theirs."""
    with zipfile.ZipFile(path) as z:
        names = sorted(z.namelist())
        checked, errors = [], []
        for name in names:
            if name in _WML_PARTS or name.startswith(("word/header", "word/footer")):
                xsd = "wml.xsd"
            elif name in _OTHER_PARTS:
                xsd = _OTHER_PARTS[name]
            else:
                continue
            validator = schema(xsd)
            if not validator.validate(_as_a_first_edition_reader_sees_it(etree.fromstring(z.read(name)))):
                errors += [f"{name}:{e.line}: {e.message}" for e in list(validator.error_log)[:5]]
            checked.append(name)
    return checked, errors
