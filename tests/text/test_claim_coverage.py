"""No character of a sentence is lost between claims (QA11 findings 8, 7 and 1).

- Segmentation of glued legal Russian: a full stop glued to the capitalised word after it ends
  a sentence ("механизмов.Президенты"), an article heading ("Статья 34", "Article 5", "第三条")
  is a heading, cut from the text glued to it, not a claim, and "1 (один)\\nгод" does not end
  a sentence at the line break.
- Over every genuine readout and statement text of the mirror: the claims plus the documented
  non-claim spans (the statement's title lines, article headings, the connective between two
  claims of one sentence, a transcript speaker label, official web-page chrome) cover every
  non-space character.
- Legal-style opposition ("противодействуют применению … мер", "считают … противоправным").
- Readout comparison: a claim whose counterpart carries another label says so in its reasons;
  the labels themselves are what they are without that note.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilat.text import readouts as ro
from bilat.text.claims import extract_claims, opposes_in
from bilat.text.documents import document_from_text
from bilat.text.lineage import heading_span, strength_change
from bilat.text.segment import article_headings, page_chrome, segment, sentences

# ------------------------------------------------------------------ small inputs (written here)
#: As scraped (texts/statements/SOURCES.md): paragraphs glued, the text hard-wrapped, so a
#: line holding a glued sentence start is short and the next line opens with a capital.
GLUED = ("Главы государств считают недопустимым давление посредством нелегитимных\n"
         "санкционных механизмов.Президенты Российской\nФедерации и Республики Беларусь "
         "подтверждают намерение развивать сотрудничество.Главы государств\nподчеркивают "
         "важность связей.")

TREATY = ("Стороны договорились о нижеследующем:Статья 1Договаривающиеся\nСтороны стремятся к "
          "углублению отношений во всех сферах.Статья 21. Договаривающиеся Стороны укрепляют "
          "отношения на основе равенства.2. Договаривающиеся Стороны принимают меры по развитию "
          "связей.Статья\n3Договаривающиеся\nСтороны содействуют сотрудничеству в области "
          "водных ресурсов.Статья 4 1. Настоящий Договор заключается сроком на 20 лет и "
          "продлевается, если ни одна из Сторон не уведомит другую не позднее чем за 1 (один)\n"
          "год до истечения срока его действия.")


def _claim_texts(text: str, language: str = "ru") -> list[str]:
    return [s.text for s in segment(text, language)]


def test_glued_full_stop_ends_a_sentence_and_loses_nothing() -> None:
    got = [s.text for s in sentences(GLUED, "ru")]
    # independent expectation: the text cut after each full stop, whitespace trimmed
    expected = [p.strip() for p in re.split(r"(?<=\.)", GLUED) if p.strip()]
    assert got == expected
    assert not any(t.startswith("Федерации") for t in _claim_texts(GLUED))


def test_article_headings_are_cut_out_and_are_not_claims() -> None:
    heads = [h.text for h in article_headings(TREATY)]
    assert heads == ["Статья 1", "Статья 2", "Статья\n3", "Статья 4"]
    claims = _claim_texts(TREATY)
    assert not any(re.match(r"Статья|\d+Договаривающиеся", c) for c in claims)
    flat = [re.sub(r"\s+", " ", c) for c in claims]

    def starting(prefix: str) -> int:
        return sum(c.startswith(prefix) for c in flat)

    assert starting("Договаривающиеся Стороны стремятся") == 1
    assert starting("1. Договаривающиеся Стороны укрепляют") == 1  # article 2, item 1
    assert starting("2. Договаривающиеся Стороны принимают") == 1  # the item opens its sentence
    assert starting("Договаривающиеся Стороны содействуют") == 1
    assert not any(c.endswith(("2.", "1.")) for c in flat)
    # "1 (один)\nгод": one sentence, which is item 1 of article 4
    last = [c for c in claims if "1 (один)" in c]
    assert len(last) == 1 and last[0].startswith("1. Настоящий") and last[0].endswith(
        "действия.")


def test_article_reference_in_a_sentence_is_not_a_heading() -> None:
    assert article_headings("Article 51 of the UN Charter gives the right of self-defence.") \
        == []
    assert [h.text for h in article_headings("Article 5\nThe Parties shall consult.")] == [
        "Article 5"]
    assert [h.text for h in article_headings("第三条　缔约双方加强合作。")] == ["第三条"]


_FIRST = ["Стороны", "Президенты", "Главы", "Министры", "Делегации"]
_WORDS = ["обсудили", "вопросы", "сотрудничества", "развития", "торговли", "безопасности",
          "подтверждают", "намерение", "укреплять", "связи", "региона", "партнерства"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_FIRST),
                          st.lists(st.sampled_from(_WORDS), min_size=2, max_size=8),
                          st.sampled_from(["", " ", "\n"])),
                min_size=1, max_size=6),
       st.randoms(use_true_random=False))
def test_glued_sentences_are_counted_and_covered(parts, rnd) -> None:
    """Sentences joined with no space, one space or a line break, with random hard wraps
    inside them: one sentence per input sentence, every character covered."""
    text = ""
    for first, words, sep in parts:
        body = first
        for w in words:
            body += ("\n" if rnd.random() < 0.2 else " ") + w
        text += body + "." + sep
    got = sentences(text, "ru")
    assert len(got) == len(parts)
    covered = set()
    for s in got:
        assert text[s.start:s.end] == s.text
        covered.update(range(s.start, s.end))
    assert all(ch.isspace() or i in covered for i, ch in enumerate(text))


# ------------------------------------------------------------------ genuine texts (the mirror)
_ARTICLE_GAP = re.compile(r"(?:Статья|Article)\s*\d{1,3}|第[一二三四五六七八九十百\d]{1,6}条")
#: the connective between two parts of a sentence; between two matters of a discussion report
#: also "as well as", "in particular", "including" (and Russian) (segment.DISCUSSION_ITEMS)
_CONNECTIVE = re.compile(r"[,;，；]?\s*(?:и|а|но|and|but|while|whereas|as well as|"
                         r"in particular,?|including|а также|в частности,?|включая)?\s*")


def _genuine(shared_data: Path) -> list[Path]:
    texts = shared_data / "texts"
    found = sorted((texts / "readouts").glob("*/*_*.txt")) + sorted(
        (texts / "statements").glob("*_*.txt"))
    assert len(found) >= 40  # 41 readouts + 2 statements (texts/readouts/SOURCES.md)
    return found


def _gap_kind(doc, start: int, end: int) -> str | None:
    gap = doc.text[start:end].strip()
    found = heading_span(doc.text) if doc.kind == "statement" else None
    if found is not None and end <= found[1]:
        return "title"
    if _ARTICLE_GAP.fullmatch(gap):
        return "article heading"
    if _CONNECTIVE.fullmatch(gap):
        return "connective"
    if gap.endswith(":") and len(gap.split()) <= 20:
        return "speaker label"  # a transcript turn (and the heading before it)
    if any(s.start <= start and end <= s.end for s in page_chrome(doc.text)):
        return "page chrome"  # kremlin.ru header, dateline, footer (segment.page_chrome)
    return None


def test_claims_cover_every_character_of_the_genuine_texts(shared_data: Path) -> None:
    bad: list[str] = []
    kinds: set[str] = set()
    for path in _genuine(shared_data):
        statement = path.parent.name == "statements"
        language = path.stem.rsplit("_", 1)[1]
        doc = document_from_text(
            path.read_text(encoding="utf-8"), kind="statement" if statement else "readout",
            side=None if statement else path.stem.split("_")[0], language=language,
            date=path.stem[:10] if statement else path.parent.name[:10],
            parties=path.stem.split("_")[1].split("-") if statement else ())
        covered = bytearray(len(doc.text))
        for c in extract_claims(doc):
            assert doc.text[c.start:c.end] == c.text
            covered[c.start:c.end] = b"\x01" * (c.end - c.start)
        i = 0
        while i < len(doc.text):
            if covered[i] or doc.text[i].isspace():
                i += 1
                continue
            j = i
            while j < len(doc.text) and not covered[j]:
                j += 1
            kind = _gap_kind(doc, i, j)
            if kind is None:
                bad.append(f"{path.parent.name}/{path.name} {i}-{j}: {doc.text[i:j]!r}")
            else:
                kinds.add(kind)
            i = j
    assert not bad, "characters in no claim:\n" + "\n".join(bad[:20])
    # the statements have titles and article headings; the transcripts speaker labels
    assert {"title", "article heading", "speaker label", "connective"} <= kinds


def test_statement_lineage_claims_have_no_fake_fragments(shared_data: Path) -> None:
    """The two genuine statements: no claim is a bare heading, a number glued to a word, or
    a sentence start cut from its subject ("Федерации и Республики Беларусь …")."""
    for path in sorted((shared_data / "texts" / "statements").glob("*_*.txt")):
        doc = document_from_text(path.read_text(encoding="utf-8"), kind="statement",
                                 language="ru", date=path.stem[:10])
        for c in extract_claims(doc):
            assert not re.match(r"Статья|\d+[А-ЯЁ]|Федерации\s+и\s+Республики", c.text), c.text
            assert not re.search(r"Президенты Российской$|\(один\)$", c.text), c.text


# ------------------------------------------------------------------ legal-style opposition
def test_legal_opposition_cues() -> None:
    assert opposes_in("Договаривающиеся Стороны противодействуют применению односторонних "
                      "принудительных мер", "ru")
    assert opposes_in("и считают их введение международно-противоправным деянием", "ru")
    assert opposes_in("The Parties counteract unilateral coercive measures", "en")
    assert opposes_in("They regard such sanctions as unlawful", "en")
    assert opposes_in("中方将坚决反制", "zh")
    # countering threats or terrorism is a field of cooperation, not a stance
    assert not opposes_in("Стороны продолжат противодействовать вызовам и угрозам", "ru")
    assert not opposes_in("сотрудничество в противодействии терроризму", "ru")


def test_treaty_opposition_is_not_read_as_noted() -> None:
    old = document_from_text(
        "Договаривающиеся Стороны противодействуют применению односторонних принудительных "
        "мер, в том числе экстерриториального характера, и считают их введение "
        "международно-противоправным и недружественным деянием.", kind="statement",
        language="ru", date="2025-01-17")
    new = document_from_text(
        "Главы государств осуждают применение односторонних санкций, в том числе "
        "экстерриториального характера, в нарушение Устава ООН.", kind="statement",
        language="ru", date="2025-03-13")
    (o,), (n,) = extract_claims(old), extract_claims(new)
    assert o.opposes and n.opposes
    assert strength_change(n, o) == (0, None)


# ------------------------------------------------------------------ readouts: counterpart labels
ZH = ("国家主席习近平6月15日下午同俄罗斯总统普京通电话。"
      "俄方支持中方提出的全球安全倡议，反对任何势力借口所谓新疆、香港、台湾等问题干涉中国内政，"
      "愿同中方加强多边协作，为推动世界多极化和建立更加公正合理的国际秩序作出建设性努力。"
      "两国元首就乌克兰问题交换意见。")
EN = ("Vladimir Putin had a telephone conversation with President of the People's Republic of "
      "China Xi Jinping. During the discussion of the situation in the international arena, it "
      "was emphasised that Russia and China, as before, have overlapping or very close "
      "positions, seek to build a truly multipolar and fair system of international relations. "
      "Vladimir Putin laid out his principled assessment of the situation in Ukraine.")


def _check_counterpart_notes(cmp: ro.Comparison) -> int:
    by_id = {r.claim.claim_id: r for r in cmp.results}
    n = 0
    for r in cmp.results:
        cp = by_id.get(r.counterpart) if r.counterpart else None
        if cp is None or cp.label == r.label:
            continue
        n += 1
        text = "; ".join(r.reasons)
        assert f"{cp.claim.claim_id} itself is {cp.label}" in text, text
        if abs(cp.score - r.score) >= 0.005:  # two scores: each named by its check
            assert f"this claim's {r.score:.2f} is " in text, text
            assert f"{cp.claim.claim_id}'s {cp.score:.2f}" in text, text
        if cp.counterpart != r.claim.claim_id:
            assert any(x.startswith(f"{r.claim.claim_id} ({r.label}) takes this claim")
                       for x in cp.reasons), cp.reasons
    return n


def test_counterpart_with_another_label_is_explained(monkeypatch) -> None:
    zh = document_from_text(ZH, side="CHN", date="2022-06-15", language="zh")
    en = document_from_text(EN, side="RUS", date="2022-06-15", language="en")
    cmp = ro.compare_readouts([zh, en])
    assert _check_counterpart_notes(cmp) >= 1
    disc = next(r for r in cmp.results if r.claim.text.startswith("During the discussion"))
    assert "the discussion check" in "; ".join(disc.reasons)
    # the note explains, it does not relabel
    monkeypatch.setattr(ro, "_explain_counterpart_labels", lambda *a, **k: None)
    plain = ro.compare_readouts([zh, en])
    assert [(r.label, r.counterpart, r.score) for r in plain.results] == [
        (r.label, r.counterpart, r.score) for r in cmp.results]


@pytest.mark.parametrize("folder", ["2022-02-25_xi-putin-call", "2025-02-24_xi-putin-call",
                                    "2024-04-02_biden-xi-call"])
def test_counterpart_notes_on_genuine_pairs(shared_data: Path, folder: str) -> None:
    base = shared_data / "texts" / "readouts" / folder
    docs = []
    for path in sorted(base.glob("*_*.txt")):
        side, lang = path.stem.split("_")
        docs.append(document_from_text(path.read_text(encoding="utf-8"), side=side,
                                       date=folder[:10], language=lang))
    _check_counterpart_notes(ro.compare_readouts(docs))
