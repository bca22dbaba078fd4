"""QA11 regressions of the report's readouts and contacts items: the report compares the same
readout pairs as `bilat readouts compare-all` and names them; a side's transcript of the public
opening remarks is said in the bottom line; a claim that only gives a figure is no substantive
attribution of support; a contacts trend starts at the first year with meaningful coverage."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bilat.assess import report
from bilat.assess.evidence import (
    GENERIC_ISSUES,
    MIN_YEAR_DAYS,
    Context,
    _series_trend,
    figure_only,
    substantive_claim,
)
from bilat.assess.report import bottom_line
from bilat.sources.readout_pairs import fetch_readout_pairs
from bilat.store import open_store
from bilat.text.model import Claim
from bilat.text.pairing import compare_all
from tests.assess.synthetic import build
from tests.text.test_corpus import corpus_store_path


@pytest.fixture(scope="module")
def real(shared_data: Path, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The CCTV + Kremlin corpus subset (a copy) plus the genuine readout pairs of the mirror."""
    src = corpus_store_path(shared_data)
    folder = tmp_path_factory.mktemp("qa11")
    dst = folder / src.name
    shutil.copy(src, dst)
    if Path(str(src) + ".data").exists():
        shutil.copytree(str(src) + ".data", str(dst) + ".data")
    st = open_store(dst)
    fetch_readout_pairs(st, shared_data)
    rep = report(st, "RUS", "CHN", pillars=["readouts"])
    ca = compare_all(st, "CHN", "RUS")
    yield st, rep, ca
    st.close()


def _transcript_urls(shared_data: Path) -> dict[str, str]:
    """Date -> original URL of the mirror's readout texts that its SOURCES.md calls the
    transcript of the opening remarks (read from the notes, not from bilat)."""
    out = {}
    for notes in sorted((shared_data / "texts" / "readouts").glob("*/SOURCES.md")):
        text = notes.read_text(encoding="utf-8")
        for part in text.split("\n## ")[1:]:
            if re.search(r"transcript of the (?:leaders' )?opening remarks", part):
                url = re.search(r"Original URL:\s*(\S+)", part)
                if url:
                    out[notes.parent.name[:10]] = url.group(1)
    return out


def test_report_compares_the_pairs_of_compare_all_and_names_them(real) -> None:  # type: ignore[no-untyped-def]
    st, rep, ca = real
    ev = rep.evidence_by_id("readouts.unconfirmed")
    # compare-all is CHN RUS, the report RUS CHN: doc_a of one is doc_b of the other
    want = {(str(d), b, a) for d, a, b in zip(ca.pairs["event_date"], ca.pairs["doc_a"],
                                               ca.pairs["doc_b"], strict=True)}
    got = {(r["date"], r["doc_a"], r["doc_b"]) for r in ev.details["pairs"]}
    assert got == want and len(want) == 5
    assert ev.coverage["n"] == len(ca.pairs)
    for d, a, b in want:  # the report says which pairs it used
        assert f"{d} {a}/{b}" in ev.coverage["note"]
    # 2022-06-15 (Kremlin + CCTV corpus items, no curated pair) is among them
    assert "2022-06-15" in {d for d, _, _ in got}
    # flagged claims per pair and direction: the same as compare-all's unconfirmed rows
    # recounted from its claim-level table (independent of its per-pair columns)
    rows = {r["date"]: r for r in ev.details["pairs"]}
    flagged = ca.unconfirmed[ca.unconfirmed["label"] == "unconfirmed_attribution"]
    for d, g in flagged.groupby(flagged["event_date"].astype(str)):
        by_dir = g["direction"].value_counts()
        assert rows[d]["unconfirmed_in_CHN"] >= by_dir.get("CHN→RUS", 0)
        assert rows[d]["unconfirmed_in_RUS"] >= by_dir.get("RUS→CHN", 0)


def test_transcript_of_the_opening_remarks_is_said_in_the_bottom_line(  # type: ignore[no-untyped-def]
        real, shared_data: Path) -> None:
    st, rep, ca = real
    urls = _transcript_urls(shared_data)
    assert "2021-12-15" in urls
    # which of the compared pairs hold that text: by the original URL of the stored documents
    docs = st.con.execute("SELECT doc_id, source_url FROM documents").df()
    url_of = dict(zip(docs["doc_id"], docs["source_url"], strict=True))
    want = sorted(str(d) for d, a, b in zip(ca.pairs["event_date"], ca.pairs["doc_a"],
                                            ca.pairs["doc_b"], strict=True)
                  if {url_of.get(a), url_of.get(b)} & set(urls.values()))
    ev = rep.evidence_by_id("readouts.unconfirmed")
    assert ev.details["transcript_pairs"] == want == ["2021-12-15"]
    assert list(ca.pairs["transcript_b"]) == [str(d) in want for d in ca.pairs["event_date"]]
    sentence = (f"{len(want)} of the {len(ca.pairs)} pairs compares a transcript of the public "
                "opening remarks, which cannot confirm what was said in private")
    assert sentence in bottom_line(rep)
    assert sentence in rep.pillar("readouts").note
    assert "transcript" in ev.coverage["note"]


def test_a_figure_alone_is_flagged_but_not_substantive(real) -> None:  # type: ignore[no-untyped-def]
    _, rep, _ = real
    ev = rep.evidence_by_id("readouts.unconfirmed")
    claims = ev.provenance["claims"]
    assert ev.measures["total"] == len(claims)
    assert ev.measures["substantive"] == sum(c["substantive"] for c in claims)
    money = re.compile(r"US\$\s?\d|\d+(?:\.\d+)?\s*(?:billion|million|trillion|per ?cent|%)")
    figures = [c for c in claims if money.search(c["text"])]
    assert figures, "the Kremlin pages give trade figures (US$250 billion on 2022-02-04)"
    for c in figures:
        if not c["stance"]:
            assert c["figure_only"] and not c["substantive"], c["text"]
    for c in claims:  # recount the rule from the recorded fields
        rule = bool((c["stance"] or set(c["issues"]) - GENERIC_ISSUES)
                    and not c["figure_only"])
        assert c["substantive"] == rule or (c["substantive"] and not c["figure_only"])
    assert "figure" in ev.details["about"]


def _claim(text: str, **kw) -> Claim:  # type: ignore[no-untyped-def]
    return Claim("d", 0, 0, len(text), text, 0, **kw)


def test_figure_rule_on_single_claims() -> None:
    trade = _claim("As you have pointed out, it reached US$123 billion in November.",
                   issues=("trade",), speaker_side="CHN")
    assert figure_only(trade) and not substantive_claim(trade)
    backed = _claim("China supports Russia's plan to raise trade to US$250 billion.",
                    issues=("trade",), stance="supports")
    assert not figure_only(backed) and substantive_claim(backed)
    dated = _claim("The leaders discussed Taiwan, following their talks on February 4.",
                   issues=("taiwan",))
    assert not figure_only(dated) and substantive_claim(dated)
    zh = _claim("双边贸易额在前三个季度首次突破千亿美元大关。", issues=("trade",))
    assert figure_only(zh) and not substantive_claim(zh)


def test_compare_all_and_report_share_a_curated_pair() -> None:
    st = build("H3")  # one curated pair (event key), no corpus imported
    try:
        ca = compare_all(st, "RUS", "CHN")
        rep = report(st, "RUS", "CHN", pillars=["readouts"])
        ev = rep.evidence_by_id("readouts.unconfirmed")
        assert [(r["doc_a"], r["doc_b"]) for r in ev.details["pairs"]] == list(
            zip(ca.pairs["doc_a"], ca.pairs["doc_b"], strict=True))
        assert list(ca.pairs["basis"]) == ["readout pair"]
        assert ev.details["transcript_pairs"] == []
        assert "transcript" not in bottom_line(rep)
    finally:
        st.close()


def test_contacts_trend_starts_at_the_first_year_with_meaningful_coverage() -> None:
    # a CCTV-like series: 2016 is one day file (0.99 days), 2017 two months, later whole years,
    # 2026 a fortnight so far; 2020 is thin inside the span and stays
    days = pd.Series({2016: 0.99, 2017: 60.0, 2018: 365.0, 2019: 365.0, 2020: 20.0,
                      2021: 365.0, 2022: 365.0, 2023: 365.0, 2024: 366.0, 2025: 365.0,
                      2026: 14.0})
    s = pd.Series({2016: 0.0, 2017: 0.0, 2018: 5.0, 2019: 6.0, 2020: 1.0, 2021: 7.0,
                   2022: 9.0, 2023: 8.0, 2024: 7.0, 2025: 6.0, 2026: 1.0})
    ev = _series_trend(Context(None, "RUS", "CHN", []), s, "corpus.cctv_xwlb",  # type: ignore[arg-type]
                       "corpus cctv-xwlb", "contacts", None, days)
    assert ev is not None
    kept = [y for y in days.index if 2017 <= y <= 2025]
    assert all(days[y] >= MIN_YEAR_DAYS for y in (kept[0], kept[-1]))
    mid = kept[len(kept) // 2]
    assert ev.period == f"{kept[0]}–{kept[-1]}"
    assert f"{kept[0]}–{mid - 1} vs {mid}–{kept[-1]}" in ev.title
    early = s[[y for y in kept if y < mid]].sum() / days[[y for y in kept if y < mid]].sum() * 30
    late = s[[y for y in kept if y >= mid]].sum() / days[[y for y in kept if y >= mid]].sum() * 30
    assert ev.trend["before"] == pytest.approx(early)
    assert ev.trend["after"] == pytest.approx(late)
    assert ev.coverage["years"] == len(kept)
    assert set(ev.coverage["left_out_years"]) == {2016, 2026}
    assert "2016 (1 covered day)" in ev.coverage["note"]
    assert "2026 (14 covered days)" in ev.coverage["note"]
    assert str(MIN_YEAR_DAYS) in ev.coverage["note"]
