"""The HTML report of a run directory: self-contained, complete, deterministic, robust to gaps."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from credsim.report import write_report
from credsim.report.figures import CAPTIONS, TITLES

POLICIES = ("rules", "points")
GRADES = ("A", "B", "C", "D")  # best first
CUTS = (900, 700, 500)  # lowest score of A, B, C
DIMS = {
    "sex": ("female", "male"),
    "age_band": ("0-14", "15-59", "60+"),
    "urban": ("urban", "rural"),
    "group": ("majority", "minority", "migrant"),
}


def _grade(scores: np.ndarray) -> np.ndarray:
    return np.select([scores >= c for c in CUTS], list(GRADES[:3]), GRADES[3])


def make_run_dir(root: Path, citizens: int = 3000, days: int = 95) -> Path:
    """A small synthetic run directory in the documented format."""
    rng = np.random.default_rng(7)
    run_dir = root / "run"
    run_dir.mkdir()
    people = pd.DataFrame({"citizen": np.arange(citizens)})
    for dim, labels in DIMS.items():
        people[dim] = rng.choice(labels, size=citizens, p=None)
    for i, policy in enumerate(POLICIES):
        scores = np.clip(rng.normal(750 - 40 * i, 120, citizens), 350, 950).astype(np.int16)
        people[f"score.{policy}"] = scores
        people[f"grade.{policy}"] = _grade(scores)
    people["listed"] = rng.random(citizens) < 0.05
    people["wrongful"] = people["listed"] & (rng.random(citizens) < 0.3)
    people.to_parquet(run_dir / "citizens.parquet", index=False)

    rows = []
    groups = [("all", "all")] + [(d, label) for d, labels in DIMS.items() for label in labels]
    for day in range(days):
        for by, group in groups:
            row = {"day": day, "by": by, "group": group}
            for col in (
                "acts",
                "records",
                "records_misattributed",
                "records_fabricated",
                "listed_new",
                "delisted",
                "blocked_flights",
                "blocked_trains",
            ):
                row[col] = float(rng.poisson(5))
            row["sanctioned"] = float(day * 2)
            row["sanctioned_wrongful"] = float(day // 2)
            for policy in POLICIES:
                row[f"score_mean.{policy}"] = 700.0 - day * 0.1
                row[f"score_gini.{policy}"] = 0.1 + day * 1e-4
                shares = rng.dirichlet(np.ones(len(GRADES)))
                for grade, share in zip(GRADES, shares, strict=True):
                    row[f"grade_share.{policy}.{grade}"] = share
            rows.append(row)
    ts = pd.DataFrame(rows).astype({"day": "int32", "by": "string", "group": "string"})
    ts.to_parquet(run_dir / "timeseries.parquet", index=False)

    def group_stats(mask: np.ndarray) -> dict:
        sub = people[mask]
        return {
            "citizens": len(sub),
            "sanctioned": int(sub["listed"].sum()),
            "sanctioned_wrongful": int(sub["wrongful"].sum()),
            "records_misattributed": int(rng.poisson(20)),
            "score_mean": float(sub["score.rules"].mean()),
        }

    summary = {
        "scenario": "test <town>",
        "seed": 42,
        "citizens": citizens,
        "days": days,
        "acts_total": 1234567,
        "records_total": 1000000,
        "records_misattributed": 12345,
        "records_fabricated": 678,
        "sanctioned": int(people["listed"].sum()),
        "sanctioned_wrongful": int(people["wrongful"].sum()),
        "blocked_flights": 4321,
        "blocked_trains": 8765,
        "score_mean": 712.25,
        "score_gini": 0.0912,
        "grade_shares": {"A": 0.1, "B": 0.4, "C": 0.4, "D": 0.1},
        "primary_policy": "rules",
        "policies": {
            p: {
                "score_mean": 700.0,
                "score_gini": 0.1,
                "grade_shares": {"A": 0.1, "B": 0.4, "C": 0.4, "D": 0.1},
            }
            for p in POLICIES
        },
        "by_group": {
            d: {label: group_stats((people[d] == label).to_numpy()) for label in labels}
            for d, labels in DIMS.items()
        },
    }
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    run = {
        "credsim_version": "0.1.0",
        "seed": 42,
        "threads": 4,
        "wall_seconds": 12.5,
        "agent_days_per_second": 2.5e7,
        "peak_bytes_per_citizen": 180,
    }
    (run_dir / "run.json").write_text(json.dumps(run))
    (run_dir / "scenario.toml").write_text('name = "test <town>"\nseed = 42\n')
    return run_dir


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return make_run_dir(tmp_path)


def _figure_blocks(page: str) -> dict[str, str]:
    return dict(re.findall(r'<figure id="fig-([a-z_]+)">(.*?)</figure>', page, flags=re.S))


def _caption(slug: str) -> str:
    import html

    return html.escape(CAPTIONS[slug].format(policy="rules"))


def test_report_is_written_atomically_and_returned(run_dir: Path) -> None:
    path = write_report(run_dir)
    assert path == run_dir / "report.html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in run_dir.iterdir() if p.name.startswith(".")) == []


def test_report_is_self_contained(run_dir: Path) -> None:
    page = write_report(run_dir).read_text(encoding="utf-8")
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page and "url(http" not in page
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page


def test_report_has_every_figure_and_caption(run_dir: Path) -> None:
    page = write_report(run_dir).read_text(encoding="utf-8")
    blocks = _figure_blocks(page)
    assert list(blocks) == list(TITLES)
    for slug, block in blocks.items():
        assert "<svg" in block, slug
        assert f"<figcaption>{_caption(slug)}</figcaption>" in block
        assert 'class="note"' not in block
        assert f"<h2>{TITLES[slug]}</h2>" in page
    assert page.count("<svg") == len(TITLES)
    # SVG element ids never collide across the inlined figures.
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_report_shows_headlines_and_run_facts(run_dir: Path) -> None:
    page = write_report(run_dir).read_text(encoding="utf-8")
    assert "credsim report: test &lt;town&gt;" in page
    assert "seed 42 · 3,000 citizens · 95 days" in page
    assert "1,234,567" in page  # acts_total with thousands separators
    assert "12,345 (1.2% of records written)" in page
    assert "A 10.0% · B 40.0% · C 40.0% · D 10.0%" in page
    assert "rules (primary)" in page
    assert "Group: minority" in page
    assert "25,000,000" in page  # agent_days_per_second
    assert "<details>" in page and "name = &quot;test &lt;town&gt;&quot;" in page


def test_report_is_byte_identical_when_rewritten(run_dir: Path) -> None:
    first = write_report(run_dir).read_bytes()
    second = write_report(run_dir).read_bytes()
    assert first == second


def test_figures_dir_gets_png_and_svg(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "figs" / "nested"
    write_report(run_dir, figures_dir=out)
    for slug in TITLES:
        png, svg = out / f"{slug}.png", out / f"{slug}.svg"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in svg.read_text(encoding="utf-8")


def test_missing_timeseries_yields_notes(run_dir: Path) -> None:
    (run_dir / "timeseries.parquet").unlink()
    page = write_report(run_dir).read_text(encoding="utf-8")
    blocks = _figure_blocks(page)
    for slug in ("grade_shares", "sanctions", "refused_travel"):
        assert "<svg" not in blocks[slug]
        assert "no timeseries.parquet" in blocks[slug]
        assert _caption(slug) in blocks[slug]
    for slug in ("score_distribution", "wrongful_by_group"):
        assert "<svg" in blocks[slug]


def test_missing_columns_and_keys_degrade_gracefully(run_dir: Path) -> None:
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    ts.drop(columns=["blocked_flights"]).to_parquet(run_dir / "timeseries.parquet")
    citizens = pd.read_parquet(run_dir / "citizens.parquet")
    citizens.drop(columns=["grade.rules", "group"]).to_parquet(run_dir / "citizens.parquet")
    (run_dir / "summary.json").write_text(json.dumps({"scenario": "bare", "citizens": 10}))
    (run_dir / "run.json").unlink()
    page = write_report(run_dir).read_text(encoding="utf-8")
    blocks = _figure_blocks(page)
    assert "lacks blocked_flights" in blocks["refused_travel"]
    assert "<svg" in blocks["sanctions"]
    # Without primary_policy in the summary, the first scored policy is used; overlaid by urban.
    assert "<svg" in blocks["score_distribution"]
    assert "no by_group" in blocks["wrongful_by_group"]
    assert "The run directory has no run.json." in page


def test_empty_run_dir_still_yields_report(tmp_path: Path) -> None:
    page = write_report(tmp_path).read_text(encoding="utf-8")
    assert "The run directory has no summary.json." in page
    assert "<svg" not in page
    assert len(_figure_blocks(page)) == len(TITLES)
