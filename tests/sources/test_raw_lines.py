"""A quarantine keeps the line as it stands in the file — never a row rebuilt from parsed
values (where a rejected vote code 'maybe' would read 'nan'). Checked for the vote sources on
small files in their upstream layouts and for the shared helper on plain, gzip and zip text;
the expected text is the file's own line, read back with plain Python."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pandas as pd

from bilat.sources import undl_scrape as S
from bilat.sources import unsc_vetoes as W
from bilat.sources import unvotes as U
from bilat.sources.core import BadRows, physical_lines
from bilat.store import Store, open_store
from tests.sources.test_undl_scrape import GA, scrape_csv, write


def _line(path: Path, n: int) -> str:
    return path.read_text(encoding="utf-8-sig").splitlines()[n - 1]


def _quarantined(st: Store, kind: str) -> list[tuple[int, str]]:
    return [(int(a), b) for a, b in st.con.execute(
        "SELECT line, raw FROM bad_rows WHERE kind = ? ORDER BY line", [kind]).fetchall()]


def test_unvotes_quarantine_keeps_the_line_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "unga"
    folder.mkdir()
    (folder / "un_votes.csv").write_text(
        "rcid,country,country_code,vote\n3.0,United States,US,yes\n"
        '3.0,"Canada",CA,maybe\n3.0,Narnia,NN,yes\n3.0,Namibia,NA,yes\n', encoding="utf-8")
    (folder / "un_roll_calls.csv").write_text(
        "rcid,session,importantvote,date,unres,amend,para,short,descr\n"
        "3,1.0,0,1946-01-01,R/1/66,0,0,TOPIC,TEXT\n", encoding="utf-8")
    (folder / "un_roll_call_issues.csv").write_text("rcid,short_name,issue\n", encoding="utf-8")
    st = open_store(":memory:")
    try:
        U.ingest_file(st, folder / "un_votes.csv", on_bad_rows="quarantine")
        got = dict(_quarantined(st, "unvotes") or _quarantined_any(st))
        path = folder / "un_votes.csv"
        # line 3 as written: the quotes and the code 'maybe' (not 'nan'); line 4 likewise
        assert got[3] == _line(path, 3) == '3.0,"Canada",CA,maybe'
        assert got[4] == _line(path, 4)
    finally:
        st.close()


def _quarantined_any(st: Store) -> list[tuple[int, str]]:
    return [(int(a), b) for a, b in st.con.execute(
        "SELECT line, raw FROM bad_rows ORDER BY line").fetchall()]


def test_scrape_quarantine_keeps_every_column(tmp_path: Path) -> None:
    rows = [(GA, "2021-12-01", "First", "A/RES/76/1", 21, ["Y", "N", "Y", "", "", ""]),
            (GA, "2021-12-02", "Second, with a comma", "A/RES/76/2", 22,
             ["Y", "Q", "Y", "", "", ""])]
    path = write(tmp_path, scrape_csv(rows), name="UN DATA.csv")
    bad = BadRows("quarantine", path)
    S.parse(path, bad)
    assert [r.line for r in bad.rows] == [3]
    raw = bad.rows[0].raw
    # the whole line, the state columns with the rejected code 'Q' included, quotes kept
    assert raw == _line(path, 3) and raw.endswith(",Y,Q,Y,,,") and '"Second, with' in raw
    # the same from the zipped file as the mirror holds it
    zpath = write(tmp_path, scrape_csv(rows))
    zbad = BadRows("quarantine", zpath)
    S.parse(zpath, zbad)
    assert zbad.rows[0].raw == raw


def test_veto_quarantine_keeps_the_line(tmp_path: Path, shared_data: Path) -> None:
    src = shared_data / "unga" / "unsc-vetoes-2022" / W.FILE
    every = src.read_text(encoding="utf-8").splitlines()
    quoted = next(x for x in every[1:] if '"' in x)   # a row with a quoted, comma-holding cell
    lines = [every[0], quoted]
    head = lines[1].split(",", 2)
    lines[1] = ",".join([head[0], "31/2/1946", head[2]])   # no such date
    path = tmp_path / W.FILE
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = BadRows("quarantine", path)
    W.parse(path, bad)
    assert [(r.line, r.raw) for r in bad.rows] == [(2, _line(path, 2))]
    assert '"' in bad.rows[0].raw


def test_physical_lines_plain_gzip_zip_and_not_text(tmp_path: Path) -> None:
    text = "\ufeffa,b\n1,\"x,y\"\r\n2,ü\n"
    plain = tmp_path / "t.csv"
    plain.write_text(text, encoding="utf-8")
    gz = tmp_path / "t.csv.gz"
    gz.write_bytes(gzip.compress(text.encode("utf-8")))
    zp = tmp_path / "t.csv.zip"
    with zipfile.ZipFile(zp, "w") as zf:
        zf.writestr("t.csv", text)
    want = {1: "a,b", 2: '1,"x,y"', 3: "2,ü"}
    for p in (plain, gz, zp):
        assert physical_lines(p, [1, 2, 3, 9]) == want
    xlsx = tmp_path / "t.xlsx"
    pd.DataFrame({"a": [1]}).to_csv(xlsx)  # a text body under a spreadsheet's name
    assert physical_lines(xlsx, [1]) == {}


def test_add_mask_default_is_the_file_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("ccode,year\n2,1990\nabc,1991.0\n", encoding="utf-8")
    df = pd.read_csv(path)
    df["_line"] = range(2, len(df) + 2)
    bad = BadRows("quarantine", path)
    left = bad.add_mask(df, pd.to_numeric(df["ccode"], errors="coerce").isna(), "not a code")
    assert len(left) == 1 and [(r.line, r.raw) for r in bad.rows] == [(3, "abc,1991.0")]
