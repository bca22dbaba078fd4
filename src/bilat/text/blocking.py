"""Blocked claim alignment: score only the claim pairs that can decide a label, same result.

Comparing two readouts (:func:`bilat.text.readouts.compare_readouts`) or a series of joint
statements (:mod:`bilat.text.lineage`) needs, per claim, its best counterpart in the other text
(and, for readouts, the best rival of that counterpart). Scoring every pair costs
``O(n·m)`` calls of the wording measure (rapidfuzz's token-set ratio, ≈ 8 µs a pair): about 8 s
for two 1,000-claim texts. This module gives the same answers while scoring only a few pairs:

1. **Candidate generation** (:func:`pair_keys`, :func:`overlaps`): each claim gets *blocking
   keys*; an inverted index over the keys of one text finds, for each claim of the other, the
   claims that share at least one key. Every other pair scores exactly 0 (the invariant below).
2. **Bounds**: for every candidate pair an upper bound of its score is computed with numpy from
   what is cheap (IDF-weighted token overlap, issue overlap, opening frames, position, speaker
   rules) and a bound of rapidfuzz's token-set ratio from token counts, lengths and character
   histograms (:func:`ratio_upper`), plus a margin of :data:`MARGIN` for rounding.
3. **Exact scoring on demand** (:class:`LazyScores`): the exact score of a pair is computed with
   the aligner's own scalar wording code (``_weighted_dice``, ``fuzz.token_set_ratio``) and the
   formulas of :class:`~bilat.text.align.LexicalAligner`, :class:`~bilat.text.align.FeatureAligner`
   and :func:`bilat.text.readouts.adjusted_similarity` written elementwise in the same order of
   floating-point operations (so the values are equal to the last bit), only when its bound can
   still reach what has been found: candidates are taken in decreasing order of their bound
   and a search stops when the bound falls below the best exact value (ties are scored, so the
   first index of the maximum is returned, as ``np.argmax`` / ``max`` do).

After a change to those formulas, :func:`readout_scores` (its ``exact`` and its bounds) must
follow; tests/text/test_blocking.py fails until it does.

**Invariant** (:data:`INVARIANT`, checked by :func:`check_invariant`): a pair of claims that
shares no blocking key scores exactly 0 — for the lexical aligner (keys: comparison tokens of
:func:`bilat.text.align.tokens`, issue-set elements of :func:`bilat.text.align.issue_set`, and the
opening "who met whom" frame), for the language-independent features aligner (keys: bridge
tokens, issue-set elements, the frame) and for the lineage similarity (keys: comparison tokens).
Why: the wording term is 0 without a shared token (the aligners skip such pairs, and the cosine
of disjoint token vectors is 0); the issue term is a Jaccard overlap, 0 without a shared element
(and replaced by the wording term, 0, when neither claim has one); the speaker/form term is
multiplied by ``min(1, 2·wording + issues)`` = 0; the position term is multiplied by
``wording > 0``; the frame score needs two frames; every later correction only multiplies.
Since all scores are ≥ 0, a pair scoring 0 can never be a claim's best counterpart unless every
pair of that claim scores 0 (then the first index, as in the exhaustive path), nor the rival
that lowers another pair's score. Hence the fast path returns the same labels, counterparts and
scores; tests/text/test_blocking.py checks that against the exhaustive path on every evaluation
set and on random claim sets (hypothesis). Set ``BILAT_EXHAUSTIVE=1`` (or use
:func:`exhaustive_mode`) to score every pair.

The threshold a pair must reach to be scored is not fixed here: it is the best exact value
found so far for the claim (for readouts after competition, which needs only each column's exact
maximum; for lineage ``match``, ``related`` or the best so far), so pairs below the lowest label
threshold are skipped and the reported scores of unmatched claims stay exact as well.

A lineage labels each statement against every earlier one: :func:`lineage_scores_many` scores a
statement against all of them at once (one inverted index; the wording's IDF-weighted Dice term
of every pair that shares a token computed exactly in integers; the token-set ratio, and the
cosine when given as a function, only for the pairs a search asks for), with the scores of
:func:`lineage_scores` to the bit (tests/text/test_text_scale_fast.py).
"""

from __future__ import annotations

import itertools
import math
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from bilat.text.align import Aligner
    from bilat.text.lexicon import Lexicon
    from bilat.text.model import Claim

#: Environment variable that turns blocking off (every pair scored): ``BILAT_EXHAUSTIVE=1``.
EXHAUSTIVE_ENV = "BILAT_EXHAUSTIVE"
#: Added to every upper bound: covers the rounding of the vectorised overlap sums (≈ 1e-15).
MARGIN = 1e-9
#: Fewest claim pairs (n·m) of two readouts from which they are compared with blocking.
MIN_PAIRS = 10_000
#: The invariant the fast path rests on (see the module docstring).
INVARIANT = ("a pair of claims that shares no blocking key (pair_keys) scores exactly 0, "
             "and no score is below 0")

_FORCED: bool | None = None


def exhaustive() -> bool:
    """Whether every pair is to be scored (``BILAT_EXHAUSTIVE=1`` or :func:`exhaustive_mode`)."""
    if _FORCED is not None:
        return _FORCED
    return os.environ.get(EXHAUSTIVE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@contextmanager
def exhaustive_mode(on: bool = True) -> Iterator[None]:
    """Within the block, score every pair (``on``) or use blocking (``on=False``)."""
    global _FORCED
    before = _FORCED
    _FORCED = on
    try:
        yield
    finally:
        _FORCED = before


# ------------------------------------------------------------------------------ keys
def pair_keys(claim: Claim, kind: str, lexicon: Lexicon | None = None) -> frozenset[str]:
    """The blocking keys of a claim (``kind``: ``lexical``, ``features`` or ``lineage``).

    ``lexical``: ``t:`` + each comparison token, ``i:`` + each issue-set element, ``frame`` for
    an opening "who met whom" sentence; ``features``: ``b:`` + each bridge token, the issue-set
    elements and the frame; ``lineage``: the comparison tokens. Two claims that share no key
    score exactly 0 (:data:`INVARIANT`).
    """
    from bilat.text.align import bridge_tokens, is_event_frame, issue_set, tokens

    lang = claim.language or "en"
    if kind == "lineage":
        return frozenset("t:" + t for t in tokens(claim.text, lang))
    if lexicon is None:
        from bilat.text.lexicon import load_lexicon

        lexicon = load_lexicon()
    words = (("t:" + t for t in tokens(claim.text, lang)) if kind == "lexical"
             else ("b:" + t for t in bridge_tokens(claim.text, lang)))
    out = set(words) | {"i:" + k for k in issue_set(claim, lexicon)}
    if is_event_frame(claim):
        out.add("frame")
    return frozenset(out)


def check_invariant(scores: np.ndarray, keys_a: Sequence[frozenset[str]],
                    keys_b: Sequence[frozenset[str]]) -> list[tuple[int, int, float]]:
    """Cells of an exhaustive score matrix that break :data:`INVARIANT` (empty when it holds):
    a negative score, or a non-zero score for two claims that share no blocking key."""
    bad: list[tuple[int, int, float]] = []
    for i, j in zip(*np.nonzero(scores), strict=True):
        if scores[i, j] < 0 or not keys_a[i] & keys_b[j]:
            bad.append((int(i), int(j), float(scores[i, j])))
    return bad


def overlaps(rows_a: Sequence[Sequence[int]], rows_b: Sequence[Sequence[int]],
             weights: np.ndarray | None = None) -> np.ndarray:
    """``O[i, j]`` = sum of ``weights[k]`` over the ids ``k`` rows ``a[i]`` and ``b[j]`` share
    (the count of shared ids without weights). See :func:`overlaps_multi`."""
    return overlaps_multi(rows_a, rows_b, [weights])[0]


def overlaps_multi(rows_a: Sequence[Sequence[int]], rows_b: Sequence[Sequence[int]],
                   weights: Sequence[np.ndarray | None]) -> list[np.ndarray]:
    """For each weight vector (None: count), ``O[i, j]`` = sum of ``w[k]`` over the ids ``k``
    that rows ``a[i]`` and ``b[j]`` share. Rows are sets of ids. An inverted index over
    ``rows_b`` (ids sorted, looked up by binary search) joins the two sides: the cost is the
    number of (pair, shared id) incidences, never ``n·m`` comparisons. Counts and sums of
    integers are exact; other sums may differ from a sequential sum in the last bits (they are
    used as bounds, widened by :data:`MARGIN`)."""
    n, m = len(rows_a), len(rows_b)
    if not n or not m:
        return [np.zeros((n, m)) for _ in weights]
    ai = np.repeat(np.arange(n), [len(r) for r in rows_a])
    ak = np.fromiter((k for r in rows_a for k in r), dtype=np.int64, count=len(ai))
    bj = np.repeat(np.arange(m), [len(r) for r in rows_b])
    bk = np.fromiter((k for r in rows_b for k in r), dtype=np.int64, count=len(bj))
    order = np.argsort(bk, kind="stable")
    bk, bj = bk[order], bj[order]
    lo = np.searchsorted(bk, ak, side="left")
    cnt = np.searchsorted(bk, ak, side="right") - lo
    keep = cnt > 0
    ai, ak, lo, cnt = ai[keep], ak[keep], lo[keep], cnt[keep]
    total = int(cnt.sum())
    if not total:
        return [np.zeros((n, m)) for _ in weights]
    offset = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(total)
    pair = np.repeat(ai, cnt) * m + bj[offset]
    ids = np.repeat(ak, cnt)
    return [np.bincount(pair, weights=None if w is None else w[ids],
                        minlength=n * m).reshape(n, m).astype(float) for w in weights]


def _totals(rows: Sequence[Sequence[int]], weights: np.ndarray) -> np.ndarray:
    """Per row, the sum of its ids' weights (a bound's denominator: last bits may differ)."""
    owner = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    ids = np.fromiter((k for r in rows for k in r), dtype=np.int64, count=len(owner))
    return np.bincount(owner, weights=weights[ids], minlength=len(rows))


#: Ids of every comparison token seen (the lineage's inverted index works on these) and lengths.
_TOKEN_ID: dict[str, int] = {}
_TOKEN_LEN: list[float] = []
_KINDS = itertools.count()


@lru_cache(maxsize=65536)
def _token_ids(tokens: tuple[str, ...]) -> tuple[int, ...]:
    """Ids of the distinct tokens (see :data:`_TOKEN_ID`)."""
    out = []
    for t in dict.fromkeys(tokens):
        k = _TOKEN_ID.get(t)
        if k is None:
            k = _TOKEN_ID[t] = len(_TOKEN_ID)
            _TOKEN_LEN.append(float(len(t)))
        out.append(k)
    return tuple(out)


@lru_cache(maxsize=65536)
def _token_set(tokens: tuple[str, ...]) -> set[str]:
    """``set(tokens)`` (shared: never modified)."""
    return set(tokens)


@lru_cache(maxsize=65536)
def _joined(tokens: tuple[str, ...]) -> str:
    return " ".join(tokens)


@lru_cache(maxsize=65536)
def _kind(tokens: tuple[str, ...]) -> int:
    """One id per distinct token list (never reused): equal lists give equal wording scores."""
    return next(_KINDS)


#: Token ids kept at most (a long-running process starts the table afresh beyond this).
TOKEN_TABLE_LIMIT = 500_000


def _fresh_token_table() -> None:
    """Start the token-id table afresh when it has grown past :data:`TOKEN_TABLE_LIMIT` (only
    between two comparisons: ids of one comparison always come from one table)."""
    if len(_TOKEN_ID) > TOKEN_TABLE_LIMIT:
        _TOKEN_ID.clear()
        _TOKEN_LEN.clear()
        _token_ids.cache_clear()


@lru_cache(maxsize=65536)
def _distinct(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The distinct tokens, sorted (the token set rapidfuzz compares)."""
    return tuple(sorted(set(tokens)))


@lru_cache(maxsize=65536)
def _histogram(tokens: tuple[str, ...]) -> np.ndarray:
    """Characters of the tokens by code point modulo :data:`RATIO_BUCKETS`."""
    codes = np.frombuffer("".join(tokens).encode("utf-32-le"), dtype=np.uint32)
    return np.bincount(codes % RATIO_BUCKETS, minlength=RATIO_BUCKETS).astype(float)


@lru_cache(maxsize=65536)
def _tokens(text: str, language: str) -> tuple[str, ...]:
    """:func:`bilat.text.align.tokens`, remembered (a claim is compared with many texts)."""
    from bilat.text.align import tokens

    return tuple(tokens(text, language))


def _ids(sets: Sequence[Any], vocab: dict[Any, int]) -> list[list[int]]:
    return [[vocab.setdefault(t, len(vocab)) for t in s] for s in sets]


#: Character buckets of the token-set-ratio bound (code point modulo this: Latin and Cyrillic
#: letters fall in buckets of their own; merging characters only loosens the bound).
RATIO_BUCKETS = 32


def ratio_upper(la: Sequence[Sequence[str]], lb: Sequence[Sequence[str]],
                shared: np.ndarray, counted: tuple[np.ndarray, np.ndarray] | None = None,
                ) -> np.ndarray:
    """Upper bounds of ``fuzz.token_set_ratio(" ".join(la[i]), " ".join(lb[j])) / 100`` for
    every pair, from token counts, lengths and character histograms (no string comparison).

    rapidfuzz compares the sorted token sets: with ``I`` the shared tokens and ``DA``, ``DB``
    the others, the score is 1 when ``I`` is not empty and one of ``DA``, ``DB`` is, else the
    best of ``1 - dist/(|sect+ab| + |sect+ba|)`` with ``dist`` the Indel distance of the joined
    ``DA`` and ``DB`` strings, and two ratios that depend on lengths only. ``dist`` is at least
    ``|ab| + |ba| - 2·LCS``, and the longest common subsequence is at most the shared character
    counts of the two strings: ``Σ_c min(H_A(c), H_B(c)) - |I|`` letters (the shared tokens'
    letters are in both histograms) plus ``min(|DA|, |DB|) - 1`` spaces. ``shared``: pairs that
    share a token (others get 0, as their wording is never compared)."""
    ua = [_distinct(tuple(t)) for t in la]
    ub_ = [_distinct(tuple(t)) for t in lb]
    # the bound of a pair depends on its two token sets only: it is computed once per pair of
    # distinct sets (formulaic sentences recur) and spread to the claims that carry them
    kinds_a: dict[tuple[str, ...], int] = {}
    kinds_b: dict[tuple[str, ...], int] = {}
    ka_of = np.array([kinds_a.setdefault(u, len(kinds_a)) for u in ua], dtype=np.int64)
    kb_of = np.array([kinds_b.setdefault(u, len(kinds_b)) for u in ub_], dtype=np.int64)
    sets_a, sets_b = list(kinds_a), list(kinds_b)
    if counted is None:
        vocab: dict[Any, int] = {}
        ia, ib = _ids(sets_a, vocab), _ids(sets_b, vocab)
        lengths = np.array([float(len(t)) for t in vocab])
        n_i, l_i = overlaps_multi(ia, ib, [None, lengths])
        n_full = n_i[ka_of][:, kb_of]
    else:
        # shared tokens, their letters (exact counts and integer sums) of the claims' pairs:
        # equal for equal token sets, so read at the first claim of each set
        n_full, l_full = counted
        rep_a = np.unique(ka_of, return_index=True)[1]
        rep_b = np.unique(kb_of, return_index=True)[1]
        n_i, l_i = n_full[np.ix_(rep_a, rep_b)], l_full[np.ix_(rep_a, rep_b)]
    sub = _ratio_bound(sets_a, sets_b, n_i, l_i)
    return np.where(shared & (n_full > 0), sub[ka_of][:, kb_of], 0.0)


def _ratio_bound(ua: list[tuple[str, ...]], ub_: list[tuple[str, ...]], n_i: np.ndarray,
                 l_i: np.ndarray) -> np.ndarray:
    """:func:`ratio_upper` of every pair of the distinct token sets ``ua`` × ``ub_`` that share
    a token (``n_i`` > 0; others 0), given their shared tokens and letters."""

    def hist(sets: list[tuple[str, ...]]) -> np.ndarray:
        return np.array([_histogram(toks) for toks in sets], dtype=np.int64).reshape(
            len(sets), RATIO_BUCKETS)

    ha, hb = hist(ua), hist(ub_)
    # computed for the pairs that share a token only, a block at a time (the others get 0):
    # every step is elementwise, and the histogram minima are sums of whole numbers (exact
    # in any order and type), so each value is the one the whole-matrix computation gives
    result = np.zeros(n_i.shape)
    rows, cols = np.nonzero(n_i > 0)
    ka_all = np.array([len(t) for t in ua], dtype=float)
    kb_all = np.array([len(t) for t in ub_], dtype=float)
    lna_all = ha.sum(axis=1).astype(float)  # letters of each claim's distinct tokens
    lnb_all = hb.sum(axis=1).astype(float)
    ha, hb = ha.astype(np.int32), hb.astype(np.int32)
    for at in range(0, len(rows), _RATIO_BLOCK):
        i, j = rows[at:at + _RATIO_BLOCK], cols[at:at + _RATIO_BLOCK]
        smin = np.minimum(ha[i], hb[j]).sum(axis=1, dtype=np.int64).astype(float)
        ni, li = n_i[i, j], l_i[i, j]
        ka, kb, lna, lnb = ka_all[i], kb_all[j], lna_all[i], lnb_all[j]
        da, db = ka - ni, kb - ni
        sect = li + ni - 1.0
        ab = np.where(da > 0, lna - li + da - 1.0, 0.0)
        ba = np.where(db > 0, lnb - li + db - 1.0, 0.0)
        sab, sba = sect + 1.0 + ab, sect + 1.0 + ba
        lcs = np.minimum(np.minimum(ab, ba),
                         np.maximum(smin - li + np.minimum(da, db) - 1.0, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            full = 1.0 - (ab + ba - 2.0 * lcs) / np.maximum(sab + sba, 1.0)
            r_ab = 1.0 - (1.0 + ab) / np.maximum(sect + sab, 1.0)
            r_ba = 1.0 - (1.0 + ba) / np.maximum(sect + sba, 1.0)
        out = np.maximum(np.maximum(full, r_ab), r_ba)
        out = np.where((da == 0) | (db == 0), 1.0, out)
        result[i, j] = np.minimum(1.0, out + MARGIN)
    return result


#: Pairs per block of :func:`ratio_upper` (32 histogram buckets each).
_RATIO_BLOCK = 65536


# ------------------------------------------------------------------------------ lazy search
class LazyScores:
    """A score matrix known through upper bounds, with exact values computed on demand.

    ``upper[i, j]`` ≥ the exact score of every pair, and 0 where the pair is known to score 0
    (no shared key). ``exact(I, J)`` computes the exact scores of the pairs ``(I[k], J[k])``
    (arrays), with the same floating-point operations as the exhaustive path; computed values
    are memoised. ``T`` is the transposed view (same memo). Every score is ≥ 0.
    """

    #: Pairs per row (or column) scored in the first pass of a search, highest bounds first.
    FIRST = 4

    def __init__(self, upper: np.ndarray, exact: Callable[[np.ndarray, np.ndarray], np.ndarray],
                 _memo: np.ndarray | None = None) -> None:
        self.upper = upper
        self._exact = exact
        self.memo = np.full(upper.shape, np.nan) if _memo is None else _memo
        self.shape = upper.shape

    @property
    def T(self) -> LazyScores:  # noqa: N802 - numpy's name for the transpose
        return LazyScores(self.upper.T, lambda i, j: self._exact(j, i), self.memo.T)

    def values(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Exact scores of the pairs ``(rows[k], cols[k])`` (0 where the bound is 0)."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        got = self.memo[rows, cols]
        todo = np.isnan(got)
        if todo.any():
            ti, tj = rows[todo], cols[todo]
            keyed = self.upper[ti, tj] > 0.0
            vals = np.zeros(len(ti))
            if keyed.any():
                vals[keyed] = self._exact(ti[keyed], tj[keyed])
            self.memo[ti, tj] = vals
            got = self.memo[rows, cols]
        return got

    def __getitem__(self, key: Any) -> Any:
        """``m[i, j]``: one exact score (float). ``m[i]``, ``m[i, :]``, ``m[:, j]`` (any
        slices): the exact scores of that row, column or block as an array, as numpy would
        give them from the full matrix."""
        if not isinstance(key, tuple):
            key = (key, slice(None))
        i, j = key
        if isinstance(i, slice) or isinstance(j, slice):
            rows = np.atleast_1d(np.arange(self.shape[0])[i])
            cols = np.atleast_1d(np.arange(self.shape[1])[j])
            rr, cc = np.meshgrid(rows, cols, indexing="ij")
            block = self.values(rr.ravel(), cc.ravel()).reshape(rr.shape)
            if not isinstance(i, slice):
                return block[0]
            if not isinstance(j, slice):
                return block[:, 0]
            return block
        v = self.memo[i, j]
        if v != v:  # not computed: score the row's keyed pairs at once (callers walk rows)
            cols = np.flatnonzero(self.upper[i] > 0.0)
            self.values(np.full(len(cols), i), cols)
            v = self.memo[i, j]
            if v != v:
                v = self.memo[i, j] = 0.0
        return float(v)

    @property
    def computed(self) -> int:
        """How many pairs were scored exactly."""
        return int(np.count_nonzero(~np.isnan(self.memo) & (self.upper > 0.0)))

    def _search(self, bound: np.ndarray, score: Callable[[np.ndarray, np.ndarray], np.ndarray]
                ) -> tuple[np.ndarray, np.ndarray]:
        """Per row: (maximum of ``score``, first column reaching it) over the pairs with a
        positive bound, ``score ≤ bound``; (-inf, -1) for a row without any. Two passes: the
        :data:`FIRST` best bounds of each row, then every pair whose bound reaches the best
        score of its row found so far (ties included, so the first maximum is found)."""
        n, m = bound.shape
        best = np.full(n, -np.inf)
        first = np.full(n, -1, dtype=np.int64)
        if not n or not m:
            return best, first
        live = bound > 0.0
        k = min(self.FIRST, m)
        top = np.argpartition(-bound, k - 1, axis=1)[:, :k] if k < m else \
            np.broadcast_to(np.arange(m), (n, m))
        ri = np.repeat(np.arange(n), top.shape[1])
        rj = top.ravel()
        keep = live[ri, rj]
        ri, rj = ri[keep], rj[keep]
        lb = np.full(n, -np.inf)
        if len(ri):
            np.maximum.at(lb, ri, score(ri, rj))
        ri, rj = np.nonzero(live & (bound >= lb[:, None]))
        if not len(ri):
            return best, first
        v = score(ri, rj)
        np.maximum.at(best, ri, v)
        hit = v == best[ri]
        first[:] = m
        np.minimum.at(first, ri[hit], rj[hit])
        first[first == m] = -1
        return best, first

    def best_of(self, i: int) -> tuple[int, float]:
        """(first index of the maximum, maximum) of row ``i`` alone (see :meth:`row_best`)."""
        up = self.upper[i]
        cand = np.flatnonzero(up > 0.0)
        if not len(cand):
            return 0, 0.0
        u = up[cand]
        k = self.FIRST
        top = cand[np.argpartition(-u, k - 1)[:k]] if k < len(cand) else cand
        rows = np.full(len(cand), i)
        lb = self.values(rows[:len(top)], top).max()
        need = cand[u >= lb]  # every pair that can reach the best found (ties included)
        v = self.values(rows[:len(need)], need)
        best = v.max()
        if not best > 0.0:
            return 0, 0.0
        return int(need[v == best].min()), float(best)

    def best_among(self, i: int, cols: Sequence[int]) -> tuple[int, float]:
        """(the first column of ``cols`` (in their order) where row ``i`` is highest, that
        score), as ``max(cols, key=lambda k: m[i, k])`` with the score: only the pairs whose
        bound can reach the best found are scored (ties included, so the first is found);
        when no listed pair shares a key, every score is 0 and the first column is given."""
        order = np.asarray(cols, dtype=np.int64)
        if not len(order):
            raise ValueError("best_among() of an empty list of columns")
        up = self.upper[i, order]
        keyed = np.flatnonzero(up > 0.0)  # positions in ``cols``; the others score 0
        if not len(keyed):
            return int(order[0]), 0.0
        u = up[keyed]
        k = self.FIRST
        top = keyed[np.argpartition(-u, k - 1)[:k]] if k < len(keyed) else keyed
        found = float(self.values(np.full(len(top), i), order[top]).max())
        reach = keyed[u >= found]  # every listed pair that can score the best (ties included)
        v = self.values(np.full(len(reach), i), order[reach])
        best = float(v.max())
        if not best > 0.0:
            return int(order[0]), 0.0
        first = int(reach[v == best].min())  # the earliest position in ``cols``
        return int(order[first]), best

    def best_reaching(self, i: int, threshold: float) -> tuple[int, float] | None:
        """(first index of row ``i``'s maximum, maximum) when the maximum is ≥ ``threshold``
        (> 0), else None; only pairs whose bound reaches the threshold are scored."""
        up = self.upper[i]
        cand = np.flatnonzero(up >= threshold)
        if not len(cand):
            return None
        order = cand[np.argsort(-up[cand], kind="stable")]
        best_v, best_j, k = -1.0, -1, 0
        while k < len(order) and up[order[k]] >= max(best_v, threshold):
            chunk = order[k:k + self.FIRST]
            chunk = chunk[up[chunk] >= max(best_v, threshold)]
            v = self.values(np.full(len(chunk), i), chunk)
            for j, x in zip(chunk.tolist(), v.tolist(), strict=True):
                if x > best_v or (x == best_v and j < best_j):
                    best_v, best_j = x, j
            k += self.FIRST
        if best_v < threshold:
            return None
        return best_j, best_v

    def iter_at_least(self, i: int, threshold: float) -> Iterator[int]:
        """Columns of row ``i`` scoring ≥ ``threshold`` (> 0), highest first, ties by index, as
        ``sorted(range(m), key=row, reverse=True)`` cut at the threshold — scored lazily: a
        column is given once no unscored column's bound can reach its score."""
        import heapq

        up = self.upper[i]
        cand = np.flatnonzero(up >= threshold)
        order = cand[np.argsort(-up[cand], kind="stable")].tolist()
        heap: list[tuple[float, int]] = []
        k = 0
        while True:
            while k < len(order) and (not heap or up[order[k]] >= -heap[0][0]):
                chunk = order[k:k + self.FIRST]
                v = self.values(np.full(len(chunk), i), np.asarray(chunk))
                for j, x in zip(chunk, v.tolist(), strict=True):
                    if x >= threshold:
                        heapq.heappush(heap, (-x, j))
                k += len(chunk)
            if not heap:
                return
            yield heapq.heappop(heap)[1]

    def rows_reaching(self, threshold: float, rows: np.ndarray | None = None,
                      ) -> tuple[np.ndarray, np.ndarray]:
        """For every row (or the given ``rows``): (first index of the maximum, maximum) where
        the maximum is ≥ ``threshold`` (> 0); (-1, -inf) elsewhere. One vectorised search over
        the pairs whose bound reaches the threshold."""
        rows = np.arange(self.shape[0]) if rows is None else np.asarray(rows, dtype=np.int64)
        up = self.upper[rows]
        bound = np.where(up >= threshold, up, 0.0)
        best, first = self._search(bound, lambda r, c: self.values(rows[r], c))
        miss = ~(best >= threshold)
        first[miss] = -1
        best[miss] = -np.inf
        return first, best

    def row_best(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per row (or the given ``rows``): (first index of the maximum, maximum), as
        ``max(range(m), key=row)`` — (0, 0.0) for a row whose scores are all 0."""
        if rows is None:
            best, first = self._search(self.upper, self.values)
        else:
            rows = np.asarray(rows, dtype=np.int64)
            best, first = self._search(self.upper[rows],
                                       lambda r, c: self.values(rows[r], c))
        zero = ~(best > 0.0)
        first[zero] = 0
        return first, np.where(zero, 0.0, best)

    def row_at_least(self, i: int, threshold: float) -> list[int]:
        """Columns of row ``i`` scoring ≥ ``threshold`` (> 0), highest first, ties by index —
        as ``sorted(range(m), key=row, reverse=True)`` cut at the threshold."""
        cols = np.flatnonzero(self.upper[i] >= threshold)
        if not len(cols):
            return []
        v = self.values(np.full(len(cols), i), cols)
        ok = v >= threshold
        cols, v = cols[ok], v[ok]
        return [int(cols[k]) for k in np.lexsort((cols, -v))]


def best_among(scores: LazyScores | np.ndarray, i: int, cols: Sequence[int]) -> tuple[int, float]:
    """``y = max(cols, key=lambda k: scores[i, k])`` and ``float(scores[i, y])`` for a full
    score matrix or a :class:`LazyScores` (scored only where the bound can reach the best:
    :meth:`LazyScores.best_among`)."""
    if isinstance(scores, LazyScores):
        return scores.best_among(i, cols)
    y = max(cols, key=lambda k: scores[i, k])
    return y, float(scores[i, y])


def best_with_competition(scores: LazyScores, competition: float) -> list[tuple[float, int] | None]:
    """Per row ``i`` of ``scores`` (an ``n × m`` adjusted similarity): the value and first index
    of the maximum of ``S'(i, j) = S(i, j) - competition·max(0, R(i, j) - S(i, j))``, where
    ``R(i, j)`` is the best score of column ``j`` among the other rows (``S(i, j)`` itself when
    there is no other row); None when that maximum is ≤ 0. This is
    :func:`bilat.text.readouts._rival_max` followed by ``np.argmax`` per row.

    Only the column maximum ``M_j`` is needed: when ``S(i, j) < M_j`` the maximum is another
    row's, so ``R = M_j``; when ``S(i, j) = M_j`` every rival is ≤ it and the penalty is 0, as
    ``max(0, M_j - S)`` is. ``S'`` grows with ``S`` for a fixed ``M_j`` (every rounded step is
    monotone), so ``S'`` evaluated at the bound of ``S`` bounds it."""
    n, m = scores.shape
    if not n or not m:
        return [None] * n
    if n == 1:
        col_max = None  # no rival: S' = S
    else:
        _, col_max = scores.T.row_best()

    def shifted(s: np.ndarray, j: np.ndarray) -> np.ndarray:
        if col_max is None:
            return s
        return s - competition * np.maximum(0.0, col_max[j] - s)

    upper = scores.upper
    cols = np.broadcast_to(np.arange(m), upper.shape)
    bound = shifted(upper, cols)
    bound = np.where((upper > 0.0) & (bound > 0.0), bound, 0.0)  # S' ≤ 0 never counts
    best, first = scores._search(
        bound, lambda i, j: shifted(scores.values(i, j), j))
    return [(float(best[i]), int(first[i])) if best[i] > 0.0 else None for i in range(n)]


# ------------------------------------------------------------------------------ readouts
def readout_scores(
    use: Aligner, ca: Sequence[Claim], cb: Sequence[Claim], side_a: str | None,
    side_b: str | None, lexicon: Lexicon, sides: set[str], speaker_rule: str,
    disjoint_factor: float,
) -> LazyScores:
    """The adjusted similarity of :func:`bilat.text.readouts.adjusted_similarity` applied to
    ``use.similarity(ca, cb)`` (lexical or features aligner), as a :class:`LazyScores`."""
    from bilat.text import align
    from bilat.text.readouts import DIRECTED_TOPICS, _topic_issues

    n, m = len(ca), len(cb)
    features = isinstance(use, align.FeatureAligner)
    lang_a = [c.language or "en" for c in ca]
    lang_b = [c.language or "en" for c in cb]
    if features:
        ta = [align.bridge_tokens(c.text, lg) for c, lg in zip(ca, lang_a, strict=True)]
        tb = [align.bridge_tokens(c.text, lg) for c, lg in zip(cb, lang_b, strict=True)]
        idf = align._idf([list(t) for t in ta + tb])
        sa, sb = ta, tb
        spec_a = [t - align.GENERIC_CONCEPTS for t in ta]
        spec_b = [t - align.GENERIC_CONCEPTS for t in tb]
        joined_a: list[str] = []
        joined_b: list[str] = []
    else:
        la = [list(_tokens(c.text, lg)) for c, lg in zip(ca, lang_a, strict=True)]
        lb = [list(_tokens(c.text, lg)) for c, lg in zip(cb, lang_b, strict=True)]
        idf = align._idf(la + lb)
        sa, sb = [set(t) for t in la], [set(t) for t in lb]
        joined_a = [" ".join(t) for t in la]
        joined_b = [" ".join(t) for t in lb]
    sets_a = [align.issue_set(c, lexicon) for c in ca]
    sets_b = [align.issue_set(c, lexicon) for c in cb]
    frames_a = [align.is_event_frame(c) for c in ca]
    frames_b = [align.is_event_frame(c) for c in cb]
    parties = set(sides or ()) | {s for s in (side_a, side_b) if s}
    topics_a = [align.register_topics(c.text) & DIRECTED_TOPICS for c in ca]
    topics_b = [align.register_topics(c.text) & DIRECTED_TOPICS for c in cb]
    iss_a = [_topic_issues(c, lexicon, parties) for c in ca]
    iss_b = [_topic_issues(c, lexicon, parties) for c in cb]
    position = use.position if n > 1 and m > 1 else 0.0

    # -- exact score of one pair: the scalar formulas of align.py / readouts.py, same order
    # claims with the same comparison tokens have the same wording score (formulaic
    # sentences recur): computed once per pair of distinct token lists (lexical only: equal
    # token lists give equal sets, iterated in the same order, so the sums agree to the bit)
    kinds: dict[Any, int] = {}
    kind_a = [kinds.setdefault(("a", i) if features else tuple(la[i]), len(kinds))
              for i in range(n)]
    kind_b = [kinds.setdefault(("b", j) if features else tuple(lb[j]), len(kinds))
              for j in range(m)]
    seen: dict[tuple[int, int], float] = {}
    kind_a_arr = np.asarray(kind_a, dtype=np.int64)
    kind_b_arr = np.asarray(kind_b, dtype=np.int64)
    n_kinds = max(len(kinds), 1)

    def wording(i: int, j: int) -> float:
        """The aligner's wording score of one pair: its own scalar code."""
        key = (kind_a[i], kind_b[j])
        found = seen.get(key)
        if found is not None:
            return found
        x, y = sa[i], sb[j]
        if features:
            v = align._weighted_dice(x, y, idf)
        elif not (x & y):
            v = 0.0
        else:
            dice = align._weighted_dice(x, y, idf)
            ratio = align.fuzz.token_set_ratio(joined_a[i], joined_b[j]) / 100.0
            v = 0.75 * dice + 0.25 * ratio
        seen[key] = v
        return v

    # per-claim codes for the vectorised pair terms
    def codes(values: list[Any], other: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        table: dict[Any, int] = {}
        return (np.array([table.setdefault(v, len(table)) for v in values], dtype=np.int64),
                np.array([table.setdefault(v, len(table)) for v in other], dtype=np.int64))

    side_ca, side_cb = codes([c.speaker_side for c in ca], [c.speaker_side for c in cb])
    none_code = {c.speaker_side: k for c, k in zip([*ca, *cb], [*side_ca, *side_cb],
                                                   strict=True)}
    side_none = none_code.get(None, -1)
    side_both = none_code.get("BOTH", -2)
    stance_a, stance_b = codes([c.stance for c in ca], [c.stance for c in cb])
    modal_a, modal_b = codes([c.modality for c in ca], [c.modality for c in cb])
    fa = np.asarray(frames_a, dtype=bool)
    fb = np.asarray(frames_b, dtype=bool)

    def exact(ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        """Exact adjusted scores of the pairs (ii[k], jj[k]): the scalar formulas of
        align.LexicalAligner / FeatureAligner.similarity and readouts.adjusted_similarity,
        written elementwise in the same order of operations."""
        key = kind_a_arr[ii] * n_kinds + kind_b_arr[jj]
        uniq, where_ = np.unique(key, return_inverse=True)
        first_of = np.zeros(len(uniq), dtype=np.int64)
        first_of[where_[::-1]] = np.arange(len(key))[::-1]
        lex = np.array([wording(int(ii[k]), int(jj[k])) for k in first_of])[where_]
        frame = fa[ii] & fb[jj]
        inter = shared_iss[ii, jj]
        uni = union[ii, jj]
        none = uni == 0  # _jaccard is None: neither claim has an issue
        with np.errstate(divide="ignore", invalid="ignore"):
            jac = np.where(none, 0.0, inter / np.where(none, 1.0, uni))
        sxa, sxb = side_ca[ii], side_cb[jj]
        spk = ((sxa == side_none) | (sxb == side_none) | (sxa == sxb) | (sxa == side_both)
               | (sxb == side_both)).astype(float)
        if features:
            assert isinstance(use, align.FeatureAligner)
            if align.ISSUES_BOTH_NEEDED:
                none = none | ~((len_a[ii, 0] > 0) & (len_b[0, jj] > 0))
            iss_or0 = np.where(none, 0.0, jac)
            issue_term = np.where(none, lex, jac)
            form = 0.5 * (stance_a[ii] == stance_b[jj]) + 0.5 * (modal_a[ii] == modal_b[jj])
            out = 0.45 * issue_term + 0.35 * lex \
                + (0.10 * spk + 0.10 * form) * np.minimum(1.0, 2.0 * lex + iss_or0)
            out = np.where(~none & (jac == 0.0), out * 0.5, out)
            spec = shared_spec[ii, jj]
            out = np.where(lex == 0.0, out * 0.5,
                           np.where(spec == 0, out * use.generic_factor,
                                    np.where(spec == 1, out * use.single_factor, out)))
            out = np.where(frame, align.FRAME_SCORE, out)
        else:
            assert isinstance(use, align.LexicalAligner)
            w_lex, w_issue, w_speaker = use.weights
            issue_term = np.where(none, lex, jac)
            out = w_lex * lex + w_issue * issue_term \
                + w_speaker * spk * np.minimum(1.0, 2.0 * lex + np.where(none, 0.0, jac))
            out = np.where(frame, np.maximum(align.FRAME_SCORE, lex), out)
        if position:
            ra, rb = ii / (n - 1), jj / (m - 1)
            out = out + position * (1.0 - np.abs(ra - rb)) * (lex > 0)
        out = np.minimum(out, 1.0)
        # adjusted_similarity: disjoint issues, then the speaker rules
        live = (out > 0.0) & ~frame
        out = np.where(live & disjoint[ii, jj], out * disjoint_factor, out)
        return np.where(live & zero[ii, jj], 0.0, out)

    # -- bounds (vectorised): the ratio at 1, overlap sums widened by MARGIN
    vocab: dict[Any, int] = {}
    ids_a, ids_b = _ids(sa, vocab), _ids(sb, vocab)
    weights = np.array([idf.get(t, 1.0) for t in vocab])
    lengths = np.array([float(len(t)) for t in vocab])
    inter, n_shared, letters = overlaps_multi(ids_a, ids_b, [weights, None, lengths])
    shared_tok = n_shared > 0
    total = _totals(ids_a, weights)[:, None] + _totals(ids_b, weights)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        dice = np.where(total > 0, 2.0 * inter / np.where(total > 0, total, 1.0), 0.0)
    dice = np.where(shared_tok, np.minimum(1.0, dice + MARGIN), 0.0)
    ivocab: dict[Any, int] = {}
    si_a, si_b = _ids(sets_a, ivocab), _ids(sets_b, ivocab)
    shared_iss = overlaps(si_a, si_b)
    len_a = np.array([len(s) for s in sets_a], dtype=float)[:, None]
    len_b = np.array([len(s) for s in sets_b], dtype=float)[None, :]
    union = len_a + len_b - shared_iss
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(union > 0, shared_iss / np.where(union > 0, union, 1.0), 0.0)
    none_iss = union == 0  # neither claim has an issue: _jaccard is None
    frames = np.asarray(frames_a, dtype=bool)[:, None] & np.asarray(frames_b, dtype=bool)[None, :]
    if features:
        lex_ub = dice
        iss_none = none_iss | ~((len_a > 0) & (len_b > 0))
        iss_val = np.where(iss_none, 0.0, jac)
        issue_term = np.where(iss_none, lex_ub, jac)
        ub = 0.45 * issue_term + 0.35 * lex_ub + 0.20 * np.minimum(1.0, 2.0 * lex_ub + iss_val)
        ub = np.where(~iss_none & (iss_val == 0.0), 0.5 * ub, ub)
        ub = np.where(~shared_tok, 0.5 * ub, ub * max(1.0, use.generic_factor, use.single_factor))
        ub = np.where(frames, align.FRAME_SCORE, ub)
    else:
        w_lex, w_issue, w_speaker = use.weights
        lex_ub = np.where(shared_tok, 0.75 * dice + 0.25 * ratio_upper(
            la, lb, shared_tok, (n_shared, letters)), 0.0)
        issue_term = np.where(none_iss, lex_ub, jac)
        ub = w_lex * lex_ub + w_issue * issue_term \
            + max(w_speaker, 0.0) * np.minimum(1.0, 2.0 * lex_ub + jac)
        ub = np.where(frames, np.maximum(align.FRAME_SCORE, lex_ub), ub)
    if position:
        ra = np.arange(n)[:, None] / (n - 1)
        rb = np.arange(m)[None, :] / (m - 1)
        ub = ub + position * (1.0 - np.abs(ra - rb)) * shared_tok
    ub = np.minimum(ub, 1.0)
    # corrections of adjusted_similarity that only lower a score
    tvocab: dict[Any, int] = {}
    ti_a, ti_b = _ids(iss_a, tvocab), _ids(iss_b, tvocab)
    disjoint = ((np.array([bool(s) for s in iss_a])[:, None]
                 & np.array([bool(s) for s in iss_b])[None, :])
                & (overlaps(ti_a, ti_b) == 0) & ~frames)
    ub = np.where(disjoint, ub * max(disjoint_factor, 0.0), ub)
    ub = np.where(ub > 0.0, ub + MARGIN, 0.0)
    zero = _speaker_zero(ca, cb, side_a, side_b, topics_a, topics_b, speaker_rule) & ~frames
    reports = discussion_item_zero(ca, cb)
    if reports is not None:
        zero |= reports & ~frames
    ub[zero] = 0.0
    # pairs that share no key score exactly 0 (the invariant): no bound, never scored
    keyless = ~(shared_tok | (shared_iss > 0) | frames)
    ub[keyless] = 0.0
    if features:
        svocab: dict[Any, int] = {}
        shared_spec = overlaps(_ids(spec_a, svocab), _ids(spec_b, svocab))
    return LazyScores(ub, exact)


def discussion_item_zero(ca: Sequence[Claim], cb: Sequence[Claim]) -> np.ndarray | None:
    """Pairs (bool, ``len(ca) x len(cb)``) that adjusted_similarity sets to 0 because one is a
    discussion report cut into its matters (a matter, ``extra["discussion_item"]``, or the
    report's head) and the other a claim of one named side that reports no discussion: that
    a matter was discussed confirms no one side's position on it (round 8 of issue 13).
    None when neither list holds such a report."""
    from bilat.text.readouts import is_discussion  # readouts imports this module

    def cut(cs: Sequence[Claim]) -> set[tuple[str, int]]:
        return {(c.doc_id, c.sentence_index) for c in cs
                if (c.extra or {}).get("discussion_item")}

    cut_a, cut_b = cut(ca), cut(cb)
    if not cut_a and not cut_b:
        return None
    disc_a = [is_discussion(c) for c in ca]
    disc_b = [is_discussion(c) for c in cb]
    report_a = np.array([d and (c.doc_id, c.sentence_index) in cut_a
                         for c, d in zip(ca, disc_a, strict=True)], dtype=bool)
    report_b = np.array([d and (c.doc_id, c.sentence_index) in cut_b
                         for c, d in zip(cb, disc_b, strict=True)], dtype=bool)
    one_a = np.array([c.attributed and c.speaker_side != "BOTH" and not d
                      for c, d in zip(ca, disc_a, strict=True)], dtype=bool)
    one_b = np.array([c.attributed and c.speaker_side != "BOTH" and not d
                      for c, d in zip(cb, disc_b, strict=True)], dtype=bool)
    return (report_a[:, None] & one_b[None, :]) | (one_a[:, None] & report_b[None, :])


def _speaker_zero(ca: Sequence[Claim], cb: Sequence[Claim], side_a: str | None,
                  side_b: str | None, topics_a: list, topics_b: list,
                  speaker_rule: str) -> np.ndarray:
    """Pairs that adjusted_similarity sets to 0 for who speaks (never counterparts): speakers
    of incompatible sides with, in the strict rule, both named, or both attributing to the
    other readout's side, or the same directed courtesy (thanks, greetings)."""
    table: dict[Any, int] = {None: 0, "BOTH": 1}
    sa = np.array([table.setdefault(c.speaker_side, len(table)) for c in ca], dtype=np.int64)
    sb = np.array([table.setdefault(c.speaker_side, len(table)) for c in cb], dtype=np.int64)
    incompatible = ((sa[:, None] > 1) & (sb[None, :] > 1) & (sa[:, None] != sb[None, :]))
    att_a = np.array([c.attributed for c in ca], dtype=bool)[:, None]
    att_b = np.array([c.attributed for c in cb], dtype=bool)[None, :]
    foreign_a = np.array([c.attributed and c.speaker_side != side_a for c in ca], bool)[:, None]
    foreign_b = np.array([c.attributed and c.speaker_side != side_b for c in cb], bool)[None, :]
    topics = sorted({t for ts in (*topics_a, *topics_b) for t in ts})
    courtesy = np.zeros(incompatible.shape, dtype=bool)
    for t in topics:
        courtesy |= (np.array([t in x for x in topics_a], bool)[:, None]
                     & np.array([t in y for y in topics_b], bool)[None, :])
    zero = incompatible & (courtesy | (foreign_a & foreign_b))
    if speaker_rule == "strict":
        zero |= incompatible & att_a & att_b
    return zero


# ------------------------------------------------------------------------------ lineage
@lru_cache(maxsize=65536)
def _idf_value(n_lists: int, count: int) -> float:
    """The wording IDF of a token in ``count`` of ``n_lists`` claims: ``log(1 + n/c)``, the
    value :func:`bilat.text.align._idf` gives (it depends on the two integers only)."""
    return math.log(1.0 + n_lists / count)


def _lineage_exact(cos: np.ndarray, la: Sequence[tuple[str, ...]],
                   lb: Sequence[tuple[str, ...]], idf_of: Callable[[], dict[str, float]],
                   sets: tuple[list[set[str]], list[set[str]]] | None = None,
                   joined: tuple[list[str], list[str]] | None = None,
                   kinds: tuple[list[int], list[int]] | None = None,
                   ) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The exact lineage similarity of pairs ``(ii[k], jj[k])``: ``clip(0.5·cos + 0.5·wording,
    0, 1)`` with the wording of :meth:`bilat.text.align.LexicalAligner.lexical` (its own scalar
    code) under the IDF ``idf_of()`` (built on first need). ``sets``, ``joined``, ``kinds``:
    the claims' token sets, joined tokens and token-list ids when already at hand."""
    from bilat.text import align

    # per claim text, remembered across the statements of a series: its token set (built as
    # LexicalAligner.lexical builds it, so sums run in the same order), joined tokens, ids
    sa, sb = sets or ([_token_set(t) for t in la], [_token_set(t) for t in lb])
    joined_a, joined_b = joined or ([_joined(t) for t in la], [_joined(t) for t in lb])
    kind_a, kind_b = kinds or ([_kind(t) for t in la], [_kind(t) for t in lb])
    # Σ idf of each claim's token set, once per claim (fsum is exactly rounded: the same
    # value align._weighted_dice sums for every pair)
    tot_a: dict[int, float] = {}
    tot_b: dict[int, float] = {}
    seen: dict[tuple[int, int], float] = {}
    look: list[Callable[[str], float]] = []  # the IDF's lookup, once built

    def wording(i: int, j: int) -> float:
        """LexicalAligner.lexical for one pair (its own scalar code), once per distinct pair."""
        key = (kind_a[i], kind_b[j])
        found = seen.get(key)
        if found is None:
            x, y = sa[i], sb[j]
            if x is y:  # equal token lists share one remembered set; CPython intersects a set
                # with itself by copying it, in another order than two equal sets built apart
                # (as LexicalAligner.lexical builds them), and the IDF sums would then differ
                # in the last bit: build the second one apart, as the exhaustive path does
                y = set(lb[j])
            found = 0.0
            both = x & y
            if both:
                if not look:
                    look.append(idf_of().__getitem__)
                # align._weighted_dice(x, y, idf) with the two sets' sums remembered (every
                # token of the two statements has its IDF: the lookup never falls back)
                ta = tot_a.get(i)
                if ta is None:
                    ta = tot_a[i] = math.fsum(map(look[0], x))
                tb = tot_b.get(j)
                if tb is None:
                    tb = tot_b[j] = math.fsum(map(look[0], y))
                inter = math.fsum(map(look[0], both))
                total = ta + tb
                dice = 2.0 * inter / total if total else 0.0
                ratio = align.fuzz.token_set_ratio(joined_a[i], joined_b[j]) / 100.0
                found = 0.75 * dice + 0.25 * ratio
            seen[key] = found
        return found

    def exact(ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        lex = np.array([wording(int(i), int(j)) for i, j in zip(ii, jj, strict=True)])
        return np.clip(0.5 * cos[ii, jj] + 0.5 * lex, 0.0, 1.0)

    return exact


def lineage_scores(aligner: Aligner, cos: np.ndarray, new: Sequence[Claim],
                   old: Sequence[Claim]) -> LazyScores:
    """The lineage similarity ``clip(0.5·cosine + 0.5·wording, 0, 1)`` of
    :meth:`bilat.text.lineage.LineageModel._combine` with the lexical aligner's wording
    (:meth:`bilat.text.align.LexicalAligner.lexical`), as a :class:`LazyScores`. ``cos`` is the
    dense cosine matrix (cheap: one product of the statements' unit vectors).
    :func:`lineage_scores_many` gives the same scores for one statement against several."""
    _fresh_token_table()
    la = [_tokens(c.text, c.language or "en") for c in new]
    lb = [_tokens(c.text, c.language or "en") for c in old]
    sa, sb = [_token_set(t) for t in la], [_token_set(t) for t in lb]
    # align._idf(la + lb), counting the remembered sets instead of building them again
    df: Counter[str] = Counter()
    for toks in (*sa, *sb):
        df.update(toks)
    n_lists = max(len(la) + len(lb), 1)
    idf = {t: math.log(1.0 + n_lists / c) for t, c in df.items()}
    exact = _lineage_exact(cos, la, lb, lambda: idf, sets=(sa, sb))

    ids_a, ids_b = [_token_ids(t) for t in la], [_token_ids(t) for t in lb]
    weights = np.zeros(len(_TOKEN_ID))
    for t, v in idf.items():
        weights[_TOKEN_ID[t]] = v
    lengths = np.asarray(_TOKEN_LEN)
    inter, n_shared, letters = overlaps_multi(ids_a, ids_b, [weights, None, lengths])
    shared = n_shared > 0
    total = _totals(ids_a, weights)[:, None] + _totals(ids_b, weights)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        dice = np.where(total > 0, 2.0 * inter / np.where(total > 0, total, 1.0), 0.0)
    lex_ub = np.where(shared, 0.75 * np.minimum(1.0, dice + MARGIN)
                      + 0.25 * ratio_upper(la, lb, shared, (n_shared, letters)), 0.0)
    ub = np.clip(0.5 * cos + 0.5 * lex_ub, 0.0, 1.0)
    ub = np.where(ub > 0.0, ub + MARGIN, 0.0)
    ub[~shared] = 0.0  # no shared token: wording 0 and cosine 0 (the invariant)
    return LazyScores(ub, exact)


class _LineageText:
    """What the lineage scores need of one statement's claims, kept across the statements of a
    series (:func:`lineage_scores_many`): token lists, token sets and joined tokens."""

    __slots__ = ("joined", "lists", "sets")

    def __init__(self, claims: Sequence[Claim]) -> None:
        self.lists = [_tokens(c.text, c.language or "en") for c in claims]
        self.sets = [_token_set(t) for t in self.lists]
        self.joined = [_joined(t) for t in self.lists]


#: Pairs of claims (new × earlier) :func:`lineage_scores_many` scores in one go at most (its
#: dense arrays take 8 bytes a pair each); more earlier statements are taken in groups.
MANY_CELLS = 2_000_000
#: Key of the token-set ratios remembered in the ``memo`` of :func:`lineage_scores_many`.
_RATIOS = ("token_set_ratio",)
#: Limits of the exact integer IDF sums of :func:`lineage_scores_many`: claims of a pair of
#: statements (every IDF ``log(1 + n/c)`` is then below 8, a multiple of 2^-53 below 2^56)
#: and distinct tokens of one claim (a claim's sum then stays below 2^63). Beyond them each
#: pair is scored with the scalar code of :func:`lineage_scores`.
EXACT_MAX_LISTS = 2900
EXACT_MAX_TOKENS = 120
#: 2^53: an IDF of at least 1/2 times this is a whole number (its last bit is worth 2^-53).
_SCALE = float(2**53)


def _segment_sums(values: np.ndarray, owners: np.ndarray, n_owners: int) -> np.ndarray:
    """Per owner, the sum of its ``values`` (last axis; ``owners`` ascending, one per value),
    in the values' integer type (exact); 0 for an owner without values."""
    out = np.zeros((*values.shape[:-1], n_owners), dtype=values.dtype)
    if values.shape[-1]:
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        out[..., owners[starts]] = np.add.reduceat(values, starts, axis=-1)
    return out


#: A statement's sparse unit vectors for :func:`lineage_scores_many`: per claim, its distinct
#: comparison tokens in first-occurrence order (as ``_token_ids`` lists them), claim after
#: claim, as (claim index, column in the series vocabulary, vector entry) arrays.
UnitEntries = tuple[np.ndarray, np.ndarray, np.ndarray]


def sequential_dot(a: UnitEntries, b: UnitEntries, n: int, m: int) -> np.ndarray:
    """``D[i, j] = Σ_k a[i, k]·b[j, k]`` of two sparse matrices given as (row, column, value)
    entries (each (row, column) once): each product rounded, the products added one after the
    other in increasing column order from 0 — as a dense product that adds one column after
    the other (einsum over column-major operands) sums them, without the zeros. ``n × m``."""
    (rows_a, cols_a, vals_a), (rows_b, cols_b, vals_b) = a, b
    order = np.argsort(cols_b, kind="stable")
    cb, rb, vb = cols_b[order], rows_b[order], vals_b[order]
    lo = np.searchsorted(cb, cols_a, side="left")
    cnt = np.searchsorted(cb, cols_a, side="right") - lo
    total = int(cnt.sum())
    offset = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(total)
    pair = np.repeat(rows_a, cnt) * m + rb[offset]
    prod = np.repeat(vals_a, cnt) * vb[offset]
    return _pair_sums(pair, np.repeat(cols_a, cnt), prod, n * m).reshape(n, m)


def _pair_sums(pair: np.ndarray, col: np.ndarray, prod: np.ndarray, size: int) -> np.ndarray:
    """Per pair, its products added one after the other in increasing column order, from 0
    (``np.bincount`` adds its weights in the order given)."""
    if not len(pair):
        return np.zeros(size)
    low = int(col.min())
    span = int(col.max()) - low + 1
    order = np.argsort(pair * span + (col - low), kind="stable")
    return np.bincount(pair[order], weights=prod[order], minlength=size)


def lineage_scores_many(aligner: Aligner, cos: Sequence[np.ndarray] | None,
                        new: Sequence[Claim], olds: Sequence[Sequence[Claim]], *,
                        keys: tuple[Any, Sequence[Any]] | None = None,
                        memo: dict[Any, Any] | None = None,
                        unit: tuple[UnitEntries, Sequence[UnitEntries]] | None = None,
                        ) -> list[LazyScores]:
    """:func:`lineage_scores` of ``new`` against each claim list of ``olds``, with every pair
    at once. ``cos``: the dense cosine matrix against each ``olds[d]``; or None with ``unit``,
    the claims' sparse unit vectors (:data:`UnitEntries`: ``new``'s, then one per earlier
    statement), from which the cosine of every pair is summed as :func:`sequential_dot` sums
    it. One inverted index joins the new claims' tokens with those of all earlier claims, and
    the IDF-weighted Dice term of the wording (``align._weighted_dice`` under ``align._idf`` of
    the two statements, from their document frequencies) is computed exactly for every pair
    that shares a token: each IDF ``log(1 + n/c)`` (``math.log``, once per distinct
    ``(n, c)``) is a whole multiple of 2^-53, so its sums are exact in integers and, rounded
    once, equal ``math.fsum``'s. Only the token-set ratio (bounded by 1) is left to compute per
    pair, on demand (rapidfuzz's ``cpdist``, the same scorer). The scores are those of
    :func:`lineage_scores` to the bit, so every search gives the same answers. More than
    :data:`MANY_CELLS` pairs are scored in groups of earlier statements. ``keys`` (the new
    statement's key, the earlier ones') with ``memo`` (a dict the caller keeps) remember each
    statement's token data across calls."""
    _fresh_token_table()
    if memo is None or keys is None:
        memo, keys = {}, (object(), [object() for _ in olds])
    # a long series: the earlier statements in groups of at most MANY_CELLS pairs (each pair's
    # scores and bounds are its own: the same in any grouping)
    groups: list[list[int]] = [[]]
    cells = 0
    for d, o in enumerate(olds):
        if groups[-1] and cells + len(new) * len(o) > MANY_CELLS:
            groups.append([])
            cells = 0
        groups[-1].append(d)
        cells += len(new) * len(o)
    if len(groups) > 1:
        return [lazy for g in groups for lazy in lineage_scores_many(
            aligner, None if cos is None else [cos[d] for d in g], new, [olds[d] for d in g],
            keys=(keys[0], [keys[1][d] for d in g]), memo=memo,
            unit=None if unit is None else (unit[0], [unit[1][d] for d in g]))]

    def info(key: Any, claims: Sequence[Claim]) -> _LineageText:
        found = memo.get(key)
        if found is None:
            found = memo[key] = _LineageText(claims)
        return found

    a = info(keys[0], new)
    bs = [info(k, o) for k, o in zip(keys[1], olds, strict=True)]
    n, sizes = len(new), [len(o) for o in olds]
    total_m = sum(sizes)
    widest = max((len(s_) for x in (a, *bs) for s_ in x.sets), default=0)
    if cos is None and unit is None:
        raise ValueError("lineage_scores_many: give the cosines or the unit vectors")
    if (not n or not total_m or n + max(sizes) > EXACT_MAX_LISTS
            or widest > EXACT_MAX_TOKENS):
        if cos is None:
            assert unit is not None
            cos = [sequential_dot(unit[0], b, n, m) for b, m in zip(unit[1], sizes, strict=True)]
        return [lineage_scores(aligner, c, new, o) for c, o in zip(cos, olds, strict=True)]
    from rapidfuzz import fuzz, process

    k = len(olds)
    ids_a = [_token_ids(t) for t in a.lists]
    ids_b = [_token_ids(t) for b in bs for t in b.lists]
    ia = np.repeat(np.arange(n), [len(r) for r in ids_a])
    jb = np.repeat(np.arange(total_m), [len(r) for r in ids_b])
    ga = np.fromiter((t for r in ids_a for t in r), dtype=np.int64, count=len(ia))
    gb = np.fromiter((t for r in ids_b for t in r), dtype=np.int64, count=len(jb))
    # a local vocabulary: the tokens of this statement and the earlier ones
    uniq, inv = np.unique(np.concatenate([ga, gb]), return_inverse=True)
    ta, tb = inv[:len(ga)], inv[len(ga):]
    n_tok = len(uniq)
    doc_of = np.repeat(np.arange(k), sizes)  # statement of each earlier claim
    dinc = doc_of[jb]
    df_new = np.bincount(ta, minlength=n_tok)
    df_old = np.bincount(dinc * n_tok + tb, minlength=k * n_tok).reshape(k, n_tok)
    # each pair's IDF, align._idf: log(1 + n/c) over its n claims, c of them with the token,
    # as whole multiples of 2^-53 (0 for a token in neither statement: never summed)
    idf = np.zeros((k, n_tok), dtype=np.int64)
    for d, m in enumerate(sizes):
        counts = df_new + df_old[d]
        values, at = np.unique(counts, return_inverse=True)
        table = np.array([_idf_value(n + m, int(c)) if c else 0.0 for c in values.tolist()])
        idf[d] = (table[at] * _SCALE).astype(np.int64)
    # Σ idf of each claim's token set under each pair's IDF (exact integers)
    sum_a = _segment_sums(idf[:, ta], ia, n)  # k × n
    sum_b = _segment_sums(idf[dinc, tb], jb, total_m)
    # inverted index over the earlier claims' tokens: pairs sharing a token, and what they share
    order = np.argsort(tb, kind="stable")
    bk, bj = tb[order], jb[order]
    lo = np.searchsorted(bk, ta, side="left")
    cnt = np.searchsorted(bk, ta, side="right") - lo
    live = cnt > 0
    ai, ak, lo, cnt = ia[live], ta[live], lo[live], cnt[live]
    n_inc = int(cnt.sum())
    offset = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(n_inc)
    pi, pj = np.repeat(ai, cnt), bj[offset]
    tok = np.repeat(ak, cnt)
    pair = pi * total_m + pj
    size = n * total_m
    n_shared = np.bincount(pair, minlength=size).reshape(n, total_m)
    if cos is None:
        # the cosine of every pair sharing a token (the others: 0), as sequential_dot sums it
        assert unit is not None
        from_a = np.repeat(np.flatnonzero(live), cnt)
        from_b = order[offset]
        cols_b = np.concatenate([b[1] for b in unit[1]])
        vals_b = np.concatenate([b[2] for b in unit[1]])
        cos_all = _pair_sums(pair, cols_b[from_b], unit[0][2][from_a] * vals_b[from_b],
                             size).reshape(n, total_m)
    else:
        cos_all = np.concatenate(list(cos), axis=1)
    shared = n_shared > 0
    # the Dice term of every pair sharing a token: 2·Σ_{a∩b} idf / (Σ_a idf + Σ_b idf), each
    # sum exact and rounded once (= math.fsum), then the same two float steps
    by_pair = np.argsort(pair, kind="stable")
    pair_s = pair[by_pair]
    inter_s = idf[doc_of[pj[by_pair]], tok[by_pair]]
    starts = np.flatnonzero(np.r_[True, pair_s[1:] != pair_s[:-1]]) if n_inc else \
        np.zeros(0, dtype=np.int64)
    keyed = pair_s[starts]
    ki, kj = keyed // total_m, keyed % total_m
    inter = np.add.reduceat(inter_s, starts).astype(np.float64) / _SCALE if n_inc else \
        np.zeros(0)
    total = (sum_a[doc_of[kj], ki].astype(np.float64) / _SCALE
             + sum_b[kj].astype(np.float64) / _SCALE)
    dice = np.zeros((n, total_m))
    dice[ki, kj] = 2.0 * inter / total
    joined_b = [j for b in bs for j in b.joined]
    # the wording's bound: the exact Dice term and a token-set ratio of 1 (its tighter bound,
    # ratio_upper, costs more here than the exact ratios it spares: the ratios are computed in
    # C and remembered across the statements of a series)
    lex_ub = np.where(shared, 0.75 * dice + 0.25, 0.0)

    # token-set ratios already computed (they depend on the two joined token lists only, and
    # the claims a statement carries meet the same earlier claims again)
    ratios: dict[tuple[str, str], float] = memo.setdefault(_RATIOS, {})

    def ratio(ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        """fuzz.token_set_ratio / 100 of the pairs (the same scorer, called in C)."""
        pairs = [(a.joined[i], joined_b[j]) for i, j in zip(ii.tolist(), jj.tolist(),
                                                             strict=True)]
        got = [ratios.get(p) for p in pairs]
        todo = [k for k, v in enumerate(got) if v is None]
        if todo:
            fresh = process.cpdist([pairs[k][0] for k in todo], [pairs[k][1] for k in todo],
                                   scorer=fuzz.token_set_ratio, dtype=np.float64,
                                   workers=1) / 100.0
            for k, v in zip(todo, fresh.tolist(), strict=True):
                got[k] = ratios[pairs[k]] = v
        return np.array(got, dtype=np.float64)

    out = []
    at = 0
    for m in sizes:
        cols = slice(at, at + m)
        ub = np.clip(0.5 * cos_all[:, cols] + 0.5 * lex_ub[:, cols], 0.0, 1.0)
        ub = np.where(ub > 0.0, ub + MARGIN, 0.0)
        ub[~shared[:, cols]] = 0.0  # no shared token: wording 0 and cosine 0 (the invariant)

        def exact(ii: np.ndarray, jj: np.ndarray, first: int = at) -> np.ndarray:
            """LexicalAligner.lexical's wording (0.75·Dice + 0.25·ratio; 0 without a shared
            token), then clip(0.5·cos + 0.5·wording, 0, 1), as lineage_scores computes them."""
            jg = jj + first
            keep = shared[ii, jg]
            lex = np.zeros(len(ii))
            lex[keep] = 0.75 * dice[ii[keep], jg[keep]] + 0.25 * ratio(ii[keep], jg[keep])
            return np.clip(0.5 * cos_all[ii, jg] + 0.5 * lex, 0.0, 1.0)

        out.append(LazyScores(ub, exact))
        at += m
    return out


def usable(aligner: Aligner, pairs: int | None = None) -> bool:
    """Whether blocking applies: the built-in lexical or features aligner, not turned off, and
    (when ``pairs`` is given) at least :data:`MIN_PAIRS` pairs — below that, scoring every pair
    costs less than the bounds. ``exhaustive_mode(False)`` forces blocking at any size."""
    from bilat.text.align import FeatureAligner, LexicalAligner

    if type(aligner) not in (LexicalAligner, FeatureAligner) or exhaustive():
        return False
    return _FORCED is False or pairs is None or pairs >= MIN_PAIRS


__all__ = ["EXHAUSTIVE_ENV", "INVARIANT", "MARGIN", "MIN_PAIRS", "LazyScores",
           "best_with_competition", "check_invariant", "exhaustive", "exhaustive_mode",
           "lineage_scores", "lineage_scores_many", "overlaps", "overlaps_multi", "pair_keys",
           "ratio_upper", "readout_scores", "sequential_dot", "usable"]
