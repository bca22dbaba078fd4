"""Corpus import: one document per item with provenance, idempotent, all or nothing."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.store import open_store
from bilat.text.corpus import corpus_files, import_corpus
from bilat.text.documents import get_document

#: A small real subset: CCTV days around Xi-Putin contacts, one JSON day, the Kremlin files,
#: six General Debate speeches.
CCTV_DAYS = ("20211213", "20211215", "20220204", "20220225", "20220615", "20240516",
             "20250224", "20250508", "20250509")
SPEECHES = ("RUS_26_1971", "CHN_26_1971", "RUS_27_1972", "CHN_27_1972", "RUS_77_2022",
            "CHN_77_2022")
_BUILT: dict[str, Path] = {}


def subset_paths(shared: Path) -> list[Path]:
    t = shared / "texts"
    return ([t / "xwlb" / "news" / f"{d}.md" for d in CCTV_DAYS]
            + [t / "xwlb-2018-2019" / "assets" / "2018" / "20180319.json",
               t / "kremlin-en-2021-2022" / "press_release_data" / "putin.csv",
               t / "kremlin-ru-2025" / "kremlin_articles_ru_enhanced.csv",
               t / "kremlin-ru-2025" / "kremlin_dates.csv"]
            + [t / "ungdc" / "TXT" / f"{s}.txt" for s in SPEECHES])


def corpus_store_path(shared: Path) -> Path:
    """A store holding :func:`subset_paths` (built once per session, then reused)."""
    key = str(shared)
    if key not in _BUILT:
        folder = Path(tempfile.mkdtemp(prefix="bilat-corpus-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "corpus.duckdb"
        with open_store(path) as st:
            for p in subset_paths(shared):
                import_corpus(st, p, progress=False)
        _BUILT[key] = path
    return _BUILT[key]


@pytest.fixture(scope="module")
def store(shared_data: Path):  # type: ignore[no-untyped-def]
    st = open_store(corpus_store_path(shared_data))
    yield st
    st.close()


def test_one_document_per_item_with_provenance(store, shared_data: Path) -> None:
    path = shared_data / "texts" / "xwlb" / "news" / "20240516.md"
    n_items = path.read_text(encoding="utf-8").count("\n### ")
    items = store.con.execute(
        "SELECT * FROM corpus_items WHERE file = '20240516.md' ORDER BY position").df()
    assert len(items) == n_items + 1  # + the 新闻摘要 row (position 0)
    assert items["doc_id"].nunique() == len(items)
    talks = items[items["position"] == 2].iloc[0]
    doc = get_document(store, talks["doc_id"])
    assert doc.text.startswith("习近平同俄罗斯总统会谈\n\n5月16日上午")
    assert doc.language == "zh" and doc.side == "CHN" and doc.source_url == talks["url"]
    assert doc.kind == "readout" and set(doc.parties) == {"CHN", "RUS"}
    assert talks["title_end"] == len("习近平同俄罗斯总统会谈")
    assert str(talks["date"])[:10] == "2024-05-16" and talks["line"] == 76


def test_idempotent(store, shared_data: Path) -> None:
    before = store.con.execute("SELECT count(*) FROM documents").fetchall()[0][0]
    res = import_corpus(store, subset_paths(shared_data)[0], progress=False)
    assert res.files_unchanged == 1 and res.items_added == 0 and res.documents_added == 0
    assert store.con.execute("SELECT count(*) FROM documents").fetchall()[0][0] == before


def test_formats_told_from_the_layout(shared_data: Path, tmp_path: Path) -> None:
    t = shared_data / "texts"
    assert corpus_files(t / "xwlb")[0] == "xwlb"
    assert corpus_files(t / "xwlb-2018-2019")[0] == "xwlb-json"
    assert corpus_files(t / "kremlin-ru-2025")[0] == "kremlin-csv"
    fmt, files = corpus_files(t / "ungdc")
    assert fmt == "ungdc" and len(files) == 152
    with pytest.raises(BilatError) as exc:
        corpus_files(t)  # several layouts below texts/
    assert exc.value.code == "E350"
    with pytest.raises(BilatError) as exc:
        import_corpus(open_store(":memory:"), tmp_path)
    assert exc.value.code == "E353" and "empty corpus" in exc.value.one_line()


def test_a_broken_file_stores_nothing(shared_data: Path, tmp_path: Path) -> None:
    good = (shared_data / "texts" / "xwlb" / "news" / "20220225.md").read_text(encoding="utf-8")
    (tmp_path / "20220225.md").write_text(good, encoding="utf-8")
    (tmp_path / "20220226.md").write_text("# 《新闻联播》 (2022022)\n\n### x\n\ny\n",
                                          encoding="utf-8")
    st = open_store(tmp_path / "s.duckdb")
    try:
        with pytest.raises(BilatError) as exc:
            import_corpus(st, tmp_path, progress=False)
        assert exc.value.code == "E351" and "20220226.md" in exc.value.one_line()
        for table in ("documents", "corpus_items", "corpus_contacts"):
            assert st.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == 0
        assert st.ingest_log().empty
    finally:
        st.close()


def test_malformed_item_kept_aside_and_the_rest_stored(shared_data: Path) -> None:
    path = shared_data / "texts" / "xwlb" / "news" / "20220925.md"
    with open_store(":memory:") as st:
        res = import_corpus(st, path, progress=False)
        assert len(res.bad_items) == 1 and "item 10" in res.bad_items[0]["reason"]
        assert res.items_added == path.read_text(encoding="utf-8").count("\n### ") - 1 + 1
        bad = st.con.execute("SELECT file, line, reason FROM bad_rows").fetchall()
        assert bad == [("20220925.md", 112, res.bad_items[0]["reason"])]
    with open_store(":memory:") as st:
        with pytest.raises(BilatError) as exc:
            import_corpus(st, path, on_bad_rows="fail", progress=False)
        assert exc.value.code == "E352"
        assert st.con.execute("SELECT count(*) FROM corpus_items").fetchall()[0][0] == 0


def test_changed_file_replaces_its_items(shared_data: Path, tmp_path: Path) -> None:
    text = (shared_data / "texts" / "xwlb" / "news" / "20220225.md").read_text(encoding="utf-8")
    f = tmp_path / "20220225.md"
    f.write_text(text, encoding="utf-8")
    with open_store(":memory:") as st:
        first = import_corpus(st, f, progress=False)
        cut = text[: text.rindex("\n### ")] + "\n"
        f.write_text(cut, encoding="utf-8")
        second = import_corpus(st, f, progress=False)
        assert second.files_replaced == 1
        n = st.con.execute("SELECT count(*) FROM corpus_items").fetchall()[0][0]
        assert n == first.items_added - 1


def _expected_kinds(con) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Kind each corpus document should have, computed in pandas from the provenance tables."""
    items = con.execute("SELECT doc_id, section FROM corpus_items").df()
    contacts = con.execute("SELECT * FROM corpus_contacts").df()
    leader = contacts[contacts["counted"] & contacts["duplicate_of"].isna()
                      & (contacts["section"] != "summary")]
    readouts = set(leader["doc_id"])
    speech = set(items.loc[items["section"] == "speech", "doc_id"])
    return {d: "readout" if d in readouts else "transcript" if d in speech else "news"
            for d in items["doc_id"]}


def test_kind_is_readout_only_for_a_leader_contact(store) -> None:
    expected = _expected_kinds(store.con)
    stored = dict(store.con.execute("SELECT doc_id, kind FROM documents WHERE doc_id IN "
                                    "(SELECT doc_id FROM corpus_items)").fetchall())
    assert stored == expected
    counts = {k: list(expected.values()).count(k) for k in ("readout", "news", "transcript")}
    assert counts["news"] > counts["readout"] > 0 and counts["transcript"] == len(SPEECHES)
    # a readout's parties are the states of its contacts; news items have none
    rows = store.con.execute("SELECT kind, parties FROM documents WHERE doc_id IN "
                             "(SELECT doc_id FROM corpus_items)").fetchall()
    assert all(len(p) >= 2 for k, p in rows if k == "readout")
    assert all(not p for k, p in rows if k == "news")


def test_an_old_store_is_corrected_on_the_next_import(store, shared_data: Path,
                                                       tmp_path: Path) -> None:
    """Items stored as readout whatever they reported (earlier versions): the next import
    (files unchanged) corrects them in one transaction; a second import changes nothing."""
    store.con.execute("CHECKPOINT")
    copy = tmp_path / "old.duckdb"
    shutil.copy(corpus_store_path(shared_data), copy)
    with open_store(copy) as st:
        right = st.con.execute("SELECT doc_id, kind, parties FROM documents "
                               "ORDER BY doc_id").fetchall()
        st.con.execute("UPDATE documents SET kind = 'readout' WHERE doc_id IN "
                       "(SELECT doc_id FROM corpus_items)")
        st.con.execute("UPDATE documents SET parties = ['CHN'] WHERE doc_id IN "
                       "(SELECT doc_id FROM corpus_items WHERE position = 1)")
        expected = _expected_kinds(st.con)
        firsts = {r[0] for r in st.con.execute(
            "SELECT doc_id FROM corpus_items WHERE position = 1").fetchall()}
        wrong = sum(1 for d, k in expected.items() if k != "readout" or d in firsts)
        res = import_corpus(st, subset_paths(shared_data)[0], progress=False)
        assert res.files_unchanged == 1 and res.kinds_corrected == wrong > 0
        assert "kind corrected" in res.summary()
        stored = dict(st.con.execute("SELECT doc_id, kind FROM documents WHERE doc_id IN "
                                     "(SELECT doc_id FROM corpus_items)").fetchall())
        assert stored == expected
        assert st.con.execute("SELECT doc_id, kind, parties FROM documents "
                              "ORDER BY doc_id").fetchall() == right
        again = import_corpus(st, subset_paths(shared_data)[0], progress=False)
        assert again.kinds_corrected == 0
