"""Property: a mutated UN Digital Library, Voeten or unvotes file ends in a clean BilatError
or stores only votes that some row of the input says, on dates 1945-10-24…today, with ids and
sessions in range (hypothesis, fixed budget: 25 examples per reader, no deadline)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilat.errors import BilatError
from bilat.sources import unvotes as U
from bilat.store import open_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "unvotes"
JUNK = ["", "1e309", "99999999999999999999", "-5", "0x10", "12.5", "-1", "2099-01-01",
        "2147483648", "ES-11", "ES-0", "S-29", "77.0", "nan", "Y", "9", "\r", '"', "NA"]


def _table(name: str, n: int) -> list[list[str]]:
    return list(csv.reader(io.StringIO((FIX / name).read_text())))[: n + 1]


TABLES = {"undl": _table("undl_ga_votes.csv", 6), "voeten": _table("voeten_unvotes.csv", 6)}
mutation = st.tuples(st.integers(1, 6), st.integers(0, 30),
                     st.one_of(st.sampled_from(JUNK), st.text(max_size=5)),
                     st.sampled_from(["set", "cut", "extend"]))


def _check(store, said: set[tuple[str, str]]) -> None:  # noqa: ANN001
    if not store.has_table("un_votes"):
        return
    today = dt.datetime.now(dt.UTC).date()
    for _vid, code, date, session, undl, rcid in store.con.execute(
            "SELECT v.vote_id, v.code, r.date, r.session, r.undl_id, r.rcid FROM un_votes v "
            "JOIN un_rollcalls r USING (vote_id)").fetchall():
        assert dt.date(1945, 10, 24) <= date <= today
        assert session is None or session.isdigit() and 1 <= int(session) <= 150 \
            or session.split("-")[0] in ("ES", "S")
        rid = str(undl if undl is not None else rcid)
        assert (rid, str(code).upper()) in said, (rid, code)


def _run(kind: str, muts: list, policy: str) -> None:
    table = [list(r) for r in TABLES[kind]]
    for i, j, value, how in muts:
        row = table[i]
        if how == "set" and row:
            row[j % len(row)] = value
        elif how == "cut" and row:
            del row[j % len(row):]
        elif how == "extend":
            row.append(value)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(table)
    head = table[0]
    idc, vc = ("undl_id", "ms_vote") if kind == "undl" else ("rcid", "vote")
    said = {(r[head.index(idc)].strip().removesuffix(".0"), r[head.index(vc)].strip().upper())
            for r in table[1:] if len(r) == len(head)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("ga_voting.csv" if kind == "undl" else "voeten.csv")
        path.write_text(buf.getvalue(), encoding="utf-8")
        store = open_store(":memory:")
        try:
            U.ingest_file(store, path, fmt=kind, on_bad_rows=policy)
            _check(store, said)
        except BilatError as exc:
            assert "\n" not in exc.one_line()
        finally:
            store.close()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
@given(muts=st.lists(mutation, max_size=3), policy=st.sampled_from(["error", "skip",
                                                                     "quarantine"]))
def test_undl_reader(muts: list, policy: str) -> None:
    _run("undl", muts, policy)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
@given(muts=st.lists(mutation, max_size=3), policy=st.sampled_from(["error", "skip",
                                                                     "quarantine"]))
def test_voeten_reader(muts: list, policy: str) -> None:
    _run("voeten", muts, policy)


VOTES = "rcid,country,country_code,vote\n3.0,United States,US,yes\n3.0,Canada,CA,no\n" \
        "4.0,Canada,CA,yes\n"
ROLLS = "rcid,session,importantvote,date,unres\n3,1.0,0,1946-01-01,R/1/66\n" \
        "4,1.0,1,1946-01-02,R/1/79\n"


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
@given(which=st.sampled_from(["votes", "rolls"]), line=st.integers(1, 3),
       col=st.integers(0, 5), value=st.one_of(st.sampled_from(JUNK), st.text(max_size=5)),
       policy=st.sampled_from(["error", "skip"]))
def test_unvotes_reader(which: str, line: int, col: int, value: str, policy: str) -> None:
    texts = {"votes": VOTES, "rolls": ROLLS}
    rows = list(csv.reader(io.StringIO(texts[which])))
    if line < len(rows):
        r = rows[line]
        if col < len(r):
            r[col] = value
        else:
            r.append(value)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    texts[which] = buf.getvalue()
    said = {(r[0].strip().removesuffix(".0"), r[3].strip().upper())
            for r in csv.reader(io.StringIO(texts["votes"])) if len(r) == 4}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "un_votes.csv").write_text(texts["votes"], encoding="utf-8")
        (folder / "un_roll_calls.csv").write_text(texts["rolls"], encoding="utf-8")
        (folder / "un_roll_call_issues.csv").write_text("rcid,short_name,issue\n")
        store = open_store(":memory:")
        try:
            U.ingest_file(store, folder / "un_votes.csv", on_bad_rows=policy)
            _check(store, {(a, b.upper()) for a, b in said})
        except BilatError as exc:
            assert "\n" not in exc.one_line()
        finally:
            store.close()
