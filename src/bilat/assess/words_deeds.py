"""Words against deeds: each claim of support set beside behaviour on the same issue.

A *claim of support* is a claim (:mod:`bilat.text.claims`) in a stored readout or joint
statement of the pair whose stance is ``supports`` or ``firmly_supports`` (not negated), whose
speaker is one side of the pair (the *supporter*; the other side is the *supported*), and which
names one of the supported side's core issues (``bilat/reference/data/core_issues.toml``;
the lexicon's ``crimea`` is counted as Russia's ``ukraine`` issue). For each such claim:

- **UN votes on the issue**: the General Assembly roll calls on that core issue of the supported
  side (titles matched by :func:`bilat.assess.evidence.core_issue_votes`) in the report's years,
  with how often the supporter voted *with* the supported side (identical votes) and *apart*,
  and the symbols of the votes apart; ``backed_share = with / (with + apart)``.
- **Events on it**: the event records within ±``window_days`` of the claim's date between
  the supporter and the issue's country (lexicon ``country``), or between the two sides with the
  action located there (the canonical event view of :mod:`bilat.indicators.events`), per
  source (never summed), by quad class, with the event ids; NULL (not 0) when no source holds
  any event for that window.

The claim keeps its document id and character offsets; a claim from a text that is not a
verified original (see :mod:`bilat.sources.readout_pairs`) is flagged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd

from bilat.store import Store

#: Lexicon issue keys counted as another core-issue key.
ALIASES = {"crimea": "ukraine"}
SUPPORT = ("supports", "firmly_supports")


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
            if c.stance not in SUPPORT or c.negated:
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
    found = df.groupby("source").size().to_dict() if len(df) else {}
    per = {src: int(found.get(src, 0)) for src in by_src}
    text = "; ".join(f"{src}: {per[src]} of {by_src[src]:,} events held" for src in by_src)
    return {"events": per, "by_quad": df.groupby("quad_class").size().to_dict() if len(df)
            else {}, "event_ids": [str(v) for v in df["event_id"].head(50)],
            "note": f"{lo}…{hi}: {text}"}


def table(store: Store, a: str, b: str, *, votes_list: pd.DataFrame | None,
          core: dict[str, dict[str, list[str]]], genuine: set[str],
          window_days: int = 365) -> pd.DataFrame:
    """The words-against-deeds table: one row per claim of support and issue (see module)."""
    from bilat.assess.evidence import core_issue_votes
    from bilat.text.lexicon import load_lexicon

    claims = support_claims(store, a, b, core)
    lex = load_lexicon()
    cv = None
    if votes_list is not None and len(votes_list):
        cv = core_issue_votes(votes_list, [a, b], core)
    rows = []
    for c in claims:
        row = dict(c)
        row["date"] = None if c["date"] is None or pd.isna(c["date"]) else \
            pd.Timestamp(c["date"]).date().isoformat()
        row["verified"] = c["sha256"] in genuine
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
            "events_note", "claim_id"]
    df = pd.DataFrame(rows, columns=cols)
    return df.rename(columns={"with_": "votes_with"})


__all__ = ["ALIASES", "SUPPORT", "support_claims", "table"]
