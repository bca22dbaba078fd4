"""QA12 regressions: the report for pairs other than Russia–China.

- 2: the hypotheses are worded for the pair reported on; the Russia–China wording, milestones and
  citations only for Russia–China; the report says plainly when the hypotheses are generic;
  ratings never depend on the wording;
- 4: a yardstick dyad with fewer observations than the pair's own minimum is left out of the
  yardstick mean (every yardstick too thin: the item is thin, not rated);
- 5b/5c: a trend whose split year lies outside the years asked is "not applicable"; derived
  yardsticks come from the years asked; Soviet-republic seats are never yardstick partners;
- 8: a negative kappa is described against each side's own usual affinity, never as rivalry;
- 9: notes are never cut mid-word; every caveat of a source reaches the pillar note;
- 12: a pair with contacts outside the years asked is said to have none dated in them;
- 13: a one-way ATOP pledge and a yardstick with low own affinity are flagged.

The stores are small synthetic ones written here (UN votes 1980–2019 in the unvotes layout, an
ATOP dyad-year table) and the corpus subset of the mirror; every expected value is recomputed in
the test from the rows written, never typed in."""

from __future__ import annotations

import math
import re
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from bilat.assess import report
from bilat.assess.ach import analyse, rate_item
from bilat.assess.evidence import (
    MIN_EVENTS,
    Context,
    PillarResult,
    collect_events,
    nothing_reason,
    split_not_applicable,
    words_upto,
    yardstick_mean,
)
from bilat.assess.report import (
    LOW_YARDSTICK_KAPPA,
    SOVIET_REPUBLIC_SEATS,
    default_yardsticks,
    defence_pledges,
)
from bilat.assess.rules import load_hypotheses, parse_hypotheses
from bilat.errors import BilatError
from bilat.report.report_html import render_report_html
from bilat.sources.unvotes import ensure_schema
from bilat.store import Store, open_store
from tests.assess.synthetic import insert_votes

SHIPPED = tomllib.loads(resources.files("bilat.assess").joinpath("hypotheses.toml")
                        .read_text("utf-8"))
CODES = {"yes": 2, "abstain": 1, "no": 0}
YEARS = range(1980, 2020)
PER_YEAR = 30
OTHERS = ["BRA", "ZAF", "JPN", "EGY", "MEX", "IDN", "NGA", "ARG", "KEN", "THA"]
#: ATOP rows written: (obliged state, partner, first year, last year), directed.
PLEDGES = [("USA", "GBR", 1980, 2018), ("GBR", "USA", 1980, 2018),
           ("USA", "CAN", 1980, 2018), ("CAN", "USA", 1980, 2018),
           ("CHN", "PRK", 1980, 2018), ("PRK", "CHN", 1980, 2018),
           ("USA", "PAK", 1980, 2018)]  # one way: the US pledges, Pakistan does not


# ----------------------------------------------------------------------------- the store
def _votes_table() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Roll calls and votes: BLR and UKR copy the USSR seat before 1992; the USA votes apart
    from most members; PAK follows CHN, PRK follows CHN; GBR and CAN follow the USA."""
    rng = np.random.default_rng(12)
    opts = np.array(["yes", "abstain", "no"])

    def draw(p_yes: float) -> str:
        rest = (1 - p_yes) / 2
        return str(rng.choice(opts, p=[p_yes, rest, rest]))

    def copy(src: str, p: float, p_yes: float = 0.75) -> str:
        return src if rng.random() < p else draw(p_yes)

    rc, votes = [], []
    vid = 0
    for year in YEARS:
        for _ in range(PER_YEAR):
            vid += 1
            rc.append({"vote_id": vid, "year": year, "title": f"Resolution {vid}", "descr": ""})
            rus = draw(0.75)
            chn = copy(rus, 0.6)
            usa = "no" if rng.random() < 0.6 else draw(0.3)
            row = {
                "RUS": rus, "CHN": chn, "USA": usa,
                "BLR": rus if year < 1992 else copy(rus, 0.5),
                "UKR": rus if year < 1992 else copy(rus, 0.3),
                "PRK": copy(chn, 0.85), "PAK": copy(chn, 0.8),
                "GBR": copy(usa, 0.85, 0.3), "CAN": copy(usa, 0.8, 0.3),
                "FRA": draw(0.7),
                # India votes yes where the US votes no: apart more often than chance
                "IND": "yes" if usa == "no" and rng.random() < 0.9 else draw(0.6),
            }
            row["DEU"] = copy(row["FRA"], 0.8)
            for o in OTHERS:
                row[o] = draw(0.75)
            votes += [(vid, s, v) for s, v in row.items()]
    return pd.DataFrame(rc), pd.DataFrame(votes, columns=["vote_id", "iso3", "vote"])


def _build(path: str) -> Store:
    st = open_store(path)
    ensure_schema(st)
    rdf, vdf = _votes_table()
    insert_votes(st, rdf, vdf, "A/RES/QA12/")
    atop = pd.DataFrame([(a, b, y, 1) for a, b, lo, hi in PLEDGES for y in range(lo, hi + 1)],
                        columns=["iso3_1", "iso3_2", "year", "defense"])
    st.con.register("_a", atop)
    st.con.execute("CREATE TABLE atop_dyad_year AS SELECT * FROM _a")
    st.con.unregister("_a")
    return st


@pytest.fixture(scope="module")
def store(tmp_path_factory):  # type: ignore[no-untyped-def]
    st = _build(str(tmp_path_factory.mktemp("qa12") / "s.duckdb"))
    yield st
    st.close()


@pytest.fixture(scope="module")
def raw() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _votes_table()


@pytest.fixture(scope="module")
def reps(store):  # type: ignore[no-untyped-def]
    """The votes-pillar reports the tests read (made once)."""
    return {
        "FRA–DEU": report(store, "FRA", "DEU", pillars=["votes"]),
        "RUS–CHN": report(store, "RUS", "CHN", pillars=["votes"]),
        "USA–IND": report(store, "USA", "IND", pillars=["votes"]),
        "USA–RUS 1980s": report(store, "USA", "RUS", years="1980-1989", pillars=["votes"]),
    }


def _kappa(raw: tuple[pd.DataFrame, pd.DataFrame], x: str, y: str, lo: int, hi: int
           ) -> tuple[float, int]:
    """Cohen's kappa over three categories of the rows written (independent of bilat)."""
    rc, v = raw
    ids = set(rc[(rc["year"] >= lo) & (rc["year"] <= hi)]["vote_id"])
    v = v[v["vote_id"].isin(ids)]
    m = v[v["iso3"] == x].merge(v[v["iso3"] == y], on="vote_id")
    n = len(m)
    po = (m["vote_x"] == m["vote_y"]).mean()
    pe = sum((m["vote_x"] == c).mean() * (m["vote_y"] == c).mean() for c in CODES)
    return float((po - pe) / (1 - pe)), n


# ----------------------------------------------------------------------------- fault 2
def _pair_texts(section: dict) -> list[str]:  # type: ignore[type-arg]
    out = []
    for h in section.get("hypotheses", {}).values():
        for k in ("summary", "source"):
            if k in h:
                out.append(h[k])
        out += list(h.get("milestones", []))
    return out


def test_generic_hypotheses_name_the_pair_and_carry_no_russia_china_wording() -> None:
    hs = load_hypotheses()
    rc = SHIPPED["pairs"]["RUS-CHN"]
    generic_raw = _pair_texts(SHIPPED)  # texts the generic tables share with the pair's
    specific = [t for t in _pair_texts(rc) if t not in generic_raw]
    assert len(specific) >= 6  # the file words Russia–China apart
    for a, b in (("FRA", "DEU"), ("USA", "IND"), ("CHN", "PAK")):
        got = hs.for_pair(a, b)
        assert not got.pair_specific and "generic" in got.scope
        texts = [t for h in got.hypotheses for t in (h.name, h.summary, h.source, *h.milestones)]
        texts += [r.about for r in got.rules] + [p for r in got.rules
                                                 for p in r.predicts.values()]
        for t in texts:
            assert not re.search(r"\{[A-Za-z_]+\}", t), t  # every placeholder filled
            assert t not in specific
            assert "the West" not in t and "Crimea" not in t
            if "CHN" not in (a, b):  # China's core issues are named only for a pair with it
                assert "Taiwan" not in t
        joined = " ".join(texts)
        # the Russia–China context values are not used for another pair
        for v in rc["context"].values():
            assert v not in joined
        from bilat.reference.countries import country_name
        summaries = " ".join(h.summary for h in got.hypotheses)
        assert country_name(a) in summaries and country_name(b) in summaries


def test_the_pair_section_applies_to_its_pair_in_either_order() -> None:
    hs = load_hypotheses()
    rc = SHIPPED["pairs"]["RUS-CHN"]
    for a, b in (("RUS", "CHN"), ("CHN", "RUS")):
        got = hs.for_pair(a, b)
        assert got.pair_specific
        by_id = {h.id: h for h in got.hypotheses}
        for hid, over in rc["hypotheses"].items():
            for k in ("summary", "source"):
                if k in over:
                    assert getattr(by_id[hid], k) == over[k]
            if "milestones" in over:
                assert list(by_id[hid].milestones) == over["milestones"]
        about = " ".join(r.about for r in got.rules)
        assert rc["context"]["split_context"] in about


def test_a_users_pair_section_and_its_errors(tmp_path: Path) -> None:
    data = tomllib.loads(resources.files("bilat.assess").joinpath("hypotheses.toml")
                         .read_text("utf-8"))
    data["pairs"]["DEU-FRA"] = {"note": "own words", "hypotheses": {
        "H2": {"summary": "Bound by {pressure} in {A}–{B}.", "milestones": ["M {b_core}"]}},
        "context": {"pressure": "Brexit"}}
    hs = parse_hypotheses(data, "mine.toml")
    fr = hs.for_pair("FRA", "DEU")
    h2 = {h.id: h for h in fr.hypotheses}["H2"]
    assert fr.pair_specific and h2.summary == "Bound by Brexit in France–Germany."
    assert h2.milestones == ("M none of DEU's mapped",)
    assert {h.id: h for h in hs.for_pair("USA", "IND").hypotheses}["H2"].summary != h2.summary
    for key, bad in (("FRA-FRA", {}), ("FR-DEU", {}), ("USA-IND", {"hypotheses": {"H9": {}}}),
                     ("USA-GBR", {"colour": "x"})):
        d = dict(data)
        d["pairs"] = {key: bad}
        with pytest.raises(BilatError) as exc:
            parse_hypotheses(d, "mine.toml")
        assert exc.value.code == "E601" and f"pairs.{key}" in exc.value.one_line()


def test_report_says_plainly_when_the_hypotheses_are_generic(reps) -> None:  # type: ignore[no-untyped-def]
    generic_raw = _pair_texts(SHIPPED)
    rc_texts = [t for t in _pair_texts(SHIPPED["pairs"]["RUS-CHN"]) if t not in generic_raw]
    rep = reps["FRA–DEU"]
    assert rep.hypotheses_generic and "The hypotheses are generic" in rep.bottom_line
    html = render_report_html(rep)
    assert "Generic hypotheses." in html
    import html as h

    page = h.unescape(html)
    for t in rc_texts:
        assert t not in page
    assert "France" in page and "the West" not in page
    rus = reps["RUS–CHN"]
    assert not rus.hypotheses_generic and "generic" not in rus.bottom_line
    rpage = h.unescape(render_report_html(rus))
    assert "Generic hypotheses." not in rpage
    for t in rc_texts:
        assert t in rpage


def test_wording_never_changes_a_rating(reps) -> None:  # type: ignore[no-untyped-def]
    rep = reps["RUS–CHN"]
    data = dict(SHIPPED)
    data.pop("pairs")
    generic = parse_hypotheses(data, "generic.toml").for_pair("RUS", "CHN")
    own = load_hypotheses().for_pair("RUS", "CHN")
    a, b = analyse(generic, rep.evidence), analyse(own, rep.evidence)
    assert [(r.evidence, {h: c.rating for h, c in r.cells.items()}) for r in a.rows] == \
        [(r.evidence, {h: c.rating for h, c in r.cells.items()}) for r in b.rows]
    assert a.scores.posterior == b.scores.posterior


# ----------------------------------------------------------------------------- faults 4, 9
def _events_frame(n_pair: int, ys: dict[str, tuple[int, int, int]]) -> pd.DataFrame:
    """Year rows of a source: the pair FRA–DEU and yardsticks with (events, verbal, material)."""
    rows = []
    spec = {"FRA–DEU": (n_pair, n_pair // 2, n_pair // 5), **ys}
    for d, (n, verbal, material) in spec.items():
        for i, year in enumerate((2018, 2019)):  # split each count over two years
            def part(x: int, i: int = i) -> int:
                return x // 2 if i == 0 else x - x // 2

            rows.append({"dyad": d, "period": f"{year}-01-01", "events": part(n),
                         "verbal_coop": part(verbal), "material_coop": part(material),
                         "verbal_conflict": 0, "material_conflict": 0,
                         "source": "icews-tkg", "partial": False})
    return pd.DataFrame(rows)


LONG_NOTES = [
    "icews-tkg: a named person counts for a state only as a head of state/government or "
    "foreign minister in office listed in leaders.csv; events of other named persons "
    "(ministers, spokespeople, legislators) carry no state and are not counted, so icews-tkg "
    "counts are lower bounds",
    "gdelt: 5 period(s) that no GDELT file covers hold only late reports that later files "
    "date into them (backdated): 1982, 2006, 2014, 2016..2017; counted where they fall in every "
    "granularity (months add up to years), coverage 0",
    "icews-tkg: no icews-tkg data and no event for 2019..2020 inside the source's span: rows "
    "with empty (NULL) counts, coverage 0",
]


def _collect(monkeypatch, df: pd.DataFrame) -> PillarResult:  # type: ignore[no-untyped-def]
    from bilat.indicators import events

    def fake(*_a, **_k):  # type: ignore[no-untyped-def]
        out = df.copy()
        out.attrs["notes"] = LONG_NOTES
        return out

    monkeypatch.setattr(events, "indicators", fake)
    monkeypatch.setattr(events, "contacts", lambda *a, **k: pd.DataFrame())
    ctx = Context(None, "FRA", "DEU", [("FRA", "GBR"), ("DEU", "DNK")])  # type: ignore[arg-type]
    return collect_events(ctx)


def test_a_thin_yardstick_is_left_out_of_the_yardstick_mean(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    df = _events_frame(400, {"FRA–GBR": (300, 150, 30), "DEU–DNK": (42, 20, 3)})
    res = _collect(monkeypatch, df)
    mv = next(e for e in res.evidence if e.kind == "events.material_verbal")
    tot = df.groupby("dyad")[["events", "verbal_coop", "material_coop"]].sum()
    ratio = {d: tot.loc[d, "material_coop"] / tot.loc[d, "verbal_coop"] for d in tot.index}
    assert math.isclose(mv.measures["ratio_to_yardstick"], ratio["FRA–DEU"] / ratio["FRA–GBR"])
    assert mv.coverage["yardsticks_left_out"] == {"DEU–DNK": tot.loc["DEU–DNK", "events"]}
    assert f"fewer than {MIN_EVENTS}" in mv.coverage["note"] and not mv.coverage["thin"]
    assert f"DEU–DNK (n = {tot.loc['DEU–DNK', 'events']})" in mv.coverage["note"]
    # DNK has no person in leaders.csv: its counts in the quadruple sets are lower bounds
    from bilat.reference.leaders import load_leaders

    assert "DNK" not in set(load_leaders()["iso3"])
    assert "lower bounds: DNK" in mv.coverage["note"]


def test_every_yardstick_thin_means_the_item_is_not_rated(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    df = _events_frame(400, {"FRA–GBR": (MIN_EVENTS - 1, 20, 5), "DEU–DNK": (42, 20, 3)})
    res = _collect(monkeypatch, df)
    hs = load_hypotheses().for_pair("FRA", "DEU")
    for e in res.evidence:
        if e.kind in ("events.material_verbal", "events.cooperation_share"):
            assert e.coverage["thin"] and "every yardstick is too thin" in e.coverage["thin_reason"]
            ratings, _ = rate_item(hs, e)
            assert {r.rating for r in ratings.values()} == {"N"}


def test_every_caveat_of_the_events_notes_reaches_the_pillar_note(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    res = _collect(monkeypatch, _events_frame(400, {"FRA–GBR": (300, 150, 30),
                                                    "DEU–DNK": (300, 150, 30)}))
    assert sum(map(len, LONG_NOTES)) > 600
    for n in LONG_NOTES:
        assert n in res.note
    assert "lower bounds" in res.note


@settings(max_examples=40, deadline=None)
@given(hst.lists(hst.text(alphabet="abcdefgh", min_size=1, max_size=12), min_size=1,
                 max_size=60), hst.integers(min_value=5, max_value=200))
def test_words_upto_never_cuts_a_word(words: list[str], limit: int) -> None:
    text = " ".join(words)
    got = words_upto(text, limit)
    if len(text) <= limit or " " not in text:
        assert got == text  # a single word is never cut
    else:
        kept = got.removesuffix(" …")
        assert got.endswith(" …") and text.startswith(kept)
        assert len(kept) < len(text) and text[len(kept)] in " ,;:"  # ends where a word ends
        assert len(kept) <= limit or " " not in kept  # only a first word may pass the limit


def test_yardstick_mean_keeps_only_yardsticks_with_enough_observations() -> None:
    ctx = Context(None, "A1", "B1", [("A1", "C1"), ("B1", "D1"), ("A1", "E1")])  # type: ignore[arg-type]
    values = {"A1–C1": 0.5, "B1–D1": 0.9, "A1–E1": None}
    mean, cov = yardstick_mean(ctx, values, {"A1–C1": 120, "B1–D1": 99, "A1–E1": 500}, 100,
                               "votes")
    assert mean == 0.5 and set(cov["yardsticks_left_out"]) == {"B1–D1"}
    assert not cov.get("thin")
    mean, cov = yardstick_mean(ctx, values, {"A1–C1": 3, "B1–D1": 4, "A1–E1": 500}, 100, "votes")
    assert mean is None and cov["thin"]


# ----------------------------------------------------------------------------- faults 5b, 5c, 13
def _periods_years(period: str) -> list[int]:
    return [int(y) for y in re.findall(r"\d{4}", period)]


def test_a_trend_whose_split_year_is_outside_the_years_asked_is_not_applicable(reps) -> None:  # type: ignore[no-untyped-def]
    rep = reps["USA–RUS 1980s"]
    assert "votes.trend" not in {e.id for e in rep.evidence}
    assert "not applicable" in rep.pillar("votes").note
    for e in rep.evidence:  # every figure lies inside the years asked, with no split trend
        assert all(1980 <= y <= 1989 for y in _periods_years(e.period)), e.period
        assert e.trend is None or e.kind.endswith("contacts_trend")
    t = reps["USA–IND"].evidence_by_id("votes.trend")  # default years: 1992 to the last held
    assert all(1992 <= y <= 2019 for y in _periods_years(t.period))
    for lo, hi in ((1980, 1989), (2015, 2019), (2014, 2019), (2010, 2013)):
        ctx = Context(None, "A", "B", [], (lo, hi))  # type: ignore[arg-type]
        assert bool(split_not_applicable(ctx, lo, hi, "x")) == (not lo < 2014 <= hi)


def test_derived_yardsticks_come_from_the_years_asked_without_soviet_seats(
        store, raw) -> None:  # type: ignore[no-untyped-def]
    refs, note = default_yardsticks(store, "USA", "RUS", (1980, 1989))
    partners = {y for _, y in refs}
    assert not partners & SOVIET_REPUBLIC_SEATS
    # BLR really is RUS's closest voter in those years: the exclusion is what keeps it out
    k_blr, _ = _kappa(raw, "RUS", "BLR", 1980, 1989)
    k_chn, _ = _kappa(raw, "RUS", "CHN", 1980, 1989)
    assert k_blr > 0.95 > k_chn
    assert "1980-1989" in note and "ATOP 1989" in note
    # the seed commentaries' RUS–BLR yardstick is not used for years before 1992 either
    refs_rc, note_rc = default_yardsticks(store, "RUS", "CHN", (1985, 1990))
    assert not {y for _, y in refs_rc} & SOVIET_REPUBLIC_SEATS and "derived" in note_rc
    assert default_yardsticks(store, "RUS", "CHN", (1995, 2010))[0] == [("RUS", "BLR"),
                                                                       ("USA", "GBR")]


@pytest.mark.parametrize("lo,hi", [(1983, 1990), (2001, 2019), (2012, 2016)])
def test_derived_yardsticks_use_only_the_years_asked(store, lo: int, hi: int) -> None:  # type: ignore[no-untyped-def]
    _, note = default_yardsticks(store, "USA", "IND", (lo, hi))
    used = re.search(r"Cohen's kappa, (\d{4})-(\d{4})", note)
    assert used and (int(used.group(1)), int(used.group(2))) == (max(lo, hi - 9), hi)


def test_years_with_too_few_votes_widen_to_the_ten_years_before_their_end(store) -> None:  # type: ignore[no-untyped-def]
    refs, note = default_yardsticks(store, "USA", "RUS", (1995, 1995))  # 30 roll calls only
    assert "Cohen's kappa, 1986-1995" in note and "hold no partner with 100+" in note
    assert not {y for _, y in refs} & SOVIET_REPUBLIC_SEATS  # the window reaches before 1992


def test_a_one_way_pledge_and_a_weak_yardstick_are_flagged(store, raw) -> None:  # type: ignore[no-untyped-def]
    pledges, year = defence_pledges(store, "PAK")
    assert pledges == {"USA": "to x"} and year == max(p[3] for p in PLEDGES)
    assert defence_pledges(store, "USA")[0] == {"GBR": "mutual", "CAN": "mutual", "PAK": "by x"}
    refs, note = default_yardsticks(store, "CHN", "PAK")
    # PAK's only ally votes with it below LOW_YARDSTICK_KAPPA: passed over (named, with its
    # one-way pledge) for PAK's closest voter other than CHN
    k, _ = _kappa(raw, "PAK", "USA", 2010, 2019)
    assert k < LOW_YARDSTICK_KAPPA and ("PAK", "USA") not in refs
    closest = max(((kk, y) for y in sorted(set(raw[1]["iso3"])) if y not in ("PAK", "CHN")
                   for kk, n in [_kappa(raw, "PAK", y, 2010, 2019)] if n >= 100),
                  key=lambda t: t[0])[1]
    assert ("PAK", closest) in refs
    part = note[note.index(f"PAK–{closest}"):]
    assert "one-way" in part and "USA pledges to defend PAK" in part
    assert f"passed over: its own kappa is {k:.2f}" in part
    assert ("below chance" in part) == (k < 0)
    # the mutual ally of a high own kappa is not flagged
    assert "WEAK" not in note[note.index("CHN–PRK"):note.index(f"PAK–{closest}")]


# ----------------------------------------------------------------------------- fault 8
def test_a_negative_kappa_is_described_against_each_sides_usual_affinity(reps, raw) -> None:  # type: ignore[no-untyped-def]
    rep = reps["USA–IND"]
    k = rep.evidence_by_id("votes.chance_corrected")
    assert k.value < 0
    assert "rivalry" not in rep.bottom_line.replace("no evidence of rivalry", "")
    assert "vote apart more often than chance" in rep.bottom_line
    lo, hi = map(int, k.period.split("–"))
    states = sorted({s for s in raw[1]["iso3"].unique()})
    for x, other in (("USA", "IND"), ("IND", "USA")):
        ks = [kk for y in states if y not in (x, other)
              for kk, n in [_kappa(raw, x, y, lo, hi)] if n >= 100]
        want = float(np.median(ks))
        got = k.details["usual_affinity"][x]
        assert math.isclose(got["median_kappa"], want, abs_tol=1e-9)
        assert f"{x}'s median kappa with its {len(ks)} other partners is {want:.2f}" in \
            rep.bottom_line
    # each member's own median kappa (all its partners): where each side's median stands
    pair_k = {}
    for i, x in enumerate(states):
        for y in states[i + 1:]:
            kk, n = _kappa(raw, x, y, lo, hi)
            if n >= 100:
                pair_k[(x, y)] = kk
    medians = {x: float(np.median([v for p, v in pair_k.items() if x in p])) for x in states}
    for x in ("USA", "IND"):
        own = k.details["usual_affinity"][x]["median_kappa"]
        pct = 100 * sum(m < own for m in medians.values()) / len(medians)
        assert math.isclose(k.details["usual_affinity"][x]["member_percentile"], pct)
        apart = f"{x} votes apart from most of the membership" in rep.bottom_line or (
            "USA and IND vote apart" in rep.bottom_line)
        assert apart == (pct < 25)


# ----------------------------------------------------------------------------- fault 12
def test_contacts_outside_the_years_asked_are_no_missing_leader(shared_data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bilat.text import contacts as tc
    from tests.text.test_corpus import corpus_store_path

    st = open_store(corpus_store_path(shared_data), read_only=True)
    try:
        n, first, last = st.con.execute(
            "SELECT count(*), min(event_date), max(event_date) FROM corpus_contacts WHERE "
            "state_a = 'CHN' AND state_b = 'RUS' AND counted AND duplicate_of IS NULL"
        ).fetchone()
        assert n > 0
        # a pair without any contact whose side is not in the list keeps the leader reason
        why = nothing_reason(Context(st, "RUS", "NZL", [], None), "contacts")
        assert "no leader of NZL is in the list" in why
        # RUS's leaders left out of the list: the reason must still be the years, since the
        # pair has contacts at other dates
        monkeypatch.setattr(tc, "LEADERS", tuple(x for x in tc.LEADERS if x.state != "RUS"))
        why = nothing_reason(Context(st, "RUS", "CHN", [], (2090, 2095)), "contacts")
        assert f"no contact of RUS–CHN in the corpora dated 2090–2095: its {n} stored" in why
        assert f"{first:%Y-%m-%d} – {last:%Y-%m-%d}" in why
        assert "no leader of" not in why
    finally:
        st.close()
