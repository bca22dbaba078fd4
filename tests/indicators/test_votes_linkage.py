"""Record linkage of the merged UN vote record: one roll call held by unvotes and by the UN
Digital Library scrape counts once even when Voeten's approximate date and unreliable
``para``/``amend`` flags differ from the Library's; separate votes filed under one symbol
(paragraph votes, lettered sections, revotes) stay apart. Real files and a small fixture in
the two upstream layouts, each checked against pandas over the raw rows."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilat.indicators import votes as V
from bilat.sources import undl_scrape as S
from bilat.sources import unvotes as U
from bilat.store import Store, open_store
from tests.sources.test_undl_scrape import GA, STATES, scrape_csv, write


def _kappa(x: np.ndarray, y: np.ndarray) -> float:
    po = float((x == y).mean())
    pe = sum(float((x == c).mean() * (y == c).mean()) for c in set(x) | set(y))
    return (po - pe) / (1 - pe)


# ----------------------------------------------------------------------------- real files
@pytest.fixture(scope="module")
def raw(shared_data: Path) -> dict[str, pd.DataFrame]:
    """The raw files read with pandas only (no bilat code)."""
    unga = shared_data / "unga"
    votes = pd.read_csv(unga / "un_votes.csv", keep_default_na=False, na_values=[""])
    rolls = pd.read_csv(unga / "un_roll_calls.csv")
    scrape = pd.read_csv(unga / "undl-scrape-2021" / S.FILE, compression="zip",
                         encoding="utf-8-sig", dtype=str, keep_default_na=False)
    scrape = scrape[scrape["Council"] == "General Assembly"].copy()
    return {"votes": votes, "rolls": rolls, "scrape": scrape}


@pytest.fixture(scope="module")
def raw_pairs(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """unvotes roll call × Library record with the same symbol (as both write it, brackets
    and spaces aside) and the same yes/no/abstain tally — the QA's independent check."""
    v, r, s = raw["votes"], raw["rolls"], raw["scrape"].copy()
    tally = v.pivot_table(index="rcid", columns="vote", aggfunc="size", fill_value=0)
    r = r.merge(tally.reset_index(), on="rcid", how="left")
    r["key"] = r["unres"].astype(str).str.replace("R/", "", regex=False).str.replace(" ", "")
    s["key"] = s["Resolution"].str.replace("A/RES/", "", regex=False).str.replace(
        r"[\s\[\]]", "", regex=True)
    m = s.merge(r, on="key")
    for col, c in (("YES COUNT", "yes"), ("NO COUNT", "no"), ("ABSENT COUNT", "abstain")):
        m = m[pd.to_numeric(m[col]) == m[c]]
    return m.assign(undl_vote_id=V.UNDL_OFFSET + m["token"].astype("int64"))


def test_same_symbol_and_tally_never_enters_twice(full: Store, raw_pairs: pd.DataFrame,
                                                  raw: dict[str, pd.DataFrame]) -> None:
    V.merged(full)
    held = {int(x) for (x,) in full.con.execute(
        f"SELECT vote_id FROM {V.MERGED_ROLLCALLS}").fetchall()}
    assert len(raw_pairs) > 2500   # most roll calls from 1976 on are held by both sources
    # every unvotes roll call is in the record, and no Library copy of one stands beside it
    assert set(raw_pairs["rcid"].astype("int64")) <= held
    twice = raw_pairs[raw_pairs["undl_vote_id"].isin(held)]
    assert twice.empty, twice[["key", "Date", "date", "rcid", "token"]].head().to_string()
    # the QA's 1970s–80s cases: Voeten dates a week or more earlier and sets para = 1
    qa = raw_pairs[raw_pairs["key"].isin(["37/102", "35/149", "35/152J", "38/58D"])]
    assert len(qa) == 4 and (qa["para"] == 1).all() and (qa["Date"] != qa["date"]).all()
    # the record with a year only (A/RES/66/230, Date "2011") is linked, not added
    myanmar = raw_pairs[raw_pairs["key"] == "66/230"]
    assert len(myanmar) == 1 and myanmar["Date"].iloc[0] == "2011"


def test_usa_gbr_1982_one_id_per_roll_call(full: Store, raw_pairs: pd.DataFrame,
                                           raw: dict[str, pd.DataFrame]) -> None:
    df = V.affinity(full, "USA", "GBR", years="1982")
    row = df.iloc[0]
    ids = [int(i) for i in row["vote_ids"]]
    assert len(ids) == len(set(ids)) == row["n"]
    # unvotes part: every 1982 roll call where both voted yes/no/abstain, from the raw rows
    v, r = raw["votes"], raw["rolls"]
    yr = r[r["date"].str.startswith("1982")]["rcid"]
    w = v[v["rcid"].isin(yr) & v["country_code"].isin(["US", "GB"])].pivot(
        index="rcid", columns="country_code", values="vote").dropna()
    assert sorted(i for i in ids if i < V.UNDL_OFFSET) == sorted(w.index.astype(int))
    # the Library part: records unvotes lacks — none is a copy of an unvotes roll call
    extra = [i for i in ids if i >= V.UNDL_OFFSET]
    assert not set(extra) & set(raw_pairs["undl_vote_id"])
    # kappa recomputed from the raw votes of exactly these roll calls
    s = raw["scrape"].assign(vid=V.UNDL_OFFSET + raw["scrape"]["token"].astype("int64"))
    s = s[s["vid"].isin(extra)]
    num = {"yes": 1.0, "abstain": 0.5, "no": 0.0, "Y": 1.0, "A": 0.5, "N": 0.0}
    x = np.concatenate([w["US"].map(num), s["UNITED STATES"].map(num)])
    y = np.concatenate([w["GB"].map(num), s["UNITED KINGDOM"].map(num)])
    assert len(x) == row["n"] and not np.isnan(x).any() and not np.isnan(y).any()
    assert row["kappa"] == pytest.approx(_kappa(x, y))
    assert row["agree_exact"] == pytest.approx(float((x == y).mean()))


# ----------------------------------------------------------------------------- fixture
# States in tests.sources.test_undl_scrape.STATES order: RUS, CHN, USA, BLR, UKR, GBR
_UNVOTES_STATES = [("Russia", "RU"), ("China", "CN"), ("United States", "US"),
                   ("Belarus", "BY"), ("Ukraine", "UA"), ("United Kingdom", "GB")]
_CODE = {"Y": "yes", "N": "no", "A": "abstain"}

# (rcid, unres, date, para, votes): Voeten's dates run days to weeks early
_ROLLS = [
    (101, "R/37/102", "1982-12-01", 1, "YYAYYA"),    # the Library: same vote, 16 Dec
    (102, "R/37/120I", "1982-12-01", 1, "YYNYYN"),   # section I
    (103, "R/37/120K", "1982-12-01", 1, "YYYYYA"),   # section K
    (104, "R/37/50", "1982-12-01", 1, "YNYYNA"),     # a paragraph vote under 37/50
    (105, "R/37/50", "1982-12-01", 0, "YYYYYA"),     # the adoption of 37/50
    (106, "R/37/60", "1982-12-02", 1, "YNYYNA"),     # paragraph vote; tally 3-2-1
    (107, "R/37/130", "1982-12-02", 1, "AAYAAY"),    # the Library gives the year only
    (108, "R/37/140", "1982-12-03", 0, "YYNYYY"),    # the Library holds it twice
]
# (date, symbol, record, votes)
_SCRAPE = [
    ("1982-12-16", "A/RES/37/102", 9001, "YYAYYA"),
    ("1982-12-16", "A/RES/37/120I", 9002, "YYNYYN"),
    ("1982-12-16", "A/RES/37/120K", 9003, "YYYYYA"),
    ("1982-12-16", "A/RES/37/120J", 9004, "NNYYYY"),   # section J: tally of I, other votes
    ("1982-12-10", "A/RES/37/50", 9005, "YYYYYA"),
    ("1982-12-20", "A/RES/37/60", 9006, "NYNYYA"),     # a revote: same tally 3-2-1, 4 states
    ("1982", "A/RES/37/130", 9007, "AAYAAY"),
    ("1982-12-17", "A/RES/37/140", 9008, "YYNYYY"),
    ("1982-12-21", "A/RES/37/140", 9009, "YYNYYY"),
]


def _unvotes_files(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    votes = ["rcid,country,country_code,vote"]
    rolls = ["rcid,session,importantvote,date,unres,amend,para,short,descr"]
    for rcid, unres, day, para, vs in _ROLLS:
        rolls.append(f"{rcid},37.0,0,{day},{unres},0,{para},TOPIC,TEXT")
        votes += [f"{rcid}.0,{name},{iso2},{_CODE[c]}"
                  for (name, iso2), c in zip(_UNVOTES_STATES, vs, strict=True)]
    (folder / "un_votes.csv").write_text("\n".join(votes) + "\n", encoding="utf-8")
    (folder / "un_roll_calls.csv").write_text("\n".join(rolls) + "\n", encoding="utf-8")
    (folder / "un_roll_call_issues.csv").write_text("rcid,short_name,issue\n",
                                                    encoding="utf-8")
    return folder / "un_votes.csv"


@pytest.fixture()
def fixture_store(tmp_path: Path) -> Store:
    st = open_store(":memory:")
    U.ingest_file(st, _unvotes_files(tmp_path / "unvotes"))
    rows = [(GA, day, "T", sym, rec, list(vs)) for day, sym, rec, vs in _SCRAPE]
    S.ingest_undl_scrape(st, [write(tmp_path, scrape_csv(rows))])
    yield st
    st.close()


def _expected_roll_calls() -> list[str]:
    """Independent: one roll call per (symbol, every state's vote) over both sources."""
    seen = {(re.sub(r"^(R|A/RES)/", "", unres), vs) for _, unres, _, _, vs in _ROLLS}
    seen |= {(re.sub(r"^(R|A/RES)/", "", sym), vs) for _, sym, _, vs in _SCRAPE}
    return sorted(vs for _, vs in seen)


def test_fixture_links_despite_dates_and_keeps_distinct_votes_apart(
        fixture_store: Store) -> None:
    st = fixture_store
    assert list(STATES)[2] == "UNITED STATES" and list(STATES)[5] == "UNITED KINGDOM"
    V.merged(st)
    rc = st.con.execute(f"SELECT vote_id, source, symbol FROM {V.MERGED_ROLLCALLS} "
                        "ORDER BY vote_id").df()
    expected = _expected_roll_calls()
    # 8 unvotes roll calls + section J + the revote of 37/60 = 10
    assert len(rc) == len(expected) == 10
    added = sorted(rc.loc[rc["source"] == "undl-scrape", "symbol"])
    assert added == ["A/RES/37/120J", "A/RES/37/60"]
    link = dict(st.con.execute("SELECT undl_id, vote_id FROM _bilat_link").fetchall())
    # each section with its own letter; the adoption of 37/50, not its paragraph vote
    assert (link[9002], link[9003], link[9005]) == (102, 103, 105)
    # Voeten's para flag and date (a fortnight early) do not keep 37/102 apart; the
    # year-only record and the record published twice join their roll calls
    assert (link[9001], link[9007], link[9008], link[9009]) == (101, 107, 108, 108)
    assert 9004 not in link and 9006 not in link
    # USA–GBR: n and kappa over the independent list of roll calls
    df = V.affinity(st, "USA", "GBR", years="1982")
    num = {"Y": 1.0, "A": 0.5, "N": 0.0}
    x = np.array([num[vs[2]] for vs in expected])
    y = np.array([num[vs[5]] for vs in expected])
    row = df.iloc[0]
    assert row["n"] == len(expected) and len(row["vote_ids"]) == len(set(row["vote_ids"]))
    assert row["kappa"] == pytest.approx(_kappa(x, y))


def test_fixture_revote_with_same_tally_needs_same_state_votes(tmp_path: Path) -> None:
    """The state-vote condition is what keeps the 37/60 revote apart: with the same votes it
    is the same roll call (linked), with four states changed it is not."""
    same = [(GA, "1982-12-20", "T", "A/RES/37/60", 9006, list("YNYYNA"))]
    st = open_store(":memory:")
    try:
        U.ingest_file(st, _unvotes_files(tmp_path / "u"))
        S.ingest_undl_scrape(st, [write(tmp_path, scrape_csv(same))])
        V.merged(st)
        assert st.con.execute("SELECT vote_id FROM _bilat_link WHERE undl_id = 9006"
                              ).fetchall() == [(106,)]
    finally:
        st.close()
