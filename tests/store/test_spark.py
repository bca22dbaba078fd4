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
from tests.web.conftest import vote_mirror

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"


#: Years of the real unvotes roll calls put in the catalogue (A/RES/68/262 is in 2014).
VOTE_YEARS = (2008, 2016)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A DuckDB store holding the GDELT fixture files (1.0 backfile, 1.0 daily, 2.0) and the
    real unvotes roll calls of :data:`VOTE_YEARS`."""
    from bilat.sources.unvotes import fetch_unvotes

    folder = tmp_path_factory.mktemp("spark")
    path = folder / "bilat.duckdb"
    st = open_store(path)
    try:
        files = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".CSV", ".zip"))
        gdelt.ingest(st, files)
        fetch_unvotes(mirror=vote_mirror(shared_data, folder, VOTE_YEARS), store=st)
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
    with pytest.raises(BilatError) as exc:
        spark.votes_table("undl_scrape_votes")
    assert exc.value.code == "E801" and "undl_scrape_votes" in str(exc.value)


@pytest.mark.parametrize("opts", CASES[:3], ids=[str(i) for i in range(3)])
def test_indicators_on_spark_have_duckdbs_columns_and_flags(spark: SparkStore, catalogue: Path,
                                                            opts: dict) -> None:
    """indicators() on Spark: the table computed by Spark, coverage, flags and notes from the
    catalogue — the same columns and values as on DuckDB (which reads its dyad-day layer)."""
    st = open_store(catalogue, read_only=True)
    try:
        want = ev.indicators(st, "RUS", "CHN", source="gdelt", **opts)
    finally:
        st.close()
    got = ev.indicators(spark, "RUS", "CHN", **opts)
    assert {"coverage", "partial", "low_n", "source"} <= set(got.columns)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=False, rtol=1e-9)
    assert got.attrs["notes"] == want.attrs["notes"]


def test_no_event_of_the_pair_is_the_same_on_spark_as_on_duckdb(
        spark: SparkStore, catalogue: Path) -> None:
    """A pair with no event in a window the stored files cover: the covered periods are 0
    with their coverage (never NULL, never an error), on Spark as on DuckDB; a window no
    file covers is E150 on both."""
    st = open_store(catalogue, read_only=True)
    try:
        want = ev.indicators(st, "USA", "CHN", source="gdelt", actor_type="GOV", period="year")
        with pytest.raises(BilatError) as duck:
            ev.indicators(st, "USA", "CHN", source="gdelt", period="year", start="1990-01-01",
                          end="1990-12-31")
    finally:
        st.close()
    got = ev.indicators(spark, "USA", "CHN", actor_type="GOV", period="year")
    pair = want[(want["a"] == "USA") & (want["b"] == "CHN")]
    covered = pair["coverage"] > 0
    assert len(pair) and covered.any() and (pair.loc[covered, "events"] == 0).all()
    assert pair.loc[~covered, "events"].isna().all()
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=False, rtol=1e-9)
    assert got.attrs["notes"] == want.attrs["notes"]
    assert any("actor type GOV" in n or "GOV" in n for n in got.attrs["notes"])
    with pytest.raises(BilatError) as sp:
        ev.indicators(spark, "USA", "CHN", period="year", start="1990-01-01", end="1990-12-31")
    assert duck.value.code == sp.value.code == "E150"
    assert str(duck.value) == str(sp.value)


CONTACT_CASES = [
    dict(period="month"),
    dict(period="year", refs=[("USA", "GBR")], compare=False),
    dict(period="day", start="2021-01-01", end="2022-12-31"),
    dict(period="week", refs=[("RUS", "BLR")], min_events=1),
]


def _contacts_duck(catalogue: Path, **opts: object) -> pd.DataFrame:
    st = open_store(catalogue, read_only=True)
    try:
        return ev.contacts(st, "RUS", "CHN", source="gdelt", **opts)
    finally:
        st.close()


@pytest.mark.parametrize("opts", CONTACT_CASES, ids=[str(i) for i in range(len(CONTACT_CASES))])
def test_contacts_on_spark_equal_duckdb(spark: SparkStore, catalogue: Path, opts: dict) -> None:
    """Contacts: the contact events and each period's event days found by Spark; coverage and
    the other series from the catalogue; the table equals DuckDB's."""
    want = _contacts_duck(catalogue, **opts)
    got = ev.contacts(spark, "RUS", "CHN", **opts)
    assert want["contacts"].fillna(0).sum() > 0, "the fixture must hold contacts for this case"
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert got.attrs["notes"] == want.attrs["notes"]


def test_contact_list_on_spark_equals_duckdb(spark: SparkStore, catalogue: Path) -> None:
    st = open_store(catalogue, read_only=True)
    try:
        want = ev.contact_list(st, "RUS", "CHN", source="gdelt", refs=[("USA", "GBR")])
    finally:
        st.close()
    got = ev.contact_list(spark, "RUS", "CHN", refs=[("USA", "GBR")])
    assert len(want) > 0
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    with pytest.raises(BilatError) as exc:
        ev.contacts(spark, "RUS", "CHN", source="icews")
    assert exc.value.code == "E801" and "icews" in str(exc.value)


VOTE_CASES = [
    dict(),
    dict(by="issue", ref=["USA-GBR", "RUS-BLR"]),
    dict(by="session", years="2010-2014", method="kappa"),
    dict(by="period", years="2008-2016", important_only=True),
    dict(years="2013-2015", issue="hr", ref=["CHN-USA"]),
]


@pytest.mark.parametrize("opts", VOTE_CASES, ids=[str(i) for i in range(len(VOTE_CASES))])
def test_vote_affinity_on_spark_equals_duckdb(spark: SparkStore, catalogue: Path,
                                              opts: dict) -> None:
    """The same Ibis expressions (vote-level self-join, packed 3 × 3 counts, every index)
    run on Spark over a Parquet snapshot of the merged record give DuckDB's table."""
    from bilat.indicators import votes as V

    st = open_store(catalogue, read_only=True)
    try:
        want = V.affinity(st, "RUS", "CHN", **opts)
    finally:
        st.close()
    got = V.affinity(spark, "RUS", "CHN", **opts)
    assert want["n"].sum() > 0, "the fixture must give common votes for this case"
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=False, rtol=1e-9)
    assert got.attrs["warnings"] == want.attrs["warnings"]


def test_vote_snapshot_is_reused_and_follows_the_store(spark: SparkStore,
                                                       catalogue: Path) -> None:
    first = spark.votes_snapshot()
    assert all(f.is_file() and f.suffix == ".parquet" for f in first.values())
    assert str(first["un_votes"]).startswith(str(catalogue.parent))
    rows = pd.read_parquet(first["un_votes"])
    assert set(rows["iso3"]) >= {"RUS", "CHN", "USA"}
    assert pd.to_datetime(pd.read_parquet(first["un_rollcalls"])["date"]).dt.year.between(
        *VOTE_YEARS).all()
    again = open_spark(f"local[2]?store={catalogue}").votes_snapshot()  # no session needed
    assert again == first and not list(first["un_votes"].parent.parent.glob(".votes-*"))


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

    code = main(["--store", "pyspark://local[1]", "votes", "divergent", "RUS", "CHN"])
    err = capsys.readouterr().err
    assert code == 1 and "[E801]" in err and "votes divergent" in err
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
    st = open_store(catalogue, read_only=True)
    try:  # the same library call on DuckDB: every year of GDELT's span, empty ones NULL
        want = ev.indicators(st, "RUS", "CHN", source="gdelt", period="year",
                             refs=[("USA", "GBR")])
    finally:
        st.close()
    assert got["events"].fillna(-1).tolist() == want["events"].astype("Float64").fillna(-1) \
        .tolist()
    assert list(got["dyad"]) == list(want["dyad"])
    raw = _duck(catalogue, period="year", refs=[("USA", "GBR")])  # rows with events
    assert list(got.loc[got["events"] > 0, "events"]) == list(raw["events"])


def test_cli_vote_affinity_on_spark_equals_duckdb(
        spark: SparkStore, catalogue: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from bilat.cli import main
    from bilat.indicators import votes as V

    code = main(["--store", f"pyspark://local[2]?store={catalogue}", "votes", "affinity",
                 "RUS", "CHN", "--ref", "USA-GBR", "--years", "2010-2015", "-f", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    got = pd.read_csv(io.StringIO(out))
    st = open_store(catalogue, read_only=True)
    try:
        want = V.affinity(st, "RUS", "CHN", ref=["USA-GBR"], years="2010-2015")
    finally:
        st.close()
    assert list(got["n"]) == list(want["n"])
    assert got["kappa"].round(9).tolist() == want["kappa"].round(9).tolist()

