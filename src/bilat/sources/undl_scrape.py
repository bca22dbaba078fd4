"""UN Digital Library voting records, GA and SC, 1946–2021: a third-party scrape in wide layout.

Upstream layout (``UN DATA.csv.zip``, one member ``UN DATA.csv``, UTF-8 with a BOM; also read
unzipped as ``UN DATA.csv``). One row per *adopted* resolution that has a voting record in the
UN Digital Library (digitallibrary.un.org), General Assembly and Security Council, and one
column per member state:

- ``Council``: ``General Assembly`` or ``Security Council``.
- ``Date``: ``YYYY-MM-DD`` (two rows give the year only; they are kept with ``date`` null).
- ``Title``: the library's title, e.g. ``Territorial integrity of Ukraine : resolution /
  adopted by the General Assembly``; ``Resolution``: the symbol as the library writes it
  (``A/RES/68/262``, ``A/RES/1004(ES-II)``, ``A/RES/32/105[M]``, ``S/RES/2323(2016)``).
- ``TOTAL VOTES``, ``YES COUNT``, ``NO COUNT``; **``ABSENT COUNT`` holds the abstentions**
  and ``NO-VOTE COUNT`` the non-voting members (checked against A/RES/68/262: 100–11–58, 24
  non-voting). ``Link`` (record URL), ``token`` (the library's record number).
- then ~259 member-state columns named by upper-case UN names, historical names included
  (``USSR``, ``BYELORUSSIAN SSR``, ``ZAIRE`` …), each cell ``Y`` yes, ``N`` no, ``A``
  abstention, ``X`` non-voting, empty not a member (or no vote recorded).

Caveats (see ``../shared/data/unga/undl-scrape-2021/SOURCES.md``): who made the scrape is not
known — treat it as a cross-check and a stopgap, not the official dataset; the SC rows are
adopted resolutions only (vetoed drafts and procedural votes are absent: see
:mod:`bilat.sources.unsc_vetoes`); about twenty columns are scraping debris (``Aa UNITED
STATES``, ``AY DENMARK``, `` UNITED KINGDOM``, misspellings) whose votes belong to the real
state: they are mapped in :data:`DEBRIS` here, and the one ``DONOTKNOW`` cell (S/RES/1966
(2010)) cannot be attributed and is left out (:data:`UNATTRIBUTABLE`; the row's totals still
count it).

Store layout (table ``undl_scrape_votes``, one row per state and roll call; empty cells are not
stored):

``undl_id`` BIGINT record number · ``body`` ``GA``/``SC`` · ``date`` DATE · ``year`` ·
``session`` VARCHAR, read from the symbol and kept as text (``68``, ``ES-10``, ``S-10``;
regular sessions 1–30 from the Roman numeral, ``A/RES/1004(ES-II)`` → ``ES-2``; null for SC)
· ``symbol`` as given · ``title`` · ``url`` · ``iso3`` (bilat's crosswalk; the ``CHINA``
column before 25 Oct 1971 is the Republic of China's seat → ``TWN``; USSR → RUS by
continuity) · ``state`` (the column name as given) · ``vote`` ``yes|no|abstain|absent`` ·
``vote_num`` 2/1/0 (null for non-voting) · ``code`` (``Y`` …) · ``total_yes``, ``total_no``,
``total_abstain`` (the file's ``ABSENT COUNT``), ``total_nonvoting`` (``NO-VOTE COUNT``),
``total_votes`` as the row gives them · ``line`` (physical line in the CSV).

Rows out of the domain go to ``--on-bad-rows``: an unknown council, a record number that is
not a number or repeats, a date that is not a date, a vote code other than Y/N/A/X, totals
that are not whole numbers or disagree with the row's own votes, a vote in a column that names
no state, one state given two different votes on one row.

Citation: United Nations Dag Hammarskjöld Library, voting records (digitallibrary.un.org),
as scraped by an unknown third party (file dated 2022-01-29; found in
github.com/navyanawal0310/un-votes-intelligence-platform, ``data/raw/downloads/UN DATA.csv.zip``,
blob 4fbe7e9d). UN terms of use: non-commercial use with attribution.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilat.errors import error
from bilat.sources.core import BadRows, Source, fetch, require_columns

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from bilat.store import Store

KIND = "undl-scrape"
TABLE = "undl_scrape_votes"
FILE = "UN DATA.csv.zip"
#: The first eleven columns; every later column is a member state.
META = ("Council", "Date", "Title", "Resolution", "TOTAL VOTES", "NO-VOTE COUNT",
        "ABSENT COUNT", "NO COUNT", "YES COUNT", "Link", "token")
BODIES = {"General Assembly": "GA", "Security Council": "SC"}
CODES = {"Y": ("yes", 2), "N": ("no", 0), "A": ("abstain", 1), "X": ("absent", None)}
#: Scraping debris and spellings the crosswalk does not know, with the state they belong to.
DEBRIS = {
    "AA UNITED STATES": "USA", "CHILES": "CHL", "AY DENMARK": "DNK", "AY SWEDEN": "SWE",
    "AY UNION OF SOUTH AFRICA": "ZAF", "SERBIAMONTENEGRO": "SRB",
    "BOLIVIA (PLURINATIOANL STATE OF)": "BOL", "BOLIVIA (PLUNATIONAL STATE OF)": "BOL",
    "REPULIC OF MOLDOVA": "MDA", "TKAZAKHSTAN": "KAZ", "DEMOCRATIC CAMPUCHEA": "KHM",
    "PHILIPPINE REPUBLIC": "PHL", "CONGO (DEMOCRATIC REPUBLIC OF)": "COD",
    "SOUTHERN YEMEN": "YMD",
}
#: Columns that name no state; their (rare) votes cannot be attributed and are left out.
UNATTRIBUTABLE = ("DONOTKNOW",)
#: The Republic of China held the China seat until GA resolution 2758 (25 October 1971).
CHINA_SEAT_CHANGE = date(1971, 10, 25)
CITATION = ("United Nations Dag Hammarskjöld Library, voting records (digitallibrary.un.org), "
            "third-party scrape 'UN DATA.csv' (2022-01-29); UN terms of use, attribution.")

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def roman(text: str) -> int | None:
    """``XXVII`` → 27 (None when ``text`` is not a Roman numeral)."""
    total, last = 0, 0
    for ch in reversed(text.upper()):
        v = _ROMAN.get(ch)
        if v is None:
            return None
        total = total - v if v < last else total + v
        last = max(last, v)
    return total or None


_NEW = re.compile(r"A/RES/(?P<kind>ES-|S-)?(?P<s>\d+)/(?P<n>\d+)\s*\[?(?P<x>[A-Z]{0,2})\]?")
_OLD = re.compile(r"A/RES/(?P<n>\d+)\s*\((?P<kind>ES-|S-)?(?P<s>[IVXL]+|\d+)\)\s*"
                  r"\[?(?P<x>[A-Z]{0,2})\]?")


def parse_symbol(symbol: str | None) -> tuple[str, str] | None:
    """A GA resolution symbol → (session as text, canonical key), or None.

    ``A/RES/68/262`` → (``68``, ``68/262``); ``A/RES/ES-10/6`` → (``ES-10``, ``ES-10/6``);
    ``A/RES/1004(ES-II)`` → (``ES-2``, ``ES-2/1004``); ``A/RES/32/105[M]`` → (``32``,
    ``32/105M``); ``A/RES/66(I)`` → (``1``, ``1/66``). The key is the form Voeten's and the
    unvotes ``unres`` (``R/68/262``, ``ESS/10/6``) reduce to as well (:func:`unres_key`).
    """
    if not isinstance(symbol, str) or not symbol.strip():
        return None
    s = symbol.strip().upper()
    m = _NEW.fullmatch(s)
    if m:
        sess = f"{m['kind'] or ''}{int(m['s'])}"
        return sess, f"{sess}/{int(m['n'])}{m['x']}"
    m = _OLD.fullmatch(s)
    if m:
        num = int(m["s"]) if m["s"].isdigit() else roman(m["s"])
        if num is None:
            return None
        sess = f"{m['kind'] or ''}{num}"
        return sess, f"{sess}/{int(m['n'])}{m['x']}"
    return None


_UNRES = re.compile(r"(?:R|A/RES)/(?P<kind>ES-|S-)?(?P<s>\d+)/(?P<n>\d+)(?P<x>[A-Z]{0,2})")
_SS = re.compile(r"(?P<kind>ESS|SS)/(?P<s>\d+)/(?P<n>\d+)(?P<x>[A-Z]{0,2})")


def unres_key(unres: str | None) -> str | None:
    """Voeten/unvotes ``unres`` (``R/68/262``, ``A/RES/71/5``, ``ESS/10/6``, ``SS/1/59``) → key."""
    if not isinstance(unres, str) or not unres.strip():
        return None
    s = unres.strip().upper()
    m = _UNRES.fullmatch(s)
    if m:
        return f"{m['kind'] or ''}{int(m['s'])}/{int(m['n'])}{m['x']}"
    m = _SS.fullmatch(s)
    if m:
        kind = "ES-" if m["kind"] == "ESS" else "S-"
        return f"{kind}{int(m['s'])}/{int(m['n'])}{m['x']}"
    parsed = parse_symbol(s)
    return parsed[1] if parsed else None


def _state_map(columns: list[str]) -> dict[str, str | None]:
    """Column name → ISO3 (None: names no state)."""
    from bilat.reference.countries import to_iso3

    out: dict[str, str | None] = {}
    for col in columns:
        key = " ".join(col.split()).upper()
        if key in UNATTRIBUTABLE:
            out[col] = None
            continue
        out[col] = DEBRIS.get(key) or to_iso3(col.strip(), "name")
    return out


def _open_text(path: Path) -> str:
    """The CSV text of ``path`` (a .zip holding one .csv, or the .csv itself)."""
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                members = [n for n in zf.namelist() if n.lower().endswith(".csv")]
                if len(members) != 1:
                    raise error("E217", path=path, found=", ".join(zf.namelist()) or "nothing")
                raw = zf.read(members[0])
        except zipfile.BadZipFile as exc:
            raise error("E013", path=path, fmt="a zip file", reason=str(exc)) from exc
    else:
        raw = path.read_bytes()
    return raw.decode("utf-8-sig")


def _int(text: str) -> int | None:
    t = text.strip()
    if re.fullmatch(r"\d+(\.0+)?", t):
        return int(float(t))
    return None


def parse(path: Path, bad: BadRows) -> pa.Table:
    """Read the wide scrape and melt it: one row per state and roll call (module docstring)."""
    import pyarrow as pa

    text = _open_text(Path(path))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise error("E018", path=path) from None
    require_columns(path, header, META, "Council, Date, Title, Resolution, TOTAL VOTES, "
                    "NO-VOTE COUNT, ABSENT COUNT, NO COUNT, YES COUNT, Link, token, then one "
                    "column per member state")
    pos = {c: header.index(c) for c in META}
    state_cols = [(i, c) for i, c in enumerate(header) if c not in META]
    states = _state_map([c for _, c in state_cols])
    cols: dict[str, list[Any]] = {k: [] for k in (
        "undl_id", "body", "date", "year", "session", "symbol", "title", "url", "iso3",
        "state", "vote", "vote_num", "code", "total_yes", "total_no", "total_abstain",
        "total_nonvoting", "total_votes", "line")}
    seen: dict[int, int] = {}
    n_rows = 0
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        n_rows += 1
        raw = ",".join(row[:11])
        if len(row) != len(header):
            bad.add(line, f"{len(row)} fields, the header has {len(header)}", raw)
            continue
        council = row[pos["Council"]].strip()
        body = BODIES.get(council)
        if body is None:
            bad.add(line, f"unknown Council {council!r} (valid: General Assembly, "
                    "Security Council)", raw)
            continue
        uid = _int(row[pos["token"]])
        if uid is None:
            bad.add(line, f"record number (token) {row[pos['token']]!r} is not a number", raw)
            continue
        if uid in seen:
            bad.add(line, f"record {uid} repeats line {seen[uid]}", raw)
            continue
        dtext = row[pos["Date"]].strip()
        day: date | None = None
        if re.fullmatch(r"\d{4}", dtext):
            year = int(dtext)
        else:
            try:
                day = date.fromisoformat(dtext)
            except ValueError:
                bad.add(line, f"Date {dtext!r} is not YYYY-MM-DD", raw)
                continue
            year = day.year
        if not 1945 <= year <= 2100:
            bad.add(line, f"Date {dtext!r} is outside 1945–2100", raw)
            continue
        totals = {k: _int(row[pos[c]]) for k, c in (
            ("total_yes", "YES COUNT"), ("total_no", "NO COUNT"),
            ("total_abstain", "ABSENT COUNT"), ("total_nonvoting", "NO-VOTE COUNT"),
            ("total_votes", "TOTAL VOTES"))}
        if any(v is None for v in totals.values()):
            bad.add(line, "a totals column is not a whole number", raw)
            continue
        votes: dict[str, tuple[str, str]] = {}
        counts = {"Y": 0, "N": 0, "A": 0, "X": 0}
        problem = None
        for i, col in state_cols:
            code = row[i].strip().upper()
            if not code:
                continue
            if code not in CODES:
                problem = f"vote code {row[i]!r} in column {col!r} (valid: Y, N, A, X, empty)"
                break
            counts[code] += 1
            iso = states[col]
            if iso is None:
                if " ".join(col.split()).upper() in UNATTRIBUTABLE:
                    continue  # known debris: counted in the totals, attributable to nobody
                problem = f"a vote in column {col!r}, which names no known state"
                break
            if iso == "CHN" and (year < 1971 if day is None else day <= CHINA_SEAT_CHANGE):
                iso = "TWN"  # the Republic of China's seat (it left on 25 Oct 1971)
            if iso in votes and votes[iso][0] != code:
                problem = (f"{iso} has two votes: {votes[iso][0]!r} in column "
                           f"{votes[iso][1]!r} and {code!r} in {col!r}")
                break
            votes[iso] = (code, col)
        if problem is None:
            want = {"Y": totals["total_yes"], "N": totals["total_no"],
                    "A": totals["total_abstain"], "X": totals["total_nonvoting"]}
            if counts != want or sum(counts.values()) != totals["total_votes"]:
                problem = (f"the votes in the row (Y {counts['Y']}, N {counts['N']}, A "
                           f"{counts['A']}, X {counts['X']}) disagree with its totals (YES "
                           f"{want['Y']}, NO {want['N']}, ABSENT {want['A']}, NO-VOTE "
                           f"{want['X']}, TOTAL {totals['total_votes']})")
        if problem is not None:
            bad.add(line, problem, raw)
            continue
        seen[uid] = line
        symbol = row[pos["Resolution"]].strip() or None
        if symbol in ("MISSING_DATA",):
            symbol = None
        sess = parse_symbol(symbol)[0] if body == "GA" and parse_symbol(symbol) else None
        title = row[pos["Title"]].strip() or None
        url = row[pos["Link"]].strip() or None
        for iso, (code, col) in votes.items():
            vote, num = CODES[code]
            cols["undl_id"].append(uid)
            cols["body"].append(body)
            cols["date"].append(day)
            cols["year"].append(year)
            cols["session"].append(sess)
            cols["symbol"].append(symbol)
            cols["title"].append(title)
            cols["url"].append(url)
            cols["iso3"].append(iso)
            cols["state"].append(col)
            cols["vote"].append(vote)
            cols["vote_num"].append(num)
            cols["code"].append(code)
            for k, v in totals.items():
                cols[k].append(v)
            cols["line"].append(line)
    if n_rows == 0:
        raise error("E018", path=path)
    schema = pa.schema([
        ("undl_id", pa.int64()), ("body", pa.string()), ("date", pa.date32()),
        ("year", pa.int32()), ("session", pa.string()), ("symbol", pa.string()),
        ("title", pa.string()), ("url", pa.string()), ("iso3", pa.string()),
        ("state", pa.string()), ("vote", pa.string()), ("vote_num", pa.int8()),
        ("code", pa.string()), ("total_yes", pa.int32()), ("total_no", pa.int32()),
        ("total_abstain", pa.int32()), ("total_nonvoting", pa.int32()),
        ("total_votes", pa.int32()), ("line", pa.int64()),
    ])
    return pa.table(cols, schema=schema)


SOURCE = Source(
    kind=KIND, table=TABLE, mirror_dir="unga/undl-scrape-2021", files=(FILE,), parse=parse,
    citation=CITATION, key_columns=("undl_id", "iso3"),
    title="UN Digital Library voting records (third-party scrape, wide)",
)


def fetch_undl_scrape(store: Store, mirror: str | Path | None = None, *,
                      on_bad_rows: str = "fail", files: list[str] | None = None) -> list[Any]:
    """Load ``<mirror>/unga/undl-scrape-2021/UN DATA.csv.zip`` (no public download address:
    without a mirror this is E010 saying so). Returns one ingest result per file."""
    return fetch(SOURCE, store, mirror=mirror, on_bad_rows=on_bad_rows, files=files)


def ingest_undl_scrape(store: Store, paths: list[str | Path], *,
                       on_bad_rows: str = "fail") -> list[Any]:
    """Load local copies of the scrape (``.csv.zip`` or ``.csv``)."""
    from bilat.sources.core import ingest

    return ingest(store, SOURCE, paths, on_bad_rows=on_bad_rows)
