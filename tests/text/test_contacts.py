"""Leader contacts from real news items (zh, en, ru): kind, date, leaders, offsets; per-source
counts with gaps as gaps."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from bilat.store import open_store
from bilat.text.contacts import contact_kind, contact_list, contacts, extract_contacts, find_leaders
from bilat.text.documents import get_document
from tests.text.test_corpus import corpus_store_path


@pytest.fixture(scope="module")
def store(shared_data: Path):  # type: ignore[no-untyped-def]
    st = open_store(corpus_store_path(shared_data))
    yield st
    st.close()


def _reports(store, **where):  # type: ignore[no-untyped-def]
    df = contact_list(store, "CHN", "RUS", counted_only=False, include_summary_duplicates=True)
    for k, v in where.items():
        df = df[df[k] == v]
    return df


def test_known_cctv_call(store) -> None:
    df = _reports(store, file="20220225.md", section="item")
    assert len(df) == 1
    r = df.iloc[0]
    assert r["kind"] == "call" and str(r["event_date"])[:10] == "2022-02-25"
    assert (r["leader_a"], r["leader_b"]) == ("Xi Jinping", "Vladimir Putin")
    doc = get_document(store, r["doc_id"])
    # offsets point at the evidence sentence in the stored text
    assert doc.text[r["sentence_start"]:r["sentence_end"]] == r["sentence"]
    assert "普京通电话" in r["sentence"]


def test_event_date_read_from_the_lead(store) -> None:
    # "国家主席习近平12月15日下午 … 视频会晤": the date in the lead; press is stored, not counted
    df = _reports(store, kind="video")
    assert "2021-12-15" in {str(d)[:10] for d in df["event_date"]}
    both = _reports(store, file="20240516.md", section="item")
    assert set(both["kind"]) == {"visit", "talks", "press", "meeting"}
    assert not both[both["kind"] == "press"]["counted"].any()


def test_kremlin_accounts(store) -> None:
    en = _reports(store, corpus="kremlin-en")
    assert {(str(d)[:10], k) for d, k in zip(en["event_date"], en["kind"], strict=True)} >= {
        ("2021-12-15", "video"), ("2022-02-25", "call"), ("2022-06-15", "call"),
        ("2022-02-04", "talks")}
    ru = _reports(store, corpus="kremlin-ru")
    assert {(str(d)[:10], k) for d, k in zip(ru["event_date"], ru["kind"], strict=True)} == {
        ("2025-02-24", "call"), ("2025-05-08", "talks")}


def test_items_without_a_contact_yield_none(store, shared_data: Path) -> None:
    # the announcement of 13 Dec 2021 (将于12月15日 … 视频会晤) and the Qiushi item of 16 May
    assert _reports(store, file="20211213.md").empty
    text = "《求是》杂志发表习近平总书记重要文章\n\n5月16日出版的第10期《求是》杂志将发表。"
    assert extract_contacts("x", text, title_span=(0, 18), body_start=20, language="zh",
                            day=date(2024, 5, 16), issuer_side="CHN", corpus="xwlb") == []
    assert contact_kind("On December 15, Vladimir Putin will hold talks with President of "
                        "China Xi Jinping", "en") == (None, "announcement or message")
    assert contact_kind("Condolences to PRC President Xi Jinping", "en")[0] is None


def test_leaders_need_their_term_and_title() -> None:
    # Li Qiang is premier only from March 2023; an aide to the president is no leader
    assert find_leaders("李强会见俄罗斯总统", "zh", date(2022, 2, 4))[0].name == "Vladimir Putin"
    assert [m.name for m in find_leaders("李强会见俄罗斯总统", "zh", date(2024, 5, 16))] == [
        "Li Qiang", "Vladimir Putin"]
    assert find_leaders("Aide to the President of Russia Yuri Ushakov", "en",
                        date(2022, 1, 1)) == []
    aide = find_leaders("习近平会见俄罗斯总统办公厅主任", "zh", date(2018, 10, 17))
    assert [m.state for m in aide] == ["CHN"]
    ru = find_leaders("с Федеральным канцлером Германии Олафом Шольцем", "ru", date(2022, 2, 15))
    assert {(m.state, m.role) for m in ru} == {("DEU", "head_of_government")}


def test_counts_per_source_with_gaps(store) -> None:
    df = contacts(store, "RUS", "CHN", by="year", source="corpus")
    row = df.set_index("period")
    # the CCTV subset: calls 2022-02-25 and 06-15, talks 02-04 → 3 contact days in 2022
    assert row.loc["2022", "cctv-xwlb"] == 3
    # the Kremlin files hold nothing for 2023: a gap, not zero
    assert "2023" not in row.index or math.isnan(row.loc["2023", "kremlin"])
    assert row.loc["2022", "kremlin"] >= 3 and 0 < row.loc["2022", "kremlin_coverage"] < 1
    monthly = contacts(store, "RUS", "CHN", by="month", source="corpus").set_index("period")
    assert monthly.loc["2022-02", "cctv-xwlb"] == 2
    assert math.isnan(monthly.loc["2022-03", "cctv-xwlb"])  # no CCTV day file stored


def test_other_sources_absent_are_named(store) -> None:
    df = contacts(store, "RUS", "CHN", source="all")
    assert any("events" in n for n in df.attrs["notes"])
    assert not any(c.startswith("events_") and (df[c] == 0).any() for c in df.columns)



def test_event_counts_carry_their_coverage(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each events_<source> column has an events_<source>_coverage column beside it: a count
    of 0 over a sliver of a year (one GDELT file) must show how little it covers."""
    import pandas as pd

    from bilat.indicators import events as ev
    from bilat.text.contacts import _other_source

    frame = pd.DataFrame({"source": ["gdelt", "gdelt", "icews"],
                          "period": ["2015-01-01", "2018-01-01", "2018-01-01"],
                          "contacts": [0, 1, 19], "coverage": [2.85e-05, 1.2e-04, 0.29]})
    monkeypatch.setattr(ev, "contacts", lambda *a, **k: frame)
    cols, why = _other_source("events", None, "RUS", "CHN", "year")
    assert why is None
    assert cols["events_gdelt"].to_dict() == {"2015": 0, "2018": 1}
    assert cols["events_gdelt_coverage"].to_dict() == {"2015": 2.85e-05, "2018": 1.2e-04}
    assert cols["events_icews_coverage"].to_dict() == {"2018": 0.29}
