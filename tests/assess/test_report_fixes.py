"""QA regressions of the partnership report: corpus items are verified originals, trends per
covered day, thin items not rated, one claim per (date, side, issue, stance), derived
yardsticks and one-pillar conclusions said in the bottom line."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from bilat.assess import report
from bilat.assess.evidence import (
    COLLECTORS,
    Context,
    Evidence,
    PillarResult,
    _series_trend,
    genuine_hashes,
)
from bilat.assess.words_deeds import dedupe_claims
from bilat.text.documents import document_from_text, save_document
from tests.assess.synthetic import build

CORPUS_TEXT = ("习近平同俄罗斯总统普京通电话。普京表示，俄方坚定支持中方在台湾问题上的立场。")


def _corpus_item(st, doc_id: str) -> None:  # type: ignore[no-untyped-def]
    """A row of ``corpus_items`` as `bilat documents import` writes it (the columns read)."""
    st.con.execute(
        "CREATE TABLE IF NOT EXISTS corpus_items (corpus VARCHAR, series VARCHAR, file VARCHAR, "
        "position INTEGER, line BIGINT, doc_id VARCHAR, date DATE, url VARCHAR, side VARCHAR)")
    st.con.execute("INSERT INTO corpus_items VALUES ('xwlb', 'cctv-xwlb', '20210825.md', 3, 41, "
                   "?, DATE '2021-08-25', 'http://tv.cctv.com/2021/08/25/VIDE.shtml', 'CHN')",
                   [doc_id])


@pytest.fixture(scope="module")
def store():  # type: ignore[no-untyped-def]
    st = build("H3")
    corpus = document_from_text(CORPUS_TEXT, side="CHN", date="2021-08-25", kind="readout",
                                parties=("RUS", "CHN"), language="zh",
                                source_url="http://tv.cctv.com/2021/08/25/VIDE.shtml")
    save_document(st, corpus)
    _corpus_item(st, corpus.doc_id)
    pasted = document_from_text("Putin said Russia supports China on Taiwan.", side="RUS",
                                date="2021-08-26", kind="readout", parties=("RUS", "CHN"),
                                language="en")
    save_document(st, pasted)
    st.corpus_id, st.pasted_id = corpus.doc_id, pasted.doc_id
    yield st
    st.close()


@pytest.fixture(scope="module")
def rep(store):  # type: ignore[no-untyped-def]
    return report(store, "RUS", "CHN", pillars=["votes", "readouts", "statements"])


def test_corpus_items_are_verified_originals_pasted_texts_are_not(store, rep) -> None:  # type: ignore[no-untyped-def]
    sha = dict(store.con.execute("SELECT doc_id, sha256 FROM documents").fetchall())
    assert sha[store.corpus_id] in genuine_hashes(store)
    flagged = {d["doc_id"]: d for d in rep.unverified_texts}
    assert store.corpus_id not in flagged
    assert store.pasted_id in flagged and "no source" in flagged[store.pasted_id]["why"]


def test_banner_is_compact_and_below_the_bottom_line(rep) -> None:  # type: ignore[no-untyped-def]
    from bilat.report.report_html import UNVERIFIED_SHOWN, render_report_html

    many = [dict(rep.unverified_texts[0], doc_id=f"doc{i:04d}") for i in range(300)]
    saved = rep.unverified_texts
    rep.unverified_texts = many
    try:
        html = render_report_html(rep)
    finally:
        rep.unverified_texts = saved
    start = html.index('id="unverified-banner"')
    banner = html[start:html.index("</div>", start)]
    assert "<b>300</b>" in banner and f"the other {300 - UNVERIFIED_SHOWN}" in banner
    assert banner.count("<code>doc") == UNVERIFIED_SHOWN and len(banner) < 2000
    assert html.index('id="bottom-line-text"') < start


def _ctx() -> Context:
    return Context(None, "RUS", "CHN", [])  # type: ignore[arg-type]


def test_contacts_trend_per_covered_day_and_unequal_coverage_is_thin() -> None:
    s = pd.Series({2018: 22.0, 2021: 46.0, 2022: 131.0, 2023: 77.0})
    days = pd.Series({2018: 64.0, 2021: 243.0, 2022: 325.0, 2023: 100.0})
    ev = _series_trend(_ctx(), s, "events.x", "x", "events", {"event_ids": [1, 2]}, days)
    assert ev is not None
    before = (22 + 46) / (64 + 243) * 30
    after = (131 + 77) / (325 + 100) * 30
    assert ev.trend["before"] == pytest.approx(before)
    assert ev.value == pytest.approx(after / before - 1)
    assert ev.provenance["event_ids"] == [1, 2]
    # halves with very different coverage (3.5 months against a whole year) are not comparable
    ev2 = _series_trend(_ctx(), pd.Series({2018: 19.0, 2019: 140.0}), "events.y", "y",
                        "events", None, pd.Series({2018: 107.0, 2019: 365.0}))
    assert ev2 is not None and ev2.coverage["thin"]
    assert "coverage differs" in ev2.coverage["thin_reason"]


def test_thin_items_are_not_rated_and_a_pillar_of_thin_items_is_thin(
        store, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def fake(ctx: Context) -> PillarResult:
        res = PillarResult("fake", "A pillar on three events", "ok")
        res.evidence.append(Evidence(
            id="events.fake.material_verbal", pillar="fake", kind="events.material_verbal",
            title="deeds per word on 3 events", value=0.0, unit="", period="", source="t",
            measures={"ratio_to_yardstick": 0.0},
            coverage={"n": 3, "thin": True, "note": "3 events"}))
        return res

    monkeypatch.setitem(COLLECTORS, "fake", fake)
    r = report(store, "RUS", "CHN", refs=[("RUS", "BLR")], pillars=["fake"])
    assert r.pillar("fake").status == "thin"
    row = [x for x in r.ach.rows if x.evidence == "events.fake.material_verbal"][0]
    assert {c.rating for c in row.cells.values()} == {"N"}
    assert all("thin data" in c.reason for c in row.cells.values())


def test_one_claim_per_date_side_issue_stance_preferring_the_genuine_pair() -> None:
    def claim(doc: str, sha: str, day: str) -> dict:
        return {"doc_id": doc, "sha256": sha, "start": 0, "end": 10, "text": "t",
                "doc_side": "CHN", "kind": "readout", "event": math.nan, "date": day,
                "supporter": "RUS", "supported": "CHN", "issue": "taiwan",
                "stance": "firmly_supports", "claim_id": doc}

    got = dedupe_claims([claim("corpus", "c", "2023-03-22"), claim("pair", "p", "2023-03-21"),
                         claim("later", "x", "2023-10-18")], genuine={"c", "p"}, pairs={"p"})
    assert len(got) == 2
    first = [g for g in got if g["n_sources"] == 2][0]
    assert first["doc_id"] == "pair" and [s["doc_id"] for s in first["sources"]] == [
        "pair", "corpus"]
    assert first["event"] is None  # never NaN (printed as "nan")


def test_words_deeds_page_never_prints_nan(rep) -> None:  # type: ignore[no-untyped-def]
    from bilat.report.report_html import render_report_html

    assert len(rep.words_deeds)
    saved = rep.words_deeds
    rep.words_deeds = saved.assign(symbols_apart=math.nan, event=math.nan)
    try:
        html = render_report_html(rep)
    finally:
        rep.words_deeds = saved
    start = html.index('id="words-deeds-table"')
    table = html[start:html.index("</table>", start)]
    assert not re.search(r"\bnan\b", table, re.IGNORECASE)
    assert ">nan<" not in html.lower()


def test_derived_yardsticks_and_one_pillar_are_said_in_the_bottom_line(store) -> None:  # type: ignore[no-untyped-def]
    r = report(store, "RUS", "FRA", pillars=["votes"])
    assert r.yardsticks_derived
    partners = [f"{x}–{y}" for x, y in r.refs]
    assert "derived" in r.bottom_line and all(p in r.bottom_line for p in partners)
    rated = {r.evidence_by_id(x.evidence).pillar for x in r.ach.rows
             if any(c.rating != "N" for c in x.cells.values())}
    assert rated == {"votes"}
    assert "Only the UN General Assembly votes pillar has rated data" in r.bottom_line
    fixed = report(store, "RUS", "CHN", pillars=["votes"])
    assert not fixed.yardsticks_derived and "derived" not in fixed.bottom_line


def test_page_environment_prints_no_nan_anywhere() -> None:
    from bilat.report.report_html import _env

    tpl = _env().from_string("{{ a }}|{{ b }}|{{ c }}|{{ d }}")
    assert tpl.render(a=math.nan, b=pd.NaT, c=None, d=0.5) == "—|—|None|0.5"
