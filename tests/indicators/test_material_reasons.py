"""Empty material results say why (QA12 11): a dyad a source has no row for in years it holds,
an IMF pair neither side of which reports, China Vitae without a Chinese side, MME past its
end, and panel years outside every source are rows whose coverage says so, with notes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from bilat.indicators import material, panel
from bilat.store import Store, open_store
from tests.indicators.material_store import material_store_path


@pytest.fixture(scope="module")
def mst(shared_data: Path) -> Iterator[Store]:
    st = open_store(material_store_path(shared_data))
    yield st
    st.close()


def test_cow_rows_absent_for_a_dyad_are_named(mst, shared_data):
    raw = pd.read_csv(shared_data / "trade_cow" / "cow_trade_ndy.csv.gz")
    fra = raw[((raw.ccode1 == 220) & raw.ccode2.isin([255, 260]))
              | ((raw.ccode2 == 220) & raw.ccode1.isin([255, 260]))]
    held = set(fra.loc[fra.year.between(1985, 1992), "year"])
    gap = [y for y in range(1985, 1993) if y not in held]
    assert gap  # the raw file lists no FRA–(W)DEU trade for some of these years
    df = material.indicators(mst, "FRA", "DEU", years="1985-1992", pillars="trade",
                             percentiles=False)
    notes = " | ".join(df.attrs["notes"])
    assert f"no FRA–DEU row for {gap[0]}–{gap[-1]}" in notes
    assert set(df.loc[df.source.str.startswith("COW"), "year"]) == held


def test_imf_without_a_reporting_side_says_so(mst, shared_data):
    reporters = set()
    for f in sorted((shared_data / "trade_imf_dots").glob("DOTS_*.xlsx")):
        b4 = pd.read_excel(f, sheet_name="Exports, FOB", header=None, engine="calamine",
                           nrows=4).iat[3, 1]
        reporters.add(str(b4).strip())
    assert not {"France", "Germany"} & reporters
    df = material.indicators(mst, "FRA", "DEU", years="2015-2020", pillars="trade",
                             percentiles=False)
    assert df.empty
    notes = " | ".join(df.attrs["notes"])
    assert "neither FRA nor DEU reports" in notes and "1870–2014" in notes
    # a pair with a reporting side gets no such note
    usa = material.indicators(mst, "USA", "IND", years="2015-2020", pillars="trade",
                              percentiles=False)
    assert not any("reports" in n and "neither" in n for n in usa.attrs["notes"])
    assert len(usa[usa.source.str.startswith("IMF DOTS, USA")])


def test_engagements_and_exercises_empty_with_a_reason(mst):
    e = material.engagements(mst, "USA", "IND")
    assert e.empty and "Chinese" in e.attrs["notes"][0]
    x = material.exercises(mst, "FRA", "DEU", years="2015")
    assert x.empty and "1980–2010" in x.attrs["notes"][0]
    last = mst.con.execute("SELECT max(start_year) FROM mme_exercises").fetchone()[0]
    assert last < 2015


def test_panel_rows_for_every_year_asked(mst):
    p = panel.panel(mst, "PAK", "CHN", years="1700-1710")
    assert list(p["year"]) == list(range(1700, 1711))
    cov = p[[c for c in p.columns if c.startswith("coverage_")]]
    assert cov.isin(["outside coverage", "not loaded"]).all().all()
    assert any("1700–1710" in n for n in p.attrs["notes"])
    q = panel.panel(mst, "FRA", "DEU", years="2015-2020", pillars="trade")
    assert list(q["year"]) == list(range(2015, 2021))
    assert (q["coverage_trade"] != "data").all()
    assert any("neither FRA nor DEU reports" in n for n in q.attrs["notes"])
