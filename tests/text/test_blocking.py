"""Blocked claim alignment (bilat.text.blocking): same results as scoring every pair.

The equality tests run the evaluation sets (imitation pairs, genuine pairs, the statement
series) twice — blocking forced on at every size, then every pair scored — and compare every
label, counterpart, score and reason. The invariant (a pair sharing no blocking key scores 0)
is checked on exhaustive matrices of claim sets drawn from the real readouts; the search
primitives are checked against dense numpy on random matrices full of ties.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from bilat.errors import BilatError
from bilat.text import blocking
from bilat.text.align import FeatureAligner, LexicalAligner, tokens
from bilat.text.documents import document_from_text
from bilat.text.lexicon import load_lexicon
from bilat.text.lineage import LineageModel, Thresholds, lineage
from bilat.text.readouts import _best, _claims_of, adjusted_similarity, compare_readouts

EVAL = Path(__file__).resolve().parents[2] / "evaluation"


# ------------------------------------------------------------------------------ loaders
def _imitation_pairs() -> list[tuple[str, list]]:
    """evaluation/readouts/pairs as eval_readouts.py builds them."""
    out = []
    for path in sorted((EVAL / "readouts" / "pairs").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        docs = [document_from_text(d["text"], side=d.get("side"), issuer=d.get("issuer"),
                                   date=d.get("date"), title=d.get("title"),
                                   language=d.get("language"), source_url=f"{path.name}#{i}")
                for i, d in enumerate(data["documents"])]
        out.append((path.name, docs))
    return out


def _genuine_pairs(shared_data: Path) -> list[tuple[str, list]]:
    """evaluation/readouts/genuine/pairs, texts read in place from the data mirror."""
    out = []
    for path in sorted((EVAL / "readouts" / "genuine" / "pairs").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        event = data["pair_id"]
        docs = [document_from_text(
            (shared_data / "texts" / "readouts" / d["file"]).read_text(encoding="utf-8"),
            side=d["side"], language=d["language"], date=event[:10], event=event,
            source_url=f"texts/readouts/{d['file']}") for d in data["documents"]]
        out.append((path.name, docs))
    return out


def _series() -> list[tuple[str, list]]:
    """evaluation/statements/series, oldest first."""
    out = []
    for path in sorted((EVAL / "statements" / "series").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        docs = [document_from_text(
            d["text"], side=d.get("side", "JOINT"), issuer=d.get("issuer"), date=d["date"],
            title=d.get("title"), kind=d.get("kind", "statement"),
            parties=data.get("parties", ()), language=d.get("language"),
            source_url=d.get("source_url") or f"{path.name}#{d['key']}")
            for d in sorted(data["documents"], key=lambda d: d["date"])]
        out.append((path.name, docs))
    return out


def _both(fn):  # noqa: ANN001, ANN202
    """(result with blocking forced on, result with every pair scored)."""
    with blocking.exhaustive_mode(False):
        fast = fn()
    with blocking.exhaustive_mode(True):
        slow = fn()
    return fast, slow


def _records(cmp) -> list[dict]:  # noqa: ANN001
    return [r.to_dict() for r in cmp.results]


# ------------------------------------------------------------------------------ equality
@pytest.mark.parametrize("options", [
    {}, {"joint_unmatched": "one_sided"}, {"aligner": "features"}, {"aligner": "lexical"},
    {"competition": 0.0, "speaker_rule": "lenient", "shared_threshold": 0.2},
])
def test_imitation_pairs_same_labels_fast_and_exhaustive(options: dict) -> None:
    pairs = _imitation_pairs()
    assert len(pairs) >= 20
    for name, docs in pairs:
        fast, slow = _both(lambda d=docs: compare_readouts(d, force=True, **options))
        assert _records(fast) == _records(slow), name
        assert fast.asymmetry == slow.asymmetry, name


def test_genuine_pairs_same_labels_fast_and_exhaustive(shared_data: Path) -> None:
    pairs = _genuine_pairs(shared_data)
    assert len(pairs) >= 10
    langs = set()
    for name, docs in pairs:
        langs.update(d.language for d in docs)
        fast, slow = _both(lambda d=docs: compare_readouts(d))
        assert _records(fast) == _records(slow), name
    assert {"en", "zh"} <= langs  # cross-language pairs (features aligner) are among them


@pytest.mark.parametrize("thresholds", [None, Thresholds(match=0.4, related=0.2, dropped=0.6)])
def test_statement_series_same_lineage_fast_and_exhaustive(thresholds) -> None:  # noqa: ANN001
    series = _series()
    assert series
    for name, docs in series:
        for k in range(2, len(docs) + 1):
            fast, slow = _both(lambda d=docs[:k]: lineage(d, readouts=False, events=False,
                                                          thresholds=thresholds))
            assert fast.statements == slow.statements, (name, k)
            assert fast.summary() == slow.summary(), (name, k)


def test_compare_uses_blocking_above_min_pairs_and_not_when_turned_off(shared_data: Path,
                                                                      monkeypatch) -> None:  # noqa: ANN001
    docs = _long_pair(shared_data, 120)
    calls: list[int] = []
    real = blocking.readout_scores
    monkeypatch.setattr(blocking, "readout_scores",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    fast = compare_readouts(docs)
    assert calls, "two 120-sentence readouts are compared with blocking"
    calls.clear()
    monkeypatch.setenv(blocking.EXHAUSTIVE_ENV, "1")
    assert blocking.exhaustive()
    slow = compare_readouts(docs)
    assert not calls
    assert _records(fast) == _records(slow)


def _long_pair(shared_data: Path, n: int) -> list:
    """Two English readouts of n sentences cycled from the real USA / RUS readouts."""
    base = shared_data / "texts" / "readouts"
    out = []
    for side in ("USA", "RUS"):
        sents = [s for p in sorted(base.glob(f"*/{side}_en.txt"))
                 for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8"))
                 if len(s) > 40]
        out.append(document_from_text(" ".join(sents[i % len(sents)] for i in range(n)),
                                      side=side, date="2021-12-07", language="en",
                                      parties=("USA", "RUS")))
    return out


# ------------------------------------------------------------------------------ invariant
@pytest.fixture(scope="module")
def real_sentences(shared_data: Path) -> dict[str, list[str]]:
    """Sentences of the real readouts (and the two Russian statements) by language."""
    out: dict[str, list[str]] = {"en": [], "ru": [], "zh": []}
    texts = shared_data / "texts"
    for path in [*sorted((texts / "readouts").glob("*/*_*.txt")),
                 *sorted((texts / "statements").glob("*_ru.txt"))]:
        lang = path.stem.split("_")[-1][:2]
        if lang in out:
            text = path.read_text(encoding="utf-8")
            out[lang] += [s for s in re.split(r"(?<=[.!?。])\s*", text) if len(s) > 15]
    assert all(len(v) > 50 for v in out.values())
    return out


def _doc_of(sentences: list[str], picks: list[int], lang: str, side: str):  # noqa: ANN202
    sep = "" if lang == "zh" else " "
    text = sep.join(sentences[k % len(sentences)] for k in picks)
    return document_from_text(text, side=side, date="2021-12-07", language=lang,
                              parties=("CHN", "RUS"))


picks = st.lists(st.integers(0, 10_000), min_size=2, max_size=9)
FIXTURE = [HealthCheck.function_scoped_fixture]  # the module-scoped sentences, read once


@settings(max_examples=12, deadline=None, suppress_health_check=FIXTURE)
@given(a=picks, b=picks, lang_b=st.sampled_from(["en", "ru", "zh"]),
       swap=st.booleans())
def test_invariant_and_equality_on_random_real_claim_sets(real_sentences, a, b, lang_b,  # noqa: ANN001
                                                          swap) -> None:
    lex = load_lexicon()
    da = _doc_of(real_sentences["en"], a, "en", "CHN")
    db = _doc_of(real_sentences[lang_b], b, lang_b, "RUS")
    assume(da.sha256 != db.sha256)  # the same text twice is E314
    if swap:
        da, db = db, da
    ca, cb = _claims_of(da, lex), _claims_of(db, lex)
    sides = {"CHN", "RUS"}
    for aligner, kind in ((LexicalAligner(lex), "lexical"), (FeatureAligner(lex), "features")):
        with blocking.exhaustive_mode(True):
            raw = aligner.similarity(ca, cb)
            adj = adjusted_similarity(raw, ca, cb, da.side, db.side, lex, sides)
        ka = [blocking.pair_keys(c, kind, lex) for c in ca]
        kb = [blocking.pair_keys(c, kind, lex) for c in cb]
        assert blocking.check_invariant(raw, ka, kb) == []
        assert blocking.check_invariant(adj, ka, kb) == []
        # the blocked scores: bounds hold, exact values are the exhaustive ones to the bit
        lazy = blocking.readout_scores(aligner, ca, cb, da.side, db.side, lex, sides,
                                       "strict", 0.7)
        assert (lazy.upper >= adj).all()
        ii, jj = np.nonzero(np.ones(adj.shape, dtype=bool))
        assert np.array_equal(lazy.values(ii, jj).reshape(adj.shape), adj)
        for competition in (0.0, 4.0):
            assert blocking.best_with_competition(lazy, competition) == _best(adj, competition)
            assert blocking.best_with_competition(lazy.T, competition) == \
                _best(adj.T, competition)
    fast, slow = _both(lambda: compare_readouts([da, db], force=True))
    assert _records(fast) == _records(slow)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(words=st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=4), min_size=1,
                      max_size=12, unique=True),
       weights=st.lists(st.floats(0.01, 20.0), min_size=12, max_size=12),
       shuffle=st.randoms(use_true_random=False))
def test_weighted_dice_does_not_depend_on_set_order(words, weights, shuffle) -> None:  # noqa: ANN001
    """Both paths must give the same bits whatever order a set iterates in: equal token lists
    share one remembered set in the lineage's blocked path, and CPython intersects a set with
    itself by copying it (another order than two equal sets built apart)."""
    from bilat.text.align import _weighted_dice

    idf = dict(zip(words, weights, strict=False))
    a = set(words)
    other = list(words)
    shuffle.shuffle(other)
    b = set()
    for w in ["zz" + w for w in other] + other:  # same elements, another history and layout
        b.add(w)
    for w in other:
        b.discard("zz" + w)
    assert _weighted_dice(a, a, idf) == _weighted_dice(a, set(words), idf)
    assert _weighted_dice(a, a, idf) == _weighted_dice(b, a, idf) == _weighted_dice(a, b, idf)


@settings(max_examples=8, deadline=None, suppress_health_check=FIXTURE)
@given(a=picks, b=picks)
def test_lineage_invariant_on_random_real_claim_sets(real_sentences, a, b) -> None:  # noqa: ANN001
    docs = [_doc_of(real_sentences["en"], p, "en", "JOINT") for p in (a, b)]
    docs = [document_from_text(d.text, side="JOINT", date=f"{2020 + k}-01-01", language="en",
                               parties=("CHN", "RUS"), kind="statement")
            for k, d in enumerate(docs)]
    assume(docs[0].sha256 != docs[1].sha256)
    with blocking.exhaustive_mode(True):
        try:
            model = LineageModel().fit(docs)
        except BilatError as exc:  # a pick of sentences with no claim (E406) has no lineage
            assume(exc.code != "E406")
            raise
        dense = np.array(model._matrix(docs[1].doc_id, docs[0].doc_id).rows)
    new, old = model.claims_[docs[1].doc_id], model.claims_[docs[0].doc_id]
    ka = [blocking.pair_keys(c, "lineage") for c in new]
    kb = [blocking.pair_keys(c, "lineage") for c in old]
    assert blocking.check_invariant(dense, ka, kb) == []
    with blocking.exhaustive_mode(False):
        lazy = model._matrix(docs[1].doc_id, docs[0].doc_id).lazy
    assert lazy is not None and (lazy.upper >= dense).all()
    ii, jj = np.nonzero(np.ones(dense.shape, dtype=bool))
    assert np.array_equal(lazy.values(ii, jj).reshape(dense.shape), dense)


@settings(max_examples=10, deadline=None, suppress_health_check=FIXTURE)
@given(a=picks, b=picks, lang=st.sampled_from(["en", "ru", "zh"]))
def test_token_set_ratio_bound_holds(real_sentences, a, b, lang) -> None:  # noqa: ANN001
    sents = real_sentences[lang]
    la = [tokens(sents[k % len(sents)], lang) for k in a]
    lb = [tokens(sents[k % len(sents)], lang) for k in b]
    shared = np.array([[bool(set(x) & set(y)) for y in lb] for x in la])
    bound = blocking.ratio_upper(la, lb, shared)
    for i, x in enumerate(la):
        for j, y in enumerate(lb):
            if shared[i, j]:
                assert bound[i, j] >= fuzz.token_set_ratio(" ".join(x), " ".join(y)) / 100.0
            else:
                assert bound[i, j] == 0.0


@settings(max_examples=30, deadline=None)
@given(rows_a=st.lists(st.sets(st.integers(0, 12), max_size=6), max_size=7),
       rows_b=st.lists(st.sets(st.integers(0, 12), max_size=6), max_size=7))
def test_overlaps_counts_and_sums_shared_ids(rows_a, rows_b) -> None:  # noqa: ANN001
    weights = np.arange(13, dtype=float) + 0.5
    counts, sums = blocking.overlaps_multi([sorted(r) for r in rows_a],
                                           [sorted(r) for r in rows_b], [None, weights])
    for i, x in enumerate(rows_a):
        for j, y in enumerate(rows_b):
            assert counts[i, j] == len(x & y)
            assert sums[i, j] == pytest.approx(sum(k + 0.5 for k in x & y))


# ------------------------------------------------------------------------------ searches
matrices = st.integers(1, 7).flatmap(lambda n: st.integers(1, 7).flatmap(
    lambda m: st.lists(st.lists(st.integers(0, 4), min_size=m, max_size=m),
                       min_size=n, max_size=n)))


@settings(max_examples=60, deadline=None)
@given(values=matrices, slack=st.integers(0, 3), seed=st.integers(0, 1000))
def test_lazy_searches_match_dense_numpy(values, slack, seed) -> None:  # noqa: ANN001
    exact = np.array(values, dtype=float) / 4.0  # few distinct values: many ties
    rng = np.random.default_rng(seed)
    upper = np.where(exact > 0, exact + rng.integers(0, slack + 1, exact.shape) / 8.0, 0.0)
    asked: list[int] = []

    def score(i, j):  # noqa: ANN001, ANN202
        asked.append(len(i))
        return exact[i, j]

    lazy = blocking.LazyScores(upper, score)
    n, m = exact.shape
    first, best = lazy.row_best()
    for i in range(n):
        row = list(exact[i])
        j = max(range(m), key=row.__getitem__)
        assert (first[i], best[i]) == (j, row[j])
        assert lazy.best_of(i) == (j, row[j])
        for t in (0.25, 0.5, 1.0):
            want = (j, row[j]) if row[j] >= t else None
            assert lazy.best_reaching(i, t) == want
            ranked = [k for k in sorted(range(m), key=row.__getitem__, reverse=True)
                      if row[k] >= t]
            assert list(lazy.iter_at_least(i, t)) == ranked
            assert lazy.row_at_least(i, t) == ranked
    for t in (0.25, 0.75):
        lazy = blocking.LazyScores(upper, score)
        got_first, got_best = lazy.rows_reaching(t)
        for i in range(n):
            row = list(exact[i])
            j = max(range(m), key=row.__getitem__)
            assert (got_first[i], got_best[i]) == ((j, row[j]) if row[j] >= t else (-1, -np.inf))
        some = np.arange(n)[::2]
        sub_first, sub_best = blocking.LazyScores(upper, score).row_best(some)
        assert list(sub_first) == [int(first[i]) for i in some]
        assert list(sub_best) == [float(best[i]) for i in some]
    lazy = blocking.LazyScores(upper, score)
    for competition in (0.0, 4.0):
        assert blocking.best_with_competition(lazy, competition) == _best(exact, competition)
        assert blocking.best_with_competition(lazy.T, competition) == \
            _best(exact.T, competition)


def test_exhaustive_flag_and_mode(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv(blocking.EXHAUSTIVE_ENV, raising=False)
    assert not blocking.exhaustive()
    assert blocking.usable(LexicalAligner(), 10 * blocking.MIN_PAIRS)
    assert not blocking.usable(LexicalAligner(), 10)  # small: every pair is cheaper
    monkeypatch.setenv(blocking.EXHAUSTIVE_ENV, "yes")
    assert blocking.exhaustive() and not blocking.usable(LexicalAligner(), 10**9)
    with blocking.exhaustive_mode(False):
        assert blocking.usable(FeatureAligner(), 1)
    assert blocking.exhaustive()


def _ratio_upper_dense(la, lb, shared) -> np.ndarray:  # noqa: ANN001
    """The token-set-ratio bound over the whole matrix at once (the formulas of
    :func:`blocking.ratio_upper` without its blocks of sharing pairs)."""
    ua = [tuple(sorted(set(t))) for t in la]
    ub = [tuple(sorted(set(t))) for t in lb]

    def hist(sets) -> np.ndarray:  # noqa: ANN001
        return np.array([np.bincount(np.frombuffer("".join(t).encode("utf-32-le"),
                                                   dtype=np.uint32) % blocking.RATIO_BUCKETS,
                                     minlength=blocking.RATIO_BUCKETS) for t in sets],
                        dtype=float).reshape(len(sets), blocking.RATIO_BUCKETS)

    ha, hb = hist(ua), hist(ub)
    smin = np.minimum(ha[:, None, :], hb[None, :, :]).sum(axis=2)
    n_i = np.array([[float(len(set(x) & set(y))) for y in ub] for x in ua])
    l_i = np.array([[float(sum(len(t) for t in set(x) & set(y))) for y in ub] for x in ua])
    ka = np.array([len(t) for t in ua], dtype=float)[:, None]
    kb = np.array([len(t) for t in ub], dtype=float)[None, :]
    lna, lnb = ha.sum(axis=1)[:, None], hb.sum(axis=1)[None, :]
    da, db = ka - n_i, kb - n_i
    sect = l_i + n_i - 1.0
    ab = np.where(da > 0, lna - l_i + da - 1.0, 0.0)
    ba = np.where(db > 0, lnb - l_i + db - 1.0, 0.0)
    sab, sba = sect + 1.0 + ab, sect + 1.0 + ba
    lcs = np.minimum(np.minimum(ab, ba), np.maximum(smin - l_i + np.minimum(da, db) - 1.0, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        result = 1.0 - (ab + ba - 2.0 * lcs) / np.maximum(sab + sba, 1.0)
        r_ab = 1.0 - (1.0 + ab) / np.maximum(sect + sab, 1.0)
        r_ba = 1.0 - (1.0 + ba) / np.maximum(sect + sba, 1.0)
    out = np.maximum(np.maximum(result, r_ab), r_ba)
    out = np.where((da == 0) | (db == 0), 1.0, out)
    out = np.minimum(1.0, out + blocking.MARGIN)
    return np.where(shared & (n_i > 0), out, 0.0)


@settings(max_examples=10, deadline=None, suppress_health_check=FIXTURE)
@given(a=picks, b=picks, lang=st.sampled_from(["en", "ru", "zh"]), block=st.integers(1, 9))
def test_token_set_ratio_bound_in_blocks_equals_whole_matrix(real_sentences, a, b, lang,  # noqa: ANN001
                                                              block, monkeypatch) -> None:  # noqa: ANN001
    """Computed for sharing pairs only, in blocks of any size: the same values to the bit."""
    sents = real_sentences[lang]
    la = [tokens(sents[k % len(sents)], lang) for k in a]
    lb = [tokens(sents[k % len(sents)], lang) for k in b]
    shared = np.array([[bool(set(x) & set(y)) for y in lb] for x in la]).reshape(len(la),
                                                                                len(lb))
    monkeypatch.setattr(blocking, "_RATIO_BLOCK", block)
    assert np.array_equal(blocking.ratio_upper(la, lb, shared),
                          _ratio_upper_dense(la, lb, shared))
