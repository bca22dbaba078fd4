"""Benchmark: GDELT ingest and the dyad × month query against DuckDB's raw read and pandas.

Builds a large GDELT 2.0 event set from the real rows in ``../shared/data/gdelt`` (read in
place): the 7,396 real 2.0 rows are replicated with shifted GLOBALEVENTIDs and dates (spread
over ten years) and, per replica, the actor country codes rotated among the 20 most frequent
countries, so every pair of them (RUS–CHN included) has events while codes, tones, mentions,
names and URLs keep GDELT's real distributions. Files are written as 2.0 export files
(``YYYYMMDDHHMMSS.export.CSV``, 61 fields, tab-separated). Then, in one run, it times:

1. baseline: DuckDB's own read of the same files with an explicit schema (every column parsed);
2. ``bilat`` ingest into a fresh store (rows/s, ratio to 1);
3. the dyad × month indicator query (RUS–CHN, all directions) over the stored events: first
   call (includes compiling the Ibis expression) and later calls (the store's fast path:
   denominators from the per-day volume summary kept at ingest), and the portable expression
   (the form compiled for BigQuery/Spark, denominators from the events) run on DuckDB;
4. the analysts' path today: pandas ``read_csv`` of all 61 fields (as gdeltPyR does) and a
   pandas groupby, on a subset (``--pandas-rows``), scaled per row to the full size.

Usage: python benchmarks/bench_events.py --rows 10000000 [--seed 7] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from bilat.indicators import events as ev
from bilat.sources import gdelt
from bilat.store import open_store

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BILAT_MIRROR") or REPO.parent / "shared" / "data")


def _schema_sql(fields: list[str]) -> str:
    return "{" + ", ".join(f"'{c}': '{gdelt.column_type(c)}'" for c in fields) + "}"


def generate(out: Path, rows: int, seed: int, rows_per_file: int) -> list[Path]:
    """Write ``rows`` GDELT 2.0 rows as export files built from the real rows (see module doc)."""
    real = sorted((SHARED / "gdelt").glob("*.export.CSV"))
    con = duckdb.connect()
    cols_all_varchar = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in gdelt.FIELDS_V2) + "}"
    files_sql = "[" + ", ".join(f"'{p}'" for p in real) + "]"
    con.execute(
        f"CREATE TABLE tpl AS SELECT row_number() OVER () - 1 AS tid, * FROM read_csv("
        f"{files_sql}, columns={cols_all_varchar}, delim='\\t', header=false, quote='', "
        "escape='', auto_detect=false)")
    n_tpl = con.execute("SELECT count(*) FROM tpl").fetchone()[0]
    top = [r[0] for r in con.execute(
        "SELECT c, count(*) n FROM (SELECT Actor1CountryCode c FROM tpl UNION ALL "
        "SELECT Actor2CountryCode FROM tpl) WHERE c IS NOT NULL GROUP BY c "
        "ORDER BY n DESC, c LIMIT 20").fetchall()]
    for must in ("RUS", "CHN", "BLR", "USA", "GBR"):
        if must not in top:
            top[-1 - ("RUS", "CHN", "BLR", "USA", "GBR").index(must)] = must
    con.execute("CREATE TABLE top2 (c VARCHAR, i INTEGER)")
    con.executemany("INSERT INTO top2 VALUES (?, ?)", [[c, i] for i, c in enumerate(top)])
    # rotation: country i of the top list becomes country (i + shift) % 20 in a replica
    replicas = -(-rows // n_tpl)
    per_file = max(1, rows_per_file // n_tpl)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    written = 0
    cols = []
    for c in gdelt.FIELDS_V2:
        if c == "GLOBALEVENTID":
            cols.append(f"(2000000000 + r * {n_tpl} + tid)::VARCHAR")
        elif c == "SQLDATE":
            cols.append("strftime(d, '%Y%m%d')")
        elif c == "MonthYear":
            cols.append("strftime(d, '%Y%m')")
        elif c == "Year":
            cols.append("strftime(d, '%Y')")
        elif c == "FractionDate":
            cols.append("round(year(d) + (dayofyear(d) - 1) / 365.0, 4)::VARCHAR")
        elif c in ("Actor1CountryCode", "Actor2CountryCode"):
            cols.append(f"coalesce(m{c[5]}.c2, t.{c})")
        elif c in ("Actor1Code", "Actor2Code"):
            n = c[5]
            cols.append(f"CASE WHEN m{n}.c2 IS NOT NULL AND starts_with(t.{c}, "
                        f"t.Actor{n}CountryCode) THEN m{n}.c2 || substr(t.{c}, 4) ELSE t.{c} END")
        elif c == "DATEADDED":
            cols.append("strftime(d, '%Y%m%d') || '120000'")
        else:
            cols.append(f"t.{c}")
    select = ", ".join(cols)
    rot = ("SELECT a.c AS c1, b.c AS c2, s AS shift FROM top2 a, top2 b, range(20) s "
           "WHERE b.i = (a.i + s) % 20")
    con.execute(f"CREATE TABLE rot AS {rot}")
    r0 = 0
    stamp = pd.Timestamp("2015-02-19 00:00")
    while r0 < replicas:
        r1 = min(replicas, r0 + per_file)
        name = f"{stamp:%Y%m%d%H%M%S}.export.CSV"
        stamp += pd.Timedelta(minutes=15)
        limit = rows - written
        path = out / name
        con.execute(
            f"""COPY (
              WITH x AS (
                SELECT t.*, r, DATE '2015-01-01' + ((r * 11 + t.tid % 29) % 3650)::INTEGER AS d,
                       (r * 7 + {seed}) % 20 AS shift
                FROM tpl t, range({r0}, {r1}) AS g(r)
              )
              SELECT {select}
              FROM x AS t
              LEFT JOIN rot m1 ON m1.c1 = t.Actor1CountryCode AND m1.shift = t.shift
              LEFT JOIN rot m2 ON m2.c1 = t.Actor2CountryCode AND m2.shift = t.shift
              ORDER BY t.r, t.tid
              LIMIT {limit}
            ) TO '{path}' (FORMAT csv, DELIMITER '\\t', HEADER false, QUOTE '', ESCAPE '')"""
        )
        written += min(limit, (r1 - r0) * n_tpl)
        paths.append(path)
        r0 = r1
        if written >= rows:
            break
    con.close()
    return paths


def bench_raw(files: list[Path]) -> tuple[float, int]:
    """DuckDB's own read with an explicit schema, parsing every column (baseline)."""
    con = duckdb.connect()
    files_sql = "[" + ", ".join(f"'{p}'" for p in files) + "]"
    t = time.perf_counter()
    n = con.execute(
        f"SELECT count(*), max(COLUMNS(* EXCLUDE (SOURCEURL))), max(length(SOURCEURL)) "
        f"FROM read_csv({files_sql}, columns={_schema_sql(gdelt.FIELDS_V2)}, delim='\\t', "
        "header=false, quote='', escape='', auto_detect=false)").fetchone()[0]
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed, n


def pandas_path(files: list[Path], max_rows: int) -> tuple[float, float, float, int]:
    """gdeltPyR-style: read_csv of all 61 fields, then a dyad × month groupby in pandas."""
    t = time.perf_counter()
    frames, n = [], 0
    for p in files:
        frames.append(pd.read_csv(p, sep="\t", header=None, names=gdelt.FIELDS_V2,
                                  dtype={"EventCode": str, "EventBaseCode": str,
                                         "EventRootCode": str}, low_memory=False))
        n += len(frames[-1])
        if n >= max_rows:
            break
    df = pd.concat(frames, ignore_index=True)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    pair = df[df["Actor1CountryCode"].isin(["RUS", "CHN"])
              & df["Actor2CountryCode"].isin(["RUS", "CHN"])
              & (df["Actor1CountryCode"] != df["Actor2CountryCode"])]
    pair = pair.assign(month=pair["SQLDATE"] // 100)
    out = pair.groupby(["Actor1CountryCode", "Actor2CountryCode", "month"]).agg(
        events=("GLOBALEVENTID", "size"),
        verbal_coop=("QuadClass", lambda s: (s == 1).sum()),
        material_coop=("QuadClass", lambda s: (s == 2).sum()),
        verbal_conflict=("QuadClass", lambda s: (s == 3).sum()),
        material_conflict=("QuadClass", lambda s: (s == 4).sum()),
        goldstein=("GoldsteinScale", "mean"), tone=("AvgTone", "mean"))
    t_group = time.perf_counter() - t
    del df, frames, pair, out
    gc.collect()
    return t_read, t_group, t_read + t_group, n


def compare(files: list[Path], rows: int, work: Path, rounds: int = 2) -> None:
    """Raw read, ingest and the pandas path on the same subset, alternated ``rounds`` times
    (best of each kept), so that load from other processes hits all three alike."""
    subset, n = [], 0
    for p in files:
        subset.append(p)
        n += sum(1 for _ in p.open("rb"))
        if n >= rows:
            break
    best: dict[str, float] = {}
    for r in range(rounds):
        raw_s, _ = bench_raw(subset)
        path = work / f"compare-{r}.duckdb"
        with open_store(path) as st:
            t = time.perf_counter()
            gdelt.ingest(st, subset)
            ingest_s = time.perf_counter() - t
            t = time.perf_counter()
            ev.indicators(st, "RUS", "CHN", period="month")
            first_s = time.perf_counter() - t
            t = time.perf_counter()
            ev.indicators(st, "RUS", "CHN", period="month")
            later_s = time.perf_counter() - t
        _, _, pandas_s, _ = pandas_path(subset, n)
        for k, v in (("raw", raw_s), ("ingest", ingest_s), ("first", first_s),
                     ("later", later_s), ("pandas", pandas_s)):
            best[k] = min(best.get(k, v), v)
    print(f"[5] same subset of {n:,} rows, {rounds} alternating rounds, best of each: raw read "
          f"{n / best['raw']:,.0f} rows/s, ingest {n / best['ingest']:,.0f} rows/s "
          f"({best['raw'] / best['ingest']:.2f}x raw), pandas path {n / best['pandas']:,.0f} "
          f"rows/s; pandas / (ingest + first query) "
          f"{best['pandas'] / (best['ingest'] + best['first']):.2f}x, pandas / later query "
          f"{best['pandas'] / best['later']:.0f}x, DuckDB raw read / pandas "
          f"{best['pandas'] / best['raw']:.2f}x")


def main() -> None:
    """Parse options, build the data, time the four paths and print rows/s and ratios."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="events to generate")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rows-per-file", type=int, default=50_000)
    ap.add_argument("--pandas-rows", type=int, default=1_000_000,
                    help="rows for the pandas path (scaled per row to --rows)")
    ap.add_argument("--workdir", type=Path, default=None, help="keep files here (default: temp)")
    ap.add_argument("--repeat", type=int, default=5, help="later query repetitions")
    ap.add_argument("--compare-rows", type=int, default=1_000_000,
                    help="rows for the alternating same-conditions comparison (0: skip)")
    args = ap.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bilat-bench-"))
    data = work / "gdelt"
    try:
        t = time.perf_counter()
        files = generate(data, args.rows, args.seed, args.rows_per_file)
        size = sum(p.stat().st_size for p in files)
        print(f"generated {args.rows:,} GDELT 2.0 rows in {len(files)} files "
              f"({size / 2**30:.2f} GiB) in {time.perf_counter() - t:.1f} s")

        raw_s, raw_n = bench_raw(files)
        print(f"[1] DuckDB raw read, explicit schema: {raw_s:.2f} s, {raw_n / raw_s:,.0f} rows/s")

        store_path = work / "bench.duckdb"
        gdelt_store = open_store(store_path)
        t = time.perf_counter()
        report = gdelt.ingest(gdelt_store, files)
        ingest_s = time.perf_counter() - t
        assert report.rows == raw_n, (report.rows, raw_n)
        print(f"[2] bilat ingest: {ingest_s:.2f} s, {report.rows / ingest_s:,.0f} rows/s "
              f"= {raw_s / ingest_s:.2f}x DuckDB raw read (goal >= 0.5x)")

        t = time.perf_counter()
        first = ev.indicators(gdelt_store, "RUS", "CHN", period="month")
        first_s = time.perf_counter() - t
        later = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            again = ev.indicators(gdelt_store, "RUS", "CHN", period="month")
            later.append(time.perf_counter() - t)
        later_s = statistics.median(later)
        ref = ev.indicators(gdelt_store, "RUS", "CHN", refs=[("RUS", "BLR"), ("USA", "GBR")],
                            period="month")
        t = time.perf_counter()
        ev.indicators(gdelt_store, "RUS", "CHN", refs=[("RUS", "BLR"), ("USA", "GBR")],
                      period="month")
        three_s = time.perf_counter() - t
        assert first["events"].tolist() == again["events"].tolist()
        # the portable expression (the one compiled for BigQuery/Spark), run here on DuckDB
        q = ev.make_query("RUS", "CHN", period="month")
        portable_sql = ev.compiled_sql(q, "duckdb")
        portable = []
        for _ in range(3):
            t = time.perf_counter()
            ev._run(gdelt_store, portable_sql)
            portable.append(time.perf_counter() - t)
        print(f"[3] dyad x month query over {report.rows:,} stored events "
              f"({len(first)} rows out, {int(first['events'].sum()):,} dyad events): first "
              f"{first_s * 1000:.0f} ms (incl. Ibis compile), later median {later_s * 1000:.0f} ms"
              f"; three dyads side by side {three_s * 1000:.0f} ms ({len(ref)} rows); the "
              f"portable expression (BigQuery/Spark form, no volume summary) "
              f"{statistics.median(portable) * 1000:.0f} ms")
        gdelt_store.close()

        p_read, p_group, p_total, p_n = pandas_path(files, args.pandas_rows)
        scale = raw_n / p_n
        est = p_total * scale
        print(f"[4] pandas path on {p_n:,} rows: read_csv {p_read:.2f} s + groupby "
              f"{p_group:.2f} s = {p_total / p_n * 1e6:.2f} s per million rows; scaled to "
              f"{raw_n:,} rows: {est:.1f} s"
              + ("" if p_n >= raw_n else " (measured on a subset, scaled per row)"))
        print("ratios:")
        print(f"  ingest / DuckDB raw read speed       {raw_s / ingest_s:6.2f}x (goal >= 0.5x)")
        print(f"  dyad x month over {raw_n / 1e6:.0f} M, later query  {later_s:6.3f} s "
              "(goal < 1 s)")
        print(f"  pandas path / (ingest + first query) {est / (ingest_s + first_s):6.1f}x "
              "(goal >= 5x)")
        print(f"  pandas path / later query            {est / later_s:6.0f}x (goal >= 100x)")
        print(f"  pandas groupby alone / later query   {p_group * scale / later_s:6.1f}x "
              "(in-memory DataFrame already loaded)")
        if args.compare_rows:
            compare(files, args.compare_rows, work)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"peak memory (max RSS) {peak:.2f} GiB")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
