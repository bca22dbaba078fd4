"""bilat.rows.Rows writes the same bytes as pandas' own writers, and converts to the same
DataFrame (the CLI's pandas-free output path, issue 15 item 5)."""

from __future__ import annotations

import datetime
import io

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.rows import Rows, json_double

_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_FLOAT = st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                   st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
                   st.integers(-10**6, 10**6).map(lambda i: i / 1000),
                   st.integers(0, 10**4).map(lambda i: i / 10**4))
_DATE = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1))


def _pandas_json(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_json(buf, orient="records", date_format="iso", indent=2, force_ascii=False)
    return buf.getvalue()


@st.composite
def _rows(draw: st.DrawFn) -> Rows:
    n = draw(st.integers(0, 6))
    kinds = {"s": "str", "i": "Int64", "n": "int64", "f": "float64", "b": "bool",
             "nb": "boolean", "d": "date"}
    opt = lambda s: st.one_of(st.none(), s)  # noqa: E731
    cols = {
        "s": draw(st.lists(opt(_TEXT), min_size=n, max_size=n)),
        "i": draw(st.lists(opt(st.integers(-2**62, 2**62)), min_size=n, max_size=n)),
        "n": draw(st.lists(st.integers(-2**62, 2**62), min_size=n, max_size=n)),
        "f": draw(st.lists(opt(_FLOAT), min_size=n, max_size=n)),
        "b": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        "nb": draw(st.lists(opt(st.booleans()), min_size=n, max_size=n)),
        "d": draw(st.lists(opt(_DATE), min_size=n, max_size=n)),
    }
    return Rows(cols, kinds)


@settings(max_examples=80, deadline=None)
@given(_rows())
def test_csv_and_json_are_pandas_bytes(rows: Rows) -> None:
    df = rows.to_pandas()
    assert rows.to_csv() == df.to_csv(index=False)
    assert rows.to_json() == _pandas_json(df)
    back = Rows.from_pandas(df, rows.kinds)
    pd.testing.assert_frame_equal(back.to_pandas(), df)


@settings(max_examples=250, deadline=None)
@given(_FLOAT)
def test_json_double_is_ujson(x: float) -> None:
    want = _pandas_json(pd.DataFrame({"x": [x]}))
    assert want.split('"x":', 1)[1].split("\n", 1)[0] == json_double(x)
