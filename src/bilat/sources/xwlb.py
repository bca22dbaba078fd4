"""CCTV 《新闻联播》 (Xinwen Lianbo) evening-news transcripts: the Markdown day files and the
CCTV API JSON day files, read into one row per news item.

**Markdown day files** (``--format xwlb``; repository Felix-Jung/xin-wen-lian-bo, directory
``news/``, scraped from tv.cctv.com; mirror ``texts/xwlb/news/YYYYMMDD.md``). UTF-8, one file
per broadcast::

    # 《新闻联播》 (YYYYMMDD)              <- line 1; the date must equal the file name's

    ## 新闻摘要
    <the programme's running order: numbered headlines, "(暂无简介)" or one sentence>

    ## 详细新闻

    ### <item heading>                    <- one item per "### " heading, in running order
    <item text; usually starts "央视网消息（新闻联播）："; HTML <p>/<strong> from 2022-09-24>

    [查看原文](https://tv.cctv.com/YYYY/MM/DD/VIDE....shtml)   <- the item's CCTV page

**JSON day files** (``--format xwlb-json``; repository china-data/xwlb, ``assets/YYYY/``,
CCTV's ``getWxVideoList`` + ``Article/contentinfo`` APIs; mirror
``texts/xwlb-2018-2019/assets/YYYY/YYYYMMDD.json``): ``{"total", "serverTime",
"videoList": [...]}``; each element is one item in running order with ``num``,
``video_title`` (prefixed ``[视频]``), ``brief``, ``pub_date`` ("YYYY-MM-DD hh:mm:ss", Beijing
time), ``video_url`` and ``video_detail`` (``title``, ``content`` as HTML ``<p>`` paragraphs,
``url``, ``pubtime``…).

Rows (:data:`ITEM_SCHEMA`, shared by every corpus reader): ``corpus``, ``file`` (path under the
corpus folder), ``position`` (1-based item number in the file; 0 is the programme's 新闻摘要,
kept as its own row because items listed there can be missing from the detailed part),
``line`` (1-based line of the item's heading; for JSON the item's index), ``date`` (broadcast
date: **not** the event date; events abroad and evening calls appear the next day),
``published`` (timestamp when the upstream gives one), ``title`` (heading without ``[视频]``;
``None`` for the placeholder ``(无标题)``), ``body`` (text with HTML tags, entities, the
``[查看原文]`` link and the lead "央视网消息（新闻联播）：" removed; paragraphs on separate
lines), ``url``, ``language`` (``zh``), ``side`` (``CHN``), ``issuer``, ``section``
(``item`` | ``summary``), ``meta`` (JSON text: upstream extras).

Domain checks (``bad_rows``): an item whose heading is empty or ``undefined`` and whose body
is empty or ``undefined`` is set aside (reason names the item); an item with a heading but no
body is kept (its heading is its text). Whole-file problems raise: a first line that is not
``# 《新闻联播》 (YYYYMMDD)`` or names another date than the file (E351), a file with no
``### `` item and no 新闻摘要 (E351), a JSON file without ``videoList`` (E355).

Citation: CCTV 央视网, 《新闻联播》 programme pages (tv.cctv.com/lm/xwlb); texts © CCTV, used
for research. Scrapes: github.com/Felix-Jung/xin-wen-lian-bo (commit 023828c), fork of
DuckBurnIncense/xin-wen-lian-bo; github.com/china-data/xwlb (commit 710ba22).
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bilat.errors import error
from bilat.sources.core import BadRows

ISSUER = "CCTV 新闻联播"
SERIES = "cctv-xwlb"

_HEAD = re.compile(r"^# 《新闻联播》 \((\d{8})\)\s*$")
_LINK = re.compile(r"^\[查看原文\]\((\S+?)\)\s*$")
_LEAD = re.compile(r"^\s*央视网消息\s*[（(]\s*新闻联播\s*[）)]\s*[：:]\s*")
_TAG_BREAK = re.compile(r"(?i)<\s*(?:br\s*/?|/p|/div|p\b[^>]*)\s*>")
_TAG = re.compile(r"<[^>]{0,400}>")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
PLACEHOLDER_TITLES = frozenset({"(无标题)", "（无标题）"})


def _schema() -> Any:
    import pyarrow as pa

    return pa.schema([
        ("corpus", pa.string()), ("file", pa.string()), ("position", pa.int32()),
        ("line", pa.int64()), ("date", pa.date32()), ("published", pa.timestamp("s")),
        ("title", pa.string()), ("body", pa.string()), ("url", pa.string()),
        ("language", pa.string()), ("side", pa.string()), ("issuer", pa.string()),
        ("section", pa.string()), ("meta", pa.string()),
    ])


#: Columns every corpus reader returns (see the module docstring); a function so that
#: importing this module does not import pyarrow.
ITEM_SCHEMA = _schema


def items_table(rows: list[dict[str, Any]]) -> Any:
    """Rows as an Arrow table of :data:`ITEM_SCHEMA` (missing keys are NULL)."""
    import pyarrow as pa

    schema = _schema()
    cols = {f.name: [r.get(f.name) for r in rows] for f in schema}
    return pa.table(cols, schema=schema)


def clean_html(text: str) -> str:
    """Plain text of an HTML fragment: tags out (``<p>``/``<br>`` become line breaks),
    entities decoded, runs of spaces collapsed, blank lines dropped."""
    text = _TAG_BREAK.sub("\n", text.replace("\r\n", "\n"))
    text = html.unescape(_TAG.sub("", text))
    lines = [_SPACES.sub(" ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def clean_body(text: str) -> str:
    """An item's text without tags and without the lead "央视网消息（新闻联播）："."""
    return _LEAD.sub("", clean_html(text), count=1).strip()


def _rel(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _file_date(path: Path) -> date | None:
    m = re.fullmatch(r"(\d{8})", path.stem)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1), "%Y%m%d").date()
    except ValueError:
        return None


def _bad_item(bad: BadRows, path: Path, position: int, line: int, reason: str,
              raw: str) -> None:
    bad.add(line, f"item {position}: {reason}", raw,
            exc=error("E352", path=path, position=position, line=line, reason=reason))


def parse_markdown(path: Path, bad: BadRows, root: Path | None = None,
                   corpus: str = "xwlb") -> Any:
    """One Markdown day file → Arrow table of :data:`ITEM_SCHEMA` (see module docstring)."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error("E351", path=path, line=1, reason="not UTF-8 text") from exc
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        raise error("E351", path=path, line=1, reason="the file is empty")
    m = _HEAD.match(lines[first].strip())
    if not m:
        raise error("E351", path=path, line=first + 1,
                    reason=f"first line is {lines[first].strip()[:60]!r}, not "
                    "'# 《新闻联播》 (YYYYMMDD)'")
    try:
        day = datetime.strptime(m.group(1), "%Y%m%d").date()
    except ValueError as exc:
        raise error("E351", path=path, line=first + 1,
                    reason=f"{m.group(1)!r} is not a date") from exc
    named = _file_date(Path(path))
    if named is not None and named != day:
        raise error("E351", path=path, line=first + 1,
                    reason=f"the heading says {day.isoformat()} but the file is named "
                    f"{Path(path).name}")
    fname = _rel(Path(path), root)
    rows: list[dict[str, Any]] = []
    base = {"corpus": corpus, "file": fname, "date": day, "language": "zh", "side": "CHN",
            "issuer": ISSUER}
    # sections
    section = None
    summary: list[str] = []
    summary_line = None
    items: list[tuple[int, str, list[str]]] = []
    for i, ln in enumerate(lines[first + 1:], start=first + 2):
        if ln.startswith("### "):
            section = "item"
            items.append((i, ln[4:].strip(), []))
        elif ln.rstrip() == "###":
            section = "item"
            items.append((i, "", []))
        elif ln.startswith("## "):
            name = ln[3:].strip()
            section = "summary" if name == "新闻摘要" else "other"
            if section == "summary":
                summary_line = i
        elif section == "summary":
            summary.append(ln)
        elif section == "item" and items:
            items[-1][2].append(ln)
    if not items and summary_line is None:
        raise error("E351", path=path, line=first + 1,
                    reason="no '## 新闻摘要' section and no '### ' item")
    lines_summary = [s.strip() for s in summary if s.strip()]
    if lines_summary and lines_summary != ["(暂无简介)"]:
        rows.append({**base, "position": 0, "line": summary_line, "title": "新闻摘要",
                     "body": clean_html("\n".join(lines_summary)), "section": "summary",
                     "url": None, "meta": None})
    for pos, (line_no, heading, body_lines) in enumerate(items, start=1):
        url = None
        kept: list[str] = []
        for bl in body_lines:
            lm = _LINK.match(bl.strip())
            if lm:
                url = lm.group(1)
            elif bl.strip() == "---":
                continue
            else:
                kept.append(bl)
        body = clean_body("\n".join(kept))
        title = clean_html(heading)
        if title.lower() == "undefined":
            title = ""
        if body.lower() == "undefined":
            body = ""
        if not title and not body:
            _bad_item(bad, Path(path), pos, line_no,
                      "no heading and no text (placeholder 'undefined' or empty)",
                      "\n".join([f"### {heading}", *body_lines])[:2000])
            continue
        meta: dict[str, Any] = {}
        if title in PLACEHOLDER_TITLES:
            meta["heading"] = title
            title = ""
        if not body:
            meta["body_empty"] = True
        rows.append({**base, "position": pos, "line": line_no, "title": title or None,
                     "body": body, "url": url, "section": "item",
                     "meta": json.dumps(meta, ensure_ascii=False) if meta else None})
    return items_table(rows)


def parse_json(path: Path, bad: BadRows, root: Path | None = None,
               corpus: str = "xwlb-json") -> Any:
    """One CCTV API JSON day file → Arrow table of :data:`ITEM_SCHEMA`."""
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error("E355", path=path, reason=f"not JSON ({exc})"[:200]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("videoList"), list):
        raise error("E355", path=path, reason="no 'videoList' list at the top level")
    day = _file_date(Path(path))
    fname = _rel(Path(path), root)
    rows: list[dict[str, Any]] = []
    for idx, item in enumerate(data["videoList"], start=1):
        if not isinstance(item, dict):
            _bad_item(bad, Path(path), idx, idx, "not a JSON object", str(item)[:2000])
            continue
        pos = item.get("num") if isinstance(item.get("num"), int) else idx
        detail = item.get("video_detail") if isinstance(item.get("video_detail"), dict) else {}
        title = clean_html(str(item.get("video_title") or detail.get("title") or ""))
        title = re.sub(r"^\[视频\]\s*", "", title).strip()
        body = clean_body(str(detail.get("content") or ""))
        published = None
        when = item.get("pub_date") or detail.get("pubtime")
        if when:
            try:
                published = datetime.strptime(str(when)[:19], "%Y-%m-%d %H:%M:%S")
            except ValueError:
                _bad_item(bad, Path(path), pos, idx, f"bad pub_date {when!r}",
                          json.dumps(item, ensure_ascii=False)[:2000])
                continue
        item_day = day or (published.date() if published else None)
        if item_day is None:
            _bad_item(bad, Path(path), pos, idx, "no date (file name nor pub_date)",
                      json.dumps(item, ensure_ascii=False)[:2000])
            continue
        if not title and not body:
            _bad_item(bad, Path(path), pos, idx, "no title and no text",
                      json.dumps(item, ensure_ascii=False)[:2000])
            continue
        meta: dict[str, Any] = {k: item[k] for k in ("video_id", "brief", "video_tag",
                                                      "news_hl_tag", "video_length")
                                if item.get(k)}
        if not body:
            meta["body_empty"] = True
        rows.append({"corpus": corpus, "file": fname, "position": pos, "line": idx,
                     "date": item_day, "published": published, "title": title or None,
                     "body": body, "url": item.get("video_url") or detail.get("url"),
                     "language": "zh", "side": "CHN", "issuer": ISSUER, "section": "item",
                     "meta": json.dumps(meta, ensure_ascii=False) if meta else None})
    return items_table(rows)


def looks_markdown(path: Path) -> bool:
    """Whether ``path`` starts like a 新闻联播 Markdown day file."""
    try:
        with Path(path).open("rb") as fh:
            head = fh.read(64).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    return head.lstrip().startswith("# 《新闻联播》")


def looks_json(path: Path) -> bool:
    """Whether ``path`` looks like a CCTV API JSON day file (``videoList`` near the start)."""
    try:
        with Path(path).open("rb") as fh:
            head = fh.read(256).decode("utf-8", errors="replace")
    except OSError:
        return False
    return head.lstrip().startswith("{") and "videoList" in head


__all__ = ["ISSUER", "ITEM_SCHEMA", "SERIES", "clean_body", "clean_html", "items_table",
           "looks_json", "looks_markdown", "parse_json", "parse_markdown"]
