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

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bilat.config import resolve_mirror
from bilat.errors import BilatError, error
from bilat.store import Store

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
        date DATE, year INTEGER, session INTEGER, symbol VARCHAR, unres VARCHAR,
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
    """Create the vote tables and view if they are missing (idempotent)."""
    for ddl in _DDL:
        store.con.execute(ddl)


# ----------------------------------------------------------------------------- results
@dataclass
class VoteData:
    """Normalised roll calls and country votes read from one source, before they are stored."""

    rollcalls: pd.DataFrame
    votes: pd.DataFrame
    source: str
    files: list[Path]
    skipped: dict[str, int] = field(default_factory=dict)

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
def _check_mode(on_bad_rows: str) -> None:
    if on_bad_rows not in ("error", "skip"):
        raise error("E215", value=on_bad_rows)


class _Bad:
    """Collects bad rows: raise on the first under ``error``, count and drop under ``skip``."""

    def __init__(self, mode: str, path: Path, line_of: Callable[[int], int]) -> None:
        _check_mode(mode)
        self.mode = mode
        self.path = path
        self.line_of = line_of
        self.counts: dict[str, int] = {}

    def handle(self, df: pd.DataFrame, mask: pd.Series, reason: str,
               make: Callable[[Any, int], BilatError]) -> pd.DataFrame:
        """Rows of ``df`` where ``mask`` is true are bad: raise for the first one, or drop all."""
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return df
        if self.mode == "error":
            idx = mask[mask].index[0]
            raise make(df.loc[idx], self.line_of(int(df.loc[idx, "_row"])))
        self.counts[reason] = self.counts.get(reason, 0) + int(mask.sum())
        return df.loc[~mask]


def _csv_line(row: int) -> int:
    """File line of 0-based data row ``row`` (header is line 1; exact without embedded newlines)."""
    return row + 2


def _rda_line(row: int) -> int:
    """Row number (1-based) in an R data frame, reported where a CSV would give a line."""
    return row + 1


def _read_table(path: Path, *, sep: str | None = None,
                allow_empty: bool = False) -> tuple[pd.DataFrame, Callable]:
    """Read a CSV/TSV or R data file as all-text columns; E201 empty, E202 unreadable.

    ``allow_empty`` accepts a header without rows (an issue table may code nothing).
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
    else:
        if sep is None:
            sep = "\t" if suffix in (".tab", ".tsv") else ","
        try:
            df = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False,
                             na_values=[], encoding="utf-8-sig")
        except pd.errors.EmptyDataError as exc:
            raise error("E201", path=path) from exc
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            reason = str(exc).strip().splitlines()[0]
            raise error("E202", path=path, fmt="CSV", reason=reason) from exc
        line_of = _csv_line
    if df.empty and not (allow_empty and len(df.columns)):
        raise error("E201", path=path)
    df = df.reset_index(drop=True)
    df.columns = [str(c).strip() for c in df.columns]
    df["_row"] = np.arange(len(df))
    return df, line_of


def _text(value: Any) -> str:
    """A cell as text: '' for missing, integral floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _int_col(s: pd.Series) -> pd.Series:
    """Text → nullable Int64 ('3.0' allowed, as the unvotes CSV writes rcid); bad → <NA>."""
    num = pd.to_numeric(s.replace("", None), errors="coerce")
    ok = num.notna() & (num == np.floor(num.fillna(0)))
    return num.where(ok).astype("Int64")


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


def _checked_dates(df: pd.DataFrame, column: str, bad: _Bad) -> pd.DataFrame:
    parsed = pd.to_datetime(df[column].replace("", None), errors="coerce", format="mixed")
    df = df.assign(date=parsed)
    return bad.handle(
        df, parsed.isna(), f"invalid {column}",
        lambda r, line: error("E207", path=bad.path, line=line, column=column, value=r[column]),
    )


def _checked_ids(df: pd.DataFrame, column: str, bad: _Bad, offset: int = 0) -> pd.DataFrame:
    ids = _int_col(df[column])
    df = df.assign(vote_id=ids + offset if offset else ids)
    df = bad.handle(
        df, ids.isna(), f"invalid {column}",
        lambda r, line: error("E207", path=bad.path, line=line, column=column, value=r[column]),
    )
    df["vote_id"] = df["vote_id"].astype("int64")
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
    v = v.rename(columns={"country": "state"})
    v = _states_to_iso3(v, [("country_code", "iso2"), ("state", "name")], bad_v, "state")
    v = _dedupe(v, bad_v)

    r, rline = _read_table(rpath)
    _require(r, rpath, ["rcid", "session", "date"], "unvotes un_roll_calls")
    bad_r = _Bad(on_bad_rows, rpath, rline)
    r = _checked_ids(r, "rcid", bad_r)
    r = _checked_dates(r, "date", bad_r)
    dup = r.duplicated("vote_id")
    r = bad_r.handle(r, dup, "duplicate roll call", lambda row, line: error(
        "E205", path=rpath, line=line, state="(roll call)", vote_id=row["vote_id"],
        first=rline(int(r.loc[(r["vote_id"] == row["vote_id"]) & ~dup, "_row"].iloc[0]))))
    rc = pd.DataFrame({
        "vote_id": r["vote_id"], "rcid": r["vote_id"], "body": "GA", "date": r["date"],
        "session": _int_col(r["session"]), "unres": r.get("unres", pd.Series(dtype=str)),
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
        i = bad_i.handle(i, ~i["short_name"].isin(ISSUES), "unknown issue code",
                         lambda row, line: error("E204", path=ipath, line=line,
                                                 value=row["short_name"], column="short_name",
                                                 options=", ".join(ISSUES)))
        for vid, grp in i.groupby("vote_id")["short_name"]:
            codes[int(vid)] = sorted(set(grp))
        bad_r.counts.update({f"issues: {k}": n for k, n in bad_i.counts.items()})
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
                    skipped)


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
    df["ccode"] = df["ccode"].astype(str).str.replace(r"\.0$", "", regex=True)
    attempts = [("ccode", "cow_num"), ("Country", "cow_abbr"), ("Countryname", "name")]
    df = _states_to_iso3(df, attempts, bad, "ccode")
    df = _dedupe(df, bad)
    df["state"] = df["Countryname"] if "Countryname" in df.columns else df.get("Country")

    first = df.drop_duplicates("vote_id")
    if "date" in first.columns:
        dates = pd.to_datetime(first["date"].replace("", None), errors="coerce", format="mixed")
    else:
        dates = pd.to_datetime(first["year"] + "-01-01", errors="coerce")
    flags = [c for c in ISSUES if c in first.columns]
    issue_lists = (
        first[flags].apply(lambda col: col.astype(str).str.strip().isin(["1", "1.0"]))
        .apply(lambda row: [c for c in flags if row[c]], axis=1)
        if flags else pd.Series([[] for _ in range(len(first))], index=first.index)
    )
    rc = pd.DataFrame({
        "vote_id": first["vote_id"], "rcid": first["vote_id"], "body": "GA", "date": dates,
        "session": _int_col(first["session"]) if "session" in first else None,
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
                    dict(bad.counts))


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
    df = _checked_dates(df, "date", bad)
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
        "date": first["date"], "session": _int_col(first["session"]) if "session" in first
        else None, "symbol": col("resolution"), "unres": col("resolution"),
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
                    f"undl-{body.lower()}", [path], dict(bad.counts))


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
    h = hashlib.sha256()
    for p in paths:
        with Path(p).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def store_votes(store: Store, data: VoteData, *, on_bad_rows: str = "error",
                origin: str | None = None) -> IngestResult:
    """Add ``data`` to the store in one transaction; idempotent by content hash.

    A (vote, state) already stored with the same vote is not added again; with a different
    vote it is E208 (or skipped and counted). Roll calls already stored keep their stored
    metadata. Nothing stored is replaced or lost.
    """
    _check_mode(on_bad_rows)
    ensure_schema(store)
    key = "+".join(p.name for p in data.files)
    sha = _digest(data.files)
    result = IngestResult(source=data.source, key=key, skipped=dict(data.skipped))
    if store.already_ingested(KIND, key, sha):
        result.unchanged = True
        return result
    con = store.con
    votes = data.votes
    rollcalls = data.rollcalls
    with store.transaction():
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
            store.record_ingest(KIND, key, sha, result.votes_added,
                                skipped=sum(result.skipped.values()), source=origin)
        finally:
            con.unregister("_new_votes")
            con.unregister("_new_rollcalls")
    return result


def ingest_file(store: Store, path: str | Path, *, fmt: str = "auto", body: str | None = None,
                on_bad_rows: str = "error") -> IngestResult:
    """Read one Voeten or UNDL file (format detected unless ``fmt`` given) and store it."""
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt == "voeten":
        data = read_voeten(path, on_bad_rows=on_bad_rows)
    elif fmt == "undl":
        data = read_undl(path, body=body, on_bad_rows=on_bad_rows)
    elif fmt == "unvotes":
        p = Path(path)
        rc = _sibling(p, "un_roll_calls")
        if rc is None:
            raise error("E011", path="un_roll_calls.csv", mirror=p.parent)
        data = read_unvotes(p, rc, _sibling(p, "un_roll_call_issues"), on_bad_rows=on_bad_rows)
    else:
        raise error("E012", value=fmt, option="--format", options="auto, unvotes, voeten, undl")
    return store_votes(store, data, on_bad_rows=on_bad_rows, origin=str(path))


def _sibling(path: Path, stem: str) -> Path | None:
    for suffix in (".csv", ".rda"):
        cand = path.with_name(stem + suffix)
        if cand.is_file():
            return cand
    return None


def _unvotes_paths(folder: Path) -> list[Path] | None:
    paths = [_sibling(folder / "x", stem) for stem in UNVOTES_FILES]
    return None if any(p is None for p in paths) else paths  # type: ignore[return-value]


def _download(url: str, target: Path, timeout: float = 60.0) -> Path:
    """Download ``url`` to ``target`` atomically (E010 on failure)."""
    import requests

    tmp = target.with_name(target.name + ".part")
    try:
        with requests.get(url, stream=True, timeout=timeout) as resp:
            resp.raise_for_status()
            with tmp.open("wb") as fh:
                for chunk in resp.iter_content(1 << 16):
                    fh.write(chunk)
    except (requests.RequestException, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise error("E010", url=url, reason=str(exc).splitlines()[0]) from exc
    tmp.replace(target)
    return target


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
    ingested too. Online, the three ``.rda`` files of the pinned unvotes commit are downloaded
    from ``base_url`` into ``cache_dir`` (default: beside the store) and read with pyreadr.
    """
    from bilat.store import open_store

    st = store if store is not None else open_store()
    folder = resolve_mirror(mirror)
    results: list[IngestResult] = []
    if folder is not None:
        unga = folder / "unga" if (folder / "unga").is_dir() else folder
        paths = _unvotes_paths(unga)
        if paths is None:
            raise error("E011", path="unga/un_votes.csv", mirror=folder)
        data = read_unvotes(*paths, on_bad_rows=on_bad_rows)
        results.append(store_votes(st, data, on_bad_rows=on_bad_rows, origin=str(unga)))
        extras = list(unga.glob("*ga_voting*.csv")) + list(unga.glob("*sc_voting*.csv"))
        for extra in sorted(extras):
            body = "SC" if "sc_voting" in extra.name else "GA"
            results.append(ingest_file(st, extra, fmt="undl", body=body, on_bad_rows=on_bad_rows))
        return results
    cache = Path(cache_dir) if cache_dir is not None else st.data_dir / "unvotes"
    cache.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem in UNVOTES_FILES:
        target = cache / f"{stem}.rda"
        if not target.is_file():
            _download(base_url.rstrip("/") + f"/{stem}.rda", target)
        paths.append(target)
    data = read_unvotes(*paths, on_bad_rows=on_bad_rows)
    results.append(store_votes(st, data, on_bad_rows=on_bad_rows, origin=base_url))
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
