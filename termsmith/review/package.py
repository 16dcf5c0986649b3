"""Open a .docx that came back from someone else, safely: a bounded zip, no odd member names, no XML entities.

A reviewed document is input termsmith did not write. Its zip may be a bomb (a small file that inflates to
gigabytes), its member names may try to climb out of a folder ("../../etc/passwd", "/abs", "C:\\x"), and
its XML may declare entities that expand a billion times or fetch files. Every one of those is refused with
one line naming the file; nothing is ever extracted to disk, and each part is read with a hard byte limit
whatever its header claims.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from termsmith.errors import InputError, Problem

MAX_FILE = 64 * 1024 * 1024  # the .docx itself
MAX_PART = 64 * 1024 * 1024  # one part, inflated
MAX_TOTAL = 256 * 1024 * 1024  # all the parts read, inflated
MAX_RATIO = 200  # inflated / compressed size of one part above which it is a bomb (text compresses ~10x)
MAX_MEMBERS = 5000
RT_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT = b"http://purl.oclc.org/ooxml/"
STRICT_NAMESPACES = (  # ISO/IEC 29500 Strict → Transitional (relationship types follow the relationships one,
    # but for the two properties parts', which Strict spells in camel case: they come first)
    (_STRICT + b"officeDocument/relationships/customProperties",
     b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"),
    (_STRICT + b"officeDocument/relationships/extendedProperties",
     b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"),
    (_STRICT + b"officeDocument/extendedProperties",
     b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
    (_STRICT + b"drawingml/wordprocessingDrawing",
     b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"),
    (_STRICT + b"wordprocessingml/main", b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
    (_STRICT + b"officeDocument/math", b"http://schemas.openxmlformats.org/officeDocument/2006/math"),
    (_STRICT + b"officeDocument/relationships", b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    (_STRICT + b"officeDocument/customProperties",
     b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"),
    (_STRICT + b"officeDocument/docPropsVTypes",
     b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"),
)

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                          huge_tree=False, remove_blank_text=False)
_DRIVE = re.compile(r"^[A-Za-z]:")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


class DocxError(InputError):
    """A .docx that cannot be read safely or is not a Word document."""


@dataclass
class Package:
    """The members of a .docx, read on demand with the limits above."""

    path: Path
    zip: zipfile.ZipFile
    names: frozenset[str]
    total: int = 0
    main: str = "word/document.xml"  # the main document part, as the package's relationships name it

    def __post_init__(self) -> None:
        # part names are URIs compared without case (ECMA-376 Part 2): a relationship may name a part percent-
        # encoded ('document%20x.xml') that the zip holds decoded ('document x.xml'), or the other way round
        self._members = {}
        for name in sorted(self.names):
            for key in (name.lower(), unquote(name).lower()):
                self._members.setdefault(key, name)

    def member(self, name: str) -> str | None:
        """The zip member that holds the part `name` (as a relationship writes it), None when there is none."""
        if name in self.names:
            return name
        return self._members.get(name.lower()) or self._members.get(unquote(name).lower())

    def has(self, name: str) -> bool:
        return self.member(name) is not None

    def read(self, name: str) -> bytes:
        info = self.zip.getinfo(self.member(name) or name)
        limit = min(MAX_PART, MAX_TOTAL - self.total)
        if info.compress_size and info.file_size > MAX_RATIO * max(info.compress_size, 1024):
            raise self.refuse(f"{name} inflates {info.file_size // max(info.compress_size, 1)} times: "
                              "refused as a zip bomb")
        if info.file_size > limit:
            raise self.refuse(f"{name} is {info.file_size} bytes inflated, more than the {limit} allowed")
        try:
            with self.zip.open(info) as fh:
                data = fh.read(limit + 1)  # the header may lie: never read more than the limit
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            # zlib.error: a member whose compressed bytes are damaged (a copy cut short or altered on the way)
            raise self.refuse(f"{name} cannot be read: the file is damaged ({exc})") from None
        if len(data) > limit:
            raise self.refuse(f"{name} inflates past the {limit} bytes allowed: refused as a zip bomb")
        self.total += len(data)
        return data

    def xml(self, name: str) -> etree._Element:
        """A part parsed with entities off; a DOCTYPE (which Word never writes) is refused. A part of a document
        saved as Strict Open XML is read in the transitional namespaces it maps one for one to."""
        data = _utf8(self.read(name))
        if data is None:
            raise self.refuse(f"{name} is not well-formed XML (its UTF-16 text cannot be decoded)")
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise self.refuse(f"{name} declares a DOCTYPE or entities, which Word never writes: refused")
        if _STRICT in data:
            for strict, transitional in STRICT_NAMESPACES:
                data = data.replace(strict, transitional)
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise self.refuse(f"{name} is not well-formed XML ({exc.msg})") from None
        return root

    def refuse(self, message: str) -> DocxError:
        return DocxError(Problem(file=str(self.path), message=message))

    def close(self) -> None:
        self.zip.close()


def _utf8(data: bytes) -> bytes | None:
    """A part's bytes in UTF-8, as Word writes every part: one written in UTF-16 (which XML allows) is decoded
    first, so that a DOCTYPE in it is found and a Strict namespace in it is read as the transitional one
    (None when its text cannot be decoded)."""
    if not (data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or data[:1] == b"\x00" or data[1:2] == b"\x00"):
        return data
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        return None
    return _DECLARATION.sub("", text.lstrip("\ufeff"), count=1).encode("utf-8")


def open_package(path: Path) -> Package:
    """The .docx at path, its member list checked; the caller closes it."""
    path = Path(path)
    where = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DocxError(Problem(file=where, message="file not found")) from None
    except OSError as exc:
        raise DocxError(Problem(file=where, message=f"cannot read: {exc.strerror or exc}")) from None
    if size == 0:
        raise DocxError(Problem(file=where, message="is empty (0 bytes): not a Word document; ask for the file again"))
    if size > MAX_FILE:
        raise DocxError(Problem(file=where, message=f"is {size} bytes, more than the {MAX_FILE} a .docx may be here"))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        instead = _what_instead(path)
        raise DocxError(Problem(file=where, message=instead[2:] if instead == _ENCRYPTED else (
            "is not a Word document (not a zip package" + instead + ")"))) from None
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        archive.close()
        raise DocxError(Problem(file=where, message=f"has {len(infos)} members, more than {MAX_MEMBERS}: refused"))
    for info in infos:
        name = info.filename
        parts = name.split("/")
        if (name.startswith("/") or "\\" in name or "\x00" in name or _DRIVE.match(name) or ".." in parts
                or posixpath.normpath(name) != name.rstrip("/")):
            archive.close()
            raise DocxError(Problem(file=where, message=f"has a member named {name!r} that points outside "
                                                         "the package (zip-slip): refused"))
    seen: set[str] = set()
    for info in infos:  # part names are compared without case or percent-encoding (ECMA-376 Part 2): a second
        # one is not Word's
        if unquote(info.filename).lower() in seen:
            archive.close()
            raise DocxError(Problem(file=where, message=f"has two members named {info.filename!r} (a damaged or "
                                                         "forged package: which one Word reads is not certain): "
                                                         "refused"))
        seen.add(unquote(info.filename).lower())
    package = Package(path, archive, frozenset(i.filename for i in infos))
    try:
        package.main = _main_part(package)
    except DocxError:
        archive.close()
        raise
    return package


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: .doc, .xls, an encrypted .docx …
_SAVE_AS = ": open it in Word or LibreOffice and save it as a Word document (.docx)"
_OTHER_FORMATS = ((_OLE, "; it is a Word 97-2003 document (.doc) or another older "
                   "Office file" + _SAVE_AS),
                  (b"{\\rtf", "; it is a Rich Text Format file (.rtf)" + _SAVE_AS),
                  (b"%PDF", "; it is a PDF" + ": ask for the Word file the reviewer edited"),
                  (b"<?xml", "; it is a single XML file, as Word saves 'Word XML Document' and LibreOffice a flat "
                   "OpenDocument file" + _SAVE_AS))


_ENCRYPTED = "; is a Word document protected by a password (encrypted), which termsmith cannot open: open it in " \
             "Word, remove the password (File > Info > Protect Document > Encrypt with Password) and save it, or " \
             "ask for a copy without one"


def _what_instead(path: Path) -> str:
    """What a file that is not a zip package seems to be, by its first bytes ('' when it is nothing known)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            # a .docx protected by a password is an OLE compound file too, holding the package encrypted in a stream
            # named EncryptedPackage (ECMA-376 Part 2 and [MS-OFFCRYPTO]): not a .doc, whatever its first bytes say
            if head.startswith(_OLE) and "EncryptedPackage".encode("utf-16-le") in fh.read(MAX_FILE):
                return _ENCRYPTED
    except OSError:
        return ""
    head = head.removeprefix(codecs.BOM_UTF8)
    return next((text for magic, text in _OTHER_FORMATS if head.startswith(magic)), "")


def _main_part(package: Package) -> str:
    """The part the package's officeDocument relationship names (Word may save it as word/document2.xml, say),
    else word/document.xml."""
    if package.has("_rels/.rels"):
        for rel in package.xml("_rels/.rels"):
            target = rel.get("Target", "")
            if rel.get("Type") == RT_DOCUMENT and rel.get("TargetMode") != "External":
                name = package.member(posixpath.normpath(target.lstrip("/")))
                if name is not None:
                    return name
    if package.has("word/document.xml"):
        return "word/document.xml"
    if package.has("mimetype") and package.zip.getinfo("mimetype").file_size < 200 and \
            package.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
        raise package.refuse("is not a Word document (no word/document.xml; it is an OpenDocument file, as "
                             "LibreOffice saves .odt" + _SAVE_AS + ")")
    raise package.refuse("is not a Word document (no word/document.xml)")
