"""Benchmark: importing the CCTV 新闻联播 corpus, and a pair's contacts over all years.

In one run, on the mirror's two CCTV folders (``texts/xwlb`` Markdown, 2,480 day files, and
``texts/xwlb-2018-2019`` JSON, 730 day files: 3,210 in all):

1. **baseline**: read every day file and split it into items with plain ``str`` operations
   (what any import must at least do), no store;
2. **bilat import** (:func:`bilat.text.corpus.import_corpus`) into a fresh DuckDB file:
   parse, clean, hash, extract leader contacts, write documents + provenance + contacts in
   one transaction — the ratio to (1) is printed;
3. **re-import** of the same folders (idempotent: every file unchanged);
4. **contacts of a pair over all years** (:func:`bilat.text.contacts.contacts`, RUS–CHN and
   the reference RUS–BLR, by year and by month; median of 5 calls after the first) against a
   baseline ``SELECT count(*)`` over ``corpus_contacts`` on the same connection.

Targets of issue 14: import ≤ 120 s on 2 cores; contacts ≤ 1 s.

Run: ``.venv/bin/python benchmarks/bench_corpus.py [--mirror DIR] [--files N] [--store S]``
(``--files`` imports only the first N day files of each folder, for a quick check;
``--store`` times only the contacts query on a store that holds the corpora).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _baseline(paths: list[Path]) -> int:
    items = 0
    for p in paths:
        text = p.read_text(encoding="utf-8")
        items += text.count("\n### ") if p.suffix == ".md" else text.count('"video_id"')
    return items


def _timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return first, statistics.median(runs)


def _queries(store) -> None:  # type: ignore[no-untyped-def]
    from bilat.text.contacts import contacts

    _b_first, b_med = _timed(lambda: store.con.execute(
        "SELECT count(*) FROM corpus_contacts").fetchall())
    for by in ("year", "month"):
        first, med = _timed(lambda by=by: contacts(store, "RUS", "CHN", by=by, source="corpus",
                                                   refs=[("RUS", "BLR")]))
        print(f"contacts RUS-CHN + RUS-BLR by {by}: first {first * 1000:.0f} ms, "
              f"median {med * 1000:.0f} ms ({med / b_med:.0f}x a bare count(*) of "
              f"{b_med * 1000:.2f} ms; target ≤ 1 s: {'met' if med <= 1 else 'NOT met'})")


def main(argv: list[str] | None = None) -> int:
    from bilat.store import open_store
    from bilat.text.corpus import corpus_files, import_corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", default=os.environ.get("BILAT_MIRROR",
                                                       str(REPO.parent / "shared" / "data")))
    ap.add_argument("--files", type=int, default=None, help="first N day files per folder")
    ap.add_argument("--store", help="time only the contacts query on this imported store")
    args = ap.parse_args(argv)
    if args.store:
        store = open_store(args.store)
        _queries(store)
        store.close()
        return 0
    folders = [Path(args.mirror) / "texts" / "xwlb", Path(args.mirror) / "texts" /
               "xwlb-2018-2019"]
    paths: list[Path] = []
    for f in folders:
        files = corpus_files(f)[1]
        paths += files[: args.files] if args.files else files
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")

    t = time.perf_counter()
    n_items = _baseline(paths)
    base = time.perf_counter() - t
    print(f"baseline read + split: {len(paths):,} day files, {n_items:,} items, {base:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.duckdb")
        t = time.perf_counter()
        results = [import_corpus(store, f, progress=True, limit=args.files) for f in folders]
        imp = time.perf_counter() - t
        items = sum(r.items_added for r in results)
        found = sum(r.contacts_added for r in results)
        print(f"bilat import: {items:,} items, {found:,} contacts, {imp:.1f} s "
              f"({items / imp:,.0f} items/s; {imp / base:.1f}x the baseline read; "
              f"target ≤ 120 s: {'met' if imp <= 120 else 'NOT met'})")
        t = time.perf_counter()
        again = [import_corpus(store, f, progress=False, limit=args.files) for f in folders]
        print(f"re-import (idempotent): {sum(r.files_unchanged for r in again):,} files "
              f"unchanged, {sum(r.items_added for r in again)} items added, "
              f"{time.perf_counter() - t:.2f} s")

        _queries(store)
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
