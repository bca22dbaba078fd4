"""`bilat statements …`: joint-statement lineage (what is new, reaffirmed, dropped, omitted).

``bilat statements lineage DOC…`` calls :func:`bilat.text.lineage.lineage` and prints its
report: a Rich summary (text), JSON or a self-contained HTML page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from bilat.cli._base import app, err, get_store, out
from bilat.errors import error

if TYPE_CHECKING:
    from bilat.text.lineage import LineageReport

statements_app = typer.Typer(
    help="Joint statements: what is new, what only reaffirms, what was dropped or left out.",
    no_args_is_help=True,
)
app.add_typer(statements_app, name="statements")

FORMATS = ("text", "json", "html")


def _split(values: list[str] | None) -> list[str]:
    """Values given repeatedly and/or comma-separated, in order, without empties."""
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


def _short(text: str, n: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


@statements_app.command("lineage")
def lineage_cmd(
    docs: list[str] = typer.Argument(
        ..., metavar="DOC…",
        help="Statements of the same parties, any order: file paths (text, HTML, PDF), "
             "FILE@YYYY-MM-DD to give a file's date, or stored document ids.",
    ),
    watch: list[str] = typer.Option(
        None, "--watch", "-w",
        help="Issue keys that should be there (watch-list): --watch ukraine nato, "
             "--watch ukraine,nato or --watch ukraine --watch nato.",
    ),
    date: list[str] = typer.Option(
        None, "--date", help="Date of each DOC in order (YYYY-MM-DD), when not in DOC@DATE."),
    parties: str = typer.Option(
        None, "--parties", help="The two parties, ISO3: RUS,CHN (default: from the documents)."),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or html."),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file."),
    window_weeks: int = typer.Option(
        4, "--window-weeks", help="Weeks around the statement for readouts and before it for "
                                  "event data (omissions)."),
    events: bool = typer.Option(True, "--events/--no-events",
                                help="Check the event data in the store for omissions."),
    readouts: bool = typer.Option(True, "--readouts/--no-readouts",
                                  help="Check the parties' stored readouts for omissions."),
    aligner: str = typer.Option("lexical", "--aligner",
                                help="Claim similarity: lexical (default), auto, features or "
                                "embeddings."),
    show_all: bool = typer.Option(False, "--all",
                                  help="Text format: show every later statement, not only "
                                       "the newest."),
    language: list[str] = typer.Option([], "--language", "-l", help="Language (en, ru, zh) "
                                       "of each DOC, in order, when its detection is wrong; "
                                       "repeat."),
) -> None:
    """Label every claim of the newest statement new / reaffirmed / strengthened / weakened
    against all earlier ones (closest earlier counterpart, date the commitment first
    appeared), list dropped commitments and salient issues left out (watch-list, the parties'
    stored readouts, stored GDELT events).

    Statements given out of date order are sorted (a note says so); a text given twice is
    kept once; statements of other parties are refused.
    """
    from bilat.text.lexicon import load_lexicon
    from bilat.text.lineage import lineage

    if fmt not in FORMATS:
        raise error("E004", value=fmt, options=", ".join(FORMATS))
    watch_list = _split(watch)
    sources = list(docs)
    if watch_list:
        # `--watch ukraine nato`: Click hands `nato` to DOC…; take issue keys that are not files
        keys = set(load_lexicon().issues)
        moved = [d for d in sources if d in keys and not Path(d).exists()]
        watch_list += moved
        sources = [d for d in sources if d not in moved]
    party_list = [p.upper() for p in _split([parties])] if parties else None
    store = get_store()
    try:
        report = lineage(
            sources, store=store, dates=_split(date) or None, parties=party_list,
            watch=watch_list, window_weeks=window_weeks, events=events, readouts=readouts,
            aligner=aligner, languages=language,
        )
    finally:
        store.close()
    for note in report.notes:
        err.print(f"note: {note}", markup=False)
    if fmt == "json":
        _write(report.to_json(), output)
    elif fmt == "html":
        from bilat.report.lineage_html import render_lineage_html

        _write(render_lineage_html(report), output)
    else:
        _print_text(report, output, show_all=show_all)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        out.file.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise error("E005", path=output, reason=exc.strerror or str(exc)) from exc
    err.print(f"wrote {output}", markup=False)


def _print_text(report: LineageReport, output: Path | None, *, show_all: bool) -> None:
    """The Rich summary: quotable text, claims, dropped, omissions (document text as plain)."""
    from rich.console import Console

    if output is not None:
        try:
            fh = Path(output).open("w", encoding="utf-8")  # noqa: SIM115  closed in finally
        except OSError as exc:
            raise error("E005", path=output, reason=exc.strerror or str(exc)) from exc
        console = Console(file=fh, width=160, highlight=False, soft_wrap=False)
    else:
        fh = None
        console = out
    try:
        summary = report.summary()
        console.print(Text(f"Lineage of the statement of {summary['date']} "
                           f"({summary['doc_id']}) against "
                           f"{len(summary['against'])} earlier statement(s)", style="bold"))
        console.print(Text(summary["text"]))
        statements = report.statements if show_all else [report.focus]
        for st in statements:
            table = Table(title=f"Claims of {st.doc.date} ({st.doc.doc_id})", show_lines=False)
            for col in ("#", "label", "first", "counterpart", "sim"):
                table.add_column(col, no_wrap=True)
            table.add_column("change", overflow="fold", max_width=24)
            table.add_column("claim", overflow="fold", ratio=1, min_width=30)
            for k, cl in enumerate(st.claims):
                cp = cl.counterpart
                table.add_row(
                    Text(str(k)), Text(cl.label),
                    Text(cl.first_appeared.date or "" if cl.label != "new" else ""),
                    Text(f"{cp.date} [{cp.start}–{cp.end}]" if cp else ""),
                    Text("" if cl.similarity is None else f"{cl.similarity:.2f}"),
                    Text(cl.change or ""), Text(_short(cl.claim.quote, 160)),
                )
            console.print(table)
            if st.dropped:
                dt = Table(title=f"Dropped from the previous statement ({len(st.dropped)})")
                for col in ("last seen", "first", "best sim"):
                    dt.add_column(col, no_wrap=True)
                dt.add_column("claim", overflow="fold", ratio=1, min_width=30)
                for d in st.dropped:
                    dt.add_row(Text(f"{d.claim.date} [{d.claim.start}–{d.claim.end}]"),
                               Text(d.first_appeared.date or ""), Text(f"{d.similarity:.2f}"),
                               Text(_short(d.claim.quote)))
                console.print(dt)
        om = report.omissions
        if om is not None:
            console.print(Text(f"Omissions checked: watch-list {', '.join(om.watch) or '(none)'};"
                               f" {len(om.readouts)} readout(s) within {om.window_weeks} weeks; "
                               f"{om.events_note}"))
            if om.omissions:
                ot = Table(title=f"Omitted though salient ({len(om.omissions)})")
                for col in ("issue", "salient from", "evidence"):
                    ot.add_column(col, overflow="fold")
                for o in om.omissions:
                    ev = []
                    if o.readout_mentions:
                        ev.append("readouts: " + "; ".join(
                            f"{m.doc_id} {m.date} [{m.start}–{m.end}]"
                            for m in o.readout_mentions[:3]))
                    if o.events is not None:
                        e = o.events
                        ids = ", ".join(str(s["GLOBALEVENTID"]) for s in e.sample[:3])
                        ev.append(f"events: {e.count}/{e.total} ({e.share:.0%}) vs baseline "
                                  f"{e.baseline_count}/{e.baseline_total}; {e.rule}"
                                  + (f"; e.g. {ids}" if ids else ""))
                    ot.add_row(Text(o.label), Text(", ".join(o.sources)), Text("\n".join(ev)))
                console.print(ot)
            else:
                console.print(Text("No salient issue is missing from the statement."))
    finally:
        if fh is not None:
            fh.close()
            err.print(f"wrote {output}", markup=False)
