"""Benchmark: ideal-point distances for every dyad and year (Voeten, 1946–2024), bilat vs pandas.

bilat computes ``|ideal_a − ideal_b|`` and each dyad's percentile among the year's dyads for
all pairs and years in one DuckDB self-join with a window
(:func:`bilat.indicators.votes.idealpoint_distances`). Baselines, in the same process on the
same store:

* **pandas, vectorised**: one self-merge of the state-years on the year, filter ``a < b``,
  ``groupby("year").rank(pct=True)`` — what a careful pandas user writes.
* **Python, straightforward**: per year, a double loop over the states and a sort for the
  percentile — the way such code is usually first written; run on a sample of years and
  extrapolated per dyad-year (printed as such).

Both baselines' figures are checked against bilat's. The goal: all dyads and years ≤ 5 s.
Also timed: :func:`bilat.indicators.votes.idealpoints` for RUS–CHN with two reference dyads.

Run: ``.venv/bin/python benchmarks/bench_idealpoints.py [--mirror DIR] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bilat.indicators.votes import idealpoint_distances, idealpoints
from bilat.sources.idealpoints import fetch_idealpoints
from bilat.store import open_store

REPO = Path(__file__).resolve().parents[1]


def pandas_vectorised(points: pd.DataFrame) -> pd.DataFrame:
    """Self-merge on the year, a < b, distance, percentile by groupby-rank."""
    m = points.merge(points, on="year", suffixes=("_a", "_b"))
    m = m[m["iso3_a"] < m["iso3_b"]]
    m = m.assign(distance=(m["ideal_a"] - m["ideal_b"]).abs())
    m["percentile"] = m.groupby("year")["distance"].rank(method="max", pct=True) * 100
    return m.rename(columns={"iso3_a": "a", "iso3_b": "b"})[
        ["year", "a", "b", "distance", "percentile"]]


def python_straightforward(points: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Per year: a double loop over the states, then each distance's rank by sorting."""
    rows = []
    for year in years:
        p = points[points["year"] == year].sort_values("iso3")
        iso, x = list(p["iso3"]), list(p["ideal"])
        dist = []
        for i in range(len(iso)):
            for j in range(i + 1, len(iso)):
                dist.append((iso[i], iso[j], abs(x[i] - x[j])))
        ordered = sorted(d for _, _, d in dist)
        for a, b, d in dist:
            # share of the year's distances at or below d
            lo, hi = 0, len(ordered)
            while lo < hi:
                mid = (lo + hi) // 2
                if ordered[mid] <= d:
                    lo = mid + 1
                else:
                    hi = mid
            rows.append((year, a, b, d, 100 * lo / len(ordered)))
    return pd.DataFrame(rows, columns=["year", "a", "b", "distance", "percentile"])


def _check(ours: pd.DataFrame, theirs: pd.DataFrame, label: str) -> None:
    m = theirs.merge(ours, on=["year", "a", "b"], suffixes=("_t", ""))
    assert len(m) == len(theirs), f"{label}: {len(theirs) - len(m)} dyad-years missing"
    for k in ("distance", "percentile"):
        np.testing.assert_allclose(m[f"{k}_t"].to_numpy(float), m[k].to_numpy(float),
                                   rtol=1e-9, atol=1e-9, err_msg=f"{label}: {k}")
    print(f"  check: {label} equals bilat on {len(m):,} dyad-years (distance, percentile)")


def main() -> None:
    """Build a store from the mirror, time bilat and the baselines, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", default=os.environ.get("BILAT_MIRROR",
                                                       str(REPO.parent / "shared" / "data")))
    ap.add_argument("--repeat", type=int, default=3, help="bilat runs (best is reported)")
    ap.add_argument("--sample-years", type=int, default=3,
                    help="years the straightforward Python version runs on (extrapolated)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bilat-bench-ip-") as tmp:
        store = open_store(Path(tmp) / "bench.duckdb")
        t = time.perf_counter()
        fetch_idealpoints(store, args.mirror)
        print(f"ingest of both ideal-point files: {time.perf_counter() - t:.2f} s")

        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            ours = idealpoint_distances(store)
            times.append(time.perf_counter() - t)
        t_bilat = min(times)
        n = len(ours)
        print(f"bilat idealpoint_distances(), every dyad and year 1946–2024: {n:,} dyad-years, "
              f"best of {args.repeat}: {t_bilat:.2f} s (runs: "
              + ", ".join(f"{x:.2f}" for x in times) + ")")

        t = time.perf_counter()
        pair = idealpoints(store, "RUS", "CHN", refs=[("RUS", "BLR"), ("USA", "GBR")])
        print(f"bilat idealpoints(RUS, CHN, 2 refs), with percentiles: {len(pair)} rows in "
              f"{time.perf_counter() - t:.2f} s")

        points = store.con.execute(
            "SELECT iso3, year, ideal_point_fp AS ideal FROM un_idealpoints_year "
            "WHERE ideal_point_fp IS NOT NULL").df()
        t = time.perf_counter()
        vec = pandas_vectorised(points)
        t_vec = time.perf_counter() - t
        print(f"pandas vectorised (merge + groupby.rank): {len(vec):,} dyad-years in "
              f"{t_vec:.2f} s")
        _check(ours, vec, "pandas vectorised")

        years = sorted(int(y) for y in points["year"].unique())
        step = max(1, len(years) // args.sample_years)
        sample = years[::step][: args.sample_years]
        t = time.perf_counter()
        plain = python_straightforward(points, sample)
        t_plain = time.perf_counter() - t
        per = t_plain / len(plain)
        print(f"Python straightforward (double loop + sort) on years {sample}: {len(plain):,} "
              f"dyad-years in {t_plain:.2f} s = {per * 1e6:.1f} µs per dyad-year; "
              f"extrapolated to the full record: {per * n:.1f} s")
        _check(ours, plain, "Python straightforward")

        print(f"\nall dyads and years on {os.cpu_count()} cores: bilat {t_bilat:.2f} s "
              f"(goal ≤ 5 s: {'met' if t_bilat <= 5 else 'NOT met'})")
        print(f"ratio vs pandas vectorised (measured): {t_vec / t_bilat:.1f}×")
        print(f"ratio vs Python straightforward (extrapolated): {per * n / t_bilat:.0f}×")
        store.close()


if __name__ == "__main__":
    main()
