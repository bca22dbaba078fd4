"""The store: URL parsing, transactions that roll back, the ingest log, missing extras."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.store import open_store, parse_store_url
from bilat.store.backends import require_extra


def test_parse_urls() -> None:
    assert parse_store_url(":memory:").in_memory
    assert parse_store_url("duckdb://:memory:").in_memory
    assert parse_store_url("duckdb:///tmp/x.duckdb").target == "/tmp/x.duckdb"
    assert parse_store_url("data/x.duckdb").backend == "duckdb"
    assert parse_store_url("pyspark://").backend == "pyspark"
    with pytest.raises(BilatError) as exc:
        parse_store_url("mysql://host/db")
    assert exc.value.code == "E001"


def test_transaction_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        with st.transaction() as con:
            con.execute("CREATE TABLE t (a INT)")
            st.record_ingest("test", "f1", "abc", 1)
        with pytest.raises(RuntimeError), st.transaction() as con:
            con.execute("INSERT INTO t VALUES (1)")
            st.record_ingest("test", "f2", "def", 1)
            raise RuntimeError("boom")
    with open_store(path) as st:
        assert st.con.execute("SELECT count(*) FROM t").fetchone() == (0,)
        assert st.already_ingested("test", "f1", "abc")
        assert not st.already_ingested("test", "f2", "def")
        assert list(st.ingest_log("test")["key"]) == ["f1"]


def test_missing_table_names_next_step(store) -> None:
    with pytest.raises(BilatError) as exc:
        store.table("events", next_step="bilat fetch gdelt")
    assert exc.value.code == "E009" and "bilat fetch gdelt" in str(exc.value)


def test_missing_extra_gives_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name: str, *args, **kwargs):
        if name.startswith("pyspark"):
            raise ImportError("no pyspark")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(BilatError) as exc:
        require_extra("pyspark")
    assert "pip install 'bilat[spark]'" in str(exc.value)
