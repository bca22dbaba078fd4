"""Words against deeds: a claim counts as support of the partner only when the partner (or its
position) is what is supported (QA12 1), and the report's years bound the claims (QA12 5a)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bilat.assess import words_deeds
from bilat.assess.evidence import load_core_issues
from bilat.store import open_store
from bilat.text.documents import document_from_text, save_document

READOUTS = "texts/readouts"


@pytest.fixture(scope="module")
def wd_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """A store holding three genuine readouts: Biden–Putin 2021-12-07 (US side, en), Xi–Putin
    2021-08-25 and 2022-12-30 (Chinese side, zh)."""
    st = open_store(tmp_path_factory.mktemp("wd") / "wd.duckdb")
    base = shared_data / READOUTS
    for folder, name, side, parties, day in [
        ("2021-12-07_biden-putin-video-call", "USA_en.txt", "USA", ("USA", "RUS"), "2021-12-07"),
        ("2021-08-25_xi-putin-call", "CHN_zh.txt", "CHN", ("CHN", "RUS"), "2021-08-25"),
        ("2022-12-30_xi-putin-video-meeting", "CHN_zh.txt", "CHN", ("CHN", "RUS"), "2022-12-30"),
    ]:
        text = (base / folder / name).read_text(encoding="utf-8")
        save_document(st, document_from_text(text, side=side, date=day, kind="readout",
                                             parties=parties, event=folder))
    yield st
    st.close()


def test_support_for_a_third_party_is_not_support_of_the_partner(wd_store, shared_data):
    text = (shared_data / READOUTS / "2021-12-07_biden-putin-video-call" / "USA_en.txt"
            ).read_text(encoding="utf-8")
    # the sentence QA found: support for Ukraine's sovereignty, against Russia's position
    assert "support for Ukraine" in text
    left: list[dict] = []
    claims = words_deeds.support_claims(wd_store, "USA", "RUS", load_core_issues(),
                                        not_counted=left)
    assert claims == []
    assert any(x["target"] == "UKR" and "Ukraine" in x["text"] for x in left)
    df = words_deeds.table(wd_store, "USA", "RUS", votes_list=None, core=load_core_issues(),
                           genuine=set())
    assert len(df) == 0
    assert df.attrs["not_counted"] and df.attrs["not_counted"][0]["target"] == "UKR"


def test_support_of_the_partner_position_still_counts(wd_store, shared_data):
    raw = (shared_data / READOUTS / "2022-12-30_xi-putin-video-meeting" / "CHN_zh.txt"
           ).read_text(encoding="utf-8")
    assert "俄方坚定支持中方在台湾问题上的立场" in raw
    df = words_deeds.table(wd_store, "RUS", "CHN", votes_list=None, core=load_core_issues(),
                           genuine=set())
    taiwan = df[(df["issue"] == "taiwan") & (df["date"] == "2022-12-30")]
    assert len(taiwan) == 1
    assert set(df["target"]) == {"CHN"} and set(df["supporter"]) == {"RUS"}
    # every claim kept quotes the stored text exactly at its offsets
    for r in df.itertuples():
        assert raw[r.start:r.end] == r.text or r.date != "2022-12-30"


def test_years_bound_the_claims(wd_store):
    core = load_core_issues()
    every = words_deeds.table(wd_store, "RUS", "CHN", votes_list=None, core=core, genuine=set())
    dates = pd.to_datetime(every["date"])
    assert {2021, 2022} <= set(dates.dt.year)
    only = words_deeds.table(wd_store, "RUS", "CHN", votes_list=None, core=core, genuine=set(),
                             years="2022")
    assert len(only) == int((dates.dt.year == 2022).sum()) > 0
    assert set(pd.to_datetime(only["date"]).dt.year) == {2022}
    assert only.attrs["years"] == (2022, 2022)
    none = words_deeds.table(wd_store, "RUS", "CHN", votes_list=None, core=core, genuine=set(),
                             years=(1980, 1989))
    assert len(none) == 0
    # the votes beside each claim are those of the years asked only (pair RUS–CHN: vote_a is
    # RUS's vote, vote_b CHN's)
    votes = pd.DataFrame({"vote_id": ["1", "2", "3"], "year": [2014, 2021, 2022],
                          "symbol": ["X/1", "X/2", "X/3"], "descr": ["", "", ""],
                          "title": ["Taiwan"] * 3, "counted": [True] * 3,
                          "vote_a": ["yes", "no", "yes"], "vote_b": ["yes", "yes", "yes"]})
    for yrs in ["2022", "2021-2022", "2014-2022"]:
        lo, hi = (int(x) for x in (yrs.split("-") * 2)[:2])
        kept = words_deeds.table(wd_store, "RUS", "CHN", votes_list=votes, core=core,
                                 genuine=set(), years=yrs)
        row = kept[kept["issue"] == "taiwan"].iloc[0]
        inside = votes[(votes["year"] >= lo) & (votes["year"] <= hi)]
        assert row["votes"] == len(inside)
        assert row["apart"] == int((inside["vote_a"] != inside["vote_b"]).sum())


@pytest.mark.parametrize(("text", "lang", "supporter", "supported", "want"), [
    # a third state's sovereignty, integrity, people, or the state itself as the one supported
    ("The United States supports the sovereignty and territorial integrity of Ukraine.",
     "en", "USA", "RUS", ("third", "UKR")),
    ("The US reaffirmed support for Taiwan's participation in the WHO.", "en", "USA", "CHN",
     ("third", "TWN")),
    ("India stands with Ukraine.", "en", "IND", "RUS", ("third", "UKR")),
    ("Франция поддерживает суверенитет и территориальную целостность Украины.", "ru", "FRA",
     "RUS", ("third", "UKR")),
    ("Германия выразила поддержку Украине.", "ru", "DEU", "RUS", ("third", "UKR")),
    ("法方对乌克兰的主权表示支持。", "zh", "FRA", "RUS", ("third", "UKR")),
    ("英方支持乌克兰主权和领土完整。", "zh", "GBR", "RUS", ("third", "UKR")),
    # the partner or its position, or the issue as the partner holds it
    ("Pakistan firmly supports China on Taiwan, Xinjiang and Hong Kong.", "en", "PAK", "CHN",
     ("partner", "CHN")),
    ("The Indian side supports the one-China policy.", "en", "IND", "CHN", ("partner", "CHN")),
    ("Belarus supports Russia's position on the Ukraine issue.", "en", "BLR", "RUS",
     ("partner", "RUS")),
    ("Россия поддерживает позицию Китая по Тайваню.", "ru", "RUS", "CHN", ("partner", "CHN")),
    ("Казахстан поддерживает принцип одного Китая.", "ru", "KAZ", "CHN", ("partner", "CHN")),
    ("俄方坚定支持台湾是中国领土不可分割的一部分，坚决反对任何形式的“台独”。", "zh", "RUS", "CHN",
     ("partner", "CHN")),
    ("中方对俄方维护国家安全的努力表示支持。", "zh", "CHN", "RUS", ("partner", "RUS")),
    ("Россия поддерживает позицию Китая по Тайваню.", "ru", "RUS", "CHN", ("partner", "CHN")),
    ("Pakistan supports the Chinese position on Taiwan.", "en", "PAK", "CHN",
     ("partner", "CHN")),
    # any state of the crosswalk named as the one supported is a third party
    ("The United States supports the Philippines on the South China Sea.", "en", "USA", "CHN",
     ("third", "PHL")),
    ("India reiterated its support for Georgia's territorial integrity.", "en", "IND", "RUS",
     ("third", "GEO")),
    ("The US supports Hong Kong's autonomy.", "en", "USA", "CHN", ("third", "HKG")),
    ("The US supports the Ukrainian people.", "en", "USA", "RUS", ("third", "UKR")),
    # no one named as supported: the target is unknown, not the partner
    ("The US supports freedom of navigation in the South China Sea.", "en", "USA", "CHN",
     ("none", None)),
    ("China supports efforts to end the Ukrainian crisis.", "en", "CHN", "RUS", ("none", None)),
    ("Китай поддерживает усилия по урегулированию украинского кризиса.", "ru", "CHN", "RUS",
     ("none", None)),
])
def test_support_target(text, lang, supporter, supported, want):
    assert words_deeds.support_target(text, lang, supporter, supported) == want
