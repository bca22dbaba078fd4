"""No hard-coded verdict: stores built to favour each hypothesis in turn put it first."""

from __future__ import annotations

import pytest

from bilat.assess import report
from tests.assess.synthetic import build


@pytest.fixture(scope="module")
def reports() -> dict:
    out = {}
    for k in ("H1", "H2", "H3"):
        st = build(k)
        out[k] = report(st, "RUS", "CHN", pillars=["votes", "readouts", "statements"])
        st.close()
    return out


@pytest.mark.parametrize("kind", ["H1", "H2", "H3"])
def test_each_hypothesis_comes_first_on_its_store(reports: dict, kind: str) -> None:
    rep = reports[kind]
    assert rep.ach.scores.ranking[0] == kind
    # Heuer's score agrees: the favoured reading is (jointly) least inconsistent
    inc = rep.ach.scores.inconsistency
    assert inc[kind] == min(inc.values())


def test_the_evidence_differs_as_built(reports: dict) -> None:
    k = {h: reports[h].evidence_by_id("votes.chance_corrected") for h in reports}
    assert k["H1"].measures["ratio_to_yardstick"] > 0.9 > k["H3"].measures["ratio_to_yardstick"]
    t = reports["H2"].evidence_by_id("votes.trend")
    assert t.trend["after"] > t.trend["before"] + 0.2
    assert reports["H1"].evidence_by_id("votes.core_splits").value == 0
    assert reports["H3"].evidence_by_id("votes.core_splits").value == 1
    u = reports["H3"].evidence_by_id("readouts.unconfirmed")
    claim = u.provenance["claims"][0]
    assert "Taiwan" in claim["text"] and claim["side"] == "CHN"
    assert reports["H1"].evidence_by_id("readouts.unconfirmed").value == 0
    # missing pillars are listed, not dropped
    assert reports["H2"].pillar("readouts").status == "missing"
    assert "bilat" in reports["H2"].pillar("readouts").load_command
    # synthetic texts are not verified originals
    assert not u.verified and reports["H3"].unverified_texts


def test_yardsticks_for_another_pair_are_each_sides_closest_partner() -> None:
    from bilat.assess.report import default_yardsticks

    st = build("H2")
    v = st.con.execute("SELECT vote_id, iso3, vote FROM un_votes v JOIN un_rollcalls r "
                       "USING (vote_id) WHERE r.year BETWEEN 2010 AND 2019").df()
    wide = v.pivot(index="vote_id", columns="iso3", values="vote")

    def kappa(x: str, y: str) -> float:
        a, b = wide[x], wide[y]
        po = (a == b).mean()
        pe = sum((a == k).mean() * (b == k).mean() for k in ("yes", "abstain", "no"))
        return (po - pe) / (1 - pe)

    refs, note = default_yardsticks(st, "CHN", "FRA")
    for side, other, (x, partner) in zip(("CHN", "FRA"), ("FRA", "CHN"), refs, strict=True):
        assert x == side
        best = max((s for s in wide.columns if s not in (side, other)),
                   key=lambda s, side=side: kappa(side, s))
        assert partner == best
    assert "derived from the data" in note and "no defence ally" in note
    # with ATOP loaded, a defence ally is preferred to a closer voter (the closest voter may
    # be a rival); the ally chosen is the highest-affinity one among the allies
    st.con.execute("CREATE TABLE atop_dyad_year (ccode1 INTEGER, ccode2 INTEGER, iso3_1 VARCHAR, "
                   "iso3_2 VARCHAR, year INTEGER, defense INTEGER)")
    from bilat.assess.report import LOW_YARDSTICK_KAPPA

    others = sorted((s for s in wide.columns if s not in ("CHN", "FRA")),
                    key=lambda s: -kappa("CHN", s))
    # the farthest voter still at LOW_YARDSTICK_KAPPA or more, made CHN's only defence ally
    fit = [s for s in others if kappa("CHN", s) >= LOW_YARDSTICK_KAPPA]
    ally = fit[-1]
    assert ally != others[0]
    st.con.execute("INSERT INTO atop_dyad_year VALUES (1, 2, ?, 'CHN', 2018, 1), "
                   "(1, 2, 'CHN', ?, 2017, 1)", [ally, others[0]])
    refs, note = default_yardsticks(st, "CHN", "FRA")
    # the pledge written runs one way (ATOP is directed: iso3_1 is obliged to iso3_2)
    assert refs[0] == ("CHN", ally)
    assert f"a one-way ATOP 2018 defence pledge: {ally} pledges to defend CHN" in note
    st.con.execute("INSERT INTO atop_dyad_year VALUES (2, 1, 'CHN', ?, 2018, 1)", [ally])
    refs, note = default_yardsticks(st, "CHN", "FRA")  # both ways now: an ally
    assert refs[0] == ("CHN", ally) and "a defence ally of CHN in ATOP 2018" in note
    # an ally voting with CHN below LOW_YARDSTICK_KAPPA is passed over for the closest voter
    weak = [s for s in others if kappa("CHN", s) < LOW_YARDSTICK_KAPPA]
    assert weak, "the synthetic store must hold a state voting with CHN below the line"
    st.con.execute("DELETE FROM atop_dyad_year")
    st.con.execute("INSERT INTO atop_dyad_year VALUES (1, 2, 'CHN', ?, 2018, 1), "
                   "(2, 1, ?, 'CHN', 2018, 1)", [weak[-1], weak[-1]])
    refs, note = default_yardsticks(st, "CHN", "FRA")
    assert refs[0] == ("CHN", others[0]) and f"{weak[-1]}, a defence ally" in note
    assert "passed over" in note
    st.close()
