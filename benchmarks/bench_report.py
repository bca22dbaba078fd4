"""Speed of the partnership report: `bilat.assess.report` for RUS–CHN with two yardsticks.

Builds a store from the mirror (UN votes and the genuine readout pairs; or reuses --store), then
times, in the same process:

- baseline: the pillars' own public calls the report is built from (``votes.affinity`` by
  year for the pair and its two yardsticks, ``votes.dyads`` for the percentile,
  ``votes.affinity_votes``, and ``compare_readouts`` on every stored RUS–CHN readout pair);
- the whole report (every pillar, words against deeds, ACH with sensitivity and milestones);
- writing the page (index.html with inlined Vega, report.json, per-pillar files).

Goal (issue 9): the whole report ≤ 30 s after the store is built.
Usage: python benchmarks/bench_report.py [--mirror ../shared/data] [--store PATH] [--repeat 2]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--store", default=None)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()

    from bilat.assess import report
    from bilat.assess.evidence import readout_pairs_of
    from bilat.indicators import votes
    from bilat.report.report_html import save_report
    from bilat.sources.readout_pairs import fetch_readout_pairs
    from bilat.sources.unvotes import fetch_unvotes
    from bilat.store import open_store
    from bilat.text.readouts import compare_readouts

    tmp = tempfile.TemporaryDirectory()
    path = args.store or str(Path(tmp.name) / "bench.duckdb")
    st = open_store(path)
    t = time.perf_counter()
    if not st.has_table("un_votes"):
        fetch_unvotes(args.mirror, st)
    fetch_readout_pairs(st, args.mirror)
    print(f"store built in {time.perf_counter() - t:.1f} s ({path})")

    def baseline() -> None:
        votes.affinity(st, "RUS", "CHN", years="1992-2020", by="year",
                       ref=["RUS-BLR", "USA-GBR"])
        votes.dyads(st, years="1992-2020", by="period")
        votes.affinity_votes(st, "RUS", "CHN", years="1992-2020")
        for ids in readout_pairs_of(st, "RUS", "CHN")[0]:
            compare_readouts(ids, store=st, force=True)

    base, whole, page = [], [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        baseline()
        base.append(time.perf_counter() - t)
        t = time.perf_counter()
        rep = report(st, "RUS", "CHN")
        whole.append(time.perf_counter() - t)
        t = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            save_report(rep, out)
        page.append(time.perf_counter() - t)
    b, w, p = (statistics.median(x) for x in (base, whole, page))
    print(f"baseline (the pillars' own calls): {b:6.2f} s")
    print(f"whole report (RUS–CHN, 2 yardsticks): {w:6.2f} s  = {w / b:.2f} × baseline")
    print(f"writing the page and files:          {p:6.2f} s")
    print("per part (last run): " + ", ".join(f"{k} {v:.2f} s" for k, v in rep.seconds.items()))
    print(f"goal ≤ 30 s for the report: {'met' if w + p <= 30 else 'NOT met'} ({w + p:.1f} s)")
    st.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
