"""`bilat compact`: merge the GDELT parts into one part per month, sorted by actor country."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from bilat.cli._base import FormatOption, OutputOption, app, emit, err, get_store


@app.command("compact")
def compact(
    small_rows: int = typer.Option(
        1_000_000, "--small-rows", help="A compacted part with fewer rows is merged again "
        "with new rows of its month."),
    row_group_rows: int = typer.Option(
        16_384, "--row-group-rows", help="Rows per Parquet row group (smaller: finer "
        "skipping of other dyads, a little more metadata)."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Compact the store's GDELT events: the parts in ingest order become one part per month
    of the event date, rows sorted by actor countries and date, so that event-level queries
    skip other dyads and months (one transaction; provenance, the ingest log and every sum
    kept). `bilat fetch gdelt` and `fetch all` run it themselves when more than 8 parts are
    in ingest order."""
    from bilat.store.compact import compact as run

    store = get_store(write=False)  # an existing store only (E022 names the path looked in)
    try:
        report = run(store, small_rows=small_rows, row_group_rows=row_group_rows)
    finally:
        store.close()
    if report.written:
        emit(report.to_frame(), fmt, output, title="GDELT parts written")
    err.print(report.summary(), markup=False)


def after_fetch(store: Any) -> None:
    """End of `bilat fetch gdelt` / `fetch all`: compact when more than
    :data:`bilat.store.compact.AUTO_PARTS` parts are in ingest order (a line on stderr)."""
    from bilat.store.compact import auto_compact

    report = auto_compact(store)
    if report is not None:
        err.print(report.summary(), markup=False)
