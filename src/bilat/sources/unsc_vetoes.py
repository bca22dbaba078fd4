"""UN Security Council vetoes, 16 February 1946 – 8 July 2022 (World Politics Data Lab).

Upstream layout (``unsc_vetoes_1946_sept2022.csv``, one row per vetoed draft resolution or
decision, scraped by Carlos L. Yordán from the Dag Hammarskjöld Library's veto list,
research.un.org/en/docs/sc/quick/veto): ``year``, ``date`` (M/D/YYYY), ``month``, ``draft``
(draft symbol such as ``S/2022/431``, or the meeting record for the early years),
``meeting_record``, ``agenda_item``, ``crisis_topic`` and ``region`` (coded by the
author), ``member_veto1`` … ``member_veto3`` (the vetoing members as named: ``USSR``,
``Russia``, ``China``, ``USA``,
``UK``, ``France``), ``single_veto``, ``multiple_vetoes``, 0/1 dummies ``China``, ``France``,
``Russia``, ``USSR``, ``USA``, ``UK`` and pair dummies ``russia_china``, ``usa_uk``,
``usa_france``, ``usa_france_uk``, ``france_uk``.

Store (table ``unsc_vetoes``, one row per vetoed draft): ``veto_id`` (row number in the
file: the same draft can be vetoed twice at one meeting, so no other identity is unique),
``date`` DATE, ``year``, ``draft``, ``meeting_record``, ``agenda_item``, ``crisis_topic``,
``region``, ``vetoed_by`` (ISO3 codes joined by ``;``, e.g. ``CHN;RUS``), ``vetoed_by_as_given``,
``n_vetoing``, one boolean per permanent seat (``veto_chn``, ``veto_fra``, ``veto_gbr``,
``veto_rus``, ``veto_usa``, ``veto_twn``) and ``line`` (physical line of the CSV).
USSR → RUS (the Russian Federation continues the seat). ``China`` before 25 October 1971
would be the Republic of China's seat (TWN); the list names no China veto before 1972.

Domain checks (``--on-bad-rows``): a date that is not M/D/YYYY or disagrees with ``year``,
an unknown member name, no vetoing member. The member columns are the list's own record; the
author's 0/1 dummies miss some vetoes (26 rows: e.g. France in the 1976–1981 triple vetoes on
Namibia and South Africa, the USA in 1975–76), so the members named are used and a row whose
dummies disagree says which in ``dummies_disagree``.

Limits (see ``../shared/data/unga/unsc-vetoes-2022/SOURCES.md``): the list records who
vetoed, not the full vote (abstentions such as China's on S/2022/155 are not in it), and ends
in July 2022 (later vetoes, e.g. S/2022/720, S/2023/792, S/2024/239, are missing).

Cite: Yordán, Carlos L. (2022), "List of UN Security Council Vetoes", World Politics Data Lab,
github.com/world-politics-datalab/vetoes-un-security-council (MIT), commit f389b3ff.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bilat.errors import error
from bilat.sources.core import BadRows, Source, fetch, require_columns

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from bilat.store import Store

FILE = "unsc_vetoes_1946_sept2022.csv"
TABLE = "unsc_vetoes"
URL = ("https://raw.githubusercontent.com/world-politics-datalab/vetoes-un-security-council/"
       "f389b3ff3681e1b39102bb6c76640b9973496992/unsc_vetoes_1946_sept2022.csv")
CITATION = ("Yordán, Carlos L. (2022), 'List of UN Security Council Vetoes', World Politics "
            "Data Lab, GitHub (MIT), from the Dag Hammarskjöld Library veto list")
#: Member names in the file → ISO3 (and the 0/1 dummy column that must agree).
MEMBERS = {"USSR": ("RUS", "USSR"), "Russia": ("RUS", "Russia"), "China": ("CHN", "China"),
           "USA": ("USA", "USA"), "UK": ("GBR", "UK"), "France": ("FRA", "France")}
SEATS = ("CHN", "FRA", "GBR", "RUS", "USA", "TWN")
_CHINA_SEAT_CHANGE = date(1971, 10, 25)
_NEED = ("year", "date", "draft", "meeting_record", "agenda_item", "crisis_topic", "region",
         "member_veto1", "member_veto2", "member_veto3")


def parse(path: Path, bad: BadRows) -> pa.Table:
    """Read the veto list (module docstring) → one row per vetoed draft."""
    import pyarrow as pa

    text = Path(path).read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    require_columns(path, reader.fieldnames or [], _NEED, ", ".join(_NEED) + ", then 0/1 "
                    "dummies China, France, Russia, USSR, USA, UK")
    cols: dict[str, list[Any]] = {k: [] for k in (
        "veto_id", "date", "year", "draft", "meeting_record", "agenda_item", "crisis_topic",
        "region", "vetoed_by", "vetoed_by_as_given", "n_vetoing",
        *[f"veto_{s.lower()}" for s in SEATS], "dummies_disagree", "line")}
    n = 0
    for row in reader:
        line = reader.line_num
        n += 1
        raw = bad.line_text(line) or ",".join(str(v) for v in row.values())[:2000]
        try:
            day = datetime.strptime(row["date"].strip(), "%m/%d/%Y").date()
        except (ValueError, AttributeError):
            bad.add(line, f"date {row.get('date')!r} is not M/D/YYYY", raw)
            continue
        if str(day.year) != str(row["year"]).strip():
            bad.add(line, f"date {row['date']!r} is not in year {row['year']!r}", raw)
            continue
        names = [row[f"member_veto{i}"].strip() for i in (1, 2, 3)
                 if (row.get(f"member_veto{i}") or "").strip()]
        unknown = [x for x in names if x not in MEMBERS]
        if unknown:
            bad.add(line, f"unknown vetoing member {unknown[0]!r} (valid: "
                    + ", ".join(MEMBERS) + ")", raw)
            continue
        if not names:
            bad.add(line, "no vetoing member named", raw)
            continue
        clash = [x for x in names if (row.get(MEMBERS[x][1]) or "1").strip() not in ("1", "")]
        dummies = [m for m, (_, col) in MEMBERS.items()
                   if (row.get(col) or "").strip() == "1" and m not in names]
        disagree = ", ".join(clash + dummies)
        isos = []
        for x in names:
            iso = MEMBERS[x][0]
            if iso == "CHN" and day <= _CHINA_SEAT_CHANGE:
                iso = "TWN"
            if iso not in isos:
                isos.append(iso)
        cols["veto_id"].append(n)
        cols["date"].append(day)
        cols["year"].append(day.year)
        for k in ("draft", "meeting_record", "agenda_item", "crisis_topic", "region"):
            cols[k].append((row.get(k) or "").strip() or None)
        cols["vetoed_by"].append(";".join(sorted(isos)))
        cols["vetoed_by_as_given"].append("; ".join(names))
        cols["n_vetoing"].append(len(isos))
        for s in SEATS:
            cols[f"veto_{s.lower()}"].append(s in isos)
        cols["dummies_disagree"].append(disagree or None)
        cols["line"].append(line)
    if n == 0:
        raise error("E018", path=path)
    schema = pa.schema([
        ("veto_id", pa.int64()), ("date", pa.date32()), ("year", pa.int32()),
        ("draft", pa.string()), ("meeting_record", pa.string()), ("agenda_item", pa.string()),
        ("crisis_topic", pa.string()), ("region", pa.string()), ("vetoed_by", pa.string()),
        ("vetoed_by_as_given", pa.string()), ("n_vetoing", pa.int32()),
        *[(f"veto_{s.lower()}", pa.bool_()) for s in SEATS], ("dummies_disagree", pa.string()),
        ("line", pa.int64()),
    ])
    return pa.table(cols, schema=schema)


SOURCE = Source(
    kind="unsc-vetoes", table=TABLE, mirror_dir="unga/unsc-vetoes-2022", files=(FILE,),
    parse=parse, citation=CITATION, urls={FILE: URL}, key_columns=("veto_id", "date", "draft"),
    title="UN Security Council vetoes 1946–2022 (World Politics Data Lab)",
)


def fetch_unsc_vetoes(store: Store, mirror: str | Path | None = None, *,
                      on_bad_rows: str = "fail") -> list[Any]:
    """Load the veto list from ``<mirror>/unga/unsc-vetoes-2022/`` or the pinned GitHub commit."""
    return fetch(SOURCE, store, mirror=mirror, on_bad_rows=on_bad_rows)


def ingest_unsc_vetoes(store: Store, paths: list[str | Path], *,
                       on_bad_rows: str = "fail") -> list[Any]:
    """Load local copies of the veto list."""
    from bilat.sources.core import ingest

    return ingest(store, SOURCE, paths, on_bad_rows=on_bad_rows)
