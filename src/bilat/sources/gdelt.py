"""GDELT event exports (1.0 and 2.0): formats, reading, atomic ingest, and download.

GDELT files are tab-separated, UTF-8, without header; the version is told by the field count:

- GDELT 1.0 backfile (monthly ``YYYYMM.zip`` / yearly ``YYYY.zip``, events before April 2013):
  57 fields, no ``SOURCEURL``.
- GDELT 1.0 daily (``YYYYMMDD.export.CSV.zip``, from 1 April 2013): 58 fields (57 + SOURCEURL).
- GDELT 2.0 (``YYYYMMDDHHMMSS.export.CSV.zip``, every 15 minutes from February 2015): 61 fields;
  each geography block gains ``ADM2Code``; ``DATEADDED`` is YYYYMMDDHHMMSS (1.0: YYYYMMDD).

Codebooks: "GDELT Event Database Data Format Codebook V2.0" (2015) and "GDELT 1.0 Event
Database Data Format Codebook" (2013), http://data.gdeltproject.org/documentation/ ; event
codes follow CAMEO 1.1b3 (see :mod:`bilat.reference.cameo`).

Fields yielded (the store's ``gdelt_events`` view; upstream names kept exactly so the same
query runs on BigQuery's ``gdelt-bq.gdeltv2.events``):

- ``GLOBALEVENTID`` (int64, GDELT's event id), ``SQLDATE`` (int YYYYMMDD, event date as
  reported), ``MonthYear`` (int YYYYMM), ``Year`` (int), ``FractionDate`` (float, year + day
  fraction).
- ``Actor1Code``, ``Actor1Name``, ``Actor1CountryCode`` (CAMEO 3-letter country, e.g. RUS, CHN;
  kept as given), ``Actor1KnownGroupCode``, ``Actor1EthnicCode``, ``Actor1Religion1Code``,
  ``Actor1Religion2Code``, ``Actor1Type1Code``/``Type2Code``/``Type3Code`` (CAMEO actor types:
  GOV, MIL, …) — and the same ten for ``Actor2``; all strings, empty = NULL.
- ``IsRootEvent`` (int 0/1), ``EventCode``/``EventBaseCode``/``EventRootCode`` (CAMEO strings with
  leading zeros, e.g. ``042``), ``QuadClass`` (int 1 verbal cooperation, 2 material
  cooperation, 3 verbal conflict, 4 material conflict), ``GoldsteinScale`` (float -10…+10).
- ``NumMentions``, ``NumSources``, ``NumArticles`` (int, counts in the first 15 minutes (2.0) /
  day (1.0) of coverage), ``AvgTone`` (float, -100…+100, mean tone of the documents).
- ``Actor1Geo_*``, ``Actor2Geo_*``, ``ActionGeo_*``: ``Type`` (int 1 country … 5 world city),
  ``FullName``, ``CountryCode`` (FIPS 10-4: CH = China, RS = Russia), ``ADM1Code``, ``ADM2Code``
  (2.0 only; NULL for 1.0), ``Lat``/``Long`` (float degrees), ``FeatureID`` (string).
- ``DATEADDED`` (int64: YYYYMMDD in 1.0, YYYYMMDDHHMMSS in 2.0), ``SOURCEURL`` (str; NULL for
  the 1.0 backfile).
- bilat's own: ``gdelt_version`` (int 1 or 2), ``source_file`` (upstream file name the row came
  from, e.g. ``20191024143000.export.CSV``).

Storage: each ingest batch (up to ~768 MB of CSV, many upstream files) is parsed by DuckDB
straight into one Parquet folder ``store.data_dir/gdelt/part-…/`` (one zstd file per writer
thread) under a temporary name, renamed, and listed in table ``gdelt_parts`` in the same
DuckDB transaction as the ``ingest_log`` rows and the ``gdelt_events`` view over all listed
parts; folders never listed there are invisible and removed on the next ingest, so a failed or
interrupted ingest leaves the store as it was. The same transaction adds each part's per-day
country volumes to table ``gdelt_volume`` (SQLDATE, gdelt_version, IsRootEvent, CAMEO country
code, events with that code as Actor1 or Actor2, each event once): the denominators of the
dyad indicators, read there instead of rescanning every event (:func:`volume_summary`).

One pass per batch (``benchmarks/bench_ingest.py`` times it against a plain DuckDB COPY):
the COPY that writes the Parquet reads the integer columns as text and keeps only plain
decimal integers (strict integers); the writer's own column statistics (null and NaN counts,
min, max) and the part's distinct (SQLDATE, DATEADDED) pairs then tell exactly whether any
row is out of the domain (:data:`DOMAINS`, calendar dates in integer arithmetic) — for a
clean batch no row is tested one by one — and only a part that holds such rows is written
again without them, before it is registered. Every line of a file is then stored, rejected
by the reader (named with its line), left out by the checks, or blank, and only a file whose
counts fall short of its lines is read again to name the lines left out. The SHA-256 (and
line count) of a file never met before is computed in a thread while DuckDB parses; a copy
of stored content under a new name found that way is set aside and the batch parsed again
without it. Each part is then summarised in
one grouped scan for the dyad-day cells and one for the country-day volumes
(:func:`bilat.store.dyad_day.stage_gdelt`), staged before the transaction that writes them
with the part.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilat.config import resolve_mirror
from bilat.errors import BilatError, error
from bilat.sources.core import _BAD_ROWS_DDL, check_on_bad_rows, mirror_file
from bilat.store import Store, dyad_day

if TYPE_CHECKING:  # pragma: no cover - pandas is imported by the functions building frames,
    # so the query path (views, coverage) does not load it
    import pandas as pd

# ----------------------------------------------------------------------------- formats
_ACTOR = [
    "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
    "Religion2Code", "Type1Code", "Type2Code", "Type3Code",
]
_EVENT = [
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
]
_GEO_V1 = ["Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID"]
_GEO_V2 = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]


def _fields(geo: list[str], sourceurl: bool) -> list[str]:
    names = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    names += [f"Actor1{f}" for f in _ACTOR] + [f"Actor2{f}" for f in _ACTOR] + _EVENT
    for prefix in ("Actor1Geo_", "Actor2Geo_", "ActionGeo_"):
        names += [prefix + f for f in geo]
    names.append("DATEADDED")
    if sourceurl:
        names.append("SOURCEURL")
    return names


#: GDELT 1.0 historical backfile (before April 2013): 57 fields.
FIELDS_V1_BACKFILE: list[str] = _fields(_GEO_V1, sourceurl=False)
#: GDELT 1.0 daily files (from April 2013): 58 fields.
FIELDS_V1_DAILY: list[str] = _fields(_GEO_V1, sourceurl=True)
#: GDELT 2.0 15-minute files: 61 fields.
FIELDS_V2: list[str] = _fields(_GEO_V2, sourceurl=True)
#: bilat's columns added to every stored row.
BILAT_COLUMNS: list[str] = ["gdelt_version", "source_file"]
#: Columns of the store's ``gdelt_events`` view, in order.
STORE_COLUMNS: list[str] = FIELDS_V2 + BILAT_COLUMNS

_INT = {"SQLDATE", "MonthYear", "Year", "IsRootEvent", "QuadClass", "NumMentions",
        "NumSources", "NumArticles", "Actor1Geo_Type", "Actor2Geo_Type", "ActionGeo_Type"}
_BIGINT = {"GLOBALEVENTID", "DATEADDED"}
_DOUBLE = {"FractionDate", "GoldsteinScale", "AvgTone", "Actor1Geo_Lat", "Actor1Geo_Long",
           "Actor2Geo_Lat", "Actor2Geo_Long", "ActionGeo_Lat", "ActionGeo_Long"}


def column_type(name: str) -> str:
    """DuckDB type of a GDELT column (as in BigQuery's gdelt-bq schema; codes stay strings)."""
    if name in _BIGINT:
        return "BIGINT"
    if name in _INT:
        return "INTEGER"
    if name in _DOUBLE:
        return "DOUBLE"
    if name == "gdelt_version":
        return "TINYINT"
    return "VARCHAR"


@dataclass(frozen=True)
class Layout:
    """One upstream file layout: its GDELT version, name and field list."""

    version: int
    name: str
    fields: tuple[str, ...]

    @property
    def n_fields(self) -> int:
        """How many tab-separated fields a row of this layout has."""
        return len(self.fields)

    @property
    def dateadded_format(self) -> str:
        """strptime format of DATEADDED in this layout."""
        return "%Y%m%d%H%M%S" if self.version == 2 else "%Y%m%d"


LAYOUTS: dict[int, Layout] = {
    57: Layout(1, "GDELT 1.0 backfile", tuple(FIELDS_V1_BACKFILE)),
    58: Layout(1, "GDELT 1.0 daily", tuple(FIELDS_V1_DAILY)),
    61: Layout(2, "GDELT 2.0", tuple(FIELDS_V2)),
}
ON_BAD_ROWS = ("fail", "skip", "quarantine")
_KIND = "gdelt"

#: Wall seconds per ingest stage, added up while this is a dict (``benchmarks/bench_ingest.py``
#: sets it to ``{}`` to show where an ingest's time goes); ``None``: not measured. The
#: process CPU seconds of each stage (all threads) are added under ``"<stage> [cpu]"``.
STAGE_TIMES: dict[str, float] | None = None


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@contextlib.contextmanager
def _timed(stage: str) -> Iterator[None]:
    """Add the wall (and CPU) time of the block to :data:`STAGE_TIMES` under ``stage`` (when
    measuring)."""
    if STAGE_TIMES is None:
        yield
        return
    t, c = time.perf_counter(), _cpu()
    try:
        yield
    finally:
        STAGE_TIMES[stage] = STAGE_TIMES.get(stage, 0.0) + time.perf_counter() - t
        cpu = f"{stage} [cpu]"
        STAGE_TIMES[cpu] = STAGE_TIMES.get(cpu, 0.0) + _cpu() - c


def detect_layout(n_fields: int) -> Layout | None:
    """The layout with this many fields (57, 58 or 61), else ``None``."""
    return LAYOUTS.get(n_fields)


def detect_version(path: str | Path) -> Layout:
    """Tell a file's GDELT layout from the field counts of its first lines (zip or plain)."""
    with _opened(Path(path)) as members:
        return _sniff(members[0].csv_path, Path(path))[0]


# ----------------------------------------------------------------------------- reading
def read_gdelt(path: str | Path) -> pd.DataFrame:
    """Read one GDELT export (plain or zipped, any version) into a DataFrame of store columns.

    For notebooks and checks; bulk loading goes through :func:`ingest`. Bad rows raise.
    """
    import duckdb
    import pandas as pd

    con = duckdb.connect()
    tmp = Path(tempfile.mkdtemp(prefix="bilat-read-"))
    try:
        with _opened(Path(path)) as members:
            prepared = []
            for m in members:
                csv_path, cr_bad, lines = _normalise_cr(m.csv_path, tmp) if m.has_cr \
                    else (m.csv_path, [], m.lines)
                prepared.append(_Prepared(Path(path), csv_path, m.key, m.sha256,
                                          *_sniff(csv_path, Path(path)), cr_bad, lines))
            parts, _bad, _written = _parse(con, prepared, "fail", tmp, ordered=True)
            cols = ", ".join(f'"{c}"' for c in STORE_COLUMNS)
            if not parts:
                return pd.DataFrame(columns=STORE_COLUMNS)
            return con.execute(f"SELECT {cols} FROM read_parquet({_globs(parts)})").df()
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)


# ----------------------------------------------------------------------------- ingest
@dataclass
class FileResult:
    """What happened to one file in an ingest: status, layout, rows kept and set aside."""

    file: str
    status: str  # ingested | already | empty | failed
    layout: str = ""
    rows: int = 0
    skipped: int = 0
    reason: str = ""
    #: rows whose event (GDELT version, GLOBALEVENTID) was already stored, same content
    already_stored: int = 0
    #: rows whose event was already stored with other content (the stored row is kept)
    changed: int = 0


@dataclass
class IngestReport:
    """Per-file outcome of :func:`ingest`, with totals and the rows set aside by reason."""

    files: list[FileResult] = field(default_factory=list)
    on_bad_rows: str = "fail"
    part: str | None = None

    @property
    def rows(self) -> int:
        """Rows stored by this ingest."""
        return sum(f.rows for f in self.files)

    @property
    def skipped(self) -> int:
        """Rows set aside (skip/quarantine) by this ingest."""
        return sum(f.skipped for f in self.files)

    def to_frame(self) -> pd.DataFrame:
        """One row per file: file, status, layout, rows, skipped, reason."""
        import pandas as pd

        return pd.DataFrame(
            [vars(f) for f in self.files],
            columns=["file", "status", "layout", "rows", "skipped", "reason",
                     "already_stored", "changed"],
        )


@dataclass
class _Prepared:
    original: Path
    csv_path: Path
    key: str
    sha256: str
    layout: Layout
    first_line: str
    cr_bad: list[tuple[int, str]] = field(default_factory=list)
    #: physical lines of ``csv_path`` (blank ones included; -1: not counted): every line is
    #: stored, reported bad, removed by the domain check or blank, so a file whose stored and
    #: reported rows add up to its lines has nothing else to look for
    lines: int = -1
    #: the SHA-256 being computed in a thread (``sha256`` is set when it is in)
    sha_future: Any = None
    #: the file already stored (or met) with the same content, once the hash is in
    dup_of: str = ""


ProgressCallback = Callable[[str, int, int], None]


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    on_bad_rows: str = "fail",
    progress: ProgressCallback | None = None,
    source: str | None = None,
    batch_bytes: int = 768 * 2**20,
) -> IngestReport:
    """Load GDELT export files (1.0 or 2.0, plain or zipped) into the store, atomically.

    Each file is keyed by its upstream name and content hash: re-ingesting adds nothing. Bad
    rows raise a one-line error naming file, line and problem (``on_bad_rows="fail"``), or are
    counted and dropped (``"skip"``) or kept in table ``gdelt_quarantine`` (``"quarantine"``).
    Files are committed in batches of about ``batch_bytes`` of CSV; a failure rolls back the
    current batch only, never anything stored before. ``progress(stage, done, total)`` is
    called per file.
    """
    on_bad_rows = check_on_bad_rows(on_bad_rows)
    files = [Path(p) for p in paths]
    for p in files:
        if not p.is_file():
            raise error("E110", path=p)
    try:
        return _ingest(store, files, on_bad_rows, progress, source, batch_bytes)
    except (BilatError, KeyboardInterrupt):
        raise
    except Exception as exc:  # the boundary: DuckDB and the OS as one line with the cause
        raise _boundary_error(store, files, exc) from exc


def _boundary_error(store: Store, files: list[Path], exc: BaseException) -> BilatError:
    """The one-line error for a failure inside an ingest: a full disk (E019), a damaged part
    of the store (E021), or the file being read and the real cause (E013)."""
    msg = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = msg.lower()
    if getattr(exc, "errno", None) == 28 or "no space left" in low:
        return error("E019", path=store.data_dir, reason="no space left on device")
    folder = store.data_dir / "gdelt"
    if str(folder) in msg:
        part = msg.split(str(folder), 1)[1].strip("/").split("/", 1)[0]
        return error("E021", path=folder / part, part=part, reason=msg[:300])
    if "read-only" in low or "read only" in low:
        return error("E026", path=store.path or store.data_dir, reason=msg[:200])
    shown = next((f for f in files if str(f) in msg), files[0] if len(files) == 1 else None)
    return error("E013", path=shown or ", ".join(f.name for f in files)[:200],
                 fmt="GDELT export", reason=msg[:300])


def _ingest(store: Store, files: list[Path], on_bad_rows: str,
            progress: ProgressCallback | None, source: str | None,
            batch_bytes: int) -> IngestReport:
    from concurrent.futures import ThreadPoolExecutor

    _ensure_tables(store)
    _remove_orphans(store)
    with _timed("CR pre-scan of plain files"):
        scans = _plain_scans(files)
    report = IngestReport(on_bad_rows=on_bad_rows)
    state = _Seen(set(), _stored_contents(store), {r[0] for r in store.con.execute(
        "SELECT DISTINCT key FROM ingest_log WHERE kind = ?", [_KIND]).fetchall()})
    batch: list[_Prepared] = []
    batch_size = 0
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bilat-lf-")))
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)))
        batch_stack = contextlib.ExitStack()
        stack.enter_context(batch_stack)
        for i, path in enumerate(files):
            members = batch_stack.enter_context(_opened(path, scans.get(path)))
            for m in members:
                key, sha = m.key, m.sha256
                empty = m.csv_path.stat().st_size == 0 or not _has_content(m.csv_path)
                if not sha and key not in state.keys and not empty:
                    # a file never met: its SHA-256 is computed in a thread while DuckDB
                    # parses the batch (DuckDB releases the GIL); a copy of stored content
                    # under a new name is caught when the hash is in (_settle_hashes)
                    csv_path, cr_bad, lines = _normalise_cr(m.csv_path, work) if m.has_cr \
                        else (m.csv_path, [], m.lines)
                    shown = path if len(members) == 1 else Path(f"{path}!{key}")
                    layout, first = _sniff(csv_path, shown, on_bad_rows)
                    p = _Prepared(shown, csv_path, key, "", layout, first, cr_bad, lines)
                    p.sha_future = pool.submit(_digest, m.csv_path)
                    batch.append(p)
                    batch_size += csv_path.stat().st_size
                    state.keys.add(key)
                    continue
                if not sha:  # a name met before: its hash decides, now
                    _settle_hashes(batch, state)
                    batch = _drop_copies(batch, report)
                    with _timed("hash files (SHA-256)"):
                        sha, _cr, lines_read = _digest(m.csv_path)
                    if m.lines < 0:
                        m.lines = lines_read
                state.keys.add(key)
                seen, stored = state.pairs, state.contents
                if (key, sha) in seen or store.already_ingested(_KIND, key, sha):
                    report.files.append(FileResult(key, "already", reason="already in the store"))
                elif empty:
                    if on_bad_rows == "fail":
                        raise error("E105", path=path if len(members) == 1 else
                                    f"{path}!{key}")
                    report.files.append(FileResult(key, "empty", reason="empty file"))
                    with store.transaction():
                        store.record_ingest(_KIND, key, sha, 0, source=source or str(path))
                elif (same := stored.get(sha)) is not None:
                    # the same rows under another name (a renamed or re-zipped copy): storing
                    # them again would count every event twice
                    report.files.append(FileResult(
                        key, "already", reason=f"same content already stored as {same}"))
                else:
                    csv_path, cr_bad, lines = _normalise_cr(m.csv_path, work) if m.has_cr \
                        else (m.csv_path, [], m.lines)
                    shown = path if len(members) == 1 else Path(f"{path}!{key}")
                    layout, first = _sniff(csv_path, shown, on_bad_rows)
                    batch.append(_Prepared(shown, csv_path, key, sha, layout, first, cr_bad,
                                           lines))
                    batch_size += csv_path.stat().st_size
                seen.add((key, sha))
                stored.setdefault(sha, key)
            if progress is not None:
                progress("read", i + 1, len(files))
            if batch and (batch_size >= batch_bytes or i == len(files) - 1):
                _ingest_batch(store, batch, on_bad_rows, report, source, progress, state)
                batch_stack.close()  # drop extracted temporaries of this batch
                for f in work.iterdir():
                    f.unlink(missing_ok=True)
                batch, batch_size = [], 0
        if batch:
            _ingest_batch(store, batch, on_bad_rows, report, source, progress, state)
    return report


@dataclass
class _Seen:
    """What one ingest call has met: (file, sha256) pairs, sha256 → first file name (stored
    before or met earlier in the call), and every file name met or in the ingest log."""

    pairs: set[tuple[str, str]]
    contents: dict[str, str]
    keys: set[str]


def _settle_hashes(batch: list[_Prepared], state: _Seen) -> None:
    """Wait for the batch's background hashes (in file order) and register them as met; a
    file whose content was already stored or met under another name gets ``dup_of`` (that
    name): it must not be stored again."""
    for p in batch:
        if p.sha_future is None:
            continue
        with _timed("hash files (SHA-256, waited for)"):
            p.sha256, _cr, lines = p.sha_future.result()
        if p.lines < 0:
            p.lines = lines
        p.sha_future = None
        same = state.contents.get(p.sha256)
        if same is not None and same != p.key:
            p.dup_of = same
        state.pairs.add((p.key, p.sha256))
        state.contents.setdefault(p.sha256, p.key)


def _drop_copies(batch: list[_Prepared], report: IngestReport) -> list[_Prepared]:
    """The batch without the files :func:`_settle_hashes` found to be copies (reported as
    already stored)."""
    for p in batch:
        if p.dup_of:
            report.files.append(FileResult(
                p.key, "already", reason=f"same content already stored as {p.dup_of}"))
    return [p for p in batch if not p.dup_of]


def _stored_contents(store: Store) -> dict[str, str]:
    """sha256 → file name of every non-empty GDELT file in the store (read once per ingest)."""
    rows = store.con.execute(
        "SELECT sha256, min(key) FROM ingest_log WHERE kind = ? AND rows > 0 GROUP BY sha256",
        [_KIND]).fetchall()
    return dict(rows)


def _ingest_batch(
    store: Store, batch: list[_Prepared], on_bad_rows: str, report: IngestReport,
    source: str | None, progress: ProgressCallback | None = None, state: _Seen | None = None,
) -> None:
    """Parse a batch straight to Parquet (one pass, checks included), summarise each part in
    one scan, then register parts, summaries and log in one transaction. Files hashed in the
    background that turn out to hold content already stored or met under another name are
    set aside (reported as already stored) and the rest of the batch is parsed again."""
    state = state or _Seen(set(), {}, set())
    con = store.con
    folder = store.data_dir / "gdelt"
    folder.mkdir(parents=True, exist_ok=True)
    tmps: list[Path] = []
    finals: list[Path] = []
    tags: list[str] = []
    try:
        with _timed("parse COPY (checks in the same pass)"):
            try:
                tmps, bad, written = _parse(con, batch, on_bad_rows, folder)
            except BilatError:
                _settle_hashes(batch, state)
                if not any(p.dup_of for p in batch):
                    raise
                tmps, bad, written = [], [], {}  # the bad row may be in a copy: again below
            _settle_hashes(batch, state)
        if any(p.dup_of for p in batch):  # a renamed or re-zipped copy of stored rows:
            # storing it would count every event twice (rare: parse again without it)
            for t in tmps:
                _rm(t)
            tmps = []
            rest = _drop_copies(batch, report)
            if rest:
                _ingest_batch(store, rest, on_bad_rows, report, source, progress, state)
            return
        dups: dict[str, tuple[int, int]] = {}
        if tmps:
            with _timed("identity dedupe"):
                tmps, dups = _dedupe(store, batch, tmps, folder)
        counts = {k: n - sum(dups.get(k, (0, 0))) for k, n in written.items()}
        bad_counts: dict[str, int] = {}
        for b in bad:
            bad_counts[b[0]] = bad_counts.get(b[0], 0) + 1
        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        rows_of = []
        for tmp in list(tmps):
            n = int(con.execute("SELECT coalesce(sum(num_rows), 0) FROM "
                                f"parquet_file_metadata({_files([tmp])})").fetchall()[0][0])
            if n == 0:  # every row of this layout was set aside: nothing to register
                _rm(tmp)
                tmps.remove(tmp)
                continue
            rows_of.append(n)
            finals.append(folder / f"part-{stamp}-{len(finals)}")
        with _timed("dyad-day + volume sums (one scan per part)"):
            for tmp, final in zip(tmps, finals, strict=True):
                tags.append(final.name)
                dyad_day.stage_gdelt(con, f"read_parquet({_files([tmp])})", final.name)
        with _timed("transaction (register, write sums, commit)"), store.transaction():
            now = datetime.now(UTC).replace(tzinfo=None)
            for tmp, final, n in zip(tmps, finals, rows_of, strict=True):
                os.replace(tmp, final)
                con.execute("INSERT INTO gdelt_parts VALUES (?, ?, ?, ?)",
                            [final.name, n, len(batch), now])
                con.executemany("INSERT INTO gdelt_part_files VALUES (?, ?, ?)",
                                [(final.name, p.key, p.sha256) for p in batch])
                _summarise_staged(con, final.name, dyad_day.staged_gdelt_volume(final.name))
                # the dyad-day cells staged for this part, written in the same transaction
                dyad_day.summarise_gdelt_part(con, final)
            if on_bad_rows == "quarantine" and bad:
                con.execute(_BAD_ROWS_DDL)
                now_ = datetime.now(UTC).replace(tzinfo=None)
                con.executemany(
                    "INSERT INTO bad_rows VALUES (?, ?, ?, ?, ?, ?)",
                    [(_KIND, b[0], b[1] or None, b[2], b[3][:2000], now_) for b in bad])
            for p in batch:
                store.record_ingest(_KIND, p.key, p.sha256, counts.get(p.key, 0),
                                    skipped=bad_counts.get(p.key, 0),
                                    source=source or str(p.original))
            _create_view(store)
            if progress is not None:
                progress("commit", len(batch), len(batch))
    except BaseException:
        for f in finals:
            _rm(f)
        raise
    finally:
        for t in tmps:
            _rm(t)
        for tag in tags:
            with contextlib.suppress(Exception):
                dyad_day.drop_staged_gdelt(con, tag)
    for p in batch:
        skipped = bad_counts.get(p.key, 0)
        same, changed = dups.get(p.key, (0, 0))
        notes = []
        if skipped:
            notes.append(f"{skipped} rows set aside ({on_bad_rows})")
        if same:
            notes.append(f"{same} events already stored")
        if changed:
            notes.append(f"{changed} events already stored with other values (stored row kept)")
        report.files.append(FileResult(
            p.key, "ingested", p.layout.name, counts.get(p.key, 0), skipped, "; ".join(notes),
            same, changed))
    report.part = finals[-1].name if finals else report.part


_Bad = tuple[str, int, str, str, BilatError]

#: An event's identity: GDELT 1.0 and 2.0 number their events apart.
_IDENTITY = ("gdelt_version", "GLOBALEVENTID")


def _dedupe(store: Store, batch: list[_Prepared], parts: list[Path], folder: Path
            ) -> tuple[list[Path], dict[str, tuple[int, int]]]:
    """One row per event: drop rows of the batch whose event (GDELT version, GLOBALEVENTID)
    is already stored, or met earlier in the batch (files in the order given).

    Returns the parts (rewritten as one when anything was dropped) and, per file, the rows
    dropped as (same content as the kept row, other content). A complete file re-downloaded
    after a partial one, or an overlapping ``(1)`` copy, so adds only its new events.
    The stored events are only read where their GLOBALEVENTID range (Parquet statistics)
    meets the batch's, so new events with new ids cost no scan of the store.
    """
    con = store.con
    src = f"read_parquet({_files(parts)})"
    ident = ", ".join(f'"{c}"' for c in _IDENTITY)
    in_batch, lo, hi = con.execute(
        "SELECT coalesce(sum(n - d), 0), min(lo), max(hi) FROM (SELECT count(*) AS n, "
        "count(DISTINCT GLOBALEVENTID) AS d, min(GLOBALEVENTID) AS lo, "
        f"max(GLOBALEVENTID) AS hi FROM {src} GROUP BY gdelt_version)").fetchall()[0]
    stored = _stored_view(store)
    in_store = 0
    if stored is not None and lo is not None:
        in_store = con.execute(
            f"SELECT count(*) FROM {src} n SEMI JOIN (SELECT {ident} FROM {stored} "
            f"WHERE GLOBALEVENTID BETWEEN {int(lo)} AND {int(hi)}) s USING ({ident})"
        ).fetchall()[0][0]
    if not in_batch and not in_store:
        return parts, {}
    cols = [c for c in STORE_COLUMNS if c != "source_file"]
    h = "hash(" + ", ".join(f'"{c}"' for c in cols) + ")"
    order = "CASE source_file " + " ".join(
        f"WHEN '{_sql_str(p.key)}' THEN {i}" for i, p in enumerate(batch)) + " END"
    stored_h = (f"SELECT {ident}, any_value({h}) AS __sh FROM {stored} WHERE "
                f"GLOBALEVENTID BETWEEN {int(lo)} AND {int(hi)} GROUP BY ALL"
                if stored is not None and in_store else
                f"SELECT {ident}, NULL::UBIGINT AS __sh FROM {src} WHERE FALSE")
    ranked = f"""(SELECT n.*, s.__sh,
            row_number() OVER w AS __rn, first_value(n.__h) OVER w AS __fh
        FROM (SELECT *, {h} AS __h, {order} AS __ord FROM {src}) n
        LEFT JOIN ({stored_h}) s USING ({ident})
        WINDOW w AS (PARTITION BY {ident} ORDER BY __ord, __h))"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE __ranked AS SELECT * FROM {ranked}")
    try:
        dups = {r[0]: (int(r[1]), int(r[2])) for r in con.execute(
            """SELECT source_file,
                 count_if(CASE WHEN __sh IS NOT NULL THEN __sh = __h
                               ELSE __rn > 1 AND __fh = __h END),
                 count_if(CASE WHEN __sh IS NOT NULL THEN __sh <> __h
                               ELSE __rn > 1 AND __fh <> __h END)
               FROM __ranked GROUP BY ALL""").fetchall()}
        keep = ", ".join(f'"{c}"' for c in STORE_COLUMNS)
        out = folder / f"{uuid.uuid4().hex}.tmp"
        con.execute(f"COPY (SELECT {keep} FROM __ranked WHERE __sh IS NULL AND __rn = 1) "
                    f"TO '{_sql_str(out)}' {_PARQUET}")
    finally:
        con.execute("DROP TABLE IF EXISTS __ranked")
    for p in parts:
        _rm(p)
    parts = [out] if _part_files(out) else []
    if not parts:
        _rm(out)
    return parts, {k: v for k, v in dups.items() if v != (0, 0)}


def _stored_view(store: Store) -> str | None:
    """SQL source of the stored events (checked parts), or ``None`` when none are stored."""
    names = [r[0] for r in store.con.execute(
        "SELECT part FROM gdelt_parts ORDER BY part").fetchall()]
    if not names:
        return None
    folder = store.data_dir / "gdelt"
    return f"read_parquet({_files(folder / n for n in names)})"

_READ_OPTS = (
    "delim='\\t', header=false, quote='', escape='', comment='', auto_detect=false, "
    "new_line='\\n', store_rejects=true, rejects_table='__rej', rejects_scan='__rejscan', "
    "filename=true, max_line_size=4000000"
)
#: Parquet writer options of every part the ingest writes: zstd level 1, one file per DuckDB
#: thread, written in parallel (measured ~20% faster than one file).
PARQUET_OPTIONS: str = ("(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, "
                        "ROW_GROUP_SIZE 262144, PER_THREAD_OUTPUT true)")
_PARQUET = PARQUET_OPTIONS
#: The same options, the COPY also returning each file's row count and column statistics.
_PARQUET_STATS = PARQUET_OPTIONS[:-1] + ", RETURN_STATS true)"
#: Tell rows out of the domain from the writer's statistics (:func:`_domain_clean`) and filter
#: only a part that has some (False: filter every row inside the parse COPY, as before; the
#: tests compare both).
DOMAIN_FROM_STATS: bool = True
#: DuckDB settings the ingest's parse COPY runs under (restored afterwards): the parts are
#: unordered sets of rows, so DuckDB need not keep the files' row order while writing them.
COPY_SETTINGS: tuple[str, ...] = ("SET preserve_insertion_order = false",)


@contextlib.contextmanager
def _copy_settings(con: Any, ordered: bool = False) -> Iterator[None]:
    """Run the block under :data:`COPY_SETTINGS` (unless ``ordered``), then restore them."""
    if ordered:
        yield
        return
    names = [s.split()[1] for s in COPY_SETTINGS]
    before = {n: con.execute(f"SELECT current_setting('{n}')").fetchall()[0][0] for n in names}
    try:
        for s in COPY_SETTINGS:
            con.execute(s)
        yield
    finally:
        for n, v in before.items():
            con.execute(f"SET {n} = {v!r}" if isinstance(v, str) else f"SET {n} = {v}")


def _parse(con: Any, batch: list[_Prepared], on_bad_rows: str, folder: Path,
           ordered: bool = False) -> tuple[list[Path], list[_Bad], dict[str, int]]:
    """Parse a batch into temporary Parquet folders (``*.tmp`` in ``folder``) holding the
    good rows, in one pass per layout: the domain checks run inside the COPY that writes the
    Parquet (rows out of the domain are never written). Return the parts, the bad rows (file,
    line, reason, raw line, error) and the rows written per file. In ``fail`` mode the first
    bad row (by file order, line) is raised and nothing is kept. ``ordered``: keep the files'
    row order (for :func:`read_gdelt`)."""
    by_layout: dict[int, list[_Prepared]] = {}
    for p in batch:
        by_layout.setdefault(p.layout.n_fields, []).append(p)
    parts: list[Path] = []
    bad: list[_Bad] = []
    for p in batch:
        for line, raw in p.cr_bad:
            err = error("E117", path=p.original, line=line)
            bad.append((p.key, line, err.message, raw, err))
    latest = _latest_added()
    try:
        with _copy_settings(con, ordered):
            for n_fields, group in by_layout.items():
                bad += _load_group(con, LAYOUTS[n_fields], group, folder, parts, latest=latest)
        written: dict[str, int] = {}
        if parts:
            written = {k: int(n) for k, n in con.execute(
                f"SELECT source_file, count(*) FROM read_parquet({_files(parts)}) "
                "GROUP BY ALL").fetchall()}
        bad += _check_values(batch, written, bad, latest)
        if bad:
            order = [p.key for p in batch]
            bad.sort(key=lambda b: (order.index(b[0]), b[1]))
            if on_bad_rows == "fail":
                raise bad[0][4]
    except BaseException:
        for part in parts:
            _rm(part)
        raise
    return parts, bad, written


def _load_group(con: Any, layout: Layout, group: list[_Prepared], folder: Path,
                parts: list[Path], lines: list[int] | None = None,
                latest: int | None = None) -> list[_Bad]:
    """Write one layout's files to a temporary Parquet file (appended to ``parts``) in one
    COPY; rows out of the domain (:func:`_bad_values_sql`) are not kept: the writer's
    statistics show whether there are any (:func:`_domain_clean`), and only then is the part
    written again without them (:data:`DOMAIN_FROM_STATS`; :func:`_check_values` names their
    lines); return the rows DuckDB rejected as bad-row records. ``lines`` maps line numbers
    of a single shadow file (rows of a sibling layout) back to its original file."""
    latest = _latest_added() if latest is None else latest
    key_of = {str(p.csv_path): p for p in group}
    files = _sql_list([p.csv_path for p in group])
    read_cols = "{" + ", ".join(f"'{c}': '{_read_type(c)}'" for c in layout.fields) + "}"
    con.execute("DROP TABLE IF EXISTS __rej")
    con.execute("DROP TABLE IF EXISTS __rejscan")
    select = []
    for c in STORE_COLUMNS:
        if c in layout.fields:
            select.append(_strict_int(c) if c in _STRICT else f'"{c}"')
        elif c == "gdelt_version":
            select.append(f"{layout.version}::TINYINT AS gdelt_version")
        elif c == "source_file":
            key = ("CASE filename " + " ".join(
                f"WHEN '{_sql_str(p.csv_path)}' THEN '{_sql_str(p.key)}'" for p in group)
                + " END") if lines is None else f"'{_sql_str(group[0].key)}'"
            select.append(f"{key} AS source_file")
        else:
            select.append(f'NULL::{column_type(c)} AS "{c}"')
    part = folder / f"{uuid.uuid4().hex}.tmp"
    parts.append(part)
    bad_sql = _bad_values_sql(latest, layout.version)
    read = (f"SELECT {', '.join(select)} FROM (SELECT *, {_int_casts(layout)} FROM "
            f"read_csv({files}, columns={read_cols}, {_READ_OPTS}))")
    stats = None
    if DOMAIN_FROM_STATS:
        # Written without the domain filter; the writer's statistics and the distinct dates
        # tell whether any row is out of the domain (never, for a clean file: no per-row
        # test). Only then is the part written again without those rows, which
        # _check_values names (the part is registered only after this, in the transaction).
        try:
            stats = con.execute(f"COPY ({read}) TO '{_sql_str(part)}' {_PARQUET_STATS}"
                                ).fetchall()
        except Exception as exc:  # a DuckDB without RETURN_STATS: filter every row instead
            if "return_stats" not in str(exc).lower():
                raise
            _rm(part)
    if stats is None:
        con.execute(f"COPY (SELECT * FROM ({read}) WHERE NOT {bad_sql}) TO '{_sql_str(part)}' "
                    f"{_PARQUET}")
    elif _part_files(part) and not _domain_clean(con, stats, part, latest, layout.version):
        kept = folder / f"{uuid.uuid4().hex}.tmp"
        parts[parts.index(part)] = kept
        con.execute(f"COPY (SELECT * FROM read_parquet({_files([part])}) WHERE NOT "
                    f"{bad_sql}) TO '{_sql_str(kept)}' {_PARQUET}")
        _rm(part)
        part = kept
    if not _part_files(part):  # every row was set aside: no data file written
        parts.remove(part)
        _rm(part)
    rejects = con.execute(
        "SELECT s.file_path, e.line, e.error_type::VARCHAR, e.column_name, e.csv_line, "
        "e.error_message FROM __rej e JOIN __rejscan s USING (scan_id, file_id) "
        "ORDER BY s.file_path, e.line"
    ).fetchall()
    con.execute("DROP TABLE IF EXISTS __rej")
    con.execute("DROP TABLE IF EXISTS __rejscan")
    out: list[_Bad] = []
    sibling: dict[int, list[tuple[_Prepared, int, str]]] = {}
    by_line: dict[tuple[str, int], list[tuple[str, str | None, str, str]]] = {}
    for file_path, line, etype, column, csv_line, message in rejects:
        by_line.setdefault((file_path, int(line)), []).append((etype, column, csv_line, message))
    for (file_path, line), errors in by_line.items():
        p = key_of[file_path]
        encoding = [e for e in errors if e[0] == "INVALID ENCODING"]
        raw = _raw_line(p.csv_path, line) if encoding else errors[0][2]
        real = lines[line - 1] if lines else line
        found = raw.count("\t") + 1
        other = LAYOUTS.get(found)
        if found != layout.n_fields:
            etype, column, message = "MISSING COLUMNS", None, ""
            if lines is None and other is not None and other.version == layout.version:
                # GDELT 1.0 samples mix backfile (57) and daily (58) rows: read them as such.
                sibling.setdefault(found, []).append((p, line, raw))
                continue
        else:
            etype, column, _csv, message = (encoding or errors)[0]
        err = _reject_error(p, real, etype, column, raw, message, layout)
        out.append((p.key, real, err.message, raw, err))
    for found, rows in sibling.items():
        by_file: dict[str, list[tuple[_Prepared, int, str]]] = {}
        for r in rows:
            by_file.setdefault(r[0].key, []).append(r)
        with tempfile.TemporaryDirectory(prefix="bilat-rows-") as tmp:
            for i, items in enumerate(by_file.values()):
                p = items[0][0]
                path = Path(tmp) / f"{i}.tsv"
                path.write_text("".join(r[2] + "\n" for r in items), encoding="utf-8")
                shadow = _Prepared(p.original, path, p.key, p.sha256, LAYOUTS[found], "")
                out += _load_group(con, LAYOUTS[found], [shadow], folder, parts,
                                   [r[1] for r in items], latest)
    return out


# Integer columns are read as text and cast here: DuckDB's own CSV cast would take "0x10" as
# 16, "201.5" as 202 and "1e5" as 100000. A value that is not written as a plain integer in
# range becomes the type's minimum, which no domain below admits, so the row is set aside.
_STRICT = _INT | _BIGINT
_SENTINEL = {"INTEGER": -(2**31), "BIGINT": -(2**63)}


def _read_type(name: str) -> str:
    return "VARCHAR" if name in _STRICT else column_type(name)


def _strict_int(c: str) -> str:
    """SQL: integer column ``c`` (read as text) as its value when written as a plain decimal
    integer in range, NULL when empty, else the type's minimum (the row is then set aside).
    The value comes from column ``__v_<c>``, cast once below (:func:`_int_casts`): about a
    third fewer instructions than casting twice."""
    t = column_type(c)
    v = f'"__v_{c}"'
    return (f'CASE WHEN "{c}" IS NULL OR {v}::VARCHAR = "{c}" THEN {v} '
            f'ELSE ({_SENTINEL[t]})::{t} END AS "{c}"')


def _int_casts(layout: Layout) -> str:
    """SQL select items ``TRY_CAST(c AS <type>) AS __v_<c>`` for the layout's integer columns
    (:func:`_strict_int` compares each with its text)."""
    return ", ".join(f'TRY_CAST("{c}" AS {column_type(c)}) AS "__v_{c}"'
                     for c in layout.fields if c in _STRICT)


#: The field's domain per column, from the GDELT codebooks: (low, high, required).
#: Dates (SQLDATE, DATEADDED) are checked apart: a real calendar date from 1900, SQLDATE no
#: later than the day after the row was added, DATEADDED no later than tomorrow.
DOMAINS: dict[str, tuple[float, float, bool]] = {
    "GLOBALEVENTID": (1, 2**63 - 1, True),
    "MonthYear": (0, 999912, False),
    "Year": (0, 9999, False),
    "IsRootEvent": (0, 1, True),
    "QuadClass": (1, 4, True),
    "GoldsteinScale": (-10, 10, False),
    "NumMentions": (0, 2**31 - 1, True),
    "NumSources": (0, 2**31 - 1, True),
    "NumArticles": (0, 2**31 - 1, True),
    "AvgTone": (-100, 100, False),
    **{f"{g}_Type": (0, 5, False) for g in ("Actor1Geo", "Actor2Geo", "ActionGeo")},
    **{f"{g}_Lat": (-90, 90, False) for g in ("Actor1Geo", "Actor2Geo", "ActionGeo")},
    **{f"{g}_Long": (-180, 180, False) for g in ("Actor1Geo", "Actor2Geo", "ActionGeo")},
}


def _latest_added() -> int:
    """Tomorrow (UTC) as YYYYMMDD: no file can hold a row added later."""
    return int(f"{datetime.now(UTC).date() + timedelta(days=1):%Y%m%d}")


def _ymd_ok_sql(x: str) -> str:
    """SQL: integer ``x`` is a real calendar date YYYYMMDD from 1900 on (integer arithmetic,
    no string formatting; the twin of :func:`_ymd`). Days 1-28 are settled first: DuckDB
    works out the month's length only for the rows left (the 29th to the 31st)."""
    y, m, d = f"({x} // 10000)", f"({x} // 100 % 100)", f"({x} % 100)"
    leap = f"({y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0))"
    last = (f"CASE WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
            f"WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END")
    return (f"({x} BETWEEN 19000101 AND 99991231 AND {m} BETWEEN 1 AND 12 "
            f"AND ({d} BETWEEN 1 AND 28 OR {d} BETWEEN 29 AND {last}))")


def _next_day_sql(x: str) -> str:
    """SQL: the day after valid date ``x`` (YYYYMMDD integer), as YYYYMMDD."""
    y, m = f"({x} // 10000)", f"({x} // 100 % 100)"
    return (f"CASE WHEN {_ymd_ok_sql(f'({x} + 1)')} THEN {x} + 1 "
            f"WHEN {m} < 12 THEN {y} * 10000 + ({m} + 1) * 100 + 1 "
            f"ELSE ({y} + 1) * 10000 + 101 END")


def _bad_values_sql(latest: int, version: int | None = None, *,
                    dates_only: bool = False) -> str:
    """SQL predicate: the row is out of the field's domain (same rules as
    :func:`_row_problem`). ``version``: the rows' GDELT version when known (a shorter test).
    ``dates_only``: only the terms on SQLDATE and DATEADDED (they read no other column, so a
    part can be tested on its distinct (SQLDATE, DATEADDED) pairs; the other terms are ranges,
    NULLs and NaNs, which the writer's statistics answer: :func:`_domain_clean`)."""
    terms = []
    for c, (lo, hi, required) in DOMAINS.items():
        if dates_only:
            break
        if required:
            terms.append(f'"{c}" IS NULL')
        if column_type(c) == "DOUBLE":
            terms.append(f'(isnan("{c}") OR "{c}" < {lo} OR "{c}" > {hi})')
        else:
            terms.append(f'("{c}" < {lo} OR "{c}" > {hi})')
    added_day = {2: "(DATEADDED // 1000000)", 1: "DATEADDED"}
    time_ok = ("(DATEADDED // 10000 % 100 <= 23 AND DATEADDED // 100 % 100 <= 59 "
               "AND DATEADDED % 100 <= 59)")
    day_terms = {v: f"(NOT {_ymd_ok_sql(added_day[v])}" + (f" OR NOT {time_ok}" if v == 2
                                                            else "")
                 + f" OR {added_day[v]} > {latest}"
                 # the day after is worked out only for the rows dated after DATEADDED
                 f" OR (SQLDATE > {added_day[v]} AND SQLDATE > {_next_day_sql(added_day[v])}))"
                 for v in (1, 2)}
    terms += ["SQLDATE IS NULL", f"NOT {_ymd_ok_sql('SQLDATE')}", "DATEADDED IS NULL"]
    if version in (1, 2):
        terms.append(day_terms[version])
    else:
        terms.append(f"CASE WHEN gdelt_version = 2 THEN {day_terms[2]} ELSE {day_terms[1]} END")
    return "coalesce(" + " OR ".join(terms) + ", FALSE)"


def _stat_number(text: str) -> float | int:
    """A min/max the Parquet writer returned (text) as a number (ints exactly)."""
    try:
        return int(text)
    except ValueError:
        return float(text)


def _domain_clean(con: Any, stats: list[tuple[Any, ...]], part: Path, latest: int,
                  version: int) -> bool:
    """Whether no row of ``part`` (just written without the domain filter) is out of the
    field's domain, i.e. :func:`_bad_values_sql` holds for none of its rows, told without
    reading the rows: every term on a :data:`DOMAINS` column is a NULL, NaN or range test,
    answered exactly by the column statistics the writer returned (``stats``: the rows of
    ``COPY … (RETURN_STATS true)``: null and NaN counts, exact min and max per file); the
    date terms read only SQLDATE and DATEADDED and are evaluated on the part's distinct
    (SQLDATE, DATEADDED) pairs. Anything unexpected in the statistics counts as not clean
    (the caller then filters the part row by row, as before)."""
    for row in stats:
        cols = row[4] or {}
        rows = int(row[1] or 0)
        if rows == 0:
            continue
        for c, (lo, hi, required) in DOMAINS.items():
            st = cols.get(f'"{c}"')
            if st is None:
                return False
            try:
                nulls = int(st.get("null_count", "-1"))
                # a DOUBLE's NaNs are outside min and max: their count must be given
                nans = int(st["nan_count"] if column_type(c) == "DOUBLE"
                           else st.get("nan_count", "0"))
                values = rows - nulls - nans
                if nulls < 0 or nans or (required and nulls):
                    return False
                if values == 0:
                    continue
                if st.get("min_is_exact") != "true" or st.get("max_is_exact") != "true":
                    return False
                if _stat_number(st["min"]) < lo or _stat_number(st["max"]) > hi:
                    return False
            except (KeyError, ValueError, TypeError):
                return False
    bad = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT SQLDATE, DATEADDED FROM "
        f"read_parquet({_files([part])})) WHERE "
        f"{_bad_values_sql(latest, version, dates_only=True)}").fetchall()[0][0]
    return not bad


def _int_value(text: str, bits: int) -> int | None | bool:
    """A GDELT integer field: its value, ``None`` when empty, ``False`` when not a plain
    integer in range (the same test as :func:`_strict_int`)."""
    if text == "":
        return None
    try:
        v = int(text)
    except ValueError:
        return False
    if str(v) != text or not -(2 ** (bits - 1)) <= v < 2 ** (bits - 1):
        return False
    return v


def _ymd(value: int) -> date | None:
    """A YYYYMMDD integer as a date from 1900 on, else ``None`` (the twin of
    :func:`_ymd_ok_sql`)."""
    if not 19000101 <= value <= 99991231:
        return None
    try:
        return date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return None


def _added_ok(value: int, version: int) -> bool:
    """DATEADDED is a real day (and, in 2.0, a real time of day HHMMSS)."""
    if version == 1:
        return _ymd(value) is not None
    hms = value % 1000000
    return (_ymd(value // 1000000) is not None and hms // 10000 <= 23
            and hms // 100 % 100 <= 59 and hms % 100 <= 59)


def _row_problem(p: _Prepared, line: int, fields: list[str], layout: Layout,
                 latest: int) -> BilatError | None:
    """Why a row that DuckDB read is out of the field's domain, or ``None`` (the Python twin
    of :func:`_bad_values_sql`, used to name the line of each row the SQL check removes)."""
    row = dict(zip(layout.fields, fields, strict=False))
    values: dict[str, Any] = {}
    for c in layout.fields:
        text = row.get(c, "")
        if c in _STRICT:
            v = _int_value(text, 64 if c in _BIGINT else 32)
            if v is False:
                if c in ("SQLDATE", "DATEADDED"):
                    return error("E102", path=p.original, line=line, value=text, column=c,
                                 expected="YYYYMMDD" if c == "SQLDATE" or layout.version == 1
                                 else "YYYYMMDDHHMMSS")
                return error("E109", path=p.original, line=line, value=text, column=c,
                             reason="expected a whole number written in decimal digits, "
                             f"within {column_type(c).lower()} range")
            values[c] = v
        elif c in DOMAINS:
            values[c] = None if text == "" else float(text)
    for c, (lo, hi, required) in DOMAINS.items():
        v = values.get(c)
        if v is None:
            if required:
                return error("E109", path=p.original, line=line, value="", column=c,
                             reason="every GDELT row has this field")
            continue
        if v != v or not lo <= v <= hi:
            return error("E118", path=p.original, line=line, column=c, value=row.get(c, ""),
                         domain=f"{lo:g} to {hi:g}" if hi < 2**31 - 1 else f"at least {lo:g}")
    sqldate, added = values.get("SQLDATE"), values.get("DATEADDED")
    if sqldate is None or _ymd(sqldate) is None:
        return error("E102", path=p.original, line=line, value=row.get("SQLDATE", ""),
                     column="SQLDATE", expected="a real date YYYYMMDD")
    if added is None or not _added_ok(added, layout.version):
        return error("E102", path=p.original, line=line, value=row.get("DATEADDED", ""),
                     column="DATEADDED",
                     expected="YYYYMMDDHHMMSS" if layout.version == 2 else "YYYYMMDD")
    added_day = added // 1000000 if layout.version == 2 else added
    if added_day > latest:
        return error("E119", path=p.original, line=line, column="DATEADDED",
                     value=row["DATEADDED"], limit=f"tomorrow ({latest})")
    if _ymd(sqldate) > _ymd(added_day) + timedelta(days=1):
        return error("E119", path=p.original, line=line, column="SQLDATE", value=sqldate,
                     limit=f"the day after the row was added (DATEADDED {row['DATEADDED']})")
    return None


def _check_values(batch: list[_Prepared], written: dict[str, int], reported: list[_Bad],
                  latest: int) -> list[_Bad]:
    """Name the rows the parse COPY left out as out of the field's domain (:data:`DOMAINS`,
    dates), with their lines. Every line of a file is written, reported by the reader,
    left out by the domain check or blank: only a file whose written and reported rows fall
    short of its lines is read again (in Python, :func:`_row_problem` on each line not
    reported yet)."""
    seen: dict[str, set[int]] = {}
    for b in reported:
        seen.setdefault(b[0], set()).add(b[1])
    out: list[_Bad] = []
    for p in batch:
        done = seen.get(p.key, set())
        if p.lines < 0 and p.sha_future is not None:  # counted by the hashing thread
            with _timed("hash files (SHA-256, waited for)"):
                p.lines = p.sha_future.result()[2]
        if p.lines >= 0 and written.get(p.key, 0) + len(done) >= p.lines:
            continue
        found, blank, n = 0, 0, 0
        errs: list[_Bad] = []
        with p.csv_path.open("rb") as fh:
            for i, raw in enumerate(fh, start=1):
                n = i
                if i in done:
                    continue
                text = raw.rstrip(b"\n").decode("utf-8", errors="replace")
                if not text:
                    blank += 1
                    continue
                fields = text.split("\t")
                layout = LAYOUTS.get(len(fields))
                if layout is None or layout.version != p.layout.version:
                    continue
                try:
                    err = _row_problem(p, i, fields, layout, latest)
                except ValueError:  # a number DuckDB read but Python cannot: not our row
                    continue
                if err is not None:
                    errs.append((p.key, i, err.message, text, err))
                    found += 1
        out += errs
        lines = p.lines if p.lines >= 0 else n
        missing = lines - blank - len(done) - written.get(p.key, 0) - found
        for _ in range(missing):  # should not happen: keep the count honest
            err = error("E118", path=p.original, line=None, column="(row)", value="",
                        domain="the GDELT codebook's")
            out.append((p.key, 0, err.message, "", err))
    return out


def _cut_short(path: Path, line: int) -> bool:
    """Whether ``line`` (1-based) is the last line of ``path`` and the file does not end with
    a line end: the mark of a truncated file, not of the other GDELT layout."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            if fh.tell() == 0:
                return False
            fh.seek(-1, 2)
            if fh.read(1) == b"\n":
                return False
            fh.seek(0)
            n = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return False
    return line == n + 1


def _reject_error(p: _Prepared, line: int, etype: str, column: str | None, raw: str,
                  message: str, layout: Layout) -> BilatError:
    if etype in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        found = raw.count("\t") + 1
        other = LAYOUTS.get(found)
        hint = ""
        if found < layout.n_fields and _cut_short(p.csv_path, line):
            hint = (" — it is the file's last line and has no line end: the file was cut "
                    "short (an interrupted download or copy); fetch it again")
        elif other is not None:
            hint = f" — {found} fields is the {other.name} layout; is this file from the other "\
                   "GDELT version?" if other.version != layout.version else \
                   f" — {found} fields is the {other.name} layout"
        return error("E101", path=p.original, line=line, found=found, layout=layout.name,
                     expected=layout.n_fields, hint=hint)
    if etype == "INVALID ENCODING":
        return error("E103", path=p.original, line=line, column=column or "?")
    if etype == "CAST":
        fields = raw.split("\t")
        value = ""
        if column in layout.fields:
            idx = layout.fields.index(column)
            value = fields[idx] if idx < len(fields) else ""
        if column in ("SQLDATE", "DATEADDED"):
            return error("E102", path=p.original, line=line, value=value, column=column,
                         expected="YYYYMMDD" if column == "SQLDATE" or layout.version == 1
                         else "YYYYMMDDHHMMSS")
        return error("E109", path=p.original, line=line, value=value, column=column or "?",
                     reason=f"expected {column_type(column or '').lower()}")
    return error("E109", path=p.original, line=line, value=raw[:40], column=column or "?",
                 reason=message.splitlines()[0])


def _raw_line(path: Path, line: int) -> str:
    """The text of one line (1-based), bytes that are not UTF-8 shown as U+FFFD."""
    with path.open("rb") as fh:
        for i, raw in enumerate(fh, start=1):
            if i == line:
                return raw.rstrip(b"\r\n").decode("utf-8", errors="replace")
    return ""


def _has_content(path: Path) -> bool:
    with path.open("rb") as fh:
        return bool(fh.read(4096).strip())


def _sniff(csv_path: Path, original: Path, on_bad_rows: str = "fail") -> tuple[Layout, str]:
    """The file's layout from the field counts of its first 200 lines (most common known)."""
    counts: Counter[int] = Counter()
    first = ""
    with csv_path.open("rb") as fh:
        for i, raw in enumerate(fh):
            if i >= 200:
                break
            text = raw.rstrip(b"\r\n")
            if not text:
                continue
            if not first:
                first = text.decode("utf-8", errors="replace")
            counts[text.count(b"\t") + 1] += 1
    known = [(n, c) for n, c in counts.most_common() if n in LAYOUTS]
    if not known or (on_bad_rows == "fail" and first.count("\t") + 1 not in LAYOUTS):
        raise error("E106", path=original, line=1, found=first.count("\t") + 1)
    if on_bad_rows == "fail":
        return LAYOUTS[first.count("\t") + 1], first
    return LAYOUTS[known[0][0]], first


@dataclass
class _Member:
    """One CSV to read: a plain file or an extracted zip member."""

    csv_path: Path
    key: str            #: upstream name of the CSV (zipped and plain copies match)
    sha256: str         #: hash of the CSV bytes
    has_cr: bool        #: holds a carriage return (CRLF, CR line ends or a stray CR)
    lines: int = -1     #: physical lines (blank ones included); -1: not counted


def _skip_member(name: str) -> bool:
    """Zip entries that are not data: macOS resource forks, hidden files, folders."""
    parts = name.replace("\\", "/").split("/")
    base = parts[-1]
    return "__MACOSX" in parts or base.startswith(("._", ".")) or not base


@contextlib.contextmanager
def _opened(path: Path, sha256: str | None = None) -> Iterator[list[_Member]]:
    """The CSVs of ``path``: the file itself, or every CSV member of a zip (``__MACOSX`` and
    hidden entries ignored) extracted to a temp folder removed on exit. ``sha256``: the plain
    file's (hash, CR flag, lines) when already computed (hash ``""``: left to the caller,
    see :func:`_plain_scans`)."""
    if not path.is_file():
        raise error("E110", path=path)
    if path.suffix.lower() != ".zip":
        digest, has_cr, lines = sha256 if isinstance(sha256, tuple) else _digest(path)
        yield [_Member(path, path.name, digest, has_cr, lines)]
        return
    tmp = tempfile.mkdtemp(prefix="bilat-gdelt-")
    try:
        out: list[_Member] = []
        try:
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.infolist() if not m.is_dir()
                           and not _skip_member(m.filename)
                           and m.filename.lower().endswith((".csv", ".txt", ".tsv"))]
                if not members:
                    raise error("E111", path=path)
                for i, member in enumerate(members):
                    name = Path(member.filename.replace("\\", "/")).name
                    target = Path(tmp) / str(i) / name  # jailed: a base name in our folder
                    target.parent.mkdir()
                    digest = hashlib.sha256()
                    has_cr = False
                    lines, last = 0, b"\n"
                    with zf.open(member) as src, target.open("wb") as dst:
                        while chunk := src.read(4 * 2**20):
                            digest.update(chunk)
                            has_cr = has_cr or b"\r" in chunk
                            lines += chunk.count(b"\n")
                            last = chunk[-1:]
                            dst.write(chunk)
                    out.append(_Member(target, name, digest.hexdigest(), has_cr,
                                       lines + (last != b"\n")))
        except BilatError:
            raise
        except OSError as exc:
            if getattr(exc, "errno", None) == 28:
                raise error("E019", path=tmp, reason="no space left on device") from exc
            raise error("E104", path=path, reason=str(exc) or type(exc).__name__) from exc
        except Exception as exc:  # BadZipFile, EOFError, zlib.error on a cut-off member
            raise error("E104", path=path, reason=str(exc) or type(exc).__name__) from exc
        yield out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _normalise_cr(src: Path, folder: Path) -> tuple[Path, list[tuple[int, str]], int]:
    """A copy of ``src`` with LF line ends, and the rows set aside for a stray CR.

    CRLF line ends are read as LF; a file with CR line ends only (no LF in its first MiB) is
    read with CR as the line end. A CR left inside a row (it would split a field, or join two
    rows) sets that row aside: its line becomes empty in the copy so that every other row
    keeps its physical line number. Returns the copy, ``(line, raw text)`` of those rows and
    the copy's physical line count.
    """
    out = folder / f"{uuid.uuid4().hex}-{src.name}"
    bad: list[tuple[int, str]] = []
    lines = 0
    with src.open("rb") as fh, out.open("wb") as dst:
        head = fh.read(1 << 20)
        fh.seek(0)
        if b"\n" not in head and b"\r" in head:
            last = b"\n"
            while chunk := fh.read(1 << 22):
                chunk = chunk.replace(b"\r", b"\n")
                lines += chunk.count(b"\n")
                last = chunk[-1:]
                dst.write(chunk)
            return out, bad, lines + (last != b"\n")
        for i, raw in enumerate(fh, start=1):
            body = raw[:-1] if raw.endswith(b"\n") else raw
            if body.endswith(b"\r"):
                body = body[:-1]
            if b"\r" in body:
                bad.append((i, body.decode("utf-8", errors="replace")))
                body = b""
            dst.write(body + b"\n")
            lines = i
    return out, bad, lines


def _scan(path: Path) -> tuple[str, bool, int]:
    """Whether a file holds a carriage return, in one read at memory speed; the hash (and the
    line count) are left for later (``""``, ``-1``)."""
    has_cr = False
    try:
        with path.open("rb") as fh:
            while not has_cr and (chunk := fh.read(1 << 22)):
                has_cr = b"\r" in chunk
    except OSError as exc:
        raise error("E013", path=path, fmt="a GDELT export", reason=str(exc.strerror or exc)) \
            from exc
    return "", has_cr, -1


def _plain_scans(paths: list[Path]) -> dict[Path, tuple[str, bool, int]]:
    """(``""``, has CR, ``-1``) of the plain (not zipped) files; their SHA-256 and line count
    are computed later, in a thread while DuckDB parses (see :func:`_ingest`)."""
    return {p: _scan(p) for p in dict.fromkeys(paths) if p.suffix.lower() != ".zip"}


def _digest(path: Path) -> tuple[str, bool, int]:
    """SHA-256 of a file, whether it holds a carriage return and its physical line count
    (a last line without a line end included), in one read."""
    h = hashlib.sha256()
    has_cr = False
    lines, last = 0, b"\n"
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                h.update(chunk)
                has_cr = has_cr or b"\r" in chunk
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError as exc:
        raise error("E013", path=path, fmt="a GDELT export", reason=str(exc.strerror or exc)) \
            from exc
    return h.hexdigest(), has_cr, lines + (last != b"\n")


def _sql_str(path: Path | str) -> str:
    return str(path).replace("'", "''")


def _sql_list(paths: Iterable[Path | str]) -> str:
    return "[" + ", ".join(f"'{_sql_str(p)}'" for p in paths) + "]"


def _part_files(part: Path) -> list[Path]:
    """The Parquet files of a part folder (one per writer thread), listed here: a store
    path holding ``[``, ``?`` or ``*`` must never reach DuckDB as a glob pattern."""
    try:
        return sorted(f for f in part.iterdir() if f.suffix == ".parquet")
    except OSError:
        return []


def _files(parts: Iterable[Path]) -> str:
    """SQL list of the Parquet files in part folders (E020 when a part has none)."""
    files: list[Path] = []
    for p in parts:
        found = _part_files(p)
        if not found:
            raise error("E020", path=p, part=p.name)
        files += found
    return _sql_list(files)


_globs = _files


def _rm(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- store tables
_PARTS = """CREATE TABLE IF NOT EXISTS gdelt_parts (
    part VARCHAR PRIMARY KEY,   -- Parquet file name under data_dir/gdelt
    rows BIGINT NOT NULL,
    files INTEGER NOT NULL,     -- upstream files whose rows it holds
    written_at TIMESTAMP NOT NULL)"""
_VOLUME = """CREATE TABLE IF NOT EXISTS gdelt_volume (
    part VARCHAR NOT NULL,      -- the gdelt_parts part these counts summarise
    SQLDATE INTEGER,
    gdelt_version TINYINT,
    IsRootEvent INTEGER,
    country VARCHAR NOT NULL,   -- CAMEO country code as given (Actor1 or Actor2)
    events BIGINT NOT NULL)     -- events with this code as Actor1 or Actor2 (once per event)"""
_PART_FILES = """CREATE TABLE IF NOT EXISTS gdelt_part_files (
    part VARCHAR NOT NULL,      -- a gdelt_parts part
    file VARCHAR NOT NULL,      -- an upstream file whose rows the part may hold
    sha256 VARCHAR NOT NULL)"""
_VOLUME_PARTS = """CREATE TABLE IF NOT EXISTS gdelt_volume_parts (
    part VARCHAR PRIMARY KEY)   -- parts that gdelt_volume summarises"""
_QUARANTINE = """CREATE TABLE IF NOT EXISTS gdelt_quarantine (
    source_file VARCHAR, line BIGINT, reason VARCHAR, raw_line VARCHAR, set_aside_at TIMESTAMP)"""


def _ensure_tables(store: Store) -> None:
    store.con.execute(_PARTS)
    store.con.execute(_VOLUME)
    store.con.execute(_VOLUME_PARTS)
    store.con.execute(_PART_FILES)


def _summarise(con: Any, part: Path) -> None:
    """Add a part's per-day country volumes to ``gdelt_volume`` (call inside the transaction
    that registers the part): for each SQLDATE, GDELT version, IsRootEvent and CAMEO country
    code, the events with that code as Actor1 or Actor2, each event counted once."""
    src = f"read_parquet({_globs([part])})"
    con.execute(
        f"""INSERT INTO gdelt_volume
        SELECT '{_sql_str(part.name)}', SQLDATE, gdelt_version, IsRootEvent, country, count(*)
        FROM (SELECT SQLDATE, gdelt_version, IsRootEvent, Actor1CountryCode AS country
              FROM {src} WHERE Actor1CountryCode IS NOT NULL
              UNION ALL
              SELECT SQLDATE, gdelt_version, IsRootEvent, Actor2CountryCode FROM {src}
              WHERE Actor2CountryCode IS NOT NULL
                AND Actor2CountryCode IS DISTINCT FROM Actor1CountryCode)
        GROUP BY ALL ORDER BY country, SQLDATE""")  # sorted: queries skip other countries
    con.execute("INSERT INTO gdelt_volume_parts VALUES (?)", [part.name])


def _summarise_staged(con: Any, part: str, staged: str) -> None:
    """Add a part's per-day country volumes to ``gdelt_volume`` from the volumes
    :func:`bilat.store.dyad_day.stage_gdelt` staged in table ``staged`` (the same counts as
    :func:`_summarise`, without reading the part again)."""
    con.execute(
        f"""INSERT INTO gdelt_volume
        SELECT '{_sql_str(part)}', SQLDATE, gdelt_version, IsRootEvent, country, events
        FROM {staged} WHERE country IS NOT NULL ORDER BY country, SQLDATE""")
    con.execute("INSERT INTO gdelt_volume_parts VALUES (?)", [part])


def volume_summary(store: Store) -> bool:
    """Make sure ``gdelt_volume`` summarises every stored part (parts ingested by an older
    bilat are summarised now, in one transaction); False when that is not possible (a
    read-only store), so callers scan the events instead."""
    con = store.con
    try:
        if not store.has_table("gdelt_parts"):
            return False
        if getattr(store, "read_only", False):  # opened read-only: use it only if complete
            return store.has_table("gdelt_volume_parts") and not con.execute(
                "SELECT count(*) FROM gdelt_parts WHERE part NOT IN "
                "(SELECT part FROM gdelt_volume_parts)").fetchall()[0][0]
        if not store.has_table("gdelt_volume_parts"):
            with store.transaction():
                con.execute(_VOLUME)
                con.execute(_VOLUME_PARTS)
        missing = [r[0] for r in con.execute(
            "SELECT part FROM gdelt_parts WHERE part NOT IN "
            "(SELECT part FROM gdelt_volume_parts)").fetchall()]
        if missing:
            folder = store.data_dir / "gdelt"
            with store.transaction():
                for part in missing:
                    _summarise(con, folder / part)
    except Exception:  # read-only or damaged store: the caller falls back to a full scan
        return False
    return True


def _remove_orphans(store: Store) -> None:
    """Delete Parquet files under data_dir/gdelt that no committed ingest lists."""
    folder = store.data_dir / "gdelt"
    if not folder.is_dir():
        return
    listed = {r[0] for r in store.con.execute("SELECT part FROM gdelt_parts").fetchall()}
    for f in folder.iterdir():
        if f.name not in listed and (f.name.startswith("part-") or f.name.endswith(".tmp")):
            _rm(f)


def _create_view(store: Store) -> None:
    parts = [r[0] for r in store.con.execute(
        "SELECT part FROM gdelt_parts ORDER BY part").fetchall()]
    folder = store.data_dir / "gdelt"
    temp = "TEMP " if getattr(store, "read_only", False) else ""
    if not parts:
        if not temp:
            store.con.execute("DROP VIEW IF EXISTS gdelt_events")
        return
    files = _files(folder / p for p in parts)
    store.con.execute(
        f"CREATE OR REPLACE {temp}VIEW gdelt_events AS SELECT * FROM read_parquet({files})")


def check_parts(store: Store) -> list[dict[str, Any]]:
    """Each registered Parquet part checked against its files: present, readable, and
    holding the rows registered for it. One dict per part: ``part``, ``path``, ``status``
    (``ok``, ``missing``, ``damaged``), ``detail``, ``files`` (upstream files it holds, when
    recorded)."""
    import duckdb

    if not store.has_table("gdelt_parts"):
        return []
    con = store.con
    rows = con.execute("SELECT part, rows FROM gdelt_parts ORDER BY part").fetchall()
    holds: dict[str, list[str]] = {}
    if store.has_table("gdelt_part_files"):
        for part, key in con.execute("SELECT part, file FROM gdelt_part_files").fetchall():
            holds.setdefault(part, []).append(key)
    out = []
    folder = store.data_dir / "gdelt"
    for part, want in rows:
        path = folder / part
        files = _part_files(path)
        item = {"part": part, "path": str(path), "status": "ok", "detail": f"{want:,} rows",
                "files": sorted(holds.get(part, []))}
        if not files:
            item.update(status="missing", detail="no Parquet files" if path.is_dir()
                        else "folder missing")
        else:
            try:
                got = con.execute(
                    f"SELECT file_name, num_rows FROM parquet_file_metadata({_sql_list(files)})"
                ).fetchall()
                n = sum(int(r[1]) for r in got)
                if n != want:
                    item.update(status="damaged",
                                detail=f"holds {n:,} rows, {want:,} were stored (a file of "
                                "the part is missing or was replaced)")
            except duckdb.Error as exc:
                msg = str(exc).splitlines()[0]
                bad = next((str(f) for f in files if str(f) in msg), str(files[0]))
                item.update(status="damaged", detail=f"{Path(bad).name}: {msg[:200]}")
        out.append(item)
    return out


def repair_parts(store: Store) -> list[str]:
    """Unregister the parts :func:`check_parts` finds missing or damaged (their rows, volume
    summary and the ingest log entries of the files they held), in one transaction, so the
    store answers consistently and those files can be ingested again. Returns the upstream
    files to ingest again (when recorded)."""
    bad = [c for c in check_parts(store) if c["status"] != "ok"]
    if not bad:
        return []
    con = store.con
    again: list[str] = []
    with store.transaction():
        for c in bad:
            con.execute("DELETE FROM gdelt_parts WHERE part = ?", [c["part"]])
            con.execute("DELETE FROM gdelt_volume WHERE part = ?", [c["part"]])
            con.execute("DELETE FROM gdelt_volume_parts WHERE part = ?", [c["part"]])
            for key in c["files"]:
                con.execute("DELETE FROM ingest_log WHERE kind = ? AND key = ?", [_KIND, key])
                again.append(key)
            if store.has_table("gdelt_part_files"):
                con.execute("DELETE FROM gdelt_part_files WHERE part = ?", [c["part"]])
        _create_view(store)
    for c in bad:
        _rm(Path(c["path"]))
    return sorted(set(again))


def ensure_events_view(store: Store) -> None:
    """Make sure view ``gdelt_events`` exists and points at this store's Parquet parts (a
    store may have been moved or copied), or raise E009 saying how to load events.

    Every part is checked first: a part whose files are missing or damaged is E020/E021
    naming it (never an answer from the parts that are left); ``bilat doctor`` repairs."""
    if store.has_table("gdelt_parts"):
        for c in check_parts(store):
            if c["status"] == "missing":
                raise error("E020", path=c["path"], part=c["part"])
            if c["status"] == "damaged":
                raise error("E021", path=c["path"], part=c["part"], reason=c["detail"])
        _create_view(store)
    if not store.has_table("gdelt_events"):
        raise error("E009", name="gdelt_events",
                    next_step="bilat fetch gdelt --start … --end …` or `bilat events ingest FILE")
    # Finish the pending result of has_table's fetchone(): this DuckDB refuses relation-API
    # calls (which Ibis makes) while an execute() result is unfinished.
    store.con.execute("SELECT 1").fetchall()


def events_table(store: Store) -> Any:
    """The Ibis table of stored GDELT events (view ``gdelt_events``), or E009 if none."""
    ensure_events_view(store)
    return store.ibis.table("gdelt_events")


def quarantine(store: Store, kind: str | None = _KIND) -> pd.DataFrame:
    """Rows set aside by ``--on-bad-rows quarantine``: file, line, reason, raw line.

    Every source keeps them in the store's one ``bad_rows`` table (see
    :mod:`bilat.sources.core`); this shows those of ``kind`` (``None``: every source), with
    ``kind``, ``source_file``, ``line``, ``reason``, ``raw_line`` and ``set_aside_at``. Rows
    quarantined by older bilat versions (table ``gdelt_quarantine``) are included.
    """
    import pandas as pd

    con = store.con
    parts = []
    params: list[str] = []
    if store.has_table("bad_rows"):
        where = "" if kind is None else " WHERE kind = ?"
        parts.append("SELECT kind, file AS source_file, line, reason, raw AS raw_line, "
                     f"set_aside_at FROM bad_rows{where}")
        params += [] if kind is None else [kind]
    if store.has_table("gdelt_quarantine") and kind in (None, _KIND):
        parts.append("SELECT 'gdelt' AS kind, source_file, line, reason, raw_line, "
                     "set_aside_at FROM gdelt_quarantine")
    if not parts:
        return pd.DataFrame(columns=["kind", "source_file", "line", "reason", "raw_line",
                                     "set_aside_at"])
    return con.execute(" UNION ALL ".join(parts) + " ORDER BY kind, source_file, line",
                       params).df()


# ----------------------------------------------------------------------------- fetch
MASTER_V2 = "http://data.gdeltproject.org/gdeltv2/masterfilelist.txt"
INDEX_V1 = "http://data.gdeltproject.org/events/index.html"


@dataclass(frozen=True)
class RemoteFile:
    """One upstream file: name, URL, size and MD5 from the GDELT file list (if known)."""

    name: str
    url: str
    size: int | None = None
    md5: str | None = None


@dataclass
class FetchReport:
    """Completeness of a fetch: expected vs received files, what failed, and the ingest."""

    version: int
    start: date
    end: date
    expected: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    ingest: IngestReport | None = None

    @property
    def complete(self) -> bool:
        """Every expected file was received and none failed."""
        return not self.missing and not self.failed

    def summary(self) -> str:
        """One line: expected, received, missing, failed, rows stored."""
        rows = self.ingest.rows if self.ingest else 0
        skipped = self.ingest.skipped if self.ingest else 0
        return (f"GDELT {self.version}.0 {self.start}..{self.end}: expected {len(self.expected)} "
                f"files, received {len(self.received)}, missing {len(self.missing)}, failed "
                f"{len(self.failed)}; {rows:,} rows stored, {skipped:,} set aside")

    def to_frame(self) -> pd.DataFrame:
        """One row per expected file: name, day, status (ingested/already/missing/failed…), rows."""
        import pandas as pd

        by_file = {f.file: f for f in (self.ingest.files if self.ingest else [])}
        missing = set(self.missing)
        rows = []
        for name in self.expected:
            csv_name = name[:-4] if name.lower().endswith(".zip") else name
            f = next((by_file[k] for k in (csv_name, name, csv_name + ".csv", csv_name + ".CSV")
                      if k in by_file), None)
            day = _file_day(name)
            if name in self.failed:
                rows.append((name, day, "failed", 0, 0, self.failed[name]))
            elif name in missing:
                rows.append((name, day, "missing", 0, 0, "not received"))
            elif f is not None:
                rows.append((name, day, f.status, f.rows, f.skipped, f.reason))
            else:
                rows.append((name, day, "received", 0, 0, ""))
        return pd.DataFrame(rows, columns=["file", "day", "status", "rows", "skipped", "reason"])

    def completeness(self, by: str = "day") -> pd.DataFrame:
        """Expected vs received files (and rows) per ``day``, ``month`` or ``file``."""
        if by not in ("day", "month", "file"):
            raise error("E012", value=by, option="--by", options="day, month, file")
        files = self.to_frame()
        if by == "file":
            return files
        key = files["day"].astype(str).str[: 10 if by == "day" else 7]
        files = files.assign(
            **{by: key},
            received=files["status"].ne("missing") & files["status"].ne("failed"),
            missing=files["status"].eq("missing"),
            failed=files["status"].eq("failed"),
        )
        out = files.groupby(by, sort=True).agg(
            expected=("file", "size"), received=("received", "sum"),
            missing=("missing", "sum"), failed=("failed", "sum"),
            rows=("rows", "sum"), skipped=("skipped", "sum"),
        ).reset_index()
        out["share_received"] = (out["received"] / out["expected"]).round(4)
        return out


def _file_day(name: str) -> str:
    """The day (or month/year, for 1.0 backfiles) an upstream file name covers: YYYY-MM-DD."""
    digits = name.split(".", 1)[0]
    if len(digits) >= 8 and digits[:8].isdigit():
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
    if len(digits) == 6 and digits.isdigit():
        return f"{digits[:4]}-{digits[4:6]}-01"
    if len(digits) == 4 and digits.isdigit():
        return f"{digits}-01-01"
    return ""


def _parse_day(value: str | date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise error("E007", value=value)


def expected_files(start: date, end: date, version: int) -> list[str]:
    """Upstream export names covering ``start``…``end`` (inclusive days) by GDELT's schedule.

    2.0: one ``YYYYMMDDHHMMSS.export.CSV.zip`` per 15 minutes. 1.0: ``YYYY.zip`` to 2005,
    ``YYYYMM.zip`` 2006-01…2013-03, then ``YYYYMMDD.export.CSV.zip`` daily.
    """
    names: list[str] = []
    if version == 2:
        t = datetime(start.year, start.month, start.day)
        stop = datetime(end.year, end.month, end.day) + timedelta(days=1)
        while t < stop:
            names.append(f"{t:%Y%m%d%H%M%S}.export.CSV.zip")
            t += timedelta(minutes=15)
        return names
    d = start
    while d <= end:
        if d.year <= 2005:
            name = f"{d.year}.zip"
            d = date(d.year + 1, 1, 1)
        elif d < date(2013, 4, 1):
            name = f"{d:%Y%m}.zip"
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        else:
            name = f"{d:%Y%m%d}.export.CSV.zip"
            d += timedelta(days=1)
        if name not in names:
            names.append(name)
    return names


def parse_master_list(text: str) -> list[RemoteFile]:
    """Rows of GDELT 2.0's ``masterfilelist.txt`` (``size md5 url``), export files only."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].endswith(".export.CSV.zip"):
            size, md5, url = parts
            out.append(RemoteFile(url.rsplit("/", 1)[-1], url,
                                  int(size) if size.isdigit() else None, md5.lower()))
    return out


_INDEX_RE = re.compile(
    r'href="?([^">\s]+\.zip)"?[^<]*</a>(?:[^<\n]*?MD5:\s*([0-9a-fA-F]{32}))?', re.IGNORECASE)


def parse_index_v1(text: str, base_url: str) -> list[RemoteFile]:
    """Zip files listed in GDELT 1.0's ``events/index.html`` (with MD5 where given)."""
    out = []
    for m in _INDEX_RE.finditer(text):
        name = m.group(1).rsplit("/", 1)[-1]
        if re.fullmatch(r"(\d{4}|\d{6}|\d{8}\.export\.CSV)\.zip", name):
            md5 = m.group(2).lower() if m.group(2) else None
            out.append(RemoteFile(name, base_url.rstrip("/") + "/" + name, None, md5))
    return out


def _in_range(name: str, start: date, end: date) -> bool:
    stamp = name.split(".")[0]
    try:
        if len(stamp) == 4:
            return int(stamp) in range(start.year, end.year + 1)
        if len(stamp) == 6:
            first = date(int(stamp[:4]), int(stamp[4:]), 1)
            nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
            return first <= end and nxt > start
        day = datetime.strptime(stamp[:8], "%Y%m%d").date()
    except ValueError:
        return False
    return start <= day <= end


def _http_get_text(url: str, timeout: float) -> str:
    import requests

    try:
        resp = requests.get(url, timeout=timeout)
        resp.raise_for_status()
    except requests.RequestException as exc:
        raise error("E114", url=url, reason=str(exc).splitlines()[0][:200]) from exc
    return resp.text


def list_remote(start: date, end: date, version: int, *, base_url: str | None = None,
                timeout: float = 60.0) -> list[RemoteFile]:
    """Export files the GDELT server lists for the range (its master list / index page)."""
    if version == 2:
        url = (base_url.rstrip("/") + "/gdeltv2/masterfilelist.txt") if base_url else MASTER_V2
        files = parse_master_list(_http_get_text(url, timeout))
        if base_url:  # serve the same names from the given server
            files = [RemoteFile(f.name, base_url.rstrip("/") + "/gdeltv2/" + f.name, f.size, f.md5)
                     for f in files]
    else:
        url = (base_url.rstrip("/") + "/events/index.html") if base_url else INDEX_V1
        files = parse_index_v1(_http_get_text(url, timeout), url.rsplit("/", 1)[0])
    return [f for f in files if _in_range(f.name, start, end)]


def _md5(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "md5").hexdigest()


def download_file(remote: RemoteFile, folder: Path, *, timeout: float = 120.0,
                  retries: int = 1) -> Path:
    """Download one file into ``folder`` with resume (HTTP Range on a ``.part`` file) and MD5
    check (:func:`bilat.sources.core.download`); a finished file whose MD5 matches is not
    downloaded again. E107 when the MD5 still differs after ``retries`` fresh attempts."""
    from bilat.sources.core import download

    folder.mkdir(parents=True, exist_ok=True)
    final = mirror_file(folder, remote.name, must_exist=False)  # a listed name stays inside
    if final.exists() and (remote.md5 is None or _md5(final) == remote.md5):
        return final
    final.unlink(missing_ok=True)
    for attempt in range(retries + 1):
        try:
            return download(remote.url, final, md5=remote.md5, timeout=timeout,
                            progress=False)
        except BilatError as exc:
            if exc.code != "E017":
                raise
            if attempt == retries:
                got = exc.message.split("got ", 1)[-1].split(";", 1)[0]
                raise error("E107", name=remote.name, expected=remote.md5, got=got) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def _mirror_index(mirror: Path) -> tuple[Path, set[str]]:
    """``<mirror>/gdelt`` (jailed) and the names of the files in it, listed once."""
    try:
        folder = mirror_file(mirror, "gdelt")
    except BilatError:
        return Path(mirror) / "gdelt", set()
    try:
        return folder, {e.name for e in os.scandir(folder)}
    except OSError as exc:
        raise error("E003", path=folder) from exc


def _mirror_lookup(mirror: Path, name: str, index: set[str] | None = None) -> Path | None:
    """``<mirror>/gdelt/<name>``, zipped or unzipped (``X.export.CSV.zip`` or ``X.export.CSV``).

    Jailed (:func:`bilat.sources.core.mirror_file`): a name with ``..`` or a link leading
    out of the mirror is refused (E011)."""
    if index is None:
        _folder, index = _mirror_index(mirror)
    stem = name[:-4] if name.lower().endswith(".zip") else name
    cands = [name, stem, stem + ".zip"]
    if stem.isdigit():  # monthly / yearly backfile unzipped: 201203.csv / 201203.CSV
        cands += [stem + ".csv", stem + ".CSV"]
    for cand in cands:
        if cand in index:
            found = mirror_file(mirror, "gdelt", cand)
            if found.is_file():
                return found
    return None


#: First day of each GDELT version's event files (1.0 backfile from 1979; 2.0 from
#: 18 February 2015, 23:00 UTC: the first 15-minute file).
FIRST_DAY = {1: date(1979, 1, 1), 2: date(2015, 2, 18)}


def clip_range(d0: date, d1: date, version: int) -> tuple[date, date]:
    """``d0``…``d1`` clipped to the days GDELT ``version`` has files for (first day to
    today, UTC); E115 for a reversed range, E120 when nothing is left."""
    if d1 < d0:
        raise error("E115", start=d0, end=d1)
    today = datetime.now(UTC).date()
    first = FIRST_DAY[version]
    a, b = max(d0, first), min(d1, today)
    if b < a:
        raise error("E120", version=version, start=d0, end=d1, first=first)
    return a, b


def fetch_gdelt(
    start: str | date,
    end: str | date,
    version: int = 2,
    *,
    mirror: str | Path | None = None,
    store: Store,
    on_bad_rows: str = "fail",
    allow_missing: bool = False,
    base_url: str | None = None,
    download_dir: str | Path | None = None,
    progress: ProgressCallback | None = None,
    timeout: float = 120.0,
) -> FetchReport:
    """Download (or read from a mirror) the GDELT exports for ``start``…``end`` and ingest them.

    Online: the file list comes from GDELT's master list (2.0) or index page (1.0); each file is
    downloaded with resume and checked against its MD5. Mirror (``mirror`` or
    ``$BILAT_MIRROR``): the same upstream names are read from ``<mirror>/gdelt/`` (zipped or
    not); a ``masterfilelist.txt`` there, if present, sets the expected list, else GDELT's
    publication schedule does. Files already ingested are skipped (resume). Returns a
    completeness report; missing or failed files raise E108 unless ``allow_missing``.
    """
    if version not in (1, 2):
        raise error("E012", value=version, option="--version", options="1, 2")
    d0, d1 = clip_range(_parse_day(start), _parse_day(end), version)
    # An explicit server (base_url) beats a mirror that only comes from $BILAT_MIRROR.
    folder = None if base_url is not None and mirror is None else resolve_mirror(mirror)
    report = FetchReport(version, d0, d1)
    local: list[Path] = []
    if folder is not None:
        gdelt_dir, index = _mirror_index(folder)
        listing = "masterfilelist.txt" if version == 2 else "index.html"
        master = mirror_file(folder, "gdelt", listing) if listing in index else None
        if master is not None and master.is_file():
            text = master.read_text(encoding="utf-8", errors="replace")
            listed = parse_master_list(text) if version == 2 else parse_index_v1(text, "")
            names = [f.name for f in listed if _in_range(f.name, d0, d1)]
        else:
            names = expected_files(d0, d1, version)
        report.expected = names
        for i, name in enumerate(names):
            found = _mirror_lookup(folder, name, index)
            if found is None:
                report.missing.append(name)
            else:
                local.append(found)
                report.received.append(name)
            if progress is not None:
                progress("mirror", i + 1, len(names))
    else:
        remote = list_remote(d0, d1, version, base_url=base_url, timeout=timeout)
        report.expected = [f.name for f in remote]
        target = Path(download_dir) if download_dir else store.data_dir / "downloads" / "gdelt"
        for i, rf in enumerate(remote):
            csv_name = rf.name[:-4]
            done_before = store.con.execute(
                "SELECT count(*) FROM ingest_log WHERE kind = ? AND key = ?",
                [_KIND, csv_name]).fetchone()[0]
            if done_before:
                report.received.append(rf.name)
                report.failed.pop(rf.name, None)
                if progress is not None:
                    progress("download", i + 1, len(remote))
                continue
            try:
                local.append(download_file(rf, target, timeout=timeout))
                report.received.append(rf.name)
            except BilatError as exc:
                if exc.code == "E010" and "404" in exc.message:
                    report.missing.append(rf.name)
                else:
                    report.failed[rf.name] = exc.message
            if progress is not None:
                progress("download", i + 1, len(remote))
    report.ingest = ingest(store, local, on_bad_rows=on_bad_rows, progress=progress,
                           source=str(folder) if folder is not None else None)
    if not allow_missing and (report.missing or report.failed):
        gaps = report.missing + list(report.failed)
        first = gaps[0]
        if folder is not None and len(gaps) == 1:
            raise error("E011", path=first, mirror=gdelt_dir)
        detail = f"{first}: {report.failed[first]}" if first in report.failed else first
        raise error("E108", missing=len(gaps), expected=len(report.expected), first=detail)
    return report


def ingested_files(store: Store) -> pd.DataFrame:
    """The GDELT files in the store (ingest log rows of kind ``gdelt``)."""
    return store.ingest_log(_KIND)


__all__ = [
    "BILAT_COLUMNS",
    "FIELDS_V1_BACKFILE",
    "FIELDS_V1_DAILY",
    "FIELDS_V2",
    "INDEX_V1",
    "LAYOUTS",
    "MASTER_V2",
    "ON_BAD_ROWS",
    "STORE_COLUMNS",
    "FetchReport",
    "FileResult",
    "IngestReport",
    "Layout",
    "RemoteFile",
    "column_type",
    "detect_layout",
    "detect_version",
    "download_file",
    "check_parts",
    "clip_range",
    "ensure_events_view",
    "events_table",
    "expected_files",
    "fetch_gdelt",
    "ingest",
    "ingested_files",
    "list_remote",
    "parse_index_v1",
    "parse_master_list",
    "quarantine",
    "read_gdelt",
    "repair_parts",
    "volume_summary",
]
