"""ICEWS quadruple sets (derived source): dates, countries, leaders, and the 24 February 2022
jump in Russia–Ukraine force events, checked against the raw quadruples."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.indicators import events as ev
from bilat.sources import icews_tkg as tkg
from bilat.store import Store, open_store

SET = "ICEWS22-zrllm"
WINDOW = range(50, 59)  # 20-28 February 2022 (days since 1 January, 0-based)


def make_subset(shared_data: Path, target: Path, times: range = WINDOW) -> Path:
    """The set's real dictionaries and the real train.txt lines whose time is in ``times``,
    in the upstream layout, in a folder named after the set."""
    src = shared_data / "icews-tkg" / SET
    folder = target / SET
    folder.mkdir(parents=True)
    for name in ("entity2id.txt", "relation2id.txt"):
        shutil.copyfile(src / name, folder / name)
    lines = [line for line in (src / "train.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and int(line.split("\t")[3]) in times]
    (folder / "train.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "train.txt"


@pytest.fixture(scope="module")
def subset(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path]:
    path = make_subset(shared_data, tmp_path_factory.mktemp("tkg"))
    st = open_store(":memory:")
    tkg.ingest_icews_tkg(st, [path], progress=False)
    return st, path


def _raw_force_counts(path: Path) -> Counter[int]:
    """Independent count: quadruples between Russia and Ukraine (the country or a sector of
    it) whose ICEWS label speaks of force or fighting, per time index."""
    folder = path.parent
    ent = dict(reversed(line.rsplit("\t", 1)) for line in
               (folder / "entity2id.txt").read_text(encoding="utf-8").splitlines() if line)
    rel = dict(reversed(line.rsplit("\t", 1)) for line in
               (folder / "relation2id.txt").read_text(encoding="utf-8").splitlines() if line)

    def country(name: str) -> str | None:
        for c in ("Russia", "Ukraine"):
            if name == c or name.endswith(f" ({c})"):
                return c
        return None

    out: Counter[int] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        s, r, o, t = (x.strip() for x in line.split("\t")[:4])
        a, b = country(ent[s]), country(ent[o])
        label = rel[r].lower()
        if a and b and a != b and ("force" in label or "fight" in label):
            out[int(t)] += 1
    return out


def test_time_index_to_date() -> None:
    assert tkg.SUBSETS[SET].day(54) == date(2022, 2, 24)
    assert tkg.SUBSETS["ICEWS18-renet"].day(6480) == date(2018, 9, 28)   # hours / 24
    assert tkg.SUBSETS["ICEWS22Q4-tame"].day(318) == date(2022, 11, 14)  # Bali, day of year
    assert tkg.SUBSETS["ICEWS23-tame"].day(80) == date(2023, 3, 21)


def test_rows_stored_equal_lines(subset: tuple[Store, Path]) -> None:
    st, path = subset
    n = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    assert st.con.execute("SELECT count(*) FROM icews_tkg_events").fetchall()[0][0] == n
    assert st.con.execute("SELECT DISTINCT source_file FROM icews_tkg_events").fetchall() == \
        [(f"{SET}.train.txt",)]


def test_february_24_jump_in_russia_ukraine_force(subset: tuple[Store, Path]) -> None:
    st, path = subset
    raw = _raw_force_counts(path)
    assert raw[54] > 5 * raw[53]  # the raw quadruples: the invasion day
    df = ev.indicators(st, "RUS", "UKR", period="day", direction="undirected",
                       source="icews-tkg")
    by = df.set_index("period")
    d23, d24 = date(2022, 2, 23), date(2022, 2, 24)
    assert by.loc[d24, "material_conflict"] > 5 * by.loc[d23, "material_conflict"]
    assert df["derived"].all() and (df["source"] == "icews-tkg").all()
    # the store's rows with the same labels and name-based countries are the raw count
    labels = [lab for lab in tkg.event_text_codes() if "force" in lab.lower()
              or "fight" in lab.lower()]
    got = dict(st.con.execute(
        "SELECT time_index, count(*) FROM icews_tkg_events WHERE event_text IN (SELECT unnest(?)) "
        "AND actor1_via IN ('name', 'sector') AND actor2_via IN ('name', 'sector') AND "
        "((actor1_iso3 = 'RUS' AND actor2_iso3 = 'UKR') OR (actor1_iso3 = 'UKR' AND "
        "actor2_iso3 = 'RUS')) GROUP BY 1", [labels]).fetchall())
    assert got == dict(raw)


def test_leaders_are_mapped_by_term_and_labelled(subset: tuple[Store, Path]) -> None:
    st, _ = subset
    ev.refresh_event_view(st)
    rows = st.con.execute(
        "SELECT actor1_name, actor1_iso3, actor1_type, actor1_leader, derived FROM events "
        "WHERE source = 'icews-tkg' AND actor1_via = 'leaders.csv' GROUP BY ALL").df()
    named = dict(zip(rows["actor1_name"], rows["actor1_iso3"], strict=False))
    assert named.get("Vladimir Putin") == "RUS" and named.get("Volodymyr Zelensky") == "UKR"
    assert (rows["actor1_type"] == "GOV").all() and rows["derived"].all()
    # sector actors get their country and type from "Sector (Country)"
    assert tkg.entity_country("Foreign Affairs (China)") == ("CHN", "sector", ("GOV",))
    assert tkg.entity_country("Military Personnel (Ukraine)")[2] == ("MIL",)
    assert tkg.entity_country("Xi Jinping") == (None, None, ())


def test_bad_sets(tmp_path: Path, shared_data: Path, store: Store) -> None:
    path = make_subset(shared_data, tmp_path / "a", range(54, 55))
    renamed = path.parent.rename(tmp_path / "a" / "ICEWS99-mine") / "train.txt"
    with pytest.raises(BilatError) as exc:
        tkg.ingest_icews_tkg(store, [renamed])
    assert exc.value.code == "E147" and "ICEWS99-mine" in exc.value.one_line()
    path = make_subset(shared_data, tmp_path / "b", range(54, 55))
    (path.parent / "relation2id.txt").unlink()
    with pytest.raises(BilatError) as exc:
        tkg.ingest_icews_tkg(store, [path])
    assert exc.value.code == "E146" and "relation2id.txt" in exc.value.one_line()
    path = make_subset(shared_data, tmp_path / "c", range(54, 55))
    with path.open("a", encoding="utf-8") as fh:
        fh.write("99999\t1\t2\t54\n")
    with pytest.raises(BilatError) as exc:
        tkg.ingest_icews_tkg(store, [path])
    n = sum(1 for line in path.read_text().splitlines() if line.strip())
    assert exc.value.code == "E148" and f"line {n}" in exc.value.one_line()
    assert not store.has_table("icews_tkg_events")


def test_every_label_of_every_set_has_a_code(shared_data: Path) -> None:
    codes = tkg.event_text_codes()
    labels = set()
    for f in (shared_data / "icews-tkg").glob("*/relation2id.txt"):
        labels |= {line.rsplit("\t", 1)[0] for line in
                   f.read_text(encoding="utf-8").splitlines() if line.strip()}
    assert labels and labels <= set(codes)
    table = pd.DataFrame({"label": list(codes), "code": list(codes.values())})
    assert table["code"].str.fullmatch(r"\d{2,4}").all()
