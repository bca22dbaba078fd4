"""`bilat statements lineage`: text, JSON and HTML output, watch-lists, dates, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilat.cli import main

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "lineage"
SHORT = [f"{FIX / 'short_2014.txt'}@2014-05-20", f"{FIX / 'short_2019.txt'}@2019-06-05",
         f"{FIX / 'short_2022.txt'}@2022-02-04"]


def _run(tmp_path: Path, *args: str) -> int:
    return main(["--store", str(tmp_path / "bilat.duckdb"), "statements", "lineage", *args])


def test_json_output_with_watch_list(tmp_path: Path) -> None:
    out = tmp_path / "lineage.json"
    code = _run(tmp_path, *SHORT, "--parties", "RUS,CHN", "--watch", "ukraine", "nato",
                "--format", "json", "-o", str(out))
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["date"] == "2022-02-04"
    labels = [c["label"] for c in data["statements"][-1]["claims"]]
    assert labels == ["reaffirmed", "strengthened", "reaffirmed", "weakened", "new"]
    # `--watch ukraine nato`: nato is taken from DOC… into the watch-list; it is mentioned
    assert data["omissions"]["watch"] == ["ukraine", "nato"]
    assert [o["issue"] for o in data["omissions"]["omissions"]] == ["ukraine"]
    assert "nato" in data["omissions"]["present"]


def test_text_output_and_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = _run(tmp_path, *reversed(SHORT), "--watch", "ukraine,arctic")
    captured = capsys.readouterr()
    assert code == 0
    assert "Of 5 claims in the statement of 2022-02-04" in captured.out
    assert "strengthened" in captured.out and "Dropped from the previous statement" in captured.out
    assert "Ukraine" in captured.out and "Arctic" in captured.out
    assert "out of date order" in captured.err


def test_html_output_and_dates_option(tmp_path: Path) -> None:
    out = tmp_path / "lineage.html"
    files = [str(FIX / "short_2014.txt"), str(FIX / "short_2022.txt")]
    code = _run(tmp_path, *files, "--date", "2014-05-20", "--date", "2022-02-04",
                "--format", "html", "-o", str(out))
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Lineage of the statement of 2022-02-04" in html


def test_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(tmp_path, SHORT[0]) == 1
    assert "[E401]" in capsys.readouterr().err
    assert _run(tmp_path, *SHORT, "--format", "xml") == 1
    assert "[E004]" in capsys.readouterr().err
    assert _run(tmp_path, *SHORT, "--watch", "narnia") == 1
    assert "[E405]" in capsys.readouterr().err
    assert _run(tmp_path, str(FIX / "short_2014.txt"), SHORT[1]) == 1
    assert "[E402]" in capsys.readouterr().err


def test_text_to_unwritable_output_is_one_line_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = _run(tmp_path, *SHORT, "--no-events", "-o", str(tmp_path / "missing" / "l.txt"))
    captured = capsys.readouterr()
    assert code == 1
    assert "E005" in captured.err and "Traceback" not in captured.err


def test_language_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--language` states each DOC's language in order (as in `readouts compare`); a value
    bilat does not analyse is one line, E370, naming the valid ones."""
    from bilat.text.lineage import resolve_series

    docs = resolve_series(SHORT[:2], languages=["ru"])
    assert [d.language for d in docs] == ["ru", "en"]
    assert _run(tmp_path, *SHORT, "--language", "ja") == 1
    err = capsys.readouterr().err
    assert "[E370]" in err and "'ja'" in err and len(err.strip().splitlines()) == 1
    out = tmp_path / "lineage.json"
    assert _run(tmp_path, *SHORT, "-l", "en", "-l", "en", "--format", "json", "-o", str(out)) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["date"] == "2022-02-04"
