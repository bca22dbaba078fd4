"""The BigQuery SQL bilat generates, validated offline: it parses in the BigQuery dialect and
reads only columns that the public table ``gdelt-bq.gdeltv2.events`` really has.

The table's schema is shipped by hand from the published one
(``bilat/reference/data/gdelt_bq_events_schema.csv``), not derived from bilat's own field list,
so a column bilat invents or misspells fails here.
"""

from __future__ import annotations

import csv
from importlib import resources

import pytest
import sqlglot
from sqlglot import exp

from bilat.indicators import events as ev


def _bq_schema() -> dict[str, str]:
    path = resources.files("bilat.reference") / "data" / "gdelt_bq_events_schema.csv"
    with path.open(encoding="utf-8") as fh:
        return {r["column"]: r["bigquery_type"] for r in csv.DictReader(fh)}


def _base_aliases(tree: exp.Expression) -> set[str]:
    aliases = set()
    for table in tree.find_all(exp.Table):
        if (table.catalog, table.db, table.name) == ev.BIGQUERY_TABLE:
            aliases.add(table.alias_or_name)
    return aliases


CASES = [
    dict(period="month"),
    dict(period="year", direction="undirected"),
    dict(period="day", dedup="daily", refs=[("USA", "GBR")]),
    dict(period="quarter", dedup="root", actor_type="GOV"),
    dict(period="week", direction="a2b", start="2019-01-01", end="2019-12-31"),
]


@pytest.mark.parametrize("opts", CASES, ids=[str(i) for i in range(len(CASES))])
def test_bigquery_sql_parses_and_reads_only_real_columns(opts: dict) -> None:
    schema = _bq_schema()
    assert len(schema) == 61
    sql = ev.sql("RUS", "CHN", dialect="bigquery", **opts)
    tree = sqlglot.parse_one(sql.rstrip(";\n"), read="bigquery")
    tables = {(t.catalog, t.db, t.name) for t in tree.find_all(exp.Table)
              if t.catalog or t.db}
    assert tables == {ev.BIGQUERY_TABLE}, tables  # no other project/dataset is read
    aliases = _base_aliases(tree)
    assert aliases
    used = {c.name for c in tree.find_all(exp.Column) if c.table in aliases}
    assert used, "no column of the base table was read"
    unknown = used - set(schema)
    assert not unknown, f"columns not in gdelt-bq.gdeltv2.events: {sorted(unknown)}"
    # bilat's own bookkeeping columns never reach BigQuery
    assert not used & {"source_file", "gdelt_version", "source"}


def test_shipped_schema_matches_the_gdelt_2_layout() -> None:
    """The shipped schema and bilat's GDELT 2.0 layout agree column for column (an upstream
    rename would show here), with BigQuery's own type names."""
    from bilat.sources.gdelt import FIELDS_V2

    schema = _bq_schema()
    assert list(schema) == FIELDS_V2
    assert set(schema.values()) == {"INTEGER", "STRING", "FLOAT"}
    assert schema["GoldsteinScale"] == "FLOAT" and schema["EventCode"] == "STRING"
