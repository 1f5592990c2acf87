"""Cells of the spreadsheets we hand out (CSV exports), made inert.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula, so a resident named `=HYPERLINK(...)` would become a live link in the
exporting officer's Excel. Following OWASP's advice every such text cell gets a leading single
quote, which spreadsheets show as text. Values that are numbers (int, float) are ours, not
typed by anyone, and stay numbers: `-5` exported from an int is still -5. Text that merely
looks like a negative number (`"-5"`) is prefixed like any other text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` as a spreadsheet will only ever show it: text that could start a formula is
    prefixed with `'`; numbers, booleans and None pass unchanged."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row of cells for `csv.writer`, each through `safe_cell`."""
    return [safe_cell(v) for v in values]


def safe_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A row for `csv.DictWriter`, each value through `safe_cell`."""
    return {k: safe_cell(v) for k, v in record.items()}
