"""ICEWS events re-published as temporal-knowledge-graph quadruples: a DERIVED source.

Machine-learning benchmarks (RE-Net: Jin et al. 2020; zrLLM: Ding et al. 2024; TAME) publish
ICEWS events (Boschee et al. 2015, doi:10.7910/DVN/28075) as integer quadruples
``subject<TAB>relation<TAB>object<TAB>time`` (RE-Net adds a fifth field, 0) with two
dictionaries beside them in one folder: ``entity2id.txt`` (``name<TAB>id``; names are ICEWS's
Source/Target Name: a country, "Sector (Country)", or a person) and ``relation2id.txt``
(``label<TAB>id``; labels are ICEWS's Event Text). Data files: ``train.txt``, ``valid.txt``,
``test.txt`` or ``quadruple.txt``. ICEWS's country fields, CAMEO numbers, Intensity, story
ids and locations are dropped upstream.

What bilat derives, and labels as derived (``derived`` = true, ``actor*_via`` says how):

- **dates** from the time index, by the set's mapping (:data:`SUBSETS`; inferred and checked
  against known events in the mirror's SOURCES.md — not published by the benchmark authors);
- **CAMEO code**, root and quad class from the Event Text label, by ICEWS's own label → code
  pairs (``reference/data/icews_event_text.csv``);
- **countries** (ISO3) from the entity name: the country itself (``via = 'name'``), the
  country in "Sector (Country)" (``'sector'``), or a person in office that day by the shipped
  leaders table (``'leaders.csv'``, :mod:`bilat.reference.leaders`); anyone else has none;
- **actor types** (GOV, MIL, …) from the sector words (:func:`sector_types`); a leader is GOV.

Stored table ``icews_tkg_events``: ``source`` ('icews-tkg'), ``subset`` (folder name, e.g.
``ICEWS22-zrllm``), ``event_id`` (``<subset>/<file>:<line>``; the sets carry no event ids, so
a repeated quadruple on another line — ICEWS22-zrllm keeps them — is another event),
``event_date``, ``sqldate``, ``time_index``, ``actor1_name``, ``actor1_iso3``,
``actor1_types``, ``actor1_type``, ``actor1_via``, ``actor1_leader``, the same for actor2,
``event_text``, ``cameo_code``, ``cameo_root``, ``quad_class``, ``line``, ``source_file``
(``<subset>.<file>``, e.g. ``ICEWS21-zrllm.train.txt``). Subsets are different builds (999
vs ~20,000 entities, deduplicated or not): compare them through the volume-normalised
indicators, never by raw counts across sets.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from bilat.errors import error
from bilat.sources.core import BadRows, IngestResult, Source, find_in_mirror, ingest

KIND = "icews-tkg"
TABLE = "icews_tkg_events"
CITATION = ("ICEWS Coded Event Data (Boschee et al. 2015, doi:10.7910/DVN/28075) as published "
            "in temporal-knowledge-graph benchmarks: RE-Net (Jin et al., EMNLP 2020), zrLLM "
            "(Ding et al., NAACL 2024), TAME; dates, countries and CAMEO codes derived by bilat.")
DATA_FILES = ("train.txt", "valid.txt", "test.txt", "quadruple.txt")


@dataclass(frozen=True)
class TimeIndex:
    """How a set's time index maps to a date: ``base + (t - offset) * hours / 24`` days."""

    base: date
    hours: int = 24
    offset: int = 0

    def day(self, t: int) -> date:
        """The date of time index ``t``."""
        return self.base + timedelta(days=(t - self.offset) * self.hours // 24)


#: Known quadruple sets (folder name → time mapping), as documented in the mirror.
SUBSETS: dict[str, TimeIndex] = {
    "ICEWS18-renet": TimeIndex(date(2018, 1, 1), hours=1),       # hours since 2018-01-01
    "ICEWS21-zrllm": TimeIndex(date(2021, 1, 1)),                # days since, 0-based
    "ICEWS22-zrllm": TimeIndex(date(2022, 1, 1)),                # days since, 0-based
    "ICEWS22Q4-tame": TimeIndex(date(2022, 1, 1), offset=1),     # day of year, 1-based
    "ICEWS23-tame": TimeIndex(date(2023, 1, 1), offset=1),       # day of year, 1-based
}

#: Sector words → CAMEO actor types (first match of each rule; several rules may match).
_SECTOR_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"defen[cs]e|security ministry", ("GOV", "MIL")),
    (r"intelligence", ("SPY",)),
    (r"ministry|ministery|government|cabinet|head of (state|government)|foreign affairs|"
     r"domestic affairs|royal|governor|mayor|envoy|ambassador|diplomat|secretariat|"
     r"director general|chief of staff|attorney general|authorities|official|executive|"
     r"president|prime minister|minister|treasury|department|municipal|provincial",
     ("GOV",)),
    (r"military|army|navy|air force|armed forces|soldier|combatant|special forces|marine",
     ("MIL",)),
    (r"police|border guard|law enforcement", ("COP",)),
    (r"judge|judiciary|court|prosecutor|justice", ("JUD",)),
    (r"legislat|lawmaker|parliament|senate|assembl|congress|representatives", ("LEG",)),
    (r"opposition|protester|dissident|activist", ("OPP",)),
    (r"rebel", ("REB",)), (r"insurgent|militant", ("INS",)), (r"separatist", ("SEP",)),
    (r"criminal|thief|gang|smuggl|traffick|kidnapper", ("CRM",)),
    (r"extremist|terrorist|radical", ("RAD",)),
    (r"media|newspaper|journalist|television|radio|news", ("MED",)),
    (r"business|company|bank|industr|corporat|firm", ("BUS",)),
    (r"education|student|professor|school|universit|teacher", ("EDU",)),
    (r"health|medical|doctor|hospital", ("HLH",)),
    (r"labor|labour|employee|worker|union", ("LAB",)),
    (r"refugee|immigrant|migrant|displaced", ("REF",)),
    (r"rights", ("HRI",)), (r"farm|agricultur", ("AGR",)),
    (r"citizen|\bmen\b|women|children|population|civilian|villager|resident|people",
     ("CVL",)),
    (r"attacker|armed band|unidentified", ("UAF",)),
)
_RULES = [(re.compile(p, re.IGNORECASE), t) for p, t in _SECTOR_RULES]
_SECTOR_RE = re.compile(r"^(?P<sector>.+) \((?P<country>[^()]+)\)$")


@cache
def sector_types(sector: str) -> tuple[str, ...]:
    """CAMEO actor types of an ICEWS agent label such as "Foreign Affairs" or "Military
    Personnel - Special" (ordered as :data:`bilat.sources.icews.TYPE_ORDER`)."""
    from bilat.sources.icews import TYPE_ORDER

    found = {t for rx, types in _RULES if rx.search(sector) for t in types}
    return tuple(t for t in TYPE_ORDER if t in found)


@cache
def entity_country(name: str) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(ISO3, via, types) of an entity name read without a date: the country itself
    (``'name'``) or "Sector (Country)" (``'sector'``); (None, None, ()) otherwise."""
    from bilat.reference.countries import to_iso3

    m = _SECTOR_RE.match(name)
    if m:
        iso = to_iso3(m.group("country").strip())
        if iso is not None:
            return iso, "sector", sector_types(m.group("sector"))
        return None, None, ()
    iso = to_iso3(name)
    if iso is not None:
        return iso, "name", ()
    return None, None, ()


@cache
def _terms(name: str) -> tuple[tuple[date, date, str, str, str], ...]:
    from bilat.reference.leaders import leader_terms

    return tuple(leader_terms(name))


@cache
def event_text_codes() -> dict[str, str]:
    """ICEWS Event Text label → CAMEO code (``reference/data/icews_event_text.csv``)."""
    import csv

    path = resources.files("bilat.reference").joinpath("data/icews_event_text.csv")
    with path.open(encoding="utf-8") as fh:
        return {r["event_text"]: r["cameo_code"] for r in csv.DictReader(fh)}


def _dictionary(path: Path, name: str, data_file: Path) -> dict[int, str]:
    if not path.is_file():
        raise error("E146", path=data_file, missing=name)
    out: dict[int, str] = {}
    for i, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        label, _, num = raw.rstrip("\r").rpartition("\t")
        try:
            out[int(num.strip())] = label
        except ValueError:
            raise error("E143", path=path, line=i, value=raw[:60], column="id",
                        reason="a dictionary line is 'name<TAB>id'") from None
    return out


def _subset_of(path: Path) -> tuple[str, Path]:
    """(set name, real folder) of a data file (a staged link resolves to its folder)."""
    real = path.resolve()
    return real.parent.name, real.parent


def parse_tkg(path: Path, bad: BadRows) -> Any:
    """Read one quadruple file of a known set into the ``icews_tkg_events`` schema."""
    import pyarrow as pa

    from bilat.reference.cameo import quad_class

    subset, folder = _subset_of(path)
    if subset not in SUBSETS:
        raise error("E147", path=path, value=subset, options=", ".join(SUBSETS))
    tmap = SUBSETS[subset]
    entities = _dictionary(folder / "entity2id.txt", "entity2id.txt", path)
    relations = _dictionary(folder / "relation2id.txt", "relation2id.txt", path)
    codes = event_text_codes()
    fname = path.resolve().name
    cols: dict[str, list[Any]] = {k: [] for k in (
        "event_id", "event_date", "sqldate", "time_index", "actor1_name", "actor1_iso3",
        "actor1_types", "actor1_type", "actor1_via", "actor1_leader", "actor2_name",
        "actor2_iso3", "actor2_types", "actor2_type", "actor2_via", "actor2_leader",
        "event_text", "cameo_code", "cameo_root", "quad_class", "line")}
    text = path.read_bytes().decode("utf-8", errors="replace")
    for i, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) not in (4, 5) or not all(f.lstrip("-").isdigit() for f in fields):
            bad.add(i, "not a quadruple 's r o t'", line, exc=error(
                "E144", path=path, line=i, found=len(fields), layout="quadruple (s r o t)",
                expected="4 whole numbers (RE-Net: 5)"))
            continue
        s, r, o, t = (int(f) for f in fields[:4])
        problem = None
        for what, key, table, dname in (("subject", s, entities, "entity2id.txt"),
                                         ("relation", r, relations, "relation2id.txt"),
                                         ("object", o, entities, "entity2id.txt")):
            if key not in table:
                problem = error("E148", path=path, line=i, what=what, value=key,
                                dictionary=dname)
                break
        label = relations.get(r, "")
        code = codes.get(label)
        if problem is None and code is None:
            problem = error("E143", path=path, line=i, value=label, column="relation",
                            reason="no CAMEO code for this ICEWS event label in "
                            "icews_event_text.csv")
        if problem is None and t < 0:
            problem = error("E142", path=path, line=i, value=t, column="time",
                            expected="a time index of 0 or more")
        if problem is not None:
            bad.add(i, problem.message, line, exc=problem)
            continue
        day = tmap.day(t)
        cols["event_id"].append(f"{subset}/{fname}:{i}")
        cols["event_date"].append(day)
        cols["sqldate"].append(day.year * 10000 + day.month * 100 + day.day)
        cols["time_index"].append(t)
        for n, ent in (("actor1", s), ("actor2", o)):
            name = entities[ent]
            iso, via, types = entity_country(name)
            leader = None
            if iso is None:
                for start, end, c, role, _ in _terms(name):
                    if start <= day <= end:
                        iso, leader, via, types = c, role, "leaders.csv", ("GOV",)
                        break
            cols[f"{n}_name"].append(name)
            cols[f"{n}_iso3"].append(iso)
            cols[f"{n}_types"].append(",".join(types) or None)
            cols[f"{n}_type"].append(types[0] if types else None)
            cols[f"{n}_via"].append(via)
            cols[f"{n}_leader"].append(leader)
        cols["event_text"].append(label)
        cols["cameo_code"].append(code)
        cols["cameo_root"].append(code[:2])
        cols["quad_class"].append(quad_class(code))
        cols["line"].append(i)
    n = len(cols["event_id"])
    table = {"source": pa.array([KIND] * n, pa.string()),
             "subset": pa.array([subset] * n, pa.string())}
    types = {"event_date": pa.date32(), "sqldate": pa.int64(), "time_index": pa.int64(),
             "quad_class": pa.int64(), "line": pa.int64()}
    for k, v in cols.items():
        table[k] = pa.array(v, types.get(k, pa.string()))
    return pa.table(table)


SOURCE = Source(
    kind=KIND, table=TABLE, mirror_dir="icews-tkg", files=tuple(f"*/{f}" for f in DATA_FILES),
    parse=parse_tkg, citation=CITATION, key_columns=("event_id",),
    title="ICEWS quadruple sets (derived)",
)


def _staged(paths: Sequence[Path], folder: Path) -> list[Path]:
    """Links named ``<set>.<file>`` (``train.txt`` exists in every set; the store keys files
    by name)."""
    out = []
    for p in paths:
        subset, _ = _subset_of(Path(p))
        link = folder / f"{subset}.{Path(p).resolve().name}"
        if not link.exists():
            link.symlink_to(Path(p).resolve())
        out.append(link)
    return out


def ingest_icews_tkg(store: Any, paths: Sequence[str | Path], *, on_bad_rows: str = "fail",
                     progress: bool | None = None) -> list[IngestResult]:
    """Store quadruple files (each beside its ``entity2id.txt`` and ``relation2id.txt``, in a
    folder named after a known set) in ``icews_tkg_events``."""
    from bilat.indicators.events import refresh_event_view

    _quiet(store)
    files = [Path(p) for p in paths]
    for p in files:
        if not p.is_file():
            raise error("E013", path=p, fmt="an ICEWS quadruple file", reason="no such file")
    with tempfile.TemporaryDirectory(prefix="bilat-tkg-") as tmp:
        results = ingest(store, SOURCE, _staged(files, Path(tmp)), on_bad_rows=on_bad_rows,
                         origin=None, progress=progress)
    for r, p in zip(results, files, strict=True):
        r.origin = str(p)
    refresh_event_view(store)
    return results


def fetch_icews_tkg(store: Any, mirror: str | Path | None = None, *, on_bad_rows: str = "fail",
                    progress: bool | None = None) -> list[IngestResult]:
    """Load every known quadruple set under ``<mirror>/icews-tkg/`` (no download address:
    the sets live in the benchmarks' repositories; copy them into a mirror)."""
    from bilat.config import resolve_mirror

    folder = resolve_mirror(mirror)
    if folder is None:
        raise error("E010", url="(icews-tkg)", reason="the quadruple sets have no public "
                    "download address bilat knows; copy them into <mirror>/icews-tkg/ and use "
                    "--mirror DIR")
    paths = find_in_mirror(folder, SOURCE.mirror_dir, list(SOURCE.files))
    paths = [p for p in paths if p.parent.name in SUBSETS]
    return ingest_icews_tkg(store, paths, on_bad_rows=on_bad_rows, progress=progress)


def is_quadruple_file(path: str | Path) -> bool:
    """True for a data file of a quadruple set (a known name beside ``entity2id.txt``)."""
    p = Path(path)
    return p.name in DATA_FILES and (p.resolve().parent / "entity2id.txt").is_file()



def _quiet(store: Any) -> None:
    """No DuckDB progress bar on stdout (it would mix with data output)."""
    import contextlib

    with contextlib.suppress(Exception):
        store.con.execute("SET enable_progress_bar = false")


__all__ = ["CITATION", "DATA_FILES", "SOURCE", "SUBSETS", "TimeIndex", "entity_country",
           "event_text_codes", "fetch_icews_tkg", "ingest_icews_tkg", "is_quadruple_file",
           "parse_tkg", "sector_types"]
