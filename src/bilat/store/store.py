"""The embedded store: one DuckDB file, plus the Parquet files it manages beside it.

Every source ingests through :meth:`Store.transaction` and records what it took in
``ingest_log`` (kind, key, content hash, rows), so re-ingesting the same content adds nothing
and a failed ingest leaves the store as it was. Queries are Ibis expressions over
:meth:`Store.table`, executed by DuckDB here and compilable for Spark or BigQuery.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from bilat.config import resolve_store
from bilat.errors import error
from bilat.store.backends import parse_store_url

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

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None, data_dir: Path) -> None:
        self.con = con
        #: The DuckDB file, or ``None`` for an in-memory store.
        self.path = path
        #: Folder of Parquet files the store manages (bulk event data).
        self.data_dir = data_dir
        self._ibis: Any = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.con.execute(_INGEST_LOG)

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
        """BEGIN … COMMIT, or ROLLBACK on any exception (including KeyboardInterrupt)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def already_ingested(self, kind: str, key: str, sha256: str) -> bool:
        """Whether this exact content was ingested before under ``kind``/``key``."""
        rows = self.con.execute(
            "SELECT count(*) FROM ingest_log WHERE kind = ? AND key = ? AND sha256 = ?",
            [kind, key, sha256],
        ).fetchall()
        return bool(rows and rows[0][0])

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
    def close(self) -> None:
        """Close the connection and drop the temporary data folder of an in-memory store."""
        self.con.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(store: str | Path | None = None) -> Store:
    """Open (creating if needed) the store at a path or ``duckdb://`` URL; default per config.

    ``":memory:"`` gives an in-memory store whose Parquet folder is a temporary directory.
    """
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
    path = Path(url.target)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise error("E006", path=path, reason=str(exc).splitlines()[0]) from exc
    data_dir = path.with_name(path.name + ".data")
    data_dir.mkdir(exist_ok=True)
    return Store(con, path, data_dir)


def remove_store(store: str | Path) -> None:
    """Delete a store file and its managed data folder (used by ``bilat store reset``)."""
    url = parse_store_url(str(store))
    if url.in_memory or url.backend != "duckdb":
        return
    path = Path(url.target)
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".data"), ignore_errors=True)
