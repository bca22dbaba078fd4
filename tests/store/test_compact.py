"""Compaction (bilat.store.compact): GDELT parts merged by month and sorted by actor country.

Two stores take the same GDELT 2.0 files (written here in the upstream layout, one ingest per
file, so one part per file): one is compacted. Every indicator option and the contacts give
the same table on both, on the event path and on the dyad-day path; the volume and dyad-day
sums equal the raw rows (pandas); re-fetching and a new version of a file behave as without
compaction; a failure at any point of the swap (in the transaction, or a crash of the process
before or after the commit) leaves either the old or the new layout registered, never both.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from bilat.errors import BilatError
from bilat.indicators import events as ev
from bilat.sources import gdelt
from bilat.store import Store, compact, open_store
from bilat.store.doctor import doctor

CODES = ["RUS", "CHN", "USA", "GBR", "BLR", ""]
TYPES = ["GOV", "MIL", "BUS", ""]
EVENT_CODES = ["036", "040", "042", "043", "046", "0311", "051", "057", "061", "112", "130",
               "173", "190"]
FIELDS = gdelt.LAYOUTS[61].fields


def _quad(code: str) -> int:
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4


def _row(rng: random.Random, eid: int, month: int | None = None) -> dict[str, str]:
    month = month or rng.randint(1, 5)
    sqldate = 20190000 + month * 100 + rng.randint(1, 28)
    code = rng.choice(EVENT_CODES)
    r = dict.fromkeys(FIELDS, "")
    r.update(GLOBALEVENTID=str(eid), SQLDATE=str(sqldate), MonthYear=str(sqldate // 100),
             Year="2019", FractionDate=f"{2019 + month / 12:.4f}",
             IsRootEvent=str(rng.randint(0, 1)), EventCode=code, EventBaseCode=code[:3],
             EventRootCode=code[:2], QuadClass=str(_quad(code)),
             GoldsteinScale="" if rng.random() < 0.1 else f"{rng.uniform(-10, 10):.1f}",
             NumMentions=str(rng.randint(1, 40)), NumSources="1", NumArticles="2",
             AvgTone="" if rng.random() < 0.1 else f"{rng.uniform(-12, 8):.6f}",
             DATEADDED=f"{sqldate}120000", SOURCEURL=f"https://example.org/{eid}")
    for n in (1, 2):
        c = rng.choice(CODES)
        r[f"Actor{n}CountryCode"] = c
        r[f"Actor{n}Code"] = c
        for i in (1, 2, 3):
            r[f"Actor{n}Type{i}Code"] = rng.choice(TYPES) if i == 1 or rng.random() < 0.3 \
                else ""
    return r


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join("\t".join(r[k] for k in FIELDS) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def write_files(folder: Path, n_files: int = 6, rows: int = 700, seed: int = 15) -> list[Path]:
    """GDELT 2.0 exports of 15-minute slots, events dated over five months (as in GDELT,
    where a file reports events of many days)."""
    rng = random.Random(seed)
    paths, eid = [], 5000
    for f in range(n_files):
        batch = []
        for _ in range(rows):
            eid += 1
            batch.append(_row(rng, eid))
        name = f"2019{f % 5 + 1:02d}{f // 5 + 1:02d}000000.export.CSV"  # a file in each month
        paths.append(_write(folder / name, batch))
    return paths


def _raw(paths: list[Path]) -> pd.DataFrame:
    frames = [pd.read_csv(p, sep="\t", header=None, names=FIELDS, dtype=str,
                          keep_default_na=False) for p in paths]
    df = pd.concat(frames, ignore_index=True)
    df["SQLDATE"] = df["SQLDATE"].astype(int)
    df["IsRootEvent"] = df["IsRootEvent"].astype(int)
    return df


def _stores(folder: Path, paths: list[Path]) -> tuple[Store, Store]:
    plain = open_store(folder / "plain.duckdb")
    packed = open_store(folder / "packed.duckdb")
    for st in (plain, packed):
        for p in paths:  # one ingest per file: one part per file, in ingest order
            gdelt.ingest(st, [p])
    return plain, packed


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Store, list[Path],
                                                                    compact.CompactReport]]:
    folder = tmp_path_factory.mktemp("compact")
    paths = write_files(folder, rows=4000)
    plain, packed = _stores(folder, paths)
    report = compact.compact(packed, row_group_rows=2048)  # DuckDB's smallest: 2,048 rows
    yield plain, packed, paths, report
    plain.close()
    packed.close()


def _table(fn, *args, **kwargs) -> pd.DataFrame:
    df = fn(*args, **kwargs)
    return df.reset_index(drop=True)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- the layout
def test_one_sorted_part_per_month_with_every_row(pair) -> None:
    plain, packed, paths, report = pair
    raw = _raw(paths)
    months = sorted(set(raw["SQLDATE"] // 100))
    assert len(report.merged) == len(paths)
    assert sorted(w["month"] for w in report.written) == months
    assert compact.pending(packed) == []
    parts = packed.con.execute("SELECT part, rows FROM gdelt_parts ORDER BY part").fetchall()
    assert len(parts) == len(months)
    folder = packed.data_dir / "gdelt"
    assert sorted(f.name for f in folder.iterdir()) == sorted(p for p, _ in parts)
    key = list(compact.SORT_KEY)
    for part, rows in parts:
        files = sorted((folder / part).glob("*.parquet"))
        table = pq.read_table(files).to_pandas()
        assert len(table) == rows
        month = int(part.rsplit("-m", 1)[1])
        assert set(table["SQLDATE"] // 100) == {month}
        # sorted by the key (NULL countries last, as DuckDB's ORDER BY)
        expect = table.sort_values(key, na_position="last", kind="stable")
        assert table[key].equals(expect[key].reset_index(drop=True))
        meta = pq.ParquetFile(files[0]).metadata
        assert meta.num_row_groups > 1
        # min/max of Actor1CountryCode skip row groups: not every group can hold RUS
        col = [meta.schema.column(i).name for i in range(meta.num_columns)].index(
            "Actor1CountryCode")
        spans = [(meta.row_group(g).column(col).statistics.min,
                  meta.row_group(g).column(col).statistics.max)
                 for g in range(meta.num_row_groups)
                 if meta.row_group(g).column(col).statistics.has_min_max]
        assert any(not (lo <= "RUS" <= hi) for lo, hi in spans)
    # every row kept, with its provenance
    cols = ["GLOBALEVENTID", "source_file", "SQLDATE", "Actor1CountryCode", "EventCode",
            "GoldsteinScale", "AvgTone", "SOURCEURL"]
    q = f"SELECT {', '.join(cols)} FROM gdelt_events ORDER BY GLOBALEVENTID"
    ev.refresh_event_view(plain)
    ev.refresh_event_view(packed)
    _same(plain.con.execute(q).df(), packed.con.execute(q).df())
    got = packed.con.execute("SELECT GLOBALEVENTID, source_file FROM gdelt_events").df()
    want = {int(e): f"{p.name}" for p in paths for e in _raw([p])["GLOBALEVENTID"]}
    assert dict(zip(got["GLOBALEVENTID"], got["source_file"], strict=True)) == want


def test_part_files_and_ingest_log(pair) -> None:
    plain, packed, paths, _ = pair
    log = "SELECT kind, key, sha256, rows, skipped FROM ingest_log ORDER BY key"
    assert plain.con.execute(log).fetchall() == packed.con.execute(log).fetchall()
    # each part lists exactly the upstream files (name, content hash) whose rows it holds
    folder = packed.data_dir / "gdelt"
    sha = dict(plain.con.execute("SELECT key, sha256 FROM ingest_log").fetchall())
    listed = packed.con.execute("SELECT part, file, sha256 FROM gdelt_part_files").fetchall()
    for part, n_files in packed.con.execute("SELECT part, files FROM gdelt_parts").fetchall():
        held = set(pq.read_table(sorted((folder / part).glob("*.parquet")),
                                 columns=["source_file"]).column(0).to_pylist())
        mine = {(f, s) for p, f, s in listed if p == part}
        assert mine == {(f, sha[f]) for f in held}
        assert n_files == len(held)


def test_sums_equal_the_raw_rows(pair) -> None:
    plain, packed, paths, _ = pair
    raw = _raw(paths)
    # gdelt_volume: per day, root flag and country, events naming it (each once)
    one = raw[raw["Actor1CountryCode"] != ""].assign(country=raw["Actor1CountryCode"])
    two = raw[(raw["Actor2CountryCode"] != "")
              & (raw["Actor2CountryCode"] != raw["Actor1CountryCode"])].assign(
        country=raw["Actor2CountryCode"])
    want = pd.concat([one, two]).groupby(["SQLDATE", "IsRootEvent", "country"]).size()
    for st in (plain, packed):
        got = st.con.execute("SELECT SQLDATE, IsRootEvent, country, sum(events) AS n "
                             "FROM gdelt_volume GROUP BY ALL").df()
        got = got.set_index(["SQLDATE", "IsRootEvent", "country"])["n"].sort_index()
        assert got.astype(int).to_dict() == want.astype(int).to_dict()
    # the dyad-day layer: the same sums per dyad and day before and after, none lost
    sql = """SELECT sqldate, version, is_root, actor1_code, actor2_code, actor1_types,
                    actor2_types, cameo_root, quad_class, sum(events) AS events,
                    sum(goldstein_sum) AS g, sum(goldstein_n) AS gn, sum(mentions) AS m,
                    sum(tone_sum) AS t, sum(tone_n) AS tn, sum(contacts) AS c
             FROM {t} WHERE source = 'gdelt' GROUP BY ALL ORDER BY ALL"""
    for t in ("dyad_day", "dyad_day_totals", "dyad_day_volume"):
        q = sql if t != "dyad_day_volume" else (
            "SELECT sqldate, version, is_root, country, sum(events) AS events FROM {t} "
            "WHERE source = 'gdelt' GROUP BY ALL ORDER BY ALL")
        if t == "dyad_day_totals":
            q = q.replace("actor1_types,", "").replace("actor2_types,", "").replace(
                "cameo_root,", "")
        _same(plain.con.execute(q.format(t=t)).df(), packed.con.execute(q.format(t=t)).df())
    dyads = raw[(raw["Actor1CountryCode"] != "") & (raw["Actor2CountryCode"] != "")]
    assert packed.con.execute("SELECT sum(events) FROM dyad_day WHERE source = 'gdelt'"
                              ).fetchall()[0][0] == len(dyads)
    units = {r[0] for r in packed.con.execute(
        "SELECT unit FROM dyad_day_units WHERE source = 'gdelt'").fetchall()}
    assert units == {r[0] for r in packed.con.execute("SELECT part FROM gdelt_parts").fetchall()}
    assert {r[0] for r in packed.con.execute("SELECT DISTINCT unit FROM dyad_day").fetchall()
            } <= units


# ----------------------------------------------------------------------------- same answers
OPTIONS = [
    {"period": "month"},
    {"period": "day", "direction": "directed"},
    {"period": "week", "direction": "undirected", "dedup": "daily"},
    {"period": "quarter", "direction": "a2b", "dedup": "root"},
    {"period": "year", "direction": "b2a", "actor_type": "GOV"},
    {"period": "month", "actor_type": ["GOV", "MIL"], "dedup": "root"},
    {"period": "month", "dedup": "daily", "actor_type": "BUS"},
    {"period": "month", "start": "2019-02-10", "end": "2019-04-03"},
    {"period": "week", "start": "2019-03-01", "end": "2019-03-31", "dedup": "daily"},
    {"period": "month", "refs": [("USA", "GBR"), ("RUS", "BLR")], "direction": "both"},
    {"period": "month", "versions": [2], "indicator": "goldstein_mean"},
]


@pytest.mark.parametrize("opts", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in
                                                                  o.items()))
@pytest.mark.parametrize("aggregate", ["0", "1"])
def test_indicators_identical(pair, opts, aggregate, monkeypatch) -> None:
    plain, packed, _, _ = pair
    monkeypatch.setenv("BILAT_DYAD_DAY", aggregate)
    a = _table(ev.indicators, plain, "RUS", "CHN", **opts)
    b = _table(ev.indicators, packed, "RUS", "CHN", **opts)
    assert len(a) > 0
    _same(a, b)


def test_contacts_ids_and_gdelt_indicators_identical(pair) -> None:
    plain, packed, _, _ = pair
    for fn, kw in ((ev.contacts, {"period": "month", "source": "gdelt"}),
                   (ev.contact_list, {"source": "gdelt"}),
                   (ev.gdelt_indicators, {"period": "quarter", "dedup": "daily"})):
        a, b = _table(fn, plain, "RUS", "CHN", **kw), _table(fn, packed, "RUS", "CHN", **kw)
        assert len(a) > 0
        if "event_ids" in a:  # ids are listed in read order: compare them as sets
            for df in (a, b):
                df["event_ids"] = df["event_ids"].map(lambda s: sorted(str(s).split(";")))
        _same(a, b)
    a = _table(ev.ids, plain, "RUS", "CHN", at="2019-03", contacts=False)
    b = _table(ev.ids, packed, "RUS", "CHN", at="2019-03", contacts=False)
    key = [c for c in a.columns if c in ("GLOBALEVENTID", "event_id")][:1] or list(a.columns)
    _same(a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True))


def test_doctor_understands_compacted_parts(pair) -> None:
    _, packed, _, _ = pair
    df = doctor(packed)
    assert (df["status"] != "problem").all(), df
    lay = df[df["check"] == "gdelt layout"]
    assert len(lay) == 1 and "0 in ingest order" in lay["detail"].iloc[0]
    assert compact.compact(packed).merged == []  # nothing left to do: a no-op


# ----------------------------------------------------------------------------- after compaction
def test_refetch_and_new_version_after_compaction(tmp_path: Path, monkeypatch) -> None:
    paths = write_files(tmp_path, n_files=3, rows=400, seed=3)
    plain, packed = _stores(tmp_path, paths)
    try:
        compact.compact(packed)
        before = packed.con.execute("SELECT count(*) FROM gdelt_events").fetchall()[0][0]
        rep = gdelt.ingest(packed, paths)  # the same files again: nothing added
        assert {f.status for f in rep.files} == {"already"}
        assert packed.con.execute("SELECT count(*) FROM gdelt_events").fetchall()[0][0] == before
        assert compact.pending(packed) == []
        # a new version of the second file: its events plus new ones, one of them changed
        rows = pd.read_csv(paths[1], sep="\t", header=None, names=FIELDS, dtype=str,
                           keep_default_na=False).to_dict("records")
        rng = random.Random(9)
        rows[0]["GoldsteinScale"] = "9.9"  # already stored with other values: stored row kept
        rows += [_row(rng, 90000 + i, month=2) for i in range(50)]
        v2 = tmp_path / "v2"
        v2.mkdir()
        newer = _write(v2 / paths[1].name, rows)
        for st in (plain, packed):
            r = gdelt.ingest(st, [newer])
            assert r.rows == 50
        assert len(compact.pending(packed)) == 1
        for env in ("0", "1"):
            monkeypatch.setenv("BILAT_DYAD_DAY", env)
            _same(_table(ev.indicators, plain, "RUS", "CHN", period="month"),
                  _table(ev.indicators, packed, "RUS", "CHN", period="month"))
        # compacting again merges the new part with its month's (small) compacted part
        rep = compact.compact(packed)
        assert [w["month"] for w in rep.written] == [201902]
        assert compact.pending(packed) == []
        n_parts = packed.con.execute("SELECT count(*) FROM gdelt_parts").fetchall()[0][0]
        assert n_parts == len(set(_raw(paths)["SQLDATE"] // 100))
        for env in ("0", "1"):
            monkeypatch.setenv("BILAT_DYAD_DAY", env)
            _same(_table(ev.indicators, plain, "RUS", "CHN", period="month", dedup="root"),
                  _table(ev.indicators, packed, "RUS", "CHN", period="month", dedup="root"))
        q = "SELECT GLOBALEVENTID, source_file, GoldsteinScale FROM gdelt_events ORDER BY 1"
        _same(plain.con.execute(q).df(), packed.con.execute(q).df())
        assert (doctor(packed)["status"] != "problem").all()
    finally:
        plain.close()
        packed.close()


def test_bad_rows_untouched(tmp_path: Path) -> None:
    paths = write_files(tmp_path, n_files=2, rows=200, seed=4)
    with paths[0].open("a", encoding="utf-8") as fh:
        fh.write("not\ta\tgdelt\trow\n")
    st = open_store(tmp_path / "s.duckdb")
    try:
        gdelt.ingest(st, paths, on_bad_rows="quarantine")
        gdelt.ingest(st, paths[1:], on_bad_rows="quarantine")
        q = gdelt.quarantine(st).drop(columns=["set_aside_at"], errors="ignore")
        assert len(q) == 1
        compact.compact(st)
        _same(gdelt.quarantine(st).drop(columns=["set_aside_at"], errors="ignore"), q)
    finally:
        st.close()


# ----------------------------------------------------------------------------- atomicity
def _state(st: Store) -> tuple:
    con = st.con
    return (
        con.execute("SELECT part, rows, files FROM gdelt_parts ORDER BY part").fetchall(),
        con.execute("SELECT part, file, sha256 FROM gdelt_part_files ORDER BY ALL").fetchall(),
        con.execute("SELECT * FROM gdelt_volume ORDER BY ALL").fetchall(),
        con.execute("SELECT unit, sum(events) FROM dyad_day GROUP BY 1 ORDER BY 1").fetchall(),
        con.execute("SELECT * FROM dyad_day_units ORDER BY ALL").fetchall(),
    )


def _registered_files(st: Store) -> list[str]:
    return sorted(r[0] for r in st.con.execute("SELECT part FROM gdelt_parts").fetchall())


@pytest.mark.parametrize("where", ["_relabel_layer", "_check_swap"])
def test_failure_inside_the_transaction_keeps_the_old_layout(tmp_path: Path, monkeypatch,
                                                             where: str) -> None:
    paths = write_files(tmp_path, n_files=3, rows=300, seed=5)
    st = open_store(tmp_path / "s.duckdb")
    try:
        for p in paths:
            gdelt.ingest(st, [p])
        before = _state(st)
        want = ev.indicators(st, "RUS", "CHN", period="month")

        def boom(*a, **k):
            raise RuntimeError("injected failure")

        monkeypatch.setattr(compact, where, boom)
        with pytest.raises(BilatError) as exc:
            compact.compact(st)
        assert exc.value.code == "E872" and "injected failure" in exc.value.message
        assert _state(st) == before
        folder = st.data_dir / "gdelt"
        assert sorted(f.name for f in folder.iterdir()) == _registered_files(st)
        monkeypatch.undo()
        ev.forget(st)
        _same(ev.indicators(st, "RUS", "CHN", period="month"), want)
        assert (doctor(st)["status"] != "problem").all()
        compact.compact(st)  # and it works afterwards
        _same(ev.indicators(st, "RUS", "CHN", period="month"), want)
    finally:
        st.close()


_CRASH = """
import os, sys
from bilat.store import compact, open_store
st = open_store(sys.argv[1])
def die(*a, **k):
    os._exit(3)  # the process dies here: no rollback, no clean-up
setattr(compact, sys.argv[2], die)
compact.compact(st)
"""


@pytest.mark.parametrize("where", ["_check_swap", "_remove_old"])
def test_crash_leaves_one_layout(tmp_path: Path, where: str) -> None:
    """The process dies inside the transaction (before COMMIT) or after it (before the old
    folders are deleted): on reopening, exactly one layout is registered and counted."""
    paths = write_files(tmp_path, n_files=3, rows=300, seed=6)
    path = tmp_path / "s.duckdb"
    st = open_store(path)
    for p in paths:
        gdelt.ingest(st, [p])
    old = _registered_files(st)
    want = ev.indicators(st, "RUS", "CHN", period="month")
    total = st.con.execute("SELECT count(*) FROM gdelt_events").fetchall()[0][0]
    st.close()
    proc = subprocess.run([sys.executable, "-c", _CRASH, str(path), where],
                          capture_output=True, text=True, env=dict(os.environ), check=False)
    assert proc.returncode == 3, proc.stderr
    st = open_store(path)
    try:
        now = _registered_files(st)
        if where == "_check_swap":
            assert now == old  # not committed: the old layout
        else:
            assert not set(now) & set(old) and compact.pending(st) == []  # committed: new
        folder = st.data_dir / "gdelt"
        left = sorted(f.name for f in folder.iterdir() if f.name not in now)
        assert left  # the other layout's folders are still on disk, but never read
        assert st.con.execute("SELECT count(*) FROM gdelt_events").fetchall()[0][0] == total
        assert st.con.execute("SELECT sum(rows) FROM gdelt_parts").fetchall()[0][0] == total
        for env in ("0", "1"):
            os.environ["BILAT_DYAD_DAY"] = env
            try:
                _same(ev.indicators(st, "RUS", "CHN", period="month"), want)
            finally:
                os.environ.pop("BILAT_DYAD_DAY", None)
        df = doctor(st)
        assert (df["status"] != "problem").all(), df
        assert set(df[df["status"] == "note"]["object"]) >= {str(folder / f) for f in left}
        compact.compact(st)  # the next run removes the leftovers and finishes the work
        assert sorted(f.name for f in folder.iterdir()) == _registered_files(st)
        assert compact.pending(st) == []
        _same(ev.indicators(st, "RUS", "CHN", period="month"), want)
    finally:
        st.close()


# ----------------------------------------------------------------------------- when it runs
def test_auto_compact_threshold_and_errors(tmp_path: Path) -> None:
    paths = write_files(tmp_path, n_files=3, rows=100, seed=8)
    st = open_store(tmp_path / "s.duckdb")
    try:
        for p in paths:
            gdelt.ingest(st, [p])
        assert compact.auto_compact(st, threshold=3) is None  # 3 parts: not more than 3
        rep = compact.auto_compact(st, threshold=2)
        assert rep is not None and len(rep.merged) == 3
        with pytest.raises(BilatError) as exc:
            compact.compact(st, row_group_rows=0)
        assert exc.value.code == "E871"
    finally:
        st.close()
    ro = open_store(tmp_path / "s.duckdb", read_only=True)
    try:
        with pytest.raises(BilatError) as exc:
            compact.compact(ro)
        assert exc.value.code == "E870"
    finally:
        ro.close()


def test_cli_compact(tmp_path: Path) -> None:
    from bilat.cli import main

    paths = write_files(tmp_path, n_files=2, rows=100, seed=10)
    path = tmp_path / "s.duckdb"
    st = open_store(path)
    for p in paths:
        gdelt.ingest(st, [p])
    st.close()
    assert main(["--store", str(path), "compact", "-f", "csv", "-o",
                 str(tmp_path / "out.csv")]) == 0
    out = pd.read_csv(tmp_path / "out.csv")
    assert list(out.columns) == ["part", "month", "rows", "files", "bytes"]
    assert out["rows"].sum() == 200
