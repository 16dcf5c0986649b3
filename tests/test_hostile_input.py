"""Hostile files around a draft (deal YAML, library folders, locks, manifests) through the real command line:
exit 1 with a located message, quickly, or a correct draft; never a traceback, a hang or exit 3."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from termsmith.errors import InputError
from termsmith.manifest import read_manifest

from .conftest import CANONICAL, MINI


def termsmith(*args, cwd=None, timeout=30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def assert_located_failure(done: subprocess.CompletedProcess, *fragments: str) -> None:
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


# ── deal files ────────────────────────────────────────────────────────────────────────────────
CANONICAL_TEXT = CANONICAL.read_text(encoding="utf-8")
END = f":{CANONICAL_TEXT.count(chr(10)) + 2}:"  # the line of a key added after a blank line at the end
DEALS = {
    "python name key": (CANONICAL_TEXT + "\n? !!python/name:os.system\n: 1\n", END, "not allowed"),
    "bad timestamp key": (CANONICAL_TEXT + "\n2027-13-45: 1\n", END, "invalid key"),
    "bad timestamp value": (CANONICAL_TEXT.replace("effective_date: 2027-01-01", "effective_date: 2027-02-30"),
                            "deal.effective_date", "day is out of range"),
    "deep nesting": (CANONICAL_TEXT + "\nextra: " + "[" * 700 + "]" * 700 + "\n", END, "nested too deeply"),
    "sexagesimal": (CANONICAL_TEXT.replace("initial_months: 24", "initial_months: 1:30"), "term.initial_months",
                    "base-60"),
    "not a number": (CANONICAL_TEXT.replace("initial_months: 24", "initial_months: .nan"), "term.initial_months",
                     "not a number"),
    # YAML 1.1 reads a leading zero as octal and 0x/0b as other bases: `030` days drafted "within 24 days"
    "octal": (CANONICAL_TEXT.replace("payment_terms_days: 30", "payment_terms_days: 030"), "budget.payment_terms_days",
              "'030' would be read as the octal number 24"),
    "hexadecimal": (CANONICAL_TEXT.replace("total: 480000", "total: 0x75300"), "budget.total",
                    "'0x75300' would be read as the hexadecimal number 480000"),
    "binary": (CANONICAL_TEXT.replace("initial_months: 24", "initial_months: 0b11000"), "term.initial_months",
               "would be read as the binary number 24"),
    # YAML's true/false (yes/no, on/off) where a number belongs: pydantic reads them as 1 and 0, so these drafted a
    # one-month term, a budget of EUR 1 and a deal file format "version" true
    "true as a number": (CANONICAL_TEXT.replace("initial_months: 24", "initial_months: true"),
                         ":41: term.initial_months", "must be a number, not true"),
    "false as a share": (CANONICAL_TEXT.replace("globex: 40", "globex: no"), "budget.cost_sharing.globex",
                         "must be a number, not false"),
    "true as a term": (CANONICAL_TEXT + "\nterms:\n  breach_notice_hours: on\n", "terms.breach_notice_hours",
                       "must be a number, not true"),
    "true as the format version": (CANONICAL_TEXT.replace("termsmith: 1", "termsmith: true"), ":9: termsmith",
                                   "must be 1: write `termsmith: 1` (got true)"),
}


@pytest.mark.parametrize("name", sorted(DEALS))
def test_a_hostile_deal_file_is_a_located_error(tmp_path, name):
    text, where, message = DEALS[name]
    deal = tmp_path / "deal.yaml"
    deal.write_text(text, encoding="utf-8")
    for command in ("check", "draft"):
        assert_located_failure(termsmith(command, deal, *(["-o", tmp_path / "out"] if command == "draft" else [])),
                               "deal.yaml", where, message)
    assert not (tmp_path / "out").exists()


def test_a_fifo_or_device_as_the_deal_file_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "deal.yaml"
    os.mkfifo(fifo)
    assert_located_failure(termsmith("check", fifo, timeout=10), "deal.yaml", "not a regular file")
    assert_located_failure(termsmith("check", "/dev/zero", timeout=10), "/dev/zero", "not a regular file")


def test_a_folder_named_like_a_deal_file_is_a_located_error(tmp_path):
    folder = tmp_path / "deal.yaml"
    folder.mkdir()
    for command in ("check", "explain", "draft"):
        assert_located_failure(termsmith(command, folder, *(["-o", tmp_path / "out"] if command == "draft" else [])),
                               "deal.yaml: is a directory, expected a deal file")
    assert not (tmp_path / "out").exists()


def test_an_alias_bomb_in_a_lock_file_is_refused_at_once(tmp_path):
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lines += ["library: {name: x, version: 1.0.0, commit: null}", "clauses: *i"]
    deal.with_suffix(".lock").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_located_failure(termsmith("check", deal, timeout=10), "deal.lock:", "not a valid lock file", "aliases")


# ── library folders ───────────────────────────────────────────────────────────────────────────
@pytest.fixture
def lib(tmp_path):
    root = tmp_path / "lib"
    shutil.copytree(MINI, root)
    return root


def test_a_clause_linked_to_a_file_outside_the_library_is_not_drafted(tmp_path, lib):
    secret = tmp_path / "secret.md"
    secret.write_text((lib / "clauses/exit/convenience.md").read_text().replace("A Party may", "SECRET TEXT"))
    (lib / "clauses/exit/convenience.md").unlink()
    (lib / "clauses/exit/convenience.md").symlink_to(secret)
    done = termsmith("draft", CANONICAL, "--library", lib, "-o", tmp_path / "out")
    assert_located_failure(done, "convenience.md", "outside the library")
    assert not (tmp_path / "out").exists()


def test_a_loop_of_links_among_clause_files_is_called_a_loop(tmp_path, lib):
    """It was called "a link to a file outside the library", sending the reader to look outside it."""
    (lib / "clauses/exit/one.md").symlink_to("two.md")
    (lib / "clauses/exit/two.md").symlink_to("one.md")
    done = termsmith("lint", lib)
    assert done.returncode == 1 and "one.md: error: is a loop of links; not read" in done.stdout
    assert "outside the library" not in done.stdout + done.stderr


def test_a_clause_folder_linked_outside_the_library_is_refused(tmp_path, lib):
    outside = tmp_path / "elsewhere"
    shutil.move(lib / "clauses", outside)
    (lib / "clauses").symlink_to(outside)
    assert_located_failure(termsmith("check", CANONICAL, "--library", lib), "clauses", "outside the library")


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_a_clause_that_is_not_a_regular_file_is_refused_without_hanging(lib, kind):
    path = lib / "clauses/exit/zero.md"
    if kind == "fifo":
        os.mkfifo(path)
        done = termsmith("check", CANONICAL, "--library", lib, timeout=10)
        assert_located_failure(done, "zero.md", "not a regular file")
    else:
        path.symlink_to("/dev/zero")
        done = termsmith("check", CANONICAL, "--library", lib, timeout=10)
        assert_located_failure(done, "zero.md")


def test_editor_lock_and_backup_files_are_ignored(tmp_path, lib):
    (lib / "clauses/exit/.#convenience.md").symlink_to("user@host.1234:1700000000")  # dangling, as emacs makes it
    shutil.copy(lib / "clauses/exit/convenience.md", lib / "clauses/exit/convenience.md~")
    shutil.copy(lib / "clauses/exit/convenience.md", lib / "clauses/exit/.convenience.md.swp")
    for command in (["check", CANONICAL, "--library", lib], ["draft", CANONICAL, "-o", tmp_path / "out", "--library", lib],
                    ["lint", lib]):
        done = termsmith(*command)
        assert done.returncode == 0, done.stderr


def test_a_library_yaml_that_is_not_utf8_is_a_located_error(lib):
    (lib / "library.yaml").write_bytes((lib / "library.yaml").read_bytes() + b"\nowner: \xff\xfe\n")
    assert_located_failure(termsmith("check", CANONICAL, "--library", lib), "library.yaml", "UTF-8")


# ── manifests beside a received document ────────────────────────────────────────────────────────
def manifest_with(tmp_path, **changes) -> os.PathLike:
    deal = tmp_path / "deal.yaml"
    shutil.copy(CANONICAL, deal)
    import hashlib

    data = {"inputs": {"deal": "deal.yaml", "library": "lib"}, "deal_sha256": hashlib.sha256(deal.read_bytes()).hexdigest(),
            "library_commit": None, "clauses": {"exit.cure": "1.0.0"}}
    data.update(changes)
    path = tmp_path / "acme.manifest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("changes, fragment", [
    ({"inputs": {"deal": "/dev/zero", "library": "lib"}}, "not a regular file"),
    ({"library_commit": "ab\u0000cd"}, "library_commit"),
    ({"clauses": ["exit.cure", "1.0.0"]}, "clauses"),
    ({"inputs": {"deal": ["x"], "library": "lib"}}, "inputs.deal"),
])
def test_a_hostile_manifest_is_a_located_error(tmp_path, changes, fragment):
    with pytest.raises(InputError) as info:
        read_manifest(manifest_with(tmp_path, **changes))
    assert fragment in str(info.value) and "acme.manifest.json" in str(info.value)


def test_a_deeply_nested_or_fifo_manifest_is_a_located_error(tmp_path):
    path = tmp_path / "deep.manifest.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError, match="not JSON"):
        read_manifest(path)
    fifo = tmp_path / "fifo.manifest.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_manifest(fifo)


def test_a_manifest_naming_a_fifo_as_its_deal_does_not_hang(tmp_path):
    path = manifest_with(tmp_path)
    (tmp_path / "deal.yaml").unlink()
    os.mkfifo(tmp_path / "deal.yaml")
    with pytest.raises(InputError, match="not a regular file"):
        read_manifest(path)


# ── output paths ──────────────────────────────────────────────────────────────────────────────
STEM = "acme-globex-2027"
_CRASH = """
import os, sys
from pathlib import Path
from termsmith import api
real, calls = os.replace, []
def crashing(src, dst):
    calls.append(dst)
    if len(calls) == 3:  # the journal and the .docx are in place, the .md and the manifest are not
        os._exit(9)
    real(src, dst)
os.replace = crashing
api.draft(Path(sys.argv[1]), Path(sys.argv[2]), force=True)
"""


def test_a_rerun_after_a_crash_between_renames_succeeds(tmp_path):
    out = tmp_path / "out"
    assert termsmith("draft", CANONICAL, "-o", out).returncode == 0
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT.replace("initial_months: 24", "initial_months: 36"), encoding="utf-8")
    crashed = subprocess.run([sys.executable, "-c", _CRASH, str(deal), str(out)], capture_output=True, text=True)
    assert crashed.returncode == 9, crashed.stderr
    done = termsmith("draft", deal, "-o", out)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"{STEM}.docx", f"{STEM}.manifest.json", f"{STEM}.md"]
    assert "36 months" in (out / f"{STEM}.md").read_text(encoding="utf-8")


def test_a_link_at_an_output_name_is_never_written_through(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = out / "notes.md"
    victim.write_text("my own notes\n", encoding="utf-8")
    (out / f"{STEM}.md").symlink_to(victim)
    assert_located_failure(termsmith("draft", CANONICAL, "-o", out), f"{STEM}.md", "link")
    assert termsmith("draft", CANONICAL, "-o", out, "--force").returncode == 0
    assert victim.read_text(encoding="utf-8") == "my own notes\n"
    assert not (out / f"{STEM}.md").is_symlink()


def test_a_fifo_at_an_output_name_does_not_hang(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / f"{STEM}.docx")
    assert_located_failure(termsmith("draft", CANONICAL, "-o", out, timeout=20), f"{STEM}.docx", "not a regular file")
    assert termsmith("draft", CANONICAL, "-o", out, "--force", timeout=20).returncode == 0


def test_a_deal_file_is_never_overwritten_by_its_own_draft(tmp_path):
    deal = tmp_path / f"{STEM}.md"  # YAML in a file named like the Markdown twin
    shutil.copy(CANONICAL, deal)
    for extra in ([], ["--force"]):
        assert_located_failure(termsmith("draft", deal, "-o", tmp_path, *extra), f"{STEM}.md", "input")
    assert deal.read_text(encoding="utf-8") == CANONICAL_TEXT


# ── values that reached Word, the terminal or the twins unchecked ─────────────────────────────────
def test_a_long_purpose_drafts_with_document_properties_cut_to_words_limit(tmp_path):
    import docx

    purpose = " ".join(["Integrate the analytics engine into the platform."] * 38)[:1990]
    lines = CANONICAL_TEXT.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("  purpose:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    "))
    deal = tmp_path / "deal.yaml"
    deal.write_text("\n".join([*lines[:start], f"  purpose: {json.dumps(purpose)}", *lines[end:]]), encoding="utf-8")
    assert termsmith("check", deal).returncode == 0
    done = termsmith("draft", deal, "-o", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    subject = docx.Document(str(tmp_path / "out" / f"{STEM}.docx")).core_properties.subject
    assert 100 < len(subject) <= 255 and subject.endswith("…")


def test_a_batch_compares_deal_ids_as_the_model_reads_them(tmp_path):
    twin = tmp_path / "twin.yaml"
    twin.write_text(CANONICAL_TEXT.replace("id: acme-globex-2027", 'id: "acme-globex-2027 "'), encoding="utf-8")
    done = termsmith("draft", CANONICAL, twin, "-o", tmp_path / "out")
    assert done.returncode == 1 and "twin.yaml" in done.stderr and "also the id of" in done.stderr
    assert "drafted 1 of 2" in done.stdout + done.stderr


def test_terminal_escape_sequences_in_keys_are_printed_escaped(tmp_path):
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT + '\n"evil\\e[31mred": 1\n', encoding="utf-8")
    done = termsmith("check", deal)
    assert done.returncode == 1
    assert "\x1b" not in done.stderr and "\\x1b[31mred" in done.stderr


def test_clause_text_producing_a_control_character_is_a_library_error(tmp_path, lib):
    clause = lib / "clauses/exit/convenience.md"
    clause.write_text(clause.read_text(encoding="utf-8") + '\n{{ "\\x01" }}\n', encoding="utf-8")
    assert_located_failure(termsmith("draft", CANONICAL, "--library", lib, "-o", tmp_path / "out"),
                           "convenience.md", "U+0001")


@pytest.mark.parametrize("name, fragment", [("x" * 5000, "at most 200"), ("Counsel \x1b[31m", "name")])
def test_library_strings_are_bounded_and_printable(lib, name, fragment):
    manifest = lib / "library.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("name: mini test library", f"name: {json.dumps(name)}"),
                        encoding="utf-8")
    done = termsmith("check", CANONICAL, "--library", lib)
    assert_located_failure(done, "library.yaml", fragment)
    assert "\x1b" not in done.stderr


def test_an_empty_library_cannot_draft(tmp_path, lib):
    shutil.rmtree(lib / "clauses")
    (lib / "clauses").mkdir()
    assert_located_failure(termsmith("draft", CANONICAL, "--library", lib, "-o", tmp_path / "out"), "no clause files")


@pytest.mark.parametrize("deal_id", ["con", "nul", "lpt1", "acme."])
def test_deal_ids_windows_cannot_store_are_refused(tmp_path, deal_id):
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT.replace("id: acme-globex-2027", f"id: {deal_id}"), encoding="utf-8")
    assert_located_failure(termsmith("check", deal), "deal.id")


@pytest.mark.parametrize("short_name", ['"Acme\\u200b"', '"\\u202eemcA"', '"ACME"'])
def test_party_names_that_look_alike_are_refused(tmp_path, short_name):
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT.replace("short_name: Globex", f"short_name: {short_name}"), encoding="utf-8")
    assert_located_failure(termsmith("check", deal), "parties[1].short_name")


def test_criticmarkup_in_deal_values_cannot_fake_a_tracked_change(tmp_path):
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT.replace("name: Acme Cloud Ltd", 'name: "Acme {++Free Licence++} {--Ltd--}"'),
                    encoding="utf-8")
    out = tmp_path / "out"
    assert termsmith("draft", deal, "-o", out).returncode == 0
    import re

    unescaped = re.compile(r"(?<!\\)\{(\+\+|--)")
    twin = (out / f"{STEM}.md").read_text(encoding="utf-8")
    assert not unescaped.search(twin) and "{++Free" not in twin and "Free Licence" in twin
    old = tmp_path / "old.yaml"
    shutil.copy(CANONICAL, old)
    done = termsmith("redline", old, deal, "-o", tmp_path / "red.docx")
    assert done.returncode == 0, done.stderr
    critic = (tmp_path / "red.md").read_text(encoding="utf-8")
    assert "{++Free" not in critic and "{--Ltd" not in critic


@pytest.mark.parametrize("option, value", [("--author", "a" * 300), ("--author", "evil\x01name"), ("--author", " "),
                                           ("--date", "0001-01-01"), ("--date", "99999-01-01"), ("--date", "9999-12-31")])
def test_redline_author_and_date_out_of_range_are_located_errors(tmp_path, option, value):
    new = tmp_path / "new.yaml"
    new.write_text(CANONICAL_TEXT.replace("initial_months: 24", "initial_months: 36"), encoding="utf-8")
    done = termsmith("redline", CANONICAL, new, "-o", tmp_path / "red.docx", option, value)
    assert_located_failure(done, option)
    assert not (tmp_path / "red.docx").exists()


@pytest.mark.parametrize("name", ['"Acme\\nCloud Ltd"', '"Acme Cloud\\r\\n# Heading"', '"Acme\\u2028Cloud"'])
def test_a_line_break_in_a_name_is_refused(tmp_path, name):
    """A name is printed on one line (the cover, a signature block): a line break there put a Markdown heading into
    the twin and broke the Word cover."""
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT.replace("name: Acme Cloud Ltd", f"name: {name}"), encoding="utf-8")
    assert_located_failure(termsmith("check", deal), "parties[0].name", "must be on one line")
    assert_located_failure(termsmith("draft", deal, "-o", tmp_path / "out"), "parties[0].name")
    assert not (tmp_path / "out").exists()


def test_a_folded_multi_line_name_is_one_line_and_drafts(tmp_path):
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT.replace("name: Acme Cloud Ltd", "name: >\n      Acme Cloud\n      Ltd"),
                    encoding="utf-8")
    assert termsmith("check", deal).returncode == 0


def test_a_redline_twin_named_as_the_redline_is_refused(tmp_path):
    new = tmp_path / "new.yaml"
    new.write_text(CANONICAL_TEXT.replace("initial_months: 24", "initial_months: 36"), encoding="utf-8")
    red = tmp_path / "red.docx"
    done = termsmith("redline", CANONICAL, new, "-o", red, "--markdown", red)
    assert done.returncode == 1 and "give --markdown another name" in done.stderr, done.stderr
    assert not red.exists()


def test_a_folder_where_the_lock_belongs_is_refused_not_ignored(tmp_path):
    """Ignoring it would draft from the current library instead of the commit the lock pins."""
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT, encoding="utf-8")
    (tmp_path / "deal.lock").mkdir()
    for command in (("check", deal), ("draft", deal, "-o", tmp_path / "out"), ("outdated", deal)):
        assert_located_failure(termsmith(*command), "deal.lock", "not a valid lock file")
    assert not (tmp_path / "out").exists()


def test_absorb_given_a_folder_is_one_line_exit_1_as_redline_is(tmp_path):
    """`absorb DIR.docx` and `--deal DIR` were click usage errors (exit 2) where redline says exit 1."""
    deal = tmp_path / "deal.yaml"
    deal.write_text(CANONICAL_TEXT, encoding="utf-8")
    folder = tmp_path / "reviewed.docx"
    folder.mkdir()
    assert_located_failure(termsmith("absorb", folder, "--deal", deal), str(folder))
    (tmp_path / "deal-folder.yaml").mkdir()
    assert_located_failure(termsmith("absorb", folder, "--deal", tmp_path / "deal-folder.yaml"))
    assert deal.read_text(encoding="utf-8") == CANONICAL_TEXT
