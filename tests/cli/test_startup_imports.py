"""Small query commands do not import pandas, ibis or numpy (issue 15 item 5: a small query
command starts in ≤ 0.8 s, and pandas alone costs ~0.5 s). A behaviour test, not a timing
test: each command runs in a fresh interpreter, which reports the heavy modules it loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilat.sources import gdelt
from bilat.store import compact, open_store
from tests.cli.stores import mixed_store as build_mixed

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"
HEAVY = ("pandas", "ibis", "numpy", "pyarrow", "duckdb", "altair", "lingua", "trafilatura",
         "pydantic")  # pydantic: Typer's coercion, needed only for values it must convert
_PROBE = """
import json, sys
from bilat.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
sys.stderr.write("\\nHEAVY " + json.dumps(heavy) + "\\n")
sys.exit(code)
"""


@pytest.fixture(scope="module")
def gdelt_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The GDELT fixture files, ingested and compacted as `bilat fetch gdelt` leaves them."""
    path = tmp_path_factory.mktemp("startup") / "startup.duckdb"
    st = open_store(path)
    try:
        gdelt.ingest(st, [p for p in sorted(FIX.iterdir()) if p.suffix in (".CSV", ".zip")])
        compact.compact(st)
    finally:
        st.close()
    yield str(path)


@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[str]:
    """GDELT fixture files and four real ICEWS daily files: `--source all` reads both."""
    yield str(build_mixed(tmp_path_factory.mktemp("startup") / "mixed.duckdb", shared_data, 4))


def _run(*argv: str) -> tuple[int, str, list[str]]:
    """Exit code, stdout and the heavy modules the command imported (fresh interpreter)."""
    proc = subprocess.run([sys.executable, "-c", _PROBE.format(heavy=HEAVY), *argv],
                          capture_output=True, text=True, timeout=120, check=False)
    marker = proc.stderr.rsplit("\nHEAVY ", 1)
    assert len(marker) == 2, proc.stderr
    return proc.returncode, proc.stdout, json.loads(marker[1])


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_countries_imports_neither_pandas_nor_duckdb(fmt: str) -> None:
    code, out, heavy = _run("countries", "russia", "-f", fmt)
    assert code == 0 and "RUS" in out
    assert heavy == []


@pytest.mark.parametrize("argv", [
    [],  # the default: every source the store holds, by month, table for people
    ["-f", "json", "--period", "year", "--direction", "undirected"],
    ["-f", "csv", "--dedup", "root", "--ref", "USA", "GBR", "--source", "gdelt",
     "--min-events", "3", "--gdelt-version", "2"],
])
def test_events_indicators_on_the_dyad_day_layer_import_no_pandas(gdelt_store: str,
                                                                  argv: list[str]) -> None:
    code, out, heavy = _run("--store", gdelt_store, "events", "indicators", "RUS", "CHN", *argv)
    assert code == 0 and "RUS" in out
    assert set(heavy) <= {"duckdb"}, heavy  # DuckDB answers; nothing else heavy loads


def test_gdelt_and_icews_side_by_side_import_no_pandas(mixed_store: str) -> None:
    code, out, heavy = _run("--store", mixed_store, "events", "indicators", "RUS", "CHN",
                            "-f", "csv", "--period", "year")
    assert code == 0 and "\ngdelt," in out and "\nicews," in out
    assert set(heavy) <= {"duckdb"}, heavy


def test_a_query_that_needs_rows_still_works(gdelt_store: str) -> None:
    """Daily de-duplication needs the events (the Ibis path): pandas may load there, and the
    command still answers."""
    code, out, _heavy = _run("--store", gdelt_store, "events", "indicators", "RUS", "CHN",
                             "--dedup", "daily", "-f", "csv")
    assert code == 0 and out.startswith("source,dyad,direction")


def test_values_typer_must_convert_still_go_through_typer(gdelt_store: str) -> None:
    """The deferred coercion (bilat.cli._base) passes plain values through; anything else is
    Typer's: a bad number is still its one-line usage error (E028)."""
    proc = subprocess.run([sys.executable, "-c", _PROBE.format(heavy=HEAVY), "--store",
                           gdelt_store, "events", "indicators", "RUS", "CHN", "--min-events",
                           "ten"], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert "[E028] Invalid value for '--min-events'" in proc.stderr
