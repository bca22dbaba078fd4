"""The Typer apps, shared options and output helpers every command group uses.

Commands are thin: parse options, call one library function of the same name, print the
result (data to stdout, messages to stderr). Errors are raised in the library as
:class:`bilat.errors.BilatError` and printed as one line by :func:`bilat.cli.main`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

if TYPE_CHECKING:  # pragma: no cover - imported where used, so `bilat --help` stays fast
    from rich.text import Text

    from bilat.rows import Rows
    from bilat.store import Store

def _plain(annotation: Any, info: Any, value: Any) -> tuple[bool, Any]:
    """``(True, value)`` when Typer's coercion of ``value`` to ``annotation`` would return it
    unchanged (a ``str`` given as text, a ``bool``) or as plain as ``int("12")`` (an ``int``
    without bounds, given as a whole number or ASCII digits); lists of those as a list.
    ``(False, None)`` for anything else (Typer's adapter decides)."""
    import typing

    if getattr(info, "parser", None) is not None:
        return False, None
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation) or (None,)
        if not isinstance(value, list | tuple):
            return False, None
        done = [_plain(item, info, v) for v in value]
        return (True, [v for _, v in done]) if all(ok for ok, _ in done) else (False, None)
    if annotation is str and isinstance(value, str):
        return True, value
    if annotation is bool and isinstance(value, bool):
        return True, value
    if annotation is int and getattr(info, "min", None) is None \
            and getattr(info, "max", None) is None:
        if type(value) is int:
            return True, value
        digits = value[1:] if isinstance(value, str) and value[:1] == "-" else value
        if isinstance(digits, str) and digits.isascii() and digits.isdigit():
            return True, int(value)  # "12", "-3": what pydantic's lax int parsing gives
    return False, None


def _defer_typer_coercion() -> None:
    """Typer (≥ 0.2x) coerces every parameter through a pydantic TypeAdapter, built when the
    command runs: importing pydantic and building the adapters was ~0.12 s of every command.
    Values that need no coercion (text given as text, the defaults) are passed through as
    the adapters would return them; any other value is coerced by Typer's own adapter, built
    then. Skipped (Typer's own behaviour) when Typer's internals are not the ones expected."""
    try:
        from dataclasses import dataclass

        from typer import _coercion
        from typer import core as typer_core
    except ImportError:  # pragma: no cover - another Typer: its own coercion
        return
    param_cls = getattr(typer_core, "_TyperParameter", None)
    base = getattr(_coercion, "RuntimeParam", None)
    build = getattr(_coercion, "build_runtime_param", None)
    if param_cls is None or base is None or build is None or \
            getattr(param_cls, "_bilat_deferred", False) or \
            not hasattr(param_cls, "get_runtime_param"):
        return

    @dataclass(frozen=True)
    class Deferred(base):  # type: ignore[misc,valid-type]
        descriptor: Any = None
        built: dict = None  # type: ignore[assignment]  # Typer's param, once needed

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            ok, same = _plain(self.annotation, self.parameter_info, value)
            if ok:
                return same
            if "param" not in self.built:
                self.built["param"] = build(self.descriptor)
            return self.built["param"]._coerce_value(value, param=param, ctx=ctx)

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            desc = self.type_descriptor
            if getattr(desc, "file_annotation", None) is not None:
                self._runtime_param = build(desc)
            else:
                self._runtime_param = Deferred(parameter_info=desc.parameter_info,
                                               annotation=desc.annotation, descriptor=desc,
                                               built={})
        return self._runtime_param

    param_cls.get_runtime_param = get_runtime_param
    param_cls._bilat_deferred = True


_defer_typer_coercion()

#: Data goes to stdout; progress, tables for people and messages go to stderr.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

app = typer.Typer(
    name="bilat",
    help="How deep is a bilateral strategic partnership? Evidence from event data, UN votes "
    "and the two sides' own readouts and statements.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain Click help: Typer's Rich help imports markdown-it and rich.markdown (~0.35 s),
    # more than all of bilat's own imports; `bilat --help` must stay under 0.5 s.
    rich_markup_mode=None,
)
fetch_app = typer.Typer(help="Download data from its public source, or read a local mirror.",
                        no_args_is_help=True)
app.add_typer(fetch_app, name="fetch")


class State:
    """Options given before the command: the store, and whether to show tracebacks."""

    store: str | None = None
    traceback: bool = False


state = State()


@app.callback()
def _root(
    store: str | None = typer.Option(
        None, "--store", envvar="BILAT_STORE",
        help="Store path or URL (duckdb:///PATH, duckdb://:memory:; "
        "'pyspark://local[2]?store=PATH' or 'pyspark://HOST:PORT?store=PATH' runs events "
        "indicators, events contacts and votes affinity on Spark). Default: user data dir.",
    ),
    traceback: bool = typer.Option(False, "--traceback", help="Show the full stack on errors."),
) -> None:
    state.store = store
    state.traceback = traceback


#: Commands that write to the store when they are not given ``get_store(write=…)``: every
#: ``fetch …`` and these (by the last word of the command path).
WRITE_COMMANDS = ("ingest", "add", "import", "compare", "lineage", "doctor")
#: Commands that write to an existing store although they never create one
#: (``get_store(write=False)``): opened read-write, every other read command read-only.
WRITE_EXISTING = ("compact",)
#: Commands that create an empty store when there is none (so that a first run works) but
#: only read an existing one: opened read-only when the store exists.
READ_EXISTING = ("lineage",)


def _current_context() -> Any:
    """The running command's context (Typer ships its own copy of Click)."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - Typer releases that use Click itself
        from click import get_current_context
    return get_current_context(silent=True)


def _command_writes() -> bool:
    ctx = _current_context()
    words = ctx.command_path.split()[1:] if ctx is not None else []
    return bool(words) and (words[0] == "fetch" or words[-1] in WRITE_COMMANDS)


def get_store(write: bool | None = None) -> Store:
    """Open the store chosen by ``--store`` / ``BILAT_STORE`` / the default.

    ``write=True`` (ingest and fetch commands) creates the store when it does not exist and
    opens it read-write. ``write=False`` (read commands) never creates one — a missing store
    is E022 naming the path looked in — and opens it read-only, so any number of read
    commands, ``bilat serve`` and notebooks holding ``open_store(path, read_only=True)`` run
    side by side (:data:`WRITE_EXISTING` commands write to an existing store). ``None``:
    decided from the command (``fetch …`` and :data:`WRITE_COMMANDS` write).
    """
    from bilat.store import open_store

    if state.store and state.store.split("://", 1)[0].lower() in ("pyspark", "spark"):
        return _spark_store()  # type: ignore[return-value]
    if write is None:
        write = _command_writes() and not (_last_word() in READ_EXISTING and _store_exists())
    if write:  # a bad --mirror / BILAT_MIRROR fails (E003) before the store is created
        ctx = _current_context()
        if ctx is not None and "mirror" in ctx.params:
            from bilat.config import resolve_mirror

            resolve_mirror(ctx.params.get("mirror"))
    return open_store(state.store, create=write,
                      read_only=not write and not _command_writes_existing())


def _last_word() -> str:
    ctx = _current_context()
    words = ctx.command_path.split()[1:] if ctx is not None else []
    return words[-1] if words else ""


def _command_writes_existing() -> bool:
    return _last_word() in WRITE_EXISTING


def _store_exists() -> bool:
    """Whether ``--store`` names a DuckDB file that exists."""
    from bilat.config import resolve_store
    from bilat.store import parse_store_url

    try:
        url = parse_store_url(resolve_store(state.store))
    except Exception:  # noqa: BLE001 - a bad store option: open_store says what is wrong
        return False
    return url.backend == "duckdb" and not url.in_memory and \
        Path(url.target).expanduser().is_file()


#: Commands that run on Spark when ``--store pyspark://…`` is given (see bilat.store.spark).
SPARK_COMMANDS = {"events indicators", "events contacts", "votes affinity"}


def _spark_store() -> Any:
    """A :class:`bilat.store.spark.SparkStore` for a ``pyspark://`` store URL, for the commands
    in :data:`SPARK_COMMANDS`; any other command is refused with E801 naming it."""
    from bilat.errors import error
    from bilat.store.spark import open_spark

    ctx = _current_context()
    words = " ".join(ctx.command_path.split()[1:]) if ctx is not None else ""
    if words not in SPARK_COMMANDS:
        raise error("E801", step=f"`bilat {words}`")
    return open_spark(str(state.store).split("://", 1)[1])


def parse_pairs(countries: list[str], refs: list[str]) -> tuple[str, str, list[tuple[str, str]]]:
    """Main pair and reference pairs, as ISO3, from ``A B --ref C D --ref E-F``.

    The one parser for every command taking a dyad: ``--ref RUS BLR`` (Click hands the
    second country of a spaced ``--ref`` to the positional list) and ``--ref RUS-BLR`` (also
    ``–``, ``,``, ``:``, ``/``) both work; each state goes through
    :func:`bilat.reference.countries.resolve_state` (names, any case, did-you-mean).
    """
    from bilat.errors import error
    from bilat.reference.countries import resolve_state

    extra = list(countries[2:])
    pairs: list[tuple[str, str]] = []
    for r in refs:
        for sep in ("–", "-", ",", ":", "/"):
            if sep in r:
                x, _, y = r.partition(sep)
                pairs.append((x.strip(), y.strip()))
                break
        else:
            if not extra:
                raise error("E012", value=r, option="--ref",
                            options="two countries: --ref RUS BLR or --ref RUS-BLR")
            pairs.append((r, extra.pop(0)))
    if extra and len(countries) >= 2 and refs:
        raise error("E012", value=" ".join(extra), option="--ref",
                    options="two states per --ref (--ref RUS BLR or --ref RUS-BLR); "
                    f"{' '.join(extra)!r} has no partner")
    if len(countries) < 2 or extra:
        raise error("E012", value=" ".join(countries), option="COUNTRIES",
                    options="exactly two countries, e.g. RUS CHN (reference pairs with --ref)")
    a, b = resolve_state(countries[0]), resolve_state(countries[1])
    return a, b, [(resolve_state(x), resolve_state(y)) for x, y in pairs]


FormatOption = typer.Option("table", "--format", "-f", help="table, csv, json or parquet.")
OutputOption = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")
MirrorOption = typer.Option(
    None, "--mirror", envvar="BILAT_MIRROR",
    help="Read upstream file names from this local folder instead of the network.",
)


def emit(
    data: Any,
    fmt: str = "table",
    output: Path | None = None,
    title: str | None = None,
    columns: list[str] | None = None,
) -> None:
    """Show a result: a Rich table on stdout, or CSV/JSON/Parquet to stdout or a file.

    ``data``: a pandas DataFrame, a :class:`bilat.rows.Rows` (small results of the commands
    that must start fast: written without importing pandas, byte for byte as pandas writes
    the same table) or anything :func:`bilat.report.export.to_frame` takes. A table shows
    the ``columns`` given first, then as many others as fit the terminal; the rest are named
    on stderr (CSV, JSON and Parquet always carry every column).
    """
    rows = _rows_of(data)
    if fmt == "table":
        from rich.table import Table
        from rich.text import Text

        if rows is not None:
            names, cols = rows.names, [rows[n] for n in rows.names]
        else:
            from bilat.report.export import to_frame

            df = to_frame(data)
            names = list(df.columns)
            cols = [df.iloc[:, i].tolist() for i in range(len(names))]
        by_name = dict(zip(names, cols, strict=True))
        width = 200 if output is not None else out.width
        shown = _fit_columns(names, by_name, columns or [], width)
        table = Table(title=title, show_lines=False)
        for col in shown:
            table.add_column(str(col), overflow="fold")
        years = _year_columns(by_name, shown)
        for row in zip(*(by_name[c] for c in shown), strict=True):
            table.add_row(*(Text(str(v.year)) if c in years and hasattr(v, "year")
                            else _cell(v) for c, v in zip(shown, row, strict=True)))
        if output is not None:
            with Path(output).open("w", encoding="utf-8") as fh:
                Console(file=fh, width=width).print(table)
        else:
            out.print(table)
        hidden = [str(c) for c in names if c not in shown]
        if hidden:
            more = ", ".join(hidden[:6]) + (", …" if len(hidden) > 6 else "")
            err.print(f"{len(hidden)} more columns ({more}): use -f csv or -f json for all",
                      markup=False)
        return
    if rows is not None and fmt in ("csv", "json"):
        text = rows.to_csv() if fmt == "csv" else rows.to_json() + "\n"
        if output is None:
            out.file.write(text)
            return
        _write_text(text, Path(output))
        err.print(f"wrote {output}")
        return
    from bilat.report.export import write_frame

    text = write_frame(rows.to_pandas() if rows is not None else data, fmt, output)
    if text is not None:
        out.file.write(text)
    elif output is not None:
        err.print(f"wrote {output}")


def _rows_of(data: Any) -> Rows | None:
    """``data`` when it is a :class:`bilat.rows.Rows` (checked without importing it)."""
    if type(data).__name__ == "Rows" and type(data).__module__ == "bilat.rows":
        return data  # type: ignore[no-any-return]
    return None


def _write_text(text: str, target: Path) -> None:
    """CSV/JSON text to a file, as :func:`bilat.report.export.write_frame` writes it (E005
    when it cannot be written)."""
    from bilat.errors import error

    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise error("E005", path=target, reason=exc.strerror or str(exc)) from exc


def _fit_columns(names: list[Any], data: dict[Any, list[Any]], preferred: list[str],
                 width: int) -> list[Any]:
    """Columns to show in a table of ``width`` characters: preferred ones first, in order."""
    order = [c for c in preferred if c in names]
    order += [c for c in names if c not in order]
    shown: list[Any] = []
    used = 1
    dropped_preferred = False
    for col in order:
        if dropped_preferred and col not in preferred:
            break  # a column the command names (source, unit) left out: no others instead
        sample = [len(_cell(v).plain) for v in data[col][:50]]
        need = min(max([len(str(col)), *sample]), 30) + 3
        if shown and used + need > width:
            if col in preferred and width - used >= 16:  # a wanted text column folds to fit
                need = width - used
            else:
                dropped_preferred = dropped_preferred or col in preferred
                continue
        shown.append(col)
        used += need
    # keep the frame's own order among the shown columns, preferred ones first
    return [c for c in order if c in shown]


def _year_columns(data: dict[Any, list[Any]], shown: list[Any]) -> set[Any]:
    """Period columns of year periods (every value 1 January at midnight, in a column named
    ``period``/``year``…; two or more values), shown as ``YYYY`` in a terminal table (CSV/JSON
    keep ISO dates)."""
    import datetime

    years = set()
    for col in shown:
        name = str(col).lower()
        if not ("period" in name or "year" in name):
            continue
        vals = data[col]
        v = [x for x in vals if isinstance(x, datetime.date) and x == x]  # dates, Timestamps
        others = [x for x in vals if not isinstance(x, datetime.date) and x is not None
                  and not (isinstance(x, float) and x != x) and str(x) != "<NA>"]
        if not others and len(set(v)) > 1 and all(
                (x.month, x.day) == (1, 1)
                and (not isinstance(x, datetime.datetime) or x.time() == datetime.time(0))
                for x in v):
            years.add(col)
    return years


def _cell(value: Any) -> Text:
    """A cell as plain text: document text must never be read as Rich markup; a timestamp at
    midnight prints as its date (``YYYY-MM-DD``)."""
    import datetime

    from rich.text import Text

    if value is None or type(value).__name__ in ("NAType", "NaTType"):  # pandas NA, NaT
        return Text("")
    if isinstance(value, datetime.datetime):  # pandas Timestamps included
        if value.tzinfo is None and value.time() == datetime.time(0):
            return Text(value.strftime("%Y-%m-%d"))
        return Text(value.isoformat(sep=" "))
    if isinstance(value, float):
        if value != value:  # NaN
            return Text("")
        return Text(f"{value:.4g}" if abs(value) < 1e3 else f"{value:,.0f}")  # no 5.114e+04
    return Text(str(value))
