"""Comparing runs of different sizes: counts become rates (per 100,000 citizens, and per year for
events), and the page says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from dashboard_server import CHROMIUM, CHROMIUM_ARGS, make_run, serve
from fastapi.testclient import TestClient

from credsim.web.app import create_app
from credsim.web.compare import EVENTS, LEVEL, PEOPLE, SIZE, unit_of

# The same system at two sizes: a 100,000 x 365 run and a 20,000 x 90 run with the same rates.
BIG = {"citizens": 100_000, "days": 365, "acts_total": 3_650_000, "sanctioned": 1000}
BIG |= {"wrongful_sanction_days": 36_500, "score_mean": 990.0, "grade_shares": {"A": 0.9}}
SMALL = {"citizens": 20_000, "days": 90, "acts_total": 180_000, "sanctioned": 200}
SMALL |= {"wrongful_sanction_days": 1800, "score_mean": 980.0, "grade_shares": {"A": 0.8}}


@pytest.fixture()
def runs_dir(tmp_path) -> Path:
    runs = tmp_path / "runs"
    make_run(runs / "big", **BIG)
    make_run(runs / "small", **SMALL)
    make_run(runs / "big-again", **{**BIG, "sanctioned": 1100})
    return runs


def _compare(runs_dir: Path, a: str, b: str) -> dict:
    with TestClient(create_app(runs_dir), base_url="http://127.0.0.1") as client:
        response = client.get("/api/compare", params={"a": a, "b": b})
    assert response.status_code == 200
    return response.json()


def test_runs_of_different_sizes_are_compared_as_rates(runs_dir):
    body = _compare(runs_dir, "big", "small")
    assert body["scaled"] is True
    assert "100,000 citizens over 365 days" in body["note"]
    assert "20,000 citizens over 90 days" in body["note"]
    assert "rates" in body["note"]
    rows = {row["figure"]: row for row in body["figures"]}
    # raw counts differ 20- to 80-fold; as rates the two runs are the same
    for figure, unit in [
        ("acts_total", EVENTS),
        ("wrongful_sanction_days", EVENTS),
        ("sanctioned", PEOPLE),
    ]:
        row = rows[figure]
        assert row["unit"] == unit
        assert row["a_rate"] == pytest.approx(row["b_rate"])
        assert row["ratio"] == pytest.approx(1.0)
        assert row["difference"] == pytest.approx(0.0, abs=1e-6)
    assert rows["acts_total"]["a_rate"] == pytest.approx(3_650_000)  # per 100,000 a year
    assert rows["sanctioned"]["b_rate"] == pytest.approx(1000)  # per 100,000
    assert rows["sanctioned"]["a"] == 1000 and rows["sanctioned"]["b"] == 200  # raw kept
    # means and shares as they are; the sizes themselves as they are
    assert rows["score_mean"]["unit"] == LEVEL
    assert rows["score_mean"]["difference"] == pytest.approx(-10.0)
    assert rows["grade_shares.A"]["ratio"] == pytest.approx(0.8 / 0.9)
    assert rows["citizens"]["unit"] == SIZE and rows["citizens"]["difference"] == -80_000


def test_runs_of_the_same_size_are_compared_as_they_are(runs_dir):
    body = _compare(runs_dir, "big", "big-again")
    assert body["scaled"] is False and "as they are" in body["note"]
    row = {r["figure"]: r for r in body["figures"]}["sanctioned"]
    assert row["difference"] == 100 and row["ratio"] == pytest.approx(1.1)


@pytest.mark.parametrize(
    ("figure", "unit"),
    [
        ("listed_total", EVENTS),
        ("blocked_flights", EVENTS),
        ("by_year.2020.acts", EVENTS),
        ("sanctioned_wrongful", PEOPLE),
        ("by_year.2020.sanctioned", PEOPLE),
        ("perks.bike_deposit_free.people", PEOPLE),
        ("breach_people_exposed", PEOPLE),
        ("policies.sesame.score_gini", LEVEL),
        ("speech_sensitive_held_back_share", LEVEL),
        ("by_year.2020.score_mean.rongcheng", LEVEL),
        ("trust_index", LEVEL),
        ("days", SIZE),
        ("by_year.2020.days", SIZE),
    ],
)
def test_each_figure_has_the_unit_it_is_compared_in(figure, unit):
    assert unit_of(figure) == unit


@pytest.fixture(scope="module")
def page_on_two_sizes(tmp_path_factory) -> Iterator:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)")
    runs = tmp_path_factory.mktemp("sizes") / "runs"
    make_run(runs / "big", **BIG)
    make_run(runs / "small", **SMALL)
    with serve(runs) as base, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        page.goto(base + "/")
        page.wait_for_selector("body[data-ready=form]")
        page.wait_for_selector("body[data-runs-ready]")
        yield page
        browser.close()


def test_the_page_says_that_runs_of_different_sizes_are_compared_as_rates(page_on_two_sizes):
    page = page_on_two_sizes
    page.select_option("#compare-a", "big")
    page.select_option("#compare-b", "small")
    page.click("#compare-button")
    note = page.locator("#compare-note")
    note.wait_for()
    assert note.get_attribute("data-scaled") == "true"
    assert "compared as rates" in note.text_content()
    assert "per 100,000 citizens a year" in note.text_content()
    header = page.locator('#compare [data-table="figures"] thead').text_content()
    assert "unit" in header and "A rate" in header and "B rate" in header
    row = page.locator('#compare [data-table="figures"] tr', has_text="acts_total")
    assert "per 100,000 citizens a year" in row.text_content()
    assert "3,650,000" in row.text_content()


def test_the_pages_own_requests_pass_the_origin_check(page_on_two_sizes):
    # The page's POST carries its own Origin: it reaches validation (422 beside the field),
    # not the cross-origin refusal (403).
    page = page_on_two_sizes
    page.locator('#run-form [data-key="population.size"]').fill("-5")
    page.click("#start")
    error = page.locator('[data-error-for="population.size"]')
    error.wait_for(state="visible")
    assert "greater than or equal to 1" in error.text_content()
    assert page.locator("#form-error").text_content() == ""
