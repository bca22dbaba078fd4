"""Voeten's ideal points, by session (June 2024) and by calendar year (July 2025): the real
files read in place, values checked against the raw rows, COW → ISO3, bad rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.sources import idealpoints as I
from bilat.sources.core import BadRows
from bilat.store import Store


def _raw_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def folders(shared_data: Path) -> tuple[Path, Path]:
    return shared_data / "unga" / "voeten-2024", shared_data / "unga" / "voeten-2025"


def test_session_file_against_raw_rows(folders: tuple[Path, Path]) -> None:
    path = folders[0] / I.SESSION_FILE
    bad = BadRows("fail", path)
    df = I.parse_session(path, bad).to_pandas()
    raw = _raw_csv(path)
    assert len(df) == len(raw) == 11238 and len(bad) == 0
    # every Russia and China row, value for value (COW 365 → RUS, 710 → CHN, 713 → TWN)
    for ccode, iso in (("365", "RUS"), ("710", "CHN"), ("713", "TWN")):
        mine = df[df["ccode"] == int(ccode)].set_index("session")
        theirs = {r["session"]: r for r in raw if r["ccode"] == ccode}
        assert set(mine.index) == set(theirs) and (mine["iso3"] == iso).all()
        for s, r in theirs.items():
            assert mine.loc[s, "ideal_point"] == pytest.approx(float(r["IdealPointAll"]))
            assert mine.loc[s, "n_votes"] == int(r["NVotesAll"])
            assert mine.loc[s, "session_year"] == 1945 + int(s)
    # sessions are text, agreement NA stays missing
    assert df["session"].map(type).eq(str).all()
    chn = df[df["iso3"] == "CHN"].set_index("session")
    assert chn.loc["78", "agree_rus"] == pytest.approx(0.682, abs=5e-4)  # SOURCES.md
    na = next(r for r in raw if r["ChinaAgree"] == "NA")
    hit = df[(df["ccode"] == int(na["ccode"])) & (df["session"] == na["session"])]
    assert hit["agree_chn"].isna().all()
    # historical COW codes keep their own code beside bilat's (Yugoslavia → SRB)
    yug = df[df["ccode"] == 345].iloc[0]
    assert (yug["iso3"], yug["iso3_as_given"]) == ("SRB", "YUG")


def test_year_file_dta_equals_csv_and_raw(folders: tuple[Path, Path]) -> None:
    dta = folders[1] / I.YEAR_FILE
    csvp = folders[1] / "IdealpointsJuly2025.csv"
    a = I.parse_year(dta, BadRows("fail", dta)).to_pandas()
    b = I.parse_year(csvp, BadRows("fail", csvp)).to_pandas()
    assert len(a) == len(b) == 11440
    cols = [c for c in a.columns if c != "line"]
    pd.testing.assert_frame_equal(a[cols], b[cols], check_dtype=False, rtol=1e-6)
    raw = {(r["ccode"], r["year"]): r for r in _raw_csv(csvp)}
    for (cc, yr), iso in ((("365", "2022.0"), "RUS"), (("710", "2024.0"), "CHN")):
        row = a[(a["ccode"] == int(cc)) & (a["year"] == int(float(yr)))].iloc[0]
        assert row["iso3"] == iso
        assert row["ideal_point_fp"] == pytest.approx(float(raw[cc, yr]["idealpointfp"]),
                                                      rel=1e-6)
    # 2024 has only the final-passage estimate: the others stay missing, never 0
    y24 = a[a["year"] == 2024]
    assert y24["ideal_point_fp"].notna().all() and y24["ideal_point_all"].isna().all()


def test_bad_rows_and_nothing_half_stored(tmp_path: Path, file_store: Store,
                                          folders: tuple[Path, Path]) -> None:
    with (folders[0] / I.SESSION_FILE).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[:4]
    rows[2][1] = "99999"  # a COW code no state has (line 3)
    rows[3][5], rows[3][11] = rows[3][11], rows[3][5]  # QO% above Q100% (line 4)
    path = tmp_path / I.SESSION_FILE
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(BilatError) as e:
        I.ingest_idealpoints(file_store, [path])
    assert e.value.code == "E015" and "line 3" in str(e.value) and "COW" in str(e.value)
    assert not file_store.has_table("un_idealpoints_session")
    res = I.ingest_idealpoints(file_store, [path], on_bad_rows="skip")
    assert res[0].rows_added == 1 and res[0].bad_rows == {
        "COW code not in bilat's crosswalk": 1, "posterior quantiles out of order": 1}
    empty = tmp_path / "IdealpointsJuly2025.csv"
    empty.write_text("ccode,iso3c,countryname,year,idealpointfp,nvotesfp\n", encoding="utf-8")
    with pytest.raises(BilatError, match="E018"):
        I.ingest_idealpoints(file_store, [empty])


def test_fetch_reads_whichever_release_the_mirror_holds(tmp_path: Path, store: Store,
                                                       folders: tuple[Path, Path]) -> None:
    import shutil

    (tmp_path / "unga").mkdir()
    with pytest.raises(BilatError, match="E011"):
        I.fetch_idealpoints(store, tmp_path)
    target = tmp_path / "unga" / "voeten-2025"
    target.mkdir()
    shutil.copy(folders[1] / I.YEAR_FILE, target / I.YEAR_FILE)
    res = I.fetch_idealpoints(store, tmp_path)
    assert [r.file for r in res] == [I.YEAR_FILE] and res[0].rows_added == 11440
    assert not store.has_table("un_idealpoints_session")
