"""Evidence for the partnership report: one :class:`Evidence` record per finding, per pillar.

Each collector reads what the store holds for the pair through the public functions of the
pillar (``bilat.indicators.votes``, ``bilat.indicators.events``, ``bilat.text.readouts``,
``bilat.text.lineage`` and, where they are installed, the material, contacts and corpus
modules) and returns a :class:`PillarResult`: its evidence items, a chart-ready frame, the
per-pillar artefacts (readout comparisons, lineage) and its status. A pillar without data for
the pair is ``missing`` with the command that would load it — never skipped, never a zero.

Every :class:`Evidence` carries:

- ``kind`` (what the hypotheses file's rules match, e.g. ``votes.chance_corrected``),
  ``title`` (what was measured), ``value`` with ``unit`` and ``period``;
- ``measures``: the derived quantities the rules read (``ratio_to_yardstick`` = the pair's
  value over the mean of the yardstick dyads' values, ``step_vs_yardstick``, ``split_share``…);
- ``yardsticks``: the same figure for each reference dyad, and ``percentile``: the pair's rank
  among all dyads with data over the same years (where the pillar has all dyads);
- ``trend``: before vs from the split year (default 2014), each with its n;
- ``coverage``: ``n`` (observations behind the figure), first and last date, ``thin`` and a note;
- ``provenance``: vote ids, event ids, or document ids with character offsets.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bilat.store import Store

#: Year the trends split at: Crimea and the first Western sanctions (both seed commentaries).
SPLIT_YEAR = 2014
#: Issue keys that do not make an attributed claim substantive (courtesies, anniversaries).
GENERIC_ISSUES = frozenset({"anniversary", "visits", "people_to_people", "culture"})
#: First year of the default window (the post-Soviet partnership; the votes' and material
#: ties' default when no --years is given).
FIRST_YEAR = 1992
#: Event sources with fewer pair events than this get no contact count (named in the note).
MIN_CONTACT_EVENTS = 10
#: Events a dyad (the pair or a yardstick) needs for its event ratios to be compared: below
#: this the pair's item is thin and a yardstick is left out of the yardstick mean.
MIN_EVENTS = 50
#: Years with data a material figure needs (the pair's and each yardstick's).
MIN_MATERIAL_YEARS = 3
#: Ids kept inline per evidence item (the full lists go to the per-pillar files).
MAX_IDS = 5000


@dataclass
class Evidence:
    """One finding, with its yardsticks, trend, coverage and provenance (see module docstring)."""

    id: str
    pillar: str
    kind: str
    title: str
    value: float | None
    unit: str
    period: str
    source: str
    measures: dict[str, float | None] = field(default_factory=dict)
    yardsticks: dict[str, float | None] = field(default_factory=dict)
    percentile: float | None = None
    trend: dict[str, Any] | None = None
    coverage: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    verified: bool = True  #: False when any text behind it is a test text / not a verified original

    @property
    def n(self) -> float | None:
        v = self.coverage.get("n")
        return None if v is None else float(v)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass
class PillarResult:
    """What one pillar contributed: status, evidence, chart data, coverage rows, artefacts."""

    pillar: str
    title: str
    status: str  #: ok | missing (source not loaded) | no data (loaded, none here) | thin | error
    evidence: list[Evidence] = field(default_factory=list)
    note: str = ""
    load_command: str = ""
    chart: pd.DataFrame | None = None
    chart_spec: dict[str, str] = field(default_factory=dict)  #: x, y, color, title
    coverage: list[dict[str, Any]] = field(default_factory=list)
    artefacts: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return _jsonable({
            "pillar": self.pillar, "title": self.title, "status": self.status,
            "note": self.note, "load_command": self.load_command,
            "evidence": [e.id for e in self.evidence], "coverage": self.coverage,
            "chart_data": None if self.chart is None else self.chart.to_dict(orient="records"),
            "seconds": round(self.seconds, 3),
        })


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple | set):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return [_jsonable(v) for v in x.tolist()]
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating | float):
        v = float(x)
        return None if not math.isfinite(v) else round(v, 6)
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, date):
        return x.isoformat()
    if x is pd.NA or x is pd.NaT:
        return None
    return x


@dataclass
class Context:
    """The question: the pair, its yardsticks and the years (None: all the data holds)."""

    store: Store
    a: str
    b: str
    refs: list[tuple[str, str]]
    years: tuple[int, int] | None = None
    split_year: int = SPLIT_YEAR

    @property
    def pair(self) -> str:
        return f"{self.a}–{self.b}"

    def dyads(self) -> list[str]:
        return [self.pair] + [f"{x}–{y}" for x, y in self.refs]


def _mean(values: Sequence[float | None]) -> float | None:
    vals = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    return sum(vals) / len(vals) if vals else None


def _ratio(x: float | None, y: float | None) -> float | None:
    if x is None or y is None or not math.isfinite(x) or not math.isfinite(y) or y == 0:
        return None
    return x / y


def _f(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def yardstick_mean(ctx: Context, values: dict[str, float | None], ns: dict[str, float | None],
                   min_n: float, what: str) -> tuple[float | None, dict[str, Any]]:
    """The mean of the yardstick dyads' ``values`` over those with at least ``min_n`` ``what``
    (the same minimum the pair's own figure needs), and the coverage fields that say so:
    ``yardstick_n`` (each yardstick's n), ``yardsticks_left_out`` (those too thin, with their
    n) and, when every yardstick with a value is too thin, ``thin`` with ``thin_reason`` — a
    ratio to a yardstick of a few dozen events says nothing about depth."""
    ys = ctx.dyads()[1:]
    left = {d: ns.get(d) for d in ys if values.get(d) is not None
            and (ns.get(d) is None or float(ns.get(d) or 0) < min_n)}
    kept = [values[d] for d in ys if values.get(d) is not None and d not in left]
    cov: dict[str, Any] = {"yardstick_n": {d: ns.get(d) for d in ys}}
    if left:
        shown = ", ".join(f"{d} (n = {0 if v is None else int(v)})" for d, v in left.items())
        cov["yardsticks_left_out"] = {d: v for d, v in left.items()}
        cov["yardstick_note"] = (f"yardsticks with fewer than {min_n:g} {what} left out of "
                                 f"the yardstick mean: {shown}")
        if not kept:
            cov["thin"] = True
            cov["thin_reason"] = (f"every yardstick is too thin to compare with (fewer than "
                                  f"{min_n:g} {what}): {shown}")
    return _mean(kept), cov


def _with_yardstick_cov(cov: dict[str, Any], ycov: dict[str, Any]) -> dict[str, Any]:
    """``cov`` with the yardstick fields of :func:`yardstick_mean` added (thin if either is)."""
    out = {**cov, **{k: v for k, v in ycov.items() if k not in ("thin", "thin_reason")}}
    if ycov.get("yardstick_note"):
        out["note"] = (str(out.get("note") or "") + "; " + ycov["yardstick_note"]).lstrip("; ")
    if ycov.get("thin"):
        out["thin"] = True
        out["thin_reason"] = "; ".join(x for x in (str(cov.get("thin_reason") or ""),
                                                   ycov["thin_reason"]) if x)
    return out


def first_line(exc: BaseException | str, limit: int = 600) -> str:
    """The first line of an error message for a note, whole; a line longer than ``limit``
    characters is shortened at a word boundary and marked with "…", never cut mid-word."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else (type(exc).__name__
                                             if isinstance(exc, BaseException) else "")
    return words_upto(line, limit)


def words_upto(text: str, limit: int) -> str:
    """``text`` when it fits ``limit`` characters, else its whole words up to the limit +
    " …" (a first word longer than the limit is kept whole: a word is never cut)."""
    if len(text) <= limit:
        return text
    head = text[:limit + 1]
    cut = (head.rsplit(" ", 1)[0] if " " in head else text.split(" ", 1)[0]).rstrip(" ,;:")
    return text if cut == text else cut + " …"


def _sentences(notes: Sequence[Any]) -> str:
    """Notes (deduplicated, in order) as sentences, each ending with a full stop: nothing is
    cut, so every caveat a source's notes give reaches the report."""
    out = []
    for n in dict.fromkeys(str(x).strip() for x in notes if str(x).strip()):
        out.append(n if n.endswith((".", "!", "?")) else n + ".")
    return " ".join(out)


def _has_rows(store: Store, table: str) -> bool:
    if not store.has_table(table):
        return False
    n = store.con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
    return bool(n)


# ============================================================================== UN votes
def _kappa_from_counts(df: pd.DataFrame) -> float | None:
    """Cohen's kappa of pooled rows (sums of same and the marginals; see votes docstring)."""
    n = df["n"].sum()
    if not n:
        return None
    po = df["same"].sum() / n
    pe = sum((df[f"a_{k}"].sum() / n) * (df[f"b_{k}"].sum() / n)
             for k in ("yes", "abstain", "no"))
    return None if pe >= 1 else (po - pe) / (1 - pe)


#: How the report names the sources of the merged UN vote record (``votes.coverage``).
VOTE_SOURCE_NAMES = {"unvotes": "unvotes/Voeten", "undl-scrape": "UN Digital Library scrape"}


def _vote_coverage(store: Store) -> Any:
    """The GA span of the merged UN vote record (:func:`bilat.indicators.votes.coverage`:
    unvotes/Voeten + the UN Digital Library scrape, each roll call once); None when no vote
    table is loaded or it holds no GA roll call."""
    if not (_has_rows(store, "un_rollcalls") or _has_rows(store, "undl_scrape_votes")):
        return None
    from bilat.indicators import votes

    try:
        cov = votes.coverage(store, "GA")
    except Exception:  # noqa: BLE001 - a vote table without the merged record's columns
        return None
    return None if cov.first is None else cov


def _vote_years(store: Store) -> tuple[int, int] | None:
    """First and last year of the GA roll calls of the merged vote record (not of one
    source: the Library scrape runs past unvotes' last year)."""
    cov = _vote_coverage(store)
    return None if cov is None else (int(cov.first.year), int(cov.last.year))


def vote_source_label(cov: Any) -> str:
    """``"UN GA roll calls, merged record (unvotes/Voeten 6,203; UN Digital Library scrape
    799 roll calls)"`` from a :class:`bilat.indicators.votes.Coverage`."""
    if cov is None or not cov.by_source:
        return "UN GA roll calls"
    parts = [f"{VOTE_SOURCE_NAMES.get(k, k)} {v:,}" for k, v in sorted(cov.by_source.items(),
                                                                        key=lambda kv: -kv[1])]
    return ("UN GA roll calls, merged record (" + "; ".join(parts) + " roll calls; "
            "each roll call once)")


def clipped_years(asked: tuple[int, int] | None, held: tuple[int, int]) -> list[tuple[int, int]]:
    """The parts of the years asked that fall outside the years a source holds (inclusive
    spans, earliest first); empty when nothing was asked or nothing is cut."""
    if asked is None:
        return []
    out = []
    if asked[0] < held[0]:
        out.append((asked[0], min(asked[1], held[0] - 1)))
    if asked[1] > held[1]:
        out.append((max(asked[0], held[1] + 1), asked[1]))
    return out


def _span(a: int, b: int) -> str:
    return str(a) if a == b else f"{a}–{b}"


def clip_note(what: str, asked: tuple[int, int] | None, held: tuple[int, int],
              held_text: str | None = None) -> str:
    """``"UN votes: 2022–2024 asked but not held (the merged record holds GA roll calls
    1946–2021): left out"``; empty when the years asked are all held."""
    cut = clipped_years(asked, held)
    if not cut:
        return ""
    return (f"{what}: {', '.join(_span(*c) for c in cut)} asked but not held ("
            + (held_text or f"held {held[0]}–{held[1]}") + "): left out")


def membership_reason(store: Store, states: Sequence[str], lo: int, hi: int) -> str:
    """Why states cast no common recorded GA vote in ``lo``–``hi``: each side's first and last
    recorded vote in the merged record and its UN seat (reference table: year of admission;
    the China seat was the Republic of China's until 25 Oct 1971, GA res. 2758). Empty when
    both sides voted in those years."""
    from bilat.indicators import votes
    from bilat.reference.countries import country_name, load_countries

    try:
        votes.merged(store)
        span = {r[0]: (r[1], r[2]) for r in store.con.execute(
            f"""SELECT v.iso3, min(r.date), max(r.date) FROM {votes.MERGED_VOTES} v
                JOIN {votes.MERGED_ROLLCALLS} r USING (vote_id)
                WHERE r.body = 'GA' AND v.vote IN ('yes', 'no', 'abstain')
                  AND v.iso3 IN (SELECT unnest(?)) GROUP BY v.iso3""",
            [list(states)]).fetchall()}
    except Exception:  # noqa: BLE001 - no merged record: nothing to explain from
        return ""
    ref = load_countries()
    ref = ref[ref["entity"] == ref["iso3"]].set_index("iso3")
    out = []
    for s in states:
        first, last = span.get(s, (None, None))
        since = ref["un_member_since"].get(s) if s in ref.index else None
        until = ref["un_member_until"].get(s) if s in ref.index else None
        if first is None:
            out.append(f"{s} ({country_name(s)}) has no recorded GA vote in the store")
            continue
        day = f"{first.day} {first:%b %Y}"
        if hi < first.year or lo < first.year:
            seat = (" (the People's Republic took the China seat on 25 Oct 1971, GA res. "
                    "2758; before that the seat and its votes were the Republic of China's, "
                    "TWN)" if s == "CHN" else
                    f" (a UN member from {int(since)})" if since is not None and not pd.isna(
                        since) else "")
            out.append(f"{s} casts no recorded GA vote before {day}{seat}" if hi < first.year
                       else f"{s} votes only from {day}{seat}")
        elif lo > last.year:
            end = (f" (its UN seat ends {int(until)})" if until is not None
                   and not pd.isna(until) else "")
            out.append(f"{s} casts no recorded GA vote after {last.day} {last:%b %Y}{end}")
    return "; ".join(out)


def load_core_issues(path: str | Path | None = None) -> dict[str, dict[str, list[str]]]:
    """Each state's core issues and their title patterns, from the ONE mapping bilat ships
    (``bilat/reference/data/core_issues.toml``, read by
    :func:`bilat.indicators.votes.load_core_issues`; ``path`` adds a user file in that
    format). Shape: ``{ISO3: {issue_id: [pattern, …]}}``, patterns matched case-insensitively
    at the start of a word; ids with ``_`` for ``-``."""
    from bilat.indicators.votes import load_core_issues as _mapping

    out: dict[str, dict[str, list[str]]] = {}
    for issue in _mapping(path) if path is not None else _mapping():
        # ids as the issue lexicon spells them (``hong-kong`` → ``hong_kong``)
        out.setdefault(issue.state.upper(), {})[issue.id.replace("-", "_")] = list(issue.match)
    return out


def core_issue_votes(vlist: pd.DataFrame, states: Sequence[str],
                     core: dict[str, dict[str, list[str]]] | None = None) -> pd.DataFrame:
    """The roll calls of ``vlist`` (from ``votes.affinity_votes``) on a core issue of one of
    ``states``: adds ``core_of`` (the state), ``core_issue`` and ``split`` (votes differ)."""
    core = core or load_core_issues()
    text = (vlist["title"].fillna("") + " | " + vlist["descr"].fillna("")).str.lower()
    rows = []
    for st in states:
        for issue, pats in core.get(st, {}).items():
            rx = re.compile(r"(?<![\w])(?:" + "|".join(f"(?:{p})" for p in pats) + ")",
                            re.IGNORECASE)
            hit = text.map(lambda t, rx=rx: bool(rx.search(t)))
            part = vlist[hit].copy()
            part["core_of"], part["core_issue"] = st, issue
            rows.append(part)
    if not rows:
        return vlist.head(0).assign(core_of=[], core_issue=[], split=[])
    out = pd.concat(rows, ignore_index=True).drop_duplicates(["vote_id", "core_of"])
    out = out[out["counted"]]
    out["split"] = out["vote_a"] != out["vote_b"]
    return out.reset_index(drop=True)


def split_not_applicable(ctx: Context, lo: int, hi: int, what: str) -> str:
    """A sentence when the split year of the trend items does not fall inside the years
    ``lo``–``hi`` with at least one year on each side (the trend is then not applicable,
    never computed over windows outside the years asked); empty when it applies."""
    if lo < ctx.split_year <= hi:
        return ""
    return (f"{what}: the change at the split year is not applicable: {ctx.split_year} does not "
            f"fall inside {_span(lo, hi)} with a year on each side")


def _trend_item(ctx: Context, b_lo: int, hi: int, step_pair: float | None,
                step_y: float | None, steps: dict[str, float | None], t: dict[str, Any],
                cov: dict[str, Any], ycov: dict[str, Any], vcov: Any,
                vote_ids: list[int]) -> Evidence:
    """The votes' step at the split year (equal windows), against the yardsticks' step."""
    dyads = ctx.dyads()
    return Evidence(
        id="votes.trend", pillar="votes", kind="votes.trend_2014",
        title=f"Change in {ctx.pair} kappa from {b_lo}–{ctx.split_year - 1} to "
              f"{ctx.split_year}–{hi} (equal windows), against the yardsticks' change",
        value=step_pair, unit="Δ kappa", period=f"{b_lo}–{ctx.split_year - 1} vs "
        f"{ctx.split_year}–{hi}", source=vote_source_label(vcov),
        measures={"step_vs_yardstick": None if step_pair is None or step_y is None
                  else step_pair - step_y, "step": step_pair},
        yardsticks={d: steps[d] for d in dyads[1:]}, trend=t,
        coverage=_with_yardstick_cov(
            {**cov, "n": min(t["n_before"], t["n_after"]),
             "note": "n = the smaller of the votes before and after the split"}, ycov),
        provenance={"vote_ids": vote_ids[:MAX_IDS], "n_vote_ids": len(vote_ids),
                    "list": "votes.csv"},
    )


def usual_affinity(alld: pd.DataFrame, a: str, b: str, pair_kappa: float | None
                   ) -> dict[str, dict[str, Any]]:
    """Each side's usual UN affinity: the median kappa of A (and of B) with every other
    member it shares 100+ recorded votes with over the same years (the pair itself left
    out), how many partners that is, and the pair's percentile among that side's partners
    (share of its partners with a lower kappa × 100). ``alld``: rows of
    :func:`bilat.indicators.votes.dyads` (columns a, b, kappa, n)."""
    out: dict[str, dict[str, Any]] = {}
    kap = pd.to_numeric(alld["kappa"], errors="coerce")
    both = pd.concat([pd.DataFrame({"state": alld["a"], "kappa": kap}),
                      pd.DataFrame({"state": alld["b"], "kappa": kap})]).dropna()
    medians = both.groupby("state")["kappa"].median()  # every member's own usual affinity
    for x, other in ((a, b), (b, a)):
        mine = alld[((alld["a"] == x) & (alld["b"] != other))
                    | ((alld["b"] == x) & (alld["a"] != other))]
        k = pd.to_numeric(mine["kappa"], errors="coerce").dropna()
        if not len(k):
            continue
        own = float(k.median())
        out[x] = {"median_kappa": own, "partners": int(len(k)),
                  "pair_percentile": None if pair_kappa is None
                  else float((k < pair_kappa).mean() * 100),
                  # share of members whose own median kappa is lower (x's own included in
                  # the comparison set as computed with the pair; a low value = x votes apart
                  # from most of the membership)
                  "member_percentile": float((medians < own).mean() * 100),
                  "members": int(len(medians))}
    return out


def collect_votes(ctx: Context) -> PillarResult:
    """UN General Assembly votes: kappa first (raw agreement — the share of identical votes —
    and Voeten's agreement with abstention as half beside it), the raw-vs-corrected gap, the
    step after the split year, splits on either side's core issues, ideal points."""
    from bilat.indicators import votes

    res = PillarResult("votes", "UN General Assembly votes", "missing",
                       load_command="bilat fetch unvotes --mirror DIR")
    vcov = _vote_coverage(ctx.store)
    if vcov is None:
        res.note = "no UN votes in the store"
        return res
    res.load_command = ""  # loaded: from here on, no data is "nothing for the pair/years"
    held = (int(vcov.first.year), int(vcov.last.year))
    held_text = (f"the merged record holds GA roll calls {vcov.first.day} {vcov.first:%b %Y} – "
                 f"{vcov.last.day} {vcov.last:%b %Y}")
    lo, hi = ctx.years or (max(FIRST_YEAR, held[0]), held[1])
    lo, hi = max(lo, held[0]), min(hi, held[1])
    clip = clip_note("UN votes", ctx.years, held, held_text)
    if clip:
        res.artefacts["clipped"] = [clip]
    if lo > hi:
        res.note = f"the store holds UN votes for {held[0]}–{held[1]} only ({held_text})"
        return res
    yrs = f"{lo}-{hi}"
    refs = [f"{x}-{y}" for x, y in ctx.refs]
    by_year = votes.affinity(ctx.store, ctx.a, ctx.b, years=yrs, by="year", ref=refs)
    by_year["year"] = pd.to_numeric(by_year["period"], errors="coerce").astype("Int64")
    dyads = ctx.dyads()
    pooled = {d: by_year[by_year["dyad"] == d] for d in dyads}
    if pooled[ctx.pair]["n"].sum() == 0:
        why = membership_reason(ctx.store, [ctx.a, ctx.b], lo, hi)
        res.note = f"no common recorded votes of {ctx.pair} in {lo}–{hi}" + (
            f": {why}" if why else "")
        return res
    res.status = "ok"
    if clip:
        res.note = clip

    def pooled_index(df: pd.DataFrame, index: str) -> float | None:
        n = df["n"].sum()
        if not n:
            return None
        if index == "kappa":
            return _kappa_from_counts(df)
        if index == "agree":  # Voeten's agree, 1 - mean distance: (same + partial/2) / n
            return float((df["same"].sum() + df["partial"].sum() / 2) / n)
        if index == "exact":  # raw agreement: the share of identical votes, same / n
            return float(df["same"].sum() / n)
        return None

    kappa = {d: pooled_index(pooled[d], "kappa") for d in dyads}
    agree = {d: pooled_index(pooled[d], "agree") for d in dyads}
    # raw agreement is the share of identical votes (what kappa corrects for chance); Voeten's
    # agree index (an abstention against a yes or no counts half) is reported beside it
    exact = {d: pooled_index(pooled[d], "exact") for d in dyads}
    nvotes = {d: int(pooled[d]["n"].sum()) for d in dyads}
    # all dyads over the same years: the pair's percentile (kappa, pairs with >= 100 votes)
    pct = None
    usual: dict[str, dict[str, Any]] = {}
    try:
        alld = votes.dyads(ctx.store, years=yrs, by="period")
        alld = alld[(alld["n"] >= 100) & alld["kappa"].notna()]
        if len(alld):
            pct = float((alld["kappa"] < kappa[ctx.pair]).mean() * 100) \
                if kappa[ctx.pair] is not None else None
            usual = usual_affinity(alld, ctx.a, ctx.b, kappa[ctx.pair])
    except Exception as exc:  # noqa: BLE001 - a percentile is a courtesy; say why it is absent
        res.note = f"percentile not computed: {exc}"
    ymean_k, ycov_k = yardstick_mean(ctx, kappa, nvotes, 100, "common votes")
    ymean_a, _ = yardstick_mean(ctx, exact, nvotes, 100, "common votes")
    vote_ids = sorted({int(v) for ids in pooled[ctx.pair]["vote_ids"] for v in ids})
    pair_years = pooled[ctx.pair][pooled[ctx.pair]["n"] > 0]["year"]
    cov = {"n": nvotes[ctx.pair], "first": int(pair_years.min()), "last": int(pair_years.max()),
           "years_with_votes": int(len(pair_years)), "thin": nvotes[ctx.pair] < 100,
           "note": f"common recorded votes (yes/no/abstain) of {ctx.pair}; absences excluded; "
                   f"{held_text}" + (f"; {clip}" if clip else "")}
    # the step is measured over windows of equal length on either side of the split (the
    # years from the split to the end against as many years before it), so a long-run drift
    # since the 1990s is not read as a step at the split year
    b_lo = max(lo, ctx.split_year - max(1, hi - ctx.split_year + 1))
    before = {d: pooled[d][(pooled[d]["year"] >= b_lo) & (pooled[d]["year"] < ctx.split_year)]
              for d in dyads}
    after = {d: pooled[d][pooled[d]["year"] >= ctx.split_year] for d in dyads}
    kb = {d: _kappa_from_counts(before[d]) for d in dyads}
    ka = {d: _kappa_from_counts(after[d]) for d in dyads}

    def trend(d: str) -> dict[str, Any]:
        return {"split_year": ctx.split_year, "before": kb[d], "after": ka[d],
                "window_before": f"{b_lo}–{ctx.split_year - 1}",
                "window_after": f"{ctx.split_year}–{hi}",
                "n_before": int(before[d]["n"].sum()), "n_after": int(after[d]["n"].sum()),
                "change": None if kb[d] is None or ka[d] is None else ka[d] - kb[d]}

    res.evidence.append(Evidence(
        id="votes.chance_corrected", pillar="votes", kind="votes.chance_corrected",
        title=f"Chance-corrected UN vote affinity (Cohen's kappa) of {ctx.pair}",
        value=kappa[ctx.pair], unit="Cohen's kappa (−1…1; 0 = chance)", period=f"{lo}–{hi}",
        source=vote_source_label(vcov),
        measures={"ratio_to_yardstick": _ratio(kappa[ctx.pair], ymean_k), "kappa": kappa[ctx.pair],
                  "raw_agreement": exact[ctx.pair],
                  "agreement_half_abstention": agree[ctx.pair]},
        yardsticks={d: kappa[d] for d in dyads[1:]}, percentile=pct,
        trend=None if split_not_applicable(ctx, lo, hi, "") else trend(ctx.pair),
        coverage=_with_yardstick_cov(cov, ycov_k),
        provenance={"vote_ids": vote_ids[:MAX_IDS], "n_vote_ids": len(vote_ids),
                    "list": "votes.csv"},
        details={"raw_agreement": exact, "agreement_half_abstention": agree, "kappa": kappa,
                 "common_votes": nvotes,
                 "raw_agreement_is": "the share of identical votes (yes/no/abstain)",
                 "agreement_half_abstention_is": "Voeten's agree: an abstention against a yes "
                                                 "or no counts as half agreement",
                 "percentile_among": "dyads with >= 100 common votes over the same years",
                 "usual_affinity": usual},
    ))
    raw_ratio = _ratio(exact[ctx.pair], ymean_a)
    k_ratio = _ratio(kappa[ctx.pair], ymean_k)
    res.evidence.append(Evidence(
        id="votes.raw_inflation", pillar="votes", kind="votes.raw_inflation",
        title=f"Raw agreement (share of identical votes) against chance-corrected affinity "
              f"of {ctx.pair}, both relative to the yardsticks",
        value=None if raw_ratio is None or k_ratio is None else raw_ratio - k_ratio,
        unit="raw ratio − kappa ratio", period=f"{lo}–{hi}",
        source=vote_source_label(vcov),
        measures={"inflation": None if raw_ratio is None or k_ratio is None
                  else raw_ratio - k_ratio, "raw_ratio": raw_ratio, "kappa_ratio": k_ratio},
        yardsticks={d: exact[d] for d in dyads[1:]}, coverage=_with_yardstick_cov(cov, ycov_k),
        provenance={"vote_ids": vote_ids[:MAX_IDS], "n_vote_ids": len(vote_ids),
                    "list": "votes.csv"},
        details={"raw_agreement": exact, "agreement_half_abstention": agree, "kappa": kappa},
    ))
    steps = {d: trend(d)["change"] for d in dyads}
    step_ns = {d: min(trend(d)["n_before"], trend(d)["n_after"]) for d in dyads}
    step_y, ycov_t = yardstick_mean(ctx, steps, step_ns, 50, "votes on a side of the split")
    step_pair = steps[ctx.pair]
    t = trend(ctx.pair)
    na = split_not_applicable(ctx, lo, hi, "UN votes")
    if na:
        res.artefacts.setdefault("not_applicable", []).append(na)
        res.note = (res.note.rstrip() + " " if res.note else "") + na + "."
    else:
        res.evidence.append(_trend_item(ctx, b_lo, hi, step_pair, step_y, steps, t, cov,
                                        ycov_t, vcov, vote_ids))
    # splits on either side's core issues
    vlist = votes.affinity_votes(ctx.store, ctx.a, ctx.b, years=yrs)
    core, core_src = _core_votes(ctx, votes, vlist, yrs)
    n_core = len(core)
    # a side with no core issue in the mapping contributes no votes: say so, the share is then
    # about the other side's core issues only
    unmapped = [st for st in (ctx.a, ctx.b) if not load_core_issues().get(st)]
    splits = core[core["split"]]
    share = (len(splits) / n_core) if n_core else None
    top = splits.sort_values("date", ascending=False)
    res.evidence.append(Evidence(
        id="votes.core_splits", pillar="votes", kind="votes.core_splits",
        title=f"Splits of {ctx.pair} on either side's core issues at the UN General Assembly",
        value=share, unit="share of core-issue votes", period=f"{lo}–{hi}",
        source=f"{vote_source_label(vcov)}; core issues: {core_src}",
        measures={"split_share": share, "splits": float(len(splits)), "core_votes": float(n_core)},
        coverage={"n": n_core, "first": None if not n_core else str(
                      pd.Timestamp(core["date"].min()).date()),
                  "last": None if not n_core else str(pd.Timestamp(core["date"].max()).date()),
                  "thin": n_core < 3, "note": "recorded votes of both on roll calls whose title "
                  "names a core issue of either side" + (
                      f"; no core issue of {' or '.join(unmapped)} is mapped "
                      "(bilat/reference/data/core_issues.toml): these are the other side's "
                      "core issues only" if unmapped else "")},
        provenance={"vote_ids": [int(v) for v in splits["vote_id"]],
                    "symbols": [str(s) for s in splits["symbol"]],
                    "core_vote_ids": [int(v) for v in core["vote_id"]]},
        details={"splits": [
            {"vote_id": int(r.vote_id), "symbol": r.symbol,
             "date": str(pd.Timestamp(r.date).date()),
             "title": r.title, "core_of": r.core_of, "core_issue": r.core_issue,
             ctx.a: r.vote_a, ctx.b: r.vote_b}
            for r in top.itertuples()],
            "by_state": {st: {"votes": int((core["core_of"] == st).sum()),
                              "splits": int(((core["core_of"] == st) & core["split"]).sum())}
                         for st in (ctx.a, ctx.b)}},
    ))
    res.artefacts["vote_list"] = vlist
    res.artefacts["core_votes"] = core
    # ideal points where the votes module offers them (issue 12)
    fn = getattr(votes, "idealpoints", None) or getattr(votes, "ideal_points", None)
    if fn is not None:
        res.evidence.extend(_ideal_points(ctx, fn, res))
    chart = by_year[["dyad", "year", "kappa", "agree", "n"]].dropna(subset=["year"]).rename(
        columns={"agree": "agreement_abstention_half"}).copy()
    chart["year"] = chart["year"].astype(int)
    res.chart = chart
    res.chart_spec = {"x": "year", "y": "kappa", "color": "dyad",
                      "title": "UN GA vote affinity by year: Cohen's kappa (chance-corrected)"}
    res.coverage.append({"source": vote_source_label(vcov), "first": str(vcov.first),
                         "last": str(vcov.last), "rows": _merged_votes(ctx.store),
                         "gaps": _year_gaps(vcov.years),
                         "thin": "absences are excluded; resolutions adopted without a vote "
                                 "are not in this source" + (f"; {clip}" if clip else "")})
    return res


def _core_votes(ctx: Context, votes: Any, vlist: pd.DataFrame, yrs: str
                ) -> tuple[pd.DataFrame, str]:
    """Common recorded votes on either side's core issues: the votes module's own mapping
    (``votes.core_issue_votes``), else the same mapping matched on titles here."""
    fn = getattr(votes, "core_issue_votes", None)
    if fn is not None:
        try:
            df = fn(ctx.store, ctx.a, ctx.b, years=yrs, stance="all")
            need = {"vote_id", "symbol", "date", "title", "vote_a", "vote_b", "split",
                    "core_of", "core_issue"}
            if isinstance(df, pd.DataFrame) and need <= set(df.columns):
                return df.reset_index(drop=True), "bilat.indicators.votes.core_issue_votes"
        except Exception:  # noqa: BLE001, S110 - fall back to the report's own mapping
            pass
    return core_issue_votes(vlist, [ctx.a, ctx.b]), "bilat/reference/data/core_issues.toml"


def _ideal_span(store: Store) -> tuple[int, int] | None:
    """First and last year of Voeten's published ideal points held (the 'fp' estimate the
    report reads); None when they are not loaded."""
    from bilat.indicators import votes

    try:
        pts = votes.idealpoint_states(store)
    except Exception:  # noqa: BLE001 - not loaded
        return None
    return None if pts.empty else (int(pts["year"].min()), int(pts["year"].max()))


def _ideal_points(ctx: Context, fn: Callable[..., Any], res: PillarResult) -> list[Evidence]:
    """Ideal-point distance over the ideal points' own span (they run past the roll calls
    held: Voeten publishes estimates to 2024): the years asked, or from 1992 when none."""
    span = _ideal_span(ctx.store)
    asked = ctx.years
    if span is not None and asked is not None:
        clip = clip_note("ideal points", asked, span,
                         f"Voeten's published estimates cover {span[0]}–{span[1]}")
        if clip:
            res.artefacts.setdefault("clipped", []).append(clip)
        asked = (max(asked[0], span[0]), min(asked[1], span[1]))
        if asked[0] > asked[1]:
            res.note += (f" ideal points: none for {ctx.years[0]}–{ctx.years[1]} (Voeten's "
                         f"published estimates cover {span[0]}–{span[1]}).")
            return []
    try:
        kw: dict[str, Any] = {}
        params = inspect.signature(fn).parameters
        if "refs" in params:
            kw["refs"] = ctx.refs
        elif "ref" in params:
            kw["ref"] = [f"{x}-{y}" for x, y in ctx.refs]
        if "years" in params and asked is not None:
            kw["years"] = f"{asked[0]}-{asked[1]}"
        df = fn(ctx.store, ctx.a, ctx.b, **kw)
    except Exception as exc:  # noqa: BLE001 - another pillar's data may not be loaded
        res.note += f" ideal points: not available ({first_line(exc)})"
        return []
    if not isinstance(df, pd.DataFrame) or "dyad" not in df.columns:
        return []
    warnings = [str(w) for w in df.attrs.get("warnings", [])
                if "ideal points end" not in str(w) and "ideal points start" not in str(w)]
    if asked is None and "year" in df.columns:  # the report's default window starts in 1992
        df = df[pd.to_numeric(df["year"], errors="coerce") >= FIRST_YEAR]
    col = next((c for c in ("distance", "ideal_distance", "idealpoint_distance")
                if c in df.columns), None)
    if col is None:
        return []
    pair_years = pd.to_numeric(df[(df["dyad"] == ctx.pair) & df[col].notna()]["year"],
                               errors="coerce").dropna()
    if not len(pair_years):
        res.note += f" ideal points: no year in which both {ctx.a} and {ctx.b} have one."
        return []
    p_lo, p_hi = int(pair_years.min()), int(pair_years.max())
    dist = {d: _f(df[df["dyad"] == d][col].mean()) for d in ctx.dyads()}
    dist_n = {d: float(df[(df["dyad"] == d) & df[col].notna()].shape[0]) for d in ctx.dyads()}
    ymean, ycov = yardstick_mean(ctx, dist, dist_n, 5, "years with ideal points")
    n = int(df[(df["dyad"] == ctx.pair) & df[col].notna()].shape[0])
    return [Evidence(
        id="votes.ideal_distance", pillar="votes", kind="votes.ideal_distance",
        title=f"Ideal-point distance of {ctx.pair} (Bailey, Strezhnev & Voeten 2017), mean over "
              "years", value=dist[ctx.pair], unit="ideal-point distance",
        period=f"{p_lo}–{p_hi}",
        source="Voeten ideal points (published estimates"
               + (f", {span[0]}–{span[1]})" if span else ")"),
        measures={"closeness_ratio": _ratio(ymean, dist[ctx.pair])},
        yardsticks={d: dist[d] for d in ctx.dyads()[1:]},
        percentile=_f(df[df["dyad"] == ctx.pair]["percentile"].mean())
        if "percentile" in df.columns else None,
        provenance={"state_years": [f"{x}:{int(y)}" for y in sorted(pair_years.unique())
                                    for x in (ctx.a, ctx.b)]},
        coverage=_with_yardstick_cov({"n": n, "first": p_lo, "last": p_hi, "thin": n < 5,
                  "note": f"years with ideal points for both states ({p_lo}–{p_hi}; the "
                          "estimates run past the roll calls held)"
                          + ("; " + "; ".join(warnings) if warnings else "")}, ycov),
    )]


def _count(store: Store, table: str) -> int:
    return int(store.con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0])


def _merged_votes(store: Store) -> int | None:
    """State votes in the merged record (each roll call once)."""
    from bilat.indicators import votes

    try:
        return int(store.con.execute(f"SELECT count(*) FROM {votes.MERGED_VOTES}").fetchall()[0][0])
    except Exception:  # noqa: BLE001
        return None


def _year_gaps(years: Sequence[int]) -> str:
    """Years between the first and last held with no roll call (``"1964"``), or ``"none"``."""
    yrs = sorted({int(y) for y in years})
    if not yrs:
        return ""
    missing = sorted(set(range(yrs[0], yrs[-1] + 1)) - set(yrs))
    return ", ".join(map(str, missing)) if missing else "none"


# ============================================================================== events
def _event_sources(store: Store) -> bool:
    for t in ("gdelt_parts", "gdelt_events", "event_records", "icews_events", "icews_dyad_year",
              "events"):
        if _has_rows(store, t):
            return True
    return False


def collect_events(ctx: Context) -> PillarResult:
    """Event data (every source the events module reads: GDELT, ICEWS, ICEWS quadruples, ICEWS
    dyad-year counts; each source apart, never summed): deeds per word and cooperative share
    against the yardsticks; government contacts over time."""
    from bilat.indicators import events

    res = PillarResult("events", "Event data (CAMEO-coded: GDELT, ICEWS)", "missing",
                       load_command="bilat fetch all --mirror DIR (or bilat events ingest FILE…)")
    params = inspect.signature(events.indicators).parameters
    kw: dict[str, Any] = {"refs": ctx.refs, "period": "year", "direction": "undirected"}
    if "source" in params:
        kw["source"] = "all"
    if ctx.years:
        kw["start"], kw["end"] = f"{ctx.years[0]}-01-01", f"{ctx.years[1]}-12-31"
    try:
        df = events.indicators(ctx.store, ctx.a, ctx.b, **kw)
    except Exception as exc:  # noqa: BLE001 - no event data: say so, with the load command
        res.note = first_line(exc)
        if _event_sources(ctx.store):  # loaded: nothing for these years or this pair
            res.load_command = ""
        return res
    notes = df.attrs.get("notes") if hasattr(df, "attrs") else None
    if notes:
        res.note = _sentences(notes)
    if not len(df):
        res.note = res.note or "no events of the pair or its yardsticks"
        if _event_sources(ctx.store):
            res.load_command = ""
        return res
    df = df.copy()
    if "source" not in df.columns:
        df["source"] = "gdelt"
    df["year"] = pd.to_datetime(df["period"]).dt.year
    for src, part in df.groupby("source", sort=True):
        _event_evidence(ctx, res, str(src), part)
    cfn = getattr(events, "contacts", None)
    if cfn is not None:
        # contacts per source, only where the pair has enough events for a contact count to
        # mean something (the others are named in the note, not dropped silently)
        per_src = df[df["dyad"] == ctx.pair].groupby("source")["events"].sum(min_count=1)
        enough = [str(x) for x, v in per_src.items() if (_f(v) or 0) >= MIN_CONTACT_EVENTS]
        few = [f"{x} ({int(_f(v) or 0)} events)" for x, v in per_src.items()
               if (_f(v) or 0) < MIN_CONTACT_EVENTS]
        if few:
            res.note = (res.note + " " if res.note else "") + (
                "contacts not counted for sources with fewer than "
                f"{MIN_CONTACT_EVENTS} {ctx.pair} events: " + ", ".join(few) + ".")
        params = inspect.signature(cfn).parameters
        record = getattr(events, "RECORD_SOURCES", ())
        for src in enough:
            if "source" in params and record and src not in record:
                continue  # aggregated counts (dyad-year) carry no contacts
            res.evidence.extend(_contacts_evidence(
                ctx, cfn, "events", "event-data contacts", res,
                source=src if "source" in params else None))
    if not res.evidence:
        res.note = (res.note + " " if res.note else "") + f"no events of {ctx.pair}"
        if _event_sources(ctx.store):  # loaded: the pair has none, nothing to load
            res.load_command = ""
            res.note += (" in the stored event sources"
                         + (f" for {ctx.years[0]}–{ctx.years[1]}" if ctx.years else ""))
        return res
    res.status = "ok" if not all(e.coverage.get("thin") for e in res.evidence) else "thin"
    res.load_command = "" if res.status == "ok" else res.load_command
    chart = df.groupby(["source", "dyad", "year"], as_index=False)[
        ["events", "verbal_coop", "material_coop"]].sum(min_count=1)
    chart["cooperative_share"] = (chart["verbal_coop"] + chart["material_coop"]) / \
        chart["events"].where(chart["events"] > 0)
    chart["dyad"] = chart["dyad"] + " (" + chart["source"] + ")"
    res.chart = chart[["dyad", "year", "cooperative_share", "events"]].dropna(
        subset=["cooperative_share"])
    res.chart_spec = {"x": "year", "y": "cooperative_share", "color": "dyad",
                      "title": "Cooperative share of each dyad's events by year, per source "
                               "(quad classes 1–2 over all events)"}
    for src in sorted(df["source"].unique()):
        part = df[(df["source"] == src) & (df["dyad"] == ctx.pair)]
        part = part[part["events"].notna()]
        n = int(part["events"].sum()) if len(part) else 0
        partial = int(part["partial"].sum()) if "partial" in part else None
        res.coverage.append({
            "source": f"{src} events ({ctx.pair})",
            "first": str(part["period"].min()) if len(part) else None,
            "last": str(part["period"].max()) if len(part) else None,
            "rows": n, "gaps": _gap_years(part["year"]) if len(part) else "no data",
            "thin": "; ".join(x for x in (
                f"only {n} events" if n < 50 else "",
                f"{partial} partial years" if partial else "",
                "derived source" if "tkg" in str(src) else "") if x)})
    return res


def _gap_years(years: pd.Series) -> str:
    ys = sorted({int(y) for y in years.dropna()})
    if not ys:
        return "no data"
    missing = sorted(set(range(ys[0], ys[-1] + 1)) - set(ys))
    return ", ".join(map(str, missing)) if missing else "none"


def _unmapped_person_states(ctx: Context, src: str) -> list[str]:
    """States of the pair and its yardsticks with no person in ``leaders.csv``, for a source
    whose named persons count for a state only through that table (ICEWS quadruple sets):
    their counts are lower bounds (:data:`bilat.indicators.events.PERSON_NOTE`)."""
    try:
        from bilat.indicators import events

        if src not in getattr(events, "PERSON_MAPPED_SOURCES", ()):
            return []
        known = events.leader_coverage()
    except Exception:  # noqa: BLE001 - the note is a courtesy of the events module
        return []
    states = [ctx.a, ctx.b] + [x for pair in ctx.refs for x in pair]
    return [x for x in dict.fromkeys(states) if x not in known]


def _event_evidence(ctx: Context, res: PillarResult, src: str, df: pd.DataFrame) -> None:
    cols = ["events", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict"]
    tot = df.groupby("dyad")[cols].sum(min_count=1)
    if ctx.pair not in tot.index or not (_f(tot.loc[ctx.pair, "events"]) or 0):
        return

    def val(d: str, c: str) -> float | None:
        return _f(tot.loc[d, c]) if d in tot.index else None

    mv = {d: _ratio(val(d, "material_coop"), val(d, "verbal_coop")) for d in ctx.dyads()}
    coop = {d: _ratio((val(d, "verbal_coop") or 0) + (val(d, "material_coop") or 0),
                      val(d, "events")) if val(d, "events") else None for d in ctx.dyads()}
    n = int(val(ctx.pair, "events") or 0)
    pair = df[(df["dyad"] == ctx.pair) & df["events"].notna()]
    per = f"{pair['year'].min()}–{pair['year'].max()}"
    derived = "tkg" in src or bool(pair.get("derived", pd.Series([False])).any())
    cov = {"n": n, "first": str(pair["period"].min()), "last": str(pair["period"].max()),
           "thin": n < MIN_EVENTS, "years": int(pair["year"].nunique()),
           "note": f"{n} {src} events of {ctx.pair} (undirected) in "
           f"{pair['year'].nunique()} years" + (" (a derived source)" if derived else "")
           + "; yardstick events: " + ", ".join(f"{d} {int(val(d, 'events') or 0)}"
                                               for d in ctx.dyads()[1:])}
    unmapped = _unmapped_person_states(ctx, src)
    if unmapped:
        cov["note"] += ("; lower bounds: " + ", ".join(unmapped) + " ha" + (
            "s" if len(unmapped) == 1 else "ve") + " no leader in leaders.csv, so its persons "
            f"carry no state in {src} and only the partner's listed leaders' events count")
        cov["unmapped_states"] = unmapped
    prov: dict[str, Any] = {"query": f"bilat events ids {ctx.a} {ctx.b} --period year --at YEAR",
                            "source": src}
    if src == "gdelt" and n <= 200:
        try:
            from bilat.indicators import events

            ids = []
            for y in sorted(pair["year"].unique()):
                got = events.ids(ctx.store, ctx.a, ctx.b, at=str(int(y)), period="year")
                ids += [int(v) for v in got["GLOBALEVENTID"]]
            prov["event_ids"] = ids
        except Exception:  # noqa: BLE001, S110 - ids are listed by the command above
            pass
    elif src in ("icews", "icews-tkg") and n <= MAX_IDS:
        # the ICEWS records (event ids; file:line for the quadruple sets) behind the figure
        try:
            from bilat.indicators import events

            ids = []
            for y in sorted(pair["year"].unique()):
                got = events.record_ids(ctx.store, ctx.a, ctx.b, at=str(int(y)),
                                        period="year", source=src)
                ids += [_id(str(v)) for v in got["event_id"]]
            prov["event_ids"] = ids
            prov["query"] = (f"bilat events ids {ctx.a} {ctx.b} --source {src} --period year "
                             "--at YEAR")
        except Exception:  # noqa: BLE001, S110 - ids are listed by the command above
            pass
    elif src == "icews-dyad-year" and _has_rows(ctx.store, "icews_dyad_year"):
        # aggregated counts: the dyad-year rows of the file behind the figure (file:line)
        try:
            yrs = sorted(int(y) for y in pair["year"].unique())
            got = ctx.store.con.execute(
                "SELECT source_file, line FROM icews_dyad_year WHERE year BETWEEN ? AND ? AND "
                "((source_iso3 = ? AND target_iso3 = ?) OR (source_iso3 = ? AND "
                "target_iso3 = ?)) ORDER BY year, line",
                [yrs[0], yrs[-1], ctx.a, ctx.b, ctx.b, ctx.a]).fetchall()
            prov["rows"] = [f"{f}:{line}" for f, line in got][:MAX_IDS]
            prov["query"] = (f"bilat events indicators {ctx.a} {ctx.b} --source icews-dyad-year "
                             "--period year --direction both")
            prov["query_label"] = "the same counts by year and direction"
        except Exception:  # noqa: BLE001, S110 - the counts are listed by the command above
            pass
    key = re.sub(r"[^a-z0-9]+", "_", src.lower())
    # a yardstick dyad needs as many events as the pair does (MIN_EVENTS) to be compared with
    ev_n = {d: val(d, "events") for d in ctx.dyads()}
    y_mv, ycov_mv = yardstick_mean(ctx, mv, ev_n, MIN_EVENTS, f"{src} events")
    y_coop, ycov_coop = yardstick_mean(ctx, coop, ev_n, MIN_EVENTS, f"{src} events")
    res.evidence.append(Evidence(
        id=f"events.{key}.material_verbal", pillar="events", kind="events.material_verbal",
        title=f"Deeds per word ({src}): material over verbal cooperation events of {ctx.pair}",
        value=mv[ctx.pair], unit="material / verbal cooperation events", period=per,
        source=src, measures={"ratio_to_yardstick": _ratio(mv[ctx.pair], y_mv)},
        yardsticks={d: mv[d] for d in ctx.dyads()[1:]},
        coverage=_with_yardstick_cov(cov, ycov_mv), provenance=prov,
        details={"counts": tot.reset_index().to_dict(orient="records")},
    ))
    res.evidence.append(Evidence(
        id=f"events.{key}.cooperation_share", pillar="events", kind="events.cooperation_share",
        title=f"Cooperative share of {ctx.pair} events ({src}; quad classes 1–2)",
        value=coop[ctx.pair], unit="share of events", period=per, source=src,
        measures={"ratio_to_yardstick": _ratio(coop[ctx.pair], y_coop)},
        yardsticks={d: coop[d] for d in ctx.dyads()[1:]},
        coverage=_with_yardstick_cov(cov, ycov_coop), provenance=prov,
    ))


#: Contacts trends: a half with fewer covered days than this, or halves whose coverage (share
#: of each year the source covers) differs by more than this factor, are not comparable.
MIN_COVERED_DAYS = 60
MAX_COVERAGE_RATIO = 1.5
#: A year at the start or end of a contacts trend needs this many covered days to open or
#: close its span (about a month of a daily programme); thinner edge years are left out.
MIN_YEAR_DAYS = 30


def _year_days(y: Any) -> float:
    """Days in year ``y`` (365 or 366); NaN for a missing year."""
    if y is None or pd.isna(y):
        return math.nan
    return 366.0 if date(int(y), 12, 31).timetuple().tm_yday == 366 else 365.0


def _series_trend(ctx: Context, s: pd.Series, key: str, what: str, pillar: str,
                  ids: dict[str, Any] | None = None, days: pd.Series | None = None
                  ) -> Evidence | None:
    """Contacts per 30 covered days: the earlier half of the years against the later half.

    ``s``: contacts per year; ``days``: the days of each year the source covers (default: the
    whole year). Each half's rate is Σ contacts / Σ covered days × 30, so a year covered for
    three months is not set against whole years; halves with very different coverage (ratio
    > :data:`MAX_COVERAGE_RATIO`) or under :data:`MIN_COVERED_DAYS` covered days are flagged
    thin (not comparable: rated N). The span (label and halves) starts at the first and ends
    at the last year with at least :data:`MIN_YEAR_DAYS` covered days; thinner years before or
    after are left out and named in the note (``coverage["left_out_years"]``: year -> days)."""
    s = s.dropna()
    if ctx.years:  # --years limits every pillar
        s = s[(s.index >= ctx.years[0]) & (s.index <= ctx.years[1])]
    if days is not None:
        days = days.reindex(s.index)
        s = s[days.fillna(0) > 0]
        days = days[s.index]
    left_out: dict[int, float] = {}
    if days is not None and len(s):
        # the span starts and ends at years with meaningful coverage: an edge year covered
        # under MIN_YEAR_DAYS days (one day file of 2016) does not open or close the label
        order = sorted(s.index)
        ok = [y for y in order if float(days[y]) >= MIN_YEAR_DAYS]
        if ok:
            left_out = {int(y): float(days[y]) for y in order if y < ok[0] or y > ok[-1]}
        else:
            left_out = {int(y): float(days[y]) for y in order}
        s = s[[int(y) not in left_out for y in s.index]]
        days = days[s.index]
    if not len(s) or s.sum() == 0 or len(s) < 2:
        return None
    if days is None:
        days = pd.Series([_year_days(y) for y in s.index], index=s.index)
    years = sorted(int(y) for y in s.index)
    mid = years[len(years) // 2]
    before, after = s.index < mid, s.index >= mid
    d_early, d_late = float(days[before].sum()), float(days[after].sum())
    early = float(s[before].sum()) / d_early * 30 if d_early else None
    late = float(s[after].sum()) / d_late * 30 if d_late else None
    change = None if not early or late is None else float(late / early - 1)

    def share(mask: Any) -> float:
        yrs = [int(y) for y in s.index[mask]]
        full = sum(_year_days(y) for y in yrs)
        return float(days[mask].sum()) / full if full else 0.0

    c_early, c_late = share(before), share(after)
    ratio = max(c_early, c_late) / min(c_early, c_late) if min(c_early, c_late) > 0 else math.inf
    reasons = []
    if s.sum() < 6 or len(years) < 4:
        reasons.append(f"{int(s.sum())} contacts in {len(years)} years (fewer than 6 contacts "
                       "or 4 years)")
    if min(d_early, d_late) < MIN_COVERED_DAYS:
        reasons.append(f"a half has only {min(d_early, d_late):.0f} covered days "
                       f"(< {MIN_COVERED_DAYS})")
    if ratio > MAX_COVERAGE_RATIO:
        reasons.append(f"coverage differs: {c_early:.0%} of {years[0]}–{mid - 1} against "
                       f"{c_late:.0%} of {mid}–{years[-1]} covered (not comparable)")
    per_year = {int(k): float(v) for k, v in s.items()}
    return Evidence(
        id=f"{key}.contacts_trend", pillar=pillar, kind=f"{key.split('.')[0]}.contacts_trend",
        title=f"Leader and government contacts of {ctx.pair} per 30 covered days ({what}), "
              f"{years[0]}–{mid - 1} vs {mid}–{years[-1]}",
        value=change, unit="relative change in contacts per 30 covered days",
        period=f"{years[0]}–{years[-1]}", source=what, measures={"change": change},
        trend={"split_year": mid, "before": _f(early), "after": _f(late),
               "n_before": int(s[before].sum()), "n_after": int(s[after].sum()),
               "covered_days_before": round(d_early), "covered_days_after": round(d_late),
               "coverage_before": round(c_early, 4), "coverage_after": round(c_late, 4),
               "unit": "contacts per 30 covered days"},
        coverage={"n": int(s.sum()), "first": years[0], "last": years[-1],
                  "thin": bool(reasons), "thin_reason": "; ".join(reasons),
                  "years": len(years), "covered_days": round(d_early + d_late),
                  "note": f"{int(s.sum())} contacts in {len(years)} years with data, "
                          f"{d_early + d_late:,.0f} covered days (rates per 30 covered days; "
                          "years without data are gaps, not zeros)"
                          + (f"; the span starts and ends at years with at least "
                             f"{MIN_YEAR_DAYS} covered days; left out: " + ", ".join(
                                 f"{y} ({d:.0f} covered day{'' if round(d) == 1 else 's'})"
                                 for y, d in left_out.items())
                             if left_out else "")
                          + (f"; thin: {'; '.join(reasons)}" if reasons else ""),
                  "left_out_years": left_out},
        provenance=ids or {},
        details={"per_year": per_year,
                 "covered_days": {int(k): float(v) for k, v in days.items()}},
    )


def _id(x: str) -> int | str:
    x = x.strip()
    return int(x) if x.isdigit() else x


def _call(fn: Callable[..., Any], ctx: Context, **want: Any) -> Any:
    params = inspect.signature(fn).parameters
    kw = {k: v for k, v in want.items() if k in params}
    return fn(ctx.store, ctx.a, ctx.b, **kw)


def _contacts_evidence(ctx: Context, fn: Callable[..., Any], key: str, what: str,
                       res: PillarResult, source: str | None = None) -> list[Evidence]:
    """Event-data contacts (bilat.indicators.events.contacts): one trend per source."""
    try:
        extra = {"source": source} if source is not None else {}
        df = _call(fn, ctx, period="year", by="year", **extra)
    except Exception as exc:  # noqa: BLE001 - the other pillar's data may not be loaded
        res.note += f" {what}: {first_line(exc)}."
        return []
    if not isinstance(df, pd.DataFrame) or not len(df) or "contacts" not in df.columns:
        return []
    if "dyad" in df.columns:
        df = df[df["dyad"] == ctx.pair]
    if "source" not in df.columns:
        df = df.assign(source=key)
    out = []
    for src, part in df.groupby("source"):
        years = pd.to_datetime(part["period"].astype(str), errors="coerce").dt.year \
            if "period" in part else pd.to_numeric(part["year"], errors="coerce")
        s = pd.Series(pd.to_numeric(part["contacts"], errors="coerce").to_numpy(),
                      index=years.to_numpy())
        s = s[pd.notna(s.index)].groupby(level=0).sum(min_count=1)
        days = None
        if "coverage" in part:
            cov = pd.to_numeric(part["coverage"], errors="coerce").to_numpy()
            days = pd.Series(cov * np.asarray([_year_days(y) for y in years.to_numpy()]),
                             index=years.to_numpy())
            days = days[pd.notna(days.index)].groupby(level=0).sum(min_count=1)
        ids = {}
        if "event_ids" in part:
            ids = {"event_ids": [_id(x) for v in part["event_ids"].dropna()
                                 for x in str(v).split(";") if x.strip()][:MAX_IDS]}
        name = re.sub(r"[^a-z0-9]+", "_", str(src).lower())
        ev = _series_trend(ctx, s, f"{key}.{name}", f"{what}: {src}", res.pillar, ids, days)
        if ev is not None:
            out.append(ev)
    return out


# ============================================================================== material ties
#: The material indicators weighed, with how their directions combine into one dyad figure:
#: "sum" (flows both ways), "max" (a pledge either way), "as is" (undirected).
MATERIAL_INDICATORS: dict[str, str] = {
    "trade_musd": "as is", "tiv": "sum", "defense": "max", "shared_igos": "as is",
    "exercises": "as is", "bilateral": "as is", "pipeline_gas_bcm": "sum", "crude_mt": "sum",
}


def collect_material(ctx: Context) -> PillarResult:
    """Material ties (bilat.indicators.material): per indicator and source family, the level
    over the years with data against the yardsticks, and the step from before the split."""
    res = PillarResult("material", "Material ties (trade, arms, alliances, IGOs, exercises, "
                       "energy)", "missing", load_command="bilat fetch all --mirror DIR "
                       "(trade, arms, alliances, igos, exercises, energy)")
    try:
        from bilat.indicators import material  # type: ignore[attr-defined]
    except ImportError:
        res.note = "the material-ties module (bilat.indicators.material) is not installed"
        return res
    lo, hi = ctx.years or (FIRST_YEAR, 2100)
    try:
        kw: dict[str, Any] = {"refs": ctx.refs, "years": f"{lo}-{hi}"}
        df = material.indicators(ctx.store, ctx.a, ctx.b, **kw)
    except Exception as exc:  # noqa: BLE001 - no material data loaded
        res.note = first_line(exc)
        if getattr(exc, "code", "") == "E510":  # loaded, not for these years
            res.load_command = ""
        return res
    if not isinstance(df, pd.DataFrame) or not len(df):
        res.note = "no material data for the pair or its yardsticks"
        return res
    d = df[df["indicator"].isin(list(MATERIAL_INDICATORS))].copy()
    # the source family: "IMF DOTS" of "IMF DOTS, CHN report", "EI Statistical Review 2024" of
    # "EI Statistical Review 2024: Gas - Trade movements" (one publication, several tables)
    d["family"] = d["source"].astype(str).str.split(r"[,:]", regex=True).str[0].str.strip()
    d["value"] = pd.to_numeric(d["value"], errors="coerce")
    d["percentile"] = pd.to_numeric(d.get("percentile"), errors="coerce")
    rows = []
    for (ind, fam), part in d.groupby(["indicator", "family"], sort=True):
        how = MATERIAL_INDICATORS[str(ind)]
        if how != "as is":  # one flow or pledge in two tables of one publication is one
            part = part.sort_values("source", kind="stable").drop_duplicates(
                ["dyad", "year", "direction"])
        # "sum": the two directions of a flow add up; "as is": an undirected figure, so rows of
        # one dyad-year in one family are the same quantity in different reports (IMF DOTS: each
        # side's own report) and are averaged, never added; "max": a pledge either way
        agg = {"max": "max", "sum": "sum"}.get(how, "mean")
        g = part.groupby(["dyad", "year"]).agg(value=("value", lambda v, agg=agg: (
            v.max() if agg == "max" else v.sum(min_count=1) if agg == "sum" else v.mean())),
            reports=("source", lambda r: sorted({str(x) for x in r})),
            percentile=("percentile", "mean"),
            unit=("unit", "first"), rows=("rows", lambda r: [x for v in r if isinstance(
                v, list | tuple | np.ndarray) for x in v][:50])).reset_index()
        g["indicator"], g["family"] = ind, fam
        rows.append(g)
        _material_evidence(ctx, res, str(ind), str(fam), g)
    if not res.evidence:
        res.note = "no material indicator has data for the pair"
        return res
    res.status = "ok" if not all(e.coverage.get("thin") for e in res.evidence) else "thin"
    res.load_command = ""
    na = split_not_applicable(ctx, *ctx.years, "material ties") if ctx.years else ""
    if na:  # no step item was made: say why rather than leave it out silently
        res.artefacts.setdefault("not_applicable", []).append(na)
        res.note = (res.note.rstrip() + " " if res.note else "") + na + "."
    allrows = pd.concat(rows, ignore_index=True)
    allrows["series"] = allrows["indicator"] + " (" + allrows["family"] + ")"
    res.chart = allrows[allrows["dyad"].isin(ctx.dyads())][["dyad", "year", "value", "series"]]
    res.chart_spec = {"x": "year", "y": "value", "color": "dyad", "facet": "series",
                      "title": "Material ties by year (each panel its own unit)"}
    try:
        cov = material.coverage(ctx.store)
        for r in cov.to_dict(orient="records"):
            loaded = bool(r.get("loaded", True))
            res.coverage.append({
                "source": f"{r.get('pillar', '')} ({r.get('table', '')})",
                "first": r.get("first_year"), "last": r.get("last_year"),
                "rows": r.get("rows"), "gaps": "",
                "thin": "" if loaded else f"not loaded: {r.get('load_with', '')}"})
    except Exception:  # noqa: BLE001, S110 - coverage is a courtesy of the material module
        pass
    return res


def _material_evidence(ctx: Context, res: PillarResult, ind: str, fam: str,
                       g: pd.DataFrame) -> None:
    pair = g[(g["dyad"] == ctx.pair) & g["value"].notna()]
    if not len(pair):
        return
    yrs = sorted(int(y) for y in pair["year"])
    common = set(yrs)
    level, step = {}, {}
    level_n: dict[str, float | None] = {}
    step_n: dict[str, float | None] = {}
    # equal windows either side of the split: the pair's years from the split to its last year
    # against as many years before (a long-run trend is not a step at the split year)
    k = max(1, yrs[-1] - ctx.split_year + 1)
    w_b, w_a = (ctx.split_year - k, ctx.split_year - 1), (ctx.split_year, yrs[-1])
    for d in ctx.dyads():
        s = g[(g["dyad"] == d) & g["year"].isin(common)]["value"].dropna()
        level[d] = _f(s.mean()) if len(s) else None
        level_n[d] = float(len(s))
        full = g[(g["dyad"] == d)].dropna(subset=["value"])
        b = _f(full[full["year"].between(*w_b)]["value"].mean())
        a = _f(full[full["year"].between(*w_a)]["value"].mean())
        step_n[d] = float(min(int(full["year"].between(*w_b).sum()),
                              int(full["year"].between(*w_a).sum())))
        step[d] = None if not b or not a or b < 0 or a < 0 else a / b - 1
    # the pair's growth beyond the yardsticks': exp(mean log-ratio difference) - 1, so one
    # yardstick starting near zero cannot swamp the comparison
    _, ycov_step = yardstick_mean(ctx, step, step_n, MIN_MATERIAL_YEARS,
                                  "years on a side of the split")
    logs = [math.log1p(step[d]) for d in ctx.dyads()[1:] if step[d] is not None
            and d not in ycov_step.get("yardsticks_left_out", {})]
    ystep = (math.exp(sum(logs) / len(logs)) - 1) if logs else None
    beyond = None if step[ctx.pair] is None or ystep is None else \
        (1 + step[ctx.pair]) / (1 + ystep) - 1
    unit = str(pair["unit"].dropna().iloc[0]) if pair["unit"].notna().any() else ind
    pct = _f(pair["percentile"].mean())
    reports = sorted({x for v in pair.get("reports", []) for x in v})
    how = MATERIAL_INDICATORS.get(ind)
    note = f"dyad-years with data ({fam})"
    if how == "as is" and len(reports) > 1:
        note += ("; each year the mean of the reports held (" + "; ".join(reports) +
                 "), never their sum")
    y_level, ycov_level = yardstick_mean(ctx, level, level_n, MIN_MATERIAL_YEARS,
                                         "years with data in the pair's years")
    cov = {"n": len(yrs), "first": yrs[0], "last": yrs[-1], "thin": len(yrs) < MIN_MATERIAL_YEARS,
           "gaps": _gap_years(pair["year"]), "note": note}
    prov = {"rows": [x for v in pair["rows"] for x in v][:200],
            "query": f"bilat material indicators {ctx.a} {ctx.b} --indicator {ind}"}
    key = re.sub(r"[^a-z0-9_]+", "_", f"{ind}_{fam}".lower()).strip("_")
    res.evidence.append(Evidence(
        id=f"material.{key}.level", pillar="material", kind=f"material.{key}.level",
        title=f"{ind} ({fam}) of {ctx.pair}, mean over its years with data, against the "
              "yardsticks",
        value=level[ctx.pair], unit=unit, period=f"{yrs[0]}–{yrs[-1]}", source=fam,
        measures={"ratio_to_yardstick": _ratio(level[ctx.pair], y_level)},
        yardsticks={d: level[d] for d in ctx.dyads()[1:]}, percentile=pct,
        coverage=_with_yardstick_cov(cov, ycov_level),
        provenance=prov,
    ))
    n_b = int(pair["year"].between(*w_b).sum())
    n_a = int(pair["year"].between(*w_a).sum())
    if step[ctx.pair] is not None and n_b and n_a and MATERIAL_INDICATORS.get(ind) != "max":
        res.evidence.append(Evidence(
            id=f"material.{key}.step_2014", pillar="material", kind=f"material.{key}.step_2014",
            title=f"{ind} ({fam}) of {ctx.pair}: change from {w_b[0]}–{w_b[1]} to "
                  f"{w_a[0]}–{w_a[1]} (equal windows), against the yardsticks' change",
            value=step[ctx.pair], unit="relative change",
            period=f"{w_b[0]}–{w_b[1]} vs {w_a[0]}–{w_a[1]}",
            source=fam, measures={"relative_step": beyond, "step": step[ctx.pair],
                                  "yardstick_step": ystep},
            yardsticks={d: step[d] for d in ctx.dyads()[1:]},
            coverage=_with_yardstick_cov(
                {**cov, "n": min(n_b, n_a), "thin": min(n_b, n_a) < MIN_MATERIAL_YEARS,
                 "note": "n = the smaller of the years before and after the split"},
                ycov_step),
            trend={"split_year": ctx.split_year, "n_before": n_b, "n_after": n_a,
                   "window_before": f"{w_b[0]}–{w_b[1]}", "window_after": f"{w_a[0]}–{w_a[1]}"},
            provenance=prov,
        ))


# ============================================================================== contacts
def collect_contacts(ctx: Context) -> PillarResult:
    """Leader contacts from the official-text corpora (bilat.text.contacts, one series per
    corpus) and the Chinese leaders' engagements (bilat.indicators.material.engagements)."""
    res = PillarResult("contacts", "Leader contacts (official texts, engagement records)",
                       "missing", load_command="bilat fetch all --mirror DIR (engagements); "
                       "bilat documents import texts/xwlb … (corpora)")
    found: list[Evidence] = []
    try:
        from bilat.text import contacts as tc  # type: ignore[attr-defined]

        df = _call(tc.contacts, ctx, by="year", source="corpus")
        if isinstance(df, pd.DataFrame) and len(df):
            if "dyad" in df.columns:
                df = df[df["dyad"] == ctx.pair]
            ycol = "year" if "year" in df.columns else "period"
            years = pd.to_numeric(df[ycol].astype(str).str[:4], errors="coerce")
            for col in [c for c in df.columns if f"{c}_coverage" in df.columns]:
                s = pd.Series(pd.to_numeric(df[col], errors="coerce").to_numpy(),
                              index=years.to_numpy())
                ids = {}
                if f"{col}_doc_ids" in df.columns:
                    ids = {"documents": [x for v in df[f"{col}_doc_ids"].dropna()
                                         for x in (v if isinstance(v, list | tuple | np.ndarray)
                                                   else str(v).split(";")) if str(x).strip()]}
                # the days of each year the corpus covers (its own coverage share): a year
                # with a few weeks of items is not set against whole years, and a year the
                # corpus does not cover is a gap, never zero contacts
                cov = pd.to_numeric(df[f"{col}_coverage"], errors="coerce").to_numpy()
                days = pd.Series(cov * np.asarray([_year_days(y) for y in years.to_numpy()]),
                                 index=years.to_numpy())
                days = days[pd.notna(days.index)].groupby(level=0).sum(min_count=1)
                ev = _series_trend(ctx, s, f"corpus.{re.sub(r'[^a-z0-9]+', '_', col.lower())}",
                                   f"official-text corpus {col}", "contacts", ids, days)
                if ev is not None:
                    found.append(ev)
    except ImportError:
        pass
    except Exception as exc:  # noqa: BLE001 - corpora not imported
        res.note += f"corpus contacts: {first_line(exc)}. "
    try:
        from bilat.indicators import material  # type: ignore[attr-defined]

        eg = _call(material.engagements, ctx)
        if isinstance(eg, pd.DataFrame) and len(eg):
            eg = eg[eg["type"] == "all"]
            s = pd.Series(pd.to_numeric(eg["n"], errors="coerce").to_numpy(),
                          index=pd.to_numeric(eg["year"]).to_numpy())
            ids = {"rows": [x for v in eg["ids"] for x in v][:MAX_IDS]}
            ev = _series_trend(ctx, s, "engagements.chinavitae",
                               "Chinese leaders' engagements (China Vitae)", "contacts", ids)
            if ev is not None:
                found.append(ev)
    except ImportError:
        pass
    except Exception as exc:  # noqa: BLE001 - engagements not loaded
        res.note += f"engagements: {first_line(exc)}. "
    res.note = res.note.strip()
    if not found:
        res.note = (res.note + " " if res.note else "") + \
            f"no leader-contact series for {ctx.pair} in the store"
        return res
    res.evidence = found
    res.status = "ok" if not all(e.coverage.get("thin") for e in found) else "thin"
    res.load_command = ""
    rows = [{"series": ev.source, "year": int(y), "contacts": v}
            for ev in found for y, v in ev.details.get("per_year", {}).items()]
    res.chart = pd.DataFrame(rows)
    res.chart_spec = {"x": "year", "y": "contacts", "color": "series",
                      "title": f"Leader contacts of {ctx.pair} per year, by source (never summed)"}
    for ev in found:
        res.coverage.append({"source": ev.source, "first": ev.coverage["first"],
                             "last": ev.coverage["last"], "rows": ev.coverage["n"],
                             "gaps": _gap_years(pd.Series(list(ev.details["per_year"]))),
                             "thin": "thin" if ev.coverage.get("thin") else ""})
    return res


# ============================================================================== readouts
def genuine_hashes(store: Store) -> set[str]:
    """Content hashes of the texts loaded as genuine published readouts (readout_pairs)."""
    from bilat.sources.readout_pairs import KIND

    log = store.ingest_log(KIND)
    out = set(log["sha256"]) if len(log) else set()
    return out | corpus_hashes(store)


def corpus_hashes(store: Store) -> set[str]:
    """Content hashes of stored documents imported from a genuine corpus of the mirror
    (``bilat documents import`` / ``bilat fetch all``; provenance in table ``corpus_items``:
    corpus, file and line of the item). Such an item is a verified original of its publisher
    (CCTV, the Kremlin…); pasted texts, fixtures and texts with no source are not."""
    if not (store.has_table("corpus_items") and store.has_table("documents")):
        return set()
    rows = store.con.execute(
        "SELECT DISTINCT d.sha256 FROM documents d JOIN corpus_items c ON c.doc_id = d.doc_id "
        "WHERE c.corpus IS NOT NULL AND c.file IS NOT NULL AND d.sha256 IS NOT NULL").fetchall()
    return {r[0] for r in rows}


def _pair_docs(store: Store, kind: str) -> pd.DataFrame:
    if not store.has_table("documents"):
        return pd.DataFrame()
    return store.con.execute(
        "SELECT doc_id, sha256, side, date, event, kind, parties, language, title, source_url "
        "FROM documents WHERE kind = ? ORDER BY date, event, side", [kind]).df()


def _in_years(docs: pd.DataFrame, years: tuple[int, int] | None) -> pd.DataFrame:
    """The documents dated inside ``years`` (inclusive); all of them when ``years`` is None.
    An undated document is outside any range asked for."""
    if years is None or not len(docs):
        return docs
    y = pd.to_datetime(docs["date"].astype("string"), errors="coerce").dt.year
    return docs[y.between(years[0], years[1])]


def readout_pairs_of(store: Store, a: str, b: str, years: tuple[int, int] | None = None
                     ) -> tuple[list[list[str]], pd.DataFrame]:
    """Stored readout pairs of the dyad (doc ids per event, A's then B's) and the events with
    one side's account only; ``years`` (inclusive) keeps the documents dated in them."""
    docs = _in_years(_pair_docs(store, "readout"), years)
    if not len(docs):
        return [], docs
    docs = docs[docs["side"].isin([a, b]) & docs["event"].notna()]
    pairs, single = [], []
    for _ev, g in docs.groupby("event", sort=True):
        parties = {p for ps in g["parties"] for p in (list(ps) if ps is not None else [])}
        sides = set(g["side"])
        if {a, b} <= sides:
            # one text per side (the first stored), A's first
            ids = [g[g["side"] == a]["doc_id"].iloc[0], g[g["side"] == b]["doc_id"].iloc[0]]
            pairs.append(ids)
        elif not parties or {a, b} <= parties:
            single.append(g)
    return pairs, (pd.concat(single) if single else docs.head(0))


_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|"
           r"November|December|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|"
           r"октября|ноября|декабря)")
#: Dates are no figures: "on February 4", "4 февраля", "2021年12月15日", "in 2022".
_DATES = re.compile(rf"\b{_MONTHS}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTHS}|"
                    r"\d{1,4}\s*[年月日号]|\b(?:19|20)\d{2}\b", re.IGNORECASE)


def figure_only(c: Any) -> bool:
    """Whether a claim's only content is a figure: it gives a number, an amount or a share
    (:func:`bilat.text.readouts.has_figure`) and takes no stance and states no opposition
    ("As you have pointed out, it reached US$123 billion in November."). Such a claim reports
    a statistic, not the other side's support: a different figure is a divergence of fact, not
    an attribution of support, so it is never *substantive* evidence for H3."""
    from bilat.text.readouts import has_figure

    return bool(has_figure(_DATES.sub(" ", c.text)) and not c.stance and not c.opposes)


def substantive_claim(c: Any) -> bool:
    """A flagged claim that counts as a *substantive* attribution of support: it takes a
    stance, states opposition or names an issue beyond the ceremonial ones
    (:data:`GENERIC_ISSUES`), and its content is not only a figure (:func:`figure_only`)."""
    return bool((c.stance or c.opposes or set(c.issues) - GENERIC_ISSUES)
                and not figure_only(c))


#: How the readouts pillar reads its figures (``details["about"]`` of its evidence).
READOUTS_ABOUT = (
    "Pairs: bilat.text.pairing.readout_pairs, the same pairing as `bilat readouts compare-all` "
    "(corpus contacts both sides' corpora report, plus curated readout pairs of other "
    "contacts), within the report's years. Flagged: claims labelled unconfirmed_attribution or "
    "flagged overstated. Substantive: flagged claims with a stance, an opposition or a "
    "non-ceremonial issue, except claims whose only content is a figure (a trade total, a "
    "count: a statistic, not an attribution of support). A side's text that is a transcript "
    "of the leaders' public remarks (bilat.text.pairing.is_transcript) cannot confirm what was "
    "said in private: the pairs holding one are named.")


def transcript_sentence(n: int, n_pairs: int) -> str:
    """"1 of the 5 pairs compares a transcript of the public opening remarks, which cannot
    confirm what was said in private" (the readouts pillar's caveat, also in the bottom line)."""
    if n == 1:
        return (f"1 of the {n_pairs} pairs compares a transcript of the public opening "
                "remarks, which cannot confirm what was said in private")
    return (f"{n} of the {n_pairs} pairs compare a transcript of the public opening remarks, "
            "which cannot confirm what was said in private")


def collect_readouts(ctx: Context) -> PillarResult:
    """Every stored readout pair of the dyad compared claim by claim (bilat.text.readouts):
    unconfirmed attributions per pair and direction, and each side's unmatched share.

    The pairs are :func:`bilat.text.pairing.readout_pairs` within ``ctx.years`` — the same as
    ``bilat readouts compare-all`` — each compared as ``compare-all`` does. ``measures``:
    ``substantive`` (flagged claims that are :func:`substantive_claim`), ``total`` (every
    flagged claim), both also ``per_pair``. Pairs where one side's text is a transcript of
    remarks (:func:`bilat.text.pairing.is_transcript`) are listed in
    ``details["transcript_pairs"]`` and named in the coverage note."""
    from bilat.text.pairing import is_transcript, readout_pairs
    from bilat.text.readouts import compare_readouts

    res = PillarResult("readouts", "Readouts of the same call or meeting", "missing",
                       load_command="bilat fetch all --mirror DIR (texts/readouts) or "
                       "bilat documents add FILE --side A --event KEY")
    pairs = readout_pairs(ctx.store, ctx.a, ctx.b, years=ctx.years)
    _, single = readout_pairs_of(ctx.store, ctx.a, ctx.b, ctx.years)
    if len(single) and len(pairs):
        taken = [pd.Timestamp(d) for d in pairs["event_date"] if d is not None]
        sd = pd.to_datetime(single["date"].astype("string"), errors="coerce")
        single = single[[pd.isna(d) or all(abs((d - t).days) > 1 for t in taken) for d in sd]]
    res.artefacts["one_side_only"] = single
    if not len(pairs):
        if ctx.years and len(readout_pairs(ctx.store, ctx.a, ctx.b)):
            res.load_command = ""
        res.note = (f"no readout pair of {ctx.pair} in the store"
                    + (f" dated {ctx.years[0]}–{ctx.years[1]}" if ctx.years else "")
                    + (f" ({single['event'].nunique()} events with one side's account only)"
                       if len(single) else ""))
        return res
    genuine = genuine_hashes(ctx.store)
    comps = []
    used: list[dict[str, Any]] = []
    for p in pairs.itertuples(index=False):
        ids = [p.doc_a, p.doc_b]
        try:
            cmp = compare_readouts(ids, store=ctx.store, sides=[ctx.a, ctx.b], force=True)
        except Exception as exc:  # noqa: BLE001 - one pair failing must not hide the others
            res.note += f" pair {'/'.join(ids)}: {first_line(exc)}."
            continue
        comps.append(cmp)
        da, db = cmp.documents[0], cmp.documents[1]
        transcript = [d.side for d in (da, db) if is_transcript(d, cmp.claims.get(d.doc_id))]
        used.append({"date": str(p.event_date), "doc_a": p.doc_a, "doc_b": p.doc_b,
                     "basis": p.basis, "event": p.event, "transcript": transcript})
    if not comps:
        return res
    res.artefacts["comparisons"] = comps
    unconf: dict[str, int] = {f"{ctx.a} readout → {ctx.b}": 0, f"{ctx.b} readout → {ctx.a}": 0}
    substantive = dict.fromkeys(unconf, 0)
    claims_prov = []
    rows = []
    unmatched = []
    verified = True
    for cmp, u in zip(comps, used, strict=True):
        event = cmp.documents[0].event or u["event"] or f"{u['date']} contact"
        when = u["date"]
        for d in cmp.documents:
            if d.sha256 not in genuine:
                verified = False
        per = {ctx.a: 0, ctx.b: 0}
        for r in cmp.results:
            if r.label == "unconfirmed_attribution" or "overstated" in r.flags:
                side = r.side or "?"
                per[side] = per.get(side, 0) + 1
                other = ctx.b if side == ctx.a else ctx.a
                unconf[f"{side} readout → {other}"] = unconf.get(f"{side} readout → {other}",
                                                                 0) + 1
                c = r.claim
                subst = substantive_claim(c)
                if subst:
                    substantive[f"{side} readout → {other}"] = substantive.get(
                        f"{side} readout → {other}", 0) + 1
                claims_prov.append({"doc_id": c.doc_id, "start": c.start, "end": c.end,
                                    "side": side, "attributed_to": c.speaker_side,
                                    "label": r.label, "flags": r.flags, "issues": list(c.issues),
                                    "stance": c.stance, "substantive": subst,
                                    "figure_only": figure_only(c),
                                    "text": c.text, "event": event, "reason": "; ".join(r.reasons)})
        for d in cmp.documents:
            unmatched.append(cmp.unmatched_share[d.doc_id])
        rows.append({"event": event, "date": str(when), **{f"unconfirmed_in_{k}": v
                                                          for k, v in per.items()},
                     "asymmetry": cmp.asymmetry, "doc_a": u["doc_a"], "doc_b": u["doc_b"],
                     "basis": u["basis"], "transcript": u["transcript"]})
    n_pairs = len(comps)
    total = sum(unconf.values())
    dates = sorted(u["date"] for u in used)
    tr = [u for u in used if u["transcript"]]
    cov = {"n": n_pairs, "first": dates[0], "last": dates[-1], "thin": n_pairs < 3,
           "pairs": [f"{u['date']} {u['doc_a']}/{u['doc_b']}" for u in used],
           "transcript_pairs": len(tr),
           "note": f"{n_pairs} readout pairs of {ctx.pair} (the pairs of `bilat readouts "
                   f"compare-all`: " + ", ".join(f"{u['date']} {u['doc_a']}/{u['doc_b']}"
                                                  for u in used) + "); "
                   + (transcript_sentence(len(tr), n_pairs) + " ("
                      + ", ".join(f"{'/'.join(u['transcript'])} {u['date']}" for u in tr)
                      + "); " if tr else "")
                   + f"{single['event'].nunique() if len(single) else 0} events with one "
                   "side's account only are not comparable"}
    n_sub = sum(substantive.values())
    claims_prov.sort(key=lambda c: not c["substantive"])  # substantive ones first
    res.evidence.append(Evidence(
        id="readouts.unconfirmed", pillar="readouts", kind="readouts.unconfirmed",
        title=f"Substantive unconfirmed attributions in the stored {ctx.pair} readout pairs "
              "(claims with a stance or an issue, not only a figure, that one side attributes "
              "to the other and the other's own readout lacks)",
        value=n_sub / n_pairs, unit="per readout pair", period=f"{dates[0]}–{dates[-1]}",
        source="stored readouts (bilat.text.readouts)",
        measures={"per_pair": n_sub / n_pairs, "substantive": float(n_sub),
                  "all_per_pair": total / n_pairs, "total": float(total)},
        coverage=cov, provenance={"claims": claims_prov},
        details={"by_direction": substantive, "by_direction_all": unconf, "pairs": rows,
                 "transcript_pairs": [u["date"] for u in tr], "about": READOUTS_ABOUT},
        verified=verified,
    ))
    res.evidence.append(Evidence(
        id="readouts.one_sided", pillar="readouts", kind="readouts.one_sided",
        title=f"Share of each {ctx.pair} readout's claims the other side's readout does not carry",
        value=_mean(unmatched), unit="mean unmatched share", period=f"{dates[0]}–{dates[-1]}",
        source="stored readouts (bilat.text.readouts)",
        measures={"unmatched_share": _mean(unmatched)}, coverage=cov,
        provenance={"documents": [d.doc_id for c in comps for d in c.documents]},
        details={"pairs": rows}, verified=verified,
    ))
    res.status = "ok" if n_pairs >= 3 else "thin"
    res.load_command = ""
    if tr:
        res.note = (res.note + " " if res.note else "") + cov["note"].split("); ")[1] + ")."
    res.chart = _readout_chart(rows, ctx)
    res.chart_spec = {"x": "event", "y": "unconfirmed", "color": "readout", "mark": "bar",
                      "title": "Unconfirmed attributions per readout pair, by whose readout"}
    res.coverage.append({"source": f"readouts ({ctx.pair})", "first": dates[0],
                         "last": dates[-1], "rows": n_pairs, "gaps": "",
                         "thin": cov["note"]})
    return res


def _readout_chart(rows: list[dict[str, Any]], ctx: Context) -> pd.DataFrame:
    out = []
    for r in rows:
        for side in (ctx.a, ctx.b):
            out.append({"event": r["event"], "readout": f"{side}'s readout",
                        "unconfirmed": r.get(f"unconfirmed_in_{side}", 0)})
    return pd.DataFrame(out)


# ============================================================================== statements
def collect_statements(ctx: Context) -> PillarResult:
    """Joint statements of the pair (bilat.text.lineage): share new vs reaffirmed, omissions."""
    res = PillarResult("statements", "Joint statements", "missing",
                       load_command=f"bilat documents add FILE --kind statement --party {ctx.a} "
                       f"--party {ctx.b} --date YYYY-MM-DD (two or more statements)")
    docs = _in_years(_pair_docs(ctx.store, "statement"), ctx.years)
    if len(docs):
        docs = docs[docs["parties"].map(
            lambda ps: ps is not None and {ctx.a, ctx.b} <= set(ps))]
        docs = docs[docs["date"].notna()]
    if len(docs) < 2:
        res.note = f"{len(docs)} joint statement(s) of {ctx.pair} stored; a lineage needs two"
        return res
    from bilat.text.lineage import lineage

    try:
        rep = lineage(list(docs["doc_id"]), store=ctx.store, parties=(ctx.a, ctx.b))
    except Exception as exc:  # noqa: BLE001
        res.note = first_line(exc)
        return res
    res.artefacts["lineage"] = rep
    summ = rep.summary()
    new = _f(rep.focus.shares["by_claims"]["new"]["share"])
    genuine = genuine_hashes(ctx.store)
    verified = all(s in genuine for s in docs["sha256"])
    focus = rep.focus
    res.evidence.append(Evidence(
        id="statements.new_share", pillar="statements", kind="statements.new_share",
        title=f"Share of the latest {ctx.pair} joint statement that is new",
        value=new, unit="share of claims", period=str(docs["date"].max()),
        source="stored joint statements (bilat.text.lineage)", measures={"new_share": new},
        coverage={"n": len(docs), "first": str(docs["date"].min()),
                  "last": str(docs["date"].max()), "thin": len(docs) < 3,
                  "note": f"{len(docs)} statements in the series"},
        provenance={"documents": list(docs["doc_id"]), "focus": focus.doc.doc_id},
        details={"summary": _jsonable(summ),
                 "omissions": [] if rep.omissions is None else [
                     {"issue": o.issue, "label": o.label, "sources": list(o.sources)}
                     for o in rep.omissions.omissions]},
        verified=verified,
    ))
    res.status = "ok"
    res.load_command = ""
    return res


# ============================================================================== no data
#: Store tables whose rows mean a pillar's source is loaded (material: its indicator tables;
#: contacts: the engagement records and the official-text corpora).
PILLAR_TABLES: dict[str, tuple[str, ...]] = {
    "votes": ("un_rollcalls", "undl_scrape_votes"),
    "events": ("gdelt_parts", "gdelt_events", "event_records", "icews_events",
               "icews_dyad_year", "icews_tkg_events", "events"),
    "material": ("cow_trade", "imf_dots", "sipri_deliveries", "atop_dyad_year",
                 "cow_igo_dyad_year", "mme_exercises", "energy_trade"),
    "contacts": ("leader_engagements", "corpus_items"),
}


def source_loaded(store: Store, pillar: str) -> bool:
    """True when the store holds the source(s) of ``pillar`` at all (for any pair or year):
    a pillar without data for the pair is then "no data", not "missing" (nothing to load)."""
    if store is None:
        return False
    if pillar in ("readouts", "statements"):
        kind = "readout" if pillar == "readouts" else "statement"
        return store.has_table("documents") and bool(store.con.execute(
            "SELECT count(*) FROM documents WHERE kind = ?", [kind]).fetchall()[0][0])
    return any(_has_rows(store, t) for t in PILLAR_TABLES.get(pillar, ()))


def _spans(store: Store, sql: str) -> str:
    try:
        rows = store.con.execute(sql).fetchall()
    except Exception:  # noqa: BLE001 - a table of another layout: no span to give
        return ""
    return ", ".join(f"{r[0]} {_span(int(r[1]), int(r[2]))}" for r in rows
                     if r[1] is not None and r[2] is not None)


def nothing_reason(ctx: Context, pillar: str) -> str:
    """Why a loaded source holds nothing for the pair or the years asked, where it is known
    from the data (UN membership, the sides a source covers, the years it spans); empty when
    no reason is known beyond "no rows"."""
    st, pair = ctx.store, {ctx.a, ctx.b}
    yrs = ctx.years
    if pillar == "votes":
        held = _vote_years(st)
        if held is None:
            return ""
        lo, hi = yrs or (max(FIRST_YEAR, held[0]), held[1])
        return membership_reason(st, [ctx.a, ctx.b], max(lo, held[0]), min(hi, held[1]))
    if pillar == "contacts":
        out = []
        if _has_rows(st, "leader_engagements"):
            span = _spans(st, "SELECT 'cover', min(year), max(year) FROM leader_engagements")
            if "CHN" not in pair:
                out.append("China Vitae records the engagements of China's leaders only "
                           f"(neither {ctx.a} nor {ctx.b} is CHN)")
            elif yrs:
                out.append(f"China Vitae engagements {span}")
        if _has_rows(st, "corpus_items"):
            try:
                rows = st.con.execute(
                    "SELECT side, string_agg(DISTINCT corpus, ', ' ORDER BY corpus) "
                    "FROM corpus_items WHERE side IS NOT NULL GROUP BY side ORDER BY side"
                ).fetchall()
            except Exception:  # noqa: BLE001
                rows = []
            from bilat.text import contacts as tc

            known = {getattr(x, "state", "") for x in getattr(tc, "LEADERS", ())} - {""}
            sides = sorted({str(r[0]) for r in rows})
            if not pair & set(sides):
                out.append(f"no official-text corpus loaded is published by {ctx.a} or {ctx.b} "
                           f"(those loaded are published by {', '.join(sides)})")
            try:  # the pair's contacts at any date: a pair with contacts outside the years
                # asked has none in them, whatever the leader list holds
                every = tc.contact_list(st, ctx.a, ctx.b)
            except Exception:  # noqa: BLE001 - no contact table: read the leader list only
                every = pd.DataFrame()
            if yrs and len(every):
                days = pd.to_datetime(every["event_date"])
                out.append(f"no contact of {ctx.pair} in the corpora dated "
                           f"{_span(yrs[0], yrs[1])}: its {len(every)} stored contact reports "
                           f"are dated {days.min():%Y-%m-%d} – {days.max():%Y-%m-%d}")
            unknown = sorted(pair - known) if known else []
            if unknown and not len(every):
                out.append("contacts in the corpora are read for named leaders, and no leader "
                           f"of {' or '.join(unknown)} is in the list")
        return "; ".join(out)
    if pillar in ("readouts", "statements"):
        kind = "readout" if pillar == "readouts" else "statement"
        try:
            rows = st.con.execute(
                "SELECT side, count(*), min(date), max(date) FROM documents WHERE kind = ? "
                "GROUP BY side ORDER BY 2 DESC", [kind]).fetchall()
        except Exception:  # noqa: BLE001
            return ""
        held = ", ".join(f"{r[0] or '?'} ({r[1]:,})" for r in rows[:6])
        dates = [r for r in rows if r[2] is not None]
        when = (f", dated {min(r[2] for r in dates)} – {max(r[3] for r in dates)}"
                if dates else "")
        return f"the {kind}s stored are by {held}{when}"
    return ""  # events: the events module's own message names each source's span


def settle_status(ctx: Context, res: PillarResult) -> PillarResult:
    """A pillar the collector left "missing": "no data" (with the reason where one is known,
    and no load command) when its source is loaded but holds nothing for the pair or the
    years asked; "missing" with the load command only when the source is not loaded."""
    if res.status != "missing":
        return res
    if not source_loaded(ctx.store, res.pillar):
        return res
    res.status = "no data"
    res.load_command = ""
    try:
        why = nothing_reason(ctx, res.pillar)
    except Exception:  # noqa: BLE001 - a reason is a courtesy; the status stands without it
        why = ""
    res.artefacts["why"] = why  # the short reason (the bottom line quotes it)
    if why and why not in res.note:
        res.note = (res.note.rstrip(". ") + ": " if res.note else "") + why
    if not res.note:
        res.note = (f"the source is loaded but holds nothing for {ctx.pair}"
                    + (f" in {ctx.years[0]}–{ctx.years[1]}" if ctx.years else ""))
    return res


#: The collectors, in the order the report shows the pillars.
COLLECTORS: dict[str, Callable[[Context], PillarResult]] = {
    "votes": collect_votes,
    "events": collect_events,
    "material": collect_material,
    "contacts": collect_contacts,
    "readouts": collect_readouts,
    "statements": collect_statements,
}


__all__ = ["COLLECTORS", "Context", "Evidence", "PillarResult", "SPLIT_YEAR", "clip_note",
           "clipped_years", "membership_reason", "nothing_reason", "settle_status",
           "source_loaded", "vote_source_label",
           "collect_contacts", "collect_events", "collect_material", "collect_readouts",
           "collect_statements", "collect_votes", "core_issue_votes", "corpus_hashes",
           "genuine_hashes", "load_core_issues", "readout_pairs_of"]
