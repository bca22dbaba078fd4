"""The shared source core: the mirror jail, bad-row policies, content hashes, the ingest
transaction and its boundary (one line for every failure), downloads with resume/checksum."""

from __future__ import annotations

import errno
import hashlib
import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pyarrow as pa
import pytest

from bilat.errors import BilatError
from bilat.sources import core
from bilat.store import Store, open_store


# ----------------------------------------------------------------------------- mirror jail
@pytest.fixture()
def mirror(tmp_path: Path) -> Path:
    m = tmp_path / "mirror"
    (m / "unga").mkdir(parents=True)
    (m / "unga" / "un_votes.csv").write_text("rcid\n1\n")
    (m / "texts" / "example.org").mkdir(parents=True)
    (m / "texts" / "example.org" / "a.html").write_text("<p>x</p>")
    (tmp_path / "secret.txt").write_text("outside")
    return m


@pytest.mark.parametrize("parts", [
    ("..", "secret.txt"), ("unga", "..", "..", "secret.txt"), ("%2e%2e", "secret.txt"),
    ("%2E%2E/secret.txt",), ("unga/%2e%2e/%2e%2e/secret.txt",), ("..\\secret.txt",),
    ("unga", "..%2f..%2fsecret.txt"), ("/etc/passwd",), ("unga/\x00x",),
])
def test_mirror_file_refuses_every_way_out(mirror: Path, parts: tuple[str, ...]) -> None:
    with pytest.raises(BilatError) as exc:
        core.mirror_file(mirror, *parts)
    assert exc.value.code == "E011"


def test_mirror_file_inside(mirror: Path) -> None:
    assert core.mirror_file(mirror, "unga", "un_votes.csv") == \
        (mirror / "unga" / "un_votes.csv").resolve()
    assert core.mirror_file(mirror, "unga/./un_votes.csv").name == "un_votes.csv"


@pytest.mark.parametrize("url", [
    "http://example.org/../../etc/passwd", "HTTP://example.org/../../../secret.txt",
    "https://example.org/%2e%2e/%2e%2e/secret.txt", "http://../../x", "hTtPs://../x",
    "http://./x", "http://example.org/a/%2E%2E/%2E%2E/%2E%2E/secret.txt",
    "file:///etc/passwd", "http://example.org/..%5c..%5csecret.txt",
])
def test_mirror_url_refuses_every_way_out(mirror: Path, url: str) -> None:
    with pytest.raises(BilatError) as exc:
        core.mirror_url_path(mirror, url)
    assert exc.value.code == "E011"


def test_mirror_url_any_case_and_scheme(mirror: Path) -> None:
    for url in ("http://example.org/a.html", "HTTPS://EXAMPLE.ORG/a.html"):
        assert core.mirror_url_path(mirror, url) == \
            (mirror / "texts" / "example.org" / "a.html").resolve()


def test_symlinks_that_lead_outside_are_refused(mirror: Path, tmp_path: Path) -> None:
    (mirror / "unga" / "link.csv").symlink_to(tmp_path / "secret.txt")
    (mirror / "escape").symlink_to(tmp_path)
    (mirror / "unga" / "inside.csv").symlink_to(mirror / "unga" / "un_votes.csv")
    for parts in (("unga", "link.csv"), ("escape", "secret.txt")):
        with pytest.raises(BilatError) as exc:
            core.mirror_file(mirror, *parts)
        assert exc.value.code == "E011" and "link" in exc.value.one_line()
    assert core.mirror_file(mirror, "unga", "inside.csv").name == "un_votes.csv"
    with pytest.raises(BilatError, match="E011"):
        core.find_in_mirror(mirror, "unga", ["*.csv"])  # a pattern match is jailed too
    with pytest.raises(BilatError, match="E011"):
        core.find_in_mirror(mirror, "escape", ["secret.txt"])


# ----------------------------------------------------------------------------- bad rows
def test_on_bad_rows_names() -> None:
    assert core.check_on_bad_rows("error") == "fail"
    assert core.check_on_bad_rows(" Quarantine ") == "quarantine"
    with pytest.raises(BilatError, match="E016"):
        core.check_on_bad_rows("ignore")


def _toy_parse(path: Path, bad: core.BadRows) -> pa.Table:
    ids, vals = [], []
    for i, line in enumerate(path.read_text().splitlines(), start=1):
        a, _, b = line.partition(",")
        if not a.isdigit() or not b.lstrip("-").isdigit() or not 0 <= int(b) <= 100:
            bad.add(i, f"value out of range: {line!r}", line)
            continue
        ids.append(int(a))
        vals.append(int(b))
    return pa.table({"id": pa.array(ids, pa.int64()), "value": pa.array(vals, pa.int64())})


TOY = core.Source(kind="toy", table="toy", mirror_dir="toy", files=("toy.csv",),
                  parse=_toy_parse, key_columns=("id",))


def _rows(store: Store) -> list[tuple[int, int, str]]:
    return store.con.execute("SELECT id, value, source_file FROM toy ORDER BY id").fetchall()


def test_ingest_policies_idempotence_and_replacement(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "toy.csv"
    f.write_text("1,10\n2,500\n3,30\n")
    with pytest.raises(BilatError) as exc:
        core.ingest(store, TOY, [f])
    assert exc.value.code == "E015" and "toy.csv line 2:" in exc.value.one_line()
    assert not store.has_table("toy")
    res = core.ingest(store, TOY, [f], on_bad_rows="quarantine")[0]
    assert (res.rows_added, res.bad_rows) == (2, {"value out of range: '2,500'": 1})
    assert store.con.execute("SELECT kind, line, raw FROM bad_rows").fetchall() == \
        [("toy", 2, "2,500")]
    assert core.ingest(store, TOY, [f])[0].status == "unchanged"
    f.write_text("1,10\n2,50\n3,30\n4,40\n")  # the complete file replaces the partial one
    res = core.ingest(store, TOY, [f])[0]
    assert (res.status, res.rows_replaced, res.rows_added) == ("replaced", 2, 4)
    assert [r[:2] for r in _rows(store)] == [(1, 10), (2, 50), (3, 30), (4, 40)]
    g = tmp_path / "toy (1).csv"
    g.write_text("4,40\n5,50\n")
    res = core.ingest(store, TOY, [g])[0]
    assert (res.rows_added, res.rows_already_stored) == (1, 1)


def test_parser_failures_become_one_line(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "toy.csv"
    f.write_text("1,10\n")

    def crash(path: Path, bad: core.BadRows) -> pa.Table:
        raise ValueError("could not convert string to float: 'x'\nsecond line")

    def full(path: Path, bad: core.BadRows) -> pa.Table:
        raise OSError(errno.ENOSPC, "No space left on device")

    for parse, code in ((crash, "E013"), (full, "E019")):
        src = core.Source(kind="toy", table="toy", mirror_dir="toy", files=("toy.csv",),
                          parse=parse)
        with pytest.raises(BilatError) as exc:
            core.ingest(store, src, [f])
        assert exc.value.code == code and "\n" not in exc.value.one_line()
        assert "toy.csv" in exc.value.one_line()


def test_store_write_failure_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "toy.csv"
    f.write_text("1,10\n")
    path = tmp_path / "s.duckdb"
    with open_store(path) as st:
        real = st.record_ingest

        def full(*a: object, **k: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(st, "record_ingest", full)
        with pytest.raises(BilatError) as exc:
            core.ingest(st, TOY, [f])
        assert exc.value.code == "E019"
        monkeypatch.setattr(st, "record_ingest", real)
        assert not st.has_table("toy") or _rows(st) == []
        assert core.ingest(st, TOY, [f])[0].rows_added == 1


# ----------------------------------------------------------------------------- downloads
@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[str, bytes]]:
    root = tmp_path / "srv"
    root.mkdir()
    body = bytes(range(256)) * 64
    (root / "f.bin").write_bytes(body)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", body
    server.shutdown()


def test_download_checksum_and_leftover_part(served: tuple[str, bytes], tmp_path: Path) -> None:
    url, body = served
    target = tmp_path / "d" / "f.bin"
    target.parent.mkdir()
    (target.parent / "f.bin.part").write_bytes(body[:100])  # an interrupted earlier run
    md5 = hashlib.md5(body).hexdigest()  # noqa: S324 - upstream publishes MD5
    core.download(url + "f.bin", target, md5=md5, progress=False)
    assert target.read_bytes() == body and not (target.parent / "f.bin.part").exists()
    with pytest.raises(BilatError) as exc:
        core.download(url + "f.bin", tmp_path / "e" / "f.bin", md5="0" * 32, progress=False)
    assert exc.value.code == "E017" and not (tmp_path / "e" / "f.bin").exists()
    with pytest.raises(BilatError, match="E010"):
        core.download(url + "missing.bin", tmp_path / "m.bin", progress=False)
