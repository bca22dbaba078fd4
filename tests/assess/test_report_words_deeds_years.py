"""The report's years bound its words-against-deeds table (QA12 5a), end to end."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilat.assess import report as make_report
from bilat.store import open_store
from bilat.text.documents import document_from_text, save_document


def test_a_years_limited_report_keeps_only_claims_of_those_years(
        shared_data: Path, tmp_path: Path) -> None:
    base = shared_data / "texts" / "readouts"
    with open_store(tmp_path / "s.duckdb", read_only=False) as st:
        for folder, day in [("2021-08-25_xi-putin-call", "2021-08-25"),
                            ("2022-12-30_xi-putin-video-meeting", "2022-12-30")]:
            text = (base / folder / "CHN_zh.txt").read_text(encoding="utf-8")
            save_document(st, document_from_text(text, side="CHN", date=day, kind="readout",
                                                 parties=("CHN", "RUS"), event=folder))
        every = make_report(st, "RUS", "CHN").words_deeds
        years = pd.to_datetime(every["date"]).dt.year
        assert {2021, 2022} <= set(years)
        only = make_report(st, "RUS", "CHN", years="2022").words_deeds
        assert len(only) == int((years == 2022).sum()) > 0
        assert set(pd.to_datetime(only["date"]).dt.year) == {2022}
