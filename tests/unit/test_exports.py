"""Exported spreadsheet cells never start a formula."""

from __future__ import annotations

from gridwork.domain.exports import safe_cell, safe_record, safe_row


def test_cells_that_would_start_a_formula_are_quoted() -> None:
    for text in ('=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text


def test_ordinary_text_and_typed_numbers_pass_unchanged() -> None:
    assert safe_cell("张秀兰") == "张秀兰"
    assert safe_cell("a=b") == "a=b"
    assert safe_cell(-5) == -5 and safe_cell(-0.25) == -0.25
    assert safe_cell(None) is None and safe_cell(True) is True
    assert safe_cell("-5") == "'-5"  # text, whoever typed it
    assert safe_row(["=1", 2]) == ["'=1", 2]
    assert safe_record({"name": "@x", "year": 1940}) == {"name": "'@x", "year": 1940}
