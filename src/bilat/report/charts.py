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
