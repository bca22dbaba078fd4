"""Country crosswalk: ISO 3166, FIPS 10-4, CAMEO, Correlates of War and UN names → ISO3.

Every source bilat reads names states its own way: GDELT geography fields use FIPS 10-4
(``CH`` = China), GDELT actor fields use CAMEO country codes (mostly ISO 3166-1 alpha-3),
the UN-votes data uses country names and ISO 3166-1 alpha-2, and political-science data use
Correlates of War (COW) codes. This module maps all of them to one analysis code, ``iso3``.

The bundled table ``data/countries.csv`` (provenance in ``data/COUNTRIES_SOURCES.md``) has one
row per state or entity, with fields:

- ``entity`` (str): unique row id. The ISO 3166-1 alpha-3 code for current states and
  territories; the ISO 3166-3 code for former states that have one (SUN, CSK, YUG, DDR, YMD);
  otherwise the COW abbreviation (GFR, YAR, ZAN, RVN). Also accepted by ``to_iso3(.., "iso3")``.
- ``iso3`` (str): the analysis code :func:`to_iso3` returns. For current states and
  territories ISO 3166-1 alpha-3 (XKX for Kosovo, a user-assigned code). For former states the
  continuing state (USSR → RUS, Czechoslovakia → CZE, Yugoslavia → SRB, West Germany → DEU,
  North Yemen → YEM) or, when there is none, the entity's own code (DDR, YMD, ZAN, RVN).
- ``name`` (str): short English name.
- ``status`` (str): ``member`` (UN member state, 193), ``observer`` (PSE, VAT),
  ``non-member`` (TWN, XKX), ``territory`` (dependent or disputed territory), ``former``.
- ``iso2`` (str): ISO 3166-1 alpha-2 (ISO 3166-3 alpha-2 for former states: SU, CS, YU, DD,
  YD); empty when none.
- ``iso_numeric`` (Int64): ISO 3166-1 numeric (the former numeric for former states).
- ``fips`` (str): FIPS 10-4 code as in GDELT ``*Geo_CountryCode`` fields; several codes are
  separated by ``|`` (Palestine: ``WE|GZ``); empty for former states except YI.
- ``cameo`` (str): CAMEO country code as in GDELT ``Actor*CountryCode``: the ISO3 code for
  every current state and territory (empty for Kosovo, unverified, and former states).
  CAMEO's regional codes such as ``SAF`` Southern Africa are in :data:`CAMEO_REGIONS`.
- ``cow_num`` (Int64), ``cow_abbr`` (str): Correlates of War state-system code and
  abbreviation. A COW code used by COW for a state and its continuator (365 USSR/Russia,
  345 Yugoslavia/Serbia) sits on the current state's row.
- ``un_member_since``, ``un_member_until`` (Int64): years the entity held its UN seat
  (CHN from 1971: the Republic of China, TWN, held the China seat 1945-1971).
- ``sovereign`` (str): ISO3 of the administering state for territories (HKG → CHN).
- ``historical`` (bool): the entity no longer exists.
- ``aliases`` (str): ``|``-separated other names (UN spellings, former and common names).
- ``note`` (str): the documented choice behind a row, where there is one.

Codebooks: ISO 3166-1/-3; FIPS PUB 10-4 (as used by GDELT); CAMEO codebook 1.1b3 (Schrodt
2012); COW State System Membership v2016; the ``unvotes`` R package data (Voeten).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from bilat.errors import error

if TYPE_CHECKING:  # pragma: no cover - pandas is imported by the functions returning frames
    import pandas as pd

    from bilat.rows import Rows

#: Schemes :func:`to_iso3` and :func:`iso3_map` understand.
SCHEMES: tuple[str, ...] = (
    "iso3", "iso2", "fips", "cameo", "cow_num", "cow_abbr", "name", "auto",
)

_CODE_SCHEMES = ("iso2", "fips", "cameo", "cow_abbr")

#: CAMEO actor country codes that name regions, not states (CAMEO codebook 1.1b3). They are
#: valid in GDELT ``Actor*CountryCode`` fields but have no ISO3: ``to_iso3`` gives None.
CAMEO_REGIONS: dict[str, str] = {
    "AFR": "Africa", "ASA": "Asia", "BLK": "Balkans", "CRB": "Caribbean", "CAU": "Caucasus",
    "CFR": "Central Africa", "CAS": "Central Asia", "CEU": "Central Europe",
    "EIN": "East Indies", "EAF": "Eastern Africa", "EEU": "Eastern Europe", "EUR": "Europe",
    "LAM": "Latin America", "MEA": "Middle East", "MDT": "Mediterranean",
    "NAF": "North Africa", "NMR": "North America", "PGS": "Persian Gulf",
    "SCN": "Scandinavia", "SAM": "South America", "SAS": "South Asia",
    "SEA": "Southeast Asia", "SAF": "Southern Africa", "WAF": "West Africa",
    "WST": "The West",
}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def load_countries() -> pd.DataFrame:
    """The bundled crosswalk, one row per state, territory or former state (a fresh copy)."""
    return _table().copy()


#: Columns of ``countries.csv`` that hold whole numbers (empty: missing); ``historical`` is a
#: boolean; every other column is text ("" when empty, never missing).
_INT_COLUMNS = ("iso_numeric", "cow_num", "un_member_since", "un_member_until")


@cache
def _records() -> tuple[dict[str, Any], ...]:
    """The CSV read once per process, as typed dicts (no pandas: reference lookups are part
    of every command's start-up)."""
    import csv

    with resources.files("bilat.reference").joinpath("data/countries.csv").open(
        encoding="utf-8", newline=""
    ) as fh:
        # every field is text: "NA" is Namibia's ISO2 code, not a missing value
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["historical"] = {"true": True, "false": False}[row["historical"]]
        for col in _INT_COLUMNS:
            row[col] = int(row[col]) if row[col] != "" else None
    return tuple(rows)


def _kinds() -> dict[str, str]:
    """Column kinds of the crosswalk (see :class:`bilat.rows.Rows`), in the CSV's order."""
    return {c: "Int64" if c in _INT_COLUMNS else "bool" if c == "historical" else "str"
            for c in _records()[0]}


def _rows(records: Any) -> Rows:
    from bilat.rows import Rows

    return Rows.from_records(records, _kinds())


@cache
def _table() -> pd.DataFrame:
    """The crosswalk as a DataFrame (text columns as text, codes as nullable integers)."""
    return _rows(_records()).to_pandas()


def normalise_name(value: str) -> str:
    """A name reduced for matching: no accents, case, punctuation, '&' or leading 'the'.

    ``iso3_map("name")`` keys are in this form, so normalise a column with it before joining.
    """
    text = unicodedata.normalize("NFKD", str(value).translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace(".", "")
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def _code_key(scheme: str, value: str | int | float) -> str | None:
    """A value in the form the scheme's keys are stored in, or None if it cannot be one."""
    if scheme == "cow_num":
        try:
            number = float(str(value).strip())
        except ValueError:
            return None
        if not number.is_integer():
            return None
        return str(int(number))
    if scheme == "name":
        return normalise_name(str(value)) or None
    return str(value).strip().upper() or None


@cache
def _maps() -> dict[str, dict[str, str]]:
    """Key → iso3 for every scheme; a key claimed by two different codes is a data error."""
    maps: dict[str, dict[str, str]] = {s: {} for s in SCHEMES if s != "auto"}

    def put(scheme: str, key: str | None, iso3: str) -> None:
        if not key:
            return
        old = maps[scheme].setdefault(key, iso3)
        if old != iso3:
            raise ValueError(f"countries.csv: {scheme} key {key!r} maps to {old} and {iso3}")

    rows = _records()
    for row in rows:
        put("iso3", row["iso3"], row["iso3"])
    for row in rows:
        put("iso3", row["entity"], row["iso3"])
        for scheme in _CODE_SCHEMES:
            for code in str(row[scheme]).split("|"):
                put(scheme, _code_key(scheme, code) if code else None, row["iso3"])
        if row["cow_num"] is not None:
            put("cow_num", str(row["cow_num"]), row["iso3"])
        for name in [row["name"], *str(row["aliases"]).split("|")]:
            if name:
                put("name", normalise_name(name), row["iso3"])
    return maps


def _check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise error("E012", value=scheme, option="scheme", options=", ".join(SCHEMES))


def iso3_map(scheme: str) -> dict[str, str]:
    """The whole mapping ``key → iso3`` for one scheme, for vectorised joins.

    Keys are upper-case codes for iso3/iso2/fips/cameo/cow_abbr, ``str(int)`` for cow_num and
    :func:`normalise_name` forms for name. A copy: changing it does not change the table.
    """
    _check_scheme(scheme)
    if scheme == "auto":
        raise error("E012", value=scheme, option="scheme for iso3_map",
                    options=", ".join(s for s in SCHEMES if s != "auto"))
    return dict(_maps()[scheme])


def to_iso3(value: str | int | None, scheme: str = "auto") -> str | None:
    """The ISO3 analysis code for ``value`` written in ``scheme``, or None if unknown.

    ``auto`` tries an ISO3/entity code, then a name or alias (case- and accent-insensitive).
    It never reads a two-letter code as FIPS (``CH`` is China in FIPS, Switzerland in ISO2)
    nor a number as a code: pass ``scheme="fips"``, ``"iso2"`` or ``"cow_num"`` for those.
    """
    _check_scheme(scheme)
    if value is None or (isinstance(value, float) and value != value):
        return None
    maps = _maps()
    if scheme == "auto":
        if isinstance(value, int | float):
            return None
        text = str(value).strip()
        if len(text) == 3 and text.isalpha():
            found = maps["iso3"].get(text.upper())
            if found is not None:
                return found
        return maps["name"].get(normalise_name(text))
    key = _code_key(scheme, value)
    return None if key is None else maps[scheme].get(key)


def require_iso3(value: str | int | None, scheme: str = "auto") -> str:
    """Like :func:`to_iso3`, but an unknown value raises error E008 instead of giving None."""
    found = to_iso3(value, scheme)
    if found is None:
        raise error("E008", value=value)
    return found


#: Names a person may type for either of two states (resolve_state asks which; data sources
#: keep their own reading: "Congo" in COW, ICEWS and UN files is the Republic of the Congo).
AMBIGUOUS_NAMES: dict[str, tuple[str, ...]] = {"congo": ("COG", "COD")}


def resolve_state(value: str | None) -> str:
    """The ISO3 code a person meant by ``value``: ISO3 in any case, or a name or alias.

    The one resolver for every place a state is typed (positional ``A B``, ``@SIDE``,
    ``--parties``, ``--ref``). A name of two states (:data:`AMBIGUOUS_NAMES`: "Congo") is
    E040 naming both. Unknown values raise E008 with a did-you-mean: for two-letter
    values the ISO2 and FIPS readings (``CH`` is Switzerland in ISO2, China in FIPS), for
    others the closest ISO3 codes and names.
    """
    text = "" if value is None else str(value).strip()
    both = AMBIGUOUS_NAMES.get(normalise_name(text)) if text else None
    if both:
        raise error("E040", value=value,
                    options=" or ".join(f"{c} ({country_name(c)})" for c in both))
    found = to_iso3(text) if text else None
    if found is not None:
        return found
    hints: list[str] = []
    if len(text) == 2 and text.isalpha():
        for scheme in ("iso2", "fips"):
            iso = to_iso3(text.upper(), scheme)
            if iso is not None:
                hints.append(f"{iso} ({country_name(iso)}, {text.upper()} in {scheme.upper()})")
    if not hints and text:
        import difflib

        codes = sorted(_maps()["iso3"])
        by_code = [f"{c} ({country_name(c)})" for c in
                   difflib.get_close_matches(text.upper(), codes, n=2, cutoff=0.6)]
        names = _names()
        by_name = {normalise_name(n): iso for iso, n in names.items()}
        key = normalise_name(text)
        close = difflib.get_close_matches(key, list(by_name), n=3, cutoff=0.7)
        # a word of the name ("korea" → North Korea, South Korea)
        close += sorted(n for n in by_name if key and len(key) >= 4 and key in n.split())
        named = []
        for n in close:
            hint = f"{by_name[n]} ({names[by_name[n]]})"
            if hint not in named:
                named.append(hint)
        # three letters read as a code first; longer text as a name first
        ordered = by_code + named if len(text) == 3 else named + by_code
        for hint in ordered:
            if hint not in hints:
                hints.append(hint)
        hints = hints[:3]
    if hints:
        raise error("E008", value=value, hint="; did you mean " + " or ".join(hints) + "?")
    raise error("E008", value=value)


def country_name(iso3: str) -> str:
    """The short English name for an ISO3 analysis code (the current state's row first)."""
    name = _names().get(str(iso3).strip().upper())
    if name is None:
        raise error("E008", value=iso3)
    return name


@cache
def _names() -> dict[str, str]:
    """iso3 → name, from the current state's row when a former state maps to the same code."""
    rows = sorted(_records(), key=lambda r: not r["historical"])  # stable: current rows last
    return {r["iso3"]: r["name"] for r in rows}


def countries(search: str | None = None) -> pd.DataFrame:
    """The crosswalk, optionally only rows whose codes, name or aliases contain ``search``
    (index: the rows' positions in :func:`load_countries`)."""
    if not search:
        return load_countries()
    import pandas as pd

    rows, positions = _search(search)
    df = rows.to_pandas()
    df.index = pd.Index(positions, dtype="int64")
    return df


def countries_rows(search: str | None = None) -> Rows:
    """:func:`countries` as :class:`bilat.rows.Rows` (no pandas; ``bilat countries``)."""
    return _rows(_records()) if not search else _search(search)[0]


def _search(search: str) -> tuple[Rows, list[int]]:
    """Rows whose code (ISO, FIPS, CAMEO, COW abbreviation, COW or ISO number) equals
    ``search`` in any case, or whose name or an alias contains it (from three characters on:
    "ch" would match half the world), and their positions in the table."""
    needle = normalise_name(search)
    code = search.strip().upper()
    text_cols = ["entity", "iso3", "iso2", "fips", "cameo", "cow_abbr"]

    def hit(r: dict[str, Any]) -> bool:
        if any(code in r[c].upper().split("|") for c in text_cols):
            return True
        if any(r[c] is not None and str(r[c]) == code for c in ("cow_num", "iso_numeric")):
            return True
        return len(needle) >= 3 and any(needle in normalise_name(n) for n in
                                         f"{r['name']}|{r['aliases']}".split("|") if n)

    records = _records()
    positions = [i for i, r in enumerate(records) if hit(r)]
    return _rows([records[i] for i in positions]), positions


# ----------------------------------------------------------------------- successor continuity
#: Names on a former state's row that denote a later state than the row's own end year: the
#: Federal Republic of Yugoslavia (Serbia and Montenegro, 1992-2006) sits on the YUG row (it is
#: continued by Serbia) but lasted to 2006, the SFRY ("Yugoslavia") to 1992.
LATER_FORMS: dict[str, tuple[str, int]] = {
    "federal republic of yugoslavia": ("Federal Republic of Yugoslavia", 2006),
    "serbia and montenegro": ("Serbia and Montenegro", 2006),
    "fry": ("Federal Republic of Yugoslavia", 2006),
}


def former_state(value: str | None) -> dict[str, Any] | None:
    """The former state a name or code denotes when the crosswalk counts it as a continuing
    state (USSR → RUS, Czechoslovakia → CZE, Yugoslavia → SRB, West Germany → DEU, North
    Yemen → YEM), else None (a current state, a former state kept under its own code such as
    DDR, or an unknown name).

    Returns ``{"entity", "name", "successor", "last_year"}``: ``last_year`` is the last year
    the former state existed (``un_member_until`` of its row: SUN 1991, CSK 1992, YUG 1992,
    GFR 1990, YAR 1990; :data:`LATER_FORMS` for the FRY, 2006). Continuity applies up to that
    year only: a source row still naming the former state after it (IMF DOTS "USSR" in 1992,
    "Czechoslovakia" in 1993-1998, "Yugoslavia" after 1992) is the unallocated residual of the
    former territory, not the successor.
    """
    if value is None:
        return None
    key = normalise_name(str(value))
    for row in _former_rows():
        names = {normalise_name(n) for n in [row["entity"], row["name"],
                                              *str(row["aliases"]).split("|")] if n}
        if key in names:
            if key in LATER_FORMS:
                name, last = LATER_FORMS[key]
                return {"entity": row["entity"], "name": name, "successor": row["iso3"],
                        "last_year": last}
            return {"entity": row["entity"], "name": row["name"], "successor": row["iso3"],
                    "last_year": row["un_member_until"]}
    return None


@cache
def _former_rows() -> tuple[dict[str, Any], ...]:
    """Former states the crosswalk maps onto a continuing state (entity ≠ iso3)."""
    return tuple(r for r in _records() if r["historical"] and r["entity"] != r["iso3"]
                 and r["un_member_until"] is not None)


def continuity_note(iso3: str, year: int) -> str | None:
    """A note when data coded ``iso3`` for ``year`` are a former state's by continuity
    ("RUS in 1985 is the Soviet Union (SUN), counted as RUS by continuity to 1991"), else
    None. The continuing states and years come from the crosswalk (:func:`former_state`)."""
    for row in _former_rows():
        if row["iso3"] != iso3:
            continue
        last = int(row["un_member_until"])
        if int(year) <= last:
            return (f"{iso3} in {int(year)} is the {row['name']} ({row['entity']}), counted "
                    f"as {iso3} by continuity to {last}")
        later = [(n, y) for k, (n, y) in LATER_FORMS.items() if k in {
            normalise_name(a) for a in str(row["aliases"]).split("|") if a}]
        for name, until in later:
            if last < int(year) <= until:
                return (f"{iso3} in {int(year)} is {name} ({row['entity']}), counted as "
                        f"{iso3} by continuity to {until}")
    return None


def residual_rule() -> list[tuple[str, int]]:
    """(normalised name, last year) of every name of a former state counted as a continuing
    state: a source row naming it in a later year is a residual, never the successor's."""
    out = []
    for row in _former_rows():
        for n in {normalise_name(n) for n in [row["entity"], row["name"],
                                               *str(row["aliases"]).split("|")] if n}:
            last = LATER_FORMS[n][1] if n in LATER_FORMS else int(row["un_member_until"])
            out.append((n, last))
    return sorted(out)
