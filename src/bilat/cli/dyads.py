"""`bilat dyads panel`: the dyad-year panel of every pillar (a thin layer over
:func:`bilat.indicators.panel.panel`)."""

from __future__ import annotations

from pathlib import Path

import typer

from bilat.cli._base import FormatOption, OutputOption, app, emit, err, get_store, parse_pairs

dyads_app = typer.Typer(help="Dyad-year panels joining votes, events and material ties.",
                        no_args_is_help=True)
app.add_typer(dyads_app, name="dyads")


@dyads_app.command("panel")
def panel(
    countries: list[str] = typer.Argument(None, help="A B (ISO3 or names), e.g. RUS CHN."),
    ref: list[str] = typer.Option([], "--ref", help="Reference dyad: --ref RUS BLR or "
                                  "--ref USA-GBR (repeatable)."),
    years: str | None = typer.Option(None, "--years", "-y", help="Year or range, e.g. "
                                     "1992-2018."),
    all_dyads: bool = typer.Option(False, "--all-dyads", help="Every dyad with data in "
                                   "--year."),
    year: int | None = typer.Option(None, "--year", help="The year for --all-dyads."),
    pillar: list[str] = typer.Option([], "--pillar", help="votes, events, trade, arms, "
                                     "alliances, igos, exercises, energy, engagements "
                                     "(repeatable; all by default)."),
    percentiles: bool = typer.Option(False, "--percentiles", help="Add each material "
                                     "column's percentile among all dyads that year."),
    chart: str | None = typer.Option(None, "--chart", help="COLUMN=FILE: also chart one "
                                     "column over time, e.g. arms_tiv_ab=tiv.html."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """One row per dyad and year, one column per indicator, a coverage column per pillar."""
    from bilat.errors import error
    from bilat.indicators import panel as P

    countries = countries or []
    if all_dyads:
        if countries or ref:
            raise error("E508", what="--all-dyads takes no countries",
                        fix="drop A B and --ref, or drop --all-dyads")
        a = b = None
        refs: list[tuple[str, str]] = []
    else:
        a, b, refs = parse_pairs(countries, ref)
    store = get_store()
    try:
        df = P.panel(store, a, b, refs=refs, years=years, all_dyads=all_dyads, year=year,
                     pillars=pillar or None, percentiles=percentiles)
        if chart:
            col, sep, path = chart.partition("=")
            if not sep or not path:
                raise error("E508", what=f"--chart {chart!r} is not COLUMN=FILE",
                            fix="e.g. --chart arms_tiv_ab=tiv.html")
            P.chart(df, col, path)
            err.print(f"wrote {path}", markup=False)
        # the headline value of each pillar first, then the coverage flags
        emit(df, fmt, output, title="dyad-year panel",
             columns=["dyad", "year", *P.main_columns(df),
                      *[c for c in df.columns if c.startswith("coverage_")]])
    finally:
        store.close()
