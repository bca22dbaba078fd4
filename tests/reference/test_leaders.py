"""The shipped leaders table: well-formed, unambiguous, and matching ICEWS's spellings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.reference import leaders
from bilat.reference.countries import normalise_name, to_iso3


def test_terms_are_well_formed_and_do_not_overlap() -> None:
    df = leaders.load_leaders()
    assert len(df) > 60 and set(df["role"]) <= set(leaders.ROLES)
    assert all(to_iso3(c, "iso3") == c for c in df["iso3"])
    assert (df["start"] <= df["end"]).all()
    for (_, _), part in df.groupby(["iso3", "role"]):
        part = part.sort_values("start")
        for prev, nxt in zip(part.itertuples(), part.iloc[1:].itertuples(), strict=False):
            # successive terms may share the handover day, never more
            assert nxt.start >= prev.end, (prev.name, nxt.name)
            assert (nxt.start - prev.end).days <= 40, (prev.name, nxt.name)  # no long vacancy


def test_every_spelling_names_one_person() -> None:
    df = leaders.load_leaders()
    owner: dict[str, str] = {}
    for row in df.itertuples():
        for n in [row.name, *[a for a in row.aliases.split("|") if a]]:
            key = normalise_name(n)
            assert owner.setdefault(key, row.name) == row.name, n


@pytest.mark.parametrize(("name", "day", "expected"), [
    ("Vladimir Putin", date(2010, 6, 1), ("RUS", "head_of_government")),
    ("Vladimir Putin", date(2022, 2, 24), ("RUS", "head_of_state")),
    ("Dmitry Anatolyevich Medvedev", date(2010, 6, 1), ("RUS", "head_of_state")),
    ("Dmitry Anatolyevich Medvedev", date(2022, 2, 24), None),  # out of the table's offices
    ("Sergey Viktorovich Lavrov", date(2018, 11, 6), ("RUS", "foreign_minister")),
    ("Xi Jinping", date(2012, 12, 1), None),                    # President from March 2013
    ("Xi Jinping", date(2023, 3, 21), ("CHN", "head_of_state")),
    ("Qin Gang", date(2023, 3, 1), ("CHN", "foreign_minister")),
    ("Wang Yi", date(2023, 3, 1), None),                        # between his two terms
    ("Tony Blinken", date(2022, 1, 1), ("USA", "foreign_minister")),
    ("Joseph Robinette Biden", date(2021, 6, 16), ("USA", "head_of_state_and_government")),
    ("Volodymyr Zelensky", date(2022, 2, 24), ("UKR", "head_of_state")),
    ("John Smith", date(2020, 1, 1), None),
])
def test_leader_state_by_term(name: str, day: date, expected: tuple[str, str] | None) -> None:
    assert leaders.leader_state(name, day) == expected


def test_vectorised_matches_single() -> None:
    names = pd.Series(["Xi Jinping", "Vladimir Putin", None, "Wang Yi"])
    days = pd.Series([date(2019, 6, 5), date(2009, 1, 1), date(2019, 1, 1), date(2019, 1, 1)])
    got = leaders.leader_states(names, days)
    want = [leaders.leader_state(n, d) if n else None for n, d in zip(names, days, strict=True)]
    assert [None if pd.isna(i) else (i, r) for i, r in zip(got["iso3"], got["role"],
                                                           strict=True)] == want


def test_icews_spellings_of_the_mirror_are_known(shared_data: Path) -> None:
    """Every leader of the RUS/CHN/USA/GBR/BLR/UKR rows that ICEWS names in the quadruple sets'
    entity lists is in the table under that spelling (read from the real files)."""
    names = set()
    for f in (shared_data / "icews-tkg").glob("*/entity2id.txt"):
        names |= {line.split("\t")[0] for line in f.read_text(encoding="utf-8").splitlines()}
    for spelling in ("Vladimir Putin", "Xi Jinping", "Sergey Viktorovich Lavrov", "Wang Yi",
                     "Li Keqiang", "Alexander Lukashenko", "Volodymyr Zelensky",
                     "Tony Blinken", "Joseph Robinette Biden", "Dmitry Anatolyevich Medvedev"):
        assert spelling in names, spelling
        assert leaders.leader_terms(spelling), spelling


def test_bad_table_row_is_one_line(tmp_path: Path) -> None:
    df = pd.DataFrame([{"iso3": "RUS", "role": "tsar", "name": "X", "aliases": "",
                        "start": "2000-01-01", "end": "", "source": "x"}])
    with pytest.raises(BilatError) as exc:
        leaders._checked(df, str(tmp_path / "leaders.csv"))
    assert exc.value.code == "E154" and "line 2" in exc.value.one_line()
    df.loc[0, "role"], df.loc[0, "end"] = "head_of_state", "1999-01-01"
    with pytest.raises(BilatError, match="before start"):
        leaders._checked(df, "leaders.csv")
