"""`bilat readouts compare`, `bilat documents add|list|show` and `bilat fetch document`.

Each command calls the library function of the same name (:func:`compare_readouts`,
:func:`add_document`, :func:`list_documents`, :func:`get_document`, :func:`fetch_document`);
data goes to stdout (or ``-o FILE``), messages to stderr.

A document argument of ``readouts compare`` is a file, an http(s) URL or a stored document id
(prefix), optionally followed by ``@SIDE`` and/or ``@YYYY-MM-DD``: ``cn.txt@CHN@2021-08-25``.
``--side``/``--date`` given once per document (in order) do the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bilat.cli._base import MirrorOption, OutputOption, app, emit, err, fetch_app, get_store, out
from bilat.errors import error
from bilat.text.documents import add_document, fetch_document, get_document, list_documents
from bilat.text.readouts import LABELS, Comparison, compare_readouts

readouts_app = typer.Typer(help="Compare the two sides' readouts of one call or summit.",
                           no_args_is_help=True)
documents_app = typer.Typer(help="Readouts, statements and transcripts in the store.",
                            no_args_is_help=True)
app.add_typer(readouts_app, name="readouts")
app.add_typer(documents_app, name="documents")

_SIDE = re.compile(r"^[A-Za-z]{3,5}$")
_DATE = re.compile(r"^\d{4}(?:-\d{2}){0,2}$")
COMPARE_FORMATS = ("text", "json", "html")


def parse_spec(spec: str) -> tuple[str, str | None, str | None]:
    """``PATH[@SIDE][@DATE]`` → (source, side, date); '@' parts that are neither stay in PATH."""
    source, side, when = spec, None, None
    while "@" in source:
        head, _, tail = source.rpartition("@")
        if _DATE.match(tail) and when is None:
            when = tail
        elif _SIDE.match(tail) and side is None:
            side = tail.upper()
        else:
            break
        source = head
    return source, side, when


@readouts_app.command("compare")
def compare(
    documents: list[str] = typer.Argument(..., help="2+ files, URLs or stored ids; each may "
                                          "end in @SIDE and/or @DATE: cn.txt@CHN@2021-08-25."),
    side: list[str] = typer.Option([], "--side", "-s", help="Side (ISO3) of each document, "
                                   "in order; repeat."),
    date: list[str] = typer.Option([], "--date", "-d", help="Event date of each document, "
                                   "in order; repeat."),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or html."),
    output: Path | None = OutputOption,
    aligner: str = typer.Option("auto", "--aligner", help="auto, lexical, features or "
                                "embeddings (needs the 'embeddings' extra)."),
    lexicon: Path | None = typer.Option(None, "--lexicon", help="Your own issue lexicon "
                                        "(JSON), added to the bundled one."),
    force: bool = typer.Option(False, "--force", help="Compare even if the documents look "
                               "like different events."),
    max_days: int = typer.Option(3, "--max-days", help="Largest date gap for one event."),
    mirror: Path | None = MirrorOption,
) -> None:
    """Label every claim shared / divergent / one-sided / unconfirmed attribution."""
    if fmt not in COMPARE_FORMATS:
        raise error("E004", value=fmt, options=", ".join(COMPARE_FORMATS))
    specs = [parse_spec(d) for d in documents]
    sides = [s for _, s, _ in specs]
    dates = [d for _, _, d in specs]
    for i, value in enumerate(side[: len(specs)]):
        sides[i] = value
    for i, value in enumerate(date[: len(specs)]):
        dates[i] = value
    from bilat.text.lexicon import load_lexicon

    lex = load_lexicon(lexicon) if lexicon else None
    needs_store = any(not re.match(r"^https?://", s) and not Path(s).expanduser().is_file()
                      for s, _, _ in specs)
    store = get_store() if needs_store else None
    try:
        cmp = compare_readouts(
            [s for s, _, _ in specs], store=store, sides=sides, dates=dates, lexicon=lex,
            aligner=aligner, force=force, max_days=max_days, mirror=mirror,
        )
    finally:
        if store is not None:
            store.close()
    if fmt == "json":
        _write(cmp.to_json() + "\n", output)
    elif fmt == "html":
        from bilat.report.readouts_html import render_readouts_html

        html = render_readouts_html(cmp)
        if output is None:
            out.file.write(html)
        else:
            _write(html, output)
    else:
        if output is None:
            print_comparison(cmp, out)
        else:
            try:
                with Path(output).open("w", encoding="utf-8") as fh:
                    print_comparison(cmp, Console(file=fh, width=160, highlight=False))
            except OSError as exc:
                raise error("E005", path=output, reason=exc.strerror or str(exc)) from exc
            err.print(f"wrote {output}")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        out.file.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise error("E005", path=output, reason=exc.strerror or str(exc)) from exc
    err.print(f"wrote {output}")


def print_comparison(cmp: Comparison, console: Console) -> None:
    """The terminal summary: documents, label counts, asymmetry, issues, flagged claims."""
    # one column per document, one row per measure: fits a narrow terminal for 2–3 readouts
    table = Table(title="Readout comparison", show_lines=False)
    table.add_column("")
    for d in cmp.documents:
        table.add_column(f"{d.side or '?'} {d.doc_id}", justify="right")
    counts = cmp.counts()
    rows: list[tuple[str, list[str]]] = [
        ("date", [d.date.isoformat() if d.date else "" for d in cmp.documents]),
        ("language", [d.language for d in cmp.documents]),
        ("claims", [str(r.claims) for r in counts.itertuples(index=False)]),
    ]
    names = {"one_sided": "one-sided", "unconfirmed_attribution": "unconfirmed attribution"}
    rows += [(names.get(lab, lab), [str(getattr(r, lab)) for r in counts.itertuples(index=False)])
             for lab in LABELS]
    rows.append(("unmatched share",
                 [f"{r.unmatched_share:.2f}" for r in counts.itertuples(index=False)]))
    for name, values in rows:
        table.add_row(Text(name), *(Text(v) for v in values))
    console.print(table)
    console.print(Text(f"asymmetry {cmp.asymmetry:+.3f}  ({cmp.asymmetry_definition})"))
    console.print(Text(f"method: {cmp.method}"))
    for d in cmp.documents:
        only = cmp.issues_only_in[d.doc_id]
        if only:
            console.print(Text(f"issues only in {d.side or d.doc_id}: {', '.join(only)}"))
    for note in cmp.notes:
        console.print(Text(f"note: {note}", style="dim"))
    flagged = cmp.flagged
    if not flagged:
        console.print(Text("no one-sided claims and no unconfirmed attributions"))
        return
    console.print(Text(f"\nFlagged claims ({len(flagged)}): doc id:start-end, speaker, issues",
                       style="bold"))
    for r in flagged:
        c = r.claim
        label = r.label + (f" ({', '.join(r.flags)})" if r.flags else "")
        head = Text()
        head.append(f"[{label}] ", style="bold red" if r.flags else "bold")
        head.append(f"{c.doc_id}:{c.start}-{c.end}  {c.speaker or '?'} ({c.speaker_side or '?'})"
                    f"  issues: {', '.join(c.issues) or '-'}")
        console.print(head)
        console.print(Text("    " + c.text))
        if r.reasons:
            console.print(Text("    why: " + "; ".join(r.reasons), style="dim"))


# ------------------------------------------------------------------------------- documents
@documents_app.command("add")
def add(
    source: str = typer.Argument(..., help="A text, HTML or PDF file, or an http(s) URL."),
    side: str | None = typer.Option(None, "--side", help="Issuing state, ISO3 (CHN, RUS); "
                                    "JOINT for joint statements."),
    date: str | None = typer.Option(None, "--date", help="Date of the event, YYYY-MM-DD."),
    kind: str = typer.Option("readout", "--kind", help="readout, statement, transcript, other."),
    event: str | None = typer.Option(None, "--event", help="Key grouping one call or summit."),
    issuer: str | None = typer.Option(None, "--issuer", help="e.g. 'Kremlin', 'PRC MFA'."),
    title: str | None = typer.Option(None, "--title"),
    party: list[str] = typer.Option([], "--party", help="State the document is about; repeat."),
    encoding: str | None = typer.Option(None, "--encoding", help="Force a text encoding."),
    mirror: Path | None = MirrorOption,
) -> None:
    """Read a document and store it (a changed text at the same address is a new version)."""
    store = get_store()
    try:
        doc = add_document(store, source, side=side, date=date, kind=kind, event=event,
                           issuer=issuer, title=title, parties=party, encoding=encoding,
                           mirror=mirror)
    finally:
        store.close()
    err.print(Text(f"stored {doc.doc_id} ({doc.language}, {len(doc.text)} characters, "
                   f"side {doc.side or '?'}, date {doc.date or '?'})"))
    out.print(Text(doc.doc_id))


@documents_app.command("list")
def list_(
    side: str | None = typer.Option(None, "--side"),
    kind: str | None = typer.Option(None, "--kind"),
    event: str | None = typer.Option(None, "--event"),
    since: str | None = typer.Option(None, "--since", help="First date, YYYY-MM-DD."),
    until: str | None = typer.Option(None, "--until", help="Last date, YYYY-MM-DD."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or parquet."),
    output: Path | None = OutputOption,
) -> None:
    """Stored documents (id, side, date, kind, event, language, title, source, version)."""
    store = get_store()
    try:
        df = list_documents(store, side=side, kind=kind, event=event, since=since, until=until)
    finally:
        store.close()
    emit(df, fmt, output, title="documents")


@documents_app.command("show")
def show(
    doc_id: str = typer.Argument(..., help="Document id or a unique prefix."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """One stored document: its metadata, then its text."""
    store = get_store()
    try:
        doc = get_document(store, doc_id)
    finally:
        store.close()
    if fmt == "json":
        import json
        from dataclasses import asdict

        data = asdict(doc)
        data["date"] = doc.date.isoformat() if doc.date else None
        data["retrieved_at"] = doc.retrieved_at.isoformat() if doc.retrieved_at else None
        out.file.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt != "text":
        raise error("E004", value=fmt, options="text, json")
    for key in ("doc_id", "side", "issuer", "date", "kind", "event", "language", "title",
                "source_url", "retrieved_at", "sha256"):
        err.print(Text(f"{key}: {getattr(doc, key) or ''}"))
    out.file.write(doc.text + ("\n" if not doc.text.endswith("\n") else ""))


@fetch_app.command("document")
def fetch_document_cmd(
    url: str = typer.Argument(..., help="http(s) URL of a readout or statement."),
    output: Path | None = OutputOption,
    mirror: Path | None = MirrorOption,
) -> None:
    """Download one page (or read its mirror copy) and print its main text."""
    text, title, when = fetch_document(url, mirror=mirror)
    if title or when:
        err.print(Text(f"title: {title or ''}  date: {when or ''}"))
    _write(text + "\n", output)
