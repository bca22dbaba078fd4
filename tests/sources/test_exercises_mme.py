"""MME reader: the real file against an independent pandas count, and bad inputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.sources import exercises_mme
from bilat.sources.core import BadRows, ingest


def test_real_file(shared_data: Path) -> None:
    path = shared_data / "exercises_mme" / "mme_v7.csv"
    got = exercises_mme.parse_mme(path, BadRows("fail", path)).to_pandas()
    raw = pd.read_csv(path, encoding="utf-8")
    assert len(got) == len(raw)
    slots = [c for c in raw.columns if c.startswith("State")]

    def both(x: str, y: str) -> int:
        return int(((raw[slots] == x).any(axis=1) & (raw[slots] == y).any(axis=1)).sum())

    for (x, y), (i, j) in ((("Russia", "China"), ("RUS", "CHN")),
                           (("Russia", "Belarus"), ("RUS", "BLR"))):
        mine = got.participant_iso3.map(lambda s, i=i, j=j: i in s.split("|") and
                                        j in s.split("|")).sum()
        assert mine == both(x, y)
    assert (got.name == "Peace Mission 2005").sum() == 1
    assert got.name.isna().sum() == (raw.Ex_Name == "-9").sum()  # -9 is missing, not a name
    assert got.lat.notna().sum() > 0


def test_bad_inputs(tmp_path: Path, shared_data: Path, store) -> None:  # noqa: ANN001
    lines = (shared_data / "exercises_mme" / "mme_v7.csv").read_text("utf-8").splitlines()
    head, row = lines[0], lines[1]
    cases = {
        "E501": [head, row, row.replace("United States", "Freedonia")],
        "E014": [head.replace("Ex_Name", "Name"), row],
        "E503": [head, row.replace(",1980,", ",19x0,", 1)],
        "E018": [],
    }
    for code, text in cases.items():
        path = tmp_path / f"{code}.csv"
        path.write_text("\n".join(text) + ("\n" if text else ""), "utf-8")
        with pytest.raises(BilatError) as ei:
            ingest(store, exercises_mme.SOURCE, [path])
        assert ei.value.code == code, ei.value.one_line()
        assert not store.has_table("mme_exercises")
    msg = pytest.raises(BilatError, ingest, store, exercises_mme.SOURCE,
                        [tmp_path / "E501.csv"]).value.one_line()
    assert "line 3" in msg and "Freedonia" in msg
