"""Paragraphs, sentences and claims with exact character offsets (English, Russian, Chinese).

Every span yielded here satisfies ``text[span.start:span.end] == span.text``; spans never
cross a paragraph boundary and carry no leading or trailing whitespace.

- :func:`paragraphs`: blocks separated by blank lines; a text without blank lines is split at
  line breaks instead.
- :func:`sentences`: pysbd (Golden Rules) for en/ru and other Latin/Cyrillic languages, with
  post-rules where it fails on readout prose: a piece that starts in lower case is joined to the
  previous one (Russian ``т.е.``, ``т.д.``, ``в т.ч.``, ``г.``), initials (``В.В. Путин``) and
  titles (``Mr.``, ``Dr.``) are joined to the name that follows. Chinese is segmented by its
  own rule: a sentence ends at 。！？!? or an ellipsis, together with any closing quote or
  bracket that follows (”’」』）》), so ``普京表示：“……。”`` stays whole. Scraped texts glue
  paragraphs: a full stop glued to a capitalised word ends a sentence ("механизмов.Президенты",
  and the line holding it is not a heading), an item number glued to the sentence before
  opens the next one ("…доверия.2. Договаривающиеся …"), and "1 (один)\nгод" (a number with
  its amount in words) does not end one at the line break. A quotation of several sentences,
  which pysbd keeps whole ('The message reads, in part:"…. …. …"'), is cut into them.
- :func:`article_headings`: "Статья 34", "Article 5", "第三条" are sentences of their own, cut
  from the text glued to them ("Статья 341. Договаривающиеся" = article 34, item 1), and are
  not claims. The characters of a text that are in no claim are of these kinds only: a
  statement's title lines (:func:`bilat.text.lineage.heading_span`), article headings, the
  connective between two claims of one sentence (", и", "; and", "，", ", as well as",
  ", in particular,", ", including"), a transcript
  speaker label ("Yury Ushakov:") and official web-page chrome copied with a text
  (:func:`page_chrome`: kremlin.ru section and headline, calendar buttons, dateline, footer);
  tests/text/test_claim_coverage.py checks it over every genuine readout and statement of the
  mirror.
- :func:`claim_spans`: the claims of one sentence. A sentence is split where it carries several
  claims: at ``;``/``；`` between clauses, and at ``, and``/``, while``/``, и``/``, а``/``，``
  when what follows opens a new clause with its own subject (a named speaker, a side, "the two
  sides", a pronoun) and a verb. Enumerations ("Taiwan, Hong Kong, Xinjiang and the South China
  Sea") stay one claim carrying several issues — except the matters of a discussion report
  ("They also discussed cross-Strait issues, Russia's war against Ukraine, and the South China
  Sea": one claim per matter naming a new issue, :data:`DISCUSSION_ITEMS`, marked
  :attr:`Segment.item`). A Chinese second predicate on other issues ("…协作，支持…金砖…") and a
  courtesy ("俄方真心祝贺…成就，把中国作为…") end at their comma; a topic heading or a fronted
  circumstance ("关于金砖合作，", "当前，面对…，") and a bare courtesy ("…，俄方表示衷心祝贺。")
  are never cut off.
"""

from __future__ import annotations

import re
import re._constants as _c
import re._parser as _parser
import threading
import types
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pysbd
from pysbd.abbreviation_replacer import AbbreviationReplacer
from pysbd.between_punctuation import BetweenPunctuation
from pysbd.exclamation_words import ExclamationWords
from pysbd.lang.russian import Russian
from pysbd.lists_item_replacer import ListItemReplacer
from pysbd.processor import Processor
from pysbd.utils import Rule, TextSpan

from bilat.text.prefilter import CharMap, exact_starts, fold, narrowed, scan_at

#: Languages pysbd has rules for; others are segmented with the English rules.
_PYSBD_LANGS = {"en", "ru", "fr", "de", "es", "ar", "it", "nl", "pl", "el", "da", "fa", "hy",
                "my", "am", "hi", "mr", "ur", "ja", "kk", "bg", "zh"}
_CJK = {"zh", "ja"}
_CLOSERS = "”’」』）》】〉\"')]"
_ZH_SENT = re.compile(r"[^。！？!?…]*(?:[。！？!?]+|…+|$)[" + re.escape(_CLOSERS) + r"]*")
_TITLES = re.compile(
    r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|St|Mt|No|Nos|Art|Vol|Jr|Sr|Amb|Col|Lt|Gov)\.\s*$"
)
_INITIALS = re.compile(r"(?:^|[\s(«\"])(?:[A-ZА-ЯЁ]\.\s?){1,3}\s*$")
_STARTS_LOWER = re.compile(r"^[\"'«“(]*[a-zа-яё]")


@dataclass(frozen=True)
class Span:
    """A stretch of the original text: ``text == original[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Segment:
    """A claim-sized span with the sentence and paragraph it belongs to."""

    start: int
    end: int
    text: str
    sentence_index: int
    paragraph_index: int
    #: a further matter of a discussion report begun in the part before (same sentence): it has
    #: that part's speaker and reports the same discussion (see :data:`DISCUSSION_ITEMS`)
    item: bool = False


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return Span(start, end, text[start:end])


#: A line that ends a sentence (a hard line break after it ends a paragraph).
_LINE_END = re.compile(r"[.!?。！？…:;：；\"”’»)\]）】」』]\s*$")


#: A line ending in a word that cannot end a sentence (a preposition, conjunction, article) or
#: a comma: the sentence goes on in the next line whatever its case.
_DANGLING = re.compile(r"(?:,|(?<!\w)(?:с|со|и|в|во|на|по|к|ко|о|об|от|у|за|из|для|при|между|"
                       r"а|но|of|the|with|and|to|for|in|on|by|at|a|an|between|from))$",
                       re.IGNORECASE)


#: A number with its amount in words in brackets ("1 (один)", "2 (two)"), legal style: the
#: closing bracket does not end the sentence ("не позднее чем за 1 (один)\nгод").
_NUMBER_IN_WORDS = re.compile(r"\d\s*\((?:[^\W\d_]+[\s-]?){1,4}\)\s*$")
#: A full stop glued to the capitalised word after it ("механизмов.Президенты",
#: "Беларуси.Главы"): a sentence end with its space lost (two lower-case letters before the
#: stop keep initials "В.В.Путина" and abbreviations "г.Минск", "т.ч." out).
#: (The stop comes first in the pattern, the look-behind after it, so a search only stops
#: at punctuation.)
_GLUED_END = re.compile(r"[.!?…](?<=[a-zа-яё]{2}.)(?=[A-ZА-ЯЁ][a-zа-яё])")
#: Where glued sentences are cut: after a glued full stop, and before an item number glued
#: to the sentence before it ("…доверия.2. Договаривающиеся Стороны …").
_GLUED_CUT = re.compile(_GLUED_END.pattern + r"|[.;](?<=[a-zа-яё)»”\"].)(?=\d{1,2}\.[\s\u00a0]*"
                        r"[A-ZА-ЯЁ])")
#: A line that is only a number glued to a word ("40Договаривающиеся"): an article number
#: whose heading word ended the line before.
_GLUED_NUMBER_LINE = re.compile(r"\d{1,3}[A-ZА-ЯЁ][a-zа-яё]+")

#: An article heading of a treaty or statement: "Статья 34", "Article 5", "第三条" (the word
#: and its number; in scraped texts often glued to what follows: "Статья 40Договаривающиеся",
#: "Статья 341. Договаривающиеся" = article 34, item 1). It is not a claim.
#: It opens a line or follows a sentence end, and no lower-case word follows it ("Article 51
#: of the UN Charter" is a reference in a sentence, not a heading).
_ARTICLE = re.compile(r"(?:(?<![^\s.!?:;…»\"”)])(?:Статья|СТАТЬЯ|Article|ARTICLE)[\s\u00a0]*"
                      r"(?P<n>\d{1,3})(?!\d)(?:[\s\u00a0]+(?P<item>\d{1,2})(?=\.\s))?"
                      r"(?![\s\u00a0]*[a-zа-яё(])"
                      r"|(?<![^\s。！？；：”])第[一二三四五六七八九十百零〇\d]{1,6}条)")


_ARTICLE_WORDS = ("Статья", "СТАТЬЯ", "Article", "ARTICLE", "条")


def _soft_break(before: str, after: str) -> bool:
    """Whether a single line break between two lines is a hard wrap inside a sentence.

    It is when the first line does not end a sentence and either ends in a comma or a word that
    cannot end one (:data:`_DANGLING`), or the next line starts in lower
    case (``Russia\nfirmly supports``), or the first line is long enough to have been wrapped
    (50+ characters; 20+ Han characters for Chinese, where the next line starts with Han).
    """
    b, a = before.rstrip(), after.lstrip()
    if not b or not a:
        return False
    if _LINE_END.search(b) and not _NUMBER_IN_WORDS.search(b):
        return False
    if _GLUED_END.search(b) or _GLUED_NUMBER_LINE.fullmatch(b):
        # "…санкционных механизмов.Президенты Российской\nФедерации …": paragraphs glued by
        # a scraper; the line is short because a sentence starts inside it, not a heading
        return True
    if _DANGLING.search(b):
        return True  # "разговор Владимира Путина с\nПредседателем КНР", "President of\nthe"
    if re.match(r"[a-zа-яё]", a):
        return True
    if re.match(r"[\u4e00-\u9fff]", a) and re.search(r"[\u4e00-\u9fff，、]$", b):
        return len(b) >= 20
    return len(b) >= 50 and not re.match(r"[-•*\d]", a)


def paragraphs(text: str) -> list[Span]:
    """Paragraphs of ``text``: separated by blank lines, else by line breaks that end a
    sentence (a line break inside a sentence, a hard wrap, does not split it)."""
    if re.search(r"\n[ \t\r\u3000]*\n", text):
        sep = re.compile(r"\n[ \t\r\f\v\u3000]*\n\s*")
        breaks = list(sep.finditer(text))
    else:
        breaks = [m for m in re.finditer(r"\n+", text)
                  if not _soft_break(text[text.rfind("\n", 0, m.start()) + 1:m.start()],
                                     text[m.end():text.find("\n", m.end()) if "\n" in
                                          text[m.end():] else len(text)])]
    out: list[Span] = []
    pos = 0
    for m in breaks:
        span = _trimmed(text, pos, m.start())
        if span:
            out.append(span)
        pos = m.end()
    span = _trimmed(text, pos, len(text))
    if span:
        out.append(span)
    return out


#: Languages whose pysbd abbreviation pass is run without its repeated no-op rescans (their
#: replacer uses pysbd's own ``scan_for_replacements``; see :func:`_skip_repeats`).
_DEDUP_LANGS = {"en", "ru"}


def _skip_repeats(base: type) -> type:
    """pysbd's abbreviation replacer without the rescans that cannot change anything.

    pysbd rescans the whole line with one ``re.sub`` for every occurrence of an abbreviation
    ("no", "mr", "г" …), so a paragraph of N sentences costs O(N²). Each rescan only turns a
    full stop that follows ``<space><abbreviation>`` into ``∯``; for an abbreviation made of
    letters and digits only, no later rescan can create a new match of it (they only remove
    full stops, never add the letters before one), so once it was rescanned, every further
    rescan of the same abbreviation in that line is a no-op and is skipped; so is one whose
    abbreviation is nowhere followed by a full stop (the rescans are case-sensitive and
    replace only that full stop). Output is identical to pysbd's
    (tests/text/test_segment_fast.py compares both).
    """

    class Replacer(base):  # type: ignore[misc, valid-type]
        # the whole-paragraph passes of ``replace`` through _RuleText / _fast_sub
        replace = _rebound(base.replace, Text=_RuleText, re=_FastRe())
        replace_abbreviation_as_sentence_boundary = _rebound(
            base.replace_abbreviation_as_sentence_boundary, re=_FastRe())

        def search_for_abbreviations_in_string(self, text: str) -> str:
            # pysbd's loop, with its patterns compiled once (pysbd builds two new pattern
            # strings per abbreviation, more than ``re``'s cache holds, so every paragraph
            # recompiled them); the pattern after an abbreviation, ``(?<={abbr} ).``, has
            # literal braces for an abbreviation of letters, so it cannot match a text
            # without "{"
            self._done: set[str] = set()
            lowered = text.lower()
            spaced: str | None = None  # folded, whitespace as " ": where abbreviations start
            for abbr in self.lang.Abbreviation.ABBREVIATIONS:
                stripped = abbr.strip()
                if stripped not in lowered:
                    continue
                if spaced is None:
                    spaced = _TO_SPACE(fold(text))
                if stripped.isalnum() and fold(stripped) + "." not in spaced:
                    # every rescan of a letters-and-digits abbreviation replaces a "." right
                    # after it (as found, in any case: folded, as its case-insensitive match);
                    # none in the line (the rescans only remove full stops): nothing to do
                    continue
                found = _abbreviations_found(rf"(?:^|\s|\r|\n){stripped}", stripped, text,
                                             spaced)
                if not found:
                    continue
                if "{" not in text and not stripped.isdigit():
                    char_array: list[str] = []
                else:
                    char_array = _compiled(r"(?<={" + str(re.escape(stripped)) + "} ).{1}",
                                           0).findall(text)
                for ind, match in enumerate(found):
                    text = self.scan_for_replacements(text, match, ind, char_array)
            return text

        def scan_for_replacements(self, txt: str, am: str, ind: int,
                                  char_array: list[str]) -> str:
            key = am.strip()
            low = key.lower()
            abbr = self.lang.Abbreviation
            # an abbreviation with "." or "-" ("u.s", "e.g") is literal only in pysbd's
            # generic period rescan (escaped there; Russian's and the two others are not)
            if not key.isalnum() and (not escaped_periods or low in abbr.PREPOSITIVE_ABBREVIATIONS
                                      or low in abbr.NUMBER_ABBREVIATIONS):
                return str(super().scan_for_replacements(txt, am, ind, char_array))
            char = char_array[ind] if ind < len(char_array) else ""
            if str(char).isupper() and low not in abbr.PREPOSITIVE_ABBREVIATIONS:
                return txt  # pysbd makes no replacement here either
            if key in self._done:
                return txt
            self._done.add(key)
            if key + "." not in txt:
                return txt  # every rescan replaces a "." right after the abbreviation
            if not _FAST_SUBS:
                return str(super().scan_for_replacements(txt, am, ind, char_array))
            # pysbd's choice of rescan (``scan_for_replacements``), each done by
            # :func:`_sub_periods` with pysbd's own pattern
            if low in abbr.PREPOSITIVE_ABBREVIATIONS:
                return _sub_periods(txt, key, _PREPOSITIVE.format(abbr=key), True)
            if low in abbr.NUMBER_ABBREVIATIONS:
                return _sub_periods(txt, key, _PRE_NUMBER.format(abbr=key), True)
            if period_patterns is None:
                return str(self.replace_period_of_abbr(txt, am))
            for pattern, leading_space in period_patterns:
                txt = _sub_periods(txt, key, pattern.format(abbr=re.escape(key)
                                                            if escaped_periods else key),
                                   leading_space)
            return txt

    # the rescans of ``replace_period_of_abbr``: pysbd's generic one (English and most
    # languages) or Russian's three; another override is called as it is
    if base.replace_period_of_abbr is AbbreviationReplacer.replace_period_of_abbr:
        period_patterns: list[tuple[str, bool]] | None = [(_PERIOD, True)]
        escaped_periods = True
    elif base.replace_period_of_abbr is Russian.AbbreviationReplacer.replace_period_of_abbr:
        period_patterns = [(p, False) for p in _PERIOD_RU]
        escaped_periods = False
    else:
        period_patterns = None
        escaped_periods = False
    return Replacer


#: pysbd 0.3.4's rescan patterns (``abbreviation_replacer.py``, ``lang/russian.py``), with
#: ``{abbr}`` the abbreviation as found in the text; ``_sub_periods`` applies them faster.
_FAST_SUBS = pysbd.__version__ == "0.3.4"
_PREPOSITIVE = r"(?<=\s{abbr})\.(?=(\s|:\d+))"
_PRE_NUMBER = r"(?<=\s{abbr})\.(?=(\s\d|\s+\())"
_PERIOD = r"(?<=\s{abbr})\.(?=((\.|\:|-|\?|,)|(\s([a-z]|I\s|I'm|I'll|\d|\())))"
_PERIOD_RU = (r"(?<=\s{abbr})\.", r"(?<=\A{abbr})\.", r"(?<=^{abbr})\.")


def _sub_periods(txt: str, abbr: str, pattern: str, leading_space: bool) -> str:
    """``re.sub(pattern, "∯", txt)`` (pysbd prepends a space when ``leading_space``, then
    drops it) for a ``pattern`` whose look-behind holds ``abbr`` literally.

    Each match is one "." right after ``abbr``, so the pattern is tried only after the
    occurrences of ``abbr + "."`` and the full stops where it matches become "∯": the same
    string ``re.sub`` makes (matches of one character never overlap, and look-arounds see the
    unchanged string in both), without a pass of the regex engine over the whole line.
    """
    text = " " + txt if leading_space else txt
    rx = _compiled(pattern, 0)
    needle = abbr + "."
    hits: list[int] = []
    at = text.find(needle)
    while at >= 0:
        dot = at + len(abbr)
        if rx.match(text, dot):
            hits.append(dot)
        at = text.find(needle, at + 1)
    if not hits:
        return txt
    pieces: list[str] = []
    prev = 0
    for dot in hits:
        pieces.append(text[prev:dot])
        pieces.append("∯")
        prev = dot + 1
    pieces.append(text[prev:])
    out = "".join(pieces)
    return out[1:] if leading_space else out


#: Every character ``\s`` matches (``str.isspace``), mapped to a space
#: (tests/text/test_segment_fast.py checks the list against every code point).
_SPACES = dict.fromkeys([*range(9, 14), *range(28, 33), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                         0x2028, 0x2029, 0x202F, 0x205F, 0x3000], " ")
_TO_SPACE = CharMap(_SPACES)  # type: ignore[arg-type]


def _abbreviations_found(pattern: str, abbr: str, text: str, spaced: str) -> list[str]:
    r"""``re.findall(pattern, text, re.IGNORECASE)`` for pysbd's ``(?:^|\s|\r|\n){abbr}``.

    A match starts at 0 or at a whitespace character followed by the abbreviation, whose
    letters before its first ``.`` (a wildcard in pysbd's pattern) are literal: so it starts
    where ``spaced`` (the text case-folded, whitespace as a space) holds " " and those letters
    folded. The pattern is tried there only (:func:`bilat.text.prefilter.scan_at`). pysbd's
    rescans only turn a "." into "∯", which neither makes nor breaks such an occurrence, so
    ``spaced`` of the line as it was before them serves the whole pass.
    """
    head = abbr.split(".", 1)[0]
    if not head or not re.fullmatch(r"[\w-]+", head):
        return list(_compiled(pattern, re.IGNORECASE).findall(text))
    needle = " " + fold(head)
    # at 0 only where the text starts with the letters (``^``) or a space and them
    positions = [0] if spaced.startswith(needle[1:]) or spaced.startswith(needle) else []
    at = spaced.find(needle)
    while at >= 0:
        if at:
            positions.append(at)
        at = spaced.find(needle, at + 1)
    if not positions:
        return []  # no match: the pattern is not even compiled
    return [m.group(0) for m in scan_at(_compiled(pattern, re.IGNORECASE), text, positions)]


@lru_cache(maxsize=4096)
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


class _ListItems(ListItemReplacer):  # type: ignore[misc]
    """pysbd's list-item pass without its repeated no-op substitutions.

    ``scan_lists`` rewrites the whole paragraph once per list number it finds (``re.sub`` of
    the list pattern, replacing "N." by "N♨" or "N)" by "N☝)" where the number is N), again for
    every further occurrence of the same number. A rewrite for N leaves no match for N behind
    and a rewrite for another number only replaces a "." or inserts a marker, which no list
    pattern accepts as the context of a match, so it cannot make a new one: every repeat of
    the same (pattern, number) in one pass is a no-op and is skipped. Same output as pysbd
    (tests/text/test_segment_fast.py).
    """

    def substitute_found_list_items(self, regex: str, each: int, strip: bool,
                                    replacement: str) -> None:
        done: set[tuple[str, int, bool, str]] = self.__dict__.setdefault("_substituted", set())
        key = (regex, each, strip, replacement)
        if key in done:
            return
        done.add(key)
        if _FAST_SUBS and regex == ListItemReplacer.NUMBERED_LIST_REGEX_2:
            self.text = _sub_list_number(self.text, regex, each, replacement)
            return
        super().substitute_found_list_items(regex, each, strip, replacement)


def _sub_list_number(text: str, regex: str, each: int, replacement: str) -> str:
    """pysbd's ``substitute_found_list_items`` for its ``NUMBERED_LIST_REGEX_2`` ("N." after a
    space, a dash, "⁃" or at the start): "N." becomes "N" + ``replacement`` where N is
    ``each``, every other match is kept (no match holds a space to strip).

    A match is one or two digits and "." with a space, dash, "⁃" or the start right before
    its digits, so it starts where ``str(each)`` occurs and no match can start inside
    another: trying the pattern only there finds the matches ``re.sub`` would change. The
    replacement has the length of the match; all are read on the unchanged text, as in
    ``re.sub``.
    """
    rx = _compiled(regex, 0)
    number = str(each)
    pieces: list[str] = []
    prev = 0
    at = text.find(number)
    while at >= 0:
        m = rx.match(text, at)
        if m is not None and m.group().strip(".])") == number:
            pieces.append(text[prev:at])
            pieces.append(f"{each}{replacement}")
            prev = m.end()
        at = text.find(number, max(at + 1, prev))
    if not pieces:
        return text
    pieces.append(text[prev:])
    return "".join(pieces)


def _positions(text: str, char: str) -> list[int]:
    """Every index of ``char`` in ``text``."""
    out: list[int] = []
    at = text.find(char)
    while at >= 0:
        out.append(at)
        at = text.find(char, at + 1)
    return out


def _before_periods(text: str, back: tuple[int, ...]) -> list[int]:
    """Positions ``k`` characters before each "." (``k`` in ``back``), ascending."""
    return sorted({d - k for d in _positions(text, ".") for k in back if d - k >= 0})


def _runs_before_parens(text: str) -> list[int]:
    """Where the run of a-z letters right before each ")" starts (non-empty runs only)."""
    out: list[int] = []
    for d in _positions(text, ")"):
        p = d
        while p > 0 and "a" <= text[p - 1] <= "z":
            p -= 1
        if p < d:
            out.append(p)
    return out


def _before_parens(text: str) -> list[int]:
    return sorted({d - k for d in _positions(text, ")") for k in (1, 2) if d - k >= 0})


#: pysbd's list patterns whose ``findall`` is done by trying the pattern only where a match
#: can start (:func:`bilat.text.prefilter.scan_at`): every match ends right before a "." or
#: ")" its look-ahead requires, and is one or two digits (with one space before, in one
#: pattern), one letter, or a run of a-z letters that starts after "(", a space or the start.
_LIST_STARTS: dict[str, Callable[[str], list[int]]] = {
    ListItemReplacer.ALPHABETICAL_LIST_WITH_PERIODS: lambda t: _before_periods(t, (1,)),
    ListItemReplacer.ALPHABETICAL_LIST_WITH_PARENS: _runs_before_parens,
    ListItemReplacer.NUMBERED_LIST_REGEX_1: lambda t: _before_periods(t, (1, 2, 3)),
    ListItemReplacer.NUMBERED_LIST_PARENS_REGEX: _before_parens,
}


class _ListRe:
    """The ``re`` module as pysbd's list-scanning methods see it: ``findall`` of the patterns
    of :data:`_LIST_STARTS` tried only where a match can start (same list: the patterns have
    no groups and no empty match); everything else is ``re`` itself."""

    def __getattr__(self, name: str) -> object:
        return getattr(re, name)

    @staticmethod
    def findall(pattern: str, string: str, flags: int = 0) -> list[str]:
        starts = _LIST_STARTS.get(pattern) if _FAST_SUBS and not flags else None
        if starts is None:
            return re.findall(pattern, string, flags)
        return [m.group() for m in scan_at(_compiled(pattern, 0), string, starts(string))]


#: Texts at least this long get :func:`_fast_sub` (a shorter one is scanned by ``re`` as fast).
_FAST_SUB_MIN = 2000


@lru_cache(maxsize=1024)
def _sub_starts(pattern: str) -> tuple[str, ...] | None:
    """Literal starts of a case-sensitive pattern (:func:`bilat.text.prefilter.exact_starts`)."""
    found = exact_starts(pattern)
    return None if found is None else tuple(sorted(found))


def _start_positions(pattern: str, string: str) -> list[int] | None:
    """Where a match of ``pattern`` may start in ``string`` (ascending), or None: no literal
    starts, or a short text (scanned in full)."""
    starts = _sub_starts(pattern) if len(string) >= _FAST_SUB_MIN else None
    if starts is None:
        return None
    positions: set[int] = set()
    for lit in starts:
        at = string.find(lit)
        while at >= 0:
            positions.add(at)
            at = string.find(lit, at + 1)
    return sorted(positions)


def _fast_sub(pattern: str, repl: str | Callable[[re.Match[str]], str], string: str) -> str:
    """``re.sub(pattern, repl, string)``, the pattern tried only where one of its literal
    starts occurs (found with ``str.find``; every match starts with one of them), as
    :func:`bilat.text.prefilter.scan_at` does for ``finditer``: the same matches, replaced
    as ``re.sub`` replaces them (a template by ``Match.expand``, which reads it as ``sub``
    does). A pattern without literal starts, a short text, or an empty match: ``re.sub``.
    pysbd runs ~40 such passes over a whole paragraph, most of them changing nothing."""
    positions = _start_positions(pattern, string)
    if positions is None:
        return re.sub(pattern, repl, string)
    if not positions:
        return str(string)
    rx = _compiled(pattern, 0)
    found = scan_at(rx, string, positions)
    if any(m.end() == m.start() for m in found):
        return re.sub(pattern, repl, string)
    if not found:
        return str(string)
    pieces: list[str] = []
    prev = 0
    for m in found:
        pieces.append(string[prev:m.start()])
        pieces.append(m.expand(repl) if isinstance(repl, str) else repl(m))
        prev = m.end()
    pieces.append(string[prev:])
    return "".join(pieces)


class _FastRe:
    """The ``re`` module as pysbd's processor sees it: ``sub`` over a long text without flags
    is :func:`_fast_sub`; everything else is ``re`` itself."""

    def __getattr__(self, name: str) -> object:
        return getattr(re, name)

    @staticmethod
    def sub(pattern: str, repl: str | Callable[[re.Match[str]], str], string: str,
            count: int = 0, flags: int = 0) -> str:
        if count or flags or not isinstance(pattern, str):
            return re.sub(pattern, repl, string, count=count, flags=flags)
        return _fast_sub(pattern, repl, string)

    @staticmethod
    def search(pattern: str, string: str, flags: int = 0) -> re.Match[str] | None:
        """``re.search``: the leftmost match is at the first start position where the pattern
        matches (a match starts only at one)."""
        positions = _start_positions(pattern, string) if isinstance(pattern, str) and \
            not flags else None
        if positions is None:
            return re.search(pattern, string, flags)
        rx = _compiled(pattern, 0)
        for q in positions:
            m = rx.match(string, q)
            if m is not None:
                return m
        return None


class _RuleText(str):
    """pysbd's ``Text`` whose ``apply`` skips a rule that cannot match: one whose pattern (not
    case-insensitive) starts, after any look-around, with literal text none of which occurs
    in the string (``∯`` → ``.`` of ``SubSymbolsRules`` on a sentence without ``∯``, …).
    ``re.sub`` with no match returns the string unchanged, so the result is the same."""

    def apply(self, *rules: Rule) -> str:
        out = str(self)
        for rule in rules:
            needles = _rule_needles(rule.pattern)
            if needles is not None and not any(n in out for n in needles):
                continue
            out = _fast_sub(rule.pattern, rule.replacement, out)
        return out


@lru_cache(maxsize=1024)
def _rule_needles(pattern: str) -> frozenset[str] | None:
    """Literal starts of a case-sensitive pattern (None: no test, the rule is applied)."""
    return exact_starts(pattern)


def _rebound(fn: Callable[..., object], **names: object) -> Callable[..., object]:
    """``fn`` itself (same code) seeing ``names`` in place of its module's globals."""
    scope = dict(fn.__globals__)
    scope.update(names)
    return types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__,
                              fn.__closure__)


# pysbd's list scans, with ``findall`` of :class:`_ListRe`
_ListItems.scan_lists = _rebound(ListItemReplacer.scan_lists, re=_ListRe())
_ListItems.iterate_alphabet_array = _rebound(ListItemReplacer.iterate_alphabet_array,
                                             re=_ListRe())


#: pysbd's passes over text between quotes and parentheses, with ``re`` as :class:`_FastRe`
_FastBetween = type("_FastBetween", (BetweenPunctuation,), {
    name: _rebound(getattr(BetweenPunctuation, name), re=_FastRe())
    for name in dir(BetweenPunctuation) if name.startswith("sub_punctuation_between_")})
_FastExclamation = type("_FastExclamation", (ExclamationWords,), {
    "apply_rules": classmethod(_rebound(ExclamationWords.apply_rules.__func__, re=_FastRe()))})


#: pysbd's processor, unchanged but for two names its methods look up: ``ListItemReplacer`` is
#: :class:`_ListItems` and ``Text`` is :class:`_RuleText` (the sentence-level rules are
#: applied per sentence, ~25 ``re.sub`` each, most of them unable to match).
_Processor = type("_Processor", (Processor,), {
    name: _rebound(getattr(Processor, name), ListItemReplacer=_ListItems, Text=_RuleText,
                   re=_FastRe(), BetweenPunctuation=_FastBetween,
                   ExclamationWords=_FastExclamation)
    for name in ("process", "split_into_segments", "post_process_segments", "process_text",
                 "replace_numbers", "sentence_boundary_punctuation",
                 "replace_continuous_punctuation", "replace_periods_before_numeric_references",
                 "check_for_parens_between_quotes", "between_punctuation_processor")})


class _Segmenter(pysbd.Segmenter):  # type: ignore[misc]
    r"""pysbd's segmenter, locating its sentences by string search instead of one new regex
    (``re.escape(sentence) + r"\s*"``) per sentence; same spans."""

    def sentences_with_char_spans(self, sentences: list[str]) -> list[TextSpan]:
        text = self.original_text
        spans = []
        prior_end = 0
        for sent in sentences:
            if not sent:
                return list(super().sentences_with_char_spans(sentences))
            pos = 0
            while True:
                at = text.find(sent, pos)
                if at < 0:
                    break
                end = at + len(sent)
                while end < len(text) and text[end].isspace():
                    end += 1
                if end > prior_end:
                    spans.append(TextSpan(text[at:end], at, end))
                    prior_end = end
                    break
                pos = end
        return spans


@lru_cache(maxsize=16)
def _segmenter(language: str, fast: bool = True) -> pysbd.Segmenter:
    lang = language if language in _PYSBD_LANGS else "en"
    if not fast:
        return pysbd.Segmenter(language=lang, clean=False, char_span=False)
    seg = _Segmenter(language=lang, clean=False, char_span=False)
    if lang in _DEDUP_LANGS:
        module = seg.language_module
        seg.language_module = type(module.__name__, (module,), {
            "AbbreviationReplacer": _skip_repeats(module.AbbreviationReplacer),
            "Processor": _Processor})
    return seg


def _locate(text: str, pieces: list[str], base: int) -> list[list[int]]:
    """Offsets of pysbd's pieces in ``text`` (pysbd with clean=False keeps characters)."""
    out: list[list[int]] = []
    cursor = 0
    for piece in pieces:
        core = piece.strip()
        if not core:
            continue
        at = text.find(core, cursor)
        if at < 0:  # defensive: pysbd altered the piece; fall back to the rest as one span
            out.append([cursor, len(text)])
            cursor = len(text)
            break
        out.append([at, at + len(core)])
        cursor = at + len(core)
    if cursor < len(text) and text[cursor:].strip():
        rest = _trimmed(text, cursor, len(text))
        if rest:
            out.append([rest.start, rest.end])
    return [[s + base, e + base] for s, e in out]


#: Abbreviations that never end a sentence: what follows belongs to it ("ст. 7", "им.
#: Горчакова", "проф. Иванов", "25 авг. 2021", "т. е.", "No. 5", "U.S. side").
_ABBREV_JOIN = re.compile(
    r"(?:^|[\s(«\"“])(?:ст|стр|им|проф|акад|ген|рис|пп?|ч|см|г-н|г-жа|янв|февр?|мар|апр|авг|"
    r"сент?|окт|нояб?|дек|т\.\s?е|т\.\s?к|т\.\s?н|напр|ср|No|Nos|Art|Arts|Vol|Para|"
    r"Sec|Fig|approx|e\.g|i\.e|cf|vs|U\.S|U\.K|U\.N|U\.S\.A)\.\s*$", re.IGNORECASE)
#: Abbreviations that may end a sentence; joined only when a digit or lower case follows.
_ABBREV_MAYBE = re.compile(r"(?:^|\s)(?:гг?|долл|руб|млн|млрд|трлн|тыс|др|т\.\s?д|т\.\s?п|"
                           r"etc|Inc|Ltd|Co|Jr|Sr)\.\s*$", re.IGNORECASE)
#: Where a sentence ends although the segmenter ran on: a year "2021 г." or an amount "млрд
#: долл." followed by a capital; "the U.S." followed by a word that opens a sentence.
_FORCED_END = re.compile(
    r"(?:(?<=\d\sг\.)|(?<=\dг\.)|(?<=\d\sгг\.)|(?<=\sдолл\.)|(?<=\sруб\.)|(?<=\sтыс\.))"
    r"\s+(?=[А-ЯЁA-Z])"
    r"|(?<=\bU\.S\.)\s+(?=(?:The|He|She|They|It|We|In|On|At|This|That|These|Those|Both|But|"
    r"And|However|Also|Then|There)\b)")


#: After "2025 г.": a capitalised word in an oblique case ("посетил … 2025 г. Российскую
#: Федерацию") is the object of the sentence going on, not the start of a new one.
_OBLIQUE_WORD = re.compile(r"[А-ЯЁ]\w*(?:ую|юю|ому|ему|ыми|ими|ию|ией)(?!\w)")
#: A word that looks like a Russian finite verb or short participle (a sentence has one).
_RU_VERB = re.compile(r"(?<!\w)\w{2,}(?:л|ла|ло|ли|лся|лась|лось|лись|ет|ёт|ут|ют|ит|ят|ат|"
                      r"ется|ётся|ются|ится|ятся|ено|ены|ена|ана|ано|аны|ать|ять|ить|еть|ться)"
                      r"(?!\w)", re.IGNORECASE)


def _year_runs_on(text: str, m: re.Match[str], end: int) -> bool:
    """Whether a forced end after a year's "г."/"гг." would cut one sentence in two: the next
    word is in an oblique case, or the rest up to its end has no verb."""
    if not re.search(r"гг?\.$", text[max(0, m.start() - 3):m.start()]):
        return False
    rest = text[m.end():end]
    stop = re.search(r"[.!?…]", rest)
    piece = rest[:stop.start()] if stop else rest
    return bool(_OBLIQUE_WORD.match(rest)) or not _RU_VERB.search(piece)


def _forced_ends_in(text: str, start: int, end: int) -> list[re.Match[str]]:
    """``list(_FORCED_END.finditer(text, start, end))``, the pattern tried only right after a
    full stop: the look-behind of each of its branches ends in ``\\.``, so a match starts
    after a "." (``match(text, pos, end)`` sees the text before ``pos``, as ``finditer`` does;
    a match is never empty). tests/text/test_segment_fast.py compares with ``finditer``."""
    out: list[re.Match[str]] = []
    pos = start
    dot = text.find(".", max(start - 1, 0), end)
    while dot >= 0:
        at = dot + 1
        if at >= pos:
            m = _FORCED_END.match(text, at, end)
            if m is not None:
                out.append(m)
                pos = m.end()
        dot = text.find(".", at, end)
    return out


def _force_ends(text: str, spans: list[list[int]]) -> list[list[int]]:
    out: list[list[int]] = []
    for s0, e0 in spans:
        pos = s0
        for m in _forced_ends_in(text, s0, e0):
            if _year_runs_on(text, m, e0):
                continue
            if m.start() > pos:
                out.append([pos, m.start()])
            pos = m.end()
        out.append([pos, e0])
    return [sp for sp in out if text[sp[0]:sp[1]].strip()]


#: A month name ending a piece: the day number after it belongs to it ("on January | 12.
#: Negotiations…" is pysbd taking "12." for a list number).
_MONTH_END = re.compile(
    r"(?:^|\s)(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\s*$")
_DAY_START = re.compile(r"(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?[.!?](?=\s|$)")


def _rejoin_days(text: str, spans: list[list[int]]) -> list[list[int]]:
    """Give a day number cut from its month back to it: "on January 12." ends the sentence
    and the next one starts after it."""
    out: list[list[int]] = []
    for span in spans:
        span = list(span)
        if out:
            m = _DAY_START.match(text, span[0])
            if m and _MONTH_END_AT.search(text[out[-1][0]:out[-1][1]]):
                out[-1][1] = m.end()
                rest = _trimmed(text, m.end(), span[1])
                if rest is None:
                    continue
                span = [rest.start, rest.end]
        out.append(span)
    return out


class _AtEnd:
    """``rx.search(s)`` for a pattern that ends in ``\\s*$`` after a part of bounded width
    (``_TITLES``, ``_INITIALS``, …), tried only where a match can start.

    A match's bounded part ends where the rest of ``s`` is whitespace (``\\s*`` and ``$``
    take it), so at or after ``len(s.rstrip())`` (``str.rstrip`` strips what ``\\s`` matches),
    and it starts at most its width before that. ``search(s, pos)`` sees the text before
    ``pos`` (look-behinds, ``\\b``) and ``^`` only at 0, as the full search does; a pattern
    of another shape is searched in full."""

    def __init__(self, rx: re.Pattern[str]):
        self.rx = rx
        self.width: int | None = None
        tree = _parser.parse(rx.pattern, rx.flags)
        if len(tree) > 2 and _is_spaces(tree[-2]) and tree[-1] == (_c.AT, _c.AT_END):
            width = tree[:-2].getwidth()[1]
            if width < _c.MAXREPEAT:
                self.width = width

    def search(self, s: str) -> re.Match[str] | None:
        if self.width is None:
            return self.rx.search(s)
        return self.rx.search(s, max(0, len(s.rstrip()) - self.width))


def _is_spaces(item: tuple[object, object]) -> bool:
    """Whether a parse item is ``\\s*``."""
    op, av = item
    if op is not _c.MAX_REPEAT:
        return False
    lo, hi, sub = av  # type: ignore[misc]
    return lo == 0 and hi == _c.MAXREPEAT and list(sub) == [
        (_c.IN, [(_c.CATEGORY, _c.CATEGORY_SPACE)])]


_TITLES_AT, _INITIALS_AT = _AtEnd(_TITLES), _AtEnd(_INITIALS)
_ABBREV_JOIN_AT, _ABBREV_MAYBE_AT = _AtEnd(_ABBREV_JOIN), _AtEnd(_ABBREV_MAYBE)
_MONTH_END_AT = _AtEnd(_MONTH_END)


def _post_rules(text: str, spans: list[list[int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for span in _rejoin_days(text, spans):
        if merged:
            prev = text[merged[-1][0]:merged[-1][1]]
            cur = text[span[0]:span[1]]
            if (_STARTS_LOWER.match(cur) or _TITLES_AT.search(prev) or _INITIALS_AT.search(prev)
                    or re.fullmatch(r"[\W\d]+", cur) or _ABBREV_JOIN_AT.search(prev)
                    or (_ABBREV_MAYBE_AT.search(prev) and re.match(r"[\d(«\"“]*[\da-zа-яё]",
                                                                cur))):
                merged[-1][1] = span[1]
                continue
        merged.append(list(span))
    return _force_ends(text, merged)


#: A short sentence that only names who spoke ("普京说。", "他表示。") after a closing quote
#: belongs to the quotation: "“…立场。”普京说。" is one claim by Putin.
_ZH_SPEECH_TAIL = re.compile(r"^[\u4e00-\u9fff·]{0,10}?(?:说|表示|指出|强调|称|宣布|回答|问道)"
                             r"(?:道)?[。！!.]?$")


def _cjk_sentences(text: str, base: int) -> list[list[int]]:
    out: list[list[int]] = []
    for m in _ZH_SENT.finditer(text):
        span = _trimmed(text, m.start(), m.end())
        if not span:
            continue
        if out and _ZH_SPEECH_TAIL.match(span.text) and \
                text[out[-1][1] - base - 1] in "”’」』\"'":
            out[-1][1] = span.end + base
            continue
        out.append([span.start + base, span.end + base])
    return out


def sentences(text: str, language: str = "en") -> list[Span]:
    """Sentences of ``text`` with exact offsets, never crossing a paragraph.

    An article heading (:func:`article_headings`) is a sentence of its own, cut from the text
    it is glued to."""
    heads = _non_claim_heads(text)
    out: list[Span] = []
    for para in paragraphs(text):
        out.extend(_with_headings(text, _paragraph_sentences(text, para, language), heads))
    return out


def article_headings(text: str) -> list[Span]:
    """Article headings of a treaty or statement ("Статья 34", "Article 5", "第三条"), with
    exact offsets; they are not claims.

    A scraped text glues a heading to its first item number and to the text after it:
    "Статья 341. Договаривающиеся …" is article 34, item 1; "Статья 40Договаривающиеся …" is
    article 40. The number is read against the article before it: "341" after article 33 is 34
    and its item "1." (the heading is "Статья 34"); without a sequence to go by the digits are
    taken as written. Returns the headings in text order (word and number, nothing after).
    """
    out: list[Span] = []
    if not any(word in text for word in _ARTICLE_WORDS):
        return out  # (a substring test is much faster than the pattern's scan)
    prev = 0
    for m in _ARTICLE.finditer(text):
        digits = m.group("n")
        if digits is None:  # 第…条
            out.append(Span(m.start(), m.end(), m.group(0)))
            continue
        end = m.end("n")
        number = int(digits)
        expected = str(prev + 1)
        if number != prev + 1 and m.group("item") is None and digits.startswith(expected) \
                and digits[len(expected):] == "1" and re.match(r"\.\s", text[end:end + 2]):
            end = m.start("n") + len(expected)
            number = prev + 1
        prev = number
        out.append(Span(m.start(), end, text[m.start():end]))
    return out


def _with_headings(text: str, spans: list[Span], heads: list[Span]) -> list[Span]:
    """Sentences with each article heading cut out as a sentence of its own; an item number
    left between a heading and its text ("1.") goes to the text after it."""
    if not heads:
        return spans
    out: list[Span] = []
    for sp in spans:
        inside = [h for h in heads if sp.start <= h.start < sp.end]
        pos = sp.start
        for h in inside:
            piece = _trimmed(text, pos, h.start)
            if piece:
                out.append(piece)
            out.append(h)
            pos = h.end
        piece = _trimmed(text, pos, sp.end)
        if piece:
            out.append(piece)
    merged: list[Span] = []
    carry: int | None = None
    for k, sp in enumerate(out):
        if carry is not None:
            sp = Span(carry, sp.end, text[carry:sp.end])
            carry = None
        nxt = out[k + 1] if k + 1 < len(out) else None
        if re.fullmatch(r"\d{1,2}[.)]", sp.text) and merged and merged[-1] in heads \
                and nxt is not None and nxt not in heads \
                and "\n\n" not in text[sp.end:nxt.start]:
            carry = sp.start
            continue
        merged.append(sp)
    return merged


def is_article_heading(span_text: str) -> bool:
    """Whether a sentence is only an article heading ("Статья 34", "Article 5", "第三条")."""
    return _ARTICLE.fullmatch(span_text) is not None


#: Characters before a paragraph that its sentence rules may look at (the look-behinds of
#: ``_FORCED_END`` reach back at most six characters and a word boundary).
_LOOKBACK = 8


#: Paragraphs up to this length are remembered (longer ones rarely recur and would hold a
#: lot of text in the cache).
_CACHED_PARAGRAPH = 5000


def _paragraph_sentences(text: str, para: Span, language: str) -> list[Span]:
    before = text[max(0, para.start - _LOOKBACK):para.start]
    at = para.start
    find = _paragraph_spans if len(para.text) <= _CACHED_PARAGRAPH else \
        _paragraph_spans.__wrapped__
    return [Span(at + s, at + e, para.text[s:e]) for s, e in find(para.text, language, before)]


@lru_cache(maxsize=8192)
def _paragraph_spans(ptext: str, language: str, before: str) -> tuple[tuple[int, int], ...]:
    """Sentences of one paragraph as offsets into it, remembered per paragraph text and the
    few characters before it (the rules see nothing else of the document)."""
    text = before + ptext
    para = Span(len(before), len(text), ptext)
    if language in _CJK or (language not in _PYSBD_LANGS and _mostly_cjk(para.text)):
        spans = _cjk_sentences(para.text, para.start)
    else:
        # a no-break space (U+00A0) after a full stop is a sentence gap like any other; the
        # replacement keeps every offset
        plain = para.text.replace("\u00a0", " ").replace("\n", " ")
        pieces = _segmenter(language).segment(plain)
        spans = _split_glued(text, _post_rules(text, _locate(plain, pieces, para.start)))
        spans = _split_quoted(text, spans, language)
    return tuple((s - para.start, e - para.start) for s, e in spans if e > s)


#: An opening quotation mark after a colon, a space or the start ('reads, in part:"This…',
#: 'said: “We…', 'заявил: «Мы…').
_QUOTE_OPEN = re.compile(r"(?:(?<=[:\s])|^)[\"“«„](?=[\w(])")


def _split_quoted(text: str, spans: list[list[int]], language: str) -> list[list[int]]:
    """A quotation of several sentences inside one sentence of pysbd (which keeps a quotation
    whole: 'The message reads, in part:"The Russian Federation and … enjoy a historically high
    level …. Its important aspect is energy cooperation …. …"') is cut into its sentences: each
    states a claim of its own. The first keeps the words before the quotation, the last the
    closing mark and whatever follows it; no character is lost."""
    out: list[list[int]] = []
    for s0, e0 in spans:
        m = _QUOTE_OPEN.search(text, s0, e0)
        if m is None or e0 - m.end() < 40:
            out.append([s0, e0])
            continue
        inner = text[m.end():e0].replace("\u00a0", " ").replace("\n", " ")
        found = _locate(inner, _segmenter(language).segment(inner), m.end())
        kept: list[list[int]] = []
        for sp in found:
            if sp[1] <= sp[0]:
                continue
            if kept and not re.search(r"\w", text[sp[0]:sp[1]]):
                kept[-1][1] = sp[1]  # a closing mark pysbd left alone
            else:
                kept.append(list(sp))
        found = kept
        if len(found) < 2 or any(len(re.findall(r"\w+", text[a:b])) < 3 for a, b in found):
            out.append([s0, e0])
            continue
        found[0][0] = s0
        found[-1][1] = e0
        out.extend([a, b] for a, b in found)
    return out


def _split_glued(text: str, spans: list[list[int]]) -> list[list[int]]:
    """Sentences cut where a full stop is glued to the capitalised word after it
    ("…санкционных механизмов.Президенты Российской Федерации …": :data:`_GLUED_END`)."""
    out: list[list[int]] = []
    for s0, e0 in spans:
        pos = s0
        # the look-ahead may see a little past the end (an item number, spaces, a capital)
        for m in _GLUED_CUT.finditer(text, s0, min(len(text), e0 + 40)):
            if m.start() >= e0:
                break
            if m.end() - pos > 1 and text[pos:m.end()].strip():
                out.append([pos, m.end()])
                pos = m.end()
        out.append([pos, e0])
    merged: list[list[int]] = []
    carry: int | None = None
    for k, (s0, e0) in enumerate(out):
        if carry is not None:
            s0, carry = carry, None
        if k + 1 < len(out) and re.fullmatch(r"\d{1,2}[.)]", text[s0:e0].strip()):
            carry = s0  # an item number ("2.") opens the sentence after it
            continue
        merged.append([s0, e0])
    return merged


def _mostly_cjk(text: str) -> bool:
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return cjk > len(text) * 0.3


# ------------------------------------------------------------------------------- claims
#: Words that open a new clause with its own subject (pronouns and collective subjects).
_SUBJECT_WORDS = {
    "en": r"(?:he|she|they|the two sides|both sides|the sides|the two leaders|both leaders|"
          r"the two heads of state|the two presidents|the leaders|the parties|"
          r"the (?:chinese|russian|american|u\.s\.) side|(?:president|premier|chairman)\s+\w+)",
    "ru": r"(?:он|она|они|стороны|обе стороны|лидеры|главы государств|президенты|собеседники|"
          r"российская сторона|китайская сторона|президент\s+\w+|председатель\s+\w+)",
    "zh": r"(?:他|她|双方|两国元首|两国领导人|中方|俄方|美方)",
}
_CLAUSE_VERBS = {
    "en": r"(?:said|says|noted|notes|pointed out|stressed|emphasi[sz]ed|underlined|underscored|"
          r"stated|added|reaffirmed|reiterated|expressed|welcomed|congratulated|thanked|believes|"
          r"believed|hoped|hopes|called|proposed|suggested|agreed|agree|supports?|supported|"
          r"firmly|unswervingly|opposes?|opposed|is|are|was|were|will|would|stands?|has|have|"
          r"highlighted|affirmed|confirmed|assured|urged|praised|appreciated|recalled|informed|"
          r"briefed|shared|discussed|exchanged|also|further|in turn|respects?|understands?|"
          r"takes?|took|looks?|looked|invited|accepted|attaches|values|declared|indicated)",
    "ru": r"(?:отметил\w*|подчеркнул\w*|заявил\w*|сказал\w*|указал\w*|выразил\w*|подтвердил\w*|"
          r"поддерживает|поддержал\w*|поблагодарил\w*|поздравил\w*|приветствовал\w*|"
          r"договорил\w*|согласил\w*|обсудил\w*|готов\w*|будет|будут|выступает|выступают|"
          r"твёрдо|твердо|неизменно|также|в свою очередь|считает|считают|надеется|надеются|"
          r"призвал\w*|предложил\w*|обменялись|высоко оценил\w*|проинформировал\w*|пригласил\w*|"
          r"принял\w*|относится)",
    "zh": r"(?:表示|指出|强调|说|认为|重申|欢迎|祝贺|感谢|同意|支持|坚定支持|反对|愿|愿意|将|希望|"
          r"赞赏|介绍|提出|呼吁|还|也|一致)",
}
_CONJ = {
    "en": re.compile(r"(?:,\s*(?:and|while|whereas|but)\s+|;\s*(?:and\s+)?|\s+while\s+)"),
    "ru": re.compile(r"(?:,\s*(?:и|а|но|в то время как)\s+|;\s*(?:и\s+)?)"),
    "zh": re.compile(r"(?:[；;]|，(?:而|并且|同时)?)"),
}
_MIN_CLAUSE = {"en": 4, "ru": 3, "zh": 6}
#: A left part ending in a verb of saying: what follows is its content, not a new claim.
_SPEECH_END = re.compile(r"(?:表示|指出|强调|说|认为|介绍|称|：|:)\s*$|"
                         r"(?<!\w)(?:said|stated|noted|stressed|added|отметил\w*|заявил\w*|"
                         r"подчеркнул\w*|сказал\w*)\s*$", re.IGNORECASE)
#: A fronted topic or circumstance of a Chinese sentence ("关于金砖合作，", "当前，面对国际上的
#: 单边主义逆流，", "在两国元首战略引领下，"): it belongs to the clause after it.
_ZH_FRONTED = re.compile(r"\s*(?:(?:当前|目前|当下|今年|去年|明年|近年来|此前|同时)，)?"
                         r"(?:关于|对于|至于|围绕|面对|面临|在|随着)[^，。；;！？]*")
#: A Chinese clause that only congratulates or thanks, with no object of its own ("俄方表示衷心
#: 祝贺。"): what it congratulates is the clause before it.
_ZH_BARE_COURTESY = re.compile(r"(?:俄方|中方|美方|他|她|双方)?(?:对此)?(?:表示|致以)?"
                               r"(?:衷心|热烈|诚挚|真诚)?的?(?:祝贺|感谢|谢意|敬意)[。！]?\s*$")
#: A courtesy (congratulations, thanks, greetings) in a Chinese clause: a claim of its own, so
#: "俄方真心祝贺…成就，把中国作为…伙伴" carries two claims (the courtesy and the stance).
_COURTESY_ZH = re.compile(r"祝贺|感谢|谢意|问候|致意|慰问")
#: A verb phrase that opens a second commitment of the same subject ("…, and opposes …").
_SECOND_PREDICATE = {
    "en": r"^(?:also\s+|firmly\s+|resolutely\s+|strongly\s+)?(?:oppos\w+|supports?|reject\w*|"
          r"welcom\w+|calls? (?:for|on)|hopes?|stands? ready|is ready|are ready|will|"
          r"is willing|are willing|agreed|agrees)\b",
    "ru": r"^(?:также\s+|твёрдо\s+|твердо\s+|решительно\s+)?(?:выступа\w+|поддержива\w+|"
          r"отверга\w+|приветству\w+|призыва\w+|готов\w*|будут|будет|договорил\w+)(?!\w)",
    "zh": r"^(?:并|也|还|同时)?(?:反对|支持|欢迎|呼吁|愿|将)",
}


def _words(text: str, language: str) -> int:
    if language in _CJK:
        return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return len(re.findall(r"\w+", text))


@lru_cache(maxsize=8)
def _new_clause_re(language: str, actor_alt: str) -> re.Pattern[str]:
    lang = language if language in _SUBJECT_WORDS else "en"
    subj = _SUBJECT_WORDS[lang] + ("|" + actor_alt if actor_alt else "")
    if lang in _CJK:
        pat = rf"^(?:{subj})(?:和|与|同)?(?:{subj})?\s*(?:{_CLAUSE_VERBS[lang]})"
    else:
        pat = (rf"^(?:the\s+)?(?:{subj})\b(?:\s+and\s+(?:{subj}))?(?:\s+\w+){{0,3}}?\s+"
               rf"(?:{_CLAUSE_VERBS[lang]})\b")
    return re.compile(pat, re.IGNORECASE)


def claim_spans(
    sentence: Span,
    language: str = "en",
    actor_alt: str = "",
    issues_of: Callable[[str], tuple[str, ...]] | None = None,
    clause_re: re.Pattern[str] | None = None,
) -> list[Span]:
    """Split one sentence into claims (see the module docstring); offsets stay absolute.

    ``actor_alt`` is a regex alternation of speaker/side names (from the lexicon) that may open
    a new clause; semicolons always split when both sides are clause-sized. With ``issues_of``
    (the lexicon's issue finder), ", and <verb> …" also splits when the two parts concern
    different issues ("supports China on Taiwan …, and opposes interference …").
    ``clause_re``: the new-clause pattern of ``actor_alt`` narrowed to a text that holds the
    sentence (same matches in it; :func:`segment` gives it), else built from ``actor_alt``.
    """
    return _claim_spans_items(sentence, language, actor_alt, issues_of, clause_re)[0]


def _claim_spans_items(
    sentence: Span, language: str, actor_alt: str,
    issues_of: Callable[[str], tuple[str, ...]] | None,
    clause_re: re.Pattern[str] | None,
) -> tuple[list[Span], bool]:
    """:func:`claim_spans`, and whether its parts after the first are matters of a discussion
    report (:data:`DISCUSSION_ITEMS`)."""
    parts, items = _claim_parts(sentence.text, language, actor_alt, issues_of, clause_re)
    if parts is None:
        return [sentence], False
    return [Span(sentence.start + s, sentence.start + e, sentence.text[s:e])
            for s, e in parts], items


#: Claims of a sentence remembered per (text, language, actor alternation, issue finder): the
#: new-clause pattern a caller hands over only narrows the alternation to what the text can
#: match, so it does not change the result and is not part of the key.
_PARTS: OrderedDict[tuple[object, ...], tuple[tuple[tuple[int, int], ...] | None, bool]] = \
    OrderedDict()
_PARTS_SIZE = 16384
_PARTS_LOCK = threading.Lock()


def _claim_parts(
    text: str, language: str, actor_alt: str,
    issues_of: Callable[[str], tuple[str, ...]] | None,
    clause_re: re.Pattern[str] | None = None,
) -> tuple[tuple[tuple[int, int], ...] | None, bool]:
    """The claims of a sentence as offsets into it (None: the sentence is one claim), and
    whether they are the matters of a discussion report; remembered per sentence text
    (statements of a series repeat most of their sentences)."""
    key = (text, language, actor_alt, issues_of)
    with _PARTS_LOCK:
        if key in _PARTS:
            _PARTS.move_to_end(key)
            return _PARTS[key]
    found = _claim_parts_of(text, language, actor_alt, issues_of, clause_re)
    with _PARTS_LOCK:
        _PARTS[key] = found
        if len(_PARTS) > _PARTS_SIZE:
            _PARTS.popitem(last=False)
    return found


#: Round 8 of issue 13: a discussion report ("They also discussed cross-Strait issues, Russia's
#: war against Ukraine, and the South China Sea") lists matters the other readout may confirm
#: one by one; each list item that names an issue no earlier item names is a claim of its own.
_DISCUSS_VERB = {
    "en": re.compile(r"\b(?:discussed|exchanged views on|covered|touched (?:up)?on)\s+",
                     re.IGNORECASE),
    "ru": re.compile(r"(?<!\w)(?:обсудили|обсуждались|обсуждены|обменялись мнениями (?:по|о))\s+",
                     re.IGNORECASE),
}
#: The gap between two items of such a list.
_LIST_GAP = {
    "en": re.compile(r",\s*(?:and\s+|as well as\s+|in particular,?\s+|including\s+)?|"
                     r"\s+as well as\s+", re.IGNORECASE),
    "ru": re.compile(r",\s*(?:а также\s+|в частности,?\s+|включая\s+)?|\s+а также\s+",
                     re.IGNORECASE),
}
#: A list of fields of one matter ("в сферах экономики, инвестиций, культуры", "in the areas of
#: trade, energy and culture"): its items are not matters of their own.
_FIELDS = re.compile(r"(?<!\w)(?:в сфер\w*|в област\w*|по линии|in the (?:fields?|areas?|"
                     r"spheres?) of|in (?:areas|fields) such as)(?!\w)", re.IGNORECASE)
#: The gap that singles out a specific matter after a general one.
_PARTICULAR = re.compile(r"particular|including|частности|включая", re.IGNORECASE)
#: Whether discussion reports are cut into their matters (round 8; ``False`` switches it off).
DISCUSSION_ITEMS = True
#: Longest list item (words) read as one matter of such a list.
_ITEM_WORDS = 12


def _discussion_cuts(text: str, lang: str,
                     issues_of: Callable[[str], tuple[str, ...]]) -> list[tuple[int, int]]:
    """Cuts between the matters of a discussion report whose items name different issues."""
    verb = _DISCUSS_VERB[lang].search(text)
    if verb is None:
        return []
    body_end = len(text.rstrip().rstrip(".!?"))
    gaps = list(_LIST_GAP[lang].finditer(text, verb.end(), body_end))
    if not gaps:
        return []
    bounds = [verb.end()] + [g.end() for g in gaps]
    ends = [g.start() for g in gaps] + [body_end]
    items = [text[a:b] for a, b in zip(bounds, ends, strict=True)]
    if _FIELDS.search(items[0]):
        return []  # "cooperation in the fields of trade, investment, culture": one matter
    if any(len(re.findall(r"\w+", it)) > _ITEM_WORDS or not it.strip() for it in items):
        return []  # not a list of matters (a clause follows)
    seen = set(issues_of(items[0]))
    cuts = []
    for g, item in zip(gaps, items[1:], strict=True):
        found = set(issues_of(item))
        if len(re.findall(r"\w+", item)) < 2:
            # a one-word item ("DPRK", "инвестиций") stays with the part before it: it is a
            # name in a list of a matter ("regional challenges, including DPRK, …") or a
            # word of one ("в сферах экономики, инвестиций, культуры")
            seen |= found
            continue
        if found and not found <= seen and (seen or _PARTICULAR.search(g.group(0))):
            # a matter of its own: after another matter, or after a general one ("the
            # international situation, in particular, the security guarantees …")
            cuts.append((g.start(), g.end()))
        seen |= found
    return cuts


def _claim_parts_of(
    text: str, language: str, actor_alt: str,
    issues_of: Callable[[str], tuple[str, ...]] | None,
    clause_re: re.Pattern[str] | None,
) -> tuple[tuple[tuple[int, int], ...] | None, bool]:
    lang = language if language in _CONJ else "en"
    conj = _CONJ[lang]
    new_clause = clause_re if clause_re is not None else _new_clause_re(lang, actor_alt)
    cuts: list[tuple[int, int]] = []  # (end of left part, start of right part), relative
    if DISCUSSION_ITEMS and issues_of is not None and lang in _DISCUSS_VERB:
        cuts = _discussion_cuts(text, lang, issues_of)
        if cuts:
            return _parts_at(text, cuts), True
    for m in conj.finditer(text):
        left_start = cuts[-1][1] if cuts else 0
        left = text[left_start:m.start()]
        right = text[m.end():]
        if _words(left, lang) < _MIN_CLAUSE[lang] or _words(right, lang) < _MIN_CLAUSE[lang]:
            continue
        is_semicolon = ";" in m.group(0) or "；" in m.group(0)
        if lang in _CJK and (_ZH_FRONTED.fullmatch(left) or _ZH_BARE_COURTESY.match(right)):
            # "关于金砖合作，习近平指出…": a topic heading, not a claim; "…取得卓越发展成就，
            # 俄方表示衷心祝贺。": the congratulation is on what the left part says
            continue
        if _SPEECH_END.search(left):
            continue  # "普京表示，俄方…": the right part is what was said
        if lang in _CJK and (re.match(r"(?:并|还|同时)?(?:表示|指出|强调)", right)
                             or _COURTESY_ZH.search(left)):
            cuts.append((m.start(), m.end()))  # "普京介绍了…，表示…": a second statement
            continue
        if is_semicolon and not _inside_enumeration(left, right) or new_clause.match(right):
            cuts.append((m.start(), m.end()))
        elif issues_of is not None and ("," in m.group(0) or "，" in m.group(0)) \
                and _rx_second(lang).match(right):
            left_issues, right_issues = set(issues_of(left)), set(issues_of(right))
            if left_issues and right_issues and not (left_issues & right_issues):
                cuts.append((m.start(), m.end()))
    if not cuts:
        return None, False
    return _parts_at(text, cuts), False


def _parts_at(text: str, cuts: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The parts of ``text`` between ``cuts`` ((end of left part, start of right part))."""
    out: list[tuple[int, int]] = []
    pos = 0
    for left_end, right_start in cuts:
        span = _trimmed(text, pos, left_end)
        if span:
            out.append((span.start, span.end))
        pos = right_start
    # the right-hand part keeps its conjunction out, but keeps the closing punctuation
    span = _trimmed(text, pos, len(text))
    if span:
        out.append((span.start, span.end))
    return tuple(out)


@lru_cache(maxsize=8)
def _rx_second(language: str) -> re.Pattern[str]:
    return re.compile(_SECOND_PREDICATE.get(language, _SECOND_PREDICATE["en"]), re.IGNORECASE)


def _inside_enumeration(left: str, right: str) -> bool:
    """A semicolon list of short noun phrases (no verb in the right part) is not a new claim."""
    return len(re.findall(r"\w+", right)) <= 3 and not re.search(r"[.。!?]", right[:-1])


def segment(
    text: str,
    language: str = "en",
    actor_alt: str = "",
    issues_of: Callable[[str], tuple[str, ...]] | None = None,
) -> list[Segment]:
    """Claims of a whole text, with their sentence and paragraph indexes."""
    out: list[Segment] = []
    sent_index = 0
    clause_re: re.Pattern[str] | None = None
    if actor_alt:  # the alternation narrowed to the names this text can hold (same matches)
        lang = language if language in _CONJ else "en"
        clause_re = _new_clause_re(lang, narrowed(actor_alt, text))
    heads = _non_claim_heads(text)
    for p_index, para in enumerate(paragraphs(text)):
        for sent in _with_headings(text, _paragraph_sentences(text, para, language), heads):
            if heads and sent in heads:  # an article heading or page chrome: not a claim
                sent_index += 1
                continue
            parts, items = _claim_spans_items(sent, language, actor_alt, issues_of, clause_re)
            for k, part in enumerate(parts):
                out.append(Segment(part.start, part.end, part.text, sent_index, p_index,
                                   item=items and k > 0))
            sent_index += 1
    return out


# ------------------------------------------------------------------------------- page chrome
#: Months (genitive) and the English month names of a kremlin.ru dateline.
_RU_MONTHS = r"(?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|" \
             r"декабря)"
_EN_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|" \
             r"December)"
#: Places of a kremlin.ru dateline ("Москва, Кремль", "Московская область, Ново-Огарёво").
_PLACE = r"(?:(?:Москва|Московская область|Санкт-Петербург|Ново-Огар[её]во|Сочи|Мурманск|" \
         r"Волгоград|Казань|Минск|Пекин|Астана|Ташкент|Бишкек|Душанбе|Владивосток|" \
         r"[А-ЯЁ][а-яё-]+ (?:область|край))(?:,\s*[А-ЯЁ][\w-]+(?:-[А-ЯЁ][\w-]+)?)?|" \
         r"(?:The Kremlin|Moscow|Novo-Ogaryovo|St Petersburg|Sochi|Beijing)(?:,\s*" \
         r"(?:Moscow|Moscow Region|The Kremlin))?)"
#: A dateline: "8 мая 2025 года 10:10 Москва, Кремль", "May 8, 2025 10:10 The Kremlin, Moscow".
_DATELINE = re.compile(
    r"(?:\d{1,2}(?:\s*[–−-]\s*\d{1,2})?\s+" + _RU_MONTHS + r"\s+\d{4}\s+года|"
    + _EN_MONTHS + r"\s+\d{1,2}(?:\s*[–−-]\s*\d{1,2})?,\s+\d{4}),?\s+\d{1,2}:\d{2}"
    r"(?:\s+" + _PLACE + r")?(?![\w:])")
#: The footer of a kremlin.ru page: tags ("География Китай Темы … Лица Си Цзиньпин"), "see also"
#: links, publication status, date and link, "Текстовая версия" (and their English forms).
_FOOTER = re.compile(
    r"(?:(?:Смотрите также|География|Темы|Лица|See also|Geography|Topics|Persons)\s[^.!?\n]*?)?"
    r"(?:Статус материала|Дата публикации|Publication status|Publication date)\b"
    r"[^\n]*?(?:kremlin\.ru/d/\d+(?:\s+(?:Текстовая версия|Text version))?|Текстовая версия|"
    r"Text version)")
#: The header of a kremlin.ru page: the section ("События"), then the headline.
_SECTION = re.compile(r"^\s*(?:События|Новости|Выступления и стенограммы|Events|News)\s+")
#: An announcement's calendar buttons ("Анонс на 7 − 10 мая 2025 года Добавить в Календарь
#: Календари Яндекс iCal Google").
_ANNOUNCE = re.compile(
    r"(?:Анонс на\s+\d{1,2}(?:\s*[–−-]\s*\d{1,2})?\s+" + _RU_MONTHS + r"\s+\d{4}\s+года|"
    r"Announcement for\s+" + _EN_MONTHS + r"\s+\d{1,2}(?:\s*[–−-]\s*\d{1,2})?,\s+\d{4})"
    r"(?:\s+(?:Добавить в [Кк]алендарь|Add to [Cc]alendar)(?:\s+(?:Календари|Calendars))?"
    r"(?:\s+(?:Яндекс|Yandex|iCal|Google|Outlook))*)?")
#: Words that open the lead after a headline run into it ("Российско-китайские переговоры В
#: Кремле началась беседа…"): a capitalised preposition or a sentence opener after a word.
_LEAD_OPENER = re.compile(
    r"(?<=[\w»)]\s)(?:(?:В|Во|На|По|С|Со|К|О|Об|У|Из|За|После|Перед|Завершая|Состоял\w*|"
    r"Прош(?:ли|ла|ёл)|Владимир Путин|Глава|Верховный|Президент(?= [а-яё])|"
    r"Президенты|Председатель(?= [а-яё])|Лидеры)(?=\s)|"
    r"(?:In|On|At|During|Vladimir Putin|The President of Russia|The President)(?=\s))")


def page_chrome(text: str) -> list[Span]:
    """Official web-page chrome copied with a text (kremlin.ru, Russian and English): the
    section and headline before the lead ("События Российско-китайские переговоры"), an
    announcement's calendar buttons, a dateline ("8 мая 2025 года 10:10 Москва, Кремль") and
    the footer ("География … Темы … Лица … Статус материала … Текстовая версия"). They are not
    claims: :func:`segment` leaves them out, as it does article headings. Spans in text order,
    exact offsets; a text with none of these gives ``[]``."""
    out: list[Span] = []
    if not _SECTION.match(text) and not any(w in text for w in (
            "года ", "Статус материала", "Дата публикации", "Publication", ", 20")):
        return out  # (a substring test is much faster than the patterns' scans)
    section = _SECTION.match(text)
    if section is not None:
        end = section.end()
        first_end = re.search(r"[.!?](?=\s|$)", text[end:])
        limit = end + (first_end.start() if first_end else len(text) - end)
        marks = [m for m in (_ANNOUNCE.search(text, end, limit), _DATELINE.search(text, end, limit))
                 if m is not None]
        opener = _LEAD_OPENER.search(text, end + 1, limit)
        stop = min((m.start() for m in marks), default=opener.start() if opener else end)
        out.append(Span(section.start(), stop, text[section.start():stop].rstrip()))
    for rx in (_ANNOUNCE, _DATELINE, _FOOTER):
        for m in rx.finditer(text):
            out.append(Span(m.start(), m.end(), m.group(0)))
    spans = sorted((s for s in out if s.text.strip()), key=lambda s: (s.start, s.end))
    merged: list[Span] = []
    for s in spans:
        t = _trimmed(text, s.start, s.end)
        if t is None:
            continue
        if merged and t.start <= merged[-1].end:
            if t.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, t.end, text[merged[-1].start:t.end])
            continue
        merged.append(t)
    return merged


def _non_claim_heads(text: str) -> list[Span]:
    """Article headings and page chrome (:func:`page_chrome`), in text order: spans cut out of
    the sentences they are glued to and never claims."""
    chrome = page_chrome(text)
    heads = article_headings(text)
    if not chrome:
        return heads
    return sorted(heads + [c for c in chrome if not any(
        h.start < c.end and c.start < h.end for h in heads)], key=lambda s: (s.start, s.end))
