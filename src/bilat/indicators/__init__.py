"""Indicators computed in the store: event-data dyad measures and UN voting affinity."""

# ``bilat.indicators.panel(store, "RUS", "CHN", ...)``: the dyad-year panel of every pillar
# (the module is callable; ``bilat.indicators.panel.panel`` is the same function).
from bilat.indicators import panel  # noqa: E402,F401  isort: skip
