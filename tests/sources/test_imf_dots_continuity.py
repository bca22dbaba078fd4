"""IMF DOTS and successor continuity (QA12 7): a former state's row is its successor's only up
to the former state's last year; later it is the former territory's residual."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bilat.reference.countries import continuity_note, former_state
from bilat.sources import imf_dots
from bilat.sources.core import BadRows


@pytest.fixture(scope="module")
def usa(shared_data: Path) -> tuple[pd.DataFrame, Path]:
    path = shared_data / "trade_imf_dots" / "DOTS_208.xlsx"
    return imf_dots.parse_dots(path, BadRows("fail", path)).to_pandas(), path


def _cell(path: Path, sheet: str, partner: str, year: int) -> float | None:
    """Independent read of one partner-year cell with pandas (first listing of the partner)."""
    df = pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine")
    years = [int(y) if pd.notna(y) else None for y in df.iloc[6]]
    col = years.index(year)
    rows = df.index[df[1].astype(str).str.strip() == partner]
    if not len(rows):
        return None
    v = df.iat[rows[0], col]
    return None if pd.isna(v) or str(v).strip() == "" else float(str(v).split()[0])


def test_residual_rows_are_not_the_successor(usa):
    got, path = usa
    for partner in ("USSR", "Czechoslovakia", "Yugoslavia"):
        f = former_state(partner)
        assert f is not None and f["last_year"] <= 1992
        rows = got[got.partner == partner]
        assert len(rows)
        before = rows[rows.year <= f["last_year"]]
        after = rows[rows.year > f["last_year"]]
        assert (before.partner_iso3 == f["successor"]).all()
        assert set(before.partner_kind) == {"former state"}
        assert after.partner_iso3.isna().all()
        assert set(after.partner_kind) <= {"former state residual"}
    # the 1992 USSR row is there (a residual) and equals the workbook's cell
    r = got[(got.partner == "USSR") & (got.year == 1992) & (got.flow == "exports_fob")]
    assert len(r) == 1 and r.partner_iso3.isna().all()
    assert r.value_musd.iloc[0] == _cell(path, "Exports, FOB", "USSR", 1992)
    # Russia's own row of 1992 is unchanged, a state
    ru = got[(got.partner == "Russian Federation") & (got.year == 1992)]
    assert set(ru.partner_iso3) == {"RUS"} and set(ru.partner_kind) == {"state"}
    # nothing else moved: every other state row keeps its ISO3
    other = got[~got.partner.isin(["USSR", "Czechoslovakia", "Yugoslavia",
                                   "Serbia and Montenegro", "Yemen Arab Rep."])]
    assert "former state residual" not in set(other.partner_kind)


def test_former_state_rule_from_the_crosswalk():
    assert former_state("Union of Soviet Socialist Republics")["successor"] == "RUS"
    assert former_state("Serbia and Montenegro")["last_year"] == 2006
    assert former_state("Eastern Germany") is None  # kept as DDR, no successor
    assert former_state("Russian Federation") is None
    assert imf_dots.imf_former("Yemen Arab Rep.")["successor"] == "YEM"
    assert "Soviet Union" in continuity_note("RUS", 1985)
    assert continuity_note("RUS", 1992) is None
    assert "Czechoslovakia" in continuity_note("CZE", 1992)
    assert continuity_note("CZE", 1993) is None
    assert "West" in continuity_note("DEU", 1989) or "German Federal" in continuity_note(
        "DEU", 1989)
    assert continuity_note("CHN", 1960) is None
