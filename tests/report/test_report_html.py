"""The report page: self-contained, escaped, matrix linked to evidence, banner on test texts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bilat.assess import report
from bilat.report.report_html import save_report
from bilat.text.documents import document_from_text, save_document
from tests.assess.synthetic import build


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    st = build("H3")
    # a readout with markup in it: must be shown, never run
    save_document(st, document_from_text(
        "Putin said Russia firmly supports China's position on Taiwan <script>alert(1)</script>.",
        side="CHN", date="2021-04-01", event="markup-call", kind="readout",
        parties=("RUS", "CHN"), language="en", source_url="synthetic:markup"))
    rep = report(st, "RUS", "CHN", pillars=["votes", "readouts", "statements"])
    out = tmp_path_factory.mktemp("report")
    save_report(rep, out)
    st.close()
    return out, rep


def test_files_and_json(written: tuple[Path, object]) -> None:
    out, rep = written
    for name in ("index.html", "report.json", "votes.csv", "core_votes.csv", "words_deeds.csv",
                 "readouts-synthetic-call.html"):
        assert (out / name).is_file(), name
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["ach"]["ranking"] == rep.ach.scores.ranking
    assert {e["id"] for e in data["evidence"]} == {e.id for e in rep.evidence}
    assert data["pillars"][0]["pillar"] == "votes"


def test_page_is_self_contained_escaped_and_linked(written: tuple[Path, object]) -> None:
    out, rep = written
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # no external resources: no src=/href= to http(s), no @import
    assert not re.search(r'(?:src|href)\s*=\s*"(?:https?:)?//', html)
    assert "vegaEmbed" in html
    # every matrix cell links to an evidence block that exists
    anchors = set(re.findall(r'id="(ev-[^"]+)"', html))
    links = re.findall(r'<td class="r [a-z]+" title="[^"]*"><a href="#(ev-[^"]+)"', html)
    assert links and set(links) <= anchors
    assert len(links) == len(rep.ach.rows) * 3
    assert 'id="unverified-banner"' in html and "NOT A VERIFIED ORIGINAL" in html
    assert rep.bottom_line[:60] in html.replace("&#39;", "'")
