"""The pandas-free helpers of bilat.indicators.events (periods, coverage shares) give what the
pandas operations they replace gave: pandas itself is the independent computation here."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.indicators.events import _PANDAS_FREQ, _grid, _period_end, _share_value

_DAYS = st.dates(min_value=dt.date(1979, 1, 1), max_value=dt.date(2030, 12, 31))
_PERIODS = st.sampled_from(["day", "week", "month", "quarter", "year"])


@settings(max_examples=150, deadline=None)
@given(_DAYS, st.integers(-3, 800), _PERIODS)
def test_grid_is_pandas_date_range(first: dt.date, span: int, period: str) -> None:
    last = first + dt.timedelta(days=span)
    want = [d.date() for d in pd.date_range(first, last, freq=_PANDAS_FREQ[period])]
    assert _grid(first, last, period) == want


@settings(max_examples=150, deadline=None)
@given(_DAYS, _PERIODS)
def test_period_end_is_the_pandas_offset(day: dt.date, period: str) -> None:
    step = {"day": pd.offsets.Day(1), "week": pd.offsets.Week(1),
            "month": pd.offsets.MonthBegin(1),
            "quarter": pd.offsets.QuarterBegin(1, startingMonth=1),
            "year": pd.offsets.YearBegin(1)}[period]
    start = _grid(day, day + dt.timedelta(days=400), period)[0]  # a period start
    assert _period_end(start, period) == (pd.Timestamp(start) + step
                                          - pd.Timedelta(days=1)).date()


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_share_is_numpy_rounding(present: int, expected: int) -> None:
    cov = pd.Series([present / expected], dtype="float64")
    want = cov.where(cov < 0.001, cov.round(4)).iloc[0]
    assert _share_value(present / expected) == want
