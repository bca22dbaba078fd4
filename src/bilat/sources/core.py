"""The shared source core: one way to find, fetch, hash, check and store every source.

A source module in :mod:`bilat.sources` declares a :class:`Source` — where its files live
upstream and in a mirror, the store table they go to, the citation, and a ``parse`` function
that turns one file into a :class:`pyarrow.Table` — and nothing else. Everything around the
parser lives here, once:

* **The mirror** (:func:`mirror_file`, :func:`mirror_url_path`): a file or URL read through
  ``--mirror`` / ``BILAT_MIRROR`` resolves *under* the source's folder of the mirror or is
  refused with E011 (``..`` segments in any case or scheme, absolute paths, symlinks that
  lead outside).
* **Downloads** (:func:`download`): to a ``.part`` file with HTTP range resume, checked
  against an MD5 or SHA-256 when upstream publishes one (E017), progress on stderr.
* **Bad rows** (:class:`BadRows`): ``--on-bad-rows fail|skip|quarantine``; ``fail`` raises
  E015 (or the source's own error) naming file and line; ``skip`` counts the rows by reason;
  ``quarantine`` also keeps file, line, reason and the raw line in the ``bad_rows`` table.
* **Content hashes and the ingest transaction** (:func:`ingest`): a file whose SHA-256 is
  in ``ingest_log`` under the same key is not even parsed again; a changed file of the same
  name *replaces* the rows that file stored before (a complete download replaces a partial
  one); rows whose identity (``Source.key_columns``) is already stored from another file are
  not stored twice and are counted. Table creation, the delete, the insert, the quarantine
  rows and the log entry happen in one DuckDB transaction: an error or interrupt leaves the
  store as it was.
* **No traceback at the boundary**: any exception a parser lets through from pandas,
  pyarrow, pyreadr, an xlsx reader or the OS becomes one :class:`~bilat.errors.BilatError`
  line naming the file (E013); a full disk says so (E019).

A new source is therefore a short file::

    SOURCE = Source(kind="atop", table="atop_dyad_year", mirror_dir="alliances_atop",
                    files=("atop_alliance.csv.gz",), urls={...}, citation="…",
                    parse=parse_atop, key_columns=("atopid", "ccode1", "ccode2", "year"))

    def fetch_atop(store, mirror=None, **kw):
        return fetch(SOURCE, store, mirror=mirror, **kw)
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from bilat.errors import BilatError, error

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from bilat.store import Store

#: Accepted ``--on-bad-rows`` values; ``error`` is an older spelling of ``fail``.
ON_BAD_ROWS = ("fail", "skip", "quarantine")

_BAD_ROWS_DDL = """
CREATE TABLE IF NOT EXISTS bad_rows (
    kind VARCHAR NOT NULL,      -- source kind, e.g. 'atop'
    file VARCHAR NOT NULL,      -- upstream file name
    line BIGINT,                -- 1-based physical line (or sheet row) in that file
    reason VARCHAR NOT NULL,
    raw VARCHAR,                -- the raw line or row, as read (cut at 2,000 characters)
    set_aside_at TIMESTAMP NOT NULL
)
"""


def check_on_bad_rows(value: str) -> str:
    """The policy name, normalised (``error`` → ``fail``); E016 for anything else."""
    v = str(value).strip().lower()
    if v == "error":
        v = "fail"
    if v not in ON_BAD_ROWS:
        raise error("E016", value=value)
    return v


# ----------------------------------------------------------------------------- mirror jail
def _within(root: Path, target: Path) -> bool:
    try:
        target.relative_to(root)
    except ValueError:
        return False
    return True


def _safe_parts(parts: Iterable[str], shown: str, mirror: Path) -> list[str]:
    """Path segments with ``.`` removed; any ``..`` (after %-decoding) is refused (E011)."""
    out: list[str] = []
    for raw in parts:
        seg = unquote(raw)
        for piece in seg.replace("\\", "/").split("/"):
            if piece in ("", "."):
                continue
            if piece == ".." or "\x00" in piece:
                raise error("E011", path=shown, mirror=mirror,
                            why=" (a '..' segment would leave it)")
            out.append(piece)
    return out


def mirror_file(mirror: Path, *parts: str, must_exist: bool = True) -> Path:
    """``<mirror>/<parts…>``, resolved and refused (E011) unless it stays inside ``mirror``.

    ``parts`` may hold several segments each (``"unga/un_votes.csv"``); ``..``, absolute
    paths and symlinks whose target lies outside the mirror are refused. With
    ``must_exist`` (default) a missing file is E011 too.
    """
    root = Path(mirror).resolve()
    shown = "/".join(parts)
    segs = _safe_parts(parts, shown, root)
    target = root.joinpath(*segs)
    resolved = target.resolve()
    if not _within(root, resolved):
        raise error("E011", path=shown, mirror=root, why=" (it leads outside through a link)")
    if must_exist and not resolved.exists():
        raise error("E011", path=shown, mirror=root)
    return resolved


def mirror_url_path(mirror: Path, url: str, subdir: str = "texts") -> Path:
    """Where a URL lives in a mirror: ``<mirror>/<subdir>/<host>/<path>`` (jailed, E011).

    Any scheme and case (``HTTP://``, ``https://``); an empty path or one ending in ``/``
    reads ``index.html``; a query string is appended as ``_<query>``. A host that is empty,
    ``.`` or ``..`` and any ``..`` segment are refused.
    """
    root = Path(mirror).resolve()
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if host in ("", ".", "..") or "/" in host or "\\" in host:
        raise error("E011", path=url, mirror=root, why=" (no usable host in the URL)")
    path = parts.path or "/"
    if path.endswith("/"):
        path += "index.html"
    if parts.query:
        path += "_" + parts.query
    segs = _safe_parts([path], url, root)
    if not segs:
        raise error("E011", path=url, mirror=root)
    # normpath cannot climb: '..' segments were refused above
    rel = posixpath.join(subdir, host.lower(), *segs)
    return mirror_file(root, rel, must_exist=False)


def find_in_mirror(mirror: Path, folder: str, names: Sequence[str]) -> list[Path]:
    """The files of ``names`` (exact names or glob patterns) under ``<mirror>/<folder>``.

    Every match is jailed like :func:`mirror_file`. Missing exact names raise E011; a pattern
    that matches nothing is simply absent from the result.
    """
    root = Path(mirror).resolve()
    base = mirror_file(root, folder)
    found: list[Path] = []
    for name in names:
        if any(ch in name for ch in "*?["):
            for cand in sorted(base.glob(name)):
                if cand.is_file():
                    found.append(mirror_file(root, folder, str(cand.relative_to(base))))
        else:
            found.append(mirror_file(root, folder, name))
    return found


# ----------------------------------------------------------------------------- hashing, download
def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks (E013 if it cannot be read)."""
    h = hashlib.sha256()
    try:
        with Path(path).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        raise error("E013", path=path, fmt="a file", reason=_os_reason(exc)) from exc
    return h.hexdigest()


def _os_reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text).splitlines()[0] if text else type(exc).__name__


def download(
    url: str,
    target: str | Path,
    *,
    md5: str | None = None,
    sha256: str | None = None,
    timeout: float = 120.0,
    progress: bool | None = None,
    session: Any = None,
) -> Path:
    """Download ``url`` to ``target`` through ``target.part`` with HTTP range resume.

    A partial ``.part`` left by an interrupted run is resumed when the server honours
    ``Range``; the finished file is checked against ``md5``/``sha256`` when given (E017,
    and the bad copy is removed) and only then renamed into place. Network failures are
    E010 naming the URL. ``progress`` (default: stderr is a terminal) shows a Rich bar.
    """
    import requests

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    http = session or requests
    show = sys.stderr.isatty() if progress is None else progress
    have = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": "bilat (research toolkit)"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        with http.get(url, stream=True, timeout=timeout, headers=headers) as resp:
            if resp.status_code == 416:  # already complete
                pass
            else:
                resp.raise_for_status()
                mode = "ab" if have and resp.status_code == 206 else "wb"
                total = resp.headers.get("Content-Length")
                bar = _Bar(target.name, int(total) + (have if mode == "ab" else 0)
                           if total else None, have if mode == "ab" else 0) if show else None
                with part.open(mode) as fh:
                    for chunk in resp.iter_content(1 << 16):
                        fh.write(chunk)
                        if bar:
                            bar.advance(len(chunk))
                if bar:
                    bar.close()
    except OSError as exc:
        if getattr(exc, "errno", None) == 28:
            raise error("E019", path=part, reason="no space left on device") from exc
        raise error("E010", url=url, reason=_os_reason(exc)) from exc
    except requests.RequestException as exc:
        raise error("E010", url=url, reason=str(exc).splitlines()[0]) from exc
    for algo, want in (("md5", md5), ("sha256", sha256)):
        if want:
            h = hashlib.new(algo)
            with part.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            got = h.hexdigest()
            if got.lower() != want.lower():
                part.unlink(missing_ok=True)
                raise error("E017", name=target.name, expected=want, got=got)
    part.replace(target)
    return target


class _Bar:
    """A small Rich progress bar on stderr (only when stderr is a terminal)."""

    def __init__(self, name: str, total: int | None, done: int = 0) -> None:
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        self._p = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                           transient=True)
        self._p.start()
        self._t = self._p.add_task(name, total=total, completed=done)

    def advance(self, n: int) -> None:
        self._p.advance(self._t, n)

    def close(self) -> None:
        self._p.stop()


def progress_bar(items: Sequence[Any], description: str, enabled: bool | None = None
                 ) -> Iterable[Any]:
    """Iterate ``items`` with a Rich progress bar on stderr when it is a terminal."""
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show or len(items) < 2:
        yield from items
        return
    from rich.console import Console
    from rich.progress import track

    yield from track(items, description=description, console=Console(stderr=True),
                     transient=True)


# ----------------------------------------------------------------------------- bad rows
def physical_lines(path: str | Path, lines: Iterable[int]) -> dict[int, str]:
    """The text of 1-based physical ``lines`` of a text file (plain, ``.gz`` or a one-member
    ``.zip``), as they stand: line end removed, bytes that are not UTF-8 replaced. Lines the
    file does not have, and files that are not text (spreadsheets, R data), give nothing."""
    import gzip
    import zipfile

    want = set(lines)
    out: dict[int, str] = {}
    path = Path(path)
    if not want or not path.is_file():
        return out
    name = path.name.lower()
    if name.endswith((".xlsx", ".xls", ".rda", ".rdata", ".rds", ".parquet")):
        return out
    try:
        if name.endswith(".gz"):
            fh: Any = gzip.open(path, "rb")  # noqa: SIM115 - closed by the with below
        elif name.endswith(".zip"):
            zf = zipfile.ZipFile(path)
            members = [m for m in zf.namelist() if not m.endswith("/")]
            if len(members) != 1:
                return out
            fh = zf.open(members[0])
        else:
            fh = path.open("rb")  # noqa: SIM115
        with fh:
            last = max(want)
            for i, data in enumerate(fh, start=1):
                if i in want:
                    if b"\x00" in data:
                        return {}
                    text = data.rstrip(b"\r\n").decode("utf-8", errors="replace")
                    out[i] = text.removeprefix("\ufeff") if i == 1 else text
                if i >= last:
                    break
    except (OSError, zipfile.BadZipFile, EOFError):
        return {}
    return out


@dataclass
class BadRow:
    """One row set aside: the file, its 1-based line (or sheet row), why, and the raw text."""

    file: str
    line: int | None
    reason: str
    raw: str = ""


class BadRows:
    """The ``--on-bad-rows`` policy for one file: fail on the first, or count and keep aside.

    Parsers call :meth:`add` for each bad row (or :meth:`add_mask` for a vectorised check);
    under ``fail`` it raises at once (E015, or the ``BilatError`` given) naming file and line.
    """

    def __init__(self, policy: str, file: str | Path) -> None:
        self.policy = check_on_bad_rows(policy)
        self.file = str(file)
        self.rows: list[BadRow] = []
        self._lines: dict[int, str] = {}

    def add(self, line: int | None, reason: str, raw: str = "",
            exc: BilatError | None = None) -> None:
        """Record one bad row, or raise under ``fail``."""
        if self.policy == "fail":
            if exc is not None:
                raise exc
            raise error("E015", path=self.file, line=line, reason=reason)
        self.rows.append(BadRow(Path(self.file).name, line, reason, raw[:2000]))

    def add_mask(self, df: Any, mask: Any, reason: str, *, line_column: str = "_line",
                 raw: Callable[[Any], str] | None = None) -> Any:
        """Rows of pandas ``df`` where ``mask`` is true are bad; returns ``df`` without them."""
        if not bool(mask.any()):
            return df
        bad = df[mask]
        if raw is None and self.policy != "fail" and line_column in bad.columns:
            self._lines.update(physical_lines(self.file, [int(x) for x in bad[line_column]
                                                          if x is not None and x == x]))
        for _, r in bad.iterrows():
            line = r.get(line_column)
            line = None if line is None or line != line else int(line)
            text = raw(r) if raw else self._lines.get(line) if line is not None else None
            if not text and not raw:  # not a text file: the row as read
                text = "\t".join("" if v is None else str(v) for v in r.values)
            self.add(line, reason, text)
        return df[~mask]

    def line_text(self, line: int | None) -> str:
        """The file's physical ``line`` as it stands (line end removed): the raw text a
        quarantine keeps, never a row rebuilt from parsed values. '' when the file is not a
        text file (a spreadsheet, R data) or has no such line."""
        if line is None:
            return ""
        if line not in self._lines:
            self._lines[line] = physical_lines(self.file, [line]).get(line, "")
        return self._lines[line]

    @property
    def counts(self) -> dict[str, int]:
        """Rows set aside, by reason."""
        return dict(Counter(r.reason for r in self.rows))

    def __len__(self) -> int:
        return len(self.rows)


# ----------------------------------------------------------------------------- the source spec
Parser = Callable[[Path, BadRows], "pa.Table"]


@dataclass(frozen=True)
class Source:
    """A source's layout and home: what the shared core needs to fetch and store it.

    ``parse(path, bad_rows)`` reads one upstream file and returns an Arrow table in the
    store's schema for ``table`` (ISO3 codes, typed columns); it reports rows out of the
    field's domain through ``bad_rows`` and raises :class:`BilatError` for whole-file
    problems. The core adds ``source_file`` (the upstream file name) to every row.
    """

    kind: str                         #: short name, used in ingest_log and bad_rows
    table: str                        #: store table the rows go to
    mirror_dir: str                   #: folder under the mirror (``../shared/data/<dir>``)
    files: tuple[str, ...]            #: upstream file names (or glob patterns)
    parse: Parser
    citation: str = ""
    urls: dict[str, str] = field(default_factory=dict)  #: upstream URL per file name
    key_columns: tuple[str, ...] = ()  #: row identity across files (stored once)
    title: str = ""                   #: a human name, e.g. "COW dyadic trade v4.0"
    #: called as ``on_stored(store, table, file)`` inside the file's ingest transaction,
    #: after its rows are stored (e.g. :func:`bilat.store.dyad_day.on_stored`)
    on_stored: Callable[[Store, str, str], None] | None = None


@dataclass
class IngestResult:
    """What one file's ingest did: rows added, replaced, already stored, set aside."""

    kind: str
    file: str
    sha256: str
    status: str = "added"             #: added | unchanged | replaced
    rows_added: int = 0
    rows_replaced: int = 0            #: rows of an earlier version of this file removed
    rows_already_stored: int = 0      #: same identity already stored from another file
    bad_rows: dict[str, int] = field(default_factory=dict)
    origin: str = ""
    #: of an unchanged file: rows set aside (``--on-bad-rows skip|quarantine``) when it was
    #: stored, which this run's policy does not revisit
    set_aside_before: int = 0

    def summary(self) -> str:
        if self.status == "unchanged":
            text = f"{self.file}: unchanged (already stored), 0 rows added"
            if self.set_aside_before:
                text += (f"; {self.set_aside_before:,} of its rows were set aside when it was "
                         "stored (--on-bad-rows skip or quarantine; `bilat events quarantine` "
                         "lists them)")
            return text
        text = f"{self.file}: {self.rows_added:,} rows added"
        if self.rows_replaced:
            text += f", {self.rows_replaced:,} rows of the earlier version replaced"
        if self.rows_already_stored:
            text += f", {self.rows_already_stored:,} already stored from another file"
        if self.bad_rows:
            text += ", set aside: " + ", ".join(f"{n:,} {r}" for r, n in self.bad_rows.items())
        return text


def _arrow_to_duck_type(t: Any) -> str:
    import pyarrow as pa

    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_integer(t):
        return "BIGINT"
    if pa.types.is_floating(t):
        return "DOUBLE"
    if pa.types.is_date(t):
        return "DATE"
    if pa.types.is_timestamp(t):
        return "TIMESTAMP"
    if pa.types.is_decimal(t):
        return "DOUBLE"
    return "VARCHAR"


def ensure_table(store: Store, table: str, schema: Any) -> None:
    """Create ``table`` from an Arrow schema (plus ``source_file``) when it does not exist."""
    cols = [f'"{f.name}" {_arrow_to_duck_type(f.type)}' for f in schema
            if f.name != "source_file"]
    cols.append('"source_file" VARCHAR')
    store.con.execute(f'CREATE TABLE IF NOT EXISTS "{table}" ({", ".join(cols)})')


def _wrap(path: Path, fmt: str, exc: BaseException) -> BilatError:
    if isinstance(exc, OSError) and getattr(exc, "errno", None) == 28:
        return error("E019", path=path, reason="no space left on device")
    reason = _os_reason(exc) if isinstance(exc, OSError) else (
        str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return error("E013", path=path, fmt=fmt, reason=reason[:300])


def parse_file(source: Source, path: Path, bad: BadRows) -> pa.Table:
    """Run ``source.parse`` with the boundary guard: only BilatError may leave it."""
    try:
        return source.parse(path, bad)
    except BilatError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError as exc:
        raise error("E013", path=path, fmt=source.title or source.kind,
                    reason="not enough memory") from exc
    except Exception as exc:  # noqa: BLE001 - the boundary: every other failure is one line
        raise _wrap(path, source.title or source.kind, exc) from exc


def ingest(
    store: Store,
    source: Source,
    paths: Sequence[str | Path],
    *,
    on_bad_rows: str = "fail",
    origin: str | None = None,
    progress: bool | None = None,
) -> list[IngestResult]:
    """Parse and store ``paths`` for ``source``, one transaction per file.

    Idempotent: a file whose name and SHA-256 are already logged is skipped before parsing.
    A changed file of the same name replaces the rows it stored before. Rows whose
    ``key_columns`` already exist in the table (from another file) are not stored again.
    Raises :class:`BilatError` (nothing of that file stored) on a whole-file problem, or
    under ``on_bad_rows='fail'`` on the first bad row.
    """
    policy = check_on_bad_rows(on_bad_rows)
    results: list[IngestResult] = []
    try:
        for p in progress_bar(list(paths), f"loading {source.kind}", progress):
            path = Path(p)
            if not path.is_file():
                raise error("E013", path=path, fmt=source.title or source.kind,
                            reason="no such file")
            sha = sha256_file(path)
            res = IngestResult(source.kind, path.name, sha, origin=origin or str(path))
            if store.already_ingested(source.kind, path.name, sha):
                res.status = "unchanged"
                res.set_aside_before = _set_aside_before(store, source.kind, path.name, sha)
                results.append(res)
                continue
            bad = BadRows(policy, path)
            table = parse_file(source, path, bad)
            res.bad_rows = bad.counts
            _store_table(store, source, path, sha, table, bad, res)
            results.append(res)
    except BilatError as exc:
        raise with_stored_note(exc, results) from exc
    return results


def _set_aside_before(store: Store, kind: str, key: str, sha256: str) -> int:
    row = store.con.execute(
        "SELECT max(skipped) FROM ingest_log WHERE kind = ? AND key = ? AND sha256 = ?",
        [kind, key, sha256]).fetchone()
    return int(row[0] or 0) if row else 0


def with_stored_note(exc: BilatError, results: Sequence[IngestResult]) -> BilatError:
    """``exc`` with a note naming the files this command had already stored (each file is
    its own transaction: those stay, the failing one left nothing), so a failed command never
    looks as if it stored nothing. Returns ``exc`` itself when none were stored."""
    stored = [r.file for r in results if r.status != "unchanged"]
    if not stored or "stored before this failure" in exc.message:
        return exc
    names = ", ".join(stored[:3]) + (f" and {len(stored) - 3} more" if len(stored) > 3 else "")
    note = (f" ({len(stored)} file{'s' if len(stored) > 1 else ''} stored before this "
            f"failure, kept: {names}; a re-run skips them)")
    return BilatError(exc.code, exc.message + note, path=exc.path, line=exc.line)


def fetch_group(sources: Sequence[Source], store: Store, *, mirror: str | Path | None = None,
                on_bad_rows: str = "fail", **kw: Any) -> list[IngestResult]:
    """:func:`fetch` several sources that are loaded as one (SIPRI's two exports): with a
    mirror, every source's files are found first, so a missing one (E011) stops the command
    before anything is stored; a later failure names what was stored before it."""
    from bilat.config import resolve_mirror

    folder = resolve_mirror(mirror)
    if folder is not None:
        for src in sources:
            find_in_mirror(folder, src.mirror_dir, list(kw.get("files") or src.files))
    results: list[IngestResult] = []
    try:
        for src in sources:
            results += fetch(src, store, mirror=mirror, on_bad_rows=on_bad_rows, **kw)
    except BilatError as exc:
        raise with_stored_note(exc, results) from exc
    return results


def _store_table(store: Store, source: Source, path: Path, sha: str, table: pa.Table,
                 bad: BadRows, res: IngestResult) -> None:
    import pyarrow as pa

    con = store.con
    name = path.name
    table = table.append_column("source_file", pa.array([name] * table.num_rows, pa.string())) \
        if "source_file" not in table.column_names else table
    try:
        with store.transaction():
            ensure_table(store, source.table, table.schema)
            con.execute(_BAD_ROWS_DDL)
            # an earlier version of this file is in the log (one row per stored version):
            # only then scan the table for its rows
            logged = con.execute("SELECT count(*) FROM ingest_log WHERE kind = ? AND key = ?",
                                 [source.kind, name]).fetchall()[0][0]
            prior = con.execute(
                f'SELECT count(*) FROM "{source.table}" WHERE source_file = ?', [name]
            ).fetchall()[0][0] if logged else 0
            if prior:
                con.execute(f'DELETE FROM "{source.table}" WHERE source_file = ?', [name])
                con.execute("DELETE FROM ingest_log WHERE kind = ? AND key = ?",
                            [source.kind, name])
                con.execute("DELETE FROM bad_rows WHERE kind = ? AND file = ?",
                            [source.kind, name])
                res.status = "replaced"
                res.rows_replaced = int(prior)
            con.register("_bilat_new", table)
            try:
                cols = ", ".join(f'"{c}"' for c in table.column_names)
                before = con.execute(f'SELECT count(*) FROM "{source.table}"').fetchall()[0][0]
                if source.key_columns:
                    # an equi-join (hash) anti-join: a NULL key never matches, so such a row
                    # is kept (parsers refuse rows without an identity)
                    keys = " AND ".join(f'n."{k}" = s."{k}"' for k in source.key_columns)
                    part = ", ".join(f'"{k}"' for k in source.key_columns)
                    ncols = ", ".join(f'n."{c}"' for c in table.column_names)
                    con.execute(
                        f'INSERT INTO "{source.table}" ({cols}) '
                        f"SELECT {ncols} FROM (SELECT *, row_number() OVER (PARTITION BY {part}) "
                        f"AS _rn FROM _bilat_new) n ANTI JOIN "
                        f'(SELECT {part} FROM "{source.table}") s ON {keys} WHERE n._rn = 1'
                    )
                else:
                    con.execute(f'INSERT INTO "{source.table}" ({cols}) SELECT {cols} '
                                "FROM _bilat_new")
                after = con.execute(f'SELECT count(*) FROM "{source.table}"').fetchall()[0][0]
            finally:
                con.unregister("_bilat_new")
            res.rows_added = int(after - before)
            res.rows_already_stored = int(table.num_rows - res.rows_added)
            if source.on_stored is not None:  # derived tables, in the same transaction
                source.on_stored(store, source.table, name)
            if bad.policy == "quarantine" and bad.rows:
                now = datetime.now(UTC).replace(tzinfo=None)
                con.executemany(
                    "INSERT INTO bad_rows VALUES (?, ?, ?, ?, ?, ?)",
                    [(source.kind, r.file, r.line, r.reason, r.raw, now) for r in bad.rows],
                )
            store.record_ingest(source.kind, name, sha, res.rows_added, skipped=len(bad),
                                source=res.origin)
    except BilatError:
        raise
    except OSError as exc:
        raise _wrap(path, source.title or source.kind, exc) from exc
    except Exception as exc:  # duckdb errors: one line naming the file and the real cause
        msg = str(exc)
        if "No space left" in msg or "no space left" in msg:
            raise error("E019", path=store.path or path, reason="no space left on device") \
                from exc
        raise error("E013", path=path, fmt=f"rows for table {source.table}",
                    reason=msg.splitlines()[0][:300]) from exc


def fetch(
    source: Source,
    store: Store,
    *,
    mirror: str | Path | None = None,
    cache_dir: str | Path | None = None,
    files: Sequence[str] | None = None,
    on_bad_rows: str = "fail",
    progress: bool | None = None,
) -> list[IngestResult]:
    """Get ``source``'s files from the mirror (``<mirror>/<mirror_dir>/``) or upstream, and
    :func:`ingest` them.

    ``mirror`` defaults to ``$BILAT_MIRROR``; without one, each file is downloaded from
    ``source.urls`` into ``cache_dir`` (default ``<store data>/downloads/<kind>/``), resuming
    a partial download. ``files`` narrows to some of the source's file names.
    """
    from bilat.config import resolve_mirror

    names = list(files) if files else list(source.files)
    folder = resolve_mirror(mirror)
    if folder is not None:
        paths = find_in_mirror(folder, source.mirror_dir, names)
        if not paths:
            raise error("E011", path=f"{source.mirror_dir}/{names[0]}", mirror=folder)
        return ingest(store, source, paths, on_bad_rows=on_bad_rows,
                      origin=f"mirror:{source.mirror_dir}", progress=progress)
    cache = Path(cache_dir) if cache_dir else store.data_dir / "downloads" / source.kind
    paths = []
    for name in names:
        url = source.urls.get(name)
        if url is None:
            raise error("E010", url=f"({source.kind}: {name})",
                        reason="no public download address is known for this file; "
                        "download it by hand and use --mirror DIR")
        target = cache / name
        if not target.is_file():
            download(url, target, progress=progress)
        paths.append(target)
    return ingest(store, source, paths, on_bad_rows=on_bad_rows, progress=progress)


def results_frame(results: Sequence[IngestResult]) -> Any:
    """Ingest results as a pandas DataFrame (one row per file)."""
    import pandas as pd

    return pd.DataFrame([
        {"kind": r.kind, "file": r.file, "status": r.status, "rows_added": r.rows_added,
         "rows_replaced": r.rows_replaced, "rows_already_stored": r.rows_already_stored,
         "bad_rows": sum(r.bad_rows.values()), "sha256": r.sha256, "origin": r.origin}
        for r in results
    ])


def require_columns(path: Path, found: Iterable[str], needed: Iterable[str],
                    layout: str) -> None:
    """E014 naming the missing columns when ``needed`` are not all in ``found``."""
    have = list(found)
    missing = [c for c in needed if c not in have]
    if missing:
        raise error("E014", path=path, missing=", ".join(missing),
                    found=", ".join(map(str, have[:20])) + (" …" if len(have) > 20 else ""),
                    expected=layout)


def read_rda(path: Path, fmt: str = "R data file") -> dict[str, Any]:
    """All objects of an ``.rda``/``.rds`` file as pandas DataFrames (pyreadr); E013 if not."""
    import pyreadr

    try:
        return dict(pyreadr.read_r(str(path)))
    except Exception as exc:  # noqa: BLE001 - pyreadr raises several kinds
        raise _wrap(path, fmt, exc) from exc


def env_flag(name: str) -> bool:
    """True when environment variable ``name`` is set to something other than 0/false/empty."""
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


__all__ = [
    "ON_BAD_ROWS", "BadRow", "BadRows", "IngestResult", "Source", "check_on_bad_rows",
    "download", "ensure_table", "fetch", "fetch_group", "find_in_mirror", "ingest", "mirror_file",
    "mirror_url_path", "parse_file", "progress_bar", "read_rda", "require_columns",
    "results_frame", "sha256_file",
]
