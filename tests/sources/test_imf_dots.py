"""IMF DOTS workbook reader: the five real workbooks against pandas, and bad workbooks."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.sources import imf_dots
from bilat.sources.core import BadRows, ingest


def _sheet_values(path: Path, sheet: str) -> pd.DataFrame:
    """Independent read: partner × year values of one sheet (first listing of a partner)."""
    df = pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine")
    years = df.iloc[6, 2:]
    body = df.iloc[7:, 1:].dropna(subset=[1]).drop_duplicates(subset=[1])
    body = body.set_index(1)
    body.columns = [int(y) for y in years]
    return body.stack().dropna().rename("v").reset_index().rename(columns={1: "partner",
                                                                  "level_1": "year"})


@pytest.mark.parametrize("name", ["DOTS_162.xlsx", "DOTS_40.xlsx"])
def test_real_workbooks(shared_data: Path, name: str) -> None:
    path = shared_data / "trade_imf_dots" / name
    got = imf_dots.parse_dots(path, BadRows("fail", path)).to_pandas()
    for sheet, flow in imf_dots.SHEETS.items():
        want = _sheet_values(path, sheet)
        mine = got[got.flow == flow]
        assert len(mine) == len(want)
        m = mine.merge(want, on=["partner", "year"])
        assert len(m) == len(want) and (m.value_musd == m.v.astype(float)).all()
    assert (got.partner_kind == "state").sum() > 150
    assert set(got.loc[got.partner == "World", "partner_kind"]) == {"aggregate"}


def test_partner_names_map_to_iso3(shared_data: Path) -> None:
    path = shared_data / "trade_imf_dots" / "DOTS_162.xlsx"
    got = imf_dots.parse_dots(path, BadRows("fail", path)).to_pandas()
    names = got.drop_duplicates("partner").set_index("partner")["partner_iso3"]
    assert names["China, P.R.: Mainland"] == "CHN" and names["Belarus, Rep. of"] == "BLR"
    assert names["Korea, Rep. of"] == "KOR" and names["Korea, Dem. People's Rep. of"] == "PRK"
    assert names["Congo, Dem. Rep. of the"] == "COD" and names["Congo, Rep. of"] == "COG"
    assert set(got.reporter_iso3) == {"RUS"}


def _workbook(path: Path, partners: list[tuple[str, list[object]]], *,
              sheets: tuple[str, ...] = ("Exports, FOB", "Imports, CIF"),
              unit: str = "US Dollars, Millions") -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(sheet)
        ws["B2"] = f"{sheet} to Partner Countries"
        ws["B4"] = "Russian Federation"
        ws["B5"] = unit
        ws["C7"], ws["D7"] = 2019, 2020
        for i, (name, vals) in enumerate(partners, start=8):
            ws.cell(i, 2, name)
            for j, v in enumerate(vals, start=3):
                ws.cell(i, j, v)
    wb.save(path)
    return path


def test_bad_workbooks(tmp_path: Path, store) -> None:  # noqa: ANN001
    good = _workbook(tmp_path / "DOTS_162.xlsx", [("World", [10.0, 11.0]),
                                                   ("China, P.R.: Mainland", [1.0, "2.00 e"])])
    res = ingest(store, imf_dots.SOURCE, [good])
    assert res[0].rows_added == 8
    est = store.con.execute("select count(*) from imf_dots where estimate").fetchall()[0][0]
    assert est == 2
    data = good.read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    cases = {
        "E013": tmp_path / "cut.xlsx",
        "E502": _workbook(tmp_path / "renamed.xlsx", [("World", [1, 2])],
                          sheets=("Exports, FOB", "Imports")),
        "E501": _workbook(tmp_path / "unknown.xlsx", [("World", [1, 2]), ("Atlantis", [1, 2])]),
        "E503": _workbook(tmp_path / "text.xlsx", [("World", ["n/a", 2])]),
        "E018": tmp_path / "empty.xlsx",
        "E504": _workbook(tmp_path / "twice.xlsx", [("World", [1, 2]), ("Australia", [1, 2]),
                                                    ("Australia", [1, 3])]),
    }
    cases["E018"].write_bytes(b"")
    for code, path in cases.items():
        with pytest.raises(BilatError) as ei:
            ingest(store, imf_dots.SOURCE, [path])
        assert ei.value.code == code, ei.value.one_line()
        assert path.name in ei.value.one_line() and "\n" not in ei.value.one_line()
        assert store.con.execute("select count(*) from imf_dots").fetchall()[0][0] == 8
    msg = pytest.raises(BilatError, ingest, store, imf_dots.SOURCE,
                        [cases["E501"]]).value.one_line()
    assert "line 9" in msg and "Atlantis" in msg


def test_online_fetch_uses_the_pinned_copies(tmp_path: Path, shared_data: Path, store,  # noqa: ANN001
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a mirror the five workbooks come from the pinned repository (no network here:
    the download is replaced by a copy of the mirror's file of the same name)."""
    from bilat.sources import core

    seen: list[str] = []

    def fake_download(url: str, target: Path, **_: object) -> Path:
        seen.append(url)
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((shared_data / "trade_imf_dots" / target.name).read_bytes())
        return target

    monkeypatch.delenv("BILAT_MIRROR", raising=False)
    monkeypatch.setattr(core, "download", fake_download)
    res = imf_dots.fetch_dots(store, cache_dir=tmp_path / "dl", files=["DOTS_18.xlsx"])
    assert seen == [imf_dots._REPO + "DOTS_18.xlsx"] and seen[0].startswith("https://")
    assert res[0].rows_added > 0
    assert {r[0] for r in store.con.execute("select reporter_iso3 from imf_dots").fetchall()} \
        == {"BLR"}
