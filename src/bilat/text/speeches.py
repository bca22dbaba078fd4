"""UN General Debate speeches: issue salience per speech, agenda overlap per year, stances.

Speeches come from the UNGDC import (``bilat documents import PATH --format ungdc``; see
:mod:`bilat.sources.ungdc` for the corpus and its coding caveats: ``RUS`` is the USSR up to
1991; ``CHN`` is the Republic of China's (Taipei) seat up to 1971 and is stored as ``TWN``, so
the PRC's first speech is 1972 and a CHN pair has no speech to compare in 1971).

**Issues** are the bundled lexicon (``bilat/text/data/issues.json``) extended for UN debate
language by ``bilat/text/data/un_debate.json`` (decolonisation, apartheid, development,
disarmament, détente, sovereignty, UN reform, …) through the lexicon's extension mechanism,
plus the user's ``lexicon`` file if given. The ``un`` issue (naming the United Nations, the
venue itself) is left out of the agenda measures by default.

**Salience** of issue *i* in a speech: ``hits_i`` (lexicon matches), ``per_1000_words`` and
``share_i = hits_i / Σ_j hits_j``. An issue is **raised** when ``hits_i ≥ min_hits`` (default
2: one passing mention is not an agenda item).

**Agenda overlap** of two speeches of one year: cosine similarity of the share vectors
``cos = Σ s_a,i·s_b,i / (‖s_a‖·‖s_b‖)`` over the union of issues, and the Jaccard index of the
raised sets ``|R_a ∩ R_b| / |R_a ∪ R_b|``, with the issues each raised alone (cf. Baturo,
Dasandi & Mikhaylov 2017 on General Debate speeches as state preferences). Reference pairs
(``refs``, USA–GBR by default in the CLI) are computed the same way as a yardstick; a year
where a state has no speech in the store is a gap (NaN), never zero.

**Stance** on an issue both raise: each sentence naming the issue is *supportive* (a support
cue: supports, welcomes, calls for, committed to, …) or *opposing* (opposes, condemns,
rejects, against, aggression, …); a sentence with cues of both kinds counts for neither
("we support Ukraine against aggression"); ``net = (support − oppose)/(support + oppose)``;
the stance is ``supports`` (net > 0.2), ``opposes`` (net < −0.2), ``mixed``, or none without
cues. Two states **agree** on an issue when both have the same non-mixed stance and
**disagree** when one supports and the other opposes. This is a coarse, sentence-level
reading (what is supported or opposed is not parsed) and every judgement carries the
sentences' offsets.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from bilat.errors import error

#: Years the General Debate corpus covers.
FIRST_YEAR, LAST_YEAR = 1946, 2022
DEFAULT_YEARS = (1971, 2022)
EXCLUDE = ("un",)
_SENT = re.compile(r"(?<=[.!?;])\s+(?=[\"“(]?[A-Z0-9])|\n+")
_SUPPORT = re.compile(
    r"(?i)\b(?:support\w*|welcom\w*|favou?r\w*|endors\w*|advocat\w*|call(?:s|ed)? for|"
    r"urg\w+|committed to|commitment to|strengthen\w*|promot\w*|uphold\w*|champion\w*|"
    r"stand(?:s)? for|in favour of|respect(?:s|ed)? for|must be (?:achieved|implemented))\b")
_OPPOSE = re.compile(
    r"(?i)\b(?:oppos\w*|condemn\w*|reject\w*|against|denounc\w*|resist\w*|aggress\w*|"
    r"protest\w*|deplor\w*|unacceptable|cannot accept|put an end to|end to|eliminat\w*|"
    r"abolish\w*|threat\w*|dangerous|illegal|violat\w*)\b")


def _un_lexicon_path() -> Path:
    return Path(str(resources.files("bilat.text").joinpath("data/un_debate.json")))


@cache
def _merged_path(user: str | None) -> str:
    """A lexicon extension file: the UN terms, plus the user's file merged in."""
    base = _un_lexicon_path()
    if user is None:
        return str(base)
    from bilat.text.lexicon import _read  # the lexicon's own reader (E313 on bad files)

    mine = json.loads(base.read_text(encoding="utf-8"))
    try:
        raw = Path(user).read_text(encoding="utf-8")
    except OSError as exc:
        raise error("E313", path=user, reason=exc.strerror or str(exc)) from exc
    theirs = _read(user, raw)
    issues = mine.setdefault("issues", {})
    for key, entry in (theirs.get("issues") or {}).items():
        if key in issues and isinstance(entry, dict):
            merged = dict(issues[key])
            for k, v in entry.items():
                if isinstance(v, list) and isinstance(merged.get(k), list):
                    merged[k] = merged[k] + v
                else:
                    merged[k] = v
            issues[key] = merged
        else:
            issues[key] = entry
    for k in ("sides", "speakers"):
        if k in theirs:
            mine[k] = theirs[k]
    tmp = Path(tempfile.gettempdir()) / f"bilat-un-lexicon-{abs(hash(user))}.json"
    tmp.write_text(json.dumps(mine, ensure_ascii=False), encoding="utf-8")
    return str(tmp)


def un_lexicon(user_lexicon: str | Path | None = None) -> Any:
    """The issue lexicon for General Debate speeches (bundled + UN terms + the user's file)."""
    from bilat.text.lexicon import load_lexicon

    return load_lexicon(_merged_path(None if user_lexicon is None
                                     else str(Path(user_lexicon).resolve())))


def parse_years(value: str | Sequence[int] | None) -> tuple[int, int]:
    """``"1971-2022"``, ``"2014"`` or a (first, last) pair → (first, last); E362."""
    from bilat.periods import year_range

    if value is None:
        return DEFAULT_YEARS
    rng = year_range(value, malformed="E362", lo=FIRST_YEAR, hi=LAST_YEAR)
    if rng is None:
        return DEFAULT_YEARS
    lo, hi = rng
    if lo < FIRST_YEAR or hi > LAST_YEAR + 10:
        raise error("E362", value=str(value), lo=FIRST_YEAR, hi=LAST_YEAR)
    return lo, hi


def speeches(store: Any, state: str | None = None, years: Any = None) -> pd.DataFrame:
    """Stored General Debate speeches: state (ISO3 as stored), corpus code, year, session,
    delegation, speaker, doc_id (no text)."""
    if not store.has_table("corpus_items"):
        raise error("E357", state=state or "any state", detail=" (no corpus imported)")
    lo, hi = parse_years(years) if years is not None else (FIRST_YEAR, LAST_YEAR + 10)
    df = store.con.execute(
        "SELECT side AS state, doc_id, meta, file FROM corpus_items WHERE corpus = 'ungdc' "
        "ORDER BY side, position").df()
    if df.empty:
        return pd.DataFrame(columns=["state", "code", "year", "session", "delegation",
                                     "speaker", "post", "doc_id", "file"])
    meta = df["meta"].map(json.loads)
    df["code"] = meta.map(lambda m: m.get("code"))
    df["year"] = meta.map(lambda m: int(m["year"]))
    df["session"] = meta.map(lambda m: int(m["session"]))
    df["delegation"] = meta.map(lambda m: m.get("delegation"))
    df["speaker"] = meta.map(lambda m: m.get("speaker"))
    df["post"] = meta.map(lambda m: m.get("post"))
    df = df[(df["year"] >= lo) & (df["year"] <= hi)]
    if state is not None:
        df = df[df["state"] == state.upper()]
    return df.drop(columns=["meta"]).reset_index(drop=True)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of an English speech (numbered paragraphs kept)."""
    out, pos = [], 0
    for m in _SENT.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def speech_issues(text: str, lexicon: Any, exclude: Sequence[str] = EXCLUDE
                  ) -> tuple[Counter[str], dict[str, list[tuple[int, int, str]]]]:
    """Issue hits of one speech, and per issue its sentences with a stance cue
    (start, end, 'support'|'oppose')."""
    hits: Counter[str] = Counter()
    spans = [h for h in lexicon.issue_spans(text) if h.key not in exclude]
    for h in spans:
        hits[h.key] += 1
    cues: dict[str, list[tuple[int, int, str]]] = {}
    sents = sentences(text)
    j = 0
    by_sentence: dict[int, set[str]] = {}
    for h in spans:
        while j < len(sents) and sents[j][1] <= h.start:
            j += 1
        if j < len(sents):
            by_sentence.setdefault(j, set()).add(h.key)
    for idx, keys in by_sentence.items():
        s, e = sents[idx]
        sent = text[s:e]
        op = bool(_OPPOSE.search(sent))
        sup = bool(_SUPPORT.search(sent))
        if not (op or sup):
            continue
        cue = "oppose" if op and not sup else "support" if sup and not op else "both"
        for k in keys:
            cues.setdefault(k, []).append((s, e, cue))
    return hits, cues


def _stance(cues: list[tuple[int, int, str]]) -> tuple[str | None, float | None]:
    sup = sum(1 for *_, c in cues if c == "support")
    opp = sum(1 for *_, c in cues if c == "oppose")
    if sup + opp == 0:
        return None, None
    net = (sup - opp) / (sup + opp)
    return ("supports" if net > 0.2 else "opposes" if net < -0.2 else "mixed"), round(net, 4)


def salience(store: Any, state: str | None = None, years: Any = None, *,
             lexicon: str | Path | None = None, min_hits: int = 2,
             exclude: Sequence[str] = EXCLUDE) -> pd.DataFrame:
    """Issue salience per speech: one row per speech and issue mentioned.

    Columns: state, year, session, delegation, doc_id, issue, label, hits, share,
    per_1000_words, raised (hits ≥ ``min_hits``), stance, stance_net, stance_sentences
    (``start-end:cue`` offsets into the document).
    """
    sp = speeches(store, state, years)
    if sp.empty:
        raise error("E357", state=state or "any state",
                    detail=f" for {years}" if years is not None else "")
    lex = un_lexicon(lexicon)
    found = _cached_issues(store, list(sp["doc_id"]), lex, lexicon, exclude)
    rows = []
    for r in sp.itertuples(index=False):
        hits, cues, words = found[r.doc_id]
        total = sum(hits.values())
        for key, n in hits.most_common():
            stance, net = _stance(cues.get(key, []))
            rows.append({
                "state": r.state, "code": r.code, "year": r.year, "session": r.session,
                "delegation": r.delegation, "doc_id": r.doc_id, "issue": key,
                "label": lex.issues[key].label, "hits": n,
                "share": round(n / total, 6) if total else float("nan"),
                "per_1000_words": round(1000 * n / words, 4), "raised": n >= min_hits,
                "stance": stance, "stance_net": net,
                "stance_sentences": ";".join(f"{s}-{e}:{c}" for s, e, c in cues.get(key, [])),
            })
    return pd.DataFrame(rows)


_CACHE_DDL = """
CREATE TABLE IF NOT EXISTS speech_issue_cache (
    doc_id VARCHAR NOT NULL,
    lexicon VARCHAR NOT NULL,   -- sha256 of the lexicon files and the excluded issues
    words INTEGER NOT NULL,
    hits VARCHAR NOT NULL,      -- JSON {issue: hits}
    cues VARCHAR NOT NULL,      -- JSON {issue: [[start, end, cue], ...]}
    PRIMARY KEY (doc_id, lexicon)
)
"""


def _lexicon_key(lexicon: str | Path | None, exclude: Sequence[str]) -> str:
    import hashlib

    h = hashlib.sha256()
    bundled = resources.files("bilat.text").joinpath("data/issues.json")
    h.update(bundled.read_bytes())
    h.update(Path(_merged_path(None if lexicon is None else str(Path(lexicon).resolve())))
             .read_bytes())
    h.update(",".join(sorted(exclude)).encode())
    return h.hexdigest()[:16]


def _cached_issues(store: Any, doc_ids: list[str], lex: Any, lexicon: str | Path | None,
                   exclude: Sequence[str]
                   ) -> dict[str, tuple[Counter[str], dict[str, list[Any]], int]]:
    """Issue hits and stance cues per speech, computed once per lexicon and kept in the
    store (``speech_issue_cache``): matching 85 issues over a speech takes a fraction of a
    second, a whole series of speeches tens of seconds."""
    key = _lexicon_key(lexicon, exclude)
    con = store.con
    have: dict[str, tuple[Counter[str], dict[str, list[Any]], int]] = {}
    if store.has_table("speech_issue_cache"):
        wanted = set(doc_ids)
        have = {r[0]: (Counter(json.loads(r[2])), json.loads(r[3]), int(r[1]))
                for r in con.execute(
                    "SELECT doc_id, words, hits, cues FROM speech_issue_cache WHERE lexicon = ?",
                    [key]).fetchall() if r[0] in wanted}
    todo = [d for d in doc_ids if d not in have]
    if todo:
        texts = dict(con.execute(
            "SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT unnest(?))",
            [todo]).fetchall())
        new = []
        for d in todo:
            text = texts[d]
            hits, cues = speech_issues(text, lex, exclude)
            words = max(1, len(re.findall(r"\w+", text)))
            have[d] = (hits, {k: [list(c) for c in v] for k, v in cues.items()}, words)
            new.append((d, key, words, json.dumps(dict(hits)), json.dumps(have[d][1])))
        try:
            if getattr(store, "read_only", False):  # opened read-only: answer, keep nothing
                return have
            with store.transaction():
                con.execute(_CACHE_DDL)
                con.executemany(
                    "INSERT OR REPLACE INTO speech_issue_cache VALUES (?, ?, ?, ?, ?)", new)
        except Exception:  # noqa: BLE001 - a read-only store: answer without caching
            pass
    return have


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine similarity of two sparse vectors (NaN when either is all zero)."""
    keys = set(a) | set(b)
    dot = sum(a.get(k, 0.0) * b.get(k, 0.0) for k in keys)
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return float("nan") if na == 0 or nb == 0 else dot / (na * nb)


def jaccard(a: set[str], b: set[str]) -> float:
    """|A ∩ B| / |A ∪ B| (NaN when both are empty)."""
    u = a | b
    return float("nan") if not u else len(a & b) / len(u)


def _pair_year(sa: pd.DataFrame, sb: pd.DataFrame) -> dict[str, Any]:
    va = dict(zip(sa["issue"], sa["share"], strict=True))
    vb = dict(zip(sb["issue"], sb["share"], strict=True))
    ra = set(sa.loc[sa["raised"], "issue"])
    rb = set(sb.loc[sb["raised"], "issue"])
    both = sorted(ra & rb)
    st_a = dict(zip(sa["issue"], sa["stance"], strict=True))
    st_b = dict(zip(sb["issue"], sb["stance"], strict=True))
    agree, disagree, judged = [], [], 0
    for k in both:
        x, y = st_a.get(k), st_b.get(k)
        if x in ("supports", "opposes") and y in ("supports", "opposes"):
            judged += 1
            (agree if x == y else disagree).append(k)
    return {
        "cosine": round(cosine(va, vb), 4), "jaccard": round(jaccard(ra, rb), 4),
        "issues_a": len(ra), "issues_b": len(rb), "both": ",".join(both),
        "only_a": ",".join(sorted(ra - rb)), "only_b": ",".join(sorted(rb - ra)),
        "stances_compared": judged, "agree": ",".join(agree), "disagree": ",".join(disagree),
        "agreement": round(len(agree) / judged, 4) if judged else float("nan"),
        "doc_a": sa["doc_id"].iloc[0], "doc_b": sb["doc_id"].iloc[0],
    }


def agenda(store: Any, a: str, b: str, refs: Sequence[tuple[str, str]] = (),
           years: Any = None, *, lexicon: str | Path | None = None, min_hits: int = 2,
           exclude: Sequence[str] = EXCLUDE) -> pd.DataFrame:
    """Agenda overlap of two states' General Debate speeches per year (and of ``refs``).

    One row per pair and year in ``years`` (default 1971–2022): ``cosine``, ``jaccard``,
    ``issues_a``/``issues_b`` (raised), ``both``, ``only_a``, ``only_b``, stance
    ``agree``/``disagree`` lists, ``agreement`` (share of issues both raise with a clear stance
    on which they agree), the document ids, and ``note`` for gaps (no speech stored, the CHN
    seat held by Taipei). Columns ``yardstick_cosine``/``yardstick_jaccard`` repeat the first
    reference pair's values on the main pair's rows (NaN where it has no speeches).
    """
    lo, hi = parse_years(years)
    sal = salience(store, None, (lo, hi), lexicon=lexicon, min_hits=min_hits, exclude=exclude)
    sp = speeches(store, None, (lo, hi))
    notes: list[str] = []
    rows = []
    for x, y in [(a, b), *refs]:
        x, y = x.upper(), y.upper()
        for yr in range(lo, hi + 1):
            sa = sal[(sal["state"] == x) & (sal["year"] == yr)]
            sb = sal[(sal["state"] == y) & (sal["year"] == yr)]
            rec: dict[str, Any] = {"state_a": x, "state_b": y, "year": yr}
            gap = []
            for st, s in ((x, sa), (y, sb)):
                if s.empty:
                    held = sp[(sp["code"] == st) & (sp["year"] == yr)]
                    if not held.empty:
                        gap.append(f"{st}'s seat: {held['delegation'].iloc[0]} "
                                   f"(stored as {held['state'].iloc[0]})")
                    else:
                        gap.append(f"no {st} speech stored")
            if gap:
                rec.update({"cosine": float("nan"), "jaccard": float("nan"),
                            "note": "; ".join(gap)})
            else:
                rec.update(_pair_year(sa, sb))
                dl = {sp.loc[(sp["state"] == st) & (sp["year"] == yr), "delegation"].iloc[0]
                      for st in (x, y)}
                rec["note"] = " / ".join(sorted(d for d in dl if d))
            rows.append(rec)
    df = pd.DataFrame(rows)
    if refs:
        rx, ry = refs[0][0].upper(), refs[0][1].upper()
        yard = df[(df["state_a"] == rx) & (df["state_b"] == ry)].set_index("year")
        main = (df["state_a"] == a.upper()) & (df["state_b"] == b.upper())
        df.loc[main, "yardstick_cosine"] = df.loc[main, "year"].map(yard["cosine"])
        df.loc[main, "yardstick_jaccard"] = df.loc[main, "year"].map(yard["jaccard"])
        if yard["cosine"].isna().all():
            notes.append(f"yardstick {rx}-{ry}: no speeches of both stored for {lo}-{hi}; "
                         "import the full UNGDC release (doi:10.7910/DVN/0TJX8Y) with "
                         "`bilat documents import PATH --format ungdc`")
    df.attrs["notes"] = notes
    df.attrs["definition"] = ("cosine of issue-share vectors; Jaccard of issues raised "
                              f"(≥ {min_hits} hits); issues excluded: {', '.join(exclude)}")
    return df


__all__ = ["DEFAULT_YEARS", "agenda", "cosine", "jaccard", "parse_years", "salience",
           "sentences", "speech_issues", "speeches", "un_lexicon"]
