"""Pairing across corpora: each side's account of the same leader contact, compared.

For a contact that one side's corpus reports (a CCTV item on a Xi–Putin call), the other
side's account is a stored item of the other side's corpus (a Kremlin news item) reporting a
contact of the same pair whose event date is within ``max_days`` (default 1: CCTV dates are
broadcast dates, often the day after an evening call) and whose medium agrees — *remote*
(call, video) or *in person* (talks, meeting, visit). Reports are first merged into episodes
(consecutive days: a state visit's ceremony, talks and tea are one contact); each side's
account of an episode is the document of its most substantive report (talks/call/video
before meeting, meeting before visit; then the longest text).

:func:`find_readouts` lists every account of a pair's contact near a date (``bilat readouts
find``); :func:`pair_accounts` pairs them over all stored contacts; :func:`readout_pairs` adds
the curated readout pairs (both texts stored under one event key) of contacts no corpus pairs
— the one pairing the report and ``compare-all`` share; :func:`compare_all` runs
:func:`bilat.text.readouts.compare_readouts` over every pair (``bilat readouts compare-all``)
and returns, per pair, the claim counts by label and asymmetry, and per *direction* (which
side's readout attributes to which) the **unconfirmed attributions**: claims one readout
attributes to the other side that the other side's own account does not contain, with
document id and offsets — over time, per contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from bilat.errors import error

REMOTE = ("call", "video")
IN_PERSON = ("talks", "meeting", "visit")
#: Which report of an episode carries the side's readout (lower first).
PRIORITY = {"talks": 0, "call": 0, "video": 0, "meeting": 1, "visit": 2, "press": 3}


def _medium(kind: str) -> str:
    return "remote" if kind in REMOTE else "in_person"


def _reports(store: Any, a: str, b: str) -> pd.DataFrame:
    from bilat.text.contacts import contact_list

    df = contact_list(store, a, b)
    if df.empty:
        return df
    chars = store.con.execute(
        "SELECT c.doc_id, max(c.chars) AS chars, coalesce(max(c.title), max(d.title)) AS title, "
        "max(c.url) AS url FROM corpus_items c LEFT JOIN documents d ON d.doc_id = c.doc_id "
        "WHERE c.doc_id IN (SELECT unnest(?)) GROUP BY c.doc_id", [list(df["doc_id"])]).df()
    df = df.merge(chars, on="doc_id", how="left")
    df["event_date"] = pd.to_datetime(df["event_date"]).dt.date
    df["medium"] = df["kind"].map(_medium)
    return df


def find_readouts(store: Any, a: str, b: str, date: date | str, days: int = 2
                  ) -> pd.DataFrame:
    """Every stored account of an ``a``–``b`` leader contact within ``days`` of ``date``.

    One row per report: issuing side, series, event and broadcast dates, kind, document id,
    title, original URL and the evidence sentence with its offsets. E360 when none.
    """
    when = pd.Timestamp(date).date()
    df = _reports(store, a, b)
    if not df.empty:
        df = df[[abs((d - when).days) <= days for d in df["event_date"]]]
    if df.empty:
        sides = ", ".join(sorted(store.con.execute(
            "SELECT DISTINCT side FROM corpus_items WHERE side IS NOT NULL").df()["side"]))
        raise error("E360", a=a, b=b, days=days, date=when.isoformat(),
                    detail=f" (corpora of: {sides or 'none'})")
    cols = ["issuer_side", "series", "event_date", "broadcast_date", "kind", "doc_id", "title",
            "url", "leader_a", "leader_b", "sentence_start", "sentence_end", "sentence",
            "contact_id", "date_basis"]
    return df[cols].sort_values(["event_date", "issuer_side"]).reset_index(drop=True)


def _episodes(df: pd.DataFrame, gap: int = 1) -> list[pd.DataFrame]:
    out: list[pd.DataFrame] = []
    if df.empty:
        return out
    df = df.sort_values("event_date")
    days = pd.to_datetime(df["event_date"])
    ep = (days.diff().dt.days.fillna(gap + 1) > gap).cumsum()
    for _, g in df.groupby(ep.to_numpy()):
        out.append(g)
    return out


def _main_report(g: pd.DataFrame) -> pd.Series:
    g = g.assign(_p=g["kind"].map(PRIORITY).fillna(9), _c=-g["chars"].fillna(0))
    return g.sort_values(["_p", "_c"]).iloc[0]


def pair_accounts(store: Any, a: str, b: str, max_days: int = 1) -> pd.DataFrame:
    """Contacts of ``a``–``b`` reported by both sides' corpora, one row per contact.

    Columns: ``event_date`` (of ``a``'s account), ``kind_a``/``kind_b``, ``doc_a``/``doc_b``,
    ``series_a``/``series_b``, ``title_a``/``title_b``, ``url_a``/``url_b``, ``days_apart``,
    plus ``reports_a``/``reports_b`` (contact ids merged into the episode). Contacts only one
    side reports are listed by :func:`unpaired`.
    """
    a, b = a.upper(), b.upper()
    df = _reports(store, a, b)
    if df.empty:
        return pd.DataFrame()
    side_a = _episodes(df[df["issuer_side"] == a])
    side_b = _episodes(df[df["issuer_side"] == b])
    rows = []
    used: set[int] = set()
    for ga in side_a:
        ma = _main_report(ga)
        best: tuple[int, int] | None = None
        for j, gb in enumerate(side_b):
            if j in used:
                continue
            gap = min(abs((x - y).days) for x in ga["event_date"] for y in gb["event_date"])
            if gap > max_days:
                continue
            same = _medium(ma["kind"]) == _medium(_main_report(gb)["kind"])
            if not same:
                continue
            if best is None or gap < best[1]:
                best = (j, gap)
        if best is None:
            continue
        used.add(best[0])
        mb = _main_report(side_b[best[0]])
        rows.append({
            "event_date": ma["event_date"], "kind_a": ma["kind"], "kind_b": mb["kind"],
            "doc_a": ma["doc_id"], "doc_b": mb["doc_id"], "series_a": ma["series"],
            "series_b": mb["series"], "title_a": ma["title"], "title_b": mb["title"],
            "url_a": ma["url"], "url_b": mb["url"], "days_apart": best[1],
            "reports_a": ",".join(ga["contact_id"]),
            "reports_b": ",".join(side_b[best[0]]["contact_id"]),
        })
    out = pd.DataFrame(rows)
    out.attrs["state_a"], out.attrs["state_b"] = a, b
    return out


def _event_pairs(store: Any, a: str, b: str) -> pd.DataFrame:
    """Curated readout pairs: documents of kind ``readout`` stored with an ``event`` key
    (``texts/readouts``, ``bilat documents add --event``) holding both sides' texts; one row
    per event, the first stored text of each side."""
    if not store.has_table("documents"):
        return pd.DataFrame()
    docs = store.con.execute(
        "SELECT doc_id, side, date, event, kind, title, source_url FROM documents "
        "WHERE kind = 'readout' AND event IS NOT NULL AND side IN (?, ?) "
        "ORDER BY event, date, doc_id", [a, b]).df()
    rows = []
    for ev, g in docs.groupby("event", sort=True):
        if not {a, b} <= set(g["side"]):
            continue
        ma, mb = g[g["side"] == a].iloc[0], g[g["side"] == b].iloc[0]
        da, db = pd.Timestamp(ma["date"]), pd.Timestamp(mb["date"])
        rows.append({
            "event_date": (da if pd.notna(da) else db).date() if pd.notna(da) or pd.notna(db)
            else None, "kind_a": "readout", "kind_b": "readout",
            "doc_a": ma["doc_id"], "doc_b": mb["doc_id"], "series_a": "readouts",
            "series_b": "readouts", "title_a": ma["title"], "title_b": mb["title"],
            "url_a": ma["source_url"], "url_b": mb["source_url"],
            "days_apart": abs((da - db).days) if pd.notna(da) and pd.notna(db) else None,
            "reports_a": "", "reports_b": "", "event": ev})
    return pd.DataFrame(rows)


def readout_pairs(store: Any, a: str, b: str, *, years: tuple[int, int] | None = None,
                  max_days: int = 1) -> pd.DataFrame:
    """The stored pairs of ``a``'s and ``b``'s readouts of one contact: what
    ``bilat readouts compare-all`` and the report's readouts pillar both compare.

    Two kinds of pair, one row per contact: a **corpus contact** (:func:`pair_accounts`: both
    corpora report it) and a **curated readout pair** (both sides' texts stored under one
    ``event`` key, e.g. ``texts/readouts``). A curated pair dated within ``max_days`` of a
    corpus contact is the same contact and is left out (the corpus pair is kept). ``years``
    (inclusive) keeps the contacts dated in them; an undated pair is outside any range.

    Columns: those of :func:`pair_accounts` plus ``basis`` (``corpus contact`` or ``readout
    pair``) and ``event`` (the curated event key, else None); sorted by ``event_date``.
    Empty (no columns) when no contact has both sides' readouts.
    """
    a, b = a.upper(), b.upper()
    corpus = pair_accounts(store, a, b, max_days) if (
        store.has_table("corpus_items") and store.has_table("corpus_contacts")) \
        else pd.DataFrame()
    if len(corpus):
        corpus = corpus.assign(basis="corpus contact", event=None)
    curated = _event_pairs(store, a, b)
    if len(curated):
        curated = curated.assign(basis="readout pair")
        if len(corpus):
            taken = list(corpus["event_date"])
            keep = [d is None or all(abs((d - t).days) > max_days for t in taken)
                    for d in curated["event_date"]]
            curated = curated[keep]
    parts = [p for p in (corpus, curated) if len(p)]
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    if years is not None:
        y = pd.to_datetime(out["event_date"], errors="coerce").dt.year
        out = out[y.between(years[0], years[1])]
    out = out.sort_values("event_date", kind="stable").reset_index(drop=True)
    out.attrs["state_a"], out.attrs["state_b"] = a, b
    return out


#: Share of a text's claims in transcript turns from which it is a transcript of remarks.
TRANSCRIPT_SHARE = 0.9


def is_transcript(doc: Any, claims: Any = None) -> bool:
    """Whether a stored readout is a transcript of the leaders' remarks (the Kremlin's record
    of the public opening remarks of talks) rather than a summary readout: the document is of
    kind ``transcript``, or at least :data:`TRANSCRIPT_SHARE` of its claims are speech in
    transcript turns ("President of Russia Vladimir Putin: …"; ``claim.extra["speaker_kind"]
    == "turn"``, see :mod:`bilat.text.claims`). A page that summarises the talks before the
    remarks (the Kremlin's 2022-02-04 "Russian-Chinese talks": 15 of 57 claims are summary)
    is a readout; the Kremlin's 2021-12-15 page (one lead line, then the opening remarks: 59 of
    61 claims in turns) is a transcript. ``claims``: the document's claims when already extracted.
    Such a text records only what was said in public: it cannot confirm or deny what the other
    side's readout reports of the talks held in private."""
    if getattr(doc, "kind", None) == "transcript":
        return True
    if claims is None:
        from bilat.text.claims import extract_claims

        claims = extract_claims(doc)
    if not claims:
        return False
    turns = sum(1 for c in claims if (c.extra or {}).get("speaker_kind") == "turn")
    return turns >= TRANSCRIPT_SHARE * len(claims)


def unpaired(store: Any, a: str, b: str, max_days: int = 1) -> pd.DataFrame:
    """Contact episodes one side reports with no account from the other side's corpus,
    with whether the other side's corpus covers that day at all (a gap is not a silence)."""
    a, b = a.upper(), b.upper()
    df = _reports(store, a, b)
    pairs = pair_accounts(store, a, b, max_days)
    paired_ids: set[str] = set()
    for col in ("reports_a", "reports_b"):
        if col in pairs:
            for v in pairs[col]:
                paired_ids.update(v.split(","))
    covered = {side: set(pd.to_datetime(store.con.execute(
        "SELECT DISTINCT date FROM corpus_items WHERE side = ?", [side]).df()["date"]).dt.date)
        for side in (a, b)}
    rows = []
    for side, other in ((a, b), (b, a)):
        for g in _episodes(df[df["issuer_side"] == side] if not df.empty else df):
            if set(g["contact_id"]) & paired_ids:
                continue
            m = _main_report(g)
            d = m["event_date"]
            near = any(abs((d - c).days) <= max_days for c in covered[other])
            rows.append({"event_date": d, "reported_by": side, "kind": m["kind"],
                         "doc_id": m["doc_id"], "title": m["title"],
                         "other_side_covered": near})
    return pd.DataFrame(rows).sort_values("event_date").reset_index(drop=True) if rows \
        else pd.DataFrame(columns=["event_date", "reported_by", "kind", "doc_id", "title",
                                   "other_side_covered"])


@dataclass
class CompareAll:
    """:func:`compare_all`'s result: one row per paired contact, one per unconfirmed claim."""

    state_a: str
    state_b: str
    pairs: pd.DataFrame
    unconfirmed: pd.DataFrame
    unpaired: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def by_period(self, period: str = "year") -> pd.DataFrame:
        """Unconfirmed attributions per period and direction (``A->B``: A's readout attributes
        to B what B's account lacks), with the contacts compared as denominator."""
        if self.pairs.empty:
            return pd.DataFrame()
        p = pd.to_datetime(self.pairs["event_date"])
        per = p.dt.year.astype(str) if period == "year" else p.dt.strftime("%Y-%m")
        base = self.pairs.assign(period=per.to_numpy())
        out = base.groupby("period").agg(contacts_compared=("event_date", "size"),
                                         **{f"{self.state_a}→{self.state_b}":
                                            ("unconfirmed_a", "sum"),
                                            f"{self.state_b}→{self.state_a}":
                                            ("unconfirmed_b", "sum")})
        return out.reset_index()


def compare_all(store: Any, a: str, b: str, *, max_days: int = 1, aligner: str = "auto",
                lexicon: Any = None) -> CompareAll:
    """Compare the two sides' accounts of every contact both corpora report (see module doc).

    The pairs are :func:`readout_pairs` (the same as the report's readouts pillar).
    ``pairs`` columns: those of :func:`readout_pairs` plus, per side (``_a`` for ``a``'s
    readout, ``_b`` for ``b``'s), ``claims``, ``shared``, ``divergent``, ``one_sided`` and
    ``unconfirmed`` (claims of that side's readout attributing to the other side what the
    other's account lacks), so that ``claims_a = shared_a + divergent_a + one_sided_a +
    unconfirmed_a`` (and the same for ``_b``); ``transcript_a``/``transcript_b`` (that side's
    text is a transcript of remarks, :func:`is_transcript`); ``asymmetry``.
    ``unconfirmed`` rows: ``event_date``, ``direction`` (``CHN→RUS``),
    ``doc_id``, ``start``, ``end``, ``text``, ``issues``, ``counterpart``, ``score``.
    E361 when no contact has accounts from both sides.
    """
    from bilat.text.documents import get_document
    from bilat.text.readouts import compare_readouts

    a, b = a.upper(), b.upper()
    pairs = readout_pairs(store, a, b, max_days=max_days)
    if pairs.empty:
        from bilat.text.corpus import require_tables

        require_tables(store)  # E358: nothing imported (no corpus, no readout pair)
        sides = ", ".join(sorted(store.con.execute(
            "SELECT DISTINCT side FROM corpus_items WHERE side IS NOT NULL").df()["side"]))
        raise error("E361", a=a, b=b, detail=f" (corpora stored for: {sides or 'none'})")
    stats, details, notes = [], [], []
    for r in pairs.itertuples(index=False):
        da, db = get_document(store, r.doc_a), get_document(store, r.doc_b)
        try:
            cmp = compare_readouts([da, db], store=store, sides=[a, b], aligner=aligner,
                                   lexicon=lexicon, force=True)
        except Exception as exc:  # noqa: BLE001 - one failed pair is a note, not the end
            msg = getattr(exc, "one_line", lambda e=exc: str(e))()
            notes.append(f"{r.event_date}: not compared ({str(msg)[:200]})")
            stats.append({})
            continue
        counts = cmp.counts().set_index("doc_id")
        ca, cb = counts.loc[da.doc_id], counts.loc[db.doc_id]
        rec = {"claims_a": int(ca["claims"]), "claims_b": int(cb["claims"]),
               "shared_a": int(ca["shared"]), "shared_b": int(cb["shared"]),
               "divergent_a": int(ca["divergent"]), "divergent_b": int(cb["divergent"]),
               "one_sided_a": int(ca["one_sided"]), "one_sided_b": int(cb["one_sided"]),
               "unconfirmed_a": int(ca["unconfirmed_attribution"]),
               "unconfirmed_b": int(cb["unconfirmed_attribution"]),
               "transcript_a": is_transcript(da, cmp.claims.get(da.doc_id)),
               "transcript_b": is_transcript(db, cmp.claims.get(db.doc_id)),
               "asymmetry": round(float(cmp.asymmetry), 4)}
        stats.append(rec)
        for res in cmp.results:
            if "unconfirmed" not in res.flags and res.label != "unconfirmed_attribution":
                continue
            c = res.claim
            frm, to = (a, b) if c.doc_id == da.doc_id else (b, a)
            details.append({"event_date": r.event_date, "direction": f"{frm}→{to}",
                            "doc_id": c.doc_id, "start": c.start, "end": c.end,
                            "text": c.text, "speaker": c.speaker,
                            "issues": ",".join(c.issues), "label": res.label,
                            "counterpart": res.counterpart, "score": round(res.score, 4)})
    out = pd.concat([pairs.reset_index(drop=True), pd.DataFrame(stats)], axis=1)
    unconf = pd.DataFrame(details, columns=["event_date", "direction", "doc_id", "start", "end",
                                            "text", "speaker", "issues", "label",
                                            "counterpart", "score"])
    alone = unpaired(store, a, b, max_days) if store.has_table("corpus_contacts") else \
        pd.DataFrame(columns=["event_date", "reported_by", "kind", "doc_id", "title",
                              "other_side_covered"])
    return CompareAll(a, b, out, unconf, alone, notes)


__all__ = ["CompareAll", "compare_all", "find_readouts", "is_transcript", "pair_accounts",
           "readout_pairs", "unpaired"]
