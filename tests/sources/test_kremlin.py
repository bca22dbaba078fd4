"""Kremlin / president.gov.ua CSV readers on the real files, and a CSV missing a column."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.sources.core import BadRows
from bilat.sources.kremlin import parse, sniff

csv.field_size_limit(sys.maxsize)


@pytest.fixture(scope="module")
def putin(shared_data: Path) -> Path:
    return shared_data / "texts" / "kremlin-en-2021-2022" / "press_release_data" / "putin.csv"


def test_every_row_is_one_item(putin: Path) -> None:
    rows = parse(putin, BadRows("fail", putin)).to_pylist()
    ref = pd.read_csv(putin, dtype=str, keep_default_na=False, engine="python")
    assert len(rows) == len(ref)
    assert [r["url"] for r in rows] == list(ref["link"])
    assert [r["title"] for r in rows] == list(ref["headline"])
    call = next(r for r in rows if r["url"].endswith("/67868"))
    assert call["title"] == "Telephone conversation with President of China Xi Jinping"
    assert call["date"].isoformat() == "2022-02-25" and call["side"] == "RUS"
    assert call["language"] == "en" and call["corpus"] == "kremlin-en"


def test_line_numbers_count_physical_lines(putin: Path) -> None:
    rows = parse(putin, BadRows("fail", putin)).to_pylist()
    with putin.open(encoding="utf-8", newline="") as fh:
        rd = csv.reader(fh)
        next(rd)
        starts, line = [], 2
        for _ in rd:
            starts.append(line)
            line = rd.line_num + 1
    assert [r["line"] for r in rows] == starts


def test_russian_layout(shared_data: Path) -> None:
    path = shared_data / "texts" / "kremlin-ru-2025" / "kremlin_articles_ru_enhanced.csv"
    assert sniff(path) == "ru"
    rows = parse(path, BadRows("fail", path)).to_pylist()
    ref = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(rows) == len(ref)
    talks = next(r for r in rows if r["title"] == "Российско-китайские переговоры")
    assert talks["date"].isoformat() == "2025-05-08"
    assert not talks["body"].startswith("События")  # page chrome removed
    ann = next(r for r in rows if r["title"].startswith("7–10 мая Председатель КНР"))
    assert ann["date"].isoformat() == "2025-05-07"  # the announcement's own date line


def test_headline_list(shared_data: Path) -> None:
    path = shared_data / "texts" / "kremlin-ru-2025" / "kremlin_dates.csv"
    rows = parse(path, BadRows("fail", path)).to_pylist()
    ref = pd.read_csv(path, dtype=str)
    assert len(rows) == len(ref) and rows[0]["published"].isoformat() == "2025-04-01T19:00:00"


def test_missing_column_is_one_line(tmp_path: Path, putin: Path) -> None:
    ref = pd.read_csv(putin, dtype=str, keep_default_na=False, nrows=3, engine="python")
    f = tmp_path / "putin.csv"
    ref.drop(columns=["body"]).to_csv(f, index=False)
    with pytest.raises(BilatError) as exc:
        parse(f, BadRows("quarantine", f))
    assert exc.value.code == "E014" and "body" in exc.value.one_line()


def test_bad_date_row_is_set_aside(tmp_path: Path, putin: Path) -> None:
    ref = pd.read_csv(putin, dtype=str, keep_default_na=False, nrows=3, engine="python")
    ref.loc[1, "date"] = "yesterday"
    f = tmp_path / "putin.csv"
    ref.to_csv(f, index=False)
    bad = BadRows("quarantine", f)
    rows = parse(f, bad).to_pylist()
    assert len(rows) == 2 and len(bad) == 1 and "yesterday" in bad.rows[0].reason
    with pytest.raises(BilatError) as exc:
        parse(f, BadRows("fail", f))
    assert exc.value.code == "E354"
