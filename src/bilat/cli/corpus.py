"""`bilat documents import`, `bilat contacts`, `bilat speeches agenda|salience`,
`bilat readouts find` and `bilat readouts compare-all`.

Each command calls the library function of the same name (:func:`import_corpus`,
:func:`contacts`, :func:`agenda`, :func:`salience`, :func:`find_readouts`,
:func:`compare_all`); data goes to stdout (or ``-o FILE``), messages to stderr. The
``documents`` and ``readouts`` groups are those of :mod:`bilat.cli.readouts`.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.text import Text

from bilat.cli._base import FormatOption, OutputOption, app, emit, err, get_store, out, parse_pairs
from bilat.cli.readouts import documents_app, readouts_app

speeches_app = typer.Typer(help="UN General Debate speeches: issue salience and agenda overlap.",
                           no_args_is_help=True)
app.add_typer(speeches_app, name="speeches")


def _notes(df: object) -> None:
    for note in getattr(df, "attrs", {}).get("notes", []):
        err.print(Text(f"note: {note}", style="dim"))


@documents_app.command("import")
def import_cmd(
    path: Path = typer.Argument(..., help="A corpus folder or file (day files, CSV, speeches)."),
    fmt: str | None = typer.Option(None, "--format", help="xwlb, xwlb-json, kremlin-csv or "
                                   "ungdc; told from the layout when not given."),
    on_bad_rows: str = typer.Option("quarantine", "--on-bad-rows", help="fail, skip or "
                                    "quarantine (default: set malformed items aside, keep "
                                    "the rest)."),
    limit: int | None = typer.Option(None, "--limit", help="Only the first N files."),
    output_format: str = typer.Option("table", "-f", "--output-format",
                                      help="table, csv, json or parquet (the summary)."),
    output: Path | None = OutputOption,
) -> None:
    """Import a news or speech corpus: one document per item, with its provenance."""
    from bilat.text.corpus import import_corpus

    store = get_store(write=True)
    try:
        res = import_corpus(store, path, fmt, on_bad_rows=on_bad_rows, progress=None,
                            limit=limit)
    finally:
        store.close()
    for bad in res.bad_items[:20]:
        err.print(Text(f"set aside: {bad['file']} line {bad['line']}: {bad['reason']}"))
    if len(res.bad_items) > 20:
        err.print(Text(f"… and {len(res.bad_items) - 20} more (bilat events quarantine lists "
                       "quarantined rows)"))
    frame = res.to_frame()
    if frame.empty and output_format == "table" and output is None:
        # nothing new (a re-run): the summary line, not an empty table
        out.print(Text(res.summary()))
        return
    err.print(Text(res.summary()))
    emit(frame, output_format, output, title="corpus import")


@app.command("contacts")
def contacts_cmd(
    countries: list[str] = typer.Argument(..., help="Two states, e.g. RUS CHN."),
    ref: list[str] = typer.Option([], "--ref", help="Reference pair: --ref RUS BLR; repeat."),
    by: str = typer.Option("year", "--by", help="year or month."),
    source: str = typer.Option("all", "--source", help="corpus, events, engagements or all."),
    roles: str = typer.Option("any", "--roles", help="any (heads of state or government) or "
                              "state (heads of state only)."),
    start: str | None = typer.Option(None, "--start", help="First date, YYYY-MM-DD."),
    end: str | None = typer.Option(None, "--end", help="Last date, YYYY-MM-DD."),
    as_list: bool = typer.Option(False, "--list", help="List each contact report (date, "
                                 "kind, leaders, document id, offsets) instead of counts."),
    output_format: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Leader contacts of a pair per year or month, per source side by side (gaps as gaps)."""
    from bilat.text.contacts import contact_list, contacts

    a, b, refs = parse_pairs(countries, ref)
    store = get_store(write=False)
    try:
        if as_list:
            df = contact_list(store, a, b, roles=roles, start=start, end=end)
            cols = ["event_date", "kind", "series", "issuer_side", "leader_a", "leader_b",
                    "doc_id", "sentence_start", "sentence_end", "sentence"]
        else:
            df = contacts(store, a, b, by=by, source=source, refs=refs, roles=roles,
                          start=start, end=end)
            cols = ["state_a", "state_b", "period"]
    finally:
        store.close()
    _notes(df)
    emit(df, output_format, output, title=f"leader contacts {a}-{b}", columns=cols)


@speeches_app.command("agenda")
def agenda_cmd(
    countries: list[str] = typer.Argument(..., help="Two states, e.g. RUS CHN."),
    ref: list[str] = typer.Option([], "--ref", help="Yardstick pair: --ref USA GBR; repeat."),
    years: str = typer.Option("1971-2022", "--years", help="YYYY or YYYY-YYYY."),
    lexicon: Path | None = typer.Option(None, "--lexicon", help="Your own issue lexicon (JSON),"
                                        " added to the bundled and UN ones."),
    min_hits: int = typer.Option(2, "--min-hits", help="Mentions for an issue to count as "
                                 "raised."),
    output_format: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Agenda overlap of two states' General Debate speeches per year, with a yardstick."""
    from bilat.text.speeches import agenda

    a, b, refs = parse_pairs(countries, ref)
    store = get_store(write=False)
    try:
        df = agenda(store, a, b, refs, years, lexicon=lexicon, min_hits=min_hits)
    finally:
        store.close()
    _notes(df)
    emit(df, output_format, output, title=f"General Debate agenda overlap {a}-{b}",
         columns=["state_a", "state_b", "year", "cosine", "jaccard", "yardstick_cosine",
                  "agree", "disagree", "note"])


@speeches_app.command("salience")
def salience_cmd(
    state: str = typer.Argument(..., help="A state, e.g. CHN."),
    years: str = typer.Option("1971-2022", "--years", help="YYYY or YYYY-YYYY."),
    lexicon: Path | None = typer.Option(None, "--lexicon", help="Your own issue lexicon."),
    min_hits: int = typer.Option(2, "--min-hits"),
    output_format: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Issue salience per General Debate speech (hits, share, stance, offsets)."""
    from bilat.reference.countries import resolve_state
    from bilat.text.speeches import salience

    store = get_store(write=False)
    try:
        df = salience(store, resolve_state(state), years, lexicon=lexicon, min_hits=min_hits)
    finally:
        store.close()
    emit(df, output_format, output, title=f"General Debate issue salience {state}",
         columns=["year", "issue", "hits", "share", "stance"])


@readouts_app.command("find")
def find_cmd(
    countries: list[str] = typer.Argument(..., help="Two states, e.g. CHN RUS."),
    date: str = typer.Option(..., "--date", help="Date of the contact, YYYY-MM-DD."),
    days: int = typer.Option(2, "--days", help="Days either side of --date."),
    output_format: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Each side's stored account of a leader contact near a date (ids for `compare`)."""
    from bilat.text.pairing import find_readouts

    a, b, _ = parse_pairs(countries, [])
    store = get_store(write=False)
    try:
        df = find_readouts(store, a, b, date, days)
    finally:
        store.close()
    emit(df, output_format, output, title=f"accounts of a {a}-{b} contact near {date}",
         columns=["issuer_side", "event_date", "kind", "doc_id", "title"])


@readouts_app.command("compare-all")
def compare_all_cmd(
    countries: list[str] = typer.Argument(..., help="Two states, e.g. CHN RUS."),
    max_days: int = typer.Option(1, "--max-days", help="Largest gap between the two "
                                 "accounts' dates."),
    show: str = typer.Option("pairs", "--show", help="pairs (one row per contact), "
                             "unconfirmed (one row per unconfirmed attribution), year or "
                             "month (unconfirmed attributions per period and direction), "
                             "unpaired (contacts one side alone reports)."),
    aligner: str = typer.Option("auto", "--aligner", help="auto, lexical, features or "
                                "embeddings."),
    output_format: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Compare the two sides' readouts of every contact both corpora report."""
    from bilat.errors import error
    from bilat.text.pairing import compare_all

    shows = ("pairs", "unconfirmed", "year", "month", "unpaired")
    if show not in shows:
        raise error("E359", option="--show", value=show, options=", ".join(shows))
    a, b, _ = parse_pairs(countries, [])
    store = get_store(write=False)
    try:
        res = compare_all(store, a, b, max_days=max_days, aligner=aligner)
    finally:
        store.close()
    for note in res.notes:
        err.print(Text(f"note: {note}", style="dim"))
    if show == "pairs":
        emit(res.pairs, output_format, output, title=f"{a}-{b} readouts compared",
             columns=["event_date", "unconfirmed_a", "unconfirmed_b", "shared_a",
                      "shared_b", "asymmetry", "doc_a", "doc_b"])
    elif show == "unconfirmed":
        emit(res.unconfirmed, output_format, output, title="unconfirmed attributions",
             columns=["event_date", "direction", "doc_id", "start", "end", "text"])
    elif show == "unpaired":
        emit(res.unpaired, output_format, output, title="contacts with one account")
    else:
        emit(res.by_period(show), output_format, output,
             title=f"unconfirmed attributions per {show}")
