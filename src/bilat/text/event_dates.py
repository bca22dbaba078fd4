"""The date of the event a readout reports, inferred from its own opening words.

A readout given without a date (no ``FILE@SIDE@DATE``, no page metadata) usually states the day
of the call in its first sentence or in a dateline: the Chinese "国家主席习近平8月25日同俄罗斯总统
普京通电话", the Kremlin's "On December 30, Vladimir Putin had a telephone conversation with …",
"25 августа 2021 года состоялся телефонный разговор …", the White House's "President … met
virtually on November 15 with …", or a line "February 25, 2022" at the top. :func:`infer_event_date`
reads that date (the first date of the dateline or the opening sentence; in the opening
sentence only when the sentence reports a call, meeting or talks, and never a date that is about
something else: "since 2001", "the Treaty of 16 July 2001", "following their talks on
February 4", "…以来"). The result keeps the document id, the character offsets and the words, so
the note saying the date was inferred can be checked against the text.

:func:`apply_event_dates` fills the inferred dates into the same-event check of
:func:`bilat.text.readouts.compare_readouts`: a full date is used exactly as a given date (same
``max_days`` tolerance); a month and day without a year take the year of the other documents'
dates (the year that puts it nearest to them, so "12月31日" next to 2022-01-01 is 2021-12-31);
when no document's year is known, two month-days further apart than ``max_days`` in every
possible year (the distance on the calendar circle) still cannot be one event. A contradiction
raises E308 as given dates do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bilat.errors import error
from bilat.text.documents import with_meta
from bilat.text.model import Document

_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_RU_MONTHS = {
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}
_EN_M = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_RU_M = "|".join(_RU_MONTHS)

#: Date forms: (month, day, optional year) with named groups m, d, y.
_DATE_FORMS = {
    "zh": [re.compile(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")],
    "ru": [re.compile(r"(?<!\d)(?P<d>\d{1,2})\s+(?P<m>" + _RU_M + r")(?:\s+(?P<y>\d{4})"
                      r"(?:\s*(?:года|г\.))?)?", re.IGNORECASE)],
    "en": [
        re.compile(r"\b(?P<m>" + _EN_M + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b"
                   r"(?:,?\s+(?P<y>\d{4})\b)?", re.IGNORECASE),
        re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>" + _EN_M
                   + r")\b\.?(?:,?\s+(?P<y>\d{4})\b)?", re.IGNORECASE),
    ],
}

#: Words that report the event itself (a call, meeting, talks) in the opening sentence.
_EVENT_WORDS = re.compile(
    r"\b(?:spoke|talked|met|meets|held|had|hold|conversation|call|talks|meeting|"
    r"videoconference|summit)\b|разговор|переговор|встреч|встретил|состоял|провёл|провел|"
    r"通电话|通话|会谈|会见|会晤|视频", re.IGNORECASE)

#: Context that marks a date as about something else (an anniversary, a treaty, a deadline,
#: an earlier event): checked in the words just before and just after the date.
_OTHER_BEFORE = re.compile(
    r"(?:\b(?:since|by|until|till|before|after|following|of|dated|treaty|agreement|"
    r"anniversary|signed|last|previous|earlier)\s*(?:the\s+)?$)"
    r"|(?:(?:\bс|\bот|\bдо|\bпосле|\bпо|договор\w*|соглашени\w*|годовщин\w*)\s*$)"
    r"|(?:(?:自|从|于|截至|到|签署的?|条约)\s*$)", re.IGNORECASE)
_OTHER_AFTER = re.compile(r"^\s*(?:以来|起|前|签署|签订|至今|之前)"
                          r"|^\s*(?:onwards|till|until)", re.IGNORECASE)

#: A sentence end, not the full stop of an initial or a title ("Joseph R. Biden, Jr. spoke").
_SENTENCE_END = re.compile(r"[。！？!?]|(?<!\b[A-Z])(?<!Jr)(?<!Mr)(?<!Dr)(?<!Ms)(?<!St)\.(?=\s|$)")
#: A retrospective or deadline cue earlier in the same clause ("following their talks on
#: February 4", "после переговоров 4 февраля", "自……以来").
_OTHER_CLAUSE = re.compile(
    r"(?:\b(?:following|since|after|before|previous|earlier|until|recalled|recalling)\b"
    r"|\b(?:после|со времени|накануне|до)\b|(?:自|回顾|此前|上次))[^,.;，。；]*$", re.IGNORECASE)
_CCTV_PREFIX = re.compile(r"\s*央视网消息（新闻联播）：")
#: What a dateline may hold besides the date: a time, "a.m./p.m.", separators.
_DATELINE_REST = re.compile(
    r"[\s,.:\-–—\d]*(?:[AaPp]\.?\s?[Mm]\.?)?[\s,.:\-–—\d]*(?:MSK|GMT|UTC)?\s*")


@dataclass(frozen=True)
class EventDate:
    """A date read from a document: month and day always, the year when the text gives it."""

    doc_id: str
    month: int
    day: int
    year: int | None
    start: int  # offset of the date's first character in ``Document.text``
    end: int  # offset one past its last character
    words: str  # ``Document.text[start:end]``
    where: str  # 'dateline' | 'opening sentence'

    @property
    def date(self) -> date | None:
        """The full date, or None without a year."""
        return date(self.year, self.month, self.day) if self.year else None

    def in_year(self, year: int) -> date | None:
        """This month-day in ``year`` (None for 29 February of a common year)."""
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None

    def describe(self) -> str:
        """The note's wording: document id, offsets and words."""
        return (f"{self.doc_id}: event date inferred from the {self.where} words "
                f"{self.words!r} (offsets {self.start}-{self.end})")


def _valid(m: int, d: int, y: int | None) -> bool:
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return False
    try:
        date(y or 2000, m, d)  # 2000 is a leap year: 29 February without a year is valid
    except ValueError:
        return False
    return y is None or 1900 <= y <= 2100


def _candidates(text: str, lang: str, lo: int, hi: int) -> list[tuple[int, int, int, int | None]]:
    """(start, end, month, day, year) of every date form in ``text[lo:hi]``, in order."""
    window = unicodedata.normalize("NFKC", text[lo:hi])  # full-width digits → ASCII
    if len(window) != hi - lo:  # NFKC changed lengths: offsets would shift; read as is
        window = text[lo:hi]
    forms = _DATE_FORMS.get(lang, []) + [f for k, v in _DATE_FORMS.items() if k != lang
                                         for f in v]
    found: dict[int, tuple[int, int, int, int, int | None]] = {}
    for form in forms:
        for m in form.finditer(window):
            raw_m = m.group("m")
            month = (int(raw_m) if raw_m.isdigit()
                     else _EN_MONTHS.get(raw_m.lower(), _RU_MONTHS.get(raw_m.lower(), 0)))
            day = int(m.group("d"))
            year = int(m.group("y")) if m.group("y") else None
            if not _valid(month, day, year):
                continue
            s = lo + m.start()
            if s not in found and not any(a <= s < b for a, b, *_ in found.values()):
                found[s] = (s, lo + m.end(), month, day, year)
    return [found[k] for k in sorted(found)]


def _about_else(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 25):start]
    after = text[end:end + 8]
    clause = text[max(0, start - 60):start]
    return bool(_OTHER_BEFORE.search(before) or _OTHER_AFTER.search(after)
                or _OTHER_CLAUSE.search(clause))


def infer_event_date(doc: Document) -> EventDate | None:
    """The date of the reported event from the dateline or the opening sentence, or None.

    Dateline: a line before the opening paragraph (after title lines, which have no sentence
    end) that is only a date, with or without a time: "February 25, 2022 17:20", "2022年2月25日".
    Opening sentence: the first sentence of the first paragraph (after a "央视网消息（新闻联播）："
    prefix), when it reports a call, meeting or talks; the first date in it that is not about
    something else (see the module docstring). A day alone ("28日下午") is not a date here.
    Offsets index ``doc.text``.
    """
    text = doc.text
    lang = doc.language or "en"
    start = len(text) - len(text.lstrip())
    # title lines (no sentence end) and a dateline come first: "Telephone conversation with
    # President of China Xi Jinping" / "February 25, 2022 17:20" / then the opening paragraph
    for _ in range(4):
        nl = text.find("\n", start)
        line_end = len(text) if nl < 0 else nl
        line = text[start:line_end]
        if len(line.strip()) <= 40:
            cands = _candidates(text, lang, start, line_end)
            if cands:
                s, e, m, d, y = cands[0]
                rest = (text[start:s] + text[e:line_end]).strip()
                if _DATELINE_REST.fullmatch(rest):
                    return EventDate(doc.doc_id, m, d, y, s, e, text[s:e], "dateline")
        if nl < 0 or _SENTENCE_END.search(line) or len(line) > 200:
            break  # the opening paragraph
        nxt = len(text) - len(text[line_end:].lstrip())
        if nxt >= len(text):
            break
        start = nxt
    para_end = text.find("\n", start)
    para_end = len(text) if para_end < 0 else para_end
    prefix = _CCTV_PREFIX.match(text, start)
    if prefix:
        start = prefix.end()
    sent = _SENTENCE_END.search(text, start, para_end)
    end = sent.end() if sent else para_end
    end = min(end, start + 400)
    sentence = text[start:end]
    if not _EVENT_WORDS.search(sentence):
        return None
    for s, e, m, d, y in _candidates(text, lang, start, end):
        if _about_else(text, s, e):
            continue
        return EventDate(doc.doc_id, m, d, y, s, e, text[s:e], "opening sentence")
    return None


def _circular_days(a: EventDate, b: EventDate) -> int:
    """Fewest days between two month-days in any pair of years (calendar circle)."""
    best = 366
    for ya in (2000, 2001):  # a leap and a common year
        da = a.in_year(ya)
        if da is None:
            continue
        for dy in (-1, 0, 1):
            db = b.in_year(ya + dy)
            if db is not None:
                best = min(best, abs((db - da).days))
    return best


def apply_event_dates(
    docs: Sequence[Document], max_days: int = 3, check: bool = True
) -> tuple[list[Document], list[str]]:
    """Documents with inferred event dates filled in, and the notes saying so.

    A document that has a date keeps it. A full inferred date is set as the document's date; a
    month-day takes the year of the dated documents that puts it nearest to them. With
    ``check``, inferred dates further apart than ``max_days`` from the others raise E308 (the
    given-date check itself stays in :func:`bilat.text.readouts.check_same_event`); two
    month-days with no year anywhere are compared on the calendar circle.
    """
    out = list(docs)
    notes: list[str] = []
    found: dict[int, EventDate] = {}
    for k, d in enumerate(out):
        if d.date is None:
            ed = infer_event_date(d)
            if ed is not None:
                found[k] = ed
    if not found:
        return out, notes
    for k, ed in found.items():
        if ed.year is not None:
            out[k] = with_meta(out[k], date=ed.date, notes=out[k].notes + (ed.describe(),))
            notes.append(ed.describe())
    known = [(d.doc_id, d.date) for d in out if d.date is not None]
    for k, ed in found.items():
        if ed.year is not None:
            continue
        if known:
            ref_id, ref = min(known, key=lambda kv: kv[1])  # the earliest dated document
            options = [x for x in (ed.in_year(ref.year + dy) for dy in (-1, 0, 1)) if x]
            if not options:
                continue
            when = min(options, key=lambda x: abs((x - ref).days))
            say = f"{ed.describe()}; year {when.year} from {ref_id}'s date {ref}"
            out[k] = with_meta(out[k], date=when, notes=out[k].notes + (say,))
            notes.append(say)
        else:
            notes.append(f"{ed.describe()}; no year known: compared as month and day only")
    undated = [d.doc_id for d in out if d.date is None and not any(
        out[k].doc_id == d.doc_id for k in found)]
    if undated and len(undated) < len(out):
        notes.append(f"WARNING {', '.join(undated)}: no date given and none in the opening "
                     "words: the same-event check could not compare its date (give "
                     "FILE@SIDE@DATE)")
    if check:
        dated = [d for d in out if d.date is not None]
        if len(dated) >= 2:
            lo = min(dated, key=lambda d: d.date)  # type: ignore[arg-type,return-value]
            hi = max(dated, key=lambda d: d.date)  # type: ignore[arg-type,return-value]
            gap = (hi.date - lo.date).days  # type: ignore[operator]
            if gap > max_days:
                why = "; ".join(found[k].describe() for k in sorted(found)
                                if out[k].doc_id in (lo.doc_id, hi.doc_id))
                raise error("E308", reason=f"dates {lo.date} ({lo.doc_id}) and {hi.date} "
                            f"({hi.doc_id}) are {gap} days apart (more than {max_days}); {why}")
        yearless = [ed for k, ed in found.items() if out[k].date is None]
        for i, a in enumerate(yearless):
            for b in yearless[i + 1:]:
                gap = _circular_days(a, b)
                if gap > max_days:
                    raise error("E308", reason=f"{a.doc_id} reports {a.words!r} and {b.doc_id} "
                                f"{b.words!r}: at least {gap} days apart in any year (more than "
                                f"{max_days}); {a.describe()}; {b.describe()}")
    return out, notes


__all__ = ["EventDate", "apply_event_dates", "infer_event_date"]
