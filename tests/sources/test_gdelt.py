"""GDELT formats, ingest (atomic, idempotent, bad input) and fetch (local HTTP server, mirror)."""

from __future__ import annotations

import hashlib
import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.sources import gdelt
from bilat.store import Store, open_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"
FIXTURES = sorted(p for p in FIX.iterdir() if p.suffix in (".CSV", ".zip"))


def _lines(path: Path) -> list[str]:
    """Raw lines of a fixture, unzipping by hand (independent of bilat's reader)."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            text = zf.read(zf.namelist()[0]).decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line]


def _count(store: Store) -> int:
    if not store.has_table("gdelt_events"):
        return 0
    return store.con.execute("SELECT count(*) FROM gdelt_events").fetchall()[0][0]


# ----------------------------------------------------------------------------- formats
def test_field_lists_follow_the_codebooks() -> None:
    assert len(gdelt.FIELDS_V1_BACKFILE) == 57
    assert len(gdelt.FIELDS_V1_DAILY) == 58
    assert len(gdelt.FIELDS_V2) == 61
    v2 = gdelt.FIELDS_V2
    assert v2[0] == "GLOBALEVENTID" and v2[1] == "SQLDATE" and v2[7] == "Actor1CountryCode"
    assert v2[26:31] == ["EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
                         "GoldsteinScale"]
    assert v2[35:43] == ["Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode",
                         "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code", "Actor1Geo_Lat",
                         "Actor1Geo_Long", "Actor1Geo_FeatureID"]
    assert v2[-2:] == ["DATEADDED", "SOURCEURL"]
    assert gdelt.FIELDS_V1_DAILY[-2:] == ["DATEADDED", "SOURCEURL"]
    assert "Actor1Geo_ADM2Code" not in gdelt.FIELDS_V1_DAILY
    assert gdelt.FIELDS_V1_DAILY[:-1] == gdelt.FIELDS_V1_BACKFILE


@pytest.mark.parametrize(("name", "fields", "version"), [
    ("201203.zip", 57, 1), ("20140301.export.CSV", 58, 1),
    ("20220204120000.export.CSV", 61, 2), ("20220204121500.export.CSV.zip", 61, 2),
])
def test_fixtures_have_upstream_layout_and_version_is_detected(
    name: str, fields: int, version: int
) -> None:
    assert {line.count("\t") + 1 for line in _lines(FIX / name)} == {fields}
    layout = gdelt.detect_version(FIX / name)
    assert (layout.n_fields, layout.version) == (fields, version)


def test_read_gdelt_keeps_codes_as_strings(shared_data: Path) -> None:
    df = gdelt.read_gdelt(shared_data / "gdelt" / "20191024143000.export.CSV")
    assert len(df) == 2111
    assert list(df.columns) == gdelt.STORE_COLUMNS
    assert df["EventCode"].str.len().min() >= 3  # leading zeros kept: "040", not 40
    assert (df["gdelt_version"] == 2).all()
    assert df["GLOBALEVENTID"].is_unique


# ----------------------------------------------------------------------------- ingest
def test_ingest_fixtures_rows_versions_and_provenance(store: Store) -> None:
    report = gdelt.ingest(store, FIXTURES)
    expected = {p.name.removesuffix(".zip") if not p.name[:6].isdigit() or "export" in p.name
                else p.name.replace(".zip", ".csv"): len(_lines(p)) for p in FIXTURES}
    got = {f.file: f.rows for f in report.files}
    assert got == expected
    rows = store.con.execute(
        "SELECT source_file, gdelt_version, count(*), count(SOURCEURL), "
        "count(Actor1Geo_ADM2Code) FROM gdelt_events GROUP BY ALL").fetchall()
    by_file = {r[0]: r[1:] for r in rows}
    assert by_file["201203.csv"] == (1, 68, 0, 0)  # backfile: no SOURCEURL
    assert by_file["20140301.export.CSV"] == (1, 68, 68, 0)
    assert by_file["20220204121500.export.CSV"] == (2, 68, 68, 64)  # 4 rows have no Actor1
    assert store.con.execute(
        "SELECT count(DISTINCT GLOBALEVENTID) FROM gdelt_events").fetchall()[0][0] == sum(
        expected.values())


def _volumes(store: Store) -> dict[tuple[int, str], int]:
    rows = store.con.execute(
        "SELECT SQLDATE, country, sum(events) FROM gdelt_volume GROUP BY ALL").fetchall()
    return {(int(d), c): int(n) for d, c, n in rows}


def test_volume_summary_counts_each_event_once_per_country(store: Store) -> None:
    gdelt.ingest(store, FIXTURES)
    want: dict[tuple[int, str], int] = {}
    for p in FIXTURES:
        for line in _lines(p):
            f = line.split("\t")
            for code in {f[7], f[17]} - {""}:  # Actor1/Actor2CountryCode, once per event
                want[(int(f[1]), code)] = want.get((int(f[1]), code), 0) + 1
    assert _volumes(store) == want
    parts = {r[0] for r in store.con.execute("SELECT part FROM gdelt_parts").fetchall()}
    summarised = {r[0] for r in store.con.execute(
        "SELECT part FROM gdelt_volume_parts").fetchall()}
    assert summarised == parts and gdelt.volume_summary(store)


def test_volume_summary_is_built_for_stores_without_it(store: Store) -> None:
    gdelt.ingest(store, FIXTURES)
    want = _volumes(store)
    store.con.execute("DROP TABLE gdelt_volume")  # a store written before the summary existed
    store.con.execute("DROP TABLE gdelt_volume_parts")
    assert gdelt.volume_summary(store)
    assert _volumes(store) == want
    assert gdelt.volume_summary(store) and _volumes(store) == want  # nothing added twice


def test_reingest_adds_nothing_even_zipped(store: Store, tmp_path: Path) -> None:
    gdelt.ingest(store, FIXTURES)
    before = _count(store)
    zipped = tmp_path / "20220204120000.export.CSV.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.write(FIX / "20220204120000.export.CSV", "20220204120000.export.CSV")
    report = gdelt.ingest(store, [*FIXTURES, zipped])
    assert {f.status for f in report.files} == {"already"}
    assert _count(store) == before
    assert len(store.ingest_log("gdelt")) == len(FIXTURES)



def test_same_rows_under_another_name_are_not_stored_twice(store: Store, tmp_path: Path) -> None:
    """A renamed copy (events.csv, or a zip holding a renamed member) of a stored export was
    stored again, so every event was counted twice in the indicators."""
    gdelt.ingest(store, [FIX / "20220204120000.export.CSV"])
    before = _count(store)
    renamed = tmp_path / "events.csv"
    renamed.write_bytes((FIX / "20220204120000.export.CSV").read_bytes())
    zipped = tmp_path / "copy.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.write(renamed, "copy.export.CSV")
    report = gdelt.ingest(store, [renamed, zipped])
    assert [f.status for f in report.files] == ["already", "already"]
    assert "20220204120000.export.CSV" in report.files[0].reason
    assert _count(store) == before

def test_mixed_gdelt1_sample_reads_both_layouts(store: Store, shared_data: Path) -> None:
    report = gdelt.ingest(store, [shared_data / "gdelt" / "reed9999-gdelt-demo" / "events.csv"])
    assert report.rows == 710 and report.skipped == 0
    n, urls, v1 = store.con.execute(
        "SELECT count(*), count(SOURCEURL), count_if(gdelt_version = 1) FROM gdelt_events"
    ).fetchall()[0]
    assert (n, urls, v1) == (710, 509, 710)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _v2_lines() -> list[str]:
    return _lines(FIX / "20220204120000.export.CSV")


def test_wrong_field_count_names_file_line_and_other_version(store: Store, tmp_path: Path) -> None:
    lines = _v2_lines()
    v1_row = _lines(FIX / "20140301.export.CSV")[0]
    bad = _write(tmp_path / "20220204130000.export.CSV", lines[:5] + [v1_row] + lines[5:10])
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [bad])
    msg = exc.value.one_line()
    assert exc.value.code == "E101"
    assert "20220204130000.export.CSV:6:" in msg
    assert "58 fields" in msg and "GDELT 1.0 daily" in msg and "GDELT 2.0" in msg
    assert "\n" not in msg
    assert _count(store) == 0


def test_unknown_field_count_on_first_line(store: Store, tmp_path: Path) -> None:
    bad = _write(tmp_path / "x.export.CSV", ["1\t2\t3"] * 3)
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [bad])
    assert exc.value.code == "E106" and "3 fields" in exc.value.one_line()
    assert ":1:" in exc.value.one_line()


def test_bad_date_is_reported_with_its_line(store: Store, tmp_path: Path) -> None:
    lines = _v2_lines()
    fields = lines[7].split("\t")
    fields[1] = "20221345"
    lines[7] = "\t".join(fields)
    bad = _write(tmp_path / "20220204140000.export.CSV", lines)
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [bad])
    assert exc.value.code == "E102"
    assert "20220204140000.export.CSV:8:" in exc.value.one_line()
    assert "20221345" in exc.value.one_line() and "SQLDATE" in exc.value.one_line()


def test_non_numeric_date_is_reported(store: Store, tmp_path: Path) -> None:
    lines = _v2_lines()
    fields = lines[2].split("\t")
    fields[59] = "yesterday"
    lines[2] = "\t".join(fields)
    bad = _write(tmp_path / "20220204141500.export.CSV", lines)
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [bad])
    assert exc.value.code == "E102" and ":3:" in exc.value.one_line()
    assert "DATEADDED" in exc.value.one_line()


def test_non_utf8_bytes(store: Store, tmp_path: Path) -> None:
    lines = _v2_lines()
    data = ("\n".join(lines[:3]) + "\n").encode() + lines[3].replace(
        "RUSSIA", "RUSS\udcffIA").encode("utf-8", "surrogateescape") + b"\n"
    bad = tmp_path / "20220204143000.export.CSV"
    bad.write_bytes(data)
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [bad])
    assert exc.value.code == "E103" and ":4:" in exc.value.one_line()


def test_truncated_zip(store: Store, tmp_path: Path) -> None:
    data = (FIX / "20220204121500.export.CSV.zip").read_bytes()
    bad = tmp_path / "20220204121500.export.CSV.zip"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [bad])
    assert exc.value.code == "E104" and bad.name in exc.value.one_line()


def test_empty_file(store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "20220204150000.export.CSV"
    empty.write_bytes(b"")
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [empty])
    assert exc.value.code == "E105" and empty.name in exc.value.one_line()
    report = gdelt.ingest(store, [empty], on_bad_rows="skip")
    assert report.files[0].status == "empty"


def _bad_mix(tmp_path: Path) -> Path:
    lines = _v2_lines()
    v1_row = _lines(FIX / "20140301.export.CSV")[0]
    fields = lines[9].split("\t")
    fields[1] = "20220231"
    lines[9] = "\t".join(fields)
    return _write(tmp_path / "20220204160000.export.CSV", lines[:4] + [v1_row] + lines[4:])


def test_skip_counts_rows_set_aside(store: Store, tmp_path: Path) -> None:
    bad = _bad_mix(tmp_path)
    report = gdelt.ingest(store, [bad], on_bad_rows="skip")
    assert report.skipped == 2
    assert report.rows == len(_v2_lines()) - 1
    assert _count(store) == report.rows
    assert store.ingest_log("gdelt")["skipped"].tolist() == [2]


def test_quarantine_keeps_rows_with_file_line_reason(store: Store, tmp_path: Path) -> None:
    bad = _bad_mix(tmp_path)
    report = gdelt.ingest(store, [bad], on_bad_rows="quarantine")
    assert report.skipped == 2
    q = gdelt.quarantine(store)
    assert q["line"].tolist() == [5, 11]
    assert set(q["source_file"]) == {bad.name}
    assert "58 fields" in q["reason"][0] and "20220231" in q["reason"][1]
    assert q["raw_line"][1].split("\t")[1] == "20220231"


def test_failed_ingest_keeps_what_was_stored(file_store: Store, tmp_path: Path) -> None:
    gdelt.ingest(file_store, [FIX / "20220204120000.export.CSV"])
    before = (_count(file_store), len(file_store.ingest_log()),
              sorted(p.name for p in (file_store.data_dir / "gdelt").iterdir()))
    with pytest.raises(BilatError):
        gdelt.ingest(file_store, [FIX / "20140301.export.CSV", _bad_mix(tmp_path)])
    after = (_count(file_store), len(file_store.ingest_log()),
             sorted(p.name for p in (file_store.data_dir / "gdelt").iterdir()))
    assert after == before


def test_interrupted_ingest_leaves_store_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        gdelt.ingest(st, [FIX / "20140301.export.CSV"])
        before = (_count(st), len(st.ingest_log()), _volumes(st))

    def interrupt(stage: str, done: int, total: int) -> None:
        if stage == "commit":
            raise KeyboardInterrupt

    with open_store(path) as st, pytest.raises(KeyboardInterrupt):
        gdelt.ingest(st, [FIX / "20140302.export.CSV"], progress=interrupt)
    with open_store(path) as st:
        assert (_count(st), len(st.ingest_log()), _volumes(st)) == before
        parts = {r[0] for r in st.con.execute("SELECT part FROM gdelt_parts").fetchall()}
        assert {p.name for p in (st.data_dir / "gdelt").iterdir()} == parts
        # the same file ingests normally afterwards
        assert gdelt.ingest(st, [FIX / "20140302.export.CSV"]).rows == 68


def test_missing_input_file(store: Store, tmp_path: Path) -> None:
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [tmp_path / "nope.export.CSV"])
    assert exc.value.code == "E110"


# ----------------------------------------------------------------------------- mirror
def test_fetch_from_real_mirror(store: Store, shared_data: Path) -> None:
    report = gdelt.fetch_gdelt("2019-10-24", "2019-10-24", 2, mirror=shared_data, store=store,
                               allow_missing=True)
    assert len(report.expected) == 96
    assert report.received == ["20191024143000.export.CSV.zip"]
    assert len(report.missing) == 95 and report.ingest is not None
    assert report.ingest.rows == 2111
    frame = report.to_frame()
    assert frame.set_index("file").loc["20191024143000.export.CSV.zip", "rows"] == 2111
    row = store.con.execute(
        "SELECT count(*), count(SOURCEURL), min(source_file), min(DATEADDED), max(DATEADDED) "
        "FROM gdelt_events").fetchall()[0]
    assert row == (2111, 2111, "20191024143000.export.CSV", 20191024143000, 20191024143000)


def test_completeness_report_by_day_and_month(store: Store, shared_data: Path) -> None:
    report = gdelt.fetch_gdelt("2019-10-23", "2019-10-24", 2, mirror=shared_data, store=store,
                               allow_missing=True)
    days = report.completeness("day").set_index("day")
    assert list(days.index) == ["2019-10-23", "2019-10-24"]
    assert days.loc["2019-10-23", ["expected", "received", "rows"]].tolist() == [96, 0, 0]
    assert days.loc["2019-10-24", ["expected", "received", "missing", "rows"]].tolist() == [
        96, 1, 95, 2111]
    month = report.completeness("month")
    assert month[["month", "expected", "received"]].values.tolist() == [["2019-10", 192, 1]]
    with pytest.raises(BilatError):
        report.completeness("week")


def test_fetch_mirror_missing_file_fails_without_allow_missing(
    store: Store, shared_data: Path
) -> None:
    with pytest.raises(BilatError) as exc:
        gdelt.fetch_gdelt("2015-10-27", "2015-10-27", 2, mirror=shared_data, store=store)
    assert exc.value.code == "E108" and "95 of 96" in exc.value.one_line()
    # what was received is kept: a rerun resumes
    assert _count(store) == 2116


def test_fetch_mirror_single_missing_file_names_it(store: Store, tmp_path: Path) -> None:
    (tmp_path / "gdelt").mkdir()
    (tmp_path / "gdelt" / "masterfilelist.txt").write_text(
        "10 0123456789abcdef0123456789abcdef http://x/gdeltv2/20220204120000.export.CSV.zip\n"
        "10 0123456789abcdef0123456789abcdef http://x/gdeltv2/20220204121500.export.CSV.zip\n")
    (tmp_path / "gdelt" / "20220204120000.export.CSV").write_bytes(
        (FIX / "20220204120000.export.CSV").read_bytes())
    with pytest.raises(BilatError) as exc:
        gdelt.fetch_gdelt("2022-02-04", "2022-02-04", 2, mirror=tmp_path, store=store)
    assert exc.value.code == "E011" and "20220204121500.export.CSV.zip" in exc.value.one_line()


def test_fetch_gdelt1_mirror_monthly_and_daily(store: Store, tmp_path: Path) -> None:
    (tmp_path / "gdelt").mkdir()
    for name in ("201203.zip", "20140301.export.CSV"):
        (tmp_path / "gdelt" / name).write_bytes((FIX / name).read_bytes())
    assert gdelt.expected_files(gdelt._parse_day("2012-03-05"), gdelt._parse_day("2012-04-02"),
                                1) == ["201203.zip", "201204.zip"]
    report = gdelt.fetch_gdelt("2012-03-01", "2012-03-31", 1, mirror=tmp_path, store=store)
    assert report.complete and report.ingest is not None and report.ingest.rows == 68
    report = gdelt.fetch_gdelt("2014-03-01", "2014-03-01", 1, mirror=tmp_path, store=store)
    assert report.received == ["20140301.export.CSV.zip"] and report.ingest.rows == 68


def test_expected_files_v2_schedule() -> None:
    names = gdelt.expected_files(gdelt._parse_day("2022-02-04"), gdelt._parse_day("2022-02-05"),
                                 2)
    assert len(names) == 192
    assert names[0] == "20220204000000.export.CSV.zip"
    assert names[-1] == "20220205234500.export.CSV.zip"


# ----------------------------------------------------------------------------- HTTP fetch
class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    ranges: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        name = self.path.split("/")[-1]
        data = self.files.get(name)
        if data is None:
            self.send_error(404)
            return
        rng = self.headers.get("Range")
        if rng:
            self.ranges.append(f"{name}:{rng}")
            start = int(rng.split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            data = data[start:]
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture()
def server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("H", (_Handler,), {"files": {}, "ranges": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


def _zip_bytes(name: str, payload: bytes) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, payload)
    return buf.getvalue()


def test_fetch_over_http_md5_resume_missing(
    server: tuple[str, type[_Handler]], store: Store, tmp_path: Path
) -> None:
    base, handler = server
    good = _zip_bytes("20220204120000.export.CSV",
                      (FIX / "20220204120000.export.CSV").read_bytes())
    second = (FIX / "20220204121500.export.CSV.zip").read_bytes()
    corrupt = _zip_bytes("20220204123000.export.CSV", b"x")
    handler.files = {
        "20220204120000.export.CSV.zip": good,
        "20220204121500.export.CSV.zip": second,
        "20220204123000.export.CSV.zip": corrupt,
    }
    listing = [
        (good, "20220204120000"), (second, "20220204121500"),
        (b"not what is served", "20220204123000"), (b"gone", "20220204124500"),
        (b"out of range", "20220205000000"),
    ]
    handler.files["masterfilelist.txt"] = "".join(
        f"{len(data)} {hashlib.md5(data).hexdigest()} "
        f"http://data.gdeltproject.org/gdeltv2/{stamp}.export.CSV.zip\n"
        f"{len(data)} {hashlib.md5(data).hexdigest()} "
        f"http://data.gdeltproject.org/gdeltv2/{stamp}.mentions.CSV.zip\n"
        for data, stamp in listing).encode()
    downloads = tmp_path / "dl"
    downloads.mkdir()
    # a half-finished earlier download of the second file: resume with a Range request
    (downloads / "20220204121500.export.CSV.zip.part").write_bytes(second[:1000])

    with pytest.raises(BilatError) as exc:
        gdelt.fetch_gdelt("2022-02-04", "2022-02-04", 2, store=store, base_url=base,
                          download_dir=downloads)
    assert exc.value.code == "E108" and "2 of 4" in exc.value.one_line()
    assert handler.ranges == ["20220204121500.export.CSV.zip:bytes=1000-"]
    assert _count(store) == 136  # both good files stored
    assert (downloads / "20220204121500.export.CSV.zip").read_bytes() == second

    report = gdelt.fetch_gdelt("2022-02-04", "2022-02-04", 2, store=store, base_url=base,
                               download_dir=downloads, allow_missing=True)
    assert report.expected == [f"{s}.export.CSV.zip" for _, s in listing[:4]]
    assert report.missing == ["20220204124500.export.CSV.zip"]
    assert list(report.failed) == ["20220204123000.export.CSV.zip"]
    assert "MD5 mismatch" in report.failed["20220204123000.export.CSV.zip"]
    assert _count(store) == 136  # the rerun added nothing
    status = report.to_frame().set_index("file")["status"].to_dict()
    assert status == {
        "20220204120000.export.CSV.zip": "received",
        "20220204121500.export.CSV.zip": "received",
        "20220204123000.export.CSV.zip": "failed",
        "20220204124500.export.CSV.zip": "missing",
    }
    assert not (downloads / "20220204123000.export.CSV.zip").exists()


def test_master_list_unreachable(store: Store) -> None:
    with pytest.raises(BilatError) as exc:
        gdelt.fetch_gdelt("2022-02-04", "2022-02-04", 2, store=store,
                          base_url="http://127.0.0.1:9", timeout=2)
    assert exc.value.code == "E114"


def test_parse_index_v1() -> None:
    html = ('<LI><A HREF="20140301.export.CSV.zip">20140301.export.CSV.zip</A> 6.1MB '
            "(MD5: 0123456789abcdef0123456789abcdef)</LI>\n"
            '<LI><A HREF="201203.zip">201203.zip</A> 90MB (MD5: '
            "fedcba9876543210fedcba9876543210)\n<a href=\"GDELT.MASTERREDUCEDV2.1979-2013.zip\">"
            "x</a>")
    files = gdelt.parse_index_v1(html, "http://data.gdeltproject.org/events")
    assert [(f.name, f.md5) for f in files] == [
        ("20140301.export.CSV.zip", "0123456789abcdef0123456789abcdef"),
        ("201203.zip", "fedcba9876543210fedcba9876543210"),
    ]
    assert files[0].url == "http://data.gdeltproject.org/events/20140301.export.CSV.zip"


# ----------------------------------------------------------------------------- fixture provenance
def test_gdelt_fixtures_are_generated_here_not_copied(tmp_path: Path, shared_data: Path) -> None:
    """The committed upstream-named fixtures are exactly what make_fixtures.py writes, and
    none of their rows (nor the lineage fixtures' rows) is a row of the real shared files."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FIX / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for committed in sorted(FIX.glob("*.export.CSV")):
        assert (tmp_path / committed.name).read_bytes() == committed.read_bytes(), committed.name
    real: set[str] = set()
    for path in (shared_data / "gdelt").rglob("*.[cC][sS][vV]"):
        real.update(path.read_text(encoding="utf-8", errors="replace").splitlines())
    ours = sorted(FIX.glob("*.export.CSV")) + sorted((FIX.parent / "lineage").glob("*.CSV"))
    assert len(ours) >= 6
    for path in ours:
        rows = path.read_text(encoding="utf-8").splitlines()
        assert rows and not real.intersection(rows), path.name
