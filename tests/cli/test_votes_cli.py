"""`bilat fetch unvotes` and `bilat votes …`: thin commands over bilat.indicators.votes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from bilat.cli import main
from tests.conftest import FIXTURES
from tests.indicators.conftest import real_votes_store_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    cap = capsys.readouterr()
    return code, cap.out, " ".join(cap.err.split())  # Rich wraps stderr at 80 columns


@pytest.fixture(scope="module")
def real_store(shared_data: Path) -> str:
    return str(real_votes_store_path(shared_data))


def test_fetch_unvotes_from_mirror_and_file(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.duckdb")
    mirror = tmp_path / "mirror" / "unga"
    mirror.mkdir(parents=True)
    (mirror / "un_votes.csv").write_text("rcid,country,country_code,vote\n3.0,Cuba,CU,yes\n"
                                         "3.0,Canada,CA,no\n")
    (mirror / "un_roll_calls.csv").write_text("rcid,session,importantvote,date,unres\n"
                                              "3,1.0,0,1946-01-01,R/1/66\n")
    (mirror / "un_roll_call_issues.csv").write_text("rcid,short_name,issue\n")
    code, _, err = run(capsys, "--store", store, "fetch", "unvotes", "--mirror",
                       str(mirror.parent))
    assert code == 0 and "2 votes on 1 roll calls added" in err
    code, _, err = run(capsys, "--store", store, "fetch", "unvotes", "--mirror",
                       str(mirror.parent), "--file", str(FIXTURES / "unvotes" /
                                                         "undl_sc_votes.csv"))
    assert code == 0 and "already ingested" in err and "15 votes on 1 roll calls" in err
    code, out, err = run(capsys, "--store", store, "votes", "affinity", "RUS", "CHN",
                         "--body", "SC", "-f", "csv")
    df = pd.read_csv(io.StringIO(out))
    assert code == 0 and df.loc[0, "n"] == 1 and df.loc[0, "partial"] == 1


def test_fetch_bad_file_is_one_line_error(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "UNVotes.csv"
    bad.write_text("rcid,ccode,vote\n1,2,5\n")
    code, _, err = run(capsys, "--store", str(tmp_path / "s.duckdb"), "fetch", "unvotes",
                       "--file", str(bad))
    assert code == 1 and "[E204]" in err and "UNVotes.csv line 2" in err


def test_affinity_csv_json_and_chart(real_store: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", real_store, "votes", "affinity", "RUS", "CHN",
                       "--years", "2010-2019", "--method", "kappa", "-f", "csv")
    df = pd.read_csv(io.StringIO(out))
    assert code == 0 and list(df["period"]) == list(range(2010, 2020))
    assert {"kappa", "kappa_w", "n", "vote_ids"} <= set(df.columns) and "s" not in df.columns
    chart = tmp_path / "a.html"
    code, out, err = run(capsys, "--store", real_store, "votes", "affinity", "RUS", "CHN",
                         "--years", "2014", "--issue", "hr", "--ref", "USA", "-f", "json",
                         "--chart", str(chart))
    rows = json.loads(out)
    assert code == 0 and chart.is_file() and [r["dyad"] for r in rows] == \
        ["RUS–CHN", "RUS–USA", "CHN–USA"]
    assert all(isinstance(r["vote_ids"], list) and len(r["vote_ids"]) == r["n"] for r in rows)


def test_affinity_table_and_parquet(real_store: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--store", real_store, "votes", "affinity", "RUS", "CHN",
                         "--years", "2019", "--by", "issue", "-m", "s")
    assert code == 0 and "RUS–CHN" in out and "hr" in out
    assert "without a vote: not in this source" in err
    target = tmp_path / "a.parquet"
    code, _, _ = run(capsys, "--store", real_store, "votes", "affinity", "RUS", "CHN",
                     "--years", "2019", "-f", "parquet", "-o", str(target))
    assert code == 0 and pd.read_parquet(target)["n"].iloc[0] == 86


def test_divergent_nearest_coincidence(real_store: str, shared_data: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", real_store, "votes", "divergent", "RUS", "CHN",
                       "--years", "2014", "--limit", "100", "-f", "csv")
    df = pd.read_csv(io.StringIO(out))
    assert code == 0 and "A/RES/68/262" in set(df["symbol"])
    assert df["salience"].is_monotonic_decreasing
    code, out, _ = run(capsys, "--store", real_store, "votes", "nearest", "RUS",
                       "--years", "2015-2019", "-f", "csv")
    near = pd.read_csv(io.StringIO(out))
    assert code == 0 and near.loc[0, "b"] == "CHN" and near["rank"].iloc[0] == 1
    folder = shared_data / "unga" / "state-dept-coincidence"
    code, out, _ = run(capsys, "--store", real_store, "votes", "coincidence", "--with", "USA",
                       "--year", "2019", "--compare", str(folder), "-f", "csv")
    cmp = pd.read_csv(io.StringIO(out))
    chn = cmp[cmp["iso3"] == "CHN"].iloc[0]
    assert code == 0 and (chn["t_same"], chn["t_opposite"]) == (13, 71)


def test_errors_are_one_line(real_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--store", real_store, "votes", "affinity", "RUS", "CHN",
                       "--method", "tau")
    assert code == 1 and "[E213]" in err
    code, _, err = run(capsys, "--store", real_store, "votes", "affinity", "RUS", "CHN",
                       "--years", "2019-2010")
    assert code == 1 and "[E212]" in err


def test_matrix(real_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", real_store, "votes", "matrix", "--years", "2019",
                       "--state", "RUS", "--state", "CHN", "--state", "USA", "-f", "csv")
    m = pd.read_csv(io.StringIO(out)).set_index("state")
    assert code == 0 and list(m.columns) == ["CHN", "RUS", "USA"]
    assert m.loc["RUS", "CHN"] == m.loc["CHN", "RUS"] > 0.5 > m.loc["RUS", "USA"]


def test_bad_inputs_are_one_line(real_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A non-numeric --year gave Typer's usage box, RUS RUS a traceback, --limit -1 a cut list."""
    for argv, code_ in [(("coincidence", "--with", "USA", "--year", "abc"), "E212"),
                        (("affinity", "RUS", "rus", "--years", "2019"), "E216"),
                        (("nearest", "RUS", "--years", "2019", "--limit", "-1"), "E012")]:
        code, out, err = run(capsys, "--store", real_store, "votes", *argv)
        assert code == 1 and err.startswith(f"error: [{code_}]") and out == ""
