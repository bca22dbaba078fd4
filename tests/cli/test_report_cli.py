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
    assert "H3 Mutually exaggerated partnership" in cap.out.splitlines()[2]
    assert "MISSING" in cap.out  # pillars without data are listed


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
