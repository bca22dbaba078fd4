"""Regression tests for the kinds of error found on the genuine readout pairs (issue 13).

Each test is a small input written here that reproduces one kind of error found in the
leave-one-pair-out error dump (evaluation/readouts/genuine/dump_errors.py), and checks the
fixed behaviour.
"""

from __future__ import annotations

import numpy as np

from bilat.text import readouts as readouts_mod
from bilat.text.align import bridge_only, bridge_tokens, concepts, tokens
from bilat.text.claims import extract_claims
from bilat.text.documents import document_from_text
from bilat.text.readouts import compare_readouts
from bilat.text.segment import sentences

DATE = "2022-02-12"


def _claims(text: str, side: str, language: str):
    doc = document_from_text(text, side=side, issuer="issuer", language=language)
    return extract_claims(doc)


def _whole_discussion_reports(monkeypatch) -> None:
    """Keep a discussion report listing several matters one claim (round 8 cuts it)."""
    from bilat.text import segment as segment_mod

    monkeypatch.setattr(segment_mod, "DISCUSSION_ITEMS", False)
    # fresh caches for the test (monkeypatch puts the shared ones back after it)
    monkeypatch.setattr(segment_mod, "_PARTS", segment_mod._PARTS.__class__())
    monkeypatch.setattr(readouts_mod, "_CLAIMS_CACHE", readouts_mod._CLAIMS_CACHE.__class__())


def _one(claims, fragment: str):
    hits = [c for c in claims if fragment in c.text]
    assert len(hits) == 1, f"{fragment!r} is in {len(hits)} claims"
    return hits[0]


# ----------------------------------------------------------------- segmentation
def test_a_day_number_stays_with_its_month() -> None:
    # pysbd takes "12." after "January" for a list number and starts the next sentence with it
    text = ("Talks will take place in Brussels on January 12. Negotiations are also to be held "
            "at the OSCE on January 13. The presidents agreed to supervise these tracks.")
    got = [s.text for s in sentences(text, "en")]
    assert got == ["Talks will take place in Brussels on January 12.",
                   "Negotiations are also to be held at the OSCE on January 13.",
                   "The presidents agreed to supervise these tracks."]
    for s in sentences(text, "en"):
        assert text[s.start:s.end] == s.text


def test_the_joint_subject_after_a_cut_date_is_found() -> None:
    claims = _claims("Negotiations are to be held at the OSCE on January 13. The presidents "
                     "agreed to personally supervise these negotiating tracks.", "RUS", "en")
    c = _one(claims, "personally supervise")
    assert c.text.startswith("The presidents") and c.speaker_side == "BOTH"


# ----------------------------------------------------------------- speakers
def test_a_turn_label_does_not_hide_a_joint_subject() -> None:
    claims = _claims(
        "Vladimir Putin had a telephone conversation with Joseph Biden.\n\n"
        "Question: Are there any discussions scheduled?\n\n"
        "Yury Ushakov: Like I said, the presidents agreed that discussions should continue. "
        "In particular we will discuss the issues raised today.", "RUS", "en")
    joint = _one(claims, "the presidents agreed")
    assert joint.speaker_side == "BOTH" and joint.attributed
    turn = _one(claims, "In particular we will discuss")
    assert turn.speaker_side == "RUS" and turn.extra["speaker_kind"] == "turn"


def test_a_pronoun_after_a_reported_speaker_in_a_briefing_turn() -> None:
    # "He" is the Russian President reported in the turn, not President Biden named earlier
    claims = _claims(
        "Vladimir Putin had a telephone conversation with Joseph Biden.\n\n"
        "Yury Ushakov: President Biden laid down a raft of proposals. I want to note that the "
        "Russian President responded by saying that Russia would study President Biden's "
        "proposals. He made clear, however, that these proposals did not address the key "
        "elements of Russia's initiatives.", "RUS", "en")
    assert _one(claims, "He made clear").speaker_side == "RUS"


def test_a_pronoun_after_a_leader_named_by_title_in_a_turn() -> None:
    claims = _claims(
        "Vladimir Putin had a telephone conversation with Joseph Biden.\n\n"
        "Yury Ushakov: Joseph Biden spoke about sanctions. The Russian President went into "
        "great detail about the Minsk Agreements. He noted that the West did not exert enough "
        "pressure on Kiev.", "RUS", "en")
    assert _one(claims, "He noted that the West").speaker_side == "RUS"


def test_chinese_addressed_leader_and_the_speech_that_resumes() -> None:
    claims = _claims(
        "国家主席习近平同美国总统拜登举行视频通话。\n\n"
        "习近平强调，我和总统先生都赞同中美要相互尊重。总统先生刚才又重申，美方不寻求打“新冷战”，"
        "不支持“台独”。希望美方将总统先生的承诺落到实处。", "CHN", "zh")
    assert _one(claims, "总统先生刚才又重申").speaker_side == "USA"
    resumed = _one(claims, "希望美方将总统先生的承诺")
    assert resumed.speaker_side == "CHN" and resumed.speaker == "Xi Jinping"


def test_chinese_side_told_what_it_should_do_is_not_speaking() -> None:
    claims = _claims(
        "国家主席习近平在利马同美国总统拜登举行会晤。\n\n"
        "习近平指出，中方坚决维护南海领土主权和海洋权益。美国不应介入有关南沙岛礁的双边争议，"
        "不应纵容和支持挑衅冲动。", "CHN", "zh")
    assert _one(claims, "美国不应介入").speaker_side == "CHN"


def test_chinese_speech_runs_on_over_numbered_paragraphs() -> None:
    claims = _claims(
        "国家主席习近平在利马同美国总统拜登举行会晤。\n\n"
        "习近平指出，过去4年，中美关系历经跌宕起伏。\n\n"
        "过去4年的经验值得总结，我认为至少有以下几条。\n\n"
        "一是要有正确的战略认知。“新冷战”打不得也打不赢。\n\n"
        "二是要平等相待。任何一方都不能按照自己的意愿改造对方。\n\n"
        "会见后，双方共同出席了欢迎宴会。", "CHN", "zh")
    for fragment in ("我认为至少有以下几条", "一是要有正确的战略认知", "打不得也打不赢",
                     "二是要平等相待", "任何一方都不能"):
        c = _one(claims, fragment)
        assert c.speaker == "Xi Jinping" and c.attributed, fragment
    # the narrator's closing sentence in the next paragraph is not Xi's (no "I", no number)
    assert _one(claims, "共同出席了欢迎宴会").speaker != "Xi Jinping"


# ----------------------------------------------------------------- lexicon and scan
def test_multi_word_formula_is_found_before_a_single_word_concept() -> None:
    # "мировых" alone is ~world; "в мировых делах" is the formula "world affairs"
    assert "~intaffairs" in concepts("связка является фактором стабильности в мировых делах")
    assert "~intaffairs" in concepts("在国际事务中发挥稳定作用")
    assert "~intaffairs" in concepts("a factor of stability in world affairs")


def test_bridge_only_concepts_align_languages_but_do_not_count_twice_in_one() -> None:
    only = bridge_only()
    assert {"~coreinterest", "~feb", "~beijing"} <= only
    en = "I hope that next February we will meet in person in Beijing."
    zh = "两国元首相约明年2月北京见。"
    assert {"~feb", "~beijing"} <= bridge_tokens(en, "en") & bridge_tokens(zh, "zh")
    assert not only & set(tokens(en, "en"))  # same-language wording is compared as words
    # 12月 is December, not February; 十二月 is not February either
    assert "~feb" not in concepts("12月") and "~dec" in concepts("十二月")
    assert "~may" not in concepts("we may agree")


# ----------------------------------------------------------------- labelling
def _pair(chn_text: str, usa_text: str, **kw):
    chn = document_from_text(chn_text, side="CHN", language="zh", date=DATE)
    usa = document_from_text(usa_text, side="USA", language="en", date=DATE)
    return compare_readouts([chn, usa], **kw)


def test_discussion_report_is_confirmed_at_any_shared_threshold() -> None:
    # a joint report of discussion scored between 0.30 and the discussion score was left
    # unconfirmed whenever the shared threshold was above 0.30
    chn = ("国家主席习近平同美国总统拜登通电话。\n\n"
           "两国元首就中美关系和乌克兰局势坦诚深入交换了意见。\n\n"
           "习近平指出，中方愿同美方加强沟通。")
    usa = ("President Biden spoke today with President Xi Jinping.\n\n"
           "The two leaders had a candid, constructive discussion on Ukraine.\n\n"
           "President Biden raised concerns about human rights.")
    for ts in (0.30, 0.40):
        cmp = _pair(chn, usa, shared_threshold=ts, divergent_threshold=0.25, competition=2.0)
        got = {r.claim.text[:12]: r.label for r in cmp.results}
        assert got["两国元首就中美关系和乌克"] == "shared", ts
        assert got["The two lead"] == "shared", ts


def test_a_claim_between_two_shared_claims_is_matched_in_order(monkeypatch) -> None:
    # the middle sentence of Xi's remarks scores too low alone against the one-sentence
    # summary, but its neighbours are shared with that summary: matched by its place
    raws = {("a", "b"): np.array([[0.8, 0.0], [0.3, 0.1], [0.7, 0.0]])}
    from bilat.text.model import Claim
    from bilat.text.readouts import ClaimResult

    def claim(doc: str, i: int, side: str, text: str) -> Claim:
        return Claim(doc, i, i * 10, i * 10 + 5, text, i, 1, "Xi", side, attributed=True,
                     extra={"speaker_kind": "turn"}, language="en")

    a = [claim("a", 0, "CHN", "The world has entered turbulence."),
         claim("a", 1, "CHN", "Humankind faces numerous crises and challenges."),
         claim("a", 2, "CHN", "Our strategic trust is growing stronger.")]
    b = [claim("b", 0, "CHN", "世界进入动荡变革期，人类遭遇挑战危机，互信日益巩固。"),
         claim("b", 1, "CHN", "双方签署合作文件。")]
    results = [ClaimResult(a[0], "RUS", "shared", "b:0", "b", 0.8),
               ClaimResult(a[1], "RUS", "unconfirmed_attribution", None, None, 0.3,
                           flags=["unconfirmed"]),
               ClaimResult(a[2], "RUS", "shared", "b:0", "b", 0.7),
               ClaimResult(b[0], "CHN", "shared", "a:0", "a", 0.8),
               ClaimResult(b[1], "CHN", "one_sided", None, None, 0.0)]
    readouts_mod._sandwich_labels(results, raws, 0.25)
    assert results[1].label == "shared" and results[1].counterpart == "b:0"
    assert results[1].flags == []
    # below the floor (the divergent threshold) it stays unconfirmed
    results[1].label, results[1].counterpart, results[1].flags = (
        "unconfirmed_attribution", None, ["unconfirmed"])
    readouts_mod._sandwich_labels(results, raws, 0.35)
    assert results[1].label == "unconfirmed_attribution"
    # a different speaker between the two is not part of that speech
    results[1] = ClaimResult(claim("a", 1, "USA", "Biden raised concerns."), "RUS",
                             "unconfirmed_attribution", flags=["unconfirmed"])
    readouts_mod._sandwich_labels(results, raws, 0.25)
    assert results[1].label == "unconfirmed_attribution"


def test_regional_discussion_is_confirmed_by_a_leaders_account_of_a_regional_matter() -> None:
    chn = ("国家主席习近平在利马同美国总统拜登举行会晤。\n\n"
           "习近平阐述了中方在乌克兰危机问题上的立场。\n\n"
           "习近平指出，中方愿同美方加强沟通。")
    usa = ("President Biden met with President Xi Jinping in Lima.\n\n"
           "The two leaders also exchanged views on key regional and global challenges.\n\n"
           "President Biden raised concerns about human rights.")
    cmp = _pair(chn, usa, shared_threshold=0.40, divergent_threshold=0.25, competition=2.0)
    got = {r.claim.text[:20]: r for r in cmp.results}
    r = got["The two leaders also"]
    assert r.label == "shared"
    assert r.counterpart == next(x.claim.claim_id for x in cmp.results
                                 if x.claim.text.startswith("习近平阐述了"))
    # without a regional matter on the other side it stays an unconfirmed joint claim
    cmp = _pair(chn.replace("在乌克兰危机问题上的立场", "在人权问题上的立场"), usa,
                shared_threshold=0.40, divergent_threshold=0.25, competition=2.0)
    got = {r.claim.text[:20]: r.label for r in cmp.results}
    assert got["The two leaders also"] == "unconfirmed_attribution"


def test_a_mostly_confirmed_turn_confirms_its_weakly_matched_claims() -> None:
    from bilat.text.model import Claim
    from bilat.text.readouts import ClaimResult

    def claim(i: int, text: str, doc: str = "a") -> Claim:
        return Claim(doc, i, i * 10, i * 10 + 5, text, i, 1, "Xi Jinping", "CHN",
                     attributed=True, extra={"speaker_kind": "turn", "speaker_cue": "Xi"},
                     language="en")

    other = Claim("b", 0, 0, 5, "世界进入动荡变革期。", 0, 0, "Xi Jinping", "CHN", attributed=True,
                  language="zh")
    texts = ["Our energy cooperation and trade are growing stronger.",
             "We uphold a truly multilateral world order together.",
             "The world has entered a phase of turbulence and changes.",
             "Trade exceeded 100 billion dollars in nine months."]
    results = [ClaimResult(claim(0, texts[0]), "RUS", "shared", "b:0", "b", 0.6),
               ClaimResult(claim(1, texts[1]), "RUS", "shared", "b:0", "b", 0.5),
               ClaimResult(claim(2, texts[2]), "RUS", "unconfirmed_attribution", score=0.3,
                           flags=["unconfirmed"]),
               ClaimResult(claim(3, texts[3]), "RUS", "unconfirmed_attribution", score=0.3,
                           flags=["unconfirmed"])]
    best = {r.claim.claim_id: (r.score, other) for r in results}
    readouts_mod._turn_labels(results, best, 0.25)
    assert results[2].label == "shared" and results[2].counterpart == "b:0"
    # a figure the counterpart lacks is not confirmed by the speech as a whole
    assert results[3].label == "unconfirmed_attribution"
    # a turn that is mostly unconfirmed confirms nothing
    results[0].label = results[1].label = "unconfirmed_attribution"
    results[2].label = "unconfirmed_attribution"
    readouts_mod._turn_labels(results, best, 0.25)
    assert results[2].label == "unconfirmed_attribution"


def test_attribution_threshold_applies_to_attributed_claims_only(monkeypatch) -> None:
    # thresholds alone: the matter-by-matter confirmation (COVERAGE) would confirm the
    # attribution whatever the threshold (every matter of it is in the other text)
    monkeypatch.setattr(readouts_mod, "COVERAGE", False)
    # and so would the contact rule of round 4 (a commitment to communication)
    monkeypatch.setattr(readouts_mod, "CONTACT", False)
    chn = ("国家主席习近平同美国总统拜登通电话。\n\n"
           "拜登表示，美方愿同中方加强沟通，管控分歧。\n\n"
           "习近平指出，中方愿同美方加强沟通，管控分歧。")
    usa = ("President Biden spoke today with President Xi Jinping.\n\n"
           "President Biden underscored the need to maintain open channels of communication "
           "and to manage differences responsibly.")
    base = _pair(chn, usa, shared_threshold=0.30)
    by = {r.claim.text[:4]: r for r in base.results}
    attributed, own = by["拜登表示"], by["习近平指"]
    assert attributed.claim.speaker_side == "USA" and own.claim.speaker_side == "CHN"
    s = attributed.score
    # a shared threshold above the attribution's score leaves it unconfirmed …
    high = _pair(chn, usa, shared_threshold=s + 0.05)
    assert {r.claim.text[:4]: r.label for r in high.results}["拜登表示"] != "shared"
    # … and an attribution threshold below it confirms it, whatever the shared threshold
    split = _pair(chn, usa, shared_threshold=s + 0.05, attribution_threshold=s - 0.01)
    labels = {r.claim.text[:4]: r.label for r in split.results}
    assert labels["拜登表示"] == "shared"
    # the issuer's own claims keep the shared threshold
    assert labels["习近平指"] == {r.claim.text[:4]: r.label for r in high.results}[
        "习近平指"]


# ----------------------------------------------------------------- round 3 (issue 13)
def test_unicode_spaces_inside_a_formula_or_an_issue_are_spaces() -> None:
    # the White House writes "key\u00a0senior\u00a0officials", "food\u00a0security"
    nbsp = "key\u00a0senior\u00a0officials and global\u00a0food\u00a0security"
    assert "~team" in concepts(nbsp) and "~team" in concepts(nbsp.replace("\u00a0", " "))
    c = _one(_claims("The two leaders agreed to address global\u00a0food\u00a0security.",
                     "USA", "en"), "agreed")
    assert "agriculture" in c.issues
    # offsets and text are the document's own (no-break spaces kept)
    assert "\u00a0" in c.text


def test_community_is_neither_joint_nor_communication() -> None:
    assert "~joint" not in bridge_tokens("构建人类卫生健康共同体", "zh")
    assert "~joint" in bridge_tokens("共同应对气候变化", "zh")
    en = bridge_tokens("the international community supports a community of shared future",
                       "en")
    assert "~contact" not in en and "~community" in en
    assert "~contact" in bridge_tokens("maintain open lines of communication", "en")


def test_status_quo_is_not_taiwan_independence() -> None:
    # "opposes unilateral changes to the status quo" is a different formula from
    # "does not support Taiwan independence" (不支持台独): no shared concept between them
    us = bridge_tokens("the United States opposes any unilateral changes to the status quo",
                       "en")
    zh = bridge_tokens("美方不支持台独", "zh")
    assert "~statusquo" in us and "~independence" not in us
    assert "~independence" in zh and not ({"~statusquo", "~independence"} & us & zh)
    assert "~statusquo" in bridge_tokens("反对任何一方单方面改变现状", "zh")


def test_a_long_fronted_phrase_before_a_joint_subject() -> None:
    c = _one(_claims(
        "Building on Joseph Biden's desire for the US-Russia relations to be based on mutual "
        "respect, the presidents agreed to continue contacts on various levels.", "RUS", "en"),
        "continue contacts")
    assert c.speaker_side == "BOTH"


def test_with_both_sides_emphasising_is_a_joint_claim() -> None:
    c = _one(_claims("Vladimir Putin held talks with Joseph Biden.\n\nThe meeting also included "
                     "an exchange of views on information security, with both sides "
                     "emphasising the importance of the ongoing dialogue.", "RUS", "en"),
             "information security")
    assert (c.speaker_side, c.attributed) == ("BOTH", True)


def test_support_in_a_trailing_relative_clause_is_that_sides_claim() -> None:
    claims = _claims("Vladimir Putin held talks with Xi Jinping.\n\nThe President of Russia "
                     "spoke about promoting the use of national currencies in mutual "
                     "settlements, which the Chinese side supported.", "RUS", "en")
    c = _one(claims, "national currencies")
    assert (c.speaker_side, c.attributed) == ("CHN", True)
    # without the relative clause it stays the issuer's own leader
    c = _one(_claims("Vladimir Putin held talks with Xi Jinping.\n\nThe President of Russia "
                     "spoke about promoting the use of national currencies.", "RUS", "en"),
             "national currencies")
    assert c.speaker_side == "RUS"


def test_they_include_is_not_the_leaders() -> None:
    claims = _claims("Vladimir Putin held talks with Xi Jinping.\n\nA package of documents was "
                     "signed. They include an intergovernmental agreement on antimonopoly "
                     "policy. They agreed to meet again.", "RUS", "en")
    assert _one(claims, "They include").speaker_side == "RUS"
    assert not _one(claims, "They include").attributed
    assert _one(claims, "They agreed").speaker_side == "BOTH"


_BALI_CHN = ("国家主席习近平同美国总统拜登在巴厘岛举行会晤。\n\n"
             "拜登表示，美中应在气候变化、宏观经济稳定、公共卫生、粮食安全等全球性挑战上合作。"
             "两国元首同意，双方外交团队保持战略沟通。同意两国财金团队就宏观经济政策问题开展对话。"
             "双方就开展两国公共卫生、农业和粮食安全对话合作达成一致。")
_BALI_USA = ("President Biden met with President Xi Jinping in Bali.\n\n"
             "President Biden underscored that the United States and China must work together "
             "to address transnational challenges such as climate change, global macroeconomic "
             "stability, health security, and global food security. The two leaders agreed to "
             "empower key senior officials to maintain communication on these issues.\n\n"
             "President Biden raised concerns about human rights.")


def test_an_agreement_listed_alone_is_confirmed_matter_by_matter(monkeypatch) -> None:
    # one readout lists the agreements one by one, the other names the matters in one
    # sentence (which Biden's account in the Chinese text matches best, so the agreements
    # lose the competition for it): every matter of the Chinese claim is in the White House
    # text
    monkeypatch.setattr(readouts_mod, "COVERAGE", False)
    r = next(r for r in _pair(_BALI_CHN, _BALI_USA).results
             if r.claim.text.startswith("双方就开展两国公共卫生"))
    assert (r.claim.speaker_side, r.label) == ("BOTH", "unconfirmed_attribution")
    monkeypatch.setattr(readouts_mod, "COVERAGE", True)
    cmp = _pair(_BALI_CHN, _BALI_USA)
    r = next(r for r in cmp.results if r.claim.text.startswith("双方就开展两国公共卫生"))
    assert r.label == "shared" and "every matter it names" in r.reasons[0]
    assert "unconfirmed" not in r.flags and r.confidence <= 0.5
    assert {"food", "health"} <= set(r.reasons[0].split("(")[1].split(")")[0]
                                                   .replace(" ", "").split(","))
    other = next(c for c in cmp.claims[r.counterpart_doc] if c.claim_id == r.counterpart)
    assert "food" in other.text


def test_matter_by_matter_needs_every_matter_and_a_specific_one(monkeypatch) -> None:
    # thresholds no pair reaches: only the matter-by-matter rule can confirm here
    strict = {"shared_threshold": 0.99, "attribution_threshold": 0.99}
    r = next(r for r in _pair(_BALI_CHN, _BALI_USA, **strict).results
             if r.claim.text.startswith("双方就开展两国公共卫生"))
    assert r.label == "shared" and "every matter it names" in r.reasons[0]
    # a matter the other text never names (nuclear) leaves the attribution unconfirmed
    chn = _BALI_CHN.replace("双方就开展两国公共卫生、农业和粮食安全对话合作达成一致。",
                            "双方就公共卫生和核安全对话合作达成一致。")
    r = next(r for r in _pair(chn, _BALI_USA, **strict).results
             if r.claim.text.startswith("双方就公共卫生"))
    assert r.label == "unconfirmed_attribution"
    # a topic of the whole conversation is not a specific point: health named by three
    # claims of the other text does not confirm a claim whose only matter it is
    usa = _BALI_USA + ("\n\nPresident Biden noted the pandemic and vaccines. He also raised "
                       "health security in Africa.")
    chn = _BALI_CHN.replace("双方就开展两国公共卫生、农业和粮食安全对话合作达成一致。",
                            "双方同意就公共卫生达成一致。")
    for most, label in ((2, "unconfirmed_attribution"), (3, "shared")):
        monkeypatch.setattr(readouts_mod, "SPECIFIC_MAX", most)
        r = next(r for r in _pair(chn, usa, **strict).results
                 if r.claim.text.startswith("双方同意就公共卫生"))
        assert r.label == label, most


def test_matter_by_matter_is_not_used_within_one_language() -> None:
    # in one language the wording is compared: matters alone never confirm there
    a = document_from_text(
        "President Biden spoke with President Putin.\n\nThe two leaders agreed to cooperate on "
        "global food security.", side="USA", date=DATE)
    b = document_from_text(
        "Vladimir Putin had a telephone conversation with Joseph Biden.\n\nPutin spoke about "
        "food security in Africa. Stability in Europe was discussed.", side="RUS", date=DATE)
    cmp = compare_readouts([a, b], shared_threshold=0.99, attribution_threshold=0.99,
                           divergent_threshold=0.99)
    r = next(r for r in cmp.results if "food security" in r.claim.text
             and r.claim.speaker_side == "BOTH")
    assert r.label == "unconfirmed_attribution"
    assert not [r for r in cmp.results if r.reasons and "every matter" in r.reasons[0]]


def test_a_narrators_discussion_report_is_shared_above_the_discussion_score() -> None:
    # a confirmed report of discussion scored DISCUSSION_SCORE (0.45) and fell short of any
    # shared threshold above it: its score is now at least the threshold
    rus = document_from_text("Vladimir Putin had a telephone conversation with Xi Jinping.\n\n"
                             "The situation around Ukraine was discussed.\n\nPutin thanked Xi "
                             "for the greetings.", side="RUS", language="en", date=DATE)
    chn = document_from_text("国家主席习近平同俄罗斯总统普京通电话。\n\n双方就乌克兰局势交换意见。",
                             side="CHN", language="zh", date=DATE)
    for ts in (0.45, 0.60, 0.70):
        cmp = compare_readouts([rus, chn], shared_threshold=ts, attribution_threshold=0.30)
        r = next(r for r in cmp.results if r.claim.text.startswith("The situation"))
        assert not r.claim.attributed and r.label == "shared", ts
        assert r.score >= ts


def test_ying_yue_is_not_should() -> None:
    # 应约 (at the request of), 应邀 (at the invitation of), 应对 (respond to) are not 应
    # (should): the Chinese event frame is then a discussion report like any other
    from bilat.text.claims import modality_of

    assert modality_of("国家主席习近平应约同美国总统拜登通电话", "zh")[0] is None
    assert modality_of("共同应对气候变化", "zh")[0] is None
    assert modality_of("应邀出席开幕式", "zh")[0] is None
    assert modality_of("双方应该加强合作", "zh")[0] == "should"
    assert modality_of("中美应当相互尊重", "zh")[0] == "should"


def test_an_issue_and_its_twin_concept_are_one_matter() -> None:
    from bilat.text.lexicon import load_lexicon
    from bilat.text.readouts import specific_matters

    lex = load_lexicon()
    zh = _one(_claims("同意中美人文交流十分重要。", "CHN", "zh"), "人文交流")
    en = _one(_claims("They noted the importance of ties between the people of the two "
                      "countries.", "USA", "en"), "ties")
    assert "people_to_people" in zh.issues and "people_to_people" not in en.issues
    # the issue of the Chinese claim and the concept of the English one are one matter
    assert specific_matters(zh, lex, {"CHN", "USA"}) == specific_matters(en, lex, {"CHN", "USA"})
    assert specific_matters(zh, lex, {"CHN", "USA"}) == {"~people"}


def test_ransomware_is_a_cyber_security_issue() -> None:
    c = _one(_claims("The two leaders discussed ransomware attacks.", "USA", "en"), "ransomware")
    assert "cybersecurity" in c.issues
    c = _one(_claims("双方就打击勒索软件交换意见。", "CHN", "zh"), "勒索软件")
    assert "cybersecurity" in c.issues


# ----------------------------------------------------------------- round 4 (issue 13)
def _own_score_between(chn: str, usa: str, fragment: str) -> float:
    r = next(r for r in _pair(chn, usa, shared_threshold=0.0, attribution_threshold=0.0)
             .results if r.claim.text.startswith(fragment))
    return r.score


def test_cross_language_pairs_have_their_own_shared_threshold() -> None:
    # the features aligner (across languages) and the lexical aligner (within one) score on
    # different scales: each has its default, and an explicit shared threshold sets both
    chn = ("国家主席习近平同美国总统拜登通电话。\n\n"
           "习近平指出，中方坚定支持应对气候变化的国际合作，愿同美方共同推动巴黎协定实施。")
    usa = ("President Biden spoke today with President Xi Jinping.\n\n"
           "President Xi said China firmly supports international cooperation on climate "
           "change and the implementation of the Paris Agreement.")
    s = _own_score_between(chn, usa, "习近平指出")
    assert 0.0 < s < 1.0
    hi, lo = min(1.0, s + 0.05), max(0.0, s - 0.05)

    def label(**kw: float) -> str:
        return next(r.label for r in _pair(chn, usa, **kw).results
                    if r.claim.text.startswith("习近平指出"))

    assert label(cross_language_threshold=hi) != "shared"
    assert label(cross_language_threshold=lo) == "shared"
    # an explicit shared threshold applies across languages too, unless the cross-language
    # one is given as well
    assert label(shared_threshold=lo) == "shared"
    assert label(shared_threshold=hi) != "shared"
    assert label(shared_threshold=hi, cross_language_threshold=lo) == "shared"
    # the default across languages is CROSS_LANGUAGE_THRESHOLD, not SHARED_THRESHOLD
    expected = "shared" if s >= readouts_mod.CROSS_LANGUAGE_THRESHOLD else "one_sided"
    assert label() in (expected, "divergent")
    # within one language the cross-language threshold plays no part
    a = document_from_text("President Biden spoke with President Putin.\n\nThe presidents "
                           "discussed strategic stability and arms control.", side="USA",
                           date=DATE)
    b = document_from_text("Vladimir Putin had a telephone conversation with Joseph Biden."
                           "\n\nThe presidents discussed strategic stability and arms control.",
                           side="RUS", date=DATE)
    r1 = [r.label for r in compare_readouts([a, b], cross_language_threshold=0.99).results]
    r2 = [r.label for r in compare_readouts([a, b], cross_language_threshold=0.0).results]
    assert r1 == r2


def test_bad_cross_language_threshold_is_refused() -> None:
    import pytest

    from bilat.errors import BilatError

    with pytest.raises(BilatError, match="cross-language-threshold"):
        _pair("习近平同拜登通电话。", "President Biden spoke with President Xi.",
              cross_language_threshold=1.5)


_CONTACT_CHN = ("国家主席习近平同美国总统拜登通电话。\n\n"
                "习近平指出，中美关系十分重要。\n\n"
                "两国元首同意继续保持经常性联系。")
_CONTACT_USA = ("President Biden spoke today with President Xi Jinping.\n\n"
                "President Biden raised concerns about human rights.\n\n"
                "The leaders agreed to keep lines of communication open.")


def test_a_commitment_to_further_contact_is_confirmed_by_the_others(monkeypatch) -> None:
    # "同意继续保持经常性联系" against "agreed to keep lines of communication open": the
    # commonplace shares only generic concepts, so no threshold a pair reaches confirms it
    strict = {"shared_threshold": 0.99, "attribution_threshold": 0.99}

    def contact(chn: str = _CONTACT_CHN, usa: str = _CONTACT_USA):
        return next(r for r in _pair(chn, usa, **strict).results
                    if r.claim.text.startswith("两国元首同意"))

    monkeypatch.setattr(readouts_mod, "CONTACT", False)
    r = contact()
    assert (r.claim.speaker_side, r.label) == ("BOTH", "unconfirmed_attribution")
    monkeypatch.setattr(readouts_mod, "CONTACT", True)
    r = contact()
    assert r.label == "shared" and "further contact" in r.reasons[0]
    assert r.confidence <= 0.5 and "unconfirmed" not in r.flags
    # the other readout commits to no contact (a meeting schedule is not contact)
    usa = _CONTACT_USA.replace("The leaders agreed to keep lines of communication open.",
                               "The leaders agreed on the schedule of their next meeting.")
    assert contact(usa=usa).label == "unconfirmed_attribution"
    # a contact concept without a commitment form is not a commitment
    usa = _CONTACT_USA.replace("The leaders agreed to keep lines of communication open.",
                               "Communication between the militaries has been poor.")
    assert contact(usa=usa).label == "unconfirmed_attribution"
    # a matter beyond contact (climate change) is not confirmed by contact alone
    chn = _CONTACT_CHN.replace("两国元首同意继续保持经常性联系。",
                               "两国元首同意继续保持经常性联系，加强气候变化合作。")
    assert contact(chn=chn).label == "unconfirmed_attribution"


def test_a_commitment_to_contact_within_one_language(monkeypatch) -> None:
    # round 4 left it to the wording within one language; round 5 applies the contact rule
    # there too ("instruct their representatives to engage in meaningful consultations"
    # against "tasked their teams to follow up": no word in common)
    a = document_from_text("President Biden spoke with President Putin.\n\nThe two leaders "
                           "agreed to keep in touch.", side="USA", date=DATE)

    def label(rus: str) -> str:
        b = document_from_text("Vladimir Putin had a telephone conversation with Joseph "
                               f"Biden.\n\n{rus}", side="RUS", date=DATE)
        cmp = compare_readouts([a, b], shared_threshold=0.99, attribution_threshold=0.99,
                               divergent_threshold=0.99)
        return next(r.label for r in cmp.results if "keep in touch" in r.claim.text)

    committed = "The presidents agreed to maintain communication on the matter."
    monkeypatch.setattr(readouts_mod, "CONTACT_SAME_LANGUAGE", False)
    assert label(committed) == "unconfirmed_attribution"
    monkeypatch.setattr(readouts_mod, "CONTACT_SAME_LANGUAGE", True)
    assert label(committed) == "shared"
    # within one language a joint commitment needs a joint one: one side's offer is not both
    assert label("Putin said Russia will maintain communication on the matter.") == \
        "unconfirmed_attribution"
    # no commitment to contact in the other readout: still unconfirmed
    assert label("The presidents said the talks had been poor.") == "unconfirmed_attribution"


def test_russian_v_svyazi_s_is_not_communication_nor_relations() -> None:
    # "в связи с" (in connection with) and "в этой связи" (in this regard) are prepositional
    # phrases built on "связь"; the word itself still means contact or ties
    assert not {"~communication", "~relations"} & concepts(
        "Подтверждён график встреч в связи с празднованием годовщины.")
    assert not {"~communication", "~relations"} & concepts(
        "В этой связи президенты договорились продолжить работу.")
    assert "~communication" in concepts("Стороны будут поддерживать тесную связь.")
    assert {"~communication", "~relations"} & concepts("Связи между странами развиваются.")


def test_contact_commitment_kept_or_maintained_counts_and_negation_does_not() -> None:
    strict = {"shared_threshold": 0.99, "attribution_threshold": 0.99}

    def label(usa_line: str) -> str:
        usa = _CONTACT_USA.replace("The leaders agreed to keep lines of communication open.",
                                   usa_line)
        return next(r.label for r in _pair(_CONTACT_CHN, usa, **strict).results
                    if r.claim.text.startswith("两国元首同意"))

    # "stressed the importance of maintaining open lines of communication": no commitment
    # form, but to keep/maintain contact is the commitment
    assert label("The two leaders stressed the importance of maintaining open lines of "
                 "communication.") == "shared"
    # a negated contact claim commits to nothing
    assert label("The two leaders did not agree to keep lines of communication "
                 "open.") == "unconfirmed_attribution"
    # a purpose of contact (mutual understanding, misjudgement, teams) is still contact; a
    # new matter (climate) is not
    chn = _CONTACT_CHN.replace("两国元首同意继续保持经常性联系。",
                               "两国元首同意继续保持经常性联系，增进相互了解，避免误判和冲突。")
    r = next(r for r in _pair(chn, _CONTACT_USA, **strict).results
             if r.claim.text.startswith("两国元首同意"))
    assert r.label == "shared"


_BAND_CHN = ("国家主席习近平同俄罗斯总统普京通电话。\n\n"
             "普京表示，俄方高度评价中方在乌克兰问题上的立场。")
_BAND_RUS = ("Владимир Путин провёл телефонный разговор с Си Цзиньпином.\n\n"
             "Владимир Путин подробно рассказал о ситуации на Украине.")


def test_an_attribution_whose_counterpart_says_otherwise_is_unconfirmed(monkeypatch) -> None:
    # labelling rule (precedence): an attribution to the other side whose closest claim of that
    # side is on the same issue but says something else is an unconfirmed attribution, not a
    # divergent one (the attributed words are not in that side's text)
    def putin(**kw):
        return next(r for r in _pair_ru(_BAND_CHN, _BAND_RUS, **kw).results
                    if r.claim.text.startswith("普京表示"))

    r = putin(shared_threshold=0.99, attribution_threshold=0.99, divergent_threshold=0.0)
    assert r.claim.speaker_side == "RUS" and "ukraine" in r.claim.issues
    assert r.label == "unconfirmed_attribution"
    assert any("says something else" in x for x in r.reasons)
    assert r.counterpart is None
    monkeypatch.setattr(readouts_mod, "BAND_ATTRIBUTION", False)
    r = putin(shared_threshold=0.99, attribution_threshold=0.99, divergent_threshold=0.0)
    assert r.label == "divergent"


def test_a_same_issue_attribution_is_not_confirmed_matter_by_matter() -> None:
    # the matter-by-matter rule confirms an attribution whose matters the other text names;
    # not one whose counterpart on that very issue says something else
    r = next(r for r in _pair_ru(_BAND_CHN, _BAND_RUS, shared_threshold=0.99,
                                 attribution_threshold=0.99, divergent_threshold=0.0).results
             if r.claim.text.startswith("普京表示"))
    assert r.label == "unconfirmed_attribution"
    assert not (r.reasons and "every matter" in r.reasons[0])


def _pair_ru(chn_text: str, rus_text: str, **kw):
    chn = document_from_text(chn_text, side="CHN", language="zh", date=DATE)
    rus = document_from_text(rus_text, side="RUS", language="ru", date=DATE)
    return compare_readouts([chn, rus], **kw)


def test_within_one_language_a_same_issue_attribution_stays_divergent() -> None:
    # compared by wording, a low score on the same issue is the same matter worded otherwise
    # (often a different strength): divergent, as before
    a = document_from_text("President Biden spoke with President Putin.\n\nPresident Putin "
                           "praised the American position on Ukraine.", side="USA", date=DATE)
    b = document_from_text("Vladimir Putin had a telephone conversation with Joseph Biden.\n\n"
                           "Vladimir Putin described the situation in Ukraine in detail.",
                           side="RUS", date=DATE)
    cmp = compare_readouts([a, b], shared_threshold=0.99, attribution_threshold=0.99,
                           divergent_threshold=0.0)
    r = next(r for r in cmp.results if "praised" in r.claim.text)
    assert r.claim.speaker_side == "RUS" and "ukraine" in r.claim.issues
    assert r.label == "divergent"
    # the same texts aligned without reading wording: the precedence rule applies
    cmp = compare_readouts([a, b], shared_threshold=0.99, attribution_threshold=0.99,
                           divergent_threshold=0.0, aligner="features")
    r = next(r for r in cmp.results if "praised" in r.claim.text)
    assert r.label == "unconfirmed_attribution"


def test_to_engage_is_a_commitment_to_contact_across_languages_only() -> None:
    # "They agreed to engage on both sets of issues openly" against "双方同意继续保持经常性联系":
    # engaging (接触) is contact; the concept is bridge-only (not counted in English wording)
    assert "~engage" in concepts("They agreed to engage on both sets of issues openly.")
    assert "~engage" in concepts("美方愿同中方保持接触。")
    assert "~engage" in bridge_only()
    chn = ("国家主席习近平同美国总统拜登通电话。\n\n两国元首同意继续保持经常性联系。")
    usa = ("President Biden spoke today with President Xi Jinping.\n\n"
           "They agreed to engage on both sets of issues openly and straightforwardly.")
    cmp = _pair(chn, usa, shared_threshold=0.99, attribution_threshold=0.99)
    r = next(r for r in cmp.results if r.claim.text.startswith("They agreed"))
    assert r.claim.speaker_side == "BOTH"
    assert r.label == "shared" and "further contact" in r.reasons[0]


# ----------------------------------------------------------------- round 5 (issue 13)
def test_a_listed_discussion_is_not_confirmed_by_a_conversation_wide_topic(monkeypatch) -> None:
    # "They also discussed military cooperation, vaccines and the opening of borders" against
    # a leader's remark on the pandemic, which the other readout repeats in several claims
    usa = ("President Biden spoke today with President Xi Jinping.\n\n"
           "They also discussed military cooperation, mutual recognition of vaccines and the "
           "opening of borders.\n\n"
           "President Biden raised concerns about human rights.")
    chn = ("国家主席习近平同美国总统拜登通电话。\n\n"
           "习近平指出，新冠肺炎疫情仍在全球蔓延。\n\n"
           "习近平强调，各国应当共同抗击新冠肺炎疫情。\n\n"
           "习近平表示，疫情防控是当务之急。\n\n"
           "习近平指出，中方愿同美方加强沟通。")
    kw = {"shared_threshold": 0.40, "cross_language_threshold": 0.70,
          "divergent_threshold": 0.20, "attribution_threshold": 0.30}

    def report(chn_text: str) -> str:
        return next(r.label for r in _pair(chn_text, usa, **kw).results
                    if r.claim.text.startswith("They also discussed"))

    _whole_discussion_reports(monkeypatch)  # the list as one claim (round 8 cuts it)
    monkeypatch.setattr(readouts_mod, "DISCUSSION_LISTS", False)
    assert report(chn) == "shared"
    monkeypatch.setattr(readouts_mod, "DISCUSSION_LISTS", True)
    assert report(chn) == "unconfirmed_attribution"
    # the pandemic as one specific point of the other readout confirms the report
    one = ("国家主席习近平同美国总统拜登通电话。\n\n"
           "习近平指出，新冠肺炎疫情仍在全球蔓延。\n\n"
           "习近平指出，中方愿同美方加强沟通。")
    assert report(one) == "shared"


def test_a_disavowal_is_not_confirmed_matter_by_matter_through_conflict(monkeypatch) -> None:
    # the "noes" ("美方不寻求改变中国的体制…无意同中国发生冲突") against the White House's
    # "competition does not veer into conflict": avoiding conflict is a commonplace, not a matter
    chn = ("国家主席习近平同美国总统拜登举行视频会晤。\n\n"
           "拜登表示，美方不寻求改变中国的体制，无意同中国发生冲突。\n\n"
           "习近平指出，中方愿同美方加强沟通。")
    usa = ("President Biden met virtually with President Xi Jinping.\n\n"
           "President Biden noted the need for guardrails so that competition does not veer "
           "into conflict.\n\n"
           "President Biden raised concerns about human rights.")
    strict = {"shared_threshold": 0.99, "attribution_threshold": 0.99}

    def noes() -> str:
        readouts_mod._concept_matters.cache_clear()
        return next(r.label for r in _pair(chn, usa, **strict).results
                    if r.claim.text.startswith("拜登表示"))

    monkeypatch.setattr(readouts_mod, "COMMONPLACE_MATTERS", frozenset())
    assert noes() == "shared"  # matter by matter, through "conflict" alone
    monkeypatch.setattr(readouts_mod, "COMMONPLACE_MATTERS", frozenset({"~conflict"}))
    assert noes() == "unconfirmed_attribution"
    readouts_mod._concept_matters.cache_clear()


def _speech_claim(k: int, paragraph: int, text: str, kind: str = "person",
                  stance: str | None = None):
    from bilat.text.model import Claim
    return Claim(doc_id="chn", index=k, start=10 * k, end=10 * k + 9, text=text,
                 sentence_index=k, paragraph_index=paragraph, speaker="Vladimir Putin",
                 speaker_side="RUS", issues=("trade",), stance=stance, attributed=True,
                 language="zh",
                 extra={"speaker_kind": kind, "speaker_cue": "普京"})


def test_a_mostly_confirmed_reported_speech_confirms_its_weak_claims(monkeypatch) -> None:
    # "普京表示，…" and the sentences that continue it in one paragraph: one speech, which the
    # Kremlin's text confirms for the most part; a sentence of it scoring above the divergent
    # threshold (but below the attribution threshold) is part of that confirmed speech
    from bilat.text.model import Claim
    texts = ["俄中经贸合作稳步推进。", "两国贸易额创历史新高。", "能源合作成果丰硕。",
             "俄方愿同中方深化经贸合作。"]
    other = Claim(doc_id="rus", index=0, start=0, end=9, text="Trade is growing.",
                  sentence_index=0, paragraph_index=0, speaker="Vladimir Putin",
                  speaker_side="RUS", issues=("trade",), attributed=True, language="en")

    def run(kinds: tuple[str, ...], paragraphs: tuple[int, ...] = (2, 2, 2, 2),
            stance: str | None = None) -> str:
        monkeypatch.setattr(readouts_mod, "TURN_KINDS", kinds)
        claims = [_speech_claim(k, p, t, stance=stance if k == 3 else None)
                  for k, (p, t) in enumerate(zip(paragraphs, texts, strict=True))]
        results = [readouts_mod.ClaimResult(c, "CHN", "shared", counterpart=other.claim_id,
                                            counterpart_doc="rus", score=0.6,
                                            confidence=0.8) for c in claims[:3]]
        weak = readouts_mod.ClaimResult(claims[3], "CHN", "unconfirmed_attribution",
                                        score=0.25, flags=["unconfirmed"], confidence=0.6)
        results.append(weak)
        best = {c.claim_id: (0.6, other) for c in claims[:3]}
        best[claims[3].claim_id] = (0.25, other)
        readouts_mod._turn_labels(results, best, floor=0.20)
        return weak.label

    assert run(("turn",)) == "unconfirmed_attribution"  # round 4: transcript turns only
    assert run(("turn", "person")) == "shared"
    # another paragraph is another speech: the weak claim alone is not confirmed by it
    assert run(("turn", "person"), paragraphs=(2, 2, 2, 3)) == "unconfirmed_attribution"
    # a position stated in the reported speech needs a counterpart of its own
    assert run(("turn", "person"), stance="supports") == "unconfirmed_attribution"


def test_in_particular_is_not_attending() -> None:
    # "in particular, the Afghan problem": six letters "partic" are not "participate"
    assert "~attend" not in tokens("We discussed, in particular, the Afghan problem.")
    assert "~attend" in tokens("He will participate in the summit.")


def test_a_figure_in_a_confirmed_speech_is_checked_against_the_others_figures(
        monkeypatch) -> None:
    # the Kremlin's "our trade … exceeded US$100 billion" in Xi's mostly confirmed turn: its best
    # counterpart gives no figure, but CCTV's "双边贸易额…首次突破千亿美元大关" does
    from bilat.text.model import Claim
    texts = ["Our trade is growing.", "Energy cooperation is strong.", "Our ties are good.",
             "Trade exceeded US$100 billion."]
    mine = [_speech_claim(k, 1, t, kind="turn") for k, t in enumerate(texts)]
    plain = Claim(doc_id="rus", index=0, start=0, end=9, text="中俄务实合作展现出巨大优势。",
                  sentence_index=0, paragraph_index=0, issues=("trade",), language="zh")
    figure = Claim(doc_id="rus", index=1, start=10, end=19, text="双边贸易额首次突破千亿美元大关。",
                   sentence_index=1, paragraph_index=0, issues=("trade",), language="zh")
    claims = {"chn": mine, "rus": [plain, figure]}

    def run(figures: bool, figure_score: float = 0.30) -> readouts_mod.ClaimResult:
        monkeypatch.setattr(readouts_mod, "TURN_FIGURES", figures)
        results = [readouts_mod.ClaimResult(c, "RUS", "shared", counterpart=plain.claim_id,
                                            counterpart_doc="rus", score=0.6, confidence=0.8)
                   for c in mine[:3]]
        weak = readouts_mod.ClaimResult(mine[3], "RUS", "unconfirmed_attribution", score=0.32,
                                        flags=["unconfirmed"], confidence=0.6)
        results.append(weak)
        best = {c.claim_id: (0.6, plain) for c in mine[:3]}
        best[mine[3].claim_id] = (0.32, plain)
        raws = {("chn", "rus"): np.array([[0.6, 0.1]] * 3 + [[0.32, figure_score]])}
        readouts_mod._turn_labels(results, best, 0.20, claims, raws)
        return weak

    assert run(False).label == "unconfirmed_attribution"  # the figure rule alone
    r = run(True)
    assert r.label == "shared" and r.counterpart == figure.claim_id
    # the claim with a figure scores below the divergent threshold: still unconfirmed
    assert run(True, figure_score=0.10).label == "unconfirmed_attribution"


def test_chinese_numerals_of_counts_are_bridge_numbers() -> None:
    # "第三十七次会晤" against "our 37th meeting since 2013": the count in Chinese numerals
    from bilat.text.align import zh_number
    assert [zh_number(x) for x in ("三十七", "二十", "一百零五", "十二", "两千")] == \
        [37, 20, 105, 12, 2000]
    assert "37" in bridge_tokens("这也是2013年以来我们的第三十七次会晤。", "zh")
    assert "80" in bridge_tokens("共同纪念世界反法西斯战争胜利八十周年。", "zh")
    # "十分" (very), "两国" (the two countries), "百年变局" are no counts
    toks = bridge_tokens("两国关系十分重要，世界百年变局加速演进。", "zh")
    assert not {t for t in toks if t.isdigit()}
    # English text is read as before
    assert "37" in bridge_tokens("our 37th meeting since 2013", "en")


# ----------------------------------------------------------------- round 6 (issue 13)
_BRIEFING = (
    "Yury Ushakov briefed the media on the telephone conversation.\n\n"
    "Yury Ushakov: Good evening. The conversation has just ended. Incidentally, in asking for "
    "the conversation to be held today and not on Monday as had been planned earlier, the US "
    "cited the danger of a war. Similar requests for urgent talks have been filed by members "
    "of the Biden administration with their colleagues. After a short pause, the talks went "
    "on for an hour. Coming back to the talks, the tone was business-like.")


def test_a_speech_act_in_a_briefing_turn_has_its_own_speaker(monkeypatch) -> None:
    from bilat.text import claims as claims_mod

    # "…, the US cited …" after a fronted clause longer than the subject window, and the agent
    # of a passive speech act ("have been filed by members of the Biden administration"): that
    # side speaking, reported in the briefing turn, not the turn's speaker
    monkeypatch.setattr(claims_mod, "TURN_SPEECH_ACTS", False)
    before = _claims(_BRIEFING, "RUS", "en")
    assert _one(before, "the US cited").speaker_side == "RUS"
    assert _one(before, "have been filed").speaker_side == "RUS"
    monkeypatch.setattr(claims_mod, "TURN_SPEECH_ACTS", True)
    got = _claims(_BRIEFING, "RUS", "en")
    cited, filed = _one(got, "the US cited"), _one(got, "have been filed")
    assert (cited.speaker_side, cited.attributed) == ("USA", True)
    assert (filed.speaker_side, filed.attributed) == ("USA", True)
    # a fronted clause without a speech verb after it, and the turn's own sentences: the turn's
    assert _one(got, "After a short pause").speaker_side == "RUS"
    assert _one(got, "the tone was business-like").speaker_side == "RUS"


def test_the_us_is_the_united_states_and_not_a_word_start() -> None:
    from bilat.text.lexicon import load_lexicon

    lex = load_lexicon()
    text = "As usual, the US and the U.S. side said so; the usual talks; thus us."
    hits = [(text[h.start:h.end], h.side) for h in lex.actor_spans(text)]
    assert hits == [("the US", "USA"), ("the U.S. side", "USA")]


def test_a_word_two_concepts_list_carries_both(monkeypatch) -> None:
    from bilat.text import align as align_mod

    # the Russian "конфликт" is listed under ~conflict and ~crisis: the scan took one of them,
    # so "урегулирования украинского конфликта" never met the Chinese "危机" (crisis)
    text = "Поддержка поиска путей урегулирования украинского конфликта."
    monkeypatch.setattr(align_mod, "SHARED_WORDS", False)
    align_mod.concepts.cache_clear()
    assert len({"~conflict", "~crisis"} & concepts(text)) == 1
    monkeypatch.setattr(align_mod, "SHARED_WORDS", True)
    align_mod.concepts.cache_clear()
    assert {"~conflict", "~crisis"} <= concepts(text)
    assert "~crisis" in concepts("为化解危机作出积极努力")
    # a word of one concept only still gives one
    assert "~crisis" not in concepts("Стороны избегают противостояния.")
    align_mod.concepts.cache_clear()
    align_mod._bridge_tokens.cache_clear()


def test_a_recount_of_earlier_contacts_confirms_no_discussion_report(monkeypatch) -> None:
    # "双方还就其他共同关心的国际和地区问题交换了意见" (discussed this time) against a leader's
    # "We also had telephone conversations about … the Afghan problem" (earlier contacts)
    chn = ("国家主席习近平同俄罗斯总统普京举行视频会晤。\n\n"
           "习近平指出，中方愿同俄方加强合作。\n\n"
           "双方还就其他共同关心的国际和地区问题交换了意见。")
    kw = {"shared_threshold": 0.40, "cross_language_threshold": 0.70,
          "divergent_threshold": 0.20, "attribution_threshold": 0.30}

    def report(rus_line: str) -> str:
        rus = document_from_text(
            "Vladimir Putin held talks with Xi Jinping via videoconference.\n\n"
            f"{rus_line}\n\nThe President of Russia said trade was growing.",
            side="RUS", language="en", date=DATE)
        chn_doc = document_from_text(chn, side="CHN", language="zh", date=DATE)
        return next(r.label for r in compare_readouts([chn_doc, rus], **kw).results
                    if r.claim.text.startswith("双方还就"))

    past = ("Vladimir Putin said: We also had telephone conversations about urgent "
            "international issues, in particular, the Afghan problem.")
    monkeypatch.setattr(readouts_mod, "PAST_CONTACTS", False)
    assert report(past) == "shared"
    monkeypatch.setattr(readouts_mod, "PAST_CONTACTS", True)
    assert report(past) == "unconfirmed_attribution"
    # a report of this conversation's discussion of a regional matter still confirms it
    assert report("The two leaders also discussed the situation in Afghanistan.") == "shared"
    assert readouts_mod.recounts_past_contacts(_one(_claims(
        "В ходе предыдущих переговоров стороны обсудили торговлю.", "RUS", "ru"), "предыдущих"))
    assert not readouts_mod.recounts_past_contacts(_one(_claims(
        "The two leaders held talks in Beijing.", "RUS", "en"), "held talks"))


def test_a_contact_commitment_may_name_a_circumstance_but_not_a_topic(monkeypatch) -> None:
    # "美方愿在过渡期同中方加强沟通对话" (during the transition) against "President Biden
    # welcomed efforts to maintain open channels of communication": the transition is when the
    # two will talk, not what about; "美方期待同中方就气候变化等重要问题加强沟通" is about climate
    usa = ("President Biden spoke today with President Xi Jinping.\n\n"
           "President Biden raised concerns about human rights.\n\n"
           "President Biden said the United States will maintain open channels of "
           "communication with China.")
    strict = {"shared_threshold": 0.99, "attribution_threshold": 0.99}

    def label(line: str) -> str:
        chn = ("国家主席习近平同美国总统拜登通电话。\n\n"
               "习近平指出，中美关系十分重要。\n\n" + line)
        return next(r.label for r in _pair(chn, usa, **strict).results
                    if r.claim.text.startswith("美方"))

    during = "美方愿在过渡期同中方加强沟通对话。"
    monkeypatch.setattr(readouts_mod, "CONTACT_EXTRA", 0)
    assert label(during) == "unconfirmed_attribution"
    monkeypatch.setattr(readouts_mod, "CONTACT_EXTRA", 1)
    assert label(during) == "shared"
    # the contact's topic is a matter: checked by the other rules, not by contact alone
    assert label("美方愿同中方就气候变化问题加强沟通。") == "unconfirmed_attribution"
    # two matters beyond contact: not a commonplace commitment any more
    assert label("美方愿在过渡期同中方加强沟通，推进气候合作。") == "unconfirmed_attribution"


def test_a_mostly_confirmed_speech_counts_scores_before_competition(monkeypatch) -> None:
    # the Kremlin's record of Xi's remarks: "We are promoting the use of national currencies
    # …" scores 0.27 against CCTV's "…共建'一带一路'同欧亚经济联盟对接顺利推进", but the next
    # sentence of the record matches that summary sentence better and takes it by competition
    # (0.02 left); in a speech the other readout confirms for the most part, the score before
    # competition counts when that counterpart is the one of a shared neighbour
    from bilat.text.model import Claim
    texts = ["俄中经贸合作稳步推进。", "两国贸易额创历史新高。", "能源合作成果丰硕。",
             "俄方推动本币结算。"]
    others = [Claim(doc_id="rus", index=j, start=10 * j, end=10 * j + 9, text=t,
                    sentence_index=j, paragraph_index=j, speaker="Vladimir Putin",
                    speaker_side="RUS", issues=("trade",), attributed=True, language="en")
              for j, t in enumerate(["Trade is growing.", "Settlements in national currencies "
                                                          "are growing."])]
    turn = [_speech_claim(k, 2, t, kind="turn") for k, t in enumerate(texts)]
    speech = [_speech_claim(k, 2, t, kind="person") for k, t in enumerate(texts)]

    def run(raw_before: float, neighbour: int = 1, claims=turn) -> str:
        # the claim before the weak one is shared with others[neighbour]
        results = [readouts_mod.ClaimResult(c, "CHN", "shared", counterpart=others[
            neighbour if k == 2 else 0].claim_id, counterpart_doc="rus", score=0.6,
            confidence=0.8) for k, c in enumerate(claims[:3])]
        weak = readouts_mod.ClaimResult(claims[3], "CHN", "unconfirmed_attribution",
                                        score=0.0, flags=["unconfirmed"], confidence=0.6)
        results.append(weak)
        best = {c.claim_id: (0.6, others[0]) for c in claims[:3]}
        best[claims[3].claim_id] = (0.0, None)  # nothing left after competition
        raw = np.array([[0.6, 0.1], [0.6, 0.1], [0.6, 0.1], [0.1, raw_before]])
        readouts_mod._turn_labels(results, best, floor=0.20,
                                  claims={"chn": claims, "rus": others},
                                  raws={("chn", "rus"): raw},
                                  thresholds={c.claim_id: 0.30 for c in claims})
        return weak.label + (f" {weak.counterpart}" if weak.counterpart else "")

    monkeypatch.setattr(readouts_mod, "TURN_KINDS", ("turn", "person"))
    monkeypatch.setattr(readouts_mod, "TURN_STRETCH", False)  # round 8, checked at the end
    monkeypatch.setattr(readouts_mod, "TURN_RAW", False)
    assert run(0.27) == "unconfirmed_attribution"
    monkeypatch.setattr(readouts_mod, "TURN_RAW", True)
    assert run(0.27) == f"shared {others[1].claim_id}"
    # below the divergent threshold before competition too: still unconfirmed
    assert run(0.15) == "unconfirmed_attribution"
    # a counterpart no neighbouring claim of the speech shares: a point of its own, still
    # unconfirmed
    assert run(0.27, neighbour=0) == "unconfirmed_attribution"
    # a leader's speech reported by the other readout ("普京表示，…"): the score before
    # competition must reach the claim's own shared threshold (0.30 here)
    monkeypatch.setattr(readouts_mod, "TURN_RAW_SPEECH", False)
    assert run(0.35, claims=speech) == "unconfirmed_attribution"
    monkeypatch.setattr(readouts_mod, "TURN_RAW_SPEECH", True)
    assert run(0.35, claims=speech) == f"shared {others[1].claim_id}"
    assert run(0.27, claims=speech) == "unconfirmed_attribution"
    # round 8: in a transcript turn, a counterpart next to a shared neighbour's counterpart
    # (the stretch of the summary) counts too
    monkeypatch.setattr(readouts_mod, "TURN_STRETCH", True)
    assert run(0.27, neighbour=0) == f"shared {others[1].claim_id}"


def test_support_given_both_ways_needs_a_counterpart_giving_it_both_ways(monkeypatch) -> None:
    # "They reaffirmed a mutual readiness to … support each other at the UN" against China's
    # own "中方…坚定维护以联合国为核心的国际体系": one side upholding the UN is not the two
    # supporting each other there
    rus_doc = document_from_text(
        "Vladimir Putin had a telephone conversation with Xi Jinping.\n\n"
        "The President of Russia spoke about trade.\n\n"
        "They reaffirmed a mutual readiness to support each other at the UN and in other "
        "multilateral platforms.", side="RUS", language="en", date=DATE)
    kw = {"shared_threshold": 0.40, "cross_language_threshold": 0.70,
          "divergent_threshold": 0.20, "attribution_threshold": 0.30}

    def label(chn_line: str) -> str:
        chn = document_from_text("国家主席习近平应约同俄罗斯总统普京通电话。\n\n"
                                 f"{chn_line}", side="CHN", language="zh", date=DATE)
        return next(r.label for r in compare_readouts([chn, rus_doc], **kw).results
                    if r.claim.text.startswith("They reaffirmed"))

    own = "中方愿同各方一道，支持以联合国为核心的国际体系和多边主义。"
    monkeypatch.setattr(readouts_mod, "RECIPROCAL", False)
    assert label(own) == "shared"
    monkeypatch.setattr(readouts_mod, "RECIPROCAL", True)
    assert label(own) == "unconfirmed_attribution"
    # the other readout gives the support both ways: confirmed
    assert label("双方同意在联合国等多边平台上相互支持。") == "shared"


def test_a_discussion_report_is_confirmed_through_what_was_discussed(monkeypatch) -> None:
    # "双方就当前大国关系和民主问题交换意见" against Putin's "This allows us to hold in-depth
    # discussions on the development of our relations": "discussion" and "relations" in
    # common, none of the matters the report names
    kw = {"shared_threshold": 0.40, "cross_language_threshold": 0.70,
          "divergent_threshold": 0.20, "attribution_threshold": 0.30}

    def label(rus_line: str) -> str:
        chn = document_from_text("国家主席习近平同俄罗斯总统普京举行视频会晤。\n\n"
                                 "习近平指出，中方愿同俄方加强合作。\n\n"
                                 "双方就当前两国关系和民主问题交换意见。", side="CHN",
                                 language="zh", date=DATE)
        rus = document_from_text("Vladimir Putin held talks with Xi Jinping via "
                                 f"videoconference.\n\n{rus_line}", side="RUS", language="en",
                                 date=DATE)
        return next(r.label for r in compare_readouts([chn, rus], **kw).results
                    if r.claim.text.startswith("双方就"))

    format_only = ("Vladimir Putin said the format allows them to hold in-depth discussions "
                   "on the development of relations.")
    monkeypatch.setattr(readouts_mod, "REPORT_NEEDS_MATTER", False)
    assert label(format_only) == "shared"
    monkeypatch.setattr(readouts_mod, "REPORT_NEEDS_MATTER", True)
    assert label(format_only) == "unconfirmed_attribution"
    # a report of the same matter confirms it
    assert label("The leaders discussed relations and democracy.") == "shared"


# ----------------------------------------------------------------- round 8 (issue 13)
KW = {"shared_threshold": 0.40, "cross_language_threshold": 0.70, "divergent_threshold": 0.20,
      "attribution_threshold": 0.30}


def test_a_chinese_second_predicate_on_other_issues_is_a_claim_of_its_own() -> None:
    # "俄方愿…在上海合作组织、联合国安理会…协作，支持中方…金砖…，坚决反对干涉…": the SCO/UN
    # cooperation is in the Kremlin text, the BRICS support and the interference are not
    claims = _claims("国家主席习近平同俄罗斯总统普京举行视频会晤。\n\n普京表示，俄方愿同中方继续"
                     "深化在上海合作组织、联合国安理会等多边场合的密切协作，支持中方明年担任金砖国家"
                     "主席国工作，坚决反对干涉两国内政的企图。", "CHN", "zh")
    first = _one(claims, "上海合作组织")
    assert first.text.endswith("密切协作")
    second = _one(claims, "金砖")
    assert second.text.startswith("支持中方") and second.speaker_side == "RUS"
    # the same issues on both sides of the comma: one claim
    same = _claims("普京表示，俄方愿同中方深化在金砖国家机制内的协作，支持中方担任金砖国家主席国。",
                   "CHN", "zh")
    assert len([c for c in same if "金砖" in c.text]) == 1


def test_a_chinese_courtesy_is_a_claim_of_its_own() -> None:
    claims = _claims("国家主席习近平同俄罗斯总统普京举行会谈。\n\n普京表示，俄方真心祝贺中国共产党"
                     "带领中国人民取得伟大发展成就，把中国作为俄罗斯最重要的战略伙伴和朋友。",
                     "CHN", "zh")
    courtesy = _one(claims, "祝贺")
    assert courtesy.text.endswith("成就") and courtesy.speaker_side == "RUS"
    rest = _one(claims, "战略伙伴")
    assert rest.text.startswith("把中国") and rest.speaker_side == "RUS"


def test_a_courtesy_is_confirmed_only_by_a_courtesy(monkeypatch) -> None:
    # the place of a sentence in a speech (between two shared ones, or in a mostly confirmed
    # speech) does not confirm a congratulation the other readout never gives
    chn = _claims("普京表示，俄方真心祝贺中国共产党取得伟大发展成就。", "CHN", "zh")
    courtesy = _one(chn, "祝贺")
    rus = _claims("Vladimir Putin said the whole world will be watching the sports "
                  "developments.\n\nVladimir Putin congratulated Xi Jinping on the anniversary.",
                  "RUS", "en")
    plain, congratulating = _one(rus, "watching"), _one(rus, "congratulated")
    assert readouts_mod._courtesy_unmatched(courtesy, plain)
    assert not readouts_mod._courtesy_unmatched(courtesy, congratulating)
    assert not readouts_mod._courtesy_unmatched(plain, courtesy)  # no courtesy to confirm
    monkeypatch.setattr(readouts_mod, "SANDWICH_COURTESY", False)
    assert not readouts_mod._courtesy_unmatched(courtesy, plain)


def test_a_discussion_report_is_cut_into_its_matters(monkeypatch) -> None:

    text = ("Jake Sullivan met Wang Yi in Beijing.\n\nThey also discussed cross-Strait issues, "
            "Russia's war against Ukraine, and the South China Sea.")
    claims = _claims(text, "USA", "en")
    head, war, sea = (_one(claims, "cross-Strait"), _one(claims, "war against"),
                      _one(claims, "China Sea"))
    assert head.text == "They also discussed cross-Strait issues"
    assert war.text == "Russia's war against Ukraine"  # not Russia speaking
    assert {head.speaker_side, war.speaker_side, sea.speaker_side} == {"BOTH"}
    assert war.extra["discussion_item"] and readouts_mod.is_discussion(war)
    # a general matter, then a specific one singled out
    lunch = _claims("Vladimir Putin held talks with Xi Jinping.\n\nDuring the lunch, the two "
                    "leaders discussed the international situation, in particular, the "
                    "security guarantees proposed by Russia.", "RUS", "en")
    assert _one(lunch, "security guarantees").text.startswith("the security guarantees")
    # items on one matter, or a clause after the list: one claim
    one = _claims("They discussed Taiwan, the Taiwan Strait and cross-Strait ties.", "USA", "en")
    assert len(one) == 1
    _whole_discussion_reports(monkeypatch)
    assert len(_claims(text, "USA", "en")) == 2


def test_each_matter_of_a_discussion_report_is_checked() -> None:
    usa = document_from_text(
        "Jake Sullivan met Wang Yi in Beijing.\n\nThey also discussed cross-Strait issues, "
        "Russia's war against Ukraine, and the South China Sea.", side="USA", language="en",
        date=DATE)
    chn = document_from_text("王毅同沙利文举行会晤。\n\n双方就台湾问题交换了意见。", side="CHN",
                             language="zh", date=DATE)
    results = {r.claim.text: r for r in compare_readouts([chn, usa], **KW).results
               if r.claim.doc_id == usa.doc_id}
    got = {text: r.label for text, r in results.items()}
    # a matter names the report it belongs to, for a reader of the terminal or the HTML
    assert results["Russia's war against Ukraine"].reasons[0].startswith(
        "one of the matters of the discussion report")
    assert ("They also discussed cross-Strait issues, Russia's war against Ukraine, and the "
            "South China Sea.") in results["Russia's war against Ukraine"].reasons[0]
    assert got["They also discussed cross-Strait issues"] == "shared"
    assert got["Russia's war against Ukraine"] == "unconfirmed_attribution"
    assert got["the South China Sea."] == "unconfirmed_attribution"


def test_a_discussion_report_does_not_confirm_one_sides_position(monkeypatch) -> None:
    # "美中两国应该避免冲突，可以在气候变化等广泛领域开展合作" (Biden, in the Chinese readout)
    # against the White House's "The two leaders also exchanged views on … climate change"
    usa = document_from_text(
        "President Biden spoke with President Xi Jinping.\n\nThe two leaders also exchanged "
        "views on countering the COVID-19 pandemic, and the shared challenges of global health "
        "security, climate change, and preventing weapons proliferation.", side="USA",
        language="en", date=DATE)
    chn = document_from_text("国家主席习近平同美国总统拜登通电话。\n\n拜登表示，美中两国应该"
                             "避免冲突，可以在气候变化等广泛领域开展合作。", side="CHN",
                             language="zh", date=DATE)

    def label() -> str:
        return next(r.label for r in compare_readouts([chn, usa], **KW).results
                    if "气候变化" in r.claim.text)

    monkeypatch.setattr(readouts_mod, "DISCUSSION_NOT_POSITION", False)
    assert label() == "shared"  # "climate" matter by matter, through the discussion report
    monkeypatch.setattr(readouts_mod, "DISCUSSION_NOT_POSITION", True)
    assert label() == "unconfirmed_attribution"
    # the White House giving Biden the point itself confirms it
    usa_own = document_from_text(
        "President Biden spoke with President Xi Jinping.\n\nPresident Biden said the two "
        "countries should cooperate on climate change.", side="USA", language="en", date=DATE)
    assert next(r.label for r in compare_readouts([chn, usa_own], **KW).results
                if "气候变化" in r.claim.text) == "shared"


def test_security_guarantees_are_a_matter_in_three_languages() -> None:
    from bilat.text.lexicon import load_lexicon

    find = load_lexicon().find_issues
    assert "security_guarantees" in find("legally binding security guarantees for Russia")
    assert "security_guarantees" in find("юридически обязывающие гарантии безопасности")
    assert "security_guarantees" in find("俄方提出的安全保障问题")
    assert "security_guarantees" not in find("加强粮食安全保障和能源安全保障")


def test_le_jian_is_support() -> None:
    from bilat.text.claims import stance_of

    assert stance_of("中方乐见俄罗斯及有关各方为化解危机作出积极努力。", "zh")[0] == "supports"


def test_a_chinese_topic_heading_is_not_a_claim() -> None:
    # CCTV's "关于金砖合作，习近平指出，…" (field report QA14): the heading belongs to the
    # sentence it opens, and so does a fronted circumstance
    claims = _claims("国家主席习近平同俄罗斯总统普京举行视频会晤。\n\n"
                     "关于金砖合作，习近平指出，中方将于明年担任金砖国家主席国。"
                     "当前，面对国际上的单边主义逆流，中俄两国应加强协作。", "CHN", "zh")
    assert _one(claims, "金砖合作").text.startswith("关于金砖合作，习近平指出")
    assert _one(claims, "单边主义").text.startswith("当前，面对")
    assert not any(c.text in ("关于金砖合作", "当前，面对国际上的单边主义逆流") for c in claims)


def test_a_bare_chinese_courtesy_stays_with_what_it_congratulates() -> None:
    claims = _claims("国家主席习近平同俄罗斯总统普京通电话。\n\n"
                     "普京表示，在习近平主席坚强领导下，中国取得卓越发展成就，俄方表示衷心祝贺。",
                     "CHN", "zh")
    assert _one(claims, "祝贺").text.startswith("普京表示")


def test_one_word_matters_of_a_list_stay_with_it() -> None:
    # "key regional challenges, including DPRK, Afghanistan, and Iran" and Russian genitives
    # ("в сферах экономики, инвестиций, культуры"): names in one matter, not matters
    claims = _claims("President Biden spoke with President Xi.\n\nThe two leaders also exchanged "
                     "views on key regional challenges, including DPRK, Afghanistan, and Iran.",
                     "USA", "en")
    assert len([c for c in claims if "exchanged" in c.text or "Iran" in c.text]) == 1
    ru = _claims("Владимир Путин провёл телефонный разговор с Си Цзиньпином.\n\nОбсуждены пути "
                 "расширения сотрудничества в сферах экономики и торговли, инвестиций, культуры, "
                 "образования и спорта.", "RUS", "ru")
    assert len([c for c in ru if "Обсуждены" in c.text or "спорта" in c.text]) == 1


def test_a_matter_quotes_its_whole_discussion_report() -> None:
    usa = document_from_text(
        "President Biden held a video call with President Putin.\n\nThe presidents also "
        "discussed the U.S.-Russia dialogue on Strategic Stability, a separate dialogue on "
        "ransomware, as well as joint work on regional issues such as Iran.", side="USA",
        language="en", date=DATE)
    rus = document_from_text("Vladimir Putin held talks with Joseph Biden via videoconference."
                             "\n\nThe leaders discussed the Iranian nuclear programme.",
                             side="RUS", language="en", date=DATE)
    cut = [r for r in compare_readouts([usa, rus], **KW).results
           if (r.claim.extra or {}).get("discussion_item")]
    assert cut, "the report was not cut into its matters"
    for r in cut:
        assert "ransomware, as well as joint work on regional issues such as Iran" in r.reasons[0]


def test_the_dprk_counts_toward_the_korean_peninsula() -> None:
    from bilat.text.lexicon import load_lexicon

    lex = load_lexicon()
    assert "korean_peninsula" in lex.expand(("dprk",))


def test_a_turn_claims_counterpart_may_sit_next_to_its_neighbours() -> None:
    from bilat.text.model import Claim

    cs = [Claim(doc_id="d", index=k, start=k, end=k + 1, text=str(k), sentence_index=k)
          for k in range(8)]
    got = readouts_mod._stretch_around({"d:3"}, {"d": cs})
    assert got == {f"d:{k}" for k in range(1, 6)}
    assert readouts_mod._stretch_around({None}, {"d": cs}) == {None}


def test_the_stance_reason_names_its_words_and_a_negation() -> None:
    # "states no stance; supports is not in the USA readout" for "不支持'台独'" read as if
    # Biden supported something (QA14): the reason gives the cue and says the claim is negated
    claims = _claims("国家主席习近平同美国总统拜登举行视频会晤。\n\n"
                     "拜登表示，美国政府不支持“台独”。拜登表示，美方尊重中方的立场。", "CHN", "zh")
    negated, plain = _one(claims, "台独"), _one(claims, "尊重")
    assert readouts_mod._stance_words(negated) == "supports ('支持', in a negated claim)"
    assert readouts_mod._stance_words(plain) == "understands ('尊重')"
