"""Returned Word files made in ways the earlier red-teams did not try: revisions nested the other way round, words
moved within a clause, Word's noise (split runs, rsids, proofing marks), another namespace prefix, a package
stored uncompressed; and inputs that are not what they seem: an empty file, a password-protected copy, a damaged
zip, a copy of another deal, a copy of a draft made with an older library and no manifest beside it. Each is built
from a real draft and run through the real commands; those marked "failed before its fix" did."""

from __future__ import annotations

import copy
import io
import random
import re
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from termsmith import api
from termsmith.review.redline import summary_lines

from .conftest import EXAMPLES, ROOT, git, make_library_repo
from .reviewed import WordEdit, q, read_members, run_cli

DOCX = "acme-globex-2027.docx"
WHO, WHEN = "Jane Counsel", "2027-02-01T10:00:00Z"
SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _para(edit: WordEdit, text: str) -> etree._Element:
    return next(p for p in edit.doc.iter(q("p")) if text in "".join(t.text or "" for t in p.iter(q("t"))))


def _write(members: dict[str, bytes], dst: Path, stored: bool = False) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    dst.write_bytes(buffer.getvalue())


def _refused(drafted: Path, reviewed: Path, *needles: str) -> None:
    """redline and absorb both refuse `reviewed` in one line naming it, exit 1, the deal file untouched."""
    deal = drafted / "deal.yaml"
    before = deal.read_bytes()
    for args in (("redline", drafted / "out" / DOCX, reviewed, "-o", drafted / "r.docx"),
                 ("absorb", reviewed, "--deal", deal)):
        done = run_cli(*args)
        assert done.returncode == 1, (args[0], done.returncode, done.stderr)
        lines = [line for line in done.stderr.splitlines() if not line.startswith("library:")]
        assert len(lines) == 1 and lines[0].startswith(f"{reviewed}: "), done.stderr
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        for needle in needles:
            assert needle in lines[0], lines[0]
    assert deal.read_bytes() == before
    assert not (drafted / "r.docx").exists() and not (drafted / "deal.review.md").exists()


# ── revisions ──────────────────────────────────────────────────────────────────────────────
def test_words_one_reviewer_inserted_and_another_deleted_are_in_neither_view_whichever_way_nested(drafted, tmp_path):
    """Bob's insertion deleted by Carol, written as a w:del holding the w:ins (Word writes the w:ins outside): the
    words were read as inserted, and absorb wrote them into the deal's wording of clause 5.1. Failed before its fix."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.insert_after("Alliance Managers attend its meetings", " and may speak", author="Bob Adams")
    inserted = next(x for x in edit.doc.iter(q("ins")) if x.get(q("author")) == "Bob Adams")
    deleted = edit._mark("del", "Carol Baker", "2027-02-03T10:00:00Z")
    inserted.addprevious(deleted)
    deleted.append(inserted)
    for t in inserted.iter(q("t")):
        t.tag = q("delText")
    edit.replace("every quarter", "every month", author="Carol Baker")
    reviewed = drafted / "out" / "nested.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert list(result.plan.overrides) == ["governance.meetings"], result.plan.overrides
    assert "may speak" not in str(result.plan.overrides)
    done = api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx")
    lines = summary_lines(done.comparison)
    assert not any("may speak" in line for line in lines), lines
    assert any(line.startswith("~ 5.2 ") for line in lines), lines


def test_words_moved_with_tracking_within_a_clause_leave_the_clause_where_it_is(drafted, tmp_path):
    """A sentence of clause 5.2's first paragraph moved with tracking into its third paragraph (Word writes the move's
    range inside each paragraph): the clause's bookmark went with the words, so 5.2 read as a new clause holding its
    first paragraphs and absorb added a clause to the deal. Failed before its fix."""
    edit = WordEdit(drafted / "out" / DOCX)
    sentence = " Meetings may be held in person or by video conference."
    _, moved, _ = edit._split(sentence)
    for kind, where, run in (("moveFrom", moved, moved), ("moveTo", None, copy.deepcopy(moved))):
        start = edit._mark(f"{kind}RangeStart", WHO, WHEN)
        start.set(q("name"), "move1")
        wrapper = edit._mark(kind, WHO, WHEN)
        if where is None:
            _, where, _ = edit._split("If it cannot agree on a matter within its remit, clause")
            run.find(q("t")).text = sentence.strip() + " "
        where.addprevious(start)
        start.addnext(wrapper)
        wrapper.append(run)
        end = etree.Element(q(f"{kind}RangeEnd"))
        end.set(q("id"), start.get(q("id")))
        wrapper.addnext(end)
        if kind == "moveFrom":
            run.find(q("t")).tag = q("delText")
    reviewed = drafted / "out" / "moved.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert list(result.plan.overrides) == ["governance.meetings"], result.plan.overrides
    text = result.plan.overrides["governance.meetings"]["text"]
    assert "Agreement. Meetings may be held in person or by video conference. If it cannot" in text, text
    assert not [c for c in result.plan.clauses if c.action == "added"]
    assert not result.mismatches
    lines = summary_lines(api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx").comparison)
    assert lines[0].startswith("0 added, 0 removed, 1 changed"), lines


# ── what Word, other producers and zip tools leave in a file that reads the same ────────────
def _noisy(edit: WordEdit) -> None:
    """Word's noise: every run split at a random place, with revision-save ids, proofing marks, rendered page breaks,
    paragraph ids and the _GoBack bookmark."""
    rnd = random.Random(7)
    for run in list(edit.doc.iter(q("r"))):
        t = run.find(q("t"))
        if t is None or not t.text or len(t.text) < 4 or len(run) > 2:
            continue
        cut = rnd.randrange(1, len(t.text))
        second = copy.deepcopy(run)
        second.find(q("t")).text, t.text = t.text[cut:], t.text[:cut]
        for el in (t, second.find(q("t"))):
            el.set(SPACE, "preserve")
        run.set(q("rsidR"), "00A1B2C3")
        second.set(q("rsidRPr"), "00D4E5F6")
        second.insert(len(second) - 1, etree.Element(q("lastRenderedPageBreak")))
        run.addnext(second)
        proof = etree.Element(q("proofErr"))
        proof.set(q("type"), "spellStart")
        run.addnext(proof)
    for p in edit.doc.iter(q("p")):
        p.set(q("rsidR"), "00112233")
        p.set("{http://schemas.microsoft.com/office/word/2010/wordml}paraId", "1A2B3C4D")
    p = _para(edit, "Steering Committee oversees")
    for tag in ("bookmarkStart", "bookmarkEnd"):
        mark = etree.SubElement(p, q(tag))
        mark.set(q("id"), "999")
        if tag == "bookmarkStart":
            mark.set(q("name"), "_GoBack")


def _prefixed(data: bytes, prefix: str) -> bytes:
    """A part written with another prefix for WordprocessingML's namespace (the same XML to a namespace-aware
    reader)."""
    text = data.decode("utf-8").replace("xmlns:w=", f"xmlns:{prefix}=")
    text = re.sub(r"(</?)w:", rf"\1{prefix}:", text)
    return re.sub(r"(\s)w:([A-Za-z]+=)", rf"\1{prefix}:\2", text).encode("utf-8")


@pytest.mark.parametrize("made", ["noise", "prefix", "stored"])
def test_a_copy_that_reads_the_same_to_word_reads_the_same_here(drafted, tmp_path, made):
    """One tracked change, in a copy full of Word's noise, or with the w: namespace under another prefix in every
    part, or stored uncompressed with its content types and members in reverse order: the one change, as a field."""
    edit = WordEdit(drafted / "out" / DOCX)
    if made == "noise":
        _noisy(edit)
    edit.replace("within 30 days after the Effective Date", "within 45 days after the Effective Date")
    reviewed = drafted / "out" / f"{made}.docx"
    edit.save(reviewed)
    members = read_members(reviewed)
    if made == "prefix":
        members = {n: _prefixed(d, "wx") if n.startswith("word/") and n.endswith(".xml") else d
                   for n, d in members.items()}
    if made == "stored":
        types = etree.fromstring(members["[Content_Types].xml"])
        types[:] = list(reversed(list(types)))
        members["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")
        members = dict(reversed(list(members.items())))
    _write(members, reviewed, stored=made == "stored")
    lines = summary_lines(api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx").comparison)
    assert lines == ["0 added, 0 removed, 1 changed", "~ 5.1 Steering Committee (within 30 days → within 45 days)"], \
        lines
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert [(p, new) for p, _old, new in result.plan.fields] == [(("terms", "steering_committee_days"), 45)], \
        result.plan.fields
    assert result.plan.overrides == {}


# ── files that are not what they seem ──────────────────────────────────────────────────────
def _compound_file(streams: list[str]) -> bytes:
    """An OLE compound file (one FAT sector, one directory sector) holding empty streams of these names: how a .docx
    protected by a password is stored (its package encrypted in the EncryptedPackage stream, [MS-OFFCRYPTO])."""
    end, free, fat_sector, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF

    def entry(name: str, kind: int, right: int = none, child: int = none) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1) +
                struct.pack("<III", none, right, child) + bytes(16 + 4 + 16) + struct.pack("<IQ", end, 0))

    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) +
              bytes(6) + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, end, 0, end, 0) +
              struct.pack("<109I", 0, *[free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *[free] * 126)
    entries = [entry("Root Entry", 5, child=1)] + [
        entry(name, 2, right=k + 2 if k + 1 < len(streams) else none) for k, name in enumerate(streams)]
    directory = b"".join(entries).ljust(512, b"\0")
    assert len(header) == 512 and len(directory) == 512
    return header + fat + directory


def test_an_empty_file_is_refused_as_empty(drafted):
    reviewed = drafted / "out" / "empty.docx"
    reviewed.write_bytes(b"")
    _refused(drafted, reviewed, "is empty (0 bytes)")


def test_a_copy_protected_by_a_password_is_refused_as_such_not_as_a_doc(drafted):
    """An encrypted .docx is an OLE file, as a .doc is: it was called a Word 97-2003 document to be saved as .docx.
    Failed before its fix."""
    reviewed = drafted / "out" / "locked.docx"
    reviewed.write_bytes(_compound_file(["EncryptionInfo", "EncryptedPackage"]))
    _refused(drafted, reviewed, "protected by a password", "remove the password")
    old = drafted / "out" / "old.docx"  # an OLE file of another kind is still said to be one
    old.write_bytes(_compound_file(["WordDocument", "1Table"]))
    _refused(drafted, old, "Word 97-2003 document (.doc)")


def test_a_copy_whose_compressed_bytes_are_damaged_is_refused_in_one_line(drafted):
    """A byte of word/document.xml's compressed data altered on the way: zlib's error was an internal error, exit 3.
    Failed before its fix."""
    data = bytearray((drafted / "out" / DOCX).read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 3] ^= 0xFF
    reviewed = drafted / "out" / "damaged.docx"
    reviewed.write_bytes(bytes(data))
    _refused(drafted, reviewed, "word/document.xml cannot be read: the file is damaged")


def test_a_copy_of_another_deal_is_refused_as_that_deal(drafted, tmp_path):
    """The draft of another deal given to absorb: it said the deal file had changed since (and --force was the way
    on). It names the deal the document was drafted from. Failed before its fix."""
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(EXAMPLES / "helios-orbis-strategic-alliance.yaml", other / "helios.yaml")
    api.draft(other / "helios.yaml", other / "out")
    reviewed = drafted / "out" / "helios.docx"
    shutil.copy(next((other / "out").glob("*.docx")), reviewed)
    deal = drafted / "deal.yaml"
    before = deal.read_bytes()
    done = run_cli("absorb", reviewed, "--deal", deal)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0] == (
        f"{reviewed}: was drafted from the deal 'helios-orbis-2027' (its deal file was named helios.yaml), not from "
        "deal.yaml, which is the deal 'acme-globex-2027': give the deal file it was drafted from"), done.stderr
    assert deal.read_bytes() == before and not (drafted / "deal.review.md").exists()


# ── a copy of a draft made with an older library, its manifest not beside it ─────────────────
@pytest.fixture
def older(tmp_path) -> tuple[Path, Path]:
    """The canonical deal drafted from a library repository at tag v1; then the library's mediation clause reworded
    and committed. Returns (deal folder, library)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = make_library_repo(tmp_path / "repo", ROOT / "clause_library", "clause_library", "v1")
    library = repo / "clause_library"
    folder = tmp_path / "deal"
    folder.mkdir()
    shutil.copy(EXAMPLES / "acme-globex-technology.yaml", folder / "deal.yaml")
    api.draft(folder / "deal.yaml", folder / "out", library=library)
    clause = library / "clauses" / "disputes" / "mediation.md"
    text = clause.read_text(encoding="utf-8")
    assert "either Party" in text or "any Party" in text
    clause.write_text(text.replace("mediator", "mediation officer"), encoding="utf-8")
    git(repo, "commit", "-qam", "mediation officer")
    return folder, library


def _reviewed_without_manifest(folder: Path) -> Path:
    edit = WordEdit(folder / "out" / DOCX)
    edit.replace("every quarter", "every month")
    reviewed = folder / "out" / "reviewed.docx"
    edit.save(reviewed)
    (folder / "out" / "acme-globex-2027.manifest.json").unlink()
    return reviewed


def test_an_older_librarys_draft_without_its_manifest_is_compared_with_that_library(older):
    """Without the manifest, absorb drafted the deal from the library as it is now: the clause the library reworded
    since read as the reviewer's edit, and its old wording was written into the deal. The draft is rebuilt at the
    library commit the document records. Failed before its fix."""
    folder, library = older
    reviewed = _reviewed_without_manifest(folder)
    result = api.absorb(reviewed, folder / "deal.yaml", library=library, dry_run=True)
    assert list(result.plan.overrides) == ["governance.meetings"], result.plan.overrides


def test_an_older_librarys_draft_whose_commit_the_library_lacks_is_refused(older, tmp_path):
    """The library given is another repository, without the commit the document was drafted at: refused in one
    line, the deal file untouched."""
    folder, library = older
    reviewed = _reviewed_without_manifest(folder)
    elsewhere = make_library_repo(tmp_path / "elsewhere", library, "clause_library", "v9") / "clause_library"
    deal = folder / "deal.yaml"
    before = deal.read_bytes()
    done = run_cli("absorb", reviewed, "--deal", deal, "--library", elsewhere)
    assert done.returncode == 1, done.stderr
    line = done.stderr.splitlines()[0]
    assert line.startswith(f"{reviewed}: was drafted from the clause library ") and "--library-rev" in line, line
    assert "Traceback" not in done.stderr
    assert deal.read_bytes() == before and not (folder / "deal.review.md").exists()


# ── cross-references pointed at another clause ──────────────────────────────────────────────
def _reference_runs(edit: WordEdit, text: str) -> list[etree._Element]:
    """The runs of the REF field (begin to end) in the paragraph holding `text`."""
    p = _para(edit, text)
    runs = list(p)
    marks = [k for k, r in enumerate(runs) if r.find(q("fldChar")) is not None]
    return runs[marks[0]:marks[-1] + 1]


def test_a_cross_reference_replaced_with_tracking_by_one_to_another_clause_is_a_change(drafted, tmp_path):
    """The reviewer deleted the reference to clause 5.3 and inserted one to clause 5.1 (Insert > Cross-reference):
    redline's summary called it "cross-references updated", as for a renumbered clause, and listed no change.
    Failed before its fix."""
    edit = WordEdit(drafted / "out" / DOCX)
    runs = _reference_runs(edit, "If it cannot agree on a matter within its remit, clause")
    new = [copy.deepcopy(r) for r in runs]
    deleted = edit._mark("del", WHO, WHEN)
    runs[0].addprevious(deleted)
    for run in runs:
        deleted.append(run)
        for t in run.findall(q("t")):
            t.tag = q("delText")
        for t in run.findall(q("instrText")):
            t.tag = q("delInstrText")
    inserted = edit._mark("ins", WHO, WHEN)
    deleted.addnext(inserted)
    for run in new:
        inserted.append(run)
        for t in run.findall(q("instrText")):
            t.text = " REF _Ref_governance_steering_committee \\w \\h "
        for t in run.findall(q("t")):
            t.text = "5.1"
    reviewed = drafted / "out" / "repointed.docx"
    edit.save(reviewed)
    lines = summary_lines(api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx").comparison)
    assert lines == ["0 added, 0 removed, 1 changed",
                     "~ 5.2 Meetings and decisions (clause 5.3 applies. → clause 5.1 applies.)"], lines
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert 'clause {{ ref("governance.steering-committee") }} applies.' in \
        result.plan.overrides["governance.meetings"]["text"]


def test_a_field_code_pointed_at_another_referenced_clause_is_that_clauses_reference(drafted, tmp_path):
    """The REF field's code edited to clause 5.2's bookmark, its result still showing 5.3 (Word shows 5.2 once it
    updates its fields): as clause 5.2 is referenced elsewhere, the stale 5.3 was taken for a number the reviewer
    typed over, read back as the old reference, and the change was lost. Failed before its fix."""
    edit = WordEdit(drafted / "out" / DOCX)
    runs = _reference_runs(edit, "If it cannot agree on a matter within its remit, clause")
    next(r.find(q("instrText")) for r in runs if r.find(q("instrText")) is not None).text = \
        " REF _Ref_governance_meetings \\w \\h "
    reviewed = drafted / "out" / "recoded.docx"
    edit.save(reviewed)
    lines = summary_lines(api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx").comparison)
    assert lines == ["0 added, 0 removed, 1 changed",
                     "~ 5.2 Meetings and decisions (clause 5.3 applies. → clause 5.2 applies.)"], lines
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert 'clause {{ ref("governance.meetings") }} applies.' in result.plan.overrides["governance.meetings"]["text"]


# ── markup compatibility ─────────────────────────────────────────────────────────────────────
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _alternate(*contents: etree._Element, fallback: bool = True) -> etree._Element:
    """mc:AlternateContent whose choice (for Word 2010) and fallback hold copies of `contents`."""
    alternate = etree.Element(f"{{{MC}}}AlternateContent", nsmap={"mc": MC})
    choice = etree.SubElement(alternate, f"{{{MC}}}Choice", Requires="w14")
    choice.extend(copy.deepcopy(c) for c in contents)
    if fallback:
        etree.SubElement(alternate, f"{{{MC}}}Fallback").extend(copy.deepcopy(c) for c in contents)
    return alternate


@pytest.mark.parametrize("fallback", [True, False])
def test_runs_and_paragraphs_in_alternate_content_are_read(drafted, tmp_path, fallback):
    """Words typed over in runs that a newer Word wrote in mc:AlternateContent (a choice for Word 2010 and a plain
    fallback) were dropped (read as a picture's place, or not at all): "every quarter" read as removed. A paragraph
    so written is read too. Failed before its fix."""
    edit = WordEdit(drafted / "out" / DOCX)
    _, middle, _ = edit._split("every quarter")
    middle.find(q("t")).text = "every month"
    middle.addprevious(_alternate(middle, fallback=fallback))
    middle.getparent().remove(middle)
    p = _para(edit, "A meeting is quorate only")
    p.find(f"{q('r')}/{q('t')}").text = p.find(f"{q('r')}/{q('t')}").text.replace("at least one", "at least two")
    p.addprevious(_alternate(p, fallback=fallback))
    p.getparent().remove(p)
    reviewed = drafted / "out" / "alternate.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    text = result.plan.overrides["governance.meetings"]["text"]
    assert "must meet every month," in text and "at least two member" in text, text
    assert not result.mismatches and not [c for c in result.plan.clauses if c.action in ("added", "removed")]


# ── an article the review added ──────────────────────────────────────────────────────────────
@pytest.mark.parametrize("tracked", [True, False])
def test_an_article_the_review_added_is_listed_as_not_absorbed_with_its_clause(drafted, tmp_path, tracked):
    """An article heading typed before Article 5 with one clause under it: absorb stopped with an internal error
    (exit 3: the clause's deal id was made from the new article's, which no deal can have). The heading and its
    clause are listed as not absorbed, the clause's words with them, and the deal file is not changed. Failed
    before its fix."""
    edit = WordEdit(drafted / "out" / DOCX)
    governance = next(p for p in edit.doc.iter(q("p")) if "".join(t.text or "" for t in p.iter(q("t"))) == "Governance")
    governance.addprevious(edit.new_paragraph("ArticleHeading", [("Non-solicitation", False)], WHO, WHEN, tracked))
    governance.addprevious(edit.new_paragraph("ClauseLevel1", [("Non-solicitation. ", True), (
        "Neither Party may solicit the employees of the other Party during the Term.", False)], WHO, WHEN, tracked))
    reviewed = drafted / "out" / "article.docx"
    edit.save(reviewed)
    deal = drafted / "deal.yaml"
    before = deal.read_bytes()
    done = run_cli("absorb", reviewed, "--deal", deal)
    assert done.returncode == 0, done.stderr
    assert deal.read_bytes() == before
    review = (drafted / "deal.review.md").read_text(encoding="utf-8")
    assert "- Article 5: the heading of Article 5 “Non-solicitation” added: articles and schedules are the " \
           "library's" in review, review
    assert "- clause 5.1 Non-solicitation, under the heading Article 5 “Non-solicitation” the review added: a deal " \
           "cannot add an article or schedule" in review, review
    assert "Neither Party may solicit the employees of the other Party during the Term." in review
    lines = summary_lines(api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx").comparison)
    assert lines[1:3] == ["+ 5. Non-solicitation (1 clause)", "+ 5.1 Non-solicitation"], lines


def test_a_copy_whose_document_properties_were_dropped_says_so_and_absorbs_with_force(drafted):
    """A program that drops custom document properties saved the copy: absorb said to re-draft and review again,
    which would not help. It says the properties are gone and that --force absorbs it; with --force the change is
    read against the deal file's draft."""
    edit = WordEdit(drafted / "out" / DOCX)
    edit.replace("every quarter", "every month")
    reviewed = drafted / "out" / "bare.docx"
    edit.save(reviewed)
    members = read_members(reviewed)
    del members["docProps/custom.xml"]
    rels = etree.fromstring(members["_rels/.rels"])
    for rel in [r for r in rels if "custom-properties" in r.get("Type")]:
        rels.remove(rel)
    members["_rels/.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
    _write(members, reviewed)
    deal = drafted / "deal.yaml"
    before = deal.read_bytes()
    done = run_cli("absorb", reviewed, "--deal", deal)
    assert done.returncode == 1 and deal.read_bytes() == before, done.stderr
    assert "custom document properties are gone" in done.stderr and "--force" in done.stderr, done.stderr
    assert "re-draft" not in done.stderr
    result = api.absorb(reviewed, deal, force=True, dry_run=True)
    assert list(result.plan.overrides) == ["governance.meetings"], result.plan.overrides


# ── the deal file as its author saved it ─────────────────────────────────────────────────────
def _drafted_as(tmp_path: Path, name: str, content: bytes) -> Path:
    folder = tmp_path / "deal"
    folder.mkdir()
    (folder / name).write_bytes(content)
    api.draft(folder / name, folder / "out")
    edit = WordEdit(folder / "out" / DOCX)
    edit.replace("within 30 days after the Effective Date", "within 45 days after the Effective Date")
    edit.replace("every quarter", "every month")
    edit.save(folder / "out" / "reviewed.docx")
    return folder


def test_a_json_deal_file_stays_json(tmp_path):
    """A deal written in JSON: absorb spliced its changes in as YAML (`terms: {steering_committee_days: 45}`), which
    termsmith reads but no JSON tool does. It is written as JSON again, indented as it was, holding the same data
    plus the review's. Failed before its fix."""
    import json

    import yaml

    data = yaml.safe_load((EXAMPLES / "acme-globex-technology.yaml").read_text(encoding="utf-8"))
    original = json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n"
    folder = _drafted_as(tmp_path, "deal.json", original.encode("utf-8"))
    done = run_cli("absorb", folder / "out" / "reviewed.docx", "--deal", folder / "deal.json")
    assert done.returncode == 0, done.stderr
    text = (folder / "deal.json").read_text(encoding="utf-8")
    now = json.loads(text)
    assert now["terms"] == {"steering_committee_days": 45}
    assert "every month" in now["overrides"]["governance.meetings"]["text"]
    del now["terms"], now["overrides"]
    assert json.dumps(now, indent=2, ensure_ascii=False) + "\n" == original
    assert run_cli("draft", folder / "deal.json", "-o", folder / "again").returncode == 0


def test_a_json_deal_laid_out_by_hand_keeps_its_layout(tmp_path):
    """Each signatory on one line, two spaces after each colon: absorb wrote the whole file again in json.dumps'
    layout, so its diff touched every line. Now only the review's changes are written (here two new members of
    the deal, after its last one), and the rest of the file is the author's, byte for byte."""
    import json
    import re

    import yaml

    data = yaml.safe_load((EXAMPLES / "acme-globex-technology.yaml").read_text(encoding="utf-8"))
    text = json.dumps(data, indent=2, default=str, ensure_ascii=False)
    text = re.sub(r'\{\n\s*("name": [^\n]+),\n\s*("title": [^\n]+)\n\s*\}', r"{\1, \2}", text)
    original = text.replace('": ', '":  ') + "\n"
    assert '"signatory":  {"name":  ' in original
    folder = _drafted_as(tmp_path, "deal.json", original.encode("utf-8"))
    done = run_cli("absorb", folder / "out" / "reviewed.docx", "--deal", folder / "deal.json")
    assert done.returncode == 0, done.stderr
    now = (folder / "deal.json").read_text(encoding="utf-8")
    head = original[:original.rindex("}")].rstrip()  # the author's file up to its last member
    assert now.startswith(head) and now.endswith("\n}\n"), now[len(head) - 200:]
    added = json.loads("{" + now[len(head):].strip().removeprefix(",").removesuffix("}") + "}")
    assert added["terms"] == {"steering_committee_days": 45}
    assert "every month" in added["overrides"]["governance.meetings"]["text"]
    assert now[len(head):].startswith(',\n  "terms": {\n    "steering_committee_days": 45\n  },\n  "overrides": {')
    assert run_cli("draft", folder / "deal.json", "-o", folder / "again").returncode == 0


def test_a_review_absorbed_again_with_force_says_the_deal_already_reads_so(tmp_path):
    """absorb run a second time with --force: the deal already held the review, and DEAL.review.md then listed each
    tracked change as the reviewer's untracked edit back to the old words ("edited (untracked): “45” → “30”")."""
    text = (EXAMPLES / "acme-globex-technology.yaml").read_bytes()
    folder = _drafted_as(tmp_path, "deal.yaml", text)
    reviewed, deal = folder / "out" / "reviewed.docx", folder / "deal.yaml"
    assert run_cli("absorb", reviewed, "--deal", deal).returncode == 0
    absorbed = deal.read_bytes()
    done = run_cli("absorb", reviewed, "--deal", deal, "--force")
    assert done.returncode == 0, done.stderr
    assert deal.read_bytes() == absorbed
    review = (folder / "deal.review.md").read_text(encoding="utf-8")
    assert "edited (untracked)" not in review, review
    assert review.count("no change to the text: the deal already reads as the reviewed document here") == 2, review
    assert "- inserted (Jane Counsel, 2027-02-01): “within 45 days after the Effective Date”" in review


@pytest.mark.parametrize("option, value, said", [
    ("--library", "no-such-library", "no-such-library: clause library folder not found"),
    ("--library-rev", "no-such-tag", "no tag, branch or commit named 'no-such-tag'"),
])
def test_a_library_option_that_names_nothing_is_refused_even_when_the_manifest_decides(drafted, option, value, said):
    """A copy with its manifest beside it is read against the library the manifest records, so a mistyped
    --library or --library-rev went unnoticed: absorb said "No changes" and exit 0."""
    done = run_cli("absorb", drafted / "out" / DOCX, "--deal", drafted / "deal.yaml", option,
                   drafted / value if option == "--library" else value, "--dry-run")
    assert done.returncode == 1 and said in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_deal_file_saved_with_a_byte_order_mark_keeps_it(tmp_path):
    """A deal file saved by a Windows editor (a UTF-8 byte order mark, CRLF line ends): absorb kept the line ends but
    dropped the mark. Failed before its fix."""
    text = (EXAMPLES / "acme-globex-technology.yaml").read_bytes().replace(b"\n", b"\r\n")
    folder = _drafted_as(tmp_path, "deal.yaml", b"\xef\xbb\xbf" + text)
    done = run_cli("absorb", folder / "out" / "reviewed.docx", "--deal", folder / "deal.yaml")
    assert done.returncode == 0, done.stderr
    now = (folder / "deal.yaml").read_bytes()
    assert now.startswith(b"\xef\xbb\xbf" + text[:200]) and b"steering_committee_days: 45\r\n" in now
    assert b"\n" not in now.replace(b"\r\n", b"")


def test_a_copy_whose_clause_bookmarks_were_dropped_says_so(drafted, tmp_path):
    """Every bookmark removed (as a program that does not keep them saves a copy): both commands said the copy was
    not made by termsmith. They say its bookmarks are gone; absorb refuses it in one line, the deal untouched."""
    edit = WordEdit(drafted / "out" / DOCX)
    for mark in list(edit.doc.iter(q("bookmarkStart"), q("bookmarkEnd"))):
        mark.getparent().remove(mark)
    reviewed = drafted / "out" / "unmarked.docx"
    edit.save(reviewed)
    _refused_absorb = run_cli("absorb", reviewed, "--deal", drafted / "deal.yaml")
    assert _refused_absorb.returncode == 1
    assert _refused_absorb.stderr.splitlines()[0] == (
        f"{reviewed}: was made by termsmith, but its clause bookmarks are gone (a program that saved it did not keep "
        "them): absorb cannot tell its clauses apart; ask for the copy as Word saved it, or compare it as text with "
        "`termsmith redline`")
    done = run_cli("redline", drafted / "out" / DOCX, reviewed, "-o", tmp_path / "r.docx")
    assert done.returncode == 0 and (f"{reviewed}: made by termsmith, but its clause bookmarks are gone"
                                     in done.stdout), done.stdout


def test_a_page_layout_changed_with_tracking_is_reported_not_lost(drafted, tmp_path):
    """Margins changed with Track Changes on (w:sectPrChange, in the body's last section and in a section a
    paragraph ends): no note said so. It is reported as a formatting change where the section ends, not absorbed."""
    edit = WordEdit(drafted / "out" / DOCX)
    sections = list(edit.doc.iter(q("sectPr")))
    assert sections, "a draft has sections"
    for section in sections:
        change = edit._mark("sectPrChange", WHO, WHEN)
        etree.SubElement(change, q("sectPr"))
        section.append(change)
    reviewed = drafted / "out" / "layout.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    notes = [(r.title, n.kind, n.text) for r in result.plan.clauses for n in r.notes]
    assert notes and all(kind == "formatting changed" and text == "(page layout)" for _t, kind, text in notes), notes
    assert len(notes) == len(sections), notes
    assert not result.plan.changed


def test_an_equation_inserted_into_a_clause_is_reported_not_lost(drafted, tmp_path):
    """A formula typed with Insert > Equation (Office Math, m:oMath) into clause 5.2: its text was dropped without a
    word. termsmith drafts none: it is named where it is, like a picture, and listed as not absorbed."""
    edit = WordEdit(drafted / "out" / DOCX)
    omml = "http://schemas.openxmlformats.org/officeDocument/2006/math"
    math = etree.Element(f"{{{omml}}}oMath", nsmap={"m": omml})
    for text in ("Q", "=", "M×2"):
        etree.SubElement(etree.SubElement(math, f"{{{omml}}}r"), f"{{{omml}}}t").text = text
    _para(edit, "A meeting is quorate only").append(math)
    reviewed = drafted / "out" / "equation.docx"
    edit.save(reviewed)
    done = run_cli("redline", drafted / "out" / DOCX, reviewed, "-o", tmp_path / "r.docx")
    assert done.returncode == 0 and "1 equation the redline does not compare or show (termsmith drafts none): " \
        "equation in clause 5.2: “Q=M×2”" in done.stdout, done.stdout
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.refused == ["equation in clause 5.2: “Q=M×2”: a deal has no equations; put its text into "
                                   "the clause's wording if it belongs in the agreement"], result.plan.refused
    assert not result.plan.changed


def test_a_run_in_title_deleted_alone_is_not_absorbed_as_the_clauses_wording(drafted):
    """Clause 5.2's run-in title deleted with tracking, its words kept: absorb wrote the clause's whole text into the
    deal as its own wording, its values frozen (the re-draft, which still prints the title, differed), for a change
    no deal can make. It is listed as not absorbed and the deal file is not changed."""
    edit = WordEdit(drafted / "out" / DOCX)
    p = _para(edit, "The Steering Committee must meet every quarter")
    title, space = p.findall(q("r"))[:2]
    deleted = edit._mark("del", WHO, WHEN)
    title.addprevious(deleted)
    for run in (title, space):
        deleted.append(run)
        run.find(q("t")).tag = q("delText")
    reviewed = drafted / "out" / "untitled.docx"
    edit.save(reviewed)
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    assert result.plan.overrides == {} and not result.plan.changed, result.plan.overrides
    assert result.plan.refused == ["clause 5.2 Meetings and decisions: the run-in title “Meetings and decisions” "
                                   "deleted: a clause of the deal keeps its title (the re-draft prints it), so the "
                                   "deal cannot leave it out; its words are unchanged"], result.plan.refused


def _contract_table(edit: WordEdit) -> etree._Element:
    return next(t for t in edit.doc.iter(q("tbl")) if t.find(f"{q('tblPr')}/{q('tblStyle')}") is not None and
                t.find(f"{q('tblPr')}/{q('tblStyle')}").get(q("val")) == "ContractTable")


@pytest.mark.parametrize("kind", ["cellDel", "cellIns"])
def test_a_column_deleted_or_inserted_cell_by_cell_with_tracking_is_that_column(drafted, tmp_path, kind):
    """Schedule 1's last column deleted with tracking as Word records a cell deletion (w:cellDel, its words deleted):
    the cells stayed in the row as it stands, so the deal's wording kept an empty column. A column inserted
    (w:cellIns) was in the row before the review too, read as words moved between cells. Failed before its fix."""
    edit = WordEdit(drafted / "out" / DOCX)
    for k, row in enumerate(_contract_table(edit).findall(q("tr"))):
        cell = row.findall(q("tc"))[-1]
        if kind == "cellIns":
            cell = copy.deepcopy(cell)
            row.append(cell)
            for t in cell.iter(q("t")):
                t.text = "Notes" if k == 0 else f"note {k}"
        props = cell.find(q("tcPr"))
        if props is None:
            props = etree.Element(q("tcPr"))
            cell.insert(0, props)
        props.append(edit._mark(kind, WHO, WHEN))
        for run in list(cell.iter(q("r"))):
            wrapper = edit._mark("del" if kind == "cellDel" else "ins", WHO, WHEN)
            run.addprevious(wrapper)
            wrapper.append(run)
            if kind == "cellDel":
                for t in run.findall(q("t")):
                    t.tag = q("delText")
    reviewed = drafted / "out" / f"{kind}.docx"
    edit.save(reviewed)
    lines = summary_lines(api.redline(drafted / "out" / DOCX, reviewed, tmp_path / "r.docx").comparison)
    assert lines[1] == ("~ Schedule 1 para 1 Duties of each Party (removed column “Duties” from the table)"
                        if kind == "cellDel" else
                        "~ Schedule 1 para 1 Duties of each Party (added column “Notes” to the table)"), lines
    result = api.absorb(reviewed, drafted / "deal.yaml", dry_run=True)
    text = result.plan.overrides["schedule-roles.duties"]["text"]
    header = next(line for line in text.splitlines() if line.startswith("| Party"))
    assert header.count("|") == (3 if kind == "cellDel" else 5), header
    assert not any(n.kind == "edited" for r in result.plan.clauses for n in r.notes), result.plan.clauses
    assert not result.mismatches
