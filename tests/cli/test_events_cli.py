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
    # empty (NULL) periods print as empty cells, read back as NaN
    assert df["events"].fillna(-1).astype(int).tolist() == \
        lib["events"].fillna(-1).astype(int).tolist()
    assert df["events"].isna().any()  # months no fixture file covers and no event is dated in
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


# ----------------------------------------------------------------------------- ICEWS (issue 11)
def _icews_mirror(shared_data: Path, tmp_path: Path, names: list[str]) -> Path:
    """A mirror holding a few of the real ICEWS daily files (copied into tmp)."""
    import shutil

    folder = tmp_path / "mirror" / "icews" / "daily"
    folder.mkdir(parents=True)
    src = shared_data / "icews" / "bkitej-daily-2018-2019"
    for n in names:
        shutil.copyfile(src / n, folder / n)
    return tmp_path / "mirror"


ICEWS_DAYS = ["20181105-icews-events.tab", "20181106-icews-events.tab",
              "20181107-icews-events.tab"]


def test_fetch_icews_indicators_with_coverage_and_contacts(
        db: str, tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mirror = _icews_mirror(shared_data, tmp_path, ICEWS_DAYS)
    code, out, err = _run(capsys, "--store", db, "fetch", "icews", "--mirror", str(mirror),
                          "-f", "csv")
    assert code == 0, err
    files = pd.read_csv(io.StringIO(out))
    n = sum(sum(1 for _ in (mirror / "icews" / "daily" / f).open()) - 1 for f in ICEWS_DAYS)
    assert files["rows_added"].sum() == n and f"{n:,} rows stored" in err

    code, out, err = _run(capsys, "--store", db, "events", "indicators", "RUS", "CHN",
                          "--source", "icews", "--period", "month", "--min-events", "5",
                          "-f", "csv")
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert {"source", "coverage", "coverage_present", "coverage_expected", "partial", "low_n",
            "min_events"} <= set(df.columns)
    assert set(df["source"]) == {"icews"} and (df["min_events"] == 5).all()
    assert (df["low_n"] == (df["events"].isna() | (df["events"] < 5))).all()
    with open_store(db) as st:
        lib = ev.indicators(st, "RUS", "CHN", source="icews", min_events=5)
    assert df["events"].fillna(-1).tolist() == lib["events"].fillna(-1).tolist()

    # the terminal table shows the flags
    code, out, err = _run(capsys, "--store", db, "events", "indicators", "RUS", "CHN",
                          "--source", "icews", "--direction", "undirected")
    assert code == 0 and "partial" in out and "low_n" in out and "coverage" in out

    code, out, err = _run(capsys, "--store", db, "events", "contacts", "RUS", "CHN",
                          "--period", "month", "-f", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and {"contacts", "visits", "calls", "event_ids", "basis"} <= set(rows[0])
    assert "note: gdelt: not in the store" in err and "leader-engagements" in err
    code, out, err = _run(capsys, "--store", db, "events", "contacts", "RUS", "CHN", "--list",
                          "-f", "csv")
    listing = pd.read_csv(io.StringIO(out))
    icews_rows = [r for r in rows if r["source"] == "icews"]
    assert len(listing) == sum(r["contacts"] or 0 for r in icews_rows)


def test_ingest_tells_icews_from_gdelt_by_the_header(
        db: str, tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    day = shared_data / "icews" / "bkitej-daily-2018-2019" / ICEWS_DAYS[0]
    code, out, err = _run(capsys, "--store", db, "events", "ingest", str(day), FILES[0])
    assert code == 0, err
    assert "Ingested ICEWS files" in out and "Ingested GDELT files" in out
    with open_store(db) as st:
        ev.refresh_event_view(st)
        got = dict(st.con.execute("SELECT source, count(*) FROM events GROUP BY 1").fetchall())
    assert got["icews"] == sum(1 for _ in day.open()) - 1 and got["gdelt"] == 68


def test_empty_range_and_bad_icews_file_are_one_line(
        db: str, tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    day = shared_data / "icews" / "bkitej-daily-2018-2019" / ICEWS_DAYS[0]
    assert _run(capsys, "--store", db, "events", "ingest", str(day))[0] == 0
    code, out, err = _run(capsys, "--store", db, "events", "indicators", "RUS", "CHN",
                          "--source", "icews", "--start", "2010", "--end", "2011")
    assert code == 1 and out == "" and err.count("error:") == 1 and "[E150]" in err
    lines = day.read_text(encoding="utf-8").splitlines()
    cols = lines[2].split("\t")
    cols[1] = "2018-13-40"
    bad = tmp_path / "20181106-icews-events.tab"
    bad.write_text("\n".join([lines[0], lines[1], "\t".join(cols)]) + "\n", encoding="utf-8")
    code, out, err = _run(capsys, "--store", db, "events", "ingest", str(bad))
    flat = " ".join(err.split())
    assert code == 1 and "[E142]" in flat and f"{bad.name} line 3" in flat.replace("\n", "")


def test_ingest_of_an_unknown_layout_names_every_layout_events_ingest_reads(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 3-column comma file is none of the layouts: the one-line error names them all
    (GDELT 1.0/2.0, ICEWS Dataverse, quadruple sets, dyad-year), not GDELT's alone."""
    weird = tmp_path / "weird.csv"
    weird.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    code, out, err = _run(capsys, "--store", db, "events", "ingest", str(weird))
    assert code != 0 and out == ""
    line = " ".join(err.split())
    assert "[E152]" in line and "weird.csv" in line and "3 comma-separated" in line
    for layout in ("GDELT exports", "ICEWS Dataverse files", "quadruple sets", "dyad-year"):
        assert layout in line, layout
    assert "Traceback" not in err
    # a tab-separated file of 30 fields is none of the layouts either
    bad = tmp_path / "thirty.tsv"
    bad.write_text("\t".join(["x"] * 30) + "\n", encoding="utf-8")
    code, _, err = _run(capsys, "--store", db, "events", "ingest", str(bad))
    assert code != 0 and "[E152]" in err and "30 tab-separated" in " ".join(err.split())
    # a file named as a GDELT export keeps GDELT's own message (the field counts it has)
    gd = tmp_path / "20190101.export.CSV"
    gd.write_text("\t".join(["x"] * 30) + "\n", encoding="utf-8")
    code, _, err = _run(capsys, "--store", db, "events", "ingest", str(gd))
    assert code != 0 and "[E106]" in err and "61" in err
