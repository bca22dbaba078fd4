"""Protocol acts: the narrator's facts of an event, never a position of a leader or a side.

A sentence that only reports a protocol act — a welcome ceremony or a banquet, anthems and a
guard of honour, a handshake or a photo, the format of the talks, hearing reports, meeting the
press, signing or witnessing documents — tells what happened at the event, in the issuer's own
voice ("普京在乔治大厅为习近平举行隆重欢迎仪式", "军乐团奏中俄两国国歌",
"两国元首共同签署…联合声明", "The two leaders held talks in a restricted format",
"Путин дал обед в честь…", "Планируется подписание … документов"). Labelling rule NARR of
``evaluation/readouts/genuine/RULES.md``: it is one-sided, or shared when the other readout reports
the same act; it is never an attribution another readout must confirm.

:func:`act_of` gives the act kind of such a sentence (None when the sentence also says something:
a stance, opposition, a commitment other than "will", agreement, a negation, a verb of saying or
judging, a discussion, a first person, a quotation). Kinds (:data:`ACT_CUES`, zh/ru/en):
``banquet`` (banquet, working lunch, dinner), ``ceremony`` (welcome ceremony, attending a
ceremony), ``arrival`` (arriving on, paying a
visit), ``honours`` (anthems, guard of honour,
military band, salute), ``handshake`` (handshake, photo), ``format`` (talks in a restricted or
expanded format, talks held or begun), ``reports`` (hearing reports), ``press`` (meeting the
press, press statements), ``signing`` (signing, witnessing, exchanging documents).
:func:`act_matches` confirms an act claim by the other readout's report of the same act.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from bilat.text.model import Claim, Document

#: Cues of each act kind, per language (searched case-insensitively).
ACT_CUES: dict[str, list[tuple[str, str]]] = {
    "zh": [
        ("banquet", r"欢迎宴会|宴会|国宴|宴请|午宴|晚宴|工作午餐|工作晚餐|茶叙"),
        ("ceremony", r"欢迎仪式|欢迎式|迎宾仪式|"
                     r"举行(?:了)?(?:隆重|盛大)?(?:的)?仪式|出席(?:了)?[^。，]{0,20}(?:开幕式|仪式|典礼)"),
        ("honours", r"国歌|仪仗队|军乐团|礼炮|检阅"),
        ("arrival", r"抵达|到达|乘专机|进行(?:国事|正式|工作)访问"),
        ("handshake", r"握手|合影"),
        ("format", r"小范围|大范围|(?:先后|随后|首先|还)?(?:举行|主持)(?:了)?[^，。]{0,8}会谈"),
        ("reports", r"听取(?:了)?[^。]{0,60}汇报"),
        ("press", r"会见(?:了)?记者|记者会|见记者"),
        ("signing", r"签署|签订|签字|见证|交换(?:了)?[^。]{0,30}(?:文本|文件|协议|协定)|"
                    r"发表(?:了)?《"),
    ],
    "ru": [
        ("banquet", r"(?:дал|дали|давал)\w*\s+(?:\w+\s+)?(?:обед|ужин|завтрак)\w*|"
                    r"(?:рабоч\w+|неформальн\w+|государственн\w+|торжественн\w+)\s+"
                    r"(?:обед|ужин|завтрак)\w*|приём в честь|прием в честь|чаепити\w+"),
        ("ceremony", r"церемони\w+|торжественн\w+ встреч\w+"),
        ("arrival", r"прибыл\w*|прибуд\w+|(?:находится|находящ\w+)\s+(?:в\s+\w+\s+)?с\s+"
                    r"(?:официальным|государственным|рабочим)\s+визитом|посетит\s+(?:\w+\s+)?"
                    r"с\s+(?:официальным|государственным|рабочим)\s+визитом"),
        ("honours", r"гимн\w*|почётн\w+ караул\w*|почетн\w+ караул\w*|оркестр\w*|"
                    r"артиллерийск\w+ салют\w*"),
        ("handshake", r"рукопожати\w+|пожали руки|фотографировани\w+|совместн\w+ фото\w*"),
        ("format", r"(?:в|во)\s+(?:узком|расширенном|широком)\s+состав\w*|"
                   r"(?:начал(?:ась|ись|ось)|состоял(?:ась|ись|ось|ся)|прош(?:ла|ли))\s+"
                   r"(?:\w+\s+)?(?:переговор\w+|бесед\w+)"),
        ("reports", r"заслушал\w*\s+(?:\w+\s+){0,3}(?:доклад\w*|информаци\w+)"),
        ("press", r"заявлени\w+ для (?:прессы|сми|средств массовой информации)|"
                  r"пресс-конференци\w+|к прессе|с прессой"),
        ("signing", r"подпис(?:ал|ан|ани|ыва)\w*|обменял\w* (?:\w+\s+){0,2}документ\w*|"
                    r"принят\w* (?:\w+\s+){0,2}(?:заявлени|деклараци|документ)\w*"),
    ],
    "en": [
        ("banquet", r"\bbanquet\b|\bstate dinner\b|"
                    r"\b(?:working|official|informal|state)\s+(?:lunch|luncheon|dinner|breakfast)\b|"
                    r"\b(?:hosted|gave|held)\s+(?:a\s+)?(?:lunch|luncheon|dinner|reception)\b"),
        ("ceremony", r"\b(?:welcome|welcoming|official|arrival|state)\s+ceremony\b|"
                     r"\bceremony of (?:official )?welcome\b|"
                     r"\battend(?:s|ed|ing)?\s+(?:the\s+)?(?:[\w-]+\s+){0,2}ceremony\b"),
        ("arrival", r"\barrived in\b|\barrives in\b|\b(?:will )?(?:pay|make|is on|are on)\s+"
                    r"(?:a|an|his|her)\s+(?:state|official|working)\s+visit\b"),
        ("honours", r"\b(?:national )?anthems?\b|\bguard of hono(?:u)?r\b|\bhono(?:u)?r guard\b|"
                    r"\bmilitary band\b|\bgun salute\b"),
        ("handshake", r"\bshook hands\b|\bhandshake\b|\bposed for (?:a )?(?:group )?photo\w*\b|"
                      r"\b(?:group|official) photo\w*\b"),
        ("format", r"\b(?:in|with)\s+(?:a\s+)?(?:restricted|narrow|expanded|extended|"
                   r"one-on-one|small-group|delegation-level)\s+(?:format|composition|session)\b|"
                   r"\btalks (?:began|started|were held|took place)\b|"
                   r"\bheld (?:bilateral )?talks\b"),
        ("reports", r"\bheard (?:\w+\s+){0,3}(?:reports?|briefings?)\b"),
        ("press", r"\b(?:met|meet|meeting) (?:with )?the press\b|\bpress (?:statements?|"
                  r"conference)\b|\bstatements? (?:to|for) the press\b"),
        ("signing", r"\b(?:signed|signing)\b|\b(?:will|to|shall|also)\s+sign\b|"
                    r"\bwitness(?:ed)? the (?:signing|exchange)\b|"
                    r"\bexchanged? (?:of )?(?:\w+\s+){0,2}documents\b|"
                    r"\b(?:statements?|declarations?|documents?)\b[^.;]{0,40}?\b(?:(?:have|has) "
                    r"been|were|was) adopted\b|\badopted (?:a |the )?(?:joint )?(?:statement|"
                    r"declaration)\b"),
    ],
}
#: Words that make a sentence more than an act: saying, judging, agreeing, wishing, a purpose
#: ("表明…决心", "shows", "свидетельствует"), a discussion (judged by the discussion check).
_NOT_ACT = {
    "zh": r"表示|指出|强调|说|认为|同意|一致|商定|约定|相约|愿|希望|期待|表明|体现|标志|意味|彰显|"
          r"重申|祝贺|感谢|欢迎(?!仪式|宴会|式|曲)|赞赏|满意|肯定|交换(?:了)?(?:意见|看法)|讨论|"
          r"沟通|阐述|介绍|决心|责成|宣布|呼吁",
    "ru": r"(?<!\w)(?:отметил\w*|подчеркнул\w*|заявил\w*|сказал\w*|указал\w*|выразил\w*|"
          r"подтвердил\w*|договорил\w*|согласил\w*|условил\w*|обсуд\w*|обсужд\w*|обмен\w* мнени\w*|"
          r"свидетельств\w*|показыва\w*|отража\w*|поблагодарил\w*|поздравил\w*|приветствовал\w*|"
          r"призвал\w*|предложил\w*|считают|считает|надеют\w*|надеет\w*)",
    "en": r"\b(?:said|says|noted|stressed|emphasi[sz]ed|underlined|stated|added|agreed|agree|"
          r"reaffirmed|reiterated|expressed|welcomed|thanked|congratulated|discuss\w*|"
          r"exchanged views|exchange of views|shows?|showed|demonstrat\w+|reflects?|"
          r"underscor\w+|proposed|called|urged|hope[sd]?|believes?|praised|confirmed)\b",
}
#: The first person: a speaker's own words ("我们签署了…", "we signed"), not the narrator's.
_FIRST_PERSON = {"zh": r"我", "ru": r"(?<!\w)(?:я|мы|нам|нас|наш\w*)(?!\w)",
                 "en": r"\b(?:I|[Ww]e|[Uu]s|[Oo]ur)\b"}
#: Titles of documents (masked before the checks: a title may hold any word).
_TITLES = re.compile(r"《[^》]*》|«[^»]*»|“[^”]*”|\"[^\"]*\"")


@lru_cache(maxsize=16)
def _cues(language: str) -> list[tuple[str, re.Pattern[str]]]:
    return [(kind, re.compile(rx, re.IGNORECASE)) for kind, rx in ACT_CUES[language]]


@lru_cache(maxsize=16)
def _not_act(language: str) -> re.Pattern[str]:
    return re.compile(_NOT_ACT[language], re.IGNORECASE)


@lru_cache(maxsize=16)
def _cue_union(language: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """Every kind's cue in one alternation, a named group per kind in :data:`ACT_CUES` order:
    one scan finds the leftmost cue, and at one place the kind listed first, as searching each
    kind apart and keeping the earliest start (ties to the earlier kind) does."""
    kinds = tuple(kind for kind, _ in ACT_CUES[language])
    union = "|".join(f"(?P<k{i}>{rx})" for i, (_, rx) in enumerate(ACT_CUES[language]))
    return re.compile(union, re.IGNORECASE), kinds


@lru_cache(maxsize=1 << 16)
def act_cue(text: str, language: str | None) -> tuple[str, str] | None:
    """The first act cue in ``text``: (kind, the words), or None; whatever else it says
    (remembered per text and language: a comparison asks it of every claim of the other
    readout)."""
    lang = language if language in ACT_CUES else "en"
    masked = _TITLES.sub(lambda m: " " * len(m.group(0)), text)
    rx, kinds = _cue_union(lang)
    m = rx.search(masked)
    if m is None or m.lastgroup is None:
        return None
    return kinds[int(m.lastgroup[1:])], m.group(0)


def _act_cue_each(text: str, language: str | None) -> tuple[str, str] | None:
    """:func:`act_cue` searching each kind apart (the reference its one scan must equal)."""
    lang = language if language in ACT_CUES else "en"
    masked = _TITLES.sub(lambda m: " " * len(m.group(0)), text)
    found: tuple[int, str, str] | None = None
    for kind, rx in _cues(lang):
        m = rx.search(masked)
        if m is not None and (found is None or m.start() < found[0]):
            found = (m.start(), kind, m.group(0))
    return None if found is None else (found[1], found[2])


def act_of(text: str, language: str | None, *, stance: str | None = None,
           modality: str | None = None, negated: bool = False,
           opposes: bool = False) -> tuple[str, str] | None:
    """(kind, cue) when ``text`` only reports a protocol act (module docstring), else None.

    ``stance``/``modality``/``negated``/``opposes``: the claim's own cues
    (:mod:`bilat.text.claims`); an act may be announced ("will sign": modality ``will``)."""
    lang = language if language in ACT_CUES else "en"
    if stance is not None or opposes or negated or modality not in (None, "will"):
        return None
    masked = _TITLES.sub(lambda m: " " * len(m.group(0)), text)
    if re.search(r"[“”\"«»]", masked) or _not_act(lang).search(masked) \
            or re.search(_FIRST_PERSON[lang], masked, 0 if lang == "en" else re.IGNORECASE):
        return None
    return act_cue(text, lang)


def is_act(c: Claim) -> bool:
    """Whether a claim was read as a protocol act (``extra["act"]``, set by the claims)."""
    return bool((c.extra or {}).get("act"))


#: Concepts of the setting of an event (its month, its city, a ceremony: the lexicon's
#: ``bridge_only`` concepts of time and place): not matters an act is about.
SETTING_CONCEPTS = frozenset({"~beijing", "~moscow", "~washington", "~europe", "~ceremony",
                              "~jan", "~feb", "~mar", "~apr", "~may", "~jun", "~jul", "~aug",
                              "~sep", "~oct", "~nov", "~dec"})
#: Dates and times of the setting ("5月8日上午", "8 мая 2025 года", "May 8, 2025", "10:10"): not
#: figures of an act.
_DATES = re.compile(
    r"\d{1,4}\s*(?:年|月|日|号)|\d{1,2}:\d{2}|\b\d{1,2}(?:\s*[–−-]\s*\d{1,2})?\s+(?:январ|феврал|"
    r"март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*(?:\s+\d{4}\s+г\w*)?|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2}(?:,\s+\d{4})?|\b(?:19|20)\d{2}\b")
#: Score given to an act claim confirmed by the other readout's report of the same act.
ACT_SCORE = 0.45


def act_matches(
    documents: Sequence[Document], claims: dict[str, list[Claim]],
    raws: dict[tuple[str, str], Any], best: dict[str, tuple[float, Claim | None]],
    matters: Callable[[Claim], frozenset[str]], has_figure: Callable[[str], bool],
    best_among: Callable[[Any, int, list[int]], tuple[int, float]],
    floor: float = 0.0, floors: dict[tuple[str, str], float] | None = None,
    via: dict[str, str] | None = None,
) -> None:
    """An act claim (:func:`is_act`) is confirmed by a claim of the other readout that reports
    the same kind of act (its cue, :func:`act_cue`), whatever else that claim says ("习近平为
    普京举行宴会" ↔ "During the working lunch, the two leaders discussed …"; "两国元首共同签署…联合
    声明" ↔ "Планируется подписание … документов"). An act claim giving a figure, or naming a
    matter (``matters``; titles of documents, the act's own words and its setting,
    :data:`SETTING_CONCEPTS`, not counted) the
    counterpart does not, is left to the similarity ("named documents
    only one side gives" stay one-sided). The claim then scores at least
    ``max(ACT_SCORE, floor)`` (``floors`` per pair of documents) against the best-scoring such
    counterpart; ``via`` gets ``"act"``."""
    del documents  # (the pairs are the keys of ``raws``)
    for (a_id, b_id), raw in raws.items():
        level = max(ACT_SCORE, (floors or {}).get((a_id, b_id), floor))
        for rows, cols, mat in ((claims[a_id], claims[b_id], raw),
                                (claims[b_id], claims[a_id], raw.T)):
            col_kind: list[str | None] | None = None
            for x, c in enumerate(rows):
                if not is_act(c) or best[c.claim_id][0] >= level or has_figure(
                        _DATES.sub(" ", _TITLES.sub(" ", c.text))):
                    continue
                if col_kind is None:
                    col_kind = [(act_cue(d.text, d.language) or (None, ""))[0] for d in cols]
                kind = (c.extra or {}).get("act")
                # what it names beyond the act itself (titles of documents masked)
                masked = _TITLES.sub(lambda m: " " * len(m.group(0)), c.text)
                own = matters(replace(c, text=masked, issues=())) - matters(replace(
                    c, text=(act_cue(c.text, c.language) or ("", ""))[1], issues=()))
                own -= SETTING_CONCEPTS
                cand = [y for y, d in enumerate(cols) if col_kind[y] == kind
                        and not own - matters(d)]
                if not cand:
                    continue
                y, y_score = best_among(mat, x, cand)
                best[c.claim_id] = (max(level, y_score), cols[y])
                if via is not None:
                    via[c.claim_id] = "act"


__all__ = ["ACT_CUES", "ACT_SCORE", "SETTING_CONCEPTS", "act_cue", "act_matches", "act_of",
           "is_act"]
