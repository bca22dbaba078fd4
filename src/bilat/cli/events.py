"""`bilat events …` (ingest, indicators, sql, ids, quarantine) and `bilat fetch gdelt`.

Each command calls the library function of the same name in :mod:`bilat.sources.gdelt` or
:mod:`bilat.indicators.events`; data goes to stdout, progress and summaries to stderr.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bilat.cli._base import (
    FormatOption,
    MirrorOption,
    OutputOption,
    app,
    emit,
    err,
    fetch_app,
    get_store,
)
from bilat.errors import error
from bilat.indicators import events as ind
from bilat.sources import gdelt

events_app = typer.Typer(help="GDELT event data: ingest files, dyad indicators, SQL, provenance.",
                         no_args_is_help=True)
app.add_typer(events_app, name="events")

OnBadRows = typer.Option("fail", "--on-bad-rows",
                         help="fail (default), skip (count and drop) or quarantine (keep aside).")


@contextmanager
def _progress(label: str) -> Iterator[gdelt.ProgressCallback]:
    """A Rich progress bar on stderr, exposed to the library as a plain callback."""
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=err, transient=True,
                   disable=not err.is_terminal)  # no bar (nor blank line) in logs and pipes
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(f"{label} {stage}", total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with bar:
        yield update


def _pairs(countries: list[str], refs: list[str]) -> tuple[str, str, list[tuple[str, str]]]:
    """Main pair and reference pairs from `A B --ref C D --ref E-F` (Click hands the second
    country of a spaced --ref to the positional list)."""
    extra = list(countries[2:])
    pairs: list[tuple[str, str]] = []
    for r in refs:
        for sep in ("–", "-", ",", ":", "/"):
            if sep in r:
                x, _, y = r.partition(sep)
                pairs.append((x.strip(), y.strip()))
                break
        else:
            if not extra:
                raise error("E012", value=r, option="--ref", options="two countries: --ref RUS BLR")
            pairs.append((r, extra.pop(0)))
    if len(countries) < 2 or extra:
        raise error("E012", value=" ".join(countries), option="COUNTRIES",
                    options="exactly two countries, e.g. RUS CHN (reference pairs with --ref)")
    return countries[0], countries[1], pairs


@fetch_app.command("gdelt")
def fetch_gdelt(
    start: str = typer.Option(..., "--start", help="First day, YYYY-MM-DD."),
    end: str = typer.Option(..., "--end", help="Last day (inclusive), YYYY-MM-DD."),
    version: int = typer.Option(2, "--version", help="GDELT version: 2 (15-minute) or 1 (daily)."),
    mirror: Path | None = MirrorOption,
    on_bad_rows: str = OnBadRows,
    allow_missing: bool = typer.Option(False, "--allow-missing",
                                       help="Accept files the server or mirror lacks."),
    base_url: str | None = typer.Option(
        None, "--base-url", help="Another GDELT server (default: data.gdeltproject.org)."),
    by: str = typer.Option("day", "--by", help="Completeness report per day, month or file."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Download GDELT event exports for a date range (or read a mirror) and ingest them."""
    store = get_store()
    try:
        with _progress("gdelt") as progress:
            report = gdelt.fetch_gdelt(start, end, version, mirror=mirror, store=store,
                                       on_bad_rows=on_bad_rows, allow_missing=allow_missing,
                                       base_url=base_url, progress=progress)
        emit(report.completeness(by), fmt, output, title=f"GDELT files received, by {by}")
        err.print(report.summary(), markup=False)
    finally:
        store.close()


@events_app.command("ingest")
def ingest(
    files: list[Path] = typer.Argument(..., help="GDELT export files (.CSV or .zip, 1.0 or 2.0)."),
    on_bad_rows: str = OnBadRows,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Ingest local GDELT export files into the store (atomic; re-ingesting adds nothing)."""
    store = get_store()
    try:
        with _progress("ingest") as progress:
            report = gdelt.ingest(store, files, on_bad_rows=on_bad_rows, progress=progress)
        emit(report.to_frame(), fmt, output, title="Ingested GDELT files")
        err.print(f"{report.rows:,} rows stored, {report.skipped:,} set aside "
                  f"({on_bad_rows})", markup=False)
    finally:
        store.close()


#: What the terminal table shows first; CSV/JSON/Parquet carry every column and denominator.
_TABLE_COLUMNS = ["dyad", "direction", "period", "events", "verbal_coop", "material_coop",
                  "verbal_conflict", "material_conflict", "goldstein_mean", "net_cooperation",
                  "material_verbal_ratio", "gov_contacts", "avg_tone", "volume_a", "volume_b"]


@events_app.command("indicators")
def indicators(
    countries: list[str] = typer.Argument(..., help="The pair, e.g. RUS CHN (ISO3 or names)."),
    ref: list[str] = typer.Option([], "--ref", help="Reference pair: --ref RUS BLR (repeat)."),
    period: str = typer.Option("month", "--period", help="day, week, month, quarter or year."),
    direction: str = typer.Option("both", "--direction",
                                  help="both (A→B, B→A, A–B), directed, a2b, b2a, undirected."),
    actor_type: str | None = typer.Option(None, "--actor-type",
                                          help="CAMEO actor type(s) both actors must have: GOV, "
                                          "MIL or GOV,MIL."),
    dedup: str = typer.Option("none", "--dedup", help="none, daily (one per day, dyad and "
                              "code) or root (root events only)."),
    start: str | None = typer.Option(None, "--start", help="First day (YYYY-MM-DD, YYYY-MM)."),
    end: str | None = typer.Option(None, "--end", help="Last day (YYYY-MM-DD, YYYY-MM)."),
    version: list[int] = typer.Option([], "--gdelt-version", help="Only GDELT 1 or 2 rows."),
    indicator: str | None = typer.Option(None, "--indicator",
                                         help="Show (and chart) one indicator."),
    chart: Path | None = typer.Option(None, "--chart", help="Write a Vega-Lite chart (HTML)."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Dyad indicators per period: quad-class counts, normalised shares with denominators,
    Goldstein, net cooperation, deeds per word, government contacts, tone."""
    a, b, refs = _pairs(countries, ref)
    store = get_store()
    try:
        df = ind.indicators(store, a, b, refs=refs, period=period, direction=direction,
                            actor_type=actor_type, dedup=dedup, start=start, end=end,
                            versions=version, indicator=indicator)
    finally:
        store.close()
    emit(df, fmt, output, title=f"{a}–{b} event indicators per {period} (dedup: {dedup})",
         columns=_TABLE_COLUMNS)
    if chart is not None:
        ind.chart(df, indicator or "events", chart)
        err.print(f"wrote {chart}", markup=False)


@events_app.command("sql")
def sql(
    countries: list[str] = typer.Argument(..., help="The pair, e.g. RUS CHN."),
    ref: list[str] = typer.Option([], "--ref", help="Reference pair: --ref RUS BLR (repeat)."),
    dialect: str = typer.Option("duckdb", "--dialect", help="duckdb, spark or bigquery."),
    period: str = typer.Option("month", "--period"),
    direction: str = typer.Option("both", "--direction"),
    actor_type: str | None = typer.Option(None, "--actor-type"),
    dedup: str = typer.Option("none", "--dedup"),
    start: str | None = typer.Option(None, "--start"),
    end: str | None = typer.Option(None, "--end"),
) -> None:
    """Print the indicator query as SQL (BigQuery: the public gdelt-bq.gdeltv2.events)."""
    a, b, refs = _pairs(countries, ref)
    text = ind.sql(a, b, dialect=dialect, refs=refs, period=period, direction=direction,
                   actor_type=actor_type, dedup=dedup, start=start, end=end)
    typer.echo(text, nl=False)


@events_app.command("ids")
def ids(
    countries: list[str] = typer.Argument(..., help="The pair, e.g. RUS CHN."),
    at: str = typer.Option(..., "--at", help="The period: 2019-10 (month), 2019-Q4, 2019…"),
    period: str = typer.Option("month", "--period"),
    direction: str = typer.Option("undirected", "--direction",
                                  help="undirected (A–B), a2b, b2a, or both (all directions)."),
    quad: int | None = typer.Option(None, "--quad", help="Only QuadClass 1-4."),
    contacts: bool = typer.Option(False, "--contacts", help="Only government contacts."),
    actor_type: str | None = typer.Option(None, "--actor-type"),
    dedup: str = typer.Option("none", "--dedup"),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """List the events (GLOBALEVENTID, SOURCEURL, file) behind one indicator cell."""
    a, b, _ = _pairs(countries, [])
    store = get_store()
    try:
        df = ind.ids(store, a, b, at=at, period=period, direction=direction, quad=quad,
                     contacts=contacts, actor_type=actor_type, dedup=dedup)
    finally:
        store.close()
    emit(df, fmt, output, title=f"events behind {a}–{b} {at}")


@events_app.command("quarantine")
def quarantine(fmt: str = FormatOption, output: Path | None = OutputOption) -> None:
    """Rows set aside by --on-bad-rows quarantine: file, line, reason and the raw line."""
    store = get_store()
    try:
        df = gdelt.quarantine(store)
    finally:
        store.close()
    emit(df, fmt, output, title="GDELT rows in quarantine")
