"""`bilat events indicators` prints the public API's table byte for byte as pandas would.

The command carries its result as :class:`bilat.rows.Rows` (no pandas on the dyad-day path);
``bilat.indicators.events.indicators`` returns the same rows as a DataFrame. Checked over
periods, directions, de-duplication modes, actor filters, windows, reference pairs, GDELT
versions and sources (GDELT fixture files and real ICEWS daily files in one store), on the
dyad-day path and on the event path (``BILAT_DYAD_DAY=0``), for CSV, JSON, Parquet and the
terminal table: the bytes of ``emit(rows)`` against pandas' own writers on the DataFrame.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bilat.cli import main
from bilat.cli._base import emit
from bilat.indicators import events as ev
from bilat.report.export import write_frame
from bilat.store import Store, open_store
from tests.cli.stores import mixed_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"

CASES: list[dict[str, Any]] = [
    {},
    {"period": "year"},
    {"period": "day", "direction": "a2b", "source": "gdelt"},
    {"period": "week", "direction": "undirected"},
    {"period": "quarter", "direction": "directed"},
    {"direction": "b2a", "source": "icews"},
    {"dedup": "root", "source": "gdelt"},
    {"dedup": "daily"},
    {"actor_type": "GOV"},
    {"actor_type": "GOV,MIL", "period": "year", "source": "gdelt"},
    {"refs": [("USA", "GBR"), ("RUS", "BLR")], "period": "year"},
    {"start": "2018-10", "end": "2022-02-04", "period": "month"},
    {"indicator": "events_per_1k_a", "period": "year"},
    {"versions": [2], "period": "year", "source": "gdelt"},
    {"min_events": 0, "period": "month", "source": "icews"},
]


def _argv(case: dict[str, Any]) -> list[str]:
    out = ["--source", case.get("source", "all")]
    for k, v in case.items():
        if k == "refs":
            out += [x for a, b in v for x in ("--ref", f"{a}-{b}")]
        elif k == "versions":
            out += [x for n in v for x in ("--gdelt-version", str(n))]
        elif k != "source":
            out += [f"--{k.replace('_', '-')}", str(v)]
    return out


def _kwargs(case: dict[str, Any]) -> dict[str, Any]:
    return {"source": "all", **case}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[str]:
    """GDELT fixture files (1.0 and 2.0) and twelve real ICEWS daily files in one store."""
    yield str(mixed_store(tmp_path_factory.mktemp("output") / "mixed.duckdb", shared_data, 12))


@pytest.fixture(scope="module")
def st(store_path: str) -> Iterator[Store]:
    store = open_store(store_path)
    store.con.execute("SET threads = 1")  # sums in one order: both computations agree bitwise
    yield store
    store.close()


def _emitted(capsys: pytest.CaptureFixture[str], data: Any, fmt: str, **kw: Any) -> str:
    capsys.readouterr()
    emit(data, fmt, **kw)
    return capsys.readouterr().out


#: (case, path): every case on the dyad-day path; on the event path (each a first Ibis
#: compile) the ones whose options change the event query.
_RUNS = [(i, "aggregate") for i in range(len(CASES))] + [
    (i, "events") for i in (0, 4, 8, 10, 13)]


@pytest.mark.parametrize(("case", "path"), [(CASES[i], p) for i, p in _RUNS],
                         ids=[f"{i}-{p}" for i, p in _RUNS])
def test_rows_are_the_public_frame_and_print_as_pandas(
        st: Store, case: dict[str, Any], path: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("BILAT_DYAD_DAY", "1" if path == "aggregate" else "0")
    df = ev.indicators(st, "RUS", "CHN", **_kwargs(case))
    rows = ev.indicator_rows(st, "RUS", "CHN", **_kwargs(case))
    pd.testing.assert_frame_equal(rows.to_pandas(), df, check_exact=True)
    assert rows.attrs["notes"] == df.attrs["notes"]
    assert len(df) > 0

    assert _emitted(capsys, rows, "csv") == df.to_csv(index=False)
    buf = io.StringIO()
    df.to_json(buf, orient="records", date_format="iso", indent=2, force_ascii=False)
    assert _emitted(capsys, rows, "json") == buf.getvalue() + "\n"
    cols = ["source", "dyad", "direction", "period", "events", "coverage", "low_n"]
    assert _emitted(capsys, rows, "table", title="t", columns=cols) == \
        _emitted(capsys, df, "table", title="t", columns=cols)
    mine, theirs = tmp_path / "rows.parquet", tmp_path / "frame.parquet"
    emit(rows, "parquet", mine)
    write_frame(df, "parquet", theirs)
    assert mine.read_bytes() == theirs.read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
@pytest.mark.parametrize("case", [CASES[0], CASES[6], CASES[14]],
                         ids=["default", "root", "icews"])
def test_the_command_prints_the_library_table(store_path: str, case: dict[str, Any], fmt: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Through `bilat.cli.main` (the dyad-day path): the bytes pandas writes for the public
    API's DataFrame, and the notes on stderr."""
    capsys.readouterr()
    code = main(["--store", store_path, "events", "indicators", "RUS", "CHN", *_argv(case),
                 "-f", fmt])
    got = capsys.readouterr()
    assert code == 0, got.err
    with open_store(store_path) as store:
        df = ev.indicators(store, "RUS", "CHN", **_kwargs(case))
    if fmt == "csv":
        want = df.to_csv(index=False)
    elif fmt == "json":
        buf = io.StringIO()
        df.to_json(buf, orient="records", date_format="iso", indent=2, force_ascii=False)
        want = buf.getvalue() + "\n"
    else:
        period = case.get("period", "month")
        src = case.get("source", "all")
        # one dyad asked: "dyad" is in the title, not among the columns the command names
        want = _emitted(capsys, df, "table", columns=[
            "source", "direction", "period", "events", "coverage", "partial", "low_n",
            "events_per_1k_a", "verbal_coop", "material_coop", "verbal_conflict",
            "material_conflict", "goldstein_mean", "net_cooperation", "material_verbal_ratio",
            "gov_contacts", "avg_tone", "volume_a", "volume_b"], title=(
            f"RUS–CHN event indicators per {period} (source: {src}; dedup: "
            f"{case.get('dedup', 'none')}; low_n: fewer than {case.get('min_events', 10)} "
            "events)"))
    assert got.out == want
    for note in df.attrs["notes"]:
        assert f"note: {note}" in got.err
