"""Dyad indicators from GDELT events, as Ibis expressions (DuckDB here; Spark and BigQuery SQL).

For a pair of states A and B and a period (day, week, month, quarter, year) each output row
gives, for one direction (``A→B``: A is Actor1 and B Actor2; ``B→A``; ``A–B`` undirected,
both directions counted once):

- ``events``: events after de-duplication; ``events_before_dedup`` and ``dedup`` show the
  effect of the de-duplication choice (``none``; ``daily`` = one event per day, directed dyad
  and CAMEO EventCode, the lowest GLOBALEVENTID standing for the group; ``root`` = only
  events GDELT marks IsRootEvent = 1).
- ``verbal_coop``, ``material_coop``, ``verbal_conflict``, ``material_conflict``: counts by
  GDELT QuadClass 1-4.
- ``volume_a``, ``volume_b``: denominators — every event in the period with A (resp. B) as
  Actor1 or Actor2, any partner and actor type, same de-duplication and GDELT versions;
  ``events_per_1k_a``/``_b`` and ``{quad}_per_1k_a``/``_b``: counts per 1,000 of them. Raw
  GDELT counts mostly measure news coverage, so read the normalised columns.
- ``goldstein_mean`` (mean GoldsteinScale), ``goldstein_weighted`` (weighted by NumMentions),
  ``net_cooperation`` (cooperation minus conflict events) and ``net_cooperation_share``
  (the same divided by events), ``material_verbal_ratio`` (material over verbal cooperation
  events: deeds per word; NULL without verbal cooperation), ``gov_contacts`` (CAMEO 036 and
  040-046 with both actors' primary type, Actor1Type1Code/Actor2Type1Code, GOV — GDELT codes
  heads of state and ministers as GOV), ``avg_tone`` (mean AvgTone), ``mentions`` (sum of
  NumMentions).

Countries are matched on ``Actor1CountryCode``/``Actor2CountryCode`` (CAMEO codes, kept as
given in the store), which :mod:`bilat.reference.countries` maps to ISO3; the CAMEO codes of
each ISO3 country are used as given. Action geography uses FIPS codes (CH = China, RS =
Russia), mapped the same way in :func:`events_in_window`. The GLOBALEVENTIDs and SOURCEURLs
behind any cell are listed by :func:`ids`.

Evaluation: :func:`indicator_expr` is the one definition. It reads the events once into a
small cube (period × Actor1 country × Actor2 country sums) that every dyad, direction and
denominator is summed from; that form is what ``bilat events sql`` prints for BigQuery and
Spark. On the local store the same expression takes its denominators from the per-day volume
summary kept at ingest (``gdelt_volume``) and scans only the pairs' events, whenever that is
exact (:func:`local_path_applies`); a test checks both give the same table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from bilat.errors import error
from bilat.reference.cameo import CONTACT_CODES

PERIODS: dict[str, str | None] = {"day": None, "week": "W", "month": "M", "quarter": "Q",
                                  "year": "Y"}
DIRECTIONS = ("both", "directed", "a2b", "b2a", "undirected")
DEDUP = ("none", "daily", "root")
QUADS = {1: "verbal_coop", 2: "material_coop", 3: "verbal_conflict", 4: "material_conflict"}
#: Every indicator column :func:`indicators` outputs (``--indicator NAME`` picks one).
INDICATORS: tuple[str, ...] = (
    "events", "events_before_dedup", *QUADS.values(), "volume_a", "volume_b",
    "events_per_1k_a", "events_per_1k_b",
    *[f"{q}_per_1k_{s}" for q in QUADS.values() for s in ("a", "b")],
    "goldstein_mean", "goldstein_weighted", "net_cooperation", "net_cooperation_share",
    "material_verbal_ratio", "gov_contacts", "avg_tone", "mentions",
)
#: Reference dyads shown beside the main pair by default in the CLI examples.
REFERENCE_DYADS: tuple[tuple[str, str], ...] = (("RUS", "BLR"), ("USA", "GBR"))
#: BigQuery's public GDELT 2.0 events table.
BIGQUERY_TABLE = ("gdelt-bq", "gdeltv2", "events")
ARROWS = {"a2b": "→", "b2a": "→", "undirected": "–"}


# ----------------------------------------------------------------------------- options
@dataclass(frozen=True)
class DyadQuery:
    """The choices behind an indicator table (validated; shared by indicators, ids, sql)."""

    pairs: tuple[tuple[str, str], ...]
    period: str = "month"
    direction: str = "both"
    actor_types: tuple[str, ...] = ()
    dedup: str = "none"
    start: int | None = None
    end: int | None = None
    versions: tuple[int, ...] = ()


def _check(value: str, options: Sequence[str], option: str) -> str:
    if value not in options:
        raise error("E012", value=value, option=option, options=", ".join(options))
    return value


def _yyyymmdd(value: str | date | int | None, *, end: bool = False) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return int(value.strftime("%Y%m%d"))
    text = str(value).strip()
    for fmt, fill in (("%Y-%m-%d", None), ("%Y%m%d", None), ("%Y-%m", "m"), ("%Y", "y")):
        try:
            d = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if end and fill == "m":
            return d.year * 10000 + d.month * 100 + 31  # SQLDATE <= YYYYMM31 ends the month
        if end and fill == "y":
            return d.year * 10000 + 1231
        return int(d.strftime("%Y%m%d"))
    raise error("E007", value=value)


def _iso3(value: str) -> str:
    from bilat.reference.countries import to_iso3

    code = to_iso3(str(value).strip(), "auto") or to_iso3(str(value).strip().upper(), "iso3")
    if code is None:
        raise error("E008", value=value)
    return code


def cameo_codes(iso3: str) -> list[str]:
    """CAMEO actor country codes that mean this ISO3 country (the code itself included)."""
    from bilat.reference.countries import iso3_map

    codes = {k for k, v in iso3_map("cameo").items() if v == iso3}
    codes.add(iso3)
    return sorted(codes)


def make_query(
    a: str, b: str, *, refs: Sequence[tuple[str, str]] = (), period: str = "month",
    direction: str = "both", actor_type: str | Sequence[str] | None = None,
    dedup: str = "none", start: str | date | int | None = None,
    end: str | date | int | None = None, versions: Sequence[int] = (),
) -> DyadQuery:
    """Validate options into a :class:`DyadQuery` (countries as ISO3, dates as YYYYMMDD)."""
    pairs = [(_iso3(a), _iso3(b))] + [(_iso3(x), _iso3(y)) for x, y in refs]
    for x, y in pairs:
        if x == y:
            raise error("E116", value=x)
    unique = tuple(dict.fromkeys(pairs))
    if isinstance(actor_type, str):
        types = tuple(t.strip().upper() for t in actor_type.split(",") if t.strip())
    else:
        types = tuple(t.upper() for t in (actor_type or ()))
    if types:
        from bilat.reference.cameo import load_cameo_actortypes

        valid = set(load_cameo_actortypes()["code"])
        for t in types:
            _check(t, sorted(valid), "--actor-type")
    lo, hi = _yyyymmdd(start), _yyyymmdd(end, end=True)
    if lo is not None and hi is not None and lo > hi:
        raise error("E115", start=start, end=end)
    for v in versions:
        _check(str(v), ["1", "2"], "--gdelt-version")
    return DyadQuery(
        pairs=unique, period=_check(period, list(PERIODS), "--period"),
        direction=_check(direction, DIRECTIONS, "--direction"), actor_types=types,
        dedup=_check(dedup, DEDUP, "--dedup"), start=lo, end=hi,
        versions=tuple(int(v) for v in versions),
    )


# ----------------------------------------------------------------------------- expressions
def _period_expr(t: Any, period: str) -> Any:
    return _period_of(t.SQLDATE, period)


def _period_of(sqldate: Any, period: str) -> Any:
    """The period (a date: the day, or the first day of its week, month …) of a YYYYMMDD int."""
    import ibis

    day = ibis.date(sqldate // 10000, (sqldate // 100) % 100, sqldate % 100)
    unit = PERIODS[period]
    return day if unit is None else day.truncate(unit)


def _window_preds(t: Any, q: DyadQuery, *, root: bool) -> list[Any]:
    """Filters shared by the events and the volume summary: dates, GDELT versions, root."""
    preds = []
    if q.start is not None:
        preds.append(q.start <= t.SQLDATE)
    if q.end is not None:
        preds.append(q.end >= t.SQLDATE)
    if q.versions:
        preds.append(t.gdelt_version.isin(list(q.versions)))
    if root:
        preds.append(t.IsRootEvent == 1)
    return preds


def _base(t: Any, q: DyadQuery, *, deduplicate: bool = True) -> Any:
    """Events in the date window and GDELT versions asked for (root events only for
    ``dedup="root"`` unless ``deduplicate`` is False)."""
    preds = _window_preds(t, q, root=deduplicate and q.dedup == "root")
    return t.filter(*preds) if preds else t


def _dedup_daily(t: Any) -> Any:
    import ibis

    rn = ibis.row_number().over(
        group_by=[t.SQLDATE, t.Actor1CountryCode, t.Actor2CountryCode, t.EventCode],
        order_by=t.GLOBALEVENTID,
    )
    return t.mutate(_rn=rn).filter(lambda s: s._rn == 0).drop("_rn")


def _has_type(t: Any, n: int, types: tuple[str, ...], *, primary: bool = False) -> Any:
    """Actor ``n`` has one of ``types`` among its type codes (only Type1Code if ``primary``)."""
    cols = [t[f"Actor{n}Type{i}Code"] for i in ((1,) if primary else (1, 2, 3))]
    pred = cols[0].isin(list(types))
    for c in cols[1:]:
        pred = pred | c.isin(list(types))
    return pred


#: Columns the indicator query reads (a narrow projection keeps the plan and the scan small).
INDICATOR_COLUMNS = (
    "SQLDATE", "Actor1CountryCode", "Actor2CountryCode", "Actor1Type1Code", "Actor2Type1Code",
    "EventCode", "QuadClass", "GoldsteinScale", "NumMentions", "AvgTone",
)


def _needed(q: DyadQuery, columns: Sequence[str]) -> list[str]:
    extra = ["GLOBALEVENTID"] if q.dedup == "daily" else []
    if q.actor_types:
        extra += [f"Actor{n}Type{i}Code" for n in (1, 2) for i in (2, 3)]
    return list(dict.fromkeys([*INDICATOR_COLUMNS, *extra, *columns]))


def _involved(t: Any, q: DyadQuery, *, deduplicate: bool = True,
              columns: Sequence[str] = INDICATOR_COLUMNS) -> Any:
    """Events with any country of ``q`` as Actor1 or Actor2: one narrow scan that both the
    dyads and the denominators are computed from."""
    base = _base(t, q, deduplicate=deduplicate).select(*_needed(q, columns))
    codes = sorted({c for pair in q.pairs for x in pair for c in cameo_codes(x)})
    involved = base.filter(base.Actor1CountryCode.isin(codes)
                           | base.Actor2CountryCode.isin(codes))
    # an aliased relation compiles to one CTE, so every branch reads this single scan
    return involved.alias("involved" if deduplicate else "involved_raw")


def dyad_events(t: Any, q: DyadQuery, *, deduplicate: bool = True,
                columns: Sequence[str] = INDICATOR_COLUMNS, involved: Any = None) -> Any:
    """Events of every pair in ``q`` labelled ``dyad``, ``direction``, ``a``, ``b``, ``period``.

    Undirected rows repeat the events of both directions under direction ``A–B``.
    """
    import ibis

    base = involved if involved is not None else _involved(
        t, q, deduplicate=deduplicate, columns=columns)
    if q.actor_types:
        base = base.filter(_has_type(base, 1, q.actor_types), _has_type(base, 2, q.actor_types))
    parts = []
    for a, b in q.pairs:
        ca, cb = cameo_codes(a), cameo_codes(b)
        ab = base.Actor1CountryCode.isin(ca) & base.Actor2CountryCode.isin(cb)
        ba = base.Actor1CountryCode.isin(cb) & base.Actor2CountryCode.isin(ca)
        pair = base.filter(ab | ba)
        if deduplicate and q.dedup == "daily":
            pair = _dedup_daily(pair)
        is_ab = pair.Actor1CountryCode.isin(ca) & pair.Actor2CountryCode.isin(cb)
        labelled = pair.mutate(
            dyad=ibis.literal(f"{a}–{b}"), a=ibis.literal(a), b=ibis.literal(b),
            period=_period_expr(pair, q.period),
        )
        if q.direction in ("both", "directed", "a2b"):
            parts.append(labelled.filter(is_ab).mutate(direction=ibis.literal(f"{a}→{b}")))
        if q.direction in ("both", "directed", "b2a"):
            parts.append(labelled.filter(~is_ab).mutate(direction=ibis.literal(f"{b}→{a}")))
        if q.direction in ("both", "undirected"):
            parts.append(labelled.mutate(direction=ibis.literal(f"{a}–{b}")))
    return ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]


#: Sums kept per (period key, actor-1 country, actor-2 country) cell of the one-pass cube.
_CUBE_SUMS = ("volume", "events", "events_before_dedup", *QUADS.values(), "_gsum", "_gn",
              "_gw", "mentions", "gov_contacts", "_tsum", "_tn")


def _period_key(t: Any, period: str) -> Any:
    """SQLDATE coarsened to the first day of its month (month, quarter) or year, as an integer
    YYYYMMDD: the cube groups on it, and :func:`_period_expr` turns it into the period."""
    if period in ("month", "quarter"):
        return t.SQLDATE // 100 * 100 + 1
    if period == "year":
        return t.SQLDATE // 10000 * 10000 + 101
    return t.SQLDATE


def _country_label(col: Any, countries: Sequence[str]) -> Any:
    """The query country (ISO3) whose CAMEO codes hold ``col``, else NULL."""
    import ibis

    return ibis.cases(*[(col.isin(cameo_codes(c)), c) for c in countries],
                      else_=ibis.null("string"))


def _cube(t: Any, q: DyadQuery, *, volume: bool = True) -> Any:
    """ONE scan of the events table: every event with a country of ``q`` as Actor1 or Actor2,
    summed per period key, Actor1 country and Actor2 country (ISO3 of ``q``'s countries, NULL
    for any other). Each cell holds the denominators' count (``volume``: de-duplication
    applied, no actor-type filter) and the dyad sums (actor types and de-duplication applied),
    so dyads and denominators are read from this small table instead of rescanning events.
    Without ``volume`` only events between two of ``q``'s countries are read (a narrower
    scan whose filters the Parquet reader applies itself)."""
    import ibis

    countries = sorted({c for pair in q.pairs for c in pair})
    codes = sorted({c for x in countries for c in cameo_codes(x)})
    base = _base(t, q, deduplicate=False)
    cols = list(INDICATOR_COLUMNS) + (["IsRootEvent"] if q.dedup == "root" else [])
    if volume:
        inv = base.filter(base.Actor1CountryCode.isin(codes)
                          | base.Actor2CountryCode.isin(codes))
    else:  # only the pairs' events, in either direction
        a1, a2 = base.Actor1CountryCode, base.Actor2CountryCode
        pairs = [(cameo_codes(a), cameo_codes(b)) for a, b in q.pairs]
        pred = None
        for ca, cb in pairs:
            for x, y in ((ca, cb), (cb, ca)):
                p = a1.isin(x) & a2.isin(y)
                pred = p if pred is None else pred | p
        inv = base.filter(pred)
    inv = inv.select(*_needed(q, cols))
    # conditions (None: every row) for the denominators (keep) and the dyad sums (keep_d)
    typed = (_has_type(inv, 1, q.actor_types) & _has_type(inv, 2, q.actor_types)
             if q.actor_types else None)
    if typed is not None:
        inv = inv.mutate(_typed=typed)
        typed = inv._typed
    keep: Any = None
    keep_d: Any = typed
    if q.dedup == "daily":
        # one event per day, directed dyad and code (lowest GLOBALEVENTID): for the
        # denominators among all events, for the dyads among the actor-type-filtered ones
        keys = [inv.SQLDATE, inv.Actor1CountryCode, inv.Actor2CountryCode, inv.EventCode]
        windows = {"_rn": ibis.row_number().over(group_by=keys, order_by=inv.GLOBALEVENTID)}
        if typed is not None:
            windows["_rt"] = ibis.row_number().over(group_by=[*keys, inv._typed],
                                                    order_by=inv.GLOBALEVENTID)
        inv = inv.mutate(**windows)
        if typed is not None:
            typed = inv._typed  # the same column, of the relation the metrics read
            keep, keep_d = inv._rn == 0, inv._typed & (inv._rt == 0)
        else:
            keep = keep_d = inv._rn == 0
    elif q.dedup == "root":
        keep = inv.IsRootEvent == 1
        keep_d = keep if typed is None else inv._typed & keep

    def both(cond: Any, extra: Any) -> Any:
        return extra if cond is None else cond & extra

    contact = inv.EventCode.isin(list(CONTACT_CODES)) \
        & _has_type(inv, 1, ("GOV",), primary=True) & _has_type(inv, 2, ("GOV",), primary=True)
    metrics: dict[str, Any] = {
        "volume": inv.count(where=keep) if volume else ibis.literal(0),
        "events": inv.count(where=keep_d),
        "events_before_dedup": inv.count(where=typed),
    }
    for code, name in QUADS.items():
        metrics[name] = inv.count(where=both(keep_d, inv.QuadClass == code))
    metrics.update(
        _gsum=inv.GoldsteinScale.sum(where=keep_d),
        _gn=inv.GoldsteinScale.count(where=keep_d),
        _gw=(inv.GoldsteinScale * inv.NumMentions).sum(where=keep_d),
        mentions=inv.NumMentions.sum(where=keep_d),
        gov_contacts=inv.count(where=both(keep_d, contact)),
        _tsum=inv.AvgTone.sum(where=keep_d),
        _tn=inv.AvgTone.count(where=keep_d),
    )
    cube = inv.group_by(
        _pk=_period_key(inv, q.period),
        _c1=_country_label(inv.Actor1CountryCode, countries),
        _c2=_country_label(inv.Actor2CountryCode, countries),
    ).aggregate(**metrics)
    cube = cube.mutate(period=_period_of(cube._pk, q.period))
    # an aliased relation compiles to one CTE that every dyad and denominator reads
    return cube.alias("cube")


def _summary_volumes(v: Any, q: DyadQuery) -> Any:
    """Denominators from the store's per-day volume summary ``gdelt_volume`` (see
    :func:`bilat.sources.gdelt.volume_summary`): exact when each country has one CAMEO code
    and ``dedup`` is ``none`` or ``root``; :func:`local_path_applies` checks that."""
    import ibis

    countries = sorted({c for pair in q.pairs for c in pair})
    preds = [v.country.isin(sorted({c for x in countries for c in cameo_codes(x)})),
             *_window_preds(v, q, root=q.dedup == "root")]
    v = v.filter(*preds)
    return v.group_by(country=_country_label(v.country, countries),
                      period=_period_of(v.SQLDATE, q.period)).aggregate(
        volume=ibis._.events.sum())


def local_path_applies(q: DyadQuery) -> bool:
    """Whether the store's volume summary gives the same denominators as the events scan:
    no daily de-duplication (it needs every event) and one CAMEO code per country."""
    return q.dedup != "daily" and all(len(cameo_codes(c)) == 1 for p in q.pairs for c in p)


def indicator_expr(t: Any, q: DyadQuery, *, volume: Any = None) -> Any:
    """The indicator table for ``q`` as one Ibis expression over GDELT events table ``t``.

    One scan of ``t`` builds :func:`_cube`; each dyad, direction and denominator is a sum over
    its cells. The same expression compiles for DuckDB, Spark and BigQuery. With ``volume``
    (the store's ``gdelt_volume`` table; only where :func:`local_path_applies`) the
    denominators are read from that summary and the scan keeps only events between the
    pairs' countries: the local fast path, tested to give the same table.
    """
    import ibis

    cube = _cube(t, q, volume=volume is None)
    sums = {n: ibis._[n].sum() for n in _CUBE_SUMS if n != "volume"}
    parts = []
    for a, b in q.pairs:
        ab = (cube._c1 == a) & (cube._c2 == b)
        ba = (cube._c1 == b) & (cube._c2 == a)
        chosen = []
        if q.direction in ("both", "directed", "a2b"):
            chosen.append((f"{a}→{b}", ab))
        if q.direction in ("both", "directed", "b2a"):
            chosen.append((f"{b}→{a}", ba & ~ab))
        if q.direction in ("both", "undirected"):
            chosen.append((f"{a}–{b}", ab | ba))
        for label, pred in chosen:
            parts.append(cube.filter(pred).group_by("period").aggregate(**sums).mutate(
                dyad=ibis.literal(f"{a}–{b}"), direction=ibis.literal(label),
                a=ibis.literal(a), b=ibis.literal(b)))
    agg = ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
    agg = agg.filter(agg.events > 0)
    if volume is not None:
        vol = _summary_volumes(volume, q)
    else:
        vols = []
        for c in sorted({c for pair in q.pairs for c in pair}):
            vols.append(cube.filter((cube._c1 == c) | (cube._c2 == c)).group_by("period")
                        .aggregate(volume=ibis._.volume.sum()).mutate(country=ibis.literal(c)))
        vol = ibis.union(*vols, distinct=False) if len(vols) > 1 else vols[0]
    va = vol.rename(country_a="country", period_a="period", volume_a="volume")
    vb = vol.rename(country_b="country", period_b="period", volume_b="volume")
    agg = agg.left_join(va, (agg.a == va.country_a) & (agg.period == va.period_a))
    agg = agg.left_join(vb, (agg.b == vb.country_b) & (agg.period == vb.period_b))
    coop = agg.verbal_coop + agg.material_coop
    conflict = agg.verbal_conflict + agg.material_conflict
    out = {
        "events_per_1k_a": agg.events * 1000.0 / agg.volume_a,
        "events_per_1k_b": agg.events * 1000.0 / agg.volume_b,
    }
    for name in QUADS.values():
        out[f"{name}_per_1k_a"] = agg[name] * 1000.0 / agg.volume_a
        out[f"{name}_per_1k_b"] = agg[name] * 1000.0 / agg.volume_b
    out.update(
        goldstein_mean=ibis.ifelse(agg._gn > 0, agg._gsum / agg._gn, ibis.null()),
        goldstein_weighted=ibis.ifelse(agg.mentions > 0, agg._gw / agg.mentions, ibis.null()),
        avg_tone=ibis.ifelse(agg._tn > 0, agg._tsum / agg._tn, ibis.null()),
        net_cooperation=coop - conflict,
        net_cooperation_share=(coop - conflict) / agg.events.cast("float64"),
        material_verbal_ratio=ibis.ifelse(
            agg.verbal_coop > 0, agg.material_coop / agg.verbal_coop.cast("float64"),
            ibis.null()),
        dedup=ibis.literal(q.dedup),
    )
    agg = agg.mutate(**out)
    cols = ["dyad", "direction", "a", "b", "period", *INDICATORS, "dedup"]
    return agg.select(*cols).order_by(["dyad", "direction", "period"])

# ----------------------------------------------------------------------------- library API
def _events(store: Any) -> Any:
    from bilat.sources.gdelt import events_table

    return events_table(store)


def _unbound(dialect: str) -> Any:
    """The events table as an unbound Ibis table: ``gdelt_events`` or BigQuery's public one."""
    import ibis

    if dialect == "bigquery":
        catalog, database, name = BIGQUERY_TABLE
        return ibis.table(events_schema(bilat_columns=False), name=name, catalog=catalog,
                          database=database)
    return ibis.table(events_schema(), name="gdelt_events")


#: The store's per-day country volume summary, kept by :mod:`bilat.sources.gdelt` at ingest.
VOLUME_SCHEMA = {"part": "string", "SQLDATE": "int32", "gdelt_version": "int8",
                 "IsRootEvent": "int32", "country": "string", "events": "int64"}


@lru_cache(maxsize=128)
def compiled_sql(q: DyadQuery, dialect: str = "duckdb", local: bool = False) -> str:
    """SQL text of :func:`indicator_expr` for ``q`` in a dialect (cached: Ibis compiles once
    per distinct query; DuckDB then answers in milliseconds). ``local``: the store's fast
    path, denominators from ``gdelt_volume`` (DuckDB only)."""
    import ibis

    if dialect == "spark":
        _spark_compile_options()
    volume = ibis.table(VOLUME_SCHEMA, name="gdelt_volume") if local else None
    expr = indicator_expr(_unbound(dialect), q, volume=volume)
    return str(ibis.to_sql(expr, dialect="pyspark" if dialect == "spark" else dialect)).strip()


_SQL_CACHE = """CREATE TABLE IF NOT EXISTS gdelt_sql_cache (
    key VARCHAR PRIMARY KEY,   -- sha256 of the query options, dialect and this module's code
    sql VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"""


def _code_hash() -> str:
    import hashlib

    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def stored_sql(store: Any, q: DyadQuery, dialect: str = "duckdb", local: bool = False) -> str:
    """:func:`compiled_sql`, kept in the store's ``gdelt_sql_cache`` table so that a later
    process (each CLI call) skips the Ibis compile; the key includes a hash of this module,
    so a changed indicator definition is compiled afresh."""
    import hashlib

    key = hashlib.sha256(f"{q!r}|{dialect}|{local}|{_code_hash()}".encode()).hexdigest()
    con = store.con
    try:
        con.execute(_SQL_CACHE)
        hit = con.execute("SELECT sql FROM gdelt_sql_cache WHERE key = ?", [key]).fetchall()
    except Exception:  # a read-only store: compile every time
        return compiled_sql(q, dialect, local)
    if hit:
        return str(hit[0][0])
    text = compiled_sql(q, dialect, local)
    with contextlib.suppress(Exception):  # a read-only store keeps working without the cache
        con.execute("INSERT OR REPLACE INTO gdelt_sql_cache (key, sql) VALUES (?, ?)", [key, text])
    return text


def _run(store: Any, sql_text: str) -> pd.DataFrame:
    """Execute compiled SQL on the store. DuckDB's CTE filter pusher copies every consumer's
    filter into the shared ``cube`` scan, which then evaluates them on every event; it is
    switched off for this query only (measured 20-30% faster), and back on afterwards."""
    import duckdb

    from bilat.sources.gdelt import ensure_events_view

    ensure_events_view(store)  # the view exists and points at this store's Parquet files
    con = store.con
    try:
        con.execute("SET disabled_optimizers = 'cte_filter_pusher'")
        tuned = True
    except duckdb.Error:  # an engine without that optimizer: run as is
        tuned = False
    try:
        return con.execute(sql_text).df()
    finally:
        if tuned:
            con.execute("RESET disabled_optimizers")


def indicators(
    store: Any, a: str, b: str, *, refs: Sequence[tuple[str, str]] = (),
    period: str = "month", direction: str = "both", actor_type: str | Sequence[str] | None = None,
    dedup: str = "none", start: str | date | None = None, end: str | date | None = None,
    versions: Sequence[int] = (), indicator: str | None = None,
) -> pd.DataFrame:
    """Dyad indicators for A–B (and reference pairs) per period, with denominators.

    Returns one row per dyad, direction and period (see the module docstring for columns);
    with ``indicator`` only that column beside the keys and denominators.
    """
    q = make_query(a, b, refs=refs, period=period, direction=direction, actor_type=actor_type,
                   dedup=dedup, start=start, end=end, versions=versions)
    if indicator is not None:
        _check_indicator(indicator)
    df = _run(store, stored_sql(store, q, local=_local(store, q)))
    df["period"] = pd.to_datetime(df["period"]).dt.date
    order = {f"{x}–{y}": i for i, (x, y) in enumerate(q.pairs)}  # main pair first, then refs
    df = df.sort_values(["dyad", "direction", "period"], key=lambda c: c.map(order)
                        if c.name == "dyad" else c, kind="stable")
    for c in [*QUADS.values(), "events", "events_before_dedup", "volume_a", "volume_b",
              "gov_contacts", "mentions", "net_cooperation"]:
        df[c] = df[c].fillna(0).astype("int64")
    if indicator is not None:
        keep = ["dyad", "direction", "a", "b", "period", indicator, "events", "volume_a",
                "volume_b", "dedup"]
        df = df[list(dict.fromkeys(keep))]
    return df.reset_index(drop=True)


def _local(store: Any, q: DyadQuery) -> bool:
    """Use the local fast path (:func:`indicator_expr` with the volume summary)?"""
    from bilat.sources.gdelt import volume_summary

    return local_path_applies(q) and volume_summary(store)


def _check_indicator(name: str) -> str:
    if name not in INDICATORS:
        raise error("E112", value=name, options=", ".join(INDICATORS))
    return name


def dedup_effect(store: Any, a: str, b: str, **options: Any) -> pd.DataFrame:
    """Events per dyad and direction under each de-duplication choice, side by side."""
    rows = []
    for mode in DEDUP:
        opts = {k: v for k, v in options.items() if k not in ("dedup", "indicator")}
        df = indicators(store, a, b, dedup=mode, **opts)
        g = df.groupby(["dyad", "direction"], as_index=False)["events"].sum()
        g["dedup"] = mode
        rows.append(g)
    out = pd.concat(rows).pivot_table(index=["dyad", "direction"], columns="dedup",
                                      values="events", fill_value=0).reset_index()
    out.columns.name = None
    for mode in DEDUP:
        if mode in out:
            out[mode] = out[mode].astype("int64")
    return out


def events_schema(*, bilat_columns: bool = True) -> Any:
    """The Ibis schema of the store's GDELT events (upstream names; bilat columns optional)."""
    import ibis

    from bilat.sources.gdelt import FIELDS_V2, column_type

    types = {"BIGINT": "int64", "INTEGER": "int32", "DOUBLE": "float64", "VARCHAR": "string",
             "TINYINT": "int8"}
    names = FIELDS_V2 + (["gdelt_version", "source_file"] if bilat_columns else [])
    return ibis.schema({n: types[column_type(n)] for n in names})


def sql(
    a: str, b: str, *, dialect: str = "duckdb", refs: Sequence[tuple[str, str]] = (),
    period: str = "month", direction: str = "both", actor_type: str | Sequence[str] | None = None,
    dedup: str = "none", start: str | date | None = None, end: str | date | None = None,
) -> str:
    """The indicator query as SQL for ``duckdb`` (view gdelt_events), ``spark`` (table
    gdelt_events) or ``bigquery`` (the public ``gdelt-bq.gdeltv2.events`` table)."""

    from bilat.store.backends import DIALECTS

    _check(dialect, DIALECTS, "--dialect")
    q = make_query(a, b, refs=refs, period=period, direction=direction, actor_type=actor_type,
                   dedup=dedup, start=start, end=end)
    return compiled_sql(q, dialect) + ";\n"


def _spark_compile_options() -> None:
    """Ibis's Spark compiler reads ``ibis.options.pyspark``, which only the pyspark backend
    registers; compiling SQL must not need pyspark installed, so register the same default."""
    import ibis
    import ibis.config

    if getattr(ibis.options, "pyspark", None) is None:

        class _SparkOptions(ibis.config.Config):
            treat_nan_as_null: bool = False

        ibis.options.pyspark = _SparkOptions()


def _period_bounds(at: str, period: str) -> tuple[int, int]:
    """SQLDATE bounds of the period containing ``at`` (``2019-10``, ``2019-Q4``, ``2019``…)."""
    text = str(at).strip()
    try:
        if period == "year":
            y = int(text[:4])
            return y * 10000 + 101, y * 10000 + 1231
        if period == "quarter":
            y = int(text[:4])
            qn = int(text.upper().split("Q")[1]) if "Q" in text.upper() else \
                (int(text[5:7]) - 1) // 3 + 1
            if not 1 <= qn <= 4:
                raise ValueError
            m0 = 3 * (qn - 1) + 1
            return y * 10000 + m0 * 100 + 1, y * 10000 + (m0 + 2) * 100 + 31
        if period == "month":
            d = datetime.strptime(text[:7], "%Y-%m").date()
            return int(d.strftime("%Y%m%d")), int(d.strftime("%Y%m")) * 100 + 31
        d = datetime.strptime(text[:10], "%Y-%m-%d").date()
        if period == "week":
            from datetime import timedelta

            monday = d - timedelta(days=d.weekday())
            sunday = monday + timedelta(days=6)
            return int(monday.strftime("%Y%m%d")), int(sunday.strftime("%Y%m%d"))
        return int(d.strftime("%Y%m%d")), int(d.strftime("%Y%m%d"))
    except (ValueError, IndexError) as exc:
        examples = {"day": "2019-10-24", "week": "2019-10-21", "month": "2019-10",
                    "quarter": "2019-Q4", "year": "2019"}
        raise error("E113", value=at, period=period, example=examples[period]) from exc


#: Columns :func:`ids` returns: the events behind one indicator cell.
ID_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "dyad", "direction", "Actor1Code", "Actor1Name",
    "Actor1CountryCode", "Actor1Type1Code", "Actor2Code", "Actor2Name", "Actor2CountryCode",
    "Actor2Type1Code", "EventCode", "QuadClass", "GoldsteinScale", "NumMentions", "AvgTone",
    "IsRootEvent", "SOURCEURL", "source_file", "gdelt_version",
)


def ids(
    store: Any, a: str, b: str, *, at: str, period: str = "month",
    direction: str = "undirected",
    quad: int | None = None, contacts: bool = False, actor_type: str | Sequence[str] | None = None,
    dedup: str = "none", versions: Sequence[int] = (),
) -> pd.DataFrame:
    """The events (GLOBALEVENTID, SOURCEURL, source file …) behind one indicator cell.

    The cell is A–B, ``period`` containing ``at``, ``direction`` (``undirected`` by default,
    ``a2b``, ``b2a``; ``both``/``directed`` list the rows of every direction), optionally one
    QuadClass or only government contacts; counting these rows gives the cell's value.
    """
    lo, hi = _period_bounds(at, _check(period, list(PERIODS), "--period"))
    q = make_query(a, b, period=period, direction=direction, actor_type=actor_type, dedup=dedup,
                   start=lo, end=hi, versions=versions)
    import ibis

    ev = dyad_events(_unbound("duckdb"), q,
                     columns=[c for c in ID_COLUMNS if c not in ("dyad", "direction")])
    if quad is not None:
        _check(str(quad), ["1", "2", "3", "4"], "--quad")
        ev = ev.filter(ev.QuadClass == int(quad))
    if contacts:
        ev = ev.filter(ev.EventCode.isin(list(CONTACT_CODES)),
                       _has_type(ev, 1, ("GOV",), primary=True),
                       _has_type(ev, 2, ("GOV",), primary=True))
    expr = ev.select(*ID_COLUMNS).order_by(["direction", "SQLDATE", "GLOBALEVENTID"])
    return _run(store, str(ibis.to_sql(expr, dialect="duckdb"))).reset_index(drop=True)


def events_in_window(
    store: Any, actors: tuple[str, str] = ("RUS", "CHN"), start: str | date | None = None,
    end: str | date | None = None, other: str | None = None,
) -> pd.DataFrame:
    """Events between the two parties, or (``other`` given) involving a third country, in a
    date window — for statement lineage and readout checks.

    Without ``other``: events with one party as Actor1 and the other as Actor2. With
    ``other``: events between either party and ``other`` (either direction), plus A–B
    events whose action took place in ``other`` (FIPS ActionGeo_CountryCode). Columns:
    GLOBALEVENTID, date (datetime.date), SQLDATE, relation (``A-B``, ``A-other``,
    ``B-other``, ``A-B in other``), actor1_iso3, actor2_iso3, Actor1Code, Actor1Name,
    Actor1Type1Code, Actor2Code, Actor2Name, Actor2Type1Code, EventCode, EventRootCode,
    event_description (CAMEO), QuadClass, GoldsteinScale, NumMentions, NumSources,
    NumArticles, AvgTone, ActionGeo_CountryCode (FIPS), action_iso3, ActionGeo_FullName,
    SOURCEURL, source_file, gdelt_version. Sorted by date and event id.
    """
    from bilat.reference.cameo import load_cameo_eventcodes
    from bilat.reference.countries import iso3_map

    a, b = _iso3(actors[0]), _iso3(actors[1])
    o = _iso3(other) if other else None
    lo, hi = _yyyymmdd(start), _yyyymmdd(end, end=True)
    t = _events(store)
    preds = []
    if lo is not None:
        preds.append(lo <= t.SQLDATE)
    if hi is not None:
        preds.append(hi >= t.SQLDATE)
    base = t.filter(*preds) if preds else t
    ca, cb = cameo_codes(a), cameo_codes(b)
    a1, a2 = base.Actor1CountryCode, base.Actor2CountryCode
    ab = (a1.isin(ca) & a2.isin(cb)) | (a1.isin(cb) & a2.isin(ca))
    if o is None:
        cond = ab
    else:
        co = cameo_codes(o)
        fips = [k for k, v in iso3_map("fips").items() if v == o]
        cond = ((a1.isin(ca + cb) & a2.isin(co)) | (a1.isin(co) & a2.isin(ca + cb))
                | (ab & base.ActionGeo_CountryCode.isin(fips)))
    cols = ["GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1Name", "Actor1CountryCode",
            "Actor1Type1Code", "Actor2Code", "Actor2Name", "Actor2CountryCode",
            "Actor2Type1Code", "EventCode", "EventRootCode", "QuadClass", "GoldsteinScale",
            "NumMentions", "NumSources", "NumArticles", "AvgTone", "ActionGeo_CountryCode",
            "ActionGeo_FullName", "SOURCEURL", "source_file", "gdelt_version"]
    df = base.filter(cond).select(*cols).execute()
    cameo = iso3_map("cameo")
    fips_map = iso3_map("fips")
    df["actor1_iso3"] = df["Actor1CountryCode"].map(lambda v: cameo.get(v, v) if v else None)
    df["actor2_iso3"] = df["Actor2CountryCode"].map(lambda v: cameo.get(v, v) if v else None)
    df["action_iso3"] = df["ActionGeo_CountryCode"].map(lambda v: fips_map.get(v) if v else None)
    df["date"] = pd.to_datetime(df["SQLDATE"].astype(str), format="%Y%m%d").dt.date
    desc = load_cameo_eventcodes().set_index("code")["description"]
    df["event_description"] = df["EventCode"].map(desc)

    def relation(row: Any) -> str:
        pair = {row.actor1_iso3, row.actor2_iso3}
        if pair == {a, b} or (a == b and pair == {a}):
            return "A-B" if o is None or row.action_iso3 != o else "A-B in other"
        return "A-other" if a in pair else "B-other"

    df["relation"] = [relation(r) for r in df.itertuples()] if len(df) else []
    order = ["GLOBALEVENTID", "date", "SQLDATE", "relation", "actor1_iso3", "actor2_iso3",
             "Actor1Code", "Actor1Name", "Actor1Type1Code", "Actor2Code", "Actor2Name",
             "Actor2Type1Code", "EventCode", "EventRootCode", "event_description", "QuadClass",
             "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
             "ActionGeo_CountryCode", "action_iso3", "ActionGeo_FullName", "SOURCEURL",
             "source_file", "gdelt_version"]
    return df[order].sort_values(["date", "GLOBALEVENTID"]).reset_index(drop=True)


def chart(df: pd.DataFrame, indicator: str = "events", path: Any = None) -> Any:
    """A Vega-Lite line chart of one indicator over time, one line per dyad and direction;
    saved as self-contained HTML when ``path`` is given."""
    from bilat.report.charts import save_chart, time_chart

    _check_indicator(indicator)
    data = df.copy()
    data["period"] = pd.to_datetime(data["period"])
    data["series"] = data["direction"]
    c = time_chart(data, x="period", y=indicator, color="series",
                   title=f"{indicator} by {', '.join(sorted(data['dyad'].unique()))}",
                   tooltip=[t for t in ("events", "volume_a", "volume_b") if t in data])
    if path is not None:
        save_chart(c, path)
    return c


__all__ = [
    "BIGQUERY_TABLE",
    "DEDUP",
    "DIRECTIONS",
    "ID_COLUMNS",
    "INDICATORS",
    "PERIODS",
    "REFERENCE_DYADS",
    "DyadQuery",
    "cameo_codes",
    "chart",
    "dedup_effect",
    "dyad_events",
    "events_in_window",
    "events_schema",
    "ids",
    "indicator_expr",
    "indicators",
    "make_query",
    "sql",
]
