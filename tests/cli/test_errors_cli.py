"""Bad input and a bad environment at the command line: one line on stderr, never a
traceback; read commands never create a store; `bilat doctor`; light imports (issue 8)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bilat.cli import main

FIX = Path(__file__).resolve().parents[1] / "fixtures"
GDELT = FIX / "gdelt" / "20140301.export.CSV"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _one_line(err: str, code: str) -> None:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: [{code}]"), err
    assert "Traceback" not in err


def test_store_path_faults(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "--store", "/proc/nope/s.duckdb", "events", "ingest", str(GDELT))
    assert code == 1
    _one_line(err, "E023")
    code, _, err = _run(capsys, "--store", "/proc/nope/s.duckdb", "events", "quarantine")
    _one_line(err, "E022")
    assert "/proc/nope/s.duckdb" in err
    (tmp_path / "s.duckdb.data").write_text("x")
    code, _, err = _run(capsys, "--store", str(tmp_path / "s.duckdb"), "events", "ingest",
                        str(GDELT))
    _one_line(err, "E024")
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"garbage" * 1000)
    code, _, err = _run(capsys, "--store", str(bad), "events", "quarantine")
    _one_line(err, "E025")


def test_read_commands_never_create_a_store(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "new" / "s.duckdb"
    for argv in (("events", "quarantine"), ("events", "ids", "RUS", "CHN", "--at", "2014-03"),
                 ("doctor",)):
        code, _, err = _run(capsys, "--store", str(store), *argv)
        assert code == 1 and "[E022]" in err and str(store) in err
    assert not store.exists() and not store.parent.exists()
    code, _, _ = _run(capsys, "--store", str(store), "events", "ingest", str(GDELT))
    assert code == 0 and store.is_file()


def test_glob_characters_in_store_path(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "a[1] b*" / "s?[2].duckdb"
    code, _, err = _run(capsys, "--store", str(store), "events", "ingest", str(GDELT))
    assert code == 0, err
    code, out, err = _run(capsys, "--store", str(store), "events", "ids", "RUS", "CHN",
                          "--at", "2014-03", "-f", "csv")
    assert code == 0 and "290000002" in out, err


def test_fetch_gdelt_ranges(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mirror = tmp_path / "m"
    (mirror / "gdelt").mkdir(parents=True)
    store = str(tmp_path / "s.duckdb")
    code, _, err = _run(capsys, "--store", store, "fetch", "gdelt", "--start", "2022-02-05",
                        "--end", "2022-02-04", "--mirror", str(mirror))
    _one_line(err, "E115")
    code, _, err = _run(capsys, "--store", store, "fetch", "gdelt", "--start", "1900-01-01",
                        "--end", "1900-12-31", "--mirror", str(mirror))
    _one_line(err, "E120")
    code, _, err = _run(capsys, "--store", store, "fetch", "gdelt", "--start", "1900-01-01",
                        "--end", "9999-12-31", "--version", "1", "--mirror", str(mirror))
    assert code == 1 and "[E108]" in err and "Traceback" not in err


def test_long_values_are_cut(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    value = "Q" * 5000
    code, _, err = _run(capsys, "--store", str(tmp_path / "s.duckdb"), "events", "sql", value,
                        "CHN")
    assert code == 1 and "[E008]" in err and "(5000 characters, cut)" in err
    assert len(err) < 600


def test_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "events", "sql", "Rusia", "CHN")
    assert code == 1 and "did you mean RUS (Russia)" in err
    code, _, err = _run(capsys, "events", "sql", "RS", "CH")
    assert "RUS (Russia, RS in FIPS)" in err


def test_unexpected_failures_are_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import errno

    from bilat.sources import gdelt

    for exc, code in ((OSError(errno.ENOSPC, "No space left on device"), "E019"),
                      (ValueError("something odd"), "E027"),
                      (PermissionError(errno.EACCES, "Permission denied", "/x"), "E005")):
        def boom(*_a: object, _e: BaseException = exc, **_k: object) -> None:
            raise _e

        monkeypatch.setattr(gdelt, "quarantine", boom)
        store = tmp_path / "s.duckdb"
        _run(capsys, "--store", str(store), "events", "ingest", str(GDELT))
        rc, _, err = _run(capsys, "--store", str(store), "events", "quarantine")
        assert rc == 1
        _one_line(err, code)


def test_doctor_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.duckdb"
    _run(capsys, "--store", str(store), "events", "ingest", str(GDELT))
    code, out, err = _run(capsys, "--store", str(store), "doctor", "-f", "csv")
    assert code == 0 and "the store is whole" in err
    part = next(p for p in (tmp_path / "s.duckdb.data" / "gdelt").iterdir())
    for f in part.iterdir():
        f.unlink()
    code, _, err = _run(capsys, "--store", str(store), "events", "ids", "RUS", "CHN", "--at",
                        "2014-03")
    _one_line(err, "E020")
    assert part.name in err and "bilat doctor" in err
    code, out, err = _run(capsys, "--store", str(store), "doctor", "-f", "csv")
    assert code == 1 and part.name in out and "problem(s) found" in err  # part and view
    code, out, err = _run(capsys, "--store", str(store), "doctor", "--repair", "-f", "csv")
    assert code == 0 and "20140301.export.CSV" in err
    code, _, err = _run(capsys, "--store", str(store), "events", "ingest", str(GDELT))
    assert code == 0 and "68 rows stored" in err


def test_cli_base_imports_nothing_heavy() -> None:
    """`bilat --help` stays fast: the CLI core does not import pandas, DuckDB, PyArrow or Ibis
    (rich.table comes with Typer itself)."""
    code = ("import sys, bilat.cli._base, bilat.store; "
            "print(sorted(m for m in ('pandas', 'duckdb', 'pyarrow', 'ibis') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


@pytest.mark.parametrize("argv, words", [
    (["readouts", "compare"], ["Missing argument", "bilat readouts compare --help"]),
    (["report", "RUS", "CHN", "--bogus", "x"], ["No such option: --bogus", "bilat report --help"]),
    (["events", "indicators", "RUS", "CHN", "--min-events", "abc"],
     ["--min-events", "bilat events indicators --help"]),
])
def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str], argv: list[str],
                                   words: list[str]) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    _one_line(err, "E028")
    assert all(w in err for w in words), err
    assert "Usage:" not in err and "Traceback" not in err


def test_a_ref_without_partner_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "votes", "affinity", "RUS", "CHN", "--ref", "RUS", "BLR", "USA")
    assert code == 1
    _one_line(err, "E012")
    assert "'USA' has no partner" in err


@pytest.mark.parametrize("command", [
    ["fetch", "all"], ["fetch", "trade"],
    ["fetch", "gdelt", "--start", "2014-03-01", "--end", "2014-03-02"]])
def test_a_missing_mirror_fails_before_the_store_is_created(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    store = tmp_path / "new.duckdb"
    code, _, err = _run(capsys, "--store", str(store), *command, "--mirror",
                        str(tmp_path / "no-such-mirror"))
    assert code == 1
    _one_line(err, "E003")
    assert not store.exists() and not list(tmp_path.glob("new.duckdb*"))
