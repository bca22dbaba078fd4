"""Omissions: issues salient at the time (watch-list, readouts, events) a statement leaves out."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.sources.gdelt import ingest
from bilat.store import Store
from bilat.text.documents import document_from_text, save_document
from bilat.text.lineage import lineage
from bilat.text.model import Document
from bilat.text.omissions import SalienceRules, find_omissions

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "lineage"
GDELT = [FIX / "20220204120000.export.CSV", FIX / "20211215120000.export.CSV"]
SHORT = [f"{FIX / 'short_2014.txt'}@2014-05-20", f"{FIX / 'short_2019.txt'}@2019-06-05",
         f"{FIX / 'short_2022.txt'}@2022-02-04"]

STATEMENT = ("The sides oppose further enlargement of NATO.\n\n"
             "The Russian side reaffirms its adherence to the one-China principle.")


def _doc(text: str, date: str, side: str = "JOINT", kind: str = "statement",
         parties: tuple[str, ...] = ("RUS", "CHN")) -> Document:
    return document_from_text(text, side=side, date=date, kind=kind, parties=parties,
                              language="en")


@pytest.fixture()
def events_store(store: Store) -> Store:
    report = ingest(store, GDELT)
    assert report.rows == 98
    return store


def test_fixture_rows_have_the_61_gdelt_2_fields() -> None:
    for path in GDELT:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines and all(len(line.split("\t")) == 61 for line in lines)


def test_watch_list_omission_and_present_issue() -> None:
    rep = find_omissions(_doc(STATEMENT, "2022-02-04"), watch=["ukraine", "nato", "taiwan"])
    assert [(o.issue, o.sources) for o in rep.omissions] == [("ukraine", ("watch",))]
    assert set(rep.present) == {"nato", "taiwan"}
    m = rep.present["nato"][0]
    assert STATEMENT[m.start:m.end] == m.quote and "NATO" in m.quote
    assert "no store" in rep.events_note


def test_readout_omission_with_offsets(store: Store) -> None:
    readout = _doc("Vladimir Putin informed Xi Jinping about the situation around Ukraine. "
                   "The two leaders discussed NATO.", "2022-02-04", side="RUS", kind="readout")
    far = _doc("Putin and Xi discussed Afghanistan.", "2021-06-01", side="RUS", kind="readout")
    # the other side's readout of the same talks: an issue needs two readouts (readout_min)
    chinese = _doc("Xi Jinping and Vladimir Putin exchanged views on Ukraine.", "2022-02-04",
                   side="CHN", kind="readout")
    other = _doc("The US side raised Iran.", "2022-02-03", side="USA", kind="readout",
                 parties=("USA", "CHN"))
    for d in (readout, chinese, far, other):
        save_document(store, d)
    rep = find_omissions(_doc(STATEMENT, "2022-02-04"), store=store, events=False)
    assert [(o.issue, o.sources) for o in rep.omissions] == [("ukraine", ("readouts",))]
    by_doc = {m.doc_id: m for m in rep.omissions[0].readout_mentions}
    assert set(by_doc) == {readout.doc_id, chinese.doc_id}
    mention = by_doc[readout.doc_id]
    assert mention.side == "RUS"
    assert readout.text[mention.start:mention.end] == mention.quote
    assert "Ukraine" in mention.quote
    assert sorted(r["doc_id"] for r in rep.readouts) == sorted([readout.doc_id, chinese.doc_id])
    assert rep.texts[readout.doc_id] == readout.text
    # against the baseline (the 2021 readout on Afghanistan): 2/2 vs 0/1
    fig = rep.readout_salience["ukraine"]
    assert (fig["count"], fig["total"], fig["baseline_count"], fig["baseline_total"]) == (
        2, 2, 0, 1) and fig["salient"]


def test_event_data_omission_with_counts_and_ids(events_store: Store) -> None:
    rep = find_omissions(_doc(STATEMENT, "2022-02-04"), store=events_store, readouts=False)
    om = {o.issue: o for o in rep.omissions}
    assert set(om) == {"ukraine"}
    ev = om["ukraine"].events
    assert om["ukraine"].sources == ("events",)
    assert ev is not None and ev.salient
    assert (ev.count, ev.total, ev.baseline_count, ev.baseline_total) == (16, 35, 2, 63)
    assert ev.window_start == "2022-01-08" and ev.window_end == "2022-02-04"
    assert ev.fips == ("UP",) and ev.ratio == pytest.approx((16 / 35) / (2 / 63), rel=1e-3)
    assert len(ev.sample) == 5
    ids = [s["GLOBALEVENTID"] for s in ev.sample]
    rows = {line.split("\t")[0]: line.split("\t") for line in
            GDELT[0].read_text(encoding="utf-8").splitlines()}
    for i in ids:
        assert "UKR" in (rows[str(i)][7], rows[str(i)][17])
    assert all(s["SOURCEURL"].startswith("https://news.example.org/") for s in ev.sample)
    # Syria: present in both periods, less than in the baseline: not salient
    assert "syria" not in om
    # Taiwan is salient-free here (2 events) and mentioned anyway
    assert "taiwan" in rep.present or "taiwan" not in om


def test_event_rules_are_one_place(events_store: Store) -> None:
    strict = SalienceRules(min_ratio=50.0)
    rep = find_omissions(_doc(STATEMENT, "2022-02-04"), store=events_store, readouts=False,
                         rules=strict)
    assert rep.omissions == []
    loose = SalienceRules(min_events=1, min_ratio=1.0)
    rep = find_omissions(_doc(STATEMENT, "2022-02-04"), store=events_store, readouts=False,
                         rules=loose)
    assert "ukraine" in {o.issue for o in rep.omissions}


def test_a_mentioned_issue_is_no_omission_even_when_salient(events_store: Store) -> None:
    text = STATEMENT + "\n\nThe sides discussed the situation around Ukraine."
    rep = find_omissions(_doc(text, "2022-02-04"), store=events_store, watch=["ukraine"])
    assert rep.omissions == []
    assert "ukraine" in rep.present


def test_store_without_events_says_so(store: Store) -> None:
    rep = find_omissions(_doc(STATEMENT, "2022-02-04"), store=store, watch=["ukraine"])
    assert [o.issue for o in rep.omissions] == ["ukraine"]
    assert "not checked" in rep.events_note and "gdelt" in rep.events_note.lower()


def test_lineage_report_carries_all_three_sources(events_store: Store) -> None:
    save_document(events_store, _doc("Putin briefed Xi on the Ukraine crisis and on Afghanistan.",
                                     "2022-02-10", side="RUS", kind="readout"))
    save_document(events_store, _doc("Xi Jinping and Putin talked about Afghanistan and Ukraine.",
                                     "2022-02-10", side="CHN", kind="readout"))
    report = lineage(SHORT, parties=["RUS", "CHN"], store=events_store,
                     watch=["ukraine", "arctic"])
    om = {o.issue: o for o in report.omissions.omissions}
    assert om["ukraine"].sources == ("watch", "readouts", "events")
    assert om["afghanistan"].sources == ("readouts",)
    assert om["arctic"].sources == ("watch",)
    assert "Ukraine" in report.summary()["text"]
    assert any(d["issue"] == "ukraine" for d in report.to_dict()["omissions"]["omissions"])


ISSUE_SENTENCES = (
    "The ministry commented on Taiwan and Hong Kong.", "Officials discussed Syria and Iran.",
    "The report covered energy, gas and oil supplies.", "Talks touched on Afghanistan.",
    "A forum on the Arctic and climate change opened.", "The Korean Peninsula was raised.",
    "Crimea and Ukraine were on the agenda.", "The sides spoke about NATO and missile defence.",
)


def test_unrelated_news_items_change_neither_the_omissions_nor_the_work(store: Store) -> None:
    """Many news items (and other states' readouts) around the statement: same omission list
    as on an empty store, and only the parties' own readouts are read from the store."""
    from datetime import date, timedelta

    from bilat.store import open_store

    empty = lineage(SHORT, parties=["RUS", "CHN"], store=open_store(":memory:"),
                    watch=["ukraine", "nato"], events=False)
    expected = [(o.issue, o.sources) for o in empty.omissions.omissions]
    assert expected == [("ukraine", ("watch",))]
    start = date(2021, 1, 1)
    for k in range(240):  # news items of both sides from a year before to weeks after
        day = (start + timedelta(days=2 * k)).isoformat()
        text = f"News item {k}. " + ISSUE_SENTENCES[k % len(ISSUE_SENTENCES)]
        save_document(store, _doc(text, day, side=("CHN", "RUS")[k % 2], kind="news",
                                  parties=()))
    # readouts of other contacts, by the parties' sides but not naming the other party
    for k in range(6):
        save_document(store, _doc(f"Talks {k} with the President of Kazakhstan on Syria.",
                                  f"2022-01-{10 + k:02d}", side="CHN", kind="readout",
                                  parties=("CHN", "KAZ")))
    own = [_doc("Xi Jinping and Vladimir Putin discussed NATO.", "2022-02-04", side="CHN",
                kind="readout"),
           _doc("Putin and Xi discussed NATO enlargement.", "2022-02-04", side="RUS",
                kind="readout")]
    for d in own:
        save_document(store, d)
    full = lineage(SHORT, parties=["RUS", "CHN"], store=store, watch=["ukraine", "nato"],
                   events=False)
    assert [(o.issue, o.sources) for o in full.omissions.omissions] == expected
    assert sorted(r["doc_id"] for r in full.omissions.readouts) == sorted(d.doc_id for d in own)
    # bounded work: only kind=readout rows of the parties' sides were read (window + baseline)
    n_readouts = store.con.execute(
        "SELECT count(*) FROM documents WHERE kind = 'readout' AND side IN ('RUS', 'CHN')"
    ).fetchall()[0][0]
    assert n_readouts == 8
    assert 0 < full.omissions.documents_read <= n_readouts
    assert store.con.execute("SELECT count(*) FROM documents").fetchall()[0][0] > 240


def test_readout_salience_needs_a_rise_against_the_baseline() -> None:
    from bilat.text.omissions import readout_salience

    rules = SalienceRules()
    fig = readout_salience({"economy": 4, "ukraine": 3, "iran": 1}, 4,
                           {"economy": 10, "ukraine": 1}, 10, rules)
    assert not fig["economy"]["salient"]  # 100% vs 100%: every readout carries it
    assert fig["ukraine"]["salient"] and fig["ukraine"]["ratio"] == pytest.approx(7.5)
    assert not fig["iran"]["salient"]  # one readout is below readout_min
    alone = readout_salience({"nato": 2, "iran": 2}, 5, {}, 0, rules)
    assert not alone["nato"]["salient"]  # no baseline: 2/5 < 50%
    assert readout_salience({"nato": 3}, 5, {}, 0, rules)["nato"]["salient"]
