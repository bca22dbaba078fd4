"""Typed state names: one resolver everywhere, any case, with a did-you-mean (issue 8)."""

from __future__ import annotations

import pytest

from bilat.cli._base import parse_pairs
from bilat.errors import MAX_VALUE_CHARS, BilatError, error
from bilat.reference.countries import resolve_state


@pytest.mark.parametrize(("typed", "iso3"), [
    ("RUS", "RUS"), ("rus", "RUS"), ("russia", "RUS"), ("Russian Federation", "RUS"),
    ("china", "CHN"), ("PRC", "CHN"), ("south korea", "KOR"), (" Belarus ", "BLR"),
])
def test_names_and_codes_any_case(typed: str, iso3: str) -> None:
    assert resolve_state(typed) == iso3


@pytest.mark.parametrize(("typed", "hint"), [
    ("Rusia", "RUS (Russia)"), ("CHNA", "CHN (China)"), ("Korea", "PRK (North Korea)"),
    ("Korea", "KOR (South Korea)"), ("RS", "RUS (Russia, RS in FIPS)"),
    ("CH", "CHN (China, CH in FIPS)"), ("CH", "CHE (Switzerland, CH in ISO2)"),
    ("Belarussia", "BLR (Belarus)"),
])
def test_did_you_mean(typed: str, hint: str) -> None:
    with pytest.raises(BilatError) as exc:
        resolve_state(typed)
    assert exc.value.code == "E008" and hint in exc.value.one_line()


def test_name_typos_suggest_the_name_first() -> None:
    with pytest.raises(BilatError) as exc:
        resolve_state("Rusia")
    msg = exc.value.one_line()
    assert msg.index("RUS (Russia)") < msg.index("?")
    assert "did you mean RUS (Russia)" in msg


def test_one_ref_syntax() -> None:
    assert parse_pairs(["russia", "China", "BLR"], ["RUS"]) == ("RUS", "CHN", [("RUS", "BLR")])
    assert parse_pairs(["RUS", "CHN"], ["rus-blr", "Russia,Kazakhstan"]) == \
        ("RUS", "CHN", [("RUS", "BLR"), ("RUS", "KAZ")])
    with pytest.raises(BilatError, match="E012"):
        parse_pairs(["RUS"], [])
    with pytest.raises(BilatError, match="E008"):
        parse_pairs(["RUS", "Chinaa"], [])


def test_long_values_are_cut_with_a_note() -> None:
    value = "x" * 1000
    msg = error("E008", value=value).one_line()
    assert "(1000 characters, cut)" in msg and len(msg) < MAX_VALUE_CHARS + 200
    exact = "y" * MAX_VALUE_CHARS
    assert f"'{exact}'" in error("E008", value=exact).one_line()


def test_a_name_of_two_states_is_asked_not_guessed() -> None:
    """"Congo" is the Republic of the Congo in ISO and COW, and what many mean by the DR Congo:
    a person typing it is asked (E040 naming both); longer names and codes resolve, and the
    data crosswalk keeps the sources' reading."""
    from bilat.errors import BilatError
    from bilat.reference.countries import resolve_state, to_iso3

    for typed in ("Congo", "congo", "the Congo"):
        with pytest.raises(BilatError) as ei:
            resolve_state(typed)
        assert ei.value.code == "E040" and "COG" in str(ei.value) and "COD" in str(ei.value)
    assert resolve_state("Congo-Brazzaville") == "COG" and resolve_state("DR Congo") == "COD"
    assert resolve_state("cog") == "COG" and to_iso3("Congo") == "COG"
