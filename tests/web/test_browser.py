"""The web app in a real browser: Debian's Chromium driven by Playwright.

The app runs in-process (uvicorn in a thread) on a free loopback port. Every request the
browser makes to anything but that address is aborted and recorded; each test ends by
asserting none happened and that the console logged no error. Screenshots go to the test's
temporary folder (and to ``$BILAT_SCREENSHOTS`` when set, e.g. docs/screenshots).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.web.conftest import PAIR_URL, TEXTS, VOTE_YEARS

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium package (.ci/run does)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watch:
    """A page plus what it did wrong: console errors, page errors, external requests."""

    def __init__(self, page: Page, base: str, shots: Path) -> None:
        self.page, self.base, self.shots = page, base, shots
        self.errors: list[str] = []
        self.external: list[str] = []
        self.report: list[str] = []

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path, wait_until="load")

    def shot(self, name: str) -> Path:
        target = self.shots / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        extra = os.environ.get("BILAT_SCREENSHOTS")
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            height = min(1500, self.page.evaluate("document.body.scrollHeight"))
            self.page.screenshot(path=str(Path(extra) / f"{name}.png"), full_page=True,
                                 clip={"x": 0, "y": 0, "width": 1360, "height": height})
        return target

    def clean(self) -> None:
        assert self.external == [], f"requests left this machine: {self.external}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture()
def web(browser: Any, server: Any, tmp_path: Path) -> Iterator[Watch]:
    ctx = browser.new_context(viewport={"width": 1360, "height": 900})
    page = ctx.new_page()
    w = Watch(page, server.url, tmp_path)

    def route(r: Any) -> None:
        url = r.request.url
        if not (url == w.base or url.startswith(w.base + "/")):
            w.external.append(url)
            r.abort()
        elif "/report?" in url:
            # the partnership report is checked on its own (it takes a while to compute)
            w.report.append(url)
            r.fulfill(status=200, content_type="text/html", body="<p>report</p>")
        else:
            r.continue_()

    ctx.route("**/*", route)
    page.on("console", lambda m: w.errors.append(f"{m.type}: {m.text}") if m.type == "error"
            else None)
    page.on("pageerror", lambda e: w.errors.append(f"page error: {e}"))
    yield w
    ctx.close()


def _int(text: str) -> int:
    return int(text.strip().replace(",", ""))


def test_home_to_pair_to_the_votes_behind_a_figure(web: Watch) -> None:
    r = web.goto("/")
    assert r.status == 200
    assert web.page.locator("#coverage tr").count() > 3
    web.shot("home")
    # choose the pair, yardstick and years in the page
    web.page.fill("input[name=a]", "Russia")
    web.page.fill("input[name=b]", "chn")
    web.page.fill("input[name=refs]", "USA-GBR")
    web.page.fill("input[name=years]", f"{VOTE_YEARS[0]}-{VOTE_YEARS[1]}")
    with web.page.expect_navigation(timeout=180_000):
        web.page.click("form[action='/pair'] button")
    assert "a=Russia" in web.page.url
    assert web.page.locator("h1").inner_text().startswith("RUS–CHN")
    assert web.page.locator("#votes-summary").is_visible()
    web.shot("pair")
    assert web.page.locator("iframe.report").count() in (0, 1)
    # click the number of common votes of RUS–CHN: the vote list behind it
    link = web.page.locator("#votes-summary tr:nth-child(2) td:nth-child(3) a")
    n = _int(link.inner_text())
    link.click()
    web.page.wait_for_selector("#votes")
    assert _int(web.page.locator("#counted-note strong").inner_text()) == n
    assert web.page.locator("#votes tr.counted").count() == min(n, 500)
    web.shot("votes")
    web.clean()


def test_chart_point_and_event_cell_open_their_evidence(web: Watch) -> None:
    r = web.goto(PAIR_URL)
    assert r.status == 200
    # a point of the vote chart is a link to that year's votes
    point = web.page.locator("#chart-kappa g.mark-symbol a").first
    point.click()
    web.page.wait_for_selector("#votes")
    year = re.search(r"years=(\d{4})", web.page.url)
    assert year and VOTE_YEARS[0] <= int(year.group(1)) <= VOTE_YEARS[1]
    web.page.go_back()
    # an event count opens the events behind it, with their source URLs
    cell = web.page.locator("#event-indicators tr:nth-child(2) td:nth-child(3) a")
    n = _int(cell.inner_text())
    cell.click()
    web.page.wait_for_selector("#events")
    assert _int(web.page.locator("#event-count strong").inner_text()) == n
    assert web.page.locator("#events tr").count() == n + 1
    urls = web.page.locator("#events a.source")
    assert urls.count() > 0 and urls.first.get_attribute("href").startswith("http")
    web.shot("events")
    web.clean()


def test_readout_figure_opens_its_claims_side_by_side(web: Watch) -> None:
    web.goto(PAIR_URL)
    counts = web.page.locator("table.readout-counts").first
    heads = counts.locator("th").all_inner_texts()
    col = heads.index("unconfirmed attribution") + 1
    cell = counts.locator(f"tr:nth-child(2) td:nth-child({col}) a")
    n = _int(cell.inner_text())
    side = counts.locator("tr:nth-child(2) td:nth-child(2)").inner_text()
    cell.click()
    web.page.wait_for_selector("#texts")
    assert web.page.locator("#texts section.doc").count() == 2
    rows = web.page.locator("#claim-list tr")
    listed = [t for t in rows.locator("td:nth-child(2)").all_inner_texts() if t == side]
    assert len(listed) == n
    if n:
        link = web.page.locator("#claim-list a.claim-link").first
        target = link.get_attribute("href")
        link.click()
        assert web.page.url.endswith(target)
        assert web.page.locator(target).is_visible()
    web.shot("readouts")
    web.clean()


def test_readout_form_submits_and_lineage_loads(web: Watch) -> None:
    web.goto("/compare")
    web.page.fill("input[name=side1]", "CHN")
    web.page.fill("input[name=side2]", "RUS")
    web.page.fill("textarea[name=text1]", (TEXTS / "aug2021_chn_en.txt").read_text("utf-8"))
    web.page.fill("textarea[name=text2]", (TEXTS / "aug2021_rus_en.txt").read_text("utf-8"))
    web.page.fill("input[name=date]", "2021-08-25")
    with web.page.expect_navigation():
        web.page.click("#compare-submit")
    err = web.page.locator("#error")
    assert "/readouts?doc=" in web.page.url, err.inner_text() if err.count() else web.page.url
    assert "side=CHN" in web.page.url
    assert web.page.locator("#counts tr").count() == 3
    web.shot("compare")
    # a pasted text that is not a readout: the one-line error on the form, inputs kept
    web.goto("/compare")
    web.page.fill("input[name=side1]", "CHN")
    web.page.fill("input[name=side2]", "XYZQ")
    web.page.fill("textarea[name=text1]", "The two sides agreed to cooperate.")
    web.page.fill("textarea[name=text2]", "Putin thanked Xi.")
    web.page.click("#compare-submit")
    web.page.wait_for_selector("#error")
    assert web.page.locator("#error").inner_text().startswith("[E008]")
    assert web.page.locator("textarea[name=text1]").input_value().startswith("The two sides")
    web.errors = [e for e in web.errors if "status of 400" not in e]  # the page's own status
    # lineage of the stored statements, reached from the pair page
    web.goto(PAIR_URL)
    web.page.click("#lineage-link")
    web.page.wait_for_selector("#lineage-claims")
    assert web.page.locator("#lineage-claims tr").count() > 1
    web.shot("lineage")
    web.clean()


def test_partnership_report_page_runs_offline(browser: Any, tiny_store: Path,
                                              tmp_path: Path) -> None:
    """The report of bilat.assess inside the app: its inlined Vega scripts run under the
    report page's policy, nothing is fetched from elsewhere, no console error."""
    from bilat.web.app import report_available
    from bilat.web.server import ServerThread

    assert report_available()
    with ServerThread(tiny_store) as srv:
        ctx = browser.new_context(viewport={"width": 1360, "height": 900})
        page = ctx.new_page()
        w = Watch(page, srv.url, tmp_path)
        ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(srv.url + "/")
                  else (w.external.append(r.request.url), r.abort()))
        page.on("console", lambda m: w.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: w.errors.append(str(e)))
        page.set_default_timeout(180_000)
        w.goto("/pair?a=RUS&b=CHN&refs=USA-GBR")
        frame = page.frame_locator("iframe.report")
        page.locator("iframe.report").scroll_into_view_if_needed()
        frame.locator("#ach").wait_for()
        assert frame.locator("td.r").count() >= 3  # ACH cells: one rating per item × hypothesis
        w.shot("report")
        ctx.close()
        w.clean()
