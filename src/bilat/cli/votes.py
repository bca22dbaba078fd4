"""`bilat votes …` and `bilat fetch unvotes`: UN voting affinity from the command line.

Each command parses options, calls the library function of the same name in
:mod:`bilat.indicators.votes` (or :func:`bilat.sources.unvotes.fetch_unvotes`) and prints.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
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
)
from bilat.errors import error
from bilat.indicators import votes as V
from bilat.sources import unvotes as U

votes_app = typer.Typer(help="UN voting affinity: who votes with whom, by issue, and where "
                        "a pair parts ways.", no_args_is_help=True)
app.add_typer(votes_app, name="votes")

YearsOption = typer.Option(None, "--years", "-y", help="Year or range, e.g. 2010-2019.")
IssueOption = typer.Option(
    None, "--issue", help="Issue code: me (Palestinian conflict), nu (nuclear), di (arms "
    "control), hr (human rights), co (colonialism), ec (economic development).")
BodyOption = typer.Option("GA", "--body", help="GA (General Assembly) or SC (Security Council).")


def _table_view(df: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """For the terminal table drop the long vote-id lists (csv/json/parquet keep them)."""
    return df.drop(columns=["vote_ids"], errors="ignore") if fmt == "table" else df


@fetch_app.command("unvotes")
def fetch_unvotes(
    mirror: Path | None = MirrorOption,
    on_bad_rows: str = typer.Option("error", "--on-bad-rows", help="error or skip (counted)."),
    file: list[Path] = typer.Option(
        [], "--file", help="Also ingest a Voeten or UN Digital Library export (repeatable)."),
) -> None:
    """Load UN General Assembly roll calls (unvotes release) into the store."""
    store = get_store()
    try:
        results = U.fetch_unvotes(mirror=mirror, store=store, on_bad_rows=on_bad_rows) \
            if not file or mirror is not None else []
        for path in file:
            results.append(U.ingest_file(store, path, on_bad_rows=on_bad_rows))
    finally:
        store.close()
    for r in results:
        err.print(r.summary(), markup=False)


@votes_app.command("affinity")
def affinity(
    a: str = typer.Argument(..., help="First state (ISO3 or name), e.g. RUS."),
    b: str = typer.Argument(..., help="Second state, e.g. CHN."),
    years: str | None = YearsOption,
    issue: str | None = IssueOption,
    method: str = typer.Option("all", "--method", "-m",
                               help="agreement, coincidence, s, s2, kappa, pi or all."),
    by: str = typer.Option("year", "--by", help="year, session, issue or period."),
    ref: list[str] = typer.Option(
        [], "--ref", help="Reference dyads shown side by side: a state (paired with A and "
        "with B) or STATE-STATE; repeatable."),
    important: bool = typer.Option(False, "--important", help="State Dept important votes only."),
    body: str = BodyOption,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
    chart: Path | None = typer.Option(None, "--chart", help="Also write a chart (.html/.json)."),
) -> None:
    """Agreement, coincidence, S scores, kappa and pi for A and B, with the votes behind them."""
    store = get_store()
    try:
        df = V.affinity(store, a, b, years=years, issue=issue, method=method, by=by, ref=ref,
                        body=body, important_only=important)
    finally:
        store.close()
    if chart is not None:
        from bilat.report.charts import save_chart

        index = V.METHODS[method][0]
        save_chart(V.affinity_chart(df, index), chart)
        err.print(f"wrote {chart}", markup=False)
    if fmt == "table":
        if df["share_without_vote"].isna().all():
            err.print("share adopted without a vote: not in this source (recorded votes only)",
                      markup=False)
        keep = ["dyad", "period", "n", *V.METHODS[method], "n_rollcalls",
                "share_without_vote", "note"]
        df = df[keep].dropna(axis=1, how="all")
        if not df["note"].astype(bool).any():
            df = df.drop(columns="note")
    emit(df, fmt, output, title=f"UN voting affinity {a}–{b}")


@votes_app.command("divergent")
def divergent(
    a: str = typer.Argument(..., help="First state, e.g. RUS."),
    b: str = typer.Argument(..., help="Second state, e.g. CHN."),
    years: str | None = YearsOption,
    issue: str | None = IssueOption,
    limit: int = typer.Option(20, "--limit", "-n", help="How many (0 = all)."),
    body: str = BodyOption,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Resolutions on which A and B voted differently, most salient first."""
    store = get_store()
    try:
        df = V.divergent(store, a, b, years=years, issue=issue, limit=limit or None, body=body)
    finally:
        store.close()
    if fmt == "table":
        df = df[["symbol", "date", "short", "issues", "important", "vote_a", "vote_b", "tally",
                 "salience", "vote_id"]].rename(columns={"vote_a": a, "vote_b": b})
        df["short"] = df["short"].str.replace(r" : resolution / adopted by the General Assembly$",
                                              "", regex=True).str.slice(0, 70)
    emit(df, fmt, output, title=f"Votes where {a} and {b} parted ways",
         columns=["symbol", "date", a, b, "tally", "short"])


@votes_app.command("nearest")
def nearest(
    a: str = typer.Argument(..., help="The state, e.g. RUS."),
    years: str | None = YearsOption,
    issue: str | None = IssueOption,
    method: str = typer.Option("s", "--method", "-m", help="Index to rank by (default s)."),
    limit: int = typer.Option(10, "--limit", "-n", help="Nearest and farthest N (0 = all)."),
    min_votes: int = typer.Option(10, "--min-votes", help="Fewer common votes: not ranked."),
    body: str = BodyOption,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Every other state ranked by affinity with A: nearest first, farthest last."""
    if limit < 0:
        raise error("E012", value=limit, option="--limit", options="0 (all) or a positive number")
    store = get_store()
    try:
        df = V.nearest(store, a, years=years, method=method, issue=issue, min_votes=min_votes,
                       body=body)
    finally:
        store.close()
    if limit and fmt == "table":
        ranked = df[df["rank"].notna()]
        df = pd.concat([ranked.head(limit), ranked.tail(limit)]).drop_duplicates("b")
    emit(df, fmt, output, title=f"States nearest to and farthest from {a}")


@votes_app.command("coincidence")
def coincidence(
    with_: str = typer.Option("USA", "--with", help="Reference state (State Dept: USA)."),
    year: str = typer.Option(..., "--year", help="Calendar year, e.g. 2019."),
    compare: Path | None = typer.Option(
        None, "--compare", help="A un-coincidence-YYYY.csv table (or its folder) to compare."),
    important: bool | None = typer.Option(
        None, "--important/--all-votes", help="Important votes only (default: before 2018)."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Every state's voting coincidence with the USA, the State Department's way."""
    rng = V.parse_years(year)  # a typo such as "abc" is a one-line E212, not a usage box
    if rng is None or rng[0] != rng[1] or rng[0] < 1946:
        raise error("E212", value=year)
    store = get_store()
    try:
        df = V.coincidence(store, with_, rng[0], important_only=important, compare=compare)
    finally:
        store.close()
    emit(_table_view(df, fmt), fmt, output, title=f"Voting coincidence with {with_}, {year}")


@votes_app.command("matrix")
def matrix(
    years: str | None = YearsOption,
    issue: str | None = IssueOption,
    method: str = typer.Option("s", "--method", "-m", help="Index shown (default s)."),
    state: list[str] = typer.Option([], "--state", help="Limit to these states (repeatable)."),
    min_votes: int = typer.Option(1, "--min-votes", help="Fewer common votes: left empty."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """The all-pairs matrix for a period: states × states, one index."""
    store = get_store()
    try:
        df = V.matrix(store, years=years, method=method, issue=issue, states=state or None,
                      min_votes=min_votes)
    finally:
        store.close()
    emit(df.reset_index().rename(columns={"a": "state"}), fmt, output,
         title=f"UN voting affinity matrix ({method})")
