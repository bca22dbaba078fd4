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
import os
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilat.errors import error
from bilat.reference.cameo import CONTACT_CODES

if TYPE_CHECKING:  # pragma: no cover - pandas is imported where a frame is built, so that a
    # small query command (the CLI over the dyad-day layer) never loads it
    import pandas as pd

    from bilat.rows import Rows

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


def _one_generation(fn: Any) -> Any:
    """A library call reads the store's generation once (see :func:`_pinned`)."""
    import functools

    @functools.wraps(fn)
    def call(store: Any, *args: Any, **kwargs: Any) -> Any:
        with _pinned(store):
            return fn(store, *args, **kwargs)

    return call



# ----------------------------------------------------------------------------- options
@dataclass(frozen=True)
class DyadQuery:
    """The validated choices behind an event query (:func:`make_query`; shared by
    :func:`indicators`, :func:`ids` and :func:`sql`): ``pairs`` (ISO3 dyads, main first),
    ``period``, ``direction``, ``actor_types`` (CAMEO actor types), ``dedup``, ``start``/
    ``end`` (YYYYMMDD integers or None) and ``versions`` (GDELT versions)."""

    pairs: tuple[tuple[str, str], ...]
    period: str = "month"
    direction: str = "both"
    actor_types: tuple[str, ...] = ()
    dedup: str = "none"
    start: int | None = None
    end: int | None = None
    versions: tuple[int, ...] = ()


#: CLI flags whose Python argument is not the flag's name with ``_`` for ``-``.
_ARG_OF = {"--gdelt-version": "versions"}


def _check(value: str, options: Sequence[str], option: str) -> str:
    """``value`` when it is one of ``options``, else E012 naming the Python argument and the
    CLI flag (``source= (--source)``)."""
    if value not in options:
        if option.startswith("--"):
            option = f"{_ARG_OF.get(option, option[2:].replace('-', '_'))}= ({option})"
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
    """The CAMEO actor country codes (GDELT ``Actor1CountryCode``/``Actor2CountryCode``)
    that mean the ISO3 country ``iso3``, sorted, the ISO3 code itself included (CAMEO uses
    ISO3 for states; the crosswalk adds any other code it maps there). Source: CAMEO codebook
    1.1b3 (Schrodt 2012) via :mod:`bilat.reference.countries`."""
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
    """Validate the options of an event query into a :class:`DyadQuery`: countries as ISO3
    (names accepted), ``refs`` as extra pairs (duplicates dropped), ``period`` one of
    :data:`PERIODS`, ``direction`` one of :data:`DIRECTIONS`, ``actor_type`` CAMEO actor
    types (``GOV``, ``MIL`` …; comma-separated or a list), ``dedup`` one of :data:`DEDUP`,
    ``start``/``end`` dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, a date or YYYYMMDD; kept
    as YYYYMMDD integers, ``end`` to the last day it names), ``versions`` GDELT versions
    (1, 2). E008 for an unknown country, E116 for the same state twice, E012 for a bad
    choice (naming the argument and its flag), E007 for a bad date, E115 when ``start`` is
    after ``end``."""
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
        if getattr(store, "read_only", False):  # read, never create, the cache
            if not store.has_table("gdelt_sql_cache"):
                return compiled_sql(q, dialect, local)
        else:
            con.execute(_SQL_CACHE)
        hit = con.execute("SELECT sql FROM gdelt_sql_cache WHERE key = ?", [key]).fetchall()
    except Exception:  # a read-only store: compile every time
        return compiled_sql(q, dialect, local)
    if hit:
        return str(hit[0][0])
    text = compiled_sql(q, dialect, local)
    if getattr(store, "read_only", False):
        return text  # opened read-only: works without keeping the compiled text
    with contextlib.suppress(Exception):  # a read-only store keeps working without the cache
        con.execute("INSERT OR REPLACE INTO gdelt_sql_cache (key, sql) VALUES (?, ?)", [key, text])
    return text


def _run(store: Any, sql_text: str) -> pd.DataFrame:
    """Execute compiled SQL on the store (:func:`_execute`), as a DataFrame."""
    return _execute(store, sql_text, lambda cur: cur.df())


def _execute(store: Any, sql_text: str, fetch: Any) -> Any:
    """Execute compiled SQL on the store and ``fetch`` the result. DuckDB's CTE filter pusher
    copies every consumer's filter into the shared ``cube`` scan, which then evaluates them on
    every event; it is switched off for this query only (measured 20-30% faster), and back on
    afterwards."""
    import duckdb

    _ensure_parts(store)  # the view exists and points at this store's Parquet parts
    con = store.con
    try:
        con.execute("SET disabled_optimizers = 'cte_filter_pusher'")
        tuned = True
    except duckdb.Error:  # an engine without that optimizer: run as is
        tuned = False
    try:
        return fetch(con.execute(sql_text))
    finally:
        if tuned:
            con.execute("RESET disabled_optimizers")


#: Columns of the GDELT indicator table that count events (whole numbers; 0 when a period has
#: none of them, never missing in :func:`gdelt_indicators`).
_COUNTS = (*QUADS.values(), "events", "events_before_dedup", "volume_a", "volume_b",
           "gov_contacts", "mentions", "net_cooperation")


def _gdelt_kinds(names: Sequence[str], counts: str = "int64") -> dict[str, str]:
    """Kinds (:class:`bilat.rows.Rows`) of the GDELT indicator table's columns: labels are
    text, ``period`` a date, counts ``counts``, every other measure a float."""
    return {n: "str" if n in ("dyad", "direction", "a", "b", "dedup", "source",
                               "coverage_unit")
            else "date" if n == "period" else counts if n in _COUNTS
            else "int64" if n in ("coverage_present", "coverage_expected") else "float64"
            for n in names}


def fetch_rows(cur: Any) -> Rows:
    """A DuckDB result as :class:`bilat.rows.Rows` in the indicator tables' kinds (no pandas:
    DuckDB hands over Python values; HUGEINT sums are Python ints, DATE ``datetime.date``)."""
    from bilat.rows import Rows

    names = [d[0] for d in cur.description]
    data = cur.fetchall()
    return Rows({n: [r[k] for r in data] for k, n in enumerate(names)}, _gdelt_kinds(names))


def gdelt_table(rows: Rows, q: DyadQuery) -> Rows:
    """The raw GDELT indicator rows of either path (the Ibis query, the dyad-day layer or
    Spark) in :func:`gdelt_indicators`' form: sorted by dyad (main pair first, then the
    reference pairs in the order given), direction and period; counts missing → 0."""
    import datetime as _dt

    order = {f"{x}–{y}": i for i, (x, y) in enumerate(q.pairs)}  # main pair first, then refs
    cols = dict(rows.columns)
    cols["period"] = [v.date() if isinstance(v, _dt.datetime) else v for v in cols["period"]]
    for c in _COUNTS:
        cols[c] = [0 if v is None or v != v else int(v) for v in cols[c]]
    dyad, direction, period = cols["dyad"], cols["direction"], cols["period"]
    idx = sorted(range(len(dyad)), key=lambda i: (order[dyad[i]], direction[i], period[i]))
    kinds = _gdelt_kinds(list(cols))
    if not idx:  # no rows: text columns are object columns, as DuckDB's DataFrames have them
        kinds = {n: "object" if k == "str" else k for n, k in kinds.items()}
    return type(rows)(cols, kinds, rows.attrs).take(idx)


def _gdelt_rows(store: Any, q: DyadQuery) -> Rows:
    """:func:`gdelt_indicators`' table (every column) as :class:`bilat.rows.Rows`."""
    if getattr(store, "engine", "duckdb") == "pyspark":  # bilat.store.spark.SparkStore
        from bilat.rows import Rows

        df = store.run_indicator_expr(q)  # the same Ibis expression, executed by Spark
        raw = Rows.from_pandas(df, _gdelt_kinds([str(c) for c in df.columns]))
    else:
        raw = _execute(store, stored_sql(store, q, local=_local(store, q)), fetch_rows)
    return gdelt_table(raw, q)


@_one_generation
def gdelt_indicators(
    store: Any, a: str, b: str, *, refs: Sequence[tuple[str, str]] = (),
    period: str = "month", direction: str = "both", actor_type: str | Sequence[str] | None = None,
    dedup: str = "none", start: str | date | None = None, end: str | date | None = None,
    versions: Sequence[int] = (), indicator: str | None = None,
) -> pd.DataFrame:
    """Dyad indicators for A–B (and reference pairs) per period from GDELT alone (the
    portable Ibis path; :func:`indicators` adds the source, coverage and flags).

    Returns one row per dyad, direction and period with events (see the module docstring for
    columns); with ``indicator`` only that column beside the keys and denominators.
    """
    q = make_query(a, b, refs=refs, period=period, direction=direction, actor_type=actor_type,
                   dedup=dedup, start=start, end=end, versions=versions)
    if indicator is not None:
        _check_indicator(indicator)
    rows = _gdelt_rows(store, q)
    if indicator is not None:
        rows = rows.select(["dyad", "direction", "a", "b", "period", indicator, "events",
                            "volume_a", "volume_b", "dedup"])
    return rows.to_pandas()


def _local(store: Any, q: DyadQuery) -> bool:
    """Use the local fast path (:func:`indicator_expr` with the volume summary)?"""
    from bilat.sources.gdelt import volume_summary

    return local_path_applies(q) and memo_value(store, "volume_summary",
                                                lambda: volume_summary(store))


def _check_indicator(name: str) -> str:
    if name not in INDICATORS:
        raise error("E112", value=name, options=", ".join(INDICATORS))
    return name


@_one_generation
def dedup_effect(store: Any, a: str, b: str, **options: Any) -> pd.DataFrame:
    """How much each de-duplication choice (:data:`DEDUP`: ``none``, ``daily``, ``root``)
    changes the GDELT event counts of A–B: one row per dyad and direction, one integer
    column per choice (events summed over every period of the query). ``options`` are those
    of :func:`gdelt_indicators` (refs, period, start, end, actor_type …). Errors as
    :func:`make_query`; E009 when no GDELT data are loaded."""
    import pandas as pd

    rows = []
    for mode in DEDUP:
        opts = {k: v for k, v in options.items() if k not in ("dedup", "indicator")}
        df = gdelt_indicators(store, a, b, dedup=mode, **opts)
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
    """The Ibis schema of the store's GDELT 2.0 events: the 61 upstream fields under their
    GDELT names and types (``GlobalEventID`` int64, ``SQLDATE`` int32, ``Actor1CountryCode``
    string, ``GoldsteinScale`` float64 …), plus bilat's ``gdelt_version`` and
    ``source_file`` when ``bilat_columns``. Source: GDELT 2.0 Event Database codebook
    (Leetaru & Schrodt 2013)."""
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


@_one_generation
def ids(
    store: Any, a: str, b: str, *, at: str, period: str = "month",
    direction: str = "undirected",
    quad: int | None = None, contacts: bool = False, actor_type: str | Sequence[str] | None = None,
    dedup: str = "none", versions: Sequence[int] = (), source: str = "gdelt",
) -> pd.DataFrame:
    """The events (GLOBALEVENTID, SOURCEURL, source file …) behind one indicator cell.

    The cell is A–B, ``period`` containing ``at``, ``direction`` (``undirected`` by default,
    ``a2b``, ``b2a``; ``both``/``directed`` list the rows of every direction), optionally one
    QuadClass or only government contacts; counting these rows gives the cell's value.
    ``source`` ``icews`` or ``icews-tkg`` lists that source's records instead
    (:func:`record_ids`: event id, date, actors, CAMEO code, Story ID, publisher, file, line).
    """
    if source != "gdelt":
        return record_ids(store, a, b, at=at, period=period, direction=direction, quad=quad,
                          contacts=contacts, actor_type=actor_type, dedup=dedup, source=source)
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


#: Columns :func:`record_ids` returns (the canonical view's, plus dyad and direction).
RECORD_ID_COLUMNS = (
    "source", "event_id", "event_date", "dyad", "direction", "actor1_name", "actor1_iso3",
    "actor1_types", "actor1_leader", "actor1_via", "actor2_name", "actor2_iso3", "actor2_types",
    "actor2_leader", "actor2_via", "cameo_code", "event_text", "quad_class", "intensity",
    "story_id", "publisher", "source_url", "derived", "source_file", "line",
)


@_one_generation
def record_ids(
    store: Any, a: str, b: str, *, at: str, period: str = "month",
    direction: str = "undirected", quad: int | None = None, contacts: bool = False,
    actor_type: str | Sequence[str] | None = None, dedup: str = "none", source: str = "icews",
) -> pd.DataFrame:
    """The ICEWS (or quadruple-set) records behind one indicator cell of
    :func:`indicators` with ``source``; counting the rows gives the cell's value (with
    ``dedup="daily"`` the lowest event id of each day, directed dyad and code)."""
    import pandas as pd

    _check(source, ["icews", "icews-tkg"], "--source")
    if dedup == "root":
        raise error("E151", source=source)
    lo, hi = _period_bounds(at, _check(period, list(PERIODS), "--period"))
    q = make_query(a, b, period=period, direction=direction, actor_type=actor_type, dedup=dedup,
                   start=lo, end=hi)
    if not refresh_event_view(store) or not _source_present(store, source):
        raise error("E150", source=source, dyad=f"{q.pairs[0][0]}–{q.pairs[0][1]}",
                    span=_span_text(q), why=f"the store holds no {source} data")
    where, params = _window(q)
    x, y = q.pairs[0]
    df = store.con.execute(
        f"SELECT * FROM events WHERE {where} AND ((actor1_iso3 = ? AND actor2_iso3 = ?) OR "
        "(actor1_iso3 = ? AND actor2_iso3 = ?))", [source, *params, x, y, y, x]).df()
    if q.actor_types and len(df):
        df = df[_has_any(df["actor1_types"], q.actor_types)
                & _has_any(df["actor2_types"], q.actor_types)]
    if q.dedup == "daily" and len(df):
        df = _dedup_frame(df)
    if quad is not None:
        _check(str(quad), ["1", "2", "3", "4"], "--quad")
        df = df[df["quad_class"] == int(quad)]
    if contacts and len(df):
        df = df[df["cameo_code"].astype(str).str[:3].isin(CONTACT_CODES)
                & _is_gov(df["actor1_types"], df["actor1_leader"])
                & _is_gov(df["actor2_types"], df["actor2_leader"])]
    is_ab = df["actor1_iso3"] == x
    parts = []
    if q.direction in ("both", "directed", "a2b"):
        parts.append(df[is_ab].assign(direction=f"{x}→{y}"))
    if q.direction in ("both", "directed", "b2a"):
        parts.append(df[~is_ab].assign(direction=f"{y}→{x}"))
    if q.direction in ("both", "undirected"):
        parts.append(df.assign(direction=f"{x}–{y}"))
    out = pd.concat(parts, ignore_index=True).assign(dyad=f"{x}–{y}")
    out["_o"] = pd.to_numeric(out["event_id"], errors="coerce")
    out = out.sort_values(["direction", "event_date", "_o", "event_id"])
    return out[list(RECORD_ID_COLUMNS)].reset_index(drop=True)


@_one_generation
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
    import pandas as pd

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


# ============================================================================ every source
#: Event sources :func:`indicators` reads; ``all`` = each one the store holds.
SOURCES: tuple[str, ...] = ("gdelt", "icews", "icews-tkg", "icews-dyad-year")
#: Sources of event records, read through the canonical view ``events``.
RECORD_SOURCES: tuple[str, ...] = ("gdelt", "icews", "icews-tkg")
#: Sources whose country assignment bilat derives (labelled ``derived`` wherever used).
DERIVED_SOURCES: tuple[str, ...] = ("icews-tkg",)
#: Default ``--min-events``: a period with fewer dyad events than this is flagged ``low_n``.
MIN_EVENTS = 10
#: Columns every indicator row carries beside its counts: which source, how complete the
#: period is, and the flags.
COVERAGE_COLUMNS: tuple[str, ...] = (
    "source", "coverage", "coverage_present", "coverage_expected", "coverage_unit", "partial",
    "low_n", "derived",
)
#: Columns of the canonical event view ``events`` (one row per event record, any source).
EVENT_COLUMNS: tuple[str, ...] = (
    "source", "event_id", "event_date", "sqldate", "actor1_name", "actor1_iso3", "actor1_type",
    "actor1_types", "actor1_leader", "actor1_via", "actor2_name", "actor2_iso3", "actor2_type",
    "actor2_types", "actor2_leader", "actor2_via", "cameo_code", "cameo_root", "quad_class",
    "intensity", "event_text", "story_id", "publisher", "source_url", "num_mentions",
    "avg_tone", "action_iso3", "derived", "source_file", "line",
)
_PERIOD_SQL = {"day": "event_date", "week": "CAST(date_trunc('week', event_date) AS DATE)",
               "month": "CAST(date_trunc('month', event_date) AS DATE)",
               "quarter": "CAST(date_trunc('quarter', event_date) AS DATE)",
               "year": "CAST(date_trunc('year', event_date) AS DATE)"}
_PANDAS_FREQ = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS", "year": "YS"}


def _values(mapping: dict[str, str]) -> str:
    rows = ", ".join(f"('{k.replace(chr(39), chr(39) * 2)}', '{v}')"
                     for k, v in sorted(mapping.items()))
    return f"(VALUES {rows})"


def _gdelt_view_sql() -> str:
    """GDELT rows in the canonical columns: CAMEO actor countries and FIPS action geography
    mapped to ISO3 through the crosswalk; Goldstein as ``intensity``; primary type Type1Code."""
    from bilat.reference.countries import iso3_map

    cameo = _values(iso3_map("cameo"))
    fips = _values(iso3_map("fips"))
    return f"""SELECT 'gdelt' AS source, CAST(g.GLOBALEVENTID AS VARCHAR) AS event_id,
  CAST(try_strptime(CAST(g.SQLDATE AS VARCHAR), '%Y%m%d') AS DATE) AS event_date,
  CAST(g.SQLDATE AS BIGINT) AS sqldate,
  g.Actor1Name AS actor1_name, c1.iso3 AS actor1_iso3, g.Actor1Type1Code AS actor1_type,
  NULLIF(concat_ws(',', g.Actor1Type1Code, g.Actor1Type2Code, g.Actor1Type3Code), '')
    AS actor1_types, CAST(NULL AS VARCHAR) AS actor1_leader,
  CASE WHEN c1.iso3 IS NULL THEN NULL ELSE 'gdelt' END AS actor1_via,
  g.Actor2Name AS actor2_name, c2.iso3 AS actor2_iso3, g.Actor2Type1Code AS actor2_type,
  NULLIF(concat_ws(',', g.Actor2Type1Code, g.Actor2Type2Code, g.Actor2Type3Code), '')
    AS actor2_types, CAST(NULL AS VARCHAR) AS actor2_leader,
  CASE WHEN c2.iso3 IS NULL THEN NULL ELSE 'gdelt' END AS actor2_via,
  g.EventCode AS cameo_code, g.EventRootCode AS cameo_root,
  CAST(g.QuadClass AS BIGINT) AS quad_class, g.GoldsteinScale AS intensity,
  CAST(NULL AS VARCHAR) AS event_text, CAST(NULL AS VARCHAR) AS story_id,
  CAST(NULL AS VARCHAR) AS publisher, g.SOURCEURL AS source_url,
  CAST(g.NumMentions AS BIGINT) AS num_mentions, g.AvgTone AS avg_tone,
  fa.iso3 AS action_iso3, FALSE AS derived, g.source_file, CAST(NULL AS BIGINT) AS line
FROM gdelt_events g
LEFT JOIN {cameo} c1(code, iso3) ON g.Actor1CountryCode = c1.code
LEFT JOIN {cameo} c2(code, iso3) ON g.Actor2CountryCode = c2.code
LEFT JOIN {fips} fa(code, iso3) ON g.ActionGeo_CountryCode = fa.code"""


_ICEWS_VIEW_SQL = """SELECT source, CAST(event_id AS VARCHAR) AS event_id, event_date,
  CAST(sqldate AS BIGINT) AS sqldate, actor1_name, actor1_iso3, actor1_type, actor1_types,
  actor1_leader, CASE WHEN actor1_iso3 IS NULL THEN NULL ELSE 'icews' END AS actor1_via,
  actor2_name, actor2_iso3, actor2_type, actor2_types, actor2_leader,
  CASE WHEN actor2_iso3 IS NULL THEN NULL ELSE 'icews' END AS actor2_via,
  cameo_code, cameo_root, quad_class, intensity, event_text,
  CAST(story_id AS VARCHAR) AS story_id, publisher, CAST(NULL AS VARCHAR) AS source_url,
  CAST(NULL AS BIGINT) AS num_mentions, CAST(NULL AS DOUBLE) AS avg_tone, action_iso3,
  FALSE AS derived, source_file, line
FROM icews_events"""

_TKG_VIEW_SQL = """SELECT source, event_id, event_date, CAST(sqldate AS BIGINT) AS sqldate,
  actor1_name, actor1_iso3, actor1_type, actor1_types, actor1_leader, actor1_via,
  actor2_name, actor2_iso3, actor2_type, actor2_types, actor2_leader, actor2_via,
  cameo_code, cameo_root, quad_class, CAST(NULL AS DOUBLE) AS intensity, event_text,
  CAST(NULL AS VARCHAR) AS story_id, subset AS publisher, CAST(NULL AS VARCHAR) AS source_url,
  CAST(NULL AS BIGINT) AS num_mentions, CAST(NULL AS DOUBLE) AS avg_tone,
  CAST(NULL AS VARCHAR) AS action_iso3, TRUE AS derived, source_file, line
FROM icews_tkg_events"""


# ----------------------------------------------------------------------------- per-call cost
# Every call used to recreate the ``events``/``gdelt_events`` views, look tables up one by one
# and list the GDELT files for the coverage (~0.1 s before the first read). That work depends
# only on what the store holds, so it is kept in a memo per store object, valid for one store
# *generation* (:func:`store_generation`: the tables, the ingest log, the registered parts and
# the layer's units — anything an ingest, a compaction or a repair changes). A query of the
# Parquet parts still checks the parts' files (size and time of each file, one ``stat``) so a
# part damaged or removed outside bilat is reported (E020/E021) as before.
_OWN_VIEWS = frozenset({"events", "gdelt_events", "gdelt_sql_cache"})
_PINNED: ContextVar[tuple[int, dict] | None] = ContextVar("bilat_events_memo", default=None)


def store_generation(store: Any) -> tuple:
    """A value that changes whenever the store's event data can have changed: the names of
    its tables and views (bilat's own views left out) and, in one query, the row count, row
    sum and last time of ``ingest_log`` and ``gdelt_parts`` (with a hash of the part names),
    and the numbers of parts the volume summary and the dyad-day layer cover."""
    con = store.con
    names = tuple(sorted({r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() UNION ALL "
        "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        - _OWN_VIEWS))
    have = set(names)
    sel = []
    if "ingest_log" in have:
        sel.append("(SELECT count(*) || '/' || coalesce(sum(rows), 0) || '/' || "
                   "coalesce(CAST(max(ingested_at) AS VARCHAR), '') FROM ingest_log)")
    if "gdelt_parts" in have:
        sel.append("(SELECT count(*) || '/' || coalesce(sum(rows), 0) || '/' || "
                   "coalesce(CAST(max(written_at) AS VARCHAR), '') || '/' || "
                   "coalesce(CAST(hash(string_agg(part, ',' ORDER BY part)) AS VARCHAR), '') "
                   "FROM gdelt_parts)")
    for t in ("gdelt_volume_parts", "dyad_day_units", "gdelt_part_layout"):
        if t in have:
            sel.append(f"(SELECT count(*) FROM {t})")
    stats = tuple(con.execute("SELECT " + ", ".join(sel)).fetchall()[0]) if sel else ()
    return (str(getattr(store, "data_dir", "")), names, stats)


def _memo_of(store: Any) -> dict | None:
    """The memo of ``store`` for its current generation (``None``: not a DuckDB store)."""
    if getattr(store, "engine", "duckdb") != "duckdb" or not hasattr(store, "con"):
        return None
    pinned = _PINNED.get()
    if pinned is not None and pinned[0] == id(store):
        return pinned[1]
    gen = store_generation(store)
    memo = getattr(store, "_bilat_events_memo", None)
    if memo is None or memo.get("_gen") != gen:
        memo = {"_gen": gen, "_tables": set(gen[1])}
        with contextlib.suppress(AttributeError):
            store._bilat_events_memo = memo
    return memo


@contextlib.contextmanager
def _pinned(store: Any) -> Any:
    """Within a library call: the store's generation is read once (not at every step)."""
    outer = _PINNED.get()
    if outer is not None and outer[0] == id(store):
        yield
        return
    memo = _memo_of(store)
    token = _PINNED.set((id(store), memo) if memo is not None else None)
    try:
        yield
    finally:
        _PINNED.reset(token)


def memo_value(store: Any, key: Any, compute: Any) -> Any:
    """``compute()``, kept for the store's current generation under ``key``."""
    memo = _memo_of(store)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def forget(store: Any) -> None:
    """Drop the memo of ``store`` (the next call reads everything afresh)."""
    with contextlib.suppress(AttributeError):
        store._bilat_events_memo = None


def _has(store: Any, name: str) -> bool:
    """``store.has_table(name)``, answered from the memo for tables of the generation."""
    memo = _memo_of(store)
    if memo is None or name in _OWN_VIEWS:
        return store.has_table(name)
    return name in memo["_tables"]


def _has_gdelt(store: Any) -> bool:
    memo = _memo_of(store)
    if memo is not None and "gdelt_view" in memo:
        return memo["gdelt_view"]
    if _has(store, "gdelt_parts"):
        from bilat.sources.gdelt import _create_view

        _create_view(store)  # points at this store's Parquet parts (a store may have moved)
    ok = store.has_table("gdelt_events")
    if memo is not None:
        memo["gdelt_view"] = ok
    return ok


def refresh_event_view(store: Any) -> bool:
    """(Re)create the canonical view ``events``: GDELT, ICEWS and the ICEWS quadruple sets in
    one set of columns (:data:`EVENT_COLUMNS`), each row with its ``source``. A read-only
    store gets a temporary view. Returns False when the store holds no event records.
    Done once per store generation (see :func:`store_generation`)."""
    memo = _memo_of(store)
    if memo is not None and "events_view" in memo:
        return memo["events_view"]
    parts = []
    if _has_gdelt(store):
        parts.append(_gdelt_view_sql())
    if _has(store, "icews_events"):
        parts.append(_ICEWS_VIEW_SQL)
    if _has(store, "icews_tkg_events"):
        parts.append(_TKG_VIEW_SQL)
    con = store.con
    read_only = getattr(store, "read_only", False)
    if not parts:
        with contextlib.suppress(Exception):
            con.execute(f"DROP VIEW IF EXISTS {'temp.main.' if read_only else ''}events")
        ok = False
    else:
        body = "\nUNION ALL\n".join(parts)
        if read_only:  # opened read-only: a view for this connection, nothing written
            con.execute(f"CREATE OR REPLACE TEMP VIEW events AS {body}")
        else:
            try:
                con.execute(f"CREATE OR REPLACE VIEW events AS {body}")
            except Exception:  # noqa: BLE001 - a read-only file: a view for this connection
                con.execute(f"CREATE OR REPLACE TEMP VIEW events AS {body}")
        con.execute("SELECT 1").fetchall()
        ok = True
    if memo is not None:
        memo["events_view"] = ok
    return ok


def _part_stats(store: Any) -> tuple:
    """(name, size, mtime) of every file in the registered GDELT parts' folders."""
    folder = store.data_dir / "gdelt"
    out = []
    for part in sorted(store.con.execute("SELECT part FROM gdelt_parts").fetchall()):
        try:
            with os.scandir(folder / part[0]) as it:
                out += [(part[0], e.name, e.stat().st_size, e.stat().st_mtime_ns)
                        for e in it if e.name.endswith(".parquet")]
        except OSError:
            out.append((part[0], None, None, None))
    return tuple(out)


def _ensure_parts(store: Any) -> None:
    """:func:`bilat.sources.gdelt.ensure_events_view` (every part checked, E020/E021), done
    again only when the generation or a part's files changed."""
    from bilat.sources.gdelt import ensure_events_view

    memo = _memo_of(store)
    if memo is None or not _has(store, "gdelt_parts"):
        ensure_events_view(store)
        return
    stats = _part_stats(store)
    if memo.get("parts_checked") == stats:
        return
    ensure_events_view(store)
    memo["parts_checked"] = stats
    memo["gdelt_view"] = True


def event_records(store: Any) -> Any:
    """The Ibis table of the canonical event view ``events`` (refreshed first): one row
    per event record of every stored record source (GDELT, ICEWS, the ICEWS quadruple sets),
    with ``source``, ``event_id``, ``event_date``/``sqldate``, ``actor1_iso3``,
    ``actor2_iso3``, ``action_iso3``, ``cameo_code``, ``quad_class`` (1-4) and the actors'
    types and leaders (:data:`EVENT_COLUMNS`). E009 when the store holds no event data."""
    if not refresh_event_view(store):
        raise error("E009", name="events", next_step=_LOAD_HINT)
    return store.ibis.table("events")


_LOAD_HINT = ("bilat fetch gdelt --start … --end …`, `bilat fetch icews --mirror DIR` (also "
              "icews-tkg, icews-dyad-year) or `bilat events ingest FILE…")


def _source_present(store: Any, source: str) -> bool:
    if source == "gdelt":
        return _has_gdelt(store)
    if source == "icews":
        return _has(store, "icews_events")
    if source == "icews-tkg":
        return _has(store, "icews_tkg_events")
    return _has(store, "icews_dyad_year")


def _dates(q: DyadQuery, column: str) -> tuple[list[str], list[Any]]:
    """SQL conditions and parameters for ``q``'s window on ``column`` (``q.start`` to
    ``q.end``, each optional)."""
    where: list[str] = []
    params: list[Any] = []
    if q.start is not None:
        where.append(f"{column} >= ?")
        params.append(q.start)
    if q.end is not None:
        where.append(f"{column} <= ?")
        params.append(q.end)
    return where, params


def _window(q: DyadQuery) -> tuple[str, list[Any]]:
    where, params = _dates(q, "sqldate")
    return " AND ".join(["source = ?", *where]), params


def _in(values: Sequence[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _to_day(v: int | None) -> date | None:
    if v is None:
        return None
    y, m, d = v // 10000, (v // 100) % 100, v % 100
    import calendar

    return date(y, m, min(d, calendar.monthrange(y, m)[1]))


def _window_of(p: date, q: DyadQuery) -> tuple[date, date]:
    """First and last day of period ``p`` inside the query's ``--start``/``--end`` window
    (first > last when the window misses the period)."""
    lo, hi = p, _period_end(p, q.period)
    if q.start is not None:
        lo = max(lo, _to_day(q.start) or lo)
    if q.end is not None:
        hi = min(hi, _to_day(q.end) or hi)
    return lo, hi


def _period_end(p: date, period: str) -> date:
    """Last day of the ``period`` (day, week of 7 days from ``p``, calendar month, quarter or
    year) that starts at ``p``."""
    import calendar
    from datetime import timedelta

    if period == "day":
        return p
    if period == "week":
        return p + timedelta(days=6)
    if period == "year":
        return date(p.year, 12, 31)
    month = p.month if period == "month" else 3 * ((p.month - 1) // 3) + 3
    return date(p.year, month, calendar.monthrange(p.year, month)[1])


def _days_in(p: date, q: DyadQuery) -> int:
    """Days of period ``p`` inside the asked window."""
    lo, hi = _window_of(p, q)
    return max((hi - lo).days + 1, 0)


def _icews_file_days(store: Any, src: str) -> list[date] | None:
    """Days the stored ICEWS daily files publish, read from their names
    (``YYYYMMDD-icews-events.tab``), sorted; None for another source, or when any stored file
    is not a daily file (a yearly Dataverse file is cut by event date: event days measure
    it)."""
    import re

    if src != "icews" or not _has(store, "ingest_log"):
        return None
    keys = [r[0] for r in store.con.execute(
        "SELECT DISTINCT key FROM ingest_log WHERE kind = 'icews'").fetchall()]
    days: set[date] = set()
    for key in keys:
        base = str(key).replace("\\", "/").rsplit("/", 1)[-1]
        if m := re.match(r"(\d{8})-icews-events\b", base):
            with contextlib.suppress(ValueError):
                days.add(datetime.strptime(m.group(1), "%Y%m%d").date())
                continue
        return None
    return sorted(days) if keys else None


def _file_days(store: Any, src: str, periods: Sequence[date], q: DyadQuery
               ) -> dict[date, int] | None:
    """ICEWS coverage per period by the days its stored daily files cover
    (:func:`_icews_file_days`), not by event dates: events backdated into days no file covers
    (daily files carry late reports of earlier weeks) do not make a period look covered.
    None for another source or when the files are not daily files."""
    import bisect

    daily = _icews_file_days(store, src)
    if daily is None:
        return None
    out: dict[date, int] = {}
    for p in periods:
        lo, hi = _window_of(p, q)
        out[p] = (bisect.bisect_right(daily, hi) - bisect.bisect_left(daily, lo)
                  if lo <= hi else 0)
    return out


# ----------------------------------------------------------------------------- one period rule
@dataclass(frozen=True)
class SourcePeriods:
    """Where one event source has data, per period of a query's window: the one rule every
    record source, granularity and series (indicators, contacts) follows.

    ``grid``: every period of the source's files' span (first to last file day, clipped to
    the window), plus any period outside it in which an event is dated (a backdated event is
    a row of its own period; the decades between are not filled with empty rows).
    ``dated``: periods with at least one event of the source dated in them (whatever
    file brought it: late reports are backdated). ``present``/``expected``/``unit``: the
    period's coverage (GDELT: files present / files published; ICEWS daily files: days its
    files cover / days; otherwise days with any event / days).

    The rule: a period of the span is *counted* when it holds any event of the source or any
    of its files covers it (counts, possibly 0, of the events dated there, so the months of a
    year add up to the year); a period with neither is a row with NULL counts and coverage 0.
    A counted period with coverage 0 holds only events that files of other periods date into
    it (backdated); its rows are counted and flagged ``partial`` with coverage 0.
    """

    source: str
    grid: tuple[date, ...]
    dated: frozenset[date]
    present: dict[date, int]
    expected: dict[date, int]
    unit: str
    #: first and last event day of the source in each dated period (record sources other
    #: than GDELT): the days a period's figures rest on
    days: dict[date, tuple[date, date]] = field(default_factory=dict)
    #: the query's period (day, week, month, quarter, year)
    period: str = ""

    def counted(self, p: date) -> bool:
        """Whether period ``p`` has counts (else NULL)."""
        return p in self.dated or self.present.get(p, 0) > 0

    def covered(self, p: date) -> bool:
        """Whether a file of the source covers period ``p`` (coverage above 0): only there
        is a pair with no event a 0; in a period no file covers, a pair without a
        (backdated) event of its own is NULL, not 0."""
        return self.present.get(p, 0) > 0

    def notes(self) -> list[str]:
        """What the rule did in this window, in words: backdated-only periods and empty ones."""
        out = []
        late = [p for p in self.grid if p in self.dated and self.present.get(p, 0) == 0]
        empty = [p for p in self.grid if not self.counted(p)]
        what = {"gdelt": "GDELT file", "icews": "ICEWS file"}.get(self.source,
                                                                     f"{self.source} data")
        if late and self.unit != "days with data":
            out.append(f"{self.source}: {len(late)} period(s) that no {what} covers hold only "
                       f"late reports that later files date into them (backdated): "
                       f"{_runs(late, self.grid, self.period)}; a pair's backdated events are "
                       "counted where they fall in every granularity (months add up to years), "
                       "coverage 0; a pair with none there is NULL (no file covers it), not 0")
        if empty:
            runs = _runs(empty, self.grid, self.period)
            out.append(f"{self.source}: no {what} and no event for {runs} "
                       "inside the source's span: rows with empty (NULL) counts, coverage 0")
        return out


def _runs(periods: Sequence[date], grid: Sequence[date], period: str | None = None) -> str:
    """Consecutive periods as ranges ("2016-02..2018-02, 2018-04"): a run joins periods that
    follow each other in the calendar, never two far apart that the grid has side by side."""
    period = period or _guess_grid_period(grid)
    spans: list[list[date]] = []
    for p in sorted(periods):
        if spans and _grid(spans[-1][-1], p, period)[1:] == [p]:
            spans[-1].append(p)
        else:
            spans.append([p])
    labels = [_period_label(s[0], period) if len(s) == 1 else
              f"{_period_label(s[0], period)}..{_period_label(s[-1], period)}" for s in spans]
    return ", ".join(labels[:8]) + (f" and {len(labels) - 8} more" if len(labels) > 8 else "")


def _guess_grid_period(grid: Sequence[date]) -> str:
    if len(grid) < 2:
        return "day" if grid and grid[0].day != 1 else "month"
    gap = min((b - a).days for a, b in zip(grid, grid[1:], strict=False))
    return ("day" if gap == 1 else "week" if gap == 7 else "month" if gap < 32
            else "quarter" if gap < 93 else "year")


def _gdelt_file_span(stems: set[str]) -> tuple[date, date] | None:
    """First and last day the stored GDELT files cover, from their names (2.0:
    YYYYMMDDHHMMSS; 1.0: daily YYYYMMDD, monthly YYYYMM, yearly YYYY backfiles)."""
    import calendar

    days: list[date] = []
    for s in stems:
        if not s.isdigit():
            continue
        with contextlib.suppress(ValueError):
            if len(s) in (8, 14):
                days.append(datetime.strptime(s[:8], "%Y%m%d").date())
            elif len(s) == 6:
                y, m = int(s[:4]), int(s[4:])
                days += [date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])]
            elif len(s) == 4:
                days += [date(int(s), 1, 1), date(int(s), 12, 31)]
    return (min(days), max(days)) if days else None


def _gdelt_window(q: DyadQuery) -> tuple[list[str], list[Any]]:
    """SQL conditions and parameters of ``q``'s window on GDELT rows: SQLDATE from
    ``q.start`` to ``q.end`` and the GDELT versions asked."""
    where, params = _dates(q, "SQLDATE")
    if q.versions:
        where.append("gdelt_version IN (" + ", ".join(str(int(v)) for v in q.versions) + ")")
    return where, params


def _gdelt_dated(meta: Any, store: Any, q: DyadQuery) -> dict[date, int]:
    """Days with any GDELT event dated in them, per period of ``q`` (the store's per-day
    volume summary when it has one; else the events, by Spark on a Spark store)."""
    import duckdb

    where, params = _gdelt_window(q)
    day = "strptime(CAST(SQLDATE AS VARCHAR), '%Y%m%d')::DATE"
    per = _PERIOD_SQL[q.period].replace("event_date", day)
    cond = " AND ".join(where) or "TRUE"
    if _has(meta, "gdelt_volume") and memo_value(meta, "volume_summary", lambda: _summary(meta)):
        sql_text = (f"SELECT {per} AS period, count(DISTINCT SQLDATE) FROM gdelt_volume "
                    f"WHERE {cond} GROUP BY 1")
        return {p: int(n) for p, n in meta.con.execute(sql_text, params).fetchall()}
    if getattr(store, "engine", "duckdb") == "pyspark":
        df = store.event_days(q.period, q.start, q.end)
        return {p: int(n) for p, n in zip(df["period"], df["days"], strict=True)}
    try:
        rows = meta.con.execute(f"SELECT {per} AS period, count(DISTINCT SQLDATE) FROM "
                                f"gdelt_events WHERE {cond} GROUP BY 1", params).fetchall()
    except duckdb.Error:
        return {}
    return {p: int(n) for p, n in rows}


def _summary(meta: Any) -> bool:
    from bilat.sources.gdelt import volume_summary

    return volume_summary(meta)


def source_periods(meta: Any, store: Any, src: str, q: DyadQuery) -> SourcePeriods | None:
    """The span, dated periods and coverage of record source ``src`` (gdelt, icews,
    icews-tkg) in ``q``'s window (see :class:`SourcePeriods`); None when the source has
    nothing in the window. ``meta`` answers from the embedded store; ``store`` may be Spark."""
    import bisect

    first_last: dict[date, tuple[date, date]] = {}
    if src == "gdelt":
        dated = _gdelt_dated(meta, store, q)
        _, stems, _ = memo_value(meta, "gdelt_files", lambda: _gdelt_files(meta))
        span = _gdelt_file_span(stems)
    else:
        where, params = _window(q)
        per = _PERIOD_SQL[q.period]
        found = meta.con.execute(
            f"SELECT {per} AS period, count(DISTINCT event_date), min(event_date), "
            f"max(event_date) FROM events WHERE {where} GROUP BY 1", [src, *params]).fetchall()
        dated = {p: int(n) for p, n, _, _ in found}
        first_last = {p: (lo, hi) for p, _, lo, hi in found}
        daily = _icews_file_days(meta, src)
        span = (daily[0], daily[-1]) if daily else None
    dated = {(p.date() if isinstance(p, datetime) else p): n for p, n in dated.items() if n}
    periods: set[date] = set(dated)
    if span is not None:  # the files' own span, clipped to the window: every period a row
        lo, hi = span
        if q.start is not None:
            lo = max(lo, _to_day(q.start) or lo)
        if q.end is not None:
            hi = min(hi, _to_day(q.end) or hi)
        if lo <= hi:
            periods.update(_grid(_period_start(lo, q.period), _period_start(hi, q.period),
                                 q.period))
    elif dated:  # no file list: from the first to the last dated period
        periods.update(_grid(min(dated), max(dated), q.period))
    if not periods:
        return None
    # events dated outside the files' span (GDELT rows about 1982 in a 2019 file) are rows of
    # their own periods, not a reason to fill the decades between with empty rows
    grid = tuple(sorted(periods))
    if src == "gdelt":
        cov = _gdelt_coverage(meta, grid, q)
        present = {p: int(cov[p][0]) for p in grid}
        expected = {p: int(cov[p][1]) for p in grid}
        unit = "files present/expected"
    else:
        daily = _icews_file_days(meta, src)
        if daily is not None:
            present = {}
            for p in grid:
                lo, hi = _window_of(p, q)
                present[p] = (bisect.bisect_right(daily, hi) - bisect.bisect_left(daily, lo)
                              if lo <= hi else 0)
            unit = "days its files cover"
        else:
            present = {p: dated.get(p, 0) for p in grid}
            unit = "days with data"
        expected = {p: _days_in(p, q) for p in grid}
    return SourcePeriods(src, grid, frozenset(dated), present, expected, unit, first_last,
                         q.period)


_ROW_COUNTS = ("events", "events_before_dedup", *QUADS.values(), "gov_contacts")


def _gdelt_fill_volumes(meta: Any, q: DyadQuery, periods: Sequence[date]
                        ) -> dict[tuple[str, date], int] | None:
    """Denominators (events of each query country, any partner) of GDELT periods in which the
    pair has no event, from the per-day volume summary; None where that summary is not exact
    for ``q`` (:func:`local_path_applies`) or absent."""
    if not periods or not local_path_applies(q) or not _has(meta, "gdelt_volume") \
            or not memo_value(meta, "volume_summary", lambda: _summary(meta)):
        return None
    countries = sorted({c for pair in q.pairs for c in pair})
    code_of = {cameo_codes(c)[0]: c for c in countries}
    where, params = _gdelt_window(q)
    where.insert(0, f"country IN {_in(list(code_of))}")
    if q.dedup == "root":
        where.append("IsRootEvent = 1")
    day = "strptime(CAST(SQLDATE AS VARCHAR), '%Y%m%d')::DATE"
    per = _PERIOD_SQL[q.period].replace("event_date", day)
    rows = meta.con.execute(f"SELECT {per}, country, sum(events) FROM gdelt_volume WHERE "
                            f"{' AND '.join(where)} GROUP BY ALL", params).fetchall()
    out = {(code_of[c], p.date() if isinstance(p, datetime) else p): int(n)
           for p, c, n in rows}
    return {(c, p): out.get((c, p), 0) for c in countries for p in periods}


def _period_rule(sp: SourcePeriods | None, src: str, meta: Any, rows: Rows, q: DyadQuery,
                 notes: list[str]) -> Rows:
    """Indicator rows of record source ``src`` (from any path: the dyad-day layer, the Ibis
    query, Spark or the event records) under the one period rule (:class:`SourcePeriods`):
    one row per dyad, direction and period of the source's span; counts where the period is
    counted (0 where the pair has no event there), NULL where the source has nothing; the
    coverage of every row from :func:`source_periods` (``sp``)."""
    if sp is None:
        return rows
    have = {(d, p): i for i, (d, p) in enumerate(zip(rows["direction"], rows["period"],
                                                       strict=True))}
    labels = []
    for a, b in q.pairs:
        if q.direction in ("both", "directed", "a2b"):
            labels.append((f"{a}→{b}", a, b))
        if q.direction in ("both", "directed", "b2a"):
            labels.append((f"{b}→{a}", a, b))
        if q.direction in ("both", "undirected"):
            labels.append((f"{a}–{b}", a, b))
    missing = [(lab, a, b, p) for lab, a, b in labels for p in sp.grid
               if (lab, p) not in have]
    # a missing row is 0 only where a file of the source covers the period; where none does
    # (a period holding only other pairs' backdated events) it is NULL with coverage 0
    zero_periods = sorted({p for _, _, _, p in missing if sp.covered(p)})
    vols = None
    if src == "gdelt":
        vols = _gdelt_fill_volumes(meta, q, [p for p in zero_periods if p in sp.dated])
        if vols is None and any(p in sp.dated for p in zero_periods):
            notes.append("gdelt: periods in which the pair has no event are 0 with unknown "
                         "denominators (volume_a/volume_b empty): the store's per-day volume "
                         "summary is not exact for this query (--dedup daily or a country "
                         "with several CAMEO codes)")
    cols = {k: list(v) for k, v in rows.columns.items()}
    nan = float("nan")
    for lab, a, b, p in missing:
        counted = sp.covered(p)
        rec: dict[str, Any] = {"dyad": f"{a}–{b}", "a": a, "b": b, "direction": lab,
                               "period": p, "source": src, "dedup": q.dedup,
                               "coverage_unit": sp.unit}
        for side, who in (("a", a), ("b", b)):
            rec[f"volume_{side}"] = (None if not counted else 0 if p not in sp.dated
                                     else None if vols is None else vols[(who, p)])
        for c in _ROW_COUNTS:
            rec[c] = 0 if counted else None
        rec["net_cooperation"] = 0 if counted else None
        rec["mentions"] = 0 if counted and src == "gdelt" else None
        for c in cols:
            if c in rec:
                continue
            if "_per_1k_" in c:  # 0 events per 1,000 of a known, positive volume
                vol = rec[f"volume_{c[-1]}"]
                rec[c] = 0.0 if counted and vol else nan
            else:
                rec[c] = nan if rows.kinds[c] == "float64" else None
        for c in cols:
            cols[c].append(rec[c])
    grid = set(sp.grid)
    keep = [i for i, p in enumerate(cols["period"]) if p in grid]
    cols = {k: [v[i] for i in keep] for k, v in cols.items()}
    # a row of a period no file covers, without a (backdated) event of the pair: the 0 there
    # came from other pairs' backdated events making the period look held; it is NULL
    nulls = [c for c in (*_ROW_COUNTS, "net_cooperation", "mentions") if c in cols]
    for i, p in enumerate(cols["period"]):
        ev = cols["events"][i] if "events" in cols else None
        if sp.covered(p) or not (ev is None or ev == 0 or ev != ev):
            continue
        for c in nulls:
            cols[c][i] = None
        for c in cols:
            if "_per_1k_" in c:
                cols[c][i] = nan
    cols["coverage_present"] = [sp.present.get(p, 0) for p in cols["period"]]
    cols["coverage_expected"] = [sp.expected.get(p, _days_in(p, q)) for p in cols["period"]]
    cols["coverage_unit"] = [sp.unit] * len(cols["period"])
    kinds = dict(rows.kinds)
    kinds.update(coverage_present="int64", coverage_expected="int64", coverage_unit="str")
    notes += sp.notes()
    return type(rows)(cols, kinds, rows.attrs)


def _pair_periods(meta: Any, src: str, q: DyadQuery, x: str, y: str,
                  periods: Sequence[date]) -> set[date]:
    """Which of ``periods`` hold an event of the pair x–y (either direction) in source
    ``src`` (the canonical view ``events``): in a period no file covers, only these have
    counts (:meth:`SourcePeriods.covered`)."""
    if not periods or not refresh_event_view(meta):
        return set()
    where, params = _window(q)
    per = _PERIOD_SQL[q.period]
    found = meta.con.execute(
        f"SELECT DISTINCT {per} FROM events WHERE {where} AND ((actor1_iso3 = ? AND "
        f"actor2_iso3 = ?) OR (actor1_iso3 = ? AND actor2_iso3 = ?))",
        [src, *params, x, y, y, x]).fetchall()
    got = {(r[0].date() if isinstance(r[0], datetime) else r[0]) for r in found}
    return got & set(periods)


# ----------------------------------------------------------------------------- person → state
#: Sources in which a named person counts for a state only through ``leaders.csv`` (the
#: quadruple sets drop ICEWS's country fields).
PERSON_MAPPED_SOURCES: tuple[str, ...] = ("icews-tkg",)
#: What every count of such a source leaves out (said once per table).
PERSON_NOTE = ("{src}: a named person counts for a state only as a head of state/government "
               "or foreign minister in office listed in leaders.csv; events of other named "
               "persons (ministers, spokespeople, legislators) carry no state and are not "
               "counted, so {src} counts are lower bounds")


@lru_cache(maxsize=1)
def leader_coverage() -> dict[str, tuple[date, date]]:
    """State (ISO3) → (first, last day) on which ``leaders.csv`` names both its head(s) of
    state/government and its foreign minister, i.e. on which a person's contact of that state
    can be read from the quadruple sets; the last day is the table's horizon. A state absent
    here has no mapped persons at all (:mod:`bilat.reference.leaders`)."""
    from bilat.reference.leaders import HORIZON, load_leaders

    out: dict[str, tuple[date, date]] = {}
    df = load_leaders()
    for iso3, part in df.groupby("iso3"):
        heads = part.loc[part["role"] != "foreign_minister", "start"]
        fms = part.loc[part["role"] == "foreign_minister", "start"]
        if len(heads) and len(fms):
            out[str(iso3)] = (max(min(heads), min(fms)), HORIZON)
    return out


def stale_person_states(store: Any, states: Sequence[str]) -> frozenset[str]:
    """Those of ``states`` whose leaders.csv persons the store's quadruple-set rows left
    without a state on a day of their term: rows read with an older leaders.csv (the state
    is derived at ingest, and an unchanged file is not read again). Their persons count as
    not mapped."""
    def compute() -> frozenset[str]:
        if not _has(store, "icews_tkg_events"):
            return frozenset()
        from bilat.reference.leaders import load_leaders

        values = []
        table = load_leaders()
        for r in table[table["iso3"].isin(list(states))].itertuples(index=False):
            for n in dict.fromkeys([r.name, *[x for x in r.aliases.split("|") if x]]):
                values.append((n, r.iso3, r.start, r.end))
        if not values:
            return frozenset()
        found = store.con.execute(
            "WITH l(name, iso3, lo, hi) AS (SELECT * FROM (VALUES "
            + ", ".join(["(?, ?, ?, ?)"] * len(values)) + ")) "
            "SELECT DISTINCT l.iso3 FROM (SELECT actor1_name AS name, event_date FROM "
            "icews_tkg_events WHERE actor1_iso3 IS NULL UNION ALL SELECT actor2_name, "
            "event_date FROM icews_tkg_events WHERE actor2_iso3 IS NULL) e JOIN l ON "
            "e.name = l.name WHERE e.event_date BETWEEN l.lo AND l.hi",
            [v for row in values for v in row]).fetchall()
        return frozenset(str(r[0]) for r in found)

    return memo_value(store, ("stale_person_states", tuple(sorted(states))), compute)


def _unmapped(a: str, b: str, p: date, q: DyadQuery,
              sp: SourcePeriods | None = None, stale: frozenset[str] = frozenset()
              ) -> list[str]:
    """States of A–B whose persons ``leaders.csv`` does not map on every day period ``p``'s
    figures rest on (the source's first to last event day there, per ``sp``; else the
    period within the window)."""
    lo, hi = _window_of(p, q)
    if sp is not None and p in sp.days:
        lo, hi = max(lo, sp.days[p][0]), min(hi, sp.days[p][1])
    cov = leader_coverage()
    return [c for c in (a, b) if c not in cov or c in stale
            or not (cov[c][0] <= lo and hi <= cov[c][1])]


def _mapping_note(src: str, dyad: str, gaps: dict[str, list[date]], grid: Sequence[date],
                  what: str, stale: frozenset[str] = frozenset()) -> str:
    """One note: which states' persons are not mapped in which periods, and what it means."""
    cov = leader_coverage()
    parts = []
    for c, periods in sorted(gaps.items()):
        span = (f"this store's {src} rows were read with an older leaders.csv that did not "
                f"map {c}: load the sets again into a new store" if c in stale
                else f"leaders.csv maps {c} from {cov[c][0]} to {cov[c][1]}" if c in cov
                else f"{c} is not in leaders.csv")
        parts.append(f"{c} in {_runs(periods, grid)} ({span})")
    mapped = ", ".join(sorted(cov))
    return (f"{src}: {dyad}: persons (heads of state/government, foreign ministers) of "
            f"{'; '.join(parts)} are not mapped to their state, so their events are not "
            f"counted and {what} is unknown (NULL), never 0; leaders.csv maps the persons of "
            f"{mapped}")


def _person_mapping(meta: Any, rows: Rows, src: str, q: DyadQuery, notes: list[str],
                    sp: SourcePeriods | None = None) -> Rows:
    """Quadruple-set indicator rows with ``gov_contacts`` NULL wherever a state of the dyad
    has no mapped persons (:func:`leader_coverage`), and a note naming those states."""
    if src not in PERSON_MAPPED_SOURCES or not len(rows):
        return rows
    cols = dict(rows.columns)
    gov = list(cols["gov_contacts"])
    grid = sorted(set(rows["period"]))
    gaps: dict[str, dict[str, list[date]]] = {}
    stale = stale_person_states(meta, sorted({c for pair in q.pairs for c in pair}))
    for i, (a, b, p) in enumerate(zip(rows["a"], rows["b"], rows["period"], strict=True)):
        miss = _unmapped(a, b, p, q, sp, stale) if gov[i] is not None else []
        if miss:
            gov[i] = None
            for c in miss:
                lst = gaps.setdefault(f"{a}–{b}", {}).setdefault(c, [])
                if p not in lst:
                    lst.append(p)
    cols["gov_contacts"] = gov
    notes.append(PERSON_NOTE.format(src=src))
    for dyad, g in gaps.items():
        notes.append(_mapping_note(src, dyad, g, grid, "its gov_contacts", stale))
    return type(rows)(cols, rows.kinds, rows.attrs)


def _grid(first: date, last: date, period: str) -> list[date]:
    """Every period start from ``first`` to ``last`` (both included; ``first`` rolled forward
    to a start: a Monday, the 1st of a month, quarter or year), as
    ``pandas.date_range(first, last, freq=_PANDAS_FREQ[period])`` gives them."""
    from datetime import timedelta

    def months(d: date, n: int) -> date:
        k = d.year * 12 + d.month - 1 + n
        return date(k // 12, k % 12 + 1, 1)

    if period in ("day", "week"):
        days = 1 if period == "day" else 7
        d = first + timedelta(days=(7 - first.weekday()) % 7 if period == "week" else 0)
        out = []
        while d <= last:
            out.append(d)
            d += timedelta(days=days)
        return out
    n = {"month": 1, "quarter": 3, "year": 12}[period]
    d = date(first.year, 1 if n == 12 else (first.month - 1) // n * n + 1, 1)
    if d < first:
        d = months(d, n)
    out = []
    while d <= last:
        out.append(d)
        d = months(d, n)
    return out


def _is_gov(types: pd.Series, leader: pd.Series) -> pd.Series:
    """Actor is a government actor: CAMEO type GOV, or a leader in office (leaders.csv)."""
    return ("," + types.fillna("") + ",").str.contains(",GOV,", regex=False) | leader.notna()


def _has_any(types: pd.Series, wanted: Sequence[str]) -> pd.Series:
    import pandas as pd

    padded = "," + types.fillna("") + ","
    out = pd.Series(False, index=types.index)
    for w in wanted:
        out |= padded.str.contains(f",{w},", regex=False)
    return out


def _dedup_frame(ev: pd.DataFrame) -> pd.DataFrame:
    """One event per day, directed dyad and CAMEO code (the lowest event id stands for it)."""
    import pandas as pd

    order = pd.to_numeric(ev["event_id"], errors="coerce")
    ev = ev.assign(_o=order).sort_values(["_o", "event_id"], kind="stable")
    return ev.drop_duplicates(["sqldate", "actor1_iso3", "actor2_iso3", "cameo_code"]) \
        .drop(columns="_o")


def _metrics(ev: pd.DataFrame, raw_n: pd.Series) -> pd.DataFrame:
    """Counts and means per period of a dyad's (filtered, de-duplicated) events; ``ev`` has
    the 0/1 columns ``_q1``…``_q4`` and ``_contact`` (:func:`_record_indicators`)."""
    cols = {"events": ("_one", "sum"), "_gsum": ("intensity", "sum"),
            "_gn": ("intensity", "count"), "gov_contacts": ("_contact", "sum")}
    cols.update({name: (f"_q{code}", "sum") for code, name in QUADS.items()})
    out = ev.groupby("period").agg(**cols)
    out["events_before_dedup"] = raw_n
    return out


def _record_indicators(store: Any, src: str, q: DyadQuery) -> tuple[pd.DataFrame, str]:
    """ICEWS or quadruple-set indicators from the canonical view (SQL there, sums in pandas).

    Rows cover every period from the first to the last with any event of the source in the
    window; a period without any event of the source (a gap in the store) is a row with NULL
    counts and coverage 0, never zeros. Returns (rows, why-empty)."""
    import pandas as pd

    con = store.con
    where, params = _window(q)
    params = [src, *params]
    per = _PERIOD_SQL[q.period]
    countries = sorted({c for pair in q.pairs for c in pair})
    cov = con.execute(
        f"SELECT {per} AS period, count(DISTINCT event_date) AS days, count(*) AS n "
        f"FROM events WHERE {where} GROUP BY 1 ORDER BY 1", params).df()
    if cov.empty:
        rng = con.execute("SELECT min(event_date), max(event_date), count(*) FROM events "
                          "WHERE source = ?", [src]).fetchall()[0]
        why = (f"the store's {src} events run from {rng[0]} to {rng[1]}" if rng[2]
               else f"the store holds no {src} events")
        return pd.DataFrame(), why
    cov["period"] = pd.to_datetime(cov["period"]).dt.date
    cin = _in(countries)
    ev = con.execute(
        f"SELECT event_id, sqldate, {per} AS period, actor1_iso3, actor2_iso3, actor1_types, "
        f"actor2_types, actor1_leader, actor2_leader, cameo_code, quad_class, intensity "
        f"FROM events WHERE {where} AND actor1_iso3 IN {cin} AND actor2_iso3 IN {cin}",
        params).df()
    ev["period"] = pd.to_datetime(ev["period"]).dt.date
    ev["_one"] = 1
    for code in QUADS:
        ev[f"_q{code}"] = (ev["quad_class"] == code).astype("int64")
    ev["_contact"] = (ev["cameo_code"].astype(str).str[:3].isin(CONTACT_CODES)
                      & _is_gov(ev["actor1_types"], ev["actor1_leader"])
                      & _is_gov(ev["actor2_types"], ev["actor2_leader"])).astype("int64")
    dedup_cte = ("d AS (SELECT * FROM b QUALIFY row_number() OVER (PARTITION BY sqldate, "
                 "actor1_iso3, actor2_iso3, cameo_code ORDER BY try_cast(event_id AS BIGINT), "
                 "event_id) = 1)") if q.dedup == "daily" else "d AS (SELECT * FROM b)"
    vol = con.execute(
        f"WITH b AS (SELECT {per} AS period, event_id, sqldate, actor1_iso3, actor2_iso3, "
        f"cameo_code FROM events WHERE {where} AND (actor1_iso3 IN {cin} OR actor2_iso3 IN "
        f"{cin})), {dedup_cte} SELECT period, country, count(*) AS volume FROM ("
        f"SELECT period, event_id, actor1_iso3 AS country FROM d WHERE actor1_iso3 IN {cin} "
        f"UNION SELECT period, event_id, actor2_iso3 FROM d WHERE actor2_iso3 IN {cin}) "
        "GROUP BY ALL", params).df()
    vol["period"] = pd.to_datetime(vol["period"]).dt.date
    volume = {(r.country, r.period): int(r.volume) for r in vol.itertuples()}
    grid = _grid(cov["period"].min(), cov["period"].max(), q.period)
    days = dict(zip(cov["period"], cov["days"], strict=True))
    has = [days.get(p, 0) > 0 for p in grid]
    expected = [_days_in(p, q) for p in grid]
    frames = []
    for a, b in q.pairs:
        pair = ev[((ev.actor1_iso3 == a) & (ev.actor2_iso3 == b))
                  | ((ev.actor1_iso3 == b) & (ev.actor2_iso3 == a))]
        if q.actor_types:
            pair = pair[_has_any(pair["actor1_types"], q.actor_types)
                        & _has_any(pair["actor2_types"], q.actor_types)]
        is_ab = (pair.actor1_iso3 == a) & (pair.actor2_iso3 == b)
        chosen = []
        if q.direction in ("both", "directed", "a2b"):
            chosen.append((f"{a}→{b}", pair[is_ab]))
        if q.direction in ("both", "directed", "b2a"):
            chosen.append((f"{b}→{a}", pair[~is_ab]))
        if q.direction in ("both", "undirected"):
            chosen.append((f"{a}–{b}", pair))
        for label, part in chosen:
            raw_n = part.groupby("period").size()
            kept = _dedup_frame(part) if q.dedup == "daily" else part
            m = _metrics(kept, raw_n).reindex(grid)
            frame = pd.DataFrame({"dyad": f"{a}–{b}", "direction": label, "a": a, "b": b,
                                  "period": grid})
            for c in ("events", *QUADS.values(), "gov_contacts", "events_before_dedup"):
                vals = m[c].fillna(0).to_numpy()
                frame[c] = pd.array([int(v) if h else pd.NA for v, h in
                                     zip(vals, has, strict=True)], dtype="Int64")
            frame["_gsum"] = m["_gsum"].to_numpy()
            frame["_gn"] = m["_gn"].fillna(0).to_numpy()
            frame["volume_a"] = pd.array([volume.get((a, p), 0) if h else pd.NA
                                          for p, h in zip(grid, has, strict=True)],
                                         dtype="Int64")
            frame["volume_b"] = pd.array([volume.get((b, p), 0) if h else pd.NA
                                          for p, h in zip(grid, has, strict=True)],
                                         dtype="Int64")
            frame["coverage_present"] = [int(days.get(p, 0)) for p in grid]
            frame["coverage_expected"] = expected
            frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    gn = pd.to_numeric(out["_gn"], errors="coerce")
    out["goldstein_mean"] = (pd.to_numeric(out["_gsum"], errors="coerce")
                             / gn.where(gn > 0)).astype("float64")
    out = out.drop(columns=["_gsum", "_gn"])
    return record_source_frame(_frame_rows(out), src, q), ""


def record_source_frame(out: Rows, src: str, q: DyadQuery) -> Rows:
    """The indicator table of an ICEWS-style source (no Goldstein weighting, tone or mentions
    in these records: NaN/NULL, never 0), labelled with its source and coverage unit."""
    n = len(out)
    cols = dict(out.columns)
    kinds = dict(out.kinds)
    nan = float("nan")
    cols.update(goldstein_weighted=[nan] * n, avg_tone=[nan] * n, mentions=[None] * n,
                coverage_unit=["days with data"] * n, source=[src] * n, dedup=[q.dedup] * n)
    kinds.update(goldstein_weighted="float64", avg_tone="float64", mentions="Int64",
                 coverage_unit="str", source="str", dedup="str")
    return _finish(type(out)(cols, kinds, out.attrs))


def _finish(out: Rows) -> Rows:
    """Derived ratios (NULL where undefined or where the period has no data)."""
    ints = ["events", "events_before_dedup", *QUADS.values(), "volume_a", "volume_b",
            "gov_contacts", "mentions"]
    nan = float("nan")
    cols = dict(out.columns)
    kinds = dict(out.kinds)
    for c in ints:
        cols[c] = [None if v is None or v != v else int(v) for v in cols[c]]
        kinds[c] = "Int64"

    def per_1k(x: int | None, vol: int | None) -> float:
        return x * 1000.0 / vol if x is not None and vol is not None and vol > 0 else nan

    for side in ("a", "b"):
        vol = cols[f"volume_{side}"]
        for name in ("events", *QUADS.values()):
            out_name = "events_per_1k" if name == "events" else f"{name}_per_1k"
            cols[f"{out_name}_{side}"] = [per_1k(x, v) for x, v in zip(cols[name], vol,
                                                                          strict=True)]
            kinds[f"{out_name}_{side}"] = "float64"
    net, share, ratio = [], [], []
    for e, vc, mc, vf, mf in zip(cols["events"], cols["verbal_coop"], cols["material_coop"],
                                 cols["verbal_conflict"], cols["material_conflict"],
                                 strict=True):
        d = None if None in (vc, mc, vf, mf) else (vc + mc) - (vf + mf)
        net.append(d)
        share.append(d / e if d is not None and e is not None and e > 0 else nan)
        ratio.append(mc / vc if mc is not None and vc is not None and vc > 0 else nan)
    cols.update(net_cooperation=net, net_cooperation_share=share, material_verbal_ratio=ratio)
    kinds.update(net_cooperation="Int64", net_cooperation_share="float64",
                 material_verbal_ratio="float64")
    return type(out)(cols, kinds, out.attrs)


def _dyad_year_indicators(store: Any, q: DyadQuery) -> tuple[pd.DataFrame, str]:
    """Indicators from the published ICEWS dyad-year quad counts (``icews_dyad_year``)."""
    import pandas as pd

    if q.period != "year":
        return pd.DataFrame(), ("the dyad-year aggregates hold yearly counts only; use "
                                "--period year")
    if q.actor_types:
        return pd.DataFrame(), "the dyad-year aggregates have no actor types"
    if q.dedup != "none":
        return pd.DataFrame(), f"the dyad-year aggregates cannot be re-counted with --dedup " \
            f"{q.dedup}"
    con = store.con
    lo = q.start // 10000 if q.start else 0
    hi = q.end // 10000 if q.end else 9999
    countries = sorted({c for pair in q.pairs for c in pair})
    cin = _in(countries)
    years = [r[0] for r in con.execute(
        "SELECT DISTINCT year FROM icews_dyad_year WHERE year BETWEEN ? AND ? ORDER BY 1",
        [lo, hi]).fetchall()]
    if not years:
        rng = con.execute("SELECT min(year), max(year) FROM icews_dyad_year").fetchall()[0]
        return pd.DataFrame(), f"the store's dyad-year aggregates cover {rng[0]}–{rng[1]}"
    cells = con.execute(
        "SELECT source_iso3, target_iso3, year, verbal_coop, material_coop, verbal_conflict, "
        f"material_conflict FROM icews_dyad_year WHERE year BETWEEN ? AND ? AND source_iso3 IN "
        f"{cin} AND target_iso3 IN {cin}", [lo, hi]).df()
    vol = con.execute(
        "SELECT c AS country, year, sum(n) AS volume FROM (SELECT source_iso3 AS c, year, "
        "verbal_coop + material_coop + verbal_conflict + material_conflict AS n FROM "
        f"icews_dyad_year WHERE source_iso3 IN {cin} UNION ALL SELECT target_iso3, year, "
        "verbal_coop + material_coop + verbal_conflict + material_conflict FROM "
        f"icews_dyad_year WHERE target_iso3 IN {cin} AND target_iso3 <> source_iso3) "
        "WHERE year BETWEEN ? AND ? GROUP BY ALL", [lo, hi]).df()
    volume = {(r.country, int(r.year)): int(r.volume) for r in vol.itertuples()}
    rows = []
    for a, b in q.pairs:
        for y in range(years[0], years[-1] + 1):
            has = y in years
            ab = cells[(cells.source_iso3 == a) & (cells.target_iso3 == b) & (cells.year == y)]
            ba = cells[(cells.source_iso3 == b) & (cells.target_iso3 == a) & (cells.year == y)]
            chosen = []
            if q.direction in ("both", "directed", "a2b"):
                chosen.append((f"{a}→{b}", [ab]))
            if q.direction in ("both", "directed", "b2a"):
                chosen.append((f"{b}→{a}", [ba]))
            if q.direction in ("both", "undirected"):
                chosen.append((f"{a}–{b}", [ab, ba]))
            for label, parts in chosen:
                rec: dict[str, Any] = {"dyad": f"{a}–{b}", "direction": label, "a": a, "b": b,
                                       "period": date(y, 1, 1)}
                for name in QUADS.values():
                    rec[name] = int(sum(int(p[name].sum()) for p in parts)) if has else pd.NA
                rec["events"] = sum(rec[n] for n in QUADS.values()) if has else pd.NA
                rec["events_before_dedup"] = rec["events"]
                rec["volume_a"] = volume.get((a, y), 0) if has else pd.NA
                rec["volume_b"] = volume.get((b, y), 0) if has else pd.NA
                rec["gov_contacts"] = pd.NA
                rec["coverage_present"] = 1 if has else 0
                rec["coverage_expected"] = 1
                rows.append(rec)
    out = pd.DataFrame(rows)
    out["goldstein_mean"] = float("nan")
    out["goldstein_weighted"] = float("nan")
    out["avg_tone"] = float("nan")
    out["mentions"] = pd.NA
    out["coverage_unit"] = "year as published"
    out["source"] = "icews-dyad-year"
    out["dedup"] = q.dedup
    return _finish(_frame_rows(out)), ""


def _gdelt_coverage(store: Any, periods: Sequence[date], q: DyadQuery) -> dict[date, tuple]:
    """GDELT files present vs expected per period, by GDELT's publication schedule (2.0:
    one file per 15 minutes; 1.0: daily files, monthly/yearly backfiles), for the version the
    store holds (2.0 when it holds any 2.0 file)."""
    import bisect

    version, stems, slots = memo_value(store, "gdelt_files", lambda: _gdelt_files(store))
    out: dict[date, tuple] = {}
    for p in periods:
        lo, hi = _window_of(p, q)
        if lo > hi:
            out[p] = (0, 0)
        elif version == 2:
            first, stop = f"{lo:%Y%m%d}000000", f"{hi:%Y%m%d}999999"
            present = bisect.bisect_right(slots, stop) - bisect.bisect_left(slots, first)
            expected = 96 * ((hi - lo).days + 1)
            # GDELT 1.0 files stored beside 2.0 ones (a daily file, a monthly or yearly
            # backfile) cover their days too: 96 slots a day, so a period such a file covers
            # never reads as uncovered (coverage 0)
            old = memo_value(store, "gdelt_v1_days", lambda: _gdelt_v1_days(stems))
            n_old = bisect.bisect_right(old, hi) - bisect.bisect_left(old, lo)
            out[p] = (min(expected, present + 96 * n_old), expected)
        else:
            from bilat.sources.gdelt import expected_files

            want = {n.split(".", 1)[0] for n in expected_files(lo, hi, version)}
            out[p] = (len(want & stems), len(want))
    return out


def _gdelt_v1_days(stems: set[str]) -> list[date]:
    """The days GDELT 1.0 files among ``stems`` cover, sorted: ``YYYYMMDD`` daily files,
    ``YYYYMM`` monthly and ``YYYY`` yearly backfiles."""
    days: set[date] = set()
    for s in stems:
        if not s.isdigit():
            continue
        try:
            if len(s) == 8:
                days.add(date(int(s[:4]), int(s[4:6]), int(s[6:])))
            elif len(s) in (4, 6):
                lo = date(int(s[:4]), int(s[4:6]) if len(s) == 6 else 1, 1)
                hi = _period_end(lo, "month" if len(s) == 6 else "year")
                days.update(lo + timedelta(days=i) for i in range((hi - lo).days + 1))
        except ValueError:
            continue
    return sorted(days)


def _gdelt_files(store: Any) -> tuple[int, set[str], list[str]]:
    """(GDELT version the store holds, stems of its file names, sorted 15-minute slots)."""
    keys = [r[0] for r in store.con.execute(
        "SELECT DISTINCT key FROM ingest_log WHERE kind = 'gdelt'").fetchall()]
    stems = {k.split(".", 1)[0] for k in keys}
    version = 2 if any(len(s) == 14 and s.isdigit() for s in stems) else 1
    # 2.0: 96 files a day, counted by arithmetic (listing every 15-minute name of a 40-year
    # span took tens of seconds); a stored file counts when it sits on a 15-minute slot
    slots = sorted(s for s in stems if len(s) == 14 and s.isdigit() and s[10:12] in
                   ("00", "15", "30", "45") and s[12:] == "00")
    return version, stems, slots


def with_gdelt_coverage(store: Any, rows: Rows, q: DyadQuery) -> Rows:
    """GDELT indicator rows (:func:`gdelt_table`) with their source and the files present and
    expected in each period (:func:`_gdelt_coverage`); counts become nullable (``Int64``)
    like every source's."""
    periods = tuple(sorted(set(rows["period"])))
    cov = memo_value(store, ("gdelt_coverage", periods, q.period, q.start, q.end),
                     lambda: _gdelt_coverage(store, periods, q))
    cols = dict(rows.columns)
    cols["coverage_present"] = [cov[p][0] for p in rows["period"]]
    cols["coverage_expected"] = [cov[p][1] for p in rows["period"]]
    cols["coverage_unit"] = ["files present/expected"] * len(rows)
    cols["source"] = ["gdelt"] * len(rows)
    return type(rows)(cols, _gdelt_kinds(list(cols), counts="Int64"), rows.attrs)


def _share_value(cov: float | None) -> float:
    """Coverage to 4 decimals (NumPy's rounding: scaled, rounded half to even, scaled back),
    except a share below 0.001 (one 15-minute GDELT file in a year is 0.00003): that keeps its
    digits, so that some coverage never reads as 0. Missing → NaN."""
    if cov is None or cov != cov:
        return float("nan")
    cov = float(cov)
    return cov if cov < 0.001 else round(cov * 10000.0) / 10000.0


def _share(cov: pd.Series) -> pd.Series:
    """:func:`_share_value` of each value, as a float column."""
    import pandas as pd

    return pd.Series([_share_value(None if v != v else v) for v in cov.astype("float64")],
                     index=cov.index, dtype="float64")


def _flags(rows: Rows, min_events: int) -> Rows:
    """Coverage share, ``partial`` (coverage < 1 or unknown), ``low_n`` (fewer than
    ``min_events`` events, or none known), ``derived`` and ``min_events`` for each row."""
    def share(pres: Any, exp: Any) -> float:
        if pres is None or exp is None or not exp > 0:
            return float("nan")
        return _share_value(pres / exp)

    cols = dict(rows.columns)
    kinds = dict(rows.kinds)
    cov = [share(p, e) for p, e in zip(rows["coverage_present"], rows["coverage_expected"],
                                       strict=True)]
    cols["coverage"] = cov
    cols["partial"] = [not (c == c and c >= 1) for c in cov]
    cols["low_n"] = [e is None or e < min_events for e in rows["events"]]
    cols["derived"] = [s in DERIVED_SOURCES for s in rows["source"]]
    cols["min_events"] = [min_events] * len(rows)
    kinds.update(coverage="float64", partial="bool", low_n="bool", derived="bool",
                 min_events="int64")
    return type(rows)(cols, kinds, rows.attrs)


#: Kinds of :func:`indicators`' columns, every source alike (:class:`bilat.rows.Rows`).
_SOURCE_KINDS = _gdelt_kinds(["source", "dyad", "direction", "a", "b", "period", *INDICATORS,
                              "dedup", "coverage_present", "coverage_expected",
                              "coverage_unit"], counts="Int64")


def indicators(
    store: Any, a: str, b: str, *, refs: Sequence[tuple[str, str]] = (),
    period: str = "month", direction: str = "both", actor_type: str | Sequence[str] | None = None,
    dedup: str = "none", start: str | date | None = None, end: str | date | None = None,
    versions: Sequence[int] = (), indicator: str | None = None, source: str = "gdelt",
    min_events: int = MIN_EVENTS,
) -> pd.DataFrame:
    """Dyad indicators for A–B (and reference pairs) per period, per event source.

    ``source``: ``gdelt`` (the library default, as before ICEWS; the CLI's default is
    ``all``), ``icews``, ``icews-tkg`` (derived: countries read from actor names and the
    leaders table), ``icews-dyad-year`` (published yearly quad counts; ``period`` must be
    ``year``) or ``all`` (each source the store holds). Rows carry their ``source``;
    counts of different sources sit side by side (one row each) and are never summed.

    Returns one row per source, dyad, direction and period with the columns of the module
    docstring plus the coverage of the period (:data:`COVERAGE_COLUMNS`): ``coverage``
    (0-1) = ``coverage_present`` / ``coverage_expected`` in ``coverage_unit`` (GDELT: files
    present / files GDELT published in the period; ICEWS and quadruple sets: days with any
    event of the source / days in the period within the window; dyad-year: 1 for each
    published year), ``partial`` (coverage < 1), ``low_n`` (fewer than ``min_events`` dyad
    events; default :data:`MIN_EVENTS`), ``derived``. A period inside a source's span with no
    data at all has NULL counts (never 0). ``df.attrs["notes"]`` says which sources were left
    out and why. E150 when the asked source has nothing in the range; E009 when the store
    holds no event data.

    On Spark (a :class:`bilat.store.spark.SparkStore`, ``--store pyspark://…``) the indicator
    table of the GDELT parts is computed by Spark (:func:`gdelt_indicators`); coverage, flags
    and notes come from the catalogue store, so the columns are the same. ``source`` must then
    be ``gdelt`` (or ``all``, meaning GDELT).
    """
    return indicator_rows(store, a, b, refs=refs, period=period, direction=direction,
                          actor_type=actor_type, dedup=dedup, start=start, end=end,
                          versions=versions, indicator=indicator, source=source,
                          min_events=min_events).to_pandas()


def indicator_rows(
    store: Any, a: str, b: str, *, refs: Sequence[tuple[str, str]] = (),
    period: str = "month", direction: str = "both", actor_type: str | Sequence[str] | None = None,
    dedup: str = "none", start: str | date | None = None, end: str | date | None = None,
    versions: Sequence[int] = (), indicator: str | None = None, source: str = "gdelt",
    min_events: int = MIN_EVENTS,
) -> Rows:
    """:func:`indicators` as :class:`bilat.rows.Rows` (``attrs["notes"]`` as well): the one
    computation, which ``bilat events indicators`` prints without importing pandas when the
    dyad-day layer answers (GDELT; ICEWS and the event path still build frames inside)."""
    kw = dict(refs=refs, period=period, direction=direction, actor_type=actor_type,
              dedup=dedup, start=start, end=end, versions=versions, indicator=indicator,
              min_events=min_events)
    if getattr(store, "engine", "duckdb") != "pyspark":
        return _indicators(store, store, a, b, source=source, **kw)
    if source not in ("all", "gdelt"):
        store.refuse(f"--source {source} (Spark reads the store's GDELT parts)")
    meta = store.catalogue_store()
    try:
        return _indicators(meta, store, a, b, source="gdelt", **kw)
    finally:
        meta.close()


@_one_generation
def _indicators(
    meta: Any, store: Any, a: str, b: str, *, refs: Sequence[tuple[str, str]] = (),
    period: str = "month", direction: str = "both", actor_type: str | Sequence[str] | None = None,
    dedup: str = "none", start: str | date | None = None, end: str | date | None = None,
    versions: Sequence[int] = (), indicator: str | None = None, source: str = "gdelt",
    min_events: int = MIN_EVENTS,
) -> Rows:
    """:func:`indicators` with ``meta``, the embedded store for coverage, flags and the other
    sources, and ``store``, which computes the GDELT table (``meta`` itself, or Spark)."""
    _check(source, [*SOURCES, "all"], "--source")
    if not isinstance(min_events, int) or isinstance(min_events, bool) or min_events < 0:
        raise error("E153", option="min_events= (--min-events)", value=min_events,
                    expected="give a whole number of events, 0 or more (default "
                    f"{MIN_EVENTS})")
    q = make_query(a, b, refs=refs, period=period, direction=direction, actor_type=actor_type,
                   dedup=dedup, start=start, end=end, versions=versions)
    if indicator is not None:
        _check_indicator(indicator)
    wanted = list(SOURCES) if source == "all" else [source]
    root_only: list[str] = []
    if q.dedup == "root" and source != "gdelt":
        if source != "all":
            raise error("E151", source=source)
        # all sources, root events: GDELT alone has IsRootEvent; the others are left out
        root_only = [s for s in wanted if s != "gdelt"]
        wanted = ["gdelt"]
    if source == "gdelt" and not _has_gdelt(meta):
        from bilat.sources.gdelt import ensure_events_view

        ensure_events_view(meta)  # E009 saying how to load GDELT
    frames: list[Rows] = []
    notes: list[str] = [f"{s}: left out, --dedup root is GDELT's IsRootEvent (use --dedup "
                        "daily or none to see it)" for s in root_only
                        if _source_present(meta, s)]
    present = [s for s in wanted if _source_present(meta, s)]
    if not present:
        if source == "all":
            raise error("E009", name="events", next_step=_LOAD_HINT)
        raise error("E150", source=source, dyad=f"{q.pairs[0][0]}–{q.pairs[0][1]}",
                    span=_span_text(q), why=f"the store holds no {source} data; load it with "
                    f"`bilat fetch {source} --mirror DIR` or `bilat events ingest FILE`")
    if any(s in ("icews", "icews-tkg") for s in present):  # their records: view `events`
        refresh_event_view(meta)
    for s in wanted:
        if s not in present:
            notes.append(f"{s}: not in the store")
            continue
        from bilat.store import dyad_day

        # the dyad-day aggregate, when it answers exactly (Spark computes from the parts)
        fast = dyad_day.read(store, s, q) if store is meta else None
        if fast is not None:
            df, why = fast
        elif s == "gdelt":
            df = _gdelt_rows(store, q)
            why = no_gdelt_events_why(q) if df.empty else ""
            if not df.empty:
                df = with_gdelt_coverage(meta, df, q)
        elif s == "icews-dyad-year":
            df, why = _dyad_year_indicators(meta, q)
        else:
            df, why = _record_indicators(meta, s, q)
        sp = source_periods(meta, store, s, q) if s != "icews-dyad-year" else None
        if df.empty and (sp is None or not any(sp.covered(p) for p in sp.grid)):
            # nothing of the pair, and no file of the source covers the window: no rows
            notes.append(f"{s}: {why}")
            continue
        if s != "icews-dyad-year":  # the one period rule (SourcePeriods)
            if df.empty:  # the pair has no event, but files cover periods: 0 there, else NULL
                from bilat.rows import Rows

                notes.append(f"{s}: {why}; the periods its files cover are 0, the others "
                             "NULL")
                df = Rows({c: [] for c in _SOURCE_KINDS}, _SOURCE_KINDS)
            df = _person_mapping(meta, _period_rule(sp, s, meta, df, q, notes), s, q, notes,
                                 sp)
        frames.append(df)
    if not frames:
        raise error("E150", source=source if source != "all" else "stored",
                    dyad=", ".join(f"{x}–{y}" for x, y in q.pairs), span=_span_text(q),
                    why="; ".join(notes))
    from bilat.rows import Rows

    both = Rows.concat([f.select(list(_SOURCE_KINDS)) for f in frames])
    out = _flags(Rows(both.columns, _SOURCE_KINDS), min_events)
    order = {f"{x}–{y}": i for i, (x, y) in enumerate(q.pairs)}  # main pair first, then refs
    src_order = {s: i for i, s in enumerate(SOURCES)}
    dyad, direction, per, src = out["dyad"], out["direction"], out["period"], out["source"]
    out = out.take(sorted(range(len(out)), key=lambda i: (
        order[dyad[i]], direction[i], per[i], src_order[src[i]])))
    cols = ["source", "dyad", "direction", "a", "b", "period", *INDICATORS, "dedup",
            "coverage", "coverage_present", "coverage_expected", "coverage_unit", "partial",
            "low_n", "min_events", "derived"]
    if indicator is not None:
        cols = ["source", "dyad", "direction", "a", "b", "period", indicator, "events",
                "volume_a", "volume_b", "dedup", "coverage", "coverage_present",
                "coverage_expected", "coverage_unit", "partial", "low_n", "min_events",
                "derived"]
        cols = list(dict.fromkeys(cols))
    out = out.select(cols)
    out.attrs["notes"] = notes
    return out


def _frame_rows(df: pd.DataFrame) -> Rows:
    """A source's indicator frame built with pandas (ICEWS records, dyad-year) as
    :class:`bilat.rows.Rows`, its columns in the indicator tables' kinds."""
    from bilat.rows import Rows

    return Rows.from_pandas(df, _gdelt_kinds([str(c) for c in df.columns], counts="Int64"))


def no_gdelt_events_why(q: DyadQuery) -> str:
    """Why a GDELT indicator table is empty, naming the filters that emptied it."""
    filters = []
    if q.actor_types:
        filters.append(f"actor type {'/'.join(q.actor_types)} on both sides")
    if q.versions:
        filters.append("GDELT version " + "/".join(str(v) for v in q.versions))
    return ("no events between these states" + (" with " + " and ".join(filters) if filters
                                                 else "") + " in the stored GDELT files")


def _span_text(q: DyadQuery) -> str:
    if q.start is None and q.end is None:
        return ""
    lo = _to_day(q.start) if q.start else "…"
    hi = _to_day(q.end) if q.end else "…"
    return f" in {lo}..{hi}"


# ============================================================================ contacts
#: CAMEO code → contact kind (CAMEO 1.1b3: 036 express intent to meet or negotiate; 040
#: consult; 041 discuss by telephone; 042 make a visit; 043 host a visit; 044 meet at a
#: "third" location; 045 mediate; 046 engage in negotiation).
CONTACT_KINDS: dict[str, str] = {"036": "intent_to_meet", "040": "meeting", "041": "call",
                                 "042": "visit", "043": "visit", "044": "meeting",
                                 "045": "mediation", "046": "negotiation"}
#: Kind → output column of :func:`contacts`.
KIND_COLUMNS: dict[str, str] = {"meeting": "meetings", "visit": "visits", "call": "calls",
                                "negotiation": "negotiations", "mediation": "mediations",
                                "intent_to_meet": "intents_to_meet"}
#: What the event-data contact count is, in one line (shown beside other series).
CONTACT_BASIS = ("CAMEO 036, 040-046 between the two states with a government actor (type "
                 "GOV) or a head of state/government or foreign minister in office on both "
                 "sides; one contact per dyad, day and kind")


@_one_generation
def contact_list(
    store: Any, a: str, b: str, *, source: str = "all", refs: Sequence[tuple[str, str]] = (),
    start: str | date | None = None, end: str | date | None = None,
) -> pd.DataFrame:
    """Every leader and government contact between A and B (and reference pairs), one row per
    source, dyad, day and kind, with the events behind it.

    Columns: ``source``, ``dyad``, ``date``, ``kind`` (:data:`CONTACT_KINDS`), ``events``
    (event records behind the contact), ``event_ids`` (``;``-joined), ``codes``, ``actors``
    (``name → name`` of the first event), ``via`` (how the states were assigned: ``gdelt``,
    ``icews``, ``name``/``sector``/``leaders.csv`` for the derived quadruple sets),
    ``derived``. Reads the canonical view ``events``; the dyad-year aggregates have no events.
    """
    _check(source, [*RECORD_SOURCES, "all"], "--source")
    q = make_query(a, b, refs=refs, period="day", start=start, end=end)
    countries = sorted({c for pair in q.pairs for c in pair})
    if getattr(store, "engine", "duckdb") == "pyspark":  # --store pyspark://…: the GDELT parts
        if source not in ("all", "gdelt"):
            store.refuse(f"--source {source} (Spark reads the store's GDELT parts)")
        ev = store.contact_events(countries, list(CONTACT_KINDS), q.start, q.end)
    else:
        ev = _contact_events(store, q, source, countries)
    return _contact_rows(ev, q)


def _contact_events(store: Any, q: DyadQuery, source: str, countries: Sequence[str]
                    ) -> pd.DataFrame:
    """The canonical view's events that can be contacts among ``countries`` (DuckDB)."""
    if not refresh_event_view(store):
        raise error("E009", name="events", next_step=_LOAD_HINT)
    where, params = ["substr(cameo_code, 1, 3) IN " + _in(list(CONTACT_KINDS))], []
    if source != "all":
        where.append("source = ?")
        params.append(source)
    dates, date_params = _dates(q, "sqldate")
    where += dates
    params += date_params
    cin = _in(countries)
    gov = ("(list_contains(string_split(coalesce({n}_types, ''), ','), 'GOV') "
           "OR {n}_leader IS NOT NULL)")
    where += [f"actor1_iso3 IN {cin}", f"actor2_iso3 IN {cin}", gov.format(n="actor1"),
              gov.format(n="actor2")]
    return store.con.execute(
        "SELECT source, event_id, event_date, actor1_iso3, actor2_iso3, actor1_name, "
        "actor2_name, cameo_code, actor1_via, actor2_via, derived FROM events WHERE "
        + " AND ".join(where), params).df()


def _contact_rows(ev: pd.DataFrame, q: DyadQuery) -> pd.DataFrame:
    """One row per source, dyad, day and kind from the contact events ``ev``."""
    import pandas as pd

    cols = ["source", "dyad", "date", "kind", "events", "event_ids", "codes", "actors", "via",
            "derived"]
    frames = []
    for x, y in q.pairs:
        part = ev[((ev.actor1_iso3 == x) & (ev.actor2_iso3 == y))
                  | ((ev.actor1_iso3 == y) & (ev.actor2_iso3 == x))].copy()
        if part.empty:
            continue
        part["dyad"] = f"{x}–{y}"
        part["kind"] = part["cameo_code"].str[:3].map(CONTACT_KINDS)
        part["date"] = pd.to_datetime(part["event_date"]).dt.date
        part["_o"] = pd.to_numeric(part["event_id"], errors="coerce")
        part = part.sort_values(["_o", "event_id"])
        part["actors"] = part["actor1_name"].fillna("?") + " → " + part["actor2_name"].fillna("?")
        part["via"] = part["actor1_via"].fillna("?") + "/" + part["actor2_via"].fillna("?")
        g = part.groupby(["source", "dyad", "date", "kind"], sort=True)
        frames.append(pd.DataFrame({
            "events": g.size(),
            "event_ids": g["event_id"].agg(";".join),
            "codes": g["cameo_code"].agg(lambda s: ",".join(sorted(set(s)))),
            "actors": g["actors"].first(),
            "via": g["via"].agg(lambda s: ",".join(sorted(set(s)))),
            "derived": g["derived"].any(),
        }).reset_index())
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


@_one_generation
def contacts(
    store: Any, a: str, b: str, period: str = "year", source: str = "all",
    refs: Sequence[tuple[str, str]] = (), *, start: str | date | None = None,
    end: str | date | None = None, min_events: int = MIN_EVENTS, compare: bool = False,
) -> pd.DataFrame:
    """Leader and government contacts of A–B (and reference pairs) per ``period`` (``month``
    or ``year``, also day/week/quarter), per event source, with the event ids behind them.

    One row per source, dyad and period inside each source's span: ``contacts`` (distinct
    (day, kind) contacts, :func:`contact_list`), one column per kind (``meetings``,
    ``visits``, ``calls``, ``negotiations``, ``mediations``, ``intents_to_meet``),
    ``contact_days``, ``events`` (event records behind them), ``event_ids`` (``;``-joined),
    ``basis`` (what is counted), and the period's coverage and flags as in
    :func:`indicators` (``low_n`` when fewer than ``min_events`` contacts). A period where the
    source has no data at all has NULL counts. With ``compare``, rows from the other contact
    series the store holds are added beside them — leader engagements
    (:func:`bilat.indicators.material.engagements`) and corpus-based contacts
    (:func:`bilat.text.contacts.contacts`) — each with its own ``source`` and ``basis``;
    ``df.attrs["notes"]`` says which series are absent and why. Counts of different sources
    are never summed.

    On Spark (a :class:`bilat.store.spark.SparkStore`, ``--store pyspark://…``) the contact
    events and the days each period holds are read from the GDELT parts by Spark; the file
    coverage and the other series come from the catalogue store. ``source`` must then be
    ``gdelt`` (or ``all``, meaning GDELT).
    """
    if getattr(store, "engine", "duckdb") != "pyspark":
        return _contacts(store, store, a, b, period, source, refs, start=start, end=end,
                         min_events=min_events, compare=compare)
    if source not in ("all", "gdelt"):
        store.refuse(f"--source {source} (Spark reads the store's GDELT parts)")
    meta = store.catalogue_store()
    try:
        return _contacts(store, meta, a, b, period, "gdelt", refs, start=start, end=end,
                         min_events=min_events, compare=compare)
    finally:
        meta.close()


def _contacts(
    store: Any, meta: Any, a: str, b: str, period: str = "year", source: str = "all",
    refs: Sequence[tuple[str, str]] = (), *, start: str | date | None = None,
    end: str | date | None = None, min_events: int = MIN_EVENTS, compare: bool = False,
) -> pd.DataFrame:
    """:func:`contacts` with ``meta``, the embedded store for coverage and other series."""
    import pandas as pd

    _check(period, list(PERIODS), "--period")
    _check(source, [*RECORD_SOURCES, "all"], "--source")
    if not isinstance(min_events, int) or isinstance(min_events, bool) or min_events < 0:
        raise error("E153", option="min_events= (--min-events)", value=min_events,
                    expected=f"give a whole number, 0 or more (default {MIN_EVENTS})")
    q = make_query(a, b, refs=refs, period=period, start=start, end=end)
    listing = contact_list(store, a, b, source=source, refs=refs, start=start, end=end)
    wanted = list(RECORD_SOURCES) if source == "all" else [source]
    notes: list[str] = []
    frames = []
    for src in wanted:
        if not _source_present(meta, src):
            notes.append(f"{src}: not in the store")
            continue
        sp = source_periods(meta, store, src, q)  # the one period rule (SourcePeriods)
        if sp is None:
            notes.append(f"{src}: no events in the range")
            continue
        grid = list(sp.grid)
        notes += sp.notes()
        stale = (stale_person_states(meta, sorted({c for pair in q.pairs for c in pair}))
                 if src in PERSON_MAPPED_SOURCES else frozenset())
        if src in PERSON_MAPPED_SOURCES:
            notes.append(PERSON_NOTE.format(src=src))
        lst = listing[listing["source"] == src].copy()
        if len(lst):
            lst["period"] = [_period_start(d, q.period) for d in lst["date"]]
        rows = []
        late = [p for p in grid if p in sp.dated and not sp.covered(p)]
        for x, y in q.pairs:
            dy = lst[lst["dyad"] == f"{x}–{y}"] if len(lst) else lst
            gaps: dict[str, list[date]] = {}
            # a period no file covers has counts only where the pair has a backdated event
            own_late = _pair_periods(meta, src, q, x, y, late) if late else set()
            for p in grid:
                has = sp.covered(p) or p in own_late
                # a state whose persons are not mapped: the contact series is unknown
                miss = _unmapped(x, y, p, q, sp, stale) if has and src in \
                    PERSON_MAPPED_SOURCES else []
                for c in miss:
                    gaps.setdefault(c, []).append(p)
                has = has and not miss
                cell = dy[dy["period"] == p] if len(dy) else dy
                rec: dict[str, Any] = {"source": src, "dyad": f"{x}–{y}", "a": x, "b": y,
                                       "period": p}
                rec["contacts"] = len(cell) if has else pd.NA
                for kind, col in KIND_COLUMNS.items():
                    rec[col] = int((cell["kind"] == kind).sum()) if has and len(cell) else \
                        (0 if has else pd.NA)
                rec["contact_days"] = int(cell["date"].nunique()) if has and len(cell) else \
                    (0 if has else pd.NA)
                rec["events"] = int(cell["events"].sum()) if has and len(cell) else \
                    (0 if has else pd.NA)
                rec["event_ids"] = ";".join(cell["event_ids"]) if len(cell) else ""
                rec["coverage_present"] = sp.present.get(p, 0)
                rec["coverage_expected"] = sp.expected.get(p, 0)
                rec["coverage_unit"] = sp.unit
                rec["basis"] = CONTACT_BASIS
                rows.append(rec)
            if gaps:
                notes.append(_mapping_note(src, f"{x}–{y}", gaps, grid,
                                           "its leader-contact series", stale))
        if rows:
            frames.append(pd.DataFrame(rows))
    if compare:
        for extra, note in (_engagement_rows(meta, q), _corpus_rows(meta, q)):
            if extra is not None and len(extra):
                frames.append(extra)
            if note:
                notes.append(note)
    if not frames:
        raise error("E150", source=source if source != "all" else "stored",
                    dyad=", ".join(f"{x}–{y}" for x, y in q.pairs), span=_span_text(q),
                    why="; ".join(notes) or "no data")
    out = pd.concat(frames, ignore_index=True)
    for c in ("contacts", *KIND_COLUMNS.values(), "contact_days", "events"):
        out[c] = pd.array(pd.to_numeric(out[c], errors="coerce"), dtype="Int64")
    exp = pd.to_numeric(out["coverage_expected"], errors="coerce")
    pres = pd.to_numeric(out["coverage_present"], errors="coerce")
    out["coverage"] = _share(pres / exp.where(exp > 0))
    # another series' coverage is its own (unknown here): its partial flag is NULL, not True
    out["partial"] = pd.array([pd.NA if e != e else bool(c < 1 if c == c else True)
                               for c, e in zip(out["coverage"], exp, strict=True)],
                              dtype="boolean")
    n = pd.to_numeric(out["contacts"], errors="coerce")
    out["low_n"] = n.isna() | (n < min_events)
    out["min_events"] = min_events
    out["derived"] = out["source"].isin(DERIVED_SOURCES)
    order = {f"{x}–{y}": i for i, (x, y) in enumerate(q.pairs)}
    out = out.sort_values(["dyad", "period", "source"],
                          key=lambda c: c.map(order) if c.name == "dyad" else c,
                          kind="stable").reset_index(drop=True)
    cols = ["source", "dyad", "a", "b", "period", "contacts", *KIND_COLUMNS.values(),
            "contact_days", "events", "event_ids", "coverage", "coverage_present",
            "coverage_expected", "coverage_unit", "partial", "low_n", "min_events", "derived",
            "basis"]
    out = out[[c for c in cols if c in out.columns]]
    out.attrs["notes"] = notes
    return out


def _period_label(p: date, period: str) -> str:
    if period == "year":
        return str(p.year)
    if period == "quarter":
        return f"{p.year}-Q{(p.month - 1) // 3 + 1}"
    if period == "month":
        return f"{p:%Y-%m}"
    return p.isoformat()


def _period_start(d: date, period: str) -> date:
    """First day of the period (day; week from Monday; month; quarter; year) holding ``d``."""
    from datetime import timedelta

    if period == "day":
        return d
    if period == "week":
        return d - timedelta(days=d.weekday())
    if period == "month":
        return date(d.year, d.month, 1)
    if period == "quarter":
        return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return date(d.year, 1, 1)


def _series_frame(df: Any, q: DyadQuery, source: str, basis: str, count_cols: Sequence[str]
                  ) -> tuple[pd.DataFrame | None, str]:
    """Another module's per-period series → rows in :func:`contacts` form (main pair only)."""
    import pandas as pd

    if df is None or len(df) == 0:
        return None, f"{source}: no rows for {q.pairs[0][0]}–{q.pairs[0][1]}"
    df = pd.DataFrame(df)
    if "type" in df.columns and (df["type"] == "all").any():
        df = df[df["type"] == "all"]  # a per-type table with a total row: the total only
    pcol = next((c for c in ("period", q.period, "year", "month", "date") if c in df.columns),
                None)
    ccol = next((c for c in count_cols if c in df.columns), None)
    if pcol is None or ccol is None:
        return None, (f"{source}: no period or count column in its result "
                      f"({', '.join(map(str, df.columns[:12]))})")
    raw = df[pcol]
    if pcol == "year" or (raw.astype(str).str.fullmatch(r"\d{4}").all()):
        days = pd.to_datetime(raw.astype(str).str[:4] + "-01-01", errors="coerce")
    else:
        days = pd.to_datetime(raw.astype(str), errors="coerce")
    if q.period != "year" and (pcol == "year"):
        return None, f"{source}: yearly only; use --period year to compare"
    per = [(_period_start(d.date(), q.period) if d is not pd.NaT else None) for d in days]
    vals = pd.to_numeric(df[ccol], errors="coerce")
    ids = df["ids"].astype(str) if "ids" in df.columns else pd.Series("", index=df.index)
    frame = pd.DataFrame({"period": per, "v": vals.to_numpy(), "ids": ids.to_numpy()}) \
        .dropna(subset=["period"])
    if q.start is not None:
        frame = frame[frame["period"] >= _period_start(_to_day(q.start), q.period)]
    if q.end is not None:
        frame = frame[frame["period"] <= (_to_day(q.end) or date.max)]
    agg = frame.groupby("period")["v"].sum(min_count=1)
    ids_of = frame.groupby("period")["ids"].agg(
        lambda s: ";".join(x for x in s if x and x != "nan"))
    a, b = q.pairs[0]
    rows = [{"source": source, "dyad": f"{a}–{b}", "a": a, "b": b, "period": p,
             "contacts": v, "event_ids": ids_of.get(p, ""), "coverage_present": pd.NA,
             "coverage_expected": pd.NA, "coverage_unit": "see that series",
             "basis": basis} for p, v in agg.items()]
    return pd.DataFrame(rows), ""


def _engagement_rows(store: Any, q: DyadQuery) -> tuple[pd.DataFrame | None, str]:
    try:
        import importlib

        mod = importlib.import_module("bilat.indicators.material")
        fn = getattr(mod, "engagements", None)
        if fn is None:
            return None, "leader-engagements: bilat.indicators.material.engagements is absent"
        a, b = q.pairs[0]
        df = fn(store, a, b)
    except ImportError:
        return None, "leader-engagements: bilat.indicators.material is not installed"
    except Exception as exc:  # noqa: BLE001 - another series' failure is a named gap
        msg = exc.one_line() if hasattr(exc, "one_line") else str(exc)
        return None, f"leader-engagements: {str(msg).splitlines()[0][:200]}"
    return _series_frame(df, q, "leader-engagements",
                         "leader engagements (bilat.indicators.material.engagements)",
                         ("engagements", "contacts", "n", "count", "events"))


def _corpus_rows(store: Any, q: DyadQuery) -> tuple[pd.DataFrame | None, str]:
    import pandas as pd

    try:
        from bilat.text import contacts as mod
    except ImportError:
        return None, "corpus: bilat.text.contacts is not installed"
    fn = getattr(mod, "contact_list", None)
    if fn is None:
        return None, "corpus: bilat.text.contacts.contact_list is absent"
    a, b = q.pairs[0]
    try:
        rows = fn(store, a, b)
    except Exception as exc:  # noqa: BLE001 - another series' failure is a named gap
        msg = exc.one_line() if hasattr(exc, "one_line") else str(exc)
        return None, f"corpus: {str(msg).splitlines()[0][:200]}"
    if rows is None or len(rows) == 0:
        return None, f"corpus: no contacts of {a}–{b} in the stored documents"
    rows = pd.DataFrame(rows)
    dcol = next((c for c in ("event_date", "date") if c in rows.columns), None)
    if dcol is None:
        return None, "corpus: contact_list has no date column"
    frames, notes = [], []
    groups = rows.groupby("series") if "series" in rows.columns else [("corpus", rows)]
    for name, part in groups:
        days = part.drop_duplicates(dcol)[[dcol]].assign(n=1).rename(columns={dcol: "date"})
        f, note = _series_frame(days.groupby("date", as_index=False)["n"].sum(), q,
                                f"corpus:{name}",
                                f"distinct contact days reported in the {name} corpus "
                                "(bilat.text.contacts)", ("n",))
        if f is not None:
            frames.append(f)
        if note:
            notes.append(note)
    return (pd.concat(frames, ignore_index=True) if frames else None), "; ".join(notes)


def chart(df: pd.DataFrame, indicator: str | None = None, path: Any = None) -> Any:
    """A Vega-Lite chart of one indicator over time, one line per direction and source.

    By default it plots the volume-normalised measure ``events_per_1k_a`` (events per 1,000
    events of A in the same source and period: raw counts mostly measure coverage). Every
    series gets every period from its first to its last, so a period without data is a gap
    in the line (never drawn across); partial periods (``partial``) are hollow points. Saved
    as self-contained HTML (or .json/.png/.svg) when ``path`` is given.
    """
    import pandas as pd

    from bilat.report.charts import coverage_chart, save_chart

    indicator = indicator or ("events_per_1k_a" if "events_per_1k_a" in df.columns
                              else "events")
    _check_indicator(indicator)
    if indicator not in df.columns:
        raise error("E112", value=indicator, options=", ".join(
            c for c in df.columns if c in INDICATORS))
    data = df.copy()
    if "source" not in data:
        data["source"] = "gdelt"
    if "partial" not in data:
        data["partial"] = False
    data["series"] = data["direction"] + " · " + data["source"]
    period = _guess_period(data["period"])
    filled = []
    for _, part in data.groupby("series", sort=False):
        days = sorted(set(part["period"]))
        grid = _grid(days[0], days[-1], period) if period else days
        part = part.set_index("period")
        full = part.reindex(grid)
        full["series"] = part["series"].iloc[0]
        full["partial"] = full["partial"].fillna(True).astype(bool)
        filled.append(full.rename_axis("period").reset_index())
    data = pd.concat(filled, ignore_index=True)
    data["period"] = pd.to_datetime(data["period"])
    data[indicator] = pd.to_numeric(data[indicator], errors="coerce").astype("float64")
    for c in ("events", "coverage", "volume_a", "volume_b"):
        if c in data:
            data[c] = pd.to_numeric(data[c], errors="coerce").astype("float64")
    note = ("per 1,000 events of A in the same source and period; " if indicator.endswith(
        "_per_1k_a") else "per 1,000 events of B in the same source and period; "
        if indicator.endswith("_per_1k_b") else "raw counts mostly measure news coverage; ")
    note += "hollow points: partial periods; gaps: no data"
    if data.get("derived") is not None and bool(data["derived"].fillna(False).any()):
        note += "; icews-tkg: derived source (countries and dates assigned by bilat)"
    c = coverage_chart(data, x="period", y=indicator, color="series",
                       title=f"{indicator} by {', '.join(sorted(df['dyad'].unique()))}",
                       tooltip=[t for t in ("events", "coverage", "volume_a", "volume_b")
                                if t in data], note=note)
    if path is not None:
        save_chart(c, path)
    return c


def _guess_period(periods: pd.Series) -> str | None:
    """The period unit of a column of period starts (for filling gaps), or None."""
    import pandas as pd

    days = sorted(set(pd.to_datetime(periods).dt.date))
    if len(days) < 2:
        return None
    if all(d.month == 1 and d.day == 1 for d in days):
        return "year"
    if all(d.day == 1 and d.month in (1, 4, 7, 10) for d in days):
        return "quarter"
    if all(d.day == 1 for d in days):
        return "month"
    if all(d.weekday() == 0 for d in days):
        return "week"
    return "day"


__all__ = [
    "BIGQUERY_TABLE",
    "CONTACT_BASIS",
    "CONTACT_KINDS",
    "COVERAGE_COLUMNS",
    "DEDUP",
    "DIRECTIONS",
    "EVENT_COLUMNS",
    "ID_COLUMNS",
    "INDICATORS",
    "MIN_EVENTS",
    "PERIODS",
    "REFERENCE_DYADS",
    "SOURCES",
    "DyadQuery",
    "cameo_codes",
    "chart",
    "contact_list",
    "contacts",
    "dedup_effect",
    "dyad_events",
    "event_records",
    "events_in_window",
    "events_schema",
    "gdelt_indicators",
    "ids",
    "indicators",
    "make_query",
    "record_ids",
    "refresh_event_view",
    "sql",
]
