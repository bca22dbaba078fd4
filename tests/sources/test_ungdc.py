"""UN General Debate speeches: file names, seats (USSR, Taipei's CHN seat), bad names."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.sources.core import BadRows
from bilat.sources.ungdc import parse, seat, speech_files


def _one(path: Path) -> dict:
    rows = parse(path, BadRows("fail", path)).to_pylist()
    assert len(rows) == 1
    return rows[0]


def test_seats_follow_the_coding_caveats(shared_data: Path) -> None:
    txt = shared_data / "texts" / "ungdc" / "TXT"
    roc = _one(txt / "CHN_26_1971.txt")
    assert roc["side"] == "TWN" and "Taipei" in roc["title"]
    assert "Republic of China" in roc["body"]
    prc = _one(txt / "CHN_27_1972.txt")
    assert prc["side"] == "CHN" and prc["date"].year == 1972
    assert seat("RUS", 46) == ("RUS", "USSR") and seat("RUS", 47)[1] == "Russian Federation"
    ru = _one(txt / "RUS_77_2022.txt")
    assert ru["body"] == (txt / "RUS_77_2022.txt").read_text(encoding="utf-8").strip()


def test_every_speech_file_found(shared_data: Path) -> None:
    files = speech_files(shared_data / "texts" / "ungdc")
    assert len(files) == len(list((shared_data / "texts" / "ungdc" / "TXT").glob("*_*_*.txt")))


def test_bad_names(tmp_path: Path) -> None:
    for name, msg in (("russia_2022.txt", "ISO3_SESSION_YEAR"), ("RUS_77_2021.txt", "held in"),
                      ("RUS_76_2021.txt", "no text")):
        f = tmp_path / name
        f.write_text("" if "76" in name else "text", encoding="utf-8")
        with pytest.raises(BilatError, match=msg) as exc:
            parse(f, BadRows("fail", f))
        assert exc.value.code == "E356"
