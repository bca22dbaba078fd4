"""Kremlin news items (en.kremlin.ru, kremlin.ru) and the Ukrainian President's news items, from
the CSV scrapes in the mirror, read into one row per news item (:data:`ITEM_SCHEMA`).

Three CSV layouts, told apart by their header (``--format kremlin-csv`` reads all three);
UTF-8 (with or without BOM), RFC 4180 quoting, fields longer than 131,072 characters:

1. **en.kremlin.ru / president.gov.ua news** (repository PeiYiZhuo/zelenskyy-putin,
   ``press_release_data/putin.csv`` and ``zelenskyy.csv``; mirror
   ``texts/kremlin-en-2021-2022/``): ``link``, ``headline``, ``date`` (``2022-06-24T17:30:00Z``:
   the Kremlin's *Moscow local time* with a ``Z`` the scraper added — kept as local time),
   ``location`` (``NA`` when none; putin.csv only), ``summary`` (the lead; putin.csv only),
   ``body`` (paragraphs joined by single spaces). Rows from ``president.gov.ua`` are the
   Ukrainian side (``UKR``, issuer "Office of the President of Ukraine"); others ``RUS``
   (issuer "Kremlin").
2. **kremlin.ru news in Russian** (repository gabrielkmbo/kremlin-scraper,
   ``kremlin_articles_ru_enhanced.csv``; mirror ``texts/kremlin-ru-2025/``): ``title``,
   ``date`` (YYYY-MM-DD; empty for announcements), ``raw_date``, ``place``, ``summary``,
   ``article_full_text_1`` … ``_10`` (the page text cut into 30,000-character pieces, joined
   here), ``url``, ``supplement_*``, ``Name_1`` … The page chrome at the start of the text
   ("События <title> <date> <time>") is removed; the pop-up text of linked names inside
   sentences is not (it cannot be told from the sentence reliably) and stays in the text.
3. **en.kremlin.ru headline list** (same repository, ``kremlin_dates.csv``): ``Date``
   ("April 1, 2025, 19:00", Moscow time) and ``Title`` only: each row becomes an item whose
   text is its headline (``meta.headline_only``), so contacts can be counted but nothing
   beyond the headline can be compared.

Domain checks (``bad_rows``, reason names the CSV line): a row without a usable date, a row
whose headline and text are both empty, a link that is not an http(s) URL. A missing column
is a whole-file error (E014 naming the columns found and the layout expected). Rows without a
date in layout 2 (announcements) are kept with the date of the ``raw_date`` when it parses,
else set aside.

Citation: President of Russia, kremlin.ru / en.kremlin.ru "News" (CC BY 4.0 per the site);
President of Ukraine, president.gov.ua/en/news. Scrapes: github.com/PeiYiZhuo/zelenskyy-putin
(commit 134450b), github.com/gabrielkmbo/kremlin-scraper (commit 0e25ac4).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bilat.errors import error
from bilat.sources.core import BadRows, require_columns
from bilat.sources.xwlb import items_table

LAYOUT_EN = ("link", "headline", "date", "body")
LAYOUT_RU = ("title", "date", "raw_date", "place", "summary", "article_full_text_1", "url")
LAYOUT_HEADLINES = ("Date", "Title")
LAYOUTS = {
    "en": "link, headline, date, [location, summary,] body (en.kremlin.ru / president.gov.ua)",
    "ru": "title, date, raw_date, place, summary, article_full_text_1..10, url (kremlin.ru)",
    "headlines": "Date, Title (en.kremlin.ru headline list)",
}

_RU_MONTHS = {"января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6,
              "июля": 7, "августа": 8, "сентября": 9, "октября": 10, "ноября": 11,
              "декабря": 12}


def _reader(path: Path) -> tuple[list[str], Any, Any]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    text = Path(path).read_bytes().decode("utf-8-sig")
    fh = io.StringIO(text, newline="")
    rd = csv.reader(fh)
    try:
        header = next(rd)
    except StopIteration:
        header = []
    return header, rd, fh


def layout_of(header: list[str]) -> str | None:
    """``en``, ``ru`` or ``headlines`` from a CSV header, or None."""
    cols = set(header)
    if {"article_full_text_1", "raw_date"} & cols or ("title" in cols and "url" in cols):
        return "ru"
    if {"Date", "Title"} <= cols and len(cols) <= 3:
        return "headlines"
    if {"link", "headline"} & cols:
        return "en"
    return None


def sniff(path: Path) -> str | None:
    """The layout of a CSV file (reading only its first line), or None."""
    try:
        with Path(path).open("r", encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader([fh.readline()]), [])
    except (OSError, UnicodeDecodeError):
        return None
    return layout_of(header)


def _records(rd: Any, fh: Any, header: list[str]) -> Any:
    """(first line number, dict) for each CSV record (line numbers count physical lines)."""
    line = 2
    for row in rd:
        yield line, row
        line = rd.line_num + 1


def _en_date(value: str) -> datetime | None:
    value = value.strip()
    for fmt in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def _ru_raw_date(value: str) -> date | None:
    m = re.search(r"(\d{1,2})\s+([а-я]+)\s+(\d{4})", value or "")
    if not m or m.group(2) not in _RU_MONTHS:
        return None
    try:
        return date(int(m.group(3)), _RU_MONTHS[m.group(2)], int(m.group(1)))
    except ValueError:
        return None


def _clean(text: str | None) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    return "" if text.upper() == "NA" else text


def _strip_chrome(text: str, title: str) -> str:
    """kremlin.ru page text without the leading "События <title> <date> <time>" chrome."""
    t = text.strip()
    if t.startswith("События "):
        t = t[len("События "):]
        if title and t.startswith(title):
            t = t[len(title):].lstrip()
        t = re.sub(r"^(?:Анонс на )?[\d–\-− ]+[а-я]+ \d{4} года\s*(?:\d{1,2}:\d{2}\s*)?", "", t)
        t = re.sub(r"^Добавить в Календарь Календари Яндекс iCal Google\s*", "", t)
    # the page's topic footer ("География … Темы …", "Опубликован в разделах …")
    t = re.split(r"\s(?:Опубликован в разделах:|География |Темы |Персоны )", t)[0]
    return t.strip()


def parse(path: Path, bad: BadRows, root: Path | None = None) -> Any:
    """One Kremlin / president.gov.ua CSV → Arrow table of :data:`ITEM_SCHEMA`."""
    header, rd, fh = _reader(path)
    layout = layout_of(header)
    if layout is None:
        require_columns(Path(path), header, LAYOUT_EN, LAYOUTS["en"])
        layout = "en"  # pragma: no cover - require_columns raised
    if layout == "en":
        require_columns(Path(path), header, LAYOUT_EN, LAYOUTS["en"])
    elif layout == "ru":
        require_columns(Path(path), header, LAYOUT_RU, LAYOUTS["ru"])
    else:
        require_columns(Path(path), header, LAYOUT_HEADLINES, LAYOUTS["headlines"])
    name = Path(path).name
    if root is not None:
        with contextlib.suppress(ValueError):
            name = Path(path).resolve().relative_to(root.resolve()).as_posix()
    idx = {c: i for i, c in enumerate(header)}
    rows: list[dict[str, Any]] = []
    pos = 0
    for line, rec in _records(rd, fh, header):
        if not rec or all(not c.strip() for c in rec):
            continue
        pos += 1
        raw = ",".join(rec)[:2000]
        if len(rec) != len(header):
            bad.add(line, f"record {pos} has {len(rec)} fields, the header {len(header)}",
                    raw, exc=error("E354", path=path, line=line,
                                   reason=f"{len(rec)} fields where the header has "
                                   f"{len(header)}"))
            continue
        r = {c: rec[i] for c, i in idx.items()}
        if layout == "en":
            item = _en_row(r, path, line, pos, bad, raw)
        elif layout == "ru":
            item = _ru_row(r, path, line, pos, bad, raw)
        else:
            item = _headline_row(r, path, line, pos, bad, raw)
        if item is None:
            continue
        item.update({"file": name, "position": pos, "line": line})
        rows.append(item)
    return items_table(rows)


def _bad(bad: BadRows, path: Path, line: int, reason: str, raw: str) -> None:
    bad.add(line, reason, raw, exc=error("E354", path=path, line=line, reason=reason))


def _en_row(r: dict[str, str], path: Path, line: int, pos: int, bad: BadRows,
            raw: str) -> dict[str, Any] | None:
    link = _clean(r.get("link"))
    when = _en_date(r.get("date", ""))
    if when is None:
        _bad(bad, path, line, f"bad date {r.get('date', '')!r} (expected 2022-06-24T17:30:00Z)",
             raw)
        return None
    if link and not re.match(r"^https?://", link, re.I):
        _bad(bad, path, line, f"link {link[:80]!r} is not an http(s) URL", raw)
        return None
    title = _clean(r.get("headline"))
    summary = _clean(r.get("summary"))
    body = _clean(r.get("body"))
    if not title and not body:
        _bad(bad, path, line, "no headline and no text", raw)
        return None
    ukr = "president.gov.ua" in link.lower()
    text = "\n".join(p for p in (summary, body) if p)
    meta = {k: v for k, v in (("location", _clean(r.get("location"))),
                              ("summary", summary)) if v}
    return {"corpus": "zelenskyy-en" if ukr else "kremlin-en", "date": when.date(),
            "published": when, "title": title or None, "body": text, "url": link or None,
            "language": "en", "side": "UKR" if ukr else "RUS",
            "issuer": "Office of the President of Ukraine" if ukr else "Kremlin",
            "section": "item", "meta": json.dumps(meta, ensure_ascii=False) if meta else None}


def _ru_row(r: dict[str, str], path: Path, line: int, pos: int, bad: BadRows,
            raw: str) -> dict[str, Any] | None:
    title = _clean(r.get("title"))
    day: date | None = None
    given = (r.get("date") or "").strip()
    meta: dict[str, Any] = {}
    if given:
        try:
            day = datetime.strptime(given, "%Y-%m-%d").date()
        except ValueError:
            _bad(bad, path, line, f"bad date {given!r} (expected YYYY-MM-DD)", raw)
            return None
    else:
        day = _ru_raw_date(r.get("raw_date", ""))
    text = "".join(r.get(f"article_full_text_{i}", "") or "" for i in range(1, 11))
    if day is None:
        # announcements have no date line: the page's own "Анонс на 7 − 10 мая 2025 года"
        m = re.search(r"Анонс на ([\d–\-− ]+[а-я]+ \d{4}) года", text)
        if m:
            # "7 − 10 мая 2025": the first day of the announced span
            day = _ru_raw_date(re.sub(r"^(\d+)\s*[–\-−]\s*\d+", r"\1", m.group(1).strip()))
            meta["date_basis"] = "announcement"
    if day is None:
        _bad(bad, path, line, "no date (date and raw_date empty)", raw)
        return None
    body = _strip_chrome(text, title)
    summary = _clean(r.get("summary"))
    if summary and not body.startswith(summary):
        body = summary + "\n" + body
    url = _clean(r.get("url"))
    if not title and not body:
        _bad(bad, path, line, "no title and no text", raw)
        return None
    for k in ("place", "supplement_url", "supplement_title"):
        if _clean(r.get(k)):
            meta[k] = _clean(r.get(k))
    return {"corpus": "kremlin-ru", "date": day, "published": None, "title": title or None,
            "body": body, "url": url or None, "language": "ru", "side": "RUS",
            "issuer": "Kremlin", "section": "item",
            "meta": json.dumps(meta, ensure_ascii=False) if meta else None}


def _headline_row(r: dict[str, str], path: Path, line: int, pos: int, bad: BadRows,
                  raw: str) -> dict[str, Any] | None:
    value = (r.get("Date") or "").strip()
    try:
        when = datetime.strptime(value, "%B %d, %Y, %H:%M")
    except ValueError:
        _bad(bad, path, line, f"bad Date {value!r} (expected 'April 1, 2025, 19:00')", raw)
        return None
    title = (r.get("Title") or "").replace("\xa0", " ").strip()
    if not title:
        _bad(bad, path, line, "empty Title", raw)
        return None
    return {"corpus": "kremlin-headlines", "date": when.date(), "published": when,
            "title": title, "body": value, "url": None, "language": "en", "side": "RUS",
            "issuer": "Kremlin", "section": "headline",
            "meta": json.dumps({"headline_only": True})}


__all__ = ["LAYOUTS", "layout_of", "parse", "sniff"]
