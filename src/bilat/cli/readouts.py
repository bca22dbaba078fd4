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
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bilat.cli._base import MirrorOption, OutputOption, app, emit, err, fetch_app, get_store, out
from bilat.errors import error

if TYPE_CHECKING:
    from bilat.text.readouts import Comparison

readouts_app = typer.Typer(help="Compare the two sides' readouts of one call or summit.",
                           no_args_is_help=True)
documents_app = typer.Typer(help="Readouts, statements and transcripts in the store.",
                            no_args_is_help=True)
app.add_typer(readouts_app, name="readouts")
app.add_typer(documents_app, name="documents")

_SIDE = re.compile(r"^[A-Za-z][A-Za-z '-]{1,39}$")  # ISO3 or a name, resolved later
_DATE = re.compile(r"^\d{4}(?:-\d{2}){0,2}$")
COMPARE_FORMATS = ("text", "json", "html")
SHOW_CHOICES = ("flagged", "shared", "matched", "all")


def _safe(text: object) -> Text:
    """Document text for a terminal: Rich ``Text`` (never markup), escapes shown, not run."""
    from bilat.text.documents import safe_terminal

    return Text(safe_terminal("" if text is None else str(text)))


def parse_spec(spec: str) -> tuple[str, str | None, str | None]:
    """``PATH[@SIDE][@DATE]`` → (source, side, date); '@' parts that are neither stay in PATH."""
    source, side, when = spec, None, None
    while "@" in source:
        head, _, tail = source.rpartition("@")
        if _DATE.match(tail) and when is None:
            when = tail
        elif _SIDE.match(tail) and side is None:
            side = tail.upper() if len(tail) == 3 else tail  # an ISO3 code, or a name
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
    show: str = typer.Option("flagged", "--show", help="What the text output lists: flagged "
                             "(one-sided and unconfirmed), shared (matched pairs with scores), "
                             "matched (shared and divergent), all (every claim)."),
    shared_threshold: float | None = typer.Option(
        None, "--shared-threshold", help="Score a counterpart needs for a shared label "
        "(0-1; default 0.45, chosen by cross-validation on the genuine pairs; given, it "
        "applies across languages too)."),
    cross_language_threshold: float | None = typer.Option(
        None, "--cross-language-threshold", help="The same for documents in different "
        "languages aligned without reading wording (0-1; default: --shared-threshold, else "
        "0.45)."),
    attribution_threshold: float = typer.Option(
        0.30, "--attribution-threshold", help="The same for claims a readout attributes to "
        "the other side or to both (0-1)."),
    language: list[str] = typer.Option([], "--language", "-l", help="Language (en, ru, zh) "
                                       "of each document, in order, when its detection is "
                                       "wrong; repeat."),
    mirror: Path | None = MirrorOption,
) -> None:
    """Label every claim shared / divergent / one-sided / unconfirmed attribution."""
    from bilat.text.documents import check_language
    from bilat.text.readouts import compare_readouts

    if fmt not in COMPARE_FORMATS:
        raise error("E004", value=fmt, options=", ".join(COMPARE_FORMATS))
    if show not in SHOW_CHOICES:
        raise error("E012", value=show, option="--show", options=", ".join(SHOW_CHOICES))
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
    store = get_store(write=False) if needs_store else None
    languages = [check_language(v) for v in language[: len(specs)]]
    try:
        sources: list[object] = [s for s, _, _ in specs]
        for i, lang in enumerate(languages):
            # a user-set language: read the document with it instead of the detected one
            sources[i] = _with_language(specs[i][0], lang, store, mirror)
        cmp = compare_readouts(
            sources, store=store, sides=sides, dates=dates, lexicon=lex,  # type: ignore[arg-type]
            aligner=aligner, force=force, max_days=max_days, mirror=mirror,
            shared_threshold=shared_threshold, attribution_threshold=attribution_threshold,
            cross_language_threshold=cross_language_threshold,
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
        for note in cmp.notes:
            if note.startswith("WARNING"):
                err.print(Text(note, style="yellow"))
        if output is None:
            print_comparison(cmp, out, show=show)
        else:
            try:
                with Path(output).open("w", encoding="utf-8") as fh:
                    print_comparison(cmp, Console(file=fh, width=160, highlight=False),
                                     show=show)
            except OSError as exc:
                raise error("E005", path=output, reason=exc.strerror or str(exc)) from exc
            err.print(f"wrote {output}")


def _with_language(src: str, language: str, store: object, mirror: Path | None) -> object:
    """The document ``src`` (file, URL or stored id) read as ``language``."""
    from bilat.text.documents import get_document, load_document, with_meta

    if re.match(r"^https?://", src) or Path(src).expanduser().is_file():
        return load_document(src, mirror=mirror, language=language)
    if store is None:
        raise error("E315", value=src)
    return with_meta(get_document(store, src), language=language)  # type: ignore[arg-type]


def _write(text: str, output: Path | None) -> None:
    if output is None:
        out.file.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise error("E005", path=output, reason=exc.strerror or str(exc)) from exc
    err.print(f"wrote {output}")


def print_comparison(cmp: Comparison, console: Console, show: str = "flagged") -> None:
    """The terminal summary: documents, label counts, asymmetry, issues, then the claims that
    ``show`` asks for (flagged; shared or matched pairs with their scores; all)."""
    from bilat.text.readouts import LABELS

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
    if show in ("shared", "matched"):
        _print_matched(cmp, console, ("shared",) if show == "shared" else ("shared",
                                                                           "divergent"))
        return
    chosen = cmp.results if show == "all" else cmp.flagged
    if not chosen:
        console.print(Text("no one-sided claims and no unconfirmed attributions"))
        return
    what = "All claims" if show == "all" else "Flagged claims"
    console.print(Text(f"\n{what} ({len(chosen)}): doc id:start-end, speaker, issues, "
                       "confidence", style="bold"))
    by_id = {c.claim_id: c for cs in cmp.claims.values() for c in cs}
    for r in chosen:
        c = r.claim
        label = r.label + (f" ({', '.join(r.flags)})" if r.flags else "")
        head = Text()
        head.append(f"[{label}] ", style="bold red" if r.flags else "bold")
        head.append(f"{c.doc_id}:{c.start}-{c.end}  ")
        head.append_text(_safe(f"{c.speaker or '?'} ({c.speaker_side or '?'})"))
        head.append(f"  issues: {', '.join(c.issues) or '-'}  confidence {r.confidence:.2f}")
        console.print(head)
        console.print(Text("    ").append_text(_safe(c.text)))
        other = by_id.get(r.counterpart or "")
        if other is not None:
            console.print(Text(f"    ↔ {other.claim_id} (score {r.score:.2f}): ",
                               style="dim").append_text(_safe(other.text)))
        if r.reasons:
            console.print(Text("    why: " + "; ".join(r.reasons), style="dim"))
        if r.confidence_reason:
            console.print(Text("    confidence: " + r.confidence_reason, style="dim"))


def _print_matched(cmp: Comparison, console: Console, labels: tuple[str, ...]) -> None:
    """Matched pairs with their scores: each claim and its counterpart, side by side."""
    df = cmp.matched(labels)
    if df.empty:
        console.print(Text("no matched claims"))
        return
    console.print(Text(f"\nMatched claims ({len(df)}; each claim with its counterpart, score "
                       "and confidence)", style="bold"))
    for row in df.itertuples(index=False):
        head = Text()
        head.append(f"[{row.label}] ", style="bold")
        head.append(f"{row.claim_id} ↔ {row.counterpart}  score {row.score:.2f}  "
                    f"confidence {row.confidence:.2f}  ")
        head.append_text(_safe(f"{row.speaker or '?'} / {row.counterpart_speaker or '?'}"))
        console.print(head)
        console.print(Text("    ").append_text(_safe(row.text)))
        console.print(Text("    ↔ ").append_text(_safe(row.counterpart_text)))
        if row.reasons:
            console.print(Text("    why: " + row.reasons, style="dim"))


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
    language: str | None = typer.Option(None, "--language", "-l", help="Language of the text "
                                        "(en, ru, zh) when its detection is wrong."),
    mirror: Path | None = MirrorOption,
) -> None:
    """Read a document and store it (a changed text at the same address is a new version).

    Without --side, the side is inferred from unambiguous opening words ("Vladimir Putin had a
    telephone conversation with …", "国家主席习近平…同…通电话", "… spoke today with …"), with a
    note; otherwise a warning says attributions cannot be checked.
    """
    from bilat.text.documents import LANGUAGE_NAMES, SUPPORTED, add_document, check_language

    lang = check_language(language) if language else None
    store = get_store(write=True)
    try:
        doc = add_document(store, source, side=side, date=date, kind=kind, event=event,
                           issuer=issuer, title=title, parties=party, encoding=encoding,
                           mirror=mirror, language=lang)
    finally:
        store.close()
    for note in doc.notes:
        err.print(_safe(f"note: {note}"))
    if doc.side is None:
        err.print(Text("warning: no side given and none could be inferred from the opening "
                       "words; give --side ISO3 so that attributions can be checked",
                       style="yellow"))
    if doc.language not in SUPPORTED:
        err.print(Text(f"warning: the text is in {LANGUAGE_NAMES.get(doc.language, doc.language)}"
                       f" ({doc.language}); bilat analyses {', '.join(SUPPORTED)} only",
                       style="yellow"))
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
    from bilat.text.documents import list_documents, safe_terminal

    store = get_store()
    try:
        df = list_documents(store, side=side, kind=kind, event=event, since=since, until=until)
    finally:
        store.close()
    if fmt == "table" and output is None:
        # stored titles and sources come from documents: never write their escapes raw
        import pandas as pd

        for col in df.columns:
            if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
                df[col] = df[col].map(lambda v: safe_terminal(v) if isinstance(v, str) else v)
    emit(df, fmt, output, title="documents")


@documents_app.command("show")
def show(
    doc_id: str = typer.Argument(..., help="Document id or a unique prefix."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """One stored document: its metadata (stderr), then its text (stdout; terminal escape
    sequences and control characters shown as symbols, never run; -f json for the exact
    text)."""
    from bilat.text.documents import get_document, safe_terminal

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
        err.print(_safe(f"{key}: {getattr(doc, key) or ''}"))
    text = safe_terminal(doc.text)
    out.file.write(text + ("\n" if not text.endswith("\n") else ""))


@fetch_app.command("document")
def fetch_document_cmd(
    url: str = typer.Argument(..., help="http(s) URL of a readout or statement."),
    output: Path | None = OutputOption,
    mirror: Path | None = MirrorOption,
) -> None:
    """Download one page (or read its mirror copy) and print its main text."""
    from bilat.text.documents import clean_text, fetch_document, safe_terminal

    text, title, when = fetch_document(url, mirror=mirror)
    text, notes = clean_text(text, url)
    for note in notes:
        err.print(_safe(f"note: {note}"))
    if title or when:
        err.print(_safe(f"title: {title or ''}  date: {when or ''}"))
    _write((safe_terminal(text) if output is None else text) + "\n", output)
