"""Affinity indices against hand-computed values, edge cases, and the real 1946–2020 record."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.indicators import votes as V
from bilat.sources.unvotes import ingest_file
from bilat.store import Store

# Voeten layout: vote 1 yes, 2 abstain, 3 no, 8 absent, 9 non-member; COW 2 USA, 365 RUS,
# 710 CHN. One tuple per roll call: rcid, year, session, important, issue, RUS, CHN, USA.
TOY = [
    # 2000: the main hand-computed table
    (1, 2000, 55, 0, "hr", 1, 1, 3),
    (2, 2000, 55, 0, "", 1, 2, 3),
    (3, 2000, 55, 0, "hr", 3, 3, 1),
    (4, 2000, 55, 1, "", 2, 3, 1),
    (5, 2000, 55, 0, "me", 1, 3, 3),
    (6, 2000, 55, 0, "", 8, 1, 3),
    # 2001: identical votes, all yes → kappa and pi undefined
    (7, 2001, 56, 0, "", 1, 1, 1),
    (8, 2001, 56, 0, "", 1, 1, 1),
    (9, 2001, 56, 0, "", 1, 1, 1),
    # 2002: China not a member → no common votes
    (10, 2002, 57, 0, "", 1, 9, 1),
    (11, 2002, 57, 0, "", 3, 9, 1),
    # 2003: abstentions only on Russia's side → agree_yn undefined
    (12, 2003, 58, 0, "", 2, 2, 1),
    (13, 2003, 58, 0, "", 2, 1, 1),
]
COW = {"RUS": 365, "CHN": 710, "USA": 2}


@pytest.fixture()
def toy(store: Store, tmp_path: Path) -> Store:
    """An in-memory store holding the TOY roll calls (ingested through the Voeten reader)."""
    cols = "rcid,ccode,vote,Country,year,session,importantvote,date,unres,short,me,nu,di,hr,co,ec"
    lines = [cols]
    for rcid, year, session, imp, issue, *votes in TOY:
        flags = ",".join("1" if issue == k else "0" for k in ("me", "nu", "di", "hr", "co", "ec"))
        for (iso, cow), vote in zip(COW.items(), votes, strict=True):
            lines.append(f"{rcid},{cow},{vote},{iso},{year},{session},{imp},{year}-10-{rcid:02d},"
                         f"R/{session}/{rcid},TOPIC {rcid},{flags}")
    path = tmp_path / "UNVotes.csv"
    path.write_text("\n".join(lines) + "\n")
    ingest_file(store, path)
    return store


def _row(df: pd.DataFrame, period: object, dyad: str = "RUS–CHN") -> pd.Series:
    hit = df[(df["dyad"] == dyad) & (df["period"] == period)]
    assert len(hit) == 1, f"no single row for {dyad} {period}"
    return hit.iloc[0]


def test_hand_computed_2000(toy: Store) -> None:
    r = _row(V.affinity(toy, "RUS", "CHN"), 2000)
    # common recorded votes: roll calls 1–5 (Russia absent on 6)
    #  1 Y/Y same, 2 Y/A partial, 3 N/N same, 4 A/N partial, 5 Y/N opposite
    assert (r.n, r.same, r.partial, r.opposite, r.both_abstain) == (5, 2, 2, 1, 0)
    assert r.vote_ids == [1, 2, 3, 4, 5]
    # agreement, abstention as half: 1 − (2·½ + 1·1)/5 = 0.6 (= State Dept coincidence)
    assert r.agree == pytest.approx(0.6)
    # the State Department's coincidence equals it by construction: "all" shows it once
    assert "coincidence" not in r.index
    c = _row(V.affinity(toy, "RUS", "CHN", method="coincidence"), 2000)
    assert c.coincidence == pytest.approx(0.6) and c.coincidence_yn == pytest.approx(2 / 3)
    assert r.agree_exact == pytest.approx(2 / 5)
    # abstentions excluded: both voted yes/no on 1, 3, 5; identical on 1 and 3 → 2/3
    assert r.agree_yn == pytest.approx(2 / 3)
    # S (absolute): d = 0, ½, 0, ½, 1 → mean 0.4 → 1 − 2·0.4 = 0.2
    assert r.s == pytest.approx(0.2)
    # S (squared): d² = 0, ¼, 0, ¼, 1 → 1.5/5 = 0.3 → 1 − 2·0.3 = 0.4
    assert r.s2 == pytest.approx(0.4)
    # Cohen: Russia (no, abstain, yes) = (.2, .2, .6), China = (.6, .2, .2)
    # p_o = .4; p_e = .2·.6 + .2·.2 + .6·.2 = .28 → (.4 − .28)/(1 − .28) = 1/6
    assert r.kappa == pytest.approx(0.12 / 0.72)
    # Scott: pooled (.4, .2, .4) → p_e = .16 + .04 + .16 = .36 → (.4 − .36)/.64 = .0625
    assert r.pi == pytest.approx(0.0625)
    # Häge chance-corrected S: D_o = .4; D_e(kappa) = ½(.2·.2 + .2·.6 + .2·.2 + .6·.2)
    #   + (.2·.2 + .6·.6) = .16 + .40 = .56 → 1 − .4/.56
    assert r.kappa_w == pytest.approx(1 - 0.4 / 0.56)
    # D_e(pi) with (.4, .2, .4): ½·4·(.4·.2) + 2·(.4·.4) = .16 + .32 = .48 → 1 − .4/.48
    assert r.pi_w == pytest.approx(1 - 0.4 / 0.48)
    # marginals shown in the order asked
    assert (r.a_yes, r.a_abstain, r.a_no, r.b_yes, r.b_abstain, r.b_no) == (3, 1, 1, 1, 1, 3)
    # every index is defined; the fixture lists recorded votes only, so the share adopted
    # without a vote is unknown (NaN, said in the note), never 0
    assert r.n_rollcalls == 6 and "undefined" not in r.note
    assert pd.isna(r.share_without_vote) and "share_without_vote unknown" in r.note


def test_swapped_order_gives_same_indices(toy: Store) -> None:
    a = _row(V.affinity(toy, "RUS", "CHN"), 2000)
    b = _row(V.affinity(toy, "CHN", "RUS"), 2000, "CHN–RUS")
    for k in V.METHODS["all"]:
        assert a[k] == pytest.approx(b[k])
    assert (b.a_yes, b.b_yes) == (a.b_yes, a.a_yes)


def test_all_identical_votes_kappa_undefined(toy: Store) -> None:
    r = _row(V.affinity(toy, "RUS", "CHN"), 2001)
    assert (r.n, r.same) == (3, 3) and r.agree == 1.0 and r.s == 1.0
    # p_e = 1·1 = 1: (p_o − p_e)/(1 − p_e) = 0/0
    assert math.isnan(r.kappa) and math.isnan(r.pi) and math.isnan(r.kappa_w)
    assert "kappa/pi undefined: both voted yes on all 3" in r.note


def test_no_common_votes(toy: Store) -> None:
    r = _row(V.affinity(toy, "RUS", "CHN"), 2002)
    assert r.n == 0 and r.vote_ids == [] and r.n_rollcalls == 2
    assert all(math.isnan(r[k]) for k in V.METHODS["all"])
    assert r.note.startswith("no common recorded votes")


def test_abstention_conventions(toy: Store) -> None:
    r = _row(V.affinity(toy, "RUS", "CHN"), 2003)
    # 12: A/A (same, joint abstention), 13: A/Y (partial)
    assert (r.n, r.same, r.both_abstain, r.partial) == (2, 1, 1, 1)
    assert r.agree == pytest.approx(1 - 0.5 / 2)  # half credit for the partial vote
    assert r.agree_exact == pytest.approx(0.5)
    assert math.isnan(r.agree_yn)  # abstentions excluded: nothing left
    assert "agree_yn undefined" in r.note
    # Russia (0, 1, 0), China (0, .5, .5): p_e = .5, p_o = .5 → kappa 0
    assert r.kappa == pytest.approx(0.0)
    # pooled (0, .75, .25): p_e = .625 → (.5 − .625)/.375
    assert r.pi == pytest.approx(-1 / 3)


def test_by_issue_and_session_and_years(toy: Store) -> None:
    df = V.affinity(toy, "RUS", "CHN", by="issue", years="2000")
    hr, me, none = _row(df, "hr"), _row(df, "me"), _row(df, "none")
    assert (hr.n, hr.same, hr.kappa) == (2, 2, pytest.approx(1.0))  # Y/Y and N/N: p_e = .5
    assert (me.n, me.opposite, me.kappa) == (1, 1, pytest.approx(0.0))
    assert none.n == 2 and none.vote_ids == [2, 4]
    hr_only = V.affinity(toy, "RUS", "CHN", issue="hr")
    assert list(hr_only["period"]) == [2000] and hr_only["n"].iloc[0] == 2
    s = V.affinity(toy, "RUS", "CHN", by="session", years=(2000, 2001))
    assert list(s["period"]) == ["55", "56"]  # sessions are text (ES-10 stays ES-10)
    whole = V.affinity(toy, "RUS", "CHN", by="period", years="2000-2003")
    assert whole["period"].iloc[0] == "2000-2003" and whole["n"].iloc[0] == 5 + 3 + 0 + 2


def test_reference_dyads_side_by_side_and_chart(toy: Store, tmp_path: Path) -> None:
    df = V.affinity(toy, "RUS", "CHN", ref=["USA"], years="2000", method="s")
    assert list(df["dyad"]) == ["RUS–CHN", "RUS–USA", "CHN–USA"]
    # RUS–USA 2000: 1 Y/N, 2 Y/N, 3 N/Y, 4 A/Y, 5 Y/N → Σd = 4.5 over 5 → S = 1 − 2·0.9
    assert _row(df, 2000, "RUS–USA").s == pytest.approx(-0.8)
    # CHN–USA 2000: 6 votes, 4 opposite, 1 partial, 1 same → S = 1 − 2·4.5/6 = −0.5
    assert _row(df, 2000, "CHN–USA").s == pytest.approx(-0.5)
    wide = V.side_by_side(df, "s")
    assert list(wide.columns) == ["period", "RUS–CHN", "RUS–USA", "CHN–USA"]
    from bilat.report.charts import save_chart

    html = save_chart(V.affinity_chart(df, "s"), tmp_path / "c.html").read_text(encoding="utf-8")
    assert "vegaEmbed" in html and ("RUS–USA" in html or "RUS\\u2013USA" in html)


def test_votes_behind_a_figure(toy: Store) -> None:
    v = V.affinity_votes(toy, "RUS", "CHN", years="2000")
    assert list(v["vote_id"]) == [1, 2, 3, 4, 5, 6]
    assert list(v["counted"]) == [True] * 5 + [False]  # Russia absent on 6
    assert v.loc[v["vote_id"] == 5, ["vote_a", "vote_b"]].values.tolist() == [["yes", "no"]]


def test_divergent_salience_order(toy: Store) -> None:
    d = V.divergent(toy, "RUS", "CHN", years="2000", limit=None)
    # pair's agreement in 2000 by issue area: uncoded (2 Y/A, 4 A/N) 1 − (½ + ½)/2 = ½;
    # me (5 Y/N) 0; hr (1 Y/Y, 3 N/N) 1
    # 4: important, A vs N (½), tally 1–1–1, uncoded → 2 + ½ + 1 + ½ = 4
    # 2: Y vs A (½), tally 1–1–1, uncoded → 0 + ½ + 1 + ½ = 2
    # 5: Y vs N (1), tally 1–2–0 → contest 1 − 1/3; me → 0 + 1 + ⅔ + 0
    assert list(d["vote_id"]) == [4, 2, 5]
    assert d["salience"].tolist() == pytest.approx([4.0, 2.0, 1 + 2 / 3])
    assert d["issue_agree"].tolist() == pytest.approx([0.5, 0.5, 0.0])
    top = d.iloc[0]
    assert (top.vote_a, top.vote_b, top.tally, top.symbol) == ("abstain", "no", "1–1–1",
                                                               "A/RES/55/4")
    assert top.tally_source == "stored votes"
    assert len(V.divergent(toy, "RUS", "CHN", years="2000", limit=2)) == 2


def test_dyads_matrix_and_nearest(toy: Store) -> None:
    d = V.dyads(toy, years="2000")
    assert set(zip(d["a"], d["b"], strict=True)) == {("CHN", "RUS"), ("CHN", "USA"),
                                                     ("RUS", "USA")}
    assert d.loc[(d["a"] == "CHN") & (d["b"] == "RUS"), "s"].iloc[0] == pytest.approx(0.2)
    m = V.matrix(toy, years="2000", method="s")
    assert m.loc["RUS", "CHN"] == m.loc["CHN", "RUS"] == pytest.approx(0.2)
    assert m.loc["USA", "USA"] == 1.0
    near = V.nearest(toy, "RUS", years="2000", min_votes=1)
    assert list(near["b"]) == ["CHN", "USA"] and list(near["rank"]) == [1, 2]
    few = V.nearest(toy, "RUS", years="2000", min_votes=6)
    assert few["rank"].isna().all()


def test_coincidence_method(toy: Store) -> None:
    c = V.coincidence(toy, "USA", 2000, important_only=False).set_index("iso3")
    # CHN vs USA 2000: same 1 (5), opposite 4, partial 1 → (1 + ½)/6 = .25; yes/no: 1/(1 + 4)
    assert (c.loc["CHN", "same"], c.loc["CHN", "opposite"], c.loc["CHN", "partial"]) == (1, 4, 1)
    assert c.loc["CHN", "coincidence"] == pytest.approx(0.25)
    assert c.loc["CHN", "coincidence_yn"] == pytest.approx(0.2)
    # Russia absent on 6 (a member that year): an absence, excluded from the ratio
    assert c.loc["RUS", "absent"] == 1 and c.loc["RUS", "coincidence"] == pytest.approx(0.1)
    imp = V.coincidence(toy, "USA", 2000).set_index("iso3")  # before 2018: important only
    assert imp.loc["RUS", "n"] == 1 and imp.loc["RUS", "partial"] == 1


def test_option_errors(toy: Store) -> None:
    for kwargs, code in [({"issue": "zz"}, "E211"), ({"years": "20x0"}, "E212"),
                         ({"years": "2005-2001"}, "E224"), ({"method": "tau"}, "E213"),
                         ({"by": "month"}, "E012")]:
        with pytest.raises(BilatError) as e:
            V.affinity(toy, "RUS", "CHN", **kwargs)
        assert e.value.code == code
    with pytest.raises(BilatError, match="E008"):
        V.affinity(toy, "RUS", "Narnia")


def test_empty_store_says_how_to_load(store: Store) -> None:
    with pytest.raises(BilatError) as e:
        V.affinity(store, "RUS", "CHN")
    assert e.value.code in ("E009", "E210") and "bilat fetch unvotes" in str(e.value)


# ----------------------------------------------------------------------------- real data
def test_real_ukraine_2014_and_rus_chn_over_time(real_votes: Store) -> None:
    v = V.affinity_votes(real_votes, "RUS", "CHN", years="2014")
    row = v[v["symbol"] == "A/RES/68/262"].iloc[0]
    assert (row.vote_a, row.vote_b, str(row.date)[:10]) == ("no", "abstain", "2014-03-27")
    d = V.divergent(real_votes, "RUS", "CHN", years="2014", limit=None)
    hit = d[d["symbol"] == "A/RES/68/262"].iloc[0]
    assert hit.tally == "100–11–58" and hit.distance == 0.5
    df = V.affinity(real_votes, "RUS", "CHN", years="1992-2019", method="all")
    assert len(df) == 28 and (df["n"] > 40).all()
    # RUS–CHN agreement rose from the 1990s to the 2010s; chance correction lowers every figure
    early = df.loc[df["period"] < 2000, "agree"].mean()
    late = df.loc[df["period"] >= 2010, "agree"].mean()
    assert (df["agree"] > 0.6).all() and late > early + 0.1
    assert (df["kappa"] < df["agree"]).all()
    assert df.loc[df["period"] == 2014, "n"].iloc[0] == 76
    ids = df.loc[df["period"] == 2014, "vote_ids"].iloc[0]
    assert len(ids) == 76 and 5309 in ids  # rcid 5309 = A/RES/68/262


def test_real_pair_matches_full_dyads_query(real_votes: Store) -> None:
    one = V.affinity(real_votes, "CHN", "RUS", years="1990-1995")
    allp = V.dyads(real_votes, years="1990-1995")
    allp = allp[(allp["a"] == "CHN") & (allp["b"] == "RUS")]
    np.testing.assert_allclose(one["s"].to_numpy(), allp["s"].to_numpy())
    assert one["n"].tolist() == allp["n"].tolist()


def test_statedept_reproduction_2018_2019(real_votes: Store, shared_data: Path) -> None:
    folder = shared_data / "unga" / "state-dept-coincidence"
    for year, ours_n, table_n in [(2018, 95, 110), (2019, 90, 100)]:
        cmp = V.coincidence(real_votes, "USA", year, compare=folder)
        s = V.summarise_comparison(cmp)
        # the data lacks the calendar year's January–September votes
        assert (s.bilat_rollcalls, s.table_rollcalls) == (ours_n, table_n)
        both = cmp[cmp["in"] == "both"]
        assert len(both) >= 191 and not s.only_table
        # agreed tolerance, every state: within 0.05 of the published ratio, or (where the
        # published ratio does not follow from the published counts) of the ratio they give
        close = (both["ratio_diff"].abs() <= 0.05) | (both["ratio_diff_counts"].abs() <= 0.05)
        assert close.all()
        off = both["ratio_diff"].abs() > 0.05
        assert both.loc[off, "explanation"].str.contains("does not follow").all()
        assert off.sum() <= 2 and s.mean_abs_ratio_diff < 0.02
        # fewer votes can only give fewer counts, unless the row is explained
        more = (both[["d_same", "d_opposite", "d_partial"]] > 0).any(axis=1)
        assert (both.loc[more, "explanation"].str.contains("code this state's vote differently")
                | both.loc[more, "explanation"].str.contains("misprinted")).all()
    c18 = V.coincidence(real_votes, "USA", 2018).set_index("iso3")
    # China 2018 in the table: 11 same, 76 opposite, 21 partial; here 11, 64, 18 of 95 votes
    assert (c18.loc["CHN", "same"], c18.loc["CHN", "opposite"], c18.loc["CHN", "partial"]) == \
        (11, 64, 18)


def test_print_comparison(real_votes: Store, shared_data: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    folder = shared_data / "unga" / "state-dept-coincidence"
    out = V.print_coincidence_comparison(real_votes, folder, years=[2019])
    text = capsys.readouterr().out
    assert "=== coincidence with USA, 2019 ===" in text and "DMA" in text
    assert out[0].year == 2019


def test_share_adopted_without_vote_from_undl(store: Store, tmp_path: Path) -> None:
    # UNDL SC layout; two resolutions of one year, one adopted without a vote (its members are
    # recorded "Y" as the export does for such adoptions)
    head = ("undl_id,ms_code,ms_name,permanent_member,ms_vote,date,resolution,draft,meeting,"
            "description,agenda,subjects,vote_note,modality,total_yes,total_no,"
            "total_abstentions,total_non_voting,total_ms,undl_link")
    rows = [head]
    for uid, res, modality, (r, c) in [(1, "S/RES/1 (2020)", "Voting", ("N", "A")),
                                       (2, "S/RES/2 (2020)", "Without vote", ("Y", "Y"))]:
        for code, vote in (("RUS", r), ("CHN", c)):
            rows.append(f"{uid},{code},{code},TRUE,{vote},2020-05-0{uid},{res},,S/PV.1,d,a,s,,"
                        f"{modality},13,1,1,0,15,")
    path = tmp_path / "sc.csv"
    path.write_text("\n".join(rows) + "\n")
    ingest_file(store, path)
    r = V.affinity(store, "RUS", "CHN", body="SC").iloc[0]
    # 1 of the 2 resolutions of 2020 was adopted without a vote: not a vote, left out
    assert r.share_without_vote == pytest.approx(0.5) and r.n_without_vote == 1
    assert (r.n_rollcalls, r.n, r.same, r.partial) == (1, 1, 0, 1)
    d = V.divergent(store, "RUS", "CHN", body="SC")
    assert d["tally"].tolist() == ["13–1–1"] and d["tally_source"].tolist() == ["official"]


def test_same_state_twice_is_a_clear_error(toy: Store) -> None:
    """RUS against RUS (or RUS against "Russia") once crashed with a pandas ValueError."""
    for fn in (V.affinity, V.divergent):
        with pytest.raises(BilatError) as e:
            fn(toy, "RUS", "Russia", years="2000")
        assert e.value.code == "E216"


def test_reference_dyad_equal_to_the_main_one_is_listed_once(toy: Store) -> None:
    """``--ref RUS`` on RUS–CHN adds only CHN–RUS = the main dyad: it was listed twice."""
    df = V.affinity(toy, "RUS", "CHN", ref=["RUS", "CHN-RUS", "USA"], years="2000")
    assert list(df["dyad"]) == ["RUS–CHN", "RUS–USA", "CHN–USA"]


def test_negative_limit_and_compare_with_other_state(toy: Store, tmp_path: Path) -> None:
    """A negative --limit silently dropped the last rows; the State Department tables are
    coincidence with the US, so comparing another state's coincidence with them is refused."""
    with pytest.raises(BilatError) as e:
        V.divergent(toy, "RUS", "CHN", limit=-3)
    assert e.value.code == "E012"
    with pytest.raises(BilatError) as e:
        V.coincidence(toy, "RUS", 2000, compare=tmp_path)
    assert e.value.code == "E012" and "USA" in str(e.value)
