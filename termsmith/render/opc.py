"""Just enough of the Open Packaging Conventions (ECMA-376 part 2) to edit a .docx with plain lxml.

The renderer used to open its reference document with python-docx, which costs a cold start its import
and every element built a Python class lookup. Here a package is its zip members as bytes, its content
types and one relationship list per source part, each parsed only when asked for: parts nobody asks for
are written back byte for byte, and the bytes of a package depend only on its content.
"""

from __future__ import annotations

import copy
import functools
import io
import posixpath
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from lxml import etree

# the package layer's own namespaces and constants: this module knows zip members, content types and
# relationships, never the document XML inside the parts (wordxml builds that, on top of this)
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_CT = "application/vnd.openxmlformats-package.relationships+xml"
DEFAULT_CONTENT_TYPES = (("rels", RELS_CT), ("xml", "application/xml"))
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
ZIP_PERMISSIONS = 0o600 << 16  # what zipfile would pick anyway; stated so the bytes never depend on it

PACKAGE = "/"  # the source name of package-level relationships (_rels/.rels)
CONTENT_TYPES_MEMBER = "[Content_Types].xml"

_OFFICE_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_OFFICE_DOCUMENT = f"{_OFFICE_RT}/officeDocument"
RT_CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_CUSTOM_PROPERTIES = f"{_OFFICE_RT}/custom-properties"
RT_STYLES = f"{_OFFICE_RT}/styles"
RT_SETTINGS = f"{_OFFICE_RT}/settings"
RT_NUMBERING = f"{_OFFICE_RT}/numbering"
RT_HEADER = f"{_OFFICE_RT}/header"
RT_FOOTER = f"{_OFFICE_RT}/footer"
RT_HYPERLINK = f"{_OFFICE_RT}/hyperlink"
RT_COMMENTS = f"{_OFFICE_RT}/comments"

EXTERNAL = "External"  # Relationship/@TargetMode of a target outside the package (a web address)

# A package is input we did not write: no entity expansion, no DTD or network fetches, whitespace kept as is
# (blank text in a part is content: stripping it would rewrite parts the renderer never touches).
_PARSER = etree.XMLParser(remove_blank_text=False, resolve_entities=False, no_network=True)
_REL = f"{{{RELS_NS}}}Relationship"
_DEFAULT = f"{{{CONTENT_TYPES_NS}}}Default"
_OVERRIDE = f"{{{CONTENT_TYPES_NS}}}Override"


def parse_xml(data: bytes) -> etree._Element:
    """The root element of one part, parsed safely (see _PARSER)."""
    return etree.fromstring(data, _PARSER)


def serialize_xml(root: etree._Element) -> bytes:
    """A part as Word writes one: UTF-8, standalone declaration (XML_DECLARATION), no added whitespace."""
    return etree.tostring(root, encoding="UTF-8", standalone=True)


XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"  # what serialize_xml starts with


@dataclass(frozen=True)
class Relationship:
    """One <Relationship>: `target` as written in the .rels (relative to the source part, or a URI)."""

    r_id: str
    reltype: str
    target: str
    external: bool = False


@dataclass(frozen=True)
class Archive:
    """A zip's members unzipped once; read-only, so one archive can seed every package of a process."""

    names: tuple[str, ...]  # in zip order
    data: Mapping[str, bytes]
    _trees: dict[str, etree._Element] = field(default_factory=dict, repr=False, compare=False)

    def tree(self, name: str) -> etree._Element:
        """A member's root element, parsed once: read it, or edit a copy of it, never the tree itself (every
        package made from the archive sees it)."""
        tree = self._trees.get(name)
        if tree is None:
            tree = self._trees[name] = parse_xml(self.data[name])
        return tree


def read_archive(blob: bytes) -> Archive:
    """Unzip a package; directories are skipped, and a zip that is not a package is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            data = {info.filename: archive.read(info) for info in infos}
    except zipfile.BadZipFile as e:
        raise ValueError(f"not a zip package: {e}") from None
    if CONTENT_TYPES_MEMBER not in data:
        raise ValueError(f"not an OPC package: no {CONTENT_TYPES_MEMBER}")
    return Archive(tuple(info.filename for info in infos), MappingProxyType(data))


def rels_member(source: str) -> str:
    """Zip member of a source's relationships: '/word/document.xml' → 'word/_rels/document.xml.rels'."""
    if source == PACKAGE:
        return "_rels/.rels"
    folder, name = posixpath.split(source)
    return f"{folder[1:]}/_rels/{name}.rels".lstrip("/")


def _is_rels_member(name: str) -> bool:
    return name.endswith(".rels") and posixpath.basename(posixpath.dirname(name)) == "_rels"


def _base(source: str) -> str:
    """The folder relative targets of a source are resolved against (ECMA-376 part 2, 9.3)."""
    return PACKAGE if source == PACKAGE else posixpath.dirname(source)


class Package:
    """An editable package started from an Archive: part name ('/word/document.xml') → content.

    The archive is never changed. A part asked for as XML is parsed from the archive's bytes into a tree
    this package owns and is written from that tree; every other part keeps its bytes.
    """

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        types = archive.tree(CONTENT_TYPES_MEMBER)
        self._defaults = {d.get("Extension", "").lower(): d.get("ContentType", "") for d in types.iter(_DEFAULT)}
        self._overrides = {o.get("PartName", ""): o.get("ContentType", "") for o in types.iter(_OVERRIDE)}
        self._order = [f"/{name}" for name in archive.names
                       if name != CONTENT_TYPES_MEMBER and not _is_rels_member(name)]
        self._names = set(self._order)
        self._added: dict[str, bytes] = {}  # new parts given as bytes
        self._trees: dict[str, etree._Element] = {}  # parts parsed (or given) as XML: written from the tree
        self._new: set[str] = set()
        self._rels: dict[str, list[Relationship]] = {}  # sources whose relationships were read
        self._changed_rels: set[str] = set()

    @classmethod
    def open(cls, blob: bytes) -> Package:
        return cls(read_archive(blob))

    # ── parts ──
    @property
    def part_names(self) -> tuple[str, ...]:
        return tuple(self._order)

    def __contains__(self, partname: object) -> bool:
        return partname in self._names

    def content_type(self, partname: str) -> str:
        self._require(partname)
        override = self._overrides.get(partname)
        if override is not None:
            return override
        ext = posixpath.splitext(partname)[1][1:].lower()
        if ext not in self._defaults:
            raise KeyError(f"{partname} has no content type")
        return self._defaults[ext]

    def xml(self, partname: str) -> etree._Element:
        """The part's root element, parsed on first use (a part of the archive: a copy of the archive's
        tree, which costs less than parsing it again); edits to it are what the package will hold."""
        tree = self._trees.get(partname)
        if tree is None:
            if partname in self._added or partname not in self:
                tree = parse_xml(self.blob(partname))
            else:
                tree = copy.deepcopy(self._archive.tree(partname[1:]))
            self._trees[partname] = tree
        return tree

    def blob(self, partname: str) -> bytes:
        """The part's bytes as they would be written now."""
        self._require(partname)
        if partname in self._trees:
            return serialize_xml(self._trees[partname])
        if partname in self._added:
            return self._added[partname]
        return self._archive.data[partname[1:]]

    def seal(self, partname: str) -> bytes:
        """The part's bytes, from now on kept as they are: a part whose tree is complete is serialised once,
        however often its bytes are asked for (its digest, then the zip). Asking for its tree again parses
        those bytes into a new tree."""
        data = self.blob(partname)
        if self._trees.pop(partname, None) is not None:
            self._added[partname] = data
        return data

    def set_blob(self, partname: str, data: bytes) -> None:
        """Replace a part's content with bytes written elsewhere (its tree, if parsed, is dropped)."""
        self._require(partname)
        self._trees.pop(partname, None)
        self._added[partname] = data

    def add_part(self, partname: str, content_type: str, content: bytes | etree._Element) -> None:
        """A new part; its content type becomes an Override unless the extension's Default already says it."""
        if not partname.startswith("/") or partname.endswith("/") or _is_rels_member(partname[1:]):
            raise ValueError(f"{partname!r} is not a part name")
        if partname in self:
            raise ValueError(f"the package already has a part {partname}")
        if isinstance(content, bytes):
            self._added[partname] = content
        else:
            self._trees[partname] = content
        self._new.add(partname)
        self._order.append(partname)
        self._names.add(partname)
        if self._defaults.get(posixpath.splitext(partname)[1][1:].lower()) != content_type:
            self._overrides[partname] = content_type

    def next_partname(self, template: str) -> str:
        """The first free name of a numbered family, e.g. '/word/header%d.xml' → '/word/header1.xml'."""
        n = 1
        while template % n in self:
            n += 1
        return template % n

    def _require(self, partname: str) -> None:
        if partname not in self:
            raise KeyError(f"the package has no part {partname}")

    # ── relationships ──
    def relationships(self, source: str = PACKAGE) -> tuple[Relationship, ...]:
        return tuple(self._relationships(source))

    def _relationships(self, source: str) -> list[Relationship]:
        rels = self._rels.get(source)
        if rels is None:
            if source != PACKAGE:
                self._require(source)
            member = rels_member(source)
            rels = [] if source in self._new or member not in self._archive.data else [
                Relationship(el.get("Id", ""), el.get("Type", ""), el.get("Target", ""),
                             el.get("TargetMode") == EXTERNAL)
                for el in self._archive.tree(member).iter(_REL)
            ]
            self._rels[source] = rels
        return rels

    def relate(self, source: str, reltype: str, target: str, *, external: bool = False) -> str:
        """The rId of a relationship from `source` (a part name, or PACKAGE) to a part name or, external,
        a URI; an equal relationship is reused, a new one gets the lowest free rIdN."""
        if external:
            ref = target
        else:
            self._require(target)
            ref = target[1:] if _base(source) == PACKAGE else posixpath.relpath(target, _base(source))
        rels = self._relationships(source)
        for rel in rels:
            if (rel.reltype, rel.target, rel.external) == (reltype, ref, external):
                return rel.r_id
        taken = {rel.r_id for rel in rels}
        r_id = next(f"rId{n}" for n in range(1, len(rels) + 2) if f"rId{n}" not in taken)
        rels.append(Relationship(r_id, reltype, ref, external))
        self._changed_rels.add(source)
        return r_id

    def related_parts(self, source: str, reltype: str) -> list[str]:
        """Part names `source` points at with relationships of one type, in relationship order."""
        return [self.resolve(source, rel.target) for rel in self._relationships(source)
                if rel.reltype == reltype and not rel.external]

    def related_part(self, source: str, reltype: str) -> str:
        """The one part `source` has a relationship of this type to (a document has one styles part …)."""
        found = self.related_parts(source, reltype)
        if len(found) != 1:
            raise KeyError(f"{source} has {len(found)} relationships of type {reltype}, not one")
        return found[0]

    @staticmethod
    def resolve(source: str, target: str) -> str:
        """The part name a relative target of `source` refers to."""
        return posixpath.normpath(posixpath.join(_base(source), target))

    @property
    def main_part(self) -> str:
        """The main document part (/word/document.xml in every .docx Word writes)."""
        return self.related_part(PACKAGE, RT_OFFICE_DOCUMENT)

    def _rels_bytes(self, source: str) -> bytes | None:
        if source in self._changed_rels or source in self._new:
            rels = self._rels.get(source)
            return relationships_xml(rels) if rels else None
        return self._archive.data.get(rels_member(source))

    # ── writing ──
    def members(self) -> list[tuple[str, bytes]]:
        """Zip members in a fixed order: content types, package relationships, then each part (in the
        archive's order, new parts last) followed by its relationships."""
        overrides = [(name, ct) for name, ct in self._overrides.items() if name in self]
        out = [
            (CONTENT_TYPES_MEMBER, content_types_xml(overrides, defaults=sorted(self._defaults.items()))),
            (rels_member(PACKAGE), self._rels_bytes(PACKAGE) or relationships_xml(())),
        ]
        for partname in self._order:
            out.append((partname[1:], self.blob(partname)))
            rels = self._rels_bytes(partname)
            if rels is not None:
                out.append((rels_member(partname), rels))
        return out

    def to_bytes(self) -> bytes:
        """The .docx: the same content always gives the same bytes (see zip_members)."""
        return zip_members(self.members())


def relationships_xml(rels: Iterable[Relationship]) -> bytes:
    """A .rels part: one <Relationship> per relationship, in the given order."""
    return _relationships_xml(tuple(rels))


# drafts made from one reference document relate the same parts, and mostly the same links: each list of
# relationships, and each list of content types, is written once
@functools.lru_cache(maxsize=64)
def _relationships_xml(rels: tuple[Relationship, ...]) -> bytes:
    ns = RELS_NS
    root = etree.Element(f"{{{ns}}}Relationships", nsmap={None: ns})
    for rel in rels:
        attrs = {"Id": rel.r_id, "Type": rel.reltype, "Target": rel.target}
        if rel.external:
            attrs["TargetMode"] = EXTERNAL
        etree.SubElement(root, _REL, attrs)
    return serialize_xml(root)


def content_types_xml(parts: Iterable[tuple[str, str]],
                      defaults: Iterable[tuple[str, str]] = DEFAULT_CONTENT_TYPES) -> bytes:
    """[Content_Types].xml: content types by extension (rels and plain xml unless told), each given part by
    name (sorted, so the bytes do not depend on the order parts were added in)."""
    return _content_types_xml(tuple(sorted(parts)), tuple(defaults))


@functools.lru_cache(maxsize=64)
def _content_types_xml(parts: tuple[tuple[str, str], ...], defaults: tuple[tuple[str, str], ...]) -> bytes:
    root = etree.Element(f"{{{CONTENT_TYPES_NS}}}Types", nsmap={None: CONTENT_TYPES_NS})
    for ext, content_type in defaults:
        etree.SubElement(root, f"{{{CONTENT_TYPES_NS}}}Default", Extension=ext, ContentType=content_type)
    for partname, content_type in parts:
        etree.SubElement(root, f"{{{CONTENT_TYPES_NS}}}Override", PartName=partname, ContentType=content_type)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)


def zip_members(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip whose bytes depend only on the members: fixed timestamps, attributes and compression."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = ZIP_PERMISSIONS
            # the fastest deflate: a contract's XML compresses to a fifth even so (about 14 KB more a
            # draft than level 6), and level 6 took a fifth of the time of writing a DOCX
            archive.writestr(info, data, compresslevel=1)
    return out.getvalue()
