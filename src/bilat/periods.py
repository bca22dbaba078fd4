"""Year ranges as people type them, read one way in every module.

``"1992-2019"`` (also ``–`` or ``:``), ``"2014"``, an int, or a sequence ``(first, last)``
→ an inclusive ``(first, last)`` tuple; ``None`` or ``""`` → ``None``. A malformed value raises
the caller's own error code (each module names its option in its message); a reversed range
is always E712, saying to give the earlier year first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bilat.errors import error

_RANGE = re.compile(r"\s*(\d{4})\s*(?:[-–:]\s*(\d{4})\s*)?")


def year_range(value: str | int | Sequence[int] | None, *, malformed: str,
               reversed_code: str = "E712", **values: object) -> tuple[int, int] | None:
    """The inclusive (first, last) years of ``value``; error ``malformed`` (filled with
    ``value`` and ``values``) when it is not a year or a range, ``reversed_code`` (a template
    taking ``value`` and ``fixed``; default the web's E712) when the range is reversed."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return (value, value)
    if isinstance(value, str):
        m = _RANGE.fullmatch(value)
        if not m:
            raise error(malformed, value=value, **values)
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    else:
        vals = list(value)
        if not vals:
            return None
        try:
            first, last = int(vals[0]), int(vals[-1])
        except (TypeError, ValueError) as exc:
            raise error(malformed, value=str(value), **values) from exc
    if last < first:
        raise error(reversed_code, value=value if isinstance(value, str) else f"{first}-{last}",
                    fixed=f"{last}-{first}")
    return (first, last)
