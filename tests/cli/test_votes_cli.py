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
from tests.indicators.test_votes_merged import full_votes_store_path
from tests.sources.test_undl_scrape import ROWS, scrape_csv, write


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
                         "--years", "2014", "--issue", "hr", "--ref", "RUS", "USA", "--ref",
                         "CHN-USA", "-f", "json",
                         "--chart", str(chart))
    rows = json.loads(out)
    assert code == 0 and chart.is_file() and [r["dyad"] for r in rows] == \
        ["RUS–CHN", "RUS–USA", "CHN–USA"]
    assert all(isinstance(r["vote_ids"], list) and len(r["vote_ids"]) == r["n"] for r in rows)


def test_affinity_table_and_parquet(real_store: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--store", real_store, "votes", "affinity", "RUS", "CHN",
                         "--years", "2019", "--by", "issue", "-m", "s")
    assert code == 0 and "RUS–CHN" in out and "Human rights" in out and "issue" in out
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
    assert code == 0 and df["symbol"].iloc[0] == "A/RES/68/262" and df["core"].iloc[0]
    assert df.loc[~df["core"], "salience"].is_monotonic_decreasing
    code, out, _ = run(capsys, "--store", real_store, "votes", "nearest", "RUS",
                       "--years", "2015-2019", "-m", "s", "-f", "csv")
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
    assert code == 1 and "[E224]" in err and "earlier year first" in err


def test_matrix(real_store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", real_store, "votes", "matrix", "--years", "2019",
                       "--state", "RUS", "--state", "CHN", "--state", "USA", "-m", "s",
                       "-f", "csv")
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


# ----------------------------------------------------------------------------- UN votes to 2024
@pytest.fixture(scope="module")
def full_store(shared_data: Path) -> str:
    return str(full_votes_store_path(shared_data))


def test_fetch_new_sources_with_bad_row_policies(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.duckdb")
    lines = scrape_csv(ROWS).splitlines()
    lines.append("General Assembly,2021-12-02,Bad,A/RES/76/3,6,0,0,0,6,link,3,Y,Y,Q,Y,Y,Y")
    mirror = tmp_path / "mirror" / "unga" / "undl-scrape-2021"
    mirror.mkdir(parents=True)
    write(mirror, "\n".join(lines) + "\n")
    base = ("--store", store, "fetch", "undl-scrape", "--mirror", str(tmp_path / "mirror"))
    code, _, err = run(capsys, *base)
    assert code == 1 and "[E015]" in err and "line 6" in err and "'Q'" in err
    code, _, err = run(capsys, *base, "--on-bad-rows", "quarantine")
    assert code == 0 and "22 rows added" in err and "set aside" in err
    code, _, err = run(capsys, *base, "--on-bad-rows", "maybe")
    assert code == 1 and "[E016]" in err
    code, _, err = run(capsys, "--store", store, "fetch", "unvotes", "--on-bad-rows", "maybe")
    assert code == 1 and "[E016]" in err
    code, out, err = run(capsys, "--store", store, "votes", "search", "--symbol",
                         "A/RES/ES-11/1", "--state", "RUS", "--state", "china", "-f", "csv")
    hit = pd.read_csv(io.StringIO(out))
    assert code == 0 and (hit.loc[0, "session"], hit.loc[0, "RUS"], hit.loc[0, "CHN"]) == \
        ("ES-11", "no", "abstain")


def test_idealpoints_vetoes_search_cli(full_store: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "ip.html"
    code, out, err = run(capsys, "--store", full_store, "votes", "idealpoints", "RUS", "CHN",
                         "--ref", "RUS", "BLR", "--ref", "USA", "GBR", "--years", "1946-2024",
                         "--chart", str(chart), "-f", "csv")
    df = pd.read_csv(io.StringIO(out))
    assert code == 0 and chart.is_file() and list(df["dyad"].unique()) == [
        "RUS–CHN", "RUS–BLR", "USA–GBR"]
    assert df["year"].max() == 2024 and df.loc[df["year"] == 2024, "basis"].str.startswith(
        "published estimate only").all()
    code, out, _ = run(capsys, "--store", full_store, "votes", "idealpoint-states", "RUS",
                       "china", "--years", "2024", "-f", "csv")
    pts = pd.read_csv(io.StringIO(out)).set_index("iso3")
    assert code == 0 and pts.loc["RUS", "ideal"] == pytest.approx(-0.5985, abs=1e-4)
    assert pts.loc["CHN", "n_votes"] == 100  # voeten-2025/SOURCES.md
    code, out, err = run(capsys, "--store", full_store, "votes", "vetoes", "RUS", "CHN",
                         "--joint", "-f", "json")
    assert code == 0 and len(json.loads(out)) == 14 and "14 joint veto" in err
    code, out, err = run(capsys, "--store", full_store, "votes", "search", "--text", "crimea",
                         "--state", "RUS", "--state", "CHN", "-f", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) >= 10
    assert max(len(r["full_title"]) for r in rows) > 150  # never cut in JSON
    code, out, err = run(capsys, "--store", full_store, "votes", "affinity", "RUS", "CHN",
                         "--years", "2020-2023", "-f", "csv")
    assert code == 0 and "warning: GA roll calls held end 2021-12-24" in err
    assert list(pd.read_csv(io.StringIO(out))["period"]) == [2020, 2021]


def test_new_bad_inputs_are_one_line(full_store: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "core.toml"
    bad.write_text('[[issue]]\nstate = "RUS"\n', encoding="utf-8")
    for argv, code_ in [(("idealpoints", "RUS", "CHN", "--estimate", "nominate"), "E219"),
                        (("search",), "E222"),
                        (("core-issues", "RUS", "CHN", "--stance", "maybe"), "E223"),
                        (("divergent", "RUS", "CHN", "--core-issues", str(bad)), "E221"),
                        (("affinity", "RUS", "CHN", "--years", "2023"), "E210"),
                        (("vetoes", "--by", "year"), "E012")]:
        code, out, err = run(capsys, "--store", full_store, "votes", *argv)
        assert code == 1 and err.startswith(f"error: [{code_}]") and out == "", argv
