"""The fast pysbd pass (repeated no-op abbreviation rescans skipped) against pysbd itself.

``bilat.text.segment._segmenter(lang)`` skips the abbreviation rescans that cannot change the
text; ``_segmenter(lang, fast=False)`` is pysbd unchanged. Both must cut every text into the
same pieces: the tricky abbreviations of readout prose, real readouts and Kremlin texts, and
random paragraphs built from abbreviation-heavy tokens.
"""

from __future__ import annotations

import csv
import random
import re

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


def test_spaces_table_is_every_whitespace_character() -> None:
    assert sorted(seg._SPACES) == [c for c in range(0x110000) if chr(c).isspace()]


LISTS = [
    "The sides agreed on: 1. trade; 2. energy. 3. Security is next. 1) Visits 2) talks 3) "
    "plans. a. first b. second c. third. (i) one (ii) two. See No. 5 and p. 7, e.g. U.S. "
    "policy, i.e. the U.S. He left at 5 p.m. on Jan. 12. Mr. Xi and Dr. Li met.",
    "Стороны договорились: 1. торговля; 2. энергетика. 3. Безопасность. В т.ч. ст. 7, т. е. "
    "5 млрд долл. в 2021 г. Президенты (1) обсудили (2) вопросы. Адм.-терр. деление и т.д.",
]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_long_paragraphs_with_lists_and_abbreviations(language: str) -> None:
    """One paragraph of many repeats: the list and abbreviation passes see every number and
    abbreviation many times (the repeats the fast pass skips)."""
    for text in LISTS:
        _same(" ".join([text] * 30), language)
        _same(" ".join(f"{k % 12 + 1}. {text}" for k in range(20)), language)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(TOKENS + ["1)", "2)", "3)", "(a)", "(b)", "a.", "b.", "c.",
                                          "ii)", "∯", "♨", "&", "'", "\"", "“", "”", "\r",
                                          "e.g.", "U.S.A.", "адм.-терр."]),
                min_size=5, max_size=120),
       st.sampled_from(["en", "ru"]))
def test_random_list_paragraphs(tokens: list[str], language: str) -> None:
    _same(" ".join(tokens), language)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["No", "no", "p", "Art", "Mr", "dr", "U.S", ".", " ", "  ", "5",
                                 "(", ":", ":3", "-", "?", ",", "a", "I", "I'm", "\n", "∯",
                                 "x"]), max_size=40),
       st.sampled_from(["No", "p", "Mr", "dr", "U.S", "Art"]))
def test_period_rescans_equal_re_sub(tokens: list[str], abbr: str) -> None:
    """``_sub_periods`` makes the string pysbd's ``re.sub`` makes, for each of its patterns."""
    text = "".join(tokens)
    for pattern, lead in [(seg._PREPOSITIVE, True), (seg._PRE_NUMBER, True),
                          (seg._PERIOD, True), *((p, False) for p in seg._PERIOD_RU)]:
        formatted = pattern.format(abbr=re.escape(abbr) if pattern == seg._PERIOD else abbr)
        if abbr == "U.S" and pattern != seg._PERIOD:
            continue  # unescaped "." is a wildcard there: never sent to _sub_periods
        expect = re.sub(formatted, "∯", " " + text)[1:] if lead else re.sub(formatted, "∯", text)
        assert seg._sub_periods(text, abbr, formatted, lead) == expect


def test_rule_text_equals_pysbd_text() -> None:
    """Every rule of the English and Russian modules, applied through ``_RuleText`` (rules
    that cannot match skipped) and through pysbd's ``Text``, on strings built from the rules'
    own special characters."""
    from pysbd.languages import Language
    from pysbd.utils import Rule, Text

    rules: list[Rule] = []
    for code in ("en", "ru"):
        todo = [Language.get_language_code(code)]
        seen: set[int] = set()
        while todo:
            obj = todo.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            for name in dir(obj):
                if name.startswith("__"):
                    continue
                value = getattr(obj, name, None)
                if isinstance(value, Rule):
                    rules.append(value)
                elif isinstance(value, list) and value and all(isinstance(v, Rule) for v in value):
                    rules.extend(value)
                elif isinstance(value, type):
                    todo.append(value)
    assert len(rules) > 40
    chars = sorted({ch for r in rules for ch in r.pattern if not ch.isalnum()} | set("aZ1 .\r"))
    rng = random.Random(3)
    for _ in range(300):
        s = "".join(rng.choice(chars + ["Mr", "U.S.", "1.", "e.g.", "'s", "ȸ", "∯", "&ᓰ&"])
                    for _ in range(rng.randrange(1, 30)))
        for rule in rules:
            assert seg._RuleText(s).apply(rule) == Text(s).apply(rule)


def _sentences_uncached(text: str, language: str) -> list[tuple[int, int]]:
    """Sentences computed on the whole document, paragraph by paragraph, as before the
    per-paragraph cache (the rules see the document itself, not a paragraph copy)."""
    out = []
    for para in seg.paragraphs(text):
        if language in seg._CJK:
            spans = seg._cjk_sentences(para.text, para.start)
        else:
            plain = para.text.replace("\u00a0", " ").replace("\n", " ")
            pieces = seg._segmenter(language).segment(plain)
            spans = seg._post_rules(text, seg._locate(plain, pieces, para.start))
        out.extend((s, e) for s, e in spans if e > s)
    return out


def test_paragraph_cache_equals_whole_document(shared_data) -> None:
    """Sentences remembered per paragraph (with the characters before it) are those computed
    on the whole document: real readouts, and paragraphs repeated after different endings."""
    texts = [(p.read_text(encoding="utf-8"), p.stem.split("_")[1])
             for p in sorted((shared_data / "texts" / "readouts").glob("*/*.txt"))]
    crafted = ["Итоги за 5\nг. Москва приняла делегацию. Далее 7 тыс.\nРуб. Итоги.",
               "In 2021 the U.S.\nThe sides met. No. 5\n\nThe sides met. No. 5",
               "5 млрд долл.\n\nТоварооборот вырос. 2021 г.\nВ Москве прошли переговоры."]
    texts += [(t, lang) for t in crafted for lang in ("ru", "en")]
    seg._paragraph_spans.cache_clear()
    for text, language in texts + texts:  # the second round is served from the cache
        got = [(s.start, s.end) for s in seg.sentences(text, language)]
        assert got == _sentences_uncached(text, language)
