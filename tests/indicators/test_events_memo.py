"""The per-call work of ``events.indicators`` kept per store generation: a second call does
not rebuild the views or list the files again, and anything that changes the store (an
ingest, a compaction, a part damaged or removed outside bilat) is seen by the next call."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.indicators import events as ev
from bilat.sources import gdelt
from bilat.store import compact, open_store
from tests.store.test_compact import write_files


def _fresh(st, *args, **kwargs) -> pd.DataFrame:
    ev.forget(st)
    return ev.indicators(st, *args, **kwargs)


def test_second_call_reuses_the_views_and_sees_every_change(tmp_path: Path,
                                                             monkeypatch) -> None:
    paths = write_files(tmp_path, n_files=3, rows=400, seed=21)
    st = open_store(tmp_path / "s.duckdb")
    try:
        gdelt.ingest(st, paths[:2])
        first = ev.indicators(st, "RUS", "CHN", period="month")
        monkeypatch.setenv("BILAT_DYAD_DAY", "0")
        pd.testing.assert_frame_equal(ev.indicators(st, "RUS", "CHN", period="month"), first)
        made: list[str] = []
        real = gdelt._create_view

        def counted(store):
            made.append("gdelt_events")
            return real(store)

        monkeypatch.setattr(gdelt, "_create_view", counted)
        looked: list[str] = []
        listing = ev._gdelt_files
        monkeypatch.setattr(ev, "_gdelt_files", lambda s: looked.append("files") or listing(s))
        for env in ("1", "0"):
            monkeypatch.setenv("BILAT_DYAD_DAY", env)
            again = ev.indicators(st, "RUS", "CHN", period="month")
            pd.testing.assert_frame_equal(again, first)
        assert made == [] and looked == []  # nothing rebuilt: the same generation
        assert ev.store_generation(st) == st._bilat_events_memo["_gen"]
        # an ingest changes the generation: the next call sees the new file's events
        gdelt.ingest(st, paths[2:])
        for env in ("1", "0"):
            monkeypatch.setenv("BILAT_DYAD_DAY", env)
            now = ev.indicators(st, "RUS", "CHN", period="month")
            pd.testing.assert_frame_equal(now, _fresh(st, "RUS", "CHN", period="month"))
            assert now["events"].sum() > first["events"].sum()
            assert (now["coverage_present"] >= first["coverage_present"].max()).any()
        assert made and looked
        # a compaction too (the parts change, the answers do not)
        compact.compact(st)
        monkeypatch.setenv("BILAT_DYAD_DAY", "0")
        pd.testing.assert_frame_equal(ev.indicators(st, "RUS", "CHN", period="month"), now,
                                      check_exact=False, rtol=1e-9)
    finally:
        st.close()


@pytest.mark.parametrize("damage", ["removed", "replaced"])
def test_a_part_damaged_between_calls_is_still_reported(tmp_path: Path, monkeypatch,
                                                        damage: str) -> None:
    paths = write_files(tmp_path, n_files=2, rows=300, seed=22)
    st = open_store(tmp_path / "s.duckdb")
    try:
        for p in paths:
            gdelt.ingest(st, [p])
        monkeypatch.setenv("BILAT_DYAD_DAY", "0")
        ev.indicators(st, "RUS", "CHN", period="month")  # the memo is built
        part = sorted((st.data_dir / "gdelt").iterdir())[0]
        if damage == "removed":
            shutil.rmtree(part)
        else:  # the part's file replaced by a shorter one (half its rows)
            import pyarrow.parquet as pq

            f = sorted(part.glob("*.parquet"))[0]
            table = pq.read_table(f)
            pq.write_table(table.slice(0, max(1, table.num_rows // 2)), f)
        with pytest.raises(BilatError) as exc:
            ev.indicators(st, "RUS", "CHN", period="month")
        assert exc.value.code == ("E020" if damage == "removed" else "E021")
    finally:
        st.close()
