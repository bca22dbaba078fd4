"""Property: whatever bytes a GDELT export holds, ingest ends in a clean BilatError or stores
only rows that are in the field's domain and read exactly as written (hypothesis, fixed budget:
25 examples, no deadline; runs in CI)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilat.errors import BilatError
from bilat.sources import gdelt
from bilat.store import open_store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "gdelt"
ROWS = [ln.split("\t") for ln in (FIX / "20220204120000.export.CSV").read_text().split("\n")
        if ln][:6]
JUNK = ["", "0x10", "201.5", "1e309", "-1", "99999999999999999999", "2147483648", "7", "99",
        "500", "nan", "inf", "abc", "20991231", "-0", " 3", "３", "1e5", "\r", "\x00", "0"]

edit = st.tuples(st.integers(0, len(ROWS) - 1), st.integers(0, 60),
                 st.one_of(st.sampled_from(JUNK), st.text(max_size=6)))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
@given(edits=st.lists(edit, max_size=3), dup=st.booleans(), drop=st.integers(-1, 60),
       sep=st.sampled_from(["\n", "\r\n", "\r"]), policy=st.sampled_from(
           ["fail", "skip", "quarantine"]))
def test_ingest_is_clean_error_or_true_rows(edits: list[tuple[int, int, str]], dup: bool,
                                            drop: int, sep: str, policy: str) -> None:
    rows = [list(r) for r in ROWS]
    for i, j, value in edits:
        rows[i][j] = value
    if 0 <= drop < 61:
        del rows[0][drop]
    if dup:
        rows.append(list(rows[1]))
    data = sep.join("\t".join(r) for r in rows).encode("utf-8", "surrogatepass") + sep.encode()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "20220204120000.export.CSV"
        path.write_bytes(data)
        store = open_store(":memory:")
        try:
            gdelt.ingest(store, [path], on_bad_rows=policy)
        except BilatError as exc:
            assert "\n" not in exc.one_line()
            return
        finally:
            stored = store.con.execute(
                "SELECT GLOBALEVENTID, SQLDATE, QuadClass, GoldsteinScale, NumMentions, "
                "AvgTone, DATEADDED FROM gdelt_events").fetchall() \
                if store.has_table("gdelt_events") else []
            store.close()
    written: dict[str, list[list[str]]] = {}
    text = data.decode("utf-8", "replace")
    text = text.replace("\r\n", "\n") if "\n" in text else text.replace("\r", "\n")
    for ln in text.split("\n"):
        f = ln.split("\t")
        if len(f) == 61:
            written.setdefault(f[0], []).append(f)
    assert len({r[0] for r in stored}) == len(stored)  # one row per event
    for eid, sqldate, quad, goldstein, mentions, tone, added in stored:
        assert 1 <= quad <= 4 and -10 <= goldstein <= 10 and -100 <= tone <= 100
        assert mentions >= 0
        day = dt.datetime.strptime(str(sqldate), "%Y%m%d")
        assert day <= dt.datetime.strptime(str(added)[:8], "%Y%m%d") + dt.timedelta(days=1)
        assert any(f[1] == str(sqldate) and f[29] == str(quad) and f[31] == str(mentions)
                   for f in written.get(str(eid), [])), eid
