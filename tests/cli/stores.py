"""Stores the CLI output tests share (built from the GDELT fixtures and real ICEWS files)."""

from __future__ import annotations

from pathlib import Path

from bilat.sources import gdelt, icews
from bilat.store import open_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"


def mixed_store(path: Path, shared_data: Path, n_icews: int) -> Path:
    """A store at ``path`` with every GDELT fixture file (1.0 and 2.0) and the first
    ``n_icews`` real ICEWS daily files of the mirror, so ``--source all`` reads both."""
    st = open_store(path)
    try:
        gdelt.ingest(st, [p for p in sorted(FIX.iterdir()) if p.suffix in (".CSV", ".zip")])
        daily = sorted(shared_data.joinpath("icews", "bkitej-daily-2018-2019")
                       .glob("*-icews-events.tab"))[:n_icews]
        icews.ingest_by_format(st, {"icews": daily})
    finally:
        st.close()
    return path
