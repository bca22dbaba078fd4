"""Benchmark: every dyad-year of the UN General Assembly record (1946–2020), bilat vs pandas.

Then the merged record (unvotes + the UN Digital Library scrape, 1946–2021): the merge itself
and all dyad-years again.

bilat computes all indices for all pairs of states and all years in one Ibis/DuckDB query
(:func:`bilat.indicators.votes.dyads`). The baselines, in the same process on the same data:

* **pandas, straightforward**: per year, a self-merge of the votes on the roll-call id, then
  ``groupby(["a", "b"]).apply(...)`` with the agreement, S and kappa formulas written out per
  dyad-year — the way such code is usually written. It is slow, so it runs on a sample of
  years and is extrapolated per dyad-year (printed as such).
* **pandas, vectorised**: the same self-merge, then ``groupby.agg`` of the 3 × 3 counts and
  vectorised formulas — what a careful pandas user would write; run on the full record.

Every baseline's figures are checked against bilat's on the rows they share.

Run: ``/work/venv/bin/python benchmarks/bench_votes.py [--mirror DIR] [--sample-years N]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bilat.indicators.votes import dyads, merged
from bilat.sources.undl_scrape import fetch_undl_scrape
from bilat.sources.unvotes import fetch_unvotes
from bilat.store import open_store

REPO = Path(__file__).resolve().parents[1]


def _votes_frame(store: object) -> pd.DataFrame:
    """The recorded votes with their year: vote_id, year, iso3, x (yes 1, abstain ½, no 0)."""
    return store.con.execute(  # type: ignore[attr-defined]
        """SELECT v.vote_id, r.year, v.iso3, v.vote_num / 2.0 AS x
           FROM un_votes v JOIN un_rollcalls r USING (vote_id)
           WHERE v.vote_num IS NOT NULL AND r.body = 'GA'"""
    ).df()


def _indices_one(g: pd.DataFrame) -> pd.Series:
    """Agreement, S and kappa for one dyad-year, written out from the formulas."""
    xa, xb = g["x_a"].to_numpy(), g["x_b"].to_numpy()
    n = len(xa)
    d = np.abs(xa - xb)
    agree = 1 - d.mean()
    s = 1 - 2 * d.mean()
    po = float((xa == xb).mean())
    pe = sum(float((xa == c).mean()) * float((xb == c).mean()) for c in (0.0, 0.5, 1.0))
    kappa = (po - pe) / (1 - pe) if pe < 1 else np.nan
    return pd.Series({"n": n, "agree": agree, "s": s, "kappa": kappa})


def pandas_straightforward(votes: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Per year: self-merge, then groupby.apply of the formulas per dyad."""
    out = []
    for year in years:
        v = votes[votes["year"] == year]
        m = v.merge(v, on="vote_id", suffixes=("_a", "_b"))
        m = m[m["iso3_a"] < m["iso3_b"]]
        res = m.groupby(["iso3_a", "iso3_b"])[["x_a", "x_b"]].apply(_indices_one)
        res["year"] = year
        out.append(res.reset_index())
    return pd.concat(out, ignore_index=True)


def pandas_vectorised(votes: pd.DataFrame) -> pd.DataFrame:
    """Per year: self-merge, then groupby.agg of the 3 × 3 counts and vectorised formulas."""
    out = []
    for year, v in votes.groupby("year"):
        m = v.merge(v, on="vote_id", suffixes=("_a", "_b"))
        m = m[m["iso3_a"] < m["iso3_b"]]
        d = (m["x_a"] - m["x_b"]).abs()
        m = m.assign(d=d, same=(d == 0), ay=(m["x_a"] == 1), aa=(m["x_a"] == 0.5),
                     by=(m["x_b"] == 1), ba=(m["x_b"] == 0.5))
        g = m.groupby(["iso3_a", "iso3_b"]).agg(
            n=("d", "size"), sd=("d", "sum"), same=("same", "sum"), ay=("ay", "sum"),
            aa=("aa", "sum"), by=("by", "sum"), ba=("ba", "sum"))
        n = g["n"]
        pe = (g["ay"] * g["by"] + g["aa"] * g["ba"]
              + (n - g["ay"] - g["aa"]) * (n - g["by"] - g["ba"])) / n**2
        g["agree"] = 1 - g["sd"] / n
        g["s"] = 1 - 2 * g["sd"] / n
        g["kappa"] = ((g["same"] / n - pe) / (1 - pe)).where(pe < 1)
        g["year"] = year
        out.append(g.reset_index()[["iso3_a", "iso3_b", "year", "n", "agree", "s", "kappa"]])
    return pd.concat(out, ignore_index=True)


def _check(ours: pd.DataFrame, theirs: pd.DataFrame, label: str) -> None:
    m = theirs.merge(ours, left_on=["iso3_a", "iso3_b", "year"], right_on=["a", "b", "period"],
                     suffixes=("_p", ""))
    assert len(m) == len(theirs), f"{label}: {len(theirs) - len(m)} dyad-years missing in bilat"
    for k in ("agree", "s", "kappa"):
        np.testing.assert_allclose(m[f"{k}_p"].to_numpy(float), m[k].to_numpy(float),
                                   rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=label + k)
    print(f"  check: {label} equals bilat on {len(m):,} dyad-years (agree, S, kappa)")


def main() -> None:
    """Build a store from the mirror, time bilat and the baselines, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", default=os.environ.get("BILAT_MIRROR",
                                                       str(REPO.parent / "shared" / "data")))
    ap.add_argument("--sample-years", type=int, default=3,
                    help="years the straightforward pandas version runs on (extrapolated)")
    ap.add_argument("--repeat", type=int, default=3, help="bilat runs (best is reported)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bilat-bench-") as tmp:
        store = open_store(Path(tmp) / "bench.duckdb")
        t = time.perf_counter()
        fetch_unvotes(mirror=args.mirror, store=store)
        print(f"ingest of the unvotes record (870,109 votes): {time.perf_counter() - t:.2f} s")

        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            ours = dyads(store, by="year")
            times.append(time.perf_counter() - t)
        t_bilat = min(times)
        n_dy = len(ours)
        print(f"bilat dyads(by='year'), full record: {n_dy:,} dyad-years, all 11 indices, "
              f"best of {args.repeat}: {t_bilat:.2f} s (runs: "
              + ", ".join(f"{x:.2f}" for x in times) + ")")

        votes = _votes_frame(store)
        t = time.perf_counter()
        vec = pandas_vectorised(votes)
        t_vec = time.perf_counter() - t
        print(f"pandas vectorised (merge + groupby.agg), full record: {len(vec):,} dyad-years, "
              f"agree/S/kappa: {t_vec:.2f} s")
        _check(ours, vec, "pandas vectorised")

        years = sorted(votes["year"].unique())
        step = max(1, len(years) // args.sample_years)
        sample = [int(y) for y in years[::step]][: args.sample_years]
        t = time.perf_counter()
        plain = pandas_straightforward(votes, sample)
        t_plain = time.perf_counter() - t
        per = t_plain / len(plain)
        t_plain_full = per * n_dy
        print(f"pandas straightforward (merge + groupby.apply) on years {sample}: "
              f"{len(plain):,} dyad-years in {t_plain:.2f} s = {per * 1e6:.1f} µs per "
              f"dyad-year; extrapolated to the full record: {t_plain_full:.1f} s")
        _check(ours, plain, "pandas straightforward")

        print(f"\nfull record on {os.cpu_count()} cores: bilat {t_bilat:.2f} s "
              f"(goal ≤ 10 s: {'met' if t_bilat <= 10 else 'NOT met'})")
        print(f"ratio vs pandas straightforward (extrapolated): {t_plain_full / t_bilat:.0f}× "
              f"(goal ≥ 20×: {'met' if t_plain_full / t_bilat >= 20 else 'NOT met'})")
        print(f"ratio vs pandas vectorised (measured): {t_vec / t_bilat:.1f}×")

        # the merged record: unvotes + the UN Digital Library scrape (one roll call once)
        t = time.perf_counter()
        fetch_undl_scrape(store, args.mirror)
        print(f"\ningest of the UN Digital Library scrape (897,662 state votes): "
              f"{time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        merged(store)
        t_merge = time.perf_counter() - t
        n_rc = store.con.execute("SELECT count(*) FROM _bilat_rollcalls").fetchall()[0][0]
        print(f"merge (link by record, symbol and tally; disagreements): {n_rc:,} roll calls "
              f"in {t_merge:.2f} s")
        t = time.perf_counter()
        both = dyads(store, by="year")
        print(f"bilat dyads(by='year') on the merged record (GA 1946–2021): {len(both):,} "
              f"dyad-years in {time.perf_counter() - t:.2f} s")
        store.close()


if __name__ == "__main__":
    main()
