"""Energy Institute, Statistical Review of World Energy 2024: gas and oil trade between areas.

Upstream file ``Statistical Review of World Energy Data.xlsx`` (the full-data workbook of the
2024 edition, data to 2023; 95 sheets), read with ``pandas.read_excel(engine="calamine")``.
Four sheets hold bilateral energy flows:

- ``Gas - Trade movements`` (2000-2023, **bcm**): for each area (the US, Brazil, Russian
  Federation, China, India and regions such as Europe, Other CIS, OECD Asia) its pipeline
  imports with "of which" rows by origin, LNG imports, total imports, pipeline exports with
  "of which" rows by destination, LNG exports and total exports. Pipeline trade here
  **excludes intra-regional trade** (Russia→Belarus is not in it; Belarus sits in Other CIS).
- ``Gas trade - pipeline`` and ``Gas trade - LNG`` (2023 only, bcm): importer rows × exporter
  columns, with each importer's total imports and each exporter's total exports.
- ``Oil - Inter-area movements`` (2023 only, **million tonnes**): exporter rows × importer
  columns for crude (including condensates) and for products.

Store table ``energy_trade``, one row per cell:

- ``sheet``, ``cell`` (e.g. ``X78``): where the value is;
- ``product``: ``pipeline_gas``, ``lng``, ``gas`` (pipeline + LNG), ``crude``,
  ``oil_products``; ``unit``: ``bcm`` or ``Mt``;
- ``measure``: ``flow`` (exporter → importer), ``exports`` (an exporter's total, importer
  NULL) or ``imports`` (an importer's total, exporter NULL), ``world`` (world inter-regional
  totals);
- ``exporter``/``importer`` (EI names), ``exporter_iso3``/``importer_iso3`` (NULL for
  regions), ``exporter_kind``/``importer_kind`` (``state`` or ``region``);
- ``year``, ``value`` (a ``-`` or empty cell is NULL; zeros are the EI's own zeros).

EI names go through the crosswalk (``Russian Federation``, ``US``, ``Trinidad & Tobago``);
names of groups (:data:`REGIONS`, or starting ``Other``/``Rest of``) are regions; any other
name is a bad row (E501).

Citation: Energy Institute, *Statistical Review of World Energy 2024* (73rd edition).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from bilat.errors import error
from bilat.reference.countries import to_iso3
from bilat.sources._material_common import to_arrow
from bilat.sources.core import BadRows, Source, fetch

CITATION = "Energy Institute, Statistical Review of World Energy 2024 (73rd edition)"
FILE = "Statistical Review of World Energy Data.xlsx"
SHEET_SERIES = "Gas - Trade movements"
SHEET_PIPE = "Gas trade - pipeline"
SHEET_LNG = "Gas trade - LNG"
SHEET_OIL = "Oil - Inter-area movements"
SHEETS = (SHEET_SERIES, SHEET_PIPE, SHEET_LNG, SHEET_OIL)
#: EI area names that are groups of countries, not states.
REGIONS = frozenset({
    "North America", "S. & Cent. America", "S&C America", "Europe", "EU", "CIS",
    "Middle East", "Africa", "Asia Pacific", "Middle East & Africa", "OECD Asia",
    "Australasia", "North Africa", "West Africa", "East & S. Africa", "World", "Total",
})
COLUMNS = ["sheet", "cell", "product", "unit", "measure", "exporter", "exporter_iso3",
           "exporter_kind", "importer", "importer_iso3", "importer_kind", "year", "value"]
LAYOUT = ("sheets 'Gas - Trade movements' (years 2000-2023 in the 'Billion cubic metres' row), "
          "'Gas trade - pipeline' and 'Gas trade - LNG' (importer rows under 'To', exporter "
          "columns), 'Oil - Inter-area movements' ('Crude (million tonnes)' and 'Product "
          "(million tonnes)' blocks, exporter rows after 'From')")


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


class _Names:
    """EI name → (iso3, kind), or a bad row."""

    def __init__(self, path: Path, bad: BadRows) -> None:
        self.path, self.bad, self.cache = path, bad, {}

    def __call__(self, name: str, where: str, line: int) -> tuple[str | None, str] | None:
        n = name.strip().rstrip("*").strip()
        if n in self.cache:
            return self.cache[n]
        if n in REGIONS or n.startswith(("Other ", "Rest of ", "Total")):
            got: tuple[str | None, str] | None = (None, "region")
        else:
            iso = to_iso3(n)
            got = (iso, "state") if iso else None
        if got is None:
            self.bad.add(line, f"unknown state {n!r}", where, exc=error(
                "E501", path=self.path, line=line, value=n, column=where, scheme="EI area name"))
        self.cache[n] = got
        return got


def _num(v: Any) -> float | None | str:
    if _blank(v) or (isinstance(v, str) and v.strip() in ("-", "†", "n/a")):
        return None
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v)
    try:
        return float(str(v).strip())
    except ValueError:
        return "bad"


def _rec(out: list[dict[str, Any]], sheet: str, i: int, j: int, product: str, unit: str,
         measure: str, exp: tuple[str | None, str | None, str | None],
         imp: tuple[str | None, str | None, str | None], year: int, v: Any, path: Path,
         bad: BadRows) -> None:
    value = _num(v)
    if value == "bad" or (isinstance(value, float) and value < 0):
        bad.add(i + 1, f"bad value {v!r}", f"{sheet}!{_col(j)}{i + 1}", exc=error(
            "E503", path=path, line=i + 1, value=v, column=f"{sheet}!{_col(j)}{i + 1}",
            reason=f"expected a volume in {unit} (a number ≥ 0, or '-')"))
        return
    out.append({"sheet": sheet, "cell": f"{_col(j)}{i + 1}", "product": product, "unit": unit,
                "measure": measure, "exporter": exp[0], "exporter_iso3": exp[1],
                "exporter_kind": exp[2], "importer": imp[0], "importer_iso3": imp[1],
                "importer_kind": imp[2], "year": year, "value": value})


_NONE = (None, None, None)


def _series(df: pd.DataFrame, path: Path, bad: BadRows, names: _Names,
            out: list[dict[str, Any]]) -> None:
    sheet = SHEET_SERIES
    head = next((i for i in range(min(10, len(df)))
                 if str(df.iat[i, 0]).strip().lower() == "billion cubic metres"), None)
    if head is None:
        raise error("E502", path=path, what=f"the 'Billion cubic metres' row of {sheet!r}",
                    reason="not in its first 10 rows", expected=LAYOUT)
    years: dict[int, int] = {}
    last = 0
    for j in range(1, df.shape[1]):
        y = df.iat[head, j]
        if not isinstance(y, int | float) or _blank(y) or float(y) != int(y) or int(y) <= last:
            break
        years[j] = last = int(y)
    if not years:
        raise error("E502", path=path, what=f"years in row {head + 1} of {sheet!r}",
                    reason="none found", expected=LAYOUT)
    area: tuple[str, str | None, str] | None = None
    section = None  # 'pipeline imports' / 'pipeline exports' while in "of which" rows
    for i in range(head + 1, df.shape[0]):
        label = df.iat[i, 0]
        if _blank(label):
            if area is not None:
                break  # the blank row before the footnotes
            continue
        text = str(label)
        key = text.strip().rstrip("*").strip().lower()
        vals_blank = all(_blank(df.iat[i, j]) for j in years)
        if vals_blank:
            got = names(text, f"{sheet}!A{i + 1}", i + 1)
            if got is None:
                area = None
                continue
            area = (text.strip(), got[0], got[1])
            section = None
            continue
        if area is None:
            continue
        partner = None
        if key.startswith("of which:") or (text.startswith(" ") and section):
            partner = text.strip()
            if partner.lower().startswith("of which:"):
                partner = partner[len("of which:"):].strip()
        if partner is not None:
            got = names(partner, f"{sheet}!A{i + 1}", i + 1)
            if got is None or section is None:
                continue
            other = (partner, got[0], got[1])
            exp, imp = (other, area) if section == "imports" else (area, other)
            for j, y in years.items():
                _rec(out, sheet, i, j, "pipeline_gas", "bcm", "flow", exp, imp, y,
                     df.iat[i, j], path, bad)
            continue
        kinds = {"pipeline imports": ("pipeline_gas", "imports"),
                 "lng imports": ("lng", "imports"), "total imports": ("gas", "imports"),
                 "pipeline exports": ("pipeline_gas", "exports"),
                 "lng exports": ("lng", "exports"), "total exports": ("gas", "exports"),
                 "inter-regional pipeline trade": ("pipeline_gas", "world"),
                 "lng trade": ("lng", "world"), "total trade": ("gas", "world")}
        if key not in kinds:
            raise error("E502", path=path, what=f"a known row label in {sheet}!A{i + 1}",
                        reason=f"it reads {text.strip()!r}", expected=LAYOUT)
        product, measure = kinds[key]
        section = measure if product == "pipeline_gas" and measure != "world" else None
        exp = area if measure in ("exports", "world") else _NONE
        imp = area if measure in ("imports", "world") else _NONE
        for j, y in years.items():
            _rec(out, sheet, i, j, product, "bcm", measure, exp, imp, y, df.iat[i, j], path,
                 bad)


def _gas_matrix(df: pd.DataFrame, sheet: str, product: str, path: Path, bad: BadRows,
                names: _Names, out: list[dict[str, Any]], year: int) -> None:
    head = next((i for i in range(min(8, len(df))) if str(df.iat[i, 0]).strip() == "To"), None)
    if head is None:
        raise error("E502", path=path, what=f"the 'To' header row of {sheet!r}",
                    reason="not in its first 8 rows", expected=LAYOUT)
    cols: dict[int, tuple[str, str | None, str] | str] = {}
    for j in range(1, df.shape[1]):
        name = df.iat[head, j]
        if _blank(name):
            continue
        above = df.iat[head - 1, j] if head else None
        full = str(name).strip()
        if isinstance(above, str) and above.strip() and above.strip() != "From":
            full = f"{above.strip()} {full}"
        if full.strip().lower() == "total imports":
            cols[j] = "total"
            continue
        got = names(full, f"{sheet}!{_col(j)}{head + 1}", head + 1)
        if got is not None:
            cols[j] = (full.rstrip("*").strip(), got[0], got[1])
    for i in range(head + 1, df.shape[0]):
        label = df.iat[i, 0]
        if _blank(label):
            break
        text = str(label).strip()
        if text.lower() == "total exports":
            for j, exp in cols.items():
                if exp != "total":
                    _rec(out, sheet, i, j, product, "bcm", "exports", exp, _NONE, year,
                         df.iat[i, j], path, bad)
            break
        got = names(text, f"{sheet}!A{i + 1}", i + 1)
        if got is None:
            continue
        imp = (text.rstrip("*").strip(), got[0], got[1])
        for j, exp in cols.items():
            if exp == "total":
                _rec(out, sheet, i, j, product, "bcm", "imports", _NONE, imp, year,
                     df.iat[i, j], path, bad)
            else:
                _rec(out, sheet, i, j, product, "bcm", "flow", exp, imp, year, df.iat[i, j],
                     path, bad)


def _oil(df: pd.DataFrame, path: Path, bad: BadRows, names: _Names,
         out: list[dict[str, Any]], year: int) -> None:
    sheet = SHEET_OIL
    head = next((i for i in range(min(8, len(df)))
                 if str(df.iat[i, 0]).strip().lower().startswith("crude (million tonnes)")), None)
    if head is None:
        raise error("E502", path=path, what=f"the 'Crude (million tonnes)' row of {sheet!r}",
                    reason="not in its first 8 rows", expected=LAYOUT)
    cols: dict[int, tuple[str, str | None, str] | str] = {}
    for j in range(1, df.shape[1]):
        name = df.iat[head, j]
        if _blank(name):
            continue
        full = str(name).strip()
        if full.lower() == "total":
            cols[j] = "total"
            continue
        got = names(full, f"{sheet}!{_col(j)}{head + 1}", head + 1)
        if got is not None:
            cols[j] = (full, got[0], got[1])
    product = "crude"
    i = head + 1
    while i < df.shape[0]:
        label = df.iat[i, 0]
        text = "" if _blank(label) else str(label).strip()
        low = text.lower()
        if low.startswith("product (million tonnes)"):
            product = "oil_products"
        elif low in ("from", ""):
            if not text and product == "oil_products":
                break
        elif low == "total imports":
            for j, imp in cols.items():
                if imp != "total":
                    _rec(out, sheet, i, j, product, "Mt", "imports", _NONE, imp, year,
                         df.iat[i, j], path, bad)
        else:
            got = names(text, f"{sheet}!A{i + 1}", i + 1)
            if got is not None:
                exp = (text, got[0], got[1])
                for j, imp in cols.items():
                    if imp == "total":
                        _rec(out, sheet, i, j, product, "Mt", "exports", exp, _NONE, year,
                             df.iat[i, j], path, bad)
                    else:
                        _rec(out, sheet, i, j, product, "Mt", "flow", exp, imp, year,
                             df.iat[i, j], path, bad)
        i += 1


def _sheet_year(df: pd.DataFrame, path: Path, sheet: str) -> int:
    import re

    title = " ".join(str(v) for v in df.iloc[:3, 0].tolist() if not _blank(v))
    m = re.search(r"(19|20)\d\d", title)
    if not m:
        raise error("E502", path=path, what=f"the year in the title of {sheet!r}",
                    reason=f"the title reads {title[:80]!r}", expected=LAYOUT)
    return int(m.group(0))


def parse_ei(path: Path, bad: BadRows) -> Any:
    """The Statistical Review workbook → Arrow rows of table ``energy_trade``."""
    if path.stat().st_size == 0:
        raise error("E018", path=path)
    book = pd.read_excel(path, sheet_name=list(SHEETS), engine="calamine", header=None,
                         keep_default_na=False, na_values=[]) \
        if _has_sheets(path) else None
    if book is None:
        import python_calamine

        have = python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names
        missing = [s for s in SHEETS if s not in have]
        raise error("E502", path=path, what="sheet " + ", ".join(map(repr, missing)),
                    reason=f"the workbook has {len(have)} sheets", expected=LAYOUT)
    names = _Names(path, bad)
    out: list[dict[str, Any]] = []
    _series(book[SHEET_SERIES], path, bad, names, out)
    _gas_matrix(book[SHEET_PIPE], SHEET_PIPE, "pipeline_gas", path, bad, names, out,
                _sheet_year(book[SHEET_PIPE], path, SHEET_PIPE))
    _gas_matrix(book[SHEET_LNG], SHEET_LNG, "lng", path, bad, names, out,
                _sheet_year(book[SHEET_LNG], path, SHEET_LNG))
    _oil(book[SHEET_OIL], path, bad, names, out, _sheet_year(book[SHEET_OIL], path, SHEET_OIL))
    df = pd.DataFrame.from_records(out, columns=COLUMNS)
    if df.empty:
        raise error("E018", path=path)
    for c in ("exporter_iso3", "importer_iso3", "exporter", "importer", "exporter_kind",
              "importer_kind"):
        df[c] = df[c].astype("string")
    return to_arrow(df, COLUMNS)


def _has_sheets(path: Path) -> bool:
    import python_calamine

    have = python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names
    return all(s in have for s in SHEETS)


SOURCE = Source(
    kind="energy_ei", table="energy_trade", mirror_dir="energy_ei", files=(FILE,),
    parse=parse_ei, citation=CITATION, key_columns=("sheet", "cell"),
    # the copy the mirror was taken from (nfcd/energyPlots, pinned commit); the EI's own
    # download page renames the workbook with each edition
    urls={FILE: "https://raw.githubusercontent.com/nfcd/energyPlots/"
                "026832f3c14a739dfcbcf8c7fc5c4ef75089fccd/data/"
                "Statistical%20Review%20of%20World%20Energy%20Data.xlsx"},
    title="Energy Institute Statistical Review workbook",
)


def fetch_energy(store: Any, mirror: str | Path | None = None, *, on_bad_rows: str = "fail",
                 files: list[str] | None = None, **kw: Any) -> list[Any]:
    """Load the EI Statistical Review workbook from ``<mirror>/energy_ei/`` (or the EI site)."""
    return fetch(SOURCE, store, mirror=mirror, on_bad_rows=on_bad_rows, files=files, **kw)
