"""`credsim.run`: a scenario run from Python, checkpointed if asked. It sits at the top of the
stack: it may use both the runner and the experiments (checkpoints), which never import it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from credsim.errors import UserError
from credsim.results import Results
from credsim.scenario import Scenario

if TYPE_CHECKING:
    from credsim.experiments.backends import Backend

__all__ = ["run"]


def run(
    scenario: Scenario | str | Path = "default",
    *,
    out: str | Path | None = None,
    on_day: Callable[[int], None] | None = None,
    checkpoint_every: int | None = None,
    replicates: int | None = None,
    backend: Backend | None = None,
    force: bool = False,
    on_but_for_day: Callable[[int], None] | None = None,
    alongside: bool | None = None,
    **load_options,
) -> Results:
    """Run a scenario (object, bundled name or path) and return its results.

    `out` is the run directory; without it, a new temporary directory is used. An earlier run in
    `out` is replaced only with `force=True` (any other non-empty directory never is).
    `checkpoint_every` (days) saves the whole simulation that often under `<out>.partial/`, so
    that `credsim.experiments.resume(out)` can finish an interrupted run with the same results.
    Keyword options (`population`, `days`, `seed`, `overrides`) go to `load_scenario`.
    `replicates` runs that many seeds on `backend` (default: local processes) and writes means
    with 90% intervals (credsim.experiments.replicates; `on_day` is not called).
    A run in one process without checkpoints steps its counterfactual without erroneous records
    through every day first, alone, or, when two cores are free to it and memory allows, in a
    second process at the same time (`alongside`: None decides so, True or False asks;
    credsim.scenario.twin_choice.twin_alongside), telling `on_but_for_day` each of its days;
    with checkpoints it steps it first, checkpointed too (credsim.experiments.checkpoint_twin:
    the same results every way).
    """
    from credsim import runner

    if replicates is not None:
        from credsim.experiments.replicates import run_replicates

        if checkpoint_every is not None:
            raise UserError("replicates with checkpoint_every: replicates are not checkpointed.")
        loaded = runner.scenario_of(scenario, load_options)
        out = runner.out_dir(loaded, out)
        return run_replicates(loaded, out, replicates, backend, force=force)
    if checkpoint_every is None:
        return runner.run(
            scenario,
            out=out,
            on_day=on_day,
            force=force,
            on_but_for_day=on_but_for_day,
            alongside=alongside,
            **load_options,
        )
    from credsim.experiments.checkpoint import run_checkpointed

    loaded = runner.scenario_of(scenario, load_options)
    out = runner.out_dir(loaded, out)
    if alongside:
        raise UserError(
            "alongside with checkpoint_every: a checkpointed run steps its counterfactual first."
        )
    return run_checkpointed(
        loaded, out, checkpoint_every, on_day, force=force, on_but_for_day=on_but_for_day
    )
