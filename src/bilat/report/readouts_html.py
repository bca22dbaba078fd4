"""A self-contained HTML page of a readout comparison: texts side by side, claims highlighted.

Every claim is a ``<span>`` carrying ``data-doc``, ``data-start``, ``data-end`` (offsets into the
document text), its label and a link to its counterpart; one-sided claims and unconfirmed
attributions are highlighted and listed first. All document text goes through Jinja2 with
autoescape on, so markup in a readout (``<script>``, ``&``) is shown, never run. No external
scripts, fonts or styles: the page opens offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader

from bilat.errors import error
from bilat.text.readouts import LABELS, Comparison


def _env() -> Environment:
    return Environment(loader=PackageLoader("bilat.report", "templates"), autoescape=True,
                       trim_blocks=False, lstrip_blocks=False)


def _anchor(claim_id: str) -> str:
    return "c-" + claim_id.replace(":", "-")


def _parts(cmp: Comparison, doc_id: str, text: str) -> list[dict[str, Any]]:
    results = sorted((r for r in cmp.results if r.claim.doc_id == doc_id),
                     key=lambda r: r.claim.start)
    parts: list[dict[str, Any]] = []
    pos = 0
    for r in results:
        c = r.claim
        if c.start > pos:
            parts.append({"kind": "gap", "text": text[pos:c.start]})
        tip = (f"{r.label} · {c.claim_id} [{c.start}:{c.end}] · speaker {c.speaker or '?'}"
               f" ({c.speaker_side or '?'}) · issues {', '.join(c.issues) or '—'}"
               f" · stance {c.stance or '—'} · modality {c.modality or '—'}"
               f" · score {r.score:.2f} · confidence {r.confidence:.2f}"
               + (f" · {'; '.join(r.reasons)}" if r.reasons else ""))
        parts.append({
            "kind": "claim", "text": text[c.start:c.end], "label": r.label, "flags": r.flags,
            "anchor": _anchor(c.claim_id), "doc_id": c.doc_id, "start": c.start, "end": c.end,
            "counterpart": r.counterpart,
            "counterpart_anchor": _anchor(r.counterpart) if r.counterpart else None,
            "tooltip": tip,
        })
        pos = max(pos, c.end)
    if pos < len(text):
        parts.append({"kind": "gap", "text": text[pos:]})
    return parts


def render_readouts_html(cmp: Comparison, title: str | None = None) -> str:
    """The comparison as one self-contained HTML page (a string)."""
    from bilat import __version__ as version

    counts = {row["doc_id"]: row for row in cmp.counts().to_dict(orient="records")}
    docs = []
    for d in cmp.documents:
        docs.append({
            "doc_id": d.doc_id, "side": d.side, "issuer": d.issuer,
            "date": d.date.isoformat() if d.date else None, "language": d.language,
            "title": d.title, "source_url": d.source_url, "counts": counts[d.doc_id],
            "unmatched": cmp.unmatched_share[d.doc_id], "only_in": cmp.issues_only_in[d.doc_id],
            "parts": _parts(cmp, d.doc_id, d.text),
        })
    flagged = []
    for r in cmp.flagged:
        c = r.claim
        flagged.append({
            "label": r.label, "flags": r.flags, "doc_id": c.doc_id, "side": r.side,
            "start": c.start, "end": c.end, "speaker": c.speaker, "speaker_side": c.speaker_side,
            "issues": list(c.issues), "text": c.text, "reasons": r.reasons,
            "anchor": _anchor(c.claim_id), "confidence": r.confidence,
            "confidence_reason": r.confidence_reason,
        })
    first = cmp.documents[0].doc_id if cmp.documents else None
    matched = []
    for row in cmp.matched(("shared", "divergent")).to_dict(orient="records"):
        if not row["claim_id"].startswith(f"{first}:"):
            continue
        row["anchor"] = _anchor(row["claim_id"])
        row["counterpart_anchor"] = _anchor(row["counterpart"]) if row["counterpart"] else None
        matched.append(row)
    sides = " vs ".join(d.side or "?" for d in cmp.documents)
    dates = sorted({d.date.isoformat() for d in cmp.documents if d.date})
    page_title = title or f"Readout comparison: {sides}" + (f", {' / '.join(dates)}"
                                                              if dates else "")
    return _env().get_template("readouts.html.j2").render(
        title=page_title, version=version, docs=docs, labels=LABELS, flagged=flagged,
        matched=matched,
        asymmetry=cmp.asymmetry, asymmetry_definition=cmp.asymmetry_definition,
        notes=cmp.notes, method=cmp.method,
    )


def save_readouts_html(cmp: Comparison, path: str | Path, title: str | None = None) -> Path:
    """Write :func:`render_readouts_html` to ``path`` (E005 when it cannot be written)."""
    target = Path(path)
    try:
        target.write_text(render_readouts_html(cmp, title), encoding="utf-8")
    except OSError as exc:
        raise error("E005", path=target, reason=exc.strerror or str(exc)) from exc
    return target


__all__ = ["render_readouts_html", "save_readouts_html"]
