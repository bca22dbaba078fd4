"""ATOP reader on the real file (values against pandas) and on bad inputs."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.sources import alliances_atop
from bilat.sources.core import BadRows, ingest


@pytest.fixture(scope="module")
def both(shared_data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = pd.read_csv(shared_data / "alliances_atop" / "atop_alliance.csv.gz")
    parsed = alliances_atop.parse_atop(shared_data / "alliances_atop" / "atop_alliance.rda",
                                       BadRows("fail", "x")).to_pandas()
    return raw, parsed


def test_rows_and_obligations_match(both: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    raw, parsed = both
    assert len(parsed) == len(raw)
    m = parsed.merge(raw, on=["ccode1", "ccode2", "year"])
    for o in alliances_atop.OBLIGATIONS:
        assert (m[o] == m[f"atop_{o}"]).all()
    for pair, iso in (((365, 710), ("RUS", "CHN")), ((365, 370), ("RUS", "BLR"))):
        r = parsed[(parsed.ccode1 == pair[0]) & (parsed.ccode2 == pair[1])]
        assert set(r.iso3_1) == {iso[0]} and set(r.iso3_2) == {iso[1]}
        assert len(r) == len(raw[(raw.ccode1 == pair[0]) & (raw.ccode2 == pair[1])])


def test_bad_inputs(tmp_path: Path, store) -> None:  # noqa: ANN001
    head = "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
    cases = {"E014": head.replace("atop_nonagg", "nonagg") + "365,370,2001,1,0,0,1,1\n",
             "E501": head + "365,370,2001,1,0,0,1,1\n4,370,2001,1,0,0,1,1\n",
             "E503": head + "365,370,2001,2,0,0,1,1\n", "E018": ""}
    for code, text in cases.items():
        path = tmp_path / f"{code}.csv.gz"
        with gzip.open(path, "wt") as fh:
            fh.write(text)
        with pytest.raises(BilatError) as ei:
            ingest(store, alliances_atop.SOURCE, [path])
        assert ei.value.code == code and path.name in ei.value.one_line()
        assert not store.has_table("atop_dyad_year")
    res = ingest(store, alliances_atop.SOURCE, [tmp_path / "E503.csv.gz"], on_bad_rows="skip")
    assert res[0].rows_added == 0 and sum(res[0].bad_rows.values()) == 1
