"""Claims: speaker attribution (carried across sentences), issues, stance, modality, negation."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.text.claims import extract_claims, modality_of, negated_in, stance_of
from bilat.text.documents import document_from_text, load_document

TEXTS = Path(__file__).resolve().parents[1] / "fixtures" / "texts"


def _claims(text: str, side: str = "CHN", language: str | None = None, issuer: str = "MFA"):
    doc = document_from_text(text, side=side, issuer=issuer, language=language)
    return doc, extract_claims(doc)


def test_offsets_point_into_the_document() -> None:
    doc = load_document(TEXTS / "aug2021_chn_en.txt", side="CHN")
    claims = extract_claims(doc)
    assert len(claims) >= 8
    for i, c in enumerate(claims):
        assert doc.text[c.start:c.end] == c.text
        assert c.index == i
        assert c.claim_id == f"{doc.doc_id}:{i}"


def test_english_attribution_carries_across_sentences() -> None:
    _, claims = _claims(
        "Xi Jinping pointed out that this year marks the 20th anniversary of the treaty. "
        "China is ready to deepen trade with Russia. He stressed that the two countries "
        "should coordinate on Afghanistan.\n\n"
        "Putin said that Russia values the partnership. He added that Russia firmly supports "
        "China's position on Taiwan.\n\n"
        "The two heads of state agreed to maintain close contact.\n\n"
        "The call took place in a friendly atmosphere."
    )
    got = [(c.speaker, c.speaker_side, c.attributed) for c in claims]
    assert got[0] == ("Xi Jinping", "CHN", True)
    assert got[1][1] == "CHN"  # "China is ready…" inside Xi's paragraph
    assert got[2] == ("Xi Jinping", "CHN", True)  # "He stressed"
    assert got[3] == ("Vladimir Putin", "RUS", True)
    assert got[4] == ("Vladimir Putin", "RUS", True)  # "He added"
    assert got[5] == ("both sides", "BOTH", True)
    assert got[6] == ("MFA", "CHN", False)  # narration: the issuer itself


def test_attribution_carries_only_while_the_text_reports_that_speaker() -> None:
    # English: a sentence with no speaker of its own is the narrator's (issue 13)
    _, claims = _claims("Putin said that relations are at their best. The partnership is "
                        "not directed against third countries. It was agreed to maintain "
                        "contacts. He added that trade grew.", side="CHN")
    assert claims[0].speaker == "Vladimir Putin"
    assert not claims[1].attributed and not claims[2].attributed
    assert claims[3].speaker == "Vladimir Putin"  # a pronoun continues the speaker
    # Chinese reported speech runs on until another speaker or the narrator's joint frame
    doc = document_from_text("习近平指出，中俄关系不断发展。双方应该加强合作。"
                             "美方应尊重中国核心利益。两国元首同意保持沟通。"
                             "丁薛祥、王毅等参加会见。", side="CHN")
    cs = extract_claims(doc)
    assert [c.speaker_side if c.attributed else "NARR" for c in cs] == [
        "CHN", "CHN", "CHN", "BOTH", "NARR"]
    assert cs[1].extra["carried"] is True


def test_impersonal_and_joint_framing_is_not_the_last_named_leader() -> None:
    _, claims = _claims("Xi Jinping stressed that he respected the decision. The two leaders "
                        "assessed the situation. They noted that sanctions were unacceptable. "
                        "The conversation was held in a friendly atmosphere.", side="RUS")
    sides = [c.speaker_side if c.attributed else "NARR" for c in claims]
    assert sides == ["CHN", "BOTH", "BOTH", "NARR"]
    doc = document_from_text("В ходе разговора проведён обмен мнениями. С китайской стороны "
                             "выражена поддержка диалогу. Лидеры подчеркнули важность связки. "
                             "Разговор носил тёплый характер.", side="RUS", language="ru")
    cs = extract_claims(doc)
    assert [c.speaker_side if c.attributed else "NARR" for c in cs] == [
        "NARR", "CHN", "BOTH", "NARR"]


def test_transcript_turns_speak_until_the_next_turn() -> None:
    text = ("Vladimir Putin held talks with Xi Jinping. Beginning of talks President of Russia "
            "Vladimir Putin: President Xi, my dear friend, I am delighted to see you. Trade grew "
            "by 31 percent. President of the People's Republic of China Xi Jinping(retranslated):"
            " I appreciate this very much. Our countries are acting as responsible powers.")
    _, claims = _claims(text, side="RUS")
    def who(words: str) -> tuple[str | None, bool]:
        c = next(c for c in claims if words in c.text)
        return c.speaker_side, c.attributed

    assert who("Trade grew by 31 percent.") == ("RUS", True)
    assert who("I appreciate this very much.") == ("CHN", True)
    assert who("Our countries are acting as responsible powers.") == ("CHN", True)
    first = next(c for c in claims if "delighted" in c.text)
    assert first.speaker == "Vladimir Putin"  # the addressed "President Xi" is not the speaker

def test_in_a_transcript_turn_countries_talked_about_are_not_speakers() -> None:
    # Putin's turn talks about China and about both countries: still Putin speaking, also
    # after an addressed full name; "the Chinese side" and "the two leaders" remain agents
    text = ("Vladimir Putin held talks with Xi Jinping. Beginning of talks President of Russia "
            "Vladimir Putin: President Xi Jinping, my friend, I do hope to meet you in Beijing. "
            "China has become a centre for the production of Russian vaccines. "
            "Russia and China's close coordination is a factor of stability. "
            "Our countries are acting as responsible powers should. "
            "The Chinese side proposed a new date. The two leaders agreed on it.")
    _, claims = _claims(text, side="RUS")

    def side(words: str) -> str | None:
        return next(c for c in claims if words in c.text).speaker_side

    assert side("I do hope to meet you in Beijing") == "RUS"  # "President Xi Jinping, my friend"
    assert side("China has become a centre") == "RUS"
    assert side("Russia and China's close coordination") == "RUS"
    assert side("Our countries are acting") == "RUS"
    assert side("The Chinese side proposed") == "CHN"
    assert side("The two leaders agreed") == "BOTH"


def test_titles_and_sides_as_speakers() -> None:
    _, claims = _claims(
        "Vladimir Putin had a telephone conversation with Xi Jinping.\n\n"
        "The Russian President noted the anniversary of the treaty.\n\n"
        "The Russian side reaffirmed its support for the one-China principle.",
        side="RUS", issuer="Kremlin")
    assert claims[1].speaker == "Vladimir Putin" and claims[1].speaker_side == "RUS"
    assert claims[2].speaker_side == "RUS" and claims[2].issues == ("taiwan",)


def test_russian_speakers() -> None:
    _, claims = _claims(
        "Путин отметил, что российская сторона твёрдо поддерживает позицию Китая по Тайваню. "
        "Он подчеркнул важность сотрудничества.\n\n"
        "Стороны договорились поддерживать контакты.\n\n"
        "Китайская сторона с пониманием относится к позиции России.", language="ru")
    assert [(c.speaker, c.speaker_side) for c in claims] == [
        ("Vladimir Putin", "RUS"), ("Vladimir Putin", "RUS"), ("both sides", "BOTH"),
        ("China", "CHN")]
    assert claims[0].stance == "firmly_supports"
    assert claims[0].issues == ("taiwan",)
    assert claims[3].stance == "understands"


def test_bare_title_is_the_issuers_leader_when_the_other_title_is_qualified() -> None:
    # Akorda: "Президентом России Владимиром Путиным" does not make "Президент" mean Putin
    _, claims = _claims(
        "Глава государства Касым-Жомарт Токаев провел телефонный разговор с Президентом России "
        "Владимиром Путиным.\n\n"
        "Президент выразил благодарность Владимиру Путину за оперативное решение.",
        side="KAZ", language="ru", issuer="Akorda")
    assert claims[1].speaker_side == "KAZ"
    assert claims[1].speaker == "Kassym-Jomart Tokayev"


def test_chinese_speakers() -> None:
    _, claims = _claims(
        "习近平指出，中俄关系很好。他强调，双方应加强合作。\n\n"
        "普京表示，俄方坚定支持中方在台湾问题上的立场。\n\n两国元首同意保持密切联系。\n\n俄方注意到中方的立场。",
        language="zh")
    assert [(c.speaker, c.speaker_side) for c in claims] == [
        ("Xi Jinping", "CHN"), ("Xi Jinping", "CHN"), ("Vladimir Putin", "RUS"),
        ("both sides", "BOTH"), ("Russia", "RUS")]
    assert claims[2].stance == "firmly_supports"
    assert claims[3].modality == "agreed"
    assert claims[4].stance == "notes"


@pytest.mark.parametrize(
    ("text", "lang", "stance"),
    [
        ("Russia unswervingly supports China's position.", "en", "firmly_supports"),
        ("Russia firmly supports China's position.", "en", "firmly_supports"),
        ("Russia supports China's position.", "en", "supports"),
        ("Russia understands China's position.", "en", "understands"),
        ("Russia takes note of China's position.", "en", "notes"),
        ("Putin noted that trade grew.", "en", None),
        ("Россия твёрдо поддерживает позицию Китая.", "ru", "firmly_supports"),
        ("Россия поддерживает позицию Китая.", "ru", "supports"),
        ("Россия с пониманием относится к позиции Китая.", "ru", "understands"),
        ("Россия принимает к сведению позицию Китая.", "ru", "notes"),
        ("俄方坚定支持中方立场。", "zh", "firmly_supports"),
        ("俄方支持中方立场。", "zh", "supports"),
        ("俄方理解中方立场。", "zh", "understands"),
        ("俄方注意到中方立场。", "zh", "notes"),
    ],
)
def test_stance_strength(text: str, lang: str, stance: str | None) -> None:
    assert stance_of(text, lang)[0] == stance


@pytest.mark.parametrize(
    ("text", "lang", "modality"),
    [
        ("The two sides will expand trade.", "en", "will"),
        ("China is ready to expand trade.", "en", "ready_to"),
        ("The two sides agreed to expand trade.", "en", "agreed"),
        ("The two sides should expand trade.", "en", "should"),
        ("Xi expressed the hope that trade grows.", "en", "hope"),
        ("Стороны готовы расширять торговлю.", "ru", "ready_to"),
        ("Стороны будут расширять торговлю.", "ru", "will"),
        ("双方同意扩大贸易。", "zh", "agreed"),
        ("中方愿同俄方扩大贸易。", "zh", "ready_to"),
    ],
)
def test_modality(text: str, lang: str, modality: str) -> None:
    assert modality_of(text, lang)[0] == modality


@pytest.mark.parametrize(
    ("text", "lang", "negated"),
    [
        ("Russia does not support the proposal.", "en", True),
        ("Russia not only supports but also backs it.", "en", False),
        ("The principle of non-interference was stressed.", "en", False),
        ("Россия не поддерживает это предложение.", "ru", True),
        ("Россия не только поддерживает, но и помогает.", "ru", False),
        ("俄方不支持这一提议。", "zh", True),
        ("双方不断深化合作。", "zh", False),
    ],
)
def test_negation(text: str, lang: str, negated: bool) -> None:
    assert negated_in(text, lang) is negated


def test_opposition_and_issue_spans() -> None:
    doc, claims = _claims("Russia firmly opposes any interference in China's internal affairs "
                          "and supports its position on Xinjiang.", side="CHN")
    c = claims[0]
    assert c.opposes is True
    assert set(c.issues) == {"interference", "xinjiang"}
    for key, start, end in c.extra["issue_spans"]:
        assert key in c.issues
        assert doc.text[start:end].lower() in ("interference", "internal affairs", "xinjiang")
