"""The dyad-year panel: every pillar with data (votes, events, material ties) in one tidy table.

What peacesciencer's ``create_dyadyears() |> add_…()`` gives R users, for one dyad and its
yardsticks or for every dyad of a year: one row per dyad and year, one column per
indicator, a ``coverage_<pillar>`` column per pillar and nothing imputed (a missing value
stays missing; the zeros are the sources' own or the true zeros of complete registers, see
:mod:`bilat.indicators.material`).

Columns: ``dyad`` (``A–B``), ``a``, ``b``, ``year``; then, per pillar,

- material (:func:`bilat.indicators.material.indicators`):
  ``<pillar>_<indicator>[_<direction>][_<source>]`` where direction is ``ab`` (A→B),
  ``ba`` (B→A), ``a`` / ``b`` (a measure of that side) or nothing (undirected), and source
  tells sources of one pillar apart: ``cow``; ``imf_a_fob`` / ``imf_a_cif`` (A's own IMF report,
  exports FOB / imports CIF), ``imf_b_…``, ``imf_a`` / ``imf_b`` (dependence in that side's
  report), ``imf`` (asymmetry of the two reports); energy ``series`` (EI time series,
  inter-regional) or ``matrix`` (EI 2023 matrices). E.g. ``trade_exports_musd_ab_cow``,
  ``trade_dependence_a_imf_a``, ``arms_tiv_ab``, ``alliances_defense_ab``,
  ``exercises_bilateral``, ``energy_pipeline_gas_bcm_ab_series``,
  ``engagements_engagements_ab`` (when A is China);
- votes (:func:`bilat.indicators.votes.dyads`, UN General Assembly, by year):
  ``votes_n`` (common recorded votes), ``votes_agree``, ``votes_s``, ``votes_kappa``,
  ``votes_pi`` …;
- events (:func:`bilat.indicators.events.indicators`, every event source the store holds,
  undirected, by year; sources side by side, never summed): ``events_<indicator>_<source>``
  with source ``gdelt``, ``icews``, ``icews_tkg`` or ``icews_dyad_year`` (the published
  ICEWS dyad-year quad counts), e.g. ``events_events_gdelt``,
  ``events_verbal_coop_icews_dyad_year``, ``events_goldstein_mean_icews``;
- ``coverage_<pillar>``: ``data`` (a value in this row), ``no rows`` (the pillar is loaded
  and the year in its coverage, but the dyad has no row), ``outside coverage`` (the year is
  outside the source's years; for events: outside every event source's years, GDELT's read
  from its files' names), ``not loaded`` (``bilat fetch …`` first), ``not computed``
  (events with ``all_dyads``: event indicators are computed per asked dyad);
- ``rows_<pillar>``: the ids of the source rows behind the pillar's values, space-separated.

With ``percentiles=True`` each material column gets a ``<column>_pct`` beside it (the
dyad's percentile among all dyads with data that year).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import pandas as pd

from bilat.errors import BilatError, error
from bilat.indicators import material

#: Panel pillars, in column order.
PANEL_PILLARS = ("votes", "events", *material.PILLARS)
_VOTE_COLS = ("n", "agree", "agree_yn", "coincidence", "s", "s2", "kappa", "pi", "kappa_w",
              "pi_w")
_EVENT_COLS = ("events", "verbal_coop", "material_coop", "verbal_conflict",
               "material_conflict", "goldstein_mean", "net_cooperation", "gov_contacts",
               "avg_tone", "volume_a", "volume_b", "partial", "low_n")
#: Tables that hold event data (GDELT, ICEWS); the panel's events pillar needs one of them.
_EVENT_TABLES = frozenset({"gdelt_events", "events", "icews_events", "icews_dyad_year"})
_EI_MATRIX = ("Gas trade - pipeline", "Gas trade - LNG", "Oil - Inter-area movements")


def _direction(d: str, a: str, b: str) -> str:
    if d == f"{a}→{b}":
        return "ab"
    if d == f"{b}→{a}":
        return "ba"
    if d == a:
        return "a"
    if d == b:
        return "b"
    return ""


def _source(src: str, pillar: str, a: str, b: str) -> str:
    if pillar == "trade":
        if src.startswith("COW"):
            return "cow"
        side = "a" if f", {a} report" in src else ("b" if f", {b} report" in src else "")
        if not side:
            return "imf"
        if "exports FOB" in src:
            return f"imf_{side}_fob"
        if "imports CIF" in src:
            return f"imf_{side}_cif"
        return f"imf_{side}"
    if pillar == "energy":
        return "matrix" if src.endswith(_EI_MATRIX) else "series"
    return ""


def _column(r: Any) -> str:
    parts = [r.pillar, r.indicator.replace(" ", "_")]
    d = _direction(r.direction, r.a, r.b)
    s = _source(r.source, r.pillar, r.a, r.b)
    return "_".join(p for p in (*parts, d, s) if p)


def _columns(long: pd.DataFrame) -> pd.Series:
    """Vectorised :func:`_column` for a long material table."""
    import numpy as np

    d, a, b, src, pil = (long[c].astype(str) for c in ("direction", "a", "b", "source",
                                                       "pillar"))
    dcode = np.select([d == a + "→" + b, d == b + "→" + a, d == a, d == b],
                      ["_ab", "_ba", "_a", "_b"], "")
    imf_one = src.str.startswith("IMF DOTS, ") & (src.str.slice(13, 20) == " report")
    rep = src.str.slice(10, 13)
    side = np.where(imf_one & (rep == a), "a", np.where(imf_one & (rep == b), "b", ""))
    imf = np.select([src.str.endswith("(exports FOB)"), src.str.endswith("(imports CIF)")],
                    ["_fob", "_cif"], "")
    trade = np.where(src.str.startswith("COW"), "_cow",
                     np.where(side == "", "_imf", np.char.add(np.char.add("_imf_", side), imf)))
    energy = np.where(src.str.endswith(_EI_MATRIX), "_matrix", "_series")
    scode = np.select([pil == "trade", pil == "energy"], [trade, energy], "")
    ind = long["indicator"].astype(str).str.replace(" ", "_")
    return pil + "_" + ind + pd.Series(dcode, index=long.index) + pd.Series(
        scode, index=long.index)


def _ordered(long: pd.DataFrame) -> list[str]:
    """Material columns by pillar, indicator (as listed in material.INDICATORS), direction
    (ab, ba, a, b, undirected) and source."""
    pil = {p: i for i, p in enumerate(material.PILLARS)}
    ind = {f"{p}/{n}": i for p, names in material.INDICATORS.items()
           for i, n in enumerate(names)}
    u = long.drop_duplicates("column")
    dirs = {"_ab": 0, "_ba": 1, "_a": 2, "_b": 3}

    def key(r: Any) -> tuple[Any, ...]:
        rest = r.column[len(f"{r.pillar}_{r.indicator.replace(' ', '_')}"):]
        d = next((v for k, v in dirs.items() if rest == k or rest.startswith(k + "_")), 4)
        return (pil.get(r.pillar, 99), ind.get(f"{r.pillar}/{r.indicator}", 99), d, rest)

    return [r.column for r in sorted(u.itertuples(index=False), key=key)]


def _row_ids(long: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``rows_<pillar>`` per dyad-year: the distinct source-row ids, space-separated."""
    import duckdb

    k = long[[*keys, "pillar"]].copy()
    k["k"] = long["rows"].map(lambda v: ",".join(v) if isinstance(v, list) else None) \
        if long["rows"].map(type).eq(list).any() else long["rows"]
    con = duckdb.connect()
    try:
        con.register("k", k)
        ids = con.execute(
            "SELECT dyad, a, b, year, pillar, string_agg(DISTINCT r, ' ' ORDER BY r) AS r "
            "FROM (SELECT *, unnest(string_split(k, ',')) AS r FROM k WHERE k IS NOT NULL) "
            "GROUP BY ALL").df()
    finally:
        con.close()
    if ids.empty:
        return pd.DataFrame(columns=keys).set_index(keys)
    ids = ids.pivot(index=keys, columns="pillar", values="r")
    ids.columns = [f"rows_{c}" for c in ids.columns]
    return ids


def _wide_material(long: pd.DataFrame, percentiles: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Material long rows → wide values (+ pct) and per-pillar row ids."""
    keys = ["dyad", "a", "b", "year"]
    if long.empty:
        return pd.DataFrame(columns=keys), pd.DataFrame(columns=keys)
    long = long.copy()
    long["column"] = _columns(long)
    long = long.drop_duplicates([*keys, "column"])
    cols = _ordered(long)
    wide = long.set_index([*keys, "column"])["value"].unstack("column").reindex(columns=cols)
    if percentiles:
        pct = long.set_index([*keys, "column"])["percentile"].unstack("column").reindex(
            columns=cols)
        pct.columns = [f"{c}_pct" for c in pct.columns]
        wide = wide.join(pct)
        wide = wide[[c for col in cols for c in (col, f"{col}_pct")]]
    ids = _row_ids(long, keys)
    return wide.reset_index(), ids.reset_index()


def _votes(store: Any, pairs: list[tuple[str, str]] | None, rng: tuple[int, int] | None
           ) -> pd.DataFrame | None:
    from bilat.indicators import votes

    if not store.has_table("un_votes"):
        return None
    try:
        if pairs is None:
            df = votes.dyads(store, years=rng, by="year")
        else:
            states = sorted({s for p in pairs for s in p})
            df = votes.dyads(store, years=rng, by="year", states=states)
    except BilatError:
        return None
    if df.empty:
        return pd.DataFrame(columns=["s1", "s2", "year"])
    keep = [c for c in _VOTE_COLS if c in df.columns]
    out = df[["a", "b", "period", *keep]].rename(columns={c: f"votes_{c}" for c in keep})
    out = out.rename(columns={"a": "s1", "b": "s2", "period": "year"})
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    return out


def _events(store: Any, pairs: list[tuple[str, str]] | None, rng: tuple[int, int] | None
            ) -> pd.DataFrame | None:
    from bilat.indicators import events

    if pairs is None or not (_EVENT_TABLES & material._tables(store)):
        return None
    try:
        kw: dict[str, Any] = {"period": "year", "direction": "undirected", "source": "all"}
        if rng is not None:
            kw.update(start=f"{rng[0]}-01-01", end=f"{rng[1]}-12-31")
        df = events.indicators(store, pairs[0][0], pairs[0][1], refs=pairs[1:], **kw)
    except BilatError:
        return None
    if df.empty:
        return pd.DataFrame(columns=["s1", "s2", "year"])
    keys = ["s1", "s2", "year"]
    out = None
    for src, part in df.groupby("source", sort=False):  # one column set per source
        keep = [c for c in _EVENT_COLS if c in part.columns and part[c].notna().any()]
        tag = str(src).replace("-", "_")
        one = part[["a", "b", "period", *keep]].copy()
        one["year"] = pd.to_datetime(one["period"]).dt.year.astype("Int64")
        one["s1"] = one[["a", "b"]].min(axis=1)
        one["s2"] = one[["a", "b"]].max(axis=1)
        one = one.drop(columns=["period", "a", "b"]).rename(
            columns={c: f"events_{c}_{tag}" for c in keep})
        out = one if out is None else out.merge(one, on=keys, how="outer")
    return out if out is not None else pd.DataFrame(columns=keys)


def _event_years(store: Any) -> set[int]:
    """Years inside some stored event source's span: GDELT from its first to its last file
    (by the files' names: a backdated event is no coverage), ICEWS and the quadruple sets by
    their event dates, the ICEWS dyad-year table by its years."""
    have = material._tables(store)
    con = store.con
    years: set[int] = set()
    if "ingest_log" in have:
        named = set()
        for (key,) in con.execute(
                "SELECT DISTINCT key FROM ingest_log WHERE kind = 'gdelt'").fetchall():
            stem = str(key).replace("\\", "/").rsplit("/", 1)[-1].split(".", 1)[0]
            if stem.isdigit() and len(stem) in (4, 6, 8, 14):
                named.add(int(stem[:4]))
        # a year is covered when a file of that year is stored (GDELT publishes a file per
        # day or quarter of an hour; a store holding a few sample files covers only their
        # years, the years between them are outside coverage, not "no rows")
        years.update(named)
    if "icews_events" in have or "events" in have:
        with contextlib.suppress(Exception):  # no canonical event view: no years
            for lo, hi in con.execute(
                    "SELECT min(year(event_date)), max(year(event_date)) FROM events "
                    "WHERE source <> 'gdelt' GROUP BY source").fetchall():
                if lo is not None:
                    years.update(range(int(lo), int(hi) + 1))
    if "icews_dyad_year" in have:
        years.update(int(r[0]) for r in con.execute(
            "SELECT DISTINCT year FROM icews_dyad_year WHERE year IS NOT NULL").fetchall())
    return years


def panel(
    store: Any, a: str | None = None, b: str | None = None, *,
    refs: Sequence[tuple[str, str]] | Sequence[str] = (),
    years: str | Sequence[int] | int | None = None, all_dyads: bool = False,
    year: int | None = None, pillars: Sequence[str] | str | None = None,
    percentiles: bool = False,
) -> pd.DataFrame:
    """The dyad-year panel of A–B and its reference dyads, or of every dyad in ``year``.

    Returns one row per dyad and year with data in any pillar, and with ``years`` every
    dyad and year asked (a year without data is a row whose ``coverage_<pillar>`` columns say
    why: ``no rows``, ``outside coverage``, ``not loaded``); columns: see the module
    docstring. ``all_dyads=True`` with ``year`` gives every dyad with data that year
    (``a`` < ``b`` alphabetically). ``pillars`` limits the pillars (names of
    :data:`PANEL_PILLARS`). Nothing is imputed. ``df.attrs["notes"]``: the material notes
    (years outside a table, dyads a source has no row for, IMF reporters) and a line when no
    pillar holds data for the dyads. E509 for an unknown pillar, E508 without a dyad or with
    ``all_dyads`` and no ``year``, E511 for reversed years.
    """
    want = list(PANEL_PILLARS) if pillars is None else (
        [p.strip() for p in pillars.split(",")] if isinstance(pillars, str) else list(pillars))
    for p in want:
        if p not in PANEL_PILLARS:
            raise error("E509", value=p, options=", ".join(PANEL_PILLARS))
    mat = [p for p in want if p in material.PILLARS]
    notes: list[str] = []
    if all_dyads:
        if year is None:
            raise error("E508", what="all_dyads=True (--all-dyads) needs one year",
                        fix="give year=YYYY (--year YYYY), e.g. all_dyads=True, year=2014")
        rng = material.parse_years(int(year))
        pairs = None
        long = material.all_dyads(store, int(year), pillars=mat, percentiles=percentiles) \
            if mat else pd.DataFrame(columns=material.COLUMNS)
    else:
        if a is None or b is None:
            raise error("E508", what="a dyad needs two states",
                        fix="give a and b (A B, e.g. RUS CHN), or all_dyads=True with year=YYYY "
                        "(--all-dyads --year YYYY)")
        rng = material.parse_years(years if year is None else int(year))
        pairs = material._pairs(a, b, refs)
        try:
            long = material.indicators(store, a, b, refs=pairs[1:], years=rng, pillars=mat,
                                       percentiles=percentiles, details=False) if mat else \
                pd.DataFrame(columns=material.COLUMNS)
            notes += long.attrs.get("notes", [])
        except BilatError as exc:  # years outside every material table: the other pillars
            if exc.code != "E510":  # may still hold them (coverage says "outside coverage")
                raise
            notes.append(exc.message)
            long = pd.DataFrame(columns=material.COLUMNS)
    wide, ids = _wide_material(long, percentiles)
    keys = ["dyad", "a", "b", "year"]
    frames: list[tuple[str, pd.DataFrame | None]] = []
    if "votes" in want:
        frames.append(("votes", _votes(store, pairs, rng)))
    if "events" in want:
        frames.append(("events", _events(store, pairs, rng)))
    out = wide.merge(ids, on=keys, how="left") if len(wide) else wide
    for _name, df in frames:
        if df is None or df.empty:
            continue
        if pairs is None:
            df = df.assign(a=df["s1"], b=df["s2"])
        else:
            parts = []
            for x, y in pairs:
                s1, s2 = sorted((x, y))
                part = df[(df["s1"] == s1) & (df["s2"] == s2)].copy()
                part["a"], part["b"] = x, y  # events.indicators answers in the asked order
                parts.append(part)
            df = pd.concat(parts, ignore_index=True) if parts else df.iloc[0:0]
        if rng is not None:
            df = df[(df["year"] >= rng[0]) & (df["year"] <= rng[1])]
        df = df.drop(columns=["s1", "s2"])
        df["dyad"] = df["a"] + "–" + df["b"]
        df["year"] = df["year"].astype("int64")
        out = df if out.empty else out.merge(df, on=keys, how="outer")
    if out.empty:
        out = pd.DataFrame(columns=keys)
    if pairs is not None and rng is not None:
        # every asked dyad and year is a row, so that a year without data says why in its
        # coverage_<pillar> columns (no rows / outside coverage / not loaded), never vanishes
        grid = pd.DataFrame([{"dyad": f"{x}–{y}", "a": x, "b": y, "year": yr}
                             for x, y in pairs for yr in range(rng[0], rng[1] + 1)])
        if len(out):
            out["year"] = out["year"].astype("int64")
            grid = grid.merge(out[keys], on=keys, how="left", indicator=True)
            grid = grid[grid["_merge"] == "left_only"].drop(columns="_merge")
        out = pd.concat([out, grid], ignore_index=True) if len(out) else grid
    out = _coverage(store, out, want)
    if all_dyads and "events" in want and "coverage_events" in out.columns:
        # event indicators are computed per asked dyad (bilat.indicators.events), not for all
        out.loc[out["coverage_events"] != "not loaded", "coverage_events"] = "not computed"
    order = {f"{x}–{y}": i for i, (x, y) in enumerate(pairs or [])}
    out = out.assign(_d=out["dyad"].map(order).fillna(0)).sort_values(
        ["_d", "dyad", "year"], kind="stable").drop(columns="_d")
    front = keys + [f"coverage_{p}" for p in want]
    rest = [c for c in out.columns if c not in front]
    res = out[front + rest].reset_index(drop=True)
    if pairs is not None and len(res) and not (res[[f"coverage_{p}" for p in want]]
                                               == "data").any().any():
        notes.append("no pillar holds data for " + ", ".join(f"{x}–{y}" for x, y in pairs)
                     + (f" in {rng[0]}–{rng[1]}" if rng else "") + ": see coverage_<pillar>")
    res.attrs["notes"] = list(dict.fromkeys(notes))
    return res


def _vote_span(store: Any) -> tuple[int, int] | None:
    """First and last year of the stored General Assembly roll calls (None when none)."""
    lo, hi = store.con.execute(
        "SELECT min(year), max(year) FROM un_rollcalls WHERE body = 'GA'").fetchone()
    return None if lo is None else (int(lo), int(hi))


def _coverage(store: Any, df: pd.DataFrame, want: list[str]) -> pd.DataFrame:
    """Add ``coverage_<pillar>``: data / no rows / outside coverage / not loaded."""
    df = df.copy()
    have = material._tables(store)
    for p in want:
        cols = [c for c in df.columns if c.startswith(f"{p}_") and not c.endswith("_pct")]
        has = df[cols].notna().any(axis=1) if cols else pd.Series(False, index=df.index)
        if p == "votes":
            tables: tuple[str, ...] = ("un_votes",)
            span = _vote_span(store) if "un_rollcalls" in have else None
        elif p == "events":
            tables = tuple(_EVENT_TABLES)
            span = None
        else:
            tables, _, span = material.PILLARS[p]
        loaded = any(t in have for t in tables)
        status = pd.Series("no rows", index=df.index, dtype=object)
        if span is not None and len(df):
            yrs = pd.to_numeric(df["year"])
            status[(yrs < span[0]) | (yrs > span[1])] = "outside coverage"
        if p == "events" and len(df) and any(t in have for t in tables):
            covered = _event_years(store)
            status[~pd.to_numeric(df["year"]).isin(covered).to_numpy()] = "outside coverage"
        if not loaded:
            status[:] = "not loaded"
        status[has] = "data"
        df[f"coverage_{p}"] = status
    return df


#: The headline column of each pillar (first found; events: one per source).
_MAIN = {"votes": ("votes_kappa", "votes_agree", "votes_s"),
         "trade": ("trade_exports_musd_ab_cow", "trade_exports_musd_ab_imf_a_fob",
                   "trade_trade_musd_cow"),
         "arms": ("arms_tiv_ab", "arms_tiv_ba"), "alliances": ("alliances_defense_ab",),
         "igos": ("igos_shared_igos",), "exercises": ("exercises_bilateral",),
         "energy": ("energy_pipeline_gas_bcm_ab_series", "energy_crude_mt_ab_series"),
         "engagements": ("engagements_engagements_ab", "engagements_engagements_ba")}


def main_columns(df: pd.DataFrame) -> list[str]:
    """The value columns a terminal table shows first: per pillar its headline column
    (votes kappa, trade exports, arms TIV …; the first column of the pillar with a value
    when none of those is there) and the event count of each event source."""
    out: list[str] = []
    for p in PANEL_PILLARS:
        cols = [c for c in df.columns if c.startswith(f"{p}_") and not c.endswith("_pct")
                and df[c].notna().any()]
        if p == "events":
            out += [c for c in cols if c.startswith("events_events_")]
            continue
        pick = next((c for c in _MAIN.get(p, ()) if c in cols), cols[0] if cols else None)
        if pick is not None:
            out.append(pick)
    return out


def chart(df: pd.DataFrame, column: str, path: Any = None) -> Any:
    """A line chart of one panel column over the years, one line per dyad (saved when
    ``path`` is given: ``.html``, ``.json``, ``.png`` or ``.svg``)."""
    from bilat.report.charts import save_chart, time_chart

    if column not in df.columns:
        numeric = [c for c in df.columns if c not in ("dyad", "a", "b", "year")
                   and pd.api.types.is_numeric_dtype(df[c])]
        raise error("E505", value=column, options=", ".join(numeric[:40]) +
                    (" …" if len(numeric) > 40 else ""))
    d = df[["dyad", "year", column]].dropna(subset=[column]).copy()
    if d.empty:
        raise error("E508", what=f"no values of {column!r} to chart",
                    fix="load the pillar (bilat fetch …) or widen years= (--years)")
    d["year"] = d["year"].astype("int64")
    c = time_chart(d, x="year", y=column, color="dyad", title=f"{column} by dyad")
    if path is not None:
        save_chart(c, path)
    return c


__all__ = ["PANEL_PILLARS", "chart", "main_columns", "panel"]


class _CallableModule(__import__("types").ModuleType):
    """``bilat.indicators.panel(...)`` calls :func:`panel`; the module stays importable."""

    def __call__(self, *args: Any, **kwargs: Any) -> pd.DataFrame:
        return panel(*args, **kwargs)


__import__("sys").modules[__name__].__class__ = _CallableModule
