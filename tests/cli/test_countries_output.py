"""`bilat countries` (plain Python rows, no pandas) prints what pandas would print for the
crosswalk, and the rows are the ones an independent pandas filter of countries.csv selects."""

from __future__ import annotations

import io
from importlib import resources

import pandas as pd
import pytest

from bilat.cli import main
from bilat.cli._base import emit
from bilat.reference.countries import countries, countries_rows, normalise_name

SEARCHES = ["russia", "CH", "korea", "365", "643", "NA", "zzz", "congo", " "]


def _independent(search: str) -> pd.DataFrame:
    """countries.csv read by pandas and filtered as documented: a code (ISO, FIPS, CAMEO,
    COW) equal to the search in any case, a COW or ISO number equal to it, or (three
    characters on) a name or alias containing it."""
    with resources.files("bilat.reference").joinpath("data/countries.csv").open(
            encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    code = search.strip().upper()
    needle = normalise_name(search)
    keep = []
    for _, r in df.iterrows():
        codes = any(code in str(r[c]).upper().split("|")
                    for c in ("entity", "iso3", "iso2", "fips", "cameo", "cow_abbr"))
        nums = code in (r["cow_num"], r["iso_numeric"]) and code != ""
        names = len(needle) >= 3 and any(needle in normalise_name(n)
                                         for n in f"{r['name']}|{r['aliases']}".split("|") if n)
        keep.append(codes or nums or names)
    return df[keep]


@pytest.mark.parametrize("search", SEARCHES)
def test_rows_are_the_frame_and_the_independent_selection(search: str) -> None:
    rows = countries_rows(search)
    df = countries(search)
    pd.testing.assert_frame_equal(rows.to_pandas(), df.reset_index(drop=True))
    want = _independent(search)
    assert list(df.index) == list(want.index)
    assert df["iso3"].tolist() == want["iso3"].tolist()
    assert df["cow_num"].astype("string").fillna("").tolist() == want["cow_num"].tolist()


@pytest.mark.parametrize("search", ["russia", "CH", "zzz", None])
@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_the_command_prints_what_pandas_prints(search: str | None, fmt: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["countries", *([search] if search else []), "-f", fmt]
    capsys.readouterr()
    assert main(argv) == 0
    got = capsys.readouterr().out
    df = countries(search)
    if fmt == "csv":
        want = df.to_csv(index=False)
    elif fmt == "json":
        buf = io.StringIO()
        df.to_json(buf, orient="records", date_format="iso", indent=2, force_ascii=False)
        want = buf.getvalue() + "\n"
    else:
        short = ["entity", "iso3", "name", "iso2", "fips", "cameo", "cow_num", "cow_abbr",
                 "historical"]
        emit(df[short].astype(object).where(df[short].notna(), None), "table",
             title="Country crosswalk")
        want = capsys.readouterr().out
    assert got == want
