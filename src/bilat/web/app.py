"""The bilat web app: a Starlette application over the store (``bilat serve``).

Pages (every one a GET with its parameters in the address, so a view can be cited):

==============================  ============================================================
``/``                           what the store holds, coverage per source, pairs with data
``/pair?a=RUS&b=CHN&refs=…``    the pair's evidence: votes, events, readouts, statements
``/votes?a&b&years&issue``      the roll calls behind an affinity figure, each side's vote
``/votes/divergent?a&b&years``  the roll calls where the two part ways, most salient first
``/events?a&b&at&period&quad``  the GDELT events behind an indicator cell, with SOURCEURLs
``/readouts?doc=…&doc=…``       claims of two readouts, labelled, the texts side by side
``/compare``                    form: paste or upload two readouts (POST, then redirect)
``/lineage?doc=…``              lineage of stored joint statements, omissions
``/documents``, ``/documents/ID``  stored documents; one text, a span highlighted
``/documents/add``              add a document (only with ``allow_add``)
==============================  ============================================================

Any page with tables answers ``?format=csv|json&table=NAME`` with that table (the CSV/JSON
links under each table). Errors are the library's one-line :class:`~bilat.errors.BilatError`
messages, shown on the page with the HTTP status that fits (:data:`STATUS`).

Safety: the store is opened read-only unless ``allow_add``; request bodies are capped
(``max_upload``, 413) and uploads type-checked (415); all text goes through Jinja2
autoescaping; parameters are validated before the library sees them (document ids are hex
only, so no parameter is read as a path or URL); the Host header must name this server (no
DNS rebinding); forms posted from another origin are refused; responses carry a
Content-Security-Policy allowing only this server's own styles and scripts.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bilat import __version__
from bilat.errors import BilatError, error
from bilat.store import Store
from bilat.web import data
from bilat.web import params as P
from bilat.web.access import WebStore

log = logging.getLogger("bilat.web")
_CHART_LOCK = threading.Lock()
#: Placeholder origin of the links inside charts (removed from the SVG: links stay relative).
CHART_ORIGIN = "http://bilat.invalid"
HERE = Path(__file__).resolve().parent

#: Request bodies (pasted or uploaded texts, all fields together) up to this many bytes.
MAX_UPLOAD = 2_000_000
#: Rows shown in a table on the page (downloads carry every row).
MAX_ROWS = 500

#: HTTP status of each error code shown on a page (anything else from bad input: 400).
STATUS: dict[str, int] = {
    # not found: no such page, document, table, or no data for the request
    "E700": 404, "E306": 404, "E009": 404, "E210": 404, "E708": 404, "E150": 404,
    # too large, wrong type
    "E703": 413, "E704": 415, "E302": 415, "E304": 415, "E312": 415,
    # forbidden: adding in read-only mode, cross-site form
    "E705": 403, "E709": 403, "E711": 405, "E710": 400,
    # well-formed but cannot be processed: same state twice, reversed dates, not one event,
    # no text or claims, series problems
    "E115": 422, "E116": 422, "E216": 422, "E301": 422, "E303": 422, "E305": 422, "E308": 422,
    "E309": 422, "E310": 422, "E314": 422, "E401": 422, "E402": 422, "E403": 422, "E406": 422,
    # the store cannot be read
    "E006": 503,
}

#: Content-Security-Policy of every page: nothing but this server's own files.
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-src 'self'; frame-ancestors 'self'; "
       "connect-src 'self'")
#: The partnership report page is one self-contained file with its charts' Vega scripts inlined
#: (Vega compiles expressions at run time): inline scripts allowed, still nothing from elsewhere.
REPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
              "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'self'; connect-src 'none'")
#: Accepted upload types: file name suffixes and the content types browsers send for them.
UPLOAD_TYPES = {".txt": ("text/plain",), ".text": ("text/plain",),
                ".html": ("text/html",), ".htm": ("text/html",),
                ".pdf": ("application/pdf",)}


def status_of(exc: BilatError) -> int:
    """The HTTP status for an error shown on a page."""
    return STATUS.get(exc.code, 400)


# ----------------------------------------------------------------------------- templates
def _fmt(value: Any, digits: int = 3) -> str:
    """A cell as text: NaN/None → '—' (missing, never 0); floats to ``digits`` decimals."""
    if value is None or value is pd.NA or value is pd.NaT:
        return "—"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "tolist") and not isinstance(value, str):
        return ", ".join(str(v) for v in value.tolist())
    return str(value)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _safe_href(value: Any) -> str | None:
    text = str(value or "")
    return text if text.lower().startswith(("http://", "https://")) else None


def _records(df: Any) -> list[dict[str, Any]]:
    """A frame's rows as dicts with every missing value (NaN, NaT, NA) as None, so that
    ``r.title or r.doc_id`` and ``{% if r.date %}`` read a gap as a gap (NaN is truthy)."""
    if df is None:
        return []
    return [{k: (None if _missing(v) else v) for k, v in row.items()}
            for row in df.to_dict("records")]


def _finalize(value: Any) -> Any:
    """What ``{{ … }}`` prints for a missing value: nothing (never "None" or "nan")."""
    return "" if _missing(value) else value


#: Jinja's string filters, made safe for a missing value (NaN/None → ""): a document without a
#: title must never crash a page (``truncate`` on a float NaN raised TypeError).
_STRING_FILTERS = ("truncate", "upper", "lower", "title", "capitalize", "replace", "trim",
                   "wordwrap", "center", "indent", "striptags", "wordcount", "urlencode")


def _missing_safe(fn: Any) -> Any:
    """``fn`` with a missing value read as "" and any other value as its text; a filter Jinja
    passes its environment or context to first keeps that (``truncate``, ``replace``)."""
    passes = getattr(fn, "jinja_pass_arg", None)

    def safe(*args: Any, **kwargs: Any) -> Any:
        head, (value, *rest) = (args[:1], args[1:]) if passes else ((), args)
        if _missing(value):
            return ""
        return fn(*head, value if isinstance(value, str) else str(value), *rest, **kwargs)

    if passes is not None:
        safe.jinja_pass_arg = passes  # type: ignore[attr-defined]
    safe.__name__ = getattr(fn, "__name__", "filter")
    return safe


def make_env() -> Environment:
    """The Jinja2 environment of the app's templates (autoescape on for every template; a
    missing value prints as nothing, string filters take it as "", ``df|records`` gives rows
    with None for every gap)."""
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, finalize=_finalize)
    for name in _STRING_FILTERS:
        fn = env.filters.get(name)
        if fn is not None:
            env.filters[name] = _missing_safe(fn)
    env.filters["records"] = _records
    env.filters["fmt"] = _fmt
    env.filters["missing"] = _missing
    env.filters["safe_href"] = _safe_href
    env.globals["version"] = __version__
    env.globals["url"] = _url
    return env


def _url(path: str, **params: Any) -> str:
    """``path?name=value…`` in a fixed order (blank values dropped): the page's stable address."""
    query = P.canonical(params)
    return f"{path}?{query}" if query else path


# ----------------------------------------------------------------------------- charts
def chart_svg(df: pd.DataFrame, *, x: str, y: str, color: str, href: str | None,
              title: str, y_title: str | None = None) -> Markup | None:
    """A line chart as inline SVG (rendered here by vl-convert: no script on the page); each
    point links to its evidence when ``href`` names a column of absolute URLs."""
    import altair as alt
    import vl_convert as vlc

    d = df[[c for c in dict.fromkeys([x, y, color, *( [href] if href else [])])]].copy()
    d = d[d[y].notna()]
    if d.empty:
        return None
    x_type = "O"
    enc: dict[str, Any] = {
        "x": alt.X(f"{x}:{x_type}", title=x),
        "y": alt.Y(f"{y}:Q", title=y_title or y),
        "color": alt.Color(f"{color}:N", title=color),
    }
    if href:
        enc["href"] = alt.Href(f"{href}:N")
    chart = alt.Chart(d).mark_line(point=alt.OverlayMarkDef(size=60, filled=True)).encode(**enc)
    chart = chart.properties(title=title, width=640, height=220)
    with _CHART_LOCK:
        svg = vlc.vegalite_to_svg(chart.to_dict())
    # Vega resolves relative links against its own data site: links are rendered absolute on
    # a placeholder origin, then made relative to this server again
    return Markup(svg.replace(CHART_ORIGIN, ""))


# ----------------------------------------------------------------------------- middleware
class Guard:
    """Pure ASGI middleware: Host check, body size cap, cross-site POST refusal, headers."""

    def __init__(self, app: ASGIApp, *, max_body: int, hosts: Sequence[str] | None,
                 render_error: Callable[[BilatError, int], bytes]) -> None:
        self.app = app
        self.max_body = max_body
        self.hosts = {h.lower() for h in hosts} if hosts else None
        self.render_error = render_error

    async def _reply(self, send: Send, exc: BilatError, status: int) -> None:
        body = self.render_error(exc, status)
        await send({"type": "http.response.start", "status": status,
                    "headers": _headers([(b"content-type", b"text/html; charset=utf-8"),
                                         (b"content-length", str(len(body)).encode())])})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if self.hosts is not None and host.lower() not in self.hosts:
            port = scope.get("server", ("", ""))[1] if scope.get("server") else ""
            await self._reply(send, error("E710", value=host, port=port), 400)
            return
        method = scope.get("method", "GET")
        if method == "POST":
            origin = headers.get("origin")
            site = headers.get("sec-fetch-site")
            own = f"{scope.get('scheme', 'http')}://{host}".lower()
            # Sec-Fetch-Site (sent by every current browser) decides; else the Origin header
            if site is not None:
                refused = site not in ("same-origin", "none")
            else:
                refused = origin is not None and origin.lower() != own
            if refused:
                await self._reply(send, error("E709", origin=origin or site), 403)
                return
            length = headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body:
                await self._reply(send, error("E703", size=int(length), limit=self.max_body),
                                  413)
                return
            chunks: list[bytes] = []
            size = 0
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    await self._reply(send, error("E703", size=f"more than {self.max_body}",
                                                  limit=self.max_body), 413)
                    return
                chunks.append(chunk)
                more = message.get("more_body", False)
            body = b"".join(chunks)
            sent = False

            async def replay() -> Message:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            receive = replay

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _headers(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _headers(existing: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    have = {k.lower() for k, _ in existing}
    extra = [(b"content-security-policy", CSP.encode()),
             (b"x-content-type-options", b"nosniff"),
             (b"referrer-policy", b"same-origin"),
             (b"x-frame-options", b"SAMEORIGIN"),
             (b"cross-origin-opener-policy", b"same-origin"),
             (b"cross-origin-resource-policy", b"same-origin")]
    return existing + [(k, v) for k, v in extra if k not in have]


# ----------------------------------------------------------------------------- the app
class Pages:
    """The page handlers, sharing the store, the templates and the limits."""

    def __init__(self, ws: WebStore, *, max_upload: int) -> None:
        self.ws = ws
        self.env = make_env()
        self.max_upload = max_upload

    # -------------------------------------------------------------- rendering helpers
    def render(self, request: Request | None, template: str, status: int = 200,
               **ctx: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(**self._common(request), **ctx)
        return HTMLResponse(html, status_code=status)

    def _common(self, request: Request | None) -> dict[str, Any]:
        return {"request": request, "store_label": self.ws.label,
                "read_only": self.ws.read_only,
                "here": (request.url.path + ("?" + request.url.query if request.url.query
                                             else "")) if request else "/",
                "query": request.query_params if request else {}}

    def error_page(self, request: Request | None, exc: BilatError,
                   status: int | None = None) -> HTMLResponse:
        return self.render(request, "error.html.j2", status or status_of(exc), exc=exc,
                           title=f"Error {exc.code}")

    def error_bytes(self, exc: BilatError, status: int) -> bytes:
        html = self.env.get_template("error.html.j2").render(
            **self._common(None), exc=exc, title=f"Error {exc.code}")
        return html.encode("utf-8")

    def respond(self, request: Request, template: str, tables: dict[str, pd.DataFrame],
                page: str, **ctx: Any) -> Response:
        """The page, or one of its tables as CSV/JSON when ``format``/``table`` are given."""
        q = P.Query(request.query_params)
        fmt = q.get("format")
        if fmt is not None:
            from bilat.report.export import write_frame

            P.choice(fmt, ("csv", "json"), "format", "csv")
            name = q.require("table", f"{request.url.path}?…&format={fmt}&table="
                             f"{next(iter(tables), 'NAME')}")
            if name not in tables:
                raise error("E708", value=name, options=", ".join(tables) or "none")
            frame = _downloadable(tables[name])
            text = write_frame(frame, fmt) or ""
            media = "text/csv" if fmt == "csv" else "application/json"
            filename = f"bilat-{page}-{name}.{fmt}"
            return Response(text, media_type=f"{media}; charset=utf-8", headers={
                "content-disposition": f'attachment; filename="{filename}"'})
        return self.render(request, template, tables=tables, **ctx)

    def download_links(self, request: Request, name: str) -> dict[str, str]:
        items = [(k, v) for k, v in request.query_params.multi_items()
                 if k not in ("format", "table")]
        base = request.url.path
        return {fmt: f"{base}?{urlencode(items + [('format', fmt), ('table', name)])}"
                for fmt in ("csv", "json")}

    # -------------------------------------------------------------- pages
    def home(self, request: Request) -> Response:
        held = self.ws.cached(("home",), data.holdings)
        pairs = self.ws.cached(("pairs",), data.pairs_with_data)
        tables = {"tables": held["tables"], "ingest": held["ingest"],
                  "event_days": held["event_days"], "pairs": pairs}
        return self.respond(request, "home.html.j2", tables, "home", held=held, pairs=pairs,
                            links=lambda n: self.download_links(request, n),
                            title="bilat: what the store holds")

    def pair(self, request: Request) -> Response:
        q = P.Query(request.query_params)
        a_raw, b_raw = q.get("a"), q.get("b")
        if a_raw is None or b_raw is None:
            pairs = self.ws.cached(("pairs",), data.pairs_with_data)
            return self.render(request, "pair_form.html.j2", pairs=pairs, title="Pick a pair")
        refs_raw = P.split_list(q.get("refs"))
        a, b, refs = P.dyad(a_raw, b_raw, refs_raw)
        years = P.years(q.get("years"))
        period = P.choice(q.get("period"), ("year", "quarter", "month"), "period", "year")
        dedup = P.choice(q.get("dedup"), ("none", "daily", "root"), "dedup", "none")
        actor_type = q.get("actor_type")
        if actor_type is not None:
            actor_type = actor_type.upper()
        base = CHART_ORIGIN
        key = ("pair", a, b, tuple(refs), years, period, dedup, actor_type)

        def compute(store: Store) -> dict[str, Any]:
            out: dict[str, Any] = {}
            out["votes"] = data.vote_pillar(store, a, b, refs, years)
            out["events"] = data.event_pillar(store, a, b, refs, years, period, dedup,
                                              actor_type)
            out["material"] = data.material_pillar(store, a, b, refs, years)
            out["vote_extras"] = data.vote_extras(store, a, b, refs, years)
            out["readouts"] = data.readout_pairs(store, a, b)
            out["statements"] = data.statement_series(store, a, b)
            out["others"] = data.other_tables(store)
            return out

        pillars = self.ws.cached(key, compute)
        tables: dict[str, pd.DataFrame] = {}
        charts: dict[str, Any] = {}
        v = pillars["votes"]
        if "whole" in v:
            tables["votes_summary"] = v["whole"]
            tables["votes_by_year"] = v["by_year"]
            tables["divergent"] = v["divergent"]
            charts["kappa"] = self._vote_chart(v["by_year"], base, "kappa", years)
            charts["agree"] = self._vote_chart(v["by_year"], base, "agree", years)
        e = pillars["events"]
        if "indicators" in e:
            tables["event_indicators"] = e["indicators"]
            charts["events"] = self._event_chart(e["indicators"], base, period, dedup,
                                                 actor_type)
        ext = pillars["vote_extras"]
        if "table" in ext["ideal"]:
            tables["ideal_points"] = ext["ideal"]["table"]
        if "joint" in ext["vetoes"]:
            tables["joint_vetoes"] = ext["vetoes"]["joint"]
            tables["vetoes_by_year"] = ext["vetoes"]["by_year"]
        mat = pillars["material"]
        if mat.get("indicators") is not None:
            tables["material"] = mat["indicators"]
        if len(pillars["statements"]):
            tables["statements"] = pillars["statements"]
        selection = {"a": a, "b": b, "refs": ",".join(f"{x}-{y}" for x, y in refs),
                     "years": years, "period": period, "dedup": dedup,
                     "actor_type": actor_type}
        return self.respond(
            request, "pair.html.j2", tables, f"pair-{a}-{b}", a=a, b=b, refs=refs,
            years=years, period=period, dedup=dedup, actor_type=actor_type, pillars=pillars,
            charts=charts, sel=selection, P=P, report=report_available(),
            links=lambda n: self.download_links(request, n),
            vote_columns=data.VOTE_COLUMNS, event_columns=data.EVENT_COLUMNS,
            title=f"{a}–{b}: the evidence")

    def _vote_chart(self, by_year: pd.DataFrame, base: str, index: str,
                    years: str | None) -> Any:
        df = by_year.copy()
        df["href"] = [f"{base}/votes?" + P.canonical({"a": r.a, "b": r.b, "years": r.period})
                      for r in df.itertuples()]
        return self.ws.cached(("chart", "votes", index, years, tuple(df["dyad"].unique()),
                               len(df), base),
                              lambda _s: chart_svg(
                                  df, x="period", y=index, color="dyad", href="href",
                                  title=f"UN General Assembly votes: {index} by year "
                                        "(click a point for its votes)"))

    def _event_chart(self, ind: pd.DataFrame, base: str, period: str, dedup: str,
                     actor_type: str | None) -> Any:
        df = ind.copy()
        df["href"] = [f"{base}/events?" + P.canonical(
            {"a": r.a, "b": r.b, "at": r.at, "period": period, "direction": "undirected",
             "dedup": None if dedup == "none" else dedup, "actor_type": actor_type})
            for r in df.itertuples()]
        df["per"] = df["at"]
        key = ("chart", "events", period, dedup, actor_type, tuple(df["dyad"].unique()),
               len(df), int(df["events"].sum()), base)
        return self.ws.cached(key, lambda _s: chart_svg(
            df, x="per", y="events_per_1k_a", color="dyad", href="href",
            y_title="events per 1,000 of side A's events",
            title="GDELT: dyad events per 1,000 of A's events (click a point for the events)"))

    def report(self, request: Request) -> Response:
        """The partnership report of :mod:`bilat.assess` for the pair, as its own page."""
        if not report_available():
            raise error("E700", value=request.url.path, options="/pair (the report module "
                        "bilat.assess is not installed)")
        from bilat.assess import report as make_report
        from bilat.report.report_html import render_report_html

        q = P.Query(request.query_params)
        example = "/report?a=RUS&b=CHN&refs=RUS-BLR,USA-GBR&years=1992-2019"
        a, b, refs = P.dyad(q.require("a", example), q.require("b", example),
                            P.split_list(q.get("refs")))
        years = P.years(q.get("years"))
        rep = self.ws.cached(("report", a, b, tuple(refs), years), lambda s: make_report(
            s, a, b, refs=list(refs) or None, years=years))
        tables = {"coverage": rep.coverage, "words_deeds": rep.words_deeds,
                  "evidence": pd.DataFrame([e.to_dict() for e in rep.evidence])}
        fmt = q.get("format")
        if fmt is not None:
            return self.respond(request, "error.html.j2", tables, f"report-{a}-{b}")
        links: dict[str, list[dict[str, str]]] = {
            "votes": [{"href": _url("/votes", a=a, b=b, years=years),
                       "text": "every roll call behind the vote figures, each side's vote"},
                      {"href": _url("/votes/divergent", a=a, b=b, years=years),
                       "text": "the votes where they part ways"}],
            "events": [{"href": _url("/pair", a=a, b=b, years=years) + "#events",
                        "text": "event indicators, each cell linked to its events"}],
        }
        for p in rep.pillars:
            for cmp in (p.artefacts.get("comparisons", []) if p.pillar == "readouts" else []):
                ids = [d.doc_id for d in cmp.documents]
                links.setdefault("readouts", []).append(
                    {"href": _url("/readouts", doc=ids),
                     "text": f"readouts {cmp.documents[0].date or ''} claim by claim"})
            lin = p.artefacts.get("lineage") if p.pillar == "statements" else None
            if lin is not None:
                links.setdefault("statements", []).append(
                    {"href": _url("/lineage", doc=[d.doc_id for d in lin.series]),
                     "text": "the statements' lineage"})
        html = render_report_html(rep, links)
        return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP,
                                           "x-frame-options": "SAMEORIGIN"})

    def votes(self, request: Request) -> Response:
        q = P.Query(request.query_params)
        a, b, _ = P.dyad(q.require("a", "/votes?a=RUS&b=CHN&years=2014"),
                         q.require("b", "/votes?a=RUS&b=CHN&years=2014"))
        years = P.years(q.get("years"))
        issue = q.get("issue")
        if issue is not None:
            from bilat.indicators.votes import _check_issue

            issue = _check_issue(issue)
        res = self.ws.cached(("votes", a, b, years, issue),
                             lambda s: data.vote_list(s, a, b, years, issue))
        tables = {"votes": res["votes"], "figure": res["figure"]}
        return self.respond(request, "votes.html.j2", tables, f"votes-{a}-{b}", a=a, b=b,
                            years=years, issue=issue, res=res, max_rows=MAX_ROWS,
                            links=lambda n: self.download_links(request, n),
                            title=f"{a}–{b}: the votes behind the figure")

    def material(self, request: Request) -> Response:
        from bilat.indicators import material

        q = P.Query(request.query_params)
        example = "/material?a=RUS&b=CHN&indicator=tiv&years=2010-2019"
        a, b, _ = P.dyad(q.require("a", example), q.require("b", example))
        indicator = material.check_indicator(q.require("indicator", example))
        years = P.years(q.get("years"))
        res = self.ws.cached(("material", a, b, indicator, years),
                             lambda s: data.material_rows(s, a, b, indicator, years))
        tables = {k: v for k, v in res.items() if isinstance(v, pd.DataFrame)}
        return self.respond(request, "material.html.j2", tables, f"material-{a}-{b}-{indicator}",
                            a=a, b=b, indicator=indicator, years=years, res=res,
                            pillar=material.pillar_of(indicator), max_rows=MAX_ROWS,
                            links=lambda n: self.download_links(request, n),
                            title=f"{a}–{b}: {indicator}, the rows behind it")

    def vote_issues(self, request: Request) -> Response:
        q = P.Query(request.query_params)
        example = "/votes/issues?a=RUS&b=CHN&years=2010-2019"
        a, b, refs = P.dyad(q.require("a", example), q.require("b", example),
                            P.split_list(q.get("refs")))
        years = P.years(q.get("years"))
        df = self.ws.cached(("issues", a, b, tuple(refs), years),
                            lambda s: data.vote_issues(s, a, b, refs, years))
        return self.respond(request, "issues.html.j2", {"by_issue": df}, f"issues-{a}-{b}",
                            a=a, b=b, refs=refs, years=years, rows=df,
                            vote_columns=data.VOTE_COLUMNS,
                            links=lambda n: self.download_links(request, n),
                            title=f"{a}–{b}: UN votes by issue area")

    def divergent(self, request: Request) -> Response:
        from bilat.indicators import votes

        q = P.Query(request.query_params)
        a, b, _ = P.dyad(q.require("a", "/votes/divergent?a=RUS&b=CHN&years=2014"),
                         q.require("b", "/votes/divergent?a=RUS&b=CHN&years=2014"))
        years = P.years(q.get("years"))
        issue = q.get("issue")
        limit = P.integer(q.get("limit"), "limit", 0, 100000, 50)
        df = self.ws.cached(("divergent", a, b, years, issue, limit), lambda s: votes.divergent(
            s, a, b, years=years, issue=issue, limit=None if limit == 0 else limit))
        return self.respond(request, "divergent.html.j2", {"divergent": df},
                            f"divergent-{a}-{b}", a=a, b=b, years=years, issue=issue,
                            limit=limit, links=lambda n: self.download_links(request, n),
                            title=f"{a}–{b}: where they part ways")

    def events(self, request: Request) -> Response:
        from bilat.indicators.events import DEDUP, DIRECTIONS, PERIODS

        q = P.Query(request.query_params)
        example = "/events?a=RUS&b=CHN&at=2019&period=year"
        a, b, _ = P.dyad(q.require("a", example), q.require("b", example))
        at = q.require("at", example)
        period = P.choice(q.get("period"), list(PERIODS), "period", "month")
        direction = P.choice(q.get("direction"), DIRECTIONS, "direction", "undirected")
        quad_raw = q.get("quad")
        quad = None if quad_raw is None else int(P.choice(quad_raw, ("1", "2", "3", "4"),
                                                          "quad", "1"))
        contacts = P.choice(q.get("contacts"), ("0", "1"), "contacts", "0") == "1"
        dedup = P.choice(q.get("dedup"), DEDUP, "dedup", "none")
        actor_type = q.get("actor_type")
        res = self.ws.cached(("events", a, b, at, period, direction, quad, contacts, dedup,
                              actor_type),
                             lambda s: data.event_list(s, a, b, at, period, direction, quad,
                                                       contacts, dedup, actor_type))
        return self.respond(request, "events.html.j2", {"events": res["events"]},
                            f"events-{a}-{b}-{at}", a=a, b=b, at=at, period=period,
                            direction=direction, quad=quad, contacts=contacts, dedup=dedup,
                            actor_type=actor_type, res=res, max_rows=MAX_ROWS,
                            links=lambda n: self.download_links(request, n),
                            title=f"{a}–{b}, {at}: the events behind the figure")

    def readouts(self, request: Request) -> Response:
        from bilat.text.readouts import LABELS, compare_readouts

        q = P.Query(request.query_params)
        ids = P.doc_ids(q.getlist("doc"))
        if len(ids) < 2:
            if ids:
                raise error("E309", count=len(ids))
            return self.render(request, "compare_form.html.j2", form={}, title="Compare readouts",
                               docs=self._docs_table())
        sides = [P.side(s) for s in q.getlist("side")]
        if sides and len(sides) != len(ids):
            raise error("E702", name="side", value=" ".join(str(s) for s in sides),
                        expected=f"give one side per document ({len(ids)}), in order")
        when = P.iso_date(q.get("date"))
        force = P.choice(q.get("force"), ("0", "1"), "force", "0") == "1"
        label = P.choice(q.get("label"), [*LABELS, "flagged", "all"], "label", "flagged")

        def compute(store: Store) -> Any:
            docs = data.load_documents(store, ids, self.ws.scratch)
            return compare_readouts(docs, store=store, sides=sides or None,
                                    dates=[when] * len(docs) if when else None, force=force)

        cmp = self.ws.cached(("readouts", tuple(ids), tuple(sides), when, force), compute)
        held = [d.doc_id for d in cmp.documents if self.ws.scratch(d.doc_id) is not None]
        unverified = self._unverified(cmp.documents)
        texts = []
        for d in cmp.documents:
            spans = []
            for r in cmp.results:
                if r.claim.doc_id == d.doc_id:
                    spans.append((r.claim.start, r.claim.end, {
                        "id": r.claim.claim_id, "label": r.label, "flags": r.flags,
                        "anchor": _anchor(r.claim.claim_id),
                        "counterpart": _anchor(r.counterpart) if r.counterpart else None,
                        "tip": f"{r.label} · {r.claim.claim_id} [{r.claim.start}:{r.claim.end}]"
                               + (f" · {'; '.join(r.reasons)}" if r.reasons else "")}))
            texts.append({"doc": d, "pieces": data.split_text(d.text, spans)})
        if label == "flagged":
            shown = cmp.flagged
        elif label == "all":
            shown = cmp.results
        else:
            shown = cmp.by_label(label)
        tables = data.comparison_tables(cmp)
        return self.respond(request, "readouts.html.j2", tables,
                            "readouts-" + "-".join(i[:8] for i in ids), cmp=cmp, texts=texts,
                            shown=shown, label=label, labels=LABELS, ids=ids, sides=sides,
                            when=when, force=force, held=held, anchor=_anchor,
                            unverified=unverified,
                            link=lambda **kw: self._readouts_link(request, **kw),
                            links=lambda n: self.download_links(request, n),
                            title="Readouts compared")

    def _readouts_link(self, request: Request, **changes: Any) -> str:
        items = [(k, v) for k, v in request.query_params.multi_items()
                 if k not in changes and k not in ("format", "table")]
        for k, v in changes.items():
            if v is not None:
                items.append((k, str(v)))
        return f"{request.url.path}?{urlencode(items)}"

    def _unverified(self, docs: Sequence[Any]) -> list[str]:
        """Ids of documents that are not among the genuine published texts in the store."""
        genuine = self.ws.cached(("genuine",), data.genuine_hashes)
        if genuine is None:
            return []
        return [d.doc_id for d in docs if d.sha256 not in genuine]

    def _docs_table(self) -> pd.DataFrame:
        return self.ws.cached(("documents",), data.stored_documents)

    async def compare_post(self, request: Request) -> Response:
        try:
            form = await _form(request, 2, self.max_upload)
        except BilatError as exc:
            return self.render(request, "compare_form.html.j2", status_of(exc), exc=exc,
                               form={}, docs=self._docs_table(), title="Compare readouts")
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        try:
            target = await self._compare_docs(form)
        except BilatError as exc:
            return self.render(request, "compare_form.html.j2", status_of(exc), exc=exc,
                               form=values, docs=self._docs_table(), title="Compare readouts")
        return RedirectResponse(target, status_code=303)

    async def _compare_docs(self, form: Any) -> str:
        from bilat.text.documents import document_from_text, save_document
        from bilat.text.readouts import compare_readouts

        q = P.Query(form)
        when = P.iso_date(q.get("date"))
        keep = q.get("store") == "1"
        if keep and self.ws.read_only:
            raise error("E705")
        docs = []
        sides = []
        for k in ("1", "2"):
            s = P.side(q.get(f"side{k}"))
            text, name = await _text_of(form, f"text{k}", f"file{k}", self.max_upload)
            docs.append(await run_in_threadpool(
                document_from_text, text, side=s, date=when, source_url=name,
                title=q.get(f"title{k}")))
            sides.append(s)
        force = q.get("force") == "1"

        def check_and_keep() -> None:
            with self.ws.use() as store:
                compare_readouts(docs, store=store, force=force)  # validate before redirecting
                for d in docs:
                    if keep:
                        save_document(store, d)
                    else:
                        self.ws.keep(d)
            if keep:
                self.ws.invalidate()

        await run_in_threadpool(check_and_keep)
        query = P.canonical({"doc": [d.doc_id for d in docs],
                             "side": [s for s in sides] if all(sides) else None,
                             "date": when.isoformat() if when else None,
                             "force": force or None})
        return f"/readouts?{query}"

    def lineage(self, request: Request) -> Response:
        from bilat.text.lineage import lineage

        q = P.Query(request.query_params)
        ids = P.doc_ids(q.getlist("doc"))
        statements = self._docs_table()
        statements = statements[statements["kind"] == "statement"]
        if len(ids) < 2:
            if ids:
                raise error("E401", count=len(ids), detail="")
            return self.render(request, "lineage_form.html.j2", statements=statements,
                               title="Lineage of joint statements")
        parties = [P.state(p) for p in P.split_list(q.get("parties"))] or None
        watch = tuple(P.split_list(q.get("watch")))
        window = P.integer(q.get("window"), "window", 1, 52, 4)

        def compute(store: Store) -> Any:
            docs = data.load_documents(store, ids)
            return lineage(docs, store=store, parties=parties, watch=watch,
                           window_weeks=window or 4)

        report = self.ws.cached(("lineage", tuple(ids), tuple(parties or ()), watch, window),
                                compute)
        from bilat.report.lineage_html import view_model

        vm = view_model(report)
        tables = data.lineage_tables(report)
        return self.respond(request, "lineage.html.j2", tables,
                            "lineage-" + "-".join(i[:8] for i in ids), report=report, vm=vm,
                            ids=ids, parties=parties, watch=watch, window=window,
                            links=lambda n: self.download_links(request, n),
                            title="Joint-statement lineage")

    def documents(self, request: Request) -> Response:
        q = P.Query(request.query_params)
        kind = q.get("kind")
        if kind is not None:
            from bilat.text.documents import KINDS

            P.choice(kind, KINDS, "kind", "readout")
        side = P.side(q.get("side"))
        df = self._docs_table()
        if kind:
            df = df[df["kind"] == kind]
        if side:
            df = df[df["side"] == side]
        return self.respond(request, "documents.html.j2", {"documents": df}, "documents",
                            docs=df, kind=kind, side=side,
                            links=lambda n: self.download_links(request, n),
                            title="Stored documents")

    def document(self, request: Request) -> Response:
        from bilat.text.documents import get_document

        doc_id = P.doc_ids([request.path_params["doc_id"]])[0]
        q = P.Query(request.query_params)
        doc = self.ws.scratch(doc_id) if len(doc_id) == 16 else None
        if doc is None:
            doc = self.ws.cached(("document", doc_id), lambda s: get_document(s, doc_id))
        start = P.integer(q.get("start"), "start", 0, len(doc.text), None)
        end = P.integer(q.get("end"), "end", 0, len(doc.text), None)
        if (start is None) != (end is None) or (start is not None and end is not None
                                                and start > end):
            raise error("E702", name="start/end", value=f"{start}–{end}",
                        expected=f"give both, start ≤ end, within 0–{len(doc.text)}")
        if start is not None and end is not None:
            pieces = data.split_text(doc.text, [(start, end, {"anchor": "span", "label": "cited",
                                                                "flags": [], "tip": ""})])
        else:
            pieces = [{"text": doc.text, "claim": None}]
        meta = pd.DataFrame([{k: v for k, v in data.record(doc).items() if k != "text"}])
        return self.respond(request, "document.html.j2", {"metadata": meta},
                            f"document-{doc.doc_id}", doc=doc, pieces=pieces, start=start,
                            unverified=self._unverified([doc]),
                            end=end, links=lambda n: self.download_links(request, n),
                            title=doc.title or f"Document {doc.doc_id}")

    def add_form(self, request: Request) -> Response:
        if self.ws.read_only:
            raise error("E705")
        from bilat.text.documents import KINDS

        return self.render(request, "add.html.j2", form={}, kinds=KINDS, title="Add a document")

    async def add_post(self, request: Request) -> Response:
        from bilat.text.documents import KINDS, document_from_text, save_document

        if self.ws.read_only:
            raise error("E705")
        form = await _form(request, 1, self.max_upload)
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        q = P.Query(form)
        try:
            text, name = await _text_of(form, "text", "file", self.max_upload)
            kind = P.choice(q.get("kind"), KINDS, "kind", "readout")
            parties = [P.state(p) for p in P.split_list(q.get("parties"))]
            doc = await run_in_threadpool(
                document_from_text, text, side=P.side(q.get("side")),
                date=P.iso_date(q.get("date")), title=q.get("title"), kind=kind,
                parties=parties, event=q.get("event"), issuer=q.get("issuer"),
                source_url=q.get("source_url") or name)

            def save() -> Any:
                with self.ws.use() as store:
                    stored = save_document(store, doc)
                self.ws.invalidate()
                return stored

            stored = await run_in_threadpool(save)
        except BilatError as exc:
            return self.render(request, "add.html.j2", status_of(exc), exc=exc, form=values,
                               kinds=KINDS, title="Add a document")
        return RedirectResponse(f"/documents/{stored.doc_id}", status_code=303)


def _anchor(claim_id: str | None) -> str:
    return "" if not claim_id else "c-" + claim_id.replace(":", "-")


def _downloadable(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose list/array cells are plain lists (JSON) — CSV writes them as text."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].map(lambda v: v.tolist() if hasattr(v, "tolist")
                                and not isinstance(v, str) else v)
    return out


async def _form(request: Request, files: int, limit: int) -> Any:
    """The posted form, each part at most ``limit`` bytes (E703), few fields (E702)."""
    from starlette.formparsers import MultiPartException

    try:
        return await request.form(max_files=files, max_fields=20, max_part_size=limit)
    except (MultiPartException, HTTPException) as exc:
        text = str(getattr(exc, "message", None) or getattr(exc, "detail", None) or exc)
        if "size" in text.lower():
            raise error("E703", size=f"more than {limit}", limit=limit) from exc
        raise error("E702", name="form", value=text,
                    expected="send the page's own form (at most 20 fields)") from exc


async def _text_of(form: Any, text_field: str, file_field: str, limit: int
                   ) -> tuple[str, str | None]:
    """The text of a pasted field or an uploaded file (size- and type-checked)."""
    from starlette.datastructures import UploadFile

    from bilat.text.documents import content_text

    upload = form.get(file_field)
    if isinstance(upload, UploadFile) and upload.filename:
        name = Path(upload.filename).name
        suffix = Path(name).suffix.lower()
        ctype = (upload.content_type or "").split(";")[0].strip().lower()
        if suffix not in UPLOAD_TYPES or (ctype and ctype not in UPLOAD_TYPES[suffix]
                                          and ctype != "application/octet-stream"):
            raise error("E704", name=name, ctype=ctype or suffix or "unknown")
        raw = await upload.read(limit + 1)
        if len(raw) > limit:
            raise error("E703", size=f"more than {limit}", limit=limit)
        text, _title, _date = await run_in_threadpool(content_text, raw, name, name, ctype)
        return text, f"upload:{name}"
    pasted = form.get(text_field)
    if isinstance(pasted, str) and pasted.strip():
        if len(pasted.encode("utf-8")) > limit:
            raise error("E703", size=len(pasted.encode("utf-8")), limit=limit)
        return pasted.replace("\r\n", "\n"), None
    raise error("E701", name=f"{text_field} or {file_field}",
                example="paste the readout's text or choose a .txt, .html or .pdf file")


def report_available() -> bool:
    """Whether the partnership report (``bilat.assess.report``, issue 9) is installed."""
    try:
        from bilat.assess import report as make_report  # noqa: F401
        from bilat.report.report_html import render_report_html  # noqa: F401
    except ImportError:
        return False
    return callable(make_report)


def create_app(store: str | Path | Store | None = None, *, allow_add: bool = False,
               max_upload: int = MAX_UPLOAD, hosts: Sequence[str] | None = None) -> Starlette:
    """The ASGI app over ``store`` (a path/URL, an open Store, or the configured default).

    ``allow_add``: open the store read-write and let the page add documents. ``hosts``: the
    Host header values accepted (None: any — for tests; ``bilat serve`` passes its own
    address). ``max_upload``: largest request body in bytes.
    """
    ws = WebStore(store, allow_add=allow_add)
    pages = Pages(ws, max_upload=max_upload)

    def sync(fn: Callable[[Request], Response]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            # a page is a function of its address (and the Host it is linked from): answered
            # pages are kept with the results they show, and forgotten with them
            key = ("response", request.headers.get("host"), request.url.path,
                   request.url.query)
            hit = ws.peek(key)
            if hit is not None:
                body, media, headers = hit
                return Response(body, media_type=media, headers=headers)
            try:
                resp = await run_in_threadpool(fn, request)
            except BilatError as exc:
                return pages.error_page(request, exc)
            if resp.status_code == 200 and not isinstance(resp, RedirectResponse):
                kept = {k: v for k, v in resp.headers.items()
                        if k in ("content-disposition", "content-security-policy",
                                 "x-frame-options")}
                ws.remember(key, (resp.body, resp.media_type, kept))
            return resp
        endpoint.__name__ = fn.__name__
        return endpoint

    def asynced(fn: Callable[[Request], Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                return await fn(request)
            except BilatError as exc:
                return pages.error_page(request, exc)
        endpoint.__name__ = fn.__name__
        return endpoint

    routes = [
        Route("/", sync(pages.home)),
        Route("/pair", sync(pages.pair)),
        Route("/report", sync(pages.report)),
        Route("/votes", sync(pages.votes)),
        Route("/votes/divergent", sync(pages.divergent)),
        Route("/votes/issues", sync(pages.vote_issues)),
        Route("/material", sync(pages.material)),
        Route("/events", sync(pages.events)),
        Route("/readouts", sync(pages.readouts)),
        Route("/compare", sync(pages.readouts), methods=["GET"]),
        Route("/compare", asynced(pages.compare_post), methods=["POST"]),
        Route("/lineage", sync(pages.lineage)),
        Route("/documents", sync(pages.documents)),
        Route("/documents/add", sync(pages.add_form), methods=["GET"]),
        Route("/documents/add", asynced(pages.add_post), methods=["POST"]),
        Route("/documents/{doc_id}", sync(pages.document)),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    page_names = "/, /pair, /votes, /votes/divergent, /events, /readouts, /compare, " \
                 "/lineage, /documents"

    async def not_found(request: Request, exc: Exception) -> Response:
        code = getattr(exc, "status_code", 404)
        if code == 405:
            err = error("E711", method=request.method, path=request.url.path,
                        allowed="GET" if request.url.path not in ("/compare", "/documents/add")
                        else "GET or POST")
            return pages.error_page(request, err, 405)
        return pages.error_page(request, error("E700", value=request.url.path,
                                               options=page_names), 404)

    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        err = BilatError("E000", f"internal error: {type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''}; the server log has "
                         "the details; please report it")
        return pages.error_page(request, err, 500)

    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found,
                                                      Exception: crashed})
    app.state.ws = ws
    app.state.pages = pages
    app.add_middleware(Guard, max_body=max_upload + 64 * 1024, hosts=hosts,
                       render_error=pages.error_bytes)
    return app


__all__ = ["CSP", "MAX_UPLOAD", "STATUS", "create_app", "status_of"]
