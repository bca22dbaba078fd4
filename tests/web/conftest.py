"""One store for every web test: real data from the mirror plus the shipped test texts.

Built once per session into a temporary folder and then only ever opened read-only by the app
(tests that add documents use their own store). The UN votes are the real unvotes release
(rows copied unchanged) limited to 2010-2019 (the full record makes each pair query
seconds slower and adds nothing to what these tests check); the GDELT events are the
mirror's four 15-minute exports plus the generated fixtures; the documents are the test
readouts and joint statements; the SIPRI arms transfers and the
Security Council veto list from the mirror.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bilat.store import open_store

REPO = Path(__file__).resolve().parents[2]
TEXTS = REPO / "tests" / "fixtures" / "texts"
LINEAGE = REPO / "tests" / "fixtures" / "lineage"
GDELT_FIXTURES = REPO / "tests" / "fixtures" / "gdelt"
#: Years of the real UN-votes record kept in the test store.
VOTE_YEARS = (2010, 2019)

READOUTS = [(TEXTS / "aug2021_chn_en.txt", "CHN"), (TEXTS / "aug2021_rus_en.txt", "RUS")]
STATEMENTS = [(LINEAGE / "short_2014.txt", "2014-05-20"),
              (LINEAGE / "short_2019.txt", "2019-06-05"),
              (LINEAGE / "short_2022.txt", "2022-02-04")]


def gdelt_files(shared_data: Path) -> list[Path]:
    """The GDELT export files the test store holds."""
    return sorted((shared_data / "gdelt").glob("*.CSV")) + sorted(GDELT_FIXTURES.glob("*.CSV"))


def vote_mirror(shared_data: Path, folder: Path,
                years: tuple[int, int] = VOTE_YEARS) -> Path:
    """A mirror folder holding the real unvotes CSVs (upstream layout) for ``years`` only."""
    import pandas as pd

    src, dst = shared_data / "unga", folder / "mirror" / "unga"
    dst.mkdir(parents=True, exist_ok=True)
    rc = pd.read_csv(src / "un_roll_calls.csv", dtype=str, keep_default_na=False)
    rc = rc[pd.to_datetime(rc["date"]).dt.year.between(*years)]
    keep = set(pd.to_numeric(rc["rcid"]).astype(int))
    rc.to_csv(dst / "un_roll_calls.csv", index=False)
    for name in ("un_votes.csv", "un_roll_call_issues.csv"):
        df = pd.read_csv(src / name, dtype=str, keep_default_na=False)
        rcid = pd.to_numeric(df["rcid"]).astype(int)  # un_votes writes 3.0, roll calls 3
        df[rcid.isin(keep)].to_csv(dst / name, index=False)
    return dst.parent


def build_store(path: Path, shared_data: Path) -> Path:
    """Build the web test store at ``path`` (see the module docstring)."""
    from bilat.sources import gdelt, unvotes
    from bilat.sources.registry import SOURCES, load
    from bilat.text import documents

    st = open_store(path)
    try:
        gdelt.ingest(st, gdelt_files(shared_data))
        unvotes.fetch_unvotes(mirror=vote_mirror(shared_data, path.parent), store=st)
        for name in ("arms", "unsc-vetoes"):  # SIPRI; the Security Council veto list
            entry = next(e for e in SOURCES if e.name == name)
            load(entry)(store=st, mirror=shared_data, on_bad_rows="skip")
        for f, side in READOUTS:
            documents.add_document(st, f, side=side, date="2021-08-25",
                                   event="xi-putin-2021-08-25")
        for f, d in STATEMENTS:
            documents.add_document(st, f, side="JOINT", date=d, kind="statement",
                                   parties=["RUS", "CHN"])
    finally:
        st.close()
    return path


@pytest.fixture(scope="session")
def web_store(shared_data: Path) -> Iterator[Path]:
    """Path of the web test store (built once per session)."""
    folder = Path(tempfile.mkdtemp(prefix="bilat-web-"))
    try:
        yield build_store(folder / "web.duckdb", shared_data)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def file_hash(path: Path) -> str:
    """SHA-256 of a file (to prove the store was not written to)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def web_app(web_store: Path) -> Iterator[Any]:
    """One read-only app over the test store for the whole session (its result cache is
    shared by the TestClient tests, the browser tests and the load test)."""
    from bilat.web import create_app

    app = create_app(web_store)
    yield app
    app.state.ws.close()


@pytest.fixture(scope="session")
def server(web_app: Any) -> Iterator[Any]:
    """``web_app`` served by uvicorn in a thread on a free loopback port."""
    from bilat.web.server import ServerThread

    with ServerThread(app=web_app) as srv:
        yield srv


#: The pair page every test reads (one computation, cached by the shared app).
PAIR_URL = f"/pair?a=RUS&b=CHN&refs=USA-GBR&years={VOTE_YEARS[0]}-{VOTE_YEARS[1]}"


@pytest.fixture(scope="session")
def tiny_store() -> Iterator[Path]:
    """A small store (the UN Digital Library vote fixture and the test readouts) for pages
    whose full computation is slow on the real data (the partnership report)."""
    from bilat.sources import unvotes
    from bilat.text import documents

    folder = Path(tempfile.mkdtemp(prefix="bilat-web-tiny-"))
    path = folder / "tiny.duckdb"
    st = open_store(path)
    try:
        unvotes.ingest_file(st, REPO / "tests" / "fixtures" / "unvotes" / "undl_ga_votes.csv",
                            fmt="undl", body="GA")
        for f, side in READOUTS:
            documents.add_document(st, f, side=side, date="2021-08-25",
                                   event="xi-putin-2021-08-25")
    finally:
        st.close()
    try:
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
