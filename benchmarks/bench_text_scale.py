"""Text at scale: readout comparison and statement lineage, blocked vs every pair scored.

Readouts (``compare_readouts``): two English documents of N sentences built as
``bench_scale.py`` builds them — the real USA and RUS English readouts of
``../shared/data/texts/readouts`` split into sentences (longer than 40 characters) and cycled
until N, joined into one paragraph (``--paragraph K`` starts a paragraph every K sentences
instead). For each N: claim extraction (cold), the comparison with the claims already extracted
(``_claims_of`` remembers them) with blocking (:mod:`bilat.text.blocking`): first call (the
claims' comparison tokens and register topics not yet remembered) and again; then with every
pair scored (``BILAT_EXHAUSTIVE``), the ratio of the second blocked call to it, and whether every
label, counterpart and score is the same; "cold" is extraction plus the first call (what a
fresh comparison of two new documents costs). Blocking is forced at every size here (below
``MIN_PAIRS`` pairs ``compare_readouts`` scores every pair).

Lineage (``LineageModel.fit``): a series of S statements (default 15) of C sentences each
(default 100), one sentence a paragraph, built from the real Kremlin English press releases
of ``../shared/data/texts/kremlin-en-2021-2022``: the first statement takes C sentences, each
later one carries the last 70 % of the previous statement and adds new sentences, so the
series has reaffirmed, new and dropped claims. Claims are extracted once (timed apart), then
the series is fitted with blocking and with every pair scored (their comparison tokens, computed
once per claim text and remembered, are counted with the extraction). Each lineage run is a
fresh process (``--repeat`` runs, one row each), so "cold" includes the first use of every
pattern and table even after the readout rows; imports, the lexicon and the sentence pool are
loaded first, outside the figures.

Wall and CPU seconds of this process; the load average is printed with every figure (the
machine is shared). Usage::

    python benchmarks/bench_text_scale.py [--sizes 50,200,1000] [--statements 15]
        [--claims 100] [--repeat 3] [--paragraph K] [--skip-exhaustive-above N]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("BILAT_MIRROR") or ROOT.parent / "shared" / "data")


def load() -> str:
    """The 1-minute load average."""
    return f"{os.getloadavg()[0]:.1f}"


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall seconds, CPU seconds of this process)."""
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def readout_sentences(side: str) -> list[str]:
    """Sentences of the real English readouts of one side, as bench_scale.py splits them."""
    base = DATA / "texts" / "readouts"
    return [s for p in sorted(base.glob(f"*/{side}_en.txt"))
            for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8")) if len(s) > 40]


def build(sentences: list[str], n: int, paragraph: int) -> str:
    """N sentences cycled from ``sentences``; one paragraph, or a new one every K."""
    picked = [sentences[i % len(sentences)] for i in range(n)]
    if paragraph <= 0:
        return " ".join(picked)
    return "\n\n".join(" ".join(picked[k:k + paragraph]) for k in range(0, n, paragraph))


def bench_compare(sizes: list[int], paragraph: int, exhaustive_above: int) -> None:
    from bilat.text import blocking
    from bilat.text.documents import document_from_text
    from bilat.text.lexicon import load_lexicon
    from bilat.text.readouts import _claims_of, compare_readouts

    usa, rus = readout_sentences("USA"), readout_sentences("RUS")
    lex = load_lexicon()
    scored: list[Any] = []
    real = blocking.readout_scores

    def counting(*args: Any, **kw: Any) -> Any:
        out = real(*args, **kw)
        scored.append(out)
        return out

    blocking.readout_scores = counting  # type: ignore[assignment]
    blocking._FORCED = False  # blocking at every size
    print(f"## compare_readouts: 2 × N English sentences "
          f"({'one paragraph' if paragraph <= 0 else f'a paragraph every {paragraph}'})")
    print("N | claims | extraction s wall/CPU | blocked, 1st call s wall/CPU | "
          "cold (extraction + 1st call) s wall/CPU | "
          "blocked s wall/CPU | pairs scored | every pair s wall/CPU | ratio | same result | load")
    for n in sizes:
        da = document_from_text(build(usa, n, paragraph), side="USA", date="2021-12-07",
                                language="en", parties=("USA", "RUS"))
        db = document_from_text(build(rus, n, paragraph), side="RUS", date="2021-12-07",
                                language="en", parties=("USA", "RUS"))
        claims, ext_w, ext_c = timed(lambda: [_claims_of(d, lex) for d in (da, db)])  # noqa: B023
        scored.clear()
        _, cw, cc = timed(lambda: compare_readouts([da, db], lexicon=lex))  # noqa: B023
        done = sum(s.computed for s in scored)
        fast, fw, fc = timed(lambda: compare_readouts([da, db], lexicon=lex))  # noqa: B023
        pairs = len(claims[0]) * len(claims[1])
        if n <= exhaustive_above:
            with blocking.exhaustive_mode():
                slow, sw, sc = timed(lambda: compare_readouts([da, db], lexicon=lex))  # noqa: B023
            same = [r.to_dict() for r in fast.results] == [r.to_dict() for r in slow.results]
            tail = f"{sw:.2f} / {sc:.2f} | {sw / fw:.1f}× | {'yes' if same else 'NO'}"
        else:
            tail = "– | – | –"
        print(f"{n} | {len(claims[0])} + {len(claims[1])} | {ext_w:.2f} / {ext_c:.2f} | "
              f"{cw:.2f} / {cc:.2f} | "
              f"{ext_w + cw:.2f} / {ext_c + cc:.2f} | "
              f"{fw:.2f} / {fc:.2f} | "
              f"{done:,} of {pairs:,} | {tail} | {load()}")
        sys.stdout.flush()
    blocking.readout_scores = real  # type: ignore[assignment]
    blocking._FORCED = None


def kremlin_sentences() -> list[str]:
    """Sentences (60–300 characters, each once) of the Kremlin's English press releases."""
    path = DATA / "texts" / "kremlin-en-2021-2022" / "press_release_data" / "putin.csv"
    csv.field_size_limit(10_000_000)
    seen: set[str] = set()
    out: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for s in re.split(r"(?<=[.!?])\s+", row.get("body") or ""):
                s = " ".join(s.split())
                if 60 <= len(s) <= 300 and s not in seen and s[0].isupper():
                    seen.add(s)
                    out.append(s)
    return out


def bench_lineage(statements: int, claims: int, *, header: bool = True) -> None:
    from bilat.text import blocking
    from bilat.text.blocking import _tokens
    from bilat.text.claims import extract_claims
    from bilat.text.documents import document_from_text
    from bilat.text.lexicon import load_lexicon
    from bilat.text.lineage import LineageModel

    pool = kremlin_sentences()
    lex = load_lexicon()
    keep = int(claims * 0.7)
    texts: list[list[str]] = [pool[:claims]]
    at = claims
    for _ in range(1, statements):
        add = claims - keep
        texts.append(texts[-1][-keep:] + pool[at:at + add])
        at += add
    docs = [document_from_text("\n\n".join(t), side="JOINT", date=f"{2000 + k}-07-16",
                               language="en", parties=("CHN", "RUS"), kind="statement")
            for k, t in enumerate(texts)]
    def extract() -> dict[str, Any]:
        out = {d.doc_id: extract_claims(d, lex) for d in docs}
        for cs in out.values():  # comparison tokens, remembered per claim text
            for c in cs:
                _tokens(c.text, c.language or "en")
        return out

    found, ew, ec = timed(extract)

    def cached(doc: Any) -> Any:
        return found[doc.doc_id]

    n_claims = sum(len(v) for v in found.values())
    fast, fw, fc = timed(lambda: LineageModel(lexicon=lex, claims=cached).fit(docs))
    with blocking.exhaustive_mode():
        slow, sw, sc = timed(lambda: LineageModel(lexicon=lex, claims=cached).fit(docs))
    same = all(a == b for a, b in zip(fast.lineages_, slow.lineages_, strict=True))
    labels: dict[str, int] = {}
    for st in fast.lineages_:
        for cl in st.claims:
            labels[cl.label] = labels.get(cl.label, 0) + 1
    if header:
        lineage_header(statements, claims)
    print(f"{n_claims:,} | {ew:.2f} / {ec:.2f} | {fw:.2f} / {fc:.2f} | "
          f"{ew + fw:.2f} / {ec + fc:.2f} | {sw:.2f} / {sc:.2f} | {sw / fw:.1f}× | "
          f"{'yes' if same else 'NO'} | {labels} | {load()}")
    sys.stdout.flush()


def lineage_header(statements: int, claims: int) -> None:
    """The title and column names of the lineage rows."""
    print(f"\n## lineage: {statements} statements × {claims} sentences (each row a fresh "
          "process)")
    print("claims | extraction s wall/CPU | blocked fit s wall/CPU | "
          "cold (extraction + fit) s wall/CPU | every pair s wall/CPU | ratio | same result | "
          "labels | load")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,200,1000")
    ap.add_argument("--paragraph", type=int, default=0,
                    help="start a paragraph every K sentences (0: one paragraph)")
    ap.add_argument("--skip-exhaustive-above", type=int, default=1000)
    ap.add_argument("--statements", type=int, default=15)
    ap.add_argument("--claims", type=int, default=100)
    ap.add_argument("--skip-compare", action="store_true")
    ap.add_argument("--skip-lineage", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="lineage runs (fresh processes)")
    ap.add_argument("--lineage-row", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    from bilat.text.lexicon import load_lexicon

    if args.lineage_row:  # one lineage run in this fresh process (started below)
        load_lexicon()
        bench_lineage(args.statements, args.claims, header=False)
        return
    print(f"# bench_text_scale: {os.cpu_count()} CPUs, load average {load()}")
    if not args.skip_compare:
        load_lexicon()  # loaded once per process, not part of any figure
        bench_compare([int(x) for x in args.sizes.split(",")], args.paragraph,
                      args.skip_exhaustive_above)
    if not args.skip_lineage:
        lineage_header(args.statements, args.claims)
        for _ in range(args.repeat):
            subprocess.run([sys.executable, __file__, "--lineage-row", "--statements",
                            str(args.statements), "--claims", str(args.claims)], check=True)


if __name__ == "__main__":
    main()
