"""What a deal asks of the library's version (`library.require`), and a major version that still drafts the
deals written for an earlier one (`drafts_deals_for` in library.yaml): the canonical deal pins ">=1.0,<2" and
drafts with library 2.0.0, with a located warning to read the redline first."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from termsmith import api
from termsmith.errors import InputError, LibraryError
from termsmith.resources import default_library

from .conftest import CANONICAL, MINI, edit


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "termsmith", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


def require_line(path) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.strip().startswith("require:"))


def test_the_bundled_library_is_2_x_and_drafts_the_canonical_deal_with_a_located_warning(tmp_path):
    from termsmith.library.opening import open_library

    assert open_library(default_library()).version == "2.10.0"
    done = cli("check", CANONICAL)
    assert done.returncode == 0, done.stderr
    warning = next(line for line in done.stderr.splitlines() if "library.require" in line)
    assert warning.startswith(f"{CANONICAL}:{require_line(CANONICAL)}: warning: library.require: ")
    assert "asks for clause library >=1.0,<2" in warning and "2.10.0 drafts deals written for 1.0.0" in warning
    assert 'require ">=2.0,<3"' in warning
    drafted = cli("draft", CANONICAL, "-o", tmp_path)
    assert drafted.returncode == 0, drafted.stderr
    twin = (tmp_path / "acme-globex-2027.md").read_text()
    assert "its wording differs" in twin  # a reviewer note on the first clause
    assert "library 2.10.0" in twin


def test_a_deal_written_for_2_gets_no_warning():
    done = cli("check", "examples/northwind-resellers-reseller.yaml", cwd=CANONICAL.parents[1])
    assert done.returncode == 0 and "library.require" not in done.stderr


@pytest.fixture
def major(tmp_path):
    """A copy of the small test library (1.2.0) moved on to 2.0.0."""
    lib = tmp_path / "lib"
    shutil.copytree(MINI, lib)
    edit(lib / "library.yaml", "version: 1.2.0", "version: 2.0.0")
    return lib


def deal_requiring(tmp_path, require: str):
    path = tmp_path / "deal.yaml"
    path.write_text(CANONICAL.read_text().replace('require: ">=1.0,<2"', f'require: "{require}"'))
    return path


def test_without_the_declaration_a_major_version_is_refused_with_a_located_line(major, tmp_path):
    deal = deal_requiring(tmp_path, ">=1.0,<2")
    with pytest.raises(InputError) as info:
        api.build(deal, library=major)
    problem = info.value.problems[0]
    assert (problem.path, problem.line) == ("library.require", require_line(deal))
    assert "needs clause library >=1.0,<2" in problem.message and "version 2.0.0" in problem.message


def test_the_declaration_admits_only_deals_that_admit_a_declared_version(major, tmp_path):
    text = (major / "library.yaml").read_text()
    (major / "library.yaml").write_text(text.replace("version: 2.0.0", "version: 2.0.0\ndrafts_deals_for: [1.2.0]"))
    assert api.check(deal_requiring(tmp_path, ">=1.0,<2"), library=major).warnings[0].path == "library.require"
    with pytest.raises(InputError, match=r"needs clause library >=1.3,<2"):
        api.build(deal_requiring(tmp_path, ">=1.3,<2"), library=major)
    assert not [w for w in api.check(deal_requiring(tmp_path, ">=2.0,<3"), library=major).warnings
                if w.path == "library.require"]


@pytest.mark.parametrize("declared, expected", [
    ("[2.0.0]", "'2.0.0' is not earlier than the library's version 2.0.0"),
    ("[2.1.0]", "is not earlier"),
    ("[one]", "not a semantic version"),
])
def test_the_declaration_names_earlier_versions(major, tmp_path, declared, expected):
    text = (major / "library.yaml").read_text()
    (major / "library.yaml").write_text(text.replace("version: 2.0.0", f"version: 2.0.0\ndrafts_deals_for: {declared}"))
    with pytest.raises(LibraryError) as info:
        api.build(deal_requiring(tmp_path, ">=2"), library=major)
    assert expected in str(info.value) and "drafts_deals_for" in str(info.value)
