"""Storage: the embedded DuckDB store and URL-chosen Ibis backends."""

from bilat.store.backends import DIALECTS, StoreURL, parse_store_url
from bilat.store.store import Store, open_store, remove_store

__all__ = ["DIALECTS", "Store", "StoreURL", "open_store", "parse_store_url", "remove_store"]
