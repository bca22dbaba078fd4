"""`bilat votes …` and the UN-vote `bilat fetch …` commands: thin layers over the library.

Each command parses options, calls the library function of the same name in
:mod:`bilat.indicators.votes` (or a ``fetch_*`` of :mod:`bilat.sources`) and prints: data to
stdout, warnings and notes to stderr. Heavy imports happen inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

votes_app = typer.Typer(help="UN votes: chance-corrected affinity, ideal points, Security "
                        "Council vetoes, splits on each side's core issues.",
                        no_args_is_help=True)
app.add_typer(votes_app, name="votes")

YearsOption = typer.Option(None, "--years", "-y", help="Year or range, e.g. 2010-2019.")
IssueOption = typer.Option(
    None, "--issue", help="Issue code: me (Palestinian conflict), nu (nuclear), di (arms "
    "control), hr (human rights), co (colonialism), ec (economic development).")
BodyOption = typer.Option("GA", "--body", help="GA (General Assembly) or SC (Security Council).")
OnBadRows = typer.Option("fail", "--on-bad-rows",
                         help="fail (default), skip (counted) or quarantine (kept aside with "
                         "file, line and reason in the bad_rows table).")
CoreOption = typer.Option(
    [], "--core-issues", help="Extra core-issue mapping (TOML, same format as the shipped "
    "bilat/reference/data/core_issues.toml; repeatable). Also $BILAT_CORE_ISSUES.")
RefOption = typer.Option(
    [], "--ref", help="Reference dyad shown beside A–B: --ref RUS BLR or --ref USA-GBR "
    "(repeatable; each --ref names two states).")


def _pairs(countries: list[str], ref: list[str]) -> tuple[str, str, list[tuple[str, str]]]:
    """``A B --ref C D --ref E-F`` via bilat.cli._base.parse_pairs, like every other command:
    a --ref naming one state is E012 (it needs two)."""
    from bilat.cli._base import parse_pairs

    return parse_pairs(countries, ref)


def _warn(df: Any) -> None:
    for w in getattr(df, "attrs", {}).get("warnings", []) or []:
        err.print(f"warning: {w}", markup=False)


def _policy(value: str) -> str:
    from bilat.sources.core import check_on_bad_rows

    return check_on_bad_rows(value)


def _summaries(results: list[Any]) -> None:
    for r in results:
        err.print(r.summary(), markup=False)


# ----------------------------------------------------------------------------- fetch
@fetch_app.command("unvotes")
def fetch_unvotes(
    mirror: Path | None = MirrorOption,
    on_bad_rows: str = OnBadRows,
    file: list[Path] = typer.Option(
        [], "--file", help="Also ingest a Voeten or UN Digital Library export (repeatable)."),
) -> None:
    """Load UN General Assembly roll calls (unvotes release, Voeten) into the store."""
    from bilat.sources import unvotes as U

    policy = _policy(on_bad_rows)
    store = get_store()
    try:
        results = U.fetch_unvotes(mirror=mirror, store=store, on_bad_rows=policy) \
            if not file or mirror is not None else []
        for path in file:
            results.append(U.ingest_file(store, path, on_bad_rows=policy))
    finally:
        store.close()
    _summaries(results)


@fetch_app.command("undl-scrape")
def fetch_undl_scrape(
    mirror: Path | None = MirrorOption,
    on_bad_rows: str = OnBadRows,
    file: list[Path] = typer.Option([], "--file", help="Local copies instead ('UN DATA.csv.zip'"
                                    " or the unzipped CSV; repeatable)."),
) -> None:
    """Load the UN Digital Library voting scrape (GA and SC, 1946–2021).

    Mirror folder unga/undl-scrape-2021. It is merged with the unvotes data without counting
    a roll call twice (see `bilat votes disagreements`)."""
    from bilat.sources import undl_scrape as S

    policy = _policy(on_bad_rows)
    store = get_store()
    try:
        results = S.ingest_undl_scrape(store, list(file), on_bad_rows=policy) if file else \
            S.fetch_undl_scrape(store, mirror, on_bad_rows=policy)
    finally:
        store.close()
    _summaries(results)


@fetch_app.command("idealpoints")
def fetch_idealpoints(
    mirror: Path | None = MirrorOption,
    on_bad_rows: str = OnBadRows,
    file: list[Path] = typer.Option([], "--file", help="Local copies instead (the session CSV,"
                                    " the year .dta or its CSV; repeatable)."),
) -> None:
    """Load Voeten's ideal points, by session (June 2024) and by calendar year (July 2025).

    Mirror folders unga/voeten-2024 and unga/voeten-2025."""
    from bilat.sources import idealpoints as I

    policy = _policy(on_bad_rows)
    store = get_store()
    try:
        results = I.ingest_idealpoints(store, list(file), on_bad_rows=policy) if file else \
            I.fetch_idealpoints(store, mirror, on_bad_rows=policy)
    finally:
        store.close()
    _summaries(results)


@fetch_app.command("unsc-vetoes")
def fetch_unsc_vetoes(
    mirror: Path | None = MirrorOption,
    on_bad_rows: str = OnBadRows,
    file: list[Path] = typer.Option([], "--file", help="A local copy instead."),
) -> None:
    """Load the Security Council veto list (World Politics Data Lab, 1946 – July 2022)."""
    from bilat.sources import unsc_vetoes as W

    policy = _policy(on_bad_rows)
    store = get_store()
    try:
        results = W.ingest_unsc_vetoes(store, list(file), on_bad_rows=policy) if file else \
            W.fetch_unsc_vetoes(store, mirror, on_bad_rows=policy)
    finally:
        store.close()
    _summaries(results)


# ----------------------------------------------------------------------------- votes
def _table_view(df: Any, fmt: str) -> Any:
    """For the terminal table drop the long vote-id lists (csv/json/parquet keep them)."""
    return df.drop(columns=["vote_ids"], errors="ignore") if fmt == "table" else df


@votes_app.command("affinity")
def affinity(
    countries: list[str] = typer.Argument(..., help="A B, e.g. RUS CHN (ISO3 or names)."),
    years: str | None = YearsOption,
    issue: str | None = IssueOption,
    method: str = typer.Option(
        "all", "--method", "-m",
        help="kappa (Cohen, with weighted kappa_w), pi (Scott, with pi_w), s, s2, agreement, "
        "coincidence or all. Chance-corrected indices lead; agreement is beside them: agree "
        "(abstention as half, Voeten), agree_exact (the share of identical votes: 'raw "
        "agreement' in the literature) and agree_yn (yes/no votes only). "
        "'all' shows each index once: the State Department's coincidence equals agree "
        "(abstention as half agreement) and coincidence_yn equals agree_yn by construction, "
        "so they are not repeated (ask for -m coincidence to see them under that name)."),
    by: str = typer.Option("year", "--by",
                           help="year, session (ES-10 etc. kept as text, in time order), "
                           "issue (column 'issue', full names) or period."),
    ref: list[str] = RefOption,
    important: bool = typer.Option(False, "--important", help="State Dept important votes only."),
    body: str = BodyOption,
    min_n: int = typer.Option(20, "--min-n", help="Fewer common votes: low_n is true."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
    chart: Path | None = typer.Option(None, "--chart", help="Also write a chart (.html/.json) of "
                                      "the first index (kappa unless -m says otherwise)."),
) -> None:
    """Chance-corrected affinity (kappa, pi, S) of A and B, agreement beside.

    Each figure carries n, a low_n flag and the vote ids behind it (CSV/JSON)."""
    from bilat.indicators import votes as V

    a, b, refs = _pairs(countries, ref)
    store = get_store()
    try:
        df = V.affinity(store, a, b, years=years, issue=issue, method=method, by=by,
                        ref=refs, body=body, important_only=important, min_n=min_n)
    finally:
        store.close()
    _warn(df)
    if chart is not None:
        from bilat.report.charts import save_chart

        save_chart(V.affinity_chart(df, V.METHODS[method][0]), chart)
        err.print(f"wrote {chart}", markup=False)
    if fmt == "table":
        if df["share_without_vote"].isna().all():
            err.print("share adopted without a vote: not in this source (recorded votes only)",
                      markup=False)
        lead = ["dyad", "issue" if by == "issue" else "period", "n", "low_n",
                *V.METHODS[method]]
        if method == "all":
            lead = ["dyad", "issue" if by == "issue" else "period", "n", "low_n", "kappa",
                    "pi", "s", "agree", "kappa_w", "pi_w", "s2", "agree_exact", "agree_yn"]
        keep = [*lead, "n_rollcalls", "share_without_vote", "note"]
        df = df[keep].dropna(axis=1, how="all")
        if "note" in df and not df["note"].astype(bool).any():
            df = df.drop(columns="note")
    first = "issue" if by == "issue" else "period"
    emit(df, fmt, output, title=f"UN voting affinity {a}–{b} (chance-corrected first)",
         columns=["dyad", first, "n", "kappa", "s", "agree", "low_n", "pi"])


@votes_app.command("divergent")
def divergent(
    countries: list[str] = typer.Argument(..., help="A B, e.g. RUS CHN."),
    years: str | None = YearsOption,
    issue: str | None = IssueOption,
    limit: int = typer.Option(20, "--limit", "-n", help="How many of the other splits (0 = "
                              "all); splits on core issues are always all listed."),
    body: str = BodyOption,
    core_issues: list[Path] = CoreOption,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Where A and B parted ways: core-issue splits first, then the rest by salience.

    Core-issue splits are the votes on either side's core issues where the other did not
    vote with it, each with the reason."""
    from bilat.cli._base import parse_pairs
    from bilat.errors import error
    from bilat.indicators import votes as V

    a, b, _ = parse_pairs(countries, [])
    if limit < 0:
        raise error("E012", value=limit, option="--limit", options="0 (all) or a positive number")
    store = get_store()
    try:
        df = V.divergent(store, a, b, years=years, issue=issue, limit=limit or None, body=body,
                         core_issues=list(core_issues) or None)
    finally:
        store.close()
    _warn(df)
    n_core = int(df["core"].sum())
    err.print(f"{n_core} split(s) on core issues first, then {len(df) - n_core} other(s) by "
              "salience", markup=False)
    if fmt == "table":
        df = df.rename(columns={"vote_a": a, "vote_b": b})
        emit(df, fmt, output, title=f"Votes where {a} and {b} parted ways",
             columns=["symbol", "date", a, b, "core_issue", "reason", "full_title", "tally",
                      "salience"])
        return
    emit(df, fmt, output)


@votes_app.command("core-issues")
def core_issues(
    countries: list[str] = typer.Argument(..., help="A B, e.g. RUS CHN."),
    years: str | None = YearsOption,
    stance: str = typer.Option("all", "--stance", help="split (the partner did not vote with "
                               "it), with (the partner stood with it) or all."),
    body: str = BodyOption,
    extra: list[Path] = CoreOption,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Votes on either side's core issues: where the partner stood with it, and where not."""
    from bilat.cli._base import parse_pairs
    from bilat.indicators import votes as V

    a, b, _ = parse_pairs(countries, [])
    store = get_store()
    try:
        df = V.core_issue_votes(store, a, b, years=years, stance=stance, body=body,
                                core_issues=list(extra) or None)
    finally:
        store.close()
    _warn(df)
    if fmt == "table":
        df = df.rename(columns={"vote_a": a, "vote_b": b})
        emit(df, fmt, output, title=f"{a} and {b} on each other's core issues",
             columns=["symbol", "date", a, b, "split", "core_of", "core_issue", "reason"])
        return
    emit(df, fmt, output)


@votes_app.command("search")
def search(
    text: str | None = typer.Option(None, "--text", help="Words in the title or description "
                                    "(all must occur; any case)."),
    symbol: str | None = typer.Option(None, "--symbol", help="Resolution symbol, e.g. "
                                      "A/RES/68/262 (older forms such as R/68/262 work)."),
    state: list[str] = typer.Option([], "--state", help="Show this state's vote (repeatable)."),
    years: str | None = YearsOption,
    body: str | None = typer.Option(None, "--body", help="GA or SC (default both)."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Find roll calls by words or symbol, with each --state's vote.

    Titles are full in CSV/JSON/Parquet; the terminal wraps them, never cuts."""
    from bilat.indicators import votes as V
    from bilat.reference.countries import resolve_state

    states = [resolve_state(s) for s in state]
    store = get_store()
    try:
        df = V.search(store, text=text, symbol=symbol, states=states, years=years, body=body)
    finally:
        store.close()
    err.print(f"{len(df)} roll call(s)", markup=False)
    emit(df, fmt, output, title="UN roll calls",
         columns=["symbol", "date", *states, "tally", "full_title"])


@votes_app.command("idealpoints")
def idealpoints(
    countries: list[str] = typer.Argument(..., help="A B, e.g. RUS CHN."),
    ref: list[str] = RefOption,
    years: str | None = YearsOption,
    estimate: str = typer.Option("fp", "--estimate", help="fp (final-passage votes, by year, "
                                 "to 2024), all (all votes, to 2023), legacy (session-based, "
                                 "to 2023) or session (by session, June 2024 release)."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
    chart: Path | None = typer.Option(None, "--chart", help="Also write a chart (.html/.json)."),
) -> None:
    """Ideal-point distance of A and B per year, with yardsticks and percentiles.

    Voeten's published estimates (Bailey, Strezhnev & Voeten 2017): the only figures for
    2022–2024, when no roll calls are held (column 'basis'). Yardsticks: the reference
    dyads and the percentile among all dyads of the year."""
    from bilat.indicators import votes as V

    a, b, refs = _pairs(countries, ref)
    store = get_store()
    try:
        df = V.idealpoints(store, a, b, refs=refs, years=years, estimate=estimate)
    finally:
        store.close()
    _warn(df)
    if chart is not None:
        from bilat.report.charts import save_chart

        save_chart(V.idealpoints_chart(df), chart)
        err.print(f"wrote {chart}", markup=False)
    if fmt == "table":
        err.print(f"source: {V.ESTIMATES[estimate]}", markup=False)
    emit(df, fmt, output, title=f"Ideal-point distance {a}–{b} (published estimates)",
         columns=["dyad", "year", *(["session"] if estimate == "session" else []), "distance",
                  "percentile", "basis", "low_n"])


@votes_app.command("idealpoint-states")
def idealpoint_states(
    states: list[str] = typer.Argument(..., help="States, e.g. RUS CHN USA."),
    years: str | None = YearsOption,
    estimate: str = typer.Option("fp", "--estimate", help="fp, all, legacy or session."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Each state's ideal point per year (or session), with its 90 % interval.

    Voeten's published estimates, with the number of votes behind each."""
    from bilat.indicators import votes as V
    from bilat.reference.countries import resolve_state

    iso = [resolve_state(s) for s in states]
    store = get_store()
    try:
        df = V.idealpoint_states(store, iso, years=years, estimate=estimate)
    finally:
        store.close()
    emit(df, fmt, output, title="Ideal points (published estimates)",
         columns=["iso3", "year", "session", "ideal", "q5", "q95", "n_votes"])


@votes_app.command("vetoes")
def vetoes(
    countries: list[str] = typer.Argument(None, help="Optional pair A B, e.g. RUS CHN."),
    years: str | None = YearsOption,
    by: str = typer.Option("veto", "--by", help="veto (one row per vetoed draft) or year "
                           "(per year: vetoes, each side's, joint, and the pair's Security "
                           "Council votes on adopted resolutions)."),
    joint: bool = typer.Option(False, "--joint", help="Only drafts both A and B vetoed."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Security Council vetoes (1946 – July 2022): every veto, a pair's joint vetoes, by year.

    With --by year also the pair's SC votes on ADOPTED resolutions only (the UN Digital
    Library records no votes on vetoed drafts or procedure)."""
    from bilat.cli._base import parse_pairs
    from bilat.indicators import votes as V

    a = b = None
    if countries:
        a, b, _ = parse_pairs(list(countries), [])
    store = get_store()
    try:
        df = V.vetoes(store, a, b, years=years, by=by, joint_only=joint)
    finally:
        store.close()
    _warn(df)
    if by == "veto" and a:
        err.print(f"{int(df['joint'].sum())} joint veto(es) of {a} and {b} among {len(df)} "
                  "listed", markup=False)
    cols = ["date", "draft", "vetoed_by", "crisis_topic", "agenda_item"] if by == "veto" else \
        ["year", "vetoes", "vetoes_a", "vetoes_b", "joint", "sc_resolutions", "sc_same"]
    emit(df, fmt, output, title="Security Council vetoes", columns=cols)


@votes_app.command("sc-votes")
def sc_votes(
    countries: list[str] = typer.Argument(..., help="A B, e.g. RUS CHN."),
    years: str | None = YearsOption,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """A's and B's votes on Security Council resolutions (adopted resolutions only).

    Vetoed drafts are in `bilat votes vetoes`."""
    from bilat.cli._base import parse_pairs
    from bilat.indicators import votes as V

    a, b, _ = parse_pairs(countries, [])
    store = get_store()
    try:
        df = V.sc_votes(store, a, b, years=years)
    finally:
        store.close()
    _warn(df)
    err.print("adopted resolutions only: vetoed drafts and procedural votes are not in the "
              f"source; {int((~df['same']).sum())} of {len(df)} with different votes",
              markup=False)
    emit(df.rename(columns={"vote_a": a, "vote_b": b}) if fmt == "table" else df, fmt, output,
         title=f"Security Council votes of {a} and {b}", columns=["symbol", "date", a, b,
                                                                  "title"])


@votes_app.command("disagreements")
def disagreements(
    years: str | None = YearsOption,
    state: list[str] = typer.Option([], "--state", help="Only these states (repeatable)."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Where unvotes and the UN Digital Library scrape record a state's vote differently.

    bilat counts a roll call both hold once and uses the unvotes vote."""
    from bilat.indicators import votes as V

    store = get_store()
    try:
        df = V.source_disagreements(store, years=years, states=state or None)
    finally:
        store.close()
    err.print(f"{len(df)} state vote(s) differ between the sources", markup=False)
    emit(df, fmt, output, title="Where the two vote sources disagree",
         columns=["symbol", "date", "iso3", "vote_unvotes", "vote_scrape", "kind"])


@votes_app.command("nearest")
def nearest(
    a: str = typer.Argument(..., help="The state, e.g. RUS."),
    years: str | None = YearsOption,
    issue: str | None = IssueOption,
    method: str = typer.Option("kappa", "--method", "-m",
                               help="Index to rank by (default kappa; s, pi, agreement …)."),
    limit: int = typer.Option(10, "--limit", "-n", help="Nearest and farthest N (0 = all)."),
    min_votes: int = typer.Option(10, "--min-votes", help="Fewer common votes: not ranked."),
    body: str = BodyOption,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Every other state ranked by affinity with A: nearest first, farthest last."""
    import pandas as pd

    from bilat.errors import error
    from bilat.indicators import votes as V

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
    from bilat.errors import error
    from bilat.indicators import votes as V

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
    method: str = typer.Option("kappa", "--method", "-m", help="Index shown (default kappa)."),
    state: list[str] = typer.Option([], "--state", help="Limit to these states (repeatable)."),
    min_votes: int = typer.Option(1, "--min-votes", help="Fewer common votes: left empty."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """The all-pairs matrix for a period: states × states, one index."""
    from bilat.indicators import votes as V

    store = get_store()
    try:
        df = V.matrix(store, years=years, method=method, issue=issue, states=state or None,
                      min_votes=min_votes)
    finally:
        store.close()
    emit(df.reset_index().rename(columns={"a": "state"}), fmt, output,
         title=f"UN voting affinity matrix ({method})")
