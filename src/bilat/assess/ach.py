"""Analysis of competing hypotheses (Heuer 1999): the matrix, its scores and how robust they are.

Given evidence items (:class:`bilat.assess.evidence.Evidence`) and a hypotheses file
(:mod:`bilat.assess.rules`):

- **Matrix**: each item rated against each hypothesis (CC, C, N, I, II) by the file's rules,
  with the reason (the measure, the band that applied, what the hypothesis predicts).
- **Thin items are not rated**: an item whose coverage is flagged thin (below its collector's
  minimum n or coverage, or periods of very different coverage) or below its rule's ``min_n``
  is rated N everywhere, with the reason; ``weight_ok`` weighs the others (``weight_thin``
  stays in the file for items a custom collector marks thin but wants counted: none here).
- **Heuer's weighted inconsistency score** per hypothesis: ``Σ_items weight · inc[rating]``
  with ``inc`` from the file (I = 1, II = 2; consistent ratings count nothing, because
  evidence consistent with a hypothesis is usually consistent with others too). Lowest first.
- **Bayesian reading**: ``P(E_i | H) ∝ LR[rating]`` (the file's likelihood ratios), items
  treated as conditionally independent: ``posterior(H) ∝ prior(H) · Π_i LR[r_iH]^{w_i}``,
  normalised over the hypotheses. The ranking follows the posterior; Heuer's own criterion
  (least inconsistency) may retain another reading, and the report says so when it does
  (:func:`bilat.assess.report.leading`).
- **Diagnosticity** per item: ``max_H LR / min_H LR`` (1 = non-diagnostic: rated alike under
  every hypothesis, so it cannot move the ranking; marked as such).
- **Sensitivity**: leave-one-out (drop each item; which drops change the leading hypothesis)
  and threshold perturbation (every threshold × each factor of the file); the items whose
  rating changes under a perturbation that flips the ranking are listed.
- **Milestones**: for every diagnostic item, the value of its measure at which its ratings
  would change enough to change the leading hypothesis (searched at each rule threshold), plus
  the hypotheses' own milestones from the file.

No verdict is coded: the ranking comes from the ratings, which come from the data and the file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bilat.assess.evidence import Evidence
from bilat.assess.rules import HypothesisSet, Rating, rate


@dataclass
class Cell:
    """One rating of one item against one hypothesis."""

    evidence: str
    hypothesis: str
    rating: str
    reason: str
    band: str = ""


@dataclass
class Row:
    """One evidence item's row of the matrix."""

    evidence: str
    kind: str
    title: str
    weight: float
    thin: bool
    measure: str | None
    measure_value: float | None
    cells: dict[str, Cell]
    diagnosticity: float
    diagnostic: bool
    rule: int | None = None  #: index of the rule in the hypotheses file


@dataclass
class Scores:
    """Scores of one rating matrix."""

    inconsistency: dict[str, float]
    posterior: dict[str, float]
    ranking: list[str]  #: by posterior, highest first (ties: lower inconsistency, then id)

    @property
    def leader(self) -> str:
        return self.ranking[0]


@dataclass
class Sensitivity:
    """How robust the ranking is."""

    leave_one_out: list[dict[str, Any]]
    perturbation: list[dict[str, Any]]
    flips: list[str]  #: evidence ids whose removal or re-rating changes the leader
    robust: bool


@dataclass
class ACHResult:
    """The matrix, its scores, diagnosticity, sensitivity and milestones."""

    hypotheses: list[dict[str, Any]]
    rows: list[Row]
    scores: Scores
    priors: dict[str, float]
    sensitivity: Sensitivity
    milestones: list[dict[str, Any]]
    scoring: dict[str, Any]
    close_call: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "hypotheses": self.hypotheses,
            "priors": self.priors,
            "scoring": self.scoring,
            "matrix": [{
                "evidence": r.evidence, "kind": r.kind, "title": r.title, "weight": r.weight,
                "thin": r.thin, "measure": r.measure, "measure_value": r.measure_value,
                "diagnosticity": None if not math.isfinite(r.diagnosticity) else r.diagnosticity,
                "diagnostic": r.diagnostic, "rule": r.rule,
                "ratings": {h: {"rating": c.rating, "reason": c.reason, "band": c.band}
                            for h, c in r.cells.items()},
            } for r in self.rows],
            "inconsistency": self.scores.inconsistency,
            "posterior": self.scores.posterior,
            "ranking": self.scores.ranking,
            "close_call": self.close_call,
            "sensitivity": {
                "leave_one_out": self.sensitivity.leave_one_out,
                "perturbation": self.sensitivity.perturbation,
                "flips": self.sensitivity.flips, "robust": self.sensitivity.robust,
            },
            "milestones": self.milestones,
            "notes": self.notes,
        }


# ----------------------------------------------------------------------------- core
def rate_item(hs: HypothesisSet, ev: Evidence, factor: float = 1.0) -> tuple[dict[str, Rating],
                                                                              Any]:
    """Ratings of one item under each hypothesis (thresholds × ``factor``) and its rule."""
    rule = hs.rule_for(ev.kind)
    if ev.coverage.get("thin"):
        why = thin_reason(ev)
        return {h: Rating("N", why) for h in hs.ids}, rule
    out = {h: rate(rule, h, ev.measures, n=ev.n, factor=factor) for h in hs.ids}
    return out, rule


def thin_reason(ev: Evidence) -> str:
    """Why a thin item is not rated (its coverage note, n and period)."""
    cov = ev.coverage
    note = str(cov.get("thin_reason") or cov.get("note") or "").strip()
    n = cov.get("n")
    head = "thin data" + (f" (n = {n:g})" if isinstance(n, int | float) else "")
    return f"{head}: not rated" + (f" — {note}" if note else "")


def weight_of(hs: HypothesisSet, ev: Evidence) -> float:
    """Heuer's item weight from its coverage: thin data counts less."""
    return hs.scoring.weight_thin if ev.coverage.get("thin") else hs.scoring.weight_ok


def score(hs: HypothesisSet, ratings: Sequence[tuple[float, dict[str, str]]],
          priors: dict[str, float] | None = None) -> Scores:
    """Inconsistency and posterior from (weight, {hypothesis: rating}) rows."""
    pri = priors or hs.priors()
    inc = {h: 0.0 for h in hs.ids}
    logp = {h: math.log(pri[h]) for h in hs.ids}
    for w, r in ratings:
        for h in hs.ids:
            rt = r.get(h, "N")
            inc[h] += w * hs.scoring.inconsistency[rt]
            logp[h] += w * math.log(hs.scoring.likelihood[rt])
    top = max(logp.values())
    un = {h: math.exp(v - top) for h, v in logp.items()}
    tot = sum(un.values())
    post = {h: un[h] / tot for h in hs.ids}
    ranking = sorted(hs.ids, key=lambda h: (-round(post[h], 12), inc[h], hs.ids.index(h)))
    return Scores({h: round(v, 6) for h, v in inc.items()}, post, ranking)


def _diagnosticity(hs: HypothesisSet, cells: dict[str, Cell]) -> float:
    lrs = [hs.scoring.likelihood[c.rating] for c in cells.values()]
    return max(lrs) / min(lrs)


def build_rows(hs: HypothesisSet, evidence: Sequence[Evidence], factor: float = 1.0
               ) -> list[Row]:
    rows = []
    for ev in evidence:
        rts, rule = rate_item(hs, ev, factor)
        cells = {h: Cell(ev.id, h, r.rating, r.reason, r.band) for h, r in rts.items()}
        d = _diagnosticity(hs, cells)
        measure = rule.measure if rule is not None else None
        mv = ev.measures.get(measure) if measure else None
        rows.append(Row(ev.id, ev.kind, ev.title, weight_of(hs, ev), bool(ev.coverage.get("thin")),
                        measure, mv, cells, d, d > 1.0 + 1e-9,
                        None if rule is None else rule.index))
    return rows


def _as_ratings(rows: Sequence[Row]) -> list[tuple[float, dict[str, str]]]:
    return [(r.weight, {h: c.rating for h, c in r.cells.items()}) for r in rows]


def analyse(hs: HypothesisSet, evidence: Sequence[Evidence]) -> ACHResult:
    """The full ACH: matrix, scores, diagnosticity, sensitivity and milestones."""
    rows = build_rows(hs, evidence)
    scores = score(hs, _as_ratings(rows))
    sens = sensitivity(hs, evidence, rows, scores)
    miles = milestones(hs, evidence, rows, scores)
    post = sorted(scores.posterior.values(), reverse=True)
    close = len(post) > 1 and post[0] - post[1] < hs.scoring.close_call
    notes = []
    nd = [r.evidence for r in rows if not r.diagnostic]
    if nd:
        notes.append(f"{len(nd)} of {len(rows)} items are non-diagnostic (rated alike under "
                     "every hypothesis): " + ", ".join(nd))
    if not rows:
        notes.append("no evidence item: the posterior equals the priors")
    return ACHResult(
        hypotheses=[{"id": h.id, "name": h.name, "prior": hs.priors()[h.id], "summary": h.summary,
                     "source": h.source, "milestones": list(h.milestones)}
                    for h in hs.hypotheses],
        rows=rows, scores=scores, priors=hs.priors(), sensitivity=sens, milestones=miles,
        scoring={"inconsistency": hs.scoring.inconsistency,
                 "likelihood": hs.scoring.likelihood, "weight_ok": hs.scoring.weight_ok,
                 "weight_thin": hs.scoring.weight_thin,
                 "perturbation": list(hs.scoring.perturbation), "file": hs.path},
        close_call=close, notes=notes,
    )


def sensitivity(hs: HypothesisSet, evidence: Sequence[Evidence], rows: Sequence[Row],
                base: Scores) -> Sensitivity:
    """Leave-one-out and threshold perturbation (see module docstring)."""
    loo = []
    flips: list[str] = []
    for i, r in enumerate(rows):
        rest = [x for j, x in enumerate(rows) if j != i]
        s = score(hs, _as_ratings(rest))
        changed = s.leader != base.leader
        loo.append({"without": r.evidence, "leader": s.leader, "ranking": s.ranking,
                    "posterior": {h: round(v, 4) for h, v in s.posterior.items()},
                    "changes_leader": changed, "changes_ranking": s.ranking != base.ranking})
        if changed:
            flips.append(r.evidence)
    pert = []
    for f in hs.scoring.perturbation:
        prow = build_rows(hs, evidence, factor=f)
        s = score(hs, _as_ratings(prow))
        moved = [p.evidence for p, q in zip(prow, rows, strict=True)
                 if any(p.cells[h].rating != q.cells[h].rating for h in hs.ids)]
        changed = s.leader != base.leader
        pert.append({"factor": f, "leader": s.leader, "ranking": s.ranking,
                     "posterior": {h: round(v, 4) for h, v in s.posterior.items()},
                     "changes_leader": changed, "changes_ranking": s.ranking != base.ranking,
                     "items_rerated": moved})
        if changed:
            flips.extend(m for m in moved if m not in flips)
    robust = not any(x["changes_leader"] for x in loo) and \
        not any(x["changes_leader"] for x in pert)
    return Sensitivity(loo, pert, flips, robust)


def milestones(hs: HypothesisSet, evidence: Sequence[Evidence], rows: Sequence[Row],
               base: Scores) -> list[dict[str, Any]]:
    """Values of each item's measure that would change the leading hypothesis (searched just
    either side of every threshold of its rule), nearest first; then the file's milestones."""
    out: list[dict[str, Any]] = []
    ratings = _as_ratings(rows)
    for i, ev in enumerate(evidence):
        rule = hs.rule_for(ev.kind)
        if rule is None or rows[i].measure_value is None:
            continue
        if rule.min_n is not None and (ev.n is None or ev.n < rule.min_n):
            continue
        x0 = float(rows[i].measure_value)
        best = None
        for t in rule.thresholds():
            # the nearest value on the other side of threshold t
            probe = t if x0 < t else t - max(1e-6, abs(t) * 1e-6)
            meas = dict(ev.measures)
            meas[rule.measure] = probe
            new = {h: rate(rule, h, meas, n=ev.n).rating for h in hs.ids}
            alt = list(ratings)
            alt[i] = (ratings[i][0], new)
            s = score(hs, alt)
            if s.leader != base.leader:
                dist = abs(probe - x0)
                if best is None or dist < best["distance"]:
                    best = {"evidence": ev.id, "title": ev.title, "measure": rule.measure,
                            "now": x0, "threshold": t,
                            "direction": "rises to" if probe > x0 else "falls below",
                            "new_leader": s.leader, "distance": dist,
                            "ratings_then": new}
        if best is not None:
            best["text"] = (f"If {best['measure']} of “{ev.title}” {best['direction']} "
                            f"{best['threshold']:.3g} (now {x0:.3g}), the leading reading by "
                            f"posterior would become {best['new_leader']}.")
            out.append(best)
    out.sort(key=lambda m: m["distance"] / (abs(m["now"]) + 1e-9))
    for h in hs.hypotheses:
        for m in h.milestones:
            out.append({"hypothesis": h.id, "text": m, "declared": True})
    return out


__all__ = ["ACHResult", "Cell", "Row", "Scores", "Sensitivity", "analyse", "build_rows",
           "milestones", "rate_item", "score", "sensitivity", "weight_of"]
