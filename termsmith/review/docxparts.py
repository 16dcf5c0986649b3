"""The parts of a Word package around its body: the relationships that name them, and what termsmith reads from
them: the comments (with their replies and resolved marks), the footnotes' and endnotes' text, the document's
properties (termsmith's own, and the application that saved it last), and its headers and footers (their
tracked changes, and their text before those changes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from lxml import etree

from termsmith.review.margins import Margin, MarginChange, changes, original_text
from termsmith.review.package import Package
from termsmith.review.symbols import SYM, in_ruby_guide, sym_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
RT_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
RT_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
RT_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
RT_COMMENTS_EXT = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
RT_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
RT_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
RT_APP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_P, _ID, _TYPE = _w("p"), _w("id"), _w("type")


@dataclass(frozen=True)
class Comment:
    id: str
    author: str
    date: str
    text: str
    parent: str | None = None  # the comment this one replies to
    done: bool = False  # marked resolved (w15:done)


def rels(package: Package, source: str) -> dict[str, tuple[str, str, str]]:
    """{rId: (type, target, mode)} of a part ('' for the package)."""
    folder, _, name = source.rpartition("/")
    rels_name = f"{folder + '/' if folder else ''}_rels/{name}.rels"
    if not package.has(rels_name):
        return {}
    out = {}
    for rel in package.xml(rels_name):
        out[rel.get("Id", "")] = (rel.get("Type", ""), rel.get("Target", ""), rel.get("TargetMode", ""))
    return out


def resolve(source: str, target: str) -> str:
    import posixpath

    if target.startswith("/"):
        return target.lstrip("/")
    folder = source.rpartition("/")[0]
    return posixpath.normpath(posixpath.join(folder, target))


class Parts:
    """The package's parts around the main document, found through its relationships."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.main = package.main
        self.rels = rels(package, self.main)

    def part(self, rel_type: str) -> str | None:
        for kind, target, mode in self.rels.values():
            if kind == rel_type and mode != "External":
                name = resolve(self.main, target)
                if self.package.has(name):
                    return name
        return None

    def margins(self) -> list[MarginChange]:
        out = []
        for kind, target, mode in self.rels.values():
            where = {RT_HEADER: "header", RT_FOOTER: "footer"}.get(kind)
            if where and mode != "External" and self.package.has(resolve(self.main, target)):
                out.extend(changes(where, self.package.xml(resolve(self.main, target))))
        return out

    def margin_texts(self, body: etree._Element) -> list[Margin]:
        """The headers and footers the sections show (w:headerReference, w:footerReference), each part once."""
        out, seen = [], set()
        for ref in body.iter(_w("headerReference"), _w("footerReference")):
            rel = self.rels.get(ref.get(f"{{{R}}}id") or "")
            name = resolve(self.main, rel[1]) if rel and rel[2] != "External" else ""
            if name and name not in seen and self.package.has(name):
                seen.add(name)
                where = "header" if ref.tag == _w("headerReference") else "footer"
                out.append(Margin(where, ref.get(_TYPE, "default"), original_text(self.package.xml(name))))
        return out

    # ── properties, styles, comments ──
    def properties(self) -> dict[str, str]:
        name = None
        for kind, target, _mode in rels(self.package, "").values():
            if kind == RT_CUSTOM:
                name = resolve("", target)
        if name is None or not self.package.has(name):
            return {}
        out = {}
        for prop in self.package.xml(name).iter(f"{{{CUSTOM}}}property"):
            value = next(iter(prop), None)
            out[prop.get("name", "")] = (value.text or "") if value is not None else ""
        return out

    def application(self) -> str:
        for kind, target, _mode in rels(self.package, "").values():
            if kind == RT_APP and self.package.has(resolve("", target)):
                found = self.package.xml(resolve("", target)).find(f"{{{EXTENDED}}}Application")
                return (found.text or "").strip() if found is not None else ""
        return ""

    def threaded(self) -> bool:
        """The package keeps its comments' threads (Word's commentsExtended part: which comment replies to which)."""
        return self.part(RT_COMMENTS_EXT) is not None

    def comments(self) -> dict[str, Comment]:
        name = self.part(RT_COMMENTS)
        if name is None:
            return {}
        parents: dict[str, str] = {}
        done: set[str] = set()  # the paragraph ids of comments marked resolved
        ext = self.part(RT_COMMENTS_EXT)
        if ext is not None:
            for item in self.package.xml(ext).iter(f"{{{W15}}}commentEx"):
                parent = item.get(f"{{{W15}}}paraIdParent")
                if parent:
                    parents[item.get(f"{{{W15}}}paraId", "")] = parent
                if item.get(f"{{{W15}}}done") in ("1", "true"):
                    done.add(item.get(f"{{{W15}}}paraId", ""))
        out: dict[str, Comment] = {}
        by_para: dict[str, str] = {}
        pending: list[tuple[str, str]] = []
        for c in self.package.xml(name).iter(_w("comment")):
            cid = c.get(_w("id"), "")
            text = "\n".join(plain_text(p, deleted=False) for p in c.iter(_w("p"))).strip()  # as it stands now
            out[cid] = Comment(cid, c.get(_w("author"), ""), c.get(_w("date"), ""), text)
            paras = list(c.iter(_w("p")))
            if paras:
                last = paras[-1].get(f"{{{W14}}}paraId")
                if last in done:
                    out[cid] = replace(out[cid], done=True)
                if last:
                    by_para[last] = cid
                    if last in parents:
                        pending.append((cid, parents[last]))
        for cid, parent_para in pending:
            parent = by_para.get(parent_para)
            if parent is not None:
                c = out[cid]
                out[cid] = replace(c, parent=parent)
        return out

    def note_texts(self) -> dict[tuple[str, str], str]:
        """The text of each footnote and endnote (the separators Word keeps in these parts have a w:type)."""
        out: dict[tuple[str, str], str] = {}
        for kind, note in self._notes():
            text = " ".join(plain_text(p, deleted=False) for p in note.iter(_P))
            out[(kind, note.get(_ID, ""))] = " ".join(text.split())
        return out

    def note_comments(self) -> dict[tuple[str, str], list[str]]:
        """The ids of the comments on each footnote's and endnote's words (their ranges or references there)."""
        out: dict[tuple[str, str], list[str]] = {}
        for kind, note in self._notes():
            ids = [el.get(_ID, "") for el in note.iter(_w("commentRangeStart"), _w("commentReference"))]
            if ids:
                out[(kind, note.get(_ID, ""))] = list(dict.fromkeys(ids))
        return out

    def _notes(self) -> Iterator[tuple[str, etree._Element]]:
        for kind, rel_type in (("footnote", RT_FOOTNOTES), ("endnote", RT_ENDNOTES)):
            name = self.part(rel_type)
            if name is None and self.package.has(f"word/{kind}s.xml"):
                name = f"word/{kind}s.xml"  # not related to the body (no Word writes that): its text still counts
            if name is None:
                continue
            for note in self.package.xml(name).iter(_w(kind)):
                if note.get(_TYPE, "normal") == "normal":
                    yield kind, note

    # ── blocks ──


def plain_text(p: etree._Element, deleted: bool = True) -> str:
    """A paragraph's text (of a comment, a note): its symbols (w:sym) too, a ruby's base text and not its guide."""
    out = []
    for el in p.iter(_w("t"), *([_w("delText")] if deleted else []), _w("tab"), _w("br"), SYM):
        if in_ruby_guide(el):
            continue
        if el.tag == SYM:
            out.append(sym_text(el))
        else:
            out.append(el.text or "" if el.tag in (_w("t"), _w("delText")) else "\t" if el.tag == _w("tab") else "\n")
    return "".join(out)
