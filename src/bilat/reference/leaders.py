"""Heads of state and government and foreign ministers by term: person → state on a day.

The bundled table ``data/leaders.csv`` (provenance and scope in ``data/LEADERS_SOURCES.md``)
has one row per term: ``iso3``, ``role`` (``head_of_state``, ``head_of_government``,
``head_of_state_and_government``, ``foreign_minister``), ``name``, ``aliases`` (``|``-separated,
including ICEWS's spellings), ``start`` and ``end`` (both inclusive; empty ``end`` = in office
at the table's horizon, 2023-12-31), ``source``.

ICEWS names individuals in its actor fields ("Xi Jinping", "Sergey Viktorovich Lavrov"). The
ICEWS quadruple sets drop the country fields, so a person is counted for a state only through
this table and only on days inside a term (:func:`leader_state`); bilat labels every such
assignment as derived.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources

import pandas as pd

from bilat.errors import error

#: Roles a row may have.
ROLES: tuple[str, ...] = ("head_of_state", "head_of_government", "head_of_state_and_government",
                          "foreign_minister")
#: The last day the table speaks for: terms with an empty ``end`` run to here.
HORIZON = date(2023, 12, 31)


def _key(name: str) -> str:
    from bilat.reference.countries import normalise_name

    return normalise_name(name)


@cache
def _table() -> pd.DataFrame:
    path = resources.files("bilat.reference").joinpath("data/leaders.csv")
    with path.open(encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return _checked(df, str(path))


def _checked(df: pd.DataFrame, path: str) -> pd.DataFrame:
    """Parse dates and check every row (E154 naming the CSV line)."""
    from bilat.reference.countries import to_iso3

    need = ["iso3", "role", "name", "aliases", "start", "end", "source"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise error("E154", path=path, line=1, reason=f"missing columns {', '.join(missing)}")
    starts, ends = [], []
    for i, row in enumerate(df.itertuples(index=False), start=2):
        if to_iso3(row.iso3, "iso3") != row.iso3:
            raise error("E154", path=path, line=i, reason=f"unknown ISO3 {row.iso3!r}")
        if row.role not in ROLES:
            raise error("E154", path=path, line=i,
                        reason=f"role {row.role!r} is not one of {', '.join(ROLES)}")
        try:
            s = date.fromisoformat(row.start)
            e = date.fromisoformat(row.end) if row.end else HORIZON
        except ValueError:
            raise error("E154", path=path, line=i,
                        reason=f"bad date {row.start!r} or {row.end!r} (YYYY-MM-DD)") from None
        if e < s:
            raise error("E154", path=path, line=i, reason=f"end {e} is before start {s}")
        starts.append(s)
        ends.append(e)
    out = df.copy()
    out["start"] = starts
    out["end"] = ends
    out["open_end"] = df["end"].eq("")
    return out


def load_leaders() -> pd.DataFrame:
    """The table, one row per term (``start``/``end`` as dates; ``open_end`` True where the
    term ran on past the horizon)."""
    return _table().copy()


@cache
def _by_name() -> dict[str, list[tuple[date, date, str, str, str]]]:
    """Normalised name or alias → [(start, end, iso3, role, name)]."""
    out: dict[str, list[tuple[date, date, str, str, str]]] = {}
    for row in _table().itertuples(index=False):
        names = [row.name, *[a for a in row.aliases.split("|") if a]]
        for n in dict.fromkeys(_key(x) for x in names):
            out.setdefault(n, []).append((row.start, row.end, row.iso3, row.role, row.name))
    return out


def leader_terms(name: str) -> list[tuple[date, date, str, str, str]]:
    """Every term of the person called ``name`` (any listed spelling): (start, end, iso3,
    role, usual name)."""
    return list(_by_name().get(_key(name), []))


def leader_state(name: str, day: date) -> tuple[str, str] | None:
    """``(iso3, role)`` when ``name`` held an office of the table on ``day``, else None
    (an unknown person, or a day outside every term)."""
    for start, end, iso3, role, _ in _by_name().get(_key(name), []):
        if start <= day <= end:
            return iso3, role
    return None


def leader_states(names: pd.Series, days: pd.Series) -> pd.DataFrame:
    """Vectorised :func:`leader_state`: columns ``iso3`` and ``role`` (None where no term
    covers the day), aligned with ``names``."""
    known = _by_name()
    keys = names.fillna("").map(lambda n: _key(n) if n else "")
    iso, role = [None] * len(names), [None] * len(names)
    for i, (k, d) in enumerate(zip(keys, days, strict=True)):
        for start, end, c, r, _ in known.get(k, ()):
            if d is not None and start <= d <= end:
                iso[i], role[i] = c, r
                break
    return pd.DataFrame({"iso3": iso, "role": role}, index=names.index)


def leader_names() -> set[str]:
    """Every normalised name and alias in the table."""
    return set(_by_name())


__all__ = ["HORIZON", "ROLES", "leader_names", "leader_state", "leader_states",
           "leader_terms", "load_leaders"]
