"""Benchmark: material ties — loading the eight sources, the panel of one dyad, all dyads of
a year; each against a plain-pandas baseline in the same run.

Targets (issue 10): loading all eight sources from the mirror ≤ 30 s; the panel for one
dyad (every pillar, every year) ≤ 1 s; the panel of all dyads of one year ≤ 5 s.

* **load**: ``bilat fetch trade|arms|alliances|igos|exercises|energy|engagements`` into a
  fresh DuckDB store (parse, domain checks, crosswalk, content hash, one transaction per
  file) against the baseline of only *reading* the same files with pandas/pyreadr/calamine
  (no checks, no store).
* **panel, one dyad**: :func:`bilat.indicators.panel` for RUS–CHN (all pillars, all years)
  against a pandas baseline that filters the already-loaded raw tables for the dyad (COW
  trade, ATOP, IGO, SIPRI deliveries) — the lower bound of any in-memory approach.
* **panel, all dyads of a year**: ``panel(all_dyads=True, year=Y)`` against pandas
  group-bys of the same year's raw rows (COW trade, ATOP, IGO, SIPRI).

Run: ``.venv/bin/python benchmarks/bench_material.py [--mirror DIR] [--year 2005]
[--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def _timed(fn, repeat: int = 1):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def load_bilat(store, mirror: Path) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from bilat.sources import (
        alliances_atop,
        arms_sipri,
        energy_ei,
        engagements_chinavitae,
        exercises_mme,
        igo_cow,
        imf_dots,
        trade_cow,
    )

    times = {}
    for name, fn in (("trade (COW)", trade_cow.fetch_cow_trade),
                     ("trade (IMF)", imf_dots.fetch_dots),
                     ("arms", arms_sipri.fetch_sipri), ("alliances", alliances_atop.fetch_atop),
                     ("igos", igo_cow.fetch_igo), ("exercises", exercises_mme.fetch_mme),
                     ("energy", energy_ei.fetch_energy),
                     ("engagements", engagements_chinavitae.fetch_engagements)):
        t = time.perf_counter()
        fn(store, mirror=mirror)
        times[name] = time.perf_counter() - t
    return times


def load_pandas(mirror: Path) -> dict[str, pd.DataFrame]:
    import pyreadr

    raw = {
        "cow": next(iter(pyreadr.read_r(str(mirror / "trade_cow" /
                                            "cow_trade_ndy.rda")).values())),
        "atop": next(iter(pyreadr.read_r(str(mirror / "alliances_atop" /
                                             "atop_alliance.rda")).values())),
        "igo": next(iter(pyreadr.read_r(str(mirror / "igo_cow" / "cow_igo_ndy.rda")).values())),
        "sipri": pd.read_csv(mirror / "arms_sipri" / "trade_register.csv", skiprows=11),
        "deals": pd.read_csv(mirror / "arms_sipri" / "trade-register.csv", skiprows=11,
                             encoding="latin-1", on_bad_lines="skip"),
        "mme": pd.read_csv(mirror / "exercises_mme" / "mme_v7.csv"),
        "cv": pd.read_csv(mirror / "diplomacy_chinavitae" / "all_engagements_2003-2018.csv"),
    }
    for f in sorted((mirror / "trade_imf_dots").glob("DOTS_*.xlsx")):
        raw[f.stem] = pd.read_excel(f, sheet_name=None, header=None, engine="calamine")
    raw["ei"] = pd.read_excel(mirror / "energy_ei" /
                              "Statistical Review of World Energy Data.xlsx",
                              sheet_name=["Gas - Trade movements", "Gas trade - pipeline",
                                          "Gas trade - LNG", "Oil - Inter-area movements"],
                              header=None, engine="calamine")
    return raw


def pandas_dyad(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Filter the raw tables for RUS–CHN (COW 365/710, SIPRI names) and join by year."""
    c = raw["cow"]
    t = c[(c.ccode1 == 365) & (c.ccode2 == 710)][["year", "flow1", "flow2"]]
    a = raw["atop"]
    al = a[(a.ccode1 == 365) & (a.ccode2 == 710)][["year", "atop_defense", "atop_consul"]]
    g = raw["igo"]
    ig = g[(g.ccode1 == 365) & (g.ccode2 == 710)][["year", "dyadigos"]]
    s = raw["sipri"]
    ar = s[(s.Supplier == "Russia") & (s.Recipient == "China")].groupby(
        "Delivery year")["TIV delivery values"].sum().rename_axis("year").reset_index()
    out = t.merge(al, on="year", how="outer").merge(ig, on="year", how="outer")
    return out.merge(ar, on="year", how="outer")


def pandas_year(raw: dict[str, pd.DataFrame], year: int) -> int:
    """Per-dyad values of one year from the raw tables (COW trade, ATOP, IGO, SIPRI)."""
    c = raw["cow"]
    c = c[c.year == year]
    a = raw["atop"]
    a = a[a.year == year].groupby(["ccode1", "ccode2"])[["atop_defense"]].max()
    g = raw["igo"]
    g = g[g.year == year].set_index(["ccode1", "ccode2"])["dyadigos"]
    s = raw["sipri"]
    s = s[s["Delivery year"] == year].groupby(["Supplier", "Recipient"])[
        "TIV delivery values"].sum()
    return len(c) + len(a) + len(g) + len(s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", type=Path, default=Path(os.environ.get(
        "BILAT_MIRROR", REPO.parent / "shared" / "data")))
    ap.add_argument("--year", type=int, default=2005)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import bilat.indicators as bi
    from bilat.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.duckdb")
        t0, c0 = time.perf_counter(), time.process_time()
        per = load_bilat(store, args.mirror)
        load_total, load_cpu = time.perf_counter() - t0, time.process_time() - c0
        t_raw, raw = _timed(lambda: load_pandas(args.mirror))
        print(f"load, bilat (8 sources, checked, stored): {load_total:6.2f} s  (target ≤ 30 s; "
              f"CPU {load_cpu:.1f} s, load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores)")
        for k, v in per.items():
            print(f"    {k:<14} {v:6.2f} s")
        print(f"load, pandas read only (baseline):       {t_raw:6.2f} s  "
              f"ratio {load_total / t_raw:.1f}×")

        bi.panel(store, "RUS", "CHN")  # warm: connection, imports
        c0 = time.process_time()
        t_dyad, p = _timed(lambda: bi.panel(store, "RUS", "CHN"), args.repeat)
        c_dyad = (time.process_time() - c0) / args.repeat
        t_pd, q = _timed(lambda: pandas_dyad(raw), args.repeat)
        print(f"panel RUS–CHN, all pillars, {len(p)} years × {p.shape[1]} columns: "
              f"{t_dyad:6.3f} s  (target ≤ 1 s; CPU {c_dyad:.2f} s per run)")
        print(f"    pandas filter of 4 raw tables ({len(q)} rows, baseline): {t_pd:6.3f} s  "
              f"ratio {t_dyad / t_pd:.1f}×")
        t_pct, _ = _timed(lambda: bi.panel(store, "RUS", "CHN", percentiles=True), 1)
        print(f"    with percentiles among all dyads: {t_pct:6.3f} s")

        c0 = time.process_time()
        t_all, e = _timed(lambda: bi.panel(store, all_dyads=True, year=args.year), args.repeat)
        c_all = (time.process_time() - c0) / args.repeat
        t_pdy, n = _timed(lambda: pandas_year(raw, args.year), args.repeat)
        print(f"panel all dyads {args.year}: {len(e):,} dyads × {e.shape[1]} columns: "
              f"{t_all:6.3f} s  (target ≤ 5 s; CPU {c_all:.2f} s per run)")
        print(f"    pandas group-bys of 4 raw tables ({n:,} rows, baseline): {t_pdy:6.3f} s  "
              f"ratio {t_all / t_pdy:.1f}×")
        store.close()


if __name__ == "__main__":
    main()
