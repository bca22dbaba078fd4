"""The embedded store: one DuckDB file, plus the Parquet files it manages beside it.

Every source ingests through :meth:`Store.transaction` and records what it took in
``ingest_log`` (kind, key, content hash, rows), so re-ingesting the same content adds nothing
and a failed ingest leaves the store as it was. Queries are Ibis expressions over
:meth:`Store.table`, executed by DuckDB here and compilable for Spark or BigQuery.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilat.config import resolve_store
from bilat.errors import BilatError, error
from bilat.store.backends import parse_store_url

if TYPE_CHECKING:  # pragma: no cover - duckdb is imported when a store is opened
    import duckdb

_INGEST_LOG = """
CREATE TABLE IF NOT EXISTS ingest_log (
    kind VARCHAR NOT NULL,          -- source kind: 'gdelt', 'unvotes', 'document', ...
    key VARCHAR NOT NULL,           -- upstream file name, URL or document id
    sha256 VARCHAR NOT NULL,        -- content hash of what was ingested
    rows BIGINT NOT NULL,           -- rows (or items) added
    skipped BIGINT NOT NULL DEFAULT 0,  -- rows set aside (--on-bad-rows skip|quarantine)
    source VARCHAR,                 -- where it came from: URL or mirror path
    ingested_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, key, sha256)
)
"""


class Store:
    """A DuckDB database and its managed Parquet folder; open with :func:`open_store`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None, data_dir: Path,
                 *, read_only: bool = False) -> None:
        self.con = con
        #: The DuckDB file, or ``None`` for an in-memory store.
        self.path = path
        #: Folder of Parquet files the store manages (bulk event data).
        self.data_dir = data_dir
        #: Opened read-only (a write raises E026): queries work, ingests do not. Any number
        #: of processes may hold a store read-only at once; one read-write process excludes
        #: every other (DuckDB's file lock).
        self.read_only = read_only
        self._ibis: Any = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._link: str | None = None
        if not read_only:
            self.con.execute(_INGEST_LOG)
        # Keep the Parquet footers DuckDB has read (checked against each file's modification
        # time): a compacted GDELT month holds ~260 row groups × 64 columns of metadata, and
        # parsing every part's footer again was most of a repeated event-level query (100 M
        # events: 1.40 s → 0.34 s; benchmarks/README.md, "Scale").
        with suppress(Exception):
            self.con.execute("SET parquet_metadata_cache = true")

    # ------------------------------------------------------------------ querying
    @property
    def ibis(self) -> Any:
        """An Ibis DuckDB backend sharing this store's connection."""
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def has_table(self, name: str) -> bool:
        """True when a table or view of that name exists."""
        rows = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchall()  # fetchall: a half-read result would block the shared Ibis connection
        return bool(rows and rows[0][0])

    def table(self, name: str, *, next_step: str = "bilat fetch …") -> Any:
        """The Ibis table expression ``name``, or E009 saying how to load it."""
        if not self.has_table(name):
            raise error("E009", name=name, next_step=next_step)
        return self.ibis.table(name)

    # ------------------------------------------------------------------ ingest bookkeeping
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """BEGIN … COMMIT, or ROLLBACK on any exception (including KeyboardInterrupt).

        On a store opened read-only, temporary tables and views may still be made inside; a
        write to the store itself is rolled back and raised as E026 (one line, no traceback
        in the CLI)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException as exc:
            self.con.execute("ROLLBACK")
            if self.read_only and _read_only_refusal(exc):
                raise error("E026", path=self.path or ":memory:", reason=_RO_REASON) from exc
            raise
        else:
            self.con.execute("COMMIT")

    def already_ingested(self, kind: str, key: str, sha256: str) -> bool:
        """Whether this exact content was ingested before under ``kind``/``key``."""
        if self.read_only and not self.has_table("ingest_log"):
            return False
        rows = self.con.execute(
            "SELECT count(*) FROM ingest_log WHERE kind = ? AND key = ? AND sha256 = ?",
            [kind, key, sha256],
        ).fetchall()
        return bool(rows and rows[0][0])

    def check_writable(self) -> None:
        """E026 (one line: what to do) when the store was opened read-only."""
        if self.read_only:
            raise error("E026", path=self.path or ":memory:", reason=_RO_REASON)

    def record_ingest(
        self,
        kind: str,
        key: str,
        sha256: str,
        rows: int,
        *,
        skipped: int = 0,
        source: str | None = None,
    ) -> None:
        """Log an ingest; call inside the same :meth:`transaction` as the data it describes."""
        self.check_writable()
        self.con.execute(
            "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?)",
            [kind, key, sha256, rows, skipped, source, datetime.now(UTC).replace(tzinfo=None)],
        )

    def ingest_log(self, kind: str | None = None) -> Any:
        """The ingest log as a pandas DataFrame (optionally one kind)."""
        sql = "SELECT * FROM ingest_log"
        params: list[str] = []
        if kind is not None:
            sql += " WHERE kind = ?"
            params.append(kind)
        return self.con.execute(sql + " ORDER BY ingested_at, key", params).df()

    # ------------------------------------------------------------------ lifecycle
    def check(self) -> Any:
        """The store's self-check (``bilat doctor``): see :func:`bilat.store.doctor.doctor`."""
        from bilat.store.doctor import doctor

        return doctor(self)

    def close(self) -> None:
        """Close the connection and drop the temporary data folder of an in-memory store."""
        self.con.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        if self._link is not None:
            shutil.rmtree(self._link, ignore_errors=True)
            self._link = None

    def __repr__(self) -> str:
        where = str(self.path) if self.path is not None else ":memory:"
        return f"<bilat Store {where} ({'read-only' if self.read_only else 'read-write'})>"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(store: str | Path | None = None, *, read_only: bool | None = None,
               create: bool = True) -> Store:
    """Open the store at a path or ``duckdb://`` URL (default per config).

    ``read_only=True`` opens the DuckDB file read-only: every query and indicator works (the
    helper views and caches bilat makes while reading are temporary, kept for this
    connection only), an ingest raises E026, and the Parquet folder is not touched. Any
    number of processes may hold a store read-only at once (CLI read commands, ``bilat
    serve``, notebooks); a read-write open excludes every other process, readers included,
    until :meth:`Store.close`. So an analysis session that only reads should say
    ``open_store(path, read_only=True)``.

    The default (``read_only`` not given) opens read-write, so that ingesting into a store
    works as before; in an interactive session (IPython, Jupyter, the Python prompt) opening
    an *existing* store read-write this way warns once (:class:`StoreLockWarning`) that
    other processes are locked out until ``store.close()``. ``read_only=False`` opens
    read-write without the warning. A store that cannot be opened for writing (file mode
    0444, a read-only folder or disk) is opened read-only when ``create`` is False.

    ``create=False`` (read commands) never creates one: a missing store is E022 naming the
    path looked in. With ``create`` left True a missing store is created empty; in an
    interactive session with ``read_only`` not given that is said too (a mistyped path
    would otherwise surface later as "table … is not in the store"). ``":memory:"`` gives
    an in-memory store whose Parquet folder is a temporary directory.

    Within one process DuckDB holds a file in one mode: a read-only open of a store this
    process already holds read-write shares that database (no second lock) and is read-only
    to bilat (``Store.read_only``: reads keep their helper objects temporary, ingests raise
    E026); a read-write open of a store this process holds read-only is E006 naming the
    store to close first.

    Errors, one line each: E023 the folder cannot be made, E024 ``<store>.data`` is a file,
    E025 not a DuckDB file (damaged), E006 in use by another process (its PID when DuckDB
    names it, and what to do), E019 no space left, E022 no store (read-only or
    ``create=False``). Paths holding ``[``, ``]``, ``?``, ``*`` or spaces work.
    """
    import duckdb

    asked = read_only
    read_only = bool(read_only)
    url = parse_store_url(resolve_store(store))
    if url.backend != "duckdb":
        # Spark / BigQuery hold the events themselves; bilat's store stays DuckDB.
        raise error(
            "E012",
            value=f"{url.backend}://",
            option="--store",
            options="a path or duckdb:// URL (Spark, BigQuery: see `bilat events sql`)",
        )
    if url.in_memory:
        tmp = tempfile.TemporaryDirectory(prefix="bilat-")
        try:
            con = duckdb.connect(":memory:")
        except duckdb.Error as exc:  # pragma: no cover - memory exhaustion only
            tmp.cleanup()
            raise error("E006", path=":memory:", reason=str(exc)) from exc
        st = Store(con, None, Path(tmp.name))
        st._tmp = tmp
        return st
    path = Path(url.target).expanduser()
    data_dir = path.with_name(path.name + ".data")
    if path.is_dir():
        raise error("E025", path=path, reason="it is a folder, not a DuckDB file")
    existed = path.exists()
    if not existed:
        if not create or read_only:
            raise error("E022", path=path.absolute())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise error("E023", path=path, reason=_reason(exc)) from exc
    if data_dir.exists() and not data_dir.is_dir():
        raise error("E024", path=data_dir)
    writable = not read_only and _writable(path)
    if not writable and not read_only and create and not path.exists():
        raise error("E023", path=path, reason="the folder is not writable")
    target, link = _duckdb_path(path)
    shared = False
    try:
        try:
            con, shared = _connect(duckdb, target, path, read_only=not writable)
        except BilatError as exc:
            if writable and not create and exc.code in ("E026", "E023"):
                # query a read-only store
                con, shared = _connect(duckdb, target, path, read_only=True)
                writable = False
            else:
                raise
    except BaseException:
        if link is not None:
            shutil.rmtree(link, ignore_errors=True)
        raise
    if writable:
        try:
            data_dir.mkdir(exist_ok=True)
        except OSError as exc:
            con.close()
            if exc.errno in (errno.EEXIST, errno.ENOTDIR):
                raise error("E024", path=data_dir) from exc
            raise error("E023", path=data_dir, reason=_reason(exc)) from exc
    st = Store(con, path, data_dir, read_only=not writable or shared)
    st._link = link
    if writable and asked is None and existed and _interactive():
        import warnings

        warnings.warn(StoreLockWarning(
            f"bilat: {path} is open read-write in this session, so no other process (bilat "
            "commands, `bilat serve`, other notebooks) can open it until store.close(); to "
            "only read, open it with open_store(path, read_only=True)"), stacklevel=2)
    elif not existed and asked is None and _interactive():
        import warnings

        warnings.warn(StoreLockWarning(
            f"bilat: no store was at {path.absolute()}, so a new, empty one was created there; "
            "if you meant an existing store, check the path (open_store(path, create=False) "
            "never creates one)"), stacklevel=2)
    return st


class StoreLockWarning(UserWarning):
    """An interactive session opened an existing store read-write, or created a new one at a
    path where it found none (see :func:`open_store`)."""


#: Why a write to a store opened read-only is refused (E026's reason).
_RO_REASON = ("opened read-only: open_store(path, read_only=True), or a read command; "
              "writing needs open_store(path) and no other process holding the store")


def _read_only_refusal(exc: BaseException) -> bool:
    """Whether ``exc`` is DuckDB refusing a write to a database attached read-only."""
    text = str(exc).lower()
    return "read-only mode" in text or "read only mode" in text


def _interactive() -> bool:
    """An IPython/Jupyter kernel or the Python prompt (not a script, not the CLI)."""
    import sys

    ipy = sys.modules.get("IPython")
    if ipy is not None:
        with suppress(Exception):
            if ipy.get_ipython() is not None:
                return True
    return hasattr(sys, "ps1") or bool(sys.flags.interactive)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:300]


def _writable(path: Path) -> bool:
    """Whether the store file (or, when it does not exist yet, its folder) can be written."""
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return os.access(parent, os.W_OK)


def _duckdb_path(path: Path) -> tuple[str, str | None]:
    """The path to hand DuckDB. DuckDB reads ``?`` in a folder name as the start of URL
    options and would put the write-ahead log in a folder that does not exist (it resolves
    links, so no alias helps): such a folder is refused with E023 before anything is
    written. ``[``, ``]``, ``*``, spaces (and ``?`` in the file name) work as they are."""
    folder = path.absolute().parent
    if "?" in str(folder):
        raise error("E023", path=path, reason="DuckDB cannot keep a store in a folder whose "
                    "path holds '?' (it reads it as URL options)")
    return str(path), None


def _connect(duckdb: Any, target: str, path: Path, *, read_only: bool) -> tuple[Any, bool]:
    """``duckdb.connect`` with its failures as one line naming the store and the cause.

    Returns ``(connection, shared)``: ``shared`` when a read-only open reuses the database
    this process already holds read-write (DuckDB refuses a second configuration of one file
    in one process)."""
    try:
        return duckdb.connect(target, read_only=read_only), False
    except duckdb.Error as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        low = msg.lower()
        if "different configuration" in low or "unique file handle" in low:
            if read_only and "different configuration" in low:
                try:  # this process writes to it: read through the same database
                    return duckdb.connect(target), True
                except duckdb.Error:
                    pass
            raise error("E006", path=path, reason=_in_process(read_only)) from exc
        if "not a valid duckdb database" in low or "corrupt" in low or "checksum" in low \
                or "serializ" in low or "magic" in low:
            raise error("E025", path=path, reason=msg[:300]) from exc
        if "lock" in low or "conflicting" in low:
            raise error("E006", path=path, reason=_held(msg, read_only)) from exc
        if "no space left" in low:
            raise error("E019", path=path, reason="no space left on device") from exc
        if "read-only" in low or "permission denied" in low or "read only" in low:
            raise error("E026", path=path, reason=msg[:300]) from exc
        if "no such file" in low or "cannot open" in low:
            raise error("E023", path=path, reason=msg[:300]) from exc
        raise error("E025", path=path, reason=msg[:300]) from exc
    except OSError as exc:
        raise error("E023", path=path, reason=_reason(exc)) from exc


def _held(msg: str, read_only: bool) -> str:
    """E006's reason when another process holds DuckDB's lock on the store: who (the PID and
    program when DuckDB names them) and what to do."""
    import re

    m = re.search(r"lock is held in (.+?) \(PID (\d+)\)", msg)
    who = f"process {m.group(2)} ({m.group(1)})" if m else "another process"
    if read_only:
        return (f"{who} has it open for writing, and DuckDB then lets no other process "
                "read it: wait for that ingest to finish, or close the store there "
                "(store.close() in a notebook) and reopen it with open_store(path, "
                "read_only=True), which any number of readers share")
    return (f"{who} has it open (any open store, even one only read, blocks a writer): "
            "close it there (store.close() in a notebook; stop `bilat serve` or the running "
            "bilat command) and run this again; readers that open it with "
            "open_store(path, read_only=True) or bilat's read commands block only writers")


def _in_process(read_only: bool) -> str:
    """E006's reason when this very process holds the store in the other mode."""
    if read_only:
        return "this process holds it in a way DuckDB cannot share with a read-only open"
    return ("this process already has it open read-only (open_store(path, read_only=True), "
            "`bilat serve` or a read command) and DuckDB holds one file in one mode per "
            "process: close that store (store.close()) first, then open it for writing")


def remove_store(store: str | Path) -> None:
    """Delete a store file and its managed data folder (used by ``bilat store reset``)."""
    url = parse_store_url(str(store))
    if url.in_memory or url.backend != "duckdb":
        return
    path = Path(url.target)
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".data"), ignore_errors=True)
