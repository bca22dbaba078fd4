"""Evaluate bilat's readout comparison on the labelled pairs in evaluation/readouts/pairs/.

For every pair file (format: READOUT_EVAL_FORMAT.md) the two documents are built with
``document_from_text`` (side, issuer, date and language from the file), compared with
``compare_readouts`` in the default mode, and each gold label is mapped to the predicted claim
that contains its quote (the claim overlapping the quote most). Printed: per-label precision,
recall and F1 over all pairs, for English pairs alone and per language, a confusion table, and
the timing of a typical pair (median wall time of compare_readouts per pair, claims extraction
included, after one warm-up run).

Scoring: labels are scored exactly as written (strict), so a gold ``one_sided`` predicted as
``unconfirmed_attribution`` counts against both. A second line, ``unmatched``, merges the two
(no counterpart in the other readout, attributed or not) to show how much of the error is the
attribution decision rather than the alignment.

The default thresholds were tuned on these same pairs, so the figures above are in-sample.
``--cv`` gives the honest figure: leave-one-pair-out cross-validation, where for each pair the
thresholds (shared, divergent, competition) are chosen on all other pairs of its language by
one-sided F1 and then applied to the held-out pair.

Usage: python evaluation/eval_readouts.py [PAIRS_DIR] [--aligner lexical|features|embeddings]
       [--show-errors] [--cv]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from bilat.text.documents import document_from_text
from bilat.text.readouts import LABELS, Comparison, compare_readouts
from bilat.text.segment import sentences

HERE = Path(__file__).resolve().parent


def load_pair(path: Path) -> tuple[dict, list]:
    """The pair JSON and its documents as bilat Documents."""
    data = json.loads(path.read_text(encoding="utf-8"))
    docs = [
        document_from_text(
            d["text"], side=d.get("side"), issuer=d.get("issuer"), date=d.get("date"),
            title=d.get("title"), language=d.get("language"), source_url=f"{path.name}#{i}",
        )
        for i, d in enumerate(data["documents"])
    ]
    return data, docs


def predicted_for(cmp: Comparison, doc_id: str, start: int, end: int) -> str | None:
    """Label of the claim of ``doc_id`` that overlaps [start, end) most."""
    best, best_overlap = None, 0
    for r in cmp.results:
        c = r.claim
        if c.doc_id != doc_id:
            continue
        overlap = min(end, c.end) - max(start, c.start)
        if overlap > best_overlap:
            best, best_overlap = r.label, overlap
    return best


def prf(pairs: list[tuple[str, str]], label: str) -> tuple[float, float, float, int]:
    """Precision, recall, F1 and support of ``label`` over (gold, predicted) pairs."""
    tp = sum(1 for g, p in pairs if g == label and p == label)
    fp = sum(1 for g, p in pairs if g != label and p == label)
    fn = sum(1 for g, p in pairs if g == label and p != label)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, tp + fn


def report(title: str, pairs: list[tuple[str, str]]) -> None:
    """Print the per-label table for one subset."""
    print(f"\n{title}  ({len(pairs)} labelled claims)")
    print(f"  {'label':<26}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}")
    for label in LABELS:
        p, r, f, n = prf(pairs, label)
        print(f"  {label:<26}{p:7.3f}{r:7.3f}{f:7.3f}{n:6d}")
    merged = [(_merge(g), _merge(p)) for g, p in pairs]
    p, r, f, n = prf(merged, "unmatched")
    print(f"  {'unmatched (merged)':<26}{p:7.3f}{r:7.3f}{f:7.3f}{n:6d}")
    acc = sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0
    print(f"  accuracy {acc:.3f}")


def _merge(label: str) -> str:
    return "unmatched" if label in ("one_sided", "unconfirmed_attribution") else label


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pairs", nargs="?", default=str(HERE / "readouts" / "pairs"))
    ap.add_argument("--aligner", default="auto")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--cv", action="store_true", help="leave-one-pair-out threshold tuning")
    args = ap.parse_args(argv)
    files = sorted(Path(args.pairs).glob("*.json"))
    if not files:
        print(f"no pair files in {args.pairs}", file=sys.stderr)
        return 1
    by_lang: dict[str, list[tuple[str, str]]] = defaultdict(list)
    everything: list[tuple[str, str]] = []
    times: list[float] = []
    sizes: list[int] = []
    confusion: Counter[tuple[str, str]] = Counter()
    loaded = [(f, *load_pair(f)) for f in files]
    # warm-up: lexicon, segmenter and regex compilation happen once per process
    compare_readouts(loaded[0][2], aligner=args.aligner, force=True)
    for f, data, docs in loaded:
        t0 = time.perf_counter()
        cmp = compare_readouts(docs, aligner=args.aligner)
        times.append(time.perf_counter() - t0)
        sizes.append(sum(len(cs) for cs in cmp.claims.values()))
        lang = data.get("language", "?")
        for lab in data["labels"]:
            doc = docs[lab["doc"]]
            start = doc.text.find(lab["quote"])
            if start < 0:
                print(f"{f.name}: quote not found: {lab['quote'][:60]!r}", file=sys.stderr)
                continue
            pred = predicted_for(cmp, doc.doc_id, start, start + len(lab["quote"])) or "none"
            pair = (lab["label"], pred)
            by_lang[lang].append(pair)
            everything.append(pair)
            confusion[pair] += 1
            if args.show_errors and pair[0] != pair[1]:
                print(f"{f.name} doc{lab['doc']} gold={pair[0]} pred={pair[1]}: "
                      f"{lab['quote'][:110]}")
    print(f"pairs: {len(files)} ({', '.join(f'{k}: {len(set_)}' for k, set_ in _count(loaded))})")
    report("ALL pairs", everything)
    if "en" in by_lang:
        report("English pairs", by_lang["en"])
    for lang in sorted(k for k in by_lang if k != "en"):
        report(f"{lang} pairs", by_lang[lang])
    print("\nconfusion (gold -> predicted)")
    for g in LABELS:
        row = "  ".join(f"{p[:9]}={confusion[(g, p)]}" for p in LABELS)
        print(f"  {g:<26}{row}")
    med = statistics.median(times)
    print(f"\ntiming: median {med * 1000:.0f} ms per pair (max {max(times) * 1000:.0f} ms), "
          f"median {statistics.median(sizes)} claims per pair, aligner={args.aligner}")
    typical_pair_timing(loaded, args.aligner)
    if args.cv:
        cross_validate(loaded, args.aligner)
    return 0


def typical_pair_timing(loaded: list, aligner: str) -> None:
    """Time a pair of two ~40-sentence readouts: documents of same-side pairs joined."""
    by_side: dict[str, list[str]] = defaultdict(list)
    for _, data, docs in loaded:
        if data.get("language") != "en":
            continue
        for d in docs:
            by_side[d.side or "?"].append(d.text)
    sides = sorted(by_side, key=lambda k: -len(by_side[k]))[:2]
    texts = []
    for side in sides:
        parts, n = [], 0
        for t in by_side[side]:
            parts.append(t)
            n += len(sentences(t, "en"))
            if n >= 40:
                break
        texts.append("\n\n".join(parts))
    docs = [document_from_text(t, side=s, language="en") for t, s in zip(texts, sides,
                                                                         strict=True)]
    n_sent = [len(sentences(d.text, "en")) for d in docs]
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        compare_readouts(docs, aligner=aligner, force=True)
        runs.append(time.perf_counter() - t0)
    print(f"typical pair: {n_sent[0]} + {n_sent[1]} sentences, median "
          f"{statistics.median(runs) * 1000:.0f} ms over 5 runs (claims extraction included)")


def cross_validate(loaded: list, aligner: str) -> None:
    """Leave-one-pair-out: thresholds chosen on the other pairs of the language, then applied."""
    import itertools

    import bilat.text.readouts as readouts_mod
    from bilat.text.claims import extract_claims

    cache: dict[str, list] = {}
    real = readouts_mod.extract_claims

    def cached(doc, lexicon=None):  # type: ignore[no-untyped-def]
        if doc.doc_id not in cache:
            cache[doc.doc_id] = extract_claims(doc, lexicon)
        return cache[doc.doc_id]

    grid = list(itertools.product((0.25, 0.30, 0.35, 0.40), (0.15, 0.20, 0.25),
                                  (1.0, 2.0, 4.0)))
    readouts_mod.extract_claims = cached
    try:
        for lang in sorted({d.get("language", "?") for _, d, _ in loaded}):
            subset = [(data, docs) for _, data, docs in loaded if data.get("language") == lang]
            if len(subset) < 3:
                continue
            preds: dict[tuple, list[list[tuple[str, str]]]] = {}
            for ts, td, comp in grid:
                per = []
                for data, docs in subset:
                    cmp = compare_readouts(docs, aligner=aligner, shared_threshold=ts,
                                           divergent_threshold=td, competition=comp)
                    per.append(_gold_pred(cmp, data, docs))
                preds[(ts, td, comp)] = per
            held: list[tuple[str, str]] = []
            for k in range(len(subset)):
                best = max(preds, key=lambda c, k=k: prf(
                    [x for i, p in enumerate(preds[c]) if i != k for x in p], "one_sided")[2])
                held.extend(preds[best][k])
            report(f"{lang} pairs, leave-one-pair-out cross-validation", held)
    finally:
        readouts_mod.extract_claims = real


def _gold_pred(cmp: Comparison, data: dict, docs: list) -> list[tuple[str, str]]:
    out = []
    for lab in data["labels"]:
        doc = docs[lab["doc"]]
        start = doc.text.find(lab["quote"])
        if start >= 0:
            out.append((lab["label"], predicted_for(cmp, doc.doc_id, start,
                                                    start + len(lab["quote"])) or "none"))
    return out


def _count(loaded: list) -> list[tuple[str, list]]:
    out: dict[str, list] = defaultdict(list)
    for f, data, _ in loaded:
        out[data.get("language", "?")].append(f)
    return sorted(out.items())


if __name__ == "__main__":
    sys.exit(main())
