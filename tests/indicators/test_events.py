"""Dyad indicators against an independent count over the raw fixture rows (plain Python)."""

from __future__ import annotations

import statistics
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlglot

from bilat.errors import BilatError
from bilat.indicators import events as ev
from bilat.sources import gdelt
from bilat.store import Store, open_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"
FILES = sorted(p for p in FIX.iterdir() if p.suffix in (".CSV", ".zip"))
# Field positions from the GDELT codebooks (the same in the 57, 58 and 61 layouts).
ID, SQLDATE, A1C, A1T, A2C, A2T, ROOT, CODE, QUAD, GOLD, MENT, TONE = (
    0, 1, 7, 12, 17, 22, 25, 26, 29, 30, 31, 34)
PAIRS = [("RUS", "CHN"), ("RUS", "BLR"), ("USA", "GBR")]
CONTACTS = {"036", "040", "041", "042", "043", "044", "045", "046"}


def raw_rows() -> list[list[str]]:
    rows = []
    for p in FILES:
        if p.suffix == ".zip":
            with zipfile.ZipFile(p) as zf:
                text = zf.read(zf.namelist()[0]).decode()
        else:
            text = p.read_text(encoding="utf-8")
        rows += [line.split("\t") for line in text.splitlines() if line]
    return rows


def month(sqldate: str) -> date:
    return date(int(sqldate[:4]), int(sqldate[4:6]), 1)


def expected(rows: list[list[str]], a: str, b: str, *, dedup: str = "none",
             gov_only: bool = False) -> dict[tuple[str, date], dict[str, float]]:
    """Per (direction, month): the indicators computed by hand from raw rows."""
    cells: dict[tuple[str, date], list[list[str]]] = defaultdict(list)
    seen: set[tuple[str, ...]] = set()
    for r in sorted(rows, key=lambda r: int(r[ID])):
        if gov_only and not (r[A1T] == "GOV" and r[A2T] == "GOV"):
            continue
        if dedup == "root" and r[ROOT] != "1":
            continue
        pair = (r[A1C], r[A2C])
        if pair not in ((a, b), (b, a)):
            continue
        if dedup == "daily":
            key = (r[SQLDATE], r[A1C], r[A2C], r[CODE])
            if key in seen:
                continue
            seen.add(key)
        d = f"{a}→{b}" if pair == (a, b) else f"{b}→{a}"
        cells[(d, month(r[SQLDATE]))].append(r)
        cells[(f"{a}–{b}", month(r[SQLDATE]))].append(r)
    out = {}
    for key, rs in cells.items():
        quads = [int(r[QUAD]) for r in rs]
        gold = [float(r[GOLD]) for r in rs]
        ment = [int(r[MENT]) for r in rs]
        vc, mc = quads.count(1), quads.count(2)
        out[key] = {
            "events": len(rs), "verbal_coop": vc, "material_coop": mc,
            "verbal_conflict": quads.count(3), "material_conflict": quads.count(4),
            "goldstein_mean": statistics.fmean(gold),
            "goldstein_weighted": sum(g * m for g, m in zip(gold, ment, strict=True)) / sum(ment),
            "net_cooperation": vc + mc - quads.count(3) - quads.count(4),
            "material_verbal_ratio": mc / vc if vc else None,
            "gov_contacts": sum(r[CODE] in CONTACTS and r[A1T] == "GOV" and r[A2T] == "GOV"
                                for r in rs),
            "avg_tone": statistics.fmean(float(r[TONE]) for r in rs),
        }
    return out


def volumes(rows: list[list[str]], country: str) -> dict[date, int]:
    out: dict[date, int] = defaultdict(int)
    for r in rows:
        if country in (r[A1C], r[A2C]):
            out[month(r[SQLDATE])] += 1
    return dict(out)


@pytest.fixture(scope="module")
def loaded() -> Iterator[Store]:
    st = open_store(":memory:")
    gdelt.ingest(st, FILES)
    yield st
    st.close()


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    return raw_rows()


def file_months() -> set[date]:
    """Months the fixture files cover, from their names (YYYYMM backfile, YYYYMMDD daily,
    YYYYMMDDHHMMSS 15-minute)."""
    out = set()
    for p in FILES:
        stem = p.name.split(".", 1)[0]
        out.add(date(int(stem[:4]), int(stem[4:6]), 1))
    return out


def with_events(df: pd.DataFrame) -> pd.DataFrame:
    """The rows in which the dyad has events (the others are the period rule's 0/NULL rows)."""
    return df[pd.to_numeric(df["events"], errors="coerce").fillna(0) > 0]


def _check(df, want: dict) -> None:  # type: ignore[no-untyped-def]
    """Rows with events equal ``want``; every other monthly row follows the one period rule:
    0 where a fixture file covers the month, NULL (coverage 0) where none does, whether or not
    other pairs' events are dated in it (QA12 10); the months of the files' span run without
    a gap, and outside it only months with a dated event are rows."""
    got = {(r.direction, r.period): r for r in with_events(df).itertuples()}
    assert set(got) == set(want)
    for key, values in want.items():
        row = got[key]
        for name, value in values.items():
            actual = getattr(row, name)
            if value is None:
                assert actual != actual or actual is None, (key, name)  # NaN / None
            else:
                assert actual == pytest.approx(value), (key, name, actual, value)
    if set(df["period"]) and all(p.day == 1 for p in df["period"]) and len(
            {p.month for p in df["period"]}) > 1:  # a monthly table
        dated = {month(r[SQLDATE]) for r in raw_rows()} | file_months()
        rest = df.drop(with_events(df).index)
        for r in rest.itertuples():
            if r.period in file_months():
                assert r.events == 0 and r.coverage_present > 0, (r.direction, r.period)
            else:
                assert pd.isna(r.events) and r.coverage == 0, (r.direction, r.period)
        # the files' span without a gap, plus months outside it holding a dated event
        files = sorted(file_months())
        span, d = set(), files[0]
        while d <= files[-1]:
            span.add(d)
            d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        for d in set(df["direction"]):
            ps = list(df.loc[df["direction"] == d, "period"])
            assert len(ps) == len(set(ps)) and set(ps) == span | dated, d


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_indicators_match_independent_count(loaded: Store, rows: list, a: str, b: str) -> None:
    df = ev.indicators(loaded, a, b, period="month")
    assert set(df["dyad"]) == {f"{a}–{b}"}
    _check(df, expected(rows, a, b))
    assert (df["events"] == df["events_before_dedup"]).all()
    # denominators: each side's whole event volume in the month
    va, vb = volumes(rows, a), volumes(rows, b)
    for r in with_events(df).itertuples():
        assert r.volume_a == va[r.period] and r.volume_b == vb[r.period]
        assert r.events_per_1k_a == pytest.approx(r.events * 1000 / va[r.period])
        assert r.material_coop_per_1k_b == pytest.approx(r.material_coop * 1000 / vb[r.period])


def test_several_dyads_side_by_side(loaded: Store, rows: list) -> None:
    df = ev.indicators(loaded, "RUS", "CHN", refs=[("RUS", "BLR"), ("USA", "GBR")])
    assert set(df["dyad"]) == {"RUS–CHN", "RUS–BLR", "USA–GBR"}
    for a, b in PAIRS:
        _check(df[df["dyad"] == f"{a}–{b}"], expected(rows, a, b))


@pytest.mark.parametrize("dedup", ["daily", "root"])
def test_dedup_matches_independent_count_and_reports_effect(
    loaded: Store, rows: list, dedup: str
) -> None:
    df = ev.indicators(loaded, "RUS", "CHN", dedup=dedup)
    _check(df, expected(rows, "RUS", "CHN", dedup=dedup))
    raw = expected(rows, "RUS", "CHN")
    for r in with_events(df).itertuples():
        assert r.events_before_dedup == raw[(r.direction, r.period)]["events"]
    assert (df["events"] < df["events_before_dedup"]).any()
    assert set(df["dedup"]) == {dedup}


def test_actor_type_filter(loaded: Store, rows: list) -> None:
    df = ev.indicators(loaded, "RUS", "CHN", actor_type="GOV")
    want = expected(rows, "RUS", "CHN", gov_only=True)
    assert want  # fixtures have GOV–GOV events
    _check(df, want)


@pytest.mark.parametrize("dedup", ["none", "daily", "root"])
def test_actor_type_with_dedup(loaded: Store, rows: list, dedup: str) -> None:
    df = ev.indicators(loaded, "RUS", "CHN", actor_type="GOV", dedup=dedup)
    _check(df, expected(rows, "RUS", "CHN", dedup=dedup, gov_only=True))


def test_directions_and_periods(loaded: Store, rows: list) -> None:
    full = ev.indicators(loaded, "USA", "GBR", period="month")
    only = ev.indicators(loaded, "USA", "GBR", direction="a2b")
    assert set(only["direction"]) == {"USA→GBR"}
    assert set(ev.indicators(loaded, "USA", "GBR", direction="undirected")["direction"]) == {
        "USA–GBR"}
    undirected = full[full["direction"] == "USA–GBR"]["events"].sum()
    directed = full[full["direction"] != "USA–GBR"]["events"].sum()
    assert undirected == directed
    for period in ("day", "week", "quarter", "year"):
        df = ev.indicators(loaded, "USA", "GBR", period=period)
        assert df["events"].sum() == full["events"].sum(), period
    yearly = ev.indicators(loaded, "USA", "GBR", period="year", direction="undirected")
    by_year: dict[int, int] = defaultdict(int)
    for r in rows:
        if {r[A1C], r[A2C]} == {"USA", "GBR"}:
            by_year[int(r[SQLDATE][:4])] += 1
    yearly = with_events(yearly)
    assert {p.year: n for p, n in zip(yearly["period"], yearly["events"], strict=True)} == dict(
        by_year)
    week = ev.indicators(loaded, "USA", "GBR", period="week")
    assert all(p.weekday() == 0 for p in week["period"])  # weeks start on Monday


def test_date_window_and_versions(loaded: Store, rows: list) -> None:
    df = ev.indicators(loaded, "RUS", "CHN", start="2014-01-01", end="2014-03",
                       direction="undirected")
    assert all(date(2014, 1, 1) <= p <= date(2014, 3, 1) for p in df["period"])
    n = sum(1 for r in rows if {r[A1C], r[A2C]} == {"RUS", "CHN"}
            and "20140101" <= r[SQLDATE] <= "20140331")
    assert df["events"].sum() == n
    v2 = ev.indicators(loaded, "RUS", "CHN", versions=[2], direction="undirected")
    n2 = sum(1 for r in rows if {r[A1C], r[A2C]} == {"RUS", "CHN"} and len(r) == 61)
    assert v2["events"].sum() == n2


def test_ids_are_the_events_behind_a_cell(loaded: Store, rows: list) -> None:
    df = ev.indicators(loaded, "RUS", "CHN", period="month", direction="a2b")
    cell = with_events(df).sort_values("events").iloc[-1]
    at = f"{cell['period']:%Y-%m}"
    listed = ev.ids(loaded, "RUS", "CHN", at=at, direction="a2b")
    assert len(listed) == cell["events"]
    want = {int(r[ID]) for r in rows if (r[A1C], r[A2C]) == ("RUS", "CHN")
            and r[SQLDATE][:6] == at.replace("-", "")}
    assert set(listed["GLOBALEVENTID"]) == want
    assert listed["source_file"].notna().all()
    quad = ev.ids(loaded, "RUS", "CHN", at=at, direction="a2b", quad=1)
    assert len(quad) == cell["verbal_coop"]
    contacts = ev.ids(loaded, "RUS", "CHN", at=at, direction="a2b", contacts=True)
    assert len(contacts) == cell["gov_contacts"]
    quarter = ev.ids(loaded, "RUS", "CHN", at="2022-Q1", period="quarter", direction="undirected")
    assert len(quarter) == sum(1 for r in rows if {r[A1C], r[A2C]} == {"RUS", "CHN"}
                               and "20220101" <= r[SQLDATE] <= "20220331")


def test_sql_compiles_for_three_dialects(loaded: Store) -> None:
    bq = ev.sql("RUS", "CHN", dialect="bigquery", refs=[("USA", "GBR")], dedup="daily")
    assert "`gdelt-bq`.`gdeltv2`.`events`" in bq
    for col in ("SQLDATE", "Actor1CountryCode", "Actor2CountryCode", "EventCode", "QuadClass",
                "GoldsteinScale", "NumMentions", "AvgTone", "Actor1Type1Code", "GLOBALEVENTID"):
        assert f"`{col}`" in bq
    assert "gdelt_version" not in bq and "source_file" not in bq
    sqlglot.parse_one(bq.rstrip(";\n"), read="bigquery")
    spark = ev.sql("RUS", "CHN", dialect="spark")
    sqlglot.parse_one(spark.rstrip(";\n"), read="spark")
    assert "gdelt_events" in spark
    # the DuckDB text runs on the store and gives the library's numbers
    duck = ev.sql("RUS", "CHN", dialect="duckdb")
    gdelt.events_table(loaded)
    via_sql = loaded.con.execute(duck.rstrip(";\n")).df()
    lib = with_events(ev.indicators(loaded, "RUS", "CHN"))
    assert via_sql["events"].tolist() == lib["events"].tolist()
    with pytest.raises(BilatError):
        ev.sql("RUS", "CHN", dialect="oracle")


@pytest.mark.parametrize("opts", [
    {}, {"dedup": "root"}, {"actor_type": "GOV"}, {"period": "week", "direction": "undirected"},
    {"refs": [("RUS", "BLR"), ("USA", "GBR")], "period": "quarter"},
    {"start": "2014-01-01", "end": "2022-06", "versions": [2], "direction": "b2a"},
    {"period": "day", "dedup": "root", "actor_type": "GOV", "refs": [("USA", "GBR")]},
])
def test_local_fast_path_equals_portable_expression(loaded: Store, opts: dict) -> None:
    """The store's fast path (volume summary, narrow scan) and the expression compiled for
    BigQuery/Spark give the same table."""
    q = ev.make_query("RUS", "CHN", **opts)
    assert ev.local_path_applies(q) and gdelt.volume_summary(loaded)
    fast_sql, portable_sql = ev.compiled_sql(q, "duckdb", True), ev.compiled_sql(q, "duckdb")
    assert "gdelt_volume" in fast_sql and "gdelt_volume" not in portable_sql
    fast, portable = ev._run(loaded, fast_sql), ev._run(loaded, portable_sql)
    assert len(fast) > 0 and fast["volume_a"].notna().all()
    pd.testing.assert_frame_equal(fast, portable)
    assert not ev.local_path_applies(ev.make_query("RUS", "CHN", dedup="daily"))


def test_events_in_window_for_lineage(loaded: Store, rows: list) -> None:
    df = ev.events_in_window(loaded, ("RUS", "CHN"), "2022-01-01", "2022-12-31")
    want = {int(r[ID]) for r in rows if {r[A1C], r[A2C]} == {"RUS", "CHN"}
            and r[SQLDATE].startswith("2022")}
    assert set(df["GLOBALEVENTID"]) == want and set(df["relation"]) == {"A-B"}
    assert df["date"].is_monotonic_increasing
    other = ev.events_in_window(loaded, ("RUS", "CHN"), "2022-01-01", "2022-12-31", other="UKR")
    assert set(other["relation"]) <= {"A-other", "B-other", "A-B in other"}
    assert len(other) > 0
    # FIPS geography: CH is China (not Switzerland), RS is Russia (not Serbia)
    geo = dict(zip(df["ActionGeo_CountryCode"], df["action_iso3"], strict=True))
    assert geo.get("CH") == "CHN" and geo.get("RS") == "RUS"
    assert {"SOURCEURL", "source_file", "event_description", "actor1_iso3"} <= set(df.columns)


def test_chart_html(loaded: Store, tmp_path: Path) -> None:
    df = ev.indicators(loaded, "RUS", "CHN", refs=[("USA", "GBR")])
    out = tmp_path / "c.html"
    ev.chart(df, "net_cooperation", out)
    text = out.read_text(encoding="utf-8")
    assert "vega" in text.lower() and "net_cooperation" in text


def test_bad_options(loaded: Store) -> None:
    with pytest.raises(BilatError) as exc:
        ev.indicators(loaded, "RUS", "CHN", indicator="nonsense")
    assert exc.value.code == "E112"
    with pytest.raises(BilatError) as exc:
        ev.indicators(loaded, "RUS", "CHN", period="fortnight")
    assert exc.value.code == "E012"
    with pytest.raises(BilatError) as exc:
        ev.indicators(loaded, "RUS", "XXQ")
    assert exc.value.code == "E008"
    with pytest.raises(BilatError) as exc:
        ev.ids(loaded, "RUS", "CHN", at="October", period="month")
    assert exc.value.code == "E113"


def test_empty_store_says_how_to_load(store: Store) -> None:
    with pytest.raises(BilatError) as exc:
        ev.indicators(store, "RUS", "CHN")
    assert exc.value.code == "E009" and "bilat fetch gdelt" in exc.value.one_line()


def test_real_files_through_the_mirror(store: Store, shared_data: Path) -> None:
    """Real GDELT 2.0 rows: USA–GBR counts equal a count over the raw file."""
    gdelt.fetch_gdelt("2019-10-24", "2019-10-24", 2, mirror=shared_data, store=store,
                      allow_missing=True)
    df = ev.indicators(store, "USA", "GBR", period="year", direction="undirected")
    raw = [line.split("\t") for line in (shared_data / "gdelt" / "20191024143000.export.CSV")
           .read_text(encoding="utf-8").splitlines()]
    n = sum(1 for r in raw if {r[A1C], r[A2C]} == {"USA", "GBR"})
    assert df["events"].sum() == n > 0


def test_dedup_effect_side_by_side(loaded: Store, rows: list) -> None:
    eff = ev.dedup_effect(loaded, "RUS", "CHN", direction="undirected")
    row = eff.iloc[0]
    pairs = [r for r in rows if {r[A1C], r[A2C]} == {"RUS", "CHN"}]
    assert row["none"] == len(pairs)
    assert row["root"] == sum(r[ROOT] == "1" for r in pairs)
    assert row["daily"] == len({(r[SQLDATE], r[A1C], r[A2C], r[CODE]) for r in pairs})


def test_compiled_sql_is_kept_in_the_store(loaded: Store) -> None:
    q = ev.make_query("RUS", "BLR", period="quarter")
    # the portable Ibis path (the dyad-day layer answers `indicators` without SQL compiling)
    first = ev.gdelt_indicators(loaded, "RUS", "BLR", period="quarter")
    cached = loaded.con.execute("SELECT sql FROM gdelt_sql_cache").fetchall()
    assert (ev.compiled_sql(q, "duckdb", ev._local(loaded, q)),) in cached
    again = ev.gdelt_indicators(loaded, "RUS", "BLR", period="quarter")
    pd.testing.assert_frame_equal(again, first)  # floats to the default relative tolerance


def test_real_rows_fips_geography_and_provenance(store: Store, shared_data: Path) -> None:
    """Real RUS–BLR rows of 24 Oct 2019: FIPS RS maps to Russia (not Serbia), provenance kept."""
    gdelt.fetch_gdelt("2019-10-24", "2019-10-24", 2, mirror=shared_data, store=store,
                      allow_missing=True)
    df = ev.events_in_window(store, ("RUS", "BLR"), "2018-01-01", "2019-12-31")
    raw = [line.split("\t") for line in (shared_data / "gdelt" / "20191024143000.export.CSV")
           .read_text(encoding="utf-8").splitlines()]
    want = {int(r[ID]) for r in raw if {r[A1C], r[A2C]} == {"RUS", "BLR"}}
    assert set(df["GLOBALEVENTID"]) == want and len(want) > 0
    rs = df[df["ActionGeo_CountryCode"] == "RS"]
    assert len(rs) > 0 and set(rs["action_iso3"]) == {"RUS"}
    assert df["SOURCEURL"].str.startswith("http").all()
    assert set(df["source_file"]) == {"20191024143000.export.CSV"}
    assert set(df["gdelt_version"]) == {2}


def test_reversed_dates_and_same_state_are_errors(loaded: Store) -> None:
    """--start after --end gave an empty table; USA USA counted domestic events as a dyad."""
    with pytest.raises(BilatError) as exc:
        ev.indicators(loaded, "RUS", "CHN", start="2019", end="2018")
    assert exc.value.code == "E115"
    for a, b, refs in (("USA", "usa", []), ("RUS", "CHN", [("BLR", "Belarus")])):
        with pytest.raises(BilatError) as exc:
            ev.indicators(loaded, a, b, refs=refs)
        assert exc.value.code == "E116"
    with pytest.raises(BilatError) as exc:  # GDELT 3 does not exist: it gave an empty table
        ev.indicators(loaded, "RUS", "CHN", versions=[3])
    assert exc.value.code == "E012"
    same_month = ev.indicators(loaded, "RUS", "CHN", start="2022-02", end="2022-02")
    assert set(same_month["period"].astype(str).str[:7]) == {"2022-02"}
