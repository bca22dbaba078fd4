"""UN votes to 2024: the merged record (unvotes + UN Digital Library scrape, no roll call
counted twice), chance-corrected tables, ideal points, vetoes, core-issue splits, search,
coverage and text sessions — on the real files and on small fixtures."""

from __future__ import annotations

import atexit
import csv
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.indicators import votes as V
from bilat.sources import idealpoints as I
from bilat.sources import undl_scrape as S
from bilat.sources import unsc_vetoes as W
from bilat.store import Store, open_store
from tests.indicators.conftest import real_votes_store_path
from tests.sources.test_undl_scrape import scrape_csv, write

_BUILT: dict[str, Path] = {}


def full_votes_store_path(shared_data: Path) -> Path:
    """A store with unvotes, the scrape, both ideal-point files and the veto list (built once
    per session from the shared unvotes store)."""
    key = str(shared_data)
    if key not in _BUILT:
        folder = Path(tempfile.mkdtemp(prefix="bilat-votes-full-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "full.duckdb"
        shutil.copy(real_votes_store_path(shared_data), path)
        st = open_store(path)
        try:
            S.fetch_undl_scrape(st, shared_data)
            I.fetch_idealpoints(st, shared_data)
            W.fetch_unsc_vetoes(st, shared_data)
        finally:
            st.close()
        _BUILT[key] = path
    return _BUILT[key]


# ----------------------------------------------------------------------------- merged record
def test_no_roll_call_counted_twice(full: Store) -> None:
    V.merged(full)
    con = full.con
    n_unvotes = con.execute("SELECT count(*) FROM un_rollcalls").fetchall()[0][0]
    by_src = dict(con.execute(f"SELECT source, count(*) FROM {V.MERGED_ROLLCALLS} "
                              "GROUP BY source").fetchall())
    linked = con.execute("SELECT count(DISTINCT undl_id) FROM _bilat_link").fetchall()[0][0]
    n_scrape = con.execute(f"SELECT count(DISTINCT undl_id) FROM {S.TABLE}").fetchall()[0][0]
    parts = con.execute("SELECT count(*) FROM _bilat_scrape_groups WHERE undl_id <> rep OR grp "
                        "IN (SELECT grp FROM _bilat_scrape_groups WHERE undl_id IN (SELECT "
                        "undl_id FROM _bilat_link)) OR undl_id IN (SELECT undl_id FROM "
                        "_bilat_link)").fetchall()[0][0]
    assert by_src["unvotes"] == n_unvotes
    # every scrape record is either a roll call unvotes holds, a part of one vote, or added
    assert by_src["undl-scrape"] == n_scrape - parts and parts >= linked > 4000
    # one row per roll call; one vote per state and roll call
    assert con.execute(f"SELECT count(*) - count(DISTINCT vote_id) FROM "
                       f"{V.MERGED_ROLLCALLS}").fetchall()[0][0] == 0
    assert con.execute(f"SELECT count(*) FROM (SELECT vote_id, iso3 FROM {V.MERGED_VOTES} "
                       "GROUP BY ALL HAVING count(*) > 1)").fetchall()[0][0] == 0
    # A/RES/68/262 is held by both: one roll call, provenance kept
    r = con.execute(f"SELECT source, also_in, link FROM {V.MERGED_ROLLCALLS} "
                    "WHERE symbol = 'A/RES/68/262'").fetchall()
    assert r == [("unvotes", "undl-scrape record 767565", "resolution symbol and tally")]
    # the merge ends in December 2021, GA and SC
    cov = V.coverage(full, "GA")
    assert str(cov.last) == "2021-12-24" and cov.by_source["undl-scrape"] > 100
    assert str(V.coverage(full, "SC").last) == "2021-12-30"


def test_disagreements_between_sources(full: Store) -> None:
    d = V.source_disagreements(full)
    assert len(d) > 0 and set(d["kind"]) <= {"different vote", "only unvotes records a vote",
                                             "only the scrape records a vote"}
    row = d.iloc[0]
    # checked against the two stored tables directly
    u = full.con.execute("SELECT vote FROM un_votes WHERE vote_id = ? AND iso3 = ?",
                         [int(row.vote_id), row.iso3]).fetchall()
    s = full.con.execute(f"SELECT vote FROM {S.TABLE} WHERE undl_id = ? AND iso3 = ?",
                         [int(row.undl_id), row.iso3]).fetchall()
    assert (u[0][0] if u else None) == (row.vote_unvotes if isinstance(row.vote_unvotes, str)
                                        else None)
    assert (s[0][0] if s else None) == (row.vote_scrape if isinstance(row.vote_scrape, str)
                                        else None)
    n = full.con.execute(f"SELECT sum(n_disagree) FROM {V.MERGED_ROLLCALLS}").fetchall()[0][0]
    assert n == len(d)


def test_2020_2021_from_the_scrape_and_coverage_warning(full: Store,
                                                        shared_data: Path) -> None:
    df = V.affinity(full, "RUS", "CHN", years="2019-2023")
    assert list(df["period"]) == [2019, 2020, 2021]
    assert any("end 2021-12-24" in w for w in df.attrs["warnings"])
    # 2021 recomputed from the raw scrape rows with pandas: GA rows where both voted Y/N/A
    raw = pd.read_csv(shared_data / "unga" / "undl-scrape-2021" / S.FILE, compression="zip",
                      encoding="utf-8-sig", dtype=str, keep_default_na=False)
    raw = raw[(raw["Council"] == "General Assembly") & raw["Date"].str.startswith("2021")]
    both = raw[raw["RUSSIAN FEDERATION"].isin(list("YNA")) & raw["CHINA"].isin(list("YNA"))]
    # SOURCES.md: RUS and CHN voted alike on 77.3 % of the 88 GA rows of 2021
    assert len(both) == 88 and (both["RUSSIAN FEDERATION"] == both["CHINA"]).mean() == \
        pytest.approx(0.773, abs=5e-4)
    # A/76/L.14 is there twice (two records, same day, same votes): one roll call
    states = [c for c in raw.columns if c not in S.META]
    once = both.drop_duplicates(["Date", "Resolution", *states])
    x = once["RUSSIAN FEDERATION"].map({"Y": 1, "A": 0.5, "N": 0}).to_numpy()
    y = once["CHINA"].map({"Y": 1, "A": 0.5, "N": 0}).to_numpy()
    r = df[df["period"] == 2021].iloc[0]
    assert r.n == len(once) == 87
    assert r.agree == pytest.approx(1 - np.abs(x - y).mean())
    po = (x == y).mean()
    pe = sum((x == c).mean() * (y == c).mean() for c in (0, 0.5, 1))
    assert r.kappa == pytest.approx((po - pe) / (1 - pe))


def test_chance_corrected_first_and_no_duplicate_columns(full: Store) -> None:
    df = V.affinity(full, "RUS", "CHN", years="1992-2019", by="period", ref=["USA-GBR"])
    idx = [c for c in df.columns if c in V.INDEX_COLS]
    assert idx[:3] == ["kappa", "pi", "s"] and "coincidence" not in df.columns
    rc, ug = df.iloc[0], df.iloc[1]
    # the reversal the issue reports: agreement (either form) ranks RUS–CHN above USA–GBR,
    # kappa below
    assert rc.agree > ug.agree and rc.agree_exact > ug.agree_exact and rc.kappa < ug.kappa
    by_issue = V.affinity(full, "RUS", "CHN", years="2010-2019", by="issue")
    assert "issue" in by_issue.columns
    assert set(by_issue["issue"]) >= {"Human rights", "Palestinian conflict"}
    assert by_issue["issue"].iloc[-1] == V.UNCODED


def test_low_n_and_e210_names_years(full: Store) -> None:
    df = V.affinity(full, "RUS", "CHN", years="2014", issue="nu", min_n=30)
    assert df["low_n"].iloc[0] == (df["n"].iloc[0] < 30)
    with pytest.raises(BilatError) as e:
        V.affinity(full, "RUS", "CHN", years="2023-2024")
    msg = str(e.value)
    # 1964: the 19th session held no recorded vote (the Article 19 crisis)
    assert e.value.code == "E210" and "1946–1963, 1965–2021" in msg and "idealpoints" in msg


# ----------------------------------------------------------------------------- core issues
def test_ukraine_2014_first_among_core_splits(full: Store) -> None:
    d = V.divergent(full, "RUS", "CHN", years="2014", limit=5)
    core = d[d["core"]]
    assert core.iloc[0]["symbol"] == "A/RES/68/262" and d.iloc[0]["symbol"] == "A/RES/68/262"
    top = core.iloc[0]
    assert (top.vote_a, top.vote_b, top.core_of, top.core_kind) == ("no", "abstain", "RUS",
                                                                    "territory")
    assert "CHN did not vote with RUS" in top.reason and "Ukraine" in top.reason
    assert d["core"].tolist() == sorted(d["core"].tolist(), reverse=True)  # core splits first
    rest = d[~d["core"]]
    assert rest["salience"].is_monotonic_decreasing and len(rest) == 5
    # the reverse: where China stood with Russia on its core issues (Syria, Crimea)
    w = V.core_issue_votes(full, "RUS", "CHN", years="2016-2021", stance="with")
    assert len(w) > 5 and (~w["split"]).all() and set(w["core_issue"]) >= {"syria", "ukraine"}
    assert w["reason"].str.contains("CHN voted with RUS").all()


def _fixture_store(tmp_path: Path, rows: list) -> Store:  # type: ignore[type-arg]
    st = open_store(":memory:")
    S.ingest_undl_scrape(st, [write(tmp_path, scrape_csv(rows))])
    return st


GA = "General Assembly"
ROWS = [
    (GA, "2021-12-16", "Situation of human rights in Belarus : resolution / adopted by the "
     "General Assembly", "A/RES/76/901", 11, ["N", "N", "Y", "N", "Y", "Y"]),
    (GA, "2021-12-17", "Situation of human rights in the temporarily occupied Autonomous "
     "Republic of Crimea and the city of Sevastopol, Ukraine", "A/RES/76/179", 12,
     ["N", "N", "Y", "N", "Y", "Y"]),
    (GA, "2022-03-02", "Aggression against Ukraine", "A/RES/ES-11/1", 13,
     ["N", "A", "Y", "N", "Y", "Y"]),
    (GA, "2022-03-24", "Humanitarian consequences of the aggression against Ukraine",
     "A/RES/ES-11/2", 14, ["N", "A", "Y", "A", "Y", "Y"]),
    (GA, "2022-12-15", "Cooperation between the United Nations and the Eurasian Economic "
     "Union", "A/RES/77/901", 15, ["Y", "Y", "N", "Y", "N", "A"]),
]
# columns of scrape_csv: RUS, CHN, USA, BLR, UKR, GBR


def test_state_named_in_title_is_not_a_core_issue_unless_mapped(tmp_path: Path) -> None:
    st = _fixture_store(tmp_path, ROWS)
    try:
        # Belarus is named in a title; it has no entry in the shipped mapping
        d = V.divergent(st, "BLR", "USA", years="2021", limit=None)
        bel = d[d["symbol"] == "A/RES/76/901"].iloc[0]
        assert not bel.core and bel.reason == ""
        assert V.core_issue_votes(st, "BLR", "USA").empty
        # the same split once a user file maps Belarus' core issue
        extra = tmp_path / "mine.toml"
        extra.write_text('[[issue]]\nstate = "BLR"\nid = "belarus-hr"\nlabel = "Human rights '
                         'in Belarus"\nkind = "conduct"\nmatch = ["belarus"]\n',
                         encoding="utf-8")
        d2 = V.divergent(st, "BLR", "USA", years="2021", core_issues=extra, limit=None)
        assert d2.iloc[0]["symbol"] == "A/RES/76/901" and bool(d2.iloc[0]["core"])
        # Russia's mapping: Crimea and ES-11 are Russia's core issue, China abstaining on
        # ES-11/1 is a split, its no on Crimea is standing with Russia
        c = V.core_issue_votes(st, "RUS", "CHN", stance="all")
        assert c[c["split"]]["symbol"].tolist() == ["A/RES/ES-11/2", "A/RES/ES-11/1"]
        assert c[~c["split"]]["symbol"].tolist() == ["A/RES/76/179"]
    finally:
        st.close()


def test_core_issue_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    for text, words in [('[[issue]]\nstate = "RUS"\nid = "x"\n', "missing label, kind, match"),
                        ('[[issue]]\nstate = "ZZZ"\nid = "x"\nlabel = "x"\nkind = "territory"'
                         '\nmatch = ["x"]\n', "unknown state"),
                        ('[[issue]]\nstate = "RUS"\nid = "x"\nlabel = "x"\nkind = "honour"\n'
                         'match = ["x"]\n', "kind 'honour'"),
                        ("[[issue]\nstate=", "not valid TOML")]:
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(BilatError) as e:
            V.load_core_issues(bad)
        assert e.value.code == "E221" and words in str(e.value) and "bad.toml" in str(e.value)
    shipped = V.load_core_issues()
    assert {ci.state for ci in shipped} >= {"RUS", "CHN"}
    ids = {(ci.state, ci.id) for ci in shipped}
    assert {("RUS", "ukraine"), ("RUS", "georgia"), ("RUS", "syria"), ("CHN", "taiwan"),
            ("CHN", "tibet"), ("CHN", "xinjiang"), ("CHN", "hong-kong"),
            ("CHN", "south-china-sea")} <= ids


# ----------------------------------------------------------------------------- ES-11 sessions
def test_es_sessions_stay_text_and_in_time_order(tmp_path: Path) -> None:
    st = _fixture_store(tmp_path, ROWS)
    try:
        df = V.affinity(st, "RUS", "CHN", by="session")
        assert df["period"].tolist() == ["76", "ES-11", "77"]
        es = df[df["period"] == "ES-11"].iloc[0]
        assert (es.n, es.same, es.partial) == (2, 0, 2)
        s = V.search(st, symbol="A/RES/ES-11/1", states=["RUS", "CHN"])
        assert (s.loc[0, "session"], s.loc[0, "RUS"], s.loc[0, "CHN"]) == ("ES-11", "no",
                                                                           "abstain")
    finally:
        st.close()
    # without dates: an emergency special session after the regular session it met in
    keys = sorted(["77", "ES-11", "76", "ES-10", "52", "ES-1", "11", "12", "51"],
                  key=V.session_sort_key)
    assert keys == ["11", "ES-1", "12", "51", "ES-10", "52", "76", "ES-11", "77"]


# ----------------------------------------------------------------------------- search
def test_search_symbol_and_text(full: Store) -> None:
    s = V.search(full, symbol="A/RES/68/262", states=["RUS", "CHN"])
    assert len(s) == 1 and (s.loc[0, "RUS"], s.loc[0, "CHN"]) == ("no", "abstain")
    assert s.loc[0, "tally"] == "100–11–58" and "Ukraine" in s.loc[0, "full_title"]
    # the old symbol form finds the same roll call
    assert V.search(full, symbol="R/68/262")["vote_id"].tolist() == s["vote_id"].tolist()
    t = V.search(full, text="crimea sevastopol", states=["RUS"])
    assert len(t) >= 10 and (t["RUS"] == "no").all()
    long = t["full_title"].str.len().max()
    assert long > 150  # full titles, never cut
    with pytest.raises(BilatError, match="E222"):
        V.search(full)


# ----------------------------------------------------------------------------- ideal points
def test_idealpoint_distance_against_published_points(full: Store, shared_data: Path) -> None:
    df = V.idealpoints(full, "RUS", "CHN", refs=[("RUS", "BLR"), ("USA", "GBR")],
                       years="1946-2024")
    raw = pd.read_csv(shared_data / "unga" / "voeten-2025" / "IdealpointsJuly2025.csv")
    pts = raw.pivot_table(index="year", columns="ccode", values="idealpointfp")
    rc = df[df["dyad"] == "RUS–CHN"].set_index("year")
    want = (pts[365] - pts[710]).abs().dropna()
    assert list(rc.index) == [int(y) for y in want.index] and rc.index.min() == 1971
    assert any("RUS–CHN: both states have estimates only from 1971" in w
               for w in df.attrs["warnings"])
    np.testing.assert_allclose(rc["distance"].to_numpy(), want.to_numpy(), rtol=1e-5)
    assert set(df["dyad"]) == {"RUS–CHN", "RUS–BLR", "USA–GBR"}
    # 2022–2024: published figures only, and labelled so
    assert (rc.loc[2022:2024, "rollcalls_held"] == 0).all()
    assert rc.loc[2024, "basis"].startswith("published estimate only")
    assert rc.loc[2019, "basis"].startswith("published estimate (bilat also")
    # percentile among all dyads of the year, checked by hand for 2024
    y = raw[(raw["year"] == 2024) & raw["idealpointfp"].notna()]["idealpointfp"].to_numpy()
    i, j = np.triu_indices(len(y), 1)
    d = np.abs(y[i] - y[j])
    assert rc.loc[2024, "percentile"] == pytest.approx((d <= rc.loc[2024, "distance"] + 1e-7)
                                                       .mean() * 100, abs=0.05)
    sess = V.idealpoints(full, "RUS", "CHN", years="2020-2024", estimate="session")
    assert sess["session"].tolist() == ["75", "76", "77", "78"]
    assert sess.attrs["warnings"] and "2024" in sess.attrs["warnings"][0]
    with pytest.raises(BilatError, match="E219"):
        V.idealpoints(full, "RUS", "CHN", estimate="wnominate")


def test_idealpoints_missing_says_what_to_load(store: Store) -> None:
    with pytest.raises(BilatError) as e:
        V.idealpoints(store, "RUS", "CHN")
    assert e.value.code == "E218" and "bilat fetch idealpoints" in str(e.value)


# ----------------------------------------------------------------------------- Security Council
def test_vetoes_and_joint_vetoes(full: Store, shared_data: Path) -> None:
    with (shared_data / "unga" / "unsc-vetoes-2022" / W.FILE).open(encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    joint = V.joint_vetoes(full, "RUS", "CHN")
    names = [{r[f"member_veto{i}"] for i in (1, 2, 3)} for r in raw]
    assert len(joint) == sum(1 for m in names if "China" in m and m & {"Russia", "USSR"}) == 14
    per_year = V.vetoes(full, "RUS", "CHN", by="year", years="2011-2024")
    assert int(per_year["joint"].sum()) == 14 - 2  # 2007 and 2008 fall outside
    row = per_year.set_index("year")
    by_year = Counter(int(r["year"]) for r, m in zip(raw, names, strict=True)
                      if "China" in m and m & {"Russia", "USSR"})
    assert row.loc[2019, "joint"] == by_year[2019] == 3
    assert pd.isna(row.loc[2023, "vetoes"])  # past the list: missing, not 0
    assert any("July 2022" in w for w in per_year.attrs["warnings"])
    # SC votes on adopted resolutions, 2020–21 (SOURCES.md: 105 alike of 114; 8 RUS abstained
    # while CHN voted yes, 1 the other way)
    assert int(row.loc[2020:2021, "sc_resolutions"].sum()) == 114
    assert int(row.loc[2020:2021, "sc_same"].sum()) == 105
    assert int(row.loc[2020:2021, "sc_a_abstain_b_yes"].sum()) == 8
    assert int(row.loc[2020:2021, "sc_b_abstain_a_yes"].sum()) == 1


def test_affinity_by_year_with_percentile(full: Store) -> None:
    df = V.affinity_by_year(full, "RUS", "CHN", refs=[("USA", "GBR")], years="2018-2019")
    assert list(df["dyad"].unique()) == ["RUS–CHN", "USA–GBR"]
    allp = V.dyads(full, years="2019", by="year")
    allp = allp[(allp["n"] >= V.LOW_N) & allp["kappa"].notna()]
    r = df[(df["dyad"] == "RUS–CHN") & (df["year"] == 2019)].iloc[0]
    assert r.percentile == pytest.approx((allp["kappa"] <= r.kappa).mean() * 100)
    assert r.n_dyads == len(allp) and 0 < r.percentile < 100


def test_merge_on_fixtures_counts_once_and_reports_disagreement(tmp_path: Path) -> None:
    """Two Voeten roll calls; the scrape holds the first (Russia's vote differs) and a third:
    three roll calls, one disagreement; a later ingest in the same session is picked up."""
    from bilat.sources.unvotes import ingest_file

    voeten = tmp_path / "UNVotes.csv"
    lines = ["rcid,ccode,vote,Country,year,session,importantvote,date,unres,short"]
    # rcid 4: a procedural vote filed under A/RES/76/4's symbol (tally 0–3–0)
    for rcid, res, (r, c, u) in [(1, "R/76/1", (3, 3, 1)), (2, "R/76/2", (1, 1, 1)),
                                 (4, "R/76/4", (3, 3, 3))]:
        for cow, v in ((365, r), (710, c), (2, u)):
            lines.append(f"{rcid},{cow},{v},X,2021,76,0,2021-12-0{rcid},{res},TOPIC")
    voeten.write_text("\n".join(lines) + "\n", encoding="utf-8")
    st = open_store(":memory:")
    try:
        ingest_file(st, voeten)
        rows = [(GA, "2021-12-01", "First", "A/RES/76/1", 21, ["A", "N", "Y", "", "", ""]),
                (GA, "2021-12-03", "Third", "A/RES/76/3", 23, ["Y", "Y", "N", "", "", ""]),
                (GA, "2021-12-04", "Fourth", "A/RES/76/4", 24, ["Y", "Y", "Y", "", "", ""])]
        first = V.affinity(st, "RUS", "CHN", years="2021")
        assert first["n"].iloc[0] == 3
        S.ingest_undl_scrape(st, [write(tmp_path, scrape_csv(rows))])
        df = V.affinity(st, "RUS", "CHN", years="2021")
        # 76/1 once (unvotes' votes: both no), 76/2, the procedural vote, and from the scrape
        # 76/3 and the adoption of 76/4 (its tally 3–0–0 is not the procedural 0–3–0)
        assert df["n"].iloc[0] == 5 and df["same"].iloc[0] == 5
        four = V.search(st, symbol="A/RES/76/4")
        assert sorted(four["source"]) == ["undl-scrape", "voeten"]
        assert sorted(four["tally"]) == ["0–3–0", "3–0–0"]
        d = V.source_disagreements(st)
        assert d[["symbol", "iso3", "vote_unvotes", "vote_scrape", "kind"]].values.tolist() == [
            ["A/RES/76/1", "RUS", "no", "abstain", "different vote"]]
        s = V.search(st, symbol="A/RES/76/1")
        assert (s.loc[0, "source"], s.loc[0, "also_in"], s.loc[0, "n_disagree"]) == (
            "voeten", "undl-scrape record 21", 1)
    finally:
        st.close()
