"""Import news-transcript and speech corpora into the store: one document per item.

:func:`import_corpus` reads a corpus folder or file in one of :data:`FORMATS` (told from the
layout when it is unambiguous), stores each news item (not each day file) as a
:class:`~bilat.text.model.Document` in the ``documents`` table of :mod:`bilat.text.documents`
(text = headline, blank line, body; language given, not detected), keeps the corpus
provenance in ``corpus_items`` and the leader contacts each item reports
(:mod:`bilat.text.contacts`) in ``corpus_contacts``.

Document kinds (``documents.kind``): an item that reports a leader contact counted by
:mod:`bilat.text.contacts` (``counted``, not a 新闻摘要 repeat) is a ``readout`` whose
``parties`` are the states of those contacts; a speech (UNGDC) is a ``transcript``; every other
item is ``news`` (no parties). A store written before this rule (items stored as ``readout``
or ``transcript`` whatever they reported) is corrected by :func:`reclassify_documents`, which
every import runs first, in one transaction.

``corpus_items`` (one row per item; key ``corpus, file, position``): ``corpus``, ``series``
(``cctv-xwlb`` for both CCTV layouts, ``kremlin`` for the three Kremlin layouts,
``zelenskyy-en``, ``ungdc``), ``file`` (upstream file name), ``position`` (item number in the
file; 0 = the 新闻摘要 running order; the session for speeches), ``line``, ``doc_id``,
``date`` (broadcast or publication date), ``published``, ``title``, ``url`` (original URL),
``language``, ``side``, ``issuer``, ``section``, ``meta`` (JSON), ``chars``, ``title_end``
and ``body_start`` (offsets in the document text), ``imported_at``.

Guarantees:

* **Idempotent**: a file whose name and SHA-256 are in ``ingest_log`` (kind
  ``corpus:<corpus>``) is not read again; a changed file replaces that file's items and
  contacts. Documents are content-addressed (``doc_id``), so an item stored before is not
  stored twice.
* **All or nothing**: every file is parsed before anything is written; a whole-file problem
  (broken day-file heading E351, missing CSV column E014, unreadable JSON E355, a speech file
  outside the naming convention E356) or, under ``on_bad_rows='fail'``, the first malformed
  item (E352/E354) stops the import with one line naming file and position, and nothing of it
  is stored. The write is one transaction.
* **Malformed items** (``on_bad_rows`` ``quarantine``, the default, or ``skip``): set aside
  with file, position/line and reason (``bad_rows`` table under quarantine), the rest kept,
  and listed in the result.
* **Progress** on stderr (a bar when it is a terminal, else a line per 500 files with
  ``progress=True``).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from bilat.errors import error
from bilat.sources.core import BadRows, check_on_bad_rows, sha256_file

#: Corpus formats and what they read.
FORMATS = {
    "xwlb": "CCTV 新闻联播 Markdown day files (news/YYYYMMDD.md)",
    "xwlb-json": "CCTV 新闻联播 API JSON day files (assets/YYYY/YYYYMMDD.json)",
    "kremlin-csv": "Kremlin / president.gov.ua news CSV (en, ru, or the headline list)",
    "ungdc": "UN General Debate Corpus speeches (TXT/ISO3_SESSION_YEAR.txt)",
}
SERIES = {"xwlb": "cctv-xwlb", "xwlb-json": "cctv-xwlb", "kremlin-en": "kremlin",
          "kremlin-ru": "kremlin", "kremlin-headlines": "kremlin",
          "zelenskyy-en": "zelenskyy-en", "ungdc": "ungdc"}

ITEMS_DDL = """
CREATE TABLE IF NOT EXISTS corpus_items (
    corpus VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    line BIGINT,
    doc_id VARCHAR NOT NULL,
    date DATE NOT NULL,
    published TIMESTAMP,
    title VARCHAR,
    url VARCHAR,
    language VARCHAR NOT NULL,
    side VARCHAR,
    issuer VARCHAR,
    section VARCHAR NOT NULL,
    meta VARCHAR,
    chars INTEGER NOT NULL,
    title_end INTEGER NOT NULL,
    body_start INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (corpus, file, position)
)
"""
_BAD_ROWS_DDL = """
CREATE TABLE IF NOT EXISTS bad_rows (
    kind VARCHAR NOT NULL, file VARCHAR NOT NULL, line BIGINT, reason VARCHAR NOT NULL,
    raw VARCHAR, set_aside_at TIMESTAMP NOT NULL
)
"""


def require_tables(store: Any) -> None:
    """E358 unless a corpus was imported (read commands never create tables)."""
    if not (store.has_table("corpus_items") and store.has_table("corpus_contacts")):
        raise error("E358", detail=f" ({store.path or ':memory:'})")


def ensure_tables(store: Any) -> None:
    """Create ``documents``, ``corpus_items`` and ``corpus_contacts`` when missing."""
    from bilat.text import documents as docs
    from bilat.text.contacts import CONTACTS_DDL

    docs._ensure_table(store)  # the documents table belongs to bilat.text.documents
    store.con.execute(ITEMS_DDL)
    store.con.execute(CONTACTS_DDL)


# ------------------------------------------------------------------------------- formats
def _day_files(folder: Path, suffix: str) -> list[Path]:
    return sorted(p for p in folder.rglob(f"*{suffix}")
                  if p.is_file() and len(p.stem) == 8 and p.stem.isdigit()
                  and not p.name.startswith("._"))


def corpus_files(path: str | Path, fmt: str | None = None) -> tuple[str, list[Path]]:
    """(format, files) for a corpus path: the format given, or told from the layout (E350)."""
    from bilat.sources import kremlin, ungdc, xwlb

    p = Path(path).expanduser()
    options = "|".join(FORMATS)
    if fmt is not None and fmt not in FORMATS:
        raise error("E359", option="--format", value=fmt, options=", ".join(FORMATS))
    if not p.exists():
        raise error("E353", path=p, fmt=fmt or "corpus", detail=" (no such file or folder)")
    if p.is_file():
        if fmt is None:
            if p.suffix.lower() == ".md" and xwlb.looks_markdown(p):
                fmt = "xwlb"
            elif p.suffix.lower() == ".json" and xwlb.looks_json(p):
                fmt = "xwlb-json"
            elif p.suffix.lower() == ".csv":
                fmt = "kremlin-csv"
            elif ungdc.NAME.match(p.name):
                fmt = "ungdc"
            else:
                raise error("E350", path=p, options=options,
                            reason="the file is none of the known layouts")
        return fmt, [p]
    found = {
        "xwlb": _day_files(p, ".md"),
        "xwlb-json": _day_files(p, ".json"),
        "kremlin-csv": sorted(f for f in p.rglob("*.csv")
                              if f.is_file() and kremlin.sniff(f) is not None),
        "ungdc": ungdc.speech_files(p),
    }
    if fmt is not None:
        files = found[fmt]
        if fmt == "kremlin-csv" and not files:
            files = sorted(p.rglob("*.csv"))
        if not files:
            raise error("E353", path=p, fmt=fmt, detail="")
        return fmt, files
    present = [k for k, v in found.items() if v]
    if not present:
        raise error("E353", path=p, fmt="corpus", detail=f" (known formats: {options})")
    if len(present) > 1:
        raise error("E350", path=p, options=options,
                    reason="it holds several layouts (" + ", ".join(
                        f"{k}: {len(found[k])} files" for k in present) + ")")
    return present[0], found[present[0]]


def _parser(fmt: str, root: Path) -> Callable[[Path, BadRows], Any]:
    from bilat.sources import kremlin, ungdc, xwlb

    if fmt == "xwlb":
        return lambda f, bad: xwlb.parse_markdown(f, bad, None)
    if fmt == "xwlb-json":
        return lambda f, bad: xwlb.parse_json(f, bad, None)
    if fmt == "kremlin-csv":
        return lambda f, bad: kremlin.parse(f, bad, None)
    sheet = next(iter(sorted(root.rglob("Speakers_by_session.xlsx"))), None) \
        if root.is_dir() else None
    if sheet is None and root.is_file():
        cand = root.parent.parent / "Speakers_by_session.xlsx"
        sheet = cand if cand.is_file() else None
    who = ungdc.speakers(sheet) if sheet else {}
    return lambda f, bad: ungdc.parse(f, bad, None, who)


# ------------------------------------------------------------------------------- result
@dataclass
class ImportResult:
    """What :func:`import_corpus` did, per file and in total."""

    format: str
    path: str
    files: int = 0
    files_unchanged: int = 0
    files_replaced: int = 0
    items_added: int = 0
    documents_added: int = 0
    documents_already_stored: int = 0
    contacts_added: int = 0
    #: Stored corpus documents whose kind was corrected (:func:`reclassify_documents`).
    kinds_corrected: int = 0
    bad_items: list[dict[str, Any]] = field(default_factory=list)
    corpora: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows_added(self) -> int:
        """Items added (the name ``bilat fetch all`` reads)."""
        return self.items_added

    def summary(self) -> str:
        text = (f"{self.path} ({self.format}): {self.files:,} files, "
                f"{self.files_unchanged:,} unchanged; {self.items_added:,} items, "
                f"{self.documents_added:,} new documents "
                f"({self.documents_already_stored:,} already stored), "
                f"{self.contacts_added:,} leader contacts; {self.seconds:.1f} s")
        if self.files_replaced:
            text += f"; {self.files_replaced} changed files replaced"
        if self.kinds_corrected:
            text += (f"; kind corrected for {self.kinds_corrected:,} stored items "
                     "(readout only for a leader contact, else news)")
        if self.bad_items:
            text += f"; {len(self.bad_items)} malformed items set aside"
        return text

    def to_frame(self) -> pd.DataFrame:
        """One row per corpus imported (items added), plus the totals."""
        rows = [{"corpus": c, "items_added": n} for c, n in sorted(self.corpora.items())]
        df = pd.DataFrame(rows, columns=["corpus", "items_added"])
        df["format"] = self.format
        df["files"] = self.files
        df["files_unchanged"] = self.files_unchanged
        df["documents_added"] = self.documents_added
        df["contacts_added"] = self.contacts_added
        df["bad_items"] = len(self.bad_items)
        df["seconds"] = round(self.seconds, 2)
        return df

    def bad_frame(self) -> pd.DataFrame:
        """The malformed items set aside: file, position/line, reason."""
        return pd.DataFrame(self.bad_items, columns=["file", "line", "reason"])


class _Progress:
    def __init__(self, total: int, label: str, enabled: bool | None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.total, self.done, self.label = total, 0, label
        self._bar: Any = None
        self._t0 = time.perf_counter()
        if self.enabled and sys.stderr.isatty() and total > 1:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), console=Console(stderr=True),
                                 transient=True)
            self._bar.start()
            self._task = self._bar.add_task(label, total=total)

    def step(self) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.advance(self._task)
        elif self.enabled and (self.done % 500 == 0 or self.done == self.total):
            print(f"{self.label}: {self.done:,}/{self.total:,} files "
                  f"({time.perf_counter() - self._t0:.0f} s)", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def note(self, text: str) -> None:
        """A phase message on stderr (when progress is shown) for the steps after reading."""
        if self.enabled and self.total > 1:
            print(f"{text} ({time.perf_counter() - self._t0:.0f} s)", file=sys.stderr,
                  flush=True)


# ------------------------------------------------------------------------------- import
def _doc_text(title: str | None, body: str) -> tuple[str, int, int]:
    """(text, end of title, start of body): headline, blank line, body."""
    title = (title or "").strip()
    body = (body or "").strip()
    if title and body:
        return f"{title}\n\n{body}", len(title), len(title) + 2
    if title:
        return title, len(title), len(title)
    return body, 0, 0


def import_corpus(
    store: Any,
    path: str | Path,
    format: str | None = None,  # noqa: A002 - the CLI option's name
    *,
    on_bad_rows: str = "quarantine",
    progress: bool | None = None,
    limit: int | None = None,
) -> ImportResult:
    """Import a corpus folder or file (see the module docstring); returns an ImportResult.

    ``format``: one of :data:`FORMATS`, or None to tell it from the layout (E350 when
    ambiguous, E353 when nothing is found). ``limit``: only the first N files (sorted by
    name), for trials.
    """
    from bilat.text.contacts import contact_rows, extract_contacts

    t0 = time.perf_counter()
    policy = check_on_bad_rows(on_bad_rows)
    fmt, files = corpus_files(path, format)
    if limit is not None:
        files = files[: max(0, int(limit))]
    root = Path(path).expanduser()
    result = ImportResult(fmt, str(path), files=len(files))
    ensure_tables(store)
    result.kinds_corrected = reclassify_documents(store)
    parse = _parser(fmt, root)
    con = store.con
    logged = {(r[0], r[1]) for r in con.execute(
        "SELECT kind, key || '|' || sha256 FROM ingest_log WHERE kind LIKE 'corpus:%'"
    ).fetchall()}
    prior_files = {(r[0], r[1]) for r in con.execute(
        "SELECT DISTINCT corpus, file FROM corpus_items").fetchall()}
    bar = _Progress(len(files), f"reading {fmt}", progress)
    tables: list[Any] = []
    file_log: list[tuple[str, str, str, int, int]] = []  # kind, key, sha, rows, skipped
    quarantine: list[tuple[str, str, int | None, str, str]] = []
    replaced: set[tuple[str, str]] = set()
    try:
        for f in files:
            sha = sha256_file(f)
            kinds = {f"corpus:{c}" for c in _corpora_of(fmt, f)}
            if all((k, f"{f.name}|{sha}") in logged for k in kinds):
                result.files_unchanged += 1
                bar.step()
                continue
            bad = BadRows(policy, f)
            tbl = parse(f, bad)
            if tbl.num_rows == 0 and not len(bad) and fmt != "xwlb":
                raise error("E353", path=f, fmt=fmt, detail=" (the file holds no item)")
            names = set(tbl.column("corpus").to_pylist()) or {
                next(iter(_corpora_of(fmt, f)))}
            for c in names:
                if (c, f.name) in prior_files:
                    replaced.add((c, f.name))
                file_log.append((f"corpus:{c}", f.name, sha, tbl.num_rows, len(bad)))
            for r in bad.rows:
                result.bad_items.append({"file": str(f), "line": r.line, "reason": r.reason})
                quarantine.append((f"corpus:{fmt}", r.file, r.line, r.reason, r.raw))
            if tbl.num_rows:
                tables.append(tbl)
            bar.step()
    finally:
        bar.close()
    result.files_replaced = len(replaced)
    if not tables and not file_log:
        result.seconds = time.perf_counter() - t0
        return result
    import pyarrow as pa

    items = pa.concat_tables(tables).to_pylist() if tables else []
    bar.note(f"{len(items):,} items read; hashing them and finding leader contacts …")
    now = datetime.now(UTC).replace(tzinfo=None)
    doc_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    found: list[tuple[dict[str, Any], Any]] = []
    for it in items:
        text, title_end, body_start = _doc_text(it["title"], it["body"])
        if not text:
            continue
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        doc_id = digest[:16]
        series = SERIES.get(it["corpus"], it["corpus"])
        meta = json.loads(it["meta"]) if it["meta"] else {}
        title = it["title"]
        if not title:
            # placeholder heading (无标题): the lead sentence stands in as the title
            first = text.split("。")[0] if it["language"] == "zh" else text.split(". ")[0]
            title = first[:80]
        prov = {"corpus": it["corpus"], "series": series, "file": it["file"],
                "position": it["position"], "side": it["side"]}
        if it["section"] != "speech":
            for c in extract_contacts(
                    doc_id, text, title_span=(0, title_end) if it["title"] else None,
                    body_start=body_start, language=it["language"], day=it["date"],
                    issuer_side=it["side"], corpus=it["corpus"],
                    published=it["published"].date() if it["published"] else None,
                    section="summary" if it["section"] == "summary" else "item"):
                found.append((prov, c))
        doc_rows.append({
            "doc_id": doc_id, "sha256": digest, "text": text, "language": it["language"],
            "side": it["side"], "issuer": it["issuer"], "date": it["date"], "title": title,
            "source_url": it["url"], "retrieved_at": now,
            "kind": "transcript" if it["section"] == "speech" else "news", "parties": [],
            "event": None, "version": 1})
        item_rows.append({
            "corpus": it["corpus"], "series": series, "file": it["file"],
            "position": it["position"], "line": it["line"], "doc_id": doc_id,
            "date": it["date"], "published": it["published"], "title": it["title"],
            "url": it["url"], "language": it["language"], "side": it["side"],
            "issuer": it["issuer"], "section": it["section"],
            "meta": json.dumps(meta, ensure_ascii=False) if meta else None,
            "chars": len(text), "title_end": title_end, "body_start": body_start,
            "imported_at": now})
    contacts = contact_rows(found)
    # a document reporting a counted contact is a readout between those parties
    parties: dict[str, set[str]] = {}
    for r in contacts:
        if r["counted"] and r["duplicate_of"] is None and r["section"] != "summary":
            parties.setdefault(r["doc_id"], set()).update((r["state_a"], r["state_b"]))
    for d in doc_rows:
        if d["doc_id"] in parties:
            d["kind"] = "readout"
            d["parties"] = sorted(parties[d["doc_id"]])
    bar.note(f"storing {len(doc_rows):,} documents and {len(contacts):,} contacts in one "
             "transaction …")
    _write(store, result, doc_rows, item_rows, contacts, replaced, file_log, quarantine,
           policy, str(path))
    result.seconds = time.perf_counter() - t0
    return result


_RECLASSIFY = """
WITH contact AS (
    SELECT doc_id, list_sort(list_distinct(flatten(list([state_a, state_b])))) AS parties
    FROM corpus_contacts
    WHERE counted AND duplicate_of IS NULL AND section <> 'summary'
    GROUP BY doc_id
), item AS (
    SELECT doc_id, bool_or(section = 'speech') AS speech FROM corpus_items GROUP BY doc_id
), want AS (
    SELECT i.doc_id,
           CASE WHEN c.doc_id IS NOT NULL THEN 'readout'
                WHEN i.speech THEN 'transcript' ELSE 'news' END AS kind,
           coalesce(c.parties, []::VARCHAR[]) AS parties
    FROM item i LEFT JOIN contact c ON c.doc_id = i.doc_id
)
SELECT d.doc_id, w.kind, w.parties,
       coalesce(d.parties, []::VARCHAR[]) IS DISTINCT FROM w.parties AS new_parties
FROM documents d JOIN want w ON w.doc_id = d.doc_id
WHERE d.kind IN ('readout', 'transcript', 'news')
  AND (d.kind <> w.kind OR coalesce(d.parties, []::VARCHAR[]) IS DISTINCT FROM w.parties)
"""


def reclassify_documents(store: Any) -> int:
    """Correct the kind of stored corpus documents; returns how many were changed.

    The kind an item should have (see the module docstring: ``readout`` with the contact's
    parties when it reports a counted leader contact, ``transcript`` for a speech, else
    ``news`` with no parties) is computed in SQL from ``corpus_contacts`` and
    ``corpus_items``; documents of kind readout/transcript/news whose kind differs are
    updated in one transaction (statements and documents of kind ``other`` are left alone).
    A no-op on a store already in shape, or without corpus tables.
    """
    if not (store.has_table("documents") and store.has_table("corpus_items")
            and store.has_table("corpus_contacts")):
        return 0

    con = store.con
    with store.transaction():
        fix = con.sql(_RECLASSIFY).to_arrow_table()
        if fix.num_rows == 0:
            return 0
        con.register("_corpus_kinds", fix)
        try:
            # one set-based update per kind; list columns only where they differ (a DuckDB
            # UPDATE … FROM of a list column rewrites rows one by one)
            for kind in ("readout", "transcript", "news"):
                con.execute("UPDATE documents SET kind = ? WHERE doc_id IN "
                            "(SELECT doc_id FROM _corpus_kinds WHERE kind = ?)", [kind, kind])
            parties = [(list(p), d) for d, p, n in zip(
                fix.column("doc_id").to_pylist(), fix.column("parties").to_pylist(),
                fix.column("new_parties").to_pylist(), strict=True) if n]
            if parties:
                con.executemany("UPDATE documents SET parties = ?::VARCHAR[] WHERE doc_id = ?",
                                parties)
        finally:
            con.unregister("_corpus_kinds")
    return fix.num_rows


def _corpora_of(fmt: str, f: Path) -> set[str]:
    """The corpus names a file's rows carry (for the idempotency check before parsing)."""
    if fmt == "kremlin-csv":
        from bilat.sources.kremlin import sniff

        layout = sniff(f)
        if layout == "ru":
            return {"kremlin-ru"}
        if layout == "headlines":
            return {"kremlin-headlines"}
        return {"zelenskyy-en"} if "zelensk" in f.name.lower() else {"kremlin-en"}
    return {fmt}


def _write(store: Any, result: ImportResult, doc_rows: list[dict[str, Any]],
           item_rows: list[dict[str, Any]], contacts: list[dict[str, Any]],
           replaced: set[tuple[str, str]], file_log: list[tuple[str, str, str, int, int]],
           quarantine: list[tuple[str, str, int | None, str, str]], policy: str,
           origin: str) -> None:
    import pyarrow as pa

    from bilat.text import documents as docs

    con = store.con
    # one document per doc_id within the batch
    seen: set[str] = set()
    uniq = []
    for d in doc_rows:
        if d["doc_id"] not in seen:
            seen.add(d["doc_id"])
            uniq.append(d)
    doc_cols = list(docs._COLUMNS)
    dtab = pa.Table.from_pylist(uniq, schema=pa.schema([
        ("doc_id", pa.string()), ("sha256", pa.string()), ("text", pa.string()),
        ("language", pa.string()), ("side", pa.string()), ("issuer", pa.string()),
        ("date", pa.date32()), ("title", pa.string()), ("source_url", pa.string()),
        ("retrieved_at", pa.timestamp("us")), ("kind", pa.string()),
        ("parties", pa.list_(pa.string())), ("event", pa.string()),
        ("version", pa.int32())]))
    itab = pa.Table.from_pylist(item_rows) if item_rows else None
    ctab = pa.Table.from_pylist(contacts) if contacts else None
    with store.transaction():
        for corpus, fname in replaced:
            con.execute("DELETE FROM corpus_items WHERE corpus = ? AND file = ?", [corpus, fname])
            con.execute("DELETE FROM corpus_contacts WHERE corpus = ? AND file = ?",
                        [corpus, fname])
            con.execute("DELETE FROM ingest_log WHERE kind = ? AND key = ?",
                        [f"corpus:{corpus}", fname])
        con.register("_corpus_docs", dtab)
        try:
            before = con.execute("SELECT count(*) FROM documents").fetchall()[0][0]
            cols = ", ".join(doc_cols)
            # version: 1 + earlier texts stored at the same source_url (as save_document)
            sel = ", ".join(
                "d.version + coalesce(v.n, 0) + (row_number() OVER (PARTITION BY d.source_url "
                "ORDER BY d.doc_id) - 1) * (d.source_url IS NOT NULL)::INTEGER"
                if c == "version" else f"d.{c}" for c in doc_cols)
            con.execute(
                f"INSERT INTO documents ({cols}) SELECT {sel} FROM _corpus_docs d "
                "LEFT JOIN (SELECT source_url, count(*) AS n FROM documents "
                "WHERE source_url IS NOT NULL GROUP BY source_url) v "
                "ON v.source_url = d.source_url "
                "WHERE NOT EXISTS (SELECT 1 FROM documents x WHERE x.doc_id = d.doc_id)")
            after = con.execute("SELECT count(*) FROM documents").fetchall()[0][0]
        finally:
            con.unregister("_corpus_docs")
        result.documents_added = int(after - before)
        result.documents_already_stored = len(uniq) - result.documents_added
        if itab is not None:
            con.register("_corpus_items", itab)
            try:
                n0 = con.execute("SELECT count(*) FROM corpus_items").fetchall()[0][0]
                icols = ", ".join(itab.column_names)
                con.execute(
                    f"INSERT INTO corpus_items ({icols}) SELECT {icols} FROM _corpus_items n "
                    "WHERE NOT EXISTS (SELECT 1 FROM corpus_items s WHERE s.corpus = n.corpus "
                    "AND s.file = n.file AND s.position = n.position)")
                n1 = con.execute("SELECT count(*) FROM corpus_items").fetchall()[0][0]
                result.items_added = int(n1 - n0)
                for c, n in con.execute(
                        "SELECT corpus, count(*) FROM _corpus_items GROUP BY corpus").fetchall():
                    result.corpora[c] = int(n)
            finally:
                con.unregister("_corpus_items")
        if ctab is not None:
            con.register("_corpus_contacts", ctab)
            try:
                ccols = ", ".join(ctab.column_names)
                m0 = con.execute("SELECT count(*) FROM corpus_contacts").fetchall()[0][0]
                con.execute(
                    f"INSERT INTO corpus_contacts ({ccols}) SELECT {ccols} FROM "
                    "_corpus_contacts n WHERE NOT EXISTS (SELECT 1 FROM corpus_contacts s "
                    "WHERE s.corpus = n.corpus AND s.file = n.file AND s.position = n.position "
                    "AND s.contact_id = n.contact_id)")
                m1 = con.execute("SELECT count(*) FROM corpus_contacts").fetchall()[0][0]
                result.contacts_added = int(m1 - m0)
            finally:
                con.unregister("_corpus_contacts")
        if policy == "quarantine" and quarantine:
            con.execute(_BAD_ROWS_DDL)
            now = datetime.now(UTC).replace(tzinfo=None)
            con.executemany("INSERT INTO bad_rows VALUES (?, ?, ?, ?, ?, ?)",
                            [(k, f, ln, r, raw, now) for k, f, ln, r, raw in quarantine])
        for kind, key, sha, rows, skipped in file_log:
            con.execute("DELETE FROM ingest_log WHERE kind = ? AND key = ? AND sha256 = ?",
                        [kind, key, sha])
            store.record_ingest(kind, key, sha, rows, skipped=skipped, source=origin)


def corpus_items(store: Any, *, corpus: str | None = None, series: str | None = None
                 ) -> pd.DataFrame:
    """Stored corpus items (provenance, no text), optionally of one corpus or series."""
    require_tables(store)
    where, params = [], []
    if corpus:
        where.append("corpus = ?")
        params.append(corpus)
    if series:
        where.append("series = ?")
        params.append(series)
    sql = "SELECT * FROM corpus_items" + (" WHERE " + " AND ".join(where) if where else "")
    return store.con.execute(sql + " ORDER BY date, corpus, file, position", params).df()


def fetch_corpus(store: Any, mirror: str | Path | None = None, *, folder: str,
                 format: str | None = None, on_bad_rows: str = "quarantine",  # noqa: A002
                 progress: bool | None = None) -> ImportResult:
    """Import ``<mirror>/<folder>`` (jailed in the mirror, E011) — for ``bilat fetch all``."""
    from bilat.config import resolve_mirror
    from bilat.sources.core import mirror_file

    root = resolve_mirror(mirror)
    if root is None:
        raise error("E003", path="(no mirror)")
    target = mirror_file(root, folder)
    return import_corpus(store, target, format, on_bad_rows=on_bad_rows, progress=progress)


def fetch_xwlb(store: Any, mirror: str | Path | None = None, on_bad_rows: str = "quarantine",
               **_: Any) -> ImportResult:
    """``texts/xwlb`` of the mirror (CCTV Markdown day files)."""
    return fetch_corpus(store, mirror, folder="texts/xwlb", format="xwlb",
                        on_bad_rows=on_bad_rows)


def fetch_xwlb_json(store: Any, mirror: str | Path | None = None,
                    on_bad_rows: str = "quarantine", **_: Any) -> ImportResult:
    """``texts/xwlb-2018-2019`` of the mirror (CCTV API JSON day files)."""
    return fetch_corpus(store, mirror, folder="texts/xwlb-2018-2019", format="xwlb-json",
                        on_bad_rows=on_bad_rows)


def fetch_kremlin(store: Any, mirror: str | Path | None = None,
                  on_bad_rows: str = "quarantine", **_: Any) -> list[ImportResult]:
    """``texts/kremlin-en-2021-2022`` and ``texts/kremlin-ru-2025`` of the mirror."""
    from bilat.config import resolve_mirror

    root = resolve_mirror(mirror)
    folders = [f for f in ("texts/kremlin-en-2021-2022", "texts/kremlin-ru-2025")
               if root is None or (Path(root) / f).is_dir()]
    return [fetch_corpus(store, mirror, folder=f, format="kremlin-csv", on_bad_rows=on_bad_rows)
            for f in folders]


def fetch_ungdc(store: Any, mirror: str | Path | None = None, on_bad_rows: str = "quarantine",
                **_: Any) -> ImportResult:
    """``texts/ungdc`` of the mirror (General Debate speeches)."""
    return fetch_corpus(store, mirror, folder="texts/ungdc", format="ungdc",
                        on_bad_rows=on_bad_rows)


def import_many(store: Any, paths: Sequence[str | Path], **kw: Any) -> list[ImportResult]:
    """:func:`import_corpus` for several paths, in order."""
    return [import_corpus(store, p, **kw) for p in paths]


__all__ = ["FORMATS", "SERIES", "ImportResult", "corpus_files", "corpus_items",
           "ensure_tables", "fetch_corpus", "fetch_kremlin", "fetch_ungdc", "fetch_xwlb",
           "fetch_xwlb_json", "import_corpus", "import_many", "reclassify_documents",
           "require_tables"]
