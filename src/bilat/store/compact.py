"""Compaction: GDELT parts merged by month and sorted by actor country, so that queries prune.

Each GDELT ingest batch becomes one Parquet part in the order its files were read (real GDELT
2.0: one 15-minute file holds ~1,500 events; a year fetched in small steps is tens of
thousands of parts), and every part holds every country and every date, so an event-level
query (``BILAT_DYAD_DAY=0``, ``--dedup daily``, event ids) reads every row group of every part.
:func:`compact` rewrites the parts still in ingest order as **one part per month of
``SQLDATE``** (the event date), rows sorted by :data:`SORT_KEY` (``Actor1CountryCode``,
``Actor2CountryCode``, ``SQLDATE``, ``GLOBALEVENTID``) in row groups of
:data:`ROW_GROUP_ROWS` rows. The Parquet min/max statistics of each row group then let DuckDB
skip the row groups of other dyads (``Actor1CountryCode``/``Actor2CountryCode`` equality and
``IN`` filters) and the files of other months (date ranges). A compacted part smaller than
``small_rows`` is merged again with its month's new rows on the next run, so a month fetched
day by day does not stay in many small parts.

What never changes (tested in ``tests/store/test_compact.py``):

* every row is kept with its provenance: the ``source_file`` column (upstream file name, the
  ``ingest_log`` key) is written as it was, and ``gdelt_part_files`` lists for each new part
  the upstream files (name and content hash) whose rows it holds;
* the ingest log is not touched: re-fetching a file adds nothing; a new version of a file adds
  only the events not stored yet (GDELT's rule: an event is identified by its version and
  ``GLOBALEVENTID``), whether the earlier rows sit in compacted parts or not;
* ``bad_rows``/``gdelt_quarantine`` are not touched;
* the per-country-day volumes (``gdelt_volume``) and the dyad-day layer (``dyad_day``,
  ``dyad_day_totals``, ``dyad_day_volume``) keep their sums: their rows are relabelled from the
  old parts to the new part of their day's month (and rows of one dyad and day merged), never
  recomputed, so they stay equal to the events;
* ``bilat doctor`` checks compacted parts like any other (files present, rows as registered)
  and reports the layout (``gdelt layout``: parts sorted, parts in ingest order).

**One transaction.** The new parts are written first under temporary names (``*.tmp`` in the
store's ``gdelt`` folder, never read); then one DuckDB transaction renames them, swaps the
registration (``gdelt_parts``, ``gdelt_part_files``, the volume and dyad-day rows, the
``gdelt_events`` view) and commits; the old part folders are deleted only after the commit.
A failure or a crash at any point leaves either the old layout or the new one registered, never
both: folders no committed transaction lists are invisible to every query and removed by the
next ingest, compaction or ``bilat doctor --repair``.

**Repair.** A GDELT file reports events of earlier months, so one upstream file's rows sit
in several month parts. When a part is lost or damaged, :func:`repair_parts` (``bilat doctor
--repair``) removes every row of the files it held from the surviving parts as well (those
parts rewritten, swapped in one transaction as above, their volume and dyad-day rows summed
again from the new files) with the files' ingest-log entries, and names the files: ingesting
them again makes the store equal to one that never lost the part.

**When it runs.** ``bilat compact`` (:func:`compact`), and automatically at the end of ``bilat
fetch gdelt`` and ``bilat fetch all`` when more than :data:`AUTO_PARTS` parts are in ingest
order (:func:`auto_compact`). Its cost is about two reads and two writes of the rows it
rewrites (one pass splits the rows by month, one sorts each month), measured in
``benchmarks/bench_scale.py``.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilat.errors import BilatError, error

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from bilat.store.store import Store

#: Order of the rows inside a compacted part: the dyad's countries first (the query filters on
#: them), then the day (date ranges inside a month), then the event id (a stable order).
SORT_KEY: tuple[str, ...] = ("Actor1CountryCode", "Actor2CountryCode", "SQLDATE",
                             "GLOBALEVENTID")
#: Rows per Parquet row group in a compacted part: small enough that one dyad's rows fill few
#: groups and the others are skipped by their statistics (measured in bench_scale.py).
ROW_GROUP_ROWS = 16_384
#: A compacted part with fewer rows is merged again with new rows of its month.
SMALL_ROWS = 1_000_000
#: ``bilat fetch gdelt`` / ``fetch all`` compact when more parts than this are in ingest order.
AUTO_PARTS = 8

_LAYOUT = """CREATE TABLE IF NOT EXISTS gdelt_part_layout (
    part VARCHAR PRIMARY KEY,       -- a gdelt_parts part written by compaction
    month INTEGER NOT NULL,         -- YYYYMM of its events' SQLDATE (0: events without a date)
    sort_key VARCHAR NOT NULL,      -- the ORDER BY its rows were written in
    row_group_rows INTEGER NOT NULL,
    merged INTEGER NOT NULL,        -- parts the compaction run that wrote it merged
    compacted_at TIMESTAMP NOT NULL)"""
_MONTH = "__bilat_month"
_SUMS = {"dyad_day": ("events", "goldstein_sum", "goldstein_n", "goldstein_mentions_sum",
                      "mentions", "tone_sum", "tone_n", "contacts"),
         "dyad_day_totals": ("events", "goldstein_sum", "goldstein_n",
                             "goldstein_mentions_sum", "mentions", "tone_sum", "tone_n",
                             "contacts"),
         "dyad_day_volume": ("events",)}
_ORDER = {"dyad_day": "actor1_code, actor2_code, sqldate",
          "dyad_day_totals": "actor1_code, actor2_code, sqldate",
          "dyad_day_volume": "country, sqldate"}


@dataclass
class CompactReport:
    """What :func:`compact` did: the parts merged and the parts written (one per month)."""

    parts_before: int = 0
    merged: list[str] = field(default_factory=list)
    written: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    bytes_before: int = 0
    bytes_after: int = 0
    seconds: float = 0.0

    @property
    def parts_after(self) -> int:
        return self.parts_before - len(self.merged) + len(self.written)

    def summary(self) -> str:
        if not self.merged:
            return (f"nothing to compact: {self.parts_before} GDELT part(s), all sorted by "
                    "actor country within their month")
        return (f"compacted {len(self.merged)} GDELT part(s) holding {self.rows:,} rows into "
                f"{len(self.written)} part(s) by month, sorted by {', '.join(SORT_KEY[:3])} "
                f"({self.bytes_before / 2**20:,.1f} → {self.bytes_after / 2**20:,.1f} MiB, "
                f"{self.seconds:.1f} s); the store now has {self.parts_after} part(s)")

    def to_frame(self) -> pd.DataFrame:
        """One row per part written: ``part``, ``month`` (YYYYMM, 0 = no date), ``rows``,
        ``files`` (upstream files whose rows it holds), ``bytes``."""
        import pandas as pd

        return pd.DataFrame(self.written, columns=["part", "month", "rows", "files", "bytes"])


def _folder(store: Store) -> Path:
    return store.data_dir / "gdelt"


def _size(path: Path) -> int:
    try:
        return sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    except OSError:
        return 0


def _sorted_parts(store: Store) -> dict[str, tuple[int, int]]:
    """part → (month, rows) of the registered parts written by compaction."""
    if not store.has_table("gdelt_part_layout"):
        return {}
    return {r[0]: (int(r[1]), int(r[2])) for r in store.con.execute(
        "SELECT l.part, l.month, p.rows FROM gdelt_part_layout l "
        "JOIN gdelt_parts p USING (part)").fetchall()}


def pending(store: Store) -> list[str]:
    """The registered GDELT parts still in ingest order (not written by compaction)."""
    if not store.has_table("gdelt_parts"):
        return []
    done = _sorted_parts(store)
    return [r[0] for r in store.con.execute("SELECT part FROM gdelt_parts ORDER BY part")
            .fetchall() if r[0] not in done]


def layout(store: Store) -> dict[str, int]:
    """Counts for ``bilat doctor``: ``sorted`` parts (compacted), ``ingest_order`` parts, and
    ``months`` the sorted parts cover."""
    done = _sorted_parts(store)
    return {"sorted": len(done), "ingest_order": len(pending(store)),
            "months": len({m for m, _ in done.values()})}


def compact(store: Store, *, small_rows: int = SMALL_ROWS,
            row_group_rows: int = ROW_GROUP_ROWS) -> CompactReport:
    """Merge the GDELT parts still in ingest order into one part per month of ``SQLDATE``,
    rows sorted by :data:`SORT_KEY` in row groups of ``row_group_rows`` rows, in one
    transaction (see the module docstring: provenance, the ingest log, the volume and
    dyad-day sums are kept; a failure leaves the store as it was).

    A compacted part of a month that receives new rows is merged again when it holds fewer
    than ``small_rows`` rows. Returns a :class:`CompactReport` (``to_frame()``: one row per
    part written). Errors: E870 the store is read-only; E871 a bad option; E872 the
    compaction failed (the cause named; nothing changed); E019 no space left.
    """
    for name, value in (("--small-rows", small_rows), ("--row-group-rows", row_group_rows)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise error("E871", option=name, value=value, expected="give a whole number of "
                        "rows, 1 or more")
    if getattr(store, "read_only", False):
        raise error("E870", path=store.path or store.data_dir)
    t0 = time.perf_counter()
    report = CompactReport()
    if not store.has_table("gdelt_parts"):
        return report
    from bilat.sources import gdelt
    from bilat.store import dyad_day

    con = store.con
    gdelt._remove_orphans(store)  # noqa: SLF001 - leftovers of an interrupted run
    parts = {r[0]: int(r[1]) for r in con.execute("SELECT part, rows FROM gdelt_parts")
             .fetchall()}
    report.parts_before = len(parts)
    todo = pending(store)
    if not todo:
        report.seconds = time.perf_counter() - t0
        return report
    # the summaries cover every part before their rows are relabelled
    gdelt.volume_summary(store)
    dyad_day.ensure(store, "gdelt")
    folder = _folder(store)
    work: list[Path] = []
    written: list[tuple[Path, int, int, list[str], list[str]]] = []  # tmp, month, rows, ...
    try:
        split = folder / f"{uuid.uuid4().hex}.tmp"
        work.append(split)
        con.execute(
            f"COPY (SELECT *, CAST(coalesce(SQLDATE // 100, 0) AS INTEGER) AS {_MONTH} "
            f"FROM read_parquet({gdelt._files(folder / p for p in todo)})) "  # noqa: SLF001
            f"TO '{gdelt._sql_str(split)}' (FORMAT parquet, PARTITION_BY ({_MONTH}), "  # noqa: SLF001
            "COMPRESSION zstd, COMPRESSION_LEVEL 1)")
        months = sorted(int(d.name.split("=", 1)[1]) for d in split.iterdir()
                        if d.is_dir() and d.name.startswith(f"{_MONTH}="))
        small = {}
        for p, (m, n) in _sorted_parts(store).items():
            if n < small_rows:
                small.setdefault(m, []).append(p)
        order = ", ".join(f'"{c}"' for c in SORT_KEY)
        cols = _columns(con, folder / todo[0])
        for m in months:
            src_dir = split / f"{_MONTH}={m}"
            files = sorted(f for f in src_dir.rglob("*.parquet"))
            merged = sorted(small.get(m, []))
            for p in merged:
                files += gdelt._part_files(folder / p)  # noqa: SLF001
            out = folder / f"{uuid.uuid4().hex}.tmp"
            work.append(out)
            out.mkdir()
            # the month is the folder's name only: never a column of the part (parts of
            # an older bilat that hold one lose it here)
            con.execute(
                f"COPY (SELECT {cols} FROM read_parquet({gdelt._sql_list(files)}, "  # noqa: SLF001
                f"hive_partitioning = false, union_by_name = true) "
                f"ORDER BY {order}) TO '{gdelt._sql_str(out / 'data_0.parquet')}' "  # noqa: SLF001
                f"(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, "
                f"ROW_GROUP_SIZE {int(row_group_rows)})")
            held = con.execute(
                f"SELECT source_file, count(*) FROM "
                f"read_parquet('{gdelt._sql_str(out / 'data_0.parquet')}') "  # noqa: SLF001
                "GROUP BY ALL").fetchall()
            written.append((out, m, sum(int(r[1]) for r in held),
                            sorted(str(r[0]) for r in held if r[0] is not None), merged))
            shutil.rmtree(src_dir, ignore_errors=True)
        old = [*todo, *(p for m in months for p in small.get(m, []))]
        want = sum(parts[p] for p in old)
        got = sum(w[2] for w in written)
        if got != want:
            raise error("E872", path=store.path or store.data_dir,
                        reason=f"the new parts hold {got:,} rows, the old ones {want:,}")
        report.bytes_before = sum(_size(folder / p) for p in old)
        _swap(store, old, written, row_group_rows, report)
    except (BilatError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - DuckDB or the OS, as one line
        msg = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
        if getattr(exc, "errno", None) == 28 or "no space left" in msg.lower():
            raise error("E019", path=store.data_dir, reason="no space left on device") from exc
        raise error("E872", path=store.path or store.data_dir, reason=msg[:300]) from exc
    finally:
        for w in work:
            if w.exists():
                shutil.rmtree(w, ignore_errors=True)
    _remove_old(folder, report.merged)
    report.seconds = time.perf_counter() - t0
    return report


def _swap(store: Store, old: list[str], written: list, row_group_rows: int,
          report: CompactReport) -> None:
    """One transaction: rename the new parts into place and move the registration, the
    volume and the dyad-day rows from the old parts to them. On any failure the transaction
    rolls back and the renamed folders are removed: the old layout stays registered."""
    from bilat.sources import gdelt

    con = store.con
    folder = _folder(store)
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC).replace(tzinfo=None)
    finals: list[Path] = []
    try:
        with store.transaction():
            con.execute(_LAYOUT)
            con.execute("CREATE OR REPLACE TEMP TABLE __bilat_old (part VARCHAR)")
            con.executemany("INSERT INTO __bilat_old VALUES (?)", [(p,) for p in old])
            con.execute("CREATE OR REPLACE TEMP TABLE __bilat_new "
                        "(month INTEGER, part VARCHAR, file VARCHAR)")
            for tmp, month, rows, files, _merged in written:
                final = folder / f"part-{stamp}-m{month:06d}"
                os.replace(tmp, final)
                finals.append(final)
                con.execute("INSERT INTO gdelt_parts VALUES (?, ?, ?, ?)",
                            [final.name, rows, len(files), now])
                con.execute("INSERT INTO gdelt_part_layout VALUES (?, ?, ?, ?, ?, ?)",
                            [final.name, month, ", ".join(SORT_KEY), row_group_rows,
                             len(old), now])
                con.executemany("INSERT INTO __bilat_new VALUES (?, ?, ?)",
                                [(month, final.name, f) for f in files] or
                                [(month, final.name, None)])
            # provenance: each new part holds the (file, content hash) pairs of its files
            if store.has_table("gdelt_part_files"):
                con.execute("""INSERT INTO gdelt_part_files
                    SELECT DISTINCT n.part, f.file, f.sha256 FROM gdelt_part_files f
                    JOIN __bilat_new n ON n.file = f.file
                    WHERE f.part IN (SELECT part FROM __bilat_old)""")
                con.execute("DELETE FROM gdelt_part_files WHERE part IN "
                            "(SELECT part FROM __bilat_old)")
            _month_map(con)
            _relabel_volume(store)
            _relabel_layer(store)
            con.execute("DELETE FROM gdelt_part_layout WHERE part IN "
                        "(SELECT part FROM __bilat_old)")
            con.execute("DELETE FROM gdelt_parts WHERE part IN (SELECT part FROM __bilat_old)")
            gdelt._create_view(store)  # noqa: SLF001 - the view over the new parts
            _check_swap(store, old, written)
    except BaseException:
        for f in finals:
            shutil.rmtree(f, ignore_errors=True)
        raise
    finally:
        for t in ("__bilat_old", "__bilat_new", "__bilat_map"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
    report.merged = list(old)
    report.rows = sum(w[2] for w in written)
    report.written = [{"part": f.name, "month": w[1], "rows": w[2], "files": len(w[3]),
                       "bytes": _size(f)}
                      for f, w in zip(finals, written, strict=True)]
    report.bytes_after = sum(x["bytes"] for x in report.written)


def _columns(con: Any, part: Path) -> str:
    """The SQL column list of a part's events (the store's columns, without the month column
    an older compaction wrote)."""
    from bilat.sources import gdelt

    names = [r[0] for r in con.execute(
        f"DESCRIBE SELECT * FROM read_parquet({gdelt._files([part])}, "  # noqa: SLF001
        "hive_partitioning = false)").fetchall()]
    return ", ".join(f'"{c}"' for c in names if c != _MONTH)


def _month_map(con: Any) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE __bilat_map AS "
                "SELECT DISTINCT month, part FROM __bilat_new")


def _relabel(con: Any, table: str, unit: str, day: str, source: str) -> None:
    """Move ``table``'s rows of the old parts to the new part of their day's month, rows of
    the same keys summed (sorted again so zone maps keep skipping other dyads)."""
    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    sums = _SUMS.get(table, ("events",))
    sel = []
    for c in cols:
        if c == unit:
            sel.append("m.part")
        elif c in sums:
            sel.append(f"sum(t.{c})")
        else:
            sel.append(f"t.{c}")
    group = [f"t.{c}" for c in cols if c != unit and c not in sums] + ["m.part"]
    order = _ORDER.get(table, "1")
    con.execute(
        f"INSERT INTO {table} SELECT {', '.join(sel)} FROM {table} t JOIN __bilat_map m "
        f"ON CAST(coalesce(t.{day} // 100, 0) AS INTEGER) = m.month "
        f"WHERE t.{unit} IN (SELECT part FROM __bilat_old) AND t.source = '{source}' "
        f"GROUP BY {', '.join(group)} ORDER BY {order}")
    con.execute(f"DELETE FROM {table} WHERE {unit} IN (SELECT part FROM __bilat_old) "
                f"AND source = '{source}'")


def _relabel_volume(store: Store) -> None:
    """``gdelt_volume``: relabel when every old part is summarised, else drop the old parts'
    rows (the next query summarises the new parts from their files)."""
    con = store.con
    if not store.has_table("gdelt_volume"):
        return
    done = store.has_table("gdelt_volume_parts") and not con.execute(
        "SELECT count(*) FROM __bilat_old WHERE part NOT IN "
        "(SELECT part FROM gdelt_volume_parts)").fetchall()[0][0]
    if done:
        cols = [r[0] for r in con.execute("DESCRIBE gdelt_volume").fetchall()]
        sel = ["m.part" if c == "part" else "sum(t.events)" if c == "events" else f"t.{c}"
               for c in cols]
        group = [f"t.{c}" for c in cols if c not in ("part", "events")] + ["m.part"]
        con.execute(
            f"INSERT INTO gdelt_volume SELECT {', '.join(sel)} FROM gdelt_volume t "
            "JOIN __bilat_map m ON CAST(coalesce(t.SQLDATE // 100, 0) AS INTEGER) = m.month "
            "WHERE t.part IN (SELECT part FROM __bilat_old) "
            f"GROUP BY {', '.join(group)} ORDER BY t.country, t.SQLDATE")
        con.execute("INSERT INTO gdelt_volume_parts SELECT DISTINCT part FROM __bilat_map")
    con.execute("DELETE FROM gdelt_volume WHERE part IN (SELECT part FROM __bilat_old)")
    if store.has_table("gdelt_volume_parts"):
        con.execute("DELETE FROM gdelt_volume_parts WHERE part IN "
                    "(SELECT part FROM __bilat_old)")


def _relabel_layer(store: Store) -> None:
    """The dyad-day layer (:mod:`bilat.store.dyad_day`): relabel when every old part is
    summarised, else drop the old parts' rows (``dyad_day.ensure`` summarises the new parts
    on the next query)."""
    con = store.con
    if not store.has_table("dyad_day_units"):
        return
    done = not con.execute(
        "SELECT count(*) FROM __bilat_old WHERE part NOT IN "
        "(SELECT unit FROM dyad_day_units WHERE source = 'gdelt')").fetchall()[0][0]
    tables = [t for t in ("dyad_day", "dyad_day_totals", "dyad_day_volume")
              if store.has_table(t)]
    if done and len(tables) == 3:
        for t in tables:
            _relabel(con, t, "unit", "sqldate", "gdelt")
        con.execute("INSERT INTO dyad_day_units SELECT DISTINCT 'gdelt', part FROM __bilat_map")
    else:
        for t in tables:
            con.execute(f"DELETE FROM {t} WHERE source = 'gdelt' AND unit IN "
                        "(SELECT part FROM __bilat_old)")
    con.execute("DELETE FROM dyad_day_units WHERE source = 'gdelt' AND unit IN "
                "(SELECT part FROM __bilat_old)")


def _check_swap(store: Store, old: list[str], written: list) -> None:
    """Inside the transaction, before the commit: the new parts hold the rows registered."""
    from bilat.sources import gdelt

    names = [r[0] for r in store.con.execute(
        "SELECT part FROM gdelt_parts WHERE part IN (SELECT part FROM __bilat_old)").fetchall()]
    if names:
        raise error("E872", path=store.path or store.data_dir,
                    reason=f"old parts still registered: {', '.join(names[:3])}")
    for c in gdelt.check_parts(store):
        if c["status"] != "ok":
            raise error("E872", path=store.path or store.data_dir,
                        reason=f"part {c['part']}: {c['status']}: {c['detail']}")


def _remove_old(folder: Path, parts: Sequence[str]) -> None:
    """Delete the merged parts' folders (after the commit: no query reads them any more)."""
    for p in parts:
        shutil.rmtree(folder / p, ignore_errors=True)


# ----------------------------------------------------------------------------- repair
@dataclass
class RepairReport:
    """What :func:`repair_parts` did: ``lost`` parts (missing or damaged, unregistered),
    ``rewritten`` parts (old name → new name, without the lost files' rows), ``emptied`` parts
    (held only those rows: unregistered), ``removed_rows`` from the surviving parts and the
    upstream ``files`` to ingest again (their ingest-log entries were removed)."""

    lost: list[str] = field(default_factory=list)
    rewritten: dict[str, str] = field(default_factory=dict)
    emptied: list[str] = field(default_factory=list)
    removed_rows: int = 0
    files: list[str] = field(default_factory=list)


def _repair_name(old: str) -> str:
    """A new name that sorts where ``old`` did (ingest order is the name order)."""
    base = old
    head, _, tail = old.rpartition("-r")
    if head and len(tail) == 8 and all(ch in "0123456789abcdef" for ch in tail):
        base = head
    return f"{base}-r{uuid.uuid4().hex[:8]}"


def _held(store: Store, parts: Sequence[str]) -> dict[str, dict[str | None, int]]:
    """part → {source_file: rows} over the Parquet files of ``parts`` (one scan of the
    ``source_file`` column)."""
    from bilat.sources import gdelt

    folder = _folder(store)
    out: dict[str, dict[str | None, int]] = {p: {} for p in parts}
    files = [f for p in parts for f in gdelt._part_files(folder / p)]  # noqa: SLF001
    if not files:
        return out
    for name, src, n in store.con.execute(
            f"SELECT filename, source_file, count(*) FROM read_parquet("
            f"{gdelt._sql_list(files)}, filename = true) GROUP BY ALL").fetchall():  # noqa: SLF001
        out[Path(name).parent.name].setdefault(src, 0)
        out[Path(name).parent.name][src] += int(n)
    return out


def repair_parts(store: Store) -> RepairReport:
    """Unregister the GDELT parts that are missing or damaged **and every row of the upstream
    files they held**, so that ingesting those files again makes the store whole.

    After compaction one upstream file's rows sit in several month parts (a GDELT file
    reports events of earlier months), so a lost part takes only some of a file's rows.
    Dropping the part and the file's ingest-log entry alone would leave the file's other
    rows behind, and ingesting it again would add only the missing events (the identity
    dedupe by version and ``GLOBALEVENTID``): the ingest log and the parts would never agree
    again. So the files to ingest again are those the lost parts held (``gdelt_part_files``)
    and any file whose rows in the parts differ from its ingest-log count (a store repaired
    by an older bilat, or a part without recorded files); their rows are removed from the
    surviving parts too.

    As in :func:`compact`, the surviving parts that hold such rows are rewritten under
    temporary names first (rows in their order, row groups as before), their volume and
    dyad-day sums staged from the new files; then one transaction renames them, swaps the
    registration (``gdelt_parts``, ``gdelt_part_files``, ``gdelt_part_layout``,
    ``gdelt_volume``, the dyad-day layer), removes the files' ingest-log entries and commits;
    the old folders are deleted only after the commit. Errors: E873 (nothing changed).
    """
    from bilat.sources import gdelt
    from bilat.store import dyad_day

    report = RepairReport()
    if not store.has_table("gdelt_parts"):
        return report
    con = store.con
    checks = gdelt.check_parts(store)
    bad = [c for c in checks if c["status"] != "ok"]
    good = [c["part"] for c in checks if c["status"] == "ok"]
    rows_of = {p: int(n) for p, n in con.execute("SELECT part, rows FROM gdelt_parts")
               .fetchall()}
    affected = {f for c in bad for f in c["files"]}
    held = _held(store, good)
    logged = dict(con.execute(
        "SELECT key, sum(rows) FROM ingest_log WHERE kind = 'gdelt' GROUP BY key").fetchall()) \
        if store.has_table("ingest_log") else {}
    stored: dict[str, int] = {}
    for counts in held.values():
        for f, n in counts.items():
            if f is not None:
                stored[f] = stored.get(f, 0) + n
    for f in set(logged) | set(stored):
        if int(logged.get(f) or 0) != stored.get(f, 0):
            affected.add(f)  # rows in the parts and the ingest log disagree: load it afresh
    if not bad and not affected:
        return report
    folder = _folder(store)
    layout_of: dict[str, tuple] = {}
    if store.has_table("gdelt_part_layout"):
        layout_of = {r[0]: r for r in con.execute(
            "SELECT part, month, sort_key, row_group_rows, merged, compacted_at "
            "FROM gdelt_part_layout").fetchall()}
    summarised = {r[0] for r in con.execute("SELECT part FROM gdelt_volume_parts")
                  .fetchall()} if store.has_table("gdelt_volume_parts") else set()
    layered = {r[0] for r in con.execute(
        "SELECT unit FROM dyad_day_units WHERE source = 'gdelt'").fetchall()} \
        if store.has_table("dyad_day_units") else set()
    touched = [p for p in good if any(f in affected for f in held[p])]
    tmps: dict[str, tuple[Path, str, int]] = {}  # old → (tmp, new name, rows)
    staged: list[str] = []
    finals: list[Path] = []
    keep = sorted(affected)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE __bilat_drop (file VARCHAR)")
        con.executemany("INSERT INTO __bilat_drop VALUES (?)", [(f,) for f in keep])
        for p in touched:
            drop = sum(n for f, n in held[p].items() if f in affected)
            left = rows_of[p] - drop
            report.removed_rows += drop
            if left <= 0:
                report.emptied.append(p)
                continue
            tmp = folder / f"{uuid.uuid4().hex}.tmp"
            tmp.mkdir()
            out = tmp / "data_0.parquet"
            lay = layout_of.get(p)
            groups = f", ROW_GROUP_SIZE {int(lay[3])}" if lay else ""
            con.execute(
                f"COPY (SELECT {_columns(con, folder / p)} FROM read_parquet("
                f"{gdelt._files([folder / p])}, hive_partitioning = false) "  # noqa: SLF001
                f"WHERE source_file IS NULL OR source_file "
                f"NOT IN (SELECT file FROM __bilat_drop)) TO '{gdelt._sql_str(out)}' "  # noqa: SLF001
                f"(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1{groups})")
            name = _repair_name(p)
            tmps[p] = (tmp, name, left)
            got = int(con.execute(f"SELECT count(*) FROM read_parquet('{gdelt._sql_str(out)}')"  # noqa: SLF001
                                  ).fetchall()[0][0])
            if got != left:
                raise error("E873", path=store.path or store.data_dir,
                            reason=f"part {p} rewritten with {got:,} rows, {left:,} expected")
            if p in summarised or p in layered:
                dyad_day.stage_gdelt(con, f"read_parquet('{gdelt._sql_str(out)}')", name)
                staged.append(name)
        gone = [c["part"] for c in bad] + report.emptied + list(tmps)
        with store.transaction():
            con.execute("CREATE OR REPLACE TEMP TABLE __bilat_old (part VARCHAR)")
            con.executemany("INSERT INTO __bilat_old VALUES (?)", [(p,) for p in gone])
            now = datetime.now(UTC).replace(tzinfo=None)
            for old, (tmp, name, left) in tmps.items():
                final = folder / name
                os.replace(tmp, final)
                finals.append(final)
                files = sorted(f for f in held[old] if f is not None and f not in affected)
                con.execute("INSERT INTO gdelt_parts VALUES (?, ?, ?, ?)",
                            [name, left, len(files), now])
                if store.has_table("gdelt_part_files"):
                    con.execute("INSERT INTO gdelt_part_files SELECT ?, file, sha256 FROM "
                                "gdelt_part_files WHERE part = ? AND file NOT IN "
                                "(SELECT file FROM __bilat_drop)", [name, old])
                if old in layout_of:
                    con.execute("INSERT INTO gdelt_part_layout VALUES (?, ?, ?, ?, ?, ?)",
                                [name, *layout_of[old][1:]])
                if old in summarised:
                    gdelt._summarise_staged(con, name, dyad_day.staged_gdelt_volume(name))  # noqa: SLF001
                if old in layered:
                    dyad_day.store_gdelt_part(con, name)
            for t, col in (("gdelt_parts", "part"), ("gdelt_part_files", "part"),
                           ("gdelt_part_layout", "part"), ("gdelt_volume", "part"),
                           ("gdelt_volume_parts", "part")):
                if store.has_table(t):
                    con.execute(f"DELETE FROM {t} WHERE {col} IN (SELECT part FROM __bilat_old)")
            # and the sums of parts no longer registered (left by an older repair)
            for t in ("gdelt_volume", "gdelt_volume_parts"):
                if store.has_table(t):
                    con.execute(f"DELETE FROM {t} WHERE part NOT IN "
                                "(SELECT part FROM gdelt_parts)")
            for t in ("dyad_day", "dyad_day_totals", "dyad_day_volume", "dyad_day_units"):
                if store.has_table(t):
                    con.execute(f"DELETE FROM {t} WHERE source = 'gdelt' AND (unit IN "
                                "(SELECT part FROM __bilat_old) OR unit NOT IN "
                                "(SELECT part FROM gdelt_parts))")
            if store.has_table("ingest_log"):
                con.execute("DELETE FROM ingest_log WHERE kind = 'gdelt' AND key IN "
                            "(SELECT file FROM __bilat_drop)")
            gdelt._create_view(store)  # noqa: SLF001
            _check_repair(store, sum(c.get(None, 0) for p, c in held.items()
                                     if p not in gone))
    except BaseException as exc:
        for f in finals:
            shutil.rmtree(f, ignore_errors=True)
        if isinstance(exc, BilatError | KeyboardInterrupt) or not isinstance(exc, Exception):
            raise
        msg = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
        if getattr(exc, "errno", None) == 28 or "no space left" in msg.lower():
            raise error("E019", path=store.data_dir, reason="no space left on device") from exc
        raise error("E873", path=store.path or store.data_dir, reason=msg[:300]) from exc
    finally:
        for tmp, _name, _left in tmps.values():
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        for name in staged:
            dyad_day.drop_staged_gdelt(con, name)
        for t in ("__bilat_drop", "__bilat_old"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
    for p in [c["part"] for c in bad] + report.emptied + list(tmps):
        shutil.rmtree(folder / p, ignore_errors=True)
    report.lost = [c["part"] for c in bad]
    report.rewritten = {old: name for old, (_t, name, _n) in tmps.items()}
    report.files = keep
    return report


def _check_repair(store: Store, unnamed: int) -> None:
    """Inside the repair's transaction, before the commit: every part whole and the ingest
    log's rows equal to the parts' rows (less ``unnamed`` rows without a ``source_file``)."""
    from bilat.sources import gdelt

    for c in gdelt.check_parts(store):
        if c["status"] != "ok":
            raise error("E873", path=store.path or store.data_dir,
                        reason=f"part {c['part']}: {c['status']}: {c['detail']}")
    if not store.has_table("ingest_log"):
        return
    logged, parts = store.con.execute(
        "SELECT (SELECT coalesce(sum(rows), 0) FROM ingest_log WHERE kind = 'gdelt'), "
        "(SELECT coalesce(sum(rows), 0) FROM gdelt_parts)").fetchall()[0]
    if int(logged) != int(parts) - unnamed:
        raise error("E873", path=store.path or store.data_dir,
                    reason=f"{int(logged):,} rows logged, {int(parts):,} in the parts after "
                    "the repair")


def auto_compact(store: Store, *, threshold: int = AUTO_PARTS) -> CompactReport | None:
    """Compact when more than ``threshold`` GDELT parts are in ingest order (called at the end
    of ``bilat fetch gdelt`` and ``bilat fetch all``); ``None`` when nothing was due."""
    if getattr(store, "read_only", False) or len(pending(store)) <= threshold:
        return None
    return compact(store)


__all__ = ["AUTO_PARTS", "ROW_GROUP_ROWS", "SMALL_ROWS", "SORT_KEY", "CompactReport",
           "RepairReport", "auto_compact", "compact", "layout", "pending", "repair_parts"]
