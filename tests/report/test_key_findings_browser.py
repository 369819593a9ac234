"""A reader opens the report of a small default run in a real browser (Playwright driving
Debian's Chromium): the key findings come first, and every number they quote is the figure of
summary.json that the span names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credsim.results.findings import (
    count_text,
    derived_value,
    rate_text,
    share_text,
    whole_text,
)

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]  # fmt: skip

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)",
)


def test_the_key_findings_open_the_report_and_quote_summary_json(default_run):
    summary = json.loads((default_run.path / "summary.json").read_text(encoding="utf-8"))
    findings = summary["key_findings"]
    assert findings and summary["sanctioned_wrongful"] is not None
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto((default_run.path / "report.html").as_uri())
            sections = page.locator("section").evaluate_all("els => els.map(e => e.id)")
            assert sections[:2] == ["sec-findings", "sec-headline"]
            paragraphs = page.locator("#key-findings p.finding")
            assert paragraphs.count() == len(findings)
            first = paragraphs.nth(0)
            assert first.get_attribute("data-finding") == "wrongfully-sanctioned"
            assert first.inner_text() == findings[0]["text"]
            spans = page.locator("#key-findings span.figure").evaluate_all(
                "els => els.map(e => [e.dataset.key, e.textContent])"
            )
        finally:
            browser.close()
    assert spans[0] == ["sanctioned_wrongful", f"{summary['sanctioned_wrongful']:,}"]
    assert len(spans) == sum(len(f["figures"]) for f in findings)
    for key, shown in spans:
        value = derived_value(summary, key)
        assert value is not None, key
        written = {write(value) for write in (count_text, whole_text, share_text, rate_text)}
        assert shown in written, (key, shown, value)
