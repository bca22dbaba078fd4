"""Event dates inferred from a readout's own opening words, and the same-event check they feed
(src/bilat/text/event_dates.py; the hook in compare_readouts)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.text.documents import document_from_text
from bilat.text.event_dates import apply_event_dates, infer_event_date
from bilat.text.readouts import check_same_event, compare_readouts

GENUINE = Path(__file__).resolve().parents[2] / "evaluation" / "readouts" / "genuine" / "pairs"


def _doc(text: str, lang: str, when: str | None = None):  # noqa: ANN202
    return document_from_text(text, language=lang, date=when)


def _readouts(shared_data: Path) -> Path:
    return shared_data / "texts" / "readouts"


# ------------------------------------------------------------------ date forms, small inputs
@pytest.mark.parametrize(("text", "lang", "want", "words"), [
    ("国家主席习近平2021年8月25日同俄罗斯总统普京通电话。", "zh", (2021, 8, 25), "2021年8月25日"),
    ("央视网消息（新闻联播）：国家主席习近平8月25日同俄罗斯总统普京通电话。习近平指出……", "zh",
     (None, 8, 25), "8月25日"),
    ("25 августа 2021 года состоялся телефонный разговор Владимира Путина с Си Цзиньпином.", "ru",
     (2021, 8, 25), "25 августа 2021 года"),
    ("25 августа Владимир Путин провёл телефонный разговор с Си Цзиньпином.", "ru",
     (None, 8, 25), "25 августа"),
    ("On August 25, 2021, Vladimir Putin had a telephone conversation with Xi Jinping.", "en",
     (2021, 8, 25), "August 25, 2021"),
    ("President Joseph R. Biden, Jr. met virtually on August 25 with President Xi Jinping.",
     "en", (None, 8, 25), "August 25"),
    ("On 25 August 2021 Vladimir Putin had a telephone conversation with Xi Jinping.", "en",
     (2021, 8, 25), "25 August 2021"),
    ("August 25, 2021 17:20\n\nVladimir Putin had a telephone conversation with Xi Jinping.",
     "en", (2021, 8, 25), "August 25, 2021"),
    ("2021年8月25日\n国家主席习近平同俄罗斯总统普京通电话。", "zh", (2021, 8, 25), "2021年8月25日"),
    # a title line (no sentence end), then a Kremlin/White House dateline, then the opening
    ("Telephone conversation with President of China Xi Jinping\n\nAugust 25, 2021, 17:20\n\n"
     "Vladimir Putin had a telephone conversation with Xi Jinping.", "en", (2021, 8, 25),
     "August 25, 2021"),
    ("Readout of President Biden's Call with President Xi\nAugust 25, 2021\nPresident Biden "
     "spoke today with President Xi Jinping of China.", "en", (2021, 8, 25), "August 25, 2021"),
    ("Телефонный разговор с Председателем КНР Си Цзиньпином\n25 августа 2021 года, 17:20\n"
     "Состоялся телефонный разговор Владимира Путина с Си Цзиньпином.", "ru", (2021, 8, 25),
     "25 августа 2021 года"),
])
def test_date_forms(text: str, lang: str, want: tuple, words: str) -> None:
    doc = _doc(text, lang)
    got = infer_event_date(doc)
    assert got is not None
    assert (got.year, got.month, got.day) == want
    assert got.words == words
    assert doc.text[got.start:got.end] == words  # offsets index the document's text
    assert got.doc_id == doc.doc_id


@pytest.mark.parametrize(("text", "lang"), [
    # dates about something else: an anniversary, a treaty, a deadline, an earlier event
    ("Since 16 July 2001 the two leaders have held talks every year.", "en"),
    ("Vladimir Putin had a telephone conversation with Xi Jinping following their talks on "
     "February 4.", "en"),
    ("Vladimir Putin had a conversation with Xi Jinping on the Treaty of 16 July 2001.", "en"),
    ("The leaders held talks on goals to be reached by 2030.", "en"),
    ("习近平同普京通电话，双方回顾了自2001年7月16日以来的合作。", "zh"),
    ("Состоялся телефонный разговор Путина с Си Цзиньпином о договоре от 16 июля 2001 года.",
     "ru"),
    # a day alone is not a date; no call or meeting reported in the opening sentence
    ("央视网消息（新闻联播）：国家主席习近平28日下午在北京同俄罗斯总统普京举行视频会晤。", "zh"),
    ("The anniversary falls on August 25, 2021. Putin spoke with Xi.", "en"),
    # a later sentence's date is not the event's
    ("Vladimir Putin had a telephone conversation with Xi Jinping. They recalled 25 August 2021.",
     "en"),
])
def test_dates_about_something_else_are_not_inferred(text: str, lang: str) -> None:
    assert infer_event_date(_doc(text, lang)) is None


def test_first_event_date_preferred_over_other_dates() -> None:
    doc = _doc("On 25 August 2021, after the Treaty of 16 July 2001 was extended, Vladimir Putin "
               "had a telephone conversation with Xi Jinping.", "en")
    got = infer_event_date(doc)
    assert got is not None and got.date == date(2021, 8, 25)


# ------------------------------------------------------------------- the same-event check
def test_year_from_other_document_and_tolerance() -> None:
    cn = _doc("国家主席习近平12月31日同俄罗斯总统普京通电话。", "zh")
    ru = _doc("Vladimir Putin had a telephone conversation with Xi Jinping.", "en", "2022-01-02")
    out, notes = apply_event_dates([cn, ru], max_days=3)
    assert out[0].date == date(2021, 12, 31)  # the year nearest the other's date
    note = next(n for n in notes if n.startswith(cn.doc_id))
    assert "12月31日" in note and "offsets" in note and ru.doc_id in note
    check_same_event(out, 3)  # two days apart: one event
    with pytest.raises(BilatError) as exc:
        apply_event_dates([cn, ru], max_days=1)
    assert exc.value.code == "E308"


def test_inferred_full_dates_contradict() -> None:
    a = _doc("On August 25, 2021, Vladimir Putin had a telephone conversation with Xi.", "en")
    b = _doc("国家主席习近平2022年2月25日同俄罗斯总统普京通电话。", "zh")
    with pytest.raises(BilatError) as exc:
        compare_readouts([a, b])
    assert exc.value.code == "E308"
    assert "2021-08-25" in str(exc.value) and "2022-02-25" in str(exc.value)
    # --force still compares, and the inferred dates are shown
    comp = compare_readouts([a, b], force=True)
    assert [d.date for d in comp.documents] == [date(2021, 8, 25), date(2022, 2, 25)]


def test_given_date_wins_over_text() -> None:
    a = _doc("On August 25, 2021, Vladimir Putin had a telephone conversation with Xi.", "en",
             "2021-08-26")
    out, notes = apply_event_dates([a], 3)
    assert out[0].date == date(2021, 8, 26) and not notes


# ------------------------------------------------------------------- genuine texts in place
def test_genuine_different_events_refused(shared_data: Path) -> None:
    r = _readouts(shared_data)
    cn21 = r / "2021-08-25_xi-putin-call" / "CHN_zh.txt"
    # the 2021 Chinese readout ("8月25日") against other events' readouts, no dates given
    for other in (r / "2022-02-25_xi-putin-call" / "CHN_zh.txt",   # "2月25日"
                  r / "2021-12-30_biden-putin-call" / "RUS_en.txt"):  # "On December 30"
        with pytest.raises(BilatError) as exc:
            compare_readouts([cn21, other])
        assert exc.value.code == "E308"
        assert "8月25日" in str(exc.value)


def test_genuine_pair_without_any_date_in_one_text_warns(shared_data: Path) -> None:
    """The Kremlin's 2022-02-25 text states no date of its own (the "February 4" in it is of
    earlier talks): the check cannot refuse by text alone, and says so loudly."""
    r = _readouts(shared_data)
    cn = r / "2021-08-25_xi-putin-call" / "CHN_zh.txt"
    ru = r / "2022-02-25_xi-putin-call" / "RUS_en.txt"
    comp = compare_readouts([cn, ru])
    ru_id = comp.documents[1].doc_id
    assert any(n.startswith("WARNING " + ru_id) and "FILE@SIDE@DATE" in n for n in comp.notes)
    assert any("8月25日" in n and "no year known" in n for n in comp.notes)
    # with the dates given, E308 as before
    with pytest.raises(BilatError) as exc:
        compare_readouts([cn, ru], dates=["2021-08-25", "2022-02-25"])
    assert exc.value.code == "E308"


def _genuine_pairs(shared_data: Path) -> list[list[Path]]:
    pairs = []
    for f in sorted(GENUINE.glob("*.json")):
        spec = json.loads(f.read_text(encoding="utf-8"))
        files = [_readouts(shared_data) / d["file"] for d in spec["documents"]]
        assert all(p.is_file() for p in files), f
        pairs.append(files)
    return pairs


def test_every_genuine_pair_compares_without_dates(shared_data: Path) -> None:
    pairs = _genuine_pairs(shared_data)
    assert len(pairs) >= 10
    inferred = 0
    for files in pairs:
        comp = compare_readouts(files)  # no dates, no --force: no false E308
        assert not any("skipped" in n for n in comp.notes)
        inferred += sum("event date inferred" in n for n in comp.notes)
        # every inferred date agrees with the event date in the folder name (independent)
        folder = date.fromisoformat(files[0].parent.name[:10])
        for d in comp.documents:
            if d.date is not None:
                assert abs((d.date - folder).days) <= 3, (files, d.date)
        for n in comp.notes:
            m = re.search(r"offsets (\d+)-(\d+)", n)
            if m and "event date inferred" in n:
                doc = next(d for d in comp.documents if n.startswith(d.doc_id))
                assert doc.text[int(m.group(1)):int(m.group(2))] in n
    assert inferred >= len(pairs) // 2  # the Chinese readouts state their day
