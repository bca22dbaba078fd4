"""UN votes: chance-corrected affinity, ideal points, Security Council vetoes, core-issue splits.

What this module answers, and the public functions the CLI and the partnership report call:

- :func:`affinity` — kappa, pi and S first, agreement beside (``agree``: abstention as half,
  Voeten; ``agree_exact``: the share of identical votes), per year, session (text:
  ``ES-10`` stays ``ES-10``; sessions in time order), issue (column ``issue``, full names) or
  period, with reference dyads, ``n`` and a ``low_n`` flag; :func:`affinity_by_year` adds each
  dyad's percentile among all dyads of the year (the report's figure).
- :func:`idealpoints` — the distance between two states' ideal points per year (Bailey,
  Strezhnev & Voeten 2017; Voeten's published estimates to 2024, labelled as such) with
  yardsticks and percentiles; :func:`idealpoint_distances` for every dyad and year;
  :func:`idealpoint_states` per state.
- :func:`vetoes`, :func:`joint_vetoes`, :func:`sc_votes` — Security Council vetoes (to July
  2022) and the pair's votes on adopted resolutions.
- :func:`divergent` and :func:`core_issue_votes` — where the pair split, first on either
  side's core issues (:func:`load_core_issues`, a shipped, user-extendable mapping), and where
  the partner stood with it; :func:`search` by words or symbol.
- :func:`merged`, :func:`source_disagreements`, :func:`coverage` — the record all of these
  read: the unvotes/Voeten roll calls and the UN Digital Library scrape merged so that a roll
  call held by both counts once (provenance kept; where a state's vote differs, listed), and
  what it covers.

Equal by construction, shown once: the State Department's ``coincidence`` is ``agree``
(abstention as half agreement, absences excluded) and ``coincidence_yn`` is ``agree_yn``;
``method="all"`` shows ``agree``/``agree_yn`` only (``method="coincidence"`` names them so).
``s`` is ``2·agree − 1`` (a rescaling, kept because the field reports it).

Every index is computed from the 3 × 3 table of a dyad's *common recorded votes*: roll calls on
which both states voted yes, no or abstain (absences and non-membership are excluded, as in all
the indices below). Votes are placed on the 3-point scale yes = 1, abstain = ½, no = 0
(stored as ``vote_num`` 2/1/0). Write ``n`` for the number of common votes, ``d_k`` for the
distance between the two votes on roll call ``k`` (0, ½ or 1), ``p_i``/``q_j`` for the
shares of A's and B's votes in category i/j and ``n_ij`` for the cells.

``agree`` (abstention as half agreement; Lijphart 1963, Voeten 2000)
    ``1 − Σ d_k / n``: identical votes score 1, an abstention against a yes or no ½, yes
    against no 0. Identical to the State Department's post-2018 coincidence below.
``agree_exact``
    ``Σ n_ii / n``: share of identical votes (abstention is a category of its own).
``agree_yn`` (abstentions excluded)
    identical yes/no votes ÷ votes where both voted yes or no (undefined if there are none).
``coincidence`` (US State Department, *Voting Practices in the United Nations*)
    From 2018: ``(same + partial / 2) / (same + opposite + partial)``, where *same* counts
    identical votes (joint abstentions included: every row of the 2018/2019 tables sums to the
    year's roll-call count), *partial* an abstention against a yes or no, absences excluded —
    algebraically equal to ``agree``. The 2013–2017 important-votes tables use
    ``same / (same + opposite)`` (``coincidence_yn``; = ``agree_yn``).
``s`` (Signorino & Ritter 1999, "Tau-b or not tau-b", *ISQ* 43(1): 115–144)
    ``S = 1 − 2 · Σ d_k / (n · d_max)`` with absolute distance and ``d_max = 1``: ranges −1
    (always opposite) to 1 (always identical); ``s = 2·agree − 1``.
``s2``
    The same with squared distance: ``S = 1 − 2 · Σ d_k² / (n · d_max²)``.
``kappa`` (Cohen 1960, *Educational and Psychological Measurement* 20: 37–46)
    ``(p_o − p_e) / (1 − p_e)`` with ``p_o = Σ n_ii / n`` and ``p_e = Σ p_i q_i``: agreement
    beyond what the two states' own vote distributions give by chance.
``pi`` (Scott 1955, *Public Opinion Quarterly* 19: 321–325)
    as kappa with ``p_e = Σ ((p_i + q_i) / 2)²`` (one pooled distribution).
``kappa_w``, ``pi_w`` (Häge 2011, "Choice or circumstance? Adjusting measures of foreign
policy similarity for chance agreement", *Political Analysis* 19(3): 287–305)
    chance-corrected S: ``1 − D_o / D_e`` with ``D_o = Σ d_k / n`` and ``D_e = Σ_ij w_ij ·
    p_i q_j`` (kappa) or ``Σ_ij w_ij m_i m_j``, ``m = (p + q) / 2`` (pi), ``w_ij = |i − j|`` on
    the 0–1 scale. Häge shows S and agreement rates are inflated when both states vote yes on
    most resolutions; these are not substitutable with the uncorrected indices.

"Raw agreement" in the affinity literature is ``agree_exact`` (the share of identical votes,
kappa's ``p_o``); ``agree`` gives an abstention against a yes or no half credit and reads
0.07–0.10 higher for most dyads (RUS–CHN 1992–2019: 0.83 against 0.71). Labels say which.

Undefined values are NaN with a reason in ``note``: no common votes (``n = 0``); the
chance-corrected indices when both states cast the same single category on every common vote
(``p_e = 1``: no variation to correct for, e.g. two states that only ever voted yes).

The share of resolutions adopted *without a vote* needs a source that records such adoptions:
the UN Digital Library exports (``modality``) do; the unvotes/Voeten data hold recorded votes
only, so ``share_without_vote`` is NaN for them, and says so in ``note``.

All aggregation runs as Ibis expressions (DuckDB here; the same expressions compile for other
Ibis backends). A dyad's figures come from a self-join of ``un_votes`` on ``vote_id`` grouped
by period, which keeps the vote ids behind every figure. All pairs at once (:func:`dyads`,
:func:`nearest`, :func:`matrix`) use the same self-join on bit masks of 63 roll calls
(:func:`_block_counts`): identical counts — a test checks them against the vote-level join —
for the full 1946–2020 record (834,014 dyad-years) in a few seconds on two cores.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import numpy as np
import pandas as pd

from bilat.errors import error
from bilat.sources.unvotes import ISSUES, read_statedept_coincidence
from bilat.store import Store

#: Method names accepted by :func:`affinity` and the CLI, and the columns each shows
#: (chance-corrected first). ``coincidence`` equals ``agree`` and ``coincidence_yn`` equals
#: ``agree_yn`` by construction (module docstring): ``all`` shows each index once.
METHODS: dict[str, tuple[str, ...]] = {
    "kappa": ("kappa", "kappa_w"),
    "pi": ("pi", "pi_w"),
    "s": ("s",),
    "s2": ("s2",),
    "agreement": ("agree", "agree_exact", "agree_yn"),
    "coincidence": ("coincidence", "coincidence_yn"),
}
METHODS["all"] = ("kappa", "pi", "s", "kappa_w", "pi_w", "s2", "agree", "agree_exact",
                  "agree_yn")
#: Grouping choices for :func:`affinity` and :func:`dyads`.
BY = ("year", "session", "issue", "period")
_NEXT = "bilat fetch unvotes"
#: A figure on fewer common votes than this carries ``low_n = True``.
LOW_N = 20

COUNT_COLS = ("n", "same", "partial", "opposite", "both_abstain", "a_yes", "a_abstain", "a_no",
              "b_yes", "b_abstain", "b_no")
INDEX_COLS = tuple(dict.fromkeys(c for cols in METHODS.values() for c in cols))
#: Label of roll calls without an issue code in ``--by issue`` tables.
UNCODED = "Not coded (no issue code in the source)"


# ----------------------------------------------------------------------------- options
def parse_years(value: str | Sequence[int] | int | None) -> tuple[int, int] | None:
    """The inclusive (first, last) years of ``value``: ``"2010-2019"`` → (2010, 2019),
    ``"2014"`` or ``2014`` → (2014, 2014), ``(2010, 2019)`` → (2010, 2019); None → None (all
    years). E212 when it is not a year or a range, E224 when the range is reversed
    (``"2019-2010"``)."""
    from bilat.periods import year_range

    return year_range(value, malformed="E212", reversed_code="E224")


def _state(value: str) -> str:
    from bilat.reference.countries import require_iso3

    return require_iso3(value, "auto")


def _check_issue(issue: str | None) -> str | None:
    if issue is None or issue == "":
        return None
    key = issue.strip().lower()
    if key not in ISSUES:
        raise error("E211", value=issue, options=", ".join(f"{k} ({v})" for k, v in ISSUES.items()))
    return key


def _check_method(method: str) -> tuple[str, ...]:
    if method not in METHODS:
        raise error("E213", value=method, options=", ".join(METHODS))
    return METHODS[method]


def _check_by(by: str) -> str:
    if by not in BY:
        raise error("E012", value=by, option="by= (--by)", options=", ".join(BY))
    return by


# ----------------------------------------------------------------------------- merged record
#: Store tables of the UN Digital Library scrape (:mod:`bilat.sources.undl_scrape`).
SCRAPE_TABLE = "undl_scrape_votes"
#: Per-connection tables holding the merged record (never stored).
MERGED_ROLLCALLS = "_bilat_rollcalls"
MERGED_VOTES = "_bilat_votes"
MERGED_DISAGREE = "_bilat_disagree"
#: Offset of UN Digital Library record numbers in ``vote_id`` (as in bilat.sources.unvotes).
UNDL_OFFSET = 10**15
_RC_COLS: dict[str, str] = {
    "vote_id": "BIGINT", "rcid": "BIGINT", "undl_id": "BIGINT", "body": "VARCHAR",
    "date": "DATE", "year": "INTEGER", "session": "VARCHAR", "symbol": "VARCHAR",
    "unres": "VARCHAR", "title": "VARCHAR", "descr": "VARCHAR", "agenda": "VARCHAR",
    "subjects": "VARCHAR", "issues": "VARCHAR[]", "important": "BOOLEAN", "amend": "BOOLEAN",
    "para": "BOOLEAN", "modality": "VARCHAR", "total_yes": "INTEGER", "total_no": "INTEGER",
    "total_abstain": "INTEGER", "total_nonvoting": "INTEGER", "url": "VARCHAR",
    "source": "VARCHAR",
}


def _exists(store: Store, name: str) -> bool:
    rows = store.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return bool(rows and rows[0][0])


def _columns(store: Store, name: str) -> set[str]:
    rows = store.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [name]
    ).fetchall()
    return {r[0] for r in rows}


def _signature(store: Store) -> tuple[Any, ...]:
    log = store.con.execute("SELECT count(*), max(ingested_at) FROM ingest_log").fetchall()[0]
    return (tuple(log), _exists(store, "un_rollcalls"), _exists(store, "un_votes"),
            _exists(store, SCRAPE_TABLE))


#: Two records of one roll call may differ on this many states' votes (at most; or 2 %), the
#: sources' own disagreements (:func:`source_disagreements`); separate votes filed under one
#: symbol with the same tally differ on far more.
SAME_VOTES_TOLERANCE = (2, 0.02)


def _bare(key: str) -> str:
    """A resolution key without its part letter (``37/120K`` → ``37/120``)."""
    return re.sub(r"[A-Z]+$", "", key)


def _same_rollcall(store: Store, s: pd.DataFrame, u: pd.DataFrame, counted: pd.DataFrame,
                   linked: set[int]) -> pd.DataFrame:
    """Scrape records that are a stored roll call by symbol, tally and state votes, dates aside.

    Voeten's dates are approximate (often the first day of the meeting's week or month; the
    Library gives the day of adoption) and his ``para``/``amend`` flags are unreliable in the
    1970s–80s, so neither may keep two copies of one roll call apart. A pair is one roll call
    when (a) the resolution keys agree with any part letter set aside (``37/120K`` =
    ``37/120K``, ``29/3349`` = ``29/3349C``, and letters the two sources assign differently,
    as in 26/2775), (b) the counted yes/no/abstain of the stored roll call equal the scrape's
    totals exactly and (c) where both record states' votes, they differ on at most
    :data:`SAME_VOTES_TOLERANCE` of the states both record (yes/no/abstain). Separate votes
    filed under one symbol (paragraph votes, lettered sections, revotes) fail (b) or (c).
    Each stored roll call is first matched to one record, preferring the same letter, then the
    fewest differing votes, then the nearest date. A further record with the same symbol (the
    same letter, or a letter on one side only), tally and votes is the same roll call
    published again and is linked to it as well (so it never enters the merged record a second
    time), as is one whose roll call is already ``linked`` by record number. Two records the
    Library files under *different* letters of one resolution (``50/38[A]``, ``50/38[B]``)
    are sections voted separately even when their votes are identical: the second is not
    folded into a roll call the first already stands for. Columns ``undl_id``, ``vote_id``,
    ``link``.
    """
    cols = {"undl_id": pd.Series(dtype="int64"), "vote_id": pd.Series(dtype="int64"),
            "link": pd.Series(dtype=str)}
    s = s[s["key"].notna()]
    u = u[u["key"].notna()]
    if not len(s) or not len(u):
        return pd.DataFrame(cols)
    c = s.assign(bkey=s["key"].map(_bare)).merge(
        u[["vote_id", "body", "key", "date"]].assign(bkey=u["key"].map(_bare)).merge(
            counted, on="vote_id"),
        on=["bkey", "body"], suffixes=("", "_u"))
    c = c[(c["ty"] == c["uy"]) & (c["tn"] == c["un"]) & (c["ta"] == c["ua"])]
    if not len(c):
        return pd.DataFrame(cols)
    con = store.con
    con.register("_bilat_same_df", c[["undl_id", "vote_id"]])
    try:
        votes = con.execute(
            f"""SELECT c.undl_id, c.vote_id, count(*) AS n_common,
                       sum(CASE WHEN a.vote <> b.vote THEN 1 ELSE 0 END) AS n_diff
                FROM _bilat_same_df c
                JOIN {SCRAPE_TABLE} a ON a.undl_id = c.undl_id
                JOIN un_votes b ON b.vote_id = c.vote_id AND b.iso3 = a.iso3
                WHERE a.vote IN ('yes', 'no', 'abstain') AND b.vote IN ('yes', 'no', 'abstain')
                GROUP BY ALL""").df()
    finally:
        con.unregister("_bilat_same_df")
    c = c.merge(votes, on=["undl_id", "vote_id"], how="left").fillna(
        {"n_common": 0, "n_diff": 0})
    most, share = SAME_VOTES_TOLERANCE
    c = c[c["n_diff"] <= np.maximum(most, share * c["n_common"])]
    gap = (pd.to_datetime(c["date"]) - pd.to_datetime(c["date_u"])).abs().dt.days
    c = c.assign(_letter=(c["key"] != c["key_u"]).astype(int), _gap=gap.fillna(99999))
    c = c.sort_values(["_letter", "n_diff", "_gap", "undl_id", "vote_id"])
    first: dict[int, int] = {}
    taken = set(linked)
    for undl_id, vote_id in zip(c["undl_id"], c["vote_id"], strict=True):
        if undl_id not in first and vote_id not in taken:
            first[undl_id] = vote_id
            taken.add(vote_id)
    again = c[~c["undl_id"].isin(first)
              & ((c["key"] == c["key_u"]) | (c["key"] == c["bkey"]) | (c["key_u"] == c["bkey"]))
              ].drop_duplicates("undl_id")
    return pd.concat(
        [pd.DataFrame({"undl_id": list(first), "vote_id": list(first.values()),
                       "link": "resolution symbol and tally"}),
         pd.DataFrame({"undl_id": again["undl_id"], "vote_id": again["vote_id"],
                       "link": "resolution symbol and tally (published again)"})],
        ignore_index=True).astype({"undl_id": "int64", "vote_id": "int64"})


def _link(store: Store) -> pd.DataFrame:
    """Which scrape records are roll calls the unvotes/Voeten/UNDL tables already hold.

    Matched, in this order: (1) the same UN Digital Library record number (UNDL exports
    stored by :mod:`bilat.sources.unvotes`); (2) the same resolution symbol (part letter
    aside), the same yes/no/abstain tally exactly and the same state votes, whatever the dates
    and Voeten's ``para``/``amend`` flags say (:func:`_same_rollcall`); (2') the same
    resolution symbol, read into one
    canonical key (``A/RES/1004(ES-II)`` = ``R/ES-2/1004``…; :func:`bilat.sources.undl_scrape.
    parse_symbol`), against final-passage roll calls only (not amendment or paragraph votes),
    whose counted yes/no/abstain agree with the scrape's totals within 15 % of the votes cast
    (a procedural vote filed under the resolution's symbol is a different roll call; among
    several, the closest tally, then the nearest date); (2b) the same with a part letter set
    aside (``66/253`` = ``66/253A``) within 31 days; (3) for roll calls whose symbol cannot be
    read: the same body, date and tally. Columns: ``undl_id``, ``vote_id``, ``link``,
    ``title_undl``.
    """
    from bilat.sources.undl_scrape import parse_symbol, unres_key

    con = store.con
    empty = pd.DataFrame({"undl_id": pd.Series(dtype="int64"),
                          "vote_id": pd.Series(dtype="int64"), "link": pd.Series(dtype=str),
                          "title_undl": pd.Series(dtype=str)})
    if not (_exists(store, "un_rollcalls") and _exists(store, "un_votes")
            and _exists(store, SCRAPE_TABLE)):
        return empty
    s = con.execute(
        f"""SELECT undl_id, any_value(body) AS body, any_value(symbol) AS symbol,
                  any_value(date) AS date, any_value(title) AS title,
                  any_value(total_yes) AS ty,
                  any_value(total_no) AS tn, any_value(total_abstain) AS ta
           FROM {SCRAPE_TABLE} GROUP BY undl_id"""
    ).df()
    cols = _columns(store, "un_rollcalls")
    sel = ", ".join(c if c in cols else f"NULL AS {c}"
                    for c in ("vote_id", "undl_id", "body", "symbol", "unres", "amend", "para",
                              "date"))
    u = con.execute(f"SELECT {sel} FROM un_rollcalls").df()
    # each stored roll call's counted yes/no/abstain: a match must agree with the scrape's
    # totals (a procedural vote filed under the resolution's symbol does not)
    tally = con.execute(
        """SELECT r.vote_id, any_value(r.body) AS body, any_value(r.date) AS date,
                  sum(CASE WHEN v.vote = 'yes' THEN 1 ELSE 0 END) AS uy,
                  sum(CASE WHEN v.vote = 'no' THEN 1 ELSE 0 END) AS un,
                  sum(CASE WHEN v.vote = 'abstain' THEN 1 ELSE 0 END) AS ua
           FROM un_rollcalls r JOIN un_votes v USING (vote_id) GROUP BY r.vote_id"""
    ).df()
    for c in ("uy", "un", "ua"):
        tally[c] = tally[c].astype("int64")
    for c in ("ty", "tn", "ta"):
        s[c] = s[c].astype("int64")
    counted = tally[["vote_id", "uy", "un", "ua"]]

    def close(c: pd.DataFrame) -> pd.DataFrame:
        """Candidates whose tallies agree within 15 % of the votes cast (at least 2)."""
        c = c.merge(counted, on="vote_id", how="left").fillna({"uy": 0, "un": 0, "ua": 0})
        td = (c["ty"] - c["uy"]).abs() + (c["tn"] - c["un"]).abs() + (c["ta"] - c["ua"]).abs()
        cast = c["ty"] + c["tn"] + c["ta"]
        return c.assign(_td=td)[td <= np.maximum(2, 0.15 * cast)]

    out = []
    # (1) record number
    rec = s.merge(u.dropna(subset=["undl_id"]).astype({"undl_id": "int64"}),
                  on="undl_id", suffixes=("", "_u"))
    if len(rec):
        out.append(rec[["undl_id", "vote_id"]].assign(link="record number"))
    done = set(rec["undl_id"])

    def sc_key(x: Any) -> str | None:
        return re.sub(r"\s+", "", x).upper() if isinstance(x, str) and x.strip() else None

    s = s.assign(key=[(parse_symbol(y) or (None, None))[1] if b == "GA" else sc_key(y)
                      for b, y in zip(s["body"], s["symbol"], strict=True)])
    u = u.assign(key=[(unres_key(x) or unres_key(y)) if b == "GA" else sc_key(y)
                      for b, x, y in zip(u["body"], u["unres"], u["symbol"], strict=True)])
    # (2) symbol and the same tally and state votes, whatever the dates say
    same = _same_rollcall(store, s[~s["undl_id"].isin(done)], u, counted,
                          set(rec["vote_id"]))
    if len(same):
        out.append(same)
        done |= set(same["undl_id"])
    # (2') symbol key, tallies within 15 %
    final = u[~(u["amend"].fillna(False).astype(bool) | u["para"].fillna(False).astype(bool))]
    cand = s[~s["undl_id"].isin(done) & s["key"].notna()].merge(
        final.dropna(subset=["key"]).loc[lambda f: ~f["vote_id"].isin(same["vote_id"]),
                                         ["key", "vote_id", "body", "date"]],
        on=["key", "body"], suffixes=("", "_u"))
    if len(cand):
        gap = (pd.to_datetime(cand["date"]) - pd.to_datetime(cand["date_u"])).abs()
        cand = close(cand.assign(_gap=gap.dt.days.fillna(99999))).sort_values(
            ["undl_id", "_td", "_gap", "vote_id"]).drop_duplicates("undl_id")
        out.append(cand[["undl_id", "vote_id"]].assign(link="resolution symbol"))
        done |= set(cand["undl_id"])
    # (2b) the same resolution written with and without a part letter (66/253 = 66/253A),
    # within 31 days, each side used once
    used = (set(cand["vote_id"]) if len(cand) else set()) | set(same["vote_id"])
    s2 = s[~s["undl_id"].isin(done) & s["key"].notna()]
    f2 = final.dropna(subset=["key"])
    f2 = f2[~f2["vote_id"].isin(used)]
    if len(s2) and len(f2):
        bare = lambda k: re.sub(r"[A-Z]+$", "", k)  # noqa: E731
        c2 = s2.assign(bkey=s2["key"].map(bare)).merge(
            f2.assign(bkey=f2["key"].map(bare))[["bkey", "vote_id", "body", "date"]],
            on=["bkey", "body"], suffixes=("", "_u"))
        if len(c2):
            gap = (pd.to_datetime(c2["date"]) - pd.to_datetime(c2["date_u"])).abs().dt.days
            c2 = close(c2.assign(_gap=gap.fillna(99999)))
            c2 = c2[c2["_gap"] <= 31].sort_values(["_td", "_gap", "undl_id", "vote_id"])
            c2 = c2.drop_duplicates("undl_id").drop_duplicates("vote_id")
            if len(c2):
                out.append(c2[["undl_id", "vote_id"]].assign(link="resolution symbol, part "
                                                                  "letter aside"))
                done |= set(c2["undl_id"])
    # (3) date and tally, for roll calls without a readable symbol
    left = s[~s["undl_id"].isin(done)]
    if len(left):
        keyed = set(final.dropna(subset=["key"])["vote_id"])
        free = tally[~tally["vote_id"].isin(keyed)].rename(
            columns={"uy": "ty", "un": "tn", "ua": "ta"})
        m = left.merge(free, on=["body", "date", "ty", "tn", "ta"], suffixes=("", "_u"))
        m = m.sort_values(["undl_id", "vote_id"]).drop_duplicates("undl_id")
        m = m[~m["vote_id"].duplicated()]
        if len(m):
            out.append(m[["undl_id", "vote_id"]].assign(link="date and tally"))
    if not out:
        return empty.assign(title_undl=pd.Series(dtype=str))
    link = pd.concat(out, ignore_index=True).astype({"undl_id": "int64", "vote_id": "int64"})
    return link.merge(s[["undl_id", "title"]].rename(columns={"title": "title_undl"}),
                      on="undl_id", how="left")


def merged(store: Store) -> None:
    """Build the merged UN vote record for this connection (reused until the store changes).

    The unvotes/Voeten/UNDL-export tables (``un_rollcalls``, ``un_votes``, from
    :mod:`bilat.sources.unvotes`) and the UN Digital Library scrape (``undl_scrape_votes``,
    :mod:`bilat.sources.undl_scrape`) hold many of the same roll calls. The merged record
    counts each roll call **once**: a scrape record that matches a stored roll call (see
    :func:`_link`) is not added again — the stored roll call keeps its votes and gains
    ``undl_id`` and ``also_in`` (``undl-scrape record N``) and ``link`` (how it was matched);
    scrape records that match nothing (2020–2021, SC resolutions, GA resolutions the unvotes
    data lacks) are added with ``source = 'undl-scrape'`` and ``vote_id = 10**15 + record``.
    Library records that are one vote published in parts (``A/RES/50/38[B]`` and its
    sections ``[B-I]`` … ``[B-XII]``: same day, same resolution number, identical votes of
    every state) count once, under the shortest symbol.
    Where both sources hold a roll call and a state's recorded vote differs, the unvotes vote
    is used and the difference is listed by :func:`source_disagreements` (``n_disagree`` on
    the roll call counts them). Temporary tables ``_bilat_rollcalls`` and ``_bilat_disagree``
    and view ``_bilat_votes``; nothing stored is changed (works on a read-only store).
    E009 when no vote table is loaded.
    """
    sig = _signature(store)
    if getattr(store, "_bilat_votes_sig", None) == sig and _exists(store, MERGED_ROLLCALLS):
        return
    has_u = sig[1] and sig[2]
    has_s = sig[3]
    if not has_u and not has_s:
        raise error("E009", name="un_votes", next_step=_NEXT)
    con = store.con
    con.execute("SET enable_progress_bar = false")
    link = _link(store)
    con.register("_bilat_link_df", link)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _bilat_link AS SELECT * FROM _bilat_link_df")
    finally:
        con.unregister("_bilat_link_df")
    parts = []
    if has_u:
        have = _columns(store, "un_rollcalls")
        sel = ", ".join(
            (f"CAST(r.{c} AS {t}) AS {c}" if c in have else f"CAST(NULL AS {t}) AS {c}")
            if c != "undl_id" else
            ("CAST(coalesce(r.undl_id, l.undl_id) AS BIGINT) AS undl_id" if c in have
             else "CAST(l.undl_id AS BIGINT) AS undl_id")
            for c, t in _RC_COLS.items())
        parts.append(
            f"""SELECT {sel}, l.also_in, l.link, l.title_undl FROM un_rollcalls r LEFT JOIN (
                    SELECT vote_id, min(undl_id) AS undl_id, any_value(link) AS link,
                           any_value(title_undl) AS title_undl,
                           'undl-scrape record ' || string_agg(CAST(undl_id AS VARCHAR), ', '
                               ORDER BY undl_id) AS also_in
                    FROM _bilat_link GROUP BY vote_id) l ON l.vote_id = r.vote_id""")
    if has_s:
        # one vote published as several library records (A/RES/50/38[B] and its parts
        # [B-I] … [B-XII]: same day, same resolution, identical votes of every state) is one
        # roll call: the shortest symbol stands for the group
        con.execute(
            rf"""CREATE OR REPLACE TEMP TABLE _bilat_scrape_groups AS
                WITH sig AS (
                    SELECT undl_id, any_value(date) AS date, any_value(symbol) AS symbol,
                           bit_xor(hash(iso3 || ':' || vote)) AS sig
                    FROM {SCRAPE_TABLE} GROUP BY undl_id),
                g AS (SELECT *, coalesce(nullif(regexp_extract(symbol,
                                 '^(A/RES/(?:ES-|S-)?\d+/\d+)', 1), ''), symbol,
                                 CAST(undl_id AS VARCHAR)) AS base FROM sig)
                SELECT undl_id, coalesce(CAST(date AS VARCHAR), '') || '|' || base || '|'
                                || sig AS grp,
                       first_value(undl_id) OVER (PARTITION BY date, base, sig
                                                  ORDER BY length(symbol), undl_id) AS rep
                FROM g""")
        held = ("SELECT undl_id FROM _bilat_scrape_groups WHERE undl_id <> rep OR grp IN "
                "(SELECT grp FROM _bilat_scrape_groups WHERE undl_id IN "
                "(SELECT undl_id FROM _bilat_link)) "
                "OR undl_id IN (SELECT undl_id FROM _bilat_link)")
        if has_u:
            held += (f" UNION ALL SELECT vote_id - {UNDL_OFFSET} FROM un_rollcalls "
                     f"WHERE vote_id >= {UNDL_OFFSET}")
        parts.append(
            f"""SELECT CAST({UNDL_OFFSET} + undl_id AS BIGINT) AS vote_id,
                       CAST(NULL AS BIGINT) AS rcid, CAST(undl_id AS BIGINT) AS undl_id,
                       any_value(body) AS body, any_value(date) AS date,
                       CAST(any_value(year) AS INTEGER) AS year,
                       any_value(session) AS session, any_value(symbol) AS symbol,
                       any_value(symbol) AS unres, any_value(title) AS title,
                       CAST(NULL AS VARCHAR) AS descr, CAST(NULL AS VARCHAR) AS agenda,
                       CAST(NULL AS VARCHAR) AS subjects, CAST([] AS VARCHAR[]) AS issues,
                       CAST(NULL AS BOOLEAN) AS important, CAST(NULL AS BOOLEAN) AS amend,
                       CAST(NULL AS BOOLEAN) AS para, 'recorded' AS modality,
                       CAST(any_value(total_yes) AS INTEGER) AS total_yes,
                       CAST(any_value(total_no) AS INTEGER) AS total_no,
                       CAST(any_value(total_abstain) AS INTEGER) AS total_abstain,
                       CAST(any_value(total_nonvoting) AS INTEGER) AS total_nonvoting,
                       any_value(url) AS url, 'undl-scrape' AS source,
                       CAST(NULL AS VARCHAR) AS also_in, CAST(NULL AS VARCHAR) AS link,
                       CAST(NULL AS VARCHAR) AS title_undl
                FROM {SCRAPE_TABLE} WHERE undl_id NOT IN ({held}) GROUP BY undl_id""")
    with store.transaction():
        con.execute(f"CREATE OR REPLACE TEMP TABLE {MERGED_ROLLCALLS} AS "
                    + " UNION ALL ".join(f"({p})" for p in parts))
        vparts = []
        if has_u:
            vparts.append("SELECT vote_id, iso3, vote, CAST(vote_num AS TINYINT) AS vote_num, "
                          "source FROM un_votes")
        if has_s:
            vparts.append(
                f"""SELECT CAST({UNDL_OFFSET} + s.undl_id AS BIGINT) AS vote_id, s.iso3,
                           s.vote, CAST(s.vote_num AS TINYINT) AS vote_num,
                           'undl-scrape' AS source
                    FROM {SCRAPE_TABLE} s SEMI JOIN {MERGED_ROLLCALLS} r
                      ON r.vote_id = {UNDL_OFFSET} + s.undl_id AND r.source = 'undl-scrape'""")
        con.execute(f"CREATE OR REPLACE TEMP VIEW {MERGED_VOTES} AS "
                    + " UNION ALL ".join(f"({p})" for p in vparts))
        if has_u and has_s:
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE {MERGED_DISAGREE} AS
                    WITH u AS (SELECT l.vote_id, l.undl_id, v.iso3, v.vote
                               FROM _bilat_link l JOIN un_votes v ON v.vote_id = l.vote_id
                               WHERE v.vote_num IS NOT NULL),
                         s AS (SELECT l.vote_id, l.undl_id, v.iso3, v.vote
                               FROM _bilat_link l JOIN {SCRAPE_TABLE} v
                                 ON v.undl_id = l.undl_id),
                         j AS (SELECT coalesce(u.vote_id, s.vote_id) AS vote_id,
                                      coalesce(u.undl_id, s.undl_id) AS undl_id,
                                      coalesce(u.iso3, s.iso3) AS iso3,
                                      u.vote AS vote_unvotes, s.vote AS vote_scrape
                               FROM u FULL OUTER JOIN s
                                 ON u.vote_id = s.vote_id AND u.undl_id = s.undl_id
                                AND u.iso3 = s.iso3)
                    SELECT * FROM j
                    WHERE vote_unvotes IS DISTINCT FROM vote_scrape
                      AND NOT (vote_unvotes IS NULL AND vote_scrape = 'absent')""")
        else:
            con.execute(f"""CREATE OR REPLACE TEMP TABLE {MERGED_DISAGREE} (vote_id BIGINT,
                            undl_id BIGINT, iso3 VARCHAR, vote_unvotes VARCHAR,
                            vote_scrape VARCHAR)""")
        con.execute(f"ALTER TABLE {MERGED_ROLLCALLS} ADD COLUMN n_disagree INTEGER")
        con.execute(f"""UPDATE {MERGED_ROLLCALLS} r SET n_disagree = d.n FROM (
                            SELECT vote_id, count(*) AS n FROM {MERGED_DISAGREE}
                            GROUP BY vote_id) d WHERE d.vote_id = r.vote_id""")
    store._bilat_votes_sig = sig  # type: ignore[attr-defined]


def _on_spark(store: Any) -> bool:
    """True for a :class:`bilat.store.spark.SparkStore` (``--store pyspark://…``)."""
    return getattr(store, "engine", "duckdb") == "pyspark"


@contextlib.contextmanager
def _catalogue(store: Any) -> Iterator[Store]:
    """The embedded store that answers metadata questions (coverage, what to load): ``store``
    itself, or a Spark store's catalogue opened read-only for the duration."""
    if not _on_spark(store):
        yield store
        return
    st = store.catalogue_store()
    try:
        yield st
    finally:
        st.close()


def _table(store: Store, name: str) -> Any:
    """An Ibis table: ``un_rollcalls`` and ``un_votes`` read the merged record (:func:`merged`);
    any other name is the stored table (E009 naming how to load it when it is missing). On
    Spark the merged record is read from its Parquet snapshot
    (:meth:`bilat.store.spark.SparkStore.votes_table`)."""
    if _on_spark(store):
        return store.votes_table(name)  # type: ignore[attr-defined]
    if name in ("un_rollcalls", "un_votes"):
        merged(store)
        return store.ibis.table(MERGED_ROLLCALLS if name == "un_rollcalls" else MERGED_VOTES)
    if not _exists(store, name):
        raise error("E009", name=name, next_step=_NEXT)
    return store.ibis.table(name)


def source_disagreements(store: Store, *, years: str | Sequence[int] | None = None,
                         states: Sequence[str] | None = None) -> pd.DataFrame:
    """Roll calls both the unvotes data and the UN Digital Library scrape hold, where a
    state's recorded vote differs between them (one row per state and roll call).

    Columns: ``vote_id``, ``undl_id``, ``symbol``, ``date``, ``title``, ``iso3``,
    ``vote_unvotes`` (null: unvotes lists no vote), ``vote_scrape`` (null: the scrape's
    cell is empty; ``absent``: non-voting), ``kind`` (``different vote`` | ``only unvotes
    records a vote`` | ``only the scrape records a vote``), ``link``. The merged record uses
    the unvotes vote. A non-voting mark in the scrape against no row in unvotes is not a
    disagreement (unvotes does not list absences).
    """
    merged(store)
    rng = parse_years(years)
    where, params = [], []
    if rng:
        where.append("r.year BETWEEN ? AND ?")
        params += [rng[0], rng[1]]
    if states:
        iso = [_state(s) for s in states]
        where.append("d.iso3 IN (" + ", ".join("?" * len(iso)) + ")")
        params += iso
    sql = (f"""SELECT d.vote_id, d.undl_id, r.symbol, r.date, r.title, d.iso3, d.vote_unvotes,
                      d.vote_scrape, r.link
               FROM {MERGED_DISAGREE} d JOIN {MERGED_ROLLCALLS} r USING (vote_id)"""
           + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY r.date, d.vote_id, d.iso3")
    df = store.con.execute(sql, params).df()
    rec = ("yes", "no", "abstain")
    df.insert(8, "kind", np.where(
        df["vote_unvotes"].isin(rec) & df["vote_scrape"].isin(rec), "different vote",
        np.where(df["vote_unvotes"].isin(rec), "only unvotes records a vote",
                 "only the scrape records a vote")))
    return df


def _rollcalls(store: Store, years: tuple[int, int] | None, issue: str | None, body: str,
               important_only: bool, *, recorded_only: bool = True) -> Any:
    """The roll calls selected; ``recorded_only`` drops adoptions without a vote (UNDL says
    so in ``modality``; the export lists every member as "Y" for them, which is no vote)."""
    rc = _table(store, "un_rollcalls")
    rc = rc.filter(rc.body == body)
    if recorded_only:
        rc = rc.filter(rc.modality.isnull() | (rc.modality != "without_vote"))
    if years is not None:
        rc = rc.filter(rc.year.between(years[0], years[1]))
    if issue is not None:
        rc = rc.filter(rc.issues.contains(issue))
    if important_only:
        rc = rc.filter(rc.important.fill_null(False))
    return rc


def _period_rollcalls(rc: Any, by: str, years: tuple[int, int] | None) -> Any:
    """Roll calls with a ``period`` column (issue: one row per roll call per issue code)."""
    if by == "year":
        return rc.select("vote_id", period=rc.year.cast("int32"))
    if by == "session":  # text: ES-10, S-10 and regular sessions alike (ordered by date)
        return rc.filter(rc.session.notnull()).select("vote_id", period=rc.session.cast("string"))
    if by == "issue":
        coded = rc.select("vote_id", period=rc.issues.unnest())
        uncoded = rc.filter(rc.issues.length() == 0).select("vote_id", period=ibis.literal("none"))
        return coded.union(uncoded)
    label = "all" if years is None else f"{years[0]}-{years[1]}"
    return rc.select("vote_id", period=ibis.literal(label))


def _recorded(store: Store, states: Sequence[str] | None) -> Any:
    v = _table(store, "un_votes")
    v = v.filter(v.vote_num.notnull())
    if states is not None:
        v = v.filter(v.iso3.isin(list(states)))
    return v.select("vote_id", "iso3", "vote_num")


#: Bits per count in the packed sums below; a group may hold at most 2**15 − 1 roll calls.
_BITS = 16
_MASK = (1 << _BITS) - 1


def _slot_value(k: Any) -> Any:
    """``2 ** (16·k)`` for k = 0…3 as a BIGINT: the unit of slot ``k`` in a packed sum.

    Written as a CASE of BIGINT literals, not ``1 << 16k``: Spark types the literal ``1`` as a
    32-bit INT and its shift wraps at 32 bits, so a shift is not portable across engines.
    """
    return k.cast("int64").cases(*((i, ibis.literal(1 << (_BITS * i), "int64"))
                                   for i in range(4)))


def _pair_counts(store: Store, *, pairs: Sequence[tuple[str, str]] | None, years: Any,
                 issue: str | None, by: str, body: str, important_only: bool,
                 ids: bool, anchor: str | None = None) -> Any:
    """Ibis expression: per (period, a, b) the counts of the 3 × 3 table (and vote ids).

    A self-join of the recorded votes on ``vote_id`` (``a < b`` for all pairs; ``a = anchor``
    against every other state; or the listed ``pairs``). States are joined as small integers
    and the 3 × 3 table is accumulated as three packed sums (16-bit counts in one BIGINT:
    A's yes/abstain/no, B's, and the distance classes same/partial/opposite/both-abstain),
    then unpacked: the same figures as nine separate sums, at a third of the cost.
    """
    rc = _rollcalls(store, years, issue, body, important_only)
    if int(rc.count().to_pandas()) >= 1 << (_BITS - 1):
        raise error("E012", value="more than 32767 roll calls in one query",
                    option="years= (--years)", options="a narrower year range")
    periods = _period_rollcalls(rc, by, years)
    states = None if pairs is None else sorted({s for p in pairs for s in p})
    v = _recorded(store, states)
    ids_t = v.select("iso3").distinct().mutate(
        s=ibis.row_number().over(ibis.window(order_by="iso3")).cast("int32"))
    vs = v.join(ids_t, "iso3").select(
        "vote_id", "iso3", "s", x=v.vote_num.cast("int64"), pk=_slot_value(v.vote_num),
    )
    left = vs
    if anchor is not None:
        left = left.filter(left.iso3 == anchor)
    left = left.join(periods, "vote_id").select("vote_id", "period", sa="s", xa="x", pa="pk")
    right = vs.select(vid="vote_id", sb="s", xb="x", pb="pk")
    cond = [left.vote_id == right.vid]
    cond.append(left.sa != right.sb if anchor is not None else left.sa < right.sb)
    j = left.join(right, cond)
    if pairs is not None:
        sid = dict(zip(*ids_t.to_pandas()[["iso3", "s"]].T.to_numpy(), strict=True))
        wanted = [(min(sid[a], sid[b]), max(sid[a], sid[b])) for a, b in pairs
                  if a in sid and b in sid]
        if not wanted:
            wanted = [(-1, -1)]
        j = j.filter(ibis.or_(*[(j.sa == x) & (j.sb == y) for x, y in wanted]))
    e = (j.xa - j.xb).abs() + 3 * ((j.xa * j.xb) == 1).cast("int64")
    aggs: dict[str, Any] = {
        "n": j.count(),
        "pa": j.pa.sum(),
        "pb": j.pb.sum(),
        "pd": _slot_value(e).sum(),
    }
    spark = _on_spark(store)
    if ids:  # Spark's collect_list has no order: affinity() sorts the ids afterwards
        aggs["vote_ids"] = j.vote_id.collect() if spark else j.vote_id.collect(order_by=j.vote_id)
    g = j.group_by(["period", "sa", "sb"]).aggregate(**aggs)

    def slot(col: Any, k: int) -> Any:
        # DuckDB sums BIGINT into HUGEINT (Ibis believes int64, so a cast to int64 is dropped):
        # go through uint64 to get plain 64-bit integers before unpacking. Spark sums BIGINT
        # into BIGINT and has no unsigned types; every packed sum stays below 2**63 (at most
        # 32767 roll calls per group, top slot 2**48), so the signed value unpacks the same.
        packed = col if spark else col.cast("uint64")
        return ((packed >> (k * _BITS)) & _MASK).cast("int32")

    both = slot(g.pd, 3)
    t = g.mutate(
        same=slot(g.pd, 0) + both, partial=slot(g.pd, 1), opposite=slot(g.pd, 2),
        both_abstain=both, a_yes=slot(g.pa, 2), a_abstain=slot(g.pa, 1),
        b_yes=slot(g.pb, 2), b_abstain=slot(g.pb, 1),
    )
    na = ids_t.select(sa="s", a="iso3")
    nb = ids_t.select(sb="s", b="iso3")
    t = t.join(na, "sa").join(nb, "sb")
    keep = ["period", "a", "b", "n", "same", "partial", "opposite", "both_abstain", "a_yes",
            "a_abstain", "b_yes", "b_abstain"] + (["vote_ids"] if ids else [])
    return t.select(*keep)


@ibis.udf.scalar.builtin
def bit_count(x: dt.int64) -> dt.int64:  # type: ignore[empty-body]
    """Number of set bits (DuckDB ``bit_count``; Spark ``bit_count``, BigQuery ``BIT_COUNT``)."""


#: Votes per machine word in :func:`_block_counts` (63: the sign bit is never used).
_WORD = 63
_CATS = {"y": 2, "a": 1, "n": 0}


def _block_counts(store: Store, *, years: Any, issue: str | None, by: str, body: str,
                  important_only: bool, anchor: str | None = None,
                  states: Sequence[str] | None = None) -> Any:
    """Ibis expression: per (period, a, b) the 3 × 3 table, for *all* pairs at once.

    The same counts as :func:`_pair_counts`, by a bit-packed self-join: the roll calls of a
    period are numbered 0, 1, …; each state's yes, abstain and no votes become bit masks in
    blocks of 63 roll calls; the self-join pairs states on (period, block), and each cell
    ``n_ij`` is the population count of ``mask_i(A) & mask_j(B)`` summed over the blocks —
    about 64 times fewer joined rows than pairing the individual votes. Dyads without any
    common recorded vote are dropped, as in the vote-level join. Vote ids are not kept here;
    :func:`affinity` (vote-level join) and :func:`affinity_votes` list them for any dyad.
    """
    rc = _rollcalls(store, years, issue, body, important_only)
    periods = _period_rollcalls(rc, by, years)
    pos = periods.mutate(
        p=(ibis.row_number().over(ibis.window(group_by="period", order_by="vote_id")))
        .cast("int64"))
    v = _recorded(store, states)
    one = ibis.literal(1, "int64")
    j = v.join(pos, "vote_id")
    bit = one << (j.p % _WORD)
    zero = ibis.literal(0, "int64")
    words = j.group_by(["period", (j.p // _WORD).name("blk"), "iso3"]).aggregate(
        **{k: ibis.ifelse(j.vote_num == c, bit, zero).bit_or() for k, c in _CATS.items()}
    )
    left = words.filter(words.iso3 == anchor) if anchor is not None else words
    left = left.select("period", "blk", a="iso3", ay="y", aa="a", an="n")
    right = words.view().select(pb="period", bb="blk", b="iso3", by="y", ba="a", bn="n")
    cond = [left.period == right.pb, left.blk == right.bb,
            left.a != right.b if anchor is not None else left.a < right.b]
    jj = left.join(right, cond)
    cells = {f"c_{x}{y}": bit_count(jj[f"a{x}"] & jj[f"b{y}"]).sum()
             for x in _CATS for y in _CATS}
    g = jj.group_by(["period", "a", "b"]).aggregate(**cells)
    # DuckDB sums BIGINT into HUGEINT while Ibis believes int64 (a cast to int64 is dropped):
    # cast through uint32 so every later step is plain integer arithmetic
    c = {k: g[k].cast("uint32").cast("int64") for k in cells}
    t = g.select(
        "period", "a", "b",
        n=sum(c.values()),
        same=c["c_yy"] + c["c_aa"] + c["c_nn"],
        partial=c["c_ya"] + c["c_ay"] + c["c_an"] + c["c_na"],
        opposite=c["c_yn"] + c["c_ny"],
        both_abstain=c["c_aa"],
        a_yes=c["c_yy"] + c["c_ya"] + c["c_yn"],
        a_abstain=c["c_ay"] + c["c_aa"] + c["c_an"],
        b_yes=c["c_yy"] + c["c_ay"] + c["c_ny"],
        b_abstain=c["c_ya"] + c["c_aa"] + c["c_na"],
    )
    return t.filter(t.n > 0)


def _n_rollcalls(store: Store, years: Any, issue: str | None, body: str,
                 important_only: bool) -> int:
    rc = _rollcalls(store, years, issue, body, important_only)
    return int(rc.count().to_pandas())


def _indices(t: Any) -> Any:
    """Add every index (see the module docstring) to an expression of 3 × 3 counts.

    Two projections: first the shares ``p``, ``q``, ``m`` and distances, then the indices
    from those columns (so the engine computes each share once).
    """
    n = t.n.cast("float64")
    a_no = t.n - t.a_yes - t.a_abstain
    b_no = t.n - t.b_yes - t.b_abstain
    base = t.mutate(
        a_no=a_no, b_no=b_no,
        _p0=a_no / n, _p1=t.a_abstain / n, _p2=t.a_yes / n,  # categories no, abstain, yes
        _q0=b_no / n, _q1=t.b_abstain / n, _q2=t.b_yes / n,
        _do=(t.partial * 0.5 + t.opposite) / n,  # mean distance on the 0–1 scale
        _d2=(t.partial * 0.25 + t.opposite) / n,  # mean squared distance
        _po=t.same / n,
        _yn=(t.n - t.a_abstain - t.b_abstain + t.both_abstain).cast("float64"),  # both y/n
    )
    b = base.view()
    p = [b._p0, b._p1, b._p2]
    q = [b._q0, b._q1, b._q2]
    m = [(p[i] + q[i]) / 2 for i in range(3)]

    def w_exp(x: list[Any], y: list[Any]) -> Any:  # Σ_ij |i − j| x_i y_j, categories 0, ½, 1
        return (0.5 * (x[0] * y[1] + x[1] * y[0] + x[1] * y[2] + x[2] * y[1])
                + (x[0] * y[2] + x[2] * y[0]))

    s2 = b.mutate(
        _pek=p[0] * q[0] + p[1] * q[1] + p[2] * q[2],
        _pep=m[0] * m[0] + m[1] * m[1] + m[2] * m[2],
        _dek=w_exp(p, q),
        _dep=w_exp(m, m),
    ).view()
    has = s2.n > 0
    eps = 1e-12
    same_yn = (s2.same - s2.both_abstain).cast("float64")

    def safe(cond: Any, value: Any) -> Any:
        return ibis.ifelse(cond, value, ibis.null("float64"))

    out = s2.mutate(
        agree=safe(has, 1 - s2._do),
        agree_exact=safe(has, s2._po),
        agree_yn=safe(s2._yn > 0, same_yn / s2._yn),
        coincidence=safe(has, (s2.same + s2.partial * 0.5) / s2.n.cast("float64")),
        coincidence_yn=safe(s2._yn > 0, same_yn / s2._yn),
        s=safe(has, 1 - 2 * s2._do),
        s2=safe(has, 1 - 2 * s2._d2),
        kappa=safe(has & (1 - s2._pek > eps), (s2._po - s2._pek) / (1 - s2._pek)),
        pi=safe(has & (1 - s2._pep > eps), (s2._po - s2._pep) / (1 - s2._pep)),
        kappa_w=safe(has & (s2._dek > eps), 1 - s2._do / s2._dek),
        pi_w=safe(has & (s2._dep > eps), 1 - s2._do / s2._dep),
    )
    return out.drop(*[c for c in out.columns if c.startswith("_")])


def _notes(df: pd.DataFrame) -> pd.Series:
    """Why an index is NaN, per row ('' when every index is defined)."""
    note = np.full(len(df), "", dtype=object)
    n = df["n"].to_numpy()
    none = n == 0
    note[none] = "no common recorded votes: every index undefined"
    flat = ~none & df["kappa"].isna().to_numpy()
    if flat.any():
        cat = np.where(df["a_yes"].to_numpy()[flat] == n[flat], "yes",
                       np.where(df["a_abstain"].to_numpy()[flat] == n[flat], "abstain", "no"))
        note[flat] = [f"kappa/pi undefined: both voted {c} on all {k} common votes "
                      "(no variation)" for c, k in zip(cat, n[flat], strict=True)]
    yn = ~none & ~flat & df["agree_yn"].isna().to_numpy()
    note[yn] = "agree_yn undefined: no vote where both voted yes or no"
    if "share_without_vote" in df.columns:
        unk = df["share_without_vote"].isna().to_numpy() & (df["n_rollcalls"].fillna(0)
                                                              .to_numpy() > 0)
        extra = ("share_without_vote unknown: the source lists recorded votes only, not the "
                 "resolutions adopted without a vote")
        note[unk] = [f"{x}; {extra}" if x else extra for x in note[unk]]
    return pd.Series(note, index=df.index, dtype=object)


# ----------------------------------------------------------------------------- public API
def dyads(
    store: Store,
    *,
    years: str | Sequence[int] | None = None,
    by: str = "year",
    issue: str | None = None,
    states: Sequence[str] | None = None,
    body: str = "GA",
    important_only: bool = False,
    ids: bool = False,
) -> pd.DataFrame:
    """Every dyad (a < b alphabetically) and period: counts and all indices, one query.

    ``states`` limits the dyads to pairs among those states. By default the counts come from
    the bit-packed self-join (:func:`_block_counts`, fast on the full record); ``ids=True``
    uses the vote-level self-join instead and adds the list of vote ids behind each row.
    """
    rng = parse_years(years)
    by = _check_by(by)
    issue = _check_issue(issue)
    pairs = None
    if states is not None:
        iso = sorted({_state(s) for s in states})
        pairs = [(a, b) for i, a in enumerate(iso) for b in iso[i + 1:]]
    if ids:
        t = _pair_counts(store, pairs=pairs, years=rng, issue=issue, by=by, body=body,
                         important_only=important_only, ids=True)
    else:
        t = _block_counts(store, years=rng, issue=issue, by=by, body=body,
                          important_only=important_only,
                          states=None if pairs is None else sorted({x for p in pairs for x in p}))
    # via Arrow: Ibis's own pandas conversion costs more than the query on the full record
    df = _indices(t).order_by(["a", "b", "period"]).to_pyarrow().to_pandas()
    return _tidy(df)


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Column order and the ``note`` column (rows arrive sorted by a, b, period)."""
    df["note"] = _notes(df)
    order = ["period", "a", "b", *COUNT_COLS, *INDEX_COLS, "note"]
    order += [c for c in df.columns if c not in order]
    return df[order].reset_index(drop=True)


def _periods_frame(store: Store, rng: Any, issue: str | None, by: str, body: str,
                   important_only: bool) -> pd.DataFrame:
    """Per period: recorded roll calls, the share adopted without a vote (if known), and the
    first and last date (by-session tables are ordered by the first date)."""
    rc = _rollcalls(store, rng, issue, body, important_only, recorded_only=False)
    periods = _period_rollcalls(rc, by, rng)
    j = periods.join(rc.select("vote_id", "modality", "date"), "vote_id")
    agg = j.group_by("period").aggregate(
        n_rollcalls=(j.modality.isnull() | (j.modality != "without_vote")).sum(),
        n_modality=j.modality.notnull().sum(),
        n_without_vote=(j.modality == "without_vote").sum(),
        first_date=j.date.min(), last_date=j.date.max(),
    ).to_pandas()
    for c in ("n_rollcalls", "n_modality", "n_without_vote"):  # NULL sums: NaN on any engine
        agg[c] = pd.to_numeric(agg[c])
    # known only where the record lists adoptions without a vote for the period: a source of
    # recorded votes alone (unvotes, the UNDL voting-data scrape) marks every roll call it has
    # as recorded, and its zero adoptions without a vote mean "not listed", not "none" (the
    # GA adopts most resolutions without a vote in every session)
    known = (agg["n_modality"] > 0) & (agg["n_without_vote"] > 0)
    agg["n_without_vote"] = agg["n_without_vote"].where(known)
    agg["share_without_vote"] = np.where(
        known, agg["n_without_vote"] / agg["n_modality"].where(known, 1), np.nan
    )
    return agg.drop(columns=["n_modality"])


def session_sort_key(session: Any) -> tuple[int, int, int]:
    """Order GA sessions given as text without a date: regular ``1``…``79`` by number;
    special ``S-k`` and emergency special ``ES-k`` sessions after the regular session in
    which they first met (ES-1/ES-2 1956 → 11, ES-10 1997 → 51, ES-11 2022 → 76, …).
    Tables with dates order sessions by their first vote instead (:func:`affinity`)."""
    text = str(session).strip().upper()
    m = re.fullmatch(r"(ES-|S-)?(\d+)", text)
    if not m:
        return (10**6, 0, 0)
    num = int(m.group(2))
    if not m.group(1):
        return (num, 0, 0)
    regular = (_ES_SESSION if m.group(1) == "ES-" else _SS_SESSION).get(num, 10**5)
    return (regular, 1 if m.group(1) == "S-" else 2, num)


#: The regular session during which each emergency special session first met.
_ES_SESSION = {1: 11, 2: 11, 3: 12, 4: 14, 5: 21, 6: 34, 7: 34, 8: 35, 9: 36, 10: 51, 11: 76}
#: The regular session during which each special session met.
_SS_SESSION = {1: 1, 2: 2, 3: 15, 4: 17, 5: 21, 6: 28, 7: 29, 8: 32, 9: 32, 10: 32, 11: 34,
               12: 36, 13: 40, 14: 40, 15: 42, 16: 44, 17: 44, 18: 44, 19: 51, 20: 52,
               21: 53, 22: 54, 23: 54, 24: 54, 25: 55, 26: 55, 27: 56, 28: 59, 29: 68,
               30: 70, 31: 75, 32: 75}


def _pairs_arg(a: str, b: str, ref: Iterable[str | tuple[str, str]]) -> list[tuple[str, str]]:
    """The main dyad plus reference dyads: ``"USA"`` → (A, USA), (B, USA); ``"USA-GBR"`` or
    ``("USA", "GBR")`` → that dyad."""
    a3, b3 = _state(a), _state(b)
    if a3 == b3:
        raise error("E216", value=a3)
    pairs = [(a3, b3)]
    for item in ref:
        if isinstance(item, tuple | list):
            parts = list(item)
        else:
            parts = [p for p in re.split(r"[-:,/–]", item) if p.strip()]
        if len(parts) == 2:
            pairs.append((_state(parts[0]), _state(parts[1])))
        elif len(parts) == 1:
            r = _state(parts[0])
            pairs += [(a3, r), (b3, r)]
        else:
            raise error("E012", value=item, option="ref= (--ref)", options="STATE or STATE-STATE")
    seen: set[tuple[str, ...]] = set()
    out = []
    for p in pairs:  # a dyad once, whichever order it was given in
        key = tuple(sorted(p))
        if p[0] != p[1] and key not in seen:
            seen.add(key)
            out.append(p)
    return out


# ----------------------------------------------------------------------------- coverage
@dataclass
class Coverage:
    """What the merged record holds for one body: first and last roll-call date, years held,
    and the roll calls per source."""

    body: str
    first: Any
    last: Any
    years: list[int]
    by_source: dict[str, int]

    def describe(self) -> str:
        if self.first is None:
            return f"no {self.body} roll calls"
        src = ", ".join(f"{k} {v:,}" for k, v in sorted(self.by_source.items()))
        return f"{self.first} … {self.last}; roll calls by source: {src}"


def coverage(store: Store, body: str = "GA") -> Coverage:
    """What the store's merged UN record (unvotes + the UN Digital Library scrape,
    :func:`merged`) holds for ``body`` (``GA`` or ``SC``).

    Returns a :class:`Coverage`: ``first``/``last`` (dates of the first and last roll call;
    None when none is held), ``years`` (sorted calendar years with at least one roll call),
    ``by_source`` (roll calls per source, e.g. ``{"unvotes": 5,100, "undl": 1,300}``);
    ``describe()`` says it in words. E009 when no UN-votes table is loaded. Sources: Voeten,
    Strezhnev & Bailey, *United Nations General Assembly Voting Data* (Harvard Dataverse;
    the ``unvotes`` R package), and the UN Digital Library voting records.
    """
    merged(store)
    rows = store.con.execute(
        f"""SELECT min(date), max(date), list(DISTINCT year ORDER BY year)
            FROM {MERGED_ROLLCALLS} WHERE body = ?""", [body]).fetchall()[0]
    src = dict(store.con.execute(
        f"SELECT source, count(*) FROM {MERGED_ROLLCALLS} WHERE body = ? GROUP BY source",
        [body]).fetchall())
    return Coverage(body, rows[0], rows[1], [int(y) for y in (rows[2] or []) if y is not None],
                    {k: int(v) for k, v in src.items()})


def _year_spans(years: Sequence[int]) -> str:
    """``[1946, 1947, 1948, 1950]`` → ``1946–1948, 1950``."""
    out: list[str] = []
    ys = sorted(set(years))
    i = 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        out.append(str(ys[i]) if i == j else f"{ys[i]}–{ys[j]}")
        i = j + 1
    return ", ".join(out)


def coverage_warnings(store: Store, rng: tuple[int, int] | None, body: str = "GA") -> list[str]:
    """Coverage warnings for the inclusive years ``rng`` (None: none): a list of sentences,
    one when the years reach past the last roll call held for ``body`` (naming that date and,
    for the GA, pointing to Voeten's ideal points for 2022-2024) and one when they start
    before the first; empty when ``rng`` is inside the record or None. Nothing raised; see
    :func:`coverage` for what the record holds."""
    if rng is None:
        return []
    cov = coverage(store, body)
    if cov.first is None:
        return [f"no {body} roll calls in the store: load them with `{_NEXT}` and "
                "`bilat fetch undl-scrape`"]
    out = []
    if rng[1] > cov.last.year:
        out.append(f"{body} roll calls held end {cov.last} ({cov.describe()}); "
                   f"{max(rng[0], cov.last.year + 1)}–{rng[1]} have no votes here"
                   + ("; for those years see `bilat votes idealpoints` (Voeten's published "
                      "estimates to 2024)" if body == "GA" else ""))
    if rng[0] < cov.first.year:
        out.append(f"{body} roll calls held start {cov.first}: {rng[0]}–"
                   f"{min(rng[1], cov.first.year - 1)} have no votes here")
    return out


def _no_votes(store: Store, what: str, body: str = "GA") -> Any:
    """E210 naming what to load (empty store) or which years exist."""
    try:
        cov = coverage(store, body)
    except Exception:  # noqa: BLE001 - nothing loaded at all
        cov = None
    if cov is None or cov.first is None:
        hint = (f"load them with `{_NEXT}` (Voeten/unvotes, 1946–2020) and `bilat fetch "
                "undl-scrape` (UN Digital Library, GA and SC to 2021)")
    else:
        hint = (f"the store holds {body} votes for {_year_spans(cov.years)} (last "
                f"{cov.last}); widen years= (--years) or issue= (--issue)" + (
                    ", or for 2022–2024 use `bilat votes idealpoints`" if body == "GA" else ""))
    return error("E210", what=what, hint=hint)


# ----------------------------------------------------------------------------- affinity
def affinity(
    store: Store,
    a: str,
    b: str,
    *,
    years: str | Sequence[int] | None = None,
    issue: str | None = None,
    method: str = "all",
    by: str = "year",
    ref: Sequence[str | tuple[str, str]] = (),
    body: str = "GA",
    important_only: bool = False,
    min_n: int = LOW_N,
) -> pd.DataFrame:
    """Voting affinity of A and B (and reference dyads) per year, session, issue or period.

    Columns: ``dyad`` (``A–B`` in the order asked), ``period`` (year, session as text —
    ``ES-10`` stays ``ES-10`` —, issue code, or the whole range), ``issue`` (``by="issue"``
    only: the issue's full name), ``a``, ``b``, ``n`` (common recorded votes), ``low_n``
    (``n < min_n``: read the figure with care), the 3 × 3 table counts (``same``,
    ``partial``, ``opposite``, ``both_abstain``, each side's yes/abstain/no), the indices of
    ``method`` — chance-corrected first (kappa, pi, S, then agreement; see the module
    docstring) —, ``n_rollcalls`` (recorded roll calls in the period), ``n_without_vote`` and
    ``share_without_vote`` (resolutions adopted without a vote, where the source records
    them; not votes, left out of every index), ``first_date``/``last_date`` (of the pair's
    common votes behind the figure, empty when there are none — not of the range asked),
    ``note`` (why an index is undefined; the China seat before 25 Oct 1971, held by the
    Republic of China (TWN); a former state's votes counted under its successor's code,
    :func:`predecessors`) and
    ``vote_ids`` (the roll calls behind the figure; :func:`affinity_votes` lists them).
    Periods are in time order (sessions by their first vote). ``df.attrs["warnings"]`` lists
    coverage warnings (a range past the data names the last date held). E210 when there is
    nothing to compute, naming what to load or which years exist.
    """
    rng = parse_years(years)
    by = _check_by(by)
    issue = _check_issue(issue)
    shown = _check_method(method)
    asked = _pairs_arg(a, b, ref)
    canon = [tuple(sorted(p)) for p in asked]
    t = _pair_counts(store, pairs=canon, years=rng, issue=issue, by=by, body=body,
                     important_only=important_only, ids=True)
    df = _tidy(_indices(t).to_pandas())
    if _on_spark(store):  # Spark collects vote ids unordered: order them as DuckDB does
        df["vote_ids"] = df["vote_ids"].map(lambda v: sorted(v) if v is not None else v)
    periods = _periods_frame(store, rng, issue, by, body, important_only)
    # every asked dyad gets every period of the data, with n = 0 where they share no vote
    frames = []
    for (x, y), (c0, c1) in zip(asked, canon, strict=True):
        part = df[(df["a"] == c0) & (df["b"] == c1)]
        part = periods[["period"]].merge(part, on="period", how="left")
        part["a"], part["b"] = c0, c1
        if (x, y) != (c0, c1):  # show in the order asked: swap the sides' marginals
            part["a"], part["b"] = x, y
            for k in ("yes", "abstain", "no"):
                part[f"a_{k}"], part[f"b_{k}"] = part[f"b_{k}"], part[f"a_{k}"]
        part.insert(0, "dyad", f"{x}–{y}")
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    for c in COUNT_COLS:
        out[c] = out[c].fillna(0).astype("int64")
    out["vote_ids"] = out["vote_ids"].map(lambda v: list(v) if isinstance(v, list | np.ndarray)
                                          else [])
    out = out.merge(periods.rename(columns={"first_date": "_p_first",
                                            "last_date": "_p_last"}), on="period", how="left")
    # first_date/last_date: the pair's common votes behind the figure, not the range asked
    dates = _vote_dates(store, {int(i) for ids in out["vote_ids"] for i in ids})
    out["first_date"] = out["vote_ids"].map(lambda v: min((dates[i] for i in v), default=None))
    out["last_date"] = out["vote_ids"].map(lambda v: max((dates[i] for i in v), default=None))
    out["note"] = _notes(out)
    out["note"] = _coverage_notes(out)
    out["note"] = _membership_notes(out)
    if out["n"].sum() == 0 and len(periods) == 0:
        with _catalogue(store) as meta:
            raise _no_votes(meta, _what(asked[0], rng, issue), body)
    out["low_n"] = out["n"] < min_n
    cols = ["dyad", "period", "a", "b", "n", "low_n", *shown, *COUNT_COLS[1:], "n_rollcalls",
            "n_without_vote", "share_without_vote", "first_date", "last_date", "note",
            "vote_ids"]
    if by == "issue":
        out["issue"] = out["period"].map(lambda c: ISSUES.get(c, UNCODED))
        cols.insert(2, "issue")
    if by == "session":
        key = pd.to_datetime(out["_p_first"])
    elif by == "issue":  # by full name, uncoded last
        key = out["issue"].map(lambda s: (s == UNCODED, s))
        key = key.map({k: i for i, k in enumerate(sorted(set(key)))})
    else:
        key = pd.to_numeric(out["period"], errors="coerce")
    out = out.assign(_k=key).sort_values(["_k", "period"], kind="stable").drop(columns="_k")
    order = {d: i for i, d in enumerate(dict.fromkeys(out["dyad"]))}
    out = out.sort_values("dyad", key=lambda s: s.map(order), kind="stable")
    res = out[cols].reset_index(drop=True)
    with _catalogue(store) as meta:
        res.attrs["warnings"] = coverage_warnings(meta, rng, body)
    return res


def _vote_dates(store: Store, ids: set[int]) -> dict[int, Any]:
    """Date of each roll call in ``ids`` (merged record)."""
    if not ids:
        return {}
    rc = _table(store, "un_rollcalls")
    df = rc.filter(rc.vote_id.isin(sorted(ids))).select("vote_id", "date").to_pandas()
    return {int(k): (None if pd.isna(d) else pd.Timestamp(d).date())
            for k, d in zip(df["vote_id"], df["date"], strict=True)}


#: The day the PRC took the China seat (GA resolution 2758 (XXVI)); before it, the seat and
#: its votes were the Republic of China's, stored under TWN.
CHINA_SEAT = pd.Timestamp("1971-10-25").date()


def predecessors() -> list[tuple[str, str, str, int | None]]:
    """Former states whose UN votes the crosswalk files under a successor's code, as
    ``(successor ISO3, former code, former name, last year as a UN member)``: USSR → RUS,
    Czechoslovakia → CZE, Yugoslavia → SRB, West Germany → DEU, Yemen Arab Republic → YEM
    (``reference/data/countries.csv``: historical rows whose ``iso3`` is another state's)."""
    from bilat.reference.countries import load_countries

    c = load_countries()
    hist = c[c["historical"].astype(bool) & (c["entity"] != c["iso3"])]
    return [(r.iso3, r.entity, r.name, None if pd.isna(r.un_member_until)
             else int(r.un_member_until)) for r in hist.itertuples()]


def _coverage_notes(df: pd.DataFrame) -> pd.Series:
    """Add to ``note`` what the figure's votes are: the China seat before 25 Oct 1971 (the
    Republic of China's, TWN), and a former state's votes counted under its successor's code
    (as the crosswalk maps them; :func:`predecessors`). Uses the period's first roll call
    (``_p_first``) and the pair's common votes (``first_date``)."""
    preds = predecessors()
    out = []
    for a, b, p_first, first, note in zip(df["a"], df["b"], df["_p_first"], df["first_date"],
                                          df["note"], strict=True):
        extra = []
        start = None if p_first is None or pd.isna(p_first) else pd.Timestamp(p_first).date()
        first = None if first is None or pd.isna(first) else pd.Timestamp(first).date()
        if "CHN" in (a, b) and start is not None and start < CHINA_SEAT:
            extra.append("before 25 Oct 1971 the China seat was the Republic of China's (TWN): "
                         "CHN has no votes before then"
                         + (f"; the first common vote here is {first}" if first else ""))
        for succ, code, name, until in preds:
            if succ in (a, b) and first is not None and (until is None or first.year <= until):
                extra.append(f"{succ}'s votes to {until} were cast by {name} ({code}), "
                             f"counted under {succ} by continuity")
        out.append("; ".join([x for x in [note or "", *extra] if x]))
    return pd.Series(out, index=df.index, dtype=object)


def seat_years(iso3: str) -> list[tuple[int, int]]:
    """The years in which the UN record can hold votes under ``iso3``: its own membership
    (``un_member_since``–``un_member_until`` of the crosswalk) and that of each former state
    counted under it (:func:`predecessors`), as inclusive (first, last) spans; open spans end
    in 9999. Empty for observers (PSE, VAT) and states never seated (XKX)."""
    from bilat.reference.countries import load_countries

    c = load_countries()
    spans = []
    for r in c[c["entity"] == iso3].itertuples():
        if not pd.isna(r.un_member_since):
            spans.append((int(r.un_member_since), 9999 if pd.isna(r.un_member_until)
                          else int(r.un_member_until)))
    for succ, code, _name, until in predecessors():
        if succ == iso3:
            row = c[c["entity"] == code].iloc[0]
            if not pd.isna(row["un_member_since"]):
                spans.append((int(row["un_member_since"]), until or 9999))
    return sorted(spans)


def membership_reason(iso3: str, first: int, last: int) -> str | None:
    """Why ``iso3`` can have no recorded General Assembly vote in ``first``–``last``, or None
    when it held a seat then: an observer state (PSE, VAT) takes part but does not vote; the
    Republic of China (TWN) lost the China seat on 25 Oct 1971 (GA res. 2758 (XXVI)); a state
    not yet (or no longer) a member (PRK and KOR from 1991). From the crosswalk
    (``reference/data/countries.csv``: ``status``, ``un_member_since``/``until``)."""
    from bilat.reference.countries import load_countries

    c = load_countries()
    row = c[c["entity"] == iso3]
    status = str(row["status"].iloc[0]) if len(row) else ""
    spans = seat_years(iso3)
    if any(lo <= last and hi >= first for lo, hi in spans):
        return None
    if status == "observer":
        return (f"{iso3} is a UN observer state: it takes part in the General Assembly but "
                "casts no recorded vote")
    if iso3 == "TWN":
        return ("TWN (the Republic of China) held the China seat until 25 Oct 1971, when GA "
                "resolution 2758 (XXVI) gave it to the PRC (CHN): no UN votes after that")
    if not spans:
        return f"{iso3} has never held a UN seat (status: {status or 'unknown'})"
    held = ", ".join(f"{lo}–{'' if hi == 9999 else hi}" for lo, hi in spans)
    return f"{iso3} held no UN seat in {_span((first, last))} (the record holds it {held})"


def _membership_notes(df: pd.DataFrame) -> pd.Series:
    """Add to the ``note`` of each row with no common vote (``n = 0``) why, when a side held
    no seat in the period (:func:`membership_reason`)."""
    out = []
    for n, a, b, p, lo, hi, note in zip(df["n"], df["a"], df["b"], df["period"],
                                        df["_p_first"], df["_p_last"], df["note"],
                                        strict=True):
        extra = []
        if n == 0:
            years = None
            if lo is not None and not pd.isna(lo) and hi is not None and not pd.isna(hi):
                years = (pd.Timestamp(lo).year, pd.Timestamp(hi).year)
            elif str(p).isdigit():
                years = (int(p), int(p))
            if years is not None:
                extra = [r for r in (membership_reason(s, *years) for s in (a, b)
                                     if not (s == "CHN" and "China seat was" in (note or "")))
                         if r]
        out.append("; ".join([x for x in [note or "", *extra] if x]))
    return pd.Series(out, index=df.index, dtype=object)


def _span(rng: tuple[int, int]) -> str:
    """``(2023, 2023)`` → ``2023``; ``(2019, 2023)`` → ``2019–2023``."""
    return str(rng[0]) if rng[0] == rng[1] else f"{rng[0]}–{rng[1]}"


def _what(pair: tuple[str, str], rng: Any, issue: str | None) -> str:
    text = f"{pair[0]}–{pair[1]}"
    if rng:
        text += f" in {_span(rng)}"
    if issue:
        text += f" on issue {issue}"
    return text


def side_by_side(df: pd.DataFrame, index: str = "kappa") -> pd.DataFrame:
    """Several dyads over time side by side, from an :func:`affinity` frame ``df``: one row
    per ``period`` (in time order: years numerically, sessions as text after), one column
    per dyad (``A–B``) holding ``index`` (``kappa`` by default; any index column of the
    frame: ``pi``, ``s``, ``agree`` …; unitless, -1…1 or 0…1 as defined in the module
    docstring). A dyad with no value in a period is NaN. KeyError if ``index`` is not a
    column of ``df``."""
    wide = df.pivot_table(index="period", columns="dyad", values=index, aggfunc="first",
                          sort=False)
    key = pd.to_numeric(pd.Series(wide.index), errors="coerce")
    wide = wide.iloc[np.lexsort([wide.index.astype(str), key.to_numpy()])]
    return wide.reset_index().rename_axis(columns=None)


def affinity_chart(df: pd.DataFrame, index: str = "kappa", title: str | None = None) -> Any:
    """One Vega-Lite line chart of ``index`` (default Cohen's kappa) over the periods, one line
    per dyad; the tooltip carries n, S and agreement (abstention as half) beside it."""
    from bilat.report.charts import time_chart

    extra = [c for c in ("s", "agree") if c in df.columns and c != index]
    data = df[["dyad", "period", index, "n", *extra]].copy()
    num = pd.to_numeric(data["period"], errors="coerce")
    if num.notna().all():
        data["period"] = num.astype(int)
    label = {"kappa": "Cohen's kappa", "pi": "Scott's pi", "s": "S score",
             "agree": "agreement, abstention as half (Voeten)",
             "agree_exact": "share of identical votes"}.get(index, index)
    return time_chart(data, x="period", y=index, color="dyad", tooltip=["n", *extra],
                      title=title or f"UN General Assembly voting: {label} (chance-corrected "
                      "first; agreement, abstention as half, in the tooltip)")


def affinity_votes(
    store: Store,
    a: str,
    b: str,
    *,
    years: str | Sequence[int] | None = None,
    issue: str | None = None,
    body: str = "GA",
    important_only: bool = False,
) -> pd.DataFrame:
    """The roll calls behind an :func:`affinity` figure of A–B, one row per roll call on
    which both states are in the record (in date order).

    ``years`` (``"2010-2019"``, ``"2014"``, a pair or None), ``issue`` (one of
    :data:`ISSUES`' codes, e.g. ``me``, ``nu``, ``hr``), ``body`` (``GA`` or ``SC``) and
    ``important_only`` (the State Department's important votes) select them as in
    :func:`affinity`. Columns: ``a``, ``b`` (ISO3), ``vote_id`` (bilat's merged id, the ids
    in ``affinity``'s ``vote_ids``), ``rcid`` (unvotes' roll-call id; NULL for UN Digital
    Library-only votes), ``date``, ``session``, ``symbol`` (e.g. ``A/RES/68/262``),
    ``title``, ``descr``, ``issues`` (issue codes), ``important``, ``vote_a``/``vote_b``
    (``yes``, ``no`` or ``abstain``: the recorded votes; absences are not stored) and
    ``counted`` (True when both votes are yes/no/abstain: the votes every index counts).
    E008 for an unknown state, E211 for an unknown issue, E212/E224 for bad or reversed
    years, E009 when no votes are loaded. Source: Voeten et al., UNGA Voting Data, and the
    UN Digital Library (see :func:`merged`)."""
    rng = parse_years(years)
    issue = _check_issue(issue)
    a3, b3 = _state(a), _state(b)
    rc = _rollcalls(store, rng, issue, body, important_only)
    v = _table(store, "un_votes")
    va = v.filter(v.iso3 == a3).select("vote_id", vote_a=v.vote)
    vb = v.filter(v.iso3 == b3).select("vote_id", vote_b=v.vote)
    j = rc.join(va, "vote_id").join(vb, "vote_id")
    df = j.select("vote_id", "rcid", "date", "session", "symbol", "title", "descr", "issues",
                  "important", "vote_a", "vote_b").order_by(["date", "vote_id"]).to_pandas()
    df.insert(0, "a", a3)
    df.insert(1, "b", b3)
    rec = df["vote_a"].isin(["yes", "no", "abstain"]) & df["vote_b"].isin(["yes", "no", "abstain"])
    df["counted"] = rec
    return df


def nearest(
    store: Store,
    a: str,
    *,
    years: str | Sequence[int] | None = None,
    method: str = "s",
    issue: str | None = None,
    min_votes: int = 10,
    body: str = "GA",
) -> pd.DataFrame:
    """Every other state ranked by affinity with A over the period (nearest first).

    ``rank`` 1 is the nearest; the last rows are the farthest. States with fewer than
    ``min_votes`` common votes are listed last with ``rank`` empty (too few to rank).
    """
    a3 = _state(a)
    shown = _check_method(method)
    rng = parse_years(years)
    issue = _check_issue(issue)
    t = _block_counts(store, years=rng, issue=issue, by="period", body=body,
                      important_only=False, anchor=a3)
    df = _tidy(_indices(t).to_pyarrow().to_pandas())
    if df.empty:
        raise _no_votes(store, f"{a3}" + (f" in {_span(rng)}" if rng else ""), body)
    key = shown[0]
    ok = df["n"] >= min_votes
    df = df.sort_values([key, "n"], ascending=[False, False], na_position="last")
    df = pd.concat([df[ok.loc[df.index]], df[~ok.loc[df.index]]])
    df.insert(0, "rank", pd.array([*range(1, int(ok.sum()) + 1), *[None] * int((~ok).sum())],
                                  dtype="Int64"))
    from bilat.reference.countries import country_name

    df.insert(3, "name", df["b"].map(_safe_name(country_name)))
    return df[["rank", "period", "a", "b", "name", "n", *shown, "same", "partial", "opposite",
               "note"]].reset_index(drop=True)


def _safe_name(fn: Any) -> Any:
    def name(code: str) -> str:
        try:
            return fn(code)
        except Exception:  # a code the crosswalk lacks: show the code
            return code
    return name


def matrix(store: Store, *, years: str | Sequence[int] | None = None, method: str = "s",
           issue: str | None = None, states: Sequence[str] | None = None,
           min_votes: int = 1) -> pd.DataFrame:
    """The all-pairs affinity matrix over one period (all of ``years`` together):
    a square DataFrame, states × states (ISO3, sorted; index ``a``, columns ``b``), holding
    the first index of ``method`` (a key of :data:`METHODS`: ``s``, Signorino & Ritter's S,
    the default; ``kappa``, Cohen's kappa; ``pi``, Scott's pi; ``s2``; ``agreement``, raw
    agreement; ``coincidence`` — definitions and citations in the module docstring),
    symmetric, 1.0 on the diagonal; NaN where two states share
    fewer than ``min_votes`` recorded votes. ``states`` limits the matrix to those states
    (ISO3); ``issue`` to one issue code. E213 for an unknown method, E211 for an unknown
    issue, E212/E224 for bad or reversed years, E210 when nothing is held for the years."""
    key = _check_method(method)[0]
    df = dyads(store, years=years, by="period", issue=issue, states=states)
    df = df[df["n"] >= min_votes]
    both = pd.concat([df[["a", "b", key]],
                      df[["b", "a", key]].rename(columns={"b": "a", "a": "b"})])
    wide = both.pivot_table(index="a", columns="b", values=key, aggfunc="first")
    for s in wide.index:
        if s in wide.columns:
            wide.loc[s, s] = 1.0
    return wide.sort_index().sort_index(axis=1)


# ----------------------------------------------------------------------------- core issues
#: Kinds of core issue, in the order splits on them are listed.
CORE_KINDS = ("territory", "conduct", "dispute")
#: Environment variable naming extra core-issue files (``os.pathsep``-separated).
CORE_ISSUES_ENV = "BILAT_CORE_ISSUES"


@dataclass(frozen=True)
class CoreIssue:
    """One state's core issue and how roll calls on it are recognised (``core_issues.toml``)."""

    state: str
    id: str
    label: str
    kind: str
    match: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    symbols: tuple[str, ...] = ()
    why: str = ""
    source: str = "shipped"
    rank: int = 0  #: position among the state's issues (the file lists them most important first)

    def matches(self, text: str, symbol: str | None, year: int | None) -> str | None:
        """The word that puts a roll call on this issue (None: not on it).

        ``text`` is the lower-cased title, description and agenda; a listed symbol matches
        whatever the title says; ``years`` bounds both.
        """
        if self.years and year is not None and not self.years[0] <= year <= self.years[1]:
            return None
        if symbol and _norm_symbol(symbol) in {_norm_symbol(s) for s in self.symbols}:
            return f"symbol {symbol}"
        found = _compiled(self.match).search(text)
        if not found:
            return None
        if self.exclude and _compiled(self.exclude).search(text):
            return None
        return found.group(0)


def _symbol_parts(unres: Any, symbol: Any) -> tuple[str | None, frozenset[str]]:
    """A GA roll call's resolution key without its section letters, and those letters:
    ``A/RES/75/254A-C`` → (``75/254``, {A, B, C}); ``R/37/120I`` → (``37/120``, {I});
    ``A/RES/75/254 B`` or ``A/RES/32/105[M]`` likewise; ``A/RES/50/38[B-I]`` (section B,
    part I) → (``50/38``, {B}); (None, ∅) when unreadable."""
    from bilat.sources.undl_scrape import parse_symbol, unres_key

    for text in (unres, symbol):
        if not isinstance(text, str) or not text.strip():
            continue
        s = re.sub(r"\s+", "", text).upper()
        m = re.fullmatch(r"(.*?/\d+(?:\([A-Z0-9-]+\))?)\[?([A-Z])-([A-Z]+)\]?", s)
        if m:  # a range of sections (A-C), or a part of one section ([B-I]: B, part I)
            key = unres_key(m[1]) or (parse_symbol(m[1]) or (None, None))[1]
            if key:
                if len(m[3]) == 1 and m[3] not in "IVX" and m[3] > m[2]:
                    return _bare(key), frozenset(chr(c) for c in range(ord(m[2]),
                                                                       ord(m[3]) + 1))
                return _bare(key), frozenset(m[2])
        key = unres_key(s) or (parse_symbol(s) or (None, None))[1]
        if key:
            b = _bare(key)
            return b, frozenset([key[len(b):]]) if key != b else frozenset()
    return None, frozenset()


def _norm_symbol(symbol: str) -> str:
    return re.sub(r"\s+", "", str(symbol)).upper()


_RX_CACHE: dict[tuple[str, ...], re.Pattern[str]] = {}


def _compiled(terms: tuple[str, ...]) -> re.Pattern[str]:
    rx = _RX_CACHE.get(terms)
    if rx is None:
        rx = re.compile(r"(?<![\w])(?:" + "|".join(f"(?:{x})" for x in terms) + ")",
                        re.IGNORECASE)
        _RX_CACHE[terms] = rx
    return rx


def _toml_line(text: str, index: int) -> int:
    """Line of the ``index``-th ``[[issue]]`` header (1-based) in ``text``."""
    seen = -1
    for no, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("[[issue]]"):
            seen += 1
            if seen == index:
                return no
    return 1


def _parse_core_file(text: str, source: str) -> list[CoreIssue]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise error("E221", path=source, line=int(m.group(1)) if m else 1,
                    reason=f"not valid TOML ({exc})") from exc
    items = data.get("issue", [])
    if not isinstance(items, list) or set(data) - {"issue"}:
        raise error("E221", path=source, line=1,
                    reason="the file should hold [[issue]] tables only")
    out = []
    for i, it in enumerate(items):
        line = _toml_line(text, i)

        def bad(reason: str, line: int = line) -> Any:
            return error("E221", path=source, line=line, reason=reason)

        missing = [k for k in ("state", "id", "label", "kind", "match") if k not in it]
        if missing:
            raise bad("missing " + ", ".join(missing))
        unknown = set(it) - {"state", "id", "label", "kind", "match", "exclude", "years",
                             "symbols", "why"}
        if unknown:
            raise bad("unknown keys " + ", ".join(sorted(unknown)))
        try:
            state = _state(str(it["state"]))
        except Exception as exc:  # noqa: BLE001 - any unknown state is this file's error
            raise bad(f"unknown state {it['state']!r}") from exc
        if it["kind"] not in CORE_KINDS:
            raise bad(f"kind {it['kind']!r} is not one of {', '.join(CORE_KINDS)}")
        terms = it["match"]
        if (not isinstance(terms, list) or not terms
                or not all(isinstance(x, str) and x.strip() for x in terms)):
            raise bad("match must be a non-empty list of words")
        for x in [*terms, *it.get("exclude", [])]:
            try:
                re.compile(x)
            except re.error as exc:
                raise bad(f"{x!r} is not a valid pattern ({exc})") from exc
        years = it.get("years")
        if years is not None and (not isinstance(years, list) or len(years) != 2
                                  or not all(isinstance(y, int) for y in years)
                                  or years[0] > years[1]):
            raise bad("years must be [first, last] with first <= last")
        out.append(CoreIssue(
            state=state, id=str(it["id"]), label=str(it["label"]), kind=str(it["kind"]),
            match=tuple(x.lower() for x in terms),
            exclude=tuple(x.lower() for x in it.get("exclude", [])),
            years=tuple(years) if years else None,  # type: ignore[arg-type]
            symbols=tuple(str(s) for s in it.get("symbols", [])),
            why=str(it.get("why", "")), source=source))
    return out


def load_core_issues(extra: str | Path | Sequence[str | Path] | None = None,
                     *, shipped: bool = True) -> list[CoreIssue]:
    """The core-issue mapping: the shipped ``bilat/reference/data/core_issues.toml`` plus
    any files in ``extra`` and in ``$BILAT_CORE_ISSUES`` (same format; an entry with the same
    state and id replaces the earlier one, so a user file can correct or add any state).

    Format and provenance: ``bilat/reference/data/CORE_ISSUES_SOURCES.md``. E221 names the
    file and line of a malformed entry.
    """
    import os
    from importlib import resources

    texts: list[tuple[str, str]] = []
    if shipped:
        texts.append((resources.files("bilat.reference").joinpath(
            "data/core_issues.toml").read_text("utf-8"), "shipped core_issues.toml"))
    files: list[str | Path] = []
    env = os.environ.get(CORE_ISSUES_ENV, "").strip()
    if env:
        files += [x for x in env.split(os.pathsep) if x]
    if extra is not None:
        files += [extra] if isinstance(extra, str | Path) else list(extra)
    for f in files:
        try:
            texts.append((Path(f).read_text(encoding="utf-8"), str(f)))
        except (OSError, UnicodeDecodeError) as exc:
            raise error("E221", path=f, line=1, reason=f"cannot read it ({exc})") from exc
    found: dict[tuple[str, str], CoreIssue] = {}
    for text, src in texts:
        for ci in _parse_core_file(text, src):
            found[(ci.state, ci.id)] = ci
    out: list[CoreIssue] = []
    per_state: dict[str, int] = {}
    for ci in found.values():
        k = per_state.get(ci.state, 0)
        per_state[ci.state] = k + 1
        out.append(replace(ci, rank=k))
    return out


#: A ``descr`` that is a stretch of the meeting record, not a description (some unvotes rows
#: of 1997–2017 hold the President's words, naming sponsors and other items): not matched.
_MEETING_TEXT = re.compile(r"^\s*(?:the (?:acting )?president|mr\.|ms\.|mrs\.)|recorded vote "
                           r"has been requested|draft resolution [a-z]\b", re.IGNORECASE)


def _core_text(df: pd.DataFrame) -> pd.Series:
    """Lower-cased title, description (unless it is meeting text), agenda and the UN Digital
    Library title of a linked record: the text core issues are matched in."""
    parts = []
    for c in ("title", "descr", "agenda", "title_undl"):
        if c not in df:
            continue
        col = df[c].fillna("").astype(str)
        if c == "descr":
            col = col.where(~col.str.contains(_MEETING_TEXT) & (col.str.len() <= 600), "")
        parts.append(col)
    text = parts[0]
    for p in parts[1:]:
        text = text + " | " + p
    return text.str.replace("\u2019", "'", regex=False).str.lower()


def mark_core_issues(df: pd.DataFrame, states: Sequence[str],
                     mapping: Sequence[CoreIssue]) -> pd.DataFrame:
    """Add the core-issue columns to roll calls (needs ``title``, ``descr``, ``symbol``,
    ``date``): ``core_of`` (the state whose core issue it is; several joined by ``,``),
    ``core_issue`` (its id), ``core_label``, ``core_kind``, ``core_match`` (the word or symbol
    that matched). Only the mapping's entries for ``states`` count: a state merely named in a
    title is not a core issue unless the mapping says so."""
    text = _core_text(df)
    years = pd.to_datetime(df["date"]).dt.year
    cols = {k: [None] * len(df) for k in ("core_of", "core_issue", "core_label", "core_kind",
                                           "core_match", "core_rank")}
    entries = sorted([ci for ci in mapping if ci.state in states],
                     key=lambda ci: (CORE_KINDS.index(ci.kind), ci.rank,
                                     states.index(ci.state)))
    for i, (tx, sym, yr) in enumerate(zip(text, df["symbol"], years, strict=True)):
        hits = []
        for ci in entries:
            got = ci.matches(tx, sym if isinstance(sym, str) else None,
                             None if yr != yr else int(yr))
            if got:
                hits.append((ci, got))
        if hits:
            owners = list(dict.fromkeys(ci.state for ci, _ in hits))
            first = hits[0][0]
            cols["core_of"][i] = ",".join(owners)
            cols["core_issue"][i] = first.id
            cols["core_label"][i] = first.label
            cols["core_kind"][i] = first.kind
            cols["core_match"][i] = hits[0][1]
            cols["core_rank"][i] = first.rank
    out = df.copy()
    for k, v in cols.items():
        out[k] = v
    return out


def _full_title(df: pd.DataFrame) -> pd.Series:
    """The one title every view shows for a roll call: the UN Digital Library title where held
    (``title_undl``), else the description unless it is meeting text, else the source title."""
    descr = df["descr"].astype(object).where(
        df["descr"].notna() & ~df["descr"].fillna("").astype(str).str.contains(_MEETING_TEXT),
        None)
    return df["title_undl"].astype(object).where(
        df["title_undl"].notna(), descr.where(descr.notna(), df["title"].astype(object)))


# ----------------------------------------------------------------------------- pair roll calls
def _pair_votes(store: Store, a3: str, b3: str, rng: Any, issue: str | None,
                body: str) -> pd.DataFrame:
    """Every roll call on which both A and B cast a recorded vote, with tally and salience."""
    rc = _rollcalls(store, rng, issue, body, False)
    v = _table(store, "un_votes")
    rec = v.filter(v.vote_num.notnull())
    va = rec.filter(rec.iso3 == a3).select("vote_id", vote_a=rec.vote, xa=rec.vote_num)
    vb = rec.filter(rec.iso3 == b3).select("vote_id", vote_b=rec.vote, xb=rec.vote_num)
    j = rc.join(va, "vote_id").join(vb, "vote_id")
    tally = rec.semi_join(j, "vote_id").group_by("vote_id").aggregate(
        c_yes=(rec.vote == "yes").sum(), c_no=(rec.vote == "no").sum(),
        c_abstain=(rec.vote == "abstain").sum(),
    )
    j = j.join(tally, "vote_id", how="left")
    df = j.select(
        "vote_id", "rcid", "undl_id", "date", "session", "symbol", "title", "descr", "agenda",
        "issues", "important", "vote_a", "vote_b", "xa", "xb", "total_yes", "total_no",
        "total_abstain", "c_yes", "c_no", "c_abstain", "source", "also_in", "n_disagree",
        "url", "title_undl",
    ).to_pandas()
    official = df["total_yes"].notna()
    df["yes"] = df["total_yes"].where(official, df["c_yes"]).astype("int64")
    df["no"] = df["total_no"].where(official, df["c_no"]).astype("int64")
    df["abstain"] = df["total_abstain"].where(official, df["c_abstain"]).fillna(0).astype(
        "int64")
    df["tally_source"] = np.where(official, "official", "stored votes")
    df["distance"] = (df["xa"] - df["xb"]).abs() / 2
    cast = (df["yes"] + df["no"] + df["abstain"]).replace(0, np.nan)
    df["contest"] = (1 - (df["yes"] - df["no"]).abs() / cast).fillna(0)
    df["important"] = df["important"].astype("boolean")
    imp = df["important"].fillna(False).astype(float)
    by_issue = _pair_counts(store, pairs=[tuple(sorted((a3, b3)))], years=rng, issue=issue,
                            by="issue", body=body, important_only=False, ids=False)
    ia = _indices(by_issue).select("period", "agree").to_pandas()
    agree_in = dict(zip(ia["period"], ia["agree"], strict=True))
    df["issue_agree"] = df["issues"].map(
        lambda codes: max((agree_in.get(c, 0.0) for c in codes), default=None)
        if codes is not None and len(codes) else agree_in.get("none", 0.0)).astype(float)
    df["salience"] = 2 * imp + df["distance"] + df["contest"] + df["issue_agree"]
    df["tally"] = (df["yes"].astype(str) + "–" + df["no"].astype(str) + "–"
                   + df["abstain"].astype(str))
    df["issues"] = df["issues"].map(lambda x: ",".join(x) if x is not None else "")
    df["short"] = df["descr"].where(df["descr"].notna() & (df["descr"] != ""), df["title"])
    df["full_title"] = _full_title(df)  # the title `votes search` shows (UN Digital Library)
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df["n_disagree"] = df["n_disagree"].fillna(0).astype("int64")
    df.insert(0, "a", a3)
    df.insert(1, "b", b3)
    return df


_VERB = {"yes": "voted yes", "no": "voted no", "abstain": "abstained"}


def _reasons(df: pd.DataFrame) -> pd.Series:
    out = []
    for r in df.itertuples(index=False):
        if not isinstance(r.core_of, str) or not r.core_of:
            out.append("")
            continue
        owner = r.core_of.split(",")[0]
        other = r.b if owner == r.a else r.a
        v_owner = r.vote_a if owner == r.a else r.vote_b
        v_other = r.vote_b if owner == r.a else r.vote_a
        stance = (f"{other} did not vote with {owner}" if v_owner != v_other
                  else f"{other} voted with {owner}")
        both = (" (also a core issue of " + ", ".join(r.core_of.split(",")[1:]) + ")"
                if "," in r.core_of else "")
        out.append(f"{owner}'s core issue '{r.core_label}' ({r.core_kind}; matched "
                   f"'{r.core_match}'){both}: {owner} {_VERB.get(v_owner, v_owner)}, {other} "
                   f"{_VERB.get(v_other, v_other)}: {stance}")
    return pd.Series(out, index=df.index, dtype=object)


_PAIR_COLS = ["a", "b", "vote_id", "rcid", "undl_id", "symbol", "date", "session", "short",
              "full_title", "title", "issues", "important", "vote_a", "vote_b", "split", "core",
              "core_of",
              "core_issue", "core_label", "core_kind", "core_match", "reason", "tally", "yes",
              "no", "abstain", "tally_source", "distance", "contest", "issue_agree", "salience",
              "source", "also_in", "n_disagree", "url"]


def _with_core(df: pd.DataFrame, a3: str, b3: str, mapping: Sequence[CoreIssue]) -> pd.DataFrame:
    df = mark_core_issues(df, [a3, b3], mapping)
    df["core"] = df["core_of"].notna()
    df["split"] = df["vote_a"] != df["vote_b"]
    df["reason"] = _reasons(df)
    df["_kind"] = df["core_kind"].map(lambda k: CORE_KINDS.index(k) if k in CORE_KINDS else 9)
    return df


def divergent(
    store: Store,
    a: str,
    b: str,
    *,
    years: str | Sequence[int] | None = None,
    issue: str | None = None,
    limit: int | None = 20,
    body: str = "GA",
    core_issues: str | Path | Sequence[str | Path] | None = None,
    mapping: Sequence[CoreIssue] | None = None,
) -> pd.DataFrame:
    """Roll calls where A and B voted differently: first those on either side's **core
    issues** (the other did not vote with it; ``reason`` says whose issue, which word matched
    and how each voted), then the rest, most salient first.

    Core issues come from :func:`load_core_issues` (the shipped mapping plus ``core_issues``
    files). Core splits are ordered by kind (territory, conduct, dispute), then the issue's
    place in the mapping (each state's issues are listed most important first: for Russia
    Ukraine before Georgia), distance, salience and date; all are listed whatever ``limit``
    is, which bounds the rest.

    ``salience = 2·important + distance + contest + issue_agree`` (0 to 5), where

    - ``important`` is 1 for a vote on the State Department's important-votes list;
    - ``distance`` is 1 for yes against no and ½ for an abstention against a yes or no;
    - ``contest = 1 − |yes − no| / (yes + no + abstain)``: 1 for a tied vote, 0 for a
      unanimous one (the *margin*: parting ways on a close vote matters more);
    - ``issue_agree`` is the pair's own agreement (``agree``) over the same years in the roll
      call's issue area (the highest among its codes; uncoded votes: among uncoded votes), so
      a split in an area where the two usually vote together ranks above one in an area
      where they always differ.

    The tally is the official one where the source gives it (UNDL), else counted from the
    stored votes (``tally_source``). ``source``/``also_in`` say which data hold the roll call
    and ``n_disagree`` how many states' votes the two sources record differently
    (:func:`source_disagreements`). Ties: newest first. ``df.attrs["warnings"]`` carries
    coverage warnings.
    """
    rng = parse_years(years)
    issue = _check_issue(issue)
    a3, b3 = _state(a), _state(b)
    if a3 == b3:
        raise error("E216", value=a3)
    if limit is not None and limit < 0:
        raise error("E012", value=limit, option="limit= (--limit)",
                    options="0 (all) or a positive number")
    mapping = list(mapping) if mapping is not None else load_core_issues(core_issues)
    df = _pair_votes(store, a3, b3, rng, issue, body)
    df = _with_core(df[df["xa"] != df["xb"]].copy(), a3, b3, mapping)
    core = df[df["core"]].sort_values(
        ["_kind", "core_rank", "distance", "salience", "date", "vote_id"],
        ascending=[True, True, False, False, False, False])
    rest = df[~df["core"]].sort_values(["salience", "date", "vote_id"],
                                       ascending=[False, False, False])
    if limit is not None:
        rest = rest.head(limit)
    out = pd.concat([core, rest])[_PAIR_COLS].reset_index(drop=True)
    out.attrs["warnings"] = coverage_warnings(store, rng, body)
    return out


def core_issue_votes(
    store: Store,
    a: str,
    b: str,
    *,
    years: str | Sequence[int] | None = None,
    stance: str = "all",
    body: str = "GA",
    core_issues: str | Path | Sequence[str | Path] | None = None,
    mapping: Sequence[CoreIssue] | None = None,
) -> pd.DataFrame:
    """Every common recorded vote of A and B on either side's core issues (the report's
    "core-issue splits"): ``stance="split"`` where the partner did not vote with the state
    whose issue it is, ``"with"`` where it stood with it, ``"all"`` both.

    Columns as :func:`divergent` (``split``, ``core_of``, ``core_issue``, ``core_label``,
    ``core_kind``, ``core_match``, ``reason`` …). Order: splits first, then by kind
    (territory, conduct, dispute), the issue's place in the mapping, distance and date
    (newest first).
    """
    if stance not in ("split", "with", "all"):
        raise error("E223", value=stance)
    rng = parse_years(years)
    a3, b3 = _state(a), _state(b)
    if a3 == b3:
        raise error("E216", value=a3)
    mapping = list(mapping) if mapping is not None else load_core_issues(core_issues)
    df = _with_core(_pair_votes(store, a3, b3, rng, None, body), a3, b3, mapping)
    df = df[df["core"]]
    if stance == "split":
        df = df[df["split"]]
    elif stance == "with":
        df = df[~df["split"]]
    df = df.assign(_s=~df["split"]).sort_values(
        ["_s", "_kind", "core_rank", "distance", "date", "vote_id"],
        ascending=[True, True, True, False, False, False])
    out = df[_PAIR_COLS].reset_index(drop=True)
    out.attrs["warnings"] = coverage_warnings(store, rng, body)
    return out


# ----------------------------------------------------------------------------- search
def search(
    store: Store,
    *,
    text: str | None = None,
    symbol: str | None = None,
    states: Sequence[str] = (),
    years: str | Sequence[int] | None = None,
    body: str | None = None,
) -> pd.DataFrame:
    """Roll calls by words in the title/description/agenda (``text``: every word must occur,
    case-insensitive) or by resolution ``symbol`` (``A/RES/68/262``; older forms such as
    ``R/68/262`` or ``A/RES/1004(ES-II)`` find the same resolution; a symbol without a
    section letter finds every lettered section too — ``A/RES/75/254`` finds
    ``A/RES/75/254A-C`` —, and ``A/RES/75/254B`` finds that section, inside a range
    ``A-C`` as well), with each of ``states``'
    vote as a column named by its ISO3 code (empty: no vote recorded).

    Columns: ``vote_id``, ``body``, ``symbol``, ``date``, ``session`` (text), ``full_title``
    (the UN Digital Library title where held, else the description, else the title), the
    sources' ``title``, ``descr`` and ``title_undl`` (full, never cut), ``tally``
    (yes–no–abstain), ``yes``, ``no``, ``abstain``,
    ``amend``/``para`` (a vote on an amendment or paragraph), ``source``, ``also_in``,
    ``n_disagree``, ``url``, then one column per state. E222 without ``text`` or ``symbol``.
    """
    from bilat.sources.undl_scrape import parse_symbol, unres_key

    if not (text and text.strip()) and not (symbol and symbol.strip()):
        raise error("E222")
    rng = parse_years(years)
    iso = [_state(s) for s in states]
    merged(store)
    where, params = [], []
    if rng:
        where.append("year BETWEEN ? AND ?")
        params += [rng[0], rng[1]]
    if body:
        b = body.upper()
        if b not in ("GA", "SC"):
            raise error("E012", value=body, option="body= (--body)", options="GA, SC")
        where.append("body = ?")
        params.append(b)
    if text and text.strip():
        for word in text.split():
            where.append("lower(coalesce(title, '') || ' ' || coalesce(descr, '') || ' ' || "
                         "coalesce(agenda, '')) LIKE ?")
            params.append("%" + word.lower().replace("%", "").replace("_", "\\_") + "%")
    df = store.con.execute(
        f"SELECT * FROM {MERGED_ROLLCALLS}" + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY date, vote_id", params).df()
    if symbol and symbol.strip():
        want = _norm_symbol(symbol)
        key = (parse_symbol(symbol) or (None, unres_key(symbol)))[1]
        hit = df["symbol"].map(lambda s: isinstance(s, str) and _norm_symbol(s) == want)
        if key:
            ga = df["body"] == "GA"
            parts = [_symbol_parts(u, s) if g else (None, frozenset())
                     for g, u, s in zip(ga, df["unres"], df["symbol"], strict=True)]
            base, letters = _bare(key), key[len(_bare(key)):]
            # the base symbol finds every lettered section (75/254 → 75/254A-C, 75/254 A…);
            # a lettered one finds that section, also inside a range such as A-C
            hit |= pd.Series([b == base and (not letters or letters in ls)
                              for b, ls in parts], index=df.index) & ga
        df = df[hit]
    if len(df):
        ids = list(df["vote_id"])
        counted = store.con.execute(
            f"""SELECT vote_id, sum(CASE WHEN vote = 'yes' THEN 1 ELSE 0 END) AS c_yes,
                       sum(CASE WHEN vote = 'no' THEN 1 ELSE 0 END) AS c_no,
                       sum(CASE WHEN vote = 'abstain' THEN 1 ELSE 0 END) AS c_abstain
                FROM {MERGED_VOTES} WHERE vote_id IN (SELECT unnest(?)) GROUP BY vote_id""",
            [ids]).df()
        df = df.merge(counted, on="vote_id", how="left")
    else:
        df = df.assign(c_yes=[], c_no=[], c_abstain=[])
    for k in ("yes", "no", "abstain"):
        df[k] = df[f"total_{k}"].where(df[f"total_{k}"].notna(), df[f"c_{k}"]).astype("Int64")
    df["tally"] = (df["yes"].astype(str) + "–" + df["no"].astype(str) + "–"
                   + df["abstain"].astype(str))
    df["n_disagree"] = df["n_disagree"].fillna(0).astype("int64")
    df["full_title"] = _full_title(df)
    cols = ["vote_id", "body", "symbol", "date", "session", "full_title", "title", "descr",
            "title_undl", "tally", "yes", "no", "abstain", "amend", "para", "source", "also_in",
            "n_disagree", "url"]
    out = df[cols].copy()
    out["date"] = pd.to_datetime(out["date"]).dt.date
    if iso and len(out):
        votes = store.con.execute(
            f"""SELECT vote_id, iso3, vote FROM {MERGED_VOTES}
                WHERE vote_id IN (SELECT unnest(?)) AND iso3 IN (SELECT unnest(?))""",
            [list(out["vote_id"]), iso]).df()
        wide = votes.pivot_table(index="vote_id", columns="iso3", values="vote",
                                 aggfunc="first")
        out = out.merge(wide, left_on="vote_id", right_index=True, how="left")
    for s in iso:
        if s not in out.columns:
            out[s] = None
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------- report helpers
def affinity_by_year(
    store: Store,
    a: str,
    b: str,
    *,
    refs: Sequence[str | tuple[str, str]] = (),
    years: str | Sequence[int] | None = None,
    index: str = "kappa",
    min_n: int = LOW_N,
    body: str = "GA",
) -> pd.DataFrame:
    """Chance-corrected affinity per year for A–B and its yardsticks, with the percentile of
    each dyad among **all** dyads of that year (the report's vote figure).

    Columns: ``dyad``, ``year``, ``a``, ``b``, ``n``, ``low_n``, ``kappa``, ``pi``, ``s``,
    ``agree`` (agreement, abstention as half — Voeten; beside), ``percentile`` (share of
    that year's dyads with at least ``min_n`` common votes whose ``index`` is at or below
    this dyad's, 0–100; NaN when the dyad's figure is undefined or low_n), ``n_dyads``
    (dyads ranked that year), ``vote_ids``.
    ``refs``: ``("RUS", "BLR")`` or ``"USA-GBR"``. ``df.attrs["warnings"]``: coverage.
    """
    if index not in INDEX_COLS:
        raise error("E213", value=index, options=", ".join(INDEX_COLS))
    df = affinity(store, a, b, years=years, by="year", ref=list(refs), body=body, min_n=min_n)
    warnings = df.attrs.get("warnings", [])
    rng = parse_years(years)
    allp = dyads(store, years=rng, by="year", body=body)
    allp = allp[(allp["n"] >= min_n) & allp[index].notna()]
    pct, nd = [], []
    groups = {int(k): g[index].to_numpy() for k, g in allp.groupby("period")}
    for yr, val, low in zip(df["period"], df[index], df["low_n"], strict=True):
        arr = groups.get(int(yr), np.array([]))
        nd.append(len(arr))
        pct.append(float((arr <= val).mean() * 100) if len(arr) and val == val and not low
                   else np.nan)
    df["percentile"] = pct
    df["n_dyads"] = nd
    df["year"] = df["period"].astype(int)
    cols = ["dyad", "year", "a", "b", "n", "low_n", "kappa", "pi", "s", "agree", "percentile",
            "n_dyads", "vote_ids"]
    extra = [index] if index not in cols else []
    out = df[cols[:10] + extra + cols[10:]].reset_index(drop=True)
    out.attrs["warnings"] = warnings
    return out


# ----------------------------------------------------------------------------- ideal points
#: Ideal-point estimates: the year file's three and the session file's one.
ESTIMATES = {
    "fp": "Voeten July 2025, by year, final-passage votes (idealpointfp; 1946–2024)",
    "all": "Voeten July 2025, by year, all votes incl. amendments and paragraphs "
           "(idealpointall; 1946–2023)",
    "legacy": "Voeten July 2025, session estimate placed at year = session + 1945 "
              "(idealpointlegacy; to 2023)",
    "session": "Voeten June 2024, by session (IdealPointAll; sessions 1–78, 1946–2024)",
}
_IP_NEXT = "bilat fetch idealpoints --mirror DIR (folders unga/voeten-2024, unga/voeten-2025)"


def _ip_frame(store: Store, estimate: str) -> tuple[str, str]:
    """(SQL selecting iso3, period, period_label, ideal, q5, q95, n_votes, source, table)."""
    if estimate not in ESTIMATES:
        raise error("E219", value=estimate, options=", ".join(ESTIMATES))
    if estimate == "session":
        table = "un_idealpoints_session"
        sql = ("SELECT iso3, session_year AS year, session, ideal_point AS ideal, q5, q95, "
               "n_votes FROM un_idealpoints_session WHERE ideal_point IS NOT NULL")
    else:
        table = "un_idealpoints_year"
        q5 = f"q5_{estimate}" if estimate != "legacy" else "NULL"
        q95 = f"q95_{estimate}" if estimate != "legacy" else "NULL"
        sql = (f"SELECT iso3, year, CAST(NULL AS VARCHAR) AS session, "
               f"ideal_point_{estimate} AS ideal, {q5} AS q5, {q95} AS q95, "
               f"n_votes_{estimate} AS n_votes FROM un_idealpoints_year "
               f"WHERE ideal_point_{estimate} IS NOT NULL")
    if not _exists(store, table):
        raise error("E218", what=f"estimate {estimate!r}", hint=f"load them with `{_IP_NEXT}`")
    return sql, table


def idealpoint_states(
    store: Store,
    states: Sequence[str] | None = None,
    *,
    years: str | Sequence[int] | None = None,
    estimate: str = "fp",
) -> pd.DataFrame:
    """Ideal points per state and year (or session): ``iso3``, ``year``, ``session`` (text;
    ``estimate="session"`` only), ``ideal``, ``q5``/``q95`` (the 90 % posterior interval),
    ``n_votes`` (votes the estimate rests on), ``estimate``, ``source``. Published figures of
    Bailey, Strezhnev & Voeten (2017) as released by Voeten (see :data:`ESTIMATES`)."""
    rng = parse_years(years)
    sql, _ = _ip_frame(store, estimate)
    where, params = [], []
    if rng:
        where.append("year BETWEEN ? AND ?")
        params += [rng[0], rng[1]]
    if states:
        iso = [_state(s) for s in states]
        where.append("iso3 IN (SELECT unnest(?))")
        params.append(iso)
    df = store.con.execute(f"SELECT * FROM ({sql})" + (" WHERE " + " AND ".join(where)
                                                       if where else "")
                           + " ORDER BY iso3, year", params).df()
    if estimate != "session":
        df = df.drop(columns="session")
    df["estimate"] = estimate
    df["source"] = ESTIMATES[estimate]
    return df


def idealpoint_distances(
    store: Store,
    *,
    years: str | Sequence[int] | None = None,
    estimate: str = "fp",
) -> pd.DataFrame:
    """Ideal-point distance ``|ideal_a − ideal_b|`` for **every** dyad (a < b) and year, with
    its percentile among that year's dyads (0 = the closest pair of the year).

    Columns: ``year``, ``a``, ``b`` (ISO3, categorical), ``ideal_a``, ``ideal_b``,
    ``distance``, ``percentile`` (share of the year's dyads at or below this distance,
    0–100), ``n_dyads``. The state-years are read once from the store; the pairs of each year
    are formed and ranked with NumPy (upper triangle, one sort per year): the full table,
    1946–2024, ≈ 0.9 million dyad-years, in about a second (``benchmarks/bench_idealpoints.py``).
    """
    rng = parse_years(years)
    sql, _ = _ip_frame(store, estimate)
    where = f"WHERE year BETWEEN {int(rng[0])} AND {int(rng[1])}" if rng else ""
    store.con.execute("SET enable_progress_bar = false")
    pts = store.con.sql(
        f"""SELECT iso3, year, any_value(ideal) AS ideal FROM ({sql}) {where}
            GROUP BY iso3, year ORDER BY year, iso3""").to_arrow_table().to_pandas()
    yrs = pts["year"].to_numpy()
    x = pts["ideal"].to_numpy(dtype="float64")
    codes, cats = pd.factorize(pts["iso3"], sort=True)
    cuts = np.flatnonzero(np.diff(yrs)) + 1
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("year", "a", "b", "ideal_a",
                                                          "ideal_b", "distance", "percentile",
                                                          "n_dyads")}
    for s0, e0 in zip(np.r_[0, cuts], np.r_[cuts, len(yrs)], strict=True):
        i, j = np.triu_indices(int(e0 - s0), 1)
        if not len(i):
            continue
        i, j = i + s0, j + s0
        d = np.abs(x[i] - x[j])
        ranked = np.sort(d)
        parts["year"].append(np.full(len(d), yrs[s0]))
        parts["a"].append(codes[i])
        parts["b"].append(codes[j])
        parts["ideal_a"].append(x[i])
        parts["ideal_b"].append(x[j])
        parts["distance"].append(d)
        parts["percentile"].append(np.searchsorted(ranked, d, side="right") * (100 / len(d)))
        parts["n_dyads"].append(np.full(len(d), len(d)))
    if not parts["year"]:
        return pd.DataFrame({k: [] for k in parts})
    cols = {k: np.concatenate(v) for k, v in parts.items()}
    cols["a"] = pd.Categorical.from_codes(cols["a"], cats)
    cols["b"] = pd.Categorical.from_codes(cols["b"], cats)
    return pd.DataFrame(cols)


def idealpoints(
    store: Store,
    a: str,
    b: str,
    *,
    refs: Sequence[str | tuple[str, str]] = (),
    years: str | Sequence[int] | None = None,
    estimate: str = "fp",
    min_votes: int = LOW_N,
) -> pd.DataFrame:
    """Ideal-point distance of A–B per year (or session) with its yardsticks: the reference
    dyads' distances and the dyad's percentile among all dyads of that year.

    Columns: ``dyad``, ``year``, ``session`` (session estimate only, text), ``a``, ``b``,
    ``ideal_a``, ``ideal_b``, ``distance`` (``|ideal_a − ideal_b|``, the field's measure of how
    far two states stand apart: Bailey, Strezhnev & Voeten 2017), ``percentile`` (0 = closest
    pair of the year), ``n_dyads``, ``q5_a``/``q95_a``/``q5_b``/``q95_b`` (90 % intervals),
    ``overlap90`` (the two intervals overlap: the distance is not clearly above zero),
    ``n_votes_a``/``n_votes_b``, ``low_n`` (either estimate rests on fewer than ``min_votes``
    votes), ``rollcalls_held`` (GA roll calls of that year in this store), ``basis`` (every
    figure is Voeten's published estimate; the label says whether bilat also holds that
    year's roll calls — 2022–2024 it does not), ``source``. ``df.attrs["warnings"]``: years
    asked for past the estimates. E218 names what to load or which years exist.
    """
    rng = parse_years(years)
    asked = _pairs_arg(a, b, refs)
    sql, _ = _ip_frame(store, estimate)
    pts = store.con.execute(f"SELECT * FROM ({sql})").df()
    if pts.empty:
        raise error("E218", what=f"estimate {estimate!r}", hint=f"load them with `{_IP_NEXT}`")
    held = (int(pts["year"].min()), int(pts["year"].max()))
    if rng:
        pts = pts[pts["year"].between(rng[0], rng[1])]
    if pts.empty:
        raise error("E218", what=f"{rng[0]}–{rng[1]}" if rng else "these years",
                    hint=f"the {estimate!r} estimates cover {held[0]}–{held[1]}")
    dist = idealpoint_distances(store, years=rng, estimate=estimate)
    key = "session" if estimate == "session" else "year"
    frames = []
    for x, y in asked:
        pa_ = pts[pts["iso3"] == x].set_index(key)
        pb_ = pts[pts["iso3"] == y].set_index(key)
        idx = pa_.index.intersection(pb_.index)
        f = pd.DataFrame({
            "dyad": f"{x}–{y}", key: idx, "a": x, "b": y,
            "ideal_a": pa_.loc[idx, "ideal"].to_numpy(),
            "ideal_b": pb_.loc[idx, "ideal"].to_numpy(),
            "q5_a": pa_.loc[idx, "q5"].to_numpy(), "q95_a": pa_.loc[idx, "q95"].to_numpy(),
            "q5_b": pb_.loc[idx, "q5"].to_numpy(), "q95_b": pb_.loc[idx, "q95"].to_numpy(),
            "n_votes_a": pa_.loc[idx, "n_votes"].to_numpy(),
            "n_votes_b": pb_.loc[idx, "n_votes"].to_numpy(),
        })
        if key == "session":
            f["year"] = pa_.loc[idx, "year"].to_numpy()
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    if out.empty:
        raise error("E218", what=f"{asked[0][0]}–{asked[0][1]}",
                    hint=f"no year in which both have an estimate ({estimate!r} covers "
                         f"{held[0]}–{held[1]})")
    out["distance"] = (out["ideal_a"] - out["ideal_b"]).abs()
    lo, hi = np.minimum(out["a"], out["b"]), np.maximum(out["a"], out["b"])
    wanted = [dist[(dist["a"] == x) & (dist["b"] == y)]
              for x, y in {(min(p), max(p)) for p in asked}]
    d = pd.concat(wanted, ignore_index=True) if wanted else dist.head(0)
    d = pd.DataFrame({"year": d["year"].astype("int64"), "_lo": d["a"].astype(str),
                      "_hi": d["b"].astype(str), "percentile": d["percentile"],
                      "n_dyads": d["n_dyads"]})
    out = out.assign(_lo=lo, _hi=hi, year=out["year"].astype("int64")).merge(
        d, on=["year", "_lo", "_hi"], how="left")
    overlap = out[["q5_a", "q5_b"]].max(axis=1) <= out[["q95_a", "q95_b"]].min(axis=1)
    out["overlap90"] = overlap.astype("boolean").mask(
        out[["q5_a", "q5_b", "q95_a", "q95_b"]].isna().any(axis=1))
    out["low_n"] = (out[["n_votes_a", "n_votes_b"]].min(axis=1) < min_votes)
    held_years = {}
    try:
        merged(store)
        held_years = dict(store.con.execute(
            f"SELECT year, count(*) FROM {MERGED_ROLLCALLS} WHERE body = 'GA' GROUP BY year"
        ).fetchall())
    except Exception:  # noqa: BLE001 - no roll calls loaded: every figure is published-only
        held_years = {}
    out["rollcalls_held"] = out["year"].map(lambda y: int(held_years.get(int(y), 0)))
    out["basis"] = np.where(
        out["rollcalls_held"] > 0,
        "published estimate (bilat also holds this year's roll calls)",
        "published estimate only: no roll calls for this year in the store")
    out["source"] = ESTIMATES[estimate]
    out["estimate"] = estimate
    out = out.sort_values(["dyad", "year"] + (["session"] if key == "session" else []),
                          key=lambda s: s.map({f"{x}–{y}": i for i, (x, y) in
                                               enumerate(asked)}) if s.name == "dyad" else s,
                          kind="stable")
    cols = ["dyad", "year", *(["session"] if key == "session" else []), "a", "b", "ideal_a",
            "ideal_b", "distance", "percentile", "n_dyads", "overlap90", "q5_a", "q95_a",
            "q5_b", "q95_b", "n_votes_a", "n_votes_b", "low_n", "rollcalls_held", "basis",
            "estimate", "source"]
    res = out[cols].reset_index(drop=True)
    warn = []
    if rng and rng[1] > held[1]:
        gap = str(rng[1]) if rng[1] == held[1] + 1 else f"{held[1] + 1}–{rng[1]}"
        warn.append(f"the {estimate!r} ideal points end in {held[1]}: none for {gap}"
                    + ("; the 'fp' estimate reaches 2024" if estimate != "fp" else ""))
    if rng and rng[0] < held[0]:
        warn.append(f"the {estimate!r} ideal points start in {held[0]}")
    lo_asked = rng[0] if rng else held[0]
    for dyad, g in res.groupby("dyad", sort=False):
        first = int(g["year"].min())
        if first > max(lo_asked, held[0]):
            x, y = g["a"].iloc[0], g["b"].iloc[0]
            why = ("; before 25 Oct 1971 the China seat was the Republic of China's (TWN)"
                   if "CHN" in (x, y) and first >= 1971 else "")
            warn.append(f"{dyad}: both states have estimates only from {first}{why}")
    res.attrs["warnings"] = warn
    return res


def idealpoints_chart(df: pd.DataFrame, title: str | None = None) -> Any:
    """A Vega-Lite line chart (Altair) of the ideal-point distance per year, one line per
    dyad, from an :func:`idealpoint_distances` frame ``df`` (columns ``year``, ``dyad``,
    ``distance``: absolute difference of the two states' ideal points, Bailey, Strezhnev &
    Voeten 2017, in ideal-point units); ``title`` overrides the default. Returns the chart
    (save it with :func:`bilat.report.charts.save_chart`)."""
    from bilat.report.charts import time_chart

    data = df[["dyad", "year", "distance", "percentile", "basis"]].copy()
    data["year"] = data["year"].astype(int)
    return time_chart(data, x="year", y="distance", color="dyad",
                      tooltip=["percentile", "basis"],
                      y_title="ideal-point distance (Voeten, published)",
                      title=title or "UN General Assembly ideal-point distance (Bailey, "
                      "Strezhnev & Voeten; published estimates)")


# ----------------------------------------------------------------------------- Security Council
def vetoes(
    store: Store,
    a: str | None = None,
    b: str | None = None,
    *,
    years: str | Sequence[int] | None = None,
    by: str = "veto",
    joint_only: bool = False,
) -> pd.DataFrame:
    """Security Council vetoes (World Politics Data Lab list, Feb 1946 – Jul 2022).

    ``by="veto"``: one row per vetoed draft — ``date``, ``year``, ``draft``,
    ``meeting_record``, ``agenda_item``, ``crisis_topic``, ``region``, ``vetoed_by`` (ISO3,
    ``;``-joined; USSR → RUS), ``vetoed_by_as_given``, ``n_vetoing``, and with A and B:
    ``veto_a``, ``veto_b``, ``joint`` (both vetoed the same draft); ``joint_only`` keeps those.
    ``by="year"`` (A and B needed): per year ``vetoes`` (all drafts vetoed), ``vetoes_a``,
    ``vetoes_b``, ``joint``, then the pair's Security Council votes on **adopted** resolutions
    where the UN Digital Library scrape has them (vetoed drafts and procedural votes are not
    in it): ``sc_resolutions`` (both voted), ``sc_same``, ``sc_a_abstain_b_yes``,
    ``sc_b_abstain_a_yes``, ``sc_other_split``. Years without a veto list or scrape row are
    NaN, never 0. E220 when no veto list is loaded.
    """
    if by not in ("veto", "year"):
        raise error("E012", value=by, option="by= (--by)", options="veto, year")
    if not _exists(store, "unsc_vetoes"):
        raise error("E220")
    rng = parse_years(years)
    a3 = _state(a) if a else None
    b3 = _state(b) if b else None
    if by == "year" and (a3 is None or b3 is None):
        raise error("E012", value=a or b or "", option="a, b (A B) with by=\"year\" (--by year)",
                    options="two states, e.g. RUS CHN")
    if a3 and b3 and a3 == b3:
        raise error("E216", value=a3)
    df = store.con.execute("SELECT * FROM unsc_vetoes ORDER BY date, veto_id").df()
    last = df["date"].max()
    if rng:
        df = df[df["year"].between(rng[0], rng[1])]
    df["date"] = pd.to_datetime(df["date"]).dt.date
    sets = df["vetoed_by"].fillna("").str.split(";")
    for side, iso in (("a", a3), ("b", b3)):
        if iso:
            df[f"veto_{side}"] = sets.map(lambda s, iso=iso: iso in s)
    if a3 and b3:
        df["joint"] = df["veto_a"] & df["veto_b"]
    warn = []
    if rng and rng[1] > pd.Timestamp(last).year:
        warn.append(f"the veto list ends {pd.Timestamp(last).date()} (World Politics Data Lab, "
                    "to July 2022): later vetoes such as S/2022/720, S/2023/792 and S/2024/239 "
                    "are missing")
    if by == "veto":
        if joint_only and a3 and b3:
            df = df[df["joint"]]
        cols = ["veto_id", "date", "year", "draft", "meeting_record", "agenda_item",
                "crisis_topic", "region", "vetoed_by", "vetoed_by_as_given", "n_vetoing"]
        cols += [c for c in ("veto_a", "veto_b", "joint") if c in df.columns]
        out = df[cols].reset_index(drop=True)
        out.attrs["warnings"] = warn
        return out
    per = df.groupby("year").agg(vetoes=("veto_id", "size"), vetoes_a=("veto_a", "sum"),
                                 vetoes_b=("veto_b", "sum"), joint=("joint", "sum"))
    lo = rng[0] if rng else int(min(df["year"].min(), 1946))
    hi = rng[1] if rng else int(pd.Timestamp(last).year)
    frame = pd.DataFrame({"year": range(lo, hi + 1)})
    frame = frame.merge(per.reset_index(), on="year", how="left")
    in_list = frame["year"] <= pd.Timestamp(last).year
    for c in ("vetoes", "vetoes_a", "vetoes_b", "joint"):
        frame[c] = frame[c].where(~in_list | frame[c].notna(), 0).astype("Int64")
        frame.loc[~in_list, c] = pd.NA
    sc = sc_votes(store, a3, b3, years=(lo, hi)) if _exists(store, SCRAPE_TABLE) or \
        _exists(store, "un_rollcalls") else pd.DataFrame()
    if len(sc):
        sc["year"] = pd.to_datetime(sc["date"]).dt.year
        g = sc.groupby("year")
        agg = pd.DataFrame({
            "sc_resolutions": g.size(),
            "sc_same": g.apply(lambda x: int((x["vote_a"] == x["vote_b"]).sum())),
            "sc_a_abstain_b_yes": g.apply(lambda x: int(((x["vote_a"] == "abstain")
                                                         & (x["vote_b"] == "yes")).sum())),
            "sc_b_abstain_a_yes": g.apply(lambda x: int(((x["vote_b"] == "abstain")
                                                         & (x["vote_a"] == "yes")).sum())),
        }).reset_index()
        agg["sc_other_split"] = agg["sc_resolutions"] - agg["sc_same"] - \
            agg["sc_a_abstain_b_yes"] - agg["sc_b_abstain_a_yes"]
        frame = frame.merge(agg, on="year", how="left")
    for c in ("sc_resolutions", "sc_same", "sc_a_abstain_b_yes", "sc_b_abstain_a_yes",
              "sc_other_split"):
        if c not in frame:
            frame[c] = pd.NA
        frame[c] = frame[c].astype("Int64")
    frame["a"], frame["b"] = a3, b3
    frame.attrs["warnings"] = warn + [
        "Security Council votes: adopted resolutions only, from the UN Digital Library scrape "
        "(to 2021): vetoed drafts and procedural votes are not in it"]
    return frame


def joint_vetoes(store: Store, a: str, b: str, *,
                 years: str | Sequence[int] | None = None) -> pd.DataFrame:
    """The drafts both A and B vetoed (the report's figure): :func:`vetoes` with
    ``joint_only=True``; ``len()`` is the count."""
    return vetoes(store, a, b, years=years, joint_only=True)


def sc_votes(
    store: Store,
    a: str,
    b: str,
    *,
    years: str | Sequence[int] | None = None,
) -> pd.DataFrame:
    """A's and B's votes on Security Council resolutions where both voted (**adopted
    resolutions only**: the UN Digital Library records votes on resolutions; vetoed drafts and
    procedural votes are not in it): ``vote_id``, ``symbol``, ``date``, ``title``, ``vote_a``,
    ``vote_b``, ``same``, ``tally``, ``source``, ``url``."""
    rng = parse_years(years)
    a3, b3 = _state(a), _state(b)
    rc = _rollcalls(store, rng, None, "SC", False)
    v = _table(store, "un_votes")
    va = v.filter(v.iso3 == a3).select("vote_id", vote_a=v.vote)
    vb = v.filter(v.iso3 == b3).select("vote_id", vote_b=v.vote)
    j = rc.join(va, "vote_id").join(vb, "vote_id")
    df = j.select("vote_id", "symbol", "date", "title", "vote_a", "vote_b", "total_yes",
                  "total_no", "total_abstain", "source", "url").order_by(
        ["date", "vote_id"]).to_pandas()
    df["same"] = df["vote_a"] == df["vote_b"]
    df["tally"] = (df["total_yes"].astype("Int64").astype(str) + "–"
                   + df["total_no"].astype("Int64").astype(str) + "–"
                   + df["total_abstain"].astype("Int64").astype(str))
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df.insert(0, "a", a3)
    df.insert(1, "b", b3)
    out = df[["a", "b", "vote_id", "symbol", "date", "title", "vote_a", "vote_b", "same",
              "tally", "source", "url"]]
    out.attrs["warnings"] = coverage_warnings(store, rng, "SC")
    return out


# ----------------------------------------------------------------------------- State Dept method
def coincidence(
    store: Store,
    with_: str = "USA",
    year: int = 2019,
    *,
    important_only: bool | None = None,
    compare: str | Path | None = None,
) -> pd.DataFrame:
    """Every state's voting coincidence with ``with_`` in a calendar year, State Dept style.

    Columns ``same`` (identical votes, joint abstentions included), ``opposite`` (yes against
    no), ``partial`` (abstention against yes/no), ``absent`` (roll calls of the year on which
    ``with_`` voted and the state, a member that year, recorded no vote: the unvotes data
    omits absences, so they are inferred), ``coincidence`` = (same + partial/2) / (same +
    opposite + partial) and ``coincidence_yn`` = same yes/no ÷ (same yes/no + opposite), the
    2013–2017 formula. ``important_only`` (default: True before 2018) restricts to the
    important-votes list as the Department's tables of 2013–2017 do. ``compare`` (a
    ``un-coincidence-YYYY.csv`` file or the folder holding them) adds the published figures and
    the differences (see :func:`compare_coincidence`).
    """
    ref = _state(with_)
    if compare is not None and ref != "USA":
        raise error("E012", value=with_,
                    option="with_= (--with) together with compare= (--compare)",
                    options="USA (the State Department tables give coincidence with the US)")
    if important_only is None:
        important_only = year < 2018
    rc = _rollcalls(store, (year, year), None, "GA", important_only)
    v = _table(store, "un_votes")
    rv = v.filter((v.iso3 == ref) & v.vote_num.notnull()).select("vote_id", xr=v.vote_num)
    rv = rv.semi_join(rc, "vote_id")
    n_ref = rv.count().to_pandas()
    if not n_ref:
        raise _no_votes(store, f"{ref} in {year}")
    others = v.filter(v.iso3 != ref)
    # a member that year: a state with a vote of the year recorded as other than "not a
    # member" (Voeten's code 9); a roll call it is recorded as a non-member of is no absence
    members = (others.filter(others.vote != "nonmember").semi_join(rc, "vote_id")
               .select("iso3").distinct())
    grid = members.cross_join(rv)
    nonmember = others.filter(others.vote == "nonmember").select(
        nvid=others.vote_id, niso=others.iso3)
    grid = grid.anti_join(nonmember, [grid.vote_id == nonmember.nvid,
                                      grid.iso3 == nonmember.niso])
    rec = others.filter(others.vote_num.notnull()).select(
        vid=others.vote_id, iso=others.iso3, x=others.vote_num)
    j = grid.left_join(rec, [grid.vote_id == rec.vid, grid.iso3 == rec.iso])
    d = (j.x - j.xr).abs()
    agg = j.group_by("iso3").aggregate(
        same=(d == 0).sum(), partial=(d == 1).sum(), opposite=(d == 2).sum(),
        both_abstain=((j.x == 1) & (j.xr == 1)).sum(),
        absent=(j.x.isnull()).sum(),
        vote_ids=j.vote_id.collect(where=j.x.notnull(), order_by=j.vote_id),
    ).to_pandas()
    for c in ("same", "partial", "opposite", "both_abstain", "absent"):
        # a state absent from every roll call sums NULL comparisons: none of each kind
        agg[c] = agg[c].fillna(0).astype("int64")
    n = agg["same"] + agg["partial"] + agg["opposite"]
    agg["n"] = n
    agg["coincidence"] = ((agg["same"] + agg["partial"] / 2) / n.replace(0, np.nan))
    same_yn = agg["same"] - agg["both_abstain"]
    agg["coincidence_yn"] = same_yn / (same_yn + agg["opposite"]).replace(0, np.nan)
    agg["n_rollcalls"] = int(n_ref)
    agg.insert(0, "with", ref)
    agg.insert(1, "year", year)
    from bilat.reference.countries import country_name

    agg.insert(3, "name", agg["iso3"].map(_safe_name(country_name)))
    agg = agg.sort_values("name").reset_index(drop=True)
    cols = ["with", "year", "iso3", "name", "n", "same", "opposite", "partial", "both_abstain",
            "absent", "coincidence", "coincidence_yn", "n_rollcalls", "vote_ids"]
    agg = agg[cols]
    if compare is not None:
        return compare_coincidence(agg, _table_path(compare, year))
    return agg


def _table_path(compare: str | Path, year: int) -> Path:
    p = Path(compare)
    if p.is_dir():
        cand = p / f"un-coincidence-{year}.csv"
        if not cand.is_file():
            found = sorted(x.stem.rsplit("-", 1)[-1] for x in p.glob("un-coincidence-*.csv"))
            raise error("E214", year=year, path=p, options=", ".join(found) or "none")
        return cand
    return p


def compare_coincidence(ours: pd.DataFrame, table: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Join bilat's coincidence (from :func:`coincidence`) with a published table.

    Adds ``t_*`` (table) columns, count differences ``d_*`` (bilat − table),
    ``ratio_diff`` (bilat − table coincidence; the table is rounded to 2 decimals),
    ``t_total`` (the table's votes: same + opposite + partial + absent) and ``missing``
    (t_total − bilat's roll calls of the year: votes the unvotes data lacks),
    ``t_recomputed`` (the ratio the published counts give by the stated formula) and
    ``ratio_diff_counts`` (bilat − that), and ``explanation``: why the row differs.
    """
    t = table if isinstance(table, pd.DataFrame) else read_statedept_coincidence(table)
    year = int(ours["year"].iloc[0]) if len(ours) else 0
    ours = ours.drop(columns=["vote_ids"], errors="ignore")
    legacy = year < 2018
    t = t.rename(columns={c: f"t_{c}" for c in t.columns if c != "iso3"})
    m = ours.merge(t, on="iso3", how="outer", indicator="side")
    t_partial = m["t_partial"].fillna(0) if not legacy else m["t_partial"].fillna(0)
    m["t_total"] = (m["t_same"] + m["t_opposite"] + t_partial
                    + m["t_abstain"].fillna(0) + m["t_absent"].fillna(0))
    m["d_same"] = m["same"] - m["t_same"]
    m["d_opposite"] = m["opposite"] - m["t_opposite"]
    m["d_partial"] = m["partial"] - m["t_partial"]
    m["d_absent"] = m["absent"] - m["t_absent"]
    ratio = m["coincidence_yn"] if year < 2017 else m["coincidence"]
    m["bilat_ratio"] = ratio
    m["ratio_diff"] = ratio - m["t_coincidence"]
    m["missing"] = m["t_total"] - m["n_rollcalls"].max()
    t_par = m["t_partial"].astype("Float64").fillna(0) if year >= 2017 else 0
    t_den = (m["t_same"] + m["t_opposite"] + t_par).astype("Float64")
    m["t_recomputed"] = ((m["t_same"] + t_par / 2) / t_den.replace(0, np.nan)).astype("float64")
    modal = m.loc[m["side"] == "both", "t_total"].mode()
    modal = modal.iloc[0] if len(modal) else 0
    m["ratio_diff_counts"] = m["bilat_ratio"] - m["t_recomputed"]
    expl = []
    for row in m.itertuples(index=False):
        if row.side == "left_only":
            expl.append("not in the published table (not a UN member that year, or the table "
                        "omits it)")
        elif row.side == "right_only":
            expl.append("no recorded vote of this state in the data for the year")
        else:
            parts = []
            if row.missing and row.missing > 0:
                parts.append(f"the data lacks {int(row.missing)} of the table's "
                             f"{int(row.t_total)} roll calls")
            if row.t_total != modal:
                parts.append(f"the published counts sum to {int(row.t_total)}, not the year's "
                             f"{int(modal)} votes: a count is misprinted in the table")
            over = [k for k in ("same", "opposite", "partial")
                    if getattr(row, f"d_{k}") is not pd.NA and getattr(row, f"d_{k}") > 0]
            if over:
                parts.append("bilat counts more " + "/".join(over) + " than the table from "
                             "fewer votes: the sources code this state's vote differently on "
                             "at least " + str(int(max(getattr(row, f"d_{k}") for k in over)))
                             + " roll call(s)")
            if abs(row.t_recomputed - row.t_coincidence) > 0.006:
                parts.append(f"the published ratio {row.t_coincidence:.2f} does not follow "
                             f"from the published counts ({row.t_recomputed:.3f} by the stated "
                             f"formula; bilat differs from that by {row.ratio_diff_counts:+.3f})")
            if abs(row.ratio_diff) > 0.005 + 1e-9:
                parts.append(f"ratio {row.bilat_ratio:.3f} vs {row.t_coincidence:.2f}")
            else:
                parts.append("ratio equal within the table's rounding")
            if isinstance(row.t_iso_as_published, str) and row.t_iso_as_published != row.iso3:
                parts.append(f"table ISO {row.t_iso_as_published!r} is not a code; matched by "
                             "name")
            expl.append("; ".join(parts))
    m["explanation"] = expl
    m["in"] = m["side"].astype(str).map({"both": "both", "left_only": "bilat only",
                               "right_only": "table only"})
    cols = ["with", "year", "iso3", "name", "t_country", "in", "n", "same", "t_same", "d_same",
            "opposite", "t_opposite", "d_opposite", "partial", "t_partial", "d_partial",
            "absent", "t_absent", "d_absent", "bilat_ratio", "t_coincidence", "t_recomputed",
            "ratio_diff", "ratio_diff_counts", "n_rollcalls", "t_total", "missing",
            "explanation"]
    m["with"] = m["with"].ffill().bfill()
    m["year"] = year
    return m[cols].sort_values(["in", "iso3"]).reset_index(drop=True)


@dataclass
class ComparisonSummary:
    """Aggregate agreement of bilat's coincidence with a published table, for one year."""

    year: int
    states_both: int
    bilat_rollcalls: int
    table_rollcalls: int
    mean_abs_ratio_diff: float
    max_abs_ratio_diff: float
    within_005: int
    within_010: int
    only_bilat: list[str]
    only_table: list[str]


def summarise_comparison(cmp: pd.DataFrame) -> ComparisonSummary:
    """A :class:`ComparisonSummary` of a :func:`compare_coincidence` frame ``cmp`` (one
    year): states in both tables, roll calls counted by bilat and by the State Department's
    table, the mean and largest absolute difference of the coincidence ratios (shares, 0-1)
    and how many states are within 0.05 and 0.10, and the states found in one table only.
    Source: U.S. Department of State, *Voting Practices in the United Nations* (annual)."""
    both = cmp[cmp["in"] == "both"]
    diff = both["ratio_diff"].abs()
    return ComparisonSummary(
        year=int(cmp["year"].iloc[0]),
        states_both=len(both),
        bilat_rollcalls=int(both["n_rollcalls"].max()),
        table_rollcalls=int(both["t_total"].mode().iloc[0]),
        mean_abs_ratio_diff=float(diff.mean()),
        max_abs_ratio_diff=float(diff.max()),
        within_005=int((diff <= 0.05 + 1e-9).sum()),
        within_010=int((diff <= 0.10 + 1e-9).sum()),
        only_bilat=sorted(cmp.loc[cmp["in"] == "bilat only", "iso3"].dropna()),
        only_table=sorted(cmp.loc[cmp["in"] == "table only", "iso3"].dropna()),
    )


def print_coincidence_comparison(store: Store, table_dir: str | Path,
                                 years: Iterable[int] = (2018, 2019), *,
                                 with_: str = "USA") -> list[ComparisonSummary]:
    """Print bilat's State Dept reproduction for ``years``, every state, and a summary."""
    out = []
    with pd.option_context("display.max_rows", None, "display.width", 250,
                           "display.max_columns", None):
        for year in years:
            cmp = coincidence(store, with_, year, compare=table_dir)
            s = summarise_comparison(cmp)
            print(f"\n=== coincidence with {with_}, {year} ===")
            print(cmp.drop(columns=["with", "year", "name"]).to_string(index=False))
            print(f"\n{year}: {s.states_both} states in both; roll calls bilat "
                  f"{s.bilat_rollcalls} vs table {s.table_rollcalls}; |ratio diff| mean "
                  f"{s.mean_abs_ratio_diff:.3f}, max {s.max_abs_ratio_diff:.3f}; within 0.05: "
                  f"{s.within_005}, within 0.10: {s.within_010}; only bilat: {s.only_bilat}; "
                  f"only table: {s.only_table}")
            out.append(s)
    return out


__all__ = [
    "BY", "CHINA_SEAT", "ISSUES", "LOW_N", "METHODS", "ComparisonSummary", "CoreIssue",
    "Coverage", "affinity", "affinity_by_year", "affinity_chart", "affinity_votes",
    "coincidence", "compare_coincidence", "core_issue_votes", "coverage", "coverage_warnings",
    "divergent", "dyads", "idealpoint_distances", "idealpoint_states", "idealpoints",
    "idealpoints_chart", "joint_vetoes", "load_core_issues", "mark_core_issues",
    "membership_reason", "merged", "matrix", "nearest", "parse_years", "predecessors",
    "sc_votes", "search", "seat_years", "side_by_side", "source_disagreements",
    "summarise_comparison", "vetoes",
]
