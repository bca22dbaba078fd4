"""What each page shows, computed by the library and shaped into tables (no HTML here).

Every function takes an open :class:`~bilat.store.Store` and validated parameters and returns
plain data: pandas DataFrames (each one downloadable as CSV/JSON from its page) and dicts.
Nothing is computed here that the library does not return; the app only selects columns,
splits texts at the library's claim offsets and builds links to the evidence.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import pandas as pd

from bilat.errors import BilatError, error
from bilat.store import Store
from bilat.text.model import Document

#: Human names of the tables bilat's sources write (others are listed under their own name).
SOURCES = {
    "gdelt_events": "GDELT events (CAMEO)",
    "un_votes": "UN votes (state × roll call)",
    "un_rollcalls": "UN roll calls",
    "documents": "Readouts, statements, transcripts",
}
#: Bookkeeping tables: listed apart on the home page.
BOOKKEEPING = ("ingest_log", "gdelt_parts", "gdelt_volume", "gdelt_volume_parts",
               "gdelt_sql_cache", "gdelt_quarantine", "un_country_votes")
#: Columns tried, in order, to tell a table's date coverage.
DATE_COLUMNS = ("SQLDATE", "date", "event_date", "Event Date", "year", "Year", "period")

#: Indicator columns the pair page shows per dyad and period, and the evidence each links to
#: (``quad``: one GDELT QuadClass; ``contacts``: government contacts; None: all the cell's events).
EVENT_COLUMNS: dict[str, dict[str, Any]] = {
    "events": {}, "verbal_coop": {"quad": 1}, "material_coop": {"quad": 2},
    "verbal_conflict": {"quad": 3}, "material_conflict": {"quad": 4},
    "gov_contacts": {"contacts": True}, "material_verbal_ratio": {}, "events_per_1k_a": {},
    "events_per_1k_b": {}, "goldstein_mean": {}, "avg_tone": {},
}
#: Vote indices the pair page shows (chance-corrected first, raw agreement beside).
VOTE_COLUMNS = ("n", "kappa", "pi", "kappa_w", "s", "agree", "agree_yn")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(store: Store) -> list[tuple[str, str]]:
    rows = store.con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = 'main' "
        "ORDER BY table_name").fetchall()
    return [(str(n), str(t)) for n, t in rows]


def _columns(store: Store, name: str) -> list[str]:
    rows = store.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = "
        "current_database() AND table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
        [name]).fetchall()
    return [str(r[0]) for r in rows]


def _as_text(value: Any, column: str) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if column == "SQLDATE":
        s = str(int(value))
        return f"{s[:4]}-{s[4:6]}-{s[6:8]}" if len(s) == 8 else s
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)[:19]


# ----------------------------------------------------------------------------- home
def holdings(store: Store) -> dict[str, Any]:
    """Every table of the store with rows and date coverage; the ingest log by source."""
    from bilat.sources.gdelt import ensure_events_view

    if store.has_table("gdelt_parts"):
        with contextlib.suppress(BilatError):  # no parts yet: the table list says so
            ensure_events_view(store)
    rows = []
    for name, kind in _tables(store):
        cols = _columns(store, name)
        try:
            n = store.con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchall()[0][0]
        except Exception:  # a view over files that moved: say so, do not fail the page
            rows.append({"table": name, "source": SOURCES.get(name, name), "kind": kind,
                         "rows": None, "coverage_column": None, "first": None, "last": None,
                         "note": "cannot be read (files moved?)",
                         "bookkeeping": name in BOOKKEEPING})
            continue
        col = next((c for c in DATE_COLUMNS if c in cols), None)
        first = last = None
        if col is not None and n:
            lo, hi = store.con.execute(
                f"SELECT min({_quote(col)}), max({_quote(col)}) FROM {_quote(name)}").fetchall()[0]
            first, last = _as_text(lo, col), _as_text(hi, col)
        rows.append({"table": name, "source": SOURCES.get(name, name), "kind": kind,
                     "rows": int(n), "coverage_column": col, "first": first, "last": last,
                     "note": "" if n else "empty", "bookkeeping": name in BOOKKEEPING})
    tables = pd.DataFrame(rows, columns=["table", "source", "kind", "rows", "coverage_column",
                                         "first", "last", "note", "bookkeeping"])
    log = store.con.execute(
        "SELECT kind AS source, count(*) AS files, sum(rows) AS rows, sum(skipped) AS skipped, "
        "min(ingested_at) AS first_ingest, max(ingested_at) AS last_ingest FROM ingest_log "
        "GROUP BY kind ORDER BY kind").df()
    gaps = _event_days(store)
    return {"tables": tables, "sources": tables[~tables["bookkeeping"].astype(bool)],
            "bookkeeping": tables[tables["bookkeeping"].astype(bool)], "ingest": log,
            "event_days": gaps}


def _event_days(store: Store) -> pd.DataFrame:
    """Days with GDELT events per month (from the volume summary): where event data is thin."""
    if not store.has_table("gdelt_volume"):
        return pd.DataFrame(columns=["month", "days_with_events", "events"])
    return store.con.execute(
        "SELECT strftime(strptime(CAST(SQLDATE AS VARCHAR), '%Y%m%d'), '%Y-%m') AS month, "
        "count(DISTINCT SQLDATE) AS days_with_events, sum(events) AS events "
        "FROM gdelt_volume GROUP BY 1 ORDER BY 1").df()


def pairs_with_data(store: Store, limit: int = 12) -> pd.DataFrame:
    """Dyads the store has evidence on: readout pairs, statements' parties, top event dyads."""
    from bilat.reference.countries import iso3_map

    found: dict[tuple[str, str], dict[str, Any]] = {}

    def add(x: str | None, y: str | None, what: str, n: int) -> None:
        if not x or not y or x == y or x in ("JOINT", "BOTH") or y in ("JOINT", "BOTH"):
            return
        key = (x, y) if (y, x) not in found else (y, x)
        row = found.setdefault(key, {"a": key[0], "b": key[1], "readout_documents": 0,
                                     "statements": 0, "events": 0})
        row[what] += n

    if store.has_table("documents"):
        docs = store.con.execute(
            "SELECT side, kind, parties, event, date FROM documents").df()
        for _, grp in docs[docs["kind"] == "readout"].groupby(
                docs["event"].fillna(docs["date"].astype(str))):
            sides = sorted({s for s in grp["side"] if s})
            for i, x in enumerate(sides):
                for y in sides[i + 1:]:
                    add(x, y, "readout_documents", int(len(grp)))
        for parties in docs.loc[docs["kind"] == "statement", "parties"]:
            ps = sorted(set(parties)) if parties is not None else []
            if len(ps) == 2:
                add(ps[0], ps[1], "statements", 1)
    if store.has_table("gdelt_volume"):
        from bilat.sources.gdelt import ensure_events_view

        ensure_events_view(store)
        top = store.con.execute(
            "SELECT Actor1CountryCode AS x, Actor2CountryCode AS y, count(*) AS n "
            "FROM gdelt_events WHERE Actor1CountryCode IS NOT NULL AND Actor2CountryCode IS NOT "
            "NULL AND Actor1CountryCode <> Actor2CountryCode GROUP BY ALL ORDER BY n DESC "
            "LIMIT 400").fetchall()
        cameo = iso3_map("cameo")
        merged: dict[tuple[str, str], int] = {}
        for x, y, n in top:
            a, b = cameo.get(x), cameo.get(y)
            if a and b and a != b:
                k = tuple(sorted((a, b)))
                merged[k] = merged.get(k, 0) + int(n)  # type: ignore[index]
        for (a, b), n in sorted(merged.items(), key=lambda kv: -kv[1])[:limit]:
            add(a, b, "events", n)
    out = pd.DataFrame(list(found.values()),
                       columns=["a", "b", "readout_documents", "statements", "events"])
    return out.sort_values(["readout_documents", "statements", "events"],
                           ascending=False).reset_index(drop=True)


# ----------------------------------------------------------------------------- pair page
def _missing(exc: BilatError) -> dict[str, Any]:
    return {"error": exc.one_line(), "code": exc.code}


def period_at(value: Any, period: str) -> str:
    """The ``--at`` value of the period starting at ``value`` (2019 / 2019-10 / 2019-Q4 …)."""
    d = pd.Timestamp(value).date()
    if period == "year":
        return str(d.year)
    if period == "quarter":
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    if period == "month":
        return f"{d.year}-{d.month:02d}"
    return d.isoformat()


def vote_pillar(store: Store, a: str, b: str, refs: Sequence[tuple[str, str]],
                years: str | None) -> dict[str, Any]:
    """Vote affinity over the whole range and by year (main pair and yardsticks), and the
    divergent votes; a missing table or an empty range is reported, not raised. (By issue
    area: its own page, :func:`vote_issues`.)"""
    from bilat.indicators import votes

    ref = [f"{x}-{y}" for x, y in refs]
    try:
        whole = votes.affinity(store, a, b, years=years, by="period", ref=ref)
        by_year = votes.affinity(store, a, b, years=years, by="year", ref=ref)
        split = votes.divergent(store, a, b, years=years, limit=10)
    except BilatError as exc:
        if exc.code in ("E009", "E210"):
            return _missing(exc)
        raise
    return {"whole": whole, "by_year": by_year, "divergent": split}


def vote_issues(store: Store, a: str, b: str, refs: Sequence[tuple[str, str]],
                years: str | None) -> pd.DataFrame:
    """Vote affinity by issue area (main pair and yardsticks) over the years."""
    from bilat.indicators import votes

    return votes.affinity(store, a, b, years=years, by="issue",
                          ref=[f"{x}-{y}" for x, y in refs])


def vote_extras(store: Store, a: str, b: str, refs: Sequence[tuple[str, str]],
                years: str | None) -> dict[str, Any]:
    """Ideal-point distances (Bailey, Strezhnev & Voeten) and Security Council vetoes of the
    pair, where the store holds them (each absent part says how to load it)."""
    from bilat.indicators import votes

    out: dict[str, Any] = {}
    fn = getattr(votes, "idealpoints", None)
    if fn is None:
        out["ideal"] = {"error": "ideal points are not part of this installation", "code": ""}
    else:
        try:
            out["ideal"] = {"table": fn(store, a, b, refs=[f"{x}-{y}" for x, y in refs],
                                        years=years)}
        except BilatError as exc:
            out["ideal"] = _missing(exc)
    fn = getattr(votes, "vetoes", None)
    if fn is None:
        out["vetoes"] = {"error": "Security Council vetoes are not part of this installation",
                         "code": ""}
    else:
        try:
            out["vetoes"] = {"joint": fn(store, a, b, years=years, joint_only=True),
                             "by_year": fn(store, a, b, years=years, by="year")}
        except BilatError as exc:
            out["vetoes"] = _missing(exc)
    return out


#: Errors that mean "no events to show" (no event table; no events of the asked source for the
#: pair in the range): the page's events section says why instead of failing.
NO_EVENTS = ("E009", "E150")


def event_pillar(store: Store, a: str, b: str, refs: Sequence[tuple[str, str]],
                 years: str | None, period: str, dedup: str,
                 actor_type: str | None) -> dict[str, Any]:
    """GDELT dyad indicators per period (undirected), main pair and yardsticks."""
    from bilat.indicators import events

    start = end = None
    if years:
        start, _, end = years.partition("-")
        end = end or start
    # the GDELT-only path (another module may add an ``indicators`` over several sources)
    compute = getattr(events, "gdelt_indicators", None) or events.indicators
    try:
        df = compute(store, a, b, refs=refs, period=period, direction="undirected",
                     dedup=dedup, start=start, end=end, actor_type=actor_type)
    except BilatError as exc:
        if exc.code in NO_EVENTS:  # no events table, or none for this pair: a line, not a 500
            return _missing(exc)
        raise
    if df.empty or not ((df["a"] == a) & (df["b"] == b) | (df["a"] == b) & (df["b"] == a)).any():
        return _missing(error("E150", source="GDELT", dyad=f"{a}–{b}",
                              span=f" in {years}" if years else "",
                              why="no events between these states in the stored GDELT files"))
    df["at"] = [period_at(p, period) for p in df["period"]]
    return {"indicators": df}


def material_pillar(store: Store, a: str, b: str, refs: Sequence[tuple[str, str]],
                    years: str | None) -> dict[str, Any]:
    """Material ties (trade, arms, alliances, IGOs, exercises, energy, engagements) of the pair
    and yardsticks from :mod:`bilat.indicators.material`: every row, the latest value per
    indicator, and which pillars are not loaded (with the command that loads them)."""
    try:
        from bilat.indicators import material
    except ImportError:  # the material module is not part of this installation
        return {"error": "bilat.indicators.material is not installed", "code": ""}
    cov = material.coverage(store)
    if not bool(cov["loaded"].any()):
        return {"coverage": cov, "indicators": None, "latest": None}
    try:
        df = material.indicators(store, a, b, refs=list(refs), years=years)
    except BilatError as exc:
        return {**_missing(exc), "coverage": cov}
    keys = ["dyad", "a", "b", "pillar", "indicator", "direction", "source"]
    known = df[df["value"].notna()].sort_values("year", kind="stable")
    latest = known.groupby(keys, sort=False).tail(1).copy()
    latest["n_rows"] = latest["rows"].map(lambda r: len(r) if r is not None
                                          and not isinstance(r, str) else 0)
    order = {d: i for i, d in enumerate(dict.fromkeys(df["dyad"]))}
    latest = latest.sort_values(["pillar", "indicator", "dyad"], key=lambda c: c.map(order)
                                if c.name == "dyad" else c, kind="stable")
    return {"coverage": cov, "indicators": df, "latest": latest.reset_index(drop=True)}


def material_rows(store: Store, a: str, b: str, indicator: str,
                  years: str | None) -> dict[str, Any]:
    """The rows behind one material indicator of A–B (with their source row ids), and for
    arms, exercises and engagements the deals, exercises or contacts themselves."""
    from bilat.indicators import material

    rows = material.indicators(store, a, b, years=years, indicator=indicator)
    out: dict[str, Any] = {"rows": rows}
    pillar = material.pillar_of(indicator)
    try:
        if pillar == "arms":
            out["deals"] = material.deals(store, a, b)
        elif pillar == "exercises":
            out["exercises"] = material.exercises(store, a, b, years=years)
        elif pillar == "engagements":
            out["engagements"] = material.engagements(store, a, b, years=years)
    except BilatError:
        pass  # the detail table of that pillar is not loaded: the rows still show their ids
    return out


def stored_documents(store: Store) -> pd.DataFrame:
    """Stored documents without their text (an empty frame when there are none)."""
    from bilat.text.documents import list_documents

    if not store.has_table("documents"):
        return pd.DataFrame(columns=["doc_id", "side", "issuer", "date", "kind", "event",
                                     "language", "title", "source_url", "version", "chars",
                                     "parties", "retrieved_at"])
    return list_documents(store)


def readout_pairs(store: Store, a: str, b: str, limit: int = 10) -> list[dict[str, Any]]:
    """Stored readouts of one event by side A and side B, each pair compared (counts only)."""
    from bilat.text.documents import get_document
    from bilat.text.readouts import compare_readouts

    docs = stored_documents(store)
    docs = docs[(docs["kind"] == "readout") & docs["side"].isin([a, b])]
    pairs: list[tuple[str, str]] = []
    for _, grp in docs.groupby(docs["event"].fillna(docs["date"].astype(str))):
        xs = grp[grp["side"] == a]["doc_id"].tolist()
        ys = grp[grp["side"] == b]["doc_id"].tolist()
        pairs += [(x, y) for x in xs for y in ys]
    out = []
    for x, y in pairs[:limit]:
        da, db = get_document(store, x), get_document(store, y)
        try:
            cmp = compare_readouts([da, db], store=store)
        except BilatError as exc:
            out.append({"docs": (x, y), "date": da.date, "event": da.event,
                        "error": exc.one_line()})
            continue
        counts = cmp.counts()
        out.append({"docs": (x, y), "date": da.date, "event": da.event,
                    "counts": counts.to_dict(orient="records"),
                    "asymmetry": cmp.asymmetry})
    return out


def statement_series(store: Store, a: str, b: str) -> pd.DataFrame:
    """Stored statements between exactly A and B, oldest first."""
    docs = stored_documents(store)
    if docs.empty:
        return docs
    mask = (docs["kind"] == "statement") & docs["parties"].map(
        lambda p: p is not None and sorted(set(p)) == sorted({a, b}))
    return docs[mask].sort_values("date").reset_index(drop=True)


def other_tables(store: Store) -> list[str]:
    """Tables in the store that the pillar pages do not read (other helpers' sources)."""
    known = set(SOURCES) | set(BOOKKEEPING)
    return [n for n, _ in _tables(store) if n not in known]


# ----------------------------------------------------------------------------- evidence
def load_documents(store: Store, ids: Sequence[str], scratch: Any = None) -> list[Document]:
    """Documents by id: held pasted texts first (full id), then the store (id or prefix)."""
    from bilat.text.documents import get_document

    out = []
    for i in ids:
        held = scratch(i) if scratch is not None and len(i) == 16 else None
        out.append(held if held is not None else get_document(store, i))
    return out


def genuine_hashes(store: Store) -> set[str] | None:
    """Content hashes of the texts loaded as genuine published readouts (``bilat fetch
    readouts``), or None when this installation has no such collection."""
    try:
        from bilat.sources.readout_pairs import KIND
    except ImportError:
        return None
    log = store.ingest_log(KIND)
    return set(log["sha256"]) if len(log) else set()


def comparison_tables(cmp: Any) -> dict[str, pd.DataFrame]:
    """The downloadable tables of a readout comparison: counts per document, every claim."""
    claims = cmp.to_frame()
    return {"counts": cmp.counts(), "claims": claims}


def split_text(text: str, spans: Sequence[tuple[int, int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """``text`` cut at the claims' offsets: plain pieces and claim pieces (no overlaps)."""
    out: list[dict[str, Any]] = []
    pos = 0
    for start, end, info in sorted(spans, key=lambda s: (s[0], s[1])):
        if end <= pos:
            continue
        start = max(start, pos)
        if start > pos:
            out.append({"text": text[pos:start], "claim": None})
        out.append({"text": text[start:end], "claim": info})
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:], "claim": None})
    return out


def lineage_tables(report: Any) -> dict[str, pd.DataFrame]:
    """The downloadable tables of a lineage: the newest statement's claims, drops, omissions."""
    rows = []
    for cl in report.focus.claims:
        cp = cl.counterpart
        rows.append({
            "label": cl.label, "doc_id": cl.claim.doc_id, "date": cl.claim.date,
            "start": cl.claim.start, "end": cl.claim.end, "paragraph": cl.claim.paragraph,
            "quote": cl.claim.quote, "issues": ",".join(cl.issues), "stance": cl.stance,
            "modality": cl.modality, "change": cl.change, "similarity": cl.similarity,
            "counterpart_doc": cp.doc_id if cp else None,
            "counterpart_date": cp.date if cp else None,
            "counterpart_start": cp.start if cp else None,
            "counterpart_end": cp.end if cp else None,
            "counterpart_quote": cp.quote if cp else None,
            "first_appeared": cl.first_appeared.date,
        })
    drops = []
    for d in report.focus.dropped:
        drops.append({"doc_id": d.claim.doc_id, "date": d.claim.date, "start": d.claim.start,
                      "end": d.claim.end, "quote": d.claim.quote, "issues": ",".join(d.issues),
                      "commitment": d.is_commitment, "first_appeared": d.first_appeared.date,
                      "closest_similarity": d.similarity})
    om = []
    if report.omissions is not None:
        for o in report.omissions.omissions:
            ev = o.events
            om.append({"issue": o.issue, "label": o.label, "country": o.country,
                       "sources": ",".join(o.sources),
                       "readout_mentions": len(o.readout_mentions),
                       "event_count": ev.count if ev else None,
                       "event_share": ev.share if ev else None,
                       "baseline_share": ev.baseline_share if ev else None,
                       "ratio": ev.ratio if ev else None})
    return {"claims": pd.DataFrame(rows), "dropped": pd.DataFrame(drops),
            "omissions": pd.DataFrame(om, columns=["issue", "label", "country", "sources",
                                                   "readout_mentions", "event_count",
                                                   "event_share", "baseline_share", "ratio"])}


def vote_list(store: Store, a: str, b: str, years: str | None, issue: str | None
              ) -> dict[str, Any]:
    """The roll calls behind an affinity figure and the figure recomputed from the same votes."""
    from bilat.indicators import votes

    rows = votes.affinity_votes(store, a, b, years=years, issue=issue)
    fig = votes.affinity(store, a, b, years=years, issue=issue, by="period")
    if rows.empty and (fig["n"].sum() == 0):
        raise error("E210", what=f"{a}–{b}" + (f" in {years}" if years else "")
                    + (f" on issue {issue}" if issue else ""))
    rows = rows.copy()
    rows["issues"] = rows["issues"].map(
        lambda v: ",".join(v) if v is not None and not isinstance(v, str) else (v or ""))
    rows["date"] = pd.to_datetime(rows["date"]).dt.date
    return {"votes": rows, "figure": fig.drop(columns=["vote_ids"])}


def event_list(store: Store, a: str, b: str, at: str, period: str, direction: str,
               quad: int | None, contacts: bool, dedup: str,
               actor_type: str | None) -> dict[str, Any]:
    """The GDELT events behind one indicator cell (GLOBALEVENTID, SOURCEURL, source file)."""
    from bilat.indicators import events

    rows = events.ids(store, a, b, at=at, period=period, direction=direction, quad=quad,
                      contacts=contacts, dedup=dedup, actor_type=actor_type)
    return {"events": rows}


def record(obj: Any) -> dict[str, Any]:
    """A dataclass as a plain dict (for templates)."""
    return asdict(obj)
