"""Choose an Ibis backend from a URL, importing optional engines lazily (the Ibis pattern).

``duckdb:///path/file.duckdb`` (or a plain path) is the embedded default; ``duckdb://:memory:``
is for tests; ``pyspark://`` and ``bigquery://PROJECT/DATASET`` need the ``spark`` and
``bigquery`` extras and fail with the exact install command when those are missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bilat.errors import error

#: Dialect names accepted by ``bilat events sql --dialect``.
DIALECTS = ("duckdb", "spark", "bigquery")


@dataclass(frozen=True)
class StoreURL:
    """A parsed store location: the backend name and its target (file path, project…)."""

    backend: str
    target: str

    @property
    def in_memory(self) -> bool:
        return self.backend == "duckdb" and self.target == ":memory:"


def parse_store_url(value: str | Path) -> StoreURL:
    """Split ``duckdb:///x.duckdb``, ``duckdb://:memory:``, ``pyspark://`` or a bare path."""
    text = str(value)
    if text in (":memory:", "duckdb://:memory:", "duckdb://", "memory://"):
        return StoreURL("duckdb", ":memory:")
    if "://" not in text:
        return StoreURL("duckdb", str(Path(text).expanduser()))
    scheme, _, rest = text.partition("://")
    if scheme == "duckdb":
        return StoreURL("duckdb", rest or ":memory:")
    if scheme in ("pyspark", "spark"):
        return StoreURL("pyspark", rest)
    if scheme == "bigquery":
        return StoreURL("bigquery", rest)
    raise error("E001", url=text)


_EXTRAS = {"pyspark": ("pyspark", "spark"), "bigquery": ("google.cloud.bigquery", "bigquery")}


def require_extra(backend: str) -> Any:
    """Import the engine module for ``backend`` or raise E002 with the install command."""
    module, extra = _EXTRAS[backend]
    try:  # through __import__, so that an import hook (or a test) can stand in for it
        return __import__(module, fromlist=["_"])
    except ImportError as exc:
        raise error("E002", backend=backend, extra=extra) from exc


def connect_ibis(url: StoreURL) -> Any:
    """An Ibis backend for a non-DuckDB store URL (DuckDB stores are opened by ``Store``)."""
    import ibis

    if url.backend == "pyspark":
        pyspark = require_extra("pyspark")
        session = pyspark.sql.SparkSession.builder.appName("bilat").getOrCreate()
        return ibis.pyspark.connect(session)
    if url.backend == "bigquery":
        require_extra("bigquery")
        project, _, dataset = url.target.partition("/")
        return ibis.bigquery.connect(project_id=project or None, dataset_id=dataset or None)
    raise error("E001", url=f"{url.backend}://{url.target}")
