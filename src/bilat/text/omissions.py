"""Omissions: issues salient when a statement was made that the statement does not mention.

An issue counts as *mentioned* when the issue lexicon (:mod:`bilat.text.lexicon`) finds it
anywhere in the statement's text or in one of its claims (an issue also covers the broader
issues it counts toward: ``gas`` mentions ``energy``). Salience comes from three sources, each
kept with its evidence:

- ``watch``: the analyst's watch-list (issue keys such as ``ukraine``, ``nato``); evidence is the
  list itself.
- ``readouts``: the parties' *own readouts* in the store (``kind = 'readout'``, ``side`` one
  of the parties, and reporting a contact between the two parties — both in the readout's
  ``parties`` — or a contact of the issuer's own leader that names the other party), dated
  within ``window_weeks`` before or after the statement, selected in SQL by kind, date window
  and side (news items, transcripts and readouts of other states are never read). Readouts
  are counted as *accounts*: one per issuing side, date and contact parties (a corpus often
  holds one account twice). An issue they mention is salient only when it stands out against
  a baseline: at least ``readout_min`` (2) accounts mention it, and its share of the accounts
  is at least ``readout_min_ratio`` (2×) its share among the parties' accounts in the
  ``baseline_windows`` (6) windows of the same length just before (with no baseline account:
  a share of at least ``readout_min_share``, 50%). Evidence: per issue the counts, shares and
  ratio (``OmissionReport.readout_salience``) and the document id, date, side and the
  character offsets and quote of each claim that mentions it.
- ``events``: GDELT events in the store (view ``gdelt_events``, upstream column names) dated in
  the ``window_weeks`` up to and including the statement's date that involve either party and
  the issue's country, as :func:`bilat.indicators.events.events_in_window` defines them: one
  party as ``Actor1CountryCode`` or ``Actor2CountryCode`` and the country as the other actor
  (CAMEO codes), or the two parties with each other in the country's territory
  (``ActionGeo_CountryCode``, FIPS 10-4: Ukraine → ``UKR`` / ``UP``). Fields of the evidence:
  ``count`` (such events), ``total`` (all events with either party as an actor in the window:
  the denominator), ``share`` (count / total), the same three for the ``baseline`` (the
  ``baseline_windows`` windows of the same length just before), ``ratio`` (share / baseline
  share), ``mentions`` (sum of ``NumMentions``), and a sample of the most-mentioned events
  (``GLOBALEVENTID``, ``SQLDATE``, relation, actor countries as ISO3,
  ``ActionGeo_CountryCode``,
  ``EventCode`` and its CAMEO description, ``QuadClass``, ``NumMentions``,
  ``SOURCEURL``). The rule that makes an issue salient is :class:`SalienceRules` (one place).

Codebooks: GDELT 2.0 Event Codebook; CAMEO 1.1b3; FIPS 10-4 via :mod:`bilat.reference.countries`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date as Date
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bilat.errors import BilatError
from bilat.text.model import Claim, Document

if TYPE_CHECKING:
    from bilat.store import Store
    from bilat.text.lexicon import Lexicon

#: Where the salience of an omitted issue comes from.
SOURCES = ("watch", "readouts", "events")


@dataclass(frozen=True)
class SalienceRules:
    """When event data make an issue salient; all cut-offs in one place.

    An issue is salient in the event data when at least ``min_events`` events involve either
    party and the issue's country in the window, and either the share of such events among
    all the parties' events is at least ``min_ratio`` times its share in the baseline (the
    ``baseline_windows`` windows of the same length just before), or, when the store holds no
    baseline events at all, the share is at least ``min_share``. ``sample`` events are kept
    as evidence (most mentioned first).

    An issue is salient in the parties' readouts (:func:`readout_salience`) when at least
    ``readout_min`` of their own readout accounts (one per side, date and contact) in the
    window (``±window_weeks`` around the statement) mention it and the share of the accounts
    mentioning it is at least ``readout_min_ratio`` times its share among their accounts in
    the ``baseline_windows`` windows of the same length just before; with no baseline
    account, when that share is at least ``readout_min_share``. Issues every readout carries
    (trade, the economy) thus
    do not count; an issue that takes over the leaders' contacts does.
    """

    min_events: int = 5
    min_ratio: float = 2.0
    min_share: float = 0.10
    baseline_windows: int = 6
    sample: int = 5
    readout_min: int = 2
    readout_min_ratio: float = 2.0
    readout_min_share: float = 0.5


@dataclass(frozen=True)
class Mention:
    """A place where an issue is mentioned: document, date, side, offsets and quote."""

    doc_id: str
    date: str | None
    side: str | None
    kind: str | None
    title: str | None
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class EventEvidence:
    """Event counts for one issue country around a statement, against a baseline."""

    issue: str
    country: str
    fips: tuple[str, ...]
    window_start: str
    window_end: str
    count: int
    total: int
    share: float
    mentions: int
    baseline_start: str
    baseline_end: str
    baseline_count: int
    baseline_total: int
    baseline_share: float | None
    ratio: float | None
    salient: bool
    rule: str
    sample: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Omission:
    """An issue salient at the time that the statement does not mention, with its evidence."""

    issue: str
    label: str
    country: str | None
    sources: tuple[str, ...]
    readout_mentions: tuple[Mention, ...] = ()
    events: EventEvidence | None = None


@dataclass
class OmissionReport:
    """Omitted issues of one statement, what was checked, and the issues found present."""

    doc_id: str
    date: str | None
    parties: tuple[str, ...]
    window_weeks: int
    watch: tuple[str, ...]
    omissions: list[Omission]
    present: dict[str, list[Mention]]
    readouts: list[dict[str, Any]]
    events_checked: bool
    events_note: str
    rules: SalienceRules
    texts: dict[str, str] = field(default_factory=dict, repr=False)
    #: Per issue of the window readouts: count, total, shares, ratio, salient, rule.
    readout_salience: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Documents read from the store for the readout check (window and baseline readouts).
    documents_read: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready)."""
        return {
            "doc_id": self.doc_id, "date": self.date, "parties": list(self.parties),
            "window_weeks": self.window_weeks, "watch": list(self.watch),
            "omissions": [asdict(o) for o in self.omissions],
            "present": {k: [asdict(m) for m in v] for k, v in self.present.items()},
            "readouts": self.readouts, "readout_salience": self.readout_salience,
            "documents_read": self.documents_read, "events_checked": self.events_checked,
            "events_note": self.events_note, "rules": asdict(self.rules),
        }


# ---------------------------------------------------------------------------------- mentions
def _mentions_in(doc: Document, claims: Sequence[Claim], lex: Lexicon) -> dict[str, list[Mention]]:
    """Issue → mentions in a document: lexicon hits in its text plus its claims' issues."""
    out: dict[str, list[Mention]] = {}
    date = None if doc.date is None else doc.date.isoformat()

    def add(key: str, start: int, end: int) -> None:
        quote = doc.text[start:end]
        m = Mention(doc.doc_id, date, doc.side, doc.kind, doc.title, start, end, quote)
        if m not in out.setdefault(key, []):
            out[key].append(m)

    for claim in claims:
        for key in claim.issues:
            add(key, claim.start, claim.end)
    for hit in lex.issue_spans(doc.text):
        covering = [c for c in claims if c.start <= hit.start < c.end]
        if covering:
            add(hit.key, covering[0].start, covering[0].end)
        else:
            add(hit.key, hit.start, hit.end)
    for key in list(out):
        for broader in lex.expand([key]) - {key}:
            for m in out[key]:
                if m not in out.setdefault(broader, []):
                    out[broader].append(m)
    return out


# ---------------------------------------------------------------------------------- readouts
#: Documents read from the store by :func:`readout_mentions` since the process started
#: (window and baseline readouts): lets tests check that the scan is bounded by the parties'
#: own readouts, whatever else the store holds.
DOCUMENTS_READ = [0]


def _own_readouts(store: Store, start: Date, end: Date, parties: Sequence[str],
                  exclude: Sequence[str], lexicon: Lexicon) -> list[Document]:
    """The parties' own readouts dated in ``[start, end]``, selected in SQL.

    Kept: ``kind = 'readout'``, ``side`` one of the parties, and either the readout's
    ``parties`` hold both parties (a contact between them) or it reports a contact of the
    issuing side's own leader (``side`` among its ``parties``) and its text names the other
    party (a lexicon side, title or person of that state). Only these rows are read (SQL filters
    by kind, date and side); the count is added to :data:`DOCUMENTS_READ`.
    """
    from bilat.text import documents as docs

    if not store.has_table("documents"):
        return []
    wanted = sorted({p.upper() for p in parties})
    cols = ", ".join(docs._COLUMNS)
    marks = ", ".join("?" for _ in wanted)
    rows = store.con.execute(
        f"SELECT {cols} FROM documents WHERE kind = 'readout' AND date BETWEEN ? AND ? "
        f"AND upper(side) IN ({marks}) ORDER BY date, doc_id", [start, end, *wanted]
    ).fetchall()
    DOCUMENTS_READ[0] += len(rows)
    out: list[Document] = []
    skip = set(exclude)
    for row in rows:
        doc = docs._row_to_document(dict(zip(docs._COLUMNS, row, strict=True)))
        if doc.doc_id in skip or doc.date is None:
            continue
        side = (doc.side or "").upper()
        others = set(wanted) - {side}
        in_doc = {p.upper() for p in doc.parties}
        between = set(wanted) <= in_doc
        # a contact of the issuer's own leader (not e.g. CCTV reporting a Putin-Macron call)
        # in which the other party is named
        own_contact = not in_doc or side in in_doc
        if between or (own_contact and others and any(
                m.side in others for m in lexicon.actor_spans(doc.text))):
            out.append(doc)
    return out


def _accounts(docs_: Sequence[Document]) -> dict[tuple[str, str, tuple[str, ...]], list[Document]]:
    """Readouts grouped into *accounts*: one per issuing side, date and parties of the contact
    (a corpus often holds a contact twice: the item and its 新闻摘要 line, two Kremlin copies)."""
    out: dict[tuple[str, str, tuple[str, ...]], list[Document]] = {}
    for d in docs_:
        key = ((d.side or "").upper(), "" if d.date is None else d.date.isoformat(),
               tuple(sorted(p.upper() for p in d.parties)))
        out.setdefault(key, []).append(d)
    return out


def _issue_counts(docs_: Sequence[Document], lexicon: Lexicon) -> tuple[dict[str, int], int]:
    """(issue → number of accounts (:func:`_accounts`) mentioning it, number of accounts);
    lexicon hits plus the broader issues they count toward."""
    counts: dict[str, int] = {}
    groups = _accounts(docs_)
    for members in groups.values():
        keys: set[str] = set()
        for d in members:
            keys |= lexicon.expand(lexicon.find_issues(d.text))
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    return counts, len(groups)


def readout_salience(
    counts: dict[str, int], total: int, base_counts: dict[str, int], base_total: int,
    rules: SalienceRules,
) -> dict[str, dict[str, Any]]:
    """Per issue mentioned in the window readouts: counts, shares, ratio and the rule applied.

    Salient when at least ``rules.readout_min`` window readouts mention the issue and its
    share of the window readouts is at least ``rules.readout_min_ratio`` times its share of
    the baseline readouts (the parties' own readouts in the ``rules.baseline_windows``
    windows of the same length just before); with no baseline readout at all, when the share
    is at least ``rules.readout_min_share``.
    """
    out: dict[str, dict[str, Any]] = {}
    for key, n in sorted(counts.items()):
        share = n / total if total else 0.0
        bn = base_counts.get(key, 0)
        bshare = bn / base_total if base_total else None
        ratio: float | None = None
        if bshare is not None:
            ratio = share / bshare if bshare > 0 else float("inf")
        if n < rules.readout_min:
            salient, rule = False, f"{n} readout(s), fewer than {rules.readout_min}"
        elif bshare is None:
            salient = share >= rules.readout_min_share
            rule = (f"no baseline readouts; {n}/{total} readouts ({share:.0%}) "
                    f"{'≥' if salient else '<'} {rules.readout_min_share:.0%}")
        else:
            salient = ratio is not None and ratio >= rules.readout_min_ratio
            shown = "∞" if ratio == float("inf") else f"{ratio:.2f}"
            rule = (f"{n}/{total} readouts ({share:.0%}) vs baseline {bn}/{base_total} "
                    f"({bshare:.0%}): ratio {shown} {'≥' if salient else '<'} "
                    f"{rules.readout_min_ratio:g}")
        out[key] = {"count": n, "total": total, "share": round(share, 4),
                    "baseline_count": bn, "baseline_total": base_total,
                    "baseline_share": None if bshare is None else round(bshare, 4),
                    "ratio": None if ratio is None else (
                        "inf" if ratio == float("inf") else round(ratio, 3)),
                    "salient": salient, "rule": rule}
    return out


def readout_mentions(
    store: Store,
    *,
    start: Date,
    end: Date,
    parties: Sequence[str],
    exclude: Sequence[str] = (),
    lexicon: Lexicon,
    rules: SalienceRules | None = None,
) -> tuple[dict[str, list[Mention]], list[dict[str, Any]], dict[str, str],
           dict[str, dict[str, Any]]]:
    """Issues salient in the parties' own readouts dated in ``[start, end]``.

    Returns (issue → mentions, for the salient issues only; the readouts considered; their
    texts by id; per-issue salience figures of :func:`readout_salience`). Readouts are those
    of :func:`_own_readouts`; the baseline is the same selection over the
    ``rules.baseline_windows`` windows of the same length just before ``start``.
    """
    from bilat.text.claims import extract_claims

    rules = rules or SalienceRules()
    window = _own_readouts(store, start, end, parties, exclude, lexicon)
    length = end - start + timedelta(days=1)
    b_end = start - timedelta(days=1)
    b_start = start - length * rules.baseline_windows
    baseline = _own_readouts(store, b_start, b_end, parties, exclude, lexicon)
    figures = readout_salience(*_issue_counts(window, lexicon),
                               *_issue_counts(baseline, lexicon), rules)
    salient = {k for k, f in figures.items() if f["salient"]}
    mentions: dict[str, list[Mention]] = {}
    considered: list[dict[str, Any]] = []
    texts: dict[str, str] = {}
    for doc in window:
        claims = extract_claims(doc, lexicon=lexicon)
        found = _mentions_in(doc, claims, lexicon)
        considered.append({"doc_id": doc.doc_id, "date": doc.date.isoformat(), "side": doc.side,
                           "kind": doc.kind, "title": doc.title, "source_url": doc.source_url,
                           "issues": sorted(found)})
        texts[doc.doc_id] = doc.text
        for key, ms in found.items():
            if key in salient:
                mentions.setdefault(key, []).extend(ms)
    return mentions, considered, texts, figures


# ---------------------------------------------------------------------------------- events
def _fips(iso3: str) -> tuple[str, ...]:
    """FIPS 10-4 geography codes of a state (GDELT ``ActionGeo_CountryCode``)."""
    from bilat.reference.countries import iso3_map

    return tuple(sorted(k for k, v in iso3_map("fips").items() if v == iso3))


def _ymd(d: Date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def _party_totals(store: Store, parties: Sequence[str], start: Date, end: Date) -> int:
    """Events involving either party (as Actor1 or Actor2) in ``[start, end]``: the denominator."""
    from bilat.indicators.events import cameo_codes
    from bilat.sources.gdelt import events_table

    t = events_table(store)
    codes = sorted({c for p in parties for c in cameo_codes(p)})
    expr = t.filter(t.SQLDATE.between(_ymd(start), _ymd(end))
                    & (t.Actor1CountryCode.isin(codes) | t.Actor2CountryCode.isin(codes)))
    return int(expr.count().execute())


def _upper_bounds(store: Store, parties: Sequence[str], start: Date, end: Date,
                  countries: set[str]) -> dict[str, int]:
    """Per country, events of either party in ``[start, end]`` with the country as an actor or
    as the place: an upper bound of :func:`events_in_window`'s count, from one grouped query."""
    from bilat.indicators.events import cameo_codes
    from bilat.reference.countries import iso3_map
    from bilat.sources.gdelt import events_table

    t = events_table(store)
    codes = sorted({c for p in parties for c in cameo_codes(p)})
    grouped = (t.filter(t.SQLDATE.between(_ymd(start), _ymd(end))
                        & (t.Actor1CountryCode.isin(codes) | t.Actor2CountryCode.isin(codes)))
               .group_by(["Actor1CountryCode", "Actor2CountryCode", "ActionGeo_CountryCode"])
               .aggregate(n=lambda x: x.count()).execute())
    cameo = iso3_map("cameo")
    fips = iso3_map("fips")
    out: dict[str, int] = {}
    for a1, a2, geo, n in grouped.itertuples(index=False):
        hit = {cameo.get(a1, a1) if a1 else None, cameo.get(a2, a2) if a2 else None,
               fips.get(geo) if geo else None} & countries
        for iso in hit:
            out[iso] = out.get(iso, 0) + int(n)
    return out


def _sample(df: Any, n: int) -> tuple[dict[str, Any], ...]:
    if n <= 0 or df.empty:
        return ()
    top = df.sort_values(["NumMentions", "GLOBALEVENTID"], ascending=[False, True]).head(n)
    out = []
    for r in top.to_dict("records"):
        out.append({
            "GLOBALEVENTID": int(r["GLOBALEVENTID"]), "SQLDATE": int(r["SQLDATE"]),
            "relation": str(r["relation"]), "actor1_iso3": r["actor1_iso3"] or None,
            "actor2_iso3": r["actor2_iso3"] or None,
            "ActionGeo_CountryCode": r["ActionGeo_CountryCode"] or None,
            "EventCode": str(r["EventCode"]), "event_description": r.get("event_description"),
            "QuadClass": int(r["QuadClass"]), "NumMentions": int(r["NumMentions"]),
            "SOURCEURL": r["SOURCEURL"] or None,
        })
    return tuple(out)


def event_salience(
    store: Store,
    *,
    when: Date,
    parties: Sequence[str],
    issues: dict[str, str],
    window_weeks: int = 4,
    rules: SalienceRules | None = None,
    always: Sequence[str] = (),
) -> dict[str, EventEvidence]:
    """Event evidence for each ``issue → ISO3 country`` in the weeks up to ``when``.

    Countries that cannot reach ``rules.min_events`` in the window (an upper bound from one
    grouped query) are skipped unless their issue is in ``always`` (the watch-list).

    Events "involving either party and the country" are those of
    :func:`bilat.indicators.events.events_in_window` with ``other`` = the country (either
    party with it as the other actor, or the two parties acting in its territory, FIPS); the
    denominator counts every event with either party as Actor1 or Actor2 (same table).
    """
    from bilat.indicators.events import events_in_window

    rules = rules or SalienceRules()
    pair = (parties[0], parties[1])
    w_end = when
    w_start = when - timedelta(weeks=window_weeks) + timedelta(days=1)
    b_end = w_start - timedelta(days=1)
    b_start = w_start - timedelta(weeks=window_weeks * rules.baseline_windows)
    total = _party_totals(store, parties, w_start, w_end)
    btotal = _party_totals(store, parties, b_start, b_end)
    upper = _upper_bounds(store, parties, w_start, w_end, set(issues.values()))
    out: dict[str, EventEvidence] = {}
    for key, iso in issues.items():
        if iso in parties:
            continue
        if key not in always and upper.get(iso, 0) < rules.min_events:
            continue  # cannot reach min_events: not salient, not queried in full
        win = events_in_window(store, actors=pair, start=w_start, end=w_end, other=iso)
        win = win[win["relation"] != "A-B"]
        base = events_in_window(store, actors=pair, start=b_start, end=b_end, other=iso)
        base = base[base["relation"] != "A-B"]
        n, bn = len(win), len(base)
        share = n / total if total else 0.0
        bshare = bn / btotal if btotal else None
        ratio: float | None = None
        if bshare is not None:
            ratio = (share / bshare) if bshare > 0 else (float("inf") if share > 0 else None)
        if n < rules.min_events:
            salient = False
            rule = f"{n} events, fewer than {rules.min_events}"
        elif bshare is None:
            salient = share >= rules.min_share
            rule = (f"no baseline events in the store; share {share:.1%} "
                    f"{'≥' if salient else '<'} {rules.min_share:.0%}")
        else:
            salient = ratio is not None and ratio >= rules.min_ratio
            shown = "∞" if ratio == float("inf") else f"{ratio:.2f}" if ratio is not None else "-"
            rule = (f"share {share:.1%} vs baseline {bshare:.1%}: ratio {shown} "
                    f"{'≥' if salient else '<'} {rules.min_ratio:g}")
        out[key] = EventEvidence(
            issue=key, country=iso, fips=_fips(iso),
            window_start=w_start.isoformat(), window_end=w_end.isoformat(),
            count=n, total=total, share=round(share, 4),
            mentions=int(win["NumMentions"].sum()) if n else 0,
            baseline_start=b_start.isoformat(), baseline_end=b_end.isoformat(),
            baseline_count=bn, baseline_total=btotal,
            baseline_share=None if bshare is None else round(bshare, 4),
            ratio=None if ratio is None else (ratio if ratio == float("inf") else round(ratio, 3)),
            salient=salient, rule=rule, sample=_sample(win, rules.sample if salient else 0),
        )
    return out


def _country_issues(lex: Lexicon, parties: Sequence[str]) -> dict[str, str]:
    """One issue per country (not a party): the issue named like the country, else the first."""
    from bilat.reference.countries import country_name

    by_country: dict[str, list[str]] = {}
    for key, issue in lex.issues.items():
        if issue.country and issue.country not in parties:
            by_country.setdefault(issue.country, []).append(key)
    out: dict[str, str] = {}
    for iso, keys in by_country.items():
        try:
            name = country_name(iso).casefold()  # the current state's name, not a former state's
        except BilatError:
            name = ""
        pick = next((k for k in keys if lex.issues[k].label.casefold() == name), keys[0])
        out[pick] = iso
    return out


# ---------------------------------------------------------------------------------- API
def find_omissions(
    doc: Document,
    claims: Sequence[Claim] | None = None,
    *,
    watch: Sequence[str] = (),
    store: Store | None = None,
    parties: Sequence[str] = (),
    window_weeks: int = 4,
    lexicon: Lexicon | None = None,
    exclude: Sequence[str] = (),
    readouts: bool = True,
    events: bool = True,
    rules: SalienceRules | None = None,
) -> OmissionReport:
    """Issues salient around ``doc``'s date (watch-list, readouts, event data) it does not mention.

    Without ``store`` only the watch-list is checked (``events_note`` says so). Parties default
    to ``doc.parties``.
    """
    from bilat.text.lexicon import load_lexicon

    lex = lexicon or load_lexicon()
    rules = rules or SalienceRules()
    if claims is None:
        from bilat.text.claims import extract_claims

        claims = extract_claims(doc, lexicon=lex)
    parties = tuple(p.upper() for p in (parties or doc.parties))
    present = _mentions_in(doc, claims, lex)
    mentioned = set(present)
    texts: dict[str, str] = {}
    r_mentions: dict[str, list[Mention]] = {}
    considered: list[dict[str, Any]] = []
    ev: dict[str, EventEvidence] = {}
    events_note = ""
    r_figures: dict[str, dict[str, Any]] = {}
    read0 = DOCUMENTS_READ[0]
    if store is not None and doc.date is not None and readouts and parties:
        span = timedelta(weeks=window_weeks)
        r_mentions, considered, texts, r_figures = readout_mentions(
            store, start=doc.date - span, end=doc.date + span, parties=parties,
            exclude=(doc.doc_id, *exclude), lexicon=lex, rules=rules)
    if not events:
        events_note = "event data not checked (events=False)"
    elif store is None:
        events_note = "event data not checked: no store given"
    elif doc.date is None:
        events_note = "event data not checked: the statement has no date"
    elif len(parties) != 2:
        events_note = ("event data not checked: the statement names "
                       f"{len(parties)} parties ({', '.join(parties) or 'none'}), not two")
    else:
        candidates = _country_issues(lex, parties)
        for key in watch:
            iso = lex.country(key)
            if iso and iso not in parties:
                candidates.setdefault(key, iso)
        try:
            ev = event_salience(store, when=doc.date, parties=parties, issues=candidates,
                                window_weeks=window_weeks, rules=rules, always=tuple(watch))
            events_note = (f"GDELT events of {', '.join(parties)} in the {window_weeks} weeks to "
                           f"{doc.date.isoformat()} against the {rules.baseline_windows} windows "
                           "before")
        except BilatError as exc:
            if exc.code != "E009":
                raise
            events_note = f"event data not checked: {exc.message}"
    # events are keyed by the issue picked for the country; count other issues of it too
    by_country = {e.country: e for e in ev.values()}
    omissions: list[Omission] = []
    keys = list(dict.fromkeys([*watch, *sorted(r_mentions), *(k for k, e in ev.items()
                                                              if e.salient)]))
    for key in keys:
        if key in mentioned or key not in lex.issues:
            continue
        iso = lex.country(key)
        evidence = ev.get(key) or (by_country.get(iso) if iso else None)
        # event data speak of a country: any mentioned issue of that country covers them
        country_covered = bool(iso) and any(lex.country(m) == iso for m in mentioned)
        sources = tuple(s for s, hit in (
            ("watch", key in watch),
            ("readouts", bool(r_mentions.get(key))),
            ("events", bool(evidence and evidence.salient and ev.get(key) is evidence
                            and not country_covered)),
        ) if hit)
        if not sources:
            continue
        omissions.append(Omission(
            issue=key, label=lex.issues[key].label, country=iso, sources=sources,
            readout_mentions=tuple(r_mentions.get(key, ())), events=evidence,
        ))
    return OmissionReport(
        doc_id=doc.doc_id, date=None if doc.date is None else doc.date.isoformat(),
        parties=parties, window_weeks=window_weeks, watch=tuple(watch), omissions=omissions,
        present={k: v for k, v in present.items() if k in set(watch) or k in r_mentions
                 or (k in ev and ev[k].salient)},
        readouts=considered, events_checked=bool(ev), events_note=events_note, rules=rules,
        texts=texts, readout_salience=r_figures, documents_read=DOCUMENTS_READ[0] - read0,
    )
