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
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the summary (text "
                                       "or json) to this file instead of stdout."),
) -> None:
    """The partnership report: every pillar's evidence weighed against three readings (ACH)."""
    from bilat.assess import report as build
    from bilat.errors import error

    if fmt not in ("text", "json"):
        raise error("E004", value=fmt, options="text, json")
    a, b, refs = parse_pairs(countries, ref)
    if output is not None:
        _check_writable(output)
    store = get_store()
    rep = build(store, a, b, refs=refs or None, years=years, hypotheses=hypotheses)
    if out is not None:
        from bilat.report.report_html import save_report

        written = save_report(rep, out)
        err.print(f"wrote {written['index.html']} and {len(written) - 1} more files in {out}",
                  markup=False)
    if fmt == "json":
        text = rep.to_json() + "\n"
        if output is None:
            from bilat.cli._base import out as stdout

            stdout.file.write(text)
        else:
            _write_text(output, text)
            err.print(f"wrote {output}", markup=False)
        return
    if output is None:
        from bilat.cli._base import out as stdout

        render_summary(rep, stdout)
        return
    from io import StringIO

    from rich.console import Console

    buf = StringIO()
    render_summary(rep, Console(file=buf, width=100, color_system=None, soft_wrap=False))
    _write_text(output, buf.getvalue())
    err.print(f"wrote {output}", markup=False)


def _check_writable(path: Path) -> None:
    """E005 before the work when ``path`` cannot be written (no folder, a folder, no access)."""
    from bilat.errors import error

    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise error("E005", path=path, reason="it is a folder; give a file name with -o FILE")
    if not parent.is_dir():
        raise error("E005", path=path, reason=f"no folder {parent}; create it or give another "
                    "-o FILE")


def _write_text(path: Path, text: str) -> None:
    from bilat.errors import error

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise error("E005", path=path, reason=f"{exc.strerror or exc}; give another -o FILE"
                    ) from exc


def render_summary(rep: object, console: object) -> None:
    """The terminal summary of a report, wrapped to the console's width (Rich tables and
    text; document text is never read as markup)."""
    from rich.table import Table
    from rich.text import Text

    s = rep.ach.scores
    names = {h["id"]: h["name"] for h in rep.ach.hypotheses}
    console.print(Text(rep.question), soft_wrap=False)
    console.print()
    ranks = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    ranks.add_column("", no_wrap=True)
    ranks.add_column("reading", overflow="fold")
    ranks.add_column("posterior", justify="right", no_wrap=True)
    ranks.add_column("inconsistency", justify="right", no_wrap=True)
    for h in s.ranking:
        ranks.add_row(Text(h), Text(names[h]), Text(f"{s.posterior[h]:.1%}"),
                      Text(f"{s.inconsistency[h]:.2f}"))
    console.print(ranks, soft_wrap=False)
    console.print()
    console.print(Text(rep.bottom_line), soft_wrap=False)
    console.print()
    pil = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    pil.add_column("pillar", overflow="fold", ratio=3)
    pil.add_column("status", no_wrap=True)
    pil.add_column("items", justify="right", no_wrap=True)
    pil.add_column("note", overflow="fold", ratio=2)
    for p in rep.pillars:
        note = f"load: {p.load_command}" if p.status == "missing" and p.load_command else ""
        if p.status == "no data":  # loaded, nothing for the pair/years: why, not what to load
            note = p.note
        if p.status == "thin":
            note = "every item on thin data: not rated"
        pil.add_row(Text(p.title), Text(p.status.upper()), Text(str(len(p.evidence))),
                    Text(note))
    console.print(pil, soft_wrap=False)
    if rep.unverified_texts:
        n = len(rep.unverified_texts)
        console.print()
        console.print(Text(f"! {n} text{'s' if n != 1 else ''} of the pair not verified "
                           "originals (test texts or unknown origin): "
                           + ", ".join(d["doc_id"] for d in rep.unverified_texts[:5])
                           + ("; the rest in report.json" if n > 5 else "")), soft_wrap=False)


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
    missing = df.attrs.get("missing", [])
    loads = dict(zip(df["what"], df["load"], strict=True))
    err.print("missing: " + ("; ".join(f"{m} (load: {loads[m]})" if loads.get(m) else m
                                       for m in missing) if missing
                             else "nothing (every registry source has rows in the store)"),
              markup=False)


@fetch_app.command("all")
def fetch_all_cmd(
    mirror: str | None = MirrorOption,
    on_bad_rows: str = typer.Option("skip", "--on-bad-rows", help="fail, skip (default: count "
                                    "and drop) or quarantine, passed to every source."),
    compact: bool = typer.Option(True, "--compact/--no-compact", help="Afterwards, compact "
                                 "the GDELT parts when more than 8 are in ingest order."),
) -> None:
    """Load every source the mirror holds (registry order; idempotent; a failing source is
    reported and the rest still load), the genuine readout pairs included; then compact the
    GDELT parts when more than 8 are in ingest order (--no-compact: leave them)."""
    from rich.text import Text

    from bilat.assess.data import fetch_all

    store = get_store()
    err.print(f"store: {store.path or ':memory:'}", markup=False)

    def show(r: object) -> None:
        mark = {"loaded": "+", "unchanged": "=", "failed": "!", "absent": "-"}.get(
            getattr(r, "status", ""), "?")
        err.print(Text(f"{mark} {r.name:<14} {r.status:<9} {r.seconds:6.1f}s  {r.message}"))

    res = fetch_all(store, mirror, on_bad_rows=on_bad_rows, progress=show)
    if compact:
        from bilat.cli.compaction import after_fetch

        after_fetch(store)  # compaction when many GDELT parts are in ingest order
    failed = res.failed
    err.print(f"{len(res.results)} sources: "
              f"{sum(r.status == 'loaded' for r in res.results)} loaded, "
              f"{sum(r.status == 'unchanged' for r in res.results)} unchanged, "
              f"{sum(r.status == 'absent' for r in res.results)} absent, {len(failed)} failed",
              markup=False)
    if failed:
        raise typer.Exit(code=1 if not state.traceback else 1)
