"""Leader contacts from official news texts (zh, ru, en), and the contacts of a pair over time.

**What counts as a contact.** A news item reports a contact when its headline, or else its
lead sentence, has a contact verb and the headline + lead name leaders of *exactly two* states
who are heads of state or government on the item's date:

- ``video``: 视频会晤/会谈/通话/连线, 以视频方式; видеоконференц…, видеосвяз…; videoconference,
  video call/link;
- ``call``: 通电话, 通话, 电话会谈; телефонн… разговор, по телефону; telephone/phone
  conversation or call;
- ``talks``: 会谈; переговор…; talks;
- ``meeting``: 会见, 会晤, 见面, 茶叙, 会面; встреч…, встретил…, беседа; meeting, met;
- ``visit``: 国事/正式访问, 抵达, 欢迎仪式, 共同出席/观看 (joint appearances of a visit); визит…,
  прибыл…; state/official visit, arrived in;
- ``press``: 共同会见记者; заявления для прессы; joint press conference

(checked in that order: 视频会晤 is a video call, not a meeting). ``press`` and contacts
naming three or more states (``multilateral``) are stored but not ``counted``. Not contacts at
all: announcements (将/将于…, "will hold", "посетит", "Анонс"), messages (贺电, 慰问电, 致电,
贺信, 致辞, condolences, greetings, message, соболезнования, поздравление, послание).

Leaders are found by **name** (a table of heads of state and government with their terms,
:data:`LEADERS`: a name counts only inside its holder's term, so 李强 in 2019 is not China's
premier) or by **title + country** (法国总统, President of France, Президентом Франции, in
every language's country names from the Unicode CLDR via Babel, Russian in any case). A title
preceded by vice/deputy/aide/envoy/office (副, 办公厅, Aide to the, Помощник …) is not a
leader. Kremlin and president.gov.ua headlines without a subject ("Telephone conversation with
…", "Телефонный разговор с …") imply their own president.

**Dates.** ``broadcast_date`` is the item's date (CCTV: the broadcast, often the day after an
evening call or an event abroad); ``event_date`` is read from the lead when it says it
(国家主席习近平2月4日下午… → 4 February; "19日" → the latest 19th on or before the broadcast),
else the Kremlin's publication date, else the broadcast date (``date_basis`` says which).

**Table** ``corpus_contacts`` (one row per contact found): ``contact_id``, ``doc_id``,
``corpus``, ``series``, ``file``, ``position``, ``issuer_side``, ``broadcast_date``,
``event_date``, ``date_basis``, ``kind``, ``counted``, ``multilateral``, ``state_a``/``state_b``
(ISO3, sorted), ``leader_a``/``leader_b`` and ``role_a``/``role_b`` (``head_of_state`` |
``head_of_government``), ``states`` (all states named), ``sentence_start``/``sentence_end``
(character offsets of the evidence sentence in the document's text), ``sentence``,
``section`` (item | summary | headline) and ``duplicate_of`` (a 新闻摘要 line whose contact
the same day file also reports as an item).

:func:`contacts` counts a pair's contacts per year or month, one column per source side by
side (each corpus series, GDELT/ICEWS events, ChinaVitae engagements), with every period a
source does not cover shown as a gap (NaN), never as zero.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

import pandas as pd

from bilat.errors import error
from bilat.text.prefilter import Prefilter, literal_starts

KINDS = ("video", "call", "talks", "meeting", "visit", "press")
#: Kinds counted as leader contacts (press conferences are part of a meeting, not one).
COUNTED_KINDS = ("video", "call", "talks", "meeting", "visit")
HOS, HOG = "head_of_state", "head_of_government"
BY = ("year", "month")
SOURCES = ("corpus", "events", "engagements", "all")
FAR = date(9999, 12, 31)


# ------------------------------------------------------------------------------- leaders
@dataclass(frozen=True)
class Leader:
    """A head of state or government, with the terms in which each role was held."""

    name: str
    state: str
    patterns: dict[str, str]
    terms: tuple[tuple[str, date, date], ...]

    def role_on(self, day: date) -> str | None:
        for role, start, end in self.terms:
            if start <= day < end:
                return role
        return None


def _d(text: str) -> date:
    return date.fromisoformat(text)


#: Heads of state/government named without a title in the corpora (terms from official
#: records: inauguration/appointment dates). Titles + country find every other leader.
LEADERS: tuple[Leader, ...] = (
    Leader("Xi Jinping", "CHN", {"zh": "习近平", "ru": r"Си Цзиньпин\w*", "en": r"Xi Jinping"},
           ((HOS, _d("2013-03-14"), FAR),)),
    Leader("Hu Jintao", "CHN", {"zh": "胡锦涛", "ru": r"Ху Цзиньта\w*", "en": r"Hu Jintao"},
           ((HOS, _d("2003-03-15"), _d("2013-03-14")),)),
    Leader("Li Qiang", "CHN", {"zh": "李强", "ru": r"Ли Цян\w*", "en": r"Li Qiang"},
           ((HOG, _d("2023-03-11"), FAR),)),
    Leader("Li Keqiang", "CHN", {"zh": "李克强", "ru": r"Ли Кэцян\w*", "en": r"Li Keqiang"},
           ((HOG, _d("2013-03-15"), _d("2023-03-11")),)),
    Leader("Wen Jiabao", "CHN", {"zh": "温家宝", "ru": r"Вэнь Цзяба\w*", "en": r"Wen Jiabao"},
           ((HOG, _d("2003-03-16"), _d("2013-03-15")),)),
    Leader("Vladimir Putin", "RUS",
           {"zh": "普京", "ru": r"Путин\w*", "en": r"(?:Vladimir )?Putin"},
           ((HOS, _d("2000-05-07"), _d("2008-05-07")), (HOG, _d("2008-05-08"), _d("2012-05-07")),
            (HOS, _d("2012-05-07"), FAR))),
    Leader("Dmitry Medvedev", "RUS",
           {"zh": "梅德韦杰夫", "ru": r"Медведев\w*", "en": r"(?:Dmitry )?Medvedev"},
           ((HOS, _d("2008-05-07"), _d("2012-05-07")), (HOG, _d("2012-05-08"), _d("2020-01-16")))),
    Leader("Mikhail Mishustin", "RUS",
           {"zh": "米舒斯京", "ru": r"Мишустин\w*", "en": r"(?:Mikhail )?Mishustin"},
           ((HOG, _d("2020-01-16"), FAR),)),
    Leader("Joe Biden", "USA", {"zh": "拜登", "ru": r"Байден\w*", "en": r"(?:Joe )?Biden"},
           ((HOS, _d("2021-01-20"), _d("2025-01-20")),)),
    Leader("Donald Trump", "USA", {"zh": "特朗普", "ru": r"Трамп\w*", "en": r"(?:Donald )?Trump"},
           ((HOS, _d("2017-01-20"), _d("2021-01-20")), (HOS, _d("2025-01-20"), FAR))),
    Leader("Barack Obama", "USA", {"zh": "奥巴马", "ru": r"Обам\w*", "en": r"(?:Barack )?Obama"},
           ((HOS, _d("2009-01-20"), _d("2017-01-20")),)),
    Leader("Volodymyr Zelensky", "UKR",
           {"zh": "泽连斯基", "ru": r"Зеленск\w*", "en": r"(?:Volodymyr )?Zelensk(?:yy|y|iy)"},
           ((HOS, _d("2019-05-20"), FAR),)),
    Leader("Alexander Lukashenko", "BLR",
           {"zh": "卢卡申科", "ru": r"Лукашенк\w*", "en": r"(?:Alexander )?Lukashenko"},
           ((HOS, _d("1994-07-20"), FAR),)),
    Leader("Emmanuel Macron", "FRA",
           {"zh": "马克龙", "ru": r"Макрон\w*", "en": r"(?:Emmanuel )?Macron"},
           ((HOS, _d("2017-05-14"), FAR),)),
    Leader("Olaf Scholz", "DEU", {"zh": "朔尔茨", "ru": r"Шольц\w*", "en": r"(?:Olaf )?Scholz"},
           ((HOG, _d("2021-12-08"), _d("2025-05-06")),)),
    Leader("Narendra Modi", "IND", {"zh": "莫迪", "ru": r"Моди\b", "en": r"(?:Narendra )?Modi"},
           ((HOG, _d("2014-05-26"), FAR),)),
    Leader("Recep Tayyip Erdogan", "TUR",
           {"zh": "埃尔多安", "ru": r"Эрдоган\w*", "en": r"(?:Recep Tayyip )?Erdo[gğ]an"},
           ((HOG, _d("2003-03-14"), _d("2014-08-28")), (HOS, _d("2014-08-28"), FAR))),
    Leader("Kassym-Jomart Tokayev", "KAZ",
           {"zh": "托卡耶夫", "ru": r"Токаев\w*", "en": r"(?:Kassym-Jomart )?Tokayev"},
           ((HOS, _d("2019-03-20"), FAR),)),
    Leader("Shavkat Mirziyoyev", "UZB",
           {"zh": "米尔济约耶夫", "ru": r"Мирзи[её]ев\w*", "en": r"(?:Shavkat )?Mirziyoyev"},
           ((HOS, _d("2016-09-08"), FAR),)),
)

# title words → role
_ZH_TITLES = {"总统": HOS, "国家主席": HOS, "国王": HOS, "女王": HOS, "元首": HOS,
              "埃米尔": HOS, "苏丹": HOS, "大公": HOS, "国务委员长": HOS, "最高领袖": HOS,
              "总理": HOG, "首相": HOG, "王储": HOG}
_EN_TITLES = {"President": HOS, "King": HOS, "Queen": HOS, "Emir": HOS, "Amir": HOS,
              "Sultan": HOS, "Grand Duke": HOS, "Supreme Leader": HOS,
              "Chairman of the Presidential Council": HOS,
              "Prime Minister": HOG, "Premier": HOG, "Federal Chancellor": HOG,
              "Chancellor": HOG, "Crown Prince": HOG}
_RU_TITLES = [(r"Председател\w* Правительства", HOG), (r"Премьер-министр\w*", HOG),
              (r"Федеральн\w* [Кк]анцлер\w*", HOG), (r"[Кк]анцлер\w*", HOG),
              (r"Наследн\w* принц\w*", HOG), (r"Президент\w*", HOS),
              (r"Председател\w*", HOS), (r"Корол\w*", HOS), (r"Эмир\w*", HOS),
              (r"Султан\w*", HOS)]
_EN_DEMONYMS = {"Chinese": "CHN", "Russian": "RUS", "US": "USA", "U.S.": "USA",
                "American": "USA", "French": "FRA", "German": "DEU", "Indian": "IND",
                "Ukrainian": "UKR", "Belarusian": "BLR", "Kazakh": "KAZ", "Turkish": "TUR",
                "Iranian": "IRN", "Brazilian": "BRA", "Japanese": "JPN", "British": "GBR",
                "Italian": "ITA", "South African": "ZAF", "Israeli": "ISR", "Pakistani": "PAK",
                "Indonesian": "IDN", "Mexican": "MEX", "Argentine": "ARG", "Argentinian": "ARG",
                "Egyptian": "EGY", "Saudi": "SAU", "Emirati": "ARE", "Qatari": "QAT",
                "Vietnamese": "VNM", "South Korean": "KOR", "North Korean": "PRK",
                "Mongolian": "MNG", "Uzbek": "UZB", "Kyrgyz": "KGZ", "Tajik": "TJK",
                "Turkmen": "TKM", "Azerbaijani": "AZE", "Armenian": "ARM", "Georgian": "GEO",
                "Serbian": "SRB", "Hungarian": "HUN", "Polish": "POL", "Spanish": "ESP",
                "Portuguese": "PRT", "Canadian": "CAN", "Australian": "AUS", "Nigerian": "NGA",
                "Ethiopian": "ETH", "Kenyan": "KEN", "Venezuelan": "VEN", "Cuban": "CUB",
                "Nicaraguan": "NIC", "Chilean": "CHL", "Colombian": "COL", "Peruvian": "PER",
                "Malaysian": "MYS", "Thai": "THA", "Singaporean": "SGP", "Philippine": "PHL",
                "Filipino": "PHL", "Cambodian": "KHM", "Lao": "LAO", "Bangladeshi": "BGD",
                "Sri Lankan": "LKA", "Nepalese": "NPL", "Afghan": "AFG", "Iraqi": "IRQ",
                "Syrian": "SYR", "Jordanian": "JOR", "Lebanese": "LBN", "Algerian": "DZA",
                "Moroccan": "MAR", "Tunisian": "TUN", "Libyan": "LBY", "Sudanese": "SDN",
                "Angolan": "AGO", "Zimbabwean": "ZWE", "Finnish": "FIN", "Swedish": "SWE",
                "Norwegian": "NOR", "Danish": "DNK", "Dutch": "NLD", "Belgian": "BEL",
                "Austrian": "AUT", "Swiss": "CHE", "Greek": "GRC", "Czech": "CZE",
                "Slovak": "SVK", "Romanian": "ROU", "Bulgarian": "BGR", "Croatian": "HRV",
                "Moldovan": "MDA", "Lithuanian": "LTU", "Latvian": "LVA", "Estonian": "EST",
                "Irish": "IRL", "Korean": "KOR", "Emirian": "ARE", "Omani": "OMN",
                "Kuwaiti": "KWT", "Bahraini": "BHR", "Yemeni": "YEM", "Palestinian": "PSE"}
_BLOCK_BEFORE = re.compile(
    r"(?:副|前|原|办公厅|(?:Vice|Deputy|former|Former|ex)[- ]|"
    r"(?:Aide|Adviser|Advisor|Envoy|Representative|Spokesperson|Spokesman|Office|"
    r"Administration|Secretary|wife|spouse|Chief of Staff|Assistant) (?:to|of|for) the |"
    r"[Вв]ице-|[Зз]аместител\w* |[Пп]омощник\w* |[Сс]оветник\w* |[Пп]ресс-секретар\w* |"
    r"[Аа]дминистраци\w* |[Пп]осл\w* |[Сс]упруг\w* |[Бб]ывш\w* |[Уу]каз\w* |[Аа]ппарат\w* |"
    r"[Пп]ресс-служб\w* )$")
_BLOCK_AFTER_ZH = re.compile(
    r"^(?:办公厅|助理|顾问|特使|特别代表|新闻秘书|发言人|府|夫人|候选人|选举|大选|令|就职|任期|"
    r"办公室|官邸|专机|卫队|权力|[^，。、；\s]{0,8}?(?:特使|特别代表|助理|顾问|办公厅|发言人|"
    r"新闻秘书))")
#: After a leader's *name*: his envoy or spouse is not him (习近平主席特使, 普京夫人).
_BLOCK_AFTER_NAME_ZH = re.compile(r"^(?:主席|总统|总理|首相)?(?:特使|特别代表|夫人|顾问|助理)")
#: Headlines of commentaries and reactions about a contact, not reports of one.
_REACTION_ZH = re.compile(r"评价|关注|反响|热议|意义|综述|纪实|述评|引发|——")

#: Aliases the CLDR short names lack, per language (name → ISO3).
_ALIASES = {
    "zh": {"中华人民共和国": "CHN", "俄罗斯联邦": "RUS", "美利坚合众国": "USA", "沙特": "SAU",
           "阿联酋": "ARE", "土耳其共和国": "TUR", "哈萨克斯坦共和国": "KAZ",
           "白俄罗斯共和国": "BLR",
           "乌兹别克斯坦共和国": "UZB", "伊朗伊斯兰共和国": "IRN", "朝鲜民主主义人民共和国": "PRK",
           "大韩民国": "KOR", "老挝人民民主共和国": "LAO", "越南社会主义共和国": "VNM"},
    "en": {"People's Republic of China": "CHN", "PRC": "CHN", "Russian Federation": "RUS",
           "United States of America": "USA", "USA": "USA", "U.S.": "USA", "US": "USA",
           "Republic of Korea": "KOR", "Türkiye": "TUR", "Turkiye": "TUR", "UAE": "ARE",
           "Republic of Belarus": "BLR", "Republic of Kazakhstan": "KAZ",
           "Islamic Republic of Iran": "IRN", "Federal Republic of Germany": "DEU",
           "Republic of Turkey": "TUR", "Republic of Uzbekistan": "UZB",
           "Kingdom of Saudi Arabia": "SAU", "Republic of India": "IND",
           "French Republic": "FRA", "Republic of South Africa": "ZAF"},
    "ru": {"КНР": "CHN", "Китайской Народной Республики": "CHN", "США": "USA", "ФРГ": "DEU",
           "ОАЭ": "ARE", "КНДР": "PRK", "ЮАР": "ZAF", "Российской Федерации": "RUS",
           "Республики Беларусь": "BLR", "Белоруссии": "BLR", "Египта": "EGY",
           "Турецкой Республики": "TUR", "Исламской Республики Иран": "IRN",
           "Республики Казахстан": "KAZ", "Республики Узбекистан": "UZB",
           "Соединенных Штатов Америки": "USA", "Республики Корея": "KOR",
           "Вьетнама": "VNM", "Социалистической Республики Вьетнам": "VNM"},
}


@cache
def _country_names(lang: str) -> dict[str, str]:
    """Country name → ISO3 in one language: CLDR territory names (Babel) + aliases."""
    from babel import Locale

    from bilat.reference.countries import to_iso3

    names: dict[str, str] = {}
    for code, name in Locale.parse(lang).territories.items():
        if not (len(code) == 2 and code.isalpha()):
            continue
        iso = to_iso3(code, "iso2")
        if iso is None or code in ("EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"):
            continue
        names[name] = iso
    if lang == "en":
        from bilat.reference.countries import load_countries

        for row in load_countries().itertuples(index=False):
            if row.historical or not row.iso3:
                continue
            for nm in [row.name, *str(row.aliases).split("|")]:
                if nm and len(nm) > 3:
                    names.setdefault(nm, row.iso3)
    names.update(_ALIASES.get(lang, {}))
    return names


def _ru_pattern(name: str) -> str:
    """A Russian country name in any case: each word's ending replaced by ``\\w{0,3}``."""
    words = []
    for w in name.replace("ё", "е").split():
        if w.isupper() or len(w) <= 3:
            words.append(re.escape(w))
            continue
        stem = w[:-1] if w[-1] in "аяоеийуыьъ" else w
        if stem.endswith(("и", "ы")) and len(stem) > 4:
            stem = stem[:-1]
        words.append(re.escape(stem) + r"\w{0,3}")
    return r"\s+".join(words)


@cache
def _title_regex(lang: str) -> re.Pattern[str]:
    return re.compile(_title_pattern(lang, _country_names(lang)))


@cache
def _title_scan(lang: str) -> Prefilter:
    """:func:`_title_regex` scanned from its literal starts (titles, demonyms): read from the
    same pattern with one ``\\w`` for the country names (the starts end before the names:
    too many to expand), not from the full pattern, whose parse costs as much as its compile."""
    cut = _title_pattern(lang, None)
    return Prefilter([_title_regex(lang)], [literal_starts(cut, 0)])


@cache
def _name_scan(lang: str) -> Prefilter:
    """:func:`_name_regex` scanned from its literal starts (the leaders' names)."""
    rx = _name_regex(lang)
    return Prefilter([rx], [literal_starts(rx.pattern, 0)])


def _title_pattern(lang: str, names: dict[str, str] | None) -> str:
    """The title + country pattern; ``names`` None: ``\\w`` in place of the country names."""
    if lang == "ru":
        alts = sorted({_ru_pattern(n) for n in names}, key=len, reverse=True) \
            if names is not None else [r"\w"]
        country = "(?P<country>" + "|".join(alts) + r")(?!\w)"
        prefix = (r"(?:(?:Исламской |Федеративной |Социалистической |Арабской |Объединенной )?"
                  r"(?:Республики|Государства|Королевства|Султаната|Эмирата) )?")
        titles = "|".join(f"(?:{p})" for p, _ in _RU_TITLES)
        return rf"(?P<title>{titles})\s+{prefix}{country}"
    alts = sorted((re.escape(n) for n in names), key=len, reverse=True) \
        if names is not None else [r"\w"]
    if lang == "zh":
        titles = "|".join(sorted(_ZH_TITLES, key=len, reverse=True))
        return rf"(?P<country>{'|'.join(alts)})(?:联邦|国家)?(?P<title>{titles})"
    titles = "|".join(re.escape(t) for t in sorted(_EN_TITLES, key=len, reverse=True))
    dem = "|".join(re.escape(d) for d in sorted(_EN_DEMONYMS, key=len, reverse=True))
    return (
        rf"(?P<title>{titles}) of (?:the )?(?P<country>{'|'.join(alts)})(?![\w])"
        rf"|(?<![\w.])(?P<dem>{dem}) "
        rf"(?P<title2>President|Prime Minister|Premier|Chancellor|King|Emir|Crown Prince)\b")


@cache
def _country_lookup(lang: str) -> dict[str, str]:
    names = _country_names(lang)
    if lang != "ru":
        return names
    return {n.replace("ё", "е"): iso for n, iso in names.items()}


def _ru_country(text: str) -> str | None:
    """ISO3 of a Russian country mention in any case (by matching each name's pattern)."""
    for name, iso in _country_lookup("ru").items():
        if re.fullmatch(_ru_pattern(name), text.replace("ё", "е")):
            return iso
    return None


@cache
def _name_regex(lang: str) -> re.Pattern[str]:
    parts = [f"(?P<L{i}>{ld.patterns[lang]})" for i, ld in enumerate(LEADERS)
             if lang in ld.patterns]
    if lang == "zh":
        return re.compile("|".join(parts))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


@dataclass(frozen=True)
class Mention:
    """A leader named in a text: state, role on the date, a display name, offsets."""

    state: str
    role: str
    name: str
    start: int
    end: int


def _leader_for(state: str, role: str, day: date) -> str | None:
    for ld in LEADERS:
        if ld.state == state and ld.role_on(day) == role:
            return ld.name
    return None


def find_leaders(text: str, language: str, day: date) -> list[Mention]:
    """Heads of state/government named in ``text`` on ``day`` (by name or title + country)."""
    lang = language if language in ("zh", "ru", "en") else "en"
    norm = text.replace("ё", "е") if lang == "ru" else text
    found: list[Mention] = []
    for m in _name_scan(lang).finditer(norm)[0]:  # = _name_regex(lang).finditer(norm)
        idx = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        ld = LEADERS[idx]
        role = ld.role_on(day)
        if lang == "zh" and _BLOCK_AFTER_NAME_ZH.match(norm[m.end():m.end() + 6]):
            continue
        if role is not None and not _BLOCK_BEFORE.search(norm[max(0, m.start() - 40):m.start()]):
            found.append(Mention(ld.state, role, ld.name, m.start(), m.end()))
    for m in _title_scan(lang).finditer(norm)[0]:  # = _title_regex(lang).finditer(norm)
        before = norm[max(0, m.start() - 40):m.start()]
        if _BLOCK_BEFORE.search(before):
            continue
        if lang == "zh":
            if _BLOCK_AFTER_ZH.match(norm[m.end():m.end() + 14]):
                continue
            state = _country_names("zh").get(m.group("country"))
            title = m.group("title")
            role = _ZH_TITLES[title]
            # 中国国家主席 / 俄罗斯联邦总统: the country part may carry 联邦/国家
        elif lang == "ru":
            state = _ru_country(m.group("country"))
            title = m.group("title")
            role = next(r for p, r in _RU_TITLES if re.fullmatch(p, title))
            if title.startswith("Председател") and "Правительства" not in title \
                    and state not in ("CHN",):
                continue  # Председатель КНР is a head of state; other chairs are not
        else:
            if m.group("dem"):
                state = _EN_DEMONYMS[m.group("dem")]
                title = m.group("title2")
            else:
                state = _country_names("en").get(m.group("country"))
                title = m.group("title")
            role = _EN_TITLES.get(title, HOS)
        if state is None:
            continue
        name = _leader_for(state, role, day) or f"{role.replace('_', ' ')} of {state}"
        found.append(Mention(state, role, name, m.start(), m.end()))
    found.sort(key=lambda x: x.start)
    return found


# ------------------------------------------------------------------------------- kinds
_KIND_RX: dict[str, list[tuple[str, str]]] = {
    "zh": [("press", r"共同会见记者|共见记者"),
           ("video", r"视频会晤|视频会谈|视频通话|视频连线|视频方式|通过视频|举行视频|云会晤"),
           ("call", r"通电话|通话|电话会谈|电话交谈"),
           ("talks", r"会谈"),
           ("meeting", r"会见|会晤|见面|茶叙|会面|小范围|共进晚餐|共进早餐"),
           ("visit", r"国事访问|正式访问|工作访问|进行访问|抵达|欢迎仪式|共同观看|共同出席|"
                     r"一道出席|共同访问|一起访问|共同见证|授予.{0,12}勋章")],
    "ru": [("press", r"[Зз]аявлени\w* для прессы|пресс-конференц\w*"),
           ("video", r"видеоконференц\w*|видеосвяз\w*|режиме видео\w*"),
           ("call", r"[Тт]елефонн\w* разговор\w*|по телефону|[Тт]елефонн\w* бесед\w*"),
           ("talks", r"[Пп]ереговор\w*"),
           ("meeting", r"[Вв]стреч\w*|[Вв]стретил\w*|[Бб]есед\w*"),
           ("visit", r"[Вв]изит\w*|[Пп]рибыл\w*")],
    "en": [("press", r"(?i:press (?:statements|conference)|statements? (?:to|for) the press)"),
           ("video", r"(?i:video ?conferenc\w*|video (?:call|link|format)|videolink|"
                     r"via video)"),
           ("call", r"(?i:tele?phone (?:conversation|call|talks?)|phone (?:conversation|call|"
                    r"talks?)|by (?:tele)?phone|spoke on the phone)"),
           ("talks", r"(?i:\btalks\b)"),
           ("meeting", r"(?i:\bmeeting\b|\bmet\b|\bmeets\b|\bconversation with\b)"),
           ("visit", r"(?i:(?:state|official|working) visit|arrived in|\bvisit to\b)")],
}
_NOT_CONTACT: dict[str, str] = {
    "zh": r"贺电|贺信|贺辞|慰问电|唁电|致电|复信|回信|口信|致信|贺词|书面致辞|视频致辞|署名文章|"
          r"(?<!即)将(?:于|同|对|赴|出席|举行|进行|在|会见|与|访|应)|离京|离开北京|启程|回到北京|"
          r"结束.{0,12}访问",
    "ru": r"[Сс]оболезновани|[Пп]оздравлени|[Пп]оздравил|[Пп]ослани|[Пп]риветстви|[Тт]елеграмм|"
          r"[Оо]бращени|посетит|проведет|проведут|состоится|состоятся|примет участие|[Аа]нонс|"
          r"планируется|будут обсужден|будет обсужден|ожидается|предстоит|предполагается",
    "en": r"(?i:condolence|greeting|\bmessage\b|congratulat|\bletter\b|\baddress(?:ed)? (?:to|by)"
          r"|\bwill (?:hold|visit|have|meet|take part|travel|pay)|\bis to (?:hold|visit|meet)"
          r"|\bupcoming\b|\bscheduled\b|\bannounce|\bit is expected\b|\b(?:is|are) expected to\b"
          r"|\bwill be (?:discussed|signed|held|considered)\b|\b(?:is|are) planned\b)",
}
#: An item announcing a contact rather than reporting it: what "will be discussed", what "is
#: planned" ("В Кремле началась беседа … Будут обсуждены … Планируется подписание …", "It is
#: expected that during the talks …"). Looked for near the start of a short body.
_ANNOUNCEMENT = {
    "ru": re.compile(r"[Бб]уд(?:ут|ет) обсужден\w*|[Пп]ланируется (?:подписание|обсудить|принять)|"
                     r"[Пп]редстоит обсудить|[Оо]жидается, что|[Пп]редполагается, что"),
    "en": re.compile(r"(?i:\bit is expected that\b|\b(?:is|are) expected to (?:discuss|sign|"
                     r"focus|address|exchange)|\bwill be discussed\b|\bare to be discussed\b|"
                     r"\b(?:is|are) planned to be signed\b)"),
}
#: How far into the body, and how long a body, an announcement is looked for.
ANNOUNCEMENT_WINDOW, ANNOUNCEMENT_MAX_CHARS = 700, 1500


def is_announcement(body: str, language: str) -> bool:
    """Whether a news item announces a contact (what will be discussed or signed) instead of
    reporting what was said: an announcement marker (:data:`_ANNOUNCEMENT`) in the first
    :data:`ANNOUNCEMENT_WINDOW` characters of a body of at most
    :data:`ANNOUNCEMENT_MAX_CHARS` characters. Such an item is no readout of the contact."""
    rx = _ANNOUNCEMENT.get(language if language in _ANNOUNCEMENT else "en")
    text = body.strip()
    return bool(rx is not None and len(text) <= ANNOUNCEMENT_MAX_CHARS
                and rx.search(text[:ANNOUNCEMENT_WINDOW]))
_MULTILATERAL = (r"三国|三方|多国|中俄蒙|中蒙俄|中俄印|中印俄|金砖国家领导人|领导人第.{1,4}次会晤|"
                 r"трехсторонн|трёхсторонн|(?i:trilateral|BRICS\+? (?:summit|meeting))")
_IMPLIED_SUBJECT = {
    "ru": re.compile(r"^\s*(?:Телефонный разговор|Переговоры|Встреча|Беседа)\s+с\b"),
    "en": re.compile(r"^\s*(?:Telephone conversation|Phone call|Talks|Meeting|Conversation)"
                     r"\s+with\b", re.I),
}


def contact_kind(sentence: str, language: str) -> tuple[str | None, str | None]:
    """(kind, why-not) of one headline or sentence: the first matching kind, or None.

    ``why-not`` is ``"announcement or message"`` when a kind verb is found but the sentence
    announces a future contact or carries a message.
    """
    lang = language if language in _KIND_RX else "en"
    for kind, pat in _KIND_RX[lang]:
        if re.search(pat, sentence):
            if re.search(_NOT_CONTACT[lang], sentence):
                return None, "announcement or message"
            return kind, None
    return None, None


# ------------------------------------------------------------------------------- extraction
@dataclass
class Contact:
    """One leader contact reported in one document (see the module docstring)."""

    doc_id: str
    kind: str
    states: tuple[str, ...]
    leaders: tuple[str, ...]
    roles: tuple[str, ...]
    broadcast_date: date
    event_date: date
    date_basis: str
    sentence_start: int
    sentence_end: int
    sentence: str
    section: str = "item"
    counted: bool = True
    multilateral: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


_ZH_DAY = re.compile(r"(?:(\d{1,2})月)?(\d{1,2})日")
_EN_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁ\"“])")


def lead_sentence(body: str, language: str) -> tuple[int, int]:
    """Offsets of the first sentence of ``body`` (to 。 in Chinese, to ". X" otherwise)."""
    text = body.lstrip()
    start = len(body) - len(text)
    if not text:
        return start, start
    if language == "zh":
        end = text.find("。")
        end = len(text) if end < 0 else end + 1
    else:
        line_end = text.find("\n")
        seg = text if line_end < 0 else text[:line_end]
        m = _EN_SENT.search(seg)
        end = m.start() if m else len(seg)
    return start, start + min(end, 600)


def event_date_zh(sentence: str, broadcast: date) -> date | None:
    """The event date a Chinese lead gives (月/日), resolved against the broadcast date."""
    m = _ZH_DAY.search(sentence[:80])
    if not m:
        return None
    day = int(m.group(2))
    month = int(m.group(1)) if m.group(1) else None
    for back in range(0, 400):
        cand = broadcast - timedelta(days=back)
        if cand.day == day and (month is None or cand.month == month):
            return cand if back <= 62 else None
    return None


def extract_contacts(
    doc_id: str,
    text: str,
    *,
    title_span: tuple[int, int] | None,
    body_start: int,
    language: str,
    day: date,
    issuer_side: str | None,
    corpus: str,
    published: date | None = None,
    section: str = "item",
) -> list[Contact]:
    """Contacts one stored document reports (see the module docstring for the rules).

    ``text`` is the document's text, ``title_span`` the offsets of its headline in it (or
    None), ``body_start`` where the body starts. For a 新闻摘要 document (``section``
    ``summary``) every line is read as a headline.
    """
    if section == "summary":
        out: list[Contact] = []
        pos = body_start
        for ln in text[body_start:].split("\n"):
            s, e = pos, pos + len(ln)
            pos = e + 1
            head = re.sub(r"^\s*\d+[.、．]\s*", "", ln)
            if not head.strip():
                continue
            off = s + (len(ln) - len(head))
            out += extract_contacts(doc_id, text, title_span=(off, e), body_start=e,
                                    language=language, day=day, issuer_side=issuer_side,
                                    corpus=corpus, published=published,
                                    section="summary_line")
        return out
    headline_only = section == "summary_line"
    if headline_only:
        section = "summary"
    scopes: list[tuple[int, int]] = []
    if title_span and title_span[1] > title_span[0]:
        scopes.append(title_span)
    if not headline_only and body_start < len(text):
        ls, le = lead_sentence(text[body_start:], language)
        if le > ls:
            scopes.append((body_start + ls, body_start + le))
    if not scopes:
        return []
    kind = None
    evidence = None
    lang = language if language in _KIND_RX else "en"
    for s, e in scopes:
        k, why = contact_kind(text[s:e], language)
        if why:
            return []
        if k:
            kind, evidence = k, (s, e)
            break
    if lang == "zh" and any(re.search(_NOT_CONTACT["zh"], text[s:e]) for s, e in scopes):
        return []  # an announcement, a message or a departure, said in headline or lead
    if lang == "zh" and title_span and _REACTION_ZH.search(text[title_span[0]:title_span[1]]):
        return []  # a commentary or reactions about the contact
    if kind is None or evidence is None:
        return []
    if kind in ("talks", "meeting", "call"):
        # "held talks via videoconference": the lead names the medium the headline omits
        video = dict(_KIND_RX[language if language in _KIND_RX else "en"])["video"]
        for s, e in scopes:
            if re.search(video, text[s:e]):
                kind, evidence = "video", (s, e)
                break
    mentions: list[Mention] = []
    for s, e in scopes:
        mentions += find_leaders(text[s:e], language, day)
    states = list(dict.fromkeys(m.state for m in mentions))
    implied = _IMPLIED_SUBJECT.get(language)
    if (implied and issuer_side and corpus.startswith(("kremlin", "zelenskyy"))
            and issuer_side not in states and title_span
            and implied.match(text[title_span[0]:title_span[1]])):
        name = _leader_for(issuer_side, HOS, day) or f"head of state of {issuer_side}"
        mentions.insert(0, Mention(issuer_side, HOS, name, 0, 0))
        states.insert(0, issuer_side)
    if len(states) < 2:
        return []
    by_state: dict[str, Mention] = {}
    for m in mentions:
        prev = by_state.get(m.state)
        if prev is None or (prev.role != HOS and m.role == HOS):
            by_state[m.state] = m
    ev_sentence = text[evidence[0]:evidence[1]]
    lead_text = text[scopes[-1][0]:scopes[-1][1]]
    event: date | None = None
    basis = "broadcast" if corpus.startswith("xwlb") else "published"
    if language == "zh" and section != "summary":
        event = event_date_zh(lead_text, day)
        if event is not None:
            basis = "lead"
    if event is None:
        event = published or day
    multilateral = len(states) > 2 or bool(re.search(_MULTILATERAL, ev_sentence))
    # an item announcing the talks (what will be discussed) is stored, not counted, and is
    # therefore never taken as a side's readout of the contact
    announced = section == "item" and is_announcement(text[body_start:], language)
    keep = states[:2] if not multilateral else states
    ordered = sorted(keep[:2])
    return [Contact(
        doc_id=doc_id, kind=kind, states=tuple(states),
        leaders=tuple(by_state[s].name for s in ordered),
        roles=tuple(by_state[s].role for s in ordered),
        broadcast_date=day, event_date=event, date_basis=basis,
        sentence_start=evidence[0], sentence_end=evidence[1], sentence=ev_sentence,
        section=section, counted=(kind in COUNTED_KINDS and not multilateral and not announced),
        multilateral=multilateral, extra={"announcement": True} if announced else {})]


# ------------------------------------------------------------------------------- store
CONTACTS_DDL = """
CREATE TABLE IF NOT EXISTS corpus_contacts (
    contact_id VARCHAR NOT NULL,     -- <doc_id>:<sentence_start>-<sentence_end>
    doc_id VARCHAR NOT NULL,
    corpus VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    issuer_side VARCHAR,
    broadcast_date DATE NOT NULL,
    event_date DATE NOT NULL,
    date_basis VARCHAR NOT NULL,     -- lead | published | broadcast
    kind VARCHAR NOT NULL,           -- video | call | talks | meeting | visit | press
    counted BOOLEAN NOT NULL,
    multilateral BOOLEAN NOT NULL,
    state_a VARCHAR NOT NULL,        -- ISO3, state_a < state_b
    state_b VARCHAR NOT NULL,
    leader_a VARCHAR, leader_b VARCHAR,
    role_a VARCHAR, role_b VARCHAR,
    states VARCHAR[],
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    sentence VARCHAR,
    section VARCHAR NOT NULL,        -- item | summary | headline
    duplicate_of VARCHAR             -- contact_id of the item a 新闻摘要 line repeats
)
"""


def contact_rows(found: Iterable[tuple[dict[str, Any], Contact]]) -> list[dict[str, Any]]:
    """Table rows from (item provenance, contact) pairs; marks 新闻摘要 duplicates."""
    rows: list[dict[str, Any]] = []
    for prov, c in found:
        a, b = sorted(c.states[:2]) if not c.multilateral else sorted(c.states)[:2]
        rows.append({
            "contact_id": f"{c.doc_id}:{c.sentence_start}-{c.sentence_end}",
            "doc_id": c.doc_id, "corpus": prov["corpus"], "series": prov["series"],
            "file": prov["file"], "position": prov["position"], "issuer_side": prov["side"],
            "broadcast_date": c.broadcast_date, "event_date": c.event_date,
            "date_basis": c.date_basis, "kind": c.kind, "counted": c.counted,
            "multilateral": c.multilateral, "state_a": a, "state_b": b,
            "leader_a": c.leaders[0] if c.leaders else None,
            "leader_b": c.leaders[1] if len(c.leaders) > 1 else None,
            "role_a": c.roles[0] if c.roles else None,
            "role_b": c.roles[1] if len(c.roles) > 1 else None,
            "states": list(c.states), "sentence_start": c.sentence_start,
            "sentence_end": c.sentence_end, "sentence": c.sentence, "section": c.section,
            "duplicate_of": None,
        })
    items = {(r["file"], r["state_a"], r["state_b"], r["kind"]): r["contact_id"]
             for r in rows if r["section"] != "summary" and not r["multilateral"]}
    for r in rows:
        if r["section"] == "summary":
            r["duplicate_of"] = items.get((r["file"], r["state_a"], r["state_b"], r["kind"]))
            if r["duplicate_of"] is None:
                # the summary names the kind loosely (会谈 vs 会见): same pair, same day file
                r["duplicate_of"] = next((cid for (f, a, b, _k), cid in items.items()
                                          if f == r["file"] and a == r["state_a"]
                                          and b == r["state_b"]), None)
    return rows


# ------------------------------------------------------------------------------- queries
def _period(d: pd.Series, by: str) -> pd.Series:
    d = pd.to_datetime(d)
    return d.dt.year.astype(str) if by == "year" else d.dt.strftime("%Y-%m")


def contact_list(store: Any, a: str, b: str, *, counted_only: bool = True,
                 roles: str = "any", series: str | None = None,
                 start: date | str | None = None, end: date | str | None = None,
                 include_summary_duplicates: bool = False) -> pd.DataFrame:
    """Every stored contact of the pair (one row per report), newest last.

    ``roles``: ``any`` (heads of state or government), ``state`` (heads of state only).
    Rows from a 新闻摘要 line that repeats an item of the same day file are left out unless
    ``include_summary_duplicates``.
    """
    from bilat.text.corpus import require_tables

    require_tables(store)
    x, y = sorted((a.upper(), b.upper()))
    where = ["state_a = ?", "state_b = ?"]
    params: list[Any] = [x, y]
    if counted_only:
        where.append("counted")
    if roles == "state":
        where.append(f"role_a = '{HOS}' AND role_b = '{HOS}'")
    elif roles != "any":
        raise error("E359", option="roles", value=roles, options="any, state")
    if series:
        where.append("series = ?")
        params.append(series)
    if not include_summary_duplicates:
        where.append("duplicate_of IS NULL")
    if start is not None:
        where.append("event_date >= ?")
        params.append(pd.Timestamp(start).date())
    if end is not None:
        where.append("event_date <= ?")
        params.append(pd.Timestamp(end).date())
    sql = ("SELECT * FROM corpus_contacts WHERE " + " AND ".join(where)
           + " ORDER BY event_date, series, file, position")
    return store.con.execute(sql, params).df()


def episodes(df: pd.DataFrame, gap_days: int = 1) -> pd.DataFrame:
    """Contact reports merged into episodes per series: consecutive event dates (≤ ``gap_days``
    apart) of the same pair are one episode (a state visit's talks, meeting and banquet)."""
    if df.empty:
        return df.assign(episode=pd.Series(dtype="int64"))
    out = []
    for _, g in df.sort_values("event_date").groupby(["series", "state_a", "state_b"]):
        days = pd.to_datetime(g["event_date"])
        ep = (days.diff().dt.days.fillna(gap_days + 1) > gap_days).cumsum()
        out.append(g.assign(episode=ep.to_numpy()))
    return pd.concat(out).sort_values(["event_date", "series"])


def coverage(store: Any, by: str = "year") -> pd.DataFrame:
    """Days with at least one stored item, per series and period, and days in the period."""
    from bilat.text.corpus import require_tables

    require_tables(store)
    df = store.con.execute(
        "SELECT series, date FROM corpus_items WHERE section <> 'speech' "
        "GROUP BY series, date").df()
    if df.empty:
        return pd.DataFrame(columns=["series", "period", "days_covered", "days_in_period"])
    df["period"] = _period(df["date"], by)
    cov = df.groupby(["series", "period"]).size().rename("days_covered").reset_index()
    starts = pd.to_datetime(cov["period"])
    ends = starts + (pd.offsets.YearBegin(1) if by == "year" else pd.offsets.MonthBegin(1))
    cov["days_in_period"] = (ends - starts).dt.days
    return cov


def _other_source(kind: str, store: Any, a: str, b: str, by: str
                  ) -> tuple[dict[str, pd.Series], str | None]:
    """Per-period counts from the event-data or engagement modules: {column: series}, and a
    note when the source is absent (its columns are then gaps, not zeros)."""
    try:
        if kind == "events":
            from bilat.indicators import events as mod

            fn = getattr(mod, "contacts", None)
            if fn is None:
                return {}, "events: bilat.indicators.events.contacts is not available"
            df = fn(store, a, b, period=by)
        else:
            import importlib

            mod = importlib.import_module("bilat.indicators.material")
            fn = getattr(mod, "engagements", None)
            if fn is None:
                return {}, "engagements: bilat.indicators.material.engagements is not available"
            if by != "year":
                return {}, "engagements: ChinaVitae engagements are counted per year only"
            df = fn(store, a, b)
    except ImportError as exc:
        return {}, f"{kind}: module not available ({exc})"
    except Exception as exc:  # noqa: BLE001 - another source's failure is a gap, named
        msg = exc.one_line() if hasattr(exc, "one_line") else str(exc)
        return {}, f"{kind}: {str(msg).splitlines()[0][:200]}"
    df = pd.DataFrame(df)
    notes = list(getattr(df, "attrs", {}).get("notes", []) or [])
    if df.empty:
        return {}, f"{kind}: no rows for {a}-{b}" + (f" ({'; '.join(notes)})" if notes else "")
    if kind == "engagements":
        if "type" in df.columns:
            df = df[df["type"] == "all"]
        per = df["year"].astype(int).astype(str)
        s = pd.to_numeric(df["n"], errors="coerce")
        return {"engagements": s.groupby(per.to_numpy()).sum(min_count=1)}, None
    out: dict[str, pd.Series] = {}
    pcol = "period" if "period" in df.columns else by
    per = df[pcol].astype(str).str[:4] if by == "year" else df[pcol].astype(str).str[:7]
    groups = df.groupby("source") if "source" in df.columns else [("events", df)]
    for src, g in groups:
        s = pd.to_numeric(g["contacts"], errors="coerce")
        out[f"events_{src}"] = s.groupby(per.loc[g.index].to_numpy()).sum(min_count=1)
        if "coverage" in g.columns:  # every count beside the share of its period covered
            c = pd.to_numeric(g["coverage"], errors="coerce")
            out[f"events_{src}_coverage"] = c.groupby(per.loc[g.index].to_numpy()).max()
    return out, ("; ".join(f"events: {n}" for n in notes) or None)


def _corpus_cells(rows: pd.DataFrame, cov: pd.DataFrame, by: str) -> list[dict[str, Any]]:
    """One record per period with the columns of every series that covers it or reports a
    contact in it (vectorised: one group-by, not a loop over periods)."""
    if cov.empty:
        return []
    if rows.empty:
        g = pd.DataFrame(columns=["series", "period", "n", "kinds", "doc_ids"])
    else:
        rows = rows.assign(period=_period(rows["event_date"], by).to_numpy())
        grouped = rows.groupby(["series", "period"])
        g = grouped.agg(n=("event_date", "nunique"), doc_ids=("doc_id", ",".join))
        kinds: dict[tuple[str, str], list[tuple[int, str]]] = {}
        for (se, pe, k), n in rows.groupby(["series", "period", "kind"]).size().items():
            kinds.setdefault((se, pe), []).append((-int(n), str(k)))
        g["kinds"] = [", ".join(f"{k} {-n}" for n, k in sorted(kinds.get(ix, [])))
                      for ix in g.index]
        g = g.reset_index()
    m = cov.merge(g, on=["series", "period"], how="outer")
    covered = m["days_covered"].notna()
    m["value"] = m["n"].astype("float64").where(m["n"].notna(), 0.0).where(
        covered | m["n"].notna())
    m["coverage"] = (m["days_covered"] / m["days_in_period"]).round(4).fillna(0.0)
    m["kinds"] = m["kinds"].fillna("")
    m["doc_ids"] = m["doc_ids"].fillna("")
    out: list[dict[str, Any]] = []
    for r in m.itertuples(index=False):
        out.append({"period": r.period, r.series: r.value, f"{r.series}_kinds": r.kinds,
                    f"{r.series}_coverage": r.coverage, f"{r.series}_doc_ids": r.doc_ids})
    return out


def contacts(
    store: Any,
    a: str,
    b: str,
    by: str = "year",
    source: str = "all",
    refs: Sequence[tuple[str, str]] = (),
    *,
    roles: str = "any",
    start: date | str | None = None,
    end: date | str | None = None,
) -> pd.DataFrame:
    """Leader contacts of a pair (and reference pairs) per year or month, per source.

    Returns one row per pair and period with, for each corpus series (``cctv-xwlb``,
    ``kremlin-en``, …): ``<series>`` = distinct contact days (counted kinds, bilateral, 新闻摘要
    duplicates removed; NaN where the series has no item in that period), ``<series>_kinds``
    (e.g. ``call 2, talks 1``), ``<series>_coverage`` (share of the period's days with items),
    ``<series>_doc_ids``; ``events_<source>`` and ``events_<source>_coverage`` (event-data
    leader/government contacts per event source and the share of the period the source
    covers, from :func:`bilat.indicators.events.contacts`) and
    ``engagements`` (ChinaVitae leader engagements, :func:`bilat.indicators.material.
    engagements`, per year) when those modules and data are present (NaN otherwise, with
    ``df.attrs["notes"]`` saying why). Counts of different sources are never summed.
    """
    if by not in BY:
        raise error("E359", option="--by", value=by, options=", ".join(BY))
    if source not in SOURCES:
        raise error("E359", option="--source", value=source, options=", ".join(SOURCES))
    frames = []
    notes: list[str] = []
    cov = coverage(store, by) if source in ("corpus", "all") else pd.DataFrame()
    for x, y in [(a, b), *refs]:
        rows = contact_list(store, x, y, roles=roles, start=start, end=end)
        per: dict[str, dict[str, Any]] = {}
        series_names: list[str] = sorted(cov["series"].unique()) if len(cov) else []
        if source in ("corpus", "all"):
            for rec in _corpus_cells(rows, cov, by):
                cell = per.setdefault(rec.pop("period"), {})
                cell.update(rec)
            if not series_names:
                notes.append("no corpus imported (bilat documents import PATH)")
        for other in ("events", "engagements"):
            if source not in (other, "all"):
                continue
            cols, why = _other_source(other, store, x, y, by)
            if why:
                notes.append(why)
            for name, ser in cols.items():
                for p, v in ser.items():
                    per.setdefault(str(p), {})[name] = float(v) if pd.notna(v) else float("nan")
        df = pd.DataFrame.from_dict(per, orient="index")
        df.index.name = "period"
        df = df.reset_index()
        df.insert(0, "state_b", y)
        df.insert(0, "state_a", x)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if not out.empty:
        out = out.sort_values(["state_a", "state_b", "period"]).reset_index(drop=True)
        if start is not None:
            out = out[out["period"] >= str(pd.Timestamp(start).year if by == "year" else
                                           pd.Timestamp(start).strftime("%Y-%m"))]
        if end is not None:
            out = out[out["period"] <= str(pd.Timestamp(end).year if by == "year" else
                                           pd.Timestamp(end).strftime("%Y-%m"))]
        out = out.reset_index(drop=True)
    out.attrs["notes"] = list(dict.fromkeys(notes))
    out.attrs["definition"] = (
        "per corpus series: distinct event dates of bilateral leader contacts (call, video, "
        "talks, meeting, visit) between heads of state/government of the pair; NaN = the "
        "series has no stored item in that period (a gap, not zero)")
    return out


def contacts_json(df: pd.DataFrame) -> str:
    """The table with its notes as JSON (for reports)."""
    return json.dumps({"notes": df.attrs.get("notes", []),
                       "rows": json.loads(df.to_json(orient="records", date_format="iso"))},
                      ensure_ascii=False)


__all__ = ["BY", "COUNTED_KINDS", "KINDS", "LEADERS", "SOURCES", "Contact", "Leader",
           "Mention", "contact_kind", "contact_list", "contact_rows", "contacts", "coverage",
           "episodes", "event_date_zh", "extract_contacts", "find_leaders", "is_announcement",
           "lead_sentence"]
