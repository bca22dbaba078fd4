"""Validate the labelled readout pairs in evaluation/readouts/pairs/ and print label counts.

Checks every pair file against READOUT_EVAL_FORMAT (JSON fields and types, label names, issue
keys, document languages), that every ``quote`` occurs exactly once in its document, that every
sentence of both documents (rough split) is covered by at least one label, and that each
document has 15–45 sentences. Exits 1 and lists every problem if any check fails.

Usage: python evaluation/readouts/check_pairs.py [PAIRS_DIR]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

LABELS = ("shared", "one_sided", "divergent", "unconfirmed_attribution")
LANGUAGES = ("en", "ru", "zh")
PAIR_LANGUAGES = (*LANGUAGES, "mixed")
# Issue keys of the format's list, plus the extensions this set uses (documented in README.md).
ISSUES = frozenset(
    [
        "taiwan",
        "hong_kong",
        "xinjiang",
        "tibet",
        "south_china_sea",
        "ukraine",
        "crimea",
        "nato",
        "aukus",
        "quad",
        "afghanistan",
        "syria",
        "iran",
        "dprk",
        "sco",
        "brics",
        "eaeu",
        "bri",
        "energy",
        "gas",
        "oil",
        "trade",
        "finance",
        "vaccines",
        "covid",
        "space",
        "arms_control",
        "missile_defence",
        "military",
        "arctic",
        "un",
        "wto",
        "g20",
        "olympics",
        "sanctions",
        "climate",
        "terrorism",
        "cybersecurity",
        "color_revolutions",
        "multipolarity",
        "hegemony",
        "interference",
        "anniversary",
        "visits",
        "people_to_people",
        "middle_east",
        "palestine",
        "korean_peninsula",
        "central_asia",
        "belarus",
        "kazakhstan",
        "agriculture",
        "culture",
        "technology",
        "ai",
        "biological_weapons",
        "chemical_weapons",
        "nuclear",
        "csto",
        "cica",
        "union_state",
        "russia_us",
        "investment",
        "transport",
        "latin_america",
        "china",
        "human_rights",
    ]
)
TOP_FIELDS = {
    "pair_id": str,
    "event": str,
    "language": str,
    "real": bool,
    "provenance": str,
    "documents": list,
    "labels": list,
}
DOC_FIELDS = ("side", "issuer", "language", "date", "title", "text")
MIN_SENTENCES, MAX_SENTENCES = 15, 45

_SPLIT_LATIN = re.compile(r"(?<=[.!?])[\"'”»)]*\s+(?=[\"'“«(]?[A-ZА-ЯЁ0-9])")
_SPLIT_ZH = re.compile(r"(?<=[。！？])[”」』]*")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str, language: str) -> list[tuple[int, int]]:
    """Split text roughly into sentences; return (start, end) character offsets."""
    spans: list[tuple[int, int]] = []
    splitter = _SPLIT_ZH if language == "zh" else _SPLIT_LATIN
    for para in re.finditer(r"[^\n]+", text):
        body, base, cut = para.group(), para.start(), 0
        for m in splitter.finditer(body):
            if body[cut : m.end()].strip():
                spans.append(_trim(text, base + cut, base + m.end()))
            cut = m.end()
        if body[cut:].strip():
            spans.append(_trim(text, base + cut, base + len(body)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def check_pair(path: Path) -> tuple[list[str], dict]:
    """Return the problems found in one pair file and the parsed pair."""
    problems: list[str] = []
    try:
        pair = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"{path.name}: cannot read JSON: {exc}"], {}
    for key, typ in TOP_FIELDS.items():
        if not isinstance(pair.get(key), typ):
            problems.append(f"{path.name}: field {key!r} missing or not {typ.__name__}")
    if problems:
        return problems, pair
    if pair["language"] not in PAIR_LANGUAGES:
        problems.append(f"{path.name}: language {pair['language']!r} not in {PAIR_LANGUAGES}")
    docs = pair["documents"]
    if len(docs) != 2:
        problems.append(f"{path.name}: expected 2 documents, got {len(docs)}")
        return problems, pair
    for i, doc in enumerate(docs):
        for key in DOC_FIELDS:
            if not isinstance(doc.get(key), str) or not doc[key].strip():
                problems.append(f"{path.name}: documents[{i}].{key} missing or empty")
        if doc.get("language") not in LANGUAGES:
            problems.append(f"{path.name}: documents[{i}].language {doc.get('language')!r}")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(doc.get("date", ""))):
            problems.append(f"{path.name}: documents[{i}].date not YYYY-MM-DD")
    if problems:
        return problems, pair
    doc_langs = {d["language"] for d in docs}
    if pair["language"] == "mixed":
        if len(doc_langs) != 2:
            problems.append(f"{path.name}: mixed pair but both documents are {doc_langs}")
    elif doc_langs != {pair["language"]}:
        problems.append(f"{path.name}: pair language {pair['language']} but documents {doc_langs}")
    if docs[0]["side"] == docs[1]["side"]:
        problems.append(f"{path.name}: both documents have side {docs[0]['side']}")
    covered: list[list[tuple[int, int]]] = [[], []]
    for n, lab in enumerate(pair["labels"]):
        where = f"{path.name}: labels[{n}]"
        if lab.get("doc") not in (0, 1):
            problems.append(f"{where}: doc must be 0 or 1")
            continue
        if lab.get("label") not in LABELS:
            problems.append(f"{where}: label {lab.get('label')!r} not in {LABELS}")
        issues = lab.get("issues")
        if not isinstance(issues, list) or any(i not in ISSUES for i in issues):
            problems.append(f"{where}: unknown issue key in {issues!r}")
        quote = lab.get("quote")
        text = docs[lab["doc"]]["text"]
        if not isinstance(quote, str) or not quote:
            problems.append(f"{where}: quote missing")
            continue
        count = text.count(quote)
        if count != 1:
            problems.append(
                f"{where}: quote occurs {count} times in doc {lab['doc']}: {quote[:60]!r}"
            )
            continue
        start = text.index(quote)
        covered[lab["doc"]].append((start, start + len(quote)))
    for i, doc in enumerate(docs):
        spans = sentence_spans(doc["text"], doc["language"])
        if not MIN_SENTENCES <= len(spans) <= MAX_SENTENCES:
            problems.append(
                f"{path.name}: documents[{i}] has {len(spans)} sentences, "
                f"expected {MIN_SENTENCES}-{MAX_SENTENCES}"
            )
        for a, b in spans:
            if not any(qa < b and a < qb for qa, qb in covered[i]):
                problems.append(
                    f"{path.name}: documents[{i}] sentence not labelled: {doc['text'][a:b][:70]!r}"
                )
    return problems, pair


def main(argv: list[str]) -> int:
    """Check every pair file, print problems and counts per label and language."""
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).parent / "pairs"
    files = sorted(folder.glob("*.json"))
    if not files:
        print(f"no pair files in {folder}", file=sys.stderr)
        return 1
    problems: list[str] = []
    counts: Counter[tuple[str, str]] = Counter()
    pairs_per_lang: Counter[str] = Counter()
    sentences: Counter[str] = Counter()
    ids: Counter[str] = Counter()
    real = []
    for path in files:
        found, pair = check_pair(path)
        problems += found
        if found or not pair:
            continue
        ids[pair["pair_id"]] += 1
        lang = pair["language"]
        pairs_per_lang[lang] += 1
        if pair["real"]:
            real.append(pair["pair_id"])
        for doc in pair["documents"]:
            sentences[lang] += len(sentence_spans(doc["text"], doc["language"]))
        for lab in pair["labels"]:
            counts[(lang, lab["label"])] += 1
    problems += [f"pair_id {k!r} used {v} times" for k, v in ids.items() if v > 1]
    langs = [lang for lang in PAIR_LANGUAGES if pairs_per_lang[lang]]
    print(f"{'label':<26}" + "".join(f"{lang:>8}" for lang in langs) + f"{'total':>8}")
    for label in LABELS:
        row = [counts[(lang, label)] for lang in langs]
        print(f"{label:<26}" + "".join(f"{n:>8}" for n in row) + f"{sum(row):>8}")
    print(
        f"{'pairs':<26}"
        + "".join(f"{pairs_per_lang[lang]:>8}" for lang in langs)
        + f"{sum(pairs_per_lang.values()):>8}"
    )
    print(
        f"{'sentences':<26}"
        + "".join(f"{sentences[lang]:>8}" for lang in langs)
        + f"{sum(sentences.values()):>8}"
    )
    print(f"real pairs: {', '.join(real) if real else 'none'}")
    for problem in problems:
        print("PROBLEM", problem, file=sys.stderr)
    print(f"{len(files)} files, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
