"""Material-tie indicators on the real sources, each checked by an independent pandas count.

The seeds' material claims, reproduced from the rows: ATOP codes a defence pledge for
Russia–Belarus and none for Russia–China; Russia and Belarus shared more MME exercises than
Russia and China; Russia→China arms deliveries by year (SIPRI TIV, 1995-2024) beside
Russia→Vietnam; Russia→China pipeline gas by year (EI).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.errors import BilatError
from bilat.indicators import material
from bilat.store import Store, open_store
from tests.indicators.material_store import material_store_path


@pytest.fixture(scope="module")
def mstore(shared_data: Path) -> Iterator[Store]:
    st = open_store(material_store_path(shared_data))
    yield st
    st.close()


def _series(df: pd.DataFrame, indicator: str, direction: str, source: str | None = None
            ) -> pd.Series:
    d = df[(df.indicator == indicator) & (df.direction == direction)]
    if source is not None:
        d = d[d.source == source]
    return d.set_index("year")["value"].sort_index()


# ----------------------------------------------------------------------------- seed claims
def test_atop_defence_pledge_rus_blr_not_rus_chn(mstore: Store, shared_data: Path) -> None:
    raw = pd.read_csv(shared_data / "alliances_atop" / "atop_alliance.csv.gz")
    df = material.indicators(mstore, "RUS", "BLR", refs=[("RUS", "CHN")], pillars="alliances",
                             years="1992-2018", percentiles=False)
    for (c1, c2), (a, b) in (((365, 370), ("RUS", "BLR")), ((365, 710), ("RUS", "CHN"))):
        want = raw[(raw.ccode1 == c1) & (raw.ccode2 == c2) & raw.year.between(1992, 2018)]
        want = want.set_index("year")["atop_defense"].reindex(range(1992, 2019), fill_value=0)
        got = _series(df, "defense", f"{a}→{b}")
        assert got.astype(int).to_dict() == want.astype(int).to_dict()
    blr = _series(df, "defense", "RUS→BLR")
    chn = _series(df, "defense", "RUS→CHN")
    assert blr.loc[1993:2018].eq(1).all() and chn.loc[2001:2018].eq(0).all()
    assert _series(df, "consul", "RUS→CHN").loc[2001:2018].eq(1).all()
    note = df[df.indicator == "defense"].note.dropna().iloc[0]
    assert "atopid" in note  # the treaty ids are not in this file: said, not invented


def test_mme_rus_blr_more_exercises_than_rus_chn(mstore: Store, shared_data: Path) -> None:
    raw = pd.read_csv(shared_data / "exercises_mme" / "mme_v7.csv", encoding="utf-8")
    slots = [c for c in raw.columns if c.startswith("State")]
    count = {p: int(((raw[slots] == p[0]).any(axis=1) & (raw[slots] == p[1]).any(axis=1)).sum())
             for p in (("Russia", "Belarus"), ("Russia", "China"))}
    df = material.indicators(mstore, "RUS", "BLR", refs=[("RUS", "CHN")], pillars="exercises",
                             percentiles=False)
    tot = df[df.indicator == "exercises"].groupby("dyad")["value"].sum()
    assert tot["RUS–BLR"] == count[("Russia", "Belarus")]
    assert tot["RUS–CHN"] == count[("Russia", "China")]
    assert tot["RUS–BLR"] > tot["RUS–CHN"]
    bil = df[df.indicator == "bilateral"].groupby("dyad")["value"].sum()
    assert bil["RUS–BLR"] > bil["RUS–CHN"]
    listed = material.exercises(mstore, "RUS", "CHN")
    assert len(listed) == count[("Russia", "China")]
    assert "Peace Mission 2005" in set(listed.name)
    ids = df[(df.dyad == "RUS–CHN") & (df.indicator == "exercises") & (df.value > 0)].rows
    assert sum(len(r) for r in ids) == len(listed)  # one MME id per exercise


def test_arms_tiv_russia_china_and_vietnam(mstore: Store, shared_data: Path) -> None:
    raw = pd.read_csv(shared_data / "arms_sipri" / "trade_register.csv", skiprows=11)
    df = material.indicators(mstore, "RUS", "CHN", refs=[("RUS", "VNM")], pillars="arms",
                             years="1995-2024")
    for rec_name, b in (("China", "CHN"), ("Viet Nam", "VNM")):
        sel = raw[(raw.Supplier == "Russia") & (raw.Recipient == rec_name)]
        want = sel.groupby("Delivery year")["TIV delivery values"].sum().reindex(
            range(1995, 2025), fill_value=0.0)
        got = _series(df, "tiv", f"RUS→{b}")
        assert list(got.index) == list(range(1995, 2025))
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy())
        # the deals behind a year: one id per delivery row, designations named
        y = int(want.idxmax())
        row = df[(df.indicator == "tiv") & (df.direction == f"RUS→{b}") & (df.year == y)].iloc[0]
        assert len(row.rows) == len(sel[sel["Delivery year"] == y])
        for d in sel[sel["Delivery year"] == y].Designation:
            assert d in row.detail
    # share of the recipient's imports: denominator = all TIV China received that year
    rec = raw[(raw.Recipient == "China") & (raw["Delivery year"] == 2014)]
    share = df[(df.indicator == "share_of_recipient_imports") & (df.direction == "RUS→CHN")
               & (df.year == 2014)].iloc[0]
    assert share.denominator == pytest.approx(rec["TIV delivery values"].sum())
    assert share.value == pytest.approx(rec[rec.Supplier == "Russia"][
        "TIV delivery values"].sum() / rec["TIV delivery values"].sum())
    # percentile among all supplier→recipient state dyads with deliveries that year
    from bilat.reference.countries import to_iso3

    y14 = raw[raw["Delivery year"] == 2014].copy()
    y14["s"] = y14.Supplier.map(to_iso3)
    y14["r"] = y14.Recipient.map(to_iso3)
    dy = y14.dropna(subset=["s", "r"]).groupby(["s", "r"])["TIV delivery values"].sum()
    v = dy[("RUS", "CHN")]
    pct = 100 * ((dy < v).sum() + (dy == v).sum() / 2) / len(dy)
    tiv = df[(df.indicator == "tiv") & (df.direction == "RUS→CHN") & (df.year == 2014)].iloc[0]
    assert tiv.percentile == pytest.approx(pct) and tiv.n_dyads == len(dy)


def test_pipeline_gas_russia_china(mstore: Store, shared_data: Path) -> None:
    from bilat.sources import energy_ei

    sheet = pd.read_excel(shared_data / "energy_ei" / energy_ei.FILE,
                          sheet_name=energy_ei.SHEET_SERIES, header=None, engine="calamine")
    labels = sheet[0].astype(str).str.strip()
    china = labels[labels == "China"].index[0]
    row = next(i for i in range(china + 1, china + 10) if labels[i] == "Russian Federation")
    total = next(i for i in range(china + 1, china + 10) if labels[i] == "Pipeline imports")
    head = labels[labels == "Billion cubic metres"].index[0]
    years = {j: int(y) for j, y in enumerate(sheet.iloc[head])
             if j and isinstance(y, float) and 1990 < y < 2100}
    df = material.indicators(mstore, "RUS", "CHN", pillars="energy", percentiles=False)
    got = _series(df, "pipeline_gas_bcm", "RUS→CHN",
                  "EI Statistical Review 2024: Gas - Trade movements")
    assert got.to_dict() == {y: float(sheet.iat[row, j]) for j, y in years.items()}
    assert got.loc[:2018].eq(0).all() and got.loc[2019:].gt(0).all()
    share = _series(df, "pipeline_gas_bcm_share_of_importer_imports", "RUS→CHN",
                    "EI Statistical Review 2024: Gas - Trade movements")
    j23 = next(j for j, y in years.items() if y == 2023)
    assert share[2023] == pytest.approx(sheet.iat[row, j23] / sheet.iat[total, j23])
    m23 = _series(df, "pipeline_gas_bcm", "RUS→CHN",
                  "EI Statistical Review 2024: Gas trade - pipeline")
    assert list(m23.index) == [2023]  # the 2023 matrix is shown beside, never blended


# ----------------------------------------------------------------------------- trade
def test_cow_dependence_against_pandas(mstore: Store, shared_data: Path) -> None:
    raw = pd.read_csv(shared_data / "trade_cow" / "cow_trade_ndy.csv.gz")
    y = raw[raw.year == 2014]
    both = pd.concat([y[["ccode1", "flow1", "flow2"]].rename(columns={"ccode1": "c"}),
                      y[["ccode2", "flow1", "flow2"]].rename(columns={"ccode2": "c"})])
    tot = both.assign(v=both.flow1.fillna(0) + both.flow2.fillna(0)).groupby("c")["v"].sum()
    pair = y[(y.ccode1 == 365) & (y.ccode2 == 710)].iloc[0]
    df = material.indicators(mstore, "RUS", "CHN", pillars="trade", years=2014)
    cow = df[df.source == "COW trade v4.0"]
    dep_r = cow[(cow.indicator == "dependence") & (cow.direction == "RUS")].iloc[0]
    assert dep_r.denominator == tot[365]
    assert dep_r.value == pytest.approx((pair.flow1 + pair.flow2) / tot[365])
    dep_c = cow[(cow.indicator == "dependence") & (cow.direction == "CHN")].iloc[0]
    asym = cow[cow.indicator == "asymmetry"].iloc[0]
    assert asym.value == pytest.approx(dep_r.value - dep_c.value)
    assert cow[(cow.indicator == "exports_musd") & (cow.direction == "RUS→CHN")
               ].value.iloc[0] == pair.flow2  # China's imports from Russia
    assert dep_r.rows == ["cow_trade:365-710-2014"]


def test_imf_shown_per_reporter_never_blended(mstore: Store, shared_data: Path) -> None:
    def cell(book: str, sheet: str, partner: str) -> float:
        d = pd.read_excel(shared_data / "trade_imf_dots" / book, sheet_name=sheet,
                          header=None, engine="calamine")
        col = [j for j, v in enumerate(d.iloc[6]) if v == 2019.0][0]
        return float(d[d[1] == partner].iloc[0, col])

    df = material.indicators(mstore, "RUS", "CHN", pillars="trade", years=2019,
                             percentiles=False)
    imf = df[df.source.str.startswith("IMF")]
    r2c = imf[(imf.indicator == "exports_musd") & (imf.direction == "RUS→CHN")]
    assert dict(zip(r2c.source, r2c.value, strict=True)) == {
        "IMF DOTS, RUS report (exports FOB)": cell("DOTS_162.xlsx", "Exports, FOB",
                                                   "China, P.R.: Mainland"),
        "IMF DOTS, CHN report (imports CIF)": cell("DOTS_40.xlsx", "Imports, CIF",
                                                   "Russian Federation"),
    }
    def address(book: str, sheet: str, partner: str) -> str:
        """The Excel address of the 2019 cell of ``partner`` (as the file has it)."""
        d = pd.read_excel(shared_data / "trade_imf_dots" / book, sheet_name=sheet,
                          header=None, engine="calamine")
        col = [j for j, v in enumerate(d.iloc[6]) if v == 2019.0][0]
        row = int(d.index[d[1] == partner][0])
        letters = ""
        n = col + 1
        while n:
            n, rem = divmod(n - 1, 26)
            letters = chr(65 + rem) + letters
        return f"{sheet}!{letters}{row + 1}"

    # each figure cites its own cells, whole (the sheet names hold ", "), in a fixed order
    r_exp = "imf:RUS/" + address("DOTS_162.xlsx", "Exports, FOB", "China, P.R.: Mainland")
    c_imp = "imf:CHN/" + address("DOTS_40.xlsx", "Imports, CIF", "Russian Federation")
    assert {tuple(r) for r in r2c.rows} == {(r_exp,), (c_imp,)}
    tot = imf[(imf.indicator == "trade_musd") & imf.source.str.startswith("IMF DOTS, RUS")]
    r_imp = "imf:RUS/" + address("DOTS_162.xlsx", "Imports, CIF", "China, P.R.: Mainland")
    assert list(tot.rows.iloc[0]) == [r_exp, r_imp]
    dep = imf[(imf.indicator == "dependence") & (imf.direction == "RUS")].iloc[0]
    world = cell("DOTS_162.xlsx", "Exports, FOB", "World") + cell(
        "DOTS_162.xlsx", "Imports, CIF", "World")
    assert dep.denominator == pytest.approx(world)
    assert df[df.year == 2019].source.str.startswith("COW").sum() == 0


# ----------------------------------------------------------------------------- the rest
def test_igos_engagements_and_deals(mstore: Store, shared_data: Path) -> None:
    igo = pd.read_csv(shared_data / "igo_cow" / "cow_igo_ndy.csv.gz")
    df = material.indicators(mstore, "CHN", "RUS", pillars=["igos", "engagements"],
                             percentiles=False)
    got = _series(df, "shared_igos", "CHN–RUS")
    want = igo[(igo.ccode1 == 365) & (igo.ccode2 == 710)].set_index("year")["dyadigos"]
    assert got.astype(int).to_dict() == want.to_dict()
    raw = pd.read_csv(shared_data / "diplomacy_chinavitae" / "all_engagements_2003-2018.csv",
                      dtype=str, keep_default_na=False)
    per = raw[raw.country == "Russia"].groupby(raw.year.astype(int)).size()
    eng = material.engagements(mstore, "CHN", "RUS", include_out_of_office=True)
    alls = eng[eng.type == "all"].set_index("year")["n"]
    assert alls.to_dict() == per.reindex(range(2003, 2019), fill_value=0).to_dict()
    assert (eng[eng.type == "all"].ids.map(len) == eng[eng.type == "all"].n).all()
    office = material.engagements(mstore, "RUS", "CHN")
    assert (office[office.type == "all"].set_index("year")["n"] <= alls).all()
    assert material.engagements(mstore, "RUS", "BLR").empty  # China's side only
    deals = material.deals(mstore, "RUS", "CHN")
    reg = pd.read_csv(shared_data / "arms_sipri" / "trade-register.csv", skiprows=11,
                      encoding="latin-1")
    n = reg[reg.Supplier.isin(["Russia", "Soviet Union"]) & (reg.Recipient == "China")]
    assert (deals.supplier_iso3 == "RUS").sum() == len(n)
    assert "S-400 Triumf" in set(deals.designation)


def test_yardsticks_missing_and_errors(mstore: Store) -> None:
    df = material.indicators(mstore, "RUS", "CHN", refs=["USA-GBR"], pillars="trade",
                             years="2010-2016", indicator="dependence")
    side = material.yardsticks(df, "dependence")
    assert {"RUS–CHN", "USA–GBR", "RUS–CHN pct"} <= set(side.columns)
    cow = side[side.source == "COW trade v4.0"]
    assert cow.year.max() == 2014  # COW ends in 2014: no row, never a zero
    with pytest.raises(BilatError) as ei:
        material.indicators(mstore, "RUS", "RUS")
    assert ei.value.code == "E507"
    with pytest.raises(BilatError) as ei:
        material.indicators(mstore, "RUS", "CHN", indicator="gdp")
    assert ei.value.code == "E505"
    with pytest.raises(BilatError):
        material.indicators(mstore, "RUS", "CHN", years="20x4")
    empty = open_store(":memory:")
    assert material.indicators(empty, "RUS", "CHN").empty
    cov = material.coverage(empty)
    assert not cov.loaded.any() and "bilat fetch arms" in set(cov.load_with)
    with pytest.raises(BilatError) as ei:
        material.deals(empty, "RUS", "CHN")
    assert ei.value.code == "E009"
    empty.close()


def test_all_dyads_of_a_year(mstore: Store) -> None:
    one = material.indicators(mstore, "CHN", "RUS", years=2005, pillars="arms",
                              percentiles=False)
    every = material.all_dyads(mstore, 2005, pillars="arms")
    assert every.dyad.nunique() > 100
    mine = every[(every.a == "CHN") & (every.b == "RUS") & (every.indicator == "tiv")]
    x = mine.set_index("direction")["value"]
    y = one[one.indicator == "tiv"].set_index("direction")["value"]
    assert x["RUS→CHN"] == y["RUS→CHN"]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(min_value=-3, max_value=6), min_size=1, max_size=30),
       st.lists(st.booleans(), min_size=30, max_size=30))
def test_percentile_is_the_midrank_share(values: list[int], asym: list[bool]) -> None:
    """``_rank`` gives 100 × (n below + n equal / 2) / n within indicator and year, on |x| for
    asymmetry, and nothing for rows outside the universe."""
    import duckdb

    n = len(values)
    df = pd.DataFrame({
        "indicator": ["asymmetry" if a else "tiv" for a in asym[:n]],
        "family": "F", "year": [2000 + (i % 2) for i in range(n)],
        "value": [float(v) for v in values], "in_universe": [v != 0 for v in values],
    })
    con = duckdb.connect()
    con.register("u", df)
    got = material._rank(con, "SELECT * FROM u", df.copy())
    con.close()
    for i, r in df.iterrows():
        if not r.in_universe:
            assert np.isnan(got.percentile[i])
            continue
        g = df[(df.indicator == r.indicator) & (df.year == r.year) & df.in_universe]
        f = (lambda x: abs(x)) if r.indicator == "asymmetry" else (lambda x: x)
        v, u = f(r.value), g.value.map(f)
        want = 100 * ((u < v).sum() + (u == v).sum() / 2) / len(g)
        assert got.percentile[i] == pytest.approx(want) and got.n_dyads[i] == len(g)


def test_atop_zeros_only_while_both_states_exist(mstore: Store, shared_data: Path) -> None:
    """ATOP lists allied dyad-years only: an absent year is a true zero only while both states
    are system members (COW IGO's dyad-years list every pair of members; ATOP's own rows
    count too), never for Eritrea before 1993 or South Sudan before 2011."""
    igo = pd.read_csv(shared_data / "igo_cow" / "cow_igo_ndy.csv.gz")
    atop = pd.read_csv(shared_data / "alliances_atop" / "atop_alliance.csv.gz")

    def member(ccode: int) -> set[int]:
        yrs = set(igo[(igo.ccode1 == ccode) | (igo.ccode2 == ccode)].year)
        yrs |= set(atop[(atop.ccode1 == ccode) | (atop.ccode2 == ccode)].year)
        if igo.year.max() in yrs:  # a member in the IGO data's last year stays one
            yrs |= set(range(int(igo.year.max()) + 1, 2019))
        return yrs

    for (a, ca), (b, cb), years in ((("USA", 2), ("ERI", 531), (1985, 2005)),
                                    (("USA", 2), ("SSD", 626), (2000, 2018))):
        df = material.indicators(mstore, a, b, pillars="alliances", years=years,
                                 percentiles=False)
        got = set(df[df.indicator == "defense"].year)
        want = {y for y in member(ca) & member(cb) if years[0] <= y <= years[1]}
        assert want and got == want
        assert min(got) > years[0]  # the early years are missing, never zero
