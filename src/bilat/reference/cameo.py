"""CAMEO lookup tables: event codes, quad classes, Goldstein scale and actor type codes.

Bundled as CSV under ``bilat/reference/data`` with their provenance in ``CAMEO_SOURCES.md``.

Fields yielded:

- ``load_cameo_eventcodes()``: ``code`` (str, CAMEO event code, 2-4 digits, leading zero
  kept), ``description`` (str), ``level`` (``root``/``base``/``leaf``), ``root_code`` (str, 2
  digits), ``base_code`` (str, 3 digits; empty for roots), ``quad_class`` (int 1-4),
  ``goldstein`` (float, Goldstein conflict-cooperation scale -10…+10).
- ``load_cameo_quadclasses()``: ``quad_class`` (int), ``name``, ``root_codes`` (range),
  ``kind`` (cooperation/conflict), ``mode`` (verbal/material).
- ``load_cameo_actortypes()``: ``code`` (3 letters, e.g. GOV, MIL), ``label``, ``group``.

Codebook: CAMEO 1.1b3 (Schrodt 2012) and GDELT's lookups (CAMEO.eventcodes.txt,
CAMEO.goldsteinscale.txt, CAMEO.type.txt).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - imported by the readers, so CONTACT_CODES is cheap
    import pandas as pd

#: QuadClass codes used by GDELT (field ``QuadClass``).
QUAD_CLASSES: dict[int, str] = {
    1: "verbal_cooperation",
    2: "material_cooperation",
    3: "verbal_conflict",
    4: "material_conflict",
}

#: Leader and government contact codes: 036 express intent to meet, 040-046 consult.
CONTACT_CODES: tuple[str, ...] = ("036", "040", "041", "042", "043", "044", "045", "046")


def _read(name: str, dtype: dict[str, object]) -> pd.DataFrame:
    import pandas as pd

    path = resources.files("bilat.reference") / "data" / name
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=dtype, keep_default_na=False)


@cache
def _eventcodes() -> pd.DataFrame:
    return _read(
        "cameo_eventcodes.csv",
        {"code": str, "description": str, "level": str, "root_code": str, "base_code": str,
         "quad_class": "int64", "goldstein": "float64"},
    )


def load_cameo_eventcodes() -> pd.DataFrame:
    """All 311 CAMEO event codes with description, root, quad class and Goldstein value."""
    return _eventcodes().copy()


def load_cameo_quadclasses() -> pd.DataFrame:
    """The four GDELT quad classes and the CAMEO root codes each one covers."""
    return _read("cameo_quadclass.csv", {"quad_class": "int64", "name": str, "root_codes": str,
                                         "kind": str, "mode": str})


def load_cameo_actortypes() -> pd.DataFrame:
    """CAMEO actor type codes (GOV, MIL, BUS, …) with labels, as GDELT's CAMEO.type.txt."""
    return _read("cameo_actortypes.csv", {"code": str, "label": str, "group": str})


def goldstein(code: str) -> float:
    """The Goldstein scale value of a CAMEO event code (KeyError for unknown codes)."""
    table = _eventcodes().set_index("code")["goldstein"]
    return float(table[str(code)])


def quad_class(code: str) -> int:
    """GDELT's quad class (1-4) of a CAMEO event code, from its two-digit root."""
    root = int(str(code)[:2])
    if not 1 <= root <= 20:
        raise KeyError(code)
    return 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4


def describe(code: str) -> str:
    """The CAMEO description of an event code (KeyError for unknown codes)."""
    table = _eventcodes().set_index("code")["description"]
    return str(table[str(code)])


__all__ = [
    "CONTACT_CODES",
    "QUAD_CLASSES",
    "describe",
    "goldstein",
    "load_cameo_actortypes",
    "load_cameo_eventcodes",
    "load_cameo_quadclasses",
    "quad_class",
]
