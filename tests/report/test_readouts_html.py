"""The readout comparison page: self-contained, escaped, every span traceable to its offsets."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.report.readouts_html import render_readouts_html, save_readouts_html
from bilat.text.documents import document_from_text, load_document
from bilat.text.readouts import compare_readouts

TEXTS = Path(__file__).resolve().parents[1] / "fixtures" / "texts"


def _cmp():
    return compare_readouts([
        load_document(TEXTS / "aug2021_chn_en.txt", side="CHN", date="2021-08-25"),
        load_document(TEXTS / "aug2021_rus_en.txt", side="RUS", date="2021-08-25"),
    ])


def test_page_is_self_contained_and_spans_carry_offsets() -> None:
    cmp = _cmp()
    html = render_readouts_html(cmp)
    assert "<script src" not in html and "<link" not in html and "http://" not in html
    spans = re.findall(r'<span class="claim lab-(\w+)[^"]*" id="([^"]+)" data-doc="(\w+)" '
                       r'data-start="(\d+)" data-end="(\d+)"[^>]*>(.*?)</span>', html, re.S)
    assert len(spans) == len(cmp.results)
    docs = {d.doc_id: d for d in cmp.documents}
    for label, _anchor, doc_id, start, end, inner in spans:
        assert docs[doc_id].text[int(start):int(end)] == unescape(inner)
        assert label in ("shared", "divergent", "one_sided", "unconfirmed_attribution")
    taiwan = [s for s in spans if "Taiwan" in s[5]]
    assert taiwan and taiwan[0][0] == "unconfirmed_attribution"
    anchors = {s[1] for s in spans}
    for target in re.findall(r'data-counterpart="([^"]+)"', html):
        assert target in anchors  # every link lands on a claim of the other readout
    assert "Asymmetry score" in html and cmp.asymmetry_definition in unescape(html)


def test_document_text_is_escaped() -> None:
    hostile = (TEXTS / "hostile.txt").read_text(encoding="utf-8")
    a = document_from_text(hostile, side="CHN", date="2021-08-25")
    b = document_from_text("Vladimir Putin and Xi Jinping discussed trade & energy <b>today</b>.",
                           side="RUS", date="2021-08-25", title="<i>title</i>")
    html = render_readouts_html(compare_readouts([a, b]))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "China &amp; Russia" in html
    assert "<b>today</b>" not in html and "&lt;b&gt;today&lt;/b&gt;" in html
    assert "<i>title</i>" not in html
    assert html.count("<script>") == 1  # the page's own hover script only


def test_save_and_unwritable_target(tmp_path: Path) -> None:
    cmp = _cmp()
    path = save_readouts_html(cmp, tmp_path / "cmp.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(BilatError) as exc:
        save_readouts_html(cmp, tmp_path / "missing" / "dir" / "cmp.html")
    assert exc.value.code == "E005"


def test_matched_claims_show_their_counterpart_text() -> None:
    cmp = _cmp()
    html = unescape(render_readouts_html(cmp))
    assert "<h2>Matched claims</h2>" in html
    shared = [r for r in cmp.results if r.label == "shared"
              and r.claim.doc_id == cmp.documents[0].doc_id]
    assert shared
    by_id = {c.claim_id: c for cs in cmp.claims.values() for c in cs}
    table = html.split("<h2>Matched claims</h2>", 1)[1].split("<h2>", 1)[0]
    for r in shared:
        assert r.claim.text in table and by_id[r.counterpart].text in table
    assert "confidence" in table
