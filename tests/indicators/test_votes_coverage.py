"""What `votes affinity` says about the votes behind a figure: first/last date of the pair's
common votes (not the range asked), the China seat before 25 Oct 1971 (Taipei's), and a
former state's votes counted under its successor's code — checked against the raw files and
the crosswalk CSV read with pandas."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bilat.indicators import votes as V
from bilat.sources import undl_scrape as S
from bilat.store import Store

CROSSWALK = Path(V.__file__).parents[1] / "reference" / "data" / "countries.csv"


@pytest.fixture(scope="module")
def raw_dates(shared_data: Path) -> dict[int, date]:
    """vote_id → date from the raw files (unvotes rcid; Library record + 10**15)."""
    unga = shared_data / "unga"
    r = pd.read_csv(unga / "un_roll_calls.csv", usecols=["rcid", "date"])
    out = {int(k): date.fromisoformat(d) for k, d in zip(r["rcid"], r["date"], strict=True)}
    s = pd.read_csv(unga / "undl-scrape-2021" / S.FILE, compression="zip",
                    encoding="utf-8-sig", dtype=str, keep_default_na=False,
                    usecols=["token", "Date"])
    for tok, d in zip(s["token"], s["Date"], strict=True):
        if len(d) == 10:
            out[V.UNDL_OFFSET + int(tok)] = date.fromisoformat(d)
    return out


def test_dates_are_of_the_common_votes_and_china_seat_noted(
        full: Store, raw_dates: dict[int, date]) -> None:
    df = V.affinity(full, "CHN", "USA", years="1946-1980", by="period")
    row = df.iloc[0]
    ids = [int(i) for i in row["vote_ids"]]
    assert row["n"] == len(ids) > 0
    days = [raw_dates[i] for i in ids]
    assert (row["first_date"], row["last_date"]) == (min(days), max(days))
    # nothing before the PRC took the seat is in the figure, and the note says why
    assert row["first_date"] >= date(1971, 10, 25)
    assert "25 Oct 1971" in row["note"] and "(TWN)" in row["note"]
    by_year = V.affinity(full, "CHN", "USA", years="1969-1973").set_index("period")
    assert by_year.loc[1969, "n"] == 0 and by_year.loc[1969, "first_date"] is None
    assert "(TWN)" in by_year.loc[1969, "note"] and "(TWN)" in by_year.loc[1971, "note"]
    assert "(TWN)" not in by_year.loc[1972, "note"]
    # a pair without China gets no such note
    assert "(TWN)" not in V.affinity(full, "USA", "GBR", years="1960")["note"].iloc[0]


def _predecessors_from_csv() -> list[tuple[str, str, int]]:
    with CROSSWALK.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [(r["iso3"], r["entity"], int(r["un_member_until"])) for r in rows
            if r["historical"] == "true" and r["entity"] != r["iso3"] and r["un_member_until"]]


def test_predecessor_votes_are_named(full: Store) -> None:
    preds = _predecessors_from_csv()
    assert {("RUS", "SUN"), ("CZE", "CSK"), ("SRB", "YUG")} <= {(s, c) for s, c, _ in preds}
    for succ, code, until in preds:
        other = "USA" if succ != "USA" else "GBR"
        year = min(until, 1980)
        df = V.affinity(full, succ, other, years=f"{year}-2010").set_index("period")
        row = df.loc[year]
        assert row["n"] > 0, (succ, year)
        assert f"({code})" in row["note"] and "continuity" in row["note"], (succ, row["note"])
        assert f"({code})" not in df.loc[2010, "note"]
        # every year with common votes up to the last as a member says so, none after
        said = df.index[df["note"].str.contains(f"({code})", regex=False)]
        assert set(said) == set(df.index[(df["n"] > 0) & (df.index <= until)])
