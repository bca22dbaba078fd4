"""ICEWS Coded Event Data (Dataverse layout): daily and yearly event files → canonical events.

Upstream: Boschee, Lautenschlager, O'Brien, Shellman, Starz and Ward (2015), "ICEWS Coded
Event Data", Harvard Dataverse, doi:10.7910/DVN/28075. Files are tab-separated UTF-8 with
**one header line** and 20 fields; yearly files are ``events.YYYY.<stamp>.tab`` (zipped as
``events.YYYY.<stamp>.tab.zip``), daily files ``YYYYMMDD-icews-events.tab`` (zipped upstream,
often unzipped in copies). A zip may hold several members; ``__MACOSX/`` entries and
AppleDouble ``._*`` files are ignored, every other ``.tab``/``.tsv``/``.txt``/``.csv`` member
is read.

Upstream fields → stored columns (table ``icews_events``, one row per ICEWS event; the
canonical view ``events`` of :mod:`bilat.indicators.events` reads it beside GDELT with
``source = 'icews'``):

- ``Event ID`` → ``event_id`` (int64; unique in the store: a row whose Event ID is already
  stored from another file is not stored again and is counted. ICEWS documents Event ID as
  unique together with Event Date in the full data; within releases it is unique alone. A
  row re-issued under a stored Event ID — e.g. re-coded in a later release — is counted as
  already stored and the stored version is kept: ingest the newer release into a fresh store
  to use its coding).
- ``Event Date`` (YYYY-MM-DD) → ``event_date`` (date) and ``sqldate`` (int YYYYMMDD).
- ``Source Name`` / ``Target Name`` → ``actor1_name`` / ``actor2_name`` (ICEWS's actor:
  a country, a sector of one — "Government (Russia)" — or a named person).
- ``Source Sectors`` / ``Target Sectors`` (comma-separated ICEWS sector labels, e.g.
  "Government,Executive Office,Executive") → kept as ``actor1_sectors`` / ``actor2_sectors``
  and mapped to CAMEO actor types (:data:`SECTOR_TYPES`) in ``actor1_types`` (comma-separated,
  e.g. ``GOV,MIL``) and ``actor1_type`` (the first by :data:`TYPE_ORDER`); unmapped sectors
  (religions, ethnic groups, parties without a CAMEO role) give no type.
- ``Source Country`` / ``Target Country`` (ICEWS country *names*: "Russian Federation",
  "China") → kept as ``actor1_country`` and mapped through the crosswalk
  (:mod:`bilat.reference.countries`) to ``actor1_iso3`` (ISO3); empty = NULL (IGOs,
  unidentified actors); a name the crosswalk does not know is a bad row (E141).
- ``Event Text`` → ``event_text`` (ICEWS's CAMEO label); ``CAMEO Code`` → ``cameo_code``
  (string, leading zero kept, 2-4 digits), ``cameo_root`` (first two digits) and
  ``quad_class`` (1 verbal cooperation … 4 material conflict, from the root as
  :func:`bilat.reference.cameo.quad_class`).
- ``Intensity`` → ``intensity`` (float, -10 … +10: ICEWS's CAMEO weight, on the Goldstein
  scale's range; the canonical view reads it where GDELT has ``GoldsteinScale``).
- ``Story ID``, ``Sentence Number``, ``Publisher`` → ``story_id`` (int64), ``sentence_number``
  (int), ``publisher``: provenance.
- ``City``, ``District``, ``Province``, ``Country`` (location of the event), ``Latitude``,
  ``Longitude`` → ``city``, ``district``, ``province``, ``action_country`` (name as given) with
  ``action_iso3`` (crosswalk, plus :data:`LOCATION_NAMES` for the few sub-state names ICEWS's
  geocoder writes there; unknown → NULL, the name is kept), ``latitude``, ``longitude``.
- bilat's: ``source`` (``'icews'``), ``actor1_leader``/``actor2_leader`` (the role from
  :mod:`bilat.reference.leaders` when the actor is a person in office that day, else NULL),
  ``line`` (1-based line in the file, or in the zip member ``member``), ``member`` (zip member
  name, NULL for plain files) and ``source_file`` (the upstream file name; added by the core).

Storage and the ingest transaction, content hashes, ``--on-bad-rows``, replace-on-new-version
and identity across files come from :mod:`bilat.sources.core`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from bilat.errors import error
from bilat.sources.core import BadRows, IngestResult, Source, fetch, ingest
from bilat.store import dyad_day

#: The 20 fields of the ICEWS Dataverse layout, in order.
FIELDS: tuple[str, ...] = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
    "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
    "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
    "Longitude",
)
KIND = "icews"
TABLE = "icews_events"
CITATION = ("Boschee, E., Lautenschlager, J., O'Brien, S., Shellman, S., Starz, J., Ward, M. "
            "(2015). ICEWS Coded Event Data. Harvard Dataverse, doi:10.7910/DVN/28075.")

#: ICEWS sector label → CAMEO actor type codes (CAMEO 1.1b3 ch. 3; GDELT's CAMEO.type.txt).
#: Ministries are GOV plus the sector's own code where CAMEO has one (CAMEO writes a health
#: ministry GOVHLH); the many ICEWS labels for religions, ethnic groups, ideology and party
#: size map to nothing (CAMEO codes them apart from actor types).
SECTOR_TYPES: dict[str, tuple[str, ...]] = {
    # government and state
    "Government": ("GOV",), "Executive": ("GOV",), "Executive Office": ("GOV",),
    "Cabinet": ("GOV",), "Foreign Ministry": ("GOV",), "Local": ("GOV",),
    "Provincial": ("GOV",), "Municipal": ("GOV",), "Elections Ministry": ("GOV",),
    "Finance / Economy / Commerce / Trade Ministry": ("GOV",),
    "Interior / Home Ministry": ("GOV",),
    "Information / Communication / Transparency Ministry": ("GOV",),
    "Management / Budget / Planning / Organization Ministry": ("GOV",),
    "Women / Children / Social / Welfare / Development / Religion Ministry": ("GOV", "DEV"),
    "Energy Ministry": ("GOV",), "Industrial / Textiles / Mining Ministry": ("GOV",),
    "Transportation Ministry": ("GOV",), "Water Ministry": ("GOV",),
    "Tourism Ministry": ("GOV",), "Housing / Construction Ministry": ("GOV",),
    "Science / Tech / Knowledge / Innovation Ministry": ("GOV",),
    "Science / Tech Ministry": ("GOV",), "Post / Tecoms Ministry": ("GOV",),
    "NGO Ministry": ("GOV",), "Food Ministry": ("GOV",), "Disaster Ministry": ("GOV",),
    "Drugs Ministry": ("GOV",), "Government Religious": ("GOV",),
    "Defense / Security Ministry": ("GOV", "MIL"), "Intelligence Ministry": ("GOV", "SPY"),
    "Justice / Law Ministry": ("GOV", "JUD"), "Health Ministry": ("GOV", "HLH"),
    "Education Ministry": ("GOV", "EDU"), "Labor Ministry": ("GOV", "LAB"),
    "Environment Ministry": ("GOV", "ENV"), "Human Rights Ministry": ("GOV", "HRI"),
    "Agriculture / Fishing / Forestry Ministry": ("GOV", "AGR"),
    "State Media": ("GOV", "MED"), "State Owned Enterprises": ("GOV", "BUS"),
    # armed forces, police, intelligence
    "Military": ("MIL",), "Army": ("MIL",), "Navy": ("MIL",), "Air Force": ("MIL",),
    "Marines": ("MIL",), "Coast Guard": ("MIL",), "Army Special Forces": ("MIL",),
    "Air Force Headquarters": ("MIL",), "National / Border Divisions": ("MIL",),
    "Navy Mechanized (Ships, Tanks, Planes)": ("MIL",), "Military / Tribunal": ("MIL", "JUD"),
    "Military Intelligence": ("MIL", "SPY"), "Police": ("COP",),
    # judiciary and legislature
    "Judicial": ("JUD",), "National / Supreme Court": ("JUD",), "Provincial Court": ("JUD",),
    "Municipal / District Court": ("JUD",), "Legislative / Parliamentary": ("LEG",),
    "Unicameral": ("LEG",), "Lower House": ("LEG",), "Upper House": ("LEG",),
    # opposition and armed non-state actors
    "Dissident": ("OPP",), "Protestors / Popular Opposition / Mobs": ("OPP",),
    "Opposition Major Party (Out Of Government)": ("OPP",),
    "Opposition Minor Party (Out Of Government)": ("OPP",), "Banned Parties": ("OPP",),
    "Exiles": ("OPP",), "Rebel": ("REB",), "Insurgents": ("INS",),
    "International Insurgents": ("INS",), "Separatists": ("SEP",),
    "Unidentified Forces": ("UAF",), "Criminals / Gangs": ("CRM",),
    "International Criminals / Gangs": ("CRM",), "Organized Violent": ("CRM",),
    "Radicals / Extremists / Fundamentalists": ("RAD",),
    "International Radicals / Extremists / Fundamentalists": ("RAD",),
    "International Terrorists": ("RAD",),
    # society and sectors
    "General Population / Civilian / Social": ("CVL",), "Elite": ("ELI",),
    "Business": ("BUS",), "Consumer Goods Business": ("BUS",),
    "Consulting / Financial Services Business": ("BUS",),
    "Science / Tech / Knowledge / Innovation Business": ("BUS",),
    "Heavy Industrial / Chemical Business": ("BUS",), "Transportation Business": ("BUS",),
    "Durable Goods Business": ("BUS",), "Utilities Business": ("BUS",),
    "Defense / Security Business": ("BUS",), "Consumer Services Business": ("BUS",),
    "Medical / Health / Pharmeceutical Business": ("BUS", "HLH"),
    "Agricultural Business": ("BUS", "AGR"), "Multinational Corporation": ("MNC",),
    "Transportation MNCs": ("MNC",), "Science / Tech / Knowledge / Innovation MNCs": ("MNC",),
    "Consumer Goods MNCs": ("MNC",), "Consulting / Financial Services MNCs": ("MNC",),
    "Medical / Health / Pharmeceutical MNCs": ("MNC", "HLH"),
    "Heavy Industrial / Chemical MNCs": ("MNC",),
    "State-Owned Consulting / Financial Services": ("GOV", "BUS"),
    "State-Owned Heavy Industrial / Chemical": ("GOV", "BUS"),
    "State-Owned Transportation": ("GOV", "BUS"), "State-Owned Utilities": ("GOV", "BUS"),
    "State-Owned Medical / Health / Pharmeceutical": ("GOV", "BUS"),
    "State-Owned Defense / Security": ("GOV", "BUS"),
    "State-Owned Consumer Services": ("GOV", "BUS"),
    "Media": ("MED",), "News": ("MED",), "Print News": ("MED",), "Television News": ("MED",),
    "Online News": ("MED",), "Radio News": ("MED",), "Education": ("EDU",),
    "Student": ("EDU",), "Labor": ("LAB",), "Agricultural": ("AGR",),
    "Refugees / Displaced": ("REF",), "Medical / Health": ("HLH",),
    # organisations
    "International Government Organization": ("IGO",), "Regional Diplomatic IGOs": ("IGO",),
    "Global Diplomatic IGOs": ("IGO",), "Global Defense / Security IGOs": ("IGO",),
    "Regional Defense / Security IGOs": ("IGO",),
    "Global Economic/Financial/Trade IGOs": ("IGO",),
    "Regional Economic/Financial/Trade IGOs": ("IGO",), "Global Development IGOs": ("IGO", "DEV"),
    "Regional Development IGOs": ("IGO", "DEV"), "Development IGOs": ("IGO", "DEV"),
    "Human Rights IGOs": ("IGO", "HRI"), "Global Human Rights IGOs": ("IGO", "HRI"),
    "Regional Human Rights IGOs": ("IGO", "HRI"), "Global Refugees IGOs": ("IGO", "REF"),
    "Refugees IGOs": ("IGO", "REF"), "Global Health IGOs": ("IGO", "HLH"),
    "Medical / Health IGOs": ("IGO", "HLH"), "Environment IGOs": ("IGO", "ENV"),
    "Global Law / Justice / Judicial IGOs": ("IGO",),
    "Regional Law / Justice / Judicial IGOs": ("IGO",),
    "Global Information / Communication / Transparency IGOs": ("IGO",),
    "Information / Communication / Transparency IGOs": ("IGO",), "Business IGOs": ("IGO",),
    "Global Energy IGOs": ("IGO",), "Global Agricultural IGOs": ("IGO", "AGR"),
    "Agricultural IGOs": ("IGO", "AGR"), "Education IGOs": ("IGO", "EDU"),
    "Charity IGOs": ("IGO",),
    "Nongovernmental Organizations / Activists": ("NGO",),
    "Nongovernmental Organization (International)": ("NGO",),
    "Human Rights NGOs": ("NGO", "HRI"), "Development NGOs": ("NGO", "DEV"),
    "Environment NGOs": ("NGO", "ENV"), "Medical / Health NGOs": ("NGO", "HLH"),
    "Labor NGOs": ("NGO", "LAB"), "Refugees / Displaced NGOs": ("NGO", "REF"),
    "Education NGOs": ("NGO", "EDU"), "Agricultural NGOs": ("NGO", "AGR"),
    "Business NGOs": ("NGO",), "Charity NGOs": ("NGO",), "Legal NGOs": ("NGO",),
    "Ethnic NGOs": ("NGO",), "Media NGOs": ("NGO", "MED"), "Energy NGOs": ("NGO",),
    "Information / Communication / Transparency NGOs": ("NGO",),
}
#: Order in which the primary type (``actor1_type``) is chosen among an actor's types.
TYPE_ORDER: tuple[str, ...] = (
    "GOV", "MIL", "SPY", "COP", "JUD", "LEG", "IGO", "REB", "INS", "SEP", "UAF", "OPP",
    "RAD", "CRM", "MNC", "BUS", "MED", "NGO", "HRI", "DEV", "ENV", "HLH", "EDU", "LAB",
    "AGR", "REF", "ELI", "CVL",
)
#: Sub-state names ICEWS's geocoder writes in the location ``Country`` field.
LOCATION_NAMES: dict[str, str] = {"Bavaria": "DEU"}

_SPLIT = re.compile(r",(?![^()]*\))")  # commas outside parentheses


def split_sectors(value: str | None) -> list[str]:
    """ICEWS's comma-separated sector list as labels (a comma inside parentheses, as in
    "Navy Mechanized (Ships, Tanks, Planes)", belongs to the label)."""
    if not value:
        return []
    return [s.strip() for s in _SPLIT.split(value) if s.strip()]


@cache
def sector_types(value: str | None) -> tuple[str, ...]:
    """CAMEO actor types of an ICEWS sector list, ordered by :data:`TYPE_ORDER`."""
    found = {t for s in split_sectors(value) for t in SECTOR_TYPES.get(s, ())}
    return tuple(t for t in TYPE_ORDER if t in found)


def _members(path: Path) -> list[tuple[str | None, bytes]]:
    """(member name or None, bytes) of a plain file or of every data member of a zip."""
    if path.suffix.lower() != ".zip":
        return [(None, path.read_bytes())]
    try:
        with zipfile.ZipFile(path) as zf:
            names = [m for m in zf.infolist() if not m.is_dir()
                     and not m.filename.startswith("__MACOSX/")
                     and not Path(m.filename).name.startswith("._")]
            data = [(m.filename, zf.read(m)) for m in names
                    if m.filename.lower().endswith((".tab", ".tsv", ".txt", ".csv"))]
            if not data:
                raise error("E145", path=path,
                            members=", ".join(m.filename for m in names) or "none")
            return data
    except (zipfile.BadZipFile, EOFError) as exc:
        raise error("E013", path=path, fmt="an ICEWS zip",
                    reason=str(exc) or type(exc).__name__) from exc


def is_icews_header(first_line: str) -> bool:
    """True when a file's first line is an ICEWS Dataverse header (3 or more of its
    field names)."""
    cols = [c.strip().strip('"').lstrip("\ufeff") for c in first_line.rstrip("\r\n").split("\t")]
    return len(set(cols) & set(FIELDS)) >= 3  # an ICEWS header, perhaps with a column missing


def first_line(path: str | Path) -> str:
    """The first line of a plain file or of the first data member of a zip (for sniffing)."""
    p = Path(path)
    if p.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(p) as zf:
                for m in zf.infolist():
                    if m.is_dir() or m.filename.startswith("__MACOSX/") \
                            or Path(m.filename).name.startswith("._"):
                        continue
                    with zf.open(m) as fh:
                        return fh.readline(65536).decode("utf-8", errors="replace")
        except (zipfile.BadZipFile, EOFError, OSError):
            return ""
        return ""
    with p.open("rb") as fh:
        return fh.readline(65536).decode("utf-8", errors="replace")


# ----------------------------------------------------------------------------- parsing
_INT_RE = r"^-?\d+$"
_FLOAT_RE = r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"


def parse_icews(path: Path, bad: BadRows) -> Any:
    """Read one ICEWS file (plain or zip, every member) into the ``icews_events`` schema.

    Whole-file problems raise (missing header column E140, a zip without an event file
    E145); rows with the wrong field count (E144), a bad Event ID / CAMEO code / Intensity /
    coordinates (E143), a bad Event Date (E142) or a country name the crosswalk does not know
    (E141) go to ``bad`` with their line.
    """
    import pyarrow as pa

    tables = []
    for member, data in _members(path):
        shown = f"{path}:{member}" if member else str(path)
        tables.append(_parse_member(shown, member, data, bad))
    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


def _parse_member(shown: str, member: str | None, data: bytes, bad: BadRows) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    header = lines[0].rstrip(b"\r").decode("utf-8", errors="replace")
    cols = [c.strip().strip('"') for c in header.split("\t")]
    missing = [f for f in FIELDS if f not in cols]
    if missing:
        raise error("E140", path=shown, missing=", ".join(missing),
                    found=", ".join(cols[:20]) if any(cols) else "(empty line)",
                    expected=", ".join(FIELDS))
    n = len(cols)
    problems: list[tuple[int, str, str, Any]] = []  # (line, reason, raw, error)
    keep: list[int] = []                            # 1-based physical lines kept
    try:
        data.decode("utf-8")
        check_utf8 = False
    except UnicodeDecodeError:
        check_utf8 = True  # find the lines at fault
    tabs = n - 1
    for i, raw in enumerate(lines[1:], start=2):
        if raw.count(b"\t") == tabs and not check_utf8:
            keep.append(i)
            continue
        text = raw.rstrip(b"\r")
        if not text:
            continue
        found = text.count(b"\t") + 1
        if found != n:
            rawtxt = text.decode("utf-8", errors="replace")
            problems.append((i, f"{found} fields, expected {n}", rawtxt,
                             error("E144", path=shown, line=i, found=found, layout="ICEWS",
                                   expected=n)))
            continue
        try:
            text.decode("utf-8")
        except UnicodeDecodeError:
            rawtxt = text.decode("utf-8", errors="replace")
            problems.append((i, "bytes that are not UTF-8", rawtxt,
                             error("E143", path=shown, line=i, value=rawtxt[:60],
                                   column="(line)", reason="bytes that are not UTF-8 "
                                   "(ICEWS files are UTF-8)")))
            continue
        keep.append(i)
    if not problems and len(keep) == len(lines) - 1 - (lines[-1] == b""):
        body = data[len(lines[0]) + 1:]  # every line is a row: no copy line by line
    else:
        body = b"\n".join(lines[k - 1].rstrip(b"\r") for k in keep)
    names = [f"c{j}" for j in range(n)]
    if keep:
        t = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False,
                                             escape_char=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names}, strings_can_be_null=False),
        )
    else:
        t = pa.table({c: pa.array([], pa.string()) for c in names})
    col = {f: t.column(names[cols.index(f)]) for f in FIELDS}
    line_arr = pa.array(keep, pa.int64())
    bad_mask = [False] * t.num_rows

    def flag(mask: Any, column: str, make: Any) -> None:
        idx = pc.indices_nonzero(pc.fill_null(mask, True)).to_pylist()
        for j in idx:
            if bad_mask[j]:
                continue
            bad_mask[j] = True
            value = col[column][j].as_py() if column in col else ""
            ln = keep[j]
            raw = lines[ln - 1].rstrip(b"\r").decode("utf-8", errors="replace")
            exc = make(ln, value)
            problems.append((ln, exc.message, raw, exc))

    def strip(c: Any) -> Any:
        return pc.utf8_trim_whitespace(c)

    def empty(c: Any) -> Any:
        return pc.equal(pc.utf8_length(c), 0)

    eid = strip(col["Event ID"])
    flag(pc.invert(pc.match_substring_regex(eid, r"^\d{1,18}$")), "Event ID",
         lambda ln, v: error("E143", path=shown, line=ln, value=v, column="Event ID",
                             reason="every ICEWS event needs its numeric Event ID"))
    edate = strip(col["Event Date"])
    parsed = pc.strptime(edate, format="%Y-%m-%d", unit="s", error_is_null=True)
    # Arrow's strptime rolls 2018-02-30 over to 2 March: a real date prints back unchanged
    roundtrip = pc.fill_null(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), edate), False)
    flag(pc.or_(pc.invert(roundtrip), pc.invert(pc.match_substring_regex(
        edate, r"^\d{4}-\d{2}-\d{2}$"))), "Event Date",
         lambda ln, v: error("E142", path=shown, line=ln, value=v, column="Event Date",
                             expected="YYYY-MM-DD"))
    code = strip(col["CAMEO Code"])
    root_num = pc.cast(pc.if_else(pc.match_substring_regex(code, r"^\d{2,4}$"),
                                  pc.utf8_slice_codeunits(code, 0, 2), "0"), pa.int64())
    flag(pc.or_(pc.less(root_num, 1), pc.greater(root_num, 20)), "CAMEO Code",
         lambda ln, v: error("E143", path=shown, line=ln, value=v, column="CAMEO Code",
                             reason="a CAMEO event code has 2-4 digits and a root 01-20"))
    inten = strip(col["Intensity"])
    inten_ok = pc.match_substring_regex(inten, _FLOAT_RE)
    inten_num = pc.cast(pc.if_else(inten_ok, inten, "0"), pa.float64())
    flag(pc.or_(pc.invert(inten_ok), pc.or_(pc.less(inten_num, -10),
                                            pc.greater(inten_num, 10))), "Intensity",
         lambda ln, v: error("E143", path=shown, line=ln, value=v, column="Intensity",
                             reason="ICEWS Intensity is a number from -10 to +10"))
    for name, pattern, why in (("Story ID", r"^\d{0,18}$", "a whole number or empty"),
                               ("Sentence Number", r"^\d{0,9}$", "a whole number or empty")):
        c = strip(col[name])
        flag(pc.invert(pc.match_substring_regex(c, pattern)), name,
             lambda ln, v, name=name, why=why: error("E143", path=shown, line=ln, value=v,
                                                     column=name, reason=why))
    for name, lim in (("Latitude", 90), ("Longitude", 180)):
        c = strip(col[name])
        ok = pc.or_(empty(c), pc.match_substring_regex(c, _FLOAT_RE))
        num = pc.cast(pc.if_else(pc.and_(ok, pc.invert(empty(c))), c, "0"), pa.float64())
        flag(pc.or_(pc.invert(ok), pc.greater(pc.abs(num), lim)), name,
             lambda ln, v, name=name, lim=lim: error(
                 "E143", path=shown, line=ln, value=v, column=name,
                 reason=f"degrees from -{lim} to {lim}, or empty"))
    iso = {}
    for name in ("Source Country", "Target Country"):
        c = strip(col[name])
        codes, unknown = _map_names(c)
        iso[name] = codes
        flag(unknown, name, lambda ln, v, name=name: error(
            "E141", path=shown, line=ln, value=v, column=name))
    loc_codes, _unknown = _map_names(strip(col["Country"]), extra=LOCATION_NAMES)

    for ln, reason, raw, exc in sorted(problems, key=lambda p: p[0]):
        bad.add(ln, reason, raw, exc=exc)
    good = pa.array([not b for b in bad_mask], pa.bool_())

    def keep_rows(a: Any) -> Any:
        return pc.filter(a, good)

    def nullable(c: Any) -> Any:
        c = strip(c)
        return pc.if_else(empty(c), pa.scalar(None, pa.string()), c)

    def as_int(c: Any) -> Any:
        c = strip(c)
        return pc.cast(pc.if_else(empty(c), pa.scalar(None, pa.string()), c), pa.int64())

    def as_float(c: Any) -> Any:
        return pc.cast(nullable(c), pa.float64())

    eid_k = pc.cast(keep_rows(eid), pa.int64())
    dates = pc.cast(keep_rows(parsed), pa.date32())
    code_k = keep_rows(code)
    root_k = pc.utf8_slice_codeunits(code_k, 0, 2)
    root_i = pc.cast(root_k, pa.int64())
    quad = pc.if_else(pc.less_equal(root_i, 5), 1, pc.if_else(
        pc.less_equal(root_i, 9), 2, pc.if_else(pc.less_equal(root_i, 14), 3, 4)))
    s_types = _types(keep_rows(col["Source Sectors"]))
    t_types = _types(keep_rows(col["Target Sectors"]))
    s_names = keep_rows(nullable(col["Source Name"]))
    t_names = keep_rows(nullable(col["Target Name"]))
    d_py = dates.to_pylist()
    out = {
        "source": pa.array([KIND] * len(eid_k), pa.string()),
        "event_id": eid_k,
        "event_date": dates,
        "sqldate": pc.cast(pc.strftime(pc.cast(dates, pa.timestamp("s")), format="%Y%m%d"),
                           pa.int64()),
        "actor1_name": s_names,
        "actor1_sectors": keep_rows(nullable(col["Source Sectors"])),
        "actor1_country": keep_rows(nullable(col["Source Country"])),
        "actor1_iso3": keep_rows(iso["Source Country"]),
        "actor1_types": s_types[0],
        "actor1_type": s_types[1],
        "actor1_leader": _leaders(s_names, d_py),
        "actor2_name": t_names,
        "actor2_sectors": keep_rows(nullable(col["Target Sectors"])),
        "actor2_country": keep_rows(nullable(col["Target Country"])),
        "actor2_iso3": keep_rows(iso["Target Country"]),
        "actor2_types": t_types[0],
        "actor2_type": t_types[1],
        "actor2_leader": _leaders(t_names, d_py),
        "event_text": keep_rows(nullable(col["Event Text"])),
        "cameo_code": code_k,
        "cameo_root": root_k,
        "quad_class": pc.cast(quad, pa.int64()),
        "intensity": pc.cast(keep_rows(inten), pa.float64()),
        "story_id": keep_rows(as_int(col["Story ID"])),
        "sentence_number": keep_rows(as_int(col["Sentence Number"])),
        "publisher": keep_rows(nullable(col["Publisher"])),
        "city": keep_rows(nullable(col["City"])),
        "district": keep_rows(nullable(col["District"])),
        "province": keep_rows(nullable(col["Province"])),
        "action_country": keep_rows(nullable(col["Country"])),
        "action_iso3": keep_rows(loc_codes),
        "latitude": keep_rows(as_float(col["Latitude"])),
        "longitude": keep_rows(as_float(col["Longitude"])),
        "line": keep_rows(line_arr),
        "member": pa.array([member] * len(eid_k), pa.string()),
    }
    return pa.table(out)


def _map_names(c: Any, extra: dict[str, str] | None = None) -> tuple[Any, Any]:
    """ICEWS country names → ISO3 (NULL when empty), and a mask of unknown non-empty names."""
    import pyarrow as pa
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(c).combine_chunks() if hasattr(c, "combine_chunks") \
        else pc.dictionary_encode(c)
    values = enc.dictionary.to_pylist()
    mapped, unknown = [], []
    for v in values:
        code = None if not v else _country_code(v, location=bool(extra))
        mapped.append(code)
        unknown.append(bool(v) and code is None)
    codes = pc.take(pa.array(mapped, pa.string()), enc.indices)
    bad = pc.take(pa.array(unknown, pa.bool_()), enc.indices)
    return codes, bad


def _types(c: Any) -> tuple[Any, Any]:
    """(comma-joined CAMEO types, primary type) of an ICEWS sector column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(c)
    if hasattr(enc, "combine_chunks"):
        enc = enc.combine_chunks()
    values = enc.dictionary.to_pylist()
    types = [sector_types(v) for v in values]
    joined = pa.array([",".join(t) or None for t in types], pa.string())
    first = pa.array([t[0] if t else None for t in types], pa.string())
    return pc.take(joined, enc.indices), pc.take(first, enc.indices)


def _leaders(names: Any, days: list[date | None]) -> Any:
    """The role of each actor that names a person in office on the event's day, else NULL."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from bilat.reference.leaders import leader_state

    enc = pc.dictionary_encode(names)
    if hasattr(enc, "combine_chunks"):
        enc = enc.combine_chunks()
    hits = {i for i, v in enumerate(enc.dictionary.to_pylist())
            if v and "(" not in v and " " in v and _is_leader_name(v)}
    out: list[str | None] = [None] * len(enc)
    if hits:
        values = enc.dictionary.to_pylist()
        for j, k in enumerate(enc.indices.to_pylist()):
            if k in hits and days[j] is not None:
                found = leader_state(values[k], days[j])
                out[j] = found[1] if found else None
    return pa.array(out, pa.string())


@cache
def _is_leader_name(name: str) -> bool:
    from bilat.reference.countries import normalise_name
    from bilat.reference.leaders import leader_names

    return normalise_name(name) in leader_names()


@cache
def _country_code(name: str, location: bool = False) -> str | None:
    from bilat.reference.countries import to_iso3

    if location and name in LOCATION_NAMES:
        return LOCATION_NAMES[name]
    return to_iso3(name)


def read_icews(path: str | Path, on_bad_rows: str = "fail") -> Any:
    """One ICEWS file as a pandas DataFrame of store columns (for notebooks and checks)."""
    p = Path(path)
    return parse_icews(p, BadRows(on_bad_rows, p)).to_pandas()


# ----------------------------------------------------------------------------- source spec
#: Names (glob patterns, searched in every sub-folder) of ICEWS event files in a mirror.
FILE_PATTERNS: tuple[str, ...] = (
    "**/*-icews-events.tab", "**/*-icews-events.tab.zip", "**/events.*.tab",
    "**/events.*.tab.zip", "**/events.*.zip",
)

SOURCE = Source(
    kind=KIND, table=TABLE, mirror_dir="icews", files=FILE_PATTERNS, parse=parse_icews,
    citation=CITATION, key_columns=("event_id",), title="ICEWS Coded Event Data",
    on_stored=dyad_day.on_stored,  # the dyad-day sums, in the file's transaction
)


def _after(store: Any) -> None:
    from bilat.indicators.events import refresh_event_view

    refresh_event_view(store)


def ingest_icews(store: Any, paths: Sequence[str | Path], *, on_bad_rows: str = "fail",
                 progress: bool | None = None) -> list[IngestResult]:
    """Store local ICEWS files (``.tab`` or ``.zip``) in ``icews_events``, one transaction
    per file; re-ingesting adds nothing, a changed file of the same name replaces its rows,
    an Event ID already stored from another file is counted, not stored again."""
    _quiet(store)
    results = ingest(store, SOURCE, paths, on_bad_rows=on_bad_rows, progress=progress)
    _after(store)
    return results


def fetch_icews(store: Any, mirror: str | Path | None = None, *, on_bad_rows: str = "fail",
                files: Sequence[str] | None = None, progress: bool | None = None
                ) -> list[IngestResult]:
    """Load every ICEWS event file under ``<mirror>/icews/`` (any sub-folder; Dataverse
    names). Dataverse has no stable per-file download address bilat could use without an
    API key, so without a mirror this is E010 telling you to download the files by hand."""
    from bilat.config import resolve_mirror

    if resolve_mirror(mirror) is None:
        raise error("E010", url="https://dataverse.harvard.edu/dataset.xhtml?persistentId="
                    "doi:10.7910/DVN/28075", reason="ICEWS files are downloaded from Dataverse "
                    "by hand (the site asks for terms and has no stable file addresses); put "
                    "them under <mirror>/icews/ and use --mirror DIR, or `bilat events ingest "
                    "FILE…`")
    _quiet(store)
    results = fetch(SOURCE, store, mirror=mirror, files=files, on_bad_rows=on_bad_rows,
                    progress=progress)
    _after(store)
    return results



def _quiet(store: Any) -> None:
    """No DuckDB progress bar on stdout (it would mix with data output)."""
    import contextlib

    with contextlib.suppress(Exception):
        store.con.execute("SET enable_progress_bar = false")


__all__ = [
    "CITATION", "FIELDS", "FILE_PATTERNS", "LOCATION_NAMES", "SECTOR_TYPES", "SOURCE",
    "TYPE_ORDER", "detect_format", "fetch_icews", "first_line", "ingest_by_format",
    "ingest_icews", "is_icews_header", "parse_icews", "read_icews", "sector_types",
    "split_by_format", "split_sectors",
]


# ----------------------------------------------------------------------------- format sniffing
def detect_format(path: str | Path) -> str:
    """The event format of a file, told by its header and name: ``icews`` (Dataverse header
    ``Event ID<TAB>Event Date…``, plain or zip), ``icews-tkg`` (a quadruple file beside its
    ``entity2id.txt``), ``icews-dyad-year`` (an ``.rda``/``.rds`` file) or ``gdelt`` (anything
    else: GDELT exports have no header; the GDELT reader tells 57/58/61 fields apart)."""
    from bilat.sources.icews_tkg import is_quadruple_file

    p = Path(path)
    if p.suffix.lower() in (".rda", ".rdata", ".rds"):
        return "icews-dyad-year"
    if is_quadruple_file(p):
        return "icews-tkg"
    if p.is_file() and is_icews_header(first_line(p)):
        return "icews"
    return "gdelt"


def split_by_format(paths: Sequence[str | Path]) -> dict[str, list[Path]]:
    """Files grouped by :func:`detect_format`, in the given order."""
    out: dict[str, list[Path]] = {}
    for p in paths:
        out.setdefault(detect_format(p), []).append(Path(p))
    return out


def ingest_by_format(store: Any, groups: dict[str, list[Path]], *, on_bad_rows: str = "fail"
                     ) -> Any:
    """Ingest ICEWS files of each format (not GDELT) and return one row per file (pandas:
    kind, file, status, rows_added, rows_replaced, rows_already_stored, bad_rows, sha256,
    origin)."""
    from bilat.sources.core import results_frame
    from bilat.sources.icews_dyad_year import ingest_icews_dyad_year
    from bilat.sources.icews_tkg import ingest_icews_tkg

    results: list[IngestResult] = []
    for kind, files in groups.items():
        if kind == "icews":
            results += ingest_icews(store, files, on_bad_rows=on_bad_rows)
        elif kind == "icews-tkg":
            results += ingest_icews_tkg(store, files, on_bad_rows=on_bad_rows)
        elif kind == "icews-dyad-year":
            results += ingest_icews_dyad_year(store, files, on_bad_rows=on_bad_rows)
    return results_frame(results)
