"""`bilat events …` (ingest, indicators, contacts, sql, ids, quarantine) and `bilat fetch
gdelt|icews|icews-tkg|icews-dyad-year`.

Each command calls the library function of the same name in :mod:`bilat.sources.gdelt`,
:mod:`bilat.sources.icews*` or :mod:`bilat.indicators.events`; data goes to stdout, progress,
notes and summaries to stderr. Heavy modules are imported inside the commands.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from bilat.cli._base import (
    FormatOption,
    MirrorOption,
    OutputOption,
    app,
    emit,
    err,
    fetch_app,
    get_store,
    parse_pairs,
)

events_app = typer.Typer(help="Event data (GDELT, ICEWS): ingest files, dyad indicators with "
                         "coverage, leader contacts, SQL, provenance.", no_args_is_help=True)
app.add_typer(events_app, name="events")

OnBadRows = typer.Option("fail", "--on-bad-rows",
                         help="fail (default), skip (count and drop) or quarantine (keep aside).")


@contextmanager
def _progress(label: str) -> Iterator[Any]:
    """A Rich progress bar on stderr, exposed to the library as a plain callback."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

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
    """Main pair and reference pairs (ISO3) from `A B --ref C D --ref E-F`."""
    return parse_pairs(countries, refs)


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
    compact: bool = typer.Option(True, "--compact/--no-compact", help="Afterwards, compact "
                                 "the parts (one per month, sorted by actor country) when more "
                                 "than 8 are in ingest order (`bilat compact` does it later)."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Download GDELT event exports for a date range (or read a mirror) and ingest them; then
    compact the parts when more than 8 are in ingest order (--no-compact: leave them)."""
    from bilat.sources import gdelt

    store = get_store(write=True)
    try:
        with _progress("gdelt") as progress:
            report = gdelt.fetch_gdelt(start, end, version, mirror=mirror, store=store,
                                       on_bad_rows=on_bad_rows, allow_missing=allow_missing,
                                       base_url=base_url, progress=progress)
        emit(report.completeness(by), fmt, output, title=f"GDELT files received, by {by}")
        err.print(report.summary(), markup=False)
        if compact:
            from bilat.cli.compaction import after_fetch

            after_fetch(store)  # compaction when many parts are in ingest order
    finally:
        store.close()


@events_app.command("ingest")
def ingest(
    files: list[Path] = typer.Argument(
        ..., help="Event files: GDELT exports (.CSV or .zip, 1.0 or 2.0), ICEWS Dataverse files "
        "(.tab or .zip), ICEWS quadruple files (train/valid/test.txt beside entity2id.txt) or "
        "the ICEWS dyad-year icews.rda; the format is told by the header."),
    on_bad_rows: str = OnBadRows,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Ingest local event files into the store (atomic; re-ingesting adds nothing)."""
    from bilat.sources.icews import split_by_format

    groups = split_by_format(files)
    store = get_store(write=True)
    try:
        others = {k: v for k, v in groups.items() if k != "gdelt" and v}
        if others:
            from bilat.sources.icews import ingest_by_format

            frame = ingest_by_format(store, others, on_bad_rows=on_bad_rows)
            emit(frame, fmt, output, title="Ingested ICEWS files")
            err.print(f"{int(frame['rows_added'].sum()):,} rows stored, "
                      f"{int(frame['rows_already_stored'].sum()):,} already stored from "
                      f"another file, {int(frame['bad_rows'].sum()):,} set aside "
                      f"({on_bad_rows})", markup=False)
        files = groups.get("gdelt", [])
        if not files:
            return
        with _progress("ingest") as progress:
            report = _ingest_gdelt(store, files, on_bad_rows, progress)
        emit(report.to_frame(), fmt, output, title="Ingested GDELT files")
        err.print(f"{report.rows:,} rows stored, {report.skipped:,} set aside "
                  f"({on_bad_rows})", markup=False)
    finally:
        store.close()


def _ingest_gdelt(store: Any, files: list[Path], on_bad_rows: str, progress: Any) -> Any:
    """:func:`bilat.sources.gdelt.ingest` for the files ``events ingest`` took for GDELT (no
    ICEWS header, not a quadruple set, not .rda). A file GDELT cannot place by its field
    count (E106) and whose name is not a GDELT export's (``YYYYMMDD[HHMMSS].export.CSV``,
    ``YYYY[MM].zip``) matched none of the layouts ``events ingest`` reads, so the error says
    so and names them all (E152), not GDELT's alone."""
    import re

    from bilat.errors import BilatError, error
    from bilat.sources import gdelt

    try:
        return gdelt.ingest(store, files, on_bad_rows=on_bad_rows, progress=progress)
    except BilatError as exc:
        if exc.code != "E106":
            raise
        path = exc.path or (str(files[0]) if len(files) == 1 else "?")
        if re.fullmatch(r"\d{4,14}(\.export)?\.csv(\.zip)?|\d{4,6}\.zip", Path(path).name,
                        flags=re.IGNORECASE):
            raise  # named as a GDELT export: GDELT's own message (57/58/61 fields)
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                first = fh.readline().rstrip("\r\n")
        except OSError:
            first = ""
        found = (f"{first.count(chr(9)) + 1} tab-separated field(s), "
                 f"{first.count(',') + 1} comma-separated; no ICEWS header")
        raise error("E152", path=path, found=found) from None


#: What the terminal table shows first; CSV/JSON/Parquet carry every column and denominator.
_TABLE_COLUMNS = ["source", "dyad", "direction", "period", "events", "coverage", "partial",
                  "low_n", "events_per_1k_a", "verbal_coop", "material_coop", "verbal_conflict",
                  "material_conflict", "goldstein_mean", "net_cooperation",
                  "material_verbal_ratio", "gov_contacts", "avg_tone", "volume_a", "volume_b"]
SourceOption = typer.Option(
    "all", "--source", help="gdelt, icews, icews-tkg (derived), icews-dyad-year or all (each "
    "source the store holds; sources side by side, never summed).")
MinEventsOption = typer.Option(
    10, "--min-events", help="Flag periods with fewer dyad events (contacts) as low_n "
    "(default 10).")


def _notes(df: Any) -> None:
    for note in getattr(df, "attrs", {}).get("notes", []):
        err.print(f"note: {note}", markup=False)


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
                              "code) or root (GDELT root events only)."),
    start: str | None = typer.Option(None, "--start", help="First day (YYYY-MM-DD, YYYY-MM)."),
    end: str | None = typer.Option(None, "--end", help="Last day (YYYY-MM-DD, YYYY-MM)."),
    version: list[int] = typer.Option([], "--gdelt-version", help="Only GDELT 1 or 2 rows."),
    source: str = SourceOption,
    min_events: int = MinEventsOption,
    indicator: str | None = typer.Option(None, "--indicator",
                                         help="Show (and chart) one indicator."),
    chart: Path | None = typer.Option(
        None, "--chart", help="Write a Vega-Lite chart (HTML, or .json/.png/.svg); it plots "
        "--indicator, by default events per 1,000 of A's events, partial periods marked, no "
        "line across periods without data."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Dyad indicators per period and source, each row with its coverage and flags: quad-class
    counts, normalised shares with denominators, Goldstein, net cooperation, deeds per word,
    government contacts, tone."""
    from bilat.indicators import events as ind

    a, b, refs = _pairs(countries, ref)
    store = get_store()
    try:
        if getattr(store, "engine", "duckdb") == "pyspark":  # --store pyspark://…
            err.print(f"running on Spark ({store.master}) over the GDELT parts of "
                      f"{store.catalogue}; coverage and flags from that store", markup=False)
        # the rows of ind.indicators(…), without pandas when the dyad-day layer answers
        rows = ind.indicator_rows(store, a, b, refs=refs, period=period, direction=direction,
                                  actor_type=actor_type, dedup=dedup, start=start, end=end,
                                  versions=version, indicator=indicator, source=source,
                                  min_events=min_events)
    finally:
        store.close()
    cols = _TABLE_COLUMNS if indicator is None else \
        ["source", "dyad", "direction", "period", indicator, "coverage", "partial", "low_n",
         "events"]
    if not refs:  # one dyad: it is in the title, and the flags need the room in a terminal
        cols = [c for c in cols if c != "dyad"]
    emit(rows, fmt, output, title=f"{a}–{b} event indicators per {period} (source: {source}; "
         f"dedup: {dedup}; low_n: fewer than {min_events} events)", columns=cols)
    _notes(rows)
    if chart is not None:
        ind.chart(rows.to_pandas(), indicator, chart)
        err.print(f"wrote {chart}", markup=False)


@events_app.command("contacts")
def contacts(
    countries: list[str] = typer.Argument(..., help="The pair, e.g. RUS CHN (ISO3 or names)."),
    ref: list[str] = typer.Option([], "--ref", help="Reference pair: --ref RUS BLR (repeat)."),
    period: str = typer.Option("year", "--period", help="month or year (also day, week, "
                               "quarter)."),
    source: str = typer.Option("all", "--source", help="gdelt, icews, icews-tkg (derived) or "
                               "all."),
    start: str | None = typer.Option(None, "--start", help="First day (YYYY-MM-DD, YYYY-MM)."),
    end: str | None = typer.Option(None, "--end", help="Last day (YYYY-MM-DD, YYYY-MM)."),
    min_events: int = MinEventsOption,
    compare: bool = typer.Option(True, "--compare/--no-compare",
                                 help="Add the leader-engagement and corpus contact series "
                                 "the store holds, side by side."),
    listing: bool = typer.Option(False, "--list", help="One row per contact (day and kind) "
                                 "with its event ids, instead of counts per period."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Meetings, visits, calls and negotiations between the two governments (CAMEO 036,
    040-046, government or named-leader actors on both sides), one per dyad, day and kind."""
    from bilat.indicators import events as ind

    a, b, refs = _pairs(countries, ref)
    store = get_store()
    try:
        if listing:
            df = ind.contact_list(store, a, b, source=source, refs=refs, start=start, end=end)
        else:
            df = ind.contacts(store, a, b, period=period, source=source, refs=refs,
                              start=start, end=end, min_events=min_events, compare=compare)
    finally:
        store.close()
    if listing:
        emit(df, fmt, output, title=f"{a}–{b} government contacts (one per dyad, day, kind)",
             columns=["source", "dyad", "date", "kind", "events", "actors", "event_ids"])
        return
    emit(df, fmt, output, title=f"{a}–{b} government contacts per {period} (source: {source})",
         columns=["source", "dyad", "period", "contacts", "coverage", "partial", "low_n",
                  "visits", "calls", "meetings", "negotiations", "events"])
    _notes(df)
    err.print(f"event-data contacts: {ind.CONTACT_BASIS}", markup=False)


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
    from bilat.indicators import events as ind

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
    source: str = typer.Option("gdelt", "--source", help="gdelt (GLOBALEVENTID, SOURCEURL), "
                               "icews or icews-tkg (Event ID, Story ID, publisher, file, line)."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """List the events (GDELT: GLOBALEVENTID, SOURCEURL, file; ICEWS: Event ID, Story ID,
    publisher, file, line) behind one indicator cell."""
    from bilat.indicators import events as ind

    a, b, _ = _pairs(countries, [])
    store = get_store()
    try:
        df = ind.ids(store, a, b, at=at, period=period, direction=direction, quad=quad,
                     contacts=contacts, actor_type=actor_type, dedup=dedup, source=source)
    finally:
        store.close()
    emit(df, fmt, output, title=f"events behind {a}–{b} {at}")


@events_app.command("quarantine")
def quarantine(
    source: str | None = typer.Option(
        None, "--source", help="Only this source's rows (gdelt, icews, unvotes …); "
        "default: every source."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Rows set aside by --on-bad-rows quarantine: source, file, line, reason, raw line."""
    from bilat.sources import gdelt

    store = get_store(write=False)
    try:
        df = gdelt.quarantine(store, kind=source)
    finally:
        store.close()
    emit(df, fmt, output, title="Rows in quarantine")


def _fetch_results(results: Any, title: str, fmt: str, output: Path | None) -> None:
    from bilat.sources.core import results_frame

    frame = results_frame(results)
    emit(frame, fmt, output, title=title)
    err.print(f"{int(frame['rows_added'].sum()):,} rows stored, "
              f"{int(frame['rows_already_stored'].sum()):,} already stored from another file, "
              f"{int(frame['bad_rows'].sum()):,} set aside", markup=False)


@fetch_app.command("icews")
def fetch_icews(
    mirror: Path | None = MirrorOption,
    on_bad_rows: str = OnBadRows,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Load the ICEWS event files (Dataverse layout, daily or yearly, .tab or .zip) found under
    <mirror>/icews/."""
    from bilat.sources.icews import fetch_icews as run

    store = get_store()
    try:
        _fetch_results(run(store, mirror, on_bad_rows=on_bad_rows), "ICEWS event files", fmt,
                       output)
    finally:
        store.close()


@fetch_app.command("icews-tkg")
def fetch_icews_tkg(
    mirror: Path | None = MirrorOption,
    on_bad_rows: str = OnBadRows,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Load the ICEWS quadruple sets (derived source) found under <mirror>/icews-tkg/."""
    from bilat.sources.icews_tkg import fetch_icews_tkg as run

    store = get_store()
    try:
        _fetch_results(run(store, mirror, on_bad_rows=on_bad_rows),
                       "ICEWS quadruple files (derived)", fmt, output)
    finally:
        store.close()


@fetch_app.command("icews-dyad-year")
def fetch_icews_dyad_year(
    mirror: Path | None = MirrorOption,
    on_bad_rows: str = OnBadRows,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Load the ICEWS dyad-year quad counts 2002-2014 (<mirror>/icews-dyad-year/icews.rda)."""
    from bilat.sources.icews_dyad_year import fetch_icews_dyad_year as run

    store = get_store()
    try:
        _fetch_results(run(store, mirror, on_bad_rows=on_bad_rows),
                       "ICEWS dyad-year aggregates", fmt, output)
    finally:
        store.close()
