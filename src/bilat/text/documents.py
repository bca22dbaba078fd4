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
import logging
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
KINDS = ("readout", "statement", "transcript", "news", "other")
#: Languages bilat analyses (claims, readouts, lineage); others are detected and named.
SUPPORTED = ("en", "ru", "zh")
#: Languages the detector names (ISO 639-1).
LANGUAGES = ("en", "ru", "zh", "ja", "ko", "uk", "be", "bg", "mk", "sr", "kk", "mn", "fr", "de",
             "es", "it", "pt", "nl", "pl", "tr", "cs", "ro", "sv", "id", "vi", "ar", "el", "he",
             "th", "hi")
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


def _mixed_script_words(text: str) -> int:
    """Words mixing Latin and Cyrillic letters ("prйsident"): the mark of a wrong code page."""
    n = 0
    for w in re.findall(r"[^\W\d_]+", text):
        if re.search(r"[a-zA-Z]", w) and re.search(r"[\u0400-\u04ff]", w):
            n += 1
    return n


def _cyrillic_plausible(text: str) -> float:
    """Share of non-ASCII characters that are Cyrillic in words of sane letter case."""
    words = re.findall(r"[^\W\d_]+", text)
    cyr = [w for w in words if any("\u0400" <= c <= "\u04ff" for c in w)]
    if not cyr or _mixed_script_words(text):
        return 0.0
    sane = sum(1 for w in cyr if w[1:] == w[1:].lower() or w == w.upper())
    return _script_share(text, "\u0400", "\u04ff") * (sane / len(cyr))


def _latin_plausible(text: str) -> float:
    """How much a Western European reading looks right: accented letters inside words of
    plain Latin letters ("président", "Gespräch"), not words of accented letters alone."""
    words = [w for w in re.findall(r"[^\W\d_]+", text) if not w.isascii()]
    if not words:
        return 0.0
    good = 0
    for w in words:
        latin = all(c.isascii() or "\u00c0" <= c <= "\u00ff" or c in "œŒšŠžŽŸ" for c in w)
        accented = sum(1 for c in w if not c.isascii())
        if latin and accented * 2 <= len(w) and any(c.isascii() for c in w):
            good += 1
    return good / len(words)


def _han_plausible(text: str) -> float:
    """Share of non-ASCII characters that are Han or CJK punctuation."""
    letters = [ch for ch in text if not ch.isascii() and not ch.isspace()]
    if not letters:
        return 0.0
    ok = sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
             or "\uff00" <= ch <= "\uffef" or ch in "“”‘’…—·")
    # GB18030's trail bytes include ASCII letters: a Latin text read as GB18030 shows a few
    # Han characters among many Latin letters; a Chinese text is mostly Han
    han = sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if han < 0.5 * latin:
        return 0.0
    return ok / len(letters)


def _has_kana(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" for ch in text)


#: Legacy code pages bilat decides between when a file is not UTF-8, and how each is judged.
LEGACY_ENCODINGS = ("cp1251", "gb18030", "cp1252", "shift_jis")


def decode_bytes(data: bytes, path: str | Path = "<bytes>", encoding: str | None = None) -> str:
    """Text from bytes: BOMs, UTF-8, then a legacy code page only when one reading is
    plausible and no other is (E302 binary, E303 undecidable; never mojibake).

    Legacy readings: cp1251 (Russian: Cyrillic words of sane case, no word mixing Latin and
    Cyrillic letters), GB18030 (Chinese: Han characters, and not a Shift-JIS text with kana),
    cp1252 (Western European: accented letters inside Latin words; Latin-1 is its subset),
    Shift-JIS (Japanese: kana). Two plausible readings, or none, is E303 naming the candidates.
    """
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
    nul = data.find(b"\x00")
    if nul >= 0:
        raise error("E302", path=path, reason=f"binary content: NUL byte at offset {nul} and "
                    "no UTF-16/32 byte-order mark")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    readings: dict[str, str] = {}
    for codec in LEGACY_ENCODINGS:
        try:
            readings[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    scores: dict[str, float] = {}
    if "cp1251" in readings:
        scores["cp1251"] = _cyrillic_plausible(readings["cp1251"])
    if "gb18030" in readings and not ("shift_jis" in readings
                                      and _has_kana(readings["shift_jis"])):
        scores["gb18030"] = _han_plausible(readings["gb18030"])
    if "cp1252" in readings:
        scores["cp1252"] = _latin_plausible(readings["cp1252"])
    if "shift_jis" in readings and _has_kana(readings["shift_jis"]):
        scores["shift_jis"] = _han_plausible(readings["shift_jis"]) + 0.0
    good = [c for c, v in scores.items() if v >= 0.85]
    if len(good) == 1:
        return readings[good[0]]
    verdict = ", ".join(
        f"{c} {'plausible' if c in good else ('implausible' if c in scores else 'fails')}"
        for c in LEGACY_ENCODINGS)
    raise error("E303", path=path, tried=f"utf-8, utf-16/32 BOM; {verdict}")


# ------------------------------------------------------------------------------- cleaning
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
#: A hard line break inside a Chinese sentence: the line has a clause mark (，、；) and ends
#: mid-clause (Han or a clause mark, not 。！？), and the next line goes on in Han
#: ("习近平指出，中方支持\n俄方维护…"). A headline has no clause mark, so it stays a line.
_CJK_WRAP = re.compile(r"(?m)^(?P<line>[^\n]*[，、；][^\n]*?[\u4e00-\u9fff，、；])"
                       r"[ \t\u3000]*\r?\n[ \t\u3000]*(?=[\u4e00-\u9fff“‘（《])")
#: Share of U+FFFD replacement characters above which a text is refused (E318).
MAX_REPLACEMENT_SHARE = 0.2


def clean_text(text: str, where: str | Path = "<text>") -> tuple[str, list[str]]:
    """The text as bilat stores it, and notes on what was changed.

    HTML character references left in plain text (``&#39;``, ``&quot;``, ``&amp;#39;`` from
    a page escaped twice) are decoded; terminal escape sequences and other control characters
    (C0 except tab, line feed, carriage return and form feed; DEL; C1) are removed; a hard line
    break inside a Chinese sentence is joined without a space (:data:`_CJK_WRAP`). A text whose
    non-space characters are mostly U+FFFD (a broken text layer or encoding) is refused (E318).
    """
    import html

    notes: list[str] = []
    for _ in range(2):  # a page escaped twice leaves "&amp;#39;": decode at most twice
        found = _ENTITY.findall(text)
        if not found:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        notes.append(f"decoded {len(found)} HTML character reference(s) left in the text "
                     f"(e.g. {found[0]})")
        text = decoded
    escapes = _ANSI.findall(text)
    if escapes:
        text = _ANSI.sub("", text)
    controls = _CONTROL.findall(text)
    if controls:
        text = _CONTROL.sub("", text)
    if escapes or controls:
        notes.append(f"removed {len(escapes)} terminal escape sequence(s) and {len(controls)} "
                     "other control character(s)")
    wraps = _CJK_WRAP.findall(text)
    if wraps:
        # Chinese needs no space where a wrapped line is joined
        text = _CJK_WRAP.sub(lambda m: m.group("line"), text)
        notes.append(f"joined {len(wraps)} line break(s) inside Chinese sentences")
    visible = [ch for ch in text if not ch.isspace()]
    bad = sum(1 for ch in visible if ch == "\ufffd")
    if visible and bad / len(visible) > MAX_REPLACEMENT_SHARE:
        raise error("E318", path=where, share=bad / len(visible), count=bad)
    return text, notes


#: Glyph names and CID codes a PDF text layer yields when its font has no Unicode map.
_GLYPH_CODE = re.compile(r"/(?:g|G|glyph|uni|cid)[0-9A-Fa-f]{1,6}|\(cid:\d+\)|/[A-Za-z]\d{1,4}")


def glyph_code_share(text: str) -> float:
    """Share of the text's non-space characters that belong to glyph codes (``/g57``)."""
    visible = sum(1 for ch in text if not ch.isspace())
    if not visible:
        return 0.0
    covered = sum(len(m.group(0)) for m in _GLYPH_CODE.finditer(text))
    return covered / visible


def safe_terminal(text: str) -> str:
    """``text`` with escape sequences and control characters shown, never executed
    (ESC → ␛, other C0/C1 controls → ␀-style symbols or \\xNN); keeps line breaks and tabs."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch in "\n\t":
            out.append(ch)
        elif o < 32:
            out.append(chr(0x2400 + o))
        elif o == 0x7f:
            out.append("\u2421")
        elif 0x80 <= o <= 0x9f:
            out.append(f"\\x{o:02x}")
        else:
            out.append(ch)
    return "".join(out)


# ------------------------------------------------------------------------------- language
_CYRILLIC_LANGS = ("RUSSIAN", "UKRAINIAN", "BELARUSIAN", "BULGARIAN", "MACEDONIAN", "SERBIAN",
                   "KAZAKH", "MONGOLIAN")
_LATIN_LANGS = ("ENGLISH", "FRENCH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH",
                "POLISH", "TURKISH", "CZECH", "ROMANIAN", "SWEDISH", "INDONESIAN", "VIETNAMESE")


@lru_cache(maxsize=2)
def _detector(script: str) -> Any:
    from lingua import Language, LanguageDetectorBuilder

    names = _CYRILLIC_LANGS if script == "cyrillic" else _LATIN_LANGS
    # low-accuracy mode (trigram models only) loads in under a second instead of ~15 s and
    # is reliable on readout-length texts, which are far longer than single sentences
    return LanguageDetectorBuilder.from_languages(
        *(getattr(Language, n) for n in names)).with_low_accuracy_mode().build()


def _latin_detector() -> Any:
    return _detector("latin")


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text`` (cached by content): by script, then lingua within it.

    Han with kana is Japanese (``ja``), Hangul Korean (``ko``), Han alone Chinese (``zh``);
    Cyrillic text is told apart by lingua among Russian, Ukrainian, Belarusian, Bulgarian,
    Macedonian, Serbian, Kazakh and Mongolian; Latin text among 14 European and Asian
    languages; Arabic script is ``ar``, Greek ``el``, Hebrew ``he``, Thai ``th``, Devanagari
    ``hi``. Only :data:`SUPPORTED` languages are analysed (claims, readouts, lineage); others are
    named for what they are, never stored as en/ru/zh.
    """
    return _detect_cached(text[:4000])


@lru_cache(maxsize=512)
def _detect_cached(sample: str) -> str:
    counts = {"zh": 0, "kana": 0, "ko": 0, "cyrillic": 0, "ar": 0, "latin": 0, "el": 0,
              "he": 0, "th": 0, "hi": 0}
    for ch in sample:
        o = ord(ch)
        if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
            counts["zh"] += 1
        elif 0x3040 <= o <= 0x30FF:
            counts["kana"] += 1
        elif 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF:
            counts["ko"] += 1
        elif 0x0400 <= o <= 0x04FF:
            counts["cyrillic"] += 1
        elif 0x0600 <= o <= 0x06FF:
            counts["ar"] += 1
        elif 0x0370 <= o <= 0x03FF:
            counts["el"] += 1
        elif 0x0590 <= o <= 0x05FF:
            counts["he"] += 1
        elif 0x0E00 <= o <= 0x0E7F:
            counts["th"] += 1
        elif 0x0900 <= o <= 0x097F:
            counts["hi"] += 1
        elif ch.isascii() and ch.isalpha() or 0x00C0 <= o <= 0x024F:
            counts["latin"] += 1
    # Han characters and Hangul syllables carry a word each: weigh them up against letters.
    weighted = dict(counts)
    weighted["zh"] = (counts["zh"] + counts["kana"]) * 3
    weighted["ko"] = counts["ko"] * 3
    weighted.pop("kana")
    best = max(weighted, key=lambda k: weighted[k])
    if weighted[best] == 0:
        return "en"
    if best == "zh":
        return "ja" if counts["kana"] >= max(2, 0.05 * (counts["zh"] + counts["kana"])) else "zh"
    if best in ("cyrillic", "latin"):
        found = _detector(best).detect_language_of(sample)
        if found is None:
            return "ru" if best == "cyrillic" else "en"
        return found.iso_code_639_1.name.lower()
    return best


#: English names of the languages :func:`detect_language` names.
LANGUAGE_NAMES = {
    "en": "English", "ru": "Russian", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
    "uk": "Ukrainian", "be": "Belarusian", "bg": "Bulgarian", "mk": "Macedonian",
    "sr": "Serbian", "kk": "Kazakh", "mn": "Mongolian", "fr": "French", "de": "German",
    "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "pl": "Polish",
    "tr": "Turkish", "cs": "Czech", "ro": "Romanian", "sv": "Swedish", "id": "Indonesian",
    "vi": "Vietnamese", "ar": "Arabic", "el": "Greek", "he": "Hebrew", "th": "Thai",
    "hi": "Hindi",
}


def check_language(value: str) -> str:
    """A user-set language code (``--language``), lower-cased; E370 unless bilat analyses it
    (:data:`SUPPORTED`)."""
    code = value.strip().lower()
    if code not in SUPPORTED:
        raise error("E370", value=value, options=", ".join(SUPPORTED))
    return code


def require_supported(doc: Document) -> None:
    """Raise E319 unless bilat analyses the document's language (:data:`SUPPORTED`)."""
    if doc.language not in SUPPORTED:
        raise error("E319", doc=doc.doc_id, language=doc.language,
                    language_name=LANGUAGE_NAMES.get(doc.language, doc.language),
                    supported=", ".join(SUPPORTED))


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


def _check_state(code: str) -> str:
    """The ISO3 code of a side/party typed any way the CLI accepts ("CHINA", "Russia", "chn";
    via :func:`bilat.reference.countries.resolve_state`), or JOINT/BOTH; anything else is
    E008 with a did-you-mean (a typo would silently switch off the attribution and party
    checks for that state)."""
    from bilat.reference.countries import resolve_state

    if code.strip().upper() in ("JOINT", "BOTH"):
        return code.strip().upper()
    return resolve_state(code)


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
    notes: Iterable[str] = (),
) -> Document:
    """A :class:`Document` from its text and metadata (language detected unless given).

    The text is cleaned first (:func:`clean_text`: HTML character references decoded,
    terminal escapes and control characters removed, a text mostly of U+FFFD refused with
    E318); what changed is kept in ``Document.notes``.
    """
    if not text or not text.strip():
        raise error("E301", path=source_url or "<text>")
    text, cleaned = clean_text(text, source_url or "<text>")
    if not text.strip():
        raise error("E301", path=source_url or "<text>")
    if kind not in KINDS:
        raise error("E012", value=kind, option="--kind", options=", ".join(KINDS))
    side = _check_state(side) if side else side
    parties = [_check_state(code) for code in parties]
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
        notes=tuple(notes) + tuple(cleaned),
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


class _PdfLog(logging.Handler):
    """Collects pypdf's own log lines (they are reasons, not output for the user)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage().splitlines()[0][:120])


#: A text layer whose share of glyph codes (``/g57``, ``(cid:12)``) is above this is refused.
MAX_GLYPH_CODE_SHARE = 0.3


def _pdf_text(data: bytes, where: str) -> str:
    """The text layer of a PDF (pages separated by a blank line).

    Every failure is one line: E312 for a damaged or unreadable file (any pypdf exception,
    with its type and message; a file pypdf could only read by repairing it, with the repair it
    logged), E304 for no text layer (a scan), E317 for a text layer of glyph codes. pypdf's own
    log lines and warnings are captured, never printed.
    """
    import warnings

    from pypdf import PdfReader

    log = logging.getLogger("pypdf")
    handler = _PdfLog()
    old_level, old_propagate = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    pages: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                reader = PdfReader(io.BytesIO(data))
                if reader.is_encrypted:
                    try:
                        reader.decrypt("")
                    except Exception as exc:  # noqa: BLE001 - any pypdf failure is a bad file
                        raise error("E312", path=where, reason="encrypted with a password "
                                    f"({type(exc).__name__})") from exc
                for page in reader.pages:
                    pages.append((page.extract_text() or "").strip())
            except RecursionError as exc:
                raise error("E312", path=where, reason="RecursionError: nested objects too "
                            "deep") from exc
            except MemoryError as exc:
                raise error("E312", path=where, reason="MemoryError: the file asks for more "
                            "memory than bilat will give it") from exc
            except Exception as exc:  # noqa: BLE001 - the pypdf boundary: every kind
                if getattr(exc, "code", "").startswith("E3"):
                    raise
                msg = str(exc).splitlines()[0][:160] if str(exc) else ""
                raise error("E312", path=where, reason=f"{type(exc).__name__}"
                            + (f": {msg}" if msg else "")) from exc
    finally:
        log.removeHandler(handler)
        log.setLevel(old_level)
        log.propagate = old_propagate
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        damage = [ln for ln in handler.lines if re.search(
            r"xref|startxref|trailer|object|stream|EOF|invalid|incorrect|repair", ln, re.I)]
        if damage:
            raise error("E312", path=where, reason="damaged (pypdf: " + "; ".join(
                dict.fromkeys(d[:70] for d in damage[:3])) + "), and no text recovered")
        raise error("E304", path=where, pages=len(pages))
    share = glyph_code_share(text)
    if share > MAX_GLYPH_CODE_SHARE:
        sample = " ".join(text.split()[:3])[:40]
        raise error("E317", path=where, share=share, sample=sample)
    return text


def _looks_html(data: bytes, name: str) -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"\xef\xbb\xbf<!doctype html"))


def content_text(
    data: bytes, where: str, name: str, content_type: str = "", encoding: str | None = None
) -> tuple[str, str | None, str | None]:
    """(text, title, date) of raw content told by its bytes, name and content type: PDF (text
    layer), HTML (main text by trafilatura) or plain text (encoding decided or E303). Every
    refusal is one BilatError naming ``where`` (E301, E302, E303, E304, E312, E317, E318)."""
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
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f\x1b")
    if control > max(8, len(text) // 50):
        raise error("E302", path=where, reason=f"{control} control characters: not a text file")
    return text, None, None


def mirror_path(url: str, mirror: Path) -> Path:
    """Where a URL lives in a mirror folder: ``<mirror>/texts/<host>/<path>``, jailed.

    The one mirror lookup of every source (:func:`bilat.sources.core.mirror_url_path`): ``..``
    in any case, scheme or %-encoding, a URL without a usable host (``http://../../x``) and
    symlinks that lead outside the mirror are refused (E011).
    """
    from bilat.sources.core import mirror_url_path

    return mirror_url_path(Path(mirror), url, "texts")


def fetch_document(
    url: str, *, mirror: str | Path | None = None, encoding: str | None = None
) -> tuple[str, str | None, str | None]:
    """(text, title, date) of a URL: one polite GET, or the mirror copy (E010/E011)."""
    folder = resolve_mirror(mirror)
    if folder is not None:
        target = mirror_path(url, folder)
        if not target.is_file():
            raise error("E011", path=url, mirror=folder.resolve(),
                        why=f" (looked for {target.relative_to(folder.resolve())})")
        try:
            data = target.read_bytes()
        except OSError as exc:
            raise error("E311", path=target, reason=exc.strerror or str(exc)) from exc
        return content_text(data, url, target.name, "", encoding)
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
    return content_text(resp.content, url, urlsplit(url).path, ctype, charset)


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
        text, page_title, page_date = content_text(data, str(path), path.name, "", encoding)
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
    if getattr(store, "read_only", False):  # opened read-only: an empty table for this
        if not store.has_table("documents"):  # connection only, nothing written
            store.con.execute(_DOCUMENTS.replace("CREATE TABLE", "CREATE TEMP TABLE", 1))
        return
    store.con.execute(_DOCUMENTS)


def save_document(store: Store, doc: Document) -> Document:
    """Store ``doc`` once (idempotent by content); returns the stored document (E026 on a
    store opened read-only)."""
    if getattr(store, "read_only", False):
        store.check_writable()
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


def add_document(store: Store, source: str | Path, *, infer: bool = True,
                 **meta: Any) -> Document:
    """Load a document (file or URL) and save it to the store; returns the stored document.

    Without a ``side``, and with ``infer`` (default), the side is inferred from unambiguous
    opening words (:func:`bilat.text.readouts.infer_side`) and the reason kept in ``notes``.
    """
    doc = load_document(source, **meta)
    if infer and doc.side is None and doc.language in SUPPORTED:
        from bilat.text.readouts import infer_side

        found = infer_side(doc)
        if found is not None:
            doc = replace(doc, side=found[0], notes=doc.notes + (found[1],))
    stored = save_document(store, doc)
    return replace(stored, notes=doc.notes) if stored.doc_id == doc.doc_id else stored


def with_meta(doc: Document, **meta: Any) -> Document:
    """A copy of ``doc`` with metadata overridden (``date`` may be a string)."""
    if "date" in meta:
        meta["date"] = _parse_date(meta["date"])
    if "side" in meta and meta["side"]:
        meta["side"] = str(meta["side"]).upper()
    return replace(doc, **{k: v for k, v in meta.items() if v is not None})


__all__ = [
    "KINDS", "LANGUAGES", "LANGUAGE_NAMES", "SUPPORTED", "add_document", "check_language",
    "clean_text",
    "content_text", "decode_bytes", "require_supported",
    "detect_language", "glyph_code_share", "safe_terminal",
    "document_from_text", "fetch_document", "get_document", "list_documents", "load_document",
    "mirror_path", "save_document", "with_meta",
]
