"""Reviewed copies of a draft, made the ways a review really comes back: edited with python-docx, with tracked
changes and comments written as Word writes them, and re-saved by LibreOffice."""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
NS = {"w": W}


# Strict Open XML as Word writes it: the ISO namespaces, and the two properties parts' relationship types in
# camel case (not the transitional custom-properties / extended-properties with a hyphen). The relationship
# types come first: their transitional names start with the relationships namespace replaced after them.
STRICT = [(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties",
           b"http://purl.oclc.org/ooxml/officeDocument/relationships/customProperties"),
          (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
           b"http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties"),
          (b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
           b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties"),
          (b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
           b"http://purl.oclc.org/ooxml/wordprocessingml/main"),
          (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
           b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
          (b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
           b"http://purl.oclc.org/ooxml/officeDocument/customProperties"),
          (b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
           b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes")]


def strict_parts(members: dict[str, bytes]) -> dict[str, bytes]:
    """A package's parts (name → bytes) as Word's "Strict Open XML Document" writes them."""
    out = {}
    for name, data in members.items():
        for old, new in STRICT:
            data = data.replace(old, new)
        out[name] = data
    return out


def q(tag: str) -> str:
    prefix, name = tag.split(":") if ":" in tag else ("w", tag)
    return f"{{{ {'w': W, 'w14': W14, 'w15': W15}[prefix] }}}{name}"


def python_docx_edit(src: Path, dst: Path, replacements: dict[str, str]) -> None:
    """Replace text inside runs, as a script using python-docx does (run.text = …), keeping the runs."""
    import docx

    document = docx.Document(str(src))
    left = dict(replacements)
    for paragraph in _all_paragraphs(document):
        for run in paragraph.runs:
            for old, new in list(left.items()):
                if old in run.text:
                    run.text = run.text.replace(old, new, 1)
                    del left[old]
    assert not left, f"not found in any single run: {list(left)}"
    document.save(str(dst))


def _all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def read_members(path: Path) -> dict[str, bytes]:
    """Every member of a zip package, by name."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def run_cli(*args):
    """`python -m termsmith ARGS` from the repository, with no cache and a minimal environment."""
    from .conftest import ROOT

    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TERMSMITH_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT)


class WordEdit:
    """Edit a .docx's XML the way Word records a review: w:ins/w:del with author and date, comments in
    comments.xml anchored by commentRangeStart/End and a reference run, replies in commentsExtended.xml."""

    def __init__(self, src: Path) -> None:
        self.src = Path(src)
        self.members = read_members(self.src)
        self.doc = etree.fromstring(self.members["word/document.xml"])
        self.next_id = 9000
        self.comments: list[etree._Element] = []
        self.comment_ex: list[tuple[str, str | None]] = []
        if "word/comments.xml" in self.members:  # termsmith's own notes: Word keeps them beside the reviewer's
            self.comments = list(etree.fromstring(self.members["word/comments.xml"]).iter(q("comment")))
            self.comment_ex = [(c.find(q("p")).get(f"{{{W14}}}paraId"), None) for c in self.comments
                               if c.find(q("p")) is not None and c.find(q("p")).get(f"{{{W14}}}paraId")]

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def _run_with(self, text: str) -> tuple[etree._Element, etree._Element]:
        for t in self.doc.iter(q("t")):
            if t.text and text in t.text:
                return t.getparent(), t
        raise AssertionError(f"{text!r} is not in one run")

    def _split(self, text: str) -> tuple[etree._Element, etree._Element, etree._Element]:
        """The run holding `text` split into three runs (before, the text, after); returns them."""
        run, t = self._run_with(text)
        before, _, after = t.text.partition(text)
        runs = []
        for part in (before, text, after):
            r = copy.deepcopy(run)
            for el in r.findall(q("t")):
                el.text = part
                el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            runs.append(r)
        run.addprevious(runs[0])
        run.addprevious(runs[1])
        run.addprevious(runs[2])
        run.getparent().remove(run)
        return runs[0], runs[1], runs[2]

    def paragraph_of(self, text: str) -> etree._Element:
        """The body paragraph holding `text`."""
        run, _t = self._run_with(text)
        while run.tag != q("p"):
            run = run.getparent()
        return run

    def move(self, source: str, after: str, name: str = "move1", author: str = "Jane Counsel",
             date: str = "2027-02-01T10:00:00Z") -> None:
        """The paragraph holding `source` moved with tracking (as Word records a cut and paste with Track Changes on)
        to just after the paragraph holding `after`: its runs in w:moveFrom there and a copy of them in w:moveTo
        here, each range named, both paragraph marks marked moved."""
        src = self.paragraph_of(source)
        dst = copy.deepcopy(src)
        for kind, para in (("moveFrom", src), ("moveTo", dst)):
            ppr = para.find(q("pPr"))
            rpr = ppr.find(q("rPr"))
            if rpr is None:
                rpr = etree.SubElement(ppr, q("rPr"))
            rpr.append(self._mark(kind, author, date))
            runs = [r for r in para if r.tag == q("r")]
            start = self._mark(f"{kind}RangeStart", author, date)
            start.set(q("name"), name)
            wrapper = self._mark(kind, author, date)
            runs[0].addprevious(start)
            start.addnext(wrapper)
            wrapper.extend(runs)
            end = etree.Element(q(f"{kind}RangeEnd"))
            end.set(q("id"), start.get(q("id")))
            wrapper.addnext(end)
            for bookmark in [b for b in para if b.tag in (q("bookmarkStart"), q("bookmarkEnd"))]:
                para.remove(bookmark)
        self.paragraph_of(after).addnext(dst)

    def _mark(self, tag: str, author: str, date: str) -> etree._Element:
        el = etree.Element(q(tag))
        el.set(q("id"), self._id())
        el.set(q("author"), author)
        el.set(q("date"), date)
        return el

    def delete_whole(self, block: etree._Element, author: str = "Jane Counsel",
                     date: str = "2027-02-01T10:00:00Z") -> None:
        """A paragraph or a table row deleted whole with tracking, as Word records it: each run in a deletion and
        the paragraph mark (w:pPr/w:rPr/w:del) or the row (w:trPr/w:del) marked deleted. Of a paragraph, its own
        runs; of a row, every run of its cells."""
        if block.tag == q("tr"):
            props = block.find(q("trPr"))
            if props is None:
                props = etree.Element(q("trPr"))
                block.insert(0, props)
            runs = list(block.iter(q("r")))
        else:
            ppr = block.find(q("pPr"))
            props = ppr.find(q("rPr"))
            if props is None:
                props = etree.SubElement(ppr, q("rPr"))
            runs = block.findall(q("r"))
        props.append(self._mark("del", author, date))
        for run in runs:
            deleted = self._mark("del", author, date)
            run.addprevious(deleted)
            deleted.append(run)
            for t in run.findall(q("t")):
                t.tag = q("delText")
            for t in run.findall(q("instrText")):
                t.tag = q("delInstrText")

    def replace(self, old: str, new: str, author: str = "Jane Counsel", date: str = "2027-02-01T10:00:00Z") -> None:
        """A tracked replacement: the old words deleted, the new ones inserted after them."""
        _, middle, _ = self._split(old)
        deleted = self._mark("del", author, date)
        middle.addprevious(deleted)
        deleted.append(middle)
        for t in middle.findall(q("t")):
            t.tag = q("delText")
        if new:
            inserted = self._mark("ins", author, date)
            run = copy.deepcopy(middle)
            for t in run.findall(q("delText")):
                t.tag = q("t")
                t.text = new
            inserted.append(run)
            deleted.addnext(inserted)

    def replace_all(self, old: str, new: str) -> int:
        """Every occurrence replaced with tracking, as find-and-replace records it; how many there were."""
        count = sum(line.count(old) for line in accepted_text(self.src))
        for _ in range(count):
            self.replace(old, new)
        return count

    def insert_after(self, anchor: str, new: str, author: str = "Jane Counsel",
                     date: str = "2027-02-01T10:00:00Z") -> None:
        _, middle, _ = self._split(anchor)
        inserted = self._mark("ins", author, date)
        run = copy.deepcopy(middle)
        for t in run.findall(q("t")):
            t.text = new
        inserted.append(run)
        middle.addnext(inserted)

    def add_paragraph(self, after: str, runs: list[tuple[str, bool]], author: str = "Jane Counsel",
                      date: str = "2027-02-01T10:00:00Z", tracked: bool = True) -> None:
        """A new paragraph in the style of the paragraph holding `after`, placed after it, as a reviewer types
        one in Word (see `new_paragraph`)."""
        run, _t = self._run_with(after)
        para = run
        while para.tag != q("p"):
            para = para.getparent()
        style = para.find(f"{q('pPr')}/{q('pStyle')}")
        para.addnext(self.new_paragraph(None if style is None else style.get(q("val")), runs, author, date, tracked))

    def new_paragraph(self, style: str | None, runs: list[tuple[str, bool]], author: str = "Jane Counsel",
                      date: str = "2027-02-01T10:00:00Z", tracked: bool = True) -> etree._Element:
        """A paragraph a reviewer types in Word, not yet placed: in the paragraph style `style`, its runs (text,
        bold) with direct bold formatting, no bookmark; tracked, the paragraph mark and its runs are insertions."""
        new = etree.Element(q("p"))
        ppr = etree.SubElement(new, q("pPr"))
        if style is not None:
            etree.SubElement(ppr, q("pStyle")).set(q("val"), style)
        if tracked:
            etree.SubElement(ppr, q("rPr")).append(self._mark("ins", author, date))
        holder = self._mark("ins", author, date) if tracked else new
        for text, bold in runs:
            r = etree.SubElement(holder, q("r"))
            if bold:
                etree.SubElement(etree.SubElement(r, q("rPr")), q("b"))
            t = etree.SubElement(r, q("t"))
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if tracked:
            new.append(holder)
        return new

    def comment(self, on: str, text: str, author: str = "Jane Counsel", date: str = "2027-02-02T09:00:00Z",
                reply_to: str | None = None) -> str:
        """A comment on the words `on` (or, with reply_to, a reply to that comment id); returns its id."""
        cid = str(len(self.comments))
        para_id = f"{0x10000000 + len(self.comments):08X}"
        c = etree.Element(q("comment"), nsmap={"w": W, "w14": W14})
        c.set(q("id"), cid)
        c.set(q("author"), author)
        c.set(q("date"), date)
        c.set(q("initials"), "".join(w[0] for w in author.split()))
        p = etree.SubElement(c, q("p"))
        p.set(f"{{{W14}}}paraId", para_id)
        r = etree.SubElement(p, q("r"))
        etree.SubElement(r, q("t")).text = text
        self.comments.append(c)
        parent_para = None
        if reply_to is not None:
            parent_para = self.comments[int(reply_to)].find(q("p")).get(f"{{{W14}}}paraId")
        self.comment_ex.append((para_id, parent_para))
        _, middle, _ = self._split(on)
        start = etree.Element(q("commentRangeStart"))
        start.set(q("id"), cid)
        end = etree.Element(q("commentRangeEnd"))
        end.set(q("id"), cid)
        middle.addprevious(start)
        middle.addnext(end)
        ref_run = etree.Element(q("r"))
        ref = etree.SubElement(ref_run, q("commentReference"))
        ref.set(q("id"), cid)
        end.addnext(ref_run)
        return cid

    def note(self, after: str, text: str, kind: str = "footnote", author: str | None = "Jane Counsel",
             date: str = "2027-02-01T10:00:00Z") -> str:
        """A footnote (or endnote) after the words `after`, as Word writes one: its reference run in the body
        (inside a tracked insertion unless `author` is None), its text in footnotes.xml beside the separators
        Word keeps there, the part related to the body and declared in [Content_Types].xml."""
        part = f"word/{kind}s.xml"
        if part not in self.members:
            root = etree.Element(q(f"{kind}s"), nsmap={"w": W})
            for sid, kind_of in (("-1", "separator"), ("0", "continuationSeparator")):
                sep = etree.SubElement(root, q(kind), {q("type"): kind_of, q("id"): sid})
                etree.SubElement(etree.SubElement(etree.SubElement(sep, q("p")), q("r")), q(kind_of))
            self.members[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            rels = etree.fromstring(self.members["word/_rels/document.xml.rels"])
            etree.SubElement(rels, f"{{{rels.nsmap[None]}}}Relationship", Id=f"rId{kind}s", Target=f"{kind}s.xml",
                             Type=f"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}s")
            self.members["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True,
                                                                         encoding="UTF-8", standalone=True)
            types = etree.fromstring(self.members["[Content_Types].xml"])
            etree.SubElement(types, f"{{{types.nsmap[None]}}}Override", PartName=f"/{part}", ContentType=(
                f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml"))
            self.members["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8",
                                                                standalone=True)
        root = etree.fromstring(self.members[part])
        nid = str(max(int(n.get(q("id"))) for n in root) + 1)
        style = "FootnoteReference" if kind == "footnote" else "EndnoteReference"
        note = etree.SubElement(root, q(kind), {q("id"): nid})
        p = etree.SubElement(note, q("p"))
        etree.SubElement(etree.SubElement(p, q("pPr")), q("pStyle"), {q("val"): style.replace("Reference", "Text")})
        ref = etree.SubElement(p, q("r"))
        etree.SubElement(etree.SubElement(ref, q("rPr")), q("rStyle"), {q("val"): style})
        etree.SubElement(ref, q(f"{kind}Ref"))
        t = etree.SubElement(etree.SubElement(p, q("r")), q("t"))
        t.text = " " + text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        self.members[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        _, middle, _ = self._split(after)
        run = etree.Element(q("r"))
        etree.SubElement(etree.SubElement(run, q("rPr")), q("rStyle"), {q("val"): style})
        etree.SubElement(run, q(f"{kind}Reference"), {q("id"): nid})
        if author is None:
            middle.addnext(run)
        else:
            inserted = self._mark("ins", author, date)
            inserted.append(run)
            middle.addnext(inserted)
        return nid

    def save(self, dst: Path) -> None:
        members = dict(self.members)
        members["word/document.xml"] = etree.tostring(self.doc, xml_declaration=True, encoding="UTF-8",
                                                     standalone=True)
        if self.comments:
            root = etree.Element(q("comments"), nsmap={"w": W, "w14": W14})
            root.extend(self.comments)
            members["word/comments.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                         standalone=True)
            ext = etree.Element(q("w15:commentsEx"), nsmap={"w15": W15})
            for para_id, parent in self.comment_ex:
                item = etree.SubElement(ext, q("w15:commentEx"))
                item.set(f"{{{W15}}}paraId", para_id)
                item.set(f"{{{W15}}}done", "0")
                if parent:
                    item.set(f"{{{W15}}}paraIdParent", parent)
            members["word/commentsExtended.xml"] = etree.tostring(ext, xml_declaration=True, encoding="UTF-8",
                                                                 standalone=True)
            rels = etree.fromstring(members["word/_rels/document.xml.rels"])
            ns = rels.nsmap[None]
            for rid, rtype, target in (
                    ("rIdC1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
                     "comments.xml"),
                    ("rIdC2", "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
                     "commentsExtended.xml")):
                etree.SubElement(rels, f"{{{ns}}}Relationship", Id=rid, Type=rtype, Target=target)
            members["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                                                    standalone=True)
            types = etree.fromstring(members["[Content_Types].xml"])
            tns = types.nsmap[None]
            for part, ctype in (
                    ("/word/comments.xml",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"),
                    ("/word/commentsExtended.xml",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml")):
                etree.SubElement(types, f"{{{tns}}}Override", PartName=part, ContentType=ctype)
            members["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8",
                                                           standalone=True)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(name, data)
        Path(dst).write_bytes(buffer.getvalue())


def libreoffice_resave(src: Path, out_dir: Path) -> Path:
    """The document opened and saved again as .docx by LibreOffice (a second, independent producer)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{out_dir / 'profile'}",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(src)],
                   check=True, capture_output=True, timeout=180)
    return out_dir / Path(src).name


def accepted_text(path: Path, references: bool = True) -> list[str]:
    """The document's paragraphs as Word shows them with every change accepted (insertions kept, deletions
    gone), numbers left out: what a reviewer signed off. Without `references`, a cross-reference's shown
    number is left out too (a reviewer's move leaves it stale until Word updates its fields; a re-draft
    numbers it live)."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = []
    for p in root.iter(q("p")):
        if p.find(f"{q('pPr')}/{q('pStyle')}") is not None and \
                p.find(f"{q('pPr')}/{q('pStyle')}").get(q("val")).startswith(("TOC", "Contents")):
            continue
        skip: set = set() if references else _field_results(p)
        text = "".join(t.text or "" for t in p.iter(q("t")) if not _inside(t, q("del")) and t not in skip)
        mark_deleted = p.find(f"{q('pPr')}/{q('rPr')}/{q('del')}") is not None
        if text.strip() and not mark_deleted:
            out.append(" ".join(text.split()))
    return out


def _inside(el: etree._Element, tag: str) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _field_results(p: etree._Element) -> set:
    """The w:t elements showing a field's result in this paragraph (between its separate and end marks)."""
    out, depth_result = set(), 0
    for el in p.iter(q("fldChar"), q("t")):
        if el.tag == q("fldChar"):
            kind = el.get(q("fldCharType"))
            if kind == "separate":
                depth_result += 1
            elif kind == "end" and depth_result:
                depth_result -= 1
        elif depth_result:
            out.add(el)
    return out
