"""The UN Digital Library scrape (wide, one column per state) melted to one row per state and
vote: checked against the file's own totals, known votes, the China seat, debris columns, and
bad input (one-line errors naming file and line; nothing half-stored)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from bilat.errors import BilatError
from bilat.sources import undl_scrape as S
from bilat.sources.core import BadRows
from bilat.store import Store

META = ",".join(S.META)
STATES = ["RUSSIAN FEDERATION", "CHINA", "UNITED STATES", "BELARUS", "UKRAINE",
          "UNITED KINGDOM"]


def scrape_csv(rows: list[tuple[str, str, str, str, int, list[str]]]) -> str:
    """Rows in the scrape's layout: council, date, title, symbol, record, votes per STATES.

    The totals columns are the counts of the row's own cells, as in the real file
    (``ABSENT COUNT`` = abstentions, ``NO-VOTE COUNT`` = non-voting)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([*S.META, *STATES])
    for council, day, title, symbol, rec, votes in rows:
        c = Counter(votes)
        w.writerow([council, day, title, symbol, sum(c[k] for k in "YNAX"), c["X"], c["A"],
                    c["N"], c["Y"], f"https://digitallibrary.un.org/record/{rec}?ln=en", rec,
                    *votes])
    return "\ufeff" + out.getvalue()


GA = "General Assembly"
ROWS = [
    (GA, "2021-12-16", "Situation of human rights in the temporarily occupied Autonomous "
     "Republic of Crimea and the city of Sevastopol, Ukraine : resolution / adopted by the "
     "General Assembly", "A/RES/76/179", 3953160, ["N", "N", "Y", "N", "Y", "Y"]),
    (GA, "2022-03-02", "Aggression against Ukraine : resolution / adopted by the General "
     "Assembly", "A/RES/ES-11/1", 3959039, ["N", "A", "Y", "N", "Y", "Y"]),
    (GA, "2022-12-15", "Situation of human rights in Belarus : resolution / adopted by the "
     "General Assembly", "A/RES/77/999", 3999001, ["N", "N", "Y", "N", "Y", "Y"]),
    ("Security Council", "2021-06-29", "Security Council resolution 2585 (2021) [on "
     "cross-border humanitarian aid in Syria]", "S/RES/2585(2021)", 3930000,
     ["Y", "Y", "Y", "", "", "Y"]),
]


def write(tmp: Path, text: str, name: str = "UN DATA.csv.zip") -> Path:
    path = tmp / name
    if name.endswith(".zip"):
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("UN DATA.csv", text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def parse(path: Path, policy: str = "fail") -> tuple[object, BadRows]:
    bad = BadRows(policy, path)
    return S.parse(path, bad), bad


# ----------------------------------------------------------------------------- fixtures
def test_fixture_melt_sessions_and_bodies(tmp_path: Path) -> None:
    table, bad = parse(write(tmp_path, scrape_csv(ROWS)))
    df = table.to_pandas()
    assert len(bad) == 0
    # empty cells (not a member) are not stored: 6 + 6 + 6 + 4
    assert len(df) == 22
    by = df.drop_duplicates("undl_id").set_index("symbol")
    assert by.loc["A/RES/ES-11/1", "session"] == "ES-11"  # text, kept as given
    assert by.loc["A/RES/76/179", "session"] == "76"
    sc = by.loc["S/RES/2585(2021)"]
    assert sc["body"] == "SC" and pd.isna(sc["session"])
    es = df[df["symbol"] == "A/RES/ES-11/1"].set_index("iso3")["vote"]
    assert (es["RUS"], es["CHN"], es["USA"]) == ("no", "abstain", "yes")
    assert set(df["vote_num"].dropna()) <= {0, 1, 2}
    # the unzipped CSV reads the same
    plain, _ = parse(write(tmp_path, scrape_csv(ROWS), "UN DATA.csv"))
    assert plain.num_rows == table.num_rows


def test_symbol_keys() -> None:
    cases = {"A/RES/68/262": ("68", "68/262"), "A/RES/ES-11/1": ("ES-11", "ES-11/1"),
             "A/RES/1004(ES-II)": ("ES-2", "ES-2/1004"), "A/RES/32/105[M]": ("32", "32/105M"),
             "A/RES/66(I)": ("1", "1/66"), "A/RES/3029(XXVII)[C]": ("27", "27/3029C"),
             "A/RES/S-10/2": ("S-10", "S-10/2")}
    for symbol, want in cases.items():
        assert S.parse_symbol(symbol) == want
    assert S.parse_symbol("S/RES/2585(2021)") is None and S.parse_symbol(None) is None
    # Voeten/unvotes forms reduce to the same keys
    assert S.unres_key("R/68/262") == "68/262" and S.unres_key("ESS/10/6") == "ES-10/6"
    assert S.unres_key("A/RES/71/5") == "71/5" and S.unres_key("SS/1/59") == "S-1/59"


def test_bad_rows_fail_skip_quarantine(tmp_path: Path, file_store: Store) -> None:
    rows = [*ROWS]
    rows.insert(1, (GA, "2021-13-45", "Bad date", "A/RES/76/1", 1, ["Y"] * 6))
    rows.insert(2, (GA, "2021-12-01", "Bad code", "A/RES/76/2", 2, ["Y", "Q", "Y", "Y", "Y",
                                                                      "Y"]))
    # and a row whose totals disagree with its own votes
    lines = scrape_csv(rows).splitlines()
    lines.append(f"{GA},2021-12-02,Totals off,A/RES/76/3,6,0,0,0,5,link,3,Y,Y,Y,Y,Y,Y")
    path = write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(BilatError) as e:
        parse(path)
    assert e.value.code == "E015" and "line 3" in str(e.value) and "2021-13-45" in str(e.value)
    table, bad = parse(path, "skip")
    assert table.to_pandas()["undl_id"].nunique() == 4 and len(bad) == 3
    reasons = " | ".join(r.reason for r in bad.rows)
    assert "'Q'" in reasons and "disagree with its totals" in reasons
    # fail: nothing stored; quarantine: rows kept aside with file and line
    with pytest.raises(BilatError):
        S.ingest_undl_scrape(file_store, [path])
    assert not file_store.has_table(S.TABLE)
    res = S.ingest_undl_scrape(file_store, [path], on_bad_rows="quarantine")
    assert res[0].rows_added == 22 and sum(res[0].bad_rows.values()) == 3
    kept = file_store.con.execute("SELECT line, reason FROM bad_rows ORDER BY line").fetchall()
    assert [k[0] for k in kept] == [3, 4, 8]
    again = S.ingest_undl_scrape(file_store, [path], on_bad_rows="quarantine")
    assert again[0].status == "unchanged"


def test_whole_file_errors(tmp_path: Path) -> None:
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.csv", "x")
        zf.writestr("b.csv", "y")
    with pytest.raises(BilatError, match="E217"):
        parse(two)
    broken = tmp_path / "UN DATA.csv.zip"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(BilatError, match="E013"):
        parse(broken)
    missing = write(tmp_path, "Council,Date,Title\nGeneral Assembly,2020-01-01,x\n",
                    "UN DATA.csv")
    with pytest.raises(BilatError, match="E014"):
        parse(missing)


def test_two_columns_for_one_state_must_agree(tmp_path: Path) -> None:
    text = scrape_csv(ROWS[:1]).splitlines()
    text[0] += ",USSR"
    text[1] += ",Y"  # the Russian Federation's column says N on this row
    path = write(tmp_path, "\n".join(text) + "\n", "UN DATA.csv")
    with pytest.raises(BilatError) as e:
        parse(path)
    assert "RUS has two votes" in str(e.value) and "line 2" in str(e.value)


# ----------------------------------------------------------------------------- the real file
@pytest.fixture(scope="module")
def real(shared_data: Path):  # type: ignore[no-untyped-def]
    path = shared_data / "unga" / "undl-scrape-2021" / S.FILE
    table, bad = parse(path)
    return path, table.to_pandas(), bad


def test_real_melt_against_its_own_totals(real) -> None:  # type: ignore[no-untyped-def]
    path, df, bad = real
    assert len(bad) == 0
    with zipfile.ZipFile(path) as zf:
        text = zf.read("UN DATA.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    head, body = rows[0], rows[1:]
    i = {c: head.index(c) for c in S.META}
    unknown_col = head.index("DONOTKNOW")
    assert len(body) == 7855 and df["undl_id"].nunique() == 7855
    counts = df.groupby(["undl_id", "code"]).size().unstack(fill_value=0)
    checked = 0
    for r in body:
        rec = int(r[i["token"]])
        got = counts.loc[rec]
        dropped = Counter([r[unknown_col]]) if r[unknown_col] else Counter()
        # the file's totals columns; ABSENT COUNT holds the abstentions
        for code, col in (("Y", "YES COUNT"), ("N", "NO COUNT"), ("A", "ABSENT COUNT"),
                          ("X", "NO-VOTE COUNT")):
            assert int(got.get(code, 0)) + dropped[code] == int(r[i[col]]), (rec, code)
        checked += 1
    assert checked == 7855
    # the one unattributable cell (S/RES/1966(2010)) is the only difference
    assert sum(1 for r in body if r[unknown_col]) == 1


def test_real_known_votes_and_seats(real) -> None:  # type: ignore[no-untyped-def]
    _, df, _ = real
    v = df.set_index(["symbol", "iso3"])["code"]
    assert (v["A/RES/68/262", "RUS"], v["A/RES/68/262", "CHN"]) == ("N", "A")
    assert (v["A/RES/75/192", "RUS"], v["A/RES/75/192", "CHN"]) == ("N", "N")
    assert df.groupby("body")["undl_id"].nunique().to_dict() == {"GA": 5238, "SC": 2617}
    # the China column before 25 Oct 1971 is the Republic of China's seat
    assert df.loc[df["iso3"] == "TWN", "year"].max() == 1971
    assert df.loc[df["iso3"] == "CHN", "date"].min() > S.CHINA_SEAT_CHANGE
    # debris columns belong to the real state ('Aa UNITED STATES' holds one US vote)
    assert (df["state"] == "Aa UNITED STATES").sum() == 1
    assert df.loc[df["state"] == "Aa UNITED STATES", "iso3"].iloc[0] == "USA"
    # one state, one vote per roll call
    assert not df.duplicated(["undl_id", "iso3"]).any()
    es = df[df["session"].fillna("").str.startswith("ES-")]["session"].unique()
    assert {"ES-1", "ES-2", "ES-10"} <= set(es)

