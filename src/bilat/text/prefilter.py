"""Exact regex scans over long texts, found from the patterns' literal prefixes.

Scanning a 150,000-character text with one case-insensitive regex per lexicon entry (63 issues,
49 actors) or per pysbd abbreviation costs a full pass of Python's regex engine each, most of it
trying every position. Here every pattern's possible literal starts are read from its parse tree
(``re._parser``), all of them are found in one pass of an Aho–Corasick automaton
(``pyahocorasick``) over a case-folded copy of the text, and the pattern itself is then tried
with ``Pattern.match`` only where one of its starts occurs. The result is exactly
``list(pattern.finditer(text))``:

- every match of a pattern starts with one of its literal starts, so a position where none
  occurs cannot start a match (the starts are a superset: alternations, optional parts and
  small character classes are expanded, anything else ends the start early);
- the case folding is the one ``re.IGNORECASE`` compares with (Unicode simple lower case, plus
  the characters ``re`` treats as equal, e.g. ``s``/``ſ``, ``в``/``ᲀ``), applied to the text
  and to the starts alike, and it keeps every offset (a text whose lower case changes its
  length is folded character by character);
- ``finditer`` takes the first position at or after the end of the previous match where the
  pattern matches (``Pattern.match(text, pos)`` sees the whole string, so look-behinds and
  ``^`` behave as in the scan); an empty match falls back to ``finditer`` itself.

A pattern with no literal start (one that may start with ``\\w``, ``.``, a look-around…) is
scanned with ``finditer`` as before. ``tests/text/test_prefilter.py`` compares with ``finditer``
on real texts and random ones.
"""

from __future__ import annotations

import _sre
import re
import re._casefix as _casefix
import re._constants as _c
import re._parser as _parser
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import ahocorasick

#: More literal starts than this for one pattern: the start is cut before the expansion.
_MAX_STARTS = 64
#: A character class is expanded into its members up to this size.
_MAX_CLASS = 8
#: Stands in a literal start for ``\d`` (any decimal digit): what follows it is dropped and
#: the positions of digits are found with ``\d`` itself.
DIGIT = "\x00"
_DIGITS = re.compile(r"\d")


def _canonical_table() -> dict[int, int]:
    """Characters ``re.IGNORECASE`` treats as equal beyond simple lower case → one of them."""
    groups: dict[int, set[int]] = {}
    for lo, others in _casefix._EXTRA_CASES.items():
        members = {lo, *others}
        for m in list(members):
            members |= groups.get(m, set())
        for m in members:
            groups[m] = members
    return {c: min(g) for c, g in groups.items() if c != min(g)}


_CANON = _canonical_table()


class CharMap:
    """``str.translate`` of a table that maps single characters to strings, done by
    ``str.replace`` of the characters that occur in the text.

    ``translate`` with a dict looks every character up (≈ 20 ms for 150,000 characters that
    are not all ASCII); testing whether each of a few dozen characters occurs at all and
    replacing only those is ≈ 20× cheaper, and exactly the same when no replacement holds a
    character of the table (checked here; such a table is translated as it is).
    """

    def __init__(self, table: dict[int, str | int | None]):
        self.table = table
        pairs: list[tuple[str, str]] = []
        for k, v in table.items():
            out = "" if v is None else chr(v) if isinstance(v, int) else v
            if out != chr(k):
                pairs.append((chr(k), out))
        keys = {k for k, _ in pairs}
        #: the replacements one by one, or None when one of them holds a key (then translate)
        self.pairs = None if any(set(out) & keys for _, out in pairs) else pairs

    def __call__(self, text: str) -> str:
        if self.pairs is None:
            return text.translate(self.table)
        for ch, out in self.pairs:
            if ch in text:
                text = text.replace(ch, out)
        return text


_FOLD_CANON = CharMap(_CANON)  # type: ignore[arg-type]


def fold_char(ch: str) -> str:
    """The case fold of one character (simple lower case, then its ``re`` equivalence class)."""
    lo = _sre.unicode_tolower(ord(ch))
    return chr(_CANON.get(lo, lo))


def fold(text: str) -> str:
    """``text`` case-folded character by character (same length, same offsets)."""
    low = text.lower()
    if len(low) != len(text):  # "İ" lowers to two characters: fold one by one
        low = "".join(chr(_sre.unicode_tolower(ord(ch))) for ch in text)
    return _FOLD_CANON(low)


@lru_cache(maxsize=8192)
def literal_starts(pattern: str, flags: int = re.IGNORECASE) -> frozenset[str] | None:
    """Folded literal strings one of which every match of ``pattern`` starts with, or None
    when no such non-empty set could be read (the pattern must then be scanned in full)."""
    try:
        tree = _parser.parse(pattern, flags)
    except re.error:
        return None
    starts, _ = _sequence(tree, fold_char, digits=True)
    if not starts or "" in starts:
        return None
    return frozenset(starts)


def exact_starts(pattern: str) -> frozenset[str] | None:
    """Literal strings (not folded) one of which every match of the case-sensitive
    ``pattern`` starts with; None when there is none or the pattern ignores case."""
    try:
        tree = _parser.parse(pattern, 0)
    except re.error:
        return None
    if tree.state.flags & re.IGNORECASE:
        return None
    starts, _ = _sequence(tree, _same, digits=False)
    if not starts or "" in starts:
        return None
    return frozenset(starts)


def _same(ch: str) -> str:
    return ch


def _sequence(items: Iterable[tuple[object, object]], norm: Callable[[str], str],
              digits: bool) -> tuple[set[str], bool]:
    """(starts, complete) of a sequence of parse items; complete when the starts are the whole
    of what the sequence can match."""
    current = {""}
    for op, av in items:
        got = _item(op, av, norm, digits)
        if got is None:
            return current, False
        options, complete = got
        new = {a + b for a in current for b in options}
        if len(new) > max(_MAX_STARTS, len(options)):  # an alternation alone is kept whole
            return current, False
        current = new
        if not complete:
            return current, False
    return current, True


def _item(op: object, av: object, norm: Callable[[str], str],
          digits: bool) -> tuple[set[str], bool] | None:
    if op is _c.LITERAL:
        return {norm(chr(av))}, True  # type: ignore[arg-type]
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return {""}, True  # zero-width: the match's text starts with what follows
    if op is _c.IN:
        if digits and list(av) == [(_c.CATEGORY, _c.CATEGORY_DIGIT)]:  # type: ignore[call-overload]
            return {DIGIT}, False  # "\\d": any decimal digit, found apart
        chars: set[str] = set()
        for o, a in av:  # type: ignore[attr-defined]
            if o is not _c.LITERAL:
                return None  # a range, a category, a negated class
            chars.add(norm(chr(a)))
        if len(chars) > _MAX_CLASS:
            return None
        return chars, True
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av  # type: ignore[misc]
        if add_flags or del_flags:
            return None
        return _sequence(sub, norm, digits)
    if op is _c.ATOMIC_GROUP:
        return _sequence(av, norm, digits)  # type: ignore[arg-type]
    if op is _c.BRANCH:
        _, alternatives = av  # type: ignore[misc]
        starts: set[str] = set()
        complete = True
        for alt in alternatives:
            s, c = _sequence(alt, norm, digits)
            starts |= s
            complete = complete and c
        return starts, complete
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        lo, hi, sub = av  # type: ignore[misc]
        s, c = _sequence(sub, norm, digits)
        if lo == 0:  # "(?:the )?": with or without it; what follows is known only for {0,1}
            return s | {""}, c and hi == 1
        return s, c and lo == hi == 1
    return None


class Prefilter:
    """Many compiled patterns, each scanned exactly like ``finditer`` (see the module)."""

    def __init__(self, patterns: Sequence[re.Pattern[str] | None],
                 starts: Sequence[Iterable[str] | None]):
        self.patterns = list(patterns)
        #: indexes of the patterns that have no literal start: scanned in full
        self.full = {i for i, (p, s) in enumerate(zip(patterns, starts, strict=True))
                     if p is not None and s is None}
        by_start: dict[str, list[int]] = {}
        #: indexes of the patterns that may start with a digit
        self.digit = set()
        for i, (p, s) in enumerate(zip(patterns, starts, strict=True)):
            if p is None or s is None:
                continue
            for word in s:
                word = word.split(DIGIT, 1)[0]
                if word:
                    by_start.setdefault(word, []).append(i)
                else:
                    self.digit.add(i)
        self._automaton: ahocorasick.Automaton | None = None
        if by_start:
            automaton = ahocorasick.Automaton()
            for word, ids in by_start.items():
                automaton.add_word(word, (len(word), tuple(ids)))
            automaton.make_automaton()
            self._automaton = automaton

    def candidates(self, text: str) -> dict[int, list[int]]:
        """Pattern index → sorted positions where one of its literal starts occurs."""
        found: dict[int, set[int]] = {}
        if not text:
            return {}
        if self._automaton is not None:
            for end, (length, ids) in self._automaton.iter(fold(text)):
                start = end - length + 1
                for i in ids:
                    found.setdefault(i, set()).add(start)
        if self.digit:
            at = [m.start() for m in _DIGITS.finditer(text)]
            for i in self.digit:
                found.setdefault(i, set()).update(at)
        return {i: sorted(s) for i, s in found.items()}

    def finditer(self, text: str) -> list[list[re.Match[str]]]:
        """For every pattern, ``list(pattern.finditer(text))`` (``[]`` for a None pattern)."""
        cands = self.candidates(text)
        out: list[list[re.Match[str]]] = []
        for i, rx in enumerate(self.patterns):
            if rx is None:
                out.append([])
            elif i in cands:
                out.append(scan_at(rx, text, cands[i]))
            elif i in self.full:
                out.append(list(rx.finditer(text)))
            else:
                out.append([])
        return out


@lru_cache(maxsize=64)
def _single(rx: re.Pattern[str]) -> Prefilter:
    return Prefilter([rx], [literal_starts(rx.pattern, rx.flags & re.IGNORECASE)])


def finditer(rx: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """``list(rx.finditer(text))`` through the prefilter of ``rx`` (built once per pattern;
    the starts are folded, which only widens the candidates of a case-sensitive pattern)."""
    return _single(rx).finditer(text)[0]


def scan_at(rx: re.Pattern[str], text: str, positions: Iterable[int]) -> list[re.Match[str]]:
    """``list(rx.finditer(text))``, given every position where a match may start (ascending)."""
    out: list[re.Match[str]] = []
    pos = 0
    for q in positions:
        if q < pos:
            continue
        m = rx.match(text, q)
        if m is None:
            continue
        if m.end() == m.start():
            return list(rx.finditer(text))
        out.append(m)
        pos = m.end()
    return out


class Alternation:
    """The alternatives of a regex alternation ``(?:p1)|(?:p2)|…`` (see :func:`alternation`),
    narrowed for a text to those that can match somewhere in it.

    An alternative whose literal starts (case-folded, :func:`literal_starts`) occur nowhere
    in the folded text cannot match at any position of it or of any part of it, inside a
    larger pattern or alone, so a pattern built with the narrowed alternation (in the same
    order) finds exactly the matches of the pattern built with all of them, in that text
    and its substrings. None left: ``(?!)``, which never matches. A large alternation (the
    lexicon's speakers and sides, ~300 patterns) costs tens of milliseconds to compile; a
    text names a few of them. After :data:`MAX_VARIANTS` distinct narrowed alternations the
    whole one is given (each variant is compiled by its user: a corpus of many texts must not
    compile one per text).
    """

    MAX_VARIANTS = 32

    def __init__(self, patterns: Sequence[str]):
        self.patterns = tuple(patterns)
        self.joined = "|".join(f"(?:{p})" for p in self.patterns)
        self._automaton: ahocorasick.Automaton | None = None
        self._always: set[int] = set()
        self._variants: set[str] = set()

    def _build(self) -> ahocorasick.Automaton | None:
        by_start: dict[str, set[int]] = {}
        for i, p in enumerate(self.patterns):
            starts = literal_starts(p)
            words = [w.split(DIGIT, 1)[0] for w in starts] if starts is not None else [""]
            if "" in words:
                self._always.add(i)  # no literal start (or a digit first): always kept
                continue
            for w in words:
                by_start.setdefault(w, set()).add(i)
        if not by_start:
            return None
        automaton = ahocorasick.Automaton()
        for w, ids in by_start.items():
            automaton.add_word(w, tuple(sorted(ids)))
        automaton.make_automaton()
        return automaton

    def narrowed(self, text: str) -> str:
        """The alternation of the patterns that can match in ``text`` (see the class)."""
        if len(self._variants) >= self.MAX_VARIANTS:
            return self.joined
        if self._automaton is None:
            self._automaton = self._build()
        ids = set(self._always)
        if self._automaton is not None and text:
            for _, found in self._automaton.iter(fold(text)):
                ids.update(found)
        if len(ids) == len(self.patterns):
            return self.joined
        out = "|".join(f"(?:{self.patterns[i]})" for i in sorted(ids)) or "(?!)"
        self._variants.add(out)
        return out


_ALTERNATIONS: dict[str, Alternation] = {}


def alternation(patterns: Sequence[str]) -> str:
    """``"|".join(f"(?:{p})" for p in patterns)``, remembered so that :func:`narrowed` can
    narrow it for a text."""
    alt = Alternation(patterns)
    _ALTERNATIONS.setdefault(alt.joined, alt)
    return alt.joined


def narrowed(joined: str, text: str) -> str:
    """``joined`` (made by :func:`alternation`) narrowed to the alternatives that can match
    somewhere in ``text`` (:meth:`Alternation.narrowed`); any other string is given back."""
    alt = _ALTERNATIONS.get(joined)
    return joined if alt is None else alt.narrowed(text)


__all__ = ["Alternation", "CharMap", "Prefilter", "alternation", "exact_starts", "finditer",
           "fold", "fold_char", "literal_starts", "narrowed", "scan_at"]
