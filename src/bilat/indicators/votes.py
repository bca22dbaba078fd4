"""UN voting affinity: how often two states vote alike, by period and issue, and where they part.

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
    most resolutions; these are not substitutable with the raw indices.

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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import numpy as np
import pandas as pd

from bilat.errors import error
from bilat.sources.unvotes import ISSUES, read_statedept_coincidence
from bilat.store import Store

#: Method names accepted by :func:`affinity` and the CLI, and the columns each shows.
METHODS: dict[str, tuple[str, ...]] = {
    "agreement": ("agree", "agree_exact", "agree_yn"),
    "coincidence": ("coincidence", "coincidence_yn"),
    "s": ("s",),
    "s2": ("s2",),
    "kappa": ("kappa", "kappa_w"),
    "pi": ("pi", "pi_w"),
}
METHODS["all"] = tuple(dict.fromkeys(c for cols in METHODS.values() for c in cols))
#: Grouping choices for :func:`affinity` and :func:`dyads`.
BY = ("year", "session", "issue", "period")
_NEXT = "bilat fetch unvotes"

COUNT_COLS = ("n", "same", "partial", "opposite", "both_abstain", "a_yes", "a_abstain", "a_no",
              "b_yes", "b_abstain", "b_no")
INDEX_COLS = METHODS["all"]


# ----------------------------------------------------------------------------- options
def parse_years(value: str | Sequence[int] | int | None) -> tuple[int, int] | None:
    """``"2010-2019"``, ``"2014"``, ``(2010, 2019)`` or None → an inclusive (first, last)."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return (value, value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{4})\s*(?:[-:–]\s*(\d{4})\s*)?", value)
        if not m:
            raise error("E212", value=value)
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    else:
        first, last = int(value[0]), int(value[-1])
    if last < first:
        raise error("E212", value=value)
    return (first, last)


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
        raise error("E012", value=by, option="--by", options=", ".join(BY))
    return by


# ----------------------------------------------------------------------------- ibis core
def _table(store: Store, name: str) -> Any:
    """``store.table(name)`` without leaving a half-read result on the connection.

    (``Store.has_table`` reads with ``fetchone()``; DuckDB 2 then refuses the next Ibis call
    on the same connection, so existence is checked here with a fully fetched query.)
    """
    rows = store.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    if not rows or not rows[0][0]:
        raise error("E009", name=name, next_step=_NEXT)
    return store.ibis.table(name)


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
    if by == "session":
        return rc.select("vote_id", period=rc.session.cast("int32"))
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
        raise error("E012", value="more than 32767 roll calls in one query", option="--years",
                    options="a narrower year range")
    periods = _period_rollcalls(rc, by, years)
    states = None if pairs is None else sorted({s for p in pairs for s in p})
    v = _recorded(store, states)
    ids_t = v.select("iso3").distinct().mutate(
        s=ibis.row_number().over(ibis.window(order_by="iso3")).cast("int32"))
    one = ibis.literal(1, "int64")
    vs = v.join(ids_t, "iso3").select(
        "vote_id", "iso3", "s", x=v.vote_num.cast("int64"),
        pk=one << (v.vote_num.cast("int64") * _BITS),
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
        "pd": (one << (e * _BITS)).sum(),
    }
    if ids:
        aggs["vote_ids"] = j.vote_id.collect(order_by=j.vote_id)
    g = j.group_by(["period", "sa", "sb"]).aggregate(**aggs)

    def slot(col: Any, k: int) -> Any:
        # DuckDB sums BIGINT into HUGEINT (Ibis believes int64, so a cast to int64 is dropped):
        # go through uint64 to get plain 64-bit integers before unpacking.
        return ((col.cast("uint64") >> (k * _BITS)) & _MASK).cast("int32")

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
    """Per period: recorded roll calls, and the share adopted without a vote (if known)."""
    rc = _rollcalls(store, rng, issue, body, important_only, recorded_only=False)
    periods = _period_rollcalls(rc, by, rng)
    j = periods.join(rc.select("vote_id", "modality"), "vote_id")
    agg = j.group_by("period").aggregate(
        n_rollcalls=(j.modality.isnull() | (j.modality != "without_vote")).sum(),
        n_modality=j.modality.notnull().sum(),
        n_without_vote=(j.modality == "without_vote").sum(),
    ).to_pandas()
    known = agg["n_modality"] > 0
    agg["share_without_vote"] = np.where(
        known, agg["n_without_vote"] / agg["n_modality"].where(known, 1), np.nan
    )
    return agg.drop(columns=["n_modality"])


def _pairs_arg(a: str, b: str, ref: Iterable[str]) -> list[tuple[str, str]]:
    """The main dyad plus reference dyads: ``"USA"`` → (A, USA), (B, USA); ``"USA-GBR"`` → it."""
    a3, b3 = _state(a), _state(b)
    if a3 == b3:
        raise error("E216", value=a3)
    pairs = [(a3, b3)]
    for item in ref:
        parts = [p for p in re.split(r"[-:,/]", item) if p.strip()]
        if len(parts) == 2:
            pairs.append((_state(parts[0]), _state(parts[1])))
        elif len(parts) == 1:
            r = _state(parts[0])
            pairs += [(a3, r), (b3, r)]
        else:
            raise error("E012", value=item, option="--ref", options="STATE or STATE-STATE")
    seen: set[tuple[str, ...]] = set()
    out = []
    for p in pairs:  # a dyad once, whichever order it was given in
        key = tuple(sorted(p))
        if p[0] != p[1] and key not in seen:
            seen.add(key)
            out.append(p)
    return out


def affinity(
    store: Store,
    a: str,
    b: str,
    *,
    years: str | Sequence[int] | None = None,
    issue: str | None = None,
    method: str = "all",
    by: str = "year",
    ref: Sequence[str] = (),
    body: str = "GA",
    important_only: bool = False,
) -> pd.DataFrame:
    """Voting affinity of A and B (and reference dyads) per year, session, issue or period.

    Columns: ``dyad`` (``A–B`` in the order asked), ``period``, ``a``, ``b``, ``n`` (common
    recorded votes), the 3 × 3 table counts (``same``, ``partial``, ``opposite``,
    ``both_abstain``, each side's yes/abstain/no), the indices of ``method`` (see the module
    docstring), ``n_rollcalls`` (recorded roll calls in the period), ``n_without_vote`` and
    ``share_without_vote`` (resolutions adopted without a vote, where the source records them;
    they are not votes and are left out of every index), ``note``
    and ``vote_ids`` (the roll calls behind the figure; list them with :func:`affinity_votes`).
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
    out["note"] = _notes(out)
    out = out.merge(periods, on="period", how="left")
    if out["n"].sum() == 0 and len(periods) == 0:
        raise error("E210", what=_what(asked[0], rng, issue))
    cols = ["dyad", "period", "a", "b", *COUNT_COLS, *shown, "n_rollcalls", "n_without_vote",
            "share_without_vote", "note", "vote_ids"]
    key = pd.to_numeric(out["period"], errors="coerce")
    out = out.assign(_k=key).sort_values(["_k", "period"], kind="stable").drop(columns="_k")
    order = {d: i for i, d in enumerate(dict.fromkeys(out["dyad"]))}
    out = out.sort_values("dyad", key=lambda s: s.map(order), kind="stable")
    return out[cols].reset_index(drop=True)


def _what(pair: tuple[str, str], rng: Any, issue: str | None) -> str:
    text = f"{pair[0]}–{pair[1]}"
    if rng:
        text += f" in {rng[0]}–{rng[1]}"
    if issue:
        text += f" on issue {issue}"
    return text


def side_by_side(df: pd.DataFrame, index: str = "agree") -> pd.DataFrame:
    """Several dyads over time side by side: one row per period, one column per dyad."""
    wide = df.pivot_table(index="period", columns="dyad", values=index, aggfunc="first",
                          sort=False)
    key = pd.to_numeric(pd.Series(wide.index), errors="coerce")
    wide = wide.iloc[np.lexsort([wide.index.astype(str), key.to_numpy()])]
    return wide.reset_index().rename_axis(columns=None)


def affinity_chart(df: pd.DataFrame, index: str = "agree", title: str | None = None) -> Any:
    """One Vega-Lite line chart of ``index`` over the periods, one line per dyad."""
    from bilat.report.charts import time_chart

    data = df[["dyad", "period", index, "n"]].copy()
    num = pd.to_numeric(data["period"], errors="coerce")
    if num.notna().all():
        data["period"] = num.astype(int)
    return time_chart(data, x="period", y=index, color="dyad", tooltip=["n"],
                      title=title or f"UN General Assembly voting: {index} by {'period'}")


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
    """The individual roll calls behind an affinity figure: each side's vote, one row per vote."""
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
        raise error("E210", what=f"{a3}" + (f" in {rng[0]}–{rng[1]}" if rng else ""))
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
    """The all-pairs matrix for one period: states × states, the first index of ``method``."""
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


# ----------------------------------------------------------------------------- divergent votes
def divergent(
    store: Store,
    a: str,
    b: str,
    *,
    years: str | Sequence[int] | None = None,
    issue: str | None = None,
    limit: int | None = 20,
    body: str = "GA",
) -> pd.DataFrame:
    """Roll calls where A and B voted differently, most salient first.

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
    stored votes (``tally_source``). ``issues`` lists the issue codes; ``issue`` keeps one
    issue only. Ties: newest first.
    """
    rng = parse_years(years)
    issue = _check_issue(issue)
    a3, b3 = _state(a), _state(b)
    if a3 == b3:
        raise error("E216", value=a3)
    if limit is not None and limit < 0:
        raise error("E012", value=limit, option="--limit", options="0 (all) or a positive number")
    rc = _rollcalls(store, rng, issue, body, False)
    v = _table(store, "un_votes")
    rec = v.filter(v.vote_num.notnull())
    va = rec.filter(rec.iso3 == a3).select("vote_id", vote_a=rec.vote, xa=rec.vote_num)
    vb = rec.filter(rec.iso3 == b3).select("vote_id", vote_b=rec.vote, xb=rec.vote_num)
    j = rc.join(va, "vote_id").join(vb, "vote_id")
    j = j.filter(j.xa != j.xb)
    tally = rec.semi_join(j, "vote_id").group_by("vote_id").aggregate(
        c_yes=(rec.vote == "yes").sum(), c_no=(rec.vote == "no").sum(),
        c_abstain=(rec.vote == "abstain").sum(),
    )
    j = j.join(tally, "vote_id", how="left")
    df = j.select(
        "vote_id", "rcid", "date", "session", "symbol", "title", "descr", "issues", "important",
        "vote_a", "vote_b", "xa", "xb", "total_yes", "total_no", "total_abstain", "c_yes", "c_no",
        "c_abstain",
    ).to_pandas()
    official = df["total_yes"].notna()
    df["yes"] = df["total_yes"].where(official, df["c_yes"]).astype("int64")
    df["no"] = df["total_no"].where(official, df["c_no"]).astype("int64")
    df["abstain"] = df["total_abstain"].where(official, df["c_abstain"]).fillna(0).astype("int64")
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
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df = df.sort_values(["salience", "date", "vote_id"], ascending=[False, False, False])
    df.insert(0, "a", a3)
    df.insert(1, "b", b3)
    cols = ["a", "b", "vote_id", "rcid", "symbol", "date", "session", "short", "title",
            "issues", "important", "vote_a", "vote_b", "tally", "yes", "no", "abstain",
            "tally_source", "distance", "contest", "issue_agree", "salience"]
    out = df[cols].reset_index(drop=True)
    return out if limit is None else out.head(limit)


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
        raise error("E012", value=with_, option="--with together with --compare",
                    options="USA (the State Department tables give coincidence with the US)")
    if important_only is None:
        important_only = year < 2018
    rc = _rollcalls(store, (year, year), None, "GA", important_only)
    v = _table(store, "un_votes")
    rv = v.filter((v.iso3 == ref) & v.vote_num.notnull()).select("vote_id", xr=v.vote_num)
    rv = rv.semi_join(rc, "vote_id")
    n_ref = rv.count().to_pandas()
    if not n_ref:
        raise error("E210", what=f"{ref} in {year}")
    others = v.filter(v.iso3 != ref)
    members = others.semi_join(rc, "vote_id").select("iso3").distinct()
    grid = members.cross_join(rv)
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
        agg[c] = agg[c].astype("int64")
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
    """Counts and the spread of ratio differences of a :func:`compare_coincidence` frame."""
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
