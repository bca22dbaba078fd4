"""Documents from text, HTML, PDF and URLs (mirror and a local server); the documents table."""

from __future__ import annotations

import codecs
import http.server
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bilat.errors import BilatError
from bilat.store import Store, open_store
from bilat.text.documents import (
    USER_AGENT,
    decode_bytes,
    detect_language,
    document_from_text,
    get_document,
    list_documents,
    load_document,
    mirror_path,
    save_document,
)

TEXTS = Path(__file__).resolve().parents[1] / "fixtures" / "texts"
RU = (TEXTS / "aug2021_chn_ru.txt").read_text(encoding="utf-8")
ZH = (TEXTS / "aug2021_chn_zh.txt").read_text(encoding="utf-8")
EN = (TEXTS / "aug2021_chn_en.txt").read_text(encoding="utf-8")


def _code(exc: pytest.ExceptionInfo[BilatError]) -> str:
    return exc.value.code


def test_document_id_is_the_content_hash_prefix() -> None:
    doc = document_from_text(EN, side="chn", date="2021-08-25", parties=["chn", "rus"])
    assert doc.doc_id == doc.sha256[:16]
    assert doc.side == "CHN" and doc.parties == ("CHN", "RUS")
    assert doc.date == date(2021, 8, 25)
    assert doc.language == "en"
    assert doc.retrieved_at is not None


@pytest.mark.parametrize(("text", "lang"), [(EN, "en"), (RU, "ru"), (ZH, "zh"),
                                            ("Les deux parties ont discuté de la coopération "
                                             "économique et de la situation en Afghanistan.",
                                             "fr")])
def test_language_detection(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (RU.encode("utf-8"), RU),
        (codecs.BOM_UTF8 + RU.encode("utf-8"), RU),
        (RU.encode("utf-16"), RU),  # with BOM
        (ZH.encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]), ZH),
        (RU.encode("cp1251"), RU),
        (ZH.encode("gb18030"), ZH),
    ],
)
def test_encodings(data: bytes, text: str) -> None:
    assert decode_bytes(data, "x.txt") == text


def test_undecidable_encoding_is_a_clear_error() -> None:
    data = bytes(range(0x80, 0x100)) * 4  # high bytes only: neither Russian nor Chinese text
    with pytest.raises(BilatError) as exc:
        decode_bytes(data, "odd.txt")
    assert _code(exc) == "E303"
    assert "odd.txt" in str(exc.value) and "cp1251" in str(exc.value)


def test_files_in_legacy_encodings_load(tmp_path: Path) -> None:
    path = tmp_path / "kremlin_cp1251.txt"
    path.write_bytes(RU.encode("cp1251"))
    doc = load_document(path, side="CHN")
    assert doc.text == RU and doc.language == "ru"
    assert doc.source_url == str(path.resolve())


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.txt", b"", "E301"),
        ("blank.txt", b"  \n\t\n", "E301"),
        ("binary.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "E302"),
        ("fake.pdf", b"this is not a pdf", "E312"),
    ],
)
def test_bad_files_are_clear_errors(tmp_path: Path, name: str, content: bytes,
                                    code: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BilatError) as exc:
        load_document(path)
    assert _code(exc) == code
    assert name in str(exc.value)


def test_missing_file() -> None:
    with pytest.raises(BilatError) as exc:
        load_document("/nonexistent/readout.txt")
    assert _code(exc) == "E311"


def _pdf(path: Path, text: str | None) -> Path:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=400, height=200)
    if text is not None:
        font = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        })
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})
        })
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_pdf_with_text_layer(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "readout.pdf", "Vladimir Putin had a telephone conversation.")
    doc = load_document(path, side="RUS")
    assert "Vladimir Putin had a telephone conversation." in doc.text


def test_pdf_without_text_layer_is_a_clear_error(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "scan.pdf", None)
    with pytest.raises(BilatError) as exc:
        load_document(path)
    assert _code(exc) == "E304"
    assert "scan.pdf" in str(exc.value) and "OCR" in str(exc.value)


def test_html_main_text_title_and_date() -> None:
    doc = load_document(TEXTS / "readout_page.html", side="RUS")
    assert "Vladimir Putin had a telephone conversation" in doc.text
    assert "Creative Commons" not in doc.text and "Home" not in doc.text.split("\n")
    assert doc.title == "Telephone conversation with President of China Xi Jinping"
    assert doc.date == date(2021, 8, 25)


def test_page_without_main_text_is_a_clear_error() -> None:
    with pytest.raises(BilatError) as exc:
        load_document(TEXTS / "nav_only_page.html")
    assert _code(exc) == "E305"


def test_url_from_mirror(tmp_path: Path) -> None:
    url = "http://en.kremlin.ru/events/president/news/66480"
    target = mirror_path(url, tmp_path)
    assert target == tmp_path / "texts" / "en.kremlin.ru" / "events/president/news/66480"
    assert mirror_path("https://example.org/", tmp_path).name == "index.html"
    target.parent.mkdir(parents=True)
    target.write_bytes((TEXTS / "readout_page.html").read_bytes())
    doc = load_document(url, side="RUS", mirror=tmp_path)
    assert doc.source_url == url
    assert "Afghanistan" in doc.text
    with pytest.raises(BilatError) as exc:
        load_document(url + "?print=1", mirror=tmp_path)
    assert _code(exc) == "E011"


class _Handler(http.server.BaseHTTPRequestHandler):
    agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        _Handler.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/readout":
            body = (TEXTS / "readout_page.html").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        else:
            body = b"missing"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_download_is_one_polite_request(server: str, monkeypatch) -> None:
    monkeypatch.delenv("BILAT_MIRROR", raising=False)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    _Handler.agents.clear()
    doc = load_document(f"{server}/readout", side="RUS")
    assert "Afghanistan" in doc.text
    assert _Handler.agents == [USER_AGENT]
    with pytest.raises(BilatError) as exc:
        load_document(f"{server}/gone")
    assert _code(exc) == "E010" and "404" in str(exc.value)


def test_store_round_trip_versions_and_idempotence(file_store: Store, tmp_path: Path) -> None:
    url = "http://example.org/readout"
    v1 = document_from_text(EN, side="CHN", date="2021-08-25", source_url=url, event="call",
                            parties=["CHN", "RUS"])
    save_document(file_store, v1)
    save_document(file_store, v1)  # idempotent
    v2 = document_from_text(EN + "\nEdited later.", side="CHN", date="2021-08-25",
                            source_url=url)
    save_document(file_store, v2)
    df = list_documents(file_store)
    assert len(df) == 2
    assert sorted(df["version"].tolist()) == [1, 2]
    back = get_document(file_store, v1.doc_id[:6])
    assert back.text == v1.text and back.parties == ("CHN", "RUS") and back.event == "call"
    assert back.date == date(2021, 8, 25)
    assert len(file_store.ingest_log("document")) == 2
    path = file_store.path
    file_store.close()
    reopened = open_store(path)
    try:
        assert len(list_documents(reopened, side="chn")) == 2
        assert len(list_documents(reopened, since="2022-01-01")) == 0
    finally:
        reopened.close()


def test_unknown_and_ambiguous_ids(store: Store) -> None:
    a = save_document(store, document_from_text(EN, side="CHN"))
    save_document(store, document_from_text(RU, side="RUS"))
    with pytest.raises(BilatError) as exc:
        get_document(store, "ffffffffffff")
    assert _code(exc) == "E306"
    with pytest.raises(BilatError) as exc:
        get_document(store, "")
    assert _code(exc) in ("E306", "E307")
    assert get_document(store, a.doc_id).doc_id == a.doc_id


def test_failed_save_leaves_nothing(store: Store, monkeypatch) -> None:
    doc = document_from_text(EN, side="CHN")

    def boom(*args: object, **kw: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "record_ingest", boom)
    with pytest.raises(RuntimeError):
        save_document(store, doc)
    assert len(list_documents(store)) == 0


def test_bad_kind_and_date() -> None:
    with pytest.raises(BilatError) as exc:
        document_from_text(EN, kind="memo")
    assert _code(exc) == "E012"
    with pytest.raises(BilatError) as exc:
        document_from_text(EN, date="25/08/2021")
    assert _code(exc) == "E007"
    with pytest.raises(BilatError) as exc:
        document_from_text("   ")
    assert _code(exc) == "E301"


def test_side_and_parties_must_be_iso3_codes() -> None:
    # "CHINA" stored as a side would switch off the attribution check for China's claims
    # so a name resolves to its code (resolve_state) and anything else is refused
    for meta in ({"side": "CHYNNA"}, {"side": "XXX"}, {"parties": ("RUS", "ZZZZZ")}):
        with pytest.raises(BilatError) as exc:
            document_from_text(EN, **meta)
        assert _code(exc) == "E008"
    doc = document_from_text(EN, side="CHINA", parties=("Russia", "china"))
    assert (doc.side, doc.parties) == ("CHN", ("RUS", "CHN"))
    doc = document_from_text(EN, side="chn", parties=("RUS", "CHN"))
    assert (doc.side, doc.parties) == ("CHN", ("RUS", "CHN"))
    assert document_from_text(EN, side="JOINT").side == "JOINT"
