"""Property: core.ingest turns any parser outcome into a clean BilatError or the parser's rows
(hypothesis, fixed budget: 30 examples, no deadline)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilat.errors import BilatError
from bilat.sources import core
from bilat.store import open_store

FAILURES = [ValueError("bad"), KeyError("col"), OverflowError("int too large"),
            TypeError("cannot safely cast"), UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"),
            OSError(28, "No space left on device"), OSError(13, "Permission denied"),
            pa.ArrowInvalid("CSV parse error"), RecursionError(), IndexError("row")]


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
@given(ids=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=8),
       bad_lines=st.lists(st.integers(1, 20), max_size=3),
       failure=st.one_of(st.none(), st.sampled_from(FAILURES)),
       policy=st.sampled_from(["fail", "error", "skip", "quarantine"]),
       text=st.text(max_size=20))
def test_ingest_is_clean_error_or_the_rows(ids: list[int], bad_lines: list[int],
                                           failure: BaseException | None, policy: str,
                                           text: str) -> None:
    def parse(path: Path, bad: core.BadRows) -> pa.Table:
        for line in bad_lines:
            bad.add(line, f"bad value {text!r}", text)
        if failure is not None:
            raise failure
        return pa.table({"id": pa.array(ids, pa.int64()),
                         "label": pa.array([text] * len(ids), pa.string())})

    src = core.Source(kind="prop", table="prop", mirror_dir="prop", files=("p.csv",),
                      parse=parse, key_columns=("id",))
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "p.csv"
        f.write_text(text, encoding="utf-8")
        store = open_store(":memory:")
        try:
            res = core.ingest(store, src, [f], on_bad_rows=policy)
        except BilatError as exc:
            assert "\n" not in exc.one_line()
            assert failure is not None or (bad_lines and policy in ("fail", "error"))
            return
        finally:
            got = sorted(r[0] for r in store.con.execute("SELECT id FROM prop").fetchall()) \
                if store.has_table("prop") else None
            store.close()
    assert failure is None
    assert got == sorted(set(ids)) and res[0].rows_added == len(set(ids))
