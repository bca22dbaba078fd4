"""The multilingual issue and actor lexicon: which issues a claim touches, and who is speaking.

Bundled data: ``bilat/text/data/issues.json`` (curated; en/ru/zh surface forms). Fields of the
file, each yielded by :func:`load_lexicon`:

- ``issues``: ``{key: {label, country, broader, en, ru, zh, ...}}`` — ``key`` is the issue key
  used everywhere (``taiwan``, ``ukraine``, …, the list in READOUT_EVAL_FORMAT.md); ``country``
  is the ISO3 code the issue is about or null; ``broader`` lists issues it also counts toward
  when claims are compared (``gas`` → ``energy``); each language key holds case-insensitive
  regular expressions. Latin and Cyrillic patterns get a word boundary at their start only, so a
  Russian stem such as ``тайван\\w*`` matches every case form (Тайвань, Тайваня, Тайваню…);
  Chinese patterns match anywhere (``台湾``).
- ``sides``: ``{ISO3: {label, en, ru, zh, titles: {en, ru, zh}}}`` — how a state is named as the
  subject of a claim ("the Russian side", "俄方", "российская сторона") and its leader's titles.
- ``speakers``: ``[{name, side, en, ru, zh}]`` — named people who speak in readouts.

Extend with your own JSON file of the same shape: ``load_lexicon("my_issues.json")`` adds new
keys and adds patterns to existing ones (a given ``label``/``country`` replaces the bundled one).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from bilat.errors import error
from bilat.text.prefilter import Prefilter, literal_starts

#: Languages whose patterns match anywhere (no word boundaries in the script).
UNBOUNDED_LANGUAGES = frozenset({"zh", "ja", "ar"})
#: Language keys an issue entry may carry.
PATTERN_LANGUAGES = ("en", "ru", "zh", "fr", "de", "es", "ar")


@dataclass(frozen=True)
class Issue:
    """One issue of the lexicon: key, label, ISO3 country (or None), patterns by language."""

    key: str
    label: str
    country: str | None = None
    broader: tuple[str, ...] = ()
    patterns: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Actor:
    """A speaker or a state as it can be named in a readout; ``kind`` is person/side/title."""

    name: str
    side: str
    kind: str
    patterns: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Match:
    """A lexicon hit in a text: what was found and where (character offsets)."""

    key: str  # issue key, or actor name
    start: int
    end: int
    side: str | None = None
    kind: str = "issue"


def _starts(patterns: dict[str, tuple[str, ...]]) -> frozenset[str] | None:
    """Literal starts of every pattern of an entry (None when one has none)."""
    out: set[str] = set()
    for ps in patterns.values():
        for p in ps:
            s = literal_starts(p)
            if s is None:
                return None
            out |= s
    return frozenset(out)


def _compile(patterns: dict[str, tuple[str, ...]]) -> re.Pattern[str] | None:
    bounded = [p for lang, ps in patterns.items() if lang not in UNBOUNDED_LANGUAGES for p in ps]
    free = [p for lang, ps in patterns.items() if lang in UNBOUNDED_LANGUAGES for p in ps]
    parts = []
    if bounded:
        parts.append(r"(?<![\w])(?:" + "|".join(f"(?:{p})" for p in bounded) + ")")
    if free:
        parts.append("(?:" + "|".join(f"(?:{p})" for p in free) + ")")
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)


class Lexicon:
    """Compiled issues, sides and speakers; find them in a text with offsets."""

    def __init__(self, issues: dict[str, Issue], actors: list[Actor], sides: dict[str, str]):
        self.issues = issues
        self.actors = actors
        #: ISO3 → label of every state the lexicon knows as a side.
        self.sides = sides
        self._issue_re = {k: _compile(i.patterns) for k, i in issues.items()}
        self._actor_re = [(a, _compile(a.patterns)) for a in actors]
        # one Aho-Corasick pass finds where each entry may match; its regex is tried there
        # only (same hits as one finditer per entry: bilat.text.prefilter)
        self._issue_pf = Prefilter(list(self._issue_re.values()),
                                   [_starts(i.patterns) for i in issues.values()])
        self._actor_pf = Prefilter([rx for _, rx in self._actor_re],
                                   [_starts(a.patterns) for a in actors])

    # ---------------------------------------------------------------- issues
    def issue_spans(self, text: str) -> list[Match]:
        """Every issue hit in ``text`` with offsets, in text order."""
        hits = []
        for key, found in zip(self._issue_re, self._issue_pf.finditer(text), strict=True):
            for m in found:
                hits.append(Match(key, m.start(), m.end()))
        hits.sort(key=lambda h: (h.start, h.end))
        return hits

    def find_issues(self, text: str) -> tuple[str, ...]:
        """Issue keys ``text`` touches, in order of first mention."""
        seen: dict[str, None] = {}
        for hit in self.issue_spans(text):
            seen.setdefault(hit.key, None)
        return tuple(seen)

    def country(self, key: str) -> str | None:
        """ISO3 code the issue is about, or None."""
        issue = self.issues.get(key)
        return issue.country if issue else None

    def expand(self, keys: tuple[str, ...] | list[str] | set[str]) -> set[str]:
        """The keys plus every broader issue they count toward (for comparison)."""
        out = set(keys)
        for k in keys:
            issue = self.issues.get(k)
            if issue:
                out.update(issue.broader)
        return out

    # ---------------------------------------------------------------- actors
    def actor_spans(self, text: str) -> list[Match]:
        """Every person, side or leader-title mention in ``text``, longest first at a place."""
        hits = []
        for (actor, _), found in zip(self._actor_re, self._actor_pf.finditer(text), strict=True):
            for m in found:
                hits.append(Match(actor.name, m.start(), m.end(), actor.side, actor.kind))
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        kept: list[Match] = []
        for h in hits:
            if kept and h.start < kept[-1].end:
                continue
            kept.append(h)
        return kept

    def side_label(self, side: str | None) -> str | None:
        """A readable name for an ISO3 side code."""
        if side is None:
            return None
        return self.sides.get(side, side)


def _patterns(entry: dict[str, Any], where: Path | str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for lang in PATTERN_LANGUAGES:
        value = entry.get(lang)
        if value is None:
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise error("E313", path=where, reason=f"'{lang}' must be a list of patterns")
        for pat in value:
            try:
                re.compile(pat)
            except re.error as exc:
                raise error("E313", path=where, reason=f"bad pattern {pat!r}: {exc}") from exc
        out[lang] = tuple(value)
    return out


def _read(path: Path | str, raw: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise error("E313", path=path, reason=f"not JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(data, dict):
        raise error("E313", path=path, reason="top level must be an object")
    return data


def _merge(
    data: dict[str, Any],
    where: Path | str,
    issues: dict[str, Issue],
    actors: list[Actor],
    sides: dict[str, str],
) -> None:
    raw_issues = data.get("issues", {})
    if not isinstance(raw_issues, dict):
        raise error("E313", path=where, reason="'issues' must be an object of issue keys")
    for key, entry in raw_issues.items():
        if not isinstance(entry, dict) or not re.fullmatch(r"[a-z0-9_]+", key):
            raise error("E313", path=where, reason=f"issue {key!r} must be an object with a "
                        "lower-case key (a-z, 0-9, _)")
        pats = _patterns(entry, where)
        old = issues.get(key)
        if old is not None:
            merged = {lang: old.patterns.get(lang, ()) + pats.get(lang, ())
                      for lang in set(old.patterns) | set(pats)}
            issues[key] = Issue(key, entry.get("label", old.label),
                                entry.get("country", old.country),
                                tuple(entry.get("broader", old.broader)), merged)
        else:
            if not pats:
                raise error("E313", path=where, reason=f"issue {key!r} has no patterns")
            issues[key] = Issue(key, entry.get("label", key.replace("_", " ").title()),
                                entry.get("country"), tuple(entry.get("broader", ())), pats)
    raw_sides = data.get("sides", {})
    if not isinstance(raw_sides, dict):
        raise error("E313", path=where, reason="'sides' must be an object of ISO3 codes")
    for code, entry in raw_sides.items():
        if not re.fullmatch(r"[A-Z]{3}", code) or not isinstance(entry, dict):
            raise error("E313", path=where, reason=f"side {code!r} must be an ISO3 code")
        sides[code] = entry.get("label", sides.get(code, code))
        actors.append(Actor(sides[code], code, "side", _patterns(entry, where)))
        titles = entry.get("titles")
        if titles:
            actors.append(Actor(f"the leader of {sides[code]}", code, "title",
                                _patterns(titles, where)))
    raw_speakers = data.get("speakers", [])
    if not isinstance(raw_speakers, list):
        raise error("E313", path=where, reason="'speakers' must be a list")
    for entry in raw_speakers:
        if not isinstance(entry, dict) or "name" not in entry or "side" not in entry:
            raise error("E313", path=where, reason="each speaker needs 'name' and 'side'")
        actors.append(Actor(entry["name"], entry["side"], "person", _patterns(entry, where)))


@lru_cache(maxsize=8)
def _load_cached(path: str | None) -> Lexicon:
    issues: dict[str, Issue] = {}
    actors: list[Actor] = []
    sides: dict[str, str] = {}
    bundled = resources.files("bilat.text").joinpath("data/issues.json")
    _merge(_read("bilat/text/data/issues.json", bundled.read_text(encoding="utf-8")),
           "bilat/text/data/issues.json", issues, actors, sides)
    if path is not None:
        p = Path(path)
        try:
            raw = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise error("E313", path=p, reason=exc.strerror or str(exc)) from exc
        _merge(_read(p, raw), p, issues, actors, sides)
    return Lexicon(issues, actors, sides)


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """The bundled lexicon, extended by the user's JSON file at ``path`` if given (cached)."""
    return _load_cached(None if path is None else str(Path(path).resolve()))
