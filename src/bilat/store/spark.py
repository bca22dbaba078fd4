"""Run bilat's portable queries on Apache Spark, over the same Parquet the store keeps.

``--store pyspark://local[2]`` (a local Spark with two cores) or ``pyspark://HOST:PORT`` (a
standalone cluster: ``spark://HOST:PORT``; ``pyspark://yarn`` for YARN) opens a
:class:`SparkStore`. It reads the catalogue of an embedded bilat store — which Parquet parts
hold the events — and lets Spark read those files itself; the event indicators then run
through the very Ibis expression the DuckDB path uses (:func:`bilat.indicators.events.
indicator_expr`), executed by Ibis's PySpark backend. The catalogue store is the default store,
or the one named by ``?store=PATH`` (``pyspark://local[2]?store=out/bilat.duckdb``). On a
cluster, the part files must be readable by every executor at the same path (a shared file
system, HDFS or object storage mounted at that path), e.g. by copying the store's ``.data``
folder there.

What runs on Spark:

- ``bilat events indicators`` (every period, direction, de-duplication mode and actor filter):
  :func:`bilat.indicators.events.indicators` has Spark compute the table
  (:func:`bilat.indicators.events.gdelt_indicators`) and adds coverage, flags and notes from
  the catalogue store, so the columns are DuckDB's;
- ``bilat events contacts``: Spark finds the contact events (:meth:`SparkStore.contact_events`)
  and each period's event days (:meth:`SparkStore.event_days`) in the GDELT parts; file
  coverage and the other contact series come from the catalogue;
- ``bilat votes affinity`` (every index, ``--by year|session|issue|period``, reference dyads,
  issue and important-vote filters), through :func:`bilat.indicators.votes.affinity`: the
  vote-level self-join and the 3 × 3 counts are the same Ibis expressions, run by Spark over a
  Parquet snapshot of the merged UN-vote record (:meth:`SparkStore.votes_snapshot`); the
  coverage warnings are read from the catalogue store.

Steps that are DuckDB-only (the multi-source canonical view, coverage tables, ICEWS contacts,
the all-pairs vote matrices) are refused with E801 naming the step. Needs the ``spark`` extra
(``pip install 'bilat[spark]'``) and a Java runtime (17 or newer).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from bilat.errors import error

#: Spark settings for a small local run: no UI, few shuffle partitions, UTC, quiet logs.
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.ansi.enabled": "false",  # Spark 4 defaults to ANSI; DuckDB's NULL-on-error
}


def parse_spark_url(target: str) -> tuple[str, Path | None]:
    """Master and catalogue store from the part of ``pyspark://…`` after the scheme.

    ``local[2]`` → ``local[2]``; ``HOST:PORT`` → ``spark://HOST:PORT``; ``yarn`` → ``yarn``;
    empty → ``local[*]``. ``?store=PATH`` names the embedded store whose parts are read.
    """
    master, _, query = target.partition("?")
    master = master.strip().rstrip("/")
    store = None
    if query:
        values = parse_qs(query)
        unknown = sorted(set(values) - {"store"})
        if unknown:
            raise error("E012", value=unknown[0], option="pyspark:// URL parameter",
                        options="store")
        if values.get("store"):
            store = Path(values["store"][0]).expanduser()
    if not master:
        master = "local[*]"
    elif not (master.startswith(("local", "yarn", "k8s://", "spark://", "mesos://"))):
        master = "spark://" + master
    return master, store


def _java_ok() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool((home and Path(home, "bin", "java").exists()) or shutil.which("java"))


@dataclass
class SparkStore:
    """A Spark session bound to one embedded store's catalogue (see the module docstring).

    ``engine`` is ``"pyspark"``; :func:`bilat.indicators.events.gdelt_indicators` asks
    :meth:`run_indicator_expr` for the indicator table instead of running SQL on DuckDB.
    """

    master: str
    catalogue: Path
    engine: str = "pyspark"
    _session: Any = None
    _ibis: Any = None
    _tables: dict[str, Any] = field(default_factory=dict)
    _snapshot: dict[str, Path] | None = None

    # ------------------------------------------------------------------ session
    @property
    def session(self) -> Any:
        if self._session is None:
            from bilat.store.backends import require_extra

            pyspark = require_extra("pyspark")
            if not _java_ok():
                raise error("E802", master=self.master)
            builder = pyspark.sql.SparkSession.builder.master(self.master).appName("bilat")
            for key, value in LOCAL_CONF.items():
                if key.startswith("spark.driver.") and not self.master.startswith("local"):
                    continue
                builder = builder.config(key, value)
            if not os.environ.get("SPARK_CONF_DIR"):  # errors only, unless the user set logging
                log4j = Path(__file__).with_name("spark_log4j2.properties")
                builder = builder.config("spark.driver.extraJavaOptions",
                                         f"-Dlog4j2.configurationFile={log4j.as_uri()}")
            try:
                self._session = builder.getOrCreate()
            except Exception as exc:  # noqa: BLE001 - Py4J/JVM start-up failures, one line
                raise error("E803", master=self.master,
                            reason=str(exc).strip().splitlines()[0][:300]) from exc
            self._session.sparkContext.setLogLevel("ERROR")
        return self._session

    @property
    def ibis(self) -> Any:
        """Ibis's PySpark backend on this session."""
        if self._ibis is None:
            import ibis

            self._ibis = ibis.pyspark.connect(self.session)
        return self._ibis

    # ------------------------------------------------------------------ catalogue
    def part_files(self) -> list[Path]:
        """The Parquet files that hold the catalogue store's GDELT events (E009 if none)."""
        from bilat.store import open_store

        if not self.catalogue.exists():
            raise error("E009", name="gdelt_events",
                        next_step=f"bilat --store {self.catalogue} fetch gdelt …`; no store "
                        f"at {self.catalogue}; name one with `pyspark://…?store=PATH")
        st = open_store(self.catalogue, read_only=True) if _takes_read_only() else \
            open_store(self.catalogue)
        try:
            if not st.has_table("gdelt_parts"):
                raise error("E009", name="gdelt_events",
                            next_step="bilat fetch gdelt --start … --end …` or "
                            "`bilat events ingest FILE")
            parts = [r[0] for r in st.con.execute(
                "SELECT part FROM gdelt_parts ORDER BY part").fetchall()]
            folder = st.data_dir / "gdelt"
        finally:
            st.close()
        files: list[Path] = []
        missing: list[Path] = []
        for p in parts:  # a part is one Parquet file or a folder of them
            path = folder / p
            found = sorted(path.glob("*.parquet")) if path.is_dir() else (
                [path] if path.is_file() else [])
            if not found:
                missing.append(path)
            files += found
        if missing:
            raise error("E804", path=missing[0], count=len(missing))
        return files

    def catalogue_store(self) -> Any:
        """The catalogue store opened read-only (E009 when there is none): it answers the
        metadata questions (coverage, which years are held) that do not scan events."""
        from bilat.store import open_store

        if not self.catalogue.exists():
            raise error("E009", name="un_votes",
                        next_step=f"bilat --store {self.catalogue} fetch unvotes`; no store at "
                        f"{self.catalogue}; name one with `pyspark://…?store=PATH")
        return open_store(self.catalogue, read_only=True)

    def votes_snapshot(self) -> dict[str, Path]:
        """Parquet snapshots of the merged UN-vote record (``un_votes``, ``un_rollcalls``)
        that Spark reads, written once per state of the store.

        The merged record (:func:`bilat.indicators.votes.merged`: unvotes/Voeten and the UN
        Digital Library scrape, each roll call once) is built by DuckDB from the catalogue and
        written to ``<store>.data/spark/votes-<key>/`` (a temporary folder when the store's
        folder cannot be written), ``key`` being a hash of the store's ingest log, so a new
        fetch gives a new snapshot and an unchanged store reuses it. The folder is written
        under a temporary name and renamed, so a crash never leaves half a snapshot. On a
        cluster, that folder must be readable by every executor (as the event parts are).
        """
        import hashlib
        import tempfile

        from bilat.indicators import votes as V

        if self._snapshot is not None:
            return self._snapshot
        st = self.catalogue_store()
        try:
            V.merged(st)
            key = hashlib.sha256(repr(V._signature(st)).encode()).hexdigest()[:16]
            base = st.data_dir / "spark"
            try:
                base.mkdir(parents=True, exist_ok=True)
                writable = os.access(base, os.W_OK)
            except OSError:
                writable = False
            if not writable:
                base = Path(tempfile.gettempdir()) / "bilat-spark"
                base.mkdir(parents=True, exist_ok=True)
            folder = base / f"votes-{key}"
            files = {"un_votes": folder / "un_votes.parquet",
                     "un_rollcalls": folder / "un_rollcalls.parquet"}
            if not all(f.is_file() for f in files.values()):
                tmp = Path(tempfile.mkdtemp(prefix=f".votes-{key}-", dir=base))
                for name, table in (("un_votes", V.MERGED_VOTES),
                                    ("un_rollcalls", V.MERGED_ROLLCALLS)):
                    target = str(tmp / f"{name}.parquet").replace("'", "''")
                    st.con.execute(f"COPY (SELECT * FROM {table}) TO '{target}' "
                                   "(FORMAT parquet)")
                try:
                    tmp.rename(folder)
                except OSError:  # another process wrote the same snapshot first
                    shutil.rmtree(tmp, ignore_errors=True)
        finally:
            st.close()
        self._snapshot = files
        return files

    def votes_table(self, name: str) -> Any:
        """The Ibis table ``un_votes`` or ``un_rollcalls`` on Spark (the merged record, from
        :meth:`votes_snapshot`); any other name is E801."""
        if name not in ("un_votes", "un_rollcalls"):
            raise error("E801", step=f"table {name!r}")
        if name not in self._tables:
            view = f"bilat_{name}"
            self.session.read.parquet(str(self.votes_snapshot()[name])) \
                .createOrReplaceTempView(view)
            self._tables[name] = self.ibis.table(view)
        return self._tables[name]

    def table(self, name: str = "gdelt_events") -> Any:
        """The Ibis table ``name`` on Spark (``gdelt_events``: the store's event parts)."""
        if name != "gdelt_events":
            raise error("E801", step=f"table {name!r}")
        if name not in self._tables:
            files = [str(f) for f in self.part_files()]
            df = self.session.read.parquet(*files)
            df.createOrReplaceTempView("gdelt_events")
            self._tables[name] = self.ibis.table("gdelt_events")
        return self._tables[name]

    # ------------------------------------------------------------------ queries
    def run_indicator_expr(self, q: Any) -> Any:
        """The raw indicator table of :func:`bilat.indicators.events.indicator_expr` for the
        query ``q``, executed on Spark, as pandas (same columns as the DuckDB path)."""
        from bilat.indicators.events import _spark_compile_options, indicator_expr

        _spark_compile_options()
        expr = indicator_expr(self.table("gdelt_events"), q)
        try:
            return expr.to_pandas()
        except Exception as exc:  # noqa: BLE001 - JVM errors as one line
            raise error("E803", master=self.master,
                        reason=str(exc).strip().splitlines()[0][:300]) from exc

    def contact_events(self, countries: Sequence[str], kinds: Sequence[str],
                       start: int | None, end: int | None) -> Any:
        """GDELT events that can be leader or government contacts among ``countries`` (ISO3):
        CAMEO ``kinds`` (3-digit codes, e.g. 040–046), both actors' CAMEO country codes
        among the countries' codes, ``GOV`` among each actor's three type codes, SQLDATE in
        ``start``…``end`` (YYYYMMDD, inclusive). Filtered by Spark; returned as pandas with the
        canonical columns :func:`bilat.indicators.events.contact_list` reads (``source``,
        ``event_id``, ``event_date``, ``actor1_iso3``, ``actor2_iso3``, ``actor1_name``,
        ``actor2_name``, ``cameo_code``, ``actor1_via``, ``actor2_via``, ``derived``)."""
        import ibis
        import pandas as pd

        from bilat.reference.countries import iso3_map

        cameo = iso3_map("cameo")
        wanted = set(countries)
        codes = sorted(code for code, iso3 in cameo.items() if iso3 in wanted) or ["-"]
        t = self.table("gdelt_events")

        def gov(n: int) -> Any:
            return ibis.or_(*[t[f"Actor{n}Type{k}Code"] == "GOV" for k in (1, 2, 3)])

        preds = [t.EventCode.substr(0, 3).isin(list(kinds)), t.Actor1CountryCode.isin(codes),
                 t.Actor2CountryCode.isin(codes), gov(1), gov(2)]
        if start is not None:
            preds.append(t["SQLDATE"] >= start)
        if end is not None:
            preds.append(t["SQLDATE"] <= end)
        expr = t.filter(*preds).select(
            event_id=t.GLOBALEVENTID.cast("string"), sqldate=t.SQLDATE.cast("int64"),
            actor1_name=t.Actor1Name, c1=t.Actor1CountryCode, actor2_name=t.Actor2Name,
            c2=t.Actor2CountryCode, cameo_code=t.EventCode)
        ev = self._pandas(expr)
        ev["actor1_iso3"] = ev.pop("c1").map(cameo)
        ev["actor2_iso3"] = ev.pop("c2").map(cameo)
        ev["event_date"] = pd.to_datetime(ev.pop("sqldate").astype("string"), format="%Y%m%d",
                                          errors="coerce").dt.date
        ev["source"] = "gdelt"
        for n in (1, 2):
            ev[f"actor{n}_via"] = ev[f"actor{n}_iso3"].notna().map({True: "gdelt", False: None})
        ev["derived"] = False
        return ev[["source", "event_id", "event_date", "actor1_iso3", "actor2_iso3",
                   "actor1_name", "actor2_name", "cameo_code", "actor1_via", "actor2_via",
                   "derived"]]

    def event_days(self, period: str, start: int | None, end: int | None) -> Any:
        """Per ``period`` (day/week/month/quarter/year, as a start date) the number of distinct
        event dates the GDELT parts hold in ``start``…``end`` (columns ``period``, ``days``)."""
        import pandas as pd

        t = self.table("gdelt_events")
        preds = []
        if start is not None:
            preds.append(t["SQLDATE"] >= start)
        if end is not None:
            preds.append(t["SQLDATE"] <= end)
        t = t.filter(*preds) if preds else t
        day = t.SQLDATE.cast("string").as_date("%Y%m%d")
        unit = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}[period]
        per = day if period == "day" else day.truncate(unit)
        expr = t.select(period=per, d=day).filter(lambda r: r.d.notnull()) \
            .group_by("period").aggregate(days=lambda r: r.d.nunique()).order_by("period")
        out = self._pandas(expr)
        out["period"] = pd.to_datetime(out["period"]).dt.date
        return out

    def _pandas(self, expr: Any) -> Any:
        """Execute an Ibis expression on Spark (JVM errors as one E803 line)."""
        try:
            return expr.to_pandas()
        except Exception as exc:  # noqa: BLE001 - JVM errors as one line
            raise error("E803", master=self.master,
                        reason=str(exc).strip().splitlines()[0][:300]) from exc

    def refuse(self, step: str) -> None:
        """E801: ``step`` is DuckDB-only and has no Spark form."""
        raise error("E801", step=step)

    def has_table(self, name: str) -> bool:  # the DuckDB-store question, asked of Spark
        return name == "gdelt_events"

    def close(self) -> None:
        """Stop the Spark session (local mode: the JVM is kept for the next session)."""
        if self._session is not None:
            self._session.stop()
            self._session = None
            self._ibis = None
            self._tables.clear()
            self._snapshot = None

    def __enter__(self) -> SparkStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _takes_read_only() -> bool:
    import inspect

    from bilat.store import open_store

    return "read_only" in inspect.signature(open_store).parameters


def open_spark(target: str, default_catalogue: str | Path | None = None) -> SparkStore:
    """A :class:`SparkStore` for the part of a ``pyspark://`` URL after the scheme."""
    from bilat.config import default_store_path

    master, store = parse_spark_url(target)
    catalogue = store or (Path(default_catalogue) if default_catalogue else default_store_path())
    return SparkStore(master=master, catalogue=Path(catalogue))
