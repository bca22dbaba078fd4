"""Words against deeds: each claim of support set beside behaviour on the same issue.

A *claim of support* is a claim (:mod:`bilat.text.claims`) in a stored readout or joint
statement of the pair whose stance is ``supports`` or ``firmly_supports`` (not negated), whose
speaker is one side of the pair (the *supporter*; the other side is the *supported*), which
backs that side and not a process (:func:`supports_a_process`: "supports resolving it through
negotiation" is support for talks), and which names one of the supported side's core issues
(``bilat/reference/data/core_issues.toml``; the lexicon's ``crimea`` is counted as Russia's
``ukraine`` issue). For each such claim:

- **UN votes on the issue**: the General Assembly roll calls on that core issue of the supported
  side (titles matched by :func:`bilat.assess.evidence.core_issue_votes`) in the report's years,
  with how often the supporter voted *with* the supported side (identical votes) and *apart*,
  and the symbols of the votes apart; ``backed_share = with / (with + apart)``.
- **Events on it**: the event records within ±``window_days`` of the claim's date between
  the supporter and the issue's country (lexicon ``country``), or between the two sides with the
  action located there (the canonical event view of :mod:`bilat.indicators.events`), per
  source (never summed), by quad class, with the event ids; NULL (not 0) when no source holds
  any event for that window, and a source holding fewer events of the supporter in the window
  than :data:`MIN_SUPPORTER_EVENTS` (or :data:`MIN_SUPPORTER_EVENTS_PER_DAY` per day) is thin
  there: no count, named in the note (missing or thin is not zero).
- **One claim, all its sources**: the same claim in several texts (a genuine readout pair and a
  corpus copy) is one row (:func:`dedupe_claims`), the genuine pair preferred, every text listed.

The claim keeps its document id and character offsets; a claim from a text that is not a
verified original (see :mod:`bilat.sources.readout_pairs`) is flagged.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pandas as pd

from bilat.store import Store

#: Lexicon issue keys counted as another core-issue key.
ALIASES = {"crimea": "ukraine"}
SUPPORT = ("supports", "firmly_supports")
#: A source with fewer events of the supporter than this in a claim's window is thin there:
#: its count is NULL (listed in the note), never 0.
MIN_SUPPORTER_EVENTS = 50
#: ... and fewer than this many per day of the window (a sample, not the record).
MIN_SUPPORTER_EVENTS_PER_DAY = 0.5
#: Claims of the same supporter, issue and stance dated up to this many days apart are one.
MERGE_DAYS = 1
#: Support for a *process* (talks, dialogue, a peace conference, de-escalation, a political
#: settlement) is not support for the other side's position on its core issue: "China supports
#: Russia and Ukraine solving the problem through negotiation" backs talks, not Russia. Such a
#: claim counts only if it also names a stake of the supported side (its position, interests,
#: security, sovereignty, efforts, measures).
PROCESS_CUES = re.compile(
    r"negotiat|\btalks\b|dialogue|peace (?:conference|process|talks|summit)|de-?escalat|"
    r"cease-?fire|(?:political|diplomatic|peaceful) (?:settlement|solution|resolution)|"
    r"mediat|переговор|диалог|мирн\w* (?:конференц|процесс|урегулирован|переговор)|"
    r"деэскалац|прекращени\w* огня|политико-дипломатическ|урегулировани\w* путем|"
    r"谈判|对话|和谈|和会|缓和|停火|政治解决|劝和促谈|和平解决|斡旋", re.IGNORECASE)
STAKE_CUES = re.compile(
    r"position|stance|interest|security|sovereignt|territorial integrity|efforts?\b|"
    r"measures|actions|позици|интерес|безопасност|суверенитет|территориальн|усили|"
    r"мер[ыау]|действи|立场|利益|安全|主权|领土完整|努力|举措|措施|行动", re.IGNORECASE)


def supports_a_process(text: str) -> bool:
    """True when a claim of support backs a process (talks, dialogue, a peace conference,
    de-escalation…) and names no stake of a side (:data:`PROCESS_CUES`,
    :data:`STAKE_CUES`); en, ru, zh."""
    return bool(PROCESS_CUES.search(text)) and not STAKE_CUES.search(text)


def support_claims(store: Store, a: str, b: str, core: dict[str, dict[str, list[str]]]
                   ) -> list[dict[str, Any]]:
    """Claims of support on the other side's core issues in the pair's stored texts."""
    from bilat.text.claims import extract_claims
    from bilat.text.documents import get_document
    from bilat.text.lexicon import load_lexicon

    if not store.has_table("documents"):
        return []
    docs = store.con.execute(
        "SELECT doc_id, sha256, side, date, kind, parties, event FROM documents "
        "WHERE kind IN ('readout', 'statement') ORDER BY date, doc_id").df()
    lex = load_lexicon()
    out = []
    for r in docs.itertuples():
        parties = set(r.parties) if r.parties is not None else set()
        if not ({a, b} <= parties or (r.side in (a, b) and not parties)):
            continue
        doc = get_document(store, r.doc_id)
        for c in extract_claims(doc, lex):
            if c.stance not in SUPPORT or c.negated or supports_a_process(c.text):
                continue
            supporter = c.speaker_side if c.speaker_side in (a, b) else None
            if supporter is None:
                continue
            supported = b if supporter == a else a
            issues = {ALIASES.get(i, i) for i in c.issues} & set(core.get(supported, {}))
            for issue in sorted(issues):
                out.append({"doc_id": c.doc_id, "sha256": r.sha256, "start": c.start,
                            "end": c.end, "text": c.text, "doc_side": r.side, "kind": r.kind,
                            "event": r.event, "date": r.date, "supporter": supporter,
                            "supported": supported, "issue": issue, "stance": c.stance,
                            "claim_id": c.claim_id})
    return out


def _blank(v: Any) -> Any:
    """None for NULL/NaN/empty (never print ``nan``)."""
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        return v
    return None if isinstance(v, str) and not v.strip() else v


def _pair_hashes(store: Store) -> set[str]:
    """Content hashes of the genuine readout pairs (preferred source of a claim)."""
    try:
        from bilat.sources.readout_pairs import KIND

        log = store.ingest_log(KIND)
    except Exception:  # noqa: BLE001 - no ingest log: no genuine pair
        return set()
    return set(log["sha256"]) if len(log) else set()


def dedupe_claims(claims: list[dict[str, Any]], genuine: set[str], pairs: set[str]
                  ) -> list[dict[str, Any]]:
    """One claim per (date, supporter, issue, stance): the same claim found in several stored
    texts (a genuine readout pair and a corpus copy of the same day, or of the next day's
    broadcast: dates up to :data:`MERGE_DAYS` after the first are one claim) is counted once.

    The row kept is, in order of preference, from a genuine readout pair (hash in ``pairs``),
    from another verified original (hash in ``genuine``), then the first stored; every text it
    was found in is listed in ``sources`` (doc id, offsets, side, kind, verified), and
    ``n_sources`` counts them."""
    keyed: dict[tuple[Any, ...], list[tuple[Any, dict[str, Any]]]] = {}
    for c in claims:
        day = None if _blank(c.get("date")) is None else pd.Timestamp(c["date"]).date()
        keyed.setdefault((c["supporter"], c["issue"], c["stance"]), []).append((day, c))
    clusters: list[list[dict[str, Any]]] = []
    for items_ in keyed.values():
        dated = sorted((x for x in items_ if x[0] is not None), key=lambda x: x[0])
        clusters += [[c] for d, c in items_ if d is None]
        start = None
        for day, c in dated:
            # the same claim reported the next day (a broadcast of the day's talks) is one claim
            if start is None or (day - start).days > MERGE_DAYS:
                clusters.append([])
                start = day
            clusters[-1].append(c)
    out = []
    for items in clusters:
        def pref(c: dict[str, Any]) -> int:
            return 0 if c["sha256"] in pairs else 1 if c["sha256"] in genuine else 2
        best = dict(min(items, key=pref))
        best["event"] = _blank(best.get("event"))
        best["sources"] = [{"doc_id": c["doc_id"], "start": int(c["start"]),
                            "end": int(c["end"]), "side": _blank(c.get("doc_side")),
                            "kind": _blank(c.get("kind")), "event": _blank(c.get("event")),
                            "verified": c["sha256"] in genuine,
                            "genuine_pair": c["sha256"] in pairs}
                           for c in sorted(items, key=pref)]
        best["n_sources"] = len(items)
        out.append(best)
    return out


def _events_on(store: Store, supporter: str, supported: str, country: str | None, when: Any,
               window_days: int) -> dict[str, Any]:
    """Events within ±window_days of ``when`` between the supporter and ``country`` (either
    direction), or between the two sides with the action in ``country``, per event source
    (canonical view :func:`bilat.indicators.events.event_records`; GDELT, ICEWS … counted
    apart, never summed);
    NULL when no source holds any event for the window."""
    from bilat.indicators import events

    if country is None:
        return {"events": None, "note": "the issue has no country to match events on"}
    if when is None or pd.isna(when):
        return {"events": None, "note": "the claim's document has no date"}
    day = pd.Timestamp(when).date()
    lo, hi = day - timedelta(days=window_days), day + timedelta(days=window_days)
    try:
        t = events.event_records(store)
    except Exception:  # noqa: BLE001 - no event data at all
        return {"events": None, "note": "no event data in the store"}
    w = t.filter((t.event_date >= lo) & (t.event_date <= hi))
    held = w.group_by("source").aggregate(n=w.count()).to_pandas()
    if not len(held) or held["n"].sum() == 0:
        return {"events": None, "note": f"no event source holds events for {lo}…{hi}"}
    x1, x2 = w.actor1_iso3, w.actor2_iso3
    a, b = supporter, supported
    side = (x1 == a) & (x2 == country) | (x2 == a) & (x1 == country)
    pair_there = ((x1 == a) & (x2 == b) | (x1 == b) & (x2 == a)) & (w.action_iso3 == country)
    hit = w.filter(side | pair_there).select("source", "event_id", "quad_class")
    df = hit.to_pandas()
    by_src = {str(r.source): int(r.n) for r in held.itertuples()}
    ws = w.filter((x1 == a) | (x2 == a))
    own = ws.group_by("source").aggregate(n=ws.count()).to_pandas()
    of_sup = {str(r.source): int(r.n) for r in own.itertuples()}
    found = df.groupby("source").size().to_dict() if len(df) else {}
    # a source holding too few events of the supporter in the window says nothing: NULL, not 0
    need = max(MIN_SUPPORTER_EVENTS, MIN_SUPPORTER_EVENTS_PER_DAY * (2 * window_days + 1))
    per: dict[str, int | None] = {
        src: (int(found.get(src, 0)) if of_sup.get(src, 0) >= need else None)
        for src in by_src}
    text = "; ".join(
        f"{src}: {per[src]} of {of_sup.get(src, 0):,} events of {a} held" if per[src] is not None
        else f"{src}: thin, not counted (only {of_sup.get(src, 0):,} events of {a} of "
             f"{by_src[src]:,} held; {need:,.0f} needed)" for src in by_src)
    if all(v is None for v in per.values()):
        return {"events": None, "by_quad": {}, "event_ids": [],
                "note": f"{lo}…{hi}: {text}"}
    per = {k: v for k, v in per.items() if v is not None}
    return {"events": per, "by_quad": df.groupby("quad_class").size().to_dict() if len(df)
            else {}, "event_ids": [str(v) for v in df["event_id"].head(50)],
            "note": f"{lo}…{hi}: {text}"}


def table(store: Store, a: str, b: str, *, votes_list: pd.DataFrame | None,
          core: dict[str, dict[str, list[str]]], genuine: set[str],
          window_days: int = 365) -> pd.DataFrame:
    """The words-against-deeds table: one row per claim of support and issue (see module),
    the same claim in several texts counted once (:func:`dedupe_claims`)."""
    from bilat.assess.evidence import core_issue_votes
    from bilat.text.lexicon import load_lexicon

    claims = dedupe_claims(support_claims(store, a, b, core), genuine, _pair_hashes(store))
    lex = load_lexicon()
    cv = None
    if votes_list is not None and len(votes_list):
        cv = core_issue_votes(votes_list, [a, b], core)
    rows = []
    for c in claims:
        row = dict(c)
        row["date"] = None if c["date"] is None or pd.isna(c["date"]) else \
            pd.Timestamp(c["date"]).date().isoformat()
        row["verified"] = c["sha256"] in genuine or any(
            x["verified"] for x in c.get("sources", []))
        if cv is None:
            row.update(votes=None, with_=None, apart=None, backed_share=None, symbols_apart="",
                       votes_note="no UN votes in the store")
        else:
            v = cv[(cv["core_of"] == c["supported"]) & (cv["core_issue"] == c["issue"])]
            # vote_a is A's vote: pick supporter/supported columns by side
            sup = v["vote_a"] if c["supporter"] == a else v["vote_b"]
            oth = v["vote_b"] if c["supporter"] == a else v["vote_a"]
            with_ = int((sup == oth).sum())
            apart = int((sup != oth).sum())
            row.update(votes=len(v), with_=with_, apart=apart,
                       backed_share=(with_ / (with_ + apart)) if with_ + apart else None,
                       symbols_apart=", ".join(
                           f"{s} ({c['supporter']} {x}, {c['supported']} {y})"
                           for s, x, y in zip(v["symbol"][sup != oth], sup[sup != oth],
                                              oth[sup != oth], strict=True))[:600],
                       votes_note="" if len(v) else "no recorded GA vote names this issue "
                       "in the years held")
        country = lex.country(c["issue"]) if c["issue"] in lex.issues else None
        if c["issue"] == "ukraine":
            country = "UKR"
        ev = _events_on(store, c["supporter"], c["supported"], country, c["date"], window_days)
        row.update(events=ev.get("events"), events_by_quad=ev.get("by_quad", {}),
                   event_ids=ev.get("event_ids", []), events_note=ev.get("note", ""))
        rows.append(row)
    cols = ["date", "supporter", "supported", "issue", "stance", "text", "doc_id", "start", "end",
            "doc_side", "kind", "event", "verified", "votes", "with_", "apart", "backed_share",
            "symbols_apart", "votes_note", "events", "events_by_quad", "event_ids",
            "events_note", "claim_id", "n_sources", "sources"]
    df = pd.DataFrame(rows, columns=cols)
    return df.rename(columns={"with_": "votes_with"})


__all__ = ["ALIASES", "SUPPORT", "dedupe_claims", "support_claims", "table"]
