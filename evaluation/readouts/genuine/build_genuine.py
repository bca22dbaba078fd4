"""Authoring tool for the genuine labelled pairs (evaluation/readouts/genuine/).

The texts stay in the data mirror (``<mirror>/texts/readouts/<event>/<SIDE>_<lang>.txt``,
default ``../shared/data``, or ``BILAT_MIRROR``); only labels and short quotes live here.

    python evaluation/readouts/genuine/build_genuine.py skeleton EVENT   # numbered sentences
    python evaluation/readouts/genuine/build_genuine.py build   # labels/*.lab -> pairs/*.json

The sentence splitter here is deliberately independent of bilat's own segmenter (a plain rule:
a sentence ends at . ! ? followed by a space and a capital or quote, unless the word before the
stop is a known abbreviation or an initial; at 。！？ with any closing quote; at a line break), so
the gold units do not inherit bilat's segmentation.

Label file format (``labels/<event>.lab``), one line per labelled unit::

    # comment
    @doc 0 CHN zh CHN_zh.txt
    @doc 1 RUS en RUS_en.txt
    0.3 S CHN ukraine | note
    0.4a O BOTH | note            (a, b: parts of sentence 4, given by q="...")
    0.4a q="exact substring" ...

Fields: ``<doc>.<sentence>[part]``, label (S shared, D divergent, O one_sided, U
unconfirmed_attribution, X not a claim: headers, bylines — not scored), speaker side (CHN, RUS,
USA, BOTH, NARR for the narrator/issuer's own framing), optional issue keys, optional
``q="…"`` restricting the unit to an exact substring of the sentence, and a note after ``|``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ABBREV = {"u.s", "mr", "mrs", "ms", "dr", "no", "st", "jr", "vs", "gen", "sen", "prof", "p.m",
          "a.m", "u.n", "e.g", "i.e", "ст", "им", "г", "т.е", "т.д", "авг", "проф", "тыс",
          "млн", "млрд", "долл", "руб"}
LABELS = {"S": "shared", "D": "divergent", "O": "one_sided", "U": "unconfirmed_attribution",
          "X": "not_a_claim"}


def mirror_root() -> Path:
    """The readouts folder of the data mirror."""
    base = os.environ.get("BILAT_MIRROR") or str(HERE.parents[3] / "shared" / "data")
    return Path(base) / "texts" / "readouts"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, by the plain rule in the module docstring."""
    out = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        cut = None
        if ch == "\n":
            cut = i
            nxt = i + 1
        elif ch in "。！？":
            j = i + 1
            while j < n and text[j] in "”’」』）\"":
                j += 1
            cut, nxt = j, j
        elif ch in ".!?":
            j = i + 1
            while j < n and text[j] in "\"'”’)":
                j += 1
            k = j
            while k < n and text[k] in " \u00a0":
                k += 1
            if k > j and k < n and (text[k].isupper() or text[k] in "\"“«("):
                m = re.search(r"([\w.]+)$", text[start:i])
                word = m.group(1).lower() if m else ""
                if ch == "." and (word in ABBREV or re.fullmatch(r"[a-zа-я]", word)):
                    i += 1
                    continue
                cut, nxt = j, j
        if cut is not None:
            if text[start:cut].strip():
                s = start + len(text[start:cut]) - len(text[start:cut].lstrip())
                out.append((s, cut))
            start = nxt
            i = nxt
            continue
        i += 1
    if text[start:].strip():
        s = start + len(text[start:]) - len(text[start:].lstrip())
        out.append((s, len(text.rstrip())))
    return out


def skeleton(event: str) -> None:
    """Print the numbered sentences of every text of one event folder."""
    folder = mirror_root() / event
    for k, path in enumerate(sorted(folder.glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        print(f"@doc {k} {path.stem.split('_')[0]} {path.stem.split('_')[1]} {path.name}")
        for i, (s, e) in enumerate(split_sentences(text)):
            print(f"{k}.{i} ? ? | {text[s:e]}")
        print()


def parse_lab(path: Path) -> dict:
    """A pair record from one .lab file (texts read from the mirror)."""
    event = path.stem
    docs, labels = [], []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@doc"):
            _, k, side, lang, name = line.split()
            text = (mirror_root() / event / name).read_text(encoding="utf-8")
            docs.append({"side": side, "language": lang, "file": f"{event}/{name}",
                         "text": text, "sents": split_sentences(text)})
            continue
        if line.startswith("@"):
            continue
        head, _, note = line.partition("|")
        fields = shlex.split(head)
        unit, code, speaker, *rest = fields
        m = re.fullmatch(r"(\d+)\.(\d+)([a-z]?)", unit)
        if not m or code not in LABELS:
            raise SystemExit(f"{path.name}: bad line {raw!r}")
        d, s = int(m.group(1)), int(m.group(2))
        doc = docs[d]
        st, en = doc["sents"][s]
        sentence = doc["text"][st:en]
        quote = sentence
        issues = []
        for r in rest:
            if r.startswith("q="):
                quote = r[2:]
                if quote not in sentence:
                    raise SystemExit(f"{path.name}: {unit}: q not in sentence: {quote!r}")
            else:
                issues.append(r)
        if code == "X":
            continue
        if doc["text"].count(quote) != 1:
            raise SystemExit(f"{path.name}: {unit}: quote not unique in the text")
        labels.append({"doc": d, "unit": unit, "quote": quote, "label": LABELS[code],
                       "speaker": speaker, "issues": issues, "note": note.strip() or None})
    return {
        "pair_id": event, "real": True, "source": "texts/readouts/" + event,
        "language": "↔".join(sorted({d["language"] for d in docs})) if len(
            {d["language"] for d in docs}) > 1 else docs[0]["language"],
        "documents": [{k: v for k, v in d.items() if k not in ("text", "sents")} for d in docs],
        "labels": labels,
    }


def build() -> None:
    """labels/*.lab -> pairs/*.json (fails on a quote that is not unique)."""
    out = HERE / "pairs"
    out.mkdir(exist_ok=True)
    for lab in sorted((HERE / "labels").glob("*.lab")):
        if " ? ? |" in lab.read_text(encoding="utf-8"):
            print(f"{lab.stem}: not labelled yet, skipped")
            continue
        rec = parse_lab(lab)
        (out / f"{lab.stem}.json").write_text(json.dumps(rec, ensure_ascii=False, indent=1)
                                              + "\n", encoding="utf-8")
        print(f"{lab.stem}: {len(rec['labels'])} labels")


if __name__ == "__main__":
    if sys.argv[1:2] == ["skeleton"]:
        for ev in sys.argv[2:]:
            skeleton(ev)
    elif sys.argv[1:2] == ["build"]:
        build()
    else:
        print(__doc__)
