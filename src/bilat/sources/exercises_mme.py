"""Multinational Military Exercises (MME) v7, 1980-2010: one row per exercise.

Upstream file ``mme_v7.csv`` (troopdata R package, ``data-raw/mme_v7.csv``; D'Orazio and
Galambos, Harvard Dataverse doi:10.7910/DVN/KHFODX, V1); 3,707 rows, 64 columns; UTF-8
(read as Latin-1 it shows mojibake such as ``CÃ´te``). ``-9`` marks a missing value.

Fields (upstream → store table ``mme_exercises``):

- ``MMEID`` → ``mmeid`` (three ids are used twice upstream for different exercises, so the
  row identity is ``mmeid`` + ``line``); ``Ex_Name`` → ``name``, ``Series_Name`` →
  ``series``, ``Location`` → ``location``, ``lat``, ``lon``;
- ``StartDate``/``EndDate`` as given (``1/14/80`` or ``1980-01-xx``) → ``start_date``,
  ``end_date`` (text); ``s.year``, ``s.month`` → ``start_year``, ``start_month``;
  ``e.year`` → ``end_year``;
- the 0/1 type flags ``CPX`` (command post), ``Air``, ``Land``, ``Sea``, ``Amphibious``,
  ``Cyber``, ``Warfighting``, ``Peacekeeping``, ``Humanitarian`` → lower-case BOOLEAN columns;
- ``FocusDescription`` → ``focus``, ``AdditionalParticipantInfo`` → ``participant_info``;
- the 39 participant slots ``StateA`` … ``StateAM`` → ``participants`` (the names as given,
  VARCHAR[]), ``participant_iso3`` (the states among them, ISO3, VARCHAR[]),
  ``n_states`` (number of state participants) and ``n_nonstate`` (participants that are not
  one state: ``NATO``, ``Baltic States``, former territories).
  An exercise is **bilateral** when it has exactly two participants, both states.

Citation: D'Orazio, Vito and Kevin Galambos. 2021. "Multinational Military Exercises,
1980-2010." Harvard Dataverse, V1, doi:10.7910/DVN/KHFODX.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from bilat.errors import error
from bilat.reference.countries import to_iso3
from bilat.sources._material_common import check_not_empty, int_column, to_arrow
from bilat.sources.core import BadRows, Source, fetch, require_columns

CITATION = ("D'Orazio & Galambos (2021), Multinational Military Exercises, 1980-2010, "
            "Harvard Dataverse V1, doi:10.7910/DVN/KHFODX (via troopdata, Flynn)")
FLAGS = ("CPX", "Air", "Land", "Sea", "Amphibious", "Cyber", "Warfighting", "Peacekeeping",
         "Humanitarian")
COLUMNS = ("MMEID", "Ex_Name", "Series_Name", "Location", "lat", "lon", "StartDate", "s.year",
           "s.month", "EndDate", "e.year", *FLAGS, "FocusDescription",
           "AdditionalParticipantInfo", "StateA", "StateB")
COVERAGE = (1980, 2010)
#: Participants that are groups or organisations, not one state (kept by name, no ISO3).
NONSTATE = frozenset({"NATO", "Baltic States", "Netherlands Antilles"})
_URL = ("https://raw.githubusercontent.com/meflynn/troopdata/"
        "3946bcf89a6d72de8abace812dc557f1f249f5f7/data-raw/mme_v7.csv")


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or str(v).strip() in ("", "-9")


def parse_mme(path: Path, bad: BadRows) -> Any:
    """``mme_v7.csv`` → Arrow rows of table ``mme_exercises``."""
    if path.stat().st_size == 0:
        raise error("E018", path=path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    import io

    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    require_columns(path, df.columns, COLUMNS, "MMEID, Ex_Name, …, StateA … StateAM (64)")
    check_not_empty(path, df)
    df["_line"] = range(2, len(df) + 2)
    df = df.replace({"-9": None, "": None})
    df = int_column(df, "s.year", bad, path, lo=1900, hi=2100)
    df = int_column(df, "e.year", bad, path, lo=1900, hi=2100, nullable=True)
    df = int_column(df, "s.month", bad, path, lo=1, hi=12, nullable=True)
    for f in FLAGS:
        df = int_column(df, f, bad, path, lo=0, hi=1, nullable=True)
    slots = [c for c in df.columns if c.startswith("State") and c[5:].isalpha()]
    cache: dict[str, str | None] = {}
    names_col, iso_col, n_state, n_non, keep = [], [], [], [], []
    for idx, r in df.iterrows():
        names = [str(r[c]).strip() for c in slots if not _missing(r[c])]
        isos: list[str] = []
        non = 0
        ok = True
        for n in names:
            if n in NONSTATE:
                non += 1
                continue
            if n not in cache:
                cache[n] = to_iso3(n)
            if cache[n] is None:
                bad.add(int(r["_line"]), f"unknown state {n!r}",
                        bad.line_text(int(r["_line"])) or ",".join(names), exc=error(
                    "E501", path=path, line=int(r["_line"]), value=n, column="StateA…StateAM",
                    scheme="MME participant name"))
                ok = False
                break
            if cache[n] not in isos:
                isos.append(cache[n])  # type: ignore[arg-type]
        if not ok:
            continue
        keep.append(idx)
        names_col.append(names)
        iso_col.append(isos)
        n_state.append(len(isos))
        n_non.append(non)
    df = df.loc[keep].copy()
    out = pd.DataFrame({
        "mmeid": df["MMEID"], "name": df["Ex_Name"], "series": df["Series_Name"],
        "location": df["Location"], "lat": pd.to_numeric(df["lat"], errors="coerce"),
        "lon": pd.to_numeric(df["lon"], errors="coerce"), "start_date": df["StartDate"],
        "start_year": df["s.year"].astype("int64"), "start_month": df["s.month"],
        "end_date": df["EndDate"], "end_year": df["e.year"],
        **{f.lower(): df[f].map(lambda v: None if pd.isna(v) else bool(v)) for f in FLAGS},
        "focus": df["FocusDescription"], "participant_info": df["AdditionalParticipantInfo"],
        "participants": ["|".join(n) for n in names_col],
        "participant_iso3": ["|".join(i) for i in iso_col], "n_states": n_state,
        "n_nonstate": n_non, "line": df["_line"].astype("int64"),
    })
    return to_arrow(out, list(out.columns))


SOURCE = Source(
    kind="mme", table="mme_exercises", mirror_dir="exercises_mme", files=("mme_v7.csv",),
    parse=parse_mme, citation=CITATION, urls={"mme_v7.csv": _URL},
    key_columns=("mmeid", "line"), title="Multinational Military Exercises v7",
)


def fetch_mme(store: Any, mirror: str | Path | None = None, *, on_bad_rows: str = "fail",
              files: list[str] | None = None, **kw: Any) -> list[Any]:
    """Load MME v7 from ``<mirror>/exercises_mme/`` (or troopdata's GitHub copy)."""
    return fetch(SOURCE, store, mirror=mirror, on_bad_rows=on_bad_rows, files=files, **kw)
