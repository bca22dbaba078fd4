"""The dyad-day layer: per-day sums of event records kept beside the events, at ingest.

Dyad indicators over months or years of GDELT (hundreds of millions of events) need only a few
sums per directed dyad and day. This module keeps them in the store, written **in the same
DuckDB transaction as the events they summarise**, so the sums and the events can never
disagree (a failed ingest rolls back both):

``dyad_day`` — one row per source, unit (the GDELT Parquet part or the ICEWS file the rows came
from), day (``sqldate`` YYYYMMDD), GDELT version and ``IsRootEvent`` (NULL for ICEWS),
directed dyad (``actor1_code``/``actor2_code``: GDELT's CAMEO actor country code as given, ICEWS
ISO3; ``actor1_iso3``/``actor2_iso3`` as the canonical ``events`` view maps them), actor types
(``actor1_types``: the actor's CAMEO type codes joined by commas — GDELT Type1-3Code, ICEWS
sectors mapped to types), CAMEO root code and quad class, holding

* ``events`` (records), ``goldstein_sum``/``goldstein_n`` (GDELT GoldsteinScale, ICEWS
  intensity; sum and non-NULL count), ``goldstein_mentions_sum`` (GoldsteinScale × NumMentions),
  ``mentions`` (sum of NumMentions), ``tone_sum``/``tone_n`` (AvgTone), ``contacts`` (CAMEO 036,
  040-046 between government actors: GDELT both Type1Code GOV; ICEWS both GOV or a leader in
  office — the ``gov_contacts`` rule of :mod:`bilat.indicators.events`).

  Only records whose two actors both carry a country are kept (no dyad otherwise).

``dyad_day_totals`` — the same sums without actor types and CAMEO root (a few rows per dyad
and day), read whenever the query has no actor-type filter.

``dyad_day_volume`` — the compacted per-country-day volume: per source, unit, day, version,
IsRootEvent and actor country code (``country``, with its ``iso3``), the records with that
country as actor 1 or actor 2 (each record once), any partner and actor type — the
denominators of the dyad indicators. A row with ``country`` NULL counts every record of the
day (days with data, for ICEWS coverage).

``dyad_day_units`` — the units summarised. :func:`ensure` brings the layer in step with the
store (units stored before this layer existed are summarised, units no longer stored are
dropped) in one transaction; a read-only store that is out of step is answered from the
events instead.

GDELT ingest calls :func:`stage_gdelt` on each part it wrote (one scan of the part, into
temporary tables) and :func:`store_gdelt_part` inside the transaction that registers the part
(:func:`summarise_gdelt_part` does both, for parts stored before this layer existed); ICEWS
calls :func:`summarise_icews_file` (inside the source core's transaction for a file).
:func:`read` answers :func:`bilat.indicators.events.indicators` from the
aggregate when the query allows it — de-duplication ``none`` (and ``root`` for GDELT, whose
IsRootEvent is a key), any actor-type filter, dates, GDELT versions, one CAMEO code per
country for GDELT (as the volume summary) — and returns ``None`` otherwise, so the event-level
path answers (``daily`` de-duplication and event ids need the rows). Set ``BILAT_DYAD_DAY=0``
to always take the event path. ``tests/store/test_dyad_day.py`` checks both paths give the
same table.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from bilat.indicators.events import DyadQuery
    from bilat.rows import Rows
    from bilat.store import Store

#: Sources the layer summarises (GDELT parts, ICEWS files).
SOURCES: tuple[str, ...] = ("gdelt", "icews")

_DDL = (
    """CREATE TABLE IF NOT EXISTS dyad_day (
    source VARCHAR NOT NULL,         -- 'gdelt' or 'icews'
    unit VARCHAR NOT NULL,           -- GDELT part (gdelt_parts) or ICEWS file (source_file)
    sqldate INTEGER NOT NULL,        -- event day, YYYYMMDD
    version TINYINT,                 -- GDELT version (1, 2); NULL for ICEWS
    is_root TINYINT,                 -- GDELT IsRootEvent; NULL for ICEWS
    actor1_code VARCHAR NOT NULL,    -- GDELT CAMEO country code as given; ICEWS ISO3
    actor2_code VARCHAR NOT NULL,
    actor1_iso3 VARCHAR,             -- as the canonical events view maps the code
    actor2_iso3 VARCHAR,
    actor1_types VARCHAR,            -- CAMEO actor types, comma-separated (NULL: none)
    actor2_types VARCHAR,
    cameo_root VARCHAR,              -- CAMEO root code, '01'..'20'
    quad_class TINYINT,              -- 1-4: verbal/material cooperation, verbal/material conflict
    events BIGINT NOT NULL,
    goldstein_sum DOUBLE, goldstein_n BIGINT NOT NULL,
    goldstein_mentions_sum DOUBLE,   -- sum of GoldsteinScale x NumMentions (GDELT)
    mentions BIGINT,                 -- sum of NumMentions (GDELT)
    tone_sum DOUBLE, tone_n BIGINT NOT NULL,  -- AvgTone (GDELT)
    contacts BIGINT NOT NULL)        -- CAMEO 036, 040-046 between government actors""",
    # the same sums without actor types and CAMEO root: a few rows per dyad and day, read
    # whenever no actor-type filter is asked
    "CREATE TABLE IF NOT EXISTS dyad_day_totals AS SELECT * FROM dyad_day LIMIT 0",
    """CREATE TABLE IF NOT EXISTS dyad_day_volume (
    source VARCHAR NOT NULL, unit VARCHAR NOT NULL, sqldate INTEGER NOT NULL,
    version TINYINT, is_root TINYINT,
    country VARCHAR,                 -- actor country code (NULL: every record of the day)
    iso3 VARCHAR,
    events BIGINT NOT NULL)          -- records with the country as actor 1 or 2, once each""",
    """CREATE TABLE IF NOT EXISTS dyad_day_units (
    source VARCHAR NOT NULL, unit VARCHAR NOT NULL, PRIMARY KEY (source, unit))""",
)


def _contact_list() -> str:
    from bilat.reference.cameo import CONTACT_CODES

    return "(" + ", ".join(f"'{c}'" for c in CONTACT_CODES) + ")"


def _q(text: str) -> str:
    return str(text).replace("'", "''")


def ensure_tables(con: Any) -> None:
    """Create the layer's tables when missing (inside the caller's transaction)."""
    for ddl in _DDL:
        con.execute(ddl)


def _drop_unit(con: Any, source: str, unit: str) -> None:
    for table in ("dyad_day", "dyad_day_totals", "dyad_day_volume", "dyad_day_units"):
        con.execute(f"DELETE FROM {table} WHERE source = ? AND unit = ?", [source, unit])


def _cameo_values() -> str:
    from bilat.reference.countries import iso3_map

    rows = ", ".join(f"('{_q(k)}', '{v}')" for k, v in sorted(iso3_map("cameo").items()))
    return f"(VALUES {rows})"


# ----------------------------------------------------------------------------- ingest hooks
def summarise_gdelt_part(con: Any, part: Path) -> None:
    """Add a GDELT Parquet part's dyad-day sums and country-day volumes (call inside the
    transaction that registers the part in ``gdelt_parts``; replaces any earlier summary of
    a part of that name). Uses the sums :func:`stage_gdelt` staged for the part (as the
    ingest does before its transaction) when there, else reads the part."""
    from bilat.sources.gdelt import _files

    cells = _staged(part.name)[0]
    staged = con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary "
                         "AND table_name = ?", [cells]).fetchall()[0][0]
    if not staged:
        stage_gdelt(con, f"read_parquet({_files([part])})", part.name)
    store_gdelt_part(con, part.name)


def _staged(unit: str) -> tuple[str, str, str, str]:
    """Temporary tables :func:`stage_gdelt` fills for ``unit``: dyad cells, totals, country
    volumes in ``dyad_day_volume``'s shape, and the plain volumes (for ``gdelt_volume``)."""
    tag = "".join(ch for ch in str(unit) if ch.isalnum() or ch == "_")
    return (f"__bilat_gdelt_cells_{tag}", f"__bilat_gdelt_totals_{tag}",
            f"__bilat_gdelt_dvol_{tag}", f"__bilat_gdelt_vol_{tag}")


def stage_gdelt(con: Any, src: str, unit: str) -> None:
    """Summarise GDELT events (``src``: SQL source of store columns, e.g. a ``read_parquet``
    of a part just written) as part ``unit``'s rows of ``dyad_day``, ``dyad_day_totals`` and
    ``dyad_day_volume``, labelled and sorted, in temporary tables: one grouped scan for the
    dyad cells (both actors with a country) and one for the country-day volumes (grouped by
    day and the two actors' countries first, so each event counts once per country it
    names). :func:`store_gdelt_part` then only copies them, inside the ingest's transaction.

    Runs outside that transaction (temporary tables only)."""
    cells, totals, dvol, vol = _staged(unit)
    contact = (f"EventCode IN {_contact_list()} AND Actor1Type1Code = 'GOV' "
               "AND Actor2Type1Code = 'GOV'")  # NULL counts as no contact
    cameo = _cameo_values()
    # grouped on the raw columns first (no per-event string work), then labelled and sorted
    # by dyad and day so that DuckDB's zone maps skip other dyads' row groups
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {cells} AS
        SELECT 'gdelt' AS source, '{_q(unit)}' AS unit, g.SQLDATE AS sqldate,
               g.gdelt_version AS version, g.IsRootEvent AS is_root, g.a1 AS actor1_code,
               g.a2 AS actor2_code, c1.iso3 AS actor1_iso3, c2.iso3 AS actor2_iso3,
               NULLIF(concat_ws(',', g.t11, g.t12, g.t13), '') AS actor1_types,
               NULLIF(concat_ws(',', g.t21, g.t22, g.t23), '') AS actor2_types,
               g.root AS cameo_root, g.quad AS quad_class, g.n AS events,
               g.gsum AS goldstein_sum, g.gn AS goldstein_n, g.gw AS goldstein_mentions_sum,
               g.mentions, g.tsum AS tone_sum, g.tn AS tone_n, g.contacts
        FROM (SELECT SQLDATE, gdelt_version, IsRootEvent, Actor1CountryCode AS a1,
                     Actor2CountryCode AS a2, Actor1Type1Code AS t11, Actor1Type2Code AS t12,
                     Actor1Type3Code AS t13, Actor2Type1Code AS t21, Actor2Type2Code AS t22,
                     Actor2Type3Code AS t23, EventRootCode AS root, QuadClass AS quad,
                     count(*) AS n, sum(GoldsteinScale) AS gsum, count(GoldsteinScale) AS gn,
                     sum(GoldsteinScale * NumMentions) AS gw, sum(NumMentions) AS mentions,
                     sum(AvgTone) AS tsum, count(AvgTone) AS tn,
                     count_if(coalesce({contact}, FALSE)) AS contacts
              FROM {src}
              WHERE Actor1CountryCode IS NOT NULL AND Actor2CountryCode IS NOT NULL
              GROUP BY ALL) g
        LEFT JOIN {cameo} c1(code, iso3) ON g.a1 = c1.code
        LEFT JOIN {cameo} c2(code, iso3) ON g.a2 = c2.code
        ORDER BY actor1_code, actor2_code, sqldate""")
    keys = ["source", "unit", "sqldate", "version", "is_root", "actor1_code", "actor2_code",
            "actor1_iso3", "actor2_iso3", "quad_class"]
    sel = [c if c in keys else f"NULL AS {c}" if c in ("actor1_types", "actor2_types",
                                                        "cameo_root") else f"sum({c}) AS {c}"
           for c in _CELL_COLUMNS]
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {totals} AS
        SELECT {', '.join(sel)} FROM {cells} GROUP BY {', '.join(keys)}
        ORDER BY actor1_code, actor2_code, sqldate""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {vol} AS
        SELECT SQLDATE, gdelt_version, IsRootEvent, country, sum(n)::BIGINT AS events
        FROM (SELECT SQLDATE, gdelt_version, IsRootEvent, Actor1CountryCode AS a1,
                     Actor2CountryCode AS a2, count(*) AS n
              FROM {src} GROUP BY ALL) g,
             LATERAL (SELECT g.a1 AS country WHERE g.a1 IS NOT NULL
                      UNION ALL SELECT g.a2 WHERE g.a2 IS NOT NULL
                                             AND g.a2 IS DISTINCT FROM g.a1
                      UNION ALL SELECT NULL)  -- NULL: every event of the day
        GROUP BY ALL""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {dvol} AS
        SELECT 'gdelt' AS source, '{_q(unit)}' AS unit, v.SQLDATE AS sqldate,
               v.gdelt_version AS version, v.IsRootEvent AS is_root, v.country, c.iso3,
               v.events
        FROM {vol} v LEFT JOIN {cameo} c(code, iso3) ON v.country = c.code
        ORDER BY v.country, v.SQLDATE""")


#: ``dyad_day``'s columns in order (as in :data:`_DDL`).
_CELL_COLUMNS = ("source", "unit", "sqldate", "version", "is_root", "actor1_code",
                 "actor2_code", "actor1_iso3", "actor2_iso3", "actor1_types", "actor2_types",
                 "cameo_root", "quad_class", "events", "goldstein_sum", "goldstein_n",
                 "goldstein_mentions_sum", "mentions", "tone_sum", "tone_n", "contacts")


def staged_gdelt_volume(unit: str) -> str:
    """Name of the temporary table of country-day volumes :func:`stage_gdelt` made for
    ``unit`` (columns SQLDATE, gdelt_version, IsRootEvent, country — NULL: every event of
    the day — and events)."""
    return _staged(unit)[3]


def drop_staged_gdelt(con: Any, unit: str) -> None:
    """Drop what :func:`stage_gdelt` staged for ``unit``."""
    for table in _staged(unit):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def store_gdelt_part(con: Any, unit: str) -> None:
    """Write the rows :func:`stage_gdelt` staged for GDELT part ``unit`` into ``dyad_day``,
    ``dyad_day_totals`` and ``dyad_day_volume`` (call inside the transaction that registers
    the part; replaces any earlier summary of that part), then drop the staged tables."""
    cells, totals, dvol, _vol = _staged(unit)
    ensure_tables(con)
    _drop_unit(con, "gdelt", unit)
    cols = ", ".join(_CELL_COLUMNS)
    con.execute(f"INSERT INTO dyad_day ({cols}) SELECT {cols} FROM {cells}")
    con.execute(f"INSERT INTO dyad_day_totals ({cols}) SELECT {cols} FROM {totals}")
    con.execute(f"INSERT INTO dyad_day_volume SELECT * FROM {dvol}")
    con.execute("INSERT INTO dyad_day_units VALUES ('gdelt', ?)", [unit])
    drop_staged_gdelt(con, unit)


def _stage(con: Any) -> None:
    """An empty temporary table with ``dyad_day``'s columns, for one unit's cells."""
    con.execute("CREATE OR REPLACE TEMP TABLE __bilat_dd AS SELECT * FROM dyad_day LIMIT 0")


def _store_cells(con: Any) -> None:
    """Move the staged cells (``__bilat_dd``, in ``dyad_day``'s column order) into
    ``dyad_day`` and their sums without types and root into ``dyad_day_totals``, both sorted
    by dyad and day so that DuckDB's zone maps skip other dyads' row groups."""
    cols = [r[0] for r in con.execute("DESCRIBE dyad_day").fetchall()]
    con.execute("INSERT INTO dyad_day SELECT * FROM __bilat_dd "
                "ORDER BY actor1_code, actor2_code, sqldate")
    keys = ["source", "unit", "sqldate", "version", "is_root", "actor1_code", "actor2_code",
            "actor1_iso3", "actor2_iso3", "quad_class"]
    sel = [c if c in keys else f"NULL AS {c}" if c in ("actor1_types", "actor2_types",
                                                        "cameo_root") else f"sum({c})"
           for c in cols]
    con.execute(f"INSERT INTO dyad_day_totals SELECT {', '.join(sel)} FROM __bilat_dd "
                f"GROUP BY {', '.join(keys)} ORDER BY actor1_code, actor2_code, sqldate")
    con.execute("DROP TABLE __bilat_dd")


def summarise_icews_file(con: Any, file: str, table: str = "icews_events") -> None:
    """(Re)build one ICEWS file's dyad-day sums and country-day volumes from the rows stored
    for it in ``table`` (call inside the transaction that stored them: a replaced file's
    earlier sums go with its earlier rows)."""
    ensure_tables(con)
    _drop_unit(con, "icews", file)
    gov = ("(list_contains(string_split(coalesce(actor{n}_types, ''), ','), 'GOV') "
           "OR actor{n}_leader IS NOT NULL)")
    contact = (f"coalesce(left(cameo_code, 3) IN {_contact_list()}, FALSE) AND "
               f"{gov.format(n=1)} AND {gov.format(n=2)}")
    where = "source_file = ?"
    _stage(con)
    con.execute(f"""INSERT INTO __bilat_dd
        SELECT 'icews', ?, CAST(sqldate AS INTEGER), NULL, NULL, actor1_iso3, actor2_iso3,
               actor1_iso3, actor2_iso3, actor1_types, actor2_types, cameo_root, quad_class,
               count(*), sum(intensity), count(intensity), NULL, NULL, NULL, 0,
               count_if({contact})
        FROM "{table}" WHERE {where} AND actor1_iso3 IS NOT NULL AND actor2_iso3 IS NOT NULL
        GROUP BY ALL""", [file, file])
    _store_cells(con)
    con.execute(f"""INSERT INTO dyad_day_volume
        SELECT 'icews', ?, CAST(sqldate AS INTEGER), NULL, NULL, country, country, count(*)
        FROM (SELECT sqldate, actor1_iso3 AS country FROM "{table}"
              WHERE {where} AND actor1_iso3 IS NOT NULL
              UNION ALL
              SELECT sqldate, actor2_iso3 FROM "{table}" WHERE {where}
              AND actor2_iso3 IS NOT NULL AND actor2_iso3 IS DISTINCT FROM actor1_iso3
              UNION ALL
              SELECT sqldate, NULL FROM "{table}" WHERE {where})
        GROUP BY ALL ORDER BY country, 3""", [file, file, file, file])
    con.execute("INSERT INTO dyad_day_units VALUES ('icews', ?)", [file])


def on_stored(store: Store, table: str, file: str) -> None:
    """Hook for :func:`bilat.sources.core.ingest` (``Source.on_stored``): summarise the file
    just stored, inside its transaction."""
    if table == "icews_events":
        summarise_icews_file(store.con, file, table)


# ----------------------------------------------------------------------------- in step
def _wanted_units(store: Store, source: str) -> set[str] | None:
    con = store.con
    if source == "gdelt":
        if not store.has_table("gdelt_parts"):
            return None
        return {r[0] for r in con.execute("SELECT part FROM gdelt_parts").fetchall()}
    if not store.has_table("icews_events"):
        return None
    return {r[0] for r in con.execute(
        "SELECT DISTINCT key FROM ingest_log WHERE kind = 'icews'").fetchall()}


def ensure(store: Store, source: str) -> bool:
    """Bring the layer in step with ``source``'s stored units (summarise the missing ones,
    drop those no longer stored; one transaction). False when the source is not stored or
    the store cannot be written while out of step (a read-only store): read the events."""
    if source not in SOURCES:
        return False
    try:
        wanted = _wanted_units(store, source)
        if wanted is None:
            return False
        have: set[str] = set()
        if store.has_table("dyad_day_units"):
            have = {r[0] for r in store.con.execute(
                "SELECT unit FROM dyad_day_units WHERE source = ?", [source]).fetchall()}
        complete = store.has_table("dyad_day") and store.has_table("dyad_day_totals")
        if wanted == have and complete:
            return True
        if getattr(store, "read_only", False):
            return False
        con = store.con
        folder = store.data_dir / "gdelt"
        with store.transaction():
            ensure_tables(con)
            if not complete:  # a layer from before dyad_day_totals: summarise afresh
                for unit in sorted(have):
                    _drop_unit(con, source, unit)
                have = set()
            for unit in sorted(have - wanted):
                _drop_unit(con, source, unit)
            for unit in sorted(wanted - have):
                if source == "gdelt":
                    summarise_gdelt_part(con, folder / unit)
                else:
                    summarise_icews_file(con, unit)
        con.execute("SELECT 1").fetchall()
    except Exception:  # noqa: BLE001 - damaged or read-only store: the event path answers
        return False
    return True


def enabled() -> bool:
    """False when ``BILAT_DYAD_DAY`` is 0/false/no/off (always read the events)."""
    return os.environ.get("BILAT_DYAD_DAY", "1").strip().lower() not in ("0", "false", "no",
                                                                         "off")


def applies(store: Any, source: str, q: DyadQuery) -> bool:
    """Whether :func:`read` can answer ``q`` for ``source`` exactly from the aggregate."""
    from bilat.indicators.events import local_path_applies

    if not enabled() or source not in SOURCES or getattr(store, "engine", "duckdb") != "duckdb":
        return False
    if source == "gdelt" and (q.dedup not in ("none", "root") or not local_path_applies(q)):
        return False
    if source == "icews" and q.dedup != "none":
        return False
    from bilat.indicators.events import memo_value  # once per store generation

    return bool(memo_value(store, ("dyad_day_in_step", source), lambda: ensure(store, source)))


# ----------------------------------------------------------------------------- reading
_PERIOD = {"day": None, "week": "week", "month": "month", "quarter": "quarter",
           "year": "year"}


def _period_sql(period: str) -> str:
    day = ("make_date(CAST(sqldate // 10000 AS INTEGER), CAST(sqldate // 100 % 100 AS INTEGER), "
           "CAST(sqldate % 100 AS INTEGER))")
    unit = _PERIOD[period]
    return day if unit is None else f"CAST(date_trunc('{unit}', {day}) AS DATE)"


def _in(values: Sequence[str]) -> str:
    return "(" + ", ".join(f"'{_q(v)}'" for v in values) + ")"


@lru_cache(maxsize=256)
def _codes(iso3: str) -> tuple[str, ...]:
    from bilat.indicators.events import cameo_codes

    return tuple(cameo_codes(iso3))


def _where(source: str, q: DyadQuery) -> tuple[list[str], list[Any]]:
    """Filters on source, dates and GDELT versions, as SQL with the values inline (they are
    validated integers and a fixed source name), so each equality scan below can repeat them;
    the empty parameter list keeps the callers' shape."""
    where = [f"source = '{_q(source)}'"]
    if q.start is not None:
        where.append(f"sqldate >= {int(q.start)}")
    if q.end is not None:
        where.append(f"sqldate <= {int(q.end)}")
    if source == "gdelt" and q.versions:
        where.append(f"version IN ({', '.join(str(int(v)) for v in q.versions)})")
    return where, []


def _dyad_rows(where: list[str], q: DyadQuery, code_of: dict[str, str]) -> str:
    """``dyad_day`` rows of the query's ordered dyads, one equality scan per ordered pair of
    codes (DuckDB's zone maps skip other dyads for ``=``, not for ``IN`` lists)."""
    wanted = {frozenset(p) for p in q.pairs}
    table = "dyad_day" if q.actor_types else "dyad_day_totals"  # types: the full table
    scans = []
    for x, cx in sorted(code_of.items()):
        for y, cy in sorted(code_of.items()):
            if cx != cy and frozenset((cx, cy)) in wanted:
                scans.append(f"SELECT * FROM {table} WHERE {' AND '.join(where)} AND "
                             f"actor1_code = '{_q(x)}' AND actor2_code = '{_q(y)}'")
    return "(" + " UNION ALL ".join(scans) + ")"


def _country_rows(where: list[str], code_of: dict[str, str]) -> str:
    """``dyad_day_volume`` rows of the query's countries, one equality scan per code."""
    return "(" + " UNION ALL ".join(
        f"SELECT * FROM dyad_day_volume WHERE {' AND '.join(where)} AND country = '{_q(x)}'"
        for x in sorted(code_of)) + ")"


def _typed(q: DyadQuery) -> str:
    if not q.actor_types:
        return "TRUE"
    wanted = "[" + ", ".join(f"'{_q(t)}'" for t in q.actor_types) + "]"
    return " AND ".join(
        f"coalesce(list_has_any(string_split(actor{n}_types, ','), {wanted}), FALSE)"
        for n in (1, 2))


def _cells(store: Store, source: str, q: DyadQuery, code_of: dict[str, str]
           ) -> list[dict[str, Any]]:
    """Dyad sums per period and (actor 1, actor 2) query country (``c1``, ``c2``), typed and
    root-filtered; a sum over no kept rows is None."""
    from bilat.indicators.events import QUADS

    where, params = _where(source, q)
    typed = _typed(q)
    keep = f"{typed} AND is_root = 1" if q.dedup == "root" else typed
    quads = ", ".join(f"sum(events) FILTER (WHERE {keep} AND quad_class = {k}) AS {name}"
                      for k, name in QUADS.items())
    cur = store.con.execute(f"""
        SELECT {_period_sql(q.period)} AS period, actor1_code, actor2_code,
               sum(events) FILTER (WHERE {keep}) AS events,
               sum(events) FILTER (WHERE {typed}) AS events_before_dedup, {quads},
               sum(goldstein_sum) FILTER (WHERE {keep}) AS _gsum,
               sum(goldstein_n) FILTER (WHERE {keep}) AS _gn,
               sum(goldstein_mentions_sum) FILTER (WHERE {keep}) AS _gw,
               sum(mentions) FILTER (WHERE {keep}) AS mentions,
               sum(contacts) FILTER (WHERE {keep}) AS gov_contacts,
               sum(tone_sum) FILTER (WHERE {keep}) AS _tsum,
               sum(tone_n) FILTER (WHERE {keep}) AS _tn
        FROM {_dyad_rows(where, q, code_of)} GROUP BY ALL""", params)
    names = [d[0] for d in cur.description]
    cells = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    for c in cells:
        c["c1"], c["c2"] = code_of.get(c["actor1_code"]), code_of.get(c["actor2_code"])
    return cells


def _volumes(store: Store, source: str, q: DyadQuery, code_of: dict[str, str]
             ) -> dict[tuple[str, date], int]:
    where, params = _where(source, q)
    if q.dedup == "root":
        where.append("is_root = 1")
    out: dict[tuple[str, date], int] = {}
    for period, country, volume in store.con.execute(
            f"SELECT {_period_sql(q.period)} AS period, country, sum(events) AS volume "
            f"FROM {_country_rows(where, code_of)} GROUP BY ALL", params).fetchall():
        key = (code_of[country], period)
        out[key] = out.get(key, 0) + int(volume)
    return out


_SUMS = ("events", "events_before_dedup", "verbal_coop", "material_coop", "verbal_conflict",
         "material_conflict", "_gsum", "_gn", "_gw", "mentions", "gov_contacts", "_tsum", "_tn")


def _directions(q: DyadQuery, a: str, b: str, cells: list[dict[str, Any]]
                ) -> list[tuple[str, list[dict[str, Any]]]]:
    ab = [c for c in cells if c["c1"] == a and c["c2"] == b]
    ba = [c for c in cells if c["c1"] == b and c["c2"] == a]
    chosen = []
    if q.direction in ("both", "directed", "a2b"):
        chosen.append((f"{a}→{b}", ab))
    if q.direction in ("both", "directed", "b2a"):
        chosen.append((f"{b}→{a}", ba))
    if q.direction in ("both", "undirected"):
        chosen.append((f"{a}–{b}", [c for c in cells if (c["c1"], c["c2"]) in ((a, b), (b, a))]))
    return chosen


def _label(col: str, code_of: dict[str, str]) -> str:
    """SQL: the query country (ISO3) whose code ``col`` holds."""
    by: dict[str, list[str]] = {}
    for code, c in code_of.items():
        by.setdefault(c, []).append(code)
    return "CASE " + " ".join(f"WHEN {col} IN {_in(sorted(v))} THEN '{c}'"
                              for c, v in sorted(by.items())) + " END"


def _gdelt_sql(q: DyadQuery, code_of: dict[str, str]) -> tuple[str, list[Any]]:
    """One DuckDB query giving the rows of ``gdelt_indicators`` from the aggregate."""
    from bilat.indicators.events import INDICATORS, QUADS

    where, params = _where("gdelt", q)
    typed = _typed(q)
    keep = f"{typed} AND is_root = 1" if q.dedup == "root" else typed
    per = _period_sql(q.period)
    sums = [f"coalesce(sum(events) FILTER (WHERE {keep}), 0) AS events",
            f"coalesce(sum(events) FILTER (WHERE {typed}), 0) AS events_before_dedup",
            *[f"coalesce(sum(events) FILTER (WHERE {keep} AND quad_class = {k}), 0) AS {n}"
              for k, n in QUADS.items()],
            f"sum(goldstein_sum) FILTER (WHERE {keep}) AS _gsum",
            f"coalesce(sum(goldstein_n) FILTER (WHERE {keep}), 0) AS _gn",
            f"sum(goldstein_mentions_sum) FILTER (WHERE {keep}) AS _gw",
            f"coalesce(sum(mentions) FILTER (WHERE {keep}), 0) AS mentions",
            f"coalesce(sum(contacts) FILTER (WHERE {keep}), 0) AS gov_contacts",
            f"sum(tone_sum) FILTER (WHERE {keep}) AS _tsum",
            f"coalesce(sum(tone_n) FILTER (WHERE {keep}), 0) AS _tn"]
    names = [x.rsplit(" AS ", 1)[1] for x in sums]
    vol_where = [*where, *(["is_root = 1"] if q.dedup == "root" else [])]
    parts = []
    for a, b in q.pairs:
        dirs = []
        if q.direction in ("both", "directed", "a2b"):
            dirs.append((f"{a}→{b}", f"c1 = '{a}' AND c2 = '{b}'"))
        if q.direction in ("both", "directed", "b2a"):
            dirs.append((f"{b}→{a}", f"c1 = '{b}' AND c2 = '{a}'"))
        if q.direction in ("both", "undirected"):
            dirs.append((f"{a}–{b}", f"c1 IN ('{a}', '{b}') AND c2 IN ('{a}', '{b}') "
                         "AND c1 <> c2"))
        for label, pred in dirs:
            parts.append(f"SELECT '{a}–{b}' AS dyad, '{label}' AS direction, '{a}' AS a, "
                         f"'{b}' AS b, period, " + ", ".join(f"sum({n}) AS {n}" for n in names)
                         + f" FROM cells WHERE {pred} GROUP BY period")
    quads_1k = ", ".join(f"{n} * 1000.0 / volume_{s} AS {n}_per_1k_{s}"
                         for n in QUADS.values() for s in ("a", "b"))
    coop = "(verbal_coop + material_coop)"
    conflict = "(verbal_conflict + material_conflict)"
    sql = f"""WITH cells AS (
        SELECT {per} AS period, {_label('actor1_code', code_of)} AS c1,
               {_label('actor2_code', code_of)} AS c2, {', '.join(sums)}
        FROM {_dyad_rows(where, q, code_of)} GROUP BY ALL),
      vol AS (SELECT {per} AS period, {_label('country', code_of)} AS c,
                     sum(events) AS volume
              FROM {_country_rows(vol_where, code_of)} GROUP BY ALL),
      d AS ({' UNION ALL '.join(parts)}),
      j AS (SELECT d.*, va.volume AS volume_a, vb.volume AS volume_b FROM d
            LEFT JOIN vol va ON va.c = d.a AND va.period = d.period
            LEFT JOIN vol vb ON vb.c = d.b AND vb.period = d.period WHERE d.events > 0)
    SELECT *, events * 1000.0 / volume_a AS events_per_1k_a,
           events * 1000.0 / volume_b AS events_per_1k_b, {quads_1k},
           CASE WHEN _gn > 0 THEN _gsum / _gn END AS goldstein_mean,
           CASE WHEN mentions > 0 THEN _gw / mentions END AS goldstein_weighted,
           CASE WHEN _tn > 0 THEN _tsum / _tn END AS avg_tone,
           {coop} - {conflict} AS net_cooperation,
           ({coop} - {conflict}) / CAST(events AS DOUBLE) AS net_cooperation_share,
           CASE WHEN verbal_coop > 0 THEN material_coop / CAST(verbal_coop AS DOUBLE) END
             AS material_verbal_ratio,
           '{q.dedup}' AS dedup
    FROM j"""
    cols = ", ".join(["dyad", "direction", "a", "b", "period", *INDICATORS, "dedup"])
    return f"SELECT {cols} FROM ({sql}) ORDER BY dyad, direction, period", params


def _gdelt(store: Store, q: DyadQuery) -> tuple[Rows, str]:
    """The table :func:`bilat.indicators.events.gdelt_indicators` gives, from the aggregate
    (one DuckDB query), with the GDELT coverage columns ``indicators`` adds; plain Python rows
    (:class:`bilat.rows.Rows`): this path never imports pandas."""
    from bilat.indicators import events as ev

    countries = sorted({c for pair in q.pairs for c in pair})
    code_of = {code: c for c in countries for code in _codes(c)}
    sql, params = _gdelt_sql(q, code_of)
    rows = ev.fetch_rows(store.con.execute(sql, params))
    if rows.empty:
        return rows, ev.no_gdelt_events_why(q)
    return ev.with_gdelt_coverage(store, ev.gdelt_table(rows, q), q), ""


def _icews(store: Store, q: DyadQuery, src: str = "icews") -> tuple[Rows, str]:
    """The table ``_record_indicators`` gives for ICEWS, from the aggregate (plain Python
    rows: this path never imports pandas). Every period from the first to the last day of
    ICEWS data in the window; a period without any (a gap) has NULL counts, never 0."""
    from bilat.indicators import events as ev
    from bilat.rows import Rows

    con = store.con
    where, params = _where(src, q)
    per = _period_sql(q.period)
    cov = con.execute(
        f"SELECT {per} AS period, count(DISTINCT sqldate) AS days FROM dyad_day_volume "
        f"WHERE {' AND '.join(where)} AND country IS NULL GROUP BY 1 ORDER BY 1",
        params).fetchall()
    if not cov:
        rng = con.execute("SELECT min(sqldate), max(sqldate), sum(events) FROM dyad_day_volume "
                          "WHERE source = ? AND country IS NULL", [src]).fetchall()[0]
        why = (f"the store's {src} events run from {ev._to_day(int(rng[0]))} to "
               f"{ev._to_day(int(rng[1]))}" if rng[2] else f"the store holds no {src} events")
        return Rows({}, {}), why
    countries = sorted({c for pair in q.pairs for c in pair})
    code_of = {c: c for c in countries}
    cells = _cells(store, src, q, code_of)
    volume = _volumes(store, src, q, code_of)
    grid = ev._grid(cov[0][0], cov[-1][0], q.period)
    days = {p: n for p, n in cov}
    counts = ("events", *ev.QUADS.values(), "gov_contacts", "events_before_dedup")
    records = []
    for a, b in q.pairs:
        for label, part in _directions(q, a, b, cells):
            by_period: dict[date, list[dict[str, Any]]] = {}
            for c in part:
                by_period.setdefault(c["period"], []).append(c)
            for p in grid:
                has = days.get(p, 0) > 0
                here = by_period.get(p, [])

                def total(col: str, here: list[dict[str, Any]] = here) -> Any:
                    vals = [c[col] for c in here if c[col] is not None]
                    return sum(vals) if vals else (0 if here else None)

                rec: dict[str, Any] = {"dyad": f"{a}–{b}", "direction": label, "a": a, "b": b,
                                       "period": p}
                for c in counts:
                    rec[c] = int(total(c) or 0) if has else None
                gsum, gn = total("_gsum"), total("_gn") or 0
                rec["goldstein_mean"] = gsum / gn if gn > 0 else float("nan")
                rec["volume_a"] = volume.get((a, p), 0) if has else None
                rec["volume_b"] = volume.get((b, p), 0) if has else None
                rec["coverage_present"] = int(days.get(p, 0))
                rec["coverage_expected"] = ev._days_in(p, q)
                records.append(rec)
    names = ["dyad", "direction", "a", "b", "period", *counts, "goldstein_mean", "volume_a",
             "volume_b", "coverage_present", "coverage_expected"]
    return ev.record_source_frame(Rows.from_records(
        records, ev._gdelt_kinds(names, counts="Int64")), src, q), ""


def read(store: Any, source: str, q: DyadQuery) -> tuple[Rows, str] | None:
    """Indicator rows for ``source`` and ``q`` from the dyad-day aggregate, as
    :func:`bilat.indicators.events.indicators` builds them per source (rows as
    :class:`bilat.rows.Rows`, why-empty), or ``None`` when the aggregate cannot answer
    exactly (the caller reads the events). Never imports pandas."""
    if not applies(store, source, q):
        return None
    return _gdelt(store, q) if source == "gdelt" else _icews(store, q)


__all__ = ["SOURCES", "applies", "enabled", "ensure", "ensure_tables", "on_stored", "read",
           "drop_staged_gdelt", "stage_gdelt", "staged_gdelt_volume", "store_gdelt_part",
           "summarise_gdelt_part", "summarise_icews_file"]
