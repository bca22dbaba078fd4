"""Dump every wrongly labelled unit of the genuine leave-one-pair-out run, for error analysis.

For each genuine pair the thresholds are chosen on the other pairs exactly as in
``eval_readouts.py --genuine --cv``; the held-out pair is then compared with them and every unit
whose predicted label differs from its gold label is written out with both speakers, the score,
the reasons, the counterpart's text and the gold note.

Usage: python evaluation/readouts/genuine/dump_errors.py OUT.tsv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from eval_readouts import (  # noqa: E402
    GENUINE,
    GENUINE_GRID,
    _gold_pred,
    _speaker_of,
    choose_genuine,
    genuine_run,
    is_cross,
    load_genuine,
)

GRID = GENUINE_GRID


def main(out: str) -> None:
    """Run the CV, write the wrong units to ``out`` (TSV) and print counts."""
    loaded = [(f, *load_genuine(f)) for f in sorted(GENUINE.glob("*.json"))]
    cmps: dict[tuple, list] = {}
    preds: dict[tuple, list] = {}
    for g in GRID:
        cmps[g] = [genuine_run(docs, g) for _, _, docs in loaded]
        preds[g] = [_gold_pred(c, data, docs) for c, (_, data, docs) in zip(cmps[g], loaded,
                                                                           strict=True)]

    cross = [is_cross(docs) for _, _, docs in loaded]
    rows = []
    for k, ((f, data, docs), best) in enumerate(zip(loaded, choose_genuine(preds, cross),
                                                    strict=True)):
        cmp = cmps[(best[1] if cross[k] else best[0], *best[2:])][k]
        by_id = {c.claim_id: c for cs in cmp.claims.values() for c in cs}
        for lab in data["labels"]:
            doc = docs[lab["doc"]]
            start = doc.text.find(lab["quote"])
            end = start + len(lab["quote"])
            hit, ov = None, 0
            for r in cmp.results:
                if r.claim.doc_id != doc.doc_id:
                    continue
                o = min(end, r.claim.end) - max(start, r.claim.start)
                if o > ov:
                    hit, ov = r, o
            pred = hit.label if hit else "none"
            if pred == lab["label"]:
                continue
            other = by_id.get(hit.counterpart or "") if hit else None
            rows.append({
                "pair": f.stem, "lang": data["language"], "unit": lab.get("unit", ""),
                "doc_side": doc.side, "doc_lang": doc.language, "gold": lab["label"],
                "pred": pred, "gold_speaker": lab.get("speaker", ""),
                "pred_speaker": _speaker_of(cmp, doc.doc_id, start, end),
                "score": round(hit.score, 3) if hit else "",
                "stance": hit.claim.stance if hit else "",
                "issues": ",".join(hit.claim.issues) if hit else "",
                "reasons": "; ".join(hit.reasons) if hit else "",
                "quote": lab["quote"], "note": lab.get("note", ""),
                "counterpart": other.text if other else "",
                "thresholds": best,
            })
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter="\t")
        w.writeheader()
        w.writerows(rows)
    from collections import Counter

    print(Counter((r["gold"], r["pred"]) for r in rows).most_common())


if __name__ == "__main__":
    main(sys.argv[1])
