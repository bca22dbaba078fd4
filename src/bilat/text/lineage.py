"""Joint-statement lineage: what in a statement is new, what only reaffirms, what was dropped.

A *series* is two or more statements by the same parties (for Russia–China: the 2001 Treaty,
the joint statements of 2014, 2019, 2022, 2023 …). Each statement is split into claims by the
shared claim machinery (:func:`bilat.text.claims.extract_claims`: speaker, issues, stance,
modality, negation, paragraph and character offsets). Every claim of a statement is held
against every claim of all *earlier* statements of the series and labelled:

- ``new``: no earlier counterpart;
- ``reaffirmed``: an earlier counterpart carries the same commitment (possibly reworded) at the
  same strength;
- ``strengthened`` / ``weakened``: the counterpart is the same issue and object with a weaker /
  stronger stance (firmly supports > supports > understands > notes) or commitment form
  (will > agreed > ready to > should > hope), or the new text opposes what the old one only
  noted.

The *counterpart* is the matching claim in the most recent earlier statement that has one (so
a change of strength is measured against the last time the commitment was made), with its
similarity. Following counterparts back gives each claim's *chain* and the date the commitment
*first appeared* in the series (first appearance, not just the previous statement).
The reverse, *dropped*: claims of the latest earlier statement (``scope='previous'``) or of any
earlier statement (``scope='any'``, one entry per chain, with its last appearance) that have no
counterpart in the new text.

Thresholds live in :class:`Thresholds` (one place, documented). Similarity of two claims is
the mean of (a) the cosine of their content-word stems (:func:`bilat.text.align.tokens`)
weighted by inverse document frequency learned from the whole series
(:meth:`LineageModel.fit`), so the formulaic words every statement repeats ("the sides",
"cooperation") count less than the substance, and (b) the wording similarity of the shared
aligner (:meth:`bilat.text.align.Aligner.lexical`; ``aligner="embeddings"`` for the optional
multilingual model).

Output, :class:`LineageReport` (``to_json()``, ``to_dict()``), per statement and for the newest:

- ``claims``: per claim ``label``, ``claim`` (doc id, date, start/end offsets, paragraph,
  quote), ``issues``, ``stance``, ``modality``, ``opposes``, ``negated``, ``counterpart``
  (same fields), ``similarity`` (0–1), ``change`` (e.g. ``stance supports→firmly_supports``),
  ``first_appeared`` (a claim reference; its ``date`` is the answer), ``chain``;
- ``dropped`` / ``dropped_any``: earlier claims with no counterpart, with the closest claim of
  the new text and its similarity (below the threshold), first and last appearance, and its
  ``stance`` / ``modality`` / ``opposes`` (a claim with any of them is a *commitment*);
- ``summary``: share of the new text by label, in claims and in characters of claim text
  (characters outside any claim, e.g. blank lines, are counted apart), the new commitments,
  strengthened, weakened, dropped and omitted issues (see :mod:`bilat.text.omissions`).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bilat.errors import error
from bilat.text.documents import with_meta
from bilat.text.model import Claim, Document

if TYPE_CHECKING:
    from bilat.store import Store
    from bilat.text.lexicon import Lexicon
    from bilat.text.omissions import OmissionReport

#: Labels of a claim of a later statement, in display order.
LABELS = ("new", "reaffirmed", "strengthened", "weakened")
#: Scopes of the dropped list: from the latest earlier statement only, or from any of them.
DROP_SCOPES = ("previous", "any")


@dataclass(frozen=True)
class Thresholds:
    """Every cut-off the lineage uses, in one place.

    ``match``: similarity (0–1) from which an earlier claim is the *same commitment* (a
    counterpart); labelled reaffirmed, or strengthened/weakened when the strength differs.
    ``related``: lower similarity from which an earlier claim that shares an issue with the new
    one (or, like it, has none) is taken as the same issue and object *when its strength
    differs* (strengthened / weakened); at equal strength such a pair is not enough to call the
    claim reaffirmed.
    ``dropped``: an earlier claim whose best similarity to every claim of the new text is
    below this is dropped (unless it is a counterpart of one of them).
    ``min_tokens``: claims with fewer comparison tokens than this (content-word stems, Chinese
    character bigrams: :func:`bilat.text.align.tokens`), such as headings or "1.", are not
    labelled.
    The defaults were set on the Russia–China evaluation series (evaluation/statements);
    see the README there for the agreement they give.
    """

    match: float = 0.5
    related: float = 0.3
    dropped: float = 0.5
    min_tokens: int = 2

    def __post_init__(self) -> None:
        for name in ("match", "related", "dropped"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise error("E408", option=f"threshold {name}", value=value,
                            expected="give a similarity between 0 and 1")
        if self.related > self.match:
            raise error("E408", option="threshold related", value=self.related,
                        expected=f"it must not exceed match ({self.match})")


# ---------------------------------------------------------------------------------- records
@dataclass(frozen=True)
class ClaimRef:
    """A citable pointer to one claim: document, date, offsets, paragraph and the quote."""

    doc_id: str
    date: str | None
    index: int
    start: int
    end: int
    paragraph: int
    quote: str

    @classmethod
    def of(cls, claim: Claim, doc: Document) -> ClaimRef:
        """The reference of ``claim`` of ``doc``."""
        return cls(doc.doc_id, _iso(doc.date), claim.index, claim.start, claim.end,
                   claim.paragraph_index, claim.text)


@dataclass(frozen=True)
class ClaimLineage:
    """One claim of a later statement, its label, its closest earlier counterpart and origin."""

    label: str
    claim: ClaimRef
    issues: tuple[str, ...]
    stance: str | None
    modality: str | None
    opposes: bool
    negated: bool
    counterpart: ClaimRef | None
    similarity: float | None
    change: str | None
    first_appeared: ClaimRef
    chain: tuple[ClaimRef, ...] = ()

    @property
    def is_commitment(self) -> bool:
        """Whether the claim commits (a stance, a commitment form or an opposition)."""
        return bool(self.stance or self.modality or self.opposes)


@dataclass(frozen=True)
class DroppedClaim:
    """An earlier claim with no counterpart in the new statement, with the evidence of absence."""

    claim: ClaimRef
    issues: tuple[str, ...]
    scope: str
    first_appeared: ClaimRef
    last_seen: ClaimRef
    closest: ClaimRef | None
    similarity: float
    stance: str | None = None
    modality: str | None = None
    opposes: bool = False

    @property
    def is_commitment(self) -> bool:
        """Whether the dropped claim committed (a stance, a commitment form or an opposition)."""
        return bool(self.stance or self.modality or self.opposes)


@dataclass(frozen=True)
class ParagraphLineage:
    """A paragraph of the statement (offsets) and the indexes of its claims' lineages."""

    index: int
    start: int
    end: int
    claims: tuple[int, ...]
    labels: dict[str, int]


@dataclass(frozen=True)
class DocumentInfo:
    """A statement of the series as cited in a report."""

    doc_id: str
    date: str | None
    title: str | None
    side: str | None
    issuer: str | None
    parties: tuple[str, ...]
    source_url: str | None
    n_chars: int
    n_claims: int


@dataclass
class StatementLineage:
    """The lineage of one statement against all earlier ones in its series."""

    doc: DocumentInfo
    against: tuple[str, ...]
    claims: list[ClaimLineage]
    dropped: list[DroppedClaim]
    dropped_any: list[DroppedClaim]
    paragraphs: list[ParagraphLineage]
    shares: dict[str, Any]


@dataclass
class LineageReport:
    """Lineage of a series of statements, with the newest one summarised for quoting."""

    parties: tuple[str, ...]
    series: list[DocumentInfo]
    statements: list[StatementLineage]
    thresholds: Thresholds
    notes: list[str] = field(default_factory=list)
    omissions: OmissionReport | None = None
    texts: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def focus(self) -> StatementLineage:
        """The newest statement's lineage (the one the summary quotes)."""
        return self.statements[-1]

    def summary(self) -> dict[str, Any]:
        """Figures an analyst can quote for the newest statement (see :func:`summarise`)."""
        return summarise(self)

    def to_dict(self, *, include_texts: bool = False) -> dict[str, Any]:
        """Plain data (JSON-ready); ``include_texts`` adds every statement's full text."""
        data: dict[str, Any] = {
            "parties": list(self.parties),
            "series": [asdict(d) for d in self.series],
            "thresholds": asdict(self.thresholds),
            "notes": list(self.notes),
            "summary": self.summary(),
            "statements": [asdict(s) for s in self.statements],
            "omissions": None if self.omissions is None else self.omissions.to_dict(),
        }
        if include_texts:
            data["texts"] = dict(self.texts)
        return data

    def to_json(self, *, indent: int = 2, include_texts: bool = False) -> str:
        """The report as JSON (UTF-8 text, not ASCII-escaped)."""
        return json.dumps(self.to_dict(include_texts=include_texts), indent=indent,
                          ensure_ascii=False, default=str)


# ---------------------------------------------------------------------------------- helpers
def _iso(value: Date | None) -> str | None:
    return None if value is None else value.isoformat()


def _tokens(claim: Claim) -> list[str]:
    """Comparison tokens of a claim: :func:`bilat.text.align.tokens` (stems, no stop words)."""
    from bilat.text.blocking import _tokens as cached

    return list(cached(claim.text, claim.language or "en"))


def strength_change(new: Claim, old: Claim) -> tuple[int, str | None]:
    """+1 if ``new`` is firmer than ``old``, -1 if weaker, 0 if equal, with what changed.

    Compared in this order, first difference wins: stance (both present), commitment form
    (both present), opposition (the new one opposes what the old one did not, or stops
    opposing) when neither carries a stance. A stance or form present on one side only is not
    a change (statements drop "will" from reaffirmations without meaning less).
    """
    if new.stance and old.stance and new.stance_rank != old.stance_rank:
        sign = 1 if new.stance_rank > old.stance_rank else -1
        return sign, f"stance {old.stance}→{new.stance}"
    if new.modality and old.modality and new.modality_rank != old.modality_rank:
        sign = 1 if new.modality_rank > old.modality_rank else -1
        return sign, f"modality {old.modality}→{new.modality}"
    if new.opposes != old.opposes and not (new.stance and old.stance):
        if new.opposes and not old.opposes and not (old.stance and old.stance_rank > 2):
            return 1, "opposition: noted→opposes"
        if old.opposes and not new.opposes and not (new.stance and new.stance_rank > 2):
            return -1, "opposition: opposes→noted"
    return 0, None


def _in_vocabulary(entries: tuple[np.ndarray, np.ndarray, np.ndarray]
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (claim, column, entry) arrays of :meth:`LineageModel._unit_entries` without the
    words outside the series."""
    keep = entries[1] >= 0
    return entries[0][keep], entries[1][keep], entries[2][keep]


# ---------------------------------------------------------------------------------- model
class LineageModel:
    """Labels every statement of a series against all earlier ones (fit/transform).

    ``fit(docs)`` learns the series: its claims (``claims_``), the inverse document frequency
    of every content word across the series' claims (``idf_``) and the lineage of every
    statement after the first (``lineages_``). ``transform(doc)`` labels one more statement
    against the statements of the fitted series dated up to its date, without refitting.
    ``aligner`` names the shared aligner (:func:`bilat.text.align.get_aligner`); ``claims``
    replaces the claim extractor (default :func:`bilat.text.claims.extract_claims`).
    """

    def __init__(
        self,
        thresholds: Thresholds | None = None,
        *,
        lexicon: Lexicon | None = None,
        aligner: str = "lexical",
        claims: Callable[[Document], list[Claim]] | None = None,
    ) -> None:
        self.thresholds = thresholds or Thresholds()
        self.lexicon = lexicon
        self.aligner = aligner
        self._extract = claims

    # ------------------------------------------------------------------ learning
    def fit(self, docs: Sequence[Document]) -> LineageModel:
        """Segment the series (oldest first), learn IDF weights, label each later statement."""
        from bilat.text.align import get_aligner

        self.aligner_ = get_aligner(self.aligner, self.lexicon)
        self.docs_: list[Document] = list(docs)
        self.claims_: dict[str, list[Claim]] = {d.doc_id: self._claims(d) for d in self.docs_}
        self._fit_idf()
        self.lineages_: list[StatementLineage] = []
        self._chains: dict[str, tuple[ClaimRef, ...]] = {}
        for k in range(1, len(self.docs_)):
            self.lineages_.append(self._label(self.docs_[k], self.docs_[:k]))
        return self

    def transform(self, doc: Document) -> StatementLineage:
        """The lineage of ``doc`` against every statement of the fitted series."""
        self._check_fitted()
        earlier = [d for d in self.docs_ if d.doc_id != doc.doc_id
                   and (doc.date is None or d.date is None or d.date <= doc.date)]
        if not earlier:
            raise error("E401", count=1, detail=f" dated up to {_iso(doc.date)}")
        if doc.doc_id not in self.claims_:
            self.claims_[doc.doc_id] = self._claims(doc)
        return self._label(doc, earlier)

    # ------------------------------------------------------------------ internals
    def _check_fitted(self) -> None:
        if not hasattr(self, "docs_"):
            raise RuntimeError("LineageModel is not fitted; call fit(docs) first")

    def _claims(self, doc: Document) -> list[Claim]:
        if self._extract is not None:
            found = self._extract(doc)
        else:
            from bilat.text.claims import extract_claims

            found = extract_claims(doc, lexicon=self.lexicon)
        found = split_heading(doc, found, self.lexicon)
        kept = [c for c in found if len(_tokens(c)) >= self.thresholds.min_tokens]
        if not kept:
            raise error("E406", doc=doc.doc_id,
                        reason=f"{len(doc.text)} characters gave no claim of "
                               f"{self.thresholds.min_tokens}+ content words")
        return kept

    def _fit_idf(self) -> None:
        df: Counter[str] = Counter()
        n = 0
        for claims in self.claims_.values():
            for c in claims:
                df.update(set(_tokens(c)))
                n += 1
        self.n_claims_ = n
        self.idf_: dict[str, float] = {t: math.log((1 + n) / (1 + f)) + 1.0 for t, f in df.items()}
        self._default_idf = math.log(1 + n) + 1.0
        self._vocab = {t: k for k, t in enumerate(sorted(self.idf_))}
        self._cache: dict[str, np.ndarray] = {}
        self._words: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._texts: dict[str, Any] = {}  # blocking's token data per statement
        self._units: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._roots: dict[str, list[tuple[str, int]]] = {}
        self._refs: dict[tuple[Any, ...], ClaimRef] = {}

    def _vectors(self, claims: Sequence[Claim]) -> np.ndarray:
        """Unit rows of IDF-weighted (1 + log tf) counts over the series vocabulary."""
        vocab = self._vocab
        out = np.zeros((len(claims), len(vocab)))
        unseen = np.zeros((len(claims), 1))  # words outside the series: in the norm only
        for i, c in enumerate(claims):
            for t, n in Counter(_tokens(c)).items():
                weight = (1.0 + math.log(n)) * self.idf_.get(t, self._default_idf)
                if t in vocab:
                    out[i, vocab[t]] = weight
                else:
                    unseen[i, 0] += weight * weight
        norms = np.sqrt((out * out).sum(axis=1, keepdims=True) + unseen)
        norms[norms == 0] = 1.0
        return out / norms

    def _doc_vectors(self, doc_id: str) -> np.ndarray:
        if doc_id not in self._cache:
            self._cache[doc_id] = self._vectors(self.claims_[doc_id])
        return self._cache[doc_id]

    def _doc_words(self, doc_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(vocabulary columns the statement uses, its unit rows over those columns)."""
        if doc_id not in self._words:
            full = self._doc_vectors(doc_id)
            cols = np.flatnonzero(full.any(axis=0))
            self._words[doc_id] = (cols, np.ascontiguousarray(full[:, cols]))
        return self._words[doc_id]

    def similarity(self, a: Claim, b: Claim) -> float:
        """Similarity of two claims (0–1), as used for matching (see :meth:`_matrix`)."""
        self._check_fitted()
        cos = self._vectors([a]) @ self._vectors([b]).T
        return float(self._combine(cos, [a], [b])[0][0])

    def _matrix(self, new_id: str, old_id: str) -> _Scores:
        """``S[i][j]`` between the claims of two fitted documents (see :meth:`_combine`).

        With the lexical aligner, only the pairs that can decide a label are scored exactly
        (:mod:`bilat.text.blocking`; same labels, counterparts and similarities), unless
        ``BILAT_EXHAUSTIVE=1``. The labelling asks :meth:`_matrices` (every earlier statement
        at once, the same scores); this one pair alone is its reference."""
        from bilat.text import blocking

        new, old = self.claims_[new_id], self.claims_[old_id]
        if not new or not old:
            return _Scores([[] for _ in new])
        cos = self._cos(new_id, old_id)
        if self._blocked():
            return _Scores(None, blocking.lineage_scores(self.aligner_, cos, new, old))
        return _Scores(self._combine(cos, new, old))

    def _blocked(self) -> bool:
        """Whether only the pairs that can decide a label are scored (:mod:`blocking`)."""
        from bilat.text import blocking

        th = self.thresholds
        return (self.aligner_.reads_wording and blocking.usable(self.aligner_)
                and min(th.match, th.related, th.dropped) > 0.0)

    def _cos(self, new_id: str, old_id: str) -> np.ndarray:
        """The series-IDF cosine of every claim pair of two fitted statements: the products of
        the words both claims use, added one after the other in vocabulary order
        (:func:`bilat.text.blocking.sequential_dot`: what the dense product of the statements'
        word matrices gave, without its zeros). Two statements of one claim each take the
        dense product (numpy sums a single pair otherwise)."""
        from bilat.text.blocking import sequential_dot

        a, b = self._unit_entries(new_id), self._unit_entries(old_id)
        n, m = len(self.claims_[new_id]), len(self.claims_[old_id])
        if n == 1 and m == 1:
            va, vb = self._doc_words(new_id)[1], self._doc_words(old_id)[1]
            ka, kb = self._shared_words(new_id, old_id)
            return np.einsum("ik,jk->ij", va[:, ka], vb[:, kb])
        return sequential_dot(_in_vocabulary(a), _in_vocabulary(b), n, m)

    def _matrices(self, new_id: str, old_ids: Sequence[str]) -> dict[str, _Scores]:
        """:meth:`_matrix` of one statement against each earlier one (same scores), with the
        blocking bounds of all pairs computed at once
        (:func:`bilat.text.blocking.lineage_scores_many`)."""
        from bilat.text import blocking

        new = self.claims_[new_id]
        olds = [self.claims_[d] for d in old_ids]
        if not self._blocked() or len(new) < 2 or not all(olds):
            return {d: self._matrix(new_id, d) for d in old_ids}
        unit = (self._unit_entries(new_id), [self._unit_entries(d) for d in old_ids])
        lazy = blocking.lineage_scores_many(self.aligner_, None, new, olds, unit=unit,
                                            keys=(new_id, list(old_ids)), memo=self._texts)
        return {d: _Scores(None, m) for d, m in zip(old_ids, lazy, strict=True)}

    def _shared_words(self, new_id: str, old_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Columns of the two statements' word matrices (:meth:`_doc_words`) for the words
        both use."""
        wa, wb = self._doc_words(new_id)[0], self._doc_words(old_id)[0]
        _, ka, kb = np.intersect1d(wa, wb, assume_unique=True, return_indices=True)
        return ka, kb

    def _unit_entries(self, doc_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each claim's unit-vector entries (:meth:`_vectors`) of its distinct comparison
        tokens in first-occurrence order, claim after claim, as (claim, vocabulary column,
        entry) arrays (column -1 and entry 0 for a word outside the series): the sparse rows
        :func:`bilat.text.blocking.lineage_scores_many` and :meth:`_cos` use."""
        found = self._units.get(doc_id)
        if found is None:
            full = self._doc_vectors(doc_id)
            vocab = self._vocab
            rows: list[int] = []
            cols: list[int] = []
            for i, c in enumerate(self.claims_[doc_id]):
                for t in dict.fromkeys(_tokens(c)):
                    rows.append(i)
                    cols.append(vocab.get(t, -1))
            r, k = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
            vals = np.where(k >= 0, full[r, np.maximum(k, 0)], 0.0) if len(r) else np.zeros(0)
            found = self._units[doc_id] = (r, k, vals)
        return found

    def _combine(self, cos: np.ndarray, new: Sequence[Claim],
                 old: Sequence[Claim]) -> list[list[float]]:
        """Mean of the series-IDF cosine of content words and the aligner's wording similarity
        (:meth:`bilat.text.align.Aligner.lexical`); cosine alone when the aligner does not read
        wording (``features``)."""
        if self.aligner_.reads_wording:
            cos = 0.5 * cos + 0.5 * np.asarray(self.aligner_.lexical(new, old), dtype=float)
        return np.clip(cos, 0.0, 1.0).tolist()

    def _ref(self, claim: Claim, doc: Document) -> ClaimRef:
        """:meth:`ClaimRef.of`, made once per claim (references are immutable)."""
        key = (doc.doc_id, doc.date, claim.index, claim.start, claim.end,
               claim.paragraph_index, claim.text)
        found = self._refs.get(key)
        if found is None:
            found = self._refs[key] = ClaimRef.of(claim, doc)
        return found

    def _roots_of(self, doc: Document) -> list[tuple[str, int]]:
        """Per claim of a labelled statement, (doc id, index) of the origin of its chain."""
        found = self._roots.get(doc.doc_id)
        if found is None:
            found = []
            for o in self.claims_[doc.doc_id]:
                origin = self._origin(self._ref(o, doc))[-1]
                found.append((origin.doc_id, origin.index))
            self._roots[doc.doc_id] = found
        return found

    def _origin(self, ref: ClaimRef) -> tuple[ClaimRef, ...]:
        """The chain of counterparts behind ``ref`` (``ref`` first, origin last)."""
        key = f"{ref.doc_id}:{ref.index}"
        return (ref, *self._chains.get(key, ()))

    def _label(self, doc: Document, earlier: Sequence[Document]) -> StatementLineage:
        th = self.thresholds
        lex = self.lexicon
        new_claims = self.claims_[doc.doc_id]
        mats = self._matrices(doc.doc_id, [d.doc_id for d in earlier])
        out: list[ClaimLineage] = []
        for i, c in enumerate(new_claims):
            ref = self._ref(c, doc)
            issues_c = set(lex.expand(c.issues)) if lex else set(c.issues)
            chosen: tuple[Document, Claim, float] | None = None
            related: tuple[Document, Claim, float, int, str | None] | None = None
            for d in reversed(earlier):  # most recent earlier statement first
                row = mats[d.doc_id]
                if not row.m:
                    continue
                hit = row.best_reaching(i, th.match)
                if hit is not None:
                    chosen = (d, self.claims_[d.doc_id][hit[0]], hit[1])
                    break
                if related is None:
                    # best same-issue claim of this statement whose strength differs
                    for jj in row.iter_at_least(i, th.related):
                        o = self.claims_[d.doc_id][jj]
                        issues_o = set(lex.expand(o.issues)) if lex else set(o.issues)
                        # same issue; two claims without any issue count as agreeing (as in
                        # bilat.text.align: nothing to compare is not evidence of difference)
                        same_issue = bool(issues_c & issues_o) or not (issues_c or issues_o)
                        if not same_issue or o.negated != c.negated:
                            continue
                        sign, change = strength_change(c, o)
                        if sign != 0:
                            related = (d, o, row.value(i, jj), sign, change)
                            break
            counterpart: ClaimRef | None = None
            sim: float | None = None
            change: str | None = None
            if chosen is not None:
                d, o, sim = chosen
                counterpart = self._ref(o, d)
                if o.negated != c.negated:
                    label, change = "new", "negation reversed"
                else:
                    sign, change = strength_change(c, o)
                    label = {1: "strengthened", -1: "weakened", 0: "reaffirmed"}[sign]
            elif related is not None:
                d, o, sim, sign, change = related
                counterpart = self._ref(o, d)
                label = "strengthened" if sign > 0 else "weakened"
            else:
                label = "new"
            carried = counterpart is not None and label != "new"
            chain = self._origin(counterpart) if carried and counterpart else ()
            self._chains[f"{doc.doc_id}:{c.index}"] = chain
            self._roots.pop(doc.doc_id, None)
            first = chain[-1] if chain else ref
            if carried:
                # the same wording may go back further than the chain of counterparts does:
                # the oldest statement with a direct match is the first appearance
                for d in earlier:  # oldest first
                    row = mats[d.doc_id]
                    if (first.date or "") <= (_iso(d.date) or ""):
                        break
                    hit = row.best_reaching(i, th.match) if row.m else None
                    if hit is not None:
                        first = self._ref(self.claims_[d.doc_id][hit[0]], d)
                        break
            out.append(ClaimLineage(
                label=label, claim=ref, issues=tuple(c.issues), stance=c.stance,
                modality=c.modality, opposes=bool(getattr(c, "opposes", False)),
                negated=c.negated, counterpart=counterpart,
                similarity=None if sim is None else round(sim, 4), change=change,
                first_appeared=first, chain=chain,
            ))
        dropped = self._dropped(doc, earlier, out, mats, scope="previous")
        dropped_any = self._dropped(doc, earlier, out, mats, scope="any")
        return StatementLineage(
            doc=document_info(doc, len(new_claims)),
            against=tuple(d.doc_id for d in earlier),
            claims=out, dropped=dropped, dropped_any=dropped_any,
            paragraphs=_paragraphs(doc, out),
            shares=_shares(doc, out),
        )

    def _dropped(
        self,
        doc: Document,
        earlier: Sequence[Document],
        lineage: list[ClaimLineage],
        mats: dict[str, _Scores],
        *,
        scope: str,
    ) -> list[DroppedClaim]:
        th = self.thresholds
        new_claims = self.claims_[doc.doc_id]
        carried = {(cl.counterpart.doc_id, cl.counterpart.index)
                   for cl in lineage if cl.counterpart is not None and cl.label != "new"}
        # origins carried into the new text (every claim of a chain that continues)
        carried_roots = {(cl.first_appeared.doc_id, cl.first_appeared.index)
                         for cl in lineage if cl.label != "new"}
        pool = earlier[-1:] if scope == "previous" else list(earlier)
        # group the earlier claims by the origin of their chain: a commitment is dropped only
        # if no appearance of it is carried into the new text
        groups: dict[tuple[str, int], list[tuple[Document, int, Claim]]] = {}
        for d in pool:
            claims = self.claims_[d.doc_id]
            for j, (o, root) in enumerate(zip(claims, self._roots_of(d), strict=True)):
                groups.setdefault(root, []).append((d, j, o))
        found: dict[tuple[str, int], DroppedClaim] = {}
        # each earlier claim's closest claim of the new text, asked only when needed
        gone = [root for root, members in groups.items()
                if not (root in carried_roots or any(
                    (d.doc_id, o.index) in carried or mats[d.doc_id].col_reaches(j, th.dropped)
                    for d, j, o in members))]
        wanted: dict[str, list[int]] = {}
        for root in gone:
            d, j, _o = groups[root][-1]
            wanted.setdefault(d.doc_id, []).append(j)
        for doc_id, cols in wanted.items():
            mats[doc_id].prefetch_cols(cols)
        for root in gone:
            d, j, o = groups[root][-1]  # latest appearance (docs in date order)
            best, best_sim = mats[d.doc_id].col_best(j)
            ref = self._ref(o, d)
            found[root] = DroppedClaim(
                claim=ref, issues=tuple(o.issues), scope=scope,
                first_appeared=self._origin(ref)[-1], last_seen=ref,
                closest=None if best is None else self._ref(new_claims[best], doc),
                similarity=round(best_sim, 4), stance=o.stance, modality=o.modality,
                opposes=bool(o.opposes),
            )
        return sorted(found.values(), key=lambda x: (x.claim.date or "", x.claim.start))


class _Scores:
    """The similarity matrix of a new statement (rows) against an earlier one (columns): a
    dense list of rows (every pair scored), or a :class:`bilat.text.blocking.LazyScores` (only
    the pairs that can decide a label scored). Both answer the same questions the same way:
    first index of a row's or column's maximum, the columns reaching a threshold (highest
    first, ties by index), one value."""

    def __init__(self, rows: list[list[float]] | None, lazy: Any = None) -> None:
        self.rows = rows
        self.lazy = lazy
        if lazy is not None:
            self.n, self.m = lazy.shape
        else:
            assert rows is not None
            self.n, self.m = len(rows), len(rows[0]) if rows else 0
        self._reach: dict[float, tuple[Any, Any]] = {}
        self._cols: dict[int, tuple[int, float]] = {}
        self._col_reach: dict[float, tuple[Any, Any]] = {}
        self._t: Any = None
        self._row_top: np.ndarray | None = None

    def best_reaching(self, i: int, threshold: float) -> tuple[int, float] | None:
        """(first column of row ``i``'s maximum, maximum) when it is ≥ ``threshold``."""
        if self.rows is not None:
            row = self.rows[i]
            j = max(range(len(row)), key=row.__getitem__)
            return (j, row[j]) if row[j] >= threshold else None
        found = self._reach.get(threshold)
        if found is None:  # every row at once: one vectorised search
            found = self._reach[threshold] = self.lazy.rows_reaching(threshold)
        first, value = found
        return (int(first[i]), float(value[i])) if first[i] >= 0 else None

    def iter_at_least(self, i: int, threshold: float) -> Iterator[int]:
        """Columns of row ``i`` scoring ≥ ``threshold``, highest first, ties by index."""
        if self.rows is not None:
            row = self.rows[i]
            for j in sorted(range(len(row)), key=row.__getitem__, reverse=True):
                if row[j] < threshold:
                    return
                yield j
            return
        if self._row_top is None:  # each row's highest bound: rows below it yield nothing
            self._row_top = self.lazy.upper.max(axis=1) if self.m else np.zeros(self.n)
        if self._row_top[i] >= threshold:
            yield from self.lazy.iter_at_least(i, threshold)

    def col_reaches(self, j: int, threshold: float) -> bool:
        """Whether column ``j``'s maximum is ≥ ``threshold``."""
        if self.rows is not None or self._t is None and not self.n:
            return self.col_best(j)[1] >= threshold
        if self._t is None:
            self._t = self.lazy.T
        if j in self._cols:
            return self._cols[j][1] >= threshold
        found = self._col_reach.get(threshold)
        if found is None:  # every column at once
            found = self._col_reach[threshold] = self._t.rows_reaching(threshold)
        return bool(found[0][j] >= 0)

    def prefetch_cols(self, cols: Sequence[int]) -> None:
        """Find the best row of several columns at once (one vectorised search)."""
        todo = sorted({j for j in cols if j not in self._cols})
        if self.rows is not None or not todo or not self.n:
            return
        if self._t is None:
            self._t = self.lazy.T
        first, value = self._t.row_best(np.asarray(todo))
        for j, f, v in zip(todo, first.tolist(), value.tolist(), strict=True):
            self._cols[j] = (int(f), float(v))

    def value(self, i: int, j: int) -> float:
        """``S[i][j]``."""
        return self.rows[i][j] if self.rows is not None else self.lazy[i, j]

    def col_best(self, j: int) -> tuple[int | None, float]:
        """(first row of column ``j``'s maximum, maximum); (None, 0.0) without rows."""
        if not self.n:
            return None, 0.0
        if self.rows is not None:
            col = [row[j] for row in self.rows]
            best = max(range(len(col)), key=col.__getitem__)
            return best, col[best]
        if self._t is None:
            self._t = self.lazy.T
        found = self._cols.get(j)
        if found is None:
            found = self._cols[j] = self._t.best_of(j)
        return found


def document_info(doc: Document, n_claims: int) -> DocumentInfo:
    """The citation block of a statement."""
    return DocumentInfo(doc.doc_id, _iso(doc.date), doc.title, doc.side, doc.issuer,
                        tuple(doc.parties), doc.source_url, len(doc.text), n_claims)


def _paragraph_spans(doc: Document) -> list[tuple[int, int]]:
    from bilat.text.segment import paragraphs

    return [(p.start, p.end) for p in paragraphs(doc.text)]


def _paragraphs(doc: Document, lineage: list[ClaimLineage]) -> list[ParagraphLineage]:
    from bisect import bisect_right

    spans = _paragraph_spans(doc)
    disjoint = all(a[0] < a[1] <= b[0] for a, b in itertools.pairwise(spans))
    by_span: dict[int, list[int]] = {}
    if disjoint:  # sorted, non-overlapping paragraphs: each claim start in one at most
        starts = [a for a, _ in spans]
        for k, cl in enumerate(lineage):
            at = bisect_right(starts, cl.claim.start) - 1
            if at >= 0 and cl.claim.start < spans[at][1]:
                by_span.setdefault(at, []).append(k)
    out = []
    for idx, (start, end) in enumerate(spans):
        members = tuple(by_span.get(idx, ())) if disjoint else tuple(
            k for k, cl in enumerate(lineage) if start <= cl.claim.start < end)
        labels = Counter(lineage[k].label for k in members)
        out.append(ParagraphLineage(idx, start, end, members, dict(labels)))
    return out


def _shares(doc: Document, lineage: list[ClaimLineage]) -> dict[str, Any]:
    n = len(lineage)
    chars = Counter()
    counts = Counter()
    for cl in lineage:
        counts[cl.label] += 1
        chars[cl.label] += cl.claim.end - cl.claim.start
    total_chars = sum(chars.values())
    return {
        "claims": n,
        "claim_chars": total_chars,
        "text_chars": len(doc.text),
        "outside_claims_chars": len(doc.text) - total_chars,
        "by_claims": {lab: {"n": counts[lab], "share": round(counts[lab] / n, 4) if n else 0.0}
                      for lab in LABELS},
        "by_chars": {lab: {"chars": chars[lab],
                           "share": round(chars[lab] / total_chars, 4) if total_chars else 0.0}
                     for lab in LABELS},
    }


# ---------------------------------------------------------------------------------- heading
#: A piece that ends a sentence or runs on (comma, colon …): not a heading.
_RUNS_ON = re.compile(r"[.!?。！？…;；:：,，\-–—]\s*$")
#: Separator of heading pieces on the first line: a run of two or more spaces.
_GAP = re.compile(r"[ \t\u00a0\u3000]{2,}")


def heading_span(text: str) -> tuple[list[tuple[int, int]], int] | None:
    """The heading of a statement: (its pieces as (start, end) offsets, where the body starts).

    A *heading* is the first line when it has no sentence-final (or running-on) punctuation
    and is followed by a line break and a line that does not start in lower case (the
    title), or, when the first line holds pieces separated by runs of two or more spaces
    (``Совместное заявление …  13 марта 2025 года     По приглашению``, a page scraped with
    its line breaks turned into spaces), every piece but the last that has no such
    punctuation (title, date). Pieces are at most 300 characters. None when there is none.
    """
    first = len(text) - len(text.lstrip())
    nl = text.find("\n", first)
    line_end = len(text) if nl < 0 else nl
    line = text[first:line_end]
    if not line.strip():
        return None
    pieces: list[tuple[int, int]] = []
    pos = first
    for m in _GAP.finditer(line.rstrip()):
        pieces.append((pos, first + m.start()))
        pos = first + m.end()
    last = (pos, first + len(line.rstrip()))
    heads: list[tuple[int, int]] = []
    if pieces:
        for a, b in pieces:
            piece = text[a:b]
            if _RUNS_ON.search(piece) or len(piece) > 300 or not piece.strip():
                break
            heads.append((a, b))
        if not heads:
            return None
        nxt = pieces[len(heads)] if len(heads) < len(pieces) else last
        return heads, nxt[0]
    rest = text[line_end:]
    body = len(text) - len(rest.lstrip())
    if nl < 0 or body >= len(text) or _RUNS_ON.search(line) or len(line.strip()) > 300:
        return None
    if re.match(r"[a-zа-яё]", text[body]):
        return None  # a hard wrap inside the first sentence
    return [last], body


def _piece_claim(doc: Document, claim: Claim, start: int, end: int,
                 lexicon: Lexicon | None) -> Claim:
    """``claim`` cut to ``[start, end)``: text, issues, stance, modality, negation recomputed."""
    from dataclasses import replace

    from bilat.text.claims import modality_of, negated_in, opposes_in, stance_of
    from bilat.text.lexicon import load_lexicon

    lex = lexicon or load_lexicon()
    lang = doc.language if doc.language in ("en", "ru", "zh") else "en"
    text = doc.text[start:end]
    hits = lex.issue_spans(text)
    stance, stance_cue = stance_of(text, lang)
    modality, modality_cue = modality_of(text, lang)
    extra = dict(claim.extra)
    extra.update({"stance_cue": stance_cue, "modality_cue": modality_cue,
                  "issue_spans": [[h.key, start + h.start, start + h.end] for h in hits],
                  "heading_split": True})
    return replace(claim, start=start, end=end, text=text,
                   issues=tuple(dict.fromkeys(h.key for h in hits)), stance=stance,
                   modality=modality, negated=negated_in(text, lang),
                   opposes=opposes_in(text, lang), extra=extra)


def split_heading(doc: Document, claims: Sequence[Claim],
                  lexicon: Lexicon | None = None) -> list[Claim]:
    """Claims with the heading (:func:`heading_span`) cut off the first claim it is glued to.

    A claim that runs from a heading piece into the body becomes one claim per heading piece
    plus the rest from where the body starts (fields recomputed on each piece); claims are
    renumbered. Texts without a heading, or whose heading is already its own claim, are
    returned unchanged.
    """
    from dataclasses import replace

    found = heading_span(doc.text)
    if found is None:
        return list(claims)
    heads, body = found
    out: list[Claim] = []
    changed = False
    for c in claims:
        if c.start < body < c.end and c.start < heads[-1][1]:
            for a, b in heads:
                lo, hi = max(a, c.start), min(b, c.end)
                if lo < hi:
                    out.append(_piece_claim(doc, c, lo, hi, lexicon))
            out.append(_piece_claim(doc, c, body, c.end, lexicon))
            changed = True
        else:
            out.append(c)
    if not changed:
        return list(claims)
    return [replace(c, index=k) for k, c in enumerate(out)]


def heading_states(doc: Document, lexicon: Lexicon | None = None) -> dict[str, str]:
    """States the statement's heading names: ISO3 → the words found (first mention).

    States are found by the lexicon's sides, leader titles and leaders, and by issues tied to
    a country (``Исламской Республикой Иран`` → IRN). Empty when there is no heading
    (:func:`heading_span`) or it names no state the lexicon knows.
    """
    from bilat.text.lexicon import load_lexicon

    found = heading_span(doc.text)
    if found is None:
        return {}
    lex = lexicon or load_lexicon()
    heads, _ = found
    start, end = heads[0][0], heads[-1][1]
    text = doc.text[start:end]
    out: dict[str, str] = {}
    hits = [(m.start, m.end, m.side) for m in lex.actor_spans(text)]
    hits += [(h.start, h.end, lex.country(h.key)) for h in lex.issue_spans(text)]
    for a, b, iso in sorted(hits, key=lambda h: h[0]):
        if iso and iso.upper() not in ("BOTH", "JOINT"):
            out.setdefault(iso.upper(), " ".join(text[a:b].split()))
    return out


# ---------------------------------------------------------------------------------- series
@dataclass(frozen=True)
class _Source:
    value: str
    date: Date | None


def _parse_date(value: str, *, where: str) -> Date:
    text = value.strip()
    try:
        return Date.fromisoformat(text)
    except ValueError:
        raise error("E007", value=value, path=where) from None


def _split_at(value: str) -> _Source:
    """``FILE@YYYY-MM-DD`` → the file and its date (an ``@`` not followed by a date stays)."""
    head, sep, tail = value.rpartition("@")
    if sep and re.fullmatch(r"\d{4}-\d{2}-\d{2}", tail.strip()):
        return _Source(head, _parse_date(tail, where=value))
    return _Source(value, None)


def resolve_series(
    sources: Sequence[Document | str | Path],
    *,
    store: Store | None = None,
    dates: Sequence[str | Date] | None = None,
    parties: Sequence[str] | None = None,
    side: str = "JOINT",
    issuer: str | None = None,
    kind: str = "statement",
    languages: Sequence[str | None] = (),
) -> list[Document]:
    """Documents from Document objects, file paths, ``FILE@YYYY-MM-DD`` or stored ids.

    ``dates`` gives one date per source, in order (or none); a date written into the source
    (``@YYYY-MM-DD``) wins. ``languages`` gives the language (``en``, ``ru``, ``zh``) of the
    first sources, in order, when its detection is wrong (``None`` keeps the detected one;
    an unsupported value is E370). Files are read with
    :func:`bilat.text.documents.load_document`; stored ids with
    :func:`bilat.text.documents.get_document`.
    """
    from bilat.text.documents import check_language

    if dates is not None and len(dates) and len(dates) != len(sources):
        raise error("E409", given=len(dates), count=len(sources))
    langs = [check_language(v) if v else None for v in languages]
    out: list[Document] = []
    for k, src in enumerate(sources):
        given: Date | None = None
        if dates is not None and len(dates):
            d = dates[k]
            given = d if isinstance(d, Date) else _parse_date(str(d), where=str(src))
        lang = langs[k] if k < len(langs) else None
        if isinstance(src, Document):
            doc = src
            if given is not None and doc.date != given:
                doc = with_meta(doc, date=given)
            if lang is not None and doc.language != lang:
                doc = with_meta(doc, language=lang)
            out.append(doc)
            continue
        spec = _split_at(str(src))
        when = spec.date or given
        out.append(_load_one(spec.value, when, store=store, parties=parties, side=side,
                             issuer=issuer, kind=kind, language=lang))
    return out


def _load_one(
    value: str,
    when: Date | None,
    *,
    store: Store | None,
    parties: Sequence[str] | None,
    side: str,
    issuer: str | None,
    kind: str,
    language: str | None = None,
) -> Document:
    from bilat.errors import BilatError
    from bilat.text import documents as docs_mod

    path = Path(value).expanduser()
    if path.is_file():
        meta: dict[str, Any] = {"side": side, "kind": kind, "date": when}
        if issuer:
            meta["issuer"] = issuer
        if parties:
            meta["parties"] = tuple(parties)
        if language:
            meta["language"] = language
        return docs_mod.load_document(path, **meta)
    if store is None:
        raise error("E404", value=value, reason="no such file, and no store to look it up in")
    try:
        doc = docs_mod.get_document(store, value)
    except BilatError as exc:
        raise error("E404", value=value, reason=f"no such file; {exc.message}") from exc
    if when is not None and doc.date != when:
        doc = with_meta(doc, date=when)
    if language is not None and doc.language != language:
        doc = with_meta(doc, language=language)
    return doc


def _label_of(doc: Document) -> str:
    src = doc.source_url or ""
    return Path(src).name if src and "://" not in src else (src or doc.doc_id)


def check_series(
    docs: Sequence[Document], *, parties: Sequence[str] | None = None,
    lexicon: Lexicon | None = None,
) -> tuple[list[Document], tuple[str, ...], list[str]]:
    """Validate and order a series; returns (docs oldest first, parties, notes for the user).

    Rules (documented in the CLI help): every statement needs a date (E402); statements given
    out of date order are sorted and a note says so; a text given twice (same content hash)
    is kept once, at its earliest date, with a note; all statements must be between the same
    parties (E403; parties from ``parties`` or the first statement that names them); a
    statement whose heading (:func:`heading_states`) names a state outside the series' parties
    (or, with none given or stored, outside those the first heading names) gets a note naming
    both (``--parties`` stamps every file with the given parties, so a treaty with Iran in a
    Russia–Belarus series would otherwise pass unseen); at least two distinct statements must
    remain (E401). A statement in a language bilat does not
    analyse is E319.
    """
    from bilat.text.documents import require_supported

    for d in docs:
        require_supported(d)
    notes: list[str] = []
    for d in docs:
        if d.date is None:
            raise error("E402", doc=d.title or d.source_url or d.doc_id)
    seen: dict[str, Document] = {}
    unique: list[Document] = []
    for d in sorted(docs, key=lambda x: x.date or Date.min):
        if d.sha256 in seen:
            first = seen[d.sha256]
            notes.append(f"the same text was given twice: {d.doc_id} ({_iso(d.date)}) repeats "
                         f"{first.doc_id} ({_iso(first.date)}); kept once, at the earlier date")
            continue
        seen[d.sha256] = d
        unique.append(d)
    order = [d.doc_id for d in docs if d.doc_id in {u.doc_id for u in unique}]
    dedup_order = list(dict.fromkeys(order))
    if dedup_order != [u.doc_id for u in unique]:
        notes.append("statements were given out of date order; sorted oldest first: "
                     + ", ".join(f"{_iso(u.date)} {u.doc_id}" for u in unique))
    if len(unique) < 2:
        removed = len(docs) - len(unique)
        detail = f" distinct text (after removing {removed} duplicate)" if removed else ""
        raise error("E401", count=len(unique), detail=detail)
    expected = tuple(sorted({p.upper() for p in parties})) if parties else None
    if expected is None:
        for d in unique:
            if d.parties:
                expected = tuple(sorted(set(d.parties)))
                break
    if expected:
        for d in unique:
            if d.parties and tuple(sorted(set(d.parties))) != expected:
                raise error("E403", doc=f"{d.doc_id} ({_iso(d.date)})",
                            found="–".join(sorted(set(d.parties))), expected="–".join(expected))
    # the states a statement's heading names: --parties stamps every file with the same
    # parties, so a statement of another pair would pass unseen
    named = {d.doc_id: heading_states(d, lexicon) for d in unique}
    reference = set(expected or ())
    where = f"the series is between {'–'.join(expected)}" + (" (--parties)" if parties else "") \
        if expected else ""
    for d in unique:
        states = named[d.doc_id]
        if not states:
            continue
        if not reference:  # no parties given or stored: the first heading that names states
            reference = set(states)
            where = f"the heading of {_label_of(d)} ({_iso(d.date)}) names " + ", ".join(
                f"{iso} ({w})" for iso, w in states.items())
            continue
        extra = {iso: w for iso, w in states.items() if iso not in reference}
        if extra:
            notes.append(
                f"statement {_label_of(d)} ({_iso(d.date)}) names "
                + ", ".join(f"{iso} ({w})" for iso, w in extra.items())
                + f" in its heading, but {where}: it may be between different parties; "
                "check that it belongs to this series (a lineage across pairs compares "
                "unlike texts)")
    dates = Counter(u.date for u in unique)
    for when, n in dates.items():
        if n > 1:
            notes.append(f"{n} statements share the date {_iso(when)}; they are ordered as given")
    return unique, expected or (), notes


# ---------------------------------------------------------------------------------- API
def lineage(
    docs: Sequence[Document | str | Path],
    *,
    store: Store | None = None,
    dates: Sequence[str | Date] | None = None,
    parties: Sequence[str] | None = None,
    watch: Sequence[str] = (),
    window_weeks: int = 4,
    thresholds: Thresholds | None = None,
    lexicon: Lexicon | None = None,
    readouts: bool = True,
    events: bool = True,
    aligner: str = "lexical",
    languages: Sequence[str | None] = (),
) -> LineageReport:
    """Lineage of a series of statements: labels, counterparts, first appearance, drops, omissions.

    ``docs`` are Documents, file paths (``FILE@YYYY-MM-DD`` gives the date) or stored document
    ids (with ``store``). The newest statement is summarised; every later statement is
    labelled against all earlier ones. Omissions (:func:`bilat.text.omissions.find_omissions`)
    come from the ``watch`` list (issue keys), and, when ``store`` is given, from the two
    sides' readouts dated within ``window_weeks`` of the newest statement and from the event
    data of those weeks against a baseline. ``aligner`` is passed to
    :func:`bilat.text.align.get_aligner` (``lexical`` default; ``embeddings`` optional).
    ``languages`` states the language of the first documents, in order, when its detection is
    wrong (see :func:`resolve_series`).
    """
    from bilat.text.lexicon import load_lexicon
    from bilat.text.omissions import find_omissions

    if not 1 <= int(window_weeks) <= 52:
        raise error("E408", option="--window-weeks", value=window_weeks,
                    expected="give a whole number of weeks from 1 to 52")
    lex = lexicon or load_lexicon()
    unknown = [w for w in watch if w not in lex.issues]
    if unknown:
        raise error("E405", value=unknown[0], options=", ".join(sorted(lex.issues)))
    resolved = resolve_series(docs, store=store, dates=dates, parties=parties,
                              languages=languages)
    series, found_parties, notes = check_series(resolved, parties=parties, lexicon=lex)
    model = LineageModel(thresholds, lexicon=lex, aligner=aligner).fit(series)
    focus_doc = series[-1]
    report = LineageReport(
        parties=found_parties,
        series=[document_info(d, len(model.claims_[d.doc_id])) for d in series],
        statements=model.lineages_,
        thresholds=model.thresholds,
        notes=notes,
        texts={d.doc_id: d.text for d in series},
    )
    report.omissions = find_omissions(
        focus_doc, model.claims_[focus_doc.doc_id], watch=watch, store=store,
        parties=found_parties, window_weeks=window_weeks, lexicon=lex,
        exclude=tuple(d.doc_id for d in series), readouts=readouts, events=events,
    )
    report.texts.update(report.omissions.texts)
    return report


def summarise(report: LineageReport) -> dict[str, Any]:
    """The quotable figures of the newest statement: shares, new, changed, dropped, omitted."""
    st = report.focus
    sh = st.shares

    def brief(cl: ClaimLineage) -> dict[str, Any]:
        return {
            "quote": cl.claim.quote, "doc_id": cl.claim.doc_id, "start": cl.claim.start,
            "end": cl.claim.end, "issues": list(cl.issues), "change": cl.change,
            "counterpart": None if cl.counterpart is None else {
                "doc_id": cl.counterpart.doc_id, "date": cl.counterpart.date,
                "start": cl.counterpart.start, "end": cl.counterpart.end,
                "quote": cl.counterpart.quote},
            "similarity": cl.similarity, "first_appeared": cl.first_appeared.date,
        }

    def brief_drop(dr: DroppedClaim) -> dict[str, Any]:
        return {"quote": dr.claim.quote, "doc_id": dr.claim.doc_id, "date": dr.claim.date,
                "start": dr.claim.start, "end": dr.claim.end, "issues": list(dr.issues),
                "commitment": dr.is_commitment,
                "first_appeared": dr.first_appeared.date, "best_similarity": dr.similarity}

    omitted = [] if report.omissions is None else [
        {"issue": o.issue, "label": o.label, "sources": list(o.sources)}
        for o in report.omissions.omissions
    ]
    by_c = sh["by_claims"]
    by_ch = sh["by_chars"]
    earliest = min((cl.first_appeared.date or "" for cl in st.claims if cl.label != "new"),
                   default=None)
    text = (
        f"Of {sh['claims']} claims in the statement of {st.doc.date} ({sh['claim_chars']:,} "
        f"characters of claim text), {by_c['new']['n']} are new "
        f"({by_c['new']['share']:.0%} of claims, {by_ch['new']['share']:.0%} of characters) and "
        f"{by_c['reaffirmed']['n']} reaffirm earlier statements "
        f"({by_c['reaffirmed']['share']:.0%}, {by_ch['reaffirmed']['share']:.0%})"
        + (f", the oldest wording first appearing on {earliest}" if earliest else "")
        + f"; {by_c['strengthened']['n']} strengthened and {by_c['weakened']['n']} weakened "
        f"an earlier commitment; {len(st.dropped)} claims of the previous statement "
        f"({report.series[-2].date}) were dropped, "
        f"{sum(d.is_commitment for d in st.dropped)} of them commitments"
        + (f"; not mentioned though salient: {', '.join(o['label'] for o in omitted)}"
           if omitted else "")
        + "."
    )
    return {
        "doc_id": st.doc.doc_id,
        "date": st.doc.date,
        "against": [d.doc_id for d in report.series[:-1]],
        "claims": sh["claims"],
        "shares": {"by_claims": by_c, "by_chars": by_ch,
                   "claim_chars": sh["claim_chars"], "text_chars": sh["text_chars"]},
        "new_commitments": [brief(c) for c in st.claims if c.label == "new" and c.is_commitment],
        "new_other": [brief(c) for c in st.claims if c.label == "new" and not c.is_commitment],
        "strengthened": [brief(c) for c in st.claims if c.label == "strengthened"],
        "weakened": [brief(c) for c in st.claims if c.label == "weakened"],
        "dropped": [brief_drop(d) for d in st.dropped],
        "dropped_any": [brief_drop(d) for d in st.dropped_any],
        "omissions": omitted,
        "text": text,
    }
