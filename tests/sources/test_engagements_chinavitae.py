"""China Vitae engagements reader: the real .rds and CSV against pandas, and bad inputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.sources import engagements_chinavitae as cv
from bilat.sources.core import BadRows, ingest


def test_real_files(shared_data: Path) -> None:
    folder = shared_data / "diplomacy_chinavitae"
    raw = pd.read_csv(folder / "all_engagements_2003-2018.csv", dtype=str,
                      keep_default_na=False)
    got = cv.parse_engagements(folder / "all_engagements_2003-2018.csv",
                               BadRows("fail", "x")).to_pandas()
    rds = cv.parse_engagements(folder / "all_engagements_2003-2018.rds",
                               BadRows("fail", "x")).to_pandas()
    assert len(got) == len(raw) == len(rds)
    assert (got["text"] == rds["text"]).all()
    want = raw[raw.country == "Russia"].groupby(raw.year.astype(int)).size()
    mine = got[got.iso3 == "RUS"].groupby("year").size()
    assert mine.to_dict() == want.to_dict()
    uk = raw.country.isin(["England", "Wales"]).sum()
    assert (got.iso3 == "GBR").sum() == uk > 0  # the UK is there, spelled England/Wales
    assert set(got.type) <= {"call", "message", "credentials", "visit abroad", "meeting",
                             "other"}
    calls = raw.text.str.lower().str.contains("telephone|phone")
    assert (got.type == "call").sum() <= calls.sum()


def test_bad_inputs(tmp_path: Path, store) -> None:  # noqa: ANN001
    head = "date,year,country,leader,text\n"
    row = '12/05/18,2018,Portugal,Xi Jinping,"Xi Jinping travelled to Portugal, Lisbon"\n'
    cases = {"E501": head + row + row.replace("Portugal,Xi", "Ruritania,Xi"),
             "E503": head + row.replace("2018,Portugal", "2017,Portugal"),
             "E014": head.replace("leader", "official") + row, "E018": ""}
    for code, text in cases.items():
        path = tmp_path / f"{code}.csv"
        path.write_text(text)
        with pytest.raises(BilatError) as ei:
            ingest(store, cv.SOURCE, [path])
        assert ei.value.code == code, ei.value.one_line()
        assert not store.has_table("leader_engagements")
    res = ingest(store, cv.SOURCE, [tmp_path / "E501.csv"], on_bad_rows="quarantine")
    assert res[0].rows_added == 1
    q = store.con.execute("select line, reason from bad_rows").fetchall()
    assert q == [(3, "unknown state 'Ruritania'")]
