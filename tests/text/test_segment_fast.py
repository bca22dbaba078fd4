"""The fast pysbd pass (repeated no-op abbreviation rescans skipped) against pysbd itself.

``bilat.text.segment._segmenter(lang)`` skips the abbreviation rescans that cannot change the
text; ``_segmenter(lang, fast=False)`` is pysbd unchanged. Both must cut every text into the
same pieces: the tricky abbreviations of readout prose, real readouts and Kremlin texts, and
random paragraphs built from abbreviation-heavy tokens.
"""

from __future__ import annotations

import csv
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.text import segment as seg

TRICKY = [
    "Согласно ст. 7 Договора стороны отметили, т. е. подчеркнули, что в 2021 г. товарооборот "
    "вырос. Выступил акад. Иванов из МГИМО им. Горчакова 25 авг. 2021 г. Далее г. Москва. "
    "В т.ч. по энергетике и т.д. Далее 5 млрд долл. Президенты договорились.",
    "Resolution No. 2231 was cited by the U.S. side. The U.S. He said. No. 5 and Nos. 6-7 "
    "apply, i.e. the U.S.A. and the U.K. agreed, e.g. on Art. 5. Mr. Xi met Dr. Li at 10 a.m. "
    "on January 12. Negotiations went on. no. 3 is next. NO. 4 follows. St. Petersburg.",
    "Mr. Putin said:\n“We agree.” Then Mrs. May replied (approx. 5 p.m.) that Gen. Smith and "
    "Prof. Wang, Jr. were there. No. The U.S. is ready. U.S. officials left. etc. Inc. Ltd. Co.",
    "В.В. Путин и Си Цзиньпин. Г-н Лавров, г-жа Захарова, проф. Петров, ген. Сидоров. "
    "См. рис. 3, стр. 5, п. 2, пп. 3-4, ч. 1 ст. 3. Янв. февр. мар. апр. сент. окт. нояб. дек.",
]


def _same(text: str, language: str) -> None:
    fast = seg._segmenter(language).segment(text)
    slow = seg._segmenter(language, fast=False).segment(text)
    assert fast == slow


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_tricky_abbreviations(text: str, language: str) -> None:
    _same(text, language)
    # the long-paragraph case: the same text repeated into one paragraph
    _same(" ".join([text.replace("\n", " ")] * 8), language)


def test_real_readouts_and_kremlin_texts(shared_data) -> None:
    texts = [(p.read_text(encoding="utf-8"), p.stem.split("_")[1])
             for p in sorted((shared_data / "texts" / "readouts").glob("*/*_en.txt"))
             + sorted((shared_data / "texts" / "readouts").glob("*/*_ru.txt"))]
    assert len(texts) >= 10
    csv.field_size_limit(10_000_000)
    path = shared_data / "texts" / "kremlin-en-2021-2022" / "press_release_data" / "putin.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r["body"] for r in csv.DictReader(fh) if r.get("body")]
    rng = random.Random(15)
    texts += [(rows[i][:6000], "en") for i in rng.sample(range(len(rows)), 12)]
    for text, language in texts:
        plain = text.replace("\u00a0", " ").replace("\n", " ")
        _same(plain, language)


TOKENS = ["No.", "no.", "U.S.", "U.S", "Mr.", "St.", "ст.", "им.", "авг.", "г.", "гг.", "т.", "е.",
          "т. е.", "Art.", "i.e.", "e.g.", "5", "2021", "(1)", "a.", "b.", "I", "He", "Он",
          "said", "сказал", "side", "сторона", "“quoted.”", "(see", "p.m.", "Inc.", ".", "?",
          "!", "—", "1.", "2.", "ii.", "Taiwan.", "Китай.", "Jan.", "12."]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=5, max_size=80),
       st.sampled_from(["en", "ru"]))
def test_random_abbreviation_paragraphs(tokens: list[str], language: str) -> None:
    _same(" ".join(tokens), language)
