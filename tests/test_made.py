"""When a document is made: SOURCE_DATE_EPOCH, else the library commit's date, else the inputs' time;
never the deal's effective date (in the future), and always the same for the same inputs."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile

import docx
import pytest

from termsmith import api
from termsmith.draft import made

from .conftest import CANONICAL, MINI, git, make_library_repo


def core_created(path):
    return docx.Document(io.BytesIO(path.read_bytes())).core_properties.created


def test_source_date_epoch_sets_every_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764495000")  # 2025-11-30T09:30:00Z
    result = api.draft(CANONICAL, tmp_path, library=MINI)
    assert result.draft.made_at == "2025-11-30T09:30:00Z"
    created = core_created(tmp_path / "acme-globex-2027.docx")
    assert created.isoformat() == "2025-11-30T09:30:00+00:00"
    footer = zipfile.ZipFile(tmp_path / "acme-globex-2027.docx").read("word/footer1.xml").decode()
    assert "acme-globex-2027 \u00b7 2025-11-30 \u00b7 Draft \u2014 subject to contract" in footer


def test_without_it_the_library_commit_date_not_the_effective_date(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = make_library_repo(tmp_path / "repo")
    stamp = git(repo, "log", "-1", "--format=%ct").strip()
    draft = api.build(CANONICAL, library=repo / "library")
    assert draft.made_at == made.iso(int(stamp))
    assert not draft.made_at.startswith(draft.effective_date)  # the deal takes effect in 2027
    # the same inputs give the same date, however long after the commit they are drafted
    assert api.build(CANONICAL, library=repo / "library").made_at == draft.made_at


def test_an_uncommitted_library_gives_its_inputs_newest_time(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    library = shutil.copytree(MINI, tmp_path / "lib")
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    for path in [deal, *library.rglob("*")]:
        os.utime(path, (1700000000, 1700000000))
    os.utime(library / "library.yaml", (1700000500, 1700000500))
    assert api.build(deal, library=library).made_at == made.iso(1700000500)


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", "99999999999999"])
def test_a_bad_source_date_epoch_is_one_clear_line(value, tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": value}
    done = subprocess.run([sys.executable, "-m", "termsmith", "draft", str(CANONICAL), "-o", str(tmp_path),
                           "--library", str(MINI)], env=env, capture_output=True, text=True)
    assert done.returncode == 1 and not list(tmp_path.iterdir())
    # one line for the problem (the command may name the library it used on another)
    problems = [line for line in done.stderr.splitlines() if not line.startswith("library: ")]
    assert problems == [
        f"SOURCE_DATE_EPOCH: '{value}' is not a number of seconds since 1970-01-01 (the date a document is made)"]
    assert "Traceback" not in done.stderr


def test_redline_revisions_carry_the_time_of_making(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764495000")
    result = api.redline(CANONICAL, CANONICAL, tmp_path / "r.docx", library=MINI, markdown=False)
    assert result.comparison is not None
    settings = zipfile.ZipFile(tmp_path / "r.docx").read("docProps/custom.xml").decode()
    assert "2025-11-30T09:30:00Z" in settings


def test_made_at_unit():
    assert made.made_at(None, lambda c: None, lambda: [], {"SOURCE_DATE_EPOCH": "0"}) == "1970-01-01T00:00:00Z"
    assert made.made_at("abc", lambda c: 86400, lambda: [], {}) == "1970-01-02T00:00:00Z"
    assert made.made_at("abc-dirty", lambda c: 86400, lambda: [], {}) == "1970-01-01T00:00:00Z"
    with pytest.raises(made.BadEpoch):
        made.source_date_epoch({"SOURCE_DATE_EPOCH": "x"})


def test_under_source_date_epoch_two_processes_write_identical_bytes(tmp_path):
    outs = []
    for n, tz in enumerate(("UTC", "Pacific/Auckland")):
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1764495000", "TZ": tz, "TERMSMITH_NO_CACHE": "1"}
        done = subprocess.run([sys.executable, "-m", "termsmith", "draft", str(CANONICAL), "-o", str(tmp_path / str(n)),
                               "--library", str(MINI)], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outs.append({p.name: p.read_bytes() for p in sorted((tmp_path / str(n)).iterdir())})
    assert outs[0] == outs[1] and len(outs[0]) == 3
    core = zipfile.ZipFile(tmp_path / "0" / "acme-globex-2027.docx").read("docProps/core.xml").decode()
    assert "2025-11-30T09:30:00Z" in core
