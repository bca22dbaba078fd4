"""Self-contained HTML view of a statement lineage (:class:`~bilat.text.lineage.LineageReport`).

One page, no scripts, no external files: the newest statement paragraph by paragraph, each
claim coloured by its label (new / reaffirmed / strengthened / weakened) and linked to its
earliest counterpart (date, offsets, quote), the earlier statements below with every cited
claim anchored, the dropped commitments, and the omissions with their evidence (readout
mentions with offsets; event counts, baseline and sample GLOBALEVENTIDs / SOURCEURLs).
Every piece of document text goes through Jinja2 autoescaping; links are only made from
``http(s)`` URLs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from bilat.errors import error
from bilat.text.lineage import LABELS, ClaimRef, LineageReport

#: Colour of each label on the page (also used in the legend).
COLOURS = {
    "new": "#c9f0c0",
    "reaffirmed": "#e4e4e4",
    "strengthened": "#c8ddff",
    "weakened": "#ffdcb8",
    "dropped": "#ffd0d0",
}


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("bilat.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def anchor(ref: ClaimRef | None) -> str:
    """The HTML id of a cited claim: ``c-<doc_id>-<start>-<end>``."""
    if ref is None:
        return ""
    return f"c-{ref.doc_id}-{ref.start}-{ref.end}"


def _pieces(text: str, start: int, end: int,
            spans: Iterable[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """Cut ``text[start:end]`` into plain pieces and claim pieces (id, label); no overlaps."""
    out: list[dict[str, Any]] = []
    pos = start
    for s, e, ident, label in sorted(spans):
        if e <= pos or s >= end:
            continue
        s = max(s, pos)
        if s > pos:
            out.append({"text": text[pos:s], "id": None, "label": None})
        out.append({"text": text[s:min(e, end)], "id": ident, "label": label})
        pos = min(e, end)
    if pos < end:
        out.append({"text": text[pos:end], "id": None, "label": None})
    return out


def _safe_url(value: Any) -> str | None:
    text = str(value or "")
    return text if text.lower().startswith(("http://", "https://")) else None


def view_model(report: LineageReport) -> dict[str, Any]:
    """Everything the template shows, as plain data (text still raw: the template escapes it)."""
    focus = report.focus
    text = report.texts.get(focus.doc.doc_id, "")
    paragraphs = []
    for para in focus.paragraphs:
        claims = [focus.claims[k] for k in para.claims]
        spans = [(c.claim.start, c.claim.end, anchor(c.claim), c.label) for c in claims]
        paragraphs.append({"index": para.index, "start": para.start, "end": para.end,
                           "labels": para.labels,
                           "pieces": _pieces(text, para.start, para.end, spans),
                           "claims": claims})
    # every earlier claim the page cites, anchored in its statement's text
    cited: dict[str, dict[tuple[int, int], str]] = {}

    def cite(ref: ClaimRef | None, label: str = "cited") -> None:
        if ref is not None and ref.doc_id != focus.doc.doc_id:
            cited.setdefault(ref.doc_id, {})[(ref.start, ref.end)] = label

    for c in focus.claims:
        cite(c.counterpart)
        for r in c.chain:
            cite(r)
        cite(c.first_appeared)
    for d in [*focus.dropped, *focus.dropped_any]:
        cite(d.claim, "dropped")
    earlier = []
    for info in report.series[:-1]:
        body = report.texts.get(info.doc_id, "")
        spans = [(s, e, f"c-{info.doc_id}-{s}-{e}", lab)
                 for (s, e), lab in cited.get(info.doc_id, {}).items()]
        earlier.append({"info": info, "pieces": _pieces(body, 0, len(body), spans)})
    omissions = []
    if report.omissions is not None:
        for o in report.omissions.omissions:
            sample = []
            if o.events is not None:
                for ev in o.events.sample:
                    sample.append({**ev, "url": _safe_url(ev.get("SOURCEURL"))})
            omissions.append({"o": o, "sample": sample})
    return {
        "report": report,
        "focus": focus,
        "summary": report.summary(),
        "paragraphs": paragraphs,
        "earlier": earlier,
        "omissions": omissions,
        "labels": LABELS,
        "colours": COLOURS,
        "anchor": anchor,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def render_lineage_html(report: LineageReport) -> str:
    """The lineage report as one self-contained HTML page (all document text escaped)."""
    template = _env().get_template("lineage.html.j2")
    return template.render(**view_model(report))


def save_lineage_html(report: LineageReport, path: str | Path) -> Path:
    """Write :func:`render_lineage_html` to ``path`` (UTF-8); E005 if it cannot be written."""
    target = Path(path)
    try:
        target.write_text(render_lineage_html(report), encoding="utf-8")
    except OSError as exc:
        raise error("E005", path=target, reason=exc.strerror or str(exc)) from exc
    return target
