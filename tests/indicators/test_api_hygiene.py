"""The indicators' Python API (QA12 15): modules export their public names only, public
functions document what they return, reversed years raise each module's own code, and
messages raised to Python name the Python argument beside the CLI flag."""

from __future__ import annotations

import importlib
import inspect

import pytest

from bilat.errors import BilatError
from bilat.store import open_store

MODULES = ("votes", "events", "material", "panel")
INTERNAL = {"votes": ("bit_count", "print_coincidence_comparison", "session_sort_key"),
            "events": ("memo_value", "forget", "fetch_rows", "indicator_expr",
                       "local_path_applies", "store_generation", "stored_sql")}


@pytest.mark.parametrize("name", MODULES)
def test_modules_export_public_names_only(name):
    mod = importlib.import_module(f"bilat.indicators.{name}")
    assert isinstance(mod.__all__, list) and mod.__all__
    assert all(hasattr(mod, n) for n in mod.__all__)
    assert not any(n.startswith("_") for n in mod.__all__)
    for helper in INTERNAL.get(name, ()):
        assert hasattr(mod, helper) and helper not in mod.__all__
    ns: dict = {}
    exec(f"from bilat.indicators.{name} import *", ns)  # noqa: S102 - what * exports
    assert set(ns) - {"__builtins__"} == set(mod.__all__)


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_say_more_than_one_line(name):
    mod = importlib.import_module(f"bilat.indicators.{name}")
    short = [n for n in mod.__all__ if inspect.isfunction(getattr(mod, n))
             and len((inspect.getdoc(getattr(mod, n)) or "").splitlines()) < 2]
    assert short == []


@pytest.mark.parametrize(("mod", "fn", "words"), [
    ("votes", "affinity_votes", ("vote_a", "counted", "E211")),
    ("votes", "matrix", ("diagonal", "min_votes", "E213")),
    ("votes", "coverage", ("first", "years", "by_source")),
    ("material", "coverage", ("first_year", "load_with")),
    ("material", "all_dyads", ("COLUMNS", "rows", "E509")),
])
def test_named_docstrings_give_shape_and_errors(mod, fn, words):
    doc = inspect.getdoc(getattr(importlib.import_module(f"bilat.indicators.{mod}"), fn))
    assert len(doc.splitlines()) >= 5
    for w in words:
        assert w in doc, (fn, w)


def test_reversed_years_raise_each_modules_code():
    from bilat.indicators import material, panel, votes

    st = open_store(":memory:")
    try:
        for call, code in [
            (lambda: votes.affinity(st, "USA", "IND", years="2020-2010"), "E224"),
            (lambda: votes.parse_years((2020, 2010)), "E224"),
            (lambda: material.indicators(st, "FRA", "DEU", years="2020-2010"), "E511"),
            (lambda: panel.panel(st, "FRA", "DEU", years="2020-2010"), "E511"),
        ]:
            with pytest.raises(BilatError) as exc:
                call()
            assert exc.value.code == code
            assert "2010-2020" in str(exc.value) and "years= (--years)" in str(exc.value)
    finally:
        st.close()


def test_python_messages_name_the_argument_and_the_flag():
    from bilat.indicators import events, material, panel

    st = open_store(":memory:")
    try:
        for call, words in [
            (lambda: events.make_query("USA", "IND", period="fortnight"), "period= (--period)"),
            (lambda: events.make_query("USA", "IND", versions=[3]),
             "versions= (--gdelt-version)"),
            (lambda: events.indicators(st, "USA", "IND", min_events=-1),
             "min_events= (--min-events)"),
            (lambda: material.deals(st, "USA", "IND", direction="up"),
             "direction= (--direction)"),
            (lambda: panel.panel(st, all_dyads=True), "year=YYYY (--year YYYY)"),
            (lambda: events.make_query("USA", "IND", start="2020", end="2019"),
             "start= (--start)"),
            (lambda: events.indicators(st, "USA", "IND", source="icews", dedup="root"),
             "dedup='root' (--dedup root)"),
        ]:
            with pytest.raises(BilatError) as exc:
                call()
            assert words in str(exc.value), str(exc.value)
    finally:
        st.close()
