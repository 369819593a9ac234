"""The report of real runs: the default scenario (20,000 citizens, 120 days) and the calibrated
national one. It opens offline and shows every plot of the mechanisms the run had switched on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_page import Page, external
from typer.testing import CliRunner

import credsim
from credsim.cli import app
from credsim.report import write_report

ALWAYS = [
    "fig-score-distribution",
    "fig-score-by-group",
    "fig-grade-shares",
    "fig-sanctions",
    "fig-refused-travel",
    "fig-wrongful-by-group",
    "fig-provinces",
    "fig-misattribution-by-source",
    "fig-misattribution-by-group",
    "fig-identity",
    "fig-perks-by-income",
]
"""Figures every default run has: scores, grades, lists, travel, records, identity, perks."""
WHEN = {
    "fig-calibration": lambda s: bool(s.get("calibration")),
    "fig-exclusion": lambda s: "ties_cut" in s,
    "fig-exclusion-over-time": lambda s: bool(s.get("ties_cut_by_day")),
    "fig-gaming-price": lambda s: "points_bought" in s and bool(s.get("gaming_by_income")),
    "fig-gaming-services": lambda s: "points_bought" in s and bool(s.get("gaming_by_service")),
    "fig-trust": lambda s: "trust_index" in s,
    "fig-adversaries": lambda s: any(
        k in s
        for k in (
            "lender_listings",
            "lender_listings_detected",
            "broker_people_exposed_by_group",
            "breach_people_exposed",
            "insider_edits",
        )
    ),
}
"""Figures of mechanisms a scenario may switch on, and the summary keys that say it did."""


def expected_figures(results: credsim.Results) -> set[str]:
    summary = results.summary
    want = set(ALWAYS) | {fid for fid, on in WHEN.items() if on(summary)}
    scenario = results.scenario_text()
    if re.search(r'plugin = "self_censorship"', scenario):
        want.add("fig-self-censorship")
    return want


def page_of(results: credsim.Results) -> tuple[str, Page]:
    text = (results.path / "report.html").read_text(encoding="utf-8")
    return text, Page(text)


def test_default_report_opens_without_network(default_run: credsim.Results) -> None:
    text, page = page_of(default_run)
    assert page.links, "the table of contents links to the sections"
    assert external(page.links) == []
    assert all(link.startswith("#") for link in page.links)
    assert not {"script", "link", "img", "iframe", "object", "embed", "video"} & page.tags
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text)
    assert "@import" not in text and "@font-face" not in text


def test_default_report_shows_every_plot_of_the_mechanisms_switched_on(
    default_run: credsim.Results,
) -> None:
    _, page = page_of(default_run)
    want = expected_figures(default_run)
    assert set(page.figures) == want
    for fid in want:
        figure = page.figures[fid]
        assert figure["svg"], f"{fid} has no plot"
        assert not figure["note"], f"{fid} failed to draw"
        caption = figure["caption"].strip()
        assert len(caption) > 40 and caption.endswith("."), (fid, caption)
    # The default scenario switches self-censorship on: its plot is there.
    assert "fig-self-censorship" in page.figures


def test_default_report_scores_every_policy(default_run: credsim.Results) -> None:
    text, _ = page_of(default_run)
    block = re.search(r'<figure id="fig-score-distribution">(.*?)</figure>', text, re.S)[1]
    policies = list(default_run.summary["policies"])
    assert len(policies) >= 2
    for policy in policies:
        # Each policy is a panel, titled by its name (text drawn as SVG paths is in the comments).
        assert f"{policy} (primary)" in text or f"<td>{policy}</td>" in text
    assert block.count('<g id="score-distribution-axes_') == len(policies)


def test_cases_are_records_of_others_acts(default_run: credsim.Results) -> None:
    text, page = page_of(default_run)
    if default_run.summary["records_misattributed"] == 0:
        pytest.skip("no record named the wrong person in this run")
    assert "sec-cases" in page.sections
    cited = [int(c.replace(",", "")) for c in re.findall(r"<h3>Citizen ([\d,]+)", text)]
    assert 1 <= len(cited) <= 3
    records = default_run.events("records")
    for citizen in cited:
        theirs = records[records["attributed_to"] == citizen]
        assert theirs["true_actor"].ne(citizen).fillna(True).any(), citizen  # null: fabricated


def test_rewriting_the_report_gives_the_same_bytes(default_run: credsim.Results) -> None:
    before = (default_run.path / "report.html").read_bytes()
    assert write_report(default_run.path).read_bytes() == before


def test_report_command_saves_png_and_svg_of_every_figure(
    default_run: credsim.Results, tmp_path: Path
) -> None:
    out = tmp_path / "figures"
    result = CliRunner().invoke(app, ["report", str(default_run.path), "--figures", str(out)])
    assert result.exit_code == 0, result.output
    _, page = page_of(default_run)
    for fid in page.figures:
        slug = fid.removeprefix("fig-")
        assert (out / f"{slug}.png").read_bytes()[:4] == b"\x89PNG"
        assert (out / f"{slug}.svg").stat().st_size > 1000


def test_national_report_sets_headlines_beside_published_figures(
    national_run: credsim.Results,
) -> None:
    text, page = page_of(national_run)
    assert page.figures["fig-calibration"]["svg"]
    assert not page.figures["fig-calibration"]["note"]
    section = re.search(r'<section id="sec-calibration">(.*?)</section>', text, re.S)[1]
    for name, target in national_run.summary["calibration"].items():
        assert name.replace("_", " ") in section
        assert f"{target['published']:,.0f}" in section
        assert f"×{target['ratio']:.2f}" in section
