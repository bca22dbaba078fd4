"""Exact fast paths of the text pipeline (issue 15 item 4) against their slow references.

Each fast path must give exactly what the plain code gives: ``str.translate`` (``CharMap``),
``re.search``/``re.sub``/``re.findall``/``finditer`` over the whole text (the end-anchored
post-rules, the forced sentence ends, pysbd's list scans and substitutions, the narrowed
speaker alternation, the leader scans), a pass over every hit (the overlap bisection) and
``max`` over a full row (``best_among``). Inputs: real readouts, Kremlin texts, the benchmark
documents, and random texts built from the characters and words each rule turns on.
"""

from __future__ import annotations

import csv
import random
import re
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pysbd.lists_item_replacer import ListItemReplacer

from bilat.text import blocking, claims, contacts, prefilter
from bilat.text import segment as seg
from bilat.text.lexicon import Match, load_lexicon


@pytest.fixture(scope="module")
def real_texts(shared_data) -> list[tuple[str, str]]:
    """(text, language): the shared readouts, 20 Kremlin English texts, 2 long documents."""
    out = [(p.read_text(encoding="utf-8"), p.stem.split("_")[1])
           for p in sorted((shared_data / "texts" / "readouts").glob("*/*.txt"))]
    csv.field_size_limit(10_000_000)
    path = shared_data / "texts" / "kremlin-en-2021-2022" / "press_release_data" / "putin.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r["body"] for r in csv.DictReader(fh) if r.get("body")]
    rng = random.Random(4)
    out += [(rows[i], "en") for i in rng.sample(range(len(rows)), 20)]
    en = [t for t, lang in out if lang == "en"]
    ru = [t for t, lang in out if lang == "ru"]
    out += [(" ".join(en)[:200_000], "en"), (" ".join(ru)[:100_000], "ru")]
    assert len(out) >= 40
    return out


# ------------------------------------------------------------------------------ CharMap
SPECIAL = ["İ", "ſ", "K", "ẞ", "ß", "Σ", "ς", "ᲀ", "\u00a0", "\u2009", "\u3000", "\t", "\n",
           "\x1c", "\x85", "ǅ", "Å", "Ω", "θ", "ϑ", "µ", "a", "Z", " ", "ё", "Ё", "中"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(SPECIAL), max_size=60))
def test_charmap_equals_translate(chars: list[str]) -> None:
    text = "".join(chars)
    low = text.lower()
    assert prefilter.fold(text) == (low if len(low) == len(text) else "".join(
        chr(prefilter._sre.unicode_tolower(ord(c))) for c in text)).translate(prefilter._CANON)
    assert seg._TO_SPACE(text) == text.translate(seg._SPACES)
    # a table whose replacements hold one of its keys is translated as it is
    chained = prefilter.CharMap({ord("a"): "b", ord("b"): "c"})
    assert chained.pairs is None and chained(text + "ab") == (text + "ab").translate(
        {ord("a"): "b", ord("b"): "c"})


def test_charmap_on_real_texts(real_texts) -> None:
    for text, _ in real_texts:
        assert seg._TO_SPACE(text) == text.translate(seg._SPACES)
        assert prefilter.fold(text) == text.lower().translate(prefilter._CANON)


# ------------------------------------------------------------------------------ post-rules
END_TOKENS = ["Mr.", "Dr.", "No.", "U.S.", "т. е.", "т.е.", "V.", "В. В.", "A.B.C.", "etc.",
              "Inc.", "млрд.", "гг.", "January", "Sept", "word", "x", " ", "  ", "\n", "\t",
              "(", "«", "\"", "“", ".", "5", "\u00a0", "\u2009", "approx."]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(END_TOKENS), max_size=25))
def test_end_anchored_rules_equal_search(tokens: list[str]) -> None:
    s = "".join(tokens)
    for fast in (seg._TITLES_AT, seg._INITIALS_AT, seg._ABBREV_JOIN_AT, seg._ABBREV_MAYBE_AT,
                 seg._MONTH_END_AT):
        assert fast.width is not None
        want, got = fast.rx.search(s), fast.search(s)
        assert (want and want.span()) == (got and got.span())


FORCED_TOKENS = ["2021 г.", "2021г.", "1 гг.", " долл.", " руб.", " тыс.", "U.S.", "the U.S.",
                 " ", "  ", "\n", "Москва", "The", "He", "There", "the", "and", "Also", ".",
                 "посетил", "Российскую", "x", "5"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FORCED_TOKENS), max_size=30), st.integers(0, 40),
       st.integers(0, 400))
def test_forced_ends_equal_finditer(tokens: list[str], start: int, end: int) -> None:
    text = "".join(tokens)
    end = min(end, len(text))
    want = [m.span() for m in seg._FORCED_END.finditer(text, start, end)]
    assert [m.span() for m in seg._forced_ends_in(text, start, end)] == want


# ------------------------------------------------------------------------------ pysbd
def _pysbd_patterns() -> list[str]:
    """Every pattern string of pysbd's English and Russian modules and of its passes."""
    from pysbd.abbreviation_replacer import AbbreviationReplacer
    from pysbd.between_punctuation import BetweenPunctuation
    from pysbd.exclamation_words import ExclamationWords
    from pysbd.lang.english import English
    from pysbd.lang.russian import Russian
    from pysbd.utils import Rule

    found: set[str] = set()

    def visit(obj: object, depth: int = 0) -> None:
        if depth > 3:
            return
        for name in dir(obj):
            if name.startswith("__"):
                continue
            value = getattr(obj, name, None)
            if isinstance(value, Rule):
                found.add(value.pattern)
            elif isinstance(value, str) and name.isupper() and len(value) > 1:
                found.add(value)
            elif isinstance(value, list | tuple):
                found.update(v.pattern for v in value if isinstance(v, Rule))
            elif isinstance(value, type) and value.__module__.startswith("pysbd"):
                visit(value, depth + 1)

    for cls in (English, Russian, BetweenPunctuation, ExclamationWords, ListItemReplacer,
                AbbreviationReplacer):
        visit(cls)
    out = []
    for p in sorted(found):
        try:
            re.compile(p)
        except re.error:
            continue
        out.append(p)
    return out


PYSBD_TOKENS = ["No.", "U.S.", "Mr.", "a.", "b.", "1.", "2.", "3)", "(a)", "(ii)", "ii.",
                "∯", "♨", "☝", "&ᓴ&", "!", "?", "!!!", "...", ". . .", "'", "‘", "’", "\"",
                "“", "”", "«", "»", "(", ")", "[", "]", "--", "a∯m∯", "P∯M∯", " ", "\r",
                "\n", "Yahoo!", "jpg", ".pdf", "5°.", "word", "The", "He", "U∯S∯", "ȸ",
                "2.5", "[1]", "e.g.", "Co.", "KG", "ſ", "x"]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(PYSBD_TOKENS), min_size=1, max_size=60),
       st.integers(1, 20))
def test_fast_sub_and_search_equal_re(tokens: list[str], repeat: int) -> None:
    """``_fast_sub`` / ``_FastRe.search`` give ``re.sub`` / ``re.search`` for every pysbd
    pattern (the long-text path: the text is made longer than ``_FAST_SUB_MIN``)."""
    text = " ".join(tokens)
    text = (text + " ") * max(repeat, seg._FAST_SUB_MIN // max(len(text), 1) + 1)
    fast = seg._FastRe()
    for p in PATTERNS:
        assert seg._fast_sub(p, "<\\g<0>>", text) == re.sub(p, "<\\g<0>>", text), p
        assert seg._fast_sub(p, lambda m: m.group(0).upper(), text) == re.sub(
            p, lambda m: m.group(0).upper(), text), p
        want, got = re.search(p, text), fast.search(p, text)
        assert (want and want.span()) == (got and got.span()), p


PATTERNS = _pysbd_patterns()


def test_pysbd_patterns_found() -> None:
    assert len(PATTERNS) > 60
    assert sum(seg._sub_starts(p) is not None for p in PATTERNS) > 30


LIST_TOKENS = ["1.", "2.", "3.", "10.", "11.", "12.", "1)", "2)", "12)", "a.", "b.", "c.",
               "ab)", "(a)", "(b)", "(iii)", "-1.", "⁃2.", " ", "  ", "\t", "\r", "x",
               "Ab)", "5.5", ".", ")", "(", "-", "word", "♨"]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(LIST_TOKENS), max_size=60))
def test_list_scans_equal_findall(tokens: list[str]) -> None:
    text = "".join(tokens)
    for pattern in seg._LIST_STARTS:
        assert seg._ListRe.findall(pattern, text) == re.findall(pattern, text), pattern


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(LIST_TOKENS), max_size=60), st.integers(0, 13))
def test_list_number_substitution_equals_pysbd(tokens: list[str], each: int) -> None:
    text = "".join(tokens)
    ref = ListItemReplacer(text)
    ListItemReplacer.substitute_found_list_items(ref, ListItemReplacer.NUMBERED_LIST_REGEX_2,
                                                 each, True, "♨")
    got = seg._sub_list_number(text, ListItemReplacer.NUMBERED_LIST_REGEX_2, each, "♨")
    assert got == ref.text


def test_sentences_of_long_texts_equal_pysbd(real_texts) -> None:
    """The fast segmenter (every pass above) cuts long real paragraphs as pysbd does."""
    for text, language in real_texts[-2:] + real_texts[:6]:
        plain = text.replace("\u00a0", " ").replace("\n", " ")[:60_000]
        assert seg._segmenter(language).segment(plain) == \
            seg._segmenter(language, fast=False).segment(plain)


# ------------------------------------------------------------------------------ alternations
def test_narrowed_alternation_same_matches(real_texts) -> None:
    """The speaker alternation narrowed to a text gives the same matches in it as the whole
    one, in the new-clause, trailing-speaker and a bare pattern; at most MAX_VARIANTS
    narrowed forms are handed out."""
    lex = load_lexicon()
    full = claims._actor_alternation(lex)
    alt = prefilter._ALTERNATIONS[full]
    whole = re.compile(f"(?:{full})", re.IGNORECASE)
    for k, (text, language) in enumerate(real_texts[:30]):
        alt._variants.clear()  # every text narrowed (not the whole alternation after 32)
        short = prefilter.narrowed(full, text)
        assert len(short) <= len(full)
        lang = language if language in ("en", "ru", "zh") else "en"
        narrow = re.compile(f"(?:{short})", re.IGNORECASE)
        assert [m.span() for m in narrow.finditer(text)] == \
            [m.span() for m in whole.finditer(text)]
        trail_full = claims._rx(claims._TRAILING[lang].format(actor=full))
        trail_short = claims._rx(claims._TRAILING[lang].format(actor=short))
        clause_full = seg._new_clause_re(lang, full)
        clause_short = seg._new_clause_re(lang, short)
        sentences = seg.sentences(text, lang)
        for sent in sentences[:: max(1, len(sentences) // 40)]:
            s = sent.text
            a, b = trail_full.search(s), trail_short.search(s)
            assert (a and a.span()) == (b and b.span())
            for cut in range(0, len(s), 7):
                a, b = clause_full.match(s[cut:]), clause_short.match(s[cut:])
                assert (a and a.span()) == (b and b.span())
        assert k < 30
    alt._variants.clear()
    for i in range(prefilter.Alternation.MAX_VARIANTS + 3):
        prefilter.narrowed(full, f"Putin {i} " + "Biden " * (i % 2))
    assert len(alt._variants) <= prefilter.Alternation.MAX_VARIANTS
    assert prefilter.narrowed(full, "nothing here at all") in (full, "(?!)")
    alt._variants.clear()
    assert prefilter.narrowed("not-registered", "Putin") == "not-registered"


def test_leader_scans_equal_finditer(real_texts) -> None:
    for text, language in real_texts:
        lang = language if language in ("en", "ru", "zh") else "en"
        norm = text.replace("ё", "е") if lang == "ru" else text
        for fast, rx in ((contacts._name_scan(lang), contacts._name_regex(lang)),
                         (contacts._title_scan(lang), contacts._title_regex(lang))):
            assert [m.span() for m in fast.finditer(norm)[0]] == \
                [m.span() for m in rx.finditer(norm)]
    assert contacts.find_leaders(real_texts[-2][0], "en", date(2021, 12, 7))


# ------------------------------------------------------------------------------ speakers
def test_name_after_title_equals_slice_match(real_texts) -> None:
    for text, language in real_texts[:25]:
        lang = language if language in ("en", "ru", "zh") else "en"
        for at in range(0, len(text), 37):
            m = claims._NAME_AFTER_TITLE[lang].match(text[at:])
            want = None if m is None else (m.group("n"), at + m.start("n"))
            assert claims._name_after(lang, text, at) == want


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 6)), max_size=30),
       st.integers(0, 200), st.integers(0, 30))
def test_overlap_bisection_equals_scan(gaps: list[tuple[int, int]], start: int,
                                       width: int) -> None:
    hits: list[Match] = []
    pos = 0
    for gap, length in gaps:  # in order, never overlapping (as the lexicon's actor hits)
        pos += gap
        hits.append(Match("x", pos, pos + length))
        pos += length
    ends = [h.end for h in hits]
    end = start + width
    assert claims._overlapping(hits, ends, start, end) == \
        [h for h in hits if h.start < end and start < h.end]


# ------------------------------------------------------------------------------ blocking
def test_best_among_equals_max_over_the_row() -> None:
    rng = np.random.default_rng(15)
    full = rng.random((40, 60)) * (rng.random((40, 60)) < 0.3)
    full[3] = 0.0
    full[5, [7, 9, 30]] = 0.8  # ties: the first listed column wins
    upper = np.where(full > 0, np.minimum(1.0, full + rng.random(full.shape) * 0.2), 0.0)

    def exact(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return full[i, j]

    for transpose in (False, True):
        lazy = blocking.LazyScores(upper, exact)
        mat = lazy.T if transpose else lazy
        ref = full.T if transpose else full
        for i in range(mat.shape[0]):
            for cols in (list(range(mat.shape[1])), list(range(0, mat.shape[1], 3)),
                         [k for k in range(mat.shape[1]) if k % 4 != 1], [2]):
                y = max(cols, key=lambda k: ref[i, k])  # noqa: B023
                assert blocking.best_among(mat, i, cols) == (y, float(ref[i, y]))
                assert blocking.best_among(ref, i, cols) == (y, float(ref[i, y]))


def test_ratio_bound_with_repeated_token_sets() -> None:
    """The bound computed once per pair of distinct token sets equals the dense formulas."""
    from tests.text.test_blocking import _ratio_upper_dense

    rng = random.Random(3)
    words = ["trade", "energy", "~agree", "taiwan", "gas", "sovereign", "respect", "xi",
             "putin", "~security", "invest", "peace"]
    base = [[rng.choice(words) for _ in range(rng.randint(1, 7))] for _ in range(12)]
    la = [list(rng.choice(base)) for _ in range(50)]
    lb = [list(rng.choice(base)) for _ in range(45)] + [["other"], []]
    vocab: dict[str, int] = {}
    ia = [sorted({vocab.setdefault(t, len(vocab)) for t in x}) for x in la]
    ib = [sorted({vocab.setdefault(t, len(vocab)) for t in x}) for x in lb]
    shared = np.array([[bool(set(a) & set(b)) for b in ib] for a in ia])
    shared[0, :] = False  # a mask that is not a function of the sets
    dense = _ratio_upper_dense(la, lb, shared)
    assert np.array_equal(blocking.ratio_upper(la, lb, shared), dense)
    lengths = np.array([float(len(t)) for t in vocab])
    counted = blocking.overlaps_multi(ia, ib, [None, lengths])
    assert np.array_equal(blocking.ratio_upper(la, lb, shared, counted), dense)


ABBR_TOKENS = ["No", "NO", "no", "No.", "NO.", "nO.", "St", "ST.", "st.", "Mr", "MR.", "İ.",
               "i.", "I.", "Gen", "gen.", "Jan", "JAN.", "u.s", "U.S.", "e.g", "г", "Г.", "ст",
               "Ст.", "word", "Word.", " ", "\n", "5", "(", "The"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(ABBR_TOKENS), min_size=3, max_size=80),
       st.sampled_from(["en", "ru"]))
def test_abbreviation_pass_case_variants_equal_pysbd(tokens: list[str], language: str) -> None:
    """Abbreviations never followed by "." (in any case) are skipped by the fast pass: the
    same pieces as pysbd, with case variants and a dotted capital I."""
    text = " ".join(tokens)
    assert seg._segmenter(language).segment(text) == \
        seg._segmenter(language, fast=False).segment(text)


def test_register_topics_equal_search(real_texts) -> None:
    """Register topics through the prefilter: the topics whose pattern ``search`` finds."""
    from bilat.text import align

    pieces = [s.text for text, lang in real_texts[:20] for s in seg.sentences(text, lang)]
    pieces += ["Thanks\u00a0to you", "THANK YOU", "congratulated", "ſigned", "K", ""]
    for text in pieces:
        plain = align.plain_spaces(text)
        want = frozenset(k for k, rx in align._TOPIC_RE.items() if rx.search(plain))
        assert align.register_topics.__wrapped__(text) == want


# ------------------------------------------------------------------------------ lineage
def _kremlin_series(shared_data, statements: int, claims_each: int) -> list:  # noqa: ANN001
    """A series built as benchmarks/bench_text_scale.py builds it: each statement carries the
    last 70 % of the previous one (identical claims recur) and adds real Kremlin sentences."""
    from bilat.text.documents import document_from_text

    csv.field_size_limit(10_000_000)
    path = shared_data / "texts" / "kremlin-en-2021-2022" / "press_release_data" / "putin.csv"
    pool: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for s in re.split(r"(?<=[.!?])\s+", row.get("body") or ""):
                s = " ".join(s.split())
                if 60 <= len(s) <= 300 and s not in pool and s[0].isupper():
                    pool.append(s)
            if len(pool) > statements * claims_each:
                break
    keep = int(claims_each * 0.7)
    texts = [pool[:claims_each]]
    at = claims_each
    for _ in range(1, statements):
        add = claims_each - keep
        texts.append(texts[-1][-keep:] + pool[at:at + add])
        at += add
    return [document_from_text("\n\n".join(t), side="JOINT", date=f"{2000 + k}-07-16",
                               language="en", parties=("CHN", "RUS"), kind="statement")
            for k, t in enumerate(texts)]


@pytest.fixture(scope="module")
def lineage_series(shared_data) -> list[list]:  # noqa: ANN001
    """Series to check the lineage's fast paths on: the evaluation series (English), the two
    genuine Russian statements, and a generated Kremlin series with recurring claims."""
    import json
    from pathlib import Path

    from bilat.text.documents import document_from_text, load_document

    repo = Path(__file__).resolve().parents[2]
    data = json.loads((repo / "evaluation" / "statements" / "series" / "rus_chn_en.json")
                      .read_text(encoding="utf-8"))
    evaluation = [document_from_text(d["text"], side="JOINT", date=d["date"], kind="statement",
                                     parties=("RUS", "CHN"), language=d.get("language"))
                  for d in sorted(data["documents"], key=lambda d: d["date"])]
    genuine = [load_document(shared_data / "texts" / "statements" / name, side="JOINT",
                             kind="statement", date=date.fromisoformat(name[:10]),
                             parties=("RUS", "BLR"))
               for name in ("2025-01-17_RUS-IRN_ru.txt", "2025-03-13_RUS-BLR_ru.txt")]
    return [evaluation, genuine, _kremlin_series(shared_data, 6, 40)]


def test_lineage_scores_of_all_earlier_statements_at_once_equal_pairwise(lineage_series) -> None:  # noqa: ANN001
    """One statement against all earlier ones (lineage_scores_many, via _matrices): the same
    exact scores as each pair alone (lineage_scores) and as every pair scored (_combine), bounds
    above them and zero exactly where no token is shared."""
    from bilat.text.lineage import LineageModel

    for docs in lineage_series:
        model = LineageModel().fit(docs)
        ids = [d.doc_id for d in docs]
        for k in range(1, len(ids)):
            batch = model._matrices(ids[k], ids[:k])
            for d in ids[:k]:
                fast = batch[d].lazy
                alone = model._matrix(ids[k], d).lazy
                with blocking.exhaustive_mode(True):
                    dense = np.array(model._matrix(ids[k], d).rows)
                assert fast is not None and alone is not None
                ii, jj = np.nonzero(np.ones(dense.shape, dtype=bool))
                assert np.array_equal(fast.values(ii, jj).reshape(dense.shape), dense)
                assert np.array_equal(alone.values(ii, jj).reshape(dense.shape), dense)
                assert (fast.upper >= dense).all()
                assert np.array_equal(fast.upper > 0, alone.upper > 0)


def test_lineage_fit_equals_every_pair_scored_and_pairwise(lineage_series, monkeypatch) -> None:  # noqa: ANN001
    """Every label, counterpart, similarity, chain and dropped claim of the fast fit equals
    the fit with every pair scored (BILAT_EXHAUSTIVE) and the one matrix per pair of
    statements; so does the lineage of a statement added to a fitted series (transform)."""
    from bilat.text.lineage import LineageModel

    for docs in lineage_series:
        fast = LineageModel().fit(docs).lineages_
        with blocking.exhaustive_mode(True):
            slow = LineageModel().fit(docs).lineages_
        with monkeypatch.context() as m:
            m.setattr(LineageModel, "_matrices", lambda self, new, olds: {
                d: self._matrix(new, d) for d in olds})
            pairwise = LineageModel().fit(docs).lineages_
        assert fast == slow == pairwise
        later = LineageModel().fit(docs[:-1]).transform(docs[-1])
        with blocking.exhaustive_mode(True):
            assert later == LineageModel().fit(docs[:-1]).transform(docs[-1])


@pytest.mark.parametrize("limits", [None, (2900, 3), (60, 120), (2900, 120, 900)])
def test_lineage_scores_many_equal_lineage_scores(lineage_series, monkeypatch, limits) -> None:  # noqa: ANN001
    """lineage_scores_many with dense cosines or with the claims' sparse unit vectors (the
    exact IDF sums in integers), in groups of earlier statements, and beyond its limits (every
    pair by lineage_scores), equals
    lineage_scores pair by pair, to the bit, with bounds above the scores; asking in another
    order (the token-set ratios remembered) changes nothing."""
    from bilat.text.lineage import LineageModel

    if limits:
        monkeypatch.setattr(blocking, "EXACT_MAX_LISTS", limits[0])
        monkeypatch.setattr(blocking, "EXACT_MAX_TOKENS", limits[1])
        if len(limits) > 2:  # earlier statements in groups
            monkeypatch.setattr(blocking, "MANY_CELLS", limits[2])
    docs = sorted(lineage_series[2] if limits else [*lineage_series[0], *lineage_series[2][:3]],
                  key=lambda d: d.date)
    model = LineageModel().fit(docs)
    ids = [d.doc_id for d in docs]
    new, olds = model.claims_[ids[-1]], [model.claims_[d] for d in ids[:-1]]
    dense = [model._cos(ids[-1], d) for d in ids[:-1]]
    unit = (model._unit_entries(ids[-1]), [model._unit_entries(d) for d in ids[:-1]])
    memo: dict = {}
    for many in (blocking.lineage_scores_many(model.aligner_, dense, new, olds),
                 blocking.lineage_scores_many(model.aligner_, None, new, olds, unit=unit,
                                              keys=(ids[-1], ids[:-1]), memo=memo)):
        for d, lazy in enumerate(many):
            ref = blocking.lineage_scores(model.aligner_, dense[d], new, olds[d])
            ii, jj = np.nonzero(np.ones(lazy.shape, dtype=bool))
            want = ref.values(ii, jj)
            back = np.arange(len(ii))[::-1]
            got = np.empty(len(ii))
            got[back] = lazy.values(ii[back], jj[back])
            assert np.array_equal(got, want)
            assert (lazy.upper.ravel() >= want).all()
            assert np.array_equal(lazy.upper > 0, ref.upper > 0)


def test_sequential_dot_adds_column_after_column() -> None:
    """sequential_dot equals the products added one by one in column order (a Python loop),
    for random sparse rows with shared, unshared and repeated-value columns."""
    rng = np.random.default_rng(15)
    for _ in range(30):
        n, m, width = int(rng.integers(1, 12)), int(rng.integers(1, 12)), int(rng.integers(1, 40))
        dense_a = rng.random((n, width)) * (rng.random((n, width)) < 0.4)
        dense_b = rng.random((m, width)) * (rng.random((m, width)) < 0.4)
        dense_b[:, ::3] = dense_b[0, ::3]

        def entries(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            r, c = np.nonzero(x)
            perm = rng.permutation(len(r))  # any order of entries
            return r[perm], c[perm], x[r, c][perm]

        got = blocking.sequential_dot(entries(dense_a), entries(dense_b), n, m)
        for i in range(n):
            for j in range(m):
                total = 0.0
                for k in range(width):
                    if dense_a[i, k] and dense_b[j, k]:
                        total = total + float(dense_a[i, k] * dense_b[j, k])
                assert got[i, j] == total


def test_cosine_of_statements_of_one_claim(lineage_series) -> None:  # noqa: ANN001
    """A statement of one claim: its cosines (one pair alone: the dense product) and its
    lineage, fast and with every pair scored, are the same."""
    from bilat.text.documents import document_from_text
    from bilat.text.lineage import LineageModel

    def one(text: str, when: str):  # noqa: ANN202
        return document_from_text(text, side="JOINT", date=when, language="en",
                                  parties=("CHN", "RUS"), kind="statement")

    docs = [one("The sides will deepen cooperation in energy and in trade.", "1998-01-01"),
            one("The sides will further deepen cooperation in energy and in trade.",
                "1999-01-01"), *lineage_series[2][:2]]
    fast = LineageModel().fit(docs)
    with blocking.exhaustive_mode(True):
        slow = LineageModel().fit(docs)
    assert fast.lineages_ == slow.lineages_
    ids = [d.doc_id for d in docs]
    assert fast._cos(ids[1], ids[0]).shape == (1, 1)
    assert fast._cos(ids[1], ids[0])[0, 0] > 0.5


def test_paragraph_members_equal_the_scan(lineage_series, monkeypatch) -> None:  # noqa: ANN001
    """Claims found per paragraph by bisection equal the scan of every claim per paragraph,
    also when paragraphs overlap or are empty (the scan is then used)."""
    from bilat.text import lineage as lin

    def scan(doc, lineage):  # noqa: ANN001, ANN202
        return [tuple(k for k, cl in enumerate(lineage) if a <= cl.claim.start < b)
                for a, b in lin._paragraph_spans(doc)]

    for docs in lineage_series:
        model = lin.LineageModel().fit(docs)
        for doc, st_ in zip(docs[1:], model.lineages_, strict=True):
            assert [p.claims for p in st_.paragraphs] == scan(doc, st_.claims)
    doc, st_ = lineage_series[2][-1], model.lineages_[-1]
    spans = lin._paragraph_spans(doc)
    odd = [*spans[:3], (spans[1][0], spans[2][1]), (spans[4][0], spans[4][0]), *spans[4:]]
    monkeypatch.setattr(lin, "_paragraph_spans", lambda d: odd)
    assert [p.claims for p in lin._paragraphs(doc, st_.claims)] == scan(doc, st_.claims)
