"""Prefiltered regex scans (``bilat.text.prefilter``) against ``Pattern.finditer`` itself.

The lexicon's issue and actor hits, and the register concepts of ``align.concepts``, are found
by trying each pattern only where one of its literal starts occurs; the hits must be exactly
those of one ``finditer`` per pattern, on real texts of every language and on random texts full
of the characters case folding treats specially (ſ/s, K/k, İ, ı, Σ/σ/ς, ᲀ/в, other digits).
"""

from __future__ import annotations

import csv
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.text import align, prefilter
from bilat.text.lexicon import Match, load_lexicon


def _plain_issue_spans(lex, text: str) -> list[Match]:
    """One ``finditer`` per issue, sorted as the lexicon sorts (the scan before the index)."""
    hits = [Match(key, m.start(), m.end()) for key, rx in lex._issue_re.items()
            if rx is not None for m in rx.finditer(text)]
    return sorted(hits, key=lambda h: (h.start, h.end))


def _plain_actor_spans(lex, text: str) -> list[Match]:
    hits = [Match(a.name, m.start(), m.end(), a.side, a.kind) for a, rx in lex._actor_re
            if rx is not None for m in rx.finditer(text)]
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Match] = []
    for h in hits:
        if not kept or h.start >= kept[-1].end:
            kept.append(h)
    return kept


def _concepts_plain(text: str) -> list[list[tuple[str | None, int, int]]]:
    rxs, _ = align._concept_scan()
    return [[(m.lastgroup, m.start(), m.end()) for m in rx.finditer(text)] for rx in rxs]


def _concepts_fast(text: str) -> list[list[tuple[str | None, int, int]]]:
    rxs, _ = align._concept_scan()
    return [[(m.lastgroup, m.start(), m.end()) for m in prefilter.finditer(rx, text)]
            for rx in rxs]


def _real_texts(shared_data) -> list[str]:
    texts = [p.read_text(encoding="utf-8")
             for p in sorted((shared_data / "texts" / "readouts").glob("*/*.txt"))]
    texts += [p.read_text(encoding="utf-8")
              for p in sorted((shared_data / "texts" / "statements").glob("*.txt"))]
    csv.field_size_limit(10_000_000)
    path = shared_data / "texts" / "kremlin-en-2021-2022" / "press_release_data" / "putin.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r["body"] for r in csv.DictReader(fh) if r.get("body")]
    rng = random.Random(7)
    texts += [rows[i] for i in rng.sample(range(len(rows)), 25)]
    return texts


def test_lexicon_hits_equal_one_scan_per_entry(shared_data) -> None:
    lex = load_lexicon()
    texts = _real_texts(shared_data)
    assert len(texts) >= 60
    total = 0
    for text in texts:
        issues = lex.issue_spans(text)
        assert issues == _plain_issue_spans(lex, text)
        assert lex.actor_spans(text) == _plain_actor_spans(lex, text)
        total += len(issues)
    assert total > 1000  # the texts do carry hits


def test_concept_scans_equal_finditer(shared_data) -> None:
    texts = _real_texts(shared_data)
    pieces = [s for t in texts[:40] for s in re.split(r"(?<=[.。!?])\s*", t) if s][:1500]
    found = 0
    for text in pieces:
        plain = _concepts_plain(text)
        assert _concepts_fast(text) == plain
        found += sum(map(len, plain))
    assert found > 300


SPECIAL = ["ſ", "K", "İ", "ı", "Σ", "σ", "ς", "ᲀ", "в", "В", "٣", "１", "5", "0", " ", "\u00a0",
           "\n", "-", "«", "'", ".", "µ", "Μ", "ß", "ẞ"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(SPECIAL), st.sampled_from(
    ["china", "CHINA", "Taiwan", "taiwanese", "Тайваня", "ТАЙВАНЬ", "台湾", "uKraine", "Xi",
     "Путин", "Putin", "the Chinese side", "russian president", "Russia's", "g20", "G-20",
     "2021-летие", "юбилей", "anniversaries", "the U.S. side", "президент россии",
     "rUssIa", "俄方", "中方", "Kyiv", "Sſ", "sanctions", "nato", "НАТО"])),
    min_size=1, max_size=40))
def test_random_texts_with_case_folding_traps(tokens: list[str]) -> None:
    lex = load_lexicon()
    text = " ".join(tokens)
    assert lex.issue_spans(text) == _plain_issue_spans(lex, text)
    assert lex.actor_spans(text) == _plain_actor_spans(lex, text)
    assert _concepts_fast(text) == _concepts_plain(text)


def test_fold_keeps_offsets() -> None:
    for text in ["İstanbul Σ ς ſ", "ABC", "", "Тайвань İİ", "ß ẞ ﬀ"]:
        folded = prefilter.fold(text)
        assert len(folded) == len(text)
        for ch, f in zip(text, folded, strict=True):
            assert f == prefilter.fold_char(ch)


def test_literal_starts_are_sound() -> None:
    """Every match of a pattern starts with one of its literal starts (folded)."""
    cases = {
        r"(?:the )?(?:chinese) (?:president|leader)": ["The Chinese President", "chinese leader"],
        r"donbas+": ["Donbass", "DONBAS"],
        r"одного|единого китая": ["Одного", "единого Китая"],
        r"(?<![\w])tai[wv]an\w*": ["Taiwanese", "TAIVAN"],
        r"\d+-?лети\w*": ["75-летие", "٣летия"],
    }
    for pattern, samples in cases.items():
        starts = prefilter.literal_starts(pattern)
        assert starts is not None
        rx = re.compile(pattern, re.IGNORECASE)
        for sample in samples:
            m = rx.match(sample)
            assert m is not None
            head = prefilter.fold(sample)
            assert any(head.startswith(s.split(prefilter.DIGIT)[0]) for s in starts)
    assert prefilter.literal_starts(r"\w+лети") is None
    assert prefilter.literal_starts(r"(?:x)?") is None  # may match empty


def test_characters_ignorecase_treats_as_equal() -> None:
    """Texts where ``re.IGNORECASE`` matches only through its extra equivalences (ſ = s,
    K (Kelvin) = k, ᲀ = в, İ lowering to two characters): the hits are found all the same."""
    lex = load_lexicon()
    for text in ["The Ruſſian ſide met", "\u212ayiv and Beijing", "ᲀашингтон и Пекин",
                 "İ Taiwan İİ Russia", "ΣΣ China ς"]:
        plain = _plain_actor_spans(lex, text) + _plain_issue_spans(lex, text)
        assert plain  # the trap does match
        assert lex.actor_spans(text) + lex.issue_spans(text) == plain
