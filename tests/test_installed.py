"""termsmith installed for real: `python -m build` makes an sdist and, from it, a wheel; the wheel goes into a
fresh virtual environment, which drafts, lints, explains and redlines from a folder outside the repository.

The fresh environment reaches the already installed dependencies through a .pth file and gets only the
wheel itself (`pip install --no-deps`), so this runs without the network in a few seconds.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

from .conftest import CANONICAL, GOLDEN, ROOT

sys.path.insert(0, str(ROOT))  # the build hook, to ask it what it records
from hatch_build import library_origin  # noqa: E402

sys.path.remove(str(ROOT))


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, env=_env(), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh virtual environment holding the wheel (and, through a .pth file, this environment's dependencies)."""
    where = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=120)
    python = where / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # A plain path line: the dependencies' folder is searched, its own .pth files (an editable termsmith) are not.
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "_deps.pth").write_text("".join(f"{p}\n" for p in sorted(ours)), encoding="utf-8")
    wheel = next(dist.glob("termsmith-*.whl"))
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                           "--no-input", "--disable-pip-version-check", "-q", str(wheel)],
                          capture_output=True, text=True, env=_env(), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return where


@pytest.fixture
def outside(tmp_path) -> Path:
    """A working folder outside the repository holding a copy of the canonical deal."""
    shutil.copy(CANONICAL, tmp_path / CANONICAL.name)
    return tmp_path


def termsmith(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "termsmith"), *args], cwd=cwd, capture_output=True, text=True,
                          env=_env(XDG_CACHE_HOME=str(cwd / ".cache")), timeout=120)


def test_the_sdist_holds_what_the_wheel_needs(dist):
    with tarfile.open(next(dist.glob("termsmith-*.tar.gz"))) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {"pyproject.toml", "README.md", "clause_library/library.yaml", "templates/reference.docx",
            "termsmith/resources.py"} <= names
    library = {p.relative_to(ROOT).as_posix() for p in (ROOT / "clause_library").rglob("*") if p.is_file()}
    assert library <= names


def test_the_wheel_carries_the_library_and_templates_as_package_data(dist):
    names = set(zipfile.ZipFile(next(dist.glob("termsmith-*.whl"))).namelist())
    library = {"termsmith/_bundled/" + p.relative_to(ROOT).as_posix()
               for p in (ROOT / "clause_library").rglob("*") if p.is_file()}
    assert library <= names
    assert "termsmith/_bundled/templates/reference.docx" in names
    assert not [n for n in names if n.startswith(("clause_library/", "templates/", "tests/"))]


def test_the_installed_package_is_the_wheel_not_the_checkout(venv, outside):
    done = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import termsmith.resources as r; print(r.__file__); print(r.default_library())"],
                          cwd=outside, capture_output=True, text=True, env=_env(), check=True)
    module, library = done.stdout.splitlines()
    assert Path(module).is_relative_to(venv) and Path(library).is_relative_to(venv)
    assert not Path(module).is_relative_to(ROOT)


def test_an_installed_termsmith_drafts_the_canonical_deal_from_any_folder(venv, outside):
    done = termsmith(venv, outside, "draft", CANONICAL.name, "-o", "out")
    assert done.returncode == 0, done.stderr
    out = outside / "out"
    assert sorted(p.name for p in out.iterdir()) == ["acme-globex-2027.docx", "acme-globex-2027.manifest.json",
                                                     "acme-globex-2027.md"]
    assert (out / "acme-globex-2027.md").read_text(encoding="utf-8") == \
        (GOLDEN / "acme-globex-2027.md").read_text(encoding="utf-8")
    assert zipfile.ZipFile(out / "acme-globex-2027.docx").testzip() is None


def test_an_installed_termsmith_lints_explains_and_redlines(venv, outside):
    lint = termsmith(venv, outside, "lint")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    origin = library_origin(ROOT)
    state = f"built from commit {origin['commit'][:12]}" if origin else "not in git"
    assert "library: termsmith standard partnership library" in lint.stderr and f"(bundled, {state})" in lint.stderr

    explain = termsmith(venv, outside, "explain", CANONICAL.name)
    assert explain.returncode == 0, explain.stderr
    assert "included" in explain.stdout

    data = yaml.safe_load(CANONICAL.read_text(encoding="utf-8"))
    data["term"]["initial_months"] = 12 if data["term"]["initial_months"] != 12 else 18
    (outside / "changed.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    redline = termsmith(venv, outside, "redline", CANONICAL.name, "changed.yaml", "-o", "redline.docx")
    assert redline.returncode == 0, redline.stderr
    assert (outside / "redline.docx").is_file() and (outside / "redline.md").is_file()
    assert "{--" in (outside / "redline.md").read_text(encoding="utf-8")


def _made(docx: Path) -> str:
    core = zipfile.ZipFile(docx).read("docProps/core.xml").decode()
    return core.split("<dcterms:created", 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_two_installations_of_one_build_draft_the_same_bytes(dist, venv, outside):
    """A draft is dated by its library's commit. The wheel records the commit its library was built from (a
    clean checkout), so an installation made later, whose files are all newer, drafts the same bytes."""
    origin = library_origin(ROOT)
    if origin is None:
        pytest.skip("clause_library/ has uncommitted changes (or this is no git checkout): the build records nothing")
    names = set(zipfile.ZipFile(next(dist.glob("termsmith-*.whl"))).namelist())
    assert "termsmith/_bundled/origin.json" in names
    first = termsmith(venv, outside, "draft", CANONICAL.name, "-o", "first")
    assert first.returncode == 0, first.stderr
    assert f"(bundled, built from commit {origin['commit'][:12]})" in first.stderr
    bundled = next(venv.rglob("termsmith/_bundled/clause_library"))
    later = max(p.stat().st_mtime for p in bundled.rglob("*")) + 3600
    for path in bundled.rglob("*"):
        os.utime(path, (later, later))  # as if installed an hour later
    second = termsmith(venv, outside, "draft", CANONICAL.name, "-o", "second")
    assert second.returncode == 0, second.stderr
    docx = "acme-globex-2027.docx"
    assert (outside / "first" / docx).read_bytes() == (outside / "second" / docx).read_bytes()
    committed = subprocess.run(["git", "-C", str(ROOT), "show", "-s", "--format=%cI", origin["commit"]],
                               capture_output=True, text=True, check=True, env=_env(TZ="UTC")).stdout.strip()
    assert _made(outside / "first" / docx) == committed.replace("+00:00", "Z")


def test_an_edited_bundled_library_is_dated_by_its_files_again(venv, outside):
    """The record holds each file's size: a library edited after installation no longer claims the commit."""
    if library_origin(ROOT) is None:
        pytest.skip("clause_library/ has uncommitted changes (or this is no git checkout): the build records nothing")
    library = next(venv.rglob("termsmith/_bundled/clause_library"))
    clause = library / "library.yaml"
    kept = clause.read_bytes()
    try:
        clause.write_bytes(kept + b"\n")
        done = termsmith(venv, outside, "draft", CANONICAL.name, "-o", "edited")
        assert done.returncode == 0, done.stderr
        assert "(bundled, not in git)" in done.stderr
        inputs = [outside / CANONICAL.name, *(p for p in library.rglob("*") if p.is_file())]
        newest = max(p.stat().st_mtime for p in inputs)  # the inputs' newest time, as for any library not in git
        stamp = dt.datetime.fromtimestamp(int(newest), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert _made(outside / "edited" / "acme-globex-2027.docx") == stamp
    finally:
        clause.write_bytes(kept)


def test_the_build_records_the_library_commit_only_from_a_clean_checkout(tmp_path):
    """Uncommitted or untracked files in the library, or no checkout at all: nothing is recorded."""
    library = tmp_path / "clause_library"
    (library / "clauses").mkdir(parents=True)
    (library / "library.yaml").write_text("name: x\n", encoding="utf-8")
    (library / "clauses" / "a.md").write_text("A.\n", encoding="utf-8")
    assert library_origin(tmp_path) is None  # not a checkout
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "library", "--date", "2027-03-04T05:06:07Z"], check=True,
                   env=_env(GIT_COMMITTER_DATE="2027-03-04T05:06:07Z"))
    origin = library_origin(tmp_path)
    assert origin is not None and origin["files"] == {"clauses/a.md": 3, "library.yaml": 8}
    assert origin["committed"] == int(dt.datetime(2027, 3, 4, 5, 6, 7, tzinfo=dt.UTC).timestamp())
    (tmp_path / "README").write_text("outside the library\n", encoding="utf-8")
    assert library_origin(tmp_path) is not None
    (library / "clauses" / "b.md").write_text("B.\n", encoding="utf-8")
    assert library_origin(tmp_path) is None  # untracked
    (library / "clauses" / "b.md").unlink()
    (library / "clauses" / "a.md").write_text("A!\n", encoding="utf-8")
    assert library_origin(tmp_path) is None  # modified
