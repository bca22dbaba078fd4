"""The panel's events pillar (issue 16, item 3): every event source the store holds feeds its
own named columns (the ICEWS dyad-year counts included), years outside every event source's
span are "outside coverage" (GDELT's span read from its files' names, not from backdated
events), and the terminal table shows each pillar's headline value first."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from bilat.indicators import panel as P
from bilat.store import Store, open_store


@pytest.fixture(scope="module")
def st(shared_data: Path) -> Iterator[Store]:
    from bilat.sources import gdelt
    from bilat.sources.registry import SOURCES, load

    folder = Path(tempfile.mkdtemp(prefix="bilat-panel-ev-"))
    store = open_store(folder / "p.duckdb")
    try:
        gdelt.ingest(store, sorted((shared_data / "gdelt").glob("*.export.CSV")),
                     on_bad_rows="skip")
        for name in ("icews-dyad-year", "trade"):
            entry = next(e for e in SOURCES if e.name == name)
            load(entry)(store=store, mirror=shared_data, on_bad_rows="skip")
        yield store
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_icews_dyad_year_feeds_named_event_columns(st: Store, shared_data: Path) -> None:
    import pyreadr

    df = P.panel(st, "RUS", "CHN", refs=[("RUS", "BLR")], years="1992-2020",
                 pillars=["events", "trade"])
    raw = next(iter(pyreadr.read_r(str(shared_data / "icews-dyad-year" / "icews.rda"))
                    .values()))
    quads = ["verbCoop", "matlCoop", "verbConf", "matlConf"]
    for x, y in (("RUS", "CHN"), ("RUS", "BLR")):
        pair = raw[((raw.i_iso3c == x) & (raw.j_iso3c == y))
                   | ((raw.i_iso3c == y) & (raw.j_iso3c == x))]
        want = pair.groupby(pair["year"].astype(int))[quads].sum()
        got = df[df["dyad"] == f"{x}–{y}"].set_index("year")
        for yr, row in want.iterrows():
            assert got.loc[yr, "events_events_icews_dyad_year"] == row.sum()
            assert got.loc[yr, "events_verbal_coop_icews_dyad_year"] == row["verbCoop"]
            assert got.loc[yr, "coverage_events"] == "data"
    # GDELT stays in its own columns (never summed with ICEWS) when it has rows
    assert not any(c.startswith("events_events") and not c.endswith(
        ("_icews_dyad_year", "_gdelt", "_icews", "_icews_tkg")) for c in df.columns)


def test_outside_every_event_source_span(st: Store, shared_data: Path) -> None:
    import pyreadr

    df = P.panel(st, "RUS", "CHN", years="1992-2020", pillars=["events", "trade"])
    raw = next(iter(pyreadr.read_r(str(shared_data / "icews-dyad-year" / "icews.rda"))
                    .values()))
    dy_years = set(raw["year"].dropna().astype(int))
    files = [f.name[:4] for f in (shared_data / "gdelt").glob("*.export.CSV")]
    gdelt_span = set(range(min(map(int, files)), max(map(int, files)) + 1))
    covered = dy_years | gdelt_span
    for r in df.itertuples():
        if r.year not in covered:
            assert r.coverage_events == "outside coverage", r.year
        else:
            assert r.coverage_events in ("data", "no rows"), r.year
    assert (df["coverage_events"] == "outside coverage").any()
    assert (df["coverage_events"] == "data").any()


def test_terminal_table_shows_values_first(st: Store, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from bilat.cli._base import emit

    monkeypatch.setenv("COLUMNS", "120")
    df = P.panel(st, "RUS", "CHN", years="2002-2014", pillars=["events", "trade"])
    main = P.main_columns(df)
    assert main[:1] == ["events_events_icews_dyad_year"] and "trade_exports_musd_ab_cow" in main
    emit(df, "table", columns=["dyad", "year", *main])
    out = capsys.readouterr().out
    header = next(ln for ln in out.splitlines() if "dyad" in ln)
    assert "events_events_icews_dyad_year" in header and "trade_exports" in header
    assert "2002" in out and pd.notna(df["events_events_icews_dyad_year"]).all()
