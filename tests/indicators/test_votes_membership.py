"""UN results with no common vote say why when a side held no seat (QA12 14): a state not yet a
member (PRK before 1991), the Republic of China after 25 Oct 1971 (TWN), an observer (PSE)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from bilat.indicators import votes

COUNTRIES = Path(votes.__file__).resolve().parents[1] / "reference" / "data" / "countries.csv"


def _raw_voters(shared_data: Path) -> pd.DataFrame:
    """Independent read: which country codes cast a vote in which year (unvotes files)."""
    v = pd.read_csv(shared_data / "unga" / "un_votes.csv", usecols=["rcid", "country_code"],
                    dtype=str, keep_default_na=False)
    rc = pd.read_csv(shared_data / "unga" / "un_roll_calls.csv", usecols=["rcid", "date"],
                     dtype=str)
    v["rcid"] = v["rcid"].astype(float).astype(int)
    rc["rcid"] = rc["rcid"].astype(float).astype(int)
    m = v.merge(rc, on="rcid")
    m["year"] = m["date"].str[:4].astype(int)
    return m


@pytest.mark.parametrize(("a", "b", "year", "iso2", "words"), [
    ("PRK", "USA", 1985, "KP", "held no UN seat in 1985"),
    ("TWN", "USA", 1990, "TW", "resolution 2758"),
    ("PSE", "IND", 2015, "PS", "observer"),
    ("KOR", "JPN", 1980, "KR", "held no UN seat in 1980"),
])
def test_no_seat_gives_the_reason(real_votes, shared_data, a, b, year, iso2, words):
    raw = _raw_voters(shared_data)
    assert not ((raw["country_code"] == iso2) & (raw["year"] == year)).any()
    assert ((raw["country_code"] == "US") & (raw["year"] == year)).any()  # the year is held
    df = votes.affinity(real_votes, a, b, years=str(year))
    row = df.iloc[0]
    assert row["n"] == 0 and words in row["note"]
    with COUNTRIES.open(encoding="utf-8") as fh:
        status = {r["iso3"]: r["status"] for r in csv.DictReader(fh) if r["entity"] == r["iso3"]}
    if status[a] == "observer":
        assert votes.seat_years(a) == []


@pytest.mark.parametrize(("a", "b", "year"), [("PRK", "USA", 1995), ("TWN", "USA", 1965),
                                              ("RUS", "USA", 1985)])
def test_a_seated_state_gets_no_membership_reason(real_votes, a, b, year):
    df = votes.affinity(real_votes, a, b, years=str(year))
    row = df.iloc[0]
    assert row["n"] > 0
    assert "held no UN seat" not in row["note"] and "observer" not in row["note"]
    assert votes.membership_reason(a, year, year) is None
