"""Claim similarity: lexical (language-aware tokens), language-independent features, embeddings."""

from __future__ import annotations

import sys

import pytest

from bilat.errors import BilatError
from bilat.text.align import (
    EmbeddingAligner,
    FeatureAligner,
    LexicalAligner,
    get_aligner,
    is_event_frame,
    tokens,
)
from bilat.text.claims import extract_claims
from bilat.text.documents import document_from_text


def _claims(text: str, side: str, language: str | None = None):
    return extract_claims(document_from_text(text, side=side, language=language))


def test_tokens_are_stems_without_stop_words_and_han_bigrams() -> None:
    # register concepts of data/concepts.json come first (sorted), then stems / bigrams
    en = tokens("The two sides agreed to deepen cooperation", "en")
    assert en == ["~cooperation", "~agree", "~deepen", "~cooperate"]
    ru = tokens("Стороны договорились о сотрудничестве", "ru")
    assert ru == ["~cooperation", "~agree", "~cooperate"]
    zh = tokens("双方同意加强合作", "zh")
    assert zh[:1] == ["~cooperation"]
    assert zh[1:] == ["~agree", "~deepen", "~cooperate", "双方", "方同", "同意", "意加", "加强",
                      "强合", "合作"]


def test_concepts_bridge_the_three_languages() -> None:
    from bilat.text.align import bridge_tokens

    en = bridge_tokens("The two leaders tasked their teams to follow up.", "en")
    zh = bridge_tokens("两国元首责成两国工作团队及时跟进。", "zh")
    ru = bridge_tokens("Лидеры поручили командам обеспечить реализацию договорённостей.", "ru")
    assert {"~team", "~followup"} <= en & zh
    assert "~team" in ru and "~followup" in ru


def test_paraphrase_scores_above_unrelated_claim() -> None:
    a = _claims("The two heads of state agreed to maintain close communication.", "CHN")
    b = _claims("It was agreed to continue contacts at various levels. The leaders discussed "
                "the situation in Afghanistan.", "RUS")
    sim = LexicalAligner().similarity(a, b)
    assert sim.shape == (1, 2)
    assert sim[0, 0] > sim[0, 1]


def test_issue_overlap_raises_the_score() -> None:
    a = _claims("Russia supports China's position on Taiwan.", "CHN")
    b = _claims("Russia supports the one-China principle.\n\nRussia supports the SCO.", "RUS")
    sim = LexicalAligner().similarity(a, b)
    assert sim[0, 0] > sim[0, 1]


def test_feature_aligner_works_across_languages() -> None:
    a = _claims("普京表示，俄方坚定支持中方在台湾问题上的立场。\n\n两国元首就阿富汗局势交换意见。",
                "CHN", "zh")
    b = _claims("Лидеры обменялись мнениями о ситуации в Афганистане.", "RUS", "ru")
    sim = FeatureAligner().similarity(a, b)
    assert sim[1, 0] > 0.5 and sim[1, 0] > 2 * sim[0, 0]  # Afghanistan + "~discuss" in both
    assert sim[0, 0] < 0.3  # Taiwan vs Afghanistan: only the generic "question/situation"


def test_feature_aligner_needs_more_than_one_concept_or_issues_on_both_sides() -> None:
    from bilat.text.align import concepts

    assert "~nuclear" not in concepts("不能损害彼此核心利益")  # core interests
    assert "~nuclear" in concepts("维持由人类控制核武器使用的决定")
    zh = _claims("习近平表示，不应纵容和支持挑衅冲动。\n\n"
                 "两国元首都认为，这次会晤坦诚深入，是建设性的。", "CHN", "zh")
    en = _claims("He expressed deep concern over the PRC’s continued support for Russia’s "
                 "defense industrial base.\n\nThe two leaders had a candid, constructive "
                 "discussion.", "USA", "en")
    sim = FeatureAligner().similarity(zh, en)
    # one concept in common ("support") is thin evidence; "candid" + "constructive" is not,
    # and a claim naming no issue is not penalised for not sharing the other's issues
    assert sim[1, 1] > 0.5
    assert sim[0, 0] < sim[1, 1] / 2
    full = FeatureAligner(single_factor=1.0).similarity(zh, en)
    assert sim[0, 0] < full[0, 0]


def test_event_frames_match_each_other() -> None:
    a = _claims("On August 25, President Xi Jinping spoke with Russian President Vladimir Putin "
                "on the phone.", "CHN")
    b = _claims("Vladimir Putin had a telephone conversation with Xi Jinping.", "RUS")
    assert is_event_frame(a[0]) and is_event_frame(b[0])
    assert LexicalAligner().similarity(a, b)[0, 0] >= 0.7


def test_unknown_aligner_name() -> None:
    with pytest.raises(BilatError) as exc:
        get_aligner("bert")
    assert exc.value.code == "E316"


def test_embeddings_extra_missing_gives_install_command(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails
    aligner = get_aligner("embeddings")
    assert isinstance(aligner, EmbeddingAligner)  # constructing is free: the import is lazy
    a = _claims("Russia supports China's position on Taiwan.", "CHN")
    with pytest.raises(BilatError) as exc:
        aligner.similarity(a, a)
    assert exc.value.code == "E002"
    assert "pip install 'bilat[embeddings]'" in str(exc.value)

