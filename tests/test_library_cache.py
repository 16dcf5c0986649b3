"""The on-disk library cache: a new process reuses an earlier one's parsed library and compiled code,
and never a stale one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from termsmith import api
from termsmith.library import opening

from termsmith.library import cache as library_cache

from .conftest import CANONICAL, MINI, edit, git, make_library_repo


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("TERMSMITH_NO_CACHE", raising=False)
    opening.clear()  # as a new process: nothing loaded in memory
    yield home / "termsmith" / "libraries"
    opening.clear()


def _new_process(monkeypatch) -> None:
    """Forget what this process loaded; from here a library can only come from disk or from its files."""
    opening.clear()

    def must_not_parse(root):
        raise AssertionError(f"the library at {root} was parsed again")

    monkeypatch.setattr(opening, "load_library", must_not_parse)


def test_a_second_process_reads_the_library_from_one_cached_file(cache_home, tmp_path, monkeypatch):
    lib = shutil.copytree(MINI, tmp_path / "lib")
    first = api.open_library(lib)
    assert len(list(cache_home.glob("*.pickle"))) == 1
    _new_process(monkeypatch)
    again = api.open_library(lib)
    assert again == first and again.clauses == first.clauses and again.commit == first.commit


def test_an_edited_clause_is_read_again(cache_home, tmp_path, monkeypatch):
    lib = shutil.copytree(MINI, tmp_path / "lib")
    api.open_library(lib)
    edit(lib / "clauses/exit/cure.md", "Either Party", "Each Party")
    opening.clear()
    assert "Each Party" in api.open_library(lib).by_id["exit.cure"].body


def test_a_commit_is_seen_though_no_file_changed(cache_home, tmp_path):
    repo = make_library_repo(tmp_path / "repo")
    lib = repo / "library"
    edit(lib / "clauses/exit/cure.md", "Either Party", "Each Party")
    assert api.open_library(lib).commit.endswith("-dirty")
    git(repo, "commit", "-qam", "reword")
    opening.clear()
    assert api.open_library(lib).commit == git(repo, "rev-parse", "HEAD").strip()


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05truncated"])
def test_a_damaged_entry_is_a_miss_not_an_error(cache_home, tmp_path, damage):
    lib = shutil.copytree(MINI, tmp_path / "lib")
    first = api.open_library(lib)
    entry = next(cache_home.glob("*.pickle"))
    entry.write_bytes(damage)
    opening.clear()
    assert api.open_library(lib) == first
    assert entry.read_bytes() != damage  # rebuilt


def test_no_cache_when_turned_off(cache_home, tmp_path, monkeypatch):
    monkeypatch.setenv("TERMSMITH_NO_CACHE", "1")
    api.open_library(shutil.copytree(MINI, tmp_path / "lib"))
    assert not cache_home.exists()


def test_an_entry_made_by_other_code_is_not_used(cache_home, tmp_path, monkeypatch):
    lib = shutil.copytree(MINI, tmp_path / "lib")
    api.open_library(lib)
    monkeypatch.setattr(library_cache, "FORMAT", library_cache.FORMAT + 1)
    opening.clear()
    calls = []
    real = opening.load_library
    monkeypatch.setattr(opening, "load_library", lambda root: calls.append(root) or real(root))
    api.open_library(lib)
    assert calls == [lib]


def test_two_pythons_drafting_from_one_library_keep_an_entry_each(cache_home, tmp_path, monkeypatch):
    """A venv's and pipx's termsmith, or two Python versions, on one library: each keeps its own entry (the
    entry of one is never valid for the other), so drafting in turn does not make every draft a miss."""
    lib = shutil.copytree(MINI, tmp_path / "lib")
    api.open_library(lib)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    opening.clear()
    api.open_library(lib)
    assert len(list(cache_home.glob("*.pickle"))) == 2
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home.parent.parent))
    _new_process(monkeypatch)
    api.open_library(lib)  # the first Python's entry is still there: not parsed again


def test_drafts_from_a_cached_library_are_byte_identical(tmp_path):
    """Cold (entry written), warm (entry read) and uncached processes write the same files."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("TERMSMITH_NO_CACHE", None)
    outputs = []
    for n, extra in enumerate([{}, {}, {"TERMSMITH_NO_CACHE": "1"}]):
        out = tmp_path / f"out{n}"
        done = subprocess.run([sys.executable, "-m", "termsmith", "draft", str(CANONICAL), "-o", str(out)],
                              env={**env, **extra}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1] == outputs[2]
    assert list((tmp_path / "cache" / "termsmith" / "libraries").glob("*.pickle"))


def test_the_cache_folders_stay_bounded(cache_home, tmp_path, monkeypatch):
    """Libraries no longer drafted from do not pile up: writing an entry prunes the oldest beyond the bound."""
    from termsmith import cachedir

    for n in range(3):
        opening.clear()
        api.open_library(shutil.copytree(MINI, tmp_path / f"lib{n}"))
    entries = sorted(cache_home.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
    assert len(entries) == 3
    monkeypatch.setitem(cachedir.BOUNDS, "libraries", entries[-1].stat().st_size * 2)
    opening.clear()
    api.open_library(shutil.copytree(MINI, tmp_path / "lib3"))
    kept = list(cache_home.glob("*.pickle"))
    assert len(kept) == 2 and entries[0] not in kept and entries[1] not in kept



def test_the_library_drafted_from_is_kept_over_libraries_written_since(cache_home, tmp_path, monkeypatch):
    """Pruning deletes the least recently used entries: a library opened from its entry every day outlives
    libraries written once after it (it went first, as the oldest written, at the next pruning)."""
    from termsmith import cachedir

    daily = shutil.copytree(MINI, tmp_path / "daily")
    opening.clear()
    api.open_library(daily)
    (entry,) = cache_home.glob("*.pickle")
    old = entry.stat().st_mtime_ns - 10**9
    os.utime(entry, ns=(old, old))  # written a while ago
    for n in range(2):
        opening.clear()
        api.open_library(shutil.copytree(MINI, tmp_path / f"once{n}"))
    opening.clear()
    api.open_library(daily)  # a hit
    assert entry.stat().st_mtime_ns > old
    monkeypatch.setitem(cachedir.BOUNDS, "libraries", entry.stat().st_size * 2)
    opening.clear()
    api.open_library(shutil.copytree(MINI, tmp_path / "once2"))
    assert entry.exists() and len(list(cache_home.glob("*.pickle"))) == 2

def test_the_bytecode_cache_is_pruned_every_few_templates_written_by_any_process(cache_home, monkeypatch):
    """Pruning lists every entry, so it is not done at each template written: a ledger in the folder counts
    the templates written by every process since the last pruning, and the folder is pruned at every
    `PRUNE_AFTER`-th. A new process continues the count (a run that writes one template pays one append)."""
    from termsmith import cachedir

    monkeypatch.setitem(cachedir.PRUNE_AFTER, "jinja", 3)
    jinja = cache_home.parent / "jinja"
    jinja.mkdir(parents=True)
    old = jinja / "__jinja2_old.cache"  # an entry of an earlier process, past the bound once pruned
    old.write_bytes(b"x" * 100)
    os.utime(old, ns=(0, 0))
    monkeypatch.setitem(cachedir.BOUNDS, "jinja", 1)  # everything goes when pruned
    for n in range(2):
        cachedir.written("jinja")
    assert old.exists() and (jinja / cachedir.LEDGER).read_bytes() == b".."
    cachedir.written("jinja")  # the third: pruned, and the count starts again
    assert not old.exists() and (jinja / cachedir.LEDGER).read_bytes() == b""

    (jinja / cachedir.LEDGER).write_bytes(b".")  # one template written by an earlier process
    script = (
        "import os, sys\n"
        "from termsmith import cachedir\n"
        "from termsmith.draft import templating\n"
        "cachedir.PRUNE_AFTER['jinja'] = 3\n"
        "pruned = []\n"
        "cachedir.prune = lambda folder: pruned.append(folder)\n"
        "for n in range(7):\n"
        "    templating.compile_cached(f'fresh template {n} {os.getpid()}', f'trim-test-{n}.md')\n"
        "print(len(pruned))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "XDG_CACHE_HOME": str(cache_home.parent.parent)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2"]  # at the 2nd and 5th template this process wrote (3rd and 6th counted)
    assert (jinja / cachedir.LEDGER).read_bytes() == b".."


def test_compiled_templates_kept_in_a_process_are_bounded(monkeypatch):
    """A long-running process (`termsmith mcp`, impact over many library revisions) meets ever new templates:
    the compiled code it keeps is emptied past a bound, and what it compiles afterwards still renders."""
    from termsmith.draft import templating

    monkeypatch.setattr(templating, "CODES_LIMIT", 3)
    monkeypatch.setattr(templating, "_CODES", {})
    monkeypatch.setattr(templating, "_TEMPLATES", {})
    rendered = [templating.compile_cached(f"text {n}: {{{{ {n} + 1 }}}}", f"bound-test-{n}.md").render()
                for n in range(7)]
    assert rendered == [f"text {n}: {n + 1}" for n in range(7)]
    assert 0 < len(templating._CODES) <= 3 and len(templating._TEMPLATES) <= 3


def test_a_compiled_template_loaded_by_a_later_process_is_kept_over_templates_written_since(cache_home):
    """Jinja's entries are pruned like the libraries': by use, not by when they were written. A template
    loaded from its entry by a new process is marked used, so it outlives templates compiled once after it."""
    script = ("from termsmith.draft import templating\n"
              "print(templating.compile_cached('kept {{ 1 + 1 }}', 'kept-test.md').render())\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent.parent)}

    def new_process() -> None:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 0 and done.stdout.split() == ["kept", "2"], done.stderr

    new_process()  # compiles and writes the entry
    (entry,) = (cache_home.parent / "jinja").glob("__jinja2_*.cache")
    old = entry.stat().st_mtime_ns - 10**9
    os.utime(entry, ns=(old, old))
    new_process()  # loads it
    assert entry.stat().st_mtime_ns > old


def test_compiled_templates_of_another_python_are_kept_apart(monkeypatch):
    """Jinja refuses bytecode another Python version wrote; the entries' names differ by version, so two
    Pythons drafting in turn do not recompile and rewrite each other's templates."""
    from termsmith.draft import templating

    here = templating._filters_stamp()
    monkeypatch.setattr(sys, "version_info", (sys.version_info[0], sys.version_info[1] + 1, 0))
    assert templating._filters_stamp() != here
