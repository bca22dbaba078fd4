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
5. ``pandas``: ``read_csv`` of every field + ``to_parquet`` (``--pandas-rounds``, default 1).

Prints wall seconds, process CPU seconds (all threads; steadier than wall on a shared
machine), rows/s, the ratios (ingest throughput / COPY throughput) and where the ingest's
time went (:data:`bilat.sources.gdelt.STAGE_TIMES`) in its best round, with load averages.

Usage: python benchmarks/bench_ingest.py [--rows 1000000] [--files 4] [--rounds 3]
       [--threads 2] [--workdir DIR]
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
                                   "pandas": []}
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
