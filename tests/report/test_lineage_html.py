"""The lineage HTML page: self-contained, every document text escaped, every link resolvable."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from bilat.report.lineage_html import render_lineage_html, save_lineage_html
from bilat.sources.gdelt import ingest
from bilat.store import Store
from bilat.text.documents import document_from_text
from bilat.text.lineage import lineage

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "lineage"
SHORT = [f"{FIX / 'short_2014.txt'}@2014-05-20", f"{FIX / 'short_2019.txt'}@2019-06-05",
         f"{FIX / 'short_2022.txt'}@2022-02-04"]
EVIL = "<script>alert('x')</script>"


def _docs_with_script() -> list:  # type: ignore[type-arg]
    earlier = document_from_text(
        f"The sides will expand cooperation in the energy sector {EVIL} along the eastern route."
        "\n\nThe sides will jointly celebrate the anniversary of the Victory.",
        side="JOINT", date="2019-06-05", kind="statement", parties=("RUS", "CHN"),
        language="en", title=f"Old {EVIL}")
    newer = document_from_text(
        f"The sides will expand cooperation in the energy sector {EVIL} along the eastern route."
        f"\n\nThe sides oppose further enlargement of NATO <b>now</b> & {EVIL}.",
        side="JOINT", date="2022-02-04", kind="statement", parties=("RUS", "CHN"),
        language="en", title=f"New {EVIL}")
    return [earlier, newer]


def test_document_text_is_escaped() -> None:
    html = render_lineage_html(lineage(_docs_with_script(), watch=["ukraine"]))
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(" in html
    assert "<b>now</b>" not in html and "&lt;b&gt;now&lt;/b&gt; &amp;" in html


def test_page_is_self_contained_and_links_resolve() -> None:
    html = render_lineage_html(lineage(SHORT, parties=["RUS", "CHN"], watch=["ukraine"]))
    assert not re.search(r"<(?:script|link|img|iframe)\b", html, re.IGNORECASE)
    ids = set(re.findall(r'id="([^"]+)"', html))
    targets = re.findall(r'href="#([^"]+)"', html)
    assert targets and all(t in ids for t in targets)
    for label in ("new", "reaffirmed", "strengthened", "weakened"):
        assert f'class="l-{label}"' in html
    assert 'class="l-dropped"' in html  # the dropped lunar clause, marked in 2019's text
    assert "stance supports→firmly_supports" in html
    assert "first appeared" in html and "2014-05-20" in html
    assert "Ukraine" in html and "watch" in html


def test_event_evidence_and_only_http_links(store: Store, tmp_path: Path) -> None:
    ingest(store, [FIX / "20220204120000.export.CSV", FIX / "20211215120000.export.CSV"])
    report = lineage(SHORT, parties=["RUS", "CHN"], store=store)
    om = report.omissions.omissions[0]
    ev = om.events
    assert ev is not None
    # a SOURCEURL that is not http(s) must never become a link
    sample = ({**ev.sample[0], "SOURCEURL": "javascript:alert(1)"}, *ev.sample[1:])
    ev = replace(ev, sample=sample)
    report.omissions.omissions[0] = replace(om, events=ev)
    path = save_lineage_html(report, tmp_path / "lineage.html")
    html = path.read_text(encoding="utf-8")
    assert str(ev.sample[1]["GLOBALEVENTID"]) in html
    assert 'href="https://news.example.org/' in html
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html
    assert "16 of 35 events" in html
