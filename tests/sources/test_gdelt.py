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


def test_a_file_cut_short_is_named_as_such(store: Store, tmp_path: Path) -> None:
    """A last line without a line end and too few fields is a truncated file (an interrupted
    download), not the other GDELT version; a short line elsewhere keeps the version hint."""
    lines = _v2_lines()[:6]
    cut = "\t".join(lines[-1].split("\t")[:57])  # 57 fields: GDELT 1.0's backfile count
    path = tmp_path / "20220204130000.export.CSV"
    path.write_bytes(("\n".join(lines[:-1] + [cut])).encode("utf-8"))  # no final line end
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [path])
    msg = exc.value.one_line()
    assert exc.value.code == "E101" and "20220204130000.export.CSV:6:" in msg
    assert "cut short" in msg and "other GDELT version" not in msg
    path.write_bytes(("\n".join(lines[:-1] + [cut]) + "\n").encode("utf-8"))
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [path])
    assert "cut short" not in exc.value.one_line()
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


# ----------------------------------------------------------------------------- hardening (issue 8)
# Each kind of fault from the fuzzing campaign, on fixtures made here from the generated
# GDELT rows (the ideas of ../shared/cases, re-made).
V2 = FIX / "20220204120000.export.CSV"


def _v2_rows(n: int | None = None) -> list[list[str]]:
    return [line.split("\t") for line in _lines(V2)][:n]


def _write_rows(path: Path, rows: list[list[str]], sep: str = "\n") -> Path:
    path.write_bytes((sep.join("\t".join(r) for r in rows) + sep).encode("utf-8"))
    return path


def _stored_ids(store: Store) -> list[int]:
    if not store.has_table("gdelt_events"):
        return []
    return sorted(r[0] for r in store.con.execute(
        "SELECT GLOBALEVENTID FROM gdelt_events").fetchall())


@pytest.mark.parametrize("sep", ["\r\n", "\r"])
def test_crlf_and_cr_line_ends_are_read(store: Store, tmp_path: Path, sep: str) -> None:
    rows = _v2_rows(8)
    f = _write_rows(tmp_path / "20220204120000.export.CSV", rows, sep)
    for policy in ("fail", "skip", "quarantine"):
        st = open_store(":memory:")
        report = gdelt.ingest(st, [f], on_bad_rows=policy)
        assert report.rows == 8 and report.skipped == 0
        urls = {r[0] for r in st.con.execute("SELECT SOURCEURL FROM gdelt_events").fetchall()}
        assert urls == {r[-1] for r in rows}  # no CR left at the end of the last field
        st.close()


def test_crlf_backfile_layout(store: Store, tmp_path: Path) -> None:
    with zipfile.ZipFile(FIX / "201203.zip") as zf:
        text = zf.read(zf.namelist()[0]).decode("utf-8")
    lines = [ln for ln in text.split("\n") if ln][:5]
    f = tmp_path / "201210.csv"
    f.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    assert gdelt.ingest(store, [f]).rows == 5
    assert _stored_ids(store) == sorted(int(ln.split("\t")[0]) for ln in lines)


def test_stray_cr_sets_one_row_aside_with_its_line(store: Store, tmp_path: Path) -> None:
    rows = _v2_rows(6)
    rows[2][6] = "MOSCOW\rKREMLIN"  # Actor1Name split by a CR (line 3)
    rows[4][40] = "\r" + rows[4][40]  # a CR before a latitude (line 5)
    f = _write_rows(tmp_path / "20220204121500.export.CSV", rows)
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [f])
    assert exc.value.code == "E117" and ":3:" in exc.value.one_line()
    report = gdelt.ingest(store, [f], on_bad_rows="quarantine")
    q = gdelt.quarantine(store)
    assert q["line"].tolist() == [3, 5] and report.skipped == 2 and report.rows == 4
    assert _stored_ids(store) == sorted(int(r[0]) for i, r in enumerate(rows) if i not in (2, 4))
    assert "\r" in q["raw_line"][0]


# value written in the file -> (column index, code of the error)
_OUT_OF_DOMAIN = [
    (29, "7", "E118"), (29, "0", "E118"), (30, "99", "E118"), (30, "-10.5", "E118"),
    (30, "nan", "E118"), (30, "1e309", "E118"), (34, "500", "E118"), (34, "-100.01", "E118"),
    (0, "0x10", "E109"), (0, "99999999999999999999", "E109"), (0, "-5", "E118"),
    (0, "12.5", "E109"), (31, "201.5", "E109"), (31, "2147483648", "E109"),
    (31, "-1", "E118"), (32, "1e5", "E109"), (25, "2", "E118"), (1, "20991231", "E119"),
    (1, "-1", "E102"), (1, "18991231", "E102"), (59, "20990101000000", "E119"),
    (40, "91", "E118"), (41, "-181", "E118"), (35, "9", "E118"),
]


@pytest.mark.parametrize(("col", "value", "code"), _OUT_OF_DOMAIN)
def test_values_out_of_the_fields_domain_are_bad_rows(
        store: Store, tmp_path: Path, col: int, value: str, code: str) -> None:
    rows = _v2_rows(6)
    rows[3][col] = value
    f = _write_rows(tmp_path / "20220204123000.export.CSV", rows)
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [f])
    assert exc.value.code == code and ":4:" in exc.value.one_line()
    assert _stored_ids(store) == []
    report = gdelt.ingest(store, [f], on_bad_rows="skip")
    assert report.skipped == 1 and report.rows == 5
    assert _stored_ids(store) == sorted(int(r[0]) for i, r in enumerate(rows) if i != 3)


def test_stored_values_are_those_written(store: Store, tmp_path: Path) -> None:
    """Every stored number reads as written in the file (an independent parse of the rows)."""
    gdelt.ingest(store, [V2])
    got = store.con.execute("SELECT GLOBALEVENTID, QuadClass, NumMentions, GoldsteinScale, "
                            "AvgTone FROM gdelt_events ORDER BY 1").fetchall()
    want = sorted((int(r[0]), int(r[29]), int(r[31]), float(r[30]), float(r[34]))
                  for r in _v2_rows())
    assert got == want


def test_duplicated_line_is_one_event(store: Store, tmp_path: Path) -> None:
    rows = _v2_rows(5)
    f = _write_rows(tmp_path / "20220204124500.export.CSV", rows[:3] + [rows[2]] + rows[3:])
    report = gdelt.ingest(store, [f])
    assert report.rows == 5 and report.files[0].already_stored == 1
    assert _stored_ids(store) == sorted(int(r[0]) for r in rows)


def test_complete_file_after_partial_adds_only_new_events(tmp_path: Path) -> None:
    rows = _v2_rows(6)
    (tmp_path / "partial").mkdir()
    (tmp_path / "full").mkdir()
    partial = _write_rows(tmp_path / "partial" / "20220204130000.export.CSV", rows[:4])
    full = _write_rows(tmp_path / "full" / "20220204130000.export.CSV", rows)
    with open_store(tmp_path / "s.duckdb") as st:
        assert gdelt.ingest(st, [partial]).rows == 4
        second = gdelt.ingest(st, [full])
        assert (second.rows, second.files[0].already_stored, second.files[0].changed) == (2, 4, 0)
        assert _stored_ids(st) == sorted(int(r[0]) for r in rows)
        assert gdelt.ingest(st, [full]).files[0].status == "already"


def test_overlapping_copy_reports_the_changed_row(store: Store, tmp_path: Path) -> None:
    rows = _v2_rows(4)
    copy = [list(r) for r in rows]
    copy[1][34] = "-3.5"  # the same event re-issued with another tone
    a = _write_rows(tmp_path / "20220204131500.export.CSV", rows)
    b = _write_rows(tmp_path / "20220204131500.export (1).CSV", copy)
    report = gdelt.ingest(store, [a, b])
    assert [(f.rows, f.already_stored, f.changed) for f in report.files] == [(4, 0, 0), (0, 3, 1)]
    tone = store.con.execute("SELECT AvgTone FROM gdelt_events WHERE GLOBALEVENTID = ?",
                             [int(rows[1][0])]).fetchall()
    assert tone == [(float(rows[1][34]),)]  # the stored row is kept


def test_zip_with_several_members_reads_them_all(store: Store, tmp_path: Path) -> None:
    rows = _v2_rows()
    z = tmp_path / "two_quarters.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("20220204120000.export.CSV", "\n".join("\t".join(r) for r in rows[:30]))
        zf.writestr("sub/20220204121500.export.CSV", "\n".join("\t".join(r) for r in rows[30:]))
        zf.writestr("__MACOSX/._20220204120000.export.CSV", b"\x00\x05\x16\x07 junk")
        zf.writestr("._hidden.csv", b"junk")
    report = gdelt.ingest(store, [z])
    assert sorted(f.file for f in report.files) == ["20220204120000.export.CSV",
                                                    "20220204121500.export.CSV"]
    assert _stored_ids(store) == sorted(int(r[0]) for r in rows)


def test_cut_zip_member_is_e104(store: Store, tmp_path: Path) -> None:
    z = tmp_path / "20220204121500.export.CSV.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.export.CSV", V2.read_text() * 3)
        zf.writestr("b.export.CSV", V2.read_text())
    data = z.read_bytes()
    z.write_bytes(data[:200] + data[400:])  # bytes lost inside the first member
    with pytest.raises(BilatError) as exc:
        gdelt.ingest(store, [z])
    assert exc.value.code == "E104"
    assert _stored_ids(store) == []


def test_quarantine_is_the_shared_bad_rows_table(store: Store, tmp_path: Path) -> None:
    rows = _v2_rows(4)
    rows[1][29] = "9"
    f = _write_rows(tmp_path / "20220204133000.export.CSV", rows)
    gdelt.ingest(store, [f], on_bad_rows="quarantine")
    raw = store.con.execute("SELECT kind, file, line, raw FROM bad_rows").fetchall()
    assert raw == [("gdelt", f.name, 2, "\t".join(rows[1]))]


def test_full_disk_is_e019_and_nothing_is_half_written(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        gdelt.ingest(st, [FIX / "20140301.export.CSV"])

    def full(*_a: object, **_k: object) -> None:
        raise duckdb.IOException('Could not write file "x.parquet": No space left on device')

    # the volume write inside the transaction that registers the part
    monkeypatch.setattr(gdelt, "_summarise_staged", full)
    with open_store(path) as st:
        with pytest.raises(BilatError) as exc:
            gdelt.ingest(st, [V2])
        assert exc.value.code == "E019" and "no space left on device" in exc.value.one_line()
        assert len(_stored_ids(st)) == 68 and len(st.ingest_log("gdelt")) == 1
        assert {p.name for p in (st.data_dir / "gdelt").iterdir()} == {
            r[0] for r in st.con.execute("SELECT part FROM gdelt_parts").fetchall()}


def test_missing_or_damaged_part_is_named_never_answered_around(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        gdelt.ingest(st, [FIX / "20140301.export.CSV"])
        gdelt.ingest(st, [V2])
        # in ingest order (names carry a second-resolution stamp and a random suffix)
        parts = sorted((p for p in (st.data_dir / "gdelt").iterdir()),
                       key=lambda p: min(f.stat().st_mtime_ns for f in p.iterdir()))
    victim = sorted(parts[1].iterdir())[0]
    victim.write_bytes(b"PAR1 not parquet any more")
    with open_store(path) as st:
        with pytest.raises(BilatError) as exc:
            gdelt.events_table(st)
        assert exc.value.code == "E021" and parts[1].name in exc.value.one_line()
    victim.unlink()
    with open_store(path) as st:
        with pytest.raises(BilatError) as exc:
            gdelt.events_table(st)
        assert exc.value.code in ("E020", "E021") and parts[1].name in exc.value.one_line()
        report = st.check()
        bad = report[report["status"] == "problem"]
        assert parts[1].name in " ".join(bad["object"]) and "repair" in " ".join(bad["repair"])
        from bilat.store.doctor import repair

        again = repair(st)
        assert again == [V2.name]
        assert (st.check()["status"] != "problem").all()
        assert len(_stored_ids(st)) == 68
        assert gdelt.ingest(st, [V2]).rows == len(_v2_rows())


def test_mirror_is_a_jail_for_gdelt(store: Store, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "20220204120000.export.CSV").write_bytes(V2.read_bytes())
    mirror = tmp_path / "mirror"
    (mirror / "gdelt").mkdir(parents=True)
    (mirror / "gdelt" / "20220204120000.export.CSV").symlink_to(
        outside / "20220204120000.export.CSV")
    with pytest.raises(BilatError) as exc:
        gdelt.fetch_gdelt("2022-02-04", "2022-02-04", 2, mirror=mirror, store=store,
                          allow_missing=True)
    assert exc.value.code == "E011"
    for name in ("../outside/20220204120000.export.CSV", "%2e%2e/x.export.CSV",
                 "..%2Fx.export.CSV", "..\\x.export.CSV"):
        with pytest.raises(BilatError) as exc:
            gdelt._mirror_lookup(mirror, name, {name})
        assert exc.value.code == "E011", name
    assert _stored_ids(store) == []


def test_fetch_ranges_reversed_absurd_and_outside(store: Store, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "gdelt").mkdir(parents=True)
    with pytest.raises(BilatError) as exc:
        gdelt.fetch_gdelt("2022-02-05", "2022-02-04", 2, mirror=mirror, store=store)
    assert exc.value.code == "E115"
    with pytest.raises(BilatError) as exc:
        gdelt.fetch_gdelt("1900-01-01", "1900-12-31", 2, mirror=mirror, store=store)
    assert exc.value.code == "E120" and "2015-02-18" in exc.value.one_line()
    report = gdelt.fetch_gdelt("1900-01-01", "9999-12-31", 1, mirror=mirror, store=store,
                               allow_missing=True)
    from datetime import UTC, datetime
    assert report.start.isoformat() == "1979-01-01"
    assert report.end == datetime.now(UTC).date()
    assert report.expected[0] == "1979.zip" and len(report.missing) == len(report.expected)
    for bad in ("-1", "9999-99-99", "1e309"):
        with pytest.raises(BilatError) as exc:
            gdelt.fetch_gdelt(bad, "2022-02-04", 2, mirror=mirror, store=store)
        assert exc.value.code == "E007"


@pytest.mark.parametrize("folder", ["a[1]", "b?c", "d*e", "f g", "h]i["])
def test_paths_with_glob_characters(tmp_path: Path, folder: str) -> None:
    """Store and input paths holding [ ] ? * or spaces are paths, never glob patterns."""
    from bilat.errors import BilatError as E

    base = tmp_path / folder
    base.mkdir()
    src = base / "20220204120000.export.CSV"
    src.write_bytes(V2.read_bytes())
    decoy = tmp_path / folder.replace("[1]", "1")  # what '[1]' would match as a glob
    decoy.mkdir(exist_ok=True)
    try:
        st = open_store(base / "s [x]*.duckdb")
    except E as exc:  # DuckDB cannot keep its log in a folder holding '?': refused up front
        assert "?" in folder and exc.code == "E023"
        st = open_store(tmp_path / "s [x]*?.duckdb")
    with st:
        assert gdelt.ingest(st, [src]).rows == len(_v2_rows())
        assert len(_stored_ids(st)) == len(_v2_rows())
        assert gdelt.ingest(st, [src]).files[0].status == "already"
