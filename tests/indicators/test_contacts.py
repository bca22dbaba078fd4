"""Event contacts per period under the one period rule (``events.SourcePeriods``, as the
indicators): every period of a source's span is a row; a period that no file of the source
covers and in which no event is dated has NULL counts (never 0), coverage 0, and a note names
the runs of such periods; events (contacts) that later files backdate into a period no file
covers are counted where they fall, with coverage 0. ICEWS coverage is the days its daily
files publish (file names); GDELT coverage is counted without listing every 15-minute file
name. Checked against the raw mirror files read here with pandas."""

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


def _empty_runs(periods: list, empty: set) -> list[tuple]:
    """Runs of consecutive empty periods (first, last), by hand."""
    runs: list[list] = []
    for i, p in enumerate(periods):
        if p in empty:
            if runs and runs[-1][-1] == periods[i - 1] and i > 0:
                runs[-1].append(p)
            else:
                runs.append([p])
    return [(r[0], r[-1]) for r in runs]


def test_gdelt_years_without_files_or_events_are_null_rows(st: Store, shared_data: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from bilat.sources import gdelt

    # the 15-minute names are counted, never listed (listing 40 years took ~30-50 s)
    def refuse(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("expected_files called for GDELT 2.0 coverage")

    monkeypatch.setattr(gdelt, "expected_files", refuse)
    df = events.contacts(st, "RUS", "CHN", period="year", source="gdelt", refs=[("RUS", "BLR")])
    # independent: event years from the raw SQLDATE column (rows with an actor country, as
    # the store's per-day volume summary keeps them), file years from the file names
    raw = pd.concat([pd.read_csv(f, sep="\t", header=None, usecols=[1, 7, 17], dtype=str)
                     for f in _gdelt_files(shared_data)])
    raw = raw[raw[7].notna() | raw[17].notna()]
    years = set(pd.to_numeric(raw[1].str[:4], errors="coerce").dropna().astype(int))
    # years in which each pair has an event of its own (either direction)
    pair_years = {f"{x}–{y}": set(pd.to_numeric(raw.loc[((raw[7] == x) & (raw[17] == y)) | (
        (raw[7] == y) & (raw[17] == x)), 1].str[:4], errors="coerce").dropna().astype(int))
        for x, y in (("RUS", "CHN"), ("RUS", "BLR"))}
    slots = [f.name[:14] for f in _gdelt_files(shared_data) if f.name[:14].isdigit()]
    files_per_year = pd.Series([int(s[:4]) for s in slots]).value_counts().to_dict()
    # the files' span without a gap, plus the years outside it in which an event is dated
    file_span = list(range(min(files_per_year), max(files_per_year) + 1))
    span = sorted(set(file_span) | years)
    empty = {y for y in span if y not in years and y not in files_per_year}
    for dyad in ("RUS–CHN", "RUS–BLR"):  # every year of the span, once per dyad
        assert sorted(p.year for p in df.loc[df["dyad"] == dyad, "period"]) == span
    outside = set(span) - set(file_span)
    assert outside  # backdated events outside the files' span are rows of their own years,
    # and the years between them are not rows at all (not 33 years of empty ones)
    assert len(span) < max(span) - min(span) + 1
    notes = " ".join(df.attrs["notes"])
    for lo, hi in _empty_runs(file_span, empty):
        assert (str(lo) if lo == hi else f"{lo}..{hi}") in notes
    if empty:
        assert "rows with empty (NULL) counts, coverage 0" in notes
    for r in df.itertuples():
        n_files = files_per_year.get(r.period.year, 0)
        days = 366 if pd.Timestamp(r.period).is_leap_year else 365
        assert (r.coverage_present, r.coverage_expected) == (n_files, 96 * days)
        # a file: counted; no file: counted only where the pair has a (backdated) event of
        # its own, else NULL (QA12 10: other pairs' late reports make no 0)
        assert pd.isna(r.contacts) == (n_files == 0 and r.period.year not in pair_years[
            r.dyad]), (r.dyad, r.period)
        assert (r.coverage > 0) == (n_files > 0)  # one file in a year is not coverage 0
    # months add up to the year, for every dyad
    mo = events.contacts(st, "RUS", "CHN", period="month", source="gdelt",
                         refs=[("RUS", "BLR")])
    for dyad in ("RUS–CHN", "RUS–BLR"):
        m = mo[mo["dyad"] == dyad]
        y = df[df["dyad"] == dyad].set_index("period")
        for year, part in m.groupby(m["period"].map(lambda p: p.year)):
            total = y.loc[date(year, 1, 1), "contacts"]
            if part["contacts"].isna().all():
                assert pd.isna(total)
            else:
                assert part["contacts"].sum() == total


def test_icews_coverage_is_the_days_its_files_cover(st: Store, shared_data: Path) -> None:
    raw = pd.concat([pd.read_csv(shared_data / "icews" / "bkitej-daily-2018-2019" / f,
                                 sep="\t", usecols=["Event Date", "Source Country",
                                                     "Target Country"], dtype=str)
                     for f in ICEWS_FILES])
    dates = pd.to_datetime(raw["Event Date"])
    s_, t_ = raw["Source Country"], raw["Target Country"]
    pair_days = set(dates[((s_ == "Russian Federation") & (t_ == "China")) | (
        (s_ == "China") & (t_ == "Russian Federation"))].dt.date)
    first = dates.min().date()
    assert first < date(2018, 10, 1)  # the files carry events backdated into September
    file_days = {date(int(f[:4]), int(f[4:6]), int(f[6:8])) for f in ICEWS_FILES}

    month = events.contacts(st, "RUS", "CHN", period="month", source="icews")
    by = {r.period: r for r in month.itertuples()}
    sept, octo = by[date(2018, 9, 1)], by[date(2018, 10, 1)]
    assert sept.coverage_present == 0 and sept.coverage == 0 and sept.partial
    assert octo.coverage_present == len(file_days) and octo.coverage_expected == 31
    assert octo.coverage_unit == "days its files cover" and not pd.isna(octo.contacts)

    # September: only late reports that October's files date back; counted where they fall
    listing = events.contact_list(st, "RUS", "CHN", source="icews")
    # ... where the pair has one of its own in September; NULL (not 0) where it has none
    if any(d.month == 9 for d in pair_days):
        assert sept.contacts == sum(d < date(2018, 10, 1) for d in listing["date"])
    else:
        assert pd.isna(sept.contacts)

    # per day: every day of the files' span is a row; the missing 6 October (no file, no
    # event dated) is NULL; days outside it with backdated events are rows, counted; days
    # outside it with nothing are not rows
    day = events.contacts(st, "RUS", "CHN", period="day", source="icews")
    dated = set(dates.dt.date)
    span = sorted(set(pd.date_range(min(file_days), max(file_days)).date) | dated)
    assert list(day["period"]) == span
    for r in day.itertuples():
        # no file that day: counted only where the pair has an event of its own dated there
        assert pd.isna(r.contacts) == (r.period not in pair_days and r.period not in file_days)
        assert r.coverage_present == (1 if r.period in file_days else 0)
    gap = day[day["period"] == date(2018, 10, 6)].iloc[0]
    assert gap["coverage_present"] == 0
    assert pd.isna(gap["contacts"]) == (date(2018, 10, 6) not in pair_days)
    # indicators read the same file days: September's late reports are counted (as in the
    # files) with coverage 0 and a note saying they are backdated
    ind = events.indicators(st, "RUS", "CHN", period="month", source="icews",
                            direction="undirected")
    sep_row = ind[ind["period"] == date(2018, 9, 1)].iloc[0]
    assert sep_row["coverage_present"] == 0 and sep_row["coverage"] == 0 and sep_row["partial"]
    oct_row = ind[ind["period"] == date(2018, 10, 1)].iloc[0]
    assert oct_row["coverage_present"] == len(file_days)
    assert any("late reports" in n for n in ind.attrs["notes"])
