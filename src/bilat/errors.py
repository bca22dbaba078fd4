"""Every user-facing error of bilat, with a short code (spaCy style).

Library code raises :class:`BilatError` built from a template here; the CLI turns it into one
line on stderr (``--traceback`` shows the stack). Each message says what failed, the value,
the valid options where there are some, and the next step.

Code ranges: E0xx general and store, E1xx event data (GDELT), E2xx UN votes,
E3xx documents and readouts, E4xx joint-statement lineage.
"""

from __future__ import annotations

from pathlib import Path


class Errors:
    """Message templates, filled with ``str.format`` keyword arguments."""

    # --- E0xx: general, configuration, store -------------------------------------------------
    E001 = "unknown store URL {url!r}; use a path, duckdb:///PATH, duckdb://:memory:, pyspark:// or bigquery://PROJECT"
    E002 = "backend {backend!r} needs an optional extra; install it with: pip install 'bilat[{extra}]'"
    E003 = "no mirror folder {path!s}; give an existing folder with --mirror DIR or BILAT_MIRROR"
    E004 = "unknown output format {value!r}; valid: {options}"
    E005 = "cannot write {path!s}: {reason}"
    E006 = "the store {path!s} is in use or unreadable: {reason}"
    E007 = "invalid date {value!r}; use YYYY-MM-DD (or YYYY-MM, YYYY)"
    E008 = "unknown country {value!r}{hint}; give an ISO3 code such as RUS or CHN (see `bilat countries`)"
    E009 = "table {name!r} is not in the store; load it first with `{next_step}`"
    E010 = "download failed for {url}: {reason}; retry, or use --mirror DIR for a local copy"
    E011 = "{path!s} is not in the mirror folder {mirror!s}{why}; add the file under its upstream name or fetch it online"
    E012 = "unknown value {value!r} for {option}; valid: {options}"
    # E013–E049: the shared source core (bilat.sources.core) and the store
    E013 = "{path!s}: cannot read as {fmt}: {reason}; the file may be truncated or not in this format (download it again)"
    E014 = "{path!s}: missing columns {missing}; found {found}; the upstream layout is: {expected}"
    E015 = "{path!s} line {line}: {reason}; fix the row, or pass --on-bad-rows skip|quarantine to set such rows aside"
    E016 = "invalid --on-bad-rows {value!r}; valid: fail, skip, quarantine"
    E017 = "checksum mismatch for {name}: expected {expected}, got {got}; run the same command again to download it anew"
    E018 = "{path!s} is empty or has no data rows; download it again or check the mirror copy"
    E019 = "cannot write {path!s}: {reason}; free some space (or choose another --store) and run the same command again: nothing was half-written"
    # E020–E049: the store checks itself (bilat.store, bilat doctor) and CLI boundaries
    E020 = "store part {part} has no data files ({path!s}): the store is damaged and would answer from what is left; run `bilat doctor` to see what is missing and how to repair it"
    E021 = "store part {part} is damaged ({path!s}): {reason}; run `bilat doctor` to see how to repair it"
    E022 = "no store at {path!s}; read commands never create one: give the store you loaded with --store or BILAT_STORE, or load data first (e.g. `bilat fetch unvotes`)"
    E023 = "cannot create the store at {path!s}: {reason}; choose a folder you can write to with --store (or BILAT_STORE)"
    E024 = "{path!s} is a file, but the store keeps its data folder under that name; move the file away or choose another --store"
    E025 = "{path!s} is not a readable bilat store ({reason}); restore it from a backup, or move it away and load the data again (`bilat fetch …`); `bilat doctor` tells more"
    E026 = "the store {path!s} is read-only ({reason}); this command writes to it: make it writable or copy it and give --store COPY"
    E027 = "{what} failed: {reason}; rerun with --traceback and report it if the input looks right"
    E028 = "{message}; see `{command} --help`"
    E040 = "{value!r} names more than one state: give {options} as an ISO3 code or a longer name (`bilat countries {value}` lists each one's names)"

    # --- E1xx: event data (GDELT, CAMEO) -------------------------------------------------------
    # (owned by bilat.sources.gdelt / bilat.indicators.events)
    E101 = "line has {found} fields but this file is {layout} ({expected} fields){hint}; fix the file, or pass --on-bad-rows skip|quarantine to set such rows aside"
    E102 = "bad date {value!r} in {column} (expected {expected}); fix the row, or pass --on-bad-rows skip|quarantine"
    E103 = "bytes that are not UTF-8 in column {column}; GDELT files are UTF-8: download the file again, or pass --on-bad-rows skip|quarantine"
    E104 = "the zip file is truncated or corrupt ({reason}); delete it and download it again (`bilat fetch gdelt` resumes)"
    E105 = "empty file: no event rows; download it again, or pass --on-bad-rows skip to accept empty files"
    E106 = "cannot tell the GDELT version: line 1 has {found} fields; GDELT 1.0 has 57 (backfile, before April 2013) or 58 (daily) fields, GDELT 2.0 has 61"
    E107 = "MD5 mismatch for {name}: the GDELT file list says {expected}, the download has {got}; run the same command again to download it anew"
    E108 = "{missing} of {expected} expected GDELT files were not received (first: {first}); run the same command again to resume, or pass --allow-missing to accept the gap"
    E109 = "bad value {value!r} in column {column}: {reason}; fix the row, or pass --on-bad-rows skip|quarantine"
    E110 = "no such file {path!s}; give GDELT export files (.CSV, .csv or .zip)"
    E111 = "{path!s} has no CSV member; a GDELT zip holds one export file such as 20191024143000.export.CSV"
    E112 = "unknown indicator {value!r}; valid: {options}"
    E113 = "{value!r} is not a period of {period} (e.g. {example}); give at= (--at) in that form"
    E114 = "no GDELT file list at {url} ({reason}); check the address, or use --mirror DIR"
    E115 = "start= (--start) {start} is after end= (--end) {end}; give the earlier date first"
    E116 = "A and B are the same state {value!r}; a dyad needs two different states (e.g. RUS CHN)"
    # E117–E139: GDELT rows out of the field's domain, identity, fetch ranges (bilat.sources.gdelt)
    E117 = "a carriage return (CR) inside the row would split a field or join two rows (GDELT rows end with LF; CRLF line ends are read); fix the row, or pass --on-bad-rows skip|quarantine"
    E118 = "{column} {value!r} is outside the field's domain ({domain}); fix the row, or pass --on-bad-rows skip|quarantine"
    E119 = "{column} {value} is later than {limit}: no GDELT file holds an event from the future; fix the row, or pass --on-bad-rows skip|quarantine"
    E120 = "no GDELT {version}.0 files cover {start}..{end}: GDELT {version}.0 runs from {first} to today; give dates in that range"
    # E140–E199: ICEWS (events, dyad-year aggregates, quadruple sets), leaders, the canonical
    # event view, coverage and contacts (owned by bilat.sources.icews*, bilat.indicators.events)
    E140 = "{path!s}: missing ICEWS column(s) {missing} in the header (line 1); found: {found}; the ICEWS Dataverse layout has 20 tab-separated fields: {expected}"
    E141 = "{path!s} line {line}: unknown country name {value!r} in {column}; add the name as an alias in bilat/reference/data/countries.csv, or pass --on-bad-rows skip|quarantine"
    E142 = "{path!s} line {line}: bad date {value!r} in {column} (expected {expected}); fix the row, or pass --on-bad-rows skip|quarantine"
    E143 = "{path!s} line {line}: bad value {value!r} in {column}: {reason}; fix the row, or pass --on-bad-rows skip|quarantine"
    E144 = "{path!s} line {line}: {found} tab-separated fields, the {layout} layout has {expected}; fix the row, or pass --on-bad-rows skip|quarantine"
    E145 = "{path!s}: the zip holds no ICEWS event file (members: {members}); an ICEWS zip holds events.YYYY.*.tab or YYYYMMDD-icews-events.tab"
    E146 = "{path!s}: no {missing} beside this quadruple file; an ICEWS quadruple set keeps train/valid/test.txt (or quadruple.txt) with entity2id.txt and relation2id.txt in one folder"
    E147 = "{path!s}: unknown quadruple set {value!r}: its time index has no known date mapping; known sets: {options} (rename the folder to one of them if it is the same build)"
    E148 = "{path!s} line {line}: {what} id {value!r} is not in {dictionary}; the set is incomplete: copy it again"
    E149 = "{path!s}: no ICEWS dyad-year table in this R file (objects: {found}); expected a data frame with columns {expected}"
    E150 = "no {source} events for {dyad}{span}: {why}"
    E151 = "dedup='root' (--dedup root) is GDELT's IsRootEvent and has no meaning for {source}; use dedup='daily' (--dedup daily: one event per day, dyad and CAMEO code) or 'none'"
    E152 = "{path!s}: cannot tell the event format from its first line ({found}); bilat reads GDELT exports (57, 58 or 61 tab-separated fields, no header), ICEWS Dataverse files (header 'Event ID<TAB>Event Date…', .tab or .zip), ICEWS quadruple sets (train/valid/test.txt or quadruple.txt beside entity2id.txt) and the ICEWS dyad-year icews.rda"
    E153 = "invalid {option} {value!r}; {expected}"
    E154 = "leaders table {path!s} line {line}: {reason}; fix the row (see LEADERS_SOURCES.md)"

    # --- E2xx: UN votes ------------------------------------------------------------------------
    # (owned by bilat.sources.unvotes / bilat.indicators.votes)
    E201 = "{path!s} is empty or has no data rows; re-download it or check the mirror copy"
    E202 = "{path!s}: cannot read as {fmt}: {reason}; the file may be truncated or not in this format (re-download it)"
    E203 = "{path!s}: columns {found} match no known vote format; expected one of: {expected}"
    E204 = "{path!s} line {line}: unknown vote code {value!r} in column {column!r}; valid: {options}; fix the row or pass --on-bad-rows skip"
    E205 = "{path!s} line {line}: duplicate row for state {state!r} on vote {vote_id}; first seen on line {first}; fix the file or pass --on-bad-rows skip"
    E206 = "{path!s} line {line}: unknown state {value!r} ({scheme}); add it to bilat.reference.countries or pass --on-bad-rows skip"
    E207 = "{path!s} line {line}: missing or invalid {column!r} value {value!r}; fix the row or pass --on-bad-rows skip"
    E208 = "{path!s} line {line}: state {state!r} on vote {vote_id} is stored as {stored!r} but this file says {value!r}; the stored row is kept; fix the file or pass --on-bad-rows skip"
    E209 = "{path!s}: formats conflict: {reason}"
    E210 = "no UN votes for {what}; {hint}"
    E211 = "unknown issue {value!r}; valid: {options}"
    E212 = "invalid year range {value!r}; use YYYY or YYYY-YYYY (e.g. 2010-2019)"
    E213 = "unknown affinity method {value!r}; valid: {options}"
    E214 = "no State Department table for {year} in {path!s}; tables exist for: {options}"
    E215 = "invalid --on-bad-rows {value!r}; valid: fail (or error), skip, quarantine"
    E216 = "A and B are the same state {value!r}; a dyad needs two different states (e.g. RUS CHN)"
    # E260–E279: vote rows out of range (bilat.sources.unvotes)
    E260 = "{path!s} line {line}: {column!r} value {value!r} is out of range ({domain}); fix the row or pass --on-bad-rows skip|quarantine"
    E261 = "{path!s} line {line}: the row has {found} fields but the header has {expected}; rows are never padded or shifted: fix the row or pass --on-bad-rows skip|quarantine"
    # E217–E259: UN votes to 2024 (bilat.sources.undl_scrape, idealpoints, unsc_vetoes; bilat.indicators.votes)
    E217 = "{path!s}: the zip should hold one CSV file (the scrape's 'UN DATA.csv'); it holds: {found}"
    E218 = "no ideal points for {what}; {hint}"
    E219 = "unknown ideal-point estimate {value!r}; valid: {options}"
    E220 = "no Security Council vetoes in the store; load them with `bilat fetch unsc-vetoes` (mirror folder unga/unsc-vetoes-2022)"
    E221 = "{path!s}: core-issue mapping line {line}: {reason}; see the format in bilat/reference/data/CORE_ISSUES_SOURCES.md"
    E222 = "give text= (--text WORDS) or symbol= (--symbol SYMBOL), e.g. symbol='A/RES/68/262' (--symbol A/RES/68/262) or text='crimea' (--text crimea)"
    E223 = "unknown stance= (--stance) {value!r}; valid: split, with, all"
    E224 = "reversed years {value!r} for years= (--years): give the earlier year first ({fixed})"

    # --- E3xx: documents, claims, readouts ----------------------------------------------------
    # (owned by bilat.text.documents / bilat.text.readouts)
    E301 = "{path!s} holds no text (empty or whitespace only); give a file with the document's main text"
    E302 = "{path!s} is not a text document ({reason}); give plain text (.txt), an HTML page or a PDF with a text layer"
    E303 = "cannot decide the text encoding of {path!s} (tried {tried}); convert it to UTF-8 (e.g. iconv -f CP1251 -t UTF-8) or pass encoding="
    E304 = "{path!s} is a PDF without a text layer ({pages} page(s), no extractable text); run OCR on it first (e.g. ocrmypdf) and load the result"
    E305 = "no main text found in the page {path!s}; save the readout's text as a .txt file, or give the page's printable version"
    E306 = "no stored document matches {value!r}; list stored documents with `bilat documents list` or add one with `bilat documents add FILE`"
    E307 = "document id prefix {value!r} matches {count} stored documents ({ids}); give more characters"
    E308 = "the documents are not of one event: {reason}; compare readouts of the same call or summit, or pass --force to compare anyway"
    E309 = "a readout comparison needs at least 2 documents, got {count}; give the readouts of both sides"
    E310 = "no claims found in document {doc} ({where}): {reason}; check that it is a readout and not an empty page"
    E311 = "cannot read {path!s}: {reason}"
    E312 = "{path!s} is not a readable PDF: {reason}; check the file, or save the text as .txt"
    E313 = "lexicon file {path!s} is invalid: {reason}; follow the format of bilat/text/data/issues.json"
    E314 = "the same text was given twice (document {doc}); give each side's own readout"
    E315 = "cannot read {value!r} as a document: no such file, http(s) URL or stored document id; give a path, a URL or an id from `bilat documents list`"
    E316 = "unknown aligner {value!r}; valid: {options}"
    E317 = "{path!s} has a text layer of glyph codes, not words ({share:.0%} codes such as {sample!r}): its fonts carry no Unicode map, so it is as unreadable as a scan; run OCR on it (e.g. ocrmypdf --force-ocr) and load the result"
    E318 = "{path!s} is mostly unreadable characters ({count} U+FFFD replacement characters, {share:.0%} of the text): the text layer or the encoding is broken; save the text again as UTF-8, or run OCR on the original"
    E319 = "document {doc} is in {language_name} ({language}), which bilat does not analyse (it reads {supported}); compare a translation, or pass --language to state the language if the detection is wrong"
    E320 = "cannot tell which side issued {where}: {reason}; give it as FILE@SIDE (e.g. cn.txt@CHN) or --side"
    # E350–E399: corpora, leader contacts, pairing, General Debate speeches
    # (owned by bilat.sources.xwlb/kremlin/ungdc and bilat.text.corpus/contacts/pairing/speeches)
    E350 = "cannot tell the corpus format of {path!s}: {reason}; give --format {options}"
    E351 = "{path!s} line {line}: broken day-file heading: {reason}; a 新闻联播 day file starts with '# 《新闻联播》 (YYYYMMDD)' naming its own date: fix the file or leave it out (nothing was stored)"
    E352 = "{path!s} item {position} (line {line}): {reason}; fix the item, or import with --on-bad-rows skip|quarantine to set it aside and keep the rest"
    E353 = "{path!s}: empty corpus: no {fmt} files found{detail}; give the folder or file that holds them (e.g. texts/xwlb/news)"
    E354 = "{path!s} line {line}: {reason}; fix the row, or import with --on-bad-rows skip|quarantine to set it aside and keep the rest"
    E355 = "{path!s}: not a 新闻联播 JSON day file: {reason}; give CCTV API day files (assets/YYYY/YYYYMMDD.json)"
    E356 = "{path!s}: {reason}; General Debate files are named ISO3_SESSION_YEAR.txt (e.g. RUS_77_2022.txt)"
    E357 = "no General Debate speeches of {state} in the store{detail}; import them with `bilat documents import PATH --format ungdc`"
    E358 = "no corpus items in the store{detail}; import a corpus first with `bilat documents import PATH` (see `bilat documents import --help`)"
    E359 = "unknown {option} {value!r}; valid: {options}"
    E360 = "no account of a {a}-{b} leader contact within {days} day(s) of {date} in the stored corpora{detail}; widen --days, or import the other side's corpus for that period"
    E361 = "no contact of {a} and {b} has accounts from both sides in the stored corpora{detail}; import both sides' corpora for an overlapping period (e.g. xwlb and kremlin-en for 2021-10 to 2022-06)"
    E362 = "invalid years {value!r}; use YYYY or YYYY-YYYY within {lo}-{hi}"
    E370 = "--language {value!r} is not a language bilat analyses; valid: {options} (give the language of the text when its detection is wrong)"

    # --- E4xx: joint-statement lineage ---------------------------------------------------------
    # (owned by bilat.text.lineage)
    E401 = "a lineage needs at least 2 statements of the same parties, got {count}{detail}; give the earlier statements of the series too (any order)"
    E402 = "statement {doc} has no date; give it as DOC@YYYY-MM-DD or with --date (dates order the series)"
    E403 = "statement {doc} is between {found}, but the series is between {expected}; give statements of the same parties, or pass --parties to name them"
    E404 = "cannot read {value!r} as a statement: {reason}; give a file path, FILE@YYYY-MM-DD or a stored document id (`bilat documents list`)"
    E405 = "unknown issue {value!r} in --watch; valid: {options}"
    E406 = "no claims found in statement {doc}: {reason}; check that the file holds the statement's main text"
    E407 = "{path!s}: {reason}; see evaluation/statements/README.md for the format"
    E408 = "invalid {option} {value!r}; {expected}"
    E409 = "{given} dates given with --date for {count} documents; give one --date per DOC, in order, or write DOC@YYYY-MM-DD"

    # --- E500–E599: material ties (trade, arms, alliances, IGOs, exercises, energy, engagements)
    # (owned by bilat.sources.{trade_cow,imf_dots,arms_sipri,alliances_atop,igo_cow,exercises_mme,energy_ei,engagements_chinavitae}, bilat.indicators.material/panel)
    E501 = "{path!s} line {line}: unknown state {value!r} in column {column!r} ({scheme}); add the name as an alias in bilat/reference/data/countries.csv, or pass --on-bad-rows skip|quarantine"
    E502 = "{path!s}: {what} not found: {reason}; the upstream layout is: {expected}"
    E503 = "{path!s} line {line}: bad value {value!r} in column {column!r}: {reason}; fix the row, or pass --on-bad-rows skip|quarantine"
    E504 = "{path!s} line {line}: {key} appears twice with different values (first on line {first}); fix the file, or pass --on-bad-rows skip|quarantine"
    E505 = "unknown indicator {value!r}; valid: {options}"
    E506 = "invalid years {value!r}; use YYYY or YYYY-YYYY (e.g. 1995-2024)"
    E507 = "A and B are the same state {value!r}; a dyad needs two different states (e.g. RUS CHN)"
    E508 = "{what}; {fix}"
    E509 = "unknown pillar {value!r}; valid: {options}"
    E510 = "no material data for {years}: the loaded pillars cover {held}; ask for years inside them (bilat material coverage lists each table's years)"
    E511 = "reversed years {value!r} for years= (--years): give the earlier year first ({fixed})"

    # --- E700–E749: the local web app (bilat.web, `bilat serve`) -------------------------------
    E700 = "no page {value!r} on this server; start from the home page / (pages: {options})"
    E701 = "missing parameter {name!r}; give it in the address, e.g. {example}"
    E702 = "invalid {name} {value!r}; {expected}"
    E703 = "the upload is {size} bytes, over the limit of {limit} bytes; give a shorter text (or start `bilat serve --max-upload BYTES`)"
    E704 = "{name!r} has type {ctype!r}; accepted: plain text (.txt), HTML (.html, .htm) or PDF (.pdf)"
    E705 = "adding documents is switched off: this server opened the store read-only; restart it with `bilat serve --allow-add`"
    E706 = "no store at {path!s}; build one first (e.g. `bilat fetch unvotes`, `bilat events ingest FILE`) or give --store PATH"
    E707 = "cannot listen on {host}:{port}: {reason}; choose another --port (or stop the program using it)"
    E708 = "no table {value!r} on this page; tables: {options}"
    E709 = "refused a form sent from another site ({origin}); submit the form from this server's own pages"
    E710 = "host {value!r} is not served here; open the address this server printed (e.g. http://127.0.0.1:{port}/)"
    E711 = "method {method} is not allowed for {path}; use {allowed}"
    E712 = "reversed year range {value!r}: give the earlier year first ({fixed})"

    # --- E800–E849: Spark and scale (bilat.store.spark) ----------------------------------------
    E801 = "{step} runs on the embedded DuckDB store only and has no Spark form; run it with --store PATH (a bilat store); on Spark run `bilat events indicators`, `bilat events contacts` or `bilat votes affinity` (GDELT events and UN votes)"
    E802 = "Spark ({master}) needs a Java runtime (17 or newer) and none was found; install one (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
    E803 = "Spark ({master}) failed: {reason}; check the master URL and that the cluster can read the store's Parquet files"
    E804 = "{path!s}: this store part is missing ({count} part file(s) missing); run `bilat doctor` on the store to repair it"
    # E870–E899: compacted, sorted GDELT parts (bilat.store.compact, `bilat compact`)
    E870 = "cannot compact the store {path!s}: it is open read-only; open it writable (check the file's permissions) and run `bilat compact` again"
    E871 = "invalid {option} {value!r}; {expected}"
    E872 = "compaction of {path!s} failed: {reason}; nothing was changed (the store answers from its parts as before); free space or fix the cause and run `bilat compact` again"
    E873 = "repair of the GDELT parts of {path!s} failed: {reason}; nothing was changed (the store is as before the repair); free space or fix the cause and run `bilat doctor --repair` again"

    # --- E600–E649: the partnership report (bilat.assess, bilat report / status / fetch all) ----
    E601 = "hypotheses file {path!s}: {key}: {reason}; see bilat/assess/hypotheses.toml for the format"
    E602 = "hypotheses file {path!s} is not valid TOML: {reason}; fix the syntax (see bilat/assess/hypotheses.toml)"
    E603 = "no hypotheses file {path!s}; give an existing TOML file with --hypotheses FILE"
    E604 = "no yardstick dyads for {pair}: {reason}; name them with --ref C D (e.g. --ref USA GBR)"
    E605 = "invalid --years {value!r}; use YYYY-YYYY (e.g. 1992-2019)"
    E606 = "cannot write the report to {path!s}: {reason}; choose another --out DIR"
    E607 = "readout folder {path!s}: {reason}; see texts/readouts/SOURCES.md for the layout (<SIDE>_<lang>.txt)"
    E608 = "no data for {pair} in any pillar of the store {store}; load it first with `bilat fetch all --mirror DIR`"


class BilatError(Exception):
    """A failure the user can act on: a code, a one-line message and where it happened."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """``[E101] file.CSV:12: message`` — the form the CLI prints."""
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "")
            where += ": "
        return f"[{self.code}] {where}{self.message}".replace("\n", " ")


class _Values(dict):  # type: ignore[type-arg]
    """Template values; an optional placeholder that was not given reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


#: Values longer than this are cut in messages (with a note saying how long they were).
MAX_VALUE_CHARS = 200


#: Placeholders that carry what a person or a file gave (cut when long); option lists are not.
_GIVEN = ("value", "url", "raw", "given", "found")


def _cut(values: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in values.items():
        if key in _GIVEN and isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
            value = value[:MAX_VALUE_CHARS] + f"… ({len(value)} characters, cut)"
        out[key] = value
    return out


def error(
    code: str,
    *,
    path: str | Path | None = None,
    line: int | None = None,
    **values: object,
) -> BilatError:
    """Build a :class:`BilatError` from the template named ``code``."""
    template = getattr(Errors, code)
    message = template.format_map(_Values(path=path, line=line, **_cut(values)))
    # A template that already names the path does not repeat it as the location prefix.
    shown = None if "{path" in template else path
    return BilatError(code, message, path=shown, line=line if shown is not None else None)
