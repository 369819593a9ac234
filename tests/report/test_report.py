"""The HTML report of a synthetic run directory: self-contained, sectioned, deterministic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from report_fixtures import MECHANISMS, make_run_dir
from report_page import Page, external

from credsim.report import SECTIONS, write_report

BASE_FIGURES = [
    "fig-score-distribution",
    "fig-score-by-group",
    "fig-grade-shares",
    "fig-sanctions",
    "fig-refused-travel",
    "fig-wrongful-by-group",
    "fig-misattribution-by-source",
    "fig-misattribution-by-group",
    "fig-self-censorship",
]
MECHANISM_FIGURES = [
    "fig-exclusion",
    "fig-gaming-price",
    "fig-gaming-services",
    "fig-trust",
    "fig-adversaries",
]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, str, Page]:
    """The synthetic run without optional mechanisms, its report written once."""
    run_dir = make_run_dir(tmp_path_factory.mktemp("base"))
    text = write_report(run_dir).read_text(encoding="utf-8")
    return run_dir, text, Page(text)


@pytest.fixture(scope="module")
def mech(tmp_path_factory) -> tuple[Path, str, Page]:
    """The synthetic run with exclusion, gaming, trust and adversaries, its report written once."""
    run_dir = make_run_dir(tmp_path_factory.mktemp("mech"), extra=MECHANISMS)
    text = write_report(run_dir).read_text(encoding="utf-8")
    return run_dir, text, Page(text)


def test_report_is_written_atomically_and_readable(base) -> None:
    run_dir = base[0]
    path = run_dir / "report.html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in run_dir.iterdir() if p.name.startswith(".")] == []
    assert path.stat().st_mode & 0o044 == 0o044  # readable by others, like the Parquet files


def test_report_is_self_contained(mech) -> None:
    _, text, page = mech
    assert external(page.links) == []
    assert all(u.startswith("#") for u in page.links), page.links
    assert not {"script", "link", "img", "iframe", "object", "embed"} & page.tags
    assert "@import" not in text and "url(http" not in text and "url(//" not in text
    assert "<?xml" not in text and "<!DOCTYPE svg" not in text


def test_every_plot_has_its_figure_and_caption(base) -> None:
    _, text, page = base
    assert list(page.figures) == BASE_FIGURES
    for fid, fig in page.figures.items():
        assert fig["svg"] and not fig["note"], fid
        assert len(fig["caption"].strip()) > 30, fid
    # Mechanisms the run does not have are not shown, and are named as absent.
    for fid in MECHANISM_FIGURES:
        assert f'id="{fid}"' not in text
    assert "Not in this run" in text and "Social exclusion" in text
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))  # SVG element ids never collide across figures


def test_mechanism_sections_appear_when_their_keys_do(mech) -> None:
    _, text, page = mech
    for fid in BASE_FIGURES + MECHANISM_FIGURES:
        assert page.figures[fid]["svg"], fid
        assert not page.figures[fid]["note"], fid
    for sid in ("exclusion", "gaming", "trust", "adversaries"):
        assert f"sec-{sid}" in page.sections
    assert "1,234 friend ties were cut" in text
    assert "5,000 score points were bought for 123,456 yuan" in text


def test_sections_follow_the_registry_order(mech) -> None:
    page = mech[2]
    order = [f"sec-{s.id}" for s in SECTIONS]
    assert page.sections == [s for s in order if s in page.sections]
    assert page.sections[0] == "sec-findings" and page.sections[-1] == "sec-run"


def test_report_shows_headlines_and_run_facts(base) -> None:
    page = base[1]
    assert "credsim report: test &lt;town&gt;" in page
    assert "seed 42 · 3,000 citizens · 95 days" in page
    assert "1,234,567" in page  # acts_total with thousands separators
    assert "12,345 (1.2% of records written)" in page
    assert "A 10.0% · B 40.0% · C 40.0% · D 10.0%" in page
    assert "rules (primary)" in page
    assert "Synthetic group: minority" in page
    assert "25,000,000" in page  # agent_days_per_second
    assert "<details>" in page and "name = &quot;test &lt;town&gt;&quot;" in page


def test_rewrite_with_figures_dir_gives_same_page_and_png_svg_of_every_figure(
    mech, tmp_path: Path
) -> None:
    run_dir, text, page = mech
    out = tmp_path / "figs" / "nested"
    again = write_report(run_dir, figures_dir=out).read_text(encoding="utf-8")
    assert again == text  # byte-identical, and the files do not change the page
    slugs = [fid.removeprefix("fig-") for fid in page.figures]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{s}.{ext}" for s in slugs for ext in ("png", "svg")
    )
    for slug in slugs:
        assert (out / f"{slug}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in (out / f"{slug}.svg").read_text(encoding="utf-8")


def test_missing_timeseries_drops_its_sections(run_dir: Path) -> None:
    (run_dir / "timeseries.parquet").unlink()
    page = Page(write_report(run_dir).read_text(encoding="utf-8"))
    for fid in ("fig-grade-shares", "fig-sanctions", "fig-refused-travel"):
        assert fid not in page.figures
    assert page.figures["fig-score-distribution"]["svg"]
    assert page.figures["fig-wrongful-by-group"]["svg"]


def test_missing_columns_and_keys_degrade_gracefully(run_dir: Path) -> None:
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    ts.drop(columns=["blocked_flights"]).to_parquet(run_dir / "timeseries.parquet")
    citizens = pd.read_parquet(run_dir / "citizens.parquet")
    citizens.drop(columns=["grade.rules", "income", "synthetic_group"]).to_parquet(
        run_dir / "citizens.parquet"
    )
    (run_dir / "summary.json").write_text(json.dumps({"scenario": "bare", "citizens": 10}))
    (run_dir / "run.json").unlink()
    text = write_report(run_dir).read_text(encoding="utf-8")
    page = Page(text)
    # No refused-travel columns and no event log: no travel section.
    assert "fig-refused-travel" not in page.figures
    assert page.figures["fig-sanctions"]["svg"]
    # Without policies in the summary, every scored policy is drawn; overlaid by urban/rural.
    assert page.figures["fig-score-distribution"]["svg"]
    assert "Urban/rural" in text
    assert "fig-wrongful-by-group" not in page.figures
    assert "The run directory has no run.json." in text


def test_empty_run_dir_still_yields_report(tmp_path: Path) -> None:
    text = write_report(tmp_path).read_text(encoding="utf-8")
    assert "The run directory has no summary.json." in text
    assert "<svg" not in text
    assert Page(text).sections == ["sec-headline", "sec-run"]


def test_a_figure_that_fails_becomes_a_note(mechanisms_run_dir: Path) -> None:
    summary = json.loads((mechanisms_run_dir / "summary.json").read_text())
    summary["gaming_by_service"] = {"score_farm": "not a table"}
    (mechanisms_run_dir / "summary.json").write_text(json.dumps(summary))
    page = Page(write_report(mechanisms_run_dir).read_text(encoding="utf-8"))
    broken = page.figures["fig-gaming-services"]
    assert broken["note"] and not broken["svg"] and broken["caption"]
    assert page.figures["fig-gaming-price"]["svg"]


def test_perks_without_a_money_value_draw_no_empty_chart(tmp_path: Path) -> None:
    """Rongcheng's only perk (a heating discount at AAA) was taken up by nobody in a short run:
    the report shows its table, no empty stacked chart, and matplotlib warns of nothing."""
    import warnings

    import credsim

    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=UserWarning)
        run = credsim.run("rongcheng", out=tmp_path / "r", population=5_000, days=30,
                          overrides=["but_for=false"])  # fmt: skip
    assert all(not (p or {}).get("yuan") for p in run.summary["perks"].values())
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "perks-by-income" not in page and "heating discount" in page


@pytest.mark.parametrize("days", [2, 5, 8, 30, 400])
def test_date_axes_never_tick_hours(days: int) -> None:
    """The series are daily: a run of a few days is ticked by day, not "12:00"."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from credsim.report.style import time_axis

    x = np.arange(np.datetime64("2020-01-01"), np.datetime64("2020-01-01") + days)
    fig = Figure()
    ax = fig.subplots()
    ax.plot(x, np.arange(days))
    time_axis(ax, x)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels and not any(":" in label for label in labels), labels
