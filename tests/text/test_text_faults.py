"""Faults of whole kinds found in the field and by fuzzing (issues 8 and 13), each on a small
input written here: abbreviations, CJK quotes, HTML entities, hard line breaks, glyph-code and
damaged PDFs, legacy encodings, control characters, U+FFFD texts, unsupported languages, the
mirror jail, and a property test of the document reader."""

from __future__ import annotations

import logging
import os
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilat.errors import BilatError
from bilat.text.claims import extract_claims
from bilat.text.documents import (
    clean_text,
    decode_bytes,
    detect_language,
    document_from_text,
    fetch_document,
    load_document,
    safe_terminal,
)
from bilat.text.readouts import compare_readouts
from bilat.text.segment import sentences

DATE = "2021-08-25"


def _labels(cmp) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(r.claim.speaker_side or "", r.label) for r in cmp.results]


# ------------------------------------------------------------------------------- segmentation
RU_CHN = ("25 августа Председатель КНР Си Цзиньпин провёл телефонный разговор с Президентом "
          "России Владимиром Путиным.\n\nПутин заявил, что согласно {ref} Договора российская "
          "сторона твёрдо поддерживает позицию Китая по Тайваню.\n\nСтороны договорились "
          "поддерживать тесные контакты.")
RU_RUS = ("Состоялся телефонный разговор Владимира Путина с Председателем КНР Си Цзиньпином.\n\n"
          "Президент России отметил годовщину Договора, подписанного 16 июля 2001 г. в Москве."
          "\n\nСтороны договорились поддерживать тесные контакты.")


def test_russian_abbreviations_do_not_cut_a_claim() -> None:
    cut = document_from_text(RU_CHN.format(ref="ст. 7"), side="CHN", date=DATE)
    whole = document_from_text(RU_CHN.format(ref="статье 7"), side="CHN", date=DATE)
    rus = document_from_text(RU_RUS, side="RUS", date=DATE)
    a, b = compare_readouts([cut, rus]), compare_readouts([whole, rus])
    assert len(a.claims[cut.doc_id]) == len(b.claims[whole.doc_id]) == 3
    assert _labels(a) == _labels(b) and a.asymmetry == b.asymmetry
    probe = ("Выступил проф. Иванов из МГИМО им. Горчакова. Переговоры прошли 25 авг. 2021 г. "
             "В ходе беседы стороны обсудили ситуацию, т. е. Москва и Пекин сверили позиции. "
             "Товарооборот составил 146,9 млрд долл. Стороны договорились увеличить его.")
    assert [s.text[:18] for s in sentences(probe, "ru")] == [
        "Выступил проф. Ива", "Переговоры прошли ", "В ходе беседы стор", "Товарооборот соста",
        "Стороны договорили"]


def test_english_abbreviations() -> None:
    text = ("Art. 7 of the Treaty No. 12 was cited. The U.S. side agreed. He visited the U.S. "
            "The talks ended.")
    assert [s.text for s in sentences(text, "en")] == [
        "Art. 7 of the Treaty No. 12 was cited.", "The U.S. side agreed.",
        "He visited the U.S.", "The talks ended."]


def test_closing_cjk_quote_then_speech_verb_is_one_claim_of_that_speaker() -> None:
    doc = document_from_text("国家主席习近平同俄罗斯总统普京通电话。“俄方坚定支持中方在台湾问题上的"
                             "立场。”普京说。双方同意保持沟通。", side="CHN", date=DATE)
    claims = extract_claims(doc)
    quoted = [c for c in claims if "台湾" in c.text]
    assert len(quoted) == 1 and quoted[0].text.endswith("普京说。")
    assert quoted[0].speaker == "Vladimir Putin" and quoted[0].speaker_side == "RUS"


@pytest.mark.parametrize("entity_text", [
    "Putin said that Russia firmly supports China&#39;s position on Taiwan.",
    "Putin said that Russia firmly supports China&amp;#39;s position on Taiwan.",  # twice
])
def test_html_entities_left_in_plain_text_are_decoded(tmp_path: Path, entity_text: str) -> None:
    body = ("On August 25, President Xi Jinping spoke with Russian President Vladimir Putin on "
            "the phone.\n\n{}\n\nThe two heads of state agreed to keep close communication&nbsp;"
            "within the &quot;Shanghai Cooperation Organization&quot;.")
    raw, plain = tmp_path / "cn.txt", tmp_path / "plain.txt"
    raw.write_text(body.format(entity_text), encoding="utf-8")
    plain.write_text(body.format("Putin said that Russia firmly supports China's position on "
                                 "Taiwan.").replace("&nbsp;", "\u00a0").replace("&quot;", '"'),
                     encoding="utf-8")
    a, b = load_document(raw, side="CHN"), load_document(plain, side="CHN")
    assert a.text == b.text and any("HTML character reference" in n for n in a.notes)
    ru = document_from_text("Vladimir Putin had a telephone conversation with Xi Jinping.\n\n"
                            "Vladimir Putin said that Russia firmly supports China's position on "
                            "Taiwan.", side="RUS")
    assert _labels(compare_readouts([a, ru], force=True)) == \
        _labels(compare_readouts([b, ru], force=True))


def test_a_quoted_message_of_several_sentences_is_cut_into_them() -> None:
    # kremlin.ru: 'The message reads, in part:"The Russian Federation … This year's agenda …"'
    # came out as one claim of the whole message (field report QA14)
    text = ('The message reads, in part:"The Russian Federation and China enjoy a historically '
            "high level of partnership. Its important aspect is energy cooperation. The "
            'cross-border oil and gas pipelines operate steadily." The forum opened today.')
    got = [s.text for s in sentences(text, "en")]
    assert got == ['The message reads, in part:"The Russian Federation and China enjoy a '
                   "historically high level of partnership.",
                   "Its important aspect is energy cooperation.",
                   'The cross-border oil and gas pipelines operate steadily."',
                   "The forum opened today."]
    ru = sentences("Президент сказал: «Мы готовы к диалогу с партнёрами. Мы будем действовать "
                   "решительно и последовательно». Потом он уехал.", "ru")
    assert [s.text for s in ru][1] == "Мы будем действовать решительно и последовательно»."
    # a short quotation and a quoted name stay in their sentence
    assert len(sentences('He said: "We are ready. We act." Then he left.', "en")) == 2
    assert len(sentences('The "Power of Siberia" pipeline works well. It is good.', "en")) == 2


def test_hard_line_breaks_inside_a_sentence() -> None:
    wrapped = ("Putin said that Russia firmly supports China's legitimate position on the\n"
               "Taiwan question and opposes any interference in the internal affairs of China.\n"
               "The two sides agreed to maintain close contacts.")
    assert [s.text.replace("\n", " ") for s in sentences(wrapped, "en")] == [
        "Putin said that Russia firmly supports China's legitimate position on the Taiwan "
        "question and opposes any interference in the internal affairs of China.",
        "The two sides agreed to maintain close contacts."]
    zh = "习近平指出，中俄关系不断发展，两国在各领域的务实合作\n取得丰硕成果。\n双方同意保持沟通。"
    assert len(sentences(zh, "zh")) == 2
    listing = "Taiwan\nHong Kong\nXinjiang"  # short lines of a list stay apart
    assert len(sentences(listing, "en")) == 3


def test_no_break_space_after_a_full_stop_ends_a_sentence() -> None:
    text = "President Biden spoke today with President Xi.\u00a0 The call follows a meeting."
    assert len(sentences(text, "en")) == 2


# ------------------------------------------------------------------------------- PDF
def _pdf(stream: bytes, stream_dict: str = "", broken_xref: bool = False) -> bytes:
    """A one-page PDF with ``stream`` as its content (offsets computed, so the file is valid
    unless asked otherwise)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)}{stream_dict} >>\nstream\n".encode() + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n".encode()
    out += f"{xref + (7 if broken_xref else 0)}\n%%EOF\n".encode()
    return bytes(out)


def _text_stream(*lines: str) -> bytes:
    body = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    return f"BT /F1 12 Tf 72 720 Td {body} ET".encode("latin-1")


def _load(tmp_path: Path, data: bytes, name: str = "x.pdf"):  # noqa: ANN202
    path = tmp_path / name
    path.write_bytes(data)
    return load_document(path, side="RUS")


def test_pdf_text_layer_reads(tmp_path: Path) -> None:
    doc = _load(tmp_path, _pdf(_text_stream("Putin said that Russia supports China.")))
    assert "Putin said that Russia supports China." in doc.text and doc.language == "en"


@pytest.mark.parametrize("make, code, words", [
    (lambda: _pdf(b"garbage", " /Filter /NoSuchDecode"), "E312", "NotImplementedError"),
    (lambda: _pdf(b"not zlib data at all", " /Filter /FlateDecode"), "E312", ""),
    (lambda: _pdf(_text_stream("x"))[:120], "E312", ""),
    (lambda: b"%PDF-1.7\n" + os.urandom(64), "E312", ""),
    (lambda: _pdf(b"BT ET"), "E304", "OCR"),
    (lambda: _pdf(b"", broken_xref=True), "E312", "damaged"),
    (lambda: _pdf(_text_stream("/g57/g79/g68/g71/g76 /g51/g88/g87/g76/g81 /g75/g68/g71",
                               "/g68 /g87/g72/g79/g72/g83/g75/g82/g81/g72")), "E317", "/g57"),
])
def test_every_pdf_failure_is_one_clear_line(tmp_path: Path, capfd, make, code: str,
                                             words: str) -> None:
    with pytest.raises(BilatError) as exc:
        _load(tmp_path, make())
    assert exc.value.code == code and words in str(exc.value)
    assert "\n" not in str(exc.value)
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""  # pypdf's own log lines silenced


def test_pypdf_logger_is_left_as_it_was(tmp_path: Path) -> None:
    log = logging.getLogger("pypdf")
    level, handlers = log.level, list(log.handlers)
    with pytest.raises(BilatError):
        _load(tmp_path, _pdf(b"", broken_xref=True))
    assert log.level == level and log.handlers == handlers


def test_zlib_stream_with_text_still_reads(tmp_path: Path) -> None:
    stream = zlib.compress(_text_stream("The two sides agreed to meet again."))
    doc = _load(tmp_path, _pdf(stream, " /Filter /FlateDecode"))
    assert "agreed to meet again" in doc.text


# ------------------------------------------------------------------------------- text garbage
def test_nul_bytes_anywhere_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes(b"Putin said that Russia supports China. " * 200 + b"\x00\x00tail")
    with pytest.raises(BilatError) as exc:
        load_document(path)
    assert exc.value.code == "E302" and "NUL byte at offset 7800" in str(exc.value)


def test_control_characters_and_escapes_are_removed_with_a_note() -> None:
    doc = document_from_text("President Xi spoke with President Putin \x1b]0;PWNED\x07by phone"
                             "\x1b[31m and\x0b they agreed.\x9b", side="CHN")
    assert "\x1b" not in doc.text and "\x07" not in doc.text and "PWNED" not in doc.text
    assert doc.text == "President Xi spoke with President Putin by phone and they agreed."
    assert any("escape" in n for n in doc.notes)


def test_a_text_of_replacement_characters_is_refused() -> None:
    with pytest.raises(BilatError) as exc:
        document_from_text("\ufffd" * 60 + " ok", side="CHN")
    assert exc.value.code == "E318"
    text, notes = clean_text("Putin said \ufffd that Russia supports China.")
    assert "\ufffd" in text and notes == []  # one stray character is kept


def test_escapes_are_shown_never_run_in_a_terminal() -> None:
    shown = safe_terminal("title \x1b]0;PWNED\x07 and \x1b[2J\x9b end\n")
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "␛" in shown and shown.endswith("end\n")


# ------------------------------------------------------------------------------- encodings
@pytest.mark.parametrize("text, codec", [
    ("Le président Xi Jinping a parlé avec le président Poutine. Les deux côtés sont d'accord "
     "pour développer la coopération.", "latin-1"),
    ("Präsident Xi sprach mit Präsident Putin über die Lage. „Beide Seiten“ vereinbarten, die "
     "Zusammenarbeit zu vertiefen – für 5 € mehr.", "cp1252"),
    ("Президент России Владимир Путин провёл телефонный разговор с Председателем КНР.", "cp1251"),
    ("国家主席习近平同俄罗斯总统普京通电话，双方同意保持密切沟通。", "gb18030"),
])
def test_legacy_encodings_are_decided_or_refused_never_mojibake(text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec), "x.txt") == text


@pytest.mark.parametrize("data", [
    "岸田総理大臣は、習近平国家主席と電話会談を行いました。".encode("shift_jis"),
    # every word of even length: reads as Russian (cp1251) and as Chinese (GB18030) alike
    "Лидеры обсудили ситуацию".encode("cp1251"),
])
def test_undecidable_legacy_encoding_is_e303(data: bytes) -> None:
    with pytest.raises(BilatError) as exc:
        decode_bytes(data, "legacy.txt")
    assert exc.value.code == "E303" and "cp1252" in str(exc.value)


# ------------------------------------------------------------------------------- languages
@pytest.mark.parametrize("text, lang", [
    ("岸田総理大臣は、習近平国家主席と電話会談を行いました。両首脳は一致しました。", "ja"),
    ("윤석열 대통령은 시진핑 주석과 전화 통화를 했다. 양 정상은 합의했다.", "ko"),
    ("Міністр закордонних справ України провів телефонну розмову з Міністром Китаю. Сторони "
     "обговорили питання двосторонньої співпраці.", "uk"),
    ("Прэзідэнт Рэспублікі Беларусь правёў тэлефонную размову з Прэзідэнтам Расіі. Бакі "
     "абмеркавалі пытанні супрацоўніцтва.", "be"),
    ("国家主席习近平同俄罗斯总统普京通电话。", "zh"),
    ("Президент России провёл переговоры с Председателем КНР.", "ru"),
])
def test_languages_are_named_for_what_they_are(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_unsupported_language_is_reported_not_analysed_as_zh_en_ru() -> None:
    ja = document_from_text("岸田総理大臣は、習近平国家主席と電話会談を行いました。", side="JPN",
                            date=DATE)
    zh = document_from_text("国家主席习近平同日本首相岸田文雄通电话。", side="CHN", date=DATE)
    assert ja.language == "ja"
    with pytest.raises(BilatError) as exc:
        compare_readouts([zh, ja])
    assert exc.value.code == "E319" and "Japanese" in str(exc.value)


# ------------------------------------------------------------------------------- mirror jail
@pytest.fixture()
def mirror(tmp_path: Path) -> Path:
    root = tmp_path / "mirror"
    page = root / "texts" / "example.org" / "readouts"
    page.mkdir(parents=True)
    (page / "call.txt").write_text("Vladimir Putin had a telephone conversation with Xi.",
                                   encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside the mirror", encoding="utf-8")
    (page / "link.txt").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.mark.parametrize("url", [
    "http://example.org/../../secret.txt",
    "http://example.org/readouts/../../../../secret.txt",
    "HTTP://EXAMPLE.ORG/READOUTS/..%2F..%2F..%2F..%2Fsecret.txt",
    "https://example.org/%2e%2e/%2E%2E/%2e%2e/secret.txt",
    "http://../../secret.txt",
    "http://./secret.txt",
    "hTTp://example.org/readouts/link.txt",
])
def test_mirror_is_a_jail(mirror: Path, url: str) -> None:
    with pytest.raises(BilatError) as exc:
        fetch_document(url, mirror=mirror)
    assert exc.value.code == "E011"


def test_mirror_reads_inside_the_jail_in_any_scheme_case(mirror: Path) -> None:
    for url in ("http://example.org/readouts/call.txt", "HTTPS://Example.org/readouts/call.txt"):
        text, _, _ = fetch_document(url, mirror=mirror)
        assert text.startswith("Vladimir Putin")


# ------------------------------------------------------------------------------- property test
_SEED_PDF = _pdf(_text_stream("Putin said that Russia supports China on Taiwan."))


@st.composite
def _inputs(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["pdf", "text", "bytes", "html"]))
    if kind == "pdf":
        data = bytearray(_SEED_PDF)
        for _ in range(draw(st.integers(1, 6))):
            pos = draw(st.integers(0, len(data) - 1))
            data[pos] = draw(st.integers(0, 255))
        if draw(st.booleans()):
            data = data[:draw(st.integers(8, len(data)))]
        return "x.pdf", bytes(data)
    if kind == "text":
        text = draw(st.text(st.characters(codec="utf-8"), max_size=300))
        extra = draw(st.sampled_from(["", "&#39;", "&amp;quot;", "\x1b[31m", "\ufffd" * 40,
                                      "\u00a0", "ст. 7", "。”普京说。"]))
        return "x.txt", (text + extra).encode("utf-8")
    if kind == "html":
        text = draw(st.text(max_size=200))
        return "x.html", f"<html><body><p>{text}</p></body></html>".encode()
    return "x.bin", draw(st.binary(max_size=400))


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_inputs())
def test_document_reader_gives_a_result_or_a_clean_error(tmp_path: Path,
                                                         item: tuple[str, bytes]) -> None:
    name, data = item
    path = tmp_path / name
    path.write_bytes(data)
    try:
        doc = load_document(path, side="CHN", date=DATE)
    except BilatError as exc:
        assert exc.code.startswith(("E3", "E0")) and "\n" not in str(exc)
        return
    assert doc.text.strip() and "\x00" not in doc.text and "\x1b" not in doc.text
    assert doc.doc_id == doc.sha256[:16]
    if doc.language in ("en", "ru", "zh"):
        for c in extract_claims(doc):
            assert doc.text[c.start:c.end] == c.text
