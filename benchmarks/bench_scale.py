"""Scale benchmark (issue 15): dyad × month over generated GDELT events, event path vs the
dyad-day aggregate; ingest vs a plain DuckDB COPY vs pandas; Spark vs DuckDB; text scaling.

    python benchmarks/bench_scale.py                      # 10 M events (≈ 0.5 GiB of Parquet)
    python benchmarks/bench_scale.py --rows 100000000     # 100 M (≈ 5 GiB; state disk first)
    python benchmarks/bench_scale.py --rows 1000000 --ingest-rows 300000 --skip-spark

Events are generated from a seed straight to Parquet in the store's own part layout
(``<store>.data/gdelt/part-…/data_0.parquet``, every GDELT 2.0 column, zstd), ~2 M rows per
part like an ingest batch, with realistic distributions: actor countries Zipf-like over 60
CAMEO codes (≈ 35 % of actors without a country), primary actor types (≈ 45 % none, GOV
20 %, …), CAMEO roots weighted as in GDELT (verbal cooperation first), Goldstein fixed per
code, NumMentions geometric, AvgTone normal around −2, 55 % root events, dates at GDELT
2.0's density (~137,000 a day: 100 M ≈ two years). Each part is registered in one
transaction with its country-day volume (``gdelt_volume``) and its dyad-day sums
(:mod:`bilat.store.dyad_day`); that maintenance is timed. Every figure is printed with the
1-minute load average beside it; the temporary folder (size printed) is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bilat.indicators import events as ev  # noqa: E402
from bilat.sources import gdelt  # noqa: E402
from bilat.store import dyad_day, open_store  # noqa: E402

_ARROW = {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(),
          "TINYINT": pa.int8(), "VARCHAR": pa.string()}
COUNTRIES = ["USA", "CHN", "RUS", "GBR", "IND", "ISR", "FRA", "DEU", "IRN", "JPN", "PAK",
             "UKR", "TUR", "SYR", "AUS", "CAN", "PRK", "KOR", "AFG", "IRQ", "EGY", "NGA",
             "SAU", "BRA", "MEX", "ZAF", "ITA", "ESP", "PHL", "IDN", "BLR", "KEN", "VEN",
             "LBY", "YEM", "MYS", "THA", "VNM", "POL", "GRC", "QAT", "ARE", "LBN", "PSE",
             "CUB", "BGD", "LKA", "NZL", "IRL", "SWE", "NOR", "NLD", "BEL", "CHE", "AUT",
             "ARG", "CHL", "COL", "PER", "KAZ"]
TYPES = [None, "GOV", "MIL", "BUS", "MED", "CVL", "JUD", "LEG", "OPP", "EDU", "COP", "REB"]
TYPE_W = [45, 20, 5, 6, 6, 5, 3, 3, 2, 2, 2, 1]
ROOT_W = [10, 5, 6, 20, 8, 3, 3, 3, 2, 2, 5, 2, 3, 2, 1, 2, 8, 5, 8, 0.3]


def load() -> float:
    return os.getloadavg()[0]


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _dict(idx: np.ndarray, values: list) -> pa.Array:
    """A string column from indices into ``values`` (None → NULL)."""
    d = pa.array(values, pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(idx, pa.int32()), d).cast(pa.string())


def generate_part(n: int, first_id: int, rng: np.random.Generator, days: int,
                  lo: int = 0, hi: int | None = None) -> pa.Table:
    """``n`` GDELT 2.0 events in the store's column layout (see module docstring), dated on
    days ``lo``…``hi - 1`` of the ``days`` the store spans (default: all of them)."""
    zipf = 1.0 / np.arange(1, len(COUNTRIES) + 1) ** 1.1
    cw = np.concatenate([[0.35], 0.65 * zipf / zipf.sum()])
    cvals = [None, *COUNTRIES]
    roots = np.arange(1, 21)
    rw = np.array(ROOT_W) / sum(ROOT_W)
    tw = np.array(TYPE_W) / sum(TYPE_W)
    root = rng.choice(roots, n, p=rw)
    sub = rng.integers(0, 7, n)
    code_i = root * 10 + sub                                # e.g. 42 → '042'
    code_vals = [f"{i:03d}" for i in range(0, 210)]
    gold_table = np.round(np.random.default_rng(15).uniform(-10, 10, 210), 1)
    quad = np.select([root <= 5, root <= 9, root <= 14], [1, 2, 3], 4).astype(np.int32)
    start = date(2015, 3, 1)
    day = rng.integers(lo, days if hi is None else hi, n)
    sqldate_vals = np.array([int((start + timedelta(days=int(d))).strftime("%Y%m%d"))
                             for d in range(days)], dtype=np.int32)
    sqldate = sqldate_vals[day]
    cols: dict[str, pa.Array] = {}
    a1 = rng.choice(len(cvals), n, p=cw)
    a2 = rng.choice(len(cvals), n, p=cw)
    mentions = (rng.geometric(0.3, n)).astype(np.int32)
    for c in gdelt.STORE_COLUMNS:
        t = _ARROW[gdelt.column_type(c)]
        if c == "GLOBALEVENTID":
            cols[c] = pa.array(np.arange(first_id, first_id + n, dtype=np.int64))
        elif c == "SQLDATE":
            cols[c] = pa.array(sqldate)
        elif c == "MonthYear":
            cols[c] = pa.array((sqldate // 100).astype(np.int32))
        elif c == "Year":
            cols[c] = pa.array((sqldate // 10000).astype(np.int32))
        elif c == "FractionDate":
            cols[c] = pa.array(sqldate // 10000 + (sqldate // 100 % 100) / 12.0)
        elif c in ("Actor1CountryCode", "Actor1Code"):
            cols[c] = _dict(a1, cvals)
        elif c in ("Actor2CountryCode", "Actor2Code"):
            cols[c] = _dict(a2, cvals)
        elif c.endswith("Type1Code"):
            cols[c] = _dict(rng.choice(len(TYPES), n, p=tw), TYPES)
        elif c.endswith("Type2Code"):
            cols[c] = _dict(np.where(rng.random(n) < 0.1, rng.choice(len(TYPES), n, p=tw), 0),
                            TYPES)
        elif c == "IsRootEvent":
            cols[c] = pa.array((rng.random(n) < 0.55).astype(np.int32))
        elif c in ("EventCode", "EventBaseCode"):
            cols[c] = _dict(code_i, code_vals)
        elif c == "EventRootCode":
            cols[c] = _dict(root, [f"{i:02d}" for i in range(21)])
        elif c == "QuadClass":
            cols[c] = pa.array(quad)
        elif c == "GoldsteinScale":
            cols[c] = pa.array(gold_table[code_i])
        elif c in ("NumMentions", "NumArticles"):
            cols[c] = pa.array(mentions)
        elif c == "NumSources":
            cols[c] = pa.array(np.minimum(mentions, rng.geometric(0.5, n)).astype(np.int32))
        elif c == "AvgTone":
            cols[c] = pa.array(np.clip(rng.normal(-2, 3.5, n), -100, 100))
        elif c == "DATEADDED":
            cols[c] = pa.array(sqldate.astype(np.int64) * 1000000 + 120000)
        elif c == "gdelt_version":
            cols[c] = pa.array(np.full(n, 2, np.int8))
        elif c == "source_file":
            cols[c] = _dict(day, [f"{v}120000.export.CSV" for v in sqldate_vals])
        else:
            cols[c] = pa.nulls(n, t)
        if cols[c].type != t:
            cols[c] = cols[c].cast(t)
    return pa.table(cols)


def build_store(folder: Path, rows: int, part_rows: int, seed: int, days: int) -> tuple:
    """A store whose GDELT events are the generated parts; returns (store path, timings)."""
    path = folder / "scale.duckdb"
    st = open_store(path)
    gdelt._ensure_tables(st)
    rng = np.random.default_rng(seed)
    gen = reg = vol = agg = 0.0
    done, i = 0, 0
    parts_dir = st.data_dir / "gdelt"
    parts_dir.mkdir(parents=True, exist_ok=True)
    while done < rows:
        n = min(part_rows, rows - done)
        t0 = time.perf_counter()
        table = generate_part(n, 1_000_000_000 + done, rng, days)
        part = parts_dir / f"part-bench-{i:04d}"
        part.mkdir()
        pq.write_table(table, part / "data_0.parquet", compression="zstd", compression_level=1,
                       row_group_size=262144, store_schema=False)
        del table
        gen += time.perf_counter() - t0
        t1 = time.perf_counter()
        with st.transaction():
            st.con.execute("INSERT INTO gdelt_parts VALUES (?, ?, 1, now())", [part.name, n])
            t2 = time.perf_counter()
            gdelt._summarise(st.con, part)
            t3 = time.perf_counter()
            dyad_day.summarise_gdelt_part(st.con, part)
            t4 = time.perf_counter()
        reg += time.perf_counter() - t1
        vol += t3 - t2
        agg += t4 - t3
        done += n
        i += 1
        print(f"  part {i}: {done:,} rows (load {load():.1f})", file=sys.stderr)
    gdelt._create_view(st)
    st.close()
    return path, {"generate_write": gen, "register_total": reg, "volume_summary": vol,
                  "dyad_day": agg}


def build_sorted_store(folder: Path, rows: int, seed: int, days: int) -> tuple:
    """A store in the layout :func:`bilat.store.compact.compact` writes, generated directly
    (compacting 100 M rows would take longer than generating them): one part per month of
    SQLDATE, rows sorted by ``compact.SORT_KEY`` in row groups of ``compact.ROW_GROUP_ROWS``,
    registered in ``gdelt_part_layout``; volume and dyad-day sums at registration as above."""
    from bilat.store import compact

    path = folder / "scale.duckdb"
    st = open_store(path)
    gdelt._ensure_tables(st)
    st.con.execute(compact._LAYOUT)
    rng = np.random.default_rng(seed)
    start = date(2015, 3, 1)
    bounds: list[tuple[int, int, int]] = []  # (month YYYYMM, first day, end day)
    for d in range(days):
        day = start + timedelta(days=d)
        m = day.year * 100 + day.month
        if not bounds or bounds[-1][0] != m:
            bounds.append((m, d, d + 1))
        else:
            bounds[-1] = (m, bounds[-1][1], d + 1)
    gen = reg = vol = agg = 0.0
    done = 0
    parts_dir = st.data_dir / "gdelt"
    parts_dir.mkdir(parents=True, exist_ok=True)
    order = [(c, "ascending", "at_end") for c in compact.SORT_KEY]  # NULLs last, as DuckDB
    for i, (m, lo, hi) in enumerate(bounds):
        n = rows - done if i == len(bounds) - 1 else round(rows * (hi - lo) / days)
        t0 = time.perf_counter()
        table = generate_part(n, 1_000_000_000 + done, rng, days, lo, hi)
        table = table.take(pc.sort_indices(table, sort_keys=order))
        part = parts_dir / f"part-bench-m{m:06d}"
        part.mkdir()
        pq.write_table(table, part / "data_0.parquet", compression="zstd", compression_level=1,
                       row_group_size=compact.ROW_GROUP_ROWS, store_schema=False)
        del table
        gen += time.perf_counter() - t0
        t1 = time.perf_counter()
        with st.transaction():
            st.con.execute("INSERT INTO gdelt_parts VALUES (?, ?, 1, now())", [part.name, n])
            st.con.execute("INSERT INTO gdelt_part_layout VALUES (?, ?, ?, ?, 1, now())",
                           [part.name, m, ", ".join(compact.SORT_KEY), compact.ROW_GROUP_ROWS])
            t2 = time.perf_counter()
            gdelt._summarise(st.con, part)
            t3 = time.perf_counter()
            dyad_day.summarise_gdelt_part(st.con, part)
            t4 = time.perf_counter()
        reg += time.perf_counter() - t1
        vol += t3 - t2
        agg += t4 - t3
        done += n
        print(f"  month {m}: {done:,} rows (load {load():.1f})", file=sys.stderr)
    gdelt._create_view(st)
    st.close()
    return path, {"generate_write": gen, "register_total": reg, "volume_summary": vol,
                  "dyad_day": agg, "dyad-day rows sorted as compaction leaves them":
                  sort_layer(path)}


def sort_layer(path: Path) -> float:
    """Rewrite the GDELT rows of the dyad-day tables sorted by dyad and day in one insert, as
    :func:`bilat.store.compact.compact` leaves them (it re-inserts the rows it relabels in one
    sorted insert; ingest sorts each part's rows apart, so DuckDB's zone maps see one sorted
    run per part). Returns the seconds taken."""
    st = open_store(path)
    t = time.perf_counter()
    try:
        with st.transaction():
            for table, order in (("dyad_day", "actor1_code, actor2_code, sqldate"),
                                 ("dyad_day_totals", "actor1_code, actor2_code, sqldate"),
                                 ("dyad_day_volume", "country, sqldate")):
                st.con.execute(f"CREATE TEMP TABLE __s AS SELECT * FROM {table} "
                               f"WHERE source = 'gdelt' ORDER BY {order}")
                st.con.execute(f"DELETE FROM {table} WHERE source = 'gdelt'")
                st.con.execute(f"INSERT INTO {table} SELECT * FROM __s")
                st.con.execute("DROP TABLE __s")
        st.con.execute("CHECKPOINT")
    finally:
        st.close()
    return time.perf_counter() - t


def timed(fn, repeat: int = 5) -> tuple[float, float, object]:
    """(first call, median of ``repeat`` later calls, last result); the median CPU time of the
    later calls (this process, every thread) is kept in ``CPU[-1]``: under a load of 6-8 on
    2 cores the wall time is mostly waiting for a core, the CPU time is what the call costs."""
    t = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t
    times, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    CPU.append(statistics.median(cpu))
    return first, statistics.median(times), out


CPU: list[float] = []


def bench_queries(path: Path, rows: int) -> dict:
    st = open_store(path)
    res = {}
    try:
        q = ev.make_query("RUS", "CHN", period="month")
        os.environ["BILAT_DYAD_DAY"] = "0"
        f, m, e_df = timed(lambda: ev.indicators(st, "RUS", "CHN", period="month"))
        res["event path: indicators()"] = (f, m, load(), CPU[-1])
        f, m, _ = timed(lambda: ev.gdelt_indicators(st, "RUS", "CHN", period="month"))
        res["event path: gdelt_indicators() (no coverage)"] = (f, m, load(), CPU[-1])
        os.environ["BILAT_DYAD_DAY"] = "1"
        f, m, a_df = timed(lambda: ev.indicators(st, "RUS", "CHN", period="month"))
        res["aggregate: indicators()"] = (f, m, load(), CPU[-1])
        code = {"RUS": "RUS", "CHN": "CHN"}
        f, m, _ = timed(lambda: (dyad_day._cells(st, "gdelt", q, code),
                                 dyad_day._volumes(st, "gdelt", q, code)))
        res["aggregate: the two SQL reads alone"] = (f, m, load(), CPU[-1])
        qt = ev.make_query("RUS", "CHN", period="month", actor_type="GOV")
        f, m, _ = timed(lambda: ev.indicators(st, "RUS", "CHN", period="month",
                                              actor_type="GOV"))
        res["aggregate, --actor-type GOV (typed table)"] = (f, m, load(), CPU[-1])
        f, m, _ = timed(lambda: dyad_day._cells(st, "gdelt", qt, code))
        res["aggregate, --actor-type GOV: dyad read alone"] = (f, m, load(), CPU[-1])
        same = len(e_df) == len(a_df) and (e_df["events"].to_numpy()
                                           == a_df["events"].to_numpy()).all()
        res["_same"] = bool(same)
        res["_rows_dyad_day"] = st.con.execute("SELECT count(*) FROM dyad_day").fetchall()[0][0]
        res["_rows_totals"] = st.con.execute(
            "SELECT count(*) FROM dyad_day_totals").fetchall()[0][0]
        res["_rows_volume"] = st.con.execute(
            "SELECT count(*) FROM dyad_day_volume").fetchall()[0][0]
        res["_months"] = len(e_df) // 3
    finally:
        os.environ.pop("BILAT_DYAD_DAY", None)
        st.close()
    return res


def bench_spark(path: Path) -> dict:
    from bilat.store.spark import open_spark

    out = {}
    t = time.perf_counter()
    sp = open_spark(f"local[2]?store={path}")
    try:
        f, m, _ = timed(lambda: ev.gdelt_indicators(sp, "RUS", "CHN", period="month"), 1)
        out["spark local[2]: gdelt_indicators (first incl. session, then warm)"] = (
            time.perf_counter() - t, m, load())
    finally:
        sp.close()
    st = open_store(path)
    try:
        os.environ["BILAT_DYAD_DAY"] = "0"
        f, m, _ = timed(lambda: ev.gdelt_indicators(st, "RUS", "CHN", period="month"), 1)
        out["duckdb: gdelt_indicators, same events"] = (f, m, load(), CPU[-1])
    finally:
        os.environ.pop("BILAT_DYAD_DAY", None)
        st.close()
    return out


def bench_ingest(folder: Path, rows: int) -> dict:
    """bilat ingest (incl. volume and dyad-day maintenance) vs DuckDB COPY to Parquet vs pandas,
    the same files, 2 threads each, in one run."""
    import duckdb
    import pandas as pd

    from bench_events import _schema_sql, generate

    csv_dir = folder / "csv"
    files = generate(csv_dir, rows, 7, 250_000)
    size = sum(f.stat().st_size for f in files)
    out: dict = {"_csv_bytes": size, "_files": len(files)}
    # plain DuckDB COPY of the same files to Parquet (every column typed, same options)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    lst = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    t = time.perf_counter()
    con.execute(
        f"COPY (SELECT * FROM read_csv({lst}, columns={_schema_sql(gdelt.FIELDS_V2)}, "
        "delim='\\t', header=false, quote='', escape='', auto_detect=false)) TO "
        f"'{folder / 'copy.parquet'}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)")
    out["duckdb COPY csv→parquet"] = (time.perf_counter() - t, load())
    con.close()
    shutil.rmtree(folder / "copy.parquet", ignore_errors=True)
    (folder / "copy.parquet").unlink(missing_ok=True)
    # bilat ingest into a fresh store, then the dyad-day layer for its parts
    st = open_store(folder / "ingest.duckdb")
    st.con.execute("SET threads = 2")
    t = time.perf_counter()
    gdelt.ingest(st, files)
    t_ing = time.perf_counter() - t
    t = time.perf_counter()
    dyad_day.ensure(st, "gdelt")  # a no-op when the ingest hook already summarised
    t_agg = time.perf_counter() - t
    out["bilat ingest"] = (t_ing, load())
    out["dyad-day catch-up after ingest"] = (t_agg, load())
    st.close()
    # pandas: read_csv of every field, then to_parquet
    t = time.perf_counter()
    frames = [pd.read_csv(f, sep="\t", header=None, names=gdelt.FIELDS_V2, dtype=str,
                          quoting=3, keep_default_na=False) for f in files]
    pd.concat(frames, ignore_index=True).to_parquet(folder / "pandas.parquet")
    out["pandas read_csv → to_parquet"] = (time.perf_counter() - t, load())
    (folder / "pandas.parquet").unlink(missing_ok=True)
    shutil.rmtree(csv_dir, ignore_errors=True)
    return out


def bench_text(sizes: list[int]) -> dict:
    """compare_readouts on two English documents of N sentences each, built from the real
    English readouts (sentences cycled, each numbered so none repeats exactly)."""
    import re

    from bilat.text.documents import document_from_text
    from bilat.text.readouts import compare_readouts

    base = ROOT.parent / "shared" / "data" / "texts" / "readouts"
    usa = [s for p in sorted(base.glob("*/USA_en.txt"))
           for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8")) if len(s) > 40]
    rus = [s for p in sorted(base.glob("*/RUS_en.txt"))
           for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8")) if len(s) > 40]
    out = {}
    for n in sizes:
        a = " ".join(f"{usa[i % len(usa)]}" for i in range(n))
        b = " ".join(f"{rus[i % len(rus)]}" for i in range(n))
        da = document_from_text(a, side="USA", date="2021-12-07", language="en",
                                parties=("USA", "RUS"))
        db = document_from_text(b, side="RUS", date="2021-12-07", language="en",
                                parties=("USA", "RUS"))
        t = time.perf_counter()
        compare_readouts([da, db])
        out[f"compare_readouts, 2 × {n} sentences"] = (time.perf_counter() - t, load())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--part-rows", type=int, default=2_000_000)
    ap.add_argument("--days", type=int, default=None,
                    help="days the events spread over (default: GDELT 2.0's density, "
                    "~137,000 events a day, at least 60)")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--ingest-rows", type=int, default=1_000_000)
    ap.add_argument("--text", default="50,200,1000")
    ap.add_argument("--skip-spark", action="store_true")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--skip-text", action="store_true")
    ap.add_argument("--dir", default=None, help="work folder (default: a temp dir)")
    ap.add_argument("--keep", default=None, metavar="DIR",
                    help="generate the store into DIR and keep it (measure again with --reuse)")
    ap.add_argument("--reuse", default=None, metavar="DIR",
                    help="measure a store generated earlier with --keep DIR (no generation)")
    ap.add_argument("--layout", choices=("ingest", "sorted"), default="ingest",
                    help="ingest: parts in ingest order (2 M rows each, every date), then "
                    "compacted by bilat.store.compact in the run; sorted: generated straight "
                    "in the compacted layout (one part per month, sorted)")
    ap.add_argument("--compact", action="store_true",
                    help="after the queries, compact the parts (timed) and query again")
    ap.add_argument("--build-only", action="store_true",
                    help="generate (with --keep) and stop before the queries")
    args = ap.parse_args()
    if args.rows < 1 or args.part_rows < 1:
        ap.error("--rows and --part-rows must be positive")
    days = args.days or max(60, args.rows // 137_000)
    kept = args.keep or args.reuse
    if kept:
        folder = Path(kept)
        if args.keep:
            folder.mkdir(parents=True, exist_ok=False)
    else:
        folder = Path(tempfile.mkdtemp(prefix="bilat-scale-", dir=args.dir))
    print(f"work folder {folder}; free {shutil.disk_usage(folder).free / 2**30:.1f} GiB; "
          f"load {load():.1f}")
    try:
        t = time.perf_counter()
        if args.reuse:
            path = folder / "scale.duckdb"
        else:
            if args.layout == "sorted":
                path, build = build_sorted_store(folder, args.rows, args.seed, days)
            else:
                path, build = build_store(folder, args.rows, args.part_rows, args.seed, days)
            print(f"\n## {args.rows:,} generated events over {days} days "
                  f"({time.perf_counter() - t:.1f} s; "
                  f"disk {du(folder) / 2**20:,.0f} MiB, of which dyad-day/volume inside the "
                  f"DuckDB file {path.stat().st_size / 2**20:,.0f} MiB)")
            for k, v in build.items():
                print(f"  {k:<40} {v:8.2f} s   ({args.rows / max(v, 1e-9) / 1e6:.2f} M rows/s)")
            if args.build_only:
                return
        rounds = [("as stored", False)]
        if args.compact:
            rounds.append(("after bilat.store.compact.compact", True))
        for label, do_compact in rounds:
            if do_compact:
                from bilat.store import compact as C

                st = open_store(path)
                parts0 = st.con.execute("SELECT count(*) FROM gdelt_parts").fetchall()[0][0]
                t = time.perf_counter()
                rep = C.compact(st)
                took = time.perf_counter() - t
                st.close()
                print(f"\n## compaction: {parts0} parts → {rep.parts_after} "
                      f"({len(rep.written)} months), {rep.rows:,} rows, "
                      f"{rep.bytes_before / 2**20:,.0f} → {rep.bytes_after / 2**20:,.0f} MiB: "
                      f"{took:.1f} s = {rep.rows / took / 1e6:.2f} M rows/s (load {load():.1f})")
            st = open_store(path)
            lay = st.con.execute("SELECT count(*) FROM gdelt_parts").fetchall()[0][0]
            st.close()
            q = bench_queries(path, args.rows)
            print(f"\n## dyad × month, RUS–CHN, three directions ({q['_months']} months), "
                  f"parts {label} ({lay} parts); dyad_day rows {q['_rows_dyad_day']:,}, "
                  f"dyad_day_totals rows {q['_rows_totals']:,}, volume rows "
                  f"{q['_rows_volume']:,}; paths equal: {q['_same']}")
            for k, v in q.items():
                if not k.startswith("_"):
                    print(f"  {k:<48} first {v[0]:7.3f} s  median {v[1]:7.3f} s  "
                          f"cpu {v[3]:6.3f} s  (load {v[2]:.1f})")
        if not args.skip_spark:
            print("\n## Spark vs DuckDB, same events")
            for k, v in bench_spark(path).items():
                print(f"  {k:<70} {v[0]:7.2f} s  warm {v[1]:7.2f} s  (load {v[2]:.1f})")
        if not kept:
            shutil.rmtree(path.parent / (path.name + ".data"), ignore_errors=True)
            path.unlink(missing_ok=True)
        if not args.skip_ingest:
            r = bench_ingest(folder, args.ingest_rows)
            print(f"\n## ingest vs COPY vs pandas: {args.ingest_rows:,} rows, {r['_files']} "
                  f"files, {r['_csv_bytes'] / 2**20:,.0f} MiB of CSV, 2 threads")
            base = r["duckdb COPY csv→parquet"][0]
            for k, v in r.items():
                if not k.startswith("_"):
                    print(f"  {k:<36} {v[0]:7.2f} s  {args.ingest_rows / v[0] / 1e3:7.0f} k "
                          f"rows/s  COPY/this {base / v[0]:.2f}  (load {v[1]:.1f})")
        if not args.skip_text:
            print("\n## text scaling")
            for k, v in bench_text([int(x) for x in args.text.split(",")]).items():
                print(f"  {k:<40} {v[0]:7.2f} s  (load {v[1]:.1f})")
    finally:
        if kept:
            print(f"\nkept {folder} ({du(folder) / 2**20:,.0f} MiB): remove it when done")
        else:
            print(f"\nremoving {folder} ({du(folder) / 2**20:,.0f} MiB)")
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
