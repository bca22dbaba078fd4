"""Lexicon hits handed to claims by bisection (``_within`` with ``starts``) against the plain
pass over every hit of the document, on real readouts and hits of every length."""

from __future__ import annotations

import random

from bilat.text.claims import _within
from bilat.text.lexicon import Match, load_lexicon
from bilat.text.segment import segment


def test_within_by_bisection_equals_the_full_pass(shared_data) -> None:
    lex = load_lexicon()
    paths = sorted((shared_data / "texts" / "readouts").glob("*/*.txt"))
    assert len(paths) >= 20
    for path in paths:
        text = path.read_text(encoding="utf-8")
        language = path.stem.split("_")[1]
        for hits in (lex.actor_spans(text), lex.issue_spans(text)):
            starts = [h.start for h in hits]
            for seg in segment(text, language):
                for lo in (seg.start, seg.start + 3):
                    assert _within(hits, lo, seg.end, starts) == _within(hits, lo, seg.end)


def test_within_with_empty_and_overlapping_hits() -> None:
    rng = random.Random(4)
    for _ in range(200):
        hits = sorted((Match("k", s, s + rng.choice([0, 0, 1, 3, 8])) for s in
                       (rng.randrange(60) for _ in range(rng.randrange(12)))),
                      key=lambda h: (h.start, h.end))
        starts = [h.start for h in hits]
        lo = rng.randrange(60)
        hi = lo + rng.randrange(30)
        assert _within(hits, lo, hi, starts) == _within(hits, lo, hi)
