"""Claim-to-claim similarity across documents: lexical (default), language-independent, embeddings.

All aligners return a matrix ``S[i, j]`` in [0, 1] for claims ``a[i]`` and ``b[j]``:

- :class:`LexicalAligner` (default, same-language pairs): wording ``L`` = 0.75 × IDF-weighted
  Dice overlap + 0.25 × rapidfuzz token-set ratio of language-aware tokens (Latin/Cyrillic words
  cut to a 6-letter stem, without stop words and the leaders'/countries' names, words of the
  readout register mapped to shared concepts such as ``~contact`` for contacts/communication/
  контакты; Chinese as character bigrams plus the same concepts), combined with issue overlap
  ``I`` (Jaccard of issue keys, broader issues and register topics such as "state of relations",
  "contacts", "signing", "greetings", "thanks") and relative position ``P`` in the two texts:
  ``S = 0.90·L + 0.10·I + 0.05·P`` (``P`` only where the wording overlaps at all; ``I`` replaced
  by ``L`` when neither claim has an issue). Two opening "who met/called whom" sentences score at
  least 0.7. Weights and thresholds were tuned on the labelled English pairs
  (evaluation/eval_readouts.py), see the readouts module.
- :class:`FeatureAligner` (cross-language pairs without embeddings): no wording, only what does
  not depend on the language: issue overlap, "bridge" tokens (the bilingual register concepts
  of ``data/concepts.json`` — zh/ru/en patterns such as ``~agree`` for agreed/договорились/同意,
  ``~team`` for teams/команды/团队 — and numbers), speaker compatibility and stance/modality
  agreement: ``S = 0.45·issues + 0.35·bridge + (0.10·speaker + 0.10·form)·min(1, 2·bridge +
  issues)``, halved when both claims have issues and share none, halved again when they share
  no bridge token at all (a topic word alone is not the same claim), × 0.6 when they share only
  commonplace concepts (:data:`GENERIC_CONCEPTS`: relations, cooperation, development…), × 0.5
  when they share exactly one specific concept (:data:`SINGLE_FACTOR`: "support" alone is thin
  evidence), plus 0.05·P for relative position where they share a bridge token. "Issues" are
  compared only when both claims name one; otherwise the bridge term stands in for them.
- :class:`EmbeddingAligner` (``pip install 'bilat[embeddings]'``): cosine similarity of
  multilingual sentence embeddings (sentence-transformers), mixed with the same issue and speaker
  features: ``S = 0.60·cosine + 0.25·issues + 0.15·speaker`` (weights not tuned: no model could
  be downloaded where bilat was built). Imported lazily; without the extra it raises E002 with
  the install command.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from bilat.errors import error
from bilat.text.lexicon import Lexicon, load_lexicon
from bilat.text.model import Claim
from bilat.text.prefilter import CharMap, Prefilter, literal_starts
from bilat.text.prefilter import finditer as prefiltered

#: Aligner names accepted by :func:`get_aligner` and ``--aligner``.
ALIGNERS = ("auto", "lexical", "features", "embeddings")
#: Default multilingual model for :class:`EmbeddingAligner`.
DEFAULT_EMBEDDING_MODEL = "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"

_STOP = {
    "en": set([
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with", "by", "from",
        "as", "that", "this", "these", "those", "is", "are", "was", "were", "be", "been", "being",
        "it", "its", "his", "her", "their", "they", "he", "she", "we", "our", "us", "which", "who",
        "whom", "whose", "also", "has", "have", "had", "will", "would", "shall", "should", "can",
        "could", "may", "might", "must", "not", "no", "than", "then", "there", "here", "such",
        "into", "over", "under", "about", "between", "both", "two", "sides", "side", "said",
        "noted", "stressed", "pointed", "out", "emphasized", "emphasised", "expressed", "stated",
        "added", "during", "while", "other", "each", "all", "any", "very", "more", "most",
        "further", "well", "so", "only", "same", "upon", "within", "without", "including",
        "include", "through", "per", "xi", "jinping", "vladimir", "putin", "china", "chinese",
        "russia", "russian", "presid", "leader", "leaders", "heads", "head", "state", "countr",
        "our", "prc", "people's", "republic", "federation"
    ]),
    "ru": set([
        "и", "в", "во", "на", "с", "со", "по", "к", "ко", "о", "об", "от", "до", "для", "из", "за",
        "что", "как", "это", "этот", "эта", "эти", "тот", "та", "те", "а", "но", "же", "ли", "бы",
        "не", "ни", "он", "она", "они", "его", "ее", "её", "их", "также", "при", "между", "обе",
        "оба", "стороны", "сторона", "был", "была", "были", "быть", "будет", "будут", "который",
        "которая", "которые", "которых", "о", "об", "под", "над", "уже", "ещё", "еще", "отметил",
        "подчеркнул", "заявил", "сказал", "выразил", "си", "цзиньп", "владим", "путин", "китай",
        "китайс", "россия", "россий", "презид", "лидер", "лидеры", "глава", "главы", "госуда",
        "страна", "страны", "двух", "кнр", "рф"
    ]),
}
#: Words of the readout register that say the same thing (6-letter stems → one concept).
_CONCEPTS = {
    "~talk": "talks conver phone teleph call spoke speak held meet met negoti переговор беседа "
             "разгов телефо встреч провел",
    "~discuss": "discus exchan views outlin опинион обсуди обмени мнения",
    "~contact": "contac commun dialog exchan контак связ общени диалог",
    "~keep": "mainta contin keep sustai preser продол сохран поддер",
    "~deepen": "deepen expand streng enhanc boost step intens promot advanc further углубл "
               "расшир укрепл наращи развив активи",
    "~relation": "relati ties partne отноше связи партнё партне",
    "~high": "highes highly high best unprec all-ti record peak высоча наивыс беспре рекорд "
             "лучший высоко высоки высокий",
    "~thank": "thank gratit gratef призна благод",
    "~attend": "attend partic presen join участи присут",
    "~invite": "invite invita welcom пригла",
    "~settle": "settle resolu resolv settlm урегул решени",
    "~trade": "trade tradin commer торгов товаро",
    "~award": "award honour honor medal order наград орден",
    "~greet": "congra greeti wishes wished поздра пожела",
    "~sign": "sign signed signin подпис",
    "~document": "docume agreem contra докуме соглаш контра",
    "~situation": "situat crisis issue questi ситуац кризис вопрос пробле",
    "~support": "suppor backin поддер",
    "~oppose": "oppose opposi reject против отверг",
    "~outside": "outsid extern foreig внешни",
    "~cooperate": "cooper coordi intera collab сотруд взаимо коорди",
    "~agree": "agreed agree consen догово соглас",
    "~visit": "visit trip визит поездк",
    "~grow": "grow growth grew increa rise rose рост вырос увелич",
    "~stable": "stable stabil steady resili устойч стабил",
    "~security": "securi safety безопа",
    "~sovereign": "sovere суверен",
    "~interfere": "interf meddl вмешат",
    "~history": "histor истори",
    "~falsify": "falsif distor fabric фальси искаже искажа",
    "~treaty": "treaty treati",
    "~parade": "parade парад",
    "~victory": "victor победа победы победе победу побед",
    "~war": "war wars wartim война войны войне войну",
    "~extend": "extend extens prolon продле продли",
    "~statement": "statem declar заявле деклар",
    "~joint": "joint jointl common совмес",
    "~smear": "smear stigma slande клевет очерни дискре",
    "~confident": "confid convin увере",
}
_CONCEPT_OF = {stem: concept for concept, stems in _CONCEPTS.items() for stem in stems.split()}
#: The same concepts in Chinese (words found inside Han runs).
_ZH_CONCEPTS = {
    "~talk": "通电话 会谈 会见 通话 会晤",
    "~discuss": "交换意见 讨论 探讨",
    "~contact": "沟通 联系 交往 交流 对话",
    "~keep": "保持 继续",
    "~deepen": "深化 扩大 加强 增进 推动 推进 提升",
    "~relation": "关系 伙伴",
    "~high": "最好 最高 前所未有 高水平",
    "~thank": "感谢 感激",
    "~award": "勋章 荣誉",
    "~greet": "祝贺 祝福 致以 问候",
    "~sign": "签署",
    "~document": "文件 协议 合同",
    "~situation": "局势 形势 问题 危机",
    "~support": "支持",
    "~oppose": "反对",
    "~outside": "外部 域外",
    "~cooperate": "合作 协作 协调 配合",
    "~agree": "同意 一致 共识",
    "~visit": "访问 来访",
    "~grow": "增长 增加",
    "~stable": "稳定",
    "~security": "安全",
    "~sovereign": "主权",
    "~interfere": "干涉",
    "~attend": "出席 参加 参与",
    "~invite": "邀请 欢迎",
    "~settle": "解决",
    "~trade": "贸易 经贸",
    "~history": "历史",
    "~falsify": "歪曲 篡改 否认",
    "~treaty": "条约",
    "~parade": "阅兵",
    "~victory": "胜利",
    "~war": "战争 大战",
    "~extend": "延期 延长",
    "~statement": "声明 宣言",
    "~joint": "共同 联合",
    "~smear": "抹黑 污名 贴标签",
    "~confident": "相信 坚信 信心",
    # 共同体 (community: 命运共同体, 卫生健康共同体) is not 共同 (joint): the longer word is
    # tried first
    "~community": "共同体",
}
_ZH_CONCEPT_RE = re.compile("|".join(sorted(
    (w for words in _ZH_CONCEPTS.values() for w in words.split()), key=len, reverse=True)))
_ZH_CONCEPT_OF = {w: c for c, words in _ZH_CONCEPTS.items() for w in words.split()}
_ZH_STOP = set("的了在和与是等也及并对将为就其之而于以上中")
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_HAN = re.compile(r"[\u4e00-\u9fff]+")


@lru_cache(maxsize=1)
def _concept_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The bilingual register concepts of ``data/concepts.json``, one regex per concept."""
    raw = json.loads(resources.files("bilat.text").joinpath("data/concepts.json").read_text(
        encoding="utf-8"))
    out = []
    for key, langs in raw["concepts"].items():
        parts = []
        for lang, pats in langs.items():
            alt = "|".join(f"(?:{p})" for p in pats)
            parts.append(f"(?:{alt})" if lang == "zh" else rf"(?<!\w)(?:{alt})(?!\w)")
        out.append((key, re.compile("|".join(parts), re.IGNORECASE)))
    return tuple(out)


@lru_cache(maxsize=1)
def _concept_scan() -> tuple[tuple[re.Pattern[str], ...], dict[str, str]]:
    """Regexes over every concept (named groups): one for Latin/Cyrillic patterns anchored at
    word starts (fails fast inside words), one for Han, and the same two over the formulas
    alone (multi-word patterns, Han words of 3+ characters), scanned again so that a formula
    is found even where a shorter word of another concept matches first."""
    raw = json.loads(resources.files("bilat.text").joinpath("data/concepts.json").read_text(
        encoding="utf-8"))
    groups: dict[str, str] = {}
    bounded, free, formulas_b, formulas_f = [], [], [], []
    for i, (key, langs) in enumerate(raw["concepts"].items()):
        for lang, pats in langs.items():
            name = f"c{i}_{lang}"
            groups[name] = groups[name + "_f"] = key
            alt = "|".join(f"(?:{p})" for p in pats)
            (free if lang == "zh" else bounded).append(f"(?P<{name}>{alt})")
            # formulas (several words; Han words of 3+ characters) are scanned again on their
            # own: the scan takes the first alternative that matches at a position, so "в
            # мировых делах" / "国际事务" (international affairs) would lose to the single word
            # "мировых" / "国际" of another concept
            long = [p for p in pats if (len(p) >= 3 if lang == "zh" else " " in p)]
            if long:
                alt = "|".join(f"(?:{p})" for p in long)
                (formulas_f if lang == "zh" else formulas_b).append(f"(?P<{name}_f>{alt})")
    rxs = (re.compile(r"(?<!\w)(?:" + "|".join(bounded) + r")(?!\w)", re.IGNORECASE),
           re.compile("|".join(free)),
           re.compile(r"(?<!\w)(?:" + "|".join(formulas_b) + r")(?!\w)", re.IGNORECASE),
           re.compile("|".join(formulas_f)))
    return rxs, groups


@lru_cache(maxsize=1)
def bridge_only() -> frozenset[str]:
    """Concepts of ``data/concepts.json`` used across languages only (its ``bridge_only`` list):
    translations for cross-language alignment, not counted again in same-language wording."""
    raw = json.loads(resources.files("bilat.text").joinpath("data/concepts.json").read_text(
        encoding="utf-8"))
    return frozenset(raw.get("bridge_only", ()))


#: Unicode spaces (no-break, thin, ideographic …) read as a plain space before matching: the
#: White House writes "key\u00a0senior\u00a0officials", which a formula "senior officials" of
#: the lexicon would otherwise never match.
_SPACES = {ord(c): " " for c in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000"}


def plain_spaces(text: str) -> str:
    """``text`` with every Unicode space character replaced by a plain space (same length)."""
    return _TO_SPACE(text)


_TO_SPACE = CharMap(_SPACES)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def issue_twins() -> dict[str, str]:
    """Issue key → the concept of ``data/concepts.json`` naming the same matter (its
    ``issue_twins``: ``cybersecurity`` → ``~cyber``, ``covid`` → ``~health``, …)."""
    raw = json.loads(resources.files("bilat.text").joinpath("data/concepts.json").read_text(
        encoding="utf-8"))
    return dict(raw.get("issue_twins", {}))


@lru_cache(maxsize=1)
def _shared_words() -> tuple[tuple[re.Pattern[str], frozenset[str]], ...]:
    """Patterns that several concepts of ``data/concepts.json`` list (the Russian "конфликт"
    is a conflict and a crisis, 危机 a crisis and turbulence), with every concept listing
    them: the scan takes one concept per match, a word listed twice carries both."""
    raw = json.loads(resources.files("bilat.text").joinpath("data/concepts.json").read_text(
        encoding="utf-8"))
    owners: dict[tuple[str, str], set[str]] = {}
    for key, langs in raw["concepts"].items():
        for lang, pats in langs.items():
            for p in pats:
                owners.setdefault((lang, p), set()).add(key)
    return tuple((re.compile(p, re.IGNORECASE), frozenset(keys))
                 for (_, p), keys in owners.items() if len(keys) > 1)


#: Round 6 of issue 13: a word that two concepts list carries both (:func:`_shared_words`).
SHARED_WORDS = True


@lru_cache(maxsize=8192)
def concepts(text: str) -> frozenset[str]:
    """Register concepts (``~olympics``, ``~conflict``, …) a text carries, in any language
    (Unicode spaces count as spaces)."""
    rxs, groups = _concept_scan()
    text = plain_spaces(text)
    found: set[str] = set()
    shared = _shared_words() if SHARED_WORDS else ()
    for rx in rxs:  # the same matches as rx.finditer, tried only where they may start
        for m in prefiltered(rx, text):
            if not m.lastgroup:
                continue
            found.add(groups[m.lastgroup])
            for pattern, keys in shared:
                if groups[m.lastgroup] in keys and pattern.fullmatch(m.group(0)):
                    found.update(keys)
    return frozenset(found)


def tokens(text: str, language: str = "en") -> list[str]:
    """Comparison tokens: 6-letter word stems without stop words; Han text as bigrams; the
    bilingual register concepts of ``data/concepts.json``."""
    out: list[str] = sorted(concepts(text) - bridge_only())
    for run in _HAN.findall(text):
        out.extend(_ZH_CONCEPT_OF[m.group(0)] for m in _ZH_CONCEPT_RE.finditer(run))
        chars = [c for c in run if c not in _ZH_STOP]
        out.extend(chars[i] + chars[i + 1] for i in range(len(chars) - 1))
        if len(chars) == 1:
            out.append(chars[0])
    rest = _HAN.sub(" ", text).lower()
    stop = _STOP.get(language, _STOP["en"]) | _STOP["en"]
    for w in _WORD.findall(rest):
        if w in stop or w[:6] in stop or len(w) < 2:
            continue
        stem = w[:6]
        if w.startswith(("communit", "сообществ")):
            # "community" is not "communication" (same six letters): its own concept
            out.append("~community")
            continue
        if w.startswith("particul"):
            continue  # "in particular" is not "participate" (same six letters)
        out.append(_CONCEPT_OF.get(stem, stem))
    return out


#: A number written in Chinese numerals where it counts something: after 第 (an ordinal,
#: "第三十七次会晤", the 37th meeting) or before a measure word (次, 周年, 届, 年); "十分"
#: (very), "百年变局" and "两国" are not numbers of this kind.
_ZH_NUMBER = re.compile(r"(?:(?<=第)[零一二三四五六七八九十百千两]+|"
                        r"[零一二三四五六七八九十百千两]{2,})(?=次|周年|届|年)")
_ZH_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}


def zh_number(numeral: str) -> int | None:
    """The value of a Chinese numeral below 10,000 ("三十七" → 37, "一百零五" → 105); None for
    digit-by-digit writing ("二零二一", a year)."""
    total, digit = 0, None
    for ch in numeral:
        if ch == "零" and total:
            continue  # a placeholder inside a number ("一百零五")
        if ch in _ZH_DIGIT:
            if digit is not None:
                return None  # "二零" (digit by digit, a year): not a count
            digit = _ZH_DIGIT[ch]
        elif ch in "十百千":
            total += (1 if digit is None else digit) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def bridge_tokens(text: str, language: str = "en") -> set[str]:
    """Language-independent tokens: shared concepts (``~agree``) and numbers of 2+ digits
    (Chinese numerals of counts and ordinals too: "第三十七次" gives "37")."""
    return set(_bridge_tokens(text, language, ZH_NUMBERS))


@lru_cache(maxsize=16384)  # per claim text: asked for by several steps of a comparison
def _bridge_tokens(text: str, language: str, zh_numbers: bool) -> frozenset[str]:
    toks = set(tokens(text, language)) | concepts(text)
    numbers = set(re.findall(r"\d{2,}", text))
    if zh_numbers and language == "zh":
        for m in _ZH_NUMBER.finditer(text):
            value = zh_number(m.group(0))
            if value is not None and value >= 10:
                numbers.add(str(value))
    return frozenset({t for t in toks if t.startswith("~")} | numbers)


#: Round 5 of issue 13: Chinese numerals of counts and ordinals are bridge numbers.
ZH_NUMBERS = True


def _idf(token_lists: Sequence[Sequence[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for toks in token_lists:
        df.update(set(toks))
    n = max(len(token_lists), 1)
    return {t: math.log(1.0 + n / c) for t, c in df.items()}


def _weighted_dice(a: set[str], b: set[str], idf: dict[str, float]) -> float:
    """IDF-weighted Dice coefficient ``2·Σ_{a∩b} idf / (Σ_a idf + Σ_b idf)``. The sums are
    exactly rounded (``math.fsum``), so the value does not depend on the order a set is
    iterated in (equal sets built in different ways, or a set intersected with itself)."""
    if not a or not b:
        return 0.0
    inter = math.fsum(idf.get(t, 1.0) for t in a & b)
    total = math.fsum(idf.get(t, 1.0) for t in a) + math.fsum(idf.get(t, 1.0) for t in b)
    return 2.0 * inter / total if total else 0.0


_FRAME = re.compile(
    r"\b(?:held talks|hold talks|spoke (?:\w+ ){0,12}?(?:on|by) (?:the )?(?:tele)?phone|"
    r"spoke (?:today )?with|welcomed (?:[\w.]+ ){1,5}?to (?:the )?[A-Z]?\w+|"
    r"had a (?:\w+ ){0,2}?(?:conversation|call|meeting) with|"
    r"held a (?:\w+ ){0,2}?(?:video call|call|videoconference) (?:today )?with|"
    r"met (?:on \w+ \d+ |today |virtually (?:on \w+ \d+ )?)?with|"
    r"(?:telephone|phone) conversation between|talks,? via videoconference|"
    r"telephone conversation|phone (?:call|conversation)|video (?:call|conference|link)|"
    r"videoconference|virtual meeting|met (?:with )?|held a meeting|had a meeting)"
    r"|(?<!\w)(?:провел\w* переговоры|телефонн\w* разговор|переговоры|встретил\w*|"
    r"видеоконференц\w*|по видеосвязи|провели встречу)"
    r"|(?<!\w)(?:разговор\w* (?:Владимира Путина|Президента))"
    r"|通电话|会谈|会见|视频会晤|通话|举行会晤|视频通话",
    re.IGNORECASE,
)


#: Recurring moves of the readout register that carry no issue: both readouts usually make
#: them in different words, so they count like a shared issue when claims are compared.
REGISTER_TOPICS = {
    "relations_state": (
        r"\brelations?(?:hip)?\b.{0,80}\b(?:level|history|historic|mature|resilien\w*|best|"
        r"highest|unprecedented|example|model|not (?:directed|targeted|aimed)|non-alliance|"
        r"opportunistic|third (?:party|countr\w+))"
        r"|\b(?:high|highest|unprecedented|new)\s+(?:level|stage|heights?)\b.{0,60}\brelations?"
        r"|(?<!\w)отношени\w*.{0,80}(?:уровн\w*|истори\w*|беспрецедент\w*|не направлен\w*|"
        r"конъюнктур\w*|образ\w*|зрел\w*)"
        r"|(?:уровн\w*|истори\w*).{0,40}отношени\w*"
        r"|关系.{0,30}(?:水平|历史|最好|成熟|稳定|韧性|不结盟|第三方)"),
    "contacts": (
        r"\b(?:maintain|continue|keep|stay)\w*\b.{0,40}\b(?:contacts?|communication|exchanges|"
        r"dialogue|touch)\b|\bmeet again\b|\bnext meeting\b"
        r"|(?<!\w)(?:поддерживать|продолжить|сохранить|продолжать)\w*.{0,30}"
        r"(?:контакт\w*|связ\w*|общени\w*|диалог\w*)|(?<!\w)новой встреч\w*"
        r"|保持.{0,8}(?:沟通|联系|交往|往来)|再次会晤"),
    "signing": (
        r"\b(?:signed|signing|witnessed|adopted)\b.{0,80}\b(?:documents?|agreements?|"
        r"statements?|contracts?)\b|\bdocuments?\b.{0,60}\bsigned\b"
        r"|(?<!\w)подписа\w*|(?<!\w)пакет\w* документ\w*|签署|见证"),
    "greetings": (
        r"\bcongratulat\w*|\bgreetings?\b|\bwish(?:ed|es)?\b|\bcondolences?\b|\bbirthday\b"
        r"|(?<!\w)(?:поздрав\w*|соболезн\w*|пожела\w*)|祝贺|祝福|慰问|致以|生日"),
    "thanks": (
        r"\bthank\w*|\bgratitude\b|\bgrateful\b"
        r"|(?<!\w)(?:поблагодар\w*|благодар\w*|признательн\w*)|感谢|感激"),
    "atmosphere": (
        r"\batmosphere\b|\bfriendly\b.{0,30}\b(?:manner|conversation|talks)\b"
        r"|(?<!\w)атмосфер\w*|气氛|氛围"),
}
_TOPIC_RE = {k: re.compile(v, re.IGNORECASE) for k, v in REGISTER_TOPICS.items()}


@lru_cache(maxsize=16384)  # every claim is asked once per pair of documents it is in
def register_topics(text: str) -> frozenset[str]:
    """Register moves a claim makes (relations_state, contacts, signing, greetings, …)."""
    text = plain_spaces(text)
    # the same matches as each rx.search, tried only where one may start (prefilter)
    found = _topic_scan().finditer(text)
    return frozenset(k for k, hits in zip(_TOPIC_RE, found, strict=True) if hits)


@lru_cache(maxsize=1)
def _topic_scan() -> Prefilter:
    """The register-topic patterns scanned from their literal starts (one pass per text)."""
    rxs = list(_TOPIC_RE.values())
    return Prefilter(rxs, [literal_starts(rx.pattern, rx.flags & re.IGNORECASE) for rx in rxs])


def is_event_frame(claim: Claim) -> bool:
    """The opening sentence that says who met or called whom ("X held talks with Y")."""
    return claim.sentence_index <= 1 and claim.paragraph_index == 0 \
        and bool(_FRAME.search(plain_spaces(claim.text)))


def issue_set(claim: Claim, lexicon: Lexicon) -> frozenset[str]:
    """The claim's issues, the broader issues they count toward, and its register topics."""
    return frozenset(lexicon.expand(claim.issues) | register_topics(claim.text))


def _jaccard(ia: frozenset[str], ib: frozenset[str]) -> float | None:
    if not ia and not ib:
        return None
    return len(ia & ib) / len(ia | ib)


def issue_similarity(a: Claim, b: Claim, lexicon: Lexicon) -> float | None:
    """Jaccard overlap of the claims' issues (broader issues and register topics included).

    None when neither claim has any: nothing to compare is not evidence of a difference.
    """
    return _jaccard(issue_set(a, lexicon), issue_set(b, lexicon))


def speaker_compatible(a: Claim, b: Claim) -> float:
    """1 when the speakers can be the same (same side, 'both sides', unknown), else 0."""
    sa, sb = a.speaker_side, b.speaker_side
    if sa is None or sb is None or sa == sb or "BOTH" in (sa, sb):
        return 1.0
    return 0.0


def form_agreement(a: Claim, b: Claim) -> float:
    """1 when stance and modality agree (or are both absent), 0.5 for one, 0 for neither."""
    return 0.5 * (a.stance == b.stance) + 0.5 * (a.modality == b.modality)


class Aligner:
    """Base class: a similarity matrix between two lists of claims."""

    name = "base"
    #: True when the aligner compares wording (not only issues/speakers/stance).
    reads_wording = True

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()

    def similarity(self, a: Sequence[Claim], b: Sequence[Claim]) -> np.ndarray:
        """``S[i, j]`` in [0, 1] for every claim pair."""
        raise NotImplementedError

    def lexical(self, a: Sequence[Claim], b: Sequence[Claim]) -> np.ndarray:
        """Wording similarity alone (the aligner's own measure; 0 for FeatureAligner)."""
        return np.zeros((len(a), len(b)))


class LexicalAligner(Aligner):
    """IDF-weighted token overlap + issue + speaker features (see the module docstring)."""

    name = "lexical"

    def __init__(self, lexicon: Lexicon | None = None,
                 weights: tuple[float, float, float] = (0.90, 0.10, 0.0),
                 position: float = 0.05) -> None:
        super().__init__(lexicon)
        #: (wording, issues, speaker) weights of the combined score.
        self.weights = weights
        #: Weight of the relative-position term (readouts tend to follow the same order).
        self.position = position

    def lexical(self, a: Sequence[Claim], b: Sequence[Claim]) -> np.ndarray:
        ta = [tokens(c.text, c.language or "en") for c in a]
        tb = [tokens(c.text, c.language or "en") for c in b]
        idf = _idf(ta + tb)
        sa, sb = [set(t) for t in ta], [set(t) for t in tb]
        out = np.zeros((len(a), len(b)))
        for i, x in enumerate(sa):
            for j, y in enumerate(sb):
                if not (x & y):
                    continue
                dice = _weighted_dice(x, y, idf)
                ratio = fuzz.token_set_ratio(" ".join(ta[i]), " ".join(tb[j])) / 100.0
                out[i, j] = 0.75 * dice + 0.25 * ratio
        return out

    def similarity(self, a: Sequence[Claim], b: Sequence[Claim]) -> np.ndarray:
        lex = self.lexical(a, b)
        out = _combine(lex, a, b, self.lexicon, *self.weights)
        if self.position and len(a) > 1 and len(b) > 1:
            ra = np.arange(len(a))[:, None] / (len(a) - 1)
            rb = np.arange(len(b))[None, :] / (len(b) - 1)
            out = out + self.position * (1.0 - np.abs(ra - rb)) * (lex > 0)
        return np.minimum(out, 1.0)


#: Concepts nearly every claim of a readout carries: sharing only these is weak evidence.
GENERIC_CONCEPTS = frozenset({
    "~relations", "~relation", "~cooperation", "~cooperate", "~develop", "~world",
    "~international", "~strategic", "~deepen", "~high", "~keep", "~communication",
    "~contact", "~stabilise", "~stable", "~security", "~peace", "~friendship", "~trust",
    "~responsibility", "~discuss", "~talk", "~meet", "~schedule", "~situation", "~crisis",
})


#: Compare issues only when both claims name one (else the bridge tokens stand in).
ISSUES_BOTH_NEEDED = True
#: Factor for two claims of different languages sharing one specific concept only.
SINGLE_FACTOR = 0.5


class FeatureAligner(Aligner):
    """Language-independent: issues, shared concepts and numbers, speaker side, stance, form."""

    name = "features"
    reads_wording = False

    def __init__(self, lexicon: Lexicon | None = None, position: float = 0.05,
                 generic_factor: float = 0.6,
                 single_factor: float | None = None) -> None:
        super().__init__(lexicon)
        #: Weight of the relative-position term (readouts tend to follow the same order).
        self.position = position
        #: Factor for two claims that share only commonplace concepts (GENERIC_CONCEPTS).
        self.generic_factor = generic_factor
        #: Factor for two claims that share exactly one specific concept.
        self.single_factor = SINGLE_FACTOR if single_factor is None else single_factor

    def lexical(self, a: Sequence[Claim], b: Sequence[Claim]) -> np.ndarray:
        ta = [bridge_tokens(c.text, c.language or "en") for c in a]
        tb = [bridge_tokens(c.text, c.language or "en") for c in b]
        idf = _idf([list(t) for t in ta + tb])
        out = np.zeros((len(a), len(b)))
        for i, x in enumerate(ta):
            for j, y in enumerate(tb):
                out[i, j] = _weighted_dice(x, y, idf)
        return out

    def similarity(self, a: Sequence[Claim], b: Sequence[Claim]) -> np.ndarray:
        bridge = self.lexical(a, b)
        out = np.zeros((len(a), len(b)))
        specific_a = [bridge_tokens(c.text, c.language or "en") - GENERIC_CONCEPTS for c in a]
        specific_b = [bridge_tokens(c.text, c.language or "en") - GENERIC_CONCEPTS for c in b]
        sets_a = [issue_set(c, self.lexicon) for c in a]
        sets_b = [issue_set(c, self.lexicon) for c in b]
        frames_a = [is_event_frame(c) for c in a]
        frames_b = [is_event_frame(c) for c in b]
        for i, x in enumerate(a):
            for j, y in enumerate(b):
                if frames_a[i] and frames_b[j]:
                    out[i, j] = FRAME_SCORE
                    continue
                iss = _jaccard(sets_a[i], sets_b[j])
                if ISSUES_BOTH_NEEDED and not (sets_a[i] and sets_b[j]):
                    iss = None  # one claim names no issue: nothing to compare
                issue_term = bridge[i, j] if iss is None else iss
                out[i, j] = 0.45 * issue_term + 0.35 * bridge[i, j] \
                    + (0.10 * speaker_compatible(x, y) + 0.10 * form_agreement(x, y)) \
                    * min(1.0, 2.0 * bridge[i, j] + (iss or 0.0))
                if iss == 0.0:  # both are about something, and not the same thing
                    out[i, j] *= 0.5
                if bridge[i, j] == 0.0:
                    # a shared issue word alone ("Ukraine") is not the same claim
                    out[i, j] *= 0.5
                elif not (specific_a[i] & specific_b[j]):
                    # only the register's commonplaces in common ("relations", "cooperation",
                    # "development"): most claims of a readout share them
                    out[i, j] *= self.generic_factor
                elif len(specific_a[i] & specific_b[j]) == 1:
                    # one specific concept in common ("support"): thin evidence
                    out[i, j] *= self.single_factor
        if self.position and len(a) > 1 and len(b) > 1:
            ra = np.arange(len(a))[:, None] / (len(a) - 1)
            rb = np.arange(len(b))[None, :] / (len(b) - 1)
            out = out + self.position * (1.0 - np.abs(ra - rb)) * (bridge > 0)
        return np.minimum(out, 1.0)


class EmbeddingAligner(Aligner):
    """Multilingual sentence embeddings (optional extra ``bilat[embeddings]``), lazily loaded."""

    name = "embeddings"

    def __init__(self, lexicon: Lexicon | None = None, model: str | None = None) -> None:
        super().__init__(lexicon)
        self.model_name = model or DEFAULT_EMBEDDING_MODEL
        self._model: Any = None

    def _encoder(self) -> Any:
        if self._model is None:
            self._model = load_embedding_model(self.model_name)
        return self._model

    def lexical(self, a: Sequence[Claim], b: Sequence[Claim]) -> np.ndarray:
        if not a or not b:
            return np.zeros((len(a), len(b)))
        enc = self._encoder()
        ea = np.asarray(enc.encode([c.text for c in a], normalize_embeddings=True))
        eb = np.asarray(enc.encode([c.text for c in b], normalize_embeddings=True))
        return np.clip(ea @ eb.T, 0.0, 1.0)

    def similarity(self, a: Sequence[Claim], b: Sequence[Claim]) -> np.ndarray:
        return _combine(self.lexical(a, b), a, b, self.lexicon, 0.60, 0.25, 0.15)


def load_embedding_model(name: str) -> Any:
    """A sentence-transformers model, or E002 with the install command when the extra is missing."""
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise error("E002", backend="embeddings aligner (sentence-transformers)",
                    extra="embeddings") from exc
    return SentenceTransformer(name)


#: Score given to two opening "who met whom" sentences (they report the same event).
FRAME_SCORE = 0.7


def _combine(
    lex: np.ndarray, a: Sequence[Claim], b: Sequence[Claim], lexicon: Lexicon,
    w_lex: float, w_issue: float, w_speaker: float,
) -> np.ndarray:
    out = np.zeros_like(lex)
    frames_a = [is_event_frame(c) for c in a]
    frames_b = [is_event_frame(c) for c in b]
    sets_a = [issue_set(c, lexicon) for c in a]
    sets_b = [issue_set(c, lexicon) for c in b]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            if frames_a[i] and frames_b[j]:
                out[i, j] = max(FRAME_SCORE, lex[i, j])
                continue
            iss = _jaccard(sets_a[i], sets_b[j])
            issue_term = lex[i, j] if iss is None else iss
            out[i, j] = w_lex * lex[i, j] + w_issue * issue_term \
                + w_speaker * speaker_compatible(x, y) * min(1.0, 2.0 * lex[i, j] + (iss or 0))
    return out


def get_aligner(name: str = "lexical", lexicon: Lexicon | None = None, **kw: Any) -> Aligner:
    """An aligner by name: lexical, features or embeddings (E316 for anything else)."""
    if name == "lexical":
        return LexicalAligner(lexicon)
    if name == "features":
        return FeatureAligner(lexicon)
    if name == "embeddings":
        return EmbeddingAligner(lexicon, **kw)
    raise error("E316", value=name, options=", ".join(ALIGNERS))


__all__ = [
    "ALIGNERS", "Aligner", "EmbeddingAligner", "FeatureAligner", "LexicalAligner",
    "form_agreement", "get_aligner", "issue_similarity", "load_embedding_model",
    "speaker_compatible", "tokens",
]
