"""GDELT ingest's one-pass path: the domain checks inside the parse COPY still name every
row they set aside with its real line; a clean file is never read twice; the dyad-day and
volume sums written at ingest equal an independent pandas count of the raw files."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.errors import BilatError
from bilat.sources import gdelt
from bilat.store import Store, open_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"
V2 = FIX / "20220204120000.export.CSV"


def _rows(n: int) -> list[list[str]]:
    text = V2.read_text(encoding="utf-8")
    return [ln.split("\t") for ln in text.split("\n") if ln][:n]


def _ids(store: Store) -> list[int]:
    if not store.has_table("gdelt_events"):
        return []
    return sorted(r[0] for r in store.con.execute(
        "SELECT GLOBALEVENTID FROM gdelt_events").fetchall())


# column index -> (value written, why it is out of the field's domain)
_BAD = {
    3: (29, "5"),                  # QuadClass 1-4
    5: (30, "10.5"),               # Goldstein -10..10
    6: (34, "nan"),                # AvgTone
    8: (40, "95"),                 # Actor1Geo_Lat
    9: (1, "20210229"),            # SQLDATE: not a real date (2021 is not a leap year)
    11: (59, "20220204240000"),    # DATEADDED: hour 24
    12: (59, "20220204120060"),    # DATEADDED: second 60
    14: (1, "20220206"),           # SQLDATE two days after DATEADDED (20220204)
    15: (31, "201.5"),             # NumMentions not a whole number
    16: (0, "0x10"),               # GLOBALEVENTID in hex
    18: (33, ""),                  # NumArticles missing
}


@pytest.mark.parametrize("sep", ["\n", "\r\n"])
def test_checks_in_the_copy_pass_set_rows_aside_with_their_lines(tmp_path: Path,
                                                                 sep: str) -> None:
    rows = _rows(20)
    for i, (col, value) in _BAD.items():
        rows[i][col] = value
    # a blank line after row 10 moves every later row one line down
    lines = ["\t".join(r) for r in rows]
    lines.insert(10, "")
    f = tmp_path / "20220204123000.export.CSV"
    f.write_bytes((sep.join(lines) + sep).encode())
    want_lines = sorted(i + 1 + (i >= 10) for i in _BAD)  # 1-based, after the blank line
    store = open_store(":memory:")
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [f])
    assert f":{want_lines[0]}:" in exc.value.one_line() and _ids(store) == []
    report = gdelt.ingest(store, [f], on_bad_rows="quarantine")
    q = gdelt.quarantine(store)
    assert q["line"].tolist() == want_lines
    assert report.skipped == len(_BAD) and report.rows == 20 - len(_BAD)
    assert _ids(store) == sorted(int(r[0]) for i, r in enumerate(rows) if i not in _BAD)
    # every raw line kept is the line written at that number
    for line, raw in zip(q["line"], q["raw_line"], strict=True):
        assert raw == lines[line - 1]
    logged = store.con.execute("SELECT rows, skipped FROM ingest_log WHERE kind = 'gdelt'"
                               ).fetchall()
    assert logged == [(20 - len(_BAD), len(_BAD))]
    store.close()


def test_date_limits_day_after_month_and_year_end(tmp_path: Path) -> None:
    """SQLDATE may be the day after DATEADDED (a 2.0 file stamps UTC), across month and year
    ends; two days after is set aside."""
    rows = _rows(4)
    cases = [("20220201", "20220131233000", True), ("20220202", "20220131233000", False),
             ("20220101", "20211231230000", True), ("20240301", "20240229120000", True),
             ]
    for r, (sql, added, _ok) in zip(rows, cases, strict=True):
        r[1], r[59] = sql, added
    f = tmp_path / "20220204124500.export.CSV"
    f.write_bytes(("\n".join("\t".join(r) for r in rows) + "\n").encode())
    store = open_store(":memory:")
    gdelt.ingest(store, [f], on_bad_rows="quarantine")
    assert gdelt.quarantine(store)["line"].tolist() == [
        i + 1 for i, c in enumerate(cases) if not c[2]]
    store.close()


def test_clean_file_is_not_read_a_second_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Written + reported rows add up to the file's lines: no line-by-line second look."""
    def never(*_a: object, **_k: object) -> None:
        raise AssertionError("a clean file was read again")

    monkeypatch.setattr(gdelt, "_row_problem", never)
    store = open_store(":memory:")
    report = gdelt.ingest(store, [V2])
    assert report.rows == len(_rows(10_000)) and report.skipped == 0
    store.close()


@pytest.fixture(scope="module")
def real_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    files = sorted((shared_data / "gdelt").glob("*.export.CSV"))
    store = open_store(tmp_path_factory.mktemp("agg") / "s.duckdb")
    gdelt.ingest(store, files)
    raw = pd.concat([pd.read_csv(f, sep="\t", header=None, names=gdelt.FIELDS_V2, dtype=str,
                                 quoting=3, keep_default_na=False, na_values=[""])
                     .assign(source_file=f.name) for f in files], ignore_index=True)
    yield store, raw
    store.close()


def test_dyad_day_sums_equal_a_pandas_count_of_the_raw_files(real_store) -> None:  # noqa: ANN001
    store, raw = real_store
    both = raw.dropna(subset=["Actor1CountryCode", "Actor2CountryCode"]).copy()
    both["g"] = both["GoldsteinScale"].astype(float)
    both["m"] = both["NumMentions"].astype(int)
    both["gm"] = both["g"] * both["m"]
    want = (both.groupby(["SQLDATE", "Actor1CountryCode", "Actor2CountryCode", "QuadClass"])
            .agg(events=("g", "size"), gsum=("g", "sum"), mentions=("m", "sum"),
                 gm=("gm", "sum")).reset_index())
    want["SQLDATE"] = want["SQLDATE"].astype(int)
    want["QuadClass"] = want["QuadClass"].astype(int)
    for table in ("dyad_day", "dyad_day_totals"):
        got = store.con.execute(f"""SELECT sqldate, actor1_code, actor2_code, quad_class,
            sum(events), sum(goldstein_sum), sum(mentions), sum(goldstein_mentions_sum)
            FROM {table} WHERE source = 'gdelt' GROUP BY ALL ORDER BY ALL""").df()
        got.columns = list(want.columns)
        m = want.sort_values(list(want.columns[:4])).reset_index(drop=True)
        assert len(got) == len(m) > 100
        assert got.iloc[:, :4].astype(str).values.tolist() == \
            m.iloc[:, :4].astype(str).values.tolist()
        assert got["events"].tolist() == m["events"].tolist()
        assert got["mentions"].tolist() == m["mentions"].tolist()
        assert got["gsum"].to_numpy() == pytest.approx(m["gsum"].to_numpy())
        assert got["gm"].to_numpy() == pytest.approx(m["gm"].to_numpy())


def test_volumes_and_file_counts_equal_a_pandas_count_of_the_raw_files(
        real_store) -> None:  # noqa: ANN001
    store, raw = real_store
    a1 = raw[["SQLDATE", "IsRootEvent", "Actor1CountryCode"]].dropna().set_axis(
        ["SQLDATE", "IsRootEvent", "country"], axis=1)
    other = raw["Actor2CountryCode"].notna() & (raw["Actor2CountryCode"]
                                                != raw["Actor1CountryCode"])
    a2 = raw.loc[other, ["SQLDATE", "IsRootEvent", "Actor2CountryCode"]].set_axis(
        ["SQLDATE", "IsRootEvent", "country"], axis=1)
    want = (pd.concat([a1, a2]).groupby(["SQLDATE", "IsRootEvent", "country"]).size()
            .reset_index(name="events"))
    want = sorted((int(d), int(r), c, int(n)) for d, r, c, n in want.itertuples(index=False))
    got_v = store.con.execute("SELECT SQLDATE, IsRootEvent, country, sum(events) FROM "
                              "gdelt_volume GROUP BY ALL ORDER BY ALL").fetchall()
    got_d = store.con.execute("SELECT sqldate, is_root, country, sum(events) FROM "
                              "dyad_day_volume WHERE source = 'gdelt' AND country IS NOT NULL "
                              "GROUP BY ALL ORDER BY ALL").fetchall()
    assert [tuple(r) for r in got_v] == want and [tuple(r) for r in got_d] == want
    per_day = raw.groupby("SQLDATE").size()
    got_days = dict(store.con.execute(
        "SELECT sqldate, sum(events) FROM dyad_day_volume WHERE source = 'gdelt' "
        "AND country IS NULL GROUP BY ALL").fetchall())
    assert got_days == {int(d): int(n) for d, n in per_day.items()}
    logged = dict(store.con.execute(
        "SELECT key, rows FROM ingest_log WHERE kind = 'gdelt'").fetchall())
    assert logged == raw.groupby("source_file").size().to_dict()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=18_991_201, max_value=100_000_000), min_size=1,
                max_size=40),
       st.lists(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 30)),
                min_size=1, max_size=20))
def test_date_arithmetic_in_sql_matches_python(values: list[int], days: list[date]) -> None:
    """The integer date rules of the COPY pass agree with Python's calendar."""
    con = duckdb.connect()
    xs = values + [int(f"{d:%Y%m%d}") for d in days] + [19000229, 20000229, 21000229,
                                                      20240229, 20230229, 20231231, 20230431]
    got = con.execute(
        f"SELECT x, {gdelt._ymd_ok_sql('x')}, CASE WHEN {gdelt._ymd_ok_sql('x')} THEN "
        f"{gdelt._next_day_sql('x')} END FROM unnest(?::BIGINT[]) t(x)", [xs]).fetchall()
    for x, ok, nxt in got:
        d = gdelt._ymd(x)
        assert ok == (d is not None), x
        if d is not None and d < date(9999, 12, 31):
            assert nxt == int(f"{d + timedelta(days=1):%Y%m%d}"), x
    con.close()


def test_copy_found_by_the_background_hash_is_not_stored_twice(tmp_path: Path) -> None:
    """Hashes of new files are computed while DuckDB parses: a renamed copy in the same call
    (or the same file listed twice) is still stored once, and a copy holding a bad row does
    not fail an ingest whose original is already stored."""
    store = open_store(":memory:")
    renamed = tmp_path / "events.csv"
    renamed.write_bytes(V2.read_bytes())
    report = gdelt.ingest(store, [V2, renamed, V2])
    by_file = {(f.file, f.status): f for f in report.files}
    assert sorted(by_file) == [("20220204120000.export.CSV", "already"),
                               ("20220204120000.export.CSV", "ingested"),
                               ("events.csv", "already")]
    assert V2.name in by_file[("events.csv", "already")].reason
    n = len(_rows(10_000))
    assert _ids(store) == sorted(int(r[0]) for r in _rows(n))
    logged = store.con.execute("SELECT key, rows FROM ingest_log").fetchall()
    assert logged == [(V2.name, n)]
    # a stored file with a bad row (skip), then a renamed copy of it in fail mode
    rows = _rows(6)
    rows[2][29] = "9"
    bad = tmp_path / "20220204130000.export.CSV"
    shifted = [[str(int(r[0]) + 10**9), *r[1:]] for r in rows]  # new events
    bad.write_bytes(("\n".join("\t".join(r) for r in shifted) + "\n").encode())
    assert gdelt.ingest(store, [bad], on_bad_rows="skip").rows == 5
    copy = tmp_path / "copy-of-bad.csv"
    copy.write_bytes(bad.read_bytes())
    before = _ids(store)
    report = gdelt.ingest(store, [copy])  # fail mode: the bad row is not reached
    assert [f.status for f in report.files] == ["already"]
    assert bad.name in report.files[0].reason and _ids(store) == before
    store.close()


# (column, value out of the field's domain) — each must be found by the writer's statistics
# or the distinct-dates test of the fast path, and give what the row-by-row filter gives
_OUT_OF_DOMAIN = [
    ("GLOBALEVENTID", "0"), ("GLOBALEVENTID", "0x10"), ("SQLDATE", "20210229"),
    ("SQLDATE", ""), ("MonthYear", "1000000"), ("Year", "+2022"), ("IsRootEvent", ""),
    ("QuadClass", "5"), ("QuadClass", "10"), ("IsRootEvent", "\u0661"),
    ("GoldsteinScale", "nan"), ("GoldsteinScale", "-inf"),
    ("NumMentions", "201.5"), ("NumArticles", "2147483648"), ("AvgTone", "100.5"),
    ("Actor1Geo_Type", "07"), ("Actor2Geo_Lat", "nan"), ("ActionGeo_Long", "-181"),
    ("DATEADDED", "20220204120060"), ("DATEADDED", ""), ("DATEADDED", "20990101000000"),
    ("DATEADDED", "202202041200e2"),
    ("SQLDATE", "20220207"),  # three days after DATEADDED
]


def _parse_both(monkeypatch: pytest.MonkeyPatch, files: list[Path], folder: Path
                ) -> tuple[dict[bool, tuple[list, list, dict]], list[bool]]:
    """Parse ``files`` (quarantine) with the domain told from the writer's statistics and
    with the row-by-row filter (:func:`gdelt._parse`, no store needed): the rows each kept,
    the bad rows (file, line, reason, raw) and rows written per file, and what the
    statistics test answered."""
    verdicts: list[bool] = []
    real = gdelt._domain_clean

    def spy(*a: object, **k: object) -> bool:
        verdicts.append(real(*a, **k))
        return verdicts[-1]

    monkeypatch.setattr(gdelt, "_domain_clean", spy)
    cols = ", ".join(f'"{c}"' for c in gdelt.STORE_COLUMNS)
    batch = []
    for f in files:
        layout, first = gdelt._sniff(f, f, "quarantine")
        batch.append(gdelt._Prepared(f, f, f.name, "", layout, first, [],
                                     gdelt._digest(f)[2]))
    out = {}
    con = duckdb.connect()
    for fast in (True, False):
        monkeypatch.setattr(gdelt, "DOMAIN_FROM_STATS", fast)
        parts, bad, written = gdelt._parse(con, batch, "quarantine", folder)
        kept = con.execute(f"SELECT {cols} FROM read_parquet({gdelt._files(parts)}) "
                           "ORDER BY ALL").fetchall() if parts else []
        for part in parts:
            gdelt._rm(part)
        out[fast] = (kept, [b[:4] for b in bad], written)
    con.close()
    return out, verdicts


@pytest.mark.parametrize(("column", "value"), _OUT_OF_DOMAIN)
def test_statistics_path_sets_aside_what_the_row_filter_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str, value: str) -> None:
    rows = _rows(12)
    rows[5][gdelt.FIELDS_V2.index(column)] = value
    f = tmp_path / "20220204123000.export.CSV"
    f.write_bytes(("\n".join("\t".join(r) for r in rows) + "\n").encode())
    out, verdicts = _parse_both(monkeypatch, [f], tmp_path)
    assert out[True] == out[False]
    kept, bad, _written = out[True]
    assert [b[1] for b in bad] == [6] and len(kept) == 11
    assert verdicts == [False]  # found by the statistics / distinct dates, not by chance


def test_statistics_path_clean_batch_is_written_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clean batch (two files, one of them also holding reader rejects) is accepted by the
    statistics test and stored exactly as the row filter stores it."""
    rows = _rows(30)
    bad = [r[:] for r in rows[20:]]
    bad[3] = bad[3][:40]  # too few fields: rejected by the reader, not a domain question
    a = tmp_path / "20220204123000.export.CSV"
    b = tmp_path / "20220204124500.export.CSV"
    a.write_bytes(("\n".join("\t".join(r) for r in rows[:20]) + "\n").encode())
    b.write_bytes(("\n".join("\t".join(r) for r in bad) + "\n").encode())
    out, verdicts = _parse_both(monkeypatch, [a, b], tmp_path)
    assert out[True] == out[False]
    assert verdicts == [True] and len(out[True][0]) == 29 and len(out[True][1]) == 1
    # and through the whole ingest: stored as the row filter stores it
    stored = {}
    for fast in (True, False):
        monkeypatch.setattr(gdelt, "DOMAIN_FROM_STATS", fast)
        store = open_store(":memory:")
        report = gdelt.ingest(store, [a, b], on_bad_rows="quarantine")
        stored[fast] = (_ids(store), gdelt.quarantine(store)["line"].tolist(),
                        report.to_frame().values.tolist())
        store.close()
    assert stored[True] == stored[False] and len(stored[True][0]) == 29


def test_duckdb_without_return_stats_filters_every_row(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A DuckDB whose COPY does not know RETURN_STATS (older releases) gets the row-by-row
    filter: the same rows kept and set aside."""
    rows = _rows(12)
    rows[5][gdelt.FIELDS_V2.index("QuadClass")] = "5"
    f = tmp_path / "20220204123000.export.CSV"
    f.write_bytes(("\n".join("\t".join(r) for r in rows) + "\n").encode())
    store = open_store(":memory:")
    want = gdelt.ingest(store, [f], on_bad_rows="quarantine").to_frame()
    want_ids = _ids(store)
    store.close()
    monkeypatch.setattr(gdelt, "_PARQUET_STATS",
                        gdelt.PARQUET_OPTIONS[:-1] + ", RETURN_STATS_UNKNOWN true)")
    store = open_store(":memory:")
    got = gdelt.ingest(store, [f], on_bad_rows="quarantine").to_frame()
    assert got.equals(want) and _ids(store) == want_ids and len(want_ids) == 11
    assert gdelt.quarantine(store)["line"].tolist() == [6]
    store.close()
