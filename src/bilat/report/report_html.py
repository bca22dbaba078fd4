"""The partnership report as one self-contained HTML page, plus its JSON and per-pillar files.

:func:`save_report` writes into ``out/``:

- ``index.html``: the question, the bottom line, the ACH matrix (every cell links to its
  evidence item, which lists its provenance), one section per pillar with its chart
  (Vega-Lite; the Vega, Vega-Lite and vega-embed scripts are inlined once, so the page makes no
  network request) and yardsticks, words against deeds, the data-coverage table, sensitivity
  and milestones, and links to the per-pillar files below. Any text that is a test text or not
  a verified original carries a visible banner.
- ``report.json``: every figure (:meth:`bilat.assess.report.Report.to_dict`).
- ``votes.csv`` (every roll call behind the vote figures, both votes), ``core_votes.csv``,
  ``words_deeds.csv``, ``readouts-<event>.html`` (one per compared readout pair, by
  :mod:`bilat.report.readouts_html`) and ``lineage.html`` (joint statements) when the store
  holds them.

All text from documents goes through Jinja2 with autoescape on; chart specs are JSON with
``</`` escaped, so nothing in the data can close a script element.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader

from bilat.errors import error

RATING_CLASS = {"CC": "cc", "C": "c", "N": "n", "I": "i", "II": "ii"}


def _env() -> Environment:
    # finalize: a NaN/NaT anywhere in the page prints as "—", never "nan"
    env = Environment(loader=PackageLoader("bilat.report", "templates"), autoescape=True,
                      finalize=lambda v: "—" if _clean(v) is None and v is not None else v)
    env.filters["num"] = _num
    env.filters["ordinal"] = _ordinal
    env.filters["pct"] = lambda x: "—" if x is None else f"{x:.0%}"
    return env


def _num(x: Any, spec: str = ".3g") -> str:
    """A number for a table cell: "—" for missing; by default three significant digits, and
    whole numbers with thousands separators from 1,000 up (never 8.56e+04)."""
    if x is None:
        return "—"
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if f != f:
        return "—"
    if spec == ".3g" and abs(f) >= 1000 and abs(f) != float("inf"):
        return f"{f:,.0f}"
    return format(f, spec)


def _ordinal(x: Any) -> str:
    """62 → "62nd", 11 → "11th", 93 → "93rd"; "—" for missing (percentiles in the tables)."""
    if x is None:
        return "—"
    try:
        n = round(float(x))
    except (TypeError, ValueError):
        return str(x)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@lru_cache(maxsize=1)
def _vega_bundle() -> str:
    """The Vega + Vega-Lite + vega-embed JavaScript bundle (vl-convert), cached on disk.

    vl-convert builds the bundle on each call (≈ 10 s); it is kept in the user cache folder
    under its vl-convert and Vega-Lite versions, and rebuilt when missing or unreadable.
    """
    import vl_convert as vlc
    from altair.utils._importers import vl_version_for_vl_convert
    from platformdirs import user_cache_dir

    ver = vl_version_for_vl_convert()
    key = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{getattr(vlc, '__version__', 'x')}-{ver}")
    cache = Path(user_cache_dir("bilat", appauthor=False)) / f"vega-embed-{key}.js"
    try:
        text = cache.read_text(encoding="utf-8")
        if "vegaEmbed" in text:
            return text
    except OSError:
        pass
    text = vlc.javascript_bundle(vl_version=ver)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(cache.name + f".{os.getpid()}.part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(cache)
    except OSError:  # a read-only cache folder: build it again next time
        pass
    return text


def _safe_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str).replace("</", "<\\/")


def _chart_spec(df: pd.DataFrame, spec: dict[str, str]) -> dict[str, Any] | None:
    """A Vega-Lite spec (dict) for one pillar's chart, built with Altair."""
    import altair as alt

    if df is None or not len(df):
        return None
    data = df.copy()
    x, y, color = spec["x"], spec["y"], spec.get("color")
    for c in data.columns:
        if data[c].dtype == object:
            data[c] = data[c].astype(str)
    if spec.get("mark") == "bar":
        ch = alt.Chart(data).mark_bar().encode(
            x=alt.X(f"{x}:N", title=x, axis=alt.Axis(labelAngle=-30, labelLimit=220)),
            xOffset=alt.XOffset(f"{color}:N") if color else alt.Undefined,
            y=alt.Y(f"{y}:Q", title=y),
            color=alt.Color(f"{color}:N") if color else alt.Undefined,
            tooltip=list(data.columns))
    else:
        enc: dict[str, Any] = {
            "x": alt.X(f"{x}:Q", title=x, axis=alt.Axis(format="d", tickMinStep=1)),
            "y": alt.Y(f"{y}:Q", title=y),
            "tooltip": list(data.columns),
        }
        if color:
            enc["color"] = alt.Color(f"{color}:N", title=color)
        ch = alt.Chart(data).mark_line(point=True).encode(**enc)
        if spec.get("facet"):
            ch = ch.properties(width=300, height=160).facet(
                facet=alt.Facet(f"{spec['facet']}:N"), columns=2).resolve_scale(y="independent")
            return ch.properties(title=spec.get("title", "")).to_dict()
    return ch.properties(title=spec.get("title", ""), width=760, height=260).to_dict()


#: Unverified texts named in the page's banner (the rest are listed in report.json).
UNVERIFIED_SHOWN = 5


def _clean(v: Any) -> Any:
    """None for NaN/NaT so the page never prints ``nan``."""
    if isinstance(v, float) and v != v:
        return None
    if v is pd.NaT or v is pd.NA:
        return None
    return v


def _anchor(text: str) -> str:
    return "ev-" + re.sub(r"[^A-Za-z0-9_-]+", "-", text)


#: Row ids shown per list in an evidence item (all of them are in report.json).
IDS_SHOWN = 60
#: What each provenance list of an evidence item holds, by key (label, then what one id is).
PROV_LISTS: dict[str, str] = {
    "rows": "source rows behind it (table:key)",
    "documents": "documents behind it",
    "state_years": "state-years of the published estimates behind it",
    "core_vote_ids": "vote ids of the core-issue roll calls",
}
#: How a re-run command is labelled, per pillar (it must fit what the pillar's rows are).
QUERY_LABEL: dict[str, str] = {
    "events": "list the events of one year",
    "material": "the same figures by year, with each row's source",
    "votes": "list the votes",
    "contacts": "list the contacts",
}


def _prov_lists(ev: Any, prov: dict[str, Any]) -> list[dict[str, Any]]:
    """The id lists of one evidence item's provenance, labelled for its pillar: every list
    is shown (first :data:`IDS_SHOWN` ids, the count, where the rest are); an empty list of
    a material figure says the value is a true zero (the register holds no row)."""
    out = []
    for key, label in PROV_LISTS.items():
        ids = prov.pop(key, None)
        if ids is None:
            continue
        ids = [str(x) for x in ids]
        if key == "rows" and ev.pillar == "contacts":
            label = "China Vitae engagement records behind it"
        elif key == "rows" and ev.pillar == "events":
            label = "dyad-year rows of the source file behind it (file:line)"
        item = {"key": key, "label": label, "ids": ids[:IDS_SHOWN], "n": len(ids),
                "empty": ""}
        if not ids and ev.pillar == "material":
            item["empty"] = ("none: the source holds no row for the pair in these years; "
                             "the value is the register's true zero (see the coverage note)")
        elif not ids:
            item["empty"] = "none"
        out.append(item)
    return out


def view_model(rep: Any, links: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
    """Plain data the template renders."""
    from bilat import __version__

    ach = rep.ach
    hyps = ach.hypotheses
    s = ach.scores
    matrix = []
    for r in ach.rows:
        ev = rep.evidence_by_id(r.evidence)
        matrix.append({
            "id": r.evidence, "anchor": _anchor(r.evidence), "title": r.title,
            "pillar": ev.pillar, "weight": r.weight, "thin": r.thin, "measure": r.measure,
            "measure_value": r.measure_value, "diagnostic": r.diagnostic,
            "diagnosticity": r.diagnosticity, "verified": ev.verified,
            "cells": [{"h": h["id"], "rating": r.cells[h["id"]].rating,
                       "cls": RATING_CLASS[r.cells[h["id"]].rating],
                       "reason": r.cells[h["id"]].reason} for h in hyps],
        })
    evidence = []
    for ev in rep.evidence:
        prov = dict(ev.provenance)
        ids = prov.pop("vote_ids", None)
        eids = prov.pop("event_ids", None)
        claims = prov.pop("claims", None)
        lists = _prov_lists(ev, prov)
        query = prov.pop("query", None)
        qlabel = prov.pop("query_label", None)
        evidence.append({
            "id": ev.id, "anchor": _anchor(ev.id), "title": ev.title, "value": ev.value,
            "unit": ev.unit, "period": ev.period, "source": ev.source, "pillar": ev.pillar,
            "measures": ev.measures, "yardsticks": ev.yardsticks, "percentile": ev.percentile,
            "trend": ev.trend, "coverage": ev.coverage, "verified": ev.verified,
            "vote_ids": ids[:40] if ids else None, "n_vote_ids": len(ids) if ids else 0,
            "event_ids": eids[:IDS_SHOWN] if eids else None, "n_event_ids": len(eids or []),
            "claims": claims[:60] if claims else None, "n_claims": len(claims) if claims else 0,
            "other_prov": prov, "details": ev.details, "prov_lists": lists,
            "ids_shown": IDS_SHOWN, "query": query,
            "query_label": qlabel or QUERY_LABEL.get(ev.pillar, "re-run"),
        })
    charts = []
    pillars = []
    for i, p in enumerate(rep.pillars):
        spec = _chart_spec(p.chart, p.chart_spec) if p.chart is not None else None
        cid = f"chart-{i}"
        if spec is not None:
            charts.append({"id": cid, "spec": _safe_json(spec)})
        pillars.append({"name": p.pillar, "title": p.title, "status": p.status,
                        "status_class": p.status.replace(" ", "-"), "note": p.note,
                        "load_command": p.load_command, "chart_id": cid if spec else None,
                        "evidence": [_anchor(e.id) for e in p.evidence],
                        "findings": [{"anchor": _anchor(e.id), "title": e.title, "value": e.value,
                                   "unit": e.unit, "yardsticks": e.yardsticks,
                                   "percentile": e.percentile, "trend": e.trend,
                                   "coverage": e.coverage, "verified": e.verified}
                                  for e in p.evidence],
                        "links": links.get(p.pillar, []), "seconds": p.seconds})
    wd = [{k: _clean(v) for k, v in r.items()}
          for r in rep.words_deeds.to_dict(orient="records")] if len(rep.words_deeds) else []
    cov = rep.coverage.to_dict(orient="records")
    for c in cov:
        c["status_class"] = str(c.get("status") or "").replace(" ", "-")
    from bilat.assess.report import leading

    lead = leading(rep)
    return {
        "version": __version__, "title": f"{rep.pair}: how deep is the partnership?",
        "question": rep.question, "bottom_line": rep.bottom_line, "pair": rep.pair,
        "yardstick_note": rep.yardstick_note, "generated_at": rep.generated_at,
        "store": rep.store, "hypotheses_file": rep.hypotheses_file,
        "hypotheses_scope": getattr(rep, "hypotheses_scope", ""),
        "hypotheses_generic": getattr(rep, "hypotheses_generic", False),
        "hyps": hyps, "ranking": s.ranking, "posterior": s.posterior,
        "inconsistency": s.inconsistency, "priors": ach.priors, "scoring": ach.scoring,
        "matrix": matrix, "evidence": evidence, "pillars": pillars, "charts": charts,
        "words_deeds": wd, "coverage": cov, "sensitivity": ach.sensitivity,
        "milestones": ach.milestones, "notes": ach.notes, "close_call": ach.close_call,
        "leading": lead, "years": f"{rep.years[0]}–{rep.years[1]}" if rep.years else "",
        "clipped": rep.clipped,
        "unverified": rep.unverified_texts, "links": links,
        "n_unverified": len(rep.unverified_texts),
        "unverified_head": rep.unverified_texts[:UNVERIFIED_SHOWN],
        "any_unverified": bool(rep.unverified_texts) or any(not e.verified for e in rep.evidence),
        "vega": _vega_bundle() if charts else "",
    }


def render_report_html(rep: Any, links: dict[str, list[dict[str, str]]] | None = None) -> str:
    """The report as one self-contained HTML page (a string)."""
    return _env().get_template("report.html.j2").render(**view_model(rep, links or {}))


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise error("E606", path=path, reason=exc.strerror or str(exc)) from exc


def save_report(rep: Any, out: str | Path) -> dict[str, Path]:
    """Write index.html, report.json and the per-pillar files into ``out`` (created)."""
    from bilat.report.lineage_html import save_lineage_html
    from bilat.report.readouts_html import save_readouts_html

    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise error("E606", path=folder, reason=exc.strerror or str(exc)) from exc
    written: dict[str, Path] = {}
    links: dict[str, list[dict[str, str]]] = {}
    for p in rep.pillars:
        if p.pillar == "votes" and p.artefacts.get("vote_list") is not None:
            vl = p.artefacts["vote_list"]
            f = folder / "votes.csv"
            vl.to_csv(f, index=False)
            written["votes.csv"] = f
            links.setdefault("votes", []).append(
                {"href": "votes.csv", "text": f"votes.csv — all {len(vl):,} roll calls behind "
                 "the vote figures, each side's vote"})
            cv = p.artefacts.get("core_votes")
            if cv is not None:
                f = folder / "core_votes.csv"
                cv.to_csv(f, index=False)
                written["core_votes.csv"] = f
                links["votes"].append({"href": "core_votes.csv",
                                       "text": f"core_votes.csv — the {len(cv)} votes on either "
                                               "side's core issues"})
        if p.pillar == "readouts":
            for cmp in p.artefacts.get("comparisons", []):
                d0 = cmp.documents[0]
                ev = d0.event or (f"{d0.date}-{d0.doc_id}" if d0.date else d0.doc_id)
                name = "readouts-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", str(ev)) + ".html"
                save_readouts_html(cmp, folder / name, title=f"Readouts: {ev}")
                written[name] = folder / name
                links.setdefault("readouts", []).append({"href": name, "text": name})
        if p.pillar == "statements" and p.artefacts.get("lineage") is not None:
            save_lineage_html(p.artefacts["lineage"], folder / "lineage.html")
            written["lineage.html"] = folder / "lineage.html"
            links.setdefault("statements", []).append({"href": "lineage.html",
                                                       "text": "lineage.html"})
    if len(rep.words_deeds):
        f = folder / "words_deeds.csv"
        rep.words_deeds.to_csv(f, index=False)
        written["words_deeds.csv"] = f
        links.setdefault("words_deeds", []).append({"href": "words_deeds.csv",
                                                    "text": "words_deeds.csv"})
    _write(folder / "report.json", rep.to_json())
    written["report.json"] = folder / "report.json"
    _write(folder / "index.html", render_report_html(rep, links))
    written["index.html"] = folder / "index.html"
    return written


__all__ = ["render_report_html", "save_report", "view_model"]
