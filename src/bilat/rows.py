"""Small result tables in plain Python, for commands that must start fast.

A :class:`Rows` holds a few hundred rows at most (an indicator table, a crosswalk lookup) as
one Python list per column, each column with a *kind* that fixes its pandas dtype and how it
is written. It exists so that a small query command can compute in DuckDB, carry its result
and print it as CSV, JSON or a terminal table without importing pandas (≈ 0.5 s of a
command's start-up; issue 15 item 5). The public library API still returns pandas
DataFrames: it converts at that boundary with :meth:`Rows.to_pandas`, so there is one
implementation of each computation.

Writers give the same bytes as pandas' own, for the kinds below (tested against pandas in
``tests/cli/test_rows_output.py``):

- :meth:`Rows.to_csv` = ``DataFrame.to_csv(index=False)`` (floats in shortest round-trip
  form, ``True``/``False``, dates ``YYYY-MM-DD``, missing as an empty field);
- :meth:`Rows.to_json` = ``DataFrame.to_json(orient="records", date_format="iso",
  indent=2, force_ascii=False)`` (pandas' ujson: floats to 10 decimals, ``/`` escaped, dates
  as ``YYYY-MM-DDT00:00:00.000``).

Kinds: ``str`` (text, ``None`` missing), ``Int64`` (whole numbers, ``None`` missing),
``int64`` (whole numbers, never missing), ``float64`` (``None`` or NaN missing), ``bool``,
``boolean`` (``None`` missing), ``date`` (:class:`datetime.date`), ``object`` (as given).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from typing import Any

KINDS = ("str", "Int64", "int64", "float64", "bool", "boolean", "date", "object")


class Rows:
    """Columns of Python values with a kind each (see the module docstring).

    ``Rows({"a": [1, 2]}, {"a": "int64"})``; ``attrs`` carries notes as ``DataFrame.attrs``
    does (``attrs["notes"]``: lines the CLI prints on stderr).
    """

    def __init__(self, columns: dict[str, list[Any]], kinds: dict[str, str],
                 attrs: dict[str, Any] | None = None) -> None:
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        for name in columns:
            if kinds.get(name) not in KINDS:
                raise ValueError(f"column {name!r}: kind {kinds.get(name)!r} not in {KINDS}")
        self.columns = columns
        self.kinds = {k: kinds[k] for k in columns}
        self.attrs: dict[str, Any] = dict(attrs or {})

    # ------------------------------------------------------------------ shape
    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    @property
    def empty(self) -> bool:
        return len(self) == 0

    def __getitem__(self, name: str) -> list[Any]:
        return self.columns[name]

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    def select(self, names: Sequence[str]) -> Rows:
        """These columns, in this order (a name twice is kept once)."""
        keep = list(dict.fromkeys(names))
        return Rows({n: self.columns[n] for n in keep}, self.kinds, self.attrs)

    def take(self, order: Sequence[int]) -> Rows:
        """The rows at these positions, in this order."""
        return Rows({n: [v[i] for i in order] for n, v in self.columns.items()}, self.kinds,
                    self.attrs)

    def records(self) -> list[dict[str, Any]]:
        names = self.names
        return [dict(zip(names, row, strict=True))
                for row in zip(*self.columns.values(), strict=True)]

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]], kinds: dict[str, str],
                     attrs: dict[str, Any] | None = None) -> Rows:
        """Rows from dicts (missing keys are missing values), columns in ``kinds``' order."""
        recs = list(records)
        return cls({n: [r.get(n) for r in recs] for n in kinds}, kinds, attrs)

    @classmethod
    def concat(cls, parts: Sequence[Rows]) -> Rows:
        """The rows of ``parts`` one after the other (the first part's columns and kinds)."""
        first = parts[0]
        return cls({n: [v for p in parts for v in p.columns[n]] for n in first.columns},
                   first.kinds, first.attrs)

    # ------------------------------------------------------------------ conversions
    def to_pandas(self) -> Any:
        """A pandas DataFrame, one dtype per kind: ``str`` → pandas' default string dtype,
        ``Int64``/``boolean`` → nullable, ``float64`` (missing NaN), ``date`` and ``object``
        → object columns (dates as :class:`datetime.date`, missing None)."""
        import pandas as pd

        data: dict[str, Any] = {}
        for name, values in self.columns.items():
            kind = self.kinds[name]
            if kind == "str":  # as pandas infers text
                data[name] = pd.Series(values, dtype=pd.StringDtype(na_value=float("nan"))
                                       if _default_str() else object)
            elif kind in ("Int64", "boolean"):
                data[name] = pd.array(values, dtype=kind)
            elif kind == "float64":
                data[name] = pd.array([math.nan if v is None else v for v in values],
                                      dtype="float64")
            elif kind in ("int64", "bool"):
                data[name] = pd.array(values, dtype=kind)
            else:
                data[name] = pd.Series(values, dtype=object)
        df = pd.DataFrame(data, index=pd.RangeIndex(len(self)))
        df.attrs.update(self.attrs)
        return df

    @classmethod
    def from_pandas(cls, df: Any, kinds: dict[str, str] | None = None) -> Rows:
        """Rows of a DataFrame: kinds from ``kinds`` or from its dtypes; missing → None."""
        import pandas as pd

        cols: dict[str, list[Any]] = {}
        kk: dict[str, str] = {}
        for i, name in enumerate(df.columns):
            s = df.iloc[:, i]
            kind = (kinds or {}).get(name) or _kind_of(s)
            vals = s.tolist()
            if kind == "date":
                vals = [None if v is None or v is pd.NaT or (isinstance(v, float) and v != v)
                        else (v.date() if isinstance(v, datetime.datetime) else v)
                        for v in vals]
            elif kind != "object":
                vals = [None if v is None or v is pd.NA or v is pd.NaT
                        or (isinstance(v, float) and v != v and kind != "float64") else v
                        for v in vals]
                if kind in ("Int64", "int64"):
                    vals = [None if v is None else int(v) for v in vals]
            cols[str(name)] = vals
            kk[str(name)] = kind
        return cls(cols, kk, dict(df.attrs))

    # ------------------------------------------------------------------ writers
    def to_csv(self) -> str:
        """CSV text as ``DataFrame.to_csv(index=False)`` writes it."""
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.names)
        cells = [[_csv_cell(v, self.kinds[n]) for v in vals] for n, vals in self.columns.items()]
        w.writerows(zip(*cells, strict=True))
        return buf.getvalue()

    def to_json(self) -> str:
        """JSON text as ``DataFrame.to_json(orient="records", date_format="iso", indent=2,
        force_ascii=False)`` writes it (no final newline)."""
        names = [_json_str(str(n)) for n in self.names]
        cells = [[_json_value(v, self.kinds[n]) for v in vals]
                 for n, vals in self.columns.items()]
        if not len(self):
            return "[\n\n]"
        objects = []
        for row in zip(*cells, strict=True):
            body = ",\n".join(f"    {k}:{v}" for k, v in zip(names, row, strict=True))
            objects.append("  {\n" + body + "\n  }")
        return "[\n" + ",\n".join(objects) + "\n]"


def _default_str() -> bool:
    """pandas ≥ 3 infers text columns as its string dtype (NaN for missing)."""
    import pandas as pd

    return str(pd.Series(["x"]).dtype) == "str"


def _kind_of(s: Any) -> str:
    dtype = str(s.dtype)
    if dtype in ("Int64", "int64", "float64", "bool", "boolean"):
        return dtype
    if dtype in ("str", "string"):
        return "str"
    if dtype.startswith(("int", "uint")):
        return "int64"
    if dtype.startswith(("Int", "UInt")):
        return "Int64"
    if dtype.startswith("float") or dtype.startswith("Float"):
        return "float64"
    return "object"


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or type(v).__name__ in (
        "NAType", "NaTType")


def _csv_cell(v: Any, kind: str) -> str:
    if _missing(v):
        return ""
    if kind == "float64" or isinstance(v, float):
        return repr(float(v))
    return str(v)


# ----------------------------------------------------------------------------- JSON
_ESCAPES = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n",
            "\r": "\\r", "\t": "\\t"}


def _json_str(text: str) -> str:
    out = []
    for ch in text:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _json_value(v: Any, kind: str) -> str:
    if _missing(v):
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.datetime):
        return f'"{v:%Y-%m-%dT%H:%M:%S}.{v.microsecond // 1000:03d}"'
    if isinstance(v, datetime.date):
        return f'"{v:%Y-%m-%d}T00:00:00.000"'
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return json_double(v)
    return _json_str(str(v))


def json_double(value: float, precision: int = 10) -> str:
    """A float as pandas' JSON writer (ujson, ``double_precision=10``) prints it: fixed
    notation rounded to ``precision`` decimals with trailing zeros dropped (``0.1``,
    ``3.0``), ``%.10g`` below 1e-15 or above 1e16 − 1."""
    neg = value < 0
    x = -value if neg else value
    if x > 1e16 - 1 or (x != 0.0 and x < 1e-15):
        return _c_g(value, precision)
    scale = 10 ** precision
    whole = int(x)
    tmp = (x - float(whole)) * float(scale)
    frac = int(tmp)
    diff = tmp - frac
    if diff > 0.5 or (diff == 0.5 and (frac == 0 or frac & 1)):
        frac += 1
    if frac >= scale:
        frac = 0
        whole += 1
    if frac:
        digits = str(frac).rjust(precision, "0").rstrip("0")
        text = f"{whole}.{digits}"
    else:
        text = f"{whole}.0"
    return "-" + text if neg else text


def _c_g(value: float, precision: int) -> str:
    """C's ``%.{precision}g`` (Python's ``g`` format writes the same digits and exponent)."""
    return f"{value:.{precision}g}"


__all__ = ["KINDS", "Rows", "json_double"]
