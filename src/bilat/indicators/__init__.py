"""Indicators computed in the store: event-data dyad measures and UN voting affinity."""

# ``bilat.indicators.panel(store, "RUS", "CHN", ...)``: the dyad-year panel of every pillar
# (the module is callable; ``bilat.indicators.panel.panel`` is the same function). Imported
# on first use: it loads pandas, which `bilat events indicators` must not pay for.
from typing import Any


def __getattr__(name: str) -> Any:
    if name == "panel":
        import importlib

        return importlib.import_module("bilat.indicators.panel")
    raise AttributeError(f"module 'bilat.indicators' has no attribute {name!r}")
