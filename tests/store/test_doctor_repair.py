"""`bilat doctor --repair` after a compacted month part is lost (bilat.store.compact.repair_parts).

A GDELT file reports events of earlier months, so after compaction one upstream file's rows
sit in several month parts. Three GDELT 2.0 exports are written here in the upstream layout:
A (events of January–March 2019), B (February–April, some events repeating A's ids, which the
identity dedupe drops) and C (April–May). Two stores ingest them (one ingest per file) and are
compacted; in one the January part (A's rows only) is deleted. ``repair`` must remove A's rows
from the February and March parts too (rewritten, B's rows kept) and A's ingest-log entry, so
that ingesting A again gives doctor no problem and every count, volume, dyad-day sum and
indicator equal to the store that never lost the part. The same holds for a store an older
bilat repaired (A's log entry dropped, its other rows left behind, A ingested again).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.indicators import events as ev
from bilat.sources import gdelt
from bilat.store import Store, compact, open_store
from bilat.store.doctor import doctor, repair
from tests.store.test_compact import FIELDS, OPTIONS, _row, _same, _write

MONTHS = {"A": (1, 2, 3), "B": (2, 3, 4), "C": (4, 5)}
SHARED = 40  # B's first events repeat A's ids (same content): stored once, as A's


def _files(folder: Path) -> dict[str, Path]:
    rng = random.Random(7)
    rows: dict[str, list[dict[str, str]]] = {}
    eid = 90_000
    for key, months in MONTHS.items():
        rows[key] = []
        for _ in range(900):
            eid += 1
            rows[key].append(_row(rng, eid, rng.choice(months)))
    rows["B"][:SHARED] = rows["A"][-SHARED:]
    names = {"A": "20190301000000.export.CSV", "B": "20190401000000.export.CSV",
             "C": "20190501000000.export.CSV"}
    return {k: _write(folder / names[k], rows[k]) for k in rows}


def _raw(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, sep="\t", header=None, names=FIELDS, dtype=str,
                     keep_default_na=False)
    df["SQLDATE"] = df["SQLDATE"].astype(int)
    return df


def _build(path: Path, files: dict[str, Path]) -> Store:
    st = open_store(path)
    for k in ("A", "B", "C"):
        gdelt.ingest(st, [files[k]])
    ev.indicators(st, "RUS", "CHN")  # the volume and dyad-day summaries exist
    compact.compact(st)
    return st


def _part_of_month(st: Store, month: int) -> str:
    return st.con.execute("SELECT part FROM gdelt_part_layout WHERE month = ?",
                          [month]).fetchall()[0][0]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    folder = tmp_path_factory.mktemp("repair")
    files = _files(folder)
    ref = _build(folder / "ref.duckdb", files)
    dmg = _build(folder / "dmg.duckdb", files)
    jan = _part_of_month(dmg, 201901)
    rewritten = [_part_of_month(dmg, m) for m in (201902, 201903)]
    rows_before = {p: n for p, n in dmg.con.execute("SELECT part, rows FROM gdelt_parts")
                   .fetchall()}
    for f in (dmg.data_dir / "gdelt" / jan).iterdir():
        f.unlink()
    (dmg.data_dir / "gdelt" / jan).rmdir()
    yield ref, dmg, files, jan, rewritten, rows_before
    ref.close()
    dmg.close()


def _problems(st: Store) -> pd.DataFrame:
    df = doctor(st)
    return df[df["status"] == "problem"]


def _by_file(st: Store) -> dict[str, int]:
    return dict(st.con.execute("SELECT source_file, count(*) FROM gdelt_events GROUP BY 1")
                .fetchall())


def _state(st: Store) -> dict[str, pd.DataFrame]:
    """Everything a query can read, without the part labels."""
    con = st.con
    out = {"events": con.execute("SELECT * EXCLUDE (source_file) FROM gdelt_events "
                                 "ORDER BY gdelt_version, GLOBALEVENTID").df(),
           "volume": con.execute("SELECT SQLDATE, gdelt_version, IsRootEvent, country, "
                                 "sum(events) AS events FROM gdelt_volume GROUP BY ALL "
                                 "ORDER BY ALL").df()}
    for t, keys in (("dyad_day_totals", "sqldate, version, is_root, actor1_code, actor2_code, "
                     "actor1_iso3, actor2_iso3, quad_class"),
                    ("dyad_day", "sqldate, version, is_root, actor1_code, actor2_code, "
                     "actor1_iso3, actor2_iso3, actor1_types, actor2_types, cameo_root, "
                     "quad_class"),
                    ("dyad_day_volume", "sqldate, version, is_root, country, iso3")):
        sums = [c for c in ("events", "goldstein_sum", "goldstein_n",
                            "goldstein_mentions_sum", "mentions", "tone_sum", "tone_n",
                            "contacts")
                if t != "dyad_day_volume" or c == "events"]
        out[t] = con.execute(
            f"SELECT {keys}, {', '.join(f'sum({c}) AS {c}' for c in sums)} FROM {t} "
            f"WHERE source = 'gdelt' GROUP BY ALL ORDER BY ALL").df()
    out["units"] = con.execute(
        "SELECT (SELECT count(*) FROM gdelt_parts) = (SELECT count(*) FROM dyad_day_units "
        "WHERE source = 'gdelt') AND (SELECT count(*) FROM gdelt_parts) = "
        "(SELECT count(*) FROM gdelt_volume_parts) AS every_part_summarised").df()
    return out


def _same_state(a: Store, b: Store) -> None:
    sa, sb = _state(a), _state(b)
    for k in sa:
        _same(sa[k].reset_index(drop=True), sb[k].reset_index(drop=True))
    assert bool(sa["units"].iloc[0, 0])


def test_repair_removes_the_lost_files_rows_everywhere(stores) -> None:
    ref, dmg, files, jan, rewritten, rows_before = stores
    assert jan in " ".join(_problems(dmg)["object"])
    cols = [r[0] for r in ref.con.execute("DESCRIBE gdelt_events").fetchall()]
    assert cols[-2:] == ["gdelt_version", "source_file"]  # no column from compaction's split
    a, b = _raw(files["A"]), _raw(files["B"])
    assert set(a["SQLDATE"] // 100) == {201901, 201902, 201903}  # A is in three parts
    again = repair(dmg)
    assert again == [files["A"].name]
    assert _problems(dmg).empty, doctor(dmg)
    names = {r[0] for r in dmg.con.execute("SELECT part FROM gdelt_parts").fetchall()}
    assert jan not in names and not set(rewritten) & names
    assert not (dmg.data_dir / "gdelt" / rewritten[0]).exists()
    assert not any(p.name.endswith(".tmp") for p in (dmg.data_dir / "gdelt").iterdir())
    # the February and March parts now hold exactly B's stored rows of their month
    b_stored = b.iloc[SHARED:]  # B's rows repeating A's events were never stored
    for m in (201902, 201903):
        part = _part_of_month(dmg, m)
        assert part not in rows_before and part.startswith(rewritten[m - 201902])
        n = dmg.con.execute("SELECT rows FROM gdelt_parts WHERE part = ?",
                            [part]).fetchall()[0][0]
        assert n == int((b_stored["SQLDATE"] // 100 == m).sum())
        files_held = dmg.con.execute("SELECT file FROM gdelt_part_files WHERE part = ?",
                                     [part]).fetchall()
        assert files_held == [(files["B"].name,)]
    assert _by_file(dmg) == {files["B"].name: len(b_stored), files["C"].name: 900}
    logged = {r[0] for r in dmg.con.execute("SELECT key FROM ingest_log").fetchall()}
    assert logged == {files["B"].name, files["C"].name}
    # the dyad-day layer and the volumes follow the events (checked against the raw rows)
    vol = dmg.con.execute("SELECT sum(events) FROM dyad_day_volume WHERE source = 'gdelt' "
                          "AND country IS NULL").fetchall()[0][0]
    assert vol == len(b_stored) + 900
    assert repair(dmg) == []  # nothing left to repair


def test_ingest_again_makes_the_store_whole_and_equal(stores) -> None:
    ref, dmg, files, *_ = stores
    if files["A"].name not in _by_file(dmg):
        repair(dmg)
    report = gdelt.ingest(dmg, [files["A"]])
    assert report.rows == 900  # every row of A, none taken as already stored
    assert _problems(dmg).empty, doctor(dmg)
    assert _by_file(dmg) == _by_file(ref)
    _same_state(ref, dmg)


@pytest.mark.parametrize("aggregate", ["0", "1"])
def test_indicators_equal_a_store_that_never_lost_the_part(stores, aggregate,
                                                            monkeypatch) -> None:
    ref, dmg, files, *_ = stores
    if dmg.con.execute("SELECT count(*) FROM ingest_log WHERE key = ?",
                       [files["A"].name]).fetchall()[0][0] == 0:
        repair(dmg)
        gdelt.ingest(dmg, [files["A"]])
    monkeypatch.setenv("BILAT_DYAD_DAY", aggregate)
    for opts in OPTIONS:
        a = ev.indicators(ref, "RUS", "CHN", **opts).reset_index(drop=True)
        b = ev.indicators(dmg, "RUS", "CHN", **opts).reset_index(drop=True)
        assert len(a) > 0
        _same(a, b)


def test_store_an_older_repair_left_inconsistent(tmp_path: Path) -> None:
    """The older repair dropped the lost part and A's log entry only; A ingested again added
    just the missing events and doctor disagreed forever. Repair now finds A by its counts."""
    files = _files(tmp_path)
    ref = _build(tmp_path / "ref.duckdb", files)
    st = _build(tmp_path / "s.duckdb", files)
    jan = st.data_dir / "gdelt" / _part_of_month(st, 201901)
    for f in jan.iterdir():
        f.unlink()
    assert gdelt.repair_parts(st) == [files["A"].name]  # the older behaviour
    gdelt.ingest(st, [files["A"]])
    bad = _problems(st)
    assert list(bad["object"]) == ["gdelt"], doctor(st)  # the ingest-log disagreement
    # A's February and March rows survived, its January rows were added again and logged
    n_jan = int((_raw(files["A"])["SQLDATE"] // 100 == 201901).sum())
    assert _by_file(st)[files["A"].name] == 900
    assert f"{files['A'].name}: {n_jan:,} logged, 900 stored" in bad["detail"].iloc[0]
    assert repair(st) == [files["A"].name]
    assert _problems(st).empty
    assert files["A"].name not in _by_file(st)
    gdelt.ingest(st, [files["A"]])
    assert _problems(st).empty
    _same_state(ref, st)
    ref.close()
    st.close()


def test_failure_inside_the_transaction_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    files = _files(tmp_path)
    st = _build(tmp_path / "s.duckdb", files)
    jan = st.data_dir / "gdelt" / _part_of_month(st, 201901)
    for f in jan.iterdir():
        f.unlink()
    before = (sorted(st.con.execute("SELECT * FROM gdelt_parts").fetchall()),
              sorted(st.con.execute("SELECT key, rows FROM ingest_log").fetchall()),
              sorted(p.name for p in (st.data_dir / "gdelt").iterdir()))
    from bilat.store import dyad_day

    def fail(*_a, **_k):
        raise OSError("disk went away")

    monkeypatch.setattr(dyad_day, "store_gdelt_part", fail)
    with pytest.raises(BilatError) as exc:
        repair(st)
    assert exc.value.code == "E873" and "disk went away" in exc.value.one_line()
    after = (sorted(st.con.execute("SELECT * FROM gdelt_parts").fetchall()),
             sorted(st.con.execute("SELECT key, rows FROM ingest_log").fetchall()),
             sorted(p.name for p in (st.data_dir / "gdelt").iterdir()
                    if not p.name.endswith(".tmp")))
    assert after == before
    monkeypatch.undo()
    assert repair(st) == [files["A"].name]
    assert _problems(st).empty
    st.close()


def test_cli_repair_and_fetch_again_real_files(tmp_path: Path, shared_data: Path, monkeypatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The QA user's steps on two real GDELT 2.0 exports (read in place from the mirror): the
    2015-10-27 file's rows sit in three month parts; the October 2015 part is deleted."""
    from bilat.cli import main

    monkeypatch.setenv("BILAT_MIRROR", str(shared_data))
    days = ("2015-10-27", "2018-03-26")
    stores = {k: tmp_path / f"{k}.duckdb" for k in ("ref", "dmg")}
    for s in stores.values():
        for d in days:
            assert main(["--store", str(s), "fetch", "gdelt", "--start", d, "--end", d,
                         "--allow-missing", "-f", "csv", "-o", str(tmp_path / "f.csv")]) == 0
        assert main(["--store", str(s), "compact", "-f", "csv", "-o",
                     str(tmp_path / "c.csv")]) == 0
    lost = [p for p in (tmp_path / "dmg.duckdb.data" / "gdelt").iterdir()
            if p.name.endswith("-m201510")]
    assert len(lost) == 1
    for f in lost[0].iterdir():
        f.unlink()
    lost[0].rmdir()
    capsys.readouterr()
    code = main(["--store", str(stores["dmg"]), "doctor", "--repair", "-f", "csv"])
    err = capsys.readouterr().err
    assert code == 0 and "ingest these files again: 20151027220000.export.CSV" in err
    assert "the store is whole" in err
    assert main(["--store", str(stores["dmg"]), "fetch", "gdelt", "--start", days[0], "--end",
                 days[0], "--allow-missing", "-f", "csv", "-o", str(tmp_path / "f.csv")]) == 0
    capsys.readouterr()
    code = main(["--store", str(stores["dmg"]), "doctor", "-f", "csv"])
    assert code == 0 and "the store is whole" in capsys.readouterr().err
    raw = pd.read_csv(shared_data / "gdelt" / "20151027220000.export.CSV", sep="\t",
                      header=None, usecols=[0], dtype=str)
    with open_store(stores["ref"]) as ref, open_store(stores["dmg"]) as dmg:
        assert _by_file(dmg) == _by_file(ref)
        assert _by_file(dmg)["20151027220000.export.CSV"] == raw[0].nunique()
        _same_state(ref, dmg)
