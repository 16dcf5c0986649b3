"""The OPC layer the Word renderer edits packages with: round trips python-docx reads back, lowest-free rIds,
untouched parts kept byte for byte, deterministic bytes, and rendering that never imports python-docx."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import docx
import pytest
from lxml import etree

from termsmith.render import opc, wordparts
from termsmith.render import wordxml as wx
from termsmith.render.wordxml import qn

from .conftest import REPO

REFERENCE = wordparts.reference_docx_path()
CANONICAL = REPO / "examples" / "acme-globex-technology.yaml"
OVERRIDE = f"{{{wx.CONTENT_TYPES_NS}}}Override"
LINK = "https://example.com/terms?a=1&b=2"


@pytest.fixture(scope="module")
def archive() -> opc.Archive:
    return opc.read_archive(REFERENCE.read_bytes())


def members(data: bytes) -> list[tuple[str, bytes]]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(name, z.read(name)) for name in z.namelist()]


def edited(archive: opc.Archive) -> tuple[opc.Package, dict[str, str]]:
    """The reference with a header part, an external link and a custom-properties part added."""
    package = opc.Package(archive)
    main = package.main_part
    header = package.next_partname("/word/header%d.xml")
    package.add_part(header, wx.HEADER_CT, wx.story("header", [wx.paragraph_xml("Header", wx.run("Running head"))]))
    ids = {"header": package.relate(main, opc.RT_HEADER, header),
           "link": package.relate(main, opc.RT_HYPERLINK, LINK, external=True)}
    sect_pr = package.xml(main).find(f"{qn('w:body')}/{qn('w:sectPr')}")
    wx.add_section_reference(sect_pr, wx.section_reference("header", "default", ids["header"]))
    package.add_part("/docProps/custom.xml", wx.CUSTOM_PROPERTIES_CT, wx.custom_properties_xml([("k", "v")]))
    ids["custom"] = package.relate(opc.PACKAGE, opc.RT_CUSTOM_PROPERTIES, "/docProps/custom.xml")
    return package, ids


# ── reading ──
def test_parts_relationships_and_content_types_are_read(archive):
    package = opc.Package(archive)
    assert package.main_part == "/word/document.xml"
    assert package.related_part(package.main_part, opc.RT_STYLES) == "/word/styles.xml"
    assert package.related_part(opc.PACKAGE, opc.RT_CORE_PROPERTIES) == "/docProps/core.xml"
    assert package.content_type("/word/document.xml").endswith("wordprocessingml.document.main+xml")
    assert "/word/numbering.xml" in package.part_names and "/word/_rels/document.xml.rels" not in package.part_names
    assert package.xml("/word/styles.xml") is package.xml("/word/styles.xml")  # parsed once, then edited in place


def test_rels_member_names():
    assert opc.rels_member(opc.PACKAGE) == "_rels/.rels"
    assert opc.rels_member("/word/document.xml") == "word/_rels/document.xml.rels"
    assert opc.rels_member("/top.xml") == "_rels/top.xml.rels"
    assert opc.Package.resolve("/word/document.xml", "../docProps/custom.xml") == "/docProps/custom.xml"


def test_parts_are_parsed_without_expanding_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    part = f'<!DOCTYPE r [<!ENTITY e SYSTEM "{secret.as_uri()}">]><r>&e;</r>'.encode()
    types = wx.content_types_xml([("/evil.xml", "application/xml")])
    package = opc.Package.open(wx.zip_members([("[Content_Types].xml", types), ("evil.xml", part)]))
    assert "TOP SECRET" not in etree.tostring(package.xml("/evil.xml"), encoding="unicode")


def test_a_zip_that_is_not_a_package_is_refused():
    with pytest.raises(ValueError, match="Content_Types"):
        opc.read_archive(wx.zip_members([("word/document.xml", b"<a/>")]))
    with pytest.raises(ValueError, match="zip"):
        opc.read_archive(b"not a zip")


# ── writing ──
def test_an_untouched_package_is_written_back_member_for_member(archive):
    assert members(opc.Package(archive).to_bytes()) == members(REFERENCE.read_bytes())


def test_round_trip_with_a_new_part_relationship_and_content_type(archive):
    package, ids = edited(archive)
    data = package.to_bytes()

    names = [name for name, _ in members(data)]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names[-2:] == ["word/header1.xml", "docProps/custom.xml"]  # new parts last, in the order added
    assert names.index("word/_rels/document.xml.rels") == names.index("word/document.xml") + 1
    z, original = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(REFERENCE)
    for name in ("word/styles.xml", "word/numbering.xml", "word/theme/theme1.xml", "docProps/core.xml"):
        assert z.read(name) == original.read(name)  # parts nobody asked for keep their bytes
    overrides = {o.get("PartName"): o.get("ContentType") for o in etree.fromstring(z.read("[Content_Types].xml"))
                 .iter(OVERRIDE)}
    assert overrides["/word/header1.xml"] == wx.HEADER_CT
    assert overrides["/docProps/custom.xml"] == wx.CUSTOM_PROPERTIES_CT
    assert list(overrides) == sorted(overrides)

    # python-docx, a real consumer, reads it back
    document = docx.Document(io.BytesIO(data))
    rels = document.part.rels
    header = rels[ids["header"]]
    assert header.reltype == opc.RT_HEADER and header.target_part.partname == "/word/header1.xml"
    assert header.target_part.content_type == wx.HEADER_CT
    assert [p.text for p in document.sections[0].header.paragraphs] == ["Running head"]
    assert rels[ids["link"]].is_external and rels[ids["link"]].target_ref == LINK
    custom = document.part.package.part_related_by(opc.RT_CUSTOM_PROPERTIES)
    assert custom.partname == "/docProps/custom.xml" and custom.content_type == wx.CUSTOM_PROPERTIES_CT
    assert document.core_properties.title == "termsmith house style"


def test_rids_are_unique_take_the_lowest_free_number_and_equal_relationships_are_shared(archive):
    package = opc.Package(archive)
    main = package.main_part
    before = {rel.r_id for rel in package.relationships(main)}
    new = [package.relate(main, opc.RT_HYPERLINK, f"https://example.com/{i}", external=True) for i in range(5)]
    ids = [rel.r_id for rel in package.relationships(main)]
    assert len(set(ids)) == len(ids) == len(before) + 5
    assert new == [f"rId{n}" for n in range(1, len(ids) + 1) if f"rId{n}" not in before]
    assert package.relate(main, opc.RT_HYPERLINK, "https://example.com/0", external=True) == new[0]
    package.add_part("/docProps/custom.xml", wx.CUSTOM_PROPERTIES_CT, wx.custom_properties_xml([]))
    assert [rel.r_id for rel in package.relationships(opc.PACKAGE)] == ["rId3", "rId4", "rId1"]
    assert package.relate(opc.PACKAGE, opc.RT_CUSTOM_PROPERTIES, "/docProps/custom.xml") == "rId2"  # the gap


def test_the_same_edits_give_the_same_bytes(archive):
    first = edited(archive)[0].to_bytes()
    assert first == edited(archive)[0].to_bytes()
    assert first == edited(opc.read_archive(REFERENCE.read_bytes()))[0].to_bytes()
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {opc.ZIP_EPOCH}


def test_parts_written_as_text_start_as_serialised_ones():
    assert opc.serialize_xml(etree.fromstring(b"<a/>")) == opc.XML_DECLARATION + b"<a/>"
    comments = wx.comments_part([wx.comment(0, "termsmith", "ts", "2027-01-01T00:00:00Z", "Check <this> & \"that\"",
                                            heading="Risk"), wx.comment(1, "A", "a", "2027-01-01T00:00:00Z", " ü ")])
    assert opc.serialize_xml(opc.parse_xml(comments)) == comments
    for kind in ("header", "footer"):
        for paragraphs in ([], [wx.paragraph_xml("Header", wx.run(" A & <B> ")), wx.paragraph_xml(None)]):
            story = wx.story(kind, paragraphs)
            assert opc.serialize_xml(opc.parse_xml(story)) == story


def test_packages_from_one_archive_share_no_state(archive):
    first = opc.Package(archive)
    first.xml(first.main_part).find(qn("w:body")).insert(0, wx.paragraph(None, [wx.run("only in the first")]))
    first.relate(first.main_part, opc.RT_HYPERLINK, LINK, external=True)
    second = opc.Package(archive)
    assert b"only in the first" not in second.blob(second.main_part)
    assert all(rel.target != LINK for rel in second.relationships(second.main_part))


def test_content_types_are_a_default_or_an_override(archive):
    package = opc.Package(archive)
    package.add_part("/word/plain.xml", "application/xml", b"<a/>")
    package.add_part("/word/other.xml", "application/x-other+xml", b"<b/>")
    assert package.content_type("/word/plain.xml") == "application/xml"
    assert package.content_type("/word/other.xml") == "application/x-other+xml"
    overrides = [o.get("PartName") for o in etree.fromstring(package.members()[0][1]).iter(OVERRIDE)]
    assert "/word/other.xml" in overrides and "/word/plain.xml" not in overrides


def test_bad_edits_are_refused(archive):
    package = opc.Package(archive)
    with pytest.raises(ValueError, match="already has"):
        package.add_part("/word/document.xml", wx.HEADER_CT, b"<a/>")
    with pytest.raises(ValueError, match="not a part name"):
        package.add_part("word/x.xml", wx.HEADER_CT, b"<a/>")
    with pytest.raises(KeyError):
        package.relate(package.main_part, opc.RT_HEADER, "/word/missing.xml")
    with pytest.raises(KeyError):
        package.related_part(package.main_part, opc.RT_HEADER)


# ── the renderer needs no python-docx ──
NO_DOCX_SCRIPT = """
import sys
from pathlib import Path
from termsmith import api
result = api.draft(Path({deal!r}), Path({out!r}), formats=("docx",))
assert [p.suffix for p in result.written if p.suffix == ".docx"] == [".docx"]
print(sorted(m for m in sys.modules if m == "docx" or m.startswith("docx.")))
"""


def test_drafting_a_docx_in_a_fresh_interpreter_does_not_import_python_docx(tmp_path):
    script = NO_DOCX_SCRIPT.format(deal=str(CANONICAL), out=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=str(REPO))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    drafted = next(tmp_path.glob("*.docx"))
    assert docx.Document(str(drafted)).core_properties.identifier  # and python-docx reads what it wrote
