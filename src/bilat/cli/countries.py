"""`bilat countries`: print the country crosswalk (ISO, FIPS 10-4, CAMEO, COW, UN names)."""

from __future__ import annotations

from pathlib import Path

import typer

from bilat.cli._base import FormatOption, OutputOption, app, emit

_SHORT = ["entity", "iso3", "name", "iso2", "fips", "cameo", "cow_num", "cow_abbr",
          "historical"]


@app.command("countries")
def countries(
    search: str | None = typer.Argument(
        None, help="Only rows whose code (ISO, FIPS, CAMEO, COW) or name/alias matches this."
    ),
    all_columns: bool = typer.Option(
        False, "--all", help="Show every column (aliases, UN admission, notes)."
    ),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Show the country crosswalk: which ISO3 code every source's country code means."""
    from bilat.reference.countries import countries_rows

    rows = countries_rows(search)  # the rows of `countries(search)`, without pandas
    if fmt == "table" and not all_columns:
        rows = rows.select(_SHORT)  # missing codes print as blanks, not "<NA>"
    emit(rows, fmt, output, title="Country crosswalk")
