"""CCTV 新闻联播 readers on real day files (Markdown and JSON), and broken inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.sources.core import BadRows
from bilat.sources.xwlb import clean_body, parse_json, parse_markdown


def _md(shared: Path, day: str) -> Path:
    return shared / "texts" / "xwlb" / "news" / f"{day}.md"


def test_markdown_items_split_like_the_headings(shared_data: Path) -> None:
    path = _md(shared_data, "20240516")
    rows = parse_markdown(path, BadRows("fail", path)).to_pylist()
    raw = path.read_text(encoding="utf-8")
    headings = re.findall(r"^### (.*)$", raw, flags=re.M)
    links = re.findall(r"^\[查看原文\]\((\S+)\)", raw, flags=re.M)
    items = [r for r in rows if r["section"] == "item"]
    assert [r["title"] for r in items] == [h.strip() for h in headings]
    assert [r["url"] for r in items] == links
    assert [r["position"] for r in items] == list(range(1, len(headings) + 1))
    # every item's line points at its heading
    lines = raw.split("\n")
    assert all(lines[r["line"] - 1].startswith("### ") for r in items)
    # bodies are plain text: no tags, no lead, no link
    assert all("<p>" not in r["body"] and "查看原文" not in r["body"] for r in items)
    assert items[1]["body"].startswith("5月16日上午，国家主席习近平")
    summary = [r for r in rows if r["section"] == "summary"]
    assert summary and summary[0]["position"] == 0
    assert "习近平同俄罗斯总统会谈" in summary[0]["body"]
    assert {r["date"].isoformat() for r in rows} == {"2024-05-16"}


def test_markdown_placeholder_heading_and_2017_lead(shared_data: Path) -> None:
    path = _md(shared_data, "20220225")
    rows = parse_markdown(path, BadRows("fail", path)).to_pylist()
    raw = path.read_text(encoding="utf-8")
    assert len([r for r in rows if r["section"] == "item"]) == raw.count("\n### ")
    call = [r for r in rows if "普京通电话" in r["body"][:60]]
    assert call and call[0]["title"] is None
    assert json.loads(call[0]["meta"])["heading"] == "(无标题)"
    assert clean_body("央视网消息(新闻联播)：正文") == "正文"   # 2017 files: ASCII brackets


def test_undefined_item_is_set_aside_with_its_position(shared_data: Path) -> None:
    path = _md(shared_data, "20220925")
    bad = BadRows("quarantine", path)
    rows = parse_markdown(path, bad).to_pylist()
    assert len(bad) == 1 and bad.rows[0].line == 112 and "item 10" in bad.rows[0].reason
    assert len([r for r in rows if r["section"] == "item"]) == \
        path.read_text(encoding="utf-8").count("\n### ") - 1
    with pytest.raises(BilatError) as exc:
        parse_markdown(path, BadRows("fail", path))
    assert exc.value.code == "E352" and "item 10 (line 112)" in exc.value.one_line()


def test_broken_heading_is_one_line(tmp_path: Path, shared_data: Path) -> None:
    text = _md(shared_data, "20220225").read_text(encoding="utf-8")
    bad = tmp_path / "20220225.md"
    bad.write_text(text.replace("# 《新闻联播》 (20220225)", "# 新闻联播 2022-02-25", 1),
                   encoding="utf-8")
    with pytest.raises(BilatError) as exc:
        parse_markdown(bad, BadRows("quarantine", bad))
    assert exc.value.code == "E351" and "line 1" in exc.value.one_line()
    wrong = tmp_path / "20220226.md"
    wrong.write_text(text, encoding="utf-8")
    with pytest.raises(BilatError, match="names? .*20220226|file is named 20220226"):
        parse_markdown(wrong, BadRows("quarantine", wrong))
    assert "\n" not in exc.value.one_line()


def test_json_day_file(shared_data: Path) -> None:
    path = shared_data / "texts" / "xwlb-2018-2019" / "assets" / "2018" / "20180319.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = parse_json(path, BadRows("fail", path)).to_pylist()
    assert len(rows) == len(data["videoList"])
    assert [r["title"] for r in rows] == [v["video_title"].removeprefix("[视频]")
                                         for v in data["videoList"]]
    assert rows[3]["body"].startswith("19日，国家主席习近平同俄罗斯总统普京通电话")
    assert rows[3]["url"] == data["videoList"][3]["video_url"]
    assert rows[3]["published"].isoformat(sep=" ") == data["videoList"][3]["pub_date"]


def test_json_without_video_list(tmp_path: Path) -> None:
    f = tmp_path / "20180101.json"
    f.write_text('{"total": 0}', encoding="utf-8")
    with pytest.raises(BilatError) as exc:
        parse_json(f, BadRows("fail", f))
    assert exc.value.code == "E355"
