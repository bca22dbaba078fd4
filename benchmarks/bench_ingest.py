"""Benchmark: bilat's GDELT ingest against a plain DuckDB COPY of the same files to Parquet.

Builds GDELT 2.0 export files from the real rows in ``../shared/data/gdelt`` (read in place)
with :func:`bench_events.generate`, then, in ONE run and alternating rounds (best of each):

1. ``COPY default``: DuckDB ``COPY (SELECT * FROM read_csv(every column typed)) TO parquet``
   with DuckDB's default settings (one file, snappy, insertion order kept), same threads;
2. ``COPY, bilat's writer``: the same COPY with the Parquet writer settings bilat's ingest
   uses (:data:`bilat.sources.gdelt.PARQUET_OPTIONS`, :data:`bilat.sources.gdelt.COPY_SETTINGS`),
   so the ingest's own overhead is shown apart from the cheaper writer;
3. ``bilat ingest``: :func:`bilat.sources.gdelt.ingest` into a fresh store — hashes, the domain
   checks, rejects with line numbers, identity dedupe, ``gdelt_volume`` and the dyad-day layer
   (:mod:`bilat.store.dyad_day`), all in its transaction — so the figure includes them;
4. ``COPY + dyad-day layer``: the COPY with bilat's writer (no checks, no hashes, no rejects,
   no dedupe) followed by the same dyad-day and volume maintenance the ingest does
   (:func:`bilat.store.dyad_day.stage_gdelt`, then ``gdelt_volume`` and the layer's tables
   written and committed in one transaction of a fresh store): the floor of any ingest that
   keeps the layer, so ``COPY default ÷ this`` is the best ratio reachable with it;
5. ``pandas``: ``read_csv`` of every field + ``to_parquet`` (``--pandas-rounds``, default 1);
6. ``pyarrow parse-once`` (``--arrow``): the design tried for item 3 and not adopted — each
   file parsed once by ``pyarrow.csv``, checked in Arrow compute, written by
   ``pyarrow.parquet``, the dyad-day sums taken over the in-memory table
   (:func:`arrow_pipeline`; a lower bound: no rejects, line naming or dedupe).

Prints wall seconds, process CPU seconds (all threads; steadier than wall on a shared
machine), rows/s, the ratios (ingest throughput / COPY throughput) and where the ingest's
time went (:data:`bilat.sources.gdelt.STAGE_TIMES`) in its best round, with load averages.

Usage: python benchmarks/bench_ingest.py [--rows 1000000] [--files 4] [--rounds 3]
       [--threads 2] [--workdir DIR] [--arrow]
An older checkout is measured the same way with ``PYTHONPATH=<its src>`` (its writer settings
are then taken as they were: zstd level 1, no DuckDB settings).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_events import _schema_sql, generate  # noqa: E402
from bilat.sources import gdelt  # noqa: E402
from bilat.store import dyad_day, open_store  # noqa: E402

_READ = "delim='\\t', header=false, quote='', escape='', auto_detect=false"
# An older checkout (PYTHONPATH=<its src>) lacks these: its writer settings then were these.
PARQUET_OPTIONS = getattr(gdelt, "PARQUET_OPTIONS", "(FORMAT parquet, COMPRESSION zstd, "
                          "COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 262144, PER_THREAD_OUTPUT true)")
COPY_SETTINGS = getattr(gdelt, "COPY_SETTINGS", ())


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size if path.exists() else 0


def _rm(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.unlink(missing_ok=True)


def copy_plain(files: list[Path], out: Path, threads: int, bilat_writer: bool) -> dict:
    """DuckDB COPY of the files to Parquet, every column typed (default or bilat's writer)."""
    _rm(out)
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    opts = "(FORMAT parquet)"
    if bilat_writer:
        for s in COPY_SETTINGS:
            con.execute(s)
        opts = PARQUET_OPTIONS
    lst = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    t, c = time.perf_counter(), _cpu()
    con.execute(f"COPY (SELECT * FROM read_csv({lst}, columns={_schema_sql(gdelt.FIELDS_V2)}, "
                f"{_READ})) TO '{out}' {opts}")
    res = {"wall": time.perf_counter() - t, "cpu": _cpu() - c, "load": os.getloadavg()[0],
           "bytes": _size(out)}
    con.close()
    _rm(out)
    return res


def copy_with_layer(files: list[Path], store_dir: Path, threads: int) -> dict:
    """The COPY with bilat's writer, then the dyad-day layer and ``gdelt_volume`` of that part
    written in one committed transaction of a fresh store: no checks, hashes, rejects or
    dedupe (the floor of an ingest that maintains the layer)."""
    _rm(store_dir)
    store_dir.mkdir(parents=True)
    st = open_store(store_dir / "floor.duckdb")
    con = st.con
    con.execute(f"SET threads = {threads}")
    for s in COPY_SETTINGS:
        con.execute(s)
    part = store_dir / "part"
    lst = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    t, c = time.perf_counter(), _cpu()
    con.execute(f"COPY (SELECT * EXCLUDE (filename), 2::TINYINT AS gdelt_version, "
                f"parse_filename(filename) AS source_file FROM read_csv({lst}, "
                f"columns={_schema_sql(gdelt.FIELDS_V2)}, {_READ}, filename=true)) "
                f"TO '{part}' {PARQUET_OPTIONS}")
    gdelt._ensure_tables(st)  # noqa: SLF001
    dyad_day.stage_gdelt(con, f"read_parquet('{part}/*.parquet')", part.name)
    with st.transaction():
        gdelt._summarise_staged(con, part.name, dyad_day.staged_gdelt_volume(part.name))  # noqa: SLF001
        dyad_day.store_gdelt_part(con, part.name)
    res = {"wall": time.perf_counter() - t, "cpu": _cpu() - c, "load": os.getloadavg()[0],
           "bytes": _size(store_dir)}
    st.close()
    _rm(store_dir)
    return res


def ingest(files: list[Path], store_dir: Path, threads: int) -> dict:
    """bilat's ingest into a fresh store (dyad-day layer on), with its stage times."""
    _rm(store_dir)
    store_dir.mkdir(parents=True)
    st = open_store(store_dir / "bench.duckdb")
    st.con.execute(f"SET threads = {threads}")
    gdelt.STAGE_TIMES = {}  # timed by bilat since the one-pass ingest (ignored before)
    t, c = time.perf_counter(), _cpu()
    report = gdelt.ingest(st, files)
    res = {"wall": time.perf_counter() - t, "cpu": _cpu() - c, "load": os.getloadavg()[0],
           "bytes": _size(store_dir), "stages": dict(gdelt.STAGE_TIMES or {}),
           "rows": report.rows}
    gdelt.STAGE_TIMES = None
    n_dd = st.con.execute("SELECT count(*) FROM dyad_day").fetchall()[0][0]
    assert n_dd > 0, "the dyad-day layer was not written"
    st.close()
    _rm(store_dir)
    return res


def arrow_pipeline(files: list[Path], store_dir: Path, threads: int) -> dict:
    """The design tried for issue 15 item 3 and not adopted (see benchmarks/README.md):
    every file parsed ONCE by ``pyarrow.csv`` into memory (integer columns as text, ``""``
    as NULL, no quoting, 61 GDELT 2.0 fields), strict integers checked in Arrow compute
    (ASCII digits, no leading zero, cast in range: every integer column's domain is
    non-negative, so a minus sign is out of the domain anyway), the :data:`gdelt.DOMAINS`
    ranges, NULLs and NaNs from ``min_max``/``is_nan`` over the columns, the date rules on
    the distinct (SQLDATE, DATEADDED) pairs, the part written by ``pyarrow.parquet`` (zstd
    level 1, row groups of 262,144, two files in two threads), the dyad-day and volume sums by
    DuckDB over the in-memory Arrow table (no Parquet read back), the SHA-256 in a thread,
    and the same transaction as the floor. No rejects, line naming or dedupe: a lower bound
    of an ingest built that way (a file failing a check would fall back to the strict path)."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    pa.set_cpu_count(threads)
    arrow_type = {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(),
                  "VARCHAR": pa.string()}
    fields = gdelt.FIELDS_V2
    strict = {c for c in fields if gdelt.column_type(c) in ("BIGINT", "INTEGER")}
    read_types = {c: pa.string() if c in strict else arrow_type[gdelt.column_type(c)]
                  for c in fields}
    _rm(store_dir)
    store_dir.mkdir(parents=True)
    st = open_store(store_dir / "arrow.duckdb")
    con = st.con
    con.execute(f"SET threads = {threads}")
    part = store_dir / "part"
    part.mkdir()
    t, c = time.perf_counter(), _cpu()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        hashes = [pool.submit(gdelt._digest, f) for f in files]  # noqa: SLF001
        tables = []
        for f in files:
            tab = pcsv.read_csv(f, read_options=pcsv.ReadOptions(column_names=fields,
                                                                 block_size=1 << 24),
                                parse_options=pcsv.ParseOptions(
                                    delimiter="\t", quote_char=False, escape_char=False,
                                    double_quote=False),
                                convert_options=pcsv.ConvertOptions(
                                    column_types=read_types, null_values=[""],
                                    strings_can_be_null=True))
            cols = []
            for name in fields:
                col = tab[name]
                if name in strict:
                    ok = pc.and_(pc.ascii_is_decimal(col), pc.or_(
                        pc.invert(pc.starts_with(col, "0")), pc.equal(pc.utf8_length(col), 1)))
                    assert pc.all(ok).as_py() is not False, f"{f}: {name} not strict"
                    col = pc.cast(col, arrow_type[gdelt.column_type(name)])
                cols.append(col)
            n = tab.num_rows
            cols.append(pa.array(np.full(n, 2, np.int8)))
            cols.append(pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)),
                                                       pa.array([f.name])).cast(pa.string()))
            tables.append(pa.Table.from_arrays(cols, names=gdelt.STORE_COLUMNS))
        batch = pa.concat_tables(tables)
        for name, (lo, hi, required) in gdelt.DOMAINS.items():
            col = batch[name]
            assert not (required and col.null_count), name
            mm = pc.min_max(col).as_py()
            assert mm["min"] is None or lo <= mm["min"] and mm["max"] <= hi, name
            if gdelt.column_type(name) == "DOUBLE":
                assert not pc.any(pc.is_nan(col)).as_py(), name
        con.register("__arrow_batch", batch)
        bad = con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT SQLDATE, DATEADDED FROM __arrow_batch) "
            f"WHERE {gdelt._bad_values_sql(gdelt._latest_added(), 2, dates_only=True)}"  # noqa: SLF001
        ).fetchall()[0][0]
        assert bad == 0
        half = batch.num_rows // 2
        list(pool.map(lambda i, sl: pq.write_table(
            sl, part / f"data_{i}.parquet", compression="zstd", compression_level=1,
            row_group_size=262144), [0, 1], [batch.slice(0, half), batch.slice(half)]))
        gdelt._ensure_tables(st)  # noqa: SLF001
        dyad_day.stage_gdelt(con, "__arrow_batch", part.name)
        for h in hashes:
            h.result()
    with st.transaction():
        gdelt._summarise_staged(con, part.name, dyad_day.staged_gdelt_volume(part.name))  # noqa: SLF001
        dyad_day.store_gdelt_part(con, part.name)
    res = {"wall": time.perf_counter() - t, "cpu": _cpu() - c, "load": os.getloadavg()[0],
           "bytes": _size(store_dir)}
    con.unregister("__arrow_batch")
    st.close()
    _rm(store_dir)
    return res


def pandas_copy(files: list[Path], out: Path) -> dict:
    """pandas ``read_csv`` of every field (as text), then ``to_parquet``."""
    import pandas as pd

    _rm(out)
    t, c = time.perf_counter(), _cpu()
    frames = [pd.read_csv(f, sep="\t", header=None, names=gdelt.FIELDS_V2, dtype=str,
                          quoting=3, keep_default_na=False) for f in files]
    pd.concat(frames, ignore_index=True).to_parquet(out)
    res = {"wall": time.perf_counter() - t, "cpu": _cpu() - c, "load": os.getloadavg()[0],
           "bytes": _size(out)}
    _rm(out)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=4, help="export files to spread the rows over")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pandas-rounds", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--arrow", action="store_true",
                    help="also time the pyarrow parse-once pipeline (not adopted; README)")
    ap.add_argument("--workdir", type=Path, default=None,
                    help="keep the generated files here (default: a temp folder, removed)")
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bilat-bench-ingest-"))
    csv_dir = work / "csv"
    files = sorted(csv_dir.glob("*.export.CSV")) if csv_dir.is_dir() else []
    n_rows = 0
    if files:
        con = duckdb.connect()
        n_rows = con.execute(f"SELECT count(*) FROM read_csv({[str(f) for f in files]}, "
                             f"columns={{'a': 'VARCHAR'}}, delim='\\x01', header=false, "
                             "quote='', escape='', auto_detect=false)").fetchall()[0][0]
        con.close()
    if n_rows != args.rows:
        _rm(csv_dir)
        files = generate(csv_dir, args.rows, args.seed, -(-args.rows // args.files))
    size = sum(f.stat().st_size for f in files)
    print(f"# {args.rows:,} GDELT 2.0 rows in {len(files)} files, {size / 2**20:.0f} MiB of CSV, "
          f"{args.threads} threads, DuckDB {duckdb.__version__}, {os.cpu_count()} cores; "
          f"load at start {os.getloadavg()[0]:.1f}")
    print(f"# bilat from {Path(gdelt.__file__).parents[2]}; its writer: {PARQUET_OPTIONS} "
          f"with {'; '.join(COPY_SETTINGS) or 'no settings'}")
    floor = hasattr(dyad_day, "stage_gdelt")  # an older checkout may lack the layer
    runs: dict[str, list[dict]] = {"COPY default": [], "COPY, bilat's writer": [],
                                   "COPY + dyad-day layer": [], "bilat ingest": [],
                                   "pyarrow parse-once": [], "pandas": []}
    try:
        for r in range(args.rounds):
            order = [("COPY default", lambda: copy_plain(files, work / "copy.parquet",
                                                         args.threads, False)),
                     ("bilat ingest", lambda: ingest(files, work / "store", args.threads)),
                     ("COPY, bilat's writer", lambda: copy_plain(files, work / "copyb.parquet",
                                                                  args.threads, True))]
            if floor:
                order.insert(2, ("COPY + dyad-day layer",
                                 lambda: copy_with_layer(files, work / "floor", args.threads)))
            if args.arrow:
                order.insert(2, ("pyarrow parse-once",
                                 lambda: arrow_pipeline(files, work / "arrow", args.threads)))
            if r % 2:
                order.reverse()
            if r < args.pandas_rounds:
                order.append(("pandas", lambda: pandas_copy(files, work / "pandas.parquet")))
            for name, fn in order:
                res = fn()
                runs[name].append(res)
                print(f"round {r + 1}: {name:22s} wall {res['wall']:7.2f} s  cpu "
                      f"{res['cpu']:7.2f} s  load {res['load']:.1f}", flush=True)
    finally:
        if args.workdir is None:
            _rm(work)
    best = {k: min(v, key=lambda x: x["wall"]) for k, v in runs.items() if v}
    best_cpu = {k: min(x["cpu"] for x in v) for k, v in runs.items() if v}
    med_cpu = {k: statistics.median(x["cpu"] for x in v) for k, v in runs.items() if v}
    print(f"\n## best of {args.rounds} rounds ({args.rows:,} rows)")
    base, baseb = best["COPY default"], best["COPY, bilat's writer"]
    cpu0, cpub = best_cpu["COPY default"], best_cpu["COPY, bilat's writer"]
    for k, v in best.items():
        print(f"{k:22s} {v['wall']:7.2f} s  {args.rows / v['wall']:>9,.0f} rows/s  "
              f"cpu {best_cpu[k]:6.2f} s  out {v['bytes'] / 2**20:6.1f} MiB  "
              f"x COPY default {base['wall'] / v['wall']:.2f} (cpu {cpu0 / best_cpu[k]:.2f})  "
              f"x COPY bilat's writer {baseb['wall'] / v['wall']:.2f} "
              f"(cpu {cpub / best_cpu[k]:.2f})  load {v['load']:.1f}")
    print("median process CPU: " + ", ".join(f"{k} {v:.2f} s" for k, v in med_cpu.items())
          + "; ingest × COPY default by median CPU "
          + f"{med_cpu['COPY default'] / med_cpu['bilat ingest']:.2f}")
    if "COPY + dyad-day layer" in best_cpu:
        fl = best_cpu["COPY + dyad-day layer"]
        print(f"the floor (COPY + dyad-day layer, no checks): × COPY default "
              f"{cpu0 / fl:.2f} by CPU; the ingest is {best_cpu['bilat ingest'] / fl:.2f}× the "
              f"floor's CPU ({best_cpu['bilat ingest'] - fl:.2f} s for the checks, hashes, "
              "rejects, dedupe)")
    ing = best["bilat ingest"]
    print(f"\n## where the ingest's time went (best round: {ing['wall']:.2f} s, "
          f"{ing['rows']:,} rows stored)")
    stages = {k: v for k, v in ing["stages"].items() if not k.endswith(" [cpu]")}
    for k, v in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"  {k:44s} wall {v:6.2f} s  cpu {ing['stages'].get(k + ' [cpu]', 0):6.2f} s")
    print(f"  {'(the rest: sniffing, bookkeeping)':44s} wall "
          f"{ing['wall'] - sum(stages.values()):6.2f} s")
    loads = os.getloadavg()
    print(f"# load average at end: {loads[0]:.1f} {loads[1]:.1f} {loads[2]:.1f}")


if __name__ == "__main__":
    main()
