"""State Dept coincidence with absences and non-members (Voeten codes 8 and 9)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilat.indicators import votes as V
from bilat.sources.unvotes import ingest_file
from bilat.store import open_store

FIXTURE = Path(__file__).parents[1] / "fixtures" / "unvotes" / "voeten_unvotes.csv"


def test_absences_and_non_members_against_the_raw_rows(tmp_path: Path) -> None:
    """A member absent from every roll call compared has no comparison of any kind (0, 0, 0,
    its coincidence undefined; was a TypeError); absences are the roll calls the reference
    state voted on where a member that year is recorded absent (8) or not at all; a state
    recorded only as a non-member (9) is not a member that year and has no row."""
    raw = pd.read_csv(FIXTURE)
    with open_store(tmp_path / "s.duckdb", read_only=False) as st:
        ingest_file(st, FIXTURE)
        c = V.coincidence(st, "USA", 2014, important_only=False).set_index("iso3")
    year = raw[raw["year"] == 2014]
    us = set(year[(year["Country"] == "USA") & year["vote"].isin([1, 2, 3])]["rcid"])
    others = year[year["Country"] != "USA"]
    members = set(others[others["vote"] != 9]["Country"])
    assert set(c.index) == members and "SSD" not in members
    for iso in members:
        rows = others[others["Country"] == iso].set_index("rcid")["vote"]
        cast = [r for r in us if rows.get(r) in (1, 2, 3)]
        absent = [r for r in us if rows.get(r) in (None, 8)]
        assert (c.loc[iso, "n"], c.loc[iso, "absent"]) == (len(cast), len(absent)), iso
        if not cast:
            assert c.loc[iso, ["same", "opposite", "partial"]].tolist() == [0, 0, 0]
            assert pd.isna(c.loc[iso, "coincidence"])
    assert (c["n"] == 0).any(), "the fixture must hold a member absent from every roll call"
