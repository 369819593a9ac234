"""What the report does with how sure and how early a figure is: findings first, the warm-up
left out and said so, group rates with their counts and intervals, and adversaries' planted
records apart from the data sources' errors."""

from __future__ import annotations

import json
from pathlib import Path

from matplotlib.container import BarContainer

from credsim.report.figures_harms import misattribution_by_source
from credsim.report.html import render_page
from credsim.results.findings import key_findings

BY_SOURCE = {
    "cameras": {"records": 30_000, "misattributed": 300, "fabricated": 5},
    "courts": {"records": 3_000, "misattributed": 7, "fabricated": 0},
    "lenders": {"records": 17, "misattributed": 0, "fabricated": 17},
    "insiders": {"records": 1, "misattributed": 0, "fabricated": 1},
}


def _widths(ax) -> list[float]:
    return [p.get_width() for c in ax.containers if isinstance(c, BarContainer) for p in c.patches]


def test_adversaries_are_drawn_apart_on_their_own_scale():
    fig = misattribution_by_source(BY_SOURCE, {"lenders", "insiders"})
    sources, adversaries = fig.axes
    labels = [t.get_text() for t in sources.get_yticklabels()]
    assert labels == ["cameras (30,000)", "courts (3,000)"]  # the worst first
    assert max(_widths(sources)) == 100.0  # 300 of 30,000 per 10,000: visible beside courts
    assert sorted(_widths(adversaries)) == [1, 17]
    alone = misattribution_by_source({k: BY_SOURCE[k] for k in ("cameras", "courts")})
    assert len(alone.axes) == 1


def _with_warmup(run_dir: Path) -> dict:
    """The synthetic run with a 30-day warm-up, its flows after it and its findings."""
    path = run_dir / "summary.json"
    summary = json.loads(path.read_text())
    summary["warmup"] = {"days": 30, "set_by": "scenario", "reason": "set in the scenario",
                         "during": {"listed_total": 50}}  # fmt: skip
    by_group = {
        dim: {label: {"wrongful_sanction_days": 3, "records_misattributed": 2} for label in rows}
        for dim, rows in summary["by_group"].items()
    }
    summary["after_warmup"] = {"days": 65, "first_day": 30, "blocked_flights": 1000,
                               "wrongful_sanction_days": 90, "refused_wrongful": 4,
                               "records_misattributed": 40, "by_group": by_group}  # fmt: skip
    summary["key_findings"] = key_findings(summary)
    path.write_text(json.dumps(summary))
    return summary


def test_the_page_opens_with_findings_leaves_out_the_warm_up_and_gives_intervals(run_dir: Path):
    summary = _with_warmup(run_dir)
    page = render_page(run_dir)
    assert page.index('id="sec-findings"') < page.index('id="sec-headline"')
    first = summary["key_findings"][0]
    assert f'data-key="sanctioned" data-value="{summary["sanctioned"]}"' in page
    assert f'data-finding="{first["id"]}"' in page
    assert "After the warm-up (last 65 days)" in page  # the headline table's second column
    assert "Days 0–29 (the warm-up) are left out." in page
    assert "Flight purchases refused" in page and ">1,000<" in page
    # Group rates of one run: counts, 95% intervals, and what the run cannot separate.
    assert "Wrongly per 100,000: 95% interval" in page
    assert "not distinguishable (95%)" in page
    assert "95% Wilson intervals" in page
    assert "95% Poisson intervals of the count" in page and "By group (counts)" in page
