"""`bilat events …` commands (placeholder until the group lands)."""

from __future__ import annotations
