"""Screenshots of the dashboard and of a run's report.html for docs/images (not a test).

    python3 tests/web/screenshots.py docs/images

Starts `credsim serve` on a free loopback port over a temporary runs folder, drives Debian's
Chromium with Playwright through a run, a form error, a dossier and a comparison, and saves PNGs.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from dashboard_server import CHROMIUM, CHROMIUM_ARGS, get_json, post_json, serve, wait_for
from playwright.sync_api import sync_playwright

from credsim.results import Results

RUN = {"population": 20_000, "days": 120}
ERRORS = {
    "sources.courts.records.court_judgment.misattribution_rate": "0.05",
    "behavior.citizens.acts.loan_default.rate": "1e-4",
}
"""Raised error and default rates, so the screenshots show wrongful sanctions."""


def _start_run(page, seed: int) -> str:
    page.fill('#run-form [data-key="population.size"]', str(RUN["population"]))
    page.fill('#run-form [data-key="days"]', str(RUN["days"]))
    page.fill('#run-form [data-key="seed"]', str(seed))
    page.fill("#overrides", "\n".join(f"{k}={v}" for k, v in ERRORS.items()))
    page.click("#start")
    page.wait_for_selector("#run-detail[data-status]", timeout=120_000)
    return page.locator("#detail-id").text_content() or ""


def _shoot(browser, base: str, runs: Path, out: Path) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready=form]")
    first = _start_run(page, seed=1)
    # a second run to compare with, started through the API: it waits for the first
    other = {"scenario": "default", "seed": 2, **RUN, "set": ERRORS}
    second = post_json(f"{base}/api/runs", other)[1]["id"]
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:  # wait until the run is well under way
        run = get_json(f"{base}/api/runs/{first}")
        if run["status"] != "running" or run["progress"] > 0.3:
            break
        page.wait_for_timeout(200)
    page.wait_for_timeout(600)
    page.screenshot(path=str(out / "dashboard-progress.png"))
    wait_for(base, first, ("done",), 900)
    wait_for(base, second, ("done",), 900)
    page.wait_for_selector("#run-detail[data-results]", timeout=60_000)
    page.frame_locator("#report").locator("h1").wait_for()
    page.screenshot(path=str(out / "dashboard-results.png"))
    # a dossier: a citizen with a court judgment that was someone else's
    records = Results(runs / first).events("records")
    wrong = records[records["true_actor"] != records["attributed_to"]]
    judged = wrong[wrong["kind"].astype(str) == "court_judgment"]
    pool = judged if len(judged) else wrong if len(wrong) else records
    citizen = int(pool["attributed_to"].value_counts().index[0])
    page.fill("#citizen", str(citizen))
    page.click("#lookup")
    page.wait_for_selector("#dossier .dossier-head")
    page.evaluate("document.querySelector('#dossier-form').scrollIntoView({block: 'start'})")
    page.screenshot(path=str(out / "dashboard-dossier.png"))
    page.select_option("#compare-a", first)
    page.select_option("#compare-b", second)
    page.click("#compare-button")
    page.wait_for_selector('#compare [data-table="figures"]')
    page.locator("#compare-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(out / "dashboard-compare.png"))
    page.evaluate("window.scrollTo(0, 0)")
    page.click("#params summary")
    page.fill("#param-filter", "misattribution")
    page.screenshot(path=str(out / "dashboard-parameters.png"))
    page.fill("#param-filter", "")
    page.click("#params summary")
    page.fill('#run-form [data-key="population.size"]', "-5")
    page.click("#start")
    page.wait_for_selector('[data-error-for="population.size"]:not(:empty)')
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(out / "dashboard-form-error.png"))
    report = browser.new_page(viewport={"width": 1100, "height": 1400})
    report.goto(f"{base}/api/runs/{first}/files/report.html")
    figure = report.locator("figure")
    if figure.count():
        figure.first.evaluate("node => { node.scrollIntoView(); window.scrollBy(0, -90); }")
    report.screenshot(path=str(out / "report.png"))


def main(out: Path) -> None:
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is absent: apt-get install chromium")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        runs = Path(tmp) / "runs"
        with serve(runs) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            _shoot(browser, base, runs, out)
            browser.close()
    for name in sorted(p.name for p in out.glob("*.png")):
        print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images"))
