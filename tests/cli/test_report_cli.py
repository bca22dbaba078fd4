"""`bilat report`, `bilat status` and `bilat fetch all` from the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bilat.cli import main
from tests.assess.synthetic import build


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "syn.duckdb"
    build("H3", str(path)).close()
    return path


def test_report_writes_the_page_and_prints_a_summary(store_file: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--store", str(store_file), "report", "russia", "China", "--ref", "RUS", "BLR",
                 "--ref", "USA-GBR", "--out", str(tmp_path / "out")])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    assert (tmp_path / "out" / "index.html").is_file()
    ranks = [ln for ln in cap.out.splitlines() if ln.startswith(("H1  ", "H2  ", "H3  "))]
    assert ranks[0].startswith("H3") and "Mutually exaggerated partnership" in ranks[0]
    assert "MISSING" in cap.out  # pillars without data are listed
    # wrapped to the terminal (80 columns when not a terminal), never a 1,000-character line
    assert max(len(ln) for ln in cap.out.splitlines()) <= 80
    rows = [ln for ln in cap.out.splitlines() if "MISSING" in ln or " OK " in ln]
    cols = {ln.index("MISSING") if "MISSING" in ln else ln.index(" OK ") + 1 for ln in rows}
    assert len(cols) == 1  # the status column is aligned


def test_output_file_for_the_summary_and_one_line_error(
        store_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    base = ["--store", str(store_file), "report", "RUS", "CHN", "--ref", "RUS", "BLR"]
    code = main([*base, "-f", "json", "-o", str(tmp_path / "r.json")])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["pair"] == ["RUS", "CHN"] and cap.out == ""
    code = main([*base, "--output", str(tmp_path / "r.txt")])
    capsys.readouterr()
    text = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert code == 0 and "posterior" in text and max(map(len, text.splitlines())) <= 100
    code = main([*base, "-f", "json", "-o", "/nonexistent/x.json"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "[E005]" in err[0] and "/nonexistent" in err[0]


def test_status_iso_dates_vote_dates_load_and_missing(
        store_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import duckdb

    path = tmp_path / "st.duckdb"
    shutil.copy(store_file, path)
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE gdelt_volume (SQLDATE INTEGER, n BIGINT)")
    con.execute("INSERT INTO gdelt_volume VALUES (19820102, 1), (20191024, 2)")
    con.close()
    code = main(["--store", str(path), "status", "-f", "json"])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    import json

    rows = {r["what"]: r for r in json.loads(cap.out)}
    assert (rows["gdelt_volume"]["first"], rows["gdelt_volume"]["last"]) == (
        "1982-01-02", "2019-10-24")
    con = duckdb.connect(str(path), read_only=True)
    lo, hi = con.execute("SELECT min(r.date), max(r.date) FROM un_votes v JOIN un_rollcalls r "
                         "USING (vote_id)").fetchall()[0]
    con.close()
    assert lo is not None  # the votes table has no date: it is dated by its roll calls
    assert rows["un_votes"]["first"] == str(lo)[:10] and rows["un_votes"]["last"] == str(hi)[:10]
    assert rows["un_votes"]["load"]  # which source loads it
    assert "missing:" in cap.err and "source " in cap.err  # registry sources not loaded


def test_bad_hypotheses_file_is_one_line(store_file: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "h.toml"
    bad.write_text("version = 1\n[scoring]\nlikelihood = { CC = 2 }\n", encoding="utf-8")
    code = main(["--store", str(store_file), "report", "RUS", "CHN", "--hypotheses", str(bad)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1
    assert err[0].startswith("error: [E601]") and "scoring.likelihood.C" in err[0]


def test_same_state_twice_and_bad_years(store_file: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--store", str(store_file), "report", "RUS", "RUS"]) == 1
    assert "E116" in capsys.readouterr().err
    assert main(["--store", str(store_file), "report", "RUS", "CHN", "--years", "20x9"]) == 1
    assert "E605" in capsys.readouterr().err


def test_fetch_all_continues_past_a_failing_source_and_status(
        tmp_path: Path, shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mirror = tmp_path / "mirror"
    src = shared_data / "texts" / "readouts" / "2022-02-25_xi-putin-call"
    shutil.copytree(src, mirror / "texts" / "readouts" / src.name)
    (mirror / "unga").mkdir()  # present but empty: the unvotes loader fails
    store = tmp_path / "s.duckdb"
    code = main(["--store", str(store), "fetch", "all", "--mirror", str(mirror)])
    err = capsys.readouterr().err
    assert code == 1
    assert "! unvotes" in err and "+ readouts" in err and "1 failed" in err
    code = main(["--store", str(store), "fetch", "all", "--mirror", str(mirror)])
    err = capsys.readouterr().err
    assert "= readouts" in err and "0 texts added, 2 already stored" in err
    code = main(["--store", str(store), "status", "-f", "csv"])
    cap = capsys.readouterr()
    assert code == 0 and str(store) in cap.err
    assert "documents,2," in cap.out
    assert "source unvotes,0" in cap.out and "missing" in cap.out
