"""The report page in a real browser (Debian's chromium, headless): drawn, no script errors,
no external requests, the ACH matrix present; a screenshot is taken."""

from __future__ import annotations

from pathlib import Path

from bilat.assess import report
from bilat.report.report_html import save_report
from tests.assess.synthetic import build

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def test_report_renders_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), "chromium is not installed (apt-get install chromium)"
    st = build("H3")
    rep = report(st, "RUS", "CHN", pillars=["votes", "readouts"])
    save_report(rep, tmp_path)
    st.close()
    errors: list[str] = []
    external: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:"))
                else external.append(r.url))
        page.goto((tmp_path / "index.html").as_uri())
        page.wait_for_selector(".chart svg", timeout=20000)
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        n_rows = page.locator("#ach-matrix tr").count()
        n_cells = page.locator("#ach-matrix td.r a").count()
        charts = page.locator(".chart svg").count()
        lead = page.locator(".rank div.lead b").first.inner_text()
        banner = page.locator("#unverified-banner").is_visible()
        browser.close()
    assert errors == []
    assert external == []
    assert n_rows == len(rep.ach.rows) + 3  # header, the items, two score rows
    assert n_cells == 3 * len(rep.ach.rows)
    assert charts >= 2
    assert lead == rep.ach.scores.ranking[0]
    assert banner
    assert shot.stat().st_size > 20_000
