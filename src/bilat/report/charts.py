"""Vega-Lite charts (Altair) of any indicator over time, saved as self-contained HTML.

Self-contained means the Vega, Vega-Lite and vega-embed scripts are inlined (via
``vl-convert-python``), so the page opens offline and on air-gapped machines.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from bilat.errors import error

#: Chart file types ``save_chart`` writes, chosen by the file's suffix.
CHART_SUFFIXES = (".html", ".htm", ".json", ".png", ".svg")


def time_chart(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None = None,
    title: str | None = None,
    tooltip: Sequence[str] = (),
    y_title: str | None = None,
) -> alt.Chart:
    """A line chart of ``y`` over ``x`` (dates or years), one line per ``color`` value."""
    data = df.copy()
    x_type = "T" if pd.api.types.is_datetime64_any_dtype(data[x]) else "O"
    if x_type == "O" and pd.api.types.is_numeric_dtype(data[x]):
        x_type = "Q"
    x_axis = alt.Axis()
    if x_type == "Q" and pd.api.types.is_integer_dtype(data[x]):
        x_axis = alt.Axis(format="d", tickMinStep=1)  # years: 2014, not 2,014
    enc: dict[str, Any] = {
        "x": alt.X(f"{x}:{x_type}", title=x, axis=x_axis),
        "y": alt.Y(f"{y}:Q", title=y_title or y),
        "tooltip": [alt.Tooltip(c) for c in (x, y, *([color] if color else []), *tooltip)],
    }
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=color)
    chart = alt.Chart(data).mark_line(point=True).encode(**enc)
    return chart.properties(title=title or f"{y} over {x}", width=720, height=320).interactive()


def save_chart(chart: alt.TopLevelMixin, path: str | Path) -> Path:
    """Write ``chart`` by the file's suffix: self-contained ``.html`` (default), the bare
    Vega-Lite ``.json`` spec, or a ``.png`` / ``.svg`` image (rendered by vl-convert)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in CHART_SUFFIXES:
        raise error("E012", value=target.name, option="--chart",
                    options="a file ending in " + ", ".join(CHART_SUFFIXES))
    try:
        if suffix == ".json":
            target.write_text(chart.to_json(), encoding="utf-8")
        elif suffix in (".png", ".svg"):
            chart.save(str(target), format=suffix[1:])
        else:
            chart.save(str(target), format="html", inline=True)
    except OSError as exc:
        raise error("E005", path=target, reason=exc.strerror or str(exc)) from exc
    return target


def coverage_chart(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    partial: str = "partial",
    title: str | None = None,
    tooltip: Sequence[str] = (),
    y_title: str | None = None,
    note: str | None = None,
) -> alt.LayerChart:
    """A line chart of ``y`` over time that shows how complete each point is.

    A row whose ``y`` is missing (NaN/None: a period without data) breaks its line instead of
    being bridged; points of rows where ``partial`` is true are drawn hollow, complete ones
    filled; ``note`` is printed under the title (e.g. what the measure is normalised by).
    Each ``color`` value is one line.
    """
    data = df.copy()
    data["_coverage"] = data[partial].map(lambda v: "partial period" if bool(v) else
                                          "complete period")
    x_type = "T" if pd.api.types.is_datetime64_any_dtype(data[x]) else "O"
    enc_x = alt.X(f"{x}:{x_type}", title=x)
    enc_y = alt.Y(f"{y}:Q", title=y_title or y)
    tips = [alt.Tooltip(c) for c in dict.fromkeys((x, y, color, "_coverage", *tooltip))
            if c in data.columns]
    base = alt.Chart(data).encode(x=enc_x, y=enc_y, color=alt.Color(f"{color}:N", title=color))
    # invalid=None: a NULL value breaks the path (Vega-Lite does not bridge gaps then)
    line = base.mark_line(invalid="break-paths-show-domains")
    points = base.transform_filter(f"isValid(datum['{y}'])").mark_point(size=50).encode(
        shape=alt.Shape("_coverage:N", title="coverage",
                        scale=alt.Scale(domain=["complete period", "partial period"],
                                        range=["circle", "triangle-down"])),
        # the fill repeats the line colour: no legend of its own (one legend per channel the
        # reader needs: the colour's and the coverage shape's)
        fill=alt.condition(alt.datum._coverage == "partial period", alt.value("white"),
                           alt.Color(f"{color}:N", legend=None)),
        tooltip=tips)
    heading: Any = title or f"{y} over {x}"
    if note:
        heading = alt.TitleParams(text=heading, subtitle=note)
    return alt.layer(line, points).properties(title=heading, width=720, height=320).interactive()
