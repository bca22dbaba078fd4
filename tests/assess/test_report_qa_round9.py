"""QA regressions (round 9) of the partnership report: corpus contact series use their own
coverage, IMF reports are averaged not added, steps over equal windows, --years limits every
pillar, support for a process is not support for a side, and the bottom line's caveats."""

from __future__ import annotations

import pandas as pd
import pytest

from bilat.assess import evidence as ev_mod
from bilat.assess import report
from bilat.assess.evidence import Context, PillarResult, _material_evidence
from bilat.assess.report import PREDICTS_LITTLE
from bilat.assess.words_deeds import support_claims, supports_a_process
from bilat.report.report_html import _num, _ordinal
from bilat.text.documents import document_from_text, save_document
from tests.assess.synthetic import build


@pytest.fixture(scope="module")
def store():  # type: ignore[no-untyped-def]
    st = build("H3")
    yield st
    st.close()


@pytest.mark.parametrize(("text", "process"), [
    ("中方支持俄方同乌方通过谈判解决问题。", True),
    ("中方支持适时召开由俄乌双方认可的国际和会。", True),
    ("С китайской стороны выражена поддержка начавшемуся диалогу России и США.", True),
    ("China supports a political settlement of the crisis through dialogue.", True),
    ("中方支持俄方维护自身安全和主权的努力。", False),
    ("China firmly supports Russia in safeguarding its security interests.", False),
    ("Russia firmly supports China's position on Taiwan.", False),
])
def test_support_for_a_process_is_not_support_for_a_side(text: str, process: bool) -> None:
    assert supports_a_process(text) is process


def test_support_claims_leave_out_support_for_talks(store) -> None:  # type: ignore[no-untyped-def]
    text = ("习近平表示，中方支持俄方同乌方通过谈判解决乌克兰问题。"
            "习近平表示，中方支持俄方在乌克兰问题上维护自身安全的努力。")
    doc = document_from_text(text, side="CHN", date="2022-02-25", kind="readout",
                             parties=("RUS", "CHN"), language="zh")
    save_document(store, doc)
    core = {"RUS": {"ukraine": ["Ukraine"]}, "CHN": {"taiwan": ["Taiwan"]}}
    got = [c for c in support_claims(store, "RUS", "CHN", core) if c["doc_id"] == doc.doc_id]
    assert [c["issue"] for c in got] == ["ukraine"]
    assert "努力" in got[0]["text"] and "谈判" not in got[0]["text"]


def test_corpus_contacts_trend_counts_only_the_days_the_corpus_covers(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # a corpus holding 62 days of 2021, 166 of 2022, 13 of 2024 and 80 of 2025: its 2024 is
    # not a whole year with no contacts (the rate uses covered days; unequal halves are thin)
    frame = pd.DataFrame({
        "state_a": "RUS", "state_b": "CHN", "period": ["2021", "2022", "2024", "2025"],
        "kremlin": [5.0, 20.0, 0.0, 6.0],
        "kremlin_coverage": [62 / 365, 166 / 365, 13 / 366, 80 / 365]})
    from bilat.text import contacts as tc

    monkeypatch.setattr(tc, "contacts", lambda store, a, b, **kw: frame)
    monkeypatch.setattr("bilat.indicators.material.engagements",
                        lambda *a, **k: pd.DataFrame())
    res = ev_mod.collect_contacts(Context(None, "RUS", "CHN", []))  # type: ignore[arg-type]
    (e,) = res.evidence
    days = e.details["covered_days"]
    assert days[2024] == pytest.approx(13.0) and days[2021] == pytest.approx(62.0)
    early = (5 + 20) / (62 + 166) * 30
    late = (0 + 6) / (13 + 80) * 30
    assert e.trend["before"] == pytest.approx(early)
    assert e.value == pytest.approx(late / early - 1)
    assert e.coverage["thin"]  # 31 % against 13 % of the years covered: not comparable


def test_material_level_averages_two_reports_and_steps_use_equal_windows() -> None:
    ctx = Context(None, "RUS", "CHN", [("USA", "GBR")])  # type: ignore[arg-type]
    rows = []
    for year in range(1992, 2021):
        for who, v in (("CHN", 100.0 + year - 1992), ("RUS", 90.0 + year - 1992)):
            rows.append({"dyad": "RUS–CHN", "year": year, "value": v,
                         "source": f"IMF DOTS, {who} report"})
        rows.append({"dyad": "USA–GBR", "year": year, "value": 200.0,
                     "source": "IMF DOTS, USA report"})
    d = pd.DataFrame(rows)
    g = d.groupby(["dyad", "year"]).agg(
        value=("value", "mean"), reports=("source", lambda r: sorted(set(r)))).reset_index()
    g["percentile"], g["unit"], g["rows"] = None, "million US$", [[] for _ in range(len(g))]
    res = PillarResult("material", "Material", "missing")
    _material_evidence(ctx, res, "trade_musd", "IMF DOTS", g)
    level = res.evidence[0]
    pair = d[d["dyad"] == "RUS–CHN"].groupby("year")["value"].mean()
    assert level.value == pytest.approx(pair.mean())  # the mean of the reports, never the sum
    assert "never their sum" in level.coverage["note"]
    step = res.evidence[1]
    # 2014-2020 (7 years) against the 7 years before, 2007-2013, not 1992-2013
    assert step.period == "2007–2013 vs 2014–2020"
    want = pair.loc[2014:2020].mean() / pair.loc[2007:2013].mean() - 1
    assert step.value == pytest.approx(want)


def test_years_limit_readouts_and_a_loaded_source_is_not_to_be_loaded(store) -> None:  # type: ignore[no-untyped-def]
    rep = report(store, "RUS", "CHN", years="2030-2040", pillars=["votes", "readouts"])
    for p in rep.pillars:
        assert p.status == "no data" and not p.evidence
        assert p.load_command == ""  # both are loaded: nothing for 2030-2040 is not "load it"


def test_bottom_line_says_when_no_partnership_is_declared(store) -> None:  # type: ignore[no-untyped-def]
    rep = report(store, "RUS", "CHN", pillars=["votes"])
    assert "presume a declared partnership" in rep.bottom_line
    rated = {h: sum(1 for r in rep.ach.rows if r.cells[h].rating != "N")
             for h in rep.ach.scores.ranking}
    inc = rep.ach.scores.inconsistency
    # the caveat is about the reading Heuer's score retains (least inconsistency)
    lead = min(rep.ach.scores.ranking, key=lambda h: (inc[h], -rep.ach.scores.posterior[h]))
    says = "predicts something on only" in rep.bottom_line
    assert says == (rated[lead] < PREDICTS_LITTLE * max(rated.values()))


def test_table_numbers_and_percentile_ordinals() -> None:
    assert _num(85588.2) == "85,588" and _num(0.30123) == "0.301" and _num(None) == "—"
    assert [_ordinal(x) for x in (62, 92, 11, 12, 13, 21, 101, 0.4)] == [
        "62nd", "92nd", "11th", "12th", "13th", "21st", "101st", "0th"]


def test_one_flow_in_two_tables_of_one_publication_is_counted_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bilat.indicators import material

    rows = [{"dyad": "RUS–CHN", "a": "RUS", "b": "CHN", "year": y, "direction": "RUS→CHN",
             "indicator": "pipeline_gas_bcm", "value": v, "unit": "bcm", "percentile": None,
             "rows": [], "source": "EI Statistical Review 2024: Gas - Trade movements"}
            for y, v in ((2021, 7.6), (2022, 14.7), (2023, 21.3))]
    rows.append({**rows[-1], "source": "EI Statistical Review 2024: Gas trade - pipeline"})
    monkeypatch.setattr(material, "indicators", lambda *a, **k: pd.DataFrame(rows))
    monkeypatch.setattr(material, "coverage", lambda *a, **k: pd.DataFrame())
    res = ev_mod.collect_material(Context(None, "RUS", "CHN", []))  # type: ignore[arg-type]
    (level,) = [e for e in res.evidence if e.id.endswith(".level")]
    assert level.source == "EI Statistical Review 2024"
    assert level.value == pytest.approx((7.6 + 14.7 + 21.3) / 3)  # 2023 once, not twice


def test_bottom_line_says_when_the_pair_votes_apart_more_than_chance(store) -> None:  # type: ignore[no-untyped-def]
    rep = report(store, "RUS", "CHN", pillars=["votes"])
    k = rep.evidence_by_id("votes.chance_corrected").value
    assert k is not None
    assert ("vote apart more often than chance" in rep.bottom_line) == (k < 0)
    k_ev = rep.evidence_by_id("votes.chance_corrected")
    k_ev.value = -abs(k) - 0.01  # the same report of a pair that votes apart
    from bilat.assess.report import bottom_line

    assert "vote apart more often than chance" in bottom_line(rep)
