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
import re
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
class PairSection:
    """Wording of the file for one pair of states (``[pairs."AAA-BBB"]``): context values
    and per-hypothesis texts that replace the generic ones when the report is on that pair."""

    states: frozenset[str]
    label: str = ""  #: the pair as the file writes it ("RUS–CHN")
    context: dict[str, str] = field(default_factory=dict)
    hypotheses: dict[str, dict[str, Any]] = field(default_factory=dict)  #: id -> key -> text
    note: str = ""


@dataclass(frozen=True)
class HypothesisSet:
    """Everything the hypotheses file holds, validated; ``path`` says where it came from.

    ``context`` and ``pairs`` hold the file's placeholder values and pair-specific wording;
    :meth:`for_pair` resolves them for one pair, after which ``pair`` names it and ``scope``
    says whose wording the texts are (pair-specific or generic)."""

    hypotheses: tuple[Hypothesis, ...]
    rules: tuple[Rule, ...]
    scoring: Scoring
    path: str
    context: dict[str, str] = field(default_factory=dict)
    pairs: tuple[PairSection, ...] = ()
    pair: tuple[str, str] | None = None  #: the pair the texts were resolved for
    pair_specific: bool = False  #: True when a ``[pairs]`` section of that pair was applied
    scope: str = ""  #: one sentence: which wording the texts are (shown in the report)

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

    def section_for(self, a: str, b: str) -> PairSection | None:
        """The ``[pairs]`` section of the unordered pair A–B, or None."""
        want = frozenset({a.upper(), b.upper()})
        return next((p for p in self.pairs if p.states == want), None)

    def for_pair(self, a: str, b: str, *, split_year: int = 2014,
                 names: dict[str, str] | None = None,
                 core: dict[str, list[str]] | None = None) -> HypothesisSet:
        """The texts of the file resolved for the pair A–B (ISO3).

        Where the file has a ``[pairs."A-B"]`` section (either order), its texts replace the
        generic ones of each hypothesis it names, and its ``context`` values replace the
        file's ``[context]``. Then every placeholder in the hypotheses' names, summaries,
        sources and milestones and in the rules' ``about`` and ``predicts`` is filled:
        ``{a}``/``{b}`` (ISO3), ``{A}``/``{B}`` (names, from ``names`` or the country
        table), ``{pair}``, ``{split_year}``, ``{a_core}``/``{b_core}`` (each side's core
        issues at the UN, from ``core``: labels by state; default the shipped mapping
        ``bilat/reference/data/core_issues.toml``) and every ``[context]`` key. An unknown
        placeholder is left as written. Ratings are untouched: only words change."""
        a, b = a.upper(), b.upper()
        sec = self.section_for(a, b)
        if names is None:
            names = {}
            try:
                from bilat.reference.countries import country_name

                names = {x: country_name(x) for x in (a, b)}
            except Exception:  # noqa: BLE001 - a name is a courtesy; the code stands in
                names = {}
        if core is None:
            core = _core_labels()
        values: dict[str, str] = {
            "a": a, "b": b, "A": names.get(a, a), "B": names.get(b, b), "pair": f"{a}–{b}",
            "split_year": str(split_year),
            "a_core": _core_text(a, core), "b_core": _core_text(b, core),
        }
        ctx = {**self.context, **(sec.context if sec else {})}
        for k, v in ctx.items():
            values[k] = fill(v, values)
        hyps = []
        for h in self.hypotheses:
            over = sec.hypotheses.get(h.id, {}) if sec else {}
            hyps.append(replace(
                h, name=fill(over.get("name", h.name), values),
                summary=fill(over.get("summary", h.summary), values),
                source=fill(over.get("source", h.source), values),
                milestones=tuple(fill(m, values) for m in over.get("milestones", h.milestones))))
        rules = tuple(replace(r, about=fill(r.about, values),
                              predicts={k: fill(v, values) for k, v in r.predicts.items()})
                      for r in self.rules)
        pair = f"{a}–{b}"
        if sec is not None:
            scope = (f"The hypotheses' wording, milestones and sources are the file's own for "
                     f"{pair} ({self.path}, [pairs] section)"
                     + (f": {fill(sec.note, values)}" if sec.note else "") + ".")
        else:
            others = ", ".join(p.label for p in self.pairs)
            unmapped = [x for x in (a, b) if not core.get(x)]
            scope = (f"The hypotheses are worded generically for any pair and filled in for "
                     f"{pair} ({self.path})"
                     + (f"; its pair-specific wording, milestones and citations are for "
                        f"{others} only and are not used here" if others else "")
                     + f"; the trend items split at {split_year}, "
                     + (values.get("split_context") or "a year the file fixes for no pair")
                     + (f"; no core issue of {' or '.join(unmapped)} is mapped in "
                        "bilat/reference/data/core_issues.toml, so the milestones on core "
                        "issues cannot be checked for " + " or ".join(unmapped)
                        if unmapped else "") + ".")
        return replace(self, hypotheses=tuple(hyps), rules=rules, pair=(a, b),
                       pair_specific=sec is not None, scope=scope)


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each ``{key}`` of ``values`` replaced; other braces are left as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _core_labels() -> dict[str, list[str]]:
    """Each state's core-issue labels from the shipped mapping (empty when it cannot be read)."""
    try:
        from bilat.indicators.votes import load_core_issues

        out: dict[str, list[str]] = {}
        for ci in load_core_issues():
            out.setdefault(ci.state.upper(), []).append(ci.label or ci.id)
        return out
    except Exception:  # noqa: BLE001 - no mapping: every side reads "none mapped"
        return {}


def _core_text(state: str, core: dict[str, list[str]]) -> str:
    labels = core.get(state) or []
    if not labels:
        return f"none of {state}'s mapped"
    return ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")


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
    known = {"version", "scoring", "hypotheses", "rules", "context", "pairs"}
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
    context = _parse_context(data.get("context", {}), path, "context")
    pairs = []
    raw_pairs = data.get("pairs", {})
    if not isinstance(raw_pairs, dict):
        raise _fail(path, "pairs", 'expected tables such as [pairs."RUS-CHN"]')
    seen: set[frozenset[str]] = set()
    for pk, pv in raw_pairs.items():
        key = f"pairs.{pk}"
        states = [x.strip().upper() for x in str(pk).split("-")]
        if len(states) != 2 or not all(re.fullmatch(r"[A-Z]{3}", x) for x in states) \
                or states[0] == states[1]:
            raise _fail(path, key, "expected two different ISO3 codes joined by '-', such as "
                        '[pairs."RUS-CHN"]')
        if frozenset(states) in seen:
            raise _fail(path, key, "the same pair twice (the order of the two states does not "
                        "matter)")
        seen.add(frozenset(states))
        if not isinstance(pv, dict):
            raise _fail(path, key, "expected a table with context, note and hypotheses")
        p_known = {"context", "note", "hypotheses"}
        for k in pv:
            if k not in p_known:
                raise _fail(path, f"{key}.{k}", f"unknown key; valid: {', '.join(sorted(p_known))}")
        over: dict[str, dict[str, Any]] = {}
        ph = pv.get("hypotheses", {})
        if not isinstance(ph, dict):
            raise _fail(path, f"{key}.hypotheses", "expected [pairs.X.hypotheses.ID] tables")
        for hid, h in ph.items():
            hkey = f"{key}.hypotheses.{hid}"
            if hid not in ids:
                raise _fail(path, hkey, f"not a hypothesis id; valid: {', '.join(ids)}")
            if not isinstance(h, dict):
                raise _fail(path, hkey, "expected a table with summary, source, milestones")
            got: dict[str, Any] = {}
            for k, v in h.items():
                if k in ("name", "summary", "source"):
                    got[k] = _text(v, path, f"{hkey}.{k}")
                elif k == "milestones":
                    if not isinstance(v, list):
                        raise _fail(path, f"{hkey}.milestones", "expected a list of strings")
                    got[k] = tuple(_text(m, path, f"{hkey}.milestones[{i}]")
                                   for i, m in enumerate(v))
                else:
                    raise _fail(path, f"{hkey}.{k}", "unknown key; valid: milestones, name, "
                                "source, summary")
            over[str(hid)] = got
        pairs.append(PairSection(
            frozenset(states), "–".join(states),
            _parse_context(pv.get("context", {}), path, f"{key}.context"),
            over, _text(pv.get("note", ""), path, f"{key}.note")))
    return HypothesisSet(tuple(hypotheses), tuple(rules), scoring, path, context,
                         tuple(pairs))


def _parse_context(value: Any, path: str, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _fail(path, key, "expected a table of placeholder values { name = \"text\" }")
    for k in value:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(k)):
            raise _fail(path, f"{key}.{k}", "a placeholder name is letters, digits and _")
    return {str(k): _text(v, path, f"{key}.{k}") for k, v in value.items()}


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


__all__ = ["RATINGS", "Band", "Hypothesis", "HypothesisSet", "PairSection", "Rating", "Rule",
           "Scoring", "fill", "load_hypotheses", "parse_hypotheses", "rate"]
