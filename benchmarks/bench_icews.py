"""ICEWS: bilat ingest of the real daily files vs pandas reading them; the dyad × month query.

Reads the 167 real ICEWS daily files of ``../shared/data/icews/bkitej-daily-2018-2019`` in
place (``--files N`` takes the first N). In one run it times, in alternating rounds (best of
``--rounds``, so load from other processes hits both alike):

1. baseline: ``pandas.read_csv`` of every file (tab-separated, all fields as text, no
   checks, nothing stored);
2. ``bilat`` ingest into a fresh in-memory store (``bilat.sources.icews.ingest_icews``:
   header check, domain checks on every row, countries to ISO3, sectors to CAMEO actor types,
   leaders by term, one transaction per file with content hash and Event-ID identity);

then, on the stored events, the RUS–CHN dyad × month indicator query (with the RUS–BLR and
USA–GBR reference dyads, every direction, coverage and flags) against a baseline of one plain
DuckDB ``GROUP BY`` month × quad class over the same rows (median of ``--repeat`` calls).

    python benchmarks/bench_icews.py               # all 167 files
    python benchmarks/bench_icews.py --files 20 --rounds 1   # quick check
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pandas as pd

from bilat.indicators import events as ev
from bilat.sources.icews import ingest_icews
from bilat.store import open_store

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "icews" / \
    "bkitej-daily-2018-2019"


def read_pandas(files: list[Path]) -> int:
    n = 0
    for f in files:
        n += len(pd.read_csv(f, sep="\t", dtype=str, quoting=3, keep_default_na=False))
    return n


def ingest_bilat(files: list[Path]) -> tuple[int, float, object]:
    st = open_store(":memory:")
    t = time.perf_counter()
    res = ingest_icews(st, files, progress=False)
    return sum(r.rows_added for r in res), time.perf_counter() - t, st


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=0, help="first N files (0: all)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args()
    files = sorted(args.data.glob("*-icews-events.tab"))
    if args.files:
        files = files[:args.files]
    mb = sum(f.stat().st_size for f in files) / 2**20
    best_pd = best_bl = float("inf")
    st = None
    rows = 0
    for _ in range(args.rounds):
        t = time.perf_counter()
        rows_pd = read_pandas(files)
        best_pd = min(best_pd, time.perf_counter() - t)
        if st is not None:
            st.close()  # type: ignore[attr-defined]
        rows, took, st = ingest_bilat(files)
        best_bl = min(best_bl, took)
        assert rows == rows_pd, (rows, rows_pd)
    print(f"{len(files)} files, {mb:.1f} MiB, {rows:,} events")
    print(f"pandas read_csv (baseline)  {best_pd:7.2f} s  {rows / best_pd:12,.0f} rows/s")
    print(f"bilat ingest                {best_bl:7.2f} s  {rows / best_bl:12,.0f} rows/s  "
          f"ratio {best_bl / best_pd:.2f}x the baseline")

    refs = [("RUS", "BLR"), ("USA", "GBR")]
    t = time.perf_counter()
    df = ev.indicators(st, "RUS", "CHN", refs=refs, period="month", source="icews")
    first = time.perf_counter() - t
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ev.indicators(st, "RUS", "CHN", refs=refs, period="month", source="icews")
        times.append(time.perf_counter() - t)
    sql = ("SELECT date_trunc('month', event_date) m, quad_class, count(*) FROM icews_events "
           "WHERE (actor1_iso3 = 'RUS' AND actor2_iso3 = 'CHN') OR (actor1_iso3 = 'CHN' AND "
           "actor2_iso3 = 'RUS') GROUP BY ALL")
    base = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        st.con.execute(sql).fetchall()  # type: ignore[attr-defined]
        base.append(time.perf_counter() - t)
    q, b = statistics.median(times), statistics.median(base)
    print(f"dyad x month, 3 dyads, all directions, coverage ({len(df)} rows): first "
          f"{first:.3f} s, median {q:.3f} s")
    print(f"plain DuckDB GROUP BY month x quad, one dyad (baseline): median {b:.4f} s; "
          f"ratio {q / b:.1f}x")


if __name__ == "__main__":
    main()
