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
    """Read the wide scrape and melt it: one row per state and roll call (module docstring).

    Row checks (council, record number, date, totals) run per row; the ~260 vote cells of
    every row are checked and melted with NumPy. Problems are reported in file order, so
    under ``fail`` the first bad line is the one named.
    """
    import numpy as np
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
    state_idx = [i for i, c in enumerate(header) if c not in META]
    state_names = [header[i] for i in state_idx]
    states = _state_map(state_names)
    problems: dict[int, tuple[str, str]] = {}
    keep: list[tuple[int, list[str], dict[str, Any]]] = []
    seen: dict[int, int] = {}
    n_rows = 0
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        n_rows += 1
        raw = ",".join(row[:11])
        if len(row) != len(header):
            problems[line] = (f"{len(row)} fields, the header has {len(header)}", raw)
            continue
        council = row[pos["Council"]].strip()
        body = BODIES.get(council)
        if body is None:
            problems[line] = (f"unknown Council {council!r} (valid: General Assembly, "
                              "Security Council)", raw)
            continue
        uid = _int(row[pos["token"]])
        if uid is None:
            problems[line] = (f"record number (token) {row[pos['token']]!r} is not a number",
                              raw)
            continue
        if uid in seen:
            problems[line] = (f"record {uid} repeats line {seen[uid]}", raw)
            continue
        dtext = row[pos["Date"]].strip()
        day: date | None = None
        if re.fullmatch(r"\d{4}", dtext):
            year = int(dtext)
        else:
            try:
                day = date.fromisoformat(dtext)
            except ValueError:
                problems[line] = (f"Date {dtext!r} is not YYYY-MM-DD", raw)
                continue
            year = day.year
        if not 1945 <= year <= 2100:
            problems[line] = (f"Date {dtext!r} is outside 1945–2100", raw)
            continue
        totals = {k: _int(row[pos[c]]) for k, c in (
            ("total_yes", "YES COUNT"), ("total_no", "NO COUNT"),
            ("total_abstain", "ABSENT COUNT"), ("total_nonvoting", "NO-VOTE COUNT"),
            ("total_votes", "TOTAL VOTES"))}
        if any(v is None for v in totals.values()):
            problems[line] = ("a totals column is not a whole number", raw)
            continue
        seen[uid] = line
        symbol = row[pos["Resolution"]].strip() or None
        if symbol == "MISSING_DATA":
            symbol = None
        parsed = parse_symbol(symbol) if body == "GA" else None
        meta = {"undl_id": uid, "body": body, "date": day, "year": year,
                "session": parsed[0] if parsed else None, "symbol": symbol,
                "title": row[pos["Title"]].strip() or None,
                "url": row[pos["Link"]].strip() or None, "line": line, "raw": raw, **totals}
        keep.append((line, [row[i] for i in state_idx], meta))
    if n_rows == 0:
        raise error("E018", path=path)

    # the vote cells of the rows that passed, as one array: rows × state columns
    cells = np.array([k[1] for k in keep], dtype=str).reshape(len(keep), len(state_idx))
    odd = ~np.isin(cells, ["", *CODES])
    if odd.any():  # lower case or padded codes: normalised where they occur only
        cells = cells.astype(object)
        cells[odd] = [str(x).strip().upper() for x in cells[odd]]
        cells = cells.astype(str)
    ok = np.ones(len(keep), dtype=bool)
    reason: dict[int, str] = {}

    def flag(mask: Any, why: Any) -> None:
        for r in np.flatnonzero(mask & ok):
            reason[int(r)] = why(int(r))
        ok[mask] = False

    valid = np.isin(cells, ["", *CODES])
    flag(~valid.all(axis=1), lambda r: (
        lambda c: f"vote code {keep[r][1][c]!r} in column {state_names[c]!r} (valid: Y, N, "
                  "A, X, empty)")(int(np.flatnonzero(~valid[r])[0])))
    iso = np.array([states[c] or "" for c in state_names], dtype=object)
    debris = np.array([" ".join(c.split()).upper() in UNATTRIBUTABLE for c in state_names])
    unknown = (iso == "") & ~debris
    filled = cells != ""
    bad_col = filled & unknown[None, :]

    def unnamed(r: int) -> str:
        col = state_names[int(np.flatnonzero(bad_col[r])[0])]
        return f"a vote in column {col!r}, which names no known state"
    flag(bad_col.any(axis=1), unnamed)
    # one state through two columns (USSR and RUSSIAN FEDERATION…): the votes must agree
    groups: dict[str, list[int]] = {}
    for c, s in enumerate(iso):
        if s:
            groups.setdefault(s, []).append(c)
    for s, cols in groups.items():
        if len(cols) < 2:
            continue
        sub = cells[:, cols]
        nonempty = sub != ""
        first = np.where(nonempty.any(axis=1), sub[np.arange(len(sub)),
                                                   nonempty.argmax(axis=1)], "")
        clash = (nonempty & (sub != first[:, None])).any(axis=1)

        def why(r: int, cols: list[int] = cols, s: str = s) -> str:
            got = [(state_names[c], keep[r][1][c].strip().upper()) for c in cols
                   if cells[r, c]]
            return (f"{s} has two votes: {got[0][1]!r} in column {got[0][0]!r} and "
                    f"{got[1][1]!r} in {got[1][0]!r}")
        flag(clash, why)
    counts = {k: (cells == k).sum(axis=1) for k in CODES}
    want = {k: np.array([m[2][f] for m in keep], dtype=np.int64) for k, f in (
        ("Y", "total_yes"), ("N", "total_no"), ("A", "total_abstain"),
        ("X", "total_nonvoting"))}
    tot = np.array([m[2]["total_votes"] for m in keep], dtype=np.int64)
    off = np.zeros(len(keep), dtype=bool)
    for k in CODES:
        off |= counts[k] != want[k]
    off |= sum(counts.values()) != tot
    flag(off, lambda r: (
        f"the votes in the row (Y {counts['Y'][r]}, N {counts['N'][r]}, A {counts['A'][r]}, "
        f"X {counts['X'][r]}) disagree with its totals (YES {want['Y'][r]}, NO "
        f"{want['N'][r]}, ABSENT {want['A'][r]}, NO-VOTE {want['X'][r]}, TOTAL {tot[r]})"))
    for r, why_text in reason.items():
        problems[keep[r][0]] = (why_text, keep[r][2]["raw"])
    for line in sorted(problems):
        # the line as it stands in the file (every column, the rejected cell included)
        bad.add(line, problems[line][0], bad.line_text(line) or problems[line][1])

    # melt: one row per attributable non-empty cell of the rows that passed
    rows_i, cols_i = np.nonzero(filled & ~debris[None, :] & ok[:, None])
    metas = [k[2] for k in keep]
    names = sorted({s for s in iso if s} | {"TWN"})
    code_of = {s: i for i, s in enumerate(names)}
    col_code = np.array([code_of.get(s, -1) for s in iso], dtype=np.int64)
    iso_code = col_code[cols_i]
    seat = np.array([(m["year"] < 1971) if m["date"] is None else
                     (m["date"] <= CHINA_SEAT_CHANGE) for m in metas], dtype=bool)
    if "CHN" in code_of:  # the Republic of China's seat until 25 Oct 1971
        iso_code[(iso_code == code_of["CHN"]) & seat[rows_i]] = code_of["TWN"]
    # a state given through two agreeing columns: once
    _, first_i = np.unique(rows_i * len(names) + iso_code, return_index=True)
    sel = np.sort(first_i)
    rows_i, cols_i, iso_code = rows_i[sel], cols_i[sel], iso_code[sel]
    codes = cells[rows_i, cols_i]
    take = pa.array(rows_i)

    def per_row(key: str, typ: Any) -> Any:
        return pa.array([m[key] for m in metas], type=typ).take(take)

    keys = list(CODES)
    kidx = np.zeros(len(codes), dtype=np.int64)
    for i, k in enumerate(keys):
        kidx[codes == k] = i
    nums = np.array([-1 if CODES[k][1] is None else CODES[k][1] for k in keys],
                    dtype=np.int8)[kidx]
    out = {
        "undl_id": per_row("undl_id", pa.int64()), "body": per_row("body", pa.string()),
        "date": per_row("date", pa.date32()), "year": per_row("year", pa.int32()),
        "session": per_row("session", pa.string()), "symbol": per_row("symbol", pa.string()),
        "title": per_row("title", pa.string()), "url": per_row("url", pa.string()),
        "iso3": pa.array(names, pa.string()).take(pa.array(iso_code)),
        "state": pa.array(state_names, pa.string()).take(pa.array(cols_i)),
        "vote": pa.array([CODES[k][0] for k in keys], pa.string()).take(pa.array(kidx)),
        "vote_num": pa.array(nums, mask=nums < 0, type=pa.int8()),
        "code": pa.array(codes, pa.string()),
        "total_yes": per_row("total_yes", pa.int32()),
        "total_no": per_row("total_no", pa.int32()),
        "total_abstain": per_row("total_abstain", pa.int32()),
        "total_nonvoting": per_row("total_nonvoting", pa.int32()),
        "total_votes": per_row("total_votes", pa.int32()), "line": per_row("line", pa.int64()),
    }
    schema = pa.schema([
        ("undl_id", pa.int64()), ("body", pa.string()), ("date", pa.date32()),
        ("year", pa.int32()), ("session", pa.string()), ("symbol", pa.string()),
        ("title", pa.string()), ("url", pa.string()), ("iso3", pa.string()),
        ("state", pa.string()), ("vote", pa.string()), ("vote_num", pa.int8()),
        ("code", pa.string()), ("total_yes", pa.int32()), ("total_no", pa.int32()),
        ("total_abstain", pa.int32()), ("total_nonvoting", pa.int32()),
        ("total_votes", pa.int32()), ("line", pa.int64()),
    ])
    return pa.Table.from_pydict(out, schema=schema)


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
