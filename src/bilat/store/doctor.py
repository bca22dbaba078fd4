"""The store checks itself: parts, views and the ingest log against the files (``bilat doctor``).

:func:`doctor` returns one row per check — ``check``, ``object``, ``status`` (``ok``,
``problem``, ``note``), ``detail`` and ``repair`` (what to run) — and never changes the store;
:func:`repair` fixes what can be fixed without the upstream files (unregisters missing or
damaged GDELT parts, removes the rows of the upstream files they held from the other parts and
those files' ingest-log entries, removes folders no ingest committed) and says which files to
ingest again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from bilat.store.store import Store

COLUMNS = ["check", "object", "status", "detail", "repair"]


def _row(check: str, obj: str, status: str, detail: str = "", repair: str = "") -> dict:
    return {"check": check, "object": obj, "status": status, "detail": detail,
            "repair": repair}


def doctor(store: Store) -> pd.DataFrame:
    """Check the store: the DuckDB file opens, every GDELT part's files are there and hold
    the rows registered, no uncommitted part folders are left, every view can be read, and
    the ingest log agrees with the tables it describes."""
    import pandas as pd

    rows: list[dict] = [_row("store file", str(store.path or ":memory:"), "ok",
                             "opened read-only" if store.read_only else "opened")]
    rows += _check_gdelt(store)
    rows += _check_views(store)
    rows += _check_log(store)
    return pd.DataFrame(rows, columns=COLUMNS)


def _check_gdelt(store: Store) -> list[dict]:
    from bilat.sources import gdelt

    out = []
    fix = "bilat doctor --repair, then ingest the files named again"
    for c in gdelt.check_parts(store):
        held = f"; holds {', '.join(c['files'][:5])}" if c["files"] else ""
        out.append(_row("gdelt part", c["path"], "ok" if c["status"] == "ok" else "problem",
                        f"{c['status']}: {c['detail']}{held}" if c["status"] != "ok"
                        else c["detail"], "" if c["status"] == "ok" else fix))
    folder = store.data_dir / "gdelt"
    if folder.is_dir() and store.has_table("gdelt_parts"):
        listed = {r[0] for r in store.con.execute("SELECT part FROM gdelt_parts").fetchall()}
        for f in sorted(folder.iterdir()):
            if f.name not in listed and (f.name.startswith("part-") or f.name.endswith(".tmp")):
                out.append(_row("gdelt part", str(f), "note",
                                "left by an interrupted ingest or compaction; never read",
                                "bilat doctor --repair (or the next ingest) removes it"))
    if store.has_table("gdelt_parts"):
        from bilat.store.compact import AUTO_PARTS, layout

        lay = layout(store)
        due = lay["ingest_order"] > AUTO_PARTS
        out.append(_row("gdelt layout", "gdelt_parts", "note" if due else "ok",
                        f"{lay['sorted']} part(s) compacted (one per month, sorted by actor "
                        f"country) over {lay['months']} month(s); {lay['ingest_order']} in "
                        "ingest order", "bilat compact (event-level queries then skip other "
                        "dyads and months)" if due else ""))
    return out


def _check_views(store: Store) -> list[dict]:
    out = []
    views = [r[0] for r in store.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW' "
        "ORDER BY 1").fetchall()]
    for v in views:
        try:
            store.con.execute(f'SELECT * FROM "{v}" LIMIT 0').fetchall()
            out.append(_row("view", v, "ok"))
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            msg = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            repair = "bilat doctor --repair" if v == "gdelt_events" else \
                "load the source again (bilat fetch …)"
            out.append(_row("view", v, "problem", msg, repair))
    return out


def _count(store: Store, sql: str) -> int:
    return int(store.con.execute(sql).fetchall()[0][0] or 0)


def _check_log(store: Store) -> list[dict]:
    out = []
    if not store.has_table("ingest_log"):
        return [_row("ingest log", "ingest_log", "note", "no ingest yet")]
    if store.has_table("gdelt_parts"):
        logged = _count(store, "SELECT sum(rows) FROM ingest_log WHERE kind = 'gdelt'")
        parts = _count(store, "SELECT sum(rows) FROM gdelt_parts")
        ok = logged == parts
        out.append(_row("ingest log", "gdelt", "ok" if ok else "problem",
                        f"{logged:,} rows logged, {parts:,} in the parts"
                        + ("" if ok else _files_differing(store)),
                        "" if ok else "bilat doctor --repair (removes those files' rows "
                        "from every part), then ingest the files it names again"))
    if store.has_table("un_votes"):
        logged = _count(store, "SELECT sum(rows) FROM ingest_log WHERE kind = 'unvotes'")
        stored = _count(store, "SELECT count(*) FROM un_votes")
        ok = logged == stored
        out.append(_row("ingest log", "unvotes", "ok" if ok else "problem",
                        f"{logged:,} votes logged, {stored:,} in un_votes",
                        "" if ok else "remove the store's vote tables and run "
                        "`bilat fetch unvotes` again"))
    return out


def _files_differing(store: Store) -> str:
    """The upstream files whose rows in the parts differ from their ingest-log count (one
    scan of ``source_file``; empty when the parts cannot be read)."""
    try:
        rows = store.con.execute(
            "SELECT coalesce(l.key, s.source_file), coalesce(l.n, 0), coalesce(s.n, 0) FROM "
            "(SELECT key, sum(rows) AS n FROM ingest_log WHERE kind = 'gdelt' GROUP BY key) l "
            "FULL JOIN (SELECT source_file, count(*) AS n FROM gdelt_events "
            "WHERE source_file IS NOT NULL GROUP BY 1) s ON l.key = s.source_file "
            "WHERE coalesce(l.n, 0) <> coalesce(s.n, 0) ORDER BY 1").fetchall()
    except Exception:  # noqa: BLE001 - a missing part is reported on its own row
        return ""
    shown = "; ".join(f"{f}: {int(a):,} logged, {int(b):,} stored" for f, a, b in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return f" ({shown}{more})" if rows else ""


def repair(store: Store) -> list[str]:
    """Fix what :func:`doctor` finds that needs no upstream file; return the upstream files
    to ingest again.

    A missing or damaged GDELT part is unregistered together with every row of the upstream
    files it held, in the surviving (compacted) parts too, and those files' ingest-log
    entries (:func:`bilat.store.compact.repair_parts`, one transaction): ingesting the files
    named again then makes the store whole, equal to one that never lost the part. A file
    whose rows in the parts differ from its ingest-log count is treated the same way."""
    from bilat.sources import gdelt
    from bilat.store.compact import repair_parts

    again = repair_parts(store).files
    folder = store.data_dir / "gdelt"
    if folder.is_dir():
        gdelt._remove_orphans(store)  # noqa: SLF001 - the store's own maintenance
    return again


__all__ = ["COLUMNS", "doctor", "repair"]

