"""Genuine readout pairs: both governments' published accounts of one call or meeting.

Upstream layout (the mirror's ``texts/readouts/``, see its ``SOURCES.md``)::

    texts/readouts/
      SOURCES.md                          the table of events, sides and caveats
      2022-02-04_xi-putin-beijing-talks/  one folder per event: <YYYY-MM-DD>_<leaders>-<kind>
        SOURCES.md                        per file: publisher, "Original URL:", stored copy, caveats
        RUS_en.txt                        <SIDE>_<lang>.txt: the plain-text body as published
        CHN_zh.txt                          (SIDE: ISO3 of the issuing government; lang: ISO 639-1)
        raw/                              the unchanged stored fragments (not loaded)

Sides: RUS = Kremlin (kremlin.ru), CHN = CCTV 新闻联播 text of China's readout, USA = White
House Briefing Room. The folder date is the date of the event (in the US for US-hosted calls).
Each text is stored as one document (:func:`bilat.text.documents.save_document`) with
``kind="readout"``, ``side`` and ``language`` from the file name, ``date`` and ``event`` (the
folder name) from the folder, ``parties`` from the leaders named in the folder name (both
sides, even for a folder with one side's text), ``issuer`` from the side, ``title`` as
published and ``source_url`` the original URL given in the folder's ``SOURCES.md`` (else the
mirror path). Every load is also logged as kind ``readout_pair`` (key ``<folder>/<file>``,
the text's SHA-256): that log is what marks a stored text as a *verified original* in the
partnership report; any other stored text is shown with a "not a verified original" banner.

Loading is idempotent (a text already stored is not stored again) and file by file: a folder
that breaks the layout is one error (E607) naming the folder; ``on_bad_rows="skip"`` skips it
and counts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bilat.errors import BilatError, error
from bilat.store import Store

#: ingest_log kind of texts loaded from the genuine readout pairs.
KIND = "readout_pair"
#: Mirror folder.
FOLDER = "texts/readouts"
#: Leader or official named in folder names → state (ISO3).
LEADERS = {"xi": "CHN", "putin": "RUS", "biden": "USA", "sullivan": "USA", "trump": "USA",
           "lukashenko": "BLR", "tokayev": "KAZ", "medvedev": "RUS", "li": "CHN",
           "mishustin": "RUS", "obama": "USA", "harris": "USA", "blinken": "USA",
           "lavrov": "RUS", "wang": "CHN"}
ISSUERS = {"RUS": "Presidential Executive Office of Russia (kremlin.ru)",
           "CHN": "CCTV 新闻联播 text of China's readout (tv.cctv.com)",
           "USA": "The White House (Briefing Room)"}
_FILE = re.compile(r"^([A-Z]{3})_([a-z]{2})\.txt$")
_FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})_([a-z0-9-]+)$")


@dataclass
class LoadResult:
    """What loading the readout pairs did (``summary()`` is one line for people)."""

    folders: int = 0
    added: int = 0
    unchanged: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  #: folder -> reason
    doc_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"readout pairs: {self.folders} event folders, {self.added} texts added, "
                f"{self.unchanged} already stored")
        if self.skipped:
            text += f", {len(self.skipped)} folders skipped (" + "; ".join(
                f"{k}: {v}" for k, v in list(self.skipped.items())[:3]) + ")"
        return text


def parse_sources_md(text: str) -> dict[str, dict[str, str]]:
    """Per text file named in a folder's SOURCES.md: its original URL and published title."""
    out: dict[str, dict[str, str]] = {}
    for m in re.finditer(r"^\|\s*`([A-Z]{3}_[a-z]{2}\.txt)`\s*\|(.*)\|\s*$", text, re.M):
        cells = [c.strip() for c in m.group(2).split("|")]
        title = cells[-1] if cells else ""
        if title.startswith("("):  # "(the stored copy has no title for this item)"
            title = ""
        out.setdefault(m.group(1), {})["title"] = title
    sections = re.split(r"^## `", text, flags=re.M)
    for sec in sections[1:]:
        name = sec.split("`", 1)[0]
        url = re.search(r"Original URL:\s*(\S+)", sec)
        if url:
            out.setdefault(name, {})["url"] = url.group(1).strip().rstrip(".")
    return out


def parties_of(folder_name: str) -> tuple[str, ...]:
    """The states whose leaders the folder name names (``2021-08-25_xi-putin-call`` →
    CHN, RUS), in order; E607 when fewer than two are recognised."""
    m = _FOLDER.match(folder_name)
    if not m:
        raise error("E607", path=folder_name, reason="the folder name is not "
                    "<YYYY-MM-DD>_<leader>-<leader>-<kind>")
    states: list[str] = []
    for tok in m.group(2).split("-"):
        st = LEADERS.get(tok)
        if st and st not in states:
            states.append(st)
    if len(states) < 2:
        raise error("E607", path=folder_name, reason="fewer than two known leaders in the "
                    f"folder name (known: {', '.join(sorted(LEADERS))})")
    return tuple(states)


def load_folder(store: Store, folder: Path, result: LoadResult) -> None:
    """Store the texts of one event folder (idempotent)."""
    from bilat.text.documents import document_from_text, save_document

    name = folder.name
    parties = parties_of(name)
    when = _FOLDER.match(name).group(1)  # type: ignore[union-attr]
    files = sorted(p for p in folder.iterdir() if p.is_file() and _FILE.match(p.name))
    if not files:
        raise error("E607", path=folder, reason="no <SIDE>_<lang>.txt text in it")
    meta = {}
    src = folder / "SOURCES.md"
    if src.is_file():
        meta = parse_sources_md(src.read_text(encoding="utf-8"))
    for f in files:
        side, lang = _FILE.match(f.name).groups()  # type: ignore[union-attr]
        if side not in parties:
            raise error("E607", path=folder, reason=f"{f.name}: side {side} is not one of the "
                        f"states the folder name names ({', '.join(parties)})")
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise error("E607", path=f, reason="not UTF-8 text") from exc
        info = meta.get(f.name, {})
        doc = document_from_text(
            text, side=side, issuer=ISSUERS.get(side), date=when, title=info.get("title") or None,
            kind="readout", parties=parties, event=name, language=lang,
            source_url=info.get("url") or str(f),
        )
        key = f"{name}/{f.name}"
        if store.already_ingested(KIND, key, doc.sha256):
            result.unchanged += 1
            result.doc_ids.append(doc.doc_id)
            continue
        stored = save_document(store, doc)
        with store.transaction():
            store.record_ingest(KIND, key, doc.sha256, 1, source=str(f))
        result.added += 1
        result.doc_ids.append(stored.doc_id)


def fetch_readout_pairs(store: Store, mirror: str | Path | None = None, *,
                        on_bad_rows: str = "fail") -> LoadResult:
    """Load every event folder under ``<mirror>/texts/readouts/`` (E011 without one)."""
    from bilat.config import resolve_mirror
    from bilat.sources.core import check_on_bad_rows, mirror_file

    policy = check_on_bad_rows(on_bad_rows)
    root = resolve_mirror(mirror)
    if root is None:
        raise error("E011", path=FOLDER, mirror="(none given)",
                    why=" (the genuine readout pairs are read from a mirror only)")
    base = mirror_file(root, FOLDER)
    result = LoadResult()
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        if not _FOLDER.match(folder.name):
            continue
        result.folders += 1
        try:
            load_folder(store, folder, result)
        except BilatError as exc:
            if policy == "fail":
                raise
            result.skipped[folder.name] = exc.message
    return result


__all__ = ["FOLDER", "KIND", "LEADERS", "LoadResult", "fetch_readout_pairs", "load_folder",
           "parse_sources_md", "parties_of"]
