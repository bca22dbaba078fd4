"""A small bounded load against the app on loopback: 20 concurrent clients, 200 requests, 0 errors.

Timing is not asserted (benchmarks/bench_web.py reports it); only that every request of the
page mix is answered 200 while 20 clients hit the server at once, and that the run stops.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import duckdb

REPO = Path(__file__).resolve().parents[2]


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_web", REPO / "benchmarks" /
                                                  "bench_web.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_twenty_clients_two_hundred_requests_no_error(server: Any, web_store: Path) -> None:
    import httpx

    bench = _bench()
    con = duckdb.connect(str(web_store), read_only=True)
    try:
        rows = con.execute("SELECT doc_id, kind FROM documents ORDER BY side, date").fetchall()
    finally:
        con.close()
    urls = bench.page_urls([d for d, k in rows if k == "readout"],
                           [d for d, k in rows if k == "statement"], "2010-2019")
    with httpx.Client(base_url=server.url, timeout=600) as c:  # first views compute
        for u in urls:
            assert c.get(u).status_code == 200, u
    res = bench.run_load(server.url, urls, clients=20, requests=200, timeout=120)
    assert res["errors"] == []
    assert sum(len(v) for v in res["latency"].values()) == 200
    s = bench.summarise(res)
    assert s["errors"] == 0 and s["median_ms"] > 0
