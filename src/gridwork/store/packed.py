"""Reading a million integers without a million Python rows: the database aggregates them
into one comma-separated text (per group), which NumPy parses in C.

For the emergency declaration, where turning each household into a row tuple cost more
than the query itself.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

import numpy as np
from sqlalchemy import String, cast, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class _Joined(FunctionElement[str]):
    """An aggregate joining texts with commas (group_concat, string_agg)."""

    type = String()
    inherit_cache = True
    name = "joined"


@compiles(_Joined)
def _joined_sqlite(element: _Joined, compiler: SQLCompiler, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


@compiles(_Joined, "postgresql")
def _joined_postgresql(element: _Joined, compiler: SQLCompiler, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


def packed_ints(*columns: ColumnElement[Any]) -> ColumnElement[str]:
    """Aggregate: each row's integer columns (none NULL) as "a,b,c", rows joined by commas.
    One aggregate, so a row's numbers always stay together."""
    parts: list[ColumnElement[Any]] = []
    for column in columns:
        parts += [cast(column, String), literal(",")]
    row = reduce(lambda a, b: a + b, parts[:-1])
    return _Joined(row)


def unpack_ints(text: str | None, width: int) -> np.ndarray:
    """The rows `packed_ints` made: an int64 array of shape (rows, width)."""
    if not text:
        return np.empty((0, width), dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",").reshape(-1, width)
