"""Words against deeds: each claim of support set beside behaviour on the same issue.

A *claim of support* is a claim (:mod:`bilat.text.claims`) in a stored readout or joint
statement of the pair whose stance is ``supports`` or ``firmly_supports`` (not negated), whose
speaker is one side of the pair (the *supporter*; the other side is the *supported*), which
backs that side and not a process (:func:`supports_a_process`: "supports resolving it through
negotiation" is support for talks), and which names one of the supported side's core issues
(``bilat/reference/data/core_issues.toml``; the lexicon's ``crimea`` is counted as Russia's
``ukraine`` issue), and whose *target* is the supported side or that side's position on the
issue (:func:`support_target`). The target is read from what the support is *for* (the words
after the support cue, or between 对 and 表示支持 in Chinese): the first state named there as
the one supported decides; the partner ("supports Russia's position", "支持中方…") makes it a
claim of support; a third state named as the one supported ("support for Ukraine's sovereignty
and territorial integrity", "the territorial integrity of Ukraine", "supports Taiwan",
"поддержку Украине", "支持乌克兰主权") does not: support of a third party against the partner
is not support of the partner. The issue's country named only as the topic ("on the Taiwan
question", "по украинскому вопросу", "在台湾问题上", "台湾是中国…的一部分") names no one
supported, nor does a state name inside an issue's name ("the South China Sea"); a claim that
names neither the partner nor its position ("the one-China principle") as supported has an
unknown target and is not counted. Claims not counted for their target are listed in the
table's ``attrs["not_counted"]`` (claim id, text, target, reason). ``years`` keeps claims dated
in those years (an undated claim is then not counted: it cannot be placed). For each claim:

- **UN votes on the issue**: the General Assembly roll calls on that core issue of the supported
  side (titles matched by :func:`bilat.assess.evidence.core_issue_votes`) in the report's years,
  with how often the supporter voted *with* the supported side (identical votes) and *apart*,
  and the symbols of the votes apart; ``backed_share = with / (with + apart)``.
- **Events on it**: the event records within ±``window_days`` of the claim's date between
  the supporter and the issue's country (lexicon ``country``), or between the two sides with the
  action located there (the canonical event view of :mod:`bilat.indicators.events`), per
  source (never summed), by quad class, with the event ids; NULL (not 0) when no source holds
  any event for that window, and a source holding fewer events of the supporter in the window
  than :data:`MIN_SUPPORTER_EVENTS` (or :data:`MIN_SUPPORTER_EVENTS_PER_DAY` per day) is thin
  there: no count, named in the note (missing or thin is not zero).
- **One claim, all its sources**: the same claim in several texts (a genuine readout pair and a
  corpus copy) is one row (:func:`dedupe_claims`), the genuine pair preferred, every text listed.

The claim keeps its document id and character offsets; a claim from a text that is not a
verified original (see :mod:`bilat.sources.readout_pairs`) is flagged.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache
from typing import Any

import pandas as pd

from bilat.store import Store

#: Lexicon issue keys counted as another core-issue key.
ALIASES = {"crimea": "ukraine"}
SUPPORT = ("supports", "firmly_supports")
#: A source with fewer events of the supporter than this in a claim's window is thin there:
#: its count is NULL (listed in the note), never 0.
MIN_SUPPORTER_EVENTS = 50
#: ... and fewer than this many per day of the window (a sample, not the record).
MIN_SUPPORTER_EVENTS_PER_DAY = 0.5
#: Claims of the same supporter, issue and stance dated up to this many days apart are one.
MERGE_DAYS = 1
#: Support for a *process* (talks, dialogue, a peace conference, de-escalation, a political
#: settlement) is not support for the other side's position on its core issue: "China supports
#: Russia and Ukraine solving the problem through negotiation" backs talks, not Russia. Such a
#: claim counts only if it also names a stake of the supported side (its position, interests,
#: security, sovereignty, efforts, measures).
PROCESS_CUES = re.compile(
    r"negotiat|\btalks\b|dialogue|peace (?:conference|process|talks|summit)|de-?escalat|"
    r"cease-?fire|(?:political|diplomatic|peaceful) (?:settlement|solution|resolution)|"
    r"mediat|переговор|диалог|мирн\w* (?:конференц|процесс|урегулирован|переговор)|"
    r"деэскалац|прекращени\w* огня|политико-дипломатическ|урегулировани\w* путем|"
    r"谈判|对话|和谈|和会|缓和|停火|政治解决|劝和促谈|和平解决|斡旋", re.IGNORECASE)
STAKE_CUES = re.compile(
    r"position|stance|interest|security|sovereignt|territorial integrity|efforts?\b|"
    r"measures|actions|позици|интерес|безопасност|суверенитет|территориальн|усили|"
    r"мер[ыау]|действи|立场|利益|安全|主权|领土完整|努力|举措|措施|行动", re.IGNORECASE)


def supports_a_process(text: str) -> bool:
    """True when a claim of support backs a process (talks, dialogue, a peace conference,
    de-escalation…) and names no stake of a side (:data:`PROCESS_CUES`,
    :data:`STAKE_CUES`); en, ru, zh."""
    return bool(PROCESS_CUES.search(text)) and not STAKE_CUES.search(text)


#: Words that make an issue-country mention the *topic* of the support, not the one supported
#: ("on the Ukraine issue", "по украинскому вопросу", "在台湾问题上").
_TOPIC_BEFORE = {
    "en": re.compile(r"(?:\b(?:on|over|regarding|concerning|about|around|in|into|toward|towards|"
                     r"re)\s+(?:the\s+)?|related to\s+(?:the\s+)?|regard to\s+(?:the\s+)?)$",
                     re.IGNORECASE),
    "ru": re.compile(r"\b(?:на|по|вокруг|о|об|в|во|относительно|касательно|отношении|"
                     r"связи с|ситуаци\w*|вопрос\w*|кризис\w*|конфликт\w*)\s+$", re.IGNORECASE),
    "zh": re.compile(r"(?:在|就|关于|对于|涉|围绕|有关)$"),
}
_TOPIC_AFTER = {
    "en": re.compile(r"^\w*\s*(?:-related|issues?|questions?|problems?|crisis|crises|situation|"
                     r"conflict|war|settlement|matters?|affairs|file|dossier|talks|dispute|"
                     r"independence|separatis\w*|region)\b", re.IGNORECASE),
    "ru": re.compile(r"^\w*\s*(?:вопрос|кризис|проблем|конфликт|урегулирован|ситуаци|"
                     r"сепаратизм|независимост)", re.IGNORECASE),
    "zh": re.compile(r"^(?:问题|危机|局势|冲突|事务|地区|独立|是|为|属于|自古)"),
}
#: Russian forms of a place named as topic: an adjective ("украинского …") is the topic unless
#: it qualifies a stake of the place ("украинского народа").
_RU_ADJ = re.compile(r"^[а-яё]+(?:ск|иньск)\w*$", re.IGNORECASE)
_RU_ADJ_STAKE = re.compile(r"^\s*(?:народ|правительств|власт|государств|суверенитет)",
                           re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;；。]")
#: Issue hits that name a policy, an agreement or a relation, not the place itself ("one-China
#: policy", "cross-strait", "一个中国", "涉台", "Minsk agreements", "одного Китая").
_NOT_A_PLACE = re.compile(r"one[- ]china|cross-strait|一个中国|一中|台独|^涉|minsk|минск|"
                          r"одного|единого", re.IGNORECASE)


def _object_span(text: str, lang: str) -> tuple[int, int] | None:
    """Where the thing supported is written: after the support cue up to the clause's end, or
    (Chinese) between 对 and the cue in "对…表示支持"; None without a support cue."""
    from bilat.text.claims import stance_of

    stance, cue = stance_of(text, lang)
    if stance not in SUPPORT or not cue:
        return None
    at = text.find(cue)
    if at < 0:
        return None
    if lang == "zh":
        head = text[:at]
        cut = max(head.rfind(x) for x in "，,；;。")
        dui = head.rfind("对")
        if dui > cut and at - dui <= 60 and re.search(r"表示\s*$", head):
            return dui + 1, at
    end = _CLAUSE_END.search(text, at + len(cue))
    return at, end.start() if end else len(text)


#: Issue hits that are the partner's *position* ("the one-China principle", "一个中国原则",
#: "принцип одного Китая"): support for them is support of the partner's position.
_POSITION = re.compile(r"one[- ]china|一个中国|一中|одного|единого", re.IGNORECASE)


@lru_cache(maxsize=1)
def _state_names() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every state's English name and aliases of the country crosswalk (case-sensitive, whole
    words; abbreviations of two to four capitals such as ``ROK``, ``UAE`` kept, other names
    from four letters) → ISO3: the states a claim may name as the one supported."""
    from bilat.reference.countries import load_countries

    names: dict[str, str] = {}
    for r in load_countries().itertuples():
        for n in [r.name, *str(r.aliases).split("|")]:
            n = n.strip()
            if (len(n) >= 4 or (n.isupper() and len(n) >= 2)) and "," not in n:
                names.setdefault(n, str(r.iso3))
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:the\s+)?(?:{alt})(?![\w-])"), names


@lru_cache(maxsize=1)
def _side_forms() -> dict[str, list[tuple[re.Pattern[str], str]]]:
    """Inflected and adjectival forms of the lexicon's sides (``bilat/text/data/issues.json``)
    that its patterns leave out: Russian case endings ("Китая", "России", "китайскую") and
    English adjectives ("the Chinese position", "U.S. efforts"; capitalised, so "us" the
    pronoun is no state)."""
    import json
    from importlib import resources

    data = json.loads(resources.files("bilat.text").joinpath("data/issues.json")
                      .read_text(encoding="utf-8"))
    out: dict[str, list[tuple[re.Pattern[str], str]]] = {"ru": [], "en": []}
    for code, entry in data.get("sides", {}).items():
        for pat in entry.get("ru", []):
            words = pat.split()
            if not all(re.fullmatch(r"[а-яё-]+", w) for w in words):
                continue
            w = words[0]
            stem = re.sub(r"(?:ая|ой|ий|ый|ое)$", "", w) if len(words) > 1 else \
                re.sub(r"[аяйьеиоуыю]$", "", w)
            if len(stem) >= 3:
                out["ru"].append((re.compile(rf"(?<![\w]){stem}\w{{0,4}}(?![\w])",
                                             re.IGNORECASE), code))
        for adj in entry.get("adj", []):
            plain = adj.replace("\\", "")
            form = plain.upper() if len(plain.replace(".", "")) <= 3 else plain.capitalize()
            out["en"].append((re.compile(rf"(?<![\w.]){re.escape(form)}(?![\w])"), code))
    return out


def support_target(text: str, language: str | None, supporter: str, supported: str
                   ) -> tuple[str, str | None]:
    """Whom a claim of support backs, read from what the support is for (the words after the
    support cue to the clause's end; in Chinese also "对…表示支持"): the first state named
    there as the one supported decides.

    Returns ``("partner", supported)`` when that is the supported side (its name, a person
    or title of it: "supports Russia's position", "支持中方…", "позицию Китая") or its
    position on the issue ("the one-China principle"); ``("third", ISO3)`` when it is
    another state: a state of the lexicon, any state of the country crosswalk (English), or
    the issue's country in a non-topic form ("Ukraine's", "of Ukraine", "for/to/with
    Ukraine", "supports Taiwan", "Украины/Украине/Украину", "支持乌克兰主权"): support for
    a third party (often against the partner) is not support of the partner;
    ``("none", None)`` when no state or position is named as supported (the target is
    unknown: not counted as support of the partner). The issue's country as the topic ("on
    the Ukraine issue", "в связи с Украиной", "在台湾问题上", "台湾是中国领土…") names no
    one supported, nor does a state name inside an issue's name ("the South China Sea").
    The speaker's own side is passed over. en, ru, zh."""
    from bilat.text.lexicon import load_lexicon

    lang = language if language in ("en", "ru", "zh") else "en"
    span = _object_span(text, lang)
    if span is None:
        return "none", None
    lo, hi = span
    obj = text[lo:hi]
    lex = load_lexicon()
    issues = lex.issue_spans(obj)

    def inside(a: int, b: int) -> bool:
        return any(h.start <= a and b <= h.end and (h.start, h.end) != (a, b) for h in issues)

    named: list[tuple[int, str]] = []
    for h in issues:
        word = obj[h.start:h.end]
        if _POSITION.search(word):
            # "the one-China principle": the position of the state the issue is core to
            if any(x.side == supported for x in lex.actor_spans(word)) or \
                    lex.country(h.key) in (supported, "TWN") and supported == "CHN":
                named.append((h.start, supported))
            continue
        country = lex.country(h.key)
        if not country or country in (supporter, supported) or _NOT_A_PLACE.search(word):
            continue
        before, after = obj[:h.start], obj[h.end:]
        if _TOPIC_BEFORE[lang].search(before) or _TOPIC_AFTER[lang].search(after):
            continue
        if lang == "ru" and _RU_ADJ.match(word) and not _RU_ADJ_STAKE.match(after):
            continue
        named.append((h.start, country))
    taken: list[tuple[int, int]] = []
    for m in lex.actor_spans(obj):
        if re.match(r"\w", obj[m.end:m.end + 1]) and lang != "zh":
            continue  # a pattern's prefix of a longer word ("the uk" in "the Ukrainian")
        if m.side and m.side != "BOTH" and not inside(m.start, m.end):
            named.append((m.start, m.side))
            taken.append((m.start, m.end))
    def topic(a: int, b: int) -> bool:
        """The name at obj[a:b] is the topic ("the Ukrainian crisis", "по украинскому
        вопросу"), not the one supported."""
        before, after, word = obj[:a], obj[b:], obj[a:b]
        if _TOPIC_BEFORE[lang].search(before) or _TOPIC_AFTER[lang].search(after):
            return True
        return lang == "ru" and bool(_RU_ADJ.match(word)) and not _RU_ADJ_STAKE.match(after)

    for rx_side, code in _side_forms().get(lang, []):
        for m in rx_side.finditer(obj):
            a, b = m.start(), m.end()
            if inside(a, b) or any(x < b and a < y for x, y in taken):
                continue
            taken.append((a, b))
            if not topic(a, b):
                named.append((a, code))
    if lang == "en":
        rx, names = _state_names()
        for m in rx.finditer(obj):
            a, b = m.start(), m.end()
            if inside(a, b) or any(x < b and a < y for x, y in taken):
                continue
            word = re.sub(r"^the\s+", "", m.group(0))
            if not topic(a, b):
                named.append((a, names[word]))
    for _, side in sorted(named):
        if side == supported:
            return "partner", supported
        if side in (supporter, "BOTH"):
            continue
        return "third", side
    return "none", None


def support_claims(store: Store, a: str, b: str, core: dict[str, dict[str, list[str]]],
                   *, years: tuple[int, int] | None = None,
                   not_counted: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Claims of support on the other side's core issues in the pair's stored texts whose
    target is the other side or its position (:func:`support_target`), dated in ``years``
    (inclusive first and last year; None: all). Claims left out for their target or date are
    appended to ``not_counted`` when given (claim id, doc id, offsets, text, reason)."""
    from bilat.text.claims import extract_claims
    from bilat.text.documents import get_document
    from bilat.text.lexicon import load_lexicon

    if not store.has_table("documents"):
        return []
    docs = store.con.execute(
        "SELECT doc_id, sha256, side, date, kind, parties, event FROM documents "
        "WHERE kind IN ('readout', 'statement') ORDER BY date, doc_id").df()
    lex = load_lexicon()
    out = []
    for r in docs.itertuples():
        parties = set(r.parties) if r.parties is not None else set()
        if not ({a, b} <= parties or (r.side in (a, b) and not parties)):
            continue
        dated = _blank(r.date)
        if years is not None and (dated is None
                                  or not years[0] <= pd.Timestamp(dated).year <= years[1]):
            if not_counted is not None:
                not_counted.append({"doc_id": r.doc_id, "claim_id": None, "start": None,
                                    "end": None, "text": None, "target": None,
                                    "reason": "undated text" if dated is None else
                                    f"dated {pd.Timestamp(dated).date()}, outside the years "
                                    f"{years[0]}–{years[1]}"})
            continue
        doc = get_document(store, r.doc_id)
        for c in extract_claims(doc, lex):
            if c.stance not in SUPPORT or c.negated or supports_a_process(c.text):
                continue
            supporter = c.speaker_side if c.speaker_side in (a, b) else None
            if supporter is None:
                continue
            supported = b if supporter == a else a
            issues = {ALIASES.get(i, i) for i in c.issues} & set(core.get(supported, {}))
            if not issues:
                continue
            kind, target = support_target(c.text, c.language or doc.language, supporter,
                                          supported)
            if kind != "partner":
                if not_counted is not None:
                    not_counted.append({
                        "doc_id": c.doc_id, "claim_id": c.claim_id, "start": c.start,
                        "end": c.end, "text": c.text, "target": target,
                        "reason": (f"supports {target}, a third party, not {supported} or "
                                   f"{supported}'s position on {', '.join(sorted(issues))}"
                                   if kind == "third" else
                                   f"names neither {supported} nor its position as what is "
                                   "supported (target unknown)")})
                continue
            for issue in sorted(issues):
                out.append({"doc_id": c.doc_id, "sha256": r.sha256, "start": c.start,
                            "end": c.end, "text": c.text, "doc_side": r.side, "kind": r.kind,
                            "event": r.event, "date": r.date, "supporter": supporter,
                            "supported": supported, "issue": issue, "stance": c.stance,
                            "target": target, "claim_id": c.claim_id})
    return out


def _blank(v: Any) -> Any:
    """None for NULL/NaN/empty (never print ``nan``)."""
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        return v
    return None if isinstance(v, str) and not v.strip() else v


def _pair_hashes(store: Store) -> set[str]:
    """Content hashes of the genuine readout pairs (preferred source of a claim)."""
    try:
        from bilat.sources.readout_pairs import KIND

        log = store.ingest_log(KIND)
    except Exception:  # noqa: BLE001 - no ingest log: no genuine pair
        return set()
    return set(log["sha256"]) if len(log) else set()


def dedupe_claims(claims: list[dict[str, Any]], genuine: set[str], pairs: set[str]
                  ) -> list[dict[str, Any]]:
    """One claim per (date, supporter, issue, stance): the same claim found in several stored
    texts (a genuine readout pair and a corpus copy of the same day, or of the next day's
    broadcast: dates up to :data:`MERGE_DAYS` after the first are one claim) is counted once.

    The row kept is, in order of preference, from a genuine readout pair (hash in ``pairs``),
    from another verified original (hash in ``genuine``), then the first stored; every text it
    was found in is listed in ``sources`` (doc id, offsets, side, kind, verified), and
    ``n_sources`` counts them."""
    keyed: dict[tuple[Any, ...], list[tuple[Any, dict[str, Any]]]] = {}
    for c in claims:
        day = None if _blank(c.get("date")) is None else pd.Timestamp(c["date"]).date()
        keyed.setdefault((c["supporter"], c["issue"], c["stance"]), []).append((day, c))
    clusters: list[list[dict[str, Any]]] = []
    for items_ in keyed.values():
        dated = sorted((x for x in items_ if x[0] is not None), key=lambda x: x[0])
        clusters += [[c] for d, c in items_ if d is None]
        start = None
        for day, c in dated:
            # the same claim reported the next day (a broadcast of the day's talks) is one claim
            if start is None or (day - start).days > MERGE_DAYS:
                clusters.append([])
                start = day
            clusters[-1].append(c)
    out = []
    for items in clusters:
        def pref(c: dict[str, Any]) -> int:
            return 0 if c["sha256"] in pairs else 1 if c["sha256"] in genuine else 2
        best = dict(min(items, key=pref))
        best["event"] = _blank(best.get("event"))
        best["sources"] = [{"doc_id": c["doc_id"], "start": int(c["start"]),
                            "end": int(c["end"]), "side": _blank(c.get("doc_side")),
                            "kind": _blank(c.get("kind")), "event": _blank(c.get("event")),
                            "verified": c["sha256"] in genuine,
                            "genuine_pair": c["sha256"] in pairs}
                           for c in sorted(items, key=pref)]
        best["n_sources"] = len(items)
        out.append(best)
    return out


def _events_on(store: Store, supporter: str, supported: str, country: str | None, when: Any,
               window_days: int) -> dict[str, Any]:
    """Events within ±window_days of ``when`` between the supporter and ``country`` (either
    direction), or between the two sides with the action in ``country``, per event source
    (canonical view :func:`bilat.indicators.events.event_records`; GDELT, ICEWS … counted
    apart, never summed);
    NULL when no source holds any event for the window."""
    from bilat.indicators import events

    if country is None:
        return {"events": None, "note": "the issue has no country to match events on"}
    if when is None or pd.isna(when):
        return {"events": None, "note": "the claim's document has no date"}
    day = pd.Timestamp(when).date()
    lo, hi = day - timedelta(days=window_days), day + timedelta(days=window_days)
    try:
        t = events.event_records(store)
    except Exception:  # noqa: BLE001 - no event data at all
        return {"events": None, "note": "no event data in the store"}
    w = t.filter((t.event_date >= lo) & (t.event_date <= hi))
    held = w.group_by("source").aggregate(n=w.count()).to_pandas()
    if not len(held) or held["n"].sum() == 0:
        return {"events": None, "note": f"no event source holds events for {lo}…{hi}"}
    x1, x2 = w.actor1_iso3, w.actor2_iso3
    a, b = supporter, supported
    side = (x1 == a) & (x2 == country) | (x2 == a) & (x1 == country)
    pair_there = ((x1 == a) & (x2 == b) | (x1 == b) & (x2 == a)) & (w.action_iso3 == country)
    hit = w.filter(side | pair_there).select("source", "event_id", "quad_class")
    df = hit.to_pandas()
    by_src = {str(r.source): int(r.n) for r in held.itertuples()}
    ws = w.filter((x1 == a) | (x2 == a))
    own = ws.group_by("source").aggregate(n=ws.count()).to_pandas()
    of_sup = {str(r.source): int(r.n) for r in own.itertuples()}
    found = df.groupby("source").size().to_dict() if len(df) else {}
    # a source holding too few events of the supporter in the window says nothing: NULL, not 0
    need = max(MIN_SUPPORTER_EVENTS, MIN_SUPPORTER_EVENTS_PER_DAY * (2 * window_days + 1))
    per: dict[str, int | None] = {
        src: (int(found.get(src, 0)) if of_sup.get(src, 0) >= need else None)
        for src in by_src}
    text = "; ".join(
        f"{src}: {per[src]} of {of_sup.get(src, 0):,} events of {a} held" if per[src] is not None
        else f"{src}: thin, not counted (only {of_sup.get(src, 0):,} events of {a} of "
             f"{by_src[src]:,} held; {need:,.0f} needed)" for src in by_src)
    if all(v is None for v in per.values()):
        return {"events": None, "by_quad": {}, "event_ids": [],
                "note": f"{lo}…{hi}: {text}"}
    per = {k: v for k, v in per.items() if v is not None}
    return {"events": per, "by_quad": df.groupby("quad_class").size().to_dict() if len(df)
            else {}, "event_ids": [str(v) for v in df["event_id"].head(50)],
            "note": f"{lo}…{hi}: {text}"}


def table(store: Store, a: str, b: str, *, votes_list: pd.DataFrame | None,
          core: dict[str, dict[str, list[str]]], genuine: set[str],
          window_days: int = 365,
          years: str | tuple[int, int] | None = None) -> pd.DataFrame:
    """The words-against-deeds table: one row per claim of support and issue (see module),
    the same claim in several texts counted once (:func:`dedupe_claims`).

    ``years``: ``"1980-1989"``, ``"2014"`` or an inclusive (first, last) pair: only claims
    dated in those years (the report's ``years=``), and only the UN votes of those years (when
    ``votes_list`` has a ``date`` or ``year`` column). Columns: date (ISO), supporter,
    supported, issue, stance, text, doc_id, start, end (character offsets), doc_side, kind,
    event, verified, votes, votes_with, apart, backed_share (with / (with + apart), NULL
    without votes), symbols_apart, votes_note, events (per source; NULL when missing or thin),
    events_by_quad, event_ids, events_note, claim_id, n_sources, sources, target (the side
    supported). ``attrs["not_counted"]``: claims left out (third-party target, outside the
    years) with the reason; ``attrs["years"]``: the years applied. E605 for malformed years."""
    from bilat.assess.evidence import core_issue_votes
    from bilat.periods import year_range
    from bilat.text.lexicon import load_lexicon

    rng = years if isinstance(years, tuple) else year_range(years, malformed="E605")
    skipped: list[dict[str, Any]] = []
    claims = dedupe_claims(support_claims(store, a, b, core, years=rng, not_counted=skipped),
                           genuine, _pair_hashes(store))
    if rng is not None and votes_list is not None and len(votes_list):
        when = None
        if "year" in votes_list.columns:
            when = pd.to_numeric(votes_list["year"], errors="coerce")
        elif "date" in votes_list.columns:
            when = pd.to_datetime(votes_list["date"], errors="coerce").dt.year
        if when is not None:
            votes_list = votes_list[(when >= rng[0]) & (when <= rng[1])]
    lex = load_lexicon()
    cv = None
    if votes_list is not None and len(votes_list):
        cv = core_issue_votes(votes_list, [a, b], core)
    rows = []
    for c in claims:
        row = dict(c)
        row["date"] = None if c["date"] is None or pd.isna(c["date"]) else \
            pd.Timestamp(c["date"]).date().isoformat()
        row["verified"] = c["sha256"] in genuine or any(
            x["verified"] for x in c.get("sources", []))
        if cv is None:
            row.update(votes=None, with_=None, apart=None, backed_share=None, symbols_apart="",
                       votes_note="no UN votes in the store")
        else:
            v = cv[(cv["core_of"] == c["supported"]) & (cv["core_issue"] == c["issue"])]
            # vote_a is A's vote: pick supporter/supported columns by side
            sup = v["vote_a"] if c["supporter"] == a else v["vote_b"]
            oth = v["vote_b"] if c["supporter"] == a else v["vote_a"]
            with_ = int((sup == oth).sum())
            apart = int((sup != oth).sum())
            row.update(votes=len(v), with_=with_, apart=apart,
                       backed_share=(with_ / (with_ + apart)) if with_ + apart else None,
                       symbols_apart=", ".join(
                           f"{s} ({c['supporter']} {x}, {c['supported']} {y})"
                           for s, x, y in zip(v["symbol"][sup != oth], sup[sup != oth],
                                              oth[sup != oth], strict=True))[:600],
                       votes_note="" if len(v) else "no recorded GA vote names this issue "
                       "in the years held")
        country = lex.country(c["issue"]) if c["issue"] in lex.issues else None
        if c["issue"] == "ukraine":
            country = "UKR"
        ev = _events_on(store, c["supporter"], c["supported"], country, c["date"], window_days)
        row.update(events=ev.get("events"), events_by_quad=ev.get("by_quad", {}),
                   event_ids=ev.get("event_ids", []), events_note=ev.get("note", ""))
        rows.append(row)
    cols = ["date", "supporter", "supported", "issue", "stance", "text", "doc_id", "start", "end",
            "doc_side", "kind", "event", "verified", "votes", "with_", "apart", "backed_share",
            "symbols_apart", "votes_note", "events", "events_by_quad", "event_ids",
            "events_note", "claim_id", "n_sources", "sources", "target"]
    df = pd.DataFrame(rows, columns=cols).rename(columns={"with_": "votes_with"})
    df.attrs["not_counted"] = [x for x in skipped if x.get("claim_id") is not None]
    df.attrs["years"] = rng
    return df


__all__ = ["ALIASES", "SUPPORT", "dedupe_claims", "support_claims", "support_target", "table"]
