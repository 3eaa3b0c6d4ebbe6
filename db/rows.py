"""Mapping between pydantic models and table rows.

Column lists come from the models' own field names (code, never user text); values are always
bound parameters. Bulk loads go through a DataFrame in one INSERT … SELECT.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from operator import itemgetter
from typing import Any, TypeVar

import duckdb
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def row_values(model: BaseModel, columns: Sequence[str]) -> list[Any]:
    return [_plain(getattr(model, c)) for c in columns]


def insert(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    model: BaseModel,
    columns: Sequence[str],
    id_column: str,
) -> int:
    """INSERT one model's ``columns``; return the generated id."""
    sql = "INSERT INTO {t} ({c}) VALUES ({p}) RETURNING {i}".format(  # noqa: S608
        t=table, c=", ".join(columns), p=", ".join("?" for _ in columns), i=id_column
    )
    row = cur.execute(sql, row_values(model, columns)).fetchone()
    assert row is not None
    return int(row[0])


def update(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    model: BaseModel,
    columns: Sequence[str],
    id_column: str,
    id_value: int,
    expected_version: int | None,
) -> int:
    """UPDATE ``columns`` of one row, bumping ``row_version`` when ``expected_version`` is given.

    Returns the number of rows changed (0 means the row moved on since it was read).
    """
    assignments = ", ".join(f"{c} = ?" for c in columns)
    params = row_values(model, columns)
    if expected_version is None:
        sql = f"UPDATE {table} SET {assignments} WHERE {id_column} = ?"  # noqa: S608
        params.append(id_value)
    else:
        sql = f"UPDATE {table} SET {assignments}, row_version = row_version + 1 WHERE {id_column} = ? AND row_version = ?"  # noqa: S608
        params.extend([id_value, expected_version])
    row = cur.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def fetch_models(cur: duckdb.DuckDBPyConnection, model: type[M], sql: str, params: Sequence[Any] = ()) -> list[M]:
    """Run a SELECT whose column names match the model's fields; build one model per row."""
    result = cur.execute(sql, list(params))
    names = [d[0] for d in result.description or []]
    out = []
    for raw in result.fetchall():
        data = {}
        for name, value in zip(names, raw, strict=True):
            if isinstance(value, list):
                value = tuple(value)
            data[name] = value
        out.append(model.model_validate(data, context={"today": None}))
    return out


# Cell types a DataFrame takes as they are (no conversion needed).
_AS_IS = frozenset({str, int, float, bool, type(None), date, datetime})


def _column(values: list[Any]) -> list[Any]:
    """One column's cells as the DataFrame takes them: Decimals as floats, enums as their values,
    tuples as lists (a column of plain cells is passed through untouched)."""
    if _AS_IS.issuperset(map(type, values)):
        return values
    return [float(v) if isinstance(v, Decimal) else _plain(v) for v in values]


def bulk_insert(cur: duckdb.DuckDBPyConnection, table: str, rows: Iterable[dict[str, Any]]) -> int:
    """Insert many rows in one set-based append (DataFrame → table, columns matched by name).

    Columns no row has take their defaults; a cell a row leaves out (of a column others have) is
    NULL. Decimals travel as floats into DECIMAL columns, which DuckDB rounds to the column's
    scale. The frame is built column by column (one conversion pass per column, not per cell).
    """
    import pandas as pd

    rows = list(rows)
    if not rows:
        return 0
    first = rows[0].keys()
    if all(r.keys() == first for r in rows):
        names = list(first)
        columns = {n: _column(list(map(itemgetter(n), rows))) for n in names}
    else:
        names = list(dict.fromkeys(k for r in rows for k in r))
        columns = {n: _column([r.get(n) for r in rows]) for n in names}
    if not names:
        return 0
    cur.append(table, pd.DataFrame(columns, columns=names), by_name=True)
    return len(rows)
