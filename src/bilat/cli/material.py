"""`bilat material …` and the material-ties `bilat fetch …` commands: thin layers.

``bilat fetch trade|arms|alliances|igos|exercises|energy|engagements`` load the sources of
:mod:`bilat.sources` (``trade_cow``/``imf_dots``, ``arms_sipri``, ``alliances_atop``,
``igo_cow``, ``exercises_mme``, ``energy_ei``, ``engagements_chinavitae``) from the mirror
or local files; ``bilat material indicators|deals|exercises|engagements`` call the functions
of the same name in :mod:`bilat.indicators.material`. Heavy imports happen inside commands.
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
    parse_pairs,
)

material_app = typer.Typer(help="Material ties: trade, arms, alliances, IGOs, exercises, "
                           "energy and leader engagements per dyad-year.",
                           no_args_is_help=True)
app.add_typer(material_app, name="material")

OnBadRows = typer.Option("fail", "--on-bad-rows",
                         help="fail (default), skip (counted) or quarantine (kept aside with "
                         "file, line and reason in the bad_rows table).")
FileOption = typer.Option([], "--file", help="Load this local file (upstream layout) "
                          "instead of the mirror (repeatable).")
YearsOption = typer.Option(None, "--years", "-y", help="Year or range, e.g. 1995-2024.")
RefOption = typer.Option([], "--ref", help="Reference dyad beside A–B: --ref RUS BLR or "
                         "--ref USA-GBR (repeatable).")


def _load(sources: list[Any], mirror: Path | None, on_bad_rows: str, files: list[Path],
          pick: Any = None) -> None:
    """Fetch ``sources`` from the mirror, or ingest ``files`` (``pick(path)`` → Source)."""
    from bilat.sources import core

    policy = core.check_on_bad_rows(on_bad_rows)
    store = get_store()
    try:
        results = []
        if files:
            for f in files:
                src = pick(Path(f)) if pick else sources[0]
                results += core.ingest(store, src, [Path(f)], on_bad_rows=policy)
        else:
            for src in sources:
                results += core.fetch(src, store, mirror=mirror, on_bad_rows=policy)
        for r in results:
            err.print(r.summary(), markup=False)
    finally:
        store.close()


@fetch_app.command("trade")
def fetch_trade(mirror: Path | None = MirrorOption, on_bad_rows: str = OnBadRows,
                file: list[Path] = FileOption) -> None:
    """Load bilateral trade: COW dyadic trade v4.0 (trade_cow/) and IMF DOTS (trade_imf_dots/)."""
    from bilat.sources import imf_dots, trade_cow

    _load([trade_cow.SOURCE, imf_dots.SOURCE], mirror, on_bad_rows, file,
          lambda p: imf_dots.SOURCE if p.suffix.lower() in (".xlsx", ".xls") else
          trade_cow.SOURCE)


def _sipri_kind(path: Path) -> Any:
    from bilat.sources import arms_sipri

    try:
        with path.open("rb") as fh:
            head = [fh.readline() for _ in range(arms_sipri.PREAMBLE + 1)][-1]
    except OSError:
        return arms_sipri.DELIVERIES
    return arms_sipri.DEALS if head.lstrip().startswith(b"Recipient") else arms_sipri.DELIVERIES


@fetch_app.command("arms")
def fetch_arms(mirror: Path | None = MirrorOption, on_bad_rows: str = OnBadRows,
               file: list[Path] = FileOption) -> None:
    """Load the SIPRI trade registers (arms_sipri/): deliveries by year and deals."""
    from bilat.sources import arms_sipri

    _load([arms_sipri.DELIVERIES, arms_sipri.DEALS], mirror, on_bad_rows, file, _sipri_kind)


@fetch_app.command("alliances")
def fetch_alliances(mirror: Path | None = MirrorOption, on_bad_rows: str = OnBadRows,
                    file: list[Path] = FileOption) -> None:
    """Load ATOP v5.1 directed dyad-year obligations (alliances_atop/)."""
    from bilat.sources import alliances_atop

    _load([alliances_atop.SOURCE], mirror, on_bad_rows, file)


@fetch_app.command("igos")
def fetch_igos(mirror: Path | None = MirrorOption, on_bad_rows: str = OnBadRows,
               file: list[Path] = FileOption) -> None:
    """Load COW IGO v3.0 shared memberships per dyad-year (igo_cow/)."""
    from bilat.sources import igo_cow

    _load([igo_cow.SOURCE], mirror, on_bad_rows, file)


@fetch_app.command("exercises")
def fetch_exercises(mirror: Path | None = MirrorOption, on_bad_rows: str = OnBadRows,
                    file: list[Path] = FileOption) -> None:
    """Load Multinational Military Exercises v7, 1980-2010 (exercises_mme/)."""
    from bilat.sources import exercises_mme

    _load([exercises_mme.SOURCE], mirror, on_bad_rows, file)


@fetch_app.command("energy")
def fetch_energy(mirror: Path | None = MirrorOption, on_bad_rows: str = OnBadRows,
                 file: list[Path] = FileOption) -> None:
    """Load the Energy Institute Statistical Review 2024 gas and oil trade (energy_ei/)."""
    from bilat.sources import energy_ei

    _load([energy_ei.SOURCE], mirror, on_bad_rows, file)


@fetch_app.command("engagements")
def fetch_engagements(mirror: Path | None = MirrorOption, on_bad_rows: str = OnBadRows,
                      file: list[Path] = FileOption) -> None:
    """Load Chinese leaders' foreign engagements 2003-2018 (diplomacy_chinavitae/)."""
    from bilat.sources import engagements_chinavitae

    _load([engagements_chinavitae.SOURCE], mirror, on_bad_rows, file)


# ----------------------------------------------------------------------------- material
@material_app.command("indicators")
def indicators(
    countries: list[str] = typer.Argument(..., help="A B (ISO3 or names), e.g. RUS CHN."),
    ref: list[str] = RefOption,
    years: str | None = YearsOption,
    pillar: list[str] = typer.Option([], "--pillar", help="trade, arms, alliances, igos, "
                                     "exercises, energy, engagements (repeatable; all by "
                                     "default)."),
    indicator: str | None = typer.Option(None, "--indicator", help="One indicator, e.g. tiv, "
                                         "dependence, defense, pipeline_gas_bcm."),
    no_percentiles: bool = typer.Option(False, "--no-percentiles",
                                        help="Skip the rank among all dyads (faster)."),
    yardstick: bool = typer.Option(False, "--yardstick", help="With --indicator: the dyads "
                                   "side by side, one column per dyad (and its percentile)."),
    chart: Path | None = typer.Option(None, "--chart", help="Also write a chart of "
                                      "--indicator over time (.html, .json, .png, .svg)."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Material-tie indicators of A–B per year, with denominators, percentiles and row ids."""
    from bilat.errors import error
    from bilat.indicators import material

    a, b, refs = parse_pairs(countries, ref)
    if (chart or yardstick) and not indicator:
        raise error("E508", what="--chart and --yardstick need one indicator",
                    fix="add --indicator NAME (e.g. --indicator tiv)")
    store = get_store()
    try:
        df = material.indicators(store, a, b, refs=refs, years=years, pillars=pillar or None,
                                 indicator=indicator, percentiles=not no_percentiles)
        for note in df.attrs.get("notes", []):
            err.print(f"note: {note}", markup=False)
        if df.empty:
            err.print("no material data for these dyads and years (see `bilat material "
                      "coverage` for what is loaded)", markup=False)
        if chart is not None and indicator:
            material.chart(df, indicator, chart)
            err.print(f"wrote {chart}", markup=False)
        shown = material.yardsticks(df, indicator) if yardstick and indicator else df
        if fmt in ("csv", "table") and "rows" in shown.columns:  # lists read badly as text
            shown = shown.assign(rows=shown["rows"].map(
                lambda v: " ".join(v) if isinstance(v, list) else v))
        emit(shown, fmt, output, title=f"material ties {a}–{b}", columns=[
            "dyad", "year", "direction", "indicator", "value", "source", "unit",
            "percentile", "denominator"])  # source before percentile: it tells rows apart
    finally:
        store.close()


@material_app.command("deals")
def deals(
    countries: list[str] = typer.Argument(..., help="A B, e.g. RUS CHN."),
    years: str | None = typer.Option(None, "--years", "-y", help="Order years, e.g. 1992-2024."),
    direction: str = typer.Option("both", "--direction", help="both, a2b (A supplies B) or b2a."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """The SIPRI arms deals between A and B (one row per deal, all years, with comments)."""
    from bilat.indicators import material

    a, b, _ = parse_pairs(countries, [])
    store = get_store()
    try:
        df = material.deals(store, a, b, years=years, direction=direction)
        emit(df, fmt, output, title=f"SIPRI deals {a}–{b}", columns=[
            "supplier", "recipient", "order_year", "designation", "description", "n_ordered",
            "delivery_years", "tiv_delivered", "line"])
    finally:
        store.close()


@material_app.command("exercises")
def exercises(
    countries: list[str] = typer.Argument(..., help="A B, e.g. RUS CHN."),
    years: str | None = YearsOption,
    bilateral: bool = typer.Option(False, "--bilateral", help="Only exercises of the two alone."),
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """The MME exercises (1980-2010) with both A and B among the participants."""
    from bilat.indicators import material

    a, b, _ = parse_pairs(countries, [])
    store = get_store()
    try:
        df = material.exercises(store, a, b, years=years, bilateral_only=bilateral)
        emit(df, fmt, output, title=f"joint exercises {a}–{b}", columns=[
            "start_year", "name", "kind", "n_states", "location", "participants", "mmeid"])
    finally:
        store.close()


@material_app.command("engagements")
def engagements(
    countries: list[str] = typer.Argument(..., help="A B, one of them CHN, e.g. CHN RUS."),
    years: str | None = YearsOption,
    fmt: str = FormatOption,
    output: Path | None = OutputOption,
) -> None:
    """Chinese leaders' engagements with the other state per year and type (China Vitae)."""
    from bilat.indicators import material

    a, b, _ = parse_pairs(countries, [])
    store = get_store()
    try:
        df = material.engagements(store, a, b, years=years)
        if df.empty:
            err.print("no rows: the China Vitae data cover China's side only (one state must "
                      "be CHN), 2003-2018", markup=False)
        emit(df, fmt, output, title=f"leader engagements {a}–{b}",
             columns=["year", "type", "n", "leaders"])
    finally:
        store.close()


@material_app.command("coverage")
def coverage(fmt: str = FormatOption, output: Path | None = OutputOption) -> None:
    """Which material tables are loaded, their rows and years, and how to load the rest."""
    from bilat.indicators import material

    store = get_store()
    try:
        emit(material.coverage(store), fmt, output, title="material coverage")
    finally:
        store.close()
