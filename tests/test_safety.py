"""Deal values are data in both formats: markup, template syntax and any script come out literally."""

from __future__ import annotations

import docx
import pypandoc
import subprocess

from termsmith import api

AWKWARD = 'R&D <Labs> "Quoted" O\'Brien — Zürich 株式会社 🚀 {{ 7*7 }} *not bold* [x](y) | pipe'
# as it reads in both formats: literally, only with typographic quotes
TYPESET = 'R&D <Labs> \u201cQuoted\u201d O\u2019Brien — Zürich 株式会社 🚀 {{ 7*7 }} *not bold* [x](y) | pipe'


def draft_awkward(tmp_path, deal_data, write_deal):
    deal_data["parties"][0]["name"] = AWKWARD
    deal_data["parties"][0]["signatory"]["name"] = "Zoë <script>alert(1)</script>"
    result = api.draft(write_deal(deal_data), tmp_path / "out")
    return {p.suffix: p for p in result.written}


def test_awkward_values_appear_literally_in_word(tmp_path, deal_data, write_deal):
    files = draft_awkward(tmp_path, deal_data, write_deal)
    document = docx.Document(str(files[".docx"]))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert TYPESET in body
    assert "Zoë <script>alert(1)</script>" in cells
    assert "49" not in body.split(TYPESET)[0][-5:]  # the template syntax was not evaluated


def test_awkward_values_read_back_literally_from_markdown(tmp_path, deal_data, write_deal):
    files = draft_awkward(tmp_path, deal_data, write_deal)
    # pandoc reads our Markdown twin back to plain text: escaping must give exactly the value again
    plain = subprocess.run([pypandoc.get_pandoc_path(), "-f", "commonmark", "-t", "plain", "--wrap=none",
                            str(files[".md"])], capture_output=True, text=True, check=True).stdout
    assert TYPESET in plain
    assert "Zoë <script>alert(1)</script>" in plain
