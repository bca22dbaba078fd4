"""Plain dataclasses shared by every text feature: documents, claims, and their provenance.

A claim always points back into its document by character offsets, so any flagged sentence can
be shown, quoted and checked against the original (``doc.text[claim.start:claim.end]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

#: Stance strength, strongest first; ``STANCE_RANK[s]`` orders them (higher = stronger).
STANCES = ("firmly_supports", "supports", "understands", "notes")
STANCE_RANK = {s: len(STANCES) - i for i, s in enumerate(STANCES)}
#: Commitment forms, strongest first; ``MODALITY_RANK[m]`` orders them (higher = firmer).
#: 'will' (will, shall, are determined to), 'agreed' (agreed to), 'ready_to' (ready/willing to),
#: 'should' (should, must, need to), 'hope' (hope, expect, call for).
MODALITIES = ("will", "agreed", "ready_to", "should", "hope")
MODALITY_RANK = {m: len(MODALITIES) - i for i, m in enumerate(MODALITIES)}


@dataclass(frozen=True)
class Document:
    """One readout, statement or transcript, as retrieved; a changed text is a new version."""

    doc_id: str  # stable id derived from the content hash (first 16 hex digits of sha256)
    text: str  # the main text exactly as extracted; all offsets index into this string
    sha256: str  # hash of ``text`` (UTF-8)
    language: str  # ISO 639-1 as detected: 'en', 'ru', 'zh', ...
    side: str | None = None  # issuing state, ISO3 ('CHN', 'RUS'); 'JOINT' for joint statements
    issuer: str | None = None  # e.g. 'Kremlin', 'PRC Ministry of Foreign Affairs'
    date: date | None = None  # date of the event or statement the document reports
    title: str | None = None
    source_url: str | None = None  # URL or file path it came from
    retrieved_at: datetime | None = None
    kind: str = "readout"  # 'readout' | 'statement' | 'transcript' | 'other'
    parties: tuple[str, ...] = ()  # ISO3 codes of the states the document is about/between
    event: str | None = None  # free key grouping documents of one call or summit
    #: what reading changed (entities decoded, control characters removed, side inferred…)
    notes: tuple[str, ...] = field(default=(), compare=False, hash=False)


@dataclass(frozen=True)
class Claim:
    """One assertion in a document: a sentence, or a part of a sentence that carries several."""

    doc_id: str
    index: int  # position of the claim in its document (0-based)
    start: int  # character offset of the first character in ``Document.text``
    end: int  # offset one past the last character
    text: str  # ``Document.text[start:end]``
    sentence_index: int
    paragraph_index: int = 0
    speaker: str | None = None  # 'Xi Jinping', 'Vladimir Putin', 'both sides', or the issuer
    speaker_side: str | None = None  # ISO3 of the speaker's state; 'BOTH' for 'the two sides'
    issues: tuple[str, ...] = ()  # issue keys from the lexicon ('taiwan', 'ukraine', ...)
    stance: str | None = None  # one of STANCES, or None when the claim takes no stance
    modality: str | None = None  # commitment form: 'will', 'ready_to', 'should', ...
    negated: bool = False
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    opposes: bool = False  # the claim states opposition ("opposes", "выступает против", "反对")
    attributed: bool = False  # speaker named in the text (not the issuer by default)
    language: str | None = None  # language of the document the claim comes from

    @property
    def modality_rank(self) -> int:
        """Firmness of the commitment form (0 when there is none)."""
        return MODALITY_RANK.get(self.modality or "", 0)

    @property
    def claim_id(self) -> str:
        """``<doc_id>:<index>``: the citation key of this claim."""
        return f"{self.doc_id}:{self.index}"

    @property
    def stance_rank(self) -> int:
        """Strength of the stance (0 when there is none)."""
        return STANCE_RANK.get(self.stance or "", 0)
