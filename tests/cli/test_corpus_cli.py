"""`bilat documents import`, `bilat contacts`, `bilat speeches agenda`, `bilat readouts find`
and `compare-all`: data on stdout, one-line errors on stderr, nothing half-stored."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from bilat.cli import main
from bilat.store import open_store
from tests.text.test_corpus import corpus_store_path


@pytest.fixture()
def env(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("BILAT_STORE", str(tmp_path / "bilat.duckdb"))
    monkeypatch.delenv("BILAT_MIRROR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def _one_line_error(capsys, code: str) -> str:  # type: ignore[no-untyped-def]
    captured = capsys.readouterr()
    lines = [ln for ln in captured.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and f"[{code}]" in lines[0], captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    return lines[0]


def test_import_then_contacts(env: Path, shared_data: Path, capsys) -> None:
    day = shared_data / "texts" / "xwlb" / "news" / "20220225.md"
    assert main(["documents", "import", str(day), "-f", "csv"]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert out.loc[0, "corpus"] == "xwlb" and out.loc[0, "items_added"] > 1
    assert main(["contacts", "RUS", "CHN", "--source", "corpus", "-f", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert df.loc[df["period"] == 2022, "cctv-xwlb"].iloc[0] == 1
    assert main(["contacts", "china", "russia", "--list", "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in rows] == ["call"] and rows[0]["event_date"].startswith("2022-02-25")
    # again: nothing new
    assert main(["documents", "import", str(day), "-f", "csv"]) == 0
    again = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert again.empty or int(again["items_added"].sum()) == 0


def test_broken_day_file(env: Path, shared_data: Path, capsys) -> None:
    text = (shared_data / "texts" / "xwlb" / "news" / "20220225.md").read_text(encoding="utf-8")
    bad = env / "20220225.md"
    bad.write_text(text.replace("(20220225)", "(2022-02-25)", 1), encoding="utf-8")
    assert main(["documents", "import", str(bad)]) == 1
    line = _one_line_error(capsys, "E351")
    assert "20220225.md" in line and "line 1" in line
    with open_store(env / "bilat.duckdb") as st:
        assert not st.has_table("corpus_items") or \
            st.con.execute("SELECT count(*) FROM corpus_items").fetchall()[0][0] == 0


def test_csv_missing_column_and_empty_corpus(env: Path, shared_data: Path, capsys) -> None:
    src = shared_data / "texts" / "kremlin-en-2021-2022" / "press_release_data" / "putin.csv"
    df = pd.read_csv(src, dtype=str, keep_default_na=False, nrows=2, engine="python")
    f = env / "putin.csv"
    df.drop(columns=["date"]).to_csv(f, index=False)
    assert main(["documents", "import", str(f)]) == 1
    assert "date" in _one_line_error(capsys, "E014")
    empty = env / "empty"
    empty.mkdir()
    assert main(["documents", "import", str(empty)]) == 1
    _one_line_error(capsys, "E353")
    assert main(["documents", "import", str(f), "--format", "rss"]) == 1
    _one_line_error(capsys, "E359")


def test_find_agenda_compare_all(shared_data: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("BILAT_STORE", str(corpus_store_path(shared_data)))
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["readouts", "find", "CHN", "RUS", "--date", "2022-06-15", "-f", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(df["issuer_side"]) == {"CHN", "RUS"}
    assert main(["speeches", "agenda", "RUS", "CHN", "--ref", "USA", "GBR", "--years", "2022",
                 "-f", "csv"]) == 0
    cap = capsys.readouterr()
    ag = pd.read_csv(io.StringIO(cap.out))
    assert set(zip(ag["state_a"], ag["state_b"], strict=True)) == {("RUS", "CHN"), ("USA", "GBR")}
    assert "yardstick USA-GBR" in cap.err
    assert main(["readouts", "compare-all", "CHN", "RUS", "--show", "year", "-f", "csv"]) == 0
    per = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert {"period", "contacts_compared", "CHN→RUS", "RUS→CHN"} <= set(per.columns)
    assert main(["readouts", "compare-all", "CHN", "RUS", "--show", "nope"]) == 1
    _one_line_error(capsys, "E359")


def test_compare_all_counts_each_label_per_side(shared_data: Path, monkeypatch, capsys) -> None:
    """QA11 finding 5: shared and divergent per side like one_sided and unconfirmed, each
    side's labels summing to its claims; the default table shows both unconfirmed columns."""
    from bilat.text.documents import get_document
    from bilat.text.readouts import compare_readouts

    path = corpus_store_path(shared_data)
    monkeypatch.setenv("BILAT_STORE", str(path))
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["readouts", "compare-all", "CHN", "RUS", "-f", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert "shared" not in df.columns and "divergent" not in df.columns
    for s in ("a", "b"):
        parts = df[[f"shared_{s}", f"divergent_{s}", f"one_sided_{s}", f"unconfirmed_{s}"]]
        assert (parts.sum(axis=1) == df[f"claims_{s}"]).all()
    # an independent recount from the per-claim table of each pair's comparison
    with open_store(path) as st:
        for r in df.itertuples(index=False):
            cmp = compare_readouts([get_document(st, r.doc_a), get_document(st, r.doc_b)],
                                   store=st, sides=["CHN", "RUS"], force=True)
            per = cmp.to_frame().groupby(["doc_id", "label"]).size()
            for s, doc in (("a", r.doc_a), ("b", r.doc_b)):
                for label in ("shared", "divergent"):
                    assert getattr(r, f"{label}_{s}") == per.get((doc, label), 0)
    assert main(["readouts", "compare-all", "CHN", "RUS"]) == 0
    out = capsys.readouterr().out
    assert "unconfirmed_a" in out and "unconfirmed_b" in out
    assert "shared_a" in out and "shared_b" in out
