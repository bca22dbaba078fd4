"""Documents: readouts, statements and transcripts from text, HTML, PDF or a URL, and their store.

Fields of every :class:`~bilat.text.model.Document` (and of the ``documents`` table):

- ``doc_id``: first 16 hex digits of ``sha256``; ``sha256``: SHA-256 of the UTF-8 text.
- ``text``: the main text as extracted (plain text decoded; HTML main text by trafilatura;
  PDF text layer by pypdf, pages separated by a blank line). All claim offsets index into it.
- ``language``: ISO 639-1, detected among en, ru, zh, fr, de, es, ar (script first: Cyrillic →
  ru, Han → zh, Arabic → ar; Latin text by lingua restricted to en/fr/de/es).
- ``side`` (ISO3 of the issuing state, ``JOINT`` for joint statements), ``issuer``, ``date``
  (of the event), ``title``, ``kind`` (readout | statement | transcript | other), ``parties``
  (ISO3 codes), ``event`` (free key grouping documents of one call or summit): as given by the
  user; ``title`` and ``date`` fall back to the HTML page's metadata.
- ``source_url``: the URL, or the absolute path of the file; ``retrieved_at``: UTC time of
  reading. The table adds ``version``: 1 for the first text seen at a ``source_url``, 2 for the
  next different text at the same address, and so on (an edited page is a new row).

Text files are decoded as UTF-8 (with or without BOM) or UTF-16/32 with a BOM; otherwise
cp1251 (Russian) and GB18030 (Chinese) are tried and the one whose result reads as its script
is kept; when neither or both read plausibly, E303 asks for an explicit ``encoding``.

URLs are fetched with one polite GET (user agent naming bilat, 30 s timeout, no crawling), or,
with a mirror folder (``mirror=`` / ``--mirror`` / ``BILAT_MIRROR``), read from
``<mirror>/texts/<host>/<path>`` where an empty path or one ending in ``/`` reads
``index.html`` and a query string is appended to the file name as ``_<query>``.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from bilat.config import resolve_mirror
from bilat.errors import error
from bilat.store import Store
from bilat.text.model import Document

#: Kinds of document bilat knows.
KINDS = ("readout", "statement", "transcript", "other")
#: Languages the detector chooses among.
LANGUAGES = ("en", "ru", "zh", "fr", "de", "es", "ar")
#: User agent sent with every download.
USER_AGENT = "bilat/0.1 (research toolkit; readout comparison; one request per document)"
TIMEOUT = 30

_DOCUMENTS = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,   -- first 16 hex digits of sha256(text)
    sha256 VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    language VARCHAR NOT NULL,    -- ISO 639-1, detected
    side VARCHAR,                 -- ISO3 of the issuing state, JOINT for joint statements
    issuer VARCHAR,
    date DATE,                    -- date of the event reported
    title VARCHAR,
    source_url VARCHAR,           -- URL or file path
    retrieved_at TIMESTAMP,
    kind VARCHAR NOT NULL,
    parties VARCHAR[],
    event VARCHAR,
    version INTEGER NOT NULL      -- 1, 2, ... per source_url in order of retrieval
)
"""
_COLUMNS = ("doc_id", "sha256", "text", "language", "side", "issuer", "date", "title",
            "source_url", "retrieved_at", "kind", "parties", "event", "version")


# ------------------------------------------------------------------------------- decoding
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _script_share(text: str, lo: str, hi: str) -> float:
    letters = [ch for ch in text if not ch.isascii()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if lo <= ch <= hi) / len(letters)


def _cyrillic_plausible(text: str) -> float:
    """Share of non-ASCII characters that are Cyrillic in words of sane letter case."""
    words = re.findall(r"[^\W\d_]+", text)
    cyr = [w for w in words if any("\u0400" <= c <= "\u04ff" for c in w)]
    if not cyr:
        return 0.0
    sane = sum(1 for w in cyr if w[1:] == w[1:].lower() or w == w.upper())
    return _script_share(text, "\u0400", "\u04ff") * (sane / len(cyr))


def decode_bytes(data: bytes, path: str | Path = "<bytes>", encoding: str | None = None) -> str:
    """Text from bytes: BOMs, UTF-8, then cp1251 vs GB18030 by plausibility; E302/E303."""
    if encoding is not None:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise error("E303", path=path, tried=encoding) from exc
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise error("E303", path=path, tried=codec) from exc
    if b"\x00" in data[:4096]:
        raise error("E302", path=path, reason="binary content (NUL bytes) and no UTF-16 BOM")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    scores: dict[str, float] = {}
    for codec in ("cp1251", "gb18030"):
        try:
            candidate = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "cp1251":
            scores[codec] = _cyrillic_plausible(candidate)
        else:
            scores[codec] = max(_script_share(candidate, "\u4e00", "\u9fff"),
                                _cyrillic_plausible(candidate))
    good = [c for c, s in scores.items() if s >= 0.85]
    if len(good) == 1:
        return data.decode(good[0])
    raise error("E303", path=path, tried="utf-8, utf-16/32 BOM, cp1251, gb18030")


# ------------------------------------------------------------------------------- language
@lru_cache(maxsize=1)
def _latin_detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.FRENCH, Language.GERMAN, Language.SPANISH
    ).build()


def detect_language(text: str) -> str:
    """ISO 639-1 code among :data:`LANGUAGES`: by script, then lingua for Latin text."""
    sample = text[:4000]
    counts = {"zh": 0, "ru": 0, "ar": 0, "latin": 0}
    for ch in sample:
        if "\u4e00" <= ch <= "\u9fff":
            counts["zh"] += 1
        elif "\u0400" <= ch <= "\u04ff":
            counts["ru"] += 1
        elif "\u0600" <= ch <= "\u06ff":
            counts["ar"] += 1
        elif ch.isascii() and ch.isalpha() or "\u00c0" <= ch <= "\u024f":
            counts["latin"] += 1
    # Han characters carry a word each: weigh them up against letters.
    weighted = {"zh": counts["zh"] * 3, "ru": counts["ru"], "ar": counts["ar"],
                "latin": counts["latin"]}
    best = max(weighted, key=lambda k: weighted[k])
    if weighted[best] == 0:
        return "en"
    if best != "latin":
        return best
    found = _latin_detector().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else "en"


# ------------------------------------------------------------------------------- building
def _parse_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise error("E007", value=text)


def _check_state(code: str) -> None:
    """Refuse a side/party that is not an ISO3 code (or JOINT/BOTH): a typo such as "CHINA"
    would silently switch off the attribution and party checks for that state (E008)."""
    from bilat.reference.countries import to_iso3

    if code.upper() not in ("JOINT", "BOTH") and to_iso3(code) != code.upper():
        raise error("E008", value=code)


def document_from_text(
    text: str,
    *,
    side: str | None = None,
    issuer: str | None = None,
    date: date | str | None = None,
    title: str | None = None,
    kind: str = "readout",
    parties: Iterable[str] = (),
    event: str | None = None,
    source_url: str | None = None,
    language: str | None = None,
    retrieved_at: datetime | None = None,
) -> Document:
    """A :class:`Document` from its text and metadata (language detected unless given)."""
    if not text or not text.strip():
        raise error("E301", path=source_url or "<text>")
    if kind not in KINDS:
        raise error("E012", value=kind, option="--kind", options=", ".join(KINDS))
    for code in ([side] if side else []) + list(parties):
        _check_state(code)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(
        doc_id=digest[:16],
        text=text,
        sha256=digest,
        language=language or detect_language(text),
        side=side.upper() if side else None,
        issuer=issuer,
        date=_parse_date(date),
        title=title,
        source_url=source_url,
        retrieved_at=retrieved_at or datetime.now(UTC).replace(tzinfo=None),
        kind=kind,
        parties=tuple(p.upper() for p in parties),
        event=event,
    )


def _is_url(source: str) -> bool:
    return bool(re.match(r"^https?://", source, re.IGNORECASE))


def _html_text(html: str, where: str) -> tuple[str, str | None, str | None]:
    """Main text, title and date of an HTML page via trafilatura; E305 when none is found."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True,
                               favor_recall=True, deduplicate=False)
    if not text or len(re.findall(r"\w+", text)) < 5:
        raise error("E305", path=where)
    meta = trafilatura.extract_metadata(html)
    title = getattr(meta, "title", None) if meta is not None else None
    when = getattr(meta, "date", None) if meta is not None else None
    return text, title, when


def _pdf_text(data: bytes, where: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise error("E312", path=where, reason=str(exc).splitlines()[0] if str(exc) else
                    type(exc).__name__) from exc
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise error("E304", path=where, pages=len(pages))
    return text


def _looks_html(data: bytes, name: str) -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"\xef\xbb\xbf<!doctype html"))


def _content_text(
    data: bytes, where: str, name: str, content_type: str = "", encoding: str | None = None
) -> tuple[str, str | None, str | None]:
    """(text, title, date) of raw content: PDF, HTML or plain text."""
    if not data.strip():
        raise error("E301", path=where)
    if data.startswith(b"%PDF") or name.lower().endswith(".pdf") or "pdf" in content_type:
        if not data.startswith(b"%PDF"):
            raise error("E312", path=where, reason="no %PDF header")
        return _pdf_text(data, where), None, None
    if "html" in content_type or _looks_html(data, name):
        html = decode_bytes(data, where, encoding)
        return _html_text(html, where)
    text = decode_bytes(data, where, encoding)
    if not text.strip():
        raise error("E301", path=where)
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > max(3, len(text[:4096]) // 100):
        raise error("E302", path=where, reason="control characters: not a text file")
    return text, None, None


def mirror_path(url: str, mirror: Path) -> Path:
    """Where a URL lives in a mirror folder: ``<mirror>/texts/<host>/<path>``."""
    parts = urlsplit(url)
    path = parts.path.lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    if parts.query:
        path += "_" + re.sub(r"[^\w.=-]", "_", parts.query)
    return mirror / "texts" / parts.netloc.lower() / path


def fetch_document(
    url: str, *, mirror: str | Path | None = None, encoding: str | None = None
) -> tuple[str, str | None, str | None]:
    """(text, title, date) of a URL: one polite GET, or the mirror copy (E010/E011)."""
    folder = resolve_mirror(mirror)
    if folder is not None:
        target = mirror_path(url, folder)
        if not target.is_file():
            raise error("E011", path=target.relative_to(folder), mirror=folder)
        return _content_text(target.read_bytes(), url, target.name, "", encoding)
    import requests

    try:
        resp = requests.get(url, headers={"User-Agent": USER_AGENT}, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise error("E010", url=url, reason=type(exc).__name__) from exc
    if resp.status_code != 200:
        raise error("E010", url=url, reason=f"HTTP {resp.status_code}")
    ctype = resp.headers.get("Content-Type", "").lower()
    charset = encoding
    if charset is None and "charset=" in ctype and "html" not in ctype:
        charset = ctype.split("charset=")[-1].split(";")[0].strip() or None
    return _content_text(resp.content, url, urlsplit(url).path, ctype, charset)


def load_document(
    source: str | Path,
    *,
    side: str | None = None,
    issuer: str | None = None,
    date: date | str | None = None,
    title: str | None = None,
    kind: str = "readout",
    parties: Iterable[str] = (),
    event: str | None = None,
    mirror: str | Path | None = None,
    encoding: str | None = None,
    language: str | None = None,
) -> Document:
    """A Document from a text/HTML/PDF file or an http(s) URL (see the module docstring)."""
    src = str(source)
    if _is_url(src):
        text, page_title, page_date = fetch_document(src, mirror=mirror, encoding=encoding)
        where = src
    else:
        path = Path(src).expanduser()
        if not path.is_file():
            raise error("E311", path=path, reason="no such file")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise error("E311", path=path, reason=exc.strerror or str(exc)) from exc
        text, page_title, page_date = _content_text(data, str(path), path.name, "", encoding)
        where = str(path.resolve())
    when: date | str | None = date
    if when is None and page_date:
        when = page_date
    return document_from_text(
        text, side=side, issuer=issuer, date=when, title=title or page_title, kind=kind,
        parties=parties, event=event, source_url=where, language=language,
    )


# ------------------------------------------------------------------------------- store
def _ensure_table(store: Store) -> None:
    store.con.execute(_DOCUMENTS)


def save_document(store: Store, doc: Document) -> Document:
    """Store ``doc`` once (idempotent by content); returns the stored document."""
    _ensure_table(store)
    key = doc.source_url or doc.doc_id
    existing = store.con.execute(
        "SELECT count(*) FROM documents WHERE doc_id = ?", [doc.doc_id]).fetchone()
    if (existing and existing[0]) or store.already_ingested("document", key, doc.sha256):
        return get_document(store, doc.doc_id)
    with store.transaction() as con:
        row = con.execute("SELECT count(*) FROM documents WHERE source_url IS NOT DISTINCT FROM ?",
                          [doc.source_url]).fetchone()
        version = (row[0] if row and doc.source_url else 0) + 1
        con.execute(
            f"INSERT INTO documents ({', '.join(_COLUMNS)}) VALUES "
            f"({', '.join('?' for _ in _COLUMNS)})",
            [doc.doc_id, doc.sha256, doc.text, doc.language, doc.side, doc.issuer, doc.date,
             doc.title, doc.source_url, doc.retrieved_at, doc.kind, list(doc.parties),
             doc.event, version],
        )
        store.record_ingest("document", key, doc.sha256, 1, source=doc.source_url)
    return doc


def _row_to_document(row: dict[str, Any]) -> Document:
    when = row["date"]
    if isinstance(when, datetime):
        when = when.date()
    elif when is not None and not isinstance(when, date):
        when = pd.Timestamp(when).date()
    return Document(
        doc_id=row["doc_id"], text=row["text"], sha256=row["sha256"], language=row["language"],
        side=row["side"], issuer=row["issuer"], date=when, title=row["title"],
        source_url=row["source_url"], retrieved_at=row["retrieved_at"], kind=row["kind"],
        parties=tuple(row["parties"] or ()), event=row["event"],
    )


def get_document(store: Store, doc_id: str) -> Document:
    """The stored document whose id is, or starts with, ``doc_id`` (E306 none, E307 several)."""
    _ensure_table(store)
    prefix = doc_id.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{1,64}", prefix):
        raise error("E306", value=doc_id)
    cur = store.con.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE doc_id LIKE ? ORDER BY doc_id",
        [prefix[:16] + "%"])
    rows = cur.fetchall()
    if not rows:
        raise error("E306", value=doc_id)
    if len(rows) > 1:
        ids = ", ".join(r[0] for r in rows[:5]) + (" …" if len(rows) > 5 else "")
        raise error("E307", value=doc_id, count=len(rows), ids=ids)
    return _row_to_document(dict(zip(_COLUMNS, rows[0], strict=True)))


def list_documents(
    store: Store,
    *,
    side: str | None = None,
    kind: str | None = None,
    event: str | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
) -> pd.DataFrame:
    """Stored documents (without their text): id, side, date, kind, event, title, source…"""
    _ensure_table(store)
    where, params = [], []
    for col, value in (("side", side.upper() if side else None), ("kind", kind),
                       ("event", event)):
        if value is not None:
            where.append(f"{col} = ?")
            params.append(value)
    if since is not None:
        where.append("date >= ?")
        params.append(_parse_date(since))
    if until is not None:
        where.append("date <= ?")
        params.append(_parse_date(until))
    sql = ("SELECT doc_id, side, issuer, date, kind, event, language, title, source_url, "
           "version, length(text) AS chars, parties, retrieved_at FROM documents")
    if where:
        sql += " WHERE " + " AND ".join(where)
    df = store.con.execute(sql + " ORDER BY date NULLS LAST, side, doc_id", params).df()
    df["date"] = pd.to_datetime(df["date"]).dt.date
    return df


def add_document(store: Store, source: str | Path, **meta: Any) -> Document:
    """Load a document (file or URL) and save it to the store; returns the stored document."""
    return save_document(store, load_document(source, **meta))


def with_meta(doc: Document, **meta: Any) -> Document:
    """A copy of ``doc`` with metadata overridden (``date`` may be a string)."""
    if "date" in meta:
        meta["date"] = _parse_date(meta["date"])
    if "side" in meta and meta["side"]:
        meta["side"] = str(meta["side"]).upper()
    return replace(doc, **{k: v for k, v in meta.items() if v is not None})


__all__ = [
    "KINDS", "LANGUAGES", "add_document", "decode_bytes", "detect_language",
    "document_from_text", "fetch_document", "get_document", "list_documents", "load_document",
    "mirror_path", "save_document", "with_meta",
]
