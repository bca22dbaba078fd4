"""Build evaluation/readouts/pairs/*.json from the compact authoring files in this folder.

Each ``NNN_slug.src`` file holds one pair: ``@key value`` header lines (pair_id, event, language,
real, provenance), then per document a ``@doc SIDE|issuer|language|date|title`` line followed by
one line per sentence, ``[code|issue,issue|optional note] sentence text``, where code is
s (shared), o (one_sided), d (divergent) or u (unconfirmed_attribution). A line starting with
``+[...]`` continues the previous sentence as a second claim with its own label. Blank lines
separate paragraphs. The sentence text (or claim part) becomes the label's ``quote``; the build
fails if a quote does not occur exactly once in its document.

Usage: python evaluation/readouts/authoring/build_pairs.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "pairs"
CODES = {"s": "shared", "o": "one_sided", "d": "divergent", "u": "unconfirmed_attribution"}
SEGMENT = re.compile(r"^(\+?)\[([sodu])\|([^|\]]*)(?:\|([^\]]*))?\]\s*(.+)$")


def parse(src: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Read one authoring file into header values and documents of labelled sentences."""
    meta: dict[str, str] = {}
    docs: list[dict[str, Any]] = []
    for number, raw in enumerate(src.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("@doc "):
            side, issuer, lang, date, title = (x.strip() for x in line[5:].split("|"))
            meta_doc = {
                "side": side,
                "issuer": issuer,
                "language": lang,
                "date": date,
                "title": title,
            }
            docs.append({"meta": meta_doc, "paras": [[]]})
        elif line.startswith("@"):
            key, _, value = line[1:].partition(" ")
            meta[key] = value.strip()
        elif not docs:
            continue
        elif not line:
            if docs[-1]["paras"][-1]:
                docs[-1]["paras"].append([])
        else:
            match = SEGMENT.match(line)
            if not match:
                sys.exit(f"{src.name}:{number}: cannot parse line {line[:60]!r}")
            plus, code, issues, note, text = match.groups()
            segment = {
                "text": text.strip(),
                "label": CODES[code],
                "note": (note or "").strip(),
                "issues": [i.strip() for i in issues.split(",") if i.strip()],
            }
            if plus:
                docs[-1]["paras"][-1][-1].append(segment)
            else:
                docs[-1]["paras"][-1].append([segment])
    return meta, docs


def build(src: Path) -> dict[str, Any]:
    """Assemble one pair (document texts and labels) from an authoring file."""
    meta, docs = parse(src)
    out_docs: list[dict[str, str]] = []
    labels: list[dict[str, Any]] = []
    for index, doc in enumerate(docs):
        joiner = "" if doc["meta"]["language"] == "zh" else " "
        paragraphs = []
        for para in (p for p in doc["paras"] if p):
            paragraphs.append(joiner.join(joiner.join(s["text"] for s in sent) for sent in para))
            for sentence in para:
                for seg in sentence:
                    label = {
                        "doc": index,
                        "quote": seg["text"],
                        "label": seg["label"],
                        "issues": seg["issues"],
                    }
                    if seg["note"]:
                        label["note"] = seg["note"]
                    labels.append(label)
        out_docs.append({**doc["meta"], "text": "\n\n".join(paragraphs)})
    for label in labels:
        count = out_docs[label["doc"]]["text"].count(label["quote"])
        if count != 1:
            sys.exit(f"{src.name}: quote occurs {count} times: {label['quote'][:60]!r}")
    return {
        "pair_id": meta["pair_id"],
        "event": meta["event"],
        "language": meta["language"],
        "real": meta.get("real", "false") == "true",
        "provenance": meta["provenance"],
        "documents": out_docs,
        "labels": labels,
    }


def main() -> int:
    """Write one JSON file per authoring file into ../pairs/."""
    sources = sorted(HERE.glob("*.src"))
    OUT.mkdir(exist_ok=True)
    for src in sources:
        pair = build(src)
        text = json.dumps(pair, ensure_ascii=False, indent=2) + "\n"
        (OUT / f"{src.stem}.json").write_text(text, encoding="utf-8")
    print(f"built {len(sources)} pairs into {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
