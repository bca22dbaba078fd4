"""The multilingual issue lexicon: surface forms, Russian inflection, countries, user files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.text.lexicon import load_lexicon

EVAL_KEYS = [
    "taiwan", "hong_kong", "xinjiang", "tibet", "south_china_sea", "ukraine", "crimea", "nato",
    "aukus", "quad", "afghanistan", "syria", "iran", "dprk", "sco", "brics", "eaeu", "bri",
    "energy", "gas", "oil", "trade", "finance", "vaccines", "covid", "space", "arms_control",
    "missile_defence", "military", "arctic", "un", "wto", "g20", "olympics", "sanctions", "climate",
    "terrorism", "cybersecurity", "color_revolutions", "multipolarity", "hegemony", "interference",
    "anniversary", "visits", "people_to_people", "middle_east", "palestine", "korean_peninsula",
    "central_asia", "belarus", "kazakhstan", "agriculture", "culture", "technology", "ai",
    "biological_weapons", "chemical_weapons", "nuclear"
]


def test_every_issue_key_of_the_evaluation_format_is_in_the_lexicon() -> None:
    lex = load_lexicon()
    assert set(EVAL_KEYS) <= set(lex.issues)


@pytest.mark.parametrize("form", ["Тайвань", "Тайваня", "Тайваню", "Тайванем", "Тайване",
                                  "тайваньской"])
def test_russian_case_forms_of_taiwan(form: str) -> None:
    assert load_lexicon().find_issues(f"Стороны обсудили вопрос {form}.") == ("taiwan",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("俄方坚定支持中方在台湾、香港、新疆、南海等问题上的立场。",
         ("taiwan", "hong_kong", "xinjiang", "south_china_sea")),
        ("双方反对北约东扩和奥库斯，愿在上合组织和金砖框架内就乌克兰、阿富汗问题沟通。",
         ("nato", "aukus", "sco", "brics", "ukraine", "afghanistan")),
        ("Russia supports China on Taiwan, Hong Kong, Xinjiang and the South China Sea.",
         ("taiwan", "hong_kong", "xinjiang", "south_china_sea")),
        ("The sides discussed NATO enlargement, AUKUS and the situation in Afghanistan.",
         ("nato", "aukus", "afghanistan")),
        ("Стороны обсудили расширение НАТО, АУКУС, ситуацию на Украине и в Афганистане.",
         ("nato", "aukus", "ukraine", "afghanistan")),
    ],
)
def test_issues_in_order_of_mention(text: str, expected: tuple) -> None:
    assert load_lexicon().find_issues(text) == expected


def test_core_interests_is_not_nuclear_and_living_space_is_not_outer_space() -> None:
    lex = load_lexicon()
    assert "nuclear" not in lex.find_issues("维护自身核心利益")
    assert "nuclear" in lex.find_issues("核不扩散")
    # "百年变局" (changes unseen in a century) is no anniversary; "建党百年" is
    assert "anniversary" not in lex.find_issues("世界百年变局和世纪疫情交织影响")
    assert "anniversary" in lex.find_issues("庆祝建党百年")
    assert "space" not in lex.find_issues("room for manoeuvre and living space")
    assert "space" in lex.find_issues("cooperation in outer space and lunar exploration")


def test_countries_and_broader_issues() -> None:
    lex = load_lexicon()
    assert lex.country("taiwan") == "TWN"
    assert lex.country("ukraine") == "UKR"
    assert lex.country("afghanistan") == "AFG"
    assert lex.country("hong_kong") == "HKG"
    assert lex.country("nato") is None
    assert "energy" in lex.expand(("gas",))


def test_actor_mentions_with_sides() -> None:
    lex = load_lexicon()
    text = "Putin said the Russian side supports 俄方 and Путин отметил; 习近平指出"
    found = [(m.key, m.side, m.kind) for m in lex.actor_spans(text)]
    assert ("Vladimir Putin", "RUS", "person") in found
    assert ("Russia", "RUS", "side") in found
    assert ("Xi Jinping", "CHN", "person") in found


def test_user_lexicon_adds_issues_and_patterns(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({
        "issues": {
            "mekong": {"label": "Mekong", "en": ["mekong"], "zh": ["湄公河"]},
            "taiwan": {"en": ["formosa"]},
        }
    }), encoding="utf-8")
    lex = load_lexicon(path)
    assert lex.find_issues("Cooperation on the Mekong and 湄公河") == ("mekong",)
    assert lex.find_issues("Formosa") == ("taiwan",)
    assert lex.find_issues("Taiwan") == ("taiwan",)  # bundled patterns kept
    assert "mekong" not in load_lexicon().issues  # the bundled lexicon is unchanged


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "not JSON"),
        ('{"issues": {"Bad Key": {"en": ["x"]}}}', "lower-case key"),
        ('{"issues": {"x": {"en": ["(unclosed"]}}}', "bad pattern"),
        ('{"issues": {"x": {"label": "X"}}}', "no patterns"),
    ],
)
def test_invalid_user_lexicon_is_a_clear_error(tmp_path: Path, content: str,
                                               fragment: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BilatError) as exc:
        load_lexicon(path)
    assert exc.value.code == "E313"
    assert fragment in str(exc.value)
    assert "bad.json" in str(exc.value)


@pytest.mark.parametrize("text", ["в этом году исполняется 20 лет Договору",
                                  "исполнилось 75 лет Победы", "исполнится 2 года"])
def test_russian_anniversary_by_years_elapsed(text: str) -> None:
    # the PRC MFA's Russian readout of 25 Aug 2021 says "исполняется 20 лет Договору"
    assert "anniversary" in load_lexicon().find_issues(text)
    assert "anniversary" not in load_lexicon().find_issues("исполнение 5 летних планов")


@pytest.mark.parametrize("text,sides", [
    ("the Ukraine crisis was discussed", set()),
    ("the Ukrainian side said", {"UKR"}),
    ("the UK said", {"GBR"}),
    ("the UK-led group", {"GBR"}),
])
def test_a_short_side_name_is_no_prefix_of_a_longer_word(text: str, sides: set[str]) -> None:
    # "the uk" once read the start of "the Ukraine …" as the United Kingdom
    assert {m.side for m in load_lexicon().actor_spans(text)} == sides
