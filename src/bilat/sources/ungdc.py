"""UN General Debate Corpus (UNGDC): one plain-text speech per country and session.

Layout (release v10, 1946-2022; Jankin, Baturo & Dasandi; Baturo, Dasandi & Mikhaylov 2017;
Harvard Dataverse doi:10.7910/DVN/0TJX8Y; mirror ``texts/ungdc/``):

- ``TXT/<ISO3>_<SESSION>_<YEAR>.txt`` (or ``TXT/Session NN - YYYY/<ISO3>_<NN>_<YYYY>.txt`` as
  in the full release): one General Debate speech, UTF-8, English (the UN's official
  translation where delivered in another language); older speeches carry numbered
  paragraphs ("1.\\t…"). Session ``N`` is held in year ``1945 + N``.
- ``Speakers_by_session.xlsx``: ``Year``, ``Session``, ``ISO Code``, ``Country``,
  ``Name of Person Speaking``, ``Post`` (posts not consistently recorded before 1994).
  Read when present, to add the speaker and post to each speech.

Rows (:data:`~bilat.sources.xwlb.ITEM_SCHEMA`, one per speech): ``corpus`` ``ungdc``,
``position`` = session, ``date`` = 1 January of the year (the debate's exact day is not in
the file; ``meta.date_basis`` says so), ``title`` "General Debate, session N (YYYY): <country
as seated>", ``side`` = ISO3 *of the state today* and ``meta`` with ``code`` (the corpus
code), ``session``, ``year``, ``delegation`` and ``speaker``/``post``.

**Coding caveats** (the corpus's conventions, kept visible here): ``RUS`` is the USSR up to
session 46 (1991) and the Russian Federation from session 47 (1992) — stored as side ``RUS``
(continuity) with ``delegation`` "USSR"; ``CHN`` up to session 26 (1971: the debate was held
before the 25 October 1971 vote, and ``CHN_26_1971.txt`` speaks for the "Republic of China"
against the Peking "regime") is the Republic of China delegation (Taipei) — stored as side
``TWN`` with ``delegation`` "Republic of China (Taipei)" so that no Taipei speech is counted
as Beijing's; from session 27 (1972) ``CHN`` is the People's Republic of China.

Whole-file checks: a file name outside the convention (E356), a session/year pair that does
not satisfy ``year = 1945 + session`` (E356), an empty file (E356).
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from bilat.errors import error
from bilat.sources.core import BadRows
from bilat.sources.xwlb import items_table

NAME = re.compile(r"^([A-Z]{3})_(\d{1,2})_(\d{4})\.txt$")
#: Last session in which the corpus code CHN is the Republic of China's seat (1971).
CHN_ROC_LAST_SESSION = 26
#: Last session in which RUS is the USSR (1991).
RUS_USSR_LAST_SESSION = 46
CITATION = ("Jankin, Baturo & Dasandi, 'Words to Unite Nations: The Complete UN General Debate "
            "Corpus, 1946-Present' (OSF, https://osf.io/6kty4); Baturo, Dasandi & Mikhaylov, "
            "Research & Politics 2017; Harvard Dataverse doi:10.7910/DVN/0TJX8Y (v10)")


def seat(code: str, session: int) -> tuple[str, str]:
    """(side ISO3 to store, delegation label) for a corpus code in a session (see caveats)."""
    if code == "CHN":
        if session <= CHN_ROC_LAST_SESSION:
            return "TWN", "Republic of China (Taipei)"
        return "CHN", "People's Republic of China"
    if code == "RUS":
        if session <= RUS_USSR_LAST_SESSION:
            return "RUS", "USSR"
        return "RUS", "Russian Federation"
    from bilat.reference.countries import country_name, to_iso3

    iso = to_iso3(code) or code
    try:
        label = country_name(iso)
    except Exception:  # noqa: BLE001 - a name is a nicety; the code stands
        label = iso
    return iso, label


def speakers(path: Path) -> dict[tuple[str, int], tuple[str | None, str | None]]:
    """(code, session) → (speaker, post) from ``Speakers_by_session.xlsx`` (read once per
    file version)."""
    p = Path(path)
    try:
        stamp = p.stat().st_mtime_ns
    except OSError:
        return {}
    return dict(_speakers(str(p.resolve()), stamp))


@cache
def _speakers(path: str, stamp: int) -> dict[tuple[str, int], tuple[str | None, str | None]]:
    import pandas as pd

    try:
        df = pd.read_excel(path, engine="calamine")
    except Exception:  # noqa: BLE001 - the workbook is optional
        return {}
    need = {"Session", "ISO Code", "Name of Person Speaking", "Post"}
    if not need <= set(df.columns):
        return {}
    out: dict[tuple[str, int], tuple[str | None, str | None]] = {}
    for r in df.itertuples(index=False):
        rec = dict(zip(df.columns, r, strict=True))
        try:
            key = (str(rec["ISO Code"]).strip(), int(rec["Session"]))
        except (TypeError, ValueError):
            continue
        name, post = rec["Name of Person Speaking"], rec["Post"]
        out[key] = (None if pd.isna(name) else str(name).strip(),
                    None if pd.isna(post) else str(post).strip())
    return out


def parse(path: Path, bad: BadRows, root: Path | None = None,
          who: dict[tuple[str, int], tuple[str | None, str | None]] | None = None) -> Any:
    """One speech file → a one-row Arrow table of :data:`ITEM_SCHEMA`."""
    p = Path(path)
    m = NAME.match(p.name)
    if not m:
        raise error("E356", path=p, reason="the file name is not ISO3_SESSION_YEAR.txt")
    code, session, year = m.group(1), int(m.group(2)), int(m.group(3))
    if year != 1945 + session:
        raise error("E356", path=p, reason=f"session {session} is held in {1945 + session}, "
                    f"not {year}")
    text = p.read_bytes().decode("utf-8-sig", errors="strict").replace("\r\n", "\n")
    text = text.replace("\r", "\n").strip()
    if not text:
        raise error("E356", path=p, reason="the file holds no text")
    side, delegation = seat(code, session)
    speaker, post = (who or {}).get((code, session), (None, None))
    name = p.name
    if root is not None:
        with contextlib.suppress(ValueError):
            name = p.resolve().relative_to(root.resolve()).as_posix()
    meta = {"code": code, "session": session, "year": year, "delegation": delegation,
            "speaker": speaker, "post": post, "date_basis": "year of the session"}
    row = {"corpus": "ungdc", "file": name, "position": session, "line": 1,
           "date": date(year, 1, 1), "published": None,
           "title": f"General Debate, session {session} ({year}): {delegation}",
           "body": text, "url": None, "language": "en", "side": side,
           "issuer": f"{delegation} delegation to the UN General Assembly",
           "section": "speech", "meta": json.dumps(meta, ensure_ascii=False)}
    return items_table([row])


def speech_files(folder: Path) -> list[Path]:
    """Every ``ISO3_SS_YYYY.txt`` under ``folder`` (any depth; macOS ``._`` files skipped)."""
    return sorted(p for p in Path(folder).rglob("*.txt")
                  if NAME.match(p.name) and not p.name.startswith("._"))


__all__ = ["CHN_ROC_LAST_SESSION", "CITATION", "NAME", "RUS_USSR_LAST_SESSION", "parse",
           "seat", "speakers", "speech_files"]
