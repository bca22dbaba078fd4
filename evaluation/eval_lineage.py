"""Agreement of bilat's joint-statement lineage labels with hand labels.

Usage::

    python evaluation/eval_lineage.py                       # every series in statements/series
    python evaluation/eval_lineage.py FILE.json --errors    # one series, list disagreements
    python evaluation/eval_lineage.py --json                # figures as JSON

For each series (format: evaluation/statements/README.md) and each statement after the first,
:func:`bilat.text.lineage.lineage` is run on the series up to that statement (what an analyst
would have had on that day). Each hand label is matched to the claim bilat found at the
labelled quote; claim labels (new / reaffirmed / strengthened / weakened) and dropped labels
(dropped / carried, for claims of the previous statement) are compared. Prints accuracy,
per-label precision / recall / F1, Cohen's kappa and the confusion matrix (rows: hand label,
columns: bilat), for claims, for dropped items and for both together; also the agreement on
the date a commitment first appeared and on the statement of the counterpart.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bilat.errors import error
from bilat.text.documents import document_from_text
from bilat.text.lineage import LABELS, LineageReport, lineage
from bilat.text.model import Document

HERE = Path(__file__).resolve().parent
SERIES_DIR = HERE / "statements" / "series"
DROP_LABELS = ("dropped", "carried")


def load_series(path: Path) -> tuple[dict[str, Any], dict[str, Document]]:
    """The series JSON and its documents by key (quotes checked: each must occur once)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise error("E407", path=path, reason=f"cannot read: {exc}") from exc
    docs: dict[str, Document] = {}
    for d in data["documents"]:
        docs[d["key"]] = document_from_text(
            d["text"], side=d.get("side", "JOINT"), issuer=d.get("issuer"), date=d["date"],
            title=d.get("title"), kind=d.get("kind", "statement"),
            parties=data.get("parties", ()), language=d.get("language"),
            source_url=d.get("source_url") or f"{path.name}#{d['key']}",
        )
    for item in [*data.get("labels", []), *data.get("dropped", [])]:
        key = item.get("from", item["doc"])
        if key not in docs:
            raise error("E407", path=path, reason=f"label refers to unknown document {key!r}")
        n = docs[key].text.count(item["quote"])
        if n != 1:
            raise error("E407", path=path,
                        reason=f"quote {item['quote']!r} occurs {n} times in {key}; make it unique")
    return data, docs


def _claim_at(report: LineageReport, doc: Document, quote: str) -> Any:
    """The labelled claim of the newest statement that contains ``quote``."""
    at = doc.text.index(quote)
    for cl in report.focus.claims:
        if cl.claim.start <= at < cl.claim.end:
            return cl
    return None


def evaluate(path: Path) -> list[dict[str, Any]]:
    """Hand label vs bilat label for every labelled item of one series file."""
    data, docs = load_series(path)
    order = [d["key"] for d in sorted(data["documents"], key=lambda d: d["date"])]
    key_of = {docs[k].doc_id: k for k in order}
    rows: list[dict[str, Any]] = []
    for k in range(1, len(order)):
        target = order[k]
        report = lineage([docs[x] for x in order[: k + 1]], readouts=False, events=False)
        for item in data.get("labels", []):
            if item["doc"] != target:
                continue
            cl = _claim_at(report, docs[target], item["quote"])
            row = {"series": path.name, "doc": target, "kind": "claim", "quote": item["quote"],
                   "gold": item["label"], "pred": cl.label if cl else "(no claim)",
                   "gold_first": item.get("first_appeared"),
                   "pred_first": cl.first_appeared.date if cl and cl.label != "new" else None,
                   "gold_counterpart": item.get("counterpart_doc"),
                   "pred_counterpart": key_of.get(cl.counterpart.doc_id)
                   if cl and cl.counterpart and cl.label != "new" else None,
                   "similarity": cl.similarity if cl else None}
            rows.append(row)
        for item in data.get("dropped", []):
            if item["doc"] != target:
                continue
            earlier = docs[item["from"]]
            at = earlier.text.index(item["quote"])
            hit = any(d.claim.doc_id == earlier.doc_id and d.claim.start <= at < d.claim.end
                      for d in report.focus.dropped)
            rows.append({"series": path.name, "doc": target, "kind": "dropped",
                         "quote": item["quote"], "gold": item["label"],
                         "pred": "dropped" if hit else "carried", "from": item["from"]})
    return rows


def agreement(rows: Sequence[dict[str, Any]], labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, per-label precision/recall/F1, Cohen's kappa and confusion matrix."""
    n = len(rows)
    pairs = [(r["gold"], r["pred"]) for r in rows]
    cols = list(labels) + sorted({p for _, p in pairs} - set(labels))
    confusion = {g: {p: 0 for p in cols} for g in labels}
    for g, p in pairs:
        confusion.setdefault(g, {c: 0 for c in cols})[p] += 1
    correct = sum(1 for g, p in pairs if g == p)
    per: dict[str, dict[str, float | int]] = {}
    for lab in labels:
        tp = sum(1 for g, p in pairs if g == lab and p == lab)
        fp = sum(1 for g, p in pairs if g != lab and p == lab)
        fn = sum(1 for g, p in pairs if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {"support": tp + fn, "precision": round(prec, 3), "recall": round(rec, 3),
                    "f1": round(f1, 3)}
    po = correct / n if n else 0.0
    gc = Counter(g for g, _ in pairs)
    pc = Counter(p for _, p in pairs)
    pe = sum(gc[c] * pc[c] for c in set(gc) | set(pc)) / (n * n) if n else 0.0
    kappa = (po - pe) / (1 - pe) if pe < 1 else 1.0
    return {"n": n, "accuracy": round(po, 3), "kappa": round(kappa, 3), "per_label": per,
            "confusion": confusion, "columns": cols}


def _print_block(title: str, res: dict[str, Any]) -> None:
    print(f"\n## {title}: n={res['n']}  accuracy={res['accuracy']:.3f}  "
          f"Cohen's kappa={res['kappa']:.3f}")
    print(f"{'label':14s}{'support':>8s}{'prec':>8s}{'recall':>8s}{'F1':>8s}")
    for lab, m in res["per_label"].items():
        print(f"{lab:14s}{m['support']:>8d}{m['precision']:>8.3f}{m['recall']:>8.3f}"
              f"{m['f1']:>8.3f}")
    cols = res["columns"]
    print("confusion (rows: hand label, columns: bilat)")
    print(" " * 14 + "".join(f"{c[:12]:>13s}" for c in cols))
    for g, row in res["confusion"].items():
        print(f"{g:14s}" + "".join(f"{row.get(c, 0):>13d}" for c in cols))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="series JSON files (default: all)")
    ap.add_argument("--errors", action="store_true", help="list every disagreement")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    files = args.files or sorted(SERIES_DIR.glob("*.json"))
    rows: list[dict[str, Any]] = []
    for f in files:
        rows += evaluate(f)
    claims = [r for r in rows if r["kind"] == "claim"]
    drops = [r for r in rows if r["kind"] == "dropped"]
    docs = sorted({r["doc"] for r in claims})
    half = docs[: len(docs) // 2]
    results = {
        "files": [str(f) for f in files],
        "claims": agreement(claims, LABELS),
        "dropped": agreement(drops, DROP_LABELS),
        "all": agreement(rows, (*LABELS, *DROP_LABELS)),
        "claims_earlier_half": agreement([r for r in claims if r["doc"] in half], LABELS),
        "claims_later_half": agreement([r for r in claims if r["doc"] not in half], LABELS),
    }
    firsts = [r for r in claims if r["gold"] != "new" and r["pred"] == r["gold"]
              and r["gold_first"]]
    results["first_appeared_accuracy"] = {
        "n": len(firsts),
        "accuracy": round(sum(r["gold_first"] == r["pred_first"] for r in firsts)
                          / len(firsts), 3) if firsts else None}
    cps = [r for r in claims if r["gold_counterpart"] and r["pred_counterpart"]]
    results["counterpart_doc_accuracy"] = {
        "n": len(cps),
        "accuracy": round(sum(r["gold_counterpart"] == r["pred_counterpart"] for r in cps)
                          / len(cps), 3) if cps else None}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"# bilat lineage vs hand labels ({', '.join(f.name for f in files)})")
        _print_block("claim labels", results["claims"])
        _print_block("dropped (claims of the previous statement)", results["dropped"])
        _print_block("all items", results["all"])
        for name in ("claims_earlier_half", "claims_later_half"):
            r = results[name]
            which = half if name.endswith("earlier_half") else [d for d in docs if d not in half]
            print(f"\n{name} ({', '.join(which)}): n={r['n']} accuracy={r['accuracy']:.3f} "
                  f"kappa={r['kappa']:.3f}")
        fa = results["first_appeared_accuracy"]
        cp = results["counterpart_doc_accuracy"]
        print(f"first-appeared date right (correctly labelled non-new claims): "
              f"{fa['accuracy']} of n={fa['n']}")
        print(f"counterpart statement right (both sides give one): {cp['accuracy']} of n={cp['n']}")
    if args.errors:
        print("\n# disagreements")
        for r in rows:
            if r["gold"] != r["pred"] or (r["kind"] == "claim" and r["gold"] == r["pred"] != "new"
                                          and r["gold_first"] != r["pred_first"]):
                extra = (f" first {r['gold_first']}/{r['pred_first']} sim={r['similarity']}"
                         if r["kind"] == "claim" else f" from {r['from']}")
                print(f"{r['doc']} [{r['kind']}] hand={r['gold']} bilat={r['pred']}{extra}: "
                      f"{r['quote'][:80]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
