"""`bilat readouts compare`, `bilat documents add|list|show`, `bilat fetch document`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilat.cli import main
from bilat.cli.readouts import parse_spec

TEXTS = Path(__file__).resolve().parents[1] / "fixtures" / "texts"
CN = str(TEXTS / "aug2021_chn_en.txt")
RU = str(TEXTS / "aug2021_rus_en.txt")


@pytest.fixture()
def env(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("BILAT_STORE", str(tmp_path / "bilat.duckdb"))
    monkeypatch.delenv("BILAT_MIRROR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def test_parse_spec() -> None:
    assert parse_spec("a.txt@CHN@2021-08-25") == ("a.txt", "CHN", "2021-08-25")
    assert parse_spec("a.txt@2021-08-25") == ("a.txt", None, "2021-08-25")
    assert parse_spec("a.txt@rus") == ("a.txt", "RUS", None)
    assert parse_spec("mail@host/x.txt") == ("mail@host/x.txt", None, None)


def test_compare_json(env: Path, capsys) -> None:
    assert main(["readouts", "compare", f"{CN}@CHN@2021-08-25", f"{RU}@RUS@2021-08-25",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    flagged = [c for c in data["claims"] if c["label"] == "unconfirmed_attribution"]
    assert any("taiwan" in c["issues"] for c in flagged)
    assert all({"doc_id", "start", "end"} <= set(c) for c in data["claims"])


def test_compare_text_summary(env: Path, capsys) -> None:
    assert main(["readouts", "compare", CN, RU, "--side", "CHN", "--side", "RUS",
                 "--date", "2021-08-25", "--date", "2021-08-25"]) == 0
    out = capsys.readouterr().out
    assert "asymmetry" in out and "unconfirmed_attribution" in out
    assert "Taiwan, Hong Kong, Xinjiang" in out


def test_compare_html_to_file(env: Path, capsys) -> None:
    target = env / "cmp.html"
    assert main(["readouts", "compare", f"{CN}@CHN", f"{RU}@RUS", "-f", "html",
                 "-o", str(target)]) == 0
    assert "data-start" in target.read_text(encoding="utf-8")


def test_documents_add_list_show_and_compare_by_id(env: Path, capsys) -> None:
    assert main(["documents", "add", CN, "--side", "CHN", "--date", "2021-08-25",
                 "--kind", "readout", "--event", "call-2021-08-25"]) == 0
    cn_id = capsys.readouterr().out.strip()
    assert main(["documents", "add", RU, "--side", "RUS", "--date", "2021-08-25"]) == 0
    ru_id = capsys.readouterr().out.strip()
    assert main(["documents", "list", "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["doc_id"] for r in rows} == {cn_id, ru_id}
    assert main(["documents", "show", cn_id[:6]]) == 0
    assert "unswervingly supports" in capsys.readouterr().out
    assert main(["readouts", "compare", cn_id, ru_id[:8], "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["side"] for d in data["documents"]] == ["CHN", "RUS"]


def test_errors_are_one_line(env: Path, capsys) -> None:
    empty = env / "empty.txt"
    empty.write_text("")
    assert main(["readouts", "compare", CN, str(empty)]) == 1
    assert "[E301]" in capsys.readouterr().err
    assert main(["readouts", "compare", f"{CN}@CHN@2021-08-25", f"{RU}@RUS@2022-02-04"]) == 1
    err = capsys.readouterr().err
    assert "[E308]" in err and "--force" in err
    assert main(["readouts", "compare", f"{CN}@CHN@2021-08-25", f"{RU}@RUS@2022-02-04",
                 "--force", "-f", "json"]) == 0
    capsys.readouterr()
    assert main(["readouts", "compare", CN, RU, "-f", "xml"]) == 1
    assert "[E004]" in capsys.readouterr().err
    assert main(["documents", "show", "abcdef"]) == 1
    assert "[E022]" in capsys.readouterr().err  # no store yet: read commands never create one


def test_fetch_document_from_mirror(env: Path, capsys) -> None:
    url = "http://en.kremlin.ru/events/president/news/66480"
    target = env / "mirror" / "texts" / "en.kremlin.ru" / "events" / "president" / "news" / "66480"
    target.parent.mkdir(parents=True)
    target.write_bytes((TEXTS / "readout_page.html").read_bytes())
    assert main(["fetch", "document", url, "--mirror", str(env / "mirror")]) == 0
    assert "Vladimir Putin had a telephone conversation" in capsys.readouterr().out


def test_compare_text_to_unwritable_output_is_one_line_error(env: Path, capsys) -> None:
    target = env / "no-such-dir" / "cmp.txt"
    assert main(["readouts", "compare", f"{CN}@CHN@2021-08-25", f"{RU}@RUS@2021-08-25",
                 "-o", str(target)]) != 0
    err = capsys.readouterr().err
    assert "E005" in err and "Traceback" not in err


def test_show_shared_lists_matched_pairs_with_scores(env: Path, capsys) -> None:
    assert main(["readouts", "compare", f"{CN}@CHN@2021-08-25", f"{RU}@RUS@2021-08-25",
                 "--show", "shared"]) == 0
    out = capsys.readouterr().out
    assert "Matched claims" in out and "score" in out and "confidence" in out
    block = out.split("Matched claims", 1)[1]
    assert "↔" in block and "[shared]" in block and "[one_sided]" not in block
    assert main(["readouts", "compare", f"{CN}@CHN@2021-08-25", f"{RU}@RUS@2021-08-25",
                 "--show", "all"]) == 0
    everything = capsys.readouterr().out
    assert "All claims" in everything and "[shared]" in everything and "confidence" in everything
    assert main(["readouts", "compare", CN, RU, "--show", "pairs"]) == 1
    assert "[E012]" in capsys.readouterr().err


def test_compare_without_sides_infers_them_or_warns(env: Path, capsys, tmp_path: Path) -> None:
    wh = tmp_path / "wh.txt"
    wh.write_text("President Joseph R. Biden, Jr. spoke today with President Xi Jinping of "
                  "China. The two leaders discussed climate change.", encoding="utf-8")
    brief = tmp_path / "brief.txt"
    brief.write_text("A conversation between the two presidents took place. The presidents "
                     "discussed climate change.", encoding="utf-8")
    assert main(["readouts", "compare", str(wh), str(brief), "--force"]) == 0
    captured = capsys.readouterr()
    assert "side USA inferred" in captured.out
    assert "WARNING" in captured.err and "none could be inferred" in captured.err


def test_stored_escape_sequences_are_never_written_raw(env: Path, capsys) -> None:
    from bilat.store import open_store
    from bilat.text.documents import save_document
    from bilat.text.model import Document

    text = "Title \x1b]0;PWNED\x07 and \x1b[2J text"  # stored by an older or foreign path
    st = open_store(env / "bilat.duckdb")
    try:
        save_document(st, Document(doc_id="ab" * 8, text=text, sha256="ab" * 32, language="en",
                                   title="\x1b[31mred\x1b[0m"))
    finally:
        st.close()
    assert main(["documents", "show", "abab"]) == 0
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out and "\x07" not in captured.out and "␛" in captured.out
    assert "\x1b" not in captured.err
    assert main(["documents", "list"]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_documents_add_reports_unsupported_language_and_garbled_pdf(env: Path, capsys,
                                                                   tmp_path: Path) -> None:
    ja = tmp_path / "ja.txt"
    ja.write_text("岸田総理大臣は、習近平国家主席と電話会談を行いました。", encoding="utf-8")
    assert main(["documents", "add", str(ja), "--side", "JPN"]) == 0
    err = capsys.readouterr().err
    assert "Japanese (ja)" in err and "stored" in err
    pdf = tmp_path / "glyphs.pdf"
    stream = b"BT /F1 12 Tf 72 720 Td (/g57/g79/g68/g71 /g51/g88/g87/g76/g81 /g75/g68) Tj ET"
    from tests.text.test_text_faults import _pdf

    pdf.write_bytes(_pdf(stream))
    assert main(["documents", "add", str(pdf), "--side", "RUS"]) == 1
    err = capsys.readouterr().err
    assert "[E317]" in err and err.count("\n") == 1
