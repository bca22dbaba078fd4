"""Readers of the unvotes, Voeten and UN Digital Library formats, and atomic idempotent ingest."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pandas as pd
import pyreadr
import pytest

from bilat.errors import BilatError
from bilat.sources import unvotes as U
from bilat.store import Store
from tests.conftest import FIXTURES
from tests.indicators.conftest import real_votes_store_path

FIX = FIXTURES / "unvotes"

VOTES_CSV = """rcid,country,country_code,vote
3.0,United States,US,yes
3.0,Canada,CA,no
3.0,Namibia,NA,abstain
3.0,Federal Republic of Germany,,yes
4.0,United States,US,no
4.0,Canada,CA,yes
"""
ROLLS_CSV = """rcid,session,importantvote,date,unres,amend,para,short,descr
3,1.0,0,1946-01-01,R/1/66,1,0,"AMENDMENTS, RULES OF PROCEDURE","TO ADOPT A CUBAN AMENDMENT"
4,1.0,1,1946-01-02,R/1/79,0,0,SECURITY COUNCIL ELECTIONS,TO ADOPT A USSR PROPOSAL
"""
ISSUES_CSV = """rcid,short_name,issue
4,hr,Human rights
4,co,Colonialism
"""


def _triple(folder: Path, votes: str = VOTES_CSV, rolls: str = ROLLS_CSV,
            issues: str = ISSUES_CSV) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "un_votes.csv", folder / "un_roll_calls.csv",
             folder / "un_roll_call_issues.csv"]
    for p, text in zip(paths, (votes, rolls, issues), strict=True):
        p.write_text(text, encoding="utf-8")
    return paths


def _counts(store: Store) -> tuple[int, int, int]:
    con = store.con
    return (con.execute("SELECT count(*) FROM un_votes").fetchall()[0][0],
            con.execute("SELECT count(*) FROM un_rollcalls").fetchall()[0][0],
            con.execute("SELECT count(*) FROM ingest_log").fetchall()[0][0])


# ----------------------------------------------------------------------------- unvotes
def test_read_unvotes_csv_normalises_codes_names_and_issues(tmp_path: Path) -> None:
    data = U.read_unvotes(*_triple(tmp_path))
    v = data.votes.set_index(["vote_id", "iso3"])
    # 'NA' is Namibia's ISO2 code, not a missing value
    assert v.loc[(3, "NAM"), "vote"] == "abstain"
    # blank country_code upstream (West Germany): mapped by name, continuity to DEU
    assert v.loc[(3, "DEU"), "vote"] == "yes"
    assert v.loc[(3, "CAN"), "vote_num"] == 0 and v.loc[(4, "CAN"), "vote_num"] == 2
    rc = data.rollcalls.set_index("vote_id")
    assert rc.loc[3, "symbol"] == "A/RES/1/66" and rc.loc[3, "unres"] == "R/1/66"
    assert rc.loc[4, "issues"] == ["co", "hr"] and rc.loc[3, "issues"] == []
    assert bool(rc.loc[4, "important"]) and not bool(rc.loc[3, "important"])
    assert bool(rc.loc[3, "amend"])
    assert str(rc.loc[4, "date"]) == "1946-01-02" and rc.loc[4, "session"] == 1


def test_read_unvotes_rda_originals(tmp_path: Path) -> None:
    csvs = _triple(tmp_path / "csv")
    rdas = []
    for p in csvs:
        df = pd.read_csv(p, keep_default_na=False, na_values=[""])
        target = tmp_path / (p.stem + ".rda")
        pyreadr.write_rdata(str(target), df, df_name=p.stem)
        rdas.append(target)
    a = U.read_unvotes(*csvs).votes.drop(columns="_line")
    b = U.read_unvotes(*rdas).votes.drop(columns="_line")
    pd.testing.assert_frame_equal(a, b)


def test_real_rda_issues_file_matches_csv(shared_data: Path) -> None:
    rda = pyreadr.read_r(str(shared_data / "unga" / "un_roll_call_issues.rda"))
    csv = pd.read_csv(shared_data / "unga" / "un_roll_call_issues.csv")
    assert len(next(iter(rda.values()))) == len(csv) == 5745


# ----------------------------------------------------------------------------- Voeten, UNDL
def test_read_voeten_codes_absent_nonmember_and_flags() -> None:
    data = U.read_voeten(FIX / "voeten_unvotes.csv")
    v = data.votes.set_index(["vote_id", "iso3"])
    assert v.loc[(5309, "RUS"), "vote"] == "no" and v.loc[(5309, "RUS"), "code"] == "3"
    assert v.loc[(5309, "CHN"), "vote"] == "abstain"
    assert v.loc[(5309, "UZB"), "vote"] == "absent" and pd.isna(v.loc[(5309, "UZB"), "vote_num"])
    assert v.loc[(5355, "SSD"), "vote"] == "nonmember"
    rc = data.rollcalls.set_index("vote_id")
    assert rc.loc[5355, "issues"] == ["me", "hr", "co"]
    assert bool(rc.loc[5355, "important"]) and rc.loc[5309, "symbol"] == "A/RES/68/262"


def test_read_undl_ga_and_sc_exports() -> None:
    ga = U.read_undl(FIX / "undl_ga_votes.csv")
    assert ga.source == "undl-ga"
    v = ga.votes.set_index(["vote_id", "iso3"])
    vid = U.UNDL_OFFSET + 767565
    assert v.loc[(vid, "RUS"), "vote"] == "no" and v.loc[(vid, "CHN"), "vote"] == "abstain"
    assert v.loc[(vid, "UZB"), "vote"] == "absent"  # blank = non-voting
    assert v.loc[(U.UNDL_OFFSET + 3959039, "UZB"), "vote"] == "absent"  # X = non-voting
    rc = ga.rollcalls.set_index("vote_id")
    assert rc.loc[vid, "symbol"] == "A/RES/68/262"
    assert (rc.loc[vid, "total_yes"], rc.loc[vid, "total_no"], rc.loc[vid, "total_abstain"]) \
        == (100, 11, 58)
    assert "TERRITORIAL INTEGRITY" in rc.loc[vid, "subjects"]
    sc = U.read_undl(FIX / "undl_sc_votes.csv")
    assert sc.source == "undl-sc" and set(sc.rollcalls["body"]) == {"SC"}
    assert sc.rollcalls["modality"].tolist() == ["recorded"]
    s = sc.votes.set_index("iso3")["vote"]
    assert s["RUS"] == "no" and s["CHN"] == "abstain" and (s == "yes").sum() == 11


def test_detect_format() -> None:
    assert U.detect_format(FIX / "voeten_unvotes.csv") == "voeten"
    assert U.detect_format(FIX / "undl_ga_votes.csv") == "undl"


# ----------------------------------------------------------------------------- bad input
def test_empty_and_header_only_files(tmp_path: Path) -> None:
    empty = tmp_path / "un_votes.csv"
    empty.write_text("")
    with pytest.raises(BilatError) as e:
        U.read_voeten(empty)
    assert e.value.code == "E201" and "un_votes.csv" in str(e.value)
    header = tmp_path / "v.csv"
    header.write_text("rcid,ccode,vote\n")
    with pytest.raises(BilatError, match="E201"):
        U.read_voeten(header)


def test_truncated_file_names_the_line(tmp_path: Path) -> None:
    cut = VOTES_CSV + "4.0,Cuba,CU,ye"  # the download stopped inside the last row
    with pytest.raises(BilatError) as e:
        U.read_unvotes(*_triple(tmp_path, votes=cut))
    assert e.value.code == "E204" and "line 8" in str(e.value) and "'ye'" in str(e.value)
    shorter = VOTES_CSV + "4.0,Cuba"
    with pytest.raises(BilatError) as e2:
        U.read_unvotes(*_triple(tmp_path, votes=shorter))
    assert e2.value.code in ("E204", "E206") and "line 8" in str(e2.value)


def test_unclosed_quote_is_unreadable(tmp_path: Path) -> None:
    bad = VOTES_CSV + '5.0,"Cuba,CU,yes\n'
    with pytest.raises(BilatError) as e:
        U.read_unvotes(*_triple(tmp_path, votes=bad))
    assert e.value.code == "E202" and "un_votes.csv" in str(e.value)


def test_unknown_code_error_and_skip(tmp_path: Path) -> None:
    text = (FIX / "voeten_unvotes.csv").read_text().replace("5309,710,1,2,", "5309,710,1,7,")
    path = tmp_path / "UNVotes.csv"
    path.write_text(text)
    with pytest.raises(BilatError) as e:
        U.read_voeten(path)
    assert e.value.code == "E204" and "line 4" in str(e.value) and "'7'" in str(e.value)
    data = U.read_voeten(path, on_bad_rows="skip")
    assert data.skipped == {"unknown vote code": 1} and len(data.votes) == 9


def test_duplicate_state_and_vote(tmp_path: Path) -> None:
    dup = VOTES_CSV + "3.0,Canada,CA,no\n"
    with pytest.raises(BilatError) as e:
        U.read_unvotes(*_triple(tmp_path, votes=dup))
    assert e.value.code == "E205" and "line 8" in str(e.value) and "line 3" in str(e.value)
    data = U.read_unvotes(*_triple(tmp_path, votes=dup), on_bad_rows="skip")
    assert data.skipped == {"duplicate state and vote": 1}


def test_unknown_state(tmp_path: Path) -> None:
    bad = VOTES_CSV + "4.0,Atlantis,QQ,yes\n"
    with pytest.raises(BilatError) as e:
        U.read_unvotes(*_triple(tmp_path, votes=bad))
    assert e.value.code == "E206" and "Atlantis" in str(e.value) and "line 8" in str(e.value)


def test_conflicting_formats(tmp_path: Path) -> None:
    with pytest.raises(BilatError) as e:
        U.read_voeten(FIX / "undl_ga_votes.csv")
    assert e.value.code == "E209"
    with pytest.raises(BilatError) as e2:
        U.read_undl(FIX / "voeten_unvotes.csv")
    assert e2.value.code == "E209"
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n")
    with pytest.raises(BilatError) as e3:
        U.detect_format(odd)
    assert e3.value.code == "E203"


def test_bad_mode() -> None:
    with pytest.raises(BilatError, match="E215"):
        U.read_voeten(FIX / "voeten_unvotes.csv", on_bad_rows="ignore")


# ----------------------------------------------------------------------------- storing
def test_ingest_is_idempotent(store: Store) -> None:
    first = U.ingest_file(store, FIX / "voeten_unvotes.csv")
    assert (first.votes_added, first.rollcalls_added) == (10, 2)
    again = U.ingest_file(store, FIX / "voeten_unvotes.csv")
    assert again.unchanged and "already ingested" in again.summary()
    assert _counts(store) == (10, 2, 1)
    row = store.con.execute(
        "SELECT vote, code, symbol, issues, important FROM un_country_votes "
        "WHERE iso3 = 'CHN' AND rcid = 5355").fetchall()[0]
    assert row == ("yes", "1", "A/RES/69/90", ["me", "hr", "co"], True)


def test_overlapping_content_adds_only_new_rows(store: Store, tmp_path: Path) -> None:
    U.ingest_file(store, FIX / "voeten_unvotes.csv")
    text = (FIX / "voeten_unvotes.csv").read_text()
    extra = text + text.splitlines()[2].replace("5309,365,1,3,RUS,Russia",
                                                "5309,200,1,1,UKG,United Kingdom") + "\n"
    path = tmp_path / "UNVotes.csv"
    path.write_text(extra)
    r = U.ingest_file(store, path)
    assert (r.votes_added, r.already_stored, r.rollcalls_added) == (1, 10, 0)


def test_contradiction_rolls_back_and_keeps_stored(file_store: Store, tmp_path: Path) -> None:
    U.ingest_file(file_store, FIX / "voeten_unvotes.csv")
    before = _counts(file_store)
    text = (FIX / "voeten_unvotes.csv").read_text().replace("5309,710,1,2,", "5309,710,1,1,")
    text += "5400,2,1,1,USA,United States of America,2015,70,0,1,0,0,2015-10-01,R/70/1,0,0,X,Y," \
            "0,0,0,0,0,0\n"
    path = tmp_path / "UNVotes.csv"
    path.write_text(text)
    with pytest.raises(BilatError) as e:
        U.ingest_file(file_store, path)
    assert e.value.code == "E208" and "line 4" in str(e.value) and "'abstain'" in str(e.value)
    assert _counts(file_store) == before  # nothing half-written, the new roll call neither
    r = U.ingest_file(file_store, path, on_bad_rows="skip")
    assert r.skipped == {"contradicts stored vote": 1} and r.votes_added == 1
    stored = file_store.con.execute(
        "SELECT vote FROM un_votes WHERE vote_id = 5309 AND iso3 = 'CHN'").fetchall()
    assert stored == [("abstain",)]


def test_fetch_from_mirror_layout(store: Store, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    _triple(mirror / "unga")
    (mirror / "unga" / "2025_7_21_sc_voting.csv").write_bytes(
        (FIX / "undl_sc_votes.csv").read_bytes())
    results = U.fetch_unvotes(mirror=mirror, store=store)
    assert [r.source for r in results] == ["unvotes", "undl-sc"]
    assert results[0].votes_added == 6 and results[1].votes_added == 15
    with pytest.raises(BilatError, match="E011"):
        U.fetch_unvotes(mirror=tmp_path, store=store)


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[str]:
    """A local HTTP server (127.0.0.1) serving the three unvotes files as .rda."""
    root = tmp_path / "srv"
    root.mkdir()
    for p in _triple(tmp_path / "csv"):
        df = pd.read_csv(p, keep_default_na=False, na_values=[""])
        pyreadr.write_rdata(str(root / (p.stem + ".rda")), df, df_name=p.stem)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_fetch_online_downloads_rda(store: Store, served: str, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BILAT_MIRROR", raising=False)
    cache = tmp_path / "cache"
    r = U.fetch_unvotes(store=store, cache_dir=cache, base_url=served)
    assert r[0].votes_added == 6 and (cache / "un_votes.rda").is_file()
    with pytest.raises(BilatError, match="E010"):
        U.fetch_unvotes(store=store, cache_dir=tmp_path / "c2", base_url=served + "missing/")


# ----------------------------------------------------------------------------- real data
def test_real_record_ingested_whole(shared_data: Path) -> None:
    from bilat.store import open_store

    st = open_store(real_votes_store_path(shared_data))
    try:
        n_votes, n_rolls, _ = _counts(st)
        assert (n_votes, n_rolls) == (870_109, 6_203)
        # every upstream state maps to an ISO3 code, historical ones by continuity
        states = {r[0] for r in st.con.execute("SELECT DISTINCT iso3 FROM un_votes").fetchall()}
        assert {"RUS", "DEU", "DDR", "CZE", "YEM", "YMD", "SRB", "TWN"} <= states
        ukr = dict(st.con.execute(
            "SELECT iso3, vote FROM un_country_votes WHERE symbol = 'A/RES/68/262'").fetchall())
        assert (ukr["RUS"], ukr["CHN"], ukr["USA"], ukr["UKR"]) == ("no", "abstain", "yes", "yes")
        # the tally in the data: 100 yes, 11 no, 58 abstentions (absences are not listed)
        assert sorted(ukr.values()).count("yes") == 100
        assert list(ukr.values()).count("no") == 11 and list(ukr.values()).count("abstain") == 58
    finally:
        st.close()


def test_statedept_table_reader(shared_data: Path) -> None:
    folder = shared_data / "unga" / "state-dept-coincidence"
    t19 = U.read_statedept_coincidence(folder / "un-coincidence-2019.csv").set_index("iso3")
    assert (t19.loc["CHN", "same"], t19.loc["CHN", "opposite"], t19.loc["CHN", "partial"]) == \
        (13, 71, 14)
    t23 = U.read_statedept_coincidence(folder / "un-coincidence-2023.csv")  # OPPOSE, BOM
    assert t23["opposite"].notna().all() and t23["iso3"].notna().all()
    t18 = U.read_statedept_coincidence(folder / "un-coincidence-2018.csv").set_index("iso3")
    assert t18.loc["GRC", "iso_as_published"] == "GRO"  # a typo in the table, matched by name
    t14 = U.read_statedept_coincidence(folder / "un-coincidence-2014.csv").set_index("iso3")
    assert t14.loc["RUS", "abstain"] == 3 and pd.isna(t14.loc["RUS", "partial"])


# ----------------------------------------------------------------------------- hardening (issue 8)
UNDL_HEAD = "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,total_non_voting\n"


def _undl(tmp_path: Path, *rows: str, name: str = "2022_ga_voting.csv",
          head: str = UNDL_HEAD) -> Path:
    p = tmp_path / name
    p.write_text(head + "".join(r + "\n" for r in rows), encoding="utf-8")
    return p


@pytest.mark.parametrize(("row", "code", "column"), [
    ("1e309,RUS,RUSSIA,Y,2019-01-01,74,A/RES/74/1,0", "E207", "undl_id"),
    ("99999999999999999999,RUS,RUSSIA,Y,2019-01-01,74,A/RES/74/1,0", "E207", "undl_id"),
    ("0x10,RUS,RUSSIA,Y,2019-01-01,74,A/RES/74/1,0", "E207", "undl_id"),
    ("12.5,RUS,RUSSIA,Y,2019-01-01,74,A/RES/74/1,0", "E207", "undl_id"),
    ("-5,RUS,RUSSIA,Y,2019-01-01,74,A/RES/74/1,0", "E260", "undl_id"),
    ("7,RUS,RUSSIA,Y,-1,74,A/RES/74/1,0", "E207", "date"),
    ("7,RUS,RUSSIA,Y,2099-01-01,74,A/RES/74/1,0", "E260", "date"),
    ("7,RUS,RUSSIA,Y,1900-01-01,74,A/RES/74/1,0", "E260", "date"),
    ("7,RUS,RUSSIA,Y,2019-02-30,74,A/RES/74/1,0", "E207", "date"),
    ("7,RUS,RUSSIA,Y,2019-01-01,-3,A/RES/74/1,0", "E260", "session"),
    ("7,RUS,RUSSIA,Y,2019-01-01,ES-0,A/RES/74/1,0", "E260", "session"),
    ("7,RUS,RUSSIA,Y,2019-01-01,74,A/RES/74/1,2147483648", "E260", "total_non_voting"),
    ("7,RUS,RUSSIA,Y,2019-01-01,74,A/RES/74/1", "E261", None),
    ("7,RUS,RUSSIA,Y,2019-01-01,74,A/RES/74/1,0,extra", "E261", None),
])
def test_undl_rows_out_of_range_are_refused(store: Store, tmp_path: Path, row: str, code: str,
                                            column: str | None) -> None:
    good = "7,CHN,CHINA,N,2019-01-01,74,A/RES/74/1,0"
    p = _undl(tmp_path, good, row)
    with pytest.raises(BilatError) as e:
        U.ingest_file(store, p)
    assert e.value.code == code and "line 3" in str(e.value), str(e.value)
    if column:
        assert repr(column) in str(e.value)
    assert not store.has_table("un_votes") or _counts(store)[0] == 0
    r = U.ingest_file(store, p, on_bad_rows="skip")
    assert r.votes_added == 1 and sum(r.skipped.values()) == 1
    assert store.con.execute("SELECT iso3, vote FROM un_votes").fetchall() == [("CHN", "no")]


def test_short_voeten_row_is_never_shifted(store: Store, tmp_path: Path) -> None:
    head = ("rcid,ccode,member,vote,Country,Countryname,year,session,importantvote,date,unres\n")
    p = tmp_path / "voeten.csv"
    p.write_text(head + "5309,2,1,1,USA,United States of America,68,0,2014-03-27,R/68/262\n"
                 "5309,365,1,3,RUS,Russia,2014,68,0,2014-03-27,R/68/262\n")
    with pytest.raises(BilatError) as e:
        U.ingest_file(store, p)
    assert e.value.code == "E261" and "line 2" in str(e.value) and "10 fields" in str(e.value)
    r = U.ingest_file(store, p, on_bad_rows="quarantine")
    assert r.votes_added == 1 and r.skipped == {"row shorter than the header": 1}
    row = store.con.execute("SELECT r.session, r.date, v.iso3 FROM un_rollcalls r "
                            "JOIN un_votes v USING (vote_id)").fetchall()
    assert row == [("68", __import__("datetime").date(2014, 3, 27), "RUS")]
    q = store.con.execute("SELECT kind, file, line, raw FROM bad_rows").fetchall()
    assert q == [("unvotes", "voeten.csv", 2, "5309,2,1,1,USA,United States of America,68,0,"
                  "2014-03-27,R/68/262")]


def test_voeten_without_date_or_year_names_them(tmp_path: Path) -> None:
    p = tmp_path / "voeten.csv"
    p.write_text("rcid,ccode,vote,session\n5309,2,1,68\n5309,365,3,68\n")
    with pytest.raises(BilatError) as e:
        U.read_voeten(p)
    assert e.value.code == "E203" and "date" in str(e.value) and "year" in str(e.value)
    p.write_text("rcid,ccode,vote,session,year\n5309,2,1,68,2014\n5309,365,3,68,2014\n")
    data = U.read_voeten(p)
    assert str(data.rollcalls["date"].iloc[0]) == "2014-01-01"


def test_unvotes_bad_rcid_and_date_are_one_line(tmp_path: Path) -> None:
    votes = VOTES_CSV.replace("4.0,Canada,CA,yes", "1e309,Canada,CA,yes")
    with pytest.raises(BilatError) as e:
        U.read_unvotes(*_triple(tmp_path, votes=votes))
    assert e.value.code == "E207" and "line 7" in str(e.value) and "1e309" in str(e.value)
    rolls = ROLLS_CSV.replace("1946-01-02", "-1")
    with pytest.raises(BilatError) as e:
        U.read_unvotes(*_triple(tmp_path, rolls=rolls))
    assert e.value.code == "E207" and "line 3" in str(e.value) and "'-1'" in str(e.value)


def test_emergency_special_session_kept_as_text(store: Store, tmp_path: Path) -> None:
    p = _undl(tmp_path, "3959039,RUS,RUSSIAN FEDERATION,N,2022-03-02,ES-11,A/RES/ES-11/1,0",
              "3959039,CHN,CHINA,A,2022-03-02,ES-11,A/RES/ES-11/1,0",
              "3959040,RUS,RUSSIAN FEDERATION,N,2022-11-14,77.0,A/RES/77/1,0",
              "3959041,RUS,RUSSIAN FEDERATION,N,2022-11-15,S-29,A/RES/S-29/1,0")
    U.ingest_file(store, p)
    got = store.con.execute("SELECT DISTINCT session FROM un_rollcalls ORDER BY 1").fetchall()
    assert got == [("77",), ("ES-11",), ("S-29",)]
    assert store.con.execute("SELECT data_type FROM information_schema.columns WHERE "
                             "table_name='un_rollcalls' AND column_name='session'"
                             ).fetchall() == [("VARCHAR",)]


def test_old_store_with_integer_session_is_converted(file_store: Store, tmp_path: Path) -> None:
    con = file_store.con
    con.execute(U._DDL[0].replace("session VARCHAR", "session INTEGER"))
    con.execute("INSERT INTO un_rollcalls (vote_id, body, session, source) "
                "VALUES (1, 'GA', 68, 'voeten')")
    U.ingest_file(file_store, _undl(tmp_path, "5,RUS,RUSSIA,Y,2022-03-02,ES-11,A/RES/ES-11/1,0"))
    got = con.execute("SELECT session FROM un_rollcalls ORDER BY vote_id").fetchall()
    assert got == [("68",), ("ES-11",)]


def test_on_bad_rows_names(tmp_path: Path) -> None:
    p = _undl(tmp_path, "7,RUS,RUSSIA,Q,2019-01-01,74,A/RES/74/1,0")
    for mode in ("error", "fail", "FAIL"):
        with pytest.raises(BilatError, match="E204"):
            U.read_undl(p, on_bad_rows=mode)
    assert U.read_undl(p, on_bad_rows="quarantine").skipped == {"unknown vote code": 1}
    with pytest.raises(BilatError, match="E215"):
        U.read_undl(p, on_bad_rows="ignore")


def test_rerun_that_adds_nothing_is_decided_before_parsing(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = tmp_path / "mirror"
    _triple(mirror / "unga")
    (mirror / "unga" / "2025_ga_voting.csv").write_bytes((FIX / "undl_ga_votes.csv").read_bytes())
    first = U.fetch_unvotes(mirror=mirror, store=store)
    assert [r.unchanged for r in first] == [False, False]

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(U, "read_unvotes", boom)
    monkeypatch.setattr(U, "read_undl", boom)
    monkeypatch.setattr(U, "_read_table", boom)
    again = U.fetch_unvotes(mirror=mirror, store=store)
    assert [r.unchanged for r in again] == [True, True]


def test_mirror_is_a_jail_for_votes(store: Store, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    paths = _triple(outside)
    mirror = tmp_path / "mirror"
    (mirror / "unga").mkdir(parents=True)
    for p in paths:
        (mirror / "unga" / p.name).symlink_to(p)
    with pytest.raises(BilatError) as e:
        U.fetch_unvotes(mirror=mirror, store=store)
    assert e.value.code == "E011" and "link" in str(e.value)
    link_dir = tmp_path / "m2"
    link_dir.mkdir()
    (link_dir / "unga").symlink_to(outside)
    with pytest.raises(BilatError, match="E011"):
        U.fetch_unvotes(mirror=link_dir, store=store)
    assert not store.has_table("un_votes")


def test_case_r05_overflow_names_the_real_cause(store: Store, shared_cases: Path) -> None:
    with pytest.raises(BilatError) as e:
        U.ingest_file(store, shared_cases / "fault-R05-undl-int32-overflow-masked" / "undl.csv")
    assert e.value.code == "E260" and "2147483648" in str(e.value) and "line 2" in str(e.value)
    assert "transaction" not in str(e.value).lower()


@pytest.fixture()
def shared_cases(shared_data: Path) -> Path:
    path = shared_data.parent / "cases"
    if not path.is_dir():
        pytest.fail(f"{path} not found")
    return path
