"""The real UN-votes record (../shared/data/unga), ingested once per test session.

``real_votes_store_path`` builds one DuckDB store from the mirror the first time it is called
and returns its path afterwards; the CLI and source tests import it too, so the 870 k-row file
is read once per session whichever tests run.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilat.sources.unvotes import fetch_unvotes
from bilat.store import Store, open_store

_BUILT: dict[str, Path] = {}


def real_votes_store_path(shared_data: Path) -> Path:
    """Path of a store holding the whole unvotes record (built on first use, then reused)."""
    key = str(shared_data)
    if key not in _BUILT:
        folder = Path(tempfile.mkdtemp(prefix="bilat-unvotes-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "votes.duckdb"
        st = open_store(path)
        try:
            fetch_unvotes(mirror=shared_data, store=st)
        finally:
            st.close()
        _BUILT[key] = path
    return _BUILT[key]


@pytest.fixture(scope="session")
def real_votes(shared_data: Path) -> Iterator[Store]:
    """An open store with the full 1946–2020 record (shared by every test that reads it)."""
    st = open_store(real_votes_store_path(shared_data))
    yield st
    st.close()


@pytest.fixture(scope="module")
def full(shared_data: Path) -> Iterator[Store]:
    """The full UN-votes store (unvotes, the UN Digital Library scrape, both ideal-point files,
    the veto list), opened once per module that asks for it."""
    from tests.indicators.test_votes_merged import full_votes_store_path

    st = open_store(full_votes_store_path(shared_data))
    yield st
    st.close()
