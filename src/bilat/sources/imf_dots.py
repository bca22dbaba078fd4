"""IMF Direction of Trade Statistics (DOTS): per-reporter workbooks, exports and imports.

Upstream files ``DOTS_<n>.xlsx`` (one per reporting economy, as exported from the IMF data
portal; the mirror holds ``DOTS_162`` Russia, ``DOTS_40`` China, ``DOTS_18`` Belarus,
``DOTS_208`` United States, ``DOTS_207`` United Kingdom). Read with
``pandas.read_excel(engine="calamine")``.

Layout of both sheets, ``Exports, FOB`` ("Exports, FOB to Partner Countries") and
``Imports, CIF`` ("Imports, CIF from Partner Countries"): row 4 column B names the reporter,
row 5 the unit (``US Dollars, Millions``), row 7 holds the years from column C; from row 8
on, column B is the partner and the year columns hold the values. Cells written as
``1.00 e`` carry the IMF's estimate flag.

Store table ``imf_dots``, one row per reporter, flow, partner and year:

- ``reporter`` (IMF name) and ``reporter_iso3``; ``flow``: ``exports_fob`` (reporter's
  exports to the partner, valued free on board) or ``imports_cif`` (reporter's imports from
  the partner, cost-insurance-freight: mirror statistics of the two sides differ by CIF/FOB
  and by reporting practice, so each side's own report is kept apart, never blended);
- ``partner`` (IMF name), ``partner_iso3`` (NULL for aggregates) and ``partner_kind``
  (``state``, ``aggregate`` such as ``World`` or ``Euro Area``, ``former territory``,
  ``former state`` or ``former state residual``, below);
- ``year``, ``value_musd`` (**current million US$**; an empty cell is NULL, never 0),
  ``estimate`` (the IMF ``e`` flag);
- ``sheet``, ``row`` (1-based sheet row), ``cell`` (e.g. ``E58``): where the value is.

IMF names (``Korea, Rep. of``, ``China, P.R.: Mainland``, ``Kyrgyz Rep.``) go through the
crosswalk after expanding the IMF's abbreviations (``Rep.`` → Republic, ``Dem.`` →
Democratic, ``P.R.`` → People's Republic) and reading ``X, Republic of`` as ``Republic of
X``; names neither that nor :data:`AGGREGATES` knows are bad rows (E501). A partner listed
twice with the same values (``Australia`` in these exports) is stored once; twice with
different values is E504.

Successor continuity (:func:`bilat.reference.countries.former_state`): a partner row naming a
former state the crosswalk counts as a continuing state ("USSR" → RUS, "Czechoslovakia" →
CZE, "Yugoslavia" → SRB) is that successor (``partner_kind`` ``former state``) only up to the
former state's last year (USSR 1991, Czechoslovakia and the SFRY 1992, Serbia and Montenegro
2006). In later years the IMF keeps the row as the unallocated residual of the former
territory (the United States' 1992 exports: "Russian Federation" 2097.6 and "USSR" 1035.8
million US$, the latter trade with the other successor states not yet allocated); such a row
is stored with ``partner_iso3`` NULL and ``partner_kind`` ``former state residual``, so it is
never added to the successor.

Citation: International Monetary Fund, *Direction of Trade Statistics (DOTS)*.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from bilat.errors import error
from bilat.reference.countries import former_state, to_iso3
from bilat.sources._material_common import to_arrow
from bilat.sources.core import BadRows, Source, fetch

CITATION = "International Monetary Fund, Direction of Trade Statistics (DOTS)"
SHEETS = {"Exports, FOB": "exports_fob", "Imports, CIF": "imports_cif"}
LAYOUT = ("sheets 'Exports, FOB' and 'Imports, CIF'; reporter in B4, unit in B5, years in "
          "row 7 from column C, partners in column B from row 8")
#: IMF partner rows that are groups of economies, not states.
AGGREGATES = frozenset({
    "World", "Advanced Economies", "Euro Area", "Emerging and Developing Economies",
    "Emerging and Developing Asia", "Emerging and Developing Europe",
    "Middle East and Central Asia", "Sub-Saharan Africa", "Western Hemisphere",
    "Other Countries not included elsewhere", "Special Categories",
    "Countries & Areas not specified", "Memorandum Items", "Africa", "Middle East",
    "European Union", "Asia not specified", "Europe not specified", "Africa not specified",
    "Middle East and Central Asia not specified", "Western Hemisphere not specified",
    "Emerging Market and Developing Economies by Source of Export Earnings: Fuel",
    "Emerging Market and Developing Economies by Source of Export Earnings: Nonfuel",
    "Belgium-Luxembourg",
})
#: Partners that existed but have no row in the crosswalk (kept with a NULL ISO3).
FORMER_TERRITORIES = frozenset({"Netherlands Antilles"})
_ABBR = ((r"\bRep\.", "Republic"), (r"\bDem\.", "Democratic"), (r"\bP\.R\.", "People's Republic"),
         (r"\bSt\.", "Saint"))
#: ", <form>" endings after which the name alone is the state (never for Congo: two states).
_FORMS = frozenset({
    "rep. of", "republic of", "kingdom of", "islamic rep. of", "union of the", "the state of",
    "arab rep. of", "united rep. of", "the", "kingdom of the netherlands",
    "the federal dem. rep. of", "rep. of the", "federated states of", "rep. bolivariana de",
    "dem. rep. of",
})


def imf_iso3(name: str) -> str | None:
    """The ISO3 of an IMF economy name, or None (aggregates and unknown names)."""
    n = str(name).strip()
    cands = [n]
    e = n
    for pat, rep in _ABBR:
        e = re.sub(pat, rep, e)
    cands.append(e)
    if ", " in n:
        base, _, form = n.partition(", ")
        eb, _, ef = e.partition(", ")
        cands.append(f"{ef} {eb}")
        if form.lower() in _FORMS and base.lower() != "congo":
            cands.append(base)
    for c in cands:
        iso = to_iso3(c)
        if iso is not None:
            return iso
    return None


def imf_former(name: str) -> dict[str, Any] | None:
    """The former state an IMF partner name denotes when the crosswalk counts it as a
    continuing state (see :func:`bilat.reference.countries.former_state`), else None."""
    n = str(name).strip()
    e = n
    for pat, rep in _ABBR:
        e = re.sub(pat, rep, e)
    for c in dict.fromkeys([n, e]):
        found = former_state(c)
        if found is not None:
            return found
    return None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str)
                                                              and not v.strip())


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _value(v: Any) -> tuple[float | None, bool, bool]:
    """(value, estimate flag, ok) of one cell: numbers, blanks, or '1.00 e'."""
    if v is None or (isinstance(v, float) and v != v):
        return None, False, True
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v), False, True
    text = str(v).strip()
    if not text:
        return None, False, True
    m = re.fullmatch(r"(-?[0-9][0-9,]*\.?[0-9]*(?:[eE][-+]?[0-9]+)?)\s*(e)?", text)
    if m:
        return float(m.group(1).replace(",", "")), bool(m.group(2)), True
    return None, False, False


def parse_dots(path: Path, bad: BadRows) -> Any:
    """One ``DOTS_<n>.xlsx`` reporter workbook → Arrow rows of table ``imf_dots``."""
    if path.stat().st_size == 0:
        raise error("E018", path=path)
    book = pd.read_excel(path, sheet_name=None, engine="calamine", header=None,
                         keep_default_na=False, na_values=[])
    missing = [s for s in SHEETS if s not in book]
    if missing:
        raise error("E502", path=path, what="sheet " + ", ".join(repr(s) for s in missing),
                    reason=f"the workbook has {', '.join(map(repr, list(book)[:6]))}",
                    expected=LAYOUT)
    records: list[dict[str, Any]] = []
    reporter_iso = None
    for sheet, flow in SHEETS.items():
        df = book[sheet]
        cells = df.to_numpy(dtype=object)
        letters = [_col_letter(j) for j in range(df.shape[1])]
        if df.shape[0] < 8 or df.shape[1] < 3:
            raise error("E018", path=path) if df.map(_blank).all().all() else error(
                "E502", path=path, what=f"the data rows of sheet {sheet!r}",
                reason=f"only {df.shape[0]} rows and {df.shape[1]} columns", expected=LAYOUT)
        reporter = str(df.iat[3, 1]).strip()
        unit = str(df.iat[4, 1]).strip()
        if unit != "US Dollars, Millions":
            raise error("E502", path=path, what=f"the unit 'US Dollars, Millions' in {sheet}!B5",
                        reason=f"B5 reads {unit!r}", expected=LAYOUT)
        reporter_iso = imf_iso3(reporter)
        if reporter_iso is None:
            raise error("E501", path=path, line=4, value=reporter, column=f"{sheet}!B4",
                        scheme="IMF economy name")
        years: dict[int, int] = {}
        for j in range(2, df.shape[1]):
            y = df.iat[6, j]
            if _blank(y):
                continue
            try:
                yi = int(float(y))
            except (TypeError, ValueError):
                raise error("E502", path=path, what=f"a year in {sheet}!{_col_letter(j)}7",
                            reason=f"it reads {y!r}", expected=LAYOUT) from None
            if not 1940 <= yi <= 2100 or float(y) != yi:
                raise error("E502", path=path, what=f"a year in {sheet}!{_col_letter(j)}7",
                            reason=f"it reads {y!r}", expected=LAYOUT)
            years[j] = yi
        if not years:
            raise error("E502", path=path, what=f"the years in row 7 of {sheet!r}",
                        reason="row 7 is empty", expected=LAYOUT)
        seen: dict[str, tuple[int, list[Any]]] = {}
        for i in range(7, df.shape[0]):
            partner = cells[i, 1]
            if _blank(partner):
                continue
            partner = str(partner).strip()
            line = i + 1
            vals = [cells[i, j] for j in years]
            if partner in seen:
                first, before = seen[partner]
                same = all((_value(a)[0] == _value(b)[0]) for a, b in zip(before, vals,
                                                                          strict=True))
                if not same:
                    bad.add(line, f"{partner} listed twice with different values",
                            f"{sheet}!{line}", exc=error(
                                "E504", path=path, line=line, key=f"partner {partner!r} in "
                                f"{sheet!r}", first=first))
                continue
            seen[partner] = (line, vals)
            if partner in AGGREGATES:
                iso, kind = None, "aggregate"
            elif partner in FORMER_TERRITORIES:
                iso, kind = None, "former territory"
            else:
                iso, kind = imf_iso3(partner), "state"
                if iso is None:
                    bad.add(line, f"unknown state {partner!r}", f"{sheet}!B{line}", exc=error(
                        "E501", path=path, line=line, value=partner, column=f"{sheet}!B",
                        scheme="IMF economy name"))
                    continue
            former = imf_former(partner) if kind == "state" else None
            for (j, year), v in zip(years.items(), vals, strict=True):
                value, est, ok = _value(v)
                cell = f"{letters[j]}{line}"
                if not ok or (value is not None and value < 0):
                    bad.add(line, f"bad value {v!r}", f"{sheet}!{cell}", exc=error(
                        "E503", path=path, line=line, value=v, column=f"{sheet}!{cell}",
                        reason="expected million US$ (a number ≥ 0, optionally flagged 'e')"))
                    continue
                if value is None:
                    continue
                p_iso, p_kind = iso, kind
                if former is not None:
                    # continuity up to the former state's last year; later, a residual
                    p_iso, p_kind = ((iso, "former state") if year <= former["last_year"]
                                     else (None, "former state residual"))
                records.append({
                    "reporter": reporter, "reporter_iso3": reporter_iso, "flow": flow,
                    "partner": partner, "partner_iso3": p_iso, "partner_kind": p_kind,
                    "year": year, "value_musd": value, "estimate": est, "sheet": sheet,
                    "row": line, "cell": cell,
                })
    out = pd.DataFrame.from_records(records, columns=[
        "reporter", "reporter_iso3", "flow", "partner", "partner_iso3", "partner_kind", "year",
        "value_musd", "estimate", "sheet", "row", "cell"])
    if out.empty:
        raise error("E018", path=path)
    out["partner_iso3"] = out["partner_iso3"].astype("string")
    return to_arrow(out, list(out.columns))


SOURCE = Source(
    kind="imf_dots", table="imf_dots", mirror_dir="trade_imf_dots", files=("DOTS_*.xlsx",),
    parse=parse_dots, citation=CITATION,
    key_columns=("reporter_iso3", "flow", "partner", "year"),
    title="IMF Direction of Trade Statistics workbook",
)


#: The five reporters' workbooks as pinned in SamLeBlanc/Direction-of-Trade-Map (the copy the
#: mirror was taken from; the IMF portal exports them on request).
ONLINE_FILES = ("DOTS_162.xlsx", "DOTS_40.xlsx", "DOTS_18.xlsx", "DOTS_208.xlsx",
                "DOTS_207.xlsx")
_REPO = ("https://raw.githubusercontent.com/SamLeBlanc/Direction-of-Trade-Map/"
         "a0b40afbac7cefc59a4b35c1ebe541ac546aafad/data/DOTS/")


def fetch_dots(store: Any, mirror: str | Path | None = None, *, on_bad_rows: str = "fail",
               files: list[str] | None = None, **kw: Any) -> list[Any]:
    """Load every ``DOTS_*.xlsx`` under ``<mirror>/trade_imf_dots/``; without a mirror, the
    five pinned workbooks (Russia, China, Belarus, United States, United Kingdom)."""
    from dataclasses import replace

    from bilat.config import resolve_mirror

    if resolve_mirror(mirror) is None:
        online = replace(SOURCE, files=ONLINE_FILES,
                         urls={f: _REPO + f for f in ONLINE_FILES})
        return fetch(online, store, mirror=None, on_bad_rows=on_bad_rows, files=files, **kw)
    return fetch(SOURCE, store, mirror=mirror, on_bad_rows=on_bad_rows, files=files, **kw)
