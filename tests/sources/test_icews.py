"""ICEWS Dataverse files: the real 167 daily files (stored once per session) and small files in
the exact upstream layout written here (zip members, re-downloads, overlaps, bad inputs).

``icews_store`` (and the ``icews_full`` fixture) is imported by the indicator tests, so the
325,691 real events are loaded once per test session whichever tests run.
"""

from __future__ import annotations

import atexit
import re
import zipfile
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.reference.cameo import load_cameo_actortypes
from bilat.sources import icews
from bilat.store import Store, open_store

DAILY = ("icews", "bkitej-daily-2018-2019")
_BUILT: dict[str, Store] = {}


def daily_files(shared_data: Path) -> list[Path]:
    return sorted(shared_data.joinpath(*DAILY).glob("*-icews-events.tab"))


def icews_store(shared_data: Path) -> Store:
    """An in-memory store holding all 167 real daily files (built on first use in a session,
    shared by every module that imports this; closed at exit)."""
    key = str(shared_data)
    if key not in _BUILT:
        st = open_store(":memory:")
        icews.fetch_icews(st, shared_data, progress=False)
        atexit.register(st.close)
        _BUILT[key] = st
    return _BUILT[key]


@cache
def raw_rows(folder: str) -> pd.DataFrame:
    """Every data row of the real files read by pandas alone (the independent count)."""
    frames = []
    for f in sorted(Path(folder).glob("*-icews-events.tab")):
        df = pd.read_csv(f, sep="\t", dtype=str, quoting=3, keep_default_na=False)
        df["file"] = f.name
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="session")
def icews_full(shared_data: Path) -> Store:
    return icews_store(shared_data)


@pytest.fixture(scope="module")
def raw(shared_data: Path) -> pd.DataFrame:
    return raw_rows(str(shared_data.joinpath(*DAILY)))


# ----------------------------------------------------------------------------- real files
def test_rows_stored_equal_rows_in_files(icews_full: Store, shared_data: Path) -> None:
    files = daily_files(shared_data)
    assert len(files) == 167
    in_files = {f.name: sum(1 for line in f.open("rb") if line.strip()) - 1 for f in files}
    stored = dict(icews_full.con.execute(
        "SELECT source_file, count(*) FROM icews_events GROUP BY 1").fetchall())
    assert stored == in_files
    n, distinct = icews_full.con.execute(
        "SELECT count(*), count(DISTINCT event_id) FROM icews_events").fetchall()[0]
    assert n == distinct == sum(in_files.values())
    log = icews_full.ingest_log("icews")
    assert len(log) == 167 and int(log["rows"].sum()) == n


def test_fields_are_kept_with_provenance(icews_full: Store, raw: pd.DataFrame,
                                        shared_data: Path) -> None:
    got = icews_full.con.execute(
        "SELECT event_id, strftime(event_date, '%Y-%m-%d'), actor1_name, actor2_name, "
        "cameo_code, intensity, story_id, publisher, source_file, line FROM icews_events "
        "USING SAMPLE 300 ROWS (reservoir, 7)").df()
    want = raw.assign(eid=raw["Event ID"].astype("int64")).set_index("eid")
    for r in got.itertuples(index=False):
        w = want.loc[r.event_id]
        assert (r[1], r.actor1_name, r.actor2_name, r.cameo_code) == (
            w["Event Date"], w["Source Name"] or None, w["Target Name"] or None,
            w["CAMEO Code"])
        assert r.intensity == float(w["Intensity"]) and r.source_file == w["file"]
        assert r.story_id == int(w["Story ID"]) and r.publisher == w["Publisher"]
        # the stored line number points at this very row of the file
        text = shared_data.joinpath(*DAILY, r.source_file).read_text(encoding="utf-8")
        assert text.splitlines()[r.line - 1].split("\t")[0] == str(r.event_id)


def test_countries_are_iso3_and_quad_class_follows_the_root(icews_full: Store,
                                                             raw: pd.DataFrame) -> None:
    names = {n for n in pd.concat([raw["Source Country"], raw["Target Country"]]) if n}
    pairs = dict(icews_full.con.execute(
        "SELECT DISTINCT actor1_country, actor1_iso3 FROM icews_events "
        "WHERE actor1_country IS NOT NULL UNION SELECT DISTINCT actor2_country, actor2_iso3 "
        "FROM icews_events WHERE actor2_country IS NOT NULL").fetchall())
    assert set(pairs) == names and all(pairs.values())
    assert pairs["Russian Federation"] == "RUS" and pairs["China"] == "CHN"
    assert pairs["United States"] == "USA" and pairs["United Kingdom"] == "GBR"
    bad = icews_full.con.execute(
        "SELECT count(*) FROM icews_events WHERE quad_class <> CASE "
        "WHEN CAST(substr(cameo_code, 1, 2) AS INT) <= 5 THEN 1 "
        "WHEN CAST(substr(cameo_code, 1, 2) AS INT) <= 9 THEN 2 "
        "WHEN CAST(substr(cameo_code, 1, 2) AS INT) <= 14 THEN 3 ELSE 4 END "
        "OR cameo_root <> substr(cameo_code, 1, 2)").fetchall()[0][0]
    assert bad == 0
    # a code ICEWS uses beyond GDELT's CAMEO table is kept with its root (1213 → 12, quad 3)
    assert icews_full.con.execute(
        "SELECT DISTINCT cameo_root, quad_class FROM icews_events WHERE cameo_code = '1213'"
    ).fetchall() == [("12", 3)]


def test_actor_types_on_real_sector_strings(icews_full: Store, raw: pd.DataFrame) -> None:
    valid = set(load_cameo_actortypes()["code"])
    assert {t for ts in icews.SECTOR_TYPES.values() for t in ts} <= valid
    cases = {  # real sector strings of the files → the CAMEO types they must give
        "Government,Executive,Foreign Ministry": "GOV",
        "Military,Government": "GOV,MIL",
        "Police,Government": "GOV,COP",
        "Legislative / Parliamentary,Government": "GOV,LEG",
        "Protestors / Popular Opposition / Mobs,Dissident": "OPP",
        "General Population / Civilian / Social,Social": "CVL",
        "Social,Media": "MED",
        "International Government Organization,Regional,Regional Diplomatic IGOs": "IGO",
        "Dissident,Rebel": "REB,OPP",
    }
    sectors = set(raw["Source Sectors"]) | set(raw["Target Sectors"])
    for text, want in cases.items():
        assert text in sectors, text
        assert ",".join(icews.sector_types(text)) == want, text
        stored = {r[0] for r in icews_full.con.execute(
            "SELECT DISTINCT actor1_types FROM icews_events WHERE actor1_sectors = ?",
            [text]).fetchall()}
        assert stored == {want}, text
    # a comma inside parentheses belongs to the label
    navy = next(s for s in sectors if "Navy Mechanized (Ships" in s)
    assert "Navy Mechanized (Ships, Tanks, Planes)" in icews.split_sectors(navy)
    assert "MIL" in icews.sector_types(navy)
    # share of real actor mentions (non-empty sectors) that get at least one type
    mentions = pd.concat([raw["Source Sectors"], raw["Target Sectors"]])
    mentions = mentions[mentions != ""]
    typed = mentions.map(lambda s: bool(icews.sector_types(s)))
    assert typed.mean() > 0.9


def test_named_leaders_are_marked_by_term(icews_full: Store) -> None:
    rows = dict(icews_full.con.execute(
        "SELECT actor1_name, min(actor1_leader) FROM icews_events WHERE actor1_name IN "
        "('Xi Jinping', 'Vladimir Putin', 'Sergey Viktorovich Lavrov', 'Wang Yi') "
        "GROUP BY 1").fetchall())
    assert rows == {"Xi Jinping": "head_of_state", "Vladimir Putin": "head_of_state",
                    "Sergey Viktorovich Lavrov": "foreign_minister",
                    "Wang Yi": "foreign_minister"}


# ----------------------------------------------------------------------------- small files
HEADER = "\t".join(icews.FIELDS)


def sample_lines(shared_data: Path, n: int = 12) -> list[str]:
    """The first ``n`` data lines of a real file (rows of real events, written to tmp)."""
    f = daily_files(shared_data)[0]
    return f.read_text(encoding="utf-8").splitlines()[1:n + 1]


def write(path: Path, lines: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def count(st: Store) -> int:
    if not st.has_table("icews_events"):
        return 0
    return int(st.con.execute("SELECT count(*) FROM icews_events").fetchall()[0][0])


def test_zip_with_several_members_and_macosx(tmp_path: Path, store: Store,
                                             shared_data: Path) -> None:
    lines = sample_lines(shared_data, 10)
    z = tmp_path / "events.2018.20181004.tab.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("part1.tab", "\n".join([HEADER, *lines[:4]]) + "\n")
        zf.writestr("sub/part2.tab", "\n".join([HEADER, *lines[4:]]) + "\r\n")
        zf.writestr("__MACOSX/sub/._part2.tab", b"\x00\x05\x16\x07 not a tab file")
        zf.writestr("README.txt.bak", "ignored: not a data suffix")
    assert icews.detect_format(z) == "icews"
    res = icews.ingest_icews(store, [z], progress=False)
    assert res[0].rows_added == 10 == count(store)
    members = dict(store.con.execute(
        "SELECT member, count(*) FROM icews_events GROUP BY 1").fetchall())
    assert members == {"part1.tab": 4, "sub/part2.tab": 6}


def test_redownload_replaces_and_overlap_adds_only_new(tmp_path: Path, store: Store,
                                                       shared_data: Path) -> None:
    lines = sample_lines(shared_data, 12)
    name = "20181004-icews-events.tab"
    (tmp_path / "partial").mkdir()
    (tmp_path / "full").mkdir()
    partial = write(tmp_path / "partial" / name, lines[:5])
    full = write(tmp_path / "full" / name, lines[:10])
    r1 = icews.ingest_icews(store, [partial], progress=False)[0]
    r2 = icews.ingest_icews(store, [full], progress=False)[0]
    assert (r1.rows_added, r2.status, r2.rows_replaced, r2.rows_added) == (5, "replaced", 5, 10)
    assert count(store) == 10
    again = icews.ingest_icews(store, [full], progress=False)[0]
    assert again.status == "unchanged" and count(store) == 10
    overlap = write(tmp_path / "20181005-icews-events.tab", lines[6:12])
    r3 = icews.ingest_icews(store, [overlap], progress=False)[0]
    assert (r3.rows_added, r3.rows_already_stored) == (2, 4)
    assert "4 already stored from another file" in r3.summary()
    assert count(store) == 12
    ids = store.con.execute("SELECT count(DISTINCT event_id) FROM icews_events").fetchall()[0][0]
    assert ids == 12


def _bad_cases(lines: list[str]) -> dict[str, tuple[str, list[str], str, int | None]]:
    """name → (header, lines, error code, bad line)."""
    cols = lines[3].split("\t")
    unknown = cols.copy()
    unknown[4] = "Freedonia"
    bad_date = cols.copy()
    bad_date[1] = "2018-02-30"
    no_intensity = [c for c in icews.FIELDS if c != "Intensity"]
    short = "\t".join(cols[:12])
    return {
        "missing-column": ("\t".join(no_intensity),
                           ["\t".join(c for i, c in enumerate(x.split("\t")) if i != 7)
                            for x in lines], "E140", None),
        "unknown-country": (HEADER, [*lines[:3], "\t".join(unknown), *lines[4:]], "E141", 5),
        "bad-date": (HEADER, [*lines[:3], "\t".join(bad_date), *lines[4:]], "E142", 5),
        "short-row": (HEADER, [*lines[:3], short, *lines[4:]], "E144", 5),
    }


@pytest.mark.parametrize("case", ["missing-column", "unknown-country", "bad-date", "short-row"])
def test_bad_input_is_one_line_and_nothing_half_stored(case: str, tmp_path: Path,
                                                       shared_data: Path) -> None:
    lines = sample_lines(shared_data, 8)
    header, body, code, line = _bad_cases(lines)[case]
    good = write(tmp_path / "20181004-icews-events.tab", lines[:2])
    bad = write(tmp_path / "20181005-icews-events.tab", body, header)
    path = tmp_path / "s.duckdb"
    st = open_store(path)
    icews.ingest_icews(st, [good], progress=False)
    with pytest.raises(BilatError) as exc:
        icews.ingest_icews(st, [bad], progress=False)
    st.close()
    msg = exc.value.one_line()
    assert exc.value.code == code and "\n" not in msg and bad.name in msg
    if line is not None:
        assert f"line {line}" in msg
    st = open_store(path)  # reopened: the good file is there, nothing of the bad one
    try:
        assert count(st) == 2
        assert st.con.execute("SELECT count(*) FROM ingest_log WHERE key = ?",
                              [bad.name]).fetchall()[0][0] == 0
    finally:
        st.close()


def test_bad_rows_can_be_set_aside(tmp_path: Path, store: Store, shared_data: Path) -> None:
    lines = sample_lines(shared_data, 8)
    _, body, _, _ = _bad_cases(lines)["unknown-country"]
    f = write(tmp_path / "20181005-icews-events.tab", body)
    res = icews.ingest_icews(store, [f], on_bad_rows="quarantine", progress=False)[0]
    assert res.rows_added == 7 and sum(res.bad_rows.values()) == 1
    kept = store.con.execute("SELECT file, line, reason FROM bad_rows").fetchall()
    assert kept[0][:2] == (f.name, 5) and "Freedonia" in kept[0][2]


def test_detect_format(tmp_path: Path, shared_data: Path) -> None:
    assert icews.detect_format(daily_files(shared_data)[0]) == "icews"
    assert icews.detect_format(shared_data / "gdelt" / "20191024143000.export.CSV") == "gdelt"
    assert icews.detect_format(shared_data / "icews-dyad-year" / "icews.rda") == \
        "icews-dyad-year"
    assert icews.detect_format(shared_data / "icews-tkg" / "ICEWS23-tame" / "quadruple.txt") \
        == "icews-tkg"
    # an ICEWS header that lacks a column is still read as ICEWS (so E140 names the column)
    f = write(tmp_path / "x.tab", [], "\t".join(c for c in icews.FIELDS if c != "Event ID"))
    assert icews.detect_format(f) == "icews"


def test_file_patterns_find_the_mirror_files(shared_data: Path) -> None:
    from bilat.sources.core import find_in_mirror

    found = find_in_mirror(shared_data, "icews", list(icews.FILE_PATTERNS))
    assert sorted(p.name for p in found) == [p.name for p in daily_files(shared_data)]
    assert all(re.fullmatch(r"\d{8}-icews-events\.tab", p.name) for p in found)
