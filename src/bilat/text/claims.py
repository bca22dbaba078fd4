"""Claims of a document: who says what about which issue, how firmly, with offsets.

Fields of each :class:`~bilat.text.model.Claim` yielded by :func:`extract_claims`:

- ``start``/``end``/``text``: the claim's span (``doc.text[start:end] == text``); a sentence
  is one claim unless it carries several (see :mod:`bilat.text.segment`).
- ``speaker``/``speaker_side``: the clause subject when it is a named person ("Xi Jinping"), a
  state ("the Russian side", "俄方", "российская сторона" → side label), a leader's title ("the
  Russian President" → that side's last named person; a bare "the President" is the person
  introduced with that title alone, a title qualified by a country such as "Президентом России
  Владимиром Путиным" not counting, else the issuing side's leader), or "the two
  sides"/"стороны"/"双方" (speaker "both sides", side ``BOTH``). Attribution carries across the
  sentences of a paragraph ("Xi pointed out that … He stressed …"; a following sentence with no
  subject of its own stays with the last speaker), and a pronoun ("He", "Он", "他") takes the
  last named person. With no attribution the speaker is the issuer (``doc.issuer`` or the side
  label) and ``attributed`` is False. ``extra["speaker_cue"]`` holds the words that decided it,
  ``extra["carried"]`` is True when it was carried over from an earlier sentence.
- ``issues``: issue keys from the lexicon (:mod:`bilat.text.lexicon`), in order of mention;
  ``extra["issue_spans"]`` has ``[key, start, end]`` absolute offsets of each hit.
- ``stance``: the strongest support cue: ``firmly_supports`` ("firmly/unswervingly supports",
  "твёрдо поддерживает", "坚定支持") > ``supports`` ("supports", "поддерживает", "支持") >
  ``understands`` ("understands", "respects", "с пониманием относится", "理解", "尊重") >
  ``notes`` ("takes note of", "принимает к сведению", "注意到"); None without a cue.
  ``opposes`` is True for "opposes/rejects", "выступает против", "反对".
- ``modality``: the first commitment form: ``will`` (will, shall, determined to; будет,
  намерены; 将), ``agreed`` (agreed to; договорились; 同意), ``ready_to`` (ready/willing to;
  готов; 愿), ``should`` (should, must; должны; 应), ``hope`` (hope, call for; надеется; 希望).
- ``negated``: a negation governs the claim ("does not", "не", "不/没有"), excluding fixed
  phrases such as "not only", "non-interference", "不断".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bilat.text.acts import act_cue, act_of
from bilat.text.align import plain_spaces
from bilat.text.lexicon import Lexicon, Match, load_lexicon
from bilat.text.model import Claim, Document
from bilat.text.prefilter import alternation, narrowed
from bilat.text.segment import Segment, segment

# ------------------------------------------------------------------------------- cues
_STANCE_CUES: dict[str, list[tuple[str, str]]] = {
    "en": [
        ("firmly_supports", r"\b(?:firmly|unswervingly|resolutely|steadfastly|strongly|"
                            r"unequivocally|staunchly|unwaveringly|unconditionally|fully|"
                            r"consistently|unreservedly|wholeheartedly)\s+(?:support|back|"
                            r"stand(?:s)? (?:by|with))\w*"),
        ("firmly_supports", r"\b(?:firm|unswerving|resolute|steadfast|strong|full|unwavering|"
                            r"staunch|unconditional)\s+support\b"),
        ("firmly_supports", r"\bsupports?\s+(?:\w+\s+){0,6}?(?:firmly|unswervingly|fully|"
                            r"resolutely|unequivocally)\b"),
        ("supports", r"\b(?:support(?:s|ed|ing)?|back(?:s|ed|ing)?|endors\w+|stands? with|"
                     r"in favou?r of)\b"),
        ("understands", r"\b(?:understand(?:s|ing)?|understood|respect(?:s|ed|ing)?|"
                        r"sympath\w+|"
                        r"appreciat\w+ (?:the|china's|russia's) (?:position|concerns))\b"),
        ("notes", r"\b(?:t(?:ake|akes|ook|aken|aking) note|not(?:e|es|ed) with|acknowledg\w+|"
                  r"not(?:e|es|ed|ing) (?:the |china's |russia's |its )?(?:position|concerns?|"
                  r"stance|proposal|initiative|statement|readiness)s?)\b"),
    ],
    "ru": [
        ("firmly_supports", r"(?<!\w)(?:твёрдо|твердо|неизменно|решительно|последовательно|"
                            r"неуклонно|всецело|полностью|непоколебимо|безоговорочно|"
                            r"однозначно|всемерно)\s+(?:поддерж\w+|выступа\w+ в поддержку)"),
        ("firmly_supports", r"(?<!\w)(?:тв[её]рд\w*|решительн\w*|неизменн\w*|полн\w*|"
                            r"безоговорочн\w*|всемерн\w*)\s+поддержк\w*"),
        ("supports", r"(?<!\w)(?:поддерж\w+|выступа\w+ в поддержку|выступа\w+ за)"),
        ("understands", r"(?<!\w)(?:с пониманием|понимани\w+|понима\w+|уважа\w+|уважени\w+)"),
        ("notes", r"(?<!\w)(?:приня\w* к сведению|принима\w* к сведению|"
                  r"отмет\w* (?:позици\w+|заявлени\w+|озабоченност\w+))"),
    ],
    "zh": [
        ("firmly_supports", r"(?:坚定(?:不移地)?支持|坚决支持|始终支持|全力支持|坚定地支持|"
                            r"毫不动摇地?支持|坚定站在)"),
        ("supports", r"支持|赞成|拥护|乐见"),  # 乐见: "is glad to see", 2025-02-24 readout
        ("understands", r"理解|尊重"),
        ("notes", r"注意到|留意到|知悉"),
    ],
}
#: Opposition cues. Legal style opposes by acting against and by calling a measure wrongful:
#: "противодействуют применению односторонних принудительных мер … и считают их введение
#: международно-противоправным … деянием", "counteract … measures", "regard … as unlawful",
#: "反制". Countering a measure or policy of others is opposition; countering threats or
#: terrorism ("противодействовать вызовам и угрозам", the noun "противодействие терроризму")
#: is a field of cooperation, not a stance, and is left out.
_OPPOSES = {
    "en": r"\b(?:oppos(?:e|es|ed|ing)|reject(?:s|ed|ing)?|condemn\w*|(?:is|are|was|were|stands?|"
          r"firmly|resolutely) against|counteract(?:s|ed|ing)?\s+(?:[\w-]+\s+){0,3}?(?:measures|"
          r"sanctions|interference|attempts|pressure|polic(?:y|ies)|use|application|unilateral|"
          r"coercive)|(?:consider|regard|deem)\w*\s+"
          r"(?:\w+\s+){0,6}?(?:as\s+)?(?:internationally\s+)?(?:wrongful|unlawful|illegal|"
          r"illegitimate))\b",
    "ru": r"(?<!\w)(?:выступа\w* против|против\b|отверга\w*|отвергл\w*|осужда\w*|"
          r"неприемлем\w*|противодейств(?:у|ова)\w*\s+(?:[\w-]+\s+){0,3}?(?:применени|введени|"
          r"мер|санкци|вмешательств|политик|попытк|давлени|расширени|размещени|односторонн|"
          r"принудительн)\w*|(?:счита\w*|считал\w*|признаю\w*|"
          r"призна\w*)\s+(?:[\w-]+\s+){0,6}?(?:международно-)?(?:противоправн\w*|"
          r"незаконн\w*|нелегитимн\w*))",
    "zh": r"反对|抵制|谴责|拒绝|反制",
}
_MODALITY = {
    "en": [("will", r"\b(?:will|shall|determined to|committed to|are to|is to)\b"),
           ("agreed", r"\b(?:agreed|agree to|agrees to|reached (?:a |an )?(?:consensus|"
                      r"agreement|understanding))\b"),
           ("ready_to", r"\b(?:ready to|willing to|stands? ready|prepared to|open to|"
                        r"would like to)\b"),
           ("should", r"\b(?:should|must|need to|needs to|it is necessary|have to|has to|"
                      r"ought to)\b"),
           ("hope", r"\b(?:hope[sd]?|hoping|expect(?:s|ed)?|look(?:s|ed)? forward|"
                    r"call(?:s|ed)? (?:for|on)|urged?|wish(?:es|ed)?)\b")],
    "ru": [("will", r"(?<!\w)(?:будет|будут|будем|намерен\w*|продолж\w+т\b|станет|станут)"),
           ("agreed", r"(?<!\w)(?:договорил\w*|согласил\w*|условил\w*|достигнут\w* договор\w*)"),
           ("ready_to", r"(?<!\w)(?:готов\w*|настро\w+ на)"),
           ("should", r"(?<!\w)(?:должн\w*|необходимо|следует|нужно|надлежит)"),
           ("hope", r"(?<!\w)(?:надеет\w*|надеют\w*|рассчитыва\w*|выразил\w* надежд\w*|"
                    r"призвал\w*|призыва\w*|ожида\w*)")],
    "zh": [("will", r"(?<!即)将(?!军)|必将|决心|(?<![社机大议开约晤])会(?![晤谈见议面长员谈])"),
           ("agreed", r"同意|一致认为|一致同意|商定|达成共识|达成一致"),
           ("ready_to", r"愿|准备"),
           # 应约/应邀 (at the invitation of), 应对 (respond to), 相应, 反应, 适应, 供应: not
           # "should"
           ("should", r"(?<![相反适供效响回呼顺])应(?![约邀对用急变])|必须|需要"),
           ("hope", r"希望|期待|期望|呼吁|盼")],
}
_NEGATION = {
    "en": (r"\b(?:not|never|no longer|neither|nor|cannot|n't|no)\b",
           r"\bnot only\b|\bno doubt\b|\bno matter\b|\bnot least\b"),
    "ru": (r"(?<!\w)(?:не|ни|никогда|нет)(?!\w)",
           r"(?<!\w)не только(?!\w)|(?<!\w)не менее(?!\w)|(?<!\w)вне зависимости(?!\w)|"
           r"(?<!\w)не раз(?!\w)"),
    "zh": (r"不|没有|从未|并未|无意|绝不|未",
           r"不断|不懈|不扩散|不仅|不同|不少|不久|不结盟|互不|未来|不可分割|不稳定|不确定|"
           r"不干涉|毫不|不对抗|不针对|无论|不移"),
}
_BOTH = {
    "en": r"(?:the two sides|both sides|the sides|the two leaders|both leaders|"
          r"the two heads of state|both heads of state|the heads of state|heads of state|"
          r"the two heads of government|the two prime ministers|the two foreign ministers|"
          r"the ministers|the two presidents|the presidents|"
          r"the leaders|the parties|the two countries|both countries|they|the interlocutors)\b",
    "ru": r"(?:обе стороны|стороны|лидеры|главы государств|президенты|собеседники|они|"
          r"оба лидера|обе страны|две страны)(?!\w)",
    "zh": r"(?:双方|两国元首|两国领导人|两国|两位元首)",
}
#: A leader named by bare title ("The President", "Глава государства", "国家元首").
_GENERIC_TITLE = {
    "en": r"^(?:[^,;:]{0,60},\s*)?(?:the\s+)?(?P<t>president|prime minister|premier|chancellor|"
          r"head of state|chairman|king|emir|foreign minister|secretary of state)\b(?!\s+of\b)",
    "ru": r"^(?:[^,;:]{0,60},\s*)?(?P<t>президент|премьер-министр|премьер|глава государства|"
          r"канцлер|председатель|министр иностранных дел)(?!\w)(?!\s+(?:россии|кнр|рф|республики|"
          r"китая|казахстана|белоруссии|беларуси|сша))",
    "zh": r"^(?P<t>国家元首|元首|总统|主席|总理)",
}
_TITLE_BEFORE_NAME = {
    "en": r"(?P<t>(?i:president|prime minister|premier|chancellor|chairman|king|emir|"
          r"foreign minister|secretary of state))\s+(?:[A-Z][\w.-]+\s+){0,2}?$",
    "ru": r"(?P<t>(?i:президент|премьер-министр|премьер|канцлер|председатель|"
          r"министр иностранных дел))\w*\s+(?:[А-ЯЁ][\w.-]+\s+){0,2}?$",
    "zh": r"(?P<t>总统|主席|总理)$",
}
#: A title qualified by a country ("Президентом России Владимиром Путиным"): it names that
#: state's leader and says nothing about whom the bare title ("Президент") means later.
_QUALIFIED_TITLE = {
    "ru": re.compile(r"(?<!\w)(?:росси\w*|рф|кнр|кита\w*|казахстан\w*|белорусси\w*|беларус\w*|"
                     r"сша|республик\w*|соедин\w+ штат\w*|узбекистан\w*|киргизи\w*|"
                     r"таджикистан\w*|туркменистан\w*|монголи\w*|инди\w*|франци\w*|"
                     r"германи\w*|турци\w*|иран\w*)(?!\w)", re.IGNORECASE),
}
_NEVER = re.compile(r"(?!)")
#: Pronouns that continue the last named person. Russian "она"/"оно" usually stand for a
#: feminine/neuter noun ("связка", "отношения"), not for a leader, so only "он" counts.
_PRONOUN = {"en": r"(?:he|she)\b", "ru": r"(?:он)(?!\w)", "zh": r"(?:他|她)"}
_LEAD_WORDS = {
    "en": {"the", "president", "chinese", "russian", "chairman", "premier", "state", "councilor",
           "councillor", "foreign", "minister", "mr", "mr.", "h.e.", "his", "excellency", "also",
           "then", "further", "in", "turn", "according", "to", "as", "for", "vice", "prime",
           "general", "secretary", "of", "cpc", "central", "committee"},
    "ru": {"президент", "председатель", "кнр", "россии", "рф", "глава", "государства",
           "министр", "иностранных", "дел", "премьер", "премьер-министр", "как", "отметил",
           "подчеркнул", "заявил", "сказал", "указал", "по", "словам", "также", "в", "свою",
           "очередь", "генеральный", "секретарь", "цк", "кпк", "российский", "китайский",
           "лидер", "председателя", "президента"},
    "zh": {"国家主席", "总统", "外长", "总理", "主席", "国务委员", "国务委员兼外长",
           "中共中央总书记", "总书记", "俄罗斯总统", "中国国家主席",
           "俄罗斯", "中国", "还", "也", "同时"},
}
_TRAILING = {
    "en": r",\s*(?:{actor})\s+(?:said|noted|stressed|added|emphasi[sz]ed|pointed out|"
          r"underlined|stated)\W*$|\baccording to (?:{actor})\b",
    "ru": r"(?:отметил|подчеркнул|заявил|сказал|указал)\w*\s+(?:{actor})|"
          r"по словам (?:{actor})",
    "zh": r"(?:{actor})(?:表示|指出|强调|说)",
}


#: "They" followed by these verbs stands for things (documents, relations), not the leaders.
_NOT_LEADERS_AFTER_THEY = re.compile(
    r"\s+(?:include[sd]?|including|contain(?:s|ed)?|cover(?:s|ed)?|concern(?:s|ed)?|"
    r"relate[sd]?|consist(?:s|ed)?)\b", re.IGNORECASE)
#: A joint subject in an absolute construction of a narrator's sentence: "…, with both sides
#: emphasising the importance of …" (the two sides say it).
_WITH_BOTH = {
    "en": re.compile(r",\s+with\s+(?P<cue>both sides|the two sides|the sides|both leaders|"
                     r"the two leaders|the leaders|the two presidents|the presidents)\s+\w+ing\b",
                     re.IGNORECASE),
}
#: A side's support given in a trailing relative clause: "…, which the Chinese side
#: supported" (the claim reports that side's support, not only the subject's proposal).
_WHICH_SUPPORTED = {
    "en": re.compile(r",\s+(?:which|that|and)\s+(?P<who>[^,;]{2,40}?)\s+(?:(?:has|had|have)\s+)?"
                     r"(?:fully\s+|firmly\s+|strongly\s+)?(?:supported|welcomed|endorsed|"
                     r"backed|approved)\b[^,;]{0,40}[.;]?$", re.IGNORECASE),
    "ru": re.compile(r",\s+(?:что|которое|которую|которые|и)\s+(?P<who>[^,;]{2,40}?)\s+"
                     r"(?:полностью\s+|тв[её]рдо\s+)?(?:поддержал\w*|одобрил\w*|"
                     r"приветствовал\w*)\b[^,;]{0,40}[.;]?$", re.IGNORECASE),
}


@dataclass
class _Speaker:
    name: str
    side: str | None
    attributed: bool
    cue: str
    paragraph: int
    kind: str


def _lang(language: str | None) -> str:
    return language if language in ("en", "ru", "zh") else "en"


@lru_cache(maxsize=1024)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=16384)  # per claim text: statements repeat sentences
def stance_of(text: str, language: str = "en") -> tuple[str | None, str | None]:
    """The strongest stance cue in ``text`` and the words that carried it."""
    for stance, pattern in _STANCE_CUES[_lang(language)]:
        m = _rx(pattern).search(text)
        if m:
            return stance, m.group(0)
    return None, None


@lru_cache(maxsize=16384)  # per claim text: statements repeat sentences
def modality_of(text: str, language: str = "en") -> tuple[str | None, str | None]:
    """The first commitment form in ``text`` (see :data:`bilat.text.model.MODALITIES`)."""
    best: tuple[int, str, str] | None = None
    for modality, pattern in _MODALITY[_lang(language)]:
        m = _rx(pattern).search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), modality, m.group(0))
    return (best[1], best[2]) if best else (None, None)


@lru_cache(maxsize=16384)  # per claim text: statements repeat sentences
def negated_in(text: str, language: str = "en") -> bool:
    """Whether a negation governs ``text`` (fixed phrases like "not only" do not count)."""
    neg, fixed = _NEGATION[_lang(language)]
    cleaned = _rx(fixed).sub(" ", text)
    if language != "zh":
        cleaned = re.sub(r"\bnon-\w+", " ", cleaned, flags=re.IGNORECASE)
    return bool(_rx(neg).search(cleaned))


@lru_cache(maxsize=16384)  # per claim text: statements repeat sentences
def opposes_in(text: str, language: str = "en") -> bool:
    """Whether the claim states opposition ("opposes", "выступает против", "反对")."""
    return bool(_rx(_OPPOSES[_lang(language)]).search(text))


# ------------------------------------------------------------------------------- speakers
@lru_cache(maxsize=8)
def _actor_alternation(lexicon: Lexicon) -> str:
    pats: list[str] = []
    for actor in lexicon.actors:
        for lang_pats in actor.patterns.values():
            pats.extend(lang_pats)
    # "(?:p1)|(?:p2)|…", remembered so that a text can narrow it to the names it holds
    return alternation(pats)


def _is_lead_in(prefix: str, lang: str) -> bool:
    """Text before a subject that still leaves it the subject: titles, a fronted adverbial."""
    p = prefix.strip()
    if not p:
        return True
    if lang == "zh":
        p = re.sub(r"^[^，,]{0,20}[，,]", "", p).strip()
        return p == "" or all(w in _LEAD_WORDS["zh"] for w in re.split(r"\s+", p) if w) or \
            p in _LEAD_WORDS["zh"]
    p = re.sub(r"^[^,;:]{0,70},\s*", "", p)  # a fronted adverbial ending with a comma
    words = re.findall(r"[\w.'-]+", p)
    # titles, and capitalised first names or titles before a surname ("Aleksandr Lukashenko")
    return len(words) <= 6 and all(w.lower() in _LEAD_WORDS[lang] or w[:1].isupper()
                                   for w in words)


def _subject(
    text: str, lang: str, lex: Lexicon, actors: list[Match], doc_side: str | None
) -> tuple[str, str | None, str, str] | None:
    """(name, side, kind, cue) of the clause subject, or None when there is none."""
    window = 14 if lang == "zh" else 80
    # a fronted phrase before a joint subject may be long in English and Russian ("Building on
    # Joseph Biden's desire for the US-Russia relations to be based on mutual respect, the
    # presidents agreed …")
    front = 70 if lang == "zh" else 130
    m = _rx(rf"^(?P<front>[^,;:，]{{0,{front}}}[,，]\s*)?(?:" + _BOTH[lang] + ")").match(text)
    if m and lang == "en" and _NOT_LEADERS_AFTER_THEY.match(text[m.end():]) \
            and m.group(0).strip().lower().endswith("they"):
        m = None  # "They include an intergovernmental agreement …": the documents, not leaders
    # "他强调，双方应…" / "Xi said, the two sides…": the fronted part is an attribution
    speaker_first = bool(actors and actors[0].start <= 2 and actors[0].kind == "person") or \
        bool(_rx("^" + _PRONOUN[lang]).match(text))
    if m and not (m.group("front") and speaker_first):
        return "both sides", "BOTH", "both", m.group(0)
    for i, hit in enumerate(actors):
        if hit.start > window:
            break
        if not _is_lead_in(text[:hit.start], lang):
            continue
        after = text[hit.end:]
        if after[:1] in ("-", "–", "—"):  # "China-Russia relations": a modifier, not a subject
            continue
        if hit.kind == "side" and re.match(r"\s+[A-Z]", after):
            continue  # "China National Petroleum Corporation": part of a name
        joined = _rx(r"^\s*(?:and|и|和|与|同)\s*").match(after)
        if joined and i + 1 < len(actors):
            nxt = actors[i + 1]
            if nxt.start == hit.end + joined.end() and nxt.side != hit.side:
                return "both sides", "BOTH", "both", text[hit.start:nxt.end]
        if hit.kind == "title" and i + 1 < len(actors):
            nxt = actors[i + 1]  # "Russian President Vladimir Putin", "国家主席习近平"
            if nxt.kind == "person" and nxt.side == hit.side and nxt.start - hit.end <= 3:
                return nxt.key, nxt.side, "person", text[hit.start:nxt.end]
        return hit.key, hit.side, hit.kind, text[hit.start:hit.end]
    return None


#: A verb of saying right after a person or title: that person is reported speaking.
_REPORTING_AFTER = {
    "en": re.compile(r"^[’']?s?\s+(?:\w+\s+){0,2}?(?:said|says|responded|replied|noted|stressed|"
                     r"emphasi[sz]ed|underscored|made clear|explained|pointed out|added|"
                     r"reiterated|warned|told|asked|suggested|proposed|raised|expressed)\b",
                     re.IGNORECASE),
    "ru": re.compile(r"^\s+(?:\w+\s+){0,2}?(?:сказал|ответил|отметил|подчеркнул|заявил|"
                     r"пояснил|указал|добавил|напомнил|предложил|выразил)\w*", re.IGNORECASE),
}


#: Speech acts reported with a long fronted phrase or in the passive, inside a briefing turn:
#: "Incidentally, in requesting that the call be held today, …, the US cited the likelihood
#: …" (the subject follows a fronted clause longer than the subject window); "Similar requests
#: … have been filed by other members of the Biden administration" (the agent of a passive
#: speech act). Both report that side speaking, not the turn's speaker.
_FRONTED_REPORTING = {
    "en": re.compile(r"^[’']?s?\s+(?:\w+\s+){0,2}?(?:said|says|responded|replied|noted|"
                     r"stressed|emphasi[sz]ed|underscored|made clear|explained|pointed out|"
                     r"added|reiterated|warned|told|asked|suggested|proposed|raised|expressed|"
                     r"cited|requested|insisted|claimed|demanded|urged)\b", re.IGNORECASE),
}
_PASSIVE_SPEECH = {
    "en": re.compile(r"\b(?:has|have|had|was|were)\s+(?:also\s+)?been\s+(?:filed|made|sent|"
                     r"submitted|raised|voiced|expressed|put forward|proposed|requested|"
                     r"conveyed|relayed)\s+by\s+(?:[\w-]+\s+){0,4}?$", re.IGNORECASE),
}
#: Round 6 of issue 13: the two forms above give a briefing turn's sentence its speaker.
TURN_SPEECH_ACTS = True


def _turn_speech_act(text: str, lang: str, actors: list[Match]) -> Match | None:
    """A side, person or title reported speaking in a sentence of a briefing turn that names
    no subject at its start: after a fronted clause ending with a comma ("…, the US cited …")
    or as the agent of a passive speech act ("… have been filed by members of the Biden
    administration"). None when neither form is there."""
    fronted, passive = _FRONTED_REPORTING.get(lang), _PASSIVE_SPEECH.get(lang)
    if fronted is None or passive is None:
        return None
    for hit in actors:
        if not hit.side:
            continue
        before = text[:hit.start]
        if re.search(r",\s*$", before) and "," in before and fronted.match(text[hit.end:]):
            return hit
        if passive.search(before):
            return hit
    return None


def _reported_speaker(text: str, lang: str, actors: list[Match]) -> Match | None:
    """The last person or title in ``text`` followed by a verb of saying ("… that the Russian
    President responded by saying …"), or None."""
    rx = _REPORTING_AFTER.get(lang)
    if rx is None:
        return None
    for hit in reversed(actors):
        if hit.kind in ("person", "title") and hit.side and rx.match(text[hit.end:]):
            return hit
    return None


def _trailing(text: str, lang: str, lex: Lexicon, actors: list[Match],
              alt: str | None = None) -> Match | None:
    """A speaker named after the content: "…, Putin said", "по словам Путина". ``alt``: the
    lexicon's actor alternation narrowed to a text that holds ``text`` (same matches in it:
    :func:`bilat.text.prefilter.narrowed`)."""
    alt = _actor_alternation(lex) if alt is None else alt
    m = _rx(_TRAILING[lang].format(actor=alt)).search(text)
    if not m and lang != "zh" and any(h.kind == "person" for h in actors):
        # a leader the lexicon does not know ("…, Lula said"): any name, if it is a hit
        m = re.compile(_TRAILING[lang].format(
            actor=r"[A-ZА-ЯЁ][\w'’.-]*(?:\s+[A-ZА-ЯЁ][\w'’.-]*){0,4}")).search(text)
    if not m:
        return None
    for hit in actors:
        if m.start() <= hit.start < m.end():
            return hit
    return None


def _title_map(
    doc: Document, lang: str, doc_actors: list[Match]
) -> tuple[dict[str, tuple[str, str]], tuple[str, str] | None]:
    """Bare titles → the person introduced with them ("Prime Minister Rishi Sunak"), when
    unambiguous, and the issuing side's leader (its first named person in the text)."""
    seen: dict[str, set[tuple[str, str]]] = {}
    own: tuple[str, str] | None = None
    leaders: dict[str | None, str] = {}
    rx = re.compile(_TITLE_BEFORE_NAME[lang])  # case-sensitive: names are capitalised
    for hit in doc_actors:
        if hit.kind != "person":
            continue
        if own is None and hit.side == doc.side:
            own = (hit.key, hit.side)
        leaders.setdefault(hit.side, hit.key)
        m = rx.search(doc.text[max(0, hit.start - 40):hit.start])
        if m and not _QUALIFIED_TITLE.get(lang, _NEVER).search(m.group(0)[len(m.group("t")):]):
            seen.setdefault(m.group("t").lower(), set()).add((hit.key, hit.side or ""))
    out = {t: next(iter(p)) for t, p in seen.items() if len(p) == 1}
    out.update({f"side:{side}": (name, side or "") for side, name in leaders.items()})
    return out, own


def _within(hits: list[Match], start: int, end: int,
            starts: list[int] | None = None) -> list[Match]:
    """Hits inside [start, end), with offsets relative to ``start``.

    ``starts`` (the hits' start offsets, ``hits`` being in order of start) lets the hits be
    found by bisection instead of a pass over the whole document.
    """
    if starts is None:
        return [Match(h.key, h.start - start, h.end - start, h.side, h.kind)
                for h in hits if h.start >= start and h.end <= end]
    out: list[Match] = []
    for i in range(bisect_left(starts, start), len(hits)):
        h = hits[i]
        if h.start > end:
            break
        if h.end <= end:
            out.append(Match(h.key, h.start - start, h.end - start, h.side, h.kind))
    return out


# ------------------------------------------------------------------------------- other leaders
#: Lower-case particles inside a personal name ("Lula da Silva", "bin Salman", "von der Leyen").
_NAME_PARTICLES = r"(?:da|de|do|dos|das|del|della|di|van|von|der|den|bin|al|el|la|le|ibn|" \
                  r"да|де|дос|ду|ван|фон|дер|бин|аль|эль)"
#: The personal name right after a title + country ("President of Brazil Luiz Inácio Lula da
#: Silva", "Президентом Бразилии Луисом Инасиу Лулой да Силвой", "巴西总统卢拉表示").
_NAME_AFTER_TITLE = {
    "en": re.compile(r"^,?\s+(?P<n>[A-Z][\w'’-]+(?:\s+(?:" + _NAME_PARTICLES +
                     r"\s+)*[A-Z][\w'’-]+){0,4})"),
    "ru": re.compile(r"^,?\s+(?P<n>(?:[А-ЯЁ]\.\s?){0,2}[А-ЯЁ][\w'’-]+(?:\s+(?:" +
                     _NAME_PARTICLES + r"\s+)*[А-ЯЁ][\w'’-]+){0,4})"),
    "zh": re.compile(r"^(?P<n>[\u4e00-\u9fff·]{2,10}?)(?=表示|说|指出|强调|通电话|通话|会谈|"
                     r"会见|举行|[，。、：；]|和|与|同|在|就|应|时|的|也|还|对|称|认为|感谢|祝贺|介绍|宣布|提出|"
                     r"重申|欢迎|邀请|共同|出席|并|等|先生|阁下|将|已|曾|是|致|发表|访问|抵达|一行|"
                     r"向|回答|答|$)"),
}
#: The same patterns tried at an offset of the whole text (``match(text, pos)``) instead of on
#: a copy of the rest of it: without their leading ``^`` (which only holds at the real start),
#: and they look at nothing before the offset (no look-behind, no ``\b`` first), so the match
#: is the same, shifted by the offset. None: tried on the copy.
_NAME_AFTER_AT = {lang: re.compile(rx.pattern[1:], rx.flags) if rx.pattern.startswith("^")
                  and "(?<" not in rx.pattern and not rx.pattern.startswith(("^\\b", "^\\B"))
                  else None for lang, rx in _NAME_AFTER_TITLE.items()}


def _name_after(lang: str, text: str, at: int) -> tuple[str, int] | None:
    """(the name, its offset in ``text``) of ``_NAME_AFTER_TITLE[lang].match(text[at:])``."""
    rx = _NAME_AFTER_AT[lang]
    if rx is None:
        m = _NAME_AFTER_TITLE[lang].match(text[at:])
        return None if m is None else (m.group("n"), at + m.start("n"))
    m = rx.match(text, at)
    return None if m is None else (m.group("n"), m.start("n"))


def _overlapping(hits: list[Match], ends: list[int], start: int, end: int) -> list[Match]:
    """``[h for h in hits if h.start < end and start < h.end]`` for ``hits`` in order of start
    whose ends are in order too (the lexicon's actor hits, which never overlap; ``ends`` their
    ends), found by bisection instead of a pass over every hit."""
    out: list[Match] = []
    for i in range(bisect_right(ends, start), len(hits)):
        h = hits[i]
        if h.start >= end:
            break
        out.append(h)
    return out


#: Capitalised words after a title that open the next clause, not a name.
_NOT_NAME = {"The", "This", "That", "These", "He", "She", "They", "It", "In", "On", "At", "And",
             "But", "During", "As", "For", "With", "Mr", "Mrs", "Ms", "His", "Her", "Both", "We",
             "I", "Our", "Its", "After", "Before", "Also", "Он", "Она", "Они", "В", "На", "И",
             "По", "С", "Во", "Также", "При"}


def _ru_nominative(name: str) -> str:
    """A Russian name after an instrumental title ("с Президентом Бразилии Луисом Инасиу Лулой
    да Силвой") put back in the nominative ("Луис Инасиу Лула да Силва"), word by word."""
    out = []
    for w in name.split():
        if len(w) > 3 and w[:1].isupper():
            for end, repl in (("ом", ""), ("ем", "й"), ("ой", "а"), ("ей", "я")):
                if w.endswith(end):
                    w = w[:-len(end)] + repl
                    break
        out.append(w)
    return " ".join(out)


def _surname_rx(word: str, lang: str) -> str:
    """A pattern for one word of a name in later mentions (Russian: any case ending)."""
    if lang == "ru" and len(word) > 3:
        stem = re.sub(r"(?:ой|ей|ым|им|ом|ем|ою|ую|а|я|у|ю|е|ы|и)$", "", word)
        return rf"(?<!\w){re.escape(stem)}\w{{0,3}}(?!\w)"
    if lang == "zh":
        return re.escape(word)
    return rf"(?<![\w-]){re.escape(word)}(?![\w-])"


def _name_words(name: str, lang: str) -> list[str]:
    """The name and the words of it a later mention may use alone ("Lula", "Silva")."""
    if lang == "zh":
        return [name, *[w for w in name.split("·") if len(w) >= 2 and w != name]]
    words = [w for w in re.split(r"\s+", name) if w[:1].isupper() and len(w) >= 3
             and not re.fullmatch(r"(?:[A-ZА-ЯЁ]\.\s?)+", w)]
    return [name, *[w.split(".")[-1] for w in words if w != name]]


@lru_cache(maxsize=1)
def _leaders_table() -> tuple[tuple[str, str, tuple[str, ...], object, object], ...]:
    """(name, iso3, spellings, start, end) of bilat's leaders reference (English names)."""
    from bilat.reference.leaders import load_leaders

    out = []
    for row in load_leaders().itertuples(index=False):
        names = tuple(dict.fromkeys([row.name, *[a for a in row.aliases.split("|") if a]]))
        out.append((row.name, row.iso3, names, row.start, row.end))
    return tuple(out)


def speaker_spans(text: str, language: str | None, lex: Lexicon,
                  day: date | None = None) -> list[Match]:
    """Actors of ``text``: the lexicon's hits plus leaders of any state recognised generally.

    Beyond the lexicon's leaders, a person is recognised by title + country in any language
    (:func:`bilat.text.contacts.find_leaders`: "President of the Federative Republic of
    Brazil", "Brazilian President", "巴西总统", "Президентом Бразилии") with the name that
    follows it ("… Luiz Inácio Lula da Silva", "巴西总统卢拉"), by a name of bilat's leaders
    reference (:mod:`bilat.reference.leaders`, English spellings, inside the holder's term when
    the date is known), and afterwards by the same name or one word of it alone ("Lula said",
    "卢拉说", "Лула заявил"; Russian in any case). A title + country without a name is a
    ``title`` hit of that state (its leader is whoever was named with it). Hits overlapping
    the lexicon's are left out; offsets are into ``text``, in order of start.
    """
    from bilat.text.contacts import find_leaders

    lang = _lang(language)
    base = lex.actor_spans(text)
    extra: list[Match] = []
    names: dict[str, tuple[str, str]] = {}  # surface name → (key, side)
    when = day or date.today()

    # characters covered by a hit (base or extra): "free" = no hit overlaps [s, e); an empty
    # hit (start == end) strictly inside a span blocks it too, as the overlap test says
    occupied = bytearray(len(text) + 1)
    empty: list[int] = []

    def occupy(hits: list[Match]) -> None:
        for h in hits:
            if h.end > h.start:
                occupied[h.start:h.end] = b"\x01" * (h.end - h.start)
            else:
                empty.append(h.start)

    def free(s: int, e: int) -> bool:
        if e <= s:  # an empty span: the overlap test by hand
            return not any(h.start < e and s < h.end for h in (*base, *extra))
        return occupied.find(1, s, e) < 0 and not any(s < x < e for x in empty)

    def ordered(hits: list[Match]) -> list[int] | None:  # their ends, if in order like starts
        ends = [h.end for h in hits]
        return ends if all(hits[k].start <= hits[k + 1].start and ends[k] <= ends[k + 1]
                           for k in range(len(hits) - 1)) else None

    occupy(base)
    base_ends = ordered(base)
    for m in find_leaders(text, lang, when):
        if free(m.start, m.end):
            inside = []
        elif base_ends is not None:
            inside = _overlapping(base, base_ends, m.start, m.end)
        else:
            inside = [h for h in base if h.start < m.end and m.start < h.end]
        if inside and all(h.kind == "side" and m.start <= h.start and h.end <= m.end
                          for h in inside):
            # a shorter country name inside a longer one ("印度" in "印度尼西亚总统"): the
            # title + country is the better reading
            base = [h for h in base if h not in inside]
            base_ends = ordered(base)
            occupied[:] = bytearray(len(text) + 1)
            empty.clear()
            occupy(base)
            occupy(extra)
        if not free(m.start, m.end):
            continue
        after = _name_after(lang, text, m.end)
        person = m.name if not m.name.startswith(("head of", "head_of")) else None
        name = None
        if after is not None:
            words = after[0].split()
            if words and words[0] not in _NOT_NAME:
                name = after[0]
        # the title itself: a title hit of that state
        extra.append(Match(f"the leader of {m.state}", m.start, m.end, m.state, "title"))
        occupy(extra[-1:])
        if name is not None:
            s = after[1]
            e = s + len(name)
            if free(s, e):
                if lang == "ru" and person is None and re.search(r"(?:ом|ем)$",
                                                                 text[m.start:m.end].split()[0]):
                    name = _ru_nominative(name)  # the display name; offsets stay on the text
                key = person or name
                extra.append(Match(key, s, e, m.state, "person"))
                occupy(extra[-1:])
                names.setdefault(name, (key, m.state))
    if lang == "en":
        for name, iso3, spellings, start, end in _leaders_table():
            if day is not None and not (start <= day <= end):  # type: ignore[operator]
                continue
            for spelling in spellings:
                if spelling in text and spelling not in names:
                    names[spelling] = (name, iso3)
    for surface, (key, side) in list(names.items()):
        for word in _name_words(surface, lang):
            for m in re.finditer(_surname_rx(word, lang), text):
                if free(m.start(), m.end()):
                    extra.append(Match(key, m.start(), m.end(), side, "person"))
                    occupy(extra[-1:])
    if not extra:
        return base
    return sorted([*base, *extra], key=lambda h: (h.start, -h.end))


# ------------------------------------------------------------------------------- quotations
_QUOTE_PAIRS = {"“": "”", "«": "»", "「": "」", "『": "』", '"': '"', "„": "“"}
_SAY_EN = r"(?:said|says|added|noted|stressed|continued|stated|emphasi[sz]ed|underlined|" \
          r"pointed out|remarked|declared|told \w+)"
_SAY_RU = r"(?:сказал|отметил|подчеркнул|заявил|добавил|указал|констатировал|пояснил|" \
          r"продолжил|заключил|резюмировал)\w*"
#: What may stand between a closing quote and the speaker named after it, and after him.
_QUOTE_TAIL = {
    "en": (re.compile(r"[,.]?\s*(?:" + _SAY_EN + r"\s+)?(?:the\s+)?", re.IGNORECASE),
           re.compile(r"\s+" + _SAY_EN + r"\b", re.IGNORECASE), _SAY_EN),
    "ru": (re.compile(r"[,.]?\s*[—–-]?\s*(?:" + _SAY_RU + r"\s+)?", re.IGNORECASE),
           re.compile(r"\s+" + _SAY_RU, re.IGNORECASE), _SAY_RU),
    "zh": (re.compile(r"[，,]?\s*"),
           re.compile(r"(?:还|也|则|随后|接着)?(?:说|表示|指出|强调|称|补充说|回答说|答道)"), ""),
}


def _quoted_speakers(text: str, lang: str, actors: list[Match],
                     starts: list[int]) -> list[tuple[int, int, Match, str]]:
    """Quotations followed by their speaker: (open, close, speaker hit, cue) in text order.

    "“俄方坚定支持…。俄方反对…。”普京说。", '"Russia supports … . Russia opposes …," Putin
    said.', "«…», — сказал Путин": every sentence inside the quotation is the named speaker's.
    """
    gap, verb_after, verb = _QUOTE_TAIL[lang]
    out: list[tuple[int, int, Match, str]] = []
    pos = 0
    while True:
        m = re.compile("[" + re.escape("".join(_QUOTE_PAIRS)) + "]").search(text, pos)
        if m is None:
            return out
        o = m.start()
        close = text.find(_QUOTE_PAIRS[m.group(0)], o + 1)
        if close < 0:
            return out
        pos = close + 1
        g = gap.match(text, close + 1)
        if g is None:
            continue
        i = bisect_left(starts, g.end())
        if i >= len(actors) or actors[i].start != g.end():
            continue
        hit = actors[i]
        said_before = lang != "zh" and bool(re.search(verb, g.group(0), re.IGNORECASE))
        if not (said_before or verb_after.match(text, hit.end)):
            continue
        out.append((o, close, hit, text[close + 1:hit.end].strip(" ,.—–-，")))


def _issuer_speaker(doc: Document, lex: Lexicon, paragraph: int) -> _Speaker:
    name = doc.issuer or lex.side_label(doc.side) or "issuer"
    return _Speaker(name, doc.side, False, "", paragraph, "issuer")


#: Chinese: the leaders jointly, as reported by the narrator ("两国元首同意…", "双方就…交换意见").
_ZH_JOINT_NARRATIVE = re.compile(
    r"^(?:[^，。]{0,16}，)?(?:两国元首|双方|两国领导人|两位元首|中美双方|中俄双方)(?:还|也|都|一致|共同|重点|着重|深入|再次)?"
    r"(?:同意|认为|就|重申|回顾|积极评价|高度评价|相约|责成|达成|一致|见证|签署|宣布|出席|表示|"
    r"对|在|通过|发表|交换|举行|商定|决定)")
#: Chinese: a subject followed by a verb of saying is a new speaker, not the content of a speech.
_ZH_SPEECH_AFTER_SUBJECT = re.compile(r"^\s*(?:还|也|则|随后|首先)?(?:表示|指出|强调|说|介绍|"
                                      r"阐述|阐明|重申|回应|宣布|感谢|祝贺|表达)")
#: Chinese: the leader addressed in a speech ("总统先生") reported saying something.
_ZH_ADDRESSED = re.compile(r"^(?P<t>总统|主席|总理)先生[^，。]{0,6}?"
                           r"(?:表示|说|讲|重申|强调|指出|提到|谈到|承诺)")
#: Chinese: a paragraph opening with the next of a speaker's numbered points ("二是…", "第三，").
_ZH_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，、,]"
                            r"|其[一二三四五][，、,]|首先|其次|再次|最后)")
#: Chinese: the first person outside a quotation ("我认为", "我们愿"; not 我国, "our country",
#: which news narration uses too).
_ZH_FIRST_PERSON = re.compile(r"^[^“”]*?我(?!国)")
#: Chinese: a side followed by "should (not)" is the target of the speaker's words.
_ZH_NORMATIVE_AFTER_SUBJECT = re.compile(r"^\s*(?:也|还|更|则)?(?:不应该|不应当|不应|应该|应当|应|"
                                         r"不能|必须|需要|不要|不得|要)")
#: Chinese narrator sentences: who attended, what followed the talks.
_ZH_NARRATOR = re.compile(r"参加(?:会见|会谈|会晤|上述活动|活动|通话)|^(?:会谈|会见|会晤|通话|活动)"
                          r"(?:结束)?(?:后|前)|^席间")
#: After a name: it is addressed ("President Xi, my dear friend, …", "Mr President, …").
#: The rest of an addressed name may come first ("President Xi| Jinping, my friend, …").
_VOCATIVE = re.compile(r"^(?-i:\s+[A-ZА-ЯЁ][\w'’-]*){0,2}\s*,\s*"
                       r"(?:my|dear|our|old|мой|дорог|уважаем|(?:I|we|я|мы)\b)",
                       re.IGNORECASE)
#: Words that make a side or a joint subject an agent that speaks (not a country talked
#: about): "the Chinese side", "the two leaders", "российская сторона", "中方", "两国元首".
_AGENT_WORD = re.compile(r"\b(?:sides?|leaders?|presidents?|heads?|delegations?|governments?|"
                         r"they)\b|(?<!\w)(?:сторон\w*|лидер\w*|президент\w*|глав\w*|"
                         r"делегаци\w*|правительств\w*|они)|方|元首|领导人|政府|代表团",
                         re.IGNORECASE)
#: A transcript turn: "President of Russia Vladimir Putin:", "Xi Jinping(retranslated):",
#: "Yury Ushakov:", "Question:" (a speaker label and a colon, then the speech).
_TURN = re.compile(r"(?:^|(?<=[\s.!?*>]))(?P<label>(?:(?:[A-ZА-ЯЁ]\.\s?)*"
                   r"[A-ZА-ЯЁ](?:[\w'’-]|\.(?=\w))*\s+(?:(?:of|the|for)\s+)*){0,12}?(?:[A-ZА-ЯЁ]\.\s?)*[A-ZА-ЯЁ](?:[\w'’-]|\.(?=\w))*"
                   r"(?:\s*\((?:retranslated|через переводчика)\))?):\s+"
                   r"(?=[A-ZА-ЯЁ«\"“])")
#: A heading before a transcript turn ("Beginning of Russia-China talks"): a few words with no
#: sentence end.
_HEADING = re.compile(r"^\W*(?:\S+\s+){0,9}\S*[^\s.!?…:;\"”»)\]]$")


def _turns(text: str, lang: str, actors: list[Match]) -> list[tuple[int, int, _Speaker]]:
    """Transcript turns: (marker start, speech start, speaker) in text order.

    A turn is a speaker label ending in a colon whose label names a known person, or the word
    Question/Вопрос (a journalist: the issuer's side, not attributed).
    """
    if lang == "zh":
        return []
    out: list[tuple[int, int, _Speaker]] = []
    for m in _TURN.finditer(text):
        label = m.group("label")
        if re.fullmatch(r"(?:Question|Вопрос|Reply|Ответ)", label.strip()):
            out.append((m.start(), m.end(), _Speaker("journalist", None, False, label, -1,
                                                     "issuer")))
            continue
        people = [a for a in actors if a.kind == "person" and m.start() <= a.start < m.end()]
        if not people:
            continue
        who = people[-1]
        out.append((m.start(), m.end(), _Speaker(who.key, who.side, True, label, -1, "turn")))
    return out


def _turn_at(turns: list[tuple[int, int, _Speaker]], pos: int) -> _Speaker | None:
    """The transcript turn a position falls in (None before the first turn)."""
    found = None
    for start, speech, speaker in turns:
        if speech <= pos or start <= pos < speech:
            found = speaker if speaker.kind == "turn" else None
        else:
            break
    return found


def _journalist_at(turns: list[tuple[int, int, _Speaker]], pos: int) -> _Speaker | None:
    """The journalist's turn ("Question:") a position falls in, else None."""
    found = None
    for start, speech, speaker in turns:
        if speech <= pos or start <= pos < speech:
            found = speaker if speaker.kind == "issuer" else None
        else:
            break
    return found


#: "they continue to claim …", "they allege …": others (officials, the media) talked about,
#: not the two leaders; "They include an agreement on …": things (documents), not people.
_THEY_CLAIM = re.compile(r"^(?:[^,]{0,40},\s*)?they\s+(?:\w+\s+){0,2}?(?:claim|claims|claimed|"
                         r"allege\w*|insist\w*|keep saying|spread\w*|accuse\w*|include\w*|"
                         r"contain\w*|cover\w*|concern\w*|were signed|are signed)\b",
                         re.IGNORECASE)


def _turn_speech_start(turns: list[tuple[int, int, _Speaker]], pos: int) -> int:
    """Where the speech of the turn holding ``pos`` starts."""
    start = 0
    for t_start, speech, _ in turns:
        if t_start <= pos:
            start = speech
    return start


def _cut_at_turns(segments: list[Segment], text: str,
                  turns: list[tuple[int, int, _Speaker]]) -> list[Segment]:
    """Segments split where a transcript turn starts inside them (lost paragraph breaks).

    The speaker label ("President of Russia Vladimir Putin:") is not part of any claim, nor is
    a heading right before it ("Beginning of Russia-China talks"): each claim of a turn starts
    with its speech.
    """
    if not turns:
        return segments
    out: list[Segment] = []
    for seg in segments:
        cuts = [t for t in turns if seg.start <= t[0] < seg.end]
        if not cuts:
            out.append(seg)
            continue
        pos = seg.start
        for start, speech, _ in cuts:
            piece = text[pos:start].strip()
            tail = re.search(r"(?<=[.!?*])\s*\**\s*([A-ZА-ЯЁ][^.!?*]{0,80})$", piece)
            if tail and _HEADING.match(tail.group(1)):
                # "… for the period to 2027.*** Beginning of Russian-Chinese talks": the
                # heading of the next turn is cut off the sentence before it
                piece = piece[:tail.start()].strip()
            if piece and not _HEADING.match(piece):
                s0 = text.index(piece, pos)
                out.append(Segment(s0, s0 + len(piece), piece, seg.sentence_index,
                                   seg.paragraph_index))
            pos = min(speech, seg.end)
        piece = text[pos:seg.end].strip()
        if piece:
            s0 = text.index(piece, pos)
            out.append(Segment(s0, s0 + len(piece), piece, seg.sentence_index,
                               seg.paragraph_index))
    return out


def _without_heading(segments: list[Segment], text: str) -> list[Segment]:
    """Segments of a statement with its heading (title and date lines; see
    :func:`bilat.text.lineage.heading_span`) left out: they are not claims."""
    from bilat.text.lineage import heading_span

    found = heading_span(text)
    if found is None:
        return segments
    heads, body = found
    head_end = heads[-1][1]
    if _rx(r"[\s\u00a0]*$").match(text, head_end) is None and \
            re.search(r"(?:,|(?<!\w)(?:с|и|в|на|of|the|with|and))$", text[:head_end].rstrip()):
        return segments  # a wrapped first sentence, not a heading
    out: list[Segment] = []
    for seg in segments:
        if seg.end <= body:
            continue
        if seg.start < body:
            piece = text[body:seg.end].strip()
            if not piece:
                continue
            s0 = text.index(piece, body)
            seg = Segment(s0, s0 + len(piece), piece, seg.sentence_index, seg.paragraph_index)
        out.append(seg)
    return out


# ------------------------------------------------------------------------------- claims
def _item_claim(head: Claim, seg: Segment, index: int, text: str, lang: str,
                doc_issues: list, issue_starts: list[int]) -> Claim:
    """A further matter of the discussion report ``head`` opens: ``head``'s speaker, its own
    span and issues, marked ``extra["discussion_item"]``."""
    issue_hits = _within(doc_issues, seg.start, seg.end, issue_starts)
    return Claim(
        doc_id=head.doc_id, index=index, start=seg.start, end=seg.end, text=seg.text,
        sentence_index=seg.sentence_index, paragraph_index=seg.paragraph_index,
        speaker=head.speaker, speaker_side=head.speaker_side,
        issues=tuple(dict.fromkeys(h.key for h in issue_hits)), stance=None,
        modality=head.modality, negated=negated_in(text, lang),
        extra={**head.extra, "discussion_item": True, "stance_cue": None,
               "issue_spans": [[h.key, seg.start + h.start, seg.start + h.end]
                               for h in issue_hits]},
        opposes=False, attributed=head.attributed, language=head.language)


def extract_claims(doc: Document, lexicon: Lexicon | None = None) -> list[Claim]:
    """Claims of ``doc`` with offsets, speaker, issues, stance, modality and negation."""
    lex = lexicon or load_lexicon()
    lang = _lang(doc.language)
    segments: list[Segment] = segment(doc.text, doc.language, _actor_alternation(lex),
                                      lex.find_issues)
    claims: list[Claim] = []
    current: _Speaker | None = None
    last_person: dict[str | None, str] = {}
    last_any_person: tuple[str, str | None] | None = None
    # Lexicon hits are found once in the whole text, then handed to the claims they fall in.
    # names, issues and cues are read with Unicode spaces as plain spaces (the White House
    # writes "food\u00a0security"); same length, so every offset holds
    plain = plain_spaces(doc.text)
    trailing_alt: str | None = None
    doc_actors = speaker_spans(plain, doc.language, lex, doc.date)
    doc_issues = lex.issue_spans(plain)
    actor_starts = [h.start for h in doc_actors]
    issue_starts = [h.start for h in doc_issues]
    titles, own_leader = _title_map(doc, lang, doc_actors)
    generic = _rx(_GENERIC_TITLE[lang])
    if doc.kind == "statement":
        segments = _without_heading(segments, doc.text)
    turns = _turns(doc.text, lang, doc_actors)
    quotes = _quoted_speakers(doc.text, lang, doc_actors, actor_starts)
    segments = _cut_at_turns(segments, doc.text, turns)
    for index, seg in enumerate(segments):
        text = plain_spaces(seg.text)
        if seg.item and claims and claims[-1].sentence_index == seg.sentence_index:
            # a further matter of a discussion report ("…, Russia's war against Ukraine, and
            # the South China Sea"): reported by the same speaker as the part before
            claims.append(_item_claim(claims[-1], seg, index, text, lang, doc_issues,
                                      issue_starts))
            continue
        actors = _within(doc_actors, seg.start, seg.end, actor_starts)
        carried = False
        turn = _turn_at(turns, seg.start)
        label_len = next((sp - st for st, sp, _ in turns if st == seg.start), 0)
        if label_len:
            # a sentence opening a transcript turn: its subject comes after the speaker label
            # ("Yury Ushakov: Like I said, the presidents agreed…" is the presidents' agreement
            # reported in Ushakov's turn)
            found = _subject(text[label_len:], lang, lex,
                             _within(doc_actors, seg.start + label_len, seg.end, actor_starts),
                             doc.side)
            if found is not None:
                found = (*found[:3], text[:label_len] + found[3])
        else:
            found = _subject(text, lang, lex, actors, doc.side)
        if (found is None or found[1] in (None, doc.side)) and lang in _WHICH_SUPPORTED:
            rel = _WHICH_SUPPORTED[lang].search(text)
            who = [a for a in actors if rel and a.side and a.side != doc.side
                   and rel.start("who") <= a.start < rel.end("who")]
            if who:
                # "The President of Russia spoke about …, which the Chinese side supported":
                # the claim is that side's support
                found = (who[0].key, who[0].side, who[0].kind, text[who[0].start:who[0].end])
        if found is None and lang in _WITH_BOTH:
            joint = _WITH_BOTH[lang].search(text)
            if joint is not None:
                found = ("both sides", "BOTH", "both", joint.group("cue"))
        addressed = _ZH_ADDRESSED.match(text) if lang == "zh" else None
        if addressed is not None:
            other = next((v for k, v in titles.items() if k.startswith("side:")
                          and v[1] and v[1] != doc.side), None)
            if other is not None:
                # "总统先生刚才又重申，美方不寻求…": the addressed leader said it
                found = (other[0], other[1], "person", addressed.group("t"))
        pronoun = _rx(r"^(?:[^,;:，]{0,40}[,，]\s*)?" + _PRONOUN[lang]).match(text)
        bare = generic.match(text) if found is None else None
        if bare is not None:
            titles_alt = _GENERIC_TITLE[lang].split("(?P<t>", 1)[1].split(")", 1)[0]
            both = _rx(r"^\s*(?:and|и|和|与)\s+(?:the\s+)?(?:" + titles_alt + ")").match(
                text[bare.end():]) if lang != "zh" else None
            person = titles.get(bare.group("t").lower()) or own_leader
            if lang == "zh" and text[bare.end():].startswith("先生"):
                # "总统先生…" is the leader being addressed in a speech: the other side's
                person = next((v for k, v in titles.items() if k.startswith("side:")
                               and v[1] and v[1] != doc.side), person)
            if both is not None:
                found = ("both sides", "BOTH", "both", text[:bare.end() + both.end()])
            elif person is not None:
                found = (person[0], person[1], "person", bare.group(0))
            else:  # a bare title nobody was introduced with: the issuing side's own leader
                found = (bare.group(0).strip(), doc.side, "title", bare.group(0))
        speaking = (current is not None and current.paragraph == seg.paragraph_index
                    and current.kind in ("person", "title", "turn"))
        if found is not None and lang == "zh" and found[2] == "side" and current is not None \
                and current.kind != "issuer" and current.paragraph == seg.paragraph_index \
                and text.find(found[3]) >= 0 and _ZH_NORMATIVE_AFTER_SUBJECT.match(
                    text[text.find(found[3]) + len(found[3]):]):
            # "美国不应介入…", "美方应该…" inside someone's words: what the speaker says that
            # side should do, not that side speaking
            found = None
        if found is not None and lang == "zh" and speaking and current is not None:
            # inside a running speech ("习近平指出，…"), a side or joint subject is what the
            # speaker says ("双方应该…", "美方应…"), unless the sentence reports the two
            # leaders jointly ("两国元首同意…") or another speaker speaking
            f_kind = found[2]
            if (f_kind == "both" and not _ZH_JOINT_NARRATIVE.match(text)) or (
                    f_kind == "side" and not _ZH_SPEECH_AFTER_SUBJECT.match(text[len(
                        found[3]):]) and not _ZH_JOINT_NARRATIVE.match(text)):
                found = None
        if turn is not None and found is not None and (
                (found[2] == "both" and _rx(r"^(?:[^,]{0,40},\s*)?(?:they|они)\b").match(
                    found[3].strip())) or _VOCATIVE.match(
                    text[len(found[3]):] if text.startswith(found[3])
                    else text[text.find(found[3]) + len(found[3]):])):
            # "President Xi, my dear friend, …": addressed, not speaking; "They know how to do
            # things in China": the turn's speaker talking about others
            found = None
        if turn is not None and found is not None and found[2] in ("side", "both") \
                and not _AGENT_WORD.search(found[3]):
            # "China has become a centre for…", "Our countries are acting as…", "Russia and
            # China's coordination…" in a speech: the turn's speaker talking about countries,
            # not a side speaking ("the Chinese side", "the two leaders" still are)
            found = None
        asking = _journalist_at(turns, seg.start)
        if asking is None and turn is None and re.search(r"[?？]\W{0,3}$", text):
            # a question ("If President Biden knew …, why did he …?") is not a claim of a
            # leader named inside it: the narrator's (or the journalist's) words
            asking = _Speaker("question", doc.side, False, "?", seg.paragraph_index, "issuer")
        elif asking is not None:
            asking = _Speaker("journalist", doc.side, False, asking.cue, seg.paragraph_index,
                              "issuer")
        if found is not None and found[2] == "both" and _THEY_CLAIM.match(text):
            found = None
        quoted = next((q for q in quotes if q[0] <= seg.start < q[1]), None)
        if quoted is not None:
            # a sentence inside a quotation whose speaker is named after it ("“…。…。”普京说。")
            found = (quoted[2].key, quoted[2].side, quoted[2].kind, quoted[3])
        if TURN_SPEECH_ACTS and turn is not None and found is None and not pronoun:
            act = _turn_speech_act(text, lang, actors)
            if act is not None:
                found = (act.key, act.side, act.kind, text[act.start:act.end])
        if asking is not None:
            speaker = asking
        elif turn is not None and found is None and not (pronoun and last_any_person):
            # first-person speech in a transcript: whoever holds the turn says it; a briefing
            # turn ("Yury Ushakov: … President Biden said …") still names other speakers
            speaker = turn
            carried = seg.start >= _turn_speech_start(turns, seg.start)
        elif found is not None:
            name, side, kind, cue = found
            if kind == "title":
                known = titles.get(f"side:{side}")
                name = last_person.get(side) or (known[0] if known else cue)
            speaker = _Speaker(name, side, True, cue, seg.paragraph_index, kind)
        elif pronoun and last_any_person is not None:
            speaker = _Speaker(last_any_person[0], last_any_person[1], True,
                               pronoun.group(0), seg.paragraph_index, "person")
        else:
            if trailing_alt is None:  # the names the document can hold (same matches)
                trailing_alt = narrowed(_actor_alternation(lex), plain)
            trailing = _trailing(text, lang, lex, actors, trailing_alt)
            if trailing is not None:
                speaker = _Speaker(trailing.key, trailing.side, True, text[
                    trailing.start:trailing.end], seg.paragraph_index, trailing.kind)
            elif lang == "zh" and _ZH_NARRATOR.search(text):
                speaker = _issuer_speaker(doc, lex, seg.paragraph_index)
            elif lang == "zh" and current is not None \
                    and current.paragraph == seg.paragraph_index and current.kind != "issuer":
                # Chinese reported speech runs on: "习近平指出，…。…。" stays Xi's until
                # another speaker, a joint subject or the narrator takes over
                speaker = current
                carried = True
            elif lang == "zh" and current is not None and current.kind in ("person", "title") \
                    and current.paragraph == seg.paragraph_index - 1 \
                    and (_ZH_ENUMERATOR.match(text) or _ZH_FIRST_PERSON.search(text)):
                # a speech over several paragraphs: "…我认为至少有以下几条。" / "一是要…" /
                # "二是…" go on with the speaker of the paragraph before (the narrator never
                # says "I" or numbers a leader's points without naming him)
                speaker = _Speaker(current.name, current.side, current.attributed,
                                   current.cue, seg.paragraph_index, current.kind)
                carried = True
            else:
                # English and Russian readouts name the speaker of every reported sentence;
                # one without a speaker ("It was agreed…", "Обсуждены…") is the narrator's
                speaker = _issuer_speaker(doc, lex, seg.paragraph_index)
        if speaker.kind == "person" or (speaker.kind == "title" and speaker.side
                                        and speaker.name in last_person.values()):
            # "The Russian President went into detail … He noted …": a leader named by his
            # title is the one a following pronoun refers to, like one named by his name
            last_person[speaker.side] = speaker.name
            last_any_person = (speaker.name, speaker.side)
        outer = None
        if lang == "zh" and speaking and current is not None and found is not None \
                and found[1] != current.side and text[len(found[3]):].startswith("先生"):
            # "总统先生多次讲过…" inside Xi's speech: Xi reporting the addressed leader; the
            # next sentence without a subject ("希望美方…") is Xi's again
            outer = current
        if speaker.kind == "turn":
            # a briefing turn reports others speaking ("… that the Russian President responded
            # by saying …"): a pronoun in the next sentence refers to that speaker, not to
            # whoever was named before
            reported = _reported_speaker(text, lang, actors)
            if reported is not None:
                known = titles.get(f"side:{reported.side}")
                name = reported.key if reported.kind == "person" else (
                    known[0] if known else reported.key)
                last_any_person = (name, reported.side)
        # a protocol act ("普京为习近平举行欢迎宴会", "军乐团奏国歌", "两国元首共同签署…"): the
        # narrator's fact of the event, not a position of the leader or side named in it; the
        # speaker of the sentence before does not carry into it or past it (bilat.text.acts)
        act = None
        if turn is None and quoted is None and asking is None and act_cue(text, lang):
            act = act_of(text, lang, stance=stance_of(text, lang)[0],
                         modality=modality_of(text, lang)[0], negated=negated_in(text, lang),
                         opposes=opposes_in(text, lang))
        if act is not None:
            speaker = _issuer_speaker(doc, lex, seg.paragraph_index)
            speaker.cue, carried, outer = act[1], False, None
        current = outer or speaker
        issue_hits = _within(doc_issues, seg.start, seg.end, issue_starts)
        issues = tuple(dict.fromkeys(h.key for h in issue_hits))
        stance, stance_cue = stance_of(text, lang)
        modality, modality_cue = modality_of(text, lang)
        claims.append(Claim(
            doc_id=doc.doc_id,
            index=index,
            start=seg.start,
            end=seg.end,
            text=seg.text,
            sentence_index=seg.sentence_index,
            paragraph_index=seg.paragraph_index,
            speaker=speaker.name,
            speaker_side=speaker.side,
            issues=issues,
            stance=stance,
            modality=modality,
            negated=negated_in(text, lang),
            extra={
                "speaker_cue": speaker.cue,
                "speaker_kind": "act" if act is not None else speaker.kind,
                "carried": carried,
                "act": act[0] if act is not None else None,
                "stance_cue": stance_cue,
                "modality_cue": modality_cue,
                "issue_spans": [[h.key, seg.start + h.start, seg.start + h.end]
                                for h in issue_hits],
            },
            opposes=opposes_in(text, lang),
            attributed=speaker.attributed,
            language=doc.language,
        ))
    return claims


__all__ = ["extract_claims", "modality_of", "negated_in", "opposes_in", "speaker_spans",
           "stance_of"]
