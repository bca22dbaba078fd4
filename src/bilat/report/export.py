"""Write a result table as CSV, JSON or Parquet, to a file or stdout; one place for all commands."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bilat.errors import error

#: Formats every tabular command accepts; ``table`` is rendered by the CLI with Rich.
TABLE_FORMATS = ("table", "csv", "json", "parquet")


def to_frame(data: Any) -> pd.DataFrame:
    """A pandas DataFrame from a DataFrame, an Arrow table or an Ibis expression."""
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pa.Table):
        return data.to_pandas()
    if hasattr(data, "to_pandas"):
        return data.to_pandas()
    return pd.DataFrame(data)


def write_frame(data: Any, fmt: str, output: str | Path | None = None) -> str | None:
    """Serialise ``data`` as ``fmt``; write to ``output`` or return the text (None for a file).

    Parquet needs a file. JSON is a list of records with ISO dates, as analysts load it.
    """
    if fmt not in TABLE_FORMATS or fmt == "table":
        # "table" is rendered by the CLI; name every format a command accepts
        raise error("E004", value=fmt, options=", ".join(TABLE_FORMATS))
    df = to_frame(data)
    if fmt == "parquet":
        if output is None:
            raise error("E005", path="stdout", reason="Parquet is binary; give -o FILE.parquet")
        target = Path(output)
        try:
            pq.write_table(pa.Table.from_pandas(df, preserve_index=False), target)
        except OSError as exc:
            raise error("E005", path=target, reason=exc.strerror or str(exc)) from exc
        return None
    if fmt == "csv":
        text = df.to_csv(index=False)
    else:
        buf = io.StringIO()
        df.to_json(buf, orient="records", date_format="iso", indent=2, force_ascii=False)
        text = buf.getvalue() + "\n"
    if output is None:
        return text
    target = Path(output)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise error("E005", path=target, reason=exc.strerror or str(exc)) from exc
    return None


def print_text(text: str) -> None:
    """Data goes to stdout."""
    sys.stdout.write(text)
