"""A run directory's self-contained HTML report: headline table, inline SVG figures, run facts.

The page needs no network to open (no scripts, no external fonts, styles or images) and is
byte-identical when written twice from the same run directory.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from html import escape
from pathlib import Path

from . import figures

__all__ = ["render_page", "write_report"]

HEADLINES = {
    "citizens": "Citizens (people)",
    "days": "Days simulated",
    "acts_total": "Acts",
    "records_total": "Records written",
    "records_misattributed": "Records misattributed to the wrong person",
    "records_fabricated": "Records fabricated",
    "sanctioned": "People sanctioned",
    "sanctioned_wrongful": "People wrongly sanctioned",
    "blocked_flights": "Flight purchases refused",
    "blocked_trains": "Train ticket purchases refused",
    "primary_policy": "Primary policy",
    "score_mean": "Mean score",
    "score_gini": "Score Gini coefficient",
    "grade_shares": "Grade shares (best first)",
}
SHARE_OF = {
    "records_misattributed": "records_total",
    "records_fabricated": "records_total",
    "sanctioned_wrongful": "sanctioned",
}
NOT_HEADLINES = {"scenario", "seed", "policies", "by_group"}
RUN_FACTS = {
    "credsim_version": "credsim version",
    "seed": "Seed",
    "threads": "Threads",
    "wall_seconds": "Wall time (s)",
    "agent_days_per_second": "Agent-days per second",
    "peak_bytes_per_citizen": "Peak memory per citizen (bytes)",
}
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 color:#222;background:#fff;max-width:980px;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;
 border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1rem;margin-bottom:.3rem}
.sub{color:#555;margin-top:0}table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}
th,td{padding:.25rem .7rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}thead th{border-bottom:2px solid #ccc}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto;display:block}
figcaption{color:#444;font-size:.9rem;margin-top:.3rem}.note{color:#8a4b00;font-style:italic}
pre{background:#f6f6f6;padding:.8rem;overflow-x:auto;font-size:.85rem}
details summary{cursor:pointer;font-weight:600}
"""


def write_report(run_dir: Path, figures_dir: Path | None = None) -> Path:
    """Write run_dir/report.html atomically and return its path.

    If figures_dir is given, each figure is also saved there as PNG and SVG.
    """
    run_dir = Path(run_dir)
    if figures_dir is not None:
        figures_dir = Path(figures_dir)
        figures_dir.mkdir(parents=True, exist_ok=True)
    page = render_page(run_dir, figures_dir)
    target = run_dir / "report.html"
    fd, tmp = tempfile.mkstemp(dir=run_dir, prefix=".report.", suffix=".html.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(page)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def render_page(run_dir: Path, figures_dir: Path | None = None) -> str:
    """The report page of run_dir as an HTML string."""
    summary, summary_note = _read_json(run_dir / "summary.json")
    run, run_note = _read_json(run_dir / "run.json")
    panels = figures.render(run_dir, summary, figures_dir)
    scenario = str(summary.get("scenario", run_dir.name))
    templates = {"seed": "seed {}", "citizens": "{} citizens", "days": "{} days"}
    facts = [t.format(_fmt(summary[k])) for k, t in templates.items() if k in summary]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>credsim report: {escape(scenario)}</title>",
        f"<style>{CSS}</style></head>",
        "<body>",
        f"<h1>credsim report: {escape(scenario)}</h1>",
        f'<p class="sub">{escape(" · ".join(facts))}</p>',
        "<h2>Headline figures</h2>",
        _note(summary_note) or _headlines(summary),
        _policies(summary),
    ]
    for panel in panels:
        out.append(f"<h2>{escape(panel.title)}</h2>")
        out.append(f'<figure id="fig-{panel.slug}">')
        out.append(panel.svg if panel.svg else _note(panel.note))
        out.append(f"<figcaption>{escape(panel.caption)}</figcaption></figure>")
        if panel.slug == "wrongful_by_group":
            out.append(_by_group(summary))
    out += ["<h2>Run facts</h2>", _note(run_note) or _run_facts(run), _scenario(run_dir)]
    out += ["</body>", "</html>"]
    return "\n".join(part for part in out if part) + "\n"


def _read_json(path: Path) -> tuple[dict, str]:
    if not path.exists():
        return {}, f"The run directory has no {path.name}."
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {}, f"Could not read {path.name}: {exc}"
    if not isinstance(data, dict):
        return {}, f"{path.name} does not hold a JSON object."
    return data, ""


def _note(text: str) -> str:
    return f'<p class="note">{escape(text)}</p>' if text else ""


def _fmt(value: object) -> str:
    """Numbers with thousands separators; shares and nested values in readable form."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "n/a"
        if value.is_integer() and abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.3f}"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _shares(shares: object) -> str:
    if not isinstance(shares, dict):
        return _fmt(shares)
    return " · ".join(f"{g} {_fmt_share(s)}" for g, s in shares.items())


def _fmt_share(share: object) -> str:
    return f"{share:.1%}" if isinstance(share, int | float) else _fmt(share)


def _table(head: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    def cells(tag: str, values: list[str]) -> str:
        return "".join(
            f'<{tag} class="n">{v}</{tag}>' if i in numeric else f"<{tag}>{v}</{tag}>"
            for i, v in enumerate(values)
        )

    body = "\n".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    return f"<table><thead><tr>{cells('th', head)}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"


def _headlines(summary: dict) -> str:
    keys = [k for k in HEADLINES if k in summary]
    keys += [k for k in summary if k not in HEADLINES and k not in NOT_HEADLINES]
    rows = []
    for key in keys:
        value = summary[key]
        text = _shares(value) if key == "grade_shares" else _fmt(value)
        base = summary.get(SHARE_OF[key]) if key in SHARE_OF else None
        if isinstance(value, int | float) and isinstance(base, int | float) and base > 0:
            text += f" ({value / base:.1%} of {HEADLINES[SHARE_OF[key]].lower()})"
        rows.append([escape(HEADLINES.get(key, key)), escape(text)])
    return _table(["Figure", "Value"], rows, {1}) if rows else _note("summary.json is empty.")


def _policies(summary: dict) -> str:
    policies = summary.get("policies")
    if not isinstance(policies, dict) or not policies:
        return ""
    primary = summary.get("primary_policy")
    rows = [
        [
            escape(f"{name} (primary)" if name == primary else str(name)),
            escape(_fmt(p.get("score_mean", ""))),
            escape(_fmt(p.get("score_gini", ""))),
            escape(_shares(p.get("grade_shares", ""))),
        ]
        for name, p in policies.items()
        if isinstance(p, dict)
    ]
    head = ["Policy", "Mean score", "Score Gini", "Grade shares (best first)"]
    return "<h3>Policies compared</h3>\n" + _table(head, rows, {1, 2})


def _by_group(summary: dict) -> str:
    by_group = summary.get("by_group")
    if not isinstance(by_group, dict) or not by_group:
        return ""
    head = [
        "Group",
        "Citizens",
        "Sanctioned",
        "Wrongly sanctioned",
        "Wrongly per 100,000",
        "Misattributed records",
        "Mean score",
    ]
    rows = []
    for dim, labels in by_group.items():
        for label, v in (labels or {}).items():
            if not isinstance(v, dict):
                continue
            cit, wrong = v.get("citizens"), v.get("sanctioned_wrongful")
            rate = 1e5 * wrong / cit if cit and isinstance(wrong, int | float) else None
            values = [
                v.get("citizens"),
                v.get("sanctioned"),
                wrong,
                rate,
                v.get("records_misattributed"),
                v.get("score_mean"),
            ]
            name = f"{figures.DIM_NAMES.get(dim, dim)}: {label}"
            rows.append([escape(name)] + ["" if x is None else escape(_fmt(x)) for x in values])
    return _table(head, rows, set(range(1, len(head)))) if rows else ""


def _run_facts(run: dict) -> str:
    keys = [k for k in RUN_FACTS if k in run] + [k for k in run if k not in RUN_FACTS]
    rows = [[escape(RUN_FACTS.get(k, k)), escape(_fmt(run[k]))] for k in keys]
    return _table(["Fact", "Value"], rows, {1}) if rows else _note("run.json is empty.")


def _scenario(run_dir: Path) -> str:
    path = run_dir / "scenario.toml"
    if not path.exists():
        return _note("The run directory has no scenario.toml.")
    text = path.read_text(encoding="utf-8", errors="replace")
    return (
        "<details><summary>Resolved scenario (scenario.toml)</summary>\n"
        f"<pre>{escape(text)}</pre></details>"
    )
