"""What `credsim run` prints: the summary table of a finished run and the plan of a day."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from credsim.results.intervals import lookup

__all__ = [
    "HEADLINES",
    "fmt",
    "print_plan",
    "print_results",
    "run_facts_table",
    "summary_table",
]

HEADLINES = [
    ("citizens", "citizens"),
    ("days", "days"),
    ("acts_total", "acts"),
    ("records_total", "records"),
    ("records_misattributed", "records misattributed"),
    ("records_fabricated", "records fabricated"),
    ("listed_total", "listed during the run"),
    ("sanctioned", "sanctioned at the end"),
    ("sanctioned_wrongful", "of whom wrongfully (not without the wrong records)"),
    ("sanctioned_touched_by_wrong_record", "of whom touched by a wrong record"),
    ("refused_wrongful", "refusals not met without the wrong records"),
    ("blocked_flights", "flight purchases refused"),
    ("blocked_trains", "train purchases refused"),
    ("score_mean", "mean score"),
    ("score_gini", "score Gini"),
    ("speech_suppressed", "posts held back (self-censorship)"),
    ("ties_cut", "friendships cut (exclusion)"),
    ("points_bought", "points bought (gaming)"),
    ("gaming_cost", "yuan spent buying points"),
    ("trust_index", "help given per request (trust)"),
    ("lender_listings", "good customers listed by lenders"),
]


def fmt(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.1f}"
    return str(value)


def _with_interval(summary: dict, key: str, value: object) -> str:
    """`fmt(value)`, and ` [p5–p95]` after it in a run of replicates when the two differ
    (`key` is a dotted path)."""
    path = key.split(".")
    low, high = lookup(summary.get("p5"), *path), lookup(summary.get("p95"), *path)
    if isinstance(low, int | float) and isinstance(high, int | float) and low != high:
        return f"{fmt(value)} [{fmt(low)}–{fmt(high)}]"
    return fmt(value)


def _warmup(summary: dict) -> tuple[int, dict]:
    """(days left out at the start, the figures after them) when the run has a warm-up."""
    warmup, after = summary.get("warmup") or {}, summary.get("after_warmup") or {}
    days = int(warmup.get("days") or 0)
    return (days, after) if days and after.get("days") else (0, {})


def summary_table(summary: dict, run_info: dict | None = None) -> Table:
    """The figures of a finished run (run facts apart: `run_facts_table`). Flows count the days
    after the warm-up when the run has one; stocks are as they stand at the end."""
    count = (summary.get("replicates") or {}).get("count")
    seed = summary.get("seed")
    what = f"means of {count} replicates, seed {seed}" if count else f"seed {seed}"
    table = Table(title=f"credsim run: {summary.get('scenario')} ({what})")
    table.add_column("figure")
    table.add_column("value [90% interval]" if count else "value", justify="right")
    warmup, after = _warmup(summary)
    for key, label in HEADLINES:
        if key not in summary:
            continue
        value, path = summary[key], key
        if warmup and key in after and key not in ("citizens", "days"):
            value, path, label = after[key], f"after_warmup.{key}", f"{label} (after warm-up)"
        shown = "not computed (--but-for)" if value is None and "wrongful" in key else None
        table.add_row(label, shown or _with_interval(summary, path, value))
    for grade, share in (summary.get("grade_shares") or {}).items():
        low = ((summary.get("p5") or {}).get("grade_shares") or {}).get(grade)
        high = ((summary.get("p95") or {}).get("grade_shares") or {}).get(grade)
        spread = f" [{low:.2%}–{high:.2%}]" if low is not None and low != high else ""
        table.add_row(f"grade {grade} share", "-" if share is None else f"{share:.2%}{spread}")
    for name, row in (summary.get("calibration") or {}).items():
        mark = "within" if row["within_band"] else "OUTSIDE"
        table.add_row(
            f"{name} (published {row['published']:,.0f})",
            f"{row['model']:,.0f} (x{row['ratio']:.2f}, {mark})",
        )
    if warmup:
        table.caption = (
            f"(after warm-up): the last {after['days']:,} days; the first {warmup:,} are left "
            "out (see the findings). Whole-run totals: summary.json."
        )
    return table


RUN_FACTS = [
    ("wall_seconds", "wall time (s)"),
    ("loop_seconds", "of which simulating days (s)"),
    ("agent_days_per_second", "agent-days per second"),
    ("peak_rss_bytes_per_citizen", "peak memory per citizen (bytes, measured)"),
    ("state_bytes_per_citizen", "state per citizen (bytes, declared)"),
    ("threads", "Numba threads"),
    ("backend", "backend"),
]


def run_facts_table(run_info: dict) -> Table:
    """How the run went, for developers: time, speed, memory, threads."""
    table = Table(title="run facts")
    table.add_column("fact")
    table.add_column("value", justify="right")
    for key, label in RUN_FACTS:
        if run_info.get(key) is not None:
            table.add_row(label, fmt(run_info[key]))
    return table


def print_results(console: Console, results) -> None:
    """What `credsim run` prints when a run is done: key findings, figures, run facts, paths."""
    summary = results.summary
    findings = summary.get("key_findings") or []
    if findings:
        console.print("[bold]Key findings[/bold]")
        for finding in findings:
            console.print(f"- {finding['text']}", highlight=False)
        console.print()
    console.print(summary_table(summary))
    console.print(run_facts_table(results.run_info))
    report = results.path / "report.html"
    if report.is_file():
        console.print(f"report: {report}", soft_wrap=True, highlight=False)
    console.print(f"run directory: {results.path}", soft_wrap=True, highlight=False)


def print_plan(out_console: Console, scenario) -> None:
    from credsim.runner import build_simulation

    sim = build_simulation(scenario)
    out_console.print(f"[bold]Plan of a day[/bold] in scenario {scenario.name!r}:")
    for number, (phase, plugins) in enumerate(sim.plan(), start=1):
        out_console.print(f"  {number} {phase.name:<8} {phase.meaning} -> {phase.produces}")
        for plugin in plugins:
            kind = type(plugin).__name__
            out_console.print(f"      - {plugin.name} ({kind}): {plugin.describe()}")
            if plugin.needs():
                out_console.print(f"        reads services: {', '.join(plugin.needs())}")
    if scenario.model.timeline:
        out_console.print("[bold]Timeline[/bold] (changes at the start of the day):")
        for entry in scenario.model.timeline:
            day = (entry.date - scenario.model.start).days
            changes = [f"on {k}" for k in entry.enable] + [f"off {k}" for k in entry.disable]
            changes += [f"{k} = {v!r}" for k, v in entry.set.items()]
            changes += [
                f"{k} from {a:g} to {b:g} by {entry.until} (every {entry.step_days} days)"
                for k, (a, b) in entry.ramp.items()
            ]
            note = f" ({entry.note})" if entry.note else ""
            out_console.print(f"  {entry.date} (day {day}): {', '.join(changes)}{note}")
    columns = ", ".join(f"{c.name}:{c.dtype}" for c in sim.state.specs)
    out_console.print(f"State columns ({sim.state.bytes_per_citizen()} bytes/citizen): {columns}")
