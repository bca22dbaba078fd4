"""`bilat votes search --symbol`: a base symbol finds the resolution's lettered sections
(A/RES/75/254 → A/RES/75/254A-C; A/RES/37/120 → 37/120C … K), a lettered one its section —
checked against the raw unvotes and Library files read with pandas."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest

from bilat.cli import main
from bilat.indicators import votes as V
from bilat.sources import undl_scrape as S
from bilat.store import Store, open_store
from tests.indicators.test_votes_merged import full_votes_store_path


@pytest.fixture(scope="module")
def full(shared_data: Path) -> Store:
    st = open_store(full_votes_store_path(shared_data))
    yield st
    st.close()


@pytest.fixture(scope="module")
def raw(shared_data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    unga = shared_data / "unga"
    rolls = pd.read_csv(unga / "un_roll_calls.csv", usecols=["rcid", "unres"])
    scrape = pd.read_csv(unga / "undl-scrape-2021" / S.FILE, compression="zip",
                         encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return rolls, scrape[scrape["Council"] == "General Assembly"]


@pytest.mark.parametrize(("query", "unres", "library"), [
    # the base symbol: every section, whatever the letters look like in either file
    ("A/RES/75/254", r"R/75/254[A-Z]*", r"A/RES/75/254(\s*\[?[A-Z](-[A-Z])?\]?)?"),
    ("A/RES/37/120", r"R/37/120[A-Z]*", r"A/RES/37/120(\s*\[?[A-Z]\]?)?"),
    ("A/RES/2775(XXVI)", r"R/26/2775[A-Z]*", r"A/RES/2775\(XXVI\)(\[[A-Z]\])?"),
    # a lettered section: that section only (and a range A-C that holds it)
    ("A/RES/37/120K", r"R/37/120K", r"A/RES/37/120K"),
    ("A/RES/75/254B", r"R/75/254B", r"A/RES/75/254(B|A-C)"),
])
def test_symbol_search_finds_sections(full: Store, raw: tuple[pd.DataFrame, pd.DataFrame],
                                      query: str, unres: str, library: str) -> None:
    rolls, scrape = raw
    want_rc = set(rolls.loc[rolls["unres"].fillna("").str.fullmatch(unres), "rcid"].astype(int))
    want_lib = set(scrape.loc[scrape["Resolution"].str.fullmatch(library), "token"].astype(int))
    assert want_rc or want_lib
    got = V.search(full, symbol=query)
    ids = set(got["vote_id"].astype("int64"))
    # every unvotes roll call is a row; every Library record is a row or named in also_in
    assert want_rc <= ids
    linked = {int(x) for a in got["also_in"].dropna() for x in re.findall(r"\d+", a)}
    shown = {i - V.UNDL_OFFSET for i in ids if i >= V.UNDL_OFFSET} | linked
    # a record the Library publishes as several (the sections voted at once: same day, same
    # vote of every state) is one roll call: the others must equal a record shown
    states = [c for c in scrape.columns if c not in S.META]
    rec = scrape.assign(tok=scrape["token"].astype(int)).set_index("tok")
    sig = {tok: (rec.at[tok, "Date"], tuple(rec.loc[tok, states])) for tok in want_lib}
    for tok in want_lib - shown:
        assert any(sig[tok] == sig[s] for s in shown & want_lib), tok
    # and nothing from another resolution or section
    assert ids <= want_rc | {V.UNDL_OFFSET + t for t in want_lib}
    assert len(got) == len(ids)


def test_cli_symbol_search_base(full: Store, shared_data: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    store = str(full_votes_store_path(shared_data))
    code = main(["--store", store, "votes", "search", "--symbol", "A/RES/75/254",
                 "--state", "RUS", "--state", "CHN", "-f", "csv"])
    out = capsys.readouterr().out
    df = pd.read_csv(io.StringIO(out))
    assert code == 0 and list(df["symbol"]) == ["A/RES/75/254A-C"]
    # a section that is not there finds nothing
    assert V.search(full, symbol="A/RES/75/254D").empty
