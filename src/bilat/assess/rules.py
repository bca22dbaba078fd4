"""The hypotheses file: competing hypotheses, their predicted signatures and the rating rules.

The shipped file is ``bilat/assess/hypotheses.toml`` (its header documents the format); a file
given with ``--hypotheses FILE`` replaces it. :func:`load_hypotheses` validates every key and
raises one error naming the key that is wrong (E601), the file that is not TOML (E602) or
missing (E603). :func:`rate` applies a rule's bands to one evidence item and says why.

Ratings follow Heuer, *Psychology of Intelligence Analysis* (CIA, 1999), ch. 8 and the PARC
ACH tool: CC very consistent, C consistent, N neutral or not applicable, I inconsistent,
II very inconsistent.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from importlib import resources
from pathlib import Path
from typing import Any

from bilat.errors import error

#: Ratings, most consistent first.
RATINGS = ("CC", "C", "N", "I", "II")
DEFAULT_FILE = "hypotheses.toml"


@dataclass(frozen=True)
class Band:
    """One band of a rule: ``rating`` applies when ``min <= x`` (and ``x < max`` if given)."""

    rating: str
    min: float | None = None
    max: float | None = None

    def holds(self, x: float, factor: float = 1.0) -> bool:
        """Whether ``x`` falls in the band with every threshold multiplied by ``factor``."""
        lo = None if self.min is None else self.min * factor
        hi = None if self.max is None else self.max * factor
        return (lo is None or x >= lo) and (hi is None or x < hi)

    def describe(self, factor: float = 1.0) -> str:
        parts = []
        if self.min is not None:
            parts.append(f">= {_num(self.min * factor)}")
        if self.max is not None:
            parts.append(f"< {_num(self.max * factor)}")
        return " and ".join(parts) or "otherwise"


def _num(x: float) -> str:
    return f"{x:.3g}"


@dataclass(frozen=True)
class Rule:
    """How one evidence kind is rated against each hypothesis."""

    evidence: str  #: Evidence.kind, or an fnmatch pattern
    measure: str
    bands: dict[str, tuple[Band, ...]]  #: hypothesis id -> bands (in order)
    min_n: float | None = None
    about: str = ""
    predicts: dict[str, str] = field(default_factory=dict)
    index: int = 0  #: position in the file's ``rules`` list

    def matches(self, kind: str) -> bool:
        return fnmatchcase(kind, self.evidence)

    def thresholds(self) -> list[float]:
        """Every threshold of every band (for milestones and perturbation)."""
        out = []
        for bands in self.bands.values():
            for b in bands:
                out += [v for v in (b.min, b.max) if v is not None]
        return sorted(set(out))


@dataclass(frozen=True)
class Hypothesis:
    """One reading of the partnership."""

    id: str
    name: str
    prior: float
    summary: str = ""
    source: str = ""
    milestones: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scoring:
    """How ratings become scores."""

    inconsistency: dict[str, float]
    likelihood: dict[str, float]
    weight_ok: float = 1.0
    weight_thin: float = 0.5
    perturbation: tuple[float, ...] = (0.8, 0.9, 1.1, 1.2)
    close_call: float = 0.10


@dataclass(frozen=True)
class HypothesisSet:
    """Everything the hypotheses file holds, validated; ``path`` says where it came from."""

    hypotheses: tuple[Hypothesis, ...]
    rules: tuple[Rule, ...]
    scoring: Scoring
    path: str

    @property
    def ids(self) -> list[str]:
        return [h.id for h in self.hypotheses]

    def priors(self) -> dict[str, float]:
        """Priors normalised to sum to 1."""
        total = sum(h.prior for h in self.hypotheses)
        return {h.id: h.prior / total for h in self.hypotheses}

    def rule_for(self, kind: str) -> Rule | None:
        """The first rule whose ``evidence`` pattern matches ``kind``."""
        for r in self.rules:
            if r.matches(kind):
                return r
        return None

    def with_priors(self, priors: dict[str, float]) -> HypothesisSet:
        hs = tuple(replace(h, prior=float(priors.get(h.id, h.prior))) for h in self.hypotheses)
        return replace(self, hypotheses=hs)


# ----------------------------------------------------------------------------- loading
def _fail(path: str, key: str, reason: str) -> Exception:
    return error("E601", path=path, key=key, reason=reason)


def _number(value: Any, path: str, key: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(path, key, f"expected a number, got {value!r}")
    if positive and value <= 0:
        raise _fail(path, key, f"must be greater than 0, got {value!r}")
    return float(value)


def _text(value: Any, path: str, key: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, key, f"expected a string, got {value!r}")
    return value


def _rating_table(value: Any, path: str, key: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise _fail(path, key, "expected a table such as { CC = 2.0, C = 1.4, N = 1.0, I = 0.7, "
                    "II = 0.5 }")
    missing = [r for r in RATINGS if r not in value]
    if missing:
        raise _fail(path, f"{key}.{missing[0]}", "missing; every rating CC, C, N, I, II needs "
                    "a value")
    extra = [k for k in value if k not in RATINGS]
    if extra:
        raise _fail(path, f"{key}.{extra[0]}", "unknown rating; valid: CC, C, N, I, II")
    return {r: _number(value[r], path, f"{key}.{r}") for r in RATINGS}


def parse_hypotheses(data: dict[str, Any], path: str = "<hypotheses>") -> HypothesisSet:
    """Validate the parsed TOML of a hypotheses file (E601 naming the first bad key)."""
    known = {"version", "scoring", "hypotheses", "rules"}
    for k in data:
        if k not in known:
            raise _fail(path, k, f"unknown key; valid top-level keys: {', '.join(sorted(known))}")
    if data.get("version", 1) != 1:
        raise _fail(path, "version", f"unsupported version {data.get('version')!r}; valid: 1")
    sc = data.get("scoring")
    if not isinstance(sc, dict):
        raise _fail(path, "scoring", "missing table [scoring]")
    sc_known = {"inconsistency", "likelihood", "weight_ok", "weight_thin", "perturbation",
                "close_call"}
    for k in sc:
        if k not in sc_known:
            raise _fail(path, f"scoring.{k}", f"unknown key; valid: {', '.join(sorted(sc_known))}")
    lik = _rating_table(sc.get("likelihood"), path, "scoring.likelihood")
    for r, v in lik.items():
        if v <= 0:
            raise _fail(path, f"scoring.likelihood.{r}", f"must be greater than 0, got {v!r}")
    pert = sc.get("perturbation", [0.8, 0.9, 1.1, 1.2])
    if not isinstance(pert, list):
        raise _fail(path, "scoring.perturbation", "expected a list of factors such as [0.9, 1.1]")
    scoring = Scoring(
        inconsistency=_rating_table(sc.get("inconsistency"), path, "scoring.inconsistency"),
        likelihood=lik,
        weight_ok=_number(sc.get("weight_ok", 1.0), path, "scoring.weight_ok", positive=True),
        weight_thin=_number(sc.get("weight_thin", 0.5), path, "scoring.weight_thin",
                            positive=True),
        perturbation=tuple(_number(f, path, f"scoring.perturbation[{i}]", positive=True)
                           for i, f in enumerate(pert)),
        close_call=_number(sc.get("close_call", 0.1), path, "scoring.close_call"),
    )
    hyp = data.get("hypotheses")
    if not isinstance(hyp, dict) or not hyp:
        raise _fail(path, "hypotheses", "missing; give at least two [hypotheses.ID] tables")
    if len(hyp) < 2:
        raise _fail(path, "hypotheses", "only one hypothesis; ACH weighs at least two")
    hypotheses = []
    h_known = {"name", "prior", "summary", "source", "milestones"}
    for hid, h in hyp.items():
        key = f"hypotheses.{hid}"
        if not isinstance(h, dict):
            raise _fail(path, key, "expected a table with name and prior")
        for k in h:
            if k not in h_known:
                raise _fail(path, f"{key}.{k}", f"unknown key; valid: {', '.join(sorted(h_known))}")
        if "name" not in h:
            raise _fail(path, f"{key}.name", "missing")
        miles = h.get("milestones", [])
        if not isinstance(miles, list):
            raise _fail(path, f"{key}.milestones", "expected a list of strings")
        hypotheses.append(Hypothesis(
            id=str(hid), name=_text(h["name"], path, f"{key}.name"),
            prior=_number(h.get("prior", 1.0), path, f"{key}.prior", positive=True),
            summary=_text(h.get("summary", ""), path, f"{key}.summary"),
            source=_text(h.get("source", ""), path, f"{key}.source"),
            milestones=tuple(_text(m, path, f"{key}.milestones[{i}]")
                             for i, m in enumerate(miles)),
        ))
    ids = [h.id for h in hypotheses]
    rules_raw = data.get("rules")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise _fail(path, "rules", "missing; give at least one [[rules]] table")
    rules = []
    r_known = {"evidence", "measure", "min_n", "about", "predicts", *ids}
    for i, r in enumerate(rules_raw):
        key = f"rules[{i}]"
        if not isinstance(r, dict):
            raise _fail(path, key, "expected a table")
        for k in r:
            if k not in r_known:
                raise _fail(path, f"{key}.{k}", "unknown key (not a hypothesis id of this file "
                            f"nor a rule key); valid: {', '.join(sorted(r_known))}")
        for need in ("evidence", "measure"):
            if need not in r:
                raise _fail(path, f"{key}.{need}", "missing")
        bands: dict[str, tuple[Band, ...]] = {}
        for hid in ids:
            if hid not in r:
                continue
            raw = r[hid]
            if not isinstance(raw, list) or not raw:
                raise _fail(path, f"{key}.{hid}", "expected a list of bands such as "
                            "[{ rating = \"C\", min = 0.5 }, { rating = \"I\" }]")
            out = []
            for j, b in enumerate(raw):
                bkey = f"{key}.{hid}[{j}]"
                if not isinstance(b, dict):
                    raise _fail(path, bkey, "expected a table { rating = ..., min = ... }")
                for k in b:
                    if k not in ("rating", "min", "max"):
                        raise _fail(path, f"{bkey}.{k}", "unknown key; valid: rating, min, max")
                rating = b.get("rating")
                if rating not in RATINGS:
                    raise _fail(path, f"{bkey}.rating", f"{rating!r} is not a rating; valid: "
                                "CC, C, N, I, II")
                lo = None if "min" not in b else _number(b["min"], path, f"{bkey}.min")
                hi = None if "max" not in b else _number(b["max"], path, f"{bkey}.max")
                if lo is not None and hi is not None and lo >= hi:
                    raise _fail(path, bkey, f"min {lo} is not below max {hi}")
                out.append(Band(rating, lo, hi))
            if out[-1].min is not None or out[-1].max is not None:
                raise _fail(path, f"{key}.{hid}[{len(out) - 1}]", "the last band must be the "
                            "fallback (a rating without min or max), so every value is rated")
            bands[hid] = tuple(out)
        predicts = r.get("predicts", {})
        if not isinstance(predicts, dict):
            raise _fail(path, f"{key}.predicts", "expected a table { H1 = \"...\" }")
        for k in predicts:
            if k not in ids:
                raise _fail(path, f"{key}.predicts.{k}", f"not a hypothesis id; valid: "
                            f"{', '.join(ids)}")
        rules.append(Rule(
            evidence=_text(r["evidence"], path, f"{key}.evidence"),
            measure=_text(r["measure"], path, f"{key}.measure"),
            bands=bands,
            min_n=None if "min_n" not in r else _number(r["min_n"], path, f"{key}.min_n"),
            about=_text(r.get("about", ""), path, f"{key}.about"),
            predicts={k: _text(v, path, f"{key}.predicts.{k}") for k, v in predicts.items()},
            index=i,
        ))
    return HypothesisSet(tuple(hypotheses), tuple(rules), scoring, path)


def load_hypotheses(path: str | Path | None = None) -> HypothesisSet:
    """The shipped hypotheses file, or ``path`` (E603 missing, E602 not TOML, E601 bad key)."""
    if path is None:
        text = resources.files("bilat.assess").joinpath(DEFAULT_FILE).read_text("utf-8")
        shown = f"bilat/assess/{DEFAULT_FILE}"
    else:
        p = Path(path)
        if not p.is_file():
            raise error("E603", path=p)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise error("E602", path=p, reason=str(exc).splitlines()[0]) from exc
        shown = str(p)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error("E602", path=shown, reason=str(exc)) from exc
    return parse_hypotheses(data, shown)


# ----------------------------------------------------------------------------- rating
@dataclass(frozen=True)
class Rating:
    """One cell of the ACH matrix: the rating and why."""

    rating: str
    reason: str
    band: str = ""  #: the band that applied, e.g. ">= 0.75"


def rate(rule: Rule | None, hypothesis: str, measures: dict[str, Any], *,
         n: float | None = None, factor: float = 1.0) -> Rating:
    """Rate one evidence item against ``hypothesis`` by ``rule``'s bands (thresholds × factor)."""
    if rule is None:
        return Rating("N", "no rule in the hypotheses file rates this kind of evidence")
    if rule.min_n is not None and (n is None or n < rule.min_n):
        shown = "unknown" if n is None else f"{n:g}"
        return Rating("N", f"too little data ({shown} < min_n {rule.min_n:g}): not rated")
    bands = rule.bands.get(hypothesis)
    if not bands:
        return Rating("N", f"{hypothesis} predicts nothing about this evidence")
    x = measures.get(rule.measure)
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return Rating("N", f"{rule.measure} is undefined for this item: not rated")
    x = float(x)
    for b in bands:
        if b.holds(x, factor):
            pred = rule.predicts.get(hypothesis)
            why = f"{rule.measure} = {_num(x)} ({b.describe(factor)})"
            if pred:
                why += f"; {hypothesis} predicts {pred}"
            return Rating(b.rating, why, b.describe(factor))
    return Rating("N", f"{rule.measure} = {_num(x)} falls in no band")  # pragma: no cover


__all__ = ["RATINGS", "Band", "Hypothesis", "HypothesisSet", "Rating", "Rule", "Scoring",
           "load_hypotheses", "parse_hypotheses", "rate"]
