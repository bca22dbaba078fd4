"""Chinese top officials' engagements with foreign countries, 2003-2018 (China Vitae scrape).

Upstream file ``all_engagements_2003-2018.rds`` (a single tibble; gbwalker/
chinese-diplomacy-and-financing, December 2018) or its CSV copy
``all_engagements_2003-2018.csv``; 5,705 rows. **No licence is stated**; the ``text`` is
China Vitae's (Carnegie Endowment) wording: treat it as a lead to clear before publication.

Fields (upstream → store table ``leader_engagements``):

- ``date`` (``mm/dd/yy`` text) → ``date`` (DATE); ``year`` (must agree with the date);
- ``country`` (the foreign country named, as written) → ``country`` and ``iso3`` through
  the crosswalk; ``England``, ``Wales`` and ``Scotland`` (the scraper's spellings for the UK)
  → GBR;
- ``leader``: Xi Jinping, Hu Jintao, Wen Jiabao, Li Keqiang, Wang Yi, Yang Jiechi,
  Li Zhaoxing → ``leader``, ``role`` (``head of state``, ``head of government``,
  ``foreign minister``) and ``in_office`` (the date falls in the leader's term in that role,
  :data:`TERMS`; the raw scrape also holds days outside it);
- ``text`` → ``text`` (China Vitae's entry, e.g. "Xi Jinping travelled to Russia, Moscow and
  met with the following: … Vladimir Putin (President of Russia)");
- ``type`` (bilat, from the text, first rule that matches): ``call`` (telephone, phone,
  video call), ``message`` (message, letter, congratulations, condolences), ``credentials``
  (accepted credentials), ``visit abroad`` (travelled/traveled to, left Beijing for),
  ``meeting`` (met with, held talks, meeting), else ``other`` (statements, news items);
- ``line``: the CSV line (or .rds row + 1). One engagement = one country named on one day
  (a trip meeting three leaders of one country on one day is one row).

The data are the Chinese side only and end in 2018.

Credit: Walker, G.B., "Elite Chinese Diplomacy and Financial Flows (2000-2018)", GitHub
gbwalker/chinese-diplomacy-and-financing, data from China Vitae (chinavitae.com).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from bilat.errors import error
from bilat.sources._material_common import (
    check_not_empty,
    read_rda_or_csv,
    resolve_names,
    to_arrow,
)
from bilat.sources.core import BadRows, Source, fetch

CITATION = ("Walker, G.B., Elite Chinese Diplomacy and Financial Flows (2000-2018), GitHub "
            "gbwalker/chinese-diplomacy-and-financing; data scraped from China Vitae")
COLUMNS = ("date", "year", "country", "leader", "text")
COVERAGE = (2003, 2018)
#: Each official's role and term in it (official dates of appointment and departure).
TERMS: dict[str, tuple[str, date, date]] = {
    "Hu Jintao": ("head of state", date(2003, 3, 15), date(2013, 3, 14)),
    "Xi Jinping": ("head of state", date(2013, 3, 14), date(2099, 12, 31)),
    "Wen Jiabao": ("head of government", date(2003, 3, 16), date(2013, 3, 15)),
    "Li Keqiang": ("head of government", date(2013, 3, 15), date(2023, 3, 11)),
    "Li Zhaoxing": ("foreign minister", date(2003, 3, 17), date(2007, 4, 27)),
    "Yang Jiechi": ("foreign minister", date(2007, 4, 27), date(2013, 3, 16)),
    "Wang Yi": ("foreign minister", date(2013, 3, 16), date(2022, 12, 30)),
}
TYPES: tuple[tuple[str, str], ...] = (
    ("call", r"telephone|\bphone|video (?:call|link|conference)"),
    ("message", r"message|letter|congratulat|condolence"),
    ("credentials", r"credentials"),
    ("visit abroad", r"travell?ed to|left beijing for"),
    ("meeting", r"met with|held talks|meeting|\bmet\b"),
)
_UK = {"England": "GBR", "Wales": "GBR", "Scotland": "GBR", "Northern Ireland": "GBR"}
_URL = ("https://github.com/gbwalker/chinese-diplomacy-and-financing/raw/"
        "7b8fd3f6c0686ac95266f6d487b95816239fde48/data/all_engagements_2003-2018.rds")


def engagement_type(text: str) -> str:
    """The engagement type of a China Vitae entry (first rule of :data:`TYPES` that matches)."""
    low = str(text).lower()
    for name, pat in TYPES:
        if re.search(pat, low):
            return name
    return "other"


def parse_engagements(path: Path, bad: BadRows) -> Any:
    """The engagements table (.rds or .csv) → Arrow rows of ``leader_engagements``."""
    if path.stat().st_size == 0:
        raise error("E018", path=path)
    if path.suffix.lower() == ".csv":
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        from bilat.sources.core import require_columns

        require_columns(path, df.columns, COLUMNS, ", ".join(COLUMNS))
        check_not_empty(path, df)
        df["_line"] = range(2, len(df) + 2)
    else:
        df = read_rda_or_csv(path, "all_engagements", COLUMNS, ", ".join(COLUMNS))
        df = df.astype({c: "string" for c in COLUMNS})
    dates = pd.to_datetime(df["date"], format="%m/%d/%y", errors="coerce")
    years = pd.to_numeric(df["year"], errors="coerce")
    badmask = dates.isna() | years.isna() | (dates.dt.year != years)
    for _, r in df[badmask].iterrows():
        bad.add(int(r["_line"]), "bad date or year", bad.line_text(int(r["_line"])), exc=error(
            "E503", path=path, line=int(r["_line"]), value=f"{r['date']} / {r['year']}",
            column="date, year", reason="expected mm/dd/yy and the same year in 'year'"))
    df = df[~badmask].copy()
    df["_date"] = dates[~badmask].dt.date
    unknown = ~df["leader"].isin(list(TERMS))
    for _, r in df[unknown].iterrows():
        bad.add(int(r["_line"]), f"unknown leader {r['leader']!r}",
                bad.line_text(int(r["_line"])), exc=error(
                    "E503", path=path, line=int(r["_line"]), value=r["leader"],
                    column="leader", reason="valid: " + ", ".join(TERMS)))
    df = df[~unknown].copy()
    df = resolve_names(df, "country", bad, path, scheme="China Vitae country name",
                       out="iso3", special=lambda n: (_UK[n], "state") if n in _UK else None)
    role = df["leader"].map(lambda n: TERMS[n][0])
    in_office = [TERMS[n][1] <= d <= TERMS[n][2] for n, d in zip(df["leader"], df["_date"],
                                                                 strict=True)]
    out = pd.DataFrame({
        "date": df["_date"], "year": df["_date"].map(lambda d: d.year).astype("int64"),
        "country": df["country"], "iso3": df["iso3"], "leader": df["leader"], "role": role,
        "in_office": in_office, "type": df["text"].map(engagement_type), "text": df["text"],
        "line": df["_line"].astype("int64"),
    })
    return to_arrow(out, list(out.columns))


SOURCE = Source(
    kind="chinavitae", table="leader_engagements", mirror_dir="diplomacy_chinavitae",
    files=("all_engagements_2003-2018.rds",), parse=parse_engagements, citation=CITATION,
    urls={"all_engagements_2003-2018.rds": _URL}, key_columns=("line",),
    title="China Vitae engagements 2003-2018",
)


def fetch_engagements(store: Any, mirror: str | Path | None = None, *,
                      on_bad_rows: str = "fail", files: list[str] | None = None,
                      **kw: Any) -> list[Any]:
    """Load the China Vitae engagements from ``<mirror>/diplomacy_chinavitae/``."""
    return fetch(SOURCE, store, mirror=mirror, on_bad_rows=on_bad_rows, files=files, **kw)
