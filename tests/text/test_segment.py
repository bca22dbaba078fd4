"""Sentences, paragraphs and claims with exact offsets in English, Russian and Chinese."""

from __future__ import annotations

import pytest

from bilat.text.segment import claim_spans, paragraphs, segment, sentences


def _check_offsets(text: str, spans: list) -> None:
    for s in spans:
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip()


def test_english_abbreviations_stay_in_their_sentence() -> None:
    text = ("Mr. Xi met the U.S. envoy on Monday. He said the U.S. side should stop. "
            "Dr. Li agreed.")
    sents = sentences(text, "en")
    _check_offsets(text, sents)
    assert [s.text for s in sents] == [
        "Mr. Xi met the U.S. envoy on Monday.",
        "He said the U.S. side should stop.",
        "Dr. Li agreed.",
    ]


def test_russian_abbreviations_and_initials() -> None:
    text = ("Путин отметил, т.е. подчеркнул, что в 2021 г. отношения развиваются. "
            "В.В. Путин и Си Цзиньпин согласились, в т.ч. по энергетике и т.д. Далее.")
    sents = sentences(text, "ru")
    _check_offsets(text, sents)
    assert [s.text for s in sents] == [
        "Путин отметил, т.е. подчеркнул, что в 2021 г. отношения развиваются.",
        "В.В. Путин и Си Цзиньпин согласились, в т.ч. по энергетике и т.д.",
        "Далее.",
    ]


def test_chinese_sentence_ends_keep_closing_quotes() -> None:
    text = "习近平指出，中俄关系很好。普京表示：“俄方坚定支持中方。”双方同意加强合作！还有吗？好的"
    sents = sentences(text, "zh")
    _check_offsets(text, sents)
    assert [s.text for s in sents] == [
        "习近平指出，中俄关系很好。", "普京表示：“俄方坚定支持中方。”", "双方同意加强合作！",
        "还有吗？", "好的",
    ]


def test_chinese_paragraph_inside_another_language_document() -> None:
    text = "Xinhua reported the call.\n\n习近平指出，中俄关系很好。普京表示同意。"
    sents = sentences(text, "en")
    assert [s.text for s in sents][-2:] == ["习近平指出，中俄关系很好。", "普京表示同意。"]


def test_paragraphs_by_blank_lines_else_line_breaks() -> None:
    text = "  First para line one.\nline two.\n\n\nSecond para.  \n"
    paras = paragraphs(text)
    _check_offsets(text, paras)
    assert [p.text for p in paras] == ["First para line one.\nline two.", "Second para."]
    single = "One.\nTwo.\nThree."
    assert [p.text for p in paragraphs(single)] == ["One.", "Two.", "Three."]


def test_sentences_never_cross_paragraphs() -> None:
    text = "Xi said this\n\nand Putin said that."
    assert [s.text for s in sentences(text, "en")] == ["Xi said this", "and Putin said that."]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Xi Jinping said China is ready to deepen trade with Russia, and Putin said Russia "
         "will expand gas supplies to China.", "en",
         ["Xi Jinping said China is ready to deepen trade with Russia",
          "Putin said Russia will expand gas supplies to China."]),
        ("Russia supports China on Taiwan, Hong Kong, Xinjiang and the South China Sea; the two "
         "sides will strengthen coordination in the SCO and BRICS.", "en",
         ["Russia supports China on Taiwan, Hong Kong, Xinjiang and the South China Sea",
          "the two sides will strengthen coordination in the SCO and BRICS."]),
        ("Путин отметил рост товарооборота между двумя странами, и Си Цзиньпин подчеркнул "
         "важность энергетического сотрудничества.", "ru",
         ["Путин отметил рост товарооборота между двумя странами",
          "Си Цзиньпин подчеркнул важность энергетического сотрудничества."]),
        ("双方同意深化经贸合作；两国元首同意加强在上合组织框架内的协调。", "zh",
         ["双方同意深化经贸合作", "两国元首同意加强在上合组织框架内的协调。"]),
    ],
)
def test_sentences_with_several_claims_are_split(text: str, lang: str, expected: list) -> None:
    sent = sentences(text, lang)[0]
    parts = claim_spans(sent, lang, "xi jinping|putin|russia|china|путин\\w*|си цзиньпин\\w*")
    _check_offsets(text, parts)
    assert [p.text for p in parts] == expected


def test_enumeration_of_issues_stays_one_claim() -> None:
    text = ("Russia unswervingly supports China's legitimate positions on issues related to "
            "Taiwan, Hong Kong, Xinjiang and the South China Sea.")
    claims = segment(text, "en", "russia|china")
    assert len(claims) == 1
    assert claims[0].text == text


def test_segment_numbers_sentences_and_paragraphs() -> None:
    text = "A first sentence here. A second one here.\n\nA third sentence here."
    segs = segment(text, "en")
    assert [(s.sentence_index, s.paragraph_index) for s in segs] == [(0, 0), (1, 0), (2, 1)]
    _check_offsets(text, segs)
