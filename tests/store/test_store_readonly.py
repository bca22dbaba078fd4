"""Read-only stores: any number of readers at once (CLI read commands, `bilat serve`, notebooks
holding ``open_store(path, read_only=True)``), every read command on a store it cannot write,
and a writer blocked by readers told who holds the store and what to do.

One store is built per module (GDELT fixtures, one real ICEWS file, the UN-votes fixture,
three material sources, the genuine readout pairs, a corpus subset with speeches, three
statements). While the read commands run, a separate Python process holds the store
read-only: DuckDB then refuses any read-write open, so a command that opened the store for
writing (or wrote to it) fails instead of passing unnoticed; the file's bytes are compared
before and after.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from bilat.cli import main
from bilat.errors import BilatError
from bilat.store import open_store
from tests.cli.stores import FIX as GDELT_FIX
from tests.text.test_corpus import corpus_store_path

ROOT = Path(__file__).resolve().parents[2]
VOTES_FIX = ROOT / "tests" / "fixtures" / "unvotes" / "voeten_unvotes.csv"
LINEAGE_FIX = ROOT / "tests" / "fixtures" / "lineage"
STATEMENTS = [("short_2014.txt", "2014-05-20"), ("short_2019.txt", "2019-06-05"),
              ("short_2022.txt", "2022-02-04")]

#: A reader in another process: opens the store read-only, says so, holds it until killed.
HOLDER = ("import sys, time; from bilat.store import open_store; "
          "st = open_store(sys.argv[1], read_only=True); "
          "st.con.execute('SELECT count(*) FROM ingest_log').fetchall(); "
          "print('holding', flush=True); time.sleep(600)")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT),
                                         env.get("PYTHONPATH", "")])
    env.pop("BILAT_STORE", None)
    return env


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hold(path: Path, code: str = HOLDER) -> subprocess.Popen[str]:
    """Start a process holding the store; returns once it holds it."""
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "holding" not in line:
        proc.kill()
        pytest.fail(f"the holding process did not start: {line}{proc.stderr.read()}")
    return proc


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.kill()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def loaded(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with events, votes, material ties, readouts, speeches and statements."""
    from bilat.sources import alliances_atop, engagements_chinavitae, exercises_mme, gdelt, icews
    from bilat.sources.readout_pairs import fetch_readout_pairs
    from bilat.sources.unvotes import ingest_file

    folder = tmp_path_factory.mktemp("ro")
    path = folder / "bilat.duckdb"
    src = corpus_store_path(shared_data)  # the corpus subset (built once per session)
    shutil.copy(src, path)
    if src.with_name(src.name + ".data").is_dir():
        shutil.copytree(src.with_name(src.name + ".data"), path.with_name(path.name + ".data"))
    with open_store(path, read_only=False) as st:
        gdelt.ingest(st, [p for p in sorted(GDELT_FIX.iterdir()) if p.suffix in (".CSV", ".zip")])
        daily = sorted(shared_data.joinpath("icews", "bkitej-daily-2018-2019")
                       .glob("*-icews-events.tab"))[:1]
        icews.ingest_by_format(st, {"icews": daily})
        ingest_file(st, VOTES_FIX)
        for load in (alliances_atop.fetch_atop, exercises_mme.fetch_mme,
                     engagements_chinavitae.fetch_engagements):
            load(st, mirror=shared_data)
        fetch_readout_pairs(st, mirror=shared_data)
    for name, date in STATEMENTS:
        assert main(["--store", str(path), "documents", "add", str(LINEAGE_FIX / name),
                     "--kind", "statement", "--side", "RUS", "--party", "RUS", "--party",
                     "CHN", "--date", date]) == 0
    return path


@pytest.fixture(scope="module")
def held(loaded: Path) -> Iterator[Path]:
    """``loaded`` while another process holds it read-only (so no one here can write)."""
    proc = _hold(loaded)
    try:
        yield loaded
    finally:
        _stop(proc)


def _copy(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dest)
    shutil.copytree(src.with_name(src.name + ".data"), dest.with_name(dest.name + ".data"),
                    dirs_exist_ok=True)
    return dest


def _statement_ids(path: Path) -> list[str]:
    with open_store(path, read_only=True) as st:
        return [r[0] for r in st.con.execute(
            "SELECT doc_id FROM documents WHERE kind = 'statement' ORDER BY date").fetchall()]


READ_COMMANDS = [
    ["events", "indicators", "RUS", "CHN", "-f", "csv"],
    ["events", "indicators", "RUS", "CHN", "--source", "all", "-f", "csv"],
    ["events", "contacts", "RUS", "CHN", "-f", "csv"],
    ["events", "ids", "RUS", "CHN", "--at", "2019-01", "-f", "csv"],
    ["events", "quarantine", "-f", "csv"],
    ["votes", "affinity", "RUS", "CHN", "-f", "csv"],
    ["votes", "divergent", "RUS", "CHN", "-f", "csv"],
    ["material", "coverage", "-f", "csv"],
    ["material", "indicators", "RUS", "CHN", "-f", "csv"],
    ["material", "exercises", "RUS", "CHN", "-f", "csv"],
    ["material", "engagements", "CHN", "RUS", "-f", "csv"],
    ["dyads", "panel", "RUS", "CHN", "-f", "csv"],
    ["documents", "list", "-f", "csv"],
    ["readouts", "find", "CHN", "RUS", "--date", "2022-06-15", "-f", "csv"],
    ["readouts", "compare-all", "CHN", "RUS", "-f", "csv"],
    ["contacts", "RUS", "CHN", "--source", "corpus", "-f", "csv"],
    ["speeches", "agenda", "RUS", "CHN", "--years", "2022", "-f", "csv"],
    ["status", "-f", "csv"],
    ["doctor", "-f", "csv"],
]


@pytest.mark.parametrize("argv", READ_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_read_commands_share_the_store(held: Path, argv: list[str],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    before = _sha(held)
    code = main(["--store", str(held), *argv])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    assert "Traceback" not in cap.err and "[E006]" not in cap.err
    df = pd.read_csv(io.StringIO(cap.out)) if cap.out.strip() else pd.DataFrame()
    if argv[:2] in (["events", "indicators"], ["votes", "affinity"], ["documents", "list"],
                    ["material", "coverage"], ["status", "-f"]):
        assert len(df) > 0, cap.out  # a real answer, not an empty table
    assert _sha(held) == before  # nothing written
    assert not held.with_name(held.name + ".wal").exists()


def test_report_and_lineage_and_readouts_compare_on_a_held_store(
        held: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _sha(held)
    code = main(["--store", str(held), "report", "RUS", "CHN", "--out", str(tmp_path / "r")])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    assert (tmp_path / "r" / "index.html").is_file()
    ids = _statement_ids(held)
    assert len(ids) == 3
    code = main(["--store", str(held), "statements", "lineage", *ids, "--format", "json",
                 "-o", str(tmp_path / "l.json")])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    data = json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))
    assert data["summary"]["date"] == "2022-02-04"
    with open_store(held, read_only=True) as st:
        pair = st.con.execute(
            "SELECT doc_id FROM documents WHERE kind = 'readout' AND event IS NOT NULL "
            "ORDER BY event, side LIMIT 2").fetchall()
    code = main(["--store", str(held), "readouts", "compare", pair[0][0], pair[1][0],
                 "--force", "-f", "json"])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    assert _sha(held) == before


def test_python_read_api_on_a_read_only_store(held: Path) -> None:
    """The library's read functions on ``open_store(path, read_only=True)`` (a notebook),
    while another process holds the store too; answers equal those of a writable copy."""
    from bilat.indicators import events, votes
    from bilat.text.speeches import agenda

    before = _sha(held)
    with open_store(held, read_only=True) as st:
        assert st.read_only and "read-only" in repr(st)
        ev = events.indicators(st, "RUS", "CHN")
        aff = votes.affinity(st, "RUS", "CHN")
        ag = agenda(st, "RUS", "CHN", years=[2022])
    assert _sha(held) == before
    copy = _copy(held, held.parent / "copy" / "bilat.duckdb")
    with open_store(copy, read_only=False) as w:
        pd.testing.assert_frame_equal(ev.reset_index(drop=True),
                                      events.indicators(w, "RUS", "CHN").reset_index(drop=True))
        pd.testing.assert_frame_equal(aff.reset_index(drop=True),
                                      votes.affinity(w, "RUS", "CHN").reset_index(drop=True))
        pd.testing.assert_frame_equal(ag.reset_index(drop=True),
                                      agenda(w, "RUS", "CHN", years=[2022]).reset_index(drop=True))


def test_cli_read_while_a_python_process_holds_it_and_while_serve_does(
        loaded: Path, tmp_path: Path) -> None:
    """Two processes at once, in earnest: a CLI read in a subprocess while (a) a notebook-like
    process holds ``open_store(path, read_only=True)`` and (b) `bilat serve`'s access layer
    holds the store."""
    cli = [sys.executable, "-c", "import sys; from bilat.cli import main; "
           "sys.exit(main(sys.argv[1:]))", "--store", str(loaded), "votes", "affinity", "RUS",
           "CHN", "-f", "csv"]
    serve = ("import sys, time; from bilat.web.access import WebStore; "
             "ws = WebStore(sys.argv[1]); print('holding', flush=True); time.sleep(600)")
    for code in (HOLDER, serve):
        proc = _hold(loaded, code)
        try:
            res = subprocess.run(cli, capture_output=True, text=True, env=_env(), timeout=120)
            assert res.returncode == 0, res.stderr
            df = pd.read_csv(io.StringIO(res.stdout))
            assert len(df) > 0 and "kappa" in df.columns
        finally:
            _stop(proc)


def test_a_writer_blocked_by_a_reader_is_told_who_and_what_to_do(
        loaded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loaded = _copy(loaded, tmp_path / "b.duckdb")  # held by nobody else
    proc = _hold(loaded)
    try:
        with pytest.raises(BilatError) as info:
            open_store(loaded, read_only=False)
        exc = info.value
        assert exc.code == "E006"
        assert f"process {proc.pid}" in exc.message  # DuckDB names the holder's PID
        assert "store.close()" in exc.message and "read_only=True" in exc.message
        # a write command: one line, the same hint
        code = main(["--store", str(loaded), "documents", "add",
                     str(LINEAGE_FIX / "short_2014.txt"), "--side", "RUS", "--date",
                     "2014-05-20"])
        err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
        assert code == 1 and len(err) == 1 and "[E006]" in err[0] and str(proc.pid) in err[0]
    finally:
        _stop(proc)
    # and a reader blocked by a writer (a notebook with open_store(path)) is told likewise
    writer = ("import sys, time; from bilat.store import open_store; "
              "st = open_store(sys.argv[1], read_only=False); print('holding', flush=True); "
              "time.sleep(600)")
    proc = _hold(loaded, writer)
    try:
        code = main(["--store", str(loaded), "votes", "affinity", "RUS", "CHN"])
        err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
        assert code == 1 and len(err) == 1 and "[E006]" in err[0]
        assert str(proc.pid) in err[0] and "read_only=True" in err[0]
    finally:
        _stop(proc)


def test_write_after_read_in_one_process(loaded: Path, tmp_path: Path) -> None:
    """A notebook reads (read-only), closes, then writes; a read-only open while this process
    holds the store read-write shares it and stays read-only to bilat; a read-write open while
    it holds the store read-only is one clear line."""
    from bilat.indicators import votes
    from bilat.text.documents import document_from_text, save_document

    path = _copy(loaded, tmp_path / "w.duckdb")
    ro = open_store(path, read_only=True)
    n = len(votes.affinity(ro, "RUS", "CHN"))
    doc = document_from_text("Russia and China agreed to widen trade.", side="RUS",
                             date="2023-01-01", kind="statement", parties=("RUS", "CHN"))
    with pytest.raises(BilatError) as info:
        save_document(ro, doc)  # a write on a read-only store: E026, nothing written
    assert info.value.code == "E026" and "read_only=True" in info.value.message
    with pytest.raises(BilatError) as info:
        open_store(path, read_only=False)  # this process holds it read-only
    assert info.value.code == "E006" and "store.close()" in info.value.message
    ro.close()
    with open_store(path, read_only=False) as rw:
        save_document(rw, doc)
        # a read-only open meanwhile (a CLI read in the same process, another cell)
        with open_store(path, read_only=True) as again:
            assert again.read_only
            assert len(votes.affinity(again, "RUS", "CHN")) == n
            with pytest.raises(BilatError) as info:
                save_document(again, document_from_text(
                    "A second text.", side="RUS", date="2023-01-02", kind="statement",
                    parties=("RUS", "CHN")))
            assert info.value.code == "E026"
        assert len(votes.affinity(rw, "RUS", "CHN")) == n
    with open_store(path, read_only=True) as st:
        ids = {r[0] for r in st.con.execute("SELECT doc_id FROM documents").fetchall()}
        assert doc.doc_id in ids


def test_interactive_sessions_are_warned_of_a_read_write_open(
        loaded: Path, tmp_path: Path) -> None:
    """In an interactive session, the default open of an existing store says it locks others
    out; asking for it explicitly (read_only=False) or a script does not."""
    code = "\n".join([
        "import sys, warnings",
        "sys.ps1 = '>>> '  # as at the Python prompt",
        "from bilat.store import open_store",
        "with warnings.catch_warnings(record=True) as w:",
        "    warnings.simplefilter('always')",
        "    open_store(sys.argv[1]).close()",
        "    open_store(sys.argv[1], read_only=False).close()",
        "    open_store(sys.argv[1], read_only=True).close()",
        "print(len(w))",
        "print(w[0].message if w else '')"])
    path = _copy(loaded, tmp_path / "i.duckdb")
    res = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, env=_env(), timeout=120)
    assert res.returncode == 0, res.stderr
    count, message = res.stdout.splitlines()[:2]
    assert count == "1" and "read_only=True" in message and "store.close()" in message
    t0 = time.perf_counter()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        open_store(path).close()  # a script (pytest): no warning
    assert time.perf_counter() - t0 < 30


def test_interactive_sessions_are_told_when_a_store_is_created(tmp_path: Path) -> None:
    """A mistyped path in a notebook creates a new, empty store: the session is told so at
    once (not later through "table … is not in the store"); create=False never creates."""
    code = "\n".join([
        "import sys, warnings",
        "sys.ps1 = '>>> '",
        "from bilat.errors import BilatError",
        "from bilat.store import open_store",
        "with warnings.catch_warnings(record=True) as w:",
        "    warnings.simplefilter('always')",
        "    try:",
        "        open_store(sys.argv[2], create=False)",
        "    except BilatError as exc:",
        "        print(exc.code)",
        "    open_store(sys.argv[1]).close()",
        "print(len(w))",
        "print(w[0].message if w else '')"])
    new = tmp_path / "typo" / "x.duckdb"
    res = subprocess.run([sys.executable, "-c", code, str(new), str(tmp_path / "no.duckdb")],
                         capture_output=True, text=True, env=_env(), timeout=120)
    assert res.returncode == 0, res.stderr
    code_line, count, message = res.stdout.splitlines()[:3]
    assert code_line == "E022" and not (tmp_path / "no.duckdb").exists()
    assert count == "1" and "new, empty one was created" in message and str(new) in message
    assert new.exists()
