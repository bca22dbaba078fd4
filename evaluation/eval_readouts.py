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

``--genuine`` scores the genuine pairs of ``evaluation/readouts/genuine/pairs`` (labels only;
the texts are read in place from the data mirror, ``$BILAT_MIRROR`` or ``../shared/data``) by
language pair (zh↔en, ru↔zh, en↔en), with the speaker (side) of each labelled unit scored too,
and prints the imitation set's figures beside them. With ``--cv`` the genuine figure is
leave-one-pair-out over all genuine pairs: thresholds (shared — one for pairs of one language,
one for pairs of two, chosen apart since round 4 —, divergent, competition and the attribution
threshold of attributed claims, :data:`GENUINE_GRID`) chosen on the other pairs by
the mean of unconfirmed-attribution F1, one-sided F1 and shared precision, applied to the
held-out pair. ``evaluation/readouts/genuine/dump_errors.py`` writes every wrong unit of that run.

Usage: python evaluation/eval_readouts.py [PAIRS_DIR] [--aligner lexical|features|embeddings]
       [--show-errors] [--cv] [--genuine]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from bilat.text.documents import document_from_text
from bilat.text.readouts import LABELS, Comparison, compare_readouts
from bilat.text.segment import sentences

HERE = Path(__file__).resolve().parent
GENUINE = HERE / "readouts" / "genuine" / "pairs"


def mirror_texts() -> Path:
    """The readouts folder of the data mirror (``$BILAT_MIRROR`` or ``../shared/data``)."""
    base = os.environ.get("BILAT_MIRROR") or str(HERE.parents[1] / "shared" / "data")
    return Path(base) / "texts" / "readouts"


def load_genuine(path: Path) -> tuple[dict, list]:
    """A genuine pair's labels and its documents (texts read from the mirror)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    event = data["pair_id"]
    when = event[:10]
    docs = []
    for d in data["documents"]:
        text = (mirror_texts() / d["file"]).read_text(encoding="utf-8")
        docs.append(document_from_text(
            text, side=d["side"], language=d["language"], date=when, event=event,
            source_url=f"texts/readouts/{d['file']}"))
        d["text"] = text
    langs = sorted({d["language"] for d in data["documents"]}, key=lambda x: (x != "zh", x))
    data["language"] = "↔".join(langs) if len(langs) > 1 else f"{langs[0]}↔{langs[0]}"
    return data, docs


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


def _speaker_of(cmp: Comparison, doc_id: str, start: int, end: int) -> str:
    """Side of the claim overlapping [start, end) most, in the labels' terms (NARR = issuer)."""
    best, best_overlap = "NARR", 0
    for r in cmp.results:
        c = r.claim
        if c.doc_id != doc_id:
            continue
        overlap = min(end, c.end) - max(start, c.start)
        if overlap > best_overlap:
            best_overlap = overlap
            best = (c.speaker_side or "NARR") if c.attributed else "NARR"
    return best


#: CPU seconds of each compare_readouts call of the last score_set (load-independent).
CPU_TIMES: list[float] = []


def score_set(loaded: list, aligner: str, show_errors: bool = False,
              **kw: object) -> tuple[dict, list, Counter, list, list]:
    """(gold/pred pairs by language, all pairs, confusion, times, speaker pairs)."""
    by_lang: dict[str, list[tuple[str, str]]] = defaultdict(list)
    everything: list[tuple[str, str]] = []
    times: list[float] = []
    confusion: Counter[tuple[str, str]] = Counter()
    speakers: list[tuple[str, str]] = []
    for f, data, docs in loaded:
        t0, c0 = time.perf_counter(), time.process_time()
        cmp = compare_readouts(docs, aligner=aligner, **kw)  # type: ignore[arg-type]
        times.append(time.perf_counter() - t0)
        CPU_TIMES.append(time.process_time() - c0)
        lang = data.get("language", "?")
        for lab in data["labels"]:
            doc = docs[lab["doc"]]
            start = doc.text.find(lab["quote"])
            if start < 0:
                print(f"{f.name}: quote not found: {lab['quote'][:60]!r}", file=sys.stderr)
                continue
            end = start + len(lab["quote"])
            pred = predicted_for(cmp, doc.doc_id, start, end) or "none"
            pair = (lab["label"], pred)
            by_lang[lang].append(pair)
            everything.append(pair)
            confusion[pair] += 1
            if "speaker" in lab:
                own = doc.side
                gold_sp = lab["speaker"]
                pred_sp = _speaker_of(cmp, doc.doc_id, start, end)
                # the issuer's own side named as speaker and the narrator both mean "own side"
                g = "OWN" if gold_sp in ("NARR", own) else gold_sp
                p_ = "OWN" if pred_sp in ("NARR", own) else pred_sp
                speakers.append((g, p_))
            if show_errors and pair[0] != pair[1]:
                print(f"{f.name} {lab.get('unit', '')} doc{lab['doc']} gold={pair[0]} "
                      f"pred={pair[1]}: {lab['quote'][:110]}")
    return by_lang, everything, confusion, times, speakers


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pairs", nargs="?", default=None)
    ap.add_argument("--aligner", default="auto")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--cv", action="store_true", help="leave-one-pair-out threshold tuning")
    ap.add_argument("--genuine", action="store_true",
                    help="score the genuine pairs (texts from the data mirror)")
    args = ap.parse_args(argv)
    if args.genuine:
        return main_genuine(args)
    files = sorted(Path(args.pairs or HERE / "readouts" / "pairs").glob("*.json"))
    if not files:
        print(f"no pair files in {args.pairs}", file=sys.stderr)
        return 1
    loaded = [(f, *load_pair(f)) for f in files]
    # warm-up: lexicon, segmenter and regex compilation happen once per process
    compare_readouts(loaded[0][2], aligner=args.aligner, force=True)
    by_lang, everything, confusion, times, _ = score_set(
        loaded, args.aligner, args.show_errors, joint_unmatched="one_sided",
        speaker_rule="lenient")
    print(f"pairs: {len(files)} ({', '.join(f'{k}: {len(set_)}' for k, set_ in _count(loaded))})")
    report("ALL pairs", everything)
    if "en" in by_lang:
        report("English pairs", by_lang["en"])
    for lang in sorted(k for k in by_lang if k != "en"):
        report(f"{lang} pairs", by_lang[lang])
    _confusion(confusion)
    med = statistics.median(times)
    print(f"\ntiming: median {med * 1000:.0f} ms per pair (max {max(times) * 1000:.0f} ms), "
          f"aligner={args.aligner}")
    typical_pair_timing(loaded, args.aligner)
    if args.cv:
        cross_validate(loaded, args.aligner)
    return 0


def _confusion(confusion: Counter) -> None:
    print("\nconfusion (gold -> predicted)")
    for g in LABELS:
        row = "  ".join(f"{p[:9]}={confusion[(g, p)]}" for p in LABELS)
        print(f"  {g:<26}{row}")


def _goals(pairs: list[tuple[str, str]]) -> str:
    u = prf(pairs, "unconfirmed_attribution")[2]
    o = prf(pairs, "one_sided")[2]
    sp = prf(pairs, "shared")[0]
    return (f"goals: unconfirmed F1 {u:.3f} (>= 0.9), one-sided F1 {o:.3f} (>= 0.85), "
            f"shared precision {sp:.3f} (>= 0.9)")


def main_genuine(args: argparse.Namespace) -> int:
    """Genuine pairs by language pair, speakers, timing; the imitation set beside them."""
    files = sorted(Path(args.pairs or GENUINE).glob("*.json"))
    if not files:
        print(f"no genuine pair files in {args.pairs or GENUINE}", file=sys.stderr)
        return 1
    loaded = [(f, *load_genuine(f)) for f in files]
    t0 = time.perf_counter()
    compare_readouts(loaded[0][2], aligner=args.aligner)
    first = time.perf_counter() - t0
    import bilat.text.readouts as readouts_mod

    readouts_mod._CLAIMS_CACHE.clear()  # time each pair from its text, not from the cache
    by_lang, everything, confusion, times, speakers = score_set(
        loaded, args.aligner, args.show_errors)
    print(f"genuine pairs: {len(files)} ({', '.join(f'{k}: {len(v)}' for k, v in _count(loaded))})")
    report("GENUINE, all pairs (in-sample)", everything)
    print("  " + _goals(everything))
    for lang in sorted(by_lang):
        report(f"genuine {lang} pairs", by_lang[lang])
    _confusion(confusion)
    sp_ok = sum(g == p for g, p in speakers)
    print(f"\nspeaker (side of the labelled unit; own side = narrator or issuer): "
          f"{sp_ok}/{len(speakers)} = {sp_ok / max(len(speakers), 1):.3f}")
    for g in ("OWN", "BOTH", "CHN", "RUS", "USA"):
        rows = [p for gg, p in speakers if gg == g]
        if rows:
            c = Counter(rows)
            print(f"  gold {g:<5} n={len(rows):<4} " + "  ".join(f"{k}={v}" for k, v in
                                                              c.most_common()))
    cpu = CPU_TIMES[-len(times):]
    print(f"\ntiming: first pair {first * 1000:.0f} ms (language detection, lexicon, "
          f"segmenter loaded); after it median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms wall per pair; CPU median "
          f"{statistics.median(cpu) * 1000:.0f} ms, max {max(cpu) * 1000:.0f} ms (wall time "
          "grows with the machine's load; CPU time does not)")
    if args.cv:
        cross_validate_genuine(loaded, args.aligner)
    imit = sorted((HERE / "readouts" / "pairs").glob("*.json"))
    if imit:
        il = [(f, *load_pair(f)) for f in imit]
        _, ev, _, _, _ = score_set(il, args.aligner, joint_unmatched="one_sided",
                                   speaker_rule="lenient")
        report("IMITATION set (written for bilat), all pairs, same code", ev)
        print("  " + _goals(ev))
    return 0


#: The genuine CV grid: (shared, divergent, competition, attribution) thresholds; attribution
#: None means the shared threshold applies to attributed claims too. Each pair is run with one
#: shared threshold for both of its scales; the folds then choose the same-language threshold
#: (pairs of one language) and the cross-language threshold (the others) separately
#: (:func:`choose_genuine`), so the grid of runs does not grow.
GENUINE_SHARED = (0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70)
GENUINE_GRID = list(itertools.product(GENUINE_SHARED, (0.15, 0.20, 0.25),
                                      (2.0, 4.0), (None, 0.25, 0.30, 0.35)))


def genuine_run(docs: list, config: tuple, aligner: str = "auto") -> Comparison:
    """compare_readouts with one GENUINE_GRID config (its shared threshold for both scales)."""
    ts, td, comp, at = config
    return compare_readouts(docs, aligner=aligner, shared_threshold=ts,
                            cross_language_threshold=ts, divergent_threshold=td,
                            competition=comp, attribution_threshold=at)


def is_cross(docs: list) -> bool:
    """Whether the pair's documents are of different languages (the cross-language scale)."""
    return len({d.language for d in docs}) > 1


def _counts(pairs: list[tuple[str, str]]) -> list[int]:
    out = []
    for label in ("unconfirmed_attribution", "one_sided", "shared"):
        out += [sum(1 for g, p in pairs if g == label and p == label),
                sum(1 for g, p in pairs if g != label and p == label),
                sum(1 for g, p in pairs if g == label and p != label)]
    return out


def _objective(c: list[int]) -> float:
    def f1(tp: int, fp: int, fn: int) -> float:
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    sp = c[6] / (c[6] + c[7]) if c[6] + c[7] else 0.0
    return (f1(*c[0:3]) + f1(*c[3:6]) + sp) / 3


def choose_genuine(preds: dict[tuple, list[list[tuple[str, str]]]],
                   cross: list[bool]) -> list[tuple]:
    """For each held-out pair k, the config chosen on the other pairs: (shared threshold of
    same-language pairs, cross-language threshold, divergent, competition, attribution), by the
    mean of unconfirmed-attribution F1, one-sided F1 and shared precision."""
    import numpy as np

    keys = list(preds)
    rest = list(dict.fromkeys(k[1:] for k in keys))
    cnt = {k: np.array([_counts(p) for p in preds[k]]) for k in keys}  # pairs × 9
    same_ix = np.array([not c for c in cross])
    chosen = []
    for k in range(len(cross)):
        keep = np.ones(len(cross), bool)
        keep[k] = False
        best, best_val = None, -1.0
        for r in rest:
            s_same = {t: cnt[(t, *r)][keep & same_ix].sum(0) for t in GENUINE_SHARED}
            s_cross = {t: cnt[(t, *r)][keep & ~same_ix].sum(0) for t in GENUINE_SHARED}
            for t1 in GENUINE_SHARED:
                for t2 in GENUINE_SHARED:
                    v = _objective(list(s_same[t1] + s_cross[t2]))
                    if v > best_val + 1e-12:
                        best, best_val = (t1, t2, *r), v
        chosen.append(best)
    return chosen


def cross_validate_genuine(loaded: list, aligner: str) -> None:
    """Leave-one-pair-out over the genuine pairs (thresholds picked on the others)."""
    preds: dict[tuple, list[list[tuple[str, str]]]] = {}
    for g in GENUINE_GRID:
        preds[g] = [_gold_pred(genuine_run(docs, g, aligner), data, docs)
                    for _, data, docs in loaded]
    cross = [is_cross(docs) for _, _, docs in loaded]
    held: list[tuple[str, str]] = []
    by_lang: dict[str, list[tuple[str, str]]] = defaultdict(list)
    chosen: Counter[tuple] = Counter()
    for k, ((_, data, _), best) in enumerate(zip(loaded, choose_genuine(preds, cross),
                                                 strict=True)):
        chosen[best] += 1
        key = (best[1] if cross[k] else best[0], *best[2:])
        held.extend(preds[key][k])
        by_lang[data["language"]].extend(preds[key][k])
    report("GENUINE, leave-one-pair-out cross-validation (held-out pairs)", held)
    print("  " + _goals(held))
    for lang in sorted(by_lang):
        report(f"genuine {lang} pairs, held out", by_lang[lang])
    print("  thresholds chosen (same-language shared, cross-language shared, divergent, "
          "competition, attribution): "
          + ", ".join(f"{c}x{n}" for c, n in chosen.most_common()))


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
                                           divergent_threshold=td, competition=comp,
                                           joint_unmatched="one_sided", speaker_rule="lenient")
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
