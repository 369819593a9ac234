"""The dashboard in a real browser (Playwright driving Debian's Chromium): start a run and watch
it progress to its results, see a form error beside its field, look up a dossier, compare."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_server import CHROMIUM, CHROMIUM_ARGS, get_json

from credsim.results import Results

pytest.importorskip("fastapi")
sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium); "
    ".ci/run does so",
)
TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server + "/")
    page.wait_for_selector("body[data-ready=form]")
    page.wait_for_selector("body[data-runs-ready]")
    page.requested = requested  # type: ignore[attr-defined]
    yield page
    context.close()


def _field(page, key: str):
    return page.locator(f'#run-form [data-key="{key}"]')


def test_a_small_run_shows_progress_then_its_results(page, live_server):
    assert page.locator("#scenario option").count() >= 2
    _field(page, "population.size").fill("2000")
    _field(page, "days").fill("20")
    page.click("#start")
    detail = page.locator("#run-detail")
    detail.wait_for(state="visible")
    # progress: the page shows the run's day (or that it is writing its results) as it goes
    sync_api.expect(page.locator("#detail-phase")).to_have_text(
        re.compile(r"day \d+ of 20|writing results"), timeout=TIMEOUT_MS
    )
    progress = float(page.locator("#detail-progress").get_attribute("value") or 0)
    assert 0 < progress <= 1
    page.wait_for_selector("#run-detail[data-status=done]", timeout=TIMEOUT_MS)
    run_id = page.locator("#detail-id").text_content()
    row = page.locator(f'#runs tr[data-run-id="{run_id}"]')
    assert row.get_attribute("data-status") == "done"
    headline = page.locator("#headline")
    # the headline is filled from the run's summary, fetched once the run is done
    sync_api.expect(headline).to_contain_text("Citizens", timeout=TIMEOUT_MS)
    assert "2,000" in headline.text_content()
    report = page.frame_locator("#report")
    report.locator("h1").wait_for()
    assert report.locator("svg").count() >= 1  # the report's figures
    run = get_json(f"{live_server}/api/runs/{run_id}")
    assert run["summary"]["citizens"] == 2000 and run["summary"]["days"] == 20
    origin = live_server.rstrip("/")
    assert all(url.startswith(origin) for url in page.requested), page.requested


def test_a_bad_value_is_shown_beside_its_field(page, live_server):
    before = len(get_json(f"{live_server}/api/runs"))
    _field(page, "population.size").fill("-5")
    page.click("#start")
    error = page.locator('.field[data-field="population.size"] [data-error-for="population.size"]')
    error.wait_for(state="visible")
    assert "population.size" in error.text_content()
    assert "greater than or equal to 1" in error.text_content()
    assert "invalid" in (_field(page, "population.size").get_attribute("class") or "")
    assert page.locator("#form-error").text_content() == ""
    # a plug-in's own parameter, inside its collapsed group
    _field(page, "population.size").fill("2000")
    page.click("#params summary")
    page.fill("#param-filter", "rongcheng.opacity")
    _field(page, "policies.rongcheng.opacity").fill("sometimes")
    page.click("#start")
    error = page.locator('[data-error-for="policies.rongcheng.opacity"]')
    error.wait_for(state="visible")
    assert "policies.rongcheng.opacity" in error.text_content()
    assert len(get_json(f"{live_server}/api/runs")) == before  # nothing was queued


def test_dossier_lookup_shows_the_citizens_records_and_statement(page, finished_runs):
    results = Results(Path(finished_runs) / "seed1")
    counts = results.events("records")["attributed_to"].value_counts()
    citizen = int(counts.index[0])
    page.click('#runs tr[data-run-id="seed1"]')
    page.wait_for_selector("#run-detail[data-results=seed1]")
    page.fill("#citizen", str(citizen))
    page.click("#lookup")
    records = page.locator('#dossier details[data-table="records"] summary')
    records.wait_for()
    assert re.search(rf": {int(counts.iloc[0]):,}\b", records.text_content())
    # the truth behind each record, which the simulated system never shows
    mine = results.events("records", citizen)
    wrong = int(((mine["true_actor"] != citizen) & (mine["true_actor"] >= 0)).sum())
    cells = page.locator('#dossier details[data-table="records"] td.truth-misattributed')
    assert cells.count() == wrong
    head = page.locator("#dossier .dossier-head").text_content()
    statement = results.statement(citizen, truth=True)
    assert f"Citizen {citizen}" in head and f"final {statement['final']:,}" in head
    page.fill("#citizen", "99999")
    page.click("#lookup")
    error = page.locator("#dossier-error")
    error.wait_for(state="visible")
    assert "0 to 1999" in error.text_content()


def test_two_runs_compare_side_by_side(page):
    page.select_option("#compare-a", "seed1")
    page.select_option("#compare-b", "seed2")
    page.click("#compare-button")
    differences = page.locator('#compare [data-table="differences"]')
    differences.wait_for()
    assert "seed" in differences.text_content()
    figures = page.locator('#compare [data-table="figures"]').text_content()
    assert "acts_total" in figures and "sanctioned_wrongful" in figures
