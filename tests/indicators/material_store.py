"""The eight material-ties sources from ../shared/data, loaded once per test session.

``material_store_path(shared_data)`` builds one DuckDB store (COW trade, IMF DOTS, SIPRI,
ATOP, COW IGO, MME, EI, China Vitae, plus the small UN-votes fixture so the panel has a
votes pillar) the first time it is called and returns its path afterwards; the indicator,
panel and CLI tests share it.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from bilat.sources import (
    alliances_atop,
    arms_sipri,
    energy_ei,
    engagements_chinavitae,
    exercises_mme,
    igo_cow,
    imf_dots,
    trade_cow,
    unvotes,
)
from bilat.store import open_store

FIXTURE_VOTES = Path(__file__).resolve().parents[1] / "fixtures" / "unvotes" / "voeten_unvotes.csv"
LOADERS = (trade_cow.fetch_cow_trade, imf_dots.fetch_dots, arms_sipri.fetch_sipri,
           alliances_atop.fetch_atop, igo_cow.fetch_igo, exercises_mme.fetch_mme,
           energy_ei.fetch_energy, engagements_chinavitae.fetch_engagements)
_BUILT: dict[str, Path] = {}


def material_store_path(shared_data: Path) -> Path:
    """Path of a store holding all eight material sources (built on first use)."""
    key = str(shared_data)
    if key not in _BUILT:
        folder = Path(tempfile.mkdtemp(prefix="bilat-material-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "material.duckdb"
        st = open_store(path)
        try:
            for load in LOADERS:
                load(st, mirror=shared_data)
            unvotes.ingest_file(st, FIXTURE_VOTES)
        finally:
            st.close()
        _BUILT[key] = path
    return _BUILT[key]
