"""The dyad-day layer: sums written with the events, checked against the raw rows (pandas), and
the aggregate path of ``indicators`` equal to the event path — on GDELT rows written here in the
upstream 2.0 layout, on the real GDELT files and on a slice of the real ICEWS daily files."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.indicators import events as ev
from bilat.sources import gdelt, icews
from bilat.store import Store, dyad_day, open_store

CODES = ["RUS", "CHN", "USA", "GBR", "BLR", ""]
TYPES = ["GOV", "MIL", "BUS", ""]
EVENT_CODES = ["036", "040", "042", "043", "046", "0311", "051", "057", "061", "112", "130",
               "173", "190"]


def _quad(code: str) -> int:
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4


def write_gdelt(folder: Path, n_files: int = 3, rows: int = 1500, seed: int = 7) -> list[Path]:
    """GDELT 2.0 export files (61 tab-separated fields, no header) with a known mix of
    countries, actor types, root flags, CAMEO codes and empty Goldstein/tone values."""
    rng = random.Random(seed)
    fields = gdelt.LAYOUTS[61].fields
    paths, eid = [], 1000
    for f in range(n_files):
        lines = []
        for _ in range(rows):
            eid += 1
            month = rng.randint(1, 4)
            day = rng.randint(1, 28)
            sqldate = 20190000 + month * 100 + day
            code = rng.choice(EVENT_CODES)
            r = dict.fromkeys(fields, "")
            r.update(GLOBALEVENTID=str(eid), SQLDATE=str(sqldate), MonthYear=str(sqldate // 100),
                     Year="2019", FractionDate=f"{2019 + month / 12:.4f}",
                     IsRootEvent=str(rng.randint(0, 1)), EventCode=code,
                     EventBaseCode=code[:3], EventRootCode=code[:2], QuadClass=str(_quad(code)),
                     GoldsteinScale="" if rng.random() < 0.1 else f"{rng.uniform(-10, 10):.1f}",
                     NumMentions=str(rng.randint(1, 40)), NumSources="1", NumArticles="2",
                     AvgTone="" if rng.random() < 0.1 else f"{rng.uniform(-12, 8):.6f}",
                     DATEADDED=f"{sqldate}120000", SOURCEURL=f"https://example.org/{eid}")
            for n in (1, 2):
                c = rng.choice(CODES)
                r[f"Actor{n}CountryCode"] = c
                r[f"Actor{n}Code"] = c
                for i in (1, 2, 3):
                    r[f"Actor{n}Type{i}Code"] = rng.choice(TYPES) if i == 1 or \
                        rng.random() < 0.3 else ""
            lines.append("\t".join(r[k] for k in fields))
        p = folder / f"2019050{f + 1}000000.export.CSV"
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(p)
    return paths


def _raw(paths: list[Path]) -> pd.DataFrame:
    fields = gdelt.LAYOUTS[61].fields
    frames = [pd.read_csv(p, sep="\t", header=None, names=fields, dtype=str,
                          keep_default_na=False) for p in paths]
    df = pd.concat(frames, ignore_index=True)
    for c in ("GoldsteinScale", "AvgTone", "NumMentions", "SQLDATE", "IsRootEvent"):
        df[c] = pd.to_numeric(df[c].replace("", None))
    return df


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list[Path]]]:
    folder = tmp_path_factory.mktemp("gdelt-fixture")
    paths = write_gdelt(folder)
    st = open_store(folder / "s.duckdb")
    gdelt.ingest(st, paths)
    yield st, paths
    st.close()


@pytest.fixture(scope="module")
def real_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The four real GDELT files and the first 12 real ICEWS daily files."""
    folder = tmp_path_factory.mktemp("dyad-day-real")
    st = open_store(folder / "r.duckdb")
    gdelt.ingest(st, sorted((shared_data / "gdelt").glob("*.export.CSV")), on_bad_rows="skip")
    files = sorted((shared_data / "icews" / "bkitej-daily-2018-2019").glob("*-icews-events.tab"))
    icews.ingest_icews(st, files[:12])
    yield st
    st.close()


def _both_paths(st: Store, monkeypatch: pytest.MonkeyPatch, a: str, b: str, **kw: object
                ) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """indicators() on the event path and on the aggregate path (None: E150 on that path)."""
    out = []
    for flag in ("0", "1"):
        monkeypatch.setenv("BILAT_DYAD_DAY", flag)
        try:
            out.append(ev.indicators(st, a, b, **kw))
        except BilatError as exc:
            assert exc.code == "E150"
            out.append(None)
    return out[0], out[1]


def _assert_same(events: pd.DataFrame | None, agg: pd.DataFrame | None) -> None:
    assert (events is None) == (agg is None)
    if events is None or agg is None:
        return
    assert len(events) > 0
    pd.testing.assert_frame_equal(events.reset_index(drop=True), agg.reset_index(drop=True),
                                  check_dtype=False, rtol=1e-9)


GDELT_QUERIES = [
    {}, {"dedup": "root", "period": "week", "direction": "a2b"},
    {"actor_type": ["MIL", "BUS"], "period": "day", "direction": "undirected"},
    {"period": "quarter", "refs": [("USA", "GBR"), ("RUS", "BLR")]},
    {"period": "year", "dedup": "root", "actor_type": "GOV"},
    {"start": "2019-02-10", "end": "2019-03-20", "versions": [2]},
]


@pytest.mark.parametrize("kw", GDELT_QUERIES)
def test_gdelt_fixture_aggregate_equals_event_path(fixture_store: tuple[Store, list[Path]],
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   kw: dict) -> None:
    st, _ = fixture_store
    q = ev.make_query("RUS", "CHN", **kw)
    assert dyad_day.applies(st, "gdelt", q)
    _assert_same(*_both_paths(st, monkeypatch, "RUS", "CHN", **kw))


def test_aggregate_sums_match_raw_rows(fixture_store: tuple[Store, list[Path]]) -> None:
    """dyad_day and dyad_day_volume against pandas over the raw lines (independent count)."""
    st, paths = fixture_store
    raw = _raw(paths)
    both = raw[(raw.Actor1CountryCode != "") & (raw.Actor2CountryCode != "")].copy()
    both["contact"] = (both.EventCode.isin(["036", *[f"04{i}" for i in range(7)]])
                       & (both.Actor1Type1Code == "GOV") & (both.Actor2Type1Code == "GOV"))
    both["gw"] = both.GoldsteinScale * both.NumMentions
    want = both.groupby(["Actor1CountryCode", "Actor2CountryCode", "QuadClass"]).agg(
        events=("GLOBALEVENTID", "size"), gsum=("GoldsteinScale", "sum"),
        gn=("GoldsteinScale", "count"), gw=("gw", "sum"), mentions=("NumMentions", "sum"),
        tsum=("AvgTone", "sum"), tn=("AvgTone", "count"), contacts=("contact", "sum"))
    got = st.con.execute(
        "SELECT actor1_code, actor2_code, CAST(quad_class AS VARCHAR) AS q, sum(events), "
        "sum(goldstein_sum), sum(goldstein_n), sum(goldstein_mentions_sum), sum(mentions), "
        "sum(tone_sum), sum(tone_n), sum(contacts) FROM dyad_day WHERE source = 'gdelt' "
        "GROUP BY ALL").fetchall()
    assert len(got) == len(want)
    for a1, a2, qc, *vals in got:
        row = want.loc[(a1, a2, qc)]
        expect = [row.events, row.gsum, row.gn, row.gw, row.mentions, row.tsum, row.tn,
                  row.contacts]
        assert vals == pytest.approx([float(x) for x in expect], rel=1e-9), (a1, a2, qc)
    # the totals without types and root hold the same sums, in fewer rows
    totals = st.con.execute(
        "SELECT actor1_code, actor2_code, quad_class, sum(events), sum(contacts), "
        "sum(goldstein_n), count(*) FROM dyad_day_totals GROUP BY ALL ORDER BY ALL").fetchall()
    full = st.con.execute(
        "SELECT actor1_code, actor2_code, quad_class, sum(events), sum(contacts), "
        "sum(goldstein_n), count(*) FROM dyad_day GROUP BY ALL ORDER BY ALL").fetchall()
    assert [r[:6] for r in totals] == [r[:6] for r in full]
    assert sum(r[6] for r in totals) < sum(r[6] for r in full)
    # volume: events with the code as actor 1 or 2, once each; NULL country: every event
    vol = dict(st.con.execute("SELECT country, sum(events) FROM dyad_day_volume "
                              "WHERE source = 'gdelt' GROUP BY ALL").fetchall())
    assert vol[None] == len(raw)
    for c in ("RUS", "CHN", "USA"):
        assert vol[c] == int(((raw.Actor1CountryCode == c) | (raw.Actor2CountryCode == c)).sum())


def test_gdelt_units_follow_parts(fixture_store: tuple[Store, list[Path]],
                                  tmp_path: Path) -> None:
    """Every stored part is summarised once (re-ingesting the same files adds nothing)."""
    st, paths = fixture_store
    parts = {r[0] for r in st.con.execute("SELECT part FROM gdelt_parts").fetchall()}
    units = {r[0] for r in st.con.execute(
        "SELECT unit FROM dyad_day_units WHERE source = 'gdelt'").fetchall()}
    assert parts == units  # written by the ingest itself, before any query
    before = st.con.execute("SELECT sum(events) FROM dyad_day").fetchall()
    gdelt.ingest(st, paths)
    assert dyad_day.ensure(st, "gdelt")
    assert st.con.execute("SELECT sum(events) FROM dyad_day").fetchall() == before


def test_rows_that_need_events_take_the_event_path(fixture_store: tuple[Store, list[Path]],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    st, _ = fixture_store
    assert not dyad_day.applies(st, "gdelt", ev.make_query("RUS", "CHN", dedup="daily"))
    assert not dyad_day.applies(st, "icews-tkg", ev.make_query("RUS", "CHN"))
    monkeypatch.setenv("BILAT_DYAD_DAY", "0")
    assert not dyad_day.applies(st, "gdelt", ev.make_query("RUS", "CHN"))


def test_layer_rebuilt_when_out_of_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store written before the layer existed (tables dropped here) is summarised on the
    first query, in one transaction, and answers as the event path does."""
    paths = write_gdelt(tmp_path, n_files=1, rows=600, seed=3)
    with open_store(tmp_path / "old.duckdb") as st:
        gdelt.ingest(st, paths)
        for t in ("dyad_day", "dyad_day_totals", "dyad_day_volume", "dyad_day_units"):
            st.con.execute(f"DROP TABLE IF EXISTS {t}")
        _assert_same(*_both_paths(st, monkeypatch, "USA", "CHN", dedup="root"))
        assert st.has_table("dyad_day_units")


def test_real_gdelt_aggregate_equals_event_path(real_store: Store,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    for a, b, kw in (("USA", "CHN", {"dedup": "root", "period": "day"}),
                     ("RUS", "CHN", {"refs": [("USA", "GBR")], "period": "year"})):
        _assert_same(*_both_paths(real_store, monkeypatch, a, b, source="gdelt", **kw))


@pytest.mark.parametrize("kw", [{}, {"actor_type": ["GOV", "MIL"]},
                                {"period": "day", "direction": "undirected"},
                                {"period": "week", "refs": [("USA", "GBR")],
                                 "start": "2018-10-08"}])
def test_real_icews_aggregate_equals_event_path(real_store: Store,
                                                monkeypatch: pytest.MonkeyPatch,
                                                kw: dict) -> None:
    _assert_same(*_both_paths(real_store, monkeypatch, "RUS", "CHN", source="icews", **kw))


def test_icews_sums_written_with_the_rows(real_store: Store, shared_data: Path) -> None:
    """Each ICEWS file is summarised in its ingest transaction: per-file totals equal the
    raw file's rows with both countries; a failing summary leaves nothing of the file."""
    con = real_store.con
    units = {r[0] for r in con.execute(
        "SELECT unit FROM dyad_day_units WHERE source = 'icews'").fetchall()}
    logged = {r[0] for r in con.execute(
        "SELECT key FROM ingest_log WHERE kind = 'icews'").fetchall()}
    assert units == logged and len(units) == 12
    got = dict(con.execute("SELECT unit, sum(events) FROM dyad_day_volume WHERE source = "
                           "'icews' AND country IS NULL GROUP BY 1").fetchall())
    stored = dict(con.execute("SELECT source_file, count(*) FROM icews_events "
                              "GROUP BY 1").fetchall())
    assert got == stored


def test_failed_summary_rolls_back_the_file(tmp_path: Path, shared_data: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    f = sorted((shared_data / "icews" / "bkitej-daily-2018-2019").glob("*.tab"))[20]

    def boom(con: object, file: str, table: str = "icews_events") -> None:
        raise RuntimeError("summary failed")

    with open_store(tmp_path / "f.duckdb") as st:
        monkeypatch.setattr(dyad_day, "summarise_icews_file", boom)
        with pytest.raises(BilatError):
            icews.ingest_icews(st, [f])
        assert not st.has_table("icews_events") or st.con.execute(
            "SELECT count(*) FROM icews_events").fetchall()[0][0] == 0
        assert st.con.execute("SELECT count(*) FROM ingest_log WHERE kind = 'icews'"
                              ).fetchall()[0][0] == 0


def test_failed_gdelt_summary_rolls_back_the_part(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    paths = write_gdelt(tmp_path, n_files=1, rows=200, seed=5)

    def boom(con: object, part: Path) -> None:
        raise RuntimeError("summary failed")

    with open_store(tmp_path / "g.duckdb") as st:
        monkeypatch.setattr(dyad_day, "summarise_gdelt_part", boom)
        with pytest.raises(BilatError):
            gdelt.ingest(st, paths)
        assert st.con.execute("SELECT count(*) FROM gdelt_parts").fetchall()[0][0] == 0
        assert st.con.execute("SELECT count(*) FROM ingest_log WHERE kind = 'gdelt'"
                              ).fetchall()[0][0] == 0
        monkeypatch.undo()
        gdelt.ingest(st, paths)  # the same file goes in afterwards, summarised
        assert st.con.execute("SELECT sum(events) FROM dyad_day_volume WHERE country IS NULL"
                              ).fetchall()[0][0] == 200
