"""What `credsim run` prints: the key findings first, then the figures (flows after the
warm-up), the developers' run facts apart, and where the report is; and a progress bar that
names what the run is doing."""

from __future__ import annotations

import io
from types import SimpleNamespace

from rich.console import Console

from credsim.cli_tables import print_results, summary_table
from credsim.progress import STAGES, RunProgress


def _printed(results) -> str:
    console = Console(file=io.StringIO(), width=200, record=True)
    print_results(console, results)
    return console.export_text()


def test_findings_come_first_and_run_facts_apart(outputs_run, tmp_path):
    (tmp_path / "report.html").write_text("<html></html>")
    results = SimpleNamespace(summary=outputs_run.summary, run_info=outputs_run.run_info,
                              path=tmp_path)  # fmt: skip
    text = _printed(results)
    assert text.startswith("Key findings")
    first = outputs_run.summary["key_findings"][0]["text"]
    assert first[:60] in text.replace("\n", " ")
    figures, facts = text.index("credsim run: default"), text.index("run facts")
    assert figures < facts and text.index("agent-days per second") > facts
    assert f"report: {tmp_path / 'report.html'}" in text
    assert "listed during the run (after warm-up)" in text


def test_the_figures_table_holds_no_developer_figures(outputs_run):
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(summary_table(outputs_run.summary))
    text = console.export_text()
    assert "agent-days" not in text and "bytes per citizen" not in text
    after = outputs_run.summary["after_warmup"]["listed_total"]
    row = next(line for line in text.splitlines() if "listed during the run" in line)
    assert "(after warm-up)" in row and row.split("│")[2].strip() == f"{after:,}"


def test_the_run_bar_names_each_stage():
    bar = RunProgress(Console(file=io.StringIO()), "default", days=3)
    task = bar.progress.tasks[0]
    assert task.description == STAGES["prepare"] and task.total is None  # pulses, labelled
    bar.on_day(0)
    task = bar.progress.tasks[0]
    assert task.description == STAGES["days"] and (task.completed, task.total) == (1, 3)
    assert task.fields["count"] == "day 1/3"
    bar.on_day(1)
    bar.on_day(2)
    task = bar.progress.tasks[0]
    assert task.description == STAGES["write"] and task.total is None  # not frozen at 100%
