"""ICEWS directed dyad-year quad counts, 2002–2014 (the ``icews`` data set of the R package
netify), as published: an aggregate table, never mixed with event records.

Upstream: ``data/icews.rda`` of netify (Dorff and Minhas; repository netify-dev/netify,
GPL-3), one R data frame ``icews``: one row per *directed* country pair (``i`` acts on ``j``)
and year, 152 countries. The package documents the counts as coming from "ICEWS coded event
data, Harvard Dataverse, doi:10.7910/DVN/28075" (Boschee et al. 2015); how they were
aggregated (release, sub-state actors, de-duplication) is not documented.

Fields read → table ``icews_dyad_year``:

- ``i``, ``j`` (ICEWS country names, e.g. "Russian Federation") → ``source_country``,
  ``target_country`` as given, and ``source_iso3``, ``target_iso3`` through the crosswalk
  (:mod:`bilat.reference.countries`); the package's own ``i_iso3c``/``j_iso3c`` must agree
  where given (a disagreement or an unknown name is a bad row, E141).
- ``year`` (int, 2002–2014).
- ``verbCoop``, ``matlCoop``, ``verbConf``, ``matlConf`` → ``verbal_coop``,
  ``material_coop``, ``verbal_conflict``, ``material_conflict``: events in each CAMEO quad
  class (whole numbers ≥ 0; anything else is a bad row, E143).
- bilat's: ``line`` (1-based row of the data frame), ``source_file``.

The other 16 columns (Polity, GDP, population, region) are covariates of the package and are
not stored. Coverage is as published: each stored year counts as complete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bilat.errors import error
from bilat.sources.core import BadRows, IngestResult, Source, fetch, ingest, read_rda

KIND = "icews-dyad-year"
TABLE = "icews_dyad_year"
CITATION = ("ICEWS dyad-year counts from the R package netify (Dorff and Minhas), data/icews.rda; "
            "underlying data: Boschee et al. (2015), ICEWS Coded Event Data, Harvard Dataverse, "
            "doi:10.7910/DVN/28075.")
#: Upstream column → stored column.
COUNTS = {"verbCoop": "verbal_coop", "matlCoop": "material_coop",
          "verbConf": "verbal_conflict", "matlConf": "material_conflict"}
NEEDED = ("i", "j", "year", *COUNTS)


def parse_dyad_year(path: Path, bad_rows: BadRows) -> Any:
    """Read ``icews.rda`` into the ``icews_dyad_year`` schema (see the module docstring)."""
    import pandas as pd
    import pyarrow as pa

    from bilat.reference.countries import to_iso3

    objects = read_rda(path, "an R data file (icews.rda)")
    frame = next((df for df in objects.values()
                  if all(c in df.columns for c in NEEDED)), None)
    if frame is None:
        found = "; ".join(f"{k}: {', '.join(map(str, v.columns[:8]))}"
                          for k, v in objects.items()) or "none"
        raise error("E149", path=path, found=found, expected=", ".join(NEEDED))
    df = frame.reset_index(drop=True)
    df["_line"] = range(1, len(df) + 1)
    names = pd.unique(pd.concat([df["i"], df["j"]]).dropna())
    iso = {n: to_iso3(str(n)) for n in names}
    problems: list[tuple[int, str, Any]] = []

    def raw(r: Any) -> str:
        return "\t".join(str(r[c]) for c in NEEDED)

    out = pd.DataFrame({"source_country": df["i"], "target_country": df["j"]})
    bad = pd.Series(False, index=df.index)
    for col, given, target in (("i", "i_iso3c", "source_iso3"), ("j", "j_iso3c", "target_iso3")):
        out[target] = df[col].map(iso)
        for k in df.index[out[target].isna() & ~bad]:
            problems.append((int(df.at[k, "_line"]), raw(df.loc[k]), error(
                "E141", path=path, line=int(df.at[k, "_line"]), value=df.at[k, col],
                column=col)))
        bad |= out[target].isna()
        if given in df.columns:
            pkg = df[given].where(df[given].astype(str).str.len() > 0)
            differ = pkg.notna() & out[target].notna() & (pkg != out[target]) & ~bad
            for k in df.index[differ]:
                if to_iso3(str(pkg[k]), "iso3") == out.at[k, target]:
                    continue
                problems.append((int(df.at[k, "_line"]), raw(df.loc[k]), error(
                    "E143", path=path, line=int(df.at[k, "_line"]), value=pkg[k], column=given,
                    reason=f"the package's code disagrees with the name {df.at[k, col]!r} "
                    f"({out.at[k, target]})")))
                bad[k] = True
    year = pd.to_numeric(df["year"], errors="coerce")
    ybad = ~(year.notna() & (year % 1 == 0) & year.between(1900, 2100)) & ~bad
    for k in df.index[ybad]:
        problems.append((int(df.at[k, "_line"]), raw(df.loc[k]), error(
            "E143", path=path, line=int(df.at[k, "_line"]), value=df.at[k, "year"],
            column="year", reason="a year such as 2014")))
    bad |= ybad
    out["year"] = year
    for up, col in COUNTS.items():
        v = pd.to_numeric(df[up], errors="coerce")
        vbad = ~(v.notna() & (v >= 0) & (v % 1 == 0)) & ~bad
        for k in df.index[vbad]:
            problems.append((int(df.at[k, "_line"]), raw(df.loc[k]), error(
                "E143", path=path, line=int(df.at[k, "_line"]), value=df.at[k, up], column=up,
                reason="a count of events: a whole number, 0 or more")))
        bad |= vbad
        out[col] = v
    for line, text, exc in sorted(problems, key=lambda t: t[0]):
        bad_rows.add(line, exc.message, text, exc=exc)
    out["line"] = df["_line"]
    out = out[~bad].copy()
    for c in ("year", *COUNTS.values(), "line"):
        out[c] = out[c].astype("int64")
    return pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)


SOURCE = Source(
    kind=KIND, table=TABLE, mirror_dir="icews-dyad-year", files=("icews.rda",),
    parse=parse_dyad_year, citation=CITATION,
    key_columns=("source_iso3", "target_iso3", "year"), title="ICEWS dyad-year quad counts",
    urls={"icews.rda": "https://raw.githubusercontent.com/netify-dev/netify/"
          "594f6dfdb0cc6060ad3399038e2112d3e73c2eb3/data/icews.rda"},
)


def fetch_icews_dyad_year(store: Any, mirror: str | Path | None = None, *,
                          on_bad_rows: str = "fail", progress: bool | None = None
                          ) -> list[IngestResult]:
    """Load ``<mirror>/icews-dyad-year/icews.rda`` (or download it from the netify
    repository at the documented commit) into ``icews_dyad_year``."""
    _quiet(store)
    return fetch(SOURCE, store, mirror=mirror, on_bad_rows=on_bad_rows, progress=progress)


def ingest_icews_dyad_year(store: Any, paths: list[str | Path], *, on_bad_rows: str = "fail"
                           ) -> list[IngestResult]:
    """Store local dyad-year ``.rda`` files."""
    _quiet(store)
    return ingest(store, SOURCE, paths, on_bad_rows=on_bad_rows)



def _quiet(store: Any) -> None:
    """No DuckDB progress bar on stdout (it would mix with data output)."""
    import contextlib

    with contextlib.suppress(Exception):
        store.con.execute("SET enable_progress_bar = false")


__all__ = ["CITATION", "COUNTS", "SOURCE", "fetch_icews_dyad_year", "ingest_icews_dyad_year",
           "parse_dyad_year"]
