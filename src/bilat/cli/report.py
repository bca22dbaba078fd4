"""``bilat report A B``, ``bilat status`` and ``bilat fetch all``: the main job.

Thin commands over :func:`bilat.assess.report`, :func:`bilat.assess.data.status` and
:func:`bilat.assess.data.fetch_all`.
"""

from __future__ import annotations

from pathlib import Path

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
    state,
)


@app.command("report")
def report_cmd(
    countries: list[str] = typer.Argument(..., help="The pair, e.g. RUS CHN (names work too)."),
    ref: list[str] = typer.Option(
        [], "--ref", help="Yardstick dyad (repeatable): --ref RUS BLR or --ref USA-GBR. "
        "Default: RUS–BLR and USA–GBR for RUS CHN; for other pairs each side's "
        "highest-affinity UN partner."),
    years: str | None = typer.Option(None, "--years", help="Limit every pillar to YYYY-YYYY "
                                     "(default: all the data holds; UN votes from 1992)."),
    out: Path | None = typer.Option(None, "--out", help="Write index.html, report.json and the "
                                    "per-pillar files into this folder."),
    hypotheses: Path | None = typer.Option(None, "--hypotheses", help="A hypotheses TOML file "
                                           "(default: the shipped bilat/assess/hypotheses.toml)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text (summary) or json (every "
                            "figure) on stdout."),
) -> None:
    """The partnership report: every pillar's evidence weighed against three readings (ACH)."""
    from rich.text import Text

    from bilat.assess import report as build
    from bilat.errors import error

    if fmt not in ("text", "json"):
        raise error("E004", value=fmt, options="text, json")
    a, b, refs = parse_pairs(countries, ref)
    store = get_store()
    rep = build(store, a, b, refs=refs or None, years=years, hypotheses=hypotheses)
    if out is not None:
        from bilat.report.report_html import save_report

        written = save_report(rep, out)
        err.print(f"wrote {written['index.html']} and {len(written) - 1} more files in {out}",
                  markup=False)
    if fmt == "json":
        from bilat.cli._base import out as stdout

        stdout.file.write(rep.to_json() + "\n")
        return
    from bilat.cli._base import out as stdout

    for line in rep.summary_lines():
        stdout.print(Text(line))


@app.command("status")
def status_cmd(
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """What the store holds: each table's rows and date coverage, and what is missing."""
    from bilat.assess.data import status

    store = get_store()
    err.print(f"store: {store.path or ':memory:'}", markup=False)
    df = status(store)
    emit(df, fmt, output, title=f"bilat store {store.path or ':memory:'}",
         columns=["what", "rows", "first", "last", "state", "load"])


@fetch_app.command("all")
def fetch_all_cmd(
    mirror: str | None = MirrorOption,
    on_bad_rows: str = typer.Option("skip", "--on-bad-rows", help="fail, skip (default: count "
                                    "and drop) or quarantine, passed to every source."),
) -> None:
    """Load every source the mirror holds (registry order; idempotent; a failing source is
    reported and the rest still load), the genuine readout pairs included."""
    from rich.text import Text

    from bilat.assess.data import fetch_all

    store = get_store()
    err.print(f"store: {store.path or ':memory:'}", markup=False)

    def show(r: object) -> None:
        mark = {"loaded": "+", "unchanged": "=", "failed": "!", "absent": "-"}.get(
            getattr(r, "status", ""), "?")
        err.print(Text(f"{mark} {r.name:<14} {r.status:<9} {r.seconds:6.1f}s  {r.message}"))

    res = fetch_all(store, mirror, on_bad_rows=on_bad_rows, progress=show)
    failed = res.failed
    err.print(f"{len(res.results)} sources: "
              f"{sum(r.status == 'loaded' for r in res.results)} loaded, "
              f"{sum(r.status == 'unchanged' for r in res.results)} unchanged, "
              f"{sum(r.status == 'absent' for r in res.results)} absent, {len(failed)} failed",
              markup=False)
    if failed:
        raise typer.Exit(code=1 if not state.traceback else 1)
