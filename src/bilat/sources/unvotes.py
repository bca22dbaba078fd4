"""UN roll-call votes (General Assembly, Security Council) into the store, from three formats.

Readers
-------
``read_unvotes``
    The ``unvotes`` R package release (Robinson & Goguen-Compagnoni, github.com/dgrtwo/unvotes,
    built from Voeten's data): ``un_votes`` (``rcid``, ``country``, ``country_code`` ISO 3166-1
    alpha-2, ``vote`` yes/abstain/no; absences and non-members are *not listed*),
    ``un_roll_calls`` (``rcid``, ``session``, ``importantvote``, ``date``, ``unres``, ``amend``,
    ``para``, ``short``, ``descr``) and ``un_roll_call_issues`` (``rcid``, ``short_name``,
    ``issue``); as the ``.csv`` conversions or the ``.rda`` originals (read with pyreadr).
    Codebook: the package's ``R/data.R`` and Voeten's codebook (below).
``read_voeten``
    Erik Voeten's "United Nations General Assembly Voting Data" (Harvard Dataverse,
    hdl:1902.1/12379, file ``UNVotes``; CSV, tab-separated ``.tab`` or ``.RData``): one row per
    state per roll call: ``rcid``, ``ccode`` (Correlates of War state number), ``vote``
    (1 yes, 2 abstain, 3 no, 8 absent, 9 not a member), ``Country`` (COW abbreviation),
    ``Countryname``, ``year``, ``session``, ``importantvote`` (1 = on the US State Department's
    list of important votes), ``date``, ``unres``, ``amend``, ``para``, ``short``, ``descr`` and
    the issue flags ``me`` (Palestinian conflict), ``nu`` (nuclear weapons and material), ``di``
    (arms control and disarmament), ``hr`` (human rights), ``co`` (colonialism), ``ec``
    (economic development), 1 = the roll call is on that issue. Codebook: Voeten, Strezhnev &
    Bailey, "United Nations General Assembly Voting Data", Dataverse codebook (2009, updated).
``read_undl``
    The UN Digital Library voting exports (Dag Hammarskjöld Library; General Assembly
    digitallibrary.un.org/record/4060887, Security Council record/4055387): one row per member
    state per resolution: ``undl_id`` (library record number), ``ms_code`` (three-letter code),
    ``ms_name`` (official name at the time), ``ms_vote`` (``Y`` yes, ``N`` no, ``A``
    abstention, ``X`` or blank non-voting; older versions ``NV``), ``date``, ``session`` (GA),
    ``resolution`` (symbol), ``draft``, ``committee_report`` (GA), ``meeting``, ``title`` (GA) or
    ``description`` (SC), ``agenda_title`` (GA) / ``agenda`` (SC), ``subjects`` (UNBIS
    concepts, ``|``-separated), ``vote_note``, ``modality`` (SC, GA version 1: adopted with or
    without a vote), ``permanent_member`` (SC), ``total_yes``, ``total_no``,
    ``total_abstentions``, ``total_non_voting``, ``total_ms``, ``undl_link``. The body (GA or
    SC) is told by the columns (``permanent_member``/``description`` → SC). Codebook: the
    "Description and Terms of Use" files published with each export.

Store schema (all three normalised to it)
-----------------------------------------
Table ``un_rollcalls``, one row per roll call (vote):

- ``vote_id`` BIGINT: the key. Voeten's ``rcid`` for the unvotes and Voeten formats (they
  share it); ``10**15 + undl_id`` for UN Digital Library rows (a library record number is
  unique across GA and SC).
- ``rcid`` BIGINT (null for UNDL), ``undl_id`` BIGINT (null for Voeten/unvotes).
- ``body`` ``'GA'`` or ``'SC'``; ``date`` DATE of the vote; ``year`` its calendar year;
  ``session`` GA session number (null for SC).
- ``symbol`` resolution symbol, e.g. ``A/RES/68/262`` (unvotes' ``unres`` ``R/68/262`` is
  rewritten so; other ``unres`` forms kept as given); ``unres`` as given upstream.
- ``title`` (unvotes/Voeten ``short``, UNDL ``title``/``description``), ``descr`` (long
  description), ``agenda``, ``subjects``, ``meeting``, ``draft``, ``url``.
- ``issues`` VARCHAR[]: issue codes among ``me nu di hr co ec`` (empty when uncoded).
- ``important`` BOOLEAN: on the State Department's important-votes list (null = not coded).
- ``amend``, ``para`` BOOLEAN: vote on an amendment / a paragraph (Voeten; null = unknown).
- ``modality`` ``'recorded'`` or ``'without_vote'`` where the source says (UNDL); null else.
- ``total_yes``, ``total_no``, ``total_abstain``, ``total_nonvoting`` INTEGER: official tally
  where the source gives it (UNDL); null else (use the stored votes).
- ``source`` ``'unvotes'``, ``'voeten'``, ``'undl-ga'``, ``'undl-sc'``; ``source_file``.

Table ``un_votes``, one row per state per roll call:

- ``vote_id`` as above; ``iso3`` ISO 3166-1 alpha-3 (historical states per
  :mod:`bilat.reference.countries`: USSR → RUS continuity, etc.).
- ``vote`` one of ``yes``, ``no``, ``abstain``, ``absent``, ``nonmember``.
- ``vote_num`` TINYINT on the 3-point scale: yes 2, abstain 1, no 0; null for absent and
  non-member (divide by 2 for the 0–1 scale of the S score).
- ``code`` the original code as given (``yes``, ``1``, ``Y`` …); ``state`` the state's name
  as given; ``source``.

View ``un_country_votes`` joins the two: vote id, rcid, iso3, vote, original code, date,
session, symbol, title, issue codes, important flag, body, source.

Bad input (empty or truncated files, unknown codes or states, duplicate rows for one state and
vote, rows contradicting what is stored, conflicting formats) raises an E2xx error naming the
file and line, or with ``on_bad_rows="skip"`` is set aside and counted. Ingest is one
transaction, logged in ``ingest_log`` (kind ``unvotes``) so the same content is never added
twice; rows already stored with the same vote are not added again, nothing stored is replaced.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilat.config import resolve_mirror
from bilat.errors import BilatError, error
from bilat.sources.core import (
    _BAD_ROWS_DDL,
    check_on_bad_rows,
    find_in_mirror,
    mirror_file,
    physical_lines,
    sha256_file,
)
from bilat.store import Store

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
else:
    class _Lazy:
        """pandas / NumPy imported on first use: a re-run that adds nothing is decided from
        content hashes before they are loaded (`bilat fetch unvotes` stays under a second)."""

        def __init__(self, name: str) -> None:
            self._name = name

        def __getattr__(self, attr: str) -> Any:
            import importlib

            module = importlib.import_module(self._name)
            globals()["pd" if self._name == "pandas" else "np"] = module
            return getattr(module, attr)

    pd = _Lazy("pandas")
    np = _Lazy("numpy")

#: ``ingest_log`` kind for every file ingested here.
KIND = "unvotes"
#: Issue codes of Voeten's data and the unvotes package, with their names.
ISSUES = {
    "me": "Palestinian conflict",
    "nu": "Nuclear weapons and nuclear material",
    "di": "Arms control and disarmament",
    "hr": "Human rights",
    "co": "Colonialism",
    "ec": "Economic development",
}
#: Normalised vote categories.
VOTES = ("yes", "no", "abstain", "absent", "nonmember")
VOTE_NUM = {"yes": 2, "abstain": 1, "no": 0}
#: Offset added to UN Digital Library record numbers to form ``vote_id``.
UNDL_OFFSET = 10**15
#: The public unvotes release used by ``fetch_unvotes`` online (same commit as the mirror).
UNVOTES_COMMIT = "7eb7034314ff79c49c9e0785fcd9d216fa04cf14"
UNVOTES_URL = f"https://raw.githubusercontent.com/dgrtwo/unvotes/{UNVOTES_COMMIT}/data/"
UNVOTES_FILES = ("un_votes", "un_roll_calls", "un_roll_call_issues")

_UNVOTES_CODES = {"yes": "yes", "abstain": "abstain", "no": "no"}
_VOETEN_CODES = {"1": "yes", "2": "abstain", "3": "no", "8": "absent", "9": "nonmember"}
_UNDL_CODES = {"Y": "yes", "N": "no", "A": "abstain", "X": "absent", "": "absent",
               "NV": "absent"}

_ROLLCALL_COLS = [
    "vote_id", "rcid", "undl_id", "body", "date", "year", "session", "symbol", "unres", "title",
    "descr", "agenda", "subjects", "meeting", "draft", "url", "issues", "important", "amend",
    "para", "modality", "total_yes", "total_no", "total_abstain", "total_nonvoting", "source",
    "source_file",
]
_VOTE_COLS = ["vote_id", "iso3", "vote", "vote_num", "code", "state", "source"]

_DDL = [
    """CREATE TABLE IF NOT EXISTS un_rollcalls (
        vote_id BIGINT NOT NULL, rcid BIGINT, undl_id BIGINT, body VARCHAR NOT NULL,
        date DATE, year INTEGER, session VARCHAR, symbol VARCHAR, unres VARCHAR,
        title VARCHAR, descr VARCHAR, agenda VARCHAR, subjects VARCHAR, meeting VARCHAR,
        draft VARCHAR, url VARCHAR, issues VARCHAR[], important BOOLEAN, amend BOOLEAN,
        para BOOLEAN, modality VARCHAR, total_yes INTEGER, total_no INTEGER,
        total_abstain INTEGER, total_nonvoting INTEGER, source VARCHAR NOT NULL,
        source_file VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS un_votes (
        vote_id BIGINT NOT NULL, iso3 VARCHAR NOT NULL, vote VARCHAR NOT NULL,
        vote_num TINYINT, code VARCHAR, state VARCHAR, source VARCHAR NOT NULL)""",
    """CREATE OR REPLACE VIEW un_country_votes AS
        SELECT v.vote_id, r.rcid, v.iso3, v.vote, v.code, r.date, r.year, r.session, r.symbol,
               r.title, r.issues, r.important, r.body, v.source
        FROM un_votes v JOIN un_rollcalls r USING (vote_id)""",
]


def ensure_schema(store: Store) -> None:
    """Create the vote tables and view if they are missing (idempotent).

    ``session`` is text (``77``, ``ES-11``, ``S-29``); a store written when it was an
    integer is converted in place.
    """
    con = store.con
    typ = con.execute(
        "SELECT data_type FROM information_schema.columns WHERE table_name = 'un_rollcalls' "
        "AND column_name = 'session'").fetchall()
    if typ and typ[0][0] != "VARCHAR":
        con.execute("DROP VIEW IF EXISTS un_country_votes")
        con.execute("ALTER TABLE un_rollcalls ALTER session TYPE VARCHAR")
    for ddl in _DDL:
        con.execute(ddl)


# ----------------------------------------------------------------------------- results
@dataclass
class VoteData:
    """Normalised roll calls and country votes read from one source, before they are stored."""

    rollcalls: pd.DataFrame
    votes: pd.DataFrame
    source: str
    files: list[Path]
    skipped: dict[str, int] = field(default_factory=dict)
    #: rows set aside under ``quarantine``: (file, line, reason, raw row)
    set_aside: list[tuple[str, int | None, str, str]] = field(default_factory=list)

    @property
    def n_skipped(self) -> int:
        """Rows set aside under ``on_bad_rows="skip"``."""
        return int(sum(self.skipped.values()))


@dataclass
class IngestResult:
    """What one ingest did: rows added, rows already stored, rows skipped (by reason)."""

    source: str
    key: str
    votes_added: int = 0
    rollcalls_added: int = 0
    already_stored: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    unchanged: bool = False  # the same content was ingested before: nothing done

    def summary(self) -> str:
        """One line for people (stderr)."""
        if self.unchanged:
            return f"{self.key}: already ingested, nothing added"
        skipped = sum(self.skipped.values())
        text = (f"{self.key}: {self.votes_added:,} votes on {self.rollcalls_added:,} roll calls "
                f"added, {self.already_stored:,} already stored, {skipped:,} skipped")
        if skipped:
            text += " (" + ", ".join(f"{k}: {v}" for k, v in sorted(self.skipped.items())) + ")"
        return text


# ----------------------------------------------------------------------------- helpers
def _check_mode(on_bad_rows: str) -> str:
    """``error`` (also ``fail``), ``skip`` or ``quarantine``; E215 for anything else."""
    try:
        mode = check_on_bad_rows(on_bad_rows)
    except BilatError:
        raise error("E215", value=on_bad_rows) from None
    return "error" if mode == "fail" else mode


class _Bad:
    """Collects bad rows: raise on the first under ``error``, count and drop under ``skip``,
    and also keep them (file, line, reason, raw row) under ``quarantine``."""

    def __init__(self, mode: str, path: Path, line_of: Callable[[int], int]) -> None:
        self.mode = _check_mode(mode)
        self.path = path
        self.line_of = line_of
        self.counts: dict[str, int] = {}
        self.rows: list[tuple[str, int | None, str, str]] = []

    def handle(self, df: pd.DataFrame, mask: pd.Series, reason: str,
               make: Callable[[Any, int], BilatError]) -> pd.DataFrame:
        """Rows of ``df`` where ``mask`` is true are bad: raise for the first one, or drop all."""
        mask = mask.reindex(df.index).fillna(False).astype(bool)
        if not mask.any():
            return df
        if self.mode == "error":
            idx = mask[mask].index[0]
            raise make(df.loc[idx], self.line_of(int(df.loc[idx, "_row"])))
        self.counts[reason] = self.counts.get(reason, 0) + int(mask.sum())
        if self.mode == "quarantine":
            cols = df.attrs.get("raw_columns") or [c for c in df.columns if c != "_row"]
            # the line as it stands in the file (never rebuilt from parsed values, which
            # would show a rejected code such as 'maybe' as 'nan'); R data has no lines
            text = physical_lines(self.path, [self.line_of(int(x)) for x in df[mask]["_row"]])
            for _, r in df[mask].iterrows():
                line = self.line_of(int(r["_row"]))
                cells = [r.get(c, r.get(_RENAMED.get(c, c))) for c in cols]
                raw = text.get(line)
                if raw is None:
                    raw = r.get("_rawline")
                if not isinstance(raw, str):  # R data: the row as read
                    raw = ",".join("" if v is None else str(v) for v in cells)
                self.rows.append((self.path.name, line, make(r, line).message, raw[:2000]))
        return df.loc[~mask]

    def wrong_length(self, df: pd.DataFrame) -> pd.DataFrame:
        """Rows whose field count differs from the header's (E261): never padded or shifted
        into the store. They are checked after the id and vote-code checks, which may name
        a cut-off row first."""
        if "_nfields" not in df.columns:
            return df
        expected = len(df.attrs.get("raw_columns", [])) or int(df["_nfields"].max())
        short = df["_nfields"] < expected

        def make(r: Any, line: int) -> BilatError:
            return error("E261", path=self.path, line=line, found=int(r["_nfields"]),
                         expected=expected)
        df = self.handle(df, short, "row shorter than the header", make)
        return self.handle(df, df["_nfields"] > expected, "row longer than the header", make)


#: Columns the readers rename (raw rows are rebuilt under their upstream names).
_RENAMED = {"country": "state", "ms_name": "state"}


def _csv_line(row: int) -> int:
    """File line of 0-based data row ``row`` (header is line 1; exact without embedded newlines)."""
    return row + 2


def _rda_line(row: int) -> int:
    """Row number (1-based) in an R data frame, reported where a CSV would give a line."""
    return row + 1


def _read_table(path: Path, *, sep: str | None = None,
                allow_empty: bool = False) -> tuple[pd.DataFrame, Callable]:
    """Read a CSV/TSV or R data file as all-text columns; E201 empty, E202 unreadable.

    Each CSV record keeps its physical line (the last line of a record with embedded line
    breaks); a record whose field count differs from the header's is marked (``_nfields``,
    ``_rawline``) so the reader sets it aside (E261, :meth:`_Bad.wrong_length`): it is never
    stored padded or shifted. ``allow_empty`` accepts a header without rows (an issue table
    may code nothing).
    """
    path = Path(path)
    if not path.is_file():
        raise error("E202", path=path, fmt="a vote file", reason="no such file")
    if path.stat().st_size == 0:
        raise error("E201", path=path)
    suffix = path.suffix.lower()
    if suffix in (".rda", ".rdata", ".rds"):
        import pyreadr

        try:
            result = pyreadr.read_r(str(path))
        except Exception as exc:  # pyreadr raises its own LibrdataError and others
            raise error("E202", path=path, fmt="R data", reason=str(exc).splitlines()[0]) from exc
        if not result:
            raise error("E201", path=path)
        df = next(iter(result.values()))
        df = df.astype(object).where(df.notna(), None)
        for col in df.columns:
            df[col] = df[col].map(_text)
        line_of = _rda_line
        wrong: list[tuple[int, int, str]] = []
    else:
        if sep is None:
            sep = "\t" if suffix in (".tab", ".tsv") else ","
        header, rows, lines, wrong = _read_csv_rows(path, sep)
        df = pd.DataFrame(rows, columns=header, dtype=str) if rows else \
            pd.DataFrame(columns=header, dtype=str)

        def line_of(row: int, _lines: list[int] = lines) -> int:
            return _lines[row] if 0 <= row < len(_lines) else row + 2
    if df.empty and not (allow_empty and len(df.columns)):
        raise error("E201", path=path)
    df = df.reset_index(drop=True)
    df.columns = [str(c).strip() for c in df.columns]
    df.attrs["raw_columns"] = list(df.columns)
    df["_row"] = np.arange(len(df))
    if wrong:
        n = len(df.columns) - 1
        nfields = np.full(len(df), n)
        rawline = np.full(len(df), None, dtype=object)
        for row, found, raw in wrong:
            nfields[row] = found
            rawline[row] = raw
        df["_nfields"] = nfields
        df["_rawline"] = rawline
    return df, line_of


def _read_csv_rows(path: Path, sep: str) -> tuple[list[str], list[list[str]], list[int],
                                                   list[tuple[int, int, str]]]:
    """Header, rows of the header's length with their lines, and the other rows (E202 when
    the file is not CSV: bytes that are not UTF-8, an unclosed quote)."""
    rows: list[list[str]] = []
    lines: list[int] = []
    wrong: list[tuple[int, int, str]] = []
    line = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=sep, strict=True)
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise error("E201", path=path)
            seen: dict[str, int] = {}
            names = []
            for h in header:  # repeated names as pandas writes them: a, a.1, …
                k = seen.get(h, 0)
                names.append(h if k == 0 else f"{h}.{k}")
                seen[h] = k + 1
            n = len(names)
            for rec in reader:
                line = reader.line_num
                if not rec or (len(rec) == 1 and not rec[0].strip()):
                    continue  # blank line
                if len(rec) != n:  # kept aside by the reader's length check (E261)
                    wrong.append((len(rows), len(rec), sep.join(rec)))
                    rec = (rec + [""] * n)[:n]
                rows.append(rec)
                lines.append(line)
    except UnicodeDecodeError as exc:
        raise error("E202", path=path, fmt="UTF-8 CSV",
                    reason=f"bytes that are not UTF-8 after line {line}") from exc
    except csv.Error as exc:
        raise error("E202", path=path, fmt="CSV", reason=f"line {line + 1}: {exc}") from exc
    return names, rows, lines, wrong


def _text(value: Any) -> str:
    """A cell as text: '' for missing, integral floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


_INT_RE = r"^\s*[+-]?\d{1,15}(?:\.0*)?\s*$"


def _int_col(s: pd.Series) -> pd.Series:
    """Text → nullable Int64 ('3.0' allowed, as the unvotes CSV writes rcid); anything else —
    fractions, ``1e309``, hex, more than 15 digits — is <NA> (never rounded or overflowed)."""
    text = s.astype(object).where(s.notna(), "").astype(str)
    ok = text.str.match(_INT_RE)
    num = pd.to_numeric(text.where(ok, None), errors="coerce")  # ≤ 15 digits: exact
    return num.astype("Float64").astype("Int64")


def _bool_col(s: pd.Series) -> pd.Series:
    """'1'/'0'/'TRUE'/'FALSE'/'' → nullable boolean."""
    m = s.astype(str).str.strip().str.upper().map(
        {"1": True, "1.0": True, "TRUE": True, "T": True, "0": False, "0.0": False,
         "FALSE": False, "F": False}
    )
    return m.astype("boolean")


def _symbol(unres: pd.Series, body: str = "GA") -> pd.Series:
    """unvotes/Voeten ``R/68/262`` → ``A/RES/68/262``; other forms unchanged."""
    s = unres.fillna("").astype(str).str.strip()
    return s.str.replace(r"^R/(\d+)/(\d+)$", r"A/RES/\1/\2", regex=True).replace("", None)


def _countries() -> Any:
    """The shared crosswalk module (bilat.reference.countries)."""
    from bilat.reference import countries

    return countries


def _map_states(values: Iterable[str], scheme: str) -> dict[str, str | None]:
    """Distinct source values → ISO3 via :func:`bilat.reference.countries.to_iso3` (None: unknown).
    """
    countries = _countries()
    out: dict[str, str | None] = {}
    for value in set(values):
        if value is None or str(value).strip() == "":
            out[value] = None
            continue
        try:
            iso = countries.to_iso3(str(value).strip(), scheme)
        except (BilatError, KeyError, ValueError, LookupError):
            iso = None
        out[value] = iso
    return out


def _states_to_iso3(df: pd.DataFrame, attempts: list[tuple[str, str]], bad: _Bad,
                    shown: str) -> pd.DataFrame:
    """Add ``iso3`` trying (column, scheme) pairs in order; unknown states → E206 or skip."""
    iso = pd.Series(None, index=df.index, dtype=object)
    for column, scheme in attempts:
        if column not in df.columns:
            continue
        need = iso.isna()
        if not need.any():
            break
        mapping = _map_states(df.loc[need, column].unique(), scheme)
        iso.loc[need] = df.loc[need, column].map(mapping)
    df = df.assign(iso3=iso)
    return bad.handle(
        df, df["iso3"].isna(), "unknown state",
        lambda r, line: error("E206", path=bad.path, line=line, value=r.get(shown),
                              scheme=" / ".join(f"{c} as {s}" for c, s in attempts)),
    )


def _codes(df: pd.DataFrame, column: str, table: dict[str, str], bad: _Bad) -> pd.DataFrame:
    """Map the vote column through ``table`` (E204 for unknown codes)."""
    raw = df[column].fillna("").astype(str).str.strip()
    key = raw.str.replace(r"\.0$", "", regex=True) if "1" in table else raw
    vote = key.map(table)
    df = df.assign(code=raw, vote=vote)
    shown = ", ".join(repr(k) for k in table)
    return bad.handle(
        df, df["vote"].isna(), "unknown vote code",
        lambda r, line: error("E204", path=bad.path, line=line, value=r["code"], column=column,
                              options=shown),
    )


def _dedupe(df: pd.DataFrame, bad: _Bad) -> pd.DataFrame:
    """One row per (vote_id, iso3): E205 naming both lines, or keep the first and skip the rest."""
    dup = df.duplicated(["vote_id", "iso3"], keep="first")
    if not dup.any():
        return df
    first = df.drop_duplicates(["vote_id", "iso3"]).set_index(["vote_id", "iso3"])["_row"]

    def make(r: Any, line: int) -> BilatError:
        return error("E205", path=bad.path, line=line, state=r["iso3"], vote_id=r["vote_id"],
                     first=bad.line_of(int(first.loc[(r["vote_id"], r["iso3"])])))

    return bad.handle(df, dup, "duplicate state and vote", make)


def _require(df: pd.DataFrame, path: Path, needed: Iterable[str], fmt: str) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise error("E203", path=path, found=", ".join(c for c in df.columns if c != "_row"),
                    expected=f"{fmt} needs {', '.join(needed)} (missing {', '.join(missing)})")


def _finish_votes(df: pd.DataFrame, source: str, line_of: Callable[[int], int]) -> pd.DataFrame:
    """The store's vote columns, plus ``_line`` (file line of each row, for error messages)."""
    out = df.assign(vote_num=df["vote"].map(VOTE_NUM).astype("Int8"), source=source,
                    _line=df["_row"].map(line_of))
    if "state" not in out.columns:
        out["state"] = None
    return out[[*_VOTE_COLS, "_line"]].reset_index(drop=True)


def _finish_rollcalls(df: pd.DataFrame) -> pd.DataFrame:
    for col in _ROLLCALL_COLS:
        if col not in df.columns:
            df[col] = None
    out = df[_ROLLCALL_COLS].reset_index(drop=True)
    out["date"] = pd.to_datetime(out["date"], errors="coerce").dt.date
    out["year"] = pd.to_datetime(out["date"], errors="coerce").dt.year.astype("Int64")
    return out


#: The first day a UN vote can carry (the Charter came into force on 24 October 1945).
FIRST_VOTE_DAY = "1945-10-24"
#: Largest vote id accepted (ids of the UN Digital Library are offset by 10**15).
MAX_ID = UNDL_OFFSET - 1


def _one_date(text: str) -> pd.Timestamp:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d"):
        try:
            return pd.Timestamp(datetime.strptime(text, fmt))
        except ValueError:
            continue
    return pd.NaT


def _parse_dates(s: pd.Series) -> pd.Series:
    """Vote dates: ISO ``YYYY-MM-DD`` (a time after it is ignored), ``M/D/YYYY`` or
    ``YYYY/MM/DD``; anything else (``-1``, ``1e5``, a day that does not exist) is NaT."""
    text = s.astype(object).where(s.notna(), "").astype(str).str.strip()
    iso = text.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T][0-9:.]*)?$")[0]
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    rest = parsed.isna() & iso.isna() & text.ne("")
    if rest.any():
        uniq = {v: _one_date(v) for v in text[rest].unique()}
        parsed = parsed.where(~rest, pd.to_datetime(text[rest].map(uniq)))
    return parsed


def _checked_dates(df: pd.DataFrame, column: str, bad: _Bad,
                   label: str | None = None) -> pd.DataFrame:
    """``date`` parsed from ``column``; invalid dates (E207) and dates before 24 October 1945
    or after today (E260) are bad rows. ``label``: the column named in messages."""
    parsed = _parse_dates(df[column])
    shown = label or column
    raw_col = "_raw_date" if column == "date" else column
    df = df.assign(**({"_raw_date": df["date"]} if column == "date" else {}), date=parsed)
    df = bad.handle(
        df, parsed.isna(), f"invalid {shown}",
        lambda r, line: error("E207", path=bad.path, line=line, column=shown,
                              value=r.get(label, r[raw_col]) if label else r[raw_col]),
    )
    today = pd.Timestamp(datetime.now(UTC).date())
    out = (df["date"] < pd.Timestamp(FIRST_VOTE_DAY)) | (df["date"] > today)
    return bad.handle(
        df, out, f"{shown} out of range",
        lambda r, line: error("E260", path=bad.path, line=line, column=shown,
                              value=r.get(label, r[raw_col]) if label else r[raw_col],
                              domain=f"{FIRST_VOTE_DAY} to today"),
    )


def _checked_ids(df: pd.DataFrame, column: str, bad: _Bad, offset: int = 0) -> pd.DataFrame:
    ids = _int_col(df[column])
    df = df.assign(vote_id=ids + offset if offset else ids)
    df = bad.handle(
        df, ids.isna(), f"invalid {column}",
        lambda r, line: error("E207", path=bad.path, line=line, column=column, value=r[column]),
    )
    kept = ids.loc[df.index]
    df = bad.handle(
        df, (kept < 1) | (kept > MAX_ID), f"{column} out of range",
        lambda r, line: error("E260", path=bad.path, line=line, column=column, value=r[column],
                              domain=f"1 to {MAX_ID:,}"),
    )
    df["vote_id"] = df["vote_id"].astype("int64")
    return df


_SESSION_RE = re.compile(r"^(?:(ES|S)-?(\d{1,3})|(\d{1,3})(?:\.0*)?)$", re.IGNORECASE)


def _session(value: Any) -> Any:
    """A GA session: ``77`` (int), ``ES-11`` / ``S-29`` (text), ``None`` when blank, ``False``
    when not a session (regular 1–150, special and emergency special 1–99)."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    m = _SESSION_RE.match(text)
    if m is None:
        return False
    if m.group(3) is not None:
        n = int(m.group(3))
        return n if 1 <= n <= 150 else False
    n = int(m.group(2))
    return f"{m.group(1).upper()}-{n}" if 1 <= n <= 99 else False


def _session_text(value: Any) -> str | None:
    """A session as stored: ``"77"``, ``"ES-11"``; ``None`` when unknown."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _checked_sessions(df: pd.DataFrame, bad: _Bad, column: str = "session") -> pd.DataFrame:
    """Column ``_session`` (int regular session, text ``ES-11``/``S-29``); others are E260."""
    if column not in df.columns:
        return df.assign(_session=None)
    mapped = pd.Series([_session(v) for v in df[column]], index=df.index, dtype=object)
    df = df.assign(_session=mapped)
    return bad.handle(
        df, mapped.map(lambda x: x is False), "session out of range",
        lambda r, line: error("E260", path=bad.path, line=line, column=column,
                              value=r[column], domain="1 to 150, or ES-1…ES-99, S-1…S-99"),
    )


def _checked_counts(df: pd.DataFrame, columns: Iterable[str], bad: _Bad,
                    high: int = 400) -> pd.DataFrame:
    """Vote tallies (``total_yes`` …): blank, or a whole number 0…``high``; others are bad."""
    for col in columns:
        if col not in df.columns:
            continue
        raw = df[col].astype(object).where(df[col].notna(), "").astype(str).str.strip()
        num = _int_col(raw)
        badmask = (raw.ne("") & num.isna()) | (num < 0) | (num > high)
        df = bad.handle(
            df, badmask, f"{col} out of range",
            lambda r, line, c=col: error("E260", path=bad.path, line=line, column=c,
                                         value=r[c], domain=f"a whole number 0 to {high}"),
        )
    return df


# ----------------------------------------------------------------------------- readers
def read_unvotes(
    votes: str | Path,
    roll_calls: str | Path,
    issues: str | Path | None = None,
    *,
    on_bad_rows: str = "error",
) -> VoteData:
    """Read the unvotes release (CSV or .rda) into the store schema; see the module docstring.

    States are mapped by ``country_code`` (ISO2, incl. historical codes such as ``CS``, ``DD``,
    ``YU``, ``YD``), falling back to ``country`` (name) where the code is blank (upstream leaves
    it blank for the Federal Republic of Germany, the Yemen Arab Republic and Zanzibar).
    """
    vpath, rpath = Path(votes), Path(roll_calls)
    v, vline = _read_table(vpath)
    if "ms_vote" in v.columns or "ccode" in v.columns:
        raise error("E209", path=vpath, reason="this is not the unvotes un_votes table (it has "
                    "UNDL or Voeten columns); read it with read_undl / read_voeten")
    _require(v, vpath, ["rcid", "country", "country_code", "vote"], "unvotes un_votes")
    bad_v = _Bad(on_bad_rows, vpath, vline)
    v = _checked_ids(v, "rcid", bad_v)
    v = _codes(v, "vote", _UNVOTES_CODES, bad_v)
    v = bad_v.wrong_length(v)
    v = v.rename(columns={"country": "state"})
    v = _states_to_iso3(v, [("country_code", "iso2"), ("state", "name")], bad_v, "state")
    v = _dedupe(v, bad_v)

    r, rline = _read_table(rpath)
    _require(r, rpath, ["rcid", "session", "date"], "unvotes un_roll_calls")
    bad_r = _Bad(on_bad_rows, rpath, rline)
    r = _checked_ids(r, "rcid", bad_r)
    r = _checked_dates(r, "date", bad_r)
    r = _checked_sessions(r, bad_r)
    r = bad_r.wrong_length(r)
    dup = r.duplicated("vote_id")
    r = bad_r.handle(r, dup, "duplicate roll call", lambda row, line: error(
        "E205", path=rpath, line=line, state="(roll call)", vote_id=row["vote_id"],
        first=rline(int(r.loc[(r["vote_id"] == row["vote_id"]) & ~dup, "_row"].iloc[0]))))
    rc = pd.DataFrame({
        "vote_id": r["vote_id"], "rcid": r["vote_id"], "body": "GA", "date": r["date"],
        "session": r["_session"], "unres": r.get("unres", pd.Series(dtype=str)),
        "title": r.get("short"), "descr": r.get("descr"),
        "important": _bool_col(r["importantvote"]) if "importantvote" in r else None,
        "amend": _bool_col(r["amend"]) if "amend" in r else None,
        "para": _bool_col(r["para"]) if "para" in r else None,
        "source": "unvotes", "source_file": rpath.name,
    })
    rc["symbol"] = _symbol(rc["unres"])
    for col in ("title", "descr", "unres"):
        rc[col] = rc[col].replace("", None)

    codes: dict[int, list[str]] = {}
    ipath = None if issues is None else Path(issues)
    if ipath is not None:
        i, iline = _read_table(ipath, allow_empty=True)
        _require(i, ipath, ["rcid", "short_name"], "unvotes un_roll_call_issues")
        bad_i = _Bad(on_bad_rows, ipath, iline)
        i = _checked_ids(i, "rcid", bad_i)
        i = bad_i.wrong_length(i)
        i = bad_i.handle(i, ~i["short_name"].isin(ISSUES), "unknown issue code",
                         lambda row, line: error("E204", path=ipath, line=line,
                                                 value=row["short_name"], column="short_name",
                                                 options=", ".join(ISSUES)))
        for vid, grp in i.groupby("vote_id")["short_name"]:
            codes[int(vid)] = sorted(set(grp))
        bad_r.counts.update({f"issues: {k}": n for k, n in bad_i.counts.items()})
        bad_r.rows += bad_i.rows
    rc["issues"] = rc["vote_id"].map(lambda x: codes.get(int(x), []))

    orphan = ~v["vote_id"].isin(rc["vote_id"])
    v = bad_v.handle(v, orphan, "vote on a roll call missing from un_roll_calls",
                     lambda row, line: error("E207", path=vpath, line=line, column="rcid",
                                             value=f"{row['rcid']} (not in {rpath.name})"))
    skipped = dict(bad_v.counts)
    for k, n in bad_r.counts.items():
        skipped[f"roll calls: {k}"] = n
    files = [vpath, rpath] + ([ipath] if ipath is not None else [])
    return VoteData(_finish_rollcalls(rc), _finish_votes(v, "unvotes", vline), "unvotes", files,
                    skipped, bad_v.rows + bad_r.rows)


def read_voeten(path: str | Path, *, on_bad_rows: str = "error") -> VoteData:
    """Read Voeten's Dataverse ``UNVotes`` file (CSV, .tab or .RData); see the module docstring.

    States are mapped by ``ccode`` (COW number), falling back to ``Country`` (COW abbreviation)
    and ``Countryname``. Votes 8 (absent) and 9 (not a member) are kept as ``absent`` and
    ``nonmember``; indices use only yes/no/abstain.
    """
    path = Path(path)
    df, line_of = _read_table(path)
    if "ms_vote" in df.columns or "country_code" in df.columns:
        raise error("E209", path=path, reason="Voeten columns expected (rcid, ccode, vote "
                    "1/2/3/8/9) but the file has UNDL or unvotes columns")
    _require(df, path, ["rcid", "ccode", "vote"], "Voeten UNVotes")
    bad = _Bad(on_bad_rows, path, line_of)
    df = _checked_ids(df, "rcid", bad)
    df = _codes(df, "vote", _VOETEN_CODES, bad)
    df = bad.wrong_length(df)
    if "date" not in df.columns and "year" not in df.columns:
        raise error("E203", path=path, found=", ".join(df.attrs.get("raw_columns", [])),
                    expected="Voeten UNVotes needs a vote date: column date (or year); "
                    "missing date, year")
    if "date" in df.columns:
        df = _checked_dates(df, "date", bad)
    else:  # only the year is known: 1 January of it
        year = df["year"].astype(str).str.strip().str.replace(r"\.0+$", "", regex=True)
        df = _checked_dates(df.assign(_year=year.where(year.eq(""), year + "-01-01")),
                            "_year", bad, label="year")
    df = _checked_sessions(df, bad)
    df["ccode"] = df["ccode"].astype(str).str.replace(r"\.0$", "", regex=True)
    attempts = [("ccode", "cow_num"), ("Country", "cow_abbr"), ("Countryname", "name")]
    df = _states_to_iso3(df, attempts, bad, "ccode")
    df = _dedupe(df, bad)
    df["state"] = df["Countryname"] if "Countryname" in df.columns else df.get("Country")

    first = df.drop_duplicates("vote_id")
    dates = first["date"]
    flags = [c for c in ISSUES if c in first.columns]
    issue_lists = (
        first[flags].apply(lambda col: col.astype(str).str.strip().isin(["1", "1.0"]))
        .apply(lambda row: [c for c in flags if row[c]], axis=1)
        if flags else pd.Series([[] for _ in range(len(first))], index=first.index)
    )
    rc = pd.DataFrame({
        "vote_id": first["vote_id"], "rcid": first["vote_id"], "body": "GA", "date": dates,
        "session": first["_session"],
        "unres": first.get("unres"), "title": first.get("short"), "descr": first.get("descr"),
        "important": _bool_col(first["importantvote"]) if "importantvote" in first else None,
        "amend": _bool_col(first["amend"]) if "amend" in first else None,
        "para": _bool_col(first["para"]) if "para" in first else None,
        "issues": issue_lists, "source": "voeten", "source_file": path.name,
    })
    rc["symbol"] = _symbol(rc["unres"]) if "unres" in first else None
    for col in ("title", "descr", "unres"):
        if rc[col].dtype == object:
            rc[col] = rc[col].replace("", None)
    return VoteData(_finish_rollcalls(rc), _finish_votes(df, "voeten", line_of), "voeten", [path],
                    dict(bad.counts), bad.rows)


_UNDL_ALIASES = {"ms_codes": "ms_code", "ms_names": "ms_name", "ms_votes": "ms_vote",
                 "resolutions": "resolution", "agenda_titles": "agenda_title"}


def read_undl(path: str | Path, *, body: str | None = None,
              on_bad_rows: str = "error") -> VoteData:
    """Read a UN Digital Library GA or SC voting export; see the module docstring.

    ``body`` ``"GA"``/``"SC"`` overrides detection from the columns. Non-voting (``X``, blank,
    ``NV``) is stored as ``absent``. ``modality`` (where present) gives adoption without a vote.
    """
    path = Path(path)
    df, line_of = _read_table(path)
    df = df.rename(columns=_UNDL_ALIASES)
    if "rcid" in df.columns or "ccode" in df.columns:
        raise error("E209", path=path, reason="UNDL columns expected (undl_id, ms_code, ms_vote) "
                    "but the file has Voeten/unvotes columns (rcid, ccode)")
    _require(df, path, ["undl_id", "ms_code", "ms_vote", "date", "resolution"], "UNDL export")
    if body is None:
        body = "SC" if ("permanent_member" in df.columns or "description" in df.columns) else "GA"
    body = body.upper()
    if body not in ("GA", "SC"):
        raise error("E012", value=body, option="body", options="GA, SC")
    bad = _Bad(on_bad_rows, path, line_of)
    df = _checked_ids(df, "undl_id", bad, offset=UNDL_OFFSET)
    df["ms_vote"] = df["ms_vote"].astype(str).str.strip().str.upper()
    df = _codes(df, "ms_vote", _UNDL_CODES, bad)
    df = bad.wrong_length(df)
    df = _checked_dates(df, "date", bad)
    df = _checked_sessions(df, bad)
    df = _checked_counts(df, ["total_yes", "total_no", "total_abstentions",
                              "total_non_voting", "total_ms"], bad)
    df = df.rename(columns={"ms_name": "state"})
    df = _states_to_iso3(df, [("ms_code", "iso3"), ("state", "name")], bad, "ms_code")
    df = _dedupe(df, bad)

    first = df.drop_duplicates("vote_id")
    title_col = "title" if "title" in first.columns else "description"
    agenda_col = "agenda_title" if "agenda_title" in first.columns else "agenda"

    def col(name: str) -> Any:
        return first[name].replace("", None) if name in first.columns else None

    modality = None
    if "modality" in first.columns:
        low = first["modality"].str.lower()
        modality = np.where(low.str.contains("without"), "without_vote",
                            np.where(low.str.strip() == "", None, "recorded"))
    rc = pd.DataFrame({
        "vote_id": first["vote_id"], "undl_id": first["vote_id"] - UNDL_OFFSET, "body": body,
        "date": first["date"], "session": first["_session"],
        "symbol": col("resolution"), "unres": col("resolution"),
        "title": col(title_col), "agenda": col(agenda_col), "subjects": col("subjects"),
        "meeting": col("meeting"), "draft": col("draft"), "url": col("undl_link"),
        "modality": modality,
        "total_yes": _int_col(first["total_yes"]) if "total_yes" in first else None,
        "total_no": _int_col(first["total_no"]) if "total_no" in first else None,
        "total_abstain": _int_col(first["total_abstentions"])
        if "total_abstentions" in first else None,
        "total_nonvoting": _int_col(first["total_non_voting"])
        if "total_non_voting" in first else None,
        "issues": [[] for _ in range(len(first))],
        "source": f"undl-{body.lower()}", "source_file": path.name,
    })
    return VoteData(_finish_rollcalls(rc), _finish_votes(df, f"undl-{body.lower()}", line_of),
                    f"undl-{body.lower()}", [path], dict(bad.counts), bad.rows)


def detect_format(path: str | Path) -> str:
    """``'unvotes'``, ``'voeten'`` or ``'undl'`` from a file's columns (E203 when none fits)."""
    df, _ = _read_table(Path(path))
    cols = set(df.columns)
    if {"undl_id", "ms_vote"} <= cols or {"undl_id", "ms_votes"} <= cols:
        return "undl"
    if {"rcid", "ccode", "vote"} <= cols:
        return "voeten"
    if {"rcid", "country", "vote"} <= cols:
        return "unvotes"
    raise error("E203", path=path, found=", ".join(sorted(cols - {"_row"})),
                expected="unvotes (rcid, country, country_code, vote), Voeten (rcid, ccode, "
                "vote, …), UN Digital Library (undl_id, ms_code, ms_vote, date, resolution, …)")


# ----------------------------------------------------------------------------- storing
def _digest(paths: Iterable[Path]) -> str:
    """SHA-256 of the files' bytes one after the other (one file: its own SHA-256, as
    :func:`bilat.sources.core.sha256_file`); E202 when one cannot be read."""
    paths = list(paths)
    if len(paths) == 1:
        return sha256_file(paths[0])
    h = hashlib.sha256()
    for p in paths:
        try:
            with Path(p).open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        except OSError as exc:
            raise error("E202", path=p, fmt="a vote file", reason=exc.strerror or str(exc)) \
                from exc
    return h.hexdigest()


def _unchanged(store: Store, paths: list[Path], source: str) -> IngestResult | None:
    """The result of a re-run that adds nothing, decided from content hashes alone (before
    parsing), or ``None`` when the files must be read."""
    key = "+".join(p.name for p in paths)
    if store.has_table("ingest_log") and store.already_ingested(KIND, key, _digest(paths)):
        return IngestResult(source=source, key=key, unchanged=True)
    return None


def store_votes(store: Store, data: VoteData, *, on_bad_rows: str = "error",
                origin: str | None = None) -> IngestResult:
    """Add ``data`` to the store in one transaction; idempotent by content hash.

    A (vote, state) already stored with the same vote is not added again; with a different
    vote it is E208 (or skipped and counted). Roll calls already stored keep their stored
    metadata. Nothing stored is replaced or lost.
    """
    on_bad_rows = _check_mode(on_bad_rows)
    key = "+".join(p.name for p in data.files)
    sha = _digest(data.files)
    result = IngestResult(source=data.source, key=key, skipped=dict(data.skipped))
    if store.already_ingested(KIND, key, sha):
        result.unchanged = True
        return result
    try:
        _store_votes(store, data, on_bad_rows, origin, key, sha, result)
    except BilatError:
        raise
    except OSError as exc:
        if getattr(exc, "errno", None) == 28:
            raise error("E019", path=store.path or data.files[0],
                        reason="no space left on device") from exc
        raise error("E202", path=data.files[0], fmt="a vote file",
                    reason=exc.strerror or str(exc)) from exc
    except Exception as exc:  # DuckDB: one line with the first (real) cause
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "no space left" in msg.lower():
            raise error("E019", path=store.path or data.files[0],
                        reason="no space left on device") from exc
        raise error("E202", path=data.files[0], fmt=f"{data.source} votes for the store",
                    reason=msg[:300]) from exc
    return result


def _store_votes(store: Store, data: VoteData, on_bad_rows: str, origin: str | None,
                 key: str, sha: str, result: IngestResult) -> None:
    con = store.con
    votes = data.votes
    rollcalls = data.rollcalls.assign(session=pd.Series(
        [_session_text(v) for v in data.rollcalls["session"]], index=data.rollcalls.index,
        dtype=object))
    with store.transaction():
        ensure_schema(store)
        con.register("_new_votes", votes)
        con.register("_new_rollcalls", rollcalls)
        try:
            clash = con.execute(
                """SELECT n.vote_id, n.iso3, n.vote, s.vote AS stored, n._line
                   FROM _new_votes n JOIN un_votes s USING (vote_id, iso3)
                   WHERE n.vote <> s.vote ORDER BY n._line LIMIT 1"""
            ).fetchall()
            n_clash = 0
            if clash:
                if on_bad_rows == "error":
                    vid, iso, new, stored, line = clash[0]
                    raise error("E208", path=data.files[0], line=line, state=iso, vote_id=vid,
                                stored=stored, value=new)
                n_clash = con.execute(
                    """SELECT count(*) FROM _new_votes n JOIN un_votes s USING (vote_id, iso3)
                       WHERE n.vote <> s.vote"""
                ).fetchone()[0]
                result.skipped["contradicts stored vote"] = int(n_clash)
            same = con.execute(
                """SELECT count(*) FROM _new_votes n JOIN un_votes s USING (vote_id, iso3)
                   WHERE n.vote = s.vote"""
            ).fetchone()[0]
            result.already_stored = int(same)
            before = con.execute("SELECT count(*) FROM un_votes").fetchone()[0]
            con.execute(
                f"""INSERT INTO un_votes SELECT {", ".join("n." + c for c in _VOTE_COLS)}
                    FROM _new_votes n ANTI JOIN un_votes s USING (vote_id, iso3)"""
            )
            result.votes_added = con.execute("SELECT count(*) FROM un_votes").fetchone()[0] - before
            before = con.execute("SELECT count(*) FROM un_rollcalls").fetchone()[0]
            cols = ", ".join(_ROLLCALL_COLS)
            con.execute(
                f"""INSERT INTO un_rollcalls ({cols})
                    SELECT {cols} FROM _new_rollcalls n
                    WHERE n.vote_id NOT IN (SELECT vote_id FROM un_rollcalls)"""
            )
            result.rollcalls_added = (
                con.execute("SELECT count(*) FROM un_rollcalls").fetchone()[0] - before
            )
            if on_bad_rows == "quarantine" and data.set_aside:
                con.execute(_BAD_ROWS_DDL)
                now = datetime.now(UTC).replace(tzinfo=None)
                con.executemany("INSERT INTO bad_rows VALUES (?, ?, ?, ?, ?, ?)",
                                [(KIND, f, line, reason, raw, now)
                                 for f, line, reason, raw in data.set_aside])
            store.record_ingest(KIND, key, sha, result.votes_added,
                                skipped=sum(result.skipped.values()), source=origin)
        finally:
            con.unregister("_new_votes")
            con.unregister("_new_rollcalls")


def ingest_file(store: Store, path: str | Path, *, fmt: str = "auto", body: str | None = None,
                on_bad_rows: str = "error") -> IngestResult:
    """Read one Voeten or UNDL file (format detected unless ``fmt`` given) and store it.

    A file whose content is already stored is recognised by its hash before it is parsed."""
    on_bad_rows = _check_mode(on_bad_rows)
    if fmt in ("voeten", "undl") and (done := _unchanged(store, [Path(path)], fmt)):
        return done
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt in ("voeten", "undl") and (done := _unchanged(store, [Path(path)], fmt)):
        return done
    if fmt == "voeten":
        data = read_voeten(path, on_bad_rows=on_bad_rows)
    elif fmt == "undl":
        data = read_undl(path, body=body, on_bad_rows=on_bad_rows)
    elif fmt == "unvotes":
        p = Path(path)
        rc = _sibling(p, "un_roll_calls")
        if rc is None:
            raise error("E011", path="un_roll_calls.csv", mirror=p.parent)
        trio = [p, rc] + [x for x in [_sibling(p, "un_roll_call_issues")] if x is not None]
        if done := _unchanged(store, trio, "unvotes"):
            return done
        data = read_unvotes(*trio, on_bad_rows=on_bad_rows)
    else:
        raise error("E012", value=fmt, option="--format", options="auto, unvotes, voeten, undl")
    return store_votes(store, data, on_bad_rows=on_bad_rows, origin=str(path))


def _sibling(path: Path, stem: str) -> Path | None:
    for suffix in (".csv", ".rda"):
        cand = path.with_name(stem + suffix)
        if cand.is_file():
            return cand
    return None


def _unvotes_paths(mirror: Path, folder: str) -> list[Path] | None:
    """The three unvotes files under ``<mirror>/<folder>`` (.csv or .rda), jailed."""
    paths = []
    for stem in UNVOTES_FILES:
        found = None
        for suffix in (".csv", ".rda"):
            cand = mirror_file(mirror, folder, stem + suffix, must_exist=False)
            if cand.is_file():
                found = cand
                break
        if found is None:
            return None
        paths.append(found)
    return paths


def fetch_unvotes(
    mirror: str | Path | None = None,
    store: Store | None = None,
    *,
    cache_dir: str | Path | None = None,
    base_url: str = UNVOTES_URL,
    on_bad_rows: str = "error",
) -> list[IngestResult]:
    """Ingest the unvotes release, from ``<mirror>/unga/`` or downloaded from GitHub.

    The mirror folder (``--mirror``/``BILAT_MIRROR``) is laid out like ``../shared/data``:
    ``<mirror>/unga/un_votes.csv`` (or ``.rda``), ``un_roll_calls``, ``un_roll_call_issues``.
    UN Digital Library exports found there as ``*ga_voting*.csv`` / ``*sc_voting*.csv`` are
    ingested too. Every path resolves inside the mirror or is refused (E011: ``..``, links
    that lead out). Online, the three ``.rda`` files of the pinned unvotes commit are
    downloaded from ``base_url`` into ``cache_dir`` (default: beside the store; resumed when
    cut off) and read with pyreadr. Files whose content is already stored are recognised by
    their hashes before they are parsed, so a re-run that adds nothing is quick.
    ``on_bad_rows``: ``error`` (or ``fail``), ``skip`` or ``quarantine``.
    """
    from bilat.sources.core import download
    from bilat.store import open_store

    mode = _check_mode(on_bad_rows)
    st = store if store is not None else open_store()
    folder = resolve_mirror(mirror)
    results: list[IngestResult] = []
    if folder is not None:
        sub = "unga" if mirror_file(folder, "unga", must_exist=False).is_dir() else ""
        paths = _unvotes_paths(folder, sub)
        if paths is None:
            raise error("E011", path="unga/un_votes.csv", mirror=folder)
        origin = str(mirror_file(folder, sub))
        done = _unchanged(st, paths, "unvotes")
        if done is None:
            data = read_unvotes(*paths, on_bad_rows=mode)
            done = store_votes(st, data, on_bad_rows=mode, origin=origin)
        results.append(done)
        extras = find_in_mirror(folder, sub, ["*ga_voting*.csv", "*sc_voting*.csv"])
        for extra in sorted(set(extras)):
            body = "SC" if "sc_voting" in extra.name else "GA"
            results.append(ingest_file(st, extra, fmt="undl", body=body, on_bad_rows=mode))
        return results
    cache = Path(cache_dir) if cache_dir is not None else st.data_dir / "unvotes"
    paths = []
    for stem in UNVOTES_FILES:
        target = cache / f"{stem}.rda"
        if not target.is_file():
            download(base_url.rstrip("/") + f"/{stem}.rda", target, timeout=60.0)
        paths.append(target)
    done = _unchanged(st, paths, "unvotes")
    if done is None:
        data = read_unvotes(*paths, on_bad_rows=mode)
        done = store_votes(st, data, on_bad_rows=mode, origin=base_url)
    results.append(done)
    return results


# ----------------------------------------------------------------------------- State Dept tables
def read_statedept_coincidence(path: str | Path) -> pd.DataFrame:
    """One State Department voting-coincidence table (``un-coincidence-YYYY.csv``), normalised.

    Columns out: ``country``, ``iso3`` (the table's ISO column, else the name mapped with
    :mod:`bilat.reference.countries`), ``same``, ``opposite``, ``partial`` (2017+: abstention
    against a yes/no; null before), ``abstain`` (2013–2016: the state's abstentions), ``absent``,
    ``coincidence`` (a share, 0–1, as published, rounded to 2 decimals).
    Column order varies by year and 2023 writes ``OPPOSE``; columns are matched by name.
    """
    path = Path(path)
    df, line_of = _read_table(path)
    df.columns = [c.strip().upper() for c in df.columns]
    df = df.rename(columns={"OPPOSE": "OPPOSITE", "_ROW": "_row"})
    _require(df, path, ["COUNTRY", "SAME", "OPPOSITE", "COINCIDENCE"], "State Dept table")
    out = pd.DataFrame({"country": df["COUNTRY"].str.strip()})
    for col in ("SAME", "OPPOSITE", "PARTIAL", "ABSTAIN", "ABSENT"):
        out[col.lower()] = _int_col(df[col]) if col in df.columns else pd.NA
    out["coincidence"] = pd.to_numeric(df["COINCIDENCE"].str.rstrip("%"), errors="coerce")
    if (out["coincidence"] > 1).any():
        out["coincidence"] = out["coincidence"] / 100
    by_name = out["country"].map(_map_states(out["country"].unique(), "name"))
    if "ISO" in df.columns:
        # the table's own ISO codes, checked: 2018 writes GRO for Greece; then the name decides
        iso = df["ISO"].str.strip().str.upper()
        known = iso.map(_map_states(iso.unique(), "iso3"))
        out["iso3"] = known.where(known.notna(), by_name)
        out["iso_as_published"] = iso.replace("", None)
    else:
        out["iso3"] = by_name
        out["iso_as_published"] = None
    return out[["country", "iso3", "iso_as_published", "same", "opposite", "partial", "abstain",
                "absent", "coincidence"]]
