"""`bilat events …` and `bilat fetch gdelt` through bilat.cli.main (thin layer over the library)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from bilat.cli import main
from bilat.indicators import events as ev
from bilat.store import open_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"
FILES = [str(p) for p in sorted(FIX.iterdir()) if p.suffix in (".CSV", ".zip")]


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.duckdb")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ingest_then_indicators_csv_with_reference_pairs(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "--store", db, "events", "ingest", *FILES, "-f", "csv")
    assert code == 0, err
    ingested = pd.read_csv(io.StringIO(out))
    assert ingested["rows"].sum() == 7 * 68 and set(ingested["status"]) == {"ingested"}
    assert "476 rows stored" in err

    code, out, err = _run(capsys, "--store", db, "events", "indicators", "RUS", "CHN",
                          "--ref", "RUS", "BLR", "--ref", "USA", "GBR", "--period", "month",
                          "--format", "csv")
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert set(df["dyad"]) == {"RUS–CHN", "RUS–BLR", "USA–GBR"}
    with open_store(db) as st:
        lib = ev.indicators(st, "RUS", "CHN", refs=[("RUS", "BLR"), ("USA", "GBR")])
    assert df["events"].tolist() == lib["events"].tolist()
    assert {"volume_a", "volume_b", "goldstein_weighted", "gov_contacts"} <= set(df.columns)

    # re-ingest adds nothing
    code, out, err = _run(capsys, "--store", db, "events", "ingest", *FILES, "-f", "json")
    assert code == 0 and {r["status"] for r in json.loads(out)} == {"already"}


def test_indicator_chart_json_parquet(db: str, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "--store", db, "events", "ingest", *FILES)[0] == 0
    chart = tmp_path / "gov.html"
    code, out, err = _run(capsys, "--store", db, "events", "indicators", "RUS", "CHN",
                          "--ref", "USA-GBR", "--period", "year", "--actor-type", "GOV",
                          "--direction", "undirected", "--dedup", "daily",
                          "--indicator", "net_cooperation", "--chart", str(chart), "-f", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and all("net_cooperation" in r and r["dedup"] == "daily" for r in rows)
    assert "vega" in chart.read_text(encoding="utf-8").lower()
    target = tmp_path / "ind.parquet"
    code, _, err = _run(capsys, "--store", db, "events", "indicators", "RUS", "CHN",
                        "-f", "parquet", "-o", str(target))
    assert code == 0, err
    assert len(pd.read_parquet(target)) > 0


def test_ids_lists_the_events_behind_a_cell(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "--store", db, "events", "ingest", *FILES)[0] == 0
    code, out, err = _run(capsys, "--store", db, "events", "ids", "RUS", "CHN", "--period",
                          "month", "--at", "2022-02", "--quad", "1", "--direction", "a2b",
                          "-f", "csv")
    assert code == 0, err
    ids = pd.read_csv(io.StringIO(out))
    assert len(ids) > 0 and (ids["QuadClass"] == 1).all()
    assert ids["SOURCEURL"].str.startswith("https://").all()
    with open_store(db) as st:
        cell = ev.indicators(st, "RUS", "CHN", direction="a2b")
    row = cell[cell["period"].astype(str) == "2022-02-01"].iloc[0]
    assert len(ids) == row["verbal_coop"]


def test_sql_bigquery(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "events", "sql", "RUS", "CHN", "--dialect", "bigquery")
    assert code == 0, err
    assert "`gdelt-bq`.`gdeltv2`.`events`" in out and "`Actor1CountryCode`" in out


def test_fetch_gdelt_from_mirror(db: str, shared_data: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--store", db, "fetch", "gdelt", "--start", "2019-10-24",
                          "--end", "2019-10-24", "--mirror", str(shared_data),
                          "--allow-missing", "-f", "csv", "--by", "file")
    assert code == 0, err
    report = pd.read_csv(io.StringIO(out))
    assert len(report) == 96 and (report["status"] == "missing").sum() == 95
    assert "expected 96 files, received 1, missing 95" in err and "2,111 rows stored" in err
    code, out, err = _run(capsys, "--store", db, "fetch", "gdelt", "--start", "2019-10-24",
                          "--end", "2019-10-24", "--mirror", str(shared_data))
    # one message (the console may wrap it to the terminal width)
    assert code == 1 and err.strip().startswith("error: [E108]") and err.count("error:") == 1


def test_bad_file_is_one_line_and_store_unchanged(db: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "--store", db, "events", "ingest", FILES[0])[0] == 0
    bad = tmp_path / "20220204170000.export.CSV"
    bad.write_text("1\t2\t3\n", encoding="utf-8")
    code, _, err = _run(capsys, "--store", db, "events", "ingest", str(bad))
    assert code == 1
    flat = " ".join(err.split())
    assert flat.startswith("error: [E106]") and err.count("error:") == 1
    assert bad.name in err.replace("\n", "")
    with open_store(db) as st:
        assert st.con.execute("SELECT count(*) FROM gdelt_events").fetchall()[0][0] == 68


def test_quarantine_command(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = (FIX / "20220204120000.export.CSV").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "20220204180000.export.CSV"
    bad.write_text("\n".join(lines[:3] + ["9\t20220204"] + lines[3:]) + "\n", encoding="utf-8")
    code, _, err = _run(capsys, "--store", db, "events", "ingest", str(bad), "--on-bad-rows",
                        "quarantine")
    assert code == 0 and "1 set aside" in err
    code, out, _ = _run(capsys, "--store", db, "events", "quarantine", "-f", "csv")
    q = pd.read_csv(io.StringIO(out))
    assert q[["source_file", "line"]].values.tolist() == [[bad.name, 4]]


def test_ref_needs_two_countries(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "events", "sql", "RUS", "CHN", "--ref", "USA")
    assert code == 1 and "[E012]" in err
