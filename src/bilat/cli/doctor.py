"""`bilat doctor`: the store checks itself (parts, views, ingest log) and says how to repair."""

from __future__ import annotations

from pathlib import Path

import typer

from bilat.cli._base import FormatOption, OutputOption, app, emit, err, get_store


@app.command("doctor")
def doctor(
    repair: bool = typer.Option(False, "--repair", help="Unregister missing or damaged "
                                "parts and remove left-over folders, then name the files to "
                                "ingest again."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Check the store: every GDELT part's files present and whole, views readable, the
    ingest log in agreement with the tables; exit code 1 when something is wrong."""
    from bilat.store import doctor as D

    store = get_store(write=repair)
    try:
        if repair:
            again = D.repair(store)
            if again:
                err.print("ingest these files again: " + ", ".join(again), markup=False)
        df = D.doctor(store)
    finally:
        store.close()
    emit(df, fmt, output, title=f"store check: {store.path or ':memory:'}",
         columns=["check", "object", "status", "detail", "repair"])
    problems = int((df["status"] == "problem").sum())
    err.print(f"{problems} problem(s) found" + ("" if problems else ": the store is whole"),
              markup=False)
    if problems:
        raise typer.Exit(1)
