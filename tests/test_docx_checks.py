"""The project's own .docx checks (tests/docx_checks.py) catch what they are there to catch."""

from __future__ import annotations

import io
import zipfile

from termsmith.render.word import render_docx

from .docx_checks import contract_errors, schema_errors
from .render.conftest import small_draft


def _with_document(tmp_path, change) -> str:
    data = render_docx(small_draft())
    source = zipfile.ZipFile(io.BytesIO(data))
    out = tmp_path / "changed.docx"
    with zipfile.ZipFile(out, "w") as z:
        for name in source.namelist():
            part = source.read(name)
            if name == "word/document.xml":
                part = change(part.decode("utf-8")).encode("utf-8")
            z.writestr(name, part)
    return str(out)


def test_a_clean_draft_passes_both(tmp_path):
    path = _with_document(tmp_path, lambda xml: xml)
    assert contract_errors(path) == []
    checked, errors = schema_errors(path)
    assert errors == [] and {"word/document.xml", "word/styles.xml", "[Content_Types].xml"} <= set(checked)


def test_a_reference_to_a_missing_bookmark_and_an_unknown_style_are_found(tmp_path):
    def break_it(xml: str) -> str:
        assert "REF _Ref" in xml
        xml = xml.replace("REF _Ref", "REF _Refgone", 1)
        return xml.replace('w:pStyle w:val="', 'w:pStyle w:val="NoSuchStyle', 1)

    errors = contract_errors(_with_document(tmp_path, break_it))
    assert any("missing bookmark" in e for e in errors), errors
    assert any("'NoSuchStyle" in e for e in errors), errors


def test_deleted_text_as_w_t_is_found_and_a_misplaced_element_fails_the_schema(tmp_path):
    def break_it(xml: str) -> str:
        run = '<w:del w:id="990" w:author="A" w:date="2027-01-01T00:00:00Z"><w:r><w:t>gone</w:t></w:r></w:del>'
        at = xml.index("</w:p>")
        return (xml[:at] + run + xml[at:]).replace("<w:body>", "<w:body><w:bogus/>", 1)

    path = _with_document(tmp_path, break_it)
    assert any("must be w:delText" in e for e in contract_errors(path))
    _, errors = schema_errors(path)
    assert errors and "bogus" in errors[0]
