"""QA regressions (round 10) of the partnership report, on a small synthetic store (votes
2000–2019 in the unvotes layout, 2020–2021 in the UN Digital Library scrape's wide layout):

- a loaded source with nothing for the pair or the years asked is NO DATA with the reason
  (UN membership, China Vitae's Chinese side), never MISSING with a load command;
- UN votes use the merged record's span (to the scrape's last year), and years asked but not
  held are named in a note;
- when the posterior and Heuer's criterion retain different readings, the bottom line says so
  and which one "leads" refers to;
- material items list their row ids in the HTML, under a label that fits the pillar;
- a state whose only defence ally is the partner "has no defence ally other than" it;
- raw agreement is the share of identical votes; Voeten's index is labelled as such.

Every expected value is recomputed here from the rows written, never typed in."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.assess import report
from bilat.assess.ach import Cell, score
from bilat.assess.evidence import Context, clip_note, clipped_years
from bilat.assess.report import bottom_line, default_yardsticks, leading
from bilat.assess.rules import load_hypotheses
from bilat.reference.countries import load_countries
from bilat.report.report_html import render_report_html
from bilat.sources import undl_scrape as S
from tests.assess.synthetic import build

#: Columns of the scrape fixture (upper-case UN names, as the upstream file writes them).
SCRAPE_STATES = {"RUSSIAN FEDERATION": "RUS", "CHINA": "CHN", "UNITED STATES": "USA",
                 "BELARUS": "BLR", "UNITED KINGDOM": "GBR"}
CODE = {"Y": "yes", "N": "no", "A": "abstain"}
#: PRK's first recorded vote in the fixture (it votes only from this year on).
PRK_FROM = 2010


def _scrape_rows(rng: np.random.Generator) -> list[tuple[str, str, str, str, int, list[str]]]:
    rows = []
    for i in range(36):
        year = 2020 if i < 18 else 2021
        rus = rng.choice(["Y", "N", "A"], p=[0.6, 0.2, 0.2])
        votes = [rus, rus if rng.random() < 0.8 else str(rng.choice(["Y", "N", "A"])),
                 str(rng.choice(["Y", "N", "A"])), rus, str(rng.choice(["Y", "N", "A"]))]
        rows.append(("General Assembly", f"{year}-12-{1 + i % 18:02d}",
                     f"Synthetic resolution {i} : resolution / adopted by the General Assembly",
                     f"A/RES/{75 + year - 2020}/{600 + i}", 9_100_000 + i, [str(v) for v in votes]))
    return rows


def _scrape_csv(rows: list[tuple[str, str, str, str, int, list[str]]]) -> str:
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([*S.META, *SCRAPE_STATES])
    for council, day, title, symbol, rec, votes in rows:
        c = Counter(votes)
        w.writerow([council, day, title, symbol, sum(c[k] for k in "YNAX"), c["X"], c["A"],
                    c["N"], c["Y"], f"https://digitallibrary.un.org/record/{rec}?ln=en", rec,
                    *votes])
    return "\ufeff" + out.getvalue()


@pytest.fixture(scope="module")
def fx(tmp_path_factory):  # type: ignore[no-untyped-def]
    store = build("H1")
    # PRK votes like CHN, but only from PRK_FROM on (not a member before, in this fixture)
    store.con.execute(
        "INSERT INTO un_votes (vote_id, iso3, vote, vote_num, source) "
        "SELECT v.vote_id, 'PRK', v.vote, v.vote_num, v.source FROM un_votes v "
        "JOIN un_rollcalls r USING (vote_id) WHERE v.iso3 = 'CHN' AND r.year >= ?", [PRK_FROM])
    rows = _scrape_rows(np.random.default_rng(10))
    path = tmp_path_factory.mktemp("scrape") / "UN DATA.csv"
    path.write_text(_scrape_csv(rows), encoding="utf-8")
    S.ingest_undl_scrape(store, [path])
    # ATOP: CHN's and IND's only defence pledge is to each other (2018, the last year held)
    store.con.execute("CREATE TABLE atop_dyad_year (iso3_1 VARCHAR, iso3_2 VARCHAR, year INTEGER,"
                      " defense INTEGER)")
    store.con.execute("INSERT INTO atop_dyad_year VALUES ('CHN', 'IND', 2018, 1), "
                      "('IND', 'CHN', 2018, 1), ('USA', 'GBR', 2017, 1)")
    # China Vitae: engagements of China's leaders (with RUS only)
    store.con.execute("CREATE TABLE leader_engagements (date DATE, year BIGINT, country VARCHAR,"
                      " iso3 VARCHAR, leader VARCHAR, role VARCHAR, in_office BOOLEAN, "
                      "type VARCHAR, text VARCHAR, line BIGINT, source_file VARCHAR)")
    store.con.execute("INSERT INTO leader_engagements VALUES ('2010-05-01', 2010, 'Russia', "
                      "'RUS', 'Hu Jintao', 'President', TRUE, 'meeting', 'met', 2, 'x.csv')")
    yield store, rows
    store.close()


def _raw_votes(fx) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Every recorded vote of the fixture, from the rows as written: (roll call, year, iso3,
    vote), the unvotes-layout rows read back from their own tables, the scrape rows from the
    fixture's list."""
    store, rows = fx
    u = store.con.execute("SELECT CAST(v.vote_id AS VARCHAR) AS rc, r.year, v.iso3, v.vote "
                          "FROM un_votes v JOIN un_rollcalls r USING (vote_id)").df()
    s = pd.DataFrame([(f"undl{rec}", int(day[:4]), iso, CODE[v])
                      for _c, day, _t, _s, rec, votes in rows
                      for iso, v in zip(SCRAPE_STATES.values(), votes, strict=True) if v in CODE],
                     columns=["rc", "year", "iso3", "vote"])
    return pd.concat([u, s], ignore_index=True)


def _common(raw: pd.DataFrame, a: str, b: str, lo: int, hi: int) -> pd.DataFrame:
    w = raw[raw["year"].between(lo, hi) & raw["vote"].isin(["yes", "no", "abstain"])]
    w = w.pivot_table(index="rc", columns="iso3", values="vote", aggfunc="first")
    return w[[a, b]].dropna()


# ------------------------------------------------------------------ finding 5: the votes' span
def test_votes_run_to_the_merged_records_last_year_and_clipped_years_are_named(fx) -> None:  # type: ignore[no-untyped-def]
    store, rows = fx
    last = max(int(r[1][:4]) for r in rows)  # the scrape's last year, past the unvotes rows
    rep = report(store, "RUS", "CHN", years=f"2000-{last + 3}", pillars=["votes"])
    k = rep.evidence_by_id("votes.chance_corrected")
    assert k.period == f"2000–{last}"
    both = _common(_raw_votes(fx), "RUS", "CHN", 2000, last)
    assert k.coverage["n"] == len(both)
    assert k.coverage["last"] == last and str(last) in k.coverage["note"]
    # the step at 2014 uses the equal window ending in the last year held
    trend = rep.evidence_by_id("votes.trend")
    assert trend.period.endswith(f"2014–{last}")
    cut = f"{last + 1}–{last + 3}"
    assert any(cut in c and "left out" in c for c in rep.clipped)
    assert f"{cut} asked but not held" in rep.bottom_line
    assert cut in rep.pillar("votes").note
    # the coverage table names the merged record and both sources
    cov = rep.coverage[rep.coverage["pillar"] == "votes"].iloc[0]
    assert "UN Digital Library scrape" in cov["source"] and str(last) in str(cov["last"])
    # nothing clipped when the years asked are held
    assert report(store, "RUS", "CHN", years=f"2000-{last}", pillars=["votes"]).clipped == []


@settings(max_examples=60, deadline=None)
@given(a=st.integers(1940, 2030), n=st.integers(0, 40), h0=st.integers(1946, 2000),
       m=st.integers(0, 30))
def test_clipped_years_are_exactly_the_years_asked_and_not_held(a: int, n: int, h0: int,
                                                                m: int) -> None:
    asked, held = (a, a + n), (h0, h0 + m)
    got = {y for lo, hi in clipped_years(asked, held) for y in range(lo, hi + 1)}
    assert got == set(range(asked[0], asked[1] + 1)) - set(range(held[0], held[1] + 1))
    assert bool(clip_note("x", asked, held)) == bool(got)


# ------------------------------------------------------- finding 4: loaded but nothing here
def test_loaded_votes_with_no_common_vote_are_no_data_with_the_membership_reason(fx) -> None:  # type: ignore[no-untyped-def]
    store, _ = fx
    rep = report(store, "PRK", "RUS", years=f"2000-{PRK_FROM - 2}", refs=[("RUS", "BLR")],
                 pillars=["votes", "contacts"])
    v = rep.pillar("votes")
    assert v.status == "no data" and v.load_command == "" and not v.evidence
    raw = _raw_votes(fx)
    first_year = int(raw[raw["iso3"] == "PRK"]["year"].min())
    assert first_year == PRK_FROM
    ref = load_countries()
    since = int(ref[(ref["entity"] == "PRK") & (ref["iso3"] == "PRK")]["un_member_since"].iloc[0])
    assert "PRK casts no recorded GA vote before" in v.note and str(first_year) in v.note
    assert f"a UN member from {since}" in v.note
    # China Vitae holds China's side only: a pair without CHN has no series, said as such
    c = rep.pillar("contacts")
    assert c.status == "no data" and c.load_command == "" and "China's leaders only" in c.note
    # the bottom line, the terminal table and the page say "loaded, nothing here", not "load it"
    assert "Loaded, but nothing for PRK–RUS" in rep.bottom_line
    assert "Not loaded" not in rep.bottom_line and "Missing from the store" not in rep.bottom_line
    assert any("NO DATA" in line for line in rep.summary_lines())
    html = render_report_html(rep)
    table = html[html.index('id="coverage-table"'):]
    table = table[:table.index("</table>")]
    assert "NO DATA" in table and "MISSING" not in table and "load:" not in table
    assert "bilat fetch unvotes" not in html


def test_a_pillar_whose_source_is_not_loaded_stays_missing_with_its_load_command(fx) -> None:  # type: ignore[no-untyped-def]
    store, _ = fx
    have = store.con.execute("SELECT count(*) FROM information_schema.tables "
                             "WHERE table_name = 'documents'").fetchall()[0][0]
    n_statements = store.con.execute("SELECT count(*) FROM documents WHERE kind = 'statement'"
                                     ).fetchall()[0][0] if have else 0
    assert n_statements == 0  # the fixture holds no joint statement at all
    rep = report(store, "RUS", "CHN", pillars=["votes", "statements"])
    s = rep.pillar("statements")
    assert s.status == "missing" and s.load_command.startswith("bilat documents add")
    assert "Not loaded in the store" in rep.bottom_line and "Joint statements" in rep.bottom_line


def test_china_before_1971_names_the_seat(fx) -> None:  # type: ignore[no-untyped-def]
    from bilat.assess.evidence import membership_reason

    store, _ = fx
    # the fixture's CHN votes start in 2000: before that the reason names the China seat
    why = membership_reason(store, ["CHN", "RUS"], 1960, 1990)
    assert "CHN casts no recorded GA vote before" in why
    assert "25 Oct 1971" in why and "TWN" in why and "RUS" not in why.split(";")[0][:3]


# -------------------------------------------------- finding 8: posterior against Heuer's rule
def _disagreeing(rep):  # type: ignore[no-untyped-def]
    """The same report with ratings under which the posterior and Heuer's rule disagree:
    H1 consistent on most items and inconsistent on one, H2 predicting nothing but
    inconsistent on none."""
    hs = load_hypotheses()
    rows = []
    for i, r in enumerate(rep.ach.rows):
        cells = {"H1": "I" if i == 0 else "C", "H2": "N", "H3": "I"}
        rows.append(dataclasses.replace(r, weight=1.0, thin=False, cells={
            h: Cell(r.evidence, h, cells[h], "test rating") for h in hs.ids}))
    scores = score(hs, [(1.0, {h: c.rating for h, c in r.cells.items()}) for r in rows])
    return dataclasses.replace(rep, ach=dataclasses.replace(rep.ach, rows=rows, scores=scores))


def test_bottom_line_says_when_the_posterior_and_heuer_disagree(fx) -> None:  # type: ignore[no-untyped-def]
    store, _ = fx
    base = report(store, "RUS", "CHN", pillars=["votes"])
    rep = _disagreeing(base)
    hs = load_hypotheses()
    # independent scores: log posterior = log prior + sum log LR; inconsistency = sum inc
    lik, inc = hs.scoring.likelihood, hs.scoring.inconsistency
    logp = {h: np.log(hs.priors()[h]) + sum(np.log(lik[r.cells[h].rating]) for r in rep.ach.rows)
            for h in hs.ids}
    incon = {h: sum(inc[r.cells[h].rating] for r in rep.ach.rows) for h in hs.ids}
    post_lead = max(logp, key=logp.get)
    heuer_lead = min(incon, key=incon.get)
    assert post_lead != heuer_lead  # the ratings above make them disagree
    lg = leading(rep)
    assert lg["posterior_leader"] == post_lead and lg["heuer_leaders"] == [heuer_lead]
    assert not lg["agree"]
    text = bottom_line(rep)
    assert "the two scoring rules disagree" in text
    names = {h["id"]: h["name"] for h in rep.ach.hypotheses}
    assert f"By the Bayesian posterior {names[post_lead]} ({post_lead}) leads" in text
    assert (f"least inconsistency is retained — it is {names[heuer_lead]} ({heuer_lead}), with "
            f"inconsistency {incon[heuer_lead]:.1f}") in text
    assert "refer to the posterior" in text
    # "leads" is said of the posterior leader only
    assert re.findall(r"\((H\d)\) leads", text) == [post_lead]
    # no sentence says the ranking is by least contradiction when it is not
    assert "the ranking says which reading" not in text and "contradict least, not" not in text
    rep.bottom_line = text
    html = render_report_html(rep)
    assert 'id="rules-disagree"' in html and "least inconsistent (Heuer)" in html


def test_bottom_line_says_both_rules_agree_when_they_do(fx) -> None:  # type: ignore[no-untyped-def]
    store, _ = fx
    rep = report(store, "RUS", "CHN", pillars=["votes"])
    s = rep.ach.scores
    least = min(s.inconsistency.values())
    agree = s.inconsistency[s.ranking[0]] == least
    assert leading(rep)["agree"] == agree
    assert ("leads on both scoring rules" in rep.bottom_line) == agree
    assert ("the two scoring rules disagree" in rep.bottom_line) == (not agree)
    assert ('id="rules-disagree"' in render_report_html(rep)) == (not agree)


# ----------------------------------------- finding 3: raw agreement is the identical share
def test_raw_agreement_is_the_share_of_identical_votes(fx) -> None:  # type: ignore[no-untyped-def]
    store, rows = fx
    last = max(int(r[1][:4]) for r in rows)
    rep = report(store, "RUS", "CHN", years=f"2000-{last}", pillars=["votes"])
    k = rep.evidence_by_id("votes.chance_corrected")
    both = _common(_raw_votes(fx), "RUS", "CHN", 2000, last)
    same = float((both["RUS"] == both["CHN"]).mean())
    half = float(((both["RUS"] == both["CHN"]) * 1.0 + (
        (both["RUS"] != both["CHN"]) & ((both["RUS"] == "abstain") | (both["CHN"] == "abstain"))
    ) * 0.5).mean())
    assert k.details["raw_agreement"]["RUS–CHN"] == pytest.approx(same, abs=1e-12)
    assert k.details["agreement_half_abstention"]["RUS–CHN"] == pytest.approx(half, abs=1e-12)
    assert f"the share of identical votes ({same:.2f}" in rep.bottom_line
    infl = rep.evidence_by_id("votes.raw_inflation")
    assert "share of identical votes" in infl.title
    assert "raw agreement" not in str(k.details.get("agreement_half_abstention_is", ""))


# -------------------------------------------- finding 13: the partner is not a yardstick ally
def test_yardstick_wording_when_the_only_ally_is_the_partner(fx) -> None:  # type: ignore[no-untyped-def]
    store, _ = fx
    atop = store.con.execute("SELECT * FROM atop_dyad_year").df()
    last = int(atop["year"].max())
    at = atop[(atop["year"] == last) & (atop["defense"] == 1)]

    def allies(x: str) -> set[str]:
        return set(at[at["iso3_1"] == x]["iso3_2"]) | set(at[at["iso3_2"] == x]["iso3_1"])

    assert allies("CHN") == {"IND"} and allies("FRA") == set()
    _, note = default_yardsticks(store, "CHN", "IND")
    assert f"CHN has no defence ally other than IND (the pair itself) in ATOP {last}" in note
    assert "CHN has no defence ally in ATOP" not in note
    _, note = default_yardsticks(store, "FRA", "DEU")
    assert f"FRA has no defence ally in ATOP {last}" in note


# ---------------------------------------- finding 12: every material cell lists its rows
def test_material_items_list_their_row_ids_under_a_fitting_label(fx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bilat.indicators import material

    store, _ = fx
    rows = [{"dyad": d, "a": d[:3], "b": d[-3:], "year": y, "direction": "undirected",
             "indicator": "trade_musd", "value": 100.0 + y - 2010 + i, "unit": "million US$",
             "percentile": 50.0, "rows": [f"cow_trade:{i}-{y}"], "source": "COW Trade v4.0"}
            for i, d in enumerate(["RUS–CHN", "RUS–BLR", "USA–GBR"]) for y in range(2010, 2015)]
    monkeypatch.setattr(material, "indicators", lambda *a, **k: pd.DataFrame(rows))
    monkeypatch.setattr(material, "coverage", lambda *a, **k: pd.DataFrame())
    rep = report(store, "RUS", "CHN", pillars=["material"])
    html = render_report_html(rep)
    want = [r["rows"][0] for r in rows if r["dyad"] == "RUS–CHN"]
    ev = next(e for e in rep.evidence if e.id.endswith(".level"))
    block = html[html.index(f'id="ev-{re.sub(r"[^A-Za-z0-9_-]+", "-", ev.id)}"'):]
    block = block[:block.index("</div>")]
    for rid in want:
        assert f"<code>{rid}</code>" in block
    assert f"source rows behind it (table:key) ({len(want)})" in block
    assert "list the events" not in block
    assert "the same figures by year" in block


def test_context_of_a_pillar_without_store_is_missing() -> None:
    from bilat.assess.evidence import PillarResult, settle_status

    res = PillarResult("votes", "UN votes", "missing", load_command="bilat fetch unvotes")
    out = settle_status(Context(None, "RUS", "CHN", []), res)  # type: ignore[arg-type]
    assert out.status == "missing" and out.load_command == "bilat fetch unvotes"



# ------------------------------------ finding 12: event items list the ICEWS ids behind them
def test_icews_items_list_the_event_ids_behind_them(shared_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    from bilat.sources import icews
    from bilat.store import open_store
    from tests.sources.test_icews import DAILY, HEADER, raw_rows

    raw = raw_rows(str(shared_data.joinpath(*DAILY)))
    rows = raw[raw["Event Date"].between("2019-01-01", "2019-01-31")]
    f = tmp_path / "events.2019.jan.tab.zip"
    lines = ["\t".join(r) for r in rows[list(icews.FIELDS)].itertuples(index=False)]
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("events.2019.jan.tab", "\n".join([HEADER, *lines]) + "\n")
    st = open_store(":memory:")
    try:
        icews.ingest_icews(st, [f], progress=False)
        rep = report(st, "RUS", "CHN", refs=[("USA", "GBR")], pillars=["events"])
    finally:
        st.close()
    # independent: the Event IDs of rows between Russia and China, either way, in the raw rows
    names = {"Russian Federation": "RUS", "China": "CHN"}
    src = rows["Source Country"].map(names)
    tgt = rows["Target Country"].map(names)
    want = set(rows[(src.notna() & tgt.notna() & (src != tgt))]["Event ID"].astype(int))
    items = [e for e in rep.evidence if e.id.startswith("events.icews.")
             and "contacts" not in e.id]
    assert items and want
    for e in items:
        got = e.provenance["event_ids"]
        assert sorted(got) == sorted(want) and e.coverage["n"] == len(want)
        assert "--source icews" in e.provenance["query"]
    html = render_report_html(rep)
    block = html[html.index(f'id="ev-{re.sub(r"[^A-Za-z0-9_-]+", "-", items[0].id)}"'):]
    block = block[:block.index("</div>")]
    assert f"event ids ({min(len(want), 60)}" in block
    assert str(sorted(want)[0]) in block and "list the events of one year" in block
