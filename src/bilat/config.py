"""Where bilat keeps its store and finds local mirrors; read from options, then environment."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from bilat.errors import error

#: Environment variable naming the default store (a path or a backend URL).
STORE_ENV = "BILAT_STORE"
#: Environment variable naming a local mirror folder laid out like the upstream servers.
MIRROR_ENV = "BILAT_MIRROR"


def default_store_path() -> Path:
    """The store used when none is given: one DuckDB file in the user data directory."""
    return Path(user_data_dir("bilat", appauthor=False)) / "bilat.duckdb"


def resolve_store(store: str | Path | None = None) -> str:
    """The store URL or path to open: the argument, else ``$BILAT_STORE``, else the default."""
    if store is not None:
        return str(store)
    env = os.environ.get(STORE_ENV)
    if env:
        return env
    return str(default_store_path())


def resolve_mirror(mirror: str | Path | None = None) -> Path | None:
    """The local mirror folder, from the argument or ``$BILAT_MIRROR``; ``None`` means online."""
    value = mirror if mirror is not None else os.environ.get(MIRROR_ENV)
    if value is None or str(value) == "":
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        raise error("E003", path=path)
    return path
