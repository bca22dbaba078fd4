"""How the web app reaches the store: read-only by default, one query at a time, results cached.

Read-only (the default of ``bilat serve``): the DuckDB file is attached ``READ_ONLY`` to an
in-memory database and every table and view of the store is exposed there as a view of the
same name. The library functions run unchanged (they may create helper views or caches; those
land in memory and vanish with the server), and no statement can change the file. While the
server runs, DuckDB's file lock keeps other processes from writing to the store; any number
of read-only readers share it (bilat's read commands, notebooks holding
``open_store(path, read_only=True)``, other servers). With ``allow_add`` the store is opened
read-write, as by the CLI, so documents can be added through the page.

A DuckDB connection is used by one thread at a time: read-only, a small pool of independent
instances over the same file serves requests in parallel (DuckDB itself runs each query on all
cores). Results of the page computations are cached by their normalised parameters (the store
cannot change under a read-only server; adding a document clears the cache); concurrent
requests for the same result wait for one computation.
"""

from __future__ import annotations

import os
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from bilat.config import resolve_store
from bilat.errors import error
from bilat.store import Store, open_store, parse_store_url
from bilat.text.model import Document

#: Name under which the store file is attached in read-only mode.
ATTACHED = "bilat_store"
#: Page results kept in memory (least recently used dropped first).
CACHE_ENTRIES = 256
#: Pasted or uploaded texts kept in memory for readout comparisons (read-only servers).
SCRATCH_DOCUMENTS = 64


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def open_read_only(path: str | Path, *, memory_share: float = 0.8) -> Store:
    """A :class:`Store` over the DuckDB file ``path`` that cannot write to it (E706, E006).

    ``memory_share``: the part of this machine's memory the instance may use (DuckDB's
    default is 80 %; several instances over one file split it)."""
    target = Path(path).expanduser()
    if not target.is_file():
        raise error("E706", path=target)
    con = duckdb.connect(":memory:")
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        con.execute(f"SET memory_limit = '{max(256, int(total * memory_share / 2**20))}MB'")
    except (ValueError, OSError, AttributeError):  # no sysconf here: DuckDB's default
        pass
    try:
        literal = "'" + str(target.resolve()).replace("'", "''") + "'"
        con.execute(f"ATTACH {literal} AS {ATTACHED} (READ_ONLY)")
        rows = con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = ? AND table_schema = 'main' ORDER BY table_name",
            [ATTACHED]).fetchall()
        for (name,) in rows:
            con.execute(f"CREATE VIEW {_quote(name)} AS SELECT * FROM "
                        f"{ATTACHED}.main.{_quote(name)}")
    except duckdb.Error as exc:
        con.close()
        raise error("E006", path=target, reason=str(exc).splitlines()[0]) from exc
    return Store(con, target, target.with_name(target.name + ".data"))


class WebStore:
    """The store as the web app uses it: a pool of connections, a result cache, scratch texts.

    Read-only, the pool holds ``workers`` independent DuckDB instances over the same file, so
    a long computation (a partnership report) does not hold up the other pages; read-write
    (``allow_add``) it holds the one store. Each instance is used by one thread at a time.
    """

    def __init__(self, store: str | Path | Store | None = None, *,
                 allow_add: bool = False, workers: int = 2) -> None:
        self.allow_add = allow_add
        self._own = not isinstance(store, Store)
        stores: list[Store] = []
        if isinstance(store, Store):
            stores.append(store)
        else:
            url = parse_store_url(resolve_store(store))
            if url.backend != "duckdb" or url.in_memory or allow_add:
                stores.append(open_store(store if store is not None else None,
                                         read_only=False))  # documents are added
            else:
                try:
                    n = max(1, workers)
                    for _ in range(n):
                        stores.append(open_read_only(url.target, memory_share=0.8 / n))
                except BaseException:
                    for st in stores:
                        st.close()
                    raise
        #: The first store (for code that needs one outside a request, e.g. tests).
        self.store = stores[0]
        self._stores = stores
        self._pool: queue.Queue[Store] = queue.Queue()
        for st in stores:
            self._pool.put(st)
        #: Shown on every page: where the data comes from.
        self.label = str(self.store.path) if self.store.path is not None else ":memory:"
        self.lock = threading.RLock()  # guards the cache and the scratch documents
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._inflight: dict[tuple[Any, ...], threading.Event] = {}
        self._scratch: OrderedDict[str, Document] = OrderedDict()
        self.hits = 0
        self.misses = 0

    @property
    def read_only(self) -> bool:
        """Whether the page is refused adding documents."""
        return not self.allow_add

    @contextmanager
    def use(self) -> Iterator[Store]:
        """A store connection held by this thread alone until the block ends."""
        st = self._pool.get()
        try:
            yield st
        finally:
            self._pool.put(st)

    def cached(self, key: tuple[Any, ...], compute: Callable[[Store], Any]) -> Any:
        """``compute(store)`` once per ``key``; later (and concurrent) calls share the result.

        Errors are not cached (a BilatError propagates to each caller in turn)."""
        while True:
            with self.lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    self.hits += 1
                    return self._cache[key]
                waiting = self._inflight.get(key)
                if waiting is None:
                    mine = self._inflight[key] = threading.Event()
                    self.misses += 1
                    break
            waiting.wait()  # someone computes it: take theirs (or try again if it failed)
        try:
            with self.use() as st:
                value = compute(st)
            with self.lock:
                self._cache[key] = value
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
            return value
        finally:
            with self.lock:
                self._inflight.pop(key, None)
            mine.set()

    def peek(self, key: tuple[Any, ...]) -> Any:
        """The value kept under ``key``, or None (no computation)."""
        with self.lock:
            value = self._cache.get(key)
            if value is not None:
                self._cache.move_to_end(key)
                self.hits += 1
            return value

    def remember(self, key: tuple[Any, ...], value: Any) -> None:
        """Keep ``value`` under ``key`` (e.g. a rendered page) until the cache is cleared."""
        with self.lock:
            self._cache[key] = value
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)

    def invalidate(self) -> None:
        """Forget every cached result (after the store changed)."""
        with self.lock:
            self._cache.clear()

    # ------------------------------------------------------------------ scratch documents
    def keep(self, doc: Document) -> None:
        """Hold a pasted or uploaded document in memory (by its content id) for later pages."""
        with self.lock:
            self._scratch[doc.doc_id] = doc
            self._scratch.move_to_end(doc.doc_id)
            while len(self._scratch) > SCRATCH_DOCUMENTS:
                self._scratch.popitem(last=False)

    def scratch(self, doc_id: str) -> Document | None:
        """A document held in memory by :meth:`keep`, or None."""
        with self.lock:
            return self._scratch.get(doc_id)

    def close(self) -> None:
        """Close the stores this object opened."""
        if self._own:
            for st in self._stores:
                st.close()
