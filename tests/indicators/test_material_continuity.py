"""Material ties and successor continuity (QA12 7, 14): the USSR's trade is Russia's only
before 1992 (with a note); the IMF's later "USSR" residual row is never added to Russia."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bilat.indicators import material
from bilat.sources import imf_dots, trade_cow
from bilat.store import open_store


@pytest.fixture(scope="module")
def trade_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    st = open_store(tmp_path_factory.mktemp("cont") / "t.duckdb")
    trade_cow.fetch_cow_trade(st, mirror=shared_data)
    imf_dots.fetch_dots(st, mirror=shared_data, files=["DOTS_208.xlsx", "DOTS_162.xlsx"])
    yield st
    st.close()


def _sheet(path: Path, sheet: str) -> pd.DataFrame:
    """Independent read: partner × year of one sheet (first listing of a partner)."""
    df = pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine")
    body = df.iloc[7:, 1:].dropna(subset=[1]).drop_duplicates(subset=[1]).set_index(1)
    body.columns = [int(y) for y in df.iloc[6, 2:]]
    return body


def _value(df: pd.DataFrame, year: int, direction: str, source: str) -> pd.Series:
    return df[(df.year == year) & (df.direction == direction) & (df.source == source)].iloc[0]


@pytest.mark.parametrize("stale", [False, True])
def test_usa_rus_1992_leaves_the_ussr_residual_out(trade_store, shared_data, stale):
    con = trade_store.con
    if stale:  # a store loaded before the parser knew the rule: residual rows under RUS
        con.execute("UPDATE imf_dots SET partner_iso3 = 'RUS', partner_kind = 'state' "
                    "WHERE partner = 'USSR'")
    df = material.indicators(trade_store, "USA", "RUS", years="1988-1993",
                             indicator="exports_musd", percentiles=False)
    path = shared_data / "trade_imf_dots" / "DOTS_208.xlsx"
    exp, imp = _sheet(path, "Exports, FOB"), _sheet(path, "Imports, CIF")
    src = "IMF DOTS, USA report (exports FOB)"
    r92 = _value(df, 1992, "USA→RUS", src)
    assert r92.value == pytest.approx(float(exp.at["Russian Federation", 1992]))
    assert r92.value < float(exp.at["Russian Federation", 1992]) + float(exp.at["USSR", 1992])
    assert "USSR" in r92.note and "not added to RUS" in r92.note
    assert len(r92.rows) == 1  # Russia's own cell only, not the USSR's
    i92 = _value(df, 1992, "RUS→USA", "IMF DOTS, USA report (imports CIF)")
    assert i92.value == pytest.approx(float(imp.at["Russian Federation", 1992]))
    # before 1992 the USSR row is Russia's by continuity, with a note saying so
    r90 = _value(df, 1990, "USA→RUS", src)
    assert r90.value == pytest.approx(float(exp.at["USSR", 1990]))
    assert "Soviet Union" in r90.note and "continuity" in r90.note
    cow = _value(df, 1988, "USA→RUS", "COW trade v4.0")
    assert "Soviet Union" in cow.note
    assert not (_value(df, 1993, "USA→RUS", "COW trade v4.0").note or "")
    if stale:
        con.execute("UPDATE imf_dots SET partner_iso3 = NULL, "
                    "partner_kind = 'former state residual' WHERE partner = 'USSR' "
                    "AND year > 1991")
        con.execute("UPDATE imf_dots SET partner_kind = 'former state' WHERE partner = 'USSR' "
                    "AND year <= 1991")


def test_czechoslovakia_after_1992_is_not_czechia(trade_store, shared_data):
    df = material.indicators(trade_store, "USA", "CZE", years="1992-1995",
                             indicator="exports_musd", percentiles=False)
    exp = _sheet(shared_data / "trade_imf_dots" / "DOTS_208.xlsx", "Exports, FOB")
    src = "IMF DOTS, USA report (exports FOB)"
    assert _value(df, 1992, "USA→CZE", src).value == pytest.approx(
        float(exp.at["Czechoslovakia", 1992]))
    r93 = _value(df, 1993, "USA→CZE", src)
    assert r93.value == pytest.approx(float(exp.at["Czech Rep.", 1993]))
    assert "Czechoslovakia" in r93.note
