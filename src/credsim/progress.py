"""The progress bars long commands show on standard error: a plain one (runs of a sweep, points
of a calibration) and one for a single run that names its stage — preparing (population, graph
and, on a first run, compiling the kernels), each day, then writing the results and the report."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["STAGES", "RunProgress", "progress_bar"]

STAGES = {
    "prepare": "preparing: population, graph, kernels (compiled on a first run, ~20 s)",
    "but_for": "simulating without the wrong records",
    "days": "simulating",
    "write": "writing results and report.html",
}
"""What the run bar says in each stage."""


def progress_bar(console: Console, unit: str = "days", *, quiet: bool = False, eta: bool = False):
    """A transient bar: description, bar, done/total `unit`, time elapsed (and left, if `eta`)."""
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
    ]
    if eta:
        columns.append(TimeRemainingColumn())
    return Progress(*columns, console=console, transient=True, disable=quiet)


class RunProgress:
    """The bar of one run, used as a context manager; pass `on_day` to the run. It pulses while
    the run prepares and while it writes its files, and counts days in between."""

    def __init__(
        self,
        console: Console,
        name: str,
        days: int,
        *,
        done: int = 0,
        but_for_done: int = 0,
        quiet: bool = False,
    ) -> None:
        self.days, self.done, self.stage = days, done, "prepare"
        self.but_for_done = but_for_done
        self.progress = Progress(
            TextColumn("[bold]{task.fields[name]}"),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[count]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=quiet,
        )
        self.task: TaskID = self.progress.add_task(
            STAGES["prepare"], total=None, name=name, count=self._count()
        )

    def _count(self) -> str:
        if self.stage == "but_for":
            return f"day {self.but_for_done:,}/{self.days:,}"
        return f"day {self.done:,}/{self.days:,}" if self.stage == "days" else ""

    def __enter__(self) -> RunProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def on_day(self, _day: int) -> None:
        """A day finished: count it; after the last, the run writes its files."""
        self.done += 1
        self._counted("days", self.done, "write")

    def on_but_for_day(self, _day: int) -> None:
        """A day of the counterfactual without wrong records finished (stepped before the run's
        own days): count it; after its last, the run prepares. Stepped alongside the run (in a
        second process), its days come as the run's do: the bar shows the run's."""
        self.but_for_done += 1
        if self.stage in ("days", "write"):
            return
        self._counted("but_for", self.but_for_done, "prepare")

    def _counted(self, stage: str, done: int, after: str) -> None:
        """Show `done` days of `stage`; once all are done, move on to `after`."""
        if done >= self.days:
            self.set_stage(after)
            return
        if self.stage != stage:
            self.set_stage(stage)
        self.progress.update(self.task, completed=done, count=self._count())

    def set_stage(self, stage: str) -> None:
        """Name the stage on the bar; preparing and writing pulse (no total), each with its own
        elapsed time."""
        self.stage = stage
        if stage in ("days", "but_for"):
            self.progress.update(
                self.task, description=STAGES[stage], total=self.days, count=self._count()
            )
            return
        name = self.progress.tasks[0].fields["name"] if self.progress.tasks else ""
        self.progress.remove_task(self.task)
        self.task = self.progress.add_task(STAGES[stage], total=None, name=name, count="")
