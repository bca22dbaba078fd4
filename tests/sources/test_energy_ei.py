"""EI Statistical Review reader: the real workbook against independent reads, bad workbooks."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.sources import energy_ei
from bilat.sources.core import BadRows, ingest

BOOK = "Statistical Review of World Energy Data.xlsx"


@pytest.fixture(scope="module")
def got(shared_data: Path) -> pd.DataFrame:
    path = shared_data / "energy_ei" / BOOK
    return energy_ei.parse_ei(path, BadRows("fail", path)).to_pandas()


def test_pipeline_gas_russia_china_series(got: pd.DataFrame, shared_data: Path) -> None:
    sheet = pd.read_excel(shared_data / "energy_ei" / BOOK, sheet_name=energy_ei.SHEET_SERIES,
                          header=None, engine="calamine")
    labels = sheet[0].astype(str).str.strip()
    china = labels[labels == "China"].index[0]
    row = next(i for i in range(china + 1, china + 10) if labels[i] == "Russian Federation")
    head = labels[labels == "Billion cubic metres"].index[0]
    want = {int(y): float(sheet.iat[row, j]) for j, y in enumerate(sheet.iloc[head])
            if j and isinstance(y, float) and 1990 < y < 2100}
    mine = got[(got.sheet == energy_ei.SHEET_SERIES) & (got.measure == "flow")
               & (got.exporter_iso3 == "RUS") & (got.importer_iso3 == "CHN")]
    assert dict(zip(mine.year, mine.value, strict=True)) == want
    assert set(mine["product"]) == {"pipeline_gas"}


def test_matrices_2023(got: pd.DataFrame, shared_data: Path) -> None:
    pipe = pd.read_excel(shared_data / "energy_ei" / BOOK, sheet_name=energy_ei.SHEET_PIPE,
                         header=None, engine="calamine")
    hdr = pipe.iloc[2].astype(str).str.strip().tolist()
    china = pipe[pipe[0].astype(str).str.strip() == "China"].index[0]
    want = float(pipe.iat[china, hdr.index("Russian Federation")])
    mine = got[(got.sheet == energy_ei.SHEET_PIPE) & (got.exporter_iso3 == "RUS")
               & (got.importer_iso3 == "CHN")]
    assert len(mine) == 1 and mine.value.iloc[0] == want and mine.year.iloc[0] == 2023
    lng = got[(got.sheet == energy_ei.SHEET_LNG) & (got.measure == "flow")]
    assert "Trinidad & Tobago" in set(lng.exporter) and "Russian Federation" in set(lng.exporter)
    crude = got[(got["product"] == "crude") & (got.exporter_iso3 == "RUS")
                & (got.importer_iso3 == "CHN")]
    assert len(crude) == 1 and crude.unit.iloc[0] == "Mt"
    tot = got[(got["product"] == "crude") & (got.measure == "exports")
              & (got.exporter_iso3 == "RUS")].value.iloc[0]
    flows = got[(got["product"] == "crude") & (got.measure == "flow")
                & (got.exporter == "Russian Federation")].value.sum()
    assert abs(tot - flows) < 1e-6 * tot  # the row total is the sum of its cells


def _book(path: Path, sheets: list[str]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for s in sheets:
        wb.create_sheet(s)["A1"] = "x"
    wb.save(path)
    return path


def test_bad_workbooks(tmp_path: Path, shared_data: Path, store) -> None:  # noqa: ANN001
    real = (shared_data / "energy_ei" / BOOK).read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(real[: len(real) // 2])
    cases = {"E013": tmp_path / "cut.xlsx", "E018": tmp_path / "empty.xlsx",
             "E502": _book(tmp_path / "renamed.xlsx", ["Gas - Trade movements",
                                                       "Gas trade - pipe", "Gas trade - LNG",
                                                       "Oil - Inter-area movements"])}
    cases["E018"].write_bytes(b"")
    for code, path in cases.items():
        with pytest.raises(BilatError) as ei:
            ingest(store, energy_ei.SOURCE, [path])
        assert ei.value.code == code, ei.value.one_line()
        assert path.name in ei.value.one_line()
        assert not store.has_table("energy_trade")
    # a small workbook in the upstream layout: reads; an unknown area name is one line
    good = _mini(tmp_path / "mini.xlsx", "China")
    res = ingest(store, energy_ei.SOURCE, [good])
    assert res[0].rows_added > 0
    n = store.con.execute("select count(*) from energy_trade").fetchall()[0][0]
    flow = store.con.execute(
        "select value from energy_trade where sheet = ? and exporter_iso3 = 'RUS' and "
        "importer_iso3 = 'CHN'", [energy_ei.SHEET_PIPE]).fetchall()
    assert flow == [(21.0,)]
    bad = _mini(tmp_path / "unknown.xlsx", "Cathay")
    msg = pytest.raises(BilatError, ingest, store, energy_ei.SOURCE, [bad]).value
    assert msg.code == "E501" and "Cathay" in msg.one_line() and "line 4" in msg.one_line()
    assert store.con.execute("select count(*) from energy_trade").fetchall()[0][0] == n


def _mini(path: Path, importer: str) -> Path:
    """The four sheets, cut down to one area / one cell each, in the upstream layout."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet(energy_ei.SHEET_SERIES)
    ws.append(["Natural gas: Inter-regional trade"])
    ws.append([None])
    ws.append(["Billion cubic metres", 2022, 2023, 2023, "2013-23"])
    ws.append(["China"])
    ws.append(["Pipeline imports", 15.0, 21.0, 0.4, 0.1])
    ws.append(["  of which: Russian Federation", 14.7, 21.3, 0.4, None])
    ws.append(["Total imports", 15.0, 21.0, 0.4, 0.1])
    ws.append([None])
    ws.append(["Pipeline trade excludes intra-regional trade"])
    for name in (energy_ei.SHEET_PIPE, energy_ei.SHEET_LNG):
        ws = wb.create_sheet(name)
        ws.append([f"Natural Gas: Trade movements 2023 ({name})"])
        ws.append(["Billion cubic metres", None, "From"])
        ws.append(["To", "Russian Federation", "Total imports"])
        ws.append([importer, 21.0, 21.0])
        ws.append(["Total exports", 21.0, None])
    ws = wb.create_sheet(energy_ei.SHEET_OIL)
    ws.append(["Oil: Inter-area movements 2023"])
    ws.append([None, None, "To"])
    ws.append(["Crude (million tonnes)", "China", "Total"])
    ws.append(["From"])
    ws.append(["Russian Federation", 107.0, 107.0])
    ws.append(["Total imports", 107.0, None])
    ws.append([None])
    wb.save(path)
    return path
