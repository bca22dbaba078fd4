"""One rule for periods, every event source and granularity (``events.SourcePeriods``):

- a period of a source's span that no file covers and in which no event is dated is a row with
  NULL counts and coverage 0 (never 0 events, never a missing row), in ``events indicators``
  and ``events contacts`` alike;
- events a source dates into a period its files do not otherwise cover (backdated late
  reports) are counted where they fall, with coverage 0, so the months add up to the year;
- and the quadruple sets' person → state mapping (leaders.csv) shows the leader-contact series
  of a pair with an unmapped state as unknown (NULL), never 0.

Every expected value is computed here from the raw files (pandas / plain Python over the
upstream rows), not taken from bilat.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from bilat.indicators import events as ev
from bilat.store import Store, open_store

GDELT_FIX = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"
GDELT_FILES = sorted(p for p in GDELT_FIX.iterdir() if p.suffix in (".CSV", ".zip"))
#: Real ICEWS daily files of the mirror: 4-9 October 2018 and 1-8 February 2019 (nothing for
#: November 2018 - January 2019; the files carry late reports of September and January).
ICEWS_DAYS = ("20181004", "20181005", "20181007", "20181008", "20181009", "20190201",
              "20190202", "20190203", "20190204", "20190205", "20190206", "20190207",
              "20190208")
ICEWS_NAMES = {"United States": "USA", "China": "CHN"}
#: Quadruple files used in place: September-October 2018 and July-August 2021 (nothing
#: for 2019-2020 in between).
TKG_FILES = (("ICEWS18-renet", "valid.txt"), ("ICEWS21-zrllm", "test.txt"))
TKG_BASE = {"ICEWS18-renet": (date(2018, 1, 1), 1), "ICEWS21-zrllm": (date(2021, 1, 1), 24)}


def _month(d: date) -> date:
    return date(d.year, d.month, 1)


def _months_add_up(monthly: pd.DataFrame, yearly: pd.DataFrame, col: str) -> int:
    """Assert every year equals the sum of its months (NULL when every month is NULL) for
    each direction; return the number of years checked."""
    n = 0
    for direction, part in monthly.groupby("direction"):
        years = yearly[yearly["direction"] == direction].set_index("period")[col]
        by_year = part.groupby(part["period"].map(lambda p: p.year))[col]
        assert sorted(by_year.groups) == sorted(p.year for p in years.index), direction
        for year, values in by_year:
            total = years.loc[date(year, 1, 1)]
            if values.isna().all():
                assert pd.isna(total), (direction, year)
            else:
                assert values.sum() == total, (direction, year, values.sum(), total)
            n += 1
    return n


def _rule_rows(df: pd.DataFrame, counts: dict[date, int], dated: set[date],
               covered: set[date], col: str = "events") -> None:
    """Every monthly row against the independent count: counted (``counts``, 0 if absent)
    where a file covers the month, counted where the pair has a (backdated) event dated in a
    month no file covers, NULL with coverage 0 elsewhere (QA12 10: never a 0 there); the
    months of the files' span run without a gap, and outside it only months with a dated
    event are rows (an event dated decades before the files is no reason for empty rows)."""
    def run(lo: date, hi: date) -> set[date]:
        out, d = set(), lo
        while d <= hi:
            out.add(d)
            d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return out

    span = covered or dated
    assert set(df["period"]) == run(min(span), max(span)) | dated
    for r in df.itertuples():
        value = getattr(r, col)
        if r.period in covered or counts.get(r.period, 0) > 0:
            assert value == counts.get(r.period, 0), (r.direction, r.period, value)
        else:
            assert pd.isna(value) and r.coverage == 0 and r.partial, (r.direction, r.period)
        if r.period not in covered:
            assert r.coverage == 0


# ----------------------------------------------------------------------------- GDELT
def _gdelt_raw() -> list[list[str]]:
    from tests.indicators.test_events import FILES, raw_rows

    assert FILES == GDELT_FILES  # the same fixture files, read the same way
    return raw_rows()


@pytest.fixture(scope="module")
def gdelt_store() -> Iterator[Store]:
    from bilat.sources import gdelt

    st = open_store(":memory:")
    gdelt.ingest(st, GDELT_FILES)
    yield st
    st.close()


def test_gdelt_empty_months_are_null_rows_and_months_sum_to_years(gdelt_store: Store) -> None:
    raw = _gdelt_raw()
    day = [date(int(r[1][:4]), int(r[1][4:6]), int(r[1][6:8])) for r in raw]
    # months some file covers, from the names (YYYYMM backfile, YYYYMMDD, YYYYMMDDHHMMSS)
    covered = {date(int(p.name[:4]), int(p.name[4:6]), 1) for p in GDELT_FILES}
    dated = {_month(d) for r, d in zip(raw, day, strict=True) if r[7] or r[17]}
    pair = Counter(_month(d) for r, d in zip(raw, day, strict=True)
                   if {r[7], r[17]} == {"RUS", "CHN"})
    monthly = ev.indicators(gdelt_store, "RUS", "CHN", period="month", direction="undirected")
    _rule_rows(monthly, dict(pair), dated, covered)
    first, last = min(dated | covered), max(dated | covered)
    assert (min(monthly["period"]), max(monthly["period"])) == (first, last)
    empty = monthly[monthly["events"].isna()]
    assert len(empty) > 0  # the fixture files leave whole months without a file or an event
    assert any("no GDELT file and no event" in n for n in monthly.attrs["notes"])
    late = monthly[(monthly["coverage"] == 0) & monthly["events"].notna()]
    assert len(late) > 0  # months holding only events later files date into them
    assert any("backdated" in n for n in monthly.attrs["notes"])
    yearly = ev.indicators(gdelt_store, "RUS", "CHN", period="year", refs=[("USA", "GBR")])
    monthly = ev.indicators(gdelt_store, "RUS", "CHN", period="month", refs=[("USA", "GBR")])
    for dyad in ("RUS–CHN", "USA–GBR"):
        assert _months_add_up(monthly[monthly["dyad"] == dyad], yearly[yearly["dyad"] == dyad],
                              "events") >= 10
    # a month no file covers holding only other pairs' backdated events is NULL for the pair
    # (QA12 10), never 0; a month a file covers without a pair event is 0 with each side's
    # volume (a true zero; the fixture's files cover months the pairs have events in, see
    # test_events_zero_rows for a covered month without one)
    late_none = monthly[(monthly["coverage"] == 0) & monthly["events"].isna()]
    assert len(late_none) > 0
    zero = monthly[(monthly["events"] == 0)]
    assert (zero["coverage"] > 0).all() and (zero["volume_a"].notna()).all()
    for r in zero.itertuples():
        want = sum(1 for x, d in zip(raw, day, strict=True)
                   if _month(d) == r.period and r.a in (x[7], x[17]))
        assert r.volume_a == want


def test_gdelt_contacts_follow_the_same_rule(gdelt_store: Store) -> None:
    ind = ev.indicators(gdelt_store, "RUS", "CHN", period="month", direction="undirected")
    con = ev.contacts(gdelt_store, "RUS", "CHN", period="month", source="gdelt")
    # the same periods, the same NULLs, the same coverage
    assert list(con["period"]) == list(ind["period"])
    assert list(con["contacts"].isna()) == list(ind["events"].isna())
    assert list(con["coverage"]) == list(ind["coverage"])
    yearly = ev.contacts(gdelt_store, "RUS", "CHN", period="year", source="gdelt")
    monthly = con.assign(direction="x")
    assert _months_add_up(monthly, yearly.assign(direction="x"), "contacts") >= 3


# ----------------------------------------------------------------------------- ICEWS
@pytest.fixture(scope="module")
def icews_files(shared_data: Path) -> list[Path]:
    folder = shared_data / "icews" / "bkitej-daily-2018-2019"
    return [folder / f"{d}-icews-events.tab" for d in ICEWS_DAYS]


@pytest.fixture(scope="module")
def icews_store(icews_files: list[Path]) -> Iterator[Store]:
    from bilat.sources import icews

    st = open_store(":memory:")
    icews.ingest_icews(st, icews_files, progress=False)
    yield st
    st.close()


def test_icews_backdated_months_are_counted_and_empty_months_null(
        icews_store: Store, icews_files: list[Path]) -> None:
    raw = pd.concat([pd.read_csv(f, sep="\t", dtype=str, quoting=3, keep_default_na=False)
                     for f in icews_files], ignore_index=True)
    raw["m"] = pd.to_datetime(raw["Event Date"]).dt.to_period("M").dt.start_time.dt.date
    covered = {date(int(d[:4]), int(d[4:6]), 1) for d in ICEWS_DAYS}
    dated = set(raw["m"])
    src, tgt = raw["Source Country"].map(ICEWS_NAMES), raw["Target Country"].map(ICEWS_NAMES)
    pair = raw[((src == "USA") & (tgt == "CHN")) | ((src == "CHN") & (tgt == "USA"))]
    counts = pair.groupby("m").size().to_dict()
    monthly = ev.indicators(icews_store, "USA", "CHN", period="month", direction="undirected",
                            source="icews")
    _rule_rows(monthly, counts, dated, covered)
    by = monthly.set_index("period")
    # September 2018 and January 2019: only late reports (backdated): counted where the pair
    # has one, NULL (not 0) where it has none; coverage 0
    for m in (date(2018, 9, 1), date(2019, 1, 1)):
        assert by.loc[m, "coverage"] == 0
        if counts.get(m, 0):
            assert by.loc[m, "events"] == counts[m]
        else:
            assert pd.isna(by.loc[m, "events"])
    assert counts.get(date(2018, 9, 1), 0) + counts.get(date(2019, 1, 1), 0) > 0
    # November and December 2018: no file, no event: NULL rows
    for m in (date(2018, 11, 1), date(2018, 12, 1)):
        assert pd.isna(by.loc[m, "events"]) and pd.isna(by.loc[m, "volume_a"])
        assert by.loc[m, "coverage"] == 0
    yearly = ev.indicators(icews_store, "USA", "CHN", period="year", source="icews")
    monthly = ev.indicators(icews_store, "USA", "CHN", period="month", source="icews")
    assert _months_add_up(monthly, yearly, "events") == 6  # 3 directions x 2 years
    assert _months_add_up(monthly, yearly, "verbal_coop") == 6
    y18 = yearly[(yearly["direction"] == "USA–CHN")].set_index("period")
    assert y18.loc[date(2018, 1, 1), "events"] == sum(
        n for m, n in counts.items() if m.year == 2018)
    # contacts: the same months, NULL exactly where the indicators are
    con = ev.contacts(icews_store, "USA", "CHN", period="month", source="icews")
    ind = ev.indicators(icews_store, "USA", "CHN", period="month", direction="undirected",
                        source="icews")
    assert list(con["period"]) == list(ind["period"])
    assert list(con["contacts"].isna()) == list(ind["events"].isna())


# ----------------------------------------------------------------------------- quadruple sets
@pytest.fixture(scope="module")
def tkg_store(shared_data: Path) -> Iterator[Store]:
    from bilat.sources import icews_tkg

    st = open_store(":memory:")
    icews_tkg.ingest_icews_tkg(st, [shared_data / "icews-tkg" / s / f for s, f in TKG_FILES],
                               progress=False)
    yield st
    st.close()


def _tkg_days(shared_data: Path) -> Counter[date]:
    """Quadruples per day, from the raw time index (mapping as in the mirror's SOURCES.md)."""
    out: Counter[date] = Counter()
    for s, f in TKG_FILES:
        base, hours = TKG_BASE[s]
        for line in (shared_data / "icews-tkg" / s / f).read_text(encoding="utf-8").splitlines():
            if line.strip():
                t = int(line.split("\t")[3])
                out[base + timedelta(days=t * hours // 24)] += 1
    return out


def test_tkg_empty_years_are_rows_in_indicators_and_contacts(tkg_store: Store,
                                                             shared_data: Path) -> None:
    days = _tkg_days(shared_data)
    years = {d.year for d in days}
    assert years == {2018, 2021}
    ind = ev.indicators(tkg_store, "RUS", "CHN", period="year", direction="undirected",
                        source="icews-tkg")
    con = ev.contacts(tkg_store, "RUS", "CHN", period="year", source="icews-tkg")
    for df, col in ((ind, "events"), (con, "contacts")):
        assert [p.year for p in df["period"]] == [2018, 2019, 2020, 2021]
        for r in df.itertuples():
            assert pd.isna(getattr(r, col)) == (r.period.year not in years), (col, r.period)
            assert r.coverage_present == len({d for d in days if d.year == r.period.year})
        assert any("2019..2020" in n and "NULL" in n for n in df.attrs["notes"])
    monthly = ev.indicators(tkg_store, "RUS", "CHN", period="month", source="icews-tkg")
    yearly = ev.indicators(tkg_store, "RUS", "CHN", period="year", source="icews-tkg")
    assert _months_add_up(monthly, yearly, "events") == 12  # 3 directions x 4 years
    cm = ev.contacts(tkg_store, "RUS", "CHN", period="month", source="icews-tkg")
    assert _months_add_up(cm.assign(direction="x"), con.assign(direction="x"),
                          "contacts") == 4


# ----------------------------------------------------------------------------- persons → states
def _leaders_csv() -> list[dict[str, str]]:
    from importlib import resources

    path = resources.files("bilat.reference").joinpath("data/leaders.csv")
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def ind_pak(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path]:
    """ICEWS21-zrllm in the upstream layout: its real dictionaries and the real train.txt
    lines between entities of India, Pakistan or Brazil (the country, a "Sector (Country)"
    or a named person of leaders.csv or Jair Bolsonaro)."""
    import shutil

    from bilat.sources import icews_tkg

    src = shared_data / "icews-tkg" / "ICEWS21-zrllm"
    folder = tmp_path_factory.mktemp("tkg") / "ICEWS21-zrllm"
    folder.mkdir()
    for name in ("entity2id.txt", "relation2id.txt"):
        shutil.copyfile(src / name, folder / name)
    ent = {int(i): n for n, i in (line.rsplit("\t", 1) for line in
                                  (src / "entity2id.txt").read_text(encoding="utf-8")
                                  .splitlines() if line.strip())}
    persons = {n for r in _leaders_csv() if r["iso3"] in ("IND", "PAK")
               for n in [r["name"], *filter(None, r["aliases"].split("|"))]}
    persons.add("Jair Bolsonaro")

    def wanted(name: str) -> bool:
        return name in persons or any(name == c or name.endswith(f"({c})")
                                      for c in ("India", "Pakistan", "Brazil"))

    lines = [line for line in (src / "train.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and wanted(ent[int(line.split("\t")[0])])
             and wanted(ent[int(line.split("\t")[2])])]
    (folder / "train.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    st = open_store(":memory:")
    icews_tkg.ingest_icews_tkg(st, [folder / "train.txt"], progress=False)
    return st, folder / "train.txt"


def test_ind_pak_leaders_are_mapped_and_counted(ind_pak: tuple[Store, Path]) -> None:
    st, path = ind_pak
    ent = {int(i): n for n, i in (line.rsplit("\t", 1) for line in
                                  (path.parent / "entity2id.txt").read_text(encoding="utf-8")
                                  .splitlines() if line.strip())}
    terms = [(r["iso3"], r["name"], [r["name"], *filter(None, r["aliases"].split("|"))],
              date.fromisoformat(r["start"]),
              date.fromisoformat(r["end"]) if r["end"] else date(2023, 12, 31))
             for r in _leaders_csv()]

    def state(name: str, day: date) -> str | None:
        for c, iso in (("India", "IND"), ("Pakistan", "PAK"), ("Brazil", "BRA")):
            if name == c or name.endswith(f"({c})"):
                return iso
        for iso, _, names, lo, hi in terms:
            if name in names and lo <= day <= hi:
                return iso
        return None

    per_month: Counter[date] = Counter()
    leader_pairs = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        s, _, o, t = (int(x) for x in line.split("\t")[:4])
        day = date(2021, 1, 1) + timedelta(days=t)
        a, b = state(ent[s], day), state(ent[o], day)
        if {a, b} == {"IND", "PAK"}:
            per_month[_month(day)] += 1
            leader_pairs += not (ent[s].endswith(")") or ent[s] in ("India", "Pakistan")) \
                or not (ent[o].endswith(")") or ent[o] in ("India", "Pakistan"))
    assert leader_pairs > 0  # events of Modi, Imran Khan, Qureshi … with the other state
    got = ev.indicators(st, "IND", "PAK", period="month", direction="undirected",
                        source="icews-tkg")
    assert got.set_index("period")["events"].dropna().to_dict() == {
        m: per_month.get(m, 0) for m in got["period"]}
    assert got["gov_contacts"].notna().all()  # both states mapped in 2021
    con = ev.contacts(st, "IND", "PAK", period="year", source="icews-tkg")
    assert con["contacts"].notna().all() and (con["contacts"] > 0).all()
    assert any("lower bounds" in n for n in con.attrs["notes"])


def test_unmapped_state_gives_unknown_leader_contacts_never_zero(
        ind_pak: tuple[Store, Path]) -> None:
    st, _ = ind_pak
    assert "BRA" not in ev.leader_coverage()
    assert {"IND", "PAK", "RUS", "CHN", "USA"} <= set(ev.leader_coverage())
    con = ev.contacts(st, "IND", "BRA", period="year", source="icews-tkg")
    assert len(con) and con["contacts"].isna().all() and con["events"].isna().all()
    note = next(n for n in con.attrs["notes"] if "IND–BRA" in n)
    assert "BRA is not in leaders.csv" in note and "NULL" in note and "never 0" in note
    ind = ev.indicators(st, "IND", "BRA", period="month", source="icews-tkg")
    assert ind["gov_contacts"].isna().all() and ind["events"].notna().any()
    assert any("IND–BRA" in n and "gov_contacts" in n for n in ind.attrs["notes"])
    # the mapped pair in the same store keeps its counts
    assert ev.contacts(st, "IND", "PAK", period="year",
                       source="icews-tkg")["contacts"].notna().all()


def test_rows_read_with_an_older_leaders_table_are_not_taken_as_zero(
        ind_pak: tuple[Store, Path]) -> None:
    """The state of a person is derived at ingest: rows stored with an older leaders.csv
    (here: Imran Khan's rows without a state, as the six-state table left them) make the
    pair's leader contacts unknown, with a note saying to load the sets again."""
    from bilat.sources import icews_tkg

    _, path = ind_pak
    st = open_store(":memory:")
    try:
        icews_tkg.ingest_icews_tkg(st, [path], progress=False)
        for n in (1, 2):
            st.con.execute(f"UPDATE icews_tkg_events SET actor{n}_iso3 = NULL, "
                           f"actor{n}_via = NULL, actor{n}_leader = NULL "
                           f"WHERE actor{n}_name = 'Imran Khan'")
        ev.forget(st)
        assert ev.stale_person_states(st, ["IND", "PAK"]) == frozenset({"PAK"})
        con = ev.contacts(st, "IND", "PAK", period="year", source="icews-tkg")
        assert con["contacts"].isna().all()
        assert any("older leaders.csv" in n and "PAK" in n for n in con.attrs["notes"])
        assert ev.stale_person_states(st, ["IND", "BRA"]) == frozenset()
    finally:
        st.close()
