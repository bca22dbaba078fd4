"""Indicators computed in the store: event-data dyad measures and UN voting affinity."""
