"""The genuine readout pairs of the mirror: every text stored once, sides and languages from the
file names, verified-original log, one-line errors for a folder that breaks the layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.sources.readout_pairs import KIND, fetch_readout_pairs, parse_sources_md, parties_of
from bilat.store import open_store
from bilat.text.documents import list_documents


def test_mirror_pairs_load_once_with_side_language_event(shared_data: Path) -> None:
    base = shared_data / "texts" / "readouts"
    files = sorted(base.glob("*/[A-Z][A-Z][A-Z]_[a-z][a-z].txt"))
    st = open_store(":memory:")
    res = fetch_readout_pairs(st, shared_data)
    assert res.added == len(files) and not res.skipped
    again = fetch_readout_pairs(st, shared_data)
    assert again.added == 0 and again.unchanged == len(files)
    docs = list_documents(st, kind="readout")
    assert len(docs) == len(files)
    log = st.ingest_log(KIND)
    assert len(log) == len(files)
    row = docs[docs["event"] == "2022-02-04_xi-putin-beijing-talks"]
    assert sorted(row["side"]) == ["CHN", "RUS"]
    assert set(row["language"]) == {"zh", "en"}
    assert "http://en.kremlin.ru/events/president/news/67712" in set(row["source_url"])
    assert str(row["date"].iloc[0]) == "2022-02-04"
    single = docs[docs["event"] == "2021-08-25_xi-putin-call"]
    assert list(single["side"]) == ["CHN"]
    assert set(single["parties"].iloc[0]) == {"CHN", "RUS"}
    text = (base / "2021-08-25_xi-putin-call" / "CHN_zh.txt").read_text(encoding="utf-8")
    assert int(single["chars"].iloc[0]) == len(text)
    st.close()


def test_sources_md_and_folder_names() -> None:
    md = ("| `RUS_en.txt` | RUS (Russia) | en (English) | 1 | 1 | Russian-Chinese talks |\n"
          "| `CHN_zh.txt` | CHN (China) | zh | 1 | 1 | (the stored copy has no title) |\n\n"
          "## `RUS_en.txt`\n\n- Original URL: http://en.kremlin.ru/events/president/news/1\n")
    got = parse_sources_md(md)
    assert got["RUS_en.txt"] == {"title": "Russian-Chinese talks",
                                 "url": "http://en.kremlin.ru/events/president/news/1"}
    assert got["CHN_zh.txt"]["title"] == ""
    assert parties_of("2021-12-07_biden-putin-video-call") == ("USA", "RUS")
    with pytest.raises(BilatError) as exc:
        parties_of("2021-12-07_somebody-call")
    assert exc.value.code == "E607"


def test_a_broken_folder_is_one_error_or_skipped(tmp_path: Path, shared_data: Path) -> None:
    good = shared_data / "texts" / "readouts" / "2022-02-25_xi-putin-call"
    root = tmp_path / "mirror" / "texts" / "readouts"
    shutil.copytree(good, root / good.name)
    bad = root / "2022-03-01_xi-putin-call"
    bad.mkdir()
    (bad / "USA_en.txt").write_text("A text from a side that is not in the folder name.")
    st = open_store(":memory:")
    with pytest.raises(BilatError) as exc:
        fetch_readout_pairs(st, tmp_path / "mirror")
    assert exc.value.code == "E607" and "USA" in exc.value.one_line()
    res = fetch_readout_pairs(st, tmp_path / "mirror", on_bad_rows="skip")
    # the good folder (sorted first) was stored by the failing run: folder by folder
    assert res.added + res.unchanged == 2 and list(res.skipped) == ["2022-03-01_xi-putin-call"]
    st.close()
