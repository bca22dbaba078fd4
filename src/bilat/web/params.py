"""Query and form parameters of the web app, validated with the CLI's own one-line errors.

Every value a page takes is checked here before any library function sees it: states go
through :func:`bilat.reference.countries.resolve_state` (names, any case, did-you-mean),
dyads through :func:`bilat.cli._base.parse_pairs`, years through
:func:`bilat.indicators.votes.parse_years`, choices against their options (E012), document
ids against the id pattern (E702) — so no parameter is ever read as a file path or URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bilat.errors import error

#: A stored document id (or a unique prefix of one): hex digits only, never a path.
DOC_ID = re.compile(r"[0-9a-f]{4,64}")
#: Most documents one page compares or traces.
MAX_DOCS = 12
#: Longest single parameter value accepted.
MAX_VALUE = 200


class Query:
    """Read access to one request's parameters (query string or form fields)."""

    def __init__(self, items: Any) -> None:
        self._items = items  # a Starlette QueryParams / FormData (multi-dict)

    def get(self, name: str, default: str | None = None) -> str | None:
        """The stripped value of ``name``, or ``default`` when absent or blank."""
        value = self._items.get(name)
        if value is None or not isinstance(value, str):
            return default
        value = value.strip()
        if len(value) > MAX_VALUE:
            raise error("E702", name=name, value=value,
                        expected=f"values are at most {MAX_VALUE} characters")
        return value or default

    def getlist(self, name: str) -> list[str]:
        """Every non-blank value of a repeated parameter, stripped."""
        out = []
        for v in self._items.getlist(name):
            if not isinstance(v, str):
                continue
            v = v.strip()
            if len(v) > MAX_VALUE:
                raise error("E702", name=name, value=v,
                            expected=f"values are at most {MAX_VALUE} characters")
            if v:
                out.append(v)
        return out

    def require(self, name: str, example: str) -> str:
        """The value of ``name`` or E701 naming it with an example address."""
        value = self.get(name)
        if value is None:
            raise error("E701", name=name, example=example)
        return value


def state(value: str) -> str:
    """ISO3 code of a state typed any way the CLI accepts (E008 with did-you-mean)."""
    from bilat.reference.countries import resolve_state

    return resolve_state(value)


def dyad(a: str, b: str, refs: Sequence[str] = ()) -> tuple[str, str, list[tuple[str, str]]]:
    """Main pair and reference pairs (``RUS-BLR``), exactly as ``bilat … A B --ref C-D``."""
    from bilat.cli._base import parse_pairs

    a3, b3, pairs = parse_pairs([a, b], list(refs))
    if a3 == b3:
        raise error("E116", value=a3)
    for x, y in pairs:
        if x == y:
            raise error("E116", value=x)
    return a3, b3, pairs


def split_list(value: str | None) -> list[str]:
    """``"RUS-BLR, USA-GBR"`` or ``"ukraine nato"`` → items (commas or spaces)."""
    if not value:
        return []
    return [v for v in re.split(r"[,\s;]+", value) if v]


def years(value: str | None) -> str | None:
    """A year range ``YYYY`` or ``YYYY-YYYY`` in canonical form (E212), or None."""
    from bilat.indicators.votes import parse_years

    rng = parse_years(value)
    if rng is None:
        return None
    return str(rng[0]) if rng[0] == rng[1] else f"{rng[0]}-{rng[1]}"


def choice(value: str | None, options: Sequence[str], name: str, default: str) -> str:
    """``value`` if it is one of ``options`` (default when absent), else E012."""
    if value is None:
        return default
    if value not in options:
        raise error("E012", value=value, option=name, options=", ".join(options))
    return value


def integer(value: str | None, name: str, lo: int, hi: int, default: int | None) -> int | None:
    """A whole number in [lo, hi] (E702), or ``default`` when absent."""
    if value is None:
        return default
    if not re.fullmatch(r"-?\d{1,9}", value) or not lo <= int(value) <= hi:
        raise error("E702", name=name, value=value,
                    expected=f"give a whole number from {lo} to {hi}")
    return int(value)


def iso_date(value: str | None, name: str = "date") -> date | None:
    """``YYYY-MM-DD`` (also ``YYYY-MM``, ``YYYY``) as a date, or None (E007)."""
    if value is None:
        return None
    from bilat.text.documents import _parse_date

    return _parse_date(value)


def doc_ids(values: Sequence[str], name: str = "doc") -> list[str]:
    """Stored document ids: hex only (E702), at most :data:`MAX_DOCS`, none twice (E314)."""
    out: list[str] = []
    for v in values:
        v = v.lower()
        if not DOC_ID.fullmatch(v):
            raise error("E702", name=name, value=v,
                        expected="a document id: 4 to 64 hex digits, as listed on /documents")
        if v in out:
            raise error("E314", doc=v)
        out.append(v)
    if len(out) > MAX_DOCS:
        raise error("E702", name=name, value=f"{len(out)} documents",
                    expected=f"give at most {MAX_DOCS}")
    return out


def side(value: str | None, name: str = "side") -> str | None:
    """An issuing side: ISO3 (any spelling the resolver knows) or JOINT; None when blank."""
    if value is None:
        return None
    if value.upper() in ("JOINT", "BOTH"):
        return value.upper()
    return state(value)


def canonical(params: Mapping[str, Any]) -> str:
    """A query string in a fixed order from a {name: value | list} mapping (blank dropped)."""
    from urllib.parse import urlencode

    pairs: list[tuple[str, str]] = []
    for k, v in params.items():
        if v is None or v == "" or v == [] or v is False:
            continue
        if isinstance(v, list | tuple):
            pairs += [(k, str(x)) for x in v if x is not None and x != ""]
        elif v is True:
            pairs.append((k, "1"))
        else:
            pairs.append((k, str(v)))
    return urlencode(pairs)
