"""The `bilat countries` command prints the crosswalk, filtered by a search term."""

from __future__ import annotations

import json

import pytest

import bilat.cli.countries  # noqa: F401  registers the command on the app
from bilat.cli import main


def test_countries_csv_filtered(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["countries", "CH", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("entity,iso3,name,")
    assert sorted(line.split(",")[1] for line in lines[1:]) == ["CHE", "CHN"]


def test_countries_json_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["countries", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) > 240
    ussr = next(r for r in rows if r["entity"] == "SUN")
    assert ussr["iso3"] == "RUS" and ussr["historical"] is True


def test_countries_table_has_no_na_markers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["countries", "palestine"]) == 0
    out = capsys.readouterr().out
    assert "PSE" in out and "<NA>" not in out
