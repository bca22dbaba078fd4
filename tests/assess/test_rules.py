"""The hypotheses file: the shipped file, the loader's one-line errors, the rating bands."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from bilat.assess.rules import RATINGS, load_hypotheses, parse_hypotheses, rate
from bilat.errors import BilatError

SHIPPED = resources.files("bilat.assess").joinpath("hypotheses.toml").read_text("utf-8")


def test_shipped_file_has_three_readings_with_rules_for_every_pillar() -> None:
    hs = load_hypotheses()
    assert hs.ids == ["H1", "H2", "H3"]
    assert abs(sum(hs.priors().values()) - 1) < 1e-12
    kinds = {r.evidence for r in hs.rules}
    for k in ("votes.chance_corrected", "votes.core_splits", "events.material_verbal",
              "readouts.unconfirmed", "statements.new_share", "words_deeds.unbacked",
              "material.*.level", "*.contacts_trend"):
        assert k in kinds
    assert hs.rule_for("material.trade_usd.level").evidence == "material.*.level"
    assert hs.rule_for("corpus.contacts_trend").evidence == "*.contacts_trend"
    # every rule's bands end with a fallback: every value gets a rating
    for r in hs.rules:
        for bands in r.bands.values():
            assert bands[-1].min is None and bands[-1].max is None


def _bad(tmp_path: Path, text: str) -> str:
    f = tmp_path / "h.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(BilatError) as exc:
        load_hypotheses(f)
    msg = exc.value.one_line()
    assert "\n" not in msg
    return msg


@pytest.mark.parametrize(("old", "new", "key"), [
    ('rating = "CC", min = 1.0 }', 'rating = "XX", min = 1.0 }', "rules[0].H1[0].rating"),
    ("prior = 1.0\nsummary = \"{A} and {B}", "prior = -1\nsummary = \"{A} and {B}",
     "hypotheses.H1.prior"),
    ("II = 2.0 }", "II = \"two\" }", "scoring.inconsistency.II"),
    ('evidence = "votes.raw_inflation"', 'evidnce = "votes.raw_inflation"', "rules[1].evidnce"),
    ('{ rating = "I" } ]\n\n[[rules]]\nevidence = "votes.trend_2014"',
     '{ rating = "I", min = 0.0 } ]\n\n[[rules]]\nevidence = "votes.trend_2014"', "rules[1].H3[2]"),
])
def test_bad_file_is_one_line_naming_the_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    assert old in SHIPPED
    msg = _bad(tmp_path, SHIPPED.replace(old, new, 1))
    assert msg.startswith("[E601]") and key in msg


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    assert _bad(tmp_path, "version = = 1").startswith("[E602]")
    with pytest.raises(BilatError) as exc:
        load_hypotheses(tmp_path / "nope.toml")
    assert exc.value.code == "E603"


def test_user_file_extends_with_a_fourth_hypothesis(tmp_path: Path) -> None:
    data = tomllib.loads(SHIPPED)
    data["hypotheses"]["H4"] = {"name": "Junior partner", "prior": 1.0}
    data["rules"][0]["H4"] = [{"rating": "C", "min": 0.5}, {"rating": "I"}]
    hs = parse_hypotheses(data, "mine.toml")
    assert hs.ids == ["H1", "H2", "H3", "H4"]
    assert rate(hs.rules[0], "H4", {"ratio_to_yardstick": 0.7}, n=500).rating == "C"
    assert rate(hs.rules[1], "H4", {"inflation": 0.7}, n=500).rating == "N"


def test_rate_bands_thin_data_and_perturbation() -> None:
    hs = load_hypotheses()
    rule = hs.rule_for("votes.chance_corrected")
    assert rule is not None
    # H1 bands: CC >= 1.0, C >= 0.9, N >= 0.75, I >= 0.5, else II (read from the file)
    got = {x: rate(rule, "H1", {"ratio_to_yardstick": x}, n=500).rating
           for x in (1.2, 0.95, 0.8, 0.6, 0.1)}
    assert got == {1.2: "CC", 0.95: "C", 0.8: "N", 0.6: "I", 0.1: "II"}
    r = rate(rule, "H1", {"ratio_to_yardstick": 0.95}, n=500)
    assert "0.95" in r.reason and "H1 predicts" in r.reason
    assert rate(rule, "H1", {"ratio_to_yardstick": 0.95}, n=5).rating == "N"  # below min_n
    assert rate(rule, "H1", {"ratio_to_yardstick": None}, n=500).rating == "N"
    # thresholds x 1.1: 0.95 is now below 0.9 * 1.1 = 0.99 -> N
    assert rate(rule, "H1", {"ratio_to_yardstick": 0.95}, n=500, factor=1.1).rating == "N"
    assert set(RATINGS) == {"CC", "C", "N", "I", "II"}
