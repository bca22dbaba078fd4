"""The ``bilat`` command: Typer groups over the library, one error handler for all of them."""

from __future__ import annotations

import sys

from bilat.cli._base import app, err, state
from bilat.errors import BilatError

# Command groups register themselves on ``app`` when imported.
from bilat.cli import countries, events, readouts, statements, votes  # noqa: E402,F401  isort: skip
from bilat.cli import serve  # noqa: E402,F401  isort: skip
from bilat.cli import report  # noqa: E402,F401  isort: skip
from bilat.cli import dyads, material  # noqa: E402,F401  isort: skip
from bilat.cli import corpus  # noqa: E402,F401  isort: skip
from bilat.cli import doctor  # noqa: E402,F401  isort: skip
from bilat.cli import compaction  # noqa: E402,F401  isort: skip


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; any error becomes one line on stderr and exit code 1 (never a traceback
    unless ``--traceback``): a :class:`BilatError` as it is, an error from the OS, DuckDB or
    a library as the nearest :class:`BilatError` (:func:`as_bilat_error`)."""
    try:
        from typer._click import exceptions as click_exc  # Typer ≥ 0.20 vendors Click
    except ImportError:  # pragma: no cover - older Typer on the real Click
        from click import exceptions as click_exc

    try:
        rv = app(args=argv, prog_name="bilat", standalone_mode=False)
    except SystemExit as exc:  # typer.Exit and friends
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except click_exc.UsageError as exc:  # a missing argument, an unknown option: 1 line
        if state.traceback:
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":  # `bilat` or a group alone: its help
            err.print(exc.format_message(), markup=False)
            return 2
        command = exc.ctx.command_path if exc.ctx is not None else "bilat"
        message = " ".join(exc.format_message().split()).rstrip(".")
        err.print(f"error: {usage_error(message, command).one_line()}", markup=False)
        return 2
    except getattr(click_exc, "Abort", KeyboardInterrupt):
        err.print("interrupted: nothing half-written was kept", markup=False)
        return 130
    except KeyboardInterrupt:
        err.print("interrupted: nothing half-written was kept", markup=False)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place every failure is reported
        if state.traceback:
            raise
        err.print(f"error: {as_bilat_error(exc).one_line()}", markup=False)
        return 1
    return rv if isinstance(rv, int) else 0


def usage_error(message: str, command: str) -> BilatError:
    """E028: a command line Click could not parse (missing argument, unknown option, bad
    value), as one line naming the command's help."""
    from bilat.errors import error

    return error("E028", message=message, command=command)


def as_bilat_error(exc: BaseException) -> BilatError:
    """The one-line error for any exception reaching the CLI: a :class:`BilatError` as it is;
    a full disk E019; a read-only store E026; a damaged store file E025; a file that cannot
    be written E005; anything else E027 naming what failed and the real cause."""
    import errno as _errno

    from bilat.errors import error

    if isinstance(exc, BilatError):
        return exc
    msg = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = msg.lower()
    store = state.store or "the store"
    if getattr(exc, "errno", None) == _errno.ENOSPC or "no space left" in low:
        where = getattr(exc, "filename", None) or store
        return error("E019", path=where, reason="no space left on device")
    module = type(exc).__module__ or ""
    if module.startswith(("duckdb", "_duckdb")):
        if "read-only" in low or "read only" in low:
            return error("E026", path=store, reason=msg[:200])
        if "not a valid duckdb" in low or "corrupt" in low or "checksum" in low:
            return error("E025", path=store, reason=msg[:200])
        return error("E027", what="a query on the store", reason=msg[:300])
    if isinstance(exc, PermissionError) or getattr(exc, "errno", None) in (
            _errno.EACCES, _errno.EROFS, _errno.EPERM):
        return error("E005", path=getattr(exc, "filename", None) or "a file",
                     reason=exc.strerror if isinstance(exc, OSError) and exc.strerror else msg)
    if isinstance(exc, OSError):
        return error("E027", what=f"reading or writing {exc.filename or 'a file'}",
                     reason=(exc.strerror or msg)[:300])
    if isinstance(exc, MemoryError):
        return error("E027", what="the command", reason="not enough memory")
    return error("E027", what="the command", reason=f"{type(exc).__name__}: {msg}"[:300])


def _entry() -> None:  # pragma: no cover - console script shim
    sys.exit(main())


__all__ = ["app", "as_bilat_error", "main", "usage_error"]
