"""COW dyadic trade reader: the real .rda and its CSV copy; bad inputs."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.sources import trade_cow
from bilat.sources.core import BadRows, ingest


@pytest.fixture(scope="module")
def raw(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(shared_data / "trade_cow" / "cow_trade_ndy.csv.gz")


@pytest.fixture(scope="module")
def parsed(shared_data: Path):  # noqa: ANN201
    return trade_cow.parse_cow_trade(shared_data / "trade_cow" / "cow_trade_ndy.rda",
                                     BadRows("fail", "x")).to_pandas()


def test_rda_rows_and_values_match_the_csv_copy(parsed: pd.DataFrame, raw: pd.DataFrame) -> None:
    assert len(parsed) == len(raw)
    m = parsed.merge(raw, on=["ccode1", "ccode2", "year"], suffixes=("", "_raw"))
    assert len(m) == len(raw)
    for c in ("flow1", "flow2", "smoothflow1", "smoothflow2"):
        a, b = m[c], m[f"{c}_raw"]
        assert ((a == b) | (a.isna() & b.isna())).all(), c
        assert a.isna().sum() == raw[c].isna().sum()  # missing stays missing, never 0


def test_crosswalk_and_continuity(parsed: pd.DataFrame, raw: pd.DataFrame) -> None:
    r = parsed[(parsed.ccode1 == 365) & (parsed.ccode2 == 710)]
    assert set(r.iso3_1) == {"RUS"} and set(r.iso3_2) == {"CHN"}
    assert len(r) == len(raw[(raw.ccode1 == 365) & (raw.ccode2 == 710)])
    assert r.year.min() < 1992  # USSR years stay under 365 → RUS
    hist = parsed[parsed.ccode1 == 300]  # Austria-Hungary: a state of the system, no ISO3
    assert len(hist) and hist.iso3_1.isna().all()


def test_csv_copy_parses_the_same(shared_data: Path, parsed: pd.DataFrame,
                                  tmp_path: Path) -> None:
    with gzip.open(shared_data / "trade_cow" / "cow_trade_ndy.csv.gz", "rt") as fh:
        head = [next(fh) for _ in range(3001)]
    part = _write_gz(tmp_path / "cow_trade_ndy.csv.gz", "".join(head))
    csv = trade_cow.parse_cow_trade(part, BadRows("fail", "x")).to_pandas()
    assert len(csv) == 3000
    pd.testing.assert_frame_equal(csv, parsed.head(3000), check_dtype=False)


def _write_gz(path: Path, text: str) -> Path:
    with gzip.open(path, "wt") as fh:
        fh.write(text)
    return path


def test_bad_inputs_one_line_nothing_stored(tmp_path: Path, shared_data: Path,
                                            store) -> None:  # noqa: ANN001
    head = "ccode1,ccode2,year,flow1,flow2,smoothflow1,smoothflow2\n"
    good = "365,710,2014,51135,42807,51135,42807\n"
    cases = {
        "E014": _write_gz(tmp_path / "renamed.csv.gz", head.replace("flow1,", "flowA,", 1) + good),
        "E501": _write_gz(tmp_path / "unknown.csv.gz", head + good + "365,999,2014,1,2,1,2\n"),
        "E018": _write_gz(tmp_path / "empty.csv.gz", ""),
        "E503": _write_gz(tmp_path / "badyear.csv.gz", head + "365,710,20x4,1,2,1,2\n"),
    }
    rda = (shared_data / "trade_cow" / "cow_trade_ndy.rda").read_bytes()
    (tmp_path / "cut.rda").write_bytes(rda[: len(rda) // 3])
    cases["E013"] = tmp_path / "cut.rda"
    for code, path in cases.items():
        with pytest.raises(BilatError) as ei:
            ingest(store, trade_cow.SOURCE, [path])
        assert ei.value.code == code, (path.name, ei.value.one_line())
        assert "\n" not in ei.value.one_line() and path.name in ei.value.one_line()
        assert not store.has_table("cow_trade")
    with pytest.raises(BilatError) as ei:
        ingest(store, trade_cow.SOURCE, [cases["E501"]])
    assert "line 3" in ei.value.one_line() and "999" in ei.value.one_line()
    res = ingest(store, trade_cow.SOURCE, [cases["E501"]], on_bad_rows="skip")
    assert res[0].rows_added == 1 and sum(res[0].bad_rows.values()) == 1
    again = ingest(store, trade_cow.SOURCE, [cases["E501"]], on_bad_rows="skip")
    assert again[0].status == "unchanged"
    assert store.con.execute("select count(*) from cow_trade").fetchall()[0][0] == 1
