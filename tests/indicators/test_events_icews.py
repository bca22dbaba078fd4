"""Indicators and contacts over ICEWS, the quadruple sets and the dyad-year aggregates, each
checked against an independent pandas count over the raw rows; coverage and flags."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.indicators import events as ev
from bilat.reference.leaders import leader_state
from bilat.sources import gdelt, icews
from bilat.store import Store, open_store
from tests.sources.test_icews import DAILY, HEADER, icews_full, raw_rows  # noqa: F401

NAMES = {"Russian Federation": "RUS", "China": "CHN", "Belarus": "BLR",
         "United States": "USA", "United Kingdom": "GBR"}


def quad(code: str) -> int:
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4


@pytest.fixture(scope="module")
def raw(shared_data: Path) -> pd.DataFrame:
    df = raw_rows(str(shared_data.joinpath(*DAILY))).copy()
    df["src"] = df["Source Country"].map(NAMES)
    df["tgt"] = df["Target Country"].map(NAMES)
    df["month"] = pd.to_datetime(df["Event Date"]).dt.to_period("M").dt.start_time.dt.date
    df["quad"] = df["CAMEO Code"].map(quad)
    return df


@pytest.fixture(scope="module")
def covered(shared_data: Path) -> set[date]:
    """Months with at least one ICEWS daily file (``YYYYMMDD-icews-events.tab`` publishes that
    day): events the files backdate into other months are counted where they fall, with
    coverage 0 (the one period rule)."""
    names = [f.name for f in shared_data.joinpath(*DAILY).glob("*-icews-events.tab")]
    return {date(int(n[:4]), int(n[4:6]), 1) for n in names}


@pytest.mark.parametrize(("a", "b"), [("RUS", "CHN"), ("USA", "GBR")])
def test_quad_counts_per_month_match_raw_rows(icews_full: Store, raw: pd.DataFrame,  # noqa: F811
                                              a: str, b: str, covered: set[date]) -> None:
    got = ev.indicators(icews_full, a, b, period="month", source="icews")
    assert set(got["source"]) == {"icews"}
    for direction, mask in ((f"{a}→{b}", (raw.src == a) & (raw.tgt == b)),
                            (f"{b}→{a}", (raw.src == b) & (raw.tgt == a)),
                            (f"{a}–{b}", ((raw.src == a) & (raw.tgt == b))
                             | ((raw.src == b) & (raw.tgt == a)))):
        want = raw[mask].groupby(["month", "quad"]).size().unstack(fill_value=0)
        part = got[got.direction == direction].set_index("period")
        for m, row in want.iterrows():
            for q, name in ev.QUADS.items():
                assert part.loc[m, name] == row.get(q, 0), (direction, m, name)
            if m not in covered:  # only events backdated by later files: coverage 0
                assert part.loc[m, "coverage"] == 0 and part.loc[m, "partial"]
        # every month of the slice with data is a row; months without dyad events are 0
        assert part["events"].sum() == mask.sum()


def test_rus_chn_totals_and_flags(icews_full: Store) -> None:  # noqa: F811
    got = ev.indicators(icews_full, "RUS", "CHN", refs=[("RUS", "BLR")], period="month",
                        direction="undirected", source="icews", min_events=20)
    main = got[got.dyad == "RUS–CHN"].set_index("period")
    # months whose every day has ICEWS events are complete; the ragged ends are partial
    assert not main.loc[date(2018, 11, 1), "partial"]
    assert main.loc[date(2018, 11, 1), "coverage"] == 1.0
    assert main.loc[date(2019, 3, 1), "partial"]  # the files end on 26 March
    assert main.loc[date(2018, 9, 1), "partial"]  # only late reports of September
    assert (main["low_n"] == (main["events"] < 20)).all()
    assert (got["min_events"] == 20).all() and not got["derived"].any()
    # normalised by the same source's volume of each side
    row = main.loc[date(2018, 10, 1)]
    assert row.events_per_1k_a == pytest.approx(row.events * 1000 / row.volume_a)


def test_volume_denominator_is_an_independent_count(icews_full: Store,  # noqa: F811
                                                    raw: pd.DataFrame,
                                                    covered: set[date]) -> None:
    got = ev.indicators(icews_full, "RUS", "CHN", period="month", direction="a2b",
                        source="icews").set_index("period")
    rus = raw[(raw["Source Country"] == "Russian Federation")
              | (raw["Target Country"] == "Russian Federation")]
    want = rus.groupby("month").size()
    for m, n in want.items():
        assert got.loc[m, "volume_a"] == n
        assert (got.loc[m, "coverage"] == 0) == (m not in covered)


def test_contacts_match_an_independent_dedup(icews_full: Store,  # noqa: F811
                                             raw: pd.DataFrame, covered: set[date]) -> None:
    kinds = ev.CONTACT_KINDS

    def gov(names: pd.Series, sectors: pd.Series, days: pd.Series) -> pd.Series:
        typed = sectors.map(lambda s: "GOV" in icews.sector_types(s))
        led = [leader_state(n, d) is not None for n, d in zip(names, days, strict=True)]
        return typed | pd.Series(led, index=names.index)

    pair = raw[((raw.src == "RUS") & (raw.tgt == "CHN"))
               | ((raw.src == "CHN") & (raw.tgt == "RUS"))]
    pair = pair[pair["CAMEO Code"].str[:3].isin(kinds)].copy()
    days = pd.to_datetime(pair["Event Date"]).dt.date
    pair = pair[gov(pair["Source Name"], pair["Source Sectors"], days)
                & gov(pair["Target Name"], pair["Target Sectors"], days)]
    pair["kind"] = pair["CAMEO Code"].str[:3].map(kinds)
    contacts = pair.groupby(["Event Date", "kind"])["Event ID"].apply(set)
    got = ev.contact_list(icews_full, "RUS", "CHN", source="icews")
    assert len(got) == len(contacts)
    for r in got.itertuples():
        assert set(r.event_ids.split(";")) == contacts[(str(r.date), r.kind)]
    per_month = ev.contacts(icews_full, "RUS", "CHN", period="month", source="icews")
    want = pair.assign(m=pd.to_datetime(pair["Event Date"]).dt.to_period("M")
                       .dt.start_time.dt.date).drop_duplicates(["Event Date", "kind"]) \
        .groupby("m").size()
    row = per_month.set_index("period")
    for m, n in want.items():
        assert row.loc[m, "contacts"] == n  # backdated contacts counted where they fall
        assert (row.loc[m, "coverage"] == 0) == (m not in covered)
    assert (row["contacts"] == row[list(ev.KIND_COLUMNS.values())].sum(axis=1)).all()


def test_empty_range_says_why(icews_full: Store) -> None:  # noqa: F811
    with pytest.raises(BilatError) as exc:
        ev.indicators(icews_full, "RUS", "CHN", source="icews", start="2010", end="2011")
    msg = exc.value.one_line()
    assert exc.value.code == "E150" and "2018-09-14" in msg and "2019-03-26" in msg
    with pytest.raises(BilatError) as exc:
        ev.indicators(icews_full, "RUS", "CHN", source="gdelt")
    assert exc.value.code == "E009"
    with pytest.raises(BilatError) as exc:
        ev.indicators(icews_full, "RUS", "CHN", source="icews", dedup="root")
    assert exc.value.code == "E151"
    with pytest.raises(BilatError) as exc:
        ev.indicators(icews_full, "RUS", "CHN", source="icews", min_events=-1)
    assert exc.value.code == "E153"
    with pytest.raises(BilatError) as exc:
        ev.indicators(icews_full, "RUS", "CHN", source="acled")
    assert exc.value.code == "E012"


# ----------------------------------------------------------------------------- a store with a gap
@pytest.fixture(scope="module")
def gap_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Real ICEWS rows of November 2018 without 10-16 November, none of December, all of
    January 2019 (written in the upstream layout), plus the GDELT fixtures."""
    raw = raw_rows(str(shared_data.joinpath(*DAILY)))
    d = raw["Event Date"]
    keep = ((d >= "2018-11-01") & (d <= "2018-11-30") & ~d.between("2018-11-10", "2018-11-16")) \
        | ((d >= "2019-01-01") & (d <= "2019-01-31"))
    rows = raw[keep]
    folder = tmp_path_factory.mktemp("gap")
    lines = ["\t".join(r) for r in rows[list(icews.FIELDS)].itertuples(index=False)]
    f = folder / "events.2018.gap.tab.zip"
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("events.2018.gap.tab", "\n".join([HEADER, *lines]) + "\n")
    st = open_store(":memory:")
    icews.ingest_icews(st, [f], progress=False)
    fix = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"
    gdelt.ingest(st, sorted(p for p in fix.iterdir() if p.suffix in (".CSV", ".zip")))
    st._gap_rows = rows  # type: ignore[attr-defined]
    return st


def test_coverage_flags_on_a_store_with_a_gap(gap_store: Store) -> None:
    got = ev.indicators(gap_store, "RUS", "CHN", period="month", direction="undirected",
                        source="icews")
    by = got.set_index("period")
    nov, dec, jan = date(2018, 11, 1), date(2018, 12, 1), date(2019, 1, 1)
    assert (by.loc[nov, "coverage_present"], by.loc[nov, "coverage_expected"]) == (23, 30)
    assert by.loc[nov, "partial"] and not by.loc[jan, "partial"]
    # December has no data at all: a row with NULL counts, never 0
    assert pd.isna(by.loc[dec, "events"]) and pd.isna(by.loc[dec, "verbal_coop"])
    assert by.loc[dec, "coverage"] == 0 and by.loc[dec, "partial"] and by.loc[dec, "low_n"]
    rows = gap_store._gap_rows  # type: ignore[attr-defined]
    pair = rows[rows["Source Country"].isin(["Russian Federation", "China"])
                & rows["Target Country"].isin(["Russian Federation", "China"])
                & (rows["Source Country"] != rows["Target Country"])]
    assert by.loc[jan, "events"] == (pair["Event Date"].str[:7] == "2019-01").sum()
    # weekly: the week of Monday 12 November has data on its 17th and 18th only
    weeks = ev.indicators(gap_store, "RUS", "CHN", period="week", direction="undirected",
                          source="icews").set_index("period")
    assert weeks.loc[date(2018, 11, 12), "coverage_present"] == 2
    assert weeks.loc[date(2018, 11, 12), "partial"]
    # December weeks: no data at all, NULL counts
    assert pd.isna(weeks.loc[date(2018, 12, 10), "events"])


def test_sources_side_by_side_never_summed(gap_store: Store) -> None:
    both = ev.indicators(gap_store, "RUS", "CHN", period="year", direction="undirected",
                         source="all")
    assert set(both["source"]) == {"gdelt", "icews"}
    for src in ("gdelt", "icews"):
        alone = ev.indicators(gap_store, "RUS", "CHN", period="year", direction="undirected",
                              source=src)
        part = both[both.source == src].reset_index(drop=True)
        assert part["events"].tolist() == alone["events"].tolist()
    assert both.groupby(["dyad", "direction", "period", "source"]).size().max() == 1
    g = both[both.source == "gdelt"]
    assert (g["coverage_unit"] == "files present/expected").all()
    assert (g["coverage_present"] <= g["coverage_expected"]).all() and g["partial"].all()
    assert "icews-tkg: not in the store" in both.attrs["notes"]


def test_chart_breaks_lines_and_marks_partial(gap_store: Store, tmp_path: Path) -> None:
    import json

    df = ev.indicators(gap_store, "RUS", "CHN", period="month", direction="undirected",
                       source="icews")
    ev.chart(df, path=tmp_path / "c.json")
    spec = json.loads((tmp_path / "c.json").read_text())
    line, points = spec["layer"]
    assert line["mark"]["invalid"] == "break-paths-show-domains"
    assert spec["layer"][1]["encoding"]["shape"]["field"] == "_coverage"
    data = next(iter(spec["datasets"].values()))
    by = {r["period"][:7]: r for r in data}
    assert by["2018-12"]["events_per_1k_a"] is None  # the gap: no value, the line breaks
    assert by["2018-11"]["_coverage"] == "partial period"
    assert "per 1,000 events of A" in json.dumps(spec["title"])


# ----------------------------------------------------------------------------- aggregates
@pytest.fixture(scope="module")
def dyad_year(shared_data: Path) -> Store:
    from bilat.sources.icews_dyad_year import fetch_icews_dyad_year

    st = open_store(":memory:")
    fetch_icews_dyad_year(st, shared_data, progress=False)
    return st


def _published(shared_data: Path) -> dict[tuple[str, int], list[int]]:
    """The dyad-year table of the mirror's SOURCES.md (counts as published there)."""
    text = (shared_data / "icews-dyad-year" / "SOURCES.md").read_text(encoding="utf-8")
    heads = ["RUS→CHN", "CHN→RUS", "RUS→BLR", "BLR→RUS", "USA→GBR", "GBR→USA"]
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0].isdigit() and len(cells) == 7:
            for h, c in zip(heads, cells[1:], strict=True):
                out[(h, int(cells[0]))] = [int(x) for x in c.split("/")]
    return out


def test_dyad_year_counts_as_published(dyad_year: Store, shared_data: Path) -> None:
    import pyreadr

    pub = _published(shared_data)
    assert len(pub) == 78
    got = ev.indicators(dyad_year, "RUS", "CHN", refs=[("RUS", "BLR"), ("USA", "GBR")],
                        period="year", source="icews-dyad-year", direction="directed")
    assert set(got["coverage_unit"]) == {"year as published"} and not got["partial"].any()
    by = got.set_index(["direction", "period"])
    for (direction, year), counts in pub.items():
        row = by.loc[(direction, date(year, 1, 1))]
        assert [row.verbal_coop, row.material_coop, row.verbal_conflict,
                row.material_conflict] == counts, (direction, year)
    raw = pyreadr.read_r(str(shared_data / "icews-dyad-year" / "icews.rda"))["icews"]
    n = dyad_year.con.execute("SELECT count(*) FROM icews_dyad_year").fetchall()[0][0]
    assert n == len(raw)
    r = raw[(raw.i == "Russian Federation") & (raw.j == "China") & (raw.year == 2014)].iloc[0]
    assert by.loc[("RUS→CHN", date(2014, 1, 1)), "events"] == int(
        r.verbCoop + r.matlCoop + r.verbConf + r.matlConf)
    with pytest.raises(BilatError) as exc:
        ev.indicators(dyad_year, "RUS", "CHN", period="month", source="icews-dyad-year")
    assert exc.value.code == "E150" and "yearly counts only" in exc.value.one_line()


def test_dyad_year_bad_files(tmp_path: Path, store: Store) -> None:
    import pyreadr

    from bilat.sources.icews_dyad_year import ingest_icews_dyad_year

    other = tmp_path / "icews.rda"
    pyreadr.write_rdata(str(other), pd.DataFrame({"x": [1, 2]}), df_name="votes")
    with pytest.raises(BilatError) as exc:
        ingest_icews_dyad_year(store, [other])
    assert exc.value.code == "E149" and "icews.rda" in exc.value.one_line()
    bad = tmp_path / "b" / "icews.rda"
    bad.parent.mkdir()
    frame = pd.DataFrame({"i": ["Russian Federation", "Freedonia"], "j": ["China", "China"],
                          "year": [2014.0, 2014.0], "verbCoop": [1.0, 2.0],
                          "matlCoop": [0.0, 0.0], "verbConf": [0.0, 0.0],
                          "matlConf": [0.0, 0.0]})
    pyreadr.write_rdata(str(bad), frame, df_name="icews")
    with pytest.raises(BilatError) as exc:
        ingest_icews_dyad_year(store, [bad])
    assert exc.value.code == "E141" and "line 2" in exc.value.one_line()
    assert not store.has_table("icews_dyad_year")
    res = ingest_icews_dyad_year(store, [bad], on_bad_rows="skip")
    assert res[0].rows_added == 1


def test_contacts_beside_leader_engagements(shared_data: Path, tmp_path: Path) -> None:
    """With the China Vitae engagements loaded, their yearly totals sit beside the ICEWS
    contacts as their own source; without them the note says so."""
    from bilat.indicators import material
    from bilat.sources.registry import SOURCES, load

    st = open_store(":memory:")
    days = sorted(shared_data.joinpath(*DAILY).glob("2018110*-icews-events.tab"))
    icews.ingest_icews(st, days, progress=False)
    alone = ev.contacts(st, "RUS", "CHN", period="year", compare=True)
    assert set(alone["source"]) == {"icews"}
    assert any(n.startswith("leader-engagements:") for n in alone.attrs["notes"])
    entry = next(e for e in SOURCES if e.name == "engagements")
    load(entry)(store=st, mirror=shared_data, on_bad_rows="fail")
    both = ev.contacts(st, "RUS", "CHN", period="year", compare=True)
    eng = both[both["source"] == "leader-engagements"].set_index("period")
    want = material.engagements(st, "RUS", "CHN")
    want = want[want["type"] == "all"].set_index("year")["n"]
    assert {p.year: int(v) for p, v in eng["contacts"].items()} == \
        {int(y): int(v) for y, v in want.items() if v == v}
    assert eng["partial"].isna().all() and eng["basis"].str.contains("engagements").all()
    icews_2018 = both[(both["source"] == "icews")].iloc[0]
    assert icews_2018["period"] == date(2018, 1, 1) and icews_2018["partial"]
    st.close()


def test_one_event_view_for_gdelt_and_icews(gap_store: Store) -> None:
    assert ev.refresh_event_view(gap_store)
    cols = [r[0] for r in gap_store.con.execute("DESCRIBE events").fetchall()]
    assert cols == list(ev.EVENT_COLUMNS)
    by = dict(gap_store.con.execute("SELECT source, count(*) FROM events GROUP BY 1").fetchall())
    g = gap_store.con.execute("SELECT count(*) FROM gdelt_events").fetchall()[0][0]
    i = gap_store.con.execute("SELECT count(*) FROM icews_events").fetchall()[0][0]
    assert by == {"gdelt": g, "icews": i}
    same = gap_store.con.execute(
        "SELECT count(*) FROM events e JOIN gdelt_events g ON e.event_id = "
        "CAST(g.GLOBALEVENTID AS VARCHAR) AND e.source = 'gdelt' WHERE e.intensity IS NOT "
        "DISTINCT FROM g.GoldsteinScale AND e.actor1_iso3 IS NOT DISTINCT FROM (CASE WHEN "
        "g.Actor1CountryCode IN ('RUS', 'CHN', 'USA', 'GBR', 'BLR') THEN g.Actor1CountryCode "
        "ELSE e.actor1_iso3 END)").fetchall()[0][0]
    assert same == g


def test_record_ids_behind_a_cell(gap_store: Store) -> None:
    cells = ev.indicators(gap_store, "RUS", "CHN", period="month", direction="both",
                          source="icews")
    row = cells[(cells.direction == "RUS→CHN") & (cells.period == date(2019, 1, 1))].iloc[0]
    got = ev.ids(gap_store, "RUS", "CHN", at="2019-01", direction="a2b", source="icews")
    assert len(got) == row.events and (got["direction"] == "RUS→CHN").all()
    assert got["story_id"].notna().all() and got["line"].notna().all()
    q1 = ev.ids(gap_store, "RUS", "CHN", at="2019-01", direction="a2b", quad=1, source="icews")
    assert len(q1) == row.verbal_coop
    c = ev.ids(gap_store, "RUS", "CHN", at="2019-01", direction="a2b", contacts=True,
               source="icews")
    assert len(c) == row.gov_contacts


def test_root_dedup_with_all_sources_keeps_gdelt_and_says_so(gap_store: Store) -> None:
    df = ev.indicators(gap_store, "RUS", "CHN", period="year", dedup="root", source="all")
    assert set(df["source"]) == {"gdelt"}
    assert any(n.startswith("icews: left out, --dedup root") for n in df.attrs["notes"])
