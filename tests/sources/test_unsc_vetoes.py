"""The Security Council veto list: the real file read in place, every veto and the joint
Russia–China vetoes counted independently from the raw CSV; bad rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.sources import unsc_vetoes as W
from bilat.sources.core import BadRows
from bilat.store import Store


@pytest.fixture(scope="module")
def real(shared_data: Path):  # type: ignore[no-untyped-def]
    path = shared_data / "unga" / "unsc-vetoes-2022" / W.FILE
    with path.open(encoding="utf-8", newline="") as fh:
        raw = list(csv.DictReader(fh))
    return path, raw, W.parse(path, BadRows("fail", path)).to_pandas()


def _members(r: dict[str, str]) -> set[str]:
    return {r[f"member_veto{i}"].strip() for i in (1, 2, 3) if r[f"member_veto{i}"].strip()}


def test_every_veto_and_each_member(real) -> None:  # type: ignore[no-untyped-def]
    _, raw, df = real
    assert len(df) == len(raw) == 214
    # per seat, from the member columns of the raw rows (USSR and Russia are one seat)
    for seat, names in (("rus", {"USSR", "Russia"}), ("usa", {"USA"}), ("gbr", {"UK"}),
                        ("fra", {"France"}), ("chn", {"China"})):
        want = sum(1 for r in raw if _members(r) & names)
        assert int(df[f"veto_{seat}"].sum()) == want
    # the author's dummies miss France and the USA on some rows: flagged, not dropped
    assert df["dummies_disagree"].notna().sum() == 26


def test_joint_russia_china_counted_independently(real) -> None:  # type: ignore[no-untyped-def]
    _, raw, df = real
    raw_joint = [r for r in raw if {"China"} <= _members(r) and _members(r) & {"Russia",
                                                                                "USSR"}]
    dummy_joint = [r for r in raw if r["russia_china"] == "1"]
    mine = df[df["veto_rus"] & df["veto_chn"]]
    assert len(mine) == len(raw_joint) == len(dummy_joint) == 14
    assert sorted(mine["draft"]) == sorted(r["draft"] for r in raw_joint)
    assert mine["year"].min() == 2007 and "S/2022/431" in set(mine["draft"])
    # S/2014/189 (Crimea referendum) and S/2022/155 (Ukraine): Russia alone
    for draft in ("S/2014/189", "S/2022/155"):
        row = df[df["draft"] == draft].iloc[0]
        assert row["vetoed_by"] == "RUS" and not row["veto_chn"]


def test_bad_rows(tmp_path: Path, file_store: Store, real) -> None:  # type: ignore[no-untyped-def]
    path, _, _ = real
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[:4]
    rows[2][1] = "31/2/1946"  # no such date (line 3)
    rows[3][8] = "Prussia"  # no such member (line 4)
    bad = tmp_path / W.FILE
    with bad.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(BilatError) as e:
        W.ingest_unsc_vetoes(file_store, [bad])
    assert e.value.code == "E015" and "line 3" in str(e.value)
    assert not file_store.has_table(W.TABLE)
    res = W.ingest_unsc_vetoes(file_store, [bad], on_bad_rows="quarantine")
    assert res[0].rows_added == 1 and sum(res[0].bad_rows.values()) == 2
    assert [r[0] for r in file_store.con.execute(
        "SELECT line FROM bad_rows WHERE kind = 'unsc-vetoes' ORDER BY line").fetchall()] == [3, 4]
