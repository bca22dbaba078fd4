"""Fresh-user QA nits at the command line (issue 16, item 4): a one-state --ref for votes is
E012; a reversed year range says to give the earlier year first; a side typed as a name
resolves; dates print as YYYY-MM-DD and year periods as YYYY in tables (CSV/JSON keep ISO);
re-importing an unchanged corpus prints its summary line, not an empty table."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from bilat.cli import main
from bilat.cli._base import emit
from bilat.errors import BilatError
from bilat.store import open_store

TEXTS = Path(__file__).resolve().parents[1] / "fixtures" / "texts"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    got = capsys.readouterr()
    return code, got.out, got.err


def _one_line(err: str, code: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: [{code}]"), err
    return lines[0]


@pytest.fixture()
def empty_store(tmp_path: Path) -> str:
    path = tmp_path / "s.duckdb"
    open_store(path).close()
    return str(path)


def test_votes_ref_needs_two_states(empty_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--ref", "RUS"], ["--ref", "USA"]):
        code, out, err = _run(capsys, "--store", empty_store, "votes", "affinity", "RUS", "CHN",
                              *argv, "--years", "2010")
        line = _one_line(err, "E012")
        assert code == 1 and out == "" and "--ref" in line and "two countries" in line


def test_reversed_year_range_says_earlier_year_first(
        empty_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    from bilat.assess.report import parse_years as report_years
    from bilat.indicators import material, votes
    from bilat.text import speeches

    # each area's own code (votes E224, material and panel E511), the same wording
    for parse, want in ((votes.parse_years, "E224"), (material.parse_years, "E511"),
                        (speeches.parse_years, "E712"), (report_years, "E712")):
        with pytest.raises(BilatError) as info:
            parse("2019-1992")
        assert info.value.code == want and "earlier year first" in str(info.value)
        assert "1992-2019" in str(info.value)
        with pytest.raises(BilatError) as info:
            parse((2019, 1992))
        assert info.value.code == want
        assert parse("1992-2019") == (1992, 2019) and parse("2014") == (2014, 2014)
    code, _, err = _run(capsys, "--store", empty_store, "votes", "affinity", "RUS", "CHN",
                        "--years", "2019-1992")
    assert code == 1 and "earlier year first" in _one_line(err, "E224")


def test_side_names_resolve(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "docs.duckdb")
    code, _, err = _run(capsys, "--store", store, "documents", "add",
                        str(TEXTS / "aug2021_chn_en.txt"), "--side", "CHINA",
                        "--date", "2021-08-25")
    assert code == 0, err
    code, out, err = _run(capsys, "--store", store, "documents", "list", "-f", "json")
    assert code == 0 and [r["side"] for r in json.loads(out)] == ["CHN"]
    code, out, err = _run(capsys, "readouts", "compare",
                          f"{TEXTS / 'aug2021_chn_en.txt'}@CHINA@2021-08-25",
                          f"{TEXTS / 'aug2021_rus_en.txt'}@Russia@2021-08-25")
    assert code == 0, err
    code, _, err = _run(capsys, "readouts", "compare", f"{TEXTS / 'aug2021_chn_en.txt'}@CHYNNA",
                        f"{TEXTS / 'aug2021_rus_en.txt'}@RUS")
    assert code == 1 and "did you mean" in _one_line(err, "E008")


def test_table_dates_and_year_periods(capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    df = pd.DataFrame({
        "period": pd.to_datetime(["2002-01-01", "2003-01-01", "2004-01-01"]),
        "event_date": pd.to_datetime(["2022-02-04 00:00", "2022-02-05 00:00", "2022-02-06 13:30"]),
        "n": [1, 2, 3],
    })
    emit(df, "table")
    out = capsys.readouterr().out
    assert "2022-02-04" in out and "00:00:00" not in out and "2022-02-06 13:30:00" in out
    assert all(y in out for y in ("2002", "2003", "2004")) and "2002-01-01" not in out
    # a month period column keeps its dates; one January is not a year
    months = df.assign(period=pd.to_datetime(["2002-01-01", "2002-02-01", "2002-03-01"]))
    emit(months, "table")
    assert "2002-02-01" in capsys.readouterr().out
    # periods as dates (the event tables' form) too
    emit(df.assign(period=[p.date() for p in df["period"]]), "table")
    out = capsys.readouterr().out
    assert "2003" in out and "2003-01-01" not in out
    emit(df, "csv")  # CSV/JSON keep ISO dates
    back = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert back["period"].iloc[0].startswith("2002-01-01")


def test_reimport_prints_summary_not_empty_table(
        tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "c.duckdb")
    day = shared_data / "texts" / "xwlb" / "news" / "20220225.md"
    code, out, _ = _run(capsys, "--store", store, "documents", "import", str(day))
    assert code == 0 and "xwlb" in out
    code, out, err = _run(capsys, "--store", store, "documents", "import", str(day))
    assert code == 0 and "1 unchanged" in out and "0 new documents" in out, (out, err)
    assert "┃" not in out and "━" not in out  # no table
