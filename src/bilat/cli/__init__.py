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


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a :class:`BilatError` becomes one line on stderr and exit code 1."""
    try:
        app(args=argv, prog_name="bilat")
    except SystemExit as exc:  # normal end, --help and usage errors (click's standalone mode)
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except BilatError as exc:
        if state.traceback:
            raise
        err.print(f"error: {exc.one_line()}", markup=False)
        return 1
    except KeyboardInterrupt:
        err.print("interrupted: nothing half-written was kept", markup=False)
        return 130
    return 0


def _entry() -> None:  # pragma: no cover - console script shim
    sys.exit(main())


__all__ = ["app", "main"]
