"""Benchmark: the web app (``bilat serve``) under a bounded load on loopback.

Serves the app in-process (uvicorn in a thread, a free 127.0.0.1 port) over a store, warms
each page once (the first view computes it; later views are served from the app's result
cache — the store cannot change under a read-only server), then sends ``--requests``
requests from ``--clients`` concurrent clients (each its own keep-alive HTTP connection),
cycling through the pages below, and stops by itself when all are answered. Reports errors
(any status other than 200, or a failed request), median, 95th percentile and maximum
latency, throughput, per-page medians, and the ratio of page latency to the baseline measured
in the same run: the static stylesheet, served by Starlette without touching the store.

The store: ``--store PATH`` (an existing bilat store), else one built like the web tests'
(UN votes 2010-2019 from the mirror, its GDELT exports, the test readouts and statements).

Run: ``.venv/bin/python benchmarks/bench_web.py [--clients 20] [--requests 2000]
[--store PATH] [--mirror ../shared/data]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by the nearest-rank method."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


def run_load(base: str, urls: Sequence[str], *, clients: int = 20, requests: int = 2000,
             timeout: float = 120.0) -> dict[str, Any]:
    """Send ``requests`` GETs over ``clients`` threads (round-robin over ``urls``).

    Returns ``{"errors": [...], "latency": {url: [seconds…]}, "seconds": wall time}``; stops
    when every request is answered (or has failed) — never runs unbounded.
    """
    import httpx

    lock = threading.Lock()
    state = {"next": 0}
    latency: dict[str, list[float]] = {u: [] for u in urls}
    errors: list[str] = []

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=timeout) as client:
            while True:
                with lock:
                    i = state["next"]
                    if i >= requests:
                        return
                    state["next"] = i + 1
                url = urls[i % len(urls)]
                t = time.perf_counter()
                try:
                    r = client.get(url)
                    ok = r.status_code == 200 and len(r.content) > 0
                    why = f"{url}: HTTP {r.status_code}"
                except httpx.HTTPError as exc:
                    ok, why = False, f"{url}: {type(exc).__name__}: {exc}"
                dt = time.perf_counter() - t
                with lock:
                    latency[url].append(dt)
                    if not ok:
                        errors.append(why)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, name=f"client-{k}") for k in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"errors": errors, "latency": latency, "seconds": time.perf_counter() - t0,
            "requests": requests, "clients": clients}


def page_urls(docs: Sequence[str], statements: Sequence[str], years: str) -> list[str]:
    """The page mix of the load test (every page kind, with its parameters)."""
    pair = f"/pair?a=RUS&b=CHN&refs=USA-GBR&years={years}"
    first = years.split("-")[0]
    urls = ["/", pair, f"/votes?a=RUS&b=CHN&years={first}",
            f"/votes/divergent?a=RUS&b=CHN&years={years}",
            "/events?a=RUS&b=CHN&at=2014&period=year&direction=undirected",
            "/documents", "/compare", "/lineage",
            f"/votes?a=RUS&b=CHN&years={first}&format=csv&table=votes",
            "/static/bilat.css"]
    if len(docs) >= 2:
        urls.append(f"/readouts?doc={docs[0]}&doc={docs[1]}")
        urls.append(f"/documents/{docs[0]}?start=0&end=40")
    if len(statements) >= 2:
        urls.append("/lineage?" + "&".join(f"doc={d}" for d in statements))
    return urls


def summarise(result: dict[str, Any], baseline: str = "/static/bilat.css") -> dict[str, Any]:
    """Median, p95, max latency (ms), throughput, per-page medians, ratio to the baseline."""
    every = [x for xs in result["latency"].values() for x in xs]
    pages = [x for u, xs in result["latency"].items() if u != baseline for x in xs]
    base = result["latency"].get(baseline) or [float("nan")]
    med_base = statistics.median(base)
    return {
        "requests": result["requests"], "clients": result["clients"],
        "errors": len(result["errors"]), "seconds": result["seconds"],
        "throughput": result["requests"] / result["seconds"],
        "median_ms": 1000 * statistics.median(every), "p95_ms": 1000 * percentile(every, 95),
        "max_ms": 1000 * max(every),
        "pages_median_ms": 1000 * statistics.median(pages),
        "pages_p95_ms": 1000 * percentile(pages, 95),
        "baseline_median_ms": 1000 * med_base,
        "ratio_pages_to_baseline": statistics.median(pages) / med_base,
        "per_page_median_ms": {u: 1000 * statistics.median(xs)
                               for u, xs in result["latency"].items() if xs},
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--store", type=Path, default=None)
    ap.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "data")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO))
    import duckdb
    import httpx

    from bilat.web.server import ServerThread

    tmp = None
    store = args.store
    years = "2010-2019"
    if store is None:
        from tests.web.conftest import build_store

        tmp = tempfile.TemporaryDirectory(prefix="bilat-bench-web-")
        t = time.perf_counter()
        store = build_store(Path(tmp.name) / "web.duckdb", args.mirror.resolve())
        print(f"store built in {time.perf_counter() - t:.1f} s: {store}")
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute("SELECT doc_id, kind FROM documents ORDER BY side, date").fetchall()
    except duckdb.Error:
        rows = []
    finally:
        con.close()
    docs = [d for d, k in rows if k == "readout"]
    statements = [d for d, k in rows if k == "statement"]
    urls = page_urls(docs, statements, years)
    with ServerThread(store) as srv:
        t = time.perf_counter()
        with httpx.Client(base_url=srv.url, timeout=600) as c:
            for u in urls:
                r = c.get(u)
                if r.status_code != 200:
                    print(f"warm-up: {u} answered {r.status_code}")
        print(f"warm-up (first view of {len(urls)} pages, computed): "
              f"{time.perf_counter() - t:.1f} s")
        res = run_load(srv.url, urls, clients=args.clients, requests=args.requests)
    s = summarise(res)
    print(f"{s['requests']} requests, {s['clients']} concurrent clients, {len(urls)} pages: "
          f"{s['errors']} errors in {s['seconds']:.1f} s ({s['throughput']:.0f} requests/s)")
    print(f"latency, all requests: median {s['median_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms, "
          f"max {s['max_ms']:.1f} ms")
    print(f"pages (store-backed, cached): median {s['pages_median_ms']:.1f} ms, p95 "
          f"{s['pages_p95_ms']:.1f} ms; baseline static file median "
          f"{s['baseline_median_ms']:.1f} ms; ratio {s['ratio_pages_to_baseline']:.1f}×")
    for u, ms in sorted(s["per_page_median_ms"].items(), key=lambda kv: -kv[1]):
        print(f"  {ms:8.1f} ms  {u}")
    for e in res["errors"][:10]:
        print("error:", e)
    if tmp is not None:
        tmp.cleanup()
    return 1 if s["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
