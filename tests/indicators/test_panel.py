"""The dyad-year panel: every pillar joined, a coverage column per pillar, nothing imputed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import bilat.indicators as bi
from bilat.errors import BilatError
from bilat.indicators import material, votes
from bilat.indicators import panel as P
from bilat.store import Store, open_store
from tests.indicators.material_store import material_store_path


@pytest.fixture(scope="module")
def mstore(shared_data: Path) -> Iterator[Store]:
    st = open_store(material_store_path(shared_data))
    yield st
    st.close()


@pytest.fixture(scope="module")
def rus_chn(mstore: Store) -> pd.DataFrame:
    return bi.panel(mstore, "RUS", "CHN", refs=[("RUS", "BLR")], years="1992-2020")


def test_panel_is_callable_from_the_package(mstore: Store, rus_chn: pd.DataFrame) -> None:
    again = P.panel(mstore, "RUS", "CHN", refs=[("RUS", "BLR")], years="1992-2020")
    pd.testing.assert_frame_equal(again, rus_chn)
    assert list(rus_chn.columns[:4]) == ["dyad", "a", "b", "year"]
    assert set(rus_chn.dyad) == {"RUS–CHN", "RUS–BLR"}
    assert not rus_chn.duplicated(["dyad", "year"]).any()


def test_values_equal_the_long_table(mstore: Store, rus_chn: pd.DataFrame) -> None:
    long = material.indicators(mstore, "RUS", "CHN", years="1992-2020", percentiles=False)
    p = rus_chn[rus_chn.dyad == "RUS–CHN"].set_index("year")
    checks = {
        ("tiv", "RUS→CHN", "SIPRI Arms Transfers Database"): "arms_tiv_ab",
        ("defense", "CHN→RUS", "ATOP v5.1"): "alliances_defense_ba",
        ("exports_musd", "RUS→CHN", "COW trade v4.0"): "trade_exports_musd_ab_cow",
        ("exports_musd", "RUS→CHN", "IMF DOTS, RUS report (exports FOB)"):
            "trade_exports_musd_ab_imf_a_fob",
        ("dependence", "CHN", "IMF DOTS, CHN report"): "trade_dependence_b_imf_b",
        ("shared_igos", "RUS–CHN", "COW IGO v3.0"): "igos_shared_igos",
    }
    for (ind, d, src), col in checks.items():
        want = long[(long.indicator == ind) & (long.direction == d) & (long.source == src)]
        want = want.set_index("year")["value"]
        got = p[col].dropna()
        assert got.to_dict() == want.to_dict(), col


def test_nothing_imputed_and_coverage(rus_chn: pd.DataFrame) -> None:
    p = rus_chn.set_index(["dyad", "year"])
    # COW trade ends in 2014: later years have no COW value (NaN, not 0)
    assert p.loc[("RUS–CHN", 2016), "trade_exports_musd_ab_cow"] != 0
    assert pd.isna(p.loc[("RUS–CHN", 2016), "trade_exports_musd_ab_cow"])
    assert p.loc[("RUS–CHN", 2016), "coverage_trade"] == "data"  # IMF covers 2016
    assert p.loc[("RUS–CHN", 2019), "coverage_alliances"] == "outside coverage"
    assert p.loc[("RUS–CHN", 2014), "coverage_exercises"] == "outside coverage"
    assert p.loc[("RUS–CHN", 2005), "coverage_exercises"] == "data"
    assert p.loc[("RUS–BLR", 2005), "coverage_energy"] == "no rows"  # intra-regional: absent
    assert p.loc[("RUS–BLR", 2005), "coverage_engagements"] == "no rows"
    assert p.loc[("RUS–CHN", 2014), "coverage_events"] == "not loaded"
    for c in [c for c in rus_chn.columns if c.startswith("coverage_")]:
        assert set(rus_chn[c]) <= {"data", "no rows", "outside coverage", "not loaded"}
    assert "sipri:" in p.loc[("RUS–CHN", 2014), "rows_arms"]


def test_votes_pillar_joined(mstore: Store, rus_chn: pd.DataFrame) -> None:
    v = votes.dyads(mstore, years="2014", by="year", states=["RUS", "CHN"])
    row = rus_chn[(rus_chn.dyad == "RUS–CHN") & (rus_chn.year == 2014)].iloc[0]
    assert row.coverage_votes == "data"
    assert row.votes_n == v.n.iloc[0] and row.votes_agree == pytest.approx(v.agree.iloc[0])
    # the store's roll calls are of 2014 only: 2013 is outside the votes' coverage, which
    # is not the same as a loaded year without a common vote
    (lo, hi), = mstore.con.execute(
        "SELECT min(year), max(year) FROM un_rollcalls WHERE body = 'GA'").fetchall()
    assert not lo <= 2013 <= hi
    assert rus_chn[(rus_chn.year == 2013)].coverage_votes.eq("outside coverage").all()


def test_all_dyads_year_and_errors(mstore: Store, rus_chn: pd.DataFrame) -> None:
    every = bi.panel(mstore, all_dyads=True, year=2005, pillars=["arms", "alliances", "igos"])
    assert every.year.eq(2005).all() and len(every) > 1000
    assert (every.a < every.b).all()
    mine = every[(every.a == "CHN") & (every.b == "RUS")].iloc[0]
    ours = rus_chn[(rus_chn.dyad == "RUS–CHN") & (rus_chn.year == 2005)].iloc[0]
    assert mine.igos_shared_igos == ours.igos_shared_igos
    assert mine.arms_tiv_ba == ours.arms_tiv_ab  # CHN–RUS: B→A is Russia→China
    with pytest.raises(BilatError) as ei:
        bi.panel(mstore, all_dyads=True)
    assert ei.value.code == "E508"
    with pytest.raises(BilatError) as ei:
        bi.panel(mstore, "RUS", "CHN", pillars=["gdp"])
    assert ei.value.code == "E509"


def test_chart_and_export(tmp_path: Path, rus_chn: pd.DataFrame) -> None:
    P.chart(rus_chn, "arms_tiv_ab", tmp_path / "tiv.json")
    spec = json.loads((tmp_path / "tiv.json").read_text())
    values = [v for d in spec["datasets"].values() for v in d]
    want = rus_chn.dropna(subset=["arms_tiv_ab"])
    assert len(values) == len(want) and {v["dyad"] for v in values} == set(want.dyad)
    with pytest.raises(BilatError):
        P.chart(rus_chn, "no_such_column")
    from bilat.report.export import write_frame

    write_frame(rus_chn, "parquet", tmp_path / "p.parquet")
    back = pd.read_parquet(tmp_path / "p.parquet")
    assert len(back) == len(rus_chn) and list(back.columns) == list(rus_chn.columns)


def test_events_pillar_in_the_asked_order(tmp_path: Path) -> None:
    from bilat.indicators import events
    from bilat.sources import gdelt

    fx = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"
    st = open_store(tmp_path / "ev.duckdb")
    try:
        gdelt.ingest(st, [fx / "20140301.export.CSV", fx / "20140302.export.CSV"])
        p = bi.panel(st, "UKR", "RUS", refs=[("RUS", "CHN")], pillars=["events", "arms"])
        e = events.indicators(st, "UKR", "RUS", period="year", direction="undirected")
        row = p[(p.dyad == "UKR–RUS") & (p.year == 2014)].iloc[0]
        want = e[e.period.astype(str).str.startswith("2014")].iloc[0]
        assert row.coverage_events == "data" and row.coverage_arms == "not loaded"
        assert row.events_events_gdelt == want.events
        assert (row.events_volume_a_gdelt, row.events_volume_b_gdelt) == (want.volume_a,
                                                             want.volume_b)
    finally:
        st.close()


def test_material_years_outside_every_table_are_refused_and_edges_noted(
        mstore: Store) -> None:
    from bilat.errors import BilatError
    from bilat.indicators import material as mat

    cov = mat.coverage(mstore)
    cov = cov[cov["loaded"]]
    first = int(cov["first_year"].min())
    with pytest.raises(BilatError) as exc:
        mat.indicators(mstore, "RUS", "CHN", years=f"{first - 20}-{first - 10}")
    assert exc.value.code == "E510"
    # trade asked past the end of the IMF and COW tables: the rows stop, and a note says
    # which years are not covered (no data, not zero)
    last = int(cov[cov["pillar"] == "trade"]["last_year"].max())
    df = mat.indicators(mstore, "RUS", "CHN", years=f"{last - 1}-{last + 3}", pillars="trade")
    assert int(df["year"].max()) <= last
    assert any(f"{last + 1}–{last + 3} asked but not covered" in n for n in df.attrs["notes"])
    # a panel over such years still joins the other pillars
    p = bi.panel(mstore, "RUS", "CHN", years=f"{first - 20}-{first - 10}",
                 pillars=["votes", "trade"])
    assert set(p["coverage_trade"]) <= {"outside coverage", "not loaded"}
