"""`bilat fetch trade|arms|…`, `bilat material …` and `bilat dyads panel`: thin commands."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bilat.cli import main
from tests.indicators.material_store import material_store_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    cap = capsys.readouterr()
    return code, cap.out, " ".join(cap.err.split())


@pytest.fixture(scope="module")
def real_store(shared_data: Path) -> str:
    return str(material_store_path(shared_data))


def test_fetch_from_mirror_is_idempotent(tmp_path: Path, shared_data: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    mirror = tmp_path / "mirror"
    for folder in ("exercises_mme", "diplomacy_chinavitae", "energy_ei"):
        shutil.copytree(shared_data / folder, mirror / folder)
    store = str(tmp_path / "s.duckdb")
    tables = {"exercises": "mme_exercises", "engagements": "leader_engagements",
              "energy": "energy_trade"}
    for cmd in tables:
        code, _, err = run(capsys, "--store", store, "fetch", cmd, "--mirror", str(mirror))
        assert code == 0 and "rows added" in err, err
        code, _, err = run(capsys, "--store", store, "fetch", cmd, "--mirror", str(mirror))
        assert code == 0 and "unchanged" in err, err
    code, out, _ = run(capsys, "--store", store, "material", "coverage", "-f", "csv")
    cov = pd.read_csv(io.StringIO(out)).set_index("table")
    assert cov.loc[list(tables.values()), "loaded"].all()
    raw = pd.read_csv(shared_data / "exercises_mme" / "mme_v7.csv")
    assert cov.loc["mme_exercises", "rows"] == len(raw)
    assert not cov.loc["sipri_deliveries", "loaded"]


def test_fetch_bad_files_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.duckdb")
    bad = tmp_path / "cow_trade_ndy.csv"
    bad.write_text("ccode1,ccode2,year,flow1,flow2,smoothflow1,smoothflow2\n"
                   "365,710,2014,1,2,1,2\n365,1,2014,1,2,1,2\n")
    code, out, err = run(capsys, "--store", store, "fetch", "trade", "--file", str(bad))
    assert code == 1 and out == "" and err.startswith("error: [E501]")
    assert "line 3" in err and "Traceback" not in err
    code, _, err = run(capsys, "--store", store, "fetch", "trade", "--file", str(bad),
                       "--on-bad-rows", "skip")
    assert code == 0 and "1 rows added" in err and "set aside" in err
    empty = tmp_path / "trade_register.csv"
    empty.write_text("")
    code, _, err = run(capsys, "--store", store, "fetch", "arms", "--file", str(empty))
    assert code == 1 and "[E018]" in err
    code, _, err = run(capsys, "--store", store, "fetch", "alliances", "--on-bad-rows", "maybe",
                       "--file", str(bad))
    assert code == 1 and "[E016]" in err


def test_material_commands(real_store: str, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", real_store, "material", "indicators", "RUS", "CHN",
                       "--ref", "RUS", "VNM", "--indicator", "tiv", "--years", "2010-2012",
                       "-f", "json", "--chart", str(tmp_path / "tiv.json"))
    assert code == 0 and (tmp_path / "tiv.json").exists()
    rows = json.loads(out)
    assert {r["dyad"] for r in rows} == {"RUS–CHN", "RUS–VNM"}
    assert all(r["indicator"] == "tiv" for r in rows) and all("rows" in r for r in rows)
    code, out, _ = run(capsys, "--store", real_store, "material", "indicators", "Russia",
                       "China", "--indicator", "tiv", "--yardstick", "--ref", "RUS-VNM",
                       "--years", "2014", "-f", "csv")
    side = pd.read_csv(io.StringIO(out))
    code, out, _ = run(capsys, "--store", real_store, "material", "indicators", "RUS", "CHN",
                       "--indicator", "tiv", "--years", "2014", "-f", "csv")
    flat = pd.read_csv(io.StringIO(out))
    r2c = flat[flat.direction == "RUS→CHN"].iloc[0]
    assert r2c["rows"].startswith("sipri:") and "[" not in r2c["rows"]
    assert {"RUS–CHN", "RUS–VNM", "RUS–CHN pct"} <= set(side.columns)
    code, out, _ = run(capsys, "--store", real_store, "material", "deals", "RUS", "CHN",
                       "--years", "2015", "-f", "csv")
    deals = pd.read_csv(io.StringIO(out))
    assert code == 0 and "Su-35S" in set(deals.designation)
    code, out, _ = run(capsys, "--store", real_store, "material", "exercises", "RUS", "CHN",
                       "--bilateral", "-f", "csv")
    ex = pd.read_csv(io.StringIO(out))
    assert code == 0 and set(ex.kind) == {"bilateral"} and len(ex) >= 1
    code, out, _ = run(capsys, "--store", real_store, "material", "engagements", "CHN", "RUS",
                       "--years", "2014", "-f", "csv")
    eng = pd.read_csv(io.StringIO(out))
    assert code == 0 and eng[eng.type == "all"].n.iloc[0] > 0
    code, _, err = run(capsys, "--store", real_store, "material", "indicators", "RUS", "RUS")
    assert code == 1 and "[E507]" in err
    code, _, err = run(capsys, "--store", real_store, "material", "indicators", "RUS", "CHN",
                       "--chart", "x.html")
    assert code == 1 and "[E508]" in err


def test_dyads_panel_command(real_store: str, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "panel.parquet"
    code, _, err = run(capsys, "--store", real_store, "dyads", "panel", "RUS", "CHN", "--ref",
                       "RUS-BLR", "--years", "2000-2010", "-f", "parquet", "-o", str(out_file),
                       "--chart", f"exercises_exercises={tmp_path / 'ex.json'}")
    assert code == 0, err
    p = pd.read_parquet(out_file)
    assert set(p.dyad) == {"RUS–CHN", "RUS–BLR"} and p.year.between(2000, 2010).all()
    assert "coverage_arms" in p.columns and (tmp_path / "ex.json").exists()
    code, out, _ = run(capsys, "--store", real_store, "dyads", "panel", "--all-dyads",
                       "--year", "2005", "--pillar", "igos", "-f", "csv")
    every = pd.read_csv(io.StringIO(out))
    assert code == 0 and len(every) > 1000 and every.year.eq(2005).all()
    code, _, err = run(capsys, "--store", real_store, "dyads", "panel", "RUS", "CHN",
                       "--all-dyads", "--year", "2005")
    assert code == 1 and "[E508]" in err


def test_narrow_table_keeps_the_named_columns_not_others() -> None:
    from bilat.cli._base import _cell, _fit_columns

    data = {"dyad": ["RUS–CHN"] * 3, "year": [2014] * 3, "value": [51135.0, 0.1, 88350.3],
            "source": ["IMF DOTS, CHN report", "COW trade v4.0", "IMF DOTS, RUS report"],
            "unit": ["million US$ (current)"] * 3, "a": ["RUS"] * 3, "b": ["CHN"] * 3}
    shown = _fit_columns(list(data), data, ["dyad", "year", "value", "source", "unit"], 50)
    # "unit" does not fit: the narrow "a" and "b" are not shown in its place
    assert shown[:4] == ["dyad", "year", "value", "source"] and "a" not in shown
    assert _cell(51135.0).plain == "51,135" and _cell(0.1006).plain == "0.1006"
