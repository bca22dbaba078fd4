"""Helpers shared by the material-ties source modules (COW, ATOP, IGO, SIPRI, MME, EI, IMF).

State names and codes go through the one crosswalk (:mod:`bilat.reference.countries`); a
value the crosswalk does not know is a bad row (E501) naming file, line, column and value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from bilat.errors import error
from bilat.reference.countries import iso3_map, normalise_name, to_iso3
from bilat.sources.core import BadRows, read_rda, require_columns

#: Correlates of War state-system members that have no ISO3 analysis code (COW State System
#: Membership v2016). Rows naming them are kept with ``iso3`` NULL: they are states of the
#: system, not errors, but they have no current counterpart to compare with.
COW_HISTORICAL: dict[int, str] = {
    240: "Hanover", 245: "Bavaria", 267: "Baden", 269: "Saxony", 271: "Wuerttemberg",
    273: "Hesse Electoral", 275: "Hesse Grand Ducal", 280: "Mecklenburg Schwerin",
    300: "Austria-Hungary", 327: "Papal States", 329: "Two Sicilies", 332: "Modena",
    335: "Parma", 337: "Tuscany", 730: "Korea (1887-1905)",
}


def check_not_empty(path: Path, df: pd.DataFrame) -> None:
    """E018 when a file has no data rows."""
    if len(df) == 0:
        raise error("E018", path=path)


def read_rda_or_csv(path: Path, obj: str, needed: Iterable[str], layout: str) -> pd.DataFrame:
    """An upstream table from its ``.rda`` (object ``obj``) or its ``.csv``/``.csv.gz`` copy.

    Adds ``_line``: the 1-based line of the row in the CSV (header = line 1), which for an
    ``.rda`` is the row number + 1, so the same row has the same number in both copies.
    """
    name = path.name.lower()
    if name.endswith((".rda", ".rdata", ".rds")):
        objs = read_rda(path, "R data file")
        if not objs:
            raise error("E018", path=path)
        df = objs.get(obj)
        if df is None:
            df = next(iter(objs.values()))
    else:
        if path.stat().st_size == 0:
            raise error("E018", path=path)
        try:
            df = pd.read_csv(path, low_memory=False)
        except pd.errors.EmptyDataError:
            raise error("E018", path=path) from None
    df = pd.DataFrame(df).reset_index(drop=True)
    require_columns(path, df.columns, needed, layout)
    check_not_empty(path, df)
    df["_line"] = range(2, len(df) + 2)
    return df


def int_column(df: pd.DataFrame, column: str, bad: BadRows, path: Path, *,
               lo: int | None = None, hi: int | None = None, nullable: bool = False
               ) -> pd.DataFrame:
    """Coerce ``column`` to integers; rows that are not whole numbers in [lo, hi] are bad."""
    raw = df[column]
    num = raw if pd.api.types.is_numeric_dtype(raw) else pd.to_numeric(raw, errors="coerce")
    badmask = (num.notna() & (num != num.round())) | (raw.notna() & num.isna())
    if not nullable:
        badmask |= num.isna()
    if lo is not None:
        badmask |= num.notna() & (num < lo)
    if hi is not None:
        badmask |= num.notna() & (num > hi)
    for _, r in df[badmask].iterrows():
        bad.add(int(r["_line"]), f"bad {column} {r[column]!r}", _raw(r, bad),
                exc=error("E503", path=path, line=int(r["_line"]), value=r[column],
                          column=column, reason=f"expected a whole number"
                          f"{f' from {lo} to {hi}' if lo is not None else ''}"))
    df = df[~badmask].copy()
    df[column] = pd.to_numeric(df[column]).astype("Int64")
    return df


def num_column(df: pd.DataFrame, column: str, bad: BadRows, path: Path, *,
               lo: float | None = 0.0, out: str | None = None) -> pd.DataFrame:
    """Coerce ``column`` to floats (blank → NULL); text or values below ``lo`` are bad rows."""
    raw = df[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        num = raw.astype("float64")
        badmask = pd.Series(False, index=df.index)
    else:
        num = pd.to_numeric(raw, errors="coerce")
        blank = raw.isna() | raw.astype(str).str.strip().isin(["", "nan"])
        badmask = num.isna() & ~blank
    if lo is not None:
        badmask |= num.notna() & (num < lo)
    for _, r in df[badmask].iterrows():
        bad.add(int(r["_line"]), f"bad {column} {r[column]!r}", _raw(r, bad),
                exc=error("E503", path=path, line=int(r["_line"]), value=r[column],
                          column=column, reason="expected a number"
                          + (f" of at least {lo}" if lo is not None else "")))
    df = df[~badmask].copy()
    df[out or column] = num[~badmask].astype("float64")
    return df


def _raw(r: pd.Series, bad: BadRows) -> str:
    """The row's line as it stands in the file; the parsed row only where there is none."""
    return bad.line_text(int(r["_line"])) or "\t".join(
        "" if pd.isna(v) else str(v) for k, v in r.items() if k != "_line")


def cow_states(df: pd.DataFrame, bad: BadRows, path: Path,
               columns: tuple[str, ...] = ("ccode1", "ccode2")) -> pd.DataFrame:
    """Add ``iso3_1``/``iso3_2`` for COW codes; unknown codes are bad rows (E501).

    COW codes of historical members without an ISO3 (:data:`COW_HISTORICAL`) keep a NULL
    ISO3; codes COW never used are errors.
    """
    cmap = {int(k): v for k, v in iso3_map("cow_num").items()}
    for i, col in enumerate(columns, start=1):
        df = int_column(df, col, bad, path, lo=1, hi=999)
        codes = df[col].astype("int64")
        iso = codes.map(cmap)
        unknown = iso.isna() & ~codes.isin(list(COW_HISTORICAL))
        for _, r in df[unknown].iterrows():
            bad.add(int(r["_line"]), f"unknown COW code {r[col]}", _raw(r, bad),
                    exc=error("E501", path=path, line=int(r["_line"]), value=r[col],
                              column=col, scheme="Correlates of War state code"))
        df = df[~unknown].copy()
        codes = df[col].astype("int64")
        uniq = {c: cmap.get(int(c)) for c in pd.unique(codes)}
        df[f"iso3_{i}"] = pd.Categorical(codes.map(uniq)).astype(object)
    return df


def resolve_names(df: pd.DataFrame, column: str, bad: BadRows, path: Path, *,
                  scheme: str, out: str, special: Callable[[str], tuple[str | None, str] | None]
                  | None = None, kind_out: str | None = None) -> pd.DataFrame:
    """Map the names in ``column`` to ISO3 in ``out`` (and an entity kind in ``kind_out``).

    ``special(name)`` may classify a name first, returning ``(iso3 or None, kind)`` (e.g. a
    SIPRI rebel group: ``(None, 'non-state actor')``) or None to use the crosswalk, where a
    hit is ``(iso3, 'state')``. Names neither knows are bad rows (E501). Blank names are
    left NULL with kind ``missing``.
    """
    values = df[column]
    cache: dict[Any, tuple[str | None, str] | None] = {}
    for v in pd.unique(values):
        if v is None or (isinstance(v, float) and v != v) or str(v).strip() == "":
            cache[v] = (None, "missing")
            continue
        got = special(str(v)) if special else None
        if got is None:
            iso = to_iso3(str(v).strip())
            got = (iso, "state") if iso is not None else None
        cache[v] = got
    unknown = values.map(lambda v: cache[v] is None)
    for _, r in df[unknown].iterrows():
        bad.add(int(r["_line"]), f"unknown state {r[column]!r}", _raw(r, bad),
                exc=error("E501", path=path, line=int(r["_line"]), value=r[column],
                          column=column, scheme=scheme))
    df = df[~unknown].copy()
    df[out] = df[column].map(lambda v: cache[v][0]).astype("string")  # type: ignore[index]
    if kind_out:
        df[kind_out] = df[column].map(lambda v: cache[v][1]).astype("string")  # type: ignore[index]
    return df


def norm(name: str) -> str:
    """The crosswalk's normalised form of a name (for lookup tables in source modules)."""
    return normalise_name(name)


def to_arrow(df: pd.DataFrame, columns: list[str]) -> Any:
    """The listed columns as an Arrow table (pandas NA → null; no index)."""
    import pyarrow as pa

    return pa.Table.from_pandas(df[columns].reset_index(drop=True), preserve_index=False)
