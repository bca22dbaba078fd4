"""Shared fixtures: the real data in ../shared/data (required, never skipped) and stores."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from bilat.store import Store, open_store

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Property tests: random examples on a developer's machine (new inputs each run, failures kept
# in .hypothesis/); in CI (``CI`` set, as .ci/run does) the same examples every run, so a CI
# result can be reproduced and never depends on the draw.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _write_gdelt_fixtures() -> None:
    """Generate the synthetic GDELT fixture files (seeded or by rule; not kept in git) before
    any test module reads ``tests/fixtures/gdelt`` or the lineage folder's event files."""
    import importlib.util

    for folder in ("gdelt", "lineage"):
        spec = importlib.util.spec_from_file_location(
            f"bilat_{folder}_fixtures", FIXTURES / folder / "make_fixtures.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.ensure()


_write_gdelt_fixtures()


def _shared_data() -> Path:
    env = os.environ.get("BILAT_MIRROR")
    path = Path(env) if env else REPO.parent / "shared" / "data"
    return path.resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: real public data. Missing data is a failure, not a skip."""
    path = _shared_data()
    if not path.is_dir():
        pytest.fail(f"shared data folder {path} not found: set BILAT_MIRROR or clone ../shared")
    return path


@pytest.fixture()
def store() -> Iterator[Store]:
    """A fresh in-memory store."""
    st = open_store(":memory:")
    yield st
    st.close()


@pytest.fixture()
def file_store(tmp_path: Path) -> Iterator[Store]:
    """A fresh store in a DuckDB file (for atomicity tests that reopen it)."""
    st = open_store(tmp_path / "bilat.duckdb")
    yield st
    st.close()
