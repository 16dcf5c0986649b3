"""write: atomic outputs, reviewer edits protected, names cannot escape the output folder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from termsmith import api
from termsmith.errors import OutputError
from termsmith.write import output_path, write_outputs

from .conftest import CANONICAL, MINI


def test_redraft_over_own_output_is_allowed(tmp_path):
    api.draft(CANONICAL, tmp_path, library=MINI, formats=("md", "docx"))
    first = (tmp_path / "acme-globex-2027.docx").read_bytes()
    api.draft(CANONICAL, tmp_path, library=MINI, formats=("md", "docx"))
    assert (tmp_path / "acme-globex-2027.docx").read_bytes() == first


def test_edited_docx_is_not_overwritten_without_force(tmp_path):
    api.draft(CANONICAL, tmp_path, library=MINI)
    docx = tmp_path / "acme-globex-2027.docx"
    edited = docx.read_bytes() + b"reviewer"
    docx.write_bytes(edited)
    with pytest.raises(OutputError) as info:
        api.draft(CANONICAL, tmp_path, library=MINI)
    assert "--force" in str(info.value) and "changed since termsmith wrote it" in str(info.value)
    assert docx.read_bytes() == edited
    api.draft(CANONICAL, tmp_path, library=MINI, force=True)
    assert docx.read_bytes() != edited


def test_edited_markdown_twin_is_protected_like_the_docx(tmp_path):
    api.draft(CANONICAL, tmp_path, library=MINI)
    md = tmp_path / "acme-globex-2027.md"
    edited = md.read_text(encoding="utf-8").replace("Acme", "ACME")
    md.write_text(edited, encoding="utf-8")
    with pytest.raises(OutputError) as info:
        api.draft(CANONICAL, tmp_path, library=MINI)
    problem = info.value.problems[0]
    assert problem.file == str(md.resolve()) and problem.code == "edited"
    assert problem.message == ("was changed since termsmith wrote it, perhaps by a reviewer; not overwritten. "
                               "Save the edits elsewhere or re-run with --force")
    assert md.read_text(encoding="utf-8") == edited
    api.draft(CANONICAL, tmp_path, library=MINI, force=True)
    assert md.read_text(encoding="utf-8") != edited


def test_foreign_docx_is_not_overwritten(tmp_path):
    (tmp_path / "acme-globex-2027.docx").write_bytes(b"someone else's file")
    with pytest.raises(OutputError) as info:
        api.draft(CANONICAL, tmp_path, library=MINI)
    assert "not written by termsmith" in str(info.value)


def test_failed_write_leaves_previous_outputs_intact(tmp_path, monkeypatch):
    api.draft(CANONICAL, tmp_path, library=MINI)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("termsmith.write.os.replace", broken)
    with pytest.raises(OutputError):
        write_outputs(tmp_path, {"acme-globex-2027.md": b"new"}, "acme-globex-2027.manifest.json", b"{}")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_folder_that_cannot_be_written_names_the_draft_not_the_hidden_journal(tmp_path, monkeypatch):
    """In a read-only folder the first file written is the journal: the error named
    `.x.manifest.json.pending`, a file the user never asked for. (Run as root here, where no folder is
    read-only: the refusal the operating system gives an ordinary user is raised where it would arise.)"""
    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("termsmith.write.tempfile.mkstemp", refused)
    with pytest.raises(OutputError) as caught:
        write_outputs(tmp_path, {"a.docx": b"A", "a.md": b"M"}, "a.manifest.json", b"{}")
    assert [(p.file, p.message) for p in caught.value.problems] == [
        (str(tmp_path / "a.docx"), "cannot write: Permission denied")]
    assert list(tmp_path.iterdir()) == []


def test_names_cannot_escape(tmp_path):
    for name in ("../x.md", "a/b.md", "..", ""):
        with pytest.raises(OutputError):
            output_path(tmp_path, name)
    assert output_path(tmp_path, "ok.md") == (tmp_path / "ok.md").resolve()


def test_a_crashed_runs_temporary_files_go_when_their_draft_is_written_again(tmp_path):
    # what a run killed between writing and renaming leaves: hidden temporary files beside the outputs
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    crashed = int(ended.stdout)  # a process that has ended, as a crashed run has
    left = [tmp_path / ".a.docx.k2j4hx0q.tmp", tmp_path / f".a.md.{crashed}.q1w2e3r4.tmp",
            tmp_path / ".b.docx.p0z8w1ab.tmp", tmp_path / ".notes.txt.tmp"]
    for path in left:
        path.write_bytes(b"half")
    # another run writing the same draft into the same folder right now (a running process: this one's parent)
    busy = tmp_path / f".a.manifest.json.{os.getppid()}.x7y8z9w0.tmp"
    busy.write_bytes(b"being written")
    write_outputs(tmp_path, {"a.docx": b"A", "a.md": b"M"}, "a.manifest.json", b"{}")
    assert [p.exists() for p in left] == [False, False, True, True]  # only the draft written: b's may be in use
    assert busy.read_bytes() == b"being written"  # its writer runs: it renames the file itself
    busy.unlink()
    write_outputs(tmp_path, {"b.docx": b"B"}, "b.manifest.json", b"{}")  # the folder is not listed again
    assert [p.exists() for p in left] == [False, False, False, True]  # not a name termsmith writes: left alone
    assert sorted(p.name for p in tmp_path.iterdir()) == [".notes.txt.tmp", "a.docx", "a.manifest.json", "a.md",
                                                          "b.docx", "b.manifest.json"]


@pytest.mark.parametrize("out, named", [("afile/sub", "afile"), ("loop", "loop"), ("x" * 300, "x" * 300)])
def test_an_output_folder_that_cannot_be_one_is_one_line_exit_1(tmp_path, out, named):
    """A file above the folder, a loop of links, a name too long: `draft -o` ended with exit 3 (OSError or
    RuntimeError), or blamed the journal file inside it ("cannot write: File exists")."""
    from .conftest import ROOT

    (tmp_path / "afile").write_text("not a folder\n")
    (tmp_path / "loop").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop")
    for command in (["draft", str(CANONICAL), "-o", out], ["draft", str(CANONICAL), str(CANONICAL), "-o", out]):
        done = subprocess.run([sys.executable, "-m", "termsmith", *command, "--library", str(MINI)], cwd=tmp_path,
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        lines = [line for line in done.stderr.splitlines() if not line.startswith("library:")]
        assert done.returncode == 1 and len(lines) == 1 and lines[0].startswith(f"{named}: "), done.stderr
        assert "folder" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "loop", "loop2"]
