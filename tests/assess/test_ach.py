"""ACH scores on hand-computed matrices, diagnosticity, sensitivity and milestones."""

from __future__ import annotations

import math
import tomllib
from importlib import resources

import pytest

from bilat.assess.ach import analyse, score
from bilat.assess.evidence import Evidence
from bilat.assess.rules import parse_hypotheses

TOML = """
version = 1
[scoring]
inconsistency = { CC = 0.0, C = 0.0, N = 0.0, I = 1.0, II = 2.0 }
likelihood = { CC = 2.0, C = 1.5, N = 1.0, I = 0.5, II = 0.25 }
weight_ok = 1.0
weight_thin = 0.5
perturbation = [0.5, 2.0]
[hypotheses.A]
name = "A"
prior = 1.0
[hypotheses.B]
name = "B"
prior = 1.0
[[rules]]
evidence = "x"
measure = "m"
A = [ { rating = "C", min = 1.0 }, { rating = "II" } ]
B = [ { rating = "I", min = 1.0 }, { rating = "CC" } ]
[[rules]]
evidence = "y"
measure = "m"
A = [ { rating = "CC", min = 1.0 }, { rating = "N" } ]
B = [ { rating = "I", min = 1.0 }, { rating = "N" } ]
[[rules]]
evidence = "z"
measure = "m"
A = [ { rating = "N" } ]
B = [ { rating = "N" } ]
"""


def _ev(eid: str, kind: str, m: float, n: int = 100, thin: bool = False) -> Evidence:
    return Evidence(id=eid, pillar="test", kind=kind, title=eid, value=m, unit="", period="",
                    source="test", measures={"m": m}, coverage={"n": n, "thin": thin})


def test_scores_match_a_hand_computed_matrix() -> None:
    hs = parse_hypotheses(tomllib.loads(TOML))
    # x: m=2 -> A C, B I ; y: m=0.5 -> A N, B N ; z -> N, N ; v (x rule): m=0 -> A II, B CC ;
    # w (thin, x rule, m=0): not rated -> N, N with the reason
    evs = [_ev("x", "x", 2.0), _ev("y", "y", 0.5), _ev("z", "z", 7.0), _ev("v", "x", 0.0),
           _ev("w", "x", 0.0, thin=True)]
    res = analyse(hs, evs)
    cells = {r.evidence: {h: c.rating for h, c in r.cells.items()} for r in res.rows}
    assert cells == {"x": {"A": "C", "B": "I"}, "y": {"A": "N", "B": "N"},
                     "z": {"A": "N", "B": "N"}, "v": {"A": "II", "B": "CC"},
                     "w": {"A": "N", "B": "N"}}
    w = [r for r in res.rows if r.evidence == "w"][0]
    assert w.thin and all("thin data" in c.reason for c in w.cells.values())
    # Heuer: A = 2 (II) ; B = 1 (I)
    assert res.scores.inconsistency == {"A": 2.0, "B": 1.0}
    # Bayes: A ∝ 0.5 * 1.5 * 0.25 = 0.1875 ; B ∝ 0.5 * 0.5 * 2 = 0.5
    a, b = 0.5 * 1.5 * 0.25, 0.5 * 0.5 * 2
    assert res.scores.posterior["A"] == pytest.approx(a / (a + b))
    assert res.scores.ranking == ["B", "A"]
    diag = {r.evidence: r.diagnostic for r in res.rows}
    assert diag == {"x": True, "y": False, "z": False, "v": True, "w": False}
    assert math.isclose([r for r in res.rows if r.evidence == "x"][0].diagnosticity, 3.0)
    # leave-one-out: without v, A leads (A ∝ 1.5, B ∝ 0.5); without x, B leads still
    loo = {x["without"]: x["leader"] for x in res.sensitivity.leave_one_out}
    assert loo == {"x": "B", "y": "B", "z": "B", "v": "A", "w": "B"}
    assert "v" in res.sensitivity.flips and not res.sensitivity.robust


def test_priors_move_the_posterior_and_an_empty_matrix_returns_them() -> None:
    data = tomllib.loads(TOML)
    data["hypotheses"]["B"]["prior"] = 3.0
    hs = parse_hypotheses(data)
    s = score(hs, [])
    assert s.posterior == pytest.approx({"A": 0.25, "B": 0.75})
    assert s.leader == "B"
    res = analyse(hs, [])
    assert res.scores.posterior == pytest.approx({"A": 0.25, "B": 0.75})
    assert any("posterior equals the priors" in n for n in res.notes)


def test_shipped_likelihoods_are_ordered() -> None:
    data = tomllib.loads(resources.files("bilat.assess").joinpath("hypotheses.toml")
                         .read_text("utf-8"))
    lik = data["scoring"]["likelihood"]
    assert lik["CC"] > lik["C"] > lik["N"] == 1.0 > lik["I"] > lik["II"] > 0
