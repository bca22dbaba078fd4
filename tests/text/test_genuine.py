"""Genuine readouts from the data mirror (../shared/data/texts/readouts): a pair with its key
labels, who said what, sides inferred from the opening words, and the labelled set itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilat.text.claims import extract_claims
from bilat.text.documents import document_from_text
from bilat.text.readouts import compare_readouts, infer_side

GENUINE = Path(__file__).resolve().parents[2] / "evaluation" / "readouts" / "genuine" / "pairs"


def _doc(shared_data: Path, event: str, name: str, side: str | None = None):  # noqa: ANN202
    path = shared_data / "texts" / "readouts" / event / name
    return document_from_text(path.read_text(encoding="utf-8"), side=side,
                              language=name.split("_")[1][:2], date=event[:10], event=event)


@pytest.fixture(scope="module")
def call_2022(shared_data: Path):  # noqa: ANN201
    event = "2022-02-25_xi-putin-call"
    cn = _doc(shared_data, event, "CHN_zh.txt", "CHN")
    ru = _doc(shared_data, event, "RUS_en.txt", "RUS")
    return cn, ru, compare_readouts([cn, ru])


def _result(cmp, words: str):  # noqa: ANN001, ANN202
    found = [r for r in cmp.results if words in r.claim.text]
    assert found, words
    return found[0]


def test_genuine_xi_putin_call_of_25_february_2022_key_labels(call_2022) -> None:
    cn, ru, cmp = call_2022
    # the Kremlin has Xi "respecting the actions of the Russian leadership"; China's own text
    # does not: an unconfirmed attribution to China
    xi = _result(cmp, "respected the actions of the Russian leadership")
    assert (xi.claim.speaker_side, xi.label) == ("CHN", "unconfirmed_attribution")
    assert "unconfirmed" in xi.flags and 0 < xi.confidence <= 1 and xi.confidence_reason
    # joint framing is both sides', not the last-named leader's
    assessed = _result(cmp, "The two leaders assessed the current international situation")
    assert assessed.claim.speaker_side == "BOTH"
    assert assessed.label == "unconfirmed_attribution"
    # impersonal framing is the narrator's: not attributed to anybody
    for words in ("It was agreed to maintain close personal contact",
                  "the conversation was constructive and friendly"):
        r = _result(cmp, words)
        assert not r.claim.attributed and r.label == "one_sided"
    # Putin's Olympic congratulations are in both texts
    congrats = _result(cmp, "普京就北京冬奥会圆满成功")
    other = _result(cmp, "Vladimir Putin congratulated Xi Jinping")
    assert congrats.label == "shared" and congrats.counterpart == other.claim.claim_id
    # Chinese reported speech: Putin's statement continues in the next sentence
    talks = _result(cmp, "俄方愿意同乌方开展高级别谈判")
    assert talks.claim.speaker_side == "RUS"
    # Putin's complaint about the US and NATO is cut from his account and stays unconfirmed
    nato = _result(cmp, "美国和北约长期无视俄罗斯合理安全关切")
    assert nato.claim.text.startswith("表示") and nato.label == "unconfirmed_attribution"


def test_genuine_russian_kremlin_text_speakers(shared_data: Path) -> None:
    ru = _doc(shared_data, "2025-02-24_xi-putin-call", "RUS_ru.txt", "RUS")
    sides = {c.text[:30]: (c.speaker_side if c.attributed else "NARR")
             for c in extract_claims(ru)}
    assert sides["С китайской стороны выражена п"] == "CHN"
    assert sides["Лидеры особо подчеркнули, что "] == "BOTH"
    assert sides["Обсуждены пути расширения взаи"] == "NARR"
    assert sides["Разговор носил тёплый и дружес"] == "NARR"


def test_sides_inferred_from_unambiguous_opening_words(shared_data: Path) -> None:
    right = wrong = none = 0
    for path in sorted((shared_data / "texts" / "readouts").glob("*/*_*.txt")):
        doc = document_from_text(path.read_text(encoding="utf-8"),
                                 language=path.stem.split("_")[1])
        found = infer_side(doc)
        if found is None:
            none += 1
        elif found[0] == path.stem.split("_")[0]:
            right += 1
        else:
            wrong += 1
    assert wrong == 0 and right >= 35 and none <= 3
    # a briefing "on the conversation between A and B" names no issuer: no guess, a warning
    brief = document_from_text("Yury Ushakov briefed media representatives on the telephone "
                               "conversation between President of Russia Vladimir Putin and "
                               "President of the United States Joseph Biden.")
    assert infer_side(brief) is None
    wh = document_from_text("President Joseph R. Biden, Jr. spoke today with President Vladimir "
                            "Putin of Russia. President Biden urged Russia to de-escalate.")
    cmp = compare_readouts([brief, wh], force=True)
    assert cmp.documents[1].side == "USA" and cmp.documents[0].side is None
    assert any(n.startswith("WARNING") and brief.doc_id in n for n in cmp.notes)
    assert any("inferred" in n and wh.doc_id in n for n in cmp.notes)


def test_labelled_genuine_pairs_point_into_the_mirror(shared_data: Path) -> None:
    files = sorted(GENUINE.glob("*.json"))
    assert len(files) == 15  # every complete pair of the mirror (SOURCES.md)
    labels = speakers = 0
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        assert data["real"] is True
        texts = [(shared_data / "texts" / "readouts" / d["file"]).read_text(encoding="utf-8")
                 for d in data["documents"]]
        assert {lab["doc"] for lab in data["labels"]} == {0, 1}  # both directions
        for lab in data["labels"]:
            assert texts[lab["doc"]].count(lab["quote"]) == 1
            assert lab["label"] in ("shared", "divergent", "one_sided",
                                    "unconfirmed_attribution")
            assert lab["speaker"] in ("CHN", "RUS", "USA", "BOTH", "NARR")
            labels += 1
            speakers += lab["speaker"] != "NARR"
    assert labels > 800 and speakers > 600
