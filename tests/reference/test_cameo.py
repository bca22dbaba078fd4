"""CAMEO lookup tables, checked against their own structure and against real GDELT rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.reference import cameo


def test_eventcodes_table_shape_and_known_values() -> None:
    df = cameo.load_cameo_eventcodes()
    assert len(df) == 311 and df["code"].is_unique
    assert set(df["level"]) == {"root", "base", "leaf"}
    assert (df.loc[df["level"] == "root", "code"].str.len() == 2).all()
    assert sorted(df.loc[df["level"] == "root", "code"]) == [f"{i:02d}" for i in range(1, 21)]
    assert (df["code"].str[:2] == df["root_code"]).all()
    assert df["goldstein"].between(-10, 10).all()
    assert cameo.goldstein("057") == 8.0
    assert cameo.goldstein("190") == -10.0
    assert cameo.goldstein("0874") == 10.0
    assert cameo.describe("042") == "Make a visit"
    assert cameo.describe("106") == "Demand withdrawal"
    with pytest.raises(KeyError):
        cameo.goldstein("999")


def test_quad_classes_follow_root_ranges() -> None:
    q = cameo.load_cameo_quadclasses()
    assert q["quad_class"].tolist() == [1, 2, 3, 4]
    df = cameo.load_cameo_eventcodes()
    roots = df["root_code"].astype(int)
    expected = roots.map(lambda r: 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 14 else 4)
    assert (df["quad_class"] == expected).all()
    assert cameo.quad_class("0874") == 2 and cameo.quad_class("111") == 3


def test_actor_types() -> None:
    t = cameo.load_cameo_actortypes()
    assert t["code"].is_unique and {"GOV", "MIL", "COP", "BUS", "IGO"} <= set(t["code"])
    assert t.set_index("code").loc["GOV", "label"] == "Government"


def test_contact_codes() -> None:
    assert cameo.CONTACT_CODES == ("036", "040", "041", "042", "043", "044", "045", "046")


def test_real_gdelt_rows_agree_with_the_tables(shared_data: Path) -> None:
    """Every real GDELT 2.0 row's Goldstein and QuadClass equal the table's value for its code."""
    table = cameo.load_cameo_eventcodes().set_index("code")
    checked = 0
    for path in sorted((shared_data / "gdelt").glob("*.export.CSV")):
        for line in path.read_text(encoding="utf-8").splitlines():
            f = line.split("\t")
            code, quad, gold = f[26], int(f[29]), float(f[30])
            assert code in table.index, (path.name, code)
            assert table.loc[code, "goldstein"] == pytest.approx(gold), (path.name, code)
            assert table.loc[code, "quad_class"] == quad, (path.name, code)
            checked += 1
    assert checked > 7000
