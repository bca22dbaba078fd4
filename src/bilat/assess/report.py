"""The partnership report: every pillar's evidence, weighed by ACH, in one dataclass.

:func:`report` answers one question — *how deep is the A–B partnership, and which reading does
the evidence favour?* — from what the store holds: it collects the evidence of every pillar
(:mod:`bilat.assess.evidence`; a pillar without data is listed as missing with the command that
would load it), builds the words-against-deeds table (:mod:`bilat.assess.words_deeds`), rates
every item against every hypothesis of the hypotheses file and scores them
(:mod:`bilat.assess.ach`), and writes a bottom line from the figures. The CLI
(``bilat report A B``) and the HTML page (:mod:`bilat.report.report_html`) only render it.

Default yardsticks (``refs=None``): for Russia–China the deepest reference dyads the seed
commentaries use, RUS–BLR and USA–GBR (:data:`DEFAULT_YARDSTICKS`); for any other pair, each
side's highest-affinity partner at the UN (Cohen's kappa over the last ten years held, at least
100 common votes, the other side of the pair excluded): A–A′ and B–B′.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from bilat.assess.ach import ACHResult, analyse
from bilat.assess.evidence import (
    COLLECTORS,
    Context,
    Evidence,
    PillarResult,
    _jsonable,
    first_line,
    genuine_hashes,
    load_core_issues,
    settle_status,
    transcript_sentence,
)
from bilat.assess.rules import HypothesisSet, load_hypotheses
from bilat.errors import error
from bilat.store import Store

#: Deepest reference dyads for pairs the seed commentaries discuss (unordered pair -> refs).
DEFAULT_YARDSTICKS: dict[frozenset[str], list[tuple[str, str]]] = {
    frozenset({"RUS", "CHN"}): [("RUS", "BLR"), ("USA", "GBR")],
}
QUESTION = ("How deep is the {a}–{b} partnership, and which reading does the evidence favour: "
            "{names}?")


@dataclass
class Report:
    """The partnership report for one pair (see module docstring)."""

    a: str
    b: str
    refs: list[tuple[str, str]]
    yardstick_note: str
    years: tuple[int, int] | None
    question: str
    pillars: list[PillarResult]
    evidence: list[Evidence]
    ach: ACHResult
    words_deeds: pd.DataFrame
    coverage: pd.DataFrame
    bottom_line: str
    hypotheses_file: str
    store: str
    generated_at: str
    seconds: dict[str, float] = field(default_factory=dict)
    unverified_texts: list[dict[str, Any]] = field(default_factory=list)
    yardsticks_derived: bool = False  #: True when the refs were derived by a rule from the data
    hypotheses_scope: str = ""  #: whose wording the hypotheses are (pair-specific or generic)
    hypotheses_generic: bool = True  #: no pair-specific section of the file applies
    hypotheses_pairs: list[str] = field(default_factory=list)  #: pairs the file words apart

    @property
    def pair(self) -> str:
        return f"{self.a}–{self.b}"

    def pillar(self, name: str) -> PillarResult:
        for p in self.pillars:
            if p.pillar == name:
                return p
        raise KeyError(name)

    def evidence_by_id(self, eid: str) -> Evidence:
        for e in self.evidence:
            if e.id == eid:
                return e
        raise KeyError(eid)

    @property
    def missing(self) -> list[PillarResult]:
        """Pillars whose source is not loaded (each with the command that loads it)."""
        return [p for p in self.pillars if p.status == "missing"]

    @property
    def no_data(self) -> list[PillarResult]:
        """Pillars whose source is loaded but holds nothing for the pair or the years asked."""
        return [p for p in self.pillars if p.status == "no data"]

    @property
    def clipped(self) -> list[str]:
        """Notes naming the years asked (``--years``) that a source does not hold, and so left
        out of its figures (e.g. UN votes past the merged record's last roll call)."""
        return [c for p in self.pillars for c in p.artefacts.get("clipped", [])]

    def to_dict(self) -> dict[str, Any]:
        """Every figure, JSON-ready."""
        from bilat import __version__

        return _jsonable({
            "bilat_version": __version__,
            "generated_at": self.generated_at,
            "store": self.store,
            "question": self.question,
            "pair": [self.a, self.b],
            "yardsticks": [list(r) for r in self.refs],
            "yardstick_note": self.yardstick_note,
            "yardsticks_derived": self.yardsticks_derived,
            "pillar_shares": pillar_shares(self),
            "leading": leading(self),
            "clipped": self.clipped,
            "years": list(self.years) if self.years else None,
            "bottom_line": self.bottom_line,
            "hypotheses_file": self.hypotheses_file,
            "hypotheses_scope": self.hypotheses_scope,
            "hypotheses_generic": self.hypotheses_generic,
            "pillars": [p.to_dict() for p in self.pillars],
            "evidence": [e.to_dict() for e in self.evidence],
            "ach": self.ach.to_dict(),
            "words_deeds": self.words_deeds.to_dict(orient="records"),
            "coverage": self.coverage.to_dict(orient="records"),
            "unverified_texts": self.unverified_texts,
            "seconds": self.seconds,
        })

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, default=str)

    def summary_lines(self) -> list[str]:
        """A short terminal summary (plain text)."""
        s = self.ach.scores
        names = {h["id"]: h["name"] for h in self.ach.hypotheses}
        lines = [self.question, ""]
        for h in s.ranking:
            lines.append(f"  {h} {names[h]:<34} posterior {s.posterior[h]:6.1%}   "
                         f"inconsistency {s.inconsistency[h]:.2f}")
        lines.append("")
        lines.append(self.bottom_line)
        lines.append("")
        for p in self.pillars:
            state = p.status.upper()
            extra = f"  (load: {p.load_command})" if p.status == "missing" and p.load_command \
                else f"  ({p.note})" if p.status == "no data" and p.note else ""
            lines.append(f"  {p.title:<58} {state:<8} {len(p.evidence)} items{extra}")
        return lines


# ----------------------------------------------------------------------------- yardsticks
#: UN seats that were not independent states before 1992: the Byelorussian and Ukrainian SSRs
#: held GA seats from 1945 and voted as Moscow did, so they are never a yardstick partner for
#: years before 1992 (their kappa with the USSR is an artefact of the seat, not an alliance).
SOVIET_REPUBLIC_SEATS = frozenset({"BLR", "UKR"})
SOVIET_SEATS_UNTIL = 1991
#: A defence ally whose own kappa with the side is below this is no benchmark of depth: the
#: side's closest voter stands in; a derived yardstick still below it is flagged as weak.
LOW_YARDSTICK_KAPPA = 0.2
#: A state whose median kappa with the other members is lower than this share (%) of
#: members' is said to vote apart from most of the membership (bottom line, kappa < 0).
APART_MEMBER_PERCENTILE = 25.0


def _fixed_yardsticks(a: str, b: str, years: tuple[int, int] | None
                      ) -> list[tuple[str, str]] | None:
    """The seed commentaries' yardsticks of A–B when they apply to the years asked: none when
    the years reach back before 1992 and a yardstick is a Soviet-republic seat."""
    fixed = DEFAULT_YARDSTICKS.get(frozenset({a, b}))
    if fixed and years is not None and years[0] <= SOVIET_SEATS_UNTIL and any(
            {x, y} & SOVIET_REPUBLIC_SEATS for x, y in fixed):
        return None
    return list(fixed) if fixed else None


def default_yardsticks(store: Store, a: str, b: str, years: tuple[int, int] | None = None
                       ) -> tuple[list[tuple[str, str]], str]:
    """The default reference dyads for A–B and a sentence saying how they were chosen.

    Derived yardsticks come from the years asked (``years``, clipped to the UN votes held;
    the last ten of them) and from ATOP in the latest year held up to the end of those years;
    with no years asked, from the last ten years of votes held and the latest ATOP year. A
    Soviet-republic seat (BLR, UKR) is never a partner when those years reach before 1992.
    Each derived yardstick says whether its ATOP pledge runs both ways. A defence ally whose
    own kappa with the side is below :data:`LOW_YARDSTICK_KAPPA` is passed over (named in the
    note) for the side's closest voter; a yardstick still below it is flagged as weak."""
    fixed = _fixed_yardsticks(a, b, years)
    if fixed:
        return fixed, ("default yardsticks for this pair: " + ", ".join(
            f"{x}–{y}" for x, y in fixed) + " (the deepest reference dyads of the seed "
            "commentaries: Russia's closest ally and the US–UK 'special relationship')")
    from bilat.assess.evidence import _vote_years

    held = _vote_years(store)
    if held is None:
        raise error("E604", pair=f"{a}–{b}", reason="no UN votes in the store to derive them "
                    "from (each side's highest-affinity partner)")
    why_years = ""
    lo, hi = held[0], held[1]
    if years is not None:
        lo, hi = max(years[0], held[0]), min(years[1], held[1])
        if lo > hi:  # the years asked hold no vote: say where the yardsticks come from
            why_years = (f"; the years asked ({years[0]}–{years[1]}) hold no UN vote, so they "
                         f"come from the last ten years held")
            lo, hi = held[0], held[1]
    # the years asked (their last ten); when they hold too few votes for a partner with 100+
    # common votes, the ten years held up to their end (said in the note)
    windows = [(max(lo, hi - 9), hi)]
    if max(held[0], hi - 9) < windows[0][0]:
        windows.append((max(held[0], hi - 9), hi))
    for i, (y_lo, y_hi) in enumerate(windows):
        try:
            refs, how = _derive(store, a, b, y_lo, y_hi)
        except Exception as exc:  # noqa: BLE001 - E604: too few votes; try the wider window
            if getattr(exc, "code", "") != "E604" or i == len(windows) - 1:
                raise
            why_years += (f"; the years asked ({_yspan(lo, hi)}) hold no partner with 100+ "
                          f"common votes, so the ten years held up to {hi} are used")
            continue
        break
    soviet = y_lo <= SOVIET_SEATS_UNTIL
    how_fixed = ("the seed commentaries' yardsticks include a Soviet-republic UN seat, which "
                 "before 1992 was no state: derived instead; "
                 if DEFAULT_YARDSTICKS.get(frozenset({a, b})) else "")
    return refs, (how_fixed + f"yardsticks derived from the data: each side's highest-affinity "
                  f"UN partner (Cohen's kappa, {y_lo}-{y_hi}, 100+ common votes) among its "
                  "defence allies where it has any" + (
                      "; the Byelorussian and Ukrainian SSR seats (BLR, UKR before 1992) are "
                      "never partners" if soviet else "") + why_years + ": " + ", ".join(how))


def _yspan(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}–{hi}"


def _derive(store: Store, a: str, b: str, y_lo: int, hi: int
            ) -> tuple[list[tuple[str, str]], list[str]]:
    """Each side's yardstick partner over ``y_lo``–``hi`` and how it was chosen (E604 when a
    side has no partner with 100+ common votes)."""
    from bilat.indicators import votes

    yrs = f"{y_lo}-{hi}"
    soviet = y_lo <= SOVIET_SEATS_UNTIL
    refs, how = [], []
    for x, other in ((a, b), (b, a)):
        near = votes.nearest(store, x, years=yrs, method="kappa", min_votes=100)
        near = near[near["rank"].notna() & (near["b"] != other)]
        if soviet:
            near = near[~near["b"].isin(SOVIET_REPUBLIC_SEATS)]
        if not len(near):
            raise error("E604", pair=f"{a}–{b}", reason=f"no partner of {x} with 100+ common "
                        f"votes in {yrs}")
        pledges, atop_year = defence_pledges(store, x, hi)
        allies = set(pledges)
        among = near[near["b"].isin(allies)]
        # an ally voting with x below LOW_YARDSTICK_KAPPA is no benchmark of a deep
        # partnership: x's closest voter stands in, and the note names the ally passed over
        weak = among[pd.to_numeric(among["kappa"], errors="coerce") < LOW_YARDSTICK_KAPPA]
        among = among.drop(weak.index)
        passed = "; ".join(
            f"{r.b}, " + _pledge_text(x, str(r.b), pledges[str(r.b)], atop_year)
            + f", passed over: its own kappa is {float(r.kappa):.2f}"
            + (", below chance" if float(r.kappa) < 0 else "")
            for r in weak.head(3).itertuples())
        if len(among):
            row = among.iloc[0]
            y = str(row["b"])
            text = f"{x}–{y} ({_pledge_text(x, y, pledges[y], atop_year)}"
        else:
            row = near.iloc[0]
            y = str(row["b"])
            why = (f"no defence ally of {x} votes with it at kappa {LOW_YARDSTICK_KAPPA} or "
                   f"more ({passed})" if passed else _no_ally(x, other, allies, atop_year))
            text = f"{x}–{y} ({why}: its closest voter, which may be no partner at all"
        k = _num(row.get("kappa"))
        if k is not None and k < LOW_YARDSTICK_KAPPA:
            text += (f"; WEAK YARDSTICK: its own kappa is {k:.2f}"
                     + (", below chance" if k < 0 else "") + ", so it is no deep partnership "
                     "at the UN and ratios to it mislead; name another with --ref")
        refs.append((x, y))
        how.append(text + ")")
    return refs, how


def _pledge_text(x: str, y: str, way: str, atop_year: int | None) -> str:
    """How ``y`` is ``x``'s defence ally in ATOP: mutual, or a one-way pledge and whose."""
    if way == "mutual":
        return f"a defence ally of {x} in ATOP {atop_year}"
    giver, taker = (y, x) if way == "to x" else (x, y)
    return (f"a one-way ATOP {atop_year} defence pledge: {giver} pledges to defend {taker}, "
            f"{taker} not {giver}")


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _no_ally(x: str, other: str, allies: set[str], atop_year: int | None) -> str:
    """Why no defence ally of ``x`` can be its yardstick partner: none in ATOP, none but the
    other side of the pair (excluded: the yardstick must not be the pair itself), or none
    with enough common UN votes."""
    if atop_year is None:
        return f"{x} has no defence ally in ATOP, not loaded"
    rest = sorted(allies - {other})
    if not allies:
        return f"{x} has no defence ally in ATOP {atop_year}"
    if not rest:
        return (f"{x} has no defence ally other than {other} (the pair itself) in ATOP "
                f"{atop_year}")
    shown = ", ".join(rest[:6]) + (f" and {len(rest) - 6} more" if len(rest) > 6 else "")
    return (f"none of {x}'s defence allies in ATOP {atop_year} other than {other} ({shown}) "
            "has 100+ common votes with it")


def defence_pledges(store: Store, x: str, year: int | None = None
                    ) -> tuple[dict[str, str], int | None]:
    """States with an ATOP defence pledge to or from ``x`` (ISO3) and its direction
    (``"mutual"``, ``"to x"``: only the partner pledges to defend x, ``"by x"``: only x
    pledges), in the latest ATOP year held up to ``year`` (default: the latest held; the
    earliest held when ``year`` precedes them all), and that year; an empty dict and None
    when ATOP is not loaded. ATOP's dyad-year rows are directed: ``iso3_1`` has the
    obligation towards ``iso3_2``. Leeds et al., ATOP v5.1 (2020)."""
    if not store.has_table("atop_dyad_year"):
        return {}, None
    if year is None:
        (last,) = store.con.execute("SELECT max(year) FROM atop_dyad_year").fetchone() or (None,)
    else:
        (last,) = store.con.execute(
            "SELECT coalesce(max(year) FILTER (WHERE year <= ?), min(year)) FROM atop_dyad_year",
            [year]).fetchone() or (None,)
    if last is None:
        return {}, None
    rows = store.con.execute(
        "SELECT iso3_1, iso3_2 FROM atop_dyad_year WHERE year = ? AND defense = 1 AND "
        "(iso3_1 = ? OR iso3_2 = ?)", [last, x, x]).fetchall()
    by_x = {str(r[1]) for r in rows if r[0] == x and r[1] is not None}
    to_x = {str(r[0]) for r in rows if r[1] == x and r[0] is not None}
    out = {p: "mutual" if p in by_x and p in to_x else "by x" if p in by_x else "to x"
           for p in by_x | to_x}
    return out, int(last)


def defence_allies(store: Store, x: str, year: int | None = None
                   ) -> tuple[set[str], int | None]:
    """States with an ATOP defence pledge to or from ``x`` (ISO3) in the latest ATOP year the
    store holds up to ``year`` (table ``atop_dyad_year``), and that year; an empty set and
    None when ATOP is not loaded (directions: :func:`defence_pledges`)."""
    pledges, last = defence_pledges(store, x, year)
    return set(pledges), last


def parse_years(value: str | tuple[int, int] | None) -> tuple[int, int] | None:
    """``"1992-2019"`` → (1992, 2019); ``"2014"`` → (2014, 2014); None stays None (E605)."""
    from bilat.periods import year_range

    rng = year_range(value, malformed="E605")
    if rng is not None and (rng[0] < 1900 or rng[1] > 2100):
        raise error("E605", value=value)
    return rng


# ----------------------------------------------------------------------------- the report
def report(
    store: Store,
    a: str,
    b: str,
    *,
    refs: list[tuple[str, str]] | None = None,
    years: str | tuple[int, int] | None = None,
    hypotheses: str | Path | HypothesisSet | None = None,
    pillars: list[str] | None = None,
    split_year: int = 2014,
) -> Report:
    """The partnership report for A–B (ISO3) from what ``store`` holds.

    ``refs``: reference dyads (default: :func:`default_yardsticks`); ``years``: limit every
    pillar to these years (default: all the data holds; UN votes from 1992); ``hypotheses``: a
    hypotheses file (default: the shipped ``hypotheses.toml``) or a loaded set; ``pillars``:
    collect only these (default: all of :data:`bilat.assess.evidence.COLLECTORS`).
    Raises E116 for A = B, E604 when no yardstick can be found, E60x for a bad hypotheses file.
    """
    from bilat.reference.countries import resolve_state

    t0 = time.perf_counter()
    a, b = resolve_state(a), resolve_state(b)
    if a == b:
        raise error("E116", value=a)
    hs = hypotheses if isinstance(hypotheses, HypothesisSet) else load_hypotheses(hypotheses)
    rng = parse_years(years)
    hs = hs.for_pair(a, b, split_year=split_year)
    derived = refs is None and _fixed_yardsticks(a, b, rng) is None
    if refs is None:
        refs, ynote = default_yardsticks(store, a, b, rng)
    else:
        refs = [(resolve_state(x), resolve_state(y)) for x, y in refs]
        ynote = "yardsticks given: " + ", ".join(f"{x}–{y}" for x, y in refs)
    ctx = Context(store, a, b, refs, rng, split_year)
    seconds: dict[str, float] = {}
    results: list[PillarResult] = []
    for name, fn in COLLECTORS.items():
        if pillars is not None and name not in pillars:
            continue
        t = time.perf_counter()
        try:
            res = fn(ctx)
        except Exception as exc:  # noqa: BLE001 - one pillar failing must not hide the rest
            res = PillarResult(name, name, "error", note=f"{type(exc).__name__}: "
                               f"{first_line(exc) if str(exc) else ''}")
        res.seconds = time.perf_counter() - t
        seconds[name] = res.seconds
        settle_status(ctx, res)  # loaded but nothing for the pair/years: "no data", not missing
        for c in res.artefacts.get("clipped", []):
            if c not in res.note:
                res.note = (res.note.rstrip() + " " if res.note else "") + c + "."
        if res.status == "ok" and res.evidence and all(e.coverage.get("thin")
                                                       for e in res.evidence):
            res.status = "thin"  # every item below its minimum n or coverage: not rated
        results.append(res)
    evidence = [e for r in results for e in r.evidence]
    # words against deeds (needs the vote list when votes are stored)
    t = time.perf_counter()
    genuine = genuine_hashes(store)
    vlist = None
    for r in results:
        if r.pillar == "votes":
            vlist = r.artefacts.get("vote_list")
    from bilat.assess import words_deeds

    try:
        wd = words_deeds.table(store, a, b, votes_list=vlist, core=load_core_issues(),
                               genuine=genuine, years=rng)
    except Exception as exc:  # noqa: BLE001
        wd = pd.DataFrame()
        results.append(PillarResult("words_deeds", "Words against deeds", "error",
                                    note=first_line(exc)))
    seconds["words_deeds"] = time.perf_counter() - t
    wd_ev = _words_deeds_evidence(ctx, wd)
    if wd_ev is not None:
        evidence.append(wd_ev)
    t = time.perf_counter()
    ach = analyse(hs, evidence)
    seconds["ach"] = time.perf_counter() - t
    coverage = _coverage(store, results)
    unverified = _unverified(store, a, b, genuine)
    names = ", ".join(f"{h.id} {h.name.lower()}" for h in hs.hypotheses)
    rep = Report(
        a=a, b=b, refs=refs, yardstick_note=ynote, years=rng,
        question=QUESTION.format(a=a, b=b, names=names), pillars=results, evidence=evidence,
        ach=ach, words_deeds=wd, coverage=coverage, bottom_line="", hypotheses_file=hs.path,
        store=str(store.path or ":memory:"),
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        seconds=seconds, unverified_texts=unverified, yardsticks_derived=derived,
        hypotheses_scope=hs.scope, hypotheses_generic=not hs.pair_specific,
        hypotheses_pairs=[p.label for p in hs.pairs],
    )
    rep.bottom_line = bottom_line(rep)
    rep.seconds["total"] = time.perf_counter() - t0
    return rep


def _words_deeds_evidence(ctx: Context, wd: pd.DataFrame) -> Evidence | None:
    if wd is None or not len(wd):
        return None
    with_votes = wd[wd["votes"].fillna(0) > 0]
    n = len(with_votes)
    unbacked = int((with_votes["backed_share"] < 0.5).sum()) if n else 0
    share = unbacked / n if n else None
    return Evidence(
        id="words_deeds.unbacked", pillar="words_deeds", kind="words_deeds.unbacked",
        title=f"Claims of support in {ctx.pair} texts not matched by UN votes on the same issue",
        value=share, unit="share of claims with votes on their issue", period="",
        source="stored readouts/statements × UN GA roll calls",
        measures={"unbacked_share": share, "claims": float(len(wd)),
                  "claims_with_votes": float(n)},
        coverage={"n": n, "thin": n < 2, "note": f"{len(wd)} claims of support on a core issue; "
                  f"{n} with recorded GA votes on that issue"},
        provenance={"claims": [{"doc_id": r.doc_id, "start": int(r.start), "end": int(r.end),
                                "issue": r.issue, "text": r.text}
                               for r in wd.itertuples()]},
        verified=bool(wd["verified"].all()),
    )


def _coverage(store: Store, results: list[PillarResult]) -> pd.DataFrame:
    rows = []
    for r in results:
        if r.coverage:
            for c in r.coverage:
                rows.append({"pillar": r.pillar, "status": r.status, **c})
        else:
            rows.append({"pillar": r.pillar, "status": r.status, "source": r.title,
                         "first": None, "last": None, "rows": None, "gaps": "",
                         "thin": r.note or ("no data: " + r.load_command if r.load_command
                                            else "")})
    df = pd.DataFrame(rows)
    for c in ("source", "first", "last", "rows", "gaps", "thin"):
        if c not in df.columns:
            df[c] = None
    df["load_command"] = [r.load_command if r.status == "missing" else ""
                          for r in results for _ in (r.coverage or [None])]
    return df


def _unverified(store: Store, a: str, b: str, genuine: set[str]) -> list[dict[str, Any]]:
    """Stored texts of the pair that are not loaded as verified originals (banner in HTML)."""
    if not store.has_table("documents"):
        return []
    docs = store.con.execute(
        "SELECT doc_id, sha256, side, date, kind, event, source_url, parties FROM documents "
        "WHERE kind IN ('readout', 'statement')").df()
    out = []
    for r in docs.itertuples():
        parties = set(r.parties) if r.parties is not None else set()
        if ({a, b} <= parties or r.side in (a, b)) and r.sha256 not in genuine:
            url = r.source_url if isinstance(r.source_url, str) and r.source_url else None
            why = ("no source: pasted or of unknown origin" if url is None else
                   "test or imitation text" if url.startswith(("fixture", "test", "file:"))
                   else "not loaded from a genuine readout pair or corpus of the mirror")
            out.append({"doc_id": r.doc_id, "side": r.side, "date": r.date, "kind": r.kind,
                        "event": r.event, "source_url": url, "why": why})
    return out


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "n/a" if x is None else format(x, spec)


#: A pillar carrying at least this share of the leader's margin is what the ranking rests on.
DOMINANT_SHARE = 0.8


def pillar_shares(rep: Report) -> dict[str, float]:
    """Each pillar's share of the evidence behind the leading reading's lead.

    Per rated item (not N everywhere): ``weight × |log LR(leader) − log LR(runner-up)|``
    (the item's pull on the posterior odds of the top two readings), summed per pillar and
    divided by the total. Empty when no item separates the top two."""
    s = rep.ach.scores
    if len(s.ranking) < 2:
        return {}
    lead, second = s.ranking[0], s.ranking[1]
    lik = rep.ach.scoring.get("likelihood", {}) if isinstance(rep.ach.scoring, dict) else {}
    if not lik:
        return {}
    pillar_of = {e.id: e.pillar for e in rep.evidence}
    pull: dict[str, float] = {}
    for r in rep.ach.rows:
        a, b = r.cells[lead].rating, r.cells[second].rating
        x = abs(r.weight * (math.log(lik[a]) - math.log(lik[b])))
        if x > 0:
            p = pillar_of.get(r.evidence, "?")
            pull[p] = pull.get(p, 0.0) + x
    tot = sum(pull.values())
    return {p: v / tot for p, v in sorted(pull.items(), key=lambda kv: -kv[1])} if tot else {}


def _reliance(rep: Report) -> str:
    """A sentence when the conclusion rests on one pillar (or on none), from the figures."""
    titles = {"words_deeds": "Words against deeds", **{p.pillar: p.title for p in rep.pillars}}
    rated = {rep.evidence_by_id(r.evidence).pillar for r in rep.ach.rows
             if any(c.rating != "N" for c in r.cells.values())}
    if not rated:
        return ("No evidence item is rated (every item is thin or undefined): the ranking is "
                "the priors, not a finding.")
    if len(rated) == 1:
        (p,) = rated
        return (f"Only the {titles.get(p, p)} pillar has rated data; the ranking rests on it "
                "alone.")
    shares = pillar_shares(rep)
    if shares:
        p, v = next(iter(shares.items()))
        if v >= DOMINANT_SHARE:
            return (f"The posterior lead rests almost entirely ({v:.0%}) on the "
                    f"{titles.get(p, p)} pillar; the other pillars barely separate the "
                    "readings.")
    return ""


#: A hypothesis rated (not N) on fewer than this share of the items the most-rated hypothesis
#: is rated on "predicts little": Heuer's score counts inconsistencies only, so its low
#: inconsistency is partly an artefact of saying less, and the bottom line says so.
PREDICTS_LITTLE = 0.67


def leading(rep: Report) -> dict[str, Any]:
    """Which reading leads by each scoring rule, and whether the two agree.

    ``criterion``: what "leads" refers to in the report (the Bayesian posterior, which orders
    :attr:`~bilat.assess.ach.Scores.ranking`); ``posterior_leader``; ``heuer_ranking`` (least
    weighted inconsistency first, Heuer's criterion: the hypothesis with the fewest
    inconsistencies is retained; ties by posterior); ``heuer_leaders`` (every hypothesis with
    the least inconsistency); ``agree`` (the posterior leader is among them); per hypothesis
    the items rated consistent (C/CC) and inconsistent (I/II)."""
    s = rep.ach.scores
    if not s.ranking:
        return {}
    ids = list(s.ranking)
    heuer = sorted(ids, key=lambda h: (round(s.inconsistency[h], 9), -s.posterior[h],
                                       ids.index(h)))
    least = round(s.inconsistency[heuer[0]], 9)
    tied = [h for h in heuer if round(s.inconsistency[h], 9) == least]
    cons = {h: sum(1 for r in rep.ach.rows if r.cells[h].rating in ("C", "CC")) for h in ids}
    incons = {h: sum(1 for r in rep.ach.rows if r.cells[h].rating in ("I", "II")) for h in ids}
    return {"criterion": "posterior", "posterior_leader": s.ranking[0],
            "heuer_ranking": heuer, "heuer_leaders": tied, "agree": s.ranking[0] in tied,
            "consistent_items": cons, "inconsistent_items": incons}


def _lead_sentences(rep: Report, names: dict[str, str]) -> list[str]:
    """The ranking by both rules, saying plainly when they disagree and what "leads" means."""
    s = rep.ach.scores
    rk = s.ranking
    lg = leading(rep)
    p0 = rk[0]
    head = f"On the {len(rep.evidence)} evidence items the store holds for {rep.pair}, "
    if lg["agree"]:
        tie = [h for h in lg["heuer_leaders"] if h != p0]
        return [head + f"{names[p0]} ({p0}) leads on both scoring rules: the highest Bayesian "
                f"posterior, {s.posterior[p0]:.0%}, and the least Heuer inconsistency, "
                f"{s.inconsistency[p0]:.1f}" + (f" (tied with {', '.join(tie)})" if tie else "")
                + "; ahead of " + ", ".join(
                    f"{names[h]} ({h}, posterior {s.posterior[h]:.0%}, inconsistency "
                    f"{s.inconsistency[h]:.1f})" for h in rk[1:]) + "."]
    h0 = lg["heuer_leaders"][0]
    heuer_txt = " and ".join(f"{names[h]} ({h})" for h in lg["heuer_leaders"])
    cons, inc = lg["consistent_items"], lg["inconsistent_items"]
    return [
        head + "the two scoring rules disagree. By the Bayesian posterior "
        f"{names[p0]} ({p0}) leads with {s.posterior[p0]:.0%} (" + ", ".join(
            f"{h} {s.posterior[h]:.0%}" for h in rk[1:]) + "); by Heuer's criterion — the "
        "reading with the least inconsistency is retained — it is " + heuer_txt
        + f", with inconsistency {s.inconsistency[h0]:.1f} against " + ", ".join(
            f"{h} {s.inconsistency[h]:.1f}" for h in lg["heuer_ranking"]
            if h not in lg["heuer_leaders"]) + ".",
        f"{p0} is rated consistent on {cons[p0]} items and inconsistent on {inc[p0]}; {h0} "
        f"consistent on {cons[h0]} and inconsistent on {inc[h0]}: the posterior rewards "
        "consistent items, Heuer's score counts inconsistent ones only. Elsewhere in this "
        "summary \u201cleads\u201d, \u201cleading reading\u201d and \u201cranking\u201d "
        f"refer to the posterior; by Heuer's rule {h0} would be retained.",
    ]


def _caveats(rep: Report, names: dict[str, str]) -> list[str]:
    """Sentences that qualify the ranking itself: a pair with no declared partnership on record
    (no readout pair, no joint statement), a pair that votes apart more than chance, and a
    reading that is least contradicted (Heuer) because it predicts little."""
    out = []
    declared = {p.pillar for p in rep.pillars if p.status in ("ok", "thin")
                and p.pillar in ("readouts", "statements")}
    collected = {p.pillar for p in rep.pillars}
    if not declared:
        held = ("the store holds" if {"readouts", "statements"} <= collected
                else "this report weighs")
        out.append(f"The three readings presume a declared partnership, and {held} no "
                   f"readout pair and no joint statement of {rep.pair}: the ranking compares "
                   "the readings only on the votes, events and material ties (the posterior: "
                   "which reading they make likeliest relative to the others; Heuer's score: "
                   "which they contradict least), not that the two states are partners, and "
                   "the 'exaggerated' reading cannot be checked against any declaration.")
    try:
        k = rep.evidence_by_id("votes.chance_corrected")
    except KeyError:
        k = None
    if k is not None and k.value is not None and k.value < 0:
        out.append(apart_sentence(rep, k))
    rated = {h: sum(1 for r in rep.ach.rows if r.cells.get(h) is not None
                    and r.cells[h].rating != "N") for h in names}
    most = max(rated.values(), default=0)
    lg = leading(rep)
    for h in lg.get("heuer_leaders", [])[:1]:
        if most and rated[h] < PREDICTS_LITTLE * most:
            out.append(f"{names[h]} ({h}), the least contradicted by Heuer's score, predicts "
                       f"something on only {rated[h]} of {len(rep.ach.rows)} items (" + ", ".join(
                           f"{x} {n}" for x, n in rated.items() if x != h) + "); Heuer's "
                       "score counts inconsistencies only, so a reading that predicts little "
                       "is hard to contradict: its low inconsistency is partly an artefact of "
                       "saying less.")
    return out


def apart_sentence(rep: Report, k: Evidence) -> str:
    """What a pair voting apart more often than chance (kappa < 0) means, described against
    each side's own usual affinity at the UN (its median kappa with every other member over
    the same years) and the yardsticks, never read as rivalry from the kappa alone: a state
    that votes apart from most of the membership has a low kappa with its partners too."""
    usual = k.details.get("usual_affinity") or {}
    head = (f"At the UN {rep.pair} vote apart more often than chance would have them agree "
            f"(kappa {k.value:.2f}, {k.period})")
    parts = []
    for x in (rep.a, rep.b):
        u = usual.get(x)
        if not u:
            continue
        pct = u.get("pair_percentile")
        mp = u.get("member_percentile")
        parts.append(f"{x}'s median kappa with its {u['partners']} other partners is "
                     f"{u['median_kappa']:.2f}" + (
                         f" (higher than {mp:.0f}% of members' own median)"
                         if mp is not None else "") + (
                         f", and {rep.pair} is above {pct:.0f}% of {x}'s partners"
                         if pct is not None else ""))
    ys = ", ".join(f"{d} {v:.2f}" for d, v in k.yardsticks.items() if v is not None)
    low_own = [x for x in (rep.a, rep.b) if usual.get(x)
               and (usual[x].get("member_percentile") or 100.0) < APART_MEMBER_PERCENTILE]
    text = head
    if parts:
        text += "; against each side's usual affinity: " + "; ".join(parts)
    if ys:
        text += f"; the yardsticks: {ys}"
    if low_own:
        text += (f". {' and '.join(low_own)} "
                 + ("votes" if len(low_own) == 1 else "vote")
                 + f" apart from most of the membership (a median kappa in the lowest "
                   f"{APART_MEMBER_PERCENTILE:.0f}% of members'), so a low kappa with any one "
                   "state says little about the pair")
    return (text + ". A low kappa alone is no evidence of rivalry or hostility: it describes "
            "the voting pattern only; the three readings presume a partnership, and the "
            "ranking says only which reading fits the evidence best relative to the others, "
            "not that any of them fits.")


def _status_sentences(rep: Report) -> list[str]:
    """Years asked but not held; pillars not loaded (to load), loaded with nothing for the pair
    or the years (with the reason), failed, and thin."""
    parts = []
    if rep.clipped:
        parts.append("Years asked but not held, left out: " + "; ".join(rep.clipped) + ".")
    missing = [p.title for p in rep.pillars if p.status == "missing"]
    failed = [p.title for p in rep.pillars if p.status == "error"]
    nodata = [p for p in rep.pillars if p.status == "no data"]
    thin = [p.title for p in rep.pillars if p.status == "thin"]
    if missing:
        parts.append("Not loaded in the store (not counted either way): " + "; ".join(missing)
                     + ".")
    if nodata:
        parts.append(f"Loaded, but nothing for {rep.pair}"
                     + (f" in {rep.years[0]}–{rep.years[1]}" if rep.years else "")
                     + " (not counted either way; each reason in the pillar table): "
                     + "; ".join(p.title.split(" (")[0] + (
                         f" ({p.artefacts['why']})" if p.artefacts.get("why")
                         and len(p.artefacts["why"]) <= 240 else "") for p in nodata) + ".")
    if failed:
        parts.append("Failed (not counted either way): " + "; ".join(failed) + ".")
    if thin:
        parts.append("Thin (weighted down): " + "; ".join(thin) + ".")
    return parts


def bottom_line(rep: Report) -> str:
    """One paragraph from the figures: ranking by both rules, caveats, robustness, key items,
    years left out, pillars missing and pillars with no data for the pair."""
    s = rep.ach.scores
    names = {h["id"]: h["name"] for h in rep.ach.hypotheses}
    rk = s.ranking
    parts = []
    if not rep.evidence:
        return " ".join([f"The store holds no evidence on {rep.pair}: no pillar has data for the "
                         "pair" + (f" in {rep.years[0]}–{rep.years[1]}" if rep.years else "")
                         + "; no reading can be ranked.", *_status_sentences(rep)]
                        + (["Load the data with `bilat fetch all --mirror DIR` and run the "
                            "report again."] if rep.missing and not rep.no_data else []))
    parts.extend(_lead_sentences(rep, names))
    parts.extend(_caveats(rep, names))
    rel = _reliance(rep)
    if rel:
        parts.append(rel)
    shares = pillar_shares(rep)
    if shares and not rel:
        titles = {"words_deeds": "Words against deeds",
                  **{p.pillar: p.title.split(" (")[0] for p in rep.pillars}}
        parts.append(f"What separates {rk[0]} from {rk[1]} in the posterior: " + ", ".join(
            f"{titles.get(p, p)} {v:.0%}" for p, v in list(shares.items())[:4]) + ".")
    if rep.yardsticks_derived:
        parts.append("The yardsticks are derived, not chosen: " + rep.yardstick_note
                     + "; name others with --ref.")
    if rep.hypotheses_generic:
        parts.append(f"The hypotheses are generic: worded for any pair and filled in for "
                     f"{rep.pair}" + (
                         "; the file's own wording, milestones and citations for "
                         f"{', '.join(rep.hypotheses_pairs)} are not used"
                         if rep.hypotheses_pairs else "") + ".")
    if rep.ach.close_call:
        parts.append("The posterior lead is too small to call.")
    sens = rep.ach.sensitivity
    if sens.robust:
        parts.append("The posterior's leading reading holds when any single item is left out "
                     "and when every threshold is moved by the file's perturbation factors.")
    else:
        parts.append("The ranking is fragile: the posterior's leading reading changes when "
                     "these items are dropped or re-rated: " + ", ".join(sens.flips) + ".")
    try:
        k = rep.evidence_by_id("votes.chance_corrected")
        ys = ", ".join(f"{d} {_fmt(v)}" for d, v in k.yardsticks.items())
        raw = k.details.get("raw_agreement", {})
        rawys = ", ".join(f"{d} {_fmt(raw.get(d))}" for d in k.yardsticks)
        kap = k.details.get("kappa", {})
        above_raw = sum(1 for d in k.yardsticks if raw.get(d) is not None
                        and (raw.get(rep.pair) or 0) > raw[d])
        above_k = sum(1 for d in k.yardsticks if kap.get(d) is not None
                      and (k.value or 0) > kap[d])
        parts.append(f"At the UN ({k.period}, {k.coverage.get('n'):,} common votes) the pair's "
                     f"chance-corrected affinity is kappa {_fmt(k.value)} against {ys} (above "
                     f"{above_k} of {len(k.yardsticks)} yardsticks); raw agreement, the share "
                     f"of identical votes ({_fmt(raw.get(rep.pair))} against {rawys}), puts it "
                     f"above {above_raw} of them" + (": raw agreement flatters the pair."
                                                    if above_raw > above_k else "."))
    except KeyError:
        pass
    try:
        c = rep.evidence_by_id("votes.core_splits")
        if c.value is not None:
            unmapped = [st for st in (rep.a, rep.b)
                        if not c.details.get("by_state", {}).get(st, {}).get("votes")]
            whose = ("either side's core issues" if not unmapped else
                     f"{' and '.join(x for x in (rep.a, rep.b) if x not in unmapped)}'s core "
                     f"issues (none of {' or '.join(unmapped)}'s in the record)"
                     if len(unmapped) < 2 else "core issues")
            parts.append(f"They voted apart on {int(c.measures['splits'])} of "
                         f"{int(c.measures['core_votes'])} recorded votes on {whose}.")
    except KeyError:
        pass
    try:
        u = rep.evidence_by_id("readouts.unconfirmed")
        n_u = int(u.coverage.get("n") or 0)
        parts.append(f"Across {n_u} stored readout pairs ("
                     + ", ".join(p.split(" ")[0] for p in u.coverage.get("pairs", [])) + "), "
                     f"{int(u.measures['substantive'])} claims with a stance or an issue, not a "
                     "figure alone "
                     f"(of {int(u.measures['total'])} flagged in all), attribute to the other "
                     "side what its own readout does not say (" + ", ".join(
                         f"{k} {v}" for k, v in u.details["by_direction"].items()) + ")"
                     + (f"; {transcript_sentence(len(u.details['transcript_pairs']), n_u)} ("
                        + ", ".join(u.details["transcript_pairs"]) + ")"
                        if u.details.get("transcript_pairs") else "") + ".")
    except KeyError:
        pass
    parts.extend(_status_sentences(rep))
    return " ".join(parts)


__all__ = ["DEFAULT_YARDSTICKS", "Report", "bottom_line", "default_yardsticks", "defence_allies",
           "leading", "parse_years", "report"]
