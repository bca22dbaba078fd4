"""Event contacts per period (issue 16, item 2): a period no file of the source covers has
NULL counts (never 0); runs of such periods are said once in a note instead of one row each;
ICEWS coverage is the days its daily files publish (file names), so events backdated into a
month without files do not make it look covered; GDELT coverage is counted without listing
every 15-minute file name. Checked against the raw mirror files read here with pandas."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bilat.indicators import events
from bilat.store import Store, open_store

#: The first ICEWS daily files of the mirror (4, 5 and 7 October 2018: the 6th is missing).
ICEWS_FILES = ("20181004-icews-events.tab", "20181005-icews-events.tab",
               "20181007-icews-events.tab")


def _gdelt_files(shared_data: Path) -> list[Path]:
    folder = shared_data / "gdelt"
    return sorted(folder.glob("*.export.CSV")) + [folder / "reed9999-gdelt-demo" / "events.csv"]


@pytest.fixture(scope="module")
def st(shared_data: Path) -> Iterator[Store]:
    from bilat.sources import gdelt, icews

    folder = Path(tempfile.mkdtemp(prefix="bilat-contacts-"))
    store = open_store(folder / "c.duckdb")
    try:
        gdelt.ingest(store, _gdelt_files(shared_data), on_bad_rows="skip")
        icews.ingest_icews(store, [shared_data / "icews" / "bkitej-daily-2018-2019" / f
                                   for f in ICEWS_FILES], on_bad_rows="skip")
        yield store
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)


def _runs(periods: list[int], present: set[int]) -> tuple[list[int], list[tuple[int, int]]]:
    """Kept periods and left-out runs (two or more empty periods in a row), by hand."""
    keep, gaps, run = [], [], []
    for p in periods:
        if p in present:
            if len(run) >= 2:
                gaps.append((run[0], run[-1]))
            else:
                keep += run
            run = []
            keep.append(p)
        else:
            run.append(p)
    if len(run) >= 2:
        gaps.append((run[0], run[-1]))
    else:
        keep += run
    return keep, gaps


def test_gdelt_years_without_files_are_null_and_collapsed(st: Store, shared_data: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from bilat.sources import gdelt

    # the 15-minute names are counted, never listed (listing 40 years took ~30-50 s)
    def refuse(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("expected_files called for GDELT 2.0 coverage")

    monkeypatch.setattr(gdelt, "expected_files", refuse)
    df = events.contacts(st, "RUS", "CHN", period="year", source="gdelt", refs=[("RUS", "BLR")])
    # independent: event years from the raw SQLDATE column, file years from the file names
    sqldate = pd.concat([pd.read_csv(f, sep="\t", header=None, usecols=[1], dtype=str)[1]
                         for f in _gdelt_files(shared_data)])
    years = pd.to_numeric(sqldate.str[:4]).dropna().astype(int)
    slots = [f.name[:14] for f in _gdelt_files(shared_data) if f.name[:14].isdigit()]
    files_per_year = pd.Series([int(s[:4]) for s in slots]).value_counts().to_dict()
    keep, gaps = _runs(list(range(years.min(), years.max() + 1)), set(files_per_year))
    assert gaps and sorted({p.year for p in df["period"]}) == keep
    notes = df.attrs["notes"]
    for lo, hi in gaps:
        assert f"gdelt: no GDELT files for {lo}–{hi} (rows left out)" in notes
    for r in df.itertuples():
        n_files = files_per_year.get(r.period.year, 0)
        days = 366 if pd.Timestamp(r.period).is_leap_year else 365
        assert (r.coverage_present, r.coverage_expected) == (n_files, 96 * days)
        assert pd.isna(r.contacts) == (n_files == 0)  # no file: NULL, never 0
        assert (r.coverage > 0) == (n_files > 0)  # one file in a year is not coverage 0
    # a week grid prints only weeks with files (one row per dyad), not thousands of rows
    wk = events.contacts(st, "RUS", "CHN", period="week", source="gdelt",
                         refs=[("RUS", "BLR")])
    weeks = {(pd.Timestamp(s[:8]) - pd.Timedelta(days=pd.Timestamp(s[:8]).weekday())).date()
             for s in slots}
    assert set(wk["period"]) <= weeks | {p for p in wk["period"] if pd.isna(
        wk.loc[wk["period"] == p, "contacts"]).all()}
    assert len(wk) <= 2 * (2 * len(weeks) + 1)


def test_icews_coverage_is_the_days_its_files_cover(st: Store, shared_data: Path) -> None:
    raw = pd.concat([pd.read_csv(shared_data / "icews" / "bkitej-daily-2018-2019" / f,
                                 sep="\t", usecols=["Event Date"], dtype=str)
                     for f in ICEWS_FILES])
    dates = pd.to_datetime(raw["Event Date"])
    first = dates.min().date()
    assert first < date(2018, 10, 1)  # the files carry events backdated into September
    file_days = {date(int(f[:4]), int(f[4:6]), int(f[6:8])) for f in ICEWS_FILES}

    month = events.contacts(st, "RUS", "CHN", period="month", source="icews")
    by = {r.period: r for r in month.itertuples()}
    sept, octo = by[date(2018, 9, 1)], by[date(2018, 10, 1)]
    assert sept.coverage_present == 0 and sept.coverage == 0 and pd.isna(sept.contacts)
    assert octo.coverage_present == len(file_days) and octo.coverage_expected == 31
    assert octo.coverage_unit == "days its files cover" and not pd.isna(octo.contacts)

    # per day: the days before the first file are one note, the missing 6 October one NULL row
    day = events.contacts(st, "RUS", "CHN", period="day", source="icews")
    last = dates.max().date()  # a file may carry an event of the next day
    span = pd.date_range(first, last).date
    keep, gaps = _runs(list(range(len(span))),
                       {i for i, d in enumerate(span) if d in file_days})
    assert list(day["period"]) == [span[i] for i in keep]
    for lo, hi in gaps:
        assert (f"icews: no ICEWS files for {span[lo].isoformat()}–{span[hi].isoformat()} "
                "(rows left out)") in day.attrs["notes"]
    gap = day[day["period"] == date(2018, 10, 6)].iloc[0]
    assert gap["coverage_present"] == 0 and pd.isna(gap["contacts"])
    # indicators read the same file days: September's late reports are counted (as in the
    # files) with coverage 0 and a note saying they are backdated
    ind = events.indicators(st, "RUS", "CHN", period="month", source="icews",
                            direction="undirected")
    sep_row = ind[ind["period"] == date(2018, 9, 1)].iloc[0]
    assert sep_row["coverage_present"] == 0 and sep_row["coverage"] == 0 and sep_row["partial"]
    oct_row = ind[ind["period"] == date(2018, 10, 1)].iloc[0]
    assert oct_row["coverage_present"] == len(file_days)
    assert any("late reports" in n for n in ind.attrs["notes"])
