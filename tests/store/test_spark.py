"""bilat's event indicators on a real local Spark (``pyspark://local[2]``) equal DuckDB's.

Needs Java and the ``spark`` extra; CI installs both (``.ci/run``), so this never skips there.
One Spark session serves the whole module (the JVM start costs ~20 s on two cores).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.indicators import events as ev
from bilat.sources import gdelt
from bilat.store import open_store
from bilat.store.spark import SparkStore, open_spark, parse_spark_url

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB store holding the GDELT fixture files (1.0 backfile, 1.0 daily, 2.0)."""
    path = tmp_path_factory.mktemp("spark") / "bilat.duckdb"
    st = open_store(path)
    try:
        files = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".CSV", ".zip"))
        gdelt.ingest(st, files)
    finally:
        st.close()
    return path


@pytest.fixture(scope="module")
def spark(catalogue: Path) -> Iterator[SparkStore]:
    st = open_spark(f"local[2]?store={catalogue}")
    yield st
    st.close()


def _duck(catalogue: Path, **opts: object) -> pd.DataFrame:
    st = open_store(catalogue)
    try:
        return ev.gdelt_indicators(st, "RUS", "CHN", **opts)
    finally:
        st.close()


CASES = [
    dict(period="month"),
    dict(period="year", direction="undirected", refs=[("USA", "GBR"), ("RUS", "BLR")]),
    dict(period="day", dedup="daily", refs=[("USA", "GBR")]),
    dict(period="quarter", dedup="root", direction="directed"),
    dict(period="month", start="2014-01-01", end="2022-12-31", indicator="material_verbal_ratio"),
]


@pytest.mark.parametrize("opts", CASES, ids=[str(i) for i in range(len(CASES))])
def test_spark_equals_duckdb(spark: SparkStore, catalogue: Path, opts: dict) -> None:
    want = _duck(catalogue, **opts)
    got = ev.gdelt_indicators(spark, "RUS", "CHN", **opts)
    assert len(want) > 0, "the fixture must give rows for this case"
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                  check_dtype=False, check_exact=False, rtol=1e-9)


def test_spark_reads_the_store_parts_not_a_copy(spark: SparkStore, catalogue: Path) -> None:
    files = spark.part_files()
    assert files and all(f.is_file() and f.suffix == ".parquet" for f in files)
    assert all(str(f).startswith(str(catalogue.parent)) for f in files)
    assert all(f.suffix == ".parquet" for f in files)


def test_duckdb_only_steps_are_refused_with_their_name(spark: SparkStore) -> None:
    with pytest.raises(BilatError) as exc:
        spark.table("un_votes")
    assert exc.value.code == "E801" and "un_votes" in str(exc.value)


def test_spark_urls() -> None:
    assert parse_spark_url("local[2]") == ("local[2]", None)
    assert parse_spark_url("10.0.0.5:7077") == ("spark://10.0.0.5:7077", None)
    assert parse_spark_url("") == ("local[*]", None)
    master, store = parse_spark_url("local[2]?store=/x/b.duckdb")
    assert master == "local[2]" and store == Path("/x/b.duckdb")
    with pytest.raises(BilatError) as exc:
        parse_spark_url("local[2]?bogus=1")
    assert exc.value.code == "E012"


def test_missing_catalogue_is_one_line(tmp_path: Path) -> None:
    st = open_spark(f"local[1]?store={tmp_path / 'none.duckdb'}")
    with pytest.raises(BilatError) as exc:
        st.part_files()
    assert exc.value.code == "E009" and "none.duckdb" in str(exc.value)


def test_cli_refuses_duckdb_only_commands_on_spark(capsys: pytest.CaptureFixture[str]) -> None:
    from bilat.cli import main

    code = main(["--store", "pyspark://local[1]", "votes", "affinity", "RUS", "CHN"])
    err = capsys.readouterr().err
    assert code == 1 and "[E801]" in err and "votes affinity" in err
    assert "Traceback" not in err


def test_cli_events_indicators_on_spark_equal_duckdb(
        spark: SparkStore, catalogue: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Last in the module: the CLI stops its Spark session when the command ends."""
    import io

    from bilat.cli import main

    code = main(["--store", f"pyspark://local[2]?store={catalogue}", "events", "indicators",
                 "RUS", "CHN", "--ref", "USA-GBR", "--period", "year", "-f", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Spark" in err
    got = pd.read_csv(io.StringIO(out))
    want = _duck(catalogue, period="year", refs=[("USA", "GBR")])
    assert list(got["events"]) == list(want["events"])
    assert list(got["dyad"]) == list(want["dyad"])
