"""Every user-facing error of bilat, with a short code (spaCy style).

Library code raises :class:`BilatError` built from a template here; the CLI turns it into one
line on stderr (``--traceback`` shows the stack). Each message says what failed, the value,
the valid options where there are some, and the next step.

Code ranges: E0xx general and store, E1xx event data (GDELT), E2xx UN votes,
E3xx documents and readouts, E4xx joint-statement lineage.
"""

from __future__ import annotations

from pathlib import Path


class Errors:
    """Message templates, filled with ``str.format`` keyword arguments."""

    # --- E0xx: general, configuration, store -------------------------------------------------
    E001 = "unknown store URL {url!r}; use a path, duckdb:///PATH, duckdb://:memory:, pyspark:// or bigquery://PROJECT"
    E002 = "backend {backend!r} needs an optional extra; install it with: pip install 'bilat[{extra}]'"
    E003 = "no mirror folder {path!s}; give an existing folder with --mirror DIR or BILAT_MIRROR"
    E004 = "unknown output format {value!r}; valid: {options}"
    E005 = "cannot write {path!s}: {reason}"
    E006 = "the store {path!s} is in use or unreadable: {reason}"
    E007 = "invalid date {value!r}; use YYYY-MM-DD (or YYYY-MM, YYYY)"
    E008 = "unknown country {value!r}; give an ISO3 code such as RUS or CHN (see `bilat countries`)"
    E009 = "table {name!r} is not in the store; load it first with `{next_step}`"
    E010 = "download failed for {url}: {reason}; retry, or use --mirror DIR for a local copy"
    E011 = "{path!s} is not in the mirror folder {mirror!s}; add the file under its upstream name or fetch it online"
    E012 = "unknown value {value!r} for {option}; valid: {options}"

    # --- E1xx: event data (GDELT, CAMEO) -------------------------------------------------------
    # (owned by bilat.sources.gdelt / bilat.indicators.events)

    # --- E2xx: UN votes ------------------------------------------------------------------------
    # (owned by bilat.sources.unvotes / bilat.indicators.votes)

    # --- E3xx: documents, claims, readouts ----------------------------------------------------
    # (owned by bilat.text.documents / bilat.text.readouts)

    # --- E4xx: joint-statement lineage ---------------------------------------------------------
    # (owned by bilat.text.lineage)


class BilatError(Exception):
    """A failure the user can act on: a code, a one-line message and where it happened."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """``[E101] file.CSV:12: message`` — the form the CLI prints."""
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "")
            where += ": "
        return f"[{self.code}] {where}{self.message}".replace("\n", " ")


def error(
    code: str,
    *,
    path: str | Path | None = None,
    line: int | None = None,
    **values: object,
) -> BilatError:
    """Build a :class:`BilatError` from the template named ``code``."""
    template = getattr(Errors, code)
    message = template.format(path=path, line=line, **values)
    # A template that already names the path does not repeat it as the location prefix.
    shown = None if "{path" in template else path
    return BilatError(code, message, path=shown, line=line if shown is not None else None)
