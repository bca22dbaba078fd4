"""SIPRI Arms Transfers Database: trade-register exports (deliveries by year, and deals).

Two upstream exports of the SIPRI trade register, both with SIPRI's 11 preamble lines
(notes, "Source: SIPRI Arms Transfers Database (c) SIPRI.", "Data generated: …") before the
header on line 12. Country names are SIPRI's (``Soviet Union``, ``Russia``, ``Viet Nam``,
``Turkiye``…) and go through the crosswalk. SIPRI also names non-state actors (ending in
``*``, e.g. ``Houthi rebels (Yemen)*``), international organisations (``**``, e.g.
``NATO**``) and ``unknown supplier(s)``/``unknown recipient(s)``: these are kept with a NULL
ISO3 and their kind (``state``, ``non-state actor``, ``organisation``, ``unknown``); any other
name the crosswalk does not know is a bad row (E501).

``trade_register.csv`` → table ``sipri_deliveries``: one row per deal **per delivery year**
(deliveries 1995-2024; ASCII, CRLF, every line ending in ``;``):

- ``deal_id`` (``SIPRI AT Database ID``), ``supplier``/``recipient`` (SIPRI names) with
  ``supplier_iso3``/``recipient_iso3`` and ``supplier_kind``/``recipient_kind``;
- ``designation`` (e.g. ``Su-35``), ``description``, ``category`` (armament category);
- ``order_year`` with ``order_year_estimate`` (bool), ``n_delivered`` with
  ``n_delivered_estimate``, ``delivery_year`` with ``delivery_year_estimate``;
- ``status`` (New / Second hand / Second hand but modernized), ``sipri_estimate``,
  ``tiv_unit`` (TIV per unit), ``tiv_delivered`` (**TIV** of the deliveries that year, in
  millions; 0 means between 0 and 0.5), ``local_production`` (bool); ``line``.

``trade-register.csv`` → table ``sipri_deals``: one row per **deal**, all years (orders
1950-2024; ISO-8859-1; four comments run over two physical lines and are joined):

- ``recipient``, ``supplier`` (+ ``_iso3``, ``_kind``), ``order_year`` with
  ``order_year_uncertain`` (SIPRI's ``?``), ``n_ordered`` (+ ``n_ordered_uncertain``),
  ``designation``, ``description``, ``n_delivered`` (+ ``n_delivered_uncertain``),
  ``delivery_years`` (as given, ``; ``-separated), ``first_delivery``, ``last_delivery``,
  ``status``, ``comments``, ``tiv_unit``, ``tiv_order`` (TIV for the total order),
  ``tiv_delivered`` (TIV of delivered weapons, all years), ``line``.

TIV (trend-indicator value) measures the *volume* of major conventional arms transferred,
not their price; SIPRI warns against reading it as money. Summing ``tiv_delivered`` of
``sipri_deliveries`` by supplier, recipient and delivery year gives the dyad-year TIV.

Citation: Stockholm International Peace Research Institute, *SIPRI Arms Transfers Database*
(data generated 12 Feb 2026 / 13 Mar 2025), https://www.sipri.org/databases/armstransfers.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd

from bilat.errors import error
from bilat.sources._material_common import (
    check_not_empty,
    int_column,
    num_column,
    resolve_names,
    to_arrow,
)
from bilat.sources.core import BadRows, Source, fetch_group, require_columns

CITATION = ("Stockholm International Peace Research Institute, SIPRI Arms Transfers Database, "
            "https://www.sipri.org/databases/armstransfers")
PREAMBLE = 11
DELIVERY_COLUMNS = (
    "SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description",
    "Armament category", "Order date", "Order date is estimate", "Numbers delivered",
    "Numbers delivered is estimate", "Delivery year", "Delivery year is estimate", "Status",
    "SIPRI estimate", "TIV deal unit", "TIV delivery values", "Local production",
)
DEAL_COLUMNS = (
    "Recipient", "Supplier", "Year of order", "", "Number ordered", "", "Weapon designation",
    "Weapon description", "Number delivered", "", "Year(s) of delivery", "status", "Comments",
    "SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons",
)
#: Entities SIPRI lists without a marker that are not states of the crosswalk (secessionist
#: or unrecognised governments): kept with a NULL ISO3.
UNRECOGNISED = frozenset({"Biafra", "Katanga", "Northern Cyprus"})
#: Years the deliveries export covers (its header says 1995-2025; no 2025 rows).
COVERAGE = (1995, 2024)


def sipri_entity(name: str) -> tuple[str | None, str] | None:
    """SIPRI's non-state entries: ``*`` non-state actor, ``**`` organisation, ``unknown …``."""
    n = name.strip()
    if n.endswith("**"):
        return (None, "organisation")
    if n.endswith("*"):
        return (None, "non-state actor")
    if n.lower().startswith("unknown "):
        return (None, "unknown")
    if n in UNRECOGNISED:
        return (None, "unrecognised entity")
    return None


def _records(path: Path, encoding: str, width: int, bad: BadRows) -> tuple[list[str],
                                                                          list[list[str]],
                                                                          list[int]]:
    """Header and records after the preamble; a record split over two lines is joined."""
    text = path.read_bytes().decode(encoding)
    lines = text.splitlines()
    if len(lines) <= PREAMBLE:
        raise error("E018", path=path)
    if not lines[PREAMBLE - 2].startswith("Source: SIPRI") and not any(
            ln.startswith("Source: SIPRI") for ln in lines[:PREAMBLE]):
        raise error("E502", path=path, what="the SIPRI preamble",
                    reason="no 'Source: SIPRI Arms Transfers Database' line in lines 1-11",
                    expected="11 lines of SIPRI notes, then the header on line 12")

    parsed = list(csv.reader(lines[PREAMBLE:]))  # one reader over all lines: fast
    if len(parsed) != len(lines) - PREAMBLE:  # a quote left open ran into the next line:
        parsed = [next(csv.reader([ln]), []) for ln in lines[PREAMBLE:]]  # line by line
    header = parsed[0] if parsed else []
    rows: list[list[str]] = []
    where: list[int] = []
    i = 1
    while i < len(parsed):
        fields, line_no = parsed[i], PREAMBLE + i + 1
        if not fields or not "".join(fields).strip():
            i += 1
            continue
        if len(fields) < width and i + 1 < len(parsed):
            nxt = parsed[i + 1]
            if nxt and len(fields) + len(nxt) - 1 == width:  # a comment run over two lines
                rows.append([*fields[:-1], f"{fields[-1]} {nxt[0]}".strip(), *nxt[1:]])
                where.append(line_no)
                i += 2
                continue
        if len(fields) != width:
            raw = lines[PREAMBLE + i]
            bad.add(line_no, f"{len(fields)} fields, expected {width}", raw,
                    exc=error("E503", path=path, line=line_no, value=raw[:80], column="(row)",
                              reason=f"{len(fields)} fields where the header has {width}"))
        else:
            rows.append(fields)
            where.append(line_no)
        i += 1
    return header, rows, where


def _yes(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip().str.rstrip(";").str.lower().eq("yes")


def parse_deliveries(path: Path, bad: BadRows) -> Any:
    """``trade_register.csv`` (deal × delivery year) → Arrow rows of ``sipri_deliveries``."""
    raw = path.read_bytes()
    if not raw.strip():
        raise error("E018", path=path)
    header, rows, where = _records(path, "latin-1", len(DELIVERY_COLUMNS), bad)
    header = [h.strip().rstrip(";") for h in header]
    require_columns(path, header, DELIVERY_COLUMNS, ", ".join(DELIVERY_COLUMNS))
    df = pd.DataFrame(rows, columns=header[: len(rows[0])] if rows else header)
    df["_line"] = where
    check_not_empty(path, df)
    df = df.replace({"": None})
    df["Local production"] = df["Local production"].astype(str).str.rstrip(";")
    df = int_column(df, "SIPRI AT Database ID", bad, path, lo=1)
    df = int_column(df, "Delivery year", bad, path, lo=1950, hi=2100)
    df = int_column(df, "Order date", bad, path, lo=1900, hi=2100, nullable=True)
    df = int_column(df, "Numbers delivered", bad, path, lo=0, nullable=True)
    for c in ("SIPRI estimate", "TIV deal unit", "TIV delivery values"):
        df = num_column(df, c, bad, path, lo=0.0)
    for col, out in (("Supplier", "supplier"), ("Recipient", "recipient")):
        df = resolve_names(df, col, bad, path, scheme="SIPRI country name", out=f"{out}_iso3",
                           special=sipri_entity, kind_out=f"{out}_kind")
    out = pd.DataFrame({
        "deal_id": df["SIPRI AT Database ID"].astype("int64"),
        "supplier": df["Supplier"], "supplier_iso3": df["supplier_iso3"],
        "supplier_kind": df["supplier_kind"],
        "recipient": df["Recipient"], "recipient_iso3": df["recipient_iso3"],
        "recipient_kind": df["recipient_kind"],
        "designation": df["Designation"], "description": df["Description"],
        "category": df["Armament category"], "order_year": df["Order date"],
        "order_year_estimate": _yes(df["Order date is estimate"]),
        "n_delivered": df["Numbers delivered"],
        "n_delivered_estimate": _yes(df["Numbers delivered is estimate"]),
        "delivery_year": df["Delivery year"].astype("int64"),
        "delivery_year_estimate": _yes(df["Delivery year is estimate"]),
        "status": df["Status"], "sipri_estimate": df["SIPRI estimate"],
        "tiv_unit": df["TIV deal unit"], "tiv_delivered": df["TIV delivery values"],
        "local_production": _yes(df["Local production"]), "line": df["_line"].astype("int64"),
    })
    return to_arrow(out, list(out.columns))


def _delivery_span(value: Any) -> tuple[int | None, int | None, bool]:
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return None, None, True
    years = []
    for part in str(value).split(";"):
        p = part.strip()
        if not p:
            continue
        if not (p.isdigit() and 1900 <= int(p) <= 2100):
            return None, None, False
        years.append(int(p))
    return (min(years), max(years), True) if years else (None, None, True)


def parse_deals(path: Path, bad: BadRows) -> Any:
    """``trade-register.csv`` (one row per deal) → Arrow rows of table ``sipri_deals``."""
    raw = path.read_bytes()
    if not raw.strip():
        raise error("E018", path=path)
    header, rows, where = _records(path, "latin-1", len(DEAL_COLUMNS), bad)
    names = [h.strip() for h in header]
    require_columns(path, names, [c for c in DEAL_COLUMNS if c], ", ".join(
        c or "(blank)" for c in DEAL_COLUMNS))
    # the three blank columns hold SIPRI's '?' marks for the column before them
    cols = ["Recipient", "Supplier", "Year of order", "q_order", "Number ordered", "q_ordered",
            "Weapon designation", "Weapon description", "Number delivered", "q_delivered",
            "Year(s) of delivery", "status", "Comments", "SIPRI TIV per unit",
            "SIPRI TIV for total order", "SIPRI TIV of delivered weapons"]
    df = pd.DataFrame(rows, columns=cols)
    df["_line"] = where
    check_not_empty(path, df)
    df = df.replace({"": None})
    df = int_column(df, "Year of order", bad, path, lo=1900, hi=2100)
    df = int_column(df, "Number ordered", bad, path, lo=0, nullable=True)
    df = int_column(df, "Number delivered", bad, path, lo=0, nullable=True)
    for c in ("SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons"):
        df = num_column(df, c, bad, path, lo=0.0)
    spans = df["Year(s) of delivery"].map(_delivery_span)
    badspan = spans.map(lambda t: not t[2])
    for _, r in df[badspan].iterrows():
        bad.add(int(r["_line"]), "bad delivery years", str(r["Year(s) of delivery"]),
                exc=error("E503", path=path, line=int(r["_line"]), value=r["Year(s) of delivery"],
                          column="Year(s) of delivery",
                          reason="expected years separated by '; ' (e.g. 2016; 2017)"))
    df, spans = df[~badspan].copy(), spans[~badspan]
    for col, out in (("Supplier", "supplier"), ("Recipient", "recipient")):
        df = resolve_names(df, col, bad, path, scheme="SIPRI country name", out=f"{out}_iso3",
                           special=sipri_entity, kind_out=f"{out}_kind")
    spans = spans.loc[df.index]
    q = {c: df[c].astype(str).str.strip().eq("?") for c in ("q_order", "q_ordered", "q_delivered")}
    out = pd.DataFrame({
        "recipient": df["Recipient"], "recipient_iso3": df["recipient_iso3"],
        "recipient_kind": df["recipient_kind"],
        "supplier": df["Supplier"], "supplier_iso3": df["supplier_iso3"],
        "supplier_kind": df["supplier_kind"],
        "order_year": df["Year of order"].astype("int64"), "order_year_uncertain": q["q_order"],
        "n_ordered": df["Number ordered"], "n_ordered_uncertain": q["q_ordered"],
        "designation": df["Weapon designation"], "description": df["Weapon description"],
        "n_delivered": df["Number delivered"], "n_delivered_uncertain": q["q_delivered"],
        "delivery_years": df["Year(s) of delivery"],
        "first_delivery": pd.array([s[0] for s in spans], dtype="Int64"),
        "last_delivery": pd.array([s[1] for s in spans], dtype="Int64"),
        "status": df["status"], "comments": df["Comments"],
        "tiv_unit": df["SIPRI TIV per unit"], "tiv_order": df["SIPRI TIV for total order"],
        "tiv_delivered": df["SIPRI TIV of delivered weapons"],
        "line": df["_line"].astype("int64"),
    })
    return to_arrow(out, list(out.columns))


# SIPRI generates exports on request (armstransfers.sipri.org); these are the pinned copies
# the mirror was taken from (see arms_sipri/SOURCES.md).
_DELIVERIES_URL = ("https://raw.githubusercontent.com/nagehanrdogan/"
                   "Global-Arms-Trade-Network-Analysis-1995-2024-/"
                   "bdf78c664d67991f2b199a771dcb9e7ac392ebb7/trade_register.csv")
_DEALS_URL = ("https://raw.githubusercontent.com/ColasDroin/SIPRI_arms_transfers_analysis/"
              "b34bde378b96bf8450441fd6097d5c19b278b8ca/trade-register.csv")
DELIVERIES = Source(
    kind="sipri_deliveries", table="sipri_deliveries", mirror_dir="arms_sipri",
    files=("trade_register.csv",), parse=parse_deliveries, citation=CITATION,
    urls={"trade_register.csv": _DELIVERIES_URL},
    key_columns=("deal_id", "delivery_year"), title="SIPRI trade register (deliveries by year)",
)
DEALS = Source(
    kind="sipri_deals", table="sipri_deals", mirror_dir="arms_sipri",
    files=("trade-register.csv",), parse=parse_deals, citation=CITATION,
    urls={"trade-register.csv": _DEALS_URL}, title="SIPRI trade register (one row per deal)",
)


def fetch_sipri(store: Any, mirror: str | Path | None = None, *, on_bad_rows: str = "fail",
                **kw: Any) -> list[Any]:
    """Load both SIPRI exports from ``<mirror>/arms_sipri/`` (or, without a mirror, the pinned
    copies the mirror was taken from; SIPRI itself generates exports on request)."""
    return fetch_group([DELIVERIES, DEALS], store, mirror=mirror, on_bad_rows=on_bad_rows, **kw)
