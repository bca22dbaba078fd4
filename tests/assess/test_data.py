"""`bilat fetch all`'s one line per source: many unchanged files are counted, not listed."""

from __future__ import annotations

from bilat.assess.data import _summaries
from bilat.sources.core import IngestResult


def _res(name: str, status: str, added: int = 0) -> IngestResult:
    return IngestResult("icews", name, "0" * 64, status=status, rows_added=added)


def test_many_unchanged_files_are_counted() -> None:
    items = [_res(f"{d:08d}-icews-events.tab", "unchanged") for d in range(20181004, 20181014)]
    items.append(_res("20181015-icews-events.tab", "added", 1200))
    text, added = _summaries(items)
    assert "10 files unchanged (already stored)" in text
    assert "20181015-icews-events.tab: 1,200 rows added" in text
    assert "20181004" not in text and added == 1200


def test_few_files_are_listed() -> None:
    text, added = _summaries([_res("icews.rda", "unchanged")])
    assert text == "icews.rda: unchanged (already stored), 0 rows added" and added == 0
