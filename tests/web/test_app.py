"""The web app through Starlette's TestClient: pages, drill-downs, downloads, errors, safety.

Figures are checked against independent computations over the raw mirror files (pandas),
never against numbers written into the test.
"""

from __future__ import annotations

import hashlib
import io
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from lxml import html as lxml_html

from tests.web.conftest import (
    PAIR_URL,
    READOUTS,
    STATEMENTS,
    TEXTS,
    VOTE_YEARS,
    file_hash,
    gdelt_files,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette: "use httpx2" deprecation note
    from starlette.testclient import TestClient

from bilat.web import create_app


@pytest.fixture(scope="module")
def client(web_app) -> Iterator[TestClient]:
    with TestClient(web_app, follow_redirects=False) as c:
        c.app_state = web_app.state  # type: ignore[attr-defined]
        yield c


def doc(text: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(text)


def error_line(resp) -> str:
    node = doc(resp.text).get_element_by_id("error")
    return node.text_content()


def _raw_votes(shared_data: Path, a2: str, b2: str, years: tuple[int, int]) -> pd.DataFrame:
    """Roll calls where both states voted yes/no/abstain, from the raw unvotes CSVs."""
    v = pd.read_csv(shared_data / "unga" / "un_votes.csv")
    rc = pd.read_csv(shared_data / "unga" / "un_roll_calls.csv", usecols=["rcid", "date"])
    rc = rc[pd.to_datetime(rc["date"]).dt.year.between(*years)]
    v = v[v["vote"].isin(["yes", "no", "abstain"]) & v["rcid"].isin(rc["rcid"])]
    va = v[v["country_code"] == a2][["rcid", "vote"]]
    vb = v[v["country_code"] == b2][["rcid", "vote"]]
    return va.merge(vb, on="rcid", suffixes=("_a", "_b"))


def test_home_lists_every_table_with_its_rows(client, web_store):
    r = client.get("/")
    assert r.status_code == 200
    con = duckdb.connect(str(web_store), read_only=True)
    try:
        expected = dict(con.execute(
            "SELECT 'un_votes', count(*) FROM un_votes UNION ALL "
            "SELECT 'documents', count(*) FROM documents").fetchall())
        first, last = con.execute("SELECT min(date), max(date) FROM un_rollcalls").fetchall()[0]
    finally:
        con.close()
    table = doc(r.text).get_element_by_id("coverage")
    rows = {tr[1].text_content(): [td.text_content() for td in tr] for tr in table[1:]}
    assert int(rows["un_votes"][2].replace(",", "")) == expected["un_votes"]
    assert int(rows["documents"][2]) == expected["documents"] == len(READOUTS) + len(STATEMENTS)
    assert rows["un_rollcalls"][4] == str(first)[:10] and rows["un_rollcalls"][5] == str(last)[:10]
    pairs = [tr[0].text_content() for tr in doc(r.text).get_element_by_id("pairs")[1:]]
    assert {"RUS–CHN", "CHN–RUS"} & set(pairs)  # the pair with readouts, statements, events


def test_pair_vote_figure_opens_its_votes(client, shared_data):
    r = client.get(PAIR_URL)
    assert r.status_code == 200
    page = doc(r.text)
    summary = page.get_element_by_id("votes-summary")
    first = summary[1]
    assert first[0].text_content() == "RUS–CHN"
    n_link = first[2].find("a")
    raw = _raw_votes(shared_data, "RU", "CN", VOTE_YEARS)
    assert int(n_link.text_content().replace(",", "")) == len(raw)
    same = (raw["vote_a"] == raw["vote_b"]).mean()
    # agreement with abstention as half: 1 - mean distance on yes=1, abstain=.5, no=0
    scale = {"yes": 1.0, "abstain": 0.5, "no": 0.0}
    agree = 1 - (raw["vote_a"].map(scale) - raw["vote_b"].map(scale)).abs().mean()
    headers = [th.text_content() for th in summary[0]]
    assert float(first[headers.index("agree")].text_content()) == pytest.approx(agree, abs=5e-4)
    assert same <= agree
    # click through: the vote list behind the figure has exactly n counted rows
    v = client.get(n_link.get("href"))
    assert v.status_code == 200
    vp = doc(v.text)
    counted = vp.xpath('//table[@id="votes"]//tr[@class="counted"]')
    shown = int(vp.get_element_by_id("counted-note").find("strong").text_content())
    assert shown == len(raw)
    assert len(counted) == min(len(raw), 500)
    # and its CSV download carries every counted vote
    csv_link = vp.xpath('//a[contains(@href, "table=votes") and contains(@href, "format=csv")]')
    dl = client.get(csv_link[0].get("href"))
    assert dl.status_code == 200 and "attachment" in dl.headers["content-disposition"]
    df = pd.read_csv(io.StringIO(dl.text))
    assert int(df["counted"].sum()) == len(raw)


def test_event_cell_opens_its_events(client, shared_data):
    r = client.get(PAIR_URL)
    table = doc(r.text).get_element_by_id("event-indicators")
    headers = [th.text_content() for th in table[0]]
    col = headers.index("verbal_coop")
    rows = [tr for tr in table[1:] if tr[0].text_content() == "RUS–CHN"]
    assert rows
    # independent count over the raw export files (tab-separated, no header)
    frames = [pd.read_csv(f, sep="\t", header=None, dtype=str, usecols=[0, 1, 7, 17, 29],
                          keep_default_na=False) for f in gdelt_files(shared_data)]
    raw = pd.concat(frames).drop_duplicates(subset=[0])
    pair = raw[((raw[7] == "RUS") & (raw[17] == "CHN")) | ((raw[7] == "CHN") & (raw[17] == "RUS"))]
    checked = 0
    for tr in rows:
        year = tr[1].text_content()
        want = pair[(pair[1].str[:4] == year) & (pair[29] == "1")]
        cell = tr[col]
        link = cell.find("a")
        if link is None:
            assert cell.text_content() in ("0", "—")
            continue
        assert int(link.text_content()) == len(want)
        ev = client.get(link.get("href"))
        assert ev.status_code == 200
        page = doc(ev.text)
        assert int(page.get_element_by_id("event-count").find("strong").text_content()) == len(want)
        ids = {tr2[0].text_content() for tr2 in page.get_element_by_id("events")[1:]}
        assert ids == set(want[0])
        checked += 1
    assert checked


def test_material_figure_opens_its_source_rows(client, shared_data):
    table = doc(client.get(PAIR_URL).text).get_element_by_id("material-latest")
    heads = [th.text_content() for th in table[0]]
    row = next(tr for tr in table[1:] if [tr[heads.index(k)].text_content() for k in
                                          ("indicator", "dyad", "direction")]
               == ["tiv", "RUS–CHN", "RUS→CHN"])
    year = int(row[heads.index("year")].text_content())
    link = row[heads.index("value")].find("a")
    # independent: SIPRI's per-delivery-year register summed by supplier, recipient and year
    raw = pd.read_csv(shared_data / "arms_sipri" / "trade_register.csv", skiprows=11)
    raw.columns = [c.strip().rstrip(";") for c in raw.columns]
    sel = raw[(raw["Supplier"] == "Russia") & (raw["Recipient"] == "China")
              & (raw["Delivery year"] == year)]
    want = pd.to_numeric(sel["TIV delivery values"]).sum()
    assert float(link.text_content().replace(",", "")) == pytest.approx(want, abs=0.5)
    page = client.get(link.get("href"))
    assert page.status_code == 200
    rows = json.loads(client.get(page.url.path + "?" + page.url.query.decode()
                                 + "&format=json&table=rows").text)
    mine = [r for r in rows if r["year"] == year and r["direction"] == "RUS→CHN"]
    assert len(mine) == 1 and mine[0]["value"] == pytest.approx(want, abs=1e-6)
    assert len(mine[0]["rows"]) == len(sel)  # one source row id per deal delivered that year
    assert len(doc(page.text).get_element_by_id("deals")) > 1  # the deals themselves


def test_joint_vetoes_and_absent_ideal_points(client, shared_data):
    page = doc(client.get(PAIR_URL).text)
    raw = pd.read_csv(shared_data / "unga" / "unsc-vetoes-2022" / "unsc_vetoes_1946_sept2022.csv")
    both = raw[raw["year"].between(*VOTE_YEARS) & (raw["China"] == 1)
               & ((raw["Russia"] == 1) | (raw["USSR"] == 1))]
    assert int(page.get_element_by_id("joint-vetoes").text_content()) == len(both) > 0
    # ideal points are not in the test store: the section says how to load them, no figure
    missing = page.xpath('//section[@id="votes"]//p[@class="missing-pillar"]')
    assert any("[E218]" in p.text_content() and "bilat fetch idealpoints" in p.text_content()
               for p in missing)


def test_readout_counts_open_their_claims_and_texts(client):
    r = client.get(PAIR_URL)
    page = doc(r.text)
    tables = page.xpath('//table[@class="readout-counts"]')
    assert tables, "the stored readout pair is compared on the pair page"
    headers = [th.text_content() for th in tables[0][0]]
    row = tables[0][1]
    cell = row[headers.index("unconfirmed attribution")].find("a")
    n = int(cell.text_content())
    rd = client.get(cell.get("href"))
    assert rd.status_code == 200
    rp = doc(rd.text)
    listed = rp.get_element_by_id("claim-list")[1:] if n else []
    side = row[1].text_content()
    assert len([tr for tr in listed if tr[1].text_content() == side]) == n
    # both texts side by side, every highlighted claim is text[start:end] of its document
    claims = client.get(rd.url.path + "?" + rd.url.query.decode() + "&format=json&table=claims")
    data = json.loads(claims.text)
    texts = {p.read_text(encoding="utf-8") for p, _ in READOUTS}
    by_doc = {hashlib.sha256(t.encode()).hexdigest()[:16]: t for t in texts}
    assert {c["doc_id"] for c in data} == set(by_doc)
    for c in data:
        assert by_doc[c["doc_id"]][c["start"]:c["end"]] == c["text"]
    sections = rp.xpath('//div[@id="texts"]/section')
    assert len(sections) == 2
    # the shipped test texts are not genuine published readouts: the page says so
    banner = rp.get_element_by_id("unverified").text_content()
    assert all(i in banner for i in by_doc)


def test_compare_form_redirects_to_a_stable_address(client):
    a = (TEXTS / "aug2021_chn_en.txt").read_text(encoding="utf-8")
    b = (TEXTS / "aug2021_rus_en.txt").read_text(encoding="utf-8") + "\nEdited copy.\n"
    r = client.post("/compare", data={"side1": "CHN", "side2": "russia", "date": "2021-08-25",
                                      "text1": a, "text2": b})
    assert r.status_code == 303
    ida = hashlib.sha256(a.encode()).hexdigest()[:16]
    idb = hashlib.sha256(b.encode()).hexdigest()[:16]
    assert r.headers["location"] == (f"/readouts?doc={ida}&doc={idb}&side=CHN&side=RUS"
                                     "&date=2021-08-25")
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and "held in this server" in page.text
    # an upload works the same way
    files = {"file1": ("cn.txt", a.encode(), "text/plain"),
             "file2": ("ru.txt", b.encode(), "text/plain")}
    r2 = client.post("/compare", data={"side1": "CHN", "side2": "RUS"}, files=files)
    assert r2.status_code == 303 and ida in r2.headers["location"]


def test_document_text_is_escaped(client):
    hostile = (TEXTS / "hostile.txt").read_text(encoding="utf-8")
    assert "<script>" in hostile
    other = (TEXTS / "aug2021_rus_en.txt").read_text(encoding="utf-8")
    r = client.post("/compare", data={"side1": "CHN", "side2": "RUS", "text1": hostile,
                                      "text2": other, "force": "1"})
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_lineage_of_stored_statements(client):
    listing = doc(client.get("/lineage").text)
    ids = [i.get("value") for i in listing.xpath('//form[@id="lineage-form"]//input[@name="doc"]')]
    assert len(ids) == len(STATEMENTS)
    r = client.get("/lineage?" + "&".join(f"doc={i}" for i in ids) + "&watch=ukraine")
    assert r.status_code == 200
    page = doc(r.text)
    rows = page.get_element_by_id("lineage-claims")[1:]
    newest = STATEMENTS[-1][0].read_text(encoding="utf-8")
    for tr in rows:  # every quoted claim is a span of the newest statement
        quote = tr[1].text_content().split("] ", 1)[1]
        assert quote in newest
    data = json.loads(client.get(r.url.path + "?" + r.url.query.decode()
                                 + "&format=json&table=claims").text)
    assert len(data) == len(rows)
    for c in data:
        assert newest[c["start"]:c["end"]] == c["quote"]


@pytest.mark.parametrize(("url", "status", "code"), [
    ("/pair?a=RUS&b=XYZQ", 400, "E008"),
    ("/pair?a=RUS&b=rus", 422, "E116"),
    ("/pair?a=RUS&b=CHN&years=2019-2010", 400, "E224"),  # earlier year first (votes)
    ("/votes?a=RUS", 400, "E701"),
    ("/events?a=RUS&b=CHN&at=2019-13&period=month", 400, "E113"),
    ("/events?a=RUS&b=CHN&at=2019&period=decade", 400, "E012"),
    ("/documents/0123456789abcdef", 404, "E306"),
    ("/documents/..%2F..%2Fetc%2Fpasswd", 404, "E700"),
    ("/documents/..passwd", 400, "E702"),
    ("/readouts?doc=../../etc/passwd&doc=abcd", 400, "E702"),
    ("/lineage?doc=%2Fetc%2Fpasswd&doc=abcd", 400, "E702"),
    ("/?format=xml&table=tables", 400, "E012"),
    ("/?format=csv&table=secrets", 404, "E708"),
    ("/no/such/page", 404, "E700"),
    ("/documents/add", 403, "E705"),
])
def test_errors_are_one_line_with_the_fitting_status(client, url, status, code):
    r = client.get(url)
    assert r.status_code == status
    line = error_line(r)
    assert line.startswith(f"[{code}]") and "\n" not in line
    assert "root:" not in r.text and "Traceback" not in r.text


def test_no_parameter_reads_a_file(client):
    for url in ("/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                "/documents/etc?start=0&end=10"):
        r = client.get(url)
        assert r.status_code in (400, 404)
        assert "root:x:0" not in r.text


def test_uploads_limited_and_type_checked(web_store):
    app = create_app(web_store, max_upload=2000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = TestClient(app, follow_redirects=False)
    try:
        big = c.post("/compare", data={"side1": "CHN", "side2": "RUS", "text1": "x" * 5000,
                                       "text2": "y"})
        assert big.status_code == 413 and error_line(big).startswith("[E703]")
        bad = c.post("/compare", data={"side1": "CHN", "side2": "RUS"},
                     files={"file1": ("a.png", b"\x89PNG....", "image/png"),
                            "file2": ("b.txt", b"text", "text/plain")})
        assert bad.status_code == 415 and error_line(bad).startswith("[E704]")
        exe = c.post("/compare", data={"side1": "CHN", "side2": "RUS"},
                     files={"file1": ("a.txt", b"MZ\x00\x01\x02\x03\x04\x05" * 20, "text/plain"),
                            "file2": ("b.txt", b"text", "text/plain")})
        assert exe.status_code == 415 and error_line(exe).startswith("[E302]")
        cross = c.post("/compare", data={"side1": "CHN"},
                       headers={"origin": "https://evil.example"})
        assert cross.status_code == 403 and error_line(cross).startswith("[E709]")
        same = c.post("/compare", data={"side1": "CHN", "side2": "RUS", "text1": "a",
                                        "text2": "a"})
        assert same.status_code == 422 and error_line(same).startswith("[E314]")
        wrong = c.post("/pair")
        assert wrong.status_code == 405 and error_line(wrong).startswith("[E711]")
    finally:
        app.state.ws.close()


def test_host_header_must_name_this_server(web_store):
    app = create_app(web_store, hosts=["127.0.0.1:8765"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            c = TestClient(app, base_url="http://127.0.0.1:8765")
        assert c.get("/documents").status_code == 200
        r = c.get("/documents", headers={"host": "attacker.example:8765"})
        assert r.status_code == 400 and "[E710]" in r.text
    finally:
        app.state.ws.close()


def test_store_is_opened_read_only(client, web_store):
    before = file_hash(web_store)
    for url in ("/", PAIR_URL, "/documents", "/lineage"):
        assert client.get(url).status_code == 200
    ws = client.app_state.ws
    with ws.use() as st, pytest.raises(duckdb.Error):
        st.con.execute("CREATE TABLE bilat_store.main.intruder (x INTEGER)")
    assert file_hash(web_store) == before


def test_allow_add_stores_documents(tmp_path):
    from bilat.store import open_store

    path = tmp_path / "add.duckdb"
    open_store(path).close()
    app = create_app(path, allow_add=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = TestClient(app, follow_redirects=False)
    try:
        text = (TEXTS / "aug2021_chn_en.txt").read_text(encoding="utf-8")
        r = c.post("/documents/add", data={"text": text, "side": "CHN", "date": "2021-08-25",
                                           "kind": "readout", "title": "Xi–Putin call"})
        assert r.status_code == 303
        doc_id = hashlib.sha256(text.encode()).hexdigest()[:16]
        assert r.headers["location"] == f"/documents/{doc_id}"
        shown = c.get(r.headers["location"])
        assert shown.status_code == 200 and "Xi–Putin call" in shown.text
        listing = c.get("/documents?format=json&table=documents")
        assert [d["doc_id"] for d in json.loads(listing.text)] == [doc_id]
        bad = c.post("/documents/add", data={"text": text, "side": "XYZQ"})
        assert bad.status_code == 400 and error_line(bad).startswith("[E008]")
    finally:
        app.state.ws.close()
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchall()[0][0] == 1
    finally:
        con.close()
