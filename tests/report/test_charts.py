"""Charts are self-contained: no script is loaded from a CDN."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.report.charts import save_chart, time_chart


def test_chart_html_is_self_contained(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "period": pd.to_datetime(["2014-01-01", "2014-02-01", "2014-01-01", "2014-02-01"]),
            "value": [1.0, 2.0, 3.0, 1.5],
            "dyad": ["RUS-CHN", "RUS-CHN", "RUS-BLR", "RUS-BLR"],
        }
    )
    out = save_chart(time_chart(df, x="period", y="value", color="dyad"), tmp_path / "c.html")
    html = out.read_text(encoding="utf-8")
    assert "RUS-BLR" in html and "vega-lite" in html.lower()
    assert "cdn.jsdelivr.net" not in html
    spec = save_chart(time_chart(df, x="period", y="value"), tmp_path / "c.json").read_text()
    assert '"mark"' in spec


def test_integer_years_are_not_shown_with_thousands_separators(tmp_path: Path) -> None:
    df = pd.DataFrame({"year": [2013, 2014, 2015], "agree": [0.8, 0.85, 0.82]})
    spec = time_chart(df, x="year", y="agree").to_dict()
    assert spec["encoding"]["x"]["axis"]["format"] == "d"


def test_images_by_suffix_and_unknown_suffix_refused(tmp_path: Path) -> None:
    df = pd.DataFrame({"year": [2013, 2014], "agree": [0.8, 0.85]})
    chart = time_chart(df, x="year", y="agree")
    assert save_chart(chart, tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = save_chart(chart, tmp_path / "c.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg")
    with pytest.raises(BilatError) as exc:
        save_chart(chart, tmp_path / "c.pdf")
    assert exc.value.code == "E012" and not (tmp_path / "c.pdf").exists()


def test_coverage_chart_has_one_legend_per_channel(tmp_path: Path) -> None:
    """QA12 17: the partial-period fill repeats the line colour; it must not draw a second
    legend of the colour field (the events chart showed "series" twice)."""
    from bilat.report.charts import coverage_chart

    df = pd.DataFrame({"period": ["2018-10", "2018-11", "2018-10", "2018-11"],
                       "events": [53.0, 200.0, 86.0, None],
                       "series": ["CHN–PAK", "CHN–PAK", "CHN–IND", "CHN–IND"],
                       "partial": [True, False, False, False]})
    chart = coverage_chart(df, x="period", y="events", color="series", partial="partial")
    svg = save_chart(chart, tmp_path / "c.svg").read_text(encoding="utf-8")
    # legend titles are drawn as text elements: the colour field once, the coverage shape once
    titles = re.findall(r"<text[^>]*>(series|coverage)</text>", svg)
    assert titles.count("series") == 1 and titles.count("coverage") == 1
    # every series still appears in the (single) colour legend
    for s in ("CHN–PAK", "CHN–IND"):
        assert svg.count(f">{s}</text>") == 1
