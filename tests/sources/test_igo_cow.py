"""COW IGO reader on the real file (values against pandas) and on bad inputs."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.sources import igo_cow
from bilat.sources.core import BadRows, ingest


def test_real_file(shared_data: Path) -> None:
    raw = pd.read_csv(shared_data / "igo_cow" / "cow_igo_ndy.csv.gz")
    parsed = igo_cow.parse_igo(shared_data / "igo_cow" / "cow_igo_ndy.rda",
                               BadRows("fail", "x")).to_pandas()
    assert len(parsed) == len(raw)
    key = ["ccode1", "ccode2", "year"]
    m = parsed.merge(raw, on=key, suffixes=("", "_raw"))
    assert len(m) == len(raw) and (m.dyadigos == m.dyadigos_raw).all()
    r = parsed[(parsed.iso3_1 == "RUS") & (parsed.iso3_2 == "CHN")]
    assert len(r) == len(raw[(raw.ccode1 == 365) & (raw.ccode2 == 710)])


def test_bad_inputs(tmp_path: Path, store) -> None:  # noqa: ANN001
    cases = {"E014": "ccode1,ccode2,yr,dyadigos\n2,200,2000,62\n",
             "E503": "ccode1,ccode2,year,dyadigos\n2,200,2000,-1\n",
             "E501": "ccode1,ccode2,year,dyadigos\n2,200,2000,62\n2,998,2000,3\n"}
    for code, text in cases.items():
        path = tmp_path / f"{code}.csv.gz"
        with gzip.open(path, "wt") as fh:
            fh.write(text)
        with pytest.raises(BilatError) as ei:
            ingest(store, igo_cow.SOURCE, [path])
        assert ei.value.code == code, ei.value.one_line()
        assert not store.has_table("cow_igo_dyad_year")
