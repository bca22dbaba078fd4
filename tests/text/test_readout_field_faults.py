"""Faults of whole kinds found by a fresh-user QA pass on readout comparison (issue 13).

Each test is a small input written here in the shape of the genuine texts (Kremlin, CCTV,
White House, a statement of the Russian President's site); expected sides come from the
country crosswalk, expected spans from plain string searches over the input.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bilat.reference.countries import resolve_state
from bilat.text.claims import extract_claims, speaker_spans
from bilat.text.documents import document_from_text
from bilat.text.lexicon import load_lexicon
from bilat.text.readouts import compare_readouts, infer_side

BRA = resolve_state("Brazil")
RUS = resolve_state("Russia")
CHN = resolve_state("China")
IDN = resolve_state("Indonesia")


def _claims(text: str, side: str | None, language: str, kind: str = "readout"):
    doc = document_from_text(text, side=side, language=language, kind=kind)
    return doc, extract_claims(doc)


def _holding(claims, fragment: str):
    found = [c for c in claims if fragment in c.text]
    assert len(found) == 1, [c.text for c in claims]
    return found[0]


# ------------------------------------------------------------------ 1. speakers of any state
EN_BRA = ("Vladimir Putin had a telephone conversation with President of the Federative Republic "
          "of Brazil Luiz Inácio Lula da Silva.\n\n"
          "Luiz Inácio Lula da Silva expressed support for the Russian initiative on the "
          "settlement. The President of Brazil also noted the importance of BRICS. Lula said "
          "that Brazil is ready to mediate.")
ZH_BRA = ("国家主席习近平3月10日同巴西总统卢拉通电话。\n\n"
          "卢拉说，巴西愿加入共建一带一路。巴西总统卢拉表示，巴西支持一个中国原则。")
RU_BRA = ("Состоялся телефонный разговор Владимира Путина с Президентом Бразилии Луисом Инасиу "
          "Лулой да Силвой.\n\nПрезидент Бразилии поддержал инициативу. Лула заявил, что Бразилия "
          "готова к посредничеству.")


@pytest.mark.parametrize(("text", "side", "lang", "fragments"), [
    (EN_BRA, RUS, "en", ["expressed support", "also noted", "ready to mediate"]),
    (ZH_BRA, CHN, "zh", ["巴西愿加入", "巴西支持"]),
    (RU_BRA, RUS, "ru", ["поддержал инициативу", "готова к посредничеству"]),
])
def test_a_leader_outside_the_lexicon_is_the_speaker(text, side, lang, fragments) -> None:
    _, claims = _claims(text, side, lang)
    for fragment in fragments:
        c = _holding(claims, fragment)
        assert c.speaker_side == BRA and c.attributed, (fragment, c.speaker, c.speaker_side)
        assert c.speaker_side != side


@pytest.mark.parametrize(("text", "lang"), [
    ("Xi Jinping held talks with President of Indonesia Joko Widodo.\n\n"
     "Joko Widodo said that Indonesia values the partnership. Widodo also invited Xi Jinping.",
     "en"),
    ("Xi Jinping met Indonesian President Joko Widodo.\n\n"
     "Widodo said Indonesia supports the Global Development Initiative.", "en"),
    ("国家主席习近平同印度尼西亚总统佐科会谈。\n\n佐科表示，印尼高度重视两国伙伴关系。", "zh"),
])
def test_any_state_of_the_crosswalk_not_just_brazil(text, lang) -> None:
    _, claims = _claims(text, CHN, lang)
    later = [c for c in claims[1:]]
    assert later and all(c.speaker_side == IDN and c.attributed for c in later), \
        [(c.text, c.speaker_side) for c in later]


def test_a_russian_name_after_an_instrumental_title_is_shown_in_the_nominative() -> None:
    _, claims = _claims(RU_BRA, RUS, "ru")
    c = _holding(claims, "готова к посредничеству")
    assert c.speaker.split()[0] == "Луис" and "Лула" in c.speaker.split()


def test_the_title_hit_and_the_name_after_it() -> None:
    hits = speaker_spans(EN_BRA, "en", load_lexicon())
    people = [h for h in hits if h.kind == "person" and h.side == BRA]
    # the name after the title, its repetition, and the bare surname later
    starts = {h.start for h in people}
    for m in re.finditer(r"Luiz Inácio Lula da Silva", EN_BRA):
        assert m.start() in starts
    assert EN_BRA.rindex("Lula said") in starts
    titles = [h for h in hits if h.kind == "title" and h.side == BRA]
    assert EN_BRA.index("President of the Federative") in {h.start for h in titles}


@pytest.mark.parametrize(("text", "lang", "side"), [
    (EN_BRA, "en", RUS), (ZH_BRA, "zh", CHN), (RU_BRA, "ru", RUS),
])
def test_side_is_inferred_when_the_other_leader_is_not_in_the_lexicon(text, lang, side) -> None:
    found = infer_side(document_from_text(text, language=lang))
    assert found is not None and found[0] == side


def test_an_unknown_leaders_claim_is_checked_against_his_own_readout() -> None:
    ru = document_from_text(EN_BRA, language="en")  # side inferred: RUS
    br = document_from_text(
        "President Luiz Inácio Lula da Silva spoke by telephone with the President of Russia, "
        "Vladimir Putin.\n\nLula stressed the importance of cooperation in BRICS.",
        language="en", side="BRA")
    cmp = compare_readouts([ru, br])
    by_text = {r.claim.text: r for r in cmp.results}
    support = next(r for t, r in by_text.items() if "expressed support" in t)
    assert support.side == RUS and support.claim.speaker_side == BRA
    assert support.label == "unconfirmed_attribution"


# ------------------------------------------------------------------ 2. quotations
@pytest.mark.parametrize(("text", "lang"), [
    ("“俄方坚定支持中方在台湾问题上的立场。俄方反对任何形式的‘台独’。”普京说。", "zh"),
    ('"Russia firmly supports China\'s position on Taiwan. Russia opposes any form of Taiwan '
     'independence," Putin said.', "en"),
    ("«Россия твёрдо поддерживает позицию Китая по Тайваню. Россия выступает против любых "
     "форм независимости Тайваня», — сказал Путин.", "ru"),
])
def test_every_sentence_of_a_quotation_is_its_speakers(text, lang) -> None:
    _, claims = _claims(text, CHN, lang)
    quoted = [c for c in claims if c.start < max(text.rfind("”"), text.rfind('"'),
                                                 text.rfind("»"))]
    assert quoted
    assert all(c.speaker == "Vladimir Putin" and c.speaker_side == RUS and c.attributed
               for c in quoted), [(c.text, c.speaker) for c in quoted]


# ------------------------------------------------------------------ 3. CJK line breaks
def test_a_line_break_inside_a_chinese_sentence_does_not_split_it() -> None:
    raw = "习近平指出，中方支持\n俄方维护自身安全和主权的努力。"
    doc, claims = _claims(raw, CHN, "zh")
    assert doc.text == raw.replace("\n", "")  # joined without a space
    assert len(claims) == 1 and claims[0].speaker == "Xi Jinping"
    assert any("line break" in n for n in doc.notes)


def test_a_chinese_headline_stays_its_own_line() -> None:
    raw = "习近平同普京通电话\n国家主席习近平同俄罗斯总统普京通电话。"
    doc, _ = _claims(raw, CHN, "zh")
    assert doc.text == raw


# ------------------------------------------------------------------ 4. transcripts
def test_russian_turns_and_a_soft_line_break() -> None:
    text = ("Состоялся телефонный разговор Владимира Путина с\nПредседателем КНР Си Цзиньпином.\n"
            "В.Путин: Уважаемый Председатель, дорогой друг! Россия поддерживает позицию Китая.\n"
            "Си Цзиньпин (через переводчика): Китай ценит это.")
    _, claims = _claims(text, RUS, "ru")
    first = claims[0]
    assert first.text.startswith("Состоялся") and first.text.endswith("Цзиньпином.")
    assert not any(":" in c.text[:30] for c in claims), [c.text for c in claims]
    assert _holding(claims, "Россия поддерживает").speaker == "Vladimir Putin"
    assert _holding(claims, "Китай ценит").speaker == "Xi Jinping"


def test_headings_and_speaker_labels_of_a_kremlin_transcript(shared_data: Path) -> None:
    for event in ("2021-12-15_xi-putin-video-talks", "2022-02-04_xi-putin-beijing-talks"):
        path = shared_data / "texts" / "readouts" / event / "RUS_en.txt"
        raw = path.read_text(encoding="utf-8")
        doc, claims = _claims(raw, RUS, "en")
        # speaker labels found independently: a title and name ending in a colon
        labels = [m for m in re.finditer(
            r"(?:President of (?:Russia|the People's Republic of China)) "
            r"(?:Vladimir Putin|Xi Jinping)(?:\s*\(retranslated\))?:", doc.text)]
        assert labels
        for m in labels:
            inside = [c for c in claims if c.start < m.end() and m.start() < c.end]
            assert not inside, (m.group(0), [c.text[:80] for c in inside])
        assert not any(c.text.startswith("Beginning of") or c.text.endswith("President of")
                       for c in claims)
        heads = [m.start() for m in re.finditer(r"Beginning of Russia\w*-Chin\w* talks", raw)]
        assert all(not any(c.start <= h < c.end for c in claims) for h in heads)


# ------------------------------------------------------------------ 5. questions
def test_a_journalists_question_is_not_the_leaders_claim() -> None:
    text = ("Question: If President Biden knew about the plans, why did he announce the date? "
            "In particular, they continue to claim that Russia plans to attack.\n\n"
            "Yury Ushakov: The presidents agreed to continue contacts.")
    _, claims = _claims(text, RUS, "en")
    for fragment in ("why did he announce", "continue to claim"):
        c = _holding(claims, fragment)
        assert not c.attributed and c.speaker_side == RUS and c.speaker_side != "BOTH", \
            (c.text, c.speaker)
    assert _holding(claims, "agreed to continue").speaker_side == "BOTH"


def test_they_for_documents_is_not_both_sides() -> None:
    text = ("A package of documents has been adopted. They include an intergovernmental "
            "agreement on cooperation in anti-monopoly legislation. They agreed to meet again.")
    _, claims = _claims(text, RUS, "en")
    assert _holding(claims, "They include").speaker_side == RUS
    assert _holding(claims, "They agreed").speaker_side == "BOTH"


def test_a_question_outside_a_transcript_is_the_narrators() -> None:
    _, claims = _claims("Why did President Biden announce the date of an invasion?", RUS, "en")
    assert claims[0].speaker_side == RUS and not claims[0].attributed


# ------------------------------------------------------------------ 6. "г." after a year
def test_a_year_abbreviation_before_an_object_does_not_end_the_sentence() -> None:
    text = ("Президент Республики Беларусь А.Г.Лукашенко посетил 13 – 14 марта 2025 г. "
            "Российскую Федерацию с официальным визитом. Переговоры прошли в 2024 г. "
            "Стороны подписали договор.")
    _, claims = _claims(text, RUS, "ru")
    visit = _holding(claims, "посетил")
    assert visit.text.endswith("с официальным визитом.")
    # a year's "г." before a new sentence with its own verb still ends the sentence
    assert _holding(claims, "Стороны подписали").text.startswith("Стороны")


def test_a_statements_title_and_date_are_not_claims(shared_data: Path) -> None:
    from bilat.text.documents import load_document

    path = shared_data / "texts" / "statements" / "2025-03-13_RUS-BLR_ru.txt"
    doc = load_document(path, side="JOINT", kind="statement", date=date(2025, 3, 13))
    claims = extract_claims(doc)
    body = doc.text.index("По\xa0приглашению")
    assert claims[0].start == body
    assert all(c.start >= body for c in claims)
    visit = _holding(claims, "посетил")
    assert visit.text.rstrip().endswith("с\xa0официальным визитом.")


# ------------------------------------------------------------------ 7. announcements
def test_an_announcement_is_no_account_of_the_talks() -> None:
    from bilat.text.contacts import contact_kind, extract_contacts, is_announcement

    ru = ("В Кремле началась беседа Владимира Путина с Председателем КНР Си Цзиньпином.\n"
          "Будут обсуждены ключевые вопросы двусторонних отношений. Планируется подписание "
          "совместного заявления.")
    assert is_announcement(ru, "ru")
    found = extract_contacts("d1", ru, title_span=None, body_start=0, language="ru",
                             day=date(2023, 3, 20), issuer_side="RUS", corpus="kremlin-ru")
    assert found and not found[0].counted
    en = ("It is expected that during the talks Vladimir Putin and Xi Jinping will discuss "
          "the bilateral agenda.")
    assert contact_kind(en, "en") == (None, "announcement or message")
    report = ("Vladimir Putin held talks with President of the People's Republic of China Xi "
              "Jinping. The talks focused on trade.")
    assert not is_announcement(report, "en")
    held = extract_contacts("d2", report, title_span=None, body_start=0, language="en",
                            day=date(2022, 2, 4), issuer_side="RUS", corpus="kremlin-en")
    assert held and held[0].counted


# ------------------------------------------------------------------ 8. --language
def test_language_option(tmp_path: Path, monkeypatch, capsys) -> None:
    from bilat.cli import main

    monkeypatch.setenv("BILAT_STORE", str(tmp_path / "bilat.duckdb"))
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text(EN_BRA, encoding="utf-8")
    b.write_text("President Lula spoke with President Putin. Lula stressed BRICS.",
                 encoding="utf-8")
    assert main(["readouts", "compare", f"{a}@RUS", f"{b}@BRA", "--language", "xx"]) != 0
    err = capsys.readouterr().err
    assert "E370" in err and "en, ru, zh" in err
    assert main(["readouts", "compare", f"{a}@RUS", f"{b}@BRA", "-l", "en", "-l", "en",
                 "--format", "json"]) == 0
    assert main(["documents", "add", str(a), "--language", "ja"]) != 0
    assert "E370" in capsys.readouterr().err


def test_readouts_of_different_calls_are_warned_about() -> None:
    from bilat.text.documents import document_from_text
    from bilat.text.readouts import check_counterparts, compare_readouts

    cn = document_from_text("国家主席习近平5月8日同印度总理莫迪通电话。习近平指出，中印是好邻居。",
                            side="CHN", date="2025-05-08", language="zh")
    ind = document_from_text("Prime Minister Narendra Modi spoke with President Vladimir Putin of "
                             "the Russian Federation today. The two leaders discussed trade.",
                             side="IND", date="2025-05-08", language="en")
    same = document_from_text("Prime Minister Narendra Modi spoke with President Xi Jinping of "
                              "China today. The two leaders discussed trade.",
                              side="IND", date="2025-05-08", language="en")
    warned = check_counterparts([cn, ind])
    assert len(warned) == 1 and ind.doc_id in warned[0] and "RUS" in warned[0]
    assert check_counterparts([cn, same]) == []
    cmp = compare_readouts([cn, ind])
    assert any("different calls" in n for n in cmp.notes)


def test_reasons_tell_a_score_from_the_threshold() -> None:
    from bilat.text.readouts import _apart

    assert _apart(0.296, 0.30) == ("0.296", "0.300")
    assert _apart(0.49, 0.30) == ("0.49", "0.30")
    assert _apart(0.3, 0.3) == ("0.30", "0.30")


def test_a_comparison_says_what_cleaning_changed() -> None:
    from bilat.text.documents import document_from_text
    from bilat.text.readouts import compare_readouts

    a = document_from_text("Vladimir Putin had a telephone conversation with Xi Jinping. "
                           "Putin said Russia&#39;s position is firm.", side="RUS",
                           date="2022-02-25", language="en")
    b = document_from_text("国家主席习近平同俄罗斯总统普京通电话。习近平指出，中方支持\n"
                           "俄方同乌方通过谈判解决问题。", side="CHN", date="2022-02-25",
                           language="zh")
    notes = compare_readouts([a, b]).notes
    assert any(n.startswith(f"{a.doc_id}: decoded 1 HTML") for n in notes)
    assert any(n.startswith(f"{b.doc_id}: joined 1 line break") for n in notes)
