"""Readout comparison: every label in en/ru/zh, the August 2021 case, events, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.store import Store
from bilat.text.documents import document_from_text, load_document, save_document
from bilat.text.readouts import Comparison, compare_readouts, has_figure, intensified

TEXTS = Path(__file__).resolve().parents[1] / "fixtures" / "texts"
DATE = "2021-08-25"


def _doc(name: str, side: str):
    return load_document(TEXTS / name, side=side, date=DATE)


def _label_of(cmp: Comparison, fragment: str) -> str:
    hits = [r for r in cmp.results if fragment in r.claim.text]
    assert len(hits) == 1, f"{fragment!r} is in {len(hits)} claims"
    return hits[0].label


@pytest.mark.parametrize("lang", ["en", "ru", "zh"])
def test_august_2021_taiwan_claim_is_an_unconfirmed_attribution(lang: str) -> None:
    cmp = compare_readouts([_doc(f"aug2021_chn_{lang}.txt", "CHN"),
                            _doc(f"aug2021_rus_{lang}.txt", "RUS")])
    flagged = [r for r in cmp.results if r.label == "unconfirmed_attribution"]
    taiwan = [r for r in flagged if "taiwan" in r.claim.issues]
    assert len(taiwan) == 1
    r = taiwan[0]
    assert r.claim.speaker_side == "RUS" and r.side == "CHN"
    assert set(r.claim.issues) >= {"taiwan", "hong_kong", "xinjiang", "south_china_sea"}
    assert r.claim.stance == "firmly_supports"
    assert "unconfirmed" in r.flags
    doc = cmp.documents[0]
    assert doc.text[r.claim.start:r.claim.end] == r.claim.text
    assert {"taiwan", "hong_kong", "xinjiang", "south_china_sea"} <= set(
        cmp.issues_only_in[doc.doc_id])


def test_the_same_claim_in_the_kremlin_text_is_confirmed() -> None:
    rus = document_from_text(
        "Vladimir Putin had a telephone conversation with Xi Jinping.\n\n"
        "Vladimir Putin said that Russia unswervingly supports China's legitimate positions on "
        "Taiwan, Hong Kong, Xinjiang and the South China Sea.", side="RUS", date=DATE)
    cmp = compare_readouts([_doc("aug2021_chn_en.txt", "CHN"), rus])
    assert _label_of(cmp, "unswervingly supports China's legitimate positions of") == "shared"


def test_english_labels_each_kind() -> None:
    chn = document_from_text(
        "On 1 March, President Xi Jinping held talks with President Vladimir Putin.\n\n"
        "Xi Jinping said that the two sides will expand cooperation in energy and natural gas.\n\n"
        "Xi stressed that China opposes unilateral sanctions and long-arm jurisdiction.\n\n"
        "Putin said that Russia firmly supports China's position on Taiwan.\n\n"
        "The two heads of state agreed to maintain close contacts at various levels.",
        side="CHN", date="2024-03-01")
    rus = document_from_text(
        "Vladimir Putin held talks with President of the People's Republic of China Xi Jinping.\n\n"
        "The leaders are ready to expand cooperation in energy, including natural gas supplies.\n\n"
        "The parties discussed the situation in the Arctic and the Northern Sea Route.\n\n"
        "It was agreed to continue contacts at various levels.",
        side="RUS", date="2024-03-01")
    cmp = compare_readouts([chn, rus])
    assert _label_of(cmp, "held talks with President Vladimir Putin") == "shared"
    assert _label_of(cmp, "maintain close contacts") == "shared"
    assert _label_of(cmp, "will expand cooperation in energy") == "divergent"
    assert _label_of(cmp, "are ready to expand cooperation") == "divergent"
    assert _label_of(cmp, "opposes unilateral sanctions") == "one_sided"
    # "The parties discussed …" attributes the discussion to both sides (issue 13): the other
    # readout's silence leaves it unconfirmed
    assert _label_of(cmp, "Northern Sea Route") == "unconfirmed_attribution"
    assert _label_of(cmp, "firmly supports China's position on Taiwan") == \
        "unconfirmed_attribution"
    r = cmp.result(next(r.claim.claim_id for r in cmp.results if "will expand" in r.claim.text))
    assert "modality will vs ready_to" in r.reasons
    assert r.counterpart is not None and r.counterpart_doc == rus.doc_id
    assert cmp.issues_only_in[rus.doc_id] == ["arctic"]


def test_overstated_attribution_is_divergent_and_flagged() -> None:
    chn = document_from_text("Putin said that Russia firmly supports the Global Security "
                             "Initiative proposed by China.", side="CHN", date=DATE)
    rus = document_from_text("Vladimir Putin said that Russia takes note of the Global Security "
                             "Initiative proposed by China.", side="RUS", date=DATE)
    cmp = compare_readouts([chn, rus])
    r = cmp.results[0]
    assert r.label == "divergent"
    assert "overstated" in r.flags
    assert any("stance firmly_supports vs notes" in x for x in r.reasons)


def test_intensifier_on_one_side_only_is_divergent_and_overstated() -> None:
    chn = document_from_text("Putin said that Russia firmly adheres to the one-China principle.",
                             side="CHN", date=DATE)
    rus = document_from_text("Vladimir Putin said that Russia adheres to the one-China principle.",
                             side="RUS", date=DATE)
    cmp = compare_readouts([chn, rus])
    first, second = cmp.results
    assert first.label == second.label == "divergent"
    assert "overstated" in first.flags and not second.flags
    assert any("'firmly' on one side only" in x for x in first.reasons)
    assert intensified(first.claim) == "firmly" and intensified(second.claim) is None


def test_directed_courtesies_do_not_confirm_each_other() -> None:
    usa = document_from_text(
        "President Biden welcomed Prime Minister Sunak to the White House today.\n\n"
        "The President thanked the Prime Minister for his leadership on the Windsor Framework.",
        side="USA", date="2023-06-08")
    gbr = document_from_text(
        "The Prime Minister met President Biden at the White House today.\n\n"
        "The Prime Minister thanked the President for his warm welcome and leadership.",
        side="GBR", date="2023-06-08")
    cmp = compare_readouts([usa, gbr])
    assert _label_of(cmp, "welcomed Prime Minister Sunak") == "shared"
    assert _label_of(cmp, "The President thanked the Prime Minister") == "one_sided"
    assert _label_of(cmp, "The Prime Minister thanked the President") == "one_sided"


def test_a_general_discussion_report_is_not_confirmed_by_a_specific_one() -> None:
    # "discussed the bilateral agenda" names no matter: the other readout's discussion of
    # strategic stability and ransomware does not confirm it
    rus = document_from_text(
        "Vladimir Putin had a video call with Joseph Biden.\n\n"
        "The two presidents discussed the bilateral agenda.", side="RUS", date="2021-12-07")
    usa = document_from_text(
        "President Biden held a video call with President Putin.\n\n"
        "The presidents also discussed strategic stability and ransomware.",
        side="USA", date="2021-12-07")
    cmp = compare_readouts([rus, usa])
    assert _label_of(cmp, "discussed the bilateral agenda") == "unconfirmed_attribution"
    # a general report confirms a general report, across languages too
    chn = document_from_text(
        "国家主席习近平应约同美国总统拜登通电话。\n\n两国元首就中美关系以及双方共同关心的问题坦诚"
        "深入交换了意见。", side="CHN", date="2024-04-02")
    usa = document_from_text(
        "President Biden spoke today with President Xi Jinping.\n\nThe two leaders held a "
        "candid and constructive discussion on a range of bilateral, regional, and global "
        "issues.", side="USA", date="2024-04-02")
    cmp = compare_readouts([chn, usa])
    assert _label_of(cmp, "交换了意见") == "shared"
    assert _label_of(cmp, "candid and constructive discussion") == "shared"


def test_an_attributed_position_is_not_confirmed_by_a_claim_without_one() -> None:
    # the Kremlin gives Xi a position ("respected"); China's text only says Ukraine was
    # discussed: no counterpart for the position, so the attribution stays unconfirmed
    rus = document_from_text(
        "Vladimir Putin had a telephone conversation with Xi Jinping.\n\n"
        "Xi Jinping said he respected the actions of the Russian leadership on Ukraine.",
        side="RUS", date="2022-02-25")
    chn = document_from_text(
        "国家主席习近平同俄罗斯总统普京通电话。\n\n双方重点就当前乌克兰局势交换意见。",
        side="CHN", date="2022-02-25")
    cmp = compare_readouts([rus, chn])
    xi = cmp.results[[r.claim.text for r in cmp.results].index(
        "Xi Jinping said he respected the actions of the Russian leadership on Ukraine.")]
    assert (xi.claim.speaker_side, xi.label) == ("CHN", "unconfirmed_attribution")
    assert "states no stance" in xi.reasons[1]
    # the discussion report of China's text takes it as its counterpart: said, not hidden
    assert "takes this claim as its counterpart" in xi.reasons[-1]
    # the Chinese report of the discussion is confirmed by the Kremlin's account of it
    assert _label_of(cmp, "乌克兰局势交换意见") == "shared"


def test_a_courtesy_in_a_transcript_belongs_to_its_speech() -> None:
    # "I appreciate this very much" says nothing another readout could confirm: it takes the
    # label of the shared part of the same speech instead of being an unconfirmed attribution
    rus = document_from_text(
        "Vladimir Putin held talks with Xi Jinping by videoconference.\n\n"
        "President of the People's Republic of China Xi Jinping(retranslated): Our trade and "
        "economic cooperation keeps growing, and we will deepen energy cooperation. "
        "I appreciate this very much. Thank you.", side="RUS", date="2021-12-15")
    chn = document_from_text(
        "国家主席习近平同俄罗斯总统普京举行视频会晤。\n\n"
        "习近平指出，中俄经贸合作持续增长，双方将深化能源合作。", side="CHN", date="2021-12-15")
    cmp = compare_readouts([rus, chn])
    assert _label_of(cmp, "Our trade and economic cooperation") == "shared"
    assert _label_of(cmp, "I appreciate this very much.") == "shared"
    assert _label_of(cmp, "Thank you.") == "shared"
    assert not [r for r in cmp.results if "unconfirmed" in r.flags]


def test_crossed_attributions_never_confirm_each_other() -> None:
    # each readout puts the appreciation in the *other* leader's mouth: neither is confirmed
    chn = document_from_text("Putin said that Russia appreciates China's fair position on the "
                             "Ukraine crisis.", side="CHN", date=DATE)
    rus = document_from_text("Xi Jinping said that China appreciates Russia's position on the "
                             "Ukraine crisis.", side="RUS", date=DATE)
    cmp = compare_readouts([chn, rus])
    assert [r.label for r in cmp.results] == ["unconfirmed_attribution"] * 2


def test_a_figure_only_one_side_gives_is_one_sided() -> None:
    chn = document_from_text(
        "On 5 June, President Xi Jinping held talks with President Vladimir Putin.\n\n"
        "Xi said that the two sides should optimise the structure of trade and expand "
        "agricultural trade.",
        side="CHN", date="2019-06-05")
    rus = document_from_text(
        "Vladimir Putin held talks with President of the People's Republic of China Xi Jinping.\n\n"
        "The parties intend to bring trade to 200 billion dollars.",
        side="RUS", date="2019-06-05")
    cmp = compare_readouts([chn, rus])
    r = next(r for r in cmp.results if "200 billion" in r.claim.text)
    # "The parties intend …" is a joint claim: with no counterpart it is unconfirmed (issue 13)
    assert r.label == "unconfirmed_attribution" and r.counterpart is None
    assert any("gives no figure" in x for x in r.reasons)
    assert has_figure("up 25 percent") and has_figure("2400亿美元")
    assert has_figure("45 миллиардов долларов")
    assert not has_figure("the 75th anniversary of the 2001 Treaty")


def test_the_compared_states_are_not_a_shared_issue() -> None:
    rus = document_from_text(
        "Vladimir Putin held talks with Aleksandr Lukashenko in the Kremlin.\n\n"
        "Russia will provide Belarus with a state loan for the purchase of grain.",
        side="RUS", date="2021-09-09")
    blr = document_from_text(
        "Aleksandr Lukashenko held talks with Vladimir Putin in Moscow.\n\n"
        "The presidents discussed the situation in Afghanistan and Belarus' role in the CSTO.",
        side="BLR", date="2021-09-09")
    cmp = compare_readouts([rus, blr])
    assert _label_of(cmp, "state loan") == "one_sided"


def test_cross_language_pair_uses_language_independent_features() -> None:
    cmp = compare_readouts([_doc("aug2021_chn_zh.txt", "CHN"), _doc("aug2021_rus_ru.txt", "RUS")])
    assert cmp.method == "features"
    assert any("issues, speakers and stance only" in n for n in cmp.notes)
    assert _label_of(cmp, "台湾") == "unconfirmed_attribution"
    assert _label_of(cmp, "通电话") == "shared"


def test_asymmetry_definition_and_value() -> None:
    cmp = compare_readouts([_doc("aug2021_chn_en.txt", "CHN"), _doc("aug2021_rus_en.txt", "RUS")])
    a, b = (cmp.documents[0].doc_id, cmp.documents[1].doc_id)
    assert cmp.asymmetry == pytest.approx(cmp.unmatched_share[a] - cmp.unmatched_share[b])
    assert "unmatched(A) - unmatched(B)" in cmp.asymmetry_definition
    data = json.loads(cmp.to_json())
    assert data["asymmetry_definition"] == cmp.asymmetry_definition
    assert {c["label"] for c in data["claims"]} <= {"shared", "divergent", "one_sided",
                                                    "unconfirmed_attribution"}
    for c in data["claims"]:
        doc = cmp.documents[0] if c["doc_id"] == a else cmp.documents[1]
        assert doc.text[c["start"]:c["end"]] == c["text"]
    counts = cmp.counts()
    assert counts["claims"].sum() == len(cmp.results)


def test_three_documents() -> None:
    third = document_from_text("Xinhua: Xi Jinping and Vladimir Putin spoke by phone and "
                               "discussed Afghanistan and the SCO.", side="CHN", date=DATE)
    cmp = compare_readouts([_doc("aug2021_chn_en.txt", "CHN"), _doc("aug2021_rus_en.txt", "RUS"),
                            third])
    assert len(cmp.documents) == 3
    assert cmp.asymmetry >= 0
    assert any("same side" in n for n in cmp.notes)


def test_stored_ids_as_inputs(store: Store) -> None:
    a = save_document(store, _doc("aug2021_chn_en.txt", "CHN"))
    b = save_document(store, _doc("aug2021_rus_en.txt", "RUS"))
    cmp = compare_readouts([a.doc_id[:8], b.doc_id], store=store)
    assert [d.side for d in cmp.documents] == ["CHN", "RUS"]


@pytest.mark.parametrize(
    ("meta_a", "meta_b", "fragment"),
    [
        ({"date": "2021-08-25"}, {"date": "2022-02-04"}, "days apart"),
        ({"event": "call-2021-08"}, {"event": "summit-2022-02"}, "different event keys"),
        ({"parties": ["CHN", "RUS"]}, {"parties": ["CHN", "KAZ"]}, "different parties"),
    ],
)
def test_documents_of_different_events_are_refused(meta_a: dict, meta_b: dict,
                                                   fragment: str) -> None:
    a = document_from_text((TEXTS / "aug2021_chn_en.txt").read_text(), side="CHN", **meta_a)
    b = document_from_text((TEXTS / "aug2021_rus_en.txt").read_text(), side="RUS", **meta_b)
    with pytest.raises(BilatError) as exc:
        compare_readouts([a, b])
    assert exc.value.code == "E308"
    assert fragment in str(exc.value) and "--force" in str(exc.value)
    forced = compare_readouts([a, b], force=True)
    assert forced.results and any("skipped" in n for n in forced.notes)


def test_bad_inputs() -> None:
    a = _doc("aug2021_chn_en.txt", "CHN")
    with pytest.raises(BilatError) as exc:
        compare_readouts([a])
    assert exc.value.code == "E309"
    with pytest.raises(BilatError) as exc:
        compare_readouts([a, a])
    assert exc.value.code == "E314"
    with pytest.raises(BilatError) as exc:
        compare_readouts([a, "no/such/readout.txt"])
    assert exc.value.code == "E315"
    with pytest.raises(BilatError) as exc:
        compare_readouts([a, _doc("aug2021_rus_en.txt", "RUS")], aligner="bert")
    assert exc.value.code == "E316"


def test_empty_file_is_an_error_not_an_empty_comparison(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(BilatError) as exc:
        compare_readouts([TEXTS / "aug2021_chn_en.txt", empty], sides=["CHN", "RUS"])
    assert exc.value.code == "E301"


def test_a_side_that_is_not_an_iso3_code_is_refused() -> None:
    # an unknown side kept as it is would leave claims attributed to it unchecked
    with pytest.raises(BilatError) as info:
        compare_readouts([TEXTS / "aug2021_chn_en.txt", TEXTS / "aug2021_rus_en.txt"],
                         sides=["XXX", "RUS"], dates=["2021-08-25", "2021-08-25"])
    assert info.value.code == "E008"
    for sides in (["chn", "RUS"], ["CHINA", "Russia"]):  # names resolve (resolve_state)
        cmp = compare_readouts([TEXTS / "aug2021_chn_en.txt", TEXTS / "aug2021_rus_en.txt"],
                               sides=sides, dates=["2021-08-25", "2021-08-25"])
        assert [d.side for d in cmp.documents] == ["CHN", "RUS"]


def test_two_texts_of_one_side_do_not_confirm_each_other() -> None:
    # the Kremlin's English and Russian versions say the same: that is not "shared"
    cn, ru_en = _doc("aug2021_chn_en.txt", "CHN"), _doc("aug2021_rus_en.txt", "RUS")
    ru_ru = _doc("aug2021_rus_ru.txt", "RUS")
    pair = compare_readouts([cn, ru_en])
    three = compare_readouts([cn, ru_en, ru_ru])
    labels = {r.claim.claim_id: r.label for r in three.results}
    ru_en_pair = [r for r in pair.results if r.claim.doc_id == ru_en.doc_id]
    assert [labels[r.claim.claim_id] for r in ru_en_pair] == [r.label for r in ru_en_pair]
    assert _label_of(three, "combat terrorism") == "unconfirmed_attribution"  # joint claim
    assert any("both RUS texts" in n for n in three.notes)
