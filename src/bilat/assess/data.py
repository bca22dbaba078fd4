"""The data behind the report: load every source a mirror holds, and say what the store holds.

:func:`fetch_all` runs the loader of every source in :mod:`bilat.sources.registry` whose mirror
folder exists (``<mirror>/<folder>``), in registry order, one result line per source; a source
that fails is reported and the others still load (each loader is atomic and idempotent, so a
second run adds nothing). GDELT files in ``<mirror>/gdelt/`` (any upstream names, zipped or not,
in subfolders too) are ingested when the registry has no ``gdelt`` entry. The genuine readout
pairs (``texts/readouts``) are one registry entry like any other.

:func:`status` lists, per store table the sources write, its rows and date coverage, and which
registry sources have nothing stored (with the command that loads them).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from bilat.store import Store


@dataclass
class SourceResult:
    """One line of ``bilat fetch all``."""

    name: str
    folder: str
    status: str  #: loaded | unchanged | failed | absent
    message: str
    seconds: float = 0.0
    rows_added: int | None = None


@dataclass
class FetchAllResult:
    """Every source's line, in order."""

    mirror: str
    results: list[SourceResult] = field(default_factory=list)

    @property
    def failed(self) -> list[SourceResult]:
        return [r for r in self.results if r.status == "failed"]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([r.__dict__ for r in self.results])


def _summaries(out: Any) -> tuple[str, int | None]:
    items = out if isinstance(out, list | tuple) else [out]
    texts, added, known = [], 0, False
    for it in items:
        if hasattr(it, "summary"):
            texts.append(str(it.summary()))
        elif it is not None:
            texts.append(str(it))
        for attr in ("rows_added", "votes_added", "added", "rows"):
            v = getattr(it, attr, None)
            if isinstance(v, int):
                added += v
                known = True
                break
    unchanged = [t for t in texts if ": unchanged (already stored)" in t]
    if len(items) > 3 and unchanged:  # many files: count the unchanged ones, list the rest
        texts = [t for t in texts if t not in unchanged]
        texts.append(f"{len(unchanged):,} files unchanged (already stored)")
    return "; ".join(texts)[:400], (added if known else None)


def _gdelt_files(folder: Path) -> list[Path]:
    pats = ("*.export.CSV", "*.export.CSV.zip", "*.CSV", "*.CSV.zip", "*.csv", "*.zip")
    found: dict[Path, None] = {}
    for pat in pats:
        for p in sorted(folder.rglob(pat)):
            if p.is_file() and "__MACOSX" not in p.parts:
                found.setdefault(p, None)
    return list(found)


def fetch_all(store: Store, mirror: str | Path | None = None, *, on_bad_rows: str = "skip",
              progress: Callable[[SourceResult], None] | None = None) -> FetchAllResult:
    """Load every registry source whose mirror folder exists (see module docstring).

    ``progress`` is called with each source's result as soon as it is known. Sources whose
    folder is absent are listed as ``absent`` (not an error). Raises E003 for a mirror that
    is not a folder and E011 when no mirror is given.
    """
    from bilat.config import resolve_mirror
    from bilat.errors import error
    from bilat.sources import registry

    root = resolve_mirror(mirror)
    if root is None:
        raise error("E011", path="(every source)", mirror="(none given)",
                    why=" (bilat fetch all reads a local mirror: give --mirror DIR or "
                        "BILAT_MIRROR)")
    result = FetchAllResult(str(root))
    entries = list(registry.SOURCES)
    names = {e.name for e in entries}

    def emit(r: SourceResult) -> None:
        result.results.append(r)
        if progress is not None:
            progress(r)

    for e in entries:
        folder = root / e.folder
        if not folder.is_dir():
            emit(SourceResult(e.name, e.folder, "absent", f"no folder {e.folder}/ in the mirror"))
            continue
        t = time.perf_counter()
        try:
            fn = registry.load(e)
            out = fn(store=store, mirror=root, on_bad_rows=on_bad_rows)
            msg, added = _summaries(out)
            status = "unchanged" if added == 0 else "loaded"
            emit(SourceResult(e.name, e.folder, status, msg, time.perf_counter() - t, added))
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - report the source, continue with the next
            text = exc.one_line() if hasattr(exc, "one_line") else \
                f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            emit(SourceResult(e.name, e.folder, "failed", text[:400], time.perf_counter() - t))
    if "gdelt" not in names and (root / "gdelt").is_dir():
        t = time.perf_counter()
        try:
            from bilat.sources import gdelt

            files = _gdelt_files(root / "gdelt")
            rep = gdelt.ingest(store, files, on_bad_rows="quarantine" if on_bad_rows != "fail"
                               else "fail", source="mirror:gdelt")
            done = [f for f in rep.files if getattr(f, "status", "") not in ("already",)]
            emit(SourceResult("gdelt", "gdelt", "loaded" if done else "unchanged",
                              f"{len(files)} GDELT files: {len(done)} ingested, "
                              f"{len(files) - len(done)} already stored",
                              time.perf_counter() - t))
        except Exception as exc:  # noqa: BLE001
            text = exc.one_line() if hasattr(exc, "one_line") else str(exc)
            emit(SourceResult("gdelt", "gdelt", "failed", text[:400], time.perf_counter() - t))
    return result


#: Store tables and the date column that gives their coverage (first match wins).
_DATE_COLUMNS = ("event_date", "date", "SQLDATE", "year", "session_year", "delivery_year",
                 "order_year", "start_year", "start_date", "Event Date", "day", "period")
#: Tables no registry Source spec names, with what loads them.
_OTHER_LOADERS = {"un_votes": "unvotes (<mirror>/unga/)",
                  "un_rollcalls": "unvotes (<mirror>/unga/)",
                  "un_country_votes": "view over un_votes and un_rollcalls",
                  "gdelt_": "gdelt (<mirror>/gdelt/, or bilat fetch gdelt)",
                  "documents": "texts (readout pairs, corpora: bilat fetch all, bilat documents "
                               "import)",
                  "corpus_": "corpora (bilat fetch all, bilat documents import)"}
#: Bookkeeping tables: never "missing" when empty.
_BOOKKEEPING = ("bad_rows", "speech_issue_cache", "gdelt_sql_cache")
#: Integer dates written as YYYYMMDD (GDELT): shown as ISO dates.
_YYYYMMDD = ("SQLDATE",)


def _iso(v: Any) -> str | None:
    """A coverage bound as an ISO date (``1982-01-02``) or year; None for NULL."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "isoformat"):
        text = v.isoformat()
        return text[:10] if "T" in text or len(text) > 10 else text
    text = str(v)
    if text.isdigit() and len(text) == 8:
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text


def _bounds(store: Store, name: str, cols: list[str]) -> tuple[Any, Any, str]:
    """(first, last, column) of a table's date coverage; UN votes by their roll calls."""
    col = next((c for c in _DATE_COLUMNS if c in cols), None)
    if col is not None:
        expr = f'"{col}"'
        if col in _YYYYMMDD:
            expr = f"try_strptime(CAST(\"{col}\" AS VARCHAR), '%Y%m%d')::DATE"
        elif col.endswith("_date"):
            expr = f'TRY_CAST("{col}" AS DATE)'
        first, last = store.con.execute(
            f'SELECT min({expr}), max({expr}) FROM "{name}"').fetchall()[0]
        return first, last, col
    if "vote_id" in cols and name != "un_rollcalls" and store.has_table("un_rollcalls"):
        first, last = store.con.execute(
            f'SELECT min(r.date), max(r.date) FROM "{name}" v JOIN un_rollcalls r '
            "ON r.vote_id = v.vote_id").fetchall()[0]
        return first, last, "un_rollcalls.date (by vote_id)"
    return None, None, ""


def _table_sources() -> dict[str, str]:
    """Store table -> registry source that writes it (from each module's Source specs)."""
    import importlib

    from bilat.sources import registry
    from bilat.sources.core import Source

    out: dict[str, str] = {}
    for e in registry.SOURCES:
        try:
            mod = importlib.import_module(e.loader.partition(":")[0])
        except Exception:  # noqa: BLE001, S112 - a module that fails to import names nothing
            continue
        for v in vars(mod).values():
            if isinstance(v, Source):
                out.setdefault(v.table, f"{e.name} (<mirror>/{e.folder}/)")
    return out


def status(store: Store) -> pd.DataFrame:
    """Per stored table: rows and date coverage (ISO dates); then registry sources with
    nothing stored.

    Columns: ``what`` (table or source), ``rows``, ``first``, ``last``, ``column`` (the date
    column read; UN votes are dated by their roll calls), ``state`` (stored | empty | missing)
    and ``load`` (the registry source that loads the table, or the command that loads a
    missing source). Views (``events``: every event source, GDELT included) are counted as
    they read now. ``df.attrs["missing"]`` lists what is missing (sources with nothing stored,
    empty tables) — an empty list when nothing is.
    """
    from bilat.sources import registry

    try:  # the canonical event view must include every event source before it is counted
        from bilat.indicators.events import refresh_event_view

        refresh_event_view(store)
    except Exception:  # noqa: BLE001, S110 - no event data, or a store that cannot refresh
        pass
    tables = store.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "OR table_type = 'LOCAL TEMPORARY' ORDER BY table_name").fetchall()
    loaders = _table_sources()
    rows = []
    seen = set()
    for (name,) in tables:
        if name.startswith("_") or name in ("ingest_log",) or name in seen:
            continue
        seen.add(name)
        try:
            cols = [r[0] for r in store.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                [name]).fetchall()]
            n = store.con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]
            first = last = None
            col = ""
            if n:
                first, last, col = _bounds(store, name, cols)
        except Exception:  # noqa: BLE001 - a broken view (moved store) is listed empty
            n, col, first, last = 0, "", None, None
        load = loaders.get(name, "") or next(
            (v for k, v in _OTHER_LOADERS.items() if name == k or (k.endswith("_")
                                                                  and name.startswith(k))), "")
        if name == "events":
            load = "view over gdelt_events, icews_events, icews_tkg_events"
        rows.append({"what": name, "rows": int(n), "first": _iso(first), "last": _iso(last),
                     "column": col or "", "state": "stored" if n else "empty",
                     "load": load if n else (f"bilat fetch all --mirror DIR  ({load})" if load
                                             else "")})
    log = store.ingest_log()
    kinds = set(log["kind"]) if len(log) else set()
    origins = [str(x) for x in log["source"].dropna()] if len(log) else []
    have = {r["what"] for r in rows if r["rows"]}
    for e in registry.SOURCES:
        stored = _source_stored(e, kinds, origins, have)
        if not stored:
            rows.append({"what": f"source {e.name}", "rows": 0, "first": None, "last": None,
                         "column": "", "state": "missing",
                         "load": f"bilat fetch all --mirror DIR  (reads <mirror>/{e.folder}/)"})
    df = pd.DataFrame(rows, columns=["what", "rows", "first", "last", "column", "state", "load"])
    df.attrs["missing"] = [r["what"] for r in rows if r["state"] == "missing" or (
        r["state"] == "empty" and r["what"] not in _BOOKKEEPING)]
    return df


def _source_stored(entry: Any, kinds: set[str], origins: list[str], have: set[str]) -> bool:
    """Whether a registry source has anything in the store: a table of its module's
    :class:`~bilat.sources.core.Source` specs holds rows, or the ingest log names its kind or
    a file from its mirror folder."""
    import importlib

    from bilat.sources.core import Source

    module = entry.loader.partition(":")[0]
    try:
        mod = importlib.import_module(module)
        specs = [v for v in vars(mod).values() if isinstance(v, Source)]
    except Exception:  # noqa: BLE001 - a module that fails to import is simply not found
        specs = []
    if any(sp.table in have for sp in specs) or any(sp.kind in kinds for sp in specs):
        return True
    if entry.name in kinds or (entry.name == "readouts" and "readout_pair" in kinds):
        return True
    folder = "/" + entry.folder.strip("/")
    return any(folder + "/" in o or o.endswith(folder) or o == f"mirror:{entry.folder}"
               for o in origins)


__all__ = ["FetchAllResult", "SourceResult", "fetch_all", "status"]
