"""Zero or NULL (QA12 10, 16): a period a stored file covers but the pair has no event in is a
0 row with its coverage, even when the pair has no event anywhere in the window; a period no
file covers is NULL (coverage 0), also when other pairs' backdated events are dated in it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.indicators import events as ev
from bilat.store import Store, open_store

GDELT_FILE = "gdelt/20191024143000.export.CSV"
#: Real ICEWS daily files: 4-9 October 2018 (they carry late reports dated in September).
ICEWS_DAYS = ("20181004", "20181005", "20181007", "20181008", "20181009")


def _gdelt_raw(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, sep="\t", header=None, dtype=str, quoting=3, keep_default_na=False)
    raw["day"] = pd.to_datetime(raw[1], format="%Y%m%d").dt.date
    return raw


@pytest.fixture(scope="module")
def one_file(shared_data: Path) -> Iterator[Store]:
    from bilat.sources import gdelt

    st = open_store(":memory:")
    gdelt.ingest(st, [shared_data / GDELT_FILE])
    yield st
    st.close()


def test_a_covered_month_without_pair_events_is_a_zero_row(one_file: Store, shared_data):
    raw = _gdelt_raw(shared_data / GDELT_FILE)
    pair = raw[((raw[7] == "USA") & (raw[17] == "IND")) | ((raw[7] == "IND") & (raw[17] == "USA"))]
    assert len(pair) == 0  # the stored file holds no USA–IND event
    df = ev.indicators(one_file, "USA", "IND", period="month", start="2019-10", end="2019-10")
    assert len(df) == 3 and set(df["direction"]) == {"USA→IND", "IND→USA", "USA–IND"}
    assert (df["events"] == 0).all() and (df["verbal_coop"] == 0).all()
    assert (df["coverage_present"] == 1).all()
    assert (df["coverage_expected"] == 31 * 96).all()  # GDELT 2.0: 96 files a day
    assert (df["coverage"] > 0).all() and df["partial"].all() and df["low_n"].all()
    oct_ = raw[(raw["day"] >= date(2019, 10, 1)) & (raw["day"] <= date(2019, 10, 31))]
    usa = oct_[(oct_[7] == "USA") | (oct_[17] == "USA")]
    assert (df["volume_a"] == len(usa)).all()
    assert any("0" in n and "NULL" in n for n in df.attrs["notes"])


def test_months_outside_the_files_are_no_zero_rows(one_file: Store):
    df = ev.indicators(one_file, "USA", "IND", period="month", start="2019-09-01",
                       end="2019-11-30", direction="undirected")
    # the stored file's span is one day: another month is a row only when the file dates an
    # event of the source in it (backdated), and then NULL for the pair, never 0
    by = df.set_index("period")
    assert by.loc[date(2019, 10, 1), "events"] == 0
    others = by.drop(index=date(2019, 10, 1))
    assert len(others) > 0  # the file dates late reports into September
    assert others["events"].isna().all() and (others["coverage"] == 0).all()
    # a window with no stored file and no event of the source: nothing to say (E150)
    with pytest.raises(BilatError) as exc:
        ev.indicators(one_file, "USA", "IND", period="month", start="2019-12-01",
                      end="2019-12-31")
    assert exc.value.code == "E150"


@pytest.fixture(scope="module")
def icews_store(shared_data: Path) -> Iterator[tuple[Store, pd.DataFrame]]:
    from bilat.sources import icews

    folder = shared_data / "icews" / "bkitej-daily-2018-2019"
    files = [folder / f"{d}-icews-events.tab" for d in ICEWS_DAYS]
    st = open_store(":memory:")
    icews.ingest_icews(st, files, progress=False)
    raw = pd.concat([pd.read_csv(f, sep="\t", dtype=str, quoting=3, keep_default_na=False)
                     for f in files], ignore_index=True)
    raw["m"] = pd.to_datetime(raw["Event Date"]).dt.to_period("M").dt.start_time.dt.date
    yield st, raw
    st.close()


@pytest.mark.parametrize(("a", "b", "na", "nb"), [("CHN", "PAK", "China", "Pakistan"),
                                                  ("USA", "IND", "United States", "India"),
                                                  ("FRA", "DEU", "France", "Germany"),
                                                  ("USA", "ISR", "United States", "Israel")])
def test_a_month_no_file_covers_is_null_unless_the_pair_has_a_late_event(
        icews_store, a, b, na, nb):
    st, raw = icews_store
    sep = date(2018, 9, 1)
    assert (raw["m"] == sep).any()  # late reports dated in September: the month looks held
    s, t = raw["Source Country"], raw["Target Country"]
    pair = raw[((s == na) & (t == nb)) | ((s == nb) & (t == na))]
    n_sep = int((pair["m"] == sep).sum())
    df = ev.indicators(st, a, b, source="icews", period="month", direction="undirected")
    row = df.set_index("period").loc[sep]
    assert row["coverage"] == 0 and row["partial"]
    if n_sep:
        assert row["events"] == n_sep
    else:
        assert pd.isna(row["events"]) and pd.isna(row["verbal_coop"])
    oct_ = df.set_index("period").loc[date(2018, 10, 1)]
    assert oct_["events"] == int((pair["m"] == date(2018, 10, 1)).sum())  # covered: 0 or more
    con = ev.contacts(st, a, b, source="icews", period="month")
    assert pd.isna(con.set_index("period").loc[sep, "contacts"]) == (n_sep == 0)
