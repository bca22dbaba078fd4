"""The store checks itself: parts, views and the ingest log against the files (``bilat doctor``).

:func:`doctor` returns one row per check — ``check``, ``object``, ``status`` (``ok``,
``problem``, ``note``), ``detail`` and ``repair`` (what to run) — and never changes the store;
:func:`repair` fixes what can be fixed without the upstream files (unregisters missing or
damaged GDELT parts and the ingest-log entries of the files they held, removes folders no
ingest committed) and says which files to ingest again.
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
                        f"{logged:,} rows logged, {parts:,} in the parts",
                        "" if ok else "bilat doctor --repair, then ingest the files again"))
    if store.has_table("un_votes"):
        logged = _count(store, "SELECT sum(rows) FROM ingest_log WHERE kind = 'unvotes'")
        stored = _count(store, "SELECT count(*) FROM un_votes")
        ok = logged == stored
        out.append(_row("ingest log", "unvotes", "ok" if ok else "problem",
                        f"{logged:,} votes logged, {stored:,} in un_votes",
                        "" if ok else "remove the store's vote tables and run "
                        "`bilat fetch unvotes` again"))
    return out


def repair(store: Store) -> list[str]:
    """Fix what :func:`doctor` finds that needs no upstream file; return the upstream files
    to ingest again (their parts were missing or damaged)."""
    from bilat.sources import gdelt

    again = gdelt.repair_parts(store)
    folder = store.data_dir / "gdelt"
    if folder.is_dir():
        gdelt._remove_orphans(store)  # noqa: SLF001 - the store's own maintenance
    return again


__all__ = ["COLUMNS", "doctor", "repair"]

