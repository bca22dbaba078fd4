"""The store refuses impossible paths in one line, never creates a store for a read, can be
queried read-only, and names a damaged file (issue 8)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bilat.errors import BilatError
from bilat.sources import gdelt
from bilat.store import open_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"


def _code(fn, *a, **k) -> str:  # noqa: ANN001, ANN002, ANN003
    with pytest.raises(BilatError) as exc:
        fn(*a, **k)
    assert "\n" not in exc.value.one_line()
    return exc.value.code


def test_read_never_creates(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "s.duckdb"
    with pytest.raises(BilatError) as exc:
        open_store(path, create=False)
    assert exc.value.code == "E022" and str(path) in exc.value.one_line()
    assert not path.parent.exists()
    assert _code(open_store, path, read_only=True) == "E022"


def test_impossible_paths(tmp_path: Path) -> None:
    assert _code(open_store, "/proc/nope/s.duckdb") == "E023"
    (tmp_path / "s.duckdb.data").write_text("I am a file")
    assert _code(open_store, tmp_path / "s.duckdb") == "E024"
    (tmp_path / "dir.duckdb").mkdir()
    assert _code(open_store, tmp_path / "dir.duckdb") == "E025"
    (tmp_path / "q?d").mkdir()
    assert _code(open_store, tmp_path / "q?d" / "s.duckdb") == "E023"


def test_damaged_store_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    path.write_bytes(b"not a database" * 500)
    with pytest.raises(BilatError) as exc:
        open_store(path)
    assert exc.value.code == "E025" and str(path) in exc.value.one_line()
    assert "backup" in exc.value.one_line()


def test_store_in_use_is_e006(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "s.duckdb"
    open_store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
         "print('ok', flush=True); time.sleep(30)", str(path)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"ok"
        assert _code(open_store, path) == "E006"
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture()
def events_store(tmp_path: Path) -> Path:
    path = tmp_path / "s [1]*.duckdb"
    with open_store(path) as st:
        gdelt.ingest(st, [FIX / "20140301.export.CSV"])
    return path


def test_read_only_store_can_be_queried(events_store: Path) -> None:
    with open_store(events_store, read_only=True) as st:
        assert st.read_only
        n = st.con.execute("SELECT count(*) FROM gdelt_events").fetchall()[0][0]
        assert n == 68
        assert gdelt.events_table(st).count().execute() == 68
        with pytest.raises(BilatError) as exc:
            gdelt.ingest(st, [FIX / "20140302.export.CSV"])
        assert exc.value.code == "E026"


def test_unwritable_store_opens_read_only_for_reads(events_store: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A 0444 file or read-only folder (simulated: the tests may run as root)."""
    real = duckdb.connect

    def connect(target: str, read_only: bool = False, **kw: object):  # noqa: ANN202
        if not read_only:
            raise duckdb.IOException(f'Cannot open file "{target}": Permission denied')
        return real(target, read_only=True)

    monkeypatch.setattr(duckdb, "connect", connect)
    with open_store(events_store, create=False) as st:
        assert st.read_only
        assert gdelt.events_table(st).count().execute() == 68
    assert _code(open_store, events_store) == "E026"


def test_doctor_on_a_whole_store(events_store: Path) -> None:
    with open_store(events_store) as st:
        report = st.check()
    assert set(report["status"]) <= {"ok", "note"}
    assert "gdelt part" in set(report["check"]) and "view" in set(report["check"])
