"""Material ties per dyad-year: trade, arms, alliances, IGOs, exercises, energy, engagements.

"Deeds, not words": what two states actually exchange and have signed, from the
peace-science datasets loaded by ``bilat fetch trade|arms|alliances|igos|exercises|energy|
engagements``. Every value is one row of a tidy long table (:data:`COLUMNS`):

``dyad`` (``A–B`` as asked), ``a``, ``b``, ``year``, ``direction`` (``A→B`` a flow from A
to B; ``A`` or ``B`` a measure about that side; ``A–B`` undirected), ``pillar``,
``indicator``, ``source`` (dataset, and for IMF whose report, for EI which sheet), ``value``,
``unit``, ``denominator`` with ``denominator_what``, ``percentile`` and ``n_dyads`` (the
dyad's rank among all dyads with data that year, below), ``rows`` (the ids of the source
rows behind the value), ``detail`` (deal designations, exercise names …) and ``note``.

Row ids: ``cow_trade:<ccode1>-<ccode2>-<year>``, ``imf:<reporter>/<sheet>!<cell>``,
``sipri:<SIPRI AT Database ID>/<delivery year>``, ``atop:<ccode1>-<ccode2>-<year>``,
``cow_igo:<ccode1>-<ccode2>-<year>``, ``mme:<MMEID>@<line>``, ``ei:<sheet>!<cell>``,
``chinavitae:<line>``.

Indicators (pillar: indicator — definition):

- **trade** (COW v4.0 1870-2014 and IMF DOTS to 2020, each with its own ``source``, never
  blended): ``exports_musd`` (A→B: goods A sold to B, current million US$; COW: B's imports
  from A; IMF: A's exports FOB as A reports them, and B's imports CIF from A as B reports
  them, two rows with two sources), ``trade_musd`` (A–B, both ways), ``dependence``
  (side A: the pair's trade over A's total trade — COW: the sum of all of A's dyadic flows
  that year; IMF: A's trade with ``World`` in A's own report), ``asymmetry`` (A–B:
  dependence of A minus dependence of B; > 0 means A needs the tie more; its percentile
  ranks the absolute value).
- **arms** (SIPRI, deliveries 1995-2024): ``tiv`` (A→B, SIPRI trend-indicator value in
  millions — a volume, not a price), ``share_of_recipient_imports`` (denominator: all TIV
  B received that year, from every supplier including non-state and unknown ones),
  ``share_of_supplier_exports``; ``rows`` are ``sipri:<deal id>/<year>`` and ``detail``
  names the designations delivered. A year of the coverage without deliveries is 0 (the
  register is complete for major conventional arms) and has no percentile; such zeros start
  in the first year both states appear in the source (likewise for exercises and
  engagements), so a state that did not yet exist is never given a zero.
- **alliances** (ATOP v5.1, 1815-2018, directed): ``defense``, ``offense``, ``neutral``,
  ``nonagg``, ``consul`` (A→B: 1 if A has that pledge towards B). Within the coverage an
  absent dyad-year is 0 only while both states are members of the state system (years they
  appear in COW IGO's dyad-years, which list every pair of members, or in ATOP itself);
  before a state exists (Eritrea 1985) the year is missing, not 0. ATOP's treaty ids
  (``atopid``) are not in peacesciencer's file: ``note`` says so; ``rows`` give the ATOP row.
- **igos** (COW IGO v3.0, 1816-2014): ``shared_igos`` (A–B).
- **exercises** (MME v7, 1980-2010): ``exercises``, ``bilateral`` (exactly the two states),
  ``multilateral`` (A–B; exercises starting that year with both among the participants);
  ``detail`` lists the names, ``rows`` the MME ids. Years of the coverage without any are 0.
- **energy** (EI Statistical Review 2024): ``pipeline_gas_bcm``, ``lng_bcm``, ``crude_mt``,
  ``oil_products_mt`` (A→B), with ``share_of_exporter_exports`` / ``share_of_importer_imports``
  variants (``<product>_share_of_exporter_exports``); the time series sheet covers
  inter-regional pipeline trade 2000-2023, the matrices 2023 only.
- **engagements** (China Vitae, 2003-2018, Chinese side only): ``engagements`` and one
  indicator per type (``call``, ``meeting``, ``visit abroad`` …) for CHN→X; officials in
  office only.

Percentile: ``100 × (n_below + n_equal / 2) / n`` among all dyads (directed measures: all
directed dyads) with a value for that indicator, source family and year (``n_dyads``);
IMF data hold five reporters only, so their universe is those reporters' partners.

Citations are those of the source modules (:mod:`bilat.sources.trade_cow` …).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from bilat.errors import error
from bilat.reference.countries import require_iso3

#: The columns of :func:`indicators`, in order.
COLUMNS = ["dyad", "a", "b", "year", "direction", "pillar", "indicator", "source", "value",
           "unit", "denominator", "denominator_what", "percentile", "n_dyads", "rows",
           "detail", "note"]
#: Pillar → (store tables, ``bilat fetch`` command, coverage years).
PILLARS: dict[str, tuple[tuple[str, ...], str, tuple[int, int]]] = {
    "trade": (("cow_trade", "imf_dots"), "bilat fetch trade", (1870, 2020)),
    "arms": (("sipri_deliveries",), "bilat fetch arms", (1995, 2024)),
    "alliances": (("atop_dyad_year",), "bilat fetch alliances", (1815, 2018)),
    "igos": (("cow_igo_dyad_year",), "bilat fetch igos", (1816, 2014)),
    "exercises": (("mme_exercises",), "bilat fetch exercises", (1980, 2010)),
    "energy": (("energy_trade",), "bilat fetch energy", (2000, 2023)),
    "engagements": (("leader_engagements",), "bilat fetch engagements", (2003, 2018)),
}
#: Every indicator name, per pillar (``--indicator`` picks one).
INDICATORS: dict[str, tuple[str, ...]] = {
    "trade": ("exports_musd", "trade_musd", "dependence", "asymmetry"),
    "arms": ("tiv", "share_of_recipient_imports", "share_of_supplier_exports"),
    "alliances": ("defense", "offense", "neutral", "nonagg", "consul"),
    "igos": ("shared_igos",),
    "exercises": ("exercises", "bilateral", "multilateral"),
    "energy": tuple(f"{p}{s}" for p in ("pipeline_gas_bcm", "lng_bcm", "crude_mt",
                                        "oil_products_mt")
                    for s in ("", "_share_of_exporter_exports", "_share_of_importer_imports")),
    "engagements": ("engagements", "call", "meeting", "visit abroad", "message", "credentials",
                    "other"),
}
ATOP_NOTE = ("ATOP treaty ids (atopid) are not in peacesciencer's atop_alliance; look the "
             "dyad up in ATOP's atop5_1ddyr file")
EI_SERIES_NOTE = "EI time series: inter-regional pipeline trade only (intra-regional excluded)"
_PRODUCT_NAME = {"pipeline_gas": "pipeline_gas_bcm", "lng": "lng_bcm", "crude": "crude_mt",
                 "oil_products": "oil_products_mt"}


# ----------------------------------------------------------------------------- options
def parse_years(value: str | Sequence[int] | int | None) -> tuple[int, int] | None:
    """The inclusive (first, last) years of ``value``: ``"1995-2024"`` → (1995, 2024),
    ``"2014"`` or ``2014`` → (2014, 2014), ``(1995, 2024)`` → (1995, 2024); None → None (all
    years). E506 when it is not a year or a range, E511 when the range is reversed."""
    from bilat.periods import year_range

    return year_range(value, malformed="E506", reversed_code="E511")


def check_pair(a: str, b: str) -> tuple[str, str]:
    """Both states as ISO3 (ISO3 in any case, or a name or alias of the crosswalk), in the
    order given; E008 for an unknown state, E507 for the same state twice."""
    x, y = require_iso3(a), require_iso3(b)
    if x == y:
        raise error("E507", value=x)
    return x, y


def _pairs(a: str, b: str, refs: Sequence[tuple[str, str]] | Sequence[str] = ()
           ) -> list[tuple[str, str]]:
    out = [check_pair(a, b)]
    for r in refs:
        if isinstance(r, str):
            parts = re.split(r"[-–,:/ ]", r)
            if len(parts) != 2:
                raise error("E012", value=r, option="ref", options="C-D or (C, D)")
            r = (parts[0], parts[1])
        p = check_pair(r[0], r[1])
        if p not in out and p[::-1] not in out:  # one orientation per dyad
            out.append(p)
    return out


def check_pillars(pillars: Sequence[str] | str | None) -> list[str]:
    """Pillar names (E509 for unknown ones); None → all."""
    if pillars is None:
        return list(PILLARS)
    if isinstance(pillars, str):
        pillars = [p.strip() for p in pillars.split(",") if p.strip()]
    for p in pillars:
        if p not in PILLARS:
            raise error("E509", value=p, options=", ".join(PILLARS))
    return list(pillars)


def check_indicator(name: str | None) -> str | None:
    """An indicator name from :data:`INDICATORS` (E505 otherwise)."""
    if name is None:
        return None
    allv = [i for v in INDICATORS.values() for i in v]
    if name not in allv:
        raise error("E505", value=name, options=", ".join(allv))
    return name


def pillar_of(indicator: str) -> str:
    """The pillar an indicator name belongs to."""
    for p, names in INDICATORS.items():
        if indicator in names:
            return p
    raise error("E505", value=indicator, options=", ".join(i for v in INDICATORS.values()
                                                            for i in v))


# ----------------------------------------------------------------------------- SQL helpers
def _has(store: Any, table: str) -> bool:
    return table in _tables(store)


def _tables(store: Any) -> set[str]:
    """The store's table names (one query; material tables are few and checked often)."""
    rows = store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def _yr(years: tuple[int, int] | None, col: str = "year") -> str:
    return "TRUE" if years is None else f"{col} BETWEEN {int(years[0])} AND {int(years[1])}"


def _run(store: Any, build: Any, years: tuple[int, int] | None,
         pairs: list[tuple[str, str]] | None, rank: bool) -> pd.DataFrame:
    """Run a pillar query (``build(years, pair_filter, state_filter)`` gives long rows over
    dyads: ``s1``, ``s2`` (s1 < s2), ``year``, ``direction``, ``indicator``, ``source``,
    ``family``, ``value``, ``unit``, ``denominator``, ``denominator_what``, ``in_universe``,
    ``key``) for the wanted pairs (all with None), and rank them when ``rank``."""
    con = store.con
    con.execute("SET enable_progress_bar = false")
    if pairs is not None:
        f = _Filters(pairs)
        body = build(years, f.pair, f.state)
    else:
        body = build(years)
    df = con.execute(f"SELECT * FROM ({body})").df()
    if rank and len(df):
        df = _rank(con, build(years), df)
    else:
        df["percentile"], df["n_dyads"] = float("nan"), pd.NA
    return df


def _rank(con: Any, universe: str, df: pd.DataFrame) -> pd.DataFrame:
    """Percentile of each row among all dyads with a value for the same indicator, source
    family and year: ``100 × (n_below + n_equal / 2) / n`` (asymmetry: of its absolute value).
    """
    import numpy as np

    yrs = ", ".join(str(int(y)) for y in sorted(set(df["year"])))
    u = con.execute(
        f"SELECT indicator, family, year, CASE WHEN indicator = 'asymmetry' THEN abs(value) "
        f"ELSE value END AS v, count(*) AS n FROM ({universe}) WHERE in_universe "
        f"AND value IS NOT NULL AND year IN ({yrs}) GROUP BY ALL").df()
    pct = np.full(len(df), np.nan)
    nd = np.full(len(df), np.nan)
    vals = np.where(df["indicator"].eq("asymmetry"), df["value"].abs(), df["value"])
    ok = df["in_universe"].fillna(False).astype(bool).to_numpy() & ~pd.isna(vals)
    groups = {k: g for k, g in u.groupby(["indicator", "family", "year"], sort=False)}
    pos = np.arange(len(df))
    for k, idx in df.groupby(["indicator", "family", "year"], sort=False).indices.items():
        g = groups.get(k)
        if g is None:
            continue
        g = g.sort_values("v")
        v = g["v"].to_numpy(dtype=float)
        c = np.concatenate([[0], np.cumsum(g["n"].to_numpy())])
        total = c[-1]
        sel = pos[idx][ok[idx]]
        if not len(sel):
            continue
        x = vals[sel].astype(float)
        lo = np.searchsorted(v, x, side="left")
        hi = np.searchsorted(v, x, side="right")
        pct[sel] = 100.0 * (c[lo] + (c[hi] - c[lo]) / 2.0) / total
        nd[sel] = total
    df["percentile"] = pct
    df["n_dyads"] = pd.array([None if np.isnan(x) else int(x) for x in nd], dtype="Int64")
    return df


def _all1(col: str) -> str:
    return "TRUE"


def _all2(x: str, y: str) -> str:
    return "TRUE"


class _Filters:
    """SQL conditions for the wanted pairs, as literal lists DuckDB pushes into its scans."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        canon = sorted({tuple(sorted(p)) for p in pairs})
        for p in canon:
            for s in p:
                if not re.fullmatch(r"[A-Z]{3}", s):
                    raise error("E008", value=s)
        self.states = ", ".join(f"'{s}'" for s in sorted({s for p in canon for s in p}))
        self.pairs = ", ".join(f"'{a}|{b}'" for a, b in canon)

    def pair(self, x: str, y: str) -> str:
        return (f"({x} IN ({self.states}) AND {y} IN ({self.states}) AND "
                f"least({x}, {y}) || '|' || greatest({x}, {y}) IN ({self.pairs}))")

    def state(self, col: str) -> str:
        return f"{col} IN ({self.states})"


# ----------------------------------------------------------------------------- trade
def _trade_cow_sql(years: tuple[int, int] | None, pf: Any = None, sf: Any = None) -> str:
    pf, sf = pf or _all2, sf or _all1
    return f"""
    WITH a AS (
      SELECT iso3_1 AS x, iso3_2 AS y, year, sum(flow1) AS imp_x, sum(flow2) AS imp_y
      FROM cow_trade WHERE iso3_1 IS NOT NULL AND iso3_2 IS NOT NULL AND {_yr(years)}
           AND ({sf('iso3_1')} OR {sf('iso3_2')})
      GROUP BY ALL),
    tot AS (SELECT s, year, sum(v) AS total FROM (
              SELECT x AS s, year, coalesce(imp_x, 0) + coalesce(imp_y, 0) AS v FROM a
              UNION ALL SELECT y, year, coalesce(imp_x, 0) + coalesce(imp_y, 0) FROM a)
            WHERE {sf('s')} GROUP BY ALL),
    t AS (
      SELECT iso3_1 AS x, iso3_2 AS y, year, sum(flow1) AS imp_x, sum(flow2) AS imp_y,
             string_agg('cow_trade:' || ccode1 || '-' || ccode2 || '-' || year, ',') AS key
      FROM cow_trade WHERE iso3_1 IS NOT NULL AND iso3_2 IS NOT NULL AND {_yr(years)}
           AND {pf('iso3_1', 'iso3_2')}
      GROUP BY ALL),
    d AS (  -- directed: s imports from p, s exports to p
      SELECT x AS s, y AS p, year, imp_x AS imp, imp_y AS exp, key FROM t
      UNION ALL SELECT y, x, year, imp_y, imp_x, key FROM t),
    dep AS (SELECT d.*, tot.total, (d.imp + d.exp) / nullif(tot.total, 0) AS dependence
            FROM d JOIN tot USING (s, year))
    SELECT least(s, p) AS s1, greatest(s, p) AS s2, year, s || '→' || p AS direction,
           'exports_musd' AS indicator, 'COW trade v4.0' AS source, 'COW' AS family,
           exp AS value, 'million US$ (current)' AS unit, NULL::DOUBLE AS denominator,
           NULL AS denominator_what, TRUE AS in_universe, key
    FROM dep
    UNION ALL
    SELECT least(s, p), greatest(s, p), year, s, 'dependence', 'COW trade v4.0', 'COW',
           dependence, 'share', total,
           'total trade of ' || s || ' (sum of its COW dyadic flows, million US$)', TRUE, key
    FROM dep
    UNION ALL
    SELECT s, p, year, '', 'trade_musd', 'COW trade v4.0', 'COW', imp + exp,
           'million US$ (current)', NULL, NULL, TRUE, key FROM dep WHERE s < p
    UNION ALL
    SELECT d1.s, d1.p, d1.year, '', 'asymmetry', 'COW trade v4.0', 'COW',
           d1.dependence - d2.dependence, 'share (dependence of ' || d1.s || ' minus ' ||
           d1.p || ')', NULL, NULL, TRUE, d1.key
    FROM dep d1 JOIN dep d2 ON d1.s = d2.p AND d1.p = d2.s AND d1.year = d2.year
    WHERE d1.s < d1.p
    """


#: An IMF partner name normalised in SQL as :func:`bilat.reference.countries.normalise_name`
#: does for the names DOTS writes ("Yemen Arab Rep." → "yemen arab republic").
_IMF_NORM = ("trim(regexp_replace(lower(replace(replace(partner, 'Rep.', 'Republic'), "
             "'.', '')), '[^a-z0-9]+', ' ', 'g'))")


def _imf_residual_sql() -> str:
    """True for an IMF row naming a former state after its last year (the USSR in 1992):
    the former territory's residual, never the successor's trade (stores loaded before the
    parser marked such rows ``former state residual`` hold them under the successor)."""
    from bilat.reference.countries import residual_rule

    cases = " ".join(f"WHEN '{n}' THEN {int(y)}" for n, y in residual_rule()
                     if re.fullmatch(r"[a-z0-9 ]+", n))
    return (f"(partner_kind = 'former state residual' OR coalesce(year > CASE {_IMF_NORM} "
            f"{cases} END, FALSE))")


def _trade_imf_sql(years: tuple[int, int] | None, pf: Any = None, sf: Any = None) -> str:
    return f"""
    WITH w AS (SELECT reporter_iso3 AS s, year,
                 sum(value_musd) FILTER (WHERE flow = 'exports_fob') AS wexp,
                 sum(value_musd) FILTER (WHERE flow = 'imports_cif') AS wimp,
                 string_agg('imf:' || reporter_iso3 || '/' || sheet || '!' || cell, ','
                            ORDER BY sheet, cell) AS wkey
               FROM imf_dots WHERE partner = 'World' AND {_yr(years)}
                 AND {(sf or _all1)('reporter_iso3')} GROUP BY ALL),
    b AS (SELECT reporter_iso3 AS s, partner_iso3 AS p, year,
                 sum(value_musd) FILTER (WHERE flow = 'exports_fob') AS exp,
                 sum(value_musd) FILTER (WHERE flow = 'imports_cif') AS imp,
                 string_agg('imf:' || reporter_iso3 || '/' || sheet || '!' || cell, ','
                            ORDER BY sheet, cell) AS key,
                 string_agg('imf:' || reporter_iso3 || '/' || sheet || '!' || cell, ','
                            ORDER BY sheet, cell) FILTER (WHERE flow = 'exports_fob') AS ekey,
                 string_agg('imf:' || reporter_iso3 || '/' || sheet || '!' || cell, ','
                            ORDER BY sheet, cell) FILTER (WHERE flow = 'imports_cif') AS ikey
          FROM imf_dots WHERE partner_iso3 IS NOT NULL AND partner_iso3 <> reporter_iso3
               AND {_yr(years)} AND {(pf or _all2)('reporter_iso3', 'partner_iso3')}
               AND NOT {_imf_residual_sql()}
          GROUP BY ALL),
    dep AS (SELECT b.*, w.wexp + w.wimp AS total, (b.exp + b.imp) / nullif(w.wexp + w.wimp, 0)
                   AS dependence, b.key || ',' || w.wkey AS dkey
            FROM b LEFT JOIN w USING (s, year))
    SELECT least(s, p) AS s1, greatest(s, p) AS s2, year, s || '→' || p AS direction,
           'exports_musd' AS indicator, 'IMF DOTS, ' || s || ' report (exports FOB)' AS source,
           'IMF' AS family, exp AS value, 'million US$ (current)' AS unit,
           NULL::DOUBLE AS denominator, NULL AS denominator_what, TRUE AS in_universe,
           ekey AS key
    FROM dep
    UNION ALL
    SELECT least(s, p), greatest(s, p), year, p || '→' || s, 'exports_musd',
           'IMF DOTS, ' || s || ' report (imports CIF)', 'IMF', imp, 'million US$ (current)',
           NULL, NULL, TRUE, ikey FROM dep
    UNION ALL
    SELECT least(s, p), greatest(s, p), year, '', 'trade_musd',
           'IMF DOTS, ' || s || ' report', 'IMF', exp + imp, 'million US$ (current)', NULL,
           NULL, TRUE, key FROM dep
    UNION ALL
    SELECT least(s, p), greatest(s, p), year, s, 'dependence', 'IMF DOTS, ' || s || ' report',
           'IMF', dependence, 'share', total,
           'total trade of ' || s || ' with World in its own report (million US$)', TRUE, dkey
    FROM dep
    UNION ALL
    SELECT d1.s, d1.p, d1.year, '', 'asymmetry', 'IMF DOTS, ' || d1.s || ' and ' || d1.p ||
           ' reports', 'IMF', d1.dependence - d2.dependence,
           'share (dependence of ' || d1.s || ' minus ' || d1.p || ')', NULL, NULL, TRUE,
           d1.dkey || ',' || d2.dkey
    FROM dep d1 JOIN dep d2 ON d1.s = d2.p AND d1.p = d2.s AND d1.year = d2.year
    WHERE d1.s < d1.p
    """


# ----------------------------------------------------------------------------- arms
def _arms_sql(years: tuple[int, int] | None, pf: Any = None, sf: Any = None) -> str:
    yrs = _yr(years, "delivery_year")
    return f"""
    WITH d AS (SELECT supplier_iso3 AS s, recipient_iso3 AS p, delivery_year AS year,
                      sum(tiv_delivered) AS tiv,
                      string_agg('sipri:' || deal_id || '/' || delivery_year, ','
                                 ORDER BY deal_id) AS key
               FROM sipri_deliveries WHERE supplier_iso3 IS NOT NULL
                 AND recipient_iso3 IS NOT NULL AND supplier_iso3 <> recipient_iso3 AND {yrs}
                 AND {(pf or _all2)('supplier_iso3', 'recipient_iso3')}
               GROUP BY ALL),
    ri AS (SELECT recipient_iso3 AS p, delivery_year AS year, sum(tiv_delivered) AS imp
           FROM sipri_deliveries WHERE recipient_iso3 IS NOT NULL AND {yrs}
             AND {(sf or _all1)('recipient_iso3')} GROUP BY ALL),
    se AS (SELECT supplier_iso3 AS s, delivery_year AS year, sum(tiv_delivered) AS exp
           FROM sipri_deliveries WHERE supplier_iso3 IS NOT NULL AND {yrs}
             AND {(sf or _all1)('supplier_iso3')} GROUP BY ALL),
    j AS (SELECT d.*, ri.imp, se.exp FROM d JOIN ri USING (p, year) JOIN se USING (s, year))
    SELECT least(s, p) AS s1, greatest(s, p) AS s2, year, s || '→' || p AS direction,
           'tiv' AS indicator, 'SIPRI Arms Transfers Database' AS source, 'SIPRI' AS family,
           tiv AS value, 'TIV (millions)' AS unit, NULL::DOUBLE AS denominator,
           NULL AS denominator_what, TRUE AS in_universe, key FROM j
    UNION ALL
    SELECT least(s, p), greatest(s, p), year, s || '→' || p, 'share_of_recipient_imports',
           'SIPRI Arms Transfers Database', 'SIPRI', tiv / nullif(imp, 0), 'share', imp,
           'TIV ' || p || ' received from all suppliers that year', TRUE, key FROM j
    UNION ALL
    SELECT least(s, p), greatest(s, p), year, s || '→' || p, 'share_of_supplier_exports',
           'SIPRI Arms Transfers Database', 'SIPRI', tiv / nullif(exp, 0), 'share', exp,
           'TIV ' || s || ' delivered to all recipients that year', TRUE, key FROM j
    """


# ----------------------------------------------------------------------------- ATOP, IGO
def _atop_sql(years: tuple[int, int] | None, pf: Any = None, sf: Any = None) -> str:
    obls = ", ".join(INDICATORS["alliances"])
    maxes = ", ".join(f"max({o})::DOUBLE AS {o}" for o in INDICATORS["alliances"])
    return f"""
    WITH t AS (
      SELECT least(iso3_1, iso3_2) AS s1, greatest(iso3_1, iso3_2) AS s2, year,
             iso3_1 || '→' || iso3_2 AS direction, {maxes},
             string_agg('atop:' || ccode1 || '-' || ccode2 || '-' || year, ',') AS key
      FROM atop_dyad_year WHERE iso3_1 IS NOT NULL AND iso3_2 IS NOT NULL
           AND iso3_1 <> iso3_2 AND {_yr(years)} AND {(pf or _all2)('iso3_1', 'iso3_2')}
      GROUP BY ALL)
    SELECT s1, s2, year, direction, indicator, 'ATOP v5.1' AS source, 'ATOP' AS family,
           value, '0/1' AS unit, NULL::DOUBLE AS denominator, NULL AS denominator_what,
           TRUE AS in_universe, key
    FROM t UNPIVOT (value FOR indicator IN ({obls}))"""


def _igo_sql(years: tuple[int, int] | None, pf: Any = None, sf: Any = None) -> str:
    return f"""
    SELECT least(iso3_1, iso3_2) AS s1, greatest(iso3_1, iso3_2) AS s2, year, '' AS direction,
           'shared_igos' AS indicator, 'COW IGO v3.0' AS source, 'COWIGO' AS family,
           max(dyadigos)::DOUBLE AS value, 'IGOs' AS unit, NULL::DOUBLE AS denominator,
           NULL AS denominator_what, TRUE AS in_universe,
           string_agg('cow_igo:' || ccode1 || '-' || ccode2 || '-' || year, ',') AS key
    FROM cow_igo_dyad_year WHERE iso3_1 IS NOT NULL AND iso3_2 IS NOT NULL
         AND iso3_1 <> iso3_2 AND {_yr(years)} AND {(pf or _all2)('iso3_1', 'iso3_2')}
    GROUP BY ALL
    """


# ----------------------------------------------------------------------------- MME
def _mme_sql(years: tuple[int, int] | None, pf: Any = None, sf: Any = None) -> str:
    return f"""
    WITH e AS (SELECT mmeid, line, start_year AS year, n_states, n_nonstate,
                      unnest(string_split(participant_iso3, '|')) AS s
               FROM mme_exercises WHERE participant_iso3 IS NOT NULL
                 AND participant_iso3 <> '' AND {_yr(years, 'start_year')}),
    e0 AS (SELECT * FROM e WHERE {(sf or _all1)('s')}),
    p AS (SELECT e1.s AS s1, e2.s AS s2, e1.year, e1.mmeid, e1.line,
                 (e1.n_states = 2 AND e1.n_nonstate = 0) AS bilateral
          FROM e0 e1 JOIN e0 e2 ON e1.mmeid = e2.mmeid AND e1.line = e2.line AND e1.s < e2.s),
    c AS (SELECT s1, s2, year, count(*) AS n, count(*) FILTER (WHERE bilateral) AS nb,
                 string_agg('mme:' || mmeid || '@' || line, ',' ORDER BY mmeid) AS key
          FROM p WHERE {(pf or _all2)('s1', 's2')} GROUP BY ALL)
    SELECT s1, s2, year, '' AS direction, 'exercises' AS indicator, 'MME v7' AS source,
           'MME' AS family, n::DOUBLE AS value, 'exercises' AS unit,
           NULL::DOUBLE AS denominator, NULL AS denominator_what, TRUE AS in_universe, key
    FROM c
    UNION ALL SELECT s1, s2, year, '', 'bilateral', 'MME v7', 'MME', nb::DOUBLE, 'exercises',
           NULL, NULL, TRUE, key FROM c
    UNION ALL SELECT s1, s2, year, '', 'multilateral', 'MME v7', 'MME', (n - nb)::DOUBLE,
           'exercises', NULL, NULL, TRUE, key FROM c
    """


# ----------------------------------------------------------------------------- energy
def _energy_sql(years: tuple[int, int] | None, pf: Any = None, sf: Any = None) -> str:
    return f"""
    WITH f AS (SELECT * FROM energy_trade WHERE measure = 'flow' AND exporter_iso3 IS NOT NULL
                 AND importer_iso3 IS NOT NULL AND exporter_iso3 <> importer_iso3
                 AND {_yr(years)} AND {(pf or _all2)('exporter_iso3', 'importer_iso3')}),
    ex AS (SELECT sheet, product, year, exporter, value AS total, cell FROM energy_trade
           WHERE measure = 'exports'),
    im AS (SELECT sheet, product, year, importer, value AS total, cell FROM energy_trade
           WHERE measure = 'imports'),
    j AS (SELECT f.*, ex.total AS ex_total, ex.cell AS ex_cell, im.total AS im_total,
                 im.cell AS im_cell,
                 CASE f.product WHEN 'pipeline_gas' THEN 'pipeline_gas_bcm'
                      WHEN 'lng' THEN 'lng_bcm' WHEN 'crude' THEN 'crude_mt'
                      ELSE 'oil_products_mt' END AS ind
          FROM f LEFT JOIN ex USING (sheet, product, year, exporter)
                 LEFT JOIN im USING (sheet, product, year, importer))
    SELECT least(exporter_iso3, importer_iso3) AS s1, greatest(exporter_iso3, importer_iso3)
           AS s2, year, exporter_iso3 || '→' || importer_iso3 AS direction, ind AS indicator,
           'EI Statistical Review 2024: ' || sheet AS source, 'EI ' || sheet AS family,
           value, CASE unit WHEN 'bcm' THEN 'bcm' ELSE 'million tonnes' END AS unit,
           NULL::DOUBLE AS denominator, NULL AS denominator_what, value > 0 AS in_universe,
           'ei:' || sheet || '!' || cell AS key FROM j
    UNION ALL
    SELECT least(exporter_iso3, importer_iso3), greatest(exporter_iso3, importer_iso3), year,
           exporter_iso3 || '→' || importer_iso3, ind || '_share_of_exporter_exports',
           'EI Statistical Review 2024: ' || sheet, 'EI ' || sheet,
           value / nullif(ex_total, 0), 'share', ex_total,
           exporter || '''s total ' || product || ' exports (' || unit || ')'
           || CASE WHEN sheet = 'Gas - Trade movements' THEN ', inter-regional' ELSE '' END,
           value > 0, 'ei:' || sheet || '!' || cell || ',ei:' || sheet || '!' || ex_cell
    FROM j WHERE ex_total IS NOT NULL
    UNION ALL
    SELECT least(exporter_iso3, importer_iso3), greatest(exporter_iso3, importer_iso3), year,
           exporter_iso3 || '→' || importer_iso3, ind || '_share_of_importer_imports',
           'EI Statistical Review 2024: ' || sheet, 'EI ' || sheet,
           value / nullif(im_total, 0), 'share', im_total,
           importer || '''s total ' || product || ' imports (' || unit || ')'
           || CASE WHEN sheet = 'Gas - Trade movements' THEN ', inter-regional' ELSE '' END,
           value > 0, 'ei:' || sheet || '!' || cell || ',ei:' || sheet || '!' || im_cell
    FROM j WHERE im_total IS NOT NULL
    """


# ----------------------------------------------------------------------------- engagements
def _engagement_sql(years: tuple[int, int] | None, pf: Any = None, sf: Any = None) -> str:
    return f"""
    WITH e AS (SELECT iso3, year, type, line FROM leader_engagements
               WHERE in_office AND iso3 IS NOT NULL AND iso3 <> 'CHN' AND {_yr(years)}
                 AND {(pf or _all2)("'CHN'", 'iso3')}),
    t AS (SELECT iso3, year, 'engagements' AS type, count(*) AS n,
                 string_agg('chinavitae:' || line, ',' ORDER BY line) AS key FROM e GROUP BY ALL
          UNION ALL
          SELECT iso3, year, type, count(*), string_agg('chinavitae:' || line, ','
                 ORDER BY line) FROM e GROUP BY ALL)
    SELECT least('CHN', iso3) AS s1, greatest('CHN', iso3) AS s2, year,
           'CHN→' || iso3 AS direction, type AS indicator,
           'China Vitae engagements 2003-2018' AS source, 'CV' AS family, n::DOUBLE AS value,
           'engagements' AS unit, NULL::DOUBLE AS denominator, NULL AS denominator_what,
           TRUE AS in_universe, key FROM t
    """


_SQL = {
    "cow_trade": _trade_cow_sql, "imf_dots": _trade_imf_sql, "sipri_deliveries": _arms_sql,
    "atop_dyad_year": _atop_sql, "cow_igo_dyad_year": _igo_sql, "mme_exercises": _mme_sql,
    "energy_trade": _energy_sql, "leader_engagements": _engagement_sql,
}


def _fill_zeros(df: pd.DataFrame, pillar: str, pairs: list[tuple[str, str]],
                years: tuple[int, int] | None, store: Any) -> pd.DataFrame:
    """Add the true zeros of complete registers (arms, alliances, exercises, engagements):
    years of the coverage (within ``years``) in which a wanted dyad has no row, from the
    first year *both* states appear in the source (before that one side may not have been a
    state: Belarus is in no 1980s exercise because it was not a state, not by choice). ATOP
    without ``years``: from the dyad's first ATOP year."""
    lo, hi = PILLARS[pillar][2]
    if years is not None:
        lo, hi = max(lo, years[0]), min(hi, years[1])
    if lo > hi:
        return df
    first_seen = _first_years(store, pillar, {s for p in pairs for s in p})
    member_years = (_member_years(store, {s for p in pairs for s in p}, hi)
                    if pillar == "alliances" else {})
    add = []
    for a, b in pairs:
        s1, s2 = sorted((a, b))
        have = df[(df["s1"] == s1) & (df["s2"] == s2)]
        if pillar == "arms":
            spec = [(f"{x}→{y}", i, "SIPRI Arms Transfers Database", "TIV (millions)")
                    for x, y in ((a, b), (b, a)) for i in ("tiv",)]
        elif pillar == "alliances":
            spec = [(f"{x}→{y}", i, "ATOP v5.1", "0/1") for x, y in ((a, b), (b, a))
                    for i in INDICATORS["alliances"]]
        elif pillar == "exercises":
            spec = [("", i, "MME v7", "exercises") for i in INDICATORS["exercises"]]
        elif pillar == "engagements":
            if "CHN" not in (a, b):
                continue
            other = b if a == "CHN" else a
            spec = [(f"CHN→{other}", t, "China Vitae engagements 2003-2018", "engagements")
                    for t in INDICATORS["engagements"]]
        else:
            return df
        first = lo
        if pillar == "alliances" and years is None:
            if have.empty:
                continue
            first = int(have["year"].min())
        elif pillar != "alliances":
            fa, fb = first_seen.get(a), first_seen.get(b)
            if fa is None or fb is None:
                continue  # a state the source never names: no zeros can be claimed
            first = max(lo, fa, fb)
        seen = set(zip(have["year"], have["direction"], have["indicator"], strict=True))
        both = None
        if pillar == "alliances":
            # ATOP lists allied dyad-years only: an absent year is a true zero only while
            # both states are members of the state system (Eritrea before 1993 is no zero)
            both = member_years.get(a, set()) & member_years.get(b, set())
        for y in range(first, hi + 1):
            if both is not None and y not in both:
                continue
            for direction, ind, source, unit in spec:
                if (y, direction, ind) not in seen:
                    add.append({"s1": s1, "s2": s2, "year": y, "direction": direction,
                                "indicator": ind, "source": source, "family": "",
                                "value": 0.0, "unit": unit, "in_universe": False,
                                "key": None, "note": "none recorded in the source (a true "
                                "zero: the register is complete for its coverage)"})
    if not add:
        return df
    return pd.concat([df, pd.DataFrame(add)], ignore_index=True)


def _member_years(store: Any, states: set[str], last: int) -> dict[str, set[int]]:
    """The years each state was a member of the state system, for ATOP's true zeros.

    Membership is read from the COW IGO dyad-year data when stored (peacesciencer's
    ``cow_igo_ndy`` lists every dyad of two system members each year, 1816-2014, zero counts
    included: Pevehouse et al. 2020) and from ATOP itself (a state with an alliance that year
    existed); a member in the IGO data's last year is taken to stay one up to ``last`` (ATOP
    runs to 2018). Without the IGO data only years from a state's first ATOP year count.
    """
    lst = ", ".join(f"'{s}'" for s in sorted(states) if re.fullmatch(r"[A-Z]{3}", s))
    if not lst:
        return {}
    have = _tables(store)
    parts = []
    for table in ("atop_dyad_year", "cow_igo_dyad_year"):
        if table in have:
            parts.append(f"SELECT iso3_1 AS s, year AS y FROM {table} WHERE iso3_1 IN ({lst}) "
                         f"UNION SELECT iso3_2, year FROM {table} WHERE iso3_2 IN ({lst})")
    if not parts:
        return {}
    out: dict[str, set[int]] = {}
    for s, y in store.con.execute(" UNION ".join(parts)).fetchall():
        out.setdefault(s, set()).add(int(y))
    if "cow_igo_dyad_year" in have:
        end = store.con.execute("SELECT max(year) FROM cow_igo_dyad_year").fetchone()[0]
        if end is not None:
            for yrs in out.values():
                if int(end) in yrs:
                    yrs.update(range(int(end) + 1, last + 1))
    else:  # ATOP alone: from the first year the state appears in it
        for s, yrs in out.items():
            out[s] = set(range(min(yrs), last + 1))
    return out


def _first_years(store: Any, pillar: str, states: set[str]) -> dict[str, int]:
    """The first year each state appears anywhere in the pillar's source."""
    lst = ", ".join(f"'{s}'" for s in sorted(states) if re.fullmatch(r"[A-Z]{3}", s))
    if not lst:
        return {}
    sql = {
        "arms": f"SELECT s, min(y) FROM (SELECT supplier_iso3 AS s, delivery_year AS y FROM "
                f"sipri_deliveries UNION ALL SELECT recipient_iso3, delivery_year FROM "
                f"sipri_deliveries) WHERE s IN ({lst}) GROUP BY s",
        "exercises": f"SELECT s, min(y) FROM (SELECT unnest(string_split(participant_iso3, "
                     f"'|')) AS s, start_year AS y FROM mme_exercises) WHERE s IN ({lst}) "
                     f"GROUP BY s",
        "engagements": f"SELECT iso3, min(year) FROM leader_engagements WHERE iso3 IN ({lst}) "
                       f"GROUP BY iso3 UNION ALL SELECT 'CHN', min(year) FROM "
                       f"leader_engagements",
    }.get(pillar)
    if sql is None:
        return {}
    return {r[0]: int(r[1]) for r in store.con.execute(sql).fetchall() if r[1] is not None}


def _pillar_rows(store: Any, pillar: str, pairs: list[tuple[str, str]] | None,
                 years: tuple[int, int] | None, rank: bool) -> pd.DataFrame:
    frames = []
    have = _tables(store)
    for table in PILLARS[pillar][0]:
        if table not in have:
            continue
        df = _run(store, _SQL[table], years, pairs, rank)
        df["pillar"] = pillar
        frames.append(df)
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if "note" not in df.columns:
        df["note"] = None
    if pairs is not None:
        df = _fill_zeros(df, pillar, pairs, years, store)
    df["pillar"] = pillar
    if pillar == "alliances":
        df["note"] = df["note"].fillna(ATOP_NOTE)
    if pillar == "energy":
        df.loc[df["source"].str.endswith("Gas - Trade movements"), "note"] = EI_SERIES_NOTE
    return df


def _details(store: Any, df: pd.DataFrame) -> pd.Series:
    """Designations (arms) and exercise names (exercises) for rows of the wanted dyads."""
    out = pd.Series([None] * len(df), index=df.index, dtype=object)
    con = store.con
    arms = df[(df["pillar"] == "arms") & (df["indicator"] == "tiv") & df["key"].notna()]
    if len(arms) and _has(store, "sipri_deliveries"):
        ids = sorted({int(k.split(":")[1].split("/")[0]) for ks in arms["key"]
                      for k in ks.split(",")})
        d = con.execute(
            "SELECT deal_id, delivery_year, designation, n_delivered, tiv_delivered "
            "FROM sipri_deliveries WHERE deal_id IN (SELECT unnest(?))", [ids]).df()
        lab = {(int(r.deal_id), int(r.delivery_year)):
               f"{r.designation} ({'' if pd.isna(r.n_delivered) else int(r.n_delivered)}; "
               f"TIV {r.tiv_delivered:g})" for r in d.itertuples()}
        for i, ks in arms["key"].items():
            parts = [lab.get((int(k.split(":")[1].split("/")[0]), int(k.split("/")[1])), "")
                     for k in ks.split(",")]
            out[i] = "; ".join(p for p in parts if p)
    ex = df[(df["pillar"] == "exercises") & df["key"].notna()]
    if len(ex) and _has(store, "mme_exercises"):
        d = con.execute("SELECT mmeid, line, coalesce(name, '(unnamed)') AS name, n_states, "
                        "n_nonstate FROM mme_exercises").df()
        lab = {f"mme:{r.mmeid}@{r.line}": (r.name, int(r.n_states), int(r.n_nonstate))
               for r in d.itertuples()}
        for i, r in ex.iterrows():
            items = [lab.get(k, ("?", 0, 0)) for k in r["key"].split(",")]
            bil = [x[1] == 2 and x[2] == 0 for x in items]
            if r["indicator"] == "bilateral":
                items = [x for x, b in zip(items, bil, strict=True) if b]
            elif r["indicator"] == "multilateral":
                items = [x for x, b in zip(items, bil, strict=True) if not b]
            out[i] = "; ".join(f"{n} ({s} states" + (f" + {o} other)" if o else ")")
                               for n, s, o in items)
    return out


_ID_SEP = re.compile(r",(?! )")


def _finish(df: pd.DataFrame, pairs: list[tuple[str, str]] | None, store: Any,
            details: bool = True) -> pd.DataFrame:
    """Orient rows to the dyads as asked, label directions, order columns."""
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    frames = []
    if pairs is None:
        d = df.copy()
        d["a"], d["b"] = d["s1"], d["s2"]
        frames.append(d)
    else:
        for a, b in pairs:
            s1, s2 = sorted((a, b))
            d = df[(df["s1"] == s1) & (df["s2"] == s2)].copy()
            if d.empty:
                continue
            d["a"], d["b"] = a, b
            if (a, b) != (s1, s2):  # asymmetry is stored as s1 minus s2
                m = d["indicator"] == "asymmetry"
                d.loc[m, "value"] = -d.loc[m, "value"]
                d.loc[m, "unit"] = f"share (dependence of {a} minus {b})"
            frames.append(d)
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["dyad"] = out["a"] + "–" + out["b"]
    und = out["direction"].fillna("") == ""
    out.loc[und, "direction"] = out.loc[und, "dyad"]
    if pairs is None:  # every dyad: keep the comma-joined ids (lists of 150k rows are slow)
        out["rows"] = out["key"]
    else:
        # ids are joined with "," in SQL; an IMF sheet name holds ", " ("Exports, FOB"), so
        # only a comma not followed by a space separates two ids
        out["rows"] = out["key"].map(lambda k: [] if k is None or (isinstance(k, float)
                                                                   and k != k)
                                     else list(dict.fromkeys(_ID_SEP.split(str(k)))))
    out["detail"] = _details(store, out) if details else None
    out["year"] = out["year"].astype("int64")
    order = {f"{a}–{b}": i for i, (a, b) in enumerate(pairs or [])}
    pil = {p: i for i, p in enumerate(PILLARS)}
    out = out.assign(_d=out["dyad"].map(order).fillna(0), _p=out["pillar"].map(pil))
    out = out.sort_values(["_d", "_p", "indicator", "source", "direction", "year"],
                          kind="stable")
    for c in COLUMNS:
        if c not in out.columns:
            out[c] = None
    return out[COLUMNS].reset_index(drop=True)


# ----------------------------------------------------------------------------- public API
def indicators(
    store: Any, a: str, b: str, *, refs: Sequence[tuple[str, str]] | Sequence[str] = (),
    years: str | Sequence[int] | int | None = None, pillars: Sequence[str] | str | None = None,
    indicator: str | None = None, percentiles: bool = True, details: bool = True,
) -> pd.DataFrame:
    """Material-tie indicators of A–B (and reference dyads) per year, long format.

    Returns :data:`COLUMNS` (see the module docstring), main dyad first, then the reference
    dyads in the order given. Pillars whose tables are not loaded give no rows (see
    :func:`coverage`); ``indicator`` keeps one indicator (E505 for unknown names);
    ``percentiles=False`` skips the ranking among all dyads (faster); ``details=False``
    leaves ``detail`` empty (no look-up of designations and exercise names).
    """
    pairs = _pairs(a, b, refs)
    rng = parse_years(years)
    pil = check_pillars(pillars)
    ind = check_indicator(indicator)
    if ind is not None:
        pil = [pillar_of(ind)]
    frames = [_pillar_rows(store, p, pairs, rng, percentiles) for p in pil]
    frames = [f for f in frames if not f.empty]
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if ind is not None and not df.empty:
        df = df[df["indicator"] == ind]
    out = _finish(df, pairs, store, details=details)
    _continuity_notes(store, out, pairs, rng)
    notes: list[str] = []
    if rng is not None:
        notes, held = _years_outside(store, pil, rng)
        if out.empty and held and not any(lo <= rng[1] and hi >= rng[0]
                                          for _, lo, hi in held):
            raise error("E510", years=f"{rng[0]}–{rng[1]}", held="; ".join(
                f"{t} {lo}–{hi}" for t, lo, hi in held))
    notes += _gap_notes(store, out, pairs, pil, rng)
    if not _tables(store) & {t for p in pil for t in PILLARS[p][0]}:
        notes.append("no material table of " + ", ".join(pil) + " is loaded: "
                     + "; ".join(f"{p}: {PILLARS[p][1]}" for p in pil))
    out.attrs["notes"] = notes
    return out


#: Store table → how its rows' ``source`` begins (the rows a table gives a dyad).
_SOURCE_OF = {"cow_trade": "COW trade", "imf_dots": "IMF DOTS", "sipri_deliveries": "SIPRI",
              "atop_dyad_year": "ATOP", "cow_igo_dyad_year": "COW IGO", "mme_exercises": "MME",
              "energy_trade": "EI ", "leader_engagements": "China Vitae"}


def _runs_text(years: Sequence[int]) -> str:
    """Consecutive years as ranges: ``[1985, 1986, 1987, 1990]`` → ``1985–1987, 1990``."""
    out: list[list[int]] = []
    for y in sorted(years):
        if out and y == out[-1][-1] + 1:
            out[-1].append(y)
        else:
            out.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in out)


def _gap_notes(store: Any, out: pd.DataFrame, pairs: list[tuple[str, str]],
               pillars: Sequence[str], rng: tuple[int, int] | None) -> list[str]:
    """Why a loaded source gives a dyad no row in years it holds (within ``rng``): IMF DOTS
    holds the reports of a few states only (neither side reports: no IMF figure for the
    pair); China Vitae is the Chinese side only; otherwise the source has no row for the
    dyad in those years (missing, not zero: COW trade lists FRA–DEU from 1990 only)."""
    notes = []
    cov = coverage(store)
    cov = cov[cov["pillar"].isin(list(pillars)) & cov["loaded"]]
    for r in cov.itertuples():
        if r.table not in _SOURCE_OF or r.first_year is None or pd.isna(r.first_year):
            continue
        lo, hi = int(r.first_year), int(r.last_year)
        if rng is not None:
            lo, hi = max(lo, rng[0]), min(hi, rng[1])
        if lo > hi:
            continue
        if r.table == "imf_dots":
            reporters = sorted(x[0] for x in store.con.execute(
                "SELECT DISTINCT reporter_iso3 FROM imf_dots").fetchall())
        for a, b in pairs:
            if r.table == "imf_dots" and a not in reporters and b not in reporters:
                notes.append(f"{r.pillar} (imf_dots): IMF DOTS holds the reports of "
                             f"{', '.join(reporters)} only; neither {a} nor {b} reports, so "
                             f"there is no IMF figure for {a}–{b} (missing, not zero)")
                continue
            if r.table == "leader_engagements" and "CHN" not in (a, b):
                notes.append(f"{r.pillar} (leader_engagements): China Vitae records Chinese "
                             f"leaders' engagements only; {a}–{b} has no Chinese side "
                             "(missing, not zero)")
                continue
            mine = out[(out["dyad"] == f"{a}–{b}") & out["source"].astype(str).str.startswith(
                _SOURCE_OF[r.table]) & out["value"].notna()] if len(out) else out
            have = set(mine["year"].astype(int)) if len(mine) else set()
            gap = [y for y in range(lo, hi + 1) if y not in have]
            if gap:
                notes.append(f"{r.pillar} ({r.table}): no {a}–{b} row for "
                             f"{_runs_text(gap)} of the {lo}–{hi} it holds (absent from "
                             "the source: missing, not zero)")
    return notes


def _add_note(out: pd.DataFrame, mask: Any, text: str) -> None:
    """Append ``text`` to the note of the rows in ``mask`` (``; ``-separated, no repeats)."""
    for i in out.index[mask]:
        old = out.at[i, "note"]
        old = "" if old is None or (isinstance(old, float) and old != old) else str(old)
        if text not in old:
            out.at[i, "note"] = f"{old}; {text}" if old else text


def _continuity_notes(store: Any, out: pd.DataFrame, pairs: list[tuple[str, str]],
                      rng: tuple[int, int] | None) -> None:
    """Notes on successor continuity (in place): a row of a year in which a side is a former
    state counted as its successor ("RUS in 1985 is the Soviet Union (SUN) …", from
    :func:`bilat.reference.countries.continuity_note`), and IMF rows of a reporter-year whose
    former-state residual row ("USSR" in the United States' 1992 report) was left out of
    the successor (with its values and cells)."""
    from bilat.reference.countries import continuity_note

    if out.empty:
        return
    for side in ("a", "b"):
        for (st, yr), idx in out.groupby([side, "year"]).groups.items():
            note = continuity_note(str(st), int(yr))
            if note:
                _add_note(out, out.index.isin(idx), note)
    if not _has(store, "imf_dots"):
        return
    states = sorted({s for p in pairs for s in p})
    lst = ", ".join(f"'{s}'" for s in states if re.fullmatch(r"[A-Z]{3}", s))
    if not lst:
        return
    res = store.con.execute(
        f"SELECT reporter_iso3, partner, year, flow, value_musd, sheet, cell FROM imf_dots "
        f"WHERE reporter_iso3 IN ({lst}) AND {_yr(rng)} AND {_imf_residual_sql()} "
        f"ORDER BY year, flow").df()
    if res.empty:
        return
    from bilat.reference.countries import former_state
    from bilat.sources.imf_dots import imf_former

    for (rep, partner, yr), g in res.groupby(["reporter_iso3", "partner", "year"]):
        f = imf_former(str(partner)) or former_state(str(partner))
        if f is None:
            continue
        succ = f["successor"]
        vals = ", ".join(f"{'exports' if r.flow == 'exports_fob' else 'imports'} "
                         f"{r.value_musd:g} (imf:{rep}/{r.sheet}!{r.cell})" for r in g.itertuples())
        text = (f"{rep} report {int(yr)}: its '{partner}' row ({vals}) is the former "
                f"{f['name']}'s unallocated residual after {f['last_year']}, not added to "
                f"{succ}")
        m = (out["year"] == int(yr)) & out["source"].astype(str).str.startswith(
            f"IMF DOTS, {rep}") & ((out["a"] == succ) | (out["b"] == succ)) & (
            (out["a"] == rep) | (out["b"] == rep))
        _add_note(out, m, text)


def _years_outside(store: Any, pillars: Sequence[str], rng: tuple[int, int]
                   ) -> tuple[list[str], list[tuple[str, int, int]]]:
    """For each loaded table of ``pillars``: a note when the years asked reach past the years
    it holds (an empty stretch is not a zero), and (table, first, last) of each."""
    cov = coverage(store)
    cov = cov[cov["pillar"].isin(list(pillars)) & cov["loaded"]]
    notes, held = [], []
    for r in cov.itertuples():
        if r.first_year is None or r.last_year is None:
            continue
        lo, hi = int(r.first_year), int(r.last_year)
        held.append((str(r.table), lo, hi))
        out = [f"{a}–{b}" if a != b else str(a) for a, b in (
            (rng[0], min(rng[1], lo - 1)), (max(rng[0], hi + 1), rng[1])) if a <= b]
        if out:
            notes.append(f"{r.pillar} ({r.table}) holds {lo}–{hi}: "
                         f"{' and '.join(out)} asked but not covered (no data, not zero)")
    return notes, held


def all_dyads(store: Any, year: int, *, pillars: Sequence[str] | str | None = None,
              percentiles: bool = False) -> pd.DataFrame:
    """Every dyad with material data in ``year``, long format: the :data:`COLUMNS` of
    :func:`indicators` (values in the units of ``unit``: current million US$, SIPRI TIV
    millions, 0/1 pledges, counts, shares, bcm or Mt), one row per dyad (``a`` < ``b``
    alphabetically), direction, indicator and source; ``rows`` holds the source-row ids
    comma-joined (not a list: there can be 150,000 rows). No true zeros are added (a dyad
    appears only where a source has a row). ``pillars`` limits the pillars (E509 for an
    unknown one); ``percentiles`` adds each row's percentile among all dyads (slower).
    Empty (with :data:`COLUMNS`) when nothing is loaded for the year. Sources and citations:
    the module docstring."""
    rng = parse_years(int(year))
    frames = [_pillar_rows(store, p, None, rng, percentiles) for p in check_pillars(pillars)]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return _finish(pd.concat(frames, ignore_index=True), None, store, details=False)


def coverage(store: Any) -> pd.DataFrame:
    """What the store holds of each material pillar: one row per store table, columns
    ``pillar``, ``table``, ``loaded`` (rows > 0), ``rows``, ``first_year``/``last_year``
    (of the table's year column: trade year, SIPRI delivery or order year, MME start year;
    None when not loaded), ``coverage`` (the source's published span, ``YYYY-YYYY``) and
    ``load_with`` (the ``bilat fetch`` command that loads it). Never raises for a missing
    table."""
    rows = []
    years = {"cow_trade": "year", "imf_dots": "year", "sipri_deliveries": "delivery_year",
             "atop_dyad_year": "year", "cow_igo_dyad_year": "year",
             "mme_exercises": "start_year", "energy_trade": "year",
             "leader_engagements": "year"}
    years["sipri_deals"] = "order_year"
    for pillar, (tables, cmd, cov) in PILLARS.items():
        for t in (*tables, "sipri_deals") if pillar == "arms" else tables:
            if _has(store, t):
                n, lo, hi = store.con.execute(
                    f'SELECT count(*), min("{years[t]}"), max("{years[t]}") FROM "{t}"'
                ).fetchall()[0]
            else:
                n, lo, hi = 0, None, None
            rows.append({"pillar": pillar, "table": t, "loaded": n > 0, "rows": n,
                         "first_year": lo, "last_year": hi, "coverage": f"{cov[0]}-{cov[1]}",
                         "load_with": cmd})
    return pd.DataFrame(rows)


def _require(store: Any, table: str, cmd: str) -> None:
    if not _has(store, table):
        raise error("E009", name=table, next_step=cmd)


def deals(store: Any, a: str, b: str, *, years: str | Sequence[int] | int | None = None,
          direction: str = "both") -> pd.DataFrame:
    """The SIPRI deals (one row per deal, all years) between A and B.

    ``direction``: ``both`` (default), ``a2b`` (A supplies B) or ``b2a``. Columns: supplier,
    recipient (SIPRI names, ``Soviet Union`` kept as written) with ISO3, order year, numbers
    ordered and delivered (with SIPRI's uncertainty marks), designation, description,
    delivery years, status, comments, TIV per unit, for the order and delivered, and ``line``
    (the row of ``trade-register.csv``). ``years`` selects orders placed in those years.
    """
    x, y = check_pair(a, b)
    if direction not in ("both", "a2b", "b2a"):
        raise error("E012", value=direction, option="direction= (--direction)",
                    options="both, a2b, b2a")
    _require(store, "sipri_deals", "bilat fetch arms")
    rng = parse_years(years)
    conds = {"a2b": [(x, y)], "b2a": [(y, x)], "both": [(x, y), (y, x)]}[direction]
    where = " OR ".join("(supplier_iso3 = ? AND recipient_iso3 = ?)" for _ in conds)
    params = [v for c in conds for v in c]
    df = store.con.execute(
        f"SELECT supplier, supplier_iso3, recipient, recipient_iso3, order_year, "
        f"order_year_uncertain, n_ordered, n_ordered_uncertain, designation, description, "
        f"n_delivered, n_delivered_uncertain, delivery_years, first_delivery, last_delivery, "
        f"status, comments, tiv_unit, tiv_order, tiv_delivered, line, source_file "
        f"FROM sipri_deals WHERE ({where}) AND {_yr(rng, 'order_year')} "
        f"ORDER BY supplier_iso3 = ? DESC, order_year, designation", [*params, x]).df()
    df.insert(0, "dyad", f"{x}–{y}")
    return df


def exercises(store: Any, a: str, b: str, *, years: str | Sequence[int] | int | None = None,
              bilateral_only: bool = False) -> pd.DataFrame:
    """The MME exercises (1980-2010) with both A and B among the participants.

    Columns: ``mmeid``, ``name``, ``series``, ``start_date``, ``start_year``, ``location``,
    ``kind`` (``bilateral``: exactly the two states; else ``multilateral``), ``n_states``,
    ``participants`` (as MME writes them), the type flags, ``focus`` and ``line``.
    """
    x, y = check_pair(a, b)
    _require(store, "mme_exercises", "bilat fetch exercises")
    rng = parse_years(years)
    df = store.con.execute(
        f"SELECT mmeid, name, series, start_date, start_year, location, "
        f"CASE WHEN n_states = 2 AND n_nonstate = 0 THEN 'bilateral' ELSE 'multilateral' END "
        f"AS kind, n_states, participants, cpx, air, land, sea, amphibious, cyber, "
        f"warfighting, peacekeeping, humanitarian, focus, line, source_file "
        f"FROM mme_exercises WHERE list_contains(string_split(participant_iso3, '|'), ?) "
        f"AND list_contains(string_split(participant_iso3, '|'), ?) "
        f"AND {_yr(rng, 'start_year')} ORDER BY start_year, start_date, mmeid", [x, y]).df()
    if bilateral_only:
        df = df[df["kind"] == "bilateral"].reset_index(drop=True)
    df.insert(0, "dyad", f"{x}–{y}")
    lo, hi = PILLARS["exercises"][2]
    notes = []
    if rng is not None and (rng[0] < lo or rng[1] > hi):
        out = [f"{p}–{q}" if p != q else str(p) for p, q in (
            (rng[0], min(rng[1], lo - 1)), (max(rng[0], hi + 1), rng[1])) if p <= q]
        notes.append(f"MME covers exercises starting {lo}–{hi}: {' and '.join(out)} asked but "
                     "not covered (no data, not zero)")
    if df.empty and (rng is None or (rng[0] <= hi and rng[1] >= lo)):
        notes.append(f"no exercise with both {x} and {y} among the participants in MME "
                     f"{max(lo, rng[0]) if rng else lo}–{min(hi, rng[1]) if rng else hi} "
                     "(a true zero: the register is complete for its coverage)")
    df.attrs["notes"] = notes
    return df


def engagements(store: Any, a: str, b: str, years: str | Sequence[int] | int | None = None,
                *, include_out_of_office: bool = False) -> pd.DataFrame:
    """Chinese leaders' engagements with the other state, per year and type, with ids.

    The China Vitae data are the Chinese side only (2003-2018): one side must be CHN, else
    the result is empty. One row per year and type (``all`` for the total; every year of
    the coverage within ``years`` is listed, 0 where none): ``n``, ``leaders`` (who, with
    counts), ``ids`` (``chinavitae:<line>``), ``first_date``, ``last_date``. Officials
    outside their term are left out unless ``include_out_of_office``.
    """
    x, y = check_pair(a, b)
    cols = ["dyad", "a", "b", "year", "type", "n", "leaders", "ids", "first_date", "last_date"]
    if "CHN" not in (x, y):
        empty = pd.DataFrame(columns=cols)
        empty.attrs["notes"] = [f"China Vitae records Chinese leaders' engagements only (one "
                                f"side must be CHN); {x}–{y} has no Chinese side: no data, "
                                "not zero"]
        return empty
    _require(store, "leader_engagements", "bilat fetch engagements")
    other = y if x == "CHN" else x
    rng = parse_years(years)
    office = "TRUE" if include_out_of_office else "in_office"
    df = store.con.execute(
        f"SELECT year, type, leader, date, line FROM leader_engagements WHERE iso3 = ? "
        f"AND {office} AND {_yr(rng)} ORDER BY date, line", [other]).df()
    lo, hi = PILLARS["engagements"][2]
    if rng is not None:
        lo, hi = max(lo, rng[0]), min(hi, rng[1])
    types = ["all", *[t for t in INDICATORS["engagements"] if t != "engagements"]]
    rows = []
    for yr in range(lo, hi + 1):
        part = df[df["year"] == yr]
        for t in types:
            sel = part if t == "all" else part[part["type"] == t]
            if t != "all" and sel.empty:
                continue
            counts = sel["leader"].value_counts()
            rows.append({
                "dyad": f"{x}–{y}", "a": x, "b": y, "year": yr, "type": t, "n": len(sel),
                "leaders": ", ".join(f"{k} {v}" for k, v in counts.items()),
                "ids": [f"chinavitae:{v}" for v in sel["line"]],
                "first_date": sel["date"].min() if len(sel) else None,
                "last_date": sel["date"].max() if len(sel) else None,
            })
    res = pd.DataFrame(rows, columns=cols)
    span = PILLARS["engagements"][2]
    res.attrs["notes"] = [] if rng is None or (rng[0] >= span[0] and rng[1] <= span[1]) else [
        f"China Vitae covers {span[0]}–{span[1]}: the years asked outside it are not listed "
        "(no data, not zero)"]
    return res


def yardsticks(df: pd.DataFrame, indicator: str, *, direction: str = "auto") -> pd.DataFrame:
    """The dyads of an :func:`indicators` result side by side for one indicator: one row per
    year and source, one column per dyad (values), plus ``<dyad> pct`` percentile columns.

    ``direction``: ``auto`` (flows A→B; sides A; undirected as is), ``b2a`` (B→A / side B).
    """
    check_indicator(indicator)
    d = df[df["indicator"] == indicator].copy()
    if d.empty:
        return pd.DataFrame()
    want = d.apply(lambda r: r["direction"] in (
        (f"{r['a']}→{r['b']}", r["a"], r["dyad"]) if direction == "auto" else
        (f"{r['b']}→{r['a']}", r["b"], r["dyad"])), axis=1)
    d = d[want]
    d["family"] = d["source"].str.replace(r", [A-Z]{3}( and [A-Z]{3})? reports?.*", "",
                                          regex=True)
    val = d.pivot_table(index=["year", "family"], columns="dyad", values="value",
                        aggfunc="first")
    pct = d.pivot_table(index=["year", "family"], columns="dyad", values="percentile",
                        aggfunc="first")
    pct.columns = [f"{c} pct" for c in pct.columns]
    order = list(dict.fromkeys(d["dyad"]))
    out = val.reindex(columns=order).join(pct).reset_index()
    return out.rename(columns={"family": "source"})


def chart(df: pd.DataFrame, indicator: str, path: Any = None, *, direction: str = "auto") -> Any:
    """A line chart of one indicator over the years, one line per dyad (and source).

    Writes it to ``path`` (``.html`` self-contained, ``.json``, ``.png``, ``.svg``) when
    given; returns the Altair chart.
    """
    from bilat.report.charts import save_chart, time_chart

    check_indicator(indicator)
    d = df[df["indicator"] == indicator].copy()
    if d.empty:
        raise error("E508", what=f"no values of {indicator!r} to chart",
                    fix="load the pillar (bilat fetch …) or widen years= (--years)")
    keep = d.apply(lambda r: r["direction"] in (
        (f"{r['a']}→{r['b']}", r["a"], r["dyad"]) if direction == "auto" else
        (f"{r['b']}→{r['a']}", r["b"], r["dyad"])), axis=1)
    d = d[keep & d["value"].notna()]
    d["series"] = d["direction"] + " · " + d["source"]
    unit = str(d["unit"].iloc[0]) if len(d) else ""
    c = time_chart(d[["year", "value", "series", "source"]], x="year", y="value",
                   color="series", title=f"{indicator} ({unit})", y_title=indicator)
    if path is not None:
        save_chart(c, path)
    return c


__all__ = [
    "COLUMNS", "INDICATORS", "PILLARS", "all_dyads", "chart", "check_pair", "coverage",
    "deals", "engagements", "exercises", "indicators", "parse_years", "yardsticks",
]
